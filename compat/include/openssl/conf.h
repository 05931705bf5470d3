/*
 * Cachet OpenSSL-compatible headers: configuration files.
 * The shim reads no openssl.cnf; only the CONF type name is provided so that
 * headers which mention it compile.
 */
#ifndef OPENSSL_CONF_H
#define OPENSSL_CONF_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/macros.h>
#include <openssl/bio.h>
#include <openssl/safestack.h>
#include <openssl/e_os2.h>
#include <openssl/types.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_CONF_H
#endif

#endif /* OPENSSL_CONF_H */
