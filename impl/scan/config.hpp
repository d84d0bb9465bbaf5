// Scan strategies (the pluggable policies of seed 003) and the deliberately
// broken variants.
//
//   scan::StrategyConfig s{.strategy = scan::Strategy::CachedAdaptive, .threshold_min = 2, .threshold_max = 32};
//   scan::Bugs b{.address_only_validity = true};   // the seed's ABA trap, read literally
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ipcsim::scan {

enum class Strategy : std::uint8_t {
  Baseline,        // every scan starts at the head (the prior art)
  Cached,          // resume at the cached look-ahead pointer; reset only when it is invalid
  CachedFixed,     // ... and after `threshold` scans since the last reset
  CachedAdaptive,  // ... and after an adaptive number of scans, in [threshold_min, threshold_max]
};

const std::vector<std::pair<std::string, Strategy>>& strategy_names();
std::string_view to_string(Strategy s);

struct StrategyConfig {
  Strategy strategy = Strategy::Cached;
  std::uint32_t threshold = 8;      // CachedFixed: scans from the cursor before a reset
  std::uint32_t threshold_min = 2;  // CachedAdaptive: the bounds of the adaptive threshold
  std::uint32_t threshold_max = 64;
  // The most scans from the cursor between two resets (the N of the seed's
  // liveness bound (k+1)(N+1)); UINT32_MAX when the strategy has no such bound.
  std::uint32_t reset_bound() const;
};

// Deliberately broken variants (DESIGN.md): each caught by a monitor of
// model/scan in a test. All off is the correct protocol.
struct Bugs {
  // The cached look-ahead pointer is used as it is, with no reset condition at
  // all: after its slot is freed or reused the scan starts in the free list or
  // in the middle of newer messages (the first broken variant).
  bool no_reset = false;
  // Removal updates the successor's back link but leaves the predecessor's
  // next link pointing at the freed slot (the second broken variant).
  bool dangling_next = false;
  // Trap "address-only validity": the cursor counts as valid when its slot is
  // live, whatever its generation, so a slot freed and reused passes (ABA).
  bool address_only_validity = false;
  // Trap "read successor, then retrieve": the successor is read from the hit
  // slot after the slot was removed, in a step of its own.
  bool successor_after_remove = false;
  // Trap "saving a value, not the slot": a null successor (the hit was the
  // tail) is cached as it is and taken for the end of the list.
  bool cached_null_is_end = false;
  // Trap "two counters": the scans-since-reset counter restarts at every hit,
  // so a busy scanner never resets and never sees what is behind its cursor.
  bool counter_restarts_on_hit = false;
  // Trap "concurrency not described": scanners walk the links without the
  // section lock, one inspection per step, while others unlink and reuse slots.
  bool unlocked_scan = false;
};

}  // namespace ipcsim::scan
