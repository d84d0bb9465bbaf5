// The properties of the message-list (seed 003; issue 14), each an
// independent witness that reads the scan.* records (impl/scan/trace_schema.md)
// and keeps its own books:
//
//  - exactly_once: every message addressed to a processor is retrieved by it
//    once, never twice, never by another, and within a bound of its scans:
//    (k+1)(N+1), k its messages ahead, N the strategy's scans between resets
//    (0 for a message appended at the tail: a correct cursor never passes it);
//    a processor that ends its loop has nothing left to retrieve.
//  - in_order: a processor never retrieves a message while one appended at
//    the tail before it is still waiting for it; deviations caused by urgent
//    messages linked in at the head (behind a cursor) are counted, not failed.
//  - well_formed_chain: after every add and every removal, the links from the
//    head pointer visit every message in the list exactly once and end at the
//    tail pointer, whose next link is null.
//  - live_slots_only: a scan never inspects a slot that is free.
//  - no_message_loss: a message is removed only after every recipient has
//    retrieved and processed it, and at the end of the run every message
//    posted is removed or still in the list, as the region's bytes show.
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "model/monitor.hpp"
#include "model/scan/books.hpp"

namespace ipcsim::model::scan {

class ExactlyOnceMonitor final : public Monitor {
 public:
  // `reset_bound`: N, the most scans from the cursor between two resets
  // (UINT32_MAX: none; then urgent messages have no bound but the end's).
  explicit ExactlyOnceMonitor(std::uint32_t reset_bound) : Monitor("exactly_once"), n_(reset_bound) {}
  std::uint64_t retrievals() const { return retrievals_; }

 protected:
  void observe(const sim::TraceRecord& r) override;
  void at_end(const sim::RunResult& result) override;

 private:
  struct Wait {
    std::uint64_t deadline = 0;   // in the processor's scan count; UINT64_MAX: none
    std::uint64_t factor = 1;     // N_m + 1
    std::uint64_t posted_at = 0;  // the processor's scan count at the posting
    std::uint64_t ahead = 0;      // k: its messages ahead of it
  };
  Books books_;
  std::uint32_t n_;
  std::map<std::uint32_t, std::uint64_t> scans_;
  std::map<std::uint32_t, std::map<std::uint64_t, Wait>> waits_;  // proc -> msg -> wait
  std::set<std::uint32_t> ended_;
  std::uint64_t retrievals_ = 0;
};

class OrderMonitor final : public Monitor {
 public:
  OrderMonitor() : Monitor("in_order") {}
  // Retrievals of a message while an older one (in list order) waited for the
  // same processor, and how many were waiting ahead in all.
  std::uint64_t deviations() const { return deviations_; }
  std::uint64_t passed_over() const { return passed_over_; }

 protected:
  void observe(const sim::TraceRecord& r) override;

 private:
  Books books_;
  std::uint64_t deviations_ = 0;
  std::uint64_t passed_over_ = 0;
};

class ChainMonitor final : public Monitor {
 public:
  ChainMonitor() : Monitor("well_formed_chain") {}

 protected:
  void observe(const sim::TraceRecord& r) override;

 private:
  void check(const sim::TraceRecord& r);
  std::map<std::uint32_t, std::uint32_t> next_;
  std::map<std::uint32_t, std::uint64_t> live_;  // slot -> msg
  std::uint32_t head_ = 0;
  std::uint32_t tail_ = 0;
};

class LiveSlotsMonitor final : public Monitor {
 public:
  LiveSlotsMonitor() : Monitor("live_slots_only") {}

 protected:
  void observe(const sim::TraceRecord& r) override;

 private:
  std::map<std::uint32_t, std::uint64_t> live_;     // slot -> msg
  std::map<std::uint32_t, std::uint64_t> removed_;  // slot -> the last message removed from it
};

class MessageLossMonitor final : public Monitor {
 public:
  MessageLossMonitor() : Monitor("no_message_loss") {}

 protected:
  void observe(const sim::TraceRecord& r) override;
  void at_end(const sim::RunResult& result) override;

 private:
  Books books_;
  struct Left {
    std::uint32_t slot = 0;
    std::set<std::uint32_t> pending;
  };
  std::map<std::uint64_t, Left> left_;
  bool inventory_ = false;
};

}  // namespace ipcsim::model::scan
