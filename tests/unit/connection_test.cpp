// Cachet client <-> Cachet server through the public API over netsim.
#include <boost/test/unit_test.hpp>

#include "base/random.hpp"
#include "connection_test_util.hpp"

using namespace cachet;
using namespace std::chrono_literals;
using test::pki;

namespace {

const std::vector<uint8_t> kPsk = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                   0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};

std::shared_ptr<const Context> psk_client(std::string_view suites) {
  auto ctx = ContextBuilder(Role::kClient).cipher_suites(suites).psk("client1", kPsk).build();
  BOOST_REQUIRE_MESSAGE(ctx.ok(), ctx.error().what());
  return std::move(ctx).value();
}

std::shared_ptr<const Context> psk_server(std::string_view suites) {
  auto ctx = ContextBuilder(Role::kServer)
                 .cipher_suites(suites)
                 .psk_lookup([](std::string_view id) -> std::optional<std::vector<uint8_t>> {
                   if (id == "client1") return kPsk;
                   return std::nullopt;
                 }, "hint")
                 .build();
  BOOST_REQUIRE_MESSAGE(ctx.ok(), ctx.error().what());
  return std::move(ctx).value();
}

std::shared_ptr<const Context> cert_server(const std::string& dir, std::string_view suites = {},
                                           ClientAuth auth = ClientAuth::kNone) {
  ContextBuilder b(Role::kServer);
  b.certificate_file(pki(dir + "/server-chain.pem")).private_key_file(pki(dir + "/server.key"));
  if (!suites.empty()) b.cipher_suites(suites);
  if (auth != ClientAuth::kNone) b.client_auth(auth).ca_file(pki(dir + "/root.pem"));
  auto ctx = b.build();
  BOOST_REQUIRE_MESSAGE(ctx.ok(), ctx.error().what());
  return std::move(ctx).value();
}

std::shared_ptr<const Context> cert_client(const std::string& dir, std::string_view suites = {}, bool with_cert = false) {
  ContextBuilder b(Role::kClient);
  b.ca_file(pki(dir + "/root.pem"));
  if (!suites.empty()) b.cipher_suites(suites);
  if (with_cert) b.certificate_file(pki(dir + "/client-chain.pem")).private_key_file(pki(dir + "/client.key"));
  auto ctx = b.build();
  BOOST_REQUIRE_MESSAGE(ctx.ok(), ctx.error().what());
  return std::move(ctx).value();
}

