/* Cachet OpenSSL-compatible headers: SSL 2.0 remnants (the version number). */
#ifndef OPENSSL_SSL2_H
#define OPENSSL_SSL2_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/macros.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_SSL2_H
#endif

#define SSL2_VERSION 0x0002

#endif /* OPENSSL_SSL2_H */
