// The record layer as a whole: processing order, epochs, CIDs, caps, and the
// CVE regressions of other DTLS stacks as named tests.
#include <boost/test/unit_test.hpp>

#include "base/hex.hpp"
#include "record_test_util.hpp"
#include "test_util.hpp"

using namespace cachet;
using namespace cachet::record;
using namespace std::chrono_literals;
using crypto::AeadAlgorithm;

namespace {

// A sender and a receiver that share epoch-1 keys (and optionally a CID).
struct Pair {
  RecordLayer sender;
  RecordLayer receiver;
  test::CollectingSink sink;
  Instant now{};

  explicit Pair(AeadAlgorithm alg = AeadAlgorithm::kAes128Gcm, ByteSpan cid = {}, uint64_t label = 1) {
    BOOST_REQUIRE(sender.set_send_cid(cid).ok());
    BOOST_REQUIRE(receiver.set_receive_cid(cid).ok());
    BOOST_REQUIRE(sender.install_write_epoch(Epoch(1), test::make_protection(alg, label)).ok());
    BOOST_REQUIRE(receiver.install_read_epoch(Epoch(1), test::make_protection(alg, label), now, sink).ok());
  }

  Bytes seal(Epoch epoch, ContentType type, ByteSpan payload) {
    Bytes out(payload.size() + 128);
    auto n = sender.seal(epoch, type, payload, out);
    BOOST_REQUIRE(n.ok());
    out.resize(*n);
    return out;
  }
  Bytes seal(ContentType type, std::string_view text) { return seal(Epoch(1), type, as_bytes(text)); }

