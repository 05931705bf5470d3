// AEADs and DTLS 1.3 record-number masks: published vectors, misuse, a
// cross-check against OpenSSL 3's independent implementations, and the two
// AES-GCM backends (GnuTLS, nettle) against each other: same output, no
// allocation per call, heap per key.
//
// Outside sanitizer builds this program interposes malloc/calloc/realloc
// (forwarding to glibc's __libc_* entry points), so an allocation anywhere —
// Cachet, libstdc++, nettle, GnuTLS (gnutls_malloc is malloc) — is counted
// while the current thread has counting switched on.
#include <boost/test/unit_test.hpp>

#include <malloc.h>
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/hex.hpp"
#include "base/random.hpp"
#include "crypto/aead.hpp"
#include "count_allocations.hpp"
#include "crypto/record_mask.hpp"
#include "heap_in_use.hpp"
#include "test_util.hpp"

using cachet::Bytes;
using cachet::ByteSpan;
using cachet::ErrorCode;
using cachet::MutableByteSpan;
using cachet::to_hex;
using cachet::crypto::Aead;
using cachet::crypto::AeadAlgorithm;
using cachet::crypto::AeadBackend;
using cachet::crypto::AeadMode;
using cachet::crypto::AeadSharing;
using cachet::crypto::RecordNumberMask;
using cachet::test::allocations_during;
using cachet::test::hex;

namespace {

constexpr AeadAlgorithm kAllAlgorithms[] = {
    AeadAlgorithm::kAes128Gcm,  AeadAlgorithm::kAes256Gcm,  AeadAlgorithm::kChaCha20Poly1305,
    AeadAlgorithm::kAes128Ccm,  AeadAlgorithm::kAes128Ccm8, AeadAlgorithm::kAes256Ccm,
    AeadAlgorithm::kAes256Ccm8,
};

const char* name(AeadAlgorithm alg) {
  switch (alg) {
    case AeadAlgorithm::kAes128Gcm: return "AES-128-GCM";
    case AeadAlgorithm::kAes256Gcm: return "AES-256-GCM";
    case AeadAlgorithm::kChaCha20Poly1305: return "ChaCha20-Poly1305";
    case AeadAlgorithm::kAes128Ccm: return "AES-128-CCM";
    case AeadAlgorithm::kAes128Ccm8: return "AES-128-CCM-8";
    case AeadAlgorithm::kAes256Ccm: return "AES-256-CCM";
    case AeadAlgorithm::kAes256Ccm8: return "AES-256-CCM-8";
  }
  return "?";
}

ErrorCode code_of(const cachet::Result<void>& r) {
  return r.ok() ? ErrorCode::kOk : r.error().code();
}
template <typename T>
ErrorCode code_of(const cachet::Result<T>& r) {
  return r.ok() ? ErrorCode::kOk : r.error().code();
}

Bytes random_bytes(cachet::DeterministicRandom& rng, size_t n) {
  Bytes out(n);
  BOOST_REQUIRE(rng.fill(out).ok());
  return out;
}

bool all_zero(ByteSpan b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
}

Aead make(AeadMode mode, ByteSpan key, size_t tag_size) {
  auto r = Aead::create_raw(mode, key, tag_size);
  BOOST_REQUIRE(r.ok());
  return std::move(r).value();
}

Aead make(AeadAlgorithm alg, ByteSpan key) {
  auto r = Aead::create(alg, key);
  BOOST_REQUIRE(r.ok());
  return std::move(r).value();
}

// Seals `plaintext` and checks ciphertext and tag, then opens them back.
void check_known_answer(AeadMode mode, const Bytes& key, const Bytes& nonce, const Bytes& aad,
                        const Bytes& plaintext, const Bytes& ciphertext, const Bytes& tag) {
  const Aead aead = make(mode, key, tag.size());
  Bytes buf = plaintext;
  Bytes out_tag(tag.size());
  BOOST_TEST(aead.seal(nonce, aad, buf, out_tag).ok());
  BOOST_TEST(to_hex(buf) == to_hex(ciphertext));
  BOOST_TEST(to_hex(out_tag) == to_hex(tag));
  BOOST_TEST(aead.open(nonce, aad, buf, tag).ok());
  BOOST_TEST(to_hex(buf) == to_hex(plaintext));
}

// --- OpenSSL reference -------------------------------------------------------

const EVP_CIPHER* openssl_cipher(AeadAlgorithm alg) {
  switch (alg) {
    case AeadAlgorithm::kAes128Gcm: return EVP_aes_128_gcm();
    case AeadAlgorithm::kAes256Gcm: return EVP_aes_256_gcm();
    case AeadAlgorithm::kChaCha20Poly1305: return EVP_chacha20_poly1305();
    case AeadAlgorithm::kAes128Ccm:
    case AeadAlgorithm::kAes128Ccm8: return EVP_aes_128_ccm();
    case AeadAlgorithm::kAes256Ccm:
    case AeadAlgorithm::kAes256Ccm8: return EVP_aes_256_ccm();
  }
  return nullptr;
}

// OpenSSL dislikes null data pointers even for empty inputs.
const uint8_t* ptr(ByteSpan b) {
  static const uint8_t kDummy = 0;
  return b.empty() ? &kDummy : b.data();
}

struct Sealed {
  Bytes ciphertext;
  Bytes tag;
};

Sealed openssl_seal(AeadAlgorithm alg, ByteSpan key, ByteSpan nonce, ByteSpan aad,
                    ByteSpan plaintext) {
  const auto params = cachet::crypto::aead_params(alg);
  const bool ccm = params.mode == AeadMode::kCcm;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  BOOST_REQUIRE(ctx != nullptr);
  int len = 0;
  Sealed out{Bytes(plaintext.size() + 16), Bytes(params.tag_size)};
  BOOST_REQUIRE(EVP_EncryptInit_ex(ctx, openssl_cipher(alg), nullptr, nullptr, nullptr) == 1);
  BOOST_REQUIRE(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()),
                                    nullptr) == 1);
  if (ccm)
    BOOST_REQUIRE(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(params.tag_size),
                                      nullptr) == 1);
  BOOST_REQUIRE(EVP_EncryptInit_ex(ctx, nullptr, nullptr, key.data(), nonce.data()) == 1);
  if (ccm)
    BOOST_REQUIRE(
        EVP_EncryptUpdate(ctx, nullptr, &len, nullptr, static_cast<int>(plaintext.size())) == 1);
  if (!aad.empty())
    BOOST_REQUIRE(EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) ==
                  1);
  BOOST_REQUIRE(EVP_EncryptUpdate(ctx, out.ciphertext.data(), &len, ptr(plaintext),
                                  static_cast<int>(plaintext.size())) == 1);
  int total = len;
  BOOST_REQUIRE(EVP_EncryptFinal_ex(ctx, out.ciphertext.data() + total, &len) == 1);
  total += len;
  out.ciphertext.resize(static_cast<size_t>(total));
  BOOST_REQUIRE(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(params.tag_size),
                                    out.tag.data()) == 1);
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

