// Self-signed certificates for WebRTC-style endpoints (RFC 8827 §6.5: each
// endpoint makes its own and is identified by the fingerprint).
#pragma once

#include <cachet/error.hpp>

#include <string>

#include "base/bytes.hpp"
#include "base/clock.hpp"
#include "base/random.hpp"
#include "crypto/signature.hpp"
#include "pki/certificate.hpp"
#include "pki/private_key.hpp"

namespace cachet::pki {

struct SelfSignedOptions {
  crypto::KeyType key_type = crypto::KeyType::kEcP256;  // P-256, RSA or Ed25519 (P-384 works too)
  size_t rsa_bits = 2048;
  std::string common_name = "WebRTC";
  // Big-endian, 1..20 bytes; empty: 16 random bytes (positive).
  Bytes serial;
  // Validity window, Unix seconds; not_after must be later than not_before.
  int64_t not_before = 0;
  int64_t not_after = 0;

  // CN "WebRTC", valid from a day before now for `days` days.
  static SelfSignedOptions webrtc(const Clock& clock, crypto::KeyType type, int days = 30);
};

struct SelfSignedCredential {
  Certificate certificate;
  PrivateKey key;
};

// A fresh key (from `random`) and a certificate signed by it: X.509 v3,
// subject = issuer = CN, SHA-256 signatures (Ed25519 signs the message itself).
Result<SelfSignedCredential> generate_self_signed(const SelfSignedOptions& options, Random& random);

}  // namespace cachet::pki
