#include "model/explore/happens_before.hpp"

#include <algorithm>
#include <iterator>

#include "sim/check.hpp"

namespace ipcsim::explore {

void HappensBefore::clear() {
  steps_.clear();
  clocks_.clear();
  stride_ = 0;
  last_of_actor_.clear();
  steps_of_actor_.clear();
  by_key_.clear();
  changes_.clear();
  changes_end_.clear();
  preds_of_.clear();
}

void HappensBefore::truncate(std::size_t n) {
  IPCSIM_ASSERT(n <= steps_.size());
  for (std::size_t k = steps_.size(); k-- > n;) {
    // Undo step k's changes to the index, latest first. The order of a key's
    // entries does not matter (add() sorts what it finds, index() judges each
    // entry alone), so an entry taken out goes back at the end. Which of
    // step k's own entries a push's undo takes out does not matter either:
    // all of them go before step k is undone.
    const std::size_t begin = k == 0 ? 0 : changes_end_[k - 1];
    for (std::size_t c = changes_end_[k]; c-- > begin;) {
      const IndexChange& change = changes_[c];
      std::vector<AccessEntry>& entries = by_key_.find(change.key)->second.of(change.entry.access.mode);
      if (change.removed) {
        entries.push_back(change.entry);
        continue;
      }
      auto it = std::find_if(entries.rbegin(), entries.rend(), [&](const AccessEntry& e) { return e.step == k; });
      IPCSIM_ASSERT(it != entries.rend());
      entries.erase(std::next(it).base());
    }
    const StepEntry& s = steps_[k];
    last_of_actor_[s.actor] = s.previous == SIZE_MAX ? 0 : s.previous + 1;
    steps_of_actor_[s.actor].pop_back();
  }
  changes_.resize(n == 0 ? 0 : changes_end_[n - 1]);
  changes_end_.resize(n);
  preds_of_.resize(n == 0 ? 0 : steps_[n - 1].preds_end);
  steps_.resize(n);
  clocks_.resize(n * stride_);
}

void HappensBefore::widen(std::size_t stride) {
  std::vector<std::uint32_t> wider(steps_.size() * stride, 0);
  for (std::size_t k = 0; k < steps_.size(); ++k) {
    std::copy_n(clocks_.begin() + static_cast<std::ptrdiff_t>(k * stride_), stride_,
                wider.begin() + static_cast<std::ptrdiff_t>(k * stride));
  }
  clocks_ = std::move(wider);
  stride_ = stride;
}

bool HappensBefore::precedes(std::size_t i, std::size_t k) const {
  if (i >= k) return false;
  return clock_of(k, steps_[i].actor) >= steps_[i].local;
}

std::size_t HappensBefore::first_of_actor_after(std::size_t i, std::size_t j) const {
  IPCSIM_ASSERT(i < j && j < steps_.size());
  const std::vector<std::size_t>& own = steps_of_actor_[steps_[j].actor];
  const auto at_j = own.begin() + (steps_[j].local - 1);
  IPCSIM_ASSERT(*at_j == j);
  // Its steps after i and before j: those that happen after i come last.
  const auto from = std::upper_bound(own.begin(), at_j, i);
  return *std::partition_point(from, at_j, [&](std::size_t k) { return !precedes(i, k); });
}

void HappensBefore::index(KeyEntries& entries, std::size_t step, sim::ActorId actor, const sim::Access& a) {
  // A write conflicts with everything later that an older covered access
  // conflicts with, so it stands for them. A read stands for its own actor's
  // older reads (program order links them). An update stands for nothing:
  // a later update conflicts with older reads but not with it.
  if (a.mode == sim::AccessMode::Write) {
    for (std::vector<AccessEntry>& of_mode : entries.by_mode) drop_covered(of_mode, actor, a);
  } else if (a.mode == sim::AccessMode::Read) {
    drop_covered(entries.of(sim::AccessMode::Read), actor, a);
  }
  std::vector<AccessEntry>& of_mode = entries.of(a.mode);
  of_mode.push_back(AccessEntry{step, a});
  changes_.push_back(IndexChange{a.object, of_mode.back(), /*removed=*/false});
}

void HappensBefore::drop_covered(std::vector<AccessEntry>& entries, sim::ActorId actor, const sim::Access& a) {
  const bool a_write = a.mode == sim::AccessMode::Write;
  const bool a_whole = a.whole();
  // a covers every byte of b (a whole access covers all; a range never
  // covers a whole access), and, for a read (entries are reads), b is of the
  // same actor. No branch per entry (see collect_overlapping()).
  const auto bit = [](bool b) { return static_cast<std::uint32_t>(b); };
  auto stands_for = [&](const AccessEntry& e) {
    const sim::Access& b = e.access;
    const std::uint32_t covered =
        bit(a_whole) | ((bit(b.lo != 0) | bit(b.hi != 0)) & bit(a.lo <= b.lo) & bit(b.hi <= a.hi));
    return (covered & (bit(a_write) | bit(steps_[e.step].actor == actor))) != 0;
  };
  // Most accesses stand for nothing: nothing moves until the first that does.
  std::size_t k = 0;
  while (k < entries.size() && !stands_for(entries[k])) ++k;
  std::size_t kept = k;
  for (; k < entries.size(); ++k) {
    if (stands_for(entries[k])) {
      changes_.push_back(IndexChange{a.object, entries[k], /*removed=*/true});
    } else {
      entries[kept++] = entries[k];
    }
  }
  entries.resize(kept);
}

void HappensBefore::collect_overlapping(const std::vector<AccessEntry>& entries, const sim::Access& a) {
  // The rest of sim::conflicts() (the modes conflict), without a branch per
  // entry: this loop runs over every indexed access of the key and mode
  // (dozens under an RTOS's shared region), and which of them overlap is
  // anyone's guess.
  const bool a_whole = a.whole();
  const std::size_t found = preds_.size();
  preds_.resize(found + entries.size());
  std::size_t* out = preds_.data() + found;
  std::uint32_t* const seen = seen_.data();
  const std::uint32_t epoch = epoch_;
  // Integer arithmetic, not `if` or `?:`, which the compiler turns back into
  // branches.
  const auto bit = [](bool b) { return static_cast<std::uint32_t>(b); };
  for (const AccessEntry& e : entries) {
    const sim::Access& b = e.access;
    const std::uint32_t overlap =
        bit(a_whole) | (bit(b.lo == 0) & bit(b.hi == 0)) | (bit(a.lo < b.hi) & bit(b.lo < a.hi));
    std::uint32_t& mark = seen[e.step];
    const std::uint32_t take = overlap & bit(mark != epoch);
    *out = e.step;
    out += take;
    mark ^= (mark ^ epoch) & (0U - take);
  }
  preds_.resize(static_cast<std::size_t>(out - preds_.data()));
}

void HappensBefore::add(sim::ActorId actor, std::span<const sim::Access> footprint, std::vector<std::size_t>& races) {
  IPCSIM_ASSERT(actor != sim::kNoActor);
  races.clear();
  const std::size_t j = steps_.size();
  if (last_of_actor_.size() <= actor) last_of_actor_.resize(actor + 1, 0);

  // Direct predecessors: the actor's previous step, and every indexed access
  // that conflicts with one of this step's.
  // by_key_ is looked up once per access: index() below reuses the entries.
  // A step found already is not tested again.
  preds_.clear();
  slots_.clear();
  if (seen_.size() <= j) seen_.resize(std::max<std::size_t>(j + 1, 2 * seen_.size()), 0);
  if (++epoch_ == 0) {
    std::fill(seen_.begin(), seen_.end(), 0);
    epoch_ = 1;
  }
  const std::size_t previous = last_of_actor_[actor];
  for (const sim::Access& a : footprint) {
    KeyEntries& entries = by_key_[a.object];
    slots_.push_back(&entries);
    // Reads and updates commute among themselves: only the other modes, and
    // writes with all.
    for (sim::AccessMode m : {sim::AccessMode::Read, sim::AccessMode::Write, sim::AccessMode::Update}) {
      if (m != a.mode || m == sim::AccessMode::Write) collect_overlapping(entries.of(m), a);
    }
  }
  std::sort(preds_.begin(), preds_.end());

  StepEntry s;
  s.actor = actor;
  s.previous = previous == 0 ? SIZE_MAX : previous - 1;
  s.local = previous == 0 ? 1 : steps_[previous - 1].local + 1;
  if (stride_ <= actor) widen(std::max<std::size_t>({actor + 1, 2 * stride_, 8}));
  clocks_.resize((j + 1) * stride_, 0);
  std::uint32_t* clock = clocks_.data() + j * stride_;
  if (previous != 0) std::copy_n(clocks_.data() + (previous - 1) * stride_, stride_, clock);
  for (std::size_t p : preds_) {
    const std::uint32_t* c = clocks_.data() + p * stride_;
    for (std::size_t k = 0; k < stride_; ++k) clock[k] = std::max(clock[k], c[k]);
  }
  IPCSIM_ASSERT(clock[actor] < s.local);
  clock[actor] = s.local;

  // A conflicting predecessor of another actor races with us unless it happens
  // before one of our other direct predecessors (then that one is in between).
  for (std::size_t i : preds_) {
    if (steps_[i].actor == actor) continue;
    bool direct = true;
    for (std::size_t k : preds_) {
      if (k != i && precedes(i, k)) {
        direct = false;
        break;
      }
    }
    if (direct && previous != 0 && precedes(i, previous - 1)) direct = false;
    if (direct) races.push_back(i);
  }

  // Direct predecessors: the conflicting ones and the actor's previous step.
  if (previous != 0 && seen_[previous - 1] != epoch_) {
    preds_.insert(std::upper_bound(preds_.begin(), preds_.end(), previous - 1), previous - 1);
  }
  preds_of_.insert(preds_of_.end(), preds_.begin(), preds_.end());
  s.preds_end = preds_of_.size();
  steps_.push_back(s);
  last_of_actor_[actor] = j + 1;
  if (steps_of_actor_.size() <= actor) steps_of_actor_.resize(actor + 1);
  steps_of_actor_[actor].push_back(j);
  for (std::size_t k = 0; k < footprint.size(); ++k) index(*slots_[k], j, actor, footprint[k]);
  changes_end_.push_back(changes_.size());
}

void HappensBefore::initials(std::size_t i, std::size_t j, std::vector<sim::ActorId>& out) const {
  IPCSIM_ASSERT(i < j && j < steps_.size());
  out.clear();
  const sim::ActorId ai = steps_[i].actor;
  const std::uint32_t li = steps_[i].local;
  // v: the steps after i that do not happen after it, then j. For each actor,
  // its first step in v (a prefix of its steps after i: once one of them
  // happens after i, all later ones do).
  struct First {
    sim::ActorId actor;
    std::size_t step;
    std::uint32_t local;
  };
  std::vector<First> firsts;
  auto first_of = [&](sim::ActorId a) -> const First* {
    for (const First& f : firsts) {
      if (f.actor == a) return &f;
    }
    return nullptr;
  };
  for (std::size_t k = i + 1; k < j; ++k) {
    if (clock_of(k, ai) >= li) continue;  // happens after i
    if (first_of(steps_[k].actor) == nullptr) firsts.push_back(First{steps_[k].actor, k, steps_[k].local});
  }
  if (first_of(steps_[j].actor) == nullptr) firsts.push_back(First{steps_[j].actor, j, steps_[j].local});

  for (const First& f : firsts) {
    bool initial = true;
    for (const First& g : firsts) {
      if (g.actor == f.actor || g.step > f.step) continue;
      if (clock_of(f.step, g.actor) >= g.local) {
        initial = false;
        break;
      }
    }
    if (initial) out.push_back(f.actor);
  }
}

}  // namespace ipcsim::explore
