/*
 * Cachet OpenSSL-compatible headers: platform glue.
 * Cachet targets POSIX systems only; the Windows/VMS branches of OpenSSL are
 * deliberately absent.
 */
#ifndef OPENSSL_E_OS2_H
#define OPENSSL_E_OS2_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/macros.h>
#include <stdint.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/types.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_E_OS2_H
#endif

#define OPENSSL_SYS_UNIX
#if defined(__linux__) && !defined(OPENSSL_SYS_LINUX)
# define OPENSSL_SYS_LINUX
#endif

/* Linkage helpers kept for programs that use them in their own headers. */
#define OPENSSL_EXPORT extern
#define OPENSSL_EXTERN extern

/* Signed size type used by a few APIs. */
#define ossl_ssize_t ssize_t
#if defined(SSIZE_MAX)
# define OSSL_SSIZE_MAX SSIZE_MAX
#else
# define OSSL_SSIZE_MAX ((ssize_t)(SIZE_MAX >> 1))
#endif

/* Unused-result checking is off unless explicitly asked for. */
#if defined(UNUSEDRESULT_DEBUG)
# define __owur __attribute__((__warn_unused_result__))
#else
# define __owur
#endif

typedef intmax_t ossl_intmax_t;
typedef uintmax_t ossl_uintmax_t;

/* Attributes usable from public headers in C90, C99+ and C++. */
#if defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L)
# define ossl_inline inline
#elif defined(__GNUC__)
# define ossl_inline __inline__
#else
# define ossl_inline
#endif

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L && !defined(__cplusplus)
# define ossl_noreturn _Noreturn
#elif defined(__GNUC__)
# define ossl_noreturn __attribute__((noreturn))
#else
# define ossl_noreturn
#endif

#if defined(__GNUC__)
# define ossl_unused __attribute__((unused))
#else
# define ossl_unused
#endif

#endif /* OPENSSL_E_OS2_H */
