// The shape of a decoder-only language model, as the memory formulas need it, and where it comes
// from: a preset (core/presets/*.json) or a Hugging Face config.json read verbatim.
//
// A model is a list of layers. Each layer has its token mixers (softmax attention over a KV cache,
// MLA, or a recurrent mixer with a fixed state) and its feed-forward block (dense or mixture of
// experts). The importer (import_config.cpp) builds that list once from every config field that
// describes it; parameters, KV cache, recurrent state and activations are sums over it.
//
// All counts are plain numbers of elements (not bytes). Zero means "absent" for optional parts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "memcalc/issues.hpp"
#include "memcalc/json.hpp"

namespace memcalc {

enum class MlpKind { gated, plain };        // gated: SwiGLU/GeGLU, 3 matrices; plain: 2 matrices (GELU, relu²)
enum class NormKind { rmsnorm, layernorm, nonparametric }; // layernorm: weight and bias; OLMo 1: none
enum class QkNorm { none, per_head, full }; // per_head: 2·head_dim (Qwen3, Gemma 3); full: (a+g)·d (OLMo 2)

// What mixes tokens in a layer.
enum class MixerKind {
  attention,         // softmax attention over a KV cache: full, sliding-window or chunked
  mla,               // DeepSeek multi-head latent attention: one compressed latent per token
  gated_deltanet,    // Gated DeltaNet (Qwen3-Next, Qwen3.5/3.6): causal conv + a dk×dv state per head
  mamba1,            // Mamba (Jamba): conv + d_inner × d_state state
  mamba2,            // Mamba-2 (Nemotron-H, Granite 4.0-H, Falcon-H1): conv + heads × head_dim × d_state
  kda,               // Kimi Delta Attention (Kimi Linear): short convs on q/k/v + a dk×dv state per head
  linear_attention,  // lightning / linear attention (MiniMax-M1): a d×d state per head
  short_conv,        // gated short convolution (LFM2): a (K−1) × hidden conv state
};
enum class AttentionSpan { full, sliding, chunked };  // which past tokens a softmax layer attends to

struct Mixer {
  MixerKind kind = MixerKind::attention;

  // Softmax attention (attention, mla).
  AttentionSpan span = AttentionSpan::full;
  double window = 0;          // tokens: the sliding window W, or the chunk length of a chunked layer
  double heads = 0;           // query heads
  double kv_heads = 0;        // KV heads (mla: the latent is one "head")
  double head_dim = 0;        // query and key width per head (mla: qk_nope_head_dim + qk_rope_head_dim)
  double v_head_dim = 0;      // value width per head
  bool kv_shared = false;     // reads an earlier layer's KV (Gemma 3n/4 num_kv_shared_layers): stores none
  bool k_eq_v = false;        // keys double as values (Gemma 4 attention_k_eq_v): no v_proj
  bool output_gate = false;   // q_proj also emits a sigmoid gate per element (Qwen3-Next attn_output_gate)
  bool sinks = false;         // one learned sink logit per head (gpt-oss)
  double q_lora_rank = 0;     // mla: 0 = q from a full projection
  double kv_lora_rank = 0;    // mla: width of the cached latent
  double qk_rope_head_dim = 0;
  double qk_nope_head_dim = 0;
  double index_heads = 0;     // DSA lightning indexer (DeepSeek-V3.2, GLM-5); 0 = none
  double index_head_dim = 0;

  // Recurrent mixers.
  double rec_heads = 0;       // value heads (GDN nv, Mamba-2 heads, KDA heads, linear heads)
  double rec_head_dim = 0;    // value width per head (GDN dv, Mamba-2 head_dim, KDA/linear head_dim)
  double key_heads = 0;       // GDN nk, Mamba-2 n_groups, KDA heads
  double key_head_dim = 0;    // GDN dk, Mamba-1/2 d_state, KDA head_dim
  double d_inner = 0;         // Mamba-1 inner width; short_conv: the hidden size
  double dt_rank = 0;         // Mamba-1
  double conv_kernel = 0;     // K: the causal conv keeps K − 1 past inputs
  bool conv_bias = false;     // Mamba conv1d bias
  bool proj_bias = false;     // bias on the in/out projections (short_conv, Mamba use_bias)
  bool gated_norm = true;     // Mamba-2: the gated RMSNorm before out_proj (Falcon-H1 mamba_rms_norm)

