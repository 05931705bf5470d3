// Real OpenSSL and GnuTLS endpoints and Cachet's Connection, in-process over
// netsim, in every pairing: the harness proving itself (OpenSSL <-> GnuTLS)
// and Cachet against both peers in both roles.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "interop/endpoint.hpp"
#include "test_util.hpp"

namespace cachet::interop {
namespace {

using namespace std::chrono_literals;

enum class Library { kOpenSsl, kGnutls, kCachet };

const char* name(Library library) {
  switch (library) {
    case Library::kOpenSsl: return "openssl";
    case Library::kGnutls: return "gnutls";
    case Library::kCachet: return "cachet";
  }
  return "?";
}

std::unique_ptr<Endpoint> make_endpoint(Library library, const EndpointConfig& config) {
  switch (library) {
    case Library::kOpenSsl: return make_openssl_endpoint(config);
    case Library::kGnutls: return make_gnutls_endpoint(config);
    case Library::kCachet: return make_cachet_endpoint(config);
  }
  return nullptr;
}

struct Pairing {
  Library client;
  Library server;
  std::string label() const { return std::string(name(client)) + " client -> " + name(server) + " server"; }
};

constexpr Pairing kAllPairings[] = {
    {Library::kOpenSsl, Library::kGnutls}, {Library::kGnutls, Library::kOpenSsl},
    {Library::kOpenSsl, Library::kOpenSsl}, {Library::kGnutls, Library::kGnutls},
    {Library::kCachet, Library::kOpenSsl}, {Library::kOpenSsl, Library::kCachet},
    {Library::kCachet, Library::kGnutls},  {Library::kGnutls, Library::kCachet},
    {Library::kCachet, Library::kCachet},
};

std::string pki(const std::string& file) { return test::data_path("interop/pki/" + file); }

EndpointConfig server_config(const std::string& cipher, bool rsa = false) {
  EndpointConfig c;
  c.is_server = true;
  c.cipher = cipher;
  c.cert_file = pki(rsa ? "server-rsa.pem" : "server.pem");
  c.key_file = pki(rsa ? "server-rsa.key" : "server.key");
  c.ca_file = pki("ca.pem");
  return c;
}

EndpointConfig client_config(const std::string& cipher) {
  EndpointConfig c;
  c.cipher = cipher;
  c.ca_file = pki("ca.pem");
  c.verify_peer = true;
  c.server_name = "localhost";
  return c;
}

const Bytes kPsk = test::hex("00112233445566778899aabbccddeeff0123456789abcdef");

void use_psk(EndpointConfig& c, Bytes key = kPsk) {
  c.psk_identity = "cachet-interop";
  c.psk = std::move(key);
  if (c.is_server) {
    c.cert_file.clear();
    c.key_file.clear();
  } else {
    c.verify_peer = false;
  }
}

struct Session {
  std::unique_ptr<Endpoint> client;
  std::unique_ptr<Endpoint> server;
  RunResult run;
  netsim::NetworkStats stats;
};

Session connect(Pairing pairing, const EndpointConfig& client, const EndpointConfig& server,
                netsim::Impairments impairments = {}, uint64_t seed = 1, std::chrono::milliseconds limit = 5s) {
  Session s;
  s.server = make_endpoint(pairing.server, server);
  s.client = make_endpoint(pairing.client, client);
  netsim::Network net(seed, std::move(impairments));
  s.run = run_handshake(*s.client, *s.server, net, limit);
  s.stats = net.stats();
  return s;
}

void check_completed(const Session& s) {
  BOOST_TEST(s.run.completed, s.run.error);
  BOOST_TEST(s.client->established());
  BOOST_TEST(s.server->established());
}

void check_suites(const std::vector<std::string>& ciphers, bool rsa) {
  for (const auto& cipher : ciphers) {
    for (const auto& pairing : kAllPairings) {
      BOOST_TEST_CONTEXT(cipher << ", " << pairing.label()) {
        const Session s = connect(pairing, client_config(cipher), server_config(cipher, rsa));
        check_completed(s);
        BOOST_TEST(s.client->cipher_name() == cipher);
        BOOST_TEST(s.server->cipher_name() == cipher);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE(interop_peers)

BOOST_AUTO_TEST_CASE(ecdhe_ecdsa_suites) {
  check_suites({"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
                "ECDHE-ECDSA-AES128-CCM", "ECDHE-ECDSA-AES128-CCM8"},
               false);
}

BOOST_AUTO_TEST_CASE(ecdhe_rsa_suites) {
  check_suites({"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305"}, true);
}

BOOST_AUTO_TEST_CASE(psk_suites) {
  for (const std::string cipher :
       {"PSK-AES128-GCM-SHA256", "PSK-AES128-CCM8", "PSK-CHACHA20-POLY1305", "ECDHE-PSK-CHACHA20-POLY1305"}) {
    for (const auto& pairing : kAllPairings) {
      BOOST_TEST_CONTEXT(cipher << ", " << pairing.label()) {
        EndpointConfig client = client_config(cipher), server = server_config(cipher);
        use_psk(client);
        use_psk(server);
        const Session s = connect(pairing, client, server);
        check_completed(s);
        BOOST_TEST(s.client->cipher_name() == cipher);
        BOOST_TEST(s.server->cipher_name() == cipher);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(psk_mismatch_fails) {
  for (const auto& pairing : kAllPairings) {
    BOOST_TEST_CONTEXT(pairing.label()) {
      EndpointConfig client = client_config("PSK-AES128-GCM-SHA256"), server = server_config("PSK-AES128-GCM-SHA256");
      use_psk(client, test::hex("ffeeddccbbaa99887766554433221100"));
      use_psk(server);
      // RFC 6347 §4.1.2.7: the Finished that does not decrypt is dropped
      // silently, so the handshake stalls (or fails) but never completes.
      const Session s = connect(pairing, client, server, {}, 1, 500ms);
      BOOST_TEST(!s.run.completed);
      BOOST_TEST(!s.server->established());
    }
  }
}

BOOST_AUTO_TEST_CASE(server_verification) {
  for (const auto& pairing : kAllPairings) {
    BOOST_TEST_CONTEXT(pairing.label()) {
      EndpointConfig wrong_name = client_config("ECDHE-ECDSA-AES128-GCM-SHA256");
      wrong_name.server_name = "not-localhost.example";
      const Session bad = connect(pairing, wrong_name, server_config("ECDHE-ECDSA-AES128-GCM-SHA256"), {}, 1, 2s);
      BOOST_TEST(!bad.run.completed);
      BOOST_TEST(bad.client->failed(), bad.run.error);

      EndpointConfig no_trust = client_config("ECDHE-ECDSA-AES128-GCM-SHA256");
      no_trust.ca_file = pki("client.pem");  // a leaf, not the issuer of the server certificate
      const Session untrusted = connect(pairing, no_trust, server_config("ECDHE-ECDSA-AES128-GCM-SHA256"), {}, 1, 2s);
      BOOST_TEST(!untrusted.run.completed);
      BOOST_TEST(untrusted.client->failed(), untrusted.run.error);
    }
  }
}

BOOST_AUTO_TEST_CASE(client_auth) {
  for (const auto& pairing : kAllPairings) {
    BOOST_TEST_CONTEXT(pairing.label()) {
      EndpointConfig server = server_config("ECDHE-ECDSA-AES128-GCM-SHA256");
      server.verify_peer = true;
      EndpointConfig client = client_config("ECDHE-ECDSA-AES128-GCM-SHA256");
      client.cert_file = pki("client.pem");
      client.key_file = pki("client.key");
      check_completed(connect(pairing, client, server));

      const Session anonymous = connect(pairing, client_config("ECDHE-ECDSA-AES128-GCM-SHA256"), server, {}, 1, 2s);
      BOOST_TEST(!anonymous.run.completed);
      BOOST_TEST(anonymous.server->failed(), anonymous.run.error);
    }
  }
}

BOOST_AUTO_TEST_CASE(srtp_profile_and_exporter) {
  constexpr std::string_view kLabel = "EXTRACTOR-dtls_srtp";  // RFC 5764 §4.2
  for (const auto& pairing : kAllPairings) {
    BOOST_TEST_CONTEXT(pairing.label()) {
      EndpointConfig client = client_config("ECDHE-ECDSA-AES128-GCM-SHA256");
      client.srtp_profiles = {"SRTP_AES128_CM_SHA1_32", "SRTP_AES128_CM_SHA1_80"};
      EndpointConfig server = server_config("ECDHE-ECDSA-AES128-GCM-SHA256");
      server.srtp_profiles = {"SRTP_AES128_CM_SHA1_80"};  // the client's second choice
      const Session s = connect(pairing, client, server);
      check_completed(s);
      BOOST_TEST(s.client->srtp_profile() == "SRTP_AES128_CM_SHA1_80");
      BOOST_TEST(s.server->srtp_profile() == "SRTP_AES128_CM_SHA1_80");
      auto client_keys = s.client->export_keying_material(kLabel, 60);
      auto server_keys = s.server->export_keying_material(kLabel, 60);
      BOOST_REQUIRE(client_keys.ok());
      BOOST_REQUIRE(server_keys.ok());
      BOOST_TEST(client_keys->size() == 60u);
      BOOST_TEST(*client_keys == *server_keys);
      BOOST_TEST(std::any_of(client_keys->begin(), client_keys->end(), [](uint8_t b) { return b != 0; }));
      auto other = s.client->export_keying_material("EXPERIMENTAL-cachet", 60);
      BOOST_REQUIRE(other.ok());
      BOOST_TEST(*other != *client_keys);
    }
  }
}

BOOST_AUTO_TEST_CASE(no_srtp_when_not_offered) {
  for (const auto& pairing : kAllPairings) {
    BOOST_TEST_CONTEXT(pairing.label()) {
      EndpointConfig server = server_config("ECDHE-ECDSA-AES128-GCM-SHA256");
      server.srtp_profiles = {"SRTP_AES128_CM_SHA1_80"};
      const Session s = connect(pairing, client_config("ECDHE-ECDSA-AES128-GCM-SHA256"), server);
      check_completed(s);
      BOOST_TEST(s.client->srtp_profile() == "");
      BOOST_TEST(s.server->srtp_profile() == "");
    }
  }
}

BOOST_AUTO_TEST_CASE(alpn_server_preference) {
  for (const auto& pairing : kAllPairings) {
    BOOST_TEST_CONTEXT(pairing.label()) {
      EndpointConfig client = client_config("ECDHE-ECDSA-CHACHA20-POLY1305");
      client.alpn = {"webrtc", "c-webrtc"};
      EndpointConfig server = server_config("ECDHE-ECDSA-CHACHA20-POLY1305");
      server.alpn = {"c-webrtc", "webrtc"};
      const Session s = connect(pairing, client, server);
      check_completed(s);
      BOOST_TEST(s.client->alpn() == "c-webrtc");
      BOOST_TEST(s.server->alpn() == "c-webrtc");
    }
  }
}

BOOST_AUTO_TEST_CASE(small_mtu) {
  constexpr size_t kMtu = 576;
  for (const auto& pairing : kAllPairings) {
    BOOST_TEST_CONTEXT(pairing.label()) {
      // RSA certificate plus client authentication: flights several times the MTU.
      EndpointConfig server = server_config("ECDHE-RSA-AES128-GCM-SHA256", true);
      server.verify_peer = true;
      server.mtu = kMtu;
      EndpointConfig client = client_config("ECDHE-RSA-AES128-GCM-SHA256");
      client.cert_file = pki("client.pem");
      client.key_file = pki("client.key");
      client.mtu = kMtu;
      netsim::Impairments impairments;
      impairments.mtu = kMtu;  // anything larger is dropped
      const Session s = connect(pairing, client, server, impairments);
      check_completed(s);
      BOOST_TEST(s.stats.too_big == 0u);
      BOOST_TEST(s.run.datagrams > 10u);  // the flights were fragmented
    }
  }
}

// The first datagram the server answers with: a HelloVerifyRequest (type 3)
// with cookies on, a ServerHello (type 2) with them off.
BOOST_AUTO_TEST_CASE(cookie_exchange) {
  constexpr size_t kRecordHeader = 13;
  for (const auto& pairing : kAllPairings) {
    for (const bool cookies : {true, false}) {
      BOOST_TEST_CONTEXT(pairing.label() << ", cookies " << cookies) {
        EndpointConfig server_cfg = server_config("ECDHE-ECDSA-AES128-GCM-SHA256");
        server_cfg.cookie_exchange = cookies;
        auto server = make_endpoint(pairing.server, server_cfg);
        auto client = make_endpoint(pairing.client, client_config("ECDHE-ECDSA-AES128-GCM-SHA256"));
        auto hello = client->poll_transmit();
        BOOST_REQUIRE(hello.has_value());
        server->handle_datagram(*hello);
        auto reply = server->poll_transmit();
        BOOST_REQUIRE(reply.has_value());
        BOOST_REQUIRE(reply->size() > kRecordHeader);
        BOOST_TEST((*reply)[0] == 22);  // handshake record
        BOOST_TEST((*reply)[kRecordHeader] == (cookies ? 3 : 2));
        client->handle_datagram(*reply);
        while (auto more = server->poll_transmit()) client->handle_datagram(*more);
        netsim::Network net(1);
        const RunResult r = run_handshake(*client, *server, net, 5s);
        BOOST_TEST(r.completed, r.error);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(lossy_network) {
  constexpr int kSeeds = 20;
  netsim::Impairments impairments;
  impairments.loss = 0.2;
  impairments.duplicate = 0.1;
  impairments.reorder = 0.1;
  impairments.delay = 2ms;
  impairments.jitter = 1ms;
  for (const auto& pairing : kAllPairings) {
    std::vector<std::chrono::milliseconds> elapsed;
    uint64_t lost = 0;
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      BOOST_TEST_CONTEXT(pairing.label() << ", seed " << seed) {
        EndpointConfig client = client_config("ECDHE-ECDSA-AES128-GCM-SHA256");
        EndpointConfig server = server_config("ECDHE-ECDSA-AES128-GCM-SHA256");
        client.initial_timeout = server.initial_timeout = 30ms;
        // The limit is the retransmission budget (30 ms doubling, ~30 s), so
        // a sanitizer build on a loaded machine still fits; every pairing's
        // max is printed below (about 0.5-1.5 s here).
        const Session s = connect(pairing, client, server, impairments, seed, 30s);
        check_completed(s);
        lost += s.stats.lost;
        elapsed.push_back(s.run.elapsed);
      }
    }
    BOOST_TEST(lost > 0u);  // the impairments were in effect
    std::sort(elapsed.begin(), elapsed.end());
    std::cout << "lossy " << pairing.label() << ": " << kSeeds << " seeds, median " << elapsed[kSeeds / 2].count()
              << " ms, max " << elapsed.back().count() << " ms\n";
  }
}

// Issue 6 acceptance 3: 200 seeded handshakes per peer (100 with Cachet as
// client, 100 as server) at 20% loss plus reordering and duplication.
BOOST_AUTO_TEST_CASE(cachet_lossy_200_per_peer) {
  // make distcheck (a second full run) sets CACHET_INTEROP_SEEDS lower.
  const char* env = std::getenv("CACHET_INTEROP_SEEDS");
  const uint64_t seeds = env != nullptr ? std::strtoull(env, nullptr, 10) : 100;
  netsim::Impairments impairments;
  impairments.loss = 0.2;
  impairments.duplicate = 0.1;
  impairments.reorder = 0.1;
  impairments.delay = 2ms;
  impairments.jitter = 1ms;
  for (Library peer : {Library::kOpenSsl, Library::kGnutls}) {
    int completed = 0;
    std::vector<std::chrono::milliseconds> elapsed;
    for (Pairing pairing : {Pairing{Library::kCachet, peer}, Pairing{peer, Library::kCachet}}) {
      for (uint64_t seed = 1; seed <= seeds; ++seed) {
        EndpointConfig client = client_config("ECDHE-ECDSA-AES128-GCM-SHA256");
        EndpointConfig server = server_config("ECDHE-ECDSA-AES128-GCM-SHA256");
        client.initial_timeout = server.initial_timeout = 30ms;
        const Session s = connect(pairing, client, server, impairments, seed, 20s);
        if (s.run.completed) {
          ++completed;
          elapsed.push_back(s.run.elapsed);
        } else {
          BOOST_ERROR(pairing.label() << ", seed " << seed << ": " << s.run.error);
        }
      }
    }
    BOOST_TEST(completed == static_cast<int>(2 * seeds));
    std::sort(elapsed.begin(), elapsed.end());
    if (!elapsed.empty()) {
      std::cout << "cachet vs " << name(peer) << ", 20% loss: " << completed << "/" << 2 * seeds << " completed, median "
                << elapsed[elapsed.size() / 2].count() << " ms, max " << elapsed.back().count() << " ms\n";
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace cachet::interop
