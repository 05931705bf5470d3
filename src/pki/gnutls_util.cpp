#include "pki/gnutls_util.hpp"

#include <algorithm>

namespace cachet::pki::detail {

Datum::~Datum() {
  if (datum_.data == nullptr) return;
  if (secret_) secure_wipe(datum_.data, datum_.size);
  gnutls_free(datum_.data);
}

Error gnutls_error(int code, ErrorCode fallback, const char* what) noexcept {
  switch (code) {
    case GNUTLS_E_MEMORY_ERROR:
      return Error(ErrorCode::kInternal, what);
    case GNUTLS_E_DECRYPTION_FAILED:
      return Error(ErrorCode::kAuthenticationFailed, what);
    case GNUTLS_E_UNKNOWN_PK_ALGORITHM:
    case GNUTLS_E_UNIMPLEMENTED_FEATURE:
    case GNUTLS_E_ECC_UNSUPPORTED_CURVE:
    case GNUTLS_E_UNKNOWN_HASH_ALGORITHM:
    case GNUTLS_E_UNKNOWN_CIPHER_TYPE:
    case GNUTLS_E_UNKNOWN_PKCS_CONTENT_TYPE:
    case GNUTLS_E_UNKNOWN_ALGORITHM:
      return Error(ErrorCode::kUnsupported, what);
    case GNUTLS_E_SHORT_MEMORY_BUFFER:
      return Error(ErrorCode::kLengthTooLarge, what);
    case GNUTLS_E_BASE64_DECODING_ERROR:
    case GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR:
    case GNUTLS_E_ASN1_DER_ERROR:
    case GNUTLS_E_ASN1_VALUE_NOT_FOUND:
    case GNUTLS_E_ASN1_ELEMENT_NOT_FOUND:
    case GNUTLS_E_ASN1_IDENTIFIER_NOT_FOUND:
    case GNUTLS_E_ASN1_DER_OVERFLOW:
    case GNUTLS_E_ASN1_GENERIC_ERROR:
    case GNUTLS_E_ASN1_TAG_ERROR:
    case GNUTLS_E_ASN1_TYPE_ANY_ERROR:
    case GNUTLS_E_ASN1_SYNTAX_ERROR:
    case GNUTLS_E_ASN1_VALUE_NOT_VALID:
    case GNUTLS_E_CERTIFICATE_ERROR:
    case GNUTLS_E_X509_UNSUPPORTED_ATTRIBUTE:
      return Error(ErrorCode::kDecodeError, what);
    default:
      return Error(fallback, what);
  }
}

Result<CrtPtr> new_crt() {
  gnutls_x509_crt_t raw = nullptr;
  if (int rc = gnutls_x509_crt_init(&raw); rc < 0) return gnutls_error(rc, ErrorCode::kInternal, "pki: gnutls_x509_crt_init failed");
  return CrtPtr(raw);
}

Result<CrtPtr> import_crt_der(ByteSpan der) {
  CACHET_ASSIGN_OR_RETURN(CrtPtr crt, new_crt());
  const gnutls_datum_t datum = as_datum(der);
  if (int rc = gnutls_x509_crt_import(crt.get(), &datum, GNUTLS_X509_FMT_DER); rc < 0) {
    return gnutls_error(rc, ErrorCode::kDecodeError, "pki: certificate DER does not parse");
  }
  return crt;
}

Result<X509KeyPtr> new_x509_key() {
  gnutls_x509_privkey_t raw = nullptr;
  if (int rc = gnutls_x509_privkey_init(&raw); rc < 0) return gnutls_error(rc, ErrorCode::kInternal, "pki: gnutls_x509_privkey_init failed");
  return X509KeyPtr(raw);
}

Result<PubkeyPtr> new_pubkey() {
  gnutls_pubkey_t raw = nullptr;
  if (int rc = gnutls_pubkey_init(&raw); rc < 0) return gnutls_error(rc, ErrorCode::kInternal, "pki: gnutls_pubkey_init failed");
  return PubkeyPtr(raw);
}

Result<PrivkeyPtr> new_privkey() {
  gnutls_privkey_t raw = nullptr;
  if (int rc = gnutls_privkey_init(&raw); rc < 0) return gnutls_error(rc, ErrorCode::kInternal, "pki: gnutls_privkey_init failed");
  return PrivkeyPtr(raw);
}

Result<Bytes> export_spki(gnutls_pubkey_t key) {
  Datum out;
  if (int rc = gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, out.get()); rc < 0) {
    return gnutls_error(rc, ErrorCode::kUnsupported, "pki: cannot encode SubjectPublicKeyInfo");
  }
  return out.bytes();
}

