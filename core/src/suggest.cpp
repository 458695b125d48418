// What makes it fit: changes tried one at a time on a scenario that does not fit, kept when they fit,
// in the order below (what costs the least speed or quality first). When none fits alone, pairs.
// When the scenario fits, the room it leaves: a longer context or sequence, a larger batch. A search
// over scenarios that runs the estimate, as the inverse answers do.
#include <algorithm>
#include <cmath>
#include <functional>

#include "breakdown.hpp"

namespace memcalc::detail {

namespace {

using Change = std::vector<std::pair<std::string, Json>>;

struct Candidate {
  Change change;
  std::string label;
  std::function<void(Scenario&)> apply;
};

// The peak of a scenario, and whether its engine starts.
double peak_of(const Scenario& s, const ModelTensors& t, bool* starts) {
  Breakdown b(false);
  const double peak = run_scenario(s, t, b);
  *starts = b.engine.starts;
  return peak;
}

struct Candidates {
  std::vector<Candidate> list;
  void add(std::string path, Json value, std::string label, std::function<void(Scenario&)> f) {
    list.push_back({{{std::move(path), std::move(value)}}, std::move(label), std::move(f)});
  }
};

std::vector<Candidate> training_candidates(const Scenario& s, const Limits& lim) {
  Candidates c;
  const TrainingConfig& tr = s.training;
  const ParallelConfig& p = tr.parallel;
  const bool adam = tr.optimizer == Optimizer::adamw || tr.optimizer == Optimizer::adam;
  if (!tr.flash_attention)
    c.add("training.flash_attention", Json(true), "Use flash attention (no stored s² scores)",
          [](Scenario& x) { x.training.flash_attention = true; });
  if (tr.loss == Loss::standard)
    c.add("training.loss", Json("chunked"), "Use a chunked cross-entropy (Liger, Cut Cross-Entropy)",
          [](Scenario& x) { x.training.loss = Loss::chunked; });
  if (tr.optimizer_impl == OptimizerImpl::foreach && adam)
    c.add("training.optimizer_impl", Json("fused"), "Use the fused optimizer step (AdamW(fused=True))",
          [](Scenario& x) { x.training.optimizer_impl = OptimizerImpl::fused; });
  if (tr.recompute == Recompute::none)
    c.add("training.recompute", Json("selective"), "Recompute the attention core in backward (selective)",
          [](Scenario& x) { x.training.recompute = Recompute::selective; });
  if (adam)
    c.add("training.optimizer", Json("adamw_8bit"), "Use 8-bit AdamW (bitsandbytes)",
          [](Scenario& x) { x.training.optimizer = Optimizer::adamw_8bit; });
  if (p.dp > 1)
    for (int z = p.zero + 1; z <= 3; ++z)
      c.add("training.parallel.zero", Json(static_cast<double>(z)),
            "Shard with ZeRO-" + std::to_string(z) + " over the " + num(p.dp) + " data-parallel GPUs",
            [z](Scenario& x) { x.training.parallel.zero = z; });
  if (tr.recompute != Recompute::full)
    c.add("training.recompute", Json("full"), "Recompute every layer in backward (full checkpointing)",
          [](Scenario& x) { x.training.recompute = Recompute::full; });
  if (!tr.optimizer_in_backward && tr.gradient_accumulation_steps == 1)
    c.add("training.optimizer_in_backward", Json(true), "Step the optimizer in backward, gradient by gradient",
          [](Scenario& x) { x.training.optimizer_in_backward = true; });
  if (!tr.activation_offload)
    c.add("training.activation_offload", Json(true), "Offload saved activations to CPU memory",
          [](Scenario& x) { x.training.activation_offload = true; });
  if (tr.finetune == Finetune::full) {
    c.add("training.finetune", Json("lora"), "Fine-tune LoRA adapters instead of every weight",
          [](Scenario& x) { x.training.finetune = Finetune::lora; });
    c.add("training.finetune", Json("qlora"), "Fine-tune with QLoRA (a 4-bit NF4 base)",
          [](Scenario& x) { x.training.finetune = Finetune::qlora; });
  } else if (tr.finetune == Finetune::lora) {
    c.add("training.finetune", Json("qlora"), "Quantize the frozen base to 4-bit NF4 (QLoRA)",
          [](Scenario& x) { x.training.finetune = Finetune::qlora; });
  }
  if (tr.offload == Offload::none)
    c.add("training.offload", Json("optimizer"), "Offload the optimizer states to CPU memory",
          [](Scenario& x) { x.training.offload = Offload::optimizer; });
  if (tr.offload != Offload::optimizer_and_params)
    c.add("training.offload", Json("optimizer_and_params"), "Offload the optimizer states and the parameters to CPU memory",
          [](Scenario& x) { x.training.offload = Offload::optimizer_and_params; });
  if (tr.batch_size > 1 && lim.max_batch_size > 0 && lim.max_batch_size < tr.batch_size) {
    const double b = lim.max_batch_size, ga = std::ceil(tr.batch_size * tr.gradient_accumulation_steps / b);
    c.list.push_back({{{"training.batch_size", Json(b)}, {"training.gradient_accumulation_steps", Json(ga)}},
                      "Micro-batch " + num(b) + " with " + num(ga) + " accumulation steps (about the same global batch)",
                      [b, ga](Scenario& x) {
                        x.training.batch_size = b;
                        x.training.gradient_accumulation_steps = ga;
                      }});
  }
  if (tr.batch_size > 1 && lim.max_batch_size <= 0) {  // no micro-batch fits as things stand: 1, to pair
    const double ga = tr.batch_size * tr.gradient_accumulation_steps;
    c.list.push_back({{{"training.batch_size", Json(1.0)}, {"training.gradient_accumulation_steps", Json(ga)}},
                      "Micro-batch 1 with " + num(ga) + " accumulation steps (the same global batch)",
                      [ga](Scenario& x) {
                        x.training.batch_size = 1;
                        x.training.gradient_accumulation_steps = ga;
                      }});
  }
  if (lim.max_seq_len > 0 && lim.max_seq_len < tr.seq_len)
    c.add("training.seq_len", Json(lim.max_seq_len), "Shorten the sequences to " + num(lim.max_seq_len) + " tokens",
          [v = lim.max_seq_len](Scenario& x) { x.training.seq_len = v; });
  if (lim.min_gpus > 0) {
    // The fewest GPUs: more data-parallel replicas with the ZeRO stage of that layout.
    const double dp = lim.min_gpus / (p.tp * p.pp * p.cp);
    const int zero = p.zero > 0 ? p.zero : 3;
    c.list.push_back({{{"training.parallel.dp", Json(dp)}, {"training.parallel.zero", Json(static_cast<double>(zero))},
                       {"gpu.count", Json(lim.min_gpus)}},
                      "Use " + num(lim.min_gpus) + " GPUs: " + lim.min_gpus_layout,
                      [dp, zero, n = lim.min_gpus](Scenario& x) {
                        x.training.parallel.dp = dp;
                        x.training.parallel.zero = zero;
                        x.gpu.count = n;
                      }});
  }
  return c.list;
}

// Where each engine takes the context length, and how long it is now.
const char* context_path(Engine e) {
  switch (e) {
    case Engine::vllm: return "inference.engine.max_model_len";
    case Engine::sglang: return "inference.engine.context_length";
    case Engine::llamacpp: return "inference.engine.n_ctx";
    default: return "inference.context_len";
  }
}
void set_context(Scenario& x, double n) {
  switch (x.inference.engine.name) {
    case Engine::vllm: x.inference.engine.max_model_len = n; break;
    case Engine::sglang: x.inference.engine.context_length = n; break;
    case Engine::llamacpp: x.inference.engine.n_ctx = n; break;
    default: x.inference.context_len = n;
  }
}
double context_of(const Scenario& s, const Result& r) {
  const Engine e = s.inference.engine.name;
  return e == Engine::generic || e == Engine::transformers ? s.inference.context_len : r.engine.max_model_len;
}

std::vector<Candidate> inference_candidates(const Scenario& s, const Result& r) {
  Candidates c;
  const InferenceConfig& in = s.inference;
  const EngineOptions& o = in.engine;
  const Limits& lim = r.limits;
  const Engine e = o.name;
  if (e == Engine::vllm && o.gpu_memory_utilization < 0.95)
    c.add("inference.engine.gpu_memory_utilization", Json(0.95), "Give vLLM 95% of the GPU (--gpu-memory-utilization 0.95)",
          [](Scenario& x) { x.inference.engine.gpu_memory_utilization = 0.95; });
  if (e == Engine::vllm && !o.enforce_eager)
    c.add("inference.engine.enforce_eager", Json(true), "Run without CUDA graphs (--enforce-eager; slower decode)",
          [](Scenario& x) { x.inference.engine.enforce_eager = true; });
  if ((e == Engine::vllm || e == Engine::sglang) && o.kv_cache_dtype == 0)
    c.add("inference.engine.kv_cache_dtype", Json("fp8"), "Store the KV cache in fp8 (--kv-cache-dtype fp8)",
          [](Scenario& x) { x.inference.engine.kv_cache_dtype = 1; });
  if (e == Engine::llamacpp) {
    if (o.cache_type_k == 0 || o.cache_type_v == 0)
      c.list.push_back({{{"inference.engine.flash_attn", Json("on")}, {"inference.engine.cache_type_k", Json("q8_0")},
                         {"inference.engine.cache_type_v", Json("q8_0")}},
                        "Quantize the KV cache to q8_0 (-fa on -ctk q8_0 -ctv q8_0)",
                        [](Scenario& x) {
                          x.inference.engine.flash_attn = 1;
                          x.inference.engine.cache_type_k = 3;
                          x.inference.engine.cache_type_v = 3;
                        }});
    if (o.flash_attn == 2)
      c.add("inference.engine.flash_attn", Json("on"), "Turn flash attention on (-fa on)",
            [](Scenario& x) { x.inference.engine.flash_attn = 1; });
  }
  if (e == Engine::generic || e == Engine::transformers) {
    if (in.kv_dtype == KvDtype::auto_ || in.kv_dtype == KvDtype::bf16 || in.kv_dtype == KvDtype::fp16 || in.kv_dtype == KvDtype::fp32)
      c.add("inference.kv_dtype", Json("fp8_e4m3"), "Store the KV cache in fp8",
            [](Scenario& x) { x.inference.kv_dtype = KvDtype::fp8_e4m3; });
  }
  // Smaller weights: the formats each engine loads.
  const std::pair<WeightDtype, const char*> formats[] = {
      {WeightDtype::fp8, "Load fp8 weights"},
      {WeightDtype::awq_int4, "Load 4-bit weights (AWQ/GPTQ)"},
      {WeightDtype::q8_0, "Use a Q8_0 GGUF"},
      {WeightDtype::q4_k_m, "Use a Q4_K_M GGUF"},
  };
  for (const auto& [w, label] : formats) {  // a larger format than the scenario's fails the fit test below
    const bool gguf = w == WeightDtype::q8_0 || w == WeightDtype::q4_k_m;
    if (gguf != (e == Engine::llamacpp) || w == in.weight_dtype) continue;
    c.add("inference.weight_dtype", Json(std::string(enum_name(w))), label,
          [w = w](Scenario& x) { x.inference.weight_dtype = w; });
  }
  const double context = context_of(s, r);
  if (lim.max_seq_len > 0 && lim.max_seq_len < context) {
    c.add(context_path(e), Json(lim.max_seq_len), "Shorten the context to " + num(lim.max_seq_len) + " tokens",
          [v = lim.max_seq_len](Scenario& x) { set_context(x, v); });
  } else if (lim.max_seq_len <= 0) {
    // No context fits as things stand; common shorter ones, to pair with another change.
    for (double v : {32768.0, 8192.0})
      if (v < context)
        c.add(context_path(e), Json(v), "Shorten the context to " + num(v) + " tokens", [v](Scenario& x) { set_context(x, v); });
  }
  if (e == Engine::generic && in.batch_size > 1 && lim.max_batch_size > 0 && lim.max_batch_size < in.batch_size)
    c.add("inference.batch_size", Json(lim.max_batch_size), "Serve " + num(lim.max_batch_size) + " sequences at once",
          [v = lim.max_batch_size](Scenario& x) { x.inference.batch_size = v; });
  if (e == Engine::llamacpp && r.engine.limit_n_gpu_layers >= 0)
    c.add("inference.engine.n_gpu_layers", Json(r.engine.limit_n_gpu_layers),
          "Keep " + num(r.engine.limit_n_gpu_layers) + " layers on the GPU, the rest on the CPU (-ngl " + num(r.engine.limit_n_gpu_layers) + "; slower)",
          [n = r.engine.limit_n_gpu_layers](Scenario& x) { x.inference.engine.n_gpu_layers = n; });
  if (lim.min_gpus > 0) {
    if (e == Engine::llamacpp) {
      c.add("gpu.count", Json(lim.min_gpus), "Use " + num(lim.min_gpus) + " GPUs (llama.cpp splits the layers)",
            [n = lim.min_gpus](Scenario& x) { x.gpu.count = n; });
    } else {
      Change change = {{"inference.tp", Json(lim.min_gpus)}, {"gpu.count", Json(lim.min_gpus)}};
      if (o.tensor_parallel_size > 0) change.push_back({"inference.engine.tensor_parallel_size", Json(lim.min_gpus)});
      if (o.tp_size > 0) change.push_back({"inference.engine.tp_size", Json(lim.min_gpus)});
      c.list.push_back({std::move(change), "Use " + num(lim.min_gpus) + " GPUs: " + lim.min_gpus_layout,
                        [n = lim.min_gpus](Scenario& x) {
                          x.inference.tp = n;
                          if (x.inference.engine.tensor_parallel_size > 0) x.inference.engine.tensor_parallel_size = n;
                          if (x.inference.engine.tp_size > 0) x.inference.engine.tp_size = n;
                          x.gpu.count = n;
                        }});
    }
  }
  return c.list;
}

Suggestion room(const Scenario& s, const ModelTensors& t, std::string path, double value, std::function<void(Scenario&)> apply,
                std::string label) {
  Suggestion x;
  x.change = {{std::move(path), Json(value)}};
  Scenario y = s;
  apply(y);
  bool starts = true;
  x.total_bytes = peak_of(y, t, &starts);
  x.fits = true;
  x.label = std::move(label);
  return x;
}

}  // namespace

std::vector<Suggestion> suggestions(const Scenario& s, const ModelTensors& t, const Result& r) {
  std::vector<Suggestion> out;
  const double gpu = s.gpu.usable();
  const bool training = s.mode == Mode::training;
  if (r.fit.fits) {
    const double len = training ? s.training.seq_len : context_of(s, r);
    const std::string capped = r.limits.seq_len_capped ? " (the model's longest)" : "";
    if (r.limits.max_seq_len > len) {
      if (training)
        out.push_back(room(s, t, "training.seq_len", r.limits.max_seq_len, [v = r.limits.max_seq_len](Scenario& x) { x.training.seq_len = v; },
                           "You have room for " + num(r.limits.max_seq_len) + "-token sequences" + capped));
      else
        out.push_back(room(s, t, context_path(s.inference.engine.name), r.limits.max_seq_len,
                           [v = r.limits.max_seq_len](Scenario& x) { set_context(x, v); },
                           "You have room for " + num(r.limits.max_seq_len) + " tokens of context" + capped));
    }
    const bool generic = training || s.inference.engine.name == Engine::generic || s.inference.engine.name == Engine::transformers;
    const double batch = training ? s.training.batch_size : s.inference.batch_size;
    if (generic && r.limits.max_batch_size > batch)
      out.push_back(room(s, t, training ? "training.batch_size" : "inference.batch_size", r.limits.max_batch_size,
                         [v = r.limits.max_batch_size, training](Scenario& x) { (training ? x.training.batch_size : x.inference.batch_size) = v; },
                         "You have room for a batch of " + num(r.limits.max_batch_size)));
    return out;
  }
  const auto candidates = training ? training_candidates(s, r.limits) : inference_candidates(s, r);
  std::vector<bool> alone(candidates.size(), false);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    Scenario y = s;
    candidates[i].apply(y);
    bool starts = true;
    const double b = peak_of(y, t, &starts);
    if (b > gpu || !starts) continue;
    alone[i] = true;
    out.push_back({candidates[i].change, b, true, candidates[i].label});
  }
  // Two changes together, where fewer than two fit alone: pairs of changes that do not fit alone, in
  // the same order, at most three.
  const std::size_t singles = out.size();
  if (singles < 2)
    for (std::size_t i = 0; i < candidates.size() && out.size() < singles + 3; ++i)
      for (std::size_t j = i + 1; j < candidates.size() && out.size() < singles + 3; ++j) {
        if (alone[i] || alone[j] || candidates[i].change[0].first == candidates[j].change[0].first) continue;
        Scenario y = s;
        candidates[i].apply(y);
        candidates[j].apply(y);
        bool starts = true;
        const double b = peak_of(y, t, &starts);
        if (b > gpu || !starts) continue;
        Suggestion x;
        x.change = candidates[i].change;
        x.change.insert(x.change.end(), candidates[j].change.begin(), candidates[j].change.end());
        x.total_bytes = b;
        x.fits = true;
        std::string second = candidates[j].label;
        if (!second.empty()) second[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(second[0])));
        x.label = candidates[i].label + ", and " + second;
        out.push_back(std::move(x));
      }
  return out;
}

}  // namespace memcalc::detail
