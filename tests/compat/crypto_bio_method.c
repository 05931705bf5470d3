/*
 * Programs' own BIO_METHODs: BIO_new calls create, BIO_free calls destroy
 * (once, when the last reference goes), data and ctrl calls reach the
 * method, and the old int-sized read/write callbacks are converted to and
 * from the size_t (_ex) entry points.  Built against Cachet and against the
 * system's OpenSSL 3.0; both must print the same lines.
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <limits.h>

#include "crypto_test.h"

struct counts {
    int create, destroy, read_old, read_ex, write_old, write_ex, puts, gets, ctrl, push, pop, callback;
};
static struct counts calls;

/* A loopback store: what is written can be read back. */
struct store {
    char data[256];
    size_t len;
    size_t last_read_request;
};

static int lb_create(BIO *b)
{
    struct store *s = calloc(1, sizeof *s);
    calls.create++;
    if (s == NULL)
        return 0;
    BIO_set_data(b, s);
    BIO_set_init(b, 1);
    return 1;
}

static int lb_destroy(BIO *b)
{
    calls.destroy++;
    free(BIO_get_data(b));
    BIO_set_data(b, NULL);
    return 1;
}

static int take(struct store *s, char *out, size_t n)
{
    if (n > s->len)
        n = s->len;
    memcpy(out, s->data, n);
    memmove(s->data, s->data + n, s->len - n);
    s->len -= n;
    return (int)n;
}

static int lb_read(BIO *b, char *out, int len)
{
    struct store *s = BIO_get_data(b);
    calls.read_old++;
    s->last_read_request = (size_t)len;
    BIO_clear_retry_flags(b);
    if (s->len == 0) {
        BIO_set_retry_read(b);
        return -1;
    }
    return take(s, out, (size_t)len);
}

/* At most 5 bytes a call, to show partial writes. */
static int lb_write(BIO *b, const char *in, int len)
{
    struct store *s = BIO_get_data(b);
    calls.write_old++;
    if (len > 5)
        len = 5;
    if (s->len + (size_t)len > sizeof s->data)
        return -1;
    memcpy(s->data + s->len, in, (size_t)len);
    s->len += (size_t)len;
    return len;
}

static int lb_read_ex(BIO *b, char *out, size_t len, size_t *readbytes)
{
    struct store *s = BIO_get_data(b);
    calls.read_ex++;
    if (s->len == 0) {
        *readbytes = 5;  /* a failing method may leave anything here */
        return 0;
    }
    *readbytes = (size_t)take(s, out, len);
    return 1;
}

static int lb_write_ex(BIO *b, const char *in, size_t len, size_t *written)
{
    int n = lb_write(b, in, len > INT_MAX ? INT_MAX : (int)len);
    calls.write_old--;
    calls.write_ex++;
    if (n < 0)
        return 0;
    *written = (size_t)n;
    return 1;
}

static int lb_puts(BIO *b, const char *str)
{
    calls.puts++;
    return lb_write(b, str, (int)strlen(str));
}

static int lb_gets(BIO *b, char *buf, int size)
{
    struct store *s = BIO_get_data(b);
    int n;
    calls.gets++;
    n = take(s, buf, size > 0 ? (size_t)size - 1 : 0);
    if (size > 0)
        buf[n] = '\0';
    return n;
}

static char some_object[] = "object";

static long lb_ctrl(BIO *b, int cmd, long larg, void *parg)
{
    struct store *s = BIO_get_data(b);
    calls.ctrl++;
    switch (cmd) {
    case BIO_CTRL_PENDING:
        return s == NULL ? 0 : (long)s->len;
    case BIO_CTRL_WPENDING:
        return -5;  /* a failure: BIO_ctrl_wpending reports 0 */
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_PUSH:
        calls.push++;
        return 0;
    case BIO_CTRL_POP:
        calls.pop++;
        return 0;
    case 0x1234:
        return larg * 2;
    case 0x1235:  /* BIO_int_ctrl passes a pointer to the int */
        return *(int *)parg + larg;
    case 0x1236:  /* BIO_ptr_ctrl reads a pointer back */
        *(void **)parg = some_object;
        return larg;
    default:
        return 0;
    }
}

static long lb_callback_ctrl(BIO *b, int cmd, BIO_info_cb *fp)
{
    (void)b;
    (void)fp;
    calls.callback++;
    return cmd == BIO_CTRL_SET_CALLBACK ? 77 : 0;
}

static int refuse_create(BIO *b)
{
    (void)b;
    calls.create++;
    return 0;
}

