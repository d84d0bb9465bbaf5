// sequence_dot / sequence_svg: the model drawn by Graphviz (sequence.hpp).
//
// viz/ computes the whole layout itself (a sequence diagram is a grid: lanes
// across, rows down) and hands Graphviz pinned positions ("nop2", neato -n2):
// CPU groups are tinted boxes, lifelines and arrows are straight edges
// between invisible points, labels and notes are nodes with a
// white or tinted background. Edges are drawn first, so labels stay readable
// where an arrow crosses them.
//
// Screen coordinates below grow downwards from the top-left corner; dot()
// flips them for Graphviz, whose y axis grows upwards.
#include <algorithm>
#include <map>

#include "viz/check.hpp"
#include "viz/graphviz.hpp"
#include "viz/sequence.hpp"
#include "viz/text.hpp"

namespace ipcsim::viz {
namespace {

constexpr const char* kFont = "Helvetica";
constexpr double kLabelPt = 9;      // arrow labels, notes
constexpr double kHeaderPt = 11;    // actor names
constexpr double kSubPt = 8;        // "#id · prio"
constexpr double kTimePt = 8.5;     // the time column
constexpr double kRowPt = 24;       // one row of the diagram
constexpr double kHeaderHeight = 34;
constexpr double kMinGap = 96;      // between two lifelines
constexpr double kGroupPad = 12;    // a CPU box around its lifelines
constexpr double kNoteHeight = 15;
constexpr double kBold = 1.15;  // bold text is wider, more so in the DejaVu fallback
constexpr double kLabelClearance = 9;  // extra room between rows whose labels would touch
constexpr std::size_t kBottomHeadersFrom = 24;  // rows; repeat the actor names below longer diagrams

// Translucent: over white they give #eef4fd, #eef9f0, #fef6ea, ...
constexpr const char* kGroupFill[] = {"#86b0f124", "#86d49424", "#f8bf6924", "#bf8de224", "#77cddb24", "#ea94a924"};
constexpr const char* kGroupLine[] = {"#9db8e0", "#9fd0ab", "#e8c48f", "#c9acdf", "#93cbd3", "#e3a9b9"};

struct Style {
  const char* color;
  const char* line;   // solid, dashed, dotted
  const char* head;   // arrowhead
};

Style arrow_style(const Item& it) {
  if (it.highlight) return {"#d62728", "solid", "normal"};
  switch (it.kind) {
    case ItemKind::Message: return {it.duplicate ? "#c55a11" : "#1f4e9a", "solid", "normal"};
    case ItemKind::Lost: return {"#c0392b", "solid", "none"};
    case ItemKind::Wake: return {"#595959", "dashed", "normal"};
    case ItemKind::Handoff: return {"#7b3fa0", "dashed", "normal"};
    case ItemKind::Spawn: return {"#2e7d32", "dotted", "empty"};
    default: return {"#000000", "solid", "normal"};
  }
}

bool is_arrow(ItemKind k) {
  return k == ItemKind::Message || k == ItemKind::Lost || k == ItemKind::Wake || k == ItemKind::Handoff ||
         k == ItemKind::Spawn;
}

std::string num(double v) { return format_number(v, 2); }

class Layout {
 public:
  explicit Layout(const SequenceModel& m) : m_(m) {
    place_columns();
    place_rows();
  }

  std::string dot() {
    out_ += "digraph sequence {\n";
    out_ += "  graph [bgcolor=white, outputorder=edgesfirst, splines=false, pad=0.25, fontname=\"" +
            std::string(kFont) + "\"];\n";
    out_ += "  node [fontname=\"" + std::string(kFont) + "\", fontsize=" + num(kLabelPt) + "];\n";
    out_ += "  edge [fontname=\"" + std::string(kFont) + "\"];\n";
    groups();
    bands();
    lifelines();
    for (std::size_t k = 0; k < m_.items.size(); ++k) item(k, m_.items[k]);
    lifeline_ends();
    time_column();
    headings();
    out_ += "}\n";
    return std::move(out_);
  }

 private:
  // ---- Geometry ----------------------------------------------------------------------

  double header_width(const Lane& l) const {
    return std::max({text_width_pt(l.name, kHeaderPt) * kBold, text_width_pt(l.sublabel, kSubPt), 48.0}) + 18;
  }

