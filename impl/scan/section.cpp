#include "impl/scan/section.hpp"

#include <cstring>
#include <span>

namespace ipcsim::scan {
namespace {

// Set-up and end-of-run access: no actor, no cost, no footprint.
class PokeBytes {
 public:
  PokeBytes(sim::Memory& m, std::uint64_t base) : m_(&m), base_(base) {}
  std::uint32_t get32(std::uint64_t off) const { return get<std::uint32_t>(off); }
  std::uint64_t get64(std::uint64_t off) const { return get<std::uint64_t>(off); }
  void put32(std::uint64_t off, std::uint32_t v) { put(off, v); }
  void put64(std::uint64_t off, std::uint64_t v) { put(off, v); }
  bool ok() const { return !m_->lost(); }

 private:
  template <class T>
  T get(std::uint64_t off) const {
    T v{};
    (void)m_->peek(base_ + off, std::as_writable_bytes(std::span<T, 1>(&v, 1)));
    return v;
  }
  template <class T>
  void put(std::uint64_t off, T v) {
    m_->poke(base_ + off, std::as_bytes(std::span<const T, 1>(&v, 1)));
  }
  sim::Memory* m_;
  std::uint64_t base_;
};

}  // namespace

Section::Section(sim::World& world, sim::Memory& region, std::uint64_t base, std::uint32_t slots, std::string name)
    : world_(&world), region_(&region), base_(base), slots_(slots), lock_(world, name + ".lock") {
  IPCSIM_ASSERT(slots >= 1 && slots <= kMaxSlots);
  IPCSIM_ASSERT(base + section_bytes(slots) <= region.size());
  id_ = world.register_object("scan_section", std::move(name));
  end_hook_ = world.add_end_hook([this] { record_inventory(); });
}

Section::~Section() { world_->remove_end_hook(end_hook_); }

void Section::init() {
  PokeBytes b(*region_, base_);
  list_init(b, slots_);
  world_->emit("scan.section.create", id_,
               {{"region", region_->id()},
                {"base", base_},
                {"slots", slots_},
                {"slot_bytes", kSlotBytes},
                {"lock", lock_.id()}});
}

void Section::record_inventory() {
  if (!world_->tracing()) return;
  PokeBytes b(*region_, base_);
  if (!b.ok()) return;
  for (std::uint32_t s = 1; s <= slots_; ++s) {
    if (!live(b, s)) continue;
    std::string pending;
    for (std::uint32_t p = 0; p < kMaxProcessors; ++p) {
      if (pending_for(b, s, p)) pending += (pending.empty() ? "" : ",") + std::to_string(p);
    }
    world_->emit("scan.left", id_,
                 {{"msg", b.get64(slot_offset(s) + kSlotSeq)},
                  {"slot", s},
                  {"pending", pending},
                  {"remaining", b.get32(slot_offset(s) + kSlotRemaining)}});
  }
}

void Section::Tracer::link(std::uint32_t from, std::uint32_t to) {
  if (s_->world_->tracing()) s_->world_->emit("scan.link", s_->id_, {{"from", from}, {"to", to}});
}

void Section::Tracer::tail(std::uint32_t slot) {
  if (s_->world_->tracing()) s_->world_->emit("scan.tail", s_->id_, {{"slot", slot}});
}

void Section::Tracer::start(const ScanStart& st) {
  if (!s_->world_->tracing()) return;
  s_->world_->emit("scan.start", s_->id_,
                   {{"proc", proc_},
                    {"from", st.from_head ? "head" : "cursor"},
                    {"reset", to_string(st.reset)},
                    {"first", st.first}});
}

void Section::Tracer::inspect(const Inspection& i) {
  if (!s_->trace_inspections || !s_->world_->tracing()) return;
  s_->world_->emit("scan.inspect", s_->id_, {{"slot", i.slot}, {"gen", i.gen}, {"msg", i.seq}, {"hit", i.hit}});
}

}  // namespace ipcsim::scan
