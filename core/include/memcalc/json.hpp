// A small JSON value, parser and writer: just what scenarios, Hugging Face config.json files and
// results need. No exceptions: parse errors come back as data with a byte offset.
//
// Numbers are double (exact for integers below 2^53). The writer prints integers without a
// fraction and other numbers in the shortest form that reads back to the same double, with the
// same bytes on every platform, so native and WebAssembly builds agree to the byte.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memcalc {

class Json {
 public:
  enum class Type { null, boolean, number, string, array, object };
  using Array = std::vector<Json>;
  // Keeps insertion order; `find` is linear, which is fast for the tens of keys a config has.
  using Object = std::vector<std::pair<std::string, Json>>;

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : type_(Type::boolean), bool_(b) {}
  Json(double n) : type_(Type::number), number_(n) {}
  Json(int n) : type_(Type::number), number_(n) {}
  Json(long long n) : type_(Type::number), number_(static_cast<double>(n)) {}
  Json(const char* s) : type_(Type::string), string_(s) {}
  Json(std::string s) : type_(Type::string), string_(std::move(s)) {}
  Json(std::string_view s) : type_(Type::string), string_(s) {}
  Json(Array a) : type_(Type::array), array_(std::make_shared<Array>(std::move(a))) {}
  Json(Object o) : type_(Type::object), object_(std::make_shared<Object>(std::move(o))) {}

  static Json array() { return Json(Array{}); }
  static Json object() { return Json(Object{}); }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::null; }
  bool is_bool() const { return type_ == Type::boolean; }
  bool is_number() const { return type_ == Type::number; }
  bool is_string() const { return type_ == Type::string; }
  bool is_array() const { return type_ == Type::array; }
  bool is_object() const { return type_ == Type::object; }

  bool as_bool() const { return bool_; }
  double as_number() const { return number_; }
  const std::string& as_string() const { return string_; }
  const Array& as_array() const;
  const Object& as_object() const;

  // Object access: nullptr when absent or when this is not an object.
  const Json* find(std::string_view key) const;
  // Object building: appends, or replaces an existing key.
  Json& set(std::string_view key, Json value);
  // Array building.
  Json& push(Json value);

  // Compact JSON text (no spaces), or indented by `indent` spaces per level when indent > 0.
  std::string dump(int indent = 0) const;

 private:
  Type type_ = Type::null;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  std::shared_ptr<Array> array_;    // shared so copies are cheap; writers copy on write
  std::shared_ptr<Object> object_;
  void dump_to(std::string& out, int indent, int depth) const;
};

struct JsonParseResult {
  bool ok = false;
  Json value;
  std::string error;      // empty when ok
  std::size_t offset = 0; // byte offset of the error
};

// Strict RFC 8259 parsing; nesting deeper than 256 levels is an error (no stack exhaustion).
JsonParseResult parse_json(std::string_view text);

// The number as the writer prints it: "8030261248", "0.5", "1e+300".
std::string format_json_number(double value);

}  // namespace memcalc
