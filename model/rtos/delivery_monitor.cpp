#include "model/rtos/delivery_monitor.hpp"

#include <algorithm>

#include "model/rtos/fields.hpp"

namespace ipcsim::model::rtos {

void DeliveryMonitor::close_round(const sim::TraceRecord& r, std::uint64_t board, std::uint64_t round) {
  auto it = boards_.find(board);
  if (it == boards_.end() || round == 0) return;
  for (const auto& [slave, last] : it->second.last) {
    if (last != round) {
      violate(r, "slave #" + num(slave) + " missed broadcast round " + num(round) + " of exchange #" +
                     num(board & 0xFFFFFFFFu) + " (its last was round " + num(last) + ")");
      return;
    }
  }
  it->second.round = 0;
  ++rounds_closed_;
}

void DeliveryMonitor::forwarded(const sim::TraceRecord& r, std::uint64_t real) {
  auto it = sections_.find(real);
  if (it == sections_.end()) return;
  for (const Section& s : it->second) {
    auto gap = std::find(s.filled.begin(), s.filled.end(), 0);
    if (gap != s.filled.end()) {
      violate(r, "message " + num(real & 0xFFFFFFFFu) + " forwarded before the section of proxy " + num(s.proxy) +
                     " was filled (byte " + num(s.lo + static_cast<std::uint64_t>(gap - s.filled.begin())) +
                     " never written)");
      return;
    }
  }
  sections_completed_ += it->second.size();
  sections_.erase(it);
}

void DeliveryMonitor::observe(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "sim.exit" || k == "sim.kill") {
    // An actor that is gone is nobody's slave any more.
    for (auto& [id, board] : boards_) board.last.erase(r.actor);
    return;
  }
  if (k.substr(0, 5) != "rtos.") return;
  if (k == "rtos.xchg.create") {
    types_[key(r, "xchg")] = std::string(s(r, "type"));
  } else if (k == "rtos.msg.send") {
    const std::uint64_t x = key(r, "xchg");
    forwarded(r, key(r, "msg"));
    if (types_[x] == "broadcast") {
      Board& board = boards_[x];
      close_round(r, x, board.round);  // a new round closes the one on show
      board.round = u(r, "round");
    } else {
      sends_[u(r, "flow_out")] = Send{u(r, "msg"), 0};
    }
  } else if (k == "rtos.msg.receive") {
    const std::uint64_t x = key(r, "xchg");
    if (types_[x] == "broadcast") {
      Board& board = boards_[x];
      const std::uint64_t round = u(r, "round");
      if (round != board.round) {
        violate(r, "slave #" + num(r.actor) + " received round " + num(round) + " but round " + num(board.round) +
                       " is on show");
        return;
      }
      auto [it, fresh] = board.last.try_emplace(r.actor, 0);
      if (it->second == round) {
        violate(r, "slave #" + num(r.actor) + " received broadcast round " + num(round) + " of exchange #" +
                       num(u(r, "xchg")) + " twice");
        return;
      }
      it->second = round;
      ++deliveries_;
      return;
    }
    auto it = sends_.find(u(r, "flow_in"));
    if (it == sends_.end()) {
      violate(r, "message " + num(u(r, "msg")) + " received by #" + num(r.actor) + " without a matching send");
      return;
    }
    if (it->second.msg != u(r, "msg")) {
      violate(r, "send flow " + num(it->first) + " carried message " + num(it->second.msg) + " but #" + num(r.actor) +
                     " received message " + num(u(r, "msg")));
      return;
    }
    if (it->second.receiver != 0) {
      violate(r, "message " + num(u(r, "msg")) + " delivered twice from one send: to #" + num(it->second.receiver) +
                     " and to #" + num(r.actor));
      return;
    }
    it->second.receiver = r.actor;
    ++deliveries_;
  } else if (k == "rtos.bcast.clear") {
    close_round(r, key(r, "xchg"), u(r, "round"));
  } else if (k == "rtos.msg.make") {
    const std::uint64_t real = u(r, "proxy_of");
    if (real == 0) return;
    const std::uint64_t bytes = u(r, "bytes");
    sections_[key(u(r, "rtos"), real)].push_back(
        Section{u(r, "msg"), u(r, "dbp"), std::vector<std::uint8_t>(bytes, 0)});
  } else if (k == "rtos.msg.write") {
    const std::uint64_t real = u(r, "proxy_of") != 0 ? u(r, "proxy_of") : u(r, "msg");
    auto it = sections_.find(key(u(r, "rtos"), real));
    if (it == sections_.end()) return;
    const std::uint64_t lo = u(r, "lo");
    const std::uint64_t hi = u(r, "hi");
    for (Section& sec : it->second) {
      const std::uint64_t a = std::max(lo, sec.lo);
      const std::uint64_t e = std::min(hi, sec.lo + sec.filled.size());
      for (std::uint64_t byte = a; byte < e; ++byte) {
        if (sec.filled[byte - sec.lo]++ != 0) {
          violate(r, "byte " + num(byte) + " of the section of proxy " + num(sec.proxy) + " (message " + num(real) +
                         ") filled twice");
          return;
        }
      }
    }
  } else if (k == "rtos.msg.rel" || k == "rtos.msg.unmake") {
    if (u(r, "proxy_of") == 0) sections_.erase(key(r, "msg"));  // the assembly was abandoned
  }
}

}  // namespace ipcsim::model::rtos
