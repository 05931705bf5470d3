// Cachet — certificates, keys and names: the X.509 subset a DTLS program
// needs (load, inspect, print, fingerprint and verify certificates; generate,
// load and store keys; build and sign certificates, e.g. a WebRTC endpoint's
// self-signed one).
//
//   auto key = cachet::PrivateKey::generate(cachet::KeyType::kEcP256);
//   cachet::Name name;
//   if (!name.add("CN", "endpoint")) ...;
//   const std::vector<uint8_t> serial = {0x01};
//   auto cert = cachet::CertificateBuilder()
//                   .set_serial(serial).set_not_before(now).set_not_after(now + 86400 * 30)
//                   .set_subject(name).set_issuer(name).set_public_key(key->public_key())
//                   .sign(*key, "SHA256");
//
// Every class is a cheap handle to immutable state: copies share it. Name is
// the one value that can be edited (add/remove); an edit copies first, so
// other copies never change.
//
// Hash names, wherever one is taken: "SHA1", "SHA224", "SHA256", "SHA384",
// "SHA512" (case-insensitive, with or without a dash: "sha-256"); "MD5" only
// for fingerprints; "" where the key type fixes the hash (Ed25519).
#pragma once

#include <cachet/error.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cachet {

enum class KeyType : uint8_t { kEcP256, kEcP384, kEd25519, kRsa };

// "P-256", "P-384", "Ed25519", "RSA".
CACHET_EXPORT std::string_view key_type_name(KeyType type) noexcept;

class Certificate;

// A public key (SubjectPublicKeyInfo) of one of the KeyTypes.
class CACHET_EXPORT PublicKey {
 public:
  // A DER SubjectPublicKeyInfo; kept in a canonical encoding, so equal keys
  // have equal spki_der().
  static Result<PublicKey> from_spki_der(std::span<const uint8_t> der);
  // The first "-----BEGIN PUBLIC KEY-----" block.
  static Result<PublicKey> from_pem(std::string_view pem);

  const std::vector<uint8_t>& spki_der() const noexcept;
  std::string to_pem() const;
  KeyType type() const noexcept;
  // As OpenSSL's EVP_PKEY_get_bits: RSA modulus bits, 256, 384, 253 (Ed25519).
  int bits() const noexcept;
  // As EVP_PKEY_get_security_bits: 112 for RSA-2048, 128 for P-256 and Ed25519.
  int security_bits() const noexcept;

  // Checks `signature` over `data` (ECDSA: DER; RSA: PKCS#1 v1.5; Ed25519:
  // hash ""). kInvalidSignature when it does not verify.
  [[nodiscard]] Result<void> verify(std::string_view hash, std::span<const uint8_t> data,
                                    std::span<const uint8_t> signature) const;

  bool operator==(const PublicKey& other) const noexcept;

  struct Impl;

 private:
  friend struct PkiApiAccess;
  explicit PublicKey(std::shared_ptr<const Impl> impl) noexcept;
  std::shared_ptr<const Impl> impl_;
};

// A private key. Key material is wiped when the last copy goes away; the
// strings returned by the export functions are the caller's to wipe.
class CACHET_EXPORT PrivateKey {
 public:
  // A fresh key from the system CSPRNG; rsa_bits 2048..4096 for kRsa.
  static Result<PrivateKey> generate(KeyType type, size_t rsa_bits = 2048);
  // The first PEM private key block: "PRIVATE KEY", "ENCRYPTED PRIVATE KEY"
  // (needs the passphrase; a wrong or missing one is kAuthenticationFailed),
  // "EC PRIVATE KEY" or "RSA PRIVATE KEY".
  static Result<PrivateKey> from_pem(std::string_view pem, std::string_view passphrase = {});
  // DER PKCS#8 (plain, or encrypted when a passphrase is given), SEC1 or PKCS#1.
  static Result<PrivateKey> from_der(std::span<const uint8_t> der, std::string_view passphrase = {});

