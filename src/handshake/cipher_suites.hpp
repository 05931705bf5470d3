// The DTLS 1.2 cipher suites Cachet implements: AEAD only, forward-secret
// ECDHE or PSK. No CBC, RC4, export, NULL or static RSA (RFC 7525 §4.2,
// RFC 9325).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "crypto/aead.hpp"
#include "crypto/hash.hpp"
#include "handshake/types.hpp"

namespace cachet::handshake {

// How the server authenticates in a suite.
enum class Authentication : uint8_t { kEcdsa, kRsa, kPsk };

struct CipherSuite {
  uint16_t code;
  std::string_view iana_name;
  std::string_view openssl_name;
  KeyExchangeKind key_exchange;
  Authentication authentication;
  crypto::AeadAlgorithm aead;
  crypto::HashAlgorithm prf_hash;
};

// All supported suites, in Cachet's default preference order.
std::span<const CipherSuite> supported_cipher_suites() noexcept;
const CipherSuite* find_cipher_suite(uint16_t code) noexcept;
// By IANA or OpenSSL name (case-insensitive), e.g. "ECDHE-ECDSA-AES128-GCM-SHA256".
const CipherSuite* find_cipher_suite(std::string_view name) noexcept;

// RFC 5746 §3.3: the signalling cipher suite value, and RFC 7507 fallback.
inline constexpr uint16_t kEmptyRenegotiationInfoScsv = 0x00ff;
inline constexpr uint16_t kFallbackScsv = 0x5600;

}  // namespace cachet::handshake
