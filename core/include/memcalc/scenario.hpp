// The scenario: everything an estimate depends on (CONTRACTS.md §1). Defaults live here and
// only here; `scenario_defaults_json()` hands them to the page and the CLI.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "memcalc/engines.hpp"
#include "memcalc/issues.hpp"
#include "memcalc/json.hpp"
#include "memcalc/model.hpp"

namespace memcalc {

enum class Mode { training, inference };
// bf16_mixed / fp16_mixed: 16-bit weights with an fp32 master copy (Megatron, DeepSpeed); bf16: pure
// bf16 (torchtune); amp_*: autocast over fp32 weights (HF Trainer, accelerate).
enum class Precision { fp32, bf16_mixed, fp16_mixed, bf16, amp_bf16, amp_fp16 };
// standard: the logits and cross-entropy buffers of a plain loss; chunked: Liger / torchtune / Unsloth
// / Cut Cross-Entropy, never the full s·b·V logits.
enum class Loss { standard, chunked };
enum class Offload { none, optimizer, optimizer_and_params };
enum class OptimizerImpl { foreach, fused, for_loop };
// LoRA adapters on every linear projection, the attention projections, or q and v; a list of module
// names is LoraTargets::modules.
enum class LoraTargets { all_linear, attention, qv, modules };
enum class Optimizer { adamw, adam, sgd, sgd_momentum, adamw_8bit, adafactor, lion };
enum class Recompute { none, selective, full };
enum class ActivationFormula { seed, architecture, transformers };
enum class Finetune { full, lora, qlora };
// Weight storage types for inference. "auto": as the checkpoint stores them (quantization_config,
// else torch_dtype). GGUF entries are llama.cpp file types.
enum class WeightDtype { auto_, fp32, fp16, bf16, fp8, fp8_block, mxfp4, nvfp4, int8, int4, gptq_int4, awq_int4, nf4,
                         q8_0, q6_k, q5_k_m, q4_k_m, q4_0, q3_k_m, q2_k };
// KV cache element types. "auto": the model's dtype. q8_0/q4_0: llama.cpp cache types (34 and 18 B per
// 32); nvfp4: 4-bit values with an fp8 scale per 16.
enum class KvDtype { auto_, fp32, fp16, bf16, fp8, fp8_e4m3, fp8_e5m2, int8, int4, q8_0, q4_0, nvfp4 };
// Recurrent-state element types. "auto": the model's mamba_ssm_dtype when its config names one, else
// the model dtype (fp32 for KDA and lightning attention, as vLLM keeps them).
enum class StateDtype { auto_, fp32, bf16, fp16 };

// Name tables: the JSON spelling of each enum value, in declaration order.
template <typename E> struct EnumNames;
#define MEMCALC_ENUM_NAMES(E, ...)                                   \
  template <> struct EnumNames<E> {                                  \
    static constexpr std::string_view names[] = {__VA_ARGS__};       \
  };
MEMCALC_ENUM_NAMES(Mode, "training", "inference")
MEMCALC_ENUM_NAMES(Precision, "fp32", "bf16_mixed", "fp16_mixed", "bf16", "amp_bf16", "amp_fp16")
MEMCALC_ENUM_NAMES(Loss, "standard", "chunked")
MEMCALC_ENUM_NAMES(Offload, "none", "optimizer", "optimizer_and_params")
MEMCALC_ENUM_NAMES(OptimizerImpl, "foreach", "fused", "for_loop")
MEMCALC_ENUM_NAMES(LoraTargets, "all_linear", "attention", "qv", "modules")
MEMCALC_ENUM_NAMES(Optimizer, "adamw", "adam", "sgd", "sgd_momentum", "adamw_8bit", "adafactor", "lion")
MEMCALC_ENUM_NAMES(Recompute, "none", "selective", "full")
MEMCALC_ENUM_NAMES(ActivationFormula, "seed", "architecture", "transformers")
MEMCALC_ENUM_NAMES(Finetune, "full", "lora", "qlora")
MEMCALC_ENUM_NAMES(WeightDtype, "auto", "fp32", "fp16", "bf16", "fp8", "fp8_block", "mxfp4", "nvfp4", "int8", "int4",
                   "gptq_int4", "awq_int4", "nf4", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "q4_0", "q3_k_m", "q2_k")
MEMCALC_ENUM_NAMES(KvDtype, "auto", "fp32", "fp16", "bf16", "fp8", "fp8_e4m3", "fp8_e5m2", "int8", "int4", "q8_0", "q4_0",
                   "nvfp4")
MEMCALC_ENUM_NAMES(StateDtype, "auto", "fp32", "bf16", "fp16")
#undef MEMCALC_ENUM_NAMES

template <typename E> std::string_view enum_name(E value) {
  return EnumNames<E>::names[static_cast<int>(value)];
}

struct ParallelConfig {
  double dp = 1;    // data-parallel replicas (ZeRO shards over these)
  double tp = 1;    // tensor-parallel size
  double pp = 1;    // pipeline stages; the breakdown is for the first (most loaded) stage
  double cp = 1;    // context-parallel size: each rank holds seq_len/cp tokens
  double ep = 1;    // expert-parallel size: routed experts are split over ep ranks
  int zero = 0;     // ZeRO stage 0-3 (3 = FSDP full sharding)
  double virtual_stages = 1;  // interleaved 1F1B: model chunks per pipeline rank (Narayanan et al. 2021)
  bool sequence_parallel = false;  // Megatron sequence parallelism (needs tp > 1 to matter)
};

struct TrainingConfig {
  double batch_size = 1;  // micro-batch per GPU, sequences
  double seq_len = 4096;  // tokens per sequence
  Precision precision = Precision::bf16_mixed;
  bool fp32_grads = false;
  Optimizer optimizer = Optimizer::adamw;
  Recompute recompute = Recompute::none;
  bool flash_attention = false;
  ActivationFormula activation_formula = ActivationFormula::seed;
  Finetune finetune = Finetune::full;
  double lora_rank = 16;
  LoraTargets lora_targets = LoraTargets::all_linear;
  std::vector<std::string> lora_modules;  // with LoraTargets::modules: "q_proj", "v_proj", ...
  double lora_alpha = 32;                 // scales the update; no memory of its own
  Loss loss = Loss::standard;
  double gradient_accumulation_steps = 1;
  bool activation_offload = false;        // activations wait in CPU memory between forward and backward
  bool optimizer_in_backward = false;     // each parameter steps as soon as its gradient is ready
  Offload offload = Offload::none;        // optimizer states (and parameters) in CPU memory
  OptimizerImpl optimizer_impl = OptimizerImpl::foreach;
  ParallelConfig parallel;
};

struct InferenceConfig {
  double batch_size = 1;
  double context_len = 4096;  // prompt + generated tokens held in the KV cache
  WeightDtype weight_dtype = WeightDtype::auto_;
  KvDtype kv_dtype = KvDtype::auto_;
  StateDtype state_dtype = StateDtype::auto_;
  double tp = 1;
  bool text_only = false;     // serve the language model alone: vision/audio towers not loaded
  bool mtp = false;           // load the multi-token-prediction layers (MTP speculative decoding)
  EngineOptions engine;       // "generic": the explicit estimate; or an engine's own sizing
};

struct GpuConfig {
  std::string preset = "h100-80gb";  // empty when memory_bytes was given
  double memory_bytes = 0;           // bytes per GPU, as marketed
  double usable_bytes = 0;           // as the CUDA runtime reports it (what fits compares against)
  double listed_bytes = 0;           // as the driver lists it (nvidia-smi; SGLang sizes by it)
  double count = 1;
  double bandwidth_bytes_per_s = 0;  // memory bandwidth (a preset's, or given)
  double flops_bf16 = 0, flops_fp8 = 0, flops_fp4 = 0;  // dense peak FLOP/s (a preset's, or gpu.flops)
  std::string kind;                  // the preset's device class ("consumer", "unified", ...)
  double usable() const { return usable_bytes > 0 ? usable_bytes : memory_bytes; }
  double listed() const { return listed_bytes > 0 ? listed_bytes : memory_bytes; }
};

// Speed beside memory: the efficiencies of the roofline (0: the default for the engine and device).
struct PerformanceConfig {
  double memory_efficiency = 0;   // share of the memory bandwidth decode reaches
  double compute_efficiency = 0;  // share of the peak FLOP/s prefill reaches
  double mfu = 0;                 // training: model FLOPs utilisation (0: 0.4)
};

struct Scenario {
  ModelConfig model;
  Mode mode = Mode::training;
  TrainingConfig training;
  InferenceConfig inference;
  GpuConfig gpu;
  double overhead_bytes = 1073741824;  // CUDA context and workspaces per GPU (a rule: 1 GiB)
  PerformanceConfig performance;
};

struct ScenarioParseResult {
  Scenario scenario;
  std::vector<Issue> issues;  // errors make the scenario unusable; warnings and infos do not
};

// Reads and validates a scenario object. Unknown fields are reported; missing ones take the
// defaults above; every invalid value is an error naming its field.
ScenarioParseResult parse_scenario(const Json& json);
ScenarioParseResult parse_scenario_text(std::string_view text);

// The defaults, and the allowed values of every enum field ("training.optimizer": [...]).
Json scenario_defaults_json();
Json scenario_enums_json();

}  // namespace memcalc
