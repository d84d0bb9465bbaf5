// Reading JSON Lines traces with a small parser of our own, not a JSON
// library's document model, because a trace line needs three things a
// document model loses: the fields in the order they were written, repeated
// keys (a mechanism may name a field "kind"; the record's kind is the first
// one), and the exact column of whatever is wrong. It is also several times
// faster on 100,000 lines.
#include "viz/trace_reader.hpp"

#include <charconv>
#include <cstdint>
#include <fstream>
#include <limits>

#include "viz/errors.hpp"

namespace ipcsim::viz {
namespace {

constexpr std::size_t kMaxDepth = 64;  // nesting limit of a field's value

class LineParser {
 public:
  LineParser(const std::string& source, std::size_t line_no, const std::string& line)
      : source_(source), line_no_(line_no), s_(line) {}

  Record parse() {
    Record r;
    r.line = line_no_;
    skip_space();
    if (peek() != '{') fail("expected a JSON object ({...}) on each line");
    ++i_;
    bool have_seq = false, have_t = false, have_kind = false, have_cpu = false, have_actor = false, have_obj = false;
    skip_space();
    if (peek() == '}') {
      ++i_;
    } else {
      for (;;) {
        skip_space();
        if (peek() != '"') fail("expected a field name (a string)");
        std::string key = string();
        skip_space();
        if (peek() != ':') fail("expected ':' after the field name \"" + key + "\"");
        ++i_;
        skip_space();
        const std::size_t value_at = i_;
        // The first of each header key is the header; any later one is a field.
        if (key == "seq" && !have_seq) {
          r.seq = unsigned_value(key, value_at, std::numeric_limits<std::uint64_t>::max());
          have_seq = true;
        } else if (key == "t" && !have_t) {
          r.t = signed_value(key, value_at);
          have_t = true;
        } else if (key == "cpu" && !have_cpu) {
          r.cpu = static_cast<CpuId>(unsigned_value(key, value_at, std::numeric_limits<CpuId>::max() - 1));
          have_cpu = true;
        } else if (key == "actor" && !have_actor) {
          r.actor = unsigned_value(key, value_at, std::numeric_limits<ActorId>::max());
          have_actor = true;
        } else if (key == "obj" && !have_obj) {
          r.obj = static_cast<ObjectId>(unsigned_value(key, value_at, std::numeric_limits<ObjectId>::max()));
          have_obj = true;
        } else if (key == "kind" && !have_kind) {
          if (peek() != '"') fail_at(value_at, "\"kind\" must be a non-empty string, got " + shown(value_at));
          r.kind = string();
          if (r.kind.empty()) fail_at(value_at, "\"kind\" must be a non-empty string, got \"\"");
          have_kind = true;
        } else {
          r.fields.push_back(Field{std::move(key), value(0)});
        }
        skip_space();
        if (peek() == ',') {
          ++i_;
          continue;
        }
        if (peek() == '}') {
          ++i_;
          break;
        }
        fail("expected ',' or '}' after a field");
      }
    }
    skip_space();
    if (i_ != s_.size()) fail("unexpected text after the record's closing '}'");
    if (!have_seq) fail_at(0, "missing \"seq\" (the record's position in the trace, an integer)");
    if (!have_t) fail_at(0, "missing \"t\" (simulated time in ns, an integer)");
    if (!have_kind) fail_at(0, "missing \"kind\" (a string such as \"sim.spawn\")");
    return r;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const { fail_at(i_, message); }
  [[noreturn]] void fail_at(std::size_t at, const std::string& message) const {
    throw ParseError(source_, line_no_, at + 1, message);
  }

  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  bool at_end() const { return i_ >= s_.size(); }

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n')) ++i_;
  }

  // The value starting at `at`, as written, for messages.
  std::string shown(std::size_t at) const {
    std::size_t end = at;
    while (end < s_.size() && s_[end] != ',' && s_[end] != '}' && end - at < 40) ++end;
    return end == at ? "nothing" : s_.substr(at, end - at);
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::uint32_t hex4() {
    if (i_ + 4 > s_.size()) fail("a \\u escape needs four hex digits");
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        --i_;
        fail("a \\u escape needs four hex digits");
      }
    }
    return v;
  }

