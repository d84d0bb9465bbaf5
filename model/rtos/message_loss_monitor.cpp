#include "model/rtos/message_loss_monitor.hpp"

#include <sstream>
#include <vector>

#include "model/rtos/fields.hpp"

namespace ipcsim::model::rtos {

namespace {
template <class M>
void drop_rtos(M& m, std::uint64_t rtos) {
  for (auto it = m.lower_bound(key(rtos, 0)); it != m.end() && (it->first >> 32) == rtos;) it = m.erase(it);
}
std::vector<std::uint64_t> parse_list(std::string_view text) {
  std::vector<std::uint64_t> out;
  std::istringstream in{std::string(text)};
  for (std::uint64_t v; in >> v;) out.push_back(v);
  return out;
}
}  // namespace

void MessageLossMonitor::forget(std::uint64_t rtos) {
  drop_rtos(waiting_, rtos);
  drop_rtos(shows_, rtos);
  rounds_.forget(rtos);
}

void MessageLossMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "rtos.msg.send") {
    const std::uint64_t x = key(r, "xchg");
    if (!is_exchange(x)) return;
    if (is_broadcast(x)) {
      // One message at a time: another one may only go on show once the one
      // there was taken off (rtos.bcast.clear), or its round never closed.
      const std::uint64_t round = rounds_.open(x, u(r, "flow_out"));
      auto it = shows_.find(x);
      if (it != shows_.end() && it->second.msg != u(r, "msg")) {
        violate(r, never_closed(x, it->second) + ": message " + num(u(r, "msg")) + " was put on show in its place");
        return;
      }
      shows_[x] = Show{u(r, "msg"), round, r.actor};
    } else {
      waiting_[x][u(r, "flow_out")] = Sent{u(r, "msg"), r.actor, r.time};
    }
  } else if (k == "rtos.msg.receive") {
    const std::uint64_t x = key(r, "xchg");
    if (is_exchange(x) && !is_broadcast(x)) waiting_[x].erase(u(r, "flow_in"));
  } else if (k == "rtos.bcast.clear") {
    auto it = shows_.find(key(r, "xchg"));
    if (it != shows_.end() && it->second.msg == u(r, "msg")) shows_.erase(it);
  } else if (k == "rtos.msg.rel" || k == "rtos.msg.unmake") {
    // Released is accounted for (releasing a queued message is one_holder's to
    // report), but a message on show leaves the show first.
    const std::uint64_t m = u(r, "msg");
    const std::uint64_t rtos = u(r, "rtos");
    for (auto it = shows_.lower_bound(key(rtos, 0)); it != shows_.end() && (it->first >> 32) == rtos; ++it) {
      if (it->second.msg == m) {
        violate(r, never_closed(it->first, it->second) + ": " + actor_name(r.actor) + " " +
                       (k == "rtos.msg.rel" ? "released" : "unmade") + " the message while it was on show");
        return;
      }
    }
    for (auto it = waiting_.lower_bound(key(rtos, 0)); it != waiting_.end() && (it->first >> 32) == rtos; ++it) {
      std::erase_if(it->second, [m](const auto& e) { return e.second.msg == m; });
    }
  } else if (k == "rtos.xchg.inventory") {
    inventory(r);
  }
}

std::string MessageLossMonitor::never_closed(std::uint64_t x, const Show& show) const {
  return "broadcast round " + num(show.round) + " of exchange " + exchange_name(x) + " (message " + num(show.msg) +
         ", sent by " + actor_name(show.sender) + ") never closed (no rtos.bcast.clear)";
}

void MessageLossMonitor::inventory(const sim::TraceRecord& r) {
  const std::uint64_t x = key(r, "xchg");
  ++inventories_;
  inventoried_.insert(x);
  const std::string name = exchange_name(x);
  if (b(r, "broken_link")) {
    violate(r, "the queue of exchange " + name + " is broken at the end of the run (a link leaves the MCB pool or "
                   "loops): the messages behind it are lost");
    return;
  }
  const std::vector<std::uint64_t> queued = parse_list(s(r, "msgs"));
  // What the books say waits there, message by message (a message may be there once).
  std::map<std::uint64_t, Sent> books;
  for (const auto& [flow, sent] : waiting_[x]) books.emplace(sent.msg, sent);
  std::set<std::uint64_t> held(queued.begin(), queued.end());
  for (const auto& [msg, sent] : books) {
    if (held.count(msg) == 0) {
      violate(r, "message " + num(msg) + ", sent to exchange " + name + " by " + actor_name(sent.sender) + " at " +
                     at_time(sent.at) + ", was never received or released, and the exchange no longer holds it: lost");
      return;
    }
  }
  for (std::uint64_t msg : queued) {
    if (books.count(msg) == 0) {
      violate(r, "exchange " + name + " still holds message " + num(msg) +
                     ", which was never sent there or was already received or released");
      return;
    }
  }
  if (queued.size() != held.size()) {
    violate(r, "exchange " + name + " holds a message twice in its queue");
    return;
  }
  if (queued.size() != u(r, "queued")) {
    violate(r, "exchange " + name + " counts " + num(u(r, "queued")) + " queued message(s) but " +
                   num(queued.size()) + " are linked in its queue");
    return;
  }
  if (!is_broadcast(x)) return;
  const std::uint64_t sticky = u(r, "sticky");
  auto show = shows_.find(x);
  if (show != shows_.end() && show->second.msg != sticky) {
    violate(r, never_closed(x, show->second) + ", yet the exchange " +
                   (sticky == 0 ? std::string("shows nothing") : "shows message " + num(sticky)) +
                   " at the end of the run");
    return;
  }
  if (show == shows_.end() && sticky != 0) {
    violate(
        r, "exchange " + name + " shows message " + num(sticky) + " at the end of the run, but no round of it is open");
  }
}

void MessageLossMonitor::at_end(const sim::RunResult&) {
  // Every exchange with something in the books must have been inventoried.
  for (const auto& [x, waiting] : waiting_) {
    if (waiting.empty() || inventoried_.count(x) != 0) continue;
    violate_at_end("no end-of-run inventory of exchange " + exchange_name(x) + ": message " +
                   num(waiting.begin()->second.msg) + " sent there cannot be accounted for");
    return;
  }
  for (const auto& [x, show] : shows_) {
    if (inventoried_.count(x) != 0) continue;
    violate_at_end("no end-of-run inventory of exchange " + exchange_name(x) + ": broadcast round " +
                   num(show.round) + " (message " + num(show.msg) + ") cannot be accounted for");
    return;
  }
}

}  // namespace ipcsim::model::rtos
