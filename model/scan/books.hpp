// The books the scan monitors keep from the trace (schema:
// impl/scan/trace_schema.md): which messages are in the list, for whom, in
// which list order, and who has retrieved them. Each monitor keeps its own
// Books; none trusts a verdict of the implementation.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace.hpp"

namespace ipcsim::model::scan {

inline std::uint64_t u(const sim::TraceRecord& r, std::string_view key) {
  const sim::FieldValue* v = r.field(key);
  return v == nullptr ? 0 : static_cast<std::uint64_t>(v->as_int());
}
inline bool b(const sim::TraceRecord& r, std::string_view key) {
  const sim::FieldValue* v = r.field(key);
  return v != nullptr && v->as_int() != 0;
}
inline std::string_view s(const sim::TraceRecord& r, std::string_view key) {
  const sim::FieldValue* v = r.field(key);
  return v == nullptr || v->type != sim::FieldValue::Type::Str ? std::string_view{} : v->s;
}
// "1,4" -> {1, 4}.
std::set<std::uint32_t> parse_procs(std::string_view list);
std::string proc_name(std::uint32_t proc);  // "'p3'"
std::string msg_name(std::uint64_t msg);    // "message #7"

struct Message {
  std::uint64_t msg = 0;
  std::uint32_t slot = 0;
  std::uint32_t sender = 0;
  bool urgent = false;
  std::int64_t order = 0;  // list order: head inserts below 0, tail appends above
  std::set<std::uint32_t> recipients;
  std::set<std::uint32_t> not_retrieved;
  std::set<std::uint32_t> not_done;
  sim::Instant posted{};
  bool removed = false;
};

// Messages by number, from scan.post / scan.retrieve / scan.done / scan.remove.
class Books {
 public:
  // The message a record is about (a scan.post enters it in the books);
  // nullptr for other records, or for a message never posted. A monitor
  // judges the record against the books first, then commits it.
  Message* about(const sim::TraceRecord& r);
  // Applies scan.retrieve, scan.done and scan.remove to `m`.
  void commit(const sim::TraceRecord& r, Message* m);
  Message* find(std::uint64_t msg);
  const std::map<std::uint64_t, Message>& messages() const { return messages_; }
  // (list order, msg) of the messages `proc` has yet to retrieve.
  const std::set<std::pair<std::int64_t, std::uint64_t>>& pending_for(std::uint32_t proc) { return pending_[proc]; }

 private:
  std::map<std::uint64_t, Message> messages_;
  std::map<std::uint32_t, std::set<std::pair<std::int64_t, std::uint64_t>>> pending_;
  std::int64_t head_order_ = 0;
  std::int64_t tail_order_ = 0;
};

}  // namespace ipcsim::model::scan