static void show_calls(void)
{
    printf("  calls: create %d destroy %d read %d read_ex %d write %d write_ex %d puts %d gets %d ctrl %d"
           " push %d pop %d callback %d\n", calls.create, calls.destroy, calls.read_old, calls.read_ex,
           calls.write_old, calls.write_ex, calls.puts, calls.gets, calls.ctrl, calls.push, calls.pop,
           calls.callback);
}

static unsigned long one_error(void)
{
    unsigned long e = ERR_get_error();
    printf("  error %08lX\n", e);
    return ERR_get_error() == 0 ? e : 0;
}

static void old_style(void)
{
    int type = BIO_get_new_index();
    BIO_METHOD *m = BIO_meth_new(type | BIO_TYPE_SOURCE_SINK, "loopback");
    BIO *b, *c;
    char buf[64];
    size_t n = 99;

    case_begin("custom method: create/destroy, int-sized read/write, ctrl dispatch");
    CHECK(V(type) == 129);
    CHECK(V(BIO_get_new_index()) == 130);
    CHECK(m != NULL);
    CHECK(V(BIO_meth_set_create(m, lb_create)) == 1);
    CHECK(V(BIO_meth_set_destroy(m, lb_destroy)) == 1);
    CHECK(V(BIO_meth_set_read(m, lb_read)) == 1);
    CHECK(V(BIO_meth_set_write(m, lb_write)) == 1);
    CHECK(V(BIO_meth_set_puts(m, lb_puts)) == 1);
    CHECK(V(BIO_meth_set_gets(m, lb_gets)) == 1);
    CHECK(V(BIO_meth_set_ctrl(m, lb_ctrl)) == 1);
    CHECK(V(BIO_meth_set_callback_ctrl(m, lb_callback_ctrl)) == 1);
    memset(&calls, 0, sizeof calls);
    b = BIO_new(m);
    CHECK(b != NULL && V(calls.create) == 1 && V(BIO_get_init(b)) == 1);
    CHECK(V(BIO_get_shutdown(b)) == 1);
    CHECK(V(BIO_read(b, buf, 10)) == -1);
    CHECK(V(BIO_should_retry(b)) != 0 && V(BIO_should_read(b)) != 0);
    CHECK(V(BIO_read_ex(b, buf, 10, &n)) == 0 && V(n) == 0);
    CHECK(V(BIO_write(b, "hello world!", 12)) == 5);
    CHECK(V(BIO_write_ex(b, " there", 6, &n)) == 1 && V(n) == 5);
    CHECK(V(BIO_puts(b, "abc")) == 3);
    CHECK(V(BIO_pending(b)) == 13);
    CHECK(V(BIO_ctrl_pending(b)) == 13);
    CHECK(V(BIO_read(b, buf, 3)) == 3);
    CHECK(V(BIO_read_ex(b, buf, 4, &n)) == 1 && V(n) == 4);
    CHECK(V(BIO_read_ex(b, buf, (size_t)INT_MAX + 10, &n)) == 1 && V(n) == 6);
    CHECK(V(((struct store *)BIO_get_data(b))->last_read_request) == INT_MAX);
    CHECK(V(BIO_printf(b, "%d", 42)) == 2);
    CHECK(V(BIO_gets(b, buf, 3)) == 2);
    CHECK(strcmp(S(buf), "42") == 0);
    CHECK(V(BIO_ctrl_wpending(b)) == 0);
    CHECK(V(BIO_flush(b)) == 1);
    CHECK(V(BIO_ctrl(b, 0x1234, 21, NULL)) == 42);
    CHECK(V(BIO_int_ctrl(b, 0x1235, 1, 41)) == 42);
    CHECK(BIO_ptr_ctrl(b, 0x1236, 1) == some_object);
    CHECK(BIO_ptr_ctrl(b, 0x1236, 0) == NULL);
    CHECK(V(BIO_callback_ctrl(b, BIO_CTRL_SET_CALLBACK, NULL)) == 77);
    CHECK(V(BIO_callback_ctrl(b, BIO_CTRL_GET_CALLBACK, NULL)) == -2);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 121));
    BIO_set_shutdown(b, 0);
    CHECK(V(BIO_get_shutdown(b)) == 0);
    BIO_set_flags(b, 0x4000);
    CHECK(V(BIO_test_flags(b, 0x4000)) == 0x4000);
    BIO_clear_flags(b, 0x4000);
    CHECK(V(BIO_test_flags(b, 0x4000)) == 0);
    show_calls();
    case_end();

    case_begin("custom method: uninitialised BIOs, chains and reference counts");
    BIO_set_init(b, 0);
    CHECK(V(BIO_read(b, buf, 3)) == -1);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 120));
    CHECK(V(BIO_write(b, "x", 1)) == -1);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 120));
    CHECK(V(BIO_puts(b, "x")) == -1);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 120));
    CHECK(V(BIO_gets(b, buf, 4)) == -1);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 120));
    CHECK(V(BIO_pending(b)) == 0);
    BIO_set_init(b, 1);
    c = BIO_new(m);
    CHECK(BIO_push(b, c) == b && V(calls.push) == 1);
    CHECK(BIO_pop(b) == c && V(calls.pop) == 1);
    CHECK(BIO_push(b, c) == b && V(calls.push) == 2);
    CHECK(V(BIO_up_ref(b)) == 1);
    CHECK(V(BIO_free(b)) == 1 && V(calls.destroy) == 0);
    BIO_free_all(b);
    CHECK(V(calls.destroy) == 2);
    show_calls();
    BIO_meth_free(m);
    BIO_meth_free(NULL);
    case_end();
}

