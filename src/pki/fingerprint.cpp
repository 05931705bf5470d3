#include "pki/fingerprint.hpp"

namespace cachet::pki {

Bytes fingerprint(const Certificate& certificate, crypto::HashAlgorithm algorithm) {
  return crypto::hash(algorithm, certificate.der());
}

std::string fingerprint_hex(const Certificate& certificate, crypto::HashAlgorithm algorithm) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (uint8_t b : fingerprint(certificate, algorithm)) {
    if (!out.empty()) out.push_back(':');
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

std::string_view fingerprint_hash_name(crypto::HashAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case crypto::HashAlgorithm::kSha1: return "sha-1";
    case crypto::HashAlgorithm::kSha256: return "sha-256";
    case crypto::HashAlgorithm::kSha384: return "sha-384";
  }
  return "";
}

std::string sdp_fingerprint(const Certificate& certificate, crypto::HashAlgorithm algorithm) {
  return std::string(fingerprint_hash_name(algorithm)) + " " + fingerprint_hex(certificate, algorithm);
}

}  // namespace cachet::pki
