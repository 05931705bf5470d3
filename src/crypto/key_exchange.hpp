// Ephemeral key exchange (nettle/hogweed): X25519, X448 (RFC 7748) and ECDH
// over secp256r1/secp384r1 with uncompressed points (RFC 8422 §5.4).
#pragma once

#include <cachet/error.hpp>

#include <cstdint>

#include "base/bytes.hpp"
#include "base/random.hpp"
#include "base/secure.hpp"

namespace cachet::crypto {

// TLS NamedGroup code points (RFC 8422 §5.1.1, RFC 8446 §4.2.7).
enum class NamedGroup : uint16_t {
  kSecp256r1 = 23,
  kSecp384r1 = 24,
  kX25519 = 29,
  kX448 = 30,
};

bool is_supported_group(uint16_t code) noexcept;
// Wire size of a public key: 65/97 (0x04 || X || Y) or 32/56 (u-coordinate).
size_t public_key_size(NamedGroup group) noexcept;
// Size of the shared secret: the field size (EC x-coordinate) or 32/56.
size_t shared_secret_size(NamedGroup group) noexcept;

class KeyShare {
 public:
  static Result<KeyShare> generate(NamedGroup group, Random& random);
  // From a known private key (tests, vectors). X25519/X448: the raw scalar
  // (32/56 bytes, clamped by the function as RFC 7748 says). EC: a big-endian
  // scalar in [1, n-1]; leading zero bytes are allowed.
  static Result<KeyShare> from_private(NamedGroup group, ByteSpan private_key);

  NamedGroup group() const noexcept { return group_; }
  ByteSpan public_key() const noexcept { return public_key_; }

  // The shared secret with a peer's wire-encoded public key. Rejected with
  // kInvalidPublicKey: a wrong length; for EC anything but an uncompressed
  // point on the curve (coordinates >= p, off-curve, infinity); for X25519/X448
  // an all-zero result (low-order points, RFC 7748 §6).
  Result<SecretBytes> derive(ByteSpan peer_public) const;

 private:
  KeyShare(NamedGroup group, SecretBytes private_key, Bytes public_key)
      : group_(group), private_key_(std::move(private_key)), public_key_(std::move(public_key)) {}

  NamedGroup group_;
  SecretBytes private_key_;  // X25519/X448 scalar, or EC big-endian scalar of field size
  Bytes public_key_;
};

}  // namespace cachet::crypto
