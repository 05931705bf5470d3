// Hashes, HMAC, HKDF and the TLS 1.2 PRF: published vectors plus a cross-check
// against OpenSSL 3's independent KDF implementations.
#include <boost/test/unit_test.hpp>

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <iostream>
#include <string>

#include "base/hex.hpp"
#include "base/random.hpp"
#include "crypto/hash.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/hmac.hpp"
#include "crypto/prf.hpp"
#include "test_util.hpp"

using cachet::Bytes;
using cachet::ByteSpan;
using cachet::ErrorCode;
using cachet::to_hex;
using cachet::crypto::HashAlgorithm;
using cachet::test::hex;

namespace {

Bytes random_bytes(cachet::DeterministicRandom& rng, size_t n) {
  Bytes out(n);
  BOOST_REQUIRE(rng.fill(out).ok());
  return out;
}

const char* openssl_digest_name(HashAlgorithm alg) {
  return alg == HashAlgorithm::kSha384 ? "SHA384" : "SHA256";
}

// OpenSSL's TLS1-PRF (RFC 5246 §5), as an independent reference.
Bytes openssl_tls12_prf(HashAlgorithm alg, ByteSpan secret, const std::string& label,
                        ByteSpan seed_a, ByteSpan seed_b, size_t size) {
  Bytes seed(label.begin(), label.end());
  seed.insert(seed.end(), seed_a.begin(), seed_a.end());
  seed.insert(seed.end(), seed_b.begin(), seed_b.end());
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "TLS1-PRF", nullptr);
  BOOST_REQUIRE(kdf != nullptr);
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  BOOST_REQUIRE(ctx != nullptr);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                       const_cast<char*>(openssl_digest_name(alg)), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, const_cast<uint8_t*>(secret.data()),
                                        secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed.data(), seed.size()),
      OSSL_PARAM_construct_end()};
  Bytes out(size);
  const int rc = EVP_KDF_derive(ctx, out.data(), out.size(), params);
  EVP_KDF_CTX_free(ctx);
  BOOST_REQUIRE(rc == 1);
  return out;
}

// OpenSSL's HKDF in expand-only mode (RFC 5869 §2.3).
Bytes openssl_hkdf_expand(HashAlgorithm alg, ByteSpan prk, ByteSpan info, size_t size) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  BOOST_REQUIRE(kdf != nullptr);
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  BOOST_REQUIRE(ctx != nullptr);
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                       const_cast<char*>(openssl_digest_name(alg)), 0),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(prk.data()),
                                        prk.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<uint8_t*>(info.data()),
                                        info.size()),
      OSSL_PARAM_construct_end()};
  Bytes out(size);
  const int rc = EVP_KDF_derive(ctx, out.data(), out.size(), params);
  EVP_KDF_CTX_free(ctx);
  BOOST_REQUIRE(rc == 1);
  return out;
}

// RFC 8446 §7.1 HkdfLabel, built independently of hkdf_expand_label.
Bytes hkdf_label(size_t length, const std::string& full_label, ByteSpan context) {
  Bytes info = {static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length),
                static_cast<uint8_t>(full_label.size())};
  info.insert(info.end(), full_label.begin(), full_label.end());
  info.push_back(static_cast<uint8_t>(context.size()));
  info.insert(info.end(), context.begin(), context.end());
  return info;
}

Bytes expand_label(HashAlgorithm alg, ByteSpan secret, std::string_view prefix,
                   std::string_view label, ByteSpan context, size_t size) {
  Bytes out(size);
  BOOST_REQUIRE(cachet::crypto::hkdf_expand_label(alg, secret, prefix, label, context, out).ok());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hash_sha)

