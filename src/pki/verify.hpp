// Certificate chain verification: GnuTLS checks signatures, CA constraints,
// key purpose and revocation; time comes from the injected Clock; the result
// names the one reason a chain failed, in the order OpenSSL's verifier reports
// it, so the handshake can send the right alert and the shim the right
// X509_V_ERR_* code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/clock.hpp"
#include "pki/certificate.hpp"
#include "pki/trust_store.hpp"

namespace cachet::pki {

enum class Purpose : uint8_t {
  kAny,         // no extended key usage check
  kServerAuth,  // id-kp-serverAuth (RFC 5280 §4.2.1.12)
  kClientAuth,  // id-kp-clientAuth
};

struct VerifyOptions {
  Purpose purpose = Purpose::kServerAuth;
  // DNS name the leaf must carry (RFC 6125); empty: not checked.
  std::string host_name;
  // IP address (4 or 16 bytes) the leaf must carry; empty: not checked.
  Bytes ip_address;
  // Most intermediate CA certificates allowed between the leaf and the trust
  // anchor (neither counts), as OpenSSL's verify depth.
  int max_depth = 100;
};

enum class VerifyStatus : uint8_t {
  kOk,
  kEmptyChain,
  kUnknownIssuer,         // no trust anchor for the last certificate
  kSelfSignedLeaf,        // a lone self-signed certificate that is not trusted
  kSelfSignedInChain,     // the chain ends in an untrusted self-signed root
  kChainTooLong,          // more intermediates than max_depth
  kInvalidCa,             // an issuer is not a CA (basicConstraints/keyUsage)
  kPathLengthExceeded,    // a CA's pathLenConstraint is violated
  kWrongPurpose,          // extended key usage or key usage does not allow the purpose
  kHostnameMismatch,
  kIpAddressMismatch,
  kRevoked,
  kBadSignature,
  kInsecureAlgorithm,     // signature algorithm or key size GnuTLS refuses
  kNotYetValid,
  kExpired,
  kUnhandledCriticalExtension,
  kRejected,              // any other GnuTLS verdict
  kInternalError,
};

struct VerifyResult {
  VerifyStatus status = VerifyStatus::kInternalError;
  // Position of the certificate at fault in the verified path (0 = leaf; the
  // trust anchor is path.size() - 1), or -1 when none applies.
  int depth = -1;
  // The path as verified (leaf first, trust anchor last when one was found).
  std::vector<Certificate> path;

  bool ok() const noexcept { return status == VerifyStatus::kOk; }
};

[[nodiscard]] VerifyResult verify_chain(const CertificateChain& chain, const TrustStore& trust,
                                        const VerifyOptions& options, const Clock& clock);

std::string_view verify_status_name(VerifyStatus status) noexcept;
// The OpenSSL X509_V_ERR_* number for a status (X509_V_OK is 0).
int x509_verify_error(VerifyStatus status) noexcept;
// The TLS alert description to send for a status (RFC 8446 §6.2 numbers).
uint8_t alert_for(VerifyStatus status) noexcept;

}  // namespace cachet::pki
