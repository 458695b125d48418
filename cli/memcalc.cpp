// memcalc: the command-line leaf over the core (CONTRACTS.md §3).
//
//   memcalc --scenario FILE.json [--json]     FILE may be "-" for stdin
//   memcalc --model llama-3.1-8b --mode inference --seq 32768 --weights q4_k_m
//   memcalc models | gpus | defaults
//
// Flags set scenario fields on top of the file (or of the defaults); everything goes through
// memcalc::estimate_json, so the CLI, the JS API and the page print the same numbers.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <iostream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "memcalc/estimate.hpp"
#include "memcalc/files.hpp"

namespace {

using memcalc::Json;

constexpr const char* kUsage = R"(usage: memcalc [--scenario FILE|-] [--json] [flags]
       memcalc models | gpus | defaults | engines
       memcalc inspect FILE|DIR     what a .gguf, .safetensors, index or model folder holds
       memcalc --version

Estimates the GPU memory of training or running a language model, per GPU.

  --scenario FILE     scenario JSON (CONTRACTS.md §1); "-" reads stdin
  --json              print the result JSON instead of a table
  --model ID|FILE     a preset id (memcalc models), a Hugging Face config.json, or a checkpoint:
                      a .gguf (the first of a split set), a .safetensors, a model.safetensors.index.json
                      or a folder with config.json and safetensors files (only headers are read)
  --mode M            training | inference
  --batch N           batch size (training micro-batch, or inference batch)
  --seq N             training seq_len, or inference context_len
  --precision P       fp32 | bf16_mixed | fp16_mixed | bf16
  --optimizer O       adamw | adam | sgd | sgd_momentum | adamw_8bit | adafactor | lion
  --recompute R       none | selective | full
  --flash             fused attention (no stored s² scores)
  --formula F         activation formula: seed | architecture | transformers
  --finetune F        full | lora | qlora        --lora-rank N
  --dp N --tp N --pp N --cp N --ep N --zero S --sp   parallelism (--tp also sets inference tp)
  --weights T         inference weight dtype, e.g. bf16, int4, q4_k_m
  --kv-dtype T        inference KV cache dtype
  --gpu ID            GPU preset (memcalc gpus)   --gpu-mem BYTES   --gpus N
  --engine E          generic | vllm | sglang | llamacpp | transformers (implies --mode inference);
                      then the engine's own flags, spelled as the engine spells them:
                        vllm:     --gpu-memory-utilization 0.9 --max-model-len 32768 --max-num-seqs 64
                                  --max-num-batched-tokens N --kv-cache-dtype fp8 --enforce-eager -tp N ...
                        sglang:   --mem-fraction-static 0.85 --context-length N --chunked-prefill-size N ...
                        llamacpp: -c/--ctx-size N -ngl/--n-gpu-layers N -ub N -np N -fa on|off|auto
                                  -ctk/-ctv q8_0 -ts 3,1 --swa-full --n-cpu-moe N ...
                        transformers: --attn-implementation eager --cache-implementation static ...
                      (`memcalc engines` lists every option with its default)
Exit status: 0 ok, 2 scenario errors (issues printed), 1 usage errors.
)";

bool read_all(std::istream& in, std::string& out) {
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return !in.bad();
}

bool read_file(const std::string& path, std::string& out) {
  if (path == "-") return read_all(std::cin, out);
  std::ifstream f(path, std::ios::binary);
  return f && read_all(f, out);
}

// Bytes in the unit that shows their digits: GiB from 1 GiB, then MiB, KiB and B.
std::string gib(double bytes) {
  char buf[32];
  const double a = std::fabs(bytes);
  if (a >= 1073741824.0 || a == 0)
    std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / 1073741824.0);
  else if (a >= 1048576.0)
    std::snprintf(buf, sizeof buf, "%.2f MiB", bytes / 1048576.0);
  else if (a >= 1024.0)
    std::snprintf(buf, sizeof buf, "%.2f KiB", bytes / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%.0f B", bytes);
  return buf;
}

std::string pad(std::string s, std::size_t width) {
  // Pads by code points so labels with "×" or "—" line up.
  std::size_t len = 0;
  for (unsigned char c : s) len += (c & 0xC0) != 0x80;
  if (len < width) s.append(width - len, ' ');
  return s;
}