void check_data_flows(test::Link& link) {
  const std::string ping = "ping from client", pong = "pong from server";
  BOOST_TEST_REQUIRE(link.client->write(as_bytes(ping)).ok());
  BOOST_TEST_REQUIRE(link.server->write(as_bytes(pong)).ok());
  link.settle();
  auto got_ping = link.server->read();
  auto got_pong = link.client->read();
  BOOST_TEST_REQUIRE(got_ping.has_value());
  BOOST_TEST_REQUIRE(got_pong.has_value());
  BOOST_TEST(std::string(got_ping->begin(), got_ping->end()) == ping);
  BOOST_TEST(std::string(got_pong->begin(), got_pong->end()) == pong);
  auto a = link.client->export_keying_material("EXTRACTOR-dtls_srtp", 60);
  auto b = link.server->export_keying_material("EXTRACTOR-dtls_srtp", 60);
  BOOST_TEST_REQUIRE((a.ok() && b.ok()));
  BOOST_TEST((*a == *b));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(connection)

BOOST_AUTO_TEST_CASE(psk_suites_handshake_and_exchange_data) {
  for (const char* suite : {"PSK-AES128-GCM-SHA256", "PSK-AES128-CCM8", "PSK-CHACHA20-POLY1305",
                            "ECDHE-PSK-AES128-GCM-SHA256", "ECDHE-PSK-CHACHA20-POLY1305", "ECDHE-PSK-AES128-CCM8-SHA256"}) {
    BOOST_TEST_CONTEXT(suite) {
      test::Link link(psk_client(suite), psk_server(suite));
      BOOST_TEST_REQUIRE(link.handshake());
      BOOST_TEST(link.client->cipher_suite_name() == suite);
      BOOST_TEST(link.server->psk_identity() == "client1");
      BOOST_TEST(link.client->extended_master_secret());
      BOOST_TEST(link.client->stats().retransmissions == 0u);
      check_data_flows(link);
    }
  }
}

BOOST_AUTO_TEST_CASE(certificate_suites_every_key_type) {
  struct Case { const char* dir; const char* suite; };
  for (Case c : {Case{"p256", "ECDHE-ECDSA-AES128-GCM-SHA256"}, Case{"p256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
                 Case{"p256", "ECDHE-ECDSA-AES128-CCM"}, Case{"p256", "ECDHE-ECDSA-AES128-CCM8"},
                 Case{"p384", "ECDHE-ECDSA-AES256-GCM-SHA384"}, Case{"rsa2048", "ECDHE-RSA-AES128-GCM-SHA256"},
                 Case{"rsa2048", "ECDHE-RSA-AES256-GCM-SHA384"}, Case{"rsa2048", "ECDHE-RSA-CHACHA20-POLY1305"},
                 Case{"ed25519", "ECDHE-ECDSA-AES128-GCM-SHA256"}}) {
    BOOST_TEST_CONTEXT(c.dir << " " << c.suite) {
      test::Link link(cert_client(c.dir, c.suite), cert_server(c.dir, c.suite));
      BOOST_TEST_REQUIRE(link.handshake());
      BOOST_TEST(link.client->cipher_suite_name() == c.suite);
      BOOST_TEST(link.client->peer_certificates().size() == 2u);
      check_data_flows(link);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_group) {
  for (const char* group : {"X25519", "P-256", "P-384", "X448"}) {
    BOOST_TEST_CONTEXT(group) {
      // An Ed25519 certificate: no curve constraint from the client's groups.
      auto client = ContextBuilder(Role::kClient).ca_file(pki("ed25519/root.pem")).groups(group).build();
      auto server = ContextBuilder(Role::kServer)
                        .certificate_file(pki("ed25519/server-chain.pem"))
                        .private_key_file(pki("ed25519/server.key"))
                        .groups("X448:P-384:P-256:X25519")
                        .build();
      BOOST_TEST_REQUIRE((client.ok() && server.ok()));
      test::Link link(*client, *server);
      BOOST_TEST_REQUIRE(link.handshake());
      BOOST_TEST_REQUIRE(link.client->group().has_value());
      BOOST_TEST(*link.client->group() == *link.server->group());
    }
  }
}

// RFC 8422 §5.1.1: a client whose groups do not include the curve of the
// server's ECDSA certificate cannot be served with that certificate.
BOOST_AUTO_TEST_CASE(certificate_curve_must_be_in_client_groups) {
  auto client = ContextBuilder(Role::kClient).ca_file(pki("p256/root.pem")).groups("X25519").build();
  BOOST_TEST_REQUIRE(client.ok());
  test::Link link(*client, cert_server("p256"));
  BOOST_TEST(!link.handshake());
  BOOST_TEST(link.server->alert_sent().value_or(0) == 40);
  auto both = ContextBuilder(Role::kClient).ca_file(pki("p256/root.pem")).groups("X25519:P-256").build();
  test::Link ok_link(*both, cert_server("p256"));
  BOOST_TEST_REQUIRE(ok_link.handshake());
  BOOST_TEST(*ok_link.client->group() == 29);  // X25519 for the key exchange
}

BOOST_AUTO_TEST_CASE(client_authentication) {
  test::Link link(cert_client("p256", {}, true), cert_server("p256", {}, ClientAuth::kRequire));
  BOOST_TEST_REQUIRE(link.handshake());
  BOOST_TEST(link.server->peer_certificates().size() == 2u);
  check_data_flows(link);
  // Required but absent: handshake_failure.
  test::Link refused(cert_client("p256"), cert_server("p256", {}, ClientAuth::kRequire));
  BOOST_TEST(!refused.handshake());
  BOOST_TEST((refused.server->state() == ConnectionState::kFailed));
  BOOST_TEST(refused.server->alert_sent().value_or(0) == 40);
}

BOOST_AUTO_TEST_CASE(wrong_server_name_is_refused) {
  test::Link link(cert_client("p256"), cert_server("p256"), 1, {}, "other.example");
  BOOST_TEST(!link.handshake());
  BOOST_TEST((link.client->state() == ConnectionState::kFailed));
  BOOST_TEST(link.client->alert_sent().has_value());
}

BOOST_AUTO_TEST_CASE(srtp_alpn_and_sni_are_negotiated) {
  auto client = ContextBuilder(Role::kClient)
                    .ca_file(pki("p256/root.pem"))
                    .srtp_profiles("SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80")
                    .alpn({"webrtc", "c-webrtc"})
                    .build();
  auto server = ContextBuilder(Role::kServer)
                    .certificate_file(pki("p256/server-chain.pem"))
                    .private_key_file(pki("p256/server.key"))
                    .srtp_profiles("SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM")
                    .alpn({"c-webrtc", "webrtc"})
                    .build();
  BOOST_TEST_REQUIRE((client.ok() && server.ok()));
  test::Link link(*client, *server);
  BOOST_TEST_REQUIRE(link.handshake());
  BOOST_TEST(link.client->srtp_profile().value_or(0) == 0x0001);  // server preference
  // RFC 5764 §4.2: the keying material split, identical on both sides.
  auto ck = link.client->srtp_keys();
  auto sk = link.server->srtp_keys();
  BOOST_TEST_REQUIRE((ck.ok() && sk.ok()));
  BOOST_TEST(ck->client_key.size() == 16u);
  BOOST_TEST(ck->client_salt.size() == 14u);
  BOOST_TEST((ck->client_key == sk->client_key && ck->server_salt == sk->server_salt));
  auto raw = link.client->export_keying_material("EXTRACTOR-dtls_srtp", 60);
  BOOST_TEST_REQUIRE(raw.ok());
  std::vector<uint8_t> joined = ck->client_key;
  for (const auto* part : {&ck->server_key, &ck->client_salt, &ck->server_salt}) joined.insert(joined.end(), part->begin(), part->end());
  BOOST_TEST((joined == *raw));
  BOOST_TEST(link.client->alpn() == "c-webrtc");
  BOOST_TEST(link.server->server_name() == "server.example");
}

BOOST_AUTO_TEST_CASE(no_common_suite_fails_with_handshake_failure) {
  test::Link link(psk_client("PSK-AES128-GCM-SHA256"), psk_server("PSK-CHACHA20-POLY1305"));
  BOOST_TEST(!link.handshake());
  link.settle();
  BOOST_TEST(link.server->alert_sent().value_or(0) == 40);
  BOOST_TEST(link.client->alert_received().value_or(0) == 40);
}

BOOST_AUTO_TEST_CASE(wrong_psk_fails) {
  auto client = ContextBuilder(Role::kClient).cipher_suites("PSK-AES128-GCM-SHA256")
                    .psk("client1", std::vector<uint8_t>(16, 0xee)).build();
  BOOST_TEST_REQUIRE(client.ok());
  test::Link link(*client, psk_server("PSK-AES128-GCM-SHA256"));
  BOOST_TEST(!link.handshake());
  // The server cannot open the client's Finished: the records fail
  // authentication and are dropped; the client eventually times out or the
  // server reports decrypt_error/bad_record_mac. Either way: no association.
  BOOST_TEST(!link.server->is_established());
  BOOST_TEST(!link.client->is_established());
}

// Acceptance-style: 200 seeds at 20% loss with reordering and duplication.
BOOST_AUTO_TEST_CASE(lossy_network_200_seeds) {
  auto client = cert_client("p256", "ECDHE-ECDSA-AES128-GCM-SHA256");
  auto server = cert_server("p256", "ECDHE-ECDSA-AES128-GCM-SHA256");
  const netsim::Impairments imp{.loss = 0.2, .duplicate = 0.1, .reorder = 0.1, .delay = 20ms, .jitter = 10ms};
  int completed = 0;
  std::vector<double> times;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    test::Link link(client, server, seed, imp);
    if (link.handshake()) {
      ++completed;
      times.push_back(std::chrono::duration<double, std::milli>(link.now - Instant{}).count());
    } else {
      BOOST_ERROR("seed " << seed << " failed: client state " << int(link.client->state()) << " "
                          << link.client->error().what() << " / server state " << int(link.server->state()) << " "
                          << link.server->error().what() << " at " << (link.now - Instant{}).count() / 1000000 << " ms");
    }
  }
  std::sort(times.begin(), times.end());
  BOOST_TEST(completed == 200);
  if (!times.empty()) {
    std::cout << "cachet<->cachet 20% loss: " << completed << "/200, handshake ms p50 " << times[times.size() / 2]
              << " p95 " << times[times.size() * 95 / 100] << " max " << times.back() << "\n";
  }
}

// RFC 6347 §4.1.1.1: a path narrower than the configured 1400-byte MTU drops
// every large handshake datagram; after two unanswered transmissions each
// side steps down (1200, then 548) and the handshake gets through, both
// flights carrying a 2048-bit RSA chain. Application data then fits the
// lowered MTU. Without back-off, or on a path below the last rung, the
// handshake ends in a clear timeout.
BOOST_AUTO_TEST_CASE(pmtu_backoff_gets_the_handshake_through_a_narrower_path) {
  const std::string suite = "ECDHE-RSA-AES128-GCM-SHA256";
  auto client = cert_client("rsa2048", suite, true);
  auto server = cert_server("rsa2048", suite, ClientAuth::kRequire);
  for (const size_t path : {1300u, 1000u, 600u}) {
    BOOST_TEST_CONTEXT("path MTU " << path) {
      test::Link link(client, server, 1, netsim::Impairments{.mtu = path});
      BOOST_TEST_REQUIRE(link.handshake());
      BOOST_TEST(link.net.stats().too_big > 0u);
      for (Connection* c : {link.client.get(), link.server.get()}) {
        BOOST_TEST(c->stats().mtu_reductions >= 1u);
        BOOST_TEST(c->mtu() <= path);
        BOOST_TEST(c->mtu() >= 548u);
      }
      const std::vector<uint8_t> data(link.server->max_write_size(), 0x5a);
      BOOST_TEST_REQUIRE(link.server->write(data).ok());
      link.settle();
      auto got = link.client->read();
      BOOST_TEST_REQUIRE(got.has_value());
      BOOST_TEST(*got == data);
      // set_mtu() undoes the back-off.
      BOOST_TEST(link.client->set_mtu(1400).ok());
      BOOST_TEST(link.client->mtu() == 1400u);
    }
  }
  // Off: every retransmission is as large as the first, and none arrives.
  ContextBuilder fixed(Role::kClient);
  fixed.ca_file(test::pki("rsa2048/root.pem")).cipher_suites(suite).mtu_backoff(false);
  fixed.certificate_file(test::pki("rsa2048/client-chain.pem")).private_key_file(test::pki("rsa2048/client.key"));
  auto fixed_client = fixed.build();
  BOOST_TEST_REQUIRE(fixed_client.ok());
  test::Link off(*fixed_client, server, 1, netsim::Impairments{.mtu = 1000});
  BOOST_TEST(!off.handshake());
  BOOST_TEST(off.client->stats().mtu_reductions == 0u);
  BOOST_TEST(!off.client->is_established());
  // Below the last rung: a clear timeout, not a hang.
  test::Link narrow(client, server, 1, netsim::Impairments{.mtu = 400});
  BOOST_TEST(!narrow.handshake());
  BOOST_TEST((narrow.client->state() == ConnectionState::kFailed || narrow.server->state() == ConnectionState::kFailed));
  BOOST_TEST(std::string(narrow.client->error().what()).find("timed out") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(close_notify) {
  test::Link link(psk_client("PSK-AES128-GCM-SHA256"), psk_server("PSK-AES128-GCM-SHA256"));
  BOOST_TEST_REQUIRE(link.handshake());
  link.client->close();
  link.settle();
  BOOST_TEST((link.server->state() == ConnectionState::kClosed));
  BOOST_TEST(link.server->alert_received().value_or(99) == 0);
  BOOST_TEST(!link.client->write(as_bytes("after close")).ok());
}

BOOST_AUTO_TEST_CASE(bad_configuration_is_reported_by_build) {
  BOOST_TEST(!ContextBuilder(Role::kClient).cipher_suites("AES128-SHA").build().ok());
  BOOST_TEST(!ContextBuilder(Role::kClient).groups("P-521").build().ok());
  BOOST_TEST(!ContextBuilder(Role::kServer).certificate_file("/nonexistent.pem").build().ok());
  // Certificate with another key.
  BOOST_TEST(!ContextBuilder(Role::kServer)
                  .certificate_file(pki("p256/server-chain.pem"))
                  .private_key_file(pki("p384/server.key"))
                  .build()
                  .ok());
  // A verifying client without trust anchors.
  BOOST_TEST(!ContextBuilder(Role::kClient).build().ok());
  BOOST_TEST(ContextBuilder(Role::kClient).verify_peer(false).build().ok());
  // A server with nothing to serve.
  BOOST_TEST(!ContextBuilder(Role::kServer).build().ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(listener)

// The server side as a real server runs it: a Listener answers ClientHellos
// statelessly, and only a cookie-carrying one becomes a Connection.
BOOST_AUTO_TEST_CASE(handshake_through_listener) {
  auto server_ctx = cert_server("p256");
  auto listener = Listener::create(server_ctx);
  BOOST_TEST_REQUIRE(listener.ok());
  auto client = Connection::client(cert_client("p256"), "server.example");
  BOOST_TEST_REQUIRE(client.ok());
  const uint8_t addr[6] = {10, 0, 0, 1, 0x30, 0x39};
  Instant now{};
  BOOST_TEST_REQUIRE((*client)->start(now).ok());
  std::unique_ptr<Connection> server;
  for (int round = 0; round < 20 && !(server && server->is_established() && (*client)->is_established()); ++round) {
    while (auto d = (*client)->poll_transmit()) {
      if (!server) {
        auto outcome = (*listener)->check(*d, addr, now);
        if (outcome.verdict == Listener::Verdict::kReply) {
          BOOST_TEST(outcome.reply.size() <= d->size());
          (*client)->handle_datagram(outcome.reply, now);
        } else if (outcome.verdict == Listener::Verdict::kAccept) {
          auto accepted = (*listener)->accept(*d, addr, now);
          BOOST_TEST_REQUIRE(accepted.ok());
          server = std::move(accepted).value();
        }
      } else {
        server->handle_datagram(*d, now);
      }
    }
    if (server) {
      while (auto d = server->poll_transmit()) (*client)->handle_datagram(*d, now);
    }
  }
  BOOST_TEST_REQUIRE(server != nullptr);
  BOOST_TEST(server->is_established());
  BOOST_TEST((*client)->is_established());
  BOOST_TEST((*listener)->hello_verify_requests_sent() == 1u);
  BOOST_TEST((*client)->stats().retransmissions == 0u);
}

// Acceptance (issue 6 #5): a flood of 10,000 ClientHellos from spoofed
// addresses allocates no connection and draws only HelloVerifyRequests no
// larger than the ClientHello.
BOOST_AUTO_TEST_CASE(cookie_flood_from_spoofed_addresses) {
  auto listener = Listener::create(cert_server("p256"));
  BOOST_TEST_REQUIRE(listener.ok());
  auto client_ctx = cert_client("p256");
  size_t replies = 0, accepted = 0, larger = 0, max_reply = 0, min_hello = SIZE_MAX;
  for (uint32_t i = 0; i < 10000; ++i) {
    auto client = Connection::client(client_ctx, "server.example");
    BOOST_TEST_REQUIRE(client.ok());
    BOOST_TEST_REQUIRE((*client)->start(Instant{}).ok());
    auto hello = (*client)->poll_transmit();
    BOOST_TEST_REQUIRE(hello.has_value());
    const uint8_t spoofed[6] = {static_cast<uint8_t>(i >> 24), static_cast<uint8_t>(i >> 16),
                                static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i), 0x12, 0x34};
    auto outcome = (*listener)->check(*hello, spoofed, Instant{});
    if (outcome.verdict == Listener::Verdict::kReply) ++replies;
    if (outcome.verdict == Listener::Verdict::kAccept) ++accepted;
    if (outcome.reply.size() > hello->size()) ++larger;
    max_reply = std::max(max_reply, outcome.reply.size());
    min_hello = std::min(min_hello, hello->size());
    // A forged cookie does not get through either.
    if (i % 1000 == 0) {
      auto garbage = *hello;
      garbage.back() ^= 1;
      BOOST_TEST(((*listener)->check(garbage, spoofed, Instant{}).verdict != Listener::Verdict::kAccept));
    }
  }
  BOOST_TEST(replies == 10000u);
  BOOST_TEST(accepted == 0u);
  BOOST_TEST(larger == 0u);
  std::cout << "cookie flood: 10000 ClientHellos (>= " << min_hello << " bytes), 10000 HelloVerifyRequests (<= "
            << max_reply << " bytes), 0 connections\n";
}

BOOST_AUTO_TEST_CASE(garbage_is_dropped_by_listener) {
  auto listener = Listener::create(cert_server("p256"));
  BOOST_TEST_REQUIRE(listener.ok());
  const uint8_t addr[4] = {1, 2, 3, 4};
  cachet::DeterministicRandom rnd(5);
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> junk(rnd.uniform(300));
    (void)rnd.fill(junk);
    if (!junk.empty() && i % 2 == 0) junk[0] = 22;  // look like a handshake record
    BOOST_TEST(((*listener)->check(junk, addr, Instant{}).verdict == Listener::Verdict::kDrop));
  }
}

BOOST_AUTO_TEST_SUITE_END()
