// Feeds arbitrary bytes to the scenario parser, and the same bytes as a config.json model, in
// both modes. Any crash, sanitizer report, or a result that is not valid JSON with finite
// numbers is a failure.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "memcalc/estimate.hpp"

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

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  run(text);
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
