// The message section (the seed's FIG. 3) in a shared region: the list's
// header and slots as real bytes at `base`, the section lock that adds,
// removals and scans take, and the trace records of every change.
//
//   scan::Section sec(world, region, 0, 1000, "messages");
//   sec.init();                               // at set-up: an empty list
//   co_await sec.lock().lock();
//   scan::Added a = scan::list_add(sec.bytes(), sec.tracer(), posting);
//   co_await sec.lock().unlock();
#pragma once

#include <cstdint>
#include <string>

#include "impl/scan/config.hpp"
#include "impl/scan/layout.hpp"
#include "impl/scan/scanner.hpp"
#include "sim/memory.hpp"
#include "sim/mutex.hpp"
#include "sim/world.hpp"

namespace ipcsim::scan {

class Section {
 public:
  Section(sim::World& world, sim::Memory& region, std::uint64_t base, std::uint32_t slots, std::string name);
  ~Section();
  Section(const Section&) = delete;
  Section& operator=(const Section&) = delete;

  // Accesses by the stepping actor: checked, costed and in its footprint.
  class Bytes {
   public:
    Bytes(sim::Memory& m, std::uint64_t base) : m_(&m), base_(base) {}
    std::uint32_t get32(std::uint64_t off) { return m_->get<std::uint32_t>(base_ + off); }
    std::uint64_t get64(std::uint64_t off) { return m_->get<std::uint64_t>(base_ + off); }
    void put32(std::uint64_t off, std::uint32_t v) { m_->put<std::uint32_t>(base_ + off, v); }
    void put64(std::uint64_t off, std::uint64_t v) { m_->put<std::uint64_t>(base_ + off, v); }

   private:
    sim::Memory* m_;
    std::uint64_t base_;
  };

  // Trace records of the list's links and of each inspection (trace_schema.md).
  class Tracer {
   public:
    Tracer(Section& s, std::uint32_t proc) : s_(&s), proc_(proc) {}
    void link(std::uint32_t from, std::uint32_t to);
    void tail(std::uint32_t slot);
    void start(const ScanStart& st);
    void inspect(const Inspection& i);

   private:
    Section* s_;
    std::uint32_t proc_;
  };

  sim::World& world() { return *world_; }
  sim::Memory& region() { return *region_; }
  sim::Mutex& lock() { return lock_; }
  sim::ObjectId id() const { return id_; }
  std::uint32_t slots() const { return slots_; }
  Bytes bytes() { return Bytes(*region_, base_); }
  Tracer tracer(std::uint32_t proc = 0) { return Tracer(*this, proc); }
  // Per-inspection records cost a record per slot walked; a comparison of
  // strategies over long lists turns them off (scan.end still counts them).
  bool trace_inspections = true;

  // At set-up, outside any step: an empty list, every slot free.
  void init();
  // Run by the World when the run ends: one scan.left record per live slot,
  // read from the region's bytes, whatever the outcome (trace_schema.md).
  void record_inventory();

 private:
  sim::World* world_;
  sim::Memory* region_;
  std::uint64_t base_;
  std::uint32_t slots_;
  sim::Mutex lock_;
  sim::ObjectId id_;
  std::uint64_t end_hook_ = 0;
};

}  // namespace ipcsim::scan
