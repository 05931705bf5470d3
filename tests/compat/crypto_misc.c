/*
 * The rest of libcrypto's core: stacks, CRYPTO_memcmp, OPENSSL_cleanse,
 * the allocator, ex_data indexes, RAND, version numbers, and the file,
 * fd and socket BIOs.  Built against Cachet and against the system's
 * OpenSSL 3.0; both must print the same lines.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/safestack.h>
#include <openssl/stack.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crypto_test.h"

typedef struct thing_st {
    int id;
} THING;
DEFINE_STACK_OF(THING)

static int freed_ids;
static void free_thing(THING *t)
{
    freed_ids += t->id;
    free(t);
}

static void show_errors(void)
{
    const char *data;
    int flags;
    unsigned long e;
    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0)
        printf("  error %08lX data \"%s\"\n", e, (flags & ERR_TXT_STRING) ? data : "");
}

static void stacks(void)
{
    OPENSSL_STACK *st = OPENSSL_sk_new_null();
    STACK_OF(THING) *things = sk_THING_new_null();
    int i;

    case_begin("OPENSSL_sk_*: counts, out-of-range values, pop_free");
    CHECK(V(OPENSSL_sk_num(NULL)) == -1);
    CHECK(OPENSSL_sk_value(NULL, 0) == NULL);
    CHECK(V(OPENSSL_sk_push(NULL, "a")) == -1);
    CHECK(st != NULL && V(OPENSSL_sk_num(st)) == 0);
    CHECK(V(OPENSSL_sk_push(st, "a")) == 1);
    CHECK(V(OPENSSL_sk_push(st, NULL)) == 2);
    CHECK(V(OPENSSL_sk_push(st, "c")) == 3);
    CHECK(V(OPENSSL_sk_num(st)) == 3);
    CHECK(strcmp(OPENSSL_sk_value(st, 0), "a") == 0);
    CHECK(OPENSSL_sk_value(st, 1) == NULL);
    CHECK(OPENSSL_sk_value(st, 3) == NULL && OPENSSL_sk_value(st, -1) == NULL);
    OPENSSL_sk_free(st);
    OPENSSL_sk_free(NULL);
    OPENSSL_sk_pop_free(NULL, free);
    for (i = 1; i <= 4; i++) {
        THING *t = malloc(sizeof *t);
        t->id = i;
        CHECK(sk_THING_push(things, t) == i);
    }
    CHECK(sk_THING_push(things, NULL) == 5);
    CHECK(V(sk_THING_num(things)) == 5);
    CHECK(V(sk_THING_value(things, 2)->id) == 3);
    sk_THING_pop_free(things, free_thing);
    CHECK(V(freed_ids) == 10);  /* the NULL element is skipped */
    case_end();
}

static void memory(void)
{
    unsigned char a[64], b[64];
    char *p, *q;
    size_t i;

    case_begin("CRYPTO_memcmp, OPENSSL_cleanse, CRYPTO_malloc and friends");
    for (i = 0; i < sizeof a; i++)
        a[i] = b[i] = (unsigned char)i;
    CHECK(V(CRYPTO_memcmp(a, b, sizeof a)) == 0);
    CHECK(V(CRYPTO_memcmp(a, b, 0)) == 0);
    b[63] ^= 0x40;
    CHECK(V(CRYPTO_memcmp(a, b, sizeof a)) == 1);
    CHECK(V(CRYPTO_memcmp(a, b, 63)) == 0);
    b[0] ^= 0xFF;
    CHECK(V(CRYPTO_memcmp(a, b, sizeof a)) == 1);
    OPENSSL_cleanse(a, sizeof a);
    for (i = 0; i < sizeof a; i++)
        CHECK(a[i] == 0);
    OPENSSL_cleanse(NULL, 0);
    CHECK(OPENSSL_malloc(0) == NULL);
    p = OPENSSL_zalloc(32);
    CHECK(p != NULL && p[0] == 0 && p[31] == 0);
    p = OPENSSL_realloc(p, 4096);
    CHECK(p != NULL && p[31] == 0);
    CHECK(OPENSSL_realloc(p, 0) == NULL);
    p = OPENSSL_realloc(NULL, 8);
    CHECK(p != NULL);
    OPENSSL_free(p);
    OPENSSL_free(NULL);
    CHECK(OPENSSL_strdup(NULL) == NULL);
    p = OPENSSL_strdup("cachet");
    q = OPENSSL_strndup("abcdef", 3);
    CHECK(strcmp(S(p), "cachet") == 0 && strcmp(S(q), "abc") == 0);
    OPENSSL_free(q);
    q = OPENSSL_strndup("ab", 10);
    CHECK(strcmp(S(q), "ab") == 0);
    OPENSSL_free(q);
    OPENSSL_free(p);
    CHECK(V(CRYPTO_set_mem_functions(NULL, NULL, NULL)) == 0);  /* too late: memory was allocated */
    case_end();
}

