// Errors are data: every problem with an input is an Issue naming the field it concerns.
#pragma once

#include <string>
#include <vector>

namespace memcalc {

enum class Severity { error, warning, info };

struct Issue {
  std::string field;    // dotted path into the scenario, e.g. "training.batch_size"
  Severity severity = Severity::error;
  std::string message;  // a sentence fragment a user can act on: "must be a positive integer"
};

const char* severity_name(Severity s);
bool has_errors(const std::vector<Issue>& issues);

}  // namespace memcalc
