#include "handshake/cookie.hpp"

#include <algorithm>

#include "base/byte_writer.hpp"
#include "crypto/hmac.hpp"

namespace cachet::handshake {

CookieGenerator::CookieGenerator(Random& random, Duration rotation) : random_(random), rotation_(rotation) {
  for (auto& s : secrets_) {
    s = SecretBytes(32);
    if (!random_.fill(s.mutable_span())) s = SecretBytes(32);  // zero secret only if the RNG failed; see maybe_rotate
  }
}

void CookieGenerator::maybe_rotate(Instant now) {
  if (!started_) {
    started_ = true;
    rotated_at_ = now;
    return;
  }
  if (now - rotated_at_ < rotation_) return;
  // Two or more periods without traffic: both secrets are stale.
  const bool both = now - rotated_at_ >= 2 * rotation_;
  for (int i = 0; i < (both ? 2 : 1); ++i) {
    current_ ^= 1;
    SecretBytes fresh(32);
    (void)random_.fill(fresh.mutable_span());
    secrets_[current_] = std::move(fresh);
  }
  rotated_at_ = now;
}

Bytes CookieGenerator::compute(uint8_t key_id, ByteSpan client_address, const ClientHello& hello) const {
  crypto::Hmac mac(crypto::HashAlgorithm::kSha256, secrets_[key_id & 1].span());
  ByteWriter w;
  w.prefixed_bytes(2, client_address);
  w.u16(static_cast<uint16_t>(hello.client_version));
  w.bytes(hello.random);
  w.prefixed_bytes(1, hello.session_id);
  w.u16(static_cast<uint16_t>(hello.cipher_suites.size()));
  for (uint16_t s : hello.cipher_suites) w.u16(s);
  w.prefixed_bytes(1, hello.compression_methods);
  mac.update(w.written());
  Bytes out(crypto::digest_size(crypto::HashAlgorithm::kSha256));
  mac.finish(out);
  Bytes cookie(kCookieSize);
  cookie[0] = key_id;
  std::copy(out.begin(), out.begin() + (kCookieSize - 1), cookie.begin() + 1);
  return cookie;
}

Bytes CookieGenerator::make(ByteSpan client_address, const ClientHello& hello, Instant now) {
  maybe_rotate(now);
  return compute(current_, client_address, hello);
}

bool CookieGenerator::verify(ByteSpan client_address, const ClientHello& hello, Instant now) {
  maybe_rotate(now);
  if (hello.cookie.size() != kCookieSize) return false;
  const uint8_t key_id = hello.cookie[0];
  if (key_id > 1) return false;
  const Bytes expected = compute(key_id, client_address, hello);
  return constant_time_equal(expected, hello.cookie);
}

}  // namespace cachet::handshake
