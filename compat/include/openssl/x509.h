/*
 * Cachet OpenSSL-compatible headers: X.509 certificates and names.
 *
 * Enough to load, inspect, print, fingerprint and verify certificates and to
 * build a self-signed one.  X509 and X509_NAME are opaque.
 */
#ifndef OPENSSL_X509_H
#define OPENSSL_X509_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <stdio.h>
#include <time.h>
#include <openssl/macros.h>
#include <openssl/e_os2.h>
#include <openssl/types.h>
#include <openssl/evp.h>
#include <openssl/bio.h>
#include <openssl/asn1.h>
#include <openssl/safestack.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_X509_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Encodings accepted by the *_file loaders (SSL_FILETYPE_* alias these). */
#define X509_FILETYPE_PEM     1
#define X509_FILETYPE_ASN1    2
#define X509_FILETYPE_DEFAULT 3

/* Values for X509_set_version(): the stored value is version - 1. */
#define X509_VERSION_1 0
#define X509_VERSION_2 1
#define X509_VERSION_3 2

/* ---- stacks ------------------------------------------------------------- */
CACHET_SK_HELPERS(X509, X509, X509)
CACHET_SK_HELPERS(X509_NAME, X509_NAME, X509_NAME)

/* ---- certificate objects ------------------------------------------------- */
X509 *X509_new(void);
void X509_free(X509 *a);
int X509_up_ref(X509 *x);
X509 *X509_dup(const X509 *a);
X509 *d2i_X509(X509 **a, const unsigned char **in, long len);
int i2d_X509(const X509 *a, unsigned char **out);
/* DER read from a BIO (certificate / private key of any supported type). */
X509 *d2i_X509_bio(BIO *bp, X509 **x509);
EVP_PKEY *d2i_PrivateKey_bio(BIO *bp, EVP_PKEY **a);

/* ---- fields ---------------------------------------------------------------- */
long X509_get_version(const X509 *x);
int X509_set_version(X509 *x, long version);
ASN1_INTEGER *X509_get_serialNumber(X509 *x);
int X509_set_serialNumber(X509 *x, ASN1_INTEGER *serial);
X509_NAME *X509_get_subject_name(const X509 *a);
int X509_set_subject_name(X509 *x, const X509_NAME *name);
X509_NAME *X509_get_issuer_name(const X509 *a);
int X509_set_issuer_name(X509 *x, const X509_NAME *name);

/* Validity: get0 is read-only, getm may be modified in place. */
const ASN1_TIME *X509_get0_notBefore(const X509 *x);
const ASN1_TIME *X509_get0_notAfter(const X509 *x);
ASN1_TIME *X509_getm_notBefore(const X509 *x);
ASN1_TIME *X509_getm_notAfter(const X509 *x);
#ifndef OPENSSL_NO_DEPRECATED_1_1_0
# define X509_get_notBefore X509_getm_notBefore
# define X509_get_notAfter X509_getm_notAfter
#endif
/* Set s to now + adj seconds (or t + offsets); s NULL allocates. */
ASN1_TIME *X509_gmtime_adj(ASN1_TIME *s, long adj);
ASN1_TIME *X509_time_adj_ex(ASN1_TIME *s, int offset_day, long offset_sec,
                            time_t *t);

/* Public key: get0 borrows, get_pubkey returns a new reference. */
int X509_set_pubkey(X509 *x, EVP_PKEY *pkey);
EVP_PKEY *X509_get_pubkey(X509 *x);
EVP_PKEY *X509_get0_pubkey(const X509 *x);
int X509_check_private_key(const X509 *x509, const EVP_PKEY *pkey);

/* ---- signing, checking, hashing ------------------------------------------- */
/* Returns the signature size, 0 on error.  md NULL for Ed25519. */
int X509_sign(X509 *x, EVP_PKEY *pkey, const EVP_MD *md);
/* 1 when the signature verifies with r, 0 or -1 otherwise. */
int X509_verify(X509 *a, EVP_PKEY *r);
/* Digest of the DER certificate / of the public-key bit string. */
int X509_digest(const X509 *data, const EVP_MD *type, unsigned char *md,
                unsigned int *len);
