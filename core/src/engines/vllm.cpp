// vLLM (V1 engine) at start-up, as its worker and KV-cache planner decide it:
//
//   budget     = gpu_memory_utilization × CUDA's total (Worker.init_device: requested_memory)
//   KV memory  = budget − weights ("Model loading took") − the profiled peak − non-torch memory
//                [− the CUDA-graph estimate from 0.20] (gpu_worker.determine_available_memory,
//                mem_utils.memory_profiling); or --kv-cache-memory as given
//   peak       = the larger of the dummy forward of max_num_batched_tokens tokens and the dummy sampler
//                of min(max_num_seqs, max_num_batched_tokens) rows × vocab (profile_run, _dummy_sampler_run)
//   pages      = block_size × per-token bytes of a layer (kv_cache_interface.py: AttentionSpec,
//                MLAAttentionSpec, MambaSpec); hybrid attention + Mamba: the attention block grows until
//                its page holds a Mamba state (16 × cdiv(mamba_page, 16 × attention page per token))
//   groups     = layers of each cache type in groups of group_size (the smallest type's count, or the
//                largest if it is under 1.5 × the smallest), types padded to whole groups
//                (kv_cache_utils._get_kv_cache_groups_uniform_page_size)
//   # blocks   = KV memory // (page × group_size); a request of max_model_len needs, per group,
//                cdiv(max_model_len, block) (full), cdiv(min(W − 1 + max_num_batched_tokens, L), block) + 1
//                (sliding), cdiv(min(chunk + max_num_batched_tokens, L), block) (chunked), 1 or 2 (Mamba:
//                none / align)
//   tokens     = # blocks // groups × block (up to 0.20), concurrency × max_model_len (0.21+)
//
// The sampler's 34 B per row × vocab element (fp32 logits, sorted values and int64 indices for
// top-k/top-p, probabilities, their cumulative sum, log-probabilities and the bf16 logits) and the
// non-torch and CUDA-graph rules are calibrated on the start-up logs of the corpus
// (tests/corpus/engine-vllm-*.json), where each is compared with what vLLM printed.
#include <algorithm>
#include <cmath>
#include <string>

#include "engine.hpp"

