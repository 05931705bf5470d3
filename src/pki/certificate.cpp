#include "pki/certificate.hpp"

#include <fstream>

#include "pki/gnutls_util.hpp"

namespace cachet::pki {

using detail::Datum;

struct Certificate::Data {
  Bytes der;
  DistinguishedName subject, issuer;
  Bytes serial;
  int64_t not_before = 0, not_after = 0;
  Bytes spki;
  std::optional<crypto::KeyType> key_type;
  std::vector<std::string> dns_names;
  std::vector<Bytes> ip_addresses;
  bool is_ca = false;
  bool self_issued = false;
};

namespace {

// Bounds on what a parsed certificate may carry (each is far above real use).
constexpr unsigned kMaxRdns = 64;
constexpr unsigned kMaxAvasPerRdn = 16;
constexpr unsigned kMaxSanEntries = 1024;
constexpr size_t kMaxSerialSize = 64;

bool has_pem_header(ByteSpan data) {
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  return text.find("-----BEGIN") != std::string_view::npos;
}

Result<DistinguishedName> read_name(gnutls_x509_crt_t crt, bool subject) {
  Datum one_line, raw;
  int rc = subject ? gnutls_x509_crt_get_dn3(crt, one_line.get(), 0)
                   : gnutls_x509_crt_get_issuer_dn3(crt, one_line.get(), 0);
  // An empty name is legal (GnuTLS says "not available").
  if (rc < 0 && rc != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
    return detail::gnutls_error(rc, ErrorCode::kDecodeError, "pki: certificate name does not decode");
  }
  rc = subject ? gnutls_x509_crt_get_raw_dn(crt, raw.get()) : gnutls_x509_crt_get_raw_issuer_dn(crt, raw.get());
  if (rc < 0) return detail::gnutls_error(rc, ErrorCode::kDecodeError, "pki: certificate name does not decode");

  gnutls_x509_dn_t dn = nullptr;  // owned by crt
  rc = subject ? gnutls_x509_crt_get_subject(crt, &dn) : gnutls_x509_crt_get_issuer(crt, &dn);
  if (rc < 0) return detail::gnutls_error(rc, ErrorCode::kDecodeError, "pki: certificate name does not decode");
  std::vector<NameAttribute> attributes;
  for (unsigned irdn = 0; irdn < kMaxRdns; ++irdn) {
    bool any = false;
    for (unsigned iava = 0; iava < kMaxAvasPerRdn; ++iava) {
      gnutls_x509_ava_st ava;
      if (gnutls_x509_dn_get_rdn_ava(dn, static_cast<int>(irdn), static_cast<int>(iava), &ava) < 0) break;
      any = true;
      std::string oid(reinterpret_cast<const char*>(ava.oid.data), ava.oid.size);
      while (!oid.empty() && oid.back() == '\0') oid.pop_back();  // GnuTLS counts the terminator
      attributes.push_back({std::move(oid),
                            std::string(reinterpret_cast<const char*>(ava.value.data), ava.value.size)});
    }
    if (!any) break;
  }
  return DistinguishedName(one_line.str(), std::move(attributes), raw.bytes());
}

Result<void> read_alt_names(gnutls_x509_crt_t crt, Certificate::Data& data) {
  for (unsigned seq = 0; seq < kMaxSanEntries; ++seq) {
    size_t size = 0;
    unsigned type = 0;
    int rc = gnutls_x509_crt_get_subject_alt_name2(crt, seq, nullptr, &size, &type, nullptr);
    if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) return ok();
    if (rc != GNUTLS_E_SHORT_MEMORY_BUFFER && rc < 0) {
      return detail::gnutls_error(rc, ErrorCode::kDecodeError, "pki: subjectAltName does not decode");
    }
    Bytes value(size + 1);
    size = value.size();
    rc = gnutls_x509_crt_get_subject_alt_name2(crt, seq, value.data(), &size, &type, nullptr);
    if (rc < 0) return detail::gnutls_error(rc, ErrorCode::kDecodeError, "pki: subjectAltName does not decode");
    value.resize(size);
    if (rc == GNUTLS_SAN_DNSNAME) {
      data.dns_names.emplace_back(value.begin(), value.end());
    } else if (rc == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16)) {
      data.ip_addresses.push_back(std::move(value));
    }
  }
  return Error(ErrorCode::kLengthTooLarge, "pki: too many subjectAltName entries");
}

