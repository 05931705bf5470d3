/*
 * Cachet OpenSSL-compatible headers: version numbers.
 *
 * The shim presents itself to programs as OpenSSL 3.0.19 at compile time so
 * that version tests (#if OPENSSL_VERSION_NUMBER >= ...) pick the 3.0 code
 * paths; at run time OpenSSL_version() is where the library can say that it
 * is Cachet underneath.
 */
#ifndef OPENSSL_OPENSSLV_H
#define OPENSSL_OPENSSLV_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#define OPENSSL_VERSION_MAJOR 3
#define OPENSSL_VERSION_MINOR 0
#define OPENSSL_VERSION_PATCH 19
#define OPENSSL_VERSION_PRE_RELEASE ""
#define OPENSSL_VERSION_BUILD_METADATA ""

/* The "3" in libssl.so.3 / libcrypto.so.3. */
#define OPENSSL_SHLIB_VERSION 3

#define OPENSSL_VERSION_PREREQ(maj, min) \
    ((OPENSSL_VERSION_MAJOR << 16) + OPENSSL_VERSION_MINOR >= ((maj) << 16) + (min))

#define OPENSSL_VERSION_STR "3.0.19"
#define OPENSSL_FULL_VERSION_STR "3.0.19"
#define OPENSSL_RELEASE_DATE "27 Jan 2026"
#define OPENSSL_VERSION_TEXT "OpenSSL 3.0.19 27 Jan 2026"

/* 0xMNN00PP0: major 3, minor 0, patch 19 (0x13), status nibble 0. */
#define OPENSSL_VERSION_NUMBER 0x30000130L

/* Pulled in last: macros.h needs the numbers above. */
#include <openssl/macros.h>
#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_OPENSSLV_H
#endif

#endif /* OPENSSL_OPENSSLV_H */