  double label_width(const std::string& s, double pt = kLabelPt) const { return text_width_pt(s, pt) + 10; }

  void place_columns() {
    for (std::size_t r = 0; r < m_.rows.size(); ++r) {
      if (r == 0 || m_.rows[r].t != m_.rows[r - 1].t) time_width_ = std::max(time_width_, text_width_pt(format_ns(m_.rows[r].t), kTimePt));
    }
    gutter_ = std::max(time_width_ + 22, 64.0);
    const std::size_t n = m_.lanes.size();
    std::vector<double> gap(n > 0 ? n - 1 : 0, 0);
    std::vector<std::size_t> group_of(n, 0);
    for (std::size_t g = 0; g < m_.groups.size(); ++g) {
      for (std::size_t l = m_.groups[g].first; l <= m_.groups[g].last; ++l) group_of[l] = g;
    }
    for (std::size_t l = 0; l + 1 < n; ++l) {
      gap[l] = std::max(kMinGap, (header_width(m_.lanes[l]) + header_width(m_.lanes[l + 1])) / 2 + 14);
      if (group_of[l] != group_of[l + 1]) gap[l] += 2 * kGroupPad + 10;
    }
    // Room for what is written beside a lifeline (notes, to its right) within
    // its CPU box, and between that box and the next one.
    // A violation may lie across its neighbours' lifelines (it is the one thing
    // to see on its row): it only widens the canvas.
    beside_.assign(n, 0);
    for (const Item& it : m_.items) {
      if (it.from_lane < 0 || it.from_lane != it.to_lane) continue;
      const auto l = static_cast<std::size_t>(it.from_lane);
      const double w = is_arrow(it.kind) ? label_width(arrow_label(it)) + 40 : note_width(it) + 8;
      if (it.kind != ItemKind::Violation) beside_[l] = std::max(beside_[l], w);
    }
    for (std::size_t l = 0; l < n; ++l) {
      if (beside_[l] == 0) continue;
      if (l + 1 == n) {
        right_extra_ = std::max(right_extra_, beside_[l] + kGroupPad + 8);
      } else if (group_of[l] != group_of[l + 1]) {
        gap[l] = std::max(gap[l], beside_[l] + 2 * kGroupPad + 14 + header_width(m_.lanes[l + 1]) / 2);
      } else {
        gap[l] = std::max(gap[l], beside_[l] + 8);
      }
    }
    // Room for arrow labels between the lifelines they join, narrowest spans first.
    std::vector<const Item*> arrows;
    for (const Item& it : m_.items) {
      if (is_arrow(it.kind) && it.from_lane != it.to_lane) arrows.push_back(&it);
    }
    std::stable_sort(arrows.begin(), arrows.end(), [](const Item* a, const Item* b) {
      return std::abs(a->from_lane - a->to_lane) < std::abs(b->from_lane - b->to_lane);
    });
    for (const Item* it : arrows) {
      const auto a = static_cast<std::size_t>(std::min(it->from_lane, it->to_lane));
      const auto b = static_cast<std::size_t>(std::max(it->from_lane, it->to_lane));
      double have = 0;
      for (std::size_t l = a; l < b; ++l) have += gap[l];
      const double need = label_width(arrow_label(*it)) + 22;
      if (need > have) {
        const double each = (need - have) / static_cast<double>(b - a);
        for (std::size_t l = a; l < b; ++l) gap[l] += each;
      }
    }
    x_.resize(n);
    double x = gutter_ + kGroupPad + 14 + (n > 0 ? header_width(m_.lanes[0]) / 2 : 0);
    for (std::size_t l = 0; l < n; ++l) {
      x_[l] = x;
      if (l + 1 < n) x += gap[l];
    }
    const double last_half = n > 0 ? header_width(m_.lanes[n - 1]) / 2 : 0;
    width_ = (n > 0 ? x_[n - 1] : gutter_) + std::max(last_half + kGroupPad, right_extra_) + 24;
    for (const Item& it : m_.items) {
      if (is_arrow(it.kind)) continue;
      if (it.from_lane >= 0 && it.from_lane == it.to_lane) {
        if (it.kind == ItemKind::Violation) width_ = std::max(width_, x_[static_cast<std::size_t>(it.from_lane)] + note_width(it) + 24);
        continue;
      }
      const auto [left, w] = span_box(it);
      width_ = std::max(width_, left + w + 12);
    }
    width_ = std::max({width_, text_width_pt(m_.title, 12) + 40, text_width_pt(subtitle(), kLabelPt) + 40});
  }

