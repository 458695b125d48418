// Stored weight bytes per tensor, per format (architectures-2026.md §2.6):
//   mxfp4: 32 FP4 values + one E8M0 scale = 17 B per 32 weights, 4.25 bits (ggml block_mxfp4;
//     gpt-oss *_blocks + *_scales), on the MoE experts only (transformers Mxfp4HfQuantizer).
//   fp8_block: 1 B per weight + one fp32 weight_scale_inv per 128×128 block, blocks zero-padded
//     (DeepSeek-V3 README_WEIGHTS.md).
//   fp8: 1 B per weight + one fp32 scale per tensor.
//   nvfp4: 4 bits + one FP8 scale per 16 weights (4.5 bits) + fp32 weight and input global scales per
//     tensor (compressed-tensors nvfp4-pack-quantized: weight_packed, weight_scale, weight_global_scale,
//     input_global_scale).
//   gptq: qweight bits/8 B per weight, per group of group_size input rows an fp16 scale and a packed
//     zero per output column, and g_idx (int32 per input row) (AutoGPTQ/GPTQModel layout).
//   awq: qweight, and per group an fp16 scale and a packed zero per output column (AutoAWQ GEMM).
//   bnb_4bit: 4 bits + an fp32 absmax per 64 (double quantization: 8 bits per 64 + fp32 per 256
//     blocks; Dettmers et al. 2023 §3); bnb_8bit: 1 B + an fp32 scale per output row (LLM.int8()).
// Embeddings, the output layer, norms, routers, conv weights and what quantization_config lists
// in modules_to_not_convert / ignore stay in the checkpoint's dtype.
#include "weights.hpp"

#include <cmath>

#include "breakdown.hpp"
#include "gguf.hpp"

