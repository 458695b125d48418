// The engine profiles' options and the rules each engine's code states (the corpus replays real logs;
// these check the rules one at a time, with the engine's source named).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "memcalc/estimate.hpp"

namespace {

using memcalc::Json;

Json run(const std::string& scenario) {
  const auto parsed = memcalc::parse_json(memcalc::estimate_json(scenario));
  EXPECT_TRUE(parsed.ok);
  return parsed.value;
}

double at(const Json& r, const std::string& path) {
  const Json* node = &r;
  std::size_t start = 0;
  while (node && start <= path.size()) {
    const auto dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    node = node->is_array() ? &node->as_array()[std::stoul(key)] : node->find(key);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  EXPECT_TRUE(node && node->is_number()) << path;
  return node && node->is_number() ? node->as_number() : NAN;
}

std::string issue_on(const Json& r, const std::string& field) {
  for (const auto& i : r.find("issues")->as_array())
    if (i.find("field")->as_string() == field) return i.find("severity")->as_string() + ": " + i.find("message")->as_string();
  return "";
}

std::string inference(const std::string& model, const std::string& engine, const std::string& extra = "",
                      const std::string& gpu = R"({"preset": "h100-80gb"})") {
  return R"({"model": ")" + model + R"(", "mode": "inference", "inference": {"engine": )" + engine + extra + R"(}, "gpu": )" + gpu + "}";
}

// ---- Options: errors name the field ------------------------------------------------------------

TEST(EngineOptions, ErrorsNameTheField) {
  Json r = run(inference("llama-3.1-8b", R"({"name": "tgi"})"));
  EXPECT_EQ(r.find("ok")->as_bool(), false);
  EXPECT_NE(issue_on(r, "inference.engine.name").find("error"), std::string::npos);

  r = run(inference("llama-3.1-8b", R"({"name": "vllm", "gpu_memory_utilization": 1.5})"));
  EXPECT_NE(issue_on(r, "inference.engine.gpu_memory_utilization").find("error"), std::string::npos);

  r = run(inference("llama-3.1-8b", R"({"name": "vllm", "n_gpu_layers": 10})"));
  EXPECT_NE(issue_on(r, "inference.engine.n_gpu_layers").find("is a llamacpp option"), std::string::npos);

  r = run(inference("llama-3.1-8b", R"({"name": "llamacpp", "cache_type_k": "q3_k"})"));
  EXPECT_NE(issue_on(r, "inference.engine.cache_type_k").find("must be one of"), std::string::npos);

  r = run(inference("llama-3.1-8b", R"({"name": "llamacpp", "tensor_split": "3,1"})"));
  EXPECT_NE(issue_on(r, "inference.engine.tensor_split").find("error"), std::string::npos);

  r = run(inference("llama-3.1-8b", R"({"name": "vllm", "max_modle_len": 4096})"));
  EXPECT_EQ(r.find("ok")->as_bool(), true);
  EXPECT_NE(issue_on(r, "inference.engine.max_modle_len").find("warning"), std::string::npos);
}

TEST(EngineOptions, TheCatalogListsEveryEngineWithDefaults) {
  const Json engines = *memcalc::catalog_json().find("engines");
  ASSERT_EQ(engines.as_array().size(), 5u);
  bool found = false;
  for (const auto& e : engines.as_array())
    for (const auto& o : e.find("options")->as_array())
      if (o.find("name")->as_string() == "gpu_memory_utilization") {
        EXPECT_EQ(o.find("default")->as_number(), 0.9);  // vLLM CacheConfig.gpu_memory_utilization
        found = true;
      }
  EXPECT_TRUE(found);
}

TEST(EngineOptions, GenericIsTheExplicitEstimateUnchanged) {
  const Json plain = run(R"({"model": "llama-3.1-8b", "mode": "inference"})");
  const Json generic = run(inference("llama-3.1-8b", R"({"name": "generic"})"));
  EXPECT_EQ(at(plain, "total_bytes"), at(generic, "total_bytes"));
  EXPECT_EQ(generic.find("engine"), nullptr);
}

// ---- The GPU as CUDA reports it -------------------------------------------------------------------

TEST(GpuCatalog, FitsComparesWhatCudaReports) {
  // An H100 80GB shows 79.19 GiB to CUDA (vLLM 0.10.2: "Free memory on device (78.66/79.19 GiB)").
  const Json r = run(R"({"model": "llama-3.1-8b", "mode": "inference", "gpu": {"preset": "h100-80gb"}})");
  EXPECT_NEAR(at(r, "fits.gpu_bytes") / 1073741824.0, 79.19, 0.005);
}

// ---- vLLM ---------------------------------------------------------------------------------------

TEST(Vllm, Fp8CacheHoldsTwiceTheTokens) {
  // kv_cache_interface.py: page = block × heads × head_size × 2 × dtype size; fp8 is 1 byte.
  const std::string mem = R"(, "kv_cache_memory": 10737418240)";
  const Json bf16 = run(inference("llama-3.1-8b", R"({"name": "vllm", "max_model_len": 8192)" + mem + "}"));
  const Json fp8 = run(inference("llama-3.1-8b", R"({"name": "vllm", "max_model_len": 8192, "kv_cache_dtype": "fp8")" + mem + "}"));
  EXPECT_EQ(at(fp8, "engine.gpu_blocks"), 2 * at(bf16, "engine.gpu_blocks"));
  // Llama 3.1 8B: 32 layers × 8 KV heads × 128 × 2 × 2 B × 16 tokens = 2 MiB per block (all layers).
  EXPECT_EQ(at(bf16, "engine.gpu_blocks"), 10737418240.0 / (2 * 1048576));
}

TEST(Vllm, CudaGraphsMoveInsideTheBudgetIn020) {
  // gpu_worker: from 0.20 the CUDA-graph estimate is subtracted before the KV cache; before, the
  // graphs were captured in what gpu_memory_utilization leaves.
  const Json before = run(inference("llama-3.1-8b", R"({"name": "vllm", "version": "0.19", "max_model_len": 8192})"));
  const Json after = run(inference("llama-3.1-8b", R"({"name": "vllm", "version": "0.20", "max_model_len": 8192})"));
  const double graphs = at(after, "engine.cuda_graph_bytes");
  EXPECT_GT(graphs, 0);
  EXPECT_NEAR(at(before, "engine.kv_cache_bytes") - at(after, "engine.kv_cache_bytes"), graphs, 2 * 1048576 + 1);
  const Json eager = run(inference("llama-3.1-8b", R"({"name": "vllm", "max_model_len": 8192, "enforce_eager": true})"));
  EXPECT_EQ(at(eager, "engine.cuda_graph_bytes"), 0);
}

TEST(Vllm, SlidingLayersHoldTheirWindowUnlessTheHybridManagerIsOff) {
  // gpt-oss-20b: 12 sliding (W 128) + 12 full layers. A request of 32,768 tokens needs
  // cdiv(32768, 16) = 2048 blocks per full group and cdiv(min(127 + 8192, 32768), 16) + 1 = 521 per
  // sliding group (kv_cache_interface SlidingWindowSpec.max_memory_usage_bytes, max_num_batched_tokens 8192).
  const std::string mem = R"(, "kv_cache_memory": 21474836480, "max_model_len": 32768, "max_num_batched_tokens": 8192)";
  const Json hybrid = run(inference("gpt-oss-20b", R"({"name": "vllm")" + mem + "}"));
  const Json off = run(inference("gpt-oss-20b", R"({"name": "vllm", "disable_hybrid_kv_cache_manager": true)" + mem + "}"));
  EXPECT_NEAR(at(hybrid, "engine.max_concurrency"), at(hybrid, "engine.gpu_blocks") / (2048 + 521), 1e-9);
  EXPECT_NEAR(at(off, "engine.max_concurrency"), at(off, "engine.gpu_blocks") / 2048, 1e-9);
  EXPECT_GT(at(hybrid, "engine.max_concurrency"), 1.5 * at(off, "engine.max_concurrency"));
}

TEST(Vllm, MambaAlignKeepsTwoStatesPerRequest) {
  // Qwen3.5-27B: 16 attention + 48 Gated DeltaNet layers, groups of 16 → 1 attention + 3 Mamba
  // groups; at 32,768 tokens a request needs 42 attention blocks (of 784 tokens) and 1 (none) or 2
  // (align) per Mamba group (MambaSpec.max_memory_usage_bytes).
  const std::string base = R"({"name": "vllm", "max_model_len": 32768, "kv_cache_memory": 100000000000, "mamba_cache_mode": )";
  const Json none = run(inference("qwen3.5-27b", base + R"("none"})"));
  const Json align = run(inference("qwen3.5-27b", base + R"("align"})"));
  EXPECT_EQ(at(none, "engine.block_size"), 784);
  EXPECT_NEAR(at(none, "engine.gpu_blocks") / at(none, "engine.max_concurrency"), 42 + 3, 1e-9);
  EXPECT_NEAR(at(align, "engine.gpu_blocks") / at(align, "engine.max_concurrency"), 42 + 6, 1e-9);
}

TEST(Vllm, TooLongARequestDoesNotStart) {
  // kv_cache_utils._check_enough_kv_cache_memory: one request of max_model_len must fit.
  const Json r = run(inference("llama-3.1-8b", R"({"name": "vllm", "max_model_len": 131072, "kv_cache_memory": 1073741824})"));
  EXPECT_EQ(r.find("engine")->find("starts")->as_bool(), false);
  EXPECT_EQ(r.find("fits")->find("fits")->as_bool(), false);
  // 1 GiB holds 512 blocks of 2 MiB: 8,192 tokens is the longest request.
  EXPECT_EQ(at(r, "engine.limits.max_model_len"), 8192);
  EXPECT_NE(issue_on(r, "inference.engine").find("estimated maximum model length is 8,192"), std::string::npos);
}

// ---- SGLang -------------------------------------------------------------------------------------

TEST(Sglang, DefaultMemFractionByRelease) {
  // server_args.py, late 2025: reserved = 512 + 1.5 × chunk + 2 × cuda_graph_max_bs + tp/8 × 1024 MiB,
  // at least 10 GiB above 60 GiB. H100 81,559 MiB at tp 1: chunk 8192, cuda_graph_max_bs 256 →
  // 512 + 12288 + 512 + 128 = 13,440 MiB → round((81559 − 13440) / 81559, 3) = 0.835.
  Json r = run(inference("llama-3.1-8b", R"({"name": "sglang"})"));
  EXPECT_NEAR(at(r, "engine.usable_bytes") / (79.19 * 1073741824.0 - 0.4 * 1073741824.0), 0.835, 1e-6);
  // Up to 0.4.6 by tp only: 0.85 at tp 4 (the QwQ-32B log of the corpus prints it).
  r = run(inference("qwen2.5-32b-instruct", R"({"name": "sglang", "version": "0.4.6-", "tp_size": 4})", "",
                    R"({"preset": "l4-24gb", "count": 4})"));
  EXPECT_NE(r.find("engine")->find("log")->as_array()[0].find("text")->as_string().find("0.850"), std::string::npos);
}

// ---- llama.cpp ----------------------------------------------------------------------------------

TEST(Llamacpp, ContextPaddedTo256AndSplitIntoStreams) {
  // llama-context.cpp: n_ctx = GGML_PAD(n_ctx, 256); without a unified cache each of np sequences
  // gets pad(n_ctx / np, 256) cells (-c 1024 -np 3 → 3 × 512 = 1536 cells).
  Json r = run(inference("llama-3.1-8b", R"({"name": "llamacpp", "n_ctx": 1000})"));
  EXPECT_EQ(at(r, "engine.kv_cache_tokens"), 1024);
  // 32 layers × 1024 cells × 1024 × 2 (K and V) × 2 B
  EXPECT_EQ(at(r, "engine.kv_cache_bytes"), 32.0 * 1024 * 1024 * 2 * 2);
  r = run(inference("llama-3.1-8b", R"({"name": "llamacpp", "n_ctx": 1024, "n_parallel": 3})"));
  EXPECT_EQ(at(r, "engine.kv_cache_tokens"), 1536);
  r = run(inference("llama-3.1-8b", R"({"name": "llamacpp", "n_ctx": 1024, "n_parallel": 3, "kv_unified": true})"));
  EXPECT_EQ(at(r, "engine.kv_cache_tokens"), 1024);
}

TEST(Llamacpp, QuantizedVNeedsFlashAttention) {
  const Json r = run(inference("llama-3.1-8b", R"({"name": "llamacpp", "n_ctx": 4096, "cache_type_v": "q8_0", "flash_attn": "off"})"));
  EXPECT_EQ(r.find("engine")->find("starts")->as_bool(), false);
  EXPECT_NE(issue_on(r, "inference.engine").find("V cache quantization requires flash_attn"), std::string::npos);
}

TEST(Llamacpp, PartialOffloadKeepsTheOutputOnTheCpu) {
  // load_tensors: -ngl N takes the last N layers; the output layer goes to the GPU only when N > n_layer.
  const Json r = run(inference("llama-3.1-8b", R"({"name": "llamacpp", "n_ctx": 4096, "n_gpu_layers": 20})"));
  const auto& devices = r.find("engine")->find("devices")->as_array();
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(devices[0].find("layers")->as_number(), 20);
  EXPECT_EQ(devices[0].find("output")->as_bool(), false);
  EXPECT_EQ(devices[1].find("layers")->as_number(), 12);
  EXPECT_EQ(devices[1].find("output")->as_bool(), true);
  // The 12 CPU layers' KV is on the CPU: 12 / 32 of 512 MiB.
  EXPECT_EQ(devices[1].find("kv_bytes")->as_number(), 12.0 / 32 * 512 * 1048576);
  EXPECT_GT(at(r, "host_bytes"), devices[1].find("weights_bytes")->as_number());
}

TEST(Llamacpp, NoFlashAttentionGrowsTheComputeBufferWithContext) {
  // build_attn_mha without flash attention: K·Q in f32, n_kv × n_ubatch × heads × 4 B.
  const Json fa = run(inference("llama-3.1-8b", R"({"name": "llamacpp", "n_ctx": 32768, "flash_attn": "on"})"));
  const Json no = run(inference("llama-3.1-8b", R"({"name": "llamacpp", "n_ctx": 32768, "flash_attn": "off"})"));
  const double scores = 32768.0 * 512 * 32 * 4;
  EXPECT_GE(at(no, "engine.compute_buffer_bytes"), scores);
  EXPECT_LT(at(fa, "engine.compute_buffer_bytes"), scores / 4);
}

// ---- transformers ------------------------------------------------------------------------------

TEST(Transformers, EagerAttentionHoldsTheScores) {
  // eager_attention_forward: softmax(..., dtype=float32).to(dtype) over batch × heads × P × P.
  const std::string ctx = R"(, "context_len": 4096, "batch_size": 2)";
  const Json sdpa = run(inference("llama-3.1-8b", R"({"name": "transformers"})", ctx));
  const Json eager = run(inference("llama-3.1-8b", R"({"name": "transformers", "attn_implementation": "eager"})", ctx));
  EXPECT_EQ(at(eager, "engine.activation_bytes") - at(sdpa, "engine.activation_bytes"), 2.0 * 32 * 4096 * 4096 * (2 + 4));
}

TEST(Transformers, AllLogitsOfThePrompt) {
  const std::string ctx = R"(, "context_len": 1024, "batch_size": 1)";
  const Json last = run(inference("llama-3.1-8b", R"({"name": "transformers"})", ctx));
  const Json all = run(inference("llama-3.1-8b", R"({"name": "transformers", "logits_to_keep": 0})", ctx));
  const auto logits = [](const Json& r) {
    for (const auto& c : r.find("components")->as_array())
      if (c.find("id")->as_string() == "output_logits") return c.find("bytes")->as_number();
    return 0.0;
  };
  EXPECT_EQ(logits(last), 128256.0 * (2 + 4));
  EXPECT_EQ(logits(all), 1024.0 * 128256 * 2 + 128256.0 * 4);
}

}  // namespace
