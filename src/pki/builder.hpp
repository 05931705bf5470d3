// Building and signing X.509 certificates. The TBSCertificate is encoded
// here, field by field, because GnuTLS's gnutls_x509_crt_* setters cannot
// express what OpenSSL programs build: serial number 0 (GStreamer's DTLS
// certificates), an issuer name without an issuer certificate, an exact name
// encoding (string types, multi-valued RDNs). GnuTLS signs the encoding and
// parses the result back, so nothing leaves here that GnuTLS would refuse.
#pragma once

#include <cachet/error.hpp>

#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "pki/certificate.hpp"
#include "pki/key_ops.hpp"
#include "pki/private_key.hpp"

namespace cachet::pki {

inline constexpr size_t kMaxSerialOctets = 20;  // RFC 5280 §4.1.2.2

struct CertificateTemplate {
  struct Extension {
    std::string oid;  // dotted
    bool critical = false;
    Bytes value;      // extnValue content
  };

  int version = 2;      // 0-based: 2 is X.509 v3
  Bytes serial;         // non-negative magnitude, big-endian; empty is zero
  int64_t not_before = 0;
  int64_t not_after = 0;
  Bytes issuer;         // encoded Name
  Bytes subject;        // encoded Name
  Bytes spki;           // encoded SubjectPublicKeyInfo
  std::vector<Extension> extensions;
};

// Signs with `issuer_key`: ECDSA or RSA PKCS#1 v1.5 with `digest` (kNone
// means SHA-256), Ed25519 with kNone only.
Result<Certificate> sign_certificate(const CertificateTemplate& tbs, const PrivateKey& issuer_key, Digest digest);

// The DER value of a basicConstraints extension (RFC 5280 §4.2.1.9).
Bytes basic_constraints_value(bool ca, int path_len);

}  // namespace cachet::pki
