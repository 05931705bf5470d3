/* Cachet OpenSSL-compatible headers: host name checking (the only v3 part). */
#ifndef OPENSSL_X509V3_H
#define OPENSSL_X509V3_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/macros.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/conf.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_X509V3_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Flags for X509_check_host(). */
#define X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT    0x1
#define X509_CHECK_FLAG_NO_WILDCARDS            0x2
#define X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS    0x4
#define X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS   0x8
#define X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS 0x10
#define X509_CHECK_FLAG_NEVER_CHECK_SUBJECT     0x20

/* 1 on match; chklen 0 means strlen(chk); *peername (if given) gets a copy
 * of the matched name to OPENSSL_free(). */
int X509_check_host(X509 *x, const char *chk, size_t chklen,
                    unsigned int flags, char **peername);

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_X509V3_H */