  void deliver(Bytes datagram) { receiver.process_datagram(datagram, now, sink); }
  size_t dropped(DropReason r) const { return receiver.stats().dropped_for(r); }
};

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::string text(const test::CollectedRecord& r) { return std::string(r.payload.begin(), r.payload.end()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(record_layer)

BOOST_AUTO_TEST_CASE(round_trip_every_aead_with_and_without_cid_across_epochs) {
  const Bytes cid = test::hex("0a0b0c0d");
  for (AeadAlgorithm alg : test::kAllAeads) {
    for (bool with_cid : {false, true}) {
      Pair p(alg, with_cid ? ByteSpan(cid) : ByteSpan());
      p.deliver(p.seal(ContentType::kApplicationData, "epoch one"));
      // Move both sides to epoch 2.
      BOOST_TEST_REQUIRE(p.sender.install_write_epoch(Epoch(2), test::make_protection(alg, 99)).ok());
      BOOST_TEST_REQUIRE(p.receiver.install_read_epoch(Epoch(2), test::make_protection(alg, 99), p.now, p.sink).ok());
      p.deliver(p.seal(Epoch(2), ContentType::kApplicationData, as_bytes("epoch two")));
      // A late epoch-1 record (retained previous write epoch) still opens.
      p.deliver(p.seal(Epoch(1), ContentType::kApplicationData, as_bytes("late one")));
      BOOST_TEST_REQUIRE(p.sink.records.size() == 3u);
      BOOST_TEST(text(p.sink.records[0]) == "epoch one");
      BOOST_TEST(p.sink.records[1].epoch == 2);
      BOOST_TEST(text(p.sink.records[2]) == "late one");
      BOOST_TEST(p.sink.records[0].had_cid == with_cid);
      BOOST_TEST(p.receiver.stats().total_dropped() == 0u);
    }
  }
}

// OpenSSL CVE-2016-2181: a forged record with a huge sequence number must not
// move the replay window (it fails authentication, so nothing may change).
BOOST_AUTO_TEST_CASE(cve_2016_2181_forged_huge_sequence_does_not_move_window) {
  Pair p;
  p.deliver(p.seal(ContentType::kApplicationData, "first"));
  Bytes forged = p.seal(ContentType::kApplicationData, "forged");
  // Sequence 2^48-1 in the header; the AEAD check then fails.
  for (int i = 5; i <= 10; ++i) forged[i] = 0xff;
  p.deliver(forged);
  BOOST_TEST(p.dropped(DropReason::kAuthentication) == 1u);
  // The genuine records that follow (seq 2, 3, ...) are still accepted.
  for (int i = 0; i < 5; ++i) p.deliver(p.seal(ContentType::kApplicationData, "after"));
  BOOST_TEST(p.sink.records.size() == 6u);
  BOOST_TEST(p.dropped(DropReason::kTooOld) == 0u);
}

// RFC 9147 §4.5.2, OpenSSL #25389/#24972 and PR #32622: a single plaintext
// alert or handshake record, or a short/garbled record, must not disturb an
// established epoch.
BOOST_AUTO_TEST_CASE(plaintext_and_garbled_records_do_not_disturb_established_epoch) {
  Pair p;
  p.deliver(p.seal(ContentType::kApplicationData, "before"));
  // Epoch-0 plaintext fatal alert (level 2, bad_record_mac 20) from an attacker.
  p.deliver(test::hex("15fefd000000000000000500020214"));
  BOOST_TEST(p.dropped(DropReason::kPlaintextNotAllowed) == 1u);
  // A short record at epoch 1 (shorter than nonce + tag).
  p.deliver(test::hex("17fefd000100000000000900030102 03"));
  // A garbled record at epoch 1 (right size, wrong tag).
  Bytes garbled = p.seal(ContentType::kAlert, "xx");
  garbled.back() ^= 1;
  p.deliver(garbled);
  // A truncated header.
  p.deliver(test::hex("17fefd0001"));
  p.deliver(p.seal(ContentType::kApplicationData, "after"));
  BOOST_TEST_REQUIRE(p.sink.records.size() == 2u);
  BOOST_TEST(text(p.sink.records[1]) == "after");
  BOOST_TEST(p.receiver.read_epoch().value == 1);
  BOOST_TEST(p.dropped(DropReason::kMalformed) == 2u);
  BOOST_TEST(p.dropped(DropReason::kAuthentication) == 1u);
}

BOOST_AUTO_TEST_CASE(replayed_record_is_never_delivered_twice) {
  Pair p;
  Bytes rec = p.seal(ContentType::kApplicationData, "once");
  p.deliver(rec);
  p.deliver(rec);
  p.deliver(concat({rec, rec}));
  BOOST_TEST(p.sink.records.size() == 1u);
  BOOST_TEST(p.dropped(DropReason::kReplayed) == 3u);
}

// pion CVE-2019-20786, wolfSSL CVE-2020-24585: plaintext epoch-0 application
// data is never accepted, before or after keys are in place.
BOOST_AUTO_TEST_CASE(epoch0_application_data_is_dropped) {
  RecordLayer fresh;
  test::CollectingSink sink;
  Bytes appdata0 = test::hex("17fefd00000000000000000003414243");
  fresh.process_datagram(appdata0, {}, sink);
  BOOST_TEST(sink.records.empty());
  Pair p;
  p.deliver(test::hex("17fefd00000000000000000003414243"));
  BOOST_TEST(p.sink.records.empty());
  BOOST_TEST(p.dropped(DropReason::kPlaintextNotAllowed) == 1u);
}

BOOST_AUTO_TEST_CASE(datagram_mixing_epochs_is_handled_record_by_record) {
  Pair p;
  Bytes epoch0_handshake = test::hex("16fefd00000000000000070002aabb");
  Bytes epoch1_finished = p.seal(ContentType::kHandshake, "finished");
  Bytes epoch1_data = p.seal(ContentType::kApplicationData, "data");
  Bytes bad_epoch = test::hex("17fefd0009000000000000000100");
  p.deliver(concat({epoch0_handshake, bad_epoch, epoch1_finished, epoch1_data}));
  BOOST_TEST_REQUIRE(p.sink.records.size() == 3u);
  BOOST_TEST(p.sink.records[0].epoch == 0);
  BOOST_TEST((p.sink.records[0].type == ContentType::kHandshake));
  BOOST_TEST(text(p.sink.records[1]) == "finished");
  BOOST_TEST(text(p.sink.records[2]) == "data");
  BOOST_TEST(p.dropped(DropReason::kUnknownEpoch) == 1u);
}

BOOST_AUTO_TEST_CASE(malformed_tail_drops_rest_of_datagram_only) {
  Pair p;
  Bytes good = p.seal(ContentType::kApplicationData, "good");
  Bytes tail = test::hex("17fefd000100000000000200ff01");  // length runs past the end
  Bytes after = p.seal(ContentType::kApplicationData, "lost");
  p.deliver(concat({good, tail, after}));
  BOOST_TEST(p.sink.records.size() == 1u);
  BOOST_TEST(p.dropped(DropReason::kMalformed) == 1u);
  // The association is fine; the next datagram is processed normally.
  p.deliver(p.seal(ContentType::kApplicationData, "next"));
  BOOST_TEST(p.sink.records.size() == 2u);
}

BOOST_AUTO_TEST_CASE(future_epoch_records_are_buffered_within_caps) {
  RecordLayer sender, receiver;
  test::CollectingSink sink;
  BOOST_TEST_REQUIRE(sender.install_write_epoch(Epoch(1), test::make_protection(AeadAlgorithm::kAes128Gcm, 7)).ok());
  Bytes out(2048);
  // 20 epoch-1 records of 1000 bytes arrive before the keys: at most
  // kMaxFutureRecords records and kMaxFutureBytes bytes are held.
  const Bytes payload(1000, 0x33);
  for (int i = 0; i < 20; ++i) {
    auto n = sender.seal(Epoch(1), ContentType::kHandshake, payload, out);
    BOOST_TEST_REQUIRE(n.ok());
    receiver.process_datagram(MutableByteSpan(out).first(*n), {}, sink);
    BOOST_TEST(receiver.buffered_future_bytes() <= RecordLayer::kMaxFutureBytes);
  }
  BOOST_TEST(sink.records.empty());
  const uint64_t held = receiver.stats().buffered;
  BOOST_TEST(held >= 1u);
  BOOST_TEST(held <= RecordLayer::kMaxFutureRecords);
  BOOST_TEST(receiver.stats().dropped_for(DropReason::kFutureEpochFull) == 20 - held);
  // Epoch 2 (two ahead) is not buffered at all.
  Bytes two_ahead = test::hex("16fefd0002000000000000000100");
  receiver.process_datagram(two_ahead, {}, sink);
  BOOST_TEST(receiver.stats().dropped_for(DropReason::kUnknownEpoch) == 1u);
  // Installing the keys delivers what was held, in order.
  BOOST_TEST_REQUIRE(receiver.install_read_epoch(Epoch(1), test::make_protection(AeadAlgorithm::kAes128Gcm, 7), {}, sink).ok());
  BOOST_TEST(sink.records.size() == held);
  for (size_t i = 0; i < sink.records.size(); ++i) BOOST_TEST(sink.records[i].sequence == i);
  BOOST_TEST(receiver.buffered_future_bytes() == 0u);
}

BOOST_AUTO_TEST_CASE(previous_epoch_lingers_for_a_bounded_time) {
  RecordLayerConfig config;
  config.previous_epoch_linger = 10s;
  RecordLayer receiver(config);
  test::CollectingSink sink;
  BOOST_TEST_REQUIRE(receiver.install_read_epoch(Epoch(1), test::make_protection(AeadAlgorithm::kAes128Gcm, 8), Instant{}, sink).ok());
  Bytes hs0 = test::hex("16fefd00000000000000010001aa");
  receiver.process_datagram(hs0, Instant{} + 9s, sink);
  BOOST_TEST(sink.records.size() == 1u);  // late retransmission accepted
  hs0 = test::hex("16fefd00000000000000020001aa");
  receiver.process_datagram(hs0, Instant{} + 11s, sink);
  BOOST_TEST(sink.records.size() == 1u);
  BOOST_TEST(receiver.stats().dropped_for(DropReason::kUnknownEpoch) == 1u);
}

BOOST_AUTO_TEST_CASE(cid_mismatch_missing_and_unexpected) {
  const Bytes cid = test::hex("11223344");
  Pair p(AeadAlgorithm::kAes128Gcm, cid);
  Bytes rec = p.seal(ContentType::kApplicationData, "x");
  Bytes other = rec;
  other[11] ^= 0xff;  // first CID byte
  p.deliver(other);
  BOOST_TEST(p.dropped(DropReason::kCidMismatch) == 1u);
  // A protected record without the CID we negotiated.
  Pair plain(AeadAlgorithm::kAes128Gcm, {}, 1);
  Bytes no_cid = plain.seal(ContentType::kApplicationData, "y");
  p.deliver(no_cid);
  BOOST_TEST(p.dropped(DropReason::kMissingCid) == 1u);
  p.deliver(rec);
  BOOST_TEST(p.sink.records.size() == 1u);
  // A CID record when none was negotiated cannot even be delimited.
  plain.deliver(rec);
  BOOST_TEST(plain.dropped(DropReason::kMalformed) == 1u);
}

// RFC 8449 §4: a DTLS endpoint discards a record over its advertised
// record_size_limit; with a CID the inner content type counts too.
BOOST_AUTO_TEST_CASE(record_size_limit_is_enforced_on_receive) {
  for (bool with_cid : {false, true}) {
    const Bytes cid = test::hex("0102");
    Pair p(AeadAlgorithm::kAes128Gcm, with_cid ? ByteSpan(cid) : ByteSpan());
    p.receiver.set_receive_plaintext_limit(100);
    const size_t fits = with_cid ? 99 : 100;
    p.deliver(p.seal(Epoch(1), ContentType::kApplicationData, Bytes(fits, 0x61)));
    p.deliver(p.seal(Epoch(1), ContentType::kApplicationData, Bytes(fits + 1, 0x62)));
    BOOST_TEST(p.sink.records.size() == 1u);
    BOOST_TEST(p.dropped(DropReason::kOversized) == 1u);
  }
}

BOOST_AUTO_TEST_CASE(write_sequence_never_wraps_or_repeats) {
  RecordLayer layer;
  BOOST_TEST_REQUIRE(layer.install_write_epoch(Epoch(1), test::make_protection(AeadAlgorithm::kAes128Gcm, 9)).ok());
  Bytes out(128);
  const uint8_t payload[1] = {1};
  BOOST_TEST(layer.seal(Epoch(1), ContentType::kApplicationData, payload, out).ok());
  BOOST_TEST(!layer.advance_write_sequence(SequenceNumber(0)).ok());  // backwards refused
  BOOST_TEST_REQUIRE(layer.advance_write_sequence(SequenceNumber(SequenceNumber::kMax - 1)).ok());
  BOOST_TEST(layer.seal(Epoch(1), ContentType::kApplicationData, payload, out).ok());  // kMax - 1
  BOOST_TEST(layer.seal(Epoch(1), ContentType::kApplicationData, payload, out).ok());  // kMax
  auto exhausted = layer.seal(Epoch(1), ContentType::kApplicationData, payload, out);
  BOOST_TEST(!exhausted.ok());
  BOOST_TEST((exhausted.error().code() == ErrorCode::kSequenceExhausted));
  BOOST_TEST(!layer.seal(Epoch(1), ContentType::kApplicationData, payload, out).ok());
  BOOST_TEST(!layer.seal(Epoch(7), ContentType::kApplicationData, payload, out).ok());
}

BOOST_AUTO_TEST_CASE(epochs_install_in_order_only) {
  RecordLayer layer;
  test::CollectingSink sink;
  BOOST_TEST(!layer.install_read_epoch(Epoch(2), test::make_protection(AeadAlgorithm::kAes128Gcm, 1), {}, sink).ok());
  BOOST_TEST(!layer.install_write_epoch(Epoch(0), test::make_protection(AeadAlgorithm::kAes128Gcm, 1)).ok());
  BOOST_TEST(layer.read_epoch().value == 0);
}

BOOST_AUTO_TEST_CASE(overhead_accounts_for_header_cid_nonce_and_tag) {
  RecordLayer layer;
  BOOST_TEST(layer.overhead(Epoch(0)) == 13u);
  BOOST_TEST_REQUIRE(layer.install_write_epoch(Epoch(1), test::make_protection(AeadAlgorithm::kAes128Gcm, 1)).ok());
  BOOST_TEST(layer.overhead(Epoch(1)) == 13u + 8 + 16);
  BOOST_TEST(layer.set_send_cid(test::hex("0102030405")).ok());
  BOOST_TEST(layer.overhead(Epoch(1)) == 13u + 5 + 8 + 16 + 1);
  Bytes out(200);
  const Bytes payload(100, 1);
  auto n = layer.seal(Epoch(1), ContentType::kApplicationData, payload, out);
  BOOST_TEST_REQUIRE(n.ok());
  BOOST_TEST(*n == payload.size() + layer.overhead(Epoch(1)));
}

BOOST_AUTO_TEST_CASE(bad_versions_and_unknown_types_are_dropped) {
  Pair p;
  p.deliver(test::hex("16fefc00000000000000000001aa"));  // DTLS 1.3 version on a 1.2 record
  p.deliver(test::hex("16feff00000000000000010001aa"));  // DTLS 1.0 at epoch 0: allowed (ClientHello)
  p.deliver(test::hex("63fefd00000000000000020001aa"));  // content type 99
  BOOST_TEST(p.dropped(DropReason::kBadVersion) == 1u);
  BOOST_TEST(p.dropped(DropReason::kUnknownContentType) == 1u);
  BOOST_TEST(p.sink.records.size() == 1u);
  BOOST_TEST(p.receiver.stats().received == 3u);
}

namespace {

// A sink that offers its own buffer for application data, as a Connection
// offers its receive queue's spare slot.
struct BufferingSink : test::CollectingSink {
  Bytes buffer;
  std::vector<ContentType> asked;
  std::vector<bool> in_buffer;  // per record: the payload is in `buffer`
  MutableByteSpan plaintext_buffer(ContentType type, size_t size) override {
    asked.push_back(type);
    if (type != ContentType::kApplicationData) return {};
    buffer.assign(size, 0xaa);
    return buffer;
  }
  void on_record(const Record& r) override {
    CollectingSink::on_record(r);
    const bool in = r.payload.data() >= buffer.data() && r.payload.data() < buffer.data() + buffer.size();
    BOOST_TEST(r.in_sink_buffer == in);
    in_buffer.push_back(r.in_sink_buffer);
  }
};

}  // namespace

// Application data opens straight into the sink's buffer (the datagram keeps
// its ciphertext); other types, and tls12_cid records (whose type is inside),
// open in place; a forgery leaves nothing in the buffer.
BOOST_AUTO_TEST_CASE(application_data_opens_into_the_sinks_buffer) {
  const Bytes cid = test::hex("0a0b0c0d");
  for (AeadAlgorithm alg : test::kAllAeads) {
    for (bool with_cid : {false, true}) {
      BOOST_TEST_CONTEXT(static_cast<int>(alg) << " cid " << with_cid) {
        RecordLayer sender, receiver;
        BufferingSink sink;
        Instant now{};
        BOOST_REQUIRE(sender.set_send_cid(with_cid ? ByteSpan(cid) : ByteSpan()).ok());
        BOOST_REQUIRE(receiver.set_receive_cid(with_cid ? ByteSpan(cid) : ByteSpan()).ok());
        BOOST_REQUIRE(sender.install_write_epoch(Epoch(1), test::make_protection(alg, 5)).ok());
        BOOST_REQUIRE(receiver.install_read_epoch(Epoch(1), test::make_protection(alg, 5), now, sink).ok());
        auto seal = [&](ContentType type, std::string_view text) {
          Bytes out(text.size() + 128);
          auto n = sender.seal(Epoch(1), type, as_bytes(text), out);
          BOOST_REQUIRE(n.ok());
          out.resize(*n);
          return out;
        };

        const Bytes sealed = seal(ContentType::kApplicationData, "straight into the queue");
        Bytes datagram = sealed;
        receiver.process_datagram(datagram, now, sink);
        BOOST_TEST_REQUIRE(sink.records.size() == 1u);
        BOOST_TEST(std::string(sink.records[0].payload.begin(), sink.records[0].payload.end()) ==
                   "straight into the queue");
        BOOST_TEST(sink.in_buffer[0] == !with_cid);
        BOOST_TEST((datagram == sealed) == !with_cid);  // in place only for tls12_cid

        Bytes handshake = seal(ContentType::kHandshake, "a handshake message");
        receiver.process_datagram(handshake, now, sink);
        BOOST_TEST_REQUIRE(sink.records.size() == 2u);
        BOOST_TEST(!sink.in_buffer[1]);
        if (with_cid) {
          BOOST_TEST(sink.asked.empty());
        } else {
          BOOST_TEST((sink.asked == std::vector<ContentType>{ContentType::kApplicationData, ContentType::kHandshake}));
        }

        Bytes forged = seal(ContentType::kApplicationData, "forged");
        forged[forged.size() - 20] ^= 0x01;
        receiver.process_datagram(forged, now, sink);
        BOOST_TEST(sink.records.size() == 2u);
        BOOST_TEST(receiver.stats().dropped_for(DropReason::kAuthentication) == 1u);
        if (!with_cid) BOOST_TEST(std::all_of(sink.buffer.begin(), sink.buffer.begin() + 6, [](uint8_t b) { return b == 0; }));
      }
    }
  }
}

// The payload is read wherever it lies: apart from the output, at the
// record's body position (in place), or in the output past the body's start
// (moved there first).
BOOST_AUTO_TEST_CASE(seal_reads_the_payload_wherever_it_lies) {
  for (AeadAlgorithm alg : {AeadAlgorithm::kAes128Gcm, AeadAlgorithm::kChaCha20Poly1305, AeadAlgorithm::kAes128Ccm8}) {
    const std::string text = "the payload of one record, forty bytes..";
    Bytes expected;
    for (int where = 0; where < 3; ++where) {
      BOOST_TEST_CONTEXT(static_cast<int>(alg) << " placement " << where) {
        RecordLayer sender, receiver;
        test::CollectingSink sink;
        BOOST_REQUIRE(sender.install_write_epoch(Epoch(1), test::make_protection(alg, 6)).ok());
        BOOST_REQUIRE(receiver.install_read_epoch(Epoch(1), test::make_protection(alg, 6), Instant{}, sink).ok());
        Bytes out(text.size() + 128);
        const size_t body = sender.overhead(Epoch(1)) - crypto::aead_params(alg).tag_size;  // header + explicit nonce
        ByteSpan payload = as_bytes(text);
        const size_t at[] = {0, body, body + 7};
        if (where > 0) {
          std::memcpy(out.data() + at[where], text.data(), text.size());
          payload = ByteSpan(out.data() + at[where], text.size());
        }
        auto n = sender.seal(Epoch(1), ContentType::kApplicationData, payload, out);
        BOOST_REQUIRE(n.ok());
        out.resize(*n);
        if (where == 0) expected = out;
        BOOST_TEST(out == expected);  // same keys and sequence: same record
        receiver.process_datagram(out, Instant{}, sink);
        BOOST_TEST_REQUIRE(sink.records.size() == 1u);
        BOOST_TEST(std::string(sink.records[0].payload.begin(), sink.records[0].payload.end()) == text);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
