// The model as every engine sees it: the generic estimate's weights, and the cache each layer keeps,
// grouped by shape (full, sliding, chunked, MLA, recurrent).
#include <algorithm>
#include <cmath>

#include "engine.hpp"
#include "../mixers.hpp"
#include "../weights.hpp"

namespace memcalc::detail {

namespace {

CacheSpec spec_of(const Scenario& s, const Mixer& x, double tp) {
  CacheSpec c;
  if (x.is_recurrent()) {
    const RecurrentState rs = recurrent_state(x, tp);
    c.kind = CacheSpec::Kind::recurrent;
    c.conv_elems = rs.conv;
    c.ssm_elems = rs.ssm;
    c.ssm_bytes = state_element_bytes(s.inference.state_dtype, s.model, x);
    return c;
  }
  if (x.kind == MixerKind::mla) {
    c.kind = CacheSpec::Kind::mla;
    c.k_elems = x.kv_lora_rank + x.qk_rope_head_dim;
  } else {
    c.kind = x.span == AttentionSpan::full || x.window <= 0 ? CacheSpec::Kind::full
             : x.span == AttentionSpan::sliding           ? CacheSpec::Kind::sliding
                                                          : CacheSpec::Kind::chunked;
    c.window = c.kind == CacheSpec::Kind::full ? 0 : x.window;
    const double g = std::max(1.0, x.kv_heads / tp);
    c.k_elems = g * x.head_dim;
    c.v_elems = g * x.v_head_dim;
  }
  c.index_bytes = indexer_bytes_per_token(x);
  c.index_dim = c.index_bytes > 0 ? x.index_head_dim : 0;
  c.heads = x.heads / tp;
  return c;
}

bool same(const CacheSpec& a, const CacheSpec& b) {
  return a.kind == b.kind && a.window == b.window && a.k_elems == b.k_elems && a.v_elems == b.v_elems &&
         a.index_bytes == b.index_bytes && a.conv_elems == b.conv_elems && a.ssm_elems == b.ssm_elems &&
         a.ssm_bytes == b.ssm_bytes;
}

}  // namespace

double ServingModel::component(const char* id) const {
  const Component* c = find(id);
  return c ? c->bytes : 0;
}

const Component* ServingModel::find(const char* id) const {
  for (const auto& c : generic)
    if (c.id == id) return &c;
  return nullptr;
}

ServingModel serving_model(const Scenario& s, const ModelTensors& t, bool explain) {
  ServingModel sm;
  const ModelConfig& m = s.model;
  sm.tp = s.inference.tp;
  sm.layers = m.num_layers;
  sm.hidden = m.hidden_size;
  sm.vocab = m.vocab_size;
  sm.max_position = m.max_position_embeddings;
  sm.model_bytes = m.dtype_bytes >= 4 ? 4 : 2;
  sm.kv_auto_bytes = kv_element_bytes(s.inference.kv_dtype, m);
  sm.multimodal = !m.encoders.empty() && !s.inference.text_only;

  // Each kind of layer's specs, then each layer's (a layer with a KV mixer and a recurrent one,
  // as Falcon-H1's, counts in both).
  std::vector<std::vector<int>> kind_specs(t.kinds.size());
  for (std::size_t k = 0; k < t.kinds.size(); ++k)
    for (const Mixer& x : t.kind_layer[k]->mixers) {
      if (!x.is_recurrent() && kv_elements_per_token(x, sm.tp) <= 0) continue;  // KV-shared
      const CacheSpec c = spec_of(s, x, sm.tp);
      auto it = std::find_if(sm.specs.begin(), sm.specs.end(), [&](const CacheSpec& o) { return same(o, c); });
      if (it == sm.specs.end()) it = sm.specs.insert(sm.specs.end(), c);
      it->layers += t.kind_count[k];
      kind_specs[k].push_back(static_cast<int>(it - sm.specs.begin()));
      sm.heads = std::max(sm.heads, c.heads);
    }
  if (t.layer_kind)
    for (std::size_t kind : *t.layer_kind) sm.layer_specs.push_back(kind_specs[kind]);

  Breakdown generic(explain);
  add_inference(s, t, generic);
  sm.generic = std::move(generic.components());
  sm.kv_bytes_per_token = generic.kv_bytes_per_token;
  sm.recurrent_state_bytes_per_sequence = generic.recurrent_state_bytes_per_sequence;
  // Serving engines keep norms, routers and (with fewer KV heads than ranks) whole K/V heads on
  // every rank: the weights component says so.
  sm.replicated = replicated_extra_bytes(m, t, s.inference.weight_dtype, sm.tp);
  for (auto& c : sm.generic)
    if (c.id == "weights" && sm.replicated > 0) {
      c.bytes += std::ceil(sm.replicated);
      if (explain) c.formula += "; + " + num(std::ceil(sm.replicated)) + " B kept whole on every rank (norms, routers, K/V heads beyond the KV heads)";
    }
  sm.weights_bytes = sm.component("weights") + sm.component("encoders") + sm.component("mtp_weights");
  return sm;
}

void add_generic(const ServingModel& sm, Breakdown& out, std::initializer_list<const char*> ids) {
  out.kv_bytes_per_token = sm.kv_bytes_per_token;
  out.recurrent_state_bytes_per_sequence = sm.recurrent_state_bytes_per_sequence;
  for (const char* id : ids)
    if (const Component* c = sm.find(id))
      out.add(id, c->bytes, c->basis, [&] { return c->formula; }, c->source.c_str());
}

std::string gib(double bytes, int decimals) { return fixed(bytes / kGiB, decimals) + " GiB"; }
std::string mib(double bytes) { return fixed(bytes / kMiB, 2) + " MiB"; }

}  // namespace memcalc::detail
