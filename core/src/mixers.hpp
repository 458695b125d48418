// What each token mixer holds: its weight tensors, the KV it caches per token and the state it
// keeps per sequence (architectures-2026.md §2.2–2.3). Everything outside this file asks a mixer
// through these functions instead of looking at its kind.
#pragma once

#include "memcalc/model.hpp"
#include "tensors.hpp"

namespace memcalc::detail {

// The mixer's weights, appended to `out` (norms and biases included).
void mixer_tensors(const ModelConfig& m, const Mixer& x, Tensors& out);

// Elements the KV cache holds per token for this layer on one of `tp` GPUs (0 when the layer
// stores none: recurrent mixers and KV-shared layers). MLA caches one latent, replicated.
double kv_elements_per_token(const Mixer& x, double tp);

// Tokens a layer keeps in its cache when the sequence is `tokens` long (windowed layers keep W).
double cached_tokens(const Mixer& x, double tokens);

// DSA indexer cache per token (bytes): 128 fp8 values + one fp32 scale per 128 (vLLM
// DeepseekV32IndexerCache, DeepSeek-V3.2 inference/model.py).
double indexer_bytes_per_token(const Mixer& x);

// The fixed state a recurrent mixer keeps per sequence, on one of `tp` GPUs, in elements.
struct RecurrentState {
  double conv = 0;  // the causal conv's K − 1 past inputs
  double ssm = 0;   // the recurrent (SSM / delta-rule / linear-attention) state
};
RecurrentState recurrent_state(const Mixer& x, double tp);
// Whether the mixer's recurrent state is kept in fp32 whatever the model dtype (vLLM kda_state_dtype,
// linear_attention_state_dtype).
bool state_always_fp32(const Mixer& x);

// Widths the forward pass materialises per token (elements, before tp): what the activation
// estimates of training and inference read.
struct MixerWidths {
  double in = 0;    // projections' outputs (q/k/v, in_proj, ...)
  double core = 0;  // the mixing kernel's output
  double out = 0;   // the output projection's input
};
MixerWidths mixer_widths(const Mixer& x);

}  // namespace memcalc::detail
