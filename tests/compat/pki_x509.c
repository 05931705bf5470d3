/*
 * The X509/EVP/PEM/BN subset of libcrypto, as GStreamer's DTLS certificate
 * code and DTLS echo programs use it, written only against the OpenSSL 3.0
 * API. Checked with the `openssl` command line. Prints one
 * "CASE PASS: x509/..." or "CASE FAIL: x509/..." line per case; must pass on
 * the system's OpenSSL and on Cachet's libcrypto alike.
 *
 * Environment: PKI_DIR, the tests/pki directory. Runs in the current
 * directory (writes scratch files there).
 */
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The first line of a command's output, without the newline. */
static int run(const char *cmd, char *out, size_t size)
{
    FILE *p = popen(cmd, "r");
    size_t n;
    if (p == NULL)
        return -1;
    out[0] = '\0';
    if (fgets(out, (int)size, p) == NULL)
        out[0] = '\0';
    n = strlen(out);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    {
        char rest[256];
        while (fgets(rest, sizeof rest, p) != NULL)
            ;
    }
    return pclose(p);
}

/* What a memory BIO holds, as a NUL-terminated string (static buffer). */
static const char *bio_text(BIO *b)
{
    static char buf[8192];
    int n = BIO_read(b, buf, (int)sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static const char *pki_path(const char *rel)
{
    static char path[1024];
    const char *dir = getenv("PKI_DIR");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/pki", rel);
    return path;
}

/*
 * GStreamer's steps: serial, validity, name, self-issued, SHA-256.
 * random_serial: 1 a random 64-bit serial, 0 the serial 4660, 2 the serial 0.
 */
static X509 *make_self_signed(EVP_PKEY *pkey, const char *cn, int random_serial)
{
    X509 *x = X509_new();
    X509_NAME *name;
    if (x == NULL)
        return NULL;
    X509_set_version(x, 2);
    if (random_serial == 1) {
        BIGNUM *serial = BN_new();
        BN_pseudo_rand(serial, 64, 0, 0);
        BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x));
        BN_free(serial);
    } else {
        ASN1_INTEGER_set(X509_get_serialNumber(x), random_serial == 2 ? 0 : 4660);
    }
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 31536000L);
    if (X509_set_pubkey(x, pkey) != 1)
        goto fail;
    name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"SE", -1, -1, 0);
    X509_NAME_add_entry_by_NID(name, NID_organizationName, MBSTRING_ASC, (const unsigned char *)"Cachet", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, name);
    if (X509_sign(x, pkey, EVP_PKEY_get_id(pkey) == EVP_PKEY_ED25519 ? NULL : EVP_sha256()) <= 0)
        goto fail;
    return x;
fail:
    X509_free(x);
    return NULL;
}

