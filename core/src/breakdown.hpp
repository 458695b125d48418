// Internal: the component builders shared by estimate.cpp, training.cpp and inference.cpp.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "memcalc/estimate.hpp"
#include "tensors.hpp"
#include "text.hpp"

namespace memcalc::detail {

// NF4 with double quantization, bits per weight: 4 + 8/64 + 32/(64·256) (Dettmers et al. 2023, QLoRA §3).
constexpr double kNf4DqBits = 4.0 + 8.0 / 64.0 + 32.0 / (64.0 * 256.0);

// Collects components. With `explain` off (sweeps, inverse searches) formulas are not built.
class Breakdown {
 public:
  explicit Breakdown(bool explain) : explain_(explain) {}
  bool explain() const { return explain_; }

  template <typename FormulaFn>
  void add(const char* id, double bytes, Basis basis, FormulaFn&& formula, const char* source) {
    Component c;
    c.id = id;
    c.bytes = std::ceil(bytes);  // whole bytes
    c.basis = basis;
    if (explain_) {
      c.formula = formula();
      c.source = source;
    }
    total_ += c.bytes;
    components_.push_back(std::move(c));
  }
  double total() const { return total_; }
  std::vector<Component>& components() { return components_; }
  std::string activation_formula;
  double kv_bytes_per_token = 0;                  // all layers, this GPU, windowed layers as full
  double recurrent_state_bytes_per_sequence = 0;  // this GPU
  EngineFigures engine;                           // filled by an engine other than "generic"
  double host_bytes = 0;                          // CPU memory the scenario needs

 private:
  bool explain_;
  double total_ = 0;
  std::vector<Component> components_;
};

// KV cache figures of a model at `tokens` per sequence on one of `tp` GPUs, `e` bytes per element.
struct KvFigures {
  double per_token = 0;            // every layer's KV per token, windowed layers counted as full
  double per_sequence = 0;         // what one sequence of `tokens` holds (windows applied)
  double indexer_per_token = 0;    // DSA indexer cache, bytes per token
  double indexer_per_sequence = 0;
};
KvFigures kv_figures(const ModelTensors& t, double tokens, double tp, double e);

// Bytes per element of a recurrent mixer's SSM state: the scenario's state_dtype, else fp32 where the
// mixer always keeps it so, else the checkpoint's mamba_ssm_dtype, else the model's dtype.
double state_element_bytes(StateDtype d, const ModelConfig& m, const Mixer& x);

// Prefill activations of `tokens` tokens at once: the residual stream plus the widest layer step
// (inference keeps nothing for backward; flash attention). `widest` gets the step's elements per token.
double prefill_activation_bytes(const Scenario& s, const ModelTensors& t, double tokens, double* widest = nullptr);

void add_training(const Scenario& s, const ModelTensors& t, Breakdown& out);
void add_inference(const Scenario& s, const ModelTensors& t, Breakdown& out);

}  // namespace memcalc::detail
