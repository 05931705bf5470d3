/*
 * Cachet OpenSSL-compatible headers: API level and deprecation machinery.
 *
 * Programs pick an API level with -DOPENSSL_API_COMPAT=<version>; symbols
 * deprecated at or before that level get a deprecation attribute, and are
 * hidden entirely when OPENSSL_NO_DEPRECATED is also defined.  Define
 * OPENSSL_SUPPRESS_DEPRECATED to keep the declarations without warnings.
 * The rules are the ones OpenSSL 3.0 applies, so a program sees the same
 * warnings with these headers as with the real ones.
 */
#ifndef OPENSSL_MACROS_H
#define OPENSSL_MACROS_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/configuration.h>
#include <openssl/opensslv.h>

#define OPENSSL_MSTR_HELPER(x) #x
#define OPENSSL_MSTR(x) OPENSSL_MSTR_HELPER(x)

/* For source files that would otherwise be empty. */
#define NON_EMPTY_TRANSLATION_UNIT static void *dummy = &dummy;

/* ---- deprecation attributes ------------------------------------------ */
#ifndef OSSL_DEPRECATED
# if !defined(OPENSSL_SUPPRESS_DEPRECATED) && defined(__GNUC__) \
     && (__GNUC__ > 4 || (__GNUC__ == 4 && __GNUC_MINOR__ >= 5))
