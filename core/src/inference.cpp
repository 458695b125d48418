// Inference memory per GPU: the generic estimate (what any engine must hold, nothing engine-specific).
//
// Weights: as the checkpoint stores them (weight_dtype "auto") or in the chosen format, tensor by
//   tensor (weights.cpp); GGUF file types per llama.cpp's quantizer (gguf.cpp). Vision/audio towers
//   are their own component (not loaded with text_only); MTP layers only when asked for.
// KV cache: per layer, its own KV heads and widths (formulas.md §4: 2·g·d·bytes per token and layer;
//   vLLM AttentionSpec), windowed layers holding min(tokens, W), KV-shared layers none, MLA one latent
//   (kv_lora_rank + qk_rope_head_dim, replicated across tp; DeepSeek-V3 model.py). DSA indexer cache:
//   its own line (mixers.cpp). Recurrent state: conv + SSM state per sequence, constant in context
//   (architectures-2026.md §2.3); conv at the KV dtype, SSM at the state dtype.
// Activations: the live tensors of one layer during prefill of the whole context (inference keeps
//   nothing for backward, so only the widest layer step counts), flash attention (no s² scores).
// Peak rule: 1.5–2.5 × the weights (the seed's rule of thumb).
#include <algorithm>
#include <cmath>
#include <map>

#include "breakdown.hpp"
#include "gguf.hpp"
#include "mixers.hpp"
#include "weights.hpp"

