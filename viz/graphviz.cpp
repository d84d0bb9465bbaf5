#include "viz/graphviz.hpp"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <graphviz/gvplugin.h>

#include <memory>

#include "viz/check.hpp"
#include "viz/errors.hpp"

namespace ipcsim::viz {
namespace {

// Graphviz reports through a C callback; errors of the current call land here.
std::string g_errors;

int collect_error(char* message) {
  if (g_errors.size() < 4096) g_errors += message;
  return 0;
}

#if IPCSIM_VIZ_BUILTIN_GRAPHVIZ_PLUGINS
// The plugins viz/ needs, linked in: dot and neato layouts, and the core
// renderers (SVG). Without the pango text-layout plugin, Graphviz measures
// text with its own Helvetica metrics instead of the fonts installed here, so
// a drawing is the same bytes on every machine; nor does it need the plugin
// configuration file, fontconfig or glib at run time.
extern "C" {
extern gvplugin_library_t gvplugin_core_LTX_library;
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern gvplugin_library_t gvplugin_neato_layout_LTX_library;
}
lt_symlist_t g_plugins[] = {
    {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
    {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
    {"gvplugin_neato_layout_LTX_library", &gvplugin_neato_layout_LTX_library},
    {nullptr, nullptr},
};
#endif

// One context for the process: Graphviz keeps global state anyway.
GVC_t* context() {
  static GVC_t* gvc = [] {
    agseterr(AGERR);  // warnings (a label wider than its node) are not failures
    agseterrf(&collect_error);
#if IPCSIM_VIZ_BUILTIN_GRAPHVIZ_PLUGINS
    return gvContextPlugins(g_plugins, /*demand_loading=*/0);
#else
    return gvContext();  // the installed plugins, from their configuration file
#endif
  }();
  return gvc;
}

struct GraphCloser {
  void operator()(Agraph_t* g) const { agclose(g); }
};

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string render_dot(std::string_view dot, std::string_view engine, std::string_view format) {
  GVC_t* gvc = context();
  if (gvc == nullptr) throw GraphvizError("graphviz: cannot create a context (is libgvc installed with its plugins?)");
  g_errors.clear();
  const std::string text(dot);
  std::unique_ptr<Agraph_t, GraphCloser> g(agmemread(text.c_str()));
  if (g == nullptr) throw GraphvizError("graphviz: the DOT text does not parse: " + trimmed(g_errors));
  const std::string engine_name(engine);
  if (gvLayout(gvc, g.get(), engine_name.c_str()) != 0) {
    throw GraphvizError("graphviz: layout '" + engine_name + "' failed: " + trimmed(g_errors));
  }
  char* data = nullptr;
  unsigned int length = 0;
  const std::string format_name(format);
  const int rc = gvRenderData(gvc, g.get(), format_name.c_str(), &data, &length);
  std::string out;
  if (rc == 0 && data != nullptr) out.assign(data, length);
  if (data != nullptr) gvFreeRenderData(data);
  gvFreeLayout(gvc, g.get());
  if (rc != 0) throw GraphvizError("graphviz: rendering to '" + format_name + "' failed: " + trimmed(g_errors));
  VIZ_ASSERT(!out.empty());
  return out;
}

}  // namespace ipcsim::viz
