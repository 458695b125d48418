// What the engines share: the model as a server sees it (the generic estimate's weights, what each
// kind of layer caches per token and keeps per sequence, the forward pass at a token budget), and one
// entry point per engine. Each engine file turns these into what that engine allocates and logs.
#pragma once

#include <string>
#include <vector>

#include "../breakdown.hpp"

namespace memcalc::detail {

// One shape of cache, shared by `layers` layers (on one GPU).
struct CacheSpec {
  enum class Kind { full, sliding, chunked, mla, recurrent };
  Kind kind = Kind::full;
  double layers = 0;
  double window = 0;        // sliding window or attention chunk (tokens)
  double k_elems = 0;       // K elements per token and layer (mla: the latent + rope)
  double v_elems = 0;       // V elements per token and layer (mla: 0)
  double index_bytes = 0;   // DSA indexer cache per token and layer (vLLM's fp8 keys + scales)
  double index_dim = 0;     // DSA indexer key width
  double heads = 0;         // query heads on this GPU (unfused attention's score matrix)
  double conv_elems = 0;    // recurrent: conv state per sequence and layer
  double ssm_elems = 0;     // recurrent: SSM / delta-rule state per sequence and layer
  double ssm_bytes = 4;     // recurrent: bytes per SSM state element
  bool holds_kv() const { return kind != Kind::recurrent; }
  bool windowed() const { return kind == Kind::sliding || kind == Kind::chunked; }
};

struct ServingModel {
  std::vector<CacheSpec> specs;     // one per distinct cache shape, in the order met
  std::vector<std::vector<int>> layer_specs;  // per decoder layer: its specs (none for KV-shared layers)
  double layers = 0;                // decoder layers
  double hidden = 0, vocab = 0, max_position = 0;
  double heads = 0;                 // query heads of the widest attention layer, this GPU
  double model_bytes = 2;           // the model's dtype (activations, conv state)
  double kv_auto_bytes = 2;         // the scenario's kv_dtype (auto: the model's dtype)
  double tp = 1;
  // The generic estimate at the scenario's settings (weights, encoders, mtp_weights, ...).
  std::vector<Component> generic;
  double replicated = 0;            // of the weights, what every rank keeps whole (beyond total ÷ tp)
  double weights_bytes = 0;         // the language model, the towers (unless text_only) and MTP (if mtp), this GPU
  bool multimodal = false;
  double kv_bytes_per_token = 0, recurrent_state_bytes_per_sequence = 0;  // the generic figures
  double component(const char* id) const;
  const Component* find(const char* id) const;
};

ServingModel serving_model(const Scenario& s, const ModelTensors& t, bool explain);

// Per-token cache bytes of one layer of `c` with K and V elements at `kb` and `vb` bytes.
inline double token_bytes(const CacheSpec& c, double kb, double vb) {
  return c.k_elems * kb + c.v_elems * vb + c.index_bytes;
}
inline double state_bytes(const CacheSpec& c, double conv_bytes) {
  return c.conv_elems * conv_bytes + c.ssm_elems * c.ssm_bytes;
}

void add_vllm(const Scenario& s, const ModelTensors& t, Breakdown& out);
void add_sglang(const Scenario& s, const ModelTensors& t, Breakdown& out);
void add_llamacpp(const Scenario& s, const ModelTensors& t, Breakdown& out);
void add_transformers(const Scenario& s, const ModelTensors& t, Breakdown& out);

// Adds the engine's figures to `out` as components, copying the generic ones named in `ids`.
void add_generic(const ServingModel& sm, Breakdown& out, std::initializer_list<const char*> ids);

// Bytes as engines print them: "14.08 GiB", "1152.00 MiB".
std::string gib(double bytes, int decimals = 2);
std::string mib(double bytes);

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kMiB = 1024.0 * 1024.0;

inline double cdiv(double a, double b) { return std::ceil(a / b); }

}  // namespace memcalc::detail
