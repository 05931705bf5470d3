/*
 * Cachet OpenSSL-compatible headers: the ASN.1 value helpers certificate
 * code needs (serial numbers, validity times, string access).  The ASN1
 * string structure is opaque here; use ASN1_STRING_length() and
 * ASN1_STRING_get0_data().
 */
#ifndef OPENSSL_ASN1_H
#define OPENSSL_ASN1_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <time.h>
#include <openssl/macros.h>
#include <openssl/e_os2.h>
#include <openssl/opensslconf.h>
#include <openssl/bio.h>
#include <openssl/safestack.h>
#include <openssl/types.h>
#include <openssl/bn.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_ASN1_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Universal tags, used as string types in X509_NAME_add_entry_*(). */
#define V_ASN1_UNDEF            -1
#define V_ASN1_INTEGER          2
#define V_ASN1_BIT_STRING       3
#define V_ASN1_OCTET_STRING     4
#define V_ASN1_NULL             5
#define V_ASN1_OBJECT           6
#define V_ASN1_UTF8STRING       12
#define V_ASN1_PRINTABLESTRING  19
#define V_ASN1_T61STRING        20
#define V_ASN1_TELETEXSTRING    20
#define V_ASN1_IA5STRING        22
#define V_ASN1_UTCTIME          23
#define V_ASN1_GENERALIZEDTIME  24
#define V_ASN1_VISIBLESTRING    26
#define V_ASN1_UNIVERSALSTRING  28
#define V_ASN1_BMPSTRING        30

/* Input encodings: the library picks the ASN.1 string type. */
#define MBSTRING_FLAG 0x1000
#define MBSTRING_UTF8 (MBSTRING_FLAG)
#define MBSTRING_ASC  (MBSTRING_FLAG | 1)
#define MBSTRING_BMP  (MBSTRING_FLAG | 2)
#define MBSTRING_UNIV (MBSTRING_FLAG | 4)

/* String printing flags (low bits of the XN_FLAG_* values). */
#define ASN1_STRFLGS_ESC_2253     1
#define ASN1_STRFLGS_ESC_CTRL     2
#define ASN1_STRFLGS_ESC_MSB      4
#define ASN1_STRFLGS_ESC_2254     0x400
#define ASN1_STRFLGS_ESC_QUOTE    8
#define ASN1_STRFLGS_UTF8_CONVERT 0x10
#define ASN1_STRFLGS_IGNORE_TYPE  0x20
#define ASN1_STRFLGS_SHOW_TYPE    0x40
#define ASN1_STRFLGS_DUMP_ALL     0x80
#define ASN1_STRFLGS_DUMP_UNKNOWN 0x100
#define ASN1_STRFLGS_DUMP_DER     0x200
#define ASN1_STRFLGS_RFC2253                                           \
    (ASN1_STRFLGS_ESC_2253 | ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_ESC_MSB \
     | ASN1_STRFLGS_UTF8_CONVERT | ASN1_STRFLGS_DUMP_UNKNOWN            \
     | ASN1_STRFLGS_DUMP_DER)

/* Strings. */
int ASN1_STRING_length(const ASN1_STRING *x);
const unsigned char *ASN1_STRING_get0_data(const ASN1_STRING *x);

/* Integers. */
ASN1_INTEGER *ASN1_INTEGER_new(void);
void ASN1_INTEGER_free(ASN1_INTEGER *a);
int ASN1_INTEGER_set(ASN1_INTEGER *a, long v);
long ASN1_INTEGER_get(const ASN1_INTEGER *a);
ASN1_INTEGER *BN_to_ASN1_INTEGER(const BIGNUM *bn, ASN1_INTEGER *ai);
BIGNUM *ASN1_INTEGER_to_BN(const ASN1_INTEGER *ai, BIGNUM *bn);

/* Times. */
int ASN1_TIME_print(BIO *bp, const ASN1_TIME *tm);
int ASN1_TIME_to_tm(const ASN1_TIME *s, struct tm *tm);

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_ASN1_H */