  bool holds_kv() const { return (kind == MixerKind::attention || kind == MixerKind::mla) && !kv_shared; }
  bool is_recurrent() const { return kind != MixerKind::attention && kind != MixerKind::mla; }
  bool operator==(const Mixer&) const = default;
};

enum class FfnKind { none, dense, moe };

struct Ffn {
  FfnKind kind = FfnKind::dense;
  double width = 0;                // dense: intermediate size
  double experts = 0;              // moe: routed experts
  double experts_per_token = 0;
  double expert_width = 0;
  double shared_experts = 0;       // always-on experts (DeepSeek n_shared_experts, Granite shared_mlp)
  double shared_width = 0;
  bool router_bias = false;        // per-expert score bias (DeepSeek-V3 e_score_correction_bias, gpt-oss)
  bool shared_expert_gate = false; // Qwen2-MoE/Qwen3-Next: a 1-wide sigmoid gate on the shared expert
  bool expert_bias = false;        // biases inside every expert (gpt-oss)
  bool router_scale = false;       // a learned scale on the router input and one per expert (Gemma 4)
  double dense_width = 0;          // moe: a dense MLP beside the experts, summed with them (Gemma 4)
  bool operator==(const Ffn&) const = default;
};

// Which of a layer's weights a quantized checkpoint keeps in 16 bits (modules_to_not_convert,
// ignore lists), as bits of `Layer::kept`.
enum KeptPart : std::uint32_t {
  kept_attention = 1, kept_dense_mlp = 2, kept_experts = 4, kept_shared_experts = 8, kept_recurrent = 16,
};

struct Layer {
  std::vector<Mixer> mixers;  // usually one; Falcon-H1 runs attention and Mamba-2 side by side;
                              //   Nemotron-H's MLP-only layers have none
  Ffn ffn;
  double per_layer_input = 0; // width p of the per-layer embedding fed in (Gemma 3n/4 PLE): a p×h gate,
                              //   an h×p projection and a norm
  double extra_norms = 0;     // norms beyond the pre-norms (Gemma 4 MoE layers: 3)
  double scalars = 0;         // learned scalars (Gemma 4 layer_scalar)
  std::uint32_t kept = 0;     // KeptPart bits
  bool operator==(const Layer&) const = default;
  bool is_moe() const { return ffn.kind == FfnKind::moe; }
};

// The layers of a model: built once by the importer, then only read. Copies share one list (an
// estimate's searches copy the scenario many times), and the list knows which layers are alike.
class LayerList {
 public:
  LayerList() = default;
  explicit LayerList(std::vector<Layer> layers);

  std::size_t size() const { return data_ ? data_->layers.size() : 0; }
  bool empty() const { return size() == 0; }
  const Layer& operator[](std::size_t i) const { return data_->layers[i]; }
  const Layer& front() const { return data_->layers.front(); }
  const Layer& back() const { return data_->layers.back(); }
  std::vector<Layer>::const_iterator begin() const { return data_ ? data_->layers.begin() : kNone.begin(); }
  std::vector<Layer>::const_iterator end() const { return data_ ? data_->layers.end() : kNone.end(); }

  // Distinct layers: kind_of(l) indexes kinds(), the first layer of each distinct kind.
  const std::vector<std::size_t>& kind_of() const { return data_ ? data_->kind_of : kNoIndex; }
  const std::vector<std::size_t>& kinds() const { return data_ ? data_->kinds : kNoIndex; }

 private:
  struct Data {
    std::vector<Layer> layers;
    std::vector<std::size_t> kind_of;
    std::vector<std::size_t> kinds;
  };
  std::shared_ptr<const Data> data_;
  static const std::vector<Layer> kNone;
  static const std::vector<std::size_t> kNoIndex;
};

// How the checkpoint stores its weights (quantization_config, else torch_dtype).
enum class WeightFormat {
  f32, f16, bf16,
  fp8,         // one fp8 byte per weight and an fp32 scale per tensor
  fp8_block,   // fp8 with an fp32 scale per 128×128 block (DeepSeek-V3 weight_block_size)
  mxfp4,       // OCP MX: 32 FP4 values + one E8M0 scale (gpt-oss)
  nvfp4,       // 16 FP4 values + one FP8 scale, plus fp32 global scales per tensor
  gptq, awq,   // packed integers with fp16 scales (and zeros) per group
  bnb_4bit, bnb_8bit,  // bitsandbytes NF4/FP4 or LLM.int8()
  unknown,     // a quant_method memcalc cannot size
};

struct Checkpoint {
  WeightFormat format = WeightFormat::bf16;
  WeightFormat dense_format = WeightFormat::bf16;  // what unquantized tensors are stored as
  double bits = 0;            // gptq/awq/bnb: bits per weight
  double group_size = 0;      // gptq/awq: weights per scale; nvfp4 16; mxfp4 32
  bool zero_points = true;    // awq/gptq: packed zeros beside the scales
  bool double_quant = false;  // bnb 4-bit: quantized absmax (QLoRA §3)
  bool act_order_index = false; // gptq: g_idx, an int32 per input row
  bool experts_only = false;  // mxfp4 in transformers converts only the MoE experts
  bool keep_embedding = true, keep_head = true;  // 16-bit unless the config says otherwise
  std::string method;         // quant_method as written
  double state_bytes = 0;     // SSM state dtype the config asks for (mamba_ssm_dtype): 0 = model dtype
};

// A vision or audio tower, counted as its own group of weights.
struct Encoder {
  std::string kind;      // "vision" or "audio"
  std::string model_type;
  double params = 0;     // parameters of the tower and its projector into the language model
  double unused_params = 0;  // of which the layers past vision_feature_layer (and the final norm), which
                             // vLLM does not load (CLIP in LLaVA: the last layer)
  std::string formula;   // how they were counted
};

// A checkpoint's tensors as its files hold them (memcalc/files.hpp): exact bytes, which the estimate
// uses instead of counting each format's storage itself.
struct FileTensors {
  std::string format;             // "gguf" | "safetensors"; empty: the model did not come from files
  double files = 0, tensors = 0, bytes = 0;
  double params = 0;              // logical parameters of the language model and towers; 0: packed formats
  double embedding = 0, head = 0, encoders = 0, mtp = 0, other = 0;
  std::vector<double> layers, layer_experts;  // per decoder layer; experts: its routed experts' share
  bool present() const { return !format.empty(); }
  double language_model() const {
    double b = embedding + head + other;
    for (double x : layers) b += x;
    return b;
  }
};

struct ModelConfig {
  std::string id;      // preset id, or "custom"
  std::string name;    // display name
  std::string source;  // where the numbers came from
  std::string model_type;
  std::string family;  // presets: family name for grouping ("Qwen3.5", "gpt-oss")
  std::string released;  // presets: year-month of the release
  std::string official;  // presets: the official repository of the checkpoint

