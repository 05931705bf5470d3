/*
 * A DTLS program written the way real OpenSSL 3.0 programs are written
 * (memory-BIO transport driven by the application, cookie exchange on a UDP
 * socket, SRTP key export, self-signed certificate generation, verify
 * callback).  Compile-only test: it must build warning-free, with the
 * deprecation warnings of a default OpenSSL 3.0 build active, both against
 * compat/include and against the system's OpenSSL headers:
 *
 *   gcc -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only [-I compat/include] program_compile.c
 *   g++ -std=c++20 -Wall -Wextra -Werror -fsyntax-only [-I compat/include] -x c++ program_compile.c
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "expects the OpenSSL 3.0 API"
#endif

#define SRTP_MASTER_LEN (2 * (16 + 14))

struct app_conn {
    SSL *ssl;
    const unsigned char *in;
    int in_len;
    int timer_armed;
};

static int app_index = -1;
static unsigned char cookie_secret[32];

/* ---- a custom BIO that feeds SSL from application buffers --------------- */

static int app_bio_write(BIO *b, const char *data, int len)
{
    (void)b;
    (void)data;
    return len;
}

static int app_bio_read(BIO *b, char *out, int len)
{
    struct app_conn *c = (struct app_conn *)BIO_get_data(b);
    int n;

    BIO_clear_retry_flags(b);
    if (c->in_len == 0) {
        BIO_set_retry_read(b);
        return -1;
    }
    n = c->in_len < len ? c->in_len : len;
    memcpy(out, c->in, (size_t)n);
    c->in += n;
    c->in_len -= n;
    return n;
}

static long app_bio_ctrl(BIO *b, int cmd, long larg, void *parg)
{
    struct app_conn *c = (struct app_conn *)BIO_get_data(b);

    (void)larg;
    (void)parg;
    switch (cmd) {
    case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
        c->timer_armed = 1;
        return 1;
    case BIO_CTRL_FLUSH:
    case BIO_CTRL_WPENDING:
        return 1;
    case BIO_CTRL_PENDING:
        return c->in_len;
    case BIO_CTRL_DGRAM_QUERY_MTU:
        return 1200;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
        return 28;
    case BIO_CTRL_DGRAM_MTU_EXCEEDED:
    default:
        return 0;
    }
}

static int app_bio_create(BIO *b)
{
    BIO_set_init(b, 1);
    BIO_set_shutdown(b, 0);
    return 1;
}

static int app_bio_destroy(BIO *b)
{
    return b != NULL;
}

static BIO_METHOD *app_bio_method(void)
{
    static BIO_METHOD *m;

    if (m == NULL) {
        m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "app");
        if (m == NULL
            || !BIO_meth_set_write(m, app_bio_write)
            || !BIO_meth_set_read(m, app_bio_read)
            || !BIO_meth_set_ctrl(m, app_bio_ctrl)
            || !BIO_meth_set_create(m, app_bio_create)
            || !BIO_meth_set_destroy(m, app_bio_destroy)) {
            BIO_meth_free(m);
            m = NULL;
        }
    }
    return m;
}

/* ---- callbacks ---------------------------------------------------------- */

