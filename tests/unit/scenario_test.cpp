// Scenario validation: every bad value is an error naming its field; unknown fields are reported.
#include <gtest/gtest.h>

#include "memcalc/estimate.hpp"

namespace {

using namespace memcalc;

const Issue* issue_for(const std::vector<Issue>& issues, const std::string& field) {
  for (const auto& i : issues)
    if (i.field == field) return &i;
  return nullptr;
}

TEST(Scenario, DefaultsMatchTheContract) {
  const auto r = parse_scenario_text(R"({"model":"llama-3.1-8b"})");
  ASSERT_FALSE(has_errors(r.issues));
  const Scenario& s = r.scenario;
  EXPECT_EQ(s.mode, Mode::training);
  EXPECT_EQ(s.training.batch_size, 1);
  EXPECT_EQ(s.training.seq_len, 4096);
  EXPECT_EQ(s.training.precision, Precision::bf16_mixed);
  EXPECT_EQ(s.training.optimizer, Optimizer::adamw);
  EXPECT_EQ(s.training.activation_formula, ActivationFormula::seed);
  EXPECT_EQ(s.training.lora_rank, 16);
  EXPECT_EQ(s.inference.context_len, 4096);
  EXPECT_EQ(s.inference.weight_dtype, WeightDtype::auto_);  // CONTRACTS.md §6.1: as the checkpoint stores it
  EXPECT_EQ(s.gpu.preset, "h100-80gb");
  EXPECT_EQ(s.gpu.memory_bytes, 85899345920.0);  // CONTRACTS.md §1 example
}

TEST(Scenario, EachBadValueNamesItsField) {
  const struct {
    const char* json;
    const char* field;
  } cases[] = {
      {R"({"model":"llama-3.1-8b","training":{"batch_size":0}})", "training.batch_size"},
      {R"({"model":"llama-3.1-8b","training":{"batch_size":2.5}})", "training.batch_size"},
      {R"({"model":"llama-3.1-8b","training":{"seq_len":"long"}})", "training.seq_len"},
      {R"({"model":"llama-3.1-8b","training":{"precision":"fp64"}})", "training.precision"},
      {R"({"model":"llama-3.1-8b","training":{"parallel":{"zero":4}}})", "training.parallel.zero"},
      {R"({"model":"llama-3.1-8b","training":{"parallel":{"tp":3}}})", "training.parallel.tp"},
      {R"({"model":"llama-3.1-8b","training":{"parallel":{"ep":2}}})", "training.parallel.ep"},
      {R"({"model":"llama-3.1-8b","training":{"parallel":"x"}})", "training.parallel"},
      {R"({"model":"llama-3.1-8b","mode":"serving"})", "mode"},
      {R"({"model":"llama-3.1-8b","mode":"inference","inference":{"tp":5}})", "inference.tp"},
      {R"({"model":"llama-3.1-8b","inference":{"kv_dtype":"fp4"}})", "inference.kv_dtype"},
      {R"({"model":"llama-3.1-8b","inference":{"context_len":1e30}})", "inference.context_len"},
      {R"({"model":"llama-3.1-8b","gpu":{"memory_bytes":-1}})", "gpu.memory_bytes"},
      {R"({"model":"llama-3.1-8b","gpu":{"preset":"a1000"}})", "gpu.preset"},
      {R"({"model":"no-such-model"})", "model"},
      {R"({"model":42})", "model"},
      {R"({})", "model"},
      {R"({"model":{"hidden_size":4096}})", "model.vocab_size"},
      {R"({"model":{"vocab_size":32000,"hidden_size":4096,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":5,"intermediate_size":11008}})", "model.num_key_value_heads"},
      {R"({"model":{"vocab_size":32000,"hidden_size":-4096,"num_hidden_layers":32,"num_attention_heads":32,"intermediate_size":11008}})", "model.hidden_size"},
      {R"({"model":{"vocab_size":"big","hidden_size":4096,"num_hidden_layers":32,"num_attention_heads":32,"intermediate_size":11008}})", "model.vocab_size"},
      {R"([1,2])", ""},
      {R"({"model":)", ""},
  };
  for (const auto& c : cases) {
    const auto r = parse_scenario_text(c.json);
    ASSERT_TRUE(has_errors(r.issues)) << c.json;
    const Issue* i = issue_for(r.issues, c.field);
    ASSERT_NE(i, nullptr) << c.json << " has no issue for " << c.field << " (first: " << r.issues[0].field << ")";
    EXPECT_EQ(i->severity, Severity::error);
    EXPECT_FALSE(i->message.empty());
  }
}

