// A completion queue in the manner of an I/O completion port: the engine
// posts, an application thread takes (GetQueuedCompletionStatus). Counting,
// hence level-triggered: a completion posted before anyone waits is not lost
// (the claims' "refused, then waiting" trap).
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "sim/semaphore.hpp"
#include "sim/task.hpp"
#include "sim/world.hpp"

namespace ipcsim::transport {

enum class CompletionKind : std::uint8_t {
  SessionReady,    // the handshake finished (sender)
  SessionRefused,  // the server refused it or never answered (sender)
  SessionClosed,   // FIN acknowledged (sender)
  MessageDone,     // a submitted message reached its end (status)
  SessionRequest,  // a SYNC arrived and awaits accept() (server)
  DataArrived,     // the session's input queue has a message to take (server)
};
const char* to_string(CompletionKind k);

enum class CompletionStatus : std::uint8_t { Ok, Failed };
const char* to_string(CompletionStatus s);

struct Completion {
  CompletionKind kind = CompletionKind::MessageDone;
  std::uint32_t session = 0;
  std::uint64_t user = 0;  // the application's key for the message (its index)
  CompletionStatus status = CompletionStatus::Ok;
};

class CompletionQueue {
 public:
  CompletionQueue(sim::World& w, std::string name) : ready_(w, std::move(name), 0) {}
  sim::Task<> post(Completion c) {
    entries_.push_back(c);
    co_await ready_.signal();
  }
  sim::Task<Completion> get() {
    co_await ready_.wait();
    Completion c = entries_.front();
    entries_.pop_front();
    co_return c;
  }
  std::size_t size() const { return entries_.size(); }

 private:
  sim::Semaphore ready_;
  std::deque<Completion> entries_;
};

}  // namespace ipcsim::transport
