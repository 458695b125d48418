// SGLang (sglang.launch_server) at start-up, as its model runner sizes the pools
// (model_runner_kv_cache_mixin.py profile_max_num_token, memory_pool.py, server_args.py):
//
//   A0         = free memory before the weights load ("Load weight begin. avail mem"): CUDA's total
//                less the CUDA context (0.4 GiB) and, with tp > 1, NCCL (0.15 GiB) — rules from the logs
//   rest       = mem_fraction_static × A0 − weights
//   Mamba pool = rest × r / (1 + r) // state per request (r = mamba_full_memory_ratio, 0.9), allocated
//                with one spare slot; the KV pool gets the remainder
//   #tokens    = rest // cell, cell = every attention layer's K + V per token on this GPU (MLA: the
//                latent, not split by tp), capped by max_total_tokens, floored to page_size
//   K size     = (#tokens + page_size) × K widths × layers (one padded page per layer), "GB" = GiB
//
// mem_fraction_static's default by release: up to 0.4.6 by tp (0.88, 0.87, 0.85, 0.81, 0.79); 0.4.7–
// 0.5.5 (GPU memory − reserved) / GPU memory with reserved by card size; from 0.5.6 reserved =
// 512 MiB + 1.5 × chunked_prefill_size + 2 × cuda_graph_max_bs + tp/8 GiB, at least 10 GiB above
// 60 GiB cards, rounded to 3 decimals. GPU memory is the driver's (nvidia-smi) MiB.
#include <algorithm>
#include <cmath>

#include "engine.hpp"

