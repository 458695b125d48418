// Internal: the header readers and what they return (files.hpp assembles them into a model).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "memcalc/files.hpp"

namespace memcalc::detail {

struct GgufTensor {
  std::string name;
  std::vector<double> shape;
  unsigned type = 0;       // ggml type id
  double offset = 0;       // from the start of the data section
  double elements = 0;
  double bytes = 0;
};

struct GgufHeader {
  unsigned version = 0;
  Json metadata;                    // key → value; arrays past 4,096 items as {"array_length": n}
  std::vector<GgufTensor> tensors;
  double header_bytes = 0, data_start = 0;
  double need = 0;                  // > 0: give this many bytes from the start and read again
  std::string error;                // names the byte or the tensor
};
GgufHeader read_gguf(std::string_view bytes, double file_size);

struct SafeTensor {
  std::string name;
  std::string dtype;                // "BF16", "F8_E4M3", "U8", ...
  std::vector<double> shape;
  double elements = 0;
  double bytes = 0;                 // data_offsets end − begin
};

struct SafetensorsHeader {
  Json metadata;                    // __metadata__
  std::vector<SafeTensor> tensors;
  double header_bytes = 0;          // 8 + the JSON header's length
  double need = 0;
  std::string error;
};
SafetensorsHeader read_safetensors(std::string_view bytes, double file_size);

}  // namespace memcalc::detail
