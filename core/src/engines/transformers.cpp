// Hugging Face transformers' generate() on one GPU (or tp shards): nothing reserved up front, so the
// peak is the prefill of the prompt.
//
//   KV cache   dynamic (DynamicCache): the prompt and the generated tokens, context_len in all; each
//              layer's torch.cat makes a new tensor, so one layer's cache is briefly held twice;
//              static (StaticCache): every layer allocated for context_len up front, no copies
//   prefill    the widest layer step of prompt_len tokens × batch; eager attention also materialises
//              the scores, batch × heads × prompt_len² in the model's dtype and again in fp32 for the
//              softmax (modeling_llama.eager_attention_forward: softmax(dtype=float32).to(dtype));
//              sdpa and flash_attention_2 do not
//   logits     logits_to_keep 1: the last position, batch × vocab in the model's dtype and fp32 for
//              sampling; 0: every prompt position in the model's dtype
#include <algorithm>
#include <cmath>

#include "engine.hpp"

namespace memcalc::detail {

void add_transformers(const Scenario& s, const ModelTensors& t, Breakdown& out) {
  const EngineOptions& o = s.inference.engine;
  const ServingModel sm = serving_model(s, t, out.explain());
  const std::string attn = engine_choice(Engine::transformers, "attn_implementation", o.attn_implementation);
  const bool static_cache = engine_choice(Engine::transformers, "cache_implementation", o.cache_implementation) == "static";
  const double b = s.inference.batch_size, len = s.inference.context_len;
  const double prompt = o.prompt_len > 0 ? std::min(o.prompt_len, len) : len;
  EngineFigures& e = out.engine;
  e.name = "transformers";
  e.version = engine_defaults_version(Engine::transformers);

  // KV cache (and recurrent state) at the end of generation, and the copy a dynamic cache makes.
  const double kb = sm.kv_auto_bytes;
  double per_token = 0, widest_layer = 0, state = 0;
  for (const auto& c : sm.specs) {
    if (c.holds_kv()) {
      per_token += c.layers * token_bytes(c, kb, kb);
      widest_layer = std::max(widest_layer, token_bytes(c, kb, kb));
    } else {
      state += c.layers * state_bytes(c, sm.model_bytes);
    }
  }
  double kv = 0;
  for (const auto& c : sm.specs)
    if (c.holds_kv()) kv += c.layers * token_bytes(c, kb, kb) * (c.windowed() && !static_cache ? std::min(len, c.window) : len) * b;
  const double cat_copy = static_cache ? 0 : widest_layer * len * b;
  e.kv_cache_bytes = kv;
  e.kv_cache_tokens = len * b;
  e.recurrent_state_bytes = state * b;

  // Prefill.
  const double layer_step = prefill_activation_bytes(s, t, prompt * b);
  const double scores = attn == "eager" ? b * sm.heads * prompt * prompt * (sm.model_bytes + 4) : 0;
  e.activation_bytes = layer_step + scores;
  const double logits = o.logits_to_keep > 0 ? b * sm.vocab * (sm.model_bytes + 4) : b * prompt * sm.vocab * sm.model_bytes + b * sm.vocab * 4;
  e.max_model_len = len;
  e.max_num_seqs = b;
  e.max_concurrency = b;
  e.weights_bytes = sm.weights_bytes;

  add_generic(sm, out, {"weights", "encoders", "mtp_weights"});
  out.add("kv_cache", kv + cat_copy, Basis::exact, [&] {
    return num(per_token) + " B per token × " + num(len) + " tokens × batch " + num(b) +
           (static_cache ? std::string(" (StaticCache: allocated up front)")
                         : " + one layer's cache held twice while torch.cat grows it (" + num(cat_copy) + " B)");
  }, "transformers DynamicCache / StaticCache (cache_utils.py)");
  if (state > 0)
    out.add("recurrent_state", state * b, Basis::exact, [&] { return num(state) + " B per sequence × batch " + num(b); },
            "Conv + SSM state per sequence (the model's cache class)");
  out.add("activations", e.activation_bytes, Basis::analytic, [&] {
    return "prefill of " + num(prompt) + " tokens × batch " + num(b) + ": the widest layer step (" + num(layer_step) + " B)" +
           (scores > 0 ? " + eager attention scores " + num(b) + " × " + num(sm.heads) + " heads × " + num(prompt) + "² × (" +
                             bytes_per(sm.model_bytes) + " + 4 B fp32 softmax)"
                       : " (" + attn + ": no stored scores)");
  }, "transformers attention implementations: eager_attention_forward, sdpa_attention_forward, flash_attention_forward");
  out.add("output_logits", logits, Basis::exact, [&] {
    return o.logits_to_keep > 0 ? "batch " + num(b) + " × vocab " + num(sm.vocab) + " × (" + bytes_per(sm.model_bytes) + " + 4 B fp32 for sampling)"
                                : "batch " + num(b) + " × " + num(prompt) + " positions × vocab " + num(sm.vocab) + " × " +
                                      bytes_per(sm.model_bytes) + " + the last position in fp32";
  }, "transformers generate(): logits_to_keep and the fp32 copy of the next-token scores");

  if (!out.explain()) return;
  e.log.push_back({"model.generate(): peak during the prefill of " + num(prompt) + " tokens",
                   attn + ", " + (static_cache ? "static" : "dynamic") + " cache"});
}

}  // namespace memcalc::detail
