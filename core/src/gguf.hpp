// GGUF (llama.cpp) weight sizes: each tensor gets a block type chosen by the quantizer for the
// file type (q4_k_m keeps attn_v and ffn_down of some layers, and the output, at higher precision),
// and each block type has an exact size (ggml-common.h).
#pragma once

#include "memcalc/scenario.hpp"
#include "tensors.hpp"

namespace memcalc::detail {

bool is_gguf(WeightDtype w);
// Total bytes of the model's tensors in a GGUF file of type `w` (norms and biases in F32); with
// `split`, also where they lie (the input embedding, each layer with its routed experts apart, the
// output layer).
struct WeightSplit;
double gguf_model_bytes(const ModelConfig& m, const ModelTensors& t, WeightDtype w, WeightSplit* split = nullptr);

}  // namespace memcalc::detail
