// Checkpoint files read by their headers alone: GGUF (v2, v3; split files), safetensors (one file or
// shards with model.safetensors.index.json) and the config.json beside them. Nothing is read past a
// header, so a 40 GB file opens from its first megabytes. The readers know nothing of estimates: they
// give the scenario's `model` value (a config object carrying the checkpoint's tensor bytes) and a
// description of what the files hold (`memcalc inspect`, the page).
#pragma once

#include <string>
#include <vector>

#include "memcalc/issues.hpp"
#include "memcalc/json.hpp"

namespace memcalc {

// One file: its name, its size in bytes, and its first bytes (a header's worth, or all of a JSON file).
struct FileStart {
  std::string name;
  double size = 0;
  std::string bytes;
};

// What the files hold. When a header runs past the bytes given, `need` names the file and how many
// bytes from its start to give next time (the caller reads them and calls again).
struct FilesRead {
  std::vector<Issue> issues;   // errors name the file and the byte: "model.gguf: byte 24: ..."
  struct Need {
    std::string name;
    double bytes;
  };
  std::vector<Need> need;
  Json model;                  // the scenario's `model`: config fields with `checkpoint_tensors`
  Json inspect;                // files, tensors, bytes by type, architecture fields, what was not used
  double read_bytes = 0;       // bytes the readers looked at
  double total_bytes = 0;      // bytes the files hold
  bool ok() const { return need.empty() && !has_errors(issues); }
};

FilesRead read_files(const std::vector<FileStart>& files);

// The same, JSON in (a list of {name, size, offset, length} into `blob`) and JSON out
// ({ok, issues, need, model, inspect, read_bytes, total_bytes}): what the WebAssembly build exposes.
std::string read_files_json(std::string_view directory_json, std::string_view blob);

// Bytes of one element block of a ggml type (GGUF tensor types): {elements per block, bytes per
// block}; {0, 0} for an unknown type.
struct GgmlType {
  const char* name;
  double block;
  double bytes;
};
GgmlType ggml_type(unsigned id);

}  // namespace memcalc
