// Assembles the estimate: components by mode, the overhead rule, the peak rule, the fit against
// the chosen GPU and the inverse answers (largest sequence, largest batch, fewest GPUs).
#include <algorithm>
#include <cmath>

#include "breakdown.hpp"
#include "engines/engine.hpp"
#include "memcalc/estimate.hpp"

#ifndef MEMCALC_VERSION
#define MEMCALC_VERSION "0.0.0"
#endif

namespace memcalc {

namespace detail {

double run_scenario(const Scenario& s, const ModelTensors& t, Breakdown& b) {
  if (s.mode == Mode::training) {
    add_training(s, t, b);
  } else {
    switch (s.inference.engine.name) {
      case Engine::generic: add_inference(s, t, b); break;
      case Engine::vllm: add_vllm(s, t, b); break;
      case Engine::sglang: add_sglang(s, t, b); break;
      case Engine::llamacpp: add_llamacpp(s, t, b); break;
      case Engine::transformers: add_transformers(s, t, b); break;
    }
  }
  b.add("overhead", s.overhead_bytes, Basis::rule, [&] {
    return num(s.overhead_bytes) + " B per GPU (scenario.overhead_bytes)";
  }, "Rule of thumb: PyTorch CUDA context (~0.3–0.5 GiB) plus cuBLAS/cuDNN workspaces");
  return b.peak();
}

}  // namespace detail

namespace {

struct Label {
  const char* id;
  const char* en;
  const char* zh;
};

// Display labels of every component id, in display order (CONTRACTS.md §2).
constexpr Label kLabels[] = {
    {"parameters", "Model parameters", "模型参数"},
    {"lora_adapters", "LoRA adapters", "LoRA 适配器"},
    {"gradients", "Gradients", "梯度"},
    {"master_weights", "FP32 master weights", "FP32 主权重"},
    {"optimizer_states", "Optimizer states", "优化器状态"},
    {"fp32_gradients", "FP32 gradient copy", "FP32 梯度副本"},
    {"optimizer_temporaries", "Optimizer step temporaries", "优化器步骤临时张量"},
    {"autocast_cache", "Autocast weight copies", "自动混合精度权重副本"},
    {"activations", "Activations", "激活值"},
    {"logits", "Output logits and loss", "输出 logits 与损失"},
    {"input_data", "Input data", "输入数据"},
    {"weights", "Weights", "权重"},
    {"encoders", "Vision/audio encoders", "视觉/音频编码器"},
    {"mtp_weights", "MTP draft layers", "MTP 草稿层"},
    {"kv_cache", "KV cache", "KV 缓存"},
    {"indexer_cache", "Indexer cache (DSA)", "索引器缓存（DSA）"},
    {"recurrent_state", "Recurrent state", "循环状态"},
    {"io_tokens", "Input/output tokens", "输入/输出 Token"},
    {"output_logits", "Output logits", "输出 logits"},
    {"rotary_cache", "Rotary position cache", "旋转位置编码缓存"},
    {"non_torch", "NCCL and library buffers", "NCCL 与库缓冲区"},
    {"cuda_graphs", "CUDA graphs", "CUDA 图"},
    {"overhead", "CUDA context and workspaces", "CUDA 上下文与工作区"},
};

const char* label_of(const std::string& id) {
  for (const auto& l : kLabels)
    if (id == l.id) return l.en;
  return "";
}

double total_of(const Scenario& s, const detail::ModelTensors& t) {
  detail::Breakdown b(false);
  return detail::run_scenario(s, t, b);
}

// Largest integer x in [1, cap] with fits(x), for a fits() that is true up to some point and false
// after; -1 when fits(1) is false.
template <typename Fits> double largest(double cap, Fits&& fits) {
  if (!fits(1)) return -1;
  double lo = 1, hi = 2;
  while (hi <= cap && fits(hi)) {
    lo = hi;
    hi *= 2;
  }
  if (hi > cap) {
    if (fits(cap)) return cap;
    hi = cap;
  }
  while (hi - lo > 1) {  // fits(lo) && !fits(hi)
    const double mid = std::floor((lo + hi) / 2);
    (fits(mid) ? lo : hi) = mid;
  }
  return lo;
}

Limits solve_limits(const Scenario& s, const detail::ModelTensors& t, const EngineFigures& engine) {
  Limits lim;
  const double gpu = s.gpu.usable();
  Scenario x = s;
  if (s.mode == Mode::training) {
    const double cp = s.training.parallel.cp;
    const double cap = s.model.max_position_embeddings > 0 ? s.model.max_position_embeddings : 16777216;
    lim.max_seq_len = largest(std::floor(cap / cp), [&](double n) {
      x.training.seq_len = n * cp;
      return total_of(x, t) <= gpu;
    });
    if (lim.max_seq_len > 0) lim.max_seq_len *= cp;
    lim.seq_len_capped = s.model.max_position_embeddings > 0 && lim.max_seq_len >= std::floor(cap / cp) * cp;
    x = s;
    lim.max_batch_size = largest(1048576, [&](double n) {
      x.training.batch_size = n;
      return total_of(x, t) <= gpu;
    });
    // Fewest GPUs: grow dp with the scenario's ZeRO stage (ZeRO-3 when it has none, since
    // without ZeRO more replicas save no memory).
    x = s;
    const int zero = s.training.parallel.zero > 0 ? s.training.parallel.zero : 3;
    x.training.parallel.zero = zero;
    const ParallelConfig& p = s.training.parallel;
    const double others = p.tp * p.pp * p.cp;
    for (double dp = 1; dp <= 65536; dp *= 2) {
      x.training.parallel.dp = dp;
      if (total_of(x, t) <= gpu) {
        lim.min_gpus = dp * others;
        lim.min_gpus_layout = "dp=" + detail::num(dp) + " (ZeRO-" + std::to_string(zero) + ")";
        if (others > 1)
          lim.min_gpus_layout += " × tp=" + detail::num(p.tp) + " × pp=" + detail::num(p.pp) + " × cp=" + detail::num(p.cp);
        break;
      }
    }
  } else if (s.inference.engine.name != Engine::generic) {
    // The engine's own inverse answers; the fewest GPUs as the smallest tensor-parallel size that starts.
    lim.max_seq_len = engine.limit_max_model_len;
    lim.max_batch_size = engine.limit_max_concurrency;
    const Engine name = s.inference.engine.name;
    if (name == Engine::llamacpp) {  // more GPUs of the kind, every layer offloaded
      x.inference.engine.n_gpu_layers = -1;
      x.inference.engine.tensor_split.clear();
      for (double n = 1; n <= 64; ++n) {
        x.gpu.count = n;
        detail::Breakdown b(false);
        if (detail::run_scenario(x, t, b) <= gpu && b.engine.starts) {
          lim.min_gpus = n;
          lim.min_gpus_layout = detail::num(n) + " GPU(s), every layer offloaded";
          break;
        }
      }
    } else {
      const double heads = s.model.num_heads > 0 ? s.model.num_heads : 1024;
      for (double tp = 1; tp <= std::min(heads, 64.0); ++tp) {
        if (std::fmod(heads, tp) != 0 || !tensor_parallel_problem(s.model, tp).empty()) continue;
        x.inference.tp = tp;
        x.inference.engine.tensor_parallel_size = 0;
        x.inference.engine.tp_size = 0;
        detail::Breakdown b(false);
        if (detail::run_scenario(x, t, b) <= gpu && b.engine.starts) {
          lim.min_gpus = tp;
          lim.min_gpus_layout = "tp=" + detail::num(tp);
          break;
        }
      }
    }
  } else {
    const double cap = s.model.max_position_embeddings > 0 ? s.model.max_position_embeddings : 16777216;
    lim.max_seq_len = largest(cap, [&](double n) {
      x.inference.context_len = n;
      return total_of(x, t) <= gpu;
    });
    lim.seq_len_capped = s.model.max_position_embeddings > 0 && lim.max_seq_len >= cap;
    x = s;
    lim.max_batch_size = largest(1048576, [&](double n) {
      x.inference.batch_size = n;
      return total_of(x, t) <= gpu;
    });
    x = s;
    const double heads = s.model.num_heads > 0 ? s.model.num_heads : 1024;
    for (double tp = 1; tp <= std::min(heads, 1024.0); ++tp) {
      if (std::fmod(heads, tp) != 0 || !tensor_parallel_problem(s.model, tp).empty()) continue;
      x.inference.tp = tp;
      if (total_of(x, t) <= gpu) {
        lim.min_gpus = tp;
        lim.min_gpus_layout = "tp=" + detail::num(tp);
        break;
      }
    }
  }
  return lim;
}

}  // namespace

Json engine_json(const EngineFigures& e) {
  Json j = Json::object();
  j.set("name", e.name);
  j.set("version", e.version);
  j.set("starts", e.starts);
  j.set("problem", e.problem);
  const std::pair<const char*, double> figures[] = {
      {"usable_bytes", e.usable_bytes}, {"weights_bytes", e.weights_bytes}, {"non_torch_bytes", e.non_torch_bytes},
      {"activation_bytes", e.activation_bytes}, {"cuda_graph_bytes", e.cuda_graph_bytes}, {"kv_cache_bytes", e.kv_cache_bytes},
      {"kv_cache_tokens", e.kv_cache_tokens}, {"gpu_blocks", e.gpu_blocks}, {"block_size", e.block_size},
      {"max_concurrency", e.max_concurrency}, {"recurrent_state_bytes", e.recurrent_state_bytes},
      {"compute_buffer_bytes", e.compute_buffer_bytes}, {"host_bytes", e.host_bytes}, {"max_model_len", e.max_model_len},
      {"max_num_seqs", e.max_num_seqs}, {"max_num_batched_tokens", e.max_num_batched_tokens}};
  for (const auto& [key, value] : figures) j.set(key, value);
  Json log = Json::array();
  for (const auto& l : e.log) {
    Json x = Json::object();
    x.set("text", l.text);
    x.set("formula", l.formula);
    log.push(std::move(x));
  }
  j.set("log", std::move(log));
  Json devices = Json::array();
  for (const auto& d : e.devices) {
    Json x = Json::object();
    x.set("name", d.name);
    x.set("layers", d.layers);
    x.set("output", d.output);
    x.set("weights_bytes", d.weights_bytes);
    x.set("kv_bytes", d.kv_bytes);
    x.set("state_bytes", d.state_bytes);
    x.set("compute_bytes", d.compute_bytes);
    devices.push(std::move(x));
  }
  j.set("devices", std::move(devices));
  Json limits = Json::object();
  limits.set("max_model_len", e.limit_max_model_len);
  limits.set("max_concurrency", e.limit_max_concurrency);
  limits.set("n_gpu_layers", e.limit_n_gpu_layers);
  j.set("limits", std::move(limits));
  return j;
}

const char* basis_name(Basis b) {
  switch (b) {
    case Basis::exact: return "exact";
    case Basis::analytic: return "analytic";
    case Basis::rule: return "rule";
  }
  return "exact";
}

double estimate_total_bytes(const Scenario& s) { return total_of(s, detail::model_tensors(s.model)); }

Result estimate(const Scenario& s, EstimateParts parts) {
  Result r;
  r.ok = true;
  const detail::ModelTensors t = detail::model_tensors(s.model);
  r.params = count_params(s.model);
  detail::Breakdown b(true);
  detail::run_scenario(s, t, b);
  std::size_t peak_at = 0;
  r.total_bytes = b.peak(&peak_at);
  r.sum_bytes = b.total();
  for (std::size_t i = 0; i < b.phase_ids().size(); ++i) r.phases.push_back({b.phase_ids()[i], b.phase_bytes(i)});
  if (!r.phases.empty()) r.peak_phase = r.phases[peak_at].id;
  r.ranks = std::move(b.ranks);
  r.components = std::move(b.components());
  for (auto& c : r.components) c.label = label_of(c.id);
  r.activation_formula = b.activation_formula;
  r.kv_bytes_per_token = b.kv_bytes_per_token;
  r.recurrent_state_bytes_per_sequence = b.recurrent_state_bytes_per_sequence;
  if (s.mode == Mode::inference) {
    double weights = 0;
    for (const auto& c : r.components)
      if (c.id == "weights") weights = c.bytes;
    r.peak_rule_low = std::ceil(1.5 * weights);
    r.peak_rule_high = std::ceil(2.5 * weights);
    if (s.inference.engine.name == Engine::generic && (r.total_bytes < r.peak_rule_low || r.total_bytes > r.peak_rule_high))
      r.issues.push_back({"inference", Severity::info,
                          r.total_bytes > r.peak_rule_high
                              ? "the explicit estimate is above the 1.5–2.5× weights rule of thumb: the KV cache "
                                "and activations of this context and batch outgrow it"
                              : "the explicit estimate is below the 1.5–2.5× weights rule of thumb (short context, small batch)"});
  }
  r.mode = s.mode;
  auto same = [](const char* x, const char* y) { return x == y || (x && y && std::string_view(x) == y); };
  for (const Layer& layer : s.model.layers) {
    LayerSummary l;
    if (!layer.mixers.empty()) l.mixer = mixer_name(layer.mixers[0]);
    if (layer.mixers.size() > 1) l.mixer2 = mixer_name(layer.mixers[1]);
    for (const Mixer& x : layer.mixers) {
      l.kv = l.kv || x.holds_kv();
      l.state = l.state || x.is_recurrent();
    }
    l.ffn = ffn_name(layer.ffn.kind);
    LayerSummary* last = r.layers.empty() ? nullptr : &r.layers.back();
    if (last && same(last->mixer, l.mixer) && same(last->mixer2, l.mixer2) && same(last->ffn, l.ffn) &&
        last->kv == l.kv && last->state == l.state)
      last->count += 1;
    else
      r.layers.push_back(l);
  }
  r.engine = std::move(b.engine);
  r.host_bytes = b.host_bytes;
  r.fit.gpu_bytes = s.gpu.usable();
  r.fit.count = s.gpu.count;
  r.fit.fits = r.total_bytes <= r.fit.gpu_bytes && r.engine.starts;
  if (!r.engine.problem.empty())
    r.issues.push_back({"inference.engine", Severity::warning, (r.engine.starts ? "" : "the engine would not start: ") + r.engine.problem});
  r.fit.headroom_bytes = r.fit.gpu_bytes - r.total_bytes;
  if (r.total_bytes >= 9007199254740992.0)
    r.issues.push_back({"", Severity::warning, "the total exceeds 2^53 bytes; figures beyond that are rounded"});
  if (parts.searches) r.limits = solve_limits(s, t, r.engine);
  r.performance = detail::performance(s, t, r);
  if (parts.searches) r.suggestions = detail::suggestions(s, t, r);
  r.searched = parts.searches;
  return r;
}

Json issues_json(const std::vector<Issue>& issues) {
  Json out = Json::array();
  for (const auto& i : issues) {
    Json j = Json::object();
    j.set("field", i.field);
    j.set("severity", severity_name(i.severity));
    j.set("message", i.message);
    out.push(std::move(j));
  }
  return out;
}

Json result_to_json(const Result& r) {
  Json out = Json::object();
  out.set("ok", r.ok);
  out.set("issues", issues_json(r.issues));
  if (!r.ok) return out;  // no numbers that pretend to be right
  Json params = Json::object();
  params.set("total", r.params.total);
  params.set("active", r.params.active);
  params.set("seed_formula", r.params.seed_formula);
  params.set("embedding", r.params.embedding);
  params.set("encoders", r.params.encoders);
  params.set("mtp", r.params.mtp);
  params.set("source", r.params.source);
  params.set("active_convention", "per token of text: all but the routed experts a token skips, input embedding and output layer included");
  out.set("params", std::move(params));
  Json comps = Json::array();
  for (const auto& c : r.components) {
    Json j = Json::object();
    j.set("id", c.id);
    j.set("label", c.label);
    j.set("bytes", c.bytes);
    j.set("basis", basis_name(c.basis));
    j.set("formula", c.formula);
    j.set("source", c.source);
    comps.push(std::move(j));
  }
  out.set("components", std::move(comps));
  out.set("total_bytes", r.total_bytes);
  out.set("sum_bytes", r.sum_bytes);
  Json phases = Json::array();
  for (std::size_t i = 0; i < r.phases.size(); ++i) {
    Json j = Json::object();
    j.set("id", r.phases[i].id);
    j.set("bytes", r.phases[i].bytes);
    Json alive = Json::object();
    for (const auto& c : r.components) alive.set(c.id, c.phases.empty() ? c.bytes : c.phases[i]);
    j.set("components", std::move(alive));
    phases.push(std::move(j));
  }
  out.set("phases", std::move(phases));
  out.set("peak_phase", r.peak_phase);
  out.set("host_bytes", r.host_bytes);
  if (!r.ranks.empty()) {
    Json ranks = Json::array();
    for (const auto& rank : r.ranks) {
      Json j = Json::object();
      j.set("id", rank.id);
      j.set("total_bytes", rank.total_bytes);
      j.set("peak_phase", rank.peak_phase);
      Json held = Json::object();
      for (const auto& [id, bytes] : rank.components) held.set(id, bytes);
      j.set("components", std::move(held));
      ranks.push(std::move(j));
    }
    out.set("ranks", std::move(ranks));
  }
  Json peak = Json::object();
  peak.set("low", r.peak_rule_low);
  peak.set("high", r.peak_rule_high);
  out.set("peak_rule", std::move(peak));
  if (!r.activation_formula.empty()) out.set("activation_formula", r.activation_formula);
  if (r.mode == Mode::inference) {
    out.set("kv_bytes_per_token", r.kv_bytes_per_token);
    out.set("recurrent_state_bytes_per_sequence", r.recurrent_state_bytes_per_sequence);
  }
  Json layers = Json::array();
  for (const auto& l : r.layers) {
    Json j = Json::object();
    j.set("mixer", l.mixer2 ? std::string(l.mixer) + "+" + l.mixer2 : std::string(l.mixer));
    j.set("ffn", l.ffn);
    j.set("kv", l.kv);
    j.set("state", l.state);
    j.set("count", l.count);
    layers.push(std::move(j));
  }
  out.set("layers", std::move(layers));
  if (!r.engine.name.empty()) out.set("engine", engine_json(r.engine));
  if (r.performance.available) {
    const Performance& p = r.performance;
    Json perf = Json::object();
    if (r.mode == Mode::inference) {
      perf.set("decode_tokens_per_s", p.decode_tokens_per_s);
      perf.set("decode_tokens_per_s_total", p.decode_tokens_per_s_total);
      perf.set("prefill_tokens_per_s", p.prefill_tokens_per_s);
      perf.set("time_to_first_token_s", p.time_to_first_token_s);
    } else {
      perf.set("step_time_s", p.step_time_s);
      perf.set("tokens_per_s", p.tokens_per_s);
      perf.set("gpu_hours_per_billion_tokens", p.gpu_hours_per_billion_tokens);
    }
    perf.set("bound", p.bound);
    Json a = Json::array();
    for (const auto& x : p.assumptions) a.push(Json(x));
    perf.set("assumptions", std::move(a));
    out.set("performance", std::move(perf));
  }
  Json fits = Json::object();
  fits.set("gpu_bytes", r.fit.gpu_bytes);
  fits.set("count", r.fit.count);
  fits.set("fits", r.fit.fits);
  fits.set("headroom_bytes", r.fit.headroom_bytes);
  out.set("fits", std::move(fits));
  if (r.searched) {
    Json lim = Json::object();
    lim.set("max_seq_len", r.limits.max_seq_len);
    lim.set("max_batch_size", r.limits.max_batch_size);
    lim.set("min_gpus", r.limits.min_gpus);
    lim.set("min_gpus_layout", r.limits.min_gpus_layout);
    lim.set("max_seq_len_capped", r.limits.seq_len_capped);
    out.set("limits", std::move(lim));
    Json suggestions = Json::array();
    for (const auto& x : r.suggestions) {
      Json change = Json::object();
      for (const auto& [path, value] : x.change) change.set(path, value);
      Json j = Json::object();
      j.set("change", std::move(change));
      j.set("total_bytes", x.total_bytes);
      j.set("fits", x.fits);
      j.set("label", x.label);
      suggestions.push(std::move(j));
    }
    out.set("suggestions", std::move(suggestions));
  }
  out.set("version", MEMCALC_VERSION);
  return out;
}

const char* version() noexcept { return MEMCALC_VERSION; }

std::string estimate_json(std::string_view scenario_json, EstimateParts parts) {
  ScenarioParseResult parsed = parse_scenario_text(scenario_json);
  Result r;
  if (has_errors(parsed.issues)) {
    r.issues = std::move(parsed.issues);
    return result_to_json(r).dump();
  }
  r = estimate(parsed.scenario, parts);
  r.issues.insert(r.issues.begin(), parsed.issues.begin(), parsed.issues.end());
  return result_to_json(r).dump();
}

Json presets_json(bool configs) {
  Json out = Json::array();
  for (const auto& m : presets()) {
    const ParamCounts c = count_params(m);
    Json p = Json::object();
    p.set("id", m.id);
    p.set("name", m.name);
    p.set("family", m.family);
    p.set("released", m.released);
    p.set("official", m.official);
    p.set("source", m.source);
    p.set("params_total", c.total);
    p.set("params_active", c.active);
    p.set("published_params", m.published_params > 0 ? Json(m.published_params) : Json(nullptr));
    p.set("published_params_source", m.published_params_source);
    if (const Json* entry = preset_entry(m.id); configs && entry && entry->find("config")) p.set("config", *entry->find("config"));
    out.push(std::move(p));
  }
  return out;
}

Json catalog_json(bool configs) {
  Json out = Json::object();
  out.set("version", MEMCALC_VERSION);
  out.set("presets", presets_json(configs));
  Json g = Json::array();
  for (const auto& gpu : gpus()) {
    Json j = Json::object();
    j.set("id", gpu.id);
    j.set("name", gpu.name);
    j.set("memory_bytes", gpu.memory_bytes);
    j.set("listed_bytes", gpu.listed_bytes);
    j.set("usable_bytes", gpu.usable_bytes);
    j.set("vendor", gpu.vendor);
    j.set("kind", gpu.kind);
    j.set("released", gpu.released);
    j.set("bandwidth_bytes_per_s", gpu.bandwidth_bytes_per_s);
    Json flops = Json::object();
    flops.set("bf16", gpu.flops_bf16);
    if (gpu.flops_fp8 > 0) flops.set("fp8", gpu.flops_fp8);
    if (gpu.flops_fp4 > 0) flops.set("fp4", gpu.flops_fp4);
    j.set("flops", std::move(flops));
    j.set("source", gpu.source);
    g.push(std::move(j));
  }
  out.set("gpus", std::move(g));
  out.set("defaults", scenario_defaults_json());
  out.set("enums", scenario_enums_json());
  out.set("engines", engines_catalog_json());
  Json labels = Json::array();
  for (const auto& l : kLabels) {
    Json j = Json::object();
    j.set("id", l.id);
    j.set("label", l.en);
    j.set("label_zh", l.zh);
    labels.push(std::move(j));
  }
  out.set("components", std::move(labels));
  return out;
}

}  // namespace memcalc
