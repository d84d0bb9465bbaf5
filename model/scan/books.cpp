#include "model/scan/books.hpp"

namespace ipcsim::model::scan {

std::set<std::uint32_t> parse_procs(std::string_view list) {
  std::set<std::uint32_t> out;
  std::uint32_t v = 0;
  bool any = false;
  for (char c : list) {
    if (c >= '0' && c <= '9') {
      v = v * 10 + static_cast<std::uint32_t>(c - '0');
      any = true;
    } else if (c == ',') {
      if (any) out.insert(v);
      v = 0;
      any = false;
    }
  }
  if (any) out.insert(v);
  return out;
}

std::string proc_name(std::uint32_t proc) { return "'p" + std::to_string(proc) + "'"; }
std::string msg_name(std::uint64_t msg) { return "message #" + std::to_string(msg); }

Message* Books::find(std::uint64_t msg) {
  auto it = messages_.find(msg);
  return it == messages_.end() ? nullptr : &it->second;
}

Message* Books::about(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "scan.post") {
    Message m;
    m.msg = u(r, "msg");
    m.slot = static_cast<std::uint32_t>(u(r, "slot"));
    m.sender = static_cast<std::uint32_t>(u(r, "from"));
    m.urgent = b(r, "urgent");
    m.order = m.urgent ? --head_order_ : ++tail_order_;
    m.recipients = parse_procs(s(r, "recipients"));
    m.not_retrieved = m.recipients;
    m.not_done = m.recipients;
    m.posted = r.time;
    for (std::uint32_t p : m.recipients) pending_[p].insert({m.order, m.msg});
    auto [it, fresh] = messages_.insert_or_assign(m.msg, m);
    return &it->second;
  }
  if (k == "scan.retrieve" || k == "scan.done" || k == "scan.remove") return find(u(r, "msg"));
  return nullptr;
}

void Books::commit(const sim::TraceRecord& r, Message* m) {
  if (m == nullptr) return;
  const std::string_view k = r.kind;
  const auto proc = static_cast<std::uint32_t>(u(r, "proc"));
  if (k == "scan.retrieve") {
    m->not_retrieved.erase(proc);
    pending_[proc].erase({m->order, m->msg});
  } else if (k == "scan.done") {
    m->not_done.erase(proc);
  } else if (k == "scan.remove") {
    m->removed = true;
    for (std::uint32_t p : m->not_retrieved) pending_[p].erase({m->order, m->msg});
  }
}

}  // namespace ipcsim::model::scan
