#include "cli/drivers/shm_bugs.hpp"

#include <algorithm>

namespace ipcsim::drivers::shm_scenario {

const std::vector<std::string>& bug_names() {
  static const std::vector<std::string> names = {"none",
                                                 "skip_admin_lock",
                                                 "block_before_admin",
                                                 "leak_on_termination",
                                                 "no_coalesce",
                                                 "direct_access",
                                                 "check_then_lock",
                                                 "signal_before_manager",
                                                 "one_shot_signal",
                                                 "publish_before_write",
                                                 "fill_destination_block"};
  return names;
}

const std::vector<std::pair<std::string, std::vector<std::string>>>& bug_kinds() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kinds = {
      {"skip_admin_lock", {"transfers"}},
      {"block_before_admin", {"transfers"}},
      {"leak_on_termination", {"storm", "transfers"}},
      {"no_coalesce", {"storm", "transfers"}},
      {"direct_access", {"transfers"}},
      {"check_then_lock", {"storm", "transfers"}},
      {"signal_before_manager", {"storm", "transfers"}},
      {"one_shot_signal", {"transfers"}},
      {"publish_before_write", {"transfers"}},
      {"fill_destination_block", {"transfers"}},
  };
  return kinds;
}

bool bug_needs_engine_transport(const std::string& name) {
  static const std::vector<std::string> engine_only = {"skip_admin_lock", "block_before_admin", "one_shot_signal",
                                                       "publish_before_write", "fill_destination_block"};
  return std::find(engine_only.begin(), engine_only.end(), name) != engine_only.end();
}

shm::Bugs bugs_named(const std::string& name) {
  shm::Bugs b;
  b.skip_admin_lock = name == "skip_admin_lock";
  b.block_before_admin = name == "block_before_admin";
  b.leak_on_termination = name == "leak_on_termination";
  b.no_coalesce = name == "no_coalesce";
  b.direct_access = name == "direct_access";
  b.check_then_lock = name == "check_then_lock";
  b.signal_before_manager = name == "signal_before_manager";
  b.one_shot_signal = name == "one_shot_signal";
  b.publish_before_write = name == "publish_before_write";
  b.fill_destination_block = name == "fill_destination_block";
  return b;
}

}  // namespace ipcsim::drivers::shm_scenario
