// Session resumption (RFC 5246 §7.3, RFC 5077, RFC 7627 §5.3) between Cachet
// endpoints over netsim: by session ID and by ticket, what an abbreviated
// handshake costs, and every rule that turns a resumption into a full
// handshake or a failure.
#include <boost/test/unit_test.hpp>

#include "connection_test_util.hpp"
#include "crypto/operation_counts.hpp"
#include "session/session_state.hpp"

using namespace cachet;
using namespace std::chrono_literals;
using test::pki;

namespace {

struct Fake {
  int64_t unix_now = 1'800'000'000;
};

std::shared_ptr<const Context> server_ctx(ContextBuilder& b) {
  auto ctx = b.build();
  BOOST_REQUIRE_MESSAGE(ctx.ok(), ctx.error().what());
  return std::move(ctx).value();
}

std::shared_ptr<const Context> server_ctx(ContextBuilder&& b) {
  return server_ctx(b);
}

ContextBuilder server_builder(const std::shared_ptr<Fake>& clock, const std::string& dir = "p256") {
  ContextBuilder b(Role::kServer);
  b.certificate_file(pki(dir + "/server-chain.pem")).private_key_file(pki(dir + "/server.key"));
  b.wall_clock([clock] { return clock->unix_now; });
  return b;
}

std::shared_ptr<const Context> client_ctx(const std::shared_ptr<Fake>& clock, bool tickets = true,
                                          const std::string& dir = "p256", bool with_cert = false) {
  ContextBuilder b(Role::kClient);
  b.ca_file(pki(dir + "/root.pem")).session_tickets(tickets).wall_clock([clock] { return clock->unix_now; });
  if (with_cert) b.certificate_file(pki(dir + "/client-chain.pem")).private_key_file(pki(dir + "/client.key"));
  auto ctx = b.build();
  BOOST_REQUIRE_MESSAGE(ctx.ok(), ctx.error().what());
  return std::move(ctx).value();
}

void check_data(test::Link& link) {
  const std::string ping = "ping";
  BOOST_TEST_REQUIRE(link.client->write(as_bytes(ping)).ok());
  BOOST_TEST_REQUIRE(link.server->write(as_bytes(ping)).ok());
  link.settle();
  auto a = link.server->read();
  auto b = link.client->read();
  BOOST_TEST_REQUIRE((a && b));
  BOOST_TEST(std::string(a->begin(), a->end()) == ping);
  auto ka = link.client->export_keying_material("EXTRACTOR-dtls_srtp", 60);
  auto kb = link.server->export_keying_material("EXTRACTOR-dtls_srtp", 60);
  BOOST_TEST_REQUIRE((ka.ok() && kb.ok()));
  BOOST_TEST((*ka == *kb));
}

// One full handshake; returns the client's session.
Session first_session(std::shared_ptr<const Context> client, std::shared_ptr<const Context> server) {
  test::Link link(std::move(client), std::move(server));
  BOOST_TEST_REQUIRE(link.handshake());
  BOOST_TEST(!link.client->resumed());
  BOOST_TEST(!link.server->resumed());
  Session s = link.client->session();
  BOOST_TEST_REQUIRE(s.valid());
  return s;
}

struct Cost {
  uint64_t pk_operations;
  uint64_t flights;
  uint64_t datagrams;
};

Cost handshake_cost(test::Link& link) {
  const uint64_t before = crypto::public_key_operations().total();
  BOOST_TEST_REQUIRE(link.handshake());
  link.settle();
  const auto cs = link.client->stats(), ss = link.server->stats();
  return Cost{crypto::public_key_operations().total() - before, cs.flights_sent + ss.flights_sent,
              cs.datagrams_sent + ss.datagrams_sent};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(resumption)

BOOST_AUTO_TEST_CASE(by_session_id_is_abbreviated_and_costs_no_public_key_operation) {
  auto clock = std::make_shared<Fake>();
  // Tickets off on the server: only the session ID can resume.
  auto server = server_ctx(server_builder(clock).session_tickets(false).cookie_exchange(false));
  auto client = client_ctx(clock);
  test::Link full(client, server);
  const Cost full_cost = handshake_cost(full);
  Session session = full.client->session();
  BOOST_TEST_REQUIRE(session.valid());
  BOOST_TEST(session.id().size() == 32u);
  BOOST_TEST(!session.has_ticket());
  BOOST_TEST(session.extended_master_secret());

  test::Link resumed(client, server, 2, {}, "server.example", session);
  const Cost cost = handshake_cost(resumed);
  BOOST_TEST(resumed.client->resumed());
  BOOST_TEST(resumed.server->resumed());
  BOOST_TEST(resumed.client->cipher_suite() == full.client->cipher_suite());
  // RFC 5246 §7.3: no certificate, no key exchange, no signature.
  BOOST_TEST(full_cost.pk_operations >= 5u);
  BOOST_TEST(cost.pk_operations == 0u);
  // Full: ClientHello | server flight | client flight | CCS+Finished = 4.
  // Abbreviated: ClientHello | ServerHello..Finished | CCS+Finished = 3.
  BOOST_TEST(full_cost.flights == 4u);
  BOOST_TEST(cost.flights == 3u);
  BOOST_TEST_MESSAGE("full handshake: " << full_cost.pk_operations << " public-key operations, " << full_cost.flights
                                        << " flights, " << full_cost.datagrams << " datagrams; resumed: "
                                        << cost.pk_operations << ", " << cost.flights << ", " << cost.datagrams);
  // The peer identity survives resumption.
  BOOST_TEST(resumed.client->peer_certificates() == full.client->peer_certificates());
  check_data(resumed);
}

BOOST_AUTO_TEST_CASE(by_ticket_without_a_session_cache) {
  auto clock = std::make_shared<Fake>();
  auto server = server_ctx(server_builder(clock).session_cache(nullptr).cookie_exchange(false));
  auto client = client_ctx(clock);
  Session session = first_session(client, server);
  BOOST_TEST(session.has_ticket());
  BOOST_TEST(session.id().empty());  // no cache: nothing to resume by ID
  test::Link resumed(client, server, 3, {}, "server.example", session);
  const Cost cost = handshake_cost(resumed);
  BOOST_TEST(resumed.client->resumed());
  BOOST_TEST(resumed.server->resumed());
  BOOST_TEST(cost.pk_operations == 0u);
  BOOST_TEST(cost.flights == 3u);
  check_data(resumed);
  // The ticket is still under the current key: no new one, the session the
  // client keeps is the same ticket again and resumes once more.
  Session again = resumed.client->session();
  BOOST_TEST_REQUIRE(again.valid());
  test::Link third(client, server, 4, {}, "server.example", again);
  BOOST_TEST_REQUIRE(third.handshake());
  BOOST_TEST(third.server->resumed());
}

BOOST_AUTO_TEST_CASE(with_cookie_exchange_and_client_authentication) {
  auto clock = std::make_shared<Fake>();
  auto server = server_ctx(server_builder(clock).client_auth(ClientAuth::kRequire).ca_file(pki("p256/root.pem")));
  auto client = client_ctx(clock, true, "p256", true);
  test::Link full(client, server);
  BOOST_TEST_REQUIRE(full.handshake());
  const auto client_chain = full.server->peer_certificates();
  BOOST_TEST(client_chain.size() == 2u);
  test::Link resumed(client, server, 5, {}, "server.example", full.client->session());
  const Cost cost = handshake_cost(resumed);
  BOOST_TEST(resumed.server->resumed());
  BOOST_TEST(cost.pk_operations == 0u);
  // HelloVerifyRequest + the three abbreviated flights + the second ClientHello.
  BOOST_TEST(cost.flights == 5u);
  // The server still knows who the client is.
  BOOST_TEST(resumed.server->peer_certificates() == client_chain);
  check_data(resumed);
}

// Ticket keys shared by two servers, one of which requires client
// certificates: a session made without one is not resumed there.
BOOST_AUTO_TEST_CASE(no_resumption_around_required_client_authentication) {
  auto clock = std::make_shared<Fake>();
  auto keys = std::make_shared<TicketKeys>();
  auto open_server = server_ctx(server_builder(clock).ticket_keys(keys).session_cache(nullptr));
  auto strict_server = server_ctx(server_builder(clock)
                                      .ticket_keys(keys)
                                      .session_cache(nullptr)
                                      .client_auth(ClientAuth::kRequire)
                                      .ca_file(pki("p256/root.pem")));
  auto client = client_ctx(clock, true, "p256", true);
  Session session = first_session(client, open_server);
  test::Link link(client, strict_server, 21, {}, "server.example", session);
  BOOST_TEST_REQUIRE(link.handshake());
  BOOST_TEST(!link.server->resumed());
  BOOST_TEST(link.server->peer_certificates().size() == 2u);  // a full handshake authenticated the client
  // And the session made there resumes there.
  test::Link again(client, strict_server, 22, {}, "server.example", link.client->session());
  BOOST_TEST_REQUIRE(again.handshake());
  BOOST_TEST(again.server->resumed());
}

BOOST_AUTO_TEST_CASE(psk_session_resumes) {
  auto clock = std::make_shared<Fake>();
  const std::vector<uint8_t> key(16, 0x42);
  auto server = server_ctx(ContextBuilder(Role::kServer)
                               .psk_lookup([key](std::string_view id) -> std::optional<std::vector<uint8_t>> {
                                 if (id == "dev1") return key;
                                 return std::nullopt;
                               })
                               .wall_clock([clock] { return clock->unix_now; }));
  auto client = ContextBuilder(Role::kClient).cipher_suites("PSK-AES128-GCM-SHA256").psk("dev1", key).build();
  BOOST_TEST_REQUIRE(client.ok());
  test::Link full(*client, server);
  BOOST_TEST_REQUIRE(full.handshake());
  test::Link resumed(*client, server, 6, {}, "server.example", full.client->session());
  BOOST_TEST_REQUIRE(resumed.handshake());
  BOOST_TEST(resumed.server->resumed());
  BOOST_TEST(resumed.server->psk_identity() == "dev1");
}

BOOST_AUTO_TEST_CASE(survives_loss_reordering_and_duplication) {
  auto clock = std::make_shared<Fake>();
  auto server = server_ctx(server_builder(clock));
  auto client = client_ctx(clock);
  Session session = first_session(client, server);
  netsim::Impairments imp;
  imp.loss = 0.2;
  imp.duplicate = 0.1;
  imp.reorder = 0.2;
  int resumed_count = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    test::Link link(client, server, seed, imp, "server.example", session);
    // Ten retransmissions span 303 s of virtual time (RFC 6347 timer).
    const bool done = link.handshake(std::chrono::minutes(6));
    if (!done) {
      BOOST_TEST_MESSAGE("seed " << seed << " client " << int(link.client->state()) << " server "
                                 << int(link.server->state()) << " client err " << link.client->error().what()
                                 << " server err " << link.server->error().what() << " now "
                                 << link.now.since_origin.count() / 1000000 << " ms; net sent " << link.net.stats().sent
                                 << " lost " << link.net.stats().lost << " server sent " << link.server->stats().datagrams_sent
                                 << " server received " << link.server->stats().datagrams_received << " client sent "
                                 << link.client->stats().datagrams_sent << " client received "
                                 << link.client->stats().datagrams_received);
    }
    BOOST_TEST_REQUIRE(done, "seed " << seed);
    resumed_count += link.client->resumed() && link.server->resumed();
    BOOST_TEST(link.client->resumed() == link.server->resumed());
  }
  BOOST_TEST(resumed_count == 40);
}

BOOST_AUTO_TEST_CASE(full_handshake_when_the_session_cannot_be_resumed) {
  auto clock = std::make_shared<Fake>();
  auto cache = std::make_shared<SessionCache>(100, std::chrono::seconds(600));
  auto server = server_ctx(server_builder(clock).session_tickets(false).session_cache(cache));
  auto client = client_ctx(clock);
  Session session = first_session(client, server);
  // Another server name (RFC 6066 §3): the client does not even offer it.
  {
    test::Link link(client, server, 7, {}, "other.example", session);
    link.handshake();
    BOOST_TEST(!link.client->resumed());
  }
  // The server forgot it.
  {
    cache->clear();
    test::Link link(client, server, 8, {}, "server.example", session);
    BOOST_TEST_REQUIRE(link.handshake());
    BOOST_TEST(!link.client->resumed());
    BOOST_TEST(!link.server->resumed());
    session = link.client->session();
  }
  // Past the cache lifetime (the client still offers: its session says 600 s too).
  {
    clock->unix_now += 601;
    test::Link link(client, server, 9, {}, "server.example", session);
    BOOST_TEST_REQUIRE(link.handshake());
    BOOST_TEST(!link.server->resumed());
    session = link.client->session();
  }
  // A client configured with other suites does not offer a session of a suite it no longer allows.
  {
    auto narrow = ContextBuilder(Role::kClient)
                      .ca_file(pki("p256/root.pem"))
                      .cipher_suites(session.cipher_suite() == 0xc02b ? "ECDHE-ECDSA-CHACHA20-POLY1305"
                                                                      : "ECDHE-ECDSA-AES128-GCM-SHA256")
                      .wall_clock([clock] { return clock->unix_now; })
                      .build();
    BOOST_TEST_REQUIRE(narrow.ok());
    test::Link link(*narrow, server, 10, {}, "server.example", session);
    BOOST_TEST_REQUIRE(link.handshake());
    BOOST_TEST(!link.server->resumed());
  }
}

BOOST_AUTO_TEST_CASE(a_damaged_ticket_means_a_full_handshake_and_a_new_ticket) {
  auto clock = std::make_shared<Fake>();
  auto server = server_ctx(server_builder(clock).session_cache(nullptr));
  auto client = client_ctx(clock);
  Session session = first_session(client, server);
  auto st = session.state()->copy();
  st.ticket[st.ticket.size() / 2] ^= 0x01;
  Session damaged(std::make_shared<session::SessionState>(std::move(st)));
  test::Link link(client, server, 11, {}, "server.example", damaged);
  BOOST_TEST_REQUIRE(link.handshake());
  BOOST_TEST(!link.server->resumed());
  Session fresh = link.client->session();
  BOOST_TEST(fresh.has_ticket());
  BOOST_TEST(!std::equal(fresh.state()->ticket.begin(), fresh.state()->ticket.end(), session.state()->ticket.begin(),
                         session.state()->ticket.end()));
  // Tickets from another server's keys are refused the same way.
  auto other = server_ctx(server_builder(clock).session_cache(nullptr));
  test::Link elsewhere(client, other, 12, {}, "server.example", fresh);
  BOOST_TEST_REQUIRE(elsewhere.handshake());
  BOOST_TEST(!elsewhere.server->resumed());
}

BOOST_AUTO_TEST_CASE(ticket_keys_rotation_renews_tickets) {
  auto clock = std::make_shared<Fake>();
  auto keys = std::make_shared<TicketKeys>(std::chrono::seconds(3600), std::chrono::seconds(7200));
  auto server = server_ctx(server_builder(clock).session_cache(nullptr).ticket_keys(keys));
  auto client = client_ctx(clock);
  Session session = first_session(client, server);
  const Bytes original = session.state()->ticket;
  // One rotation later the ticket still resumes, and a new one comes back.
  clock->unix_now += 3601;
  test::Link link(client, server, 13, {}, "server.example", session);
  BOOST_TEST_REQUIRE(link.handshake());
  BOOST_TEST(link.server->resumed());
  Session renewed = link.client->session();
  BOOST_TEST(renewed.state()->ticket != original);
  // Renewal never extends the session: it keeps its birth time.
  BOOST_TEST(renewed.created_unix() == session.created_unix());
  // Past the lifetime nothing resumes.
  clock->unix_now += 3600;
  test::Link late(client, server, 14, {}, "server.example", renewed);
  BOOST_TEST_REQUIRE(late.handshake());
  BOOST_TEST(!late.server->resumed());
}

// RFC 7627 §5.3, server side: a cached session without EMS is not resumed
// by a client offering EMS (full handshake instead).
BOOST_AUTO_TEST_CASE(ems_rules_server_side) {
  auto clock = std::make_shared<Fake>();
  auto cache = std::make_shared<SessionCache>();
  auto server = server_ctx(server_builder(clock).session_tickets(false).session_cache(cache));
  auto client = client_ctx(clock, false);
  Session session = first_session(client, server);
  auto server_copy = cache->find(session.id(), clock->unix_now);
  BOOST_TEST_REQUIRE(server_copy != nullptr);
  auto downgraded = std::make_shared<session::SessionState>(server_copy->copy());
  downgraded->extended_master_secret = false;
  cache->insert(session.id(), downgraded, clock->unix_now);
  test::Link link(client, server, 15, {}, "server.example", session);
  BOOST_TEST_REQUIRE(link.handshake());
  BOOST_TEST(!link.server->resumed());
  BOOST_TEST(link.server->extended_master_secret());
}

// RFC 7627 §5.3, client side: a session without EMS resumed by a server that
// now does EMS (or the reverse) is aborted with handshake_failure.
BOOST_AUTO_TEST_CASE(ems_rules_client_side) {
  auto clock = std::make_shared<Fake>();
  auto server = server_ctx(server_builder(clock).session_tickets(false));
  auto lenient = ContextBuilder(Role::kClient)
                     .ca_file(pki("p256/root.pem"))
                     .require_extended_master_secret(false)
                     .session_tickets(false)
                     .wall_clock([clock] { return clock->unix_now; })
                     .build();
  BOOST_TEST_REQUIRE(lenient.ok());
  Session session = first_session(*lenient, server);
  auto st = session.state()->copy();
  st.extended_master_secret = false;  // the client remembers no EMS
  Session forged(std::make_shared<session::SessionState>(std::move(st)));
  test::Link link(*lenient, server, 16, {}, "server.example", forged);
  BOOST_TEST(!link.handshake());
  BOOST_TEST((link.client->state() == ConnectionState::kFailed));
  BOOST_TEST((link.client->alert_sent() == std::optional<uint8_t>(40)));  // handshake_failure
}

BOOST_AUTO_TEST_CASE(serialized_sessions_resume_across_processes) {
  auto clock = std::make_shared<Fake>();
  auto server = server_ctx(server_builder(clock));
  auto client = client_ctx(clock);
  Session session = first_session(client, server);
  auto bytes = session.serialize();
  auto parsed = Session::parse(bytes);
  BOOST_TEST_REQUIRE(parsed.ok());
  test::Link link(client, server, 17, {}, "server.example", *parsed);
  BOOST_TEST_REQUIRE(link.handshake());
  BOOST_TEST(link.server->resumed());
  bytes[bytes.size() / 2] ^= 0xff;  // nothing malformed parses into a session
  auto bad = Session::parse(std::span<const uint8_t>(bytes.data(), bytes.size() - 1));
  BOOST_TEST(!bad.ok());
}

BOOST_AUTO_TEST_SUITE_END()
