// Stateless cookies for the HelloVerifyRequest exchange (RFC 6347 §4.2.1).
//
//   cookie = key_id (1 byte) || HMAC-SHA256(secret[key_id],
//            client address || client_version || random || session_id ||
//            cipher_suites || compression_methods)[0..16)
//
// The secret rotates every `rotation` period; cookies made with the previous
// secret stay valid for one more period, so a client that got its
// HelloVerifyRequest just before a rotation is not turned away. No state is
// kept per client. Not thread-safe: one generator per listener.
#pragma once

#include <cachet/error.hpp>

#include <array>
#include <chrono>

#include "base/bytes.hpp"
#include "base/clock.hpp"
#include "base/random.hpp"
#include "base/secure.hpp"
#include "handshake/messages.hpp"

namespace cachet::handshake {

class CookieGenerator {
 public:
  static constexpr size_t kCookieSize = 17;

  CookieGenerator(Random& random, Duration rotation = std::chrono::minutes(5));

  Bytes make(ByteSpan client_address, const ClientHello& hello, Instant now);
  // True when `hello.cookie` is one this generator made for this address and
  // these hello parameters, with the current or the previous secret.
  bool verify(ByteSpan client_address, const ClientHello& hello, Instant now);

 private:
  void maybe_rotate(Instant now);
  Bytes compute(uint8_t key_id, ByteSpan client_address, const ClientHello& hello) const;

  Random& random_;
  Duration rotation_;
  std::array<SecretBytes, 2> secrets_;  // indexed by key_id & 1
  uint8_t current_ = 0;
  Instant rotated_at_{};
  bool started_ = false;
};

}  // namespace cachet::handshake
