#include "cli/drivers/rtos_bugs.hpp"

namespace ipcsim::drivers::rtos_scenario {

const std::vector<std::string>& bug_names() {
  static const std::vector<std::string> names = {"none",
                                                 "release_to_wrong_pool",
                                                 "broadcast_without_gate",
                                                 "proxy_release_frees_body",
                                                 "delete_leaks_owned",
                                                 "pass_keeps_receiver_priority",
                                                 "assembly_threshold_off_by_one",
                                                 "lifo_among_equals",
                                                 "insert_forgets_successor",
                                                 "broadcast_wakes_one",
                                                 "forward_leaves_on_show",
                                                 "delete_frees_real_before_proxies",
                                                 "broadcast_pulse_before_send",
                                                 "broadcast_peek_then_gate"};
  return names;
}

const std::vector<std::pair<std::string, std::vector<std::string>>>& bug_kinds() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kinds = {
      {"release_to_wrong_pool", {"pipeline", "deletion", "broadcasters"}},
      {"broadcast_without_gate", {"broadcast", "broadcasters"}},
      {"proxy_release_frees_body", {"assembly", "deletion"}},
      {"delete_leaks_owned", {"deletion"}},
      {"pass_keeps_receiver_priority", {"pass_chain", "pipeline"}},
      {"assembly_threshold_off_by_one", {"assembly"}},
      {"lifo_among_equals", {"pipeline", "pass_chain", "broadcasters"}},
      {"insert_forgets_successor", {"pipeline", "pass_chain", "broadcasters"}},
      {"broadcast_wakes_one", {"broadcast", "broadcasters"}},
      {"forward_leaves_on_show", {"broadcast"}},
      {"delete_frees_real_before_proxies", {"deletion"}},
      {"broadcast_pulse_before_send", {"broadcast"}},
      {"broadcast_peek_then_gate", {"broadcast"}},
  };
  return kinds;
}

rtos::Bugs bugs_named(const std::string& name) {
  rtos::Bugs b;
  b.release_to_wrong_pool = name == "release_to_wrong_pool";
  b.broadcast_without_gate = name == "broadcast_without_gate";
  b.proxy_release_frees_body = name == "proxy_release_frees_body";
  b.delete_leaks_owned = name == "delete_leaks_owned";
  b.pass_keeps_receiver_priority = name == "pass_keeps_receiver_priority";
  b.assembly_threshold_off_by_one = name == "assembly_threshold_off_by_one";
  b.lifo_among_equals = name == "lifo_among_equals";
  b.insert_forgets_successor = name == "insert_forgets_successor";
  b.broadcast_wakes_one = name == "broadcast_wakes_one";
  b.forward_leaves_on_show = name == "forward_leaves_on_show";
  b.delete_frees_real_before_proxies = name == "delete_frees_real_before_proxies";
  b.broadcast_pulse_before_send = name == "broadcast_pulse_before_send";
  b.broadcast_peek_then_gate = name == "broadcast_peek_then_gate";
  return b;
}

}  // namespace ipcsim::drivers::rtos_scenario
