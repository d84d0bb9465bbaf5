// Set-up of the platform: the regions, the locks, the handles of every process
// slot, the space manager, the engine; and the admin-memory accessors.
#include "impl/shm/shm.hpp"

#include "sim/check.hpp"

namespace ipcsim::shm {

const char* to_string(Transport t) { return t == Transport::Engine ? "engine" : "pipe"; }

const char* to_string(SendStatus s) {
  switch (s) {
    case SendStatus::Posted: return "posted";
    case SendStatus::Delivered: return "delivered";
    case SendStatus::Oom: return "oom";
    case SendStatus::TooLarge: return "too_large";
    case SendStatus::DstUnknown: return "dst_unknown";
  }
  return "?";
}

std::uint64_t fnv1a64(const std::byte* data, std::size_t n) {
  std::uint64_t h = 14695981039346656037ULL;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<std::uint64_t>(data[i]);
    h *= 1099511628211ULL;
  }
  return h;
}

namespace {

bool power_of_two(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

unsigned log2_of(std::uint64_t v) {
  unsigned k = 0;
  while ((std::uint64_t{1} << k) < v) ++k;
  return k;
}

}  // namespace

Shm::Shm(sim::World& w, sim::Cpu& engine_cpu, const std::vector<sim::Cpu*>& cpus, ShmConfig config,
         std::vector<std::string> process_names)
    : w_(&w), cfg_(config), names_(std::move(process_names)) {
  if (!power_of_two(cfg_.data_bytes) || !power_of_two(cfg_.block_bytes) || !power_of_two(cfg_.min_block) ||
      cfg_.block_bytes > cfg_.data_bytes || cfg_.min_block > cfg_.block_bytes) {
    throw sim::UsageError("shm: data_bytes, block_bytes and min_block must be powers of two with "
                          "min_block <= block_bytes <= data_bytes");
  }
  if (names_.empty()) throw sim::UsageError("shm: at least one process slot");
  if (cfg_.pipe_bytes == 0) cfg_.pipe_bytes = cfg_.block_bytes;
  layout_.slots = slots();
  layout_.records = cfg_.records;
  std::vector<sim::CpuId> ids;
  for (sim::Cpu* c : cpus) ids.push_back(c->id());
  id_ = w.register_object("shm", "shm");
  admin_ = &w.add_shared_region("shm.admin", layout_.bytes(), ids, cfg_.admin_cost);
  data_ = &w.add_shared_region("shm.data", cfg_.data_bytes, ids, cfg_.data_cost);
  if (!cfg_.bugs.check_then_lock) admin_lock_ = std::make_unique<sim::Mutex>(w, "shm.admin.lock");
  doorbell_ = std::make_unique<sim::Semaphore>(w, "engine.doorbell", 0);
  space_ = std::make_unique<sim::Semaphore>(w, "shm.space", 0);
  handles_.resize(slots());
  for (std::uint32_t s = 0; s < slots(); ++s) {
    Handles& h = handles_[s];
    h.event = std::make_unique<sim::Semaphore>(w, names_[s] + ".event", 0);
    h.block_lock = std::make_unique<sim::Mutex>(w, names_[s] + ".block");
    if (cfg_.bugs.one_shot_signal) h.pulse = std::make_unique<sim::Gate>(w, names_[s] + ".pulse");
    if (cfg_.transport == Transport::Pipe) {
      h.pipe = &w.add_shared_region("shm.pipe." + names_[s], cfg_.pipe_bytes, ids, cfg_.data_cost);
      h.pipe_full = std::make_unique<sim::Semaphore>(w, names_[s] + ".pipe.full", 0);
      h.pipe_empty = std::make_unique<sim::Semaphore>(w, names_[s] + ".pipe.empty", 1);
    }
  }
  proc_.resize(slots());
  engine_slots_.resize(slots());
  // The space manager: the whole data region, blocks of block_bytes at most.
  BuddyConfig space{.min_block_bytes = cfg_.min_block,
                    .max_order = log2_of(cfg_.data_bytes / cfg_.min_block),
                    .bugs = {.no_coalesce = cfg_.bugs.no_coalesce}};
  managers_.emplace(0, Manager{BuddyAllocator(space), 0, sim::kNoActor});
  spawn_engine(engine_cpu);
  if (w.tracing()) {
    w.emit("shm.create", id_,
           {{"admin_mem", admin_->id()},
            {"data_mem", data_->id()},
            {"data_bytes", cfg_.data_bytes},
            {"min_block", cfg_.min_block},
            {"admin_lock", admin_lock_ ? admin_lock_->id() : sim::kNoObject},
            {"engine", engine_.id},
            {"transport", to_string(cfg_.transport)},
            {"block_bytes", cfg_.block_bytes}});
  }
  end_hook_ = w.add_end_hook([this] { observe_end(); });
}

Shm::~Shm() { w_->remove_end_hook(end_hook_); }

AdminHeader Shm::read_header() { return admin_->get<AdminHeader>(AdminLayout::header()); }
void Shm::write_header(const AdminHeader& h) { admin_->put(AdminLayout::header(), h); }
RegistryRecord Shm::read_registry(std::uint32_t slot) { return admin_->get<RegistryRecord>(layout_.registry(slot)); }
void Shm::write_registry(std::uint32_t slot, const RegistryRecord& r) { admin_->put(layout_.registry(slot), r); }
LocationRecord Shm::read_location(std::uint32_t index) { return admin_->get<LocationRecord>(layout_.location(index)); }
void Shm::write_location(std::uint32_t index, const LocationRecord& r) { admin_->put(layout_.location(index), r); }

std::size_t Shm::pending_records() const {
  std::size_t n = 0;
  for (std::uint32_t i = 0; i < layout_.records; ++i) {
    LocationRecord r;
    if (admin_->peek(layout_.location(i), std::as_writable_bytes(std::span<LocationRecord, 1>(&r, 1))) &&
        r.state != LocState::Free) {
      ++n;
    }
  }
  return n;
}

std::string Shm::check_consistency() const {
  for (const auto& [mgr, m] : managers_) {
    if (std::string e = m.alloc.check_consistency(); !e.empty()) return "manager " + std::to_string(mgr) + ": " + e;
  }
  return "";
}

}  // namespace ipcsim::shm
