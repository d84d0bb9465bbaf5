// The message-list workload's insides, shared by workload.cpp (set-up: the
// plan, the backlog, spawning and restarts) and processor.cpp (what a
// processor does: post, scan, retrieve, finish and remove). Not for users:
// workload.hpp is the interface.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "impl/scan/list_ops.hpp"
#include "impl/scan/scanner.hpp"
#include "impl/scan/workload.hpp"

namespace ipcsim::scan::detail {

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

// "1,4": recipients as trace records list them.
std::string join(const std::vector<std::uint32_t>& v);

class ScanWorkload final : public Workload {
 public:
  ScanWorkload(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Memory& region, const ScanParams& p);
  ~ScanWorkload() override { w_.shutdown(); }

  const ScanParams& params() const override { return p_; }
  std::uint64_t posted() const override { return posted_; }
  std::uint64_t retrievals() const override { return retrievals_; }
  std::uint64_t scans() const override { return scans_; }
  std::uint64_t inspections() const override { return inspections_; }

 private:
  std::vector<std::uint32_t> draw_recipients(std::uint32_t sender);

  // The postings: groups of `burst` messages from one sender, spaced so that
  // the mean gap between messages is post_gap.
  void plan();

  // The backlog: messages in the list before anyone runs (set-up, no actor).
  void post_backlog();

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
                   std::uint64_t flow);

  void spawn(Proc& pr, bool restarted);

  // FIG. 4 under the section lock. False when the section is full.
  sim::Task<bool> post(sim::Ctx cx, std::uint32_t me, const PlannedPost& pp);

  // The last recipient to finish removes the message (FIG. 14), moving its
  // own "resume after" cursor off the slot first. Under the section lock.
  void finish(std::uint32_t me, sim::Memory& local, std::uint64_t cache_at, std::uint32_t slot, std::uint32_t gen,
              std::uint64_t seq);

  void record_retrieve(std::uint32_t me, const ScanResult& r);

  void record_end(std::uint32_t me, const ScanResult& r);

  // The literal reading of "concurrency not described": the walk takes no
  // lock, one inspection per step; only the retrieval does.
  // `all_posted` is read with the head, in the same step, so that a scan
  // that starts before the last posting never ends its processor's loop.
  sim::Task<ScanResult> scan_unlocked(sim::Ctx cx, std::uint32_t me, sim::Memory& local, std::uint64_t cache_at,
                                      bool final, bool* all_posted);

  struct Scanned {
    bool hit = false;
    bool from_head = false;   // the scan started at the head: an empty one proves nothing waits
    bool all_posted = false;  // every planned posting was made (read under the lock)
  };

  // One scan with its retrieval (and, when nothing delays it, the removal).
  // `final`: start at the head whatever the cursor says (before stopping).
  sim::Task<Scanned> scan(sim::Ctx cx, std::uint32_t me, sim::Memory& local, std::uint64_t cache_at, bool final);

  sim::Task<> processor(sim::Ctx cx, std::uint32_t me, bool restarted);

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

}  // namespace ipcsim::scan::detail