namespace memcalc::detail {

namespace {

struct Group {          // the layers of one cache type, in groups of group_size
  const CacheSpec* spec;
  double layers = 0;
  double groups = 0;    // groups of group_size layers (padded)
  double block = 0;     // tokens per block of this type
  double per_request = 0;  // blocks one request of max_model_len needs, per group
};

struct Plan {
  std::vector<Group> types;
  double page = 0;          // bytes of one block of one layer (all types equal)
  double group_size = 0;
  double groups = 0;        // groups of every type
  double block = 16;        // the attention block (the scheduler's unit)
  double blocks_per_request = 0;
  double padding_layers = 0;
  double mamba_page = 0;    // hybrid: a Mamba state's bytes before padding
  bool hybrid_block = false;
};

double version_minor(const EngineOptions& o) {
  const std::string v = engine_choice(Engine::vllm, "version", o.version);
  return v.empty() ? 24 : std::stod(v.substr(v.find('.') + 1));
}

// Blocks one request of `len` tokens needs in one group of `g`.
double request_blocks(const Group& g, double len, double mnbt, const std::string& mamba_mode) {
  const CacheSpec& c = *g.spec;
  switch (c.kind) {
    case CacheSpec::Kind::sliding: return cdiv(std::min(c.window - 1 + mnbt, len), g.block) + 1;
    case CacheSpec::Kind::chunked: return cdiv(std::min(c.window + mnbt, len), g.block);
    case CacheSpec::Kind::recurrent:
      return mamba_mode == "all" ? cdiv(len, g.block) : mamba_mode == "align" ? 2 : 1;
    default: return cdiv(len, g.block);
  }
}

Plan plan_blocks(const std::vector<CacheSpec>& specs, double kv_bytes, double conv_bytes, double block_size,
                 double len, double mnbt, const std::string& mamba_mode) {
  Plan p;
  p.block = block_size;
  double attn_ppt = 0;
  for (const auto& c : specs) {
    if (c.holds_kv()) attn_ppt = std::max(attn_ppt, token_bytes(c, kv_bytes, kv_bytes));
    else p.mamba_page = std::max(p.mamba_page, state_bytes(c, conv_bytes));
  }
  if (p.mamba_page > 0 && attn_ppt > 0) {
    const double needed = 16 * cdiv(p.mamba_page, 16 * attn_ppt);
    if (p.block < needed) {
      p.block = needed;
      p.hybrid_block = true;
    }
  }
  p.page = attn_ppt > 0 ? p.block * attn_ppt : p.mamba_page;
  double fewest = 0, most = 0;
  for (const auto& c : specs) {
    Group g;
    g.spec = &c;
    g.layers = c.layers;
    // Smaller pages take more tokens per block until every page is as large as the largest.
    g.block = c.holds_kv() ? p.page / token_bytes(c, kv_bytes, kv_bytes) : (attn_ppt > 0 ? p.block : len);
    p.types.push_back(g);
    fewest = fewest == 0 ? c.layers : std::min(fewest, c.layers);
    most = std::max(most, c.layers);
  }
  p.group_size = most < 1.5 * fewest ? most : fewest;
  for (auto& g : p.types) {
    g.groups = cdiv(g.layers, p.group_size);
    p.groups += g.groups;
    p.padding_layers += g.groups * p.group_size - g.layers;
    g.per_request = request_blocks(g, len, mnbt, mamba_mode);
    p.blocks_per_request += g.groups * g.per_request;
  }
  return p;
}

// CUDA graphs: a fixed 0.3 GiB plus, per layer, the captured batch's hidden-size tensors (3 for a
// dense layer, 9 for a MoE layer: router, dispatch and expert buffers). Fitted to two vLLM logs:
// llava-v1.6-mistral-7b 0.67 GiB (32 layers, 512) and Qwen3-235B-A22B TP8 3.45 GiB (94 layers, 512).
double cuda_graph_bytes(const Scenario& s, double capture) {
  double dense = 0, moe = 0;
  for (const Layer& l : s.model.layers) (l.ffn.kind == FfnKind::moe ? moe : dense) += 1;
  return 0.3 * kGiB + capture * s.model.hidden_size * 2 * (3 * dense + 9 * moe);
}

}  // namespace

void add_vllm(const Scenario& s0, const ModelTensors& t, Breakdown& out) {
  const EngineOptions& o = s0.inference.engine;
  Scenario s = s0;
  if (o.tensor_parallel_size > 0) s.inference.tp = o.tensor_parallel_size;
  const std::string kv_choice = engine_choice(Engine::vllm, "kv_cache_dtype", o.kv_cache_dtype);
  if (kv_choice != "auto") s.inference.kv_dtype = kv_choice == "fp8_e5m2" ? KvDtype::fp8_e5m2 : KvDtype::fp8_e4m3;
  const ServingModel sm = serving_model(s, t, out.explain());
  const double minor = version_minor(o);
  const double tp = s.inference.tp;
  EngineFigures& e = out.engine;
  e.name = "vllm";
  e.version = "vLLM 0." + fixed(minor, 0);

  // Defaults of EngineArgs.get_batch_defaults: GPUs of 70 GiB or more (A100 excepted) get larger ones.
  const bool llm = engine_choice(Engine::vllm, "entrypoint", o.entrypoint) == "llm";
  const bool big = s.gpu.memory_bytes >= 70 * kGiB && s.gpu.preset.rfind("a100", 0) != 0;
  const double mnbt = o.max_num_batched_tokens > 0 ? o.max_num_batched_tokens
                      : minor <= 8                 ? (llm ? 8192 : 2048)
                      : big                        ? (llm ? 16384 : 8192)
                                                   : (llm ? 8192 : 2048);
  const double seqs = o.max_num_seqs > 0 ? o.max_num_seqs : (big && minor > 8) ? 1024 : 256;
  const double len = o.max_model_len > 0 ? o.max_model_len : sm.max_position;
  e.max_model_len = len;
  e.max_num_seqs = seqs;
  e.max_num_batched_tokens = mnbt;

  const double total = s.gpu.usable();
  e.usable_bytes = total * o.gpu_memory_utilization;
  // What the loader allocates beyond the checkpoint's tensors: the rotary cos/sin cache
  // (max_position × head_dim in the model's dtype: RotaryEmbedding.cos_sin_cache); and what it skips:
  // the vision layers past vision_feature_layer (init_vision_tower_for_llava).
  double head_dim = 0, unused = 0;
  for (const Layer& l : s.model.layers)
    for (const Mixer& x : l.mixers)
      if (x.kind == MixerKind::attention) head_dim = std::max(head_dim, x.head_dim);
      else if (x.kind == MixerKind::mla) head_dim = std::max(head_dim, x.qk_rope_head_dim);
  const double rotary = sm.max_position * head_dim * sm.model_bytes;
  if (sm.multimodal)
    for (const Encoder& enc : s.model.encoders) unused += enc.unused_params * sm.model_bytes / tp;
  e.weights_bytes = sm.weights_bytes + rotary - unused;

  // The profile: the forward pass of max_num_batched_tokens tokens (multimodal models also hold the
  // encoder outputs and the merged input embeddings), then the sampler over one row per request.
  const double forward = prefill_activation_bytes(s, t, mnbt) + (sm.multimodal ? 2 * mnbt * sm.hidden * sm.model_bytes : 0);
  const double rows = std::min(seqs, mnbt);
  const double sampler = rows * sm.vocab * 34;
  e.activation_bytes = std::max(forward, sampler);
  e.non_torch_bytes = (0.07 + 0.02 * (tp - 1)) * kGiB;
  const double capture = o.max_cudagraph_capture_size > 0 ? o.max_cudagraph_capture_size : std::min(2 * seqs, 512.0);
  e.cuda_graph_bytes = o.enforce_eager ? 0 : cuda_graph_bytes(s, capture);
  const bool graphs_inside = minor >= 20;
  const double kv_memory = o.kv_cache_memory > 0 ? o.kv_cache_memory
                                                 : e.usable_bytes - e.weights_bytes - e.activation_bytes - e.non_torch_bytes -
                                                       (graphs_inside ? e.cuda_graph_bytes : 0);

  // Cache types: with the hybrid manager off, windowed layers are sized as full ones.
  std::vector<CacheSpec> specs;
  for (CacheSpec c : sm.specs) {
    if (o.disable_hybrid_kv_cache_manager && c.windowed()) {
      c.kind = CacheSpec::Kind::full;
      c.window = 0;
    }
    auto it = std::find_if(specs.begin(), specs.end(), [&](const CacheSpec& x) {
      return x.kind == c.kind && x.window == c.window && token_bytes(x, 1, 1) == token_bytes(c, 1, 1) &&
             state_bytes(x, 1) == state_bytes(c, 1);
    });
    if (it != specs.end()) it->layers += c.layers;
    else specs.push_back(c);
  }
  std::string mamba_mode = engine_choice(Engine::vllm, "mamba_cache_mode", o.mamba_cache_mode);
  if (mamba_mode == "auto") mamba_mode = o.enable_prefix_caching && minor >= 20 ? "align" : "none";
  const double kv_bytes = sm.kv_auto_bytes;
  const Plan plan = plan_blocks(specs, kv_bytes, sm.model_bytes, o.block_size, len, mnbt, mamba_mode);
  const double blocks = kv_memory > 0 && plan.page > 0 ? std::floor(kv_memory / (plan.page * plan.group_size)) : 0;
  e.gpu_blocks = blocks;
  e.block_size = plan.block;
  e.kv_cache_bytes = blocks * plan.page * plan.group_size;
  e.max_concurrency = plan.blocks_per_request > 0 ? blocks / plan.blocks_per_request : 0;
  e.kv_cache_tokens = minor <= 20 ? std::floor(blocks / plan.groups) * plan.block : std::floor(e.max_concurrency * len);
  double state_per_request = 0;
  for (const auto& g : plan.types)
    if (!g.spec->holds_kv()) state_per_request += g.groups * g.per_request * plan.page * plan.group_size;
  e.recurrent_state_bytes = state_per_request * std::min(seqs, std::floor(e.max_concurrency));

  // Will it start? (gpu_worker / kv_cache_utils._check_enough_kv_cache_memory)
  const double need = plan.blocks_per_request * plan.page * plan.group_size;
  auto longest = [&](double cap) {
    double lo = 0, hi = cap;
    while (hi - lo > 1) {
      const double mid = std::floor((lo + hi) / 2);
      const Plan p = plan_blocks(specs, kv_bytes, sm.model_bytes, o.block_size, mid, mnbt, mamba_mode);
      (blocks >= p.blocks_per_request ? lo : hi) = mid;
    }
    return lo;
  };
  if (e.weights_bytes + e.activation_bytes + e.non_torch_bytes > e.usable_bytes && o.kv_cache_memory <= 0) {
    e.starts = false;
    e.problem = "No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.";
  } else if (kv_memory <= 0 || blocks < plan.blocks_per_request) {
    e.starts = false;
    e.problem = "To serve at least one request with the models's max seq len (" + num(len) + "), (" + gib(need) +
                " KV cache is needed, which is larger than the available KV cache memory (" + gib(std::max(0.0, kv_memory)) +
                "). Based on the available memory, the estimated maximum model length is " + num(longest(len)) +
                ". Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.";
  }
  e.limit_max_model_len = blocks > 0 && out.explain() ? longest(std::max(len, sm.max_position) + 1) : -1;
  if (e.limit_max_model_len <= 0) e.limit_max_model_len = -1;
  e.limit_max_concurrency = e.starts ? std::floor(e.max_concurrency) : -1;

  // Components: what the process holds once started.
  add_generic(sm, out, {"weights", "mtp_weights"});
  if (const Component* enc = sm.find("encoders"))
    out.add("encoders", enc->bytes - unused, enc->basis, [&] {
      return enc->formula + (unused > 0 ? "; − " + num(unused) + " B of layers past vision_feature_layer, which vLLM does not load" : "");
    }, enc->source.c_str());
  if (rotary > 0)
    out.add("rotary_cache", rotary, Basis::exact, [&] {
      return "max_position " + num(sm.max_position) + " × head_dim " + num(head_dim) + " × " + bytes_per(sm.model_bytes);
    }, "vLLM RotaryEmbedding.cos_sin_cache, allocated with the weights");
  out.add("activations", e.activation_bytes, Basis::analytic, [&] {
    return "the larger of the profiled forward of max_num_batched_tokens " + num(mnbt) + " tokens (" + gib(forward) +
           (sm.multimodal ? ", encoder outputs and input embeddings included" : "") + ") and the sampler's " + num(rows) +
           " rows × vocab " + num(sm.vocab) + " × 34 B (" + gib(sampler) + ")";
  }, "vLLM gpu_model_runner.profile_run and _dummy_sampler_run: the torch peak of the profile");
  out.add("non_torch", e.non_torch_bytes, Basis::rule, [&] {
    return "0.07 GiB + 0.02 GiB × (tp " + num(tp) + " − 1)";
  }, "vLLM memory_profiling non_torch_increase: cuBLAS workspaces, NCCL and all-reduce buffers (0.07 GiB at tp 1, 0.17–0.21 GiB at tp 8 in the corpus logs)");
  if (e.cuda_graph_bytes > 0)
    out.add("cuda_graphs", e.cuda_graph_bytes, Basis::rule, [&] {
      return "0.3 GiB + capture size " + num(capture) + " × h " + num(sm.hidden) + " × 2 B × (3 × dense layers + 9 × MoE layers)" +
             (graphs_inside ? "; subtracted before the KV cache (0.20+)" : "; outside gpu_memory_utilization (before 0.20)");
    }, "Fitted to vLLM's 'Graph capturing finished … took' lines in the corpus (0.67 GiB llava-v1.6-mistral-7b, 3.45 GiB Qwen3-235B tp 8)");
  out.add("kv_cache", e.kv_cache_bytes, Basis::exact, [&] {
    std::string f = num(blocks) + " blocks × " + num(plan.page) + " B per block and layer × group size " + num(plan.group_size);
    if (plan.hybrid_block) f += "; attention blocks of " + num(plan.block) + " tokens so a page holds a Mamba state";
    if (plan.groups > 1) f += "; " + num(plan.groups) + " layer groups draw from one pool";
    return f;
  }, "vLLM kv_cache_utils: num_blocks = available // (page_size × group_size)");

  // The start-up log.
  auto line = [&](std::string text, std::string formula) {
    if (out.explain()) e.log.push_back({std::move(text), std::move(formula)});
  };
  if (!out.explain()) return;
  line("Chunked prefill is enabled with max_num_batched_tokens=" + fixed(mnbt, 0) + ".",
       o.max_num_batched_tokens > 0 ? "as set" : std::string("vLLM's default for ") + (big ? "GPUs of 70 GiB or more" : "this GPU") + " and " + (llm ? "the LLM class" : "vllm serve"));
  line("Model loading took " + gib(e.weights_bytes, minor <= 11 ? 4 : 2) + (minor <= 11 ? "" : " memory"),
       "the weights on this GPU as the checkpoint stores them" + std::string(tp > 1 ? " ÷ tp " + num(tp) : ""));
  if (plan.hybrid_block)
    line("Setting attention block size to " + num(plan.block) + " tokens to ensure that attention page size is >= mamba page size.",
         "16 × cdiv(Mamba state " + num(plan.mamba_page) + " B, 16 × " + num(plan.page / plan.block) + " B per token of the attention layers)");
  if (plan.padding_layers > 0)
    line("Add " + num(plan.padding_layers) + " padding layers, may waste at most " +
             fixed(100 * plan.padding_layers / (plan.groups * plan.group_size), 2) + "% KV cache memory",
         "layer types padded to whole groups of " + num(plan.group_size));
  if (graphs_inside && e.cuda_graph_bytes > 0)
    line("Estimated CUDA graph memory: " + gib(e.cuda_graph_bytes) + " total", "rule: see the cuda_graphs component");
  line("Available KV cache memory: " + gib(std::max(0.0, kv_memory)),
       o.kv_cache_memory > 0 ? std::string("--kv-cache-memory as given")
                             : gib(e.usable_bytes) + " (" + fixed(o.gpu_memory_utilization, 2) + " × " + gib(total) + ") − weights " +
                                   gib(e.weights_bytes) + " − peak " + gib(e.activation_bytes) + " − non-torch " + gib(e.non_torch_bytes) +
                                   (graphs_inside ? " − CUDA graphs " + gib(e.cuda_graph_bytes) : ""));
  line("GPU KV cache size: " + num(e.kv_cache_tokens) + " tokens",
       minor <= 20 ? num(blocks) + " blocks // " + num(plan.groups) + " groups × block " + num(plan.block)
                   : "max concurrency × max_model_len " + num(len));
  line("Maximum concurrency for " + num(len) + " tokens per request: " + fixed(e.max_concurrency, 2) + "x",
       num(blocks) + " blocks ÷ " + num(plan.blocks_per_request) + " blocks per request");
  if (e.cuda_graph_bytes > 0)
    line("Graph capturing finished, took " + gib(e.cuda_graph_bytes), "rule: see the cuda_graphs component");
  if (!e.starts) line("ValueError: " + e.problem, "vLLM refuses to start");
}

}  // namespace memcalc::detail
