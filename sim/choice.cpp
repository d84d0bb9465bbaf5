#include "sim/choice.hpp"

#include <array>
#include <charconv>

#include "sim/check.hpp"

namespace ipcsim::sim {
namespace {

constexpr std::array<std::string_view, kChoiceKindCount> kNames = {
    "s", "o", "amount", "drop", "dup", "delay", "reorder", "crash", "restart", "kill", "partition", "tamper"};

bool parse_u32(std::string_view text, std::size_t& pos, std::uint32_t& out) {
  const char* first = text.data() + pos;
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, out);
  if (ec != std::errc{} || ptr == first) return false;
  pos += static_cast<std::size_t>(ptr - first);
  return true;
}

}  // namespace

std::string_view choice_kind_name(ChoiceKind k) {
  const auto i = static_cast<std::size_t>(k);
  IPCSIM_ASSERT(i < kNames.size());
  return kNames[i];
}

std::string format_choices(const ChoiceList& choices) {
  std::string out;
  out.reserve(choices.size() * 6);
  for (const auto& c : choices) {
    if (!out.empty()) out += ' ';
    out += choice_kind_name(c.kind);
    out += '/';
    out += std::to_string(c.n);
    out += '=';
    out += std::to_string(c.value);
  }
  return out;
}

bool parse_choices(std::string_view text, ChoiceList& out, ChoiceParseError& error) {
  out.clear();
  std::size_t pos = 0;
  auto fail = [&](std::string expected) {
    error.column = pos + 1;
    error.expected = std::move(expected);
    return false;
  };
  for (;;) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n')) ++pos;
    if (pos == text.size()) return true;
    const std::size_t slash = text.find('/', pos);
    if (slash == std::string_view::npos) return fail("a choice of the form kind/n=value");
    const std::string_view name = text.substr(pos, slash - pos);
    std::size_t k = 0;
    while (k < kNames.size() && kNames[k] != name) ++k;
    if (k == kNames.size()) {
      return fail("a choice kind (s, o, amount, drop, dup, delay, reorder, crash, restart, kill, partition, tamper)");
    }
    ChoiceRecord rec;
    rec.kind = static_cast<ChoiceKind>(k);
    pos = slash + 1;
    if (!parse_u32(text, pos, rec.n) || rec.n < 2) return fail("a number of alternatives n >= 2");
    if (pos >= text.size() || text[pos] != '=') return fail("'=' after n");
    ++pos;
    const std::size_t value_pos = pos;
    if (!parse_u32(text, pos, rec.value)) return fail("a chosen value");
    if (rec.value >= rec.n) {
      pos = value_pos;
      return fail("a value below n=" + std::to_string(rec.n));
    }
    if (pos < text.size() && text[pos] != ' ' && text[pos] != '\t' && text[pos] != '\n') {
      return fail("a space between choices");
    }
    out.push_back(rec);
  }
}

}  // namespace ipcsim::sim
