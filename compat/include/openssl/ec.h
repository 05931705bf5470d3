/* Cachet OpenSSL-compatible headers: elliptic-curve keys (generation only). */
#ifndef OPENSSL_EC_H
#define OPENSSL_EC_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <string.h>
#include <openssl/macros.h>
#include <openssl/opensslconf.h>
#include <openssl/types.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/evp.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_EC_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* How curve parameters are written: by name or spelled out. */
#define OPENSSL_EC_EXPLICIT_CURVE 0x000
#define OPENSSL_EC_NAMED_CURVE    0x001

/* Curve for EVP_PKEY_CTX-based generation, e.g. NID_X9_62_prime256v1. */
int EVP_PKEY_CTX_set_ec_paramgen_curve_nid(EVP_PKEY_CTX *ctx, int nid);

/* One-shot: an EC EVP_PKEY on the named curve ("P-256", "prime256v1", ...).
 * strstr(curve, "") only type-checks the argument as a string. */
#define EVP_EC_gen(curve) \
    EVP_PKEY_Q_keygen(NULL, NULL, "EC", (char *)(strstr(curve, "")))

#ifndef OPENSSL_NO_DEPRECATED_3_0
OSSL_DEPRECATEDIN_3_0 EC_KEY *EC_KEY_new_by_curve_name(int nid);
OSSL_DEPRECATEDIN_3_0 void EC_KEY_free(EC_KEY *key);
OSSL_DEPRECATEDIN_3_0 int EC_KEY_generate_key(EC_KEY *key);
OSSL_DEPRECATEDIN_3_0 void EC_KEY_set_asn1_flag(EC_KEY *eckey, int asn1_flag);
#endif

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_EC_H */