static void check_certificate(const char *label, EVP_PKEY *pkey, int random_serial, int bits)
{
    char name[128], file[128], keyfile[128], cmd[512], out[512], detail[1200], expect[512];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0, i;
    X509 *x, *x2, *back = NULL;
    EVP_PKEY *other;
    FILE *f;
    unsigned char *der = NULL;
    const unsigned char *p;
    int len, ok;

    snprintf(name, sizeof name, "%s/sign", label);
    if (pkey == NULL) {
        report(name, 0, "no key");
        return;
    }
    x = make_self_signed(pkey, label, random_serial);
    report(name, x != NULL, "");
    if (x == NULL) {
        EVP_PKEY_free(pkey);
        return;
    }

    snprintf(file, sizeof file, "cert-%s.pem", label);
    snprintf(keyfile, sizeof keyfile, "key-%s.pem", label);
    f = fopen(file, "w");
    ok = f != NULL && PEM_write_X509(f, x) == 1;
    if (f != NULL)
        fclose(f);
    {
        BIO *kb = BIO_new_file(keyfile, "w");
        ok = ok && kb != NULL && PEM_write_bio_PrivateKey(kb, pkey, NULL, NULL, 0, NULL, NULL) == 1;
        BIO_free(kb);
    }
    snprintf(name, sizeof name, "%s/pem-write", label);
    report(name, ok, "");

    snprintf(cmd, sizeof cmd, "openssl x509 -noout -subject -nameopt oneline -in %s", file);
    run(cmd, out, sizeof out);
    snprintf(expect, sizeof expect, "subject=C = SE, O = Cachet, CN = %s", label);
    snprintf(name, sizeof name, "%s/openssl-subject", label);
    snprintf(detail, sizeof detail, "got '%s'", out);
    report(name, strcmp(out, expect) == 0, detail);

    if (random_serial != 1) {
        snprintf(cmd, sizeof cmd, "openssl x509 -noout -serial -in %s", file);
        run(cmd, out, sizeof out);
        snprintf(name, sizeof name, "%s/openssl-serial", label);
        snprintf(detail, sizeof detail, "got '%s'", out);
        report(name, strcmp(out, random_serial == 2 ? "serial=00" : "serial=1234") == 0, detail);
    }

    snprintf(cmd, sizeof cmd, "openssl verify -CAfile %s %s 2>&1", file, file);
    run(cmd, out, sizeof out);
    snprintf(expect, sizeof expect, "%s: OK", file);
    snprintf(name, sizeof name, "%s/openssl-verify", label);
    snprintf(detail, sizeof detail, "got '%s'", out);
    report(name, strcmp(out, expect) == 0, detail);

    snprintf(cmd, sizeof cmd, "openssl pkey -noout -in %s 2>&1 && echo key-ok", keyfile);
    run(cmd, out, sizeof out);
    snprintf(name, sizeof name, "%s/openssl-reads-key", label);
    snprintf(detail, sizeof detail, "got '%s'", out);
    report(name, strcmp(out, "key-ok") == 0, detail);

    /* X509_digest equals `openssl x509 -fingerprint -sha256`. */
    ok = X509_digest(x, EVP_sha256(), md, &mdlen) == 1 && mdlen == 32;
    snprintf(cmd, sizeof cmd, "openssl x509 -noout -fingerprint -sha256 -in %s", file);
    run(cmd, out, sizeof out);
    expect[0] = '\0';
    for (i = 0; ok && i < mdlen; i++)
        snprintf(expect + strlen(expect), sizeof expect - strlen(expect), i ? ":%02X" : "%02X", md[i]);
    snprintf(name, sizeof name, "%s/digest-sha256", label);
    snprintf(detail, sizeof detail, "ours %s, openssl '%s'", expect, out);
    report(name, ok && strchr(out, '=') != NULL && strcmp(strchr(out, '=') + 1, expect) == 0, detail);

    snprintf(name, sizeof name, "%s/verify-self", label);
    report(name, X509_verify(x, pkey) == 1, "");
    snprintf(name, sizeof name, "%s/check-private-key", label);
    report(name, X509_check_private_key(x, pkey) == 1, "");
    other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    snprintf(name, sizeof name, "%s/check-other-key", label);
    report(name, other != NULL && X509_check_private_key(x, other) == 0, "");
    snprintf(name, sizeof name, "%s/verify-other-key", label);
    report(name, other != NULL && X509_verify(x, other) <= 0, "");
    EVP_PKEY_free(other);

    /* DER round trip. */
    len = i2d_X509(x, &der);
    p = der;
    back = len > 0 ? d2i_X509(NULL, &p, len) : NULL;
    snprintf(name, sizeof name, "%s/der-round-trip", label);
    report(name, back != NULL && p == der + len &&
                     X509_NAME_cmp(X509_get_subject_name(back), X509_get_subject_name(x)) == 0 &&
                     X509_get_version(back) == 2 && X509_verify(back, pkey) == 1,
           "");
    OPENSSL_free(der);
    X509_free(back);

    snprintf(name, sizeof name, "%s/key-bits", label);
    snprintf(detail, sizeof detail, "bits %d", EVP_PKEY_get_bits(pkey));
    report(name, EVP_PKEY_get_bits(pkey) == bits, detail);

    /* Ed25519 signs without a digest; RSA and ECDSA default to SHA-256. */
    x2 = make_self_signed(pkey, label, 0);
    snprintf(name, sizeof name, "%s/sign-digest-rules", label);
    if (EVP_PKEY_get_id(pkey) == EVP_PKEY_ED25519)
        ok = x2 != NULL && X509_sign(x2, pkey, EVP_sha256()) == 0 && ERR_peek_error() != 0;
    else
        ok = x2 != NULL && X509_sign(x2, pkey, NULL) > 0 && X509_verify(x2, pkey) == 1;
    report(name, ok, "");
    X509_free(x2);
    X509_free(x);
    EVP_PKEY_free(pkey);
}

