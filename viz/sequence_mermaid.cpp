// sequence_mermaid: the model as Mermaid sequenceDiagram text (sequence.hpp).
//
// Mermaid has no time axis and draws every message level, so each arrow is
// written where it arrives (a message leaving in the window and arriving after
// it, where it leaves) and its label carries the send and arrival times.
#include <algorithm>

#include "viz/check.hpp"
#include "viz/sequence.hpp"
#include "viz/text.hpp"

namespace ipcsim::viz {
namespace {

// Box colours per CPU group, light enough for black text.
constexpr const char* kBoxColors[] = {"rgb(232,240,254)", "rgb(232,248,236)", "rgb(254,243,226)",
                                      "rgb(243,234,250)", "rgb(230,246,248)", "rgb(250,236,240)"};

// Text Mermaid reads literally: ';' ends a statement and '<' starts HTML, so
// both become entity codes; the keyword "end" standing alone becomes "(end)".
std::string text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (c) {
      case ';': out += "#59;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '&': out += "#amp;"; break;
      case '\n':
      case '\r': out += ' '; break;
      default: {
        const auto word_char = [](char ch) {
          return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
        };
        if (c == 'e' && s.substr(i, 3) == "end" && (i == 0 || !word_char(s[i - 1])) &&
            (i + 3 == s.size() || !word_char(s[i + 3]))) {
          out += "(end)";
          i += 2;
        } else {
          out += c;
        }
      }
    }
  }
  return out;
}

std::string lane_id(const SequenceModel& m, int lane) {
  VIZ_ASSERT(lane >= 0 && static_cast<std::size_t>(lane) < m.lanes.size());
  const Lane& l = m.lanes[static_cast<std::size_t>(lane)];
  switch (l.kind) {
    case LaneKind::Kernel: return "kernel";
    case LaneKind::Others: return "others";
    case LaneKind::Actor: return "a" + std::to_string(l.actor);
  }
  return "?";
}

// "over a1" / "over a1,a4" / "right of a1" for a mark over lanes [from, to].
std::string note_place(const SequenceModel& m, int from, int to) {
  if (from < 0 || to < 0) {
    from = 0;
    to = static_cast<int>(m.lanes.size()) - 1;
  }
  if (from == to) return "right of " + lane_id(m, from);
  return "over " + lane_id(m, from) + "," + lane_id(m, to);
}

std::string arrow_text(const Item& it) {
  std::string label = it.label;
  if (!it.from_row && (it.kind == ItemKind::Message || it.kind == ItemKind::Lost)) label += " (sent before the window)";
  if (it.after_window) label += " (arrives after the window)";
  return label;
}

}  // namespace

std::string sequence_mermaid(const SequenceModel& m) {
  std::string out;
  out += "%% ipcsim sequence diagram: " + text(m.title) + "\n";
  if (!m.window.empty()) out += "%% window: " + text(m.window) + "\n";
  if (m.rows_before > 0) out += "%% " + std::to_string(m.rows_before) + " earlier rows not shown\n";
  if (m.rows_after > 0) {
    out += "%% " + std::to_string(m.rows_after) + " later rows not shown" +
           (m.cut_by_limit ? " (max_rows reached)" : "") + "\n";
  }
  out += "sequenceDiagram\n";
  if (m.lanes.empty()) {
    out += "  participant nothing as nothing to draw in this window\n";
    return out;
  }
  std::size_t box = 0;
  for (const LaneGroup& g : m.groups) {
    const bool boxed = !g.label.empty();
    if (boxed) out += "  box " + std::string(kBoxColors[box++ % std::size(kBoxColors)]) + " " + text(g.label) + "\n";
    for (std::size_t l = g.first; l <= g.last; ++l) {
      out += std::string(boxed ? "    " : "  ") + "participant " + lane_id(m, static_cast<int>(l)) + " as " +
             text(m.lanes[l].label) + "\n";
    }
    if (boxed) out += "  end\n";
  }

  // Arrows go where they arrive, or where they leave when that is all the window shows.
  std::vector<const Item*> order;
  order.reserve(m.items.size());
  for (const Item& it : m.items) order.push_back(&it);
  const auto key = [](const Item* it) { return it->after_window && it->from_row ? *it->from_row : it->row; };
  std::stable_sort(order.begin(), order.end(), [&](const Item* a, const Item* b) { return key(a) < key(b); });

  for (const Item* it : order) {
    std::string line;
    switch (it->kind) {
      case ItemKind::Message:
        line = lane_id(m, it->from_lane) + "->>" + lane_id(m, it->to_lane) + ": " + text(arrow_text(*it));
        break;
      case ItemKind::Lost:
        line = lane_id(m, it->from_lane) + "-x" + lane_id(m, it->to_lane) + ": " + text(arrow_text(*it));
        break;
      case ItemKind::Wake:
      case ItemKind::Handoff:
        line = lane_id(m, it->from_lane) + "-->>" + lane_id(m, it->to_lane) + ": " + text(it->label);
        break;
      case ItemKind::Spawn:
        line = lane_id(m, it->from_lane) + "-)" + lane_id(m, it->to_lane) + ": " + text(it->label);
        break;
      case ItemKind::Note:
        line = "Note " + note_place(m, it->from_lane, it->to_lane) + ": " + text(it->label);
        break;
      case ItemKind::Fault:
        line = "Note " + note_place(m, it->from_lane, it->to_lane) + ": FAULT " + text(it->label);
        break;
      case ItemKind::End: line = "Note " + note_place(m, -1, -1) + ": " + text(it->label); break;
      case ItemKind::Violation:
        out += "  rect rgb(255,215,215)\n";
        out += "    Note " + note_place(m, it->from_lane, it->to_lane) + ": VIOLATION " + text(it->label) + " · " +
               format_ns(it->t_to) + "\n";
        out += "  end\n";
        continue;
    }
    if (it->highlight) {
      out += "  rect rgb(255,235,235)\n    " + line + "\n  end\n";
    } else {
      out += "  " + line + "\n";
    }
  }
  return out;
}

std::string sequence_mermaid(const Trace& trace, const SequenceOptions& options) {
  return sequence_mermaid(build_sequence(trace, options));
}

}  // namespace ipcsim::viz
