// The ipcsim command. Exit codes: 0 ok (as expected), 1 a property was violated
// or the outcome did not match the expectation, 2 bad input (nothing ran),
// 3 inconclusive (check only: a search cut short by its budget found nothing).
#include "cli/command_line.hpp"
#include "cli/drivers/drivers.hpp"

int main(int argc, char** argv) {
  ipcsim::drivers::register_all();
  return ipcsim::cli::run_command_line(argc, argv);
}
