#include "pki/generate.hpp"

#include "pki/gnutls_util.hpp"

namespace cachet::pki {

namespace {

constexpr size_t kRandomSerialSize = 16;
constexpr size_t kMaxSerialSize = 20;  // RFC 5280 §4.1.2.2

Result<Bytes> choose_serial(const SelfSignedOptions& options, Random& random) {
  if (!options.serial.empty()) {
    if (options.serial.size() > kMaxSerialSize) return Error(ErrorCode::kInvalidArgument, "pki: serial longer than 20 bytes");
    return options.serial;
  }
  Bytes serial(kRandomSerialSize);
  CACHET_TRY(random.fill(serial));
  serial[0] = static_cast<uint8_t>((serial[0] & 0x7f) | 0x01);  // positive, no leading zero
  return serial;
}

Result<Certificate> sign_certificate(const SelfSignedOptions& options, ByteSpan serial, const PrivateKey& key) {
  CACHET_ASSIGN_OR_RETURN(detail::X509KeyPtr x509, detail::new_x509_key());
  const gnutls_datum_t pkcs8 = detail::as_datum(key.pkcs8_der());
  if (int rc = gnutls_x509_privkey_import(x509.get(), &pkcs8, GNUTLS_X509_FMT_DER); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: cannot reload the generated key");
  }
  CACHET_ASSIGN_OR_RETURN(detail::PrivkeyPtr signer, detail::new_privkey());
  if (int rc = gnutls_privkey_import_x509(signer.get(), x509.get(), 0); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: cannot use the generated key");
  }
  CACHET_ASSIGN_OR_RETURN(detail::CrtPtr crt, detail::new_crt());
  int rc = gnutls_x509_crt_set_version(crt.get(), 3);
  if (rc >= 0) rc = gnutls_x509_crt_set_serial(crt.get(), serial.data(), serial.size());
  if (rc >= 0) rc = gnutls_x509_crt_set_activation_time(crt.get(), static_cast<time_t>(options.not_before));
  if (rc >= 0) rc = gnutls_x509_crt_set_expiration_time(crt.get(), static_cast<time_t>(options.not_after));
  if (rc >= 0) {
    rc = gnutls_x509_crt_set_dn_by_oid(crt.get(), GNUTLS_OID_X520_COMMON_NAME, 0, options.common_name.data(),
                                       static_cast<unsigned>(options.common_name.size()));
  }
  if (rc >= 0) rc = gnutls_x509_crt_set_key(crt.get(), x509.get());
  if (rc >= 0) rc = gnutls_x509_crt_set_basic_constraints(crt.get(), 0, -1);
  if (rc >= 0) {
    unsigned usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
    if (options.key_type == crypto::KeyType::kRsa) usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;
    rc = gnutls_x509_crt_set_key_usage(crt.get(), usage);
  }
  if (rc < 0) return detail::gnutls_error(rc, ErrorCode::kInvalidArgument, "pki: certificate field rejected");
  // Ed25519 hashes inside the signature; GnuTLS wants no digest named for it.
  const gnutls_digest_algorithm_t digest =
      options.key_type == crypto::KeyType::kEd25519 ? GNUTLS_DIG_UNKNOWN : GNUTLS_DIG_SHA256;
  if (rc = gnutls_x509_crt_privkey_sign(crt.get(), crt.get(), signer.get(), digest, 0); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: signing the certificate failed");
  }
  detail::Datum der;
  if (rc = gnutls_x509_crt_export2(crt.get(), GNUTLS_X509_FMT_DER, der.get()); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: cannot encode the certificate");
  }
  return Certificate::from_der(der.span());
}

}  // namespace

SelfSignedOptions SelfSignedOptions::webrtc(const Clock& clock, crypto::KeyType type, int days) {
  SelfSignedOptions options;
  options.key_type = type;
  const int64_t now = clock.unix_seconds();
  options.not_before = now - 86400;  // tolerate peers whose clocks run behind
  options.not_after = now + int64_t{86400} * days;
  return options;
}

Result<SelfSignedCredential> generate_self_signed(const SelfSignedOptions& options, Random& random) {
  if (options.not_after <= options.not_before) return Error(ErrorCode::kInvalidArgument, "pki: empty validity window");
  if (options.common_name.empty() || options.common_name.size() > 64) {
    return Error(ErrorCode::kInvalidArgument, "pki: common name must be 1..64 characters");  // RFC 5280 ub-common-name
  }
  CACHET_ASSIGN_OR_RETURN(Bytes serial, choose_serial(options, random));
  CACHET_ASSIGN_OR_RETURN(crypto::SigningKey signing,
                          crypto::SigningKey::generate(options.key_type, random, options.rsa_bits));
  CACHET_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::from_signing_key(std::move(signing)));
  CACHET_ASSIGN_OR_RETURN(Certificate certificate, sign_certificate(options, serial, key));
  return SelfSignedCredential{std::move(certificate), std::move(key)};
}

}  // namespace cachet::pki