double number(const Json& j, const char* key) {
  const Json* v = j.find(key);
  return v && v->is_number() ? v->as_number() : 0;
}

void print_issues(const Json& result, std::ostream& os) {
  const Json* issues = result.find("issues");
  if (!issues) return;
  for (const auto& i : issues->as_array()) {
    const Json* f = i.find("field");
    const Json* s = i.find("severity");
    const Json* m = i.find("message");
    os << (s ? s->as_string() : "") << ": " << (f && !f->as_string().empty() ? f->as_string() + ": " : "")
       << (m ? m->as_string() : "") << "\n";
  }
}

// The engine's start-up as it would log it, with the formula behind each line; llama.cpp's split.
void print_engine(const Json& e) {
  std::printf("\n%s start-up, as it would log it:\n", e.find("version")->as_string().c_str());
  for (const auto& l : e.find("log")->as_array()) {
    std::printf("  %s\n", l.find("text")->as_string().c_str());
    if (!l.find("formula")->as_string().empty()) std::printf("      ← %s\n", l.find("formula")->as_string().c_str());
  }
  const auto& devices = e.find("devices")->as_array();
  if (!devices.empty()) {
    std::printf("\n  %-8s %7s %12s %12s %12s %12s\n", "Device", "Layers", "Weights", "KV cache", "State", "Compute");
    for (const auto& d : devices)
      std::printf("  %-8s %7s %12s %12s %12s %12s\n", d.find("name")->as_string().c_str(),
                  (memcalc::format_json_number(number(d, "layers")) + (d.find("output")->as_bool() ? "+out" : "")).c_str(),
                  gib(number(d, "weights_bytes")).c_str(), gib(number(d, "kv_bytes")).c_str(), gib(number(d, "state_bytes")).c_str(),
                  gib(number(d, "compute_bytes")).c_str());
  }
  const Json* lim = e.find("limits");
  auto show = [](double v) { return v < 0 ? std::string("none") : memcalc::format_json_number(v); };
  std::printf("\n  KV cache: %s tokens; concurrency at %s tokens: %.2fx; longest request that starts: %s",
              memcalc::format_json_number(number(e, "kv_cache_tokens")).c_str(), memcalc::format_json_number(number(e, "max_model_len")).c_str(),
              number(e, "max_concurrency"), show(number(*lim, "max_model_len")).c_str());
  if (number(*lim, "n_gpu_layers") >= 0) std::printf("; most layers on the GPUs: %s", show(number(*lim, "n_gpu_layers")).c_str());
  std::printf("\n");
  if (!e.find("starts")->as_bool()) std::printf("  Does not start: %s\n", e.find("problem")->as_string().c_str());
}

