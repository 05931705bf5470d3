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
  // A flight got through: the next flight starts from the initial timeout.
  void reset() noexcept {
    timeout_ = policy_.initial_timeout;
    retransmissions_ = 0;
  }
  void set_initial_timeout(Duration d) noexcept;

  Duration current_timeout() const noexcept { return timeout_; }
  unsigned retransmissions() const noexcept { return retransmissions_; }
  const RetransmitPolicy& policy() const noexcept { return policy_; }

 private:
  RetransmitPolicy policy_;
  Duration timeout_;
  unsigned retransmissions_ = 0;
  std::optional<Instant> deadline_;
};

}  // namespace cachet::handshake
