// What the transport monitors share: each session's submissions as its source
// application recorded them (transport.app.submit), and how to name a session
// the way the scenario does (by the source actor that opened it).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "model/monitor.hpp"

namespace ipcsim::model::transport {

struct Submitted {
  std::uint64_t digest = 0;
  std::uint64_t bytes = 0;
};

class SessionBooks {
 public:
  // Call with every record; it keeps transport.app.submit. `actor`: the
  // recording actor's name, "" when the record has none.
  void see(const sim::TraceRecord& r, const std::string& actor) {
    if (r.kind != "transport.app.submit") return;
    const std::uint64_t s = r.field("session")->u;
    submitted_[{s, r.field("msg")->u}] = {r.field("digest")->u, r.field("bytes")->u};
    if (!actor.empty()) owner_.emplace(s, actor);
  }
  const Submitted* find(std::uint64_t session, std::int64_t msg) const {
    if (msg < 0) return nullptr;
    auto it = submitted_.find({session, static_cast<std::uint64_t>(msg)});
    return it == submitted_.end() ? nullptr : &it->second;
  }
  const std::map<std::pair<std::uint64_t, std::uint64_t>, Submitted>& all() const { return submitted_; }
  // "message 2 of session 1 ('source1' (#3))"
  std::string name(std::uint64_t session, std::int64_t msg) const {
    auto it = owner_.find(session);
    return "message " + std::to_string(msg) + " of session " + std::to_string(session) +
           (it == owner_.end() ? "" : " (" + it->second + ")");
  }

 private:
  std::map<std::pair<std::uint64_t, std::uint64_t>, Submitted> submitted_;
  std::map<std::uint64_t, std::string> owner_;
};

}  // namespace ipcsim::model::transport
