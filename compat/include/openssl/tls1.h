/* Cachet OpenSSL-compatible headers: TLS-level numbers (alerts, SNI). */
#ifndef OPENSSL_TLS1_H
#define OPENSSL_TLS1_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/macros.h>
#include <openssl/prov_ssl.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_TLS1_H
#endif

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define TLS_MAX_VERSION TLS1_3_VERSION
#endif

/* Version argument meaning "whatever the method supports". */
#define TLS_ANY_VERSION 0x10000

#define TLS1_VERSION_MAJOR   0x03
#define TLS1_VERSION_MINOR   0x01
#define TLS1_1_VERSION_MAJOR 0x03
#define TLS1_1_VERSION_MINOR 0x02
#define TLS1_2_VERSION_MAJOR 0x03
#define TLS1_2_VERSION_MINOR 0x03

/* Alert descriptions added by TLS 1.0 - 1.3 (see also SSL3_AD_*). */
#define TLS1_AD_DECRYPTION_FAILED              21
#define TLS1_AD_RECORD_OVERFLOW                22
#define TLS1_AD_UNKNOWN_CA                     48
#define TLS1_AD_ACCESS_DENIED                  49
#define TLS1_AD_DECODE_ERROR                   50
#define TLS1_AD_DECRYPT_ERROR                  51
#define TLS1_AD_EXPORT_RESTRICTION             60
#define TLS1_AD_PROTOCOL_VERSION               70
#define TLS1_AD_INSUFFICIENT_SECURITY          71
#define TLS1_AD_INTERNAL_ERROR                 80
#define TLS1_AD_INAPPROPRIATE_FALLBACK         86
#define TLS1_AD_USER_CANCELLED                 90
#define TLS1_AD_NO_RENEGOTIATION               100
#define TLS13_AD_MISSING_EXTENSION             109
#define TLS1_AD_UNSUPPORTED_EXTENSION          110
#define TLS1_AD_CERTIFICATE_UNOBTAINABLE       111
#define TLS1_AD_UNRECOGNIZED_NAME              112
#define TLS1_AD_BAD_CERTIFICATE_STATUS_RESPONSE 113
#define TLS1_AD_BAD_CERTIFICATE_HASH_VALUE     114
#define TLS1_AD_UNKNOWN_PSK_IDENTITY           115
#define TLS13_AD_CERTIFICATE_REQUIRED          116
#define TLS1_AD_NO_APPLICATION_PROTOCOL        120

/* Server Name Indication. */
#define TLSEXT_NAMETYPE_host_name 0
#define TLSEXT_MAXLEN_host_name   255

#endif /* OPENSSL_TLS1_H */
