#include "model/explore/program.hpp"

#include "sim/rng.hpp"

namespace ipcsim::explore {

void RunContext::bind(sim::World& world) {
  IPCSIM_ASSERT_MSG(world_ == nullptr, "RunContext::bind called twice in one run");
  for (sim::Observer* o : observers_) world.attach(*o);
  world.set_chooser(*chooser_);
  world_ = &world;
}

void RunContext::request_stop(std::string reason) {
  if (world_ != nullptr) world_->stop(std::move(reason));
}

OutcomeHash& OutcomeHash::add(std::uint64_t v) {
  // One splitmix64 round over (state ^ value): cheap, and order-sensitive.
  std::uint64_t state = h_ ^ (v + 0x9e3779b97f4a7c15ULL);
  h_ = sim::splitmix64(state);
  return *this;
}

OutcomeHash& OutcomeHash::add(std::string_view s) {
  add(static_cast<std::uint64_t>(s.size()));
  std::uint64_t word = 0;
  int filled = 0;
  for (const char c : s) {
    word = (word << 8) | static_cast<unsigned char>(c);
    if (++filled == 8) {
      add(word);
      word = 0;
      filled = 0;
    }
  }
  if (filled != 0) add(word);
  return *this;
}

}  // namespace ipcsim::explore
