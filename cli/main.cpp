// The ipcsim command. Exit codes: 0 ok, 1 a property was violated (or the
// outcome did not match the expectation), 2 bad input.
#include <CLI/CLI.hpp>

#include "cli/demo_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ipcsim: a deterministic simulator and model-checking testbed for message-based IPC"};
  app.require_subcommand(1);
  int exit_code = 0;
  ipcsim::cli::add_demo_command(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and usage
    return 2;
  }
  return exit_code;
}