static int verify_cb(int preverify_ok, X509_STORE_CTX *store)
{
    SSL *ssl = (SSL *)X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    X509 *cert = X509_STORE_CTX_get_current_cert(store);
    BIO *out = BIO_new(BIO_s_mem());
    char *text = NULL;
    long len;

    (void)SSL_get_ex_data(ssl, app_index);
    if (out != NULL && cert != NULL) {
        X509_NAME_print_ex(out, X509_get_subject_name(cert), 0, XN_FLAG_ONELINE);
        len = BIO_get_mem_data(out, &text);
        printf("depth %d: %.*s (%s)\n", X509_STORE_CTX_get_error_depth(store), (int)len,
               text, X509_verify_cert_error_string(X509_STORE_CTX_get_error(store)));
    }
    BIO_free(out);
    /* Self-signed peers are pinned by fingerprint elsewhere. */
    if (!preverify_ok && X509_STORE_CTX_get_error(store) == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
        return 1;
    return preverify_ok;
}

static int cookie_generate(SSL *ssl, unsigned char *cookie, unsigned int *len)
{
    struct sockaddr_storage peer;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;

    memset(&peer, 0, sizeof(peer));
    (void)BIO_dgram_get_peer(SSL_get_rbio(ssl), &peer);
    if (!EVP_Digest(&peer, sizeof(peer), digest, &dlen, EVP_sha256(), NULL))
        return 0;
    memcpy(cookie, digest, dlen);
    *len = dlen;
    return 1;
}

static int cookie_verify(SSL *ssl, const unsigned char *cookie, unsigned int len)
{
    unsigned char expect[DTLS1_COOKIE_LENGTH];
    unsigned int elen = 0;

    return cookie_generate(ssl, expect, &elen) && elen == len
        && CRYPTO_memcmp(expect, cookie, len) == 0;
}

static void info_cb(const SSL *ssl, int where, int ret)
{
    if (where & SSL_CB_ALERT)
        printf("alert %s: %s\n", SSL_alert_type_string_long(ret), SSL_alert_desc_string_long(ret));
    else if (where & SSL_CB_HANDSHAKE_DONE)
        printf("done: %s %s\n", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
    else if (where & SSL_CB_LOOP)
        printf("%s\n", SSL_state_string_long(ssl));
}

static unsigned int psk_client(SSL *ssl, const char *hint, char *identity,
                               unsigned int max_identity_len, unsigned char *psk,
                               unsigned int max_psk_len)
{
    (void)ssl;
    (void)hint;
    if (max_identity_len < 7 || max_psk_len < 16)
        return 0;
    strcpy(identity, "client");
    memset(psk, 0x42, 16);
    return 16;
}

static int print_error_line(const char *str, size_t len, void *u)
{
    fprintf((FILE *)u, "%.*s", (int)len, str);
    return 1;
}

/* ---- certificate generation (EVP and legacy paths) ----------------------- */

static EVP_PKEY *make_key(int legacy_rsa)
{
    EVP_PKEY *pkey = NULL;

    if (!legacy_rsa)
        return EVP_EC_gen("P-256");
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
    {
        RSA *rsa = RSA_new();
        BIGNUM *e = BN_new();

        pkey = EVP_PKEY_new();
        if (rsa == NULL || e == NULL || pkey == NULL || !BN_set_word(e, RSA_F4)
            || !RSA_generate_key_ex(rsa, 2048, e, NULL) || !EVP_PKEY_assign_RSA(pkey, rsa)) {
            RSA_free(rsa);
            EVP_PKEY_free(pkey);
            pkey = NULL;
        }
        BN_free(e);
    }
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
    return pkey;
}

static X509 *make_cert(EVP_PKEY *pkey)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    BIGNUM *serial = BN_new();

    if (x == NULL || name == NULL || serial == NULL)
        goto err;
    X509_set_version(x, X509_VERSION_3);
    BN_rand(serial, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x));
    X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_ASC,
                               (const unsigned char *)"cachet", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)"test", -1, -1, 0);
    X509_set_subject_name(x, name);
    X509_set_issuer_name(x, name);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 30L * 24 * 3600);
    X509_set_pubkey(x, pkey);
    if (!X509_sign(x, pkey, EVP_PKEY_get_id(pkey) == EVP_PKEY_ED25519 ? NULL : EVP_sha256()))
        goto err;
    X509_NAME_free(name);
    BN_free(serial);
    return x;
err:
    X509_free(x);
    X509_NAME_free(name);
    BN_free(serial);
    return NULL;
}

static void print_fingerprint(X509 *x)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0, i;

    if (X509_digest(x, EVP_get_digestbyname("sha-256"), md, &len))
        for (i = 0; i < len; i++)
            printf("%02X%c", md[i], i + 1 < len ? ':' : '\n');
    PEM_write_X509(stdout, x);
}

/* ---- connection driving --------------------------------------------------- */