  // The language model's main shape (the first attention layer's, for hybrid models).
  double vocab_size = 0;         // V
  double hidden_size = 0;        // h
  double num_layers = 0;         // L (decoder layers, without MTP modules)
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
  bool qkv_bias = false;         // biases on q, k, v (Qwen2, GPT-2, gpt-oss)
  bool o_bias = false;           // bias on the attention output projection (GPT-2, gpt-oss)
  bool mlp_bias = false;         // biases on the MLP matrices (GPT-2)
  double learned_positions = 0;  // rows of a learned absolute position table (GPT-2: n_positions)
  double max_position_embeddings = 0;
  bool attention_dropout = false; // dropout on the attention probabilities (GPT-2 attn_pdrop 0.1)
  bool hidden_dropout = false;    // dropout on the residual branches and embeddings (GPT-2 resid_pdrop, embd_pdrop)
  bool rotary = true;             // rotary position embeddings (cos and sin tables kept for backward)
  bool gelu_new = false;          // hidden_act / activation_function "gelu_new": transformers runs it in eager ops
  double dtype_bytes = 2;         // the checkpoint's torch_dtype: 4 (float32), 2 (bf16, fp16)

  // Mixture of experts, as most layers have it (0 = dense); per-layer detail is in `layers`.
  double num_experts = 0;              // routed experts per MoE layer
  double experts_per_token = 0;        // routed experts a token uses
  double shared_experts = 0;           // always-on experts per MoE layer
  double moe_intermediate_size = 0;    // width of one routed expert
  double shared_intermediate_size = 0; // width of one shared expert (default: moe_intermediate_size)

  // DeepSeek multi-head latent attention, as the MLA layers have it (0 = none).
  double q_lora_rank = 0;
  double kv_lora_rank = 0;
  double qk_rope_head_dim = 0;
  double qk_nope_head_dim = 0;
  double v_head_dim = 0;

  double per_layer_input_vocab = 0;  // Gemma 3n/4: rows of the per-layer embedding table (0 = none),
                                     //   each L × per_layer_input wide, with its projection from h
  LayerList layers;               // L entries, in order
  LayerList mtp_layers;           // multi-token-prediction modules: on disk, loaded only for MTP
                                  //   speculative decoding (DeepSeek num_nextn_predict_layers, ...)
  std::vector<Encoder> encoders;  // vision and audio towers (multimodal checkpoints)
  Checkpoint checkpoint;
  FileTensors files;              // when read from GGUF or safetensors headers

  double published_params = 0;        // from the preset's citation; 0 = none
  bool published_params_exact = false;
  std::string published_params_source;

  bool is_moe() const { return num_experts > 0; }
  bool is_mla() const { return kv_lora_rank > 0; }
  bool has_recurrent_layers() const;
  bool has_attention_layers() const;
};

// Reads a Hugging Face config.json object. Field names differ between architectures
// (n_routed_experts vs num_local_experts, n_embd vs hidden_size, ...); every field that is
// present but not used is reported as an "info" issue under `field_prefix`, a layout it cannot
// follow as an error naming its field.
ModelConfig model_from_hf_config(const Json& config, const std::string& field_prefix,
                                 std::vector<Issue>& issues);

// Checks ranges and divisibility; errors name the field under `field_prefix`.
void validate_model(const ModelConfig& m, const std::string& field_prefix, std::vector<Issue>& issues);

// Why the model cannot be split over `tp` GPUs ("" when it can): every layer's heads must divide.
std::string tensor_parallel_problem(const ModelConfig& m, double tp);

// Presets: built into the library from core/presets/*.json.
const std::vector<ModelConfig>& presets();
const ModelConfig* find_preset(const std::string& id);
// The preset's file as embedded (its config.json fields under "config"); nullptr when unknown.
const Json* preset_entry(const std::string& id);

const char* mixer_name(const Mixer& mixer);  // "full_attention", "sliding_attention", "mla", "gated_deltanet", ...
const char* ffn_name(FfnKind kind);          // "none", "dense", "moe"
const char* weight_format_name(WeightFormat f);

}  // namespace memcalc
