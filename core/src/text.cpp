#include <cmath>
#include <cstdio>

#include "text.hpp"

namespace memcalc::detail {

std::string num(double v) {
  char buf[64];
  if (v != std::floor(v) || std::fabs(v) >= 1e18) {
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.0f", std::fabs(v));
  std::string digits = buf, out = v < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string bytes_per(double v) { return num(v) + " B"; }

}  // namespace memcalc::detail
