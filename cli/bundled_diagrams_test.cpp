// Every bundled scenario draws: its run's sequence diagram is well-formed SVG
// naming every actor of the run, and its Mermaid text names them too.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "cli/drivers/drivers.hpp"
#include "cli/scenario/loader.hpp"
#include "cli/scenario/runner.hpp"
#include "sim/jsonl_writer.hpp"
#include "testing/source_dir.hpp"
#include "viz/sequence.hpp"
#include "viz/testing/xml_check.hpp"
#include "viz/trace_reader.hpp"

namespace ipcsim::cli {
namespace {

std::vector<std::string> bundled() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(::ipcsim::source_dir()) + "/scenarios")) {
    const std::string p = e.path().string();
    if (e.path().extension() == ".toml" && p.find("/invalid/") == std::string::npos) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class BundledDiagram : public ::testing::TestWithParam<std::string> {};

TEST_P(BundledDiagram, IsWellFormedAndNamesEveryActor) {
  drivers::register_all();
  scenario::Diagnostics diag;
  auto s = scenario::load_scenario(GetParam(), diag);
  ASSERT_TRUE(s) << diag.format();
  std::ostringstream text;
  {
    sim::JsonlWriter writer(text);
    scenario::RunOptions o;
    o.observers.push_back(&writer);
    (void)scenario::run_scenario(*s, o);
  }
  std::istringstream in(text.str());
  const viz::Trace trace = viz::parse_trace(in, s->name);
  viz::SequenceOptions options;
  options.max_rows = 100'000;  // the whole run: every actor must have a lifeline
  const std::string svg = viz::sequence_svg(trace, options);
  const viz::testing::XmlCheck xml = viz::testing::check_xml(svg);
  ASSERT_TRUE(xml.ok) << xml.error;
  EXPECT_EQ(xml.root, "svg");
  const std::string mermaid = viz::sequence_mermaid(trace, options);
  ASSERT_FALSE(trace.actors().empty());
  for (const auto& [id, actor] : trace.actors()) {
    if (id == 0) continue;
    EXPECT_NE(svg.find(actor.name), std::string::npos) << "SVG misses actor " << actor.name;
    EXPECT_NE(mermaid.find(actor.name), std::string::npos) << "Mermaid misses actor " << actor.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, BundledDiagram, ::testing::ValuesIn(bundled()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = std::filesystem::path(info.param).parent_path().filename().string() +
                                              "_" + std::filesystem::path(info.param).stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace ipcsim::cli