  // Where an arrow's label goes: above a level arrow, or above the row an
  // arrow leaves when it arrives after the window; below the head of a slanted
  // one, on its own row (the line comes from above, so below is free).
  enum class Side : std::uint8_t { Above, Below };
  struct Spot {
    std::size_t row = 0;
    Side side = Side::Above;
  };
  static Spot label_spot(const Item& it) {
    if (it.after_window && it.from_row) return {*it.from_row, Side::Above};
    if (it.from_row && *it.from_row == it.row) return {it.row, Side::Above};
    return {it.row, Side::Below};
  }

  void place_rows() {
    title_h_ = subtitle().empty() ? 30 : 46;
    header_y_ = title_h_ + 22 + kHeaderHeight / 2;  // room for the CPU name above
    rows_y_ = header_y_ + kHeaderHeight / 2 + kRowPt * 0.9;
    // A label below one row and another above the next would touch: those two
    // rows get a little more room.
    const std::size_t n = m_.rows.size();
    std::vector<bool> below(n, false), above(n, false);
    for (const Item& it : m_.items) {
      if (!is_arrow(it.kind) || it.from_lane == it.to_lane) continue;
      const Spot spot = label_spot(it);
      (spot.side == Side::Below ? below : above)[spot.row] = true;
    }
    y_.resize(n);
    double y = rows_y_;
    for (std::size_t r = 0; r < n; ++r) {
      y_[r] = y;
      y += kRowPt + (r + 1 < n && below[r] && above[r + 1] ? kLabelClearance : 0);
    }
    const double rows_end = row_y(static_cast<double>(n) - 0.5);
    bottom_y_ = rows_end + 6;
    height_ = bottom_y_ + 16;
    if (bottom_headers()) height_ += kHeaderHeight + 8;
    if (m_.rows_after > 0) height_ += 22;
  }

  bool bottom_headers() const { return m_.rows.size() >= kBottomHeadersFrom; }

  // The y of a row position; x.5 lies halfway between rows x and x+1.
  double row_y(double pos) const {
    const std::size_t n = y_.size();
    if (n == 0) return rows_y_ + pos * kRowPt;
    if (pos <= 0) return y_[0] + pos * kRowPt;
    const double last = static_cast<double>(n - 1);
    if (pos >= last) return y_[n - 1] + (pos - last) * kRowPt;
    const auto r = static_cast<std::size_t>(pos);
    return y_[r] + (pos - static_cast<double>(r)) * (y_[r + 1] - y_[r]);
  }
  double top_y() const { return header_y_ + kHeaderHeight / 2; }

  std::string subtitle() const {
    std::string s = m_.window.empty() ? "" : "window: " + m_.window;
    if (m_.rows_before > 0) s += (s.empty() ? "" : " · ") + std::to_string(m_.rows_before) + " earlier rows not shown";
    return s;
  }

  double note_width(const Item& it) const {
    const double pt = it.kind == ItemKind::Violation ? kLabelPt + 1 : kLabelPt;
    return text_width_pt(note_text(it), pt) * (it.kind == ItemKind::Violation ? kBold : 1.0) + 14;
  }

  static std::string note_text(const Item& it) {
    if (it.kind == ItemKind::Violation) return "VIOLATION: " + it.label;
    return it.label;
  }

  // ---- DOT output --------------------------------------------------------------------

  std::string pos(double x, double y) const { return "pos=\"" + num(x) + "," + num(height_ - y) + "!\""; }

  void point(const std::string& name, double x, double y, const std::string& extra = "") {
    out_ += "  " + name + " [shape=point, width=0.01, height=0.01, style=invis, " + pos(x, y) +
            (extra.empty() ? "" : ", " + extra) + "];\n";
  }

  void edge(const std::string& a, const std::string& b, const std::string& attrs) {
    out_ += "  " + a + " -> " + b + " [" + attrs + "];\n";
  }

