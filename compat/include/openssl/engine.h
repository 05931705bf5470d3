/*
 * Cachet OpenSSL-compatible headers: engines.
 * Cachet has no engines (OPENSSL_NO_ENGINE is defined); the ENGINE type
 * exists only because EVP prototypes take an ENGINE * that must be NULL.
 */
#ifndef OPENSSL_ENGINE_H
#define OPENSSL_ENGINE_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/macros.h>
#include <openssl/opensslconf.h>
#include <openssl/types.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_ENGINE_H
#endif

#endif /* OPENSSL_ENGINE_H */