void print_table(const Json& r) {
  const Json* params = r.find("params");
  if (params)
    std::printf("Parameters: %.4g B total, %.4g B active (seed formula %.4g B)\n\n", number(*params, "total") / 1e9,
                number(*params, "active") / 1e9, number(*params, "seed_formula") / 1e9);
  const double total = number(r, "total_bytes");
  std::printf("%s %12s %7s  %-9s %s\n", pad("Component", 30).c_str(), "Memory", "Share", "Basis", "Formula");
  if (const Json* comps = r.find("components")) {
    for (const auto& c : comps->as_array()) {
      const double b = number(c, "bytes");
      if (b == 0) continue;
      std::printf("%s %12s %6.1f%%  %-9s %s\n", pad(c.find("label")->as_string(), 30).c_str(), gib(b).c_str(),
                  total > 0 ? 100 * b / total : 0.0, c.find("basis")->as_string().c_str(),
                  c.find("formula")->as_string().c_str());
    }
  }
  std::printf("%s %12s\n", pad("Total per GPU (the peak)", 30).c_str(), gib(total).c_str());
  if (const Json* phases = r.find("phases"); phases && !phases->as_array().empty()) {
    std::string line;
    for (const auto& p : phases->as_array())
      line += (line.empty() ? "" : ", ") + p.find("id")->as_string() + " " + gib(number(p, "bytes"));
    std::printf("%s %s; every component at once %s\n", pad("Phases", 30).c_str(), line.c_str(), gib(number(r, "sum_bytes")).c_str());
  }
  if (const Json* ranks = r.find("ranks"))
    for (const auto& rank : ranks->as_array())
      std::printf("%s %12s (peak in %s)\n", pad("  " + rank.find("id")->as_string(), 30).c_str(), gib(number(rank, "total_bytes")).c_str(),
                  rank.find("peak_phase")->as_string().c_str());
  if (number(r, "host_bytes") > 0) std::printf("%s %12s\n", pad("CPU memory", 30).c_str(), gib(number(r, "host_bytes")).c_str());
  if (const Json* peak = r.find("peak_rule"); peak && number(*peak, "high") > 0)
    std::printf("%s %s – %s (1.5–2.5 × weights)\n", pad("Rule of thumb", 30).c_str(), gib(number(*peak, "low")).c_str(),
                gib(number(*peak, "high")).c_str());
  if (const Json* fits = r.find("fits")) {
    const bool ok = fits->find("fits")->as_bool();
    std::printf("\n%s on a %s GPU: headroom %s\n", ok ? "Fits" : "Does not fit", gib(number(*fits, "gpu_bytes")).c_str(),
                gib(number(*fits, "headroom_bytes")).c_str());
  }
  if (const Json* lim = r.find("limits")) {
    auto show = [](double v) { return v < 0 ? std::string("none fits") : memcalc::format_json_number(v); };
    std::printf("Longest sequence that fits: %s; largest batch: %s; fewest GPUs: %s %s\n",
                show(number(*lim, "max_seq_len")).c_str(), show(number(*lim, "max_batch_size")).c_str(),
                show(number(*lim, "min_gpus")).c_str(), lim->find("min_gpus_layout")->as_string().c_str());
    if (const Json* capped = lim->find("max_seq_len_capped"); capped && capped->as_bool())
      std::printf("  (the longest sequence stops at the model's max_position_embeddings)\n");
  }
  if (const Json* sug = r.find("suggestions"); sug && !sug->as_array().empty()) {
    const bool ok = r.find("fits") && r.find("fits")->find("fits")->as_bool();
    std::printf("\n%s\n", ok ? "Room to spare:" : "What makes it fit (cheapest first):");
    for (const Json& x : sug->as_array()) {
      std::string flags;
      for (const auto& [path, value] : x.find("change")->as_object())
        flags += (flags.empty() ? "" : " ") + path + "=" + (value.is_string() ? value.as_string() : value.dump());
      std::printf("  - %s: %s per GPU\n      %s\n", x.find("label")->as_string().c_str(), gib(number(x, "total_bytes")).c_str(), flags.c_str());
    }
  }
  if (const Json* perf = r.find("performance")) {
    std::printf("\nSpeed (a roofline; %s-bound):", perf->find("bound")->as_string().c_str());
    if (const Json* d = perf->find("decode_tokens_per_s"))
      std::printf(" decode %.1f tokens/s per sequence (%.1f for the batch), prefill %.0f tokens/s, time to first token %.3f s\n",
                  d->as_number(), number(*perf, "decode_tokens_per_s_total"), number(*perf, "prefill_tokens_per_s"),
                  number(*perf, "time_to_first_token_s"));
    else
      std::printf(" step %.3f s, %.0f tokens/s per GPU, %.1f GPU-hours per billion tokens\n", number(*perf, "step_time_s"),
                  number(*perf, "tokens_per_s"), number(*perf, "gpu_hours_per_billion_tokens"));
    for (const auto& a : perf->find("assumptions")->as_array()) std::printf("  %s\n", a.as_string().c_str());
  }
  if (const Json* e = r.find("engine")) print_engine(*e);
  std::fflush(stdout);
  print_issues(r, std::cerr);
}

int list_models() {
  const Json presets = memcalc::presets_json();
  for (const auto& p : presets.as_array()) {
    const Json* official = p.find("official");
    std::string repo = official && official->is_string() ? official->as_string() : "";
    if (repo.rfind("https://huggingface.co/", 0) == 0) repo = repo.substr(23);
    std::printf("%-26s %-34s %8.2fB params  %s\n", p.find("id")->as_string().c_str(), p.find("name")->as_string().c_str(),
                number(p, "params_total") / 1e9, repo.c_str());
  }
  return 0;
}