  // A text; with `width_pt`, its background is that wide (our estimate, which
  // leaves room for the DejaVu fallback), else as wide as Graphviz thinks.
  void text_node(const std::string& name, double cx, double cy, const std::string& text, const std::string& attrs,
                 double width_pt = 0) {
    const std::string size = width_pt > 0 ? "fixedsize=true, width=" + num(width_pt / 72) : "width=0";
    out_ += "  " + name + " [shape=plaintext, margin=\"0.03,0.01\", height=0.16, " + size + ", " + pos(cx, cy) +
            ", label=\"" + escape_dot(text) + "\"" + (attrs.empty() ? "" : ", " + attrs) + "];\n";
  }

  void box(const std::string& name, double cx, double cy, double w, double h, const std::string& attrs) {
    out_ += "  " + name + " [shape=box, fixedsize=true, width=" + num(w / 72) + ", height=" + num(h / 72) + ", " +
            pos(cx, cy) + ", " + attrs + "];\n";
  }

  // A mark over several lanes: its left edge and width. As wide as the lanes
  // it covers, or as its text; centred on them, but never left of the time column.
  std::pair<double, double> span_box(const Item& it) const {
    const auto [left, right] = span_x(it.from_lane, it.to_lane);
    const double w = std::max(note_width(it), right - left);
    return {std::max((left + right) / 2 - w / 2, gutter_ + 4), w};
  }

  std::pair<double, double> span_x(int from, int to) const {
    if (m_.lanes.empty()) return {gutter_, width_};
    if (from < 0 || to < 0) {
      from = 0;
      to = static_cast<int>(m_.lanes.size()) - 1;
    }
    return {x_[static_cast<std::size_t>(from)] - 28, x_[static_cast<std::size_t>(to)] + 28};
  }

  // CPU groups are tinted boxes behind their lifelines. Not Graphviz clusters:
  // Graphviz emits clusters in an order that depends on string addresses, so
  // two renders of one graph could differ. Nodes keep their declaration order;
  // these come first, and their fill is translucent because edges (drawn
  // before all nodes) pass beneath them.
  void groups() {
    std::size_t color = 0;
    for (std::size_t g = 0; g < m_.groups.size(); ++g) {
      const LaneGroup& group = m_.groups[g];
      if (group.label.empty()) continue;
      const double left = x_[group.first] - header_width(m_.lanes[group.first]) / 2 - kGroupPad;
      double right = x_[group.last] + header_width(m_.lanes[group.last]) / 2 + kGroupPad;
      for (std::size_t l = group.first; l <= group.last; ++l) right = std::max(right, x_[l] + beside_[l] + kGroupPad);
      const double top = title_h_;
      const double bottom = bottom_headers() ? bottom_y_ + kHeaderHeight + 10 : bottom_y_ + 4;
      const std::size_t c = color++ % std::size(kGroupFill);
      box("group" + std::to_string(g), (left + right) / 2, (top + bottom) / 2, right - left, bottom - top,
          "style=\"filled,rounded\", fillcolor=\"" + std::string(kGroupFill[c]) + "\", color=\"" + kGroupLine[c] +
              "\", label=\"\", tooltip=\"" + escape_dot(group.label) + "\"");
      const double name_w = text_width_pt(group.label, 10);
      text_node("group" + std::to_string(g) + "_name", left + 8 + name_w / 2, top + 10, group.label,
                "fontsize=10, fontcolor=\"#404040\", tooltip=\"" + escape_dot(group.label) + "\"", name_w);
    }
  }

  // Tinted bands behind violations and CPU faults, full width.
  void bands() {
    for (std::size_t k = 0; k < m_.items.size(); ++k) {
      const Item& it = m_.items[k];
      if (it.kind != ItemKind::Violation) continue;
      const double y = row_y(static_cast<double>(it.row));
      box("band" + std::to_string(k), (gutter_ + width_) / 2, y, width_ - gutter_ + 10, kRowPt - 2,
          "style=filled, color=\"#d6272800\", fillcolor=\"#d6272820\", label=\"\"");
    }
  }

