#include "model/rtos/dangling_proxy_monitor.hpp"

#include "model/rtos/fields.hpp"

namespace ipcsim::model::rtos {

void DanglingProxyMonitor::forget(std::uint64_t rtos) {
  auto drop = [rtos](auto& m) {
    for (auto it = m.lower_bound(key(rtos, 0)); it != m.end() && (it->first >> 32) == rtos;) it = m.erase(it);
  };
  drop(reals_);
  drop(proxies_);
}

void DanglingProxyMonitor::watch(const sim::TraceRecord& r) {
  const std::string_view k = r.kind;
  if (k == "rtos.msg.get" || k == "rtos.msg.make") {
    const std::uint64_t m = key(r, "msg");
    const std::uint64_t real = u(r, "proxy_of");
    proxies_.erase(m);
    reals_.erase(m);
    if (real == 0) {
      reals_[m];
      return;
    }
    const std::uint64_t rk = key(u(r, "rtos"), real);
    auto it = reals_.find(rk);
    if (it == reals_.end()) {
      violate(r, actor_name(r.actor) + " made proxy " + num(u(r, "msg")) + " of message " + num(real) +
                     ", which is not a live real message");
      return;
    }
    it->second.insert(m);
    proxies_[m] = Proxy{rk, r.actor};
  } else if (k == "rtos.msg.rel" || k == "rtos.msg.unmake") {
    const std::uint64_t m = key(r, "msg");
    if (auto p = proxies_.find(m); p != proxies_.end()) {
      reals_[p->second.real].erase(m);
      proxies_.erase(p);
      ++proxies_ended_;
      return;
    }
    auto real = reals_.find(m);
    if (real == reals_.end()) return;  // not known live: pool_origin reports a double release
    if (!real->second.empty()) {
      const std::uint64_t proxy = *real->second.begin();
      violate(r, actor_name(r.actor) + (k == "rtos.msg.rel" ? " released" : " unmade") + " message " +
                     num(u(r, "msg")) + " while proxy " + num(proxy & 0xFFFFFFFFu) + " of it (made by " +
                     actor_name(proxies_[proxy].maker) + ") is still live: the proxy now points into a body "
                     "that is not the message's any more");
      return;
    }
    reals_.erase(real);
  }
}

}  // namespace ipcsim::model::rtos
