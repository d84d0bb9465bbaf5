#include "cli/drivers/select_driver.hpp"

#include <algorithm>

#include "cli/drivers/param_table.hpp"
#include "cli/drivers/select_run.hpp"

namespace ipcsim::drivers {
namespace {

using namespace select_scenario;
using namespace std::chrono_literals;
using scenario::ConfigTable;
using scenario::Need;

ParamTable<wl::StormParams> storm_table() {
  ParamTable<wl::StormParams> t;
  t.count("pipes", &wl::StormParams::pipes, 1, 16, "pipes the root makes")
      .count("children", &wl::StormParams::children, 1, 64, "children forked round robin over the other CPUs")
      .count("dups", &wl::StormParams::dups, 0, 8, "dup()s of every read end in each child")
      .count("rounds", &wl::StormParams::rounds, 1, 1000, "select() calls each child makes")
      .count("messages", &wl::StormParams::messages, 0, 100000, "messages the root writes, round robin over the pipes")
      .count("bytes", &wl::StormParams::bytes, 1, 4096, "bytes of each message")
      .count("read_bytes", &wl::StormParams::read_bytes, 1, 4096, "bytes a child reads from each FD it finds ready")
      .duration("gap", &wl::StormParams::gap, "between the root's writes")
      .duration("timeout", &wl::StormParams::timeout, "each child select's timeout")
      .duration("stagger", &wl::StormParams::stagger, "child c starts its selects after c * stagger")
      .duration("pause", &wl::StormParams::pause, "a child's pause after each select");
  return t;
}

ParamTable<wl::FaninParams> fanin_table() {
  ParamTable<wl::FaninParams> t;
  t.count("writers", &wl::FaninParams::writers, 1, 64, "writers, one pipe each, on the other CPUs round robin")
      .count("messages", &wl::FaninParams::messages, 1, 100000, "messages each writer writes")
      .count("bytes", &wl::FaninParams::bytes, 1, 4096, "bytes of each message")
      .duration("timeout", &wl::FaninParams::timeout, "the reader's and the writers' select timeout");
  return t;
}

ParamTable<wl::SocketsParams> sockets_table() {
  ParamTable<wl::SocketsParams> t;
  t.count("readers", &wl::SocketsParams::readers, 1, 64, "reader processes forked by the root")
      .count("reader_cpus", &wl::SocketsParams::reader_cpus, 1, 63,
             "CPUs the readers are spread over, from the second CPU on (1: forwarding mode; more: contention); "
             "by default 3 or as many as there are")
      .count("packets", &wl::SocketsParams::packets, 0, 100000, "external packets arriving at the I/O process")
      .count("port", &wl::SocketsParams::port, 1, 65535, "the network port the socket is for")
      .duration("first_packet", &wl::SocketsParams::first_packet, "when the first packet arrives")
      .duration("packet_gap", &wl::SocketsParams::gap, "between packets")
      .duration("fork_after", &wl::SocketsParams::fork_after, "the root's wait between socket() and its forks")
      .duration("read_timeout", &wl::SocketsParams::timeout, "each reader select's timeout")
      .duration("read_work", &wl::SocketsParams::read_work, "a reader's work on each packet it reads")
      .count("idle_rounds", &wl::SocketsParams::idle_rounds, 1, 100, "selects in a row that time out before a reader stops")
      .duration("leave_after", &wl::SocketsParams::leave_after,
                "readers off the root's CPU close the socket and exit this long after their fork (0: never); "
                "contention mode ends when one space is left")
      .count("urgent_every", &wl::SocketsParams::urgent_every, 0, 100000,
             "every n-th packet is urgent (out-of-band data: exceptional readiness until read_oob takes it); 0: none")
      .count("reply_bytes", &wl::SocketsParams::reply_bytes, 0, 100000,
             "bytes a reader writes to the socket after each packet it reads (out of the network port); 0: none")
      .count("send_buffer", &wl::SocketsParams::send_buffer, 1, 1000000,
             "the real socket's send buffer in bytes (a writer finding it full selects for write)")
      .duration("net_byte_time", &wl::SocketsParams::net_byte_time,
                "the network's time to send one byte out of the I/O process's port (0: at once)");
  return t;
}

ParamTable<wl::PipeEndsParams> pipe_ends_table() {
  ParamTable<wl::PipeEndsParams> t;
  t.count("messages", &wl::PipeEndsParams::messages, 1, 100000, "messages the writer writes")
      .count("bytes", &wl::PipeEndsParams::bytes, 1, 4096, "bytes of each message")
      .count("read_bytes", &wl::PipeEndsParams::read_bytes, 1, 4096, "bytes the reader reads at a time")
      .count("reader_stops_after", &wl::PipeEndsParams::reader_stops_after, 0, 1000000,
             "the reader closes its read end once it has read this many bytes (0: it reads to end of file)")
      .duration("gap", &wl::PipeEndsParams::gap, "between the writer's messages")
      .duration("linger", &wl::PipeEndsParams::linger, "the writer holds its end this long after its last message");
  return t;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::vector<std::string> bug_names() {
  std::vector<std::string> out;
  for (const auto& [name, kinds] : select_bugs()) out.push_back(name);
  return out;
}

class SelectDriver final : public scenario::MechanismDriver {
 public:
  std::string_view name() const override { return "select"; }
  std::string_view description() const override {
    return "distributed select() over nonshared memory spaces (seed 002): kernels, agents, remote pipes";
  }
  std::vector<scenario::KeyDoc> workload_keys() const override {
    std::vector<scenario::KeyDoc> out = {
        {"kind", "one of storm, fanin, sockets, pipe_ends", "", "the workload"},
        {"bug", "one of " + join(bug_names()), "\"none\"", "a deliberately broken variant"},
        {"cpus", "array of CPU names", "every CPU", "the memory spaces of the system, each with a kernel and an agent; "
                                                    "the first one leads the workload"},
        {"bus", "bus name", "the first bus", "the bus joining them (it must connect every one of them)"},
        {"pipe_capacity", "integer 1..65536", "64", "bytes a pipe buffers"},
        {"check_period", "duration", "\"50us\"", "how often an agent checks that the CPUs it waits on are alive"},
        {"resend_period", "duration", "\"0us\"",
         "on a lossy bus: an interest unanswered this long, with someone waiting, is sent again (0: never)"},
        {"suspect_after", "integer 1..100", "2",
         "checks in a row that must find a peer's ping unanswered before the peer is declared dead"},
        {"wait_forever", "boolean", "false", "kind storm: the children's selects have no timeout"},
        {"fifos", "boolean", "false", "kind storm: named FIFOs instead of pipes, opened by name in each child"},
        {"rejoin", "boolean", "false",
         "kind storm with fifos: a restart of the first CPU starts a new root there, which makes the FIFOs again and "
         "writes again; children reopen a FIFO that died by name"},
        {"drain_own_writes", "boolean", "false", "kind storm: the root reads each message back right after writing it"},
        {"refuse", "boolean", "false",
         "kind sockets: nothing listens on `port`, so the I/O process refuses the root's connect"},
        {"tty", "boolean", "false",
         "kind sockets: the I/O process is a Telnet server and the root opens TTY line `port` (its input as packets)"},
    };
    storm_table().document(out, "", "kind storm: ");
    fanin_table().document(out, "", "kind fanin: ");
    sockets_table().document(out, "", "kind sockets: ");
    pipe_ends_table().document(out, "", "kind pipe_ends: ");
    return out;
  }
  std::vector<scenario::PropertyDoc> properties() const override {
    std::vector<scenario::PropertyDoc> out;
    for (const auto& [name, description] : select_properties()) out.push_back({name, description});
    return out;
  }
  std::unique_ptr<scenario::WorkloadConfig> parse_workload(ConfigTable& t, const scenario::MachineSpec& m) const override {
    auto cfg = std::make_unique<SelectScenario>();
    cfg->kind = t.choice("kind", {"storm", "fanin", "sockets", "pipe_ends"}, "", Need::Required);
    cfg->bug = t.choice("bug", bug_names(), "none");
    const auto cpus = m.cpu_names();
    const auto buses = m.bus_names();
    const bool listed = t.has("cpus");
    const std::vector<std::string> wanted = t.strings("cpus");  // asked for even when absent: a known key
    if (listed) {
      for (const std::string& name : wanted) {
        auto i = t.reference("cpus", name, cpus, "CPU");
        if (!i) continue;
        if (std::find(cfg->cpus.begin(), cfg->cpus.end(), *i) != cfg->cpus.end()) {
          t.error("cpus", "CPU \"" + name + "\" is listed twice");
          continue;
        }
        cfg->cpus.push_back(*i);
      }
    } else {
      for (std::size_t i = 0; i < cpus.size(); ++i) cfg->cpus.push_back(i);
    }
    const std::string bus = t.string("bus", buses.empty() ? "" : buses[0]);
    if (buses.empty() && !cpus.empty()) {
      t.error("bus", "expected a machine with a bus: the agents talk over one");
    } else if (!buses.empty()) {
      if (auto i = t.reference("bus", bus, buses, "bus")) {
        cfg->bus = *i;
        const auto& on = m.buses[*i].cpus;
        for (std::size_t c : cfg->cpus) {
          if (std::find(on.begin(), on.end(), c) == on.end()) {
            t.error("bus", "bus \"" + bus + "\" does not connect CPU \"" + cpus[c] + "\"");
            break;
          }
        }
      }
    }
    ipcsim::select::SelectConfig sel;
    sel.pipe_capacity = static_cast<std::uint32_t>(t.integer("pipe_capacity", 64, 1, 65536));
    sel.check_period = t.duration("check_period", 50us, 1ns, 10s);
    sel.suspect_after = static_cast<std::uint32_t>(t.integer("suspect_after", 2, 1, 100));
    sel.resend_period = t.duration("resend_period", 0us, 0ns, 10s);
    if (cfg->kind == "storm") {
      wl::StormParams p = storm_table().read(t);
      p.wait_forever = t.boolean("wait_forever", false);
      p.fifos = t.boolean("fifos", false);
      p.rejoin = t.boolean("rejoin", false);
      if (p.rejoin && !p.fifos) t.error("rejoin", "expected fifos = true too: the children find the new FIFOs by name");
      p.drain_own_writes = t.boolean("drain_own_writes", false);
      p.select = sel;
      cfg->params = p;
    } else if (cfg->kind == "fanin") {
      wl::FaninParams p = fanin_table().read(t);
      p.select = sel;
      cfg->params = p;
    }
    if (cfg->kind == "pipe_ends") {
      wl::PipeEndsParams p = pipe_ends_table().read(t);
      p.select = sel;
      cfg->params = p;
    }
    if (cfg->kind == "sockets") {
      wl::SocketsParams p = sockets_table().read(t);
      p.tty = t.boolean("tty", false);
      p.refuse = t.boolean("refuse", false);
      p.select = sel;
      if (cfg->cpus.size() < 2) {
        t.error("kind", "kind sockets needs at least 2 CPUs (the I/O process's and the root's)");
      } else if (!t.has("reader_cpus")) {
        p.reader_cpus = std::min<std::uint32_t>(p.reader_cpus, static_cast<std::uint32_t>(cfg->cpus.size() - 1));
      } else if (p.reader_cpus > cfg->cpus.size() - 1) {
        t.error("reader_cpus", "expected at most " + std::to_string(cfg->cpus.size() - 1) +
                                   " (the CPUs after the first, where the I/O process lives)");
      }
      cfg->params = p;
    }
    if (cfg->kind.empty()) return cfg;
    for (const auto& [b, kinds] : select_bugs()) {
      if (b != cfg->bug || std::find(kinds.begin(), kinds.end(), cfg->kind) != kinds.end()) continue;
      t.error("bug", "\"" + b + "\" has no effect on kind \"" + cfg->kind + "\" (it affects: " + join(kinds) + ")");
    }
    t.finish();
    return cfg;
  }
  std::unique_ptr<scenario::MechanismRun> instantiate(const scenario::WorkloadConfig& cfg,
                                                      const std::vector<std::string>& properties) const override {
    return make_select_run(static_cast<const SelectScenario&>(cfg), properties);
  }
};

}  // namespace

std::unique_ptr<scenario::MechanismDriver> make_select_driver() { return std::make_unique<SelectDriver>(); }

}  // namespace ipcsim::drivers
