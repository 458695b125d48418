// Inverse answers: the largest sequence and batch that fit are the boundary (one more does not
// fit), and the fewest GPUs is the first layout that fits.
#include <gtest/gtest.h>

#include "memcalc/estimate.hpp"

namespace {

using namespace memcalc;

Scenario on_gpu(const char* model, Mode mode, double gib) {
  Scenario s;
  s.model = *find_preset(model);
  s.mode = mode;
  s.gpu.memory_bytes = gib * (1 << 30);
  return s;
}

TEST(Limits, LongestContextIsTheBoundary) {
  Scenario s = on_gpu("llama-3.1-8b", Mode::inference, 24);
  const Result r = estimate(s);
  ASSERT_GT(r.limits.max_seq_len, 0);
  s.inference.context_len = r.limits.max_seq_len;
  EXPECT_LE(estimate_total_bytes(s), s.gpu.memory_bytes);
  s.inference.context_len += 1;
  EXPECT_GT(estimate_total_bytes(s), s.gpu.memory_bytes);
}

TEST(Limits, LargestBatchIsTheBoundary) {
  Scenario s = on_gpu("qwen2.5-7b-instruct", Mode::training, 80);
  s.training.finetune = Finetune::lora;
  s.training.seq_len = 2048;
  const Result r = estimate(s);
  ASSERT_GT(r.limits.max_batch_size, 0);
  s.training.batch_size = r.limits.max_batch_size;
  EXPECT_LE(estimate_total_bytes(s), s.gpu.memory_bytes);
  s.training.batch_size += 1;
  EXPECT_GT(estimate_total_bytes(s), s.gpu.memory_bytes);
}

TEST(Limits, NoneFitsIsMinusOne) {
  const Result r = estimate(on_gpu("llama-3.1-405b", Mode::inference, 24));
  EXPECT_EQ(r.limits.max_seq_len, -1);
  EXPECT_EQ(r.limits.max_batch_size, -1);
  EXPECT_FALSE(r.fit.fits);
}

TEST(Limits, FewestGpusIsTheFirstThatFits) {
  Scenario s = on_gpu("llama-3.1-70b", Mode::inference, 80);
  const Result r = estimate(s);
  ASSERT_GT(r.limits.min_gpus, 1);  // 141 GB of bf16 weights need more than one 80 GiB card
  s.inference.tp = r.limits.min_gpus;
  EXPECT_LE(estimate_total_bytes(s), s.gpu.memory_bytes);
  EXPECT_EQ(r.limits.min_gpus_layout, "tp=" + std::to_string(static_cast<int>(r.limits.min_gpus)));
}

}  // namespace
