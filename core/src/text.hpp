// Numbers as people read them in formulas and messages.
#pragma once

#include <string>

namespace memcalc::detail {

// 8030261248 → "8,030,261,248"; 4.127 → "4.127".
std::string num(double v);
// Bytes per element in formulas: 2 → "2 B", 0.5 → "0.5 B".
std::string bytes_per(double v);
// A fixed number of decimals, as logs print: fixed(55.1523, 2) → "55.15".
std::string fixed(double v, int decimals);

}  // namespace memcalc::detail
