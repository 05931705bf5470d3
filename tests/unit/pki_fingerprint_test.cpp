// src/pki/fingerprint: equal to `openssl x509 -fingerprint` for every
// certificate of the test PKI, for SHA-1, SHA-256 and SHA-384.
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "pki/fingerprint.hpp"
#include "pki_test_util.hpp"

using namespace cachet;
using namespace cachet::test;

namespace {

std::vector<std::string> all_certificate_files() {
  std::vector<std::string> files;
  for (const char* alg : kKeyTypes) {
    for (const char* who : {"root", "int", "server", "client"}) files.push_back(std::string(alg) + "/" + who + ".pem");
  }
  for (const char* c : {"expired", "not-yet-valid", "wrong-name", "revoked", "self-signed", "bad-signature",
                        "too-long", "path-length"}) {
    files.push_back(std::string("cases/") + c + ".pem");  // the leaf (first block)
  }
  return files;
}

std::string openssl_fingerprint(const std::string& file, const char* digest) {
  const auto r = run_command("openssl x509 -noout -fingerprint -" + std::string(digest) + " -in " + shell_quote(file));
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  const auto eq = r.output.find('=');
  BOOST_REQUIRE(eq != std::string::npos);
  std::string out = r.output.substr(eq + 1);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pki_fingerprint)

BOOST_AUTO_TEST_CASE(fingerprints_equal_openssl) {
  const std::pair<const char*, crypto::HashAlgorithm> digests[] = {
      {"sha1", crypto::HashAlgorithm::kSha1},
      {"sha256", crypto::HashAlgorithm::kSha256},
      {"sha384", crypto::HashAlgorithm::kSha384}};
  const auto files = all_certificate_files();
  BOOST_REQUIRE_GE(files.size(), 20u);
  for (const std::string& file : files) {
    const auto cert = load_certificate(file);
    for (const auto& [name, alg] : digests) {
      BOOST_TEST_CONTEXT(file << " " << name) {
        const std::string ours = pki::fingerprint_hex(cert, alg);
        BOOST_TEST(ours == openssl_fingerprint(pki_path(file), name));
        BOOST_TEST(pki::fingerprint(cert, alg).size() == crypto::digest_size(alg));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(different_certificates_have_different_fingerprints) {
  const auto a = load_certificate("p256/server.pem");
  const auto b = load_certificate("p256/client.pem");
  BOOST_TEST(pki::fingerprint(a, crypto::HashAlgorithm::kSha256) != pki::fingerprint(b, crypto::HashAlgorithm::kSha256));
}

BOOST_AUTO_TEST_CASE(sdp_attribute_form) {
  const auto cert = load_certificate("p256/server.pem");
  const std::string sdp = pki::sdp_fingerprint(cert, crypto::HashAlgorithm::kSha256);
  BOOST_TEST(sdp.rfind("sha-256 ", 0) == 0u);
  BOOST_TEST(sdp.size() == 8 + 32 * 3 - 1);
  BOOST_TEST(sdp.substr(8) == openssl_fingerprint(pki_path("p256/server.pem"), "sha256"));
  BOOST_TEST(pki::fingerprint_hash_name(crypto::HashAlgorithm::kSha1) == "sha-1");
  BOOST_TEST(pki::fingerprint_hash_name(crypto::HashAlgorithm::kSha384) == "sha-384");
}

BOOST_AUTO_TEST_SUITE_END()
