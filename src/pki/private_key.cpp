#include "pki/private_key.hpp"

#include <array>

#include "base/random.hpp"
#include "crypto/key_exchange.hpp"
#include "pki/gnutls_util.hpp"

namespace cachet::pki {

using detail::Datum;

struct PrivateKey::Data {
  crypto::SigningKey key;
  Bytes spki;
  SecretBytes pkcs8;
};

struct PrivateKeyAccess {
  static PrivateKey make(std::shared_ptr<const PrivateKey::Data> data) noexcept { return PrivateKey(std::move(data)); }
};

namespace {

void wipe(crypto::RsaPrivateComponents& c) noexcept {
  for (Bytes* b : {&c.n, &c.e, &c.d, &c.p, &c.q, &c.dp, &c.dq, &c.qinv}) secure_wipe(*b);
}

Result<crypto::SigningKey> signing_key_of(gnutls_privkey_t key) {
  switch (gnutls_privkey_get_pk_algorithm(key, nullptr)) {
    case GNUTLS_PK_RSA: {
      Datum n, e, d(true), p(true), q(true), u(true), e1(true), e2(true);
      if (int rc = gnutls_privkey_export_rsa_raw2(key, n.get(), e.get(), d.get(), p.get(), q.get(), u.get(),
                                                  e1.get(), e2.get(), GNUTLS_EXPORT_FLAG_NO_LZ);
          rc < 0) {
        return detail::gnutls_error(rc, ErrorCode::kInvalidPrivateKey, "pki: cannot read the RSA private key");
      }
      // GnuTLS's coefficient u is q^-1 mod p, PKCS#1's qInv (RFC 8017 §A.1.2).
      crypto::RsaPrivateComponents c{n.bytes(), e.bytes(), d.bytes(), p.bytes(),
                                     q.bytes(), e1.bytes(), e2.bytes(), u.bytes()};
      auto result = crypto::SigningKey::rsa(c);
      wipe(c);
      return result;
    }
    case GNUTLS_PK_ECDSA:
    case GNUTLS_PK_EDDSA_ED25519: {
      gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
      Datum k(true);
      if (int rc = gnutls_privkey_export_ecc_raw2(key, &curve, nullptr, nullptr, k.get(), GNUTLS_EXPORT_FLAG_NO_LZ);
          rc < 0) {
        return detail::gnutls_error(rc, ErrorCode::kInvalidPrivateKey, "pki: cannot read the EC private key");
      }
      if (curve == GNUTLS_ECC_CURVE_ED25519) return crypto::SigningKey::ed25519(k.span());
      if (curve != GNUTLS_ECC_CURVE_SECP256R1 && curve != GNUTLS_ECC_CURVE_SECP384R1) {
        return Error(ErrorCode::kUnsupported, "pki: private key curve not supported");
      }
      const bool p256 = curve == GNUTLS_ECC_CURVE_SECP256R1;
      auto padded = detail::left_pad(k.span(), p256 ? 32 : 48);
      if (!padded) return Error(ErrorCode::kInvalidPrivateKey, "pki: EC private scalar too long");
      SecretBytes scalar(*padded);
      secure_wipe(*padded);
      return crypto::SigningKey::ec(p256 ? crypto::NamedGroup::kSecp256r1 : crypto::NamedGroup::kSecp384r1, scalar);
    }
    default:
      return Error(ErrorCode::kUnsupported, "pki: private key algorithm not supported");
  }
}

// Pairwise consistency: a key file whose stored public part disagrees with
// its private part (possible in SEC1 and PKCS#8 v2) would otherwise "match" a
// certificate it cannot sign for.
Result<void> check_consistent(const crypto::SigningKey& key, gnutls_pubkey_t public_key) {
  CACHET_ASSIGN_OR_RETURN(crypto::VerifyingKey verifier, detail::verifying_key_of(public_key));
  crypto::SignatureScheme scheme = crypto::SignatureScheme::kEd25519;
  switch (key.type()) {
    case crypto::KeyType::kEcP256: scheme = crypto::SignatureScheme::kEcdsaSecp256r1Sha256; break;
    case crypto::KeyType::kEcP384: scheme = crypto::SignatureScheme::kEcdsaSecp384r1Sha384; break;
    case crypto::KeyType::kRsa: scheme = crypto::SignatureScheme::kRsaPkcs1Sha256; break;
    case crypto::KeyType::kEd25519: break;
  }
  static constexpr std::string_view kMessage = "cachet pki pairwise consistency";
  SystemRandom random;
  CACHET_ASSIGN_OR_RETURN(Bytes signature, key.sign(scheme, as_bytes(kMessage), random));
  if (!verifier.verify(scheme, as_bytes(kMessage), signature)) {
    return Error(ErrorCode::kInvalidPrivateKey, "pki: private key inconsistent with its public key");
  }
  return ok();
}

Result<PrivateKey> from_x509_key(gnutls_x509_privkey_t x509) {
  CACHET_ASSIGN_OR_RETURN(detail::PrivkeyPtr key, detail::new_privkey());
  if (int rc = gnutls_privkey_import_x509(key.get(), x509, 0); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInvalidPrivateKey, "pki: private key not usable");
  }
  CACHET_ASSIGN_OR_RETURN(crypto::SigningKey signing, signing_key_of(key.get()));
  CACHET_ASSIGN_OR_RETURN(detail::PubkeyPtr public_key, detail::new_pubkey());
  if (int rc = gnutls_pubkey_import_privkey(public_key.get(), key.get(), 0, 0); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInvalidPrivateKey, "pki: no public key for the private key");
  }
  CACHET_TRY(check_consistent(signing, public_key.get()));
  CACHET_ASSIGN_OR_RETURN(Bytes spki, detail::export_spki(public_key.get()));
  Datum pkcs8(true);
  if (int rc = gnutls_x509_privkey_export2_pkcs8(x509, GNUTLS_X509_FMT_DER, nullptr, GNUTLS_PKCS_PLAIN, pkcs8.get());
      rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInvalidPrivateKey, "pki: private key does not encode as PKCS#8");
  }
  auto data = std::make_shared<PrivateKey::Data>(
      PrivateKey::Data{std::move(signing), std::move(spki), SecretBytes(pkcs8.span())});
  return PrivateKeyAccess::make(std::move(data));
}

