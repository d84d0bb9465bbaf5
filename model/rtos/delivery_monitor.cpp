#include "model/rtos/delivery_monitor.hpp"

#include "model/rtos/fields.hpp"

namespace ipcsim::model::rtos {

void DeliveryMonitor::forget(std::uint64_t rtos) {
  for (auto it = boards_.lower_bound(key(rtos, 0)); it != boards_.end() && (it->first >> 32) == rtos;) {
    it = boards_.erase(it);
  }
  rounds_.forget(rtos);
}

void DeliveryMonitor::close_round(const sim::TraceRecord& r, std::uint64_t board, std::uint64_t round) {
  auto it = boards_.find(board);
  if (it == boards_.end() || round == 0) return;
  for (const auto& [slave, last] : it->second.last) {
    if (last != round) {
      violate(r, "slave " + actor_name(slave) + " missed broadcast round " + num(round) + " of exchange " +
                     exchange_name(board) + " (its last was round " + num(last) + ")");
      return;
    }
  }
  it->second.round = 0;
  ++rounds_closed_;
}

void DeliveryMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "sim.exit" || k == "sim.kill") {
    // An actor that is gone is nobody's slave any more.
    for (auto& [id, board] : boards_) board.last.erase(r.actor);
    return;
  }
  if (k == "rtos.msg.send") {
    const std::uint64_t x = key(r, "xchg");
    if (is_broadcast(x)) {
      Board& board = boards_[x];
      close_round(r, x, board.round);  // a new round closes the one on show
      board.round = rounds_.open(x, u(r, "flow_out"));
      board.msg = u(r, "msg");
    } else {
      sends_[u(r, "flow_out")] = Send{u(r, "msg"), 0};
    }
  } else if (k == "rtos.msg.receive") {
    const std::uint64_t x = key(r, "xchg");
    if (is_broadcast(x)) {
      Board& board = boards_[x];
      const std::uint64_t round = board.round;
      if (round == 0) {
        violate(r, "slave " + actor_name(r.actor) + " received message " + num(u(r, "msg")) + " from exchange " +
                       exchange_name(x) + " while no round is on show");
        return;
      }
      const std::uint64_t taken = rounds_.of_flow(x, u(r, "flow_in"));
      if (taken != round) {
        violate(r, "slave " + actor_name(r.actor) + " took " +
                       (taken == 0 ? std::string("a hand-off that no send to it made") : "round " + num(taken)) +
                       " of exchange " + exchange_name(x) + " but round " + num(round) + " is on show");
        return;
      }
      if (u(r, "msg") != board.msg) {
        violate(r, "slave " + actor_name(r.actor) + " received message " + num(u(r, "msg")) + " from exchange " +
                       exchange_name(x) + " but round " + num(round) + " showed message " + num(board.msg));
        return;
      }
      auto [it, fresh] = board.last.try_emplace(r.actor, 0);
      if (it->second == round) {
        violate(r, "slave " + actor_name(r.actor) + " received broadcast round " + num(round) + " of exchange " +
                       exchange_name(x) + " twice");
        return;
      }
      it->second = round;
      ++deliveries_;
      return;
    }
    auto it = sends_.find(u(r, "flow_in"));
    if (it == sends_.end()) {
      violate(r, "message " + num(u(r, "msg")) + " received by " + actor_name(r.actor) + " at exchange " +
                     exchange_name(x) + " without a matching send");
      return;
    }
    if (it->second.msg != u(r, "msg")) {
      violate(r, "send flow " + num(it->first) + " carried message " + num(it->second.msg) + " but " +
                     actor_name(r.actor) + " received message " + num(u(r, "msg")));
      return;
    }
    if (it->second.receiver != 0) {
      violate(r, "message " + num(u(r, "msg")) + " delivered twice from one send to exchange " + exchange_name(x) +
                     ": to " + actor_name(it->second.receiver) + " and to " + actor_name(r.actor));
      return;
    }
    it->second.receiver = r.actor;
    ++deliveries_;
  } else if (k == "rtos.bcast.clear") {
    const std::uint64_t x = key(r, "xchg");
    if (auto it = boards_.find(x); it != boards_.end()) close_round(r, x, it->second.round);
  }
}

}  // namespace ipcsim::model::rtos
