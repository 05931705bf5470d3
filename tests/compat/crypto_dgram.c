/*
 * Datagram BIOs over real UDP sockets on 127.0.0.1 (and ::1 when there is
 * IPv6): peers, connected mode, retry flags, SET_NEXT_TIMEOUT bounding a
 * blocking read, receive/send timeouts, MTU queries and MTU_EXCEEDED.
 * Built against Cachet and against the system's OpenSSL 3.0; both must print
 * the same lines, leaving out those marked "[varies]" (timings) and the case
 * marked "[differs from OpenSSL 3.0.19]".
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "crypto_test.h"

static int udp4(struct sockaddr_in *a)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    socklen_t len = sizeof *a;
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || bind(s, (struct sockaddr *)a, sizeof *a) != 0 || getsockname(s, (struct sockaddr *)a, &len) != 0)
        return -1;
    return s;
}

static int udp6(struct sockaddr_in6 *a)
{
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    socklen_t len = sizeof *a;
    memset(a, 0, sizeof *a);
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_loopback;
    if (s < 0)
        return -1;
    if (bind(s, (struct sockaddr *)a, sizeof *a) != 0 || getsockname(s, (struct sockaddr *)a, &len) != 0) {
        close(s);
        return -1;
    }
    return s;
}

static double now(void)
{
    struct timeval t;
    gettimeofday(&t, NULL);
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

static struct timeval deadline_in(long usec)
{
    struct timeval t;
    gettimeofday(&t, NULL);
    t.tv_usec += usec % 1000000;
    t.tv_sec += usec / 1000000 + t.tv_usec / 1000000;
    t.tv_usec %= 1000000;
    return t;
}

static struct timeval receive_timeout(int fd)
{
    struct timeval t = {-1, -1};
    socklen_t len = sizeof t;
    getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &t, &len);
    return t;
}

static unsigned long one_error(void)
{
    unsigned long e = ERR_get_error();
    printf("  error %08lX\n", e);
    return ERR_get_error() == 0 ? e : 0;
}

static void peers(void)
{
    struct sockaddr_in aa, ab;
    struct sockaddr_storage ss;
    int sa = udp4(&aa), sb = udp4(&ab), fd = -5;
    BIO *a = BIO_new_dgram(sa, BIO_NOCLOSE), *b = BIO_new_dgram(sb, BIO_CLOSE), *c;
    BIO_ADDR *addr = BIO_ADDR_new();
    char buf[2048];

    case_begin("dgram: send to the peer, read records the sender (GET_PEER/SET_PEER)");
    CHECK(sa >= 0 && sb >= 0 && a != NULL && b != NULL);
    CHECK(V(BIO_get_fd(a, &fd)) == sa && fd == sa);
    CHECK(V(BIO_get_close(a)) == BIO_NOCLOSE && V(BIO_get_close(b)) == BIO_CLOSE);
    CHECK(V(BIO_write(a, "nobody", 6)) == -1);  /* no peer yet */
    CHECK(V(BIO_should_retry(a)) == 0);
    CHECK(V(BIO_dgram_set_peer(a, &ab)) == 1);
    CHECK(V(BIO_write(a, "hello", 5)) == 5);
    CHECK(V(BIO_read(b, buf, sizeof buf)) == 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    memset(&ss, 0xAA, sizeof ss);
    CHECK(V(BIO_dgram_get_peer(b, &ss)) == (long)sizeof(struct sockaddr_in));
    CHECK(V(ss.ss_family) == AF_INET);
    CHECK(((struct sockaddr_in *)&ss)->sin_port == aa.sin_port);
    CHECK(((unsigned char *)&ss)[sizeof(struct sockaddr_in)] == 0xAA);  /* only a sockaddr_in copied */
    memset(&ss, 0xAA, sizeof ss);
    CHECK(V(BIO_ctrl(b, BIO_CTRL_DGRAM_GET_PEER, 4, &ss)) == 4);
    CHECK(((unsigned char *)&ss)[4] == 0xAA);
    CHECK(V(BIO_dgram_get_peer(b, addr)) == (long)sizeof(struct sockaddr_in));
    CHECK(V(BIO_ADDR_family(addr)) == AF_INET && BIO_ADDR_rawport(addr) == aa.sin_port);
    CHECK(V(BIO_write(b, "world!", 6)) == 6);  /* back to the recorded sender */
    CHECK(V(BIO_read(a, buf, sizeof buf)) == 6);
    CHECK(V(BIO_write(a, "one", 3)) == 3 && V(BIO_write(a, "four", 4)) == 4);
    CHECK(V(BIO_read(b, buf, sizeof buf)) == 3 && V(BIO_read(b, buf, sizeof buf)) == 4);
    CHECK(V(BIO_write(a, "truncated", 9)) == 9);
    CHECK(V(BIO_read(b, buf, 5)) == 5);  /* the rest of the datagram is gone */
    CHECK(V(BIO_puts(a, "puts")) == 4 && V(BIO_read(b, buf, sizeof buf)) == 4);
    /* SET_PEER from a BIO_ADDR, and a new BIO answering the recorded peer */
    c = BIO_new_dgram(sa, BIO_NOCLOSE);
    CHECK(V(BIO_dgram_set_peer(c, addr)) == 1);  /* addr is a's own address */
    CHECK(V(BIO_write(c, "self", 4)) == 4 && V(BIO_read(a, buf, sizeof buf)) == 4);
    BIO_free(c);
    case_end();

    case_begin("dgram: connected mode, DGRAM_CONNECT, clearing the peer");
    CHECK(connect(sa, (struct sockaddr *)&ab, sizeof ab) == 0);
    CHECK(V(BIO_ctrl_set_connected(a, &ab)) == 1);
    CHECK(V(BIO_write(a, "conn", 4)) == 4);
    CHECK(V(BIO_read(b, buf, sizeof buf)) == 4);
    memset(&ss, 0, sizeof ss);
    CHECK(V(BIO_dgram_get_peer(a, &ss)) == (long)sizeof(struct sockaddr_in));
    CHECK(((struct sockaddr_in *)&ss)->sin_port == ab.sin_port);
    CHECK(V(BIO_ctrl_dgram_connect(b, &aa)) == 1);
    CHECK(V(BIO_ctrl_set_connected(a, NULL)) == 1);
    memset(&ss, 0xAA, sizeof ss);
    CHECK(V(BIO_dgram_get_peer(a, &ss)) > (long)sizeof(struct sockaddr_in6));  /* the whole (empty) address */
    CHECK(V(ss.ss_family) == AF_UNSPEC);
    case_end();

    case_begin("dgram: ctrl answers, close flags, uninitialised BIOs");
    CHECK(V(BIO_pending(a)) == 0 && V(BIO_wpending(a)) == 0 && V(BIO_eof(a)) == 0);
    CHECK(V(BIO_flush(a)) == 1 && V(BIO_reset(a)) == 0 && V(BIO_ctrl(a, 9999, 0, NULL)) == 0);
    CHECK(V(BIO_gets(a, buf, 10)) == -2);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 121));
    CHECK(V(BIO_dgram_non_fatal_error(EAGAIN)) == 1 && V(BIO_dgram_non_fatal_error(EINTR)) == 1);
    CHECK(V(BIO_dgram_non_fatal_error(ENOTCONN)) == 0 && V(BIO_dgram_non_fatal_error(ECONNREFUSED)) == 0);
    BIO_free(a);
    CHECK(fcntl(sa, F_GETFD) != -1);  /* BIO_NOCLOSE */
    close(sa);
    BIO_free(b);
    CHECK(fcntl(sb, F_GETFD) == -1);  /* BIO_CLOSE */
    c = BIO_new(BIO_s_datagram());
    fd = -5;
    CHECK(V(BIO_get_fd(c, &fd)) == -1 && fd == -5);
    CHECK(V(BIO_read(c, buf, 3)) == -1);
    CHECK(one_error() == ERR_PACK(ERR_LIB_BIO, 0, 120));
    BIO_free(c);
    BIO_ADDR_free(addr);
    case_end();
}