std::optional<Bytes> openssl_open(AeadAlgorithm alg, ByteSpan key, ByteSpan nonce, ByteSpan aad,
                                  ByteSpan ciphertext, ByteSpan tag) {
  const bool ccm = cachet::crypto::aead_params(alg).mode == AeadMode::kCcm;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  BOOST_REQUIRE(ctx != nullptr);
  int len = 0;
  Bytes out(ciphertext.size() + 16);
  Bytes tag_copy(tag.begin(), tag.end());
  BOOST_REQUIRE(EVP_DecryptInit_ex(ctx, openssl_cipher(alg), nullptr, nullptr, nullptr) == 1);
  BOOST_REQUIRE(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()),
                                    nullptr) == 1);
  if (ccm)
    BOOST_REQUIRE(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()),
                                      tag_copy.data()) == 1);
  BOOST_REQUIRE(EVP_DecryptInit_ex(ctx, nullptr, nullptr, key.data(), nonce.data()) == 1);
  if (ccm)
    BOOST_REQUIRE(
        EVP_DecryptUpdate(ctx, nullptr, &len, nullptr, static_cast<int>(ciphertext.size())) == 1);
  if (!aad.empty())
    BOOST_REQUIRE(EVP_DecryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) ==
                  1);
  bool good = EVP_DecryptUpdate(ctx, out.data(), &len, ptr(ciphertext),
                                static_cast<int>(ciphertext.size())) == 1;
  int total = len;
  if (good && !ccm) {
    BOOST_REQUIRE(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()),
                                      tag_copy.data()) == 1);
    good = EVP_DecryptFinal_ex(ctx, out.data() + total, &len) == 1;
    total += len;
  }
  EVP_CIPHER_CTX_free(ctx);
  if (!good) return std::nullopt;
  out.resize(static_cast<size_t>(total));
  return out;
}

Bytes openssl_mask(AeadAlgorithm alg, ByteSpan key, ByteSpan sample) {
  const auto params = cachet::crypto::aead_params(alg);
  const EVP_CIPHER* cipher = params.mode == AeadMode::kChaCha20Poly1305 ? EVP_chacha20()
                             : params.key_size == 16                   ? EVP_aes_128_ecb()
                                                                       : EVP_aes_256_ecb();
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  BOOST_REQUIRE(ctx != nullptr);
  // EVP_chacha20's 16-byte IV is counter (4 bytes, little-endian) || nonce,
  // exactly the sample; ECB takes no IV.
  const bool chacha = params.mode == AeadMode::kChaCha20Poly1305;
  BOOST_REQUIRE(
      EVP_EncryptInit_ex(ctx, cipher, nullptr, key.data(), chacha ? sample.data() : nullptr) == 1);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  // AES-ECB encrypts the sample; ChaCha20 encrypts 16 zero bytes.
  Bytes in = chacha ? Bytes(16, 0) : Bytes(sample.begin(), sample.begin() + 16);
  Bytes out(32);
  int len = 0;
  BOOST_REQUIRE(EVP_EncryptUpdate(ctx, out.data(), &len, in.data(), 16) == 1);
  int total = len;
  BOOST_REQUIRE(EVP_EncryptFinal_ex(ctx, out.data() + total, &len) == 1);
  total += len;
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<size_t>(total));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(aead_vectors)

