#include "viz/plot.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "viz/check.hpp"
#include "viz/errors.hpp"
#include "viz/text.hpp"

namespace ipcsim::viz {
namespace {

// Okabe-Ito, without the yellow that vanishes on white.
constexpr const char* kColors[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"};
constexpr double kFontPt = 12;
constexpr double kTickPt = 11;
constexpr std::size_t kMaxTicks = 12;

std::string num(double v) { return format_number(v, 2); }

struct Axis {
  double lo = 0;
  double hi = 1;
  double step = 1;
  int decimals = 0;
  std::vector<double> ticks;
};

// Ticks at 1, 2 or 5 × 10^k covering [lo, hi], about six of them.
Axis nice_axis(double lo, double hi) {
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-12) {
    const double pad = std::abs(lo) > 1e-12 ? std::abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / 6;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  Axis a;
  a.step = step;
  a.lo = std::floor(lo / step + 1e-9) * step;
  a.hi = std::ceil(hi / step - 1e-9) * step;
  a.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  for (double v = a.lo; v <= a.hi + step * 1e-6 && a.ticks.size() < 4 * kMaxTicks; v += step) {
    a.ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  }
  return a;
}

std::string axis_title(const std::string& label, const std::string& unit) {
  return unit.empty() ? label : label + " (" + unit + ")";
}

// A marker of shape `k` centred on (x, y).
std::string marker(std::size_t k, double x, double y, const char* color) {
  const double r = 4;
  switch (k % 5) {
    case 0: return "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"" + num(r) + "\" fill=\"" + color + "\"/>";
    case 1:
      return "<rect x=\"" + num(x - r) + "\" y=\"" + num(y - r) + "\" width=\"" + num(2 * r) + "\" height=\"" + num(2 * r) +
             "\" fill=\"" + color + "\"/>";
    case 2:
      return "<polygon points=\"" + num(x) + "," + num(y - r - 1) + " " + num(x + r + 1) + "," + num(y + r) + " " +
             num(x - r - 1) + "," + num(y + r) + "\" fill=\"" + color + "\"/>";
    case 3:
      return "<polygon points=\"" + num(x) + "," + num(y - r - 1) + " " + num(x + r + 1) + "," + num(y) + " " + num(x) + "," +
             num(y + r + 1) + " " + num(x - r - 1) + "," + num(y) + "\" fill=\"" + color + "\"/>";
    default:
      return "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"" + num(r) + "\" fill=\"white\" stroke=\"" + color +
             "\" stroke-width=\"2\"/>";
  }
}

std::string text(double x, double y, const std::string& s, const char* anchor, double pt, const std::string& extra = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\" font-size=\"" + num(pt) + "\"" +
         (extra.empty() ? "" : " " + extra) + ">" + escape_xml(s) + "</text>";
}

}  // namespace

std::string plot_svg(const Plot& p) {
  if (!(p.width >= 200 && p.height >= 150)) throw VizError("plot: width and height must be at least 200 × 150 px");
  bool any = false;
  double x_lo = 0, x_hi = 0, y_lo = 0, y_hi = 0;
  std::set<double> categories;
  for (const Series& s : p.series) {
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) {
        throw VizError("plot '" + p.title + "': series '" + s.name + "' has a value that is not a finite number");
      }
      if (!any) {
        x_lo = x_hi = x;
        y_lo = y_hi = y;
        any = true;
      }
      x_lo = std::min(x_lo, x);
      x_hi = std::max(x_hi, x);
      y_lo = std::min(y_lo, y);
      y_hi = std::max(y_hi, y);
      categories.insert(x);
    }
  }
  if (p.y_from_zero || p.kind == PlotKind::Bar) {
    y_lo = std::min(y_lo, 0.0);
    y_hi = std::max(y_hi, 0.0);
  }
  if (!any) {
    x_lo = 0;
    x_hi = 1;
    y_lo = 0;
    y_hi = 1;
  }
  const Axis ya = nice_axis(y_lo, y_hi);
  const Axis xa = nice_axis(x_lo, x_hi);

