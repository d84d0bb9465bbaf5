// The errors of viz/.
//
// Two kinds, so that the command can tell bad input from a broken machine:
//  - VizError: the input or the options are wrong (a malformed trace, an actor
//    filter naming nobody, a window with from > to). The CLI exits with 2.
//    ParseError is the VizError of a file that does not parse; it says where.
//  - GraphvizError: the Graphviz library failed on a graph we generated; a bug
//    in viz/ or a broken installation, not the user's fault.
//
//   try {
//     viz::Trace t = viz::load_trace("run.jsonl");
//   } catch (const viz::ParseError& e) {
//     std::cerr << e.what() << "\n";   // "run.jsonl:12:8: expected "kind" (a string)"
//     return 2;
//   }
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace ipcsim::viz {

class VizError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A file that does not parse. line and column count from 1; 0 means unknown.
class ParseError : public VizError {
 public:
  ParseError(std::string file, std::size_t line, std::size_t column, const std::string& message)
      : VizError(format(file, line, column, message)),
        file_(std::move(file)), line_(line), column_(column), message_(message) {}

  const std::string& file() const { return file_; }
  std::size_t line() const { return line_; }
  std::size_t column() const { return column_; }
  // What was wrong, without the position.
  const std::string& message() const { return message_; }

 private:
  static std::string format(const std::string& file, std::size_t line, std::size_t column,
                            const std::string& message) {
    std::string out = file;
    if (line != 0) out += ":" + std::to_string(line);
    if (line != 0 && column != 0) out += ":" + std::to_string(column);
    return out + ": " + message;
  }
  std::string file_;
  std::size_t line_;
  std::size_t column_;
  std::string message_;
};

class GraphvizError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ipcsim::viz
