// src/pki/verify: for every chain of the test PKI, Cachet's verdict, reason
// (as an X509_V_ERR_* number) and failing depth equal `openssl verify` run
// with the same trust anchor, purpose, names, depth limit and time.
#include <boost/test/unit_test.hpp>

#include <optional>
#include <regex>

#include "pki/trust_store.hpp"
#include "pki/verify.hpp"
#include "pki_test_util.hpp"

using namespace cachet;
using namespace cachet::test;
using pki::Purpose;
using pki::VerifyStatus;

namespace {

size_t count_or_zero(const Result<size_t>& r) { return r.ok() ? r.value() : 0; }

struct Case {
  std::string name;
  std::string chain;  // PEM file under tests/pki, leaf first
  std::string trust;  // CA file under tests/pki
  Purpose purpose = Purpose::kServerAuth;
  std::string host;
  std::string ip;     // dotted or colon form; empty: none
  int max_depth = -1; // -1: the default (100)
  std::string crl;    // CRL file under tests/pki; empty: no revocation check
  int64_t time = kPkiTime;
  VerifyStatus expected = VerifyStatus::kOk;

  Case(std::string n, std::string c, std::string t) : name(std::move(n)), chain(std::move(c)), trust(std::move(t)) {}
  Case& as(Purpose p) { purpose = p; return *this; }
  Case& with_host(std::string h) { host = std::move(h); return *this; }
  Case& with_ip(std::string i) { ip = std::move(i); return *this; }
  Case& with_depth(int d) { max_depth = d; return *this; }
  Case& with_crl(std::string f) { crl = std::move(f); return *this; }
  Case& at(int64_t t) { time = t; return *this; }
  Case& expect(VerifyStatus s) { expected = s; return *this; }
};

struct OpensslVerdict {
  bool ok = false;
  int error = 0;   // first "error N at D depth lookup" line
  int depth = -1;
};

OpensslVerdict openssl_verify(const Case& c, const std::string& chain_file) {
  std::string cmd = "openssl verify -attime " + std::to_string(c.time) + " -CAfile " + shell_quote(pki_path(c.trust)) +
                    " -untrusted " + shell_quote(chain_file);
  if (c.purpose == Purpose::kServerAuth) cmd += " -purpose sslserver";
  if (c.purpose == Purpose::kClientAuth) cmd += " -purpose sslclient";
  if (!c.host.empty()) cmd += " -verify_hostname " + shell_quote(c.host);
  if (!c.ip.empty()) cmd += " -verify_ip " + shell_quote(c.ip);
  if (c.max_depth >= 0) cmd += " -verify_depth " + std::to_string(c.max_depth);
  if (!c.crl.empty()) cmd += " -crl_check -CRLfile " + shell_quote(pki_path(c.crl));
  cmd += " " + shell_quote(chain_file);
  const auto r = run_command(cmd);
  OpensslVerdict v;
  std::smatch m;
  static const std::regex kError("error (\\d+) at (\\d+) depth lookup");
  if (std::regex_search(r.output, m, kError)) {
    v.error = std::stoi(m[1]);
    v.depth = std::stoi(m[2]);
  }
  v.ok = r.exit_code == 0 && v.error == 0 && r.output.find(": OK") != std::string::npos;
  BOOST_TEST_MESSAGE(c.name << ": " << cmd << "\n" << r.output);
  return v;
}

Bytes parse_ip(const std::string& text) {
  if (text.empty()) return {};
  if (text == "127.0.0.1") return {127, 0, 0, 1};
  if (text == "10.0.0.1") return {10, 0, 0, 1};
  if (text == "::1") {
    Bytes v6(16, 0);
    v6[15] = 1;
    return v6;
  }
  throw std::invalid_argument("add the address to parse_ip: " + text);
}

pki::VerifyResult cachet_verify(const Case& c, const pki::CertificateChain& chain) {
  auto trust = pki::TrustStore::create();
  BOOST_REQUIRE(trust.ok());
  BOOST_REQUIRE(trust->add_ca_file(pki_path(c.trust)).ok());
  if (!c.crl.empty()) BOOST_REQUIRE(trust->add_crl_file(pki_path(c.crl)).ok());
  pki::VerifyOptions options;
  options.purpose = c.purpose;
  options.host_name = c.host;
  options.ip_address = parse_ip(c.ip);
  if (c.max_depth >= 0) options.max_depth = c.max_depth;
  const ManualClock clock = clock_at(c.time);
  return pki::verify_chain(chain, *trust, options, clock);
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const std::string alg : kKeyTypes) {
    const std::string root = alg + "/root.pem", server = alg + "/server-chain.pem";
    cases.push_back(Case(alg + " server", server, root).with_host("server.example"));
    cases.push_back(Case(alg + " server by IP", server, root).with_ip("127.0.0.1"));
    cases.push_back(Case(alg + " client", alg + "/client-chain.pem", root).as(Purpose::kClientAuth));
    cases.push_back(Case(alg + " server as client", server, root).as(Purpose::kClientAuth).expect(VerifyStatus::kWrongPurpose));
  }
  const std::string root = "p256/root.pem", server = "p256/server-chain.pem";
  auto add = [&](Case c) { cases.push_back(std::move(c)); };
  add(Case("second DNS name", server, root).with_host("www.server.example"));
  add(Case("IPv6 address", server, root).with_ip("::1"));
  add(Case("any purpose", "p256/client-chain.pem", root).as(Purpose::kAny));
  add(Case("expired", "cases/expired.pem", root).expect(VerifyStatus::kExpired));
  add(Case("not yet valid", "cases/not-yet-valid.pem", root).expect(VerifyStatus::kNotYetValid));
  add(Case("wrong name", "cases/wrong-name.pem", root).with_host("server.example").expect(VerifyStatus::kHostnameMismatch));
  add(Case("wrong host for a good chain", server, root).with_host("other.example").expect(VerifyStatus::kHostnameMismatch));
  add(Case("wrong IP", "cases/wrong-name.pem", root).with_ip("127.0.0.1").expect(VerifyStatus::kIpAddressMismatch));
  add(Case("right IP of the wrong-name leaf", "cases/wrong-name.pem", root).with_ip("10.0.0.1"));
  add(Case("wrong purpose", "cases/wrong-purpose.pem", root).expect(VerifyStatus::kWrongPurpose));
  add(Case("self-signed untrusted", "cases/self-signed.pem", root).expect(VerifyStatus::kSelfSignedLeaf));
  add(Case("self-signed trusted", "cases/self-signed.pem", "cases/self-signed.pem").with_host("server.example"));
  add(Case("bad signature", "cases/bad-signature.pem", root).expect(VerifyStatus::kBadSignature));
  add(Case("too long", "cases/too-long.pem", root).with_depth(2).expect(VerifyStatus::kChainTooLong));
  add(Case("long but allowed", "cases/too-long.pem", root).with_depth(3));
  add(Case("long with the default depth", "cases/too-long.pem", root));
  add(Case("no intermediates allowed", server, root).with_depth(0).expect(VerifyStatus::kChainTooLong));
  add(Case("path length", "cases/path-length.pem", root).expect(VerifyStatus::kPathLengthExceeded));
  add(Case("unknown issuer", server, "p384/root.pem").expect(VerifyStatus::kUnknownIssuer));
  add(Case("missing intermediate", "p256/server.pem", root).expect(VerifyStatus::kUnknownIssuer));
  add(Case("revoked", "cases/revoked.pem", root).with_crl("cases/int-p256.crl").expect(VerifyStatus::kRevoked));
  add(Case("not revoked", server, root).with_crl("cases/int-p256.crl"));
  add(Case("revoked but no CRL loaded", "cases/revoked.pem", root));
  // Validity boundaries (2025-01-01 and 2045-01-01 for every certificate).
  add(Case("first valid second", server, root).at(1735689600));
  add(Case("one second early", server, root).at(1735689599).expect(VerifyStatus::kNotYetValid));
  add(Case("last valid second", server, root).at(2366841599));
  add(Case("at notAfter", server, root).at(2366841600).expect(VerifyStatus::kExpired));
  return cases;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pki_verify)

