#include "cli/scenario/fuzz.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "cli/scenario/runner.hpp"
#include "cli/scenario/shrink.hpp"
#include "sim/replay_chooser.hpp"

namespace ipcsim::scenario {
namespace {

// The result of one run as workers report it: the run index and the first
// violated property ("" for none).
struct Outcome {
  std::uint64_t index = 0;
  std::string violated;
  std::string message;
};

RunReport run_one(const Scenario& s, const FuzzOptions& o, std::uint64_t index) {
  RunOptions ro;
  ro.seed = o.first_seed + index;
  std::unique_ptr<sim::Chooser> chooser;
  if (o.policy) {
    chooser = o.policy(*ro.seed);
    ro.chooser = chooser.get();
  }
  return run_scenario(s, ro);
}

std::vector<std::uint64_t> shard_indices(const FuzzOptions& o) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t i = o.shard_index - 1; i < o.runs; i += o.shard_count) out.push_back(i);
  return out;
}

// Collects outcomes, in any order, and knows when the campaign may stop: every
// index below the lowest finding is done.
class Ledger {
 public:
  explicit Ledger(std::vector<std::uint64_t> indices, bool keep_going)
      : indices_(std::move(indices)), keep_going_(keep_going) {}
  void add(Outcome o) {
    ++done_;
    if (!o.violated.empty()) ++findings_;
    outcomes_[o.index] = std::move(o);
  }
  // Asked after every run: it resumes where it stopped (indices before
  // clean_ are done and clean), where a scan from the first index made a
  // campaign quadratic in its runs (8,000 runs of rtos/broadcast at half the
  // rate of 1,000).
  bool complete() {
    if (done_ == indices_.size()) return true;
    if (keep_going_) return false;
    for (; clean_ < indices_.size(); ++clean_) {
      auto it = outcomes_.find(indices_[clean_]);
      if (it == outcomes_.end()) return false;
      if (!it->second.violated.empty()) return true;  // everything before it is done
    }
    return true;
  }
  // The outcomes that count: all, or those up to and including the first finding.
  std::vector<Outcome> counted() const {
    std::vector<Outcome> out;
    for (std::uint64_t i : indices_) {
      auto it = outcomes_.find(i);
      if (it == outcomes_.end()) break;
      out.push_back(it->second);
      if (!keep_going_ && !it->second.violated.empty()) break;
    }
    return out;
  }
  std::uint64_t done() const { return done_; }
  std::uint64_t findings() const { return findings_; }

 private:
  std::vector<std::uint64_t> indices_;
  bool keep_going_;
  std::map<std::uint64_t, Outcome> outcomes_;
  std::size_t clean_ = 0;  // indices_[0, clean_) are done, none of them a finding
  std::uint64_t done_ = 0;
  std::uint64_t findings_ = 0;
};

void run_in_process(const Scenario& s, const FuzzOptions& o, const std::vector<std::uint64_t>& indices, Ledger& ledger) {
  for (std::uint64_t i : indices) {
    RunReport r = run_one(s, o, i);
    std::string message;
    for (const auto& v : r.verdicts) {
      if (v.property == r.violated) message = v.message;
    }
    ledger.add(Outcome{i, r.violated, message});
    if (o.progress) o.progress({ledger.done(), indices.size(), ledger.findings()});
    if (ledger.complete()) return;
  }
}

// Worker protocol, one line per run: "<index> <property or -> <message>\n"
// (messages have their newlines replaced: they are for display only).
void worker(const Scenario& s, const FuzzOptions& o, const std::vector<std::uint64_t>& mine, int fd) {
  for (std::uint64_t i : mine) {
    RunReport r = run_one(s, o, i);
    std::string message;
    for (const auto& v : r.verdicts) {
      if (v.property == r.violated) message = v.message;
    }
    std::replace(message.begin(), message.end(), '\n', ' ');
    const std::string line = std::to_string(i) + " " + (r.violated.empty() ? "-" : r.violated) + " " + message + "\n";
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      const ssize_t n = ::write(fd, p, left);
      if (n <= 0) _exit(1);
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }
}

