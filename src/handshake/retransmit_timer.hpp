// The handshake retransmission timer (RFC 6347 §4.2.4.1, RFC 9147 §5.8).
#pragma once

#include <chrono>
#include <optional>

#include "base/clock.hpp"

namespace cachet::handshake {

struct RetransmitPolicy {
  // RFC 6347 §4.2.4.1: 1 s initial timeout (lower values are allowed by
  // RFC 9147 §5.8.2 once an RTT is known).
  Duration initial_timeout = std::chrono::seconds(1);
  // RFC 6347 §4.2.4.1: doubling up to at least 60 s.
  Duration max_timeout = std::chrono::seconds(60);
  // RFC 9147 §5.8.2: once a round trip is measured the timer becomes 1.5 ×
  // RTT, but never below this floor, so that a loopback or LAN round trip
  // does not turn a busy peer's processing time into a retransmission
  // (nor above initial_timeout, when an application chose a smaller one).
  Duration min_timeout = std::chrono::milliseconds(100);
  // Retransmissions of one flight before the handshake fails.
  unsigned max_retransmissions = 10;
};

class RetransmitTimer {
 public:
  explicit RetransmitTimer(RetransmitPolicy policy = {}) noexcept
      : policy_(policy), timeout_(policy.initial_timeout) {}

  void start(Instant now) noexcept { deadline_ = now + timeout_; }
  void stop() noexcept { deadline_.reset(); }
  bool armed() const noexcept { return deadline_.has_value(); }
  std::optional<Instant> deadline() const noexcept { return deadline_; }
  bool expired(Instant now) const noexcept { return deadline_ && now >= *deadline_; }

  // The deadline passed: double the timeout (capped), count a retransmission
  // and re-arm. False when the retransmission budget is spent.
  bool back_off(Instant now) noexcept;
  // A flight got through: the next flight starts from the base timeout
  // (the initial one, or 1.5 × RTT once measured).
  void reset() noexcept {
    timeout_ = base();
    retransmissions_ = 0;
  }
  void set_initial_timeout(Duration d) noexcept;
  // RFC 9147 §5.8.2: a flight was acknowledged without being retransmitted
  // (Karn's rule) after `rtt`, or a previous connection to the same peer
  // measured it: from the next flight on, the timer is 1.5 × rtt, within
  // [min_timeout, max_timeout].
  void on_rtt_sample(Duration rtt) noexcept;
  std::optional<Duration> rtt() const noexcept { return rtt_; }

  Duration current_timeout() const noexcept { return timeout_; }
  unsigned retransmissions() const noexcept { return retransmissions_; }
  const RetransmitPolicy& policy() const noexcept { return policy_; }

 private:
  Duration base() const noexcept;

  RetransmitPolicy policy_;
  Duration timeout_;
  std::optional<Duration> rtt_;
  unsigned retransmissions_ = 0;
  std::optional<Instant> deadline_;
};

}  // namespace cachet::handshake
