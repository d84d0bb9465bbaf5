// Perfetto JSON: the structure the trace-event format requires, spans that
// nest, and flow events that pair up.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "viz/perfetto.hpp"
#include "viz/testing/golden.hpp"
#include "viz/testing/programs.hpp"
#include "viz/trace_reader.hpp"

namespace ipcsim::viz {
namespace {

using Json = nlohmann::json;

Json perfetto(const std::string& name, const PerfettoOptions& o = {}) {
  const Trace t = testing::stored_trace(name);
  return Json::parse(perfetto_json(t, o));
}

// Every event has what its phase needs.
void check_structure(const Json& doc) {
  ASSERT_TRUE(doc.is_object());
  ASSERT_TRUE(doc.contains("traceEvents"));
  ASSERT_TRUE(doc["traceEvents"].is_array());
  EXPECT_FALSE(doc.contains("displayTimeUnit")) << "some Perfetto versions take it for the unit of ts";
  for (const Json& e : doc["traceEvents"]) {
    ASSERT_TRUE(e.contains("ph") && e["ph"].is_string()) << e.dump();
    ASSERT_TRUE(e.contains("pid") && e["pid"].is_number_unsigned()) << e.dump();
    ASSERT_TRUE(e.contains("tid") && e["tid"].is_number_unsigned()) << e.dump();
    ASSERT_TRUE(e.contains("name") && e["name"].is_string()) << e.dump();
    const std::string ph = e["ph"];
    if (ph == "M") {
      ASSERT_TRUE(e["args"].is_object()) << e.dump();
      continue;
    }
    ASSERT_TRUE(e.contains("ts") && e["ts"].is_number()) << e.dump();
    EXPECT_GE(e["ts"].get<double>(), 0.0);
    if (ph == "X") {
      ASSERT_TRUE(e.contains("dur") && e["dur"].is_number()) << e.dump();
      EXPECT_GE(e["dur"].get<double>(), 0.0);
    } else if (ph == "s" || ph == "f") {
      ASSERT_TRUE(e.contains("id") && e["id"].is_number_unsigned()) << e.dump();
    } else if (ph == "i") {
      ASSERT_TRUE(e.contains("s")) << e.dump();
      const std::string scope = e["s"];
      EXPECT_TRUE(scope == "t" || scope == "p" || scope == "g") << e.dump();
    } else {
      ADD_FAILURE() << "unexpected phase " << ph;
    }
  }
}

TEST(PerfettoTest, EveryStoredTraceHasTheRequiredStructure) {
  for (const char* name : {"ping_pong", "sync", "abba", "crash"}) {
    SCOPED_TRACE(name);
    check_structure(perfetto(name));
  }
}

TEST(PerfettoTest, CpusAreProcessesAndActorsAreNamedThreads) {
  const Json doc = perfetto("crash");
  std::map<std::uint64_t, std::string> processes;
  std::map<std::uint64_t, std::string> threads;
  for (const Json& e : doc["traceEvents"]) {
    if (e["ph"] != "M") continue;
    if (e["name"] == "process_name") processes[e["pid"]] = e["args"]["name"];
    if (e["name"] == "thread_name") threads[e["tid"]] = e["args"]["name"];
  }
  EXPECT_EQ(processes[1], "cpu0 (fifo)");
  EXPECT_EQ(processes[3], "cpu2 (fifo)");
  EXPECT_EQ(threads[1], "master #1");
  EXPECT_EQ(threads[2], "worker1 #2");
  // Every non-metadata event of an actor sits on its CPU's process.
  for (const Json& e : doc["traceEvents"]) {
    if (e["ph"] == "M" || e["tid"].get<std::uint64_t>() >= kPerfettoKernelTid) continue;
    const std::uint64_t tid = e["tid"];
    if (tid == 0) continue;  // process-scoped instants (crash, restart)
    EXPECT_TRUE(threads.count(tid)) << e.dump();
  }
}

TEST(PerfettoTest, FlowIdsComeInPairsFromSendToReceive) {
  for (const char* name : {"ping_pong", "crash"}) {
    SCOPED_TRACE(name);
    const Json doc = perfetto(name);
    std::map<std::uint64_t, Json> starts;
    std::map<std::uint64_t, Json> finishes;
    for (const Json& e : doc["traceEvents"]) {
      if (e["ph"] == "s") {
        EXPECT_TRUE(starts.emplace(e["id"].get<std::uint64_t>(), e).second) << "duplicate s id " << e.dump();
      }
      if (e["ph"] == "f") {
        EXPECT_TRUE(finishes.emplace(e["id"].get<std::uint64_t>(), e).second) << "duplicate f id " << e.dump();
      }
    }
    ASSERT_FALSE(starts.empty());
    EXPECT_EQ(starts.size(), finishes.size());
    for (const auto& [id, s] : starts) {
      ASSERT_TRUE(finishes.count(id)) << "flow " << id << " never finishes";
      const Json& f = finishes[id];
      EXPECT_LE(s["ts"].get<double>(), f["ts"].get<double>());
      EXPECT_EQ(s["name"], f["name"]);
    }
    // One arrow per arrival: as many pairs as received copies.
    const Trace t = testing::stored_trace(name);
    std::size_t received = 0;
    for (const Record& r : t.records()) received += r.int_field("flow_in").has_value() ? 1 : 0;
    EXPECT_EQ(starts.size(), received);
  }
}

TEST(PerfettoTest, SpansOnOneThreadNest) {
  for (const char* name : {"ping_pong", "sync", "abba", "crash"}) {
    SCOPED_TRACE(name);
    const Json doc = perfetto(name);
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<std::pair<double, double>>> spans;
    for (const Json& e : doc["traceEvents"]) {
      if (e["ph"] != "X") continue;
      const double start = e["ts"].get<double>();
      spans[{e["pid"], e["tid"]}].emplace_back(start, start + e["dur"].get<double>());
    }
    for (auto& [thread, list] : spans) {
      // Sorted by start, longest first: each span must end within every open one.
      std::sort(list.begin(), list.end(), [](auto a, auto b) { return a.first != b.first ? a.first < b.first : a.second > b.second; });
      std::vector<double> open_ends;
      for (const auto& [start, end] : list) {
        while (!open_ends.empty() && open_ends.back() <= start + 1e-9) open_ends.pop_back();  // ts + dur in doubles
        if (!open_ends.empty()) {
          EXPECT_LE(end, open_ends.back() + 1e-9) << "overlap on tid " << thread.second << " at " << start;
        }
        open_ends.push_back(end);
      }
    }
  }
}

TEST(PerfettoTest, ComputeBlockedAndFaultsAreThere) {
  const Json sync = perfetto("sync");
  std::set<std::string> names;
  for (const Json& e : sync["traceEvents"]) names.insert(e["name"].get<std::string>());
  EXPECT_TRUE(names.count("compute"));
  EXPECT_TRUE(names.count("running"));
  EXPECT_TRUE(names.count("sleep"));
  EXPECT_TRUE(names.count("blocked: wait on semaphore 'items'"));
  EXPECT_TRUE(std::any_of(names.begin(), names.end(), [](const std::string& n) { return n.rfind("blocked: lock mutex 'm'", 0) == 0; }));
  const Json crash = perfetto("crash");
  std::set<std::string> instants;
  for (const Json& e : crash["traceEvents"]) {
    if (e["ph"] == "i") instants.insert(e["name"].get<std::string>());
  }
  EXPECT_TRUE(instants.count("cpu2 crashes"));
  EXPECT_TRUE(instants.count("cpu2 restarts"));
  EXPECT_TRUE(instants.count("violation: no_loss"));
  // 1.064 µs and the like: microseconds with the nanoseconds kept.
  const Trace t = testing::stored_trace("ping_pong");
  EXPECT_NE(perfetto_json(t).find("\"ts\":1.064"), std::string::npos);
}

TEST(PerfettoTest, NotesCanBeLeftOut) {
  const Trace t = testing::stored_trace("sync");
  PerfettoOptions quiet;
  quiet.notes = false;
  const std::string with = perfetto_json(t);
  const std::string without = perfetto_json(t, quiet);
  EXPECT_NE(with.find("\"cat\":\"note\""), std::string::npos);
  EXPECT_EQ(without.find("\"cat\":\"note\""), std::string::npos);
  EXPECT_EQ(with, perfetto_json(t)) << "deterministic";
}

}  // namespace
}  // namespace ipcsim::viz
