/* Cachet OpenSSL-compatible headers: DTLS-SRTP (RFC 5764 use_srtp). */
#ifndef OPENSSL_SRTP_H
#define OPENSSL_SRTP_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/macros.h>
#include <openssl/ssl.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_D1_SRTP_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Protection profile identifiers (SRTP_PROTECTION_PROFILE.id). */
#define SRTP_AES128_CM_SHA1_80 0x0001
#define SRTP_AES128_CM_SHA1_32 0x0002
#define SRTP_AES128_F8_SHA1_80 0x0003
#define SRTP_AES128_F8_SHA1_32 0x0004
#define SRTP_NULL_SHA1_80      0x0005
#define SRTP_NULL_SHA1_32      0x0006
#define SRTP_AEAD_AES_128_GCM  0x0007
#define SRTP_AEAD_AES_256_GCM  0x0008

/* profiles: colon-separated names, e.g. "SRTP_AES128_CM_SHA1_80".
 * Note the inverted convention: these return 0 on success, 1 on error. */
int SSL_CTX_set_tlsext_use_srtp(SSL_CTX *ctx, const char *profiles);
int SSL_set_tlsext_use_srtp(SSL *ssl, const char *profiles);

/* NULL when no profile was negotiated. */
SRTP_PROTECTION_PROFILE *SSL_get_selected_srtp_profile(SSL *s);

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_SRTP_H */
