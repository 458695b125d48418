// Training memory per GPU.
//
// Model states: Ultra-Scale Playbook ("Memory for weights/grads/optimizer states"): fp32 4+4+8,
//   bf16/fp16 mixed 2+2 + fp32 master 4 + Adam 8, optional fp32 gradients 4 (Nanotron).
//   ZeRO sharding: Rajbhandari et al. 2020, §5 (stage 1 optimizer states incl. master weights,
//   stage 2 also gradients, stage 3 also parameters, each ÷ N_d).
// Optimizer states: Adam/AdamW m and v; SGD none; SGD momentum one buffer; Lion one buffer
//   (Chen et al. 2023); Adafactor factored second moment, rows + cols per matrix, no first moment
//   (Shazeer & Stern 2018, β1 = 0 default); 8-bit AdamW: two 1-byte states with an fp32 absmax per
//   256-element block (bitsandbytes blockwise optimizers, Dettmers et al. 2022).
// Activations, "seed": Korthikanti et al. 2022, Table 2 / Eq. 1–6, × L layers (first pipeline stage).
// Activations, "architecture": the tensors autograd saves per layer for this model's shape.
// Logits: Korthikanti et al. 2022 §4.3, fp32 logits 4·s·b·V/t on the stage with the output layer.
// LoRA: Hu et al. 2021 (r·(d_in + d_out) per adapted matrix); QLoRA: Dettmers et al. 2023
//   (NF4 with double quantization: 4 + 8/64 + 32/(64·256) bits per weight).
#include <algorithm>
#include <cmath>

#include "breakdown.hpp"
#include "mixers.hpp"

