// GPU catalog: each card's memory as marketed, as the driver lists it (nvidia-smi), and as the CUDA
// runtime reports it to PyTorch (cudaMemGetInfo's total: what vLLM's gpu_memory_utilization
// multiplies and what `fits` compares against). Vendors' "80 GB" of HBM is 80 GiB of chips; the
// driver keeps a little for itself (an H100 80GB lists 81,559 MiB, CUDA reports 79.19 GiB).
#pragma once

#include <string>
#include <vector>

namespace memcalc {

struct Gpu {
  std::string id;          // "h100-80gb"
  std::string name;        // "NVIDIA H100 80GB (SXM/PCIe)"
  double memory_bytes;     // bytes per card, as marketed
  double listed_bytes;     // as the driver lists it (nvidia-smi "MiB" total)
  double usable_bytes;     // as the runtime reports it (CUDA's total; unified memory: the GPU's default share)
  std::string source;      // datasheet, and where the listed and usable figures come from
  std::string vendor;      // "NVIDIA", "AMD", "Apple", "Intel"
  std::string kind;        // "datacenter", "workstation", "consumer", "unified", "edge"
  double released = 0;     // year
  double bandwidth_bytes_per_s = 0;  // memory bandwidth, as marketed
  double flops_bf16 = 0;   // dense peak FLOP/s: bf16 (fp16 where bf16 is absent; GeForce: fp32 accumulate)
  double flops_fp8 = 0;    // 0: none
  double flops_fp4 = 0;    // 0: none
};

const std::vector<Gpu>& gpus();
const Gpu* find_gpu(const std::string& id);

// CUDA's total where no log of the card gives it: the driver's list less 0.5 GiB (the gap measured on
// the H100 80GB (0.46 GiB) and the L40S (0.57 GiB) in vLLM's start-up logs).
double usable_from_listed(double listed_bytes);

}  // namespace memcalc
