#include <boost/test/unit_test.hpp>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

#include "base/random.hpp"
#include "crypto/key_exchange.hpp"
#include "test_util.hpp"

using namespace cachet;
using namespace cachet::crypto;
using cachet::test::hex;

namespace {

Bytes to_bytes(const SecretBytes& s) { return Bytes(s.span().begin(), s.span().end()); }

// X(k, u) per RFC 7748 §5, through the public API.
Bytes xdh(NamedGroup group, const Bytes& scalar, const Bytes& u) {
  auto key = KeyShare::from_private(group, scalar);
  BOOST_REQUIRE(key.ok());
  auto shared = key->derive(u);
  BOOST_REQUIRE(shared.ok());
  return to_bytes(*shared);
}

Bytes iterate(NamedGroup group, const Bytes& start, int iterations) {
  Bytes k = start, u = start;
  for (int i = 0; i < iterations; ++i) {
    Bytes next = xdh(group, k, u);
    u = std::move(k);
    k = std::move(next);
  }
  return k;
}

// ---- OpenSSL helpers -------------------------------------------------------

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

const char* ossl_group_name(NamedGroup g) {
  switch (g) {
    case NamedGroup::kSecp256r1: return "P-256";
    case NamedGroup::kSecp384r1: return "P-384";
    case NamedGroup::kX25519: return "X25519";
    case NamedGroup::kX448: return "X448";
  }
  return "";
}

Pkey ossl_generate(NamedGroup g) {
  if (g == NamedGroup::kX25519 || g == NamedGroup::kX448) {
    return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, ossl_group_name(g)));
  }
  return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", ossl_group_name(g)));
}

Bytes ossl_private(NamedGroup g, EVP_PKEY* key) {
  if (g == NamedGroup::kX25519 || g == NamedGroup::kX448) {
    size_t len = 0;
    BOOST_REQUIRE(EVP_PKEY_get_raw_private_key(key, nullptr, &len) == 1);
    Bytes out(len);
    BOOST_REQUIRE(EVP_PKEY_get_raw_private_key(key, out.data(), &len) == 1);
    return out;
  }
  BIGNUM* bn = nullptr;
  BOOST_REQUIRE(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &bn) == 1);
  Bytes out(shared_secret_size(g));
  BOOST_REQUIRE(BN_bn2binpad(bn, out.data(), static_cast<int>(out.size())) > 0);
  BN_clear_free(bn);
  return out;
}

Bytes ossl_public(EVP_PKEY* key) {
  size_t len = 0;
  BOOST_REQUIRE(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0,
                                                &len) == 1);
  Bytes out(len);
  BOOST_REQUIRE(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out.data(),
                                                out.size(), &len) == 1);
  out.resize(len);
  return out;
}

Pkey ossl_public_from_wire(NamedGroup g, ByteSpan wire) {
  if (g == NamedGroup::kX25519 || g == NamedGroup::kX448) {
    return Pkey(EVP_PKEY_new_raw_public_key(g == NamedGroup::kX25519 ? EVP_PKEY_X25519 : EVP_PKEY_X448,
                                            nullptr, wire.data(), wire.size()));
  }
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                       const_cast<char*>(ossl_group_name(g)), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(wire.data()),
                                        wire.size()),
      OSSL_PARAM_construct_end()};
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  BOOST_REQUIRE(EVP_PKEY_fromdata_init(ctx.get()) == 1);
  BOOST_REQUIRE(EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) == 1);
  return Pkey(key);
}

Bytes ossl_derive(EVP_PKEY* mine, EVP_PKEY* peer) {
  PkeyCtx ctx(EVP_PKEY_CTX_new(mine, nullptr));
  BOOST_REQUIRE(EVP_PKEY_derive_init(ctx.get()) == 1);
  BOOST_REQUIRE(EVP_PKEY_derive_set_peer(ctx.get(), peer) == 1);
  size_t len = 0;
  BOOST_REQUIRE(EVP_PKEY_derive(ctx.get(), nullptr, &len) == 1);
  Bytes out(len);
  BOOST_REQUIRE(EVP_PKEY_derive(ctx.get(), out.data(), &len) == 1);
  out.resize(len);
  return out;
}

