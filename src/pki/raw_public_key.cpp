#include "pki/raw_public_key.hpp"

#include "pki/gnutls_util.hpp"

namespace cachet::pki {

Result<RawPublicKey> RawPublicKey::from_spki_der(ByteSpan spki) {
  if (spki.empty()) return Error(ErrorCode::kTruncated, "pki: empty SubjectPublicKeyInfo");
  if (spki.size() > kMaxCertificateSize) return Error(ErrorCode::kLengthTooLarge, "pki: SubjectPublicKeyInfo too large");
  CACHET_ASSIGN_OR_RETURN(detail::PubkeyPtr key, detail::import_spki(spki));
  CACHET_ASSIGN_OR_RETURN(Bytes canonical, detail::export_spki(key.get()));
  return RawPublicKey(std::move(canonical), detail::key_type_of(key.get()));
}

Result<RawPublicKey> RawPublicKey::from_pem(std::string_view pem) {
  if (pem.size() > 4 * kMaxCertificateSize) return Error(ErrorCode::kLengthTooLarge, "pki: PEM too large");
  CACHET_ASSIGN_OR_RETURN(detail::PubkeyPtr key, detail::new_pubkey());
  const gnutls_datum_t datum = detail::as_datum(ByteSpan(reinterpret_cast<const uint8_t*>(pem.data()), pem.size()));
  if (int rc = gnutls_pubkey_import(key.get(), &datum, GNUTLS_X509_FMT_PEM); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInvalidPublicKey, "pki: PUBLIC KEY PEM does not parse");
  }
  CACHET_ASSIGN_OR_RETURN(Bytes canonical, detail::export_spki(key.get()));
  return RawPublicKey(std::move(canonical), detail::key_type_of(key.get()));
}

RawPublicKey RawPublicKey::from_certificate(const Certificate& certificate) {
  return RawPublicKey(certificate.subject_public_key_info(), certificate.key_type());
}

RawPublicKey RawPublicKey::from_private_key(const PrivateKey& key) {
  return RawPublicKey(key.subject_public_key_info(), key.type());
}

Result<crypto::VerifyingKey> RawPublicKey::verifying_key() const {
  CACHET_ASSIGN_OR_RETURN(detail::PubkeyPtr key, detail::import_spki(spki_));
  return detail::verifying_key_of(key.get());
}

Bytes RawPublicKey::fingerprint(crypto::HashAlgorithm algorithm) const { return crypto::hash(algorithm, spki_); }

bool RawKeyPolicy::accepts(const RawPublicKey& key) const {
  for (const Bytes& pinned : pinned_) {
    if (pinned == key.spki()) return true;
  }
  if (!pinned_sha256_.empty()) {
    const Bytes digest = key.fingerprint(crypto::HashAlgorithm::kSha256);
    for (const Bytes& pinned : pinned_sha256_) {
      if (pinned == digest) return true;
    }
  }
  return callback_ ? callback_(key) : false;
}

}  // namespace cachet::pki