  // Unencrypted PKCS#8, as OpenSSL 3's PEM_write_PrivateKey writes it.
  std::string to_pem() const;
  std::vector<uint8_t> to_der() const;
  // PKCS#8 encrypted with PBES2 (AES-256-CBC, PBKDF2-HMAC-SHA256).
  Result<std::string> to_encrypted_pem(std::string_view passphrase) const;
  // "EC PRIVATE KEY" (SEC1) or "RSA PRIVATE KEY" (PKCS#1); kUnsupported for
  // Ed25519, which has no such form.
  Result<std::string> to_traditional_pem() const;

  PublicKey public_key() const;
  KeyType type() const noexcept;
  int bits() const noexcept;
  int security_bits() const noexcept;
  // The certificate (or public key) carries this key's public half.
  bool matches(const Certificate& certificate) const noexcept;
  bool matches(const PublicKey& key) const noexcept;

  // Signs `data`: ECDSA (DER signature) and RSA PKCS#1 v1.5 with the named
  // hash; Ed25519 with hash "".
  Result<std::vector<uint8_t>> sign(std::string_view hash, std::span<const uint8_t> data) const;

  struct Impl;

 private:
  friend struct PkiApiAccess;
  explicit PrivateKey(std::shared_ptr<const Impl> impl) noexcept;
  std::shared_ptr<const Impl> impl_;
};

// One attribute of a distinguished name.
struct NameEntry {
  std::string oid;         // dotted, "2.5.4.3"
  std::string short_name;  // OpenSSL's short name ("CN"), or the OID when unknown
  std::string long_name;   // "commonName", or the OID when unknown
  std::string value;       // UTF-8 (converted from BMP/Universal/T61 strings)
  uint8_t asn1_tag = 0;    // the string type as encoded: 12 UTF8String, 19 PrintableString, ...
  std::vector<uint8_t> raw_value;  // the value's content octets as encoded
  int set = 0;             // RDN index; entries of one multi-valued RDN share it
};

// How Name::print lays a name out: OpenSSL's X509_NAME_print_ex flags as
// fields (XN_FLAG_* for the layout, ASN1_STRFLGS_* for the values).
struct NamePrintOptions {
  enum class Separator : uint8_t {
    kComma,           // "," between RDNs, "+" inside one (XN_FLAG_SEP_COMMA_PLUS)
    kCommaSpace,      // ", " and " + " (XN_FLAG_SEP_CPLUS_SPC)
    kSemicolonSpace,  // "; " and " + " (XN_FLAG_SEP_SPLUS_SPC)
    kMultiline,       // one RDN per line (XN_FLAG_SEP_MULTILINE)
  };
  enum class FieldNames : uint8_t { kShort, kLong, kOid, kNone };

  Separator separator = Separator::kCommaSpace;
  FieldNames field_names = FieldNames::kShort;
  bool reverse = false;               // XN_FLAG_DN_REV
  bool spaces_around_equals = true;   // XN_FLAG_SPC_EQ
  bool align_field_names = false;     // XN_FLAG_FN_ALIGN
  bool dump_unknown_fields = false;   // XN_FLAG_DUMP_UNKNOWN_FIELDS
  bool escape_rfc2253 = true;         // ASN1_STRFLGS_ESC_2253
  bool escape_rfc2254 = false;        // ASN1_STRFLGS_ESC_2254
  bool escape_control = true;         // ASN1_STRFLGS_ESC_CTRL
  bool escape_msb = true;             // ASN1_STRFLGS_ESC_MSB
  bool quote_instead_of_escape = true;  // ASN1_STRFLGS_ESC_QUOTE
  bool utf8_convert = true;           // ASN1_STRFLGS_UTF8_CONVERT
  bool ignore_type = false;           // ASN1_STRFLGS_IGNORE_TYPE
  bool show_type = false;             // ASN1_STRFLGS_SHOW_TYPE
  bool dump_all = false;              // ASN1_STRFLGS_DUMP_ALL
  bool dump_unknown_types = true;     // ASN1_STRFLGS_DUMP_UNKNOWN
  bool dump_der = true;               // ASN1_STRFLGS_DUMP_DER
  // X509_NAME_print's legacy form (XN_FLAG_COMPAT, "C=US, O=Org, CN=name");
  // every other option is ignored.
  bool legacy = false;

