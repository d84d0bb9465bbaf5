#include "cli/drivers/scan_params.hpp"

namespace ipcsim::drivers::scan_scenario {

ParamTable<ScanKeys> scan_table() {
  using K = ScanKeys;
  ParamTable<K> t;
  t.count("processors", &K::processors, 1, scan::kMaxProcessors, "scanning processors (actors p0, p1, ...)")
      .count("slots", &K::slots, 1, 100'000, "message slots in the section (its capacity)")
      .count("messages", &K::messages, 0, 1'000'000, "messages posted while the processors run")
      .count("backlog", &K::backlog, 0, 100'000, "messages already in the list when the processors start")
      .count("recipients", &K::recipients, 1, scan::kMaxProcessors, "recipients of each message, at most processors")
      .duration("first_post", &K::first_post, "time of the first posting")
      .duration("post_gap", &K::post_gap, "mean time between postings")
      .count("burst", &K::burst, 1, 10'000, "messages one processor posts together (bursty posting)")
      .count("urgent_percent", &K::urgent_percent, 0, 100, "share of messages linked in at the head, in percent")
      .duration("scan_period", &K::scan_period, "a processor's pause after a scan that found nothing")
      .duration("process_time", &K::process_time, "processing one retrieved message")
      .count("patience", &K::patience, 1, 1'000,
             "empty scans, once every planned posting is made, before a processor stops")
      .choice("removal", &K::removal,
              {{"after_processing", scan::Removal::AfterProcessing}, {"at_retrieval", scan::Removal::AtRetrieval}},
              "when the last recipient removes a message")
      .choice("strategy", &K::strategy, scan::strategy_names(),
              "where a scan starts: baseline (the head), cached (the look-ahead pointer, reset when invalid), "
              "cached_fixed (also after threshold scans), cached_adaptive (also after an adaptive number)")
      .count("threshold", &K::threshold, 0, 1'000'000, "cached_fixed: scans from the cursor between resets")
      .count("threshold_min", &K::threshold_min, 1, 1'000'000, "cached_adaptive: the smallest threshold")
      .count("threshold_max", &K::threshold_max, 1, 1'000'000, "cached_adaptive: the largest threshold");
  return t;
}

scan::ScanParams to_params(const ScanKeys& k) {
  scan::ScanParams p;
  p.processors = k.processors;
  p.slots = k.slots;
  p.messages = k.messages;
  p.backlog = k.backlog;
  p.recipients = k.recipients;
  p.first_post = k.first_post;
  p.post_gap = k.post_gap;
  p.burst = k.burst;
  p.urgent_percent = k.urgent_percent;
  p.scan_period = k.scan_period;
  p.process_time = k.process_time;
  p.patience = k.patience;
  p.removal = k.removal;
  p.strategy.strategy = k.strategy;
  p.strategy.threshold = k.threshold;
  p.strategy.threshold_min = k.threshold_min;
  p.strategy.threshold_max = k.threshold_max;
  return p;
}

const std::vector<std::pair<std::string, std::string>>& bug_docs() {
  static const std::vector<std::pair<std::string, std::string>> docs = {
      {"no_reset", "the cached pointer is used with no reset condition at all (not with strategy baseline)"},
      {"dangling_next", "removal leaves the predecessor's next link pointing at the freed slot"},
      {"address_only_validity",
       "the cursor is valid when its slot is live, whatever its generation: ABA (not baseline)"},
      {"successor_after_remove", "the successor is read from the hit slot after its removal (not baseline)"},
      {"cached_null_is_end", "a null successor is cached and taken for the end of the list (not baseline)"},
      {"counter_restarts_on_hit",
       "the scans-since-reset counter restarts at every hit (cached_fixed, cached_adaptive)"},
      {"unlocked_scan", "scans walk the links without the section lock, one inspection per step"},
  };
  return docs;
}

const std::vector<std::string>& bug_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"none"};
    for (const auto& [name, doc] : bug_docs()) n.push_back(name);
    return n;
  }();
  return names;
}

scan::Bugs bugs_named(const std::string& name) {
  scan::Bugs b;
  b.no_reset = name == "no_reset";
  b.dangling_next = name == "dangling_next";
  b.address_only_validity = name == "address_only_validity";
  b.successor_after_remove = name == "successor_after_remove";
  b.cached_null_is_end = name == "cached_null_is_end";
  b.counter_restarts_on_hit = name == "counter_restarts_on_hit";
  b.unlocked_scan = name == "unlocked_scan";
  return b;
}

const std::vector<std::pair<std::string, std::string>>& scan_properties() {
  static const std::vector<std::pair<std::string, std::string>> p = {
      {"exactly_once",
       "every message addressed to a processor is retrieved by it once, never by another, within (k+1)(N+1) of its "
       "scans (k messages ahead of it, N the strategy's scans between resets; 0 for one appended at the tail); a "
       "processor that ends has nothing left to retrieve"},
      {"in_order",
       "a processor never retrieves a message while an older one appended at the tail before it waits for it "
       "(deviations caused by urgent messages linked in at the head are counted)"},
      {"well_formed_chain",
       "after every add and removal the links from the head visit every message in the list once and end at the "
       "tail"},
      {"live_slots_only", "a scan never inspects a free slot"},
      {"no_message_loss",
       "a message is removed only after all its recipients retrieved and processed it; at the end every message "
       "posted is removed or still in the list, as the region's bytes show, whatever the outcome"},
  };
  return p;
}

}  // namespace ipcsim::drivers::scan_scenario
