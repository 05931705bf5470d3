// X509: certificates loaded (cachet::Certificate) or built with X509_new and
// the setters, then signed by X509_sign (cachet::CertificateBuilder).
#include "pki_local.hpp"

#include <strings.h>

#include <cstdio>
#include <cstring>
#include <ctime>

namespace cachet_compat {

// X509_get0_pubkey's object, made when the key is set (never lazily, so
// concurrent readers of a shared certificate do not race).
static void x509_refresh_pubkey_view(X509* x) {
  EVP_PKEY_free(x->pubkey_view);
  x->pubkey_view = x->key ? pkey_from_public(*x->key) : nullptr;
}

void x509_load_fields(X509* x) {
  const cachet::Certificate& c = *x->cert;
  x->version = c.version();
  asn1_integer_from_magnitude(&x->serial, c.serial_number(), c.serial_negative());
  asn1_time_from_unix(&x->not_before, c.not_before_unix());
  asn1_time_from_unix(&x->not_after, c.not_after_unix());
  x->subject.name = c.subject();
  x->issuer.name = c.issuer();
  auto key = c.public_key();
  if (key) x->key = *key;
  else x->key.reset();
  x509_refresh_pubkey_view(x);
  x->touched = false;
}

X509* x509_from_certificate(const cachet::Certificate& cert) {
  X509* x = X509_new();
  if (x == nullptr) return nullptr;
  x->cert = cert;
  x509_load_fields(x);
  return x;
}

const cachet::Certificate* x509_certificate(const X509* x, const char* func) {
  if (x == nullptr) {
    raise(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER, __FILE__, __LINE__, func, "no certificate");
    return nullptr;
  }
  if (!x->cert || x->touched) {
    raise(ERR_LIB_X509, ERR_R_UNSUPPORTED, __FILE__, __LINE__, func,
          "certificate not signed (or changed after signing): call X509_sign first");
    return nullptr;
  }
  return &*x->cert;
}

}  // namespace cachet_compat

using namespace cachet_compat;

namespace {

std::string hash_name(const EVP_MD* md) { return md == nullptr ? std::string() : std::string(md->cachet_name); }

ASN1_TIME* adjust_time(ASN1_TIME* s, int64_t base, int64_t offset) {
  ASN1_TIME* t = s != nullptr ? s : new (std::nothrow) asn1_string_st();
  if (t == nullptr) return nullptr;
  asn1_time_from_unix(t, base + offset);
  return t;
}

}  // namespace

