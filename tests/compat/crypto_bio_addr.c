/*
 * BIO_ADDR round trips: IPv4, IPv6 (plain and v4-mapped), Unix-domain
 * paths, the empty address, and the host/service strings.  Built against
 * Cachet and against the system's OpenSSL 3.0; both must print the same.
 */
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "crypto_test.h"

/* Prints and frees a string returned by BIO_ADDR_*_string. */
static int expect_string(const char *what, char *s, const char *want)
{
    int ok = s != NULL && strcmp(s, want) == 0;
    printf("  %s = %s\n", what, s != NULL ? s : "(null)");
    OPENSSL_free(s);
    return ok;
}

static void show_string(const char *what, char *s)
{
    printf("  %s = %s\n", what, s != NULL ? s : "(null)");
    OPENSSL_free(s);
}

static void show_errors(void)
{
    const char *data;
    int flags;
    unsigned long e;
    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0)
        printf("  error %08lX data \"%s\"\n", e, (flags & ERR_TXT_STRING) ? data : "");
}

static void ipv4(BIO_ADDR *a)
{
    struct in_addr in, back;
    size_t len = 99;

    inet_pton(AF_INET, "127.0.0.1", &in);
    case_begin("BIO_ADDR: IPv4 round trip");
    CHECK(V(BIO_ADDR_rawmake(a, AF_INET, &in, 3, htons(443))) == 0);
    CHECK(V(BIO_ADDR_family(a)) == AF_UNSPEC);
    CHECK(V(BIO_ADDR_rawmake(a, AF_INET, &in, sizeof in, htons(443))) == 1);
    CHECK(V(BIO_ADDR_family(a)) == AF_INET);
    CHECK(V(ntohs(BIO_ADDR_rawport(a))) == 443);
    CHECK(V(BIO_ADDR_rawaddress(a, NULL, &len)) == 1 && V(len) == 4);
    CHECK(V(BIO_ADDR_rawaddress(a, &back, NULL)) == 1);
    CHECK(memcmp(&back, &in, sizeof in) == 0);
    CHECK(expect_string("host (numeric)", BIO_ADDR_hostname_string(a, 1), "127.0.0.1"));
    CHECK(expect_string("service (numeric)", BIO_ADDR_service_string(a, 1), "443"));
    show_string("host", BIO_ADDR_hostname_string(a, 0));
    show_string("service", BIO_ADDR_service_string(a, 0));
    CHECK(V(BIO_ADDR_rawmake(a, AF_INET, &in, sizeof in, htons(47123))) == 1);
    CHECK(expect_string("service", BIO_ADDR_service_string(a, 0), "47123"));
    /* As a struct sockaddr: the union starts with one. */
    CHECK(V(((const struct sockaddr *)a)->sa_family) == AF_INET);
    CHECK(V(ntohs(((const struct sockaddr_in *)a)->sin_port)) == 47123);
    case_end();
}

static void ipv6(BIO_ADDR *a)
{
    struct in6_addr in6, back;
    size_t len = 0;

    case_begin("BIO_ADDR: IPv6 round trips (plain and v4-mapped)");
    inet_pton(AF_INET6, "fe80::1:2", &in6);
    CHECK(V(BIO_ADDR_rawmake(a, AF_INET6, &in6, 4, htons(5684))) == 0);
    CHECK(V(BIO_ADDR_rawmake(a, AF_INET6, &in6, sizeof in6, htons(5684))) == 1);
    CHECK(V(BIO_ADDR_family(a)) == AF_INET6);
    CHECK(V(ntohs(BIO_ADDR_rawport(a))) == 5684);
    CHECK(V(BIO_ADDR_rawaddress(a, &back, &len)) == 1 && V(len) == 16);
    CHECK(memcmp(&back, &in6, sizeof in6) == 0);
    CHECK(expect_string("host (numeric)", BIO_ADDR_hostname_string(a, 1), "fe80::1:2"));
    CHECK(expect_string("service (numeric)", BIO_ADDR_service_string(a, 1), "5684"));
    inet_pton(AF_INET6, "::ffff:10.1.2.3", &in6);
    CHECK(V(BIO_ADDR_rawmake(a, AF_INET6, &in6, sizeof in6, htons(1))) == 1);
    CHECK(expect_string("host (numeric)", BIO_ADDR_hostname_string(a, 1), "::ffff:10.1.2.3"));
    inet_pton(AF_INET6, "::1", &in6);
    CHECK(V(BIO_ADDR_rawmake(a, AF_INET6, &in6, sizeof in6, htons(4433))) == 1);
    CHECK(expect_string("host (numeric)", BIO_ADDR_hostname_string(a, 1), "::1"));
    case_end();
}

static void unix_and_others(BIO_ADDR *a)
{
    char path[200];
    size_t len = 0;

    case_begin("BIO_ADDR: Unix-domain paths, unknown families, clear, empty");
    CHECK(V(BIO_ADDR_rawmake(a, AF_UNIX, "/tmp/sock", 9, 0)) == 1);
    CHECK(V(BIO_ADDR_family(a)) == AF_UNIX);
    CHECK(V(BIO_ADDR_rawport(a)) == 0);
    memset(path, 0, sizeof path);
    CHECK(V(BIO_ADDR_rawaddress(a, path, &len)) == 1 && V(len) == 9);
    CHECK(strcmp(S(path), "/tmp/sock") == 0);
    CHECK(expect_string("host", BIO_ADDR_hostname_string(a, 1), "localhost"));
    CHECK(expect_string("service", BIO_ADDR_service_string(a, 1), "/tmp/sock"));
    memset(path, 'x', sizeof path);
    CHECK(V(BIO_ADDR_rawmake(a, AF_UNIX, path, 108, 0)) == 0);
    CHECK(V(BIO_ADDR_rawmake(a, AF_UNIX, path, 107, 0)) == 1);
    CHECK(V(BIO_ADDR_rawmake(a, 99, path, 4, 0)) == 0);
    CHECK(V(BIO_ADDR_family(a)) == AF_UNIX);
    BIO_ADDR_clear(a);
    CHECK(V(BIO_ADDR_family(a)) == AF_UNSPEC);
    CHECK(V(BIO_ADDR_rawaddress(a, path, &len)) == 0);
    CHECK(V(BIO_ADDR_rawport(a)) == 0);
    CHECK(BIO_ADDR_hostname_string(a, 1) == NULL);
    show_errors();
    CHECK(BIO_ADDR_service_string(a, 0) == NULL);
    show_errors();
    BIO_ADDR_free(NULL);
    case_end();
}

int main(void)
{
    BIO_ADDR *a;
    ct_init();
    a = BIO_ADDR_new();
    case_begin("BIO_ADDR_new: an empty address");
    CHECK(a != NULL);
    CHECK(V(BIO_ADDR_family(a)) == AF_UNSPEC);
    case_end();
    ipv4(a);
    ipv6(a);
    unix_and_others(a);
    BIO_ADDR_free(a);
    CHECK(ERR_get_error() == 0);
    return ct_finish();
}
