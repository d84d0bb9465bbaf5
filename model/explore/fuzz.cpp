#include "model/explore/fuzz.hpp"

#include <algorithm>
#include <chrono>

#include "model/explore/pct_chooser.hpp"
#include "sim/random_chooser.hpp"
#include "sim/rng.hpp"

namespace ipcsim::explore {

const char* to_string(Policy p) { return p == Policy::Pct ? "pct" : "random"; }

std::uint64_t chooser_seed(std::uint64_t first_seed, std::uint64_t run) {
  std::uint64_t state = first_seed * 0x9e3779b97f4a7c15ULL + run;
  return sim::splitmix64(state);
}

std::unique_ptr<sim::Chooser> make_chooser(Policy policy, std::uint64_t seed, std::uint32_t depth,
                                           std::uint64_t expected_choices) {
  if (policy == Policy::Pct) {
    return std::make_unique<PctChooser>(seed, PctChooser::Config{.depth = depth, .expected_choices = expected_choices});
  }
  return std::make_unique<sim::RandomChooser>(seed);
}

std::uint64_t estimate_choices(Program& program, const RunSettings& settings, std::uint64_t seed) {
  RunSettings quiet = settings;
  quiet.lock_order = nullptr;  // measuring runs must not feed the campaign's graph
  // The most Schedule choices over a few random runs: one run may end its
  // interleaving early (an actor finishes), and k too small only moves the
  // change points earlier than they should be.
  std::uint64_t k = 1;
  for (std::uint64_t i = 0; i < kEstimateRuns; ++i) {
    sim::RandomChooser random(chooser_seed(seed, i));
    const Outcome o = run_once(program, random, quiet);
    const auto n = std::count_if(o.choices.begin(), o.choices.end(),
                                 [](const sim::ChoiceRecord& c) { return c.kind == sim::ChoiceKind::Schedule; });
    k = std::max<std::uint64_t>(k, static_cast<std::uint64_t>(n));
  }
  return k;
}

FuzzReport fuzz(Program& program, const FuzzOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  FuzzReport report;
  if (options.policy == Policy::Pct) {
    report.expected_choices = options.expected_choices != 0
                                  ? options.expected_choices
                                  : estimate_choices(program, options.run, chooser_seed(options.first_seed, ~0ULL));
  }
  for (std::uint64_t i = 0; i < options.max_runs; ++i) {
    const std::uint64_t seed = chooser_seed(options.first_seed, i);
    std::unique_ptr<sim::Chooser> chooser = make_chooser(options.policy, seed, options.depth, report.expected_choices);
    const Outcome o = run_once(program, *chooser, options.run, {}, i + 1);
    ++report.runs;
    report.transitions += o.steps;
    if (o.violation) {
      report.first = Counterexample{options.run.seed, o.choices, o.violation->property, o.violation->message, i + 1,
                                    o.steps};
      break;
    }
  }
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace ipcsim::explore