static void ex_indexes(void)
{
    case_begin("CRYPTO_get_ex_new_index: index 0 is reserved, per class");
    CHECK(V(CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_APP, 0, NULL, NULL, NULL, NULL)) == 1);
    CHECK(V(CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_APP, 5, NULL, NULL, NULL, NULL)) == 2);
    CHECK(V(CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, 0, NULL, NULL, NULL, NULL)) == 1);
    CHECK(V(CRYPTO_get_ex_new_index(-1, 0, NULL, NULL, NULL, NULL)) == -1);
    CHECK(V(CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX__COUNT, 0, NULL, NULL, NULL, NULL)) == -1);
    show_errors();
    case_end();
}

static void random_and_versions(void)
{
    unsigned char x[32], y[32], zero[32];
    int i, same = 0;

    memset(zero, 0, sizeof zero);
    case_begin("RAND_* and the version numbers");
    CHECK(V(RAND_bytes(x, sizeof x)) == 1);
    CHECK(V(RAND_priv_bytes(y, sizeof y)) == 1);
    CHECK(memcmp(x, y, sizeof x) != 0 && memcmp(x, zero, sizeof x) != 0);
    for (i = 0; i < 100; i++) {
        RAND_bytes(y, sizeof y);
        same += memcmp(x, y, sizeof x) == 0;
        memcpy(x, y, sizeof x);
    }
    CHECK(V(same) == 0);
    CHECK(V(RAND_bytes(x, 0)) == 1);
    CHECK(V(RAND_bytes(x, -1)) == 0);
    CHECK(V(RAND_priv_bytes(x, -3)) == 0);
    CHECK(V(RAND_pseudo_bytes(x, sizeof x)) == 1);
    RAND_seed("seed", 4);
    RAND_add("more", 4, 2.0);
    CHECK(V(RAND_poll()) == 1);
    CHECK(V(RAND_status()) == 1);
    CHECK(V(OpenSSL_version_num() == OPENSSL_VERSION_NUMBER) == 1);
    CHECK(V(OPENSSL_version_major()) == 3 && V(OPENSSL_version_minor()) == 0);
    CHECK(V(OPENSSL_version_patch()) == OPENSSL_VERSION_PATCH);
    CHECK(strcmp(S(OpenSSL_version(OPENSSL_VERSION_STRING)), OPENSSL_VERSION_STR) == 0);
    CHECK(strcmp(S(OpenSSL_version(OPENSSL_FULL_VERSION_STRING)), OPENSSL_FULL_VERSION_STR) == 0);
    CHECK(strcmp(S(OpenSSL_version(12345)), "not available") == 0);
    CHECK(strncmp(OpenSSL_version(OPENSSL_DIR), "OPENSSLDIR: \"", 13) == 0);
    CHECK(V(OPENSSL_init_crypto(0, NULL)) == 1);
    CHECK(V(OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_ADD_ALL_DIGESTS, NULL)) == 1);
    case_end();
}

static void files(const char *path)
{
    char buf[64], missing[300];
    FILE *fp, *got = NULL;
    BIO *b;

    snprintf(missing, sizeof missing, "%s.missing/none", path);
    case_begin("file BIOs: BIO_new_file, BIO_new_fp, BIO_*_filename, failures");
    b = BIO_new_file(path, "w");
    CHECK(b != NULL);
    CHECK(V(BIO_puts(b, "first line\n")) == 11);
    CHECK(V(BIO_printf(b, "%s %d\n", "second", 2)) == 9);
    CHECK(V(BIO_write(b, "tail", 4)) == 4);
    CHECK(V(BIO_flush(b)) == 1);
    CHECK(V(BIO_pending(b)) == 0 && V(BIO_wpending(b)) == 0);
    BIO_free(b);
    b = BIO_new_file(path, "rb");
    CHECK(V(BIO_gets(b, buf, sizeof buf)) == 11);
    CHECK(V(BIO_ctrl(b, BIO_C_FILE_TELL, 0, NULL)) == 11);
    CHECK(V(BIO_gets(b, buf, 4)) == 3);
    CHECK(V(BIO_read(b, buf, sizeof buf)) == 10);
    CHECK(memcmp(buf, "ond 2\ntail", 10) == 0);
    CHECK(V(BIO_read(b, buf, sizeof buf)) == 0);
    CHECK(V(BIO_should_retry(b)) == 0);
    CHECK(V(BIO_eof(b)) != 0);
    CHECK(V(BIO_reset(b)) == 0);
    CHECK(V(BIO_eof(b)) == 0);
    CHECK(V(BIO_read(b, buf, 5)) == 5);
    CHECK(V(BIO_gets(b, buf, 0)) == 0);
    BIO_free(b);

    CHECK(BIO_new_file(missing, "r") == NULL);
    show_errors();
    b = BIO_new(BIO_s_file());
    CHECK(V(BIO_get_init(b)) == 0);
    CHECK(V(BIO_read(b, buf, 4)) == -1);
    show_errors();
    CHECK(V(BIO_read_filename(b, missing)) == 0);
    show_errors();
    CHECK(V(BIO_ctrl(b, BIO_C_SET_FILENAME, BIO_CLOSE, (char *)path)) == 0);
    show_errors();
    CHECK(V(BIO_append_filename(b, (char *)path)) == 1);
    CHECK(V(BIO_puts(b, "+")) == 1);
    CHECK(V(BIO_read_filename(b, path)) == 1);
    CHECK(V(BIO_read(b, buf, sizeof buf)) == 25);
    CHECK(V(buf[24]) == '+');
    CHECK(V(BIO_rw_filename(b, (char *)path)) == 1);
    CHECK(V(BIO_write_filename(b, (char *)path)) == 1);
    CHECK(V(BIO_puts(b, "x")) == 1);
    BIO_free(b);

    fp = tmpfile();
    b = BIO_new_fp(fp, BIO_NOCLOSE);
    CHECK(V(BIO_get_fp(b, &got)) == 1 && got == fp);
    CHECK(V(BIO_get_close(b)) == BIO_NOCLOSE);
    CHECK(V(BIO_puts(b, "kept")) == 4);
    BIO_free(b);
    CHECK(V(fputs("!", fp)) >= 0);  /* still open */
    rewind(fp);
    CHECK(fgets(buf, sizeof buf, fp) != NULL && strcmp(S(buf), "kept!") == 0);
    fclose(fp);
    CHECK(V(BIO_free(BIO_new_fp(tmpfile(), BIO_CLOSE))) == 1);
    case_end();
}

