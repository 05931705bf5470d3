// src/pki/private_key: every key container loads and signs; signatures verify
// through src/crypto with the matching certificate and with `openssl pkeyutl`.
#include <boost/test/unit_test.hpp>

#include "base/random.hpp"
#include "pki/private_key.hpp"
#include "pki_test_util.hpp"

using namespace cachet;
using namespace cachet::test;
using crypto::SignatureScheme;

namespace {

struct KeyFile {
  const char* alg;
  const char* file;  // under tests/pki/<alg>/
  bool encrypted;
};

const KeyFile kKeyFiles[] = {
    {"p256", "server.key", false},          {"p256", "server.pkcs8.pem", false},
    {"p256", "server.pkcs8.der", false},    {"p256", "server.pkcs8-enc.pem", true},
    {"p256", "server.pkcs8-enc.der", true}, {"p256", "server.sec1.pem", false},
    {"p256", "server.sec1.der", false},     {"p384", "server.pkcs8.pem", false},
    {"p384", "server.pkcs8.der", false},    {"p384", "server.pkcs8-enc.pem", true},
    {"p384", "server.pkcs8-enc.der", true}, {"p384", "server.sec1.pem", false},
    {"p384", "server.sec1.der", false},     {"rsa2048", "server.pkcs8.pem", false},
    {"rsa2048", "server.pkcs8.der", false}, {"rsa2048", "server.pkcs8-enc.pem", true},
    {"rsa2048", "server.pkcs8-enc.der", true}, {"rsa2048", "server.pkcs1.pem", false},
    {"rsa2048", "server.pkcs1.der", false}, {"ed25519", "server.pkcs8.pem", false},
    {"ed25519", "server.pkcs8.der", false}, {"ed25519", "server.pkcs8-enc.pem", true},
    {"ed25519", "server.pkcs8-enc.der", true},
};

pki::PrivateKey load_key(const KeyFile& k) {
  const std::string path = pki_path(std::string(k.alg) + "/" + k.file);
  auto r = pki::PrivateKey::load(read_bytes(path), k.encrypted ? kPkiPassphrase : "");
  if (!r) throw std::runtime_error("cannot load " + path + ": " + r.error().what());
  return std::move(r).value();
}

std::vector<SignatureScheme> schemes_for(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kEcP256: return {SignatureScheme::kEcdsaSecp256r1Sha256};
    case crypto::KeyType::kEcP384: return {SignatureScheme::kEcdsaSecp384r1Sha384};
    case crypto::KeyType::kRsa: return {SignatureScheme::kRsaPkcs1Sha256, SignatureScheme::kRsaPssRsaeSha256};
    case crypto::KeyType::kEd25519: return {SignatureScheme::kEd25519};
  }
  return {};
}

// `openssl pkeyutl -verify` of `signature` over `message` with the public key
// of the certificate file; true when openssl says the signature verifies.
bool openssl_verifies(const std::string& cert_file, SignatureScheme scheme, ByteSpan message, ByteSpan signature) {
  TempFile msg("message"), sig("signature");
  msg.write(message);
  sig.write(signature);
  std::string args = "openssl pkeyutl -verify -certin -inkey " + shell_quote(cert_file) + " -rawin -in " +
                     shell_quote(msg.path()) + " -sigfile " + shell_quote(sig.path());
  switch (scheme) {
    case SignatureScheme::kEcdsaSecp256r1Sha256:
    case SignatureScheme::kRsaPkcs1Sha256: args += " -digest sha256"; break;
    case SignatureScheme::kEcdsaSecp384r1Sha384: args += " -digest sha384"; break;
    case SignatureScheme::kRsaPssRsaeSha256:
      args += " -digest sha256 -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:digest";
      break;
    default: break;
  }
  const auto r = run_command(args);
  return r.exit_code == 0 && r.output.find("Signature Verified Successfully") != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pki_private_key)

