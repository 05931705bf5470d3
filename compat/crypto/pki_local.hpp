// libcrypto's X509/EVP/PEM/BN/ASN1/RSA/EC/OBJ subset: the private structs
// behind the opaque handles, over include/cachet/pki.hpp. Uses libcrypto's
// core (BIO, ERR, memory, stacks) only through its exported functions.
#pragma once

#ifndef OPENSSL_FUNC
#define OPENSSL_FUNC __func__
#endif

// This library defines the deprecated legacy calls (RSA_*, EC_KEY_*) too.
#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif

#pragma GCC visibility push(default)
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/stack.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#pragma GCC visibility pop

#include <cachet/pki.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// OpenSSL's library reason codes used here (facts of OpenSSL 3.0).
inline constexpr int kPemReasonBadPasswordRead = 104;  // PEM_R_BAD_PASSWORD_READ
inline constexpr int kPemReasonNoStartLine = 108;      // PEM_R_NO_START_LINE
inline constexpr int kX509ReasonKeyTypeMismatch = 115;     // X509_R_KEY_TYPE_MISMATCH
inline constexpr int kX509ReasonKeyValuesMismatch = 116;   // X509_R_KEY_VALUES_MISMATCH
inline constexpr int kV_ASN1_NEG_INTEGER = 2 | 0x100;      // V_ASN1_NEG_INTEGER

// ASN1_STRING and its aliases (ASN1_INTEGER: magnitude big-endian, type
// V_ASN1_INTEGER or V_ASN1_NEG_INTEGER; ASN1_TIME: the UTCTime or
// GeneralizedTime text). `touched` points at the owning certificate's
// "changed since signing" flag, when it belongs to one.
struct asn1_string_st {
  int type = V_ASN1_OCTET_STRING;
  std::vector<uint8_t> data;
  bool* touched = nullptr;
  void touch() {
    if (touched != nullptr) *touched = true;
  }
};

struct asn1_object_st {
  int nid = NID_undef;
};

struct bignum_st {
  std::vector<uint8_t> magnitude;  // big-endian, no leading zeros (empty: zero)
  bool negative = false;
};

struct X509_name_st {
  cachet::Name name;
  bool* touched = nullptr;
};

struct evp_md_st {
  const char* name;         // OpenSSL's short name ("SHA256")
  const char* cachet_name;  // the hash name Cachet takes
  int size;
  int nid;
};

struct rsa_st {
  std::atomic<int> refs{1};
  std::optional<cachet::PrivateKey> key;
};

struct ec_key_st {
  std::atomic<int> refs{1};
  int curve_nid = NID_undef;
  std::optional<cachet::PrivateKey> key;
};

struct evp_pkey_st {
  std::atomic<int> refs{1};
  std::optional<cachet::PrivateKey> priv;
  std::optional<cachet::PublicKey> pub;  // set when only the public half is known
  RSA* rsa = nullptr;                    // assigned with EVP_PKEY_assign (owned)
  EC_KEY* ec = nullptr;                  // assigned or set1 (a reference)
};

struct evp_pkey_ctx_st {
  int id = NID_undef;
  int rsa_bits = 2048;
  int curve_nid = NID_X9_62_prime256v1;
  bool keygen_ready = false;
};

struct evp_md_ctx_st {
  const EVP_MD* md = nullptr;
};

struct x509_st {
  std::atomic<int> refs{1};
  std::optional<cachet::Certificate> cert;  // the signed certificate, once there is one
  bool touched = false;                     // changed since `cert` was signed or loaded
  long version = 0;
  ASN1_INTEGER serial;
  ASN1_TIME not_before;
  ASN1_TIME not_after;
  X509_NAME subject;
  X509_NAME issuer;
  std::optional<cachet::PublicKey> key;
  EVP_PKEY* pubkey_view = nullptr;  // X509_get0_pubkey's (owned), made with `key`
};

struct x509_store_st {
  std::atomic<int> refs{1};
  std::vector<X509*> certs;  // each holds a reference
};

struct x509_store_ctx_st {
  X509_STORE* store = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* untrusted = nullptr;
  X509* current = nullptr;
  int error = X509_V_OK;
  int error_depth = 0;
  std::map<int, void*> ex_data;
};

namespace cachet_compat {

// An ERR entry: lib, reason and a data string naming the cause.
void raise(int lib, int reason, const char* file, int line, const char* func, const char* what);
#define PKI_RAISE(lib, reason, what) ::cachet_compat::raise((lib), (reason), __FILE__, __LINE__, __func__, (what))
// An ERR entry for a cachet::Error.
void raise_error(int lib, const cachet::Error& error, const char* file, int line, const char* func);
#define PKI_RAISE_ERROR(lib, error) ::cachet_compat::raise_error((lib), (error), __FILE__, __LINE__, __func__)

// Copies `bytes` into an i2d_* output: NULL out only measures, *out NULL
// allocates (OPENSSL_malloc), else writes and advances *out.
int i2d_output(std::span<const uint8_t> bytes, unsigned char** out);
// The length of the DER TLV at the start of `in` (0 when malformed or longer
// than `avail`).
size_t der_tlv_length(const unsigned char* in, size_t avail);
// Reads one DER TLV from a BIO (d2i_*_bio).
std::optional<std::vector<uint8_t>> read_der_from_bio(BIO* bio);
std::vector<uint8_t> base64_decode(std::string_view text);

// ASN1 helpers.
void asn1_integer_from_magnitude(ASN1_INTEGER* a, std::span<const uint8_t> magnitude, bool negative);
void asn1_time_from_unix(ASN1_TIME* t, int64_t unix_seconds);
std::optional<int64_t> asn1_time_to_unix(const ASN1_TIME* t);

// Key helpers.
int nid_for_key_type(cachet::KeyType type);
const cachet::PrivateKey* pkey_private(const EVP_PKEY* pkey);
std::optional<cachet::PublicKey> pkey_public(const EVP_PKEY* pkey);
EVP_PKEY* pkey_from_private(const cachet::PrivateKey& key);
EVP_PKEY* pkey_from_public(const cachet::PublicKey& key);

// Certificate helpers.
X509* x509_from_certificate(const cachet::Certificate& cert);
void x509_load_fields(X509* x);
// The signed certificate, or NULL (with an ERR entry) when it has none or was
// changed after signing.
const cachet::Certificate* x509_certificate(const X509* x, const char* func);

// Object table.
struct ObjectInfo {
  int nid;
  const char* sn;
  const char* ln;
  const char* oid;
};
const ObjectInfo* object_by_nid(int nid);

}  // namespace cachet_compat
