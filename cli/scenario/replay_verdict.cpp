#include "cli/scenario/replay_verdict.hpp"

namespace ipcsim::scenario {

ReplayVerdict judge_replay(const std::string& expect, const std::string& violated, const std::string& recorded) {
  ReplayVerdict v;
  v.reproduces = !violated.empty() && violated == recorded;
  const std::string expects = expect == "pass" ? "a pass" : "a violation of " + expect;
  if (v.reproduces) {
    v.as_expected = expect == recorded;
    v.text = "reproduces the violation of " + recorded +
             (v.as_expected ? ", as the scenario expects" : ": NOT as expected, the scenario expects " + expects);
  } else if (violated.empty()) {
    v.as_expected = expect == "pass";
    v.text = v.as_expected ? "passes, as the scenario expects: the recorded violation of " + recorded +
                                 " no longer happens"
                           : "does NOT reproduce the violation of " + recorded +
                                 ": the run passes, NOT as expected, the scenario expects " + expects;
  } else {
    v.as_expected = false;
    v.text = "does NOT reproduce the violation of " + recorded + ": the run violates " + violated +
             " instead, NOT as expected" + (expect == violated ? " (though the scenario expects " + violated + ")" : "");
  }
  return v;
}

}  // namespace ipcsim::scenario
