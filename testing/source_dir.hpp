// Where the source tree is, for tests and benchmarks that read its files
// (bundled scenarios, golden files).
//
//   std::string dir = std::string(ipcsim::source_dir()) + "/scenarios";
//
// The path is compiled into one generated unit (target ipcsim::source_dir,
// top-level CMakeLists.txt), not passed as a -D to every unit that uses it: a
// path in a compile flag differs between clones, so each fresh clone would miss
// ccache for all of them.
#pragma once

namespace ipcsim {
const char* source_dir();
}
