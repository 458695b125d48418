// Inference memory per GPU.
//
// Weights: N × bits per weight / 8 (formulas.md §4). Quantized formats apply to the linear
//   projections; embeddings, the output layer, routers and norms stay 16-bit, as GPTQ/AWQ, bitsandbytes
//   and FP8 checkpoints keep them. int4 counts an fp16 scale per 128-weight group (GPTQ/AWQ default);
//   nf4 is QLoRA's NF4 with double quantization. GGUF types: per-tensor types as llama.cpp's
//   quantizer assigns them (see gguf.cpp).
// KV cache: 2 · L · g · d · bytes · tokens · batch (vLLM CacheEngine.get_cache_block_size); KV heads
//   per GPU max(1, g / tp); sliding-window layers hold min(tokens, W); DeepSeek MLA caches
//   (kv_lora_rank + qk_rope_head_dim) per token and layer, replicated across tp (DeepSeek-V3 model.py).
// Activations: the live tensors of one layer during prefill of the whole context (inference keeps
//   nothing for backward, so only the widest layer step counts), flash attention (no s² scores).
// Peak rule: 1.5–2.5 × the weights (the seed's rule of thumb).
#include <algorithm>
#include <cmath>

#include "breakdown.hpp"
#include "gguf.hpp"

namespace memcalc::detail {

namespace {

constexpr double kInt4Bits = 4.0 + 16.0 / 128.0;

double dense_bits(WeightDtype w) {
  switch (w) {
    case WeightDtype::fp32: return 32;
    case WeightDtype::fp16:
    case WeightDtype::bf16: return 16;
    case WeightDtype::fp8:
    case WeightDtype::int8: return 8;
    case WeightDtype::int4: return kInt4Bits;
    case WeightDtype::nf4: return kNf4DqBits;
    default: return 0;  // GGUF types: per tensor
  }
}

double kv_bytes(KvDtype k) {
  switch (k) {
    case KvDtype::fp32: return 4;
    case KvDtype::fp16:
    case KvDtype::bf16: return 2;
    case KvDtype::fp8:
    case KvDtype::int8: return 1;
    case KvDtype::int4: return 0.5;
  }
  return 2;
}

struct WeightTally {
  double bytes = 0;
  double quantized = 0;  // elements stored in the chosen low-bit format
  double kept16 = 0;     // elements kept at 16 bits
};

WeightTally weight_tally(const ModelConfig& m, const ModelTensors& t, WeightDtype w) {
  WeightTally tally;
  if (is_gguf(w)) {
    tally.bytes = gguf_model_bytes(m, t, w);
    return tally;
  }
  const double bits = dense_bits(w);
  const bool quantized = bits < 16;
  auto add = [&](const Tensors& ts, double copies) {
    for (const auto& x : ts) {
      const double n = x.elements() * copies;
      if (quantized && x.is_linear()) {
        tally.quantized += n;
      } else if (quantized) {
        tally.kept16 += n;
      } else {
        tally.quantized += n;
      }
    }
  };
  add(t.embedding, 1);
  add(t.dense_layer, t.dense_layers);
  add(t.moe_layer, t.moe_layers);
  add(t.head, 1);
  tally.bytes = tally.quantized * bits / 8 + tally.kept16 * 2;
  return tally;
}

}  // namespace

void add_inference(const Scenario& sc, const ModelTensors& t, Breakdown& out) {
  const ModelConfig& m = sc.model;
  const InferenceConfig& in = sc.inference;
  const double tp = in.tp;

  const WeightTally wt = weight_tally(m, t, in.weight_dtype);
  const double weights = wt.bytes / tp;
  out.add("weights", weights, Basis::exact, [&] {
    const std::string dtype(enum_name(in.weight_dtype));
    std::string f;
    if (is_gguf(in.weight_dtype)) {
      f = num(wt.bytes) + " B of " + dtype + " tensors (" + num(8 * wt.bytes / count_params(m).total) +
          " bits per weight on average)";
    } else if (wt.kept16 > 0) {
      f = num(wt.quantized) + " linear weights × " + num(dense_bits(in.weight_dtype)) + " bits / 8 + " +
          num(wt.kept16) + " embedding, norm and router weights × 2 B";
    } else {
      f = num(wt.quantized) + " params × " + num(dense_bits(in.weight_dtype) / 8) + " B";
    }
    return f + (tp > 1 ? " ÷ tp " + num(tp) : "");
  }, is_gguf(in.weight_dtype) ? "llama.cpp quantizer per-tensor types (llama_tensor_get_type) and ggml block sizes"
                              : "Weights = N × bits per weight / 8 (formulas.md §4)");

  // KV cache.
  const double tokens = in.context_len, b = in.batch_size, e = kv_bytes(in.kv_dtype);
  const double sliding = m.sliding_window > 0 ? m.sliding_layers : 0;
  const double global = m.num_layers - sliding;
  const double window_tokens = std::min(tokens, m.sliding_window);
  const double layer_tokens = global * tokens + sliding * window_tokens;
  double kv;
  if (m.is_mla()) {
    const double per_token = m.kv_lora_rank + m.qk_rope_head_dim;
    kv = per_token * layer_tokens * e * b;
    out.add("kv_cache", kv, Basis::exact, [&] {
      return "(kv_lora_rank " + num(m.kv_lora_rank) + " + qk_rope_head_dim " + num(m.qk_rope_head_dim) +
             ") × " + num(m.num_layers) + " layers × " + bytes_per(e) + " × " + num(tokens) + " tokens × batch " +
             num(b) + " (latent cache, replicated on every tp rank)";
    }, "DeepSeek-V2/V3 multi-head latent attention (model.py kv_cache + pe_cache)");
  } else {
    const double heads = std::max(1.0, m.num_kv_heads / tp);
    kv = 2 * layer_tokens * heads * m.head_dim * e * b;
    out.add("kv_cache", kv, Basis::exact, [&] {
      std::string layers = num(m.num_layers) + " layers × " + num(tokens) + " tokens";
      if (sliding > 0)
        layers = "(" + num(global) + " global layers × " + num(tokens) + " + " + num(sliding) +
                 " sliding layers × min(" + num(tokens) + ", W " + num(m.sliding_window) + ")) tokens";
      return "2 (K and V) × " + layers + " × " + num(heads) + " KV heads" + (tp > 1 ? " per GPU" : "") +
             " × head_dim " + num(m.head_dim) + " × " + bytes_per(e) + " × batch " + num(b);
    }, "2·L·g·d·bytes·tokens·batch (vLLM CacheEngine.get_cache_block_size)");
  }

  // Prefill activations: the residual stream plus the wider of the attention and MLP steps.
  const double ae = in.weight_dtype == WeightDtype::fp32 ? 4 : 2;
  const double T = tokens * b, h = m.hidden_size;
  const double q = m.is_mla() ? m.num_heads * (m.qk_nope_head_dim + m.qk_rope_head_dim) : m.num_heads * m.head_dim;
  const double kvw = m.is_mla() ? q + m.num_heads * m.v_head_dim : 2 * m.num_kv_heads * m.head_dim;
  const double o = m.is_mla() ? m.num_heads * m.v_head_dim : q;
  const double attn = h + (q + kvw + o) / tp;
  const double per_f = m.mlp == MlpKind::gated ? 3 : 2;  // gate, up, product | up, activation
  const double mlp_width = m.is_moe() ? m.experts_per_token * m.moe_intermediate_size +
                                            m.shared_experts * m.shared_intermediate_size
                                      : m.intermediate_size;
  const double mlp = h + per_f * mlp_width / tp;
  const double act = ae * T * (h + std::max(attn, mlp));
  out.add("activations", act, Basis::analytic, [&] {
    return bytes_per(ae) + " × " + num(T) + " prefill tokens × (h " + num(h) + " residual + max(attention " +
           num(attn) + ", MLP " + num(mlp) + ") elements per token)";
  }, "One layer's live tensors during prefill (flash attention, no stored scores)");

  out.add("io_tokens", 8 * T + 4 * b * m.vocab_size, Basis::exact, [&] {
    return "8 B × " + num(T) + " token ids (int64) + 4 B × batch " + num(b) + " × V " + num(m.vocab_size) +
           " fp32 logits of the sampled position";
  }, "Seed: input/output token storage; PyTorch int64 ids and fp32 sampling logits");
}

}  // namespace memcalc::detail
