// Hugging Face config.json → ModelConfig: the only place that knows model types and field names.
// Field names and defaults follow the transformers configuration classes (LlamaConfig,
// Qwen3NextConfig, DeepseekV3Config, GptOssConfig, NemotronHConfig, GraniteMoeHybridConfig,
// FalconH1Config, JambaConfig, Llama4TextConfig, Gemma3TextConfig, ...): where a field is absent
// the class default applies, and that default is named. The layer layout follows
// architectures-2026.md §2.1: every field that says which layer is which is read; a layout that
// cannot be followed is an error naming its field, never a silent full-attention fallback.
#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>

#include "memcalc/model.hpp"
#include "text.hpp"

namespace memcalc {

namespace {

bool one_of(std::string_view s, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Fields read by the importer, or known not to change memory: accepted without comment.
constexpr std::string_view kKnownFields[] = {
    "_name_or_path", "architectures", "auto_map", "bos_token_id", "eos_token_id", "pad_token_id",
    "transformers_version", "torch_dtype", "dtype", "use_cache", "rope_theta", "rope_scaling",
    "rope_parameters", "rms_norm_eps", "layer_norm_eps", "layer_norm_epsilon", "norm_epsilon", "norm_eps",
    "initializer_range", "initializer_factor", "pretraining_tp", "attention_dropout", "hidden_dropout",
    "resid_pdrop", "embd_pdrop", "attn_pdrop", "summary_activation", "summary_first_dropout",
    "summary_proj_to_labels", "summary_type", "summary_use_proj", "task_specific_params", "n_ctx",
    "scale_attn_weights", "reorder_and_upcast_attn", "scale_attn_by_inverse_layer_idx",
    "query_pre_attn_scalar", "final_logit_softcapping", "attn_logit_softcapping", "cache_implementation",
    "hidden_act", "hidden_activation", "activation_function", "mlp_hidden_act", "router_aux_loss_coef",
    "output_router_logits", "router_jitter_noise", "aux_loss_alpha", "seq_aux", "norm_topk_prob",
    "routed_scaling_factor", "scoring_func", "topk_method", "n_group", "topk_group", "ep_size",
    "rope_local_base_freq", "model_type", "tie_word_embeddings", "max_position_embeddings",
    "original_max_position_embeddings", "bos_token", "eos_token", "chat_template", "mlp_only_layers",
    "use_sliding_window", "max_window_layers", "sliding_window", "sliding_window_pattern", "layer_types",
    "attention_bias", "mlp_bias", "head_dim", "vocab_size", "hidden_size", "num_hidden_layers",
    "num_attention_heads", "num_key_value_heads", "intermediate_size", "n_embd", "n_layer", "n_head",
    "n_positions", "n_inner", "num_local_experts", "n_routed_experts", "num_experts",
    "num_experts_per_tok", "n_shared_experts", "moe_intermediate_size", "shared_expert_intermediate_size",
    "first_k_dense_replace", "moe_layer_freq", "decoder_sparse_step", "q_lora_rank", "kv_lora_rank",
    "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim", "num_nextn_predict_layers",
    "partial_rotary_factor", "clip_qkv", "qk_layernorm", "use_qk_norm", "norm_type", "is_decoder",
    "is_encoder_decoder", "use_bfloat16", "tokenizer_class", "quantization_config", "text_config",
    "vision_config", "audio_config", "use_image_newline_parameter", "checkpoint_tensors", "id2label", "label2id", "problem_type", "return_dict",
    "output_hidden_states", "output_attentions", "torchscript", "attention_multiplier",
    "embedding_multiplier", "logits_scaling", "residual_multiplier", "rope_type",
    "use_parallel_residual", "rotary_pct", "rotary_emb_base", "classifier_dropout", "tie_word_embedding",
    "use_mla", "n_head_kv", "num_kv_heads", "multi_query", "new_decoder_architecture", "parallel_attn",
    "bias", "alibi", "ffn_dim", "num_layers", "d_model", "d_ff", "do_sample",
    // Layouts of the 2025–26 architectures (architectures-2026.md §2.1).
    "full_attention_interval", "hybrid_override_pattern", "attn_type_list", "linear_attn_config",
    "no_rope_layers", "no_rope_layer_interval", "attention_chunk_size", "num_kv_shared_layers",
    "interleave_moe_layer_step", "moe_layers", "intermediate_size_mlp", "attn_layer_period",
    "attn_layer_offset", "expert_layer_period", "expert_layer_offset", "global_head_dim",
    "num_global_key_value_heads", "attention_k_eq_v", "mtp_num_hidden_layers", "num_mtp_modules",
    "mtp_transformer_layers", "use_mtp", "attn_output_gate", "linear_num_key_heads",
    "linear_num_value_heads", "linear_key_head_dim", "linear_value_head_dim", "linear_conv_kernel_dim",
    "mamba_ssm_dtype", "mamba_ssm_cache_dtype", "mamba_num_heads", "mamba_n_heads", "mamba_head_dim",
    "mamba_d_head", "mamba_n_groups", "n_groups", "mamba_d_state", "ssm_state_size", "mamba_d_conv",
    "conv_kernel", "mamba_expand", "expand", "mamba_dt_rank", "mamba_conv_bias", "mamba_proj_bias",
    "use_conv_bias", "use_bias", "mamba_chunk_size", "chunk_size", "time_step_limit", "time_step_min",
    "time_step_max", "time_step_floor", "time_step_rank", "mamba_rms_norm", "residual_in_fp32",
    "moe_shared_expert_intermediate_size", "shared_intermediate_size", "use_routing_bias",
    "index_n_heads", "index_head_dim", "index_topk", "conv_L_cache", "block_ff_dim", "block_multiple_of",
    "block_ffn_dim_multiplier", "block_auto_adjust_ff_dim", "full_attn_idxs", "num_heads",
    "rotary_dim", "mla_use_nope", "num_experts_per_token", "top_k_experts", "enable_moe_block",
    "use_double_wide_mlp", "moe_topk", "router_bias", "e_score_correction_bias", "swiglu_limit",
    "mamba_hidden_act", "projectors_bias", "attn_implementation", "use_kerple", "mlp_multipliers",
    "ssm_multipliers", "ssm_in_multiplier", "ssm_out_multiplier", "attention_in_multiplier",
    "attention_out_multiplier", "key_multiplier", "lm_head_multiplier", "embedding_multipliers",
    "mup_enabled", "image_token_index", "image_token_id", "video_token_id", "vision_start_token_id",
    "vision_end_token_id", "boi_token_index", "eoi_token_index", "mm_tokens_per_image",
    "projector_hidden_act", "multimodal_projector_bias", "vision_feature_layer",
    "vision_feature_select_strategy", "spatial_merge_size", "audio_token_id", "image_token",
    "boa_token_id", "eoa_token_id", "boi_token_id", "eoi_token_id", "audio_soft_tokens_per_image",
    "vision_soft_tokens_per_image", "attn_temperature_tuning", "floor_scale", "attn_scale",
    "moe_router_activation_func", "moe_renormalize", "num_expert_group", "moe_layer_freq_list",
    "qk_norm_type", "attention_head_dim", "mamba_d_ssm", "mamba_use_mlp", "mamba_norm_before_gate",
    "attn_layer_indices", "block_dim", "block_mlp_init_scale", "block_norm_eps", "block_out_init_scale",
    "block_use_swiglu", "block_use_xavier_init", "conv_bias", "conv_dim", "conv_dim_out",
    "conv_use_xavier_init", "use_pos_enc", "hidden_size_per_layer_input", "vocab_size_per_layer_input",
    "final_logit_softcapping", "use_bidirectional_attention", "_sliding_window_pattern",
    "attention_use_bidirectional", "routed_layer_pattern", "stream_and_decode_in_f32",
    "expert_intermediate_size", "for_llm_compressor", "ignore_index", "media_placeholder_token_id",
    "use_unified_vision_chunk", "video_placeholder", "audio_ms_per_token", "enable_moe_block",
    "num_shared_experts", "use_grouped_topk", "model_max_length",
};

bool known_field(std::string_view key) {
  for (auto k : kKnownFields)
    if (k == key) return true;
  return false;
}

// Configs whose MLP is two matrices (up, down) rather than a gated three.
bool plain_mlp_type(std::string_view t) {
  return one_of(t, {"gpt2", "gpt_neo", "gpt_neox", "gptj", "opt", "bloom", "falcon", "phi",
                    "starcoder2", "gpt_bigcode", "mpt", "nemotron", "nemotron_h"});
}
bool layernorm_type(std::string_view t) {
  return one_of(t, {"gpt2", "gpt_neo", "gpt_neox", "gptj", "opt", "bloom", "falcon", "phi",
                    "starcoder2", "gpt_bigcode", "mpt", "olmo"});
}
// The PretrainedConfig default is tie_word_embeddings = true; these classes override it to false.
bool untied_by_default(std::string_view t) {
  return one_of(t, {"llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "phi3",
                    "olmo", "olmo2", "olmo3", "olmoe", "deepseek_v2", "deepseek_v3", "deepseek_v32",
                    "gpt_neox", "starcoder2", "falcon", "cohere", "qwen3_next", "qwen3_5_text", "glm_moe_dsa",
                    "qwen3_5_moe_text", "gpt_oss", "glm4_moe", "minimax", "minimax_m2", "llama4_text",
                    "kimi_linear", "kimi_k2", "nemotron_h", "jamba", "granitemoehybrid", "falcon_h1",
                    "ernie4_5_moe", "mistral3"});
}

// Model types whose layout and tensors memcalc follows; others are estimated from their standard
// fields with a warning.
bool known_model_type(std::string_view t) {
  return one_of(t, {"gpt2", "gpt_neo", "gpt_neox", "gptj", "opt", "bloom", "falcon", "phi", "phi3", "starcoder2",
                    "gpt_bigcode", "mpt", "olmo", "olmo2", "olmo3", "olmoe", "llama", "mistral", "mixtral", "qwen2",
                    "qwen2_moe", "qwen3", "qwen3_moe", "qwen3_next", "qwen3_5_text", "qwen3_5_moe_text", "qwen3_5",
                    "qwen3_5_moe", "gemma", "gemma2", "gemma3", "gemma3_text", "gemma4", "gemma4_text", "deepseek_v2", "glm_moe_dsa",
                    "deepseek_v3", "deepseek_v32", "kimi_k2", "kimi_k25", "kimi_linear", "glm4_moe", "minimax",
                    "minimax_m1", "minimax_m2", "gpt_oss", "llama4", "llama4_text", "mistral3", "nemotron",
                    "nemotron_h", "granitemoehybrid", "falcon_h1", "jamba", "lfm2", "smollm3", "cohere"});
}

double dtype_bytes(std::string_view name) {
  if (name == "float32" || name == "fp32") return 4;
  if (name == "float16" || name == "bfloat16" || name == "fp16" || name == "bf16") return 2;
  if (name == "float8_e4m3fn" || name == "float8_e5m2") return 1;
  return 0;
}

class Reader {
 public:
  Reader(const Json& c, const std::string& prefix, std::vector<Issue>& issues)
      : c_(c), prefix_(prefix), issues_(issues) {}

  const Json* get(std::string_view key) const {
    const Json* v = c_.find(key);
    return (v && !v->is_null()) ? v : nullptr;
  }
  // The first present key of `keys` as a number; `fallback` when none is present.
  double number(std::initializer_list<std::string_view> keys, double fallback) {
    for (auto k : keys) {
      if (const Json* v = get(k)) {
        if (v->is_number()) return v->as_number();
        if (v->is_array()) return fallback;  // a per-layer list: read by `per_layer`
        error(k, "must be a number");
        return fallback;
      }
    }
    return fallback;
  }
  // A number that may also be given per layer as a list of `layers` numbers.
  std::vector<double> per_layer(std::string_view key, double scalar, double layers) {
    std::vector<double> out(static_cast<std::size_t>(layers), scalar);
    if (const Json* v = get(key); v && v->is_array()) {
      const auto& a = v->as_array();
      if (static_cast<double>(a.size()) != layers) {
        error(key, "has " + std::to_string(a.size()) + " entries but num_hidden_layers is " + detail::num(layers));
        return out;
      }
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!a[i].is_number()) {
          error(key, "entry " + std::to_string(i) + " must be a number");
          return out;
        }
        out[i] = a[i].as_number();
      }
    }
    return out;
  }
  bool flag(std::string_view key, bool fallback) {
    if (const Json* v = get(key)) {
      if (v->is_bool()) return v->as_bool();
      error(key, "must be true or false");
    }
    return fallback;
  }
  std::string text(std::string_view key) {
    if (const Json* v = get(key)) {
      if (v->is_string()) return v->as_string();
      error(key, "must be a string");
    }
    return {};
  }
  void error(std::string_view key, const std::string& message) { note(key, Severity::error, message); }
  void note(std::string_view key, Severity s, const std::string& message) {
    issues_.push_back({prefix_ + "." + std::string(key), s, message});
  }
  const std::string& prefix() const { return prefix_; }

