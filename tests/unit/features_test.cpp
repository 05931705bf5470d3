// Connection IDs with address rebinding (RFC 9146), raw public keys
// (RFC 7250) and record_size_limit (RFC 8449) between Cachet endpoints.
#include <boost/test/unit_test.hpp>

#include <map>

#include "base/byte_reader.hpp"
#include "connection/context_impl.hpp"
#include "connection/peer_chain_cache.hpp"
#include "connection/rtt_cache.hpp"
#include "connection_test_util.hpp"
#include "record/header.hpp"

using namespace cachet;
using namespace std::chrono_literals;


namespace {

std::shared_ptr<const Context> build(ContextBuilder& b) {
  auto ctx = b.build();
  BOOST_REQUIRE_MESSAGE(ctx.ok(), ctx.error().what());
  return std::move(ctx).value();
}

std::shared_ptr<const Context> cid_client(std::optional<size_t> cid) {
  ContextBuilder b(Role::kClient);
  b.ca_file(test::pki("p256/root.pem"));
  if (cid) b.connection_id(*cid);
  return build(b);
}

std::shared_ptr<const Context> cid_server(std::optional<size_t> cid) {
  ContextBuilder b(Role::kServer);
  b.certificate_file(test::pki("p256/server-chain.pem")).private_key_file(test::pki("p256/server.key")).cookie_exchange(false);
  if (cid) b.connection_id(*cid);
  return build(b);
}

Bytes address_bytes(netsim::Address a) {
  return Bytes{static_cast<uint8_t>(a.host >> 24), static_cast<uint8_t>(a.host >> 16), static_cast<uint8_t>(a.host >> 8),
               static_cast<uint8_t>(a.host), static_cast<uint8_t>(a.port >> 8), static_cast<uint8_t>(a.port)};
}

netsim::Address address_of(std::span<const uint8_t> b) {
  BOOST_REQUIRE(b.size() == 6u);
  return netsim::Address{static_cast<uint32_t>(b[0]) << 24 | static_cast<uint32_t>(b[1]) << 16 |
                             static_cast<uint32_t>(b[2]) << 8 | b[3],
                         static_cast<uint16_t>(b[4] << 8 | b[5])};
}

// A server behind a Listener that routes by CID or address (what a real
// server socket loop does), and one client whose source address can change.
struct Roaming {
  std::shared_ptr<const Context> server_ctx;
  std::unique_ptr<Listener> listener;
  std::map<Listener::AssociationId, std::unique_ptr<Connection>> associations;
  std::unique_ptr<Connection> client;
  netsim::Network net{1};
  Instant now{};
  netsim::Address client_addr{1, 40000};
  const netsim::Address server_addr{2, 4433};
  uint64_t unrouted = 0;

  Roaming(std::shared_ptr<const Context> c, std::shared_ptr<const Context> s) : server_ctx(std::move(s)) {
    listener = std::move(Listener::create(server_ctx)).value();
    client = std::move(Connection::client(std::move(c), "server.example")).value();
  }

  Connection& server() {
    BOOST_REQUIRE(associations.size() == 1u);
    return *associations.begin()->second;
  }

  void server_receive(netsim::Datagram& d) {
    const Bytes from = address_bytes(d.from);
    auto id = listener->route(d.bytes, from);
    if (!id) {
      // A new peer: only a ClientHello makes an association.
      auto out = listener->check(d.bytes, from, now);
      if (out.verdict != Listener::Verdict::kAccept) {
        ++unrouted;
        return;
      }
      auto conn = listener->accept(d.bytes, from, now);
      BOOST_REQUIRE(conn.ok());
      const Listener::AssociationId next = associations.size() + 1;
      BOOST_REQUIRE(listener->bind(next, **conn).ok());
      associations[next] = std::move(conn).value();
      return;
    }
    Connection& conn = *associations.at(*id);
    conn.handle_datagram(d.bytes, now, from);
    if (conn.take_peer_address_change()) BOOST_REQUIRE(listener->bind(*id, conn).ok());
    BOOST_REQUIRE(listener->bind(*id, conn).ok());  // the CID is known once negotiated
  }

  void pump() {
    while (auto d = client->poll_transmit()) net.send(client_addr, server_addr, std::move(*d), now);
    for (auto& [id, conn] : associations) {
      while (auto d = conn->poll_transmit()) net.send(server_addr, address_of(conn->peer_address()), std::move(*d), now);
    }
  }

  void run(Duration limit = 30s) {
    const Instant end = now + limit;
    for (;;) {
      pump();
      auto next = net.next_delivery();
      std::optional<Instant> t = client->next_timeout();
      for (auto& [id, conn] : associations) {
        auto ct = conn->next_timeout();
        if (ct && (!t || *ct < *t)) t = ct;
      }
      if (t && (!next || *t < *next)) next = t;
      if (!next || *next > end) return;
      now = std::max(now, *next);
      for (auto& d : net.deliver(now)) {
        if (d.to == server_addr) {
          server_receive(d);
        } else if (d.to == client_addr) {
          client->handle_datagram(d.bytes, now);
        }
      }
      if (client->next_timeout() && *client->next_timeout() <= now) client->handle_timeout(now);
      for (auto& [id, conn] : associations) {
        if (conn->next_timeout() && *conn->next_timeout() <= now) conn->handle_timeout(now);
      }
    }
  }