BOOST_AUTO_TEST_CASE(sha_known_answers) {
  struct Kat {
    HashAlgorithm alg;
    std::string input;
    const char* digest;
  };
  // FIPS 180-4 examples; values confirmed with `openssl dgst`.
  const Kat kats[] = {
      {HashAlgorithm::kSha1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
      {HashAlgorithm::kSha1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
      {HashAlgorithm::kSha256, "abc",
       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {HashAlgorithm::kSha256, "",
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {HashAlgorithm::kSha384, "abc",
       "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
       "8086072ba1e7cc2358baeca134c825a7"},
      {HashAlgorithm::kSha384, "",
       "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
       "274edebfe76f65fbd51ad2f14898b95b"},
      {HashAlgorithm::kSha384, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6"
       "b0455a8520bc4e6f5fe95b1fe3c8452b"},
  };
  for (const Kat& k : kats) {
    BOOST_TEST_CONTEXT("digest of \"" << k.input << "\"") {
      BOOST_TEST(to_hex(cachet::crypto::hash(k.alg, cachet::as_bytes(k.input))) == k.digest);
      cachet::crypto::Hash h(k.alg);
      BOOST_TEST(h.size() == cachet::crypto::digest_size(k.alg));
      // Byte at a time through the incremental interface.
      for (char c : k.input) h.update(cachet::as_bytes(std::string_view(&c, 1)));
      BOOST_TEST(to_hex(h.peek()) == k.digest);
      BOOST_TEST(to_hex(h.finish()) == k.digest);
    }
  }
}

BOOST_AUTO_TEST_CASE(million_a) {
  cachet::crypto::Hash h(HashAlgorithm::kSha256);
  const std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.update(cachet::as_bytes(chunk));
  BOOST_TEST(to_hex(h.finish()) ==
             "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

BOOST_AUTO_TEST_CASE(copy_forks_and_finish_resets) {
  for (HashAlgorithm alg : {HashAlgorithm::kSha1, HashAlgorithm::kSha256, HashAlgorithm::kSha384}) {
    cachet::crypto::Hash h(alg);
    h.update(cachet::as_bytes("ab"));
    cachet::crypto::Hash fork = h;
    h.update(cachet::as_bytes("c"));
    fork.update(cachet::as_bytes("x"));
    BOOST_TEST(h.finish() == cachet::crypto::hash(alg, cachet::as_bytes("abc")));
    BOOST_TEST(fork.finish() == cachet::crypto::hash(alg, cachet::as_bytes("abx")));
    // finish() resets: the next digest is of the empty string.
    BOOST_TEST(h.finish() == cachet::crypto::hash(alg, {}));
    cachet::crypto::Hash assigned(HashAlgorithm::kSha1);
    h.update(cachet::as_bytes("abc"));
    assigned = h;
    BOOST_TEST((assigned.algorithm() == alg));
    BOOST_TEST(assigned.finish() == cachet::crypto::hash(alg, cachet::as_bytes("abc")));
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hash_hmac)

// RFC 4231 §4.2-§4.8, test cases 1-7 (values parsed from rfc4231.txt).
struct HmacCase {
  int number;
  const char* key;
  const char* data;
  const char* sha256;
  const char* sha384;
};
const HmacCase kRfc4231[] = {
    {1,
     "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
     "4869205468657265",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
     "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
     "faea9ea9076ede7f4af152e8b2fa9cb6"},
    {2,
     "4a656665",
     "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
     "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
     "8e2240ca5e69e2c78b3239ecfab21649"},
    {3,
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
     "dddddddddddddddddddddddddddddddddddd",
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
     "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
     "2a5ab39dc13814b94e3ab6e101a34f27"},
    {4,
     "0102030405060708090a0b0c0d0e0f10111213141516171819",
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
     "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
     "6801dd23c4a7d679ccf8a386c674cffb"},
    {5,
     "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
     "546573742057697468205472756e636174696f6e",
     "a3b6167473100ee06e0c796c2955552b",
     "3abf34c3503b2a23a46efc619baef897"},
    {6,
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaa",
     "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
     "65204b6579202d2048617368204b6579204669727374",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
     "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
     "0c2ef6ab4030fe8296248df163f44952"},
    {7,
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaa",
     "5468697320697320612074657374207573696e672061206c6172676572207468"
     "616e20626c6f636b2d73697a65206b657920616e642061206c61726765722074"
     "68616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565"
     "647320746f20626520686173686564206265666f7265206265696e6720757365"
     "642062792074686520484d414320616c676f726974686d2e",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
     "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
     "a678cc31e799176d3860e6110c46523e"},
};

BOOST_AUTO_TEST_CASE(rfc4231_sha256_sha384) {
  for (const HmacCase& c : kRfc4231) {
    BOOST_TEST_CONTEXT("RFC 4231 test case " << c.number) {
      const Bytes key = hex(c.key);
      const Bytes data = hex(c.data);
      for (HashAlgorithm alg : {HashAlgorithm::kSha256, HashAlgorithm::kSha384}) {
        const std::string expected = alg == HashAlgorithm::kSha256 ? c.sha256 : c.sha384;
        // Test case 5 publishes the output truncated to 128 bits.
        const size_t n = expected.size() / 2;
        Bytes mac = cachet::crypto::hmac(alg, key, data);
        BOOST_TEST(to_hex(ByteSpan(mac).first(n)) == expected);

        cachet::crypto::Hmac h(alg, key);
        BOOST_TEST(h.size() == cachet::crypto::digest_size(alg));
        h.update(ByteSpan(data).first(data.size() / 2));
        cachet::crypto::Hmac copy = h;
        h.update(ByteSpan(data).subspan(data.size() / 2));
        BOOST_TEST(h.finish() == mac);
        copy.update(ByteSpan(data).subspan(data.size() / 2));
        BOOST_TEST(copy.finish() == mac);
        // The object restarts under the same key after finish().
        h.update(data);
        Bytes again(cachet::crypto::digest_size(alg));
        h.finish(again);
        BOOST_TEST(again == mac);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hash_hkdf)

// RFC 5869 Appendix A.1-A.3 (SHA-256; values parsed from rfc5869.txt).
struct HkdfCase {
  const char* ikm;
  const char* salt;
  const char* info;
  size_t length;
  const char* prk;
  const char* okm;
};
const HkdfCase kRfc5869[] = {
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
     "000102030405060708090a0b0c",
     "f0f1f2f3f4f5f6f7f8f9",
     42,
     "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
     "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
     "34007208d5b887185865"},
    {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
     "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
     "404142434445464748494a4b4c4d4e4f",
     "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
     "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
     "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
     "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
     "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
     82,
     "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
     "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
     "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
     "cc30c58179ec3e87c14c01d5c1f3434f1d87"},
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
     "",
     "",
     42,
     "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
     "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
     "9d201395faa4b61a96c8"},
};

BOOST_AUTO_TEST_CASE(rfc5869_appendix_a) {
  int number = 1;
  for (const HkdfCase& c : kRfc5869) {
    BOOST_TEST_CONTEXT("RFC 5869 A." << number++) {
      const cachet::SecretBytes prk =
          cachet::crypto::hkdf_extract(HashAlgorithm::kSha256, hex(c.salt), hex(c.ikm));
      BOOST_TEST(to_hex(prk.span()) == c.prk);
      Bytes okm(c.length);
      BOOST_TEST(cachet::crypto::hkdf_expand(HashAlgorithm::kSha256, prk, hex(c.info), okm).ok());
      BOOST_TEST(to_hex(okm) == c.okm);
    }
  }
}

// RFC 8448 §3 "Simple 1-RTT Handshake": the key schedule through the server's
// handshake traffic key and IV, and the master secret.
BOOST_AUTO_TEST_CASE(rfc8448_simple_1rtt_key_schedule) {
  const auto alg = HashAlgorithm::kSha256;
  const auto prefix = cachet::crypto::kTls13LabelPrefix;
  const Bytes empty_hash = cachet::crypto::hash(alg, {});

  const cachet::SecretBytes early = cachet::crypto::hkdf_extract(alg, {}, Bytes(32, 0));
  BOOST_TEST(to_hex(early.span()) ==
             "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a");

  const Bytes derived = expand_label(alg, early, prefix, "derived", empty_hash, 32);
  BOOST_TEST(to_hex(derived) == "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba");

  const cachet::SecretBytes handshake = cachet::crypto::hkdf_extract(
      alg, derived, hex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d"));
  BOOST_TEST(to_hex(handshake.span()) ==
             "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac");

  const Bytes transcript = hex("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8");
  const Bytes c_hs = expand_label(alg, handshake, prefix, "c hs traffic", transcript, 32);
  BOOST_TEST(to_hex(c_hs) == "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21");
  const Bytes s_hs = expand_label(alg, handshake, prefix, "s hs traffic", transcript, 32);
  BOOST_TEST(to_hex(s_hs) == "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");

  BOOST_TEST(to_hex(expand_label(alg, s_hs, prefix, "key", {}, 16)) ==
             "3fce516009c21727d0f2e4e86ee403bc");
  BOOST_TEST(to_hex(expand_label(alg, s_hs, prefix, "iv", {}, 12)) == "5d313eb2671276ee13000b30");

  const Bytes master_salt = expand_label(alg, handshake, prefix, "derived", empty_hash, 32);
  BOOST_TEST(to_hex(master_salt) ==
             "43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4");
  const cachet::SecretBytes master = cachet::crypto::hkdf_extract(alg, master_salt, Bytes(32, 0));
  BOOST_TEST(to_hex(master.span()) ==
             "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919");
}

// RFC 9147 §5.9: the "dtls13" prefix, checked against OpenSSL's HKDF-Expand
// fed a hand-built HkdfLabel; "tls13 " too, and the two must differ.
BOOST_AUTO_TEST_CASE(expand_label_matches_openssl) {
  cachet::DeterministicRandom rng(0x5eed0001);
  const char* labels[] = {"key", "iv", "sn", "c hs traffic", "derived", "finished", "traffic upd"};
  for (int i = 0; i < 40; ++i) {
    const HashAlgorithm alg = i % 2 == 0 ? HashAlgorithm::kSha256 : HashAlgorithm::kSha384;
    const Bytes secret = random_bytes(rng, cachet::crypto::digest_size(alg));
    const Bytes context = random_bytes(rng, rng.uniform(65));
    const std::string label = labels[rng.uniform(std::size(labels))];
    const size_t size = 1 + rng.uniform(3 * cachet::crypto::digest_size(alg));
    BOOST_TEST_CONTEXT("iteration " << i << " label " << label << " size " << size) {
      for (std::string_view prefix :
           {cachet::crypto::kDtls13LabelPrefix, cachet::crypto::kTls13LabelPrefix}) {
        const Bytes ours = expand_label(alg, secret, prefix, label, context, size);
        const Bytes info = hkdf_label(size, std::string(prefix) + label, context);
        BOOST_TEST(ours == openssl_hkdf_expand(alg, secret, info, size));
      }
      BOOST_TEST(
          expand_label(alg, secret, cachet::crypto::kDtls13LabelPrefix, label, context, size) !=
          expand_label(alg, secret, cachet::crypto::kTls13LabelPrefix, label, context, size));
    }
  }
}

BOOST_AUTO_TEST_CASE(expand_matches_openssl_sha384) {
  cachet::DeterministicRandom rng(0x5eed0002);
  for (int i = 0; i < 20; ++i) {
    const Bytes prk = random_bytes(rng, 48);
    const Bytes info = random_bytes(rng, rng.uniform(200));
    const size_t size = rng.uniform(255 * 48 + 1);
    Bytes ours(size);
    BOOST_TEST(cachet::crypto::hkdf_expand(HashAlgorithm::kSha384, prk, info, ours).ok());
    if (size > 0) BOOST_TEST(ours == openssl_hkdf_expand(HashAlgorithm::kSha384, prk, info, size));
  }
}

BOOST_AUTO_TEST_CASE(errors) {
  const Bytes prk(32, 0x11);
  // RFC 5869 §2.3: L <= 255 * HashLen.
  Bytes max(255 * 32);
  BOOST_TEST(cachet::crypto::hkdf_expand(HashAlgorithm::kSha256, prk, {}, max).ok());
  Bytes too_long(255 * 32 + 1);
  auto r = cachet::crypto::hkdf_expand(HashAlgorithm::kSha256, prk, {}, too_long);
  BOOST_TEST(!r.ok());
  BOOST_TEST((r.error().code() == ErrorCode::kOutOfRange));

  Bytes out(32);
  // prefix + label limited to 255 bytes (RFC 8446 §7.1 label<7..255>).
  const std::string label_ok(255 - 6, 'x');
  BOOST_TEST(cachet::crypto::hkdf_expand_label(HashAlgorithm::kSha256, prk,
                                               cachet::crypto::kTls13LabelPrefix, label_ok, {}, out)
                 .ok());
  const std::string label_long(256 - 6, 'x');
  r = cachet::crypto::hkdf_expand_label(HashAlgorithm::kSha256, prk,
                                        cachet::crypto::kDtls13LabelPrefix, label_long, {}, out);
  BOOST_TEST((r.error().code() == ErrorCode::kOutOfRange));
  // context<0..255>.
  const Bytes context_long(256, 1);
  r = cachet::crypto::hkdf_expand_label(
      HashAlgorithm::kSha256, prk, cachet::crypto::kTls13LabelPrefix, "key", context_long, out);
  BOOST_TEST((r.error().code() == ErrorCode::kOutOfRange));
  // uint16 length.
  Bytes huge(65536);
  r = cachet::crypto::hkdf_expand_label(HashAlgorithm::kSha384, Bytes(48, 1),
                                        cachet::crypto::kTls13LabelPrefix, "key", {}, huge);
  BOOST_TEST((r.error().code() == ErrorCode::kOutOfRange));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hash_prf)

// RFC 5246 §5, cross-checked against OpenSSL's TLS1-PRF.
BOOST_AUTO_TEST_CASE(tls12_prf_matches_openssl) {
  cachet::DeterministicRandom rng(0x5eed0003);
  const char* labels[] = {"master secret", "extended master secret", "key expansion",
                          "client finished", "server finished", "EXPORTER-label"};
  for (int i = 0; i < 40; ++i) {
    const HashAlgorithm alg = i % 2 == 0 ? HashAlgorithm::kSha256 : HashAlgorithm::kSha384;
    const Bytes secret = random_bytes(rng, 1 + rng.uniform(160));
    const std::string label = labels[rng.uniform(std::size(labels))];
    const Bytes seed_a = random_bytes(rng, rng.uniform(40));
    const Bytes seed_b = random_bytes(rng, rng.uniform(40));
    const size_t size = 1 + rng.uniform(200);
    BOOST_TEST_CONTEXT("iteration " << i << " secret " << secret.size() << " size " << size) {
      Bytes ours(size);
      BOOST_TEST(cachet::crypto::tls12_prf(alg, secret, label, seed_a, seed_b, ours).ok());
      BOOST_TEST(ours == openssl_tls12_prf(alg, secret, label, seed_a, seed_b, size));
      // Splitting the seed differently gives the same output.
      Bytes joined = seed_a;
      joined.insert(joined.end(), seed_b.begin(), seed_b.end());
      Bytes again(size);
      BOOST_TEST(cachet::crypto::tls12_prf(alg, secret, label, joined, {}, again).ok());
      BOOST_TEST(again == ours);
    }
  }
}

BOOST_AUTO_TEST_CASE(tls12_prf_refuses_sha1) {
  Bytes out(12);
  auto r = cachet::crypto::tls12_prf(HashAlgorithm::kSha1, Bytes(48, 1), "client finished",
                                     Bytes(32, 2), {}, out);
  BOOST_TEST(!r.ok());
  BOOST_TEST((r.error().code() == ErrorCode::kUnsupported));
}

BOOST_AUTO_TEST_SUITE_END()
