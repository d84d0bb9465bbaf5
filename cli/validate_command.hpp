// `ipcsim validate FILE...`: checks scenario files without running them.
#pragma once

#include <string>
#include <vector>

namespace ipcsim::cli {

struct ValidateArgs {
  std::vector<std::string> files;
};

// Checks every file (all of them, even after a refusal); returns 0 when all
// are valid, 2 when any is not.
int validate_command(const ValidateArgs& a);

}  // namespace ipcsim::cli
