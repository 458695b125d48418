// Feeds arbitrary bytes to the scenario parser, the same bytes as a config.json model in both
// modes, and as a GGUF file and a safetensors file (beside a small config.json) to the checkpoint
// readers, estimating what they read. Any crash, sanitizer report, or a result that is not valid JSON with finite
// numbers is a failure.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "memcalc/estimate.hpp"
#include "memcalc/files.hpp"

namespace {

void check_finite(const memcalc::Json& j) {
  if (j.is_number() && !std::isfinite(j.as_number())) std::abort();
  for (const auto& v : j.as_array()) check_finite(v);
  for (const auto& [k, v] : j.as_object()) check_finite(v);
}

void run(const std::string& scenario) {
  const std::string out = memcalc::estimate_json(scenario);
  const memcalc::JsonParseResult r = memcalc::parse_json(out);
  if (!r.ok || !r.value.find("ok")) std::abort();
  check_finite(r.value);
}

}  // namespace

void read_as(const std::string& name, const std::string& bytes) {
  const std::string config = R"({"model_type": "llama", "hidden_size": 256, "intermediate_size": 512, "num_hidden_layers": 2,
    "num_attention_heads": 8, "num_key_value_heads": 2, "vocab_size": 1000})";
  // The whole input, then only its first half of a file twice as large (the readers ask for more).
  for (double size : {static_cast<double>(bytes.size()), 2.0 * static_cast<double>(bytes.size())}) {
    const memcalc::FilesRead r = memcalc::read_files({{name, size, bytes}, {"config.json", static_cast<double>(config.size()), config}});
    if (!r.ok()) continue;
    check_finite(r.model);
    check_finite(r.inspect);
    memcalc::Json s = memcalc::Json::object();
    s.set("model", r.model);
    s.set("mode", "inference");
    run(s.dump());
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  run(text);
  if (size >= 4 && text.compare(0, 4, "GGUF") == 0) read_as("fuzz.gguf", text);
  else if (size >= 8) read_as("fuzz.safetensors", text);
  const memcalc::JsonParseResult parsed = memcalc::parse_json(text);
  if (parsed.ok && parsed.value.is_object() && !parsed.value.find("model")) {
    for (const char* mode : {"training", "inference"}) {
      memcalc::Json s = memcalc::Json::object();
      s.set("model", parsed.value);
      s.set("mode", mode);
      run(s.dump());
    }
  }
  return 0;
}
