#include "impl/scan/workload.hpp"

#include <algorithm>

#include "impl/scan/list_ops.hpp"
#include "impl/scan/scanner.hpp"

namespace ipcsim::scan {
namespace {

struct PlannedPost {
  sim::Instant at{};
  std::vector<std::uint32_t> recipients;
  bool urgent = false;
};

struct Proc {
  std::uint32_t index = 0;
  std::string name;
  sim::Cpu* cpu = nullptr;
  std::uint64_t cache_offset = 0;  // in its CPU's memory
  std::vector<PlannedPost> posts;  // by time
};

std::string join(const std::vector<std::uint32_t>& v) {
  std::string s;
  for (std::uint32_t x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

class ScanWorkload final : public Workload {
 public:
  ScanWorkload(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Memory& region, const ScanParams& p)
      : w_(w), p_(p), section_(w, region, 0, p.slots, "messages") {
    IPCSIM_ASSERT(!cpus.empty());
    IPCSIM_ASSERT(p.processors >= 1 && p.processors <= kMaxProcessors);
    IPCSIM_ASSERT(p.recipients >= 1 && p.recipients <= p.processors);
    section_.trace_inspections = p.trace_inspections;
    section_.init();
    for (std::uint32_t i = 0; i < p.processors; ++i) {
      Proc pr;
      pr.index = i;
      pr.name = "p" + std::to_string(i);
      pr.cpu = cpus[i % cpus.size()];
      pr.cache_offset = (i / cpus.size()) * kCacheBytes;
      IPCSIM_ASSERT(pr.cache_offset + kCacheBytes <= pr.cpu->memory().size());
      procs_.push_back(std::move(pr));
    }
    plan();
    post_backlog();
    for (Proc& pr : procs_) spawn(pr, false);
    for (sim::Cpu* c : cpus) {
      if (std::find(booted_.begin(), booted_.end(), c) != booted_.end()) continue;
      booted_.push_back(c);
      c->on_boot([this](sim::Cpu& cpu) {
        for (Proc& pr : procs_) {
          if (pr.cpu == &cpu) spawn(pr, true);
        }
      });
    }
  }
  ~ScanWorkload() override { w_.shutdown(); }

  const ScanParams& params() const override { return p_; }
  std::uint64_t posted() const override { return posted_; }
  std::uint64_t retrievals() const override { return retrievals_; }
  std::uint64_t scans() const override { return scans_; }
  std::uint64_t inspections() const override { return inspections_; }

 private:
  std::vector<std::uint32_t> draw_recipients(std::uint32_t sender) {
    sim::Rng& rng = w_.rng();
    std::vector<std::uint32_t> out;
    const bool avoid_sender = p_.recipients < p_.processors;
    while (out.size() < p_.recipients) {
      const auto r = static_cast<std::uint32_t>(rng.below(p_.processors));
      if (avoid_sender && r == sender) continue;
      if (std::find(out.begin(), out.end(), r) != out.end()) continue;
      out.push_back(r);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // The postings: groups of `burst` messages from one sender, spaced so that
  // the mean gap between messages is post_gap.
  void plan() {
    sim::Rng& rng = w_.rng();
    const std::uint32_t burst = std::max<std::uint32_t>(1, p_.burst);
    for (std::uint32_t k = 0; k < p_.messages; k += burst) {
      const auto sender = static_cast<std::uint32_t>(rng.below(p_.processors));
      const sim::Instant at = sim::at_ns(0) + p_.first_post + p_.post_gap * (k / burst) * burst;
      for (std::uint32_t j = 0; j < burst && k + j < p_.messages; ++j) {
        PlannedPost pp;
        pp.at = at;
        pp.recipients = draw_recipients(sender);
        pp.urgent = rng.below(100) < p_.urgent_percent;
        procs_[sender].posts.push_back(std::move(pp));
      }
    }
  }

  // The backlog: messages in the list before anyone runs (set-up, no actor).
  void post_backlog() {
    for (std::uint32_t k = 0; k < p_.backlog; ++k) {
      const auto sender = static_cast<std::uint32_t>(w_.rng().below(p_.processors));
      const std::vector<std::uint32_t> to = draw_recipients(sender);
      SetupBytes b(section_.region());
      auto t = section_.tracer(sender);
      Posting posting{.posted_ns = 0, .sender = sender, .urgent = false, .recipients = to, .payload = 0};
      const Added a = list_add(b, t, posting);
      IPCSIM_ASSERT_MSG(a.slot != kNull, "the backlog does not fit in the section");
      record_post(a, sender, to, false, 0);
    }
  }

  class SetupBytes {
   public:
    explicit SetupBytes(sim::Memory& m) : m_(&m) {}
    std::uint32_t get32(std::uint64_t off) { return get<std::uint32_t>(off); }
    std::uint64_t get64(std::uint64_t off) { return get<std::uint64_t>(off); }
    void put32(std::uint64_t off, std::uint32_t v) { put(off, v); }
    void put64(std::uint64_t off, std::uint64_t v) { put(off, v); }

   private:
    template <class T>
    T get(std::uint64_t off) {
      T v{};
      (void)m_->peek(off, std::as_writable_bytes(std::span<T, 1>(&v, 1)));
      return v;
    }
    template <class T>
    void put(std::uint64_t off, T v) {
      m_->poke(off, std::as_bytes(std::span<const T, 1>(&v, 1)));
    }
    sim::Memory* m_;
  };

  void record_post(const Added& a, std::uint32_t sender, const std::vector<std::uint32_t>& to, bool urgent,
                   std::uint64_t flow) {
    ++posted_;
    if (!w_.tracing()) return;
    const std::string list = join(to);
    if (flow != 0) {
      w_.emit("scan.post", section_.id(),
              {{"msg", a.seq}, {"slot", a.slot}, {"gen", a.gen}, {"from", sender}, {"to", list}, {"urgent", urgent},
               {"flow_out", flow}});
    } else {
      w_.emit("scan.post", section_.id(),
              {{"msg", a.seq}, {"slot", a.slot}, {"gen", a.gen}, {"from", sender}, {"to", list}, {"urgent", urgent}});
    }
  }

  void spawn(Proc& pr, bool restarted) {
    const std::uint32_t i = pr.index;
    w_.spawn(*pr.cpu, pr.name, [this, i, restarted](sim::Ctx cx) { return processor(cx, i, restarted); });
  }

  // FIG. 4 under the section lock. False when the section is full.
  sim::Task<bool> post(sim::Ctx cx, std::uint32_t me, const PlannedPost& pp) {
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
  void finish(std::uint32_t me, sim::Memory& local, std::uint64_t cache_at, std::uint32_t slot, std::uint32_t gen,
              std::uint64_t seq) {
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

  void record_retrieve(std::uint32_t me, const ScanResult& r) {
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

  void record_end(std::uint32_t me, const ScanResult& r) {
    ++scans_;
    inspections_ += r.inspections;
    if (!w_.tracing()) return;
    w_.emit("scan.end", section_.id(),
            {{"proc", me}, {"inspections", r.inspections}, {"msg", r.hit_seq}, {"skip_observed", r.skip_observed},
             {"cut", r.cut}});
  }

  // The literal reading of "concurrency not described": the walk takes no
  // lock, one inspection per step; only the retrieval does.
  // `all_posted` is read with the head, in the same step, so that a scan
  // that starts before the last posting never ends its processor's loop.
  sim::Task<ScanResult> scan_unlocked(sim::Ctx cx, std::uint32_t me, sim::Memory& local, std::uint64_t cache_at,
                                      bool final, bool* all_posted) {
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
      const Inspection i = inspect(b, s, me);
      ++r.inspections;
      t.inspect(i);
      if (s == r.start.old.slot && i.gen == r.start.old.gen) r.passed_old = true;
      if (i.hit) {
        r.hit = s;
        r.hit_gen = i.gen;
        r.hit_seq = i.seq;
        break;
      }
      r.last = s;
      r.last_gen = i.gen;
      s = i.next;
    }
    co_await section_.lock().lock();
    b = section_.bytes();
    c = local.get<Cache>(cache_at);
    end_scan(b, c, r, p_.strategy, p_.bugs, me);
    local.put<Cache>(cache_at, c);
    co_await section_.lock().unlock();
    co_return r;
  }

  struct Scanned {
    bool hit = false;
    bool from_head = false;   // the scan started at the head: an empty one proves nothing waits
    bool all_posted = false;  // every planned posting was made (read under the lock)
  };

  // One scan with its retrieval (and, when nothing delays it, the removal).
  // `final`: start at the head whatever the cursor says (before stopping).
  sim::Task<Scanned> scan(sim::Ctx cx, std::uint32_t me, sim::Memory& local, std::uint64_t cache_at, bool final) {
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
      const std::uint32_t succ =
          co_await section_.region().load<std::uint32_t>(slot_offset(r.hit) + kSlotNext);
      auto b = section_.bytes();
      Cache c = local.get<Cache>(cache_at);
      c.slot = succ;
      c.gen = succ != kNull ? gen_of(b, succ) : 0;
      c.mode = kStartAt;
      local.put<Cache>(cache_at, c);
    }
    co_return out;
  }

  sim::Task<> processor(sim::Ctx cx, std::uint32_t me, bool restarted) {
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
      sim::Instant wake = cx.now() + p_.scan_period;
      if (next < pr.posts.size()) wake = std::min(wake, std::max(pr.posts[next].at, cx.now() + sim::Duration{1}));
      co_await cx.sleep_until(wake);
    }
    if (w_.tracing()) w_.emit("scan.proc.done", section_.id(), {{"proc", me}});
  }

  sim::World& w_;
  ScanParams p_;
  Section section_;
  std::vector<Proc> procs_;
  std::vector<sim::Cpu*> booted_;
  std::uint64_t posted_ = 0;
  std::uint64_t retrievals_ = 0;
  std::uint64_t scans_ = 0;
  std::uint64_t inspections_ = 0;
};

}  // namespace

const std::vector<std::pair<std::string, Strategy>>& strategy_names() {
  static const std::vector<std::pair<std::string, Strategy>> names = {{"baseline", Strategy::Baseline},
                                                                      {"cached", Strategy::Cached},
                                                                      {"cached_fixed", Strategy::CachedFixed},
                                                                      {"cached_adaptive", Strategy::CachedAdaptive}};
  return names;
}

std::string_view to_string(Strategy s) {
  for (const auto& [name, value] : strategy_names()) {
    if (value == s) return name;
  }
  return "?";
}

std::uint32_t StrategyConfig::reset_bound() const {
  switch (strategy) {
    case Strategy::Baseline: return 0;
    case Strategy::Cached: return UINT32_MAX;
    case Strategy::CachedFixed: return threshold;
    case Strategy::CachedAdaptive: return threshold_max;
  }
  return UINT32_MAX;
}

std::unique_ptr<Workload> build_workload(sim::World& world, const std::vector<sim::Cpu*>& cpus, sim::Memory& region,
                                         const ScanParams& params) {
  return std::make_unique<ScanWorkload>(world, cpus, region, params);
}

}  // namespace ipcsim::scan