  void lifelines() {
    for (std::size_t l = 0; l < m_.lanes.size(); ++l) {
      const Lane& lane = m_.lanes[l];
      const std::string id = "lane" + std::to_string(l);
      const double x = x_[l];
      const double start = lane.begins ? row_y(*lane.begins) : top_y();
      const double stop = lane.ends ? row_y(*lane.ends) : bottom_y_;
      int piece = 0;
      const auto segment = [&](double y1, double y2, const std::string& attrs) {
        if (y2 - y1 < 0.5) return;
        const std::string a = id + "_" + std::to_string(piece) + "a";
        const std::string b = id + "_" + std::to_string(piece) + "b";
        ++piece;
        point(a, x, y1);
        point(b, x, y2);
        edge(a, b, "arrowhead=none, " + attrs);
      };
      const char* alive = lane.kind == LaneKind::Actor ? "#7f7f7f" : "#b0b0b0";
      if (lane.begins) segment(top_y(), start, "color=\"#d0d0d0\", style=dotted, tooltip=\"" + escape_dot(lane.label + ": not spawned yet") + "\"");
      double cur = start;
      for (const WaitSpan& w : lane.waits) {
        const double from = std::max(row_y(w.from), start);
        const double to = std::min(row_y(w.to), stop);
        if (to <= from) continue;
        segment(cur, from, "color=\"" + std::string(alive) + "\", penwidth=1.3, tooltip=\"" + escape_dot(lane.label) + "\"");
        segment(from, to, "color=\"#b8b8b8\", style=dashed, tooltip=\"" + escape_dot("waits: " + w.what) + "\"");
        cur = to;
      }
      segment(cur, stop, "color=\"" + std::string(alive) + "\", penwidth=1.3, tooltip=\"" + escape_dot(lane.label) + "\"");
    }
  }

  // Where lifelines end: a bar for an exit, a red cross for a kill. Drawn after
  // the marks, so a crash's band does not hide them.
  void lifeline_ends() {
    for (std::size_t l = 0; l < m_.lanes.size(); ++l) {
      const Lane& lane = m_.lanes[l];
      if (!lane.ends) continue;
      const std::string id = "lane" + std::to_string(l) + "_end";
      const double y = row_y(*lane.ends);
      if (lane.killed) {
        text_node(id, x_[l], y, "×", "fontsize=16, fontcolor=\"#c0392b\", style=\"\", tooltip=\"" +
                                        escape_dot(lane.label + " killed") + "\"");
      } else {
        box(id, x_[l], y, 16, 2.5, "style=filled, color=\"#7f7f7f\", fillcolor=\"#7f7f7f\", label=\"\", tooltip=\"" +
                                       escape_dot(lane.label + " exits") + "\"");
      }
    }
  }

  void item(std::size_t k, const Item& it) {
    const std::string id = "i" + std::to_string(k);
    if (is_arrow(it.kind)) {
      arrow(id, it);
    } else {
      mark(id, it);
    }
  }

  void arrow(const std::string& id, const Item& it) {
    const Style s = arrow_style(it);
    const auto from_lane = static_cast<std::size_t>(it.from_lane);
    const auto to_lane = static_cast<std::size_t>(it.to_lane);
    const double x1 = x_[from_lane];
    const double x2 = x_[to_lane];
    const double y1 = it.from_row ? row_y(static_cast<double>(*it.from_row)) : row_y(-0.5);
    const double y2 = it.after_window ? row_y(static_cast<double>(m_.rows.size()) - 0.5) : row_y(static_cast<double>(it.row));
    const std::string color = std::string("color=\"") + s.color + "\"";
    const std::string tip = "tooltip=\"" + escape_dot(it.detail) + "\"";
    const std::string common = color + ", style=" + s.line + ", penwidth=" + (it.highlight ? "2.2" : "1.3") +
                               ", arrowsize=0.7, " + tip;
    if (from_lane == to_lane) {
      // A loop to the right of the lifeline.
      const double y2b = std::max(y2, y1 + 12);
      point(id + "s", x1, y1);
      point(id + "m1", x1 + 30, y1);
      point(id + "m2", x1 + 30, y2b);
      point(id + "d", x1 + 2, y2b);
      edge(id + "s", id + "m1", common + ", arrowhead=none");
      edge(id + "m1", id + "m2", common + ", arrowhead=none");
      edge(id + "m2", id + "d", common + ", arrowhead=" + s.head);
      text_node(id + "l", x1 + 36 + label_width(it.label) / 2, (y1 + y2b) / 2, it.label, label_attrs(s, it),
                label_width(it.label));
      if (it.kind == ItemKind::Lost) cross(id, x1 + 2, y2b);
      return;
    }
    const double dir = x2 > x1 ? 1 : -1;
    // Stop short of the receiving lifeline so the head sits on it, not across it.
    const double x2_end = x2 - dir * 1.5;
    point(id + "s", x1, y1);
    point(id + "d", x2_end, y2);
    edge(id + "s", id + "d", common + ", arrowhead=" + s.head);
    if (it.from_row && y2 > y1 + 1) {
      // The sending end of a message in flight: a dot on the sender's lifeline.
      out_ += "  " + id + "o [shape=point, width=0.06, height=0.06, color=\"" + s.color + "\", " + pos(x1, y1) + "];\n";
    }
    if (it.kind == ItemKind::Lost) cross(id, x2, y2);
    // A level arrow is labelled above its middle. A slanted one is labelled on
    // its own row, where it arrives: just under the head, on the side it comes
    // from, a place its line never crosses. Several copies of one message leave
    // from one row but arrive on different rows, so their labels never collide.
    const std::string label = arrow_label(it);
    const double w = label_width(label);
    const Spot spot = label_spot(it);
    const double cy = row_y(static_cast<double>(spot.row)) + (spot.side == Side::Above ? -8 : 8);
    double cx = 0;
    if (spot.side == Side::Below) {
      cx = x2 - dir * (10 + w / 2);
    } else if (it.after_window) {
      cx = x1 + dir * (8 + w / 2);
    } else {
      cx = (x1 + x2) / 2;
    }
    text_node(id + "l", cx, cy, label, label_attrs(s, it), w);
  }

