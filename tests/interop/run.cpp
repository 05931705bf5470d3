// run_handshake: two endpoints, one netsim network, real time.
#include <algorithm>
#include <array>
#include <thread>

#include "interop/endpoint.hpp"

namespace cachet::interop {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr netsim::Address kClientAddress{0x0a000001, 40000};
constexpr netsim::Address kServerAddress{0x0a000002, 4433};
// Sleeps are short so a slow timer or a late delivery costs little, and
// never zero so an endpoint whose deadline is "now" cannot make us spin.
constexpr auto kMaxSleep = std::chrono::milliseconds(3);
constexpr auto kMinSleep = std::chrono::microseconds(200);
// Application data is not retransmitted by DTLS; on a lossy network the
// driver resends its message until the peer has it.
constexpr auto kResendInterval = std::chrono::milliseconds(40);

struct Side {
  Endpoint& endpoint;
  netsim::Address self;
  netsim::Address peer;
  std::string message;  // what this side sends once established
  std::optional<SteadyClock::time_point> last_write;
  bool got_peer_message = false;
};

class Driver {
 public:
  Driver(Endpoint& client, Endpoint& server, netsim::Network& net)
      : sides_{Side{client, kClientAddress, kServerAddress, "hello from the client"},
               Side{server, kServerAddress, kClientAddress, "hello from the server"}},
        net_(net),
        start_(SteadyClock::now()) {}

  RunResult run(std::chrono::milliseconds limit, bool exchange_data) {
    RunResult result;
    for (;;) {
      const auto now = SteadyClock::now();
      bool progress = false;
      transmit(now);
      for (auto& d : net_.deliver(instant(now))) {
        side_at(d.to).endpoint.handle_datagram(d.bytes);
        progress = true;
      }
      for (auto& side : sides_) {
        // Compared with a fresh reading: an endpoint may compute its deadline
        // from the clock, which has moved on since `now`.
        const auto deadline = side.endpoint.next_timeout();
        if (deadline && *deadline <= SteadyClock::now()) {
          side.endpoint.handle_timeout();
          progress = true;
        }
      }
      transmit(now);
      for (auto& side : sides_) {
        if (side.endpoint.failed()) return finish(std::move(result), now, false, side.endpoint.error());
      }
      if (both_established()) {
        if (!exchange_data) return finish(std::move(result), now, true, "");
        std::string error = exchange(now);
        if (!error.empty()) return finish(std::move(result), now, false, error);
        if (sides_[0].got_peer_message && sides_[1].got_peer_message)
          return finish(std::move(result), now, true, "");
      }
      if (now - start_ >= limit) return finish(std::move(result), now, false, timeout_message());
      sleep(now, progress);
    }
  }

 private:
  Instant instant(SteadyClock::time_point t) const { return Instant{t - start_}; }
  SteadyClock::time_point time_point(Instant i) const {
    return start_ + std::chrono::duration_cast<SteadyClock::duration>(i.since_origin);
  }
  Side& side_at(netsim::Address a) { return a == kClientAddress ? sides_[0] : sides_[1]; }
  bool both_established() const { return sides_[0].endpoint.established() && sides_[1].endpoint.established(); }

  void transmit(SteadyClock::time_point now) {
    for (auto& side : sides_) {
      while (auto datagram = side.endpoint.poll_transmit()) {
        net_.send(side.self, side.peer, std::move(*datagram), instant(now));
        ++datagrams_;
      }
    }
  }

  // Writes (and rewrites) each side's message, reads what arrived; returns an
  // error description, empty when all is well so far.
  std::string exchange(SteadyClock::time_point now) {
    for (size_t i = 0; i < sides_.size(); ++i) {
      Side& side = sides_[i];
      Side& other = sides_[1 - i];
      if (!other.got_peer_message && (!side.last_write || now - *side.last_write >= kResendInterval)) {
        if (auto r = side.endpoint.write(as_bytes(side.message)); !r)
          return std::string("write failed: ") + r.error().what() + " " + side.endpoint.error();
        side.last_write = now;
      }
      while (auto data = side.endpoint.read()) {
        if (std::string(data->begin(), data->end()) != other.message)
          return "unexpected application data at the " + std::string(i == 0 ? "client" : "server");
        side.got_peer_message = true;
      }
    }
    transmit(now);
    return "";
  }

  void sleep(SteadyClock::time_point now, bool progress) {
    auto wake = now + kMaxSleep;
    if (auto at = net_.next_delivery()) wake = std::min(wake, time_point(*at));
    for (auto& side : sides_) {
      if (auto deadline = side.endpoint.next_timeout()) wake = std::min(wake, *deadline);
      if (side.last_write) wake = std::min(wake, *side.last_write + kResendInterval);
    }
    if (!progress) wake = std::max(wake, now + kMinSleep);
    if (wake > now) std::this_thread::sleep_until(wake);
  }

  std::string timeout_message() const {
    const auto& s = net_.stats();
    return "time limit: client " + std::string(sides_[0].endpoint.established() ? "established" : "handshaking") +
           ", server " + (sides_[1].endpoint.established() ? "established" : "handshaking") +
           ", data client<-server " + (sides_[0].got_peer_message ? "yes" : "no") + ", server<-client " +
           (sides_[1].got_peer_message ? "yes" : "no") + "; network sent " + std::to_string(s.sent) + " lost " +
           std::to_string(s.lost) + " too big " + std::to_string(s.too_big);
  }

  RunResult finish(RunResult result, SteadyClock::time_point now, bool completed, std::string error) const {
    result.completed = completed;
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - start_);
    result.datagrams = datagrams_;
    result.error = std::move(error);
    return result;
  }

  std::array<Side, 2> sides_;
  netsim::Network& net_;
  SteadyClock::time_point start_;
  size_t datagrams_ = 0;
};

}  // namespace

RunResult run_handshake(Endpoint& client, Endpoint& server, netsim::Network& net, std::chrono::milliseconds limit,
                        bool exchange_data) {
  return Driver(client, server, net).run(limit, exchange_data);
}

}  // namespace cachet::interop
