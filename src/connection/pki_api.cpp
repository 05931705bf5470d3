// The public PKI API (include/cachet/pki.hpp): thin handles over src/pki.
#include <cachet/pki.hpp>

#include <arpa/inet.h>

#include <cstring>

#include "base/random.hpp"
#include "crypto/signature.hpp"
#include "pki/builder.hpp"
#include "pki/certificate.hpp"
#include "pki/der.hpp"
#include "pki/key_ops.hpp"
#include "pki/oid_names.hpp"
#include "pki/private_key.hpp"
#include "pki/raw_public_key.hpp"
#include "pki/x509_fields.hpp"
#include "pki/x509_name.hpp"
#include "pki/x509_text.hpp"

namespace cachet {

struct PublicKey::Impl {
  Bytes spki;  // canonical (GnuTLS) encoding
  KeyType type = KeyType::kEcP256;
  int bits = 0;
};

struct PrivateKey::Impl {
  explicit Impl(pki::PrivateKey k, PublicKey pub) : key(std::move(k)), public_key(std::move(pub)) {}
  pki::PrivateKey key;
  PublicKey public_key;
};

struct Name::Impl {
  pki::X509Name name;
  std::vector<NameEntry> entries;
};

struct Certificate::Impl {
  Impl(pki::Certificate c, pki::CertificateFields f, Name s, Name i)
      : cert(std::move(c)), fields(std::move(f)), subject(std::move(s)), issuer(std::move(i)) {}
  pki::Certificate cert;
  pki::CertificateFields fields;  // spans into cert.der(), which cert keeps alive
  Name subject, issuer;
  Bytes serial;
  bool serial_negative = false;
  Bytes spki;  // as encoded in the certificate
};

// The one place that builds handles from their insides.
struct PkiApiAccess {
  static PublicKey public_key(std::shared_ptr<const PublicKey::Impl> impl) { return PublicKey(std::move(impl)); }
  static PrivateKey private_key(std::shared_ptr<const PrivateKey::Impl> impl) { return PrivateKey(std::move(impl)); }
  static Name name(std::shared_ptr<const Name::Impl> impl) { return Name(std::move(impl)); }
  static Certificate certificate(std::shared_ptr<const Certificate::Impl> impl) {
    return Certificate(std::move(impl));
  }
  static const pki::X509Name& x509_name(const Name& n) { return n.impl_->name; }
  static const pki::PrivateKey& internal_key(const PrivateKey& k) { return k.impl_->key; }
  static const pki::Certificate& internal_certificate(const Certificate& c) { return c.impl_->cert; }
};

namespace {

KeyType public_type(crypto::KeyType t) noexcept {
  switch (t) {
    case crypto::KeyType::kEcP256: return KeyType::kEcP256;
    case crypto::KeyType::kEcP384: return KeyType::kEcP384;
    case crypto::KeyType::kEd25519: return KeyType::kEd25519;
    case crypto::KeyType::kRsa: return KeyType::kRsa;
  }
  return KeyType::kEcP256;
}

crypto::KeyType internal_type(KeyType t) noexcept {
  switch (t) {
    case KeyType::kEcP256: return crypto::KeyType::kEcP256;
    case KeyType::kEcP384: return crypto::KeyType::kEcP384;
    case KeyType::kEd25519: return crypto::KeyType::kEd25519;
    case KeyType::kRsa: return crypto::KeyType::kRsa;
  }
  return crypto::KeyType::kEcP256;
}

// EVP_PKEY_get_security_bits: NIST SP 800-57 strengths for RSA moduli,
// half the order size for curves.
int security_bits_of(KeyType type, int bits) noexcept {
  switch (type) {
    case KeyType::kEcP256: return 128;
    case KeyType::kEcP384: return 192;
    case KeyType::kEd25519: return 128;
    case KeyType::kRsa:
      if (bits >= 15360) return 256;
      if (bits >= 7680) return 192;
      if (bits >= 3072) return 128;
      if (bits >= 2048) return 112;
      if (bits >= 1024) return 80;
      return 0;
  }
  return 0;
}

Result<pki::Digest> parse_digest(std::string_view name) {
  const auto d = pki::digest_by_name(name);
  if (!d) return Error(ErrorCode::kUnsupported, "pki: unknown hash name");
  return *d;
}

PublicKey make_public_key(Bytes spki, crypto::KeyType type) {
  auto impl = std::make_shared<PublicKey::Impl>();
  impl->bits = pki::spki_bits(spki);
  impl->spki = std::move(spki);
  impl->type = public_type(type);
  return PkiApiAccess::public_key(std::move(impl));
}

Result<PublicKey> from_raw(Result<pki::RawPublicKey> raw) {
  if (!raw) return raw.error();
  if (!raw->key_type()) return Error(ErrorCode::kUnsupported, "pki: public key type not supported");
  return make_public_key(raw->spki(), *raw->key_type());
}

Result<PrivateKey> make_private_key(Result<pki::PrivateKey> key) {
  if (!key) return key.error();
  PublicKey pub = make_public_key(key->subject_public_key_info(), key->type());
  return PkiApiAccess::private_key(std::make_shared<const PrivateKey::Impl>(std::move(key).value(), std::move(pub)));
}

std::vector<NameEntry> make_entries(const pki::X509Name& name) {
  std::vector<NameEntry> out;
  out.reserve(name.avas().size());
  for (const pki::NameAva& ava : name.avas()) {
    NameEntry e;
    e.oid = ava.oid;
    e.short_name = pki::attribute_short_name(ava.oid);
    e.long_name = pki::attribute_long_name(ava.oid);
    e.value = pki::ava_utf8(ava);
    e.asn1_tag = ava.tag;
    e.raw_value = ava.value;
    e.set = ava.set;
    out.push_back(std::move(e));
  }
  return out;
}

Name make_name(pki::X509Name name) {
  auto impl = std::make_shared<Name::Impl>();
  impl->entries = make_entries(name);
  impl->name = std::move(name);
  return PkiApiAccess::name(std::move(impl));
}

Result<Certificate> make_certificate(pki::Certificate cert) {
  CACHET_ASSIGN_OR_RETURN(pki::CertificateFields fields, pki::parse_certificate_fields(cert.der()));
  CACHET_ASSIGN_OR_RETURN(pki::X509Name subject, pki::X509Name::from_der(fields.subject));
  CACHET_ASSIGN_OR_RETURN(pki::X509Name issuer, pki::X509Name::from_der(fields.issuer));
  const ByteSpan serial = fields.serial, spki = fields.spki;
  auto impl = std::make_shared<Certificate::Impl>(std::move(cert), std::move(fields), make_name(std::move(subject)),
                                                  make_name(std::move(issuer)));
  impl->serial = pki::integer_magnitude(serial, &impl->serial_negative);
  impl->spki.assign(spki.begin(), spki.end());
  return PkiApiAccess::certificate(std::move(impl));
}

std::string to_string(const SecretBytes& s) { return std::string(s.span().begin(), s.span().end()); }

}  // namespace

std::string_view key_type_name(KeyType type) noexcept {
  switch (type) {
    case KeyType::kEcP256: return "P-256";
    case KeyType::kEcP384: return "P-384";
    case KeyType::kEd25519: return "Ed25519";
    case KeyType::kRsa: return "RSA";
  }
  return "";
}

// ---------------------------------------------------------------------------
// PublicKey

PublicKey::PublicKey(std::shared_ptr<const Impl> impl) noexcept : impl_(std::move(impl)) {}

Result<PublicKey> PublicKey::from_spki_der(std::span<const uint8_t> der) {
  return from_raw(pki::RawPublicKey::from_spki_der(der));
}

Result<PublicKey> PublicKey::from_pem(std::string_view pem) { return from_raw(pki::RawPublicKey::from_pem(pem)); }

const std::vector<uint8_t>& PublicKey::spki_der() const noexcept { return impl_->spki; }
std::string PublicKey::to_pem() const { return pki::spki_pem(impl_->spki); }
KeyType PublicKey::type() const noexcept { return impl_->type; }
int PublicKey::bits() const noexcept { return impl_->bits; }
int PublicKey::security_bits() const noexcept { return security_bits_of(impl_->type, impl_->bits); }

Result<void> PublicKey::verify(std::string_view hash, std::span<const uint8_t> data,
                               std::span<const uint8_t> signature) const {
  CACHET_ASSIGN_OR_RETURN(pki::Digest digest, parse_digest(hash));
  return pki::verify_data(impl_->spki, digest, data, signature);
}

bool PublicKey::operator==(const PublicKey& other) const noexcept { return impl_->spki == other.impl_->spki; }

// ---------------------------------------------------------------------------
// PrivateKey

PrivateKey::PrivateKey(std::shared_ptr<const Impl> impl) noexcept : impl_(std::move(impl)) {}

Result<PrivateKey> PrivateKey::generate(KeyType type, size_t rsa_bits) {
  CACHET_ASSIGN_OR_RETURN(crypto::SigningKey key,
                          crypto::SigningKey::generate(internal_type(type), SystemRandom::instance(), rsa_bits));
  return make_private_key(pki::PrivateKey::from_signing_key(std::move(key)));
}

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem, std::string_view passphrase) {
  if (pem.find("-----BEGIN") == std::string_view::npos) return Error(ErrorCode::kDecodeError, "pki: no PEM block");
  return make_private_key(pki::PrivateKey::from_pem(pem, passphrase));
}

