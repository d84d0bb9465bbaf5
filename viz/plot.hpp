// Line and bar charts as self-contained SVG (no Graphviz, no script), for
// strategy comparisons and fuzz campaigns.
//
// A plot has a title, an x and a y axis (label and unit: "processors",
// "inspections per message"), and series of (x, y) points. Line charts put x
// on a numeric axis; bar charts make one group per distinct x value with one
// bar per series. Axes have "nice" ticks (1, 2, 5 × 10^k) and grid lines; the
// legend names each series with its colour and marker (colours are the
// Okabe-Ito set, readable with colour-blindness; markers differ too).
//
//   viz::Plot p;
//   p.title = "message-list scan: cost per message";
//   p.x_label = "processors";
//   p.y_label = "inspections per message";
//   p.series = {{"restart at head", {{1, 4.0}, {2, 7.5}, {4, 15.2}}},
//               {"look-ahead pointer", {{1, 1.2}, {2, 1.4}, {4, 1.9}}}};
//   std::ofstream("scan.svg") << viz::plot_svg(p);
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ipcsim::viz {

enum class PlotKind : unsigned char { Line, Bar };

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y)
};

struct Plot {
  PlotKind kind = PlotKind::Line;
  std::string title;
  std::string x_label;
  std::string x_unit;  // shown as "label (unit)"; empty: none
  std::string y_label;
  std::string y_unit;
  std::vector<Series> series;
  double width = 720;   // px
  double height = 420;  // px
  bool y_from_zero = true;  // keep 0 on the y axis (bars always start at 0)
};

// Throws VizError for a value that is not finite or a size too small to draw.
std::string plot_svg(const Plot& plot);

}  // namespace ipcsim::viz
