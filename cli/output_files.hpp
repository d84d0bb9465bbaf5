// The files a verb writes, checked before anything runs and written together
// after everything succeeded: a refused input or a failed render never leaves
// a half-written set behind (a trace without its diagram, a truncated file).
#pragma once

#include <string>
#include <vector>

namespace ipcsim::cli {

struct OutputFile {
  std::string path;
  std::string text;
};

// Checks now that `path` can be written, without changing it: an existing file
// keeps its bytes; a file that did not exist is removed again. On failure
// prints "ipcsim VERB: FLAG: cannot write "PATH"" and returns false.
bool check_writable(const std::string& verb, const std::string& flag, const std::string& path);

// Checks that `dir` is an existing directory that files can be created in.
bool check_writable_dir(const std::string& verb, const std::string& flag, const std::string& dir);

// Writes every file in order; false (with a message) at the first that fails,
// which after the checks above means an I/O error such as a full disk.
bool write_files(const std::vector<OutputFile>& files, const std::string& verb);

}  // namespace ipcsim::cli
