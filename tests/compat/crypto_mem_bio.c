/*
 * Memory BIOs and the generic BIO entry points (NULL handling, chains,
 * reference counts).  Built against Cachet and against the system's OpenSSL
 * 3.0; both must print the same lines.
 */
#include <openssl/bio.h>
#include <openssl/err.h>

#include "crypto_test.h"

/* Prints the queued error codes (oldest first); returns how many. */
static int errors(void)
{
    unsigned long e;
    int n = 0;
    while ((e = ERR_get_error()) != 0) {
        printf("  error %08lX lib=%d reason=%d\n", e, ERR_GET_LIB(e), ERR_GET_REASON(e));
        n++;
    }
    return n;
}

static unsigned long only_error(void)
{
    unsigned long e = ERR_get_error();
    printf("  error %08lX\n", e);
    if (ERR_get_error() != 0)
        return 0;
    return e;
}

static void empty_read(void)
{
    char buf[16];
    size_t n = 99;
    BIO *m = BIO_new(BIO_s_mem());

    case_begin("mem: empty read returns -1 and asks to retry");
    CHECK(V(BIO_read(m, buf, 10)) == -1);
    CHECK(V(BIO_should_retry(m)) != 0);
    CHECK(V(BIO_should_read(m)) != 0);
    CHECK(V(BIO_get_retry_flags(m)) == (BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY));
    CHECK(V(BIO_read(m, buf, 0)) == -1);
    CHECK(V(BIO_read_ex(m, buf, 10, &n)) == 0);
    CHECK(V(n) == 0);
    CHECK(V(BIO_eof(m)) == 1);
    CHECK(V(BIO_pending(m)) == 0);
    CHECK(V(BIO_ctrl_pending(m)) == 0);
    CHECK(errors() == 0);
    case_end();
    BIO_free(m);
}

static void write_read(void)
{
    char buf[64];
    char *p = NULL;
    size_t n = 99;
    BIO *m = BIO_new(BIO_s_mem());

    case_begin("mem: write, pending, gets, get_mem_data, read");
    CHECK(V(BIO_write(m, "hello\nworld", 11)) == 11);
    CHECK(V(BIO_pending(m)) == 11);
    CHECK(V(BIO_ctrl_pending(m)) == 11);
    CHECK(V(BIO_wpending(m)) == 0);
    CHECK(V(BIO_ctrl_wpending(m)) == 0);
    CHECK(V(BIO_eof(m)) == 0);
    CHECK(V(BIO_write(m, "x", 0)) == 0);
    CHECK(V(BIO_write(m, "x", -1)) == 0);
    CHECK(V(BIO_read(m, buf, -1)) == 0);
    CHECK(V(BIO_write_ex(m, "x", 0, &n)) == 1);
    CHECK(V(n) == 0);
    CHECK(errors() == 0);
    CHECK(V(BIO_write(m, NULL, 3)) == -1);
    CHECK(only_error() == ERR_PACK(ERR_LIB_BIO, 0, ERR_R_PASSED_NULL_PARAMETER));
    CHECK(V(BIO_gets(m, buf, sizeof buf)) == 6);
    CHECK(strcmp(S(buf), "hello\n") == 0);
    CHECK(V(BIO_gets(m, buf, 3)) == 2);
    CHECK(strcmp(S(buf), "wo") == 0);
    CHECK(V(BIO_get_mem_data(m, &p)) == 3);
    CHECK(p != NULL && memcmp(p, "rld", 3) == 0);
    CHECK(V(BIO_read_ex(m, buf, 2, &n)) == 1);
    CHECK(V(n) == 2);
    CHECK(V(BIO_read(m, buf, sizeof buf)) == 1);
    CHECK(V(BIO_get_retry_flags(m)) == 0);
    CHECK(V(BIO_gets(m, buf, sizeof buf)) == 0);
    CHECK(V(BIO_get_retry_flags(m)) == 0);
    CHECK(V(BIO_gets(m, buf, 0)) == 0);
    CHECK(V(BIO_gets(m, buf, -1)) == -1);
    CHECK(only_error() == ERR_PACK(ERR_LIB_BIO, 0, 125));
    CHECK(V(BIO_puts(m, "line1\nline2")) == 11);
    CHECK(V(BIO_gets(m, buf, 1)) == 0);
    CHECK(strcmp(S(buf), "") == 0);
    CHECK(V(BIO_gets(m, buf, sizeof buf)) == 6);
    CHECK(V(BIO_gets(m, buf, sizeof buf)) == 5);
    CHECK(strcmp(S(buf), "line2") == 0);
    CHECK(V(BIO_gets(m, buf, sizeof buf)) == 0);
    case_end();
    BIO_free(m);
}

