// Reading shm.* trace records (schema: impl/shm/trace_schema.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/trace.hpp"

namespace ipcsim::model::shm {

// A field as an unsigned number (0 when absent).
inline std::uint64_t u(const sim::TraceRecord& r, std::string_view key) {
  const sim::FieldValue* v = r.field(key);
  return v == nullptr || v->type == sim::FieldValue::Type::Str ? 0 : static_cast<std::uint64_t>(v->as_int());
}
inline std::string_view s(const sim::TraceRecord& r, std::string_view key) {
  const sim::FieldValue* v = r.field(key);
  return v == nullptr || v->type != sim::FieldValue::Type::Str ? std::string_view{} : v->s;
}

inline std::string num(std::uint64_t v) { return std::to_string(v); }
// A moment of simulated time, as messages print it: "t=1250ns".
inline std::string at_time(sim::Instant t) { return "t=" + std::to_string(sim::to_ns(t)) + "ns"; }
// A range of shm.data as messages print it: "[4096, +512)".
inline std::string range(std::uint64_t rel, std::uint64_t bytes) {
  return "[" + num(rel) + ", +" + num(bytes) + ")";
}

}  // namespace ipcsim::model::shm
