// The checkpoint readers on files written by our own writer (tests/support): every tensor's bytes,
// the model they describe, progressive reading of headers, and errors that name the file and byte.
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "memcalc/estimate.hpp"

namespace {

using memcalc::FileStart;
using memcalc::FilesRead;
using memcalc::Json;
using memcalc::testing::Fixture;

std::vector<FileStart> whole(const Fixture& f) {
  std::vector<FileStart> out;
  for (const auto& file : f.files) out.push_back({file.name, file.size, file.bytes});
  return out;
}

// Reads as the page does: the first 64 bytes of each file, then what the readers ask for.
FilesRead progressive(const Fixture& f, int* rounds) {
  std::vector<FileStart> given;
  for (const auto& file : f.files) given.push_back({file.name, file.size, file.bytes.substr(0, 64)});
  FilesRead r;
  for (*rounds = 1;; ++*rounds) {
    r = memcalc::read_files(given);
    if (r.need.empty() || *rounds > 20) return r;
    for (const auto& n : r.need)
      for (std::size_t i = 0; i < f.files.size(); ++i)
        if (f.files[i].name == n.name) given[i].bytes = f.files[i].bytes.substr(0, static_cast<std::size_t>(n.bytes));
  }
}

Json estimate(const Json& model, const std::string& inference = "{}") {
  Json s = Json::object();
  s.set("model", model);
  s.set("mode", "inference");
  s.set("inference", memcalc::parse_json(inference).value);
  return memcalc::parse_json(memcalc::estimate_json(s.dump())).value;
}

double component(const Json& r, const char* id) {
  for (const auto& c : r.find("components")->as_array())
    if (c.find("id")->as_string() == id) return c.find("bytes")->as_number();
  return 0;
}

class EveryFixture : public ::testing::TestWithParam<Fixture> {};

TEST_P(EveryFixture, ReadsEveryTensorsBytes) {
  const Fixture& f = GetParam();
  const FilesRead r = memcalc::read_files(whole(f));
  ASSERT_TRUE(r.ok()) << (r.issues.empty() ? "" : r.issues[0].field + ": " + r.issues[0].message);
  EXPECT_EQ(r.inspect.find("bytes")->as_number(), f.tensor_bytes);
  EXPECT_EQ(r.model.find("checkpoint_tensors")->find("bytes")->as_number(), f.tensor_bytes);
  // The estimate's weights are the files' bytes, to the byte.
  const Json e = estimate(r.model);
  ASSERT_TRUE(e.find("ok")->as_bool()) << e.dump();
  EXPECT_EQ(component(e, "weights") + component(e, "encoders"), f.tensor_bytes);
  EXPECT_EQ(e.find("params")->find("source")->as_string(), "checkpoint");
}

TEST_P(EveryFixture, ReadsHeadersAPieceAtATime) {
  const Fixture& f = GetParam();
  int rounds = 0;
  const FilesRead r = progressive(f, &rounds);
  ASSERT_TRUE(r.ok()) << rounds;
  EXPECT_LE(rounds, 4);
  EXPECT_EQ(r.inspect.find("bytes")->as_number(), f.tensor_bytes);
  EXPECT_LE(r.read_bytes, r.total_bytes);
}

INSTANTIATE_TEST_SUITE_P(Files, EveryFixture, ::testing::ValuesIn(memcalc::testing::fixtures()),
                         [](const ::testing::TestParamInfo<Fixture>& p) {
                           std::string n = p.param.name;
                           for (auto& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return n;
                         });

Fixture named(const std::string& name) {
  for (auto& f : memcalc::testing::fixtures())
    if (f.name == name) return f;
  return {};
}

Json read_model(const std::string& name) { return memcalc::read_files(whole(named(name))).model; }

TEST(Files, GgufArchitectureGivesTheModel) {
  // llama: 2 layers × 2 KV heads × 32 × (K + V) × 2 B per token; parameters counted from the tensors
  // equal those counted from the architecture.
  const Json llama = estimate(read_model("gguf-llama-q4_k"));
  EXPECT_EQ(llama.find("kv_bytes_per_token")->as_number(), 2.0 * 2 * 32 * 2 * 2);
  const double params = 256.0 * 1000 * 2 + 2 * (256 + 256 * 256 * 2 + 256 * 64 * 2 + 256 + 256 * 512 * 3) + 256;
  EXPECT_EQ(llama.find("params")->find("total")->as_number(), params);
  // MoE: 2 of 4 experts per token.
  const Json moe = estimate(read_model("gguf-qwen3moe-q4_k"));
  EXPECT_LT(moe.find("params")->find("active")->as_number(), moe.find("params")->find("total")->as_number());
  // MLA: one latent of kv_lora_rank 256 + rope 32 per token and layer.
  const Json mla = estimate(read_model("gguf-deepseek2-mla"));
  EXPECT_EQ(mla.find("kv_bytes_per_token")->as_number(), 2.0 * (256 + 32) * 2);
  // Hybrid: one full-attention layer of 4, three with a recurrent state.
  const Json hybrid = estimate(read_model("gguf-qwen35-hybrid"));
  EXPECT_EQ(hybrid.find("kv_bytes_per_token")->as_number(), 1.0 * 2 * 32 * 2 * 2);
  EXPECT_GT(hybrid.find("recurrent_state_bytes_per_sequence")->as_number(), 0);
}

TEST(Files, LlamaCppPlacesTheFilesLayers) {
  // The per-layer bytes of the file are what llama.cpp places: every layer but the embedding on the GPU.
  const Fixture f = named("gguf-llama-q4_k");
  const Json r = estimate(read_model("gguf-llama-q4_k"), R"({"engine": {"name": "llamacpp", "n_ctx": 4096}})");
  const auto& devices = r.find("engine")->find("devices")->as_array();
  const double embd = 256.0 * 1000 / 256 * 144;  // token_embd in Q4_K
  EXPECT_EQ(devices[0].find("weights_bytes")->as_number(), f.tensor_bytes - embd);
  EXPECT_EQ(devices[1].find("weights_bytes")->as_number(), embd);
}

TEST(Files, SplitFilesAddUpAndOneAloneSaysSo) {
  const Fixture f = named("gguf-llama-split");
  std::vector<FileStart> first = {whole(f)[0]};
  const FilesRead r = memcalc::read_files(first);
  ASSERT_TRUE(r.ok());
  EXPECT_LT(r.inspect.find("bytes")->as_number(), f.tensor_bytes);
  EXPECT_EQ(r.issues.at(0).severity, memcalc::Severity::warning);
  EXPECT_NE(r.issues[0].message.find("split into 2 files"), std::string::npos);
}

std::string first_error(const std::vector<FileStart>& files) {
  const FilesRead r = memcalc::read_files(files);
  for (const auto& i : r.issues)
    if (i.severity == memcalc::Severity::error) return i.field + ": " + i.message;
  return "";
}

TEST(Files, BadFilesGetErrorsNamingTheByteOrTensor) {
  const Fixture g = named("gguf-llama-q4_k");
  std::string bytes = g.files[0].bytes;
  EXPECT_NE(first_error({{"x.gguf", 100, "GGUX" + bytes.substr(4, 96)}}).find("byte 0: not a GGUF file"), std::string::npos);
  std::string v1 = bytes;
  v1[4] = 1;
  EXPECT_NE(first_error({{"x.gguf", g.files[0].size, v1}}).find("byte 4: GGUF version 1"), std::string::npos);
  // The file ends inside its header.
  EXPECT_NE(first_error({{"x.gguf", 200, bytes.substr(0, 200)}}).find("the file ends inside its header"), std::string::npos);
  // Tensors past the end of the file.
  EXPECT_NE(first_error({{"x.gguf", static_cast<double>(g.files[0].size - 100), bytes}}).find("run past the end of the file"),
            std::string::npos);
  // An unknown ggml type: the first tensor's type field.
  std::string t = bytes;
  const auto at = t.find("token_embd.weight") + 17 + 4 + 16;
  t[at] = 99;
  EXPECT_NE(first_error({{"x.gguf", g.files[0].size, t}}).find("unknown ggml type 99"), std::string::npos);

  const Fixture s = named("safetensors-llama-bf16");
  const std::string st = s.files[1].bytes, config = s.files[0].bytes;
  const FileStart cfg{"config.json", static_cast<double>(config.size()), config};
  std::string huge = st;
  huge[7] = 0x7f;
  EXPECT_NE(first_error({cfg, {"m.safetensors", static_cast<double>(st.size()), huge}}).find("bytes 0–7"), std::string::npos);
  std::string broken = st;
  broken[9] = '[';
  EXPECT_NE(first_error({cfg, {"m.safetensors", static_cast<double>(st.size()), broken}}).find("not JSON"), std::string::npos);
  EXPECT_NE(first_error({cfg, {"m.safetensors", static_cast<double>(st.size() - 1000), st.substr(0, st.size() - 1000)}})
                .find("lie outside the file"),
            std::string::npos);
  EXPECT_NE(first_error({{"m.safetensors", static_cast<double>(st.size()), st}}).find("config.json"), std::string::npos);
  const Fixture sh = named("safetensors-llama-sharded");
  std::vector<FileStart> missing = whole(sh);
  missing.pop_back();
  EXPECT_NE(first_error(missing).find("lists the shard model-00002-of-00002.safetensors"), std::string::npos);
}

}  // namespace
