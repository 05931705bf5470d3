// src/pki/certificate: loading, fields cross-checked against `openssl x509`,
// and clean failure on garbage, truncated and oversized input.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "base/hex.hpp"
#include "pki/certificate.hpp"
#include "pki_test_util.hpp"

using namespace cachet;
using namespace cachet::test;

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// `openssl x509 -noout <args>` on a certificate file, the "key=" prefix removed.
std::string openssl_field(const std::string& file, const std::string& args) {
  const auto r = run_command("openssl x509 -noout -in " + shell_quote(file) + " " + args);
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  const std::string out = trim(r.output);
  const auto eq = out.find('=');
  return eq == std::string::npos ? out : out.substr(eq + 1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pki_certificate)

BOOST_AUTO_TEST_CASE(pem_and_der_forms_load_to_the_same_certificate) {
  for (const char* alg : kKeyTypes) {
    for (const char* who : {"root", "int", "server", "client"}) {
      const std::string base = std::string(alg) + "/" + who;
      BOOST_TEST_CONTEXT(base) {
        const auto pem = load_certificate(base + ".pem");
        const auto der = load_certificate(base + ".der");
        BOOST_TEST(pem == der);
        BOOST_TEST(pem.der() == read_bytes(pki_path(base + ".der")));
        // PEM output parses back to the same certificate.
        auto again = pki::Certificate::from_pem(pem.to_pem());
        BOOST_REQUIRE(again.ok());
        BOOST_TEST(*again == pem);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(names_serial_and_validity_match_openssl) {
  for (const char* alg : kKeyTypes) {
    for (const char* who : {"root", "int", "server", "client"}) {
      const std::string file = pki_path(std::string(alg) + "/" + who + ".pem");
      BOOST_TEST_CONTEXT(file) {
        const auto cert = load_certificate(std::string(alg) + "/" + who + ".pem");
        BOOST_TEST(cert.subject().one_line() == openssl_field(file, "-subject -nameopt RFC2253"));
        BOOST_TEST(cert.issuer().one_line() == openssl_field(file, "-issuer -nameopt RFC2253"));
        // The serial as encoded keeps the 00 that makes it positive; openssl prints the number.
        std::string serial = to_hex(cert.serial());
        std::transform(serial.begin(), serial.end(), serial.begin(), ::toupper);
        if (serial.size() > 2 && serial.rfind("00", 0) == 0) serial.erase(0, 2);
        std::string expected = openssl_field(file, "-serial");
        if (expected.size() % 2) expected = "0" + expected;
        BOOST_TEST(serial == expected);
        BOOST_TEST(cert.not_before() == 1735689600);  // 2025-01-01
        BOOST_TEST(cert.not_after() == 2366841600);   // 2045-01-01
        BOOST_TEST(cert.is_ca() == (std::string(who) == "root" || std::string(who) == "int"));
        BOOST_TEST(cert.is_self_issued() == (std::string(who) == "root"));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(structured_names_and_alt_names) {
  const auto server = load_certificate("p256/server.pem");
  BOOST_TEST(server.subject().common_name().value_or("") == "server.example");
  BOOST_TEST(server.subject().find("2.5.4.10").value_or("") == "Cachet Test");
  BOOST_REQUIRE_EQUAL(server.subject().attributes().size(), 2u);
  BOOST_TEST(server.subject().attributes()[0].oid == "2.5.4.10");  // O first, as encoded
  BOOST_TEST(server.issuer().common_name().value_or("") == "Cachet Test Intermediate p256");
  BOOST_TEST(server.issuer() == load_certificate("p256/int.pem").subject());
  BOOST_TEST(!server.subject().der().empty());

  BOOST_REQUIRE_EQUAL(server.dns_names().size(), 2u);
  BOOST_TEST(server.dns_names()[0] == "server.example");
  BOOST_TEST(server.dns_names()[1] == "www.server.example");
  BOOST_REQUIRE_EQUAL(server.ip_addresses().size(), 2u);
  BOOST_TEST(server.ip_addresses()[0] == (Bytes{127, 0, 0, 1}));
  Bytes v6(16, 0);
  v6[15] = 1;
  BOOST_TEST(server.ip_addresses()[1] == v6);
  BOOST_TEST(load_certificate("p256/int.pem").dns_names().empty());
}

BOOST_AUTO_TEST_CASE(subject_public_key_info_matches_openssl) {
  for (const char* alg : kKeyTypes) {
    const std::string file = pki_path(std::string(alg) + "/server.pem");
    BOOST_TEST_CONTEXT(file) {
      TempFile spki("spki.der");
      const auto r = run_command("openssl x509 -in " + shell_quote(file) + " -noout -pubkey | openssl pkey -pubin -outform DER -out " +
                                 shell_quote(spki.path()));
      BOOST_REQUIRE_EQUAL(r.exit_code, 0);
      BOOST_TEST(load_certificate(std::string(alg) + "/server.pem").subject_public_key_info() == read_bytes(spki.path()));
    }
  }
}

BOOST_AUTO_TEST_CASE(public_key_becomes_a_crypto_verifier) {
  const std::pair<const char*, crypto::KeyType> cases[] = {
      {"p256", crypto::KeyType::kEcP256}, {"p384", crypto::KeyType::kEcP384},
      {"rsa2048", crypto::KeyType::kRsa}, {"ed25519", crypto::KeyType::kEd25519}};
  for (const auto& [alg, type] : cases) {
    BOOST_TEST_CONTEXT(alg) {
      const auto cert = load_certificate(std::string(alg) + "/server.pem");
      BOOST_TEST((cert.key_type() == type));
      auto key = cert.verifying_key();
      BOOST_REQUIRE(key.ok());
      BOOST_TEST((key->type() == type));
      if (type == crypto::KeyType::kRsa) BOOST_TEST(key->bits() == 2048u);
    }
  }
}

BOOST_AUTO_TEST_CASE(chains_load_in_order) {
  const auto chain = load_chain("p256/server-chain.pem");
  BOOST_REQUIRE_EQUAL(chain.size(), 2u);
  BOOST_TEST(chain.leaf() == load_certificate("p256/server.pem"));
  BOOST_TEST(chain[1] == load_certificate("p256/int.pem"));
  BOOST_TEST(load_chain("cases/too-long.pem").size() == 4u);
  auto again = pki::CertificateChain::from_pem(chain.to_pem());
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->size() == 2u);

  auto from_der = pki::CertificateChain::from_der_list({chain[0].der(), chain[1].der()});
  BOOST_REQUIRE(from_der.ok());
  BOOST_TEST(from_der->leaf() == chain.leaf());
}

BOOST_AUTO_TEST_CASE(garbage_truncated_and_oversized_inputs_fail_cleanly) {
  const Bytes der = read_bytes(pki_path("rsa2048/server.der"));
  const std::string pem = read_text(pki_path("rsa2048/server.pem"));

  BOOST_TEST(!pki::Certificate::from_der({}).ok());
  BOOST_TEST(!pki::Certificate::from_pem("").ok());
  BOOST_TEST(!pki::Certificate::from_der(as_bytes("not a certificate")).ok());
  BOOST_TEST(!pki::Certificate::from_pem("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n").ok());
  for (size_t cut : {size_t{1}, size_t{10}, der.size() / 2, der.size() - 1}) {
    BOOST_TEST_CONTEXT("DER cut at " << cut) {
      auto r = pki::Certificate::from_der(ByteSpan(der).first(cut));
      BOOST_TEST(!r.ok());
    }
  }
  BOOST_TEST(!pki::Certificate::from_pem(pem.substr(0, pem.size() / 2)).ok());

  Bytes trailing = der;
  trailing.push_back(0);
  auto r = pki::Certificate::from_der(trailing);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.error().code() == ErrorCode::kTrailingBytes || r.error().code() == ErrorCode::kDecodeError));

  const Bytes huge(pki::kMaxCertificateSize + 1, 0x30);
  auto big = pki::Certificate::from_der(huge);
  BOOST_REQUIRE(!big.ok());
  BOOST_TEST((big.error().code() == ErrorCode::kLengthTooLarge));
  const std::string huge_pem(pki::kMaxPemSize + 1, 'A');
  BOOST_TEST((pki::CertificateChain::from_pem(huge_pem).error().code() == ErrorCode::kLengthTooLarge));

  // More certificates than a chain may hold.
  std::string long_chain;
  for (size_t i = 0; i <= pki::kMaxChainLength; ++i) long_chain += pem;
  auto chain = pki::CertificateChain::from_pem(long_chain);
  BOOST_REQUIRE(!chain.ok());
  BOOST_TEST((chain.error().code() == ErrorCode::kLengthTooLarge));
  BOOST_TEST(!pki::CertificateChain::from_pem("no pem here").ok());
  BOOST_TEST(!pki::CertificateChain::from_der_list({}).ok());
}

BOOST_AUTO_TEST_CASE(files_are_read_with_a_cap) {
  auto data = pki::read_pki_file(pki_path("p256/server.pem"));
  BOOST_REQUIRE(data.ok());
  BOOST_TEST(pki::Certificate::load(*data).ok());
  BOOST_TEST(!pki::read_pki_file(pki_path("does-not-exist.pem")).ok());
}

BOOST_AUTO_TEST_SUITE_END()
