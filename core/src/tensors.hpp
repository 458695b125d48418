// The weight tensors of a model, grouped the way memory is placed: the first pipeline stage
// holds the embeddings, every stage holds whole layers, the last holds the final norm and head.
// Identical layers share one tensor list (a "kind"). One enumeration serves parameter counts,
// LoRA adapter sizes, Adafactor's factored state, QLoRA's quantized share, checkpoint formats and
// the GGUF per-tensor types.
#pragma once

#include <cstddef>
#include <vector>

#include "memcalc/model.hpp"

namespace memcalc::detail {

enum class TensorRole {
  token_embedding, position_embedding, lm_head,
  attn_q, attn_k, attn_v, attn_o, attn_q_a, attn_q_b, attn_kv_a, attn_kv_b,
  attn_qkv,  // q, k and v in one matrix (GPT-2 c_attn, Phi-3 qkv_proj)
  mlp_gate, mlp_up, mlp_down, router,
  mlp_gate_up,  // gate and up in one matrix (Phi-3 gate_up_proj)
  indexer,      // the DSA lightning indexer's projections
  rec_in,       // a recurrent mixer's input projections (in_proj, q/k/v/gate projections)
  rec_out,      // a recurrent mixer's output projection
  rec_small,    // causal-conv weights and per-head constants: small, never quantized
  encoder,      // vision and audio towers (and their projectors): kept in 16 bits
  mtp_proj,     // a multi-token-prediction module's input projection
  per_layer_embedding,  // Gemma 3n/4's per-layer embedding table: a lookup like the token embedding
  aux_linear,   // a model-level projection outside the layers (Gemma's per-layer-input projection)
  vector,       // norms and biases: 1-D
};

struct Tensor {
  TensorRole role;
  double rows;          // input features (or table rows for embeddings)
  double cols;          // output features; 1 for vectors
  double count = 1;     // identical copies (experts)
  bool routed = false;  // a routed expert: a token uses experts_per_token of num_experts
  std::uint32_t part = 0;  // KeptPart it belongs to (quantized checkpoints keep some parts in 16 bits)
  double elements() const { return rows * cols * count; }
  bool is_matrix() const { return role != TensorRole::vector && role != TensorRole::rec_small; }
  bool is_linear() const {  // a projection inside a layer (what LoRA and weight quantizers target)
    return role != TensorRole::vector && role != TensorRole::token_embedding &&
           role != TensorRole::position_embedding && role != TensorRole::lm_head &&
           role != TensorRole::router && role != TensorRole::rec_small && role != TensorRole::encoder &&
           role != TensorRole::per_layer_embedding && role != TensorRole::aux_linear;
  }
};

using Tensors = std::vector<Tensor>;

struct ModelTensors {
  Tensors embedding;                      // token (and position) embeddings
  std::vector<Tensors> kinds;             // one list per distinct layer
  std::vector<const Layer*> kind_layer;   // the layer each kind describes
  std::vector<double> kind_count;         // how many layers of each kind
  const std::vector<std::size_t>* layer_kind = nullptr;  // the kind of each layer, in order (the model's)
  Tensors head;                           // final norm, and the output projection when untied
  Tensors encoders;                       // vision and audio towers
  Tensors mtp;                            // multi-token-prediction modules
  double experts_per_token = 0;           // for active counts
  // The weights' bytes for the last weight type asked: an estimate's searches ask for the same one.
  struct WeightsMemo {
    int dtype = -1;
    double bytes = 0, quantized = 0, kept16 = 0;
  };
  mutable WeightsMemo weights_memo;
};

ModelTensors model_tensors(const ModelConfig& m);

// The tensors of one layer, in the order the Hugging Face modules hold them.
void layer_tensors(const ModelConfig& m, const Layer& layer, Tensors& out);

// Sums over a group. `active` counts routed experts experts_per_token times instead of all of them.
double sum_params(const Tensors& ts, double experts_per_token, bool active = false);
double sum_linear(const Tensors& ts);
double sum_vectors(const Tensors& ts);
// Adafactor keeps row and column statistics for a matrix, the full vector otherwise.
double sum_adafactor_state(const Tensors& ts);
// Σ (rows + cols) over the linear projections: a rank-r LoRA adds r times this.
double sum_lora_dims(const Tensors& ts);
// Σ over every layer: f(kind tensors) × layers of that kind.
template <typename F> double over_layers(const ModelTensors& t, F&& f) {
  double n = 0;
  for (std::size_t k = 0; k < t.kinds.size(); ++k) n += t.kind_count[k] * f(t.kinds[k]);
  return n;
}

}  // namespace memcalc::detail
