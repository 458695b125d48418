// Writes the reader tests' checkpoints (fixtures.hpp) into DIR/<fixture>/<file>, and with --large
// BYTES also DIR/large/large.gguf: a GGUF of that many bytes, its data a hole (a sparse file), for
// the time-to-open benchmark. Prints each fixture's name and tensor bytes as JSON lines.
#include <cstdio>
#include <filesystem>
#include <string>

#include "fixtures.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: memcalc_write_fixtures DIR [--large BYTES]\n");
    return 1;
  }
  namespace fs = std::filesystem;
  using namespace memcalc::testing;
  const fs::path dir = argv[1];
  for (const Fixture& f : fixtures()) {
    fs::create_directories(dir / f.name);
    for (const auto& file : f.files) write_file((dir / f.name / file.name).string(), file.bytes, file.size);
    std::printf("{\"name\": \"%s\", \"tensor_bytes\": %.0f}\n", f.name.c_str(), f.tensor_bytes);
  }
  if (argc >= 4 && std::string(argv[2]) == "--large") {
    // A 60-layer llama-style GGUF at Q4_K whose data section fills the size asked (wide layers).
    const double want = std::stod(argv[3]);
    const std::uint64_t layers = 60;
    auto model = [&](std::uint64_t width) {
      std::vector<GgufTensorSpec> t = {{"token_embd.weight", {width, 152064}, Q4_K}};
      for (std::uint64_t i = 0; i < layers; ++i) {
        const std::string b = "blk." + std::to_string(i) + ".";
        t.push_back({b + "attn_norm.weight", {width}, F32});
        for (const char* n : {"attn_q", "attn_k", "attn_v", "attn_output"}) t.push_back({b + n + ".weight", {width, width}, Q4_K});
        for (const char* n : {"ffn_gate", "ffn_up"}) t.push_back({b + n + ".weight", {width, width * 3}, Q4_K});
        t.push_back({b + "ffn_down.weight", {width * 3, width}, Q6_K});
      }
      return t;
    };
    auto total = [](const std::vector<GgufTensorSpec>& t) {
      double b = 0;
      for (const auto& x : t) b += ggml_bytes(x);
      return b;
    };
    std::uint64_t width = 256;
    while (total(model(width)) < want) width += 256;
    const std::vector<GgufTensorSpec> t = model(width);
    auto meta = llama_meta();
    meta[2] = {"llama.block_count", static_cast<std::uint32_t>(layers)};
    meta[4] = {"llama.embedding_length", static_cast<std::uint32_t>(width)};
    meta[5] = {"llama.feed_forward_length", static_cast<std::uint32_t>(width * 3)};
    meta.push_back({"tokenizer.ggml.tokens", std::vector<std::string>(152064, "token")});
    Fixture f = gguf_fixture("large", "large.gguf", meta, t, true);
    fs::create_directories(dir / "large");
    write_file((dir / "large" / "large.gguf").string(), f.files[0].bytes, f.files[0].size);
    std::printf("{\"name\": \"large\", \"tensor_bytes\": %.0f, \"size\": %.0f, \"header\": %zu}\n", f.tensor_bytes, f.files[0].size,
                f.files[0].bytes.size());
  }
  return 0;
}