Result<PubkeyPtr> import_spki(ByteSpan spki) {
  CACHET_ASSIGN_OR_RETURN(PubkeyPtr key, new_pubkey());
  const gnutls_datum_t datum = as_datum(spki);
  if (int rc = gnutls_pubkey_import(key.get(), &datum, GNUTLS_X509_FMT_DER); rc < 0) {
    return gnutls_error(rc, ErrorCode::kInvalidPublicKey, "pki: SubjectPublicKeyInfo does not parse");
  }
  return key;
}

std::optional<crypto::KeyType> key_type_of(gnutls_pubkey_t key) noexcept {
  switch (gnutls_pubkey_get_pk_algorithm(key, nullptr)) {
    case GNUTLS_PK_RSA: return crypto::KeyType::kRsa;
    case GNUTLS_PK_EDDSA_ED25519: return crypto::KeyType::kEd25519;
    case GNUTLS_PK_ECDSA: {
      gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
      if (gnutls_pubkey_export_ecc_raw2(key, &curve, nullptr, nullptr, 0) < 0) return std::nullopt;
      if (curve == GNUTLS_ECC_CURVE_SECP256R1) return crypto::KeyType::kEcP256;
      if (curve == GNUTLS_ECC_CURVE_SECP384R1) return crypto::KeyType::kEcP384;
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

Result<Bytes> left_pad(ByteSpan value, size_t size) {
  if (value.size() > size) return Error(ErrorCode::kInvalidPublicKey, "pki: key component longer than its field");
  Bytes out(size - value.size(), 0);
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

Result<crypto::VerifyingKey> verifying_key_of(gnutls_pubkey_t key) {
  const auto type = key_type_of(key);
  if (!type) return Error(ErrorCode::kUnsupported, "pki: public key algorithm not supported by src/crypto");
  if (*type == crypto::KeyType::kRsa) {
    Datum n, e;
    if (int rc = gnutls_pubkey_export_rsa_raw2(key, n.get(), e.get(), GNUTLS_EXPORT_FLAG_NO_LZ); rc < 0) {
      return gnutls_error(rc, ErrorCode::kInvalidPublicKey, "pki: cannot read the RSA public key");
    }
    return crypto::VerifyingKey::rsa(n.span(), e.span());
  }
  gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
  Datum x, y;
  if (int rc = gnutls_pubkey_export_ecc_raw2(key, &curve, x.get(), *type == crypto::KeyType::kEd25519 ? nullptr : y.get(),
                                             GNUTLS_EXPORT_FLAG_NO_LZ);
      rc < 0) {
    return gnutls_error(rc, ErrorCode::kInvalidPublicKey, "pki: cannot read the EC public key");
  }
  if (*type == crypto::KeyType::kEd25519) return crypto::VerifyingKey::ed25519(x.span());
  const size_t field = *type == crypto::KeyType::kEcP256 ? 32 : 48;
  CACHET_ASSIGN_OR_RETURN(Bytes px, left_pad(x.span(), field));
  CACHET_ASSIGN_OR_RETURN(Bytes py, left_pad(y.span(), field));
  Bytes point{0x04};
  point.insert(point.end(), px.begin(), px.end());
  point.insert(point.end(), py.begin(), py.end());
  return crypto::VerifyingKey::ec(
      *type == crypto::KeyType::kEcP256 ? crypto::NamedGroup::kSecp256r1 : crypto::NamedGroup::kSecp384r1, point);
}

}  // namespace cachet::pki::detail
