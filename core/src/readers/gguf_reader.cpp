// GGUF headers (ggml docs/gguf.md): magic "GGUF", version (2 and 3; version 1's 32-bit counts are
// refused), the tensor and metadata counts, metadata key/values (typed, arrays included), then each
// tensor's name, dimensions, ggml type and offset into the data section, which starts at the next
// multiple of general.alignment (32 by default). Every read is bounds-checked; a header that runs
// past the bytes given asks for more, one that runs past the file is an error naming the byte.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "readers.hpp"

namespace memcalc::detail {

namespace {

constexpr double kMaxHeader = 512.0 * 1024 * 1024;  // no real header comes near this
constexpr std::uint64_t kMaxString = 64ull * 1024 * 1024;
constexpr std::uint64_t kMaxTensors = 1u << 22;
constexpr std::uint64_t kMaxKeys = 1u << 20;
constexpr std::size_t kKeptArray = 4096;  // longer arrays (token lists) keep their length only

struct Cursor {
  Cursor(std::string_view bytes, double size) : b(bytes), file_size(size) {}
  std::string_view b;
  double file_size;
  std::size_t pos = 0;
  bool short_ = false;      // ran past the bytes given, not past the file
  std::string error;

  bool have(std::size_t n) {
    if (!error.empty() || short_) return false;
    if (pos + n <= b.size()) return true;
    if (static_cast<double>(b.size()) < file_size && static_cast<double>(pos + n) <= file_size) short_ = true;
    else error = "byte " + std::to_string(pos) + ": the file ends inside its header (" + std::to_string(n) + " more bytes expected)";
    return false;
  }
  template <typename T> T read() {
    T v{};
    if (!have(sizeof(T))) return v;
    std::memcpy(&v, b.data() + pos, sizeof(T));  // GGUF is little-endian, as are wasm and x86/arm hosts
    pos += sizeof(T);
    return v;
  }
  std::string string(const char* what) {
    const std::size_t at = pos;
    const auto n = read<std::uint64_t>();
    if (!error.empty() || short_) return {};
    if (n > kMaxString) {
      error = "byte " + std::to_string(at) + ": " + what + " of " + std::to_string(n) + " bytes is not a sane length";
      return {};
    }
    if (!have(static_cast<std::size_t>(n))) return {};
    std::string s(b.substr(pos, static_cast<std::size_t>(n)));
    pos += static_cast<std::size_t>(n);
    return s;
  }
  bool ok() const { return error.empty() && !short_; }
};

Json scalar(Cursor& c, std::uint32_t type) {
  switch (type) {
    case 0: return Json(static_cast<double>(c.read<std::uint8_t>()));
    case 1: return Json(static_cast<double>(c.read<std::int8_t>()));
    case 2: return Json(static_cast<double>(c.read<std::uint16_t>()));
    case 3: return Json(static_cast<double>(c.read<std::int16_t>()));
    case 4: return Json(static_cast<double>(c.read<std::uint32_t>()));
    case 5: return Json(static_cast<double>(c.read<std::int32_t>()));
    case 6: {
      const float f = c.read<float>();
      return std::isfinite(f) ? Json(static_cast<double>(f)) : Json(nullptr);
    }
    case 7: return Json(c.read<std::uint8_t>() != 0);
    case 8: return Json(c.string("a string"));
    case 10: return Json(static_cast<double>(c.read<std::uint64_t>()));
    case 11: return Json(static_cast<double>(c.read<std::int64_t>()));
    case 12: {
      const double d = c.read<double>();
      return std::isfinite(d) ? Json(d) : Json(nullptr);
    }
    default:
      c.error = "byte " + std::to_string(c.pos) + ": unknown metadata value type " + std::to_string(type);
      return Json();
  }
}

std::size_t fixed_size(std::uint32_t type) {
  switch (type) {
    case 0: case 1: case 7: return 1;
    case 2: case 3: return 2;
    case 4: case 5: case 6: return 4;
    case 10: case 11: case 12: return 8;
    default: return 0;
  }
}

Json value(Cursor& c, std::uint32_t type) {
  if (type != 9) return scalar(c, type);
  const std::size_t at = c.pos;
  const auto item = c.read<std::uint32_t>();
  const auto count = c.read<std::uint64_t>();
  if (!c.ok()) return Json();
  if (item == 9) {
    c.error = "byte " + std::to_string(at) + ": arrays of arrays are not part of GGUF";
    return Json();
  }
  if (count > static_cast<std::uint64_t>(c.file_size)) {
    c.error = "byte " + std::to_string(at) + ": an array of " + std::to_string(count) + " items is longer than the file";
    return Json();
  }
  Json out = Json::array();
  if (count > kKeptArray) {  // skip over it, keeping its length
    if (const std::size_t size = fixed_size(item)) {
      if (!c.have(static_cast<std::size_t>(count) * size)) return Json();
      c.pos += static_cast<std::size_t>(count) * size;
    } else {
      for (std::uint64_t i = 0; i < count && c.ok(); ++i) scalar(c, item);
    }
    Json summary = Json::object();
    summary.set("array_length", static_cast<double>(count));
    return summary;
  }
  for (std::uint64_t i = 0; i < count && c.ok(); ++i) out.push(scalar(c, item));
  return out;
}

}  // namespace

}  // namespace memcalc::detail

