// llama.cpp (llama-server, and what Ollama and LM Studio run) at start-up:
//
//   n_ctx      = -c (0: the training context) padded to 256; without a unified cache each of the
//                -np sequences gets its own stream of pad(n_ctx / np, 256) cells (llama-context.cpp)
//   KV         = per layer: streams × cells × (row(type_k, K width) + row(type_v, V width)), rows of
//                the ggml block types (q8_0 34 B per 32, q4_0 18 B per 32, ...); sliding-window layers
//                pad(min(cells, n_swa × (unified ? np : 1) + n_ubatch), 256) cells unless --swa-full;
//                MLA one latent row (kv_lora_rank + rope, no V); the DSA indexer its own f16 keys
//                (llama-kv-cache.cpp, llama-kv-cache-iswa.cpp)
//   recurrent  = per recurrent layer: max(1, np) × (conv + state) × 4 B, f32 whatever the cache types
//                (llama-memory-recurrent.cpp)
//   placement  = -ngl N puts the last N layers on the GPUs, the output layer too when N > n_layer; the
//                input embedding stays on the CPU; layers go to GPUs by -ts shares (or equal shares of
//                free memory), layer il to the first GPU whose cumulative share exceeds il / slots
//                (llama-model.cpp load_tensors); --n-cpu-moe N keeps the first N layers' experts on the CPU
//   compute    = per GPU, the larger of the layer step at n_ubatch tokens in f32 (with the f32 K·Q scores
//                of n_kv × n_ubatch × heads without flash attention) and, on the GPU with the output
//                layer, the logits n_vocab × n_ubatch × 4 B; the host buffer holds the f32 mask and inputs,
//                4 B × n_ubatch × (n_kv + n_kv_swa + 2·n_embd) (graph_reserve; checked on the corpus logs)
//   output     = n_vocab × np × 4 B on the host (output_reserve)
#include <algorithm>
#include <cmath>

#include "engine.hpp"
#include "../weights.hpp"