int list_gpus() {
  std::printf("%-34s %-52s %10s %10s %9s %9s\n", "id", "name", "memory", "usable", "GB/s", "bf16 TF");
  for (const auto& g : memcalc::gpus())
    std::printf("%-34s %-52s %10s %10s %9.0f %9.1f\n", g.id.c_str(), g.name.substr(0, 52).c_str(), gib(g.memory_bytes).c_str(),
                gib(g.usable_bytes).c_str(), g.bandwidth_bytes_per_s / 1e9, g.flops_bf16 / 1e12);
  return 0;
}

int list_engines() {
  const Json engines = memcalc::engines_catalog_json();
  for (const auto& e : engines.as_array()) {
    std::printf("%s%s%s\n", e.find("name")->as_string().c_str(), e.find("defaults_from")->as_string().empty() ? "" : " — defaults of ",
                e.find("defaults_from")->as_string().c_str());
    for (const auto& o : e.find("options")->as_array()) {
      std::string flag = "--" + o.find("name")->as_string();
      for (auto& c : flag) c = c == '_' ? '-' : c;
      std::printf("  %-36s %s\n", flag.c_str(), o.find("help")->as_string().c_str());
    }
  }
  return 0;
}

// The engines' short and alternative spellings of their flags.
const std::vector<std::pair<std::string, std::string>> kEngineAliases = {
    {"-c", "n_ctx"}, {"--ctx-size", "n_ctx"}, {"-ngl", "n_gpu_layers"}, {"--gpu-layers", "n_gpu_layers"},
    {"-b", "n_batch"}, {"--batch-size", "n_batch"}, {"-ub", "n_ubatch"}, {"--ubatch-size", "n_ubatch"},
    {"-np", "n_parallel"}, {"--parallel", "n_parallel"}, {"-fa", "flash_attn"}, {"-ctk", "cache_type_k"},
    {"-ctv", "cache_type_v"}, {"-ts", "tensor_split"}, {"-kvu", "kv_unified"}, {"-ncmoe", "n_cpu_moe"},
    {"-tp", "tensor_parallel_size"}, {"--tp-size", "tp_size"},
};

// The engine option a flag names, for the engine `engine`: "--max-num-seqs" → max_num_seqs.
const memcalc::EngineOption* engine_flag(const std::string& flag, const std::string& engine, bool& negated) {
  std::string name;
  for (const auto& [alias, option] : kEngineAliases)
    if (flag == alias) name = option;
  negated = false;
  if (name.empty() && flag.rfind("--", 0) == 0) {
    name = flag.substr(2);
    if (name.rfind("no-", 0) == 0) {
      negated = true;
      name = name.substr(3);
    }
    for (auto& c : name) c = c == '-' ? '_' : c;
  }
  for (const auto& o : memcalc::engine_options())
    if (name == o.name && engine == memcalc::engine_name(o.engine)) return &o;
  return nullptr;
}

// The files of a checkpoint at `path`: the file itself and what belongs with it (the other files of
// a split GGUF; the config.json and shards beside safetensors), or a folder's checkpoint files.
std::vector<std::string> checkpoint_files(const std::string& path) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  const fs::path p(path);
  const fs::path dir = fs::is_directory(p, ec) ? p : p.parent_path();
  auto add_dir = [&](auto&& keep) {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(dir.empty() ? fs::path(".") : dir, ec))
      if (e.is_regular_file() && keep(e.path().filename().string())) found.push_back(e.path().string());
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  };
  const std::string name = p.filename().string();
  auto ends = [](const std::string& s, std::string_view t) { return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0; };
  if (fs::is_directory(p, ec)) {
    add_dir([&](const std::string& n) { return n == "config.json" || ends(n, ".safetensors") || ends(n, ".index.json") || ends(n, ".gguf"); });
  } else if (ends(name, ".gguf")) {
    const auto of = name.find("-of-");
    if (of != std::string::npos && of >= 6 && name[of - 6] == '-') {  // name-00001-of-00003.gguf
      const std::string stem = name.substr(0, of - 5), tail = name.substr(of);
      add_dir([&](const std::string& n) { return n.rfind(stem, 0) == 0 && ends(n, tail); });
    } else {
      out.push_back(path);
    }
  } else {
    add_dir([&](const std::string& n) { return n == "config.json" || ends(n, ".safetensors") || ends(n, ".index.json"); });
  }
  return out;
}