  // Margins: room for tick labels, axis titles, the title and the legend.
  double y_tick_w = 0;
  for (double v : ya.ticks) y_tick_w = std::max(y_tick_w, text_width_pt(format_number(v, ya.decimals), kTickPt));
  double legend_w = 0;
  for (const Series& s : p.series) legend_w = std::max(legend_w, text_width_pt(s.name, kTickPt));
  legend_w = p.series.empty() ? 0 : legend_w + 44;
  const double left = y_tick_w + 46;
  const double right = legend_w + 24;
  const double top = p.title.empty() ? 20 : 44;
  const double bottom = 58;
  const double w = p.width - left - right;
  const double h = p.height - top - bottom;
  if (w < 60 || h < 60) throw VizError("plot '" + p.title + "': too small for its legend and labels");
  const auto py = [&](double y) { return top + h - (y - ya.lo) / (ya.hi - ya.lo) * h; };
  const auto px = [&](double x) { return left + (x - xa.lo) / (xa.hi - xa.lo) * w; };

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(p.width) + "\" height=\"" + num(p.height) +
         "\" viewBox=\"0 0 " + num(p.width) + " " + num(p.height) +
         "\" font-family=\"Helvetica, Arial, sans-serif\">\n";
  out += "<title>" + escape_xml(p.title) + "</title>\n";
  out += "<rect x=\"0\" y=\"0\" width=\"" + num(p.width) + "\" height=\"" + num(p.height) + "\" fill=\"white\"/>\n";
  if (!p.title.empty()) out += text(p.width / 2, 26, p.title, "middle", 15, "class=\"title\" font-weight=\"bold\"") + "\n";

