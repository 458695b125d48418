// Nominal memory per card, GiB, from the vendors' datasheets (named per entry).
#include "memcalc/gpus.hpp"

namespace memcalc {

namespace {
constexpr double GiB = 1024.0 * 1024.0 * 1024.0;
}

const std::vector<Gpu>& gpus() {
  static const std::vector<Gpu> catalog = {
      {"h100-80gb", "NVIDIA H100 80GB (SXM / PCIe)", 80 * GiB, "NVIDIA H100 Tensor Core GPU datasheet"},
      {"h100-nvl-94gb", "NVIDIA H100 NVL 94GB", 94 * GiB, "NVIDIA H100 Tensor Core GPU datasheet"},
      {"h200-141gb", "NVIDIA H200 141GB", 141 * GiB, "NVIDIA H200 Tensor Core GPU datasheet"},
      {"b200-180gb", "NVIDIA B200 180GB (HGX/DGX)", 180 * GiB, "NVIDIA DGX B200 datasheet (1,440 GB for 8 GPUs)"},
      {"a100-80gb", "NVIDIA A100 80GB", 80 * GiB, "NVIDIA A100 Tensor Core GPU datasheet"},
      {"a100-40gb", "NVIDIA A100 40GB", 40 * GiB, "NVIDIA A100 Tensor Core GPU datasheet"},
      {"l40s-48gb", "NVIDIA L40S 48GB", 48 * GiB, "NVIDIA L40S datasheet"},
      {"l4-24gb", "NVIDIA L4 24GB", 24 * GiB, "NVIDIA L4 Tensor Core GPU datasheet"},
      {"a10-24gb", "NVIDIA A10 / A10G 24GB", 24 * GiB, "NVIDIA A10 Tensor Core GPU datasheet"},
      {"t4-16gb", "NVIDIA T4 16GB", 16 * GiB, "NVIDIA T4 Tensor Core GPU datasheet"},
      {"v100-32gb", "NVIDIA V100 32GB", 32 * GiB, "NVIDIA V100 Tensor Core GPU datasheet"},
      {"v100-16gb", "NVIDIA V100 16GB", 16 * GiB, "NVIDIA V100 Tensor Core GPU datasheet"},
      {"rtx-6000-ada-48gb", "NVIDIA RTX 6000 Ada 48GB", 48 * GiB, "NVIDIA RTX 6000 Ada Generation datasheet"},
      {"rtx-a6000-48gb", "NVIDIA RTX A6000 48GB", 48 * GiB, "NVIDIA RTX A6000 datasheet"},
      {"rtx-5090-32gb", "NVIDIA GeForce RTX 5090 32GB", 32 * GiB, "NVIDIA GeForce RTX 5090 specifications"},
      {"rtx-4090-24gb", "NVIDIA GeForce RTX 4090 24GB", 24 * GiB, "NVIDIA GeForce RTX 4090 specifications"},
      {"rtx-3090-24gb", "NVIDIA GeForce RTX 3090 24GB", 24 * GiB, "NVIDIA GeForce RTX 3090 specifications"},
      {"rtx-4080-16gb", "NVIDIA GeForce RTX 4080 16GB", 16 * GiB, "NVIDIA GeForce RTX 4080 specifications"},
      {"rtx-4060-ti-16gb", "NVIDIA GeForce RTX 4060 Ti 16GB", 16 * GiB, "NVIDIA GeForce RTX 4060 Ti specifications"},
      {"rtx-3060-12gb", "NVIDIA GeForce RTX 3060 12GB", 12 * GiB, "NVIDIA GeForce RTX 3060 specifications"},
      {"mi300x-192gb", "AMD Instinct MI300X 192GB", 192 * GiB, "AMD Instinct MI300X datasheet"},
      {"mi325x-256gb", "AMD Instinct MI325X 256GB", 256 * GiB, "AMD Instinct MI325X datasheet"},
      {"mi250x-128gb", "AMD Instinct MI250X 128GB", 128 * GiB, "AMD Instinct MI250X datasheet"},
  };
  return catalog;
}

const Gpu* find_gpu(const std::string& id) {
  for (const auto& g : gpus())
    if (g.id == id) return &g;
  return nullptr;
}

}  // namespace memcalc
