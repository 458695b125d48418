// Every preset: cited, valid, and its parameter counts agree with the published ones.
//
// Each core/presets/*.json names its published total (exactly where the publisher gives an integer,
// such as Hugging Face's safetensors metadata, else the headline) and, for MoE models, its active
// count with the convention the publisher uses. Totals must agree within 1% and active counts
// within 2%; a preset whose figure is further off states by how much and why
// ("published_tolerance" / "published_active_tolerance" with a "..._why"), and the test holds it to
// that stated bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "memcalc/estimate.hpp"

namespace {

using namespace memcalc;

struct PresetFile {
  std::string id;
  Json json;
};

std::vector<PresetFile> preset_files() {
  std::vector<PresetFile> out;
  for (const auto& e : std::filesystem::directory_iterator(MEMCALC_PRESET_DIR)) {
    if (e.path().extension() != ".json") continue;
    std::ifstream f(e.path());
    std::stringstream ss;
    ss << f.rdbuf();
    const auto parsed = parse_json(ss.str());
    EXPECT_TRUE(parsed.ok) << e.path() << ": " << parsed.error;
    const Json* id = parsed.value.find("id");
    out.push_back({id && id->is_string() ? id->as_string() : e.path().stem().string(), parsed.value});
  }
  return out;
}

double number(const Json& j, const char* key, double fallback = 0) {
  const Json* v = j.find(key);
  return v && v->is_number() ? v->as_number() : fallback;
}
std::string text(const Json& j, const char* key) {
  const Json* v = j.find(key);
  return v && v->is_string() ? v->as_string() : std::string();
}
bool listed(const Json& j, const char* key, const char* value) {
  const Json* v = j.find(key);
  if (!v || !v->is_array()) return false;
  for (const auto& x : v->as_array())
    if (x.is_string() && x.as_string() == value) return true;
  return false;
}

TEST(Presets, AtLeastEightyWithSources) {
  EXPECT_GE(presets().size(), 80u);
  for (const auto& m : presets()) {
    EXPECT_FALSE(m.id.empty());
    EXPECT_FALSE(m.source.empty()) << m.id;
    EXPECT_FALSE(m.family.empty()) << m.id << " names its family";
    EXPECT_EQ(m.released.size(), 7u) << m.id << " names its release month (YYYY-MM)";
    std::vector<Issue> issues;
    validate_model(m, "model", issues);
    EXPECT_FALSE(has_errors(issues)) << m.id << ": " << (issues.empty() ? "" : issues[0].field + " " + issues[0].message);
  }
}

// The citation a reader follows is the publisher's own repository, never a fine-tune or a mirror that
// copied its config (the provenance of our copy stays in "source").
TEST(Presets, CiteThePublishersRepository) {
  const std::vector<std::string> publishers = {
      "meta-llama", "Qwen", "google", "mistralai", "deepseek-ai", "openai", "openai-community",
      "microsoft", "allenai", "nvidia", "zai-org", "moonshotai", "MiniMaxAI", "ibm-granite", "ai21labs", "tiiuae",
      "LiquidAI", "HuggingFaceTB"};
  for (const auto& m : presets()) {
    const std::string prefix = "https://huggingface.co/";
    if (m.official.rfind("https://arxiv.org/", 0) == 0) continue;  // a paper's model (GPT-3)
    ASSERT_EQ(m.official.rfind(prefix, 0), 0u) << m.id << ": " << m.official;
    const std::string org = m.official.substr(prefix.size(), m.official.find('/', prefix.size()) - prefix.size());
    EXPECT_NE(std::find(publishers.begin(), publishers.end(), org), publishers.end()) << m.id << " cites " << m.official;
  }
}

TEST(Presets, EveryFileIsAPreset) {
  for (const auto& p : preset_files()) EXPECT_NE(find_preset(p.id), nullptr) << p.id;
  EXPECT_EQ(preset_files().size(), presets().size());
}

TEST(Presets, ParameterCountsMatchPublishedFigures) {
  for (const auto& p : preset_files()) {
    const Json& j = p.json;
    const ModelConfig* m = find_preset(p.id);
    ASSERT_NE(m, nullptr) << p.id;
    const double published = number(j, "published_params");
    ASSERT_GT(published, 0) << p.id << " cites a published parameter count";
    const ParamCounts c = count_params(*m);
    const double head_copy = m->vocab_size * m->hidden_size;
    // What the publisher's figure counts beyond params.total.
    double ours = c.total;
    if (listed(j, "published_params_counts", "mtp")) ours += c.mtp;
    if (listed(j, "published_params_counts", "tied_head_copy")) ours += head_copy;
    if (listed(j, "published_params_counts", "text_only")) ours -= c.encoders;
    const std::string why = text(j, "published_tolerance_why");
    const double tol = number(j, "published_tolerance", 0.01);
    if (tol > 0.01) {
      EXPECT_FALSE(why.empty()) << p.id << " says why its total differs by more than 1%";
    }
    SCOPED_TRACE(p.id + " (" + text(j, "published_params_source") + ")" + (why.empty() ? "" : "; " + why));
    if (j.find("published_params_exact") && j.find("published_params_exact")->as_bool()) {
      EXPECT_EQ(ours, published) << "ours " << format_json_number(ours) << ", published " << format_json_number(published);
    } else {
      EXPECT_NEAR(ours / published, 1.0, tol) << "ours " << format_json_number(ours);
    }
    EXPECT_LE(c.active, c.total);

    const double active = number(j, "published_active_params");
    if (m->is_moe()) {
      EXPECT_GT(active, 0) << p.id << " (MoE) cites a published active count";
    }
    if (active <= 0) continue;
    double ours_active = c.active;
    if (listed(j, "published_active_excludes", "input_embedding")) ours_active -= c.embedding;
    if (listed(j, "published_active_excludes", "output_layer")) ours_active -= head_copy;
    const double atol = number(j, "published_active_tolerance", 0.02);
    if (atol > 0.02) {
      EXPECT_FALSE(text(j, "published_active_tolerance_why").empty()) << p.id;
    }
    EXPECT_NEAR(ours_active / active, 1.0, atol)
        << "active: ours " << format_json_number(ours_active) << " (" << text(j, "published_active_source") << ")";
  }
}

TEST(Presets, IdsAreUnique) {
  for (std::size_t i = 0; i < presets().size(); ++i)
    for (std::size_t j = i + 1; j < presets().size(); ++j) EXPECT_NE(presets()[i].id, presets()[j].id);
}

}  // namespace
