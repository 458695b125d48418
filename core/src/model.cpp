// Hugging Face config.json → ModelConfig. Field names and defaults follow the transformers
// configuration classes (LlamaConfig, Qwen2Config, MixtralConfig, DeepseekV3Config, Gemma2Config,
// GPT2Config, ...): where a field is absent the class default applies, and that default is named.
#include <algorithm>
#include <utility>
#include <cmath>
#include <string_view>

#include "memcalc/model.hpp"

namespace memcalc {

namespace {

bool one_of(std::string_view s, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Fields that exist in configs but do not change memory: accepted without comment.
constexpr std::string_view kNoMemoryEffect[] = {
    "_name_or_path", "architectures", "auto_map", "bos_token_id", "eos_token_id", "pad_token_id",
    "transformers_version", "torch_dtype", "dtype", "use_cache", "rope_theta", "rope_scaling",
    "rms_norm_eps", "layer_norm_eps", "layer_norm_epsilon", "norm_epsilon", "initializer_range",
    "initializer_factor", "pretraining_tp", "attention_dropout", "hidden_dropout", "resid_pdrop",
    "embd_pdrop", "attn_pdrop", "summary_activation", "summary_first_dropout", "summary_proj_to_labels",
    "summary_type", "summary_use_proj", "task_specific_params", "n_ctx", "scale_attn_weights",
    "reorder_and_upcast_attn", "scale_attn_by_inverse_layer_idx", "query_pre_attn_scalar",
    "final_logit_softcapping", "attn_logit_softcapping", "cache_implementation", "hidden_act",
    "hidden_activation", "activation_function", "router_aux_loss_coef", "output_router_logits",
    "router_jitter_noise", "aux_loss_alpha", "seq_aux", "norm_topk_prob", "routed_scaling_factor",
    "scoring_func", "topk_method", "n_group", "topk_group", "ep_size", "rope_local_base_freq",
    "model_type", "tie_word_embeddings", "max_position_embeddings", "original_max_position_embeddings",
    "bos_token", "eos_token", "chat_template", "mlp_only_layers", "use_sliding_window",
    "max_window_layers", "sliding_window", "sliding_window_pattern", "layer_types", "attention_bias",
    "mlp_bias", "head_dim", "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
    "num_key_value_heads", "intermediate_size", "n_embd", "n_layer", "n_head", "n_positions", "n_inner",
    "num_local_experts", "n_routed_experts", "num_experts", "num_experts_per_tok", "n_shared_experts",
    "moe_intermediate_size", "shared_expert_intermediate_size", "first_k_dense_replace",
    "moe_layer_freq", "decoder_sparse_step", "q_lora_rank", "kv_lora_rank", "qk_rope_head_dim",
    "qk_nope_head_dim", "v_head_dim", "num_nextn_predict_layers", "partial_rotary_factor",
    "clip_qkv", "qk_layernorm", "use_qk_norm", "norm_type", "is_decoder", "is_encoder_decoder",
    "use_bfloat16", "tokenizer_class", "quantization_config", "text_config", "id2label", "label2id",
    "problem_type", "return_dict", "output_hidden_states", "output_attentions", "torchscript",
    "attention_multiplier", "embedding_multiplier", "logits_scaling", "residual_multiplier",
    "rope_type", "use_parallel_residual", "rotary_pct", "rotary_emb_base", "classifier_dropout",
    "tie_word_embedding", "use_mla", "n_head_kv", "num_kv_heads", "multi_query", "new_decoder_architecture",
    "parallel_attn", "bias", "alibi", "ffn_dim", "num_layers", "d_model", "d_ff", "do_sample",
};

bool no_memory_effect(std::string_view key) {
  for (auto k : kNoMemoryEffect)
    if (k == key) return true;
  return false;
}

// Configs whose MLP is two matrices (up, down) rather than a gated three.
bool plain_mlp_type(std::string_view t) {
  return one_of(t, {"gpt2", "gpt_neo", "gpt_neox", "gptj", "opt", "bloom", "falcon", "phi",
                    "starcoder2", "gpt_bigcode", "mpt"});
}
bool layernorm_type(std::string_view t) {
  return one_of(t, {"gpt2", "gpt_neo", "gpt_neox", "gptj", "opt", "bloom", "falcon", "phi",
                    "starcoder2", "gpt_bigcode", "mpt", "olmo"});
}
// The PretrainedConfig default is tie_word_embeddings = true; these classes override it to false.
bool untied_by_default(std::string_view t) {
  return one_of(t, {"llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "phi3",
                    "olmo", "olmo2", "olmoe", "deepseek_v2", "deepseek_v3", "gpt_neox", "starcoder2",
                    "falcon", "cohere"});
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
        error(k, "must be a number");
        return fallback;
      }
    }
    return fallback;
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
  void error(std::string_view key, const std::string& message) {
    issues_.push_back({prefix_ + "." + std::string(key), Severity::error, message});
  }
  void note(std::string_view key, Severity s, const std::string& message) {
    issues_.push_back({prefix_ + "." + std::string(key), s, message});
  }

