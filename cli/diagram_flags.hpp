// The window and filter flags every diagram-making verb (run, replay, viz)
// accepts, as given on the command line; diagram_options() checks them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ipcsim::cli {

struct DiagramFlags {
  std::string from;    // duration, e.g. "10us"
  std::string to;
  std::optional<std::size_t> around_violation;
  std::vector<std::string> actors;
  std::string detail = "sync";
};

}  // namespace ipcsim::cli