  // A string literal at i_ (which is '"'), unescaped.
  std::string string() {
    const std::size_t start = i_;
    ++i_;
    std::string out;
    for (;;) {
      if (at_end()) fail_at(start, "unterminated string");
      const char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) {
        --i_;
        fail("a control character inside a string (write it as an escape)");
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_end()) fail_at(start, "unterminated string");
      const char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && s_.compare(i_, 2, "\\u") == 0) {
            i_ += 2;
            const std::uint32_t low = hex4();
            if (low >= 0xDC00 && low < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else {
              append_utf8(out, 0xFFFD);
              cp = low;
            }
          }
          append_utf8(out, cp >= 0xD800 && cp < 0xE000 ? 0xFFFD : cp);
          break;
        }
        default:
          i_ -= 2;
          fail(std::string("invalid escape '\\") + e + "' in a string");
      }
    }
  }

  // A number at i_: an integer if it has no fraction or exponent and fits in
  // int64, else its text. Sets *integer.
  std::string number(bool* integer) {
    const std::size_t start = i_;
    if (peek() == '-') ++i_;
    if (peek() == '0') {
      ++i_;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') ++i_;
    } else {
      fail_at(start, "invalid number");
    }
    *integer = true;
    if (peek() == '.') {
      *integer = false;
      ++i_;
      if (!(peek() >= '0' && peek() <= '9')) fail("invalid number: digits must follow '.'");
      while (peek() >= '0' && peek() <= '9') ++i_;
    }
    if (peek() == 'e' || peek() == 'E') {
      *integer = false;
      ++i_;
      if (peek() == '+' || peek() == '-') ++i_;
      if (!(peek() >= '0' && peek() <= '9')) fail("invalid number: digits must follow the exponent");
      while (peek() >= '0' && peek() <= '9') ++i_;
    }
    return s_.substr(start, i_ - start);
  }

  bool literal(const char* word) {
    const std::size_t n = std::char_traits<char>::length(word);
    if (s_.compare(i_, n, word) != 0) return false;
    i_ += n;
    return true;
  }

  // Any value at i_ (validated); arrays and objects come back as their text.
  Value value(std::size_t depth) {
    if (depth > kMaxDepth) fail("values nested too deeply");
    const std::size_t start = i_;
    const char c = peek();
    if (c == '"') return Value::of_str(string());
    if (c == '-' || (c >= '0' && c <= '9')) {
      bool integer = false;
      const std::string text = number(&integer);
      if (integer) {
        std::int64_t v = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc{} && ptr == text.data() + text.size()) return Value::of_int(v);
      }
      return Value::of_raw(text);
    }
    if (literal("true")) return Value::of_bool(true);
    if (literal("false")) return Value::of_bool(false);
    if (literal("null")) return Value::of_raw("null");
    if (c == '[' || c == '{') {
      composite(depth);
      return Value::of_raw(s_.substr(start, i_ - start));
    }
    if (at_end()) fail("expected a value, found the end of the line");
    fail(std::string("expected a value, found '") + c + "'");
  }

  // Validates an array or object at i_ and moves past it.
  void composite(std::size_t depth) {
    const char open = s_[i_++];
    const char close = open == '[' ? ']' : '}';
    skip_space();
    if (peek() == close) {
      ++i_;
      return;
    }
    for (;;) {
      skip_space();
      if (open == '{') {
        if (peek() != '"') fail("expected a field name (a string)");
        string();
        skip_space();
        if (peek() != ':') fail("expected ':' after a field name");
        ++i_;
        skip_space();
      }
      value(depth + 1);
      skip_space();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      if (peek() == close) {
        ++i_;
        return;
      }
      fail(std::string("expected ',' or '") + close + "'");
    }
  }

  std::uint64_t unsigned_value(const std::string& key, std::size_t at, std::uint64_t max) {
    const char c = peek();
    if (c >= '0' && c <= '9') {
      bool integer = false;
      const std::string text = number(&integer);
      std::uint64_t v = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (integer && ec == std::errc{} && ptr == text.data() + text.size() && v <= max) return v;
    }
    fail_at(at, "\"" + key + "\" must be a non-negative integer (at most " + std::to_string(max) + "), got " + shown(at));
  }

  std::int64_t signed_value(const std::string& key, std::size_t at) {
    const char c = peek();
    if (c == '-' || (c >= '0' && c <= '9')) {
      bool integer = false;
      const std::string text = number(&integer);
      std::int64_t v = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (integer && ec == std::errc{} && ptr == text.data() + text.size()) return v;
    }
    fail_at(at, "\"" + key + "\" must be an integer (ns), got " + shown(at));
  }

  const std::string& source_;
  std::size_t line_no_;
  const std::string& s_;
  std::size_t i_ = 0;
};

}  // namespace

Trace parse_trace(std::istream& in, const std::string& source) {
  std::vector<Record> records;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    records.push_back(LineParser(source, line_no, line).parse());
  }
  if (in.bad()) throw ParseError(source, line_no, 0, "read error");
  if (records.empty()) throw ParseError(source, 0, 0, "empty trace: no records (expected one JSON object per line)");
  return Trace(source, std::move(records));
}

Trace load_trace(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ParseError(path, 0, 0, "cannot open the trace file");
  return parse_trace(in, path);
}

}  // namespace ipcsim::viz