Result<PrivateKey> PrivateKey::from_der(std::span<const uint8_t> der, std::string_view passphrase) {
  return make_private_key(pki::PrivateKey::from_der(der, passphrase));
}

std::string PrivateKey::to_pem() const { return to_string(impl_->key.to_pem()); }

std::vector<uint8_t> PrivateKey::to_der() const {
  const ByteSpan der = impl_->key.pkcs8_der();
  return std::vector<uint8_t>(der.begin(), der.end());
}

Result<std::string> PrivateKey::to_encrypted_pem(std::string_view passphrase) const {
  CACHET_ASSIGN_OR_RETURN(SecretBytes pem, pki::encrypted_pkcs8_pem(impl_->key, passphrase));
  return to_string(pem);
}

Result<std::string> PrivateKey::to_traditional_pem() const {
  CACHET_ASSIGN_OR_RETURN(SecretBytes pem, pki::traditional_pem(impl_->key));
  return to_string(pem);
}

PublicKey PrivateKey::public_key() const { return impl_->public_key; }
KeyType PrivateKey::type() const noexcept { return impl_->public_key.type(); }
int PrivateKey::bits() const noexcept { return impl_->public_key.bits(); }
int PrivateKey::security_bits() const noexcept { return impl_->public_key.security_bits(); }

