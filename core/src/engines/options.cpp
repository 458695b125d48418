// The engines' options: names as each engine spells its flags (with _ for -), defaults with the
// version they come from, ranges and help. Sources: vLLM vllm/engine/arg_utils.py and
// vllm/config/*.py (v0.11); SGLang python/sglang/srt/server_args.py; llama.cpp common/arg.cpp;
// transformers GenerationConfig and PreTrainedModel.from_pretrained.
#include <cmath>

#include "memcalc/engines.hpp"
#include "../text.hpp"

namespace memcalc {

namespace {

constexpr double kBig = 16777216;  // 2^24: tokens, sequences, layers
constexpr const char* kKvCacheDtypes = "auto|fp8|fp8_e4m3|fp8_e5m2";
// The vLLM releases whose memory rules differ (gpu_worker.py, kv_cache_utils.py; vllm-memory notes):
// 0.8 early V1, 0.9–0.19 CUDA graphs outside the budget, 0.20 graphs estimated inside,
// 0.21+ "GPU KV cache size" = concurrency × max_model_len.
constexpr const char* kVllmVersions = "0.24|0.23|0.22|0.21|0.20|0.19|0.18|0.17|0.16|0.15|0.14|0.13|0.12|0.11|0.10|0.9|0.8";
// SGLang's eras of mem_fraction_static's default (server_args.py).
constexpr const char* kSglangVersions = "0.5.6+|0.4.7-0.5.5|0.4.6-";

}  // namespace

const std::vector<EngineOption>& engine_options() {
  using O = EngineOptions;
  static const std::vector<EngineOption> table = {
      {Engine::vllm, "gpu_memory_utilization", &O::gpu_memory_utilization, 0.01, 1, nullptr,
       "share of the GPU's memory vLLM may use (default 0.9)"},
      {Engine::vllm, "max_model_len", &O::max_model_len, 0, kBig, nullptr,
       "longest request in tokens; 0: the model's max_position_embeddings (vLLM's default)"},
      {Engine::vllm, "max_num_seqs", &O::max_num_seqs, 0, kBig, nullptr,
       "requests batched at once; 0: vLLM's default (1024 on GPUs of 70 GiB or more, else 256)"},
      {Engine::vllm, "max_num_batched_tokens", &O::max_num_batched_tokens, 0, kBig, nullptr,
       "tokens per scheduler step, the size of the profiling forward pass; 0: vLLM's default (8192 on GPUs of 70 GiB or more, else 2048)"},
      {Engine::vllm, "block_size", &O::block_size, 1, 4096, nullptr, "tokens per KV block (default 16)"},
      {Engine::vllm, "enforce_eager", &O::enforce_eager, 0, 1, nullptr, "no CUDA graphs (default off)"},
      {Engine::vllm, "kv_cache_dtype", &O::kv_cache_dtype, 0, 0, kKvCacheDtypes,
       "auto: the model's dtype (default); fp8 halves the cache"},
      {Engine::vllm, "tensor_parallel_size", &O::tensor_parallel_size, 0, 1024, nullptr,
       "GPUs that split the model; 0: inference.tp"},
      {Engine::vllm, "disable_hybrid_kv_cache_manager", &O::disable_hybrid_kv_cache_manager, 0, 1, nullptr,
       "size sliding-window and chunked layers as full ones (default off)"},
      {Engine::vllm, "version", &O::version, 0, 0, kVllmVersions,
       "the vLLM release whose rules apply (default 0.24): CUDA graphs outside the budget before 0.20, "
       "\"GPU KV cache size\" as concurrency × max_model_len from 0.21"},
      {Engine::vllm, "entrypoint", &O::entrypoint, 0, 0, "serve|llm",
       "vllm serve (default) or the offline LLM class: their default max_num_batched_tokens differ"},
      {Engine::vllm, "kv_cache_memory", &O::kv_cache_memory, 0, 1e15, nullptr,
       "bytes for the KV cache, instead of what profiling leaves (--kv-cache-memory); 0: profile"},
      {Engine::vllm, "enable_prefix_caching", &O::enable_prefix_caching, 0, 1, nullptr,
       "prefix caching (default on in V1); on hybrid models it keeps two Mamba states per request from 0.20"},
      {Engine::vllm, "mamba_cache_mode", &O::mamba_cache_mode, 0, 0, "auto|none|align|all",
       "Mamba state blocks per request: auto (align with prefix caching from 0.20, else none)"},
      {Engine::vllm, "max_cudagraph_capture_size", &O::max_cudagraph_capture_size, 0, kBig, nullptr,
       "largest batch captured as a CUDA graph; 0: min(2 × max_num_seqs, 512)"},
      {Engine::sglang, "mem_fraction_static", &O::mem_fraction_static, 0, 1, nullptr,
       "share of the GPU's memory for weights and the KV pool; 0: SGLang's default for the GPU and tp"},
      {Engine::sglang, "context_length", &O::context_length, 0, kBig, nullptr,
       "longest request; 0: the model's max_position_embeddings"},
      {Engine::sglang, "chunked_prefill_size", &O::chunked_prefill_size, 0, kBig, nullptr,
       "tokens per prefill chunk; 0: SGLang's default for the GPU"},
      {Engine::sglang, "max_running_requests", &O::max_running_requests, 0, kBig, nullptr,
       "requests at once; 0: from the token pool"},
      {Engine::sglang, "page_size", &O::page_size, 1, 4096, nullptr, "tokens per KV page (default 1)"},
      {Engine::sglang, "kv_cache_dtype", &O::kv_cache_dtype, 0, 0, kKvCacheDtypes, "auto: the model's dtype (default)"},
      {Engine::sglang, "tp_size", &O::tp_size, 0, 1024, nullptr, "GPUs that split the model; 0: inference.tp"},
      {Engine::sglang, "disable_cuda_graph", &O::disable_cuda_graph, 0, 1, nullptr, "no CUDA graphs (default off)"},
      {Engine::sglang, "version", &O::sglang_version, 0, 0, kSglangVersions,
       "the SGLang release whose mem_fraction_static default applies (default 0.5.6+)"},
      {Engine::sglang, "max_total_tokens", &O::max_total_tokens, 0, 1e12, nullptr, "caps the token pool; 0: none"},
      {Engine::sglang, "cuda_graph_max_bs", &O::cuda_graph_max_bs, 0, kBig, nullptr,
       "largest batch captured as a CUDA graph; 0: SGLang's default for the GPU and tp"},
      {Engine::sglang, "mamba_full_memory_ratio", &O::mamba_full_memory_ratio, 0.01, 100, nullptr,
       "hybrid models: recurrent state pool ÷ KV pool (default 0.9)"},
      {Engine::sglang, "max_mamba_cache_size", &O::max_mamba_cache_size, 0, kBig, nullptr,
       "hybrid models: sequences with a recurrent state slot; 0: from mamba_full_memory_ratio"},
      {Engine::sglang, "swa_full_tokens_ratio", &O::swa_full_tokens_ratio, 0.01, 1, nullptr,
       "sliding-window layers' tokens ÷ full layers' tokens (default 0.8)"},
      {Engine::sglang, "cpu_offload_gb", &O::cpu_offload_gb, 0, 1e6, nullptr, "GiB of weights kept on the CPU (default 0)"},
      {Engine::llamacpp, "n_ctx", &O::n_ctx, 0, kBig, nullptr,
       "context cells for all sequences (-c); 0: the model's training context"},
      {Engine::llamacpp, "n_batch", &O::n_batch, 1, kBig, nullptr, "logical batch (-b, default 2048)"},
      {Engine::llamacpp, "n_ubatch", &O::n_ubatch, 1, kBig, nullptr, "physical batch (-ub, default 512)"},
      {Engine::llamacpp, "n_parallel", &O::n_parallel, 1, 65536, nullptr, "sequences served at once (-np, default 1)"},
      {Engine::llamacpp, "flash_attn", &O::flash_attn, 0, 0, "auto|on|off", "flash attention (-fa, default auto: on where the backend has it)"},
      {Engine::llamacpp, "cache_type_k", &O::cache_type_k, 0, 0, "f16|bf16|f32|q8_0|q5_1|q5_0|q4_1|q4_0|iq4_nl",
       "K cache type (-ctk, default f16)"},
      {Engine::llamacpp, "cache_type_v", &O::cache_type_v, 0, 0, "f16|bf16|f32|q8_0|q5_1|q5_0|q4_1|q4_0|iq4_nl",
       "V cache type (-ctv, default f16; quantized V needs flash attention)"},
      {Engine::llamacpp, "n_gpu_layers", &O::n_gpu_layers, -1, kBig, nullptr, "layers on the GPUs (-ngl); -1: all of them"},
      {Engine::llamacpp, "swa_full", &O::swa_full, 0, 1, nullptr, "full-size cache for sliding-window layers (--swa-full, default off)"},
      {Engine::llamacpp, "tensor_split", &O::tensor_split, 0, 1e9, nullptr,
       "shares of the layers per GPU (-ts, e.g. [3, 1]); empty: in proportion to free memory"},
      {Engine::llamacpp, "kv_unified", &O::kv_unified, 0, 1, nullptr,
       "one KV buffer shared by all sequences (-kvu; llama-server turns it on when -np is left to auto)"},
      {Engine::llamacpp, "n_cpu_moe", &O::n_cpu_moe, 0, kBig, nullptr, "keep the MoE experts of the first N layers on the CPU (--n-cpu-moe)"},
      {Engine::transformers, "attn_implementation", &O::attn_implementation, 0, 0, "sdpa|eager|flash_attention_2",
       "attention kernel (default sdpa)"},
      {Engine::transformers, "cache_implementation", &O::cache_implementation, 0, 0, "dynamic|static",
       "KV cache: dynamic grows with the text (default), static is allocated for max length"},
      {Engine::transformers, "prompt_len", &O::prompt_len, 0, kBig, nullptr,
       "tokens prefilled at once; 0: the whole context_len (the rest of context_len is generated)"},
      {Engine::transformers, "logits_to_keep", &O::logits_to_keep, 0, 1, nullptr,
       "1: logits of the last position only (generate's default); 0: of every prompt position"},
  };
  return table;
}

const char* engine_name(Engine e) {
  switch (e) {
    case Engine::generic: return "generic";
    case Engine::vllm: return "vllm";
    case Engine::sglang: return "sglang";
    case Engine::llamacpp: return "llamacpp";
    case Engine::transformers: return "transformers";
  }
  return "generic";
}

const char* engine_defaults_version(Engine e) {
  switch (e) {
    case Engine::generic: return "";
    case Engine::vllm: return "vLLM 0.24 (V1 engine; earlier releases with the version option)";
    case Engine::sglang: return "SGLang 0.5.6+ (earlier releases with the version option)";
    case Engine::llamacpp: return "llama.cpp b7000+ (2026, llama-server)";
    case Engine::transformers: return "transformers 4.5x (generate)";
  }
  return "";
}

std::string engine_choice(const EngineOption& option, double index) {
  std::string_view all = option.choices ? option.choices : "";
  for (int i = 0; !all.empty(); ++i) {
    const auto bar = all.find('|');
    if (i == static_cast<int>(index)) return std::string(all.substr(0, bar));
    if (bar == std::string_view::npos) break;
    all.remove_prefix(bar + 1);
  }
  return {};
}

std::string engine_choice(Engine e, std::string_view option, double index) {
  for (const auto& opt : engine_options())
    if (opt.engine == e && option == opt.name) return engine_choice(opt, index);
  return {};
}

EngineParse parse_engine(const Json* engine) {
  EngineParse out;
  if (!engine) return out;
  const std::string base = "inference.engine";
  auto error = [&](const std::string& field, std::string message) {
    out.issues.push_back({field, Severity::error, std::move(message)});
  };
  if (engine->is_string()) {  // a bare name stands for { "name": ... }
    Json wrapped = Json::object();
    wrapped.set("name", *engine);
    EngineParse again = parse_engine(&wrapped);
    return again;
  }
  if (!engine->is_object()) {
    error(base, "must be an object such as {\"name\": \"vllm\"}");
    return out;
  }
  const Json* name = engine->find("name");
  bool known = false;
  for (Engine e : {Engine::generic, Engine::vllm, Engine::sglang, Engine::llamacpp, Engine::transformers})
    if (name && name->is_string() && name->as_string() == engine_name(e)) {
      out.options.name = e;
      known = true;
    }
  if (!known) {
    error(base + ".name", "must be one of: generic, vllm, sglang, llamacpp, transformers");
    return out;
  }
  for (const auto& [key, value] : engine->as_object()) {
    if (key == "name") continue;
    const std::string field = base + "." + key;
    const EngineOption* option = nullptr;
    const EngineOption* elsewhere = nullptr;
    for (const auto& o : engine_options()) {
      if (key != o.name) continue;
      (o.engine == out.options.name ? option : elsewhere) = &o;
    }
    if (!option) {
      if (elsewhere)
        error(field, std::string("is a ") + engine_name(elsewhere->engine) + " option, not one of " +
                         engine_name(out.options.name));
      else
        out.issues.push_back({field, Severity::warning, "unknown field, ignored"});
      continue;
    }
    if (auto* number = std::get_if<double EngineOptions::*>(&option->field)) {
      if (option->choices) {
        bool found = false;
        for (double i = 0; !engine_choice(*option, i).empty(); ++i)
          if (value.is_string() && value.as_string() == engine_choice(*option, i)) {
            out.options.*(*number) = i;
            found = true;
          }
        if (!found) error(field, std::string("must be one of: ") + option->choices);
      } else if (!value.is_number() || !std::isfinite(value.as_number()) || value.as_number() < option->min ||
                 value.as_number() > option->max) {
        error(field, "must be a number from " + detail::num(option->min) + " to " + detail::num(option->max));
      } else {
        out.options.*(*number) = value.as_number();
      }
    } else if (auto* flag = std::get_if<bool EngineOptions::*>(&option->field)) {
      if (!value.is_bool()) error(field, "must be true or false");
      else out.options.*(*flag) = value.as_bool();
    } else if (auto* list = std::get_if<std::vector<double> EngineOptions::*>(&option->field)) {
      std::vector<double> shares;
      bool ok = value.is_array() && value.as_array().size() <= 64;
      for (const auto& v : ok ? value.as_array() : Json::Array{}) {
        ok = ok && v.is_number() && v.as_number() >= 0 && v.as_number() <= option->max;
        if (ok) shares.push_back(v.as_number());
      }
      double sum = 0;
      for (double x : shares) sum += x;
      if (!ok || (!shares.empty() && sum <= 0)) error(field, "must be a list of non-negative shares, one per GPU");
      else out.options.*(*list) = shares;
    }
  }
  return out;
}

namespace {

Json option_value(const EngineOption& o, const EngineOptions& values) {
  if (auto* number = std::get_if<double EngineOptions::*>(&o.field))
    return o.choices ? Json(engine_choice(o, values.*(*number))) : Json(values.*(*number));
  if (auto* flag = std::get_if<bool EngineOptions::*>(&o.field)) return Json(values.*(*flag));
  Json a = Json::array();
  for (double x : values.*std::get<std::vector<double> EngineOptions::*>(o.field)) a.push(Json(x));
  return a;
}

}  // namespace

Json engine_options_json(const EngineOptions& o) {
  Json out = Json::object();
  out.set("name", engine_name(o.name));
  for (const auto& option : engine_options())
    if (option.engine == o.name) out.set(option.name, option_value(option, o));
  return out;
}

Json engines_catalog_json() {
  Json out = Json::array();
  const EngineOptions defaults;
  for (Engine e : {Engine::generic, Engine::vllm, Engine::sglang, Engine::llamacpp, Engine::transformers}) {
    Json j = Json::object();
    j.set("name", engine_name(e));
    j.set("defaults_from", engine_defaults_version(e));
    Json options = Json::array();
    for (const auto& o : engine_options()) {
      if (o.engine != e) continue;
      Json x = Json::object();
      x.set("name", o.name);
      x.set("default", option_value(o, defaults));
      if (o.choices) {
        Json c = Json::array();
        for (double i = 0; !engine_choice(o, i).empty(); ++i) c.push(Json(engine_choice(o, i)));
        x.set("choices", c);
      } else if (std::holds_alternative<double EngineOptions::*>(o.field)) {
        x.set("min", o.min);
        x.set("max", o.max);
      }
      x.set("help", o.help);
      options.push(std::move(x));
    }
    j.set("options", std::move(options));
    out.push(std::move(j));
  }
  return out;
}

}  // namespace memcalc
