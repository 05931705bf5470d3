// netsim: a deterministic in-memory datagram network for tests (and, later,
// the `cachet proxy` impairments). Every impairment is drawn from one seeded
// DeterministicRandom, so a seed replays the exact same run.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <queue>
#include <vector>

#include "base/bytes.hpp"
#include "base/clock.hpp"
#include "base/random.hpp"

namespace cachet::netsim {

struct Address {
  uint32_t host = 0;
  uint16_t port = 0;
  friend constexpr auto operator<=>(const Address&, const Address&) = default;
};

struct Impairments {
  double loss = 0;       // probability a datagram is dropped
  double duplicate = 0;  // probability it is delivered twice
  double reorder = 0;    // probability it is held back by reorder_delay
  double corrupt = 0;    // probability one random bit is flipped
  Duration delay{0};     // one-way base delay
  Duration jitter{0};    // uniform extra delay in [0, jitter)
  Duration reorder_delay = std::chrono::milliseconds(50);
  size_t mtu = 0;  // datagrams larger than this are dropped; 0 = no limit
  // Everything sent inside [start, end) is lost.
  std::vector<std::pair<Instant, Instant>> blackouts;
};

struct NetworkStats {
  uint64_t sent = 0, delivered = 0, lost = 0, duplicated = 0, reordered = 0, corrupted = 0, too_big = 0,
           blacked_out = 0;
};

struct Datagram {
  Address from;
  Address to;
  Bytes bytes;
  Instant deliver_at;
};

class Network {
 public:
  explicit Network(uint64_t seed, Impairments impairments = {}) : random_(seed), impairments_(std::move(impairments)) {}

  void set_impairments(Impairments impairments) { impairments_ = std::move(impairments); }
  const Impairments& impairments() const noexcept { return impairments_; }

  void send(Address from, Address to, Bytes bytes, Instant now);
  std::optional<Instant> next_delivery() const;
  // Every datagram due at or before `now`, in delivery order.
  std::vector<Datagram> deliver(Instant now);
  bool idle() const noexcept { return queue_.empty(); }
  const NetworkStats& stats() const noexcept { return stats_; }

 private:
  struct Entry {
    Instant at;
    uint64_t order;
    Datagram datagram;
    bool operator>(const Entry& o) const { return at != o.at ? at > o.at : order > o.order; }
  };
  void schedule(Datagram d, Instant at);
  bool chance(double p) { return p > 0 && random_.unit() < p; }

  DeterministicRandom random_;
  Impairments impairments_;
  uint64_t order_ = 0;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue_;
  NetworkStats stats_;
};

}  // namespace cachet::netsim