extern "C" {

X509* X509_new(void) {
  auto* x = new (std::nothrow) x509_st();
  if (x == nullptr) return nullptr;
  x->serial.type = V_ASN1_INTEGER;
  x->serial.touched = &x->touched;
  x->not_before.touched = &x->touched;
  x->not_after.touched = &x->touched;
  x->subject.touched = &x->touched;
  x->issuer.touched = &x->touched;
  return x;
}

void X509_free(X509* a) {
  if (a == nullptr || a->refs.fetch_sub(1) != 1) return;
  EVP_PKEY_free(a->pubkey_view);
  delete a;
}

int X509_up_ref(X509* x) {
  if (x == nullptr) return 0;
  x->refs.fetch_add(1);
  return 1;
}

X509* X509_dup(const X509* a) {
  if (a == nullptr) return nullptr;
  X509* x = X509_new();
  if (x == nullptr) return nullptr;
  x->cert = a->cert;
  x->version = a->version;
  x->serial.type = a->serial.type;
  x->serial.data = a->serial.data;
  x->not_before.type = a->not_before.type;
  x->not_before.data = a->not_before.data;
  x->not_after.type = a->not_after.type;
  x->not_after.data = a->not_after.data;
  x->subject.name = a->subject.name;
  x->issuer.name = a->issuer.name;
  x->key = a->key;
  x509_refresh_pubkey_view(x);
  x->touched = a->touched;
  return x;
}

X509* d2i_X509(X509** a, const unsigned char** in, long len) {
  if (in == nullptr || *in == nullptr || len <= 0) {
    PKI_RAISE(ERR_LIB_ASN1, ERR_R_PASSED_NULL_PARAMETER, "no input");
    return nullptr;
  }
  const size_t n = der_tlv_length(*in, static_cast<size_t>(len));
  if (n == 0) {
    PKI_RAISE(ERR_LIB_ASN1, ERR_R_PASSED_INVALID_ARGUMENT, "not a DER structure (truncated or malformed)");
    return nullptr;
  }
  auto cert = cachet::Certificate::from_der(std::span<const uint8_t>(*in, n));
  if (!cert) {
    PKI_RAISE_ERROR(ERR_LIB_ASN1, cert.error());
    return nullptr;
  }
  X509* x;
  if (a != nullptr && *a != nullptr) {
    x = *a;
    x->cert = *cert;
    x509_load_fields(x);
  } else {
    x = x509_from_certificate(*cert);
    if (x == nullptr) return nullptr;
    if (a != nullptr) *a = x;
  }
  *in += n;
  return x;
}

int i2d_X509(const X509* a, unsigned char** out) {
  const cachet::Certificate* c = x509_certificate(a, __func__);
  if (c == nullptr) return -1;
  return i2d_output(c->der(), out);
}

X509* d2i_X509_bio(BIO* bp, X509** x509) {
  const auto der = read_der_from_bio(bp);
  if (!der) {
    PKI_RAISE(ERR_LIB_ASN1, ERR_R_PASSED_INVALID_ARGUMENT, "no DER certificate in the BIO");
    return nullptr;
  }
  const unsigned char* p = der->data();
  return d2i_X509(x509, &p, static_cast<long>(der->size()));
}

long X509_get_version(const X509* x) { return x == nullptr ? 0 : x->version; }

int X509_set_version(X509* x, long version) {
  if (x == nullptr || version < 0 || version > 2) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_INVALID_ARGUMENT, "version must be 0, 1 or 2");
    return 0;
  }
  if (x->version != version) x->touched = true;
  x->version = version;
  return 1;
}

ASN1_INTEGER* X509_get_serialNumber(X509* x) { return x == nullptr ? nullptr : &x->serial; }

int X509_set_serialNumber(X509* x, ASN1_INTEGER* serial) {
  if (x == nullptr || serial == nullptr) return 0;
  if (&x->serial != serial) asn1_integer_from_magnitude(&x->serial, serial->data, serial->type == kV_ASN1_NEG_INTEGER);
  return 1;
}

X509_NAME* X509_get_subject_name(const X509* a) { return a == nullptr ? nullptr : const_cast<X509_NAME*>(&a->subject); }

X509_NAME* X509_get_issuer_name(const X509* a) { return a == nullptr ? nullptr : const_cast<X509_NAME*>(&a->issuer); }

int X509_set_subject_name(X509* x, const X509_NAME* name) {
  if (x == nullptr || name == nullptr) return 0;
  x->subject.name = name->name;
  x->touched = true;
  return 1;
}

int X509_set_issuer_name(X509* x, const X509_NAME* name) {
  if (x == nullptr || name == nullptr) return 0;
  x->issuer.name = name->name;
  x->touched = true;
  return 1;
}

const ASN1_TIME* X509_get0_notBefore(const X509* x) { return x == nullptr ? nullptr : &x->not_before; }
const ASN1_TIME* X509_get0_notAfter(const X509* x) { return x == nullptr ? nullptr : &x->not_after; }
ASN1_TIME* X509_getm_notBefore(const X509* x) { return x == nullptr ? nullptr : const_cast<ASN1_TIME*>(&x->not_before); }
ASN1_TIME* X509_getm_notAfter(const X509* x) { return x == nullptr ? nullptr : const_cast<ASN1_TIME*>(&x->not_after); }

ASN1_TIME* X509_gmtime_adj(ASN1_TIME* s, long adj) { return adjust_time(s, std::time(nullptr), adj); }