namespace memcalc {

GgmlType ggml_type(unsigned id) {
  struct Row {
    unsigned id;
    const char* name;
    double block, bytes;
  };
  // ggml.c type_traits: elements per block and bytes per block.
  static constexpr Row kTypes[] = {
      {0, "F32", 1, 4},       {1, "F16", 1, 2},         {2, "Q4_0", 32, 18},      {3, "Q4_1", 32, 20},
      {6, "Q5_0", 32, 22},    {7, "Q5_1", 32, 24},      {8, "Q8_0", 32, 34},      {9, "Q8_1", 32, 36},
      {10, "Q2_K", 256, 84},  {11, "Q3_K", 256, 110},   {12, "Q4_K", 256, 144},   {13, "Q5_K", 256, 176},
      {14, "Q6_K", 256, 210}, {15, "Q8_K", 256, 292},   {16, "IQ2_XXS", 256, 66}, {17, "IQ2_XS", 256, 74},
      {18, "IQ3_XXS", 256, 98}, {19, "IQ1_S", 256, 50}, {20, "IQ4_NL", 32, 18},   {21, "IQ3_S", 256, 110},
      {22, "IQ2_S", 256, 82}, {23, "IQ4_XS", 256, 136}, {24, "I8", 1, 1},         {25, "I16", 1, 2},
      {26, "I32", 1, 4},      {27, "I64", 1, 8},        {28, "F64", 1, 8},        {29, "IQ1_M", 256, 56},
      {30, "BF16", 1, 2},     {34, "TQ1_0", 256, 54},   {35, "TQ2_0", 256, 66},   {39, "MXFP4", 32, 17},
  };
  for (const auto& r : kTypes)
    if (r.id == id) return {r.name, r.block, r.bytes};
  return {nullptr, 0, 0};
}

}  // namespace memcalc

namespace memcalc::detail {

GgufHeader read_gguf(std::string_view bytes, double file_size) {
  GgufHeader h;
  Cursor c(bytes, file_size);
  auto fail = [&](std::string message) {
    h.error = std::move(message);
    return h;
  };
  if (!c.have(4)) return c.short_ ? (h.need = 4096, h) : fail("the file is shorter than a GGUF magic");
  if (bytes.substr(0, 4) != "GGUF") return fail("byte 0: not a GGUF file (the magic is not \"GGUF\")");
  c.pos = 4;
  h.version = c.read<std::uint32_t>();
  if (c.ok() && (h.version < 2 || h.version > 3))
    return fail("byte 4: GGUF version " + std::to_string(h.version) + " (versions 2 and 3 are read)");
  const auto tensors = c.read<std::uint64_t>();
  const auto keys = c.read<std::uint64_t>();
  if (c.ok() && (tensors > kMaxTensors || keys > kMaxKeys))
    return fail("byte 8: " + std::to_string(tensors) + " tensors and " + std::to_string(keys) + " metadata keys are not sane counts");
  h.metadata = Json::object();
  for (std::uint64_t i = 0; i < keys && c.ok(); ++i) {
    const std::string key = c.string("a metadata key");
    const auto type = c.read<std::uint32_t>();
    if (!c.ok()) break;
    Json v = value(c, type);
    if (c.ok()) h.metadata.set(key, std::move(v));
  }
  for (std::uint64_t i = 0; i < tensors && c.ok(); ++i) {
    GgufTensor t;
    const std::size_t at = c.pos;
    t.name = c.string("a tensor name");
    const auto dims = c.read<std::uint32_t>();
    if (c.ok() && (dims == 0 || dims > 8)) return fail("byte " + std::to_string(at) + ": tensor " + t.name + " has " + std::to_string(dims) + " dimensions");
    double n = 1;
    for (std::uint32_t d = 0; d < dims && c.ok(); ++d) {
      const auto size = c.read<std::uint64_t>();
      t.shape.push_back(static_cast<double>(size));
      n *= static_cast<double>(size);
    }
    t.type = c.read<std::uint32_t>();
    t.offset = static_cast<double>(c.read<std::uint64_t>());
    if (!c.ok()) break;
    const GgmlType info = ggml_type(t.type);
    if (!info.name) return fail("byte " + std::to_string(at) + ": tensor " + t.name + " has unknown ggml type " + std::to_string(t.type));
    if (std::fmod(t.shape[0], info.block) != 0)
      return fail("tensor " + t.name + ": a row of " + std::to_string(static_cast<long long>(t.shape[0])) + " is not whole " + info.name + " blocks");
    t.elements = n;
    t.bytes = n / info.block * info.bytes;
    h.tensors.push_back(std::move(t));
  }
  if (c.short_) {
    h.need = std::min(file_size, std::max(2.0 * static_cast<double>(bytes.size()), static_cast<double>(c.pos) + 1048576));
    if (h.need > kMaxHeader) return fail("the header runs past " + std::to_string(static_cast<long long>(kMaxHeader)) + " bytes");
    return h;
  }
  if (!c.error.empty()) return fail(c.error);
  double alignment = 32;
  if (const Json* a = h.metadata.find("general.alignment"); a && a->is_number() && a->as_number() > 0) alignment = a->as_number();
  h.header_bytes = static_cast<double>(c.pos);
  h.data_start = std::ceil(h.header_bytes / alignment) * alignment;
  for (const auto& t : h.tensors)
    if (h.data_start + t.offset + t.bytes > file_size)
      return fail("tensor " + t.name + ": its " + std::to_string(static_cast<long long>(t.bytes)) + " bytes at offset " +
                  std::to_string(static_cast<long long>(t.offset)) + " run past the end of the file");
  return h;
}

}  // namespace memcalc::detail