static void timeouts(void)
{
    struct sockaddr_in aa, ab;
    int sa = udp4(&aa), sb = udp4(&ab);
    BIO *a = BIO_new_dgram(sa, BIO_CLOSE), *b = BIO_new_dgram(sb, BIO_CLOSE);
    struct timeval tv, got, zero = {0, 0}, short_timeout = {0, 150000};
    char buf[64];
    double t0, elapsed;

    case_begin("dgram: a non-blocking read retries; GET_RECV_TIMER_EXP reports it once");
    fcntl(sb, F_SETFL, O_NONBLOCK);
    CHECK(V(BIO_read(b, buf, sizeof buf)) == -1);
    CHECK(V(BIO_should_retry(b)) != 0 && V(BIO_should_read(b)) != 0);
    CHECK(V(BIO_dgram_recv_timedout(b)) == 1);
    CHECK(V(BIO_dgram_recv_timedout(b)) == 0);
    CHECK(V(BIO_read(b, buf, sizeof buf)) == -1);
    CHECK(V(BIO_dgram_send_timedout(b)) == 1);  /* the same record of EAGAIN */
    CHECK(V(BIO_dgram_recv_timedout(b)) == 0);
    fcntl(sb, F_SETFL, 0);
    case_end();

    case_begin("dgram: SET_NEXT_TIMEOUT makes a blocking read return at the deadline");
    tv = deadline_in(200000);
    CHECK(V(BIO_ctrl(b, BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT, 0, &tv)) == 1);
    t0 = now();
    CHECK(V(BIO_read(b, buf, sizeof buf)) == -1);
    elapsed = now() - t0;
    printf("  waited %.3f s [varies]\n", elapsed);
    CHECK(elapsed >= 0.15 && elapsed < 1.0);
    CHECK(V(BIO_should_retry(b)) != 0);
    CHECK(V(BIO_dgram_recv_timedout(b)) == 1);
    got = receive_timeout(sb);
    CHECK(got.tv_sec == 0 && got.tv_usec == 0);  /* SO_RCVTIMEO restored */
    tv = deadline_in(-1000000);                  /* already past: return at once */
    BIO_ctrl(b, BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT, 0, &tv);
    t0 = now();
    CHECK(V(BIO_read(b, buf, sizeof buf)) == -1);
    CHECK(now() - t0 < 0.5);
    CHECK(V(BIO_dgram_recv_timedout(b)) == 1);
    tv = deadline_in(5000000);                   /* data before the deadline */
    BIO_ctrl(b, BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT, 0, &tv);
    CHECK(V(BIO_dgram_set_peer(a, &ab)) == 1 && V(BIO_write(a, "early", 5)) == 5);
    t0 = now();
    CHECK(V(BIO_read(b, buf, sizeof buf)) == 5);
    CHECK(now() - t0 < 1.0);
    CHECK(V(BIO_dgram_recv_timedout(b)) == 0);
    case_end();

    case_begin("dgram: receive and send timeouts (SET/GET_RECV_TIMEOUT, SET/GET_SEND_TIMEOUT)");
    CHECK(V(BIO_ctrl(b, BIO_CTRL_DGRAM_SET_RECV_TIMEOUT, 0, &short_timeout)) == 1);
    memset(&got, 0, sizeof got);
    CHECK(V(BIO_ctrl(b, BIO_CTRL_DGRAM_GET_RECV_TIMEOUT, 0, &got)) == (long)sizeof(struct timeval));
    CHECK(got.tv_sec == 0 && got.tv_usec >= 150000 && got.tv_usec < 200000);
    t0 = now();
    CHECK(V(BIO_read(b, buf, sizeof buf)) == -1);
    elapsed = now() - t0;
    CHECK(elapsed >= 0.1 && elapsed < 1.0);
    CHECK(V(BIO_dgram_recv_timedout(b)) == 1);
    tv = deadline_in(3000000);  /* the socket's own timeout is shorter: it wins */
    BIO_ctrl(b, BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT, 0, &tv);
    t0 = now();
    CHECK(V(BIO_read(b, buf, sizeof buf)) == -1);
    elapsed = now() - t0;
    printf("  waited %.3f s [varies]\n", elapsed);
    CHECK(elapsed >= 0.1 && elapsed < 1.0);
    got = receive_timeout(sb);
    CHECK(got.tv_sec == 0 && got.tv_usec >= 150000 && got.tv_usec < 200000);
    BIO_ctrl(b, BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT, 0, &zero);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_SET_SEND_TIMEOUT, 0, &short_timeout)) == 1);
    memset(&got, 0, sizeof got);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_GET_SEND_TIMEOUT, 0, &got)) == (long)sizeof(struct timeval));
    CHECK(got.tv_usec >= 150000);
    case_end();
    BIO_free(a);
    BIO_free(b);
}

