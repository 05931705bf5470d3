/*
 * tests/compat/crypto_test.h: the little harness of the libcrypto core tests.
 *
 * A test program is a list of cases; each prints "CASE PASS: name" or
 * "CASE FAIL: name" (with the failed checks above it).  V(expr) prints
 * "  expr = value" and yields the value, so a program's output records what
 * the library returned: the same program built against the system's
 * OpenSSL 3.0 must print the same lines (build_crypto_core.sh diffs them).
 */
#ifndef CACHET_TESTS_COMPAT_CRYPTO_TEST_H
#define CACHET_TESTS_COMPAT_CRYPTO_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *ct_case_name = "";
static int ct_case_failures;
static int ct_failed_cases;

static inline void case_begin(const char *name)
{
    ct_case_name = name;
    ct_case_failures = 0;
    printf("-- %s\n", name);
}

static inline void ct_check(int ok, const char *expr, int line)
{
    if (!ok) {
        ct_case_failures++;
        printf("  check failed (line %d): %s\n", line, expr);
    }
}

#define CHECK(cond) ct_check((cond) ? 1 : 0, #cond, __LINE__)

static inline void case_end(void)
{
    printf("CASE %s: %s\n", ct_case_failures ? "FAIL" : "PASS", ct_case_name);
    if (ct_case_failures)
        ct_failed_cases++;
}

static inline long ct_show(const char *expr, long value)
{
    printf("  %s = %ld\n", expr, value);
    return value;
}

/* Print and return an integral result. */
#define V(expr) ct_show(#expr, (long)(expr))

/* Print a string (or "(null)"). */
static inline const char *ct_show_str(const char *expr, const char *s)
{
    printf("  %s = %s%s%s\n", expr, s ? "\"" : "", s ? s : "(null)", s ? "\"" : "");
    return s;
}
#define S(expr) ct_show_str(#expr, (expr))

static inline void ct_init(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
}

static inline int ct_finish(void)
{
    return ct_failed_cases ? 1 : 0;
}

#endif /* CACHET_TESTS_COMPAT_CRYPTO_TEST_H */