bool PrivateKey::matches(const Certificate& certificate) const noexcept {
  return impl_->key.matches(PkiApiAccess::internal_certificate(certificate));
}

bool PrivateKey::matches(const PublicKey& key) const noexcept { return impl_->public_key == key; }

Result<std::vector<uint8_t>> PrivateKey::sign(std::string_view hash, std::span<const uint8_t> data) const {
  CACHET_ASSIGN_OR_RETURN(pki::Digest digest, parse_digest(hash));
  return pki::sign_data(impl_->key, digest, data);
}

// ---------------------------------------------------------------------------
// Name

namespace {
const std::shared_ptr<const Name::Impl>& empty_name() {
  static const auto empty = std::make_shared<const Name::Impl>();
  return empty;
}
}  // namespace

Name::Name() : impl_(empty_name()) {}
Name::Name(std::shared_ptr<const Impl> impl) noexcept : impl_(std::move(impl)) {}

Result<Name> Name::from_der(std::span<const uint8_t> der) {
  CACHET_ASSIGN_OR_RETURN(pki::X509Name name, pki::X509Name::from_der(der));
  return make_name(std::move(name));
}

const std::vector<NameEntry>& Name::entries() const noexcept { return impl_->entries; }

std::optional<std::string> Name::find(std::string_view field) const {
  auto oid = pki::resolve_attribute(field);
  if (!oid) return std::nullopt;
  for (const NameEntry& e : impl_->entries) {
    if (e.oid == *oid) return e.value;
  }
  return std::nullopt;
}

Result<void> Name::add(std::string_view field, std::string_view utf8_value, int loc, int set) {
  pki::X509Name edited = impl_->name;  // copy on write: other handles keep theirs
  CACHET_TRY(edited.add_utf8(field, utf8_value, loc, set));
  *this = make_name(std::move(edited));
  return ok();
}

Result<void> Name::add_raw(std::string_view field, uint8_t asn1_tag, std::span<const uint8_t> value, int loc,
                           int set) {
  pki::X509Name edited = impl_->name;
  CACHET_TRY(edited.add_raw(field, asn1_tag, value, loc, set));
  *this = make_name(std::move(edited));
  return ok();
}

Result<void> Name::remove(size_t index) {
  pki::X509Name edited = impl_->name;
  CACHET_TRY(edited.remove(index));
  *this = make_name(std::move(edited));
  return ok();
}

