// How long an estimate takes: the full result (explanations and the inverse searches), the numbers
// alone, the breakdown without the searches, a scenario that does not fit (the suggestions), the JSON
// text path the CLI and the page use, and a 1,000-point sequence-length sweep.
// Run: build/native-release/bench/memcalc_bench  (or scripts/bench)
#include <benchmark/benchmark.h>

#include "memcalc/estimate.hpp"

namespace {

using namespace memcalc;

Scenario scenario(const char* model, Mode mode) {
  Scenario s;
  s.model = *find_preset(model);
  s.mode = mode;
  s.gpu.memory_bytes = 80.0 * (1 << 30);
  return s;
}

void BM_FullEstimate(benchmark::State& state, const char* model, Mode mode) {
  const Scenario s = scenario(model, mode);
  for (auto _ : state) benchmark::DoNotOptimize(estimate(s));
}
BENCHMARK_CAPTURE(BM_FullEstimate, llama_3_1_8b_training, "llama-3.1-8b", Mode::training);
BENCHMARK_CAPTURE(BM_FullEstimate, llama_3_1_8b_inference, "llama-3.1-8b", Mode::inference);
BENCHMARK_CAPTURE(BM_FullEstimate, deepseek_v3_inference, "deepseek-v3", Mode::inference);

// The breakdown alone, without the inverse searches and the suggestions (what the page paints first).
void BM_BreakdownOnly(benchmark::State& state, const char* model, Mode mode) {
  const Scenario s = scenario(model, mode);
  for (auto _ : state) benchmark::DoNotOptimize(estimate(s, EstimateParts{false}));
}
BENCHMARK_CAPTURE(BM_BreakdownOnly, llama_3_1_8b_training, "llama-3.1-8b", Mode::training);
BENCHMARK_CAPTURE(BM_BreakdownOnly, llama_3_1_8b_inference, "llama-3.1-8b", Mode::inference);

// A scenario that does not fit: the suggestions try each change (and pairs when few fit alone).
void BM_DoesNotFit(benchmark::State& state) {
  Scenario s = scenario("llama-3.1-70b", Mode::training);
  s.gpu.memory_bytes = 24.0 * (1 << 30);
  for (auto _ : state) benchmark::DoNotOptimize(estimate(s));
}
BENCHMARK(BM_DoesNotFit)->Unit(benchmark::kMicrosecond);

void BM_TotalOnly(benchmark::State& state) {
  const Scenario s = scenario("llama-3.1-8b", Mode::training);
  for (auto _ : state) benchmark::DoNotOptimize(estimate_total_bytes(s));
}
BENCHMARK(BM_TotalOnly);

void BM_EstimateJson(benchmark::State& state) {
  const std::string text = R"({"model":"llama-3.1-8b","mode":"inference","inference":{"context_len":32768,"weight_dtype":"q4_k_m"}})";
  for (auto _ : state) benchmark::DoNotOptimize(estimate_json(text));
}
BENCHMARK(BM_EstimateJson);

void BM_EstimateJsonBreakdownOnly(benchmark::State& state) {
  const std::string text = R"({"model":"llama-3.1-8b","mode":"inference","inference":{"context_len":32768,"weight_dtype":"q4_k_m"}})";
  for (auto _ : state) benchmark::DoNotOptimize(estimate_json(text, EstimateParts{false}));
}
BENCHMARK(BM_EstimateJsonBreakdownOnly);

void BM_Sweep1000(benchmark::State& state) {
  Scenario s = scenario("llama-3.1-8b", Mode::training);
  for (auto _ : state) {
    double sum = 0;
    for (int i = 1; i <= 1000; ++i) {
      s.training.seq_len = 128.0 * i;
      sum += estimate_total_bytes(s);
    }
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(BM_Sweep1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
