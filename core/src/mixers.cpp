// Token mixers: weights, KV per token and recurrent state.
//
// Weights follow the Hugging Face modules: LlamaAttention / Qwen3NextAttention (q_proj doubled
// by attn_output_gate) / GptOssAttention (biases, sinks); DeepseekV3Attention (MLA) and the
// DeepSeek-V3.2 Indexer (wq_b, wk, k_norm, weights_proj: inference/model.py);
// Qwen3NextGatedDeltaNet (in_proj_qkvz, in_proj_ba, conv1d, dt_bias, A_log, norm, out_proj);
// MambaMixer2 / NemotronHMamba2Mixer (in_proj, conv1d, dt_bias, A_log, D, norm, out_proj);
// JambaMambaMixer (in_proj, conv1d, x_proj, dt_proj, A_log, D, out_proj, dt/B/C norms);
// KimiDeltaAttention (q/k/v_proj, q/k/v_conv1d, f_a/f_b, g_a/g_b, b_proj, A_log, dt_bias, o_norm,
// o_proj); MiniMaxText01LightningAttention (qkv_proj, output_gate, norm, out_proj); Lfm2ShortConv
// (in_proj, conv, out_proj).
// KV per token: 2·g·d (K and V) per layer, GQA KV heads split over tp but never below one
// (vLLM AttentionSpec.real_page_size_bytes); MLA (kv_lora_rank + qk_rope_head_dim), replicated
// (MLAAttentionSpec). Recurrent state: architectures-2026.md §2.3, from vLLM
// MambaStateShapeCalculator (mamba1/mamba2/gated_delta_net/kda/linear_attention/short_conv).
#include "mixers.hpp"

#include <algorithm>
#include <cmath>

