// The estimate: per-GPU bytes by component, each with its basis, formula and source
// (CONTRACTS.md §2). Bytes are doubles holding whole numbers (exact below 2^53 = 9 PB).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "memcalc/gpus.hpp"
#include "memcalc/issues.hpp"
#include "memcalc/json.hpp"
#include "memcalc/model.hpp"
#include "memcalc/scenario.hpp"

namespace memcalc {

enum class Basis { exact, analytic, rule };

struct Component {
  std::string id;       // "parameters", "kv_cache", ... (CONTRACTS.md §2)
  std::string label;    // English display label
  double bytes = 0;     // per GPU
  Basis basis = Basis::exact;
  std::string formula;  // the formula with this scenario's numbers substituted
  std::string source;   // where the formula comes from
  std::vector<double> phases;  // bytes alive in each phase of Result::phases; empty: all of it in each
};

// One moment of the step: training "forward", "loss", "backward", "optimizer_step"; inference
// "prefill", "decode" (CONTRACTS.md §6.2).
struct Phase {
  std::string id;
  double bytes = 0;  // every component's bytes alive then, the overhead included
};

// A pipeline rank whose memory differs from the others'.
struct Rank {
  std::string id;     // "pp_stage_0", "pp_stage_1..6", "pp_stage_7"
  double total_bytes = 0;
  std::vector<std::pair<std::string, double>> components;  // id → bytes (full size)
  std::string peak_phase;
};

struct ParamCounts {
  double total = 0;         // every parameter of the model (MoE: all experts), vision/audio towers
                            //   included, multi-token-prediction modules not (as publishers count)
  double active = 0;        // parameters one token of text uses: everything but the routed experts a
                            //   token skips, the input embedding and the output layer included
  double seed_formula = 0;  // h·V + L·(12h² + 13h) + 2h, the seed's formula
  double embedding = 0;     // the input embedding (gpt-oss, DeepSeek and GLM leave it out of "active")
  double encoders = 0;      // vision and audio towers with their projectors
  double mtp = 0;           // multi-token-prediction modules (on disk, not in `total`)
  const char* source = "config";  // "checkpoint": total counted from the files' tensors
};

struct Fit {
  double gpu_bytes = 0;  // memory of one GPU
  double count = 1;
  bool fits = false;
  double headroom_bytes = 0;  // gpu_bytes − total_bytes (negative when it does not fit)
};

// Inverse answers: the largest value that still fits one GPU of the chosen kind, all else equal.
// -1 means "none fits" (even the smallest value does not fit).
struct Limits {
  double max_seq_len = -1;     // training seq_len or inference context_len
  double max_batch_size = -1;
  double min_gpus = -1;        // fewest GPUs: training scales dp (with the scenario's ZeRO stage),
                               // inference scales tp; -1 if none up to the search bound fits
  std::string min_gpus_layout; // e.g. "dp=8 (ZeRO-3)" or "tp=4"
  bool seq_len_capped = false; // max_seq_len stopped at the model's max_position_embeddings
};

// A change that makes the scenario fit (or, when it fits, room to spare), with its new total.
struct Suggestion {
  std::vector<std::pair<std::string, Json>> change;  // dotted scenario path → new value
  double total_bytes = 0;
  bool fits = false;
  std::string label;
};

// A run of alike consecutive layers, as the result lists the layout (the page draws it as a strip).
struct LayerSummary {
  const char* mixer = "none";   // "full_attention", "sliding_attention", "gated_deltanet", "mla", ...
  const char* mixer2 = nullptr; // a second mixer beside the first (Falcon-H1: attention + mamba2)
  const char* ffn = "dense";    // "dense", "moe" or "none"
  bool kv = false;              // caches keys and values
  bool state = false;           // keeps a recurrent state
  double count = 1;             // consecutive layers alike
};

// What an inference engine allocates and logs at start-up (CONTRACTS.md §6.2 `engine`), bytes per GPU.
struct EngineLine {
  std::string text;     // the line as the engine prints it, with our figure
  std::string formula;  // how we get the figure
};
struct EngineDevice {   // llama.cpp: one row of the GPU/CPU split
  std::string name;     // "CUDA0", ..., "CPU"
  double layers = 0;    // repeating layers on this device
  bool output = false;  // holds the output layer
  double weights_bytes = 0, kv_bytes = 0, state_bytes = 0, compute_bytes = 0;
};
struct EngineFigures {
  std::string name;             // "vllm", "sglang", "llamacpp", "transformers"; empty: generic
  std::string version;          // whose defaults and formulas
  double usable_bytes = 0;      // vllm: gpu_memory_utilization × CUDA's total; sglang: mem_fraction_static × free
  double weights_bytes = 0;
  double non_torch_bytes = 0;
  double activation_bytes = 0;  // vllm/sglang: the profiled forward peak; llamacpp: compute buffers; transformers: prefill
  double cuda_graph_bytes = 0;
  double kv_cache_bytes = 0;
  double kv_cache_tokens = 0;
  double gpu_blocks = 0;
  double block_size = 0;
  double max_concurrency = 0;
  double recurrent_state_bytes = 0;
  double compute_buffer_bytes = 0;
  double host_bytes = 0;
  double max_model_len = 0;     // the length each request may reach (vllm max_model_len, sglang context_length, llamacpp n_ctx_seq)
  double max_num_seqs = 0;      // sequences at once as the engine resolves it
  double max_num_batched_tokens = 0;  // tokens per step (vllm), chunked_prefill_size (sglang), n_ubatch (llamacpp)
  bool starts = true;           // whether the engine starts with these settings
  std::string problem;          // why not, as the engine says it
  std::vector<EngineLine> log;
  std::vector<EngineDevice> devices;
  // Inverse answers: the longest request that starts, the most requests at max_model_len, the most
  // layers on the GPUs (llamacpp); -1 when none.
  double limit_max_model_len = -1;
  double limit_max_concurrency = -1;
  double limit_n_gpu_layers = -1;
};

// Speed beside memory (CONTRACTS.md §6.2 `performance`): a roofline, each figure with its assumptions.
struct Performance {
  bool available = false;            // the GPU's bandwidth and FLOP/s are known
  double decode_tokens_per_s = 0;    // inference: per sequence
  double decode_tokens_per_s_total = 0;
  double prefill_tokens_per_s = 0;
  double time_to_first_token_s = 0;
  double step_time_s = 0;            // training: one optimizer step of the global batch
  double tokens_per_s = 0;           // training: per GPU
  double gpu_hours_per_billion_tokens = 0;
  std::string bound;                 // "memory" | "compute"
  std::vector<std::string> assumptions;
};

struct Result {
  bool ok = false;
  Mode mode = Mode::training;
  std::vector<Issue> issues;
  ParamCounts params;
  std::vector<Component> components;
  double total_bytes = 0;     // the peak: the largest phase
  double sum_bytes = 0;       // every component at full size at once (an upper bound)
  std::vector<Phase> phases;
  std::string peak_phase;
  std::vector<Rank> ranks;    // training with pp > 1: each distinct stage
  double peak_rule_low = 0;   // inference: 1.5 × weights (the seed's rule of thumb)
  double peak_rule_high = 0;  // inference: 2.5 × weights
  std::string activation_formula;  // training: which activation formula was used, and its source
  double kv_bytes_per_token = 0;   // inference: every layer's KV per token on this GPU (windowed layers as full)
  double recurrent_state_bytes_per_sequence = 0;  // inference: fixed state per sequence on this GPU
  std::vector<LayerSummary> layers;
  EngineFigures engine;            // inference with an engine other than "generic"
  Performance performance;
  std::vector<Suggestion> suggestions;  // cheapest first
  double host_bytes = 0;           // CPU memory the scenario needs (llama.cpp layers on the CPU, output buffers)
  Fit fit;
  Limits limits;
  bool searched = false;  // limits and suggestions were computed (EstimateParts::searches)
};

ParamCounts count_params(const ModelConfig& m);

// What an estimate computes beyond the breakdown. The searches (the inverse answers and the
// suggestions) run tens of estimates; a page can paint the breakdown first and ask for them after.
struct EstimateParts {
  bool searches = true;
};

// The full estimate, with explanations and, unless `parts` says otherwise, inverse answers and suggestions.
Result estimate(const Scenario& scenario, EstimateParts parts = {});
// Numbers only (no strings, no inverse search): what sweeps and searches call.
double estimate_total_bytes(const Scenario& scenario);

// JSON in, JSON out: the CLI, the JS API and the tests all go through these.
Json result_to_json(const Result& result);
// [{field, severity, message}]: how issues appear in every JSON answer (results, files read).
Json issues_json(const std::vector<Issue>& issues);
Json engine_json(const EngineFigures& engine);
std::string estimate_json(std::string_view scenario_json, EstimateParts parts = {});

// `memcalc models` and the page's model list (with each preset's config.json fields).
Json presets_json(bool configs = true);
// Everything a user interface lists: version, presets, GPUs, scenario defaults, enum values and
// component labels in English and Chinese. One source of truth for the page.
// `configs` false leaves each preset's config.json fields out (a fifth of the size; preset_entry has them).
Json catalog_json(bool configs = true);

const char* basis_name(Basis b);

// The release, package.json's "version" (the npm package, the page and `memcalc --version` say the same).
const char* version() noexcept;

}  // namespace memcalc
