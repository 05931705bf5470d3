/*
 * dtls_echo_server — a DTLS 1.2 echo server written against the OpenSSL 3.0
 * API only.  It builds unchanged against OpenSSL or against Cachet's
 * OpenSSL-compatible libssl/libcrypto (see examples/README.md).
 *
 * One UDP socket on ADDRESS:PORT receives every new client.  DTLSv1_listen()
 * answers ClientHellos with a HelloVerifyRequest carrying a stateless cookie
 * (a keyed hash of the client's address) and returns once a client proves it
 * owns its address.  That client then gets its own UDP socket, bound to the
 * same address and port and connected to the client, so the kernel hands its
 * datagrams to that socket.  All sockets are non-blocking and served by one
 * poll() loop; handshake retransmissions are driven by DTLSv1_get_timeout()
 * and DTLSv1_handle_timeout().
 *
 * Each application datagram is echoed back.  After each handshake the server
 * prints one line:
 *   handshake client=N peer=ADDR:PORT version=V cipher=C srtp=PROFILE keymat=HEX [client-cert=SUBJECT]
 * where keymat is the 60-byte DTLS-SRTP keying material (RFC 5764 §4.2:
 * two 16-byte AES-128 master keys and two 14-byte master salts), and when a
 * client leaves:
 *   closed client=N peer=ADDR:PORT messages=M clean|error
 *
 * Usage: dtls_echo_server [-a ADDRESS] [-p PORT] [-c CERT-CHAIN] [-k KEY]
 *            [-C CA-FILE] [-r] [-n CLIENTS] [-s SRTP-PROFILES]
 *            [-P PSK-HEX [-I HINT]]
 *   -p 0 picks a free port; the line "listening on ADDR:PORT" says which.
 *   -r requires a client certificate verified against -C.
 *   -n N exits after N clients have come and gone (0: serve forever).
 *   Exit status: 0 when every client finished cleanly, 1 otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define MAX_CLIENTS 32
#define DEFAULT_SRTP_PROFILES "SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32"
#define SRTP_KEYING_LENGTH 60 /* 2 * (16-byte key + 14-byte salt) */

struct client {
    SSL *ssl;
    int fd;
    int id;
    int established;
    unsigned long messages;
    char peer[80];
};

static unsigned char cookie_secret[32];
static unsigned char psk_key[64];
static size_t psk_key_len;

/* ---------------------------------------------------------------------- */
/* Helpers */