std::string Name::one_line() const { return impl_->name.one_line(); }
std::string Name::rfc2253() const { return impl_->name.print(NamePrintOptions::rfc2253(), 0); }
std::string Name::print(const NamePrintOptions& options, int indent) const {
  return impl_->name.print(options, indent);
}
const std::vector<uint8_t>& Name::der() const noexcept { return impl_->name.der(); }
bool Name::operator==(const Name& other) const noexcept { return der() == other.der(); }

int Name::compare(const Name& other) const noexcept {
  // X509_NAME_cmp: shorter canonical encodings first, then memcmp.
  const Bytes a = impl_->name.canonical(), b = other.impl_->name.canonical();
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  if (a.empty()) return 0;
  const int c = std::memcmp(a.data(), b.data(), a.size());
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

uint32_t Name::hash() const {
  auto digest = pki::digest(pki::Digest::kSha1, impl_->name.canonical());
  if (!digest || digest->size() < 4) return 0;
  const Bytes& d = *digest;
  return uint32_t{d[0]} | uint32_t{d[1]} << 8 | uint32_t{d[2]} << 16 | uint32_t{d[3]} << 24;
}

// ---------------------------------------------------------------------------
// Certificate

Certificate::Certificate(std::shared_ptr<const Impl> impl) noexcept : impl_(std::move(impl)) {}

Result<Certificate> Certificate::from_der(std::span<const uint8_t> der) {
  CACHET_ASSIGN_OR_RETURN(pki::Certificate cert, pki::Certificate::from_der(der));
  return make_certificate(std::move(cert));
}

Result<Certificate> Certificate::from_pem(std::string_view pem) {
  if (pem.find("-----BEGIN") == std::string_view::npos) return Error(ErrorCode::kDecodeError, "pki: no PEM block");
  CACHET_ASSIGN_OR_RETURN(pki::Certificate cert, pki::Certificate::from_pem(pem));
  return make_certificate(std::move(cert));
}

Result<std::vector<Certificate>> Certificate::load_pem_chain(std::string_view pem) {
  if (pem.find("-----BEGIN") == std::string_view::npos) return Error(ErrorCode::kDecodeError, "pki: no PEM block");
  CACHET_ASSIGN_OR_RETURN(pki::CertificateChain chain, pki::CertificateChain::from_pem(pem));
  std::vector<Certificate> out;
  for (const pki::Certificate& c : chain.certificates()) {
    CACHET_ASSIGN_OR_RETURN(Certificate cert, make_certificate(c));
    out.push_back(std::move(cert));
  }
  return out;
}

const std::vector<uint8_t>& Certificate::der() const noexcept { return impl_->cert.der(); }
std::string Certificate::to_pem() const { return impl_->cert.to_pem(); }
int Certificate::version() const noexcept { return impl_->fields.version; }
const std::vector<uint8_t>& Certificate::serial_number() const noexcept { return impl_->serial; }
bool Certificate::serial_negative() const noexcept { return impl_->serial_negative; }
const Name& Certificate::subject() const noexcept { return impl_->subject; }
const Name& Certificate::issuer() const noexcept { return impl_->issuer; }
int64_t Certificate::not_before_unix() const noexcept { return impl_->cert.not_before(); }
int64_t Certificate::not_after_unix() const noexcept { return impl_->cert.not_after(); }
const std::vector<uint8_t>& Certificate::spki_der() const noexcept { return impl_->spki; }

Result<PublicKey> Certificate::public_key() const {
  const auto type = impl_->cert.key_type();
  if (!type) return Error(ErrorCode::kUnsupported, "pki: certificate key type not supported");
  return make_public_key(impl_->cert.subject_public_key_info(), *type);
}

std::string Certificate::signature_algorithm() const {
  return pki::algorithm_name(impl_->fields.signature_algorithm.oid);
}
std::string Certificate::signature_algorithm_oid() const { return impl_->fields.signature_algorithm.oid; }

std::vector<uint8_t> Certificate::signature() const {
  return std::vector<uint8_t>(impl_->fields.signature.begin(), impl_->fields.signature.end());
}

Result<std::vector<uint8_t>> Certificate::fingerprint(std::string_view hash) const {
  CACHET_ASSIGN_OR_RETURN(pki::Digest digest, parse_digest(hash));
  return pki::digest(digest, der());
}

Result<void> Certificate::verify_signature(const PublicKey& issuer_key) const {
  return pki::verify_certificate_signature(der(), issuer_key.spki_der());
}

bool Certificate::check_host(std::string_view host) const { return pki::check_host(impl_->cert, host); }

bool Certificate::check_ip(std::string_view address) const {
  const std::string text(address);
  uint8_t buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) return pki::check_ip(der(), ByteSpan(buf, 4));
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return pki::check_ip(der(), ByteSpan(buf, 16));
  return false;
}

