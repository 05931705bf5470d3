/* Cachet OpenSSL-compatible headers: digest sizes (use EVP for hashing). */
#ifndef OPENSSL_SHA_H
#define OPENSSL_SHA_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <stddef.h>
#include <openssl/macros.h>
#include <openssl/e_os2.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_SHA_H
#endif

#define SHA_DIGEST_LENGTH    20
#define SHA224_DIGEST_LENGTH 28
#define SHA256_DIGEST_LENGTH 32
#define SHA384_DIGEST_LENGTH 48
#define SHA512_DIGEST_LENGTH 64

#endif /* OPENSSL_SHA_H */