  static std::string arrow_label(const Item& it) {
    std::string label = it.label;
    if (!it.from_row && (it.kind == ItemKind::Message || it.kind == ItemKind::Lost)) label += " (sent before)";
    if (it.after_window) label += " (arrives later)";
    return label;
  }

  static std::string label_attrs(const Style& s, const Item& it) {
    return std::string("style=filled, fillcolor=\"#ffffffe0\", fontcolor=\"") + s.color + "\", tooltip=\"" +
           escape_dot(it.detail) + "\"" + (it.highlight ? ", fontname=\"Helvetica-Bold\"" : "");
  }

  void cross(const std::string& id, double x, double y) {
    text_node(id + "x", x, y, "×", "fontsize=15, fontcolor=\"#c0392b\", style=\"\"");
  }

  void mark(const std::string& id, const Item& it) {
    const double y = row_y(static_cast<double>(it.row));
    const std::string text = note_text(it);
    std::string fill = "#fffbe6";
    std::string line = "#d4b106";
    std::string font = "#5c4b00";
    std::string extra;
    switch (it.kind) {
      case ItemKind::Fault: fill = "#fff1f0"; line = "#cf1322"; font = "#a8071a"; break;
      case ItemKind::Violation: fill = "#d62728"; line = "#8b0000"; font = "#ffffff"; extra = ", fontname=\"Helvetica-Bold\", fontsize=" + num(kLabelPt + 1); break;
      case ItemKind::End: fill = "#f0f0f0"; line = "#8c8c8c"; font = "#262626"; break;
      default: break;
    }
    if (it.highlight) {
      line = "#d62728";
      extra += ", penwidth=2";
    }
    const double w = note_width(it);
    const double h = it.kind == ItemKind::Violation ? kNoteHeight + 3 : kNoteHeight;
    double cx = 0;
    if (it.from_lane >= 0 && it.from_lane == it.to_lane) {
      cx = x_[static_cast<std::size_t>(it.from_lane)] + 8 + w / 2;
    } else {
      const auto [left, span] = span_box(it);
      box(id, left + span / 2, y, span, h,
          "style=\"filled,rounded\", fillcolor=\"" + fill + "\", color=\"" + line + "\", fontcolor=\"" + font +
              "\", label=\"" + escape_dot(text) + "\", tooltip=\"" + escape_dot(it.detail) + "\"" + extra);
      return;
    }
    box(id, cx, y, w, h,
        "style=\"filled,rounded\", fillcolor=\"" + fill + "\", color=\"" + line + "\", fontcolor=\"" + font +
            "\", label=\"" + escape_dot(text) + "\", tooltip=\"" + escape_dot(it.detail) + "\"" + extra);
  }