void run_in_workers(const Scenario& s, const FuzzOptions& o, const std::vector<std::uint64_t>& indices, Ledger& ledger) {
  const unsigned jobs = std::min<unsigned>(o.jobs, static_cast<unsigned>(std::max<std::size_t>(indices.size(), 1)));
  std::vector<pid_t> pids;
  std::vector<int> fds;
  std::vector<std::string> partial(jobs);
  for (unsigned j = 0; j < jobs; ++j) {
    std::vector<std::uint64_t> mine;
    for (std::size_t k = j; k < indices.size(); k += jobs) mine.push_back(indices[k]);
    int pipefd[2];
    if (::pipe(pipefd) != 0) throw std::runtime_error("fuzz: cannot create a pipe");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fuzz: cannot fork a worker");
    if (pid == 0) {
      ::close(pipefd[0]);
      worker(s, o, mine, pipefd[1]);
      ::close(pipefd[1]);
      _exit(0);
    }
    ::close(pipefd[1]);
    pids.push_back(pid);
    fds.push_back(pipefd[0]);
  }
  std::size_t open = fds.size();
  while (open > 0 && !ledger.complete()) {
    std::vector<pollfd> polls;
    for (int fd : fds) polls.push_back(pollfd{fd, POLLIN, 0});
    if (::poll(polls.data(), polls.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (std::size_t j = 0; j < fds.size(); ++j) {
      if (fds[j] < 0 || (polls[j].revents & (POLLIN | POLLHUP)) == 0) continue;
      char buf[4096];
      const ssize_t n = ::read(fds[j], buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[j]);
        fds[j] = -1;
        --open;
        continue;
      }
      partial[j].append(buf, static_cast<std::size_t>(n));
      std::size_t nl;
      while ((nl = partial[j].find('\n')) != std::string::npos) {
        const std::string line = partial[j].substr(0, nl);
        partial[j].erase(0, nl + 1);
        Outcome out;
        const std::size_t sp1 = line.find(' ');
        const std::size_t sp2 = line.find(' ', sp1 + 1);
        out.index = std::stoull(line.substr(0, sp1));
        const std::string prop = line.substr(sp1 + 1, sp2 - sp1 - 1);
        out.violated = prop == "-" ? "" : prop;
        out.message = sp2 == std::string::npos ? "" : line.substr(sp2 + 1);
        ledger.add(std::move(out));
        if (o.progress) o.progress({ledger.done(), indices.size(), ledger.findings()});
      }
    }
  }
  for (std::size_t j = 0; j < pids.size(); ++j) {
    if (fds[j] >= 0) {
      ::kill(pids[j], SIGKILL);  // the campaign is decided: the rest is not needed
      ::close(fds[j]);
    }
    int status = 0;
    ::waitpid(pids[j], &status, 0);
  }
}

}  // namespace

std::optional<sim::ChoiceList> replay_violates(const Scenario& s, std::uint64_t seed, const sim::ChoiceList& choices,
                                               const std::string& property, std::optional<std::uint32_t> max_faults) {
  sim::ReplayChooser replay(choices, sim::ReplayChooser::Mode::Lenient);
  RunOptions ro;
  ro.seed = seed;
  ro.chooser = &replay;
  ro.max_faults = max_faults;
  RunReport r = run_scenario(s, ro);
  if (r.violated != property) return std::nullopt;
  return r.choices;
}

void judge_fuzz(FuzzResult& result, const std::string& expect) {
  const std::string scope = std::to_string(result.runs_done) + " run(s)";
  if (expect == "pass") {
    result.as_expected = result.findings.empty();
    result.verdict = result.as_expected ? "no violation in " + scope
                                        : "property \"" + result.findings.front().property + "\" violated";
  } else {
    const bool found = !result.findings.empty() && result.findings.front().property == expect;
    const bool other = std::any_of(result.findings.begin(), result.findings.end(),
                                   [&](const FuzzFinding& f) { return f.property != expect; });
    result.as_expected = found && !other;
    if (result.findings.empty()) {
      result.verdict = "the expected violation of \"" + expect + "\" was not found in " + scope;
    } else if (other) {
      result.verdict = "an unexpected property was violated";
    } else {
      result.verdict = "found the expected violation of \"" + expect + "\"";
    }
  }
}

FuzzResult run_fuzz(const Scenario& s, const FuzzOptions& o) {
  IPCSIM_ASSERT(o.shard_count >= 1 && o.shard_index >= 1 && o.shard_index <= o.shard_count);
  const std::vector<std::uint64_t> indices = shard_indices(o);
  Ledger ledger(indices, o.keep_going);
  if (o.jobs <= 1) {
    run_in_process(s, o, indices, ledger);
  } else {
    run_in_workers(s, o, indices, ledger);
  }
  FuzzResult result;
  result.runs_planned = indices.size();
  const std::vector<Outcome> counted = ledger.counted();
  result.runs_done = counted.size();
  for (const Outcome& out : counted) {
    if (out.violated.empty()) continue;
    FuzzFinding f;
    f.run_index = out.index;
    f.seed = o.first_seed + out.index;
    f.property = out.violated;
    f.message = out.message;
    // Re-run the finding here to get its choice list (workers only report verdicts).
    RunReport again = run_one(s, o, out.index);
    IPCSIM_ASSERT_MSG(again.violated == f.property, "a fuzz run did not reproduce: nondeterminism");
    f.original = again.choices;
    f.shrunk = f.original;
    if (o.shrink) {
      const ShrinkOracle oracle = [&](const sim::ChoiceList& c) { return replay_violates(s, f.seed, c, f.property); };
      ShrinkResult sr = shrink_choices(f.original, oracle, o.shrink_budget);
      f.shrunk = std::move(sr.choices);
      f.shrink_runs = sr.runs;
      // The kept list came from a real run: a strict replay must agree exactly.
      sim::ReplayChooser strict(f.shrunk);
      RunOptions ro;
      ro.seed = f.seed;
      ro.chooser = &strict;
      const RunReport check = run_scenario(s, ro);
      IPCSIM_ASSERT_MSG(check.violated == f.property && check.choices == f.shrunk,
                        "a shrunk counterexample does not replay exactly");
    }
    result.findings.push_back(std::move(f));
  }
  judge_fuzz(result, s.expect);
  return result;
}

}  // namespace ipcsim::scenario
