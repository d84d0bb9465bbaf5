// The message section on a plain byte vector, for the native benchmark and the
// unit tests: the same list_ops.hpp and scanner.hpp code that the simulated
// processors run, without costs, footprints or trace records.
//
//   scan::NativeBytes b(1000);                 // a section of 1000 slots
//   scan::NullTracer t;
//   scan::Added a = scan::list_add(b, t, posting);
//   scan::ScanResult r = scan::scan_once(b, t, cache, cfg, bugs, me);
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "impl/scan/layout.hpp"
#include "impl/scan/list_ops.hpp"
#include "impl/scan/scanner.hpp"

namespace ipcsim::scan {

class NativeBytes {
 public:
  explicit NativeBytes(std::uint32_t slots) : bytes_(section_bytes(slots)) { list_init(*this, slots); }
  std::uint32_t get32(std::uint64_t off) const { return get<std::uint32_t>(off); }
  std::uint64_t get64(std::uint64_t off) const { return get<std::uint64_t>(off); }
  void put32(std::uint64_t off, std::uint32_t v) { std::memcpy(bytes_.data() + off, &v, sizeof v); }
  void put64(std::uint64_t off, std::uint64_t v) { std::memcpy(bytes_.data() + off, &v, sizeof v); }

 private:
  template <class T>
  T get(std::uint64_t off) const {
    T v;
    std::memcpy(&v, bytes_.data() + off, sizeof v);
    return v;
  }
  std::vector<unsigned char> bytes_;
};

// Records nothing; counts inspections.
struct NullTracer {
  std::uint64_t inspections = 0;
  void link(std::uint32_t, std::uint32_t) {}
  void tail(std::uint32_t) {}
  void start(const ScanStart&) {}
  void inspect(const Inspection&) { ++inspections; }
};

}  // namespace ipcsim::scan
