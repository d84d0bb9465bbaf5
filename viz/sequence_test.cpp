// Sequence diagrams: golden Mermaid and DOT text of small traces, well-formed
// SVG naming every actor, and the window, the filters and the marks.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "viz/errors.hpp"
#include "viz/sequence.hpp"
#include "viz/testing/golden.hpp"
#include "viz/testing/programs.hpp"
#include "viz/testing/xml_check.hpp"
#include "viz/trace_reader.hpp"

namespace ipcsim::viz {
namespace {

using testing::expect_golden;
using testing::testdata_path;

// The traces the goldens are drawn from are stored beside them, so that the
// drawings are pinned by viz alone; a kernel change that alters a trace shows
// up in StoredTracesAreWhatTheProgramsWrite.
Trace stored(const std::string& name) { return testing::stored_trace(name); }

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SequenceTest, StoredTracesAreWhatTheProgramsWrite) {
  for (const std::string& name : testing::stored_program_names()) {
    const std::string fresh = testing::stored_program_trace(name);
    EXPECT_EQ(fresh, testing::stored_program_trace(name)) << name << ": the program is not deterministic";
    const Trace t = stored(name);  // rewrites the file first under IPCSIM_UPDATE_GOLDEN=1
    EXPECT_TRUE(fresh == testing::read_file(testdata_path(name + ".jsonl")))
        << name << ".jsonl differs from what its program (viz/testing/programs.cpp) writes now; if the kernel's "
        << "trace changed on purpose, rerun with IPCSIM_UPDATE_GOLDEN=1 and review the diffs";
  }
}

TEST(SequenceTest, MermaidGoldenFiles) {
  for (const std::string& name : testing::stored_program_names()) {
    SCOPED_TRACE(name);
    SequenceOptions o;
    o.title = name;
    expect_golden(name + ".mmd", sequence_mermaid(stored(name), o));
  }
}

TEST(SequenceTest, DotGoldenFiles) {
  for (const std::string& name : testing::stored_program_names()) {
    SCOPED_TRACE(name);
    SequenceOptions o;
    o.title = name;
    expect_golden(name + ".sequence.dot", sequence_dot(stored(name), o));
  }
}

TEST(SequenceTest, OutputIsTheSameOnEveryRun) {
  const Trace a = testing::parse(testing::crash_trace(), "crash");
  const Trace b = testing::parse(testing::crash_trace(), "crash");
  EXPECT_EQ(sequence_mermaid(a), sequence_mermaid(b));
  // Graphviz keeps state between renders in one process: render several times.
  const std::string first = sequence_svg(a);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(sequence_svg(b) == first) << "render " << i << " differs";
}

TEST(SequenceTest, SvgOfAMultiCpuTraceIsWellFormedAndNamesEveryActor) {
  for (const std::string& name : testing::stored_program_names()) {
    SCOPED_TRACE(name);
    const Trace t = stored(name);
    const std::string svg = sequence_svg(t);
    const testing::XmlCheck xml = testing::check_xml(svg);
    ASSERT_TRUE(xml.ok) << xml.error;
    EXPECT_EQ(xml.root, "svg");
    for (const auto& [id, actor] : t.actors()) {
      const std::string name = actor.name;
      const bool named = std::any_of(xml.text.begin(), xml.text.end(),
                                     [&](const std::string& text) { return text.find(name) != std::string::npos; });
      EXPECT_TRUE(named) << "actor '" << name << "' is not in the SVG";
    }
  }
}

TEST(SequenceTest, LanesAreGroupedByCpuThenSpawnOrder) {
  const SequenceModel m = build_sequence(stored("crash"));
  std::vector<std::string> labels;
  for (const Lane& l : m.lanes) labels.push_back(l.label);
  // worker2 restarts on cpu2 as a new actor with the same name: both are shown, told apart by id.
  ASSERT_EQ(labels.size(), 4u);
  EXPECT_EQ(labels[0], "master");
  EXPECT_EQ(labels[1], "worker1");
  EXPECT_EQ(labels[2].substr(0, 9), "worker2 #");
  EXPECT_EQ(labels[3].substr(0, 9), "worker2 #");
  ASSERT_EQ(m.groups.size(), 3u);
  EXPECT_EQ(m.groups[2].label, "cpu2 · fifo");
  EXPECT_EQ(m.groups[2].first, 2u);
  EXPECT_EQ(m.groups[2].last, 3u);
  for (std::size_t l = 1; l < m.lanes.size(); ++l) {
    EXPECT_LE(m.lanes[l - 1].cpu, m.lanes[l].cpu);
    if (m.lanes[l - 1].cpu == m.lanes[l].cpu) {
      EXPECT_LT(m.lanes[l - 1].actor, m.lanes[l].actor);
    }
  }
}

TEST(SequenceTest, MessagesArrowsCarryIdsTagsAndTimes) {
  const SequenceModel m = build_sequence(stored("ping_pong"));
  std::size_t messages = 0, duplicates = 0, lost = 0;
  for (const Item& it : m.items) {
    if (it.kind == ItemKind::Message) {
      ++messages;
      duplicates += it.duplicate ? 1 : 0;
      EXPECT_NE(it.label.find("tag "), std::string::npos) << it.label;
      EXPECT_NE(it.label.find("µs"), std::string::npos) << it.label;
      ASSERT_TRUE(it.from_row.has_value());
      EXPECT_LE(*it.from_row, it.row);
      EXPECT_LE(it.t_from, it.t_to);
      EXPECT_NE(it.from_lane, it.to_lane);
    }
    lost += it.kind == ItemKind::Lost ? 1 : 0;
  }
  // The stored run: what ping_pong_trace(3) does to its messages (see ping_pong.jsonl).
  const Trace t = stored("ping_pong");
  std::size_t recv = 0, dup = 0, drop = 0;
  for (const Record& r : t.records()) {
    recv += r.kind == "port.recv" ? 1 : 0;
    dup += r.kind == "port.recv" && r.int_field("copy").value_or(0) > 0 ? 1 : 0;
    drop += r.kind == "bus.drop" ? 1 : 0;
  }
  EXPECT_EQ(messages, recv);
  EXPECT_EQ(duplicates, dup);
  EXPECT_EQ(lost, drop);
  EXPECT_GT(dup, 0u) << "the stored run should show a duplicate";
}

TEST(SequenceTest, FaultsAreMarked) {
  const std::string mmd = sequence_mermaid(stored("ping_pong"));
  EXPECT_NE(mmd.find("FAULT reorder: #"), std::string::npos);
  EXPECT_NE(mmd.find("FAULT bus0 duplicates #"), std::string::npos);
  const std::string crash = sequence_mermaid(stored("crash"));
  EXPECT_NE(crash.find("Note over a3,a4: FAULT cpu2 crashes"), std::string::npos) << crash;
  EXPECT_NE(crash.find("cpu2 restarts (incarnation 2)"), std::string::npos);
  EXPECT_NE(crash.find("-x"), std::string::npos) << "the lost reply ends with a cross";
}

TEST(SequenceTest, OtherFaultsAndTheDeadlockAreMarked) {
  const Trace t = stored("faults");
  std::set<std::string> kinds;
  for (const Record& r : t.records()) kinds.insert(r.kind);
  for (const char* k : {"bus.delay", "bus.partition", "bus.heal", "port.overflow", "sim.kill", "sim.deadlock"}) {
    ASSERT_TRUE(kinds.count(k)) << "the faults program no longer produces " << k;
  }
  const std::string mmd = sequence_mermaid(t);
  for (const char* mark : {"delayed +", "FAULT bus0 partitioned: 0 1 | 2", "FAULT bus0 healed", "lost: port 'small.in' full (1)",
                           "dropped: partition", "FAULT killed: fault", "deadlock: left → right"}) {
    EXPECT_NE(mmd.find(mark), std::string::npos) << "missing '" << mark << "' in\n" << mmd;
  }
  const SequenceModel m = build_sequence(t);
  const auto idler = std::find_if(m.lanes.begin(), m.lanes.end(), [](const Lane& l) { return l.label == "idler"; });
  ASSERT_NE(idler, m.lanes.end());
  EXPECT_TRUE(idler->killed);
  EXPECT_TRUE(idler->ends.has_value());
  EXPECT_TRUE(testing::check_xml(sequence_svg(m)).ok);
}

TEST(SequenceTest, TheViolationIsMarkedWithItsPropertyAndTheRecordItPointsAt) {
  const Trace t = stored("crash");
  ASSERT_EQ(t.violations().size(), 1u);
  const SequenceModel m = build_sequence(t);
  const auto v = std::find_if(m.items.begin(), m.items.end(), [](const Item& it) { return it.kind == ItemKind::Violation; });
  ASSERT_NE(v, m.items.end());
  EXPECT_NE(v->label.find("property 'no_loss' violated"), std::string::npos) << v->label;
  const auto at = static_cast<std::uint64_t>(t.records()[t.violations()[0]].int_field("at").value());
  const auto target = std::find_if(m.items.begin(), m.items.end(), [&](const Item& it) { return it.seq == at; });
  ASSERT_NE(target, m.items.end()) << "the record the violation points at is drawn";
  EXPECT_TRUE(target->highlight);
  const std::string mmd = sequence_mermaid(m);
  EXPECT_NE(mmd.find("VIOLATION property 'no_loss' violated"), std::string::npos);
  EXPECT_NE(sequence_dot(m).find("VIOLATION: property 'no_loss' violated"), std::string::npos);
}

TEST(SequenceTest, WakeUpsAndHandoffsAreArrowsBetweenActors) {
  const SequenceModel m = build_sequence(stored("sync"));
  std::set<std::string> arrows;
  for (const Item& it : m.items) {
    if (it.kind == ItemKind::Wake || it.kind == ItemKind::Handoff) {
      arrows.insert(m.lanes[static_cast<std::size_t>(it.from_lane)].label + " -> " +
                    m.lanes[static_cast<std::size_t>(it.to_lane)].label + ": " + it.label);
    }
  }
  EXPECT_EQ(arrows.count("producer -> consumer: wakes · semaphore 'items'"), 1u);
  EXPECT_EQ(arrows.count("worker_a -> worker_b: hands off mutex 'm'"), 1u);
  // The wake-up that follows a hand-off is the hand-off: not drawn twice.
  for (const std::string& a : arrows) EXPECT_EQ(a.find("worker_a -> worker_b: wakes"), std::string::npos) << a;
}

TEST(SequenceTest, DetailLevelsAddNotes) {
  const Trace t = stored("sync");
  auto notes = [&](Detail d) {
    SequenceOptions o;
    o.detail = d;
    const SequenceModel m = build_sequence(t, o);
    return std::count_if(m.items.begin(), m.items.end(), [](const Item& it) { return it.kind == ItemKind::Note; });
  };
  EXPECT_EQ(notes(Detail::Messages), 0);
  EXPECT_GT(notes(Detail::Sync), notes(Detail::Messages));
  EXPECT_GT(notes(Detail::All), notes(Detail::Sync));
  SequenceOptions sync;
  const std::string mmd = sequence_mermaid(t, sync);
  EXPECT_NE(mmd.find("lock 'm' at programs.cpp:"), std::string::npos);
  EXPECT_NE(mmd.find("sem.signal 'items' count="), std::string::npos);
}

TEST(SequenceTest, UnknownKindsAreNotesAndTheirFlowsAreArrows) {
  // A mechanism viz/ has never heard of: a note and a hand-off of its own kinds.
  const std::string jsonl =
      R"({"seq":0,"t":0,"kind":"sim.object","obj":1,"type":"cpu","name":"cpu0"}
{"seq":1,"t":0,"cpu":0,"kind":"cpu.config","obj":1,"policy":"priority-preemptive","memory_bytes":65536}
{"seq":2,"t":0,"kind":"sim.object","obj":2,"type":"exchange","name":"xchg"}
{"seq":3,"t":0,"cpu":0,"actor":1,"kind":"sim.spawn","name":"master","prio":5,"daemon":false,"parent":0}
{"seq":4,"t":0,"cpu":0,"actor":2,"kind":"sim.spawn","name":"slave","prio":3,"daemon":false,"parent":0}
{"seq":5,"t":10,"cpu":0,"actor":1,"kind":"rtos.block.get","obj":2,"pool":1,"addr":4096}
{"seq":6,"t":20,"cpu":0,"actor":1,"kind":"rtos.xchg.send","obj":2,"prio":7,"flow_out":9}
{"seq":7,"t":30,"cpu":0,"actor":2,"kind":"rtos.xchg.recv","obj":2,"flow_in":9}
)";
  const Trace t = testing::parse(jsonl, "mech");
  const SequenceModel m = build_sequence(t);
  ASSERT_EQ(m.items.size(), 2u);
  EXPECT_EQ(m.items[0].kind, ItemKind::Note);
  EXPECT_EQ(m.items[0].label, "rtos.block.get 'xchg' pool=1 addr=4096");
  EXPECT_EQ(m.items[1].kind, ItemKind::Message);
  EXPECT_EQ(m.items[1].label, "rtos.xchg.send #9 prio=7 · 20 ns → 30 ns");
  SequenceOptions hide;
  hide.hide_kinds = {"rtos.block."};
  EXPECT_EQ(build_sequence(t, hide).items.size(), 1u);
  EXPECT_EQ(m.lanes[0].sublabel, "#1 · prio 5");
}