 private:
  const Json& c_;
  const std::string& prefix_;
  std::vector<Issue>& issues_;
};

// ---- The layer layout ------------------------------------------------------------------------

// One layer's kind as the layout fields name it, before shapes are attached.
enum class Slot { full, sliding, chunked, gdn, mamba1, mamba2, kda, lightning, short_conv, parallel_hybrid, mlp_only, moe_only };

struct Layout {
  std::vector<Slot> slots;
  std::string field;  // the field the layout came from, for messages
};

// Reads the per-layer layout; an error names the field when a value is unknown or a length is wrong.
Layout read_layout(Reader& r, const std::string& t, double L) {
  Layout out;
  const auto n = static_cast<std::size_t>(L);
  auto wrong_length = [&](std::string_view field, std::size_t got) {
    r.error(field, "describes " + std::to_string(got) + " layers but num_hidden_layers is " + detail::num(L));
  };
  const bool gdn_fields = r.get("linear_num_value_heads") || r.get("linear_key_head_dim");
  if (const Json* p = r.get("hybrid_override_pattern")) {  // Nemotron-H: one character per layer
    out.field = "hybrid_override_pattern";
    if (!p->is_string()) {
      r.error(out.field, "must be a string of M, *, - and E");
      return out;
    }
    for (char ch : p->as_string()) {
      switch (ch) {
        case 'M': out.slots.push_back(Slot::mamba2); break;
        case '*': out.slots.push_back(Slot::full); break;
        case '-': out.slots.push_back(Slot::mlp_only); break;
        case 'E': out.slots.push_back(Slot::moe_only); break;
        default:
          r.error(out.field, std::string("has an unknown layer code '") + ch + "' (known: M Mamba-2, * attention, - MLP, E MoE)");
          out.slots.clear();
          return out;
      }
    }
    if (out.slots.size() != n) wrong_length(out.field, out.slots.size());
    return out;
  }
  if (const Json* lt = r.get("layer_types")) {
    out.field = "layer_types";
    if (!lt->is_array()) {
      r.error(out.field, "must be a list of layer type names");
      return out;
    }
    const auto& a = lt->as_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string v = a[i].is_string() ? a[i].as_string() : std::string();
      Slot s;
      if (one_of(v, {"full_attention", "attention", "global_attention", "global"})) s = Slot::full;
      else if (one_of(v, {"sliding_attention", "sliding", "local_attention", "local"})) s = Slot::sliding;
      else if (v == "chunked_attention") s = Slot::chunked;
      else if (v == "linear_attention" && gdn_fields) s = Slot::gdn;
      else if (v == "linear_attention" && r.get("linear_attn_config")) s = Slot::kda;
      else if (v == "linear_attention" || v == "lightning_attention") s = Slot::lightning;
      else if (v == "mamba" || v == "mamba2") s = t == "jamba" ? Slot::mamba1 : Slot::mamba2;
      else if (v == "conv" || v == "short_conv") s = Slot::short_conv;
      else {
        r.error(out.field, "entry " + std::to_string(i) + " is an unknown layer type \"" + v +
                               "\" (known: full_attention, sliding_attention, chunked_attention, "
                               "linear_attention, mamba, conv)");
        out.slots.clear();
        return out;
      }
      out.slots.push_back(s);
    }
    if (out.slots.size() != n) {
      wrong_length(out.field, out.slots.size());
      out.slots.clear();
    }
    return out;
  }
  if (const Json* a = r.get("attn_type_list")) {  // MiniMax: 1 softmax, 0 lightning attention
    out.field = "attn_type_list";
    if (!a->is_array()) {
      r.error(out.field, "must be a list of 0 and 1");
      return out;
    }
    for (const auto& v : a->as_array()) {
      if (!v.is_number() || (v.as_number() != 0 && v.as_number() != 1)) {
        r.error(out.field, "entries must be 0 (lightning attention) or 1 (softmax attention)");
        out.slots.clear();
        return out;
      }
      out.slots.push_back(v.as_number() == 1 ? Slot::full : Slot::lightning);
    }
    if (out.slots.size() != n) {
      wrong_length(out.field, out.slots.size());
      out.slots.clear();
    }
    return out;
  }
  if (const Json* cfg = r.get("linear_attn_config")) {  // Kimi Linear: 1-based layer lists
    out.field = "linear_attn_config";
    out.slots.assign(n, Slot::full);
    const Json* kda = cfg->is_object() ? cfg->find("kda_layers") : nullptr;
    if (!kda || !kda->is_array()) {
      r.error(out.field, "must name its kda_layers (1-based layer numbers)");
      out.slots.clear();
      return out;
    }
    for (const auto& v : kda->as_array()) {
      if (!v.is_number() || v.as_number() < 1 || v.as_number() > L || v.as_number() != std::floor(v.as_number())) {
        r.error("linear_attn_config.kda_layers", "entries must be layer numbers from 1 to " + detail::num(L));
        out.slots.clear();
        return out;
      }
      out.slots[static_cast<std::size_t>(v.as_number()) - 1] = Slot::kda;
    }
    return out;
  }
  if (const Json* idx = r.get("full_attn_idxs"); idx && idx->is_array()) {  // LFM2: attention layers, the rest conv
    out.field = "full_attn_idxs";
    out.slots.assign(n, Slot::short_conv);
    for (const auto& v : idx->as_array()) {
      if (!v.is_number() || v.as_number() < 0 || v.as_number() >= L || v.as_number() != std::floor(v.as_number())) {
        r.error(out.field, "entries must be layer indices from 0 to " + detail::num(L - 1));
        out.slots.clear();
        return out;
      }
      out.slots[static_cast<std::size_t>(v.as_number())] = Slot::full;
    }
    return out;
  }
  if (double k = r.number({"full_attention_interval"}, 0); k > 0) {  // Qwen3-Next: every k-th layer is full
    out.field = "full_attention_interval";
    for (std::size_t i = 0; i < n; ++i) out.slots.push_back((i + 1) % static_cast<std::size_t>(k) == 0 ? Slot::full : Slot::gdn);
    return out;
  }
  if (t == "falcon_h1") {  // attention and Mamba-2 side by side in every layer
    out.field = "model_type";
    out.slots.assign(n, Slot::parallel_hybrid);
    return out;
  }
  if (t == "jamba") {  // JambaConfig: attention where i % attn_layer_period == attn_layer_offset
    out.field = "attn_layer_period";
    const double period = r.number({"attn_layer_period"}, 8), offset = r.number({"attn_layer_offset"}, 4);
    for (std::size_t i = 0; i < n; ++i)
      out.slots.push_back(std::fmod(static_cast<double>(i), period) == offset ? Slot::full : Slot::mamba1);
    return out;
  }
  const double chunk = r.number({"attention_chunk_size"}, 0);
  if (const Json* nr = r.get("no_rope_layers"); nr && nr->is_array() && !nr->as_array().empty() && chunk > 0) {
    // Llama 4: 1 = RoPE layer with chunked attention, 0 = NoPE layer with global attention.
    out.field = "no_rope_layers";
    for (const auto& v : nr->as_array()) out.slots.push_back(v.is_number() && v.as_number() == 0 ? Slot::full : Slot::chunked);
    if (out.slots.size() != n) {
      wrong_length(out.field, out.slots.size());
      out.slots.clear();
    }
    return out;
  }
  if (double k = r.number({"no_rope_layer_interval"}, t == "llama4_text" ? 4 : 0); k > 0 && chunk > 0) {
    out.field = "no_rope_layer_interval";  // Llama4TextConfig: every k-th layer is NoPE (global), default 4
    for (std::size_t i = 0; i < n; ++i) out.slots.push_back((i + 1) % static_cast<std::size_t>(k) == 0 ? Slot::full : Slot::chunked);
    return out;
  }
  // Sliding windows: Mistral applies the window on every layer; Qwen2 from layer max_window_layers
  // on when use_sliding_window is true; Gemma 2 on even layers; Gemma 3 on all but every
  // sliding_window_pattern-th layer.
  out.slots.assign(n, Slot::full);
  if (r.number({"sliding_window"}, 0) > 0) {
    out.field = "sliding_window";
    for (std::size_t i = 0; i < n; ++i) {
      bool sliding = true;
      if (one_of(t, {"qwen2", "qwen2_moe", "qwen3", "qwen3_moe"}))
        sliding = r.flag("use_sliding_window", false) && static_cast<double>(i) >= r.number({"max_window_layers"}, L);
      else if (t == "gemma2")
        sliding = i % 2 == 0;
      else if (one_of(t, {"gemma3", "gemma3_text"})) {
        const auto pattern = static_cast<std::size_t>(r.number({"sliding_window_pattern"}, 6));
        sliding = pattern == 0 || (i + 1) % pattern != 0;
      } else if (one_of(t, {"llama", "olmo2", "phi3", "smollm3", "olmo3", "deepseek_v3", "deepseek_v2"}))
        sliding = false;  // their configs carry the field without applying it (SmolLM3, OLMo 3 use layer_types)
      if (sliding) out.slots[i] = Slot::sliding;
    }
  }
  return out;
}

