/*
 * Cachet OpenSSL-compatible headers: PEM encoding of certificates and keys.
 *
 * Read functions take an optional object to fill (x), a passphrase callback
 * (cb, NULL for the default) and its argument (u).  Encrypted private keys
 * can be read; keys are always written unencrypted (enc must be NULL).
 */
#ifndef OPENSSL_PEM_H
#define OPENSSL_PEM_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <stdio.h>
#include <openssl/macros.h>
#include <openssl/e_os2.h>
#include <openssl/bio.h>
#include <openssl/safestack.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_PEM_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* "CERTIFICATE" */
X509 *PEM_read_bio_X509(BIO *out, X509 **x, pem_password_cb *cb, void *u);
X509 *PEM_read_X509(FILE *out, X509 **x, pem_password_cb *cb, void *u);
int PEM_write_bio_X509(BIO *out, const X509 *x);
int PEM_write_X509(FILE *out, const X509 *x);

/* "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA/EC PRIVATE KEY" */
EVP_PKEY *PEM_read_bio_PrivateKey(BIO *out, EVP_PKEY **x, pem_password_cb *cb,
                                  void *u);
EVP_PKEY *PEM_read_PrivateKey(FILE *out, EVP_PKEY **x, pem_password_cb *cb,
                              void *u);
int PEM_write_bio_PrivateKey(BIO *out, const EVP_PKEY *x,
                             const EVP_CIPHER *enc, const unsigned char *kstr,
                             int klen, pem_password_cb *cb, void *u);

/* "PUBLIC KEY" (SubjectPublicKeyInfo) */
EVP_PKEY *PEM_read_bio_PUBKEY(BIO *out, EVP_PKEY **x, pem_password_cb *cb,
                              void *u);
int PEM_write_bio_PUBKEY(BIO *out, const EVP_PKEY *x);

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_PEM_H */