  void time_column() {
    for (std::size_t r = 0; r < m_.rows.size(); ++r) {
      if (r != 0 && m_.rows[r].t == m_.rows[r - 1].t) continue;
      const std::string t = format_ns(m_.rows[r].t);
      const double w = text_width_pt(t, kTimePt);
      text_node("t" + std::to_string(r), gutter_ - 12 - w / 2, row_y(static_cast<double>(r)), t,
                "fontsize=" + num(kTimePt) + ", fontcolor=\"#595959\", tooltip=\"seq " + std::to_string(m_.rows[r].seq) +
                    "\"");
    }
    if (!m_.rows.empty()) {
      text_node("time_head", gutter_ - 12 - text_width_pt("time", kTimePt) / 2, header_y_, "time",
                "fontsize=" + num(kTimePt) + ", fontcolor=\"#595959\"");
    }
  }

  std::string header_label(const Lane& l) const {
    // The name alone: the id below it tells apart actors of one name.
    return "<<b>" + escape_xml(l.name) + "</b><br/><font point-size=\"" + num(kSubPt) + "\" color=\"#595959\">" +
           escape_xml(l.sublabel) + "</font>>";
  }

  void headings() {
    const std::string title = m_.title;
    const double title_w = text_width_pt(title, 12) * kBold;
    text_node("title", 14 + title_w / 2, 16, title, "fontsize=12, fontname=\"Helvetica-Bold\"", title_w);
    if (const std::string sub = subtitle(); !sub.empty()) {
      text_node("subtitle", 14 + text_width_pt(sub, kLabelPt) / 2, 34, sub, "fontcolor=\"#595959\"",
                text_width_pt(sub, kLabelPt));
    }
    for (std::size_t l = 0; l < m_.lanes.size(); ++l) {
      const Lane& lane = m_.lanes[l];
      const char* fill = lane.kind == LaneKind::Actor ? "#ffffff" : "#f5f5f5";
      std::string tip = lane.label;
      if (lane.kind == LaneKind::Actor) tip += " (actor #" + std::to_string(lane.actor) + ")";
      const std::string attrs = "style=\"filled,rounded\", fillcolor=\"" + std::string(fill) +
                                "\", color=\"#595959\", fontsize=" + num(kHeaderPt) + ", label=" + header_label(lane) +
                                ", tooltip=\"" + escape_dot(tip) + "\"";
      box("h" + std::to_string(l), x_[l], header_y_, header_width(lane), kHeaderHeight, attrs);
      if (bottom_headers()) {
        box("hb" + std::to_string(l), x_[l], bottom_y_ + 6 + kHeaderHeight / 2, header_width(lane), kHeaderHeight, attrs);
      }
    }
    if (m_.rows_after > 0) {
      const std::string note = std::to_string(m_.rows_after) + " later rows not shown" +
                               (m_.cut_by_limit ? " (the max_rows limit): narrow the window or filter actors" : "");
      text_node("cut_after", 14 + text_width_pt(note, kLabelPt) / 2, height_ - 12, note, "fontcolor=\"#a8071a\"",
                text_width_pt(note, kLabelPt));
    }
    if (m_.rows.empty()) {
      text_node("empty", width_ / 2, rows_y_, "nothing to draw in this window", "fontcolor=\"#595959\"");
    }
  }

  const SequenceModel& m_;
  std::string out_;
  std::vector<double> x_;
  std::vector<double> y_;       // per row
  std::vector<double> beside_;  // per lane: how far its notes reach right of it
  double gutter_ = 0;
  double time_width_ = 0;
  double right_extra_ = 0;
  double width_ = 0;
  double height_ = 0;
  double title_h_ = 0;
  double header_y_ = 0;
  double rows_y_ = 0;
  double bottom_y_ = 0;
};

}  // namespace

std::string sequence_dot(const SequenceModel& model) { return Layout(model).dot(); }

std::string sequence_dot(const Trace& trace, const SequenceOptions& options) {
  return sequence_dot(build_sequence(trace, options));
}

std::string sequence_svg(const SequenceModel& model) { return render_dot(sequence_dot(model), "nop2"); }

std::string sequence_svg(const Trace& trace, const SequenceOptions& options) {
  return sequence_svg(build_sequence(trace, options));
}

}  // namespace ipcsim::viz