// Which layers carry the MoE block (when the model has experts).
bool moe_layer(Reader& r, const std::string& t, double i, double L, const std::vector<double>& moe_list) {
  if (!moe_list.empty()) return std::find(moe_list.begin(), moe_list.end(), i) != moe_list.end();
  if (t == "jamba") {  // JambaConfig: i % expert_layer_period == expert_layer_offset
    const double period = r.number({"expert_layer_period"}, 2), offset = r.number({"expert_layer_offset"}, 1);
    return std::fmod(i, period) == offset;
  }
  if (const double step = r.number({"interleave_moe_layer_step"}, 0); step > 0)  // Llama 4
    return std::fmod(i, step) == step - 1;
  if (const Json* only = r.get("mlp_only_layers"); only && only->is_array())  // Qwen MoE
    for (const auto& v : only->as_array())
      if (v.is_number() && v.as_number() == i) return false;
  if (const double step = r.number({"decoder_sparse_step"}, 0); step > 0)  // Qwen: (i + 1) % step == 0
    return std::fmod(i + 1, step) == 0;
  // DeepSeek/GLM/Kimi: i ≥ first_k_dense_replace and i % moe_layer_freq == 0.
  const double first = r.number({"first_k_dense_replace"}, 0), freq = r.number({"moe_layer_freq"}, 1);
  (void)L;
  return i >= first && std::fmod(i, freq > 0 ? freq : 1) == 0;
}

// ---- The checkpoint's storage ----------------------------------------------------------------

// A module name pattern of modules_to_not_convert / ignore (glob with *, or "re:" regular
// expressions reduced to their literal text with .* wildcards) against a module path.
bool glob(std::string_view p, std::string_view s) {
  std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == s[si])) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

// A module pattern of modules_to_not_convert / ignore / exclude_modules, compiled once: glob forms
// for the module itself, anything inside it and (for a bare name) the name at any depth; the layer
// it names, if it names one, so that per-layer lists (thousands of entries) test only their layer.
struct ModulePattern {
  std::vector<std::string> globs;
  long layer = -1;
};