ASN1_TIME* X509_time_adj_ex(ASN1_TIME* s, int offset_day, long offset_sec, time_t* t) {
  const int64_t base = t != nullptr ? static_cast<int64_t>(*t) : static_cast<int64_t>(std::time(nullptr));
  return adjust_time(s, base, static_cast<int64_t>(offset_day) * 86400 + offset_sec);
}

int X509_set_pubkey(X509* x, EVP_PKEY* pkey) {
  const auto pub = pkey_public(pkey);
  if (x == nullptr || !pub) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER, "no certificate or key");
    return 0;
  }
  x->key = *pub;
  x->touched = true;
  x509_refresh_pubkey_view(x);
  return 1;
}

EVP_PKEY* X509_get0_pubkey(const X509* x) {
  if (x == nullptr || x->pubkey_view == nullptr) {
    if (x != nullptr && x->cert)
      PKI_RAISE(ERR_LIB_X509, ERR_R_UNSUPPORTED, "public key algorithm unsupported");
    return nullptr;
  }
  return x->pubkey_view;
}

EVP_PKEY* X509_get_pubkey(X509* x) {
  EVP_PKEY* pkey = X509_get0_pubkey(x);
  if (pkey != nullptr) EVP_PKEY_up_ref(pkey);
  return pkey;
}

int X509_check_private_key(const X509* x509, const EVP_PKEY* pkey) {
  const cachet::PrivateKey* key = pkey_private(pkey);
  if (x509 == nullptr || key == nullptr) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER, "no certificate or private key");
    return 0;
  }
  if (!x509->key) {
    PKI_RAISE(ERR_LIB_X509, 145 /* X509_R_UNABLE_TO_GET_CERTS_PUBLIC_KEY */, "unable to get the certificate's public key");
    return 0;
  }
  if (x509->key->type() != key->type()) {
    PKI_RAISE(ERR_LIB_X509, kX509ReasonKeyTypeMismatch, "key type mismatch");
    return 0;
  }
  if (!key->matches(*x509->key)) {
    PKI_RAISE(ERR_LIB_X509, kX509ReasonKeyValuesMismatch, "key values mismatch");
    return 0;
  }
  return 1;
}

int X509_sign(X509* x, EVP_PKEY* pkey, const EVP_MD* md) {
  const cachet::PrivateKey* key = pkey_private(pkey);
  if (x == nullptr || key == nullptr) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER, "no certificate or private key");
    return 0;
  }
  if (!x->key) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_INVALID_ARGUMENT, "no public key set (X509_set_pubkey)");
    return 0;
  }
  if (x->serial.type == kV_ASN1_NEG_INTEGER) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_UNSUPPORTED, "negative serial numbers cannot be issued");
    return 0;
  }
  const auto not_before = asn1_time_to_unix(&x->not_before);
  const auto not_after = asn1_time_to_unix(&x->not_after);
  if (!not_before || !not_after) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_INVALID_ARGUMENT, "validity times not set");
    return 0;
  }
  // As OpenSSL 3.0: Ed25519 takes no digest (a non-NULL one is an error);
  // NULL for RSA or ECDSA means SHA-256 (Cachet's "").
  if (key->type() == cachet::KeyType::kEd25519 && md != nullptr) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_INVALID_ARGUMENT, "invalid digest: Ed25519 signs without one (pass NULL)");
    return 0;
  }
  const std::string hash = hash_name(md);
  cachet::CertificateBuilder builder;
  builder.set_version(static_cast<int>(x->version))
      .set_serial(x->serial.data)
      .set_not_before(*not_before)
      .set_not_after(*not_after)
      .set_subject(x->subject.name)
      .set_issuer(x->issuer.name)
      .set_public_key(*x->key);
  auto cert = builder.sign(*key, hash);
  if (!cert) {
    PKI_RAISE_ERROR(ERR_LIB_X509, cert.error());
    return 0;
  }
  x->cert = *cert;
  x509_load_fields(x);
  return static_cast<int>(x->cert->signature().size());
}

