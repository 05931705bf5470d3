// The round trip to each peer, remembered across a Context's connections.
#pragma once

#include <cachet/time.hpp>

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cachet {

// RFC 9147 §5.8.2: "information ... from previous connections to the same
// server about the RTT" — the last round trip measured per peer (address, or
// server name for a client that has none), shared by a context's
// connections, bounded (oldest entry out first), thread-safe.
class RttCache {
 public:
  static constexpr size_t kMaxPeers = 1024;

  std::optional<Duration> get(std::string_view peer) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = rtt_.find(std::string(peer));
    if (it == rtt_.end()) return std::nullopt;
    return it->second;
  }
  void put(std::string_view peer, Duration rtt) {
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, inserted] = rtt_.insert_or_assign(std::string(peer), rtt);
    if (!inserted) return;
    order_.push_back(it->first);
    if (order_.size() > kMaxPeers) {
      rtt_.erase(order_.front());
      order_.pop_front();
    }
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return rtt_.size();
  }

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, Duration> rtt_;
  std::deque<std::string> order_;
};

}  // namespace cachet
