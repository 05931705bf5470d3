/* Cachet OpenSSL-compatible headers: configuration entry point. */
#ifndef OPENSSL_OPENSSLCONF_H
#define OPENSSL_OPENSSLCONF_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/configuration.h>
#include <openssl/macros.h>

#endif /* OPENSSL_OPENSSLCONF_H */