TEST(Scenario, UnknownFieldsAreReportedNotUsed) {
  const auto r = parse_scenario_text(R"({"model":"llama-3.1-8b","trainig":{},"training":{"batchsize":8}})");
  EXPECT_FALSE(has_errors(r.issues));
  ASSERT_NE(issue_for(r.issues, "trainig"), nullptr);
  ASSERT_NE(issue_for(r.issues, "training.batchsize"), nullptr);
  EXPECT_EQ(issue_for(r.issues, "training.batchsize")->severity, Severity::warning);
  EXPECT_EQ(r.scenario.training.batch_size, 1);
}

TEST(Scenario, ErrorResultsCarryNoNumbers) {
  const auto out = parse_json(estimate_json(R"({"model":"llama-3.1-8b","training":{"batch_size":-1}})"));
  ASSERT_TRUE(out.ok);
  EXPECT_FALSE(out.value.find("ok")->as_bool());
  EXPECT_EQ(out.value.find("components"), nullptr);
  EXPECT_EQ(out.value.find("total_bytes"), nullptr);
}

TEST(HfConfig, ArchitecturesNameTheirFieldsDifferently) {
  std::vector<Issue> issues;
  // Mixtral: num_local_experts; DeepSeek: n_routed_experts; Qwen-MoE: num_experts.
  for (const char* key : {"num_local_experts", "n_routed_experts", "num_experts"}) {
    Json c = Json::object();
    c.set("hidden_size", 1024);
    c.set(key, 8);
    c.set("num_experts_per_tok", 2);
    const ModelConfig m = model_from_hf_config(c, "model", issues);
    EXPECT_EQ(m.num_experts, 8) << key;
    EXPECT_EQ(m.experts_per_token, 2) << key;
  }
  // GPT-2: n_embd / n_layer / n_head, n_inner null → 4·n_embd, learned positions, tied.
  const auto gpt2 = parse_json(R"({"model_type":"gpt2","n_embd":768,"n_layer":12,"n_head":12,"n_positions":1024,"n_inner":null,"vocab_size":50257})");
  const ModelConfig m = model_from_hf_config(gpt2.value, "model", issues);
  EXPECT_EQ(m.hidden_size, 768);
  EXPECT_EQ(m.intermediate_size, 3072);
  EXPECT_EQ(m.learned_positions, 1024);
  EXPECT_TRUE(m.tied_embeddings);
  EXPECT_EQ(m.mlp, MlpKind::plain);
}

TEST(HfConfig, HeadDimIsReadNotAssumed) {
  std::vector<Issue> issues;
  // Gemma 2 9B: 16 heads of 256 on a 3584-wide model (3584 / 16 = 224 would be wrong).
  const auto c = parse_json(R"({"model_type":"gemma2","hidden_size":3584,"num_attention_heads":16,"num_key_value_heads":8,"head_dim":256})");
  EXPECT_EQ(model_from_hf_config(c.value, "model", issues).head_dim, 256);
}

TEST(HfConfig, UnusedFieldsAreReported) {
  std::vector<Issue> issues;
  const auto c = parse_json(R"({"model_type":"llama","hidden_size":64,"rope_theta":10000,"my_custom_field":1})");
  model_from_hf_config(c.value, "model", issues);
  ASSERT_NE(issue_for(issues, "model.my_custom_field"), nullptr);
  EXPECT_EQ(issue_for(issues, "model.rope_theta"), nullptr);  // known not to change memory
}

TEST(HfConfig, SlidingWindowLayersFollowTheArchitecture) {
  std::vector<Issue> issues;
  auto layers = [&](const char* json) {
    double sliding = 0;
    for (const Layer& l : model_from_hf_config(parse_json(json).value, "model", issues).layers)
      for (const Mixer& x : l.mixers) sliding += x.span == AttentionSpan::sliding ? 1 : 0;
    return sliding;
  };
  EXPECT_EQ(layers(R"({"model_type":"mistral","num_hidden_layers":32,"sliding_window":4096})"), 32);
  EXPECT_EQ(layers(R"({"model_type":"gemma2","num_hidden_layers":42,"sliding_window":4096})"), 21);
  EXPECT_EQ(layers(R"({"model_type":"gemma3_text","num_hidden_layers":62,"sliding_window":1024,"sliding_window_pattern":6})"), 52);
  EXPECT_EQ(layers(R"({"model_type":"qwen2","num_hidden_layers":28,"sliding_window":131072,"use_sliding_window":false})"), 0);
}

}  // namespace