namespace memcalc::detail {

namespace {

// Bytes per element of a cache type (ggml block size ÷ 32 for the quantized ones).
double cache_type_bytes(const std::string& t) {
  if (t == "f32") return 4;
  if (t == "q8_0") return 34.0 / 32;
  if (t == "q5_1") return 24.0 / 32;
  if (t == "q5_0") return 22.0 / 32;
  if (t == "q4_1") return 20.0 / 32;
  if (t == "q4_0" || t == "iq4_nl") return 18.0 / 32;
  return 2;  // f16, bf16
}

double pad256(double n) { return std::ceil(n / 256) * 256; }

struct Device {
  std::string name;
  double layers = 0;
  bool output = false;
  double weights = 0, kv = 0, state = 0, compute = 0;
  double n_kv = 0;       // the largest cache a layer here attends over
  double total() const { return weights + kv + state + compute; }
};

struct Placement {
  std::vector<Device> gpus;
  Device cpu;
  double host_compute = 0, output_buffer = 0;
  double n_ctx = 0, n_ctx_seq = 0, streams = 1, n_ubatch = 0, n_batch = 0, swa_cells = 0, full_cells = 0;
  double kv_k = 0, kv_v = 0, kv_index = 0, rs_conv = 0, rs_ssm = 0, kv_layers = 0, swa_layers = 0;
  bool flash = true;
  std::string type_k, type_v;
};

Placement place(const Scenario& s, const ModelTensors& t, const ServingModel& sm, const WeightSplit& split,
                double n_ctx_asked, double ngl_asked) {
  const EngineOptions& o = s.inference.engine;
  Placement p;
  const double n_layer = sm.layers;
  const double n_seq = o.n_parallel;
  const bool unified = o.kv_unified || n_seq == 1;
  p.n_ctx = pad256(n_ctx_asked > 0 ? n_ctx_asked : sm.max_position);
  if (unified) {
    p.n_ctx_seq = p.n_ctx;
  } else {
    p.n_ctx_seq = pad256(std::floor(p.n_ctx / n_seq));
    p.streams = n_seq;
    p.n_ctx = p.n_ctx_seq * n_seq;
  }
  p.n_batch = std::min(p.n_ctx, o.n_batch);
  p.n_ubatch = std::min(p.n_batch, o.n_ubatch);
  p.type_k = engine_choice(Engine::llamacpp, "cache_type_k", o.cache_type_k);
  p.type_v = engine_choice(Engine::llamacpp, "cache_type_v", o.cache_type_v);
  p.flash = engine_choice(Engine::llamacpp, "flash_attn", o.flash_attn) != "off";
  const double kb = cache_type_bytes(p.type_k), vb = cache_type_bytes(p.type_v);

  const bool hybrid = std::any_of(sm.specs.begin(), sm.specs.end(), [](const CacheSpec& c) { return !c.holds_kv(); });
  p.full_cells = hybrid ? p.n_ctx : p.n_ctx_seq;  // hybrid memory sizes its attention part by n_ctx
  double window = 0;
  for (const auto& c : sm.specs) if (c.windowed()) window = std::max(window, c.window);
  p.swa_cells = o.swa_full ? p.full_cells : pad256(std::min(p.full_cells, window * (unified ? n_seq : 1) + p.n_ubatch));

  // Devices and their shares.
  const double ngl = ngl_asked < 0 ? 999 : ngl_asked;
  const int count = ngl > 0 ? static_cast<int>(s.gpu.count) : 0;
  for (int i = 0; i < count; ++i) p.gpus.push_back({"CUDA" + std::to_string(i)});
  p.cpu.name = "CPU";
  std::vector<double> cumulative;
  double sum = 0;
  for (int i = 0; i < count; ++i) {
    sum += o.tensor_split.empty() ? 1 : (i < static_cast<int>(o.tensor_split.size()) ? o.tensor_split[static_cast<std::size_t>(i)] : 0);
    cumulative.push_back(sum);
  }
  for (auto& c : cumulative) c /= sum > 0 ? sum : 1;
  const double start = std::max(n_layer - ngl, 0.0);
  const double active = count > 0 ? std::min(ngl, n_layer + 1) : 0;
  auto device_of = [&](double il) -> Device& {
    if (il < start || il - start >= active) return p.cpu;
    const double x = (il - start) / active;
    for (int i = 0; i < count; ++i)
      if (cumulative[static_cast<std::size_t>(i)] > x) return p.gpus[static_cast<std::size_t>(i)];
    return p.gpus.back();
  };

  p.cpu.weights += split.input;  // the input embedding stays on the CPU
  for (std::size_t il = 0; il < sm.layer_specs.size() && il < split.layers.size(); ++il) {
    Device& d = device_of(static_cast<double>(il));
    d.layers += 1;
    const LayerBytes& w = split.layers[il];
    const bool experts_on_cpu = static_cast<double>(il) < o.n_cpu_moe;
    d.weights += w.total - (experts_on_cpu ? w.experts : 0);
    if (experts_on_cpu) p.cpu.weights += w.experts;
    for (int spec : sm.layer_specs[il]) {
    const CacheSpec& c = sm.specs[static_cast<std::size_t>(spec)];
    if (c.holds_kv()) {
      const double cells = c.windowed() ? p.swa_cells : p.full_cells;
      const double k = p.streams * cells * c.k_elems * kb, v = p.streams * cells * c.v_elems * vb;
      const double idx = p.streams * cells * c.index_dim * 2;
      d.kv += k + v + idx;
      d.n_kv = std::max(d.n_kv, cells);
      p.kv_k += k;
      p.kv_v += v;
      p.kv_index += idx;
      (c.windowed() ? p.swa_layers : p.kv_layers) += 1;
    } else {
      const double cells = std::max(1.0, n_seq);
      d.state += cells * (c.conv_elems + c.ssm_elems) * 4;
      p.rs_conv += cells * c.conv_elems * 4;
      p.rs_ssm += cells * c.ssm_elems * 4;
    }
    }
  }
  Device& out_dev = device_of(n_layer);
  out_dev.weights += split.output;
  out_dev.output = true;

  // Compute buffers.
  Scenario one = s;
  one.inference.tp = 1;
  const double layer_step = prefill_activation_bytes(one, t, p.n_ubatch) * (4 / sm.model_bytes);
  const double logits = sm.vocab * p.n_ubatch * 4;
  for (auto& d : p.gpus) {
    const double kq = p.flash ? 0 : d.n_kv * p.n_ubatch * sm.heads * 4;
    d.compute = std::max(d.layers > 0 ? layer_step + kq : 0, d.output ? logits : 0);
  }
  p.output_buffer = sm.vocab * std::max(1.0, n_seq) * 4;
  const double n_kv_swa = p.swa_layers > 0 ? p.swa_cells : 0;
  if (p.gpus.empty()) {
    const double kq = p.flash ? 0 : p.full_cells * p.n_ubatch * sm.heads * 4;
    p.cpu.compute = std::max(layer_step + kq, logits);
  } else {
    p.host_compute = 4 * p.n_ubatch * ((p.kv_layers > 0 ? p.full_cells : 0) + n_kv_swa + 2 * sm.hidden);
    if (p.cpu.layers > 0 || p.cpu.output) p.host_compute += std::max(layer_step, p.cpu.output ? logits : 0);
  }
  return p;
}

}  // namespace

void add_llamacpp(const Scenario& s0, const ModelTensors& t, Breakdown& out) {
  const EngineOptions& o = s0.inference.engine;
  Scenario s = s0;
  s.inference.tp = 1;  // llama.cpp splits layers, not tensors
  const ServingModel sm = serving_model(s, t, out.explain());
  const WeightSplit split = weight_split(s.model, t, s.inference.weight_dtype);
  const Placement p = place(s, t, sm, split, o.n_ctx, o.n_gpu_layers);
  EngineFigures& e = out.engine;
  e.name = "llamacpp";
  e.version = engine_defaults_version(Engine::llamacpp);
  const double free_per_gpu = s.gpu.usable() - s.overhead_bytes;

  // The GPU that holds the most speaks for "per GPU"; the table lists them all.
  const Device* busiest = nullptr;
  for (const auto& d : p.gpus)
    if (!busiest || d.total() > busiest->total()) busiest = &d;
  const Device none;
  const Device& g = busiest ? *busiest : none;
  e.weights_bytes = g.weights;
  e.kv_cache_bytes = g.kv;
  e.recurrent_state_bytes = g.state;
  e.compute_buffer_bytes = g.compute;
  e.activation_bytes = g.compute;
  e.kv_cache_tokens = p.n_ctx_seq * p.streams;
  e.max_model_len = p.n_ctx_seq;
  e.max_num_seqs = o.n_parallel;
  e.max_concurrency = o.n_parallel;
  e.max_num_batched_tokens = p.n_ubatch;
  e.usable_bytes = free_per_gpu;
  e.host_bytes = p.cpu.weights + p.cpu.kv + p.cpu.state + p.cpu.compute + p.output_buffer + p.host_compute;
  out.host_bytes = e.host_bytes;
  for (const auto& d : p.gpus) e.devices.push_back({d.name, d.layers, d.output, d.weights, d.kv, d.state, d.compute});
  e.devices.push_back({"CPU", p.cpu.layers, p.cpu.output, p.cpu.weights, p.cpu.kv, p.cpu.state,
                       p.cpu.compute + p.host_compute + p.output_buffer});

  const bool quantized_v = cache_type_bytes(p.type_v) < 2;
  auto fits = [&](const Placement& q) {
    for (const auto& d : q.gpus)
      if (d.total() > free_per_gpu) return false;
    return true;
  };
  if (quantized_v && !p.flash) {
    e.starts = false;
    e.problem = "llama_init_from_model: V cache quantization requires flash_attn";
  } else if (!fits(p)) {
    e.starts = false;
    for (const auto& d : p.gpus)
      if (d.total() > free_per_gpu) {
        e.problem = "ggml_backend_cuda_buffer_type_alloc_buffer: allocating " + mib(d.total()) + " on device " + d.name.substr(4) +
                    ": cudaMalloc failed: out of memory (" + mib(free_per_gpu) + " free after the CUDA context)";
        break;
      }
  }
  // Inverse answers (for the full estimate, not for searches): the longest context and the most
  // offloaded layers that fit.
  if (!p.gpus.empty() && out.explain()) {
    double lo = 0, hi = std::max(sm.max_position, p.n_ctx) + 256;
    while (hi - lo > 256) {
      const double mid = pad256(std::floor((lo + hi) / 2 / 256) * 256);
      (fits(place(s, t, sm, split, mid, o.n_gpu_layers)) ? lo : hi) = mid;
    }
    e.limit_max_model_len = lo > 0 ? lo : -1;
    e.limit_n_gpu_layers = -1;
    for (double n = sm.layers + 1; n >= 0; --n)
      if (fits(place(s, t, sm, split, o.n_ctx, n))) {
        e.limit_n_gpu_layers = n;
        break;
      }
  }
  e.limit_max_concurrency = o.n_parallel;

  const std::string where = p.gpus.size() > 1 ? " on " + g.name + ", the fullest of " + num(static_cast<double>(p.gpus.size())) + " GPUs" : "";
  out.add("weights", g.weights, Basis::exact, [&] {
    return num(g.layers) + " of " + num(sm.layers) + " layers" + (g.output ? " and the output layer" : "") + where +
           "; the input embedding stays on the CPU (" + mib(split.input) + ")";
  }, "llama.cpp load_tensors: -ngl, -ts, per-tensor GGUF types");
  if (g.kv > 0)
    out.add("kv_cache", g.kv, Basis::exact, [&] {
      return num(p.streams) + " stream(s) × " + num(p.full_cells) + " cells" +
             (p.swa_layers > 0 ? " (" + num(p.swa_cells) + " on sliding-window layers)" : "") + " × K " + p.type_k + " + V " + p.type_v +
             " rows of the layers" + where;
    }, "llama.cpp llama_kv_cache: per layer n_stream × kv_size × (row(type_k) + row(type_v))");
  if (g.state > 0)
    out.add("recurrent_state", g.state, Basis::exact, [&] {
      return "max(1, np " + num(o.n_parallel) + ") × (conv + state) of the recurrent layers × 4 B (f32)" + where;
    }, "llama.cpp llama_memory_recurrent: R and S in f32");
  out.add("activations", g.compute, Basis::analytic, [&] {
    return std::string("compute buffer: the larger of the layer step at n_ubatch ") + num(p.n_ubatch) + " tokens in f32" +
           (p.flash ? "" : " with K·Q scores n_kv × n_ubatch × heads × 4 B (no flash attention)") +
           (g.output ? " and the logits n_vocab × n_ubatch × 4 B" : "") + where;
  }, "llama.cpp graph_reserve: the worst-case graph's live tensors per backend (checked on the corpus logs)");

  if (!out.explain()) return;
  auto line = [&](std::string text, std::string formula) { e.log.push_back({std::move(text), std::move(formula)}); };
  double gpu_layers = 0;
  for (const auto& d : p.gpus) gpu_layers += d.layers;
  const bool output_gpu = !p.gpus.empty() && !p.cpu.output;
  line("load_tensors: offloading " + num(gpu_layers) + " repeating layers to GPU", "-ngl " + (o.n_gpu_layers < 0 ? std::string("all") : num(o.n_gpu_layers)));
  if (output_gpu) line("load_tensors: offloading output layer to GPU", "-ngl above n_layer " + num(sm.layers));
  line("load_tensors: offloaded " + num(gpu_layers + (output_gpu ? 1 : 0)) + "/" + num(sm.layers + 1) + " layers to GPU", "");
  line("load_tensors:   CPU_Mapped model buffer size = " + mib(p.cpu.weights), "the input embedding" + std::string(p.cpu.layers > 0 ? " and the layers left on the CPU" : "") +
       (o.n_cpu_moe > 0 ? ", the experts of the first " + num(o.n_cpu_moe) + " layers" : ""));
  for (const auto& d : p.gpus) line("load_tensors: " + d.name + " model buffer size = " + mib(d.weights), num(d.layers) + " layers" + (d.output ? " + output" : ""));
  line("llama_context: n_ctx = " + fixed(p.n_ctx, 0) + ", n_ctx_seq = " + fixed(p.n_ctx_seq, 0) + ", n_batch = " + fixed(p.n_batch, 0) +
           ", n_ubatch = " + fixed(p.n_ubatch, 0) + ", flash_attn = " + (p.flash ? "enabled" : "disabled"),
       "-c padded to 256" + std::string(p.streams > 1 ? ", one stream per sequence" : ""));
  line("llama_context:  CUDA_Host  output buffer size = " + mib(p.output_buffer), "n_vocab × " + num(o.n_parallel) + " sequences × 4 B");
  if (p.swa_layers > 0) {
    line("llama_kv_cache_iswa: creating non-SWA KV cache, size = " + fixed(p.full_cells, 0) + " cells", "");
    line("llama_kv_cache_iswa: creating     SWA KV cache, size = " + fixed(p.swa_cells, 0) + " cells",
         o.swa_full ? std::string("--swa-full") : "pad(min(n_ctx, n_swa × seqs + n_ubatch), 256)");
  }
  for (const auto& d : p.gpus)
    if (d.kv > 0) line("llama_kv_cache: " + d.name + " KV buffer size = " + mib(d.kv), "");
  if (p.cpu.kv > 0) line("llama_kv_cache:        CPU KV buffer size = " + mib(p.cpu.kv), "layers left on the CPU");
  if (p.kv_k + p.kv_v > 0)
    line("llama_kv_cache: size = " + mib(p.kv_k + p.kv_v) + " (" + fixed(p.full_cells, 0) + " cells, " + fixed(p.kv_layers + p.swa_layers, 0) + " layers, " +
             fixed(o.n_parallel, 0) + "/" + fixed(p.streams, 0) + " seqs), K (" + p.type_k + "): " + mib(p.kv_k) + ", V (" + p.type_v + "): " + mib(p.kv_v),
         "per layer: streams × cells × width × bytes per element of the type");
  if (p.kv_index > 0) line("llama_kv_cache_dsa: indexer KV cache size = " + mib(p.kv_index), "indexer keys in f16");
  if (p.rs_conv + p.rs_ssm > 0)
    line("llama_memory_recurrent: size = " + mib(p.rs_conv + p.rs_ssm) + " (" + fixed(std::max(1.0, o.n_parallel), 0) + " cells, " + fixed(sm.layers, 0) +
             " layers, " + fixed(o.n_parallel, 0) + " seqs), R (f32): " + mib(p.rs_conv) + ", S (f32): " + mib(p.rs_ssm),
         "conv and recurrent state per sequence, always f32");
  for (const auto& d : p.gpus) line("sched_reserve: " + d.name + " compute buffer size = " + mib(d.compute), "");
  if (!p.gpus.empty()) line("sched_reserve:  CUDA_Host compute buffer size = " + mib(p.host_compute), "4 B × n_ubatch × (n_kv + n_kv_swa + 2 × n_embd)");
  if (!e.starts) line(e.problem, "");
}

}  // namespace memcalc::detail
