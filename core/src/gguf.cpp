// GGUF weight sizes.
// Block sizes: ggml/src/ggml-common.h (llama.cpp @01243c5): Q8_0 34 B/32, Q4_0 18/32, Q5_0 22/32,
//   Q5_1 24/32, Q2_K 84/256, Q3_K 110/256, Q4_K 144/256, Q5_K 176/256, Q6_K 210/256.
// Per-tensor types: llama_tensor_get_type in src/llama-quant.cpp (llama.cpp @007dbbf): the output
//   (or tied embedding) goes to Q6_K (Q8_0 for q8_0); attn_v and ffn_down of the layers picked by
//   use_more_bits go up a type in q4_k_m/q5_k_m; q3_k_m and q2_k raise attn_v, attn_output and
//   ffn_down; 8-expert models keep attn_k/attn_v at Q8_0; the 80-layer GQA "70B" models raise attn_v;
//   a fused attn_qkv (GPT-2, Phi-3) goes to Q4_K in q3_k_m, Q5_K in q4_k_m, Q6_K in q5_k_m;
//   rows whose length is not a multiple of the block fall back (Q6_K→Q8_0, Q4_K→Q5_0, ...).
// Norms, biases, routers and learned positions stay F32 (never quantized).
// Checked against tools/quantize/README.md: Llama-3.1-8B q4_k_m 4.8944 bpw, q2_k 3.1593, ...
#include "gguf.hpp"
#include "weights.hpp"