BOOST_AUTO_TEST_CASE(every_chain_matches_openssl_verify) {
  for (const Case& c : all_cases()) {
    BOOST_TEST_CONTEXT(c.name) {
      const std::string chain_file = pki_path(c.chain);
      const auto chain = load_chain(c.chain);
      const auto ours = cachet_verify(c, chain);
      const auto theirs = openssl_verify(c, chain_file);
      BOOST_TEST((ours.status == c.expected), "expected " << pki::verify_status_name(c.expected) << ", got "
                                                          << pki::verify_status_name(ours.status));
      BOOST_TEST(ours.ok() == theirs.ok);
      BOOST_TEST(pki::x509_verify_error(ours.status) == theirs.error);
      if (!theirs.ok) BOOST_TEST(ours.depth == theirs.depth);
    }
  }
}

BOOST_AUTO_TEST_CASE(self_signed_root_in_an_untrusted_chain) {
  // server + intermediate + its root, checked against another root.
  TempFile file("chain.pem");
  file.write(read_text(pki_path("p256/server-chain.pem")) + read_text(pki_path("p256/root.pem")));
  Case c("self-signed in chain", "", "p384/root.pem");
  auto chain = pki::CertificateChain::from_pem(read_text(file.path()));
  BOOST_REQUIRE(chain.ok());
  const auto ours = cachet_verify(c, *chain);
  const auto theirs = openssl_verify(c, file.path());
  BOOST_TEST((ours.status == VerifyStatus::kSelfSignedInChain));
  BOOST_TEST(pki::x509_verify_error(ours.status) == theirs.error);
  BOOST_TEST(ours.depth == theirs.depth);
}

