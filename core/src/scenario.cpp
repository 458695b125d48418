// Scenario JSON (CONTRACTS.md §1) → Scenario, with every problem reported against its field.
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <iterator>

#include "memcalc/gpus.hpp"
#include "memcalc/scenario.hpp"
#include "text.hpp"

namespace memcalc {

namespace {

constexpr double kMaxBatch = 1048576;      // 2^20 sequences
constexpr double kMaxTokens = 16777216;    // 2^24 tokens per sequence
constexpr double kMaxParallel = 65536;     // per parallel dimension
constexpr double kMaxGpus = 1048576;
constexpr double kMaxBytes = 1099511627776.0 * 1024;  // 1 PiB per GPU

class Section {
 public:
  Section(const Json* obj, std::string path, std::vector<Issue>& issues)
      : obj_(obj), path_(std::move(path)), issues_(issues) {}

  std::string field(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  const Json* get(std::string_view key) {
    seen_.emplace_back(key);
    return obj_ ? obj_->find(key) : nullptr;
  }
  void error(std::string_view key, std::string message) {
    issues_.push_back({field(key), Severity::error, std::move(message)});
  }

  // An integer in [lo, hi]; absent → keeps `out`.
  void integer(std::string_view key, double& out, double lo, double hi) {
    const Json* v = get(key);
    if (!v) return;
    if (!v->is_number() || v->as_number() != std::floor(v->as_number()) || v->as_number() < lo ||
        v->as_number() > hi) {
      error(key, lo == 1 ? "must be a positive integer of at most " + detail::num(hi)
                         : "must be an integer from " + detail::num(lo) + " to " + detail::num(hi));
      return;
    }
    out = v->as_number();
  }
  void boolean(std::string_view key, bool& out) {
    const Json* v = get(key);
    if (!v) return;
    if (!v->is_bool()) return error(key, "must be true or false");
    out = v->as_bool();
  }
  template <typename E> void choice(std::string_view key, E& out) {
    const Json* v = get(key);
    if (!v) return;
    if (v->is_string()) {
      const auto& names = EnumNames<E>::names;
      for (std::size_t i = 0; i < std::size(names); ++i)
        if (names[i] == v->as_string()) {
          out = static_cast<E>(i);
          return;
        }
    }
    std::string list;
    for (auto n : EnumNames<E>::names) list += (list.empty() ? "" : ", ") + std::string(n);
    error(key, "must be one of: " + list);
  }
  // Reports the keys of this object that no reader asked for.
  void report_unknown() {
    if (!obj_) return;
    for (const auto& [k, v] : obj_->as_object()) {
      bool known = false;
      for (const auto& s : seen_) known = known || s == k;
      if (!known) issues_.push_back({field(k), Severity::warning, "unknown field, ignored"});
    }
  }

 private:
  const Json* obj_;
  std::string path_;
  std::vector<Issue>& issues_;
  std::vector<std::string> seen_;
};

// An object-valued field: nullptr when absent, an error when present but not an object.
const Json* sub_object(Section& parent, std::string_view key) {
  const Json* v = parent.get(key);
  if (v && !v->is_object()) {
    parent.error(key, "must be an object");
    return nullptr;
  }
  return v;
}

void read_model(const Json* v, Scenario& s, std::vector<Issue>& issues) {
  if (!v) {
    issues.push_back({"model", Severity::error, "is required: a preset id (see `memcalc models`) or a config.json object"});
    return;
  }
  if (v->is_string()) {
    if (const ModelConfig* p = find_preset(v->as_string())) {
      s.model = *p;
      return;
    }
    issues.push_back({"model", Severity::error, "unknown preset \"" + v->as_string() + "\" (see `memcalc models`)"});
    return;
  }
  if (v->is_object()) {
    std::vector<Issue> model_issues;
    s.model = model_from_hf_config(*v, "model", model_issues);
    if (!has_errors(model_issues)) validate_model(s.model, "model", model_issues);
    issues.insert(issues.end(), model_issues.begin(), model_issues.end());
    return;
  }
  issues.push_back({"model", Severity::error, "must be a preset id string or a config.json object"});
}

}  // namespace

ScenarioParseResult parse_scenario(const Json& json) {
  ScenarioParseResult r;
  Scenario& s = r.scenario;
  auto& issues = r.issues;
  if (!json.is_object()) {
    issues.push_back({"", Severity::error, "the scenario must be a JSON object"});
    return r;
  }
  Section top(&json, "", issues);
  read_model(top.get("model"), s, issues);
  top.choice("mode", s.mode);
  double overhead = s.overhead_bytes;
  top.integer("overhead_bytes", overhead, 0, kMaxBytes);
  s.overhead_bytes = overhead;
  {
    Section p(sub_object(top, "performance"), "performance", issues);
    for (auto [key, out] : {std::pair{"memory_efficiency", &s.performance.memory_efficiency},
                            std::pair{"compute_efficiency", &s.performance.compute_efficiency}, std::pair{"mfu", &s.performance.mfu}})
      if (const Json* v = p.get(key)) {
        if (!v->is_number() || v->as_number() < 0 || v->as_number() > 1) p.error(key, "must be a share from 0 (the default) to 1");
        else *out = v->as_number();
      }
    p.report_unknown();
  }

  {
    Section t(sub_object(top, "training"), "training", issues);
    TrainingConfig& tr = s.training;
    t.integer("batch_size", tr.batch_size, 1, kMaxBatch);
    t.integer("seq_len", tr.seq_len, 1, kMaxTokens);
    t.choice("precision", tr.precision);
    t.boolean("fp32_grads", tr.fp32_grads);
    t.choice("optimizer", tr.optimizer);
    t.choice("recompute", tr.recompute);
    t.boolean("flash_attention", tr.flash_attention);
    t.choice("activation_formula", tr.activation_formula);
    t.choice("finetune", tr.finetune);
    t.integer("lora_rank", tr.lora_rank, 1, 65536);
    if (const Json* targets = t.get("lora_targets")) {
      if (targets->is_array()) {
        static constexpr std::string_view kModules[] = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
        tr.lora_targets = LoraTargets::modules;
        for (const auto& name : targets->as_array()) {
          const bool known = name.is_string() &&
                             std::find(std::begin(kModules), std::end(kModules), name.as_string()) != std::end(kModules);
          if (!known) {
            t.error("lora_targets", "lists module names from: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj");
            break;
          }
          tr.lora_modules.push_back(name.as_string());
        }
        if (tr.lora_modules.empty()) t.error("lora_targets", "must name at least one module");
      } else if (targets->is_string() && targets->as_string() != "modules") {
        t.choice("lora_targets", tr.lora_targets);
      } else {
        t.error("lora_targets", "must be all_linear, attention, qv or a list of module names");
      }
    }
    if (const Json* alpha = t.get("lora_alpha")) {
      if (!alpha->is_number() || !(alpha->as_number() > 0) || alpha->as_number() > 1e6) t.error("lora_alpha", "must be a positive number");
      else tr.lora_alpha = alpha->as_number();
    }
    t.choice("loss", tr.loss);
    t.integer("gradient_accumulation_steps", tr.gradient_accumulation_steps, 1, 1048576);
    t.boolean("activation_offload", tr.activation_offload);
    t.boolean("optimizer_in_backward", tr.optimizer_in_backward);
    t.choice("offload", tr.offload);
    t.choice("optimizer_impl", tr.optimizer_impl);
    Section p(sub_object(t, "parallel"), "training.parallel", issues);
    ParallelConfig& par = tr.parallel;
    p.integer("dp", par.dp, 1, kMaxParallel);
    p.integer("tp", par.tp, 1, kMaxParallel);
    p.integer("pp", par.pp, 1, kMaxParallel);
    p.integer("cp", par.cp, 1, kMaxParallel);
    p.integer("ep", par.ep, 1, kMaxParallel);
    double zero = par.zero;
    p.integer("zero", zero, 0, 3);
    par.zero = static_cast<int>(zero);
    p.boolean("sequence_parallel", par.sequence_parallel);
    p.integer("virtual_stages", par.virtual_stages, 1, 1024);
    p.report_unknown();
    t.report_unknown();
  }
  {
    Section i(sub_object(top, "inference"), "inference", issues);
    InferenceConfig& in = s.inference;
    i.integer("batch_size", in.batch_size, 1, kMaxBatch);
    i.integer("context_len", in.context_len, 1, kMaxTokens);
    i.choice("weight_dtype", in.weight_dtype);
    i.choice("kv_dtype", in.kv_dtype);
    i.choice("state_dtype", in.state_dtype);
    i.integer("tp", in.tp, 1, kMaxParallel);
    i.boolean("text_only", in.text_only);
    i.boolean("mtp", in.mtp);
    EngineParse engine = parse_engine(i.get("engine"));
    in.engine = engine.options;
    issues.insert(issues.end(), engine.issues.begin(), engine.issues.end());
    i.report_unknown();
  }
  {
    Section g(sub_object(top, "gpu"), "gpu", issues);
    auto bytes = [&](const char* key, double& out) {
      const Json* v = g.get(key);
      if (!v) return false;
      if (!v->is_number() || !(v->as_number() > 0) || v->as_number() > kMaxBytes) {
        g.error(key, "must be a positive number of bytes of at most 1 PiB");
        return false;
      }
      out = std::floor(v->as_number());
      return true;
    };
    if (bytes("memory_bytes", s.gpu.memory_bytes)) {
      s.gpu.preset.clear();
      if (g.get("preset")) issues.push_back({"gpu.preset", Severity::warning, "ignored: gpu.memory_bytes is given"});
    } else if (const Json* preset = g.get("preset")) {
      if (!preset->is_string() || !find_gpu(preset->as_string())) {
        g.error("preset", "must be a GPU id from `memcalc gpus`");
      } else {
        s.gpu.preset = preset->as_string();
      }
    }
    bytes("usable_bytes", s.gpu.usable_bytes);
    bytes("listed_bytes", s.gpu.listed_bytes);
    if (const Json* bw = g.get("bandwidth_bytes_per_s")) {
      if (!bw->is_number() || !(bw->as_number() > 0) || bw->as_number() > 1e15) g.error("bandwidth_bytes_per_s", "must be a positive number of bytes per second");
      else s.gpu.bandwidth_bytes_per_s = bw->as_number();
    }
    if (const Json* flops = g.get("flops")) {
      Section f(flops->is_object() ? flops : nullptr, "gpu.flops", issues);
      if (!flops->is_object()) g.error("flops", "must be an object such as {\"bf16\": 9.9e14, \"fp8\": 1.98e15}");
      for (auto [key, out] : {std::pair{"bf16", &s.gpu.flops_bf16}, std::pair{"fp8", &s.gpu.flops_fp8}, std::pair{"fp4", &s.gpu.flops_fp4}})
        if (const Json* v = f.get(key)) {
          if (!v->is_number() || !(v->as_number() > 0) || v->as_number() > 1e19) f.error(key, "must be a positive number of FLOP/s");
          else *out = v->as_number();
        }
      f.report_unknown();
    }
    if (const Gpu* gpu = s.gpu.preset.empty() ? nullptr : find_gpu(s.gpu.preset)) {
      s.gpu.memory_bytes = gpu->memory_bytes;
      s.gpu.kind = gpu->kind;
      if (s.gpu.bandwidth_bytes_per_s == 0) s.gpu.bandwidth_bytes_per_s = gpu->bandwidth_bytes_per_s;
      if (s.gpu.flops_bf16 == 0) s.gpu.flops_bf16 = gpu->flops_bf16;
      if (s.gpu.flops_fp8 == 0) s.gpu.flops_fp8 = gpu->flops_fp8;
      if (s.gpu.flops_fp4 == 0) s.gpu.flops_fp4 = gpu->flops_fp4;
      if (s.gpu.listed_bytes == 0) s.gpu.listed_bytes = gpu->listed_bytes;
      if (s.gpu.usable_bytes == 0) s.gpu.usable_bytes = gpu->usable_bytes;
    } else {
      // A card of one's own: as marketed unless said otherwise.
      if (s.gpu.listed_bytes == 0) s.gpu.listed_bytes = s.gpu.memory_bytes;
      if (s.gpu.usable_bytes == 0) s.gpu.usable_bytes = s.gpu.memory_bytes;
    }
    if (s.gpu.usable_bytes > s.gpu.memory_bytes && s.gpu.memory_bytes > 0)
      g.error("usable_bytes", "must not exceed gpu.memory_bytes");
    if (s.gpu.listed_bytes > s.gpu.memory_bytes && s.gpu.memory_bytes > 0)
      g.error("listed_bytes", "must not exceed gpu.memory_bytes");
    g.integer("count", s.gpu.count, 1, kMaxGpus);
    g.report_unknown();
  }
  top.report_unknown();
  if (has_errors(issues)) return r;

  // Combinations.
  const ModelConfig& m = s.model;
  auto err = [&](const char* field, std::string message) { issues.push_back({field, Severity::error, std::move(message)}); };
  auto note = [&](const char* field, Severity sev, std::string message) { issues.push_back({field, sev, std::move(message)}); };
  if (s.mode == Mode::training) {
    const ParallelConfig& p = s.training.parallel;
    if (std::string why = tensor_parallel_problem(m, p.tp); !why.empty()) {
      err("training.parallel.tp", why);
    } else {
      // Training splits KV heads too (Megatron-LM num_query_groups % tp == 0): no replication.
      for (const Layer& layer : m.layers)
        for (const Mixer& x : layer.mixers)
          if (x.kind == MixerKind::attention && std::fmod(x.kv_heads, p.tp) != 0) {
            err("training.parallel.tp", "must divide the model's " + detail::num(x.kv_heads) + " KV heads");
            goto checked_tp;
          }
    }
  checked_tp:
    if (p.pp > m.num_layers) err("training.parallel.pp", "must not exceed the model's " + detail::num(m.num_layers) + " layers");
    if (p.ep > 1 && !m.is_moe()) err("training.parallel.ep", "must be 1 for a dense model (it has no experts)");
    else if (m.is_moe() && std::fmod(m.num_experts, p.ep) != 0)
      err("training.parallel.ep", "must divide the model's " + detail::num(m.num_experts) + " experts");
    if (std::fmod(s.training.seq_len, p.cp) != 0) err("training.parallel.cp", "must divide training.seq_len");
    if (p.sequence_parallel && p.tp == 1) note("training.parallel.sequence_parallel", Severity::info, "has no effect with tp = 1");
    if (p.zero > 0 && p.dp == 1) note("training.parallel.zero", Severity::info, "ZeRO shards over data-parallel ranks: with dp = 1 it saves nothing");
    if (s.training.fp32_grads && s.training.precision != Precision::bf16_mixed && s.training.precision != Precision::fp16_mixed)
      note("training.fp32_grads", Severity::info, "applies to mixed precision with master weights only; ignored");
    if (p.virtual_stages > 1 && p.pp == 1) note("training.parallel.virtual_stages", Severity::info, "interleaves pipeline stages: with pp = 1 it has no effect");
    if (s.training.finetune == Finetune::full && (s.training.lora_targets != LoraTargets::all_linear))
      note("training.lora_targets", Severity::info, "applies to LoRA and QLoRA only");
    if (s.training.optimizer_in_backward && s.training.gradient_accumulation_steps > 1)
      err("training.optimizer_in_backward", "cannot accumulate gradients: each parameter steps as its gradient arrives");
    if (s.training.finetune != Finetune::full && s.training.lora_rank > m.hidden_size)
      err("training.lora_rank", "must not exceed the hidden size");
    if (s.training.finetune == Finetune::qlora && s.training.precision == Precision::fp32)
      note("training.precision", Severity::info, "QLoRA computes in 16-bit; fp32 applies to the adapters only");
    if (s.training.activation_formula == ActivationFormula::seed && s.training.precision == Precision::fp32)
      note("training.activation_formula", Severity::info, "the seed's formula assumes 16-bit activations; \"architecture\" uses 4 B for fp32");
    const double used = p.dp * p.tp * p.pp * p.cp;
    if (used > s.gpu.count)
      note("gpu.count", Severity::warning, "the parallel layout uses " + detail::num(used) + " GPUs (dp·tp·pp·cp) but gpu.count is " + detail::num(s.gpu.count));
  } else {
    const double tp = s.inference.tp;
    if (std::string why = tensor_parallel_problem(m, tp); !why.empty()) err("inference.tp", why);
    if (s.inference.weight_dtype == WeightDtype::auto_ && m.checkpoint.format == WeightFormat::unknown)
      err("inference.weight_dtype", "\"auto\" cannot size the checkpoint's quant_method \"" + m.checkpoint.method +
                                         "\": choose a weight_dtype");
    if (s.inference.text_only && m.encoders.empty())
      note("inference.text_only", Severity::info, "the model has no vision or audio tower");
    if (s.inference.mtp && m.mtp_layers.empty())
      note("inference.mtp", Severity::info, "the model has no multi-token-prediction layers");
    const EngineOptions& o = s.inference.engine;
    const double longest = m.max_position_embeddings;
    const std::string beyond = "exceeds the model's max_position_embeddings (" + detail::num(longest) + ")";
    if (longest > 0 && (o.name == Engine::generic || o.name == Engine::transformers) && s.inference.context_len > longest)
      note("inference.context_len", Severity::warning, beyond);
    if (longest > 0 && o.name == Engine::vllm && o.max_model_len > longest)
      note("inference.engine.max_model_len", Severity::warning,
           beyond + ": vLLM refuses it unless VLLM_ALLOW_LONG_MAX_MODEL_LEN=1, and the model may not handle it");
    if (longest > 0 && o.name == Engine::sglang && o.context_length > longest)
      note("inference.engine.context_length", Severity::warning,
           beyond + ": SGLang refuses it unless SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1, and the model may not handle it");
    if (longest > 0 && o.name == Engine::llamacpp && o.n_ctx > longest)
      note("inference.engine.n_ctx", Severity::warning,
           beyond + ": llama.cpp warns of a training context overflow (n_ctx_seq > n_ctx_train)");
    if (tp > s.gpu.count)
      note("gpu.count", Severity::warning, "inference.tp uses " + detail::num(tp) + " GPUs but gpu.count is " + detail::num(s.gpu.count));
  }
  if (s.mode == Mode::training && m.max_position_embeddings > 0 && s.training.seq_len > m.max_position_embeddings)
    note("training.seq_len", Severity::warning, "exceeds the model's max_position_embeddings (" + detail::num(m.max_position_embeddings) + ")");
  return r;
}

ScenarioParseResult parse_scenario_text(std::string_view text) {
  JsonParseResult parsed = parse_json(text);
  if (!parsed.ok) {
    ScenarioParseResult r;
    r.issues.push_back({"", Severity::error, "invalid JSON at byte " + std::to_string(parsed.offset) + ": " + parsed.error});
    return r;
  }
  return parse_scenario(parsed.value);
}

namespace {
template <typename E> Json names_json() {
  Json a = Json::array();
  for (auto n : EnumNames<E>::names) a.push(Json(n));
  return a;
}
}  // namespace

Json scenario_defaults_json() {
  const Scenario d;
  const TrainingConfig& t = d.training;
  const InferenceConfig& i = d.inference;
  Json parallel = Json::object();
  parallel.set("dp", t.parallel.dp);
  parallel.set("tp", t.parallel.tp);
  parallel.set("pp", t.parallel.pp);
  parallel.set("cp", t.parallel.cp);
  parallel.set("ep", t.parallel.ep);
  parallel.set("zero", t.parallel.zero);
  parallel.set("sequence_parallel", t.parallel.sequence_parallel);
  parallel.set("virtual_stages", t.parallel.virtual_stages);
  Json training = Json::object();
  training.set("batch_size", t.batch_size);
  training.set("seq_len", t.seq_len);
  training.set("precision", enum_name(t.precision));
  training.set("fp32_grads", t.fp32_grads);
  training.set("optimizer", enum_name(t.optimizer));
  training.set("recompute", enum_name(t.recompute));
  training.set("flash_attention", t.flash_attention);
  training.set("activation_formula", enum_name(t.activation_formula));
  training.set("finetune", enum_name(t.finetune));
  training.set("lora_rank", t.lora_rank);
  training.set("lora_targets", enum_name(t.lora_targets));
  training.set("lora_alpha", t.lora_alpha);
  training.set("loss", enum_name(t.loss));
  training.set("gradient_accumulation_steps", t.gradient_accumulation_steps);
  training.set("activation_offload", t.activation_offload);
  training.set("optimizer_in_backward", t.optimizer_in_backward);
  training.set("offload", enum_name(t.offload));
  training.set("optimizer_impl", enum_name(t.optimizer_impl));
  training.set("parallel", parallel);
  Json inference = Json::object();
  inference.set("batch_size", i.batch_size);
  inference.set("context_len", i.context_len);
  inference.set("weight_dtype", enum_name(i.weight_dtype));
  inference.set("kv_dtype", enum_name(i.kv_dtype));
  inference.set("state_dtype", enum_name(i.state_dtype));
  inference.set("tp", i.tp);
  inference.set("text_only", i.text_only);
  inference.set("mtp", i.mtp);
  inference.set("engine", engine_options_json(i.engine));
  Json gpu = Json::object();
  gpu.set("preset", d.gpu.preset);
  gpu.set("count", d.gpu.count);
  Json s = Json::object();
  s.set("model", "llama-3.1-8b");
  s.set("mode", enum_name(d.mode));
  s.set("training", training);
  s.set("inference", inference);
  s.set("gpu", gpu);
  s.set("overhead_bytes", d.overhead_bytes);
  Json perf = Json::object();
  perf.set("memory_efficiency", d.performance.memory_efficiency);
  perf.set("compute_efficiency", d.performance.compute_efficiency);
  perf.set("mfu", d.performance.mfu);
  s.set("performance", perf);
  return s;
}

Json scenario_enums_json() {
  Json e = Json::object();
  e.set("mode", names_json<Mode>());
  e.set("training.precision", names_json<Precision>());
  e.set("training.optimizer", names_json<Optimizer>());
  e.set("training.recompute", names_json<Recompute>());
  e.set("training.activation_formula", names_json<ActivationFormula>());
  e.set("training.finetune", names_json<Finetune>());
  Json targets = Json::array();
  for (auto n : EnumNames<LoraTargets>::names)
    if (n != "modules") targets.push(Json(n));
  e.set("training.lora_targets", targets);
  e.set("training.loss", names_json<Loss>());
  e.set("training.offload", names_json<Offload>());
  e.set("training.optimizer_impl", names_json<OptimizerImpl>());
  e.set("inference.weight_dtype", names_json<WeightDtype>());
  e.set("inference.kv_dtype", names_json<KvDtype>());
  e.set("inference.state_dtype", names_json<StateDtype>());
  return e;
}

}  // namespace memcalc