 private:
  const Json& c_;
  const std::string& prefix_;
  std::vector<Issue>& issues_;
};

}  // namespace

bool ModelConfig::is_moe_layer(double l) const {
  return is_moe() && l >= first_dense_layers && std::fmod(l - first_dense_layers, moe_layer_freq) == 0;
}

double ModelConfig::moe_layers() const {
  double n = 0;
  for (double l = 0; l < num_layers; ++l)
    if (is_moe_layer(l)) ++n;
  return n;
}

ModelConfig model_from_hf_config(const Json& outer, const std::string& prefix, std::vector<Issue>& issues) {
  // Multimodal wrappers (Gemma 3, Llama 4, Mistral 3) keep the language model in text_config.
  const Json* inner = outer.find("text_config");
  const bool nested = inner && inner->is_object();
  const Json& c = nested ? *inner : outer;
  const std::string field_prefix = nested ? prefix + ".text_config" : prefix;
  Reader r(c, field_prefix, issues);
  ModelConfig m;
  m.id = "custom";
  m.model_type = r.text("model_type");
  if (m.model_type.empty() && nested) {
    if (const Json* t = outer.find("model_type"); t && t->is_string()) m.model_type = t->as_string();
  }
  if (m.model_type.empty()) {
    // Older configs (GPT-2's first revisions) name only the architecture class.
    static constexpr std::pair<std::string_view, std::string_view> kClasses[] = {
        {"GPT2LMHeadModel", "gpt2"}, {"LlamaForCausalLM", "llama"}, {"MistralForCausalLM", "mistral"},
        {"MixtralForCausalLM", "mixtral"}, {"Qwen2ForCausalLM", "qwen2"}, {"GPTNeoXForCausalLM", "gpt_neox"},
        {"OPTForCausalLM", "opt"}, {"FalconForCausalLM", "falcon"}, {"GemmaForCausalLM", "gemma"}};
    if (const Json* arch = c.find("architectures"); arch && arch->is_array() && !arch->as_array().empty() &&
                                                    arch->as_array()[0].is_string()) {
      for (const auto& [cls, type] : kClasses)
        if (arch->as_array()[0].as_string() == cls) m.model_type = type;
    }
  }
  m.name = m.model_type.empty() ? "Custom model" : "Custom " + m.model_type + " model";
  m.source = "Hugging Face config.json";
  const std::string& t = m.model_type;

  m.vocab_size = r.number({"vocab_size", "padded_vocab_size"}, 0);
  m.hidden_size = r.number({"hidden_size", "n_embd", "d_model"}, 0);
  m.num_layers = r.number({"num_hidden_layers", "n_layer", "num_layers"}, 0);
  m.num_heads = r.number({"num_attention_heads", "n_head"}, 0);
  double kv = r.number({"num_key_value_heads", "num_kv_heads", "n_head_kv"}, 0);
  if (kv == 0) kv = r.flag("multi_query", false) ? 1 : m.num_heads;
  m.num_kv_heads = kv;
  m.head_dim = r.number({"head_dim"}, 0);
  if (m.head_dim == 0 && m.num_heads > 0) m.head_dim = m.hidden_size / m.num_heads;
  m.intermediate_size = r.number({"intermediate_size", "n_inner", "ffn_dim", "d_ff"}, 0);
  if (m.intermediate_size == 0) m.intermediate_size = 4 * m.hidden_size;  // GPT2Config: n_inner None → 4·n_embd
  m.max_position_embeddings = r.number({"max_position_embeddings", "n_positions", "n_ctx"}, 0);

  m.mlp = plain_mlp_type(t) ? MlpKind::plain : MlpKind::gated;
  m.norm = layernorm_type(t) ? NormKind::layernorm : NormKind::rmsnorm;
  if (t == "olmo") m.norm = NormKind::nonparametric;  // OLMo 1: LayerNorm without weights
  if (one_of(t, {"gemma2", "gemma3", "gemma3_text"})) m.norms_per_layer = 4;
  if (one_of(t, {"qwen3", "qwen3_moe", "gemma3", "gemma3_text"})) m.qk_norm = QkNorm::per_head;
  if (t == "olmo2") m.qk_norm = QkNorm::full;
  m.tied_embeddings = r.flag("tie_word_embeddings", !untied_by_default(t));

  const bool gpt2_like = one_of(t, {"gpt2", "gpt_bigcode"});
  m.learned_positions = gpt2_like ? m.max_position_embeddings : 0;
  m.fused_qkv = one_of(t, {"gpt2", "gpt_bigcode", "phi3", "gpt_neox", "falcon", "bloom"});
  m.fused_gate_up = t == "phi3";
  const bool attention_bias = r.flag("attention_bias", false);
  m.qkv_bias = gpt2_like || attention_bias || one_of(t, {"qwen2", "qwen2_moe"}) || r.flag("use_bias", false);
  m.o_bias = gpt2_like || attention_bias || r.flag("use_bias", false);
  m.mlp_bias = gpt2_like || r.flag("mlp_bias", false) || r.flag("use_bias", false);
  m.attention_dropout = r.number({"attention_dropout", "attn_pdrop"}, 0) > 0;
  m.hidden_dropout = r.number({"hidden_dropout", "resid_pdrop"}, 0) > 0 || r.number({"embd_pdrop"}, 0) > 0;
  m.rotary = !gpt2_like && !one_of(t, {"opt", "bloom", "mpt"});
  std::string act = r.text("hidden_act");
  if (act.empty()) act = r.text("activation_function");
  m.gelu_new = act == "gelu_new" || (act.empty() && t == "gpt2");  // GPT2Config's default

  m.num_experts = r.number({"num_local_experts", "n_routed_experts", "num_experts"}, 0);
  if (m.num_experts > 0) {
    m.experts_per_token = r.number({"num_experts_per_tok"}, 0);
    m.shared_experts = r.number({"n_shared_experts"}, 0);
    m.moe_intermediate_size = r.number({"moe_intermediate_size"}, m.intermediate_size);
    m.shared_intermediate_size = m.moe_intermediate_size;
    if (double s = r.number({"shared_expert_intermediate_size"}, 0); s > 0) {
      m.shared_experts = 1;  // Qwen2-MoE: one shared expert of that width with a sigmoid gate
      m.shared_intermediate_size = s;
      m.shared_expert_gate = true;
    }
    m.first_dense_layers = r.number({"first_k_dense_replace"}, 0);
    m.moe_layer_freq = r.number({"moe_layer_freq", "decoder_sparse_step"}, 1);
    if (m.moe_layer_freq > 1 && one_of(t, {"qwen2_moe", "qwen3_moe"}))
      r.note("decoder_sparse_step", Severity::warning,
             "MoE on every k-th layer is counted from the first layer; Qwen counts from layer k");
    m.router_bias = r.text("topk_method") == "noaux_tc";  // DeepSeek-V3 e_score_correction_bias
    if (const Json* only = r.get("mlp_only_layers"); only && only->is_array() && !only->as_array().empty())
      r.note("mlp_only_layers", Severity::warning, "dense-only layers listed here are counted as MoE layers");
  }
  m.mtp_layers = r.number({"num_nextn_predict_layers"}, 0);

  m.kv_lora_rank = r.number({"kv_lora_rank"}, 0);
  if (m.kv_lora_rank > 0) {
    m.q_lora_rank = r.number({"q_lora_rank"}, 0);
    m.qk_rope_head_dim = r.number({"qk_rope_head_dim"}, 0);
    m.qk_nope_head_dim = r.number({"qk_nope_head_dim"}, 0);
    m.v_head_dim = r.number({"v_head_dim"}, 0);
    m.head_dim = m.qk_nope_head_dim + m.qk_rope_head_dim;
  }

  // Sliding windows: Mistral applies the window on every layer; Qwen2 only when
  // use_sliding_window is true and from layer max_window_layers on; Gemma 2 alternates
  // (even layers local); Gemma 3 has sliding_window_pattern − 1 local layers per global one.
  double window = r.number({"sliding_window"}, 0);
  if (window > 0) {
    double sliding = m.num_layers;
    if (const Json* types = r.get("layer_types"); types && types->is_array()) {
      sliding = 0;
      for (const auto& lt : types->as_array())
        if (lt.is_string() && lt.as_string() == "sliding_attention") ++sliding;
    } else if (one_of(t, {"qwen2", "qwen2_moe", "qwen3", "qwen3_moe"})) {
      sliding = r.flag("use_sliding_window", false)
                    ? std::max(0.0, m.num_layers - r.number({"max_window_layers"}, m.num_layers))
                    : 0;
    } else if (t == "gemma2") {
      sliding = std::ceil(m.num_layers / 2);
    } else if (one_of(t, {"gemma3", "gemma3_text"})) {
      double pattern = r.number({"sliding_window_pattern"}, 6);
      sliding = pattern > 0 ? m.num_layers - std::floor(m.num_layers / pattern) : m.num_layers;
    }
    if (sliding > 0) {
      m.sliding_window = window;
      m.sliding_layers = sliding;
    }
  }

  if (r.get("quantization_config"))
    r.note("quantization_config", Severity::info,
           "the checkpoint's quantization is not applied; choose it with inference.weight_dtype");
  if (nested) issues.push_back({prefix + ".text_config", Severity::info, "the language model in text_config is estimated; vision towers are not counted"});

  for (const auto& [key, value] : c.as_object())
    if (!no_memory_effect(key))
      issues.push_back({field_prefix + "." + key, Severity::info, "not used by the estimate"});
  return m;
}

