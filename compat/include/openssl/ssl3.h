/*
 * Cachet OpenSSL-compatible headers: record and handshake numbers shared by
 * SSL 3.0, TLS and DTLS, as seen by message and info callbacks.
 */
#ifndef OPENSSL_SSL3_H
#define OPENSSL_SSL3_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/macros.h>
#include <openssl/prov_ssl.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_SSL3_H
#endif

#define SSL3_VERSION_MAJOR      0x03
#define SSL3_VERSION_MINOR      0x00
#define SSL3_RANDOM_SIZE        32
#define SSL3_MASTER_SECRET_SIZE 48
#define SSL3_SESSION_ID_SIZE    32

/* Record content types ("content_type" of the message callback). */
#define SSL3_RT_CHANGE_CIPHER_SPEC  20
#define SSL3_RT_ALERT               21
#define SSL3_RT_HANDSHAKE           22
#define SSL3_RT_APPLICATION_DATA    23
/* Pseudo content types: a record header / a TLS 1.3 inner type byte. */
#define SSL3_RT_HEADER              0x100
#define SSL3_RT_INNER_CONTENT_TYPE  0x101

#define SSL3_RT_HEADER_LENGTH       5
#define SSL3_RT_MAX_PLAIN_LENGTH    16384

/* Alert levels. */
#define SSL3_AL_WARNING 1
#define SSL3_AL_FATAL   2

/* Alert descriptions defined by SSL 3.0. */
#define SSL3_AD_CLOSE_NOTIFY            0
#define SSL3_AD_UNEXPECTED_MESSAGE      10
#define SSL3_AD_BAD_RECORD_MAC          20
#define SSL3_AD_DECOMPRESSION_FAILURE   30
#define SSL3_AD_HANDSHAKE_FAILURE       40
#define SSL3_AD_NO_CERTIFICATE          41
#define SSL3_AD_BAD_CERTIFICATE         42
#define SSL3_AD_UNSUPPORTED_CERTIFICATE 43
#define SSL3_AD_CERTIFICATE_REVOKED     44
#define SSL3_AD_CERTIFICATE_EXPIRED     45
#define SSL3_AD_CERTIFICATE_UNKNOWN     46
#define SSL3_AD_ILLEGAL_PARAMETER       47

/* Handshake message types. */
#define SSL3_MT_HELLO_REQUEST         0
#define SSL3_MT_CLIENT_HELLO          1
#define SSL3_MT_SERVER_HELLO          2
#define SSL3_MT_NEWSESSION_TICKET     4
#define SSL3_MT_END_OF_EARLY_DATA     5
#define SSL3_MT_ENCRYPTED_EXTENSIONS  8
#define SSL3_MT_CERTIFICATE           11
#define SSL3_MT_SERVER_KEY_EXCHANGE   12
#define SSL3_MT_CERTIFICATE_REQUEST   13
#define SSL3_MT_SERVER_DONE           14
#define SSL3_MT_CERTIFICATE_VERIFY    15
#define SSL3_MT_CLIENT_KEY_EXCHANGE   16
#define SSL3_MT_FINISHED              20
#define SSL3_MT_CERTIFICATE_URL       21
#define SSL3_MT_CERTIFICATE_STATUS    22
#define SSL3_MT_SUPPLEMENTAL_DATA     23
#define SSL3_MT_KEY_UPDATE            24
#define SSL3_MT_NEXT_PROTO            67
#define SSL3_MT_MESSAGE_HASH          254
#define DTLS1_MT_HELLO_VERIFY_REQUEST 3

/* Body byte of a ChangeCipherSpec message, and the pseudo message type used
 * when reporting it alongside handshake messages. */
#define SSL3_MT_CCS                1
#define SSL3_MT_CHANGE_CIPHER_SPEC 0x0101

#endif /* OPENSSL_SSL3_H */
