/*
 * dtls_echo_client — a DTLS 1.2 client for dtls_echo_server, written against
 * the OpenSSL 3.0 API only.  It builds unchanged against OpenSSL or against
 * Cachet's OpenSSL-compatible libssl/libcrypto (see examples/README.md).
 *
 * It connects a UDP socket to HOST:PORT, performs the handshake (verifying
 * the server's certificate chain against a CA file and the server's name or
 * address), offers DTLS-SRTP, sends messages and checks that each comes back
 * unchanged, then closes with close_notify.  The socket is non-blocking:
 * poll() waits for data, bounded by DTLSv1_get_timeout() so that
 * DTLSv1_handle_timeout() retransmits lost handshake flights.
 *
 * After the handshake it prints one line:
 *   handshake local=ADDR:PORT peer=ADDR:PORT version=V cipher=C srtp=PROFILE keymat=HEX
 * where keymat is the 60-byte DTLS-SRTP keying material (RFC 5764 §4.2),
 * and at the end "echoed N of N messages".
 *
 * Usage: dtls_echo_client [-h HOST] [-p PORT] [-C CA-FILE] [-N NAME]
 *            [-c CERT-CHAIN -k KEY] [-n COUNT] [-s SRTP-PROFILES]
 *            [-P PSK-HEX [-u IDENTITY]] [-x] [-d MILLISECONDS] [-t SECONDS]
 *            [MESSAGE...]
 *   -N NAME  the host name or IP address the certificate must match
 *            (default: HOST); "-N ''" checks the chain only.
 *   -n COUNT messages to send when none are given (default 3).
 *   -x       send only: do not expect echoes (for peers that do not echo).
 *   -d       pause between messages (default 0).
 *   -t       give up after this many seconds (default 10).
 *   Exit status: 0 on success, 1 on any failure (including verification).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#define DEFAULT_SRTP_PROFILES "SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32"
#define SRTP_KEYING_LENGTH 60 /* 2 * (16-byte key + 14-byte salt) */

static unsigned char psk_key[64];
static size_t psk_key_len;
static const char *psk_identity = "dtls_echo_client";
static struct timespec deadline;

static size_t parse_hex(const char *hex, unsigned char *out, size_t max)
{
    size_t n = strlen(hex);
    if (n == 0 || n % 2 != 0 || n / 2 > max)
        return 0;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned int byte;
        if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
            return 0;
        out[i] = (unsigned char)byte;
    }
    return n / 2;
}

static unsigned int psk_client_cb(SSL *ssl, const char *hint, char *identity,
                                  unsigned int max_identity_len, unsigned char *psk,
                                  unsigned int max_psk_len)
{
    (void)ssl;
    (void)hint;
    if (strlen(psk_identity) >= max_identity_len || psk_key_len > max_psk_len)
        return 0;
    strcpy(identity, psk_identity);
    memcpy(psk, psk_key, psk_key_len);
    return (unsigned int)psk_key_len;
}

/* Milliseconds left before the overall deadline (0 once it has passed). */
static int ms_left(void)
{
    struct timespec now;
    long ms;
    clock_gettime(CLOCK_MONOTONIC, &now);
    ms = (deadline.tv_sec - now.tv_sec) * 1000 + (deadline.tv_nsec - now.tv_nsec) / 1000000;
    return ms > 0 ? (int)ms : 0;
}

/* Called after an operation reported `err`: waits until it may be retried.
 * Returns 1 to retry, 0 on a real failure or when time is up. */