static void eof_return(void)
{
    char buf[8];
    BIO *m = BIO_new(BIO_s_mem());

    case_begin("mem: BIO_set_mem_eof_return");
    CHECK(V(BIO_set_mem_eof_return(m, 0)) == 1);
    CHECK(V(BIO_read(m, buf, sizeof buf)) == 0);
    CHECK(V(BIO_should_retry(m)) == 0);
    CHECK(V(BIO_set_mem_eof_return(m, -7)) == 1);
    CHECK(V(BIO_read(m, buf, sizeof buf)) == -7);
    CHECK(V(BIO_should_retry(m)) != 0);
    CHECK(V(BIO_write(m, "ab", 2)) == 2);
    CHECK(V(BIO_should_retry(m)) == 0);
    CHECK(V(BIO_read(m, buf, sizeof buf)) == 2);
    CHECK(V(BIO_read(m, buf, sizeof buf)) == -7);
    case_end();
    BIO_free(m);
}

static void reset_and_ctrls(void)
{
    char buf[8];
    BIO *m = BIO_new(BIO_s_mem());

    case_begin("mem: reset, NONCLEAR_RST, ctrl answers");
    CHECK(V(BIO_puts(m, "abc")) == 3);
    CHECK(V(BIO_reset(m)) == 1);
    CHECK(V(BIO_pending(m)) == 0);
    CHECK(V(BIO_write(m, "abcdef", 6)) == 6);
    CHECK(V(BIO_read(m, buf, 2)) == 2);
    BIO_set_flags(m, BIO_FLAGS_NONCLEAR_RST);
    CHECK(V(BIO_reset(m)) == 1);
    CHECK(V(BIO_pending(m)) == 6);
    CHECK(V(BIO_read(m, buf, 6)) == 6);
    CHECK(V(BIO_reset(m)) == 1);
    CHECK(V(BIO_pending(m)) == 6);
    BIO_clear_flags(m, BIO_FLAGS_NONCLEAR_RST);
    CHECK(V(BIO_test_flags(m, ~0)) == 0);
    CHECK(V(BIO_ctrl(m, 9999, 0, NULL)) == 0);
    CHECK(V(BIO_flush(m)) == 1);
    CHECK(V(BIO_ctrl(m, BIO_CTRL_INFO, 0, NULL)) == 6);
    CHECK(V(BIO_get_close(m)) == BIO_CLOSE);
    CHECK(V(BIO_set_close(m, BIO_NOCLOSE)) == 1);
    CHECK(V(BIO_get_close(m)) == BIO_NOCLOSE);
    CHECK(V(BIO_set_close(m, BIO_CLOSE)) == 1);
    CHECK(V(BIO_get_retry_reason(m)) == 0);
    BIO_set_retry_reason(m, BIO_RR_CONNECT);
    CHECK(V(BIO_get_retry_reason(m)) == BIO_RR_CONNECT);
    case_end();
    BIO_free(m);
}

static void printf_and_large(void)
{
    static char big[3000];
    static unsigned char chunk[4099], back[4099];
    char *p = NULL;
    long i, total = 0, ok = 1;
    BIO *m = BIO_new(BIO_s_mem());

    case_begin("mem: BIO_printf and a megabyte in and out");
    CHECK(V(BIO_printf(m, "%s-%d", "ab", 5)) == 4);
    CHECK(V(BIO_printf(m, "%s", "")) == 0);
    CHECK(V(BIO_get_mem_data(m, &p)) == 4);
    CHECK(p != NULL && memcmp(p, "ab-5", 4) == 0);
    memset(big, 'q', sizeof big - 1);
    CHECK(V(BIO_printf(m, "<%s>", big)) == (long)sizeof big + 1);
    CHECK(V(BIO_pending(m)) == 4 + (long)sizeof big + 1);
    CHECK(V(BIO_reset(m)) == 1);
    for (i = 0; i < 256; i++) {
        size_t j;
        for (j = 0; j < sizeof chunk; j++)
            chunk[j] = (unsigned char)(i * 31 + j);
        if (BIO_write(m, chunk, (int)sizeof chunk) != (int)sizeof chunk)
            ok = 0;
        total += (long)sizeof chunk;
        if (i % 3 == 0) {  /* read some back as we go: the buffer is compacted */
            if (BIO_read(m, back, 1000) != 1000)
                ok = 0;
            total -= 1000;
        }
    }
    CHECK(V(ok) == 1);
    CHECK(V(BIO_pending(m)) == total);
    while (BIO_read(m, back, (int)sizeof back) > 0)
        continue;
    CHECK(V(BIO_pending(m)) == 0);
    case_end();
    BIO_free(m);
}

