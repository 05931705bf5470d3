/* Cachet OpenSSL-compatible headers: random numbers (OS CSPRNG backed). */
#ifndef OPENSSL_RAND_H
#define OPENSSL_RAND_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <stdlib.h>
#include <openssl/macros.h>
#include <openssl/types.h>
#include <openssl/e_os2.h>
#include <openssl/evp.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_RAND_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* 1 on success, 0 or -1 on failure. */
int RAND_bytes(unsigned char *buf, int num);
int RAND_priv_bytes(unsigned char *buf, int num);
#ifndef OPENSSL_NO_DEPRECATED_1_1_0
OSSL_DEPRECATEDIN_1_1_0 int RAND_pseudo_bytes(unsigned char *buf, int num);
#endif

/* Seeding is accepted and ignored: the generator seeds itself. */
void RAND_seed(const void *buf, int num);
void RAND_add(const void *buf, int num, double randomness);
int RAND_poll(void);
int RAND_status(void);

#ifndef OPENSSL_NO_DEPRECATED_1_1_0
# define RAND_cleanup() while (0) continue
#endif

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_RAND_H */
