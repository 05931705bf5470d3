// Session: the public handle over an immutable SessionState.
#include <cachet/session.hpp>

#include "session/session_state.hpp"

namespace cachet {

std::span<const uint8_t> Session::id() const noexcept {
  if (!state_) return {};
  return state_->session_id;
}

bool Session::has_ticket() const noexcept { return state_ && !state_->ticket.empty(); }

uint16_t Session::cipher_suite() const noexcept { return state_ ? state_->cipher_suite : 0; }

bool Session::extended_master_secret() const noexcept { return state_ && state_->extended_master_secret; }

std::string_view Session::server_name() const noexcept {
  if (!state_) return {};
  return state_->server_name;
}

int64_t Session::created_unix() const noexcept { return state_ ? state_->created_unix : 0; }

uint32_t Session::lifetime_seconds() const noexcept { return state_ ? state_->lifetime_seconds : 0; }

// Nothing to resume is as good as expired.
bool Session::expired(int64_t unix_now) const noexcept { return !state_ || state_->expired(unix_now); }

std::vector<uint8_t> Session::serialize() const {
  if (!state_) return {};
  return state_->serialize();
}

Result<Session> Session::parse(std::span<const uint8_t> bytes) {
  CACHET_ASSIGN_OR_RETURN(session::SessionState state, session::SessionState::parse(bytes));
  return Session(std::make_shared<const session::SessionState>(std::move(state)));
}

}  // namespace cachet