TEST(SequenceTest, SetUpRecordsOfOneKindShareARowAndInstanceFieldsAreLeftOut) {
  const std::string jsonl =
      R"({"seq":0,"t":0,"cpu":0,"actor":1,"kind":"sim.spawn","name":"master","prio":5,"daemon":false,"parent":0}
{"seq":1,"t":0,"kind":"rtos.pool.create","obj":0,"rtos":3,"pool":8,"kind":"bcb"}
{"seq":2,"t":0,"kind":"rtos.pool.create","obj":0,"rtos":3,"pool":16,"kind":"mcb"}
{"seq":3,"t":0,"kind":"rtos.pool.create","obj":0,"rtos":3,"pool":24,"kind":"tcb"}
{"seq":4,"t":0,"kind":"rtos.xchg.create","rtos":3,"xchg":40}
{"seq":5,"t":9,"cpu":0,"actor":1,"kind":"rtos.msg.get","rtos":3,"msg":1}
{"seq":6,"t":9,"cpu":0,"actor":1,"kind":"rtos.msg.get","rtos":3,"msg":2}
)";
  const SequenceModel m = build_sequence(testing::parse(jsonl, "setup"));
  ASSERT_EQ(m.items.size(), 4u);
  EXPECT_EQ(m.items[0].label, "3 × rtos.pool.create");
  EXPECT_EQ(std::count(m.items[0].detail.begin(), m.items[0].detail.end(), '\n'), 2) << "every record in the tooltip";
  EXPECT_EQ(m.items[1].label, "rtos.xchg.create xchg=40") << "rtos=3 names the instance: left out";
  EXPECT_EQ(m.items[2].label, "rtos.msg.get msg=1") << "an actor's notes are not merged";
  EXPECT_EQ(m.items[3].label, "rtos.msg.get msg=2");
  EXPECT_EQ(m.rows.size(), 4u);
}

