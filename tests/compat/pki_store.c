/*
 * X509_STORE / X509_STORE_CTX (as a verify callback sees them), DER and
 * PUBKEY I/O, time and serial accessors, X509_check_host and X509_print,
 * written only against the OpenSSL 3.0 API. Prints "CASE PASS: x509/..." or
 * "CASE FAIL: x509/..." lines; must pass on the system's OpenSSL and on
 * Cachet's libcrypto alike. Environment: PKI_DIR, the tests/pki directory.
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures = 0;

static void report(const char *name, int ok, const char *detail)
{
    printf("CASE %s: x509/%s%s%s\n", ok ? "PASS" : "FAIL", name, detail && *detail ? " -- " : "",
           detail ? detail : "");
    if (!ok) {
        failures++;
        ERR_print_errors_fp(stdout);
    }
    ERR_clear_error();
}

static const char *pki_path(const char *rel)
{
    static char path[1024];
    const char *dir = getenv("PKI_DIR");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/pki", rel);
    return path;
}

static X509 *read_cert(const char *rel)
{
    BIO *in = BIO_new_file(pki_path(rel), "r");
    X509 *x = in ? PEM_read_bio_X509(in, NULL, NULL, NULL) : NULL;
    BIO_free(in);
    return x;
}

static int read_all(BIO *b, char *buf, int size)
{
    int n = BIO_read(b, buf, size - 1);
    buf[n > 0 ? n : 0] = '\0';
    return n;
}

int main(void)
{
    X509 *server = read_cert("p256/server.pem");
    X509 *inter = read_cert("p256/int.pem");
    X509 *root = read_cert("p256/root.pem");
    char buf[8192], detail[512];
    int marker = 7;

    report("store/read", server && inter && root, "");
    if (!server || !inter || !root)
        return 1;

    /* Store and the verify-callback context. */
    {
        X509_STORE *store = X509_STORE_new();
        X509_STORE_CTX *ctx = X509_STORE_CTX_new();
        STACK_OF(X509) *untrusted = sk_X509_new_null();
        STACK_OF(X509) *chain;
        sk_X509_push(untrusted, server);
        sk_X509_push(untrusted, inter);
        report("store/add-cert", X509_STORE_add_cert(store, root) == 1, "");
        report("store/load-file", X509_STORE_load_locations(store, pki_path("p256/root.pem"), NULL) == 1, "");
        report("store/ctx-init", X509_STORE_CTX_init(ctx, store, server, untrusted) == 1, "");
        report("store/ctx-cert", X509_STORE_CTX_get0_cert(ctx) == server, "");
        X509_STORE_CTX_set_ex_data(ctx, 0, &marker);
        report("store/ctx-ex-data", X509_STORE_CTX_get_ex_data(ctx, 0) == &marker &&
                                        X509_STORE_CTX_get_app_data(ctx) == &marker,
               "");
        X509_STORE_CTX_set_current_cert(ctx, inter);
        X509_STORE_CTX_set_error_depth(ctx, 1);
        X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_HAS_EXPIRED);
        report("store/ctx-current", X509_STORE_CTX_get_current_cert(ctx) == inter &&
                                        X509_STORE_CTX_get_error_depth(ctx) == 1 &&
                                        X509_STORE_CTX_get_error(ctx) == X509_V_ERR_CERT_HAS_EXPIRED,
               "");
        report("store/error-string",
               strcmp(X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)), "certificate has expired") == 0 &&
                   strcmp(X509_verify_cert_error_string(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY),
                          "unable to get local issuer certificate") == 0,
               "");
        chain = X509_STORE_CTX_get1_chain(ctx);
        /* Before verification OpenSSL has no chain; Cachet may give one. Either way it is the caller's. */
        if (chain != NULL)
            sk_X509_pop_free(chain, X509_free);
        report("store/ctx-get1-chain", 1, "");
        X509_STORE_CTX_free(ctx);
        X509_STORE_free(store);
        sk_X509_free(untrusted);
    }

    /* Accessors. */
    {
        struct tm tm;
        BIO *mem = BIO_new(BIO_s_mem());
        ASN1_TIME_print(mem, X509_get0_notBefore(server));
        read_all(mem, buf, sizeof buf);
        snprintf(detail, sizeof detail, "'%.64s'", buf);
        report("time/print", strcmp(buf, "Jan  1 00:00:00 2025 GMT") == 0, detail);
        report("time/to-tm", ASN1_TIME_to_tm(X509_get0_notBefore(server), &tm) == 1 && tm.tm_year == 125 &&
                                 tm.tm_mon == 0 && tm.tm_mday == 1 && tm.tm_hour == 0,
               "");
        report("serial/get", ASN1_INTEGER_get(X509_get_serialNumber(server)) == 0x67 &&
                                 ASN1_STRING_length(X509_get_serialNumber(server)) == 1 &&
                                 ASN1_STRING_get0_data(X509_get_serialNumber(server))[0] == 0x67,
               "");
        {
            BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(server), NULL);
            char *hex = bn ? BN_bn2hex(bn) : NULL;
            report("serial/to-bn", hex != NULL && strcmp(hex, "67") == 0, hex);
            OPENSSL_free(hex);
            BN_free(bn);
        }
        report("version", X509_get_version(server) == 2, "");
        X509_print(mem, server);
        read_all(mem, buf, sizeof buf);
        report("print", strncmp(buf, "Certificate:\n", 13) == 0 && strstr(buf, "server.example") != NULL, "");
        BIO_free(mem);
    }

    /* Host names. */
    {
        char *peer = NULL;
        report("host/match", X509_check_host(server, "server.example", 0, 0, &peer) == 1 && peer != NULL &&
                                 strcmp(peer, "server.example") == 0,
               peer);
        OPENSSL_free(peer);
        report("host/mismatch", X509_check_host(server, "other.example", 0, 0, NULL) == 0, "");
    }

    /* DER and PUBKEY I/O. */
    {
        BIO *in = BIO_new_file(pki_path("p256/server.der"), "rb");
        X509 *der = in ? d2i_X509_bio(in, NULL) : NULL;
        BIO *mem = BIO_new(BIO_s_mem());
        EVP_PKEY *pub, *again = NULL, *key;
        unsigned char *out = NULL;
        const unsigned char *p;
        int len;
        BIO_free(in);
        report("der/read-bio", der != NULL && X509_NAME_cmp(X509_get_subject_name(der),
                                                             X509_get_subject_name(server)) == 0,
               "");
        X509_free(der);

        in = BIO_new_file(pki_path("p256/server.pkcs8.der"), "rb");
        key = in ? d2i_PrivateKey_bio(in, NULL) : NULL;
        BIO_free(in);
        report("der/read-key-bio", key != NULL && X509_check_private_key(server, key) == 1, "");

        len = key ? i2d_PrivateKey(key, &out) : -1;
        p = out;
        again = len > 0 ? d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, len) : NULL;
        report("der/key-round-trip", again != NULL && p == out + len && X509_check_private_key(server, again) == 1,
               "");
        OPENSSL_free(out);
        EVP_PKEY_free(again);
        EVP_PKEY_free(key);

        pub = X509_get_pubkey(server);
        report("pubkey/get", pub != NULL && EVP_PKEY_get_id(pub) == EVP_PKEY_EC && EVP_PKEY_get_bits(pub) == 256,
               "");
        again = NULL;
        if (pub != NULL && PEM_write_bio_PUBKEY(mem, pub) == 1)
            again = PEM_read_bio_PUBKEY(mem, NULL, NULL, NULL);
        report("pubkey/pem-round-trip", again != NULL && X509_verify(server, X509_get0_pubkey(inter)) == 1 &&
                                            EVP_PKEY_get_id(again) == EVP_PKEY_EC,
               "");
        {
            BIO *f = BIO_new_file(pki_path("p256/server.pub"), "r");
            EVP_PKEY *file_pub = f ? PEM_read_bio_PUBKEY(f, NULL, NULL, NULL) : NULL;
            BIO_free(f);
            report("pubkey/read-file", file_pub != NULL && EVP_PKEY_get_bits(file_pub) == 256, "");
            EVP_PKEY_free(file_pub);
        }
        EVP_PKEY_free(again);
        EVP_PKEY_free(pub);
        BIO_free(mem);
    }

    /* PEM reads that find nothing say so in the error queue. */
    {
        BIO *empty = BIO_new(BIO_s_mem());
        X509 *none = PEM_read_bio_X509(empty, NULL, NULL, NULL);
        unsigned long e = ERR_peek_last_error();
        report("pem/no-start-line", none == NULL && ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == 108, "");
        BIO_free(empty);
    }

    /* Digests: correct where supported, else an EVP error entry (never a fake result). */
    {
        static const unsigned char abc_sha256[32] = {
            0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
            0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        int r = EVP_Digest("abc", 3, md, &len, EVP_sha256(), NULL);
        unsigned long e = ERR_peek_error();
        report("evp/digest-or-error",
               (r == 1 && len == 32 && memcmp(md, abc_sha256, 32) == 0) || (r == 0 && ERR_GET_LIB(e) == ERR_LIB_EVP),
               r == 1 ? "computed" : "unsupported, with an ERR entry");
        r = X509_pubkey_digest(server, EVP_sha256(), md, &len);
        e = ERR_peek_error();
        report("x509/pubkey-digest-or-error", (r == 1 && len == 32) || (r == 0 && e != 0),
               r == 1 ? "computed" : "unsupported, with an ERR entry");
    }

    X509_free(server);
    X509_free(inter);
    X509_free(root);
    printf("%d failure(s)\n", failures);
    return failures == 0 ? 0 : 1;
}
