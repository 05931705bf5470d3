/*
 * Cachet OpenSSL-compatible headers: digests and private/public keys.
 *
 * Digests: SHA-1 and the SHA-2 family (fingerprints, certificate signing).
 * Keys: RSA, EC (P-256/P-384/P-521) and Ed25519, generated, loaded or
 * attached to certificates.  No symmetric ciphers are exposed.
 */
#ifndef OPENSSL_EVP_H
#define OPENSSL_EVP_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <stdarg.h>
#include <stdio.h>
#include <openssl/macros.h>
#include <openssl/opensslconf.h>
#include <openssl/types.h>
#include <openssl/bio.h>
#include <openssl/objects.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_ENVELOPE_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define EVP_MAX_MD_SIZE      64   /* SHA-512 */
#define EVP_MAX_KEY_LENGTH   64
#define EVP_MAX_IV_LENGTH    16
#define EVP_MAX_BLOCK_LENGTH 32

/* Key type identifiers are the NIDs of the algorithms. */
#define EVP_PKEY_NONE    NID_undef
#define EVP_PKEY_RSA     NID_rsaEncryption
#define EVP_PKEY_EC      NID_X9_62_id_ecPublicKey
#define EVP_PKEY_X25519  NID_X25519
#define EVP_PKEY_ED25519 NID_ED25519

/* ---- message digests ------------------------------------------------------ */
const EVP_MD *EVP_sha1(void);
const EVP_MD *EVP_sha256(void);
const EVP_MD *EVP_sha384(void);
const EVP_MD *EVP_sha512(void);
const EVP_MD *EVP_get_digestbyname(const char *name);
#define EVP_get_digestbynid(a) EVP_get_digestbyname(OBJ_nid2sn(a))
#define EVP_get_digestbyobj(a) EVP_get_digestbynid(OBJ_obj2nid(a))

int EVP_MD_get_size(const EVP_MD *md);
#define EVP_MD_size EVP_MD_get_size

EVP_MD_CTX *EVP_MD_CTX_new(void);
void EVP_MD_CTX_free(EVP_MD_CTX *ctx);
#define EVP_MD_CTX_create() EVP_MD_CTX_new()
#define EVP_MD_CTX_destroy(ctx) EVP_MD_CTX_free((ctx))

/* "impl" must be NULL: engines do not exist here. */
int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl);
int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt);
int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s);
int EVP_Digest(const void *data, size_t count, unsigned char *md,
               unsigned int *size, const EVP_MD *type, ENGINE *impl);

/* ---- keys ------------------------------------------------------------------ */
EVP_PKEY *EVP_PKEY_new(void);
void EVP_PKEY_free(EVP_PKEY *pkey);
int EVP_PKEY_up_ref(EVP_PKEY *pkey);
int EVP_PKEY_get_id(const EVP_PKEY *pkey);
int EVP_PKEY_get_bits(const EVP_PKEY *pkey);
#define EVP_PKEY_id EVP_PKEY_get_id
#define EVP_PKEY_bits EVP_PKEY_get_bits

/* DER PrivateKeyInfo / traditional encodings. */
EVP_PKEY *d2i_PrivateKey(int type, EVP_PKEY **a, const unsigned char **pp,
                         long length);
int i2d_PrivateKey(const EVP_PKEY *a, unsigned char **pp);

#ifndef OPENSSL_NO_DEPRECATED_3_0
/* Legacy RSA / EC_KEY attachment; "assign" transfers ownership of key. */
OSSL_DEPRECATEDIN_3_0 int EVP_PKEY_assign(EVP_PKEY *pkey, int type, void *key);
OSSL_DEPRECATEDIN_3_0 RSA *EVP_PKEY_get1_RSA(EVP_PKEY *pkey);
OSSL_DEPRECATEDIN_3_0 int EVP_PKEY_set1_EC_KEY(EVP_PKEY *pkey, EC_KEY *key);
# define EVP_PKEY_assign_RSA(pkey, rsa) \
    EVP_PKEY_assign((pkey), EVP_PKEY_RSA, (rsa))
# define EVP_PKEY_assign_EC_KEY(pkey, eckey) \
    EVP_PKEY_assign((pkey), EVP_PKEY_EC, (eckey))
#endif

/* ---- key generation ------------------------------------------------------- */
/* "e" must be NULL. */
EVP_PKEY_CTX *EVP_PKEY_CTX_new_id(int id, ENGINE *e);
void EVP_PKEY_CTX_free(EVP_PKEY_CTX *ctx);
int EVP_PKEY_keygen_init(EVP_PKEY_CTX *ctx);
int EVP_PKEY_keygen(EVP_PKEY_CTX *ctx, EVP_PKEY **ppkey);

/*
 * One-shot generation.  libctx and propq must be NULL; type is "RSA"
 * (followed by a size_t bit count), "EC" (followed by a curve name string),
 * "ED25519" or "X25519".  See EVP_RSA_gen (rsa.h) and EVP_EC_gen (ec.h).
 */
EVP_PKEY *EVP_PKEY_Q_keygen(OSSL_LIB_CTX *libctx, const char *propq,
                            const char *type, ...);

/* ---- pre-1.1 initialisation ------------------------------------------------ */
#ifndef OPENSSL_NO_DEPRECATED_1_1_0
# define OPENSSL_add_all_algorithms_conf()                             \
    OPENSSL_init_crypto(OPENSSL_INIT_ADD_ALL_CIPHERS                   \
                        | OPENSSL_INIT_ADD_ALL_DIGESTS                 \
                        | OPENSSL_INIT_LOAD_CONFIG, NULL)
# define OPENSSL_add_all_algorithms_noconf()                           \
    OPENSSL_init_crypto(OPENSSL_INIT_ADD_ALL_CIPHERS                   \
                        | OPENSSL_INIT_ADD_ALL_DIGESTS, NULL)
# ifdef OPENSSL_LOAD_CONF
#  define OpenSSL_add_all_algorithms() OPENSSL_add_all_algorithms_conf()
# else
#  define OpenSSL_add_all_algorithms() OPENSSL_add_all_algorithms_noconf()
# endif
# define OpenSSL_add_all_ciphers() \
    OPENSSL_init_crypto(OPENSSL_INIT_ADD_ALL_CIPHERS, NULL)
# define OpenSSL_add_all_digests() \
    OPENSSL_init_crypto(OPENSSL_INIT_ADD_ALL_DIGESTS, NULL)
# define EVP_cleanup() while (0) continue
#endif

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_EVP_H */
