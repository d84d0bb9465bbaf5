// Small text helpers shared by the renderers: times, escaping, widths.
//
//   viz::format_ns(1064)          -> "1.064 µs"    (exact: integers only, no rounding)
//   viz::escape_xml("a<b")        -> "a&lt;b"
//   viz::text_width_pt("ping", 10) -> width of the text in Helvetica 10 pt, in points
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ipcsim::viz {

// A simulated time or duration in the largest unit that keeps it >= 1, with
// every significant digit kept: "250 ns", "1.064 µs", "2 ms", "1.5 s".
std::string format_ns(std::int64_t ns);

// For XML/SVG/HTML text and attribute values.
std::string escape_xml(std::string_view text);
// The inside of a DOT double-quoted string (quotes, backslashes, newlines).
std::string escape_dot(std::string_view text);
// For a JSON string literal, quotes included.
std::string json_string(std::string_view text);

// At most `max_chars` characters (UTF-8 code points), with "…" when cut.
std::string shorten(std::string_view text, std::size_t max_chars);
// Number of UTF-8 code points.
std::size_t char_count(std::string_view text);

// Width of `text` at `size_pt`, in points: Helvetica's advance widths plus the
// slack a viewer falling back to DejaVu Sans needs. Layouts use it to make room.
double text_width_pt(std::string_view text, double size_pt);

// A number with at most `decimals` digits after the point, trailing zeros cut:
// format_number(2.50, 2) -> "2.5". Locale-independent.
std::string format_number(double value, int decimals);

}  // namespace ipcsim::viz
