// The raw crypto floor: nettle (Cachet's crypto) and GnuTLS's own AEAD and
// signature APIs, each operation timed alone in CPU time. A handshake or
// record row can go no faster than the operations it must perform, so each
// row also shows its nettle floor (floor.hpp says which operations).
#include "floor.hpp"

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <nettle/chacha-poly1305.h>
#include <nettle/curve25519.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <nettle/gcm.h>
#include <nettle/knuth-lfib.h>
#include <nettle/sha2.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>

#include "bench.hpp"

namespace bench {
namespace {

// Calls `op` until `budget` CPU seconds have passed; operations per second.
double rate(const std::function<void()>& op, double budget) {
  op();  // warm-up
  long n = 0;
  int batch = 1;
  const double start = process_cpu_seconds();
  double now = start;
  while (now - start < budget) {
    for (int i = 0; i < batch; ++i) op();
    n += batch;
    now = process_cpu_seconds();
    batch = std::min(batch * 2, 1 << 14);
  }
  return static_cast<double>(n) / (now - start);
}

constexpr size_t kRecord = 1200;
constexpr uint8_t kAad[13] = {0, 0, 0, 0, 0, 0, 0, 1, 23, 0xfe, 0xfd, 0x04, 0xb0};

struct NettleEcc {
  knuth_lfib_ctx rng;
  ecc_scalar key, eph;
  ecc_point pub, peer, shared;
  dsa_signature sig;
  uint8_t digest[32];
  NettleEcc() {
    knuth_lfib_init(&rng, 4711);
    const ecc_curve* c = nettle_get_secp_256r1();
    ecc_scalar_init(&key, c);
    ecc_scalar_init(&eph, c);
    ecc_point_init(&pub, c);
    ecc_point_init(&peer, c);
    ecc_point_init(&shared, c);
    dsa_signature_init(&sig);
    ecdsa_generate_keypair(&pub, &key, &rng, reinterpret_cast<nettle_random_func*>(knuth_lfib_random));
    ecc_point_mul_g(&peer, &key);
    std::memset(digest, 0x5a, sizeof digest);
    ecdsa_sign(&key, &rng, reinterpret_cast<nettle_random_func*>(knuth_lfib_random), sizeof digest, digest, &sig);
  }
  ~NettleEcc() {
    ecc_scalar_clear(&key);
    ecc_scalar_clear(&eph);
    ecc_point_clear(&pub);
    ecc_point_clear(&peer);
    ecc_point_clear(&shared);
    dsa_signature_clear(&sig);
  }
};

}  // namespace

std::vector<FloorOp> measure_floors(double budget) {
  std::vector<FloorOp> out;
  auto add = [&](const std::string& id, const std::string& title, const char* unit, double v) {
    out.push_back(FloorOp{id, title, unit, v});
  };
  // --- nettle public key -------------------------------------------------
  {
    NettleEcc e;
    auto* random = reinterpret_cast<nettle_random_func*>(knuth_lfib_random);
    add("nettle.p256.sign", "nettle P-256 ECDSA sign", "ops/s",
        rate([&] { ecdsa_sign(&e.key, &e.rng, random, sizeof e.digest, e.digest, &e.sig); }, budget));
    add("nettle.p256.verify", "nettle P-256 ECDSA verify", "ops/s",
        rate([&] { ecdsa_verify(&e.pub, sizeof e.digest, e.digest, &e.sig); }, budget));
    add("nettle.p256.keygen", "nettle P-256 ECDH keygen", "ops/s", rate([&] {
          ecc_scalar_random(&e.eph, &e.rng, random);
          ecc_point_mul_g(&e.shared, &e.eph);
        }, budget));
    add("nettle.p256.derive", "nettle P-256 ECDH derive", "ops/s",
        rate([&] { ecc_point_mul(&e.shared, &e.key, &e.peer); }, budget));
    uint8_t n[32], q[32], p[32];
    std::memset(n, 0x33, sizeof n);
    curve25519_mul_g(p, n);
    add("nettle.x25519.keygen", "nettle X25519 keygen", "ops/s", rate([&] { curve25519_mul_g(q, n); }, budget));
    add("nettle.x25519.derive", "nettle X25519 derive", "ops/s", rate([&] { curve25519_mul(q, n, p); }, budget));
  }
  // --- nettle AEADs (seal and open of one 1200-byte record) ---------------
  {
    std::vector<uint8_t> plain(kRecord, 0x42), sealed(kRecord), opened(kRecord);
    uint8_t key[32], iv[12], tag[16], check[16];
    std::memset(key, 7, sizeof key);
    std::memset(iv, 9, sizeof iv);
    const double mb = static_cast<double>(kRecord) / 1e6;
    gcm_aes128_ctx g128;
    gcm_aes128_set_key(&g128, key);
    add("nettle.aes128gcm.seal", "nettle AES-128-GCM seal 1200 B", "MB/s", mb * rate([&] {
          gcm_aes128_set_iv(&g128, sizeof iv, iv);
          gcm_aes128_update(&g128, sizeof kAad, kAad);
          gcm_aes128_encrypt(&g128, kRecord, sealed.data(), plain.data());
          gcm_aes128_digest(&g128, sizeof tag, tag);
        }, budget));
    add("nettle.aes128gcm.open", "nettle AES-128-GCM open 1200 B", "MB/s", mb * rate([&] {
          gcm_aes128_set_iv(&g128, sizeof iv, iv);
          gcm_aes128_update(&g128, sizeof kAad, kAad);
          gcm_aes128_decrypt(&g128, kRecord, opened.data(), sealed.data());
          gcm_aes128_digest(&g128, sizeof check, check);
          (void)(std::memcmp(check, tag, sizeof tag) == 0);
        }, budget));
    gcm_aes256_ctx g256;
    gcm_aes256_set_key(&g256, key);
    add("nettle.aes256gcm.seal", "nettle AES-256-GCM seal 1200 B", "MB/s", mb * rate([&] {
          gcm_aes256_set_iv(&g256, sizeof iv, iv);
          gcm_aes256_update(&g256, sizeof kAad, kAad);
          gcm_aes256_encrypt(&g256, kRecord, sealed.data(), plain.data());
          gcm_aes256_digest(&g256, sizeof tag, tag);
        }, budget));
    add("nettle.aes256gcm.open", "nettle AES-256-GCM open 1200 B", "MB/s", mb * rate([&] {
          gcm_aes256_set_iv(&g256, sizeof iv, iv);
          gcm_aes256_update(&g256, sizeof kAad, kAad);
          gcm_aes256_decrypt(&g256, kRecord, opened.data(), sealed.data());
          gcm_aes256_digest(&g256, sizeof check, check);
        }, budget));
    chacha_poly1305_ctx cp;
    chacha_poly1305_set_key(&cp, key);
    add("nettle.chacha20.seal", "nettle ChaCha20-Poly1305 seal 1200 B", "MB/s", mb * rate([&] {
          chacha_poly1305_set_nonce(&cp, iv);
          chacha_poly1305_update(&cp, sizeof kAad, kAad);
          chacha_poly1305_encrypt(&cp, kRecord, sealed.data(), plain.data());
          chacha_poly1305_digest(&cp, sizeof tag, tag);
        }, budget));
    add("nettle.chacha20.open", "nettle ChaCha20-Poly1305 open 1200 B", "MB/s", mb * rate([&] {
          chacha_poly1305_set_nonce(&cp, iv);
          chacha_poly1305_update(&cp, sizeof kAad, kAad);
          chacha_poly1305_decrypt(&cp, kRecord, opened.data(), sealed.data());
          chacha_poly1305_digest(&cp, sizeof check, check);
        }, budget));
  }
  // --- GnuTLS: AEAD API and the abstract key API ----------------------------
  {
    gnutls_global_init();
    struct Aead {
      const char* id;
      const char* title;
      gnutls_cipher_algorithm_t alg;
      unsigned key;
    };
    // Seal and open both: the AES-GCM rows' floor is this backend's
    // (Cachet's AES-GCM runs on it, src/crypto/aead.cpp).
    const Aead aeads[] = {
        {"gnutls.aes128gcm", "GnuTLS AEAD AES-128-GCM", GNUTLS_CIPHER_AES_128_GCM, 16},
        {"gnutls.aes256gcm", "GnuTLS AEAD AES-256-GCM", GNUTLS_CIPHER_AES_256_GCM, 32},
        {"gnutls.chacha20", "GnuTLS AEAD ChaCha20-Poly1305", GNUTLS_CIPHER_CHACHA20_POLY1305, 32},
    };
    std::vector<uint8_t> plain(kRecord, 0x42), sealed(kRecord + 16), opened(kRecord);
    uint8_t key[32], iv[12];
    std::memset(key, 7, sizeof key);
    std::memset(iv, 9, sizeof iv);
    for (const Aead& a : aeads) {
      gnutls_datum_t k{key, a.key};
      gnutls_aead_cipher_hd_t h;
      if (gnutls_aead_cipher_init(&h, a.alg, &k) < 0) continue;
      add(std::string(a.id) + ".seal", std::string(a.title) + " seal 1200 B", "MB/s",
          static_cast<double>(kRecord) / 1e6 * rate([&] {
            size_t n = sealed.size();
            gnutls_aead_cipher_encrypt(h, iv, sizeof iv, kAad, sizeof kAad, 16, plain.data(), kRecord, sealed.data(), &n);
          }, budget));
      add(std::string(a.id) + ".open", std::string(a.title) + " open 1200 B", "MB/s",
          static_cast<double>(kRecord) / 1e6 * rate([&] {
            size_t n = opened.size();
            gnutls_aead_cipher_decrypt(h, iv, sizeof iv, kAad, sizeof kAad, 16, sealed.data(), sealed.size(),
                                       opened.data(), &n);
          }, budget));
      gnutls_aead_cipher_deinit(h);
    }
    gnutls_privkey_t priv;
    gnutls_pubkey_t pub;
    gnutls_privkey_init(&priv);
    gnutls_pubkey_init(&pub);
    if (gnutls_privkey_generate(priv, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) == 0 &&
        gnutls_pubkey_import_privkey(pub, priv, 0, 0) == 0) {
      uint8_t msg[64];
      std::memset(msg, 0x21, sizeof msg);
      gnutls_datum_t data{msg, sizeof msg};
      gnutls_datum_t sig{};
      gnutls_privkey_sign_data(priv, GNUTLS_DIG_SHA256, 0, &data, &sig);
      add("gnutls.p256.sign", "GnuTLS P-256 ECDSA sign (SHA-256)", "ops/s", rate([&] {
            gnutls_datum_t s{};
            gnutls_privkey_sign_data(priv, GNUTLS_DIG_SHA256, 0, &data, &s);
            gnutls_free(s.data);
          }, budget));
      add("gnutls.p256.verify", "GnuTLS P-256 ECDSA verify (SHA-256)", "ops/s",
          rate([&] { gnutls_pubkey_verify_data2(pub, GNUTLS_SIGN_ECDSA_SHA256, 0, &data, &sig); }, budget));
      add("gnutls.p256.keygen", "GnuTLS P-256 key generation", "ops/s", rate([&] {
            gnutls_privkey_t k;
            gnutls_privkey_init(&k);
            gnutls_privkey_generate(k, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
            gnutls_privkey_deinit(k);
          }, budget));
      gnutls_free(sig.data);
    }
    gnutls_pubkey_deinit(pub);
    gnutls_privkey_deinit(priv);
  }
  return out;
}

}  // namespace bench
