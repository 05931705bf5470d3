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
  timeout_ = policy_.initial_timeout;
}

}  // namespace cachet::handshake
