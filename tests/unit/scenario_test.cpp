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

namespace {

// The importer's errors name the field; it never falls back to full attention silently.
const Issue* first_error(const std::vector<Issue>& issues) {
  for (const auto& i : issues)
    if (i.severity == Severity::error) return &i;
  return nullptr;
}

std::vector<Issue> import_issues(const char* config) {
  std::vector<Issue> issues;
  const ModelConfig m = model_from_hf_config(parse_json(config).value, "model", issues);
  if (!has_errors(issues)) validate_model(m, "model", issues);
  return issues;
}

TEST(HfConfig, UnknownLayerTypeIsAnErrorNamingTheField) {
  const auto issues = import_issues(R"({"model_type":"qwen3_next","hidden_size":64,"num_hidden_layers":3,"num_attention_heads":4,
    "intermediate_size":128,"vocab_size":100,"layer_types":["full_attention","hyper_attention","full_attention"]})");
  const Issue* e = first_error(issues);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->field, "model.layer_types");
  EXPECT_NE(e->message.find("hyper_attention"), std::string::npos);
}

TEST(HfConfig, PatternLengthMustMatchTheLayerCount) {
  for (const char* config : {
           R"({"model_type":"gpt_oss","hidden_size":64,"num_hidden_layers":4,"num_attention_heads":4,"intermediate_size":128,
               "vocab_size":100,"sliding_window":8,"layer_types":["sliding_attention","full_attention"]})",
           R"({"model_type":"nemotron_h","hidden_size":64,"num_hidden_layers":4,"num_attention_heads":4,"intermediate_size":128,
               "vocab_size":100,"hybrid_override_pattern":"M*-"})",
           R"({"model_type":"minimax","hidden_size":64,"num_hidden_layers":4,"num_attention_heads":4,"intermediate_size":128,
               "vocab_size":100,"attn_type_list":[0,1]})"}) {
    const Issue* e = first_error(import_issues(config));
    ASSERT_NE(e, nullptr) << config;
    EXPECT_NE(e->message.find("num_hidden_layers is 4"), std::string::npos) << e->field << ": " << e->message;
  }
}

TEST(HfConfig, UnknownModelTypeIsEstimatedWithAWarning) {
  const auto issues = import_issues(R"({"model_type":"zeta9","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,
    "intermediate_size":128,"vocab_size":100})");
  EXPECT_FALSE(has_errors(issues));
  const Issue* w = issue_for(issues, "model.model_type");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->severity, Severity::warning);
}

TEST(HfConfig, AQuantizationMemcalcCannotSizeRefusesAuto) {
  const char* scenario = R"({"mode":"inference","model":{"model_type":"llama","hidden_size":64,"num_hidden_layers":2,
    "num_attention_heads":4,"intermediate_size":128,"vocab_size":100,"quantization_config":{"quant_method":"hqq"}}})";
  const auto auto_result = parse_json(estimate_json(scenario));
  EXPECT_FALSE(auto_result.value.find("ok")->as_bool());
  bool named = false;
  for (const auto& i : auto_result.value.find("issues")->as_array())
    named = named || (i.find("field")->as_string() == "inference.weight_dtype" && i.find("severity")->as_string() == "error");
  EXPECT_TRUE(named);
  // An explicit weight type needs no sizing of the checkpoint's format.
  std::string explicit_type(scenario);
  explicit_type.replace(explicit_type.find(R"("mode":"inference")"), 18, R"("mode":"inference","inference":{"weight_dtype":"int4"})");
  EXPECT_TRUE(parse_json(estimate_json(explicit_type)).value.find("ok")->as_bool());
}

TEST(HfConfig, HybridLayoutsAreReadLayerByLayer) {
  std::vector<Issue> issues;
  auto kinds = [&](const char* json) {
    std::string out;
    for (const Layer& l : model_from_hf_config(parse_json(json).value, "model", issues).layers)
      out += l.mixers.empty() ? '-' : l.mixers[0].is_recurrent() ? 'R' : l.mixers[0].span == AttentionSpan::full ? 'A' : 'W';
    return out;
  };
  // Qwen3-Next: every 4th layer full attention (full_attention_interval 4).
  EXPECT_EQ(kinds(R"({"model_type":"qwen3_next","num_hidden_layers":8,"full_attention_interval":4})"), "RRRARRRA");
  // Nemotron-H: M Mamba-2, * attention, - MLP only.
  EXPECT_EQ(kinds(R"({"model_type":"nemotron_h","num_hidden_layers":5,"hybrid_override_pattern":"M-*-M"})"), "R-A-R");
  // Jamba: attention where i % attn_layer_period == attn_layer_offset.
  EXPECT_EQ(kinds(R"({"model_type":"jamba","num_hidden_layers":8,"attn_layer_period":8,"attn_layer_offset":4})"), "RRRRARRR");
  // Llama 4: every 4th layer global (NoPE), the rest chunked.
  EXPECT_EQ(kinds(R"({"model_type":"llama4_text","num_hidden_layers":8,"attention_chunk_size":8192})"), "WWWAWWWA");
  // Kimi Linear: 1-based KDA layers; the rest MLA.
  EXPECT_EQ(kinds(R"({"model_type":"kimi_linear","num_hidden_layers":4,"kv_lora_rank":512,
                      "linear_attn_config":{"kda_layers":[1,2,3],"full_attn_layers":[4]}})"), "RRRA");
}

}  // namespace
