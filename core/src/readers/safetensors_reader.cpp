// safetensors headers (huggingface/safetensors, "Format"): an 8-byte little-endian header length N,
// then N bytes of JSON: {"__metadata__": {...}, "<tensor>": {"dtype", "shape", "data_offsets": [begin,
// end]}}, offsets into the data that follows. A tensor's bytes are its offsets' difference; packed
// formats (MXFP4 blocks and scales as U8, GPTQ/AWQ int32 qweight and qzeros, NVFP4 U8 pairs with FP8
// scales) are counted as stored. Offsets must lie in the file and agree with dtype × shape.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "readers.hpp"

namespace memcalc::detail {

namespace {

constexpr double kMaxHeader = 100.0 * 1024 * 1024;  // the format's own limit

double dtype_bytes(const std::string& d) {
  if (d == "F64" || d == "I64" || d == "U64") return 8;
  if (d == "F32" || d == "I32" || d == "U32") return 4;
  if (d == "F16" || d == "BF16" || d == "I16" || d == "U16") return 2;
  if (d == "F8_E4M3" || d == "F8_E5M2" || d == "F8_E8M0" || d == "I8" || d == "U8" || d == "BOOL") return 1;
  if (d == "F4" || d == "F6_E2M3" || d == "F6_E3M2") return 0;  // sub-byte: checked against the offsets only
  return -1;
}

}  // namespace

SafetensorsHeader read_safetensors(std::string_view bytes, double file_size) {
  SafetensorsHeader h;
  auto fail = [&](std::string message) {
    h.error = std::move(message);
    return h;
  };
  if (bytes.size() < 8) {
    if (file_size >= 8) {
      h.need = std::min(file_size, 65536.0);
      return h;
    }
    return fail("the file is shorter than a safetensors header length (8 bytes)");
  }
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  if (static_cast<double>(n) > kMaxHeader) return fail("bytes 0–7: a header of " + std::to_string(n) + " bytes is past the format's 100 MB limit (not a safetensors file?)");
  if (8 + static_cast<double>(n) > file_size) return fail("bytes 0–7: the header length " + std::to_string(n) + " runs past the end of the file");
  if (bytes.size() < 8 + n) {
    h.need = 8 + static_cast<double>(n);
    return h;
  }
  h.header_bytes = 8 + static_cast<double>(n);
  const JsonParseResult parsed = parse_json(bytes.substr(8, static_cast<std::size_t>(n)));
  if (!parsed.ok) return fail("byte " + std::to_string(8 + parsed.offset) + ": the header is not JSON: " + parsed.error);
  if (!parsed.value.is_object()) return fail("byte 8: the header is not a JSON object");
  const double data = file_size - h.header_bytes;
  for (const auto& [name, entry] : parsed.value.as_object()) {
    if (name == "__metadata__") {
      h.metadata = entry;
      continue;
    }
    const Json* dtype = entry.find("dtype");
    const Json* shape = entry.find("shape");
    const Json* offsets = entry.find("data_offsets");
    if (!dtype || !dtype->is_string() || !shape || !shape->is_array() || !offsets || !offsets->is_array() ||
        offsets->as_array().size() != 2 || !offsets->as_array()[0].is_number() || !offsets->as_array()[1].is_number())
      return fail("tensor " + name + ": needs dtype, shape and two data_offsets");
    SafeTensor t;
    t.name = name;
    t.dtype = dtype->as_string();
    t.elements = 1;
    for (const auto& d : shape->as_array()) {
      if (!d.is_number() || d.as_number() < 0 || d.as_number() != std::floor(d.as_number()))
        return fail("tensor " + name + ": its shape holds something other than sizes");
      t.shape.push_back(d.as_number());
      t.elements *= d.as_number();
    }
    const double begin = offsets->as_array()[0].as_number(), end = offsets->as_array()[1].as_number();
    if (begin < 0 || end < begin || end > data)
      return fail("tensor " + name + ": data_offsets [" + std::to_string(static_cast<long long>(begin)) + ", " +
                  std::to_string(static_cast<long long>(end)) + "] lie outside the file's " +
                  std::to_string(static_cast<long long>(data)) + " bytes of data");
    t.bytes = end - begin;
    const double size = dtype_bytes(t.dtype);
    if (size < 0) return fail("tensor " + name + ": unknown dtype " + t.dtype);
    if (size > 0 && t.bytes != size * t.elements)
      return fail("tensor " + name + ": " + std::to_string(static_cast<long long>(t.bytes)) + " bytes of data for " +
                  std::to_string(static_cast<long long>(t.elements)) + " " + t.dtype + " elements");
    h.tensors.push_back(std::move(t));
  }
  return h;
}

}  // namespace memcalc::detail
