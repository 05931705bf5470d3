#include <boost/test/unit_test.hpp>

#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "crypto/key_exchange.hpp"
#include "crypto/signature.hpp"
#include "test_util.hpp"

using namespace cachet;
using namespace cachet::crypto;
using cachet::test::hex;
using nlohmann::json;

namespace {

// Runs every case of a Wycheproof file through `accepts` (true: the operation
// succeeded and, where there is an expected output, matched it). "valid"
// must be accepted, "invalid" rejected; "acceptable" may go either way.
void run_wycheproof(const std::string& file,
                    const std::function<bool(const json& group, const json& test)>& accepts) {
  const json doc = test::load_json("vectors/wycheproof/" + file);
  size_t total = 0, valid = 0, invalid = 0, acceptable = 0;
  for (const json& group : doc.at("testGroups")) {
    for (const json& t : group.at("tests")) {
      ++total;
      const std::string result = t.at("result").get<std::string>();
      const int tc_id = t.at("tcId").get<int>();
      const bool accepted = accepts(group, t);
      if (result == "valid") {
        BOOST_TEST(accepted, file << " tcId " << tc_id << " (valid) was rejected: "
                                  << t.at("comment").get<std::string>());
        if (accepted) ++valid;
      } else if (result == "invalid") {
        BOOST_TEST(!accepted, file << " tcId " << tc_id << " (invalid) was accepted: "
                                   << t.at("comment").get<std::string>());
        if (!accepted) ++invalid;
      } else {
        BOOST_TEST(result == "acceptable");
        ++acceptable;
      }
    }
  }
  std::ostringstream summary;
  summary << file << ": " << total << " cases checked (" << valid << " valid accepted, " << invalid
          << " invalid rejected, " << acceptable << " acceptable)";
  std::cout << summary.str() << std::endl;
  BOOST_TEST_MESSAGE(summary.str());
  BOOST_TEST(total == doc.at("numberOfTests").get<size_t>());
}

bool ecdh_accepts(NamedGroup group, const json& t) {
  auto key = KeyShare::from_private(group, hex(t.at("private").get<std::string>()));
  if (!key.ok()) return false;
  auto shared = key->derive(hex(t.at("public").get<std::string>()));
  if (!shared.ok()) return false;
  const Bytes expected = hex(t.at("shared").get<std::string>());
  return Bytes(shared->span().begin(), shared->span().end()) == expected;
}

// Verifying keys are parsed once per group; a group whose key is refused
// rejects all its cases.
struct KeyCache {
  const json* group = nullptr;
  std::optional<VerifyingKey> key;
};

bool verify_with(KeyCache& cache, const json& group, const json& t, SignatureScheme scheme,
                 const std::function<Result<VerifyingKey>(const json&)>& load) {
  if (cache.group != &group) {
    cache.group = &group;
    cache.key.reset();
    auto loaded = load(group);
    if (loaded.ok()) cache.key.emplace(std::move(loaded).value());
  }
  if (!cache.key) return false;
  return cache.key
      ->verify(scheme, hex(t.at("msg").get<std::string>()), hex(t.at("sig").get<std::string>()))
      .ok();
}

// Wycheproof moduli may carry a leading 00 (the DER INTEGER sign byte).
Result<VerifyingKey> load_rsa(const json& g) {
  return VerifyingKey::rsa(hex(g.at("publicKey").at("modulus").get<std::string>()),
                           hex(g.at("publicKey").at("publicExponent").get<std::string>()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wycheproof_asymmetric)

BOOST_AUTO_TEST_CASE(ecdh_secp256r1_ecpoint) {
  run_wycheproof("ecdh_secp256r1_ecpoint_test.json", [](const json&, const json& t) {
    return ecdh_accepts(NamedGroup::kSecp256r1, t);
  });
}

BOOST_AUTO_TEST_CASE(ecdh_secp384r1_ecpoint) {
  run_wycheproof("ecdh_secp384r1_ecpoint_test.json", [](const json&, const json& t) {
    return ecdh_accepts(NamedGroup::kSecp384r1, t);
  });
}

BOOST_AUTO_TEST_CASE(x25519) {
  run_wycheproof("x25519_test.json", [](const json&, const json& t) {
    return ecdh_accepts(NamedGroup::kX25519, t);
  });
}

BOOST_AUTO_TEST_CASE(x448) {
  run_wycheproof("x448_test.json", [](const json&, const json& t) {
    return ecdh_accepts(NamedGroup::kX448, t);
  });
}

BOOST_AUTO_TEST_CASE(ecdsa_secp256r1_sha256) {
  KeyCache cache;
  run_wycheproof("ecdsa_secp256r1_sha256_test.json", [&](const json& group, const json& t) {
    return verify_with(cache, group, t, SignatureScheme::kEcdsaSecp256r1Sha256, [](const json& g) {
      return VerifyingKey::ec(NamedGroup::kSecp256r1,
                              hex(g.at("publicKey").at("uncompressed").get<std::string>()));
    });
  });
}

BOOST_AUTO_TEST_CASE(ecdsa_secp384r1_sha384) {
  KeyCache cache;
  run_wycheproof("ecdsa_secp384r1_sha384_test.json", [&](const json& group, const json& t) {
    return verify_with(cache, group, t, SignatureScheme::kEcdsaSecp384r1Sha384, [](const json& g) {
      return VerifyingKey::ec(NamedGroup::kSecp384r1,
                              hex(g.at("publicKey").at("uncompressed").get<std::string>()));
    });
  });
}

BOOST_AUTO_TEST_CASE(ed25519) {
  KeyCache cache;
  run_wycheproof("ed25519_test.json", [&](const json& group, const json& t) {
    return verify_with(cache, group, t, SignatureScheme::kEd25519, [](const json& g) {
      return VerifyingKey::ed25519(hex(g.at("publicKey").at("pk").get<std::string>()));
    });
  });
}

BOOST_AUTO_TEST_CASE(rsa_pss_2048_sha256_mgf1_32) {
  KeyCache cache;
  run_wycheproof("rsa_pss_2048_sha256_mgf1_32_test.json", [&](const json& group, const json& t) {
    // The file's parameters are exactly rsa_pss_rsae_sha256 (RFC 8446 §4.2.3).
    BOOST_REQUIRE(group.at("sha") == "SHA-256");
    BOOST_REQUIRE(group.at("mgfSha") == "SHA-256");
    BOOST_REQUIRE(group.at("sLen") == 32);
    return verify_with(cache, group, t, SignatureScheme::kRsaPssRsaeSha256, load_rsa);
  });
}

BOOST_AUTO_TEST_CASE(rsa_signature_2048_sha256) {
  KeyCache cache;
  run_wycheproof("rsa_signature_2048_sha256_test.json", [&](const json& group, const json& t) {
    BOOST_REQUIRE(group.at("sha") == "SHA-256");
    return verify_with(cache, group, t, SignatureScheme::kRsaPkcs1Sha256, load_rsa);
  });
}

BOOST_AUTO_TEST_SUITE_END()