bool Certificate::is_ca() const noexcept { return impl_->cert.is_ca(); }
bool Certificate::is_self_issued() const noexcept { return impl_->cert.is_self_issued(); }
std::vector<std::string> Certificate::dns_names() const { return impl_->cert.dns_names(); }

std::string Certificate::text(const NamePrintOptions& names) const {
  pki::CertificateTextInput in;
  in.fields = &impl_->fields;
  in.issuer = &PkiApiAccess::x509_name(impl_->issuer);
  in.subject = &PkiApiAccess::x509_name(impl_->subject);
  in.not_before = not_before_unix();
  in.not_after = not_after_unix();
  return pki::certificate_text(in, names);
}

bool Certificate::operator==(const Certificate& other) const noexcept { return der() == other.der(); }

// ---------------------------------------------------------------------------
// CertificateBuilder

struct CertificateBuilder::State {
  pki::CertificateTemplate tbs;
  std::optional<Error> error;

  void fail(Error e) {
    if (!error) error = e;
  }
};

CertificateBuilder::CertificateBuilder() : state_(std::make_unique<State>()) {
  state_->tbs.subject = Name().der();
  state_->tbs.issuer = Name().der();
}
CertificateBuilder::~CertificateBuilder() = default;
CertificateBuilder::CertificateBuilder(const CertificateBuilder& other)
    : state_(std::make_unique<State>(*other.state_)) {}
CertificateBuilder& CertificateBuilder::operator=(const CertificateBuilder& other) {
  if (this != &other) state_ = std::make_unique<State>(*other.state_);
  return *this;
}
CertificateBuilder::CertificateBuilder(CertificateBuilder&&) noexcept = default;
CertificateBuilder& CertificateBuilder::operator=(CertificateBuilder&&) noexcept = default;

CertificateBuilder& CertificateBuilder::set_version(int version) {
  state_->tbs.version = version;
  return *this;
}

CertificateBuilder& CertificateBuilder::set_serial(std::span<const uint8_t> big_endian) {
  state_->tbs.serial.assign(big_endian.begin(), big_endian.end());
  return *this;
}

CertificateBuilder& CertificateBuilder::set_not_before(int64_t unix_seconds) {
  state_->tbs.not_before = unix_seconds;
  return *this;
}

CertificateBuilder& CertificateBuilder::set_not_after(int64_t unix_seconds) {
  state_->tbs.not_after = unix_seconds;
  return *this;
}

CertificateBuilder& CertificateBuilder::set_subject(const Name& name) {
  state_->tbs.subject = name.der();
  return *this;
}

CertificateBuilder& CertificateBuilder::set_issuer(const Name& name) {
  state_->tbs.issuer = name.der();
  return *this;
}

CertificateBuilder& CertificateBuilder::set_public_key(const PublicKey& key) {
  state_->tbs.spki = key.spki_der();
  return *this;
}

CertificateBuilder& CertificateBuilder::add_basic_constraints(bool ca, int path_len, bool critical) {
  state_->tbs.extensions.push_back({"2.5.29.19", critical, pki::basic_constraints_value(ca, path_len)});
  return *this;
}

CertificateBuilder& CertificateBuilder::add_extension(std::string_view oid, bool critical,
                                                      std::span<const uint8_t> der_value) {
  if (!pki::der::oid_from_string(oid)) {
    state_->fail(Error(ErrorCode::kInvalidArgument, "pki: malformed extension OID"));
    return *this;
  }
  state_->tbs.extensions.push_back({std::string(oid), critical, Bytes(der_value.begin(), der_value.end())});
  return *this;
}

Result<Certificate> CertificateBuilder::sign(const PrivateKey& issuer_key, std::string_view hash) const {
  if (state_->error) return *state_->error;
  CACHET_ASSIGN_OR_RETURN(pki::Digest digest, parse_digest(hash));
  CACHET_ASSIGN_OR_RETURN(pki::Certificate cert,
                          pki::sign_certificate(state_->tbs, PkiApiAccess::internal_key(issuer_key), digest));
  return make_certificate(std::move(cert));
}

}  // namespace cachet
