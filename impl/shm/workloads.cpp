#include "impl/shm/workloads.hpp"

namespace ipcsim::shm::workloads {

std::string process_name(std::uint32_t slot) { return "proc" + std::to_string(slot + 1); }

std::vector<std::byte> payload(std::uint32_t slot, std::uint32_t index, std::uint64_t bytes) {
  std::vector<std::byte> out(bytes);
  std::uint32_t x = (slot + 1) * 2654435761u + index * 40503u + 1;
  for (std::uint64_t i = 0; i < bytes; ++i) {
    x = x * 1664525u + 1013904223u;
    out[i] = static_cast<std::byte>((x >> 24) | 1);
  }
  return out;
}

namespace {

std::vector<std::string> names(std::uint32_t n) {
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < n; ++i) out.push_back(process_name(i));
  return out;
}

}  // namespace

Workload::Workload(sim::World& w, const Placement& p, const ShmConfig& cfg, std::uint32_t processes)
    : w_(&w), shm_(std::make_unique<Shm>(w, *p.engine_cpu, p.all_cpus, cfg, names(processes))) {
  books_.resize(processes);
  for (std::uint32_t s = 0; s < processes; ++s) books_[s].cpu = p.process_cpus[s % p.process_cpus.size()];
  // A restarted CPU starts its processes again; they register anew.
  for (sim::Cpu* c : p.process_cpus) {
    c->on_boot([this](sim::Cpu& cpu) {
      for (std::uint32_t s = 0; s < books_.size(); ++s) {
        if (books_[s].cpu == &cpu) start(s);
      }
    });
  }
}

Workload::~Workload() { w_->shutdown(); }

void Workload::start(std::uint32_t slot) {
  ++books_[slot].incarnations;
  const sim::ActorRef ref = w_->spawn(*books_[slot].cpu, process_name(slot),
                                      [this, slot](sim::Ctx cx) -> sim::Task<> { return body(cx, slot); });
  shm_->attach(slot, ref);
}

std::string Workload::check() const {
  for (std::uint32_t s = 0; s < books_.size(); ++s) {
    const SlotBooks& b = books_[s];
    if (!b.cpu->up()) continue;  // crashed for good: nothing to ask of it
    if (b.finished == 0) return process_name(s) + " did not finish";
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> Workload::counts() const {
  std::uint32_t registrations = 0;
  std::uint32_t restarts = 0;
  for (const SlotBooks& b : books_) {
    registrations += b.registered;
    restarts += b.incarnations - 1;
  }
  std::vector<std::pair<std::string, std::string>> out = {
      {"registrations", std::to_string(registrations)},
      {"restarted processes", std::to_string(restarts)},
  };
  if (posted_ + oom_ + too_large_ + dst_unknown_ != 0) {
    out.emplace_back("sends posted", std::to_string(posted_));
    out.emplace_back("sends refused (oom / too large / dst unknown)",
                     std::to_string(oom_) + " / " + std::to_string(too_large_) + " / " + std::to_string(dst_unknown_));
    out.emplace_back("messages received", std::to_string(received_));
  }
  if (snooped_ != 0) out.emplace_back("direct reads tried / refused", std::to_string(snooped_) + " / " + std::to_string(refused_));
  return out;
}

namespace {

class Storm final : public Workload {
 public:
  Storm(sim::World& w, const Placement& p, const ShmConfig& cfg, const StormParams& params)
      : Workload(w, p, cfg, params.processes), params_(params) {
    for (std::uint32_t s = 0; s < params.processes; ++s) start(s);
  }

 private:
  sim::Task<> body(sim::Ctx cx, std::uint32_t slot) override {
    co_await shm_->register_process(cx, slot);
    ++books_[slot].registered;
    co_await cx.sleep(params_.hold);  // it keeps its block, idle
    co_await shm_->deregister(cx, slot);
    ++books_[slot].finished;
  }
  StormParams params_;
};

class Transfers final : public Workload {
 public:
  Transfers(sim::World& w, const Placement& p, const ShmConfig& cfg, const TransfersParams& params)
      : Workload(w, p, cfg, params.pairs * 2), params_(params) {
    for (std::uint32_t s = 0; s < params.pairs * 2; ++s) start(s);
  }

 private:
  sim::Task<> body(sim::Ctx cx, std::uint32_t slot) override {
    co_await shm_->register_process(cx, slot);
    ++books_[slot].registered;
    if (slot % 2 == 0) {
      const std::uint32_t peer = slot + 1;
      // A receiver that has finished (or crashed for good) is not waited for.
      const bool peer_there = co_await shm_->await_registered(cx, slot, peer);
      std::uint32_t index = 0;
      for (std::uint32_t r = 0; r < params_.repeat && peer_there; ++r) {
        for (std::uint64_t bytes : params_.sizes) {
          if (params_.gap.count() != 0) co_await cx.sleep(params_.gap);
          const std::vector<std::byte> data = payload(slot, index++, bytes);
          const SendResult res = co_await shm_->send(cx, slot, peer, data);
          switch (res.status) {
            case SendStatus::Posted:
            case SendStatus::Delivered: ++posted_; break;
            case SendStatus::Oom: ++oom_; break;
            case SendStatus::TooLarge: ++too_large_; break;
            case SendStatus::DstUnknown: ++dst_unknown_; break;
          }
        }
      }
      if (params_.gap.count() != 0) co_await cx.sleep(params_.gap);  // the last one in a quiet system too
    } else {
      const std::uint32_t peer = slot - 1;
      const std::vector<std::uint32_t> senders(1, peer);  // (no braced list in a co_await: a GCC 12 bug)
      for (;;) {
        if (params_.read_delay.count() != 0) co_await cx.sleep(params_.read_delay);
        const std::optional<Message> m = co_await shm_->receive(cx, slot, senders);
        if (!m) break;
        ++received_;
        if (params_.snoop) {
          const std::optional<std::uint64_t> block = co_await shm_->peer_block(cx, slot, peer);
          if (block) {
            ++snooped_;
            // The end of the sender's block: no transfer of this workload reaches it.
            const std::uint64_t end = *block + shm_->config().block_bytes;
            if (!shm_->try_read(slot, end - 64, 64)) ++refused_;
          }
        }
      }
    }
    co_await shm_->deregister(cx, slot);
    ++books_[slot].finished;
  }
  TransfersParams params_;
};

}  // namespace

std::unique_ptr<Workload> build_storm(sim::World& w, const Placement& p, const ShmConfig& cfg,
                                      const StormParams& params) {
  return std::make_unique<Storm>(w, p, cfg, params);
}

std::unique_ptr<Workload> build_transfers(sim::World& w, const Placement& p, const ShmConfig& cfg,
                                          const TransfersParams& params) {
  return std::make_unique<Transfers>(w, p, cfg, params);
}

}  // namespace ipcsim::shm::workloads
