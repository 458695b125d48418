// From the headers of a checkpoint's files to the scenario's `model` and a description of the files.
//
// GGUF: the architecture's hyperparameters (llama.cpp's LLM_KV names, `<arch>.embedding_length`,
// `<arch>.attention.head_count_kv`, per-layer arrays included) become config.json fields the importer
// reads; safetensors need the config.json beside them. Either way the model carries
// `checkpoint_tensors`: the files' exact bytes, split into the input embedding, each decoder layer
// (its routed experts apart), the output layer, towers, MTP layers and the rest, which the estimate
// uses in place of its own per-format counts.
#include <algorithm>
#include <cmath>
#include <map>

#include "memcalc/estimate.hpp"
#include "readers.hpp"

namespace memcalc {

namespace {

using detail::GgufHeader;
using detail::SafetensorsHeader;

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && std::string_view(s).substr(s.size() - tail.size()) == tail;
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The decoder layer a tensor belongs to: "blk.12." (GGUF), "layers.12." (Hugging Face); -1 for none.
int layer_of(const std::string& name) {
  for (std::string_view key : {"blk.", "layers.", "h."}) {
    std::size_t at = 0;
    while ((at = name.find(key, at)) != std::string::npos) {
      if (at > 0 && name[at - 1] != '.') {
        at += key.size();
        continue;
      }
      std::size_t i = at + key.size();
      int n = 0;
      bool digits = false;
      while (i < name.size() && name[i] >= '0' && name[i] <= '9') {
        n = n * 10 + (name[i] - '0');
        digits = true;
        ++i;
        if (n > 100000) return -1;
      }
      if (digits && i < name.size() && name[i] == '.') return n;
      at += key.size();
    }
  }
  return -1;
}

bool has(const std::string& name, std::initializer_list<std::string_view> parts) {
  for (auto p : parts)
    if (name.find(p) != std::string::npos) return true;
  return false;
}

// One tensor of the table, whatever its format.
struct Entry {
  std::string name, type;
  double bytes = 0, elements = 0;
};

struct Table {
  double embedding = 0, head = 0, encoders = 0, mtp = 0, other = 0, total = 0, elements = 0;
  double lm_elements = 0, encoder_elements = 0;  // logical element counts (not for packed tensors)
  bool packed = false;                           // some tensors hold packed integers (GPTQ, MXFP4 blocks)
  std::vector<double> layers, experts;
  std::map<std::string, double> by_type;
  double count = 0;
};

// `layers`: decoder layers; `mtp_from`: the first layer index that is an MTP module (else -1).
Table tabulate(const std::vector<Entry>& entries, double layers, double mtp_from, bool vision_file) {
  Table t;
  t.layers.assign(static_cast<std::size_t>(std::max(0.0, layers)), 0);
  t.experts.assign(t.layers.size(), 0);
  for (const auto& e : entries) {
    t.total += e.bytes;
    t.elements += e.elements;
    t.count += 1;
    t.by_type[e.type] += e.bytes;
    const std::string& n = e.name;
    const int layer = layer_of(n);
    t.packed = t.packed || e.type == "U8" || e.type == "I32" || e.type == "I8" || e.type == "U32";
    if (vision_file || has(n, {"visual", "vision", "vit.", "mm_projector", "multi_modal_projector", "image_newline", "audio", "mm.", "v.blk"})) {
      t.encoders += e.bytes;
      t.encoder_elements += e.elements;
      continue;
    }
    if (has(n, {"mtp", "nextn"}) || (mtp_from >= 0 && layer >= mtp_from)) {
      t.mtp += e.bytes;
      continue;
    }
    t.lm_elements += e.elements;
    if (layer >= 0 && static_cast<std::size_t>(layer) < t.layers.size()) {
      t.layers[static_cast<std::size_t>(layer)] += e.bytes;
      if (has(n, {"_exps", ".experts.", "block_sparse_moe.experts"})) t.experts[static_cast<std::size_t>(layer)] += e.bytes;
    } else if (has(n, {"token_embd", "embed_tokens", "wte", "per_layer_token_embd", "embed_tokens_per_layer", "tok_embeddings"})) {
      t.embedding += e.bytes;
    } else if (has(n, {"output.weight", "output_norm", "lm_head", "model.norm.", ".norm.weight", "ln_f", "final_norm", "language_model.norm"}) &&
               layer < 0) {
      t.head += e.bytes;
    } else {
      t.other += e.bytes;
    }
  }
  return t;
}

Json table_json(const Table& t, const char* format, double files) {
  Json j = Json::object();
  j.set("format", format);
  j.set("files", files);
  j.set("tensors", t.count);
  j.set("bytes", t.total);
  j.set("elements", t.elements);
  j.set("params", t.packed ? Json(nullptr) : Json(t.lm_elements + t.encoder_elements));
  j.set("embedding", t.embedding);
  j.set("head", t.head);
  j.set("encoders", t.encoders);
  j.set("mtp", t.mtp);
  j.set("other", t.other);
  Json layers = Json::array(), experts = Json::array();
  for (double b : t.layers) layers.push(Json(b));
  for (double b : t.experts) experts.push(Json(b));
  j.set("layers", std::move(layers));
  j.set("layer_experts", std::move(experts));
  Json types = Json::object();
  for (const auto& [k, v] : t.by_type) types.set(k, v);
  j.set("by_type", std::move(types));
  return j;
}

// ---- GGUF metadata → config.json fields --------------------------------------------------------

struct ArchMap {
  const char* gguf;
  const char* model_type;
};
constexpr ArchMap kArchitectures[] = {
    {"llama", "llama"},       {"mistral3", "mistral"},  {"qwen2", "qwen2"},       {"qwen3", "qwen3"},
    {"qwen2moe", "qwen2_moe"}, {"qwen3moe", "qwen3_moe"}, {"gemma", "gemma"},     {"gemma2", "gemma2"},
    {"gemma3", "gemma3_text"}, {"phi3", "phi3"},        {"deepseek2", "deepseek_v3"}, {"gpt-oss", "gpt_oss"},
    {"olmo2", "olmo2"},       {"granite", "granite"},   {"qwen3next", "qwen3_next"}, {"qwen35", "qwen3_next"},
    {"qwen35moe", "qwen3_next"}, {"glm4moe", "glm4_moe"}, {"smollm3", "smollm3"},  {"mixtral", "mixtral"},
};

double number(const Json& meta, const std::string& key, double fallback = 0) {
  const Json* v = meta.find(key);
  if (!v) return fallback;
  if (v->is_number()) return v->as_number();
  if (v->is_array()) {  // a per-layer array: its largest value
    double best = fallback;
    bool any = false;
    for (const auto& x : v->as_array())
      if (x.is_number()) {
        best = any ? std::max(best, x.as_number()) : x.as_number();
        any = true;
      }
    return best;
  }
  return fallback;
}

Json gguf_config(const GgufHeader& h, const std::vector<Entry>& entries, std::vector<std::string>& unused, std::string& arch,
                 double& nextn) {
  const Json& meta = h.metadata;
  const Json* a = meta.find("general.architecture");
  arch = a && a->is_string() ? a->as_string() : "";
  const std::string p = arch + ".";
  Json c = Json::object();
  const char* model_type = nullptr;
  for (const auto& m : kArchitectures)
    if (arch == m.gguf) model_type = m.model_type;
  c.set("model_type", model_type ? model_type : arch.c_str());
  auto set = [&](const char* field, const std::string& key) {
    const double v = number(meta, p + key);
    if (v > 0) c.set(field, v);
  };
  nextn = number(meta, p + "nextn_predict_layers");
  const double blocks = number(meta, p + "block_count");
  c.set("num_hidden_layers", blocks - nextn);
  if (nextn > 0) c.set("num_nextn_predict_layers", nextn);
  set("hidden_size", "embedding_length");
  set("intermediate_size", "feed_forward_length");
  set("num_attention_heads", "attention.head_count");
  set("num_key_value_heads", "attention.head_count_kv");
  set("head_dim", "attention.key_length");
  set("max_position_embeddings", "context_length");
  set("sliding_window", "attention.sliding_window");
  set("num_local_experts", "expert_count");
  set("num_experts", "expert_count");
  set("n_routed_experts", "expert_count");
  set("num_experts_per_tok", "expert_used_count");
  set("moe_intermediate_size", "expert_feed_forward_length");
  set("n_shared_experts", "expert_shared_count");
  set("first_k_dense_replace", "leading_dense_block_count");
  set("shared_expert_intermediate_size", "expert_shared_feed_forward_length");
  set("q_lora_rank", "attention.q_lora_rank");
  set("kv_lora_rank", "attention.kv_lora_rank");
  set("full_attention_interval", "full_attention_interval");
  if (arch == "deepseek2" || arch == "glm4moe" || arch == "kimi_k2") {
    set("qk_rope_head_dim", "rope.dimension_count");
    const double k_mla = number(meta, p + "attention.key_length_mla", number(meta, p + "attention.key_length"));
    const double v_mla = number(meta, p + "attention.value_length_mla", number(meta, p + "attention.value_length"));
    if (k_mla > 0) c.set("qk_nope_head_dim", k_mla - number(meta, p + "rope.dimension_count"));
    if (v_mla > 0) c.set("v_head_dim", v_mla);
  }
  // Gated DeltaNet layers (Qwen3-Next, Qwen3.5): llama.cpp keeps them as ssm.* fields.
  if (number(meta, p + "ssm.inner_size") > 0 && model_type && std::string_view(model_type) == "qwen3_next") {
    const double groups = number(meta, p + "ssm.group_count"), state = number(meta, p + "ssm.state_size");
    const double value_heads = number(meta, p + "ssm.time_step_rank"), inner = number(meta, p + "ssm.inner_size");
    c.set("linear_conv_kernel_dim", number(meta, p + "ssm.conv_kernel"));
    c.set("linear_num_key_heads", groups);
    c.set("linear_key_head_dim", state);
    c.set("linear_num_value_heads", value_heads);
    c.set("linear_value_head_dim", value_heads > 0 ? inner / value_heads : 0);
    if (!c.find("full_attention_interval")) c.set("full_attention_interval", 4);
  }
  double vocab = number(meta, p + "vocab_size");
  if (vocab <= 0)
    if (const Json* tokens = meta.find("tokenizer.ggml.tokens")) {
      if (tokens->is_array()) vocab = static_cast<double>(tokens->as_array().size());
      else vocab = number(*tokens, "array_length");
    }
  if (vocab > 0) c.set("vocab_size", vocab);
  bool output = false;
  for (const auto& e : entries) output = output || e.name == "output.weight";
  c.set("tie_word_embeddings", !output);
  c.set("torch_dtype", "bfloat16");
  // What the model description does not take from the metadata.
  for (const auto& [key, v] : meta.as_object()) {
    (void)v;
    if (key.rfind("general.", 0) == 0 || key.rfind("tokenizer.", 0) == 0 || key.rfind("split.", 0) == 0) continue;
    if (key.rfind(p, 0) != 0) unused.push_back(key);
  }
  if (!model_type) unused.insert(unused.begin(), "general.architecture = " + arch + " (its layout is read as a generic decoder)");
  return c;
}

}  // namespace

FilesRead read_files(const std::vector<FileStart>& files) {
  FilesRead out;
  auto error = [&](const std::string& file, std::string message) {
    out.issues.push_back({file, Severity::error, std::move(message)});
  };
  std::vector<std::pair<const FileStart*, GgufHeader>> ggufs;
  std::vector<std::pair<const FileStart*, SafetensorsHeader>> shards;
  const FileStart* config = nullptr;
  const FileStart* index = nullptr;
  Json inspect_files = Json::array();
  for (const auto& f : files) {
    const std::string name = base_name(f.name);
    out.total_bytes += f.size;
    if (ends_with(name, ".gguf")) {
      GgufHeader h = detail::read_gguf(f.bytes, f.size);
      if (h.need > 0) out.need.push_back({f.name, h.need});
      else if (!h.error.empty()) error(f.name, h.error);
      else {
        out.read_bytes += h.header_bytes;
        ggufs.emplace_back(&f, std::move(h));
      }
    } else if (ends_with(name, ".safetensors")) {
      SafetensorsHeader h = detail::read_safetensors(f.bytes, f.size);
      if (h.need > 0) out.need.push_back({f.name, h.need});
      else if (!h.error.empty()) error(f.name, h.error);
      else {
        out.read_bytes += h.header_bytes;
        shards.emplace_back(&f, std::move(h));
      }
    } else if (ends_with(name, ".index.json") || name == "config.json") {
      // JSON files are read whole (a config or an index is kilobytes; a sane bound keeps it so).
      if (f.size > 64.0 * 1024 * 1024) error(f.name, "a " + std::to_string(static_cast<long long>(f.size)) + "-byte JSON file is not a config or an index");
      else if (static_cast<double>(f.bytes.size()) < f.size) out.need.push_back({f.name, f.size});
      (name == "config.json" ? config : index) = &f;
      out.read_bytes += f.size;
    } else {
      out.issues.push_back({f.name, Severity::info, "not a checkpoint file memcalc reads; skipped"});
    }
  }
  if (!out.need.empty() || has_errors(out.issues)) return out;
  if (ggufs.empty() && shards.empty()) {
    error("", "no .gguf or .safetensors file among the files given");
    return out;
  }
  if (!ggufs.empty() && !shards.empty()) {
    error("", "GGUF and safetensors files together: give one checkpoint at a time");
    return out;
  }

  std::vector<Entry> entries;
  Json arch_fields = Json::object();
  std::vector<std::string> unused;
  Json model;
  const char* format = ggufs.empty() ? "safetensors" : "gguf";
  double layers = 0, mtp_from = -1;
  bool vision_file = false;
  for (auto& [f, h] : ggufs) {
    Json j = Json::object();
    j.set("name", f->name);
    j.set("size", f->size);
    j.set("header_bytes", h.header_bytes);
    j.set("tensors", static_cast<double>(h.tensors.size()));
    j.set("version", static_cast<double>(h.version));
    inspect_files.push(std::move(j));
    for (const auto& t : h.tensors) entries.push_back({t.name, ggml_type(t.type).name, t.bytes, t.elements});
  }
  for (auto& [f, h] : shards) {
    Json j = Json::object();
    j.set("name", f->name);
    j.set("size", f->size);
    j.set("header_bytes", h.header_bytes);
    j.set("tensors", static_cast<double>(h.tensors.size()));
    inspect_files.push(std::move(j));
    for (const auto& t : h.tensors) entries.push_back({t.name, t.dtype, t.bytes, t.elements});
  }

  if (!ggufs.empty()) {
    // The file with the architecture's metadata (the first of a split set).
    const GgufHeader* main = nullptr;
    for (const auto& [f, h] : ggufs)
      if (h.metadata.find("general.architecture") && (!main || number(h.metadata, "split.no") < number(main->metadata, "split.no"))) main = &h;
    if (!main) {
      error(ggufs[0].first->name, "no general.architecture in the metadata");
      return out;
    }
    const double split = number(main->metadata, "split.count");
    if (split > static_cast<double>(ggufs.size()))
      out.issues.push_back({ggufs[0].first->name, Severity::warning,
                            "split into " + std::to_string(static_cast<int>(split)) + " files, " + std::to_string(ggufs.size()) +
                                " given: the tensor bytes cover the files given only"});
    std::string arch;
    double nextn = 0;
    model = gguf_config(*main, entries, unused, arch, nextn);
    vision_file = arch == "clip";
    layers = number(model, "num_hidden_layers");
    if (nextn > 0) mtp_from = layers;
    for (const auto& [k, v] : main->metadata.as_object())
      if (k.rfind(arch + ".", 0) == 0 || k == "general.architecture" || k == "general.name" || k == "general.file_type") arch_fields.set(k, v);
  } else {
    if (index) {
      const JsonParseResult parsed = parse_json(index->bytes);
      const Json* map = parsed.ok ? parsed.value.find("weight_map") : nullptr;
      if (!map || !map->is_object()) {
        error(index->name, parsed.ok ? "no weight_map object" : "byte " + std::to_string(parsed.offset) + ": not JSON: " + parsed.error);
        return out;
      }
      std::vector<std::string> listed;
      for (const auto& [tensor, file] : map->as_object())
        if (file.is_string() && std::find(listed.begin(), listed.end(), file.as_string()) == listed.end()) listed.push_back(file.as_string());
      for (const auto& l : listed) {
        bool given = false;
        for (const auto& [f, h] : shards) given = given || base_name(f->name) == l;
        if (!given) error(index->name, "lists the shard " + l + ", which was not given");
      }
      if (has_errors(out.issues)) return out;
    }
    if (!config) {
      error("config.json", "needed beside safetensors files: the architecture is in it (the tensor bytes are read: " +
                               std::to_string(static_cast<long long>(out.total_bytes)) + " B)");
      return out;
    }
    const JsonParseResult parsed = parse_json(config->bytes);
    if (!parsed.ok || !parsed.value.is_object()) {
      error(config->name, parsed.ok ? "not a JSON object" : "byte " + std::to_string(parsed.offset) + ": not JSON: " + parsed.error);
      return out;
    }
    model = parsed.value;
    const Json* text = model.find("text_config");
    const Json& c = text && text->is_object() ? *text : model;
    layers = number(c, "num_hidden_layers", number(c, "n_layer"));
    if (number(c, "num_nextn_predict_layers") > 0 || number(c, "mtp_num_hidden_layers") > 0) mtp_from = layers;
    for (const char* k : {"model_type", "architectures", "hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
                          "vocab_size", "torch_dtype", "quantization_config"})
      if (const Json* v = c.find(k)) arch_fields.set(k, *v);
  }

  const Table t = tabulate(entries, layers, mtp_from, vision_file);
  model.set("checkpoint_tensors", table_json(t, format, static_cast<double>(ggufs.size() + shards.size())));
  out.model = std::move(model);

  Json inspect = Json::object();
  inspect.set("format", format);
  inspect.set("files", std::move(inspect_files));
  inspect.set("tensor_count", t.count);
  inspect.set("bytes", t.total);
  inspect.set("elements", t.elements);
  Json types = Json::object();
  for (const auto& [k, v] : t.by_type) types.set(k, v);
  inspect.set("bytes_by_type", std::move(types));
  inspect.set("architecture", std::move(arch_fields));
  Json nu = Json::array();
  for (const auto& u : unused) nu.push(Json(u));
  inspect.set("not_used", std::move(nu));
  inspect.set("read_bytes", out.read_bytes);
  inspect.set("total_bytes", out.total_bytes);
  out.inspect = std::move(inspect);
  return out;
}

std::string read_files_json(std::string_view directory_json, std::string_view blob) {
  Json result = Json::object();
  std::vector<Issue> issues;
  auto finish = [&](bool ok) {
    result.set("ok", ok);
    result.set("issues", issues_json(issues));
    return result.dump();
  };
  const JsonParseResult dir = parse_json(directory_json);
  if (!dir.ok || !dir.value.is_array()) {
    issues.push_back({"files", Severity::error, "the file list is not a JSON array"});
    return finish(false);
  }
  std::vector<FileStart> files;
  for (const auto& d : dir.value.as_array()) {
    const Json* name = d.find("name");
    const double size = number(d, "size"), offset = number(d, "offset"), length = number(d, "length");
    if (!name || !name->is_string() || offset < 0 || length < 0 || offset + length > static_cast<double>(blob.size()) || size < length) {
      issues.push_back({"files", Severity::error, "an entry of the file list does not fit the bytes given"});
      return finish(false);
    }
    files.push_back({name->as_string(), size, std::string(blob.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(length)))});
  }
  FilesRead r = read_files(files);
  const bool ok = r.ok();
  issues = std::move(r.issues);
  Json need = Json::array();
  for (const auto& n : r.need) {
    Json j = Json::object();
    j.set("name", n.name);
    j.set("bytes", n.bytes);
    need.push(std::move(j));
  }
  result.set("need", std::move(need));
  if (ok) {
    result.set("model", r.model);
    result.set("inspect", r.inspect);
  }
  result.set("read_bytes", r.read_bytes);
  result.set("total_bytes", r.total_bytes);
  return finish(ok);
}

}  // namespace memcalc
