// X.509 certificates and chains, parsed by GnuTLS once at load time and then
// held as plain immutable values (no GnuTLS type leaks out of src/pki).
#pragma once

#include <cachet/error.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "crypto/signature.hpp"

namespace cachet::pki {

// Caps on what a loader accepts (a peer controls certificates it sends).
inline constexpr size_t kMaxCertificateSize = 64 * 1024;  // one DER certificate
inline constexpr size_t kMaxPemSize = 1024 * 1024;        // one PEM text
inline constexpr size_t kMaxChainLength = 16;             // certificates in a chain

// One attribute of a distinguished name, in certificate order.
struct NameAttribute {
  std::string oid;    // dotted, e.g. "2.5.4.3"
  std::string value;  // the string value as encoded (UTF-8 for the usual string types)
};

class DistinguishedName {
 public:
  DistinguishedName() = default;
  DistinguishedName(std::string one_line, std::vector<NameAttribute> attributes, Bytes der)
      : one_line_(std::move(one_line)), attributes_(std::move(attributes)), der_(std::move(der)) {}

  // RFC 4514 form, most significant RDN last ("CN=server.example,O=Cachet Test").
  const std::string& one_line() const noexcept { return one_line_; }
  const std::vector<NameAttribute>& attributes() const noexcept { return attributes_; }
  // The DER Name (what a CertificateRequest's certificate_authorities carries).
  const Bytes& der() const noexcept { return der_; }
  // The first value for an OID, if any.
  std::optional<std::string> find(std::string_view oid) const;
  std::optional<std::string> common_name() const { return find("2.5.4.3"); }

  friend bool operator==(const DistinguishedName& a, const DistinguishedName& b) { return a.der_ == b.der_; }

 private:
  std::string one_line_;
  std::vector<NameAttribute> attributes_;
  Bytes der_;
};

class Certificate {
 public:
  // Exactly one DER certificate (no trailing bytes), at most kMaxCertificateSize.
  static Result<Certificate> from_der(ByteSpan der);
  // The first CERTIFICATE block of a PEM text.
  static Result<Certificate> from_pem(std::string_view pem);
  // PEM when the input holds "-----BEGIN", DER otherwise.
  static Result<Certificate> load(ByteSpan data);

  const Bytes& der() const noexcept;
  std::string to_pem() const;

  const DistinguishedName& subject() const noexcept;
  const DistinguishedName& issuer() const noexcept;
  // Big-endian serial number as encoded (may carry a leading zero byte).
  const Bytes& serial() const noexcept;
  // Validity window, Unix seconds.
  int64_t not_before() const noexcept;
  int64_t not_after() const noexcept;
  // not_before() <= t < not_after(). RFC 5280 §4.1.2.5 makes notAfter
  // inclusive, but OpenSSL (whose verdicts the shim must reproduce) counts a
  // certificate as expired from its notAfter second on; the one-second
  // difference is not worth a disagreement.
  bool valid_at(int64_t unix_seconds) const noexcept {
    return not_before() <= unix_seconds && unix_seconds < not_after();
  }

  // DER SubjectPublicKeyInfo (GnuTLS's canonical encoding).
  const Bytes& subject_public_key_info() const noexcept;
  // The key type src/crypto handles, or nullopt (e.g. a P-521 or DSA CA).
  std::optional<crypto::KeyType> key_type() const noexcept;
  // The certificate's public key as a verifier for handshake signatures.
  Result<crypto::VerifyingKey> verifying_key() const;

  // subjectAltName entries: dNSName strings and iPAddress bytes (4 or 16).
  const std::vector<std::string>& dns_names() const noexcept;
  const std::vector<Bytes>& ip_addresses() const noexcept;

  // basicConstraints cA = TRUE.
  bool is_ca() const noexcept;
  // Subject and issuer names are equal (a root, or a self-signed leaf).
  bool is_self_issued() const noexcept;

  friend bool operator==(const Certificate& a, const Certificate& b) { return a.der() == b.der(); }

  struct Data;

 private:
  explicit Certificate(std::shared_ptr<const Data> data) noexcept : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;  // immutable, so copies share it
};

// A certificate chain as sent in a Certificate message: leaf first.
class CertificateChain {
 public:
  CertificateChain() = default;
  explicit CertificateChain(std::vector<Certificate> certificates) : certificates_(std::move(certificates)) {}

  // Every CERTIFICATE block of a PEM text, in order; at least one, at most kMaxChainLength.
  static Result<CertificateChain> from_pem(std::string_view pem);
  // A list of DER certificates (e.g. from a handshake message).
  static Result<CertificateChain> from_der_list(const std::vector<ByteSpan>& ders);

  bool empty() const noexcept { return certificates_.empty(); }
  size_t size() const noexcept { return certificates_.size(); }
  const Certificate& leaf() const noexcept { return certificates_.front(); }
  const Certificate& operator[](size_t i) const noexcept { return certificates_[i]; }
  const std::vector<Certificate>& certificates() const noexcept { return certificates_; }
  std::string to_pem() const;

 private:
  std::vector<Certificate> certificates_;
};

// Reads a whole file of at most kMaxPemSize bytes (certificates, keys).
Result<Bytes> read_pki_file(const std::string& path);

}  // namespace cachet::pki
