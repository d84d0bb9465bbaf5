// Reading rtos.* trace records (schema: impl/rtos/trace_schema.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/trace.hpp"

namespace ipcsim::model::rtos {

// A field as an unsigned number (0 when absent).
inline std::uint64_t u(const sim::TraceRecord& r, std::string_view key) {
  const sim::FieldValue* v = r.field(key);
  return v == nullptr ? 0 : static_cast<std::uint64_t>(v->as_int());
}
inline std::int64_t i(const sim::TraceRecord& r, std::string_view key) {
  const sim::FieldValue* v = r.field(key);
  return v == nullptr ? 0 : v->as_int();
}
inline bool b(const sim::TraceRecord& r, std::string_view key) {
  const sim::FieldValue* v = r.field(key);
  return v != nullptr && v->as_int() != 0;
}
inline std::string_view s(const sim::TraceRecord& r, std::string_view key) {
  const sim::FieldValue* v = r.field(key);
  return v == nullptr || v->type != sim::FieldValue::Type::Str ? std::string_view{} : v->s;
}

// Addresses are per RTOS instance: (rtos, address) names a thing.
inline std::uint64_t key(std::uint64_t rtos, std::uint64_t addr) { return (rtos << 32) | (addr & 0xFFFFFFFFu); }
inline std::uint64_t key(const sim::TraceRecord& r, std::string_view addr_field) {
  return key(u(r, "rtos"), u(r, addr_field));
}

inline std::string num(std::uint64_t v) { return std::to_string(v); }
// A moment of simulated time, as messages print it: "t=1250ns".
inline std::string at_time(sim::Instant t) { return "t=" + std::to_string(sim::to_ns(t)) + "ns"; }

}  // namespace ipcsim::model::rtos