int X509_pubkey_digest(const X509 *data, const EVP_MD *type,
                       unsigned char *md, unsigned int *len);

/* ---- printing ---------------------------------------------------------------- */
int X509_print(BIO *bp, X509 *x);
int X509_print_fp(FILE *bp, X509 *x);
const char *X509_verify_cert_error_string(long n);

/* ---- names -------------------------------------------------------------------- */
X509_NAME *X509_NAME_new(void);
void X509_NAME_free(X509_NAME *a);
int X509_NAME_entry_count(const X509_NAME *name);
int X509_NAME_cmp(const X509_NAME *a, const X509_NAME *b);
#define X509_name_cmp(a, b) X509_NAME_cmp((a), (b))
/* type: MBSTRING_* or V_ASN1_*; len -1 means strlen; loc -1 appends. */
int X509_NAME_add_entry_by_txt(X509_NAME *name, const char *field, int type,
                               const unsigned char *bytes, int len, int loc,
                               int set);
int X509_NAME_add_entry_by_NID(X509_NAME *name, int nid, int type,
                               const unsigned char *bytes, int len, int loc,
                               int set);
int X509_NAME_get_text_by_NID(const X509_NAME *name, int nid, char *buf,
                              int len);
/* "/C=../CN=.." form; buf NULL returns a string to OPENSSL_free(). */
char *X509_NAME_oneline(const X509_NAME *a, char *buf, int size);

/* Flags for X509_NAME_print_ex(): separators, field names, layout. */
#define XN_FLAG_SEP_MASK            (0xf << 16)
#define XN_FLAG_COMPAT              0
#define XN_FLAG_SEP_COMMA_PLUS      (1 << 16)
#define XN_FLAG_SEP_CPLUS_SPC       (2 << 16)
#define XN_FLAG_SEP_SPLUS_SPC       (3 << 16)
#define XN_FLAG_SEP_MULTILINE       (4 << 16)
#define XN_FLAG_DN_REV              (1 << 20)
#define XN_FLAG_FN_MASK             (0x3 << 21)
#define XN_FLAG_FN_SN               0
#define XN_FLAG_FN_LN               (1 << 21)
#define XN_FLAG_FN_OID              (2 << 21)
#define XN_FLAG_FN_NONE             (3 << 21)
#define XN_FLAG_SPC_EQ              (1 << 23)
#define XN_FLAG_DUMP_UNKNOWN_FIELDS (1 << 24)
#define XN_FLAG_FN_ALIGN            (1 << 25)
#define XN_FLAG_RFC2253                                                \
    (ASN1_STRFLGS_RFC2253 | XN_FLAG_SEP_COMMA_PLUS | XN_FLAG_DN_REV    \
     | XN_FLAG_FN_SN | XN_FLAG_DUMP_UNKNOWN_FIELDS)
#define XN_FLAG_ONELINE                                                \
    (ASN1_STRFLGS_RFC2253 | ASN1_STRFLGS_ESC_QUOTE                     \
     | XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_SPC_EQ | XN_FLAG_FN_SN)
#define XN_FLAG_MULTILINE                                              \
    (ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_ESC_MSB | XN_FLAG_SEP_MULTILINE \
     | XN_FLAG_SPC_EQ | XN_FLAG_FN_LN | XN_FLAG_FN_ALIGN)

int X509_NAME_print_ex(BIO *out, const X509_NAME *nm, int indent,
                       unsigned long flags);
int X509_NAME_print_ex_fp(FILE *fp, const X509_NAME *nm, int indent,
                          unsigned long flags);

#ifdef __cplusplus
}
#endif

#include <openssl/x509_vfy.h>

#endif /* OPENSSL_X509_H */
