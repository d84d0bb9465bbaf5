// no_dangling_proxy: a proxy shows a section of its real message's body and
// owns none of it (seed 001: MsgMake(NULL, dbp)), so the real message must
// outlive its proxies. Releasing (or unmaking) a real message while a proxy of
// it is still live, or writing through a proxy whose real message is gone, is
// a violation.
//
// Keeps its own books from the service boundaries: rtos.msg.make with
// proxy_of names the real message of a new proxy (learnt there, not from
// later records); rtos.msg.rel of a proxy ends it; rtos.msg.rel or
// rtos.msg.unmake of a real message ends the real one, and must find none of
// its proxies live. A write through a proxy whose real message is gone needs a
// proxy that was live when its real message went: that release is the
// earliest record of any such history, and the violation is reported there
// (a proxy made of a message that is gone is reported at its make).
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "model/rtos/rtos_monitor.hpp"

namespace ipcsim::model::rtos {

class DanglingProxyMonitor final : public RtosMonitor {
 public:
  DanglingProxyMonitor() : RtosMonitor("no_dangling_proxy") {}
  std::uint64_t proxies_ended() const { return proxies_ended_; }  // tests

 protected:
  void watch(const sim::TraceRecord& r) override;
  void forget(std::uint64_t rtos) override;

 private:
  struct Proxy {
    std::uint64_t real = 0;  // key(rtos, real message)
    sim::ActorId maker = sim::kNoActor;
  };
  std::map<std::uint64_t, std::set<std::uint64_t>> reals_;  // live real message -> its live proxies
  std::map<std::uint64_t, Proxy> proxies_;                  // live proxy -> its real message
  std::uint64_t proxies_ended_ = 0;
};

}  // namespace ipcsim::model::rtos
