#include "cli/validate_command.hpp"

#include <fmt/core.h>

#include "cli/command_support.hpp"

namespace ipcsim::cli {

void add_validate_command(CLI::App& app, int* exit_code) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand("validate", "Check scenario files without running them");
  cmd->add_option("FILE", *files, "Scenario files (TOML)")->required();
  cmd->callback([files, exit_code] {
    int code = kExitOk;
    for (const std::string& f : *files) {
      auto s = load_or_report(f);
      if (!s) {
        code = kExitBadInput;
        continue;
      }
      fmt::print("{}: ok ({} scenario \"{}\": {} CPUs, {} buses, {} faults, expects {})\n", f, s->mechanism, s->name,
                 s->machine.cpus.size(), s->machine.buses.size(), s->faults.size(), s->expect);
    }
    *exit_code = code;
  });
}

}  // namespace ipcsim::cli
