#include <boost/test/unit_test.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>
#include <vector>

#include "base/random.hpp"
#include "crypto/key_exchange.hpp"
#include "crypto/signature.hpp"
#include "test_util.hpp"

using namespace cachet;
using namespace cachet::crypto;
using cachet::test::hex;

namespace {

// ---- OpenSSL helpers -------------------------------------------------------

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_clear_free(p); }
};
struct BldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;

Bytes bn_param(EVP_PKEY* key, const char* name, size_t pad = 0) {
  BIGNUM* raw = nullptr;
  BOOST_REQUIRE(EVP_PKEY_get_bn_param(key, name, &raw) == 1);
  Bn bn(raw);
  Bytes out(pad != 0 ? pad : static_cast<size_t>(BN_num_bytes(bn.get())));
  BOOST_REQUIRE(BN_bn2binpad(bn.get(), out.data(), static_cast<int>(out.size())) >= 0);
  return out;
}

Bytes octet_param(EVP_PKEY* key, const char* name) {
  size_t len = 0;
  BOOST_REQUIRE(EVP_PKEY_get_octet_string_param(key, name, nullptr, 0, &len) == 1);
  Bytes out(len);
  BOOST_REQUIRE(EVP_PKEY_get_octet_string_param(key, name, out.data(), out.size(), &len) == 1);
  out.resize(len);
  return out;
}

const EVP_MD* ossl_md(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::kRsaPkcs1Sha1: return EVP_sha1();
    case SignatureScheme::kRsaPkcs1Sha384:
    case SignatureScheme::kEcdsaSecp384r1Sha384:
    case SignatureScheme::kRsaPssRsaeSha384: return EVP_sha384();
    case SignatureScheme::kEd25519: return nullptr;
    default: return EVP_sha256();
  }
}

bool is_pss(SignatureScheme s) {
  return s == SignatureScheme::kRsaPssRsaeSha256 || s == SignatureScheme::kRsaPssRsaeSha384;
}

void configure_pss(EVP_PKEY_CTX* pctx, SignatureScheme scheme, int salt_len) {
  BOOST_REQUIRE(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1);
  BOOST_REQUIRE(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt_len) == 1);
  BOOST_REQUIRE(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, ossl_md(scheme)) == 1);
}

Bytes ossl_sign(EVP_PKEY* key, SignatureScheme scheme, ByteSpan msg,
                int pss_salt = RSA_PSS_SALTLEN_DIGEST) {
  MdCtx md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  BOOST_REQUIRE(EVP_DigestSignInit(md.get(), &pctx, ossl_md(scheme), nullptr, key) == 1);
  if (is_pss(scheme)) configure_pss(pctx, scheme, pss_salt);
  size_t len = 0;
  BOOST_REQUIRE(EVP_DigestSign(md.get(), nullptr, &len, msg.data(), msg.size()) == 1);
  Bytes sig(len);
  BOOST_REQUIRE(EVP_DigestSign(md.get(), sig.data(), &len, msg.data(), msg.size()) == 1);
  sig.resize(len);
  return sig;
}

bool ossl_verify(EVP_PKEY* key, SignatureScheme scheme, ByteSpan msg, ByteSpan sig) {
  MdCtx md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(md.get(), &pctx, ossl_md(scheme), nullptr, key) != 1) return false;
  if (is_pss(scheme)) configure_pss(pctx, scheme, RSA_PSS_SALTLEN_DIGEST);
  return EVP_DigestVerify(md.get(), sig.data(), sig.size(), msg.data(), msg.size()) == 1;
}

Pkey ossl_ec_public(const char* group, ByteSpan point) {
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(point.data()),
                                        point.size()),
      OSSL_PARAM_construct_end()};
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  BOOST_REQUIRE(EVP_PKEY_fromdata_init(ctx.get()) == 1);
  BOOST_REQUIRE(EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) == 1);
  return Pkey(key);
}