static int drive(struct app_conn *c)
{
    struct timeval tv;
    unsigned char keys[SRTP_MASTER_LEN];
    SRTP_PROTECTION_PROFILE *profile;
    int ret = SSL_do_handshake(c->ssl);

    switch (SSL_get_error(c->ssl, ret)) {
    case SSL_ERROR_NONE:
        profile = SSL_get_selected_srtp_profile(c->ssl);
        if (profile == NULL || profile->id != SRTP_AES128_CM_SHA1_80)
            return -1;
        if (!SSL_export_keying_material(c->ssl, keys, sizeof(keys), "EXTRACTOR-dtls_srtp", 19,
                                        NULL, 0, 0))
            return -1;
        printf("srtp profile %s, peer %s\n", profile->name,
               SSL_get0_peer_certificate(c->ssl) ? "authenticated" : "anonymous");
        return 1;
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        if (DTLSv1_get_timeout(c->ssl, &tv) && tv.tv_sec == 0 && tv.tv_usec == 0)
            (void)DTLSv1_handle_timeout(c->ssl);
        return 0;
    case SSL_ERROR_ZERO_RETURN:
        (void)SSL_shutdown(c->ssl);
        return -1;
    case SSL_ERROR_SYSCALL:
    case SSL_ERROR_SSL:
    default:
        if (ERR_GET_LIB(ERR_peek_error()) == ERR_LIB_SSL
            && ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
            printf("peer vanished\n");
        ERR_print_errors_cb(print_error_line, stderr);
        return -1;
    }
}

static SSL_CTX *make_ctx(int server, EVP_PKEY *pkey, X509 *cert)
{
    SSL_CTX *ctx = SSL_CTX_new(server ? DTLS_server_method() : DTLS_client_method());

    if (ctx == NULL)
        return NULL;
    SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
    SSL_CTX_set_mode(ctx, SSL_MODE_AUTO_RETRY);
    SSL_CTX_set_read_ahead(ctx, 1);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set1_groups_list(ctx, "X25519:P-256");
    if (SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256") != 1
        || SSL_CTX_set_tlsext_use_srtp(ctx, "SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32") != 0
        || SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, pkey) != 1
        || SSL_CTX_check_private_key(ctx) != 1) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_cb);
    SSL_CTX_set_verify_depth(ctx, 4);
    SSL_CTX_set_info_callback(ctx, info_cb);
    if (server) {
        SSL_CTX_set_cookie_generate_cb(ctx, cookie_generate);
        SSL_CTX_set_cookie_verify_cb(ctx, cookie_verify);
    } else {
        SSL_CTX_set_psk_client_callback(ctx, psk_client);
    }
    return ctx;
}

static int listen_on(SSL_CTX *ctx, int fd)
{
    BIO *bio = BIO_new_dgram(fd, BIO_NOCLOSE);
    SSL *ssl = SSL_new(ctx);
    BIO_ADDR *client = BIO_ADDR_new();
    struct timeval tv = {1, 0};
    char *host;
    int ret = -1;

    if (bio == NULL || ssl == NULL || client == NULL)
        goto out;
    BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_RECV_TIMEOUT, 0, &tv);
    SSL_set_bio(ssl, bio, bio);
    bio = NULL;
    SSL_set_options(ssl, SSL_OP_COOKIE_EXCHANGE);
    while ((ret = DTLSv1_listen(ssl, client)) == 0)
        ;
    if (ret > 0) {
        host = BIO_ADDR_hostname_string(client, 1);
        printf("client %s:%u\n", host ? host : "?", (unsigned)ntohs(BIO_ADDR_rawport(client)));
        OPENSSL_free(host);
        BIO_ctrl_set_connected(SSL_get_rbio(ssl), client);
        SSL_set_mtu(ssl, 1200);
        DTLS_set_link_mtu(ssl, 1280);
        ret = SSL_accept(ssl);
    }
out:
    BIO_ADDR_free(client);
    BIO_free(bio);
    SSL_free(ssl);
    return ret;
}

int main(int argc, char **argv)
{
    static const unsigned char datagram[1] = {0};
    struct app_conn conn;
    EVP_PKEY *pkey;
    X509 *cert;
    SSL_CTX *ctx;
    BIO *bio;

    (void)argv;
    OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL);
    printf("%s (%s)\n", OpenSSL_version(OPENSSL_VERSION), OPENSSL_VERSION_TEXT);
    if (RAND_bytes(cookie_secret, sizeof(cookie_secret)) != 1)
        return 1;
    app_index = SSL_get_ex_new_index(0, (void *)"app", NULL, NULL, NULL);

    pkey = make_key(argc > 2);
    cert = pkey ? make_cert(pkey) : NULL;
    ctx = cert ? make_ctx(argc > 1, pkey, cert) : NULL;
    if (ctx == NULL) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    print_fingerprint(cert);

    if (argc > 3)
        return listen_on(ctx, 3) > 0 ? 0 : 1;

    memset(&conn, 0, sizeof(conn));
    conn.ssl = SSL_new(ctx);
    bio = BIO_new(app_bio_method());
    if (conn.ssl == NULL || bio == NULL)
        return 1;
    BIO_set_data(bio, &conn);
    SSL_set_bio(conn.ssl, bio, bio);
    SSL_set_ex_data(conn.ssl, app_index, &conn);
    SSL_set_tlsext_host_name(conn.ssl, "peer.example");
    SSL_set_connect_state(conn.ssl);
    conn.in = datagram;
    conn.in_len = (int)sizeof(datagram);
    while (drive(&conn) == 0 && conn.timer_armed)
        conn.timer_armed = 0;

    SSL_free(conn.ssl);
    SSL_CTX_free(ctx);
    X509_free(cert);
    EVP_PKEY_free(pkey);
    return 0;
}