Result<PrivateKey> import(ByteSpan data, gnutls_x509_crt_fmt_t format, std::string_view passphrase) {
  if (data.empty()) return Error(ErrorCode::kTruncated, "pki: empty private key");
  if (data.size() > kMaxPemSize) return Error(ErrorCode::kLengthTooLarge, "pki: private key input too large");
  CACHET_ASSIGN_OR_RETURN(detail::X509KeyPtr x509, detail::new_x509_key());
  // GnuTLS wants a NUL-terminated passphrase; this copy is wiped on return.
  SecretBytes password(passphrase.size() + 1);
  std::copy(passphrase.begin(), passphrase.end(), password.data());
  const gnutls_datum_t datum = detail::as_datum(data);
  const int rc = gnutls_x509_privkey_import2(
      x509.get(), &datum, format, passphrase.empty() ? nullptr : reinterpret_cast<const char*>(password.data()), 0);
  if (rc == GNUTLS_E_DECRYPTION_FAILED) {
    return Error(ErrorCode::kAuthenticationFailed, "pki: wrong or missing passphrase for the private key");
  }
  if (rc < 0) return detail::gnutls_error(rc, ErrorCode::kInvalidPrivateKey, "pki: private key does not parse");
  return from_x509_key(x509.get());
}

}  // namespace

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem, std::string_view passphrase) {
  return import(as_bytes(pem), GNUTLS_X509_FMT_PEM, passphrase);
}

Result<PrivateKey> PrivateKey::from_der(ByteSpan der, std::string_view passphrase) {
  return import(der, GNUTLS_X509_FMT_DER, passphrase);
}

Result<PrivateKey> PrivateKey::load(ByteSpan data, std::string_view passphrase) {
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.find("-----BEGIN") != std::string_view::npos) return from_pem(text, passphrase);
  return from_der(data, passphrase);
}

