// Internal: the component builders shared by estimate.cpp, training.cpp and inference.cpp.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "memcalc/estimate.hpp"
#include "tensors.hpp"

namespace memcalc::detail {

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

 private:
  bool explain_;
  double total_ = 0;
  std::vector<Component> components_;
};

void add_training(const Scenario& s, const ModelTensors& t, Breakdown& out);
void add_inference(const Scenario& s, const ModelTensors& t, Breakdown& out);

// Text for formulas: 8030261248 → "8,030,261,248"; 4.127 → "4.127".
std::string num(double v);
// Bytes per element in formulas: 2 → "2 B", 0.5 → "0.5 B".
std::string bytes_per(double v);

}  // namespace memcalc::detail
