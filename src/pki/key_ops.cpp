#include "pki/key_ops.hpp"

#include <algorithm>
#include <cctype>

#include <arpa/inet.h>
#include <gnutls/crypto.h>

#include "pki/gnutls_util.hpp"
#include "pki/x509_fields.hpp"

namespace cachet::pki {

namespace {

using detail::Datum;

gnutls_digest_algorithm_t gnutls_digest(Digest d) noexcept {
  switch (d) {
    case Digest::kNone: return GNUTLS_DIG_UNKNOWN;
    case Digest::kMd5: return GNUTLS_DIG_MD5;
    case Digest::kSha1: return GNUTLS_DIG_SHA1;
    case Digest::kSha224: return GNUTLS_DIG_SHA224;
    case Digest::kSha256: return GNUTLS_DIG_SHA256;
    case Digest::kSha384: return GNUTLS_DIG_SHA384;
    case Digest::kSha512: return GNUTLS_DIG_SHA512;
  }
  return GNUTLS_DIG_UNKNOWN;
}

// The GnuTLS signature algorithm for a key and hash: PKCS#1 v1.5 for RSA,
// ECDSA for EC keys, pure EdDSA (no hash) for Ed25519.
Result<gnutls_sign_algorithm_t> sign_algorithm(gnutls_pk_algorithm_t pk, Digest d) {
  if (pk == GNUTLS_PK_EDDSA_ED25519) {
    if (d != Digest::kNone) return Error(ErrorCode::kInvalidArgument, "pki: Ed25519 takes no hash");
    return GNUTLS_SIGN_EDDSA_ED25519;
  }
  if (d == Digest::kNone || d == Digest::kMd5) return Error(ErrorCode::kInvalidArgument, "pki: a hash is required");
  if (pk != GNUTLS_PK_RSA && pk != GNUTLS_PK_ECDSA) return Error(ErrorCode::kUnsupported, "pki: key algorithm");
  const gnutls_sign_algorithm_t algorithm = gnutls_pk_to_sign(pk, gnutls_digest(d));
  if (algorithm == GNUTLS_SIGN_UNKNOWN) return Error(ErrorCode::kUnsupported, "pki: no such signature algorithm");
  return algorithm;
}

Result<detail::PrivkeyPtr> gnutls_private_key(const PrivateKey& key) {
  CACHET_ASSIGN_OR_RETURN(detail::X509KeyPtr x509, detail::new_x509_key());
  const gnutls_datum_t pkcs8 = detail::as_datum(key.pkcs8_der());
  if (int rc = gnutls_x509_privkey_import(x509.get(), &pkcs8, GNUTLS_X509_FMT_DER); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: cannot reload the private key");
  }
  CACHET_ASSIGN_OR_RETURN(detail::PrivkeyPtr signer, detail::new_privkey());
  // GNUTLS_PRIVKEY_IMPORT_COPY: the x509 key is freed when we return.
  if (int rc = gnutls_privkey_import_x509(signer.get(), x509.get(), GNUTLS_PRIVKEY_IMPORT_COPY); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: cannot use the private key");
  }
  return signer;
}

Result<detail::X509KeyPtr> gnutls_x509_key(const PrivateKey& key) {
  CACHET_ASSIGN_OR_RETURN(detail::X509KeyPtr x509, detail::new_x509_key());
  const gnutls_datum_t pkcs8 = detail::as_datum(key.pkcs8_der());
  if (int rc = gnutls_x509_privkey_import(x509.get(), &pkcs8, GNUTLS_X509_FMT_DER); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: cannot reload the private key");
  }
  return x509;
}

Result<void> verify_with(gnutls_pubkey_t key, gnutls_sign_algorithm_t algorithm, ByteSpan data, ByteSpan signature) {
  const gnutls_datum_t d = detail::as_datum(data), s = detail::as_datum(signature);
  // X509_verify does not apply a security level, so SHA-1 signatures still
  // verify (MD5 ones do not: GnuTLS refuses them outright).
  const int rc = gnutls_pubkey_verify_data2(key, algorithm, GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1, &d, &s);
  if (rc < 0) return Error(ErrorCode::kInvalidSignature, "pki: signature does not verify");
  return ok();
}

}  // namespace

std::optional<Digest> digest_by_name(std::string_view name) noexcept {
  std::string n;
  for (char c : name) {
    if (c != '-' && c != '_') n.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (n.empty()) return Digest::kNone;
  if (n == "MD5") return Digest::kMd5;
  if (n == "SHA1") return Digest::kSha1;
  if (n == "SHA224") return Digest::kSha224;
  if (n == "SHA256") return Digest::kSha256;
  if (n == "SHA384") return Digest::kSha384;
  if (n == "SHA512") return Digest::kSha512;
  return std::nullopt;
}

Result<Bytes> digest(Digest algorithm, ByteSpan data) {
  const gnutls_digest_algorithm_t d = gnutls_digest(algorithm);
  if (d == GNUTLS_DIG_UNKNOWN) return Error(ErrorCode::kInvalidArgument, "pki: a hash is required");
  Bytes out(gnutls_hash_get_len(d));
  if (int rc = gnutls_hash_fast(d, data.data(), data.size(), out.data()); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: hashing failed");
  }
  return out;
}

Result<Bytes> sign_data(const PrivateKey& key, Digest algorithm, ByteSpan data) {
  CACHET_ASSIGN_OR_RETURN(detail::PrivkeyPtr signer, gnutls_private_key(key));
  const auto pk = static_cast<gnutls_pk_algorithm_t>(gnutls_privkey_get_pk_algorithm(signer.get(), nullptr));
  CACHET_ASSIGN_OR_RETURN(gnutls_sign_algorithm_t sign, sign_algorithm(pk, algorithm));
  const gnutls_datum_t d = detail::as_datum(data);
  Datum signature;
  if (int rc = gnutls_privkey_sign_data2(signer.get(), sign, 0, &d, signature.get()); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: signing failed");
  }
  return signature.bytes();
}

Result<void> verify_data(ByteSpan spki, Digest algorithm, ByteSpan data, ByteSpan signature) {
  CACHET_ASSIGN_OR_RETURN(detail::PubkeyPtr key, detail::import_spki(spki));
  const auto pk = static_cast<gnutls_pk_algorithm_t>(gnutls_pubkey_get_pk_algorithm(key.get(), nullptr));
  CACHET_ASSIGN_OR_RETURN(gnutls_sign_algorithm_t sign, sign_algorithm(pk, algorithm));
  return verify_with(key.get(), sign, data, signature);
}

Result<void> verify_certificate_signature(ByteSpan certificate_der, ByteSpan issuer_spki) {
  CACHET_ASSIGN_OR_RETURN(CertificateFields fields, parse_certificate_fields(certificate_der));
  // RFC 5280 §4.1.1.2: the outer algorithm must equal the signed one.
  if (!std::equal(fields.tbs_signature.encoded.begin(), fields.tbs_signature.encoded.end(),
                  fields.signature_algorithm.encoded.begin(), fields.signature_algorithm.encoded.end())) {
    return Error(ErrorCode::kInvalidSignature, "pki: signature algorithm mismatch");
  }
  CACHET_ASSIGN_OR_RETURN(detail::CrtPtr crt, detail::import_crt_der(certificate_der));
  const int algorithm = gnutls_x509_crt_get_signature_algorithm(crt.get());
  if (algorithm <= 0 || algorithm == GNUTLS_SIGN_UNKNOWN) {
    return Error(ErrorCode::kUnsupported, "pki: unknown certificate signature algorithm");
  }
  CACHET_ASSIGN_OR_RETURN(detail::PubkeyPtr key, detail::import_spki(issuer_spki));
  return verify_with(key.get(), static_cast<gnutls_sign_algorithm_t>(algorithm), fields.tbs, fields.signature);
}

bool check_host(const Certificate& certificate, std::string_view host) {
  if (host.empty() || host.find('\0') != std::string_view::npos) return false;
  const std::string name(host);
  uint8_t address[16];
  if (inet_pton(AF_INET, name.c_str(), address) == 1 || inet_pton(AF_INET6, name.c_str(), address) == 1) {
    // X509_check_host treats an address as a name: it matches a dNSName (or,
    // without any, the CN) spelling it, never an iPAddress entry, which
    // GnuTLS would consult.
    auto same = [&name](const std::string& candidate) {
      return std::equal(candidate.begin(), candidate.end(), name.begin(), name.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                    std::tolower(static_cast<unsigned char>(b)); });
    };
    const auto& dns = certificate.dns_names();
    if (!dns.empty()) return std::any_of(dns.begin(), dns.end(), same);
    const auto cn = certificate.subject().common_name();
    return cn.has_value() && same(*cn);
  }
  auto crt = detail::import_crt_der(certificate.der());
  if (!crt) return false;
  return gnutls_x509_crt_check_hostname2(crt->get(), name.c_str(), 0) != 0;
}

bool check_ip(ByteSpan certificate_der, ByteSpan address) {
  if (address.size() != 4 && address.size() != 16) return false;
  auto crt = detail::import_crt_der(certificate_der);
  if (!crt) return false;
  return gnutls_x509_crt_check_ip(crt->get(), address.data(), static_cast<unsigned>(address.size()), 0) != 0;
}

Result<SecretBytes> traditional_pem(const PrivateKey& key) {
  if (key.type() == crypto::KeyType::kEd25519) {
    return Error(ErrorCode::kUnsupported, "pki: Ed25519 keys have no traditional encoding");
  }
  CACHET_ASSIGN_OR_RETURN(detail::X509KeyPtr x509, gnutls_x509_key(key));
  Datum out(true);
  if (int rc = gnutls_x509_privkey_export2(x509.get(), GNUTLS_X509_FMT_PEM, out.get()); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: cannot encode the private key");
  }
  return SecretBytes(out.span());
}

Result<SecretBytes> encrypted_pkcs8_pem(const PrivateKey& key, std::string_view passphrase) {
  if (passphrase.empty() || passphrase.find('\0') != std::string_view::npos) {
    return Error(ErrorCode::kInvalidArgument, "pki: a non-empty passphrase is required");
  }
  CACHET_ASSIGN_OR_RETURN(detail::X509KeyPtr x509, gnutls_x509_key(key));
  SecretBytes password(passphrase.size() + 1);  // NUL-terminated, wiped on return
  std::copy(passphrase.begin(), passphrase.end(), password.data());
  Datum out(true);
  if (int rc = gnutls_x509_privkey_export2_pkcs8(x509.get(), GNUTLS_X509_FMT_PEM,
                                                 reinterpret_cast<const char*>(password.data()),
                                                 GNUTLS_PKCS_PBES2_AES_256, out.get());
      rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: cannot encrypt the private key");
  }
  return SecretBytes(out.span());
}

std::string spki_pem(ByteSpan spki) {
  Datum out;
  const gnutls_datum_t in = detail::as_datum(spki);
  if (gnutls_pem_base64_encode2("PUBLIC KEY", &in, out.get()) < 0) return {};
  return out.str();
}

}  // namespace cachet::pki
