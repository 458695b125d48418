// Bytes of stored weights: as the checkpoint stores them (weight_dtype "auto") or in a chosen
// format, tensor by tensor. GGUF file types are in gguf.hpp.
#pragma once

#include <string>

#include "memcalc/scenario.hpp"
#include "tensors.hpp"

namespace memcalc::detail {

// A storage format with its parameters, from the checkpoint or from an explicit weight_dtype.
struct Storage {
  WeightFormat format = WeightFormat::bf16;
  double dense_bytes = 2;        // bytes per element of what stays unquantized
  double bits = 16;              // gptq/awq/bnb: bits per quantized weight
  double group_size = 0;         // gptq/awq
  bool zero_points = false;
  bool act_order_index = false;  // gptq g_idx
  bool double_quant = false;     // bnb 4-bit
  bool experts_only = false;     // mxfp4 checkpoints quantize the MoE experts alone
};

Storage storage_of(const ModelConfig& m, WeightDtype w);
std::string storage_name(const ModelConfig& m, WeightDtype w);  // as formulas show it: "auto: mxfp4", "nvfp4"

// Whether `s` quantizes the tensor, and its bytes (all its copies). `kept` is its layer's KeptPart bits.
bool is_quantized(const Tensor& t, const Storage& s, std::uint32_t kept);
double stored_bytes(const Tensor& t, const Storage& s, std::uint32_t kept);

struct WeightTally {
  double bytes = 0;
  double quantized = 0;  // elements stored in the quantized format
  double kept16 = 0;     // elements kept unquantized
};

// The language model's weights (embeddings, layers, head) in weight_dtype w; remembered in `t` for
// the next call with the same type.
WeightTally language_model_weights(const ModelConfig& m, const ModelTensors& t, WeightDtype w);
WeightTally count_weights(const ModelConfig& m, const ModelTensors& t, WeightDtype w);

// Where the weights lie, for engines that place layers on devices (llama.cpp): the input embedding,
// each decoder layer in order (its routed experts apart) and the output layer (final norm and head;
// a tied head counted as the duplicate llama.cpp loads).
struct LayerBytes {
  double total = 0;
  double experts = 0;
};
struct WeightSplit {
  double input = 0;
  double output = 0;
  std::vector<LayerBytes> layers;
};
WeightSplit weight_split(const ModelConfig& m, const ModelTensors& t, WeightDtype w);

// Bytes one of `tp` tensor-parallel ranks holds beyond the total ÷ tp: what serving engines keep whole
// on every rank (norms, biases, MoE routers) and the K/V projections of layers with fewer KV heads
// than ranks, where each rank keeps one whole head (vLLM QKVParallelLinear; SGLang the same).
double replicated_extra_bytes(const ModelConfig& m, const ModelTensors& t, WeightDtype w, double tp);

// Bytes per element of a KV cache type ("auto": the model's dtype).
double kv_element_bytes(KvDtype k, const ModelConfig& m);

}  // namespace memcalc::detail
