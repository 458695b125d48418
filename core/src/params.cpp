// Parameter counts. Exact count: per-tensor shapes of the Hugging Face implementations, summed
// over the model's layer list (formulas.md §1, "Exact decoder count"; MLA as in Megatron-LM
// compute_weight_and_optimizer_memory; the 2025–26 mixers in mixers.cpp).
// Seed formula: N = h·V + L·(12h² + 13h) + 2h (Ultra-Scale Playbook, memory for weights).
#include "memcalc/estimate.hpp"
#include "mixers.hpp"
#include "tensors.hpp"

namespace memcalc::detail {

namespace {

void add_mlp(const ModelConfig& m, double f, double count, bool routed, bool expert_bias, std::uint32_t part,
             Tensors& out) {
  const double h = m.hidden_size;
  if (m.mlp == MlpKind::gated && m.fused_gate_up) {
    out.push_back({TensorRole::mlp_gate_up, h, 2 * f, count, routed, part});
  } else {
    if (m.mlp == MlpKind::gated) out.push_back({TensorRole::mlp_gate, h, f, count, routed, part});
    out.push_back({TensorRole::mlp_up, h, f, count, routed, part});
  }
  out.push_back({TensorRole::mlp_down, f, h, count, routed, part});
  if (m.mlp_bias || expert_bias) {
    const double bias = (m.mlp == MlpKind::gated ? 2 * f : f) + h;
    out.push_back({TensorRole::vector, bias, 1, count, routed});
  }
}

double norm_size(const ModelConfig& m) {
  switch (m.norm) {
    case NormKind::rmsnorm: return m.hidden_size;
    case NormKind::layernorm: return 2 * m.hidden_size;
    case NormKind::nonparametric: return 0;
  }
  return 0;
}

}  // namespace

void layer_tensors(const ModelConfig& m, const Layer& layer, Tensors& out) {
  const double h = m.hidden_size;
  for (const auto& x : layer.mixers) mixer_tensors(m, x, out);
  // Norms: the pre-norms of the mixer and of the FFN (Gemma adds post-norms); a layer with only one
  // of the two has half of them.
  const double blocks = (layer.mixers.empty() ? 0 : 1) + (layer.ffn.kind == FfnKind::none ? 0 : 1);
  if (norm_size(m) > 0 && blocks + layer.extra_norms > 0)
    out.push_back({TensorRole::vector, (m.norms_per_layer * blocks / 2 + layer.extra_norms) * norm_size(m), 1});
  if (layer.scalars > 0) out.push_back({TensorRole::vector, layer.scalars, 1});
  if (const double p = layer.per_layer_input; p > 0) {
    out.push_back({TensorRole::aux_linear, h, p});   // per_layer_input_gate
    out.push_back({TensorRole::aux_linear, p, h});   // per_layer_projection
    out.push_back({TensorRole::vector, h, 1});       // post_per_layer_input_norm
  }
  const Ffn& f = layer.ffn;
  if (f.kind == FfnKind::dense) {
    add_mlp(m, f.width, 1, false, false, kept_dense_mlp, out);
  } else if (f.kind == FfnKind::moe) {
    out.push_back({TensorRole::router, h, f.experts});
    if (f.router_bias) out.push_back({TensorRole::vector, f.experts, 1});
    if (f.router_scale) out.push_back({TensorRole::vector, h + f.experts, 1});
    if (f.dense_width > 0) add_mlp(m, f.dense_width, 1, false, false, kept_dense_mlp, out);
    add_mlp(m, f.expert_width, f.experts, true, f.expert_bias, kept_experts, out);
    if (f.shared_experts > 0) add_mlp(m, f.shared_width, f.shared_experts, false, false, kept_shared_experts, out);
    if (f.shared_expert_gate) out.push_back({TensorRole::router, h, 1});
  }
}

ModelTensors model_tensors(const ModelConfig& m) {
  ModelTensors t;
  const double h = m.hidden_size;
  t.experts_per_token = m.experts_per_token;
  t.embedding.push_back({TensorRole::token_embedding, m.vocab_size, h});
  if (m.learned_positions > 0) t.embedding.push_back({TensorRole::position_embedding, m.learned_positions, h});
  if (m.per_layer_input_vocab > 0 && !m.layers.empty()) {
    const double width = m.num_layers * m.layers.front().per_layer_input;
    t.embedding.push_back({TensorRole::per_layer_embedding, m.per_layer_input_vocab, width});
    t.embedding.push_back({TensorRole::aux_linear, h, width});  // per_layer_model_projection
    t.embedding.push_back({TensorRole::vector, m.layers.front().per_layer_input, 1});
  }

  const std::vector<std::size_t>& first = m.layers.kinds();
  t.layer_kind = &m.layers.kind_of();
  t.kinds.resize(first.size());
  t.kind_count.assign(first.size(), 0);
  for (std::size_t k = 0; k < first.size(); ++k) {
    t.kind_layer.push_back(&m.layers[first[k]]);
    layer_tensors(m, m.layers[first[k]], t.kinds[k]);
  }
  for (const std::size_t k : m.layers.kind_of()) t.kind_count[k] += 1;

  if (norm_size(m) > 0) t.head.push_back({TensorRole::vector, norm_size(m), 1});
  if (!m.tied_embeddings) t.head.push_back({TensorRole::lm_head, h, m.vocab_size});

  for (const auto& e : m.encoders) t.encoders.push_back({TensorRole::encoder, e.params, 1});
  for (const auto& layer : m.mtp_layers) {
    layer_tensors(m, layer, t.mtp);
    t.mtp.push_back({TensorRole::mtp_proj, 2 * h, h});             // eh_proj / fc
    t.mtp.push_back({TensorRole::vector, 3 * norm_size(m), 1});     // embedding, hidden and output norms
  }
  return t;
}

double sum_params(const Tensors& ts, double experts_per_token, bool active) {
  double n = 0;
  for (const auto& t : ts) {
    double count = (active && t.routed) ? experts_per_token : t.count;
    n += t.rows * t.cols * count;
  }
  return n;
}

double sum_linear(const Tensors& ts) {
  double n = 0;
  for (const auto& t : ts)
    if (t.is_linear()) n += t.elements();
  return n;
}

double sum_vectors(const Tensors& ts) {
  double n = 0;
  for (const auto& t : ts)
    if (!t.is_matrix()) n += t.elements();
  return n;
}

double sum_adafactor_state(const Tensors& ts) {
  double n = 0;
  for (const auto& t : ts) n += (t.is_matrix() ? t.rows + t.cols : t.rows) * t.count;
  return n;
}

double sum_lora_dims(const Tensors& ts) {
  double n = 0;
  for (const auto& t : ts)
    if (t.is_linear()) n += (t.rows + t.cols) * t.count;
  return n;
}

}  // namespace memcalc::detail

namespace memcalc {

ParamCounts count_params(const ModelConfig& m) {
  using namespace detail;
  const ModelTensors t = model_tensors(m);
  ParamCounts c;
  const double k = t.experts_per_token;
  for (bool active : {false, true}) {
    double n = sum_params(t.embedding, k, active) + sum_params(t.head, k, active) +
               over_layers(t, [&](const Tensors& ts) { return sum_params(ts, k, active); });
    (active ? c.active : c.total) = n;
  }
  for (const auto& x : t.embedding)
    if (x.role == TensorRole::token_embedding || x.role == TensorRole::per_layer_embedding) c.embedding += x.elements();
  c.encoders = sum_params(t.encoders, k);
  c.total += c.encoders;
  c.mtp = sum_params(t.mtp, k);
  const double h = m.hidden_size;
  c.seed_formula = h * m.vocab_size + m.num_layers * (12 * h * h + 13 * h) + 2 * h;
  if (m.files.present() && m.files.params > 0) {  // the checkpoint's own tensors, element by element
    c.total = m.files.params;
    c.source = "checkpoint";
  }
  return c;
}

}  // namespace memcalc
