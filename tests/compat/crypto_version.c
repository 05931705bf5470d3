/*
 * What only Cachet's libcrypto answers this way: OpenSSL_version() says
 * Cachet is underneath while the numbers stay OpenSSL 3.0.19's; the
 * allocator hooks see the memory handed to programs; OPENSSL_cleanup is
 * final.  (Not compared with OpenSSL.)
 */
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <arpa/inet.h>

#include "crypto_test.h"

#ifndef EXPECT_CACHET_VERSION
#error "build with -DEXPECT_CACHET_VERSION='\"x.y.z\"' (configure.ac's version)"
#endif

static int mallocs, frees;

static void *count_malloc(size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    mallocs++;
    return malloc(n);
}

static void *count_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return realloc(p, n);
}

static void count_free(void *p, const char *file, int line)
{
    (void)file;
    (void)line;
    if (p != NULL)
        frees++;
    free(p);
}

static int starts_with(const char *s, const char *prefix)
{
    return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

int main(void)
{
    static const char expected[] = "OpenSSL 3.0.19 compatible (Cachet " EXPECT_CACHET_VERSION ")";
    struct in_addr in;
    BIO_ADDR *a;
    char *s;

    ct_init();
    case_begin("CRYPTO_set_mem_functions before any allocation: hooks see what programs free");
    CHECK(V(CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free)) == 1);
    s = OPENSSL_strdup("x");
    OPENSSL_free(s);
    CHECK(V(mallocs) == 1 && V(frees) == 1);
    a = BIO_ADDR_new();
    inet_pton(AF_INET, "192.0.2.7", &in);
    BIO_ADDR_rawmake(a, AF_INET, &in, sizeof in, htons(5684));
    s = BIO_ADDR_hostname_string(a, 1);
    CHECK(V(mallocs) == 2);
    CHECK(strcmp(S(s), "192.0.2.7") == 0);
    OPENSSL_free(s);
    CHECK(V(frees) == 2);
    BIO_ADDR_free(a);
    case_end();

    case_begin("OpenSSL_version: Cachet's text, OpenSSL 3.0.19's numbers");
    CHECK(strcmp(S(OpenSSL_version(OPENSSL_VERSION)), expected) == 0);
    CHECK(V(OpenSSL_version_num()) == 0x30000130L);
    CHECK(V(OpenSSL_version_num()) == OPENSSL_VERSION_NUMBER);
    CHECK(V(OPENSSL_version_major()) == 3 && V(OPENSSL_version_minor()) == 0 && V(OPENSSL_version_patch()) == 19);
    CHECK(strcmp(S(OpenSSL_version(OPENSSL_VERSION_STRING)), "3.0.19") == 0);
    CHECK(strcmp(S(OpenSSL_version(OPENSSL_FULL_VERSION_STRING)), "3.0.19") == 0);
    CHECK(starts_with(S(OpenSSL_version(OPENSSL_CFLAGS)), "compiler: "));
    CHECK(starts_with(S(OpenSSL_version(OPENSSL_BUILT_ON)), "built on: "));
    CHECK(starts_with(S(OpenSSL_version(OPENSSL_PLATFORM)), "platform: "));
    CHECK(starts_with(S(OpenSSL_version(OPENSSL_DIR)), "OPENSSLDIR: \""));
    CHECK(starts_with(S(OpenSSL_version(OPENSSL_ENGINES_DIR)), "ENGINESDIR: \""));
    CHECK(starts_with(S(OpenSSL_version(OPENSSL_MODULES_DIR)), "MODULESDIR: \""));
    CHECK(starts_with(S(OpenSSL_version(OPENSSL_CPU_INFO)), "CPUINFO: "));
    CHECK(strcmp(S(OpenSSL_version(-1)), "not available") == 0);
    CHECK(strcmp(S(SSLeay_version(SSLEAY_VERSION)), expected) == 0);
    case_end();

    case_begin("OPENSSL_cleanup is final: OPENSSL_init_crypto fails afterwards");
    CHECK(V(OPENSSL_init_crypto(0, NULL)) == 1);
    OPENSSL_cleanup();
    OPENSSL_cleanup();
    CHECK(V(OPENSSL_init_crypto(0, NULL)) == 0);
    case_end();
    return ct_finish();
}
