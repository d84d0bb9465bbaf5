#include "viz/trace.hpp"

#include <algorithm>
#include <charconv>

#include "viz/check.hpp"
#include "viz/errors.hpp"

namespace ipcsim::viz {

std::string Value::text() const {
  switch (type) {
    case Type::Int: return std::to_string(i);
    case Type::Bool: return i != 0 ? "true" : "false";
    case Type::Str:
    case Type::Raw: return s;
  }
  return s;
}

const Value* Record::field(std::string_view key) const {
  for (const Field& f : fields) {
    if (f.key == key) return &f.value;
  }
  return nullptr;
}

std::optional<std::int64_t> Record::int_field(std::string_view key) const {
  const Value* v = field(key);
  if (v == nullptr || (v->type != Value::Type::Int && v->type != Value::Type::Bool)) return std::nullopt;
  return v->i;
}

std::string_view Record::str_field(std::string_view key) const {
  const Value* v = field(key);
  return v != nullptr && v->type == Value::Type::Str ? std::string_view(v->s) : std::string_view();
}

std::string Record::describe() const {
  std::string out = "seq " + std::to_string(seq) + ", t " + std::to_string(t) + " ns, " + kind;
  if (obj != kNoObject) out += " obj=" + std::to_string(obj);
  for (const Field& f : fields) out += " " + f.key + "=" + f.value.text();
  return out;
}

std::vector<CpuId> parse_cpu_list(std::string_view text) {
  std::vector<CpuId> out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      ++i;
      continue;
    }
    CpuId v = 0;
    auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + text.size(), v);
    if (ec == std::errc{}) out.push_back(v);
    i = static_cast<std::size_t>(ptr - text.data());
    if (ec != std::errc{}) ++i;
  }
  return out;
}

Trace::Trace(std::string source, std::vector<Record> records)
    : source_(std::move(source)), records_(std::move(records)) {
  for (std::size_t i = 1; i < records_.size(); ++i) {
    if (records_[i].seq <= records_[i - 1].seq) {
      throw ParseError(source_, records_[i].line, 0,
                       "record seq " + std::to_string(records_[i].seq) + " does not follow seq " +
                           std::to_string(records_[i - 1].seq) + " (records must be in trace order)");
    }
  }
  index();
}

void Trace::index() {
  for (std::size_t i = 0; i < records_.size(); ++i) index_record(i);
  // A flow is listed where it first appears, whichever record that is.
  std::vector<std::pair<std::size_t, std::uint64_t>> first;
  first.reserve(flows_.size());
  for (const auto& [id, f] : flows_) {
    std::size_t at = records_.size();
    if (f.out) at = std::min(at, *f.out);
    if (!f.in.empty()) at = std::min(at, f.in.front());
    if (!f.lost.empty()) at = std::min(at, f.lost.front());
    if (!f.delivered.empty()) at = std::min(at, f.delivered.front());
    first.emplace_back(at, id);
  }
  std::sort(first.begin(), first.end());
  flow_order_.reserve(first.size());
  for (const auto& [at, id] : first) flow_order_.push_back(id);
}

