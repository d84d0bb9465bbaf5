// The pipe_ends workload (workloads.hpp): one pipe whose write ends are all on
// one CPU and whose read ends are all on another, so that closing (or losing
// to a crash) either side is seen by the other as end of file or EPIPE.
#include "impl/select/workloads.hpp"

namespace ipcsim::select::workloads {
namespace {

class PipeEnds final : public Workload {
 public:
  PipeEnds(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus, const PipeEndsParams& p) : p_(p) {
    system_ = std::make_unique<System>(w, cpus, bus, p.select);
    root_cpu_ = cpus[0];
    writer_cpu_ = cpus[1 % cpus.size()];
    reader_cpu_ = cpus[2 % cpus.size()];
    writer_life_ = writer_cpu_->incarnation();
    reader_life_ = reader_cpu_->incarnation();
    spawn_process(*system_, *root_cpu_, "root", [this](Process& root) { return run_root(root); });
  }

  std::string check() const override {
    const bool writer_lost = lost(*writer_cpu_, writer_life_);
    const bool reader_lost = lost(*reader_cpu_, reader_life_);
    if (!reader_lost) {
      if (reader_end_ == "running") return "the reader did not end";
      if (reader_end_ == "error") return "a read of the reader failed";
      // A write the crash cut off may have reached the pipe without its answer
      // reaching the writer: up to one message more than it counted.
      const bool in_flight = writer_lost && read_ > written_ && read_ - written_ <= p_.bytes;
      if (reader_end_ == "end of file" && read_ != written_ && !in_flight) {
        return "the reader saw end of file after " + std::to_string(read_) + " of the " + std::to_string(written_) +
               " bytes written";
      }
      if (reader_end_ == "end of file" && !writer_lost && written_ != total()) {
        return "the reader saw end of file before the writer wrote everything";
      }
    }
    if (!writer_lost) {
      const bool refused_rightly = writer_end_ == "EPIPE" && (reader_lost || reader_end_ == "stopped");
      if (writer_end_ != "all written" && !refused_rightly) return "the writer ended with: " + writer_end_;
    }
    return "";
  }

  std::vector<std::pair<std::string, std::string>> summary() const override {
    auto out = Workload::summary();
    out.emplace_back("bytes written", std::to_string(written_));
    out.emplace_back("bytes read", std::to_string(read_));
    out.emplace_back("writer", writer_end_);
    out.emplace_back("reader", reader_end_);
    out.emplace_back("writes that found the pipe full", std::to_string(full_));
    return out;
  }

 private:
  std::uint64_t total() const { return std::uint64_t{p_.messages} * p_.bytes; }
  static bool lost(const sim::Cpu& cpu, std::uint32_t life) { return !cpu.up() || cpu.incarnation() != life; }

  sim::Task<> run_root(Process& root) {
    int fds[2];
    co_await root.pipe(fds);
    const int rd = fds[0], wr = fds[1];
    Body writer = [this, rd, wr](Process& w) { return run_writer(w, rd, wr); };
    Body reader = [this, rd, wr](Process& r) { return run_reader(r, rd, wr); };
    co_await root.fork(*writer_cpu_, "writer", std::move(writer));
    co_await root.fork(*reader_cpu_, "reader", std::move(reader));
    co_await root.close(rd);
    co_await root.close(wr);
  }

  sim::Task<> run_writer(Process& w, int rd, int wr) {
    co_await w.close(rd);
    writer_end_ = "writing";
    for (std::uint32_t m = 0; m < p_.messages; ++m) {
      co_await w.ctx().sleep(p_.gap);
      std::uint64_t left = p_.bytes;
      while (left > 0) {
        const std::int64_t n = co_await w.write(wr, left);
        if (n < 0) {
          writer_end_ = "EPIPE";
          co_return;
        }
        left -= static_cast<std::uint64_t>(n);
        written_ += static_cast<std::uint64_t>(n);
        if (left == 0) break;
        ++full_;
        Masks want{.w = 1ULL << wr};
        co_await w.select(wr + 1, want, std::nullopt);
      }
    }
    writer_end_ = "all written";
    if (p_.linger > sim::Duration{0}) co_await w.ctx().sleep(p_.linger);
  }

  sim::Task<> run_reader(Process& r, int rd, int wr) {
    co_await r.close(wr);
    for (;;) {
      Masks want{.r = 1ULL << rd};
      co_await r.select(rd + 1, want, std::nullopt);
      const std::int64_t got = co_await r.read(rd, p_.read_bytes);
      if (got < 0) {
        reader_end_ = "error";
        co_return;
      }
      if (got == 0) {  // readable and nothing to read: end of file
        reader_end_ = "end of file";
        co_return;
      }
      read_ += static_cast<std::uint64_t>(got);
      if (p_.reader_stops_after > 0 && read_ >= p_.reader_stops_after) {
        co_await r.close(rd);
        reader_end_ = "stopped";
        co_return;
      }
    }
  }

  PipeEndsParams p_;
  sim::Cpu* root_cpu_ = nullptr;
  sim::Cpu* writer_cpu_ = nullptr;
  sim::Cpu* reader_cpu_ = nullptr;
  std::uint32_t writer_life_ = 0;
  std::uint32_t reader_life_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t read_ = 0;
  std::uint32_t full_ = 0;
  std::string writer_end_ = "not started";
  std::string reader_end_ = "running";
};

}  // namespace

std::unique_ptr<Workload> build_pipe_ends(sim::World& w, const std::vector<sim::Cpu*>& cpus, sim::Bus& bus,
                                         const PipeEndsParams& p) {
  return std::make_unique<PipeEnds>(w, cpus, bus, p);
}

}  // namespace ipcsim::select::workloads