static void read_only(void)
{
    static const char text[] = "abcdef";
    char buf[8];
    char *p = NULL;
    BIO *ro = BIO_new_mem_buf(text, -1);

    case_begin("mem: BIO_new_mem_buf is read-only and rewinds");
    CHECK(V(BIO_test_flags(ro, ~0)) == BIO_FLAGS_MEM_RDONLY);
    CHECK(V(BIO_pending(ro)) == 6);
    CHECK(V(BIO_write(ro, "x", 1)) == -1);
    CHECK(only_error() == ERR_PACK(ERR_LIB_BIO, 0, 126));
    CHECK(V(BIO_puts(ro, "z")) == -1);
    CHECK(only_error() == ERR_PACK(ERR_LIB_BIO, 0, 126));
    CHECK(V(BIO_read(ro, buf, 4)) == 4);
    CHECK(V(BIO_get_mem_data(ro, &p)) == 2);
    CHECK(p == text + 4);
    CHECK(V(BIO_read(ro, buf, 4)) == 2);
    CHECK(V(BIO_read(ro, buf, 4)) == 0);
    CHECK(V(BIO_should_retry(ro)) == 0);
    CHECK(V(BIO_eof(ro)) == 1);
    CHECK(V(BIO_reset(ro)) == 1);
    CHECK(V(BIO_pending(ro)) == 6);
    CHECK(V(BIO_set_mem_eof_return(ro, -1)) == 1);
    CHECK(V(BIO_read(ro, buf, 8)) == 6);
    CHECK(V(BIO_read(ro, buf, 8)) == -1);
    CHECK(V(BIO_should_retry(ro)) != 0);
    BIO_free(ro);
    ro = BIO_new_mem_buf(text, 3);
    CHECK(V(BIO_pending(ro)) == 3);
    BIO_free(ro);
    ro = BIO_new_mem_buf("", 0);
    CHECK(V(BIO_pending(ro)) == 0);
    CHECK(V(BIO_read(ro, buf, 8)) == 0);
    BIO_free(ro);
    CHECK(BIO_new_mem_buf(NULL, 3) == NULL);
    CHECK(only_error() == ERR_PACK(ERR_LIB_BIO, 0, ERR_R_PASSED_NULL_PARAMETER));
    case_end();
}

static void null_handling(void)
{
    char buf[4];
    size_t n = 7;

    case_begin("BIO entry points given NULL");
    CHECK(V(BIO_ctrl(NULL, BIO_CTRL_PENDING, 0, NULL)) == -1);
    CHECK(V(BIO_ctrl_pending(NULL)) == 0);
    CHECK(V(BIO_callback_ctrl(NULL, BIO_CTRL_SET_CALLBACK, NULL)) == -2);
    CHECK(errors() == 0);
    CHECK(V(BIO_write(NULL, "a", 1)) == 0);
    CHECK(V(BIO_write_ex(NULL, "a", 1, &n)) == 0);
    CHECK(V(n) == 0);
    CHECK(errors() == 0);
    CHECK(V(BIO_read(NULL, buf, 1)) == -1);
    CHECK(only_error() == ERR_PACK(ERR_LIB_BIO, 0, ERR_R_PASSED_NULL_PARAMETER));
    CHECK(V(BIO_puts(NULL, "a")) == -1);
    CHECK(only_error() == ERR_PACK(ERR_LIB_BIO, 0, ERR_R_PASSED_NULL_PARAMETER));
    CHECK(V(BIO_gets(NULL, buf, 3)) == -1);
    CHECK(only_error() == ERR_PACK(ERR_LIB_BIO, 0, ERR_R_PASSED_NULL_PARAMETER));
    CHECK(V(BIO_free(NULL)) == 0);
    BIO_free_all(NULL);
    BIO_vfree(NULL);
    CHECK(BIO_next(NULL) == NULL);
    CHECK(BIO_pop(NULL) == NULL);
    case_end();
}

static void chains_and_refs(void)
{
    BIO *a = BIO_new(BIO_s_mem()), *b = BIO_new(BIO_s_mem()), *c = BIO_new(BIO_s_mem());

    case_begin("chains (push/pop/next) and reference counts");
    CHECK(BIO_push(a, b) == a);
    CHECK(BIO_next(a) == b);
    CHECK(BIO_push(a, c) == a);
    CHECK(BIO_next(b) == c);
    CHECK(BIO_pop(b) == c);
    CHECK(BIO_next(a) == c);
    CHECK(BIO_next(b) == NULL);
    CHECK(BIO_push(NULL, b) == b);
    CHECK(BIO_push(c, b) == c);
    /* a -> c -> b; c is referenced twice, so free_all stops after it */
    CHECK(V(BIO_up_ref(c)) == 1);
    BIO_free_all(a);
    CHECK(BIO_next(c) == b);
    CHECK(V(BIO_write(c, "still", 5)) == 5);
    CHECK(V(BIO_up_ref(b)) == 1);
    CHECK(V(BIO_free(b)) == 1);
    CHECK(V(BIO_write(b, "alive", 5)) == 5);
    BIO_free_all(c);
    case_end();
}

int main(void)
{
    ct_init();
    empty_read();
    write_read();
    eof_return();
    reset_and_ctrls();
    printf_and_large();
    read_only();
    null_handling();
    chains_and_refs();
    CHECK(errors() == 0);
    return ct_finish();
}
