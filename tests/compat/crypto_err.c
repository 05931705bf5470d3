/*
 * The error queue: order (get / peek / peek_last), the cap of 15 entries,
 * per-entry file/line/func/data/flags, texts, ERR_error_string_n's layout and
 * truncation, and the ERR_print_errors* line format.  Built against Cachet
 * and against the system's OpenSSL 3.0 (with libssl loaded, so that real
 * libcrypto knows the SSL reason texts); both must print the same lines.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/sslerr.h>
#ifdef WITH_REAL_LIBSSL
#include <openssl/ssl.h>
#endif
#include <errno.h>
#include <pthread.h>

#include "crypto_test.h"

static const char *data_text(const char *d) { return d == NULL ? "(null)" : d; }

static void order(void)
{
    const char *file = NULL, *func = NULL, *data = NULL;
    int line = 0, flags = 0, line_a, line_b;
    unsigned long a = ERR_PACK(ERR_LIB_SSL, 0, 1), b = ERR_PACK(ERR_LIB_BIO, 0, 2);
    unsigned long c = ERR_PACK(ERR_LIB_SSL, 0, 3);

    case_begin("ERR: get takes the oldest, peek_last sees the newest");
    ERR_clear_error();
    line_a = __LINE__ + 1;
    ERR_raise(ERR_LIB_SSL, 1);
    line_b = __LINE__ + 1;
    ERR_raise_data(ERR_LIB_BIO, 2, "b=%s", "two");
    ERR_raise(ERR_LIB_SSL, 3);
    CHECK(ERR_peek_error() == a);
    CHECK(ERR_peek_last_error() == c);
    CHECK(ERR_peek_error_line(&file, &line) == a);
    CHECK(strcmp(file, __FILE__) == 0 && line == line_a);
    CHECK(ERR_get_error() == a);
    CHECK(ERR_peek_error() == b);
    CHECK(ERR_get_error_all(&file, &line, &func, &data, &flags) == b);
    CHECK(strcmp(file, __FILE__) == 0 && line == line_b);
    CHECK(strcmp(S(func), "order") == 0);
    CHECK(strcmp(S(data), "b=two") == 0);
    CHECK(V(flags) == (ERR_TXT_STRING | ERR_TXT_MALLOCED));
    CHECK(ERR_peek_last_error() == c);
    CHECK(ERR_get_error() == c);
    CHECK(ERR_get_error() == 0);
    CHECK(ERR_peek_error() == 0);
    CHECK(ERR_peek_last_error() == 0);
    CHECK(ERR_get_error_all(&file, &line, &func, &data, &flags) == 0);
    case_end();
}

static void cap(void)
{
    int i, n = 0;
    unsigned long first, last;

    case_begin("ERR: the queue keeps the newest 15 errors");
    for (i = 0; i < 20; i++)
        ERR_raise(ERR_LIB_SSL, 100 + i);
    first = ERR_peek_error();
    last = ERR_peek_last_error();
    while (ERR_get_error() != 0)
        n++;
    CHECK(V(n) == 15);
    CHECK(V(ERR_GET_REASON(first)) == 105);
    CHECK(V(ERR_GET_REASON(last)) == 119);
    case_end();
}

static void entry_fields(void)
{
    static char big[1100];
    const char *file = NULL, *func = NULL, *data = NULL;
    int i, line = 0, flags = 0;

    case_begin("ERR: file, line, func, data and flags of an entry");
    ERR_clear_error();
    ERR_new();
    ERR_set_error(ERR_LIB_SSL, 1, NULL);
    CHECK(V(ERR_get_error_all(&file, &line, &func, &data, &flags)) == (long)ERR_PACK(ERR_LIB_SSL, 0, 1));
    CHECK(strcmp(S(file), "") == 0 && strcmp(S(func), "") == 0 && strcmp(S(data), "") == 0);
    CHECK(V(line) == -1 && V(flags) == 0);
    ERR_new();
    ERR_set_debug(NULL, 7, NULL);
    ERR_set_error(ERR_LIB_SSL, 1, "x%s", "y");
    CHECK(V(ERR_get_error_all(&file, &line, &func, &data, &flags)) != 0);
    CHECK(strcmp(S(file), "") == 0 && strcmp(S(func), "") == 0 && strcmp(S(data), "xy") == 0);
    CHECK(V(line) == 7 && V(flags) == 3);
    /* A slot that once held data reports ERR_TXT_MALLOCED afterwards. */
    for (i = 0; i < 34; i++) {
        ERR_new();
        ERR_set_error(ERR_LIB_SSL, 1, i < 16 ? "d" : NULL);
        ERR_get_error_all(NULL, NULL, NULL, &data, &flags);
        printf("  slot use %d: flags=%d data=\"%s\"\n", i, flags, data_text(data));
    }
    memset(big, 'a', 1023);
    ERR_raise_data(ERR_LIB_SSL, 1, "%s", big);
    ERR_get_error_all(NULL, NULL, NULL, &data, &flags);
    CHECK(V(strlen(data)) == 1023 && V(flags) == 3);
    big[1023] = 'a';
    ERR_raise_data(ERR_LIB_SSL, 1, "%s", big);
    ERR_get_error_all(NULL, NULL, NULL, &data, &flags);
    CHECK(V(strlen(data)) == 0 && V(flags) == 3);
    ERR_raise_data(ERR_LIB_SSL, 1, "%s", "q");
    line = __LINE__ - 1;
    {
        int got_line = 0;
        CHECK(ERR_get_error_line_data(&file, &got_line, &data, &flags) == ERR_PACK(ERR_LIB_SSL, 0, 1));
        CHECK(strcmp(file, __FILE__) == 0 && got_line == line);
        CHECK(strcmp(S(data), "q") == 0 && V(flags) == 3);
    }
    ERR_raise(ERR_LIB_SSL, 1);
    ERR_raise(ERR_LIB_SSL, 2);
    ERR_clear_error();
    CHECK(ERR_peek_last_error() == 0 && ERR_get_error() == 0);
    case_end();
}

