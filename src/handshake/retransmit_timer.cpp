#include "handshake/retransmit_timer.hpp"

#include <algorithm>

namespace cachet::handshake {

bool RetransmitTimer::back_off(Instant now) noexcept {
  if (retransmissions_ >= policy_.max_retransmissions) {
    deadline_.reset();
    return false;
  }
  ++retransmissions_;
  timeout_ = std::min(timeout_ * 2, policy_.max_timeout);
  deadline_ = now + timeout_;
  return true;
}

void RetransmitTimer::set_initial_timeout(Duration d) noexcept {
  policy_.initial_timeout = std::clamp(d, Duration(std::chrono::milliseconds(10)), policy_.max_timeout);
  timeout_ = base();
}

void RetransmitTimer::on_rtt_sample(Duration rtt) noexcept {
  if (rtt.count() < 0) return;
  rtt_ = rtt;
}

Duration RetransmitTimer::base() const noexcept {
  if (!rtt_) return policy_.initial_timeout;
  const Duration derived = *rtt_ + *rtt_ / 2;
  // The floor never exceeds the initial timeout an application chose.
  const Duration floor = std::min({policy_.min_timeout, policy_.initial_timeout, policy_.max_timeout});
  return std::clamp(derived, floor, policy_.max_timeout);
}

}  // namespace cachet::handshake
