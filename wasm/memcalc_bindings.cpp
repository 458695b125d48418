// The core's WebAssembly face: JSON text in, JSON text out. Only strings cross the boundary, so
// the caller frees nothing, and the core returns errors as data, so no C++ exception reaches JS.
#include <emscripten/bind.h>
#include <malloc.h>

#include <string>

#include "memcalc/estimate.hpp"
#include "memcalc/files.hpp"

namespace {

// The result JSON of CONTRACTS.md §2, the same text the CLI prints with --json.
std::string estimate(const std::string& scenario_json) {
  return memcalc::estimate_json(scenario_json);
}

// The breakdown alone: no inverse answers and no suggestions (no "limits" or "suggestions" keys), a
// few microseconds where the searches take tens; the page paints it first and asks for the rest after.
std::string estimate_breakdown(const std::string& scenario_json) {
  return memcalc::estimate_json(scenario_json, memcalc::EstimateParts{false});
}

// The scenario defaults alone (CONTRACTS.md §1), without building the whole catalog.
std::string defaults() { return memcalc::scenario_defaults_json().dump(); }

// Presets, GPUs, defaults, enum values and component labels: what a user interface lists.
std::string catalog() { return memcalc::catalog_json().dump(); }
// The same without the presets' config.json fields (what a list of presets needs); preset_config has them.
std::string catalog_brief() { return memcalc::catalog_json(false).dump(); }
std::string preset_config(const std::string& id) {
  const memcalc::Json* entry = memcalc::preset_entry(id);
  const memcalc::Json* config = entry ? entry->find("config") : nullptr;
  return config ? config->dump() : "null";
}

// A checkpoint's files by their first bytes: `directory` lists {name, size, offset, length} into
// `blob` (the bytes, passed as a Uint8Array). Answers which files need more bytes, or the model.
std::string read_files(const std::string& directory, const std::string& blob) { return memcalc::read_files_json(directory, blob); }

// Bytes the allocator has handed out and not taken back; tests check estimates leave it unchanged.
double heap_bytes_in_use() { return static_cast<double>(mallinfo().uordblks); }

}  // namespace

EMSCRIPTEN_BINDINGS(memcalc) {
  emscripten::function("estimate", &estimate);
  emscripten::function("estimate_breakdown", &estimate_breakdown);
  emscripten::function("defaults", &defaults);
  emscripten::function("catalog", &catalog);
  emscripten::function("catalog_brief", &catalog_brief);
  emscripten::function("preset_config", &preset_config);
  emscripten::function("read_files", &read_files);
  emscripten::function("heap_bytes_in_use", &heap_bytes_in_use);
}