// Expands the first "(a|b|c)" group of a regular expression into one pattern per alternative.
std::vector<std::string> expand_alternatives(const std::string& pattern) {
  const auto open = pattern.find('('), close = pattern.find(')', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return {pattern};
  std::vector<std::string> out;
  const std::string head = pattern.substr(0, open), tail = pattern.substr(close + 1);
  std::size_t start = open + 1;
  for (std::size_t i = start; i <= close; ++i)
    if (i == close || pattern[i] == '|') {
      for (auto& rest : expand_alternatives(tail)) out.push_back(head + pattern.substr(start, i - start) + rest);
      start = i + 1;
    }
  return out;
}

ModulePattern compile_pattern(std::string pattern) {
  ModulePattern out;
  const bool regex = pattern.rfind("re:", 0) == 0;
  for (const char* nested : {"language_model.", "model.model."})  // multimodal wrappers' prefixes
    for (auto at = pattern.find(nested); at != std::string::npos; at = pattern.find(nested))
      pattern.erase(at, std::string_view(nested) == "model.model." ? 6 : std::string_view(nested).size());
  if (regex) {
    for (const auto& alternative : expand_alternatives(pattern.substr(3))) {
      std::string g;
      bool anchored_end = false;
      for (std::size_t i = 0; i < alternative.size(); ++i) {
        if (alternative[i] == '.' && i + 1 < alternative.size() && alternative[i + 1] == '*') {
          g += '*';
          ++i;
        } else if (alternative[i] == '\\' && i + 1 < alternative.size()) {
          g += alternative[++i];
        } else if (alternative[i] == '$') {
          anchored_end = true;
        } else if (alternative[i] != '^') {
          g += alternative[i];
        }
      }
      out.globs.push_back(anchored_end ? g : g + "*");
    }
    return out;
  }
  out.globs = {pattern, pattern + ".*"};
  if (pattern.find('.') == std::string::npos && pattern.find('*') == std::string::npos)
    out.globs.insert(out.globs.end(), {"*." + pattern, "*." + pattern + ".*"});
  if (const auto at = pattern.find("layers."); at != std::string::npos && pattern.find('*') > at) {
    long n = 0;
    std::size_t i = at + 7;
    for (; i < pattern.size() && pattern[i] >= '0' && pattern[i] <= '9'; ++i) n = n * 10 + (pattern[i] - '0');
    if (i > at + 7 && i < pattern.size() && pattern[i] == '.') out.layer = n;
  }
  return out;
}

bool module_matches(const ModulePattern& p, std::string_view path) {
  for (const auto& g : p.globs)
    if (glob(g, path)) return true;
  return false;
}

std::vector<std::string> string_list(const Json* v) {
  std::vector<std::string> out;
  if (v && v->is_array())
    for (const auto& x : v->as_array())
      if (x.is_string()) out.push_back(x.as_string());
  return out;
}

Checkpoint read_checkpoint(const Json* q, double dtype, const std::string& prefix, std::vector<Issue>& issues,
                           std::vector<std::string>& keep16) {
  Checkpoint c;
  c.dense_format = dtype == 4 ? WeightFormat::f32 : WeightFormat::bf16;
  c.format = c.dense_format;
  if (!q) return c;
  const std::string field = prefix + ".quantization_config";
  if (!q->is_object()) {
    issues.push_back({field, Severity::error, "must be an object"});
    return c;
  }
  auto text = [&](const char* key) {
    const Json* v = q->find(key);
    return v && v->is_string() ? v->as_string() : std::string();
  };
  auto number = [&](const char* key, double fallback) {
    const Json* v = q->find(key);
    return v && v->is_number() ? v->as_number() : fallback;
  };
  auto flag = [&](const char* key, bool fallback) {
    const Json* v = q->find(key);
    return v && v->is_bool() ? v->as_bool() : fallback;
  };
  c.method = text("quant_method");
  keep16 = string_list(q->find("modules_to_not_convert"));
  for (auto& s : string_list(q->find("ignore"))) keep16.push_back(s);
  for (auto& s : string_list(q->find("llm_int8_skip_modules"))) keep16.push_back(s);
  const std::string& m = c.method;
  if (m == "mxfp4") {
    c.format = WeightFormat::mxfp4;
    c.group_size = 32;
    c.experts_only = true;  // transformers' Mxfp4 integration converts the MoE experts only
  } else if (m == "fp8" || m == "fbgemm_fp8") {
    const Json* block = q->find("weight_block_size");
    c.format = block && block->is_array() && !block->as_array().empty() ? WeightFormat::fp8_block : WeightFormat::fp8;
    if (c.format == WeightFormat::fp8_block) {
      const auto& b = block->as_array();
      if (b.size() != 2 || !b[0].is_number() || !b[1].is_number() || b[0].as_number() != 128 || b[1].as_number() != 128)
        issues.push_back({field + ".weight_block_size", Severity::error, "only [128, 128] blocks are sized"});
      c.group_size = 128;
    }
  } else if (m == "gptq") {
    c.format = WeightFormat::gptq;
    c.bits = number("bits", 4);
    c.group_size = number("group_size", 128);
    c.act_order_index = true;  // GPTQ checkpoints carry g_idx whether or not desc_act reorders
  } else if (m == "awq") {
    c.format = WeightFormat::awq;
    c.bits = number("bits", number("w_bit", 4));
    c.group_size = number("group_size", number("q_group_size", 128));
    c.zero_points = flag("zero_point", true);
  } else if (m == "bitsandbytes") {
    if (flag("load_in_4bit", false) || text("_load_in_4bit") == "true") {
      c.format = WeightFormat::bnb_4bit;
      c.bits = 4;
      c.double_quant = flag("bnb_4bit_use_double_quant", false);
    } else {
      c.format = WeightFormat::bnb_8bit;
      c.bits = 8;
    }
  } else if (m == "compressed-tensors") {
    const std::string fmt = text("format");
    if (fmt == "nvfp4-pack-quantized") {
      c.format = WeightFormat::nvfp4;
      c.group_size = 16;
    } else if (fmt == "float-quantized" || fmt == "naive-quantized") {
      c.format = WeightFormat::fp8;
    } else if (fmt == "pack-quantized") {
      c.format = WeightFormat::gptq;  // int4/int8 packed with a scale per group
      c.bits = 4;
      c.group_size = 128;
      c.zero_points = false;
      if (const Json* groups = q->find("config_groups"); groups && groups->is_object())
        for (const auto& [name, g] : groups->as_object())
          if (const Json* w = g.find("weights"); w && w->is_object()) {
            if (const Json* b = w->find("num_bits"); b && b->is_number()) c.bits = b->as_number();
            if (const Json* gs = w->find("group_size"); gs && gs->is_number()) c.group_size = gs->as_number();
          }
    } else {
      c.format = WeightFormat::unknown;
    }
  } else if (m == "modelopt") {
    const std::string algo = text("quant_algo");
    c.format = algo == "NVFP4" ? WeightFormat::nvfp4 : algo == "FP8" ? WeightFormat::fp8 : WeightFormat::unknown;
    if (c.format == WeightFormat::nvfp4) c.group_size = 16;
    for (auto& s : string_list(q->find("exclude_modules"))) keep16.push_back(s);
  } else {
    c.format = WeightFormat::unknown;
  }
  if (c.format == WeightFormat::unknown)
    issues.push_back({field + ".quant_method", Severity::warning,
                      "\"" + m + "\" cannot be sized; choose inference.weight_dtype explicitly (\"auto\" will be refused)"});
  if ((c.format == WeightFormat::gptq || c.format == WeightFormat::awq) &&
      (!(c.bits >= 2 && c.bits <= 8) || !(c.group_size >= 16 || c.group_size == -1)))
    issues.push_back({field, Severity::error, "bits must be 2–8 and group_size 16 or more (or -1)"});
  return c;
}

// ---- Vision and audio towers -----------------------------------------------------------------

// A ViT-style tower: patch embedding, learned positions, depth × (attention + MLP + 2 norms),
// and a projector into the language model's width. Counted from the fields every vision config
// of these families carries (Qwen3-VL/Qwen3.5, SigLIP in Gemma 3, Pixtral in Mistral 3, Llama 4).
Encoder read_vision(const Json& v, double text_hidden, const std::string& outer_type, double feature_layer) {
  Encoder e;
  e.kind = "vision";
  auto number = [&](std::initializer_list<const char*> keys, double fallback) {
    for (auto k : keys)
      if (const Json* x = v.find(k); x && x->is_number()) return x->as_number();
    return fallback;
  };
  const Json* mt = v.find("model_type");
  e.model_type = mt && mt->is_string() ? mt->as_string() : "vision";
  // Llama4VisionConfig's default depth is 34; MoonViT (Kimi) spells its fields vt_*.
  const double depth = number({"depth", "num_hidden_layers", "num_layers", "vt_num_hidden_layers"},
                              e.model_type == "llama4_vision_model" ? 34 : 0);
  const double h = number({"hidden_size", "width", "embed_dim", "vt_hidden_size"}, 0);
  const double I = number({"intermediate_size", "vt_intermediate_size"}, 4 * h);
  const double p = number({"patch_size"}, 14);
  const double ch = number({"in_channels", "num_channels", "in_chans"}, 3);
  const double tp = number({"temporal_patch_size"}, 1);
  const double image = number({"image_size"}, 0);
  double positions = number({"num_position_embeddings"}, image > 0 ? (image / p) * (image / p) : 0);
  if (const double ph = number({"init_pos_emb_height"}, 0); ph > 0) positions = ph * number({"init_pos_emb_width"}, ph);
  double merge = number({"spatial_merge_size"}, 1);
  if (const Json* k = v.find("merge_kernel_size"); k && k->is_array() && !k->as_array().empty() && k->as_array()[0].is_number())
    merge = k->as_array()[0].as_number();
  const double out = number({"out_hidden_size", "text_hidden_size"}, text_hidden);
  if (depth <= 0 || h <= 0) return e;
  if (outer_type == "gemma4") {
    // Gemma 4's vision tower (modeling_gemma4.py): patch embedding without bias, a two-row position
    // table, per layer q/k/v/o without biases, q/k norms, a gated MLP and four norms; std_bias and
    // std_scale when standardize; the projector embed_vision into the text width.
    const double heads = number({"num_attention_heads"}, 16), hd = number({"head_dim"}, h / heads);
    const double kvh = number({"num_key_value_heads"}, heads);
    const double layer = h * (2 * heads + 2 * kvh) * hd + 2 * hd + 3 * h * I + 4 * h;
    const double pos = 2 * number({"position_embedding_size"}, 10240) * h;
    const Json* std = v.find("standardize");
    const double standardize = std && std->is_bool() && std->as_bool() ? 2 * h : 0;
    e.params = depth * layer + h * ch * p * p + pos + standardize + text_hidden * h;
    e.formula = detail::num(depth) + " layers × " + detail::num(layer) + " + patch embedding " + detail::num(h * ch * p * p) +
                " + positions " + detail::num(pos) + " + projector " + detail::num(text_hidden * h);
    return e;
  }
  const Json* act = v.find("hidden_act");
  const bool gated = (e.model_type == "pixtral") || (act && act->is_string() && act->as_string() == "silu");
  const bool biases = e.model_type != "pixtral";
  const bool clip = e.model_type == "clip_vision_model";
  const double b = biases ? 1 : 0;
  double layer = 4 * h * h + 4 * h * b + (gated ? 3 * h * I : 2 * h * I + (I + h) * b) + (biases ? 4 * h : 2 * h);
  double n = depth * layer;
  const double patch = ch * tp * p * p * h + (clip ? h : h * b);  // CLIP: no conv bias, a class embedding
  n += patch;
  std::string f = detail::num(depth) + " layers × " + detail::num(layer) + " + patch embedding " + detail::num(patch);
  if (e.model_type == "llama4_vision_model" || clip) positions += 1;  // plus the class token
  if (clip) {
    n += 2 * h;  // pre_layrnorm
    f += " + pre-norm " + detail::num(2 * h);
    // LLaVA reads the features of layer vision_feature_layer (-2: the last layer's input), so the
    // layers after it and the final norm go unused.
    if (feature_layer < 0) e.unused_params = (-feature_layer - 1) * layer + 2 * h;
  }
  if (e.model_type != "pixtral") {
    n += positions * h;
    f += " + " + detail::num(positions) + " positions × " + detail::num(h);
  }
  const bool qwen_merger = one_of(e.model_type, {"qwen3_vl", "qwen3_5", "qwen3_5_moe", "qwen3_vl_moe", "qwen2_5_vl", "qwen2_vl"});
  if (!qwen_merger) n += (biases ? 2 : 1) * h;  // final (or pre) norm; Qwen's towers end in the merger's own norm
  double proj;
  if (qwen_merger || one_of(outer_type, {"kimi_k25", "kimi_vl"})) {
    // Patch merger: LayerNorm, (h·m²)² + bias, GELU, h·m² → out + bias; deepstack mergers repeat it
    // after the listed blocks with a norm over h·m².
    const double hm = h * merge * merge;
    proj = 2 * h + hm * hm + hm + hm * out + out;
    const Json* deep = v.find("deepstack_visual_indexes");
    const double mergers = deep && deep->is_array() ? static_cast<double>(deep->as_array().size()) : 0;
    proj += mergers * (2 * hm + hm * hm + hm + hm * out + out);
    f += " + patch mergers " + detail::num(proj);
  } else if (e.model_type == "llama4_vision_model") {
    // Pixel-shuffle adapter (vision_adapter) and the projector into the text width.
    const double ratio = number({"pixel_shuffle_ratio"}, 0.5);
    const double pin = h / (ratio * ratio);
    const double pout = number({"projector_output_dim"}, 4096);
    const double vout = number({"vision_output_dim"}, 4096);
    proj = 2 * h + pin * pout + pout * pout + vout * text_hidden;  // layernorm_post, adapter fc1, fc2, multi_modal_projector
    f += " + adapter and projector " + detail::num(proj);
  } else if (one_of(outer_type, {"llava", "llava_next"})) {
    // LLaVA's multi_modal_projector: two linear layers with biases into the text width; LLaVA-NeXT
    // adds the image_newline vector.
    proj = h * text_hidden + text_hidden + text_hidden * text_hidden + text_hidden + (outer_type == "llava_next" ? text_hidden : 0);
    f += " + projector " + detail::num(proj);
  } else if (e.model_type == "pixtral") {
    // Mistral 3 projector: RMSNorm, patch merger (h·m² → h), two linear layers into the text width.
    const double m = outer_type == "mistral3" ? 2 : merge;
    proj = h + h * m * m * h + h * text_hidden + text_hidden * text_hidden;
    f += " + projector " + detail::num(proj);
  } else {
    // SigLIP in Gemma 3: a soft-embedding RMSNorm and one projection into the text width.
    proj = h + h * text_hidden;
    f += " + projector " + detail::num(proj);
  }
  e.params = n + proj;
  e.formula = f;
  return e;
}

// Gemma 4's Conformer audio tower (modeling_gemma4.py): a two-convolution subsampler, per layer two
// 4× feed-forwards, attention with a relative-position projection, a light convolution and nine
// norms (24d² + 9d + K·d + d/heads), and the output projection (with bias) and projector. Released
// and pre-release configs spell the fields differently; both are read.
Encoder read_audio(const Json& a, double text_hidden) {
  Encoder e;
  e.kind = "audio";
  auto number = [&](std::initializer_list<const char*> keys, double fallback) {
    for (auto k : keys)
      if (const Json* x = a.find(k); x && x->is_number()) return x->as_number();
    return fallback;
  };
  const Json* mt = a.find("model_type");
  e.model_type = mt && mt->is_string() ? mt->as_string() : "audio";
  if (e.model_type != "gemma4_audio") return e;
  const double d = number({"conf_hidden_size", "hidden_size"}, 0), n = number({"conf_num_hidden_layers", "num_hidden_layers"}, 0);
  const double heads = number({"conf_num_attention_heads", "num_attention_heads"}, 8);
  const double K = number({"conf_conv_kernel_size", "conv_kernel_size"}, 5);
  const double feat = number({"input_feat_size"}, 128), out = number({"output_proj_dims"}, text_hidden);
  double c0 = 128, c1 = 32;
  for (const char* key : {"sscp_conv_channel_size", "subsampling_conv_channels"})
    if (const Json* c = a.find(key); c && c->is_array() && c->as_array().size() == 2 && c->as_array()[0].is_number() &&
                                     c->as_array()[1].is_number()) {
      c0 = c->as_array()[0].as_number();
      c1 = c->as_array()[1].as_number();
    }
  if (d <= 0 || n <= 0) return e;
  const double layer = 24 * d * d + 9 * d + K * d + d / heads;
  const double subsample = c0 * 9 + c0 + c1 * c0 * 9 + c1 + d * (feat / 4) * c1;
  e.params = n * layer + subsample + out * d + out + text_hidden * out;
  e.formula = detail::num(n) + " Conformer layers × " + detail::num(layer) + " + subsampler " + detail::num(subsample) +
              " + output projection and projector " + detail::num(out * d + out + text_hidden * out);
  return e;
}

}  // namespace

