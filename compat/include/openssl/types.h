/*
 * Cachet OpenSSL-compatible headers: the opaque object types.
 *
 * Every object is an incomplete struct; programs only hold pointers and go
 * through accessor functions.  The struct tags are OpenSSL's, so C++ code
 * that forward-declares e.g. "struct ssl_st" still names the same type (and
 * mangles the same way).
 */
#ifndef OPENSSL_TYPES_H
#define OPENSSL_TYPES_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <limits.h>
#include <openssl/e_os2.h>
#include <openssl/safestack.h>
#include <openssl/macros.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ASN.1 values: one string type under many names. */
typedef struct asn1_string_st ASN1_STRING;
typedef struct asn1_string_st ASN1_INTEGER;
typedef struct asn1_string_st ASN1_ENUMERATED;
typedef struct asn1_string_st ASN1_BIT_STRING;
typedef struct asn1_string_st ASN1_OCTET_STRING;
typedef struct asn1_string_st ASN1_PRINTABLESTRING;
typedef struct asn1_string_st ASN1_T61STRING;
typedef struct asn1_string_st ASN1_IA5STRING;
typedef struct asn1_string_st ASN1_GENERALSTRING;
typedef struct asn1_string_st ASN1_UNIVERSALSTRING;
typedef struct asn1_string_st ASN1_BMPSTRING;
typedef struct asn1_string_st ASN1_UTCTIME;
typedef struct asn1_string_st ASN1_TIME;
typedef struct asn1_string_st ASN1_GENERALIZEDTIME;
typedef struct asn1_string_st ASN1_VISIBLESTRING;
typedef struct asn1_string_st ASN1_UTF8STRING;
typedef int ASN1_BOOLEAN;
typedef int ASN1_NULL;
typedef struct asn1_object_st ASN1_OBJECT;
typedef struct asn1_type_st ASN1_TYPE;

/* I/O, big numbers. */
typedef struct bio_st BIO;
typedef struct bignum_st BIGNUM;
typedef struct bignum_ctx BN_CTX;
typedef struct bn_gencb_st BN_GENCB;

/* Digests, ciphers and keys. */
typedef struct evp_cipher_st EVP_CIPHER;
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct evp_md_st EVP_MD;
typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_pkey_ctx_st EVP_PKEY_CTX;
typedef struct rsa_st RSA;
typedef struct ec_key_st EC_KEY;
typedef struct dh_st DH;
typedef struct dsa_st DSA;

/* Certificates. */
typedef struct x509_st X509;
typedef struct X509_name_st X509_NAME;
typedef struct x509_store_st X509_STORE;
typedef struct x509_store_ctx_st X509_STORE_CTX;

/* Library plumbing. */
typedef struct ossl_init_settings_st OPENSSL_INIT_SETTINGS;
typedef struct ossl_lib_ctx_st OSSL_LIB_CTX;
typedef struct crypto_ex_data_st CRYPTO_EX_DATA;
typedef struct engine_st ENGINE;
typedef struct conf_st CONF;

/* TLS/DTLS. */
typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

/* Passphrase callback shared by PEM and SSL_CTX key loading. */
typedef int pem_password_cb(char *buf, int size, int rwflag, void *userdata);

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_TYPES_H */
