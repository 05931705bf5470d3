/*
 * Cachet OpenSSL-compatible headers: the per-thread error queue.
 *
 * An error code is an unsigned long.  Library errors pack the library number
 * into bits 23..30 and the reason (with its flag bits 18..22) into bits
 * 0..22; bit 31 marks a system error whose low 31 bits are an errno value.
 */
#ifndef OPENSSL_ERR_H
#define OPENSSL_ERR_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <limits.h>
#include <errno.h>
#include <openssl/macros.h>
#include <openssl/e_os2.h>
#include <openssl/types.h>
#include <openssl/bio.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_ERR_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Flags reported with the data string of an entry. */
#define ERR_TXT_MALLOCED 0x01
#define ERR_TXT_STRING   0x02

#if !defined(OPENSSL_NO_DEPRECATED_3_0) || defined(OSSL_FORCE_ERR_STATE)
# define ERR_FLAG_MARK   0x01
# define ERR_FLAG_CLEAR  0x02
# define ERR_NUM_ERRORS  16
#endif

/* Longest text ERR_error_string() produces into a caller buffer. */
#define ERR_MAX_DATA_SIZE 1024

/* ---- library numbers --------------------------------------------------- */
#define ERR_LIB_NONE          1
#define ERR_LIB_SYS           2
#define ERR_LIB_BN            3
#define ERR_LIB_RSA           4
#define ERR_LIB_DH            5
#define ERR_LIB_EVP           6
#define ERR_LIB_BUF           7
#define ERR_LIB_OBJ           8
#define ERR_LIB_PEM           9
#define ERR_LIB_DSA           10
#define ERR_LIB_X509          11
#define ERR_LIB_ASN1          13
#define ERR_LIB_CONF          14
#define ERR_LIB_CRYPTO        15
#define ERR_LIB_EC            16
#define ERR_LIB_SSL           20
#define ERR_LIB_BIO           32
#define ERR_LIB_PKCS7         33
#define ERR_LIB_X509V3        34
#define ERR_LIB_PKCS12        35
#define ERR_LIB_RAND          36
#define ERR_LIB_DSO           37
#define ERR_LIB_ENGINE        38
#define ERR_LIB_OCSP          39
#define ERR_LIB_UI            40
#define ERR_LIB_COMP          41
#define ERR_LIB_ECDSA         42
#define ERR_LIB_ECDH          43
#define ERR_LIB_OSSL_STORE    44
#define ERR_LIB_FIPS          45
#define ERR_LIB_CMS           46
#define ERR_LIB_TS            47
#define ERR_LIB_HMAC          48
#define ERR_LIB_CT            50
#define ERR_LIB_ASYNC         51
#define ERR_LIB_KDF           52
#define ERR_LIB_SM2           53
#define ERR_LIB_ESS           54
#define ERR_LIB_PROP          55
#define ERR_LIB_CRMF          56
#define ERR_LIB_PROV          57
#define ERR_LIB_CMP           58
#define ERR_LIB_OSSL_ENCODER  59
#define ERR_LIB_OSSL_DECODER  60
#define ERR_LIB_HTTP          61
#define ERR_LIB_USER          128

/* ---- packing ------------------------------------------------------------ */
#define ERR_SYSTEM_FLAG   ((unsigned int)INT_MAX + 1)
#define ERR_SYSTEM_MASK   ((unsigned int)INT_MAX)
#define ERR_LIB_OFFSET    23L
#define ERR_LIB_MASK      0xFF
#define ERR_RFLAGS_OFFSET 18L
#define ERR_RFLAGS_MASK   0x1F
#define ERR_REASON_MASK   0x7FFFFF

/* Reason flag bits. */
#define ERR_RFLAG_FATAL   (0x1 << ERR_RFLAGS_OFFSET)
#define ERR_RFLAG_COMMON  (0x2 << ERR_RFLAGS_OFFSET)

#define ERR_SYSTEM_ERROR(errcode) (((errcode) & ERR_SYSTEM_FLAG) != 0)