  // XN_FLAG_ONELINE: "C = US, O = Org, CN = name" (`openssl x509 -subject`).
  static NamePrintOptions oneline() { return NamePrintOptions{}; }
  // XN_FLAG_RFC2253: "CN=name,O=Org,C=US".
  static NamePrintOptions rfc2253() {
    NamePrintOptions o;
    o.separator = Separator::kComma;
    o.reverse = true;
    o.spaces_around_equals = false;
    o.dump_unknown_fields = true;
    o.quote_instead_of_escape = false;
    return o;
  }
  // XN_FLAG_MULTILINE: "countryName               = US", one per line.
  static NamePrintOptions multiline() {
    NamePrintOptions o;
    o.separator = Separator::kMultiline;
    o.field_names = FieldNames::kLong;
    o.align_field_names = true;
    o.escape_rfc2253 = false;
    o.quote_instead_of_escape = false;
    o.utf8_convert = false;
    o.dump_unknown_types = false;
    o.dump_der = false;
    return o;
  }
  static NamePrintOptions legacy_form() {
    NamePrintOptions o;
    o.legacy = true;
    return o;
  }
};

// A distinguished name (X509_NAME). A default Name is empty.
class CACHET_EXPORT Name {
 public:
  Name();
  // A DER Name (SEQUENCE OF RelativeDistinguishedName).
  static Result<Name> from_der(std::span<const uint8_t> der);

  const std::vector<NameEntry>& entries() const noexcept;
  size_t size() const noexcept { return entries().size(); }
  bool empty() const noexcept { return entries().empty(); }
  // The first value of an attribute ("CN", "commonName" or "2.5.4.3").
  std::optional<std::string> find(std::string_view field) const;

  // Adds an attribute as X509_NAME_add_entry_by_txt with MBSTRING_UTF8:
  // `field` is a short name, long name or dotted OID; the string type is
  // OpenSSL's default for the attribute (UTF8String; PrintableString for C,
  // serialNumber, dnQualifier; IA5String for emailAddress and DC), and its
  // length limits apply (C is two characters, CN at most 64). `loc` is the
  // position (-1: at the end); `set` 0 starts a new RDN, -1 joins the RDN
  // before `loc`, 1 the RDN at `loc` (multi-valued RDNs).
  [[nodiscard]] Result<void> add(std::string_view field, std::string_view utf8_value, int loc = -1, int set = 0);
  // Adds an attribute with an explicit ASN.1 string tag and content octets,
  // taken as they are (X509_NAME_add_entry_by_* with a V_ASN1_* type).
  [[nodiscard]] Result<void> add_raw(std::string_view field, uint8_t asn1_tag, std::span<const uint8_t> value,
                                     int loc = -1, int set = 0);
  // Removes the entry at `index` (X509_NAME_delete_entry).
  [[nodiscard]] Result<void> remove(size_t index);

  // X509_NAME_oneline: "/C=US/O=Org/CN=name" ('/' and '+' in values escaped
  // with '\', bytes outside ' '..'~' as "\xHH").
  std::string one_line() const;
  // XN_FLAG_RFC2253: "CN=name,O=Org,C=US".
  std::string rfc2253() const;
  // X509_NAME_print_ex; `indent` spaces before the first (multiline: every) line.
  std::string print(const NamePrintOptions& options = NamePrintOptions::oneline(), int indent = 0) const;

  // The DER encoding.
  const std::vector<uint8_t>& der() const noexcept;
  bool operator==(const Name& other) const noexcept;  // same DER
  // X509_NAME_cmp: negative, zero or positive, comparing canonical encodings
  // (case- and whitespace-insensitive for string values).
  int compare(const Name& other) const noexcept;
  // X509_NAME_hash_ex (the c_rehash / CApath file name hash).
  uint32_t hash() const;

  struct Impl;

 private:
  friend struct PkiApiAccess;
  explicit Name(std::shared_ptr<const Impl> impl) noexcept;
  std::shared_ptr<const Impl> impl_;
};

class CACHET_EXPORT Certificate {
 public:
  // Exactly one DER certificate.
  static Result<Certificate> from_der(std::span<const uint8_t> der);
  // The first CERTIFICATE block of a PEM text.
  static Result<Certificate> from_pem(std::string_view pem);
  // Every CERTIFICATE block, in order (at least one, at most 16).
  static Result<std::vector<Certificate>> load_pem_chain(std::string_view pem);