ModelConfig model_from_hf_config(const Json& outer, const std::string& prefix, std::vector<Issue>& issues) {
  // Multimodal wrappers (Gemma 3/4, Llama 4, Mistral 3, Qwen3.5) keep the language model in text_config.
  const Json* inner = outer.find("text_config");
  const bool nested = inner && inner->is_object();
  const Json& c = nested ? *inner : outer;
  const std::string field_prefix = nested ? prefix + ".text_config" : prefix;
  Reader r(c, field_prefix, issues);
  ModelConfig m;
  m.id = "custom";
  m.model_type = r.text("model_type");
  std::string outer_type;
  if (const Json* t = outer.find("model_type"); t && t->is_string()) outer_type = t->as_string();
  if (m.model_type.empty() && nested) m.model_type = outer_type;
  if (m.model_type.empty()) {
    // Older configs (GPT-2's first revisions) name only the architecture class.
    static constexpr std::pair<std::string_view, std::string_view> kClasses[] = {
        {"GPT2LMHeadModel", "gpt2"}, {"LlamaForCausalLM", "llama"}, {"MistralForCausalLM", "mistral"},
        {"MixtralForCausalLM", "mixtral"}, {"Qwen2ForCausalLM", "qwen2"}, {"GPTNeoXForCausalLM", "gpt_neox"},
        {"OPTForCausalLM", "opt"}, {"FalconForCausalLM", "falcon"}, {"GemmaForCausalLM", "gemma"}};
    const Json* arch = c.find("architectures");
    if (!arch) arch = outer.find("architectures");
    if (arch && arch->is_array() && !arch->as_array().empty() && arch->as_array()[0].is_string())
      for (const auto& [cls, type] : kClasses)
        if (arch->as_array()[0].as_string() == cls) m.model_type = type;
  }
  m.name = m.model_type.empty() ? "Custom model" : "Custom " + m.model_type + " model";
  if (!m.model_type.empty() && !known_model_type(m.model_type))
    issues.push_back({field_prefix + ".model_type", Severity::warning,
                      "\"" + m.model_type + "\" is not a model type memcalc knows: estimated from its standard fields "
                      "(hidden_size, num_hidden_layers, heads, intermediate_size, experts) as a decoder of uniform layers"});
  m.source = "Hugging Face config.json";
  const std::string& t = m.model_type;

  // Class defaults where a nested text_config leaves a field out (Gemma3TextConfig vocab_size 262208).
  m.vocab_size = r.number({"vocab_size", "padded_vocab_size"}, t == "gemma3_text" ? 262208 : 0);
  m.hidden_size = r.number({"hidden_size", "n_embd", "d_model"}, 0);
  m.num_layers = r.number({"num_hidden_layers", "n_layer", "num_layers"}, 0);
  const double L = m.num_layers;
  const bool sane_depth = L >= 1 && L <= 16384 && L == std::floor(L);
  m.num_heads = r.number({"num_attention_heads", "n_head"}, 0);
  double kv = r.number({"num_key_value_heads", "num_kv_heads", "n_head_kv"}, 0);
  if (kv == 0 && !r.get("num_key_value_heads")) kv = r.flag("multi_query", false) ? 1 : m.num_heads;
  m.head_dim = r.number({"head_dim", "attention_head_dim"}, 0);
  if (m.head_dim == 0 && m.num_heads > 0) m.head_dim = m.hidden_size / m.num_heads;
  m.intermediate_size = r.number({"intermediate_size", "n_inner", "ffn_dim", "d_ff", "block_ff_dim"}, 0);
  if (m.intermediate_size == 0 && !r.get("intermediate_size")) m.intermediate_size = 4 * m.hidden_size;  // GPT2Config: n_inner None → 4·n_embd
  if (r.flag("block_auto_adjust_ff_dim", false)) {
    // LFM2 (like Llama's ffn_dim_multiplier rule): 2/3 of block_ff_dim, scaled, rounded up to block_multiple_of.
    const double multiple = r.number({"block_multiple_of"}, 256);
    const double f = std::floor(r.number({"block_ffn_dim_multiplier"}, 1) * std::floor(2 * m.intermediate_size / 3));
    m.intermediate_size = multiple * std::ceil(f / multiple);
  }
  m.max_position_embeddings = r.number({"max_position_embeddings", "n_positions", "n_ctx"}, 0);
  // A rope scaling that stretches the positions sets the longest context the way vLLM derives its
  // default max_model_len (config.py _get_and_verify_max_len): yarn from original_max_position_embeddings,
  // linear and dynamic from max_position_embeddings, × factor; llama3, longrope and su tables are
  // already in max_position_embeddings.
  const Json* rope = r.get("rope_scaling");
  if (!rope || !rope->is_object()) rope = r.get("rope_parameters");
  if (rope && rope->is_object()) {
    const Json* type = rope->find("rope_type");
    if (!type || !type->is_string()) type = rope->find("type");
    const Json* factor = rope->find("factor");
    const Json* original = rope->find("original_max_position_embeddings");
    const std::string kind = type && type->is_string() ? type->as_string() : "";
    if (factor && factor->is_number() && factor->as_number() > 1 && std::isfinite(factor->as_number()) &&
        one_of(kind, {"yarn", "linear", "dynamic"})) {
      const double base = kind == "yarn" && original && original->is_number() && original->as_number() > 0 ? original->as_number()
                                                                                                             : m.max_position_embeddings;
      const double scaled = std::floor(base * factor->as_number());
      if (scaled > m.max_position_embeddings && scaled <= 1e9) {
        issues.push_back({prefix + ".rope_scaling", Severity::info,
                          kind + " × " + detail::num(factor->as_number()) + ": the longest context is " + detail::num(scaled) +
                              " tokens (max_position_embeddings " + detail::num(m.max_position_embeddings) + ")"});
        m.max_position_embeddings = scaled;
      }
    }
  }

  // torch_dtype (dtype in newer transformers), on the outer config for nested ones.
  std::string dtype = r.text("torch_dtype");
  if (dtype.empty()) dtype = r.text("dtype");
  for (const char* key : {"torch_dtype", "dtype"})
    if (const Json* d = outer.find(key); dtype.empty() && d && d->is_string()) dtype = d->as_string();
  if (dtype_bytes(dtype) > 0) m.dtype_bytes = dtype_bytes(dtype);
  else if (dtype.empty() && one_of(t, {"gpt2", "opt", "gpt_neo"})) m.dtype_bytes = 4;  // released in float32

  m.mlp = plain_mlp_type(t) ? MlpKind::plain : MlpKind::gated;
  const std::string mlp_act = r.text("mlp_hidden_act");
  if (mlp_act == "relu2") m.mlp = MlpKind::plain;  // Nemotron: squared ReLU, no gate
  m.norm = layernorm_type(t) ? NormKind::layernorm : NormKind::rmsnorm;
  if (t == "olmo") m.norm = NormKind::nonparametric;  // OLMo 1: LayerNorm without weights
  if (one_of(t, {"gemma2", "gemma3", "gemma3_text", "gemma4_text"})) m.norms_per_layer = 4;
  if (one_of(t, {"qwen3", "qwen3_moe", "gemma3", "gemma3_text", "qwen3_next", "qwen3_5_text",
                 "qwen3_5_moe_text", "qwen3_5", "qwen3_5_moe", "olmo3", "lfm2", "gemma4_text"}))
    m.qk_norm = QkNorm::per_head;
  if (t == "glm4_moe" && r.flag("use_qk_norm", false)) m.qk_norm = QkNorm::per_head;
  if (t == "olmo2" || t == "olmo3") m.qk_norm = QkNorm::full;
  if (one_of(t, {"minimax", "minimax_m2"}) && r.text("qk_norm_type") != "") m.qk_norm = QkNorm::full;
  m.tied_embeddings = r.flag("tie_word_embeddings", !untied_by_default(t));
  if (nested && !r.get("tie_word_embeddings")) {
    if (const Json* tie = outer.find("tie_word_embeddings"); tie && tie->is_bool()) m.tied_embeddings = tie->as_bool();
  }

  const bool gpt2_like = one_of(t, {"gpt2", "gpt_bigcode"});
  m.learned_positions = gpt2_like ? m.max_position_embeddings : 0;
  m.fused_qkv = one_of(t, {"gpt2", "gpt_bigcode", "phi3", "gpt_neox", "falcon", "bloom"});
  m.fused_gate_up = t == "phi3";
  const bool attention_bias = r.flag("attention_bias", t == "gpt_oss");
  m.qkv_bias = gpt2_like || attention_bias || one_of(t, {"qwen2", "qwen2_moe"}) || r.flag("use_bias", false);
  m.o_bias = gpt2_like || (attention_bias && !one_of(t, {"glm4_moe"})) || r.flag("use_bias", false);
  m.mlp_bias = gpt2_like || r.flag("mlp_bias", false) || (r.flag("use_bias", false) && !one_of(t, {"falcon_h1", "nemotron_h", "granitemoehybrid"}));
  m.attention_dropout = r.number({"attention_dropout", "attn_pdrop"}, 0) > 0;
  m.hidden_dropout = r.number({"hidden_dropout", "resid_pdrop"}, 0) > 0 || r.number({"embd_pdrop"}, 0) > 0;
  m.rotary = !gpt2_like && !one_of(t, {"opt", "bloom", "mpt"});
  std::string act = r.text("hidden_act");
  if (act.empty()) act = r.text("activation_function");
  m.gelu_new = act == "gelu_new" || (act.empty() && t == "gpt2");  // GPT2Config's default

  // Mixture of experts.
  m.num_experts = r.number({"num_local_experts", "n_routed_experts", "num_experts"}, 0);
  Ffn moe;
  moe.kind = FfnKind::moe;
  if (m.num_experts > 0) {
    m.experts_per_token = r.number({"num_experts_per_tok", "num_experts_per_token", "top_k_experts", "moe_topk"}, 0);
    // gpt-oss, Mixtral and Llama 4 size an expert by intermediate_size; the others by moe_intermediate_size.
    m.moe_intermediate_size = r.number({"moe_intermediate_size"}, m.intermediate_size);
    m.shared_experts = r.number({"n_shared_experts", "num_shared_experts"}, 0);
    m.shared_intermediate_size = r.number({"moe_shared_expert_intermediate_size"}, m.moe_intermediate_size);
    if (double s = r.number({"shared_expert_intermediate_size"}, 0); s > 0) {
      m.shared_experts = 1;  // Qwen2-MoE/Qwen3-Next: one shared expert of that width with a sigmoid gate
      m.shared_intermediate_size = s;
      moe.shared_expert_gate = true;
    }
    if (t == "llama4_text") {  // one shared expert as wide as a routed one
      m.shared_experts = 1;
      m.shared_intermediate_size = m.moe_intermediate_size;
    }
    if (t == "granitemoehybrid") {  // shared_mlp beside the experts
      if (double s = r.number({"shared_intermediate_size"}, 0); s > 0) {
        m.shared_experts = 1;
        m.shared_intermediate_size = s;
      }
    }
    moe.experts = m.num_experts;
    moe.experts_per_token = m.experts_per_token;
    moe.expert_width = m.moe_intermediate_size;
    moe.shared_experts = m.shared_experts;
    moe.shared_width = m.shared_intermediate_size;
    // Per-expert score biases: DeepSeek-V3 noaux_tc, GLM-4.5, Nemotron-H, MiniMax use_routing_bias;
    // gpt-oss's router is a Linear with a bias; its experts carry biases too.
    moe.router_bias = r.text("topk_method") == "noaux_tc" ||
                      one_of(t, {"glm4_moe", "glm_moe_dsa", "gpt_oss", "deepseek_v32", "kimi_linear"}) ||
                      r.flag("use_routing_bias", false);
    moe.expert_bias = t == "gpt_oss";
  }

  // Multi-head latent attention.
  m.kv_lora_rank = r.number({"kv_lora_rank"}, 0);
  if (m.kv_lora_rank > 0) {
    m.q_lora_rank = r.number({"q_lora_rank"}, 0);
    m.qk_rope_head_dim = r.number({"qk_rope_head_dim"}, 0);
    m.qk_nope_head_dim = r.number({"qk_nope_head_dim"}, 0);
    m.v_head_dim = r.number({"v_head_dim"}, 0);
    m.head_dim = m.qk_nope_head_dim + m.qk_rope_head_dim;
  }
  m.num_kv_heads = m.is_mla() ? m.num_heads : kv;

  // The layer list.
  std::vector<Layer> layers;
  if (sane_depth) {
    const Layout layout = read_layout(r, t, L);
    const auto n = static_cast<std::size_t>(L);
    const std::vector<double> kv_heads = r.per_layer("num_key_value_heads", kv, L);
    const std::vector<double> widths = r.per_layer("intermediate_size", m.intermediate_size, L);
    const std::vector<double> q_heads = r.per_layer("num_attention_heads", m.num_heads, L);
    if (!layout.slots.empty() || layout.field.empty()) {
      std::vector<Slot> slots = layout.slots.empty() ? std::vector<Slot>(n, Slot::full) : layout.slots;
      // Llama 4 names its MoE layers (moe_layers) or their step.
      std::vector<double> moe_list;
      if (const Json* ml = r.get("moe_layers"); ml && ml->is_array())
        for (const auto& v : ml->as_array())
          if (v.is_number()) moe_list.push_back(v.as_number());
      const double window = r.number({"sliding_window"}, 0);
      const double chunk = r.number({"attention_chunk_size"}, 0);
      const double shared_kv = r.number({"num_kv_shared_layers"}, 0);
      const double dense_width = r.number({"intermediate_size_mlp"}, 0);
      const double global_head_dim = r.number({"global_head_dim"}, 0);
      const double global_kv = r.number({"num_global_key_value_heads"}, 0);
      const bool k_eq_v = r.flag("attention_k_eq_v", false);
      // Gemma 3n/4: per-layer embeddings; Gemma 4: a MoE block beside the dense MLP, double-wide MLPs
      // on the KV-shared layers, a learned scalar per layer.
      const double ple = r.number({"hidden_size_per_layer_input"}, 0);
      if (ple > 0) m.per_layer_input_vocab = r.number({"vocab_size_per_layer_input"}, m.vocab_size);
      const bool moe_beside_mlp = r.flag("enable_moe_block", false);
      const bool double_wide = r.flag("use_double_wide_mlp", false);
      const bool gemma4 = t == "gemma4_text";
      const bool gate = r.flag("attn_output_gate", one_of(t, {"qwen3_next"}));
      // Recurrent shapes.
      const double K_gdn = r.number({"linear_conv_kernel_dim"}, 4);
      const double nk = r.number({"linear_num_key_heads"}, 16), nv = r.number({"linear_num_value_heads"}, 32);
      const double dk = r.number({"linear_key_head_dim"}, 128), dv = r.number({"linear_value_head_dim"}, 128);
      const double m_heads = r.number({"mamba_num_heads", "mamba_n_heads"}, 0);
      const double m_head_dim = r.number({"mamba_head_dim", "mamba_d_head"}, 0);
      const double m_groups = r.number({"mamba_n_groups", "n_groups"}, 1);
      const double m_state = r.number({"mamba_d_state", "ssm_state_size"}, t == "jamba" ? 16 : 128);
      const double m_conv = r.number({"mamba_d_conv", "conv_kernel"}, 4);
      const double m_expand = r.number({"mamba_expand", "expand"}, 2);
      const double short_conv = r.number({"conv_L_cache"}, 3);
      for (std::size_t i = 0; i < n && i < slots.size(); ++i) {
        Layer layer;
        const double li = static_cast<double>(i);
        Mixer attn;
        attn.kind = m.is_mla() ? MixerKind::mla : MixerKind::attention;
        attn.heads = q_heads[i];
        attn.kv_heads = m.is_mla() ? 1 : kv_heads[i];
        attn.head_dim = m.head_dim;
        attn.v_head_dim = m.is_mla() ? m.v_head_dim : r.number({"v_head_dim"}, m.head_dim);
        attn.output_gate = gate;
        attn.sinks = t == "gpt_oss";
        if (m.is_mla()) {
          attn.q_lora_rank = m.q_lora_rank;
          attn.kv_lora_rank = m.kv_lora_rank;
          attn.qk_rope_head_dim = m.qk_rope_head_dim;
          attn.qk_nope_head_dim = m.qk_nope_head_dim;
          attn.index_heads = r.number({"index_n_heads"}, 0);
          attn.index_head_dim = attn.index_heads > 0 ? r.number({"index_head_dim"}, 128) : 0;
        }
        auto recurrent = [&](MixerKind kind) {
          Mixer x;
          x.kind = kind;
          switch (kind) {
            case MixerKind::gated_deltanet:
              x.rec_heads = nv, x.rec_head_dim = dv, x.key_heads = nk, x.key_head_dim = dk, x.conv_kernel = K_gdn;
              break;
            case MixerKind::mamba2:
              x.rec_heads = m_heads > 0 ? m_heads : m_expand * m.hidden_size / 64;
              x.rec_head_dim = m_head_dim > 0 ? m_head_dim : 64;
              x.gated_norm = r.flag("mamba_rms_norm", true);  // Falcon-H1 can leave the gated norm out
              x.key_heads = m_groups, x.key_head_dim = m_state, x.conv_kernel = m_conv;
              x.conv_bias = r.flag("mamba_conv_bias", r.flag("use_conv_bias", true));
              x.proj_bias = r.flag("mamba_proj_bias", r.flag("use_bias", false));
              break;
            case MixerKind::mamba1:
              x.d_inner = m_expand * m.hidden_size, x.key_head_dim = m_state, x.conv_kernel = m_conv;
              x.dt_rank = r.number({"mamba_dt_rank"}, std::ceil(m.hidden_size / 16));
              x.conv_bias = r.flag("mamba_conv_bias", true);
              x.proj_bias = r.flag("mamba_proj_bias", false);
              break;
            case MixerKind::kda: {
              const Json* cfg = r.get("linear_attn_config");
              auto field = [&](const char* key, double fallback) {
                const Json* v = cfg && cfg->is_object() ? cfg->find(key) : nullptr;
                return v && v->is_number() ? v->as_number() : fallback;
              };
              x.rec_heads = x.key_heads = field("num_heads", m.num_heads);
              x.rec_head_dim = x.key_head_dim = field("head_dim", 128);
              x.conv_kernel = field("short_conv_kernel_size", 4);
              break;
            }
            case MixerKind::linear_attention:
              x.rec_heads = m.num_heads, x.rec_head_dim = m.head_dim;
              break;
            case MixerKind::short_conv:
              x.d_inner = m.hidden_size, x.conv_kernel = short_conv;
              x.proj_bias = r.flag("conv_bias", false);
              break;
            default: break;
          }
          return x;
        };
        switch (slots[i]) {
          case Slot::full: layer.mixers.push_back(attn); break;
          case Slot::sliding:
            attn.span = AttentionSpan::sliding;
            attn.window = window;
            layer.mixers.push_back(attn);
            break;
          case Slot::chunked:
            attn.span = AttentionSpan::chunked;
            attn.window = chunk;
            layer.mixers.push_back(attn);
            break;
          case Slot::gdn: layer.mixers.push_back(recurrent(MixerKind::gated_deltanet)); break;
          case Slot::mamba1: layer.mixers.push_back(recurrent(MixerKind::mamba1)); break;
          case Slot::mamba2: layer.mixers.push_back(recurrent(MixerKind::mamba2)); break;
          case Slot::kda: layer.mixers.push_back(recurrent(MixerKind::kda)); break;
          case Slot::lightning: layer.mixers.push_back(recurrent(MixerKind::linear_attention)); break;
          case Slot::short_conv: layer.mixers.push_back(recurrent(MixerKind::short_conv)); break;
          case Slot::parallel_hybrid:
            layer.mixers.push_back(attn);
            layer.mixers.push_back(recurrent(MixerKind::mamba2));
            break;
          case Slot::mlp_only:
          case Slot::moe_only: break;
        }
        // Gemma 4 full-attention layers: their own head width; with attention_k_eq_v their own KV
        // heads too, and the keys double as values (no v_proj).
        if (slots[i] == Slot::full && global_head_dim > 0 && !layer.mixers.empty()) {
          Mixer& g = layer.mixers.front();
          g.head_dim = g.v_head_dim = global_head_dim;
          if (k_eq_v) {
            if (global_kv > 0) g.kv_heads = global_kv;
            g.k_eq_v = true;
          }
        }
        layer.per_layer_input = ple;
        if (gemma4) layer.scalars = 1;
        if (shared_kv > 0 && li >= L - shared_kv)
          for (auto& x : layer.mixers) x.kv_shared = x.kind == MixerKind::attention || x.kind == MixerKind::mla;
        // Feed-forward block.
        if (slots[i] == Slot::mamba2 && t == "nemotron_h") {
          layer.ffn.kind = FfnKind::none;
        } else if (slots[i] == Slot::full && t == "nemotron_h") {
          layer.ffn.kind = FfnKind::none;
        } else if (slots[i] == Slot::mlp_only) {
          layer.ffn.width = widths[i];
        } else if (slots[i] == Slot::moe_only || (m.num_experts > 0 && moe_layer(r, t, li, L, moe_list))) {
          layer.ffn = moe;
          if (moe_beside_mlp) {
            layer.ffn.dense_width = widths[i];
            layer.ffn.router_scale = true;
            layer.extra_norms = 3;  // Gemma 4: pre- and post-norms of the second branch and its sum
          }
        } else {
          layer.ffn.width = dense_width > 0 ? dense_width : widths[i];
          if (layer.ffn.width <= 0) layer.ffn.kind = FfnKind::none;
        }
        if (double_wide && shared_kv > 0 && li >= L - shared_kv && layer.ffn.kind == FfnKind::dense) layer.ffn.width *= 2;
        layers.push_back(std::move(layer));
      }
      if (slots.size() < n) layers.clear();
    }
    // The main shape follows the first attention layer where the top-level fields do not say.
    for (const auto& layer : layers)
      for (const auto& x : layer.mixers)
        if (x.kind == MixerKind::attention && !x.kv_shared && m.num_kv_heads <= 0) m.num_kv_heads = x.kv_heads;
  }

  // Multi-token-prediction modules: a full-attention layer with the last layer's FFN, an input
  // projection 2h → h and its norms. On disk, not in headline totals, loaded only for MTP drafts.
  // Qwen3-Next checkpoints ship one MTP layer though the config does not say so (their safetensors
  // total, 81,324,862,720, is the 79.67 B of the layers plus that module). MiniMax-M2's configs name
  // num_mtp_modules, but its checkpoints hold no MTP weights (their safetensors totals are the layers').
  const double mtp = r.number({"num_nextn_predict_layers", "mtp_num_hidden_layers"}, t == "qwen3_next" ? 1 : 0);
  if (mtp > 0 && mtp <= 16 && !layers.empty()) {
    Layer x;
    Mixer attn;
    attn.kind = m.is_mla() ? MixerKind::mla : MixerKind::attention;
    attn.heads = m.num_heads;
    attn.kv_heads = m.is_mla() ? 1 : m.num_kv_heads;
    attn.head_dim = m.head_dim;
    attn.v_head_dim = m.is_mla() ? m.v_head_dim : m.head_dim;
    attn.output_gate = r.flag("attn_output_gate", t == "qwen3_next");
    attn.q_lora_rank = m.q_lora_rank, attn.kv_lora_rank = m.kv_lora_rank;
    attn.qk_rope_head_dim = m.qk_rope_head_dim, attn.qk_nope_head_dim = m.qk_nope_head_dim;
    x.mixers.push_back(attn);
    x.ffn = layers.back().ffn;
    m.mtp_layers = LayerList(std::vector<Layer>(static_cast<std::size_t>(mtp), x));
  }

  // SSM state dtype (vLLM copies mamba_ssm_dtype into mamba_ssm_cache_dtype for Qwen3.5).
  for (const char* key : {"mamba_ssm_cache_dtype", "mamba_ssm_dtype"}) {
    const std::string d = r.text(key);
    if (!d.empty() && m.checkpoint.state_bytes == 0) m.checkpoint.state_bytes = dtype_bytes(d);
  }

  // Vision and audio towers.
  if (const Json* v = outer.find("vision_config"); v && v->is_object()) {
    const Json* feature = outer.find("vision_feature_layer");
    Encoder e = read_vision(*v, m.hidden_size, outer_type, feature && feature->is_number() ? feature->as_number() : 0);
    if (e.params > 0) m.encoders.push_back(std::move(e));
    else issues.push_back({prefix + ".vision_config", Severity::warning, "the vision tower's shape is not given; its weights are not counted"});
  }
  if (const Json* a = outer.find("audio_config"); a && a->is_object()) {
    Encoder e = read_audio(*a, m.hidden_size);
    if (e.params > 0) m.encoders.push_back(std::move(e));
    else issues.push_back({prefix + ".audio_config", Severity::warning, "this audio tower is not counted"});
  }

  // The checkpoint's storage.
  const Json* q = outer.find("quantization_config");
  if (!q && nested) q = c.find("quantization_config");
  const double state_bytes = m.checkpoint.state_bytes;
  std::vector<std::string> keep16;
  m.checkpoint = read_checkpoint(q && !q->is_null() ? q : nullptr, m.dtype_bytes, prefix, issues, keep16);
  m.checkpoint.state_bytes = state_bytes;
  if (!keep16.empty()) {
    std::vector<ModulePattern> any_layer;                       // patterns for every layer
    std::vector<std::vector<ModulePattern>> one_layer(layers.size());  // patterns naming one layer
    for (const auto& p : keep16) {
      ModulePattern compiled = compile_pattern(p);
      if (compiled.layer < 0) any_layer.push_back(std::move(compiled));
      else if (static_cast<std::size_t>(compiled.layer) < one_layer.size())
        one_layer[static_cast<std::size_t>(compiled.layer)].push_back(std::move(compiled));
    }
    auto kept = [&](long layer, std::string_view path) {
      for (const auto& p : one_layer[static_cast<std::size_t>(layer)])
        if (module_matches(p, path)) return true;
      for (const auto& p : any_layer)
        if (module_matches(p, path)) return true;
      return false;
    };
    m.checkpoint.keep_embedding = true;
    m.checkpoint.keep_head = true;
    std::string path;
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const std::string base = "model.layers." + std::to_string(i) + ".";
      const auto li = static_cast<long>(i);
      auto any = [&](std::initializer_list<const char*> modules) {
        for (const char* module : modules) {
          path = base;
          path += module;
          if (kept(li, path)) return true;
        }
        return false;
      };
      Layer& layer = layers[i];
      if (any({"self_attn", "self_attn.q_proj", "attention"})) layer.kept |= kept_attention;
      if (any({"mlp", "mlp.down_proj"})) layer.kept |= kept_dense_mlp;
      if (any({"mlp.experts", "block_sparse_moe.experts"})) layer.kept |= kept_experts;
      if (any({"mlp.shared_experts", "mlp.shared_expert", "shared_mlp"})) layer.kept |= kept_shared_experts;
      if (any({"linear_attn", "linear_attn.in_proj_qkvz", "mamba", "mixer"})) layer.kept |= kept_recurrent;
    }
  }

  m.layers = LayerList(std::move(layers));

  // The tensors of files read by memcalc's readers (memcalc/files.hpp): exact bytes.
  if (const Json* f = outer.find("checkpoint_tensors"); f && f->is_object()) {
    const std::string at = prefix + ".checkpoint_tensors";
    auto amount = [&](const char* key, double& out) {
      const Json* v = f->find(key);
      if (!v || v->is_null()) return;
      if (!v->is_number() || !std::isfinite(v->as_number()) || v->as_number() < 0)
        issues.push_back({at + "." + key, Severity::error, "must be a number of bytes"});
      else
        out = v->as_number();
    };
    FileTensors& ft = m.files;
    const Json* format = f->find("format");
    ft.format = format && format->is_string() && (format->as_string() == "gguf" || format->as_string() == "safetensors") ? format->as_string() : "";
    if (ft.format.empty()) issues.push_back({at + ".format", Severity::error, "must be \"gguf\" or \"safetensors\""});
    amount("files", ft.files);
    amount("tensors", ft.tensors);
    amount("bytes", ft.bytes);
    amount("params", ft.params);
    amount("embedding", ft.embedding);
    amount("head", ft.head);
    amount("encoders", ft.encoders);
    amount("mtp", ft.mtp);
    amount("other", ft.other);
    for (const char* key : {"layers", "layer_experts"}) {
      std::vector<double>& list = std::string_view(key) == "layers" ? ft.layers : ft.layer_experts;
      const Json* v = f->find(key);
      if (!v || !v->is_array()) continue;
      for (const auto& x : v->as_array())
        list.push_back(x.is_number() && std::isfinite(x.as_number()) && x.as_number() >= 0 ? x.as_number() : -1);
      if (std::find(list.begin(), list.end(), -1.0) != list.end())
        issues.push_back({at + "." + key, Severity::error, "must list bytes per layer"});
    }
    if (ft.layers.size() != m.layers.size()) {
      issues.push_back({at + ".layers", Severity::warning,
                        "lists " + std::to_string(ft.layers.size()) + " layers for a model of " + std::to_string(m.layers.size()) +
                            ": the per-layer split is not used"});
      ft.other += [&] { double b = 0; for (double x : ft.layers) b += x; return b; }();
      ft.layers.assign(m.layers.size(), 0);
      ft.layer_experts.assign(m.layers.size(), 0);
    }
    if (ft.layer_experts.size() != ft.layers.size()) ft.layer_experts.assign(ft.layers.size(), 0);
  }
  if (nested) {
    for (const auto& [key, value] : outer.as_object())
      if (!known_field(key)) issues.push_back({prefix + "." + key, Severity::info, "not used by the estimate"});
  }
  for (const auto& [key, value] : c.as_object())
    if (!known_field(key)) issues.push_back({field_prefix + "." + key, Severity::info, "not used by the estimate"});
  return m;
}

}  // namespace memcalc
