// The one verdict of `ipcsim replay`, from three names: what the scenario
// expects ("pass" or a property), what the replayed run violated first ("" for
// none) and what the counterexample recorded.
//
// A replay is as expected (exit 0) when the run reproduces the recorded
// violation and the scenario expects it (a broken variant), or when the run
// passes and the scenario expects a pass (the recorded bug no longer happens).
// Anything else is not (exit 1): the recorded violation where the scenario
// expects a pass, another violation than the recorded one, or a pass where the
// scenario expects a violation. The text says which, in words that agree with
// the exit code.
#pragma once

#include <string>

namespace ipcsim::scenario {

struct ReplayVerdict {
  bool as_expected = false;
  bool reproduces = false;  // the run violated the recorded property first
  std::string text;         // one line, without a newline
};

ReplayVerdict judge_replay(const std::string& expect, const std::string& violated, const std::string& recorded);

}  // namespace ipcsim::scenario