BOOST_AUTO_TEST_CASE(every_key_loads_signs_and_verifies_with_crypto_and_openssl) {
  DeterministicRandom random(7);
  const Bytes message = {'c', 'a', 'c', 'h', 'e', 't', ' ', 'p', 'k', 'i'};
  for (const KeyFile& k : kKeyFiles) {
    BOOST_TEST_CONTEXT(k.alg << "/" << k.file) {
      const pki::PrivateKey key = load_key(k);
      const std::string cert_file = pki_path(std::string(k.alg) + "/server.pem");
      const auto cert = load_certificate(std::string(k.alg) + "/server.pem");
      BOOST_TEST(key.matches(cert));
      BOOST_TEST(key.check_matches(cert).ok());
      auto verifier = cert.verifying_key();
      BOOST_REQUIRE(verifier.ok());
      for (SignatureScheme scheme : schemes_for(key.type())) {
        BOOST_TEST_CONTEXT("scheme " << static_cast<int>(scheme)) {
          auto signature = key.signing_key().sign(scheme, message, random);
          BOOST_REQUIRE(signature.ok());
          BOOST_TEST(verifier->verify(scheme, message, *signature).ok());
          BOOST_TEST(openssl_verifies(cert_file, scheme, message, *signature));
          // The comparison can fail: a flipped bit is refused by both.
          Bytes bad = *signature;
          bad[bad.size() / 2] ^= 0x01;
          BOOST_TEST(!verifier->verify(scheme, message, bad).ok());
          BOOST_TEST(!openssl_verifies(cert_file, scheme, message, bad));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(all_containers_of_a_key_give_the_same_key) {
  for (const char* alg : kKeyTypes) {
    BOOST_TEST_CONTEXT(alg) {
      const auto reference = load_key({alg, "server.pkcs8.pem", false});
      for (const KeyFile& k : kKeyFiles) {
        if (std::string(k.alg) != alg) continue;
        const auto key = load_key(k);
        BOOST_TEST(key.subject_public_key_info() == reference.subject_public_key_info());
        BOOST_TEST(constant_time_equal(key.signing_key().private_bytes(), reference.signing_key().private_bytes()));
        if (key.type() == crypto::KeyType::kRsa) {
          BOOST_TEST(key.signing_key().rsa_components().d == reference.signing_key().rsa_components().d);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(encrypted_keys_need_the_right_passphrase) {
  const Bytes pem = read_bytes(pki_path("p256/server.pkcs8-enc.pem"));
  const Bytes der = read_bytes(pki_path("rsa2048/server.pkcs8-enc.der"));
  for (const Bytes* data : {&pem, &der}) {
    auto wrong = pki::PrivateKey::load(*data, "not-the-passphrase");
    BOOST_REQUIRE(!wrong.ok());
    BOOST_TEST((wrong.error().code() == ErrorCode::kAuthenticationFailed));
    auto missing = pki::PrivateKey::load(*data);
    BOOST_TEST(!missing.ok());
    BOOST_TEST(pki::PrivateKey::load(*data, kPkiPassphrase).ok());
  }
  // A passphrase given for a plain key is simply unused.
  BOOST_TEST(pki::PrivateKey::load(read_bytes(pki_path("p256/server.pkcs8.pem")), "unused").ok());
}

BOOST_AUTO_TEST_CASE(a_key_that_does_not_match_its_certificate_is_reported) {
  const auto key = load_key({"p256", "server.pkcs8.pem", false});
  const auto client = load_certificate("p256/client.pem");
  BOOST_TEST(!key.matches(client));
  auto r = key.check_matches(client);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.error().code() == ErrorCode::kBadKey));
  BOOST_TEST(std::string(r.error().what()).find("does not match") != std::string::npos);
  // Same type, other key; and another type altogether.
  BOOST_TEST(!key.matches(load_certificate("p384/server.pem")));
  BOOST_TEST(!load_key({"rsa2048", "server.pkcs1.pem", false}).matches(load_certificate("p256/server.pem")));
}

BOOST_AUTO_TEST_CASE(generated_signing_keys_round_trip_through_pkcs8) {
  DeterministicRandom random(11);
  for (auto type : {crypto::KeyType::kEcP256, crypto::KeyType::kEcP384, crypto::KeyType::kEd25519, crypto::KeyType::kRsa}) {
    BOOST_TEST_CONTEXT("type " << static_cast<int>(type)) {
      auto signing = crypto::SigningKey::generate(type, random);
      BOOST_REQUIRE(signing.ok());
      auto key = pki::PrivateKey::from_signing_key(std::move(signing).value());
      BOOST_REQUIRE(key.ok());
      BOOST_TEST((key->type() == type));
      const SecretBytes pem = key->to_pem();
      auto again = pki::PrivateKey::from_pem(std::string_view(reinterpret_cast<const char*>(pem.data()), pem.size()));
      BOOST_REQUIRE(again.ok());
      BOOST_TEST(again->subject_public_key_info() == key->subject_public_key_info());
      BOOST_TEST(constant_time_equal(again->signing_key().private_bytes(), key->signing_key().private_bytes()));
      // openssl reads it too.
      TempFile file("key.pem");
      file.write(pem.span());
      BOOST_TEST(run_command("openssl pkey -noout -in " + shell_quote(file.path())).exit_code == 0);
    }
  }
}

BOOST_AUTO_TEST_CASE(garbage_and_truncated_keys_fail_cleanly) {
  BOOST_TEST(!pki::PrivateKey::from_der({}).ok());
  BOOST_TEST(!pki::PrivateKey::from_pem("").ok());
  BOOST_TEST(!pki::PrivateKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").ok());
  BOOST_TEST(!pki::PrivateKey::from_der(as_bytes("garbage garbage garbage")).ok());
  // A certificate is not a key.
  BOOST_TEST(!pki::PrivateKey::load(read_bytes(pki_path("p256/server.pem"))).ok());
  for (const char* file : {"rsa2048/server.pkcs1.der", "p256/server.sec1.der", "ed25519/server.pkcs8.der",
                           "p384/server.pkcs8-enc.der"}) {
    const Bytes der = read_bytes(pki_path(file));
    for (size_t cut : {size_t{1}, der.size() / 2, der.size() - 1}) {
      BOOST_TEST_CONTEXT(file << " cut at " << cut) {
        BOOST_TEST(!pki::PrivateKey::from_der(ByteSpan(der).first(cut), kPkiPassphrase).ok());
      }
    }
  }
  const std::string huge(pki::kMaxPemSize + 1, 'A');
  auto r = pki::PrivateKey::from_pem(huge);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.error().code() == ErrorCode::kLengthTooLarge));
}

BOOST_AUTO_TEST_SUITE_END()