// RFC 8439 §2.8.2 (values parsed from rfc8439.txt).
BOOST_AUTO_TEST_CASE(rfc8439_2_8_2) {
  const Bytes key = hex(
      "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  const Bytes nonce = hex("070000004041424344454647");  // constant 07000000 || IV
  const Bytes aad = hex("50515253c0c1c2c3c4c5c6c7");
  const Bytes plaintext = hex(
      "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
      "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
      "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
      "637265656e20776f756c642062652069742e");
  const Bytes ciphertext = hex(
      "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
      "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
      "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
      "3ff4def08e4b7a9de576d26586cec64b6116");
  const Bytes tag = hex("1ae10b594f09e26a7e902ecbd0600691");
  check_known_answer(AeadMode::kChaCha20Poly1305, key, nonce, aad, plaintext, ciphertext, tag);
}

// RFC 8439 Appendix A.5: decryption of a received message.
BOOST_AUTO_TEST_CASE(rfc8439_a5) {
  const Bytes key = hex(
      "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
  const Bytes nonce = hex("000000000102030405060708");
  const Bytes aad = hex("f33388860000000000004e91");
  const Bytes ciphertext = hex(
      "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
      "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
      "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
      "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
      "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
      "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
      "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
      "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
      "a6ad5cb4022b02709b");
  const Bytes tag = hex("eead9d67890cbb22392336fea1851f38");
  const Bytes plaintext = hex(
      "496e7465726e65742d4472616674732061726520647261667420646f63756d65"
      "6e74732076616c696420666f722061206d6178696d756d206f6620736978206d"
      "6f6e74687320616e64206d617920626520757064617465642c207265706c6163"
      "65642c206f72206f62736f6c65746564206279206f7468657220646f63756d65"
      "6e747320617420616e792074696d652e20497420697320696e617070726f7072"
      "6961746520746f2075736520496e7465726e65742d4472616674732061732072"
      "65666572656e6365206d6174657269616c206f7220746f206369746520746865"
      "6d206f74686572207468616e206173202fe2809c776f726b20696e2070726f67"
      "726573732e2fe2809d");
  check_known_answer(AeadMode::kChaCha20Poly1305, key, nonce, aad, plaintext, ciphertext, tag);
}

// The GCM specification (McGrew & Viega), test cases 1-4 (AES-128) and 13-16
// (AES-256); each value confirmed with OpenSSL's EVP_aes_*_gcm before use.
struct Vector {
  const char* label;
  const char* key;
  const char* nonce;
  const char* aad;
  const char* plaintext;
  const char* ciphertext;
  const char* tag;
};

#define GCM_P3                                                            \
  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"     \
  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define GCM_P4                                                            \
  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"     \
  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_K3 "feffe9928665731c6d6a8f9467308308"
#define GCM_A4 "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define ZERO16 "00000000000000000000000000000000"

const Vector kGcm[] = {
    {"GCM 1", ZERO16, "000000000000000000000000", "", "", "", "58e2fccefa7e3061367f1d57a4e7455a"},
    {"GCM 2", ZERO16, "000000000000000000000000", "", ZERO16, "0388dace60b6a392f328c2b971b2fe78",
     "ab6e47d42cec13bdf53a67b21257bddf"},
    {"GCM 3", GCM_K3, "cafebabefacedbaddecaf888", "", GCM_P3,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"GCM 4", GCM_K3, "cafebabefacedbaddecaf888", GCM_A4, GCM_P4,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"GCM 13", ZERO16 ZERO16, "000000000000000000000000", "", "", "",
     "530f8afbc74536b9a963b4f1c4cb738b"},
    {"GCM 14", ZERO16 ZERO16, "000000000000000000000000", "", ZERO16,
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"GCM 15", GCM_K3 GCM_K3, "cafebabefacedbaddecaf888", "", GCM_P3,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"GCM 16", GCM_K3 GCM_K3, "cafebabefacedbaddecaf888", GCM_A4, GCM_P4,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

BOOST_AUTO_TEST_CASE(aes_gcm_spec_vectors) {
  for (const Vector& v : kGcm) {
    BOOST_TEST_CONTEXT(v.label) {
      check_known_answer(AeadMode::kGcm, hex(v.key), hex(v.nonce), hex(v.aad), hex(v.plaintext),
                         hex(v.ciphertext), hex(v.tag));
    }
  }
}

// NIST SP 800-38C Appendix C examples 1-3 and RFC 3610 §8 packet vectors 1-2
// (CCM tags of 4, 6, 8 bytes; nonces of 7, 8, 12, 13 bytes); each value
// confirmed with OpenSSL's EVP_aes_128_ccm before use.
const Vector kCcm[] = {
    {"SP 800-38C C.1", "404142434445464748494a4b4c4d4e4f", "10111213141516", "0001020304050607",
     "20212223", "7162015b", "4dac255d"},
    {"SP 800-38C C.2", "404142434445464748494a4b4c4d4e4f", "1011121314151617",
     "000102030405060708090a0b0c0d0e0f", "202122232425262728292a2b2c2d2e2f",
     "d2a1f0e051ea5f62081a7792073d593d", "1fc64fbfaccd"},
    {"SP 800-38C C.3", "404142434445464748494a4b4c4d4e4f", "101112131415161718191a1b",
     "000102030405060708090a0b0c0d0e0f10111213",
     "202122232425262728292a2b2c2d2e2f3031323334353637",
     "e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5", "484392fbc1b09951"},
    {"RFC 3610 packet 1", "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "00000003020100a0a1a2a3a4a5",
     "0001020304050607", "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
     "588c979a61c663d2f066d0c2c0f989806d5f6b61dac384", "17e8d12cfdf926e0"},
    {"RFC 3610 packet 2", "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "00000004030201a0a1a2a3a4a5",
     "0001020304050607", "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
     "72c91a36e135f8cf291ca894085c87e3cc15c439c9e43a3b", "a091d56e10400916"},
};

BOOST_AUTO_TEST_CASE(aes_ccm_published_vectors) {
  for (const Vector& v : kCcm) {
    BOOST_TEST_CONTEXT(v.label) {
      check_known_answer(AeadMode::kCcm, hex(v.key), hex(v.nonce), hex(v.aad), hex(v.plaintext),
                         hex(v.ciphertext), hex(v.tag));
    }
  }
}

BOOST_AUTO_TEST_CASE(suite_parameters) {
  for (AeadAlgorithm alg : kAllAlgorithms) {
    const auto p = cachet::crypto::aead_params(alg);
    BOOST_TEST_CONTEXT(name(alg)) {
      BOOST_TEST(p.nonce_size == 12u);
      const bool ccm8 = alg == AeadAlgorithm::kAes128Ccm8 || alg == AeadAlgorithm::kAes256Ccm8;
      BOOST_TEST(p.tag_size == (ccm8 ? 8u : 16u));
      const Aead aead = make(alg, Bytes(p.key_size, 7));
      BOOST_TEST((aead.mode() == p.mode));
      BOOST_TEST(aead.tag_size() == p.tag_size);
    }
  }
  BOOST_TEST(cachet::crypto::aead_params(AeadAlgorithm::kAes256Gcm).key_size == 32u);
  BOOST_TEST(cachet::crypto::aead_params(AeadAlgorithm::kAes128Ccm8).key_size == 16u);
  BOOST_TEST(cachet::crypto::aead_params(AeadAlgorithm::kChaCha20Poly1305).key_size == 32u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(aead_misuse)

// Any change to ciphertext, tag, AAD or nonce fails authentication, and the
// buffer comes back zeroed (RFC 5116 §2.2: no unauthenticated plaintext).
BOOST_AUTO_TEST_CASE(tamper_is_rejected_and_buffer_zeroed) {
  cachet::DeterministicRandom rng(0xa3ad0001);
  for (AeadAlgorithm alg : kAllAlgorithms) {
    BOOST_TEST_CONTEXT(name(alg)) {
      const auto p = cachet::crypto::aead_params(alg);
      const Aead aead = make(alg, random_bytes(rng, p.key_size));
      const Bytes nonce = random_bytes(rng, p.nonce_size);
      const Bytes aad = random_bytes(rng, 13);
      const Bytes plaintext = random_bytes(rng, 45);
      Bytes ciphertext = plaintext;
      Bytes tag(p.tag_size);
      BOOST_REQUIRE(aead.seal(nonce, aad, ciphertext, tag).ok());
      BOOST_TEST(ciphertext != plaintext);

      auto expect_rejected = [&](const Bytes& n, const Bytes& a, const Bytes& c, const Bytes& t) {
        Bytes buf = c;
        const auto r = aead.open(n, a, buf, t);
        BOOST_TEST((code_of(r) == ErrorCode::kAuthenticationFailed));
        BOOST_TEST(all_zero(buf));
      };
      for (size_t bit : {size_t{0}, size_t{7}, size_t{8 * 20 + 3}, 8 * ciphertext.size() - 1}) {
        Bytes c = ciphertext;
        c[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        expect_rejected(nonce, aad, c, tag);
      }
      for (size_t i : {size_t{0}, tag.size() - 1}) {
        Bytes t = tag;
        t[i] ^= 0x80;
        expect_rejected(nonce, aad, ciphertext, t);
      }
      Bytes a = aad;
      a[5] ^= 0x01;
      expect_rejected(nonce, a, ciphertext, tag);
      expect_rejected(nonce, {}, ciphertext, tag);
      Bytes n = nonce;
      n[11] ^= 0x40;
      expect_rejected(n, aad, ciphertext, tag);
      // Truncated ciphertext.
      expect_rejected(nonce, aad, Bytes(ciphertext.begin(), ciphertext.end() - 1), tag);

      Bytes buf = ciphertext;
      BOOST_TEST(aead.open(nonce, aad, buf, tag).ok());
      BOOST_TEST(buf == plaintext);
    }
  }
}

BOOST_AUTO_TEST_CASE(empty_plaintext_and_aad) {
  for (AeadAlgorithm alg : kAllAlgorithms) {
    BOOST_TEST_CONTEXT(name(alg)) {
      const auto p = cachet::crypto::aead_params(alg);
      const Aead aead = make(alg, Bytes(p.key_size, 0x42));
      const Bytes nonce(p.nonce_size, 0x24);
      Bytes tag(p.tag_size);
      Bytes empty;
      BOOST_TEST(aead.seal(nonce, {}, empty, tag).ok());
      BOOST_TEST(aead.open(nonce, {}, empty, tag).ok());
      tag[0] ^= 1;
      BOOST_TEST((code_of(aead.open(nonce, {}, empty, tag)) == ErrorCode::kAuthenticationFailed));
    }
  }
}

BOOST_AUTO_TEST_CASE(key_and_tag_size_validation) {
  for (AeadAlgorithm alg : kAllAlgorithms) {
    const auto p = cachet::crypto::aead_params(alg);
    BOOST_TEST_CONTEXT(name(alg)) {
      BOOST_TEST((code_of(Aead::create(alg, Bytes(p.key_size - 1, 1))) == ErrorCode::kBadKey));
      BOOST_TEST((code_of(Aead::create(alg, Bytes(p.key_size + 1, 1))) == ErrorCode::kBadKey));
      BOOST_TEST((code_of(Aead::create(alg, {})) == ErrorCode::kBadKey));
    }
  }
  // A suite's AES key size is fixed even though create_raw accepts 24 bytes.
  BOOST_TEST(
      (code_of(Aead::create(AeadAlgorithm::kAes128Gcm, Bytes(24, 1))) == ErrorCode::kBadKey));

  const Bytes k16(16, 1), k24(24, 1), k32(32, 1);
  for (AeadMode mode : {AeadMode::kGcm, AeadMode::kCcm}) {
    BOOST_TEST(Aead::create_raw(mode, k16, 16).ok());
    BOOST_TEST(Aead::create_raw(mode, k24, 16).ok());
    BOOST_TEST(Aead::create_raw(mode, k32, 4).ok());
    BOOST_TEST((code_of(Aead::create_raw(mode, Bytes(15, 1), 16)) == ErrorCode::kBadKey));
    BOOST_TEST((code_of(Aead::create_raw(mode, Bytes(64, 1), 16)) == ErrorCode::kBadKey));
    BOOST_TEST((code_of(Aead::create_raw(mode, k16, 3)) == ErrorCode::kInvalidArgument));
    BOOST_TEST((code_of(Aead::create_raw(mode, k16, 17)) == ErrorCode::kInvalidArgument));
    BOOST_TEST((code_of(Aead::create_raw(mode, k16, 0)) == ErrorCode::kInvalidArgument));
  }
  // GCM: any tag of 4..16 bytes; CCM: even sizes only (RFC 3610 §2).
  BOOST_TEST(Aead::create_raw(AeadMode::kGcm, k16, 13).ok());
  for (size_t t : {5, 7, 9, 11, 13, 15})
    BOOST_TEST((code_of(Aead::create_raw(AeadMode::kCcm, k16, t)) == ErrorCode::kInvalidArgument));
  for (size_t t : {4, 6, 8, 10, 12, 14, 16})
    BOOST_TEST(Aead::create_raw(AeadMode::kCcm, k16, t).ok());
  // ChaCha20-Poly1305: 32-byte key and 16-byte tag only.
  BOOST_TEST(Aead::create_raw(AeadMode::kChaCha20Poly1305, k32, 16).ok());
  BOOST_TEST(
      (code_of(Aead::create_raw(AeadMode::kChaCha20Poly1305, k16, 16)) == ErrorCode::kBadKey));
  BOOST_TEST((code_of(Aead::create_raw(AeadMode::kChaCha20Poly1305, k32, 12)) ==
              ErrorCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(nonce_and_buffer_validation) {
  const Aead gcm = make(AeadMode::kGcm, Bytes(16, 1), 16);
  const Aead ccm = make(AeadMode::kCcm, Bytes(16, 1), 8);
  const Aead chacha = make(AeadMode::kChaCha20Poly1305, Bytes(32, 1), 16);
  Bytes data(20, 3);
  Bytes tag16(16), tag8(8);

  // GCM: any non-empty nonce.
  BOOST_TEST((code_of(gcm.seal({}, {}, data, tag16)) == ErrorCode::kBadNonce));
  BOOST_TEST((code_of(gcm.open({}, {}, data, tag16)) == ErrorCode::kBadNonce));
  BOOST_TEST(gcm.seal(Bytes(1, 0), {}, data, tag16).ok());
  BOOST_TEST(gcm.seal(Bytes(100, 0), {}, data, tag16).ok());
  // CCM: 7..13 bytes.
  for (size_t n : {0, 6, 14, 16})
    BOOST_TEST((code_of(ccm.seal(Bytes(n, 0), {}, data, tag8)) == ErrorCode::kBadNonce));
  for (size_t n = 7; n <= 13; ++n) BOOST_TEST(ccm.seal(Bytes(n, 0), {}, data, tag8).ok());
  // ChaCha20-Poly1305: exactly 12 bytes.
  for (size_t n : {0, 8, 11, 13, 24}) {
    BOOST_TEST((code_of(chacha.seal(Bytes(n, 0), {}, data, tag16)) == ErrorCode::kBadNonce));
    BOOST_TEST((code_of(chacha.open(Bytes(n, 0), {}, data, tag16)) == ErrorCode::kBadNonce));
  }
  // Tag buffers must match tag_size().
  const Bytes n12(12, 0);
  BOOST_TEST((code_of(gcm.seal(n12, {}, data, tag8)) == ErrorCode::kInvalidArgument));
  BOOST_TEST((code_of(ccm.seal(n12, {}, data, tag16)) == ErrorCode::kInvalidArgument));
  BOOST_TEST((code_of(chacha.open(n12, {}, data, ByteSpan(tag16).first(15))) ==
              ErrorCode::kInvalidArgument));
  // CCM: the length must fit in the 15 - nonce_size byte length field.
  Bytes max_for_13(65535), over_for_13(65536);
  BOOST_TEST(ccm.seal(Bytes(13, 0), {}, max_for_13, tag8).ok());
  BOOST_TEST(ccm.open(Bytes(13, 0), {}, max_for_13, tag8).ok());
  BOOST_TEST(
      (code_of(ccm.seal(Bytes(13, 0), {}, over_for_13, tag8)) == ErrorCode::kInvalidArgument));
  BOOST_TEST(ccm.seal(Bytes(12, 0), {}, over_for_13, tag8).ok());
}

BOOST_AUTO_TEST_CASE(move_keeps_the_key) {
  Aead a = make(AeadAlgorithm::kAes128Gcm, Bytes(16, 9));
  Bytes data(10, 1), tag(16);
  BOOST_REQUIRE(a.seal(Bytes(12, 0), {}, data, tag).ok());
  Aead b = std::move(a);
  BOOST_TEST(b.open(Bytes(12, 0), {}, data, tag).ok());
  Aead c = make(AeadAlgorithm::kChaCha20Poly1305, Bytes(32, 9));
  c = std::move(b);
  BOOST_TEST((c.mode() == AeadMode::kGcm));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(aead_openssl)

// For every suite AEAD, random inputs: Cachet seals and OpenSSL opens, OpenSSL
// seals and Cachet opens.
BOOST_AUTO_TEST_CASE(cross_implementation) {
  cachet::DeterministicRandom rng(0xa3ad0002);
  for (AeadAlgorithm alg : kAllAlgorithms) {
    const auto p = cachet::crypto::aead_params(alg);
    for (int i = 0; i < 25; ++i) {
      const Bytes key = random_bytes(rng, p.key_size);
      const Bytes nonce = random_bytes(rng, p.nonce_size);
      const Bytes aad = random_bytes(rng, rng.uniform(40));
      const Bytes plaintext = random_bytes(rng, i == 0 ? 0 : rng.uniform(i < 20 ? 100 : 2000));
      BOOST_TEST_CONTEXT(name(alg) << " iteration " << i << " aad " << aad.size() << " plaintext "
                                   << plaintext.size()) {
        const Aead aead = make(alg, key);
        Bytes buf = plaintext;
        Bytes tag(p.tag_size);
        BOOST_REQUIRE(aead.seal(nonce, aad, buf, tag).ok());
        const auto opened = openssl_open(alg, key, nonce, aad, buf, tag);
        BOOST_TEST(opened.has_value());
        if (opened) BOOST_TEST(*opened == plaintext);

        const Sealed theirs = openssl_seal(alg, key, nonce, aad, plaintext);
        BOOST_TEST(theirs.ciphertext == buf);
        BOOST_TEST(theirs.tag == tag);
        Bytes back = theirs.ciphertext;
        BOOST_TEST(aead.open(nonce, aad, back, theirs.tag).ok());
        BOOST_TEST(back == plaintext);

        // And OpenSSL agrees that a tampered tag is bad.
        Bytes bad = tag;
        bad[i % bad.size()] ^= 0x10;
        BOOST_TEST(!openssl_open(alg, key, nonce, aad, buf, bad).has_value());
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(aead_record_mask)

// RFC 9147 §4.2.3, against OpenSSL's AES-ECB and ChaCha20.
BOOST_AUTO_TEST_CASE(masks_match_openssl) {
  cachet::DeterministicRandom rng(0xa3ad0003);
  for (AeadAlgorithm alg : kAllAlgorithms) {
    const auto p = cachet::crypto::aead_params(alg);
    for (int i = 0; i < 20; ++i) {
      BOOST_TEST_CONTEXT(name(alg) << " iteration " << i) {
        const Bytes key = random_bytes(rng, p.key_size);
        auto mask = RecordNumberMask::create(alg, key);
        BOOST_REQUIRE(mask.ok());
        // Samples longer than 16 bytes: only the first 16 count.
        const Bytes sample = random_bytes(rng, 16 + rng.uniform(8));
        const Bytes expected = openssl_mask(alg, key, sample);
        Bytes full(16);
        BOOST_TEST(mask->compute(sample, full).ok());
        BOOST_TEST(full == expected);
        // The record header uses only the first one or two bytes.
        Bytes two(2);
        BOOST_TEST(mask->compute(sample, two).ok());
        BOOST_TEST(two == Bytes(expected.begin(), expected.begin() + 2));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(chacha_counter_is_little_endian) {
  // A counter of 1 in the first four sample bytes means the second keystream
  // block: the mask must equal bytes 64..79 of ChaCha20 with counter 0.
  const Bytes key(32, 0x5a);
  Bytes sample(16, 0);
  for (size_t i = 4; i < 16; ++i) sample[i] = static_cast<uint8_t>(i);
  auto mask = RecordNumberMask::create(AeadAlgorithm::kChaCha20Poly1305, key);
  BOOST_REQUIRE(mask.ok());
  Bytes at0(16), at1(16);
  BOOST_TEST(mask->compute(sample, at0).ok());
  sample[0] = 1;
  BOOST_TEST(mask->compute(sample, at1).ok());

  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes iv = sample;
  iv[0] = 0;
  BOOST_REQUIRE(EVP_EncryptInit_ex(ctx, EVP_chacha20(), nullptr, key.data(), iv.data()) == 1);
  Bytes zeros(80, 0), stream(80);
  int len = 0;
  BOOST_REQUIRE(EVP_EncryptUpdate(ctx, stream.data(), &len, zeros.data(), 80) == 1);
  EVP_CIPHER_CTX_free(ctx);
  BOOST_TEST(at0 == Bytes(stream.begin(), stream.begin() + 16));
  BOOST_TEST(at1 == Bytes(stream.begin() + 64, stream.end()));
}

BOOST_AUTO_TEST_CASE(errors) {
  for (AeadAlgorithm alg : kAllAlgorithms) {
    const auto p = cachet::crypto::aead_params(alg);
    BOOST_TEST_CONTEXT(name(alg)) {
      BOOST_TEST((code_of(RecordNumberMask::create(alg, Bytes(p.key_size - 1, 1))) ==
                  ErrorCode::kBadKey));
      BOOST_TEST((code_of(RecordNumberMask::create(alg, Bytes(p.key_size + 8, 1))) ==
                  ErrorCode::kBadKey));
      auto mask = RecordNumberMask::create(alg, Bytes(p.key_size, 1));
      BOOST_REQUIRE(mask.ok());
      Bytes out(2);
      BOOST_TEST((code_of(mask->compute(Bytes(15, 0), out)) == ErrorCode::kTruncated));
      BOOST_TEST((code_of(mask->compute({}, out)) == ErrorCode::kTruncated));
      Bytes too_long(17);
      BOOST_TEST((code_of(mask->compute(Bytes(16, 0), too_long)) == ErrorCode::kInvalidArgument));
      RecordNumberMask moved = std::move(mask).value();
      BOOST_TEST(moved.compute(Bytes(16, 0), out).ok());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// --- The two AES-GCM backends ------------------------------------------------

namespace {

constexpr AeadAlgorithm kGcmSuites[] = {AeadAlgorithm::kAes128Gcm, AeadAlgorithm::kAes256Gcm};

const char* name(AeadBackend backend) {
  switch (backend) {
    case AeadBackend::kAuto: return "auto";
    case AeadBackend::kNettle: return "nettle";
    case AeadBackend::kGnuTls: return "GnuTLS";
  }
  return "?";
}

Aead make(AeadAlgorithm alg, ByteSpan key, AeadBackend backend) {
  auto r = Aead::create(alg, key, backend);
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE((r->backend() == backend));
  return std::move(r).value();
}

// 0..64 (every partial-block shape), the 1200-byte record the benchmark
// uses, 2048, then random lengths up to 2048.
size_t differential_length(cachet::DeterministicRandom& rng, size_t i) {
  if (i <= 64) return i;
  if (i == 65) return 1200;
  if (i == 66) return 2048;
  return rng.uniform(2049);
}


using cachet::test::heap_in_use;

}  // namespace

BOOST_AUTO_TEST_SUITE(aead_backends)

// kAuto is GnuTLS for the suites' AES-GCM and nettle for everything else;
// create_raw is always nettle; GnuTLS is refused where it is not offered.
BOOST_AUTO_TEST_CASE(backend_selection) {
  for (AeadAlgorithm alg : kAllAlgorithms) {
    const auto p = cachet::crypto::aead_params(alg);
    const Bytes key(p.key_size, 0x11);
    BOOST_TEST_CONTEXT(name(alg)) {
      const bool gcm = p.mode == AeadMode::kGcm;
      const Aead auto_pick = make(alg, key);
      BOOST_TEST((auto_pick.backend() == (gcm ? AeadBackend::kGnuTls : AeadBackend::kNettle)));
      BOOST_TEST((make(alg, key, AeadBackend::kNettle).mode() == p.mode));
      if (gcm) {
        const Aead gnutls = make(alg, key, AeadBackend::kGnuTls);
        BOOST_TEST((gnutls.mode() == AeadMode::kGcm));
        BOOST_TEST(gnutls.tag_size() == 16u);
      } else {
        BOOST_TEST((code_of(Aead::create(alg, key, AeadBackend::kGnuTls)) ==
                    ErrorCode::kUnsupported));
      }
      // Key sizes are checked before any backend is asked.
      BOOST_TEST((code_of(Aead::create(alg, Bytes(p.key_size + 1, 1), AeadBackend::kGnuTls)) ==
                  ErrorCode::kBadKey));
    }
  }
  BOOST_TEST((make(AeadMode::kGcm, Bytes(16, 1), 16).backend() == AeadBackend::kNettle));
}

// For random keys, nonces, AAD of 0..32 bytes and plaintexts of 0..2048
// bytes: both backends produce the same ciphertext and tag, and each opens
// the other's output.
BOOST_AUTO_TEST_CASE(gnutls_and_nettle_agree) {
  cachet::DeterministicRandom rng(0xa3ad0004);
  for (AeadAlgorithm alg : kGcmSuites) {
    const auto p = cachet::crypto::aead_params(alg);
    for (size_t i = 0; i < 300; ++i) {
      const Bytes key = random_bytes(rng, p.key_size);
      const Bytes nonce = random_bytes(rng, p.nonce_size);
      const Bytes aad = random_bytes(rng, i % 33);
      const Bytes plaintext = random_bytes(rng, differential_length(rng, i));
      BOOST_TEST_CONTEXT(name(alg) << " iteration " << i << " aad " << aad.size() << " plaintext "
                                   << plaintext.size()) {
        const Aead gnutls = make(alg, key, AeadBackend::kGnuTls);
        const Aead nettle = make(alg, key, AeadBackend::kNettle);
        Bytes by_gnutls = plaintext, by_nettle = plaintext;
        Bytes gnutls_tag(16), nettle_tag(16);
        BOOST_REQUIRE(gnutls.seal(nonce, aad, by_gnutls, gnutls_tag).ok());
        BOOST_REQUIRE(nettle.seal(nonce, aad, by_nettle, nettle_tag).ok());
        BOOST_TEST(to_hex(by_gnutls) == to_hex(by_nettle));
        BOOST_TEST(to_hex(gnutls_tag) == to_hex(nettle_tag));

        BOOST_TEST(nettle.open(nonce, aad, by_gnutls, gnutls_tag).ok());
        BOOST_TEST(by_gnutls == plaintext);
        BOOST_TEST(gnutls.open(nonce, aad, by_nettle, nettle_tag).ok());
        BOOST_TEST(by_nettle == plaintext);
      }
    }
  }
}

// A record laid out as the record layer does it (ciphertext then tag in one
// buffer) seals and opens the same on both backends.
BOOST_AUTO_TEST_CASE(contiguous_record_layout) {
  cachet::DeterministicRandom rng(0xa3ad0005);
  for (AeadAlgorithm alg : kGcmSuites) {
    const auto p = cachet::crypto::aead_params(alg);
    const Bytes key = random_bytes(rng, p.key_size);
    const Bytes nonce = random_bytes(rng, 12);
    const Bytes aad = random_bytes(rng, 13);
    const Bytes plaintext = random_bytes(rng, 1200);
    Bytes records[2];
    for (AeadBackend backend : {AeadBackend::kGnuTls, AeadBackend::kNettle}) {
      Bytes& record = records[backend == AeadBackend::kGnuTls ? 0 : 1];
      record = plaintext;
      record.resize(plaintext.size() + 16);
      const MutableByteSpan all(record);
      const Aead aead = make(alg, key, backend);
      BOOST_REQUIRE(aead.seal(nonce, aad, all.first(plaintext.size()), all.last(16)).ok());
    }
    BOOST_TEST(records[0] == records[1]);
    for (AeadBackend backend : {AeadBackend::kGnuTls, AeadBackend::kNettle}) {
      Bytes record = records[0];
      const MutableByteSpan all(record);
      BOOST_TEST(make(alg, key, backend).open(nonce, aad, all.first(1200), all.last(16)).ok());
      BOOST_TEST(Bytes(record.begin(), record.begin() + 1200) == plaintext);
      // Laid out this way, GnuTLS opens in place through its one-buffer
      // call: a forged record is refused and nothing of it is left.
      for (size_t at : {size_t{0}, size_t{1199}, size_t{1200}, size_t{1215}}) {
        Bytes forged = records[0];
        forged[at] ^= 0x10;
        const MutableByteSpan f(forged);
        BOOST_TEST_CONTEXT(name(backend) << " flipped byte " << at) {
          BOOST_TEST((code_of(make(alg, key, backend).open(nonce, aad, f.first(1200), f.last(16))) ==
                      ErrorCode::kAuthenticationFailed));
          BOOST_TEST(all_zero(Bytes(forged.begin(), forged.begin() + 1200)));
        }
      }
    }
    // Short texts in the same layout agree across backends.
    for (size_t length : {1, 15, 16, 17, 100}) {
      Bytes sealed[2];
      for (AeadBackend backend : {AeadBackend::kGnuTls, AeadBackend::kNettle}) {
        Bytes& record = sealed[backend == AeadBackend::kGnuTls ? 0 : 1];
        record.assign(plaintext.begin(), plaintext.begin() + static_cast<ptrdiff_t>(length));
        record.resize(length + 16);
        const MutableByteSpan all(record);
        BOOST_REQUIRE(make(alg, key, backend).seal(nonce, aad, all.first(length), all.last(16)).ok());
      }
      BOOST_TEST(sealed[0] == sealed[1], "length " << length);
      const MutableByteSpan all(sealed[1]);
      BOOST_TEST(make(alg, key, AeadBackend::kGnuTls).open(nonce, aad, all.first(length), all.last(16)).ok());
      BOOST_TEST(std::equal(sealed[1].begin(), sealed[1].begin() + static_cast<ptrdiff_t>(length), plaintext.begin()));
    }
  }
}

// Out of place: sealing from a separate plaintext buffer gives the same
// ciphertext and tag as sealing in place, on every algorithm and backend,
// with the tag after the text (the record layout: GnuTLS's one-buffer call)
// and apart from it (its iovec call after a copy); the input is left as it
// was. Opening out of place gives the plaintext back and leaves the
// ciphertext; a forgery zeroes the output and still leaves the ciphertext.
// Lengths that differ, and buffers that partly overlap, are refused.
BOOST_AUTO_TEST_CASE(out_of_place_matches_in_place) {
  cachet::DeterministicRandom rng(0xa3ad0009);
  for (AeadAlgorithm alg : kAllAlgorithms) {
    const auto p = cachet::crypto::aead_params(alg);
    for (AeadBackend backend : {AeadBackend::kGnuTls, AeadBackend::kNettle}) {
      if (backend == AeadBackend::kGnuTls && p.mode != AeadMode::kGcm) continue;
      const Aead aead = make(alg, random_bytes(rng, p.key_size), backend);
      for (size_t length : {0, 1, 16, 17, 1200}) {
        BOOST_TEST_CONTEXT(name(alg) << " " << name(backend) << " length " << length) {
          const Bytes nonce = random_bytes(rng, 12);
          const Bytes aad = random_bytes(rng, 13);
          const Bytes plaintext = random_bytes(rng, length);
          // In place: the reference.
          Bytes expected = plaintext;
          expected.resize(length + p.tag_size);
          const MutableByteSpan e(expected);
          BOOST_REQUIRE(aead.seal(nonce, aad, e.first(length), e.last(p.tag_size)).ok());

          for (bool contiguous : {true, false}) {
            const Bytes input = plaintext;
            Bytes record(length + p.tag_size + 1, 0xee);  // split: one byte between text and tag
            const MutableByteSpan r(record);
            const MutableByteSpan text = r.first(length);
            const MutableByteSpan tag = contiguous ? r.subspan(length, p.tag_size) : r.last(p.tag_size);
            BOOST_REQUIRE(aead.seal(nonce, aad, input, text, tag).ok());
            BOOST_TEST(input == plaintext);
            Bytes got(text.begin(), text.end());
            got.insert(got.end(), tag.begin(), tag.end());
            BOOST_TEST(got == expected, "contiguous " << contiguous);

            Bytes opened(length, 0xaa);
            const Bytes sealed_text(text.begin(), text.end());
            BOOST_TEST(aead.open(nonce, aad, text, tag, opened).ok());
            BOOST_TEST(opened == plaintext);
            BOOST_TEST(Bytes(text.begin(), text.end()) == sealed_text);

            if (length > 0) {
              text[0] ^= 0x01;
              Bytes refused(length, 0xaa);
              BOOST_TEST((code_of(aead.open(nonce, aad, text, tag, refused)) == ErrorCode::kAuthenticationFailed));
              BOOST_TEST(all_zero(refused));
              BOOST_TEST(text[0] == (sealed_text[0] ^ 0x01));
            }
          }
          // Refused: lengths that differ, and a partial overlap.
          Bytes buf(2 * length + p.tag_size + 2);
          const MutableByteSpan b(buf);
          Bytes tag(p.tag_size);
          BOOST_TEST((code_of(aead.seal(nonce, aad, plaintext, b.first(length + 1), tag)) ==
                      ErrorCode::kInvalidArgument));
          BOOST_TEST((code_of(aead.open(nonce, aad, plaintext, tag, b.first(length + 1))) ==
                      ErrorCode::kInvalidArgument));
          if (length > 1) {
            BOOST_TEST((code_of(aead.seal(nonce, aad, b.first(length), b.subspan(1, length), tag)) ==
                        ErrorCode::kInvalidArgument));
            BOOST_TEST((code_of(aead.open(nonce, aad, b.subspan(1, length), tag, b.first(length))) ==
                        ErrorCode::kInvalidArgument));
          }
        }
      }
    }
  }
}

// A flipped bit anywhere in ciphertext, tag or AAD fails on both backends with
// kAuthenticationFailed, and the buffer comes back zeroed (RFC 5116 §2.2).
BOOST_AUTO_TEST_CASE(tampering_fails_on_both_backends) {
  cachet::DeterministicRandom rng(0xa3ad0006);
  for (AeadAlgorithm alg : kGcmSuites) {
    const auto p = cachet::crypto::aead_params(alg);
    for (size_t length : {1, 15, 16, 17, 100, 1200}) {
      const Bytes key = random_bytes(rng, p.key_size);
      const Bytes nonce = random_bytes(rng, 12);
      const Bytes aad = random_bytes(rng, 1 + rng.uniform(32));
      Bytes ciphertext = random_bytes(rng, length);
      Bytes tag(16);
      BOOST_REQUIRE(make(alg, key, AeadBackend::kNettle).seal(nonce, aad, ciphertext, tag).ok());
      for (AeadBackend backend : {AeadBackend::kGnuTls, AeadBackend::kNettle}) {
        BOOST_TEST_CONTEXT(name(alg) << " " << name(backend) << " length " << length) {
          const Aead aead = make(alg, key, backend);
          auto expect_rejected = [&](const Bytes& a, const Bytes& c, const Bytes& t) {
            Bytes buf = c;
            BOOST_TEST((code_of(aead.open(nonce, a, buf, t)) == ErrorCode::kAuthenticationFailed));
            BOOST_TEST(all_zero(buf));
          };
          for (int k = 0; k < 8; ++k) {
            const size_t bit = rng.uniform(8 * length);
            Bytes c = ciphertext;
            c[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
            expect_rejected(aad, c, tag);
            Bytes t = tag;
            const size_t tag_bit = rng.uniform(128);
            t[tag_bit / 8] ^= static_cast<uint8_t>(1u << (tag_bit % 8));
            expect_rejected(aad, ciphertext, t);
            Bytes a = aad;
            const size_t aad_bit = rng.uniform(8 * aad.size());
            a[aad_bit / 8] ^= static_cast<uint8_t>(1u << (aad_bit % 8));
            expect_rejected(a, ciphertext, tag);
          }
          Bytes good = ciphertext;
          BOOST_TEST(aead.open(nonce, aad, good, tag).ok());
        }
      }
    }
  }
}

// GnuTLS's AES-GCM takes 12-byte nonces only: anything else is kBadNonce
// before GnuTLS sees it, and the buffer is untouched.
BOOST_AUTO_TEST_CASE(gnutls_backend_nonce_size) {
  const Aead gnutls = make(AeadAlgorithm::kAes128Gcm, Bytes(16, 3), AeadBackend::kGnuTls);
  const Aead nettle = make(AeadAlgorithm::kAes128Gcm, Bytes(16, 3), AeadBackend::kNettle);
  Bytes tag(16);
  for (size_t n : {0, 1, 8, 11, 13, 16, 64}) {
    BOOST_TEST_CONTEXT("nonce " << n) {
      Bytes data(20, 3);
      BOOST_TEST((code_of(gnutls.seal(Bytes(n, 0), {}, data, tag)) == ErrorCode::kBadNonce));
      BOOST_TEST((code_of(gnutls.open(Bytes(n, 0), {}, data, tag)) == ErrorCode::kBadNonce));
      BOOST_TEST(data == Bytes(20, 3));
      BOOST_TEST((code_of(nettle.seal(Bytes(n, 0), {}, data, tag)) ==
                  (n == 0 ? ErrorCode::kBadNonce : ErrorCode::kOk)));
    }
  }
  Bytes data(20, 3), short_tag(15);
  BOOST_TEST((code_of(gnutls.seal(Bytes(12, 0), {}, data, short_tag)) ==
              ErrorCode::kInvalidArgument));
}

// One Aead sealing and opening from several threads at once (TicketKeys
// shares its keys across threads): every record still matches nettle's.
BOOST_AUTO_TEST_CASE(concurrent_use_of_one_key) {
  const Bytes key(32, 0x77);
  const Aead gnutls = make(AeadAlgorithm::kAes256Gcm, key, AeadBackend::kGnuTls);
  const Aead nettle = make(AeadAlgorithm::kAes256Gcm, key, AeadBackend::kNettle);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (uint8_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Bytes nonce(12, t), aad(13, t), mine(16), theirs(16);
      for (uint32_t i = 0; i < 5000; ++i) {
        std::memcpy(nonce.data(), &i, sizeof i);
        Bytes a(300 + i % 50, static_cast<uint8_t>(i)), b = a;
        const Bytes plaintext = a;
        if (!gnutls.seal(nonce, aad, a, mine).ok() || !nettle.seal(nonce, aad, b, theirs).ok() ||
            a != b || mine != theirs || !gnutls.open(nonce, aad, a, mine).ok() || a != plaintext)
          ++mismatches;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  BOOST_TEST(mismatches.load() == 0);
}

// A one-thread key (the record layer's: no lock around GnuTLS's handle)
// seals and opens exactly as a shared one.
BOOST_AUTO_TEST_CASE(one_thread_keys_match_shared_keys) {
  for (AeadAlgorithm alg : kAllAlgorithms) {
    const auto p = cachet::crypto::aead_params(alg);
    BOOST_TEST_CONTEXT(name(alg)) {
      const Bytes key(p.key_size, 0x33);
      auto shared = Aead::create(alg, key, AeadBackend::kAuto, AeadSharing::kShared);
      auto single = Aead::create(alg, key, AeadBackend::kAuto, AeadSharing::kOneThread);
      BOOST_TEST_REQUIRE((shared.ok() && single.ok()));
      for (uint32_t i = 0; i < 50; ++i) {
        Bytes nonce(12, 7), aad(13, static_cast<uint8_t>(i)), a(100 + 23 * i, static_cast<uint8_t>(i)), b = a;
        std::memcpy(nonce.data(), &i, sizeof i);
        const Bytes plaintext = a;
        Bytes ta(p.tag_size), tb(p.tag_size);
        BOOST_TEST_REQUIRE((shared->seal(nonce, aad, a, ta).ok() && single->seal(nonce, aad, b, tb).ok()));
        BOOST_TEST((a == b && ta == tb));
        BOOST_TEST(single->open(nonce, aad, a, ta).ok());
        BOOST_TEST((a == plaintext));
        tb[0] ^= 1;
        BOOST_TEST(!single->open(nonce, aad, b, tb).ok());
      }
    }
  }
}

// Seal and open never allocate, on either backend (1000 of each, in place
// and out of place, 1200-byte records). The counter is shown to see GnuTLS's own allocations first:
// creating a GnuTLS key allocates its handle.
BOOST_AUTO_TEST_CASE(no_allocation_per_call) {
#ifndef CACHET_COUNT_MALLOC
  BOOST_TEST_MESSAGE("sanitizer build: malloc is not interposed, nothing to count");
#else
  const Bytes key(16, 0x5a);
  std::optional<Aead> gnutls;
  const unsigned long at_create = allocations_during([&] {
    auto r = Aead::create(AeadAlgorithm::kAes128Gcm, key, AeadBackend::kGnuTls);
    if (r.ok()) gnutls.emplace(std::move(r).value());
  });
  BOOST_REQUIRE(gnutls.has_value());
  BOOST_TEST(at_create >= 2u);  // the GnuTLS handle and its cipher context, at least

  for (AeadAlgorithm alg : kAllAlgorithms) {
    const auto p = cachet::crypto::aead_params(alg);
    for (AeadBackend backend : {AeadBackend::kGnuTls, AeadBackend::kNettle}) {
      if (backend == AeadBackend::kGnuTls && p.mode != AeadMode::kGcm) continue;
      BOOST_TEST_CONTEXT(name(alg) << " " << name(backend)) {
        const Aead aead = make(alg, Bytes(p.key_size, 0x5a), backend);
        Bytes nonce(12, 1), aad(13, 2), record(1200, 3), other(1200), tag(p.tag_size), bad_tag(p.tag_size);
        bool all_ok = true;
        const unsigned long n = allocations_during([&] {
          for (uint32_t i = 0; i < 1000; ++i) {
            std::memcpy(nonce.data(), &i, sizeof i);
            all_ok &= aead.seal(nonce, aad, record, tag).ok();
            all_ok &= aead.open(nonce, aad, record, tag).ok();
            // Out of place, as the record layer calls them.
            all_ok &= aead.seal(nonce, aad, record, other, tag).ok();
            all_ok &= aead.open(nonce, aad, other, tag, record).ok();
          }
          // The failure path too.
          all_ok &= !aead.open(nonce, aad, record, bad_tag).ok();
        });
        BOOST_TEST(all_ok);
        BOOST_TEST(n == 0u);
      }
    }
  }
#endif
}

// Heap bytes per keyed object: the glibc arena's allocated bytes before and
// after creating 1000 of them. nettle's AES-GCM carries a 4 KB GHASH table per
// key; GnuTLS's handle must stay well under that, and the nettle modes without
// GHASH must not carry the table at all.
BOOST_AUTO_TEST_CASE(heap_per_key) {
  constexpr int kCount = 1000;
  for (AeadAlgorithm alg : kAllAlgorithms) {
    const auto p = cachet::crypto::aead_params(alg);
    const bool gcm = p.mode == AeadMode::kGcm;
    for (AeadBackend backend : {AeadBackend::kGnuTls, AeadBackend::kNettle}) {
      if (backend == AeadBackend::kGnuTls && !gcm) continue;
      std::vector<Aead> keys;
      keys.reserve(kCount);
      const Bytes key(p.key_size, 0x42);
      const long long before = heap_in_use();
      for (int i = 0; i < kCount; ++i) keys.push_back(make(alg, key, backend));
      const long long bytes = (heap_in_use() - before) / kCount;
      std::ostringstream line;
      line << name(alg) << " " << name(backend) << ": " << bytes << " heap bytes per key";
      std::cout << line.str() << std::endl;
      BOOST_TEST_MESSAGE(line.str());
      BOOST_TEST_CONTEXT(line.str()) {
        if (backend == AeadBackend::kGnuTls) {
          BOOST_TEST(bytes <= 1536);  // measured 847 B (GnuTLS 3.7.9, x86-64)
        } else if (gcm) {
          BOOST_TEST(bytes >= 4096);  // gcm_key alone is 4 KB
        } else {
          BOOST_TEST(bytes <= 1024);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
