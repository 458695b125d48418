// The checkpoints the reader tests write: GGUF (dense with K-quants, MoE, MLA, hybrid, F16/BF16, a
// split pair) and safetensors (BF16 with its config, two shards with an index, FP8 with block scales,
// MXFP4 experts). Each knows the bytes its tensors hold, to check the readers against.
#pragma once

#include <string>
#include <vector>

#include "checkpoint_writer.hpp"

namespace memcalc::testing {

struct Fixture {
  std::string name;
  struct File {
    std::string name;
    std::string bytes;   // what is written (headers and, for small files, zero data)
    double size;         // the file's size (larger than bytes: a sparse tail)
  };
  std::vector<File> files;
  double tensor_bytes = 0;  // Σ of every tensor's bytes
};

enum : unsigned { F32 = 0, F16 = 1, Q4_0 = 2, Q8_0 = 8, Q4_K = 12, Q5_K = 13, Q6_K = 14, BF16 = 30, MXFP4 = 39 };

inline Fixture gguf_fixture(const std::string& name, const std::string& file, std::vector<std::pair<std::string, MetaValue>> meta,
                            const std::vector<GgufTensorSpec>& tensors, bool sparse = false) {
  const GgufFile g = gguf_file(meta, tensors);
  Fixture f{name, {}, g.tensor_bytes};
  std::string bytes = g.header;
  if (!sparse) bytes.append(static_cast<std::size_t>(g.data_bytes), '\0');
  f.files.push_back({file, bytes, g.size()});
  return f;
}

// A llama-style decoder in GGUF: h 256, 8 heads, 2 KV heads of 32, MLP 512, vocabulary 1,000.
inline std::vector<GgufTensorSpec> llama_tensors(unsigned weight, unsigned sensitive, std::uint64_t layers, bool output = true,
                                                 std::uint64_t first = 0) {
  std::vector<GgufTensorSpec> t;
  if (first == 0) t.push_back({"token_embd.weight", {256, 1000}, weight});
  for (std::uint64_t i = first; i < first + layers; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    t.push_back({b + "attn_norm.weight", {256}, F32});
    t.push_back({b + "attn_q.weight", {256, 256}, weight});
    t.push_back({b + "attn_k.weight", {256, 64}, weight});
    t.push_back({b + "attn_v.weight", {256, 64}, sensitive});
    t.push_back({b + "attn_output.weight", {256, 256}, weight});
    t.push_back({b + "ffn_norm.weight", {256}, F32});
    t.push_back({b + "ffn_gate.weight", {256, 512}, weight});
    t.push_back({b + "ffn_up.weight", {256, 512}, weight});
    t.push_back({b + "ffn_down.weight", {512, 256}, sensitive});
  }
  if (output) {
    t.push_back({"output_norm.weight", {256}, F32});
    t.push_back({"output.weight", {256, 1000}, sensitive});
  }
  return t;
}

inline std::vector<std::pair<std::string, MetaValue>> llama_meta(const std::string& arch = "llama") {
  return {{"general.architecture", arch},
          {"general.name", std::string("memcalc test ") + arch},
          {arch + ".block_count", std::uint32_t{2}},
          {arch + ".context_length", std::uint32_t{4096}},
          {arch + ".embedding_length", std::uint32_t{256}},
          {arch + ".feed_forward_length", std::uint32_t{512}},
          {arch + ".attention.head_count", std::uint32_t{8}},
          {arch + ".attention.head_count_kv", std::uint32_t{2}},
          {arch + ".attention.key_length", std::uint32_t{32}},
          {arch + ".attention.value_length", std::uint32_t{32}},
          {arch + ".vocab_size", std::uint32_t{1000}},
          {"tokenizer.ggml.model", std::string("gpt2")}};
}

inline std::vector<Fixture> fixtures() {
  std::vector<Fixture> all;
  all.push_back(gguf_fixture("gguf-llama-q4_k", "llama-q4_k_m.gguf", llama_meta(), llama_tensors(Q4_K, Q6_K, 2)));
  all.push_back(gguf_fixture("gguf-llama-bf16", "llama-bf16.gguf", llama_meta(), llama_tensors(BF16, BF16, 2)));
  all.push_back(gguf_fixture("gguf-llama-f16-q8_0", "llama-f16.gguf", llama_meta(), llama_tensors(F16, Q8_0, 2)));

  // Split in two files: metadata in the first, layer 1 and the head in the second.
  {
    auto meta = llama_meta();
    meta.push_back({"split.no", std::uint32_t{0}});
    meta.push_back({"split.count", std::uint32_t{2}});
    const GgufFile a = gguf_file(meta, llama_tensors(Q4_K, Q6_K, 1));
    const GgufFile b = gguf_file({{"split.no", std::uint32_t{1}}, {"split.count", std::uint32_t{2}}},
                                 llama_tensors(Q4_K, Q6_K, 1, true, 1));
    Fixture f{"gguf-llama-split", {}, a.tensor_bytes + b.tensor_bytes};
    f.files.push_back({"llama-00001-of-00002.gguf", a.header + std::string(static_cast<std::size_t>(a.data_bytes), '\0'), a.size()});
    f.files.push_back({"llama-00002-of-00002.gguf", b.header + std::string(static_cast<std::size_t>(b.data_bytes), '\0'), b.size()});
    all.push_back(std::move(f));
  }

  // MoE (qwen3moe): 4 experts of width 128, 2 per token, per-layer router.
  {
    auto meta = llama_meta("qwen3moe");
    meta.push_back({"qwen3moe.expert_count", std::uint32_t{4}});
    meta.push_back({"qwen3moe.expert_used_count", std::uint32_t{2}});
    meta.push_back({"qwen3moe.expert_feed_forward_length", std::uint32_t{256}});
    std::vector<GgufTensorSpec> t = {{"token_embd.weight", {256, 1000}, Q8_0}};
    for (int i = 0; i < 2; ++i) {
      const std::string b = "blk." + std::to_string(i) + ".";
      for (const char* n : {"attn_norm", "ffn_norm", "attn_q_norm", "attn_k_norm"})
        t.push_back({b + n + ".weight", {std::string(n).find("_q_") != std::string::npos || std::string(n).find("_k_") != std::string::npos ? 32u : 256u}, F32});
      t.push_back({b + "attn_q.weight", {256, 256}, Q8_0});
      t.push_back({b + "attn_k.weight", {256, 64}, Q8_0});
      t.push_back({b + "attn_v.weight", {256, 64}, Q8_0});
      t.push_back({b + "attn_output.weight", {256, 256}, Q8_0});
      t.push_back({b + "ffn_gate_inp.weight", {256, 4}, F32});
      t.push_back({b + "ffn_gate_exps.weight", {256, 256, 4}, Q4_K});
      t.push_back({b + "ffn_up_exps.weight", {256, 256, 4}, Q4_K});
      t.push_back({b + "ffn_down_exps.weight", {256, 256, 4}, Q6_K});
    }
    t.push_back({"output_norm.weight", {256}, F32});
    t.push_back({"output.weight", {256, 1000}, Q6_K});
    all.push_back(gguf_fixture("gguf-qwen3moe-q4_k", "qwen3moe.gguf", meta, t));
  }

  // MLA (deepseek2): kv_lora_rank 256, rope 32, q_lora_rank 256, 8 heads of 64 + 32.
  {
    std::vector<std::pair<std::string, MetaValue>> meta = {
        {"general.architecture", std::string("deepseek2")}, {"deepseek2.block_count", std::uint32_t{2}},
        {"deepseek2.context_length", std::uint32_t{8192}}, {"deepseek2.embedding_length", std::uint32_t{256}},
        {"deepseek2.feed_forward_length", std::uint32_t{512}}, {"deepseek2.attention.head_count", std::uint32_t{8}},
        {"deepseek2.attention.head_count_kv", std::uint32_t{1}}, {"deepseek2.attention.key_length", std::uint32_t{96}},
        {"deepseek2.attention.value_length", std::uint32_t{64}}, {"deepseek2.attention.q_lora_rank", std::uint32_t{256}},
        {"deepseek2.attention.kv_lora_rank", std::uint32_t{256}}, {"deepseek2.rope.dimension_count", std::uint32_t{32}},
        {"deepseek2.vocab_size", std::uint32_t{1000}}};
    std::vector<GgufTensorSpec> t = {{"token_embd.weight", {256, 1000}, Q8_0}};
    for (int i = 0; i < 2; ++i) {
      const std::string b = "blk." + std::to_string(i) + ".";
      t.push_back({b + "attn_norm.weight", {256}, F32});
      t.push_back({b + "attn_q_a.weight", {256, 256}, Q8_0});
      t.push_back({b + "attn_q_a_norm.weight", {256}, F32});
      t.push_back({b + "attn_q_b.weight", {256, 8 * 96}, Q8_0});
      t.push_back({b + "attn_kv_a_mqa.weight", {256, 256 + 32}, Q8_0});
      t.push_back({b + "attn_kv_a_norm.weight", {256}, F32});
      t.push_back({b + "attn_kv_b.weight", {256, 8 * (64 + 64)}, Q8_0});
      t.push_back({b + "attn_output.weight", {512, 256}, Q8_0});
      t.push_back({b + "ffn_norm.weight", {256}, F32});
      t.push_back({b + "ffn_gate.weight", {256, 512}, Q8_0});
      t.push_back({b + "ffn_up.weight", {256, 512}, Q8_0});
      t.push_back({b + "ffn_down.weight", {512, 256}, Q8_0});
    }
    t.push_back({"output_norm.weight", {256}, F32});
    t.push_back({"output.weight", {256, 1000}, Q8_0});
    all.push_back(gguf_fixture("gguf-deepseek2-mla", "deepseek2.gguf", meta, t));
  }

  // Hybrid Gated DeltaNet (qwen35): 4 layers, the 4th full attention; 4 key heads and 8 value
  // heads of 32, conv kernel 4.
  {
    auto meta = llama_meta("qwen35");
    meta[2] = {"qwen35.block_count", std::uint32_t{4}};
    meta.push_back({"qwen35.full_attention_interval", std::uint32_t{4}});
    meta.push_back({"qwen35.ssm.conv_kernel", std::uint32_t{4}});
    meta.push_back({"qwen35.ssm.inner_size", std::uint32_t{256}});
    meta.push_back({"qwen35.ssm.state_size", std::uint32_t{32}});
    meta.push_back({"qwen35.ssm.time_step_rank", std::uint32_t{8}});
    meta.push_back({"qwen35.ssm.group_count", std::uint32_t{4}});
    std::vector<GgufTensorSpec> t = {{"token_embd.weight", {256, 1000}, Q4_K}};
    for (int i = 0; i < 4; ++i) {
      const std::string b = "blk." + std::to_string(i) + ".";
      t.push_back({b + "attn_norm.weight", {256}, F32});
      if (i == 3) {
        t.push_back({b + "attn_q.weight", {256, 512}, Q4_K});
        t.push_back({b + "attn_k.weight", {256, 64}, Q4_K});
        t.push_back({b + "attn_v.weight", {256, 64}, Q6_K});
        t.push_back({b + "attn_output.weight", {256, 256}, Q4_K});
      } else {
        t.push_back({b + "attn_qkv.weight", {256, 2 * 128 + 256}, Q4_K});
        t.push_back({b + "attn_gate.weight", {256, 256}, Q4_K});
        t.push_back({b + "ssm_conv1d.weight", {4, 512}, F32});
        t.push_back({b + "ssm_a", {8}, F32});
        t.push_back({b + "ssm_out.weight", {256, 256}, Q4_K});
      }
      t.push_back({b + "ffn_norm.weight", {256}, F32});
      t.push_back({b + "ffn_gate.weight", {256, 512}, Q4_K});
      t.push_back({b + "ffn_up.weight", {256, 512}, Q4_K});
      t.push_back({b + "ffn_down.weight", {512, 256}, Q6_K});
    }
    t.push_back({"output_norm.weight", {256}, F32});
    t.push_back({"output.weight", {256, 1000}, Q6_K});
    all.push_back(gguf_fixture("gguf-qwen35-hybrid", "qwen35.gguf", meta, t));
  }

  // safetensors: a BF16 llama beside its config.json; the same in two shards with an index.
  const std::string llama_config =
      R"({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 256, "intermediate_size": 512,
          "num_hidden_layers": 2, "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 32, "vocab_size": 1000,
          "max_position_embeddings": 4096, "tie_word_embeddings": false, "torch_dtype": "bfloat16"})";
  auto st_layer = [](int i, const std::string& dtype) {
    const std::string b = "model.layers." + std::to_string(i) + ".";
    auto spec = [&](const std::string& n, std::vector<std::uint64_t> shape, const std::string& d) {
      return SafeTensorSpec{b + n, d, shape, safetensor_bytes(d, shape)};
    };
    return std::vector<SafeTensorSpec>{
        spec("input_layernorm.weight", {256}, "BF16"), spec("self_attn.q_proj.weight", {256, 256}, dtype),
        spec("self_attn.k_proj.weight", {64, 256}, dtype), spec("self_attn.v_proj.weight", {64, 256}, dtype),
        spec("self_attn.o_proj.weight", {256, 256}, dtype), spec("post_attention_layernorm.weight", {256}, "BF16"),
        spec("mlp.gate_proj.weight", {512, 256}, dtype), spec("mlp.up_proj.weight", {512, 256}, dtype),
        spec("mlp.down_proj.weight", {256, 512}, dtype)};
  };
  auto edges = [](bool first) {
    std::vector<SafeTensorSpec> t;
    if (first) t.push_back({"model.embed_tokens.weight", "BF16", {1000, 256}, safetensor_bytes("BF16", {1000, 256})});
    else {
      t.push_back({"model.norm.weight", "BF16", {256}, safetensor_bytes("BF16", {256})});
      t.push_back({"lm_head.weight", "BF16", {1000, 256}, safetensor_bytes("BF16", {1000, 256})});
    }
    return t;
  };
  auto sum = [](const std::vector<SafeTensorSpec>& t) {
    double b = 0;
    for (const auto& x : t) b += x.bytes;
    return b;
  };
  {
    std::vector<SafeTensorSpec> t = edges(true);
    for (int i = 0; i < 2; ++i)
      for (auto& x : st_layer(i, "BF16")) t.push_back(x);
    for (auto& x : edges(false)) t.push_back(x);
    const std::string file = safetensors_file(t);
    Fixture f{"safetensors-llama-bf16", {}, sum(t)};
    f.files.push_back({"config.json", llama_config, static_cast<double>(llama_config.size())});
    f.files.push_back({"model.safetensors", file, static_cast<double>(file.size())});
    all.push_back(std::move(f));
  }
  {
    std::vector<SafeTensorSpec> a = edges(true), b;
    for (auto& x : st_layer(0, "BF16")) a.push_back(x);
    for (auto& x : st_layer(1, "BF16")) b.push_back(x);
    for (auto& x : edges(false)) b.push_back(x);
    std::string index = R"({"metadata": {"total_size": )" + std::to_string(static_cast<long long>(sum(a) + sum(b))) + R"(}, "weight_map": {)";
    bool first = true;
    for (const auto* part : {&a, &b})
      for (const auto& x : *part) {
        index += (first ? "" : ", ") + std::string("\"") + x.name + "\": \"model-0000" + (part == &a ? "1" : "2") + "-of-00002.safetensors\"";
        first = false;
      }
    index += "}}";
    const std::string fa = safetensors_file(a), fb = safetensors_file(b);
    Fixture f{"safetensors-llama-sharded", {}, sum(a) + sum(b)};
    f.files.push_back({"config.json", llama_config, static_cast<double>(llama_config.size())});
    f.files.push_back({"model.safetensors.index.json", index, static_cast<double>(index.size())});
    f.files.push_back({"model-00001-of-00002.safetensors", fa, static_cast<double>(fa.size())});
    f.files.push_back({"model-00002-of-00002.safetensors", fb, static_cast<double>(fb.size())});
    all.push_back(std::move(f));
  }
  // FP8 with 128×128 block scales (weight_scale_inv), as DeepSeek-V3 and Qwen3-FP8 store them.
  {
    std::vector<SafeTensorSpec> t = edges(true);
    for (int i = 0; i < 2; ++i)
      for (auto& x : st_layer(i, "F8_E4M3")) {
        t.push_back(x);
        if (x.dtype == "F8_E4M3") {
          const std::vector<std::uint64_t> blocks = {(x.shape[0] + 127) / 128, (x.shape[1] + 127) / 128};
          t.push_back({x.name + "_scale_inv", "F32", blocks, safetensor_bytes("F32", blocks)});
        }
      }
    for (auto& x : edges(false)) t.push_back(x);
    std::string config = llama_config;
    config.insert(config.rfind('}'), R"(, "quantization_config": {"quant_method": "fp8", "fmt": "e4m3", "activation_scheme": "dynamic", "weight_block_size": [128, 128]})");
    const std::string file = safetensors_file(t);
    Fixture f{"safetensors-llama-fp8-block", {}, sum(t)};
    f.files.push_back({"config.json", config, static_cast<double>(config.size())});
    f.files.push_back({"model.safetensors", file, static_cast<double>(file.size())});
    all.push_back(std::move(f));
  }
  return all;
}

}  // namespace memcalc::testing
