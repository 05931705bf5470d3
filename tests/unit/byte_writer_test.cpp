#include <boost/test/unit_test.hpp>

#include "base/byte_reader.hpp"
#include "base/byte_writer.hpp"
#include "base/hex.hpp"
#include "test_util.hpp"

using cachet::ByteWriter;
using cachet::Bytes;
using cachet::ErrorCode;

BOOST_AUTO_TEST_SUITE(byte_writer)

BOOST_AUTO_TEST_CASE(writes_big_endian_integers) {
  ByteWriter w;
  w.u8(0x01);
  w.u16(0x0203);
  w.u24(0x040506);
  w.u32(0x0708090a);
  w.u48(0x0b0c0d0e0f10);
  w.u64(0x1112131415161718);
  auto out = w.take();
  BOOST_TEST_REQUIRE(out.ok());
  BOOST_TEST(cachet::to_hex(*out) == "0102030405060708090a0b0c0d0e0f101112131415161718");
}

BOOST_AUTO_TEST_CASE(nested_prefixes_are_patched) {
  ByteWriter w;
  auto outer = w.begin_prefix(2);
  w.prefixed_bytes(1, cachet::test::hex("aabb"));
  auto inner = w.begin_prefix(3);
  w.u8(0xcc);
  w.end_prefix(inner);
  w.end_prefix(outer);
  auto out = w.take();
  BOOST_TEST_REQUIRE(out.ok());
  BOOST_TEST(cachet::to_hex(*out) == "000702aabb000001cc");
  // And it reads back.
  cachet::ByteReader r(*out);
  auto o = r.prefixed16();
  BOOST_TEST_REQUIRE(o.ok());
  BOOST_TEST(o->prefixed_bytes8()->size() == 2u);
  BOOST_TEST(o->prefixed_bytes24()->size() == 1u);
  BOOST_TEST(o->expect_empty().ok());
}

BOOST_AUTO_TEST_CASE(length_that_does_not_fit_its_prefix_is_an_error) {
  ByteWriter w;
  Bytes big(256, 0x55);
  w.prefixed_bytes(1, big);
  auto st = w.status();
  BOOST_TEST(!st.ok());
  BOOST_TEST((st.error().code() == ErrorCode::kLengthTooLarge));
  // Sticky: later writes do nothing and the error stays.
  w.u8(1);
  BOOST_TEST(!w.take().ok());
}

BOOST_AUTO_TEST_CASE(out_of_range_values) {
  ByteWriter a;
  a.u24(0x1000000);
  BOOST_TEST((a.status().error().code() == ErrorCode::kOutOfRange));
  ByteWriter b;
  b.u48(1ull << 48);
  BOOST_TEST((b.status().error().code() == ErrorCode::kOutOfRange));
}

BOOST_AUTO_TEST_CASE(fixed_capacity_overflow_is_an_error_not_ub) {
  uint8_t buf[4] = {0, 0, 0, 0xee};
  ByteWriter w{cachet::MutableByteSpan(buf, 3)};
  w.u16(0xaabb);
  BOOST_TEST(w.status().ok());
  w.u16(0xccdd);  // would overflow
  BOOST_TEST((w.status().error().code() == ErrorCode::kBufferTooSmall));
  BOOST_TEST(w.size() == 2u);
  BOOST_TEST(buf[2] == 0);     // nothing partially written
  BOOST_TEST(buf[3] == 0xee);  // nothing past the span touched
  BOOST_TEST(w.reserve(1).empty());
}

BOOST_AUTO_TEST_CASE(fixed_capacity_exact_fit_and_reserve) {
  uint8_t buf[5];
  ByteWriter w{cachet::MutableByteSpan(buf)};
  auto p = w.begin_prefix(1);
  auto space = w.reserve(4);
  BOOST_TEST_REQUIRE(space.size() == 4u);
  for (auto& b : space) b = 0x11;
  w.end_prefix(p);
  BOOST_TEST(w.status().ok());
  BOOST_TEST(cachet::to_hex(w.written()) == "0411111111");
}

BOOST_AUTO_TEST_CASE(growable_cap_is_enforced) {
  ByteWriter w(8);
  w.u64(1);
  BOOST_TEST(w.status().ok());
  w.u8(1);
  BOOST_TEST((w.status().error().code() == ErrorCode::kBufferTooSmall));
}

BOOST_AUTO_TEST_CASE(unclosed_prefix_is_reported) {
  ByteWriter w;
  (void)w.begin_prefix(2);
  w.u8(1);
  BOOST_TEST(!w.status().ok());
  BOOST_TEST(!w.take().ok());
}

BOOST_AUTO_TEST_CASE(bad_prefix_width) {
  ByteWriter w;
  (void)w.begin_prefix(0);
  BOOST_TEST((w.status().error().code() == ErrorCode::kInvalidArgument));
}

BOOST_AUTO_TEST_SUITE_END()
