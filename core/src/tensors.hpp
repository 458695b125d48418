// The weight tensors of a model, grouped the way memory is placed: the first pipeline stage
// holds the embeddings, every stage holds whole layers, the last holds the final norm and head.
// One enumeration serves parameter counts, LoRA adapter sizes, Adafactor's factored state,
// QLoRA's quantized share and the GGUF per-tensor types.
#pragma once

#include <vector>

#include "memcalc/model.hpp"

namespace memcalc::detail {

enum class TensorRole {
  token_embedding, position_embedding, lm_head,
  attn_q, attn_k, attn_v, attn_o, attn_q_a, attn_q_b, attn_kv_a, attn_kv_b,
  attn_qkv,  // q, k and v in one matrix (GPT-2 c_attn, Phi-3 qkv_proj)
  mlp_gate, mlp_up, mlp_down, router,
  mlp_gate_up,  // gate and up in one matrix (Phi-3 gate_up_proj)
  vector,  // norms and biases: 1-D
};

struct Tensor {
  TensorRole role;
  double rows;          // input features (or table rows for embeddings)
  double cols;          // output features; 1 for vectors
  double count = 1;     // identical copies (experts)
  bool routed = false;  // a routed expert: a token uses experts_per_token of num_experts
  double elements() const { return rows * cols * count; }
  bool is_matrix() const { return role != TensorRole::vector; }
  bool is_linear() const {  // a projection inside a layer (what LoRA and weight quantizers target)
    return role != TensorRole::vector && role != TensorRole::token_embedding &&
           role != TensorRole::position_embedding && role != TensorRole::lm_head &&
           role != TensorRole::router;
  }
};

using Tensors = std::vector<Tensor>;

struct ModelTensors {
  Tensors embedding;    // token (and position) embeddings
  Tensors dense_layer;  // one dense layer
  Tensors moe_layer;    // one MoE layer (empty for dense models)
  Tensors head;         // final norm, and the output projection when untied
  double dense_layers = 0;
  double moe_layers = 0;
};

ModelTensors model_tensors(const ModelConfig& m);

// Sums over a group. `active` counts routed experts experts_per_token times instead of num_experts.
double sum_params(const Tensors& ts, const ModelConfig& m, bool active = false);
double sum_routed(const Tensors& ts);
double sum_linear(const Tensors& ts);
double sum_vectors(const Tensors& ts);
// Adafactor keeps row and column statistics for a matrix, the full vector otherwise.
double sum_adafactor_state(const Tensors& ts);
// Σ (rows + cols) over the linear projections: a rank-r LoRA adds r times this.
double sum_lora_dims(const Tensors& ts);

}  // namespace memcalc::detail
