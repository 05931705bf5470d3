// OBJ_*: the NID table of <openssl/obj_mac.h> (short name, long name, OID).
#include "pki_local.hpp"

#include <cstring>

namespace cachet_compat {

constexpr ObjectInfo kObjects[] = {
    {NID_undef, SN_undef, LN_undef, ""},
    {NID_commonName, "CN", "commonName", "2.5.4.3"},
    {NID_countryName, "C", "countryName", "2.5.4.6"},
    {NID_localityName, "L", "localityName", "2.5.4.7"},
    {NID_stateOrProvinceName, "ST", "stateOrProvinceName", "2.5.4.8"},
    {NID_streetAddress, "street", "streetAddress", "2.5.4.9"},
    {NID_organizationName, "O", "organizationName", "2.5.4.10"},
    {NID_organizationalUnitName, "OU", "organizationalUnitName", "2.5.4.11"},
    {NID_pkcs9_emailAddress, "emailAddress", "emailAddress", "1.2.840.113549.1.9.1"},
    {NID_serialNumber, "serialNumber", "serialNumber", "2.5.4.5"},
    {NID_surname, "SN", "surname", "2.5.4.4"},
    {NID_givenName, "GN", "givenName", "2.5.4.42"},
    {NID_title, "title", "title", "2.5.4.12"},
    {NID_domainComponent, "DC", "domainComponent", "0.9.2342.19200300.100.1.25"},
    {NID_md5, "MD5", "md5", "1.2.840.113549.2.5"},
    {NID_sha1, "SHA1", "sha1", "1.3.14.3.2.26"},
    {NID_sha224, "SHA224", "sha224", "2.16.840.1.101.3.4.2.4"},
    {NID_sha256, "SHA256", "sha256", "2.16.840.1.101.3.4.2.1"},
    {NID_sha384, "SHA384", "sha384", "2.16.840.1.101.3.4.2.2"},
    {NID_sha512, "SHA512", "sha512", "2.16.840.1.101.3.4.2.3"},
    {NID_X9_62_prime256v1, "prime256v1", "prime256v1", "1.2.840.10045.3.1.7"},
    {NID_secp384r1, "secp384r1", "secp384r1", "1.3.132.0.34"},
    {NID_secp521r1, "secp521r1", "secp521r1", "1.3.132.0.35"},
    {NID_X25519, "X25519", "X25519", "1.3.101.110"},
    {NID_rsaEncryption, "rsaEncryption", "rsaEncryption", "1.2.840.113549.1.1.1"},
    {NID_X9_62_id_ecPublicKey, "id-ecPublicKey", "id-ecPublicKey", "1.2.840.10045.2.1"},
    {NID_ED25519, "ED25519", "ED25519", "1.3.101.112"},
    {NID_sha1WithRSAEncryption, "RSA-SHA1", "sha1WithRSAEncryption", "1.2.840.113549.1.1.5"},
    {NID_sha256WithRSAEncryption, "RSA-SHA256", "sha256WithRSAEncryption", "1.2.840.113549.1.1.11"},
    {NID_sha384WithRSAEncryption, "RSA-SHA384", "sha384WithRSAEncryption", "1.2.840.113549.1.1.12"},
    {NID_sha512WithRSAEncryption, "RSA-SHA512", "sha512WithRSAEncryption", "1.2.840.113549.1.1.13"},
    {NID_ecdsa_with_SHA1, "ecdsa-with-SHA1", "ecdsa-with-SHA1", "1.2.840.10045.4.1"},
    {NID_ecdsa_with_SHA256, "ecdsa-with-SHA256", "ecdsa-with-SHA256", "1.2.840.10045.4.3.2"},
    {NID_ecdsa_with_SHA384, "ecdsa-with-SHA384", "ecdsa-with-SHA384", "1.2.840.10045.4.3.3"},
    {NID_ecdsa_with_SHA512, "ecdsa-with-SHA512", "ecdsa-with-SHA512", "1.2.840.10045.4.3.4"},
};

const ObjectInfo* object_by_nid(int nid) {
  for (const ObjectInfo& o : kObjects)
    if (o.nid == nid) return &o;
  return nullptr;
}

}  // namespace cachet_compat

using cachet_compat::object_by_nid;
using cachet_compat::ObjectInfo;
using cachet_compat::kObjects;

extern "C" {

const char* OBJ_nid2sn(int n) {
  const ObjectInfo* o = object_by_nid(n);
  if (o == nullptr) {
    PKI_RAISE(ERR_LIB_OBJ, ERR_R_PASSED_INVALID_ARGUMENT, "unknown NID");
    return nullptr;
  }
  return o->sn;
}

const char* OBJ_nid2ln(int n) {
  const ObjectInfo* o = object_by_nid(n);
  if (o == nullptr) {
    PKI_RAISE(ERR_LIB_OBJ, ERR_R_PASSED_INVALID_ARGUMENT, "unknown NID");
    return nullptr;
  }
  return o->ln;
}

int OBJ_sn2nid(const char* s) {
  if (s == nullptr) return NID_undef;
  for (const ObjectInfo& o : kObjects)
    if (o.nid != NID_undef && std::strcmp(o.sn, s) == 0) return o.nid;
  return NID_undef;
}

int OBJ_txt2nid(const char* s) {
  if (s == nullptr) return NID_undef;
  for (const ObjectInfo& o : kObjects) {
    if (o.nid == NID_undef) continue;
    if (std::strcmp(o.sn, s) == 0 || std::strcmp(o.ln, s) == 0 || std::strcmp(o.oid, s) == 0) return o.nid;
  }
  return NID_undef;
}

int OBJ_obj2nid(const ASN1_OBJECT* o) { return o == nullptr ? NID_undef : o->nid; }

}  // extern "C"