static void system_errors(void)
{
    char buf[256];
    unsigned long e;

    case_begin("ERR: system errors");
    ERR_raise(ERR_LIB_SYS, ECONNREFUSED);
    e = ERR_get_error();
    CHECK(V(e) == (long)(ERR_SYSTEM_FLAG | ECONNREFUSED));
    CHECK(ERR_SYSTEM_ERROR(e));
    CHECK(V(ERR_GET_LIB(e)) == ERR_LIB_SYS);
    CHECK(V(ERR_GET_REASON(e)) == ECONNREFUSED);
    CHECK(strcmp(S(ERR_lib_error_string(e)), "system library") == 0);
    CHECK(S(ERR_reason_error_string(e)) == NULL);
    ERR_error_string_n(e, buf, sizeof buf);
    CHECK(strcmp(S(buf), "error:8000006F:system library::Connection refused") == 0);
    ERR_error_string_n(ERR_SYSTEM_FLAG | 5000, buf, sizeof buf);
    CHECK(strcmp(S(buf), "error:80001388:system library::reason(5000)") == 0);
    ERR_error_string_n(ERR_PACK(ERR_LIB_SYS, 0, 2), buf, sizeof buf);
    CHECK(strcmp(S(buf), "error:01000002:system library::reason(2)") == 0);
    case_end();
}

static void layout(void)
{
    static const unsigned long codes[] = {
        ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED),
        ERR_PACK(ERR_LIB_SSL, 0, ERR_R_INTERNAL_ERROR),
        ERR_PACK(ERR_LIB_BIO, 0, ERR_R_PASSED_NULL_PARAMETER),
        ERR_PACK(99, 0, 5),
        ERR_PACK(ERR_LIB_SSL, 0, 4095),
        ERR_PACK(ERR_LIB_SSL, 0, ERR_R_FATAL | 9),
        ERR_PACK(ERR_LIB_USER, 0, 1),
        ERR_PACK(0, 0, ERR_R_MALLOC_FAILURE),
        0,
    };
    char buf[128], *p;
    size_t i, len;

    case_begin("ERR_error_string_n: layout and truncation");
    ERR_error_string_n(codes[0], buf, sizeof buf);
    CHECK(strcmp(S(buf), "error:0A000086:SSL routines::certificate verify failed") == 0);
    ERR_error_string_n(codes[1], buf, sizeof buf);
    CHECK(strcmp(S(buf), "error:0A0C0103:SSL routines::internal error") == 0);
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        for (len = 0; len <= 64; len++) {
            memset(buf, '#', sizeof buf);
            buf[sizeof buf - 1] = '\0';
            ERR_error_string_n(codes[i], buf, len);
            printf("  %08lX len %2zu: %.70s\n", codes[i], len, buf);
        }
    }
    memset(buf, '#', sizeof buf);
    ERR_error_string_n(codes[0], buf, 0);
    CHECK(buf[0] == '#');
    ERR_error_string_n(codes[0], buf, 1);
    CHECK(buf[0] == '\0');
    ERR_error_string_n(codes[0], buf, 20);
    CHECK(strcmp(S(buf), "err:a000086:14:0:86") == 0);
    p = ERR_error_string(codes[2], NULL);
    CHECK(strcmp(S(p), "error:100C0102:BIO routines::passed a null parameter") == 0);
    CHECK(ERR_error_string(codes[1], NULL) == p);
    CHECK(ERR_error_string(codes[1], buf) == buf);
    CHECK(strcmp(buf, "error:0A0C0103:SSL routines::internal error") == 0);
    case_end();
}

