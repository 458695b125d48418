// Inference engines: each takes its own options, spelled as its own flags (with _ for -), with its own
// defaults, and reports the figures it logs at start-up (CONTRACTS.md §6.1–6.2). The option table
// below is the one source of their names, defaults and help; the parser, the catalog (and so the
// page and the CLI's --help) read it.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "memcalc/issues.hpp"
#include "memcalc/json.hpp"

namespace memcalc {

enum class Engine { generic, vllm, sglang, llamacpp, transformers };

// Every engine's options in one aggregate; an engine reads its own. 0 means "the engine's default,
// decided from the model or the GPU" where the help says so.
struct EngineOptions {
  Engine name = Engine::generic;
  // vLLM (defaults of v0.11, V1 engine)
  double gpu_memory_utilization = 0.9;
  double max_model_len = 0;           // 0: the model's max_position_embeddings
  double max_num_seqs = 0;            // 0: vLLM's default for the GPU and entry point
  double max_num_batched_tokens = 0;  // 0: vLLM's default
  double block_size = 16;
  bool enforce_eager = false;
  double kv_cache_dtype = 0;          // index into kKvCacheDtypes ("auto", "fp8", ...)
  double tensor_parallel_size = 0;    // 0: inference.tp
  bool disable_hybrid_kv_cache_manager = false;
  double version = 0;                 // index into kVllmVersions ("0.24", ...): which era's rules
  double entrypoint = 0;              // index into "serve|llm": vllm serve or the offline LLM class
  double kv_cache_memory = 0;         // bytes for the KV cache instead of profiling (--kv-cache-memory)
  bool enable_prefix_caching = true;
  double mamba_cache_mode = 0;        // index into "auto|none|align|all"
  double max_cudagraph_capture_size = 0;  // 0: vLLM's default (min(2 × max_num_seqs, 512))
  // SGLang
  double mem_fraction_static = 0;     // 0: SGLang's default for the GPU's memory and tp
  double context_length = 0;          // 0: the model's max_position_embeddings
  double chunked_prefill_size = 0;    // 0: SGLang's default
  double max_running_requests = 0;    // 0: from the token pool
  double page_size = 1;
  double tp_size = 0;                 // 0: inference.tp
  bool disable_cuda_graph = false;
  double sglang_version = 0;          // index into the SGLang eras of mem_fraction_static's default
  double max_total_tokens = 0;        // caps the token pool; 0: none
  double cuda_graph_max_bs = 0;       // 0: SGLang's default for the GPU and tp
  double mamba_full_memory_ratio = 0.9;
  double max_mamba_cache_size = 0;    // 0: from mamba_full_memory_ratio
  double swa_full_tokens_ratio = 0.8;
  double cpu_offload_gb = 0;
  // llama.cpp
  double n_ctx = 0;                   // 0: the model's training context (llama.cpp's -c 0)
  double n_batch = 2048;
  double n_ubatch = 512;
  double n_parallel = 1;
  double flash_attn = 0;              // index into kFlashAttn ("auto", "on", "off")
  double cache_type_k = 0;            // index into kLlamaCacheTypes ("f16", ...)
  double cache_type_v = 0;
  double n_gpu_layers = -1;           // -1: every layer (llama.cpp's 999)
  bool swa_full = false;
  std::vector<double> tensor_split;   // GPU shares of the layers; empty: by free memory
  bool kv_unified = false;            // one KV stream shared by all sequences (llama-server's auto -np 4)
  double n_cpu_moe = 0;               // the first N layers keep their MoE experts on the CPU
  // transformers
  double attn_implementation = 0;     // index into kAttnImplementations
  double cache_implementation = 0;    // index into kCacheImplementations
  double prompt_len = 0;              // tokens prefilled; 0: the whole context_len
  double logits_to_keep = 1;          // 1: the last position's logits; 0: every position's
};

// One option of one engine.
struct EngineOption {
  Engine engine;
  const char* name;      // as the engine's flag, with _ for -
  std::variant<double EngineOptions::*, bool EngineOptions::*, std::vector<double> EngineOptions::*> field;
  double min, max;       // numbers: the accepted range
  const char* choices;   // choice options: the names, separated by '|' (the field holds the index)
  const char* help;      // one line, with the default and where it comes from
};

const std::vector<EngineOption>& engine_options();
const char* engine_name(Engine e);
// The engine's version the defaults come from, e.g. "vLLM 0.11 (V1)".
const char* engine_defaults_version(Engine e);
// The name of choice `index` of an option's choices.
std::string engine_choice(const EngineOption& option, double index);
// The same for engine `e`'s option named `option` (empty when it has none of that name).
std::string engine_choice(Engine e, std::string_view option, double index);

// Reads `inference.engine` (an object with `name` and the engine's options); problems are issues
// naming the field.
struct EngineParse {
  EngineOptions options;
  std::vector<Issue> issues;
};
EngineParse parse_engine(const Json* engine);
Json engine_options_json(const EngineOptions& o);  // the options as set, for defaults and echo
Json engines_catalog_json();                      // every engine with its options, defaults and help

}  // namespace memcalc
