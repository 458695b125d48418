// Writes small GGUF and safetensors files by their specifications (ggml docs/gguf.md; the
// safetensors "Format" section), for the tests of the readers: no downloaded fixtures. Tensor data
// are zeros, or left out (a sparse file of the full size) for the large-file benchmark.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "memcalc/files.hpp"

namespace memcalc::testing {

using MetaValue = std::variant<std::uint32_t, float, bool, std::string, std::vector<std::uint32_t>, std::vector<std::string>>;

struct GgufTensorSpec {
  std::string name;
  std::vector<std::uint64_t> shape;  // ne0 (the row) first, as GGUF stores it
  unsigned type;                     // ggml type id
};

inline double ggml_bytes(const GgufTensorSpec& t) {
  double n = 1;
  for (auto d : t.shape) n *= static_cast<double>(d);
  const GgmlType g = ggml_type(t.type);
  return n / g.block * g.bytes;
}

class Bytes {
 public:
  template <typename T> void put(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    s_.append(b, sizeof(T));
  }
  void str(const std::string& v) {
    put<std::uint64_t>(v.size());
    s_ += v;
  }
  std::string& data() { return s_; }

 private:
  std::string s_;
};

// The header of a GGUF v3 file and the data section's size (tensors laid out at 32-byte alignment).
struct GgufFile {
  std::string header;  // up to the start of the data section (padded)
  double data_bytes = 0;
  double tensor_bytes = 0;  // Σ of the tensors' own bytes
  double size() const { return static_cast<double>(header.size()) + data_bytes; }
};

inline GgufFile gguf_file(const std::vector<std::pair<std::string, MetaValue>>& meta, const std::vector<GgufTensorSpec>& tensors) {
  Bytes b;
  b.data() = "GGUF";
  b.put<std::uint32_t>(3);
  b.put<std::uint64_t>(tensors.size());
  b.put<std::uint64_t>(meta.size());
  for (const auto& [key, value] : meta) {
    b.str(key);
    if (auto* u = std::get_if<std::uint32_t>(&value)) {
      b.put<std::uint32_t>(4);
      b.put(*u);
    } else if (auto* f = std::get_if<float>(&value)) {
      b.put<std::uint32_t>(6);
      b.put(*f);
    } else if (auto* x = std::get_if<bool>(&value)) {
      b.put<std::uint32_t>(7);
      b.put<std::uint8_t>(*x ? 1 : 0);
    } else if (auto* s = std::get_if<std::string>(&value)) {
      b.put<std::uint32_t>(8);
      b.str(*s);
    } else if (auto* us = std::get_if<std::vector<std::uint32_t>>(&value)) {
      b.put<std::uint32_t>(9);
      b.put<std::uint32_t>(4);
      b.put<std::uint64_t>(us->size());
      for (auto v : *us) b.put(v);
    } else if (auto* ss = std::get_if<std::vector<std::string>>(&value)) {
      b.put<std::uint32_t>(9);
      b.put<std::uint32_t>(8);
      b.put<std::uint64_t>(ss->size());
      for (const auto& v : *ss) b.str(v);
    }
  }
  GgufFile f;
  double offset = 0;
  for (const auto& t : tensors) {
    b.str(t.name);
    b.put<std::uint32_t>(static_cast<std::uint32_t>(t.shape.size()));
    for (auto d : t.shape) b.put<std::uint64_t>(d);
    b.put<std::uint32_t>(t.type);
    b.put<std::uint64_t>(static_cast<std::uint64_t>(offset));
    const double bytes = ggml_bytes(t);
    f.tensor_bytes += bytes;
    offset = std::ceil((offset + bytes) / 32) * 32;
  }
  f.header = std::move(b.data());
  f.header.resize(static_cast<std::size_t>(std::ceil(static_cast<double>(f.header.size()) / 32) * 32), '\0');
  f.data_bytes = offset;
  return f;
}

struct SafeTensorSpec {
  std::string name;
  std::string dtype;
  std::vector<std::uint64_t> shape;
  double bytes;  // as stored (packed formats: their byte count)
};

inline double safetensor_bytes(const std::string& dtype, const std::vector<std::uint64_t>& shape) {
  double n = 1;
  for (auto d : shape) n *= static_cast<double>(d);
  const double e = dtype == "F32" || dtype == "I32" ? 4 : dtype == "BF16" || dtype == "F16" ? 2 : 1;
  return n * e;
}

// A whole safetensors file (header and zero data).
inline std::string safetensors_file(const std::vector<SafeTensorSpec>& tensors) {
  std::string json = "{\"__metadata__\":{\"format\":\"pt\"}";
  double offset = 0;
  for (const auto& t : tensors) {
    json += ",\"" + t.name + "\":{\"dtype\":\"" + t.dtype + "\",\"shape\":[";
    for (std::size_t i = 0; i < t.shape.size(); ++i) json += (i ? "," : "") + std::to_string(t.shape[i]);
    json += "],\"data_offsets\":[" + std::to_string(static_cast<long long>(offset)) + "," +
            std::to_string(static_cast<long long>(offset + t.bytes)) + "]}";
    offset += t.bytes;
  }
  json += "}";
  Bytes b;
  b.put<std::uint64_t>(json.size());
  b.data() += json;
  b.data().append(static_cast<std::size_t>(offset), '\0');
  return b.data();
}

inline void write_file(const std::string& path, const std::string& bytes, double size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (size > static_cast<double>(bytes.size())) {  // the rest as a hole: a sparse file of the full size
    out.seekp(static_cast<std::streamoff>(size) - 1);
    out.put('\0');
  }
}

}  // namespace memcalc::testing