static void die(const char *what)
{
    fprintf(stderr, "dtls_echo_server: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL, 0);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Parses hex into out; returns the byte count, or 0 if malformed. */
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

/* "ADDRESS:PORT" for an address OpenSSL gives us. */
static void format_addr(const BIO_ADDR *addr, char *out, size_t size)
{
    char *host = BIO_ADDR_hostname_string(addr, 1);
    char *port = BIO_ADDR_service_string(addr, 1);
    snprintf(out, size, "%s:%s", host != NULL ? host : "?", port != NULL ? port : "?");
    OPENSSL_free(host);
    OPENSSL_free(port);
}

/* A sockaddr for a BIO_ADDR (IPv4 or IPv6); its length, or 0. */
static socklen_t to_sockaddr(const BIO_ADDR *addr, struct sockaddr_storage *ss)
{
    size_t len;
    memset(ss, 0, sizeof *ss);
    if (BIO_ADDR_family(addr) == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        len = sizeof sin->sin_addr;
        sin->sin_family = AF_INET;
        sin->sin_port = BIO_ADDR_rawport(addr);
        if (BIO_ADDR_rawaddress(addr, &sin->sin_addr, &len) != 1)
            return 0;
        return sizeof *sin;
    }
    if (BIO_ADDR_family(addr) == AF_INET6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        len = sizeof sin6->sin6_addr;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = BIO_ADDR_rawport(addr);
        if (BIO_ADDR_rawaddress(addr, &sin6->sin6_addr, &len) != 1)
            return 0;
        return sizeof *sin6;
    }
    return 0;
}

/* A UDP socket bound to addr with SO_REUSEADDR, so that the per-client
 * sockets can share the listening address and port. */
static int bound_socket(const struct sockaddr *addr, socklen_t len)
{
    int on = 1;
    int fd = socket(addr->sa_family, SOCK_DGRAM, 0);
    if (fd < 0)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0
        || bind(fd, addr, len) < 0 || set_nonblocking(fd) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* ---------------------------------------------------------------------- */
/* Stateless cookies (RFC 6347 §4.2.1): SHA-256 over a random secret and the
 * client's address and port.  Only a client that receives datagrams at that
 * address can echo the cookie back. */

static int compute_cookie(SSL *ssl, unsigned char *out, unsigned int *outlen)
{
    BIO_ADDR *peer = BIO_ADDR_new();
    unsigned char raw[16];
    size_t rawlen = sizeof raw;
    unsigned short port;
    int family, ok = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    if (peer == NULL || md == NULL || BIO_dgram_get_peer(SSL_get_rbio(ssl), peer) <= 0)
        goto end;
    family = BIO_ADDR_family(peer);
    port = BIO_ADDR_rawport(peer);
    if (BIO_ADDR_rawaddress(peer, raw, &rawlen) != 1)
        goto end;
    ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL)
         && EVP_DigestUpdate(md, cookie_secret, sizeof cookie_secret)
         && EVP_DigestUpdate(md, &family, sizeof family)
         && EVP_DigestUpdate(md, raw, rawlen)
         && EVP_DigestUpdate(md, &port, sizeof port)
         && EVP_DigestFinal_ex(md, out, outlen);
end:
    EVP_MD_CTX_free(md);
    BIO_ADDR_free(peer);
    return ok;
}

static int generate_cookie(SSL *ssl, unsigned char *cookie, unsigned int *cookie_len)
{
    return compute_cookie(ssl, cookie, cookie_len);
}

static int verify_cookie(SSL *ssl, const unsigned char *cookie, unsigned int cookie_len)
{
    unsigned char expected[EVP_MAX_MD_SIZE];
    unsigned int expected_len = 0;
    return compute_cookie(ssl, expected, &expected_len) && cookie_len == expected_len
           && CRYPTO_memcmp(cookie, expected, expected_len) == 0;
}

/* ---------------------------------------------------------------------- */

static unsigned int psk_server_cb(SSL *ssl, const char *identity, unsigned char *psk,
                                  unsigned int max_psk_len)
{
    (void)ssl;
    if (identity == NULL || psk_key_len > max_psk_len)
        return 0;
    memcpy(psk, psk_key, psk_key_len);
    return (unsigned int)psk_key_len;
}

static void print_handshake(const struct client *c)
{
    unsigned char keymat[SRTP_KEYING_LENGTH];
    char hex[2 * SRTP_KEYING_LENGTH + 1] = "none";
    const SRTP_PROTECTION_PROFILE *srtp = SSL_get_selected_srtp_profile(c->ssl);
    X509 *peer_cert = SSL_get0_peer_certificate(c->ssl);
    char subject[256] = "";

    if (srtp != NULL
        && SSL_export_keying_material(c->ssl, keymat, sizeof keymat, "EXTRACTOR-dtls_srtp", 19,
                                      NULL, 0, 0) == 1) {
        for (size_t i = 0; i < sizeof keymat; i++)
            snprintf(hex + 2 * i, 3, "%02X", keymat[i]);
    }
    if (peer_cert != NULL)
        X509_NAME_oneline(X509_get_subject_name(peer_cert), subject, sizeof subject);
    printf("handshake client=%d peer=%s version=%s cipher=%s srtp=%s keymat=%s%s%s\n", c->id,
           c->peer, SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl),
           srtp != NULL ? srtp->name : "none", hex, peer_cert != NULL ? " client-cert=" : "",
           subject);
}

/* Makes progress on one client.  Returns 1 while the client stays, 0 when
 * it has left cleanly, -1 when it failed. */
static int serve_client(struct client *c)
{
    unsigned char buf[16384];

    if (!c->established) {
        int ret = SSL_accept(c->ssl);
        if (ret <= 0) {
            int err = SSL_get_error(c->ssl, ret);
            if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
                return 1;
            fprintf(stderr, "client %d (%s): handshake failed\n", c->id, c->peer);
            ERR_print_errors_fp(stderr);
            return -1;
        }
        c->established = 1;
        print_handshake(c);
    }
    for (;;) {
        int n = SSL_read(c->ssl, buf, sizeof buf);
        if (n > 0) {
            int w = SSL_write(c->ssl, buf, n);
            if (w != n) {
                fprintf(stderr, "client %d: echo failed\n", c->id);
                ERR_print_errors_fp(stderr);
                return -1;
            }
            c->messages++;
            continue;
        }
        switch (SSL_get_error(c->ssl, n)) {
        case SSL_ERROR_WANT_READ:
        case SSL_ERROR_WANT_WRITE:
            return 1;
        case SSL_ERROR_ZERO_RETURN: /* close_notify: answer with ours */
            SSL_shutdown(c->ssl);
            return 0;
        default:
            fprintf(stderr, "client %d (%s): connection failed\n", c->id, c->peer);
            ERR_print_errors_fp(stderr);
            return -1;
        }
    }
}

static SSL *new_listening_ssl(SSL_CTX *ctx, int listen_fd)
{
    SSL *ssl = SSL_new(ctx);
    BIO *bio = BIO_new_dgram(listen_fd, BIO_NOCLOSE);
    if (ssl == NULL || bio == NULL)
        die("cannot create the listening SSL");
    SSL_set_bio(ssl, bio, bio);
    return ssl;
}

/* DTLSv1_listen has accepted a client on listening_ssl: move it to its own
 * connected socket.  Returns 0 on success. */
static int hand_over(SSL *ssl, const BIO_ADDR *client_addr, const struct sockaddr *local,
                     socklen_t local_len, struct client *c)
{
    struct sockaddr_storage peer;
    socklen_t peer_len = to_sockaddr(client_addr, &peer);
    int fd = bound_socket(local, local_len);
    BIO *bio = SSL_get_rbio(ssl);

    if (fd < 0 || peer_len == 0 || connect(fd, (struct sockaddr *)&peer, peer_len) < 0) {
        perror("client socket");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    BIO_set_fd(bio, fd, BIO_CLOSE);
    BIO_ctrl_set_connected(bio, client_addr);
    c->ssl = ssl;
    c->fd = fd;
    c->established = 0;
    c->messages = 0;
    format_addr(client_addr, c->peer, sizeof c->peer);
    return 0;
}

static int is_known_peer(const struct client *clients, int nclients, const BIO_ADDR *addr)
{
    char peer[80];
    format_addr(addr, peer, sizeof peer);
    for (int i = 0; i < nclients; i++)
        if (strcmp(clients[i].peer, peer) == 0)
            return 1;
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: dtls_echo_server [-a ADDRESS] [-p PORT] [-c CERT-CHAIN] [-k KEY] "
                    "[-C CA-FILE] [-r] [-n CLIENTS] [-s SRTP-PROFILES] [-P PSK-HEX [-I HINT]]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *address = "127.0.0.1", *cert = NULL, *key = NULL, *ca = NULL, *hint = NULL;
    const char *srtp_profiles = DEFAULT_SRTP_PROFILES;
    int port = 4433, require_client_cert = 0, max_clients = 1, opt;
    struct client clients[MAX_CLIENTS];
    int nclients = 0, accepted = 0, finished = 0, failures = 0, next_id = 1;
    struct sockaddr_in local;
    socklen_t local_len = sizeof local;
    int listen_fd;
    SSL_CTX *ctx;
    SSL *listening;
    BIO_ADDR *client_addr;

    while ((opt = getopt(argc, argv, "a:p:c:k:C:rn:s:P:I:")) != -1) {
        switch (opt) {
        case 'a': address = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'c': cert = optarg; break;
        case 'k': key = optarg; break;
        case 'C': ca = optarg; break;
        case 'r': require_client_cert = 1; break;
        case 'n': max_clients = atoi(optarg); break;
        case 's': srtp_profiles = optarg; break;
        case 'P':
            psk_key_len = parse_hex(optarg, psk_key, sizeof psk_key);
            if (psk_key_len == 0)
                usage();
            break;
        case 'I': hint = optarg; break;
        default: usage();
        }
    }
    if (optind != argc || (cert == NULL && psk_key_len == 0) || (cert != NULL && key == NULL)
        || (require_client_cert && ca == NULL) || port < 0 || port > 65535 || max_clients < 0)
        usage();
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (RAND_bytes(cookie_secret, sizeof cookie_secret) != 1)
        die("no randomness for the cookie secret");

    /* The context every connection shares. */
    ctx = SSL_CTX_new(DTLS_server_method());
    if (ctx == NULL)
        die("SSL_CTX_new failed");
    SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
    if (cert != NULL) {
        if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1
            || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1
            || SSL_CTX_check_private_key(ctx) != 1)
            die("cannot load the certificate and key");
    }
    if (ca != NULL && SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
        die("cannot load the CA file");
    if (require_client_cert)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    if (psk_key_len > 0) {
        SSL_CTX_set_psk_server_callback(ctx, psk_server_cb);
        if (hint != NULL && SSL_CTX_use_psk_identity_hint(ctx, hint) != 1)
            die("bad PSK identity hint");
    }
    /* Note: returns 0 on success. */
    if (SSL_CTX_set_tlsext_use_srtp(ctx, srtp_profiles) != 0)
        die("bad SRTP profile list");
    SSL_CTX_set_cookie_generate_cb(ctx, generate_cookie);
    SSL_CTX_set_cookie_verify_cb(ctx, verify_cookie);

    /* The listening socket. */
    memset(&local, 0, sizeof local);
    local.sin_family = AF_INET;
    local.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, address, &local.sin_addr) != 1)
        usage();
    listen_fd = bound_socket((struct sockaddr *)&local, sizeof local);
    if (listen_fd < 0 || getsockname(listen_fd, (struct sockaddr *)&local, &local_len) < 0) {
        perror("listening socket");
        return 1;
    }
    printf("listening on %s:%u\n", address, ntohs(local.sin_port));

    listening = new_listening_ssl(ctx, listen_fd);
    client_addr = BIO_ADDR_new();
    if (client_addr == NULL)
        die("BIO_ADDR_new failed");

    while (max_clients == 0 || finished < max_clients) {
        struct pollfd fds[MAX_CLIENTS + 1];
        int timeout_ms = -1, nfds = 0, listen_slot = -1;

        /* Wait for datagrams, or for the nearest retransmission timer. */
        for (int i = 0; i < nclients; i++) {
            struct timeval tv;
            fds[nfds].fd = clients[i].fd;
            fds[nfds].events = POLLIN;
            nfds++;
            if (DTLSv1_get_timeout(clients[i].ssl, &tv)) {
                int ms = (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
                if (timeout_ms < 0 || ms < timeout_ms)
                    timeout_ms = ms;
            }
        }
        if ((max_clients == 0 || accepted < max_clients) && nclients < MAX_CLIENTS) {
            listen_slot = nfds;
            fds[nfds].fd = listen_fd;
            fds[nfds].events = POLLIN;
            nfds++;
        }
        if (poll(fds, (nfds_t)nfds, timeout_ms) < 0) {
            if (errno == EINTR)
                continue;
            perror("poll");
            break;
        }

        /* Existing clients, back to front so that removal is easy. */
        for (int i = nclients - 1; i >= 0; i--) {
            struct client *c = &clients[i];
            struct timeval tv;
            int status = 1;
            if (DTLSv1_get_timeout(c->ssl, &tv) && tv.tv_sec == 0 && tv.tv_usec == 0
                && DTLSv1_handle_timeout(c->ssl) < 0) {
                fprintf(stderr, "client %d (%s): handshake timed out\n", c->id, c->peer);
                status = -1;
            }
            if (status > 0 && (fds[i].revents & (POLLIN | POLLERR)))
                status = serve_client(c);
            if (status > 0)
                continue;
            printf("closed client=%d peer=%s messages=%lu %s\n", c->id, c->peer, c->messages,
                   status == 0 ? "clean" : "error");
            if (status < 0)
                failures++;
            finished++;
            SSL_free(c->ssl); /* closes c->fd (BIO_CLOSE) */
            clients[i] = clients[--nclients];
        }

        /* New clients. */
        if (listen_slot >= 0 && (fds[listen_slot].revents & POLLIN)) {
            while ((max_clients == 0 || accepted < max_clients) && nclients < MAX_CLIENTS) {
                int ret = DTLSv1_listen(listening, client_addr);
                struct client *c = &clients[nclients];
                if (ret == 0)
                    break; /* no more datagrams for now */
                if (ret < 0) {
                    /* Not fatal for the server: start again with a fresh SSL. */
                    ERR_print_errors_fp(stderr);
                    SSL_free(listening);
                    listening = new_listening_ssl(ctx, listen_fd);
                    break;
                }
                if (is_known_peer(clients, nclients, client_addr)) {
                    /* A ClientHello retransmitted before that client's own
                     * socket was connected: it is served already. */
                    SSL_free(listening);
                } else if (hand_over(listening, client_addr, (struct sockaddr *)&local, local_len, c) != 0) {
                    SSL_free(listening);
                } else {
                    c->id = next_id++;
                    nclients++;
                    accepted++;
                    /* The first turn may run the whole exchange: a client
                     * that finished (0) or failed (-1) already leaves here. */
                    int status = serve_client(c);
                    if (status <= 0) {
                        printf("closed client=%d peer=%s messages=%lu %s\n", c->id, c->peer, c->messages,
                               status == 0 ? "clean" : "error");
                        if (status < 0)
                            failures++;
                        finished++;
                        SSL_free(c->ssl);
                        nclients--;
                    }
                }
                listening = new_listening_ssl(ctx, listen_fd);
            }
        }
    }

    BIO_ADDR_free(client_addr);
    SSL_free(listening);
    close(listen_fd);
    SSL_CTX_free(ctx);
    printf("served %d clients, %d failed\n", finished, failures);
    return failures == 0 ? 0 : 1;
}
