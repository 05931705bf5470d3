// The legacy RSA and EC_KEY calls used to generate keys (RSA_new +
// RSA_generate_key_ex, EC_KEY_new_by_curve_name + EC_KEY_generate_key).
#include "pki_local.hpp"

using namespace cachet_compat;

namespace {

bool is_f4(const BIGNUM* e) {
  return e != nullptr && !e->negative && e->magnitude == std::vector<uint8_t>{0x01, 0x00, 0x01};
}

bool generate_rsa(RSA* rsa, int bits) {
  if (bits < 2048 || bits > 4096) {
    PKI_RAISE(ERR_LIB_RSA, ERR_R_UNSUPPORTED, "RSA key size unsupported (2048..4096 bits)");
    return false;
  }
  auto key = cachet::PrivateKey::generate(cachet::KeyType::kRsa, static_cast<size_t>(bits));
  if (!key) {
    PKI_RAISE_ERROR(ERR_LIB_RSA, key.error());
    return false;
  }
  rsa->key = *key;
  return true;
}

}  // namespace

extern "C" {

RSA* RSA_new(void) { return new (std::nothrow) rsa_st(); }

void RSA_free(RSA* r) {
  if (r != nullptr && r->refs.fetch_sub(1) == 1) delete r;
}

int RSA_generate_key_ex(RSA* rsa, int bits, BIGNUM* e, BN_GENCB* cb) {
  (void)cb;
  if (rsa == nullptr) {
    PKI_RAISE(ERR_LIB_RSA, ERR_R_PASSED_NULL_PARAMETER, "no RSA object");
    return 0;
  }
  if (e != nullptr && !is_f4(e)) {
    PKI_RAISE(ERR_LIB_RSA, ERR_R_UNSUPPORTED, "public exponent unsupported (65537 only)");
    return 0;
  }
  return generate_rsa(rsa, bits) ? 1 : 0;
}

RSA* RSA_generate_key(int bits, unsigned long e, void (*callback)(int, int, void*), void* cb_arg) {
  (void)callback, (void)cb_arg;
  if (e != static_cast<unsigned long>(RSA_F4)) {
    PKI_RAISE(ERR_LIB_RSA, ERR_R_UNSUPPORTED, "public exponent unsupported (65537 only)");
    return nullptr;
  }
  RSA* rsa = RSA_new();
  if (rsa == nullptr) return nullptr;
  if (!generate_rsa(rsa, bits)) {
    RSA_free(rsa);
    return nullptr;
  }
  return rsa;
}

EC_KEY* EC_KEY_new_by_curve_name(int nid) {
  if (nid != NID_X9_62_prime256v1 && nid != NID_secp384r1) {
    PKI_RAISE(ERR_LIB_EC, ERR_R_UNSUPPORTED, "unsupported curve (P-256 and P-384 only)");
    return nullptr;
  }
  auto* key = new (std::nothrow) ec_key_st();
  if (key != nullptr) key->curve_nid = nid;
  return key;
}

void EC_KEY_free(EC_KEY* key) {
  if (key != nullptr && key->refs.fetch_sub(1) == 1) delete key;
}

int EC_KEY_generate_key(EC_KEY* key) {
  if (key == nullptr) {
    PKI_RAISE(ERR_LIB_EC, ERR_R_PASSED_NULL_PARAMETER, "no EC key");
    return 0;
  }
  const auto type = key->curve_nid == NID_secp384r1 ? cachet::KeyType::kEcP384 : cachet::KeyType::kEcP256;
  auto generated = cachet::PrivateKey::generate(type);
  if (!generated) {
    PKI_RAISE_ERROR(ERR_LIB_EC, generated.error());
    return 0;
  }
  key->key = *generated;
  return 1;
}

void EC_KEY_set_asn1_flag(EC_KEY* eckey, int asn1_flag) {
  // Keys are always written with a named curve; explicit parameters cannot be.
  if (eckey != nullptr && (asn1_flag & OPENSSL_EC_NAMED_CURVE) == 0)
    PKI_RAISE(ERR_LIB_EC, ERR_R_UNSUPPORTED, "explicit curve parameters are unsupported (named curves only)");
}

}  // extern "C"
