// `ipcsim list`: the mechanisms, their workload keys and their properties.
#pragma once

namespace ipcsim::cli {

struct ListArgs {
  bool json = false;
};

// Prints the list; returns its exit code (always 0).
int list_command(const ListArgs& a);

}  // namespace ipcsim::cli