static int wait_for(SSL *ssl, int fd, int err)
{
    struct pollfd pfd;
    struct timeval tv;
    int timeout, ret;

    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
        return 0;
    timeout = ms_left();
    if (timeout == 0) {
        fprintf(stderr, "dtls_echo_client: timed out\n");
        return 0;
    }
    if (DTLSv1_get_timeout(ssl, &tv)) {
        int ms = (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
        if (ms < timeout)
            timeout = ms;
    }
    pfd.fd = fd;
    pfd.events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
    ret = poll(&pfd, 1, timeout);
    if (ret < 0 && errno != EINTR) {
        perror("poll");
        return 0;
    }
    /* A retransmission timer that has fired: resend the last flight. */
    if (ret == 0 && DTLSv1_get_timeout(ssl, &tv) && tv.tv_sec == 0 && tv.tv_usec == 0
        && DTLSv1_handle_timeout(ssl) < 0) {
        fprintf(stderr, "dtls_echo_client: handshake timed out\n");
        return 0;
    }
    return 1;
}

static void print_handshake(SSL *ssl, int fd, const char *peer)
{
    unsigned char keymat[SRTP_KEYING_LENGTH];
    char hex[2 * SRTP_KEYING_LENGTH + 1] = "none";
    char local[INET6_ADDRSTRLEN + 8] = "?";
    const SRTP_PROTECTION_PROFILE *srtp = SSL_get_selected_srtp_profile(ssl);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
        char host[INET6_ADDRSTRLEN] = "?";
        char serv[8] = "?";
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV);
        snprintf(local, sizeof local, "%s:%s", host, serv);
    }
    if (srtp != NULL
        && SSL_export_keying_material(ssl, keymat, sizeof keymat, "EXTRACTOR-dtls_srtp", 19,
                                      NULL, 0, 0) == 1) {
        for (size_t i = 0; i < sizeof keymat; i++)
            snprintf(hex + 2 * i, 3, "%02X", keymat[i]);
    }
    printf("handshake local=%s peer=%s version=%s cipher=%s srtp=%s keymat=%s\n", local, peer,
           SSL_get_version(ssl), SSL_get_cipher_name(ssl), srtp != NULL ? srtp->name : "none",
           hex);
}

static void report_failure(SSL *ssl, const char *what)
{
    long verify = ssl != NULL ? SSL_get_verify_result(ssl) : X509_V_OK;
    fprintf(stderr, "dtls_echo_client: %s\n", what);
    if (verify != X509_V_OK)
        fprintf(stderr, "verify error: %s (%ld)\n", X509_verify_cert_error_string(verify), verify);
    ERR_print_errors_fp(stderr);
}

/* Sends msg and waits for it to come back (unless send_only). */
static int exchange(SSL *ssl, int fd, const char *msg, int send_only)
{
    char buf[16384];
    int len = (int)strlen(msg), ret;

    while ((ret = SSL_write(ssl, msg, len)) <= 0) {
        if (!wait_for(ssl, fd, SSL_get_error(ssl, ret))) {
            report_failure(ssl, "SSL_write failed");
            return 0;
        }
    }
    if (send_only)
        return 1;
    while ((ret = SSL_read(ssl, buf, sizeof buf)) <= 0) {
        if (!wait_for(ssl, fd, SSL_get_error(ssl, ret))) {
            report_failure(ssl, "no echo");
            return 0;
        }
    }
    if (ret != len || memcmp(buf, msg, (size_t)len) != 0) {
        fprintf(stderr, "dtls_echo_client: echo differs: sent %d bytes, got %d\n", len, ret);
        return 0;
    }
    return 1;
}

