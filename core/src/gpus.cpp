// The GPU catalog. Marketed memory from the vendors' datasheets (named per entry); the driver's
// listed total (nvidia-smi MiB) and CUDA's total (what PyTorch's mem_get_info reports) from real
// start-up logs where they exist (cited per entry), else the rule of usable_from_listed.
#include "memcalc/gpus.hpp"

namespace memcalc {

namespace {
constexpr double GiB = 1024.0 * 1024.0 * 1024.0;
constexpr double MiB = 1024.0 * 1024.0;

Gpu card(const char* id, const char* name, double gib, double listed_mib, double usable_gib, const char* source) {
  const double listed = listed_mib > 0 ? listed_mib * MiB : gib * GiB;
  return {id, name, gib * GiB, listed, usable_gib > 0 ? usable_gib * GiB : usable_from_listed(listed), source};
}
}  // namespace

double usable_from_listed(double listed_bytes) { return listed_bytes - 0.5 * GiB; }

const std::vector<Gpu>& gpus() {
  static const std::vector<Gpu> catalog = {
      card("h100-80gb", "NVIDIA H100 80GB (SXM / PCIe)", 80, 81559, 79.19,
           "NVIDIA H100 Tensor Core GPU datasheet; nvidia-smi 81,559 MiB and CUDA total 79.19 GiB as a vLLM 0.10.2 log prints it ('Free memory on device (78.66/79.19 GiB)')"),
      card("h100-nvl-94gb", "NVIDIA H100 NVL 94GB", 94, 0, 0, "NVIDIA H100 Tensor Core GPU datasheet"),
      card("h200-141gb", "NVIDIA H200 141GB", 141, 143771, 0,
           "NVIDIA H200 Tensor Core GPU datasheet; nvidia-smi 143,771 MiB (SGLang server_args worked values)"),
      card("b200-180gb", "NVIDIA B200 180GB (HGX/DGX)", 180, 183359, 0,
           "NVIDIA DGX B200 datasheet (1,440 GB for 8 GPUs); nvidia-smi 183,359 MiB (SGLang server_args worked values)"),
      card("a100-80gb", "NVIDIA A100 80GB", 80, 0, 0, "NVIDIA A100 Tensor Core GPU datasheet"),
      card("a100-40gb", "NVIDIA A100 40GB", 40, 0, 0, "NVIDIA A100 Tensor Core GPU datasheet"),
      card("l40s-48gb", "NVIDIA L40S 48GB", 48, 46068, 44.42,
           "NVIDIA L40S datasheet; nvidia-smi 46,068 MiB and CUDA total 44.42 GiB in a vLLM 0.10.2 log ('Free memory on device (43.93/44.42 GiB)')"),
      card("l4-24gb", "NVIDIA L4 24GB", 24, 23034, 0, "NVIDIA L4 Tensor Core GPU datasheet; nvidia-smi 23,034 MiB"),
      card("a10-24gb", "NVIDIA A10 / A10G 24GB", 24, 0, 0, "NVIDIA A10 Tensor Core GPU datasheet"),
      card("t4-16gb", "NVIDIA T4 16GB", 16, 0, 0, "NVIDIA T4 Tensor Core GPU datasheet"),
      card("v100-32gb", "NVIDIA V100 32GB", 32, 0, 0, "NVIDIA V100 Tensor Core GPU datasheet"),
      card("v100-16gb", "NVIDIA V100 16GB", 16, 0, 0, "NVIDIA V100 Tensor Core GPU datasheet"),
      card("rtx-6000-ada-48gb", "NVIDIA RTX 6000 Ada 48GB", 48, 0, 0, "NVIDIA RTX 6000 Ada Generation datasheet"),
      card("rtx-a6000-48gb", "NVIDIA RTX A6000 48GB", 48, 0, 0, "NVIDIA RTX A6000 datasheet"),
      card("rtx-5090-32gb", "NVIDIA GeForce RTX 5090 32GB", 32, 32607, 0,
           "NVIDIA GeForce RTX 5090 specifications; nvidia-smi 32,607 MiB (SGLang server_args worked values)"),
      card("rtx-4090-24gb", "NVIDIA GeForce RTX 4090 24GB", 24, 24564, 0,
           "NVIDIA GeForce RTX 4090 specifications; nvidia-smi 24,564 MiB (SGLang server_args worked values)"),
      card("rtx-3090-24gb", "NVIDIA GeForce RTX 3090 24GB", 24, 0, 23.58,
           "NVIDIA GeForce RTX 3090 specifications; CUDA total 23.58 GiB in a vLLM log (issue #10517: 'total_gpu_memory (23.58GiB)')"),
      card("rtx-4080-16gb", "NVIDIA GeForce RTX 4080 16GB", 16, 0, 0, "NVIDIA GeForce RTX 4080 specifications"),
      card("rtx-4060-ti-16gb", "NVIDIA GeForce RTX 4060 Ti 16GB", 16, 0, 0, "NVIDIA GeForce RTX 4060 Ti specifications"),
      card("rtx-3060-12gb", "NVIDIA GeForce RTX 3060 12GB", 12, 0, 0, "NVIDIA GeForce RTX 3060 specifications"),
      card("mi300x-192gb", "AMD Instinct MI300X 192GB", 192, 0, 0, "AMD Instinct MI300X datasheet"),
      card("mi325x-256gb", "AMD Instinct MI325X 256GB", 256, 0, 0, "AMD Instinct MI325X datasheet"),
      card("mi250x-128gb", "AMD Instinct MI250X 128GB", 128, 0, 0, "AMD Instinct MI250X datasheet"),
  };
  return catalog;
}

const Gpu* find_gpu(const std::string& id) {
  for (const auto& g : gpus())
    if (g.id == id) return &g;
  return nullptr;
}

}  // namespace memcalc
