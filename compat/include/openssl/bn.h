/*
 * Cachet OpenSSL-compatible headers: big numbers, only as far as
 * certificate serial numbers and RSA exponents need them.
 */
#ifndef OPENSSL_BN_H
#define OPENSSL_BN_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <stdio.h>
#include <openssl/macros.h>
#include <openssl/e_os2.h>
#include <openssl/opensslconf.h>
#include <openssl/types.h>
#include <openssl/crypto.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_BN_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* "top" and "bottom" arguments of BN_rand(). */
#define BN_RAND_TOP_ANY    -1   /* no constraint on the top bit */
#define BN_RAND_TOP_ONE    0    /* top bit set */
#define BN_RAND_TOP_TWO    1    /* top two bits set */
#define BN_RAND_BOTTOM_ANY 0
#define BN_RAND_BOTTOM_ODD 1

BIGNUM *BN_new(void);
void BN_free(BIGNUM *a);
int BN_set_word(BIGNUM *a, unsigned long w);
int BN_num_bits(const BIGNUM *a);
int BN_rand(BIGNUM *rnd, int bits, int top, int bottom);
#ifndef OPENSSL_NO_DEPRECATED_3_0
OSSL_DEPRECATEDIN_3_0
int BN_pseudo_rand(BIGNUM *rnd, int bits, int top, int bottom);
#endif

/* Big-endian magnitude conversions. */
BIGNUM *BN_bin2bn(const unsigned char *s, int len, BIGNUM *ret);
int BN_bn2bin(const BIGNUM *a, unsigned char *to);
/* Upper-case hex; free with OPENSSL_free(). */
char *BN_bn2hex(const BIGNUM *a);

#define BN_num_bytes(a) ((BN_num_bits(a) + 7) / 8)
#define BN_one(a) (BN_set_word((a), 1))

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_BN_H */