static void descriptors(void)
{
    int p[2], sv[2], fd = -5;
    char buf[16];
    BIO *r, *w;

    case_begin("fd and socket BIOs: data, retry on EAGAIN, EOF, close on free");
    CHECK(pipe(p) == 0);
    w = BIO_new_fd(p[1], BIO_CLOSE);
    r = BIO_new_fd(p[0], BIO_CLOSE);
    CHECK(V(BIO_get_fd(r, &fd)) == p[0] && fd == p[0]);
    CHECK(V(BIO_puts(w, "line\nmore")) == 9);
    CHECK(V(BIO_gets(r, buf, sizeof buf)) == 5);
    CHECK(strcmp(buf, "line\n") == 0);
    CHECK(V(BIO_read(r, buf, sizeof buf)) == 4);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    CHECK(V(BIO_read(r, buf, sizeof buf)) == -1);
    CHECK(V(BIO_should_retry(r)) != 0 && V(BIO_should_read(r)) != 0);
    CHECK(V(BIO_eof(r)) == 0);
    BIO_free(w);
    CHECK(V(fcntl(p[1], F_GETFD)) == -1);  /* closed with the BIO */
    CHECK(V(BIO_read(r, buf, sizeof buf)) == 0);
    CHECK(V(BIO_should_retry(r)) == 0);
    CHECK(V(BIO_eof(r)) == 1);
    CHECK(V(BIO_pending(r)) == 0 && V(BIO_flush(r)) == 1);
    BIO_free(r);

    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    w = BIO_new_socket(sv[0], BIO_NOCLOSE);
    r = BIO_new_socket(sv[1], BIO_CLOSE);
    CHECK(V(BIO_write(w, "ping", 4)) == 4);
    CHECK(V(BIO_read(r, buf, sizeof buf)) == 4);
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    CHECK(V(BIO_read(r, buf, sizeof buf)) == -1);
    CHECK(V(BIO_should_retry(r)) != 0);
    CHECK(V(BIO_gets(r, buf, sizeof buf)) == -2);
    show_errors();
    CHECK(V(BIO_sock_error(sv[0])) == 0);
    CHECK(V(BIO_sock_error(-1)) == EBADF);
    BIO_free(w);
    CHECK(V(fcntl(sv[0], F_GETFD)) != -1);  /* BIO_NOCLOSE */
    close(sv[0]);
    CHECK(V(BIO_read(r, buf, sizeof buf)) == 0);
    CHECK(V(BIO_eof(r)) == 1);
    BIO_free(r);
    r = BIO_new(BIO_s_socket());
    CHECK(V(BIO_get_fd(r, &fd)) == -1);
    BIO_free(r);
    for (fd = 0; fd < 150; fd++)
        if (BIO_dgram_non_fatal_error(fd))
            printf("  BIO_dgram_non_fatal_error(%d) = 1\n", fd);
    case_end();
}

int main(void)
{
    /* Relative, so that both builds print the same (run in a scratch directory). */
    const char *path = "crypto_misc.txt";
    ct_init();
    stacks();
    memory();
    ex_indexes();
    random_and_versions();
    files(path);
    descriptors();
    unlink(path);
    CHECK(ERR_get_error() == 0);
    return ct_finish();
}
