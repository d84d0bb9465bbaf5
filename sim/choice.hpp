// The chooser: the one seam of nondeterminism (DESIGN.md, "sim/: the kernel").
//
// Every decision the simulated world could take more than one way is a call
// choose(n, kind) -> [0, n): which runnable actor steps next, which in-flight
// message overtakes another, whether a fault fires at a fault point. Fuzzing,
// replay and model checking are the same engine with different Choosers. The
// World records every answer, so a run is fully described by
// (scenario, seed, choice list).
//
//   RandomChooser random(seed);          // fuzzing
//   ReplayChooser replay(recorded);      // counterexamples
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/ids.hpp"

namespace ipcsim::sim {

enum class ChoiceKind : std::uint8_t {
  Schedule,      // which of n runnable actors takes the next step
  MessageOrder,  // which in-flight message is delivered in this arrival slot
  DelayAmount,   // how long a delayed message is held (one of n levels)
  // Fault points: binary (0 = no fault, 1 = fault), weighted by ChoicePoint::ppm.
  FaultDrop,
  FaultDuplicate,
  FaultDelay,
  FaultReorder,
  FaultCrash,
  FaultRestart,
  FaultKill,
  FaultPartition,
  // A frame altered on its way (a mechanism's own fault point: the kernel's
  // buses copy bytes faithfully; impl/transport's pipe flips a bit).
  FaultTamper,
};
inline constexpr int kChoiceKindCount = 12;

constexpr bool is_fault(ChoiceKind k) { return k >= ChoiceKind::FaultDrop; }
std::string_view choice_kind_name(ChoiceKind k);

// What a chooser may learn about the actors of a Schedule choice, by index.
struct Candidate {
  ActorId actor = kNoActor;
  CpuId cpu = kNoCpu;
  int priority = 0;
};
class CandidateSource {
 public:
  virtual Candidate candidate(std::uint32_t index) const = 0;

 protected:
  ~CandidateSource() = default;
};

struct ChoicePoint {
  ChoiceKind kind = ChoiceKind::Schedule;
  std::uint32_t n = 2;             // answer must be in [0, n); n >= 2
  std::uint32_t ppm = 0;           // fault points: probability of answer 1, in ppm
  std::uint64_t ordinal = 0;       // index of this decision in the run's choice list
  const CandidateSource* candidates = nullptr;  // set for Schedule choices only
};

struct ChoiceRecord {
  ChoiceKind kind = ChoiceKind::Schedule;
  std::uint32_t n = 0;
  std::uint32_t value = 0;
  friend bool operator==(const ChoiceRecord&, const ChoiceRecord&) = default;
};
using ChoiceList = std::vector<ChoiceRecord>;

class Chooser {
 public:
  virtual ~Chooser() = default;
  virtual std::uint32_t choose(const ChoicePoint& point) = 0;
};

// Text form of a choice list, e.g. "s/3=1 drop/2=0 o/2=1": kind/n=value, separated
// by spaces. Used in counterexample files, so that a person can read and edit one.
std::string format_choices(const ChoiceList& choices);

struct ChoiceParseError {
  std::size_t column = 0;  // 1-based column in the text where parsing stopped
  std::string expected;
};
// Parses format_choices output. Returns false and fills `error` on bad input.
bool parse_choices(std::string_view text, ChoiceList& out, ChoiceParseError& error);

}  // namespace ipcsim::sim
