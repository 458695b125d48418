// Properties every estimate must have, over every preset: more batch or sequence never needs less
// memory; ZeRO-3 ≤ ZeRO-2 ≤ ZeRO-1 ≤ none; full ≤ selective ≤ no recompute; numbers are finite.
#include <gtest/gtest.h>

#include <cmath>

#include "memcalc/estimate.hpp"

namespace {

using namespace memcalc;

Scenario base(const ModelConfig& m, Mode mode) {
  Scenario s;
  s.model = m;
  s.mode = mode;
  s.gpu.memory_bytes = 80.0 * (1 << 30);
  return s;
}

double component(const Result& r, const std::string& id) {
  for (const auto& c : r.components)
    if (c.id == id) return c.bytes;
  return 0;
}

class EveryPreset : public ::testing::TestWithParam<std::string> {
 protected:
  const ModelConfig& model() const { return *find_preset(GetParam()); }
};

TEST_P(EveryPreset, MoreBatchOrSequenceNeverNeedsLess) {
  for (Mode mode : {Mode::training, Mode::inference}) {
    for (auto formula : {ActivationFormula::seed, ActivationFormula::architecture, ActivationFormula::transformers}) {
      Scenario s = base(model(), mode);
      s.training.activation_formula = formula;
      double last = 0;
      for (double n : {1.0, 2.0, 3.0, 8.0, 64.0}) {
        s.training.batch_size = s.inference.batch_size = n;
        const double t = estimate_total_bytes(s);
        EXPECT_GE(t, last) << "batch " << n;
        last = t;
      }
      s = base(model(), mode);
      s.training.activation_formula = formula;
      last = 0;
      for (double n : {1.0, 128.0, 1000.0, 4096.0, 32768.0, 1048576.0}) {
        s.training.seq_len = s.inference.context_len = n;
        const double t = estimate_total_bytes(s);
        EXPECT_GE(t, last) << "sequence " << n;
        last = t;
      }
    }
  }
}

TEST_P(EveryPreset, ZeroStagesOrderModelStates) {
  for (auto opt : {Optimizer::adamw, Optimizer::sgd_momentum, Optimizer::adafactor}) {
    Scenario s = base(model(), Mode::training);
    s.training.optimizer = opt;
    s.training.parallel.dp = 8;
    double last = INFINITY;
    for (int zero : {0, 1, 2, 3}) {
      s.training.parallel.zero = zero;
      const double t = estimate_total_bytes(s);
      EXPECT_LE(t, last) << "ZeRO-" << zero;
      last = t;
    }
  }
}

TEST_P(EveryPreset, RecomputeOrdersActivations) {
  for (auto formula : {ActivationFormula::seed, ActivationFormula::architecture, ActivationFormula::transformers}) {
    for (bool flash : {false, true}) {
      Scenario s = base(model(), Mode::training);
      s.training.activation_formula = formula;
      s.training.flash_attention = flash;
      s.training.seq_len = 2048;
      double last = INFINITY;
      for (auto r : {Recompute::none, Recompute::selective, Recompute::full}) {
        s.training.recompute = r;
        const double a = component(estimate(s), "activations");
        EXPECT_LE(a, last) << enum_name(r);
        EXPECT_GT(a, 0);
        last = a;
      }
    }
  }
}

TEST_P(EveryPreset, ExtremesStayFinite) {
  for (Mode mode : {Mode::training, Mode::inference}) {
    Scenario s = base(model(), mode);
    s.training.seq_len = s.inference.context_len = 16777216;
    s.training.batch_size = s.inference.batch_size = 1048576;
    const Result r = estimate(s);
    EXPECT_TRUE(std::isfinite(r.total_bytes));
    for (const auto& c : r.components) EXPECT_TRUE(std::isfinite(c.bytes) && c.bytes >= 0) << c.id;
    EXPECT_FALSE(r.fit.fits);
  }
}

// The components add up to sum_bytes; each phase adds up what is alive then, never more of a
// component than its full size; the total is the largest phase (CONTRACTS.md §6.2).
TEST_P(EveryPreset, PhasesAddUpAndTheTotalIsTheLargest) {
  for (Mode mode : {Mode::training, Mode::inference}) {
    const Result r = estimate(base(model(), mode));
    double sum = 0;
    for (const auto& c : r.components) sum += c.bytes;
    EXPECT_EQ(sum, r.sum_bytes);
    ASSERT_EQ(r.phases.size(), mode == Mode::training ? 4u : 2u);
    double largest = 0;
    for (std::size_t i = 0; i < r.phases.size(); ++i) {
      double alive = 0;
      for (const auto& c : r.components) {
        const double b = c.phases.empty() ? c.bytes : c.phases[i];
        EXPECT_LE(b, c.bytes) << c.id << " in " << r.phases[i].id;
        alive += b;
      }
      EXPECT_EQ(alive, r.phases[i].bytes) << r.phases[i].id;
      if (alive > largest) largest = alive;
    }
    EXPECT_EQ(r.total_bytes, largest);
    EXPECT_LE(r.total_bytes, r.sum_bytes);
    EXPECT_EQ(r.total_bytes, estimate_total_bytes(base(model(), mode)));
  }
}

std::vector<std::string> preset_ids() {
  std::vector<std::string> ids;
  for (const auto& m : presets()) ids.push_back(m.id);
  return ids;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& p) {
  std::string n = p.param;
  for (auto& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Presets, EveryPreset, ::testing::ValuesIn(preset_ids()), test_name);

}  // namespace