TEST(SequenceTest, TimeWindowKeepsRowsInsideAndClipsArrowsCrossingIt) {
  const Trace t = stored("ping_pong");
  const SequenceModel whole = build_sequence(t);
  SequenceOptions o;
  o.from_ns = 1'100;
  o.to_ns = 2'150;
  const SequenceModel m = build_sequence(t, o);
  ASSERT_FALSE(m.rows.empty());
  for (const Row& r : m.rows) {
    EXPECT_GE(r.t, 1'100);
    EXPECT_LE(r.t, 2'150);
  }
  EXPECT_GT(m.rows_before, 0u);
  EXPECT_GT(m.rows_after, 0u);
  EXPECT_EQ(m.rows_before + m.rows.size() + m.rows_after, whole.rows.size());
  bool clipped_start = false, clipped_end = false;
  for (const Item& it : m.items) {
    if (it.kind != ItemKind::Message) continue;
    clipped_start = clipped_start || !it.from_row;
    clipped_end = clipped_end || it.after_window;
  }
  EXPECT_TRUE(clipped_start) << "a message sent before 1.1 µs arrives in the window";
  EXPECT_TRUE(clipped_end) << "a message sent in the window arrives after 2.15 µs";
  EXPECT_NE(m.window.find("from 1.1 µs"), std::string::npos);
}

TEST(SequenceTest, AroundViolationShowsNRowsEachSide) {
  const Trace t = stored("crash");
  SequenceOptions o;
  o.around_violation = 2;
  const SequenceModel m = build_sequence(t, o);
  EXPECT_EQ(m.rows.size(), 5u);
  const auto v = std::find_if(m.items.begin(), m.items.end(), [](const Item& it) { return it.kind == ItemKind::Violation; });
  ASSERT_NE(v, m.items.end());
  EXPECT_EQ(v->row, 2u);
  SequenceOptions none;
  none.around_violation = 3;
  EXPECT_THROW(build_sequence(stored("sync"), none), VizError);
}

// A deadlock is the violation of deadlock_free, which the kernel reports with
// sim.deadlock and no monitor records: the window centres on that record.
TEST(SequenceTest, AroundViolationCentresOnTheDeadlockWhenNoMonitorFlaggedOne) {
  const Trace t = stored("faults");
  ASSERT_TRUE(t.violations().empty());
  SequenceOptions o;
  o.around_violation = 2;
  const SequenceModel m = build_sequence(t, o);
  ASSERT_EQ(m.rows.size(), 4u) << "2 rows before the deadlock, the deadlock, and the run's end after it";
  const auto d = std::find_if(m.items.begin(), m.items.end(),
                              [](const Item& it) { return it.label == "deadlock: left → right"; });
  ASSERT_NE(d, m.items.end());
  EXPECT_EQ(d->row, 2u);
  EXPECT_NE(m.window.find("around the violation of 'deadlock_free'"), std::string::npos) << m.window;
}

TEST(SequenceTest, ActorFilterFoldsTheRestIntoOtherActors) {
  const Trace t = stored("crash");
  SequenceOptions o;
  o.actors = {"master"};
  const SequenceModel m = build_sequence(t, o);
  ASSERT_EQ(m.lanes.size(), 2u);
  EXPECT_EQ(m.lanes[0].label, "master");
  EXPECT_EQ(m.lanes[1].kind, LaneKind::Others);
  for (const Item& it : m.items) {
    if (it.kind == ItemKind::Message) {
      EXPECT_TRUE(it.from_lane == 0 || it.to_lane == 0) << it.label;
    }
  }
  SequenceOptions prefix;
  prefix.actors = {"worker*"};
  const SequenceModel w = build_sequence(t, prefix);
  EXPECT_EQ(w.lanes.size(), 4u) << "three workers and the others lane";
  SequenceOptions nobody;
  nobody.actors = {"nobody"};
  try {
    build_sequence(t, nobody);
    FAIL() << "expected a VizError";
  } catch (const VizError& e) {
    EXPECT_NE(std::string(e.what()).find("'nobody' matches no actor"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("master"), std::string::npos) << "lists the actors there are";
  }
}

TEST(SequenceTest, MaxRowsCutsTheDiagramAndSaysSo) {
  SequenceOptions o;
  o.max_rows = 4;
  const SequenceModel m = build_sequence(stored("ping_pong"), o);
  EXPECT_EQ(m.rows.size(), 4u);
  EXPECT_TRUE(m.cut_by_limit);
  EXPECT_GT(m.rows_after, 0u);
  EXPECT_NE(sequence_mermaid(m).find("later rows not shown (max_rows reached)"), std::string::npos);
  EXPECT_NE(sequence_dot(m).find("later rows not shown (the max_rows limit)"), std::string::npos);
  SequenceOptions zero;
  zero.max_rows = 0;
  EXPECT_THROW(build_sequence(stored("ping_pong"), zero), VizError);
  SequenceOptions backwards;
  backwards.from_ns = 10;
  backwards.to_ns = 5;
  EXPECT_THROW(build_sequence(stored("ping_pong"), backwards), VizError);
}

TEST(SequenceTest, EmptyWindowStillDraws) {
  SequenceOptions o;
  o.from_ns = 1'000'000'000;
  const Trace t = stored("sync");
  const SequenceModel m = build_sequence(t, o);
  EXPECT_TRUE(m.rows.empty());
  EXPECT_TRUE(testing::check_xml(sequence_svg(m)).ok);
  EXPECT_NE(sequence_mermaid(m).find("sequenceDiagram"), std::string::npos);
}

TEST(SequenceTest, MermaidEscapesWhatItsGrammarWouldRead) {
  const std::string jsonl =
      R"({"seq":0,"t":0,"cpu":0,"actor":1,"kind":"sim.spawn","name":"end","prio":0,"daemon":false,"parent":0}
{"seq":1,"t":5,"cpu":0,"actor":1,"kind":"app.note","text":"a;b <i>x</i> & end"}
)";
  const std::string mmd = sequence_mermaid(testing::parse(jsonl, "escapes"));
  EXPECT_NE(mmd.find("participant a1 as (end)"), std::string::npos) << mmd;
  EXPECT_NE(mmd.find("text=a#59;b #lt;i#gt;x#lt;/i#gt; #amp; (end)"), std::string::npos) << mmd;
  EXPECT_EQ(count(mmd, ";"), count(mmd, "#59;") + count(mmd, "#lt;") + count(mmd, "#gt;") + count(mmd, "#amp;"));
}

}  // namespace
}  // namespace ipcsim::viz
