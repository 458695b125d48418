// The model description's own rules: names of its parts and the ranges every field must keep.
// (The Hugging Face importer is import_config.cpp.)
#include <cmath>

#include "memcalc/model.hpp"
#include "text.hpp"

namespace memcalc {

bool ModelConfig::has_recurrent_layers() const {
  for (const auto& layer : layers)
    for (const auto& x : layer.mixers)
      if (x.is_recurrent()) return true;
  return false;
}

bool ModelConfig::has_attention_layers() const {
  for (const auto& layer : layers)
    for (const auto& x : layer.mixers)
      if (!x.is_recurrent()) return true;
  return false;
}

const char* mixer_name(const Mixer& x) {
  switch (x.kind) {
    case MixerKind::attention:
      return x.span == AttentionSpan::sliding ? "sliding_attention"
             : x.span == AttentionSpan::chunked ? "chunked_attention" : "full_attention";
    case MixerKind::mla: return x.index_heads > 0 ? "mla_indexer" : "mla";
    case MixerKind::gated_deltanet: return "gated_deltanet";
    case MixerKind::mamba1: return "mamba1";
    case MixerKind::mamba2: return "mamba2";
    case MixerKind::kda: return "kda";
    case MixerKind::linear_attention: return "linear_attention";
    case MixerKind::short_conv: return "short_conv";
  }
  return "full_attention";
}

const char* ffn_name(FfnKind kind) {
  switch (kind) {
    case FfnKind::none: return "none";
    case FfnKind::dense: return "dense";
    case FfnKind::moe: return "moe";
  }
  return "dense";
}

const char* weight_format_name(WeightFormat f) {
  switch (f) {
    case WeightFormat::f32: return "fp32";
    case WeightFormat::f16: return "fp16";
    case WeightFormat::bf16: return "bf16";
    case WeightFormat::fp8: return "fp8";
    case WeightFormat::fp8_block: return "fp8_block";
    case WeightFormat::mxfp4: return "mxfp4";
    case WeightFormat::nvfp4: return "nvfp4";
    case WeightFormat::gptq: return "gptq";
    case WeightFormat::awq: return "awq";
    case WeightFormat::bnb_4bit: return "bnb_4bit";
    case WeightFormat::bnb_8bit: return "bnb_8bit";
    case WeightFormat::unknown: return "unknown";
  }
  return "bf16";
}

const std::vector<Layer> LayerList::kNone;
const std::vector<std::size_t> LayerList::kNoIndex;

LayerList::LayerList(std::vector<Layer> layers) {
  Data d;
  d.layers = std::move(layers);
  for (std::size_t l = 0; l < d.layers.size(); ++l) {
    std::size_t k = 0;
    while (k < d.kinds.size() && !(d.layers[d.kinds[k]] == d.layers[l])) ++k;
    if (k == d.kinds.size()) d.kinds.push_back(l);
    d.kind_of.push_back(k);
  }
  data_ = std::make_shared<const Data>(std::move(d));
}

std::string tensor_parallel_problem(const ModelConfig& m, double tp) {
  if (tp <= 1) return {};
  auto divides = [tp](double n) { return n > 0 && std::fmod(n, tp) == 0; };
  for (const std::size_t first : m.layers.kinds())
    for (const Mixer& x : m.layers[first].mixers) {
      if (x.kind == MixerKind::attention || x.kind == MixerKind::mla) {
        if (!divides(x.heads)) return "must divide the model's " + detail::num(x.heads) + " attention heads";
        if (x.kind == MixerKind::attention && !divides(x.kv_heads) && std::fmod(tp, x.kv_heads) != 0)
          return "must divide the model's " + detail::num(x.kv_heads) + " KV heads or be a multiple of them";
      } else if (x.kind == MixerKind::mamba1 || x.kind == MixerKind::short_conv) {
        if (!divides(x.d_inner)) return "must divide the recurrent layers' inner width " + detail::num(x.d_inner);
      } else if (!divides(x.rec_heads)) {
        return "must divide the recurrent layers' " + detail::num(x.rec_heads) + " heads";
      }
    }
  return {};
}

namespace {
bool positive_integer(double v) { return std::isfinite(v) && v >= 1 && v == std::floor(v) && v < 9.0e15; }
bool nonneg_integer(double v) { return std::isfinite(v) && v >= 0 && v == std::floor(v) && v < 9.0e15; }
}  // namespace

void validate_model(const ModelConfig& m, const std::string& p, std::vector<Issue>& issues) {
  auto need = [&](bool ok, const std::string& field, const std::string& message) {
    if (!ok) issues.push_back({p + "." + field, Severity::error, message});
    return ok;
  };
  need(positive_integer(m.vocab_size), "vocab_size", "must be a positive integer");
  need(positive_integer(m.hidden_size), "hidden_size", "must be a positive integer");
  need(positive_integer(m.num_layers), "num_hidden_layers", "must be a positive integer");
  need(nonneg_integer(m.learned_positions), "n_positions", "must be a non-negative integer");
  if (has_errors(issues)) return;
  // Bounds that keep every product below 2^53 for the largest models at the longest contexts.
  need(m.hidden_size <= 1048576, "hidden_size", "must be at most 1,048,576");
  need(m.num_layers <= 16384, "num_hidden_layers", "must be at most 16,384");
  need(m.vocab_size <= 16777216, "vocab_size", "must be at most 16,777,216");
  if (has_errors(issues)) return;
  if (!need(static_cast<double>(m.layers.size()) == m.num_layers, "num_hidden_layers",
            "the layer layout could not be read for all " + detail::num(m.num_layers) + " layers"))
    return;
  auto dim = [&](double v, const char* field) {
    return need(positive_integer(v) && v <= 4194304, field, "must be a positive integer of at most 4,194,304");
  };
  for (const Layer& layer : m.layers) {
    for (const Mixer& x : layer.mixers) {
      if (x.kind == MixerKind::attention) {
        bool ok = dim(x.heads, "num_attention_heads") && dim(x.kv_heads, "num_key_value_heads") &&
                  dim(x.head_dim, "head_dim") && dim(x.v_head_dim, "head_dim");
        ok = ok && need(x.kv_heads <= x.heads, "num_key_value_heads", "must not exceed num_attention_heads");
        ok = ok && need(std::fmod(x.heads, x.kv_heads) == 0, "num_key_value_heads",
                        "must divide num_attention_heads (each KV head serves a whole group of query heads)");
        if (ok && x.span != AttentionSpan::full)
          ok = need(positive_integer(x.window), x.span == AttentionSpan::sliding ? "sliding_window" : "attention_chunk_size",
                    "must be a positive integer where layers attend to a window");
        if (!ok) return;
      } else if (x.kind == MixerKind::mla) {
        if (!(dim(x.heads, "num_attention_heads") && dim(x.kv_lora_rank, "kv_lora_rank") &&
              dim(x.qk_rope_head_dim, "qk_rope_head_dim") && dim(x.v_head_dim, "v_head_dim") &&
              need(nonneg_integer(x.q_lora_rank) && x.q_lora_rank <= 65536, "q_lora_rank", "must be a non-negative integer") &&
              need(nonneg_integer(x.qk_nope_head_dim) && x.qk_nope_head_dim <= 65536, "qk_nope_head_dim",
                   "must be a non-negative integer")))
          return;
      } else {
        const double heads = x.kind == MixerKind::mamba1 || x.kind == MixerKind::short_conv ? x.d_inner : x.rec_heads;
        if (!(dim(heads, x.kind == MixerKind::short_conv ? "hidden_size" : "mamba_num_heads") &&
              (x.kind == MixerKind::short_conv || x.kind == MixerKind::mamba1 || dim(x.rec_head_dim, "head_dim")) &&
              need(nonneg_integer(x.conv_kernel) && x.conv_kernel <= 1024, "conv_kernel", "must be an integer of at most 1,024")))
          return;
      }
    }
    const Ffn& f = layer.ffn;
    if (f.kind == FfnKind::dense && !dim(f.width, "intermediate_size")) return;
    if (f.kind == FfnKind::moe) {
      if (!(need(positive_integer(f.experts) && f.experts <= 4096, "num_experts", "must be a positive integer of at most 4,096") &&
            need(positive_integer(f.experts_per_token) && f.experts_per_token <= f.experts, "num_experts_per_tok",
                 "must be a positive integer no larger than the number of experts") &&
            dim(f.expert_width, "moe_intermediate_size") &&
            need(nonneg_integer(f.shared_experts) && f.shared_experts <= 4096, "n_shared_experts",
                 "must be a non-negative integer")))
        return;
    }
  }
}

}  // namespace memcalc