static EVP_PKEY *legacy_rsa(void)
{
    EVP_PKEY *pkey = EVP_PKEY_new();
    RSA *rsa = RSA_new();
    BIGNUM *e = BN_new();
    BN_set_word(e, RSA_F4);
    if (RSA_generate_key_ex(rsa, 2048, e, NULL) != 1 || !EVP_PKEY_assign_RSA(pkey, rsa)) {
        RSA_free(rsa);
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    BN_free(e);
    return pkey;
}

static EVP_PKEY *legacy_ec(void)
{
    EVP_PKEY *pkey = EVP_PKEY_new();
    EC_KEY *ec = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
    EC_KEY_set_asn1_flag(ec, OPENSSL_EC_NAMED_CURVE);
    if (ec == NULL || EC_KEY_generate_key(ec) != 1 || !EVP_PKEY_assign_EC_KEY(pkey, ec)) {
        EC_KEY_free(ec);
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    return pkey;
}

static int passphrase_cb(char *buf, int size, int rwflag, void *u)
{
    const char *pass = u;
    int n = (int)strlen(pass);
    (void)rwflag;
    if (n > size)
        return 0;
    memcpy(buf, pass, (size_t)n);
    return n;
}

static void check_test_pki(void)
{
    char cmd[1024], out[512], detail[1200];
    BIO *in, *mem;
    X509 *server, *inter;
    EVP_PKEY *key, *enc, *wrong;
    const char *text;
    FILE *f;
    char file_text[8192];
    size_t n;

    in = BIO_new_file(pki_path("p256/server.pem"), "r");
    server = in ? PEM_read_bio_X509(in, NULL, NULL, NULL) : NULL;
    BIO_free(in);
    report("pki/read-cert", server != NULL, "");
    if (server == NULL)
        return;

    mem = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(mem, server);
    text = bio_text(mem);
    f = fopen(pki_path("p256/server.pem"), "r");
    n = f ? fread(file_text, 1, sizeof file_text - 1, f) : 0;
    file_text[n] = '\0';
    if (f)
        fclose(f);
    report("pki/cert-pem-round-trip", strcmp(text, file_text) == 0, "");

    /* Name printing against `openssl x509 -subject -nameopt ...`. */
    X509_NAME_print_ex(mem, X509_get_subject_name(server), 0, XN_FLAG_ONELINE);
    text = bio_text(mem);
    snprintf(cmd, sizeof cmd, "openssl x509 -noout -subject -nameopt oneline -in %s", pki_path("p256/server.pem"));
    run(cmd, out, sizeof out);
    snprintf(detail, sizeof detail, "ours '%s', openssl '%s'", text, out);
    report("name/print-oneline", strncmp(out, "subject=", 8) == 0 && strcmp(out + 8, text) == 0, detail);

    X509_NAME_print_ex(mem, X509_get_issuer_name(server), 0, XN_FLAG_RFC2253);
    text = bio_text(mem);
    snprintf(cmd, sizeof cmd, "openssl x509 -noout -issuer -nameopt RFC2253 -in %s", pki_path("p256/server.pem"));
    run(cmd, out, sizeof out);
    snprintf(detail, sizeof detail, "ours '%s', openssl '%s'", text, out);
    report("name/print-rfc2253", strncmp(out, "issuer=", 7) == 0 && strcmp(out + 7, text) == 0, detail);

    {
        char *line = X509_NAME_oneline(X509_get_subject_name(server), NULL, 0);
        char cn[64];
        int len = X509_NAME_get_text_by_NID(X509_get_subject_name(server), NID_commonName, cn, sizeof cn);
        snprintf(detail, sizeof detail, "'%s', CN '%s'", line ? line : "(null)", len > 0 ? cn : "");
        report("name/oneline", line != NULL && strcmp(line, "/O=Cachet Test/CN=server.example") == 0 && len == 14 &&
                                   strcmp(cn, "server.example") == 0 &&
                                   X509_NAME_entry_count(X509_get_subject_name(server)) == 2,
               detail);
        OPENSSL_free(line);
    }

    in = BIO_new_file(pki_path("p256/server.key"), "r");
    key = in ? PEM_read_bio_PrivateKey(in, NULL, NULL, NULL) : NULL;
    BIO_free(in);
    report("pki/read-key", key != NULL && EVP_PKEY_get_id(key) == EVP_PKEY_EC && EVP_PKEY_get_bits(key) == 256, "");
    report("pki/check-private-key", key != NULL && X509_check_private_key(server, key) == 1, "");

    in = BIO_new_file(pki_path("p256/server.pkcs8-enc.pem"), "r");
    enc = in ? PEM_read_bio_PrivateKey(in, NULL, passphrase_cb, (void *)"cachet-test") : NULL;
    BIO_free(in);
    report("pki/read-encrypted-key", enc != NULL && X509_check_private_key(server, enc) == 1, "");

    in = BIO_new_file(pki_path("p256/server.pkcs8-enc.pem"), "r");
    wrong = in ? PEM_read_bio_PrivateKey(in, NULL, passphrase_cb, (void *)"wrong") : NULL;
    BIO_free(in);
    report("pki/encrypted-key-wrong-passphrase", wrong == NULL && ERR_peek_error() != 0, "");
    EVP_PKEY_free(wrong);

    /* A written key reads back and still matches. */
    if (key != NULL) {
        EVP_PKEY *again;
        PEM_write_bio_PrivateKey(mem, key, NULL, NULL, 0, NULL, NULL);
        again = PEM_read_bio_PrivateKey(mem, NULL, NULL, NULL);
        report("pki/key-pem-round-trip", again != NULL && X509_check_private_key(server, again) == 1, "");
        EVP_PKEY_free(again);
    }

    /* Chain signatures: the intermediate signed the server certificate. */
    in = BIO_new_file(pki_path("p256/int.pem"), "r");
    inter = in ? PEM_read_bio_X509(in, NULL, NULL, NULL) : NULL;
    BIO_free(in);
    report("pki/verify-by-issuer", inter != NULL && X509_verify(server, X509_get0_pubkey(inter)) == 1, "");
    report("pki/verify-by-non-issuer", inter != NULL && X509_verify(inter, X509_get0_pubkey(server)) <= 0, "");
    report("pki/check-wrong-key", key != NULL && inter != NULL && X509_check_private_key(inter, key) == 0, "");
    report("pki/name-cmp", inter != NULL &&
                               X509_NAME_cmp(X509_get_issuer_name(server), X509_get_subject_name(inter)) == 0 &&
                               X509_NAME_cmp(X509_get_subject_name(server), X509_get_subject_name(inter)) != 0,
           "");

    /* Two certificates read one after the other from one BIO. */
    in = BIO_new_file(pki_path("p256/server-chain.pem"), "r");
    {
        X509 *a = in ? PEM_read_bio_X509(in, NULL, NULL, NULL) : NULL;
        X509 *b = in ? PEM_read_bio_X509(in, NULL, NULL, NULL) : NULL;
        X509 *c = in ? PEM_read_bio_X509(in, NULL, NULL, NULL) : NULL;
        report("pki/read-chain", a != NULL && b != NULL && c == NULL && inter != NULL &&
                                     X509_NAME_cmp(X509_get_subject_name(b), X509_get_subject_name(inter)) == 0,
               "");
        X509_free(a);
        X509_free(b);
        X509_free(c);
    }
    BIO_free(in);

    BIO_free(mem);
    X509_free(inter);
    EVP_PKEY_free(key);
    EVP_PKEY_free(enc);
    X509_free(server);
}

static void check_misc(void)
{
    BIGNUM *bn = BN_new();
    char *hex;
    const EVP_MD *md = EVP_get_digestbyname("SHA256");
    BN_set_word(bn, RSA_F4);
    hex = BN_bn2hex(bn);
    report("bn/f4", BN_num_bits(bn) == 17 && hex != NULL && strcmp(hex, "010001") == 0, hex);
    OPENSSL_free(hex);
    BN_free(bn);
    report("evp/digest-by-name", md != NULL && EVP_MD_get_size(md) == 32 && EVP_MD_get_size(EVP_sha1()) == 20 &&
                                     EVP_MD_get_size(EVP_sha384()) == 48 && EVP_MD_get_size(EVP_sha512()) == 64,
           "");
    report("obj/nid", strcmp(OBJ_nid2sn(NID_commonName), "CN") == 0 &&
                          strcmp(OBJ_nid2ln(NID_commonName), "commonName") == 0 &&
                          OBJ_sn2nid("CN") == NID_commonName && OBJ_txt2nid("2.5.4.3") == NID_commonName &&
                          OBJ_txt2nid("organizationName") == NID_organizationName,
           "");
    report("x509/verify-error-strings",
           strcmp(X509_verify_cert_error_string(X509_V_ERR_CERT_HAS_EXPIRED), "certificate has expired") == 0 &&
               strcmp(X509_verify_cert_error_string(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT),
                      "self-signed certificate") == 0 &&
               strcmp(X509_verify_cert_error_string(X509_V_OK), "ok") == 0,
           "");
}

int main(void)
{
    check_certificate("rsa-legacy", legacy_rsa(), 1, 2048);
    check_certificate("ec-legacy", legacy_ec(), 0, 256);
    check_certificate("rsa-2048", EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048), 0, 2048);
    check_certificate("p-256", EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), 1, 256);
    check_certificate("ed25519", EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), 2, 256);
    check_test_pki();
    check_misc();
    printf("%d failure(s)\n", failures);
    return failures == 0 ? 0 : 1;
}