static void mtu(void)
{
    struct sockaddr_in aa, ab;
    struct sockaddr_in6 a6;
    int sa = udp4(&aa), sb = udp4(&ab), s6;
    BIO *a = BIO_new_dgram(sa, BIO_CLOSE), *b = BIO_new_dgram(sb, BIO_CLOSE);
    static char big[66000];
    long queried;

    case_begin("dgram: MTU queries (QUERY_MTU, GET/SET_MTU, overhead, fallback)");
    CHECK(V(BIO_dgram_get_mtu_overhead(a)) == 28);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_GET_FALLBACK_MTU, 0, NULL)) == 548);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_QUERY_MTU, 0, NULL)) == 0);  /* not connected */
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_GET_MTU, 0, NULL)) == 0);
    CHECK(connect(sa, (struct sockaddr *)&ab, sizeof ab) == 0);
    CHECK(V(BIO_ctrl_set_connected(a, &ab)) == 1);
    CHECK(V(BIO_dgram_get_mtu_overhead(a)) == 28);
    queried = BIO_ctrl(a, BIO_CTRL_DGRAM_QUERY_MTU, 0, NULL);
    printf("  QUERY_MTU = %ld\n", queried);
    CHECK(queried > 0 && queried + 28 <= 65536);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_GET_MTU, 0, NULL)) == queried);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_SET_MTU, 1000, NULL)) == 1000);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_GET_MTU, 0, NULL)) == 1000);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_SET_DONT_FRAG, 1, NULL)) == 0);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_SET_DONT_FRAG, 0, NULL)) == 0);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_MTU_DISCOVER, 0, NULL)) == 0);
    s6 = udp6(&a6);
    if (s6 < 0) {
        printf("  (no IPv6 loopback: IPv6 checks skipped)\n");
    } else {
        BIO *c = BIO_new_dgram(s6, BIO_CLOSE);
        CHECK(V(BIO_dgram_get_mtu_overhead(c)) == 28);  /* no peer yet */
        CHECK(V(BIO_dgram_set_peer(c, &a6)) == 1);
        CHECK(V(BIO_dgram_get_mtu_overhead(c)) == 48);
        CHECK(V(BIO_ctrl(c, BIO_CTRL_DGRAM_GET_FALLBACK_MTU, 0, NULL)) == 1232);
        CHECK(connect(s6, (struct sockaddr *)&a6, sizeof a6) == 0);
        queried = BIO_ctrl(c, BIO_CTRL_DGRAM_QUERY_MTU, 0, NULL);
        printf("  QUERY_MTU (IPv6) = %ld\n", queried);
        CHECK(queried > 0 && queried + 48 <= 65536);
        CHECK(V(BIO_ctrl(c, BIO_CTRL_DGRAM_SET_DONT_FRAG, 1, NULL)) == 0);
        CHECK(V(BIO_write(c, "v6", 2)) == 2);
        BIO_free(c);
    }
    case_end();

    /*
     * Cachet reports the EMSGSIZE of the last write here.  (OpenSSL 3.0.19's
     * datagram BIO answers 0 whatever happened before: it only remembers
     * retryable errors, and EMSGSIZE is not one.)
     */
    case_begin("dgram: MTU_EXCEEDED after a write fails with EMSGSIZE [differs from OpenSSL 3.0.19]");
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_MTU_EXCEEDED, 0, NULL)) == 0);
    memset(big, 'x', sizeof big);
    CHECK(V(BIO_write(a, big, (int)sizeof big)) == -1);
    CHECK(V(errno) == EMSGSIZE);
    CHECK(V(BIO_should_retry(a)) == 0);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_MTU_EXCEEDED, 0, NULL)) == 1);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_MTU_EXCEEDED, 0, NULL)) == 0);  /* reported once */
    CHECK(V(BIO_write(a, big, 1000)) == 1000);
    CHECK(V(BIO_ctrl(a, BIO_CTRL_DGRAM_MTU_EXCEEDED, 0, NULL)) == 0);
    case_end();
    BIO_free(a);
    BIO_free(b);
}

int main(void)
{
    ct_init();
    peers();
    timeouts();
    mtu();
    CHECK(ERR_get_error() == 0);
    return ct_finish();
}
