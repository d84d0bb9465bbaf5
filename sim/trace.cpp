#include "sim/trace.hpp"

#include <charconv>

namespace ipcsim::sim {
namespace {

template <class N>
void append_number(std::string& out, N v) {
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, ptr);
}

void append_value(std::string& out, const FieldValue& v) {
  switch (v.type) {
    case FieldValue::Type::Int: append_number(out, v.i); break;
    case FieldValue::Type::Uint: append_number(out, v.u); break;
    case FieldValue::Type::Bool: out += v.u != 0 ? "true" : "false"; break;
    case FieldValue::Type::Str: append_json_string(out, v.s); break;
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_json_record(std::string& out, const TraceRecord& r) {
  out += "{\"seq\":";
  append_number(out, r.seq);
  out += ",\"t\":";
  append_number(out, to_ns(r.time));
  if (r.cpu != kNoCpu) {
    out += ",\"cpu\":";
    append_number(out, r.cpu);
  }
  if (r.actor != kNoActor) {
    out += ",\"actor\":";
    append_number(out, r.actor);
  }
  out += ",\"kind\":";
  append_json_string(out, r.kind);
  if (r.object != kNoObject) {
    out += ",\"obj\":";
    append_number(out, r.object);
  }
  for (const auto& f : r.fields) {
    out += ',';
    append_json_string(out, f.key);
    out += ':';
    append_value(out, f.value);
  }
  out += '}';
}

}  // namespace ipcsim::sim
