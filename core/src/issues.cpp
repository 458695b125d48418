#include "memcalc/issues.hpp"

namespace memcalc {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info: return "info";
  }
  return "error";
}

bool has_errors(const std::vector<Issue>& issues) {
  for (const auto& i : issues)
    if (i.severity == Severity::error) return true;
  return false;
}

}  // namespace memcalc
