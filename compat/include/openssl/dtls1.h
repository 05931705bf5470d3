/* Cachet OpenSSL-compatible headers: DTLS framing numbers. */
#ifndef OPENSSL_DTLS1_H
#define OPENSSL_DTLS1_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/macros.h>
#include <openssl/prov_ssl.h>
#include <openssl/opensslconf.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_DTLS1_H
# define DTLS_MIN_VERSION DTLS1_VERSION
# define DTLS_MAX_VERSION DTLS1_2_VERSION
#endif

#define DTLS1_VERSION_MAJOR 0xFE

/* Version argument meaning "any DTLS version the method supports". */
#define DTLS_ANY_VERSION 0x1FFFF

#define DTLS1_COOKIE_LENGTH     255  /* longest HelloVerifyRequest cookie */
#define DTLS1_RT_HEADER_LENGTH  13   /* record header */
#define DTLS1_HM_HEADER_LENGTH  12   /* handshake message header */
#define DTLS1_HM_BAD_FRAGMENT   -2
#define DTLS1_HM_FRAGMENT_RETRY -3
#define DTLS1_CCS_HEADER_LENGTH 1
#define DTLS1_AL_HEADER_LENGTH  2
#define DTLS1_TMO_ALERT_COUNT   12

#endif /* OPENSSL_DTLS1_H */
