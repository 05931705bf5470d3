// EVP_PKEY, EVP_MD and key generation (EVP_PKEY_CTX, EVP_PKEY_Q_keygen).
#include "pki_local.hpp"

#include <strings.h>

#include <cstdarg>
#include <cstring>

namespace {

constexpr evp_md_st kSha1{"SHA1", "SHA1", 20, NID_sha1};
constexpr evp_md_st kSha256{"SHA256", "SHA256", 32, NID_sha256};
constexpr evp_md_st kSha384{"SHA384", "SHA384", 48, NID_sha384};
constexpr evp_md_st kSha512{"SHA512", "SHA512", 64, NID_sha512};

}  // namespace

namespace cachet_compat {

int nid_for_key_type(cachet::KeyType type) {
  switch (type) {
    case cachet::KeyType::kRsa: return EVP_PKEY_RSA;
    case cachet::KeyType::kEcP256:
    case cachet::KeyType::kEcP384: return EVP_PKEY_EC;
    case cachet::KeyType::kEd25519: return EVP_PKEY_ED25519;
  }
  return NID_undef;
}

const cachet::PrivateKey* pkey_private(const EVP_PKEY* pkey) {
  if (pkey == nullptr) return nullptr;
  if (pkey->priv) return &*pkey->priv;
  if (pkey->rsa != nullptr && pkey->rsa->key) return &*pkey->rsa->key;
  if (pkey->ec != nullptr && pkey->ec->key) return &*pkey->ec->key;
  return nullptr;
}

std::optional<cachet::PublicKey> pkey_public(const EVP_PKEY* pkey) {
  if (pkey == nullptr) return std::nullopt;
  if (pkey->pub) return pkey->pub;
  if (const cachet::PrivateKey* key = pkey_private(pkey)) return key->public_key();
  return std::nullopt;
}

EVP_PKEY* pkey_from_private(const cachet::PrivateKey& key) {
  EVP_PKEY* pkey = EVP_PKEY_new();
  if (pkey != nullptr) pkey->priv = key;
  return pkey;
}

EVP_PKEY* pkey_from_public(const cachet::PublicKey& key) {
  EVP_PKEY* pkey = EVP_PKEY_new();
  if (pkey != nullptr) pkey->pub = key;
  return pkey;
}

}  // namespace cachet_compat

using namespace cachet_compat;

namespace {

EVP_PKEY* generate(cachet::KeyType type, size_t rsa_bits) {
  auto key = cachet::PrivateKey::generate(type, rsa_bits);
  if (!key) {
    PKI_RAISE_ERROR(ERR_LIB_EVP, key.error());
    return nullptr;
  }
  return pkey_from_private(*key);
}

std::optional<cachet::KeyType> curve_type(int nid) {
  if (nid == NID_X9_62_prime256v1) return cachet::KeyType::kEcP256;
  if (nid == NID_secp384r1) return cachet::KeyType::kEcP384;
  PKI_RAISE(ERR_LIB_EC, ERR_R_UNSUPPORTED, "unsupported curve (P-256 and P-384 only)");
  return std::nullopt;
}

}  // namespace