BOOST_AUTO_TEST_CASE(verified_path_runs_from_leaf_to_anchor) {
  Case c("path", "p256/server-chain.pem", "p256/root.pem");
  // Presented out of order, with the trusted root included: still one path.
  auto chain = pki::CertificateChain(std::vector<pki::Certificate>{
      load_certificate("p256/server.pem"), load_certificate("p256/root.pem"), load_certificate("p256/int.pem")});
  const auto result = cachet_verify(c, chain);
  BOOST_TEST(result.ok());
  BOOST_REQUIRE_EQUAL(result.path.size(), 3u);
  BOOST_TEST(result.path[0] == load_certificate("p256/server.pem"));
  BOOST_TEST(result.path[1] == load_certificate("p256/int.pem"));
  BOOST_TEST(result.path[2] == load_certificate("p256/root.pem"));
}

BOOST_AUTO_TEST_CASE(trust_store_sources) {
  const auto chain = load_chain("rsa2048/server-chain.pem");
  const ManualClock clock = clock_at();
  pki::VerifyOptions options;

  auto empty = pki::TrustStore::create();
  BOOST_REQUIRE(empty.ok());
  BOOST_TEST((pki::verify_chain(chain, *empty, options, clock).status == VerifyStatus::kUnknownIssuer));

  auto bundle = pki::TrustStore::create();
  BOOST_REQUIRE(bundle.ok());
  auto added = bundle->add_ca_file(pki_path("all-roots.pem"));
  BOOST_REQUIRE(added.ok());
  BOOST_TEST(*added == 4u);
  BOOST_TEST(pki::verify_chain(chain, *bundle, options, clock).ok());

  auto der = pki::TrustStore::create();
  BOOST_REQUIRE(der.ok());
  BOOST_TEST(count_or_zero(der->add_ca_file(pki_path("rsa2048/root.der"))) == 1u);
  BOOST_TEST(pki::verify_chain(chain, *der, options, clock).ok());

  auto dir = pki::TrustStore::create();
  BOOST_REQUIRE(dir.ok());
  BOOST_TEST(count_or_zero(dir->add_ca_directory(pki_path("ca-dir"))) == 2u);
  BOOST_TEST(pki::verify_chain(chain, *dir, options, clock).ok());
  BOOST_TEST((pki::verify_chain(load_chain("p384/server-chain.pem"), *dir, options, clock).status ==
              VerifyStatus::kUnknownIssuer));

  auto added_cert = pki::TrustStore::create();
  BOOST_REQUIRE(added_cert.ok());
  BOOST_TEST(added_cert->add_certificate(load_certificate("rsa2048/root.pem")).ok());
  BOOST_TEST(added_cert->size() == 1u);
  BOOST_TEST(pki::verify_chain(chain, *added_cert, options, clock).ok());

  auto system = pki::TrustStore::create();
  BOOST_REQUIRE(system.ok());
  auto n = system->add_system_default();
  BOOST_REQUIRE(n.ok());
  BOOST_TEST(*n > 0u);
  // Our private roots are not among the system's.
  BOOST_TEST((pki::verify_chain(chain, *system, options, clock).status == VerifyStatus::kUnknownIssuer));

  auto bad = pki::TrustStore::create();
  BOOST_REQUIRE(bad.ok());
  BOOST_TEST(!bad->add_ca_file(pki_path("does-not-exist.pem")).ok());
  BOOST_TEST(!bad->add_ca_file(pki_path("p256/server.key")).ok());
  BOOST_TEST(!bad->add_crl_file(pki_path("p256/root.pem")).ok());
  BOOST_TEST(count_or_zero(bad->add_crl_file(pki_path("cases/int-p256.crl"))) == 1u);
}

BOOST_AUTO_TEST_CASE(empty_chain_is_refused) {
  auto trust = pki::TrustStore::create();
  BOOST_REQUIRE(trust.ok());
  const ManualClock clock = clock_at();
  const auto r = pki::verify_chain(pki::CertificateChain(), *trust, {}, clock);
  BOOST_TEST((r.status == VerifyStatus::kEmptyChain));
  BOOST_TEST(!r.ok());
}

BOOST_AUTO_TEST_CASE(statuses_map_to_openssl_codes_and_alerts) {
  BOOST_TEST(pki::x509_verify_error(VerifyStatus::kOk) == 0);
  BOOST_TEST(pki::x509_verify_error(VerifyStatus::kExpired) == 10);
  BOOST_TEST(pki::x509_verify_error(VerifyStatus::kUnknownIssuer) == 20);
  BOOST_TEST(pki::alert_for(VerifyStatus::kExpired) == 45);          // certificate_expired
  BOOST_TEST(pki::alert_for(VerifyStatus::kRevoked) == 44);          // certificate_revoked
  BOOST_TEST(pki::alert_for(VerifyStatus::kUnknownIssuer) == 48);    // unknown_ca
  BOOST_TEST(pki::alert_for(VerifyStatus::kWrongPurpose) == 43);     // unsupported_certificate
  BOOST_TEST(pki::alert_for(VerifyStatus::kBadSignature) == 51);     // decrypt_error
  BOOST_TEST(pki::alert_for(VerifyStatus::kHostnameMismatch) == 42); // bad_certificate
  for (int s = 0; s <= static_cast<int>(VerifyStatus::kInternalError); ++s) {
    BOOST_TEST(!pki::verify_status_name(static_cast<VerifyStatus>(s)).empty());
  }
}

BOOST_AUTO_TEST_SUITE_END()
