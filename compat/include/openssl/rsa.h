/* Cachet OpenSSL-compatible headers: RSA keys (generation only). */
#ifndef OPENSSL_RSA_H
#define OPENSSL_RSA_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/macros.h>
#include <openssl/opensslconf.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/types.h>
#include <openssl/bn.h>
#include <openssl/safestack.h>
#include <openssl/evp.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_RSA_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Common public exponents. */
#define RSA_3  0x3L
#define RSA_F4 0x10001L

/* Modulus size for EVP_PKEY_CTX-based generation. */
int EVP_PKEY_CTX_set_rsa_keygen_bits(EVP_PKEY_CTX *ctx, int bits);

/* One-shot: an RSA EVP_PKEY with e = 65537. */
#define EVP_RSA_gen(bits) \
    EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)(0 + (bits)))

#ifndef OPENSSL_NO_DEPRECATED_3_0
OSSL_DEPRECATEDIN_3_0 RSA *RSA_new(void);
OSSL_DEPRECATEDIN_3_0 void RSA_free(RSA *r);
/* cb must be NULL. */
OSSL_DEPRECATEDIN_3_0
int RSA_generate_key_ex(RSA *rsa, int bits, BIGNUM *e, BN_GENCB *cb);
#endif

#ifndef OPENSSL_NO_DEPRECATED_0_9_8
OSSL_DEPRECATEDIN_0_9_8
RSA *RSA_generate_key(int bits, unsigned long e,
                      void (*callback)(int, int, void *), void *cb_arg);
#endif

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_RSA_H */
