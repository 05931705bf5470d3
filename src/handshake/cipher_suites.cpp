#include "handshake/cipher_suites.hpp"

#include <algorithm>
#include <cctype>

namespace cachet::handshake {

namespace {

using A = crypto::AeadAlgorithm;
using H = crypto::HashAlgorithm;
using K = KeyExchangeKind;
using Auth = Authentication;

// RFC 5289 (GCM), RFC 7905 (ChaCha20), RFC 7251 (CCM), RFC 5487/6655 (PSK),
// RFC 8442 (ECDHE-PSK AEAD). Order: strongest and most widely deployed first.
constexpr CipherSuite kSuites[] = {
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", K::kEcdhe, Auth::kEcdsa, A::kAes128Gcm, H::kSha256},
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", K::kEcdhe, Auth::kEcdsa, A::kAes256Gcm, H::kSha384},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", K::kEcdhe, Auth::kEcdsa, A::kChaCha20Poly1305, H::kSha256},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", K::kEcdhe, Auth::kRsa, A::kAes128Gcm, H::kSha256},
    {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", K::kEcdhe, Auth::kRsa, A::kAes256Gcm, H::kSha384},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", K::kEcdhe, Auth::kRsa, A::kChaCha20Poly1305, H::kSha256},
    {0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "ECDHE-ECDSA-AES128-CCM", K::kEcdhe, Auth::kEcdsa, A::kAes128Ccm, H::kSha256},
    {0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "ECDHE-ECDSA-AES128-CCM8", K::kEcdhe, Auth::kEcdsa, A::kAes128Ccm8, H::kSha256},
    {0xd001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256", "ECDHE-PSK-AES128-GCM-SHA256", K::kEcdhePsk, Auth::kPsk, A::kAes128Gcm, H::kSha256},
    {0xccac, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-PSK-CHACHA20-POLY1305", K::kEcdhePsk, Auth::kPsk, A::kChaCha20Poly1305, H::kSha256},
    {0xd003, "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256", "ECDHE-PSK-AES128-CCM8-SHA256", K::kEcdhePsk, Auth::kPsk, A::kAes128Ccm8, H::kSha256},
    {0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK-AES128-GCM-SHA256", K::kPsk, Auth::kPsk, A::kAes128Gcm, H::kSha256},
    {0xccab, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", "PSK-CHACHA20-POLY1305", K::kPsk, Auth::kPsk, A::kChaCha20Poly1305, H::kSha256},
    {0xc0a8, "TLS_PSK_WITH_AES_128_CCM_8", "PSK-AES128-CCM8", K::kPsk, Auth::kPsk, A::kAes128Ccm8, H::kSha256},
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::span<const CipherSuite> supported_cipher_suites() noexcept { return kSuites; }

const CipherSuite* find_cipher_suite(uint16_t code) noexcept {
  for (const auto& s : kSuites) {
    if (s.code == code) return &s;
  }
  return nullptr;
}

const CipherSuite* find_cipher_suite(std::string_view name) noexcept {
  for (const auto& s : kSuites) {
    if (iequals(s.iana_name, name) || iequals(s.openssl_name, name)) return &s;
  }
  return nullptr;
}

}  // namespace cachet::handshake
