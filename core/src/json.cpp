#include "memcalc/json.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace memcalc {

namespace {
const Json::Array kEmptyArray;
const Json::Object kEmptyObject;
constexpr int kMaxDepth = 256;
}  // namespace

const Json::Array& Json::as_array() const { return array_ ? *array_ : kEmptyArray; }
const Json::Object& Json::as_object() const { return object_ ? *object_ : kEmptyObject; }

const Json* Json::find(std::string_view key) const {
  if (type_ != Type::object || !object_) return nullptr;
  for (const auto& [k, v] : *object_)
    if (k == key) return &v;
  return nullptr;
}

Json& Json::set(std::string_view key, Json value) {
  if (type_ != Type::object) *this = object();
  if (object_.use_count() > 1) object_ = std::make_shared<Object>(*object_);
  for (auto& [k, v] : *object_)
    if (k == key) return v = std::move(value);
  object_->emplace_back(std::string(key), std::move(value));
  return object_->back().second;
}

Json& Json::push(Json value) {
  if (type_ != Type::array) *this = array();
  if (array_.use_count() > 1) array_ = std::make_shared<Array>(*array_);
  array_->push_back(std::move(value));
  return array_->back();
}

std::string format_json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char buf[40];
  if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
    // Integers (most figures are bytes): exact in an int64, written without printf.
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(value));
    return std::string(buf, r.ptr);  // 0 and -0 both as "0"
  }
  // glibc and musl both print correctly rounded digits, so the shortest round-tripping
  // precision is the same on every platform.
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  return buf;
}

namespace {

void write_string(std::string& out, const std::string& s) {
  out += '"';
  std::size_t plain = 0;  // start of the run of characters written as they are
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s, plain, std::string::npos);
  out += '"';
}

void newline(std::string& out, int indent, int depth) {
  if (indent <= 0) return;
  out += '\n';
  out.append(static_cast<std::size_t>(indent * depth), ' ');
}

}  // namespace

void Json::dump_to(std::string& out, int indent, int depth) const {
  switch (type_) {
    case Type::null: out += "null"; break;
    case Type::boolean: out += bool_ ? "true" : "false"; break;
    case Type::number: out += format_json_number(number_); break;
    case Type::string: write_string(out, string_); break;
    case Type::array: {
      const auto& a = as_array();
      out += '[';
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        newline(out, indent, depth + 1);
        a[i].dump_to(out, indent, depth + 1);
      }
      if (!a.empty()) newline(out, indent, depth);
      out += ']';
      break;
    }
    case Type::object: {
      const auto& o = as_object();
      out += '{';
      for (std::size_t i = 0; i < o.size(); ++i) {
        if (i) out += ',';
        newline(out, indent, depth + 1);
        write_string(out, o[i].first);
        out += indent > 0 ? ": " : ":";
        o[i].second.dump_to(out, indent, depth + 1);
      }
      if (!o.empty()) newline(out, indent, depth);
      out += '}';
      break;
    }
  }
}

std::string Json::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  return out;
}

namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  JsonParseResult run() {
    JsonParseResult r;
    skip_ws();
    if (!value(r.value, 0)) return fail();
    skip_ws();
    if (pos_ != s_.size()) {
      error_ = "unexpected text after the JSON value";
      return fail();
    }
    r.ok = true;
    return r;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  std::string error_;

  JsonParseResult fail() {
    JsonParseResult r;
    r.error = error_.empty() ? "invalid JSON" : error_;
    r.offset = pos_;
    return r;
  }
  bool err(const char* message) {
    if (error_.empty()) error_ = message;
    return false;
  }
  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t'))
      ++pos_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return err("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool value(Json& out, int depth) {
    if (depth > kMaxDepth) return err("nesting too deep");
    if (pos_ >= s_.size()) return err("unexpected end of input");
    char c = s_[pos_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      std::string str;
      if (!string(str)) return false;
      out = Json(std::move(str));
      return true;
    }
    if (c == 't') return literal("true") && (out = Json(true), true);
    if (c == 'f') return literal("false") && (out = Json(false), true);
    if (c == 'n') return literal("null") && (out = Json(nullptr), true);
    if (c == '-' || (c >= '0' && c <= '9')) return number(out);
    return err("unexpected character");
  }

  bool digits() {
    std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  bool number(Json& out) {
    std::size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      return err("invalid number");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digits()) return err("invalid number");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digits()) return err("invalid number");
    }
    std::string token(s_.substr(start, pos_ - start));
    double v = std::strtod(token.c_str(), nullptr);
    if (!std::isfinite(v)) {
      pos_ = start;
      return err("number out of range");
    }
    out = Json(v);
    return true;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool hex4(unsigned& cp) {
    if (pos_ + 4 > s_.size()) return err("invalid \\u escape");
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      char h = s_[pos_++];
      cp <<= 4;
      if (h >= '0' && h <= '9') cp |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f') cp |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') cp |= static_cast<unsigned>(h - 'A' + 10);
      else return err("invalid \\u escape");
    }
    return true;
  }

  bool string(std::string& out) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= s_.size()) return err("unterminated string");
      unsigned char c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return err("control character in string");
      if (c != '\\') {
        out += static_cast<char>(c);
        continue;
      }
      if (pos_ >= s_.size()) return err("unterminated string");
      char e = s_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo = 0;
            if (s_.substr(pos_, 2) != "\\u") return err("unpaired surrogate");
            pos_ += 2;
            if (!hex4(lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return err("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return err("unpaired surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default: return err("invalid escape");
      }
    }
  }

  bool array(Json& out, int depth) {
    ++pos_;
    Json::Array items;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      out = Json(std::move(items));
      return true;
    }
    while (true) {
      skip_ws();
      Json item;
      if (!value(item, depth + 1)) return false;
      items.push_back(std::move(item));
      skip_ws();
      if (pos_ >= s_.size()) return err("unterminated array");
      if (s_[pos_] == ',') { ++pos_; continue; }
      if (s_[pos_] == ']') { ++pos_; break; }
      return err("expected ',' or ']'");
    }
    out = Json(std::move(items));
    return true;
  }

  bool object(Json& out, int depth) {
    ++pos_;
    Json::Object members;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      out = Json(std::move(members));
      return true;
    }
    while (true) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') return err("expected a string key");
      std::string key;
      if (!string(key)) return false;
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return err("expected ':'");
      ++pos_;
      skip_ws();
      Json item;
      if (!value(item, depth + 1)) return false;
      bool replaced = false;  // a repeated key keeps the last value, as JSON.parse does
      for (auto& [k, v] : members)
        if (k == key) { v = std::move(item); replaced = true; break; }
      if (!replaced) members.emplace_back(std::move(key), std::move(item));
      skip_ws();
      if (pos_ >= s_.size()) return err("unterminated object");
      if (s_[pos_] == ',') { ++pos_; continue; }
      if (s_[pos_] == '}') { ++pos_; break; }
      return err("expected ',' or '}'");
    }
    out = Json(std::move(members));
    return true;
  }
};

}  // namespace

JsonParseResult parse_json(std::string_view text) { return Parser(text).run(); }

}  // namespace memcalc