void Trace::index_record(std::size_t i) {
  const Record& r = records_[i];
  if (r.actor != kNoActor && r.cpu != kNoCpu) seen_cpu_.try_emplace(r.actor, r.cpu);
  const std::string& k = r.kind;
  if (k == "sim.object") {
    objects_[r.obj] = ObjectInfo{r.obj, std::string(r.str_field("type")), std::string(r.str_field("name"))};
    // A CPU's nonshared memory is declared right after the CPU (World::add_cpu).
    if (r.str_field("type") == "memory" && !cpus_.empty() && cpus_.back().memory == kNoObject &&
        r.str_field("name") == cpus_.back().name + ".mem") {
      cpus_.back().memory = r.obj;
    }
  } else if (k == "sim.spawn") {
    ActorInfo& a = actors_[r.actor];
    a.id = r.actor;
    a.name = std::string(r.str_field("name"));
    if (a.name.empty()) a.name = "#" + std::to_string(r.actor);
    a.cpu = r.cpu;
    a.priority = r.int_field("prio").value_or(0);
    a.parent = static_cast<ActorId>(r.int_field("parent").value_or(0));
    a.daemon = r.int_field("daemon").value_or(0) != 0;
    a.spawn = i;
  } else if (k == "sim.exit" || k == "sim.kill") {
    if (r.actor != kNoActor) {
      ActorInfo& a = actors_[r.actor];
      a.id = r.actor;
      if (!a.end) a.end = i;
    }
  } else if (k == "cpu.config") {
    if (r.cpu != kNoCpu) {
      if (cpus_.size() <= r.cpu) {
        const std::size_t old = cpus_.size();
        cpus_.resize(static_cast<std::size_t>(r.cpu) + 1);
        for (std::size_t c = old; c < cpus_.size(); ++c) {
          cpus_[c].id = static_cast<CpuId>(c);
          cpus_[c].name = "cpu" + std::to_string(c);
        }
      }
      CpuInfo& c = cpus_[r.cpu];
      c.object = r.obj;
      if (const ObjectInfo* o = object(r.obj); o != nullptr && !o->name.empty()) c.name = o->name;
      c.policy = std::string(r.str_field("policy"));
      c.memory_bytes = r.int_field("memory_bytes").value_or(0);
    }
  } else if (k == "bus.config") {
    buses_.push_back(BusInfo{r.obj, object_name(r.obj), parse_cpu_list(r.str_field("cpus")),
                             r.int_field("latency_ns").value_or(0), r.int_field("bytes_per_second").value_or(0),
                             r.int_field("queue_limit").value_or(0)});
  } else if (k == "mem.map") {
    regions_.push_back(
        RegionInfo{r.obj, object_name(r.obj), parse_cpu_list(r.str_field("cpus")), r.int_field("bytes").value_or(0)});
  } else if (k == "property.violation") {
    violations_.push_back(i);
  } else if (k == "sim.block") {
    if (r.obj != kNoObject && r.actor != kNoActor) blocked_on_.try_emplace(r.obj, r.actor);
  } else if (k == "bus.deliver") {
    if (auto msg = r.int_field("msg")) {
      FlowInfo& f = flows_[static_cast<std::uint64_t>(*msg)];
      f.id = static_cast<std::uint64_t>(*msg);
      f.delivered.push_back(i);
    }
  } else if (k == "bus.drop" || k == "port.overflow") {
    if (auto msg = r.int_field("msg")) {
      FlowInfo& f = flows_[static_cast<std::uint64_t>(*msg)];
      f.id = static_cast<std::uint64_t>(*msg);
      f.lost.push_back(i);
    }
  }
  // Hand-offs follow one convention for every kind, the kernel's and the mechanisms'.
  if (auto out = r.int_field("flow_out")) {
    FlowInfo& f = flows_[static_cast<std::uint64_t>(*out)];
    f.id = static_cast<std::uint64_t>(*out);
    if (!f.out) f.out = i;
  }
  if (auto in = r.int_field("flow_in")) {
    FlowInfo& f = flows_[static_cast<std::uint64_t>(*in)];
    f.id = static_cast<std::uint64_t>(*in);
    f.in.push_back(i);
    if (r.obj != kNoObject && r.actor != kNoActor) receivers_.try_emplace(r.obj, r.actor);
  }
}

std::optional<std::size_t> Trace::index_of_seq(std::uint64_t seq) const {
  auto it = std::lower_bound(records_.begin(), records_.end(), seq,
                             [](const Record& r, std::uint64_t s) { return r.seq < s; });
  if (it == records_.end() || it->seq != seq) return std::nullopt;
  return static_cast<std::size_t>(it - records_.begin());
}

const ActorInfo* Trace::actor(ActorId id) const {
  auto it = actors_.find(id);
  return it != actors_.end() ? &it->second : nullptr;
}

std::string Trace::actor_name(ActorId id) const {
  if (id == kNoActor) return "kernel";
  const ActorInfo* a = actor(id);
  if (a != nullptr && !a->name.empty()) return a->name;
  return "#" + std::to_string(id);
}

CpuId Trace::actor_cpu(ActorId id) const {
  const ActorInfo* a = actor(id);
  if (a != nullptr && a->cpu != kNoCpu) return a->cpu;
  auto it = seen_cpu_.find(id);
  return it != seen_cpu_.end() ? it->second : kNoCpu;
}

const ObjectInfo* Trace::object(ObjectId id) const {
  auto it = objects_.find(id);
  return it != objects_.end() ? &it->second : nullptr;
}

std::string Trace::object_name(ObjectId id) const {
  const ObjectInfo* o = object(id);
  if (o != nullptr && !o->name.empty()) return o->name;
  return "#" + std::to_string(id);
}

std::string_view Trace::object_type(ObjectId id) const {
  const ObjectInfo* o = object(id);
  return o != nullptr ? std::string_view(o->type) : std::string_view();
}

const CpuInfo* Trace::cpu(CpuId id) const { return id < cpus_.size() ? &cpus_[id] : nullptr; }

std::string Trace::cpu_name(CpuId id) const {
  if (id == kNoCpu) return "no cpu";
  if (const CpuInfo* c = cpu(id); c != nullptr && !c->name.empty()) return c->name;
  return "cpu" + std::to_string(id);
}

const FlowInfo* Trace::flow(std::uint64_t id) const {
  auto it = flows_.find(id);
  return it != flows_.end() ? &it->second : nullptr;
}

ActorId Trace::receiver_of(ObjectId object) const {
  if (auto it = receivers_.find(object); it != receivers_.end()) return it->second;
  if (auto it = blocked_on_.find(object); it != blocked_on_.end()) return it->second;
  return kNoActor;
}

}  // namespace ipcsim::viz
