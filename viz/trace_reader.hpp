// Reading a JSON Lines trace (the format of sim/jsonl_writer.hpp) into a Trace.
//
// Errors are ParseError (errors.hpp), thrown with the file, the line, the
// column and what was expected, so the command can print them and exit with 2:
//   run.jsonl:7:26: "actor" must be a non-negative integer, got "ping"
// Blank lines are skipped; an input with no record at all is an error.
//
//   viz::Trace t = viz::load_trace("out/run.jsonl");
//   std::istringstream in(text);
//   viz::Trace u = viz::parse_trace(in, "inline");
#pragma once

#include <istream>
#include <string>

#include "viz/trace.hpp"

namespace ipcsim::viz {

// Reads the whole stream; `source` names it in error messages.
Trace parse_trace(std::istream& in, const std::string& source = "<input>");
// Opens and reads `path`; a file that cannot be opened is a ParseError too.
Trace load_trace(const std::string& path);

}  // namespace ipcsim::viz
