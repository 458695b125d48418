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
  const std::vector<Component>& components() const { return components_; }

  // The moments of the step; a component with `phases` set is alive by those amounts (else whole).
  void set_phases(std::vector<std::string> ids) { phase_ids_ = std::move(ids); }
  const std::vector<std::string>& phase_ids() const { return phase_ids_; }
  void alive(const char* id, std::vector<double> bytes) {
    for (auto& c : components_)
      if (c.id == id) {
        for (auto& b : bytes) b = std::ceil(b);
        c.phases = std::move(bytes);
      }
  }
  // Bytes alive in phase i, and the largest phase (the sum when there are no phases).
  double phase_bytes(std::size_t i) const {
    double n = 0;
    for (const auto& c : components_) n += c.phases.empty() ? c.bytes : c.phases[i];
    return n;
  }
  double peak(std::size_t* at = nullptr) const {
    if (phase_ids_.empty()) return total_;
    double best = -1;
    for (std::size_t i = 0; i < phase_ids_.size(); ++i)
      if (const double b = phase_bytes(i); b > best) {
        best = b;
        if (at) *at = i;
      }
    return best;
  }
  std::string activation_formula;
  double kv_bytes_per_token = 0;                  // all layers, this GPU, windowed layers as full
  double recurrent_state_bytes_per_sequence = 0;  // this GPU
  EngineFigures engine;                           // filled by an engine other than "generic"
  std::vector<Rank> ranks;                        // training with pp > 1
  double host_bytes = 0;                          // CPU memory the scenario needs

 private:
  bool explain_;
  double total_ = 0;
  std::vector<Component> components_;
  std::vector<std::string> phase_ids_;
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
// The scenario's components by mode and engine, plus the overhead rule, into `b`; returns the peak.
double run_scenario(const Scenario& s, const ModelTensors& t, Breakdown& b);
// What makes a scenario that does not fit fit (or the room one that fits leaves), cheapest first.
std::vector<Suggestion> suggestions(const Scenario& s, const ModelTensors& t, const Result& r);
Performance performance(const Scenario& s, const ModelTensors& t, const Result& r);
void add_inference(const Scenario& s, const ModelTensors& t, Breakdown& out);

}  // namespace memcalc::detail