static ossl_unused ossl_inline int ERR_GET_LIB(unsigned long errcode)
{
    if (ERR_SYSTEM_ERROR(errcode))
        return ERR_LIB_SYS;
    return (int)((errcode >> ERR_LIB_OFFSET) & ERR_LIB_MASK);
}

static ossl_unused ossl_inline int ERR_GET_RFLAGS(unsigned long errcode)
{
    if (ERR_SYSTEM_ERROR(errcode))
        return 0;
    return (int)(errcode & ((unsigned long)ERR_RFLAGS_MASK << ERR_RFLAGS_OFFSET));
}

static ossl_unused ossl_inline int ERR_GET_REASON(unsigned long errcode)
{
    if (ERR_SYSTEM_ERROR(errcode))
        return (int)(errcode & ERR_SYSTEM_MASK);
    return (int)(errcode & ERR_REASON_MASK);
}

static ossl_unused ossl_inline int ERR_FATAL_ERROR(unsigned long errcode)
{
    return (ERR_GET_RFLAGS(errcode) & ERR_RFLAG_FATAL) != 0;
}

static ossl_unused ossl_inline int ERR_COMMON_ERROR(unsigned long errcode)
{
    return (ERR_GET_RFLAGS(errcode) & ERR_RFLAG_COMMON) != 0;
}

/* Build a library error code; "func" is ignored (kept for old callers). */
#define ERR_PACK(lib, func, reason)                                    \
    ((((unsigned long)(lib) & ERR_LIB_MASK) << ERR_LIB_OFFSET)         \
     | (((unsigned long)(reason) & ERR_REASON_MASK)))

