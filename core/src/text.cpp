#include <cmath>
#include <cstdio>

#include "text.hpp"

namespace memcalc::detail {

std::string num(double v) {
  if (v != std::floor(v) || std::fabs(v) >= 1e18) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
  }
  // Whole numbers below 10^18 are exact in 64 bits: their digits, grouped by threes.
  char digits[32];
  int n = 0;
  for (auto u = static_cast<unsigned long long>(std::fabs(v)); n == 0 || u > 0; u /= 10)
    digits[n++] = static_cast<char>('0' + u % 10);
  std::string out;
  out.reserve(static_cast<std::size_t>(n + n / 3 + 1));
  if (v < 0) out += '-';
  for (int i = n - 1; i >= 0; --i) {
    out += digits[i];
    if (i > 0 && i % 3 == 0) out += ',';
  }
  return out;
}

std::string bytes_per(double v) { return num(v) + " B"; }

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace memcalc::detail
