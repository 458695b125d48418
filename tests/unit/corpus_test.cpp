// The corpus of cited cases (tests/corpus/*.json): each file names its source, a scenario and
// the expected values with their tolerances. Files are discovered, not listed.
//
// Expectation paths: "params.total" (a result field; a number indexes an array:
// "engine.devices.1.kv_bytes"), "components.<id>.bytes", "sum:<id>+<id>" (component bytes added up),
// "issue:<field>" (an issue on that field with the given severity).
// A null value means "absent" (or a component of 0 bytes).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "memcalc/estimate.hpp"

namespace {

using memcalc::Json;

std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(MEMCALC_CORPUS_DIR))
    if (e.path().extension() == ".json") files.push_back(e.path().stem().string());
  std::sort(files.begin(), files.end());
  return files;
}

Json load(const std::string& name) {
  std::ifstream f(std::string(MEMCALC_CORPUS_DIR) + "/" + name + ".json");
  std::stringstream ss;
  ss << f.rdbuf();
  const auto parsed = memcalc::parse_json(ss.str());
  EXPECT_TRUE(parsed.ok) << name << ": " << parsed.error;
  return parsed.value;
}

const Json* component(const Json& result, const std::string& id) {
  const Json* comps = result.find("components");
  if (!comps) return nullptr;
  for (const auto& c : comps->as_array())
    if (c.find("id")->as_string() == id) return &c;
  return nullptr;
}

// Resolves a path to a value; a null Json when absent.
Json resolve(const Json& result, const std::string& path) {
  if (path.rfind("sum:", 0) == 0) {
    double total = 0;
    std::stringstream ids(path.substr(4));
    for (std::string id; std::getline(ids, id, '+');) {
      const Json* c = component(result, id);
      EXPECT_NE(c, nullptr) << "no component " << id;
      if (c) total += c->find("bytes")->as_number();
    }
    return Json(total);
  }
  if (path.rfind("issue:", 0) == 0) {
    const std::string field = path.substr(6);
    for (const auto& i : result.find("issues")->as_array())
      if (i.find("field")->as_string() == field) return *i.find("severity");
    return Json();
  }
  if (path.rfind("components.", 0) == 0) {
    const auto dot = path.find('.', 11);
    const Json* c = component(result, path.substr(11, dot - 11));
    if (!c) return Json();
    const Json* v = c->find(path.substr(dot + 1));
    if (v && v->is_number() && v->as_number() == 0) return Json();
    return v ? *v : Json();
  }
  const Json* node = &result;
  std::stringstream parts(path);
  for (std::string key; std::getline(parts, key, '.');) {
    if (node->is_array()) {
      const std::size_t i = std::stoul(key);
      if (i >= node->as_array().size()) return Json();
      node = &node->as_array()[i];
      continue;
    }
    node = node->find(key);
    if (!node) return Json();
  }
  return *node;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, MatchesItsSource) {
  const Json c = load(GetParam());
  ASSERT_TRUE(c.find("source") && !c.find("source")->as_string().empty()) << "every case cites its source";
  const std::string out = memcalc::estimate_json(c.find("scenario")->dump());
  const auto parsed = memcalc::parse_json(out);
  ASSERT_TRUE(parsed.ok);
  const Json& result = parsed.value;
  const Json* expect = c.find("expect");
  ASSERT_TRUE(expect && !expect->as_array().empty());
  for (const auto& e : expect->as_array()) {
    const std::string path = e.find("path")->as_string();
    const Json& want = *e.find("value");
    const Json got = resolve(result, path);
    SCOPED_TRACE(path + " in " + out.substr(0, 600));
    if (want.is_number()) {
      ASSERT_TRUE(got.is_number()) << path << " is missing";
      const Json* tol = e.find("rel_tol");
      const double rel = tol ? tol->as_number() : 0;
      EXPECT_LE(std::fabs(got.as_number() - want.as_number()), rel * std::fabs(want.as_number()))
          << path << ": got " << memcalc::format_json_number(got.as_number()) << ", want "
          << memcalc::format_json_number(want.as_number()) << " ± " << rel * 100 << "%";
    } else {
      EXPECT_EQ(got.dump(), want.dump()) << path;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, Corpus, ::testing::ValuesIn(corpus_files()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string n = param.param;
                           std::replace_if(n.begin(), n.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
                           return n;
                         });

}  // namespace