namespace memcalc::detail {

namespace {

// Layers grouped by what they cache, for formulas: "12 full-attention layers × 4,096 tokens × 1,024".
struct CacheGroup {
  std::string what;
  double layers = 0;
  double per_token = 0;   // elements per token and layer
  double tokens = 0;      // tokens each layer of the group caches
};

std::string kv_groups_text(const std::vector<CacheGroup>& groups, double e, double b) {
  std::string f;
  for (const auto& g : groups) {
    if (!f.empty()) f += " + ";
    f += num(g.layers) + " " + g.what + " × " + num(g.tokens) + " tokens × " + num(g.per_token);
  }
  return "(" + f + ") elements × " + bytes_per(e) + " × batch " + num(b);
}

}  // namespace

double state_element_bytes(StateDtype d, const ModelConfig& m, const Mixer& x) {
  switch (d) {
    case StateDtype::fp32: return 4;
    case StateDtype::bf16:
    case StateDtype::fp16: return 2;
    case StateDtype::auto_: break;
  }
  if (state_always_fp32(x)) return 4;
  if (m.checkpoint.state_bytes > 0) return m.checkpoint.state_bytes;
  return m.dtype_bytes >= 4 ? 4 : 2;
}

double prefill_activation_bytes(const Scenario& sc, const ModelTensors& t, double tokens, double* widest_out) {
  const ModelConfig& m = sc.model;
  const InferenceConfig& in = sc.inference;
  const double ae = in.weight_dtype == WeightDtype::fp32 || (in.weight_dtype == WeightDtype::auto_ && m.dtype_bytes >= 4) ? 4 : 2;
  const double h = m.hidden_size, tp = in.tp;
  const double per_f = m.mlp == MlpKind::gated ? 3 : 2;  // gate, up, product | up, activation
  double widest = 0;
  for (std::size_t k = 0; k < t.kind_layer.size(); ++k) {
    const Layer& layer = *t.kind_layer[k];
    double mix = 0;
    for (const Mixer& x : layer.mixers) {
      const MixerWidths w = mixer_widths(x);
      mix += (w.in + w.core + w.out) / tp;
    }
    const Ffn& f = layer.ffn;
    const double ffw = f.kind == FfnKind::moe ? f.experts_per_token * f.expert_width + f.shared_experts * f.shared_width
                       : f.kind == FfnKind::dense ? f.width : 0;
    widest = std::max({widest, h + mix, h + per_f * ffw / tp});
  }
  if (widest_out) *widest_out = widest;
  return ae * tokens * (h + widest);
}

KvFigures kv_figures(const ModelTensors& t, double tokens, double tp, double e) {
  KvFigures k;
  for (std::size_t kind = 0; kind < t.kinds.size(); ++kind)
    for (const Mixer& x : t.kind_layer[kind]->mixers) {
      const double n = t.kind_count[kind];
      const double per = kv_elements_per_token(x, tp);
      k.per_token += n * per * e;
      k.per_sequence += n * per * e * cached_tokens(x, tokens);
      const double idx = indexer_bytes_per_token(x);
      k.indexer_per_token += n * idx;
      k.indexer_per_sequence += n * idx * cached_tokens(x, tokens);
    }
  return k;
}

void add_inference(const Scenario& sc, const ModelTensors& t, Breakdown& out) {
  const ModelConfig& m = sc.model;
  const InferenceConfig& in = sc.inference;
  const double tp = in.tp;

  const WeightTally wt = language_model_weights(m, t, in.weight_dtype);
  const double weights = wt.bytes / tp;
  out.add("weights", weights, Basis::exact, [&] {
    const Storage s = storage_of(m, in.weight_dtype);
    std::string f;
    if (m.files.present() && in.weight_dtype == WeightDtype::auto_) {
      f = "the " + num(m.files.tensors) + " tensors of the " + m.files.format + " file(s), as their headers give them";
    } else if (is_gguf(in.weight_dtype)) {
      f = num(wt.bytes) + " B of " + std::string(enum_name(in.weight_dtype)) + " tensors (" +
          num(8 * wt.bytes / (wt.kept16 + wt.quantized > 0 ? wt.kept16 + wt.quantized : count_params(m).total - count_params(m).encoders)) +
          " bits per weight on average)";
    } else if (wt.quantized > 0) {
      f = num(wt.quantized) + " weights in " + storage_name(m, in.weight_dtype) + " + " + num(wt.kept16) + " kept at " +
          bytes_per(in.weight_dtype == WeightDtype::auto_ || s.dense_bytes != 2 ? s.dense_bytes : 2) +
          " (embeddings, output layer, norms, routers" +
          (m.checkpoint.format == WeightFormat::mxfp4 && in.weight_dtype == WeightDtype::auto_ ? ", attention" : "") + ")";
    } else {
      f = num(wt.kept16) + " params × " + bytes_per(s.dense_bytes) + (in.weight_dtype == WeightDtype::auto_ ? " (" + storage_name(m, in.weight_dtype) + ")" : "");
    }
    return f + (tp > 1 ? " ÷ tp " + num(tp) : "") + " = " + num(wt.bytes) + " B" + (tp > 1 ? " in all" : "");
  }, m.files.present() && in.weight_dtype == WeightDtype::auto_ ? "The checkpoint's headers: every tensor's type and shape (GGUF) or data offsets (safetensors)"
     : is_gguf(in.weight_dtype) ? "llama.cpp quantizer per-tensor types (llama_tensor_get_type) and ggml block sizes"
                                : "Stored bytes per tensor and format (weights.cpp; architectures-2026.md §2.6)");

  const bool from_files = m.files.present() && in.weight_dtype == WeightDtype::auto_;
  if (!in.text_only && from_files && m.files.encoders > 0) {
    out.add("encoders", m.files.encoders / tp, Basis::exact, [&] {
      return num(m.files.encoders) + " B of tower tensors in the checkpoint's files" + (tp > 1 ? " ÷ tp " + num(tp) : "");
    }, "The checkpoint's headers");
  } else if (!in.text_only && !t.encoders.empty() && !from_files) {
    const double n = sum_params(t.encoders, 0);
    const double e = m.dtype_bytes >= 4 ? 4 : 2;
    out.add("encoders", n * e / tp, Basis::analytic, [&] {
      std::string f;
      for (const auto& enc : m.encoders) f += (f.empty() ? "" : "; ") + enc.kind + " tower " + enc.formula;
      return num(n) + " params × " + bytes_per(e) + (tp > 1 ? " ÷ tp " + num(tp) : "") + " (" + f + ")";
    }, "Vision tower and projector of the config's vision_config (ViT shapes; not loaded with inference.text_only)");
  }
  if (in.mtp && from_files && m.files.mtp > 0) {
    out.add("mtp_weights", m.files.mtp / tp, Basis::exact, [&] {
      return num(m.files.mtp) + " B of MTP tensors in the checkpoint's files" + (tp > 1 ? " ÷ tp " + num(tp) : "");
    }, "The checkpoint's headers");
  } else if (in.mtp && !t.mtp.empty()) {
    const Storage s = storage_of(m, in.weight_dtype == WeightDtype::auto_ ? WeightDtype::auto_ : WeightDtype::bf16);
    double bytes = 0;
    for (const auto& x : t.mtp) bytes += stored_bytes(x, s, 0);
    out.add("mtp_weights", bytes / tp, Basis::exact, [&] {
      return num(static_cast<double>(m.mtp_layers.size())) + " MTP module(s): " + num(sum_params(t.mtp, 0)) + " params as the checkpoint stores them" +
             (tp > 1 ? " ÷ tp " + num(tp) : "");
    }, "Multi-token-prediction layers, loaded for MTP speculative decoding (vLLM --speculative-config method mtp)");
  }

  // KV cache, per layer.
  const double tokens = in.context_len, b = in.batch_size, e = kv_element_bytes(in.kv_dtype, m);
  const KvFigures kv = kv_figures(t, tokens, tp, e);
  out.kv_bytes_per_token = kv.per_token;
  out.add("kv_cache", kv.per_sequence * b, Basis::exact, [&] {
    std::vector<CacheGroup> groups;
    for (std::size_t kind = 0; kind < t.kinds.size(); ++kind)
      for (const Mixer& x : t.kind_layer[kind]->mixers) {
        const double per = kv_elements_per_token(x, tp);
        if (per <= 0) continue;
        std::string what;
        if (x.kind == MixerKind::mla)
          what = "MLA layers (kv_lora_rank " + num(x.kv_lora_rank) + " + rope " + num(x.qk_rope_head_dim) + ")";
        else
          what = std::string(x.span == AttentionSpan::full ? "full-attention" : x.span == AttentionSpan::sliding ? "sliding-window" : "chunked") +
                 " layers (2 × " + num(std::max(1.0, x.kv_heads / tp)) + " KV heads × " + num(x.head_dim) +
                 (x.v_head_dim != x.head_dim ? "/" + num(x.v_head_dim) : "") + ")";
        if (x.span != AttentionSpan::full) what += ", W " + num(x.window);
        auto it = std::find_if(groups.begin(), groups.end(), [&](const CacheGroup& g) { return g.what == what; });
        if (it == groups.end()) groups.push_back({what, t.kind_count[kind], per, cached_tokens(x, tokens)});
        else it->layers += t.kind_count[kind];
      }
    std::string f = groups.empty() ? std::string("no layer caches keys and values") : kv_groups_text(groups, e, b);
    double shared = 0, recurrent = 0;
    for (std::size_t kind = 0; kind < t.kinds.size(); ++kind)
      for (const Mixer& x : t.kind_layer[kind]->mixers) {
        if (x.kv_shared) shared += t.kind_count[kind];
        if (x.is_recurrent()) recurrent += t.kind_count[kind];
      }
    if (shared > 0) f += "; " + num(shared) + " KV-shared layers store none";
    if (recurrent > 0) f += "; " + num(recurrent) + " recurrent layers keep a fixed state instead";
    if (tp > 1) f += "; KV heads ÷ tp " + num(tp) + " (at least one per GPU), MLA latents replicated";
    return f;
  }, "Per-layer KV: 2·g·d·bytes per token (vLLM AttentionSpec), MLA (kv_lora_rank + qk_rope_head_dim) per token "
     "(DeepSeek-V3 model.py), windowed layers min(tokens, W)");

  if (kv.indexer_per_sequence > 0) {
    out.add("indexer_cache", kv.indexer_per_sequence * b, Basis::exact, [&] {
      return num(kv.indexer_per_token) + " B per token (128 fp8 + 4 B fp32 scale per layer) × " + num(tokens) +
             " tokens × batch " + num(b);
    }, "DeepSeek-V3.2 lightning-indexer key cache (vLLM DeepseekV32IndexerCache: head_dim + head_dim/128 × 4 B)");
  }

  // Recurrent state, per sequence, whatever the context length.
  double conv = 0, ssm = 0, state = 0, recurrent_layers = 0;
  double e_ssm = 0;
  for (std::size_t kind = 0; kind < t.kinds.size(); ++kind)
    for (const Mixer& x : t.kind_layer[kind]->mixers) {
      if (!x.is_recurrent()) continue;
      const double n = t.kind_count[kind];
      const RecurrentState rs = recurrent_state(x, tp);
      e_ssm = state_element_bytes(in.state_dtype, m, x);
      conv += n * rs.conv;
      ssm += n * rs.ssm;
      state += n * (rs.conv * e + rs.ssm * e_ssm);
      recurrent_layers += n;
    }
  out.recurrent_state_bytes_per_sequence = state;
  if (state > 0) {
    out.add("recurrent_state", state * b, Basis::exact, [&] {
      return num(recurrent_layers) + " recurrent layers: (conv " + num(conv / recurrent_layers) + " × " + bytes_per(e) +
             " + state " + num(ssm / recurrent_layers) + " × " + bytes_per(e_ssm) + ") per layer" +
             (tp > 1 ? " (÷ tp " + num(tp) + ")" : "") + " × batch " + num(b) + "; constant in context length";
    }, "Conv + SSM state per sequence (vLLM MambaStateShapeCalculator; architectures-2026.md §2.3)");
  }

  // Prefill activations: the residual stream plus the widest layer step.
  const double ae = in.weight_dtype == WeightDtype::fp32 || (in.weight_dtype == WeightDtype::auto_ && m.dtype_bytes >= 4) ? 4 : 2;
  const double T = tokens * b, h = m.hidden_size;
  double widest = 0;
  const double activations = prefill_activation_bytes(sc, t, T, &widest);
  out.add("activations", activations, Basis::analytic, [&] {
    return bytes_per(ae) + " × " + num(T) + " prefill tokens × (h " + num(h) + " residual + " + num(widest) +
           " elements per token of the widest layer step: its input and the larger of the mixer's projections and the MLP)";
  }, "One layer's live tensors during prefill (flash attention, no stored scores)");

  // Prefill holds the activations of the whole prompt; decode one token per sequence.
  out.set_phases({"prefill", "decode"});
  out.alive("activations", {activations, prefill_activation_bytes(sc, t, b)});

  out.add("io_tokens", 8 * T + 4 * b * m.vocab_size, Basis::exact, [&] {
    return "8 B × " + num(T) + " token ids (int64) + 4 B × batch " + num(b) + " × V " + num(m.vocab_size) +
           " fp32 logits of the sampled position";
  }, "Seed: input/output token storage; PyTorch int64 ids and fp32 sampling logits");
}

}  // namespace memcalc::detail