namespace memcalc::detail {

namespace {

constexpr double kInt4Bits = 4.0 + 16.0 / 128.0;  // "int4": fp16 scale per 128 weights

double dense_bytes_of(WeightFormat f) { return f == WeightFormat::f32 ? 4 : 2; }

}  // namespace

Storage storage_of(const ModelConfig& m, WeightDtype w) {
  Storage s;
  s.dense_bytes = 2;
  switch (w) {
    case WeightDtype::auto_: {
      const Checkpoint& c = m.checkpoint;
      s.format = c.format;
      s.dense_bytes = dense_bytes_of(c.dense_format);
      s.bits = c.bits;
      s.group_size = c.group_size;
      s.zero_points = c.zero_points;
      s.act_order_index = c.act_order_index;
      s.double_quant = c.double_quant;
      s.experts_only = c.experts_only;
      if (c.format == WeightFormat::f32 || c.format == WeightFormat::f16 || c.format == WeightFormat::bf16)
        s.dense_bytes = dense_bytes_of(c.format);
      return s;
    }
    case WeightDtype::fp32: s.format = WeightFormat::f32; s.dense_bytes = 4; break;
    case WeightDtype::fp16: s.format = WeightFormat::f16; break;
    case WeightDtype::bf16: s.format = WeightFormat::bf16; break;
    case WeightDtype::fp8: s.format = WeightFormat::fp8; break;
    case WeightDtype::fp8_block: s.format = WeightFormat::fp8_block; s.group_size = 128; break;
    case WeightDtype::mxfp4: s.format = WeightFormat::mxfp4; s.group_size = 32; s.experts_only = m.is_moe(); break;
    case WeightDtype::nvfp4: s.format = WeightFormat::nvfp4; s.group_size = 16; break;
    case WeightDtype::gptq_int4:
      s.format = WeightFormat::gptq, s.bits = 4, s.group_size = 128, s.zero_points = true, s.act_order_index = true;
      break;
    case WeightDtype::awq_int4: s.format = WeightFormat::awq, s.bits = 4, s.group_size = 128, s.zero_points = true; break;
    default: break;  // int8, int4, nf4 and the GGUF types are handled by their own rules
  }
  return s;
}

std::string storage_name(const ModelConfig& m, WeightDtype w) {
  return w == WeightDtype::auto_ ? std::string("auto: ") + weight_format_name(m.checkpoint.format) : std::string(enum_name(w));
}

bool is_quantized(const Tensor& t, const Storage& s, std::uint32_t kept) {
  if (s.format == WeightFormat::f32 || s.format == WeightFormat::f16 || s.format == WeightFormat::bf16) return false;
  return t.is_linear() && !(t.part & kept) && !(s.experts_only && !t.routed);
}

double stored_bytes(const Tensor& t, const Storage& s, std::uint32_t kept) {
  const double n = t.elements();
  if (!is_quantized(t, s, kept)) return s.dense_bytes * n;
  const double rows = t.rows, cols = t.cols, copies = t.count;
  switch (s.format) {
    case WeightFormat::fp8: return n + 4 * copies;
    case WeightFormat::fp8_block: return n + 4 * std::ceil(rows / 128) * std::ceil(cols / 128) * copies;
    case WeightFormat::mxfp4: return n * 17 / 32;
    case WeightFormat::nvfp4: return n * (0.5 + 1.0 / 16) + 8 * copies;
    case WeightFormat::gptq:
    case WeightFormat::awq: {
      const double groups = s.group_size > 0 ? std::ceil(rows / s.group_size) : 1;
      const double per_group = 2 + (s.zero_points ? s.bits / 8 : 0);  // fp16 scale (+ packed zero) per column
      return n * s.bits / 8 + groups * cols * per_group * copies + (s.act_order_index ? 4 * rows * copies : 0);
    }
    case WeightFormat::bnb_4bit: return n * (s.double_quant ? kNf4DqBits : 4.5) / 8;
    case WeightFormat::bnb_8bit: return n + 4 * cols * copies;
    default: return s.dense_bytes * n;
  }
}

WeightTally language_model_weights(const ModelConfig& m, const ModelTensors& t, WeightDtype w) {
  ModelTensors::WeightsMemo& memo = t.weights_memo;
  if (memo.dtype == static_cast<int>(w)) return {memo.bytes, memo.quantized, memo.kept16};
  const WeightTally tally = count_weights(m, t, w);
  memo = {static_cast<int>(w), tally.bytes, tally.quantized, tally.kept16};
  return tally;
}

WeightTally count_weights(const ModelConfig& m, const ModelTensors& t, WeightDtype w) {
  WeightTally tally;
  if (m.files.present() && w == WeightDtype::auto_) {  // the checkpoint's own bytes, read from its headers
    tally.bytes = m.files.language_model();
    return tally;
  }
  if (is_gguf(w)) {
    tally.bytes = gguf_model_bytes(m, t, w);
    return tally;
  }
  // The first release's simple rules: the linear projections at the type's bits, the rest at 16.
  const bool simple = w == WeightDtype::int8 || w == WeightDtype::int4 || w == WeightDtype::nf4;
  const double simple_bits = w == WeightDtype::int8 ? 8 : w == WeightDtype::int4 ? kInt4Bits : kNf4DqBits;
  const Storage s = storage_of(m, w);
  auto add = [&](const Tensors& ts, double copies, std::uint32_t kept) {
    for (const auto& x : ts) {
      const double n = x.elements() * copies;
      if (simple) {
        const bool q = x.is_linear();
        tally.bytes += n * (q ? simple_bits / 8 : 2);
        (q ? tally.quantized : tally.kept16) += n;
        continue;
      }
      tally.bytes += stored_bytes(x, s, kept) * copies;
      (is_quantized(x, s, kept) ? tally.quantized : tally.kept16) += n;
    }
  };
  add(t.embedding, 1, 0);
  for (std::size_t k = 0; k < t.kinds.size(); ++k) add(t.kinds[k], t.kind_count[k], t.kind_layer[k]->kept);
  add(t.head, 1, 0);
  return tally;
}

WeightSplit weight_split(const ModelConfig& m, const ModelTensors& t, WeightDtype w) {
  WeightSplit split;
  if (m.files.present() && w == WeightDtype::auto_) {
    split.input = m.files.embedding + m.files.other;
    split.output = m.files.head;
    for (std::size_t i = 0; i < m.files.layers.size(); ++i) split.layers.push_back({m.files.layers[i], m.files.layer_experts[i]});
    return split;
  }
  if (is_gguf(w)) {
    gguf_model_bytes(m, t, w, &split);
    return split;
  }
  const Storage s = storage_of(m, w);
  for (const auto& x : t.embedding) split.input += stored_bytes(x, s, 0);
  for (const auto& x : t.head) split.output += stored_bytes(x, s, 0);
  if (m.tied_embeddings)
    for (const auto& x : t.embedding)
      if (x.role == TensorRole::token_embedding) split.output += stored_bytes(x, s, 0);
  std::vector<LayerBytes> kinds(t.kinds.size());
  for (std::size_t k = 0; k < t.kinds.size(); ++k)
    for (const auto& x : t.kinds[k]) {
      const double b = stored_bytes(x, s, t.kind_layer[k]->kept);
      kinds[k].total += b;
      if (x.routed) kinds[k].experts += b;
    }
  for (std::size_t kind : *t.layer_kind) split.layers.push_back(kinds[kind]);
  return split;
}

double replicated_extra_bytes(const ModelConfig& m, const ModelTensors& t, WeightDtype w, double tp) {
  if (tp <= 1 || is_gguf(w)) return 0;
  const Storage s = storage_of(m, w);
  double extra = 0;
  for (std::size_t k = 0; k < t.kinds.size(); ++k) {
    const Layer& layer = *t.kind_layer[k];
    double kv_heads = 0;
    for (const Mixer& x : layer.mixers)
      if (x.kind == MixerKind::attention) kv_heads = x.kv_heads;
    double per_layer = 0;
    for (const auto& x : t.kinds[k]) {
      const double b = stored_bytes(x, s, layer.kept);
      if (x.role == TensorRole::vector || x.role == TensorRole::router || x.role == TensorRole::rec_small)
        per_layer += b - b / tp;
      else if ((x.role == TensorRole::attn_k || x.role == TensorRole::attn_v) && kv_heads > 0 && kv_heads < tp)
        per_layer += b / kv_heads - b / tp;
    }
    extra += t.kind_count[k] * per_layer;
  }
  for (const auto* group : {&t.embedding, &t.head})
    for (const auto& x : *group)
      if (x.role == TensorRole::vector) extra += stored_bytes(x, s, 0) * (1 - 1 / tp);
  return extra;
}

double kv_element_bytes(KvDtype k, const ModelConfig& m) {
  switch (k) {
    case KvDtype::auto_: return m.dtype_bytes >= 4 ? 4 : 2;
    case KvDtype::fp32: return 4;
    case KvDtype::fp16:
    case KvDtype::bf16: return 2;
    case KvDtype::fp8:
    case KvDtype::fp8_e4m3:
    case KvDtype::fp8_e5m2:
    case KvDtype::int8: return 1;
    case KvDtype::int4: return 0.5;
    case KvDtype::q8_0: return 34.0 / 32;
    case KvDtype::q4_0: return 18.0 / 32;
    case KvDtype::nvfp4: return 0.5 + 1.0 / 16;
  }
  return 2;
}

}  // namespace memcalc::detail
