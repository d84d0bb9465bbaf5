#include "cli/validate_command.hpp"

#include <fmt/core.h>

#include "cli/command_support.hpp"

namespace ipcsim::cli {

int validate_command(const ValidateArgs& a) {
  int code = kExitOk;
  for (const std::string& f : a.files) {
    auto s = load_or_report(f);
    if (!s) {
      code = kExitBadInput;
      continue;
    }
    fmt::print("{}: ok ({} scenario \"{}\": {} CPUs, {} buses, {} faults, expects {})\n", f, s->mechanism, s->name,
               s->machine.cpus.size(), s->machine.buses.size(), s->faults.size(), s->expect);
  }
  return code;
}

}  // namespace ipcsim::cli