/* ---- reasons shared by all libraries ----------------------------------- */
#define ERR_R_FATAL                        (ERR_RFLAG_FATAL | ERR_RFLAG_COMMON)
#define ERR_R_SYS_LIB                      (ERR_LIB_SYS | ERR_RFLAG_COMMON)
#define ERR_R_BN_LIB                       (ERR_LIB_BN | ERR_RFLAG_COMMON)
#define ERR_R_RSA_LIB                      (ERR_LIB_RSA | ERR_RFLAG_COMMON)
#define ERR_R_DH_LIB                       (ERR_LIB_DH | ERR_RFLAG_COMMON)
#define ERR_R_EVP_LIB                      (ERR_LIB_EVP | ERR_RFLAG_COMMON)
#define ERR_R_BUF_LIB                      (ERR_LIB_BUF | ERR_RFLAG_COMMON)
#define ERR_R_OBJ_LIB                      (ERR_LIB_OBJ | ERR_RFLAG_COMMON)
#define ERR_R_PEM_LIB                      (ERR_LIB_PEM | ERR_RFLAG_COMMON)
#define ERR_R_DSA_LIB                      (ERR_LIB_DSA | ERR_RFLAG_COMMON)
#define ERR_R_X509_LIB                     (ERR_LIB_X509 | ERR_RFLAG_COMMON)
#define ERR_R_ASN1_LIB                     (ERR_LIB_ASN1 | ERR_RFLAG_COMMON)
#define ERR_R_CONF_LIB                     (ERR_LIB_CONF | ERR_RFLAG_COMMON)
#define ERR_R_CRYPTO_LIB                   (ERR_LIB_CRYPTO | ERR_RFLAG_COMMON)
#define ERR_R_EC_LIB                       (ERR_LIB_EC | ERR_RFLAG_COMMON)
#define ERR_R_SSL_LIB                      (ERR_LIB_SSL | ERR_RFLAG_COMMON)
#define ERR_R_BIO_LIB                      (ERR_LIB_BIO | ERR_RFLAG_COMMON)
#define ERR_R_PKCS7_LIB                    (ERR_LIB_PKCS7 | ERR_RFLAG_COMMON)
#define ERR_R_X509V3_LIB                   (ERR_LIB_X509V3 | ERR_RFLAG_COMMON)
#define ERR_R_PKCS12_LIB                   (ERR_LIB_PKCS12 | ERR_RFLAG_COMMON)
#define ERR_R_RAND_LIB                     (ERR_LIB_RAND | ERR_RFLAG_COMMON)
#define ERR_R_DSO_LIB                      (ERR_LIB_DSO | ERR_RFLAG_COMMON)
#define ERR_R_ENGINE_LIB                   (ERR_LIB_ENGINE | ERR_RFLAG_COMMON)
#define ERR_R_UI_LIB                       (ERR_LIB_UI | ERR_RFLAG_COMMON)
#define ERR_R_ECDSA_LIB                    (ERR_LIB_ECDSA | ERR_RFLAG_COMMON)
#define ERR_R_OSSL_STORE_LIB               (ERR_LIB_OSSL_STORE | ERR_RFLAG_COMMON)
#define ERR_R_CMS_LIB                      (ERR_LIB_CMS | ERR_RFLAG_COMMON)
#define ERR_R_TS_LIB                       (ERR_LIB_TS | ERR_RFLAG_COMMON)
#define ERR_R_CT_LIB                       (ERR_LIB_CT | ERR_RFLAG_COMMON)
#define ERR_R_ESS_LIB                      (ERR_LIB_ESS | ERR_RFLAG_COMMON)
#define ERR_R_PROV_LIB                     (ERR_LIB_PROV | ERR_RFLAG_COMMON)
#define ERR_R_CMP_LIB                      (ERR_LIB_CMP | ERR_RFLAG_COMMON)
#define ERR_R_OSSL_ENCODER_LIB             (ERR_LIB_OSSL_ENCODER | ERR_RFLAG_COMMON)
#define ERR_R_OSSL_DECODER_LIB             (ERR_LIB_OSSL_DECODER | ERR_RFLAG_COMMON)
#define ERR_R_MALLOC_FAILURE               (ERR_R_FATAL | 256)
#define ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED  (ERR_R_FATAL | 257)
#define ERR_R_PASSED_NULL_PARAMETER        (ERR_R_FATAL | 258)
#define ERR_R_INTERNAL_ERROR               (ERR_R_FATAL | 259)
#define ERR_R_DISABLED                     (ERR_R_FATAL | 260)
#define ERR_R_INIT_FAIL                    (ERR_R_FATAL | 261)
#define ERR_R_PASSED_INVALID_ARGUMENT      (ERR_RFLAG_COMMON | 262)
#define ERR_R_OPERATION_FAIL               (ERR_R_FATAL | 263)
#define ERR_R_INVALID_PROVIDER_FUNCTIONS   (ERR_R_FATAL | 264)
#define ERR_R_INTERRUPTED_OR_CANCELLED     (ERR_RFLAG_COMMON | 265)
#define ERR_R_NESTED_ASN1_ERROR            (ERR_RFLAG_COMMON | 266)
#define ERR_R_MISSING_ASN1_EOS             (ERR_RFLAG_COMMON | 267)
#define ERR_R_UNSUPPORTED                  (ERR_RFLAG_COMMON | 268)
#define ERR_R_FETCH_FAILED                 (ERR_RFLAG_COMMON | 269)
#define ERR_R_INVALID_PROPERTY_DEFINITION  (ERR_RFLAG_COMMON | 270)
#define ERR_R_UNABLE_TO_GET_READ_LOCK      (ERR_R_FATAL | 271)
#define ERR_R_UNABLE_TO_GET_WRITE_LOCK     (ERR_R_FATAL | 272)

/* ---- raising errors ----------------------------------------------------- */
void ERR_new(void);
void ERR_set_debug(const char *file, int line, const char *func);
void ERR_set_error(int lib, int reason, const char *fmt, ...);

/* ERR_raise_data(lib, reason, fmt, ...) appends a formatted data string. */
#define ERR_raise(lib, reason) ERR_raise_data((lib), (reason), NULL)
#define ERR_raise_data                                                 \
    (ERR_new(), ERR_set_debug(OPENSSL_FILE, OPENSSL_LINE, OPENSSL_FUNC), \
     ERR_set_error)