namespace memcalc::detail {

namespace {

void attention_tensors(const ModelConfig& m, const Mixer& x, Tensors& out) {
  const double h = m.hidden_size, a = x.heads, g = x.kv_heads, d = x.head_dim, dv = x.v_head_dim;
  const std::uint32_t part = kept_attention;
  if (m.fused_qkv && !x.output_gate && !x.k_eq_v && dv == d) {
    out.push_back({TensorRole::attn_qkv, h, (a + 2 * g) * d, 1, false, part});
  } else {
    out.push_back({TensorRole::attn_q, h, a * d * (x.output_gate ? 2 : 1), 1, false, part});
    out.push_back({TensorRole::attn_k, h, g * d, 1, false, part});
    if (!x.k_eq_v) out.push_back({TensorRole::attn_v, h, g * dv, 1, false, part});
  }
  out.push_back({TensorRole::attn_o, a * dv, h, 1, false, part});
  if (m.qkv_bias) out.push_back({TensorRole::vector, a * d + g * d + (x.k_eq_v ? 0 : g * dv), 1});
  if (m.o_bias) out.push_back({TensorRole::vector, h, 1});
  if (m.qk_norm == QkNorm::per_head) out.push_back({TensorRole::vector, 2 * d, 1});
  if (m.qk_norm == QkNorm::full) out.push_back({TensorRole::vector, (a + g) * d, 1});
  if (x.sinks) out.push_back({TensorRole::vector, a, 1});
}

void mla_tensors(const ModelConfig& m, const Mixer& x, Tensors& out) {
  const double h = m.hidden_size, a = x.heads;
  const double qk = x.qk_nope_head_dim + x.qk_rope_head_dim;
  const std::uint32_t part = kept_attention;
  if (x.q_lora_rank > 0) {
    out.push_back({TensorRole::attn_q_a, h, x.q_lora_rank, 1, false, part});
    out.push_back({TensorRole::vector, x.q_lora_rank, 1});  // q_a_layernorm
    out.push_back({TensorRole::attn_q_b, x.q_lora_rank, a * qk, 1, false, part});
  } else {
    out.push_back({TensorRole::attn_q, h, a * qk, 1, false, part});
  }
  out.push_back({TensorRole::attn_kv_a, h, x.kv_lora_rank + x.qk_rope_head_dim, 1, false, part});
  out.push_back({TensorRole::vector, x.kv_lora_rank, 1});  // kv_a_layernorm
  out.push_back({TensorRole::attn_kv_b, x.kv_lora_rank, a * (x.qk_nope_head_dim + x.v_head_dim), 1, false, part});
  out.push_back({TensorRole::attn_o, a * x.v_head_dim, h, 1, false, part});
  if (x.index_heads > 0) {
    const double q_in = x.q_lora_rank > 0 ? x.q_lora_rank : h;
    out.push_back({TensorRole::indexer, q_in, x.index_heads * x.index_head_dim, 1, false, part});  // wq_b
    out.push_back({TensorRole::indexer, h, x.index_head_dim, 1, false, part});                     // wk
    out.push_back({TensorRole::vector, 2 * x.index_head_dim, 1});                                   // k_norm (LayerNorm)
    out.push_back({TensorRole::indexer, h, x.index_heads, 1, false, part});                         // weights_proj
  }
}

void recurrent_tensors(const ModelConfig& m, const Mixer& x, Tensors& out) {
  const double h = m.hidden_size;
  const std::uint32_t part = kept_recurrent;
  auto in = [&](double cols) { out.push_back({TensorRole::rec_in, h, cols, 1, false, part}); };
  auto small = [&](double n) { out.push_back({TensorRole::rec_small, n, 1}); };
  auto vec = [&](double n) { out.push_back({TensorRole::vector, n, 1}); };
  auto out_proj = [&](double rows) { out.push_back({TensorRole::rec_out, rows, h, 1, false, part}); };
  switch (x.kind) {
    case MixerKind::gated_deltanet: {
      const double key = x.key_heads * x.key_head_dim, value = x.rec_heads * x.rec_head_dim;
      in(2 * key + 2 * value);            // in_proj_qkvz
      in(2 * x.rec_heads);                // in_proj_ba
      small((2 * key + value) * x.conv_kernel);  // depthwise conv1d, no bias
      small(2 * x.rec_heads);             // dt_bias, A_log
      vec(x.rec_head_dim);                // gated RMSNorm over a head
      out_proj(value);
      break;
    }
    case MixerKind::mamba2: {
      const double inner = x.rec_heads * x.rec_head_dim;
      const double conv = inner + 2 * x.key_heads * x.key_head_dim;
      in(inner + conv + x.rec_heads);     // in_proj: z, x·B·C, dt
      if (x.proj_bias) vec(inner + conv + x.rec_heads);
      small(conv * x.conv_kernel + (x.conv_bias ? conv : 0));
      small(3 * x.rec_heads);             // dt_bias, A_log, D
      if (x.gated_norm) vec(inner);       // gated RMSNorm
      out_proj(inner);
      if (x.proj_bias) vec(h);
      break;
    }
    case MixerKind::mamba1: {
      const double inner = x.d_inner, n = x.key_head_dim;
      in(2 * inner);                      // in_proj: x and z
      if (x.proj_bias) vec(2 * inner);
      small(inner * x.conv_kernel + (x.conv_bias ? inner : 0));
      out.push_back({TensorRole::rec_in, inner, x.dt_rank + 2 * n, 1, false, part});  // x_proj
      out.push_back({TensorRole::rec_in, x.dt_rank, inner, 1, false, part});          // dt_proj
      vec(inner);                         // dt_proj bias
      small(inner * n + inner);           // A_log, D
      vec(x.dt_rank + 2 * n);             // Jamba's dt, B and C norms
      out_proj(inner);
      if (x.proj_bias) vec(h);
      break;
    }
    case MixerKind::kda: {
      const double key = x.key_heads * x.key_head_dim, value = x.rec_heads * x.rec_head_dim;
      in(key);                            // q_proj
      in(key);                            // k_proj
      in(value);                          // v_proj
      small((2 * key + value) * x.conv_kernel);  // q/k/v short convs
      in(x.rec_head_dim);                 // f_a_proj (low-rank decay)
      out.push_back({TensorRole::rec_in, x.rec_head_dim, key, 1, false, part});  // f_b_proj
      in(x.rec_heads);                    // b_proj
      small(x.rec_heads + key);           // A_log, dt_bias
      in(x.rec_head_dim);                 // g_a_proj (low-rank output gate)
      out.push_back({TensorRole::rec_in, x.rec_head_dim, value, 1, false, part});  // g_b_proj
      vec(x.rec_head_dim);                // o_norm
      out_proj(value);
      break;
    }
    case MixerKind::linear_attention: {
      const double inner = x.rec_heads * x.rec_head_dim;
      in(3 * inner);                      // qkv_proj
      in(inner);                          // output_gate
      vec(inner);                         // norm
      out_proj(inner);
      break;
    }
    case MixerKind::short_conv: {
      in(3 * x.d_inner);                  // in_proj: B, C, x
      if (x.proj_bias) vec(3 * x.d_inner);
      small(x.d_inner * x.conv_kernel);
      out_proj(x.d_inner);
      if (x.proj_bias) vec(h);
      break;
    }
    default: break;
  }
}

}  // namespace

void mixer_tensors(const ModelConfig& m, const Mixer& x, Tensors& out) {
  if (x.kind == MixerKind::attention) attention_tensors(m, x, out);
  else if (x.kind == MixerKind::mla) mla_tensors(m, x, out);
  else recurrent_tensors(m, x, out);
}

double kv_elements_per_token(const Mixer& x, double tp) {
  if (!x.holds_kv()) return 0;
  if (x.kind == MixerKind::mla) return x.kv_lora_rank + x.qk_rope_head_dim;
  return std::max(1.0, x.kv_heads / tp) * (x.head_dim + x.v_head_dim);
}

double cached_tokens(const Mixer& x, double tokens) {
  return x.span == AttentionSpan::full || x.window <= 0 ? tokens : std::min(tokens, x.window);
}

double indexer_bytes_per_token(const Mixer& x) {
  if (x.index_heads <= 0 || x.kv_shared) return 0;
  return x.index_head_dim + std::ceil(x.index_head_dim / 128) * 4;
}

RecurrentState recurrent_state(const Mixer& x, double tp) {
  RecurrentState s;
  const double K1 = std::max(0.0, x.conv_kernel - 1);
  switch (x.kind) {
    case MixerKind::gated_deltanet:
    case MixerKind::mamba2:
    case MixerKind::kda:
      // One shape for the three: the convolution runs over q and k (key heads, Mamba-2's B and C) and
      // v (value heads, Mamba-2's x); the state is value × key per head.
      s.conv = K1 * (x.rec_heads * x.rec_head_dim + 2 * x.key_heads * x.key_head_dim);
      s.ssm = x.rec_heads * x.rec_head_dim * x.key_head_dim;
      break;
    case MixerKind::mamba1:
      s.conv = K1 * x.d_inner;
      s.ssm = x.d_inner * x.key_head_dim;
      break;
    case MixerKind::linear_attention:
      s.ssm = x.rec_heads * x.rec_head_dim * x.rec_head_dim;
      break;
    case MixerKind::short_conv:
      s.conv = K1 * x.d_inner;
      break;
    default: break;
  }
  s.conv /= tp;
  s.ssm /= tp;
  return s;
}

bool state_always_fp32(const Mixer& x) {
  return x.kind == MixerKind::kda || x.kind == MixerKind::linear_attention;
}

MixerWidths mixer_widths(const Mixer& x) {
  MixerWidths w;
  switch (x.kind) {
    case MixerKind::attention:
      w.in = x.heads * x.head_dim * (x.output_gate ? 2 : 1) + x.kv_heads * (x.head_dim + x.v_head_dim);
      w.core = w.out = x.heads * x.v_head_dim;
      break;
    case MixerKind::mla:
      w.in = x.heads * (x.qk_nope_head_dim + x.qk_rope_head_dim) * 2 + x.heads * x.v_head_dim;
      w.core = w.out = x.heads * x.v_head_dim;
      break;
    case MixerKind::gated_deltanet:
      w.in = 2 * x.key_heads * x.key_head_dim + 2 * x.rec_heads * x.rec_head_dim + 2 * x.rec_heads;
      w.core = w.out = x.rec_heads * x.rec_head_dim;
      break;
    case MixerKind::mamba2: {
      const double inner = x.rec_heads * x.rec_head_dim;
      w.in = 2 * inner + 2 * x.key_heads * x.key_head_dim + x.rec_heads;
      w.core = w.out = inner;
      break;
    }
    case MixerKind::mamba1:
      w.in = 2 * x.d_inner + x.dt_rank + 2 * x.key_head_dim;
      w.core = w.out = x.d_inner;
      break;
    case MixerKind::kda:
      w.in = 2 * x.key_heads * x.key_head_dim + 2 * x.rec_heads * x.rec_head_dim + x.rec_heads;
      w.core = w.out = x.rec_heads * x.rec_head_dim;
      break;
    case MixerKind::linear_attention:
      w.in = 4 * x.rec_heads * x.rec_head_dim;
      w.core = w.out = x.rec_heads * x.rec_head_dim;
      break;
    case MixerKind::short_conv:
      w.in = 3 * x.d_inner;
      w.core = w.out = x.d_inner;
      break;
  }
  return w;
}

}  // namespace memcalc::detail
