// Sequence diagrams of a run: lifelines for actors grouped by CPU, arrows for
// hand-offs and wake-ups, marks for faults and for the violated property.
//
// Built from any trace by its conventions alone (sim/trace.hpp), so a
// mechanism's records draw without viz/ knowing it: a record with flow_out
// starts an arrow that ends at each record with the same flow_in; a sim.wake
// whose "by" is another actor is a wake-up arrow; mutex.unlock with "to" is a
// hand-off; bus.drop / port.overflow end a message with a cross; cpu.crash,
// bus.reorder, bus.delay, ... are fault marks; property.violation is a red
// mark naming the property, and the record it points at ("at") is drawn in
// red too. Records of other kinds become notes on their actor's lifeline.
//
// The diagram reads top to bottom, one row per drawn event, in trace order;
// the left column gives the simulated time of each row. A message that takes
// time is a slanted arrow from the row it was sent to the row it arrived.
//
// Long traces: a window in simulated time (from_ns, to_ns), or around the
// first violation (around_violation rows before and after it), actor filters
// (actors outside the filter are folded into one "other actors" lifeline),
// and max_rows, the limit on a diagram's length (what is cut is said).
//
//   viz::SequenceOptions o;
//   o.around_violation = 20;
//   o.actors = {"master", "slave*"};           // "name*" matches a prefix
//   std::string mmd = viz::sequence_mermaid(trace, o);
//   std::string svg = viz::sequence_svg(trace, o);  // Graphviz, in-process
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "viz/trace.hpp"

namespace ipcsim::viz {

enum class Detail : std::uint8_t {
  Messages,  // hand-offs, wake-ups, spawns, faults, timeouts, violations
  Sync,      // + lock, semaphore, gate, event and priority records, and mechanism records (notes)
  All,       // + every scheduling record: dispatch, block, sleep, compute, yield, preempt, exit
};

struct SequenceOptions {
  std::optional<std::int64_t> from_ns;          // window: first instant shown (inclusive)
  std::optional<std::int64_t> to_ns;            // window: last instant shown (inclusive)
  std::optional<std::size_t> around_violation;  // window: rows shown before and after the first violation
  std::vector<std::string> actors;              // lifelines shown (exact names, or "prefix*"); empty: all
  std::vector<std::string> hide_kinds;          // kind prefixes never drawn as notes, e.g. "rtos.block."
  Detail detail = Detail::Sync;
  std::size_t max_rows = 2000;                  // limit on rows drawn; later rows are cut, with a note
  std::string title;                            // default: the trace's source
};

// ---- The model both renderers draw ------------------------------------------------

enum class LaneKind : std::uint8_t { Actor, Kernel, Others };

// A span of a lifeline where the actor waits (blocked or asleep). Positions are
// in rows; x.5 lies between rows x and x+1.
struct WaitSpan {
  double from = 0;
  double to = 0;
  std::string what;  // "receive from port 'in'", "sleep"
};

struct Lane {
  LaneKind kind = LaneKind::Actor;
  ActorId actor = kNoActor;
  CpuId cpu = kNoCpu;
  std::string name;                 // the actor's name
  std::string label;                // unique among the lanes: "ping", or "worker #4" when names repeat
  std::string sublabel;             // "#1 · prio 5"
  std::optional<double> begins;     // where it is spawned; nullopt: before the first row
  std::optional<double> ends;       // where it exits or is killed; nullopt: after the last row
  bool killed = false;
  std::vector<WaitSpan> waits;
};

// Lanes [first, last] run on one CPU (or are the kernel / other actors).
struct LaneGroup {
  CpuId cpu = kNoCpu;
  std::string label;  // "cpu0 · priority-preemptive"
  std::size_t first = 0;
  std::size_t last = 0;
};

enum class ItemKind : std::uint8_t {
  Message,    // a hand-off (flow_out -> flow_in)
  Lost,       // a message that never arrived (drop, overflow): ends with a cross
  Wake,       // an actor's step woke another
  Handoff,    // a mutex passed to the next owner
  Spawn,      // an actor started another
  Note,       // a record shown as text on a lifeline
  Fault,      // a fault mark (crash, reorder, kill, ...) or a timeout
  Violation,  // a property.violation record
  End,        // sim.end / sim.deadlock
};
const char* to_string(ItemKind k);

struct Item {
  ItemKind kind = ItemKind::Note;
  std::size_t row = 0;                  // where it is drawn; arrows: where they arrive
  std::optional<std::size_t> from_row;  // arrows: where they leave; nullopt: before the window
  bool after_window = false;            // arrows: arrives after the last row shown (row = last row)
  // Arrows: sender and receiver lanes. Marks: the lanes they span (one lane:
  // from_lane == to_lane). -1 and -1: over every lane.
  int from_lane = -1;
  int to_lane = -1;
  std::string label;   // short text, as drawn
  std::string detail;  // the record in full (SVG tooltip)
  std::uint64_t seq = 0;       // the record that made it
  std::int64_t t_from = 0;     // ns, where it leaves (arrows) or happens
  std::int64_t t_to = 0;
  bool highlight = false;      // the record a violation points at
  bool duplicate = false;      // a Message that is a bus duplicate
};

struct Row {
  std::int64_t t = 0;  // ns
  std::uint64_t seq = 0;
};

struct SequenceModel {
  std::string title;
  std::string window;  // how the window was chosen, empty for the whole trace
  std::vector<Lane> lanes;
  std::vector<LaneGroup> groups;  // in lane order, covering every lane
  std::vector<Row> rows;
  std::vector<Item> items;        // in row order
  std::size_t rows_before = 0;    // rows of the whole trace above the window
  std::size_t rows_after = 0;     // rows below it (cut by the window or max_rows)
  bool cut_by_limit = false;      // rows_after includes rows cut by max_rows
};

// Throws VizError for options that cannot apply: an actor filter that matches
// nobody, from_ns > to_ns, around_violation on a trace without a violation.
SequenceModel build_sequence(const Trace& trace, const SequenceOptions& options = {});

// ---- Renderers ------------------------------------------------------------------

// Mermaid sequenceDiagram text (participants boxed per CPU).
std::string sequence_mermaid(const SequenceModel& model);
std::string sequence_mermaid(const Trace& trace, const SequenceOptions& options = {});
// The DOT text of the SVG diagram (every node pinned; engine "nop2").
std::string sequence_dot(const SequenceModel& model);
std::string sequence_dot(const Trace& trace, const SequenceOptions& options = {});
// SVG, laid out and rendered in-process by Graphviz.
std::string sequence_svg(const SequenceModel& model);
std::string sequence_svg(const Trace& trace, const SequenceOptions& options = {});

}  // namespace ipcsim::viz
