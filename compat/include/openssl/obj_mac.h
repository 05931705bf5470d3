/*
 * Cachet OpenSSL-compatible headers: object identifiers.
 *
 * Only the objects DTLS programs name (certificate subject fields, digests,
 * curves, key and signature algorithms) are listed.  NIDs, short names (SN_)
 * and long names (LN_) have OpenSSL's values; a name OpenSSL leaves
 * undefined is left undefined here too.
 */
#ifndef OPENSSL_OBJ_MAC_H
#define OPENSSL_OBJ_MAC_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#define NID_undef 0
#define SN_undef "UNDEF"
#define LN_undef "undefined"

/* Distinguished-name attributes */
#define NID_commonName 13
#define SN_commonName "CN"
#define LN_commonName "commonName"
#define NID_countryName 14
#define SN_countryName "C"
#define LN_countryName "countryName"
#define NID_localityName 15
#define SN_localityName "L"
#define LN_localityName "localityName"
#define NID_stateOrProvinceName 16
#define SN_stateOrProvinceName "ST"
#define LN_stateOrProvinceName "stateOrProvinceName"
#define NID_streetAddress 660
#define SN_streetAddress "street"
#define LN_streetAddress "streetAddress"
#define NID_organizationName 17
#define SN_organizationName "O"
#define LN_organizationName "organizationName"
#define NID_organizationalUnitName 18
#define SN_organizationalUnitName "OU"
#define LN_organizationalUnitName "organizationalUnitName"
#define NID_pkcs9_emailAddress 48
#define LN_pkcs9_emailAddress "emailAddress"
#define NID_serialNumber 105
#define LN_serialNumber "serialNumber"
#define NID_surname 100
#define SN_surname "SN"
#define LN_surname "surname"
#define NID_givenName 99
#define SN_givenName "GN"
#define LN_givenName "givenName"
#define NID_title 106
#define SN_title "title"
#define LN_title "title"
#define NID_domainComponent 391
#define SN_domainComponent "DC"
#define LN_domainComponent "domainComponent"

/* Digests */
#define NID_md5 4
#define SN_md5 "MD5"
#define LN_md5 "md5"
#define NID_sha1 64
#define SN_sha1 "SHA1"
#define LN_sha1 "sha1"
#define NID_sha224 675
#define SN_sha224 "SHA224"
#define LN_sha224 "sha224"
#define NID_sha256 672
#define SN_sha256 "SHA256"
#define LN_sha256 "sha256"
#define NID_sha384 673
#define SN_sha384 "SHA384"
#define LN_sha384 "sha384"
#define NID_sha512 674
#define SN_sha512 "SHA512"
#define LN_sha512 "sha512"

/* Elliptic curves and key-agreement groups */
#define NID_X9_62_prime256v1 415
#define SN_X9_62_prime256v1 "prime256v1"
#define NID_secp384r1 715
#define SN_secp384r1 "secp384r1"
#define NID_secp521r1 716
#define SN_secp521r1 "secp521r1"
#define NID_X25519 1034
#define SN_X25519 "X25519"

/* Public-key algorithms */
#define NID_rsaEncryption 6
#define LN_rsaEncryption "rsaEncryption"
#define NID_X9_62_id_ecPublicKey 408
#define SN_X9_62_id_ecPublicKey "id-ecPublicKey"
#define NID_ED25519 1087
#define SN_ED25519 "ED25519"

/* Signature algorithms */
#define NID_sha1WithRSAEncryption 65
#define SN_sha1WithRSAEncryption "RSA-SHA1"
#define LN_sha1WithRSAEncryption "sha1WithRSAEncryption"
#define NID_sha256WithRSAEncryption 668
#define SN_sha256WithRSAEncryption "RSA-SHA256"
#define LN_sha256WithRSAEncryption "sha256WithRSAEncryption"
#define NID_sha384WithRSAEncryption 669
#define SN_sha384WithRSAEncryption "RSA-SHA384"
#define LN_sha384WithRSAEncryption "sha384WithRSAEncryption"
#define NID_sha512WithRSAEncryption 670
#define SN_sha512WithRSAEncryption "RSA-SHA512"
#define LN_sha512WithRSAEncryption "sha512WithRSAEncryption"
#define NID_ecdsa_with_SHA1 416
#define SN_ecdsa_with_SHA1 "ecdsa-with-SHA1"
#define NID_ecdsa_with_SHA256 794
#define SN_ecdsa_with_SHA256 "ecdsa-with-SHA256"
#define NID_ecdsa_with_SHA384 795
#define SN_ecdsa_with_SHA384 "ecdsa-with-SHA384"
#define NID_ecdsa_with_SHA512 796
#define SN_ecdsa_with_SHA512 "ecdsa-with-SHA512"

#endif /* OPENSSL_OBJ_MAC_H */