Result<Certificate::Data> read_certificate(gnutls_x509_crt_t crt) {
  Certificate::Data data;
  Datum der;
  if (int rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, der.get()); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kDecodeError, "pki: certificate does not re-encode");
  }
  if (der.span().size() > kMaxCertificateSize) return Error(ErrorCode::kLengthTooLarge, "pki: certificate too large");
  data.der = der.bytes();
  CACHET_ASSIGN_OR_RETURN(data.subject, read_name(crt, true));
  CACHET_ASSIGN_OR_RETURN(data.issuer, read_name(crt, false));

  uint8_t serial[kMaxSerialSize];
  size_t serial_size = sizeof(serial);
  if (int rc = gnutls_x509_crt_get_serial(crt, serial, &serial_size); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kDecodeError, "pki: certificate serial does not decode");
  }
  data.serial.assign(serial, serial + serial_size);

  const time_t not_before = gnutls_x509_crt_get_activation_time(crt);
  const time_t not_after = gnutls_x509_crt_get_expiration_time(crt);
  if (not_before == static_cast<time_t>(-1) || not_after == static_cast<time_t>(-1)) {
    return Error(ErrorCode::kDecodeError, "pki: certificate validity does not decode");
  }
  data.not_before = not_before;
  data.not_after = not_after;

  CACHET_ASSIGN_OR_RETURN(detail::PubkeyPtr key, detail::new_pubkey());
  if (int rc = gnutls_pubkey_import_x509(key.get(), crt, 0); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInvalidPublicKey, "pki: certificate public key does not decode");
  }
  CACHET_ASSIGN_OR_RETURN(data.spki, detail::export_spki(key.get()));
  data.key_type = detail::key_type_of(key.get());

  CACHET_TRY(read_alt_names(crt, data));
  unsigned critical = 0;
  data.is_ca = gnutls_x509_crt_get_basic_constraints(crt, &critical, nullptr, nullptr) > 0;
  data.self_issued = gnutls_x509_crt_check_issuer(crt, crt) != 0;
  return data;
}

std::string pem_encode(const char* label, ByteSpan der) {
  Datum out;
  const gnutls_datum_t in = detail::as_datum(der);
  if (gnutls_pem_base64_encode2(label, &in, out.get()) < 0) return {};
  return out.str();
}

}  // namespace

std::optional<std::string> DistinguishedName::find(std::string_view oid) const {
  for (const auto& a : attributes_) {
    if (a.oid == oid) return a.value;
  }
  return std::nullopt;
}

Result<Certificate> Certificate::from_der(ByteSpan der) {
  if (der.empty()) return Error(ErrorCode::kTruncated, "pki: empty certificate");
  if (der.size() > kMaxCertificateSize) return Error(ErrorCode::kLengthTooLarge, "pki: certificate too large");
  CACHET_ASSIGN_OR_RETURN(detail::CrtPtr crt, detail::import_crt_der(der));
  CACHET_ASSIGN_OR_RETURN(Data data, read_certificate(crt.get()));
  // GnuTLS keeps the bytes it was given; anything past the certificate is ours to refuse.
  if (data.der.size() != der.size()) return Error(ErrorCode::kTrailingBytes, "pki: bytes after the certificate");
  return Certificate(std::make_shared<const Data>(std::move(data)));
}

Result<Certificate> Certificate::from_pem(std::string_view pem) {
  if (pem.size() > kMaxPemSize) return Error(ErrorCode::kLengthTooLarge, "pki: PEM input too large");
  CACHET_ASSIGN_OR_RETURN(detail::CrtPtr crt, detail::new_crt());
  const gnutls_datum_t datum = detail::as_datum(as_bytes(pem));
  if (int rc = gnutls_x509_crt_import(crt.get(), &datum, GNUTLS_X509_FMT_PEM); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kDecodeError, "pki: no parsable CERTIFICATE block in PEM");
  }
  CACHET_ASSIGN_OR_RETURN(Data data, read_certificate(crt.get()));
  return Certificate(std::make_shared<const Data>(std::move(data)));
}

