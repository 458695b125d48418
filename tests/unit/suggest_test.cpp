// What makes it fit: every suggestion, applied to the scenario as its `change` says, gives a scenario
// that fits with the total the suggestion states; the room a fitting scenario leaves is the largest
// that fits; the longest context stops at the model's.
#include <gtest/gtest.h>

#include <string>

#include "memcalc/estimate.hpp"

namespace {

using memcalc::Json;

Json run(const Json& scenario) {
  const auto parsed = memcalc::parse_json(memcalc::estimate_json(scenario.dump()));
  EXPECT_TRUE(parsed.ok);
  return parsed.value;
}

Json scenario(const std::string& text) {
  auto parsed = memcalc::parse_json(text);
  EXPECT_TRUE(parsed.ok) << text;
  return parsed.value;
}

// Sets a dotted path ("training.parallel.zero") in a scenario, creating objects on the way (through
// set(), so copies that share this one's objects keep theirs).
void set_path(Json& s, const std::string& path, const Json& value) {
  const auto dot = path.find('.');
  if (dot == std::string::npos) {
    s.set(path, value);
    return;
  }
  const std::string key = path.substr(0, dot);
  Json child = s.find(key) ? *s.find(key) : Json::object();
  set_path(child, path.substr(dot + 1), value);
  s.set(key, child);
}

bool fits(const Json& r) { return r.find("fits")->find("fits")->as_bool(); }

// Applies each suggestion and checks it does what it says.
void expect_each_applies(const Json& s, std::size_t at_least) {
  const Json r = run(s);
  ASSERT_TRUE(r.find("ok")->as_bool());
  ASSERT_FALSE(fits(r));
  const auto& list = r.find("suggestions")->as_array();
  EXPECT_GE(list.size(), at_least) << s.dump();
  for (const Json& x : list) {
    Json changed = s;
    for (const auto& [path, value] : x.find("change")->as_object()) set_path(changed, path, value);
    const Json after = run(changed);
    EXPECT_TRUE(after.find("ok")->as_bool()) << x.find("label")->as_string();
    EXPECT_TRUE(fits(after)) << x.find("label")->as_string();
    EXPECT_DOUBLE_EQ(after.find("total_bytes")->as_number(), x.find("total_bytes")->as_number()) << x.find("label")->as_string();
    EXPECT_TRUE(x.find("fits")->as_bool());
    EXPECT_FALSE(x.find("label")->as_string().empty());
  }
}

TEST(Suggestions, TrainingChangesMakeItFit) {
  // Llama 3.1 8B, full fine-tuning at 4,096 tokens on one 80 GB GPU: AdamW's 16 B per parameter alone
  // is 128 GB, so only LoRA-like changes and offloading fit.
  expect_each_applies(scenario(R"({"model": "llama-3.1-8b", "mode": "training",
      "training": {"batch_size": 1, "seq_len": 4096, "flash_attention": true}, "gpu": {"preset": "h100-80gb"}})"), 2);
  // The same on 8 GPUs without ZeRO: sharding is a single change that fits, listed before LoRA.
  const Json s = scenario(R"({"model": "llama-3.1-8b", "mode": "training",
      "training": {"batch_size": 1, "seq_len": 4096, "flash_attention": true, "parallel": {"dp": 8}},
      "gpu": {"preset": "h100-80gb", "count": 8}})");
  expect_each_applies(s, 2);
  const Json r = run(s);
  const auto& list = r.find("suggestions")->as_array();
  std::size_t zero = list.size(), lora = list.size();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Json& change = *list[i].find("change");
    if (change.find("training.parallel.zero") && zero == list.size()) zero = i;
    if (const Json* f = change.find("training.finetune"); f && f->as_string() == "lora") lora = i;
  }
  EXPECT_LT(zero, list.size());
  EXPECT_LT(zero, lora) << "sharding costs less than changing the method";
}

TEST(Suggestions, InferenceChangesMakeItFit) {
  // Llama 3.1 70B in bf16 (141 GB of weights) on one H100: quantized weights or more GPUs.
  expect_each_applies(scenario(R"({"model": "llama-3.1-70b", "mode": "inference",
      "inference": {"context_len": 8192}, "gpu": {"preset": "h100-80gb"}})"), 2);
}

TEST(Suggestions, EngineChangesMakeItStart) {
  // vLLM: 70B does not start on one H100; tp=4 does (the fewest GPUs), or 4-bit weights with a shorter context.
  expect_each_applies(scenario(R"({"model": "llama-3.1-70b", "mode": "inference",
      "inference": {"engine": {"name": "vllm"}}, "gpu": {"preset": "h100-80gb"}})"), 1);
  // llama.cpp: Qwen3 32B in bf16 on a 24 GB card: fewer layers on the GPU, or more cards.
  expect_each_applies(scenario(R"({"model": "qwen3-32b", "mode": "inference",
      "inference": {"engine": {"name": "llamacpp"}}, "gpu": {"preset": "rtx-4090-24gb"}})"), 1);
  // SGLang: 4-bit weights.
  expect_each_applies(scenario(R"({"model": "llama-3.1-70b", "mode": "inference",
      "inference": {"engine": {"name": "sglang"}}, "gpu": {"preset": "h100-80gb"}})"), 1);
}

