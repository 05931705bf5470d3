// src/pki/generate: self-signed certificates that `openssl x509 -text`
// accepts and that verify against themselves (Cachet and `openssl verify`).
#include <boost/test/unit_test.hpp>

#include "base/random.hpp"
#include "pki/fingerprint.hpp"
#include "pki/generate.hpp"
#include "pki/trust_store.hpp"
#include "pki/verify.hpp"
#include "pki_test_util.hpp"

using namespace cachet;
using namespace cachet::test;

namespace {

struct KeyCase {
  crypto::KeyType type;
  const char* openssl_signature;  // as `openssl x509 -text` names it
  crypto::SignatureScheme scheme;
};

const KeyCase kKeyCases[] = {
    {crypto::KeyType::kEcP256, "ecdsa-with-SHA256", crypto::SignatureScheme::kEcdsaSecp256r1Sha256},
    {crypto::KeyType::kRsa, "sha256WithRSAEncryption", crypto::SignatureScheme::kRsaPkcs1Sha256},
    {crypto::KeyType::kEd25519, "ED25519", crypto::SignatureScheme::kEd25519},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(pki_generate)

BOOST_AUTO_TEST_CASE(self_signed_certificates_satisfy_openssl_and_verify_against_themselves) {
  DeterministicRandom random(2026);
  const ManualClock clock = clock_at();
  for (const KeyCase& k : kKeyCases) {
    BOOST_TEST_CONTEXT("key type " << static_cast<int>(k.type)) {
      auto options = pki::SelfSignedOptions::webrtc(clock, k.type);
      options.common_name = "cachet-endpoint";
      auto generated = pki::generate_self_signed(options, random);
      BOOST_REQUIRE(generated.ok());
      const pki::Certificate& cert = generated->certificate;
      const pki::PrivateKey& key = generated->key;

      BOOST_TEST((key.type() == k.type));
      BOOST_TEST(key.matches(cert));
      BOOST_TEST(cert.subject().common_name().value_or("") == "cachet-endpoint");
      BOOST_TEST(cert.issuer() == cert.subject());
      BOOST_TEST(cert.is_self_issued());
      BOOST_TEST(cert.not_before() == options.not_before);
      BOOST_TEST(cert.not_after() == options.not_after);
      BOOST_TEST(cert.serial().size() == 16u);
      BOOST_TEST(cert.serial()[0] < 0x80);

      TempFile file("self.pem");
      file.write(cert.to_pem());
      const auto text = run_command("openssl x509 -noout -text -in " + shell_quote(file.path()));
      BOOST_TEST(text.exit_code == 0);
      BOOST_TEST(text.output.find("CN = cachet-endpoint") != std::string::npos);
      BOOST_TEST(text.output.find(std::string("Signature Algorithm: ") + k.openssl_signature) != std::string::npos);
      BOOST_TEST(text.output.find("Version: 3") != std::string::npos);

      // Verifies against itself: Cachet and openssl.
      auto trust = pki::TrustStore::create();
      BOOST_REQUIRE(trust.ok());
      BOOST_REQUIRE(trust->add_certificate(cert).ok());
      pki::VerifyOptions verify_options;
      verify_options.purpose = pki::Purpose::kAny;
      const auto verdict = pki::verify_chain(pki::CertificateChain({cert}), *trust, verify_options, clock);
      BOOST_TEST(verdict.ok(), pki::verify_status_name(verdict.status));
      const auto openssl = run_command("openssl verify -attime " + std::to_string(clock.unix_seconds()) + " -CAfile " +
                                       shell_quote(file.path()) + " " + shell_quote(file.path()));
      BOOST_TEST(openssl.exit_code == 0, openssl.output);
      // The signature over the certificate checks out with its own key; a
      // store without it does not accept it.
      auto other = pki::TrustStore::create();
      BOOST_REQUIRE(other.ok());
      BOOST_TEST((pki::verify_chain(pki::CertificateChain({cert}), *other, verify_options, clock).status ==
                  pki::VerifyStatus::kSelfSignedLeaf));

      // The key signs; the certificate verifies it.
      const Bytes message = {1, 2, 3};
      auto signature = key.signing_key().sign(k.scheme, message, random);
      BOOST_REQUIRE(signature.ok());
      auto verifier = cert.verifying_key();
      BOOST_REQUIRE(verifier.ok());
      BOOST_TEST(verifier->verify(k.scheme, message, *signature).ok());
    }
  }
}

BOOST_AUTO_TEST_CASE(explicit_serial_and_window) {
  DeterministicRandom random(5);
  pki::SelfSignedOptions options;
  options.serial = {0x01, 0x02, 0x03};
  options.not_before = 1735689600;
  options.not_after = 1767225600;
  auto generated = pki::generate_self_signed(options, random);
  BOOST_REQUIRE(generated.ok());
  BOOST_TEST(generated->certificate.serial() == (Bytes{0x01, 0x02, 0x03}));
  BOOST_TEST(generated->certificate.not_before() == 1735689600);
  BOOST_TEST(generated->certificate.subject().common_name().value_or("") == "WebRTC");
  TempFile file("c.pem");
  file.write(generated->certificate.to_pem());
  const auto fp = run_command("openssl x509 -noout -fingerprint -sha256 -in " + shell_quote(file.path()));
  BOOST_TEST(fp.output.find(pki::fingerprint_hex(generated->certificate, crypto::HashAlgorithm::kSha256)) !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(invalid_options_are_refused) {
  DeterministicRandom random(6);
  pki::SelfSignedOptions options;  // empty window
  BOOST_TEST((pki::generate_self_signed(options, random).error().code() == ErrorCode::kInvalidArgument));
  options.not_after = 10;
  options.serial = Bytes(21, 1);
  BOOST_TEST((pki::generate_self_signed(options, random).error().code() == ErrorCode::kInvalidArgument));
  options.serial = {};
  options.common_name = "";
  BOOST_TEST((pki::generate_self_signed(options, random).error().code() == ErrorCode::kInvalidArgument));
}

BOOST_AUTO_TEST_SUITE_END()