// An OpenSSL RSA key (public only, or full) from Cachet's components.
Pkey ossl_rsa_from_components(const RsaPrivateComponents& c, bool with_private) {
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  std::vector<Bn> keep;
  auto push = [&](const char* name, const Bytes& v) {
    keep.emplace_back(BN_bin2bn(v.data(), static_cast<int>(v.size()), nullptr));
    BOOST_REQUIRE(OSSL_PARAM_BLD_push_BN(bld.get(), name, keep.back().get()) == 1);
  };
  push(OSSL_PKEY_PARAM_RSA_N, c.n);
  push(OSSL_PKEY_PARAM_RSA_E, c.e);
  if (with_private) {
    push(OSSL_PKEY_PARAM_RSA_D, c.d);
    push(OSSL_PKEY_PARAM_RSA_FACTOR1, c.p);
    push(OSSL_PKEY_PARAM_RSA_FACTOR2, c.q);
    push(OSSL_PKEY_PARAM_RSA_EXPONENT1, c.dp);
    push(OSSL_PKEY_PARAM_RSA_EXPONENT2, c.dq);
    push(OSSL_PKEY_PARAM_RSA_COEFFICIENT1, c.qinv);
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  BOOST_REQUIRE(EVP_PKEY_fromdata_init(ctx.get()) == 1);
  BOOST_REQUIRE(EVP_PKEY_fromdata(ctx.get(), &key, with_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                                  params.get()) == 1);
  return Pkey(key);
}

RsaPrivateComponents ossl_rsa_components(EVP_PKEY* key) {
  RsaPrivateComponents c;
  c.n = bn_param(key, OSSL_PKEY_PARAM_RSA_N);
  c.e = bn_param(key, OSSL_PKEY_PARAM_RSA_E);
  c.d = bn_param(key, OSSL_PKEY_PARAM_RSA_D);
  c.p = bn_param(key, OSSL_PKEY_PARAM_RSA_FACTOR1);
  c.q = bn_param(key, OSSL_PKEY_PARAM_RSA_FACTOR2);
  c.dp = bn_param(key, OSSL_PKEY_PARAM_RSA_EXPONENT1);
  c.dq = bn_param(key, OSSL_PKEY_PARAM_RSA_EXPONENT2);
  c.qinv = bn_param(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
  return c;
}

// One OpenSSL RSA-2048 key for the whole run (generation is slow).
EVP_PKEY* shared_rsa_key() {
  static Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
  return key.get();
}

// ECDSA-Sig-Value parsed by OpenSSL: r || s, each padded to `size`.
Bytes ossl_der_to_rs(ByteSpan der, size_t size) {
  const uint8_t* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  BOOST_REQUIRE(sig != nullptr);
  BOOST_REQUIRE(p == der.data() + der.size());
  Bytes out(2 * size);
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), out.data(), static_cast<int>(size));
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), out.data() + size, static_cast<int>(size));
  ECDSA_SIG_free(sig);
  return out;
}

class FailingRandom final : public Random {
 public:
  Result<void> fill(MutableByteSpan) override { return Error(ErrorCode::kRandomFailure, "test"); }
};

const Bytes kMessage = {'C', 'a', 'c', 'h', 'e', 't', ' ', 's', 'i', 'g', 'n', 's'};

constexpr SignatureScheme kRsaSchemes[] = {
    SignatureScheme::kRsaPssRsaeSha256, SignatureScheme::kRsaPssRsaeSha384,
    SignatureScheme::kRsaPkcs1Sha256, SignatureScheme::kRsaPkcs1Sha384};

