// Reassembler: property test over random fragmentations, the CVE patterns of
// other stacks, and the caps.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "base/random.hpp"
#include "handshake/reassembler.hpp"

using namespace cachet;
using namespace cachet::handshake;
using Outcome = Reassembler::Outcome;

namespace {

Bytes message_bytes(size_t len, uint64_t seed) {
  DeterministicRandom r(seed);
  Bytes b(len);
  (void)r.fill(b);
  return b;
}

FragmentHeader header(HandshakeType type, uint32_t len, uint16_t seq, uint32_t off, uint32_t flen) {
  return FragmentHeader{type, len, seq, off, flen};
}

Outcome add(Reassembler& r, HandshakeType type, const Bytes& msg, uint16_t seq, uint32_t off, uint32_t flen) {
  return r.add_fragment(header(type, static_cast<uint32_t>(msg.size()), seq, off, flen),
                        ByteSpan(msg).subspan(off, flen));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reassembler)

// Any message up to the cap, cut into random fragments delivered in random
// order with duplicates and overlaps, reassembles exactly.
BOOST_AUTO_TEST_CASE(random_fragmentation_reassembles_exactly) {
  DeterministicRandom rnd(2024);
  for (int iter = 0; iter < 400; ++iter) {
    const size_t len = iter == 0 ? Reassembler::kDefaultMaxMessageSize : rnd.uniform(6000);
    const Bytes msg = message_bytes(len, iter);
    // Random cut points, then random extra overlapping fragments and duplicates.
    std::vector<std::pair<uint32_t, uint32_t>> frags;
    uint32_t off = 0;
    while (off < len) {
      uint32_t flen = static_cast<uint32_t>(1 + rnd.uniform(std::min<size_t>(len - off, 1500)));
      frags.emplace_back(off, flen);
      off += flen;
    }
    if (len == 0) frags.emplace_back(0, 0);
    const size_t extra = rnd.uniform(5);
    for (size_t i = 0; i < extra && len > 0; ++i) {
      uint32_t o = static_cast<uint32_t>(rnd.uniform(len));
      uint32_t l = static_cast<uint32_t>(1 + rnd.uniform(len - o));
      frags.emplace_back(o, l);
    }
    if (!frags.empty()) frags.push_back(frags[rnd.uniform(frags.size())]);  // duplicate
    for (size_t i = frags.size(); i > 1; --i) std::swap(frags[i - 1], frags[rnd.uniform(i)]);

    Reassembler r;
    for (size_t i = 0; i < frags.size(); ++i) {
      BOOST_TEST_REQUIRE((add(r, HandshakeType::kCertificate, msg, 0, frags[i].first, frags[i].second) == Outcome::kAccepted));
      BOOST_TEST_REQUIRE(r.buffered_bytes() <= Reassembler::kDefaultMaxBufferedBytes);
    }
    auto m = r.next_message();
    BOOST_TEST_REQUIRE(m.has_value(), "iteration " << iter << " len " << len);
    BOOST_TEST((m->body == msg));
    BOOST_TEST((m->type == HandshakeType::kCertificate));
    BOOST_TEST(r.next_seq() == 1);
    BOOST_TEST(r.buffered_bytes() == 0u);
  }
}

BOOST_AUTO_TEST_CASE(messages_are_delivered_in_order) {
  Reassembler r;
  const Bytes a = message_bytes(10, 1), b = message_bytes(20, 2), c = message_bytes(0, 3);
  BOOST_TEST((add(r, HandshakeType::kServerHelloDone, c, 2, 0, 0) == Outcome::kAccepted));
  BOOST_TEST((add(r, HandshakeType::kCertificate, b, 1, 0, 20) == Outcome::kAccepted));
  BOOST_TEST(!r.next_message().has_value());
  BOOST_TEST((add(r, HandshakeType::kServerHello, a, 0, 0, 10) == Outcome::kAccepted));
  BOOST_TEST((r.next_message()->type == HandshakeType::kServerHello));
  BOOST_TEST((r.next_message()->type == HandshakeType::kCertificate));
  auto done = r.next_message();
  BOOST_TEST_REQUIRE(done.has_value());
  BOOST_TEST(done->body.empty());
  BOOST_TEST(r.next_seq() == 3);
  // Old messages are reported (the peer is retransmitting).
  BOOST_TEST((add(r, HandshakeType::kServerHello, a, 0, 0, 10) == Outcome::kOld));
}

// GnuTLS CVE-2026-33846: fragments of one message_seq were matched by type
// only; a second fragment with a larger msg_len overflowed the buffer. Here a
// different msg_len (or type) for the same seq is rejected and changes nothing.
BOOST_AUTO_TEST_CASE(gnutls_cve_2026_33846_inconsistent_length_for_same_seq) {
  Reassembler r;
  const Bytes msg = message_bytes(100, 4);
  BOOST_TEST((add(r, HandshakeType::kCertificate, msg, 0, 0, 50) == Outcome::kAccepted));
  const size_t held = r.buffered_bytes();
  const Bytes bigger = message_bytes(4000, 5);
  BOOST_TEST((r.add_fragment(header(HandshakeType::kCertificate, 4000, 0, 3000, 1000), ByteSpan(bigger).subspan(3000, 1000)) ==
              Outcome::kInconsistent));
  BOOST_TEST((r.add_fragment(header(HandshakeType::kServerHello, 100, 0, 50, 50), ByteSpan(msg).subspan(50, 50)) ==
              Outcome::kInconsistent));
  BOOST_TEST(r.buffered_bytes() == held);
  BOOST_TEST((add(r, HandshakeType::kCertificate, msg, 0, 50, 50) == Outcome::kAccepted));
  auto m = r.next_message();
  BOOST_TEST_REQUIRE(m.has_value());
  BOOST_TEST((m->body == msg));
}

// OpenSSL CVE-2014-0195: a fragment whose offset+length exceeds msg_len was
// copied past the buffer. Here it is rejected before any copy.
BOOST_AUTO_TEST_CASE(openssl_cve_2014_0195_fragment_past_message_end) {
  Reassembler r;
  const Bytes junk(200, 0x41);
  BOOST_TEST((r.add_fragment(header(HandshakeType::kCertificate, 100, 0, 50, 100), ByteSpan(junk).first(100)) ==
              Outcome::kMalformed));
  BOOST_TEST((r.add_fragment(header(HandshakeType::kCertificate, 100, 0, 0xffffff, 10), ByteSpan(junk).first(10)) ==
              Outcome::kMalformed));
  // Body shorter than fragment_length.
  BOOST_TEST((r.add_fragment(header(HandshakeType::kCertificate, 100, 0, 0, 10), ByteSpan(junk).first(5)) ==
              Outcome::kMalformed));
  BOOST_TEST(r.buffered_bytes() == 0u);
  BOOST_TEST(r.pending_messages() == 0u);
}

// Repeated conflicts drop the incomplete message so that the peer's
// retransmissions can rebuild it (a corrupted first fragment cannot poison
// a message_seq for the rest of the handshake).
BOOST_AUTO_TEST_CASE(persistent_conflicts_restart_an_incomplete_message) {
  Reassembler r;
  const Bytes bogus = message_bytes(50, 10), msg = message_bytes(100, 11);
  BOOST_TEST((add(r, HandshakeType::kCertificate, bogus, 0, 0, 20) == Outcome::kAccepted));
  for (unsigned i = 0; i < Reassembler::kMaxConflicts; ++i) {
    BOOST_TEST((add(r, HandshakeType::kCertificate, msg, 0, 0, 60) == Outcome::kInconsistent));
  }
  BOOST_TEST(r.pending_messages() == 0u);
  BOOST_TEST(r.buffered_bytes() == 0u);
  BOOST_TEST((add(r, HandshakeType::kCertificate, msg, 0, 0, 60) == Outcome::kAccepted));
  BOOST_TEST((add(r, HandshakeType::kCertificate, msg, 0, 60, 40) == Outcome::kAccepted));
  BOOST_TEST((r.next_message()->body == msg));
}

BOOST_AUTO_TEST_CASE(overlapping_fragments_must_agree) {
  Reassembler r;
  const Bytes msg = message_bytes(100, 6);
  BOOST_TEST((add(r, HandshakeType::kCertificate, msg, 0, 0, 60) == Outcome::kAccepted));
  Bytes forged = msg;
  forged[55] ^= 1;
  BOOST_TEST((r.add_fragment(header(HandshakeType::kCertificate, 100, 0, 40, 60), ByteSpan(forged).subspan(40, 60)) ==
              Outcome::kInconsistent));
  BOOST_TEST(!r.next_message().has_value());
  BOOST_TEST((add(r, HandshakeType::kCertificate, msg, 0, 40, 60) == Outcome::kAccepted));
  BOOST_TEST((r.next_message()->body == msg));
}

// A peer sending fragments of many future messages, or a huge msg_len, never
// makes the reassembler hold more than its caps.
BOOST_AUTO_TEST_CASE(caps_hold_against_many_future_messages_and_huge_lengths) {
  Reassembler r;
  const Bytes junk(20000, 0x42);
  // Huge msg_len.
  BOOST_TEST((r.add_fragment(header(HandshakeType::kCertificate, 0xffffff, 0, 0, 1000), ByteSpan(junk).first(1000)) ==
              Outcome::kTooLarge));
  // Beyond the window.
  BOOST_TEST((r.add_fragment(header(HandshakeType::kCertificate, 100, Reassembler::kWindow, 0, 100), ByteSpan(junk).first(100)) ==
              Outcome::kBeyondWindow));
  // Fill every window slot with big partial messages: the total cap holds.
  size_t over = 0;
  for (uint16_t seq = 0; seq < Reassembler::kWindow; ++seq) {
    for (uint32_t off = 0; off + 2000 <= 30000; off += 4000) {  // gaps: ranges never merge
      auto o = r.add_fragment(header(HandshakeType::kCertificate, 30000, seq, off, 2000), ByteSpan(junk).first(2000));
      if (o == Outcome::kOverCap) ++over;
      BOOST_TEST_REQUIRE(r.buffered_bytes() <= Reassembler::kDefaultMaxBufferedBytes);
    }
  }
  BOOST_TEST(over > 0u);
  BOOST_TEST(r.buffered_bytes() <= Reassembler::kDefaultMaxBufferedBytes);
  std::cout << "reassembler: held " << r.buffered_bytes() << " bytes (cap " << Reassembler::kDefaultMaxBufferedBytes
            << ") after " << over << " over-cap fragments\n";
}

// Many one-byte fragments with gaps: the range cap (and the per-range charge)
// bound the bookkeeping, not just the payload bytes.
BOOST_AUTO_TEST_CASE(range_cap_bounds_tiny_fragments) {
  Reassembler r;
  const Bytes msg = message_bytes(1000, 7);
  size_t over = 0;
  for (uint32_t off = 0; off < 1000; off += 2) {
    if (add(r, HandshakeType::kCertificate, msg, 0, off, 1) == Outcome::kOverCap) ++over;
  }
  BOOST_TEST(over == 500u - Reassembler::kMaxRangesPerMessage);
  BOOST_TEST(r.buffered_bytes() == Reassembler::kMaxRangesPerMessage * (1 + Reassembler::kRangeOverhead));
}

BOOST_AUTO_TEST_CASE(floating_next_seq_takes_the_next_fragment) {
  Reassembler r;
  const Bytes ch = message_bytes(40, 12);
  BOOST_TEST((add(r, HandshakeType::kClientHello, ch, 0, 0, 40) == Outcome::kAccepted));
  BOOST_TEST(r.next_message().has_value());
  // Stateless again: a retransmitted seq 0 is accepted, not "old".
  r.float_next_seq();
  BOOST_TEST((add(r, HandshakeType::kClientHello, ch, 0, 0, 40) == Outcome::kAccepted));
  BOOST_TEST(r.next_message()->message_seq == 0);
  r.float_next_seq();
  BOOST_TEST((add(r, HandshakeType::kClientHello, ch, 1, 0, 40) == Outcome::kAccepted));
  BOOST_TEST(r.next_message()->message_seq == 1);
  BOOST_TEST((add(r, HandshakeType::kClientHello, ch, 0, 0, 40) == Outcome::kOld));
}

BOOST_AUTO_TEST_CASE(set_next_seq_and_release) {
  Reassembler r;
  const Bytes msg = message_bytes(10, 8);
  BOOST_TEST((add(r, HandshakeType::kClientHello, msg, 0, 0, 5) == Outcome::kAccepted));
  r.set_next_seq(1);
  BOOST_TEST(r.pending_messages() == 0u);
  BOOST_TEST(r.buffered_bytes() == 0u);
  BOOST_TEST((add(r, HandshakeType::kClientHello, msg, 1, 0, 10) == Outcome::kAccepted));
  r.release();
  BOOST_TEST(r.buffered_bytes() == 0u);
  BOOST_TEST(!r.next_message().has_value());
}

BOOST_AUTO_TEST_SUITE_END()