namespace memcalc::detail {

namespace {

enum class Block { f32, f16, q8_0, q4_0, q5_0, q5_1, q2_k, q3_k, q4_k, q5_k, q6_k };

struct BlockSize {
  double weights;
  double bytes;
};

BlockSize block_size(Block b) {
  switch (b) {
    case Block::f32: return {1, 4};
    case Block::f16: return {1, 2};
    case Block::q8_0: return {32, 34};
    case Block::q4_0: return {32, 18};
    case Block::q5_0: return {32, 22};
    case Block::q5_1: return {32, 24};
    case Block::q2_k: return {256, 84};
    case Block::q3_k: return {256, 110};
    case Block::q4_k: return {256, 144};
    case Block::q5_k: return {256, 176};
    case Block::q6_k: return {256, 210};
  }
  return {1, 4};
}

Block default_block(WeightDtype w) {
  switch (w) {
    case WeightDtype::q8_0: return Block::q8_0;
    case WeightDtype::q6_k: return Block::q6_k;
    case WeightDtype::q5_k_m: return Block::q5_k;
    case WeightDtype::q4_k_m: return Block::q4_k;
    case WeightDtype::q4_0: return Block::q4_0;
    case WeightDtype::q3_k_m: return Block::q3_k;
    case WeightDtype::q2_k: return Block::q2_k;
    default: return Block::f16;
  }
}

// tensor_type_fallback: a row length the block does not divide takes a 32-block type, or F16.
Block fallback(Block b, double row) {
  auto divides = [row](Block x) {
    const double n = block_size(x).weights;
    return row / n == static_cast<double>(static_cast<long long>(row / n));
  };
  if (divides(b)) return b;
  Block r = b;
  switch (b) {
    case Block::q2_k:
    case Block::q3_k: r = Block::q4_0; break;
    case Block::q4_k: r = Block::q5_0; break;
    case Block::q5_k: r = Block::q5_1; break;
    case Block::q6_k: r = Block::q8_0; break;
    default: break;
  }
  return divides(r) ? r : Block::f16;
}

bool use_more_bits(long long i, long long n) {
  return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

struct Rules {
  WeightDtype ftype;
  Block base;
  long long n_layers;
  long long n_gqa;
  bool eight_experts;
  bool is_70b;

  Block output() const { return ftype == WeightDtype::q8_0 ? Block::q8_0 : Block::q6_k; }

  Block attn_v(long long i) const {
    Block t = base;
    if (ftype == WeightDtype::q2_k) t = n_gqa >= 4 ? Block::q4_k : Block::q3_k;
    else if (ftype == WeightDtype::q3_k_m) t = i < 2 ? Block::q5_k : Block::q4_k;
    else if ((ftype == WeightDtype::q4_k_m || ftype == WeightDtype::q5_k_m) && use_more_bits(i, n_layers)) t = Block::q6_k;
    if (is_70b && (t == Block::q3_k || t == Block::q4_k)) t = Block::q5_k;
    if (eight_experts) t = Block::q8_0;
    return t;
  }
  Block attn_k() const { return eight_experts ? Block::q8_0 : base; }
  Block attn_qkv() const {
    if (ftype == WeightDtype::q3_k_m) return Block::q4_k;
    if (ftype == WeightDtype::q4_k_m) return Block::q5_k;
    if (ftype == WeightDtype::q5_k_m) return Block::q6_k;
    return base;
  }
  Block attn_output() const {
    if (eight_experts)
      return (ftype == WeightDtype::q2_k || ftype == WeightDtype::q3_k_m || ftype == WeightDtype::q4_k_m) ? Block::q5_k : base;
    if (ftype == WeightDtype::q2_k) return Block::q3_k;
    if (ftype == WeightDtype::q3_k_m) return Block::q4_k;
    return base;
  }
  Block ffn_down(long long i) const {
    if (ftype == WeightDtype::q2_k) return Block::q3_k;
    if (ftype == WeightDtype::q3_k_m) return i < n_layers / 16 ? Block::q5_k : Block::q4_k;
    if ((ftype == WeightDtype::q4_k_m || ftype == WeightDtype::q5_k_m) && use_more_bits(i, n_layers)) return Block::q6_k;
    return base;
  }
};

// GGUF's row length (ne0) is a matrix's input width, and an embedding table's row width.
double row_length(const Tensor& t) {
  return (t.role == TensorRole::token_embedding || t.role == TensorRole::position_embedding) ? t.cols : t.rows;
}

double tensor_bytes(const Tensor& t, Block b) {
  const BlockSize bs = block_size(b);
  return t.elements() / bs.weights * bs.bytes;
}

}  // namespace

bool is_gguf(WeightDtype w) { return default_block(w) != Block::f16; }

double gguf_model_bytes(const ModelConfig& m, const ModelTensors& t, WeightDtype w, WeightSplit* split) {
  const auto n_layers = static_cast<long long>(m.num_layers);
  const Rules rules{w,
                    default_block(w),
                    n_layers,
                    static_cast<long long>(m.num_kv_heads > 0 ? m.num_heads / m.num_kv_heads : 1),
                    m.num_experts == 8,
                    n_layers == 80 && m.num_kv_heads != m.num_heads &&
                        (m.model_type == "llama" || m.model_type == "mistral" || m.model_type == "qwen2")};

  auto typed = [&](const Tensor& x, long long layer) {
    Block b = rules.base;
    switch (x.role) {
      case TensorRole::vector:
      case TensorRole::router:
      case TensorRole::rec_small:
      case TensorRole::position_embedding: return tensor_bytes(x, Block::f32);
      case TensorRole::encoder: return tensor_bytes(x, Block::f16);  // a separate mmproj file, in F16
      case TensorRole::token_embedding: b = m.tied_embeddings ? rules.output() : rules.base; break;
      case TensorRole::lm_head: b = rules.output(); break;
      case TensorRole::attn_v:
      case TensorRole::attn_kv_b: b = rules.attn_v(layer); break;
      case TensorRole::attn_k: b = rules.attn_k(); break;
      case TensorRole::attn_qkv: b = rules.attn_qkv(); break;
      case TensorRole::attn_o: b = rules.attn_output(); break;
      case TensorRole::mlp_down: b = rules.ffn_down(layer); break;
      default: break;
    }
    return tensor_bytes(x, fallback(b, row_length(x)));
  };

  double bytes = 0;
  for (const auto& x : t.embedding) bytes += typed(x, -1);
  if (split) split->input = bytes;
  for (const auto& x : t.head) {
    const double b = typed(x, -1);
    bytes += b;
    if (split) split->output += b;
  }
  if (split && m.tied_embeddings)  // llama.cpp loads the tied output as a duplicate of token_embd
    for (const auto& x : t.embedding)
      if (x.role == TensorRole::token_embedding) split->output += typed(x, -1);
  for (std::size_t l = 0; l < t.layer_kind->size(); ++l) {
    LayerBytes lb;
    for (const auto& x : t.kinds[(*t.layer_kind)[l]]) {
      const double b = typed(x, static_cast<long long>(l));
      lb.total += b;
      if (x.routed) lb.experts += b;
    }
    bytes += lb.total;
    if (split) split->layers.push_back(lb);
  }
  return bytes;
}

}  // namespace memcalc::detail
