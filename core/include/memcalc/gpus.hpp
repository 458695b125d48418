// GPU catalog: the nominal memory of each card from its vendor's datasheet. Vendors' "80 GB" of
// HBM or GDDR is 80 GiB (2^30 B) of chips; the driver shows a little less as usable (an H100 80GB
// reports 81,559 MiB), so leave some headroom when a fit is tight.
#pragma once

#include <string>
#include <vector>

namespace memcalc {

struct Gpu {
  std::string id;      // "h100-80gb"
  std::string name;    // "NVIDIA H100 80GB (SXM/PCIe)"
  double memory_bytes; // bytes per card
  std::string source;  // datasheet
};

const std::vector<Gpu>& gpus();
const Gpu* find_gpu(const std::string& id);

}  // namespace memcalc