TEST(Suggestions, RoomToSpareIsTheLargestThatFits) {
  const Json s = scenario(R"({"model": "llama-3.1-8b", "mode": "inference",
      "inference": {"context_len": 4096, "batch_size": 1}, "gpu": {"preset": "h100-80gb"}})");
  const Json r = run(s);
  ASSERT_TRUE(fits(r));
  const auto& list = r.find("suggestions")->as_array();
  ASSERT_EQ(list.size(), 2u);
  // The batch: the largest that fits, one more does not.
  const Json* batch = list[1].find("change")->find("inference.batch_size");
  ASSERT_TRUE(batch);
  Json more = s;
  set_path(more, "inference.batch_size", Json(batch->as_number()));
  EXPECT_TRUE(fits(run(more)));
  set_path(more, "inference.batch_size", Json(batch->as_number() + 1));
  EXPECT_FALSE(fits(run(more)));
}

TEST(Suggestions, NoneWhenNothingHelps) {
  // Nothing in the list makes a 405B model fit a 16 GB card: an empty list, not a wrong one.
  const Json r = run(scenario(R"({"model": "llama-3.1-405b", "mode": "inference",
      "inference": {"context_len": 4096}, "gpu": {"memory_bytes": 17179869184, "count": 1}})"));
  EXPECT_FALSE(fits(r));
  for (const Json& x : r.find("suggestions")->as_array()) EXPECT_TRUE(x.find("fits")->as_bool());
}

// Llama 3.1 8B's config: max_position_embeddings 131072 (meta-llama/Llama-3.1-8B config.json). On an
// H100 far more would fit in memory; the answer stops at the model's and says so.
TEST(Limits, LongestContextStopsAtTheModels) {
  const Json r = run(scenario(R"({"model": "llama-3.1-8b", "mode": "inference",
      "inference": {"context_len": 4096}, "gpu": {"preset": "h100-80gb"}})"));
  EXPECT_EQ(r.find("limits")->find("max_seq_len")->as_number(), 131072);
  EXPECT_TRUE(r.find("limits")->find("max_seq_len_capped")->as_bool());
  // GPT-2 small on the same GPU: 1,024 positions (openai-community/gpt2 config.json n_positions).
  const Json g = run(scenario(R"({"model": "gpt2", "mode": "training", "training": {"batch_size": 1, "seq_len": 512},
      "gpu": {"preset": "h100-80gb"}})"));
  EXPECT_EQ(g.find("limits")->find("max_seq_len")->as_number(), 1024);
  EXPECT_TRUE(g.find("limits")->find("max_seq_len_capped")->as_bool());
  // A 70B model on a 24 GB card: the memory, not the model, is the limit.
  const Json small = run(scenario(R"({"model": "llama-3.1-8b", "mode": "inference", "inference": {"weight_dtype": "int4"},
      "gpu": {"preset": "rtx-4090-24gb"}})"));
  EXPECT_LT(small.find("limits")->find("max_seq_len")->as_number(), 131072);
  EXPECT_FALSE(small.find("limits")->find("max_seq_len_capped")->as_bool());
}

TEST(Limits, SettingsBeyondTheModelAreWarned) {
  for (const char* engine : {R"({"name": "vllm", "max_model_len": 200000})", R"({"name": "sglang", "context_length": 200000})",
                             R"({"name": "llamacpp", "n_ctx": 200000})"}) {
    const Json r = run(scenario(std::string(R"({"model": "llama-3.1-8b", "mode": "inference", "inference": {"engine": )") + engine +
                                R"(}, "gpu": {"preset": "h100-80gb"}})"));
    bool warned = false;
    for (const Json& i : r.find("issues")->as_array())
      warned = warned || (i.find("severity")->as_string() == "warning" && i.find("message")->as_string().find("131,072") != std::string::npos);
    EXPECT_TRUE(warned) << engine;
  }
}

// Qwen2.5's model card extends the 32,768-token context with rope_scaling {"type": "yarn", "factor": 4.0,
// "original_max_position_embeddings": 32768}; vLLM derives max_model_len 131,072 from it.
TEST(Limits, RopeScalingStretchesTheContext) {
  const Json config = scenario(R"({"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 3584,
      "intermediate_size": 18944, "num_hidden_layers": 28, "num_attention_heads": 28, "num_key_value_heads": 4,
      "vocab_size": 152064, "max_position_embeddings": 32768, "torch_dtype": "bfloat16", "tie_word_embeddings": false,
      "rope_scaling": {"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}})");
  Json s = scenario(R"({"mode": "inference", "inference": {"engine": {"name": "vllm"}}, "gpu": {"preset": "h200-141gb"}})");
  s.set("model", config);
  const Json r = run(s);
  ASSERT_TRUE(r.find("ok")->as_bool());
  EXPECT_EQ(r.find("engine")->find("max_model_len")->as_number(), 131072);
}

}  // namespace
