// Plays back a recorded choice list.
//
// Strict mode (counterexample replay) demands that every decision of the run has
// the recorded kind and number of alternatives, and throws ReplayDivergence at the
// first one that does not: a replay that silently diverged would show a different
// run than the one that failed. Lenient mode (shrinking, exploration prefixes)
// takes a recorded value where it still fits and answers 0 ("first candidate",
// "no fault") otherwise; after the list ends it asks `then` if given, else answers 0.
#pragma once

#include "sim/check.hpp"
#include "sim/choice.hpp"

namespace ipcsim::sim {

class ReplayChooser final : public Chooser {
 public:
  enum class Mode { Strict, Lenient };

  explicit ReplayChooser(ChoiceList choices, Mode mode = Mode::Strict, Chooser* then = nullptr)
      : choices_(std::move(choices)), mode_(mode), then_(then) {}

  std::uint32_t choose(const ChoicePoint& point) override;

  // How many recorded choices were consumed so far.
  std::size_t consumed() const { return next_; }
  bool exhausted() const { return next_ >= choices_.size(); }

 private:
  ChoiceList choices_;
  Mode mode_;
  Chooser* then_;
  std::size_t next_ = 0;
};

}  // namespace ipcsim::sim