int X509_verify(X509* a, EVP_PKEY* r) {
  const auto pub = pkey_public(r);
  if (a == nullptr || !pub) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER, "no certificate or key");
    return -1;
  }
  const cachet::Certificate* c = x509_certificate(a, __func__);
  if (c == nullptr) return -1;
  auto ok = c->verify_signature(*pub);
  if (!ok) {
    PKI_RAISE_ERROR(ERR_LIB_X509, ok.error());
    return 0;
  }
  return 1;
}

int X509_digest(const X509* data, const EVP_MD* type, unsigned char* md, unsigned int* len) {
  const cachet::Certificate* c = x509_certificate(data, __func__);
  if (c == nullptr || type == nullptr || md == nullptr) {
    if (c != nullptr) PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER, "no digest or output");
    return 0;
  }
  auto digest = c->fingerprint(type->cachet_name);
  if (!digest) {
    PKI_RAISE_ERROR(ERR_LIB_X509, digest.error());
    return 0;
  }
  std::memcpy(md, digest->data(), digest->size());
  if (len != nullptr) *len = static_cast<unsigned int>(digest->size());
  return 1;
}

int X509_pubkey_digest(const X509* data, const EVP_MD* type, unsigned char* md, unsigned int* len) {
  (void)data, (void)type, (void)md, (void)len;
  PKI_RAISE(ERR_LIB_X509, ERR_R_UNSUPPORTED, "public key digests are not supported by Cachet's libcrypto");
  return 0;
}

int X509_print(BIO* bp, X509* x) {
  const cachet::Certificate* c = x509_certificate(x, __func__);
  if (c == nullptr || bp == nullptr) return 0;
  const std::string text = c->text();
  return BIO_write(bp, text.data(), static_cast<int>(text.size())) == static_cast<int>(text.size()) ? 1 : 0;
}

int X509_print_fp(FILE* bp, X509* x) {
  const cachet::Certificate* c = x509_certificate(x, __func__);
  if (c == nullptr || bp == nullptr) return 0;
  const std::string text = c->text();
  return std::fwrite(text.data(), 1, text.size(), bp) == text.size() ? 1 : 0;
}

int X509_check_host(X509* x, const char* chk, size_t chklen, unsigned int flags, char** peername) {
  if (peername != nullptr) *peername = nullptr;
  if (x == nullptr || chk == nullptr) return -2;
  if (chklen == 0) chklen = std::strlen(chk);
  else if (std::memchr(chk, '\0', chklen) != nullptr) return -2;
  if (flags != 0) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_UNSUPPORTED, "X509_check_host flags are unsupported (default matching only)");
    return -1;
  }
  const cachet::Certificate* c = x509_certificate(x, __func__);
  if (c == nullptr) return -1;
  const std::string host(chk, chklen);
  if (!c->check_host(host)) return 0;
  if (peername != nullptr) {
    // The certificate's name that matched: exact, wildcard, or the CN.
    std::string matched;
    const size_t dot = host.find('.');
    for (const std::string& n : c->dns_names()) {
      if (strcasecmp(n.c_str(), host.c_str()) == 0) matched = n;
      else if (matched.empty() && n.rfind("*.", 0) == 0 && dot != std::string::npos &&
               strcasecmp(n.c_str() + 1, host.c_str() + dot) == 0)
        matched = n;
    }
    if (matched.empty()) matched = c->subject().find("CN").value_or(host);
    *peername = OPENSSL_strdup(matched.c_str());
  }
  return 1;
}