static void texts(void)
{
    unsigned long r;
    int lib, flags;

    case_begin("ERR: library and reason texts");
    CHECK(strcmp(S(ERR_lib_error_string(ERR_PACK(ERR_LIB_SSL, 0, 0))), "SSL routines") == 0);
    CHECK(strcmp(S(ERR_lib_error_string(ERR_PACK(ERR_LIB_BIO, 0, 7))), "BIO routines") == 0);
    CHECK(S(ERR_lib_error_string(ERR_PACK(99, 0, 0))) == NULL);
    CHECK(S(ERR_func_error_string(ERR_PACK(ERR_LIB_SSL, 0, 1))) == NULL);
    CHECK(S(ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, 4095))) == NULL);
    CHECK(strcmp(S(ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_NO_SHARED_CIPHER))), "no shared cipher") == 0);
    CHECK(strcmp(S(ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_TLSV1_ALERT_UNKNOWN_CA))),
                 "tlsv1 alert unknown ca") == 0);
    for (lib = 0; lib < 256; lib++) {
        const char *s = ERR_lib_error_string(ERR_PACK(lib, 0, 0));
        if (s != NULL)
            printf("  lib %d: %s\n", lib, s);
    }
    for (flags = 0; flags < 4; flags++) {
        for (r = 0; r < 0x200; r++) {
            unsigned long reason = r | ((unsigned long)flags << ERR_RFLAGS_OFFSET);
            const char *s = ERR_reason_error_string(ERR_PACK(ERR_LIB_USER, 0, reason));
            if (s != NULL)
                printf("  common 0x%lx: %s\n", reason, s);
        }
    }
    for (r = 0; r < 0x200; r++) {
        const char *s = ERR_reason_error_string(ERR_PACK(ERR_LIB_BIO, 0, r));
        if (s != NULL && s != ERR_reason_error_string(ERR_PACK(0, 0, r)))
            printf("  BIO %lu: %s\n", r, s);
    }
    /* Cachet spells these five differently (not DTLS reasons). */
    for (r = 0; r < 1200; r++) {
        const char *s = ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, r));
        if (r == SSL_R_AT_LEAST_TLS_1_2_NEEDED_IN_SUITEB_MODE || r == SSL_R_NO_GOST_CERTIFICATE_SENT_BY_PEER
            || r == SSL_R_MISSING_SRP_PARAM || r == SSL_R_SRP_A_CALC || r == SSL_R_ILLEGAL_SUITEB_DIGEST)
            continue;
        if (s != NULL && s != ERR_reason_error_string(ERR_PACK(0, 0, r)))
            printf("  SSL %lu: %s\n", r, s);
    }
    case_end();
}

/* ---- the print functions ---------------------------------------------- */

static char collected[8192];
static int lines_seen, stop_after;

static void thread_hex(char *out)
{
    pthread_t self = pthread_self();
    const unsigned char *p = (const unsigned char *)&self;
    size_t i;
    for (i = 0; i < sizeof self; i++)
        sprintf(out + 2 * i, "%02X", p[i]);
}

/* Checks the thread id prefix and replaces it with "TID". */
static int normalise(const char *in, char *out, size_t outlen)
{
    char tid[2 * sizeof(pthread_t) + 1];
    size_t n;
    thread_hex(tid);
    n = strlen(tid);
    if (strncmp(in, tid, n) != 0 || in[n] != ':')
        return 0;
    snprintf(out, outlen, "TID%s", in + n);
    return 1;
}

static int collect(const char *str, size_t len, void *u)
{
    char line[4200];
    (void)u;
    if (len != strlen(str) || !normalise(str, line, sizeof line))
        strcat(collected, "BAD LINE\n");
    else
        strcat(collected, line);
    lines_seen++;
    return stop_after == 0 || lines_seen < stop_after;
}

static int line_raise_a, line_raise_b, line_raise_c;