#  define OSSL_DEPRECATED(since) \
     __attribute__((deprecated("Since OpenSSL " #since)))
#  define OSSL_DEPRECATED_FOR(since, message) \
     __attribute__((deprecated("Since OpenSSL " #since ";" message)))
# elif !defined(OPENSSL_SUPPRESS_DEPRECATED) && defined(__GNUC__)
#  define OSSL_DEPRECATED(since) __attribute__((deprecated))
#  define OSSL_DEPRECATED_FOR(since, message) __attribute__((deprecated))
# else
#  define OSSL_DEPRECATED(since) extern
#  define OSSL_DEPRECATED_FOR(since, message) extern
# endif
#endif

/* ---- API level --------------------------------------------------------- */
#ifdef OPENSSL_API_LEVEL
# error "OPENSSL_API_LEVEL must not be defined by application"
#endif

#ifdef OPENSSL_API_COMPAT
# if OPENSSL_API_COMPAT < 0x900000L
   /* new style: MAJOR * 10000 + MINOR * 100 */
#  define OPENSSL_API_LEVEL (OPENSSL_API_COMPAT)
# else
   /* old style 0xMNNFFPPSL version number */
#  define OPENSSL_API_LEVEL                          \
     (((OPENSSL_API_COMPAT >> 28) & 0xF) * 10000     \
      + ((OPENSSL_API_COMPAT >> 20) & 0xFF) * 100    \
      + ((OPENSSL_API_COMPAT >> 12) & 0xFF))
# endif
#else
# define OPENSSL_API_LEVEL (OPENSSL_CONFIGURED_API)
#endif

#if OPENSSL_API_LEVEL > OPENSSL_CONFIGURED_API
# error "The requested API level higher than the configured API compatibility level"
#endif
#if OPENSSL_API_LEVEL > (OPENSSL_VERSION_MAJOR * 10000 + OPENSSL_VERSION_MINOR * 100)
# error "OPENSSL_API_COMPAT expresses an impossible API compatibility level"
#endif
#if OPENSSL_API_LEVEL < 30000 && OPENSSL_API_LEVEL >= 20000
# error "OPENSSL_API_COMPAT expresses an impossible API compatibility level"
#endif
#if OPENSSL_API_LEVEL < 908
# error "OPENSSL_API_COMPAT expresses an impossible API compatibility level"
#endif

/*
 * Per-release switches.  For each release R that deprecated something:
 *   level >= R, no OPENSSL_NO_DEPRECATED -> OSSL_DEPRECATEDIN_R warns
 *   level >= R, OPENSSL_NO_DEPRECATED    -> OPENSSL_NO_DEPRECATED_R hides
 *   level <  R                           -> plain declaration
 */
#if OPENSSL_API_LEVEL >= 30000
# ifndef OPENSSL_NO_DEPRECATED
#  define OSSL_DEPRECATEDIN_3_0 OSSL_DEPRECATED(3.0)
#  define OSSL_DEPRECATEDIN_3_0_FOR(msg) OSSL_DEPRECATED_FOR(3.0, msg)
# else
#  define OPENSSL_NO_DEPRECATED_3_0
# endif
#else
# define OSSL_DEPRECATEDIN_3_0
# define OSSL_DEPRECATEDIN_3_0_FOR(msg)
#endif

#if OPENSSL_API_LEVEL >= 10101
# ifndef OPENSSL_NO_DEPRECATED
#  define OSSL_DEPRECATEDIN_1_1_1 OSSL_DEPRECATED(1.1.1)
#  define OSSL_DEPRECATEDIN_1_1_1_FOR(msg) OSSL_DEPRECATED_FOR(1.1.1, msg)
# else
#  define OPENSSL_NO_DEPRECATED_1_1_1
# endif
#else
# define OSSL_DEPRECATEDIN_1_1_1
# define OSSL_DEPRECATEDIN_1_1_1_FOR(msg)
#endif

#if OPENSSL_API_LEVEL >= 10100
# ifndef OPENSSL_NO_DEPRECATED
#  define OSSL_DEPRECATEDIN_1_1_0 OSSL_DEPRECATED(1.1.0)
#  define OSSL_DEPRECATEDIN_1_1_0_FOR(msg) OSSL_DEPRECATED_FOR(1.1.0, msg)
# else
#  define OPENSSL_NO_DEPRECATED_1_1_0
# endif
#else
# define OSSL_DEPRECATEDIN_1_1_0
# define OSSL_DEPRECATEDIN_1_1_0_FOR(msg)
#endif

#if OPENSSL_API_LEVEL >= 10002
# ifndef OPENSSL_NO_DEPRECATED
#  define OSSL_DEPRECATEDIN_1_0_2 OSSL_DEPRECATED(1.0.2)
#  define OSSL_DEPRECATEDIN_1_0_2_FOR(msg) OSSL_DEPRECATED_FOR(1.0.2, msg)
# else
#  define OPENSSL_NO_DEPRECATED_1_0_2
# endif
#else
# define OSSL_DEPRECATEDIN_1_0_2
# define OSSL_DEPRECATEDIN_1_0_2_FOR(msg)
#endif

#if OPENSSL_API_LEVEL >= 10001
# ifndef OPENSSL_NO_DEPRECATED
#  define OSSL_DEPRECATEDIN_1_0_1 OSSL_DEPRECATED(1.0.1)
#  define OSSL_DEPRECATEDIN_1_0_1_FOR(msg) OSSL_DEPRECATED_FOR(1.0.1, msg)
# else
#  define OPENSSL_NO_DEPRECATED_1_0_1
# endif
#else
# define OSSL_DEPRECATEDIN_1_0_1
# define OSSL_DEPRECATEDIN_1_0_1_FOR(msg)
#endif

#if OPENSSL_API_LEVEL >= 10000
# ifndef OPENSSL_NO_DEPRECATED
#  define OSSL_DEPRECATEDIN_1_0_0 OSSL_DEPRECATED(1.0.0)
#  define OSSL_DEPRECATEDIN_1_0_0_FOR(msg) OSSL_DEPRECATED_FOR(1.0.0, msg)
# else
#  define OPENSSL_NO_DEPRECATED_1_0_0
# endif
#else
# define OSSL_DEPRECATEDIN_1_0_0
# define OSSL_DEPRECATEDIN_1_0_0_FOR(msg)
#endif

#if OPENSSL_API_LEVEL >= 908
# ifndef OPENSSL_NO_DEPRECATED
#  define OSSL_DEPRECATEDIN_0_9_8 OSSL_DEPRECATED(0.9.8)
#  define OSSL_DEPRECATEDIN_0_9_8_FOR(msg) OSSL_DEPRECATED_FOR(0.9.8, msg)
# else
#  define OPENSSL_NO_DEPRECATED_0_9_8
# endif
#else
# define OSSL_DEPRECATEDIN_0_9_8
# define OSSL_DEPRECATEDIN_0_9_8_FOR(msg)
#endif

/* ---- source location used by the allocation and error macros ----------- */
#ifndef OPENSSL_FILE
# ifdef OPENSSL_NO_FILENAMES
#  define OPENSSL_FILE ""
#  define OPENSSL_LINE 0
# else
#  define OPENSSL_FILE __FILE__
#  define OPENSSL_LINE __LINE__
# endif
#endif

/* Function name: C99 __func__, GNU C90 __FUNCTION__, otherwise a placeholder. */
#if !defined(OPENSSL_FUNC) && defined(__STDC_VERSION__)
# if __STDC_VERSION__ >= 199901L
#  define OPENSSL_FUNC __func__
# elif defined(__GNUC__) && __GNUC__ >= 2
#  define OPENSSL_FUNC __FUNCTION__
# endif
#endif
#ifndef OPENSSL_FUNC
# define OPENSSL_FUNC "(unknown function)"
#endif

#endif /* OPENSSL_MACROS_H */