  const std::vector<uint8_t>& der() const noexcept;
  std::string to_pem() const;

  // 0-based, as X509_get_version: 2 for an X.509 v3 certificate.
  int version() const noexcept;
  // The serial number's magnitude, big-endian without leading zeros ({0} for
  // zero), as OpenSSL's ASN1_INTEGER holds it; serial_negative() for the
  // (malformed but seen) negative ones.
  const std::vector<uint8_t>& serial_number() const noexcept;
  bool serial_negative() const noexcept;
  const Name& subject() const noexcept;
  const Name& issuer() const noexcept;
  int64_t not_before_unix() const noexcept;
  int64_t not_after_unix() const noexcept;

  // kUnsupported for key types outside KeyType (the certificate still loads).
  Result<PublicKey> public_key() const;
  // The DER SubjectPublicKeyInfo, whatever its algorithm.
  const std::vector<uint8_t>& spki_der() const noexcept;
  // As `openssl x509 -text` names it ("ecdsa-with-SHA256",
  // "sha256WithRSAEncryption", "ED25519"); the dotted OID when unknown.
  std::string signature_algorithm() const;
  std::string signature_algorithm_oid() const;
  std::vector<uint8_t> signature() const;

  // Hash of the DER certificate (X509_digest).
  Result<std::vector<uint8_t>> fingerprint(std::string_view hash) const;
  // The signature verifies under `issuer_key` (X509_verify).
  [[nodiscard]] Result<void> verify_signature(const PublicKey& issuer_key) const;
  // X509_check_host (default flags): subjectAltName DNS names, with
  // wildcards, or the subject CN when there are none. An address literal is
  // only matched as a name; use check_ip (X509_check_ip_asc) for addresses.
  bool check_host(std::string_view host) const;
  bool check_ip(std::string_view address) const;
  bool is_ca() const noexcept;
  bool is_self_issued() const noexcept;
  std::vector<std::string> dns_names() const;

  // A dump in the layout of `openssl x509 -text -noout` (X509_print_ex), with
  // names printed per `names`.
  std::string text(const NamePrintOptions& names = NamePrintOptions::oneline()) const;

  bool operator==(const Certificate& other) const noexcept;

  struct Impl;

 private:
  friend struct PkiApiAccess;
  explicit Certificate(std::shared_ptr<const Impl> impl) noexcept;
  std::shared_ptr<const Impl> impl_;
};

// Builds and signs a certificate. Setters never fail; sign() reports the
// first problem.
class CACHET_EXPORT CertificateBuilder {
 public:
  CertificateBuilder();
  ~CertificateBuilder();
  CertificateBuilder(const CertificateBuilder& other);
  CertificateBuilder& operator=(const CertificateBuilder& other);
  CertificateBuilder(CertificateBuilder&&) noexcept;
  CertificateBuilder& operator=(CertificateBuilder&&) noexcept;

  // 0-based as X509_set_version (default 2, X.509 v3).
  CertificateBuilder& set_version(int version);
  // A non-negative serial number, big-endian (default 0; at most 20 bytes).
  CertificateBuilder& set_serial(std::span<const uint8_t> big_endian);
  // Validity, Unix seconds (defaults 0).
  CertificateBuilder& set_not_before(int64_t unix_seconds);
  CertificateBuilder& set_not_after(int64_t unix_seconds);
  CertificateBuilder& set_subject(const Name& name);
  CertificateBuilder& set_issuer(const Name& name);
  // Required.
  CertificateBuilder& set_public_key(const PublicKey& key);
  // basicConstraints (RFC 5280 §4.2.1.9); path_len < 0: none.
  CertificateBuilder& add_basic_constraints(bool ca, int path_len = -1, bool critical = true);
  // Any extension, as its OID and DER value (the extnValue content).
  CertificateBuilder& add_extension(std::string_view oid, bool critical, std::span<const uint8_t> der_value);

  // Signs with `issuer_key` and `hash` ("" for Ed25519; "" means SHA256 for
  // the others). Extensions require version 2.
  Result<Certificate> sign(const PrivateKey& issuer_key, std::string_view hash) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace cachet