struct Ed25519Vector {
  const char* name;
  const char* secret;
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 §7.1.
const Ed25519Vector kEd25519Vectors[] = {
    {"TEST 1",
     "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
     "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2",
     "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
     "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3",
     "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
     "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    {"TEST 1024",
     "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
     "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
     "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
     "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
     "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
     "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
     "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
     "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
     "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
     "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
     "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
     "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
     "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
     "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
     "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
     "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
     "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
     "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
     "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
     "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
     "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
     "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
     "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
     "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
     "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
     "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
     "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
     "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
     "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
     "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
     "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
     "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
     "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
     "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
     "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
     "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"},
    {"TEST SHA(abc)",
     "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
     "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(signature_ed25519_rfc8032)

BOOST_AUTO_TEST_CASE(rfc8032_section_7_1_vectors) {
  DeterministicRandom random(8032);
  for (const auto& v : kEd25519Vectors) {
    BOOST_TEST_CONTEXT(v.name) {
      const Bytes message = hex(v.message);
      const Bytes expected = hex(v.signature);
      auto key = SigningKey::ed25519(hex(v.secret));
      BOOST_REQUIRE(key.ok());
      BOOST_TEST((key->type() == KeyType::kEd25519));
      auto sig = key->sign(SignatureScheme::kEd25519, message, random);
      BOOST_REQUIRE(sig.ok());
      BOOST_TEST(*sig == expected);
      auto pub = VerifyingKey::ed25519(hex(v.public_key));
      BOOST_REQUIRE(pub.ok());
      BOOST_TEST(pub->verify(SignatureScheme::kEd25519, message, expected).ok());
      BOOST_TEST(key->verifying_key().verify(SignatureScheme::kEd25519, message, expected).ok());
      Bytes tampered = message;
      tampered.push_back(0x00);
      BOOST_TEST(!pub->verify(SignatureScheme::kEd25519, tampered, expected).ok());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(signature_ecdsa_rfc6979)

struct Rfc6979Case {
  const char* message;
  const char* r;
  const char* s;
};

void check_rfc6979(NamedGroup curve, SignatureScheme scheme, const char* x, const char* ux,
                   const char* uy, std::initializer_list<Rfc6979Case> cases) {
  const size_t size = curve == NamedGroup::kSecp256r1 ? 32 : 48;
  auto key = SigningKey::ec(curve, hex(x));
  BOOST_REQUIRE(key.ok());
  BOOST_TEST(Bytes(key->private_bytes().span().begin(), key->private_bytes().span().end()) == hex(x));
  Bytes point = {0x04};
  for (const Bytes& part : {hex(ux), hex(uy)}) point.insert(point.end(), part.begin(), part.end());
  auto pub = VerifyingKey::ec(curve, point);
  BOOST_REQUIRE(pub.ok());
  BOOST_TEST(pub->bits() == size * 8);
  FailingRandom no_random;  // ECDSA signing must not need randomness
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("message " << c.message) {
      const ByteSpan msg = as_bytes(c.message);
      auto sig = key->sign(scheme, msg, no_random);
      BOOST_REQUIRE(sig.ok());
      Bytes expected = hex(c.r);
      const Bytes s = hex(c.s);
      expected.insert(expected.end(), s.begin(), s.end());
      BOOST_TEST(ossl_der_to_rs(*sig, size) == expected);
      BOOST_TEST(pub->verify(scheme, msg, *sig).ok());
      BOOST_TEST(key->verifying_key().verify(scheme, msg, *sig).ok());
    }
  }
}

// RFC 6979 A.2.5 with SHA-256.
BOOST_AUTO_TEST_CASE(p256_sha256_sample_and_test) {
  check_rfc6979(NamedGroup::kSecp256r1, SignatureScheme::kEcdsaSecp256r1Sha256,
                "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
                "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6",
                "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299",
                {{"sample", "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
                  "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"},
                 {"test", "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
                  "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083"}});
}

// RFC 6979 A.2.6 with SHA-384.
BOOST_AUTO_TEST_CASE(p384_sha384_sample_and_test) {
  check_rfc6979(
      NamedGroup::kSecp384r1, SignatureScheme::kEcdsaSecp384r1Sha384,
      "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5",
      "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64DEF8F0EA9055866064A254515480BC13",
      "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1288B231C3AE0D4FE7344FD2533264720",
      {{"sample",
        "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46",
        "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8"},
       {"test",
        "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB0542A7F0812998DA8F1DD3CA3CF023DB",
        "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E06A739F040649A667BF3B828246BAA5A5"}});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(signature_ecdsa_der)

// A fixed P-256 key and a signature of kMessage, for DER mutations.
struct DerFixture {
  DerFixture() {
    auto k = SigningKey::ec(NamedGroup::kSecp256r1,
                            hex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721"));
    BOOST_REQUIRE(k.ok());
    auto p = VerifyingKey::ec(
        NamedGroup::kSecp256r1,
        hex("04 60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
            "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299"));
    BOOST_REQUIRE(p.ok());
    pub = std::make_unique<VerifyingKey>(std::move(p).value());
    DeterministicRandom random(1);
    auto sig = k->sign(SignatureScheme::kEcdsaSecp256r1Sha256, as_bytes("sample"), random);
    BOOST_REQUIRE(sig.ok());
    const Bytes rs = ossl_der_to_rs(*sig, 32);
    r.assign(rs.begin(), rs.begin() + 32);
    s.assign(rs.begin() + 32, rs.end());
  }
  bool accepts(const Bytes& der) const {
    return pub->verify(SignatureScheme::kEcdsaSecp256r1Sha256, as_bytes("sample"), der).ok();
  }
  // A hand-built encoding: SEQUENCE { INTEGER r, INTEGER s } from raw
  // content octets.
  static Bytes der(const Bytes& r_content, const Bytes& s_content) {
    Bytes body = {0x02, static_cast<uint8_t>(r_content.size())};
    body.insert(body.end(), r_content.begin(), r_content.end());
    body.push_back(0x02);
    body.push_back(static_cast<uint8_t>(s_content.size()));
    body.insert(body.end(), s_content.begin(), s_content.end());
    Bytes out = {0x30, static_cast<uint8_t>(body.size())};
    out.insert(out.end(), body.begin(), body.end());
    return out;
  }
  // Minimal positive INTEGER content for a big-endian value.
  static Bytes minimal(const Bytes& v) {
    size_t i = 0;
    while (i + 1 < v.size() && v[i] == 0) ++i;
    Bytes out(v.begin() + static_cast<long>(i), v.end());
    if (out[0] & 0x80) out.insert(out.begin(), 0x00);
    return out;
  }
  std::unique_ptr<VerifyingKey> pub;
  Bytes r, s;
};

BOOST_FIXTURE_TEST_CASE(canonical_encoding_accepted, DerFixture) {
  BOOST_TEST(accepts(der(minimal(r), minimal(s))));
  // ECDSA has no low-s rule: (r, n - s) is also a valid signature.
  const Bytes n = hex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
  Bytes neg_s(32);
  unsigned borrow = 0;
  for (size_t i = 32; i-- > 0;) {
    const unsigned d = static_cast<unsigned>(n[i]) - s[i] - borrow;
    neg_s[i] = static_cast<uint8_t>(d);
    borrow = (d >> 8) & 1u;
  }
  BOOST_TEST(accepts(der(minimal(r), minimal(neg_s))));
}

BOOST_FIXTURE_TEST_CASE(non_strict_encodings_refused, DerFixture) {
  const Bytes good = der(minimal(r), minimal(s));
  // Trailing byte after the SEQUENCE.
  Bytes trailing = good;
  trailing.push_back(0x00);
  BOOST_TEST(!accepts(trailing));
  // Non-minimal long-form length of the SEQUENCE.
  Bytes long_form = {0x30, 0x81, good[1]};
  long_form.insert(long_form.end(), good.begin() + 2, good.end());
  BOOST_TEST(!accepts(long_form));
  // Indefinite length (BER).
  Bytes indefinite = {0x30, 0x80};
  indefinite.insert(indefinite.end(), good.begin() + 2, good.end());
  indefinite.push_back(0x00);
  indefinite.push_back(0x00);
  BOOST_TEST(!accepts(indefinite));
  // An extra leading zero on r.
  Bytes padded_r = minimal(r);
  padded_r.insert(padded_r.begin(), 0x00);
  BOOST_TEST(!accepts(der(padded_r, minimal(s))));
  // r with its sign byte removed reads as negative when the top bit is set;
  // otherwise force a negative value by setting it.
  Bytes negative_r = minimal(r);
  if (negative_r[0] == 0x00) {
    negative_r.erase(negative_r.begin());
  } else {
    negative_r[0] |= 0x80;
  }
  BOOST_TEST(!accepts(der(negative_r, minimal(s))));
  // Zero, n and n + 1 for r or s.
  const Bytes n = hex("00 FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
  BOOST_TEST(!accepts(der(Bytes{0x00}, minimal(s))));
  BOOST_TEST(!accepts(der(minimal(r), Bytes{0x00})));
  BOOST_TEST(!accepts(der(n, minimal(s))));
  BOOST_TEST(!accepts(der(minimal(r), n)));
  // Empty INTEGER, wrong tags, a third element, truncation.
  BOOST_TEST(!accepts(der(Bytes{}, minimal(s))));
  Bytes wrong_tag = good;
  wrong_tag[0] = 0x31;
  BOOST_TEST(!accepts(wrong_tag));
  Bytes wrong_int_tag = good;
  wrong_int_tag[2] = 0x03;
  BOOST_TEST(!accepts(wrong_int_tag));
  Bytes third = der(minimal(r), minimal(s));
  third.insert(third.end(), {0x02, 0x01, 0x01});
  third[1] = static_cast<uint8_t>(third[1] + 3);
  BOOST_TEST(!accepts(third));
  Bytes truncated(good.begin(), good.end() - 1);
  BOOST_TEST(!accepts(truncated));
  BOOST_TEST(!accepts(Bytes{}));
  // Raw r || s is not DER.
  Bytes raw = r;
  raw.insert(raw.end(), s.begin(), s.end());
  BOOST_TEST(!accepts(raw));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(signature_openssl)

BOOST_AUTO_TEST_CASE(ecdsa_both_directions) {
  struct Curve {
    NamedGroup group;
    const char* name;
    SignatureScheme scheme;
    size_t size;
  };
  for (const Curve& c : {Curve{NamedGroup::kSecp256r1, "P-256", SignatureScheme::kEcdsaSecp256r1Sha256, 32},
                         Curve{NamedGroup::kSecp384r1, "P-384", SignatureScheme::kEcdsaSecp384r1Sha384, 48}}) {
    BOOST_TEST_CONTEXT(c.name) {
      for (int round = 0; round < 3; ++round) {
        Pkey theirs(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", c.name));
        BOOST_REQUIRE(theirs);
        auto key = SigningKey::ec(c.group, bn_param(theirs.get(), OSSL_PKEY_PARAM_PRIV_KEY, c.size));
        BOOST_REQUIRE(key.ok());
        auto pub = VerifyingKey::ec(c.group, octet_param(theirs.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY));
        BOOST_REQUIRE(pub.ok());
        DeterministicRandom random(static_cast<uint64_t>(round));
        Bytes msg = kMessage;
        msg.push_back(static_cast<uint8_t>(round));
        // Cachet signs, OpenSSL verifies.
        auto sig = key->sign(c.scheme, msg, random);
        BOOST_REQUIRE(sig.ok());
        BOOST_TEST(ossl_verify(theirs.get(), c.scheme, msg, *sig));
        // OpenSSL signs, Cachet verifies (with the imported public key and the
        // one derived from the private key).
        const Bytes their_sig = ossl_sign(theirs.get(), c.scheme, msg);
        BOOST_TEST(pub->verify(c.scheme, msg, their_sig).ok());
        BOOST_TEST(key->verifying_key().verify(c.scheme, msg, their_sig).ok());
        // Tampering.
        Bytes bad_msg = msg;
        bad_msg[0] ^= 1;
        BOOST_TEST(!pub->verify(c.scheme, bad_msg, their_sig).ok());
        Bytes bad_sig = *sig;
        bad_sig[bad_sig.size() - 1] ^= 1;
        auto rejected = pub->verify(c.scheme, msg, bad_sig);
        BOOST_TEST(!rejected.ok());
        BOOST_TEST((rejected.error().code() == ErrorCode::kInvalidSignature));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(ed25519_both_directions) {
  for (int round = 0; round < 3; ++round) {
    Pkey theirs(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    BOOST_REQUIRE(theirs);
    Bytes seed(32), pub_raw(32);
    size_t len = seed.size();
    BOOST_REQUIRE(EVP_PKEY_get_raw_private_key(theirs.get(), seed.data(), &len) == 1);
    len = pub_raw.size();
    BOOST_REQUIRE(EVP_PKEY_get_raw_public_key(theirs.get(), pub_raw.data(), &len) == 1);
    auto key = SigningKey::ed25519(seed);
    auto pub = VerifyingKey::ed25519(pub_raw);
    BOOST_REQUIRE(key.ok() && pub.ok());
    BOOST_TEST(pub->bits() == 253u);
    DeterministicRandom random(9);
    auto sig = key->sign(SignatureScheme::kEd25519, kMessage, random);
    BOOST_REQUIRE(sig.ok());
    BOOST_TEST(ossl_verify(theirs.get(), SignatureScheme::kEd25519, kMessage, *sig));
    const Bytes their_sig = ossl_sign(theirs.get(), SignatureScheme::kEd25519, kMessage);
    BOOST_TEST(their_sig == *sig);  // Ed25519 is deterministic
    BOOST_TEST(pub->verify(SignatureScheme::kEd25519, kMessage, their_sig).ok());
    Bytes bad_sig = their_sig;
    bad_sig[10] ^= 0x40;
    BOOST_TEST(!pub->verify(SignatureScheme::kEd25519, kMessage, bad_sig).ok());
    Bytes short_sig(their_sig.begin(), their_sig.end() - 1);
    BOOST_TEST(!pub->verify(SignatureScheme::kEd25519, kMessage, short_sig).ok());
  }
}

BOOST_AUTO_TEST_CASE(rsa_every_scheme_both_directions) {
  EVP_PKEY* theirs = shared_rsa_key();
  BOOST_REQUIRE(theirs != nullptr);
  const RsaPrivateComponents comps = ossl_rsa_components(theirs);
  auto key = SigningKey::rsa(comps);
  BOOST_REQUIRE(key.ok());
  auto pub = VerifyingKey::rsa(comps.n, comps.e);
  BOOST_REQUIRE(pub.ok());
  BOOST_TEST(pub->bits() == 2048u);
  BOOST_TEST((pub->type() == KeyType::kRsa));
  DeterministicRandom random(8017);
  for (SignatureScheme scheme : kRsaSchemes) {
    BOOST_TEST_CONTEXT("scheme 0x" << std::hex << static_cast<int>(scheme)) {
      BOOST_TEST(key->supports(scheme));
      BOOST_TEST(pub->supports(scheme));
      auto sig = key->sign(scheme, kMessage, random);
      BOOST_REQUIRE(sig.ok());
      BOOST_TEST(sig->size() == 256u);
      BOOST_TEST(ossl_verify(theirs, scheme, kMessage, *sig));
      BOOST_TEST(pub->verify(scheme, kMessage, *sig).ok());
      const Bytes their_sig = ossl_sign(theirs, scheme, kMessage);
      BOOST_TEST(pub->verify(scheme, kMessage, their_sig).ok());
      BOOST_TEST(key->verifying_key().verify(scheme, kMessage, their_sig).ok());
      // Tampered message and signature.
      Bytes bad_msg = kMessage;
      bad_msg.back() ^= 1;
      BOOST_TEST(!pub->verify(scheme, bad_msg, their_sig).ok());
      Bytes bad_sig = their_sig;
      bad_sig[100] ^= 0x01;
      BOOST_TEST(!pub->verify(scheme, kMessage, bad_sig).ok());
      // RFC 8017 §8.2.2: exactly k octets, not one more or less.
      Bytes longer = their_sig;
      longer.insert(longer.begin(), 0x00);
      BOOST_TEST(!pub->verify(scheme, kMessage, longer).ok());
      Bytes shorter(their_sig.begin() + 1, their_sig.end());
      BOOST_TEST(!pub->verify(scheme, kMessage, shorter).ok());
    }
  }
}

BOOST_AUTO_TEST_CASE(rsa_pkcs1_sha1_verify_only) {
  EVP_PKEY* theirs = shared_rsa_key();
  const RsaPrivateComponents comps = ossl_rsa_components(theirs);
  auto key = SigningKey::rsa(comps);
  auto pub = VerifyingKey::rsa(comps.n, comps.e);
  BOOST_REQUIRE(key.ok() && pub.ok());
  const Bytes their_sig = ossl_sign(theirs, SignatureScheme::kRsaPkcs1Sha1, kMessage);
  BOOST_TEST(pub->supports(SignatureScheme::kRsaPkcs1Sha1));
  BOOST_TEST(pub->verify(SignatureScheme::kRsaPkcs1Sha1, kMessage, their_sig).ok());
  // The same signature is not a SHA-256 one.
  BOOST_TEST(!pub->verify(SignatureScheme::kRsaPkcs1Sha256, kMessage, their_sig).ok());
  BOOST_TEST(!key->supports(SignatureScheme::kRsaPkcs1Sha1));
  DeterministicRandom random(1);
  auto refused = key->sign(SignatureScheme::kRsaPkcs1Sha1, kMessage, random);
  BOOST_TEST(!refused.ok());
  BOOST_TEST((refused.error().code() == ErrorCode::kUnsupported));
}

BOOST_AUTO_TEST_CASE(rsa_pss_other_salt_lengths_refused) {
  // RFC 8446 §4.2.3: the salt is as long as the digest; others are refused.
  EVP_PKEY* theirs = shared_rsa_key();
  const RsaPrivateComponents comps = ossl_rsa_components(theirs);
  auto pub = VerifyingKey::rsa(comps.n, comps.e);
  BOOST_REQUIRE(pub.ok());
  for (int salt : {0, 20, RSA_PSS_SALTLEN_MAX}) {
    const Bytes sig = ossl_sign(theirs, SignatureScheme::kRsaPssRsaeSha256, kMessage, salt);
    BOOST_TEST(!pub->verify(SignatureScheme::kRsaPssRsaeSha256, kMessage, sig).ok());
  }
  // PSS and PKCS#1 v1.5 signatures are not interchangeable.
  const Bytes pss = ossl_sign(theirs, SignatureScheme::kRsaPssRsaeSha256, kMessage);
  BOOST_TEST(!pub->verify(SignatureScheme::kRsaPkcs1Sha256, kMessage, pss).ok());
}

BOOST_AUTO_TEST_CASE(generated_keys_verify_in_openssl) {
  DeterministicRandom random(2024);
  // EC: the public point is the KeyShare public key of the same scalar.
  for (auto [type, group, name, scheme] :
       {std::tuple{KeyType::kEcP256, NamedGroup::kSecp256r1, "P-256", SignatureScheme::kEcdsaSecp256r1Sha256},
        std::tuple{KeyType::kEcP384, NamedGroup::kSecp384r1, "P-384", SignatureScheme::kEcdsaSecp384r1Sha384}}) {
    auto key = SigningKey::generate(type, random);
    BOOST_REQUIRE(key.ok());
    BOOST_TEST((key->type() == type));
    auto share = KeyShare::from_private(group, key->private_bytes());
    BOOST_REQUIRE(share.ok());
    Pkey theirs = ossl_ec_public(name, share->public_key());
    auto sig = key->sign(scheme, kMessage, random);
    BOOST_REQUIRE(sig.ok());
    BOOST_TEST(ossl_verify(theirs.get(), scheme, kMessage, *sig));
  }
  {
    auto key = SigningKey::generate(KeyType::kEd25519, random);
    BOOST_REQUIRE(key.ok());
    const ByteSpan seed = key->private_bytes();
    Pkey theirs(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
    BOOST_REQUIRE(theirs);
    auto sig = key->sign(SignatureScheme::kEd25519, kMessage, random);
    BOOST_REQUIRE(sig.ok());
    BOOST_TEST(ossl_verify(theirs.get(), SignatureScheme::kEd25519, kMessage, *sig));
  }
  {
    auto key = SigningKey::generate(KeyType::kRsa, random, 2048);
    BOOST_REQUIRE(key.ok());
    const RsaPrivateComponents comps = key->rsa_components();
    BOOST_TEST(comps.n.size() == 256u);
    BOOST_TEST(comps.e == (Bytes{0x01, 0x00, 0x01}));
    BOOST_TEST(key->verifying_key().bits() == 2048u);
    Pkey pub_only = ossl_rsa_from_components(comps, false);
    Pkey full = ossl_rsa_from_components(comps, true);
    BOOST_REQUIRE(pub_only && full);
    // OpenSSL agrees the exported components form a consistent key pair.
    PkeyCtx check(EVP_PKEY_CTX_new(full.get(), nullptr));
    BOOST_TEST(EVP_PKEY_private_check(check.get()) == 1);
    BOOST_TEST(EVP_PKEY_pairwise_check(check.get()) == 1);
    for (SignatureScheme scheme : kRsaSchemes) {
      auto sig = key->sign(scheme, kMessage, random);
      BOOST_REQUIRE(sig.ok());
      BOOST_TEST(ossl_verify(pub_only.get(), scheme, kMessage, *sig));
      BOOST_TEST(key->verifying_key().verify(scheme, kMessage, ossl_sign(full.get(), scheme, kMessage)).ok());
    }
    // The components round-trip through SigningKey::rsa.
    auto again = SigningKey::rsa(comps);
    BOOST_TEST(again.ok());
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(signature_negative)

BOOST_AUTO_TEST_CASE(scheme_codes_and_key_types) {
  for (uint16_t code : {0x0201, 0x0401, 0x0501, 0x0403, 0x0503, 0x0804, 0x0805, 0x0807}) {
    BOOST_TEST(is_known_signature_scheme(code));
  }
  for (uint16_t code : {0x0000, 0x0203, 0x0603, 0x0806, 0x0808, 0x0809, 0x080a}) {
    BOOST_TEST(!is_known_signature_scheme(code));
  }
  BOOST_TEST((key_type_for(SignatureScheme::kEcdsaSecp384r1Sha384) == KeyType::kEcP384));
  BOOST_TEST((key_type_for(SignatureScheme::kRsaPssRsaeSha256) == KeyType::kRsa));
  BOOST_TEST((key_type_for(SignatureScheme::kEd25519) == KeyType::kEd25519));
}

BOOST_AUTO_TEST_CASE(wrong_scheme_for_key) {
  DeterministicRandom random(11);
  auto p256 = SigningKey::generate(KeyType::kEcP256, random);
  auto ed = SigningKey::generate(KeyType::kEd25519, random);
  BOOST_REQUIRE(p256.ok() && ed.ok());
  BOOST_TEST(p256->supports(SignatureScheme::kEcdsaSecp256r1Sha256));
  BOOST_TEST(!p256->supports(SignatureScheme::kEcdsaSecp384r1Sha384));
  BOOST_TEST(!p256->supports(SignatureScheme::kRsaPssRsaeSha256));
  BOOST_TEST(!p256->supports(SignatureScheme::kEd25519));
  BOOST_TEST(!p256->sign(SignatureScheme::kEcdsaSecp384r1Sha384, kMessage, random).ok());
  BOOST_TEST(!p256->sign(SignatureScheme::kRsaPkcs1Sha256, kMessage, random).ok());
  BOOST_TEST(!ed->sign(SignatureScheme::kEcdsaSecp256r1Sha256, kMessage, random).ok());

  auto sig = p256->sign(SignatureScheme::kEcdsaSecp256r1Sha256, kMessage, random);
  BOOST_REQUIRE(sig.ok());
  VerifyingKey pub = p256->verifying_key();
  BOOST_TEST(pub.verify(SignatureScheme::kEcdsaSecp256r1Sha256, kMessage, *sig).ok());
  for (SignatureScheme other : {SignatureScheme::kEcdsaSecp384r1Sha384, SignatureScheme::kEd25519,
                                SignatureScheme::kRsaPssRsaeSha256, SignatureScheme::kRsaPkcs1Sha256}) {
    auto r = pub.verify(other, kMessage, *sig);
    BOOST_TEST(!r.ok());
    BOOST_TEST((r.error().code() == ErrorCode::kInvalidSignature));
  }
  auto ed_sig = ed->sign(SignatureScheme::kEd25519, kMessage, random);
  BOOST_REQUIRE(ed_sig.ok());
  BOOST_TEST(!ed->verifying_key().verify(SignatureScheme::kEcdsaSecp256r1Sha256, kMessage, *ed_sig).ok());
  // An unknown scheme value is refused, not misread.
  BOOST_TEST(!pub.verify(static_cast<SignatureScheme>(0x0603), kMessage, *sig).ok());
  BOOST_TEST(!p256->supports(static_cast<SignatureScheme>(0x0603)));
}

BOOST_AUTO_TEST_CASE(bad_rsa_public_keys) {
  const RsaPrivateComponents comps = ossl_rsa_components(shared_rsa_key());
  const Bytes e3 = {0x03};
  BOOST_TEST(VerifyingKey::rsa(comps.n, comps.e).ok());
  // Leading zero bytes on the modulus do not change it.
  Bytes padded_n = comps.n;
  padded_n.insert(padded_n.begin(), 0x00);
  BOOST_TEST(VerifyingKey::rsa(padded_n, comps.e).ok());
  // Too small (1023 bits), too large (8200 bits), even.
  Bytes small(128, 0xff);
  small[0] = 0x7f;
  BOOST_TEST(!VerifyingKey::rsa(small, e3).ok());
  Bytes big(128, 0xff);
  BOOST_TEST(VerifyingKey::rsa(big, e3).ok());  // 1024 bits: the minimum
  BOOST_TEST(!VerifyingKey::rsa(Bytes(1025, 0xff), e3).ok());
  Bytes even = comps.n;
  even.back() &= 0xfe;
  auto r = VerifyingKey::rsa(even, comps.e);
  BOOST_TEST(!r.ok());
  BOOST_TEST((r.error().code() == ErrorCode::kBadKey));
  // e < 3, even e, e >= n, empty.
  for (const Bytes& e : {Bytes{0x01}, Bytes{0x02}, Bytes{0x00}, Bytes{}, Bytes{0x01, 0x00, 0x00}}) {
    BOOST_TEST(!VerifyingKey::rsa(comps.n, e).ok());
  }
  BOOST_TEST(!VerifyingKey::rsa(comps.n, comps.n).ok());
  BOOST_TEST(!VerifyingKey::rsa(Bytes{}, comps.e).ok());
}

BOOST_AUTO_TEST_CASE(bad_rsa_private_keys) {
  const RsaPrivateComponents good = ossl_rsa_components(shared_rsa_key());
  BOOST_TEST(SigningKey::rsa(good).ok());
  auto refused = [](RsaPrivateComponents c) {
    auto r = SigningKey::rsa(c);
    return !r.ok() && r.error().code() == ErrorCode::kBadKey;
  };
  auto copy = [] { return ossl_rsa_components(shared_rsa_key()); };
  RsaPrivateComponents c = copy();
  std::swap(c.dp, c.dq);
  BOOST_TEST(refused(std::move(c)));
  c = copy();
  std::swap(c.p, c.q);  // qinv is now wrong for the order of the primes
  BOOST_TEST(refused(std::move(c)));
  c = copy();
  c.qinv.back() ^= 1;
  BOOST_TEST(refused(std::move(c)));
  c = copy();
  c.d.back() ^= 2;
  BOOST_TEST(refused(std::move(c)));
  c = copy();
  c.n.back() ^= 2;
  BOOST_TEST(refused(std::move(c)));
  c = copy();
  c.p.clear();
  BOOST_TEST(refused(std::move(c)));
  c = copy();
  c.e = {0x01, 0x00, 0x03};
  BOOST_TEST(refused(std::move(c)));
}

BOOST_AUTO_TEST_CASE(bad_ec_and_ed25519_keys) {
  const Bytes n256 = hex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
  auto zero = SigningKey::ec(NamedGroup::kSecp256r1, Bytes(32, 0));
  BOOST_TEST(!zero.ok());
  BOOST_TEST((zero.error().code() == ErrorCode::kInvalidPrivateKey));
  BOOST_TEST(!SigningKey::ec(NamedGroup::kSecp256r1, n256).ok());
  BOOST_TEST(!SigningKey::ec(NamedGroup::kSecp256r1, Bytes()).ok());
  BOOST_TEST(!SigningKey::ec(NamedGroup::kX25519, Bytes(32, 1)).ok());
  BOOST_TEST(!SigningKey::ed25519(Bytes(31, 1)).ok());
  BOOST_TEST(!SigningKey::ed25519(Bytes(64, 1)).ok());
  BOOST_TEST(!VerifyingKey::ed25519(Bytes(33, 1)).ok());
  // Leading zeros are accepted and the stored scalar is the field size.
  Bytes small(40, 0);
  small.back() = 7;
  auto seven = SigningKey::ec(NamedGroup::kSecp384r1, small);
  BOOST_REQUIRE(seven.ok());
  BOOST_TEST(seven->private_bytes().size() == 48u);
  // Points: compressed, off curve, wrong curve size.
  DeterministicRandom random(12);
  auto key = SigningKey::generate(KeyType::kEcP256, random);
  BOOST_REQUIRE(key.ok());
  auto share = KeyShare::from_private(NamedGroup::kSecp256r1, key->private_bytes());
  BOOST_REQUIRE(share.ok());
  Bytes point(share->public_key().begin(), share->public_key().end());
  BOOST_TEST(VerifyingKey::ec(NamedGroup::kSecp256r1, point).ok());
  BOOST_TEST(!VerifyingKey::ec(NamedGroup::kSecp384r1, point).ok());
  Bytes compressed(point.begin(), point.begin() + 33);
  compressed[0] = static_cast<uint8_t>(0x02 | (point.back() & 1));
  BOOST_TEST(!VerifyingKey::ec(NamedGroup::kSecp256r1, compressed).ok());
  Bytes off = point;
  off[40] ^= 0x10;
  auto r = VerifyingKey::ec(NamedGroup::kSecp256r1, off);
  BOOST_TEST(!r.ok());
  BOOST_TEST((r.error().code() == ErrorCode::kInvalidPublicKey));
}

BOOST_AUTO_TEST_CASE(generation_arguments_and_random_failure) {
  DeterministicRandom random(13);
  auto too_small = SigningKey::generate(KeyType::kRsa, random, 1024);
  BOOST_TEST(!too_small.ok());
  BOOST_TEST((too_small.error().code() == ErrorCode::kInvalidArgument));
  BOOST_TEST(!SigningKey::generate(KeyType::kRsa, random, 8192).ok());

  FailingRandom failing;
  for (KeyType type : {KeyType::kEcP256, KeyType::kEcP384, KeyType::kEd25519}) {
    auto r = SigningKey::generate(type, failing);
    BOOST_TEST(!r.ok());
    BOOST_TEST((r.error().code() == ErrorCode::kRandomFailure));
  }
  for (NamedGroup g : {NamedGroup::kSecp256r1, NamedGroup::kSecp384r1, NamedGroup::kX25519,
                       NamedGroup::kX448}) {
    auto r = KeyShare::generate(g, failing);
    BOOST_TEST(!r.ok());
    BOOST_TEST((r.error().code() == ErrorCode::kRandomFailure));
  }
  auto rsa = SigningKey::generate(KeyType::kRsa, failing, 2048);
  BOOST_TEST(!rsa.ok());
  BOOST_TEST((rsa.error().code() == ErrorCode::kRandomFailure));
  // RSA signing draws salt and blinding values; a failing source fails the
  // signature instead of degrading it.
  auto key = SigningKey::rsa(ossl_rsa_components(shared_rsa_key()));
  BOOST_REQUIRE(key.ok());
  for (SignatureScheme scheme : kRsaSchemes) {
    auto r = key->sign(scheme, kMessage, failing);
    BOOST_TEST(!r.ok());
    BOOST_TEST((r.error().code() == ErrorCode::kRandomFailure));
  }
}

BOOST_AUTO_TEST_CASE(move_leaves_a_usable_key) {
  DeterministicRandom random(14);
  auto generated = SigningKey::generate(KeyType::kEd25519, random);
  BOOST_REQUIRE(generated.ok());
  SigningKey key = std::move(generated).value();
  SigningKey other = std::move(key);
  auto sig = other.sign(SignatureScheme::kEd25519, kMessage, random);
  BOOST_REQUIRE(sig.ok());
  VerifyingKey pub = other.verifying_key();
  VerifyingKey moved = std::move(pub);
  BOOST_TEST(moved.verify(SignatureScheme::kEd25519, kMessage, *sig).ok());
}

BOOST_AUTO_TEST_SUITE_END()