Result<Certificate> Certificate::load(ByteSpan data) {
  if (has_pem_header(data)) {
    return from_pem(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  }
  return from_der(data);
}

const Bytes& Certificate::der() const noexcept { return data_->der; }
std::string Certificate::to_pem() const { return pem_encode("CERTIFICATE", data_->der); }
const DistinguishedName& Certificate::subject() const noexcept { return data_->subject; }
const DistinguishedName& Certificate::issuer() const noexcept { return data_->issuer; }
const Bytes& Certificate::serial() const noexcept { return data_->serial; }
int64_t Certificate::not_before() const noexcept { return data_->not_before; }
int64_t Certificate::not_after() const noexcept { return data_->not_after; }
const Bytes& Certificate::subject_public_key_info() const noexcept { return data_->spki; }
std::optional<crypto::KeyType> Certificate::key_type() const noexcept { return data_->key_type; }
const std::vector<std::string>& Certificate::dns_names() const noexcept { return data_->dns_names; }
const std::vector<Bytes>& Certificate::ip_addresses() const noexcept { return data_->ip_addresses; }
bool Certificate::is_ca() const noexcept { return data_->is_ca; }
bool Certificate::is_self_issued() const noexcept { return data_->self_issued; }

Result<crypto::VerifyingKey> Certificate::verifying_key() const {
  CACHET_ASSIGN_OR_RETURN(detail::PubkeyPtr key, detail::import_spki(data_->spki));
  return detail::verifying_key_of(key.get());
}

Result<CertificateChain> CertificateChain::from_pem(std::string_view pem) {
  if (pem.size() > kMaxPemSize) return Error(ErrorCode::kLengthTooLarge, "pki: PEM input too large");
  gnutls_x509_crt_t raw[kMaxChainLength] = {};
  unsigned count = kMaxChainLength;
  const gnutls_datum_t datum = detail::as_datum(as_bytes(pem));
  const int rc = gnutls_x509_crt_list_import(raw, &count, &datum, GNUTLS_X509_FMT_PEM,
                                             GNUTLS_X509_CRT_LIST_IMPORT_FAIL_IF_EXCEED);
  if (rc == GNUTLS_E_SHORT_MEMORY_BUFFER) return Error(ErrorCode::kLengthTooLarge, "pki: too many certificates in chain");
  if (rc < 0) return detail::gnutls_error(rc, ErrorCode::kDecodeError, "pki: no parsable CERTIFICATE block in PEM");
  std::vector<detail::CrtPtr> owned;
  for (unsigned i = 0; i < count; ++i) owned.emplace_back(raw[i]);
  if (owned.empty()) return Error(ErrorCode::kDecodeError, "pki: no CERTIFICATE block in PEM");
  std::vector<Certificate> certificates;
  for (const auto& crt : owned) {
    Datum der;
    if (int e = gnutls_x509_crt_export2(crt.get(), GNUTLS_X509_FMT_DER, der.get()); e < 0) {
      return detail::gnutls_error(e, ErrorCode::kDecodeError, "pki: certificate does not re-encode");
    }
    CACHET_ASSIGN_OR_RETURN(Certificate cert, Certificate::from_der(der.span()));
    certificates.push_back(std::move(cert));
  }
  return CertificateChain(std::move(certificates));
}

Result<CertificateChain> CertificateChain::from_der_list(const std::vector<ByteSpan>& ders) {
  if (ders.empty()) return Error(ErrorCode::kTruncated, "pki: empty certificate chain");
  if (ders.size() > kMaxChainLength) return Error(ErrorCode::kLengthTooLarge, "pki: too many certificates in chain");
  std::vector<Certificate> certificates;
  for (ByteSpan der : ders) {
    CACHET_ASSIGN_OR_RETURN(Certificate cert, Certificate::from_der(der));
    certificates.push_back(std::move(cert));
  }
  return CertificateChain(std::move(certificates));
}

std::string CertificateChain::to_pem() const {
  std::string out;
  for (const auto& c : certificates_) out += c.to_pem();
  return out;
}

Result<Bytes> read_pki_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::kInvalidArgument, "pki: cannot open file");
  Bytes data;
  char buffer[4096];
  while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
    data.insert(data.end(), buffer, buffer + in.gcount());
    if (data.size() > kMaxPemSize) return Error(ErrorCode::kLengthTooLarge, "pki: file too large");
  }
  return data;
}

}  // namespace cachet::pki