constexpr NamedGroup kAllGroups[] = {NamedGroup::kSecp256r1, NamedGroup::kSecp384r1,
                                     NamedGroup::kX25519, NamedGroup::kX448};

}  // namespace

BOOST_AUTO_TEST_SUITE(key_exchange_rfc7748)

// RFC 7748 §5.2, first kind of test vectors.
BOOST_AUTO_TEST_CASE(x25519_scalar_mult_vectors) {
  BOOST_TEST(xdh(NamedGroup::kX25519,
                 hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                 hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")) ==
             hex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"));
  BOOST_TEST(xdh(NamedGroup::kX25519,
                 hex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                 hex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493")) ==
             hex("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"));
}

BOOST_AUTO_TEST_CASE(x448_scalar_mult_vectors) {
  BOOST_TEST(xdh(NamedGroup::kX448,
                 hex("3d262fddf9ec8e88495266fea19a34d28882acef045104d0d1aae121"
                     "700a779c984c24f8cdd78fbff44943eba368f54b29259a4f1c600ad3"),
                 hex("06fce640fa3487bfda5f6cf2d5263f8aad88334cbd07437f020f08f9"
                     "814dc031ddbdc38c19c6da2583fa5429db94ada18aa7a7fb4ef8a086")) ==
             hex("ce3e4ff95a60dc6697da1db1d85e6afbdf79b50a2412d7546d5f239f"
                 "e14fbaadeb445fc66a01b0779d98223961111e21766282f73dd96b6f"));
  BOOST_TEST(xdh(NamedGroup::kX448,
                 hex("203d494428b8399352665ddca42f9de8fef600908e0d461cb021f8c5"
                     "38345dd77c3e4806e25f46d3315c44e0a5b4371282dd2c8d5be3095f"),
                 hex("0fbcc2f993cd56d3305b0b7d9e55d4c1a8fb5dbb52f8e9a1e9b6201b"
                     "165d015894e56c4d3570bee52fe205e28a78b91cdfbde71ce8d157db")) ==
             hex("884a02576239ff7a2f2f63b2db6a9ff37047ac13568e1e30fe63c4a7"
                 "ad1b3ee3a5700df34321d62077e63633c575c1c954514e99da7c179d"));
}

// RFC 7748 §5.2, second kind: iterated (1 and 1,000 iterations; the
// 1,000,000 case is too slow for a unit test).
BOOST_AUTO_TEST_CASE(x25519_iterated) {
  Bytes start(32, 0);
  start[0] = 9;
  BOOST_TEST(iterate(NamedGroup::kX25519, start, 1) ==
             hex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"));
  BOOST_TEST(iterate(NamedGroup::kX25519, start, 1000) ==
             hex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"));
}

BOOST_AUTO_TEST_CASE(x448_iterated) {
  Bytes start(56, 0);
  start[0] = 5;
  BOOST_TEST(iterate(NamedGroup::kX448, start, 1) ==
             hex("3f482c8a9f19b01e6c46ee9711d9dc14fd4bf67af30765c2ae2b846a"
                 "4d23a8cd0db897086239492caf350b51f833868b9bc2b3bca9cf4113"));
  BOOST_TEST(iterate(NamedGroup::kX448, start, 1000) ==
             hex("aa3b4749d55b9daf1e5b00288826c467274ce3ebbdd5c17b975e09d4"
                 "af6c67cf10d087202db88286e2b79fceea3ec353ef54faa26e219f38"));
}

// RFC 7748 §6.1.
BOOST_AUTO_TEST_CASE(x25519_diffie_hellman_example) {
  auto alice = KeyShare::from_private(
      NamedGroup::kX25519, hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  auto bob = KeyShare::from_private(
      NamedGroup::kX25519, hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  BOOST_REQUIRE(alice.ok() && bob.ok());
  BOOST_TEST(Bytes(alice->public_key().begin(), alice->public_key().end()) ==
             hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
  BOOST_TEST(Bytes(bob->public_key().begin(), bob->public_key().end()) ==
             hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));
  const Bytes k = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  auto k1 = alice->derive(bob->public_key());
  auto k2 = bob->derive(alice->public_key());
  BOOST_REQUIRE(k1.ok() && k2.ok());
  BOOST_TEST(to_bytes(*k1) == k);
  BOOST_TEST(to_bytes(*k2) == k);
}

// RFC 7748 §6.2.
BOOST_AUTO_TEST_CASE(x448_diffie_hellman_example) {
  auto alice = KeyShare::from_private(
      NamedGroup::kX448, hex("9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28d"
                             "d9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b"));
  auto bob = KeyShare::from_private(
      NamedGroup::kX448, hex("1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d"
                             "6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d"));
  BOOST_REQUIRE(alice.ok() && bob.ok());
  BOOST_TEST(Bytes(alice->public_key().begin(), alice->public_key().end()) ==
             hex("9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c"
                 "22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0"));
  BOOST_TEST(Bytes(bob->public_key().begin(), bob->public_key().end()) ==
             hex("3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b430"
                 "27d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609"));
  const Bytes k = hex("07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282b"
                      "b60c0b56fd2464c335543936521c24403085d59a449a5037514a879d");
  auto k1 = alice->derive(bob->public_key());
  auto k2 = bob->derive(alice->public_key());
  BOOST_REQUIRE(k1.ok() && k2.ok());
  BOOST_TEST(to_bytes(*k1) == k);
  BOOST_TEST(to_bytes(*k2) == k);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(key_exchange_agreement)

BOOST_AUTO_TEST_CASE(group_sizes_and_codes) {
  BOOST_TEST(is_supported_group(23));
  BOOST_TEST(is_supported_group(24));
  BOOST_TEST(is_supported_group(29));
  BOOST_TEST(is_supported_group(30));
  BOOST_TEST(!is_supported_group(25));
  BOOST_TEST(!is_supported_group(0x0100));
  BOOST_TEST(public_key_size(NamedGroup::kSecp256r1) == 65u);
  BOOST_TEST(public_key_size(NamedGroup::kSecp384r1) == 97u);
  BOOST_TEST(shared_secret_size(NamedGroup::kX448) == 56u);
}

BOOST_AUTO_TEST_CASE(generate_and_derive_agree_for_every_group) {
  DeterministicRandom random(7748);
  for (NamedGroup g : kAllGroups) {
    BOOST_TEST_CONTEXT("group " << static_cast<int>(g)) {
      auto a = KeyShare::generate(g, random);
      auto b = KeyShare::generate(g, random);
      BOOST_REQUIRE(a.ok() && b.ok());
      BOOST_TEST((a->group() == g));
      BOOST_TEST(a->public_key().size() == public_key_size(g));
      BOOST_TEST(!(Bytes(a->public_key().begin(), a->public_key().end()) ==
                   Bytes(b->public_key().begin(), b->public_key().end())));
      auto ka = a->derive(b->public_key());
      auto kb = b->derive(a->public_key());
      BOOST_REQUIRE(ka.ok() && kb.ok());
      BOOST_TEST(ka->size() == shared_secret_size(g));
      BOOST_TEST(to_bytes(*ka) == to_bytes(*kb));
    }
  }
}

BOOST_AUTO_TEST_CASE(generation_is_deterministic_for_a_seed) {
  for (NamedGroup g : kAllGroups) {
    DeterministicRandom r1(1), r2(1);
    auto a = KeyShare::generate(g, r1);
    auto b = KeyShare::generate(g, r2);
    BOOST_REQUIRE(a.ok() && b.ok());
    BOOST_TEST(Bytes(a->public_key().begin(), a->public_key().end()) ==
               Bytes(b->public_key().begin(), b->public_key().end()));
  }
}

BOOST_AUTO_TEST_CASE(ec_private_key_range_and_leading_zeros) {
  // A scalar with leading zero bytes is the same key as without them.
  const Bytes short_scalar = hex("0102030405060708");
  Bytes padded(32, 0);
  std::copy(short_scalar.begin(), short_scalar.end(), padded.end() - 8);
  Bytes extra = padded;
  extra.insert(extra.begin(), 0x00);
  auto a = KeyShare::from_private(NamedGroup::kSecp256r1, short_scalar);
  auto b = KeyShare::from_private(NamedGroup::kSecp256r1, padded);
  auto c = KeyShare::from_private(NamedGroup::kSecp256r1, extra);
  BOOST_REQUIRE(a.ok() && b.ok() && c.ok());
  BOOST_TEST(Bytes(a->public_key().begin(), a->public_key().end()) ==
             Bytes(b->public_key().begin(), b->public_key().end()));
  BOOST_TEST(Bytes(a->public_key().begin(), a->public_key().end()) ==
             Bytes(c->public_key().begin(), c->public_key().end()));

  const Bytes n256 = hex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
  Bytes n_minus_1 = n256;
  n_minus_1.back() -= 1;
  BOOST_TEST(KeyShare::from_private(NamedGroup::kSecp256r1, n_minus_1).ok());
  auto zero = KeyShare::from_private(NamedGroup::kSecp256r1, Bytes(32, 0));
  BOOST_TEST(!zero.ok());
  BOOST_TEST((zero.error().code() == ErrorCode::kInvalidPrivateKey));
  BOOST_TEST(!KeyShare::from_private(NamedGroup::kSecp256r1, n256).ok());
  BOOST_TEST(!KeyShare::from_private(NamedGroup::kSecp256r1, Bytes(32, 0xff)).ok());
  BOOST_TEST(!KeyShare::from_private(NamedGroup::kSecp256r1, Bytes(33, 0x01)).ok());
  BOOST_TEST(!KeyShare::from_private(NamedGroup::kSecp256r1, Bytes()).ok());
  BOOST_TEST(!KeyShare::from_private(NamedGroup::kX25519, Bytes(31, 1)).ok());
  BOOST_TEST(!KeyShare::from_private(NamedGroup::kX448, Bytes(57, 1)).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(key_exchange_rejection)

BOOST_AUTO_TEST_CASE(wrong_length_public_keys) {
  DeterministicRandom random(1);
  for (NamedGroup g : kAllGroups) {
    auto a = KeyShare::generate(g, random);
    auto b = KeyShare::generate(g, random);
    BOOST_REQUIRE(a.ok() && b.ok());
    Bytes pub(b->public_key().begin(), b->public_key().end());
    Bytes longer = pub;
    longer.push_back(0);
    Bytes shorter(pub.begin(), pub.end() - 1);
    for (const Bytes& bad : {longer, shorter, Bytes()}) {
      auto r = a->derive(bad);
      BOOST_TEST(!r.ok());
      BOOST_TEST((r.error().code() == ErrorCode::kInvalidPublicKey));
    }
  }
}

BOOST_AUTO_TEST_CASE(ec_compressed_point_refused) {
  DeterministicRandom random(2);
  for (NamedGroup g : {NamedGroup::kSecp256r1, NamedGroup::kSecp384r1}) {
    auto a = KeyShare::generate(g, random);
    auto b = KeyShare::generate(g, random);
    BOOST_REQUIRE(a.ok() && b.ok());
    ByteSpan pub = b->public_key();
    const size_t n = (pub.size() - 1) / 2;
    // RFC 8422 §5.4.1: 0x02/0x03 || X is the compressed form; refused.
    Bytes compressed(pub.begin(), pub.begin() + 1 + n);
    compressed[0] = static_cast<uint8_t>(0x02 | (pub.back() & 1));
    BOOST_TEST(!a->derive(compressed).ok());
    // The uncompressed bytes with a hybrid/compressed prefix are refused too.
    Bytes relabelled(pub.begin(), pub.end());
    relabelled[0] = 0x06;
    BOOST_TEST(!a->derive(relabelled).ok());
    // Infinity (a single 0x00) and the all-zero "point".
    BOOST_TEST(!a->derive(Bytes{0x00}).ok());
    Bytes zeros(pub.size(), 0);
    zeros[0] = 0x04;
    BOOST_TEST(!a->derive(zeros).ok());
  }
}

BOOST_AUTO_TEST_CASE(ec_off_curve_point_refused) {
  DeterministicRandom random(3);
  for (NamedGroup g : {NamedGroup::kSecp256r1, NamedGroup::kSecp384r1}) {
    auto a = KeyShare::generate(g, random);
    auto b = KeyShare::generate(g, random);
    BOOST_REQUIRE(a.ok() && b.ok());
    Bytes off(b->public_key().begin(), b->public_key().end());
    off.back() ^= 0x01;  // Y changed: no longer on the curve
    auto r = a->derive(off);
    BOOST_TEST(!r.ok());
    BOOST_TEST((r.error().code() == ErrorCode::kInvalidPublicKey));
  }
}

BOOST_AUTO_TEST_CASE(ec_coordinate_not_below_p_refused) {
  DeterministicRandom random(4);
  auto a = KeyShare::generate(NamedGroup::kSecp256r1, random);
  BOOST_REQUIRE(a.ok());
  // (0, sqrt(b)) is on P-256; (p, sqrt(b)) is the same point modulo p but its
  // X coordinate is not reduced, so it must be refused.
  const Bytes y = hex("66485c780e2f83d72433bd5d84a06bb6541c2af31dae871728bf856a174f93f4");
  const Bytes p = hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
  Bytes reduced(65, 0);
  reduced[0] = 0x04;
  std::copy(y.begin(), y.end(), reduced.begin() + 33);
  BOOST_TEST(a->derive(reduced).ok());
  Bytes unreduced = reduced;
  std::copy(p.begin(), p.end(), unreduced.begin() + 1);
  auto r = a->derive(unreduced);
  BOOST_TEST(!r.ok());
  BOOST_TEST((r.error().code() == ErrorCode::kInvalidPublicKey));
}

BOOST_AUTO_TEST_CASE(x25519_low_order_point_gives_all_zero_and_is_refused) {
  auto a = KeyShare::from_private(
      NamedGroup::kX25519, hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  BOOST_REQUIRE(a.ok());
  // u = 0 and u = 1 have small order; so does this point of order 8.
  for (const Bytes& u : {Bytes(32, 0),
                         hex("0100000000000000000000000000000000000000000000000000000000000000"),
                         hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")}) {
    auto r = a->derive(u);
    BOOST_TEST(!r.ok());
    BOOST_TEST((r.error().code() == ErrorCode::kInvalidPublicKey));
  }
}

BOOST_AUTO_TEST_CASE(x448_low_order_point_refused) {
  DeterministicRandom random(5);
  auto a = KeyShare::generate(NamedGroup::kX448, random);
  BOOST_REQUIRE(a.ok());
  Bytes one(56, 0);
  one[0] = 1;
  BOOST_TEST(!a->derive(Bytes(56, 0)).ok());
  BOOST_TEST(!a->derive(one).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(key_exchange_openssl)

// Both directions for each group: an OpenSSL key against a Cachet key, and an
// OpenSSL private key imported into Cachet.
BOOST_AUTO_TEST_CASE(ecdh_matches_openssl) {
  DeterministicRandom random(3447);
  for (NamedGroup g : {NamedGroup::kSecp256r1, NamedGroup::kSecp384r1, NamedGroup::kX25519,
                       NamedGroup::kX448}) {
    BOOST_TEST_CONTEXT("group " << ossl_group_name(g)) {
      for (int round = 0; round < 4; ++round) {
        Pkey theirs = ossl_generate(g);
        BOOST_REQUIRE(theirs);
        const Bytes their_public = ossl_public(theirs.get());
        BOOST_TEST(their_public.size() == public_key_size(g));

        auto mine = KeyShare::generate(g, random);
        BOOST_REQUIRE(mine.ok());
        auto cachet_secret = mine->derive(their_public);
        BOOST_REQUIRE(cachet_secret.ok());

        Pkey my_public = ossl_public_from_wire(g, mine->public_key());
        BOOST_REQUIRE(my_public);
        const Bytes openssl_secret = ossl_derive(theirs.get(), my_public.get());
        BOOST_TEST(to_bytes(*cachet_secret) == openssl_secret);

        // OpenSSL's private key imported into Cachet gives the same public key
        // and the same secret.
        auto imported = KeyShare::from_private(g, ossl_private(g, theirs.get()));
        BOOST_REQUIRE(imported.ok());
        BOOST_TEST(Bytes(imported->public_key().begin(), imported->public_key().end()) ==
                   their_public);
        auto again = imported->derive(mine->public_key());
        BOOST_REQUIRE(again.ok());
        BOOST_TEST(to_bytes(*again) == openssl_secret);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