namespace memcalc::detail {

namespace {

constexpr double kAdam8bitBytes = 2.0 * (1.0 + 4.0 / 256.0);             // two states + absmax

// One pipeline stage: its layers of each kind (ModelTensors::kinds), the last of them, whether it
// holds the embedding (first stage) or the head, logits and loss (last stage), and how many
// micro-batches it holds in flight at its peak: pp − i under 1F1B (at most the micro-batches there
// are), × (1 + (pp − 1)/(pp·v)) with v interleaved model chunks (Korthikanti et al. 2022 §4.2.3).
struct StageShape {
  std::vector<double> kind_layers;
  std::size_t last_kind = 0;
  double layers = 0;
  bool first = true, last = true;
  double micro = 1;
};

StageShape stage_shape(const ModelTensors& t, const TrainingConfig& tr, double index) {
  const ParallelConfig& par = tr.parallel;
  StageShape st;
  st.kind_layers.assign(t.kinds.size(), 0);
  const std::vector<std::size_t>& kinds = *t.layer_kind;
  const auto per_stage = static_cast<std::size_t>(std::ceil(static_cast<double>(kinds.size()) / par.pp));
  const auto from = static_cast<std::size_t>(index) * per_stage;
  for (std::size_t l = from; l < from + per_stage && l < kinds.size(); ++l) {
    st.kind_layers[kinds[l]] += 1;
    st.last_kind = kinds[l];
    st.layers += 1;
  }
  st.first = index == 0;
  st.last = index == par.pp - 1;
  st.micro = std::min(par.pp - index, std::max(tr.gradient_accumulation_steps, 1.0));
  if (par.virtual_stages > 1 && par.pp > 1) st.micro *= 1 + (par.pp - 1) / (par.pp * par.virtual_stages);
  return st;
}

// Whether LoRA adapts this projection (PEFT target_modules).
bool lora_target(const Tensor& x, const TrainingConfig& tr) {
  if (!x.is_linear()) return false;
  using R = TensorRole;
  auto named = [&](const char* name) {
    return std::find(tr.lora_modules.begin(), tr.lora_modules.end(), name) != tr.lora_modules.end();
  };
  switch (tr.lora_targets) {
    case LoraTargets::all_linear: return true;
    case LoraTargets::attention:
      return x.role == R::attn_q || x.role == R::attn_k || x.role == R::attn_v || x.role == R::attn_o || x.role == R::attn_qkv ||
             x.role == R::attn_q_a || x.role == R::attn_q_b || x.role == R::attn_kv_a || x.role == R::attn_kv_b;
    case LoraTargets::qv:
      return x.role == R::attn_q || x.role == R::attn_v || x.role == R::attn_qkv || x.role == R::attn_q_b || x.role == R::attn_kv_b;
    case LoraTargets::modules:
      return (x.role == R::attn_q && named("q_proj")) || (x.role == R::attn_k && named("k_proj")) ||
             (x.role == R::attn_v && named("v_proj")) || (x.role == R::attn_o && named("o_proj")) ||
             (x.role == R::mlp_gate && named("gate_proj")) || (x.role == R::mlp_up && named("up_proj")) ||
             (x.role == R::mlp_gate_up && (named("gate_proj") || named("up_proj"))) || (x.role == R::mlp_down && named("down_proj")) ||
             (x.role == R::attn_qkv && (named("q_proj") || named("k_proj") || named("v_proj")));
  }
  return false;
}

// What one GPU of a pipeline stage holds, in elements.
struct StageCounts {
  double params = 0;       // all weights on this GPU (after tp, pp and ep)
  double linear = 0;       // of which linear projections (quantized by QLoRA, cast by autocast)
  double lora_dims = 0;    // Σ(rows + cols) over adapted projections, ÷ tp
  double lora_mats = 0;    // number of adapted projections (each gets an A and a B)
  double adafactor = 0;    // factored Adafactor state elements
  double largest = 0;      // the largest single weight matrix (one expert's), what a per-tensor step holds
  double head = 0;         // the output layer's weights (its gradient is the first backward makes)
  double layer = 0;        // the largest layer's weights (what a parameter-offloading step gathers)
};

StageCounts stage_counts(const ModelTensors& t, const StageShape& st, const TrainingConfig& tr) {
  const ParallelConfig& par = tr.parallel;
  StageCounts c;
  auto add_group = [&](const Tensors& ts, double copies) {
    double group = 0;
    for (const auto& x : ts) {
      const double shard = par.tp * (x.routed ? par.ep : 1);
      const double n = x.elements() * copies / shard;
      c.params += n;
      group += x.elements() / shard;
      if (x.is_linear()) c.linear += n;
      if (lora_target(x, tr)) {
        c.lora_dims += (x.rows + x.cols) * x.count * copies / shard;
        c.lora_mats += x.count * copies / (x.routed ? par.ep : 1);
      }
      c.adafactor += (x.is_matrix() ? x.rows + x.cols : x.rows) * x.count * copies / shard;
      c.largest = std::max(c.largest, x.rows * x.cols / par.tp);
    }
    return group;
  };
  if (st.first) {
    add_group(t.embedding, 1);
    add_group(t.encoders, 1);
  }
  for (std::size_t k = 0; k < t.kinds.size(); ++k)
    if (st.kind_layers[k] > 0) c.layer = std::max(c.layer, add_group(t.kinds[k], st.kind_layers[k]) );
  if (st.last) c.head = add_group(t.head, 1);
  return c;
}

bool amp(Precision p) { return p == Precision::amp_bf16 || p == Precision::amp_fp16; }
double weight_bytes(Precision p) { return p == Precision::fp32 || amp(p) ? 4 : 2; }
bool mixed(Precision p) { return p == Precision::bf16_mixed || p == Precision::fp16_mixed; }

// Bytes of optimizer state for `params` trainable elements (`adafactor` factored elements).
double optimizer_bytes(Optimizer o, Precision p, double params, double adafactor) {
  const double state = p == Precision::bf16 ? 2 : 4;  // pure bf16 keeps bf16 states (torchtune)
  switch (o) {
    case Optimizer::adam:
    case Optimizer::adamw: return 2 * state * params;
    case Optimizer::sgd: return 0;
    case Optimizer::sgd_momentum:
    case Optimizer::lion: return state * params;
    case Optimizer::adamw_8bit: return kAdam8bitBytes * params;
    case Optimizer::adafactor: return 4 * adafactor;  // transformers' Adafactor upcasts to fp32 first
  }
  return 0;
}

std::string optimizer_formula(Optimizer o, Precision p, double params, double adafactor) {
  const std::string state = p == Precision::bf16 ? "2 B" : "4 B";
  switch (o) {
    case Optimizer::adam:
    case Optimizer::adamw: return "2 states × " + state + " × " + num(params) + " params";
    case Optimizer::sgd: return "SGD keeps no state";
    case Optimizer::sgd_momentum:
    case Optimizer::lion: return "1 momentum × " + state + " × " + num(params) + " params";
    case Optimizer::adamw_8bit:
      return "2 states × (1 B + 4 B absmax / 256) × " + num(params) + " params";
    case Optimizer::adafactor:
      return "4 B × " + num(adafactor) + " factored elements (rows + cols per matrix)";
  }
  return {};
}

const char* optimizer_source(Optimizer o) {
  switch (o) {
    case Optimizer::adam:
    case Optimizer::adamw: return "Ultra-Scale Playbook, memory for optimizer states (Adam m and v)";
    case Optimizer::sgd: return "PyTorch torch.optim.SGD (momentum 0: no state)";
    case Optimizer::sgd_momentum: return "PyTorch torch.optim.SGD momentum_buffer";
    case Optimizer::lion: return "Chen et al. 2023, Lion: one momentum buffer";
    case Optimizer::adamw_8bit: return "Dettmers et al. 2022, 8-bit optimizers (bitsandbytes blockwise, block 256)";
    case Optimizer::adafactor: return "Shazeer & Stern 2018, Adafactor factored second moment (β1 = 0)";
  }
  return "";
}

// "÷ tp 2 ÷ dp 8 (ZeRO-3)"-style suffixes, shown only where they apply.
std::string divided(double by, const char* what) {
  return by > 1 ? " ÷ " + std::string(what) + " " + num(by) : "";
}

// ---- Activations ----------------------------------------------------------------------------

struct ActivationInputs {
  double s;        // tokens per sequence on this rank (seq_len / cp)
  double s_keys;   // keys each query attends to (the full seq_len)
  double b, h, a, t;
  bool sp;
  double in_flight_layers;  // layers × micro-batches held by the first pipeline stage
};

// Korthikanti et al. 2022 Table 2, per layer, 16-bit activations.
double seed_layer_bytes(const ActivationInputs& x, Recompute r, bool flash) {
  const double sbh = x.s * x.b * x.h;
  const double scores = 5 * x.a * x.s * x.s_keys * x.b / x.t;  // 5as²b/t
  const bool drop_scores = flash || r != Recompute::none;
  if (r == Recompute::full) return x.sp ? 2 * sbh / x.t : 2 * sbh;
  const double linear = x.sp ? 34 * sbh / x.t : sbh * (10 + 24 / x.t);
  return linear + (drop_scores ? 0 : scores);
}

std::string seed_formula_text(const ActivationInputs& x, Recompute r, bool flash) {
  const std::string dims = num(x.s) + "·" + num(x.b) + "·" + num(x.h);
  const std::string n = num(x.in_flight_layers) + " layers × ";
  if (r == Recompute::full) return n + "2·s·b·h" + std::string(x.sp ? "/t" : "") + " = " + n + "2·" + dims + (x.sp ? "/" + num(x.t) : "");
  std::string linear = x.sp ? "34·s·b·h/t" : (x.t > 1 ? "s·b·h·(10 + 24/t)" : "34·s·b·h");
  bool scores = !(flash || r != Recompute::none);
  std::string f = n + "(" + linear + (scores ? " + 5·a·s²·b/t" : "") + ") with s·b·h = " + dims;
  if (scores) f += ", a = " + num(x.a);
  if (x.t > 1) f += ", t = " + num(x.t);
  return f;
}

// Saved-for-backward bytes of one layer, from the model's real shape.
//   fused (activation_formula "architecture"): fused norm kernels (input + fp32 statistics), the
//     attention softmax kept in the activation dtype, K and V with their own KV heads.
//   transformers (activation_formula "transformers"): Hugging Face transformers' eager modules:
//     RMSNorm upcasts to fp32 and keeps the fp32 input and the 16-bit normalized copy (+4 B per
//     element over a fused norm); eager attention of the RMSNorm (Llama-family) models keeps an
//     fp32 softmax beside the 16-bit probabilities; "gelu_new" runs in eager ops that keep 3 more
//     s·b·f tensors. With flash_attention the attention is the flash kernel in both.
struct LayerBytes {
  double saved = 0;       // saved at the end of the forward pass
  double after_core = 0;  // of which saved after the attention core (freed before the core's backward)
  double core = 0;        // the attention core's scores: what recomputing it brings back
};

// What one norm saves for T tokens of width h: its input (e per element) and fp32 statistics per
// token; transformers' eager RMSNorm also its fp32 copy (see above).
double norm_bytes(const ModelConfig& m, double T, double h, double rep, bool hf, double e) {
  const double stats = m.norm == NormKind::layernorm ? 8 : 4;
  return e * T * h * rep + stats * T * rep + (hf && m.norm == NormKind::rmsnorm ? 4 * T * h * rep : 0);
}

LayerBytes arch_layer_bytes(const ModelConfig& m, const ActivationInputs& x, const Layer& layer, Recompute r,
                            bool flash, bool hf, double e) {
  const double T = x.s * x.b;                 // tokens on this rank
  const double rep = x.sp ? 1 / x.t : 1;      // replicated across tp unless sequence parallel
  const double sh = 1 / x.t;                  // sharded across tp
  const double h = x.h;
  LayerBytes out;
  if (r == Recompute::full) {
    out.saved = e * T * h * rep;  // the layer input
    return out;
  }
  const double norm = norm_bytes(m, T, h, rep, hf, e);
  double before = layer.mixers.empty() ? 0 : norm;  // the first norm and the mixers up to their cores
  double after = 0;
  for (const Mixer& mx : layer.mixers) {
    if (mx.is_recurrent()) {
      // Recurrent mixers (GDN, Mamba, KDA, lightning, short conv): the projections' outputs, the conv's
      // input and output, the kernel's output and the output projection's input; the chunked kernels
      // recompute their per-chunk states in backward.
      const MixerWidths w = mixer_widths(mx);
      before += e * T * h * rep + e * T * (w.in + w.core) * sh;
      after += e * T * w.out * sh;
      continue;
    }
    const double a = mx.heads, g = mx.kv_heads;
    double q, k, v, o;
    if (mx.kind == MixerKind::mla) {
      q = a * (mx.qk_nope_head_dim + mx.qk_rope_head_dim);
      k = q;
      v = a * mx.v_head_dim;
      o = v;
      before += e * T * (mx.q_lora_rank + mx.kv_lora_rank) * rep;  // inputs of the up-projections
    } else {
      q = a * mx.head_dim * (mx.output_gate ? 2 : 1);
      k = g * mx.head_dim;
      v = g * mx.v_head_dim;
      o = a * mx.v_head_dim;
    }
    before += e * T * h * rep;              // q/k/v projection input
    before += e * T * (q + k + v) * sh;     // Q, K, V for the attention kernel
    if (!flash) {
      // The scores and what eager attention keeps beside them, all a·s·s_keys·b/t elements (a
      // window only masks them).
      const double s2 = a * x.s * x.s_keys * x.b * sh;
      double core = e * s2;                                      // softmax output
      if (m.attention_dropout) core += s2 + e * s2;              // dropout mask (1 B) and dropout output
      // Unfused attention multiplies with K and V expanded to all query heads (transformers'
      // repeat_kv, Megatron-LM's repeat_interleave): those copies are what its matmuls keep.
      if (mx.kind == MixerKind::attention) core += e * T * (a - g) * (mx.head_dim + mx.v_head_dim) * sh;
      if (hf && m.norm == NormKind::rmsnorm && e < 4)
        core += (4 - e) * s2 + (m.attention_dropout ? 0 : e * s2);  // fp32 softmax + its 16-bit copy
      out.core += core;
      if (r == Recompute::none) before += core;
    } else {
      before += 4 * a * T * sh;             // fp32 log-sum-exp per head and token
    }
    after += e * T * o * sh;                // output projection input
  }
  if (m.hidden_dropout && !layer.mixers.empty()) after += T * h * rep;  // residual dropout mask
  // MLP.
  const Ffn& f = layer.ffn;
  if (f.kind != FfnKind::none) {
    after += norm;
    const double per_f = m.mlp == MlpKind::gated ? 4 : 2;  // gate, up, act, product | act in, act out
    after += e * T * h * rep;               // MLP input
    if (f.kind == FfnKind::moe) {
      const double k_routed = f.experts_per_token;
      after += 4 * T * f.experts * rep;                                    // fp32 router logits
      after += e * k_routed * T * h * sh;                                  // permuted token copies
      after += e * k_routed * T * f.expert_width * per_f * sh;             // routed experts
      after += e * T * f.shared_experts * f.shared_width * per_f * sh;
      // Combining the experts: each output is kept by the multiply with its routing weight and by
      // the scatter-add; int64 token/expert indices; fp32 top-k weights and their sum.
      after += 2 * e * k_routed * T * h * sh + 24 * k_routed * T + 4 * k_routed * T + 4 * T + e * k_routed * T;
    } else {
      after += e * T * f.width * (per_f + (hf && m.gelu_new ? 3 : 0)) * sh;
    }
    if (m.hidden_dropout) after += T * h * rep;
  }
  out.after_core = after;
  out.saved = before + after;
  return out;
}

void add_training_stage(const Scenario& sc, const ModelTensors& t, double index, Breakdown& out) {
  const ModelConfig& m = sc.model;
  const TrainingConfig& tr = sc.training;
  const ParallelConfig& par = tr.parallel;
  const Precision p = tr.precision;
  const StageShape st = stage_shape(t, tr, index);
  const StageCounts c = stage_counts(t, st, tr);

  const double dp = par.dp;
  const double shard_opt = par.zero >= 1 ? dp : 1;
  const double shard_grad = par.zero >= 2 ? dp : 1;
  const double shard_param = par.zero >= 3 ? dp : 1;
  const std::string zero = par.zero > 0 ? " (ZeRO-" + std::to_string(par.zero) + ")" : "";
  auto per_gpu = [&](double shard) { return divided(shard, "dp") + (shard > 1 ? zero : ""); };
  const std::string stage = par.pp > 1 ? " on pipeline stage " + num(index) + " of " + num(par.pp) : "";
  const std::string count_note = " params" + stage + (par.tp > 1 ? " (÷ tp " + num(par.tp) + ")" : "") +
                                 (par.ep > 1 && m.is_moe() ? " (experts ÷ ep " + num(par.ep) + ")" : "");

  const bool lora = tr.finetune != Finetune::full;
  const double trainable = lora ? tr.lora_rank * c.lora_dims : c.params;
  const double trainable_adafactor =
      lora ? c.lora_dims + 2 * tr.lora_rank * c.lora_mats : c.adafactor;
  const double w = weight_bytes(p);

  // Parameters: the whole model, or the frozen base under LoRA/QLoRA.
  if (tr.finetune == Finetune::qlora) {
    const double rest = c.params - c.linear;
    const double bytes = (c.linear * kNf4DqBits / 8 + rest * 2) / shard_param;
    out.add("parameters", bytes, Basis::exact, [&] {
      return num(c.linear) + " linear weights × " + num(kNf4DqBits) + " bits / 8 (NF4 + double quantization) + " +
             num(rest) + " others × 2 B" + per_gpu(shard_param);
    }, "Dettmers et al. 2023, QLoRA §3 (NF4, blocksize 64, double quantization)");
  } else {
    out.add("parameters", w * c.params / shard_param, Basis::exact, [&] {
      return bytes_per(w) + " × " + num(c.params) + count_note + per_gpu(shard_param) + (lora ? " (frozen base)" : "");
    }, "Ultra-Scale Playbook, memory for weights");
  }
  if (lora) {
    const double aw = tr.finetune == Finetune::qlora ? 2 : w;
    out.add("lora_adapters", aw * trainable / shard_param, Basis::exact, [&] {
      return bytes_per(aw) + " × r " + num(tr.lora_rank) + " × " + num(c.lora_dims) +
             " (Σ d_in + d_out over the attention and MLP projections)" + per_gpu(shard_param);
    }, "Hu et al. 2021, LoRA: r·(d_in + d_out) per adapted matrix");
  }
  const double gw = w;
  out.add("gradients", gw * trainable / shard_grad, Basis::exact, [&] {
    return bytes_per(gw) + " × " + num(trainable) + (lora ? " adapter params" : count_note) + per_gpu(shard_grad);
  }, "Ultra-Scale Playbook, memory for gradients");
  if (mixed(p)) {
    out.add("master_weights", 4 * trainable / shard_opt, Basis::exact, [&] {
      return "4 B × " + num(trainable) + " fp32 master copy" + per_gpu(shard_opt);
    }, "Ultra-Scale Playbook, mixed precision (fp32 master weights); ZeRO §5");
  }
  out.add("optimizer_states", optimizer_bytes(tr.optimizer, p, trainable, trainable_adafactor) / shard_opt,
          Basis::exact, [&] {
            return optimizer_formula(tr.optimizer, p, trainable, trainable_adafactor) + per_gpu(shard_opt);
          }, optimizer_source(tr.optimizer));
  if (tr.fp32_grads && mixed(p)) {
    out.add("fp32_gradients", 4 * trainable / shard_grad, Basis::exact, [&] {
      return "4 B × " + num(trainable) + " fp32 gradient copy" + per_gpu(shard_grad);
    }, "Ultra-Scale Playbook, fp32 gradient accumulation (Nanotron)");
  }

  // Activations of this stage: its in-flight micro-batches × its layers.
  ActivationInputs x;
  x.s = tr.seq_len / par.cp;
  x.s_keys = tr.seq_len;
  x.b = tr.batch_size;
  x.h = m.hidden_size;
  x.a = m.num_heads;
  x.t = par.tp;
  x.sp = par.sequence_parallel && par.tp > 1;
  const double micro = st.micro;
  x.in_flight_layers = st.layers * micro;
  // What the layers keep until backward (what offloading can move to the CPU), and beside it at the
  // end of the forward pass (the head's inputs) and at the backward pass's peak (a recomputed layer).
  double act_saved = 0, act_head = 0, act_recomputed = 0;

  if (tr.activation_formula == ActivationFormula::seed) {
    const double bytes = x.in_flight_layers * seed_layer_bytes(x, tr.recompute, tr.flash_attention);
    act_saved = bytes;
    out.activation_formula = "seed";
    out.add("activations", bytes, Basis::analytic, [&] {
      return seed_formula_text(x, tr.recompute, tr.flash_attention);
    }, "Korthikanti et al. 2022, Table 2 (the seed's L·s·b·h·(34 + 5·a·s/h))");
  } else {
    const double e = p == Precision::fp32 ? 4 : 2;
    const bool hf = tr.activation_formula == ActivationFormula::transformers;
    auto layer = [&](std::size_t kind, Recompute r) {
      return arch_layer_bytes(m, x, *t.kind_layer[kind], r, tr.flash_attention, hf, e);
    };
    double bytes = 0;
    for (std::size_t k = 0; k < t.kinds.size(); ++k)
      if (st.kind_layers[k] > 0) bytes += micro * st.kind_layers[k] * layer(k, tr.recompute).saved;
    const double T = x.s * x.b, rep = x.sp ? 1 / x.t : 1;
    // Outside the layers: the embedding dropout mask on the first stage, rotary tables.
    if (m.hidden_dropout && st.first) bytes += T * m.hidden_size * rep;
    if (m.rotary && !m.is_mla() && m.has_attention_layers()) bytes += 2 * x.s * m.head_dim * e;
    // The causal mask of unfused attention in Llama-family code, one for the batch: Megatron-LM's
    // bool mask, which its masked_fill keeps; transformers' additive mask in the activation dtype,
    // which only checkpoints keep (as an input).
    const double mask = (tr.flash_attention || m.norm != NormKind::rmsnorm || m.is_mla() || !m.has_attention_layers()) ? 0
                        : !hf ? x.s * x.s_keys
                        : tr.recompute != Recompute::none ? e * x.s * x.s_keys : 0;
    bytes += mask;
    // The final norm's input and statistics and the output layer's input, on the last stage.
    const double head = st.last ? norm_bytes(m, T, m.hidden_size, rep, hf, e) + e * T * m.hidden_size * rep : 0;
    // Recomputation brings tensors back during the backward pass, after the head's are freed: the
    // peak is the larger of the end of the forward pass and that moment.
    double recomputed = 0;
    if (tr.recompute == Recompute::full) {
      // Backward re-runs the last layer's forward: its activations, less its input (the checkpoint).
      double one = 0;
      for (std::size_t k = 0; k < t.kinds.size(); ++k)
        if (st.kind_layers[k] > 0) one = std::max(one, layer(k, Recompute::none).saved);
      recomputed = one - e * T * m.hidden_size * rep;
    } else if (tr.recompute == Recompute::selective && !tr.flash_attention) {
      // Backward recomputes the last layer's attention core once the rest of that layer is freed.
      const LayerBytes last = layer(st.last_kind, tr.recompute);
      recomputed = last.core - last.after_core;
    }
    act_saved = bytes;
    act_head = head;
    act_recomputed = recomputed;
    bytes += std::max(head, recomputed);
    out.activation_formula = std::string(enum_name(tr.activation_formula));
    out.add("activations", bytes, Basis::analytic, [&] {
      std::string f = num(x.in_flight_layers) + " layers × saved tensors per layer: norms, q/k/v (" +
                      num(m.num_heads) + " heads, " + num(m.num_kv_heads) + " KV heads, head_dim " +
                      num(m.head_dim) + "), " + (m.mlp == MlpKind::gated ? "gated MLP 4·s·b·f" : "MLP 2·s·b·f") +
                      " (f = " + num(m.is_moe() ? m.moe_intermediate_size : m.intermediate_size) + ")";
      if (!(tr.flash_attention || tr.recompute != Recompute::none)) f += ", scores a·s²·b";
      if (m.attention_dropout || m.hidden_dropout) f += ", dropout masks";
      if (tr.recompute == Recompute::full) f = num(x.in_flight_layers) + " layer inputs s·b·h";
      f += "; outside the layers: embedding dropout, rotary tables";
      if (mask > 0) f += ", causal mask";
      if (tr.recompute == Recompute::full) f += "; + the larger of the final norm and output-layer inputs and one recomputed layer";
      else if (tr.recompute == Recompute::selective && !tr.flash_attention)
        f += "; + the larger of the final norm and output-layer inputs and one layer's recomputed scores less the rest of that layer";
      else f += ", final norm and output-layer inputs";
      if (hf) f += "; transformers' eager modules: fp32 RMSNorm copies, fp32 softmax in eager attention, eager gelu_new";
      return f + "; " + num(e) + " B per element, s = " + num(x.s) + ", b = " + num(x.b);
    }, hf ? "Saved tensors of Hugging Face transformers' eager modules for this shape (measured: tests/validation)"
          : "Saved tensors of this architecture (Korthikanti et al. 2022 §4 method)");
  }


  // The loss: what a plain causal-LM loss holds for the logits of s·b tokens. transformers ≥ 4.46
  // ForCausalLMLoss upcasts the logits to fp32 for F.cross_entropy, which saves the fp32
  // log-softmax; the training loop keeps only the loss (Trainer.compute_loss returns it alone), so
  // by backward the logits are gone, and cross_entropy's backward holds the log-softmax, the
  // gradient of the loss and that of the log-softmax input: 3 × 4 = 12 B per logit at the peak
  // (10 B in its forward: the 16-bit logits, their fp32 copy and the log-softmax). A chunked loss
  // (Liger's fused linear cross-entropy) holds one chunk of 2^ceil(log2(s·b / ceil(V / h))) tokens:
  // its logits, their fp32 log-softmax and gradient; and the gradients of the hidden states and of
  // the output layer, which it makes in the forward pass.
  const double T = x.s * x.b, V = m.vocab_size / par.tp;
  const double e_act = p == Precision::fp32 ? 4 : 2;
  double loss_bytes = 0, chunk = 0;
  if (st.last) {
    if (tr.loss == Loss::standard) {
      loss_bytes = 12 * T * V;
    } else {
      chunk = std::pow(2, std::ceil(std::log2(std::max(1.0, T / std::ceil(m.vocab_size / m.hidden_size)))));
      chunk = std::min(chunk, T);
      loss_bytes = (e_act + 4 + 4) * chunk * V + e_act * T * m.hidden_size;
    }
    out.add("logits", loss_bytes, Basis::analytic, [&] {
      if (tr.loss == Loss::standard)
        return "12 B (the fp32 log-softmax and the fp32 gradients of the loss and of the logits) × s " + num(x.s) + " × b " +
               num(x.b) + " × V " + num(m.vocab_size) + divided(par.tp, "tp");
      return "chunks of " + num(chunk) + " tokens: " + num(e_act + 8) + " B × " + num(chunk) + " × V " + num(m.vocab_size) +
             divided(par.tp, "tp") + " (chunk logits, fp32 log-softmax and gradient) + " + bytes_per(e_act) +
             " × s·b·h (the hidden states' gradient)";
    }, tr.loss == Loss::standard ? "transformers ForCausalLMLoss (upcast to fp32, F.cross_entropy); measured in tests/validation"
                                 : "Liger Kernel LigerFusedLinearCrossEntropy (chunk size from V/h), torchtune / Unsloth chunked loss");
  }
  out.add("input_data", 16 * x.s * x.b, Basis::exact, [&] {
    return "8 B × 2 (token ids and labels, int64) × s " + num(x.s) + " × b " + num(x.b);
  }, "PyTorch int64 token ids and labels");

  // Autocast: the 16-bit copies of the weights the matmuls cast and save for backward.
  const double cast = amp(p) && tr.finetune != Finetune::qlora ? 2 * c.linear : 0;
  if (cast > 0)
    out.add("autocast_cache", cast / shard_param, Basis::analytic, [&] {
      return "2 B × " + num(c.linear) + " linear weights cast to 16 bits" + per_gpu(shard_param);
    }, "torch.autocast: the weight cache of the forward pass, saved by each matmul for its backward");

  // The optimizer step's temporaries: torch's foreach AdamW/Adam makes one list as large as the
  // second moments (_multi_tensor_adamw: exp_avg_sq_sqrt); a for-loop step one tensor's worth; fused
  // kernels and 8-bit optimizers none to speak of.
  const double state_bytes = p == Precision::bf16 ? 2 : 4;
  const double largest = lora ? 0 : c.largest;
  const bool per_tensor = tr.optimizer_impl == OptimizerImpl::for_loop || tr.optimizer == Optimizer::lion ||
                          tr.optimizer == Optimizer::adafactor || tr.optimizer == Optimizer::adamw_8bit || tr.optimizer_in_backward;
  double temporaries = 0;
  if (tr.optimizer == Optimizer::adam || tr.optimizer == Optimizer::adamw) {
    if (tr.optimizer_impl == OptimizerImpl::foreach && !tr.optimizer_in_backward) temporaries = state_bytes * trainable / shard_opt;
    else if (per_tensor) temporaries = 2 * state_bytes * (lora ? 0 : largest);  // sqrt(v), then ÷ its bias correction
  } else if (tr.optimizer == Optimizer::adafactor || tr.optimizer == Optimizer::lion || tr.optimizer == Optimizer::adamw_8bit) {
    // Adafactor: the update and squared gradient; 8-bit AdamW (torchao low_bit_optim
    // single_param_adam): the stepped tensor's gradient and both moments dequantized to fp32.
    temporaries = (tr.optimizer == Optimizer::lion ? 1 : 3) * 4 * largest;
  }
  if (temporaries > 0)
    out.add("optimizer_temporaries", temporaries, Basis::analytic, [&] {
      if (tr.optimizer_impl == OptimizerImpl::foreach && !per_tensor)
        return bytes_per(state_bytes) + " × " + num(trainable) + " (one list the size of the second moments)" + per_gpu(shard_opt);
      return std::string(tr.optimizer == Optimizer::adafactor || tr.optimizer == Optimizer::adamw_8bit ? "3 × 4 B"
                         : tr.optimizer == Optimizer::lion                                          ? "4 B"
                         : state_bytes == 4                                                         ? "2 × 4 B"
                                                                                                    : "2 × 2 B") +
             " × " + num(largest) +
             " (the largest tensor, stepped one at a time)";
    }, "PyTorch torch.optim _multi_tensor_adamw / _single_tensor_adamw; transformers Adafactor; torchao AdamW8bit");

  // What is alive in each phase.
  const bool ga = tr.gradient_accumulation_steps > 1;
  const bool offload_opt = tr.offload != Offload::none;
  const bool offload_params = tr.offload == Offload::optimizer_and_params;
  auto bytes_of = [&](const char* id) {
    for (const auto& comp : out.components())
      if (comp.id == id) return comp.bytes;
    return 0.0;
  };
  const double P = bytes_of("parameters");  // QLoRA: the quantized base
  const double G = bytes_of("gradients"), M = bytes_of("master_weights"), O = bytes_of("optimizer_states"),
               F = bytes_of("fp32_gradients");
  // Gradients: none in the forward pass (zero_grad(set_to_none=True)) unless accumulated over
  // micro-batches; in backward's first moment the output layer's; all of them at the step. Stepping
  // in backward keeps one tensor's at a time.
  const double g_elem = G / std::max(1.0, trainable);
  const double g_head = lora ? 0 : g_elem * c.head / shard_grad;
  const double g_live = tr.optimizer_in_backward ? g_elem * (lora ? 0 : largest) : G;
  // The saved activations' share on the GPU when they wait in CPU memory: the layer computing and the
  // next; the head's inputs and a recomputed layer stay.
  const double act_gpu = tr.activation_offload ? std::min(1.0, 2 / std::max(1.0, x.in_flight_layers)) : 1;
  const double act_fwd = act_saved * act_gpu + act_head, act_bwd = act_saved * act_gpu + act_recomputed;
  const double p_gpu = offload_params ? std::min(P, 2 * w * c.layer / shard_param) : P;
  out.set_phases({"forward", "loss", "backward", "optimizer_step"});
  // Backward's peak is at its start (the activations, the output layer's gradient) or at its end
  // (every gradient, the activations freed), whichever holds more: in between one shrinks as the
  // other grows. The step holds the gradients and its temporaries.
  const double g_loss = tr.loss == Loss::chunked ? g_head : 0;  // a chunked loss makes it in the forward pass
  const double g_bwd_end = ga ? G : g_live;
  const bool at_start = act_bwd + cast / shard_param + (ga ? G : g_head) >= g_bwd_end;
  out.alive("parameters", {p_gpu, p_gpu, p_gpu, p_gpu});
  out.alive("gradients", {ga ? G : 0, ga ? G : g_loss, at_start ? (ga ? G : g_head) : g_bwd_end,
                          offload_opt || tr.optimizer_in_backward ? 0 : g_live});
  for (const char* id : {"master_weights", "optimizer_states", "fp32_gradients"}) {
    const double b = offload_opt ? 0 : bytes_of(id);
    out.alive(id, {b, b, b, b});
  }
  out.alive("activations", {act_fwd, act_fwd, at_start ? act_bwd : 0, 0});
  out.alive("logits", {0, loss_bytes, 0, 0});
  out.alive("autocast_cache", {cast / shard_param, cast / shard_param, at_start ? cast / shard_param : 0, 0});
  out.alive("optimizer_temporaries", {0, 0, tr.optimizer_in_backward ? temporaries : 0,
                                      offload_opt || tr.optimizer_in_backward ? 0 : temporaries});
  // CPU memory: what offloading moves there.
  if (offload_opt) out.host_bytes += M + O + F + 4 * trainable / shard_grad + temporaries;
  if (offload_params) out.host_bytes += P;
  if (tr.activation_offload) out.host_bytes += act_saved * (1 - act_gpu);
}

}  // namespace

void add_training(const Scenario& sc, const ModelTensors& t, Breakdown& out) {
  const double pp = sc.training.parallel.pp;
  if (pp == 1) return add_training_stage(sc, t, 0, out);
  // Pipeline parallelism: the first stage (embedding, the most micro-batches in flight), one middle
  // stage for all of them, the last (head, logits, loss). The breakdown is of the most loaded.
  std::vector<double> stages = {0};
  if (pp > 2) stages.push_back(1);
  stages.push_back(pp - 1);
  double worst = -1, worst_stage = 0;
  for (double i : stages) {
    Breakdown b(false);
    add_training_stage(sc, t, i, b);
    b.add("overhead", sc.overhead_bytes, Basis::rule, [] { return std::string(); }, "");
    std::size_t at = 0;
    const double peak = b.peak(&at);
    Rank r;
    r.id = i == 1 && pp > 2 ? "pp_stage_1.." + num(pp - 2) : "pp_stage_" + num(i);
    r.total_bytes = peak;
    r.peak_phase = b.phase_ids()[at];
    for (const auto& comp : b.components()) r.components.emplace_back(comp.id, comp.bytes);
    out.ranks.push_back(std::move(r));
    if (peak > worst) {
      worst = peak;
      worst_stage = i;
    }
  }
  add_training_stage(sc, t, worst_stage, out);
}

}  // namespace memcalc::detail