namespace memcalc::detail {

namespace {

struct Defaults {
  double chunk = 0, graph_bs = 0, fraction = 0;
  std::string fraction_formula;
};

Defaults sglang_defaults(const EngineOptions& o, double gpu_mib, double tp, const std::string& era) {
  Defaults d;
  const double g = gpu_mib;
  if (era == "0.4.6-") {
    d.chunk = g < 25000 ? 2048 : 8192;
    d.graph_bs = g < 25000 ? 8 : (tp >= 4 ? 80 : 160);
  } else {
    d.chunk = g < 20 * 1024 ? 2048 : g < 35 * 1024 ? 2048 : g < 60 * 1024 ? 4096 : g < 160 * 1024 ? 8192 : 16384;
    d.graph_bs = g < 20 * 1024   ? 8
                 : g < 35 * 1024 ? (tp < 4 ? 24 : 80)
                 : g < 60 * 1024 ? (tp < 4 ? 32 : 160)
                 : g < 160 * 1024 ? (tp < 4 ? 256 : 512)
                                  : 512;
  }
  const double chunk = o.chunked_prefill_size > 0 ? o.chunked_prefill_size : d.chunk;
  const double bs = o.cuda_graph_max_bs > 0 ? o.cuda_graph_max_bs : d.graph_bs;
  if (era == "0.4.6-") {
    d.fraction = tp >= 16 ? 0.79 : tp >= 8 ? 0.81 : tp >= 4 ? 0.85 : tp >= 2 ? 0.87 : 0.88;
    d.fraction_formula = "0.4.6's default for tp " + num(tp);
    return d;
  }
  double reserved;
  if (era == "0.4.7-0.5.5") {
    reserved = g < 35 * 1024   ? (2.8 + tp / 10) * 1024
               : g < 90 * 1024 ? (9.5 + tp / 2) * 1024
               : g < 160 * 1024 ? (12 + tp / 2) * 1024
                                : 32 * 1024;
    d.fraction_formula = "reserved " + num(reserved) + " MiB for a " + num(g) + " MiB GPU at tp " + num(tp);
  } else {
    reserved = 512 + std::max(chunk, 2048.0) * 1.5 + bs * 2 + tp / 8 * 1024;
    if (g > 60 * 1024) reserved = std::max(reserved, 10.0 * 1024);
    d.fraction_formula = "reserved 512 + 1.5 × chunk " + num(chunk) + " + 2 × cuda_graph_max_bs " + num(bs) + " + tp " + num(tp) +
                         "/8 × 1024" + (g > 60 * 1024 ? " (at least 10 GiB)" : "") + " = " + num(reserved) + " MiB of " + num(g) + " MiB";
  }
  d.fraction = std::round((g - reserved) / g * 1000) / 1000;
  return d;
}

}  // namespace

void add_sglang(const Scenario& s0, const ModelTensors& t, Breakdown& out) {
  const EngineOptions& o = s0.inference.engine;
  Scenario s = s0;
  if (o.tp_size > 0) s.inference.tp = o.tp_size;
  const std::string kv_choice = engine_choice(Engine::sglang, "kv_cache_dtype", o.kv_cache_dtype);
  if (kv_choice != "auto") s.inference.kv_dtype = kv_choice == "fp8_e5m2" ? KvDtype::fp8_e5m2 : KvDtype::fp8_e4m3;
  const ServingModel sm = serving_model(s, t, out.explain());
  const double tp = s.inference.tp;
  const std::string era = engine_choice(Engine::sglang, "version", o.sglang_version);
  EngineFigures& e = out.engine;
  e.name = "sglang";
  e.version = "SGLang " + era;

  const double gpu_mib = std::floor(s.gpu.listed() / kMiB);
  const Defaults d = sglang_defaults(o, gpu_mib, tp, era);
  const double f = o.mem_fraction_static > 0 ? o.mem_fraction_static : d.fraction;
  const double chunk = o.chunked_prefill_size > 0 ? o.chunked_prefill_size : d.chunk;
  const double context = o.context_length > 0 ? o.context_length : sm.max_position;
  const double page = o.page_size;
  e.max_model_len = context;
  e.max_num_batched_tokens = chunk;

  const double a0 = s.gpu.usable() - 0.4 * kGiB - (tp > 1 ? 0.15 * kGiB : 0);
  const double offload = std::min(o.cpu_offload_gb * kGiB, sm.component("weights"));
  // The rotary cos/sin cache, fp32, for the context length (get_rope: cos_sin_cache), loads with the weights.
  double head_dim = 0;
  for (const Layer& l : s.model.layers)
    for (const Mixer& x : l.mixers)
      if (x.kind == MixerKind::attention) head_dim = std::max(head_dim, x.head_dim);
      else if (x.kind == MixerKind::mla) head_dim = std::max(head_dim, x.qk_rope_head_dim);
  const double rotary = context * head_dim * 4;
  const double weights = sm.weights_bytes - offload + rotary;
  e.weights_bytes = weights;
  e.usable_bytes = f * a0;
  double rest = f * a0 - weights;

  // The recurrent state pool of hybrid models (conv at the model's dtype, SSM state in fp32 unless
  // the scenario's state_dtype says otherwise: SGLANG_MAMBA_SSM_DTYPE).
  double per_request = 0;
  for (const auto& c : sm.specs)
    if (!c.holds_kv())
      per_request += c.layers * (c.conv_elems * sm.model_bytes +
                                 c.ssm_elems * (s.inference.state_dtype == StateDtype::auto_ ? 4 : c.ssm_bytes));
  double slots = 0;
  if (per_request > 0) {
    const double r = o.mamba_full_memory_ratio;
    slots = o.max_mamba_cache_size > 0 ? o.max_mamba_cache_size : std::floor(std::max(0.0, rest) * r / (1 + r) / per_request);
    rest -= slots * per_request;
    e.recurrent_state_bytes = (slots + 1) * per_request;
  }

  // The KV pool. Hybrid sliding-window models split it between full and window layers.
  double cell = 0, k_width = 0, v_width = 0, full_cell = 0, swa_cell = 0;
  const double kb = sm.kv_auto_bytes;
  for (const auto& c : sm.specs) {
    if (!c.holds_kv()) continue;
    const double bytes = c.layers * token_bytes(c, kb, kb);
    cell += bytes;
    (c.kind == CacheSpec::Kind::sliding ? swa_cell : full_cell) += bytes;
    k_width += c.layers * c.k_elems;
    v_width += c.layers * c.v_elems;
  }
  double tokens = cell > 0 && rest > 0 ? std::floor(rest / cell) : 0;
  if (o.max_total_tokens > 0) tokens = std::min(tokens, o.max_total_tokens);
  double swa_tokens = 0;
  if (swa_cell > 0 && full_cell > 0) {
    const double r = o.swa_full_tokens_ratio;
    tokens = std::floor(tokens * cell / (full_cell + r * swa_cell));
    swa_tokens = std::floor(tokens * r / page) * page;
  }
  tokens = std::floor(tokens / page) * page;
  e.kv_cache_tokens = tokens;
  const double k_size = tokens > 0 ? (tokens + page) * k_width * kb : 0;
  const double v_size = tokens > 0 ? (tokens + page) * v_width * kb : 0;
  double index_size = 0;
  for (const auto& c : sm.specs) index_size += tokens > 0 ? (tokens + page) * c.layers * c.index_bytes : 0;
  e.kv_cache_bytes = k_size + v_size + index_size;

  // Requests at once: the request pool (512 per context's worth of tokens, 2048 to 4096), half the
  // token pool, and with a Mamba pool a third of its slots (radix cache on).
  double pool = std::min(std::max(std::floor(tokens / context * 512), 2048.0), 4096.0);
  if (slots > 0) pool = std::min(pool, std::floor(slots / 3));
  e.max_num_seqs = o.max_running_requests > 0 ? std::min(o.max_running_requests, pool) : std::min(std::floor(tokens / 2), pool);
  e.max_concurrency = context > 0 ? tokens / context : 0;

  // After the pools: CUDA graphs and the forward pass of a prefill chunk live in what is left.
  e.activation_bytes = prefill_activation_bytes(s, t, chunk);
  const double reserve = (1 - f) * a0;
  e.limit_max_concurrency = std::floor(e.max_concurrency);
  if (rest <= 0 || tokens <= 0) {
    e.starts = false;
    e.problem = "RuntimeError: Not enough memory. Please try to increase --mem-fraction-static.";
  } else if (e.activation_bytes > reserve) {
    e.problem = "the forward pass of a " + num(chunk) + "-token prefill chunk (" + gib(e.activation_bytes) +
                ") outgrows what mem_fraction_static leaves (" + gib(reserve) + "): expect an out-of-memory error at the first long prompt";
  }
  e.limit_max_model_len = tokens > 0 ? tokens : -1;  // one request may take the whole pool

  if (const Component* w = sm.find("weights"))
    out.add("weights", w->bytes - offload, w->basis, [&] {
      return w->formula + (offload > 0 ? "; − " + gib(offload) + " kept on the CPU (--cpu-offload-gb)" : "");
    }, w->source.c_str());
  add_generic(sm, out, {"encoders", "mtp_weights"});
  if (rotary > 0)
    out.add("rotary_cache", rotary, Basis::exact, [&] {
      return "context_len " + num(context) + " × head_dim " + num(head_dim) + " × 4 B (fp32)";
    }, "SGLang get_rope: the cos/sin cache, allocated with the weights");
  e.host_bytes = offload;
  out.add("kv_cache", e.kv_cache_bytes, Basis::exact, [&] {
    return "(#tokens " + num(tokens) + " + page " + num(page) + ") × " + num(cell) + " B per token of every attention layer; #tokens = (" +
           fixed(f, 3) + " × " + gib(a0) + " free before loading − weights " + gib(weights) +
           (slots > 0 ? " − Mamba pool" : "") + ") ÷ cell";
  }, "SGLang profile_max_num_token and MHATokenToKVPool / MLATokenToKVPool");
  if (e.recurrent_state_bytes > 0)
    out.add("recurrent_state", e.recurrent_state_bytes, Basis::exact, [&] {
      return "(max_mamba_cache_size " + num(slots) + " + 1) × " + num(per_request) + " B per request (conv " + bytes_per(sm.model_bytes) +
             ", SSM state " + (s.inference.state_dtype == StateDtype::auto_ ? std::string("4 B") : std::string("as state_dtype")) + ")";
    }, "SGLang handle_max_mamba_cache: mamba_full_memory_ratio of the rest, one spare slot");
  out.add("activations", e.activation_bytes, Basis::analytic, [&] {
    return "the forward pass of a " + num(chunk) + "-token prefill chunk, in the " + gib(reserve) + " mem_fraction_static leaves";
  }, "Prefill activations at chunked_prefill_size (inference.cpp's widest layer step)");

  if (!out.explain()) return;
  auto line = [&](std::string text, std::string formula) { e.log.push_back({std::move(text), std::move(formula)}); };
  line("mem_fraction_static=" + fixed(f, 3), o.mem_fraction_static > 0 ? std::string("as set") : d.fraction_formula);
  line("Load weight begin. avail mem=" + fixed(a0 / kGiB, 2) + " GB", "CUDA's total " + gib(s.gpu.usable()) + " − CUDA context 0.4 GiB" +
       (tp > 1 ? std::string(" − NCCL 0.15 GiB") : std::string()));
  line("Load weight end. avail mem=" + fixed((a0 - weights) / kGiB, 2) + " GB, mem usage=" + fixed(weights / kGiB, 2) + " GB.",
       "the weights on this GPU" + std::string(tp > 1 ? " ÷ tp " + num(tp) : ""));
  if (slots > 0)
    line("Mamba Cache is allocated. max_mamba_cache_size: " + num(slots) + ", state size: " + fixed(e.recurrent_state_bytes / kGiB, 2) + "GB",
         "rest × " + fixed(o.mamba_full_memory_ratio, 2) + " / (1 + " + fixed(o.mamba_full_memory_ratio, 2) + ") ÷ " + num(per_request) + " B per request");
  const bool mla = std::any_of(sm.specs.begin(), sm.specs.end(), [](const CacheSpec& c) { return c.kind == CacheSpec::Kind::mla; });
  if (mla)
    line("KV Cache is allocated. #tokens: " + fixed(tokens, 0) + ", KV size: " + fixed((k_size + index_size) / kGiB, 2) + " GB",
         "(#tokens + page) × latent " + num(k_width / std::max(1.0, sm.layers)) + " × layers × " + bytes_per(kb));
  else
    line("KV Cache is allocated. #tokens: " + fixed(tokens, 0) + ", K size: " + fixed(k_size / kGiB, 2) + " GB, V size: " + fixed(v_size / kGiB, 2) + " GB",
         "(#tokens + page) × K (V) widths of every attention layer × " + bytes_per(kb));
  if (swa_tokens > 0)
    line("Use sliding window memory pool. full_layer_tokens=" + fixed(tokens, 0) + ", swa_layer_tokens=" + fixed(swa_tokens, 0),
         "swa_full_tokens_ratio " + fixed(o.swa_full_tokens_ratio, 2));
  line("max_total_num_tokens=" + fixed(tokens, 0) + ", chunked_prefill_size=" + fixed(chunk, 0) + ", max_running_requests=" +
           fixed(e.max_num_seqs, 0) + ", context_len=" + fixed(context, 0),
       "max_running_requests = min(#tokens // 2, the request pool)");
  if (!e.problem.empty()) line(e.problem, "");
}

}  // namespace memcalc::detail
