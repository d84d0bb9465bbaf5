// One scan of the message-list by one processor, with its strategy: where the
// scan starts (the head, or the look-ahead pointer cached in the processor's
// local memory, unless a reset condition holds), the walk to the first message
// for it or the tail, and what it caches for the next scan. Written once for
// any memory (list_ops.hpp); the simulated processor runs it under the section
// lock, the benchmark on a byte vector.
//
//   Cache c = load_cache();
//   ScanStart st = begin_scan(bytes, c, cfg, bugs);
//   for (std::uint32_t s = st.first; s != kNull && !walk.done(); s = ...) ...
//   // or simply:
//   ScanResult r = scan_once(bytes, tracer, c, cfg, bugs, me);
#pragma once

#include <algorithm>
#include <cstdint>

#include "impl/scan/config.hpp"
#include "impl/scan/layout.hpp"
#include "impl/scan/list_ops.hpp"

namespace ipcsim::scan {

// The processor's cache (layout.hpp, kCache*), as it sits in local memory.
struct Cache {
  std::uint32_t slot = kNull;
  std::uint32_t gen = 0;
  std::uint32_t mode = kStartAt;
  std::uint32_t scans = 0;      // scans since the last reset
  std::uint32_t threshold = 0;  // adaptive: the current threshold (0: not set yet)
  std::uint32_t pad[3] = {};
};
static_assert(sizeof(Cache) == kCacheBytes);

// Final: the processor is about to stop and makes sure nothing waits behind
// its cursor (an empty scan from the cursor proves nothing).
enum class Reset : std::uint8_t { None, Invalid, Threshold, Final };
inline const char* to_string(Reset r) {
  switch (r) {
    case Reset::None:
      return "none";
    case Reset::Invalid:
      return "invalid";
    case Reset::Threshold:
      return "threshold";
    case Reset::Final:
      return "final";
  }
  return "?";
}

struct ScanStart {
  bool from_head = true;
  Reset reset = Reset::None;
  std::uint32_t first = kNull;  // the first slot to inspect (kNull: nothing)
  Cache old;                    // the cache as the scan found it
};

// The reset test and the start point (the seed's FIG. 10). On a reset the
// cache is cleared and "the head" is what the next scan starts from (the
// seed's second way, S6).
template <class B>
ScanStart begin_scan(B& b, Cache& c, const StrategyConfig& cfg, const Bugs& bugs, bool final = false) {
  ScanStart st;
  st.old = c;
  if (cfg.strategy == Strategy::Baseline || c.slot == kNull) {
    st.first = b.get32(kHdrHead);
    c.scans = 0;  // a scan from the head sees everything: it restarts the count
    return st;
  }
  if (final) {
    st.reset = Reset::Final;
  } else if (!bugs.no_reset) {
    const bool thresholded = cfg.strategy == Strategy::CachedFixed || cfg.strategy == Strategy::CachedAdaptive;
    std::uint32_t limit = cfg.threshold;
    if (cfg.strategy == Strategy::CachedAdaptive) limit = c.threshold != 0 ? c.threshold : cfg.threshold_min;
    if (thresholded && c.scans >= limit) {
      st.reset = Reset::Threshold;
    } else if (c.slot != kCachedNull) {
      const bool ok = live(b, c.slot) && (bugs.address_only_validity || gen_of(b, c.slot) == c.gen);
      if (!ok) st.reset = Reset::Invalid;
    }
  }
  if (st.reset != Reset::None) {
    const std::uint32_t keep_threshold = c.threshold;
    c = Cache{};
    c.threshold = keep_threshold;
    st.first = b.get32(kHdrHead);
    return st;
  }
  ++c.scans;
  st.from_head = false;
  if (c.slot == kCachedNull) {
    st.first = kNull;  // bug cached_null_is_end: a cached null taken for the end of the list
  } else {
    st.first = c.mode == kStartAt ? c.slot : next_of(b, c.slot);
  }
  return st;
}

struct Inspection {
  std::uint32_t slot = kNull;
  std::uint32_t gen = 0;
  std::uint32_t state = kFree;
  std::uint64_t seq = 0;
  std::uint32_t next = kNull;
  bool hit = false;
};

// One inspection: reads what a scanner reads of one slot.
template <class B>
Inspection inspect(B& b, std::uint32_t s, std::uint32_t me) {
  Inspection i;
  i.slot = s;
  const std::uint64_t at = slot_offset(s);
  i.gen = b.get32(at + kSlotGen);
  i.state = b.get32(at + kSlotState);
  i.seq = b.get64(at + kSlotSeq);
  i.hit = i.state == kLive && pending_for(b, s, me);
  i.next = b.get32(at + kSlotNext);
  return i;
}

struct ScanResult {
  ScanStart start;
  std::uint32_t inspections = 0;
  std::uint32_t hit = kNull;  // the slot of the message retrieved, or kNull
  std::uint32_t hit_gen = 0;
  std::uint64_t hit_seq = 0;
  std::uint32_t last = kNull;  // the last slot inspected
  std::uint32_t last_gen = 0;
  bool passed_old = false;     // the walk reached the old cursor's slot before any hit
  bool skip_observed = false;  // adaptive: a reset scan found a message behind the old cursor
  bool cut = false;            // the walk stopped at its limit (a cycle in the links)
};

// The end of a scan: on a hit, the processor clears its recipient bit and
// caches the successor, read from the hit slot before anyone can remove it
// (the seed's S1; trap "read successor, then retrieve"); a null successor is
// cached as "resume after the hit slot" (trap "saving a value, not the slot").
// On a miss it caches "resume after the last slot inspected".
template <class B>
void end_scan(B& b, Cache& c, ScanResult& r, const StrategyConfig& cfg, const Bugs& bugs, std::uint32_t me) {
  if (cfg.strategy == Strategy::Baseline) {
    if (r.hit != kNull) clear_pending(b, r.hit, me);
    return;
  }
  if (cfg.strategy == Strategy::CachedAdaptive && r.start.reset == Reset::Threshold) {
    std::uint32_t t = r.start.old.threshold != 0 ? r.start.old.threshold : cfg.threshold_min;
    r.skip_observed = r.hit != kNull && !r.passed_old && r.start.old.slot != kNull;
    t = r.skip_observed ? std::max(cfg.threshold_min, t / 2) : std::min(cfg.threshold_max, t * 2);
    c.threshold = t;
  }
  if (r.hit != kNull) {
    clear_pending(b, r.hit, me);
    if (bugs.counter_restarts_on_hit) c.scans = 0;
    if (bugs.successor_after_remove) return;  // read later, after the removal (processor.cpp)
    const std::uint32_t succ = next_of(b, r.hit);
    if (succ != kNull) {
      c.slot = succ;
      c.gen = gen_of(b, succ);
      c.mode = kStartAt;
    } else if (bugs.cached_null_is_end) {
      c.slot = kCachedNull;
      c.gen = 0;
      c.mode = kStartAt;
    } else {
      c.slot = r.hit;
      c.gen = r.hit_gen;
      c.mode = kResumeAfter;
    }
  } else if (r.last != kNull) {
    c.slot = r.last;
    c.gen = r.last_gen;
    c.mode = kResumeAfter;
  }
}

// Before a processor removes a slot it finished with: a cursor that says
// "resume after this slot" moves to its predecessor (or the head).
template <class B>
void before_remove(B& b, Cache& c, std::uint32_t s, std::uint32_t gen) {
  if (c.slot != s || c.gen != gen || c.mode != kResumeAfter) return;
  const std::uint32_t p = prev_of(b, s);
  if (p == kNull) {
    c.slot = kNull;
    c.gen = 0;
  } else {
    c.slot = p;
    c.gen = gen_of(b, p);
  }
}

// One step of a scan's walk: slot `s` inspected, counted and shown to the
// tracer. True on a hit (the walk ends there); on a miss `s` moves on to the
// next slot. Shared by the scan under the lock and the one without it.
template <class T>
bool take_inspection(ScanResult& r, const Inspection& i, std::uint32_t& s, T& t) {
  ++r.inspections;
  t.inspect(i);
  if (s == r.start.old.slot && i.gen == r.start.old.gen) r.passed_old = true;
  if (i.hit) {
    r.hit = s;
    r.hit_gen = i.gen;
    r.hit_seq = i.seq;
    return true;
  }
  r.last = s;
  r.last_gen = i.gen;
  s = i.next;
  return false;
}

// A whole scan in one go (under the section lock): begin, walk, end. The
// tracer sees each inspection.
template <class B, class T>
ScanResult scan_once(B& b, T& t, Cache& c, const StrategyConfig& cfg, const Bugs& bugs, std::uint32_t me,
                     bool final = false) {
  ScanResult r;
  r.start = begin_scan(b, c, cfg, bugs, final);
  t.start(r.start);
  const std::uint32_t limit = b.get32(kHdrSlots) + 1;
  for (std::uint32_t s = r.start.first; s != kNull;) {
    if (r.inspections == limit) {
      r.cut = true;
      break;
    }
    if (take_inspection(r, inspect(b, s, me), s, t)) break;
  }
  end_scan(b, c, r, cfg, bugs, me);
  return r;
}

}  // namespace ipcsim::scan
