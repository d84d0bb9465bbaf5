#include "cli/check_workers.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/shard_results.hpp"

namespace ipcsim::cli {
namespace {

void write_all(int fd, const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n <= 0) _exit(1);
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// A worker: shard `index` of `count`, its report and counterexample as one
// JSON document on `fd`, or {"error": ...}.
[[noreturn]] void worker(explore::Program& program, const explore::ExploreOptions& options, unsigned index,
                         unsigned count, int fd) {
  nlohmann::ordered_json out;
  try {
    explore::ExploreOptions mine = options;
    mine.shard_index = index;
    mine.shard_count = count;
    mine.progress = nullptr;
    const explore::ExploreReport r = explore::exhaustive(program, mine);
    out["report"] = report_to_json(r);
    out["counterexample"] = r.counterexample ? counterexample_to_json(*r.counterexample) : nlohmann::ordered_json();
  } catch (const explore::ExplorationError& e) {
    out = {{"error", e.what()}};
  }
  write_all(fd, out.dump());
  ::close(fd);
  _exit(0);  // no atexit handlers, no second flush of the parent's buffers
}

}  // namespace

explore::ExploreReport explore_in_workers(explore::Program& program, const explore::ExploreOptions& options,
                                          unsigned jobs) {
  const auto started = std::chrono::steady_clock::now();
  std::cout.flush();
  std::fflush(stdout);
  std::fflush(stderr);
  std::vector<pid_t> pids;
  std::vector<int> fds;
  for (unsigned j = 0; j < jobs; ++j) {
    int pipefd[2];
    if (::pipe(pipefd) != 0) throw explore::ExplorationError("check --jobs: cannot create a pipe");
    const pid_t pid = ::fork();
    if (pid < 0) throw explore::ExplorationError("check --jobs: cannot fork a worker");
    if (pid == 0) {
      ::close(pipefd[0]);
      for (int fd : fds) ::close(fd);
      worker(program, options, j, jobs, pipefd[1]);
    }
    ::close(pipefd[1]);
    pids.push_back(pid);
    fds.push_back(pipefd[0]);
  }
  // Each worker writes once, at its end: reading them in order cannot block one forever.
  std::vector<std::string> texts;
  for (int fd : fds) {
    texts.push_back(read_all(fd));
    ::close(fd);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  std::vector<explore::ExploreReport> parts;
  for (std::size_t j = 0; j < texts.size(); ++j) {
    const std::string which = "worker " + std::to_string(j + 1) + "/" + std::to_string(jobs);
    nlohmann::ordered_json doc;
    try {
      doc = nlohmann::ordered_json::parse(texts[j]);
    } catch (const nlohmann::json::exception&) {
      throw explore::ExplorationError("check --jobs: " + which + " ended without a result");
    }
    if (doc.contains("error")) throw explore::ExplorationError(doc.at("error").get<std::string>());
    explore::ExploreReport r = report_from_json(doc.at("report"));
    if (!doc.at("counterexample").is_null()) {
      r.counterexample = counterexample_from_json(doc.at("counterexample"), options.run.seed);
    }
    if (!parts.empty() && r.end == explore::SearchEnd::Exhausted && parts.front().end == explore::SearchEnd::Exhausted &&
        r.units_total != parts.front().units_total) {
      throw explore::ExplorationError("check --jobs: the workers walked different trees (is the program deterministic?)");
    }
    parts.push_back(std::move(r));
  }
  explore::ExploreReport m = merge_reports(parts, options.shortest).report;
  m.skipped_runs = 0;
  m.skipped_transitions = 0;
  m.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return m;
}

}  // namespace ipcsim::cli
