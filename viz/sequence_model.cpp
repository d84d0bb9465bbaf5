// build_sequence: from trace records to lanes, rows and items (sequence.hpp).
//
// Three passes: choose the lifelines (actors by CPU, then spawn order, after
// the filters), walk the records once numbering a row for every record that
// draws something, then cut the window out of the rows and renumber.
#include <algorithm>
#include <map>
#include <set>

#include "viz/check.hpp"
#include "viz/errors.hpp"
#include "viz/sequence.hpp"
#include "viz/text.hpp"

namespace ipcsim::viz {

const char* to_string(ItemKind k) {
  switch (k) {
    case ItemKind::Message: return "message";
    case ItemKind::Lost: return "lost";
    case ItemKind::Wake: return "wake";
    case ItemKind::Handoff: return "handoff";
    case ItemKind::Spawn: return "spawn";
    case ItemKind::Note: return "note";
    case ItemKind::Fault: return "fault";
    case ItemKind::Violation: return "violation";
    case ItemKind::End: return "end";
  }
  return "?";
}

namespace {

// Lane references while building: an actor lane's index (>= 0) or one of these.
constexpr int kAllLanes = -1;
constexpr int kKernelLane = -2;
constexpr int kOthersLane = -3;
constexpr std::size_t kNoRow = static_cast<std::size_t>(-1);
constexpr std::size_t kNoteChars = 64;   // longest note text drawn; the tooltip has the rest
constexpr std::size_t kValueChars = 24;  // longest field value in a note
constexpr std::size_t kNotesMerged = 64;  // most records folded into one note

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Kinds the kernel emits; everything else belongs to a mechanism.
bool is_kernel_kind(std::string_view kind) {
  static constexpr std::string_view kPrefixes[] = {"sim.",  "cpu.",  "bus.",   "mem.", "port.",    "mutex.",
                                                   "sem.",  "semt.", "gate.",  "event.", "cv.", "property."};
  for (std::string_view p : kPrefixes) {
    if (starts_with(kind, p)) return true;
  }
  return false;
}

bool is_sync_kind(std::string_view kind) {
  static constexpr std::string_view kPrefixes[] = {"mutex.", "sem.", "semt.", "gate.", "event.", "cv."};
  for (std::string_view p : kPrefixes) {
    if (starts_with(kind, p)) return true;
  }
  return false;
}

bool name_matches(const std::string& pattern, const std::string& name) {
  if (!pattern.empty() && pattern.back() == '*') return starts_with(name, std::string_view(pattern).substr(0, pattern.size() - 1));
  return name == pattern;
}

// "0 1  | 2 " -> "0 1 | 2".
std::string squeeze_spaces(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string time_span(std::int64_t from, std::int64_t to) {
  return from == to ? format_ns(to) : format_ns(from) + " → " + format_ns(to);
}

struct ProtoLane {
  Lane lane;
  std::optional<WaitSpan> open_wait;
};

struct ProtoItem {
  Item item;
  CpuId span_cpu = kNoCpu;  // a mark over every lane of this CPU
  // Notes of one kind in a row, on the same lanes, are drawn as one: the
  // records merged into it, and the object they share (kNoObject if not).
  std::string note_kind;
  std::vector<std::uint64_t> merged_seqs;
  ObjectId merged_obj = kNoObject;
};

class Builder {
 public:
  Builder(const Trace& trace, const SequenceOptions& options) : t_(trace), o_(options) {}

  SequenceModel build() {
    if (o_.from_ns && o_.to_ns && *o_.from_ns > *o_.to_ns) {
      throw VizError("window: from (" + format_ns(*o_.from_ns) + ") is after to (" + format_ns(*o_.to_ns) + ")");
    }
    if (o_.max_rows == 0) throw VizError("max_rows must be at least 1");
    choose_lanes();
    row_at_.assign(t_.size(), kNoRow);
    for (std::size_t i = 0; i < t_.size(); ++i) on_record(i);
    close_open_waits();
    mark_violation_targets();
    return cut_window();
  }

 private:
  // ---- Lanes ------------------------------------------------------------------------

  void choose_lanes() {
    // Every actor that appears in a record gets a lane: by CPU, then spawn order.
    std::set<ActorId> ids;
    for (const auto& [id, info] : t_.actors()) ids.insert(id);
    for (const Record& r : t_.records()) {
      if (r.actor != kNoActor) ids.insert(r.actor);
    }
    std::vector<std::pair<CpuId, ActorId>> order;
    for (ActorId id : ids) order.emplace_back(t_.actor_cpu(id), id);
    std::sort(order.begin(), order.end());

    std::vector<bool> matched(o_.actors.size(), false);
    std::map<std::string, int> name_count;
    for (const auto& [cpu, id] : order) ++name_count[t_.actor_name(id)];
    for (const auto& [cpu, id] : order) {
      const std::string name = t_.actor_name(id);
      if (!o_.actors.empty()) {
        bool keep = false;
        for (std::size_t k = 0; k < o_.actors.size(); ++k) {
          if (name_matches(o_.actors[k], name)) keep = matched[k] = true;
        }
        if (!keep) continue;
      }
      ProtoLane p;
      p.lane.kind = LaneKind::Actor;
      p.lane.actor = id;
      p.lane.cpu = cpu;
      p.lane.name = name;
      p.lane.label = name_count[name] > 1 ? name + " #" + std::to_string(id) : name;
      p.lane.sublabel = "#" + std::to_string(id);
      if (const ActorInfo* a = t_.actor(id)) {
        if (a->priority != 0) p.lane.sublabel += " · prio " + std::to_string(a->priority);
        if (a->daemon) p.lane.sublabel += " · daemon";
      }
      lane_of_actor_[id] = static_cast<int>(lanes_.size());
      lanes_.push_back(std::move(p));
    }
    for (std::size_t k = 0; k < o_.actors.size(); ++k) {
      if (matched[k]) continue;
      std::string known;
      for (const auto& [cpu, id] : order) {
        if (known.size() > 200) {
          known += ", ...";
          break;
        }
        known += (known.empty() ? "" : ", ") + t_.actor_name(id);
      }
      throw VizError("actor filter '" + o_.actors[k] + "' matches no actor in " + t_.source() +
                     " (actors: " + (known.empty() ? "none" : known) + ")");
    }
  }

  int lane_of(ActorId actor) const {
    if (actor == kNoActor) return kKernelLane;
    auto it = lane_of_actor_.find(actor);
    if (it != lane_of_actor_.end()) return it->second;
    return kOthersLane;  // filtered out
  }

  // Lanes an arrow may end on: real ones and the kernel's, not "other actors".
  static bool shown(int lane) { return lane >= 0 || lane == kKernelLane; }

  ProtoLane* proto(ActorId actor) {
    auto it = lane_of_actor_.find(actor);
    return it != lane_of_actor_.end() ? &lanes_[static_cast<std::size_t>(it->second)] : nullptr;
  }

  // ---- Rows and items -----------------------------------------------------------------

  // The row of record i, made when the record first draws something.
  std::size_t row_here(std::size_t i) {
    if (current_row_record_ != i) {
      rows_.push_back(Row{t_.records()[i].t, t_.records()[i].seq});
      current_row_record_ = i;
    }
    return rows_.size() - 1;
  }

  // Where a change of a lifeline lies: on the record's row if it has one,
  // else between the last row and the next.
  double position(std::size_t i) const {
    if (current_row_record_ == i) return static_cast<double>(rows_.size() - 1);
    return static_cast<double>(rows_.size()) - 0.5;
  }

  Item& add(std::size_t i, ItemKind kind, int from_lane, int to_lane, std::string label, CpuId span_cpu = kNoCpu) {
    const Record& r = t_.records()[i];
    ProtoItem p;
    p.item.kind = kind;
    p.item.row = row_here(i);
    p.item.from_lane = from_lane;
    p.item.to_lane = to_lane;
    p.item.label = std::move(label);
    p.item.detail = r.describe();
    p.item.seq = r.seq;
    p.item.t_from = r.t;
    p.item.t_to = r.t;
    p.span_cpu = span_cpu;
    // Wake-ups, hand-offs and spawns happen in one step: level arrows.
    if (kind == ItemKind::Wake || kind == ItemKind::Handoff || kind == ItemKind::Spawn) p.item.from_row = p.item.row;
    items_.push_back(std::move(p));
    return items_.back().item;
  }

  // A mark about `actor`: on its lane, on "other actors" for faults of hidden
  // ones (plain notes about them are left out), over everything for the kernel.
  void mark(std::size_t i, ItemKind kind, ActorId actor, std::string label) {
    const Record& r = t_.records()[i];
    int lane = lane_of(actor);
    CpuId span_cpu = kNoCpu;
    if (lane == kOthersLane && kind == ItemKind::Note) return;
    if (lane == kKernelLane) {
      lane = kAllLanes;
      span_cpu = r.cpu;
    }
    if (kind == ItemKind::Note && merge_note(i, lane, span_cpu)) return;
    add(i, kind, lane, lane, std::move(label), span_cpu);
    if (kind == ItemKind::Note) {
      items_.back().note_kind = r.kind;
      items_.back().merged_seqs = {r.seq};
      items_.back().merged_obj = r.obj;
    }
  }

  // Folds record i into the note just drawn if both come from no actor (set-up
  // and kernel records) and are of one kind, with nothing drawn in between: a
  // mechanism's set-up (six rtos.task.create in a row) takes one row, not six.
  // The tooltip lists them. An actor's own notes (lock a, lock b) stay apart.
  bool merge_note(std::size_t i, int lane, CpuId span_cpu) {
    if (items_.empty() || rows_.empty()) return false;
    ProtoItem& last = items_.back();
    const Record& r = t_.records()[i];
    if (r.actor != kNoActor) return false;
    if (last.item.kind != ItemKind::Note || last.note_kind != r.kind || last.item.row + 1 != rows_.size() ||
        last.item.from_lane != lane || last.span_cpu != span_cpu || current_row_record_ == i) {
      return false;
    }
    if (last.merged_seqs.size() >= kNotesMerged) return false;
    last.merged_seqs.push_back(r.seq);
    if (last.merged_obj != r.obj) last.merged_obj = kNoObject;
    std::string label = std::to_string(last.merged_seqs.size()) + " × " + r.kind;
    if (last.merged_obj != kNoObject) label += " '" + t_.object_name(last.merged_obj) + "'";
    last.item.label = label;
    last.item.detail += "\n" + r.describe();
    last.item.t_to = r.t;
    return true;
  }

  bool hidden_kind(std::string_view kind) const {
    for (const std::string& p : o_.hide_kinds) {
      if (starts_with(kind, p)) return true;
    }
    return false;
  }

  std::string object_text(ObjectId obj) const {
    if (obj == kNoObject) return "";
    const std::string_view type = t_.object_type(obj);
    return (type.empty() ? "" : std::string(type) + " ") + "'" + t_.object_name(obj) + "'";
  }

  // "kind 'object' key=value key=value", for records drawn as notes.
  std::string generic_note(const Record& r) const {
    std::string out = r.kind;
    if (r.obj != kNoObject) out += " '" + t_.object_name(r.obj) + "'";
    for (const Field& f : r.fields) {
      if (!instance_field(r.kind, f.key)) out += " " + f.key + "=" + shorten(f.value.text(), kValueChars);
    }
    return shorten(out, kNoteChars);
  }

  // A field named after its kind's namespace ("rtos" in an rtos.* record)
  // names the mechanism's instance: the same on every record, so not shown.
  static bool instance_field(std::string_view kind, std::string_view key) {
    const std::size_t dot = kind.find('.');
    return dot != std::string_view::npos && kind.substr(0, dot) == key;
  }

  // The label of a hand-off arrow, from the record that gave it.
  std::string flow_label(const Record* out, const Record& in, std::uint64_t id) const {
    std::string label = out != nullptr ? flow_text(*out, id) : in.kind + " #" + std::to_string(id) + " (sender not in trace)";
    if (in.int_field("copy").value_or(0) > 0) label += " (duplicate)";
    return label + " · " + time_span(out != nullptr ? out->t : in.t, in.t);
  }

  // "#3 tag 0" for bus messages, "kind #id key=value" for the others.
  static std::string flow_text(const Record& out, std::uint64_t id) {
    std::string label;
    if (out.kind == "bus.send") {
      label = "#" + std::to_string(id);
      if (auto tag = out.int_field("tag")) label += " tag " + std::to_string(*tag);
    } else {
      static const std::set<std::string, std::less<>> kSkip = {"flow_out", "flow_in", "msg", "copy", "arrive", "to"};
      label = out.kind + " #" + std::to_string(id);
      int shown_fields = 0;
      for (const Field& f : out.fields) {
        if (shown_fields == 2) break;
        if (kSkip.count(f.key) != 0 || instance_field(out.kind, f.key)) continue;
        label += " " + f.key + "=" + shorten(f.value.text(), 16);
        ++shown_fields;
      }
    }
    return label;
  }

  // Who a lost message was meant for.
  ActorId meant_for(const FlowInfo& f, std::size_t lost) const {
    const Record& l = t_.records()[lost];
    if (l.kind == "port.overflow") return t_.receiver_of(l.obj);
    if (f.out) {
      const Record& out = t_.records()[*f.out];
      if (out.kind == "bus.send") {
        if (auto to = out.int_field("to")) return t_.receiver_of(static_cast<ObjectId>(*to));
      }
    }
    for (std::size_t in : f.in) return t_.records()[in].actor;
    return kNoActor;
  }

  ActorId meant_for_message(std::int64_t msg) const {
    const FlowInfo* f = t_.flow(static_cast<std::uint64_t>(msg));
    if (f == nullptr) return kNoActor;
    if (f->out) {
      const Record& out = t_.records()[*f->out];
      if (auto to = out.int_field("to"); to && out.kind == "bus.send") return t_.receiver_of(static_cast<ObjectId>(*to));
    }
    return f->in.empty() ? kNoActor : t_.records()[f->in.front()].actor;
  }

  bool on_flow_out(std::size_t i, std::uint64_t id) {
    const FlowInfo* f = t_.flow(id);
    if (f == nullptr || f->out != i) return false;
    const Record& r = t_.records()[i];
    const int sender = lane_of(r.actor);
    if (f->in.empty() && f->lost.empty()) {
      if (shown(sender) && sender != kKernelLane) {
        std::string label = flow_text(r, id) + ": never received";
        if (!f->delivered.empty()) label += " (reached its port at " + format_ns(t_.records()[f->delivered.front()].t) + ")";
        add(i, ItemKind::Note, sender, sender, shorten(label, kNoteChars));
      }
      return true;
    }
    bool any = shown(sender);
    for (std::size_t in : f->in) any = any || shown(lane_of(t_.records()[in].actor));
    for (std::size_t lost : f->lost) {
      const ActorId to = meant_for(*f, lost);
      any = any || (to != kNoActor && shown(lane_of(to)));
    }
    if (any) row_at_[i] = row_here(i);
    return true;
  }

  bool on_flow_in(std::size_t i, std::uint64_t id) {
    const FlowInfo* f = t_.flow(id);
    if (f == nullptr) return false;
    const Record& r = t_.records()[i];
    if (f->out == i) return false;
    suppress_wake_.insert(r.actor);  // the arrow says it; the sim.wake after it would repeat it
    const Record* out = f->out ? &t_.records()[*f->out] : nullptr;
    const int from = out != nullptr ? lane_of(out->actor) : kKernelLane;
    const int to = lane_of(r.actor);
    if (!shown(from) && !shown(to)) return true;
    Item& it = add(i, ItemKind::Message, from, to, flow_label(out, r, id));
    if (out != nullptr && row_at_[*f->out] != kNoRow) it.from_row = row_at_[*f->out];
    if (out != nullptr) it.t_from = out->t;
    it.duplicate = r.int_field("copy").value_or(0) > 0;
    return true;
  }

  void on_lost(std::size_t i, std::int64_t msg, const std::string& what) {
    const Record& r = t_.records()[i];
    const FlowInfo* f = t_.flow(static_cast<std::uint64_t>(msg));
    const std::string label = "#" + std::to_string(msg) + " " + what;
    if (f == nullptr || !f->out) {
      mark(i, ItemKind::Fault, r.actor, label);
      return;
    }
    const Record& out = t_.records()[*f->out];
    const int from = lane_of(out.actor);
    const ActorId to_actor = meant_for(*f, i);
    const int to = to_actor != kNoActor ? lane_of(to_actor) : kAllLanes;
    if (to == kAllLanes) {
      mark(i, ItemKind::Fault, out.actor, label);
      return;
    }
    if (!shown(from) && !shown(to)) return;
    Item& it = add(i, ItemKind::Lost, from, to, label + " · " + time_span(out.t, r.t));
    if (row_at_[*f->out] != kNoRow) it.from_row = row_at_[*f->out];
    it.t_from = out.t;
  }

  void begin_wait(std::size_t i, ActorId actor, std::string what) {
    ProtoLane* p = proto(actor);
    if (p == nullptr) return;
    end_wait(i, actor);
    p->open_wait = WaitSpan{position(i), 0, std::move(what)};
  }

  void end_wait(std::size_t i, ActorId actor) {
    ProtoLane* p = proto(actor);
    if (p == nullptr || !p->open_wait) return;
    p->open_wait->to = position(i);
    p->lane.waits.push_back(std::move(*p->open_wait));
    p->open_wait.reset();
  }

  void end_lane(std::size_t i, ActorId actor, bool killed) {
    end_wait(i, actor);
    ProtoLane* p = proto(actor);
    if (p == nullptr || p->lane.ends) return;
    p->lane.ends = position(i);
    p->lane.killed = killed;
  }

  void close_open_waits() {
    const double bottom = static_cast<double>(rows_.size()) - 0.5;
    for (ProtoLane& p : lanes_) {
      if (!p.open_wait) continue;
      p.open_wait->to = bottom;
      p.lane.waits.push_back(std::move(*p.open_wait));
      p.open_wait.reset();
    }
  }

  void on_record(std::size_t i) {
    const Record& r = t_.records()[i];
    const std::string& k = r.kind;
    const bool sync = o_.detail >= Detail::Sync;
    const bool all = o_.detail >= Detail::All;

    bool flow = false;
    if (auto in = r.int_field("flow_in")) flow = on_flow_in(i, static_cast<std::uint64_t>(*in)) || flow;
    if (auto out = r.int_field("flow_out")) flow = on_flow_out(i, static_cast<std::uint64_t>(*out)) || flow;

    if (k == "sim.spawn") {
      const ActorId parent = static_cast<ActorId>(r.int_field("parent").value_or(0));
      if (parent != kNoActor && parent != r.actor) {
        const int from = lane_of(parent);
        const int to = lane_of(r.actor);
        if (shown(from) || shown(to)) add(i, ItemKind::Spawn, from, to, "spawns " + t_.actor_name(r.actor));
      }
      if (ProtoLane* p = proto(r.actor); p != nullptr && !rows_.empty()) p->lane.begins = position(i);
    } else if (k == "sim.exit") {
      if (all) mark(i, ItemKind::Note, r.actor, "exits");
      end_lane(i, r.actor, false);
    } else if (k == "sim.kill") {
      const std::string reason(r.str_field("reason"));
      auto crash = crash_row_.find(r.cpu);
      if (reason == "crash" && crash != crash_row_.end() && crash->second.t == r.t) {
        // Killed by its CPU's crash: the crash mark says it, on the crash's row.
        if (ProtoLane* p = proto(r.actor); p != nullptr && !p->lane.ends) {
          end_wait(i, r.actor);
          p->lane.ends = static_cast<double>(crash->second.row);
          p->lane.killed = true;
        }
      } else {
        mark(i, ItemKind::Fault, r.actor, "killed: " + reason);
        end_lane(i, r.actor, true);
      }
    } else if (k == "sim.block") {
      if (all) mark(i, ItemKind::Note, r.actor, shorten("blocks: " + std::string(r.str_field("op")), kNoteChars));
      last_op_[r.actor] = std::string(r.str_field("op"));
      begin_wait(i, r.actor, std::string(r.str_field("op")));
    } else if (k == "sim.sleep") {
      const std::int64_t until = r.int_field("until").value_or(r.t);
      if (all) mark(i, ItemKind::Note, r.actor, "sleeps until " + format_ns(until));
      begin_wait(i, r.actor, "sleep until " + format_ns(until));
    } else if (k == "sim.wake") {
      on_wake(i, r);
    } else if (k == "sim.timeout") {
      const auto op = last_op_.find(r.actor);
      std::string label = "timeout";
      if (op != last_op_.end() && !op->second.empty()) label += ": " + op->second;
      mark(i, ItemKind::Fault, r.actor, shorten(label, kNoteChars));
    } else if (k == "sim.dispatch") {
      if (all) mark(i, ItemKind::Note, r.actor, "dispatched");
      end_wait(i, r.actor);
    } else if (k == "sim.compute") {
      if (all) mark(i, ItemKind::Note, r.actor, "computes " + format_ns(r.int_field("ns").value_or(0)));
    } else if (k == "sim.yield") {
      if (all) mark(i, ItemKind::Note, r.actor, "yields");
    } else if (k == "sim.preempt") {
      if (all) mark(i, ItemKind::Note, r.actor, "preempted, " + format_ns(r.int_field("remaining_ns").value_or(0)) + " left");
    } else if (k == "sim.priority") {
      if (sync) {
        mark(i, ItemKind::Note, r.actor,
             "priority " + std::to_string(r.int_field("from").value_or(0)) + " → " +
                 std::to_string(r.int_field("to").value_or(0)));
      }
    } else if (k == "mutex.unlock") {
      const ActorId to = static_cast<ActorId>(r.int_field("to").value_or(0));
      if (to != kNoActor) {
        const int from_lane = lane_of(r.actor);
        const int to_lane = lane_of(to);
        if (shown(from_lane) || shown(to_lane)) {
          add(i, ItemKind::Handoff, from_lane, to_lane, "hands off mutex '" + t_.object_name(r.obj) + "'");
        }
        suppress_wake_.insert(to);
      } else if (sync) {
        mark(i, ItemKind::Note, r.actor, "unlock '" + t_.object_name(r.obj) + "'");
      }
    } else if (k == "mutex.lock") {
      if (sync) {
        std::string label = "lock '" + t_.object_name(r.obj) + "'";
        if (const std::string_view site = r.str_field("site"); !site.empty()) label += " at " + std::string(site);
        mark(i, ItemKind::Note, r.actor, shorten(label, kNoteChars));
      }
    } else if (k == "mutex.busy") {
      if (sync) {
        mark(i, ItemKind::Note, r.actor,
             "trylock '" + t_.object_name(r.obj) + "': held by " +
                 t_.actor_name(static_cast<ActorId>(r.int_field("owner").value_or(0))));
      }
    } else if (is_sync_kind(k)) {
      if (sync && !hidden_kind(k)) mark(i, ItemKind::Note, r.actor, generic_note(r));
    } else if (k == "bus.drop") {
      on_lost(i, r.int_field("msg").value_or(0), "dropped: " + std::string(r.str_field("reason")));
    } else if (k == "port.overflow") {
      on_lost(i, r.int_field("msg").value_or(0),
              "lost: port '" + t_.object_name(r.obj) + "' full (" + std::to_string(r.int_field("capacity").value_or(0)) +
                  ")");
    } else if (k == "bus.duplicate") {
      const auto msg = r.int_field("msg").value_or(0);
      mark(i, ItemKind::Fault, meant_for_message(msg), t_.object_name(r.obj) + " duplicates #" + std::to_string(msg));
    } else if (k == "bus.reorder") {
      const auto msg = r.int_field("msg").value_or(0);
      mark(i, ItemKind::Fault, meant_for_message(msg),
           "reorder: #" + std::to_string(msg) + " overtakes #" + std::to_string(r.int_field("overtakes").value_or(0)));
    } else if (k == "bus.delay") {
      const auto msg = r.int_field("msg").value_or(0);
      const ActorId who = r.actor != kNoActor ? r.actor : meant_for_message(msg);
      mark(i, ItemKind::Fault, who,
           "#" + std::to_string(msg) + " delayed +" + format_ns(r.int_field("extra_ns").value_or(0)));
    } else if (k == "bus.partition") {
      add(i, ItemKind::Fault, kAllLanes, kAllLanes,
          t_.object_name(r.obj) + " partitioned: " + squeeze_spaces(r.str_field("groups")));
    } else if (k == "bus.heal") {
      add(i, ItemKind::Fault, kAllLanes, kAllLanes, t_.object_name(r.obj) + " healed");
    } else if (k == "port.lost") {
      mark(i, ItemKind::Fault, t_.receiver_of(r.obj),
           "port '" + t_.object_name(r.obj) + "' loses " + std::to_string(r.int_field("messages").value_or(0)) +
               " messages");
    } else if (k == "cpu.crash") {
      add(i, ItemKind::Fault, kAllLanes, kAllLanes, t_.cpu_name(r.cpu) + " crashes", r.cpu);
      crash_row_[r.cpu] = CrashAt{rows_.size() - 1, r.t};
    } else if (k == "cpu.restart") {
      add(i, ItemKind::Fault, kAllLanes, kAllLanes,
          t_.cpu_name(r.cpu) + " restarts (incarnation " + std::to_string(r.int_field("incarnation").value_or(0)) + ")",
          r.cpu);
    } else if (k == "property.violation") {
      on_violation(i, r);
    } else if (k == "sim.deadlock") {
      std::string cycle;
      for (CpuId id : parse_cpu_list(r.str_field("cycle"))) cycle += (cycle.empty() ? "" : " → ") + t_.actor_name(id);
      add(i, ItemKind::End, kAllLanes, kAllLanes, cycle.empty() ? "deadlock" : "deadlock: " + cycle);
      deadlock_row_ = rows_.size() - 1;
    } else if (k == "sim.end") {
      add(i, ItemKind::End, kAllLanes, kAllLanes,
          "run over: " + std::string(r.str_field("outcome")) + " · " +
              std::to_string(r.int_field("steps").value_or(0)) + " steps");
    } else if (!is_kernel_kind(k)) {
      // A mechanism's record: a note where it happened, unless it was a hand-off.
      if (!flow && sync && !hidden_kind(k)) mark(i, ItemKind::Note, r.actor, generic_note(r));
    }
  }

  void on_wake(std::size_t i, const Record& r) {
    const ActorId by = static_cast<ActorId>(r.int_field("by").value_or(0));
    const bool suppressed = suppress_wake_.erase(r.actor) != 0;
    const std::string_view status = r.str_field("status");
    if (!suppressed && status == "ok" && by != kNoActor && by != r.actor) {
      const int from = lane_of(by);
      const int to = lane_of(r.actor);
      if (shown(from) || shown(to)) {
        const std::string what = object_text(r.obj);
        add(i, ItemKind::Wake, from, to, what.empty() ? "wakes" : "wakes · " + what);
      }
    }
    end_wait(i, r.actor);
  }

  void on_violation(std::size_t i, const Record& r) {
    std::string label = "property '" + std::string(r.str_field("property")) + "' violated";
    if (const std::string_view m = r.str_field("message"); !m.empty()) label += ": " + std::string(m);
    label = shorten(label, 2 * kNoteChars);
    // On the lifeline of the actor whose record broke it.
    ActorId who = r.actor;
    if (auto at = r.int_field("at")) {
      if (auto idx = t_.index_of_seq(static_cast<std::uint64_t>(*at))) {
        if (t_.records()[*idx].actor != kNoActor) who = t_.records()[*idx].actor;
      }
    }
    const int lane = lane_of(who);
    const int where = shown(lane) && lane != kKernelLane ? lane : kAllLanes;
    add(i, ItemKind::Violation, where, where, label);
  }

  void mark_violation_targets() {
    std::set<std::uint64_t> targets;
    for (std::size_t v : t_.violations()) {
      if (auto at = t_.records()[v].int_field("at")) targets.insert(static_cast<std::uint64_t>(*at));
    }
    for (ProtoItem& p : items_) {
      if (p.item.kind == ItemKind::Violation) continue;
      bool hit = targets.count(p.item.seq) != 0;
      for (std::uint64_t seq : p.merged_seqs) hit = hit || targets.count(seq) != 0;
      p.item.highlight = hit;
    }
  }

  // ---- The window -----------------------------------------------------------------------

  SequenceModel cut_window() {
    SequenceModel m;
    m.title = o_.title.empty() ? t_.source() : o_.title;
    const std::size_t total = rows_.size();
    std::size_t lo = 0;
    std::size_t hi = total;  // one past the last row shown
    std::vector<std::string> window;
    if (o_.from_ns) {
      while (lo < total && rows_[lo].t < *o_.from_ns) ++lo;
      window.push_back("from " + format_ns(*o_.from_ns));
    }
    if (o_.to_ns) {
      while (hi > lo && rows_[hi - 1].t > *o_.to_ns) --hi;
      window.push_back("to " + format_ns(*o_.to_ns));
    }
    if (o_.around_violation) {
      // A monitor's violation record; failing that, the kernel's deadlock
      // report (the violation of deadlock_free, which no monitor records).
      if (t_.violations().empty() && deadlock_row_ == kNoRow) {
        throw VizError("around_violation: " + t_.source() + " has no property.violation or sim.deadlock record");
      }
      std::size_t v = deadlock_row_;
      std::string property = "deadlock_free";
      if (!t_.violations().empty()) {
        v = kNoRow;
        for (const ProtoItem& p : items_) {
          if (p.item.kind == ItemKind::Violation) {
            v = p.item.row;
            break;
          }
        }
        VIZ_ASSERT_MSG(v != kNoRow, "a violation record always draws");
        property = std::string(t_.records()[t_.violations().front()].str_field("property"));
      }
      const std::size_t n = *o_.around_violation;
      lo = std::max(lo, v >= n ? v - n : 0);
      hi = std::min(hi, v + n + 1);
      window.push_back(std::to_string(n) + " rows around the violation of '" + property + "'");
    }
    if (hi < lo) hi = lo;
    if (hi - lo > o_.max_rows) {
      hi = lo + o_.max_rows;
      m.cut_by_limit = true;
    }
    for (const std::string& w : window) m.window += (m.window.empty() ? "" : ", ") + w;
    m.rows.assign(rows_.begin() + static_cast<std::ptrdiff_t>(lo), rows_.begin() + static_cast<std::ptrdiff_t>(hi));
    m.rows_before = lo;
    m.rows_after = total - hi;
    const bool windowed = !window.empty() || m.rows_before > 0 || m.rows_after > 0;
    const auto in = [&](std::size_t row) { return row >= lo && row < hi; };

    std::vector<ProtoItem> kept;
    for (ProtoItem& p : items_) {
      Item& it = p.item;
      const bool arrow = it.kind == ItemKind::Message || it.kind == ItemKind::Lost || it.kind == ItemKind::Wake ||
                         it.kind == ItemKind::Handoff || it.kind == ItemKind::Spawn;
      if (!arrow || !it.from_row) {
        if (!in(it.row)) continue;
        it.row -= lo;
      } else {
        const bool to_in = in(it.row);
        const bool from_in = in(*it.from_row);
        if (!to_in && !from_in) continue;
        it.from_row = from_in ? std::optional<std::size_t>(*it.from_row - lo) : std::nullopt;
        it.after_window = !to_in;
        it.row = to_in ? it.row - lo : hi - 1 - lo;
      }
      kept.push_back(std::move(p));
    }

    // Lanes: drop the idle ones from a window; add the kernel's and the others' if used.
    std::vector<bool> used(lanes_.size(), false);
    bool kernel_used = false;
    bool others_used = false;
    for (const ProtoItem& p : kept) {
      for (int lane : {p.item.from_lane, p.item.to_lane}) {
        if (lane >= 0) used[static_cast<std::size_t>(lane)] = true;
        kernel_used = kernel_used || lane == kKernelLane;
        others_used = others_used || lane == kOthersLane;
      }
    }
    const double top = -0.5;
    const double bottom = static_cast<double>(hi - lo) - 0.5;
    const auto shift = [&](double pos) { return pos - static_cast<double>(lo); };
    std::vector<int> final_index(lanes_.size(), -1);
    if (kernel_used) {
      Lane k;
      k.kind = LaneKind::Kernel;
      k.name = k.label = "kernel";
      k.sublabel = "events";
      m.lanes.push_back(std::move(k));
    }
    for (std::size_t l = 0; l < lanes_.size(); ++l) {
      Lane lane = lanes_[l].lane;
      if (lane.begins) {
        const double b = shift(*lane.begins);
        lane.begins = b > top ? std::optional<double>(b) : std::nullopt;
      }
      if (lane.ends) {
        const double e = shift(*lane.ends);
        lane.ends = e < bottom ? std::optional<double>(e) : std::nullopt;
      }
      const bool alive = (!lane.begins || *lane.begins <= bottom) && (!lane.ends || *lane.ends >= top);
      if (windowed && (!used[l] || !alive)) continue;
      std::vector<WaitSpan> waits;
      for (WaitSpan w : lane.waits) {
        w.from = std::max(shift(w.from), top);
        w.to = std::min(shift(w.to), bottom);
        if (w.to > w.from) waits.push_back(std::move(w));
      }
      lane.waits = std::move(waits);
      final_index[l] = static_cast<int>(m.lanes.size());
      m.lanes.push_back(std::move(lane));
    }
    if (others_used) {
      Lane o;
      o.kind = LaneKind::Others;
      o.name = o.label = "other actors";
      o.sublabel = "outside the filter";
      m.lanes.push_back(std::move(o));
    }
    const int kernel_index = kernel_used ? 0 : -1;
    const int others_index = others_used ? static_cast<int>(m.lanes.size()) - 1 : -1;

    // Groups: runs of lanes on one CPU.
    for (std::size_t l = 0; l < m.lanes.size(); ++l) {
      const Lane& lane = m.lanes[l];
      const bool same = !m.groups.empty() && m.lanes[m.groups.back().last].kind == lane.kind &&
                        m.lanes[m.groups.back().last].cpu == lane.cpu;
      if (same) {
        m.groups.back().last = l;
        continue;
      }
      LaneGroup g;
      g.cpu = lane.cpu;
      g.first = g.last = l;
      if (lane.kind == LaneKind::Actor) {
        g.label = t_.cpu_name(lane.cpu);
        if (const CpuInfo* c = t_.cpu(lane.cpu); c != nullptr && !c->policy.empty()) g.label += " · " + c->policy;
      }
      m.groups.push_back(std::move(g));
    }

    const auto remap = [&](int lane) {
      if (lane == kKernelLane) return kernel_index;
      if (lane == kOthersLane) return others_index;
      if (lane == kAllLanes) return kAllLanes;
      return final_index[static_cast<std::size_t>(lane)];
    };
    for (ProtoItem& p : kept) {
      Item& it = p.item;
      it.from_lane = remap(it.from_lane);
      it.to_lane = remap(it.to_lane);
      if (p.span_cpu != kNoCpu) {
        it.from_lane = it.to_lane = kAllLanes;
        for (const LaneGroup& g : m.groups) {
          if (g.cpu == p.span_cpu && m.lanes[g.first].kind == LaneKind::Actor) {
            it.from_lane = static_cast<int>(g.first);
            it.to_lane = static_cast<int>(g.last);
          }
        }
      }
      VIZ_ASSERT(it.row < m.rows.size());
      VIZ_ASSERT(!it.from_row || *it.from_row <= it.row);
      m.items.push_back(std::move(it));
    }
    return m;
  }

  struct CrashAt {
    std::size_t row = 0;
    std::int64_t t = 0;
  };

  const Trace& t_;
  const SequenceOptions& o_;
  std::vector<ProtoLane> lanes_;
  std::map<ActorId, int> lane_of_actor_;
  std::vector<Row> rows_;
  std::vector<ProtoItem> items_;
  std::vector<std::size_t> row_at_;  // row of a flow_out record, by record index
  std::size_t current_row_record_ = kNoRow;
  std::set<ActorId> suppress_wake_;
  std::map<ActorId, std::string> last_op_;
  std::map<CpuId, CrashAt> crash_row_;
  std::size_t deadlock_row_ = kNoRow;  // the sim.deadlock record's row, if any
};

}  // namespace

SequenceModel build_sequence(const Trace& trace, const SequenceOptions& options) {
  return Builder(trace, options).build();
}

}  // namespace ipcsim::viz
