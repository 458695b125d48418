// Every preset: cited, valid, and its exact parameter count agrees with the published one (exactly
// where the publisher gives an exact integer, within the rounding of a headline figure otherwise).
#include <gtest/gtest.h>

#include <cmath>

#include "memcalc/estimate.hpp"

namespace {

using namespace memcalc;

TEST(Presets, AtLeastThirtyWithSources) {
  EXPECT_GE(presets().size(), 30u);
  for (const auto& m : presets()) {
    EXPECT_FALSE(m.id.empty());
    EXPECT_FALSE(m.source.empty()) << m.id;
    std::vector<Issue> issues;
    validate_model(m, "model", issues);
    EXPECT_FALSE(has_errors(issues)) << m.id << ": " << (issues.empty() ? "" : issues[0].field + " " + issues[0].message);
  }
}

TEST(Presets, ParameterCountsMatchPublishedFigures) {
  for (const auto& m : presets()) {
    if (m.published_params <= 0) continue;
    const ParamCounts c = count_params(m);
    if (m.published_params_exact) {
      EXPECT_EQ(c.total, m.published_params) << m.id << " (" << m.published_params_source << ")";
    } else {
      // A headline such as "7.61B" or "671B" carries at most half a unit of its last digit,
      // and model cards round the total to 2-3 significant digits.
      EXPECT_NEAR(c.total / m.published_params, 1.0, 0.02) << m.id << " (" << m.published_params_source << ")";
    }
    EXPECT_LE(c.active, c.total);
  }
}

TEST(Presets, IdsAreUnique) {
  for (std::size_t i = 0; i < presets().size(); ++i)
    for (std::size_t j = i + 1; j < presets().size(); ++j) EXPECT_NE(presets()[i].id, presets()[j].id);
}

}  // namespace
