// Fragmenter (Flight::write) and HandshakeTransport: MTU fitting, packing,
// MTU drops, retransmission timer and peer-retransmission responses.
#include <boost/test/unit_test.hpp>

#include "base/random.hpp"
#include "handshake/transport.hpp"
#include "record_test_util.hpp"

using namespace cachet;
using namespace cachet::handshake;
using namespace std::chrono_literals;
using record::ContentType;
using record::Epoch;

namespace {

Bytes message_bytes(size_t len, uint64_t seed) {
  DeterministicRandom r(seed);
  Bytes b(len);
  (void)r.fill(b);
  return b;
}

// Feeds datagrams through a receiving record layer into a transport.
struct Receiver : record::RecordSink {
  record::RecordLayer records;
  HandshakeTransport transport;
  size_t ccs = 0;
  void on_record(const record::Record& r) override {
    if (r.type == ContentType::kHandshake) transport.on_handshake_record(r.payload);
    if (r.type == ContentType::kChangeCipherSpec) ++ccs;
  }
  void receive(std::vector<Bytes> datagrams) {
    for (Bytes& d : datagrams) records.process_datagram(d, Instant{}, *this);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(flight)

// A 4 KiB Certificate message through a 576-byte MTU arrives whole, and every
// datagram sent is <= MTU — at epoch 0 and under AES-GCM with a CID.
BOOST_AUTO_TEST_CASE(certificate_4k_through_576_mtu) {
  for (bool protected_epoch : {false, true}) {
    record::RecordLayer sender;
    Receiver rx;
    Epoch epoch(0);
    if (protected_epoch) {
      epoch = Epoch(1);
      BOOST_TEST_REQUIRE(sender.set_send_cid(Bytes{1, 2, 3, 4, 5, 6, 7, 8}).ok());
      BOOST_TEST_REQUIRE(rx.records.set_receive_cid(Bytes{1, 2, 3, 4, 5, 6, 7, 8}).ok());
      BOOST_TEST_REQUIRE(sender.install_write_epoch(epoch, test::make_protection(crypto::AeadAlgorithm::kAes128Gcm, 1)).ok());
      BOOST_TEST_REQUIRE(rx.records.install_read_epoch(epoch, test::make_protection(crypto::AeadAlgorithm::kAes128Gcm, 1), {}, rx).ok());
    }
    Flight f;
    const Bytes cert = message_bytes(4096, 1);
    f.add_handshake(epoch, HandshakeType::kServerHello, 0, message_bytes(90, 2));
    f.add_handshake(epoch, HandshakeType::kCertificate, 1, cert);
    f.add_handshake(epoch, HandshakeType::kServerHelloDone, 2, {});
    std::vector<Bytes> out;
    BOOST_TEST_REQUIRE(f.write(576, sender, out).ok());
    for (const auto& d : out) BOOST_TEST(d.size() <= 576u);
    BOOST_TEST(out.size() >= 8u);
    rx.receive(out);
    auto sh = rx.transport.next_message();
    auto c = rx.transport.next_message();
    auto done = rx.transport.next_message();
    BOOST_TEST_REQUIRE((sh && c && done));
    BOOST_TEST((c->body == cert));
    BOOST_TEST((done->type == HandshakeType::kServerHelloDone));
    BOOST_TEST(rx.records.stats().total_dropped() == 0u);
  }
}

// Every message of a flight arrives whatever the MTU, including an empty
// ServerHelloDone that falls right at the end of a full datagram (a bug
// found by interop: the empty message was never sent).
BOOST_AUTO_TEST_CASE(every_message_is_sent_at_every_mtu) {
  for (size_t mtu = 256; mtu <= 1500; mtu += 3) {
    record::RecordLayer sender;
    Receiver rx;
    Flight f;
    f.add_handshake(Epoch(0), HandshakeType::kServerHello, 0, message_bytes(59, 1));
    f.add_handshake(Epoch(0), HandshakeType::kCertificate, 1, message_bytes(646, 2));
    f.add_handshake(Epoch(0), HandshakeType::kServerKeyExchange, 2, message_bytes(296, 3));
    f.add_handshake(Epoch(0), HandshakeType::kCertificateRequest, 3, message_bytes(21, 4));
    f.add_handshake(Epoch(0), HandshakeType::kServerHelloDone, 4, {});
    std::vector<Bytes> out;
    BOOST_TEST_REQUIRE(f.write(mtu, sender, out).ok());
    for (const auto& d : out) BOOST_TEST_REQUIRE(d.size() <= mtu);
    rx.receive(out);
    size_t delivered = 0;
    while (rx.transport.next_message()) ++delivered;
    BOOST_TEST_REQUIRE(delivered == 5u, "mtu " << mtu);
  }
}

// Several small messages share one datagram.
BOOST_AUTO_TEST_CASE(small_messages_share_a_datagram) {
  record::RecordLayer sender;
  Flight f;
  f.add_handshake(Epoch(0), HandshakeType::kServerHello, 0, message_bytes(80, 3));
  f.add_handshake(Epoch(0), HandshakeType::kServerKeyExchange, 1, message_bytes(150, 4));
  f.add_handshake(Epoch(0), HandshakeType::kServerHelloDone, 2, {});
  f.add_change_cipher_spec(Epoch(0));
  std::vector<Bytes> out;
  BOOST_TEST_REQUIRE(f.write(1400, sender, out).ok());
  BOOST_TEST(out.size() == 1u);
  BOOST_TEST(out[0].size() == 3 * (13 + 12) + 80 + 150 + 13 + 1);
}

// A flight reserves its entries once; the final flight a connection keeps
// after the handshake gives the spare ones back, entries intact.
BOOST_AUTO_TEST_CASE(kept_flight_gives_back_spare_entries) {
  Flight f;
  f.add_change_cipher_spec(Epoch(0));
  f.add_handshake(Epoch(1), HandshakeType::kFinished, 5, message_bytes(12, 7));
  BOOST_TEST(f.entries().capacity() >= 5u);  // one allocation for a whole flight
  f.shrink_to_fit();
  BOOST_TEST(f.entries().capacity() == 2u);
  BOOST_TEST_REQUIRE(f.entries().size() == 2u);
  BOOST_TEST((f.entries()[0].content == ContentType::kChangeCipherSpec));
  BOOST_TEST((f.entries()[1].body == message_bytes(12, 7)));
}

BOOST_AUTO_TEST_CASE(mtu_too_small_is_an_error) {
  record::RecordLayer sender;
  Flight f;
  f.add_handshake(Epoch(0), HandshakeType::kClientHello, 0, message_bytes(100, 5));
  std::vector<Bytes> out;
  BOOST_TEST(!f.write(20, sender, out).ok());
  HandshakeTransport t;
  BOOST_TEST(!t.set_mtu(100).ok());
}

// An MTU drop mid-handshake is honoured on the next (re)transmission, and the
// receiver reassembles from fragments of both sizes.
BOOST_AUTO_TEST_CASE(mtu_drop_is_honoured_on_retransmission) {
  record::RecordLayer sender;
  Receiver rx;
  HandshakeTransport t({}, 1400);
  const Bytes cert = message_bytes(5000, 6);
  t.add_message(Epoch(0), HandshakeType::kCertificate, cert);
  std::vector<Bytes> first;
  BOOST_TEST_REQUIRE(t.send_flight(Instant{}, false, sender, first).ok());
  for (const auto& d : first) BOOST_TEST(d.size() <= 1400u);
  // Only the first datagram of the big-MTU transmission arrives.
  rx.receive({first[0]});
  BOOST_TEST_REQUIRE(t.set_mtu(600).ok());
  std::vector<Bytes> second;
  BOOST_TEST_REQUIRE(t.handle_timeout(Instant{} + 1s, sender, second).ok());
  BOOST_TEST(second.size() > first.size());
  for (const auto& d : second) BOOST_TEST(d.size() <= 600u);
  rx.receive(second);
  auto m = rx.transport.next_message();
  BOOST_TEST_REQUIRE(m.has_value());
  BOOST_TEST((m->body == cert));
}

BOOST_AUTO_TEST_CASE(timer_doubles_caps_and_gives_up) {
  RetransmitPolicy policy;
  policy.initial_timeout = 1s;
  policy.max_timeout = 8s;
  policy.max_retransmissions = 5;
  record::RecordLayer sender;
  HandshakeTransport t(policy);
  t.add_message(Epoch(0), HandshakeType::kClientHello, message_bytes(50, 7));
  std::vector<Bytes> out;
  Instant now{};
  BOOST_TEST_REQUIRE(t.send_flight(now, false, sender, out).ok());
  std::vector<Duration> gaps;
  for (int i = 0; i < 5; ++i) {
    Instant deadline = *t.next_timeout();
    gaps.push_back(deadline - now);
    // Nothing happens before the deadline.
    BOOST_TEST_REQUIRE(t.handle_timeout(deadline - 1ms, sender, out).ok());
    BOOST_TEST(t.stats().retransmissions == static_cast<uint64_t>(i));
    now = deadline;
    BOOST_TEST_REQUIRE(t.handle_timeout(now, sender, out).ok());
  }
  BOOST_TEST((gaps == std::vector<Duration>{1s, 2s, 4s, 8s, 8s}));
  BOOST_TEST(t.stats().retransmissions == 5u);
  BOOST_TEST(!t.handle_timeout(*t.next_timeout(), sender, out).ok());
  BOOST_TEST(t.timed_out());
  BOOST_TEST(!t.next_timeout().has_value());
}

BOOST_AUTO_TEST_CASE(final_flight_has_no_timer_but_answers_peer_retransmission) {
  record::RecordLayer sender;
  Receiver peer;  // we pretend the peer already delivered message 0 to us
  HandshakeTransport t;
  // We received the peer's message 0 earlier.
  record::RecordLayer peer_sender;
  HandshakeTransport peer_transport;
  peer_transport.add_message(Epoch(0), HandshakeType::kClientKeyExchange, message_bytes(30, 8));
  std::vector<Bytes> peer_flight;
  BOOST_TEST_REQUIRE(peer_transport.send_flight(Instant{}, false, peer_sender, peer_flight).ok());
  struct Sink : record::RecordSink {
    HandshakeTransport* t;
    void on_record(const record::Record& r) override { t->on_handshake_record(r.payload); }
  } sink;
  sink.t = &t;
  record::RecordLayer rx;
  for (Bytes d : peer_flight) rx.process_datagram(d, Instant{}, sink);
  BOOST_TEST(t.next_message().has_value());

  t.start_new_flight();
  t.add_message(Epoch(0), HandshakeType::kFinished, message_bytes(12, 9));
  std::vector<Bytes> out;
  BOOST_TEST_REQUIRE(t.send_flight(Instant{}, true, sender, out).ok());
  BOOST_TEST(!t.next_timeout().has_value());
  // The peer retransmits its flight: we answer with ours, once per burst.
  std::vector<Bytes> again;
  BOOST_TEST_REQUIRE(peer_transport.handle_timeout(Instant{} + 1s, peer_sender, again).ok());
  for (Bytes d : again) rx.process_datagram(d, Instant{} + 1s, sink);
  for (Bytes d : again) rx.process_datagram(d, Instant{} + 1s, sink);  // duplicated on the wire
  std::vector<Bytes> response;
  BOOST_TEST_REQUIRE(t.respond_to_peer_retransmission(Instant{} + 1s, sender, response).ok());
  BOOST_TEST(response.size() == out.size());
  BOOST_TEST_REQUIRE(t.respond_to_peer_retransmission(Instant{} + 1s, sender, response).ok());
  BOOST_TEST(response.size() == out.size());
  BOOST_TEST(t.stats().retransmissions == 1u);
  BOOST_TEST(t.stats().old_fragments >= 1u);
}

BOOST_AUTO_TEST_CASE(malformed_fragments_are_dropped_and_counted) {
  HandshakeTransport t;
  // Truncated header.
  t.on_handshake_record(Bytes{1, 0, 0});
  // Fragment past its message end.
  t.on_handshake_record(Bytes{1, 0, 0, 4, 0, 0, 0, 0, 2, 0, 0, 4, 1, 2, 3, 4});
  BOOST_TEST(t.stats().fragments_dropped == 2u);
  BOOST_TEST(!t.next_message().has_value());
  BOOST_TEST(t.reassembler().buffered_bytes() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
