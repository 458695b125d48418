// Parameter counts. Exact count: per-tensor shapes of the Hugging Face implementations
// (formulas.md §1, "Exact decoder count"; MLA as in Megatron-LM compute_weight_and_optimizer_memory).
// Seed formula: N = h·V + L·(12h² + 13h) + 2h (Ultra-Scale Playbook, memory for weights).
#include "memcalc/estimate.hpp"
#include "tensors.hpp"

namespace memcalc {
namespace detail {

namespace {

void add_attention(const ModelConfig& m, Tensors& out) {
  const double h = m.hidden_size, a = m.num_heads, g = m.num_kv_heads, d = m.head_dim;
  if (m.is_mla()) {
    const double qk = m.qk_nope_head_dim + m.qk_rope_head_dim;
    if (m.q_lora_rank > 0) {
      out.push_back({TensorRole::attn_q_a, h, m.q_lora_rank});
      out.push_back({TensorRole::vector, m.q_lora_rank, 1});  // q_a_layernorm
      out.push_back({TensorRole::attn_q_b, m.q_lora_rank, a * qk});
    } else {
      out.push_back({TensorRole::attn_q, h, a * qk});
    }
    out.push_back({TensorRole::attn_kv_a, h, m.kv_lora_rank + m.qk_rope_head_dim});
    out.push_back({TensorRole::vector, m.kv_lora_rank, 1});  // kv_a_layernorm
    out.push_back({TensorRole::attn_kv_b, m.kv_lora_rank, a * (m.qk_nope_head_dim + m.v_head_dim)});
    out.push_back({TensorRole::attn_o, a * m.v_head_dim, h});
    return;
  }
  if (m.fused_qkv) {
    out.push_back({TensorRole::attn_qkv, h, (a + 2 * g) * d});
  } else {
    out.push_back({TensorRole::attn_q, h, a * d});
    out.push_back({TensorRole::attn_k, h, g * d});
    out.push_back({TensorRole::attn_v, h, g * d});
  }
  out.push_back({TensorRole::attn_o, a * d, h});
  if (m.qkv_bias) out.push_back({TensorRole::vector, a * d + 2 * g * d, 1});
  if (m.o_bias) out.push_back({TensorRole::vector, h, 1});
  if (m.qk_norm == QkNorm::per_head) out.push_back({TensorRole::vector, 2 * d, 1});
  if (m.qk_norm == QkNorm::full) out.push_back({TensorRole::vector, (a + g) * d, 1});
}

void add_mlp(const ModelConfig& m, double f, double count, bool routed, Tensors& out) {
  const double h = m.hidden_size;
  if (m.mlp == MlpKind::gated && m.fused_gate_up) {
    out.push_back({TensorRole::mlp_gate_up, h, 2 * f, count, routed});
  } else {
    if (m.mlp == MlpKind::gated) out.push_back({TensorRole::mlp_gate, h, f, count, routed});
    out.push_back({TensorRole::mlp_up, h, f, count, routed});
  }
  out.push_back({TensorRole::mlp_down, f, h, count, routed});
  if (m.mlp_bias) {
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

ModelTensors model_tensors(const ModelConfig& m) {
  ModelTensors t;
  const double h = m.hidden_size;
  t.embedding.push_back({TensorRole::token_embedding, m.vocab_size, h});
  if (m.learned_positions > 0) t.embedding.push_back({TensorRole::position_embedding, m.learned_positions, h});

  add_attention(m, t.dense_layer);
  if (norm_size(m) > 0) t.dense_layer.push_back({TensorRole::vector, m.norms_per_layer * norm_size(m), 1});
  t.moe_layer = t.dense_layer;  // same attention and norms
  add_mlp(m, m.intermediate_size, 1, false, t.dense_layer);

  if (m.is_moe()) {
    t.moe_layer.push_back({TensorRole::router, h, m.num_experts});
    if (m.router_bias) t.moe_layer.push_back({TensorRole::vector, m.num_experts, 1});
    add_mlp(m, m.moe_intermediate_size, m.num_experts, true, t.moe_layer);
    if (m.shared_experts > 0) add_mlp(m, m.shared_intermediate_size, m.shared_experts, false, t.moe_layer);
    if (m.shared_expert_gate) t.moe_layer.push_back({TensorRole::router, h, 1});
    t.moe_layers = m.moe_layers();
  } else {
    t.moe_layer.clear();
  }
  t.dense_layers = m.num_layers - t.moe_layers;

  if (norm_size(m) > 0) t.head.push_back({TensorRole::vector, norm_size(m), 1});
  if (!m.tied_embeddings) t.head.push_back({TensorRole::lm_head, h, m.vocab_size});
  return t;
}

double sum_params(const Tensors& ts, const ModelConfig& m, bool active) {
  double n = 0;
  for (const auto& t : ts) {
    double count = (active && t.routed) ? m.experts_per_token : t.count;
    n += t.rows * t.cols * count;
  }
  return n;
}

double sum_routed(const Tensors& ts) {
  double n = 0;
  for (const auto& t : ts)
    if (t.routed) n += t.elements();
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

}  // namespace detail

ParamCounts count_params(const ModelConfig& m) {
  using namespace detail;
  const ModelTensors t = model_tensors(m);
  ParamCounts c;
  for (bool active : {false, true}) {
    double n = sum_params(t.embedding, m, active) + sum_params(t.head, m, active) +
               t.dense_layers * sum_params(t.dense_layer, m, active) +
               t.moe_layers * sum_params(t.moe_layer, m, active);
    (active ? c.active : c.total) = n;
  }
  const double h = m.hidden_size;
  c.seed_formula = h * m.vocab_size + m.num_layers * (12 * h * h + 13 * h) + 2 * h;
  return c;
}

}  // namespace memcalc
