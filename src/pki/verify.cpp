#include "pki/verify.hpp"

#include "crypto/operation_counts.hpp"

#include "pki/gnutls_util.hpp"
#include "pki/trust_store_impl.hpp"

namespace cachet::pki {

namespace {

// The chain under verification: the presented certificates in path order
// (leaf first, each followed by its issuer), then the trust anchor.
struct Path {
  std::vector<detail::CrtPtr> certs;  // certs[0] is the leaf
  std::vector<size_t> presented_at;   // certs[i] is chain[presented_at[i]]
  detail::CrtPtr anchor;              // null when no trust anchor was found
  bool leaf_is_anchor = false;        // a lone certificate that is itself trusted
};

VerifyResult fail(VerifyStatus status, int depth) {
  VerifyResult r;
  r.status = status;
  r.depth = depth;
  return r;
}

bool same_certificate(gnutls_x509_crt_t a, gnutls_x509_crt_t b) {
  return gnutls_x509_crt_equals(a, b) != 0;
}

// Follows issuers from the leaf through the presented certificates (in any
// order) until one is issued by a trust anchor. GnuTLS decides "is issued
// by"; signatures are checked later.
Result<Path> build_path(const CertificateChain& chain, gnutls_x509_trust_list_t trust) {
  std::vector<detail::CrtPtr> presented;
  for (const Certificate& c : chain.certificates()) {
    CACHET_ASSIGN_OR_RETURN(detail::CrtPtr crt, detail::import_crt_der(c.der()));
    presented.push_back(std::move(crt));
  }
  std::vector<bool> used(presented.size(), false);
  Path path;
  path.certs.push_back(std::move(presented[0]));
  path.presented_at.push_back(0);
  used[0] = true;
  while (path.certs.size() <= kMaxChainLength) {
    gnutls_x509_crt_t current = path.certs.back().get();
    gnutls_x509_crt_t issuer = nullptr;
    if (gnutls_x509_trust_list_get_issuer(trust, current, &issuer, GNUTLS_TL_GET_COPY) >= 0) {
      detail::CrtPtr anchor(issuer);
      if (same_certificate(anchor.get(), current)) {
        // The presented certificate is a trust anchor itself.
        if (path.certs.size() == 1) {
          path.leaf_is_anchor = true;
        } else {
          path.certs.pop_back();
          path.presented_at.pop_back();
        }
      }
      path.anchor = std::move(anchor);
      return path;
    }
    if (gnutls_x509_crt_check_issuer(current, current)) return path;  // an untrusted root ends the path
    size_t next = presented.size();
    for (size_t i = 0; i < presented.size(); ++i) {
      if (!used[i] && gnutls_x509_crt_check_issuer(current, presented[i].get())) {
        next = i;
        break;
      }
    }
    if (next == presented.size()) return path;
    used[next] = true;
    path.certs.push_back(std::move(presented[next]));
    path.presented_at.push_back(next);
  }
  return path;
}

// Certificate at position i of the full path (the anchor after the presented ones).
gnutls_x509_crt_t at(const Path& path, size_t i) {
  return i < path.certs.size() ? path.certs[i].get() : path.anchor.get();
}

size_t full_length(const Path& path) {
  return path.certs.size() + (path.anchor && !path.leaf_is_anchor ? 1 : 0);
}

// Index of the first CA from the top whose pathLenConstraint is exceeded
// (RFC 5280 §4.2.1.9: the number of non-self-issued intermediates below it).
int path_length_violation(const Path& path) {
  const size_t n = full_length(path);
  for (size_t i = n; i-- > 1;) {
    unsigned critical = 0, ca = 0;
    int path_len = -1;
    if (gnutls_x509_crt_get_basic_constraints(at(path, i), &critical, &ca, &path_len) <= 0) continue;
    size_t below = 0;
    for (size_t j = 1; j < i; ++j) {
      if (!gnutls_x509_crt_check_issuer(at(path, j), at(path, j))) ++below;
    }
    if (path_len >= 0 && below > static_cast<size_t>(path_len)) return static_cast<int>(i);
  }
  return -1;
}

// Index of the first issuer from the top that is not a CA.
int invalid_ca(const Path& path) {
  const size_t n = full_length(path);
  for (size_t i = n; i-- > 1;) {
    unsigned critical = 0;
    if (gnutls_x509_crt_get_basic_constraints(at(path, i), &critical, nullptr, nullptr) <= 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// Key usage of the leaf must allow the purpose when it is present (what
// OpenSSL's sslserver/sslclient purposes require).
bool key_usage_allows(gnutls_x509_crt_t leaf, Purpose purpose) {
  if (purpose == Purpose::kAny) return true;
  unsigned usage = 0, critical = 0;
  if (gnutls_x509_crt_get_key_usage(leaf, &usage, &critical) < 0) return true;  // absent
  unsigned allowed = GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_AGREEMENT;
  if (purpose == Purpose::kServerAuth) allowed |= GNUTLS_KEY_KEY_ENCIPHERMENT;
  return (usage & allowed) != 0;
}

VerifyResult check_names(gnutls_x509_crt_t leaf, const VerifyOptions& options) {
  if (!options.host_name.empty() && !gnutls_x509_crt_check_hostname2(leaf, options.host_name.c_str(), 0)) {
    return fail(VerifyStatus::kHostnameMismatch, 0);
  }
  if (!options.ip_address.empty()) {
    if (options.ip_address.size() != 4 && options.ip_address.size() != 16) {
      return fail(VerifyStatus::kIpAddressMismatch, 0);
    }
    if (!gnutls_x509_crt_check_ip(leaf, options.ip_address.data(), static_cast<unsigned>(options.ip_address.size()), 0)) {
      return fail(VerifyStatus::kIpAddressMismatch, 0);
    }
  }
  return fail(VerifyStatus::kOk, -1);
}

// Signatures and validity, from the trust anchor down to the leaf (the order
// OpenSSL walks the chain in, so both report the same certificate first).
VerifyResult check_signatures_and_times(const Path& path, unsigned gnutls_status, int64_t now) {
  const size_t n = full_length(path);
  constexpr unsigned kNoTime = GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS;
  for (size_t i = n; i-- > 0;) {
    gnutls_x509_crt_t cert = at(path, i);
    if (i + 1 < n && (gnutls_status & GNUTLS_CERT_SIGNATURE_FAILURE)) {
      gnutls_x509_crt_t issuer = at(path, i + 1);
      unsigned link = 0;
      if (gnutls_x509_crt_verify(cert, &issuer, 1, kNoTime, &link) < 0 || (link & GNUTLS_CERT_SIGNATURE_FAILURE)) {
        return fail(VerifyStatus::kBadSignature, static_cast<int>(i));
      }
    }
    // Valid for notBefore <= now < notAfter, as Certificate::valid_at says.
    if (now < static_cast<int64_t>(gnutls_x509_crt_get_activation_time(cert))) {
      return fail(VerifyStatus::kNotYetValid, static_cast<int>(i));
    }
    if (now >= static_cast<int64_t>(gnutls_x509_crt_get_expiration_time(cert))) {
      return fail(VerifyStatus::kExpired, static_cast<int>(i));
    }
  }
  if (gnutls_status & GNUTLS_CERT_SIGNATURE_FAILURE) return fail(VerifyStatus::kBadSignature, 0);
  return fail(VerifyStatus::kOk, -1);
}

VerifyResult evaluate(const Path& path, const TrustStore& trust, const VerifyOptions& options, int64_t now) {
  const size_t n = full_length(path);
  if (!path.anchor) {
    gnutls_x509_crt_t last = path.certs.back().get();
    const int depth = static_cast<int>(path.certs.size()) - 1;
    if (!gnutls_x509_crt_check_issuer(last, last)) return fail(VerifyStatus::kUnknownIssuer, depth);
    return fail(depth == 0 ? VerifyStatus::kSelfSignedLeaf : VerifyStatus::kSelfSignedInChain, depth);
  }
  // Intermediates are everything between the leaf and the anchor.
  const size_t intermediates = n >= 2 ? n - 2 : 0;
  if (options.max_depth >= 0 && intermediates > static_cast<size_t>(options.max_depth)) {
    return fail(VerifyStatus::kChainTooLong, options.max_depth + 1);
  }

  std::vector<gnutls_x509_crt_t> list;
  for (const auto& c : path.certs) list.push_back(c.get());
  const char* purpose_oid = options.purpose == Purpose::kServerAuth   ? GNUTLS_KP_TLS_WWW_SERVER
                            : options.purpose == Purpose::kClientAuth ? GNUTLS_KP_TLS_WWW_CLIENT
                                                                      : nullptr;
  gnutls_typed_vdata_st data{GNUTLS_DT_KEY_PURPOSE_OID,
                             reinterpret_cast<unsigned char*>(const_cast<char*>(purpose_oid)), 0};
  // Time is ours (the injected Clock), not GnuTLS's.
  const unsigned flags = GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS;
  unsigned status = 0;
  const int rc = gnutls_x509_trust_list_verify_crt2(trust.impl().list, list.data(), static_cast<unsigned>(list.size()),
                                                    purpose_oid ? &data : nullptr, purpose_oid ? 1 : 0, flags,
                                                    &status, nullptr);
  if (rc < 0) return fail(VerifyStatus::kInternalError, -1);

  // OpenSSL's order: CA and path-length checks, purpose, names, revocation,
  // then signatures and times.
  if (status & GNUTLS_CERT_SIGNER_NOT_CA) return fail(VerifyStatus::kInvalidCa, invalid_ca(path));
  if (status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE) {
    const int at_depth = path_length_violation(path);
    if (at_depth >= 0) return fail(VerifyStatus::kPathLengthExceeded, at_depth);
    return fail(VerifyStatus::kInvalidCa, invalid_ca(path));
  }
  if ((status & GNUTLS_CERT_PURPOSE_MISMATCH) || !key_usage_allows(path.certs[0].get(), options.purpose)) {
    return fail(VerifyStatus::kWrongPurpose, 0);
  }
  if (VerifyResult names = check_names(path.certs[0].get(), options); !names.ok()) return names;
  if (status & GNUTLS_CERT_REVOKED) return fail(VerifyStatus::kRevoked, 0);
  if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) return fail(VerifyStatus::kUnknownIssuer, static_cast<int>(n) - 1);
  if (VerifyResult st = check_signatures_and_times(path, status, now); !st.ok()) return st;
  if (status & GNUTLS_CERT_INSECURE_ALGORITHM) return fail(VerifyStatus::kInsecureAlgorithm, 0);
  if (status & GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS) return fail(VerifyStatus::kUnhandledCriticalExtension, 0);
  if (status & GNUTLS_CERT_INVALID) return fail(VerifyStatus::kRejected, 0);
  return fail(VerifyStatus::kOk, -1);
}

// The path as Certificates. The presented ones are the chain's own objects
// (parsed once, by the caller); the anchor comes from the store's cache of
// parsed anchors, so a handshake parses no certificate twice.
Result<std::vector<Certificate>> to_certificates(const Path& path, const CertificateChain& chain,
                                                 const TrustStore& trust) {
  std::vector<Certificate> out;
  out.reserve(full_length(path));
  for (size_t i = 0; i < full_length(path); ++i) {
    if (i < path.certs.size()) {
      out.push_back(chain[path.presented_at[i]]);
      continue;
    }
    detail::Datum der;
    if (int rc = gnutls_x509_crt_export2(at(path, i), GNUTLS_X509_FMT_DER, der.get()); rc < 0) {
      return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: cannot export path certificate");
    }
    CACHET_ASSIGN_OR_RETURN(Certificate cert, trust.impl().parsed_anchor(der.span()));
    out.push_back(std::move(cert));
  }
  return out;
}

}  // namespace

VerifyResult verify_chain(const CertificateChain& chain, const TrustStore& trust, const VerifyOptions& options,
                          const Clock& clock) {
  ++crypto::public_key_operations().chain_verifications;
  if (chain.empty()) return fail(VerifyStatus::kEmptyChain, -1);
  if (chain.size() > kMaxChainLength) return fail(VerifyStatus::kChainTooLong, static_cast<int>(kMaxChainLength));
  auto path = build_path(chain, trust.impl().list);
  if (!path) return fail(VerifyStatus::kInternalError, -1);
  VerifyResult result = evaluate(*path, trust, options, clock.unix_seconds());
  if (auto certs = to_certificates(*path, chain, trust)) result.path = std::move(certs).value();
  return result;
}

std::string_view verify_status_name(VerifyStatus status) noexcept {
  switch (status) {
    case VerifyStatus::kOk: return "ok";
    case VerifyStatus::kEmptyChain: return "empty certificate chain";
    case VerifyStatus::kUnknownIssuer: return "unknown issuer";
    case VerifyStatus::kSelfSignedLeaf: return "self-signed certificate";
    case VerifyStatus::kSelfSignedInChain: return "self-signed certificate in chain";
    case VerifyStatus::kChainTooLong: return "certificate chain too long";
    case VerifyStatus::kInvalidCa: return "issuer is not a CA";
    case VerifyStatus::kPathLengthExceeded: return "path length constraint exceeded";
    case VerifyStatus::kWrongPurpose: return "unsuitable certificate purpose";
    case VerifyStatus::kHostnameMismatch: return "hostname mismatch";
    case VerifyStatus::kIpAddressMismatch: return "IP address mismatch";
    case VerifyStatus::kRevoked: return "certificate revoked";
    case VerifyStatus::kBadSignature: return "certificate signature failure";
    case VerifyStatus::kInsecureAlgorithm: return "insecure signature algorithm or key";
    case VerifyStatus::kNotYetValid: return "certificate is not yet valid";
    case VerifyStatus::kExpired: return "certificate has expired";
    case VerifyStatus::kUnhandledCriticalExtension: return "unhandled critical extension";
    case VerifyStatus::kRejected: return "certificate rejected";
    case VerifyStatus::kInternalError: return "internal error";
  }
  return "unknown";
}

int x509_verify_error(VerifyStatus status) noexcept {
  switch (status) {
    case VerifyStatus::kOk: return 0;                          // X509_V_OK
    case VerifyStatus::kEmptyChain: return 1;                  // X509_V_ERR_UNSPECIFIED
    case VerifyStatus::kUnknownIssuer: return 20;              // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    case VerifyStatus::kSelfSignedLeaf: return 18;             // X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
    case VerifyStatus::kSelfSignedInChain: return 19;          // X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
    case VerifyStatus::kChainTooLong: return 22;               // X509_V_ERR_CERT_CHAIN_TOO_LONG
    case VerifyStatus::kInvalidCa: return 24;                  // X509_V_ERR_INVALID_CA
    case VerifyStatus::kPathLengthExceeded: return 25;         // X509_V_ERR_PATH_LENGTH_EXCEEDED
    case VerifyStatus::kWrongPurpose: return 26;               // X509_V_ERR_INVALID_PURPOSE
    case VerifyStatus::kHostnameMismatch: return 62;           // X509_V_ERR_HOSTNAME_MISMATCH
    case VerifyStatus::kIpAddressMismatch: return 64;          // X509_V_ERR_IP_ADDRESS_MISMATCH
    case VerifyStatus::kRevoked: return 23;                    // X509_V_ERR_CERT_REVOKED
    case VerifyStatus::kBadSignature: return 7;                // X509_V_ERR_CERT_SIGNATURE_FAILURE
    case VerifyStatus::kInsecureAlgorithm: return 68;          // X509_V_ERR_CA_MD_TOO_WEAK
    case VerifyStatus::kNotYetValid: return 9;                 // X509_V_ERR_CERT_NOT_YET_VALID
    case VerifyStatus::kExpired: return 10;                    // X509_V_ERR_CERT_HAS_EXPIRED
    case VerifyStatus::kUnhandledCriticalExtension: return 34; // X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION
    case VerifyStatus::kRejected: return 28;                   // X509_V_ERR_CERT_REJECTED
    case VerifyStatus::kInternalError: return 1;               // X509_V_ERR_UNSPECIFIED
  }
  return 1;
}

uint8_t alert_for(VerifyStatus status) noexcept {
  constexpr uint8_t kBadCertificate = 42, kUnsupportedCertificate = 43, kCertificateRevoked = 44,
                    kCertificateExpired = 45, kUnknownCa = 48, kDecryptError = 51, kInternalError = 80;
  switch (status) {
    case VerifyStatus::kOk: return 0;
    case VerifyStatus::kUnknownIssuer:
    case VerifyStatus::kSelfSignedLeaf:
    case VerifyStatus::kSelfSignedInChain:
    case VerifyStatus::kChainTooLong:
    case VerifyStatus::kInvalidCa:
    case VerifyStatus::kPathLengthExceeded: return kUnknownCa;
    case VerifyStatus::kWrongPurpose:
    case VerifyStatus::kUnhandledCriticalExtension: return kUnsupportedCertificate;
    case VerifyStatus::kRevoked: return kCertificateRevoked;
    case VerifyStatus::kBadSignature: return kDecryptError;
    case VerifyStatus::kExpired: return kCertificateExpired;
    case VerifyStatus::kInternalError: return kInternalError;
    case VerifyStatus::kEmptyChain:
    case VerifyStatus::kHostnameMismatch:
    case VerifyStatus::kIpAddressMismatch:
    case VerifyStatus::kInsecureAlgorithm:
    case VerifyStatus::kNotYetValid:
    case VerifyStatus::kRejected: return kBadCertificate;
  }
  return kBadCertificate;
}

}  // namespace cachet::pki
