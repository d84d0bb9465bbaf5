// Helpers shared by the RTOS's tests (not part of the library).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace.hpp"
#include "sim/world.hpp"

namespace ipcsim::rtos::testing {

// Keeps every record whose kind starts with `prefix`, as "kind a=1 b=x ...".
class RecordLog final : public sim::Observer {
 public:
  explicit RecordLog(std::string prefix = "rtos.") : prefix_(std::move(prefix)) {}
  void on_record(const sim::TraceRecord& r) override {
    if (r.kind.substr(0, prefix_.size()) != prefix_) return;
    std::string line(r.kind);
    for (const sim::Field& f : r.fields) {
      if (f.key == "rtos") continue;  // the same everywhere in these tests
      line += " ";
      line += f.key;
      line += "=";
      switch (f.value.type) {
        case sim::FieldValue::Type::Int:
          line += std::to_string(f.value.i);
          break;
        case sim::FieldValue::Type::Uint:
          line += std::to_string(f.value.u);
          break;
        case sim::FieldValue::Type::Bool:
          line += f.value.u != 0 ? "true" : "false";
          break;
        case sim::FieldValue::Type::Str:
          line += f.value.s;
          break;
      }
    }
    lines.push_back(std::move(line));
    actors.push_back(r.actor);
  }
  // The lines of one kind.
  std::vector<std::string> of(std::string_view kind) const {
    std::vector<std::string> out;
    for (const auto& l : lines) {
      if (l.substr(0, l.find(' ')) == kind) out.push_back(l);
    }
    return out;
  }
  std::size_t count(std::string_view kind) const { return of(kind).size(); }
  std::vector<std::string> lines;
  std::vector<sim::ActorId> actors;

 private:
  std::string prefix_;
};

inline std::vector<std::byte> bytes_of(std::string_view s) {
  std::vector<std::byte> out;
  for (char c : s) out.push_back(static_cast<std::byte>(c));
  return out;
}
inline std::string string_of(const std::vector<std::byte>& b) {
  std::string out;
  for (std::byte x : b) out.push_back(static_cast<char>(x));
  return out;
}

}  // namespace ipcsim::rtos::testing
