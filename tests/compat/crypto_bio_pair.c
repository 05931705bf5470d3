/*
 * BIO pairs: each side's writes fill its own ring buffer, which the other
 * side reads; full and empty buffers ask for retries; shutdown, read
 * requests, write guarantees and breaking the pair.  Built against Cachet and
 * against the system's OpenSSL 3.0; both must print the same lines.
 */
#include <openssl/bio.h>
#include <openssl/err.h>

#include "crypto_test.h"

static unsigned long one_error(void)
{
    unsigned long e = ERR_get_error();
    printf("  error %08lX\n", e);
    return ERR_get_error() == 0 ? e : 0;
}

static void basics(void)
{
    BIO *a = NULL, *b = NULL;
    char buf[64];

    case_begin("pair: sizes, retry on empty and full, wrap-around");
    CHECK(V(BIO_new_bio_pair(&a, 10, &b, 0)) == 1);
    CHECK(a != NULL && b != NULL);
    CHECK(V(BIO_get_write_buf_size(a, 0)) == 10);
    CHECK(V(BIO_get_write_buf_size(b, 0)) == 17 * 1024);
    CHECK(V(BIO_get_write_guarantee(a)) == 10);
    CHECK(V(BIO_get_init(a)) == 1);
    CHECK(V(BIO_read(b, buf, 5)) == -1);
    CHECK(V(BIO_get_retry_flags(b)) == (BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY));
    CHECK(V(BIO_get_read_request(a)) == 5);
    CHECK(V(BIO_read(b, buf, 50)) == -1);
    CHECK(V(BIO_get_read_request(a)) == 10);
    CHECK(V(BIO_write(a, "0123456789abc", 13)) == 10);
    CHECK(V(BIO_get_read_request(a)) == 0);
    CHECK(V(BIO_pending(b)) == 10);
    CHECK(V(BIO_ctrl_pending(b)) == 10);
    CHECK(V(BIO_wpending(a)) == 10);
    CHECK(V(BIO_ctrl_wpending(a)) == 10);
    CHECK(V(BIO_pending(a)) == 0);
    CHECK(V(BIO_get_write_guarantee(a)) == 0);
    CHECK(V(BIO_write(a, "x", 1)) == -1);
    CHECK(V(BIO_get_retry_flags(a)) == (BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY));
    CHECK(V(BIO_read(b, buf, 4)) == 4);
    CHECK(memcmp(buf, "0123", 4) == 0);
    CHECK(V(BIO_write(a, "ABCDEF", 6)) == 4);
    CHECK(V(BIO_read(b, buf, sizeof buf)) == 10);
    CHECK(memcmp(buf, "456789ABCD", 10) == 0);
    CHECK(V(BIO_read(b, buf, sizeof buf)) == -1);
    CHECK(V(BIO_read(b, buf, 0)) == 0);
    CHECK(V(BIO_get_retry_flags(b)) == 0);
    CHECK(V(BIO_write(a, "x", 0)) == 0);
    CHECK(V(BIO_eof(b)) == 0);
    CHECK(V(BIO_eof(a)) == 0);
    case_end();

    case_begin("pair: shutdown_wr, errors, reset, ctrl answers");
    CHECK(V(BIO_shutdown_wr(a)) == 1);
    CHECK(V(BIO_eof(b)) == 1);
    CHECK(V(BIO_read(b, buf, 5)) == 0);
    CHECK(V(BIO_get_retry_flags(b)) == 0);
    CHECK(V(BIO_get_write_guarantee(a)) == 0);
    CHECK(V(BIO_write(a, "x", 1)) == -1);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 124));
    CHECK(V(BIO_set_write_buf_size(a, 100)) == 0);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 123));
    CHECK(V(BIO_write(b, "hello", 5)) == 5);
    CHECK(V(BIO_pending(a)) == 5);
    CHECK(V(BIO_ctrl_wpending(b)) == 5);
    CHECK(V(BIO_reset(b)) == 0);
    CHECK(V(BIO_pending(a)) == 0);
    CHECK(V(BIO_flush(a)) == 1);
    CHECK(V(BIO_get_close(a)) == 1);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_INFO, 0, NULL)) == 0);
    CHECK(V(BIO_ctrl(a, 9999, 0, NULL)) == 0);
    CHECK(V(BIO_ctrl(a, BIO_C_RESET_READ_REQUEST, 0, NULL)) == 1);
    case_end();

    case_begin("pair: destroying and remaking the pair, freeing one side");
    CHECK(V(BIO_destroy_bio_pair(a)) == 1);
    CHECK(V(BIO_get_init(a)) == 0 && V(BIO_get_init(b)) == 0);
    CHECK(V(BIO_read(b, buf, 3)) == -1);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 120));
    CHECK(V(BIO_write(b, "x", 1)) == -1);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 120));
    CHECK(V(BIO_pending(b)) == 0 && V(BIO_wpending(b)) == 0);
    CHECK(V(BIO_eof(b)) == 1);
    CHECK(V(BIO_get_write_guarantee(b)) == 0);
    CHECK(V(BIO_make_bio_pair(a, b)) == 1);
    CHECK(V(BIO_write(b, "zz", 2)) == 2);
    CHECK(V(BIO_pending(a)) == 2);
    CHECK(V(BIO_make_bio_pair(a, b)) == 0);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 123));
    BIO_free(a);
    CHECK(V(BIO_write(b, "zz", 2)) == -1);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 120));
    BIO_free(b);
    case_end();
}

/* Many writes and reads of odd sizes through small buffers, both ways. */
static void stream(void)
{
    BIO *a = NULL, *b = NULL;
    static unsigned char out[5000], in[5000];
    size_t sent = 0, got = 0, i;
    int round = 0, retries = 0;

    for (i = 0; i < sizeof out; i++)
        out[i] = (unsigned char)(i * 7 + i / 256);
    case_begin("pair: a stream through 37- and 53-byte buffers");
    CHECK(V(BIO_new_bio_pair(&a, 37, &b, 53)) == 1);
    while (got < sizeof out && round < 100000) {
        int w = (int)((round * 13) % 41) + 1, r = (int)((round * 7) % 29) + 1, n;
        int writing = (round / 8) % 2 == 0;  /* bursts: fill up, then drain */
        round++;
        if (writing && sent < sizeof out) {
            if ((size_t)w > sizeof out - sent)
                w = (int)(sizeof out - sent);
            n = BIO_write(a, out + sent, w);
            if (n > 0)
                sent += (size_t)n;
            else if (BIO_should_write(a))
                retries++;
        }
        if (writing)
            continue;
        n = BIO_read(b, in + got, r);
        if (n > 0)
            got += (size_t)n;
        else if (BIO_should_read(b))
            retries++;
    }
    CHECK(V(got) == (long)sizeof out);
    CHECK(memcmp(in, out, sizeof out) == 0);
    V(round);
    CHECK(V(retries) > 0);
    CHECK(V(BIO_write(b, "back", 4)) == 4);
    CHECK(V(BIO_read(a, in, 10)) == 4);
    CHECK(memcmp(in, "back", 4) == 0);
    BIO_free(a);
    BIO_free(b);
    CHECK(V(BIO_new_bio_pair(&a, 0, &b, 0)) == 1);
    CHECK(V(BIO_get_write_buf_size(a, 0)) == 17 * 1024);
    BIO_free(b);
    BIO_free(a);
    case_end();
}

int main(void)
{
    ct_init();
    basics();
    stream();
    CHECK(ERR_get_error() == 0);
    return ct_finish();
}
