// What a processor does: post its planned messages (FIG. 4), scan with its
// strategy under the section lock, retrieve, process, and remove a message it
// was the last to finish (FIG. 14); and the broken variants that change it.
#include <algorithm>

#include "impl/scan/workload_internal.hpp"

namespace ipcsim::scan::detail {

// FIG. 4 under the section lock. False when the section is full.
sim::Task<bool> ScanWorkload::post(sim::Ctx cx, std::uint32_t me, const PlannedPost& pp) {
  co_await section_.lock().lock();
  const std::uint64_t flow = w_.tracing() ? w_.new_flow_id() : 0;
  auto b = section_.bytes();
  auto t = section_.tracer(me);
  Posting posting{.posted_ns = cx.now().time_since_epoch().count(),
                  .sender = me,
                  .urgent = pp.urgent,
                  .recipients = pp.recipients,
                  .payload = flow};
  const Added a = list_add(b, t, posting);
  if (a.slot == kNull) {
    if (w_.tracing()) w_.emit("scan.full", section_.id(), {{"proc", me}});
  } else {
    b.put32(kHdrPosted, b.get32(kHdrPosted) + 1);
    const std::uint64_t mine = posted_by_offset(section_.slots(), me);
    b.put32(mine, b.get32(mine) + 1);
    record_post(a, me, pp.recipients, pp.urgent, flow);
  }
  co_await section_.lock().unlock();
  co_return a.slot != kNull;
}

// The last recipient to finish removes the message (FIG. 14), moving its
// own "resume after" cursor off the slot first. Under the section lock.
void ScanWorkload::finish(std::uint32_t me, sim::Memory& local, std::uint64_t cache_at, std::uint32_t slot,
                          std::uint32_t gen, std::uint64_t seq) {
  auto b = section_.bytes();
  const std::uint64_t at = slot_offset(slot);
  const std::uint32_t left = b.get32(at + kSlotRemaining) - 1;
  b.put32(at + kSlotRemaining, left);
  if (w_.tracing()) w_.emit("scan.done", section_.id(), {{"proc", me}, {"msg", seq}, {"slot", slot}});
  if (left != 0) return;
  Cache c = local.get<Cache>(cache_at);
  before_remove(b, c, slot, gen);
  local.put<Cache>(cache_at, c);
  auto t = section_.tracer(me);
  list_remove(b, t, slot, p_.bugs);
  if (w_.tracing()) w_.emit("scan.remove", section_.id(), {{"proc", me}, {"msg", seq}, {"slot", slot}});
}

void ScanWorkload::record_retrieve(std::uint32_t me, const ScanResult& r) {
  ++retrievals_;
  if (!w_.tracing()) return;
  auto b = section_.bytes();
  const std::uint64_t at = slot_offset(r.hit);
  const std::uint64_t flow = b.get64(at + kSlotPayload);
  const auto posted = static_cast<std::int64_t>(b.get64(at + kSlotPosted));
  if (flow != 0) {
    w_.emit("scan.retrieve", section_.id(),
            {{"proc", me}, {"msg", r.hit_seq}, {"slot", r.hit}, {"posted", posted}, {"flow_in", flow}});
  } else {
    w_.emit("scan.retrieve", section_.id(), {{"proc", me}, {"msg", r.hit_seq}, {"slot", r.hit}, {"posted", posted}});
  }
}

void ScanWorkload::record_end(std::uint32_t me, const ScanResult& r) {
  ++scans_;
  inspections_ += r.inspections;
  if (!w_.tracing()) return;
  w_.emit("scan.end", section_.id(),
          {{"proc", me},
           {"inspections", r.inspections},
           {"msg", r.hit_seq},
           {"skip_observed", r.skip_observed},
           {"cut", r.cut}});
}

// The literal reading of "concurrency not described": the walk takes no
// lock, one inspection per step; only the retrieval does.
// `all_posted` is read with the head, in the same step, so that a scan
// that starts before the last posting never ends its processor's loop.
sim::Task<ScanResult> ScanWorkload::scan_unlocked(sim::Ctx cx, std::uint32_t me, sim::Memory& local,
                                                  std::uint64_t cache_at, bool final, bool* all_posted) {
  (void)cx;
  auto b = section_.bytes();
  auto t = section_.tracer(me);
  Cache c = local.get<Cache>(cache_at);
  *all_posted = b.get32(kHdrPosted) == p_.messages;
  ScanResult r;
  r.start = begin_scan(b, c, p_.strategy, p_.bugs, final);
  t.start(r.start);
  local.put<Cache>(cache_at, c);
  const std::uint32_t limit = section_.slots() + 1;
  for (std::uint32_t s = r.start.first; s != kNull;) {
    if (r.inspections == limit) {
      r.cut = true;
      break;
    }
    (void)co_await section_.region().load<std::uint32_t>(slot_offset(s) + kSlotState);
    b = section_.bytes();
    if (take_inspection(r, inspect(b, s, me), s, t)) break;
  }
  co_await section_.lock().lock();
  b = section_.bytes();
  c = local.get<Cache>(cache_at);
  end_scan(b, c, r, p_.strategy, p_.bugs, me);
  local.put<Cache>(cache_at, c);
  co_await section_.lock().unlock();
  co_return r;
}

// One scan with its retrieval (and, when nothing delays it, the removal).
// `final`: start at the head whatever the cursor says (before stopping).
sim::Task<ScanWorkload::Scanned> ScanWorkload::scan(sim::Ctx cx, std::uint32_t me, sim::Memory& local,
                                                    std::uint64_t cache_at, bool final) {
  ScanResult r;
  Scanned out;
  bool finished = false;
  const bool remove_now = p_.removal == Removal::AtRetrieval || p_.process_time == sim::Duration{0};
  if (p_.bugs.unlocked_scan) {
    bool all_posted = false;
    r = co_await scan_unlocked(cx, me, local, cache_at, final, &all_posted);
    co_await section_.lock().lock();
    if (r.hit != kNull) record_retrieve(me, r);
    record_end(me, r);
    if (r.hit != kNull && remove_now) {
      finish(me, local, cache_at, r.hit, r.hit_gen, r.hit_seq);
      finished = true;
    }
    out.all_posted = all_posted;
    co_await section_.lock().unlock();
  } else {
    co_await section_.lock().lock();
    auto b = section_.bytes();
    auto t = section_.tracer(me);
    Cache c = local.get<Cache>(cache_at);
    r = scan_once(b, t, c, p_.strategy, p_.bugs, me, final);
    local.put<Cache>(cache_at, c);
    if (r.hit != kNull) record_retrieve(me, r);
    record_end(me, r);
    if (r.hit != kNull && remove_now) {
      finish(me, local, cache_at, r.hit, r.hit_gen, r.hit_seq);
      finished = true;
    }
    out.all_posted = b.get32(kHdrPosted) == p_.messages;
    co_await section_.lock().unlock();
  }
  out.hit = r.hit != kNull;
  out.from_head = r.start.from_head;
  if (r.hit == kNull) co_return out;
  if (p_.process_time != sim::Duration{0}) co_await cx.compute(p_.process_time);
  if (!finished) {
    co_await section_.lock().lock();
    finish(me, local, cache_at, r.hit, r.hit_gen, r.hit_seq);
    co_await section_.lock().unlock();
  }
  if (p_.bugs.successor_after_remove && p_.strategy.strategy != Strategy::Baseline) {
    // The trap read literally: the successor is read from the hit slot
    // after the removal, in a step of its own, without the lock.
    const std::uint32_t succ = co_await section_.region().load<std::uint32_t>(slot_offset(r.hit) + kSlotNext);
    auto b = section_.bytes();
    Cache c = local.get<Cache>(cache_at);
    c.slot = succ;
    c.gen = succ != kNull ? gen_of(b, succ) : 0;
    c.mode = kStartAt;
    local.put<Cache>(cache_at, c);
  }
  co_return out;
}

sim::Task<> ScanWorkload::processor(sim::Ctx cx, std::uint32_t me, bool restarted) {
  Proc& pr = procs_[me];
  sim::Memory& local = cx.cpu().memory();
  if (w_.tracing()) {
    w_.emit("scan.proc.start", section_.id(),
            {{"proc", me}, {"restarted", restarted}, {"strategy", to_string(p_.strategy.strategy)}});
  }
  // A restarted processor resumes its postings where the crashed one
  // stopped: the count survives in the section (shared memory).
  std::size_t next = 0;
  if (restarted) next = section_.bytes().get32(posted_by_offset(section_.slots(), me));
  std::uint32_t empty = 0;
  bool final = false;
  for (;;) {
    while (next < pr.posts.size() && pr.posts[next].at <= cx.now()) {
      if (!co_await post(cx, me, pr.posts[next])) break;  // full: scan, then try again
      ++next;
    }
    const Scanned s = co_await scan(cx, me, local, pr.cache_offset, final);
    final = false;
    if (s.hit) {
      empty = 0;
      continue;
    }
    // Once every planned posting is made, stop after `patience` empty
    // scans, the last of them from the head: a message linked in behind
    // the cursor is invisible from it.
    if (next == pr.posts.size() && s.all_posted) {
      ++empty;
      if (s.from_head && empty >= p_.patience) break;
      if (empty >= p_.patience) final = true;
    }
    // Wake for the next scan, or sooner for a posting that is not due yet; a
    // posting that is due found the section full: it waits for the next scan.
    sim::Instant wake = cx.now() + p_.scan_period;
    if (next < pr.posts.size() && pr.posts[next].at > cx.now()) wake = std::min(wake, pr.posts[next].at);
    co_await cx.sleep_until(wake);
  }
  if (w_.tracing()) w_.emit("scan.proc.done", section_.id(), {{"proc", me}});
}

}  // namespace ipcsim::scan::detail