static void raise_three(void)
{
    line_raise_a = __LINE__ + 1;
    ERR_raise(ERR_LIB_SSL, SSL_R_CERTIFICATE_VERIFY_FAILED);
    line_raise_b = __LINE__ + 1;
    ERR_raise_data(ERR_LIB_BIO, ERR_R_PASSED_NULL_PARAMETER, "hello %d", 42);
    line_raise_c = __LINE__ + 1;
    ERR_raise(ERR_LIB_SYS, ECONNREFUSED);
}

static void print_functions(void)
{
    char expected[1024], from_fp[8192], line[4200], *data = NULL;
    long len;
    FILE *fp = tmpfile();
    BIO *mem = BIO_new(BIO_s_mem());

    case_begin("ERR_print_errors_cb/_fp/ERR_print_errors: line format");
    ERR_clear_error();
    raise_three();
    collected[0] = '\0';
    lines_seen = stop_after = 0;
    ERR_print_errors_cb(collect, NULL);
    printf("%s", collected);
    snprintf(expected, sizeof expected,
             "TID:error:0A000086:SSL routines:raise_three:certificate verify failed:%s:%d:\n"
             "TID:error:100C0102:BIO routines:raise_three:passed a null parameter:%s:%d:hello 42\n"
             "TID:error:8000006F:system library:raise_three:Connection refused:%s:%d:\n",
             __FILE__, line_raise_a, __FILE__, line_raise_b, __FILE__, line_raise_c);
    CHECK(strcmp(collected, expected) == 0);
    CHECK(V(lines_seen) == 3);
    CHECK(ERR_get_error() == 0);

    raise_three();
    ERR_print_errors_fp(fp);
    rewind(fp);
    collected[0] = '\0';
    while (fgets(from_fp, sizeof from_fp, fp) != NULL) {
        if (!normalise(from_fp, line, sizeof line))
            strcat(collected, "BAD LINE\n");
        else
            strcat(collected, line);
    }
    CHECK(strcmp(collected, expected) == 0);

    raise_three();
    ERR_print_errors(mem);
    CHECK(BIO_write(mem, "", 1) == 0 || 1);
    len = BIO_get_mem_data(mem, &data);
    collected[0] = '\0';
    {
        char copy[8192], *cur, *nl;
        memcpy(copy, data, (size_t)len);
        copy[len] = '\0';
        for (cur = copy; (nl = strchr(cur, '\n')) != NULL; cur = nl + 1) {
            char one[4200];
            memcpy(one, cur, (size_t)(nl - cur + 1));
            one[nl - cur + 1] = '\0';
            if (!normalise(one, line, sizeof line))
                strcat(collected, "BAD LINE\n");
            else
                strcat(collected, line);
        }
    }
    CHECK(strcmp(collected, expected) == 0);

    /* A callback answering 0 stops the printing; the rest stays queued. */
    raise_three();
    collected[0] = '\0';
    lines_seen = 0;
    stop_after = 1;
    ERR_print_errors_cb(collect, NULL);
    CHECK(V(lines_seen) == 1);
    CHECK(ERR_get_error() == ERR_PACK(ERR_LIB_BIO, 0, ERR_R_PASSED_NULL_PARAMETER));
    CHECK(ERR_get_error() == (ERR_SYSTEM_FLAG | ECONNREFUSED));
    CHECK(ERR_get_error() == 0);
    case_end();
    fclose(fp);
    BIO_free(mem);
}

static void *other_thread(void *arg)
{
    (void)arg;
    ERR_raise(ERR_LIB_BIO, 7);
    return (void *)(ERR_peek_error() == ERR_PACK(ERR_LIB_BIO, 0, 7) && ERR_peek_last_error() == ERR_peek_error()
                    ? "ok" : NULL);
}

static void per_thread(void)
{
    pthread_t t;
    void *result = NULL;

    case_begin("ERR: each thread has its own queue");
    ERR_clear_error();
    ERR_raise(ERR_LIB_SSL, 5);
    CHECK(pthread_create(&t, NULL, other_thread, NULL) == 0);
    CHECK(pthread_join(t, &result) == 0);
    CHECK(result != NULL);
    CHECK(ERR_get_error() == ERR_PACK(ERR_LIB_SSL, 0, 5));
    CHECK(ERR_get_error() == 0);
    CHECK(V(ERR_load_BIO_strings()) == 1);
    case_end();
}

int main(void)
{
    ct_init();
#ifdef WITH_REAL_LIBSSL
    OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, NULL);
#endif
    order();
    cap();
    entry_fields();
    system_errors();
    layout();
    texts();
    print_functions();
    per_thread();
    return ct_finish();
}
