/*
 * Cachet OpenSSL-compatible headers: build configuration.
 *
 * Part of Cachet's own OpenSSL 3.0 API surface (see compat/README.md).
 * Only the DTLS subset of the OpenSSL API is provided; the feature macros
 * below tell programs which optional parts are missing so that code guarded
 * by "#ifndef OPENSSL_NO_xxx" is compiled out instead of failing.
 */
#ifndef OPENSSL_CONFIGURATION_H
#define OPENSSL_CONFIGURATION_H

/*
 * Every header marks itself as a system header, which is how compilers treat
 * OpenSSL's own headers under /usr/include: warnings arising inside macro
 * expansions (e.g. an unused (int)BIO_ctrl(...) result) do not reach the
 * program.  Define CACHET_COMPAT_HEADER_WARNINGS to get full warnings, as
 * Cachet's own header checks do.
 */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

/* API level the shim implements: 3.0 (major * 10000 + minor * 100). */
#define OPENSSL_CONFIGURED_API 30000

#define OPENSSL_THREADS

/* Absent in Debian's OpenSSL 3.0 build as well. */
#ifndef OPENSSL_NO_SSL3
# define OPENSSL_NO_SSL3
#endif
#ifndef OPENSSL_NO_SSL3_METHOD
# define OPENSSL_NO_SSL3_METHOD
#endif
#ifndef OPENSSL_NO_SCTP
# define OPENSSL_NO_SCTP
#endif
#ifndef OPENSSL_NO_HEARTBEATS
# define OPENSSL_NO_HEARTBEATS
#endif
#ifndef OPENSSL_NO_WEAK_SSL_CIPHERS
# define OPENSSL_NO_WEAK_SSL_CIPHERS
#endif
#ifndef OPENSSL_NO_EGD
# define OPENSSL_NO_EGD
#endif
#ifndef OPENSSL_NO_MD2
# define OPENSSL_NO_MD2
#endif
#ifndef OPENSSL_NO_RC5
# define OPENSSL_NO_RC5
#endif
#ifndef OPENSSL_NO_IDEA
# define OPENSSL_NO_IDEA
#endif
#ifndef OPENSSL_NO_MDC2
# define OPENSSL_NO_MDC2
#endif

/*
 * Subsystems the Cachet shim does not provide at all (real OpenSSL has
 * them).  Programs that honour these macros skip the corresponding code.
 */
#ifndef OPENSSL_NO_ENGINE
# define OPENSSL_NO_ENGINE
#endif
#ifndef OPENSSL_NO_DH
# define OPENSSL_NO_DH
#endif
#ifndef OPENSSL_NO_DSA
# define OPENSSL_NO_DSA
#endif
#ifndef OPENSSL_NO_OCSP
# define OPENSSL_NO_OCSP
#endif
#ifndef OPENSSL_NO_CT
# define OPENSSL_NO_CT
#endif
#ifndef OPENSSL_NO_COMP
# define OPENSSL_NO_COMP
#endif
#ifndef OPENSSL_NO_SRP
# define OPENSSL_NO_SRP
#endif
#ifndef OPENSSL_NO_NEXTPROTONEG
# define OPENSSL_NO_NEXTPROTONEG
#endif
#ifndef OPENSSL_NO_DTLS1_METHOD
# define OPENSSL_NO_DTLS1_METHOD
#endif

/* 64-bit longs on the LP64 targets Cachet supports. */
#define SIXTY_FOUR_BIT_LONG
#undef SIXTY_FOUR_BIT
#undef THIRTY_TWO_BIT
#undef BN_LLONG

#endif /* OPENSSL_CONFIGURATION_H */
