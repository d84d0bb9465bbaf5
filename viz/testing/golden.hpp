// Golden files for the viz tests: expected outputs kept under viz/testdata/.
//
// expect_golden("ping_pong.mmd", text) compares `text` with the file; with the
// environment variable IPCSIM_UPDATE_GOLDEN=1 it rewrites the file instead (then
// review the diff with git before committing it). In that mode stored_trace()
// first rewrites the stored trace from its program (testing/programs.hpp).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "testing/source_dir.hpp"
#include "viz/exploration_tree.hpp"
#include "viz/testing/programs.hpp"
#include "viz/trace_reader.hpp"

namespace ipcsim::viz::testing {

inline std::string testdata_path(const std::string& name) {
  return std::string(::ipcsim::source_dir()) + "/viz/testdata/" + name;
}

inline bool updating_golden() {
  const char* v = std::getenv("IPCSIM_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// The first line where two texts differ, for a readable failure.
inline std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ga = static_cast<bool>(std::getline(sa, la));
    const bool gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga && !gb) return "no difference";
    if (!ga || !gb || la != lb) {
      return "line " + std::to_string(line) + ":\n  expected: " + (gb ? lb : "<end>") + "\n  actual:   " + (ga ? la : "<end>");
    }
  }
}

inline void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = testdata_path(name);
  if (updating_golden()) {
    write_file(path, actual);
    return;
  }
  std::ifstream probe(path);
  ASSERT_TRUE(probe.good()) << "missing golden file " << path << " (run the test with IPCSIM_UPDATE_GOLDEN=1 to create it)";
  const std::string expected = read_file(path);
  EXPECT_TRUE(expected == actual) << "output differs from " << path << " at " << first_difference(actual, expected)
                                  << "\n(if the change is intended, rerun with IPCSIM_UPDATE_GOLDEN=1 and review the diff)";
}

// A stored trace, named by its file name only, so that titles in golden
// files do not depend on where the source tree is.
inline Trace stored_trace(const std::string& name) {
  static std::set<std::string> refreshed;
  if (updating_golden() && refreshed.insert(name).second) {
    write_file(testdata_path(name + ".jsonl"), stored_program_trace(name));
  }
  std::ifstream in(testdata_path(name + ".jsonl"), std::ios::binary);
  return parse_trace(in, name + ".jsonl");
}

inline ExplorationTree stored_tree(const std::string& file) {
  std::ifstream in(testdata_path(file), std::ios::binary);
  return parse_exploration_tree(in, file);
}

}  // namespace ipcsim::viz::testing
