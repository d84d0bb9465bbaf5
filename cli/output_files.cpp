#include "cli/output_files.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace ipcsim::cli {

namespace fs = std::filesystem;

bool check_writable(const std::string& verb, const std::string& flag, const std::string& path) {
  std::error_code ec;
  const bool existed = fs::exists(path, ec);
  bool ok = !fs::is_directory(path, ec);
  if (ok) {
    // Appending opens for writing without truncating.
    std::ofstream probe(path, std::ios::binary | std::ios::app);
    ok = static_cast<bool>(probe);
  }
  if (!existed) fs::remove(path, ec);
  if (!ok) std::cerr << "ipcsim " << verb << ": " << flag << ": cannot write \"" << path << "\"\n";
  return ok;
}

bool check_writable_dir(const std::string& verb, const std::string& flag, const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    std::cerr << "ipcsim " << verb << ": " << flag << ": expected an existing directory, got \"" << dir << "\"\n";
    return false;
  }
  // Directory permissions alone do not say it (read-only mounts, ACLs): try.
  const fs::path probe = fs::path(dir) / ".ipcsim-write-probe";
  const bool ok = static_cast<bool>(std::ofstream(probe, std::ios::binary | std::ios::app));
  fs::remove(probe, ec);
  if (!ok) std::cerr << "ipcsim " << verb << ": " << flag << ": cannot create files in \"" << dir << "\"\n";
  return ok;
}

bool write_files(const std::vector<OutputFile>& files, const std::string& verb) {
  for (const OutputFile& f : files) {
    std::ofstream out(f.path, std::ios::binary | std::ios::trunc);
    if (!out || !(out << f.text) || !out.flush()) {
      std::cerr << "ipcsim " << verb << ": cannot write \"" << f.path << "\"\n";
      return false;
    }
  }
  return true;
}

}  // namespace ipcsim::cli