static void usage(void)
{
    fprintf(stderr, "usage: dtls_echo_client [-h HOST] [-p PORT] [-C CA-FILE] [-N NAME] "
                    "[-c CERT-CHAIN -k KEY] [-n COUNT] [-s SRTP-PROFILES] "
                    "[-P PSK-HEX [-u IDENTITY]] [-x] [-d MILLISECONDS] [-t SECONDS] [MESSAGE...]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *port = "4433", *ca = NULL, *name = NULL;
    const char *cert = NULL, *key = NULL, *srtp_profiles = DEFAULT_SRTP_PROFILES;
    int count = 3, send_only = 0, seconds = 10, pause_ms = 0, opt, fd = -1, ret, echoed = 0, total;
    struct addrinfo hints, *ai = NULL;
    char peer[INET6_ADDRSTRLEN + 8];
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    BIO *bio;
    int status = 1;

    while ((opt = getopt(argc, argv, "h:p:C:N:c:k:n:s:P:u:xd:t:")) != -1) {
        switch (opt) {
        case 'h': host = optarg; break;
        case 'p': port = optarg; break;
        case 'C': ca = optarg; break;
        case 'N': name = optarg; break;
        case 'c': cert = optarg; break;
        case 'k': key = optarg; break;
        case 'n': count = atoi(optarg); break;
        case 's': srtp_profiles = optarg; break;
        case 'P':
            psk_key_len = parse_hex(optarg, psk_key, sizeof psk_key);
            if (psk_key_len == 0)
                usage();
            break;
        case 'u': psk_identity = optarg; break;
        case 'x': send_only = 1; break;
        case 'd': pause_ms = atoi(optarg); break;
        case 't': seconds = atoi(optarg); break;
        default: usage();
        }
    }
    if ((cert == NULL) != (key == NULL) || count < 0 || seconds <= 0 || pause_ms < 0
        || (ca == NULL && psk_key_len == 0))
        usage();
    if (name == NULL)
        name = host;
    setvbuf(stdout, NULL, _IOLBF, 0);
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += seconds;

    /* A UDP socket connected to the server. */
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    if ((ret = getaddrinfo(host, port, &hints, &ai)) != 0) {
        fprintf(stderr, "dtls_echo_client: %s: %s\n", host, gai_strerror(ret));
        return 1;
    }
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0
        || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK) < 0) {
        perror("dtls_echo_client: socket");
        goto end;
    }
    {
        char h[INET6_ADDRSTRLEN] = "?", s[8] = "?";
        getnameinfo(ai->ai_addr, ai->ai_addrlen, h, sizeof h, s, sizeof s,
                    NI_NUMERICHOST | NI_NUMERICSERV);
        snprintf(peer, sizeof peer, "%s:%s", h, s);
    }

    ctx = SSL_CTX_new(DTLS_client_method());
    if (ctx == NULL)
        goto ssl_error;
    SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
    if (ca != NULL) {
        if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
            goto ssl_error;
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    if (cert != NULL
        && (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1
            || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1))
        goto ssl_error;
    if (psk_key_len > 0) {
        SSL_CTX_set_psk_client_callback(ctx, psk_client_cb);
        if (ca == NULL
            && SSL_CTX_set_cipher_list(ctx, "ECDHE-PSK-AES128-GCM-SHA256:PSK-AES128-GCM-SHA256")
                   != 1)
            goto ssl_error;
    }
    /* Note: returns 0 on success. */
    if (SSL_CTX_set_tlsext_use_srtp(ctx, srtp_profiles) != 0)
        goto ssl_error;

    ssl = SSL_new(ctx);
    if (ssl == NULL || (bio = BIO_new_dgram(fd, BIO_CLOSE)) == NULL)
        goto ssl_error;
    fd = -1; /* the BIO closes it */
    BIO_ctrl_set_connected(bio, ai->ai_addr);
    SSL_set_bio(ssl, bio, bio);
    fd = SSL_get_fd(ssl);
    if (ca != NULL && name[0] != '\0') {
        struct in6_addr ip;
        /* The certificate must name the server (DNS name or IP address). */
        if (SSL_set1_host(ssl, name) != 1)
            goto ssl_error;
        /* Server Name Indication takes host names, never addresses. */
        if (inet_pton(AF_INET, name, &ip) != 1 && inet_pton(AF_INET6, name, &ip) != 1
            && SSL_set_tlsext_host_name(ssl, name) != 1)
            goto ssl_error;
    }

    while ((ret = SSL_connect(ssl)) != 1) {
        if (!wait_for(ssl, fd, SSL_get_error(ssl, ret))) {
            report_failure(ssl, "handshake failed");
            goto end;
        }
    }
    print_handshake(ssl, fd, peer);

    total = optind < argc ? argc - optind : count;
    for (int i = 0; i < total; i++) {
        char generated[64];
        const char *msg = argv[optind + i];
        if (i > 0 && pause_ms > 0)
            poll(NULL, 0, pause_ms);
        if (optind >= argc) {
            snprintf(generated, sizeof generated, "message %d of %d from pid %ld\n", i + 1, total,
                     (long)getpid());
            msg = generated;
        }
        if (!exchange(ssl, fd, msg, send_only))
            goto end;
        echoed++;
    }
    printf(send_only ? "sent %d of %d messages\n" : "echoed %d of %d messages\n", echoed, total);

    /* close_notify, then wait (briefly) for the server's. */
    if (SSL_shutdown(ssl) == 0) {
        char buf[512];
        int err;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += 1;
        do {
            ret = SSL_read(ssl, buf, sizeof buf);
            err = SSL_get_error(ssl, ret);
        } while (ret > 0 || (err != SSL_ERROR_ZERO_RETURN && ms_left() > 0 && wait_for(ssl, fd, err)));
        printf("%s\n", err == SSL_ERROR_ZERO_RETURN ? "closed by both sides" : "closed");
    }
    status = 0;
    goto end;

ssl_error:
    report_failure(ssl, "setup failed");
end:
    if (ssl != NULL && SSL_get_rbio(ssl) != NULL)
        fd = -1; /* closed with the BIO */
    SSL_free(ssl);
    if (fd >= 0)
        close(fd);
    SSL_CTX_free(ctx);
    freeaddrinfo(ai);
    return status;
}
