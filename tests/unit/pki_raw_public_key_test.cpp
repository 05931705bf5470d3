// src/pki/raw_public_key: RFC 7250 raw public keys, pinned or judged by a callback.
#include <boost/test/unit_test.hpp>

#include "base/random.hpp"
#include "pki/raw_public_key.hpp"
#include "pki_test_util.hpp"

using namespace cachet;
using namespace cachet::test;

namespace {

Bytes openssl_spki(const std::string& key_file) {
  TempFile out("spki.der");
  const auto r = run_command("openssl pkey -in " + shell_quote(key_file) + " -pubout -outform DER -out " +
                             shell_quote(out.path()));
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  return read_bytes(out.path());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pki_raw_public_key)

BOOST_AUTO_TEST_CASE(spki_from_openssl_equals_certificate_and_key) {
  for (const char* alg : kKeyTypes) {
    BOOST_TEST_CONTEXT(alg) {
      const Bytes spki = openssl_spki(pki_path(std::string(alg) + "/server.key"));
      auto raw = pki::RawPublicKey::from_spki_der(spki);
      BOOST_REQUIRE(raw.ok());
      BOOST_TEST(raw->spki() == spki);
      const auto cert = load_certificate(std::string(alg) + "/server.pem");
      BOOST_TEST((*raw == pki::RawPublicKey::from_certificate(cert)));
      auto key = pki::PrivateKey::load(read_bytes(pki_path(std::string(alg) + "/server.pkcs8.der")));
      BOOST_REQUIRE(key.ok());
      BOOST_TEST((*raw == pki::RawPublicKey::from_private_key(*key)));
      BOOST_TEST((raw->key_type() == cert.key_type()));
    }
  }
}

BOOST_AUTO_TEST_CASE(raw_key_verifies_signatures_of_its_private_key) {
  DeterministicRandom random(3);
  auto key = pki::PrivateKey::load(read_bytes(pki_path("ed25519/server.pkcs8.pem")));
  BOOST_REQUIRE(key.ok());
  const auto raw = pki::RawPublicKey::from_private_key(*key);
  auto verifier = raw.verifying_key();
  BOOST_REQUIRE(verifier.ok());
  const Bytes message = {'r', 'p', 'k'};
  auto sig = key->signing_key().sign(crypto::SignatureScheme::kEd25519, message, random);
  BOOST_REQUIRE(sig.ok());
  BOOST_TEST(verifier->verify(crypto::SignatureScheme::kEd25519, message, *sig).ok());
  Bytes other = message;
  other[0] ^= 1;
  BOOST_TEST(!verifier->verify(crypto::SignatureScheme::kEd25519, other, *sig).ok());
}

BOOST_AUTO_TEST_CASE(policy_accepts_pinned_keys_and_asks_the_callback_otherwise) {
  const auto server = pki::RawPublicKey::from_certificate(load_certificate("p256/server.pem"));
  const auto client = pki::RawPublicKey::from_certificate(load_certificate("p256/client.pem"));
  const auto rsa = pki::RawPublicKey::from_certificate(load_certificate("rsa2048/server.pem"));

  pki::RawKeyPolicy policy;
  BOOST_TEST(!policy.accepts(server));  // nothing pinned, no callback
  policy.pin(server);
  BOOST_TEST(policy.accepts(server));
  BOOST_TEST(!policy.accepts(client));
  policy.pin_sha256(client.fingerprint(crypto::HashAlgorithm::kSha256));
  BOOST_TEST(policy.accepts(client));
  BOOST_TEST(!policy.accepts(rsa));
  int asked = 0;
  policy.set_callback([&](const pki::RawPublicKey& k) {
    ++asked;
    return k.key_type() == crypto::KeyType::kRsa;
  });
  BOOST_TEST(policy.accepts(rsa));
  BOOST_TEST(policy.accepts(server));
  BOOST_TEST(asked == 1);  // pins answer first
}

BOOST_AUTO_TEST_CASE(garbage_spki_fails_cleanly) {
  BOOST_TEST(!pki::RawPublicKey::from_spki_der({}).ok());
  BOOST_TEST(!pki::RawPublicKey::from_spki_der(as_bytes("garbage")).ok());
  const Bytes spki = openssl_spki(pki_path("p384/server.key"));
  for (size_t cut : {size_t{1}, spki.size() / 2, spki.size() - 1}) {
    BOOST_TEST_CONTEXT("cut at " << cut) { BOOST_TEST(!pki::RawPublicKey::from_spki_der(ByteSpan(spki).first(cut)).ok()); }
  }
}

BOOST_AUTO_TEST_SUITE_END()