  // Y axis: grid, ticks, labels, title.
  out += "<g class=\"axis y\">\n";
  for (double v : ya.ticks) {
    const double y = py(v);
    out += "<line x1=\"" + num(left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(left + w) + "\" y2=\"" + num(y) +
           "\" stroke=\"#e5e5e5\"/>\n";
    out += "<line class=\"tick\" x1=\"" + num(left - 5) + "\" y1=\"" + num(y) + "\" x2=\"" + num(left) + "\" y2=\"" + num(y) +
           "\" stroke=\"#404040\"/>\n";
    out += text(left - 8, y + 4, format_number(v, ya.decimals), "end", kTickPt, "fill=\"#404040\"") + "\n";
  }
  out += "<line x1=\"" + num(left) + "\" y1=\"" + num(top) + "\" x2=\"" + num(left) + "\" y2=\"" + num(top + h) +
         "\" stroke=\"#404040\"/>\n";
  const double ymid = top + h / 2;
  out += "<text class=\"label\" x=\"16\" y=\"" + num(ymid) + "\" text-anchor=\"middle\" font-size=\"" + num(kFontPt) +
         "\" transform=\"rotate(-90 16 " + num(ymid) + ")\">" + escape_xml(axis_title(p.y_label, p.y_unit)) + "</text>\n";
  out += "</g>\n";

  // X axis.
  out += "<g class=\"axis x\">\n";
  out += "<line x1=\"" + num(left) + "\" y1=\"" + num(top + h) + "\" x2=\"" + num(left + w) + "\" y2=\"" + num(top + h) +
         "\" stroke=\"#404040\"/>\n";
  const std::vector<double> cats(categories.begin(), categories.end());
  const double group = cats.empty() ? w : w / static_cast<double>(cats.size());
  if (p.kind == PlotKind::Bar) {
    int decimals = 0;
    for (double c : cats) {
      while (decimals < 6 && std::abs(c * std::pow(10.0, decimals) - std::round(c * std::pow(10.0, decimals))) > 1e-9) ++decimals;
    }
    for (std::size_t i = 0; i < cats.size(); ++i) {
      const double x = left + group * (static_cast<double>(i) + 0.5);
      out += "<line class=\"tick\" x1=\"" + num(x) + "\" y1=\"" + num(top + h) + "\" x2=\"" + num(x) + "\" y2=\"" +
             num(top + h + 5) + "\" stroke=\"#404040\"/>\n";
      out += text(x, top + h + 19, format_number(cats[i], decimals), "middle", kTickPt, "fill=\"#404040\"") + "\n";
    }
  } else {
    for (double v : xa.ticks) {
      const double x = px(v);
      out += "<line x1=\"" + num(x) + "\" y1=\"" + num(top) + "\" x2=\"" + num(x) + "\" y2=\"" + num(top + h) +
             "\" stroke=\"#f0f0f0\"/>\n";
      out += "<line class=\"tick\" x1=\"" + num(x) + "\" y1=\"" + num(top + h) + "\" x2=\"" + num(x) + "\" y2=\"" +
             num(top + h + 5) + "\" stroke=\"#404040\"/>\n";
      out += text(x, top + h + 19, format_number(v, xa.decimals), "middle", kTickPt, "fill=\"#404040\"") + "\n";
    }
  }
  out += text(left + w / 2, p.height - 14, axis_title(p.x_label, p.x_unit), "middle", kFontPt, "class=\"label\"") + "\n";
  out += "</g>\n";

  // Data.
  const std::size_t n_series = p.series.size();
  for (std::size_t s = 0; s < n_series; ++s) {
    const Series& series = p.series[s];
    const char* color = kColors[s % std::size(kColors)];
    out += "<g class=\"series\" data-name=\"" + escape_xml(series.name) + "\">\n";
    if (p.kind == PlotKind::Line) {
      std::vector<std::pair<double, double>> pts = series.points;
      std::stable_sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      if (pts.size() > 1) {
        out += "<polyline fill=\"none\" stroke=\"" + std::string(color) + "\" stroke-width=\"2\" points=\"";
        for (std::size_t i = 0; i < pts.size(); ++i) out += (i == 0 ? "" : " ") + num(px(pts[i].first)) + "," + num(py(pts[i].second));
        out += "\"/>\n";
      }
      for (const auto& [x, y] : pts) {
        out += "<g>" + marker(s, px(x), py(y), color) + "<title>" +
               escape_xml(series.name + ": " + format_number(x, 6) + ", " + format_number(y, 6)) + "</title></g>\n";
      }
    } else {
      const double bar = group * 0.8 / static_cast<double>(std::max<std::size_t>(n_series, 1));
      for (const auto& [x, y] : series.points) {
        const auto c = static_cast<std::size_t>(std::lower_bound(cats.begin(), cats.end(), x) - cats.begin());
        VIZ_ASSERT(c < cats.size());
        const double bx = left + group * static_cast<double>(c) + group * 0.1 + bar * static_cast<double>(s);
        const double y0 = py(0);
        const double y1 = py(y);
        out += "<rect x=\"" + num(bx) + "\" y=\"" + num(std::min(y0, y1)) + "\" width=\"" + num(bar * 0.92) + "\" height=\"" +
               num(std::abs(y1 - y0)) + "\" fill=\"" + color + "\"><title>" +
               escape_xml(series.name + ": " + format_number(x, 6) + ", " + format_number(y, 6)) + "</title></rect>\n";
        if (bar >= 18) {
          out += text(bx + bar * 0.46, std::min(y0, y1) - 4, format_number(y, ya.decimals + 1), "middle", 9,
                      "fill=\"#404040\"") + "\n";
        }
      }
    }
    out += "</g>\n";
  }
  if (!any) out += text(left + w / 2, top + h / 2, "no data", "middle", kFontPt, "fill=\"#8c8c8c\"") + "\n";

  // Legend, right of the plot area.
  if (n_series > 0) {
    out += "<g class=\"legend\">\n";
    const double lx = left + w + 18;
    double ly = top + 8;
    for (std::size_t s = 0; s < n_series; ++s) {
      const char* color = kColors[s % std::size(kColors)];
      if (p.kind == PlotKind::Line) {
        out += "<line x1=\"" + num(lx) + "\" y1=\"" + num(ly) + "\" x2=\"" + num(lx + 26) + "\" y2=\"" + num(ly) +
               "\" stroke=\"" + color + "\" stroke-width=\"2\"/>" + marker(s, lx + 13, ly, color) + "\n";
      } else {
        out += "<rect x=\"" + num(lx + 5) + "\" y=\"" + num(ly - 7) + "\" width=\"16\" height=\"14\" fill=\"" + color + "\"/>\n";
      }
      out += text(lx + 34, ly + 4, p.series[s].name, "start", kTickPt) + "\n";
      ly += 22;
    }
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace ipcsim::viz