  // The client's next datagram, taken off before it is sent.
  Bytes client_record(std::string_view text) {
    BOOST_REQUIRE(client->write(as_bytes(text)).ok());
    auto d = client->poll_transmit();
    BOOST_REQUIRE(d.has_value());
    return std::move(*d);
  }
  void send_from(netsim::Address from, Bytes datagram) { net.send(from, server_addr, std::move(datagram), now); }

  std::vector<std::string> read_all(Connection& c) {
    std::vector<std::string> out;
    while (auto r = c.read()) out.emplace_back(r->begin(), r->end());
    return out;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(connection_id)

BOOST_AUTO_TEST_CASE(lengths_negotiated_per_direction) {
  struct Case {
    std::optional<size_t> client, server;
  };
  for (Case c : {Case{8, 4}, Case{0, 8}, Case{8, 0}, Case{20, 20}, Case{0, 0}, Case{8, std::nullopt},
                 Case{std::nullopt, 8}}) {
    BOOST_TEST_CONTEXT("client " << (c.client ? int(*c.client) : -1) << " server " << (c.server ? int(*c.server) : -1)) {
      test::Link link(cid_client(c.client), cid_server(c.server));
      BOOST_TEST_REQUIRE(link.handshake());
      const bool negotiated = c.client && c.server;
      BOOST_TEST(link.client->connection_id_negotiated() == negotiated);
      BOOST_TEST(link.server->connection_id_negotiated() == negotiated);
      if (negotiated) {
        BOOST_TEST(link.client->connection_id().size() == *c.client);
        BOOST_TEST(link.server->connection_id().size() == *c.server);
        BOOST_TEST((std::ranges::equal(link.client->peer_connection_id(), link.server->connection_id())));
        BOOST_TEST((std::ranges::equal(link.server->peer_connection_id(), link.client->connection_id())));
      }
      // RFC 9146 §4: tls12_cid records toward a peer that asked for a CID.
      BOOST_TEST_REQUIRE(link.client->write(as_bytes(std::string("x"))).ok());
      auto d = link.client->poll_transmit();
      BOOST_TEST_REQUIRE(d.has_value());
      const bool cid_on_wire = negotiated && *c.server > 0;
      BOOST_TEST(((*d)[0] == 25) == cid_on_wire);
      link.net.send(link.client_addr, link.server_addr, std::move(*d), link.now);
      link.settle();
      auto got = link.server->read();
      BOOST_TEST_REQUIRE(got.has_value());
      BOOST_TEST((*got == Bytes{'x'}));
    }
  }
}

BOOST_AUTO_TEST_CASE(nat_rebinding_keeps_the_association) {
  Roaming r(cid_client(4), cid_server(8));
  BOOST_TEST_REQUIRE(r.client->start(r.now).ok());
  r.run();
  BOOST_TEST_REQUIRE(r.client->is_established());
  BOOST_TEST_REQUIRE(r.server().is_established());
  BOOST_TEST(r.server().connection_id_negotiated());

  // Data from the original address.
  r.send_from(r.client_addr, r.client_record("before"));
  r.run(1s);
  BOOST_TEST((r.read_all(r.server()) == std::vector<std::string>{"before"}));

  // The NAT rebinds: the client's datagrams now come from another port.
  const netsim::Address old_addr = r.client_addr;
  r.client_addr = netsim::Address{1, 50001};
  r.send_from(r.client_addr, r.client_record("after rebinding"));
  r.run(1s);
  BOOST_TEST((r.read_all(r.server()) == std::vector<std::string>{"after rebinding"}));
  BOOST_TEST(r.associations.size() == 1u);  // no new handshake
  BOOST_TEST((address_of(r.server().peer_address()) == r.client_addr));
  BOOST_TEST(r.server().stats().peer_address_changes == 1u);

  // The server answers at the new address.
  BOOST_TEST_REQUIRE(r.server().write(as_bytes(std::string("reply"))).ok());
  r.run(1s);
  BOOST_TEST((r.read_all(*r.client) == std::vector<std::string>{"reply"}));
  // The old address routes nowhere by address any more... but a CID record still routes by CID.
  BOOST_TEST(!r.listener->route(Bytes{22, 0xfe, 0xfd}, address_bytes(old_addr)).has_value());
  BOOST_TEST_MESSAGE("rebinding: 1 association, " << r.server().stats().peer_address_changes
                                                  << " address change, data both ways after it");
}

BOOST_AUTO_TEST_CASE(forged_replayed_and_reordered_records_never_move_the_peer) {
  Roaming r(cid_client(0), cid_server(8));
  BOOST_TEST_REQUIRE(r.client->start(r.now).ok());
  r.run();
  BOOST_TEST_REQUIRE(r.server().is_established());
  const Bytes home = address_bytes(r.client_addr);
  const netsim::Address attacker{9, 6666};

  Bytes first = r.client_record("one");
  r.send_from(r.client_addr, first);
  r.run(1s);
  BOOST_TEST(r.read_all(r.server()).size() == 1u);

  // 1. A forged record: valid CID, failing authentication, from a new address.
  Bytes forged = r.client_record("two");
  forged[forged.size() - 1] ^= 0x01;
  r.send_from(attacker, forged);
  r.run(1s);
  BOOST_TEST(r.read_all(r.server()).empty());
  BOOST_TEST((std::ranges::equal(r.server().peer_address(), home)));

  // 2. A replay of an old, genuine record from a new address.
  r.send_from(attacker, first);
  r.run(1s);
  BOOST_TEST(r.read_all(r.server()).empty());
  BOOST_TEST((std::ranges::equal(r.server().peer_address(), home)));

  // 3. A genuine record, delivered late (older than one already seen) from
  // a new address: delivered as data (datagram semantics), but no move.
  Bytes older = r.client_record("three");
  Bytes newer = r.client_record("four");
  r.send_from(r.client_addr, newer);
  r.run(1s);
  r.send_from(attacker, older);
  r.run(1s);
  BOOST_TEST((r.read_all(r.server()) == std::vector<std::string>{"four", "three"}));
  BOOST_TEST((std::ranges::equal(r.server().peer_address(), home)));
  BOOST_TEST(r.server().stats().peer_address_changes == 0u);
  BOOST_TEST(!r.server().take_peer_address_change());
}

BOOST_AUTO_TEST_CASE(listener_table_is_capped) {
  auto server = cid_server(8);
  auto listener = std::move(Listener::create(server)).value();
  listener->set_max_associations(2);
  std::vector<std::unique_ptr<Connection>> conns;
  for (int i = 0; i < 3; ++i) {
    const uint8_t addr[6] = {10, 0, 0, static_cast<uint8_t>(i), 0, 1};
    conns.push_back(std::move(Connection::server(server, addr)).value());
  }
  BOOST_TEST(listener->bind(1, *conns[0]).ok());
  BOOST_TEST(listener->bind(2, *conns[1]).ok());
  BOOST_TEST(!listener->bind(3, *conns[2]).ok());
  BOOST_TEST(listener->associations() == 2u);
  const uint8_t a0[6] = {10, 0, 0, 0, 0, 1};
  BOOST_TEST((listener->route(Bytes{22}, a0) == std::optional<Listener::AssociationId>(1)));
  listener->unbind(1);
  BOOST_TEST(!listener->route(Bytes{22}, a0).has_value());
  BOOST_TEST(listener->bind(3, *conns[2]).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(raw_public_keys)

BOOST_AUTO_TEST_CASE(server_raw_key_pinned_by_the_client) {
  auto server = ContextBuilder(Role::kServer).private_key_file(test::pki("p256/server.key")).raw_public_key(true).build();
  BOOST_TEST_REQUIRE(server.ok());
  auto client = ContextBuilder(Role::kClient).pin_public_key_file(test::pki("p256/server.pub")).build();
  BOOST_TEST_REQUIRE(client.ok());
  test::Link link(*client, *server);
  BOOST_TEST_REQUIRE(link.handshake());
  BOOST_TEST(link.client->peer_uses_raw_public_key());
  BOOST_TEST(link.client->peer_certificates().size() == 1u);  // the SPKI
  BOOST_TEST(!link.server->peer_uses_raw_public_key());
}

BOOST_AUTO_TEST_CASE(client_raw_key_required_by_the_server) {
  auto server = ContextBuilder(Role::kServer)
                    .certificate_file(test::pki("p256/server-chain.pem"))
                    .private_key_file(test::pki("p256/server.key"))
                    .client_auth(ClientAuth::kRequire)
                    .pin_public_key_file(test::pki("p256/client.pub"))
                    .build();
  BOOST_TEST_REQUIRE(server.ok());
  auto client = ContextBuilder(Role::kClient)
                    .ca_file(test::pki("p256/root.pem"))
                    .private_key_file(test::pki("p256/client.key"))
                    .raw_public_key(true)
                    .build();
  BOOST_TEST_REQUIRE(client.ok());
  test::Link link(*client, *server);
  BOOST_TEST_REQUIRE(link.handshake());
  BOOST_TEST(link.server->peer_uses_raw_public_key());
  BOOST_TEST(!link.client->peer_uses_raw_public_key());
}

BOOST_AUTO_TEST_CASE(a_pin_also_accepts_the_same_key_in_a_certificate) {
  auto server = ContextBuilder(Role::kServer)
                    .certificate_file(test::pki("p256/server-chain.pem"))
                    .private_key_file(test::pki("p256/server.key"))
                    .build();
  auto client = ContextBuilder(Role::kClient).pin_public_key_file(test::pki("p256/server.pem")).build();
  BOOST_TEST_REQUIRE((server.ok() && client.ok()));
  test::Link link(*client, *server);
  BOOST_TEST_REQUIRE(link.handshake());
  BOOST_TEST(!link.client->peer_uses_raw_public_key());
  BOOST_TEST(link.client->peer_certificates().size() == 2u);
}

BOOST_AUTO_TEST_CASE(wrong_pin_is_bad_certificate) {
  for (bool rpk : {true, false}) {
    BOOST_TEST_CONTEXT("server presents " << (rpk ? "a raw key" : "a certificate")) {
      ContextBuilder sb(Role::kServer);
      sb.private_key_file(test::pki("p256/server.key"));
      if (rpk) sb.raw_public_key(true); else sb.certificate_file(test::pki("p256/server-chain.pem"));
      auto server = sb.build();
      auto client = ContextBuilder(Role::kClient).pin_public_key_file(test::pki("p256/client.pub")).build();
      BOOST_TEST_REQUIRE((server.ok() && client.ok()));
      test::Link link(*client, *server);
      BOOST_TEST(!link.handshake());
      BOOST_TEST((link.client->alert_sent() == std::optional<uint8_t>(42)));  // bad_certificate
    }
  }
}

BOOST_AUTO_TEST_CASE(no_common_certificate_type_is_unsupported_certificate) {
  // A raw-key-only server and a client that accepts only certificates.
  auto server = ContextBuilder(Role::kServer).private_key_file(test::pki("p256/server.key")).raw_public_key(true).build();
  auto client = ContextBuilder(Role::kClient).ca_file(test::pki("p256/root.pem")).build();
  BOOST_TEST_REQUIRE((server.ok() && client.ok()));
  test::Link link(*client, *server);
  BOOST_TEST(!link.handshake());
  BOOST_TEST((link.server->state() == ConnectionState::kFailed));
  BOOST_TEST((link.server->alert_sent() == std::optional<uint8_t>(40)));  // handshake_failure: no suite usable
}

BOOST_AUTO_TEST_CASE(the_verifier_callback_decides_when_no_pin_matches) {
  auto server = ContextBuilder(Role::kServer).private_key_file(test::pki("p256/server.key")).raw_public_key(true).build();
  BOOST_TEST_REQUIRE(server.ok());
  for (bool accept : {true, false}) {
    size_t calls = 0;
    auto client = ContextBuilder(Role::kClient)
                      .raw_public_key_verifier([&](std::span<const uint8_t> spki) {
                        ++calls;
                        return accept && spki.size() == 91;  // a P-256 SubjectPublicKeyInfo
                      })
                      .build();
    BOOST_TEST_REQUIRE(client.ok());
    test::Link link(*client, *server);
    BOOST_TEST(link.handshake() == accept);
    BOOST_TEST(calls == 1u);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(record_size_limit)

BOOST_AUTO_TEST_CASE(each_side_honours_the_limit_the_other_advertised) {
  auto client = ContextBuilder(Role::kClient).ca_file(test::pki("p256/root.pem")).record_size_limit(256).build();
  auto server = ContextBuilder(Role::kServer)
                    .certificate_file(test::pki("p256/server-chain.pem"))
                    .private_key_file(test::pki("p256/server.key"))
                    .record_size_limit(1000)
                    .build();
  BOOST_TEST_REQUIRE((client.ok() && server.ok()));
  test::Link link(*client, *server);
  BOOST_TEST_REQUIRE(link.handshake());
  BOOST_TEST((link.server->peer_record_size_limit() == std::optional<uint16_t>(256)));
  BOOST_TEST((link.client->peer_record_size_limit() == std::optional<uint16_t>(1000)));
  BOOST_TEST(link.server->max_write_size() == 256u);
  BOOST_TEST(link.client->max_write_size() == 1000u);
  BOOST_TEST(!link.server->write(Bytes(257, 1)).ok());
  BOOST_TEST(link.server->write(Bytes(256, 1)).ok());
  BOOST_TEST(!link.client->write(Bytes(1001, 2)).ok());
  BOOST_TEST(link.client->write(Bytes(1000, 2)).ok());
  link.settle();
  BOOST_TEST(link.client->read()->size() == 256u);
  BOOST_TEST(link.server->read()->size() == 1000u);
}

// The server knows the client's limit from the ClientHello: its certificate
// flight goes out in records no larger (GnuTLS 3.7 drops larger ones even
// unprotected, though RFC 8449 §4 exempts them).
BOOST_AUTO_TEST_CASE(handshake_records_fit_the_announced_limit) {
  auto client = ContextBuilder(Role::kClient).ca_file(test::pki("rsa2048/root.pem")).record_size_limit(300).build();
  auto server = ContextBuilder(Role::kServer)
                    .certificate_file(test::pki("rsa2048/server-chain.pem"))
                    .private_key_file(test::pki("rsa2048/server.key"))
                    .cookie_exchange(false)
                    .build();
  BOOST_TEST_REQUIRE((client.ok() && server.ok()));
  auto c = std::move(Connection::client(*client, "server.example")).value();
  const uint8_t addr[6] = {127, 0, 0, 1, 0, 1};
  auto s = std::move(Connection::server(*server, addr)).value();
  BOOST_TEST_REQUIRE(c->start(Instant{}).ok());
  size_t records = 0, largest = 0;
  for (int round = 0; round < 10; ++round) {
    while (auto d = c->poll_transmit()) s->handle_datagram(*d, Instant{});
    while (auto d = s->poll_transmit()) {
      ByteReader r(*d);
      while (!r.empty()) {
        auto rec = record::parse_record(r, 0);
        BOOST_TEST_REQUIRE((rec.status == record::ParseStatus::kOk));
        ++records;
        largest = std::max(largest, rec.record.fragment.size());
      }
      c->handle_datagram(*d, Instant{});
    }
  }
  BOOST_TEST_REQUIRE(c->is_established());
  BOOST_TEST(records > 6u);  // a 2-certificate RSA chain needs several records
  BOOST_TEST(largest <= 300u);
}

BOOST_AUTO_TEST_CASE(not_negotiated_unless_both_send_it_and_illegal_values_refused) {
  auto client = ContextBuilder(Role::kClient).ca_file(test::pki("p256/root.pem")).record_size_limit(300).build();
  BOOST_TEST_REQUIRE(client.ok());
  BOOST_TEST(!ContextBuilder(Role::kClient).record_size_limit(63).build().ok());
  BOOST_TEST(!ContextBuilder(Role::kClient).record_size_limit(16385).build().ok());
  auto server = ContextBuilder(Role::kServer)
                    .certificate_file(test::pki("p256/server-chain.pem"))
                    .private_key_file(test::pki("p256/server.key"))
                    .build();
  BOOST_TEST_REQUIRE(server.ok());
  test::Link link(*client, *server);
  BOOST_TEST_REQUIRE(link.handshake());
  // The server advertises its default (16384), so the client's limit holds.
  BOOST_TEST((link.server->peer_record_size_limit() == std::optional<uint16_t>(300)));
  BOOST_TEST(link.server->max_write_size() == 300u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(application_callbacks)

// OpenSSL's cookie callbacks, through the Listener: the application's cookie
// goes out in the HelloVerifyRequest and only a cookie it approves is accepted.
BOOST_AUTO_TEST_CASE(listener_cookie_callbacks) {
  auto server_ctx = ContextBuilder(Role::kServer)
                        .certificate_file(test::pki("p256/server-chain.pem"))
                        .private_key_file(test::pki("p256/server.key"))
                        .build();
  BOOST_TEST_REQUIRE(server_ctx.ok());
  for (bool approve : {true, false}) {
    auto listener = std::move(Listener::create(*server_ctx)).value();
    size_t generated = 0, verified = 0;
    listener->set_cookie_callbacks(
        [&](std::span<const uint8_t> peer) -> std::optional<std::vector<uint8_t>> {
          ++generated;
          std::vector<uint8_t> cookie = {'c', 'k'};
          cookie.insert(cookie.end(), peer.begin(), peer.end());
          return cookie;
        },
        [&](std::span<const uint8_t> peer, std::span<const uint8_t> cookie) {
          ++verified;
          return approve && cookie.size() == peer.size() + 2 && cookie[0] == 'c' &&
                 std::equal(peer.begin(), peer.end(), cookie.begin() + 2);
        });
    auto client = std::move(Connection::client(*ContextBuilder(Role::kClient).ca_file(test::pki("p256/root.pem")).build(),
                                               "server.example"))
                      .value();
    const uint8_t addr[6] = {10, 0, 0, 7, 0x30, 0x39};
    BOOST_TEST_REQUIRE(client->start(Instant{}).ok());
    auto first = client->poll_transmit();
    auto outcome = listener->check(*first, addr, Instant{});
    BOOST_TEST_REQUIRE((outcome.verdict == Listener::Verdict::kReply));
    const std::string reply(outcome.reply.begin(), outcome.reply.end());
    BOOST_TEST(reply.find(std::string("ck") + std::string(addr, addr + 6)) != std::string::npos);
    client->handle_datagram(outcome.reply, Instant{});
    auto second = client->poll_transmit();
    auto again = listener->check(*second, addr, Instant{});
    BOOST_TEST((again.verdict == (approve ? Listener::Verdict::kAccept : Listener::Verdict::kReply)));
    BOOST_TEST(generated == (approve ? 1u : 2u));
    BOOST_TEST(verified == 1u);  // a ClientHello without a cookie is not asked about (as OpenSSL)
  }
}

// OpenSSL's verify callback: the application sees the built-in verdict and
// decides; what it leaves is verify_result().
BOOST_AUTO_TEST_CASE(certificate_verifier_has_the_last_word) {
  auto server = ContextBuilder(Role::kServer)
                    .certificate_file(test::pki("p256/server-chain.pem"))
                    .private_key_file(test::pki("p256/server.key"))
                    .build();
  BOOST_TEST_REQUIRE(server.ok());
  struct Case {
    bool with_ca;
    bool accept;
  };
  for (Case c : {Case{false, true}, Case{false, false}, Case{true, true}}) {
    BOOST_TEST_CONTEXT("ca " << c.with_ca << " accept " << c.accept) {
      long seen_error = -1;
      size_t seen_chain = 0;
      ContextBuilder b(Role::kClient);
      if (c.with_ca) b.ca_file(test::pki("p256/root.pem"));
      b.certificate_verifier([&](ContextBuilder::PeerChain& peer) {
        seen_error = peer.x509_error;
        seen_chain = peer.chain.size();
        return c.accept;
      });
      auto client = b.build();
      BOOST_TEST_REQUIRE(client.ok());
      test::Link link(*client, *server);
      BOOST_TEST(link.handshake() == c.accept);
      BOOST_TEST(seen_chain == 2u);
      // Without anchors: X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY (20).
      BOOST_TEST(seen_error == (c.with_ca ? 0 : 20));
      BOOST_TEST(link.client->verify_result() == seen_error);
      if (!c.accept) BOOST_TEST((link.client->alert_sent() == std::optional<uint8_t>(48)));  // unknown_ca
    }
  }
}

// OpenSSL's PSK client callback: the identity and key are chosen from the
// server's hint during the handshake.
BOOST_AUTO_TEST_CASE(psk_client_chooses_by_hint) {
  const std::vector<uint8_t> key(16, 0x5a);
  for (const char* suite : {"PSK-AES128-GCM-SHA256", "ECDHE-PSK-AES128-GCM-SHA256"}) {
    BOOST_TEST_CONTEXT(suite) {
      auto server = ContextBuilder(Role::kServer)
                        .cipher_suites(suite)
                        .psk_lookup([&](std::string_view id) -> std::optional<std::vector<uint8_t>> {
                          if (id == "device-for-hint-42") return key;
                          return std::nullopt;
                        }, "hint-42")
                        .build();
      std::string seen_hint;
      auto client = ContextBuilder(Role::kClient)
                        .cipher_suites(suite)
                        .psk_client([&](std::string_view hint)
                                        -> std::optional<std::pair<std::string, std::vector<uint8_t>>> {
                          seen_hint = std::string(hint);
                          return std::make_pair("device-for-" + std::string(hint), key);
                        })
                        .build();
      BOOST_TEST_REQUIRE((server.ok() && client.ok()));
      test::Link link(*client, *server);
      BOOST_TEST_REQUIRE(link.handshake());
      BOOST_TEST(seen_hint == "hint-42");
      BOOST_TEST(link.server->psk_identity() == "device-for-hint-42");
    }
  }
}

// OpenSSL's ALPN select callback: the server application picks from the
// client's list; no choice means no ALPN; a choice not offered fails.
BOOST_AUTO_TEST_CASE(alpn_selector) {
  struct Case {
    std::optional<std::string> pick;
    bool completes;
  };
  for (const Case& c : {Case{"h2", true}, Case{std::nullopt, true}, Case{"ftp", false}}) {
    BOOST_TEST_CONTEXT("pick " << c.pick.value_or("none")) {
      std::vector<std::string> offered;
      auto server = ContextBuilder(Role::kServer)
                        .certificate_file(test::pki("p256/server-chain.pem"))
                        .private_key_file(test::pki("p256/server.key"))
                        .alpn_selector([&](const std::vector<std::string>& list) {
                          offered = list;
                          return c.pick;
                        })
                        .build();
      auto client = ContextBuilder(Role::kClient).ca_pem(test::read_file("pki/p256/root.pem")).alpn({"webrtc", "h2"}).build();
      BOOST_TEST_REQUIRE((server.ok() && client.ok()));
      test::Link link(*client, *server);
      BOOST_TEST(link.handshake() == c.completes);
      BOOST_TEST((offered == std::vector<std::string>{"webrtc", "h2"}));
      if (c.completes) BOOST_TEST(link.client->alpn() == c.pick.value_or(""));
    }
  }
}

// OpenSSL's msg callback, through set_message_observer: every handshake
// message one side sends, the other receives, byte for byte and in order,
// each whole with its 12-byte DTLS header; ChangeCipherSpec and the

// RFC 9147 §5.8.2 timers: 1 s without knowledge, 400 ms for DTLS-SRTP, the
// application's choice when it made one; 1.5 × the RTT measured on an
// answered flight (Karn's rule; at least 100 ms), remembered per peer by the
// Context for the next connection.
BOOST_AUTO_TEST_CASE(retransmission_timer_follows_the_round_trip) {
  using std::chrono::milliseconds;
  auto first_timeout = [](const std::shared_ptr<const Context>& ctx) -> std::optional<Duration> {
    auto probe = Connection::client(ctx, "server.example");
    if (!probe || !(*probe)->start(Instant{}).ok()) return std::nullopt;
    auto t = (*probe)->next_timeout();
    if (!t) return std::nullopt;
    return *t - Instant{};
  };
  auto server = ContextBuilder(Role::kServer)
                    .certificate_file(test::pki("p256/server-chain.pem"))
                    .private_key_file(test::pki("p256/server.key"))
                    .srtp_profiles("SRTP_AES128_CM_SHA1_80")
                    .build();
  BOOST_TEST_REQUIRE(server.ok());
  struct Case {
    const char* name;
    bool srtp;
    std::optional<Duration> configured;
    Duration first;
  };
  for (const Case& c : {Case{"default", false, std::nullopt, std::chrono::seconds(1)},
                        Case{"srtp", true, std::nullopt, milliseconds(400)},
                        Case{"configured", true, milliseconds(700), milliseconds(700)}}) {
    BOOST_TEST_CONTEXT(c.name) {
      ContextBuilder b(Role::kClient);
      b.ca_file(test::pki("p256/root.pem"));
      if (c.srtp) b.srtp_profiles("SRTP_AES128_CM_SHA1_80");
      if (c.configured) b.retransmit_timeout(*c.configured);
      auto client = b.build();
      BOOST_TEST_REQUIRE(client.ok());
      netsim::Impairments imp;
      imp.delay = milliseconds(120);  // 240 ms round trip
      // The first flight's timer, before anything is known.
      auto first = first_timeout(*client);
      BOOST_TEST((first == std::optional<Duration>(c.first)));
      test::Link link(*client, *server, 1, imp);
      BOOST_TEST(!link.client->measured_rtt().has_value());
      BOOST_TEST_REQUIRE(link.handshake());
      // Every flight was answered at once in virtual time: the RTT is the path's.
      BOOST_TEST_REQUIRE(link.client->measured_rtt().has_value());
      BOOST_TEST((*link.client->measured_rtt() == milliseconds(240)));
      BOOST_TEST((link.client->retransmit_timeout() == milliseconds(360)));
      BOOST_TEST(link.client->stats().retransmissions == 0u);

      // The next connection of this context to the same server starts at 1.5 × RTT.
      BOOST_TEST((first_timeout(*client) == std::optional<Duration>(milliseconds(360))));
      test::Link again(*client, *server, 2, imp);
      BOOST_TEST_REQUIRE(again.handshake());
      BOOST_TEST(again.client->stats().retransmissions == 0u);
    }
  }
  // A fast path gives the 100 ms floor, not 1.5 × a loopback round trip.
  auto client = ContextBuilder(Role::kClient).ca_file(test::pki("p256/root.pem")).build();
  BOOST_TEST_REQUIRE(client.ok());
  netsim::Impairments fast;
  fast.delay = milliseconds(1);
  test::Link link(*client, *server, 3, fast);
  BOOST_TEST_REQUIRE(link.handshake());
  BOOST_TEST((*link.client->measured_rtt() == milliseconds(2)));
  BOOST_TEST((link.client->retransmit_timeout() == milliseconds(100)));
}


// The per-peer RTT memory is bounded: the oldest peer leaves first.
BOOST_AUTO_TEST_CASE(rtt_cache_is_bounded) {
  RttCache cache;
  for (size_t i = 0; i < RttCache::kMaxPeers + 10; ++i) {
    cache.put("peer-" + std::to_string(i), std::chrono::milliseconds(i + 1));
  }
  BOOST_TEST(cache.size() == RttCache::kMaxPeers);
  BOOST_TEST(!cache.get("peer-0").has_value());
  BOOST_TEST(!cache.get("peer-9").has_value());
  BOOST_TEST((cache.get("peer-10") == std::optional<Duration>(std::chrono::milliseconds(11))));
  // A new measurement for a known peer replaces its value and takes no room.
  cache.put("peer-10", std::chrono::milliseconds(5));
  BOOST_TEST(cache.size() == RttCache::kMaxPeers);
  BOOST_TEST((cache.get("peer-10") == std::optional<Duration>(std::chrono::milliseconds(5))));
}

// A chain validated once is remembered: the next handshake with the same
// server skips the validation (the ServerKeyExchange signature is still
// verified). The host name is part of the key and the certificates'
// validity window still decides.
BOOST_AUTO_TEST_CASE(peer_chain_cache_remembers_only_what_still_holds) {
  int64_t clock = 1'800'000'000;  // 2027; the test PKI is valid 2025..2045
  ContextBuilder cb(Role::kClient);
  cb.ca_file(test::pki("p256/root.pem")).wall_clock([&clock] { return clock; });
  auto client = build(cb);
  auto server = cid_server(std::nullopt);
  const PeerChainCache& cache = *client->impl().peer_chains.cache;
  {
    test::Link first(client, server);
    BOOST_TEST_REQUIRE(first.handshake());
    BOOST_TEST(cache.size() == 1u);
    BOOST_TEST(cache.hits() == 0u);
    test::Link l(client, server);
    BOOST_TEST_REQUIRE(l.handshake());
    BOOST_TEST(l.client->verify_result() == 0);
    BOOST_TEST(l.client->peer_certificates().size() == 2u);
    // Both clients hold the one remembered copy of the chain, not one each.
    BOOST_TEST(&l.client->peer_certificates() == &first.client->peer_certificates());
    BOOST_TEST(l.client->peer_certificates() == first.client->peer_certificates());
  }
  BOOST_TEST(cache.hits() == 1u);
  {  // another name is another entry, and the name check fails
    test::Link l(client, server, 1, {}, "other.example");
    BOOST_TEST(!l.handshake());
    BOOST_TEST(l.client->verify_result() == 62);  // X509_V_ERR_HOSTNAME_MISMATCH
  }
  BOOST_TEST(cache.hits() == 1u);
  clock = 2'400'000'000;  // 2046: expired; the remembered outcome no longer holds
  {
    test::Link l(client, server);
    BOOST_TEST(!l.handshake());
    BOOST_TEST(l.client->verify_result() == 10);  // X509_V_ERR_CERT_HAS_EXPIRED
  }
  BOOST_TEST(cache.hits() == 1u);
  BOOST_TEST(cache.size() == 0u);

  // Off when asked; bounded, least recently used out first.
  ContextBuilder off(Role::kClient);
  off.ca_file(test::pki("p256/root.pem")).peer_chain_cache(0);
  auto uncached = build(off);
  {
    test::Link l(uncached, server);
    BOOST_TEST_REQUIRE(l.handshake());
  }
  BOOST_TEST(uncached->impl().peer_chains.cache->size() == 0u);
  PeerChainCache small(2);
  for (uint8_t i = 0; i < 3; ++i) small.put(PeerChainCache::Key{i}, PeerChainCache::Entry{nullptr, 0, 0, 100});
  BOOST_TEST(small.size() == 2u);
  BOOST_TEST(!small.find(PeerChainCache::Key{0}, 50).has_value());
  BOOST_TEST(small.find(PeerChainCache::Key{2}, 50).has_value());
  BOOST_TEST(!small.find(PeerChainCache::Key{2}, 100).has_value());  // the window's end is exclusive
}

// close_notify alert are seen leaving one side and arriving at the other.
BOOST_AUTO_TEST_CASE(message_observer_sees_what_the_peer_receives) {
  struct Seen {
    bool sent;
    uint8_t type;
    std::vector<uint8_t> bytes;
  };
  auto server = ContextBuilder(Role::kServer)
                    .certificate_file(test::pki("p256/server-chain.pem"))
                    .private_key_file(test::pki("p256/server.key"))
                    .build();
  auto client = ContextBuilder(Role::kClient).ca_file(test::pki("p256/root.pem")).build();
  BOOST_TEST_REQUIRE((server.ok() && client.ok()));
  test::Link link(*client, *server);
  std::vector<Seen> cs, ss;
  link.client->set_message_observer([&](bool sent, uint8_t type, std::span<const uint8_t> m) {
    cs.push_back(Seen{sent, type, std::vector<uint8_t>(m.begin(), m.end())});
  });
  link.server->set_message_observer([&](bool sent, uint8_t type, std::span<const uint8_t> m) {
    ss.push_back(Seen{sent, type, std::vector<uint8_t>(m.begin(), m.end())});
  });
  BOOST_TEST_REQUIRE(link.handshake());
  link.settle();
  link.client->close();
  link.settle();
  auto pick = [](const std::vector<Seen>& v, bool sent, uint8_t type) {
    std::vector<std::vector<uint8_t>> out;
    for (const auto& s : v) {
      if (s.sent == sent && s.type == type) out.push_back(s.bytes);
    }
    return out;
  };
  const auto client_sent = pick(cs, true, 22), server_sent = pick(ss, true, 22);
  BOOST_TEST(client_sent == pick(ss, false, 22));
  BOOST_TEST(server_sent == pick(cs, false, 22));
  BOOST_TEST_REQUIRE(client_sent.size() >= 3u);  // ClientHello .. ClientKeyExchange, Finished
  BOOST_TEST_REQUIRE(server_sent.size() >= 5u);  // ServerHello, Certificate, ServerKeyExchange, ServerHelloDone, Finished
  BOOST_TEST(client_sent.front()[0] == 1);       // client_hello
  BOOST_TEST(client_sent.back()[0] == 20);       // finished
  BOOST_TEST(server_sent.back()[0] == 20);
  for (const auto& m : client_sent) {
    BOOST_TEST_REQUIRE(m.size() >= 12u);
    const uint32_t length = uint32_t{m[1]} << 16 | uint32_t{m[2]} << 8 | m[3];
    const uint32_t offset = uint32_t{m[6]} << 16 | uint32_t{m[7]} << 8 | m[8];
    const uint32_t fragment = uint32_t{m[9]} << 16 | uint32_t{m[10]} << 8 | m[11];
    BOOST_TEST(length == m.size() - 12);
    BOOST_TEST(offset == 0u);
    BOOST_TEST(fragment == length);
  }
  const std::vector<std::vector<uint8_t>> ccs = {{1}};
  BOOST_TEST(pick(cs, true, 20) == ccs);
  BOOST_TEST(pick(ss, false, 20) == ccs);
  const std::vector<std::vector<uint8_t>> close_notify = {{1, 0}};
  BOOST_TEST(pick(cs, true, 21) == close_notify);
  BOOST_TEST(pick(ss, false, 21) == close_notify);
}

BOOST_AUTO_TEST_SUITE_END()
