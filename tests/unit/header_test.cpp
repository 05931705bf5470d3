#include <boost/test/unit_test.hpp>

#include "base/hex.hpp"
#include "record/header.hpp"
#include "test_util.hpp"

using namespace cachet;
using namespace cachet::record;

BOOST_AUTO_TEST_SUITE(record_header)

BOOST_AUTO_TEST_CASE(plain_header_round_trip) {
  RecordHeader h;
  h.type = ContentType::kHandshake;
  h.version = 0xfefd;
  h.epoch = Epoch(1);
  h.sequence = SequenceNumber(0x0102030405ull);
  h.length = 3;
  ByteWriter w;
  write_header(w, h);
  w.bytes(test::hex("aabbcc"));
  auto bytes = w.take();
  BOOST_TEST_REQUIRE(bytes.ok());
  BOOST_TEST(to_hex(*bytes) == "16fefd0001000102030405" "0003aabbcc");
  ByteReader r(*bytes);
  auto p = parse_record(r, 0);
  BOOST_TEST_REQUIRE((p.status == ParseStatus::kOk));
  BOOST_TEST((p.record.header.type == ContentType::kHandshake));
  BOOST_TEST(p.record.header.epoch.value == 1);
  BOOST_TEST(p.record.header.sequence.value() == 0x0102030405ull);
  BOOST_TEST(to_hex(p.record.fragment) == "aabbcc");
  BOOST_TEST(p.record.header_bytes.size() == 13u);
  BOOST_TEST((parse_record(r, 0).status == ParseStatus::kEnd));
}

BOOST_AUTO_TEST_CASE(cid_header_round_trip) {
  const Bytes cid = test::hex("c0ffee");
  RecordHeader h;
  h.type = ContentType::kTls12Cid;
  h.version = 0xfefd;
  h.epoch = Epoch(1);
  h.sequence = SequenceNumber(7);
  h.cid = cid;
  h.length = 1;
  ByteWriter w;
  write_header(w, h);
  w.u8(0x42);
  auto bytes = w.take();
  BOOST_TEST_REQUIRE(bytes.ok());
  // RFC 9146 §4: type 25, version, epoch, seq, cid, length.
  BOOST_TEST(to_hex(*bytes) == "19fefd0001000000000007c0ffee000142");
  ByteReader r(*bytes);
  auto p = parse_record(r, cid.size());
  BOOST_TEST_REQUIRE((p.status == ParseStatus::kOk));
  BOOST_TEST(to_hex(p.record.header.cid) == "c0ffee");
  BOOST_TEST(p.record.header_bytes.size() == 16u);
  // Without a negotiated CID length, a tls12_cid record cannot be delimited.
  ByteReader r2(*bytes);
  BOOST_TEST((parse_record(r2, 0).status == ParseStatus::kMalformed));
  BOOST_TEST(r2.offset() == 0u);
}

BOOST_AUTO_TEST_CASE(datagram_with_several_records_is_split) {
  const Bytes dgram = test::hex(
      "16fefd00000000000000000002aabb"   // handshake, 2 bytes
      "14fefd0000000000000001000101"     // CCS, 1 byte
      "17fefd0001000000000000000100");   // appdata epoch 1, 1 byte
  ByteReader r(dgram);
  std::vector<ContentType> types;
  for (;;) {
    auto p = parse_record(r, 0);
    if (p.status != ParseStatus::kOk) {
      BOOST_TEST((p.status == ParseStatus::kEnd));
      break;
    }
    types.push_back(p.record.header.type);
  }
  BOOST_TEST(types.size() == 3u);
  BOOST_TEST((types[1] == ContentType::kChangeCipherSpec));
}

// A record whose length runs past the datagram ends the parse; every
// truncation of a valid record is malformed, never a partial record.
BOOST_AUTO_TEST_CASE(truncations_and_overruns_are_malformed) {
  const Bytes rec = test::hex("16fefd0000000000000000000401020304");
  for (size_t n = 1; n < rec.size(); ++n) {
    ByteReader r(ByteSpan(rec).first(n));
    auto p = parse_record(r, 0);
    BOOST_TEST((p.status == ParseStatus::kMalformed), "length " << n);
    BOOST_TEST(r.offset() == 0u);
  }
  // Length field larger than what follows.
  Bytes over = rec;
  over[12] = 0x05;
  ByteReader r(over);
  BOOST_TEST((parse_record(r, 0).status == ParseStatus::kMalformed));
}

BOOST_AUTO_TEST_CASE(length_over_the_ciphertext_cap_is_malformed) {
  Bytes rec = test::hex("17fefd00010000000000014801");  // length 0x4801 > 2^14 + 2048
  rec.resize(rec.size() + 0x4801, 0);
  ByteReader r(rec);
  BOOST_TEST((parse_record(r, 0).status == ParseStatus::kMalformed));
}

BOOST_AUTO_TEST_SUITE_END()