// Reads the headers of a checkpoint's files, a piece at a time as the readers ask.
memcalc::FilesRead read_checkpoint(const std::string& path) {
  std::vector<memcalc::FileStart> files;
  for (const auto& f : checkpoint_files(path)) {
    std::error_code ec;
    const double size = static_cast<double>(std::filesystem::file_size(f, ec));
    files.push_back({f, size, {}});
  }
  auto read_start = [](memcalc::FileStart& f, double bytes) {
    std::ifstream in(f.name, std::ios::binary);
    f.bytes.assign(static_cast<std::size_t>(std::min(bytes, f.size)), '\0');
    in.read(f.bytes.data(), static_cast<std::streamsize>(f.bytes.size()));
    f.bytes.resize(static_cast<std::size_t>(in.gcount()));
  };
  for (auto& f : files) read_start(f, f.name.size() > 5 && f.name.compare(f.name.size() - 5, 5, ".json") == 0 ? f.size : 1048576);
  memcalc::FilesRead r;
  for (int round = 0; round < 32; ++round) {
    r = memcalc::read_files(files);
    if (r.need.empty()) break;
    for (const auto& n : r.need)
      for (auto& f : files)
        if (f.name == n.name) read_start(f, n.bytes);
  }
  return r;
}

int inspect(const std::string& path, bool json_out) {
  const memcalc::FilesRead r = read_checkpoint(path);
  if (json_out) {
    Json out = Json::object();
    out.set("ok", r.ok());
    out.set("inspect", r.inspect);
    out.set("model", r.model);
    std::printf("%s\n", out.dump(2).c_str());
  } else if (r.ok()) {
    const Json& i = r.inspect;
    std::printf("%s checkpoint: %.0f tensors, %s in %zu file(s); read %s of headers\n", i.find("format")->as_string().c_str(),
                number(i, "tensor_count"), gib(number(i, "bytes")).c_str(), i.find("files")->as_array().size(),
                gib(number(i, "read_bytes")).c_str());
    std::printf("\nBytes by type:\n");
    for (const auto& [type, bytes] : i.find("bytes_by_type")->as_object()) std::printf("  %-10s %14s\n", type.c_str(), gib(bytes.as_number()).c_str());
    std::printf("\nArchitecture:\n");
    for (const auto& [k, v] : i.find("architecture")->as_object()) std::printf("  %-44s %s\n", k.c_str(), v.dump().substr(0, 80).c_str());
    const auto& unused = i.find("not_used")->as_array();
    if (!unused.empty()) {
      std::printf("\nNot used by the estimate:\n");
      for (const auto& u : unused) std::printf("  %s\n", u.as_string().c_str());
    }
  }
  for (const auto& issue : r.issues)
    std::fprintf(stderr, "%s: %s%s\n", memcalc::severity_name(issue.severity), issue.field.empty() ? "" : (issue.field + ": ").c_str(),
                 issue.message.c_str());
  return r.ok() ? 0 : 2;
}

// Sets a dotted path ("training.parallel.tp") in a JSON object, creating objects on the way.
void set_path(Json& root, const std::string& path, Json value) {
  const auto dot = path.find('.');
  if (dot == std::string::npos) {
    root.set(path, std::move(value));
    return;
  }
  const std::string head = path.substr(0, dot);
  const Json* existing = root.find(head);
  Json child = existing && existing->is_object() ? *existing : Json::object();
  set_path(child, path.substr(dot + 1), std::move(value));
  root.set(head, std::move(child));
}

