// Cachet — names and descriptions for diagnostics (CLI, logs).
#pragma once

#include <cachet/error.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace cachet {

// "x25519", "secp256r1", ... ("" when unknown).
CACHET_EXPORT std::string_view group_name(uint16_t group) noexcept;
// "ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256", ... ("" when unknown).
CACHET_EXPORT std::string_view signature_scheme_name(uint16_t scheme) noexcept;

struct CertificateSummary {
  std::string subject;             // RFC 4514 one-line form
  std::string issuer;
  std::string sha256_fingerprint;  // "AB:CD:..." (what SDP's a=fingerprint carries)
};
CACHET_EXPORT Result<CertificateSummary> describe_certificate(std::span<const uint8_t> der);

}  // namespace cachet
