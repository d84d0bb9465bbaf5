#include "sim/replay_chooser.hpp"

#include <string>

#include "sim/check.hpp"

namespace ipcsim::sim {

std::uint32_t ReplayChooser::choose(const ChoicePoint& point) {
  if (next_ >= choices_.size()) {
    if (mode_ == Mode::Strict && then_ == nullptr) {
      throw ReplayDivergence("replay: the run asks for choice #" + std::to_string(point.ordinal) + " (" +
                             std::string(choice_kind_name(point.kind)) + "/" + std::to_string(point.n) +
                             ") but the recorded list has only " + std::to_string(choices_.size()));
    }
    ++next_;
    return then_ != nullptr ? then_->choose(point) : 0;
  }
  const ChoiceRecord& rec = choices_[next_++];
  const bool fits = rec.kind == point.kind && rec.n == point.n;
  if (fits) return rec.value;
  if (mode_ == Mode::Strict) {
    throw ReplayDivergence("replay diverged at choice #" + std::to_string(point.ordinal) + ": recorded " +
                           std::string(choice_kind_name(rec.kind)) + "/" + std::to_string(rec.n) +
                           ", the run asks for " + std::string(choice_kind_name(point.kind)) + "/" +
                           std::to_string(point.n));
  }
  return rec.kind == point.kind && rec.value < point.n ? rec.value : 0;
}

}  // namespace ipcsim::sim