Result<PrivateKey> PrivateKey::from_signing_key(crypto::SigningKey key) {
  CACHET_ASSIGN_OR_RETURN(detail::X509KeyPtr x509, detail::new_x509_key());
  int rc = 0;
  switch (key.type()) {
    case crypto::KeyType::kRsa: {
      crypto::RsaPrivateComponents c = key.rsa_components();
      const gnutls_datum_t n = detail::as_datum(c.n), e = detail::as_datum(c.e), d = detail::as_datum(c.d),
                           p = detail::as_datum(c.p), q = detail::as_datum(c.q), u = detail::as_datum(c.qinv),
                           e1 = detail::as_datum(c.dp), e2 = detail::as_datum(c.dq);
      rc = gnutls_x509_privkey_import_rsa_raw2(x509.get(), &n, &e, &d, &p, &q, &u, &e1, &e2);
      wipe(c);
      break;
    }
    case crypto::KeyType::kEcP256:
    case crypto::KeyType::kEcP384: {
      const bool p256 = key.type() == crypto::KeyType::kEcP256;
      // The public point is scalar·G, which is exactly an ECDH public key.
      CACHET_ASSIGN_OR_RETURN(
          crypto::KeyShare share,
          crypto::KeyShare::from_private(p256 ? crypto::NamedGroup::kSecp256r1 : crypto::NamedGroup::kSecp384r1,
                                         key.private_bytes()));
      const size_t field = p256 ? 32 : 48;
      const ByteSpan point = share.public_key();
      if (point.size() != 1 + 2 * field) return Error(ErrorCode::kInternal, "pki: unexpected EC point size");
      const gnutls_datum_t x = detail::as_datum(point.subspan(1, field));
      const gnutls_datum_t y = detail::as_datum(point.subspan(1 + field, field));
      const gnutls_datum_t k = detail::as_datum(key.private_bytes());
      rc = gnutls_x509_privkey_import_ecc_raw(x509.get(), p256 ? GNUTLS_ECC_CURVE_SECP256R1 : GNUTLS_ECC_CURVE_SECP384R1,
                                              &x, &y, &k);
      break;
    }
    case crypto::KeyType::kEd25519: {
      // RFC 8410 §7: OneAsymmetricKey v1 with the 32-byte seed; GnuTLS
      // derives the public key on import.
      static constexpr std::array<uint8_t, 16> kPrefix = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                                          0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
      const SecretBytes& seed = key.private_bytes();
      if (seed.size() != 32) return Error(ErrorCode::kInvalidPrivateKey, "pki: Ed25519 seed has a wrong length");
      SecretBytes der(kPrefix.size() + seed.size());
      std::copy(kPrefix.begin(), kPrefix.end(), der.data());
      std::copy(seed.span().begin(), seed.span().end(), der.data() + kPrefix.size());
      const gnutls_datum_t datum = detail::as_datum(der);
      rc = gnutls_x509_privkey_import(x509.get(), &datum, GNUTLS_X509_FMT_DER);
      break;
    }
  }
  if (rc < 0) return detail::gnutls_error(rc, ErrorCode::kInvalidPrivateKey, "pki: key components rejected by GnuTLS");
  return from_x509_key(x509.get());
}

crypto::KeyType PrivateKey::type() const noexcept { return data_->key.type(); }
const crypto::SigningKey& PrivateKey::signing_key() const noexcept { return data_->key; }
const Bytes& PrivateKey::subject_public_key_info() const noexcept { return data_->spki; }
const SecretBytes& PrivateKey::pkcs8_der() const noexcept { return data_->pkcs8; }

SecretBytes PrivateKey::to_pem() const {
  Datum out(true);
  const gnutls_datum_t in = detail::as_datum(data_->pkcs8);
  if (gnutls_pem_base64_encode2("PRIVATE KEY", &in, out.get()) < 0) return SecretBytes();
  return SecretBytes(out.span());
}

bool PrivateKey::matches(const Certificate& certificate) const noexcept {
  return data_->spki == certificate.subject_public_key_info();
}

Result<void> PrivateKey::check_matches(const Certificate& certificate) const {
  if (!matches(certificate)) return Error(ErrorCode::kBadKey, "pki: private key does not match the certificate");
  return ok();
}

}  // namespace cachet::pki