namespace {
bool positive_integer(double v) { return std::isfinite(v) && v >= 1 && v == std::floor(v) && v < 9.0e15; }
bool nonneg_integer(double v) { return std::isfinite(v) && v >= 0 && v == std::floor(v) && v < 9.0e15; }
}  // namespace

void validate_model(const ModelConfig& m, const std::string& p, std::vector<Issue>& issues) {
  auto need = [&](bool ok, const char* field, const char* message) {
    if (!ok) issues.push_back({p + "." + field, Severity::error, message});
  };
  need(positive_integer(m.vocab_size), "vocab_size", "must be a positive integer");
  need(positive_integer(m.hidden_size), "hidden_size", "must be a positive integer");
  need(positive_integer(m.num_layers), "num_hidden_layers", "must be a positive integer");
  need(positive_integer(m.num_heads), "num_attention_heads", "must be a positive integer");
  need(positive_integer(m.num_kv_heads), "num_key_value_heads", "must be a positive integer");
  need(positive_integer(m.head_dim), "head_dim", "must be a positive integer");
  need(positive_integer(m.intermediate_size), "intermediate_size", "must be a positive integer");
  need(nonneg_integer(m.learned_positions), "n_positions", "must be a non-negative integer");
  if (has_errors(issues)) return;
  need(m.num_kv_heads <= m.num_heads, "num_key_value_heads", "must not exceed num_attention_heads");
  need(std::fmod(m.num_heads, m.num_kv_heads) == 0, "num_key_value_heads",
       "must divide num_attention_heads (each KV head serves a whole group of query heads)");
  // Bounds that keep every product below 2^53 for the largest models at the longest contexts.
  need(m.hidden_size <= 1048576, "hidden_size", "must be at most 1,048,576");
  need(m.num_layers <= 16384, "num_hidden_layers", "must be at most 16,384");
  need(m.vocab_size <= 16777216, "vocab_size", "must be at most 16,777,216");
  need(m.num_heads <= 65536, "num_attention_heads", "must be at most 65,536");
  need(m.head_dim <= 65536, "head_dim", "must be at most 65,536");
  need(m.intermediate_size <= 4194304, "intermediate_size", "must be at most 4,194,304");
  if (m.is_moe()) {
    need(positive_integer(m.num_experts) && m.num_experts <= 4096, "num_experts",
         "must be a positive integer of at most 4,096");
    need(positive_integer(m.experts_per_token) && m.experts_per_token <= m.num_experts,
         "num_experts_per_tok", "must be a positive integer no larger than the number of experts");
    need(positive_integer(m.moe_intermediate_size) && m.moe_intermediate_size <= 4194304,
         "moe_intermediate_size", "must be a positive integer");
    need(nonneg_integer(m.shared_experts) && m.shared_experts <= 4096, "n_shared_experts",
         "must be a non-negative integer");
    need(nonneg_integer(m.first_dense_layers) && m.first_dense_layers <= m.num_layers,
         "first_k_dense_replace", "must be an integer between 0 and num_hidden_layers");
    need(positive_integer(m.moe_layer_freq), "moe_layer_freq", "must be a positive integer");
  }
  if (m.is_mla()) {
    need(positive_integer(m.kv_lora_rank) && m.kv_lora_rank <= 65536, "kv_lora_rank", "must be a positive integer");
    need(nonneg_integer(m.q_lora_rank) && m.q_lora_rank <= 65536, "q_lora_rank", "must be a non-negative integer");
    need(positive_integer(m.qk_rope_head_dim) && m.qk_rope_head_dim <= 65536, "qk_rope_head_dim", "must be a positive integer");
    need(nonneg_integer(m.qk_nope_head_dim) && m.qk_nope_head_dim <= 65536, "qk_nope_head_dim", "must be a non-negative integer");
    need(positive_integer(m.v_head_dim) && m.v_head_dim <= 65536, "v_head_dim", "must be a positive integer");
  }
  if (m.sliding_window > 0) {
    need(positive_integer(m.sliding_window), "sliding_window", "must be a positive integer");
    need(nonneg_integer(m.sliding_layers) && m.sliding_layers <= m.num_layers, "layer_types",
         "sliding layers must be between 0 and num_hidden_layers");
  }
}

}  // namespace memcalc
