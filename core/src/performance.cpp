// Speed beside memory: a roofline with named efficiencies.
//
// Decode: every step reads the active weights (MoE: the experts a batch of b tokens touches,
//   E·(1 − (1 − k/E)^b) per layer) and each sequence's KV cache and state, at the memory bandwidth ×
//   memory_efficiency; plus a fixed cost per layer and step (kernel launches: 80 µs in llama.cpp,
//   20 µs with CUDA graphs in vLLM and SGLang, 100 µs in eager transformers).
// Prefill: 2·N_active FLOPs per token and the attention's 2·s²·d·a per layer and sequence (causal),
//   at the peak FLOP/s of the weights' compute type × compute_efficiency.
// Training: 6·N_active per token (8 with full recomputation) and 6·L·s·h for attention, at the peak ×
//   MFU (0.4 by default: Megatron-LM reports 41–49% on H100, torchtitan 35–45%).
// The efficiencies' defaults per engine and device class are calibrated on the published
// measurements of tests/corpus/speed-*.json (llama-bench tables, Megatron-LM and torchtitan runs).
#include <algorithm>
#include <cmath>

#include "breakdown.hpp"
#include "gguf.hpp"
#include "mixers.hpp"
#include "weights.hpp"

namespace memcalc::detail {

namespace {

// The compute type of the weights and its peak FLOP/s on this device.
struct Peak {
  double flops = 0;
  const char* type = "bf16";
};

Peak peak_for(const Scenario& s, bool training) {
  const GpuConfig& g = s.gpu;
  WeightFormat f = WeightFormat::bf16;
  if (training) {
    f = WeightFormat::bf16;
  } else {
    switch (s.inference.weight_dtype) {
      case WeightDtype::fp8:
      case WeightDtype::fp8_block: f = WeightFormat::fp8; break;
      case WeightDtype::nvfp4:
      case WeightDtype::mxfp4: f = WeightFormat::nvfp4; break;
      case WeightDtype::auto_: f = s.model.checkpoint.format; break;
      default: break;
    }
  }
  if ((f == WeightFormat::nvfp4 || f == WeightFormat::mxfp4) && g.flops_fp4 > 0) return {g.flops_fp4, "fp4"};
  if ((f == WeightFormat::nvfp4 || f == WeightFormat::mxfp4 || f == WeightFormat::fp8 || f == WeightFormat::fp8_block) && g.flops_fp8 > 0)
    return {g.flops_fp8, "fp8"};
  return {g.flops_bf16, "bf16"};
}

std::string pct(double x) { return fixed(100 * x, 0) + "%"; }

}  // namespace

Performance performance(const Scenario& s, const ModelTensors& t, const Result& r) {
  Performance p;
  const GpuConfig& g = s.gpu;
  const ModelConfig& m = s.model;
  if (g.bandwidth_bytes_per_s <= 0 || g.flops_bf16 <= 0) {
    p.assumptions.push_back("the GPU's bandwidth and FLOP/s are not known: give gpu.bandwidth_bytes_per_s and gpu.flops");
    return p;
  }
  p.available = true;
  const ParamCounts counts = r.params;
  const double active = counts.active - counts.embedding;  // the input embedding is a lookup, not a matmul
  double attn_layers = 0, attn_width = 0;
  for (std::size_t k = 0; k < t.kind_layer.size(); ++k)
    for (const Mixer& x : t.kind_layer[k]->mixers)
      if (x.holds_kv()) {
        attn_layers += t.kind_count[k];
        attn_width = std::max(attn_width, x.heads * (x.kind == MixerKind::mla ? x.qk_nope_head_dim + x.qk_rope_head_dim : x.head_dim));
      }
  const Engine engine = s.inference.engine.name;
  const bool training = s.mode == Mode::training;
  const Peak peak = peak_for(s, training);

  if (training) {
    const TrainingConfig& tr = s.training;
    const ParallelConfig& par = tr.parallel;
    const double gpus = par.dp * par.tp * par.pp * par.cp;
    const double tokens = tr.batch_size * tr.seq_len * par.dp * tr.gradient_accumulation_steps;
    const double per_token = (tr.recompute == Recompute::full ? 8 : 6) * counts.active + 6 * attn_layers * tr.seq_len * attn_width;
    const double mfu = s.performance.mfu > 0 ? s.performance.mfu : 0.4;
    p.step_time_s = per_token * tokens / (gpus * peak.flops * mfu);
    p.tokens_per_s = tokens / p.step_time_s / gpus;
    p.gpu_hours_per_billion_tokens = 1e9 / p.tokens_per_s / 3600;
    p.bound = "compute";
    p.assumptions.push_back(num(tr.recompute == Recompute::full ? 8 : 6) + "·N_active FLOPs per token (" + num(counts.active) +
                            " active parameters) + 6·L·s·h for attention, over " + num(gpus) + " GPU(s) at " + fixed(peak.flops / 1e12, 0) +
                            " TFLOP/s " + peak.type + " × MFU " + pct(mfu) + (s.performance.mfu > 0 ? "" : " (default; Megatron-LM and torchtitan runs reach 35–49%)"));
    return p;
  }

  const InferenceConfig& in = s.inference;
  const double tp = in.engine.name == Engine::vllm && in.engine.tensor_parallel_size > 0 ? in.engine.tensor_parallel_size
                    : in.engine.name == Engine::sglang && in.engine.tp_size > 0   ? in.engine.tp_size
                                                                                  : in.tp;
  double b = in.batch_size, context = in.context_len;
  if (engine == Engine::llamacpp) {
    b = std::max(1.0, in.engine.n_parallel);
    if (in.engine.n_ctx > 0) context = in.engine.n_ctx / b;
  }

  // Decode.
  double weights = 0, encoders = 0;
  for (const auto& c : r.components) {
    if (c.id == "weights") weights = c.bytes;
    if (c.id == "encoders") encoders = c.bytes;
  }
  (void)encoders;
  double experts = 0;  // the routed experts' bytes on this GPU
  const WeightSplit split = weight_split(m, t, in.weight_dtype);
  for (const auto& l : split.layers) experts += l.experts;
  experts /= tp;
  double touched = 1;
  for (const Layer& l : m.layers)
    if (l.ffn.kind == FfnKind::moe && l.ffn.experts > 0) {
      touched = 1 - std::pow(1 - l.ffn.experts_per_token / l.ffn.experts, b);
      break;
    }
  const double read_weights = weights - experts + experts * touched;
  const double read_cache = b * (r.kv_bytes_per_token * context + r.recurrent_state_bytes_per_sequence);
  // llama.cpp's matrix-vector kernels dequantize block types as they read them: 70% of the bandwidth
  // against 80% for 16-bit weights (calibrated on the llama-bench tables of tests/corpus/speed-*).
  const bool blocks = is_gguf(in.weight_dtype) && in.weight_dtype != WeightDtype::fp16;
  const double e_mem = s.performance.memory_efficiency > 0 ? s.performance.memory_efficiency : engine == Engine::llamacpp && blocks ? 0.7 : 0.8;
  const double launch = engine == Engine::llamacpp ? 80e-6 : engine == Engine::transformers ? 100e-6 : 20e-6;
  const double memory_time = (read_weights + read_cache) / (g.bandwidth_bytes_per_s * e_mem);
  const double compute_time = 2 * active * b / tp / (peak.flops * 0.5);
  const double step = std::max(memory_time, compute_time) + m.num_layers * launch;
  p.decode_tokens_per_s = 1 / step;
  p.decode_tokens_per_s_total = b / step;
  p.bound = memory_time >= compute_time ? "memory" : "compute";

  // Prefill (one sequence of context_len; the batch's prompts one after another).
  const double e_cmp = s.performance.compute_efficiency > 0 ? s.performance.compute_efficiency
                       : engine == Engine::llamacpp ? (g.kind == "datacenter" ? 0.2 : g.kind == "unified" ? 0.6 : 0.7)
                       : engine == Engine::transformers ? 0.4
                                                        : 0.5;
  const double prompt = engine == Engine::transformers && in.engine.prompt_len > 0 ? in.engine.prompt_len : context;
  const double flops = 2 * active * prompt + 2 * attn_layers * prompt * prompt * attn_width;
  p.time_to_first_token_s = flops / tp / (peak.flops * e_cmp);
  p.prefill_tokens_per_s = prompt / p.time_to_first_token_s;

  p.assumptions.push_back("decode reads " + fixed(read_weights / 1e9, 2) + " GB of weights" + (touched < 1 ? " (the experts " + num(b) + " tokens touch)" : "") +
                          " and " + fixed(read_cache / 1e9, 2) + " GB of KV cache and state per step at " + fixed(g.bandwidth_bytes_per_s / 1e9, 0) +
                          " GB/s × " + pct(e_mem) + (s.performance.memory_efficiency > 0 ? "" : " (default)") + ", + " + fixed(launch * 1e6, 0) +
                          " µs per layer per step (kernel launches)");
  p.assumptions.push_back("prefill of " + num(prompt) + " tokens: 2·N_active (" + num(active) + ") + attention FLOPs at " + fixed(peak.flops / 1e12, 0) +
                          " TFLOP/s " + peak.type + " × " + pct(e_cmp) + (s.performance.compute_efficiency > 0 ? "" : " (default for this engine and device)") +
                          (tp > 1 ? ", split over tp " + num(tp) + " (communication not counted)" : ""));
  return p;
}

}  // namespace memcalc::detail
