#include <cachet/info.hpp>

#include "crypto/key_exchange.hpp"
#include "crypto/signature.hpp"
#include "pki/certificate.hpp"
#include "pki/fingerprint.hpp"

namespace cachet {

std::string_view group_name(uint16_t group) noexcept {
  switch (static_cast<crypto::NamedGroup>(group)) {
    case crypto::NamedGroup::kSecp256r1: return "secp256r1";
    case crypto::NamedGroup::kSecp384r1: return "secp384r1";
    case crypto::NamedGroup::kX25519: return "x25519";
    case crypto::NamedGroup::kX448: return "x448";
  }
  return "";
}

std::string_view signature_scheme_name(uint16_t scheme) noexcept {
  using S = crypto::SignatureScheme;
  switch (static_cast<S>(scheme)) {
    case S::kRsaPkcs1Sha1: return "rsa_pkcs1_sha1";
    case S::kRsaPkcs1Sha256: return "rsa_pkcs1_sha256";
    case S::kRsaPkcs1Sha384: return "rsa_pkcs1_sha384";
    case S::kEcdsaSecp256r1Sha256: return "ecdsa_secp256r1_sha256";
    case S::kEcdsaSecp384r1Sha384: return "ecdsa_secp384r1_sha384";
    case S::kRsaPssRsaeSha256: return "rsa_pss_rsae_sha256";
    case S::kRsaPssRsaeSha384: return "rsa_pss_rsae_sha384";
    case S::kEd25519: return "ed25519";
  }
  return "";
}

Result<CertificateSummary> describe_certificate(std::span<const uint8_t> der) {
  CACHET_ASSIGN_OR_RETURN(pki::Certificate cert, pki::Certificate::from_der(der));
  CertificateSummary s;
  s.subject = cert.subject().one_line();
  s.issuer = cert.issuer().one_line();
  s.sha256_fingerprint = pki::fingerprint_hex(cert, crypto::HashAlgorithm::kSha256);
  return s;
}

}  // namespace cachet