extern "C" {

const EVP_MD* EVP_sha1(void) { return &kSha1; }
const EVP_MD* EVP_sha256(void) { return &kSha256; }
const EVP_MD* EVP_sha384(void) { return &kSha384; }
const EVP_MD* EVP_sha512(void) { return &kSha512; }

const EVP_MD* EVP_get_digestbyname(const char* name) {
  if (name == nullptr) return nullptr;
  for (const EVP_MD* md : {&kSha1, &kSha256, &kSha384, &kSha512}) {
    const std::string dashed = std::string("SHA-") + (md->name + 3);
    const ObjectInfo* info = object_by_nid(md->nid);
    if (strcasecmp(name, md->name) == 0 || strcasecmp(name, dashed.c_str()) == 0 ||
        (info != nullptr && strcmp(name, info->oid) == 0))
      return md;
  }
  return nullptr;
}

int EVP_MD_get_size(const EVP_MD* md) {
  if (md == nullptr) {
    PKI_RAISE(ERR_LIB_EVP, ERR_R_PASSED_NULL_PARAMETER, "no digest");
    return -1;
  }
  return md->size;
}

EVP_MD_CTX* EVP_MD_CTX_new(void) { return new (std::nothrow) evp_md_ctx_st(); }

void EVP_MD_CTX_free(EVP_MD_CTX* ctx) { delete ctx; }

// Cachet's public API has no general-purpose hash yet: the streaming and
// one-shot digests fail with an ERR entry rather than pretend.
int EVP_DigestInit_ex(EVP_MD_CTX* ctx, const EVP_MD* type, ENGINE* impl) {
  (void)impl;
  if (ctx != nullptr) ctx->md = type;
  PKI_RAISE(ERR_LIB_EVP, ERR_R_UNSUPPORTED, "message digests are not supported by Cachet's libcrypto");
  return 0;
}

int EVP_DigestUpdate(EVP_MD_CTX* ctx, const void* d, size_t cnt) {
  (void)ctx, (void)d, (void)cnt;
  PKI_RAISE(ERR_LIB_EVP, ERR_R_UNSUPPORTED, "message digests are not supported by Cachet's libcrypto");
  return 0;
}

int EVP_DigestFinal_ex(EVP_MD_CTX* ctx, unsigned char* md, unsigned int* s) {
  (void)ctx, (void)md, (void)s;
  PKI_RAISE(ERR_LIB_EVP, ERR_R_UNSUPPORTED, "message digests are not supported by Cachet's libcrypto");
  return 0;
}

int EVP_Digest(const void* data, size_t count, unsigned char* md, unsigned int* size, const EVP_MD* type,
               ENGINE* impl) {
  (void)data, (void)count, (void)md, (void)size, (void)type, (void)impl;
  PKI_RAISE(ERR_LIB_EVP, ERR_R_UNSUPPORTED, "message digests are not supported by Cachet's libcrypto");
  return 0;
}

EVP_PKEY* EVP_PKEY_new(void) { return new (std::nothrow) evp_pkey_st(); }

void EVP_PKEY_free(EVP_PKEY* pkey) {
  if (pkey == nullptr || pkey->refs.fetch_sub(1) != 1) return;
  RSA_free(pkey->rsa);
  EC_KEY_free(pkey->ec);
  delete pkey;
}

int EVP_PKEY_up_ref(EVP_PKEY* pkey) {
  if (pkey == nullptr) return 0;
  pkey->refs.fetch_add(1);
  return 1;
}

int EVP_PKEY_get_id(const EVP_PKEY* pkey) {
  if (const cachet::PrivateKey* key = pkey_private(pkey)) return nid_for_key_type(key->type());
  if (pkey != nullptr && pkey->pub) return nid_for_key_type(pkey->pub->type());
  if (pkey != nullptr && pkey->rsa != nullptr) return EVP_PKEY_RSA;
  if (pkey != nullptr && pkey->ec != nullptr) return EVP_PKEY_EC;
  return NID_undef;
}

int EVP_PKEY_get_bits(const EVP_PKEY* pkey) {
  const auto pub = pkey_public(pkey);
  if (!pub) return 0;
  // OpenSSL 3.0 reports 256 bits for Ed25519 (ED25519_BITS), where
  // cachet::PublicKey::bits() says 253 (X25519's figure); keep OpenSSL's.
  if (pub->type() == cachet::KeyType::kEd25519) return 256;
  return pub->bits();
}

int EVP_PKEY_assign(EVP_PKEY* pkey, int type, void* key) {
  if (pkey == nullptr || key == nullptr) {
    PKI_RAISE(ERR_LIB_EVP, ERR_R_PASSED_NULL_PARAMETER, "no key");
    return 0;
  }
  if (type == EVP_PKEY_RSA) {
    RSA_free(pkey->rsa);
    EC_KEY_free(pkey->ec);
    pkey->ec = nullptr;
    pkey->rsa = static_cast<RSA*>(key);
  } else if (type == EVP_PKEY_EC) {
    RSA_free(pkey->rsa);
    EC_KEY_free(pkey->ec);
    pkey->rsa = nullptr;
    pkey->ec = static_cast<EC_KEY*>(key);
  } else {
    PKI_RAISE(ERR_LIB_EVP, ERR_R_UNSUPPORTED, "EVP_PKEY_assign supports RSA and EC keys only");
    return 0;
  }
  pkey->priv.reset();
  pkey->pub.reset();
  return 1;
}

int EVP_PKEY_set1_EC_KEY(EVP_PKEY* pkey, EC_KEY* key) {
  if (pkey == nullptr || key == nullptr) {
    PKI_RAISE(ERR_LIB_EVP, ERR_R_PASSED_NULL_PARAMETER, "no key");
    return 0;
  }
  key->refs.fetch_add(1);
  return EVP_PKEY_assign(pkey, EVP_PKEY_EC, key);
}

RSA* EVP_PKEY_get1_RSA(EVP_PKEY* pkey) {
  if (pkey != nullptr && pkey->rsa != nullptr) {
    pkey->rsa->refs.fetch_add(1);
    return pkey->rsa;
  }
  const cachet::PrivateKey* key = pkey_private(pkey);
  if (key == nullptr || key->type() != cachet::KeyType::kRsa) {
    PKI_RAISE(ERR_LIB_EVP, 123 /* EVP_R_EXPECTING_AN_RSA_KEY */, "expecting an RSA private key");
    return nullptr;
  }
  RSA* rsa = RSA_new();
  if (rsa != nullptr) rsa->key = *key;
  return rsa;
}

EVP_PKEY_CTX* EVP_PKEY_CTX_new_id(int id, ENGINE* e) {
  (void)e;
  if (id != EVP_PKEY_RSA && id != EVP_PKEY_EC && id != EVP_PKEY_ED25519) {
    PKI_RAISE(ERR_LIB_EVP, ERR_R_UNSUPPORTED, "key type unsupported (RSA, EC and ED25519 only)");
    return nullptr;
  }
  auto* ctx = new (std::nothrow) evp_pkey_ctx_st();
  if (ctx != nullptr) ctx->id = id;
  return ctx;
}

void EVP_PKEY_CTX_free(EVP_PKEY_CTX* ctx) { delete ctx; }

int EVP_PKEY_keygen_init(EVP_PKEY_CTX* ctx) {
  if (ctx == nullptr) return 0;
  ctx->keygen_ready = true;
  return 1;
}

int EVP_PKEY_CTX_set_rsa_keygen_bits(EVP_PKEY_CTX* ctx, int bits) {
  if (ctx == nullptr || ctx->id != EVP_PKEY_RSA || !ctx->keygen_ready) {
    PKI_RAISE(ERR_LIB_EVP, ERR_R_PASSED_INVALID_ARGUMENT, "not an RSA key generation context");
    return ctx == nullptr ? 0 : -2;
  }
  if (bits < 2048 || bits > 4096) {
    PKI_RAISE(ERR_LIB_EVP, ERR_R_UNSUPPORTED, "RSA key size unsupported (2048..4096 bits)");
    return 0;
  }
  ctx->rsa_bits = bits;
  return 1;
}

int EVP_PKEY_CTX_set_ec_paramgen_curve_nid(EVP_PKEY_CTX* ctx, int nid) {
  if (ctx == nullptr || ctx->id != EVP_PKEY_EC || !ctx->keygen_ready) {
    PKI_RAISE(ERR_LIB_EVP, ERR_R_PASSED_INVALID_ARGUMENT, "not an EC key generation context");
    return ctx == nullptr ? 0 : -2;
  }
  if (!curve_type(nid)) return 0;
  ctx->curve_nid = nid;
  return 1;
}

int EVP_PKEY_keygen(EVP_PKEY_CTX* ctx, EVP_PKEY** ppkey) {
  if (ctx == nullptr || ppkey == nullptr || !ctx->keygen_ready) {
    PKI_RAISE(ERR_LIB_EVP, ERR_R_PASSED_INVALID_ARGUMENT, "context not initialised for key generation");
    return ctx == nullptr || ppkey == nullptr ? 0 : -2;
  }
  EVP_PKEY* pkey = nullptr;
  if (ctx->id == EVP_PKEY_RSA) {
    pkey = generate(cachet::KeyType::kRsa, static_cast<size_t>(ctx->rsa_bits));
  } else if (ctx->id == EVP_PKEY_EC) {
    const auto type = curve_type(ctx->curve_nid);
    if (type) pkey = generate(*type, 0);
  } else {
    pkey = generate(cachet::KeyType::kEd25519, 0);
  }
  if (pkey == nullptr) return 0;
  if (*ppkey != nullptr) {
    EVP_PKEY* old = *ppkey;
    RSA_free(old->rsa);
    EC_KEY_free(old->ec);
    old->rsa = nullptr;
    old->ec = nullptr;
    old->priv = pkey->priv;
    old->pub.reset();
    EVP_PKEY_free(pkey);
  } else {
    *ppkey = pkey;
  }
  return 1;
}

EVP_PKEY* EVP_PKEY_Q_keygen(OSSL_LIB_CTX* libctx, const char* propq, const char* type, ...) {
  (void)libctx, (void)propq;
  if (type == nullptr) {
    PKI_RAISE(ERR_LIB_EVP, ERR_R_PASSED_NULL_PARAMETER, "no key type");
    return nullptr;
  }
  va_list args;
  va_start(args, type);
  EVP_PKEY* pkey = nullptr;
  if (strcasecmp(type, "RSA") == 0) {
    const size_t bits = va_arg(args, size_t);
    if (bits < 2048 || bits > 4096)
      PKI_RAISE(ERR_LIB_EVP, ERR_R_UNSUPPORTED, "RSA key size unsupported (2048..4096 bits)");
    else
      pkey = generate(cachet::KeyType::kRsa, bits);
  } else if (strcasecmp(type, "EC") == 0) {
    const char* curve = va_arg(args, const char*);
    if (curve == nullptr) {
      PKI_RAISE(ERR_LIB_EVP, ERR_R_PASSED_NULL_PARAMETER, "no curve name");
    } else if (strcasecmp(curve, "P-256") == 0 || strcmp(curve, "prime256v1") == 0 ||
               strcmp(curve, "secp256r1") == 0) {
      pkey = generate(cachet::KeyType::kEcP256, 0);
    } else if (strcasecmp(curve, "P-384") == 0 || strcmp(curve, "secp384r1") == 0) {
      pkey = generate(cachet::KeyType::kEcP384, 0);
    } else {
      PKI_RAISE(ERR_LIB_EC, ERR_R_UNSUPPORTED, "unsupported curve (P-256 and P-384 only)");
    }
  } else if (strcasecmp(type, "ED25519") == 0) {
    pkey = generate(cachet::KeyType::kEd25519, 0);
  } else {
    PKI_RAISE(ERR_LIB_EVP, ERR_R_UNSUPPORTED, "key type unsupported (RSA, EC and ED25519 only)");
  }
  va_end(args);
  return pkey;
}

EVP_PKEY* d2i_PrivateKey(int type, EVP_PKEY** a, const unsigned char** pp, long length) {
  if (pp == nullptr || *pp == nullptr || length <= 0) {
    PKI_RAISE(ERR_LIB_ASN1, ERR_R_PASSED_NULL_PARAMETER, "no input");
    return nullptr;
  }
  const size_t n = der_tlv_length(*pp, static_cast<size_t>(length));
  if (n == 0) {
    PKI_RAISE(ERR_LIB_ASN1, ERR_R_PASSED_INVALID_ARGUMENT, "not a DER structure");
    return nullptr;
  }
  auto key = cachet::PrivateKey::from_der(std::span<const uint8_t>(*pp, n));
  if (!key) {
    PKI_RAISE_ERROR(ERR_LIB_ASN1, key.error());
    return nullptr;
  }
  if (type != EVP_PKEY_NONE && nid_for_key_type(key->type()) != type) {
    PKI_RAISE(ERR_LIB_EVP, 103 /* EVP_R_DIFFERENT_KEY_TYPES */, "key is not of the requested type");
    return nullptr;
  }
  EVP_PKEY* pkey = a != nullptr && *a != nullptr ? *a : EVP_PKEY_new();
  if (pkey == nullptr) return nullptr;
  RSA_free(pkey->rsa);
  EC_KEY_free(pkey->ec);
  pkey->rsa = nullptr;
  pkey->ec = nullptr;
  pkey->priv = *key;
  pkey->pub.reset();
  if (a != nullptr) *a = pkey;
  *pp += n;
  return pkey;
}

int i2d_PrivateKey(const EVP_PKEY* a, unsigned char** pp) {
  const cachet::PrivateKey* key = pkey_private(a);
  if (key == nullptr) {
    PKI_RAISE(ERR_LIB_EVP, ERR_R_PASSED_INVALID_ARGUMENT, "no private key");
    return -1;
  }
  // OpenSSL writes the traditional form (PKCS#1, SEC1) where there is one.
  std::vector<uint8_t> der;
  if (key->type() == cachet::KeyType::kEd25519) {
    der = key->to_der();
  } else {
    auto pem = key->to_traditional_pem();
    if (!pem) {
      PKI_RAISE_ERROR(ERR_LIB_EVP, pem.error());
      return -1;
    }
    const size_t begin = pem->find('\n');
    const size_t end = pem->find("-----END");
    if (begin == std::string::npos || end == std::string::npos) return -1;
    der = base64_decode(std::string_view(*pem).substr(begin, end - begin));
    std::fill(pem->begin(), pem->end(), '\0');
  }
  const int n = i2d_output(der, pp);
  std::fill(der.begin(), der.end(), 0);
  return n;
}

}  // extern "C"
