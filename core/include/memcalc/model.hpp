// The shape of a decoder-only transformer, as the memory formulas need it, and where it comes from:
// a preset (core/presets/*.json) or a Hugging Face config.json read verbatim.
//
// All counts are plain numbers of elements (not bytes). Zero means "absent" for optional parts
// (no MoE: num_experts == 0; no MLA: kv_lora_rank == 0; no sliding window: sliding_window == 0).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "memcalc/issues.hpp"
#include "memcalc/json.hpp"

namespace memcalc {

enum class MlpKind { gated, plain };        // gated: SwiGLU/GeGLU, 3 matrices; plain: 2 matrices
enum class NormKind { rmsnorm, layernorm, nonparametric }; // layernorm: weight and bias; OLMo 1: none
enum class QkNorm { none, per_head, full }; // per_head: 2·head_dim (Qwen3, Gemma 3); full: (a+g)·d (OLMo 2)

struct ModelConfig {
  std::string id;      // preset id, or "custom"
  std::string name;    // display name
  std::string source;  // where the numbers came from
  std::string model_type;

  double vocab_size = 0;         // V
  double hidden_size = 0;        // h
  double num_layers = 0;         // L
  double num_heads = 0;          // a, query heads
  double num_kv_heads = 0;       // g; = a for MHA, 1 for MQA
  double head_dim = 0;           // d; not always h/a (Gemma, Qwen3)
  double intermediate_size = 0;  // f, dense MLP width
  MlpKind mlp = MlpKind::gated;
  NormKind norm = NormKind::rmsnorm;
  double norms_per_layer = 2;    // 4 for Gemma 2/3 (pre and post norms)
  QkNorm qk_norm = QkNorm::none;
  bool tied_embeddings = false;
  bool fused_qkv = false;        // q, k, v as one matrix (GPT-2 c_attn, Phi-3 qkv_proj): one tensor for
                                 //   Adafactor's factored state, LoRA and GGUF's attn_qkv
  bool fused_gate_up = false;    // gate and up as one matrix (Phi-3 gate_up_proj)
  bool qkv_bias = false;         // biases on q, k, v (Qwen2, GPT-2)
  bool o_bias = false;           // bias on the attention output projection (GPT-2)
  bool mlp_bias = false;         // biases on the MLP matrices (GPT-2)
  double learned_positions = 0;  // rows of a learned absolute position table (GPT-2: n_positions)
  double max_position_embeddings = 0;
  bool attention_dropout = false; // dropout on the attention probabilities (GPT-2 attn_pdrop 0.1)
  bool hidden_dropout = false;    // dropout on the residual branches and embeddings (GPT-2 resid_pdrop, embd_pdrop)
  bool rotary = true;             // rotary position embeddings (cos and sin tables kept for backward)
  bool gelu_new = false;          // hidden_act / activation_function "gelu_new": transformers runs it in eager ops

  // Mixture of experts (0 = dense).
  double num_experts = 0;              // routed experts per MoE layer
  double experts_per_token = 0;        // routed experts a token uses
  double shared_experts = 0;           // always-on experts per MoE layer
  double moe_intermediate_size = 0;    // width of one routed expert
  double shared_intermediate_size = 0; // width of one shared expert (default: moe_intermediate_size)
  double first_dense_layers = 0;       // leading dense layers (DeepSeek first_k_dense_replace)
  double moe_layer_freq = 1;           // every k-th layer after those is MoE
  bool router_bias = false;            // DeepSeek-V3 e_score_correction_bias
  bool shared_expert_gate = false;     // Qwen2-MoE: a 1-wide sigmoid gate on the shared expert
  double mtp_layers = 0;               // DeepSeek multi-token-prediction modules (not in totals)

  // DeepSeek multi-head latent attention (0 = standard attention).
  double q_lora_rank = 0;
  double kv_lora_rank = 0;
  double qk_rope_head_dim = 0;
  double qk_nope_head_dim = 0;
  double v_head_dim = 0;

  // Sliding-window attention.
  double sliding_window = 0;          // W tokens; 0 = none
  double sliding_layers = 0;          // how many of the L layers use the window (the rest are global)

  double published_params = 0;        // from the preset's citation; 0 = none
  bool published_params_exact = false;
  std::string published_params_source;

  bool is_moe() const { return num_experts > 0; }
  bool is_mla() const { return kv_lora_rank > 0; }
  bool is_moe_layer(double layer) const;  // layer index 0..L-1 (DeepSeek: l ≥ first_k_dense, l % freq)
  double moe_layers() const;              // how many of the L layers are MoE layers
};

// Reads a Hugging Face config.json object. Field names differ between architectures
// (n_routed_experts vs num_local_experts, n_embd vs hidden_size, ...); every field that is
// present but not used is reported as a "warning" issue under `field_prefix`.
ModelConfig model_from_hf_config(const Json& config, const std::string& field_prefix,
                                 std::vector<Issue>& issues);

// Checks ranges and divisibility; errors name the field under `field_prefix`.
void validate_model(const ModelConfig& m, const std::string& field_prefix, std::vector<Issue>& issues);

// Presets: built into the library from core/presets/*.json.
const std::vector<ModelConfig>& presets();
const ModelConfig* find_preset(const std::string& id);

}  // namespace memcalc