#ifndef OPENSSL_NO_DEPRECATED_3_0
/* Pre-3.0 raising interface; the function code is dropped. */
# define ERR_put_error(lib, func, reason, file, line)                  \
    (ERR_new(), ERR_set_debug((file), (line), OPENSSL_FUNC),           \
     ERR_set_error((lib), (reason), NULL))
# ifndef OPENSSL_NO_FILENAMES
#  define ERR_PUT_error(l, f, r, fn, ln) ERR_put_error(l, f, r, fn, ln)
# else
#  define ERR_PUT_error(l, f, r, fn, ln) ERR_put_error(l, f, r, NULL, 0)
# endif
# define ASN1err(f, r)   ERR_raise_data(ERR_LIB_ASN1, (r), NULL)
# define BIOerr(f, r)    ERR_raise_data(ERR_LIB_BIO, (r), NULL)
# define BNerr(f, r)     ERR_raise_data(ERR_LIB_BN, (r), NULL)
# define CRYPTOerr(f, r) ERR_raise_data(ERR_LIB_CRYPTO, (r), NULL)
# define ECerr(f, r)     ERR_raise_data(ERR_LIB_EC, (r), NULL)
# define EVPerr(f, r)    ERR_raise_data(ERR_LIB_EVP, (r), NULL)
# define OBJerr(f, r)    ERR_raise_data(ERR_LIB_OBJ, (r), NULL)
# define PEMerr(f, r)    ERR_raise_data(ERR_LIB_PEM, (r), NULL)
# define RANDerr(f, r)   ERR_raise_data(ERR_LIB_RAND, (r), NULL)
# define RSAerr(f, r)    ERR_raise_data(ERR_LIB_RSA, (r), NULL)
# define SSLerr(f, r)    ERR_raise_data(ERR_LIB_SSL, (r), NULL)
# define SYSerr(f, r)    ERR_raise_data(ERR_LIB_SYS, (r), NULL)
# define X509err(f, r)   ERR_raise_data(ERR_LIB_X509, (r), NULL)
# define X509V3err(f, r) ERR_raise_data(ERR_LIB_X509V3, (r), NULL)
#endif

/* ---- reading the queue -------------------------------------------------- */
unsigned long ERR_get_error(void);
unsigned long ERR_get_error_all(const char **file, int *line,
                                const char **func, const char **data,
                                int *flags);
unsigned long ERR_peek_error(void);
unsigned long ERR_peek_error_line(const char **file, int *line);
unsigned long ERR_peek_last_error(void);
#ifndef OPENSSL_NO_DEPRECATED_3_0
OSSL_DEPRECATEDIN_3_0
unsigned long ERR_get_error_line_data(const char **file, int *line,
                                      const char **data, int *flags);
#endif
void ERR_clear_error(void);

/* ---- describing codes --------------------------------------------------- */
/* buf must hold 256 bytes when given; NULL uses a static buffer. */
char *ERR_error_string(unsigned long e, char *buf);
void ERR_error_string_n(unsigned long e, char *buf, size_t len);
const char *ERR_lib_error_string(unsigned long e);
const char *ERR_reason_error_string(unsigned long e);
#ifndef OPENSSL_NO_DEPRECATED_3_0
OSSL_DEPRECATEDIN_3_0 const char *ERR_func_error_string(unsigned long e);
#endif

/* Drain the queue, one formatted line per entry. */
void ERR_print_errors_cb(int (*cb)(const char *str, size_t len, void *u),
                         void *u);
void ERR_print_errors_fp(FILE *fp);
void ERR_print_errors(BIO *bp);

/* Strings are always loaded now; these remain for old callers. */
#ifndef OPENSSL_NO_DEPRECATED_1_1_0
# define ERR_load_crypto_strings() \
    OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL)
# define ERR_free_strings() while (0) continue
#endif
#ifndef OPENSSL_NO_DEPRECATED_3_0
OSSL_DEPRECATEDIN_3_0 int ERR_load_BIO_strings(void);
#endif

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_ERR_H */