static void ex_style(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "loopback-ex");
    BIO *b;
    char buf[16];
    size_t n = 99;

    case_begin("custom method: size_t read_ex/write_ex seen through BIO_read/BIO_write");
    BIO_meth_set_create(m, lb_create);
    BIO_meth_set_destroy(m, lb_destroy);
    BIO_meth_set_read_ex(m, lb_read_ex);
    BIO_meth_set_write_ex(m, lb_write_ex);
    memset(&calls, 0, sizeof calls);
    b = BIO_new(m);
    CHECK(V(BIO_read(b, buf, 8)) == 0);
    CHECK(V(BIO_read_ex(b, buf, 8, &n)) == 0 && V(n) == 5);
    CHECK(V(BIO_write(b, "abcdefgh", 8)) == 5);
    CHECK(V(BIO_write_ex(b, "ijk", 3, &n)) == 1 && V(n) == 3);
    CHECK(V(BIO_write_ex(b, "", 0, &n)) == 1 && V(n) == 0);
    CHECK(V(BIO_read(b, buf, 8)) == 8);
    CHECK(memcmp(buf, "abcdeijk", 8) == 0);
    CHECK(V(BIO_ctrl(b, BIO_CTRL_PENDING, 0, NULL)) == -2);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 121));
    CHECK(V(BIO_ctrl_pending(b)) == 0);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 121));
    CHECK(V(BIO_puts(b, "x")) == -2);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 121));
    CHECK(V(BIO_gets(b, buf, 4)) == -2);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 121));
    CHECK(V(BIO_gets(b, buf, -1)) == -2);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 121));
    CHECK(V(BIO_callback_ctrl(b, BIO_CTRL_SET_CALLBACK, NULL)) == -2);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 121));
    BIO_free(b);
    CHECK(V(calls.create) == 1 && V(calls.destroy) == 1 && V(calls.read_ex) == 3 && V(calls.write_ex) == 3);
    BIO_meth_free(m);
    case_end();
}

static void bare_and_failing(void)
{
    BIO_METHOD *bare = BIO_meth_new(BIO_TYPE_SOURCE_SINK, "bare");
    BIO_METHOD *refusing = BIO_meth_new(BIO_TYPE_SOURCE_SINK, "refusing");
    BIO *b;
    char buf[4];

    case_begin("custom method: no callbacks at all; create failing");
    b = BIO_new(bare);
    CHECK(b != NULL);
    CHECK(V(BIO_get_init(b)) == 1);  /* no create: ready at once */
    CHECK(BIO_get_data(b) == NULL);
    CHECK(V(BIO_read(b, buf, 3)) == -2);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 121));
    CHECK(V(BIO_write(b, "x", 1)) == -2);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 121));
    CHECK(V(BIO_free(b)) == 1);
    BIO_meth_set_create(refusing, refuse_create);
    BIO_meth_set_destroy(refusing, lb_destroy);
    memset(&calls, 0, sizeof calls);
    CHECK(BIO_new(refusing) == NULL);
    CHECK(V(calls.create) == 1 && V(calls.destroy) == 0);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, ERR_R_INIT_FAIL));
    BIO_meth_free(bare);
    BIO_meth_free(refusing);
    case_end();
}

int main(void)
{
    ct_init();
    old_style();
    ex_style();
    bare_and_failing();
    CHECK(ERR_get_error() == 0);
    return ct_finish();
}
