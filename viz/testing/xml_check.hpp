// A small XML well-formedness checker for the viz tests: one root element,
// tags that nest and close, quoted attributes without a raw '<' or a stray
// '&', known or numeric entities, comments, the prolog and a DOCTYPE. Enough
// to catch what a generator gets wrong (an unescaped "<" in a label, an
// unclosed <g>); not a validating parser.
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace ipcsim::viz::testing {

struct XmlCheck {
  bool ok = true;
  std::string error;             // the first problem, with its byte offset
  std::string root;              // the root element's name
  std::vector<std::string> text; // every text node and attribute value, entities left as written
};

inline XmlCheck check_xml(std::string_view s) {
  XmlCheck r;
  std::vector<std::string> open;
  std::size_t i = 0;
  bool seen_root = false;
  const auto fail = [&](const std::string& why) {
    if (r.ok) {
      r.ok = false;
      r.error = why + " at byte " + std::to_string(i);
    }
  };
  const auto valid_entity = [&](std::size_t at) {
    const std::size_t semi = s.find(';', at);
    if (semi == std::string_view::npos || semi - at > 10) return false;
    const std::string_view e = s.substr(at + 1, semi - at - 1);
    if (e == "lt" || e == "gt" || e == "amp" || e == "quot" || e == "apos") return true;
    if (e.size() >= 2 && e[0] == '#') {
      const bool hex = e[1] == 'x';
      for (std::size_t k = hex ? 2 : 1; k < e.size(); ++k) {
        if (!(hex ? std::isxdigit(static_cast<unsigned char>(e[k])) : std::isdigit(static_cast<unsigned char>(e[k])))) return false;
      }
      return e.size() > (hex ? 2u : 1u);
    }
    return false;
  };
  const auto name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
  };
  while (i < s.size() && r.ok) {
    if (s[i] != '<') {
      const std::size_t next = s.find('<', i);
      const std::string_view chunk = s.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i);
      for (std::size_t k = 0; k < chunk.size(); ++k) {
        if (chunk[k] == '&' && !valid_entity(i + k)) {
          i += k;
          fail("bad entity in text");
          break;
        }
      }
      if (open.empty() && chunk.find_first_not_of(" \t\r\n") != std::string_view::npos) fail("text outside the root element");
      if (!open.empty()) r.text.emplace_back(chunk);
      if (next == std::string_view::npos) break;
      i = next;
      continue;
    }
    if (s.substr(i, 4) == "<!--") {
      const std::size_t end = s.find("-->", i + 4);
      if (end == std::string_view::npos) return fail("unclosed comment"), r;
      i = end + 3;
      continue;
    }
    if (s.substr(i, 2) == "<?") {
      const std::size_t end = s.find("?>", i + 2);
      if (end == std::string_view::npos) return fail("unclosed processing instruction"), r;
      i = end + 2;
      continue;
    }
    if (s.substr(i, 9) == "<!DOCTYPE") {
      const std::size_t end = s.find('>', i);
      if (end == std::string_view::npos) return fail("unclosed DOCTYPE"), r;
      i = end + 1;
      continue;
    }
    const bool closing = i + 1 < s.size() && s[i + 1] == '/';
    std::size_t k = i + (closing ? 2 : 1);
    const std::size_t name_start = k;
    while (k < s.size() && name_char(s[k])) ++k;
    const std::string name(s.substr(name_start, k - name_start));
    if (name.empty()) return fail("a tag without a name"), r;
    if (closing) {
      while (k < s.size() && std::isspace(static_cast<unsigned char>(s[k]))) ++k;
      if (k >= s.size() || s[k] != '>') return fail("bad closing tag </" + name), r;
      if (open.empty() || open.back() != name) {
        return fail("</" + name + "> closes <" + (open.empty() ? std::string("nothing") : open.back()) + ">"), r;
      }
      open.pop_back();
      i = k + 1;
      continue;
    }
    if (open.empty()) {
      if (seen_root) return fail("a second root element <" + name + ">"), r;
      seen_root = true;
      r.root = name;
    }
    // Attributes: name="value" or name='value'.
    for (;;) {
      while (k < s.size() && std::isspace(static_cast<unsigned char>(s[k]))) ++k;
      if (k >= s.size()) return fail("unclosed tag <" + name), r;
      if (s[k] == '>') {
        open.push_back(name);
        ++k;
        break;
      }
      if (s.substr(k, 2) == "/>") {
        k += 2;
        break;
      }
      const std::size_t a = k;
      while (k < s.size() && name_char(s[k])) ++k;
      if (k == a) return i = k, fail("bad attribute in <" + name + ">"), r;
      if (k >= s.size() || s[k] != '=') return i = k, fail("attribute without a value in <" + name + ">"), r;
      ++k;
      if (k >= s.size() || (s[k] != '"' && s[k] != '\'')) return i = k, fail("unquoted attribute in <" + name + ">"), r;
      const char q = s[k++];
      const std::size_t end = s.find(q, k);
      if (end == std::string_view::npos) return i = k, fail("unclosed attribute value"), r;
      const std::string_view value = s.substr(k, end - k);
      if (value.find('<') != std::string_view::npos) return i = k, fail("'<' inside an attribute value"), r;
      for (std::size_t v = 0; v < value.size(); ++v) {
        if (value[v] == '&' && !valid_entity(k + v)) return i = k + v, fail("bad entity in an attribute"), r;
      }
      r.text.emplace_back(value);
      k = end + 1;
    }
    i = k;
  }
  if (r.ok && !open.empty()) fail("<" + open.back() + "> is never closed");
  if (r.ok && !seen_root) fail("no root element");
  return r;
}

}  // namespace ipcsim::viz::testing
