// The ipcsim command. Exit codes: 0 ok (as expected), 1 a property was violated
// or the outcome did not match the expectation, 2 bad input (nothing ran),
// 3 inconclusive (a search or campaign cut short by its budget found nothing).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cli/scenario/diagnostics.hpp"

#include "cli/check_command.hpp"
#include "cli/command_support.hpp"
#include "cli/demo_command.hpp"
#include "cli/drivers/drivers.hpp"
#include "cli/fuzz_command.hpp"
#include "cli/list_command.hpp"
#include "cli/replay_command.hpp"
#include "cli/run_command.hpp"
#include "cli/validate_command.hpp"
#include "cli/viz_command.hpp"

int main(int argc, char** argv) {
  ipcsim::drivers::register_all();
  CLI::App app{"ipcsim: a deterministic simulator and model-checking testbed for message-based IPC"};
  app.require_subcommand(1);
  app.footer(ipcsim::cli::kExitCodesHelp);  // subcommands inherit it: every --help ends with it
  int exit_code = 0;
  ipcsim::cli::add_run_command(app, &exit_code);
  ipcsim::cli::add_validate_command(app, &exit_code);
  ipcsim::cli::add_fuzz_command(app, &exit_code);
  ipcsim::cli::add_check_command(app, &exit_code);
  ipcsim::cli::add_replay_command(app, &exit_code);
  ipcsim::cli::add_viz_command(app, &exit_code);
  ipcsim::cli::add_list_command(app, &exit_code);
  ipcsim::cli::add_demo_command(app, &exit_code);
  ipcsim::cli::refuse_wrapping_integers(app);
  // CLI11 would only say "A subcommand is required" for a misspelt verb.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> verbs;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) verbs.push_back(sub->get_name());
    const std::string word = argv[1];
    if (std::find(verbs.begin(), verbs.end(), word) == verbs.end()) {
      const std::string guess = ipcsim::scenario::closest_match(word, verbs);
      std::cerr << "ipcsim: unknown verb \"" << word << "\"";
      if (!guess.empty()) std::cerr << " (did you mean \"" << guess << "\"?)";
      std::cerr << "; verbs:";
      for (const auto& v : verbs) std::cerr << " " << v;
      std::cerr << "\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and a hint
    return 2;
  }
  return exit_code;
}