const char* X509_verify_cert_error_string(long n) {
  switch (n) {
    case X509_V_OK: return "ok";
    case X509_V_ERR_UNSPECIFIED: return "unspecified certificate verification error";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT: return "unable to get issuer certificate";
    case X509_V_ERR_UNABLE_TO_GET_CRL: return "unable to get certificate CRL";
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE: return "unable to decrypt certificate's signature";
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE: return "unable to decrypt CRL's signature";
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: return "unable to decode issuer public key";
    case X509_V_ERR_CERT_SIGNATURE_FAILURE: return "certificate signature failure";
    case X509_V_ERR_CRL_SIGNATURE_FAILURE: return "CRL signature failure";
    case X509_V_ERR_CERT_NOT_YET_VALID: return "certificate is not yet valid";
    case X509_V_ERR_CERT_HAS_EXPIRED: return "certificate has expired";
    case X509_V_ERR_CRL_NOT_YET_VALID: return "CRL is not yet valid";
    case X509_V_ERR_CRL_HAS_EXPIRED: return "CRL has expired";
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD: return "format error in certificate's notBefore field";
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD: return "format error in certificate's notAfter field";
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD: return "format error in CRL's lastUpdate field";
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD: return "format error in CRL's nextUpdate field";
    case X509_V_ERR_OUT_OF_MEM: return "out of memory";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return "self-signed certificate";
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "self-signed certificate in certificate chain";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: return "unable to get local issuer certificate";
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return "unable to verify the first certificate";
    case X509_V_ERR_CERT_CHAIN_TOO_LONG: return "certificate chain too long";
    case X509_V_ERR_CERT_REVOKED: return "certificate revoked";
    case X509_V_ERR_NO_ISSUER_PUBLIC_KEY: return "issuer certificate doesn't have a public key";
    case X509_V_ERR_PATH_LENGTH_EXCEEDED: return "path length constraint exceeded";
    case X509_V_ERR_INVALID_PURPOSE: return "unsuitable certificate purpose";
    case X509_V_ERR_CERT_UNTRUSTED: return "certificate not trusted";
    case X509_V_ERR_CERT_REJECTED: return "certificate rejected";
    case X509_V_ERR_SUBJECT_ISSUER_MISMATCH: return "subject issuer mismatch";
    case X509_V_ERR_AKID_SKID_MISMATCH: return "authority and subject key identifier mismatch";
    case X509_V_ERR_AKID_ISSUER_SERIAL_MISMATCH: return "authority and issuer serial number mismatch";
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN: return "key usage does not include certificate signing";
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER: return "unable to get CRL issuer certificate";
    case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION: return "unhandled critical extension";
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN: return "key usage does not include CRL signing";
    case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION: return "unhandled critical CRL extension";
    case X509_V_ERR_INVALID_NON_CA: return "invalid non-CA certificate (has CA markings)";
    case X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED: return "proxy path length constraint exceeded";
    case X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE: return "key usage does not include digital signature";
    case X509_V_ERR_PROXY_CERTIFICATES_NOT_ALLOWED:
      return "proxy certificates not allowed, please set the appropriate flag";
    case X509_V_ERR_INVALID_EXTENSION: return "invalid or inconsistent certificate extension";
    case X509_V_ERR_INVALID_POLICY_EXTENSION: return "invalid or inconsistent certificate policy extension";
    case X509_V_ERR_NO_EXPLICIT_POLICY: return "no explicit policy";
    case X509_V_ERR_DIFFERENT_CRL_SCOPE: return "Different CRL scope";
    case X509_V_ERR_UNSUPPORTED_EXTENSION_FEATURE: return "Unsupported extension feature";
    case X509_V_ERR_UNNESTED_RESOURCE: return "RFC 3779 resource not subset of parent's resources";
    case X509_V_ERR_PERMITTED_VIOLATION: return "permitted subtree violation";
    case X509_V_ERR_EXCLUDED_VIOLATION: return "excluded subtree violation";
    case X509_V_ERR_SUBTREE_MINMAX: return "name constraints minimum and maximum not supported";
    case X509_V_ERR_APPLICATION_VERIFICATION: return "application verification failure";
    case X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE: return "unsupported name constraint type";
    case X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX: return "unsupported or invalid name constraint syntax";
    case X509_V_ERR_UNSUPPORTED_NAME_SYNTAX: return "unsupported or invalid name syntax";
    case X509_V_ERR_CRL_PATH_VALIDATION_ERROR: return "CRL path validation error";
    case X509_V_ERR_PATH_LOOP: return "Path Loop";
    case X509_V_ERR_SUITE_B_INVALID_VERSION: return "Suite B: certificate version invalid";
    case X509_V_ERR_SUITE_B_INVALID_ALGORITHM: return "Suite B: invalid public key algorithm";
    case X509_V_ERR_SUITE_B_INVALID_CURVE: return "Suite B: invalid ECC curve";
    case X509_V_ERR_SUITE_B_INVALID_SIGNATURE_ALGORITHM: return "Suite B: invalid signature algorithm";
    case X509_V_ERR_SUITE_B_LOS_NOT_ALLOWED: return "Suite B: curve not allowed for this LOS";
    case X509_V_ERR_SUITE_B_CANNOT_SIGN_P_384_WITH_P_256: return "Suite B: cannot sign P-384 with P-256";
    case X509_V_ERR_HOSTNAME_MISMATCH: return "hostname mismatch";
    case X509_V_ERR_EMAIL_MISMATCH: return "email address mismatch";
    case X509_V_ERR_IP_ADDRESS_MISMATCH: return "IP address mismatch";
    case X509_V_ERR_DANE_NO_MATCH: return "no matching DANE TLSA records";
    case X509_V_ERR_EE_KEY_TOO_SMALL: return "EE certificate key too weak";
    case X509_V_ERR_CA_KEY_TOO_SMALL: return "CA certificate key too weak";
    case X509_V_ERR_CA_MD_TOO_WEAK: return "CA signature digest algorithm too weak";
    case X509_V_ERR_INVALID_CALL: return "invalid certificate verification context";
    case X509_V_ERR_STORE_LOOKUP: return "issuer certificate lookup error";
    case X509_V_ERR_NO_VALID_SCTS: return "Certificate Transparency required, but no valid SCTs found";
    case X509_V_ERR_PROXY_SUBJECT_NAME_VIOLATION: return "proxy subject name violation";
    case X509_V_ERR_OCSP_VERIFY_NEEDED: return "OCSP verification needed";
    case X509_V_ERR_OCSP_VERIFY_FAILED: return "OCSP verification failed";
    case X509_V_ERR_OCSP_CERT_UNKNOWN: return "OCSP unknown cert";
    case X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM: return "Cannot find certificate signature algorithm";
    case X509_V_ERR_SIGNATURE_ALGORITHM_MISMATCH: return "subject signature algorithm and issuer public key algorithm mismatch";
    case X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY:
      return "cert info siganature and signature algorithm mismatch";
    case X509_V_ERR_INVALID_CA: return "invalid CA certificate";
    case X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA: return "Path length invalid for non-CA cert";
    case X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN: return "Path length given without key usage keyCertSign";
    case X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA: return "Key usage keyCertSign invalid for non-CA cert";
    case X509_V_ERR_ISSUER_NAME_EMPTY: return "Issuer name empty";
    case X509_V_ERR_SUBJECT_NAME_EMPTY: return "Subject name empty";
    case X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER: return "Missing Authority Key Identifier";
    case X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER: return "Missing Subject Key Identifier";
    case X509_V_ERR_EMPTY_SUBJECT_ALT_NAME: return "Empty Subject Alternative Name extension";
    case X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL:
      return "Subject empty and Subject Alt Name extension not critical";
    case X509_V_ERR_CA_BCONS_NOT_CRITICAL: return "Basic Constraints of CA cert not marked critical";
    case X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL: return "Authority Key Identifier marked critical";
    case X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL: return "Subject Key Identifier marked critical";
    case X509_V_ERR_CA_CERT_MISSING_KEY_USAGE: return "CA cert does not include key usage extension";
    case X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3: return "Using cert extension requires at least X509v3";
    case X509_V_ERR_EC_KEY_EXPLICIT_PARAMS: return "Certificate public key has explicit ECC parameters";
    default: {
      // OpenSSL formats unknown codes into a static buffer; so do we (per thread).
      static thread_local char buf[48];
      std::snprintf(buf, sizeof buf, "error number %ld", n);
      return buf;
    }
  }
}

}  // extern "C"
