/* Cachet OpenSSL-compatible headers: NID <-> name lookups. */
#ifndef OPENSSL_OBJECTS_H
#define OPENSSL_OBJECTS_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/macros.h>
#include <openssl/obj_mac.h>
#include <openssl/bio.h>
#include <openssl/asn1.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_OBJECTS_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* NULL / NID_undef when the object is not one Cachet knows. */
const char *OBJ_nid2sn(int n);
const char *OBJ_nid2ln(int n);
int OBJ_sn2nid(const char *s);
/* Accepts a short name, a long name or a dotted OID. */
int OBJ_txt2nid(const char *s);
int OBJ_obj2nid(const ASN1_OBJECT *o);

#ifndef OPENSSL_NO_DEPRECATED_1_1_0
# define OBJ_cleanup() while (0) continue
#endif

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_OBJECTS_H */