// Flag values: numbers become JSON numbers, anything else a string.
Json flag_value(const std::string& v) {
  const memcalc::JsonParseResult n = memcalc::parse_json(v);
  if (n.ok && n.value.is_number()) return n.value;
  return Json(v);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && (args[0] == "models")) return list_models();
  if (args.size() == 1 && (args[0] == "gpus")) return list_gpus();
  if (args.size() == 1 && (args[0] == "engines")) return list_engines();
  if (!args.empty() && args[0] == "inspect") {
    if (args.size() < 2) {
      std::fprintf(stderr, "usage: memcalc inspect FILE|DIR [--json]\n");
      return 1;
    }
    return inspect(args[1], args.size() > 2 && args[2] == "--json");
  }
  if (args.size() == 1 && (args[0] == "defaults")) {
    std::printf("%s\n", memcalc::scenario_defaults_json().dump(2).c_str());
    return 0;
  }
  if (args.size() == 1 && (args[0] == "--version" || args[0] == "-V")) {
    std::printf("memcalc %s\n", memcalc::version());
    return 0;
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 1 : 0;
  }

  bool json_out = false;
  std::string scenario_path;
  std::vector<std::pair<std::string, Json>> sets;
  std::string mode;
  // Flags that name one scenario field; --batch, --seq and --tp depend on the mode.
  const std::vector<std::pair<std::string, std::string>> direct = {
      {"--mode", "mode"},
      {"--precision", "training.precision"},
      {"--optimizer", "training.optimizer"},
      {"--recompute", "training.recompute"},
      {"--formula", "training.activation_formula"},
      {"--finetune", "training.finetune"},
      {"--lora-rank", "training.lora_rank"},
      {"--dp", "training.parallel.dp"},
      {"--pp", "training.parallel.pp"},
      {"--cp", "training.parallel.cp"},
      {"--ep", "training.parallel.ep"},
      {"--zero", "training.parallel.zero"},
      {"--weights", "inference.weight_dtype"},
      {"--kv-dtype", "inference.kv_dtype"},
      {"--gpus", "gpu.count"},
      {"--overhead", "overhead_bytes"},
  };
  std::string batch, seq, tp, model, gpu, gpu_mem, engine;
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--engine") engine = args[i + 1];
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "memcalc: %s needs a value\n", a.c_str());
        std::exit(1);
      }
      out = args[++i];
    };
    if (a == "--json") { json_out = true; continue; }
    if (a == "--flash") { sets.emplace_back("training.flash_attention", Json(true)); continue; }
    if (a == "--sp") { sets.emplace_back("training.parallel.sequence_parallel", Json(true)); continue; }
    if (a == "--scenario") { value(scenario_path); continue; }
    if (a == "--batch") { value(batch); continue; }
    if (a == "--seq") { value(seq); continue; }
    if (a == "--tp") { value(tp); continue; }
    if (a == "--model") { value(model); continue; }
    if (a == "--gpu") { value(gpu); continue; }
    if (a == "--gpu-mem") { value(gpu_mem); continue; }
    if (a == "--engine") {
      value(engine);
      sets.emplace_back("inference.engine.name", Json(engine));
      continue;
    }
    bool negated = false;
    if (const memcalc::EngineOption* o = engine.empty() ? nullptr : engine_flag(a, engine, negated)) {
      const std::string path = std::string("inference.engine.") + o->name;
      if (std::holds_alternative<bool memcalc::EngineOptions::*>(o->field)) {
        sets.emplace_back(path, Json(!negated));
      } else if (std::string(o->name) == "flash_attn" && (i + 1 >= args.size() || args[i + 1].rfind("-", 0) == 0)) {
        sets.emplace_back(path, Json("on"));  // -fa alone, as llama.cpp's older builds spell it
      } else {
        std::string v;
        value(v);
        if (std::holds_alternative<std::vector<double> memcalc::EngineOptions::*>(o->field)) {
          Json shares = Json::array();  // "3,1" or "3/1"
          std::string part;
          for (std::size_t k = 0; k <= v.size(); ++k) {
            if (k == v.size() || v[k] == ',' || v[k] == '/') {
              shares.push(flag_value(part));
              part.clear();
            } else {
              part += v[k];
            }
          }
          sets.emplace_back(path, shares);
        } else {
          sets.emplace_back(path, flag_value(v));
        }
      }
      continue;
    }
    bool matched = false;
    for (const auto& [flag, path] : direct) {
      if (a == flag) {
        std::string v;
        value(v);
        if (flag == "--mode") mode = v;
        sets.emplace_back(path, flag_value(v));
        matched = true;
      }
    }
    if (!matched) {
      std::fprintf(stderr, "memcalc: unknown argument %s\n\n%s", a.c_str(), kUsage);
      return 1;
    }
  }

  Json scenario = Json::object();
  if (!scenario_path.empty()) {
    std::string text;
    if (!read_file(scenario_path, text)) {
      std::fprintf(stderr, "memcalc: cannot read %s\n", scenario_path.c_str());
      return 1;
    }
    const memcalc::JsonParseResult parsed = memcalc::parse_json(text);
    if (!parsed.ok || !parsed.value.is_object() || (sets.empty() && batch.empty() && seq.empty() && tp.empty() && engine.empty() &&
                                                    model.empty() && gpu.empty() && gpu_mem.empty())) {
      // Nothing to merge: hand the text over unchanged, so its errors are reported as they are.
      const std::string out = memcalc::estimate_json(text);
      const Json result = memcalc::parse_json(out).value;
      if (json_out) std::printf("%s\n", out.c_str());
      else if (result.find("ok")->as_bool()) print_table(result);
      else print_issues(result, std::cerr);
      return result.find("ok")->as_bool() ? 0 : 2;
    }
    scenario = parsed.value;
  }
  if (mode.empty() && !engine.empty()) {
    mode = "inference";
    sets.emplace_back("mode", Json(mode));
  }
  if (mode.empty()) {
    const Json* m = scenario.find("mode");
    mode = m && m->is_string() ? m->as_string() : "training";
  }
  const std::string section = mode == "inference" ? "inference." : "training.";
  auto ends_with = [&](std::string_view tail) { return model.size() >= tail.size() && model.compare(model.size() - tail.size(), tail.size(), tail) == 0; };
  std::error_code dir_ec;
  if (!model.empty() && (ends_with(".gguf") || ends_with(".safetensors") || ends_with(".index.json") ||
                         std::filesystem::is_directory(model, dir_ec))) {
    const memcalc::FilesRead r = read_checkpoint(model);
    for (const auto& issue : r.issues)
      std::fprintf(stderr, "%s: %s%s\n", memcalc::severity_name(issue.severity), issue.field.empty() ? "" : (issue.field + ": ").c_str(),
                   issue.message.c_str());
    if (!r.ok()) return 2;
    scenario.set("model", r.model);
  } else if (!model.empty()) {
    std::string text;
    if (model.size() > 5 && model.substr(model.size() - 5) == ".json" && read_file(model, text)) {
      const memcalc::JsonParseResult parsed = memcalc::parse_json(text);
      if (!parsed.ok) {
        std::fprintf(stderr, "memcalc: %s: invalid JSON at byte %zu: %s\n", model.c_str(), parsed.offset, parsed.error.c_str());
        return 2;
      }
      scenario.set("model", parsed.value);
    } else {
      scenario.set("model", Json(model));
    }
  }
  if (!batch.empty()) set_path(scenario, section + "batch_size", flag_value(batch));
  if (!seq.empty()) set_path(scenario, section + (mode == "inference" ? "context_len" : "seq_len"), flag_value(seq));
  if (!tp.empty()) set_path(scenario, mode == "inference" ? "inference.tp" : "training.parallel.tp", flag_value(tp));
  if (!gpu.empty()) set_path(scenario, "gpu.preset", Json(gpu));
  if (!gpu_mem.empty()) set_path(scenario, "gpu.memory_bytes", flag_value(gpu_mem));
  for (auto& [path, v] : sets) set_path(scenario, path, v);

  const std::string out = memcalc::estimate_json(scenario.dump());
  const Json result = memcalc::parse_json(out).value;
  const bool ok = result.find("ok")->as_bool();
  if (json_out) std::printf("%s\n", out.c_str());
  else if (ok) print_table(result);
  else print_issues(result, std::cerr);
  return ok ? 0 : 2;
}
