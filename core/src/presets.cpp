// Presets: core/presets/*.json, embedded at build time (cmake/embed_presets.cmake). Each file holds
// a model's Hugging Face config.json fields verbatim, read by the same importer users' files go
// through, plus where it came from and its published parameter count.
#include <string_view>

#include "memcalc/model.hpp"

namespace memcalc {

extern const std::string_view kPresetsJson;

namespace {

std::vector<ModelConfig> load_presets() {
  std::vector<ModelConfig> out;
  const JsonParseResult parsed = parse_json(kPresetsJson);
  for (const Json& p : parsed.value.as_array()) {
    const Json* config = p.find("config");
    if (!config) continue;
    std::vector<Issue> ignored;  // presets are checked by the test suite, not at run time
    ModelConfig m = model_from_hf_config(*config, "model", ignored);
    auto text = [&](const char* key) {
      const Json* v = p.find(key);
      return v && v->is_string() ? v->as_string() : std::string();
    };
    m.id = text("id");
    m.name = text("name");
    m.source = text("source");
    m.family = text("family");
    m.released = text("released");
    m.official = text("official");
    m.published_params_source = text("published_params_source");
    if (const Json* n = p.find("published_params"); n && n->is_number()) m.published_params = n->as_number();
    if (const Json* e = p.find("published_params_exact"); e && e->is_bool()) m.published_params_exact = e->as_bool();
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

const std::vector<ModelConfig>& presets() {
  static const std::vector<ModelConfig> all = load_presets();
  return all;
}

const ModelConfig* find_preset(const std::string& id) {
  for (const auto& m : presets())
    if (m.id == id) return &m;
  return nullptr;
}

}  // namespace memcalc
