// ByteReader: every read bounded, a failed read never advances, no read past a
// length prefix (STYLE.md §4).
#include <boost/test/unit_test.hpp>

#include "base/byte_reader.hpp"
#include "test_util.hpp"

using cachet::ByteReader;
using cachet::Bytes;
using cachet::ErrorCode;

BOOST_AUTO_TEST_SUITE(byte_reader)

BOOST_AUTO_TEST_CASE(reads_big_endian_integers) {
  const Bytes data = cachet::test::hex("01 0203 040506 0708090a 0b0c0d0e0f10 1112131415161718");
  ByteReader r(data);
  BOOST_TEST(*r.u8() == 0x01);
  BOOST_TEST(*r.u16() == 0x0203);
  BOOST_TEST(*r.u24() == 0x040506u);
  BOOST_TEST(*r.u32() == 0x0708090au);
  BOOST_TEST(*r.u48() == 0x0b0c0d0e0f10ull);
  BOOST_TEST(*r.u64() == 0x1112131415161718ull);
  BOOST_TEST(r.empty());
  BOOST_TEST(r.expect_empty().ok());
}

// Every integer width, on every input shorter than it: fails with kTruncated
// and leaves the offset untouched.
BOOST_AUTO_TEST_CASE(truncated_integers_fail_without_advancing) {
  const Bytes data = cachet::test::hex("ffffffffffffffff");
  for (size_t avail = 0; avail < 8; ++avail) {
    ByteReader r(cachet::ByteSpan(data).first(avail));
    auto check = [&](auto result, size_t width) {
      if (avail < width) {
        BOOST_TEST(!result.ok());
        BOOST_TEST((result.error().code() == ErrorCode::kTruncated));
        BOOST_TEST(r.offset() == 0u);
        BOOST_TEST(r.remaining() == avail);
      } else {
        BOOST_TEST(result.ok());
        r = ByteReader(cachet::ByteSpan(data).first(avail));  // rewind
      }
    };
    check(r.u8(), 1);
    check(r.u16(), 2);
    check(r.u24(), 3);
    check(r.u32(), 4);
    check(r.u48(), 6);
    check(r.u64(), 8);
    check(r.bytes(avail + 1), avail + 1);
  }
}

BOOST_AUTO_TEST_CASE(bytes_copy_skip_rest) {
  const Bytes data = cachet::test::hex("0102030405");
  ByteReader r(data);
  auto b = r.bytes(2);
  BOOST_TEST(b.ok());
  BOOST_TEST(b->size() == 2u);
  BOOST_TEST((*b)[1] == 0x02);
  uint8_t out[2];
  BOOST_TEST(r.copy_to(out).ok());
  BOOST_TEST(out[0] == 0x03);
  BOOST_TEST(!r.skip(2).ok());
  BOOST_TEST(r.offset() == 4u);
  BOOST_TEST(r.skip(1).ok());
  BOOST_TEST(r.rest().empty());
  uint8_t big[3];
  ByteReader r2(data);
  BOOST_TEST(r2.skip(3).ok());
  BOOST_TEST(!r2.copy_to(big).ok());
  BOOST_TEST(r2.offset() == 3u);
}

BOOST_AUTO_TEST_CASE(prefixed_sub_readers_are_confined) {
  // u16 length 3, body "aa bb cc", then "dd".
  const Bytes data = cachet::test::hex("0003 aabbcc dd");
  ByteReader r(data);
  auto sub = r.prefixed16();
  BOOST_TEST_REQUIRE(sub.ok());
  BOOST_TEST(sub->remaining() == 3u);
  BOOST_TEST(*sub->u8() == 0xaa);
  // The sub-reader cannot reach the byte after its body.
  BOOST_TEST(!sub->bytes(3).ok());
  BOOST_TEST(!sub->u24().ok());
  BOOST_TEST(*sub->u16() == 0xbbcc);
  BOOST_TEST(!sub->u8().ok());
  BOOST_TEST(*r.u8() == 0xdd);
}

// An over-long length prefix fails and leaves the cursor before the prefix.
BOOST_AUTO_TEST_CASE(overlong_prefix_fails_without_advancing) {
  for (int width : {1, 2, 3}) {
    Bytes data;
    for (int i = 0; i < width - 1; ++i) data.push_back(0);
    data.push_back(5);  // claims 5 bytes
    data.insert(data.end(), {1, 2, 3, 4});  // only 4 present
    ByteReader r(data);
    auto res = width == 1 ? r.prefixed_bytes8() : width == 2 ? r.prefixed_bytes16() : r.prefixed_bytes24();
    BOOST_TEST(!res.ok());
    BOOST_TEST((res.error().code() == ErrorCode::kTruncated));
    BOOST_TEST(r.offset() == 0u);
    auto sub = width == 1 ? r.prefixed8() : width == 2 ? r.prefixed16() : r.prefixed24();
    BOOST_TEST(!sub.ok());
    BOOST_TEST(r.offset() == 0u);
    // Truncated prefix itself.
    ByteReader tiny(cachet::ByteSpan(data).first(static_cast<size_t>(width - 1)));
    auto res2 = width == 1 ? tiny.prefixed8() : width == 2 ? tiny.prefixed16() : tiny.prefixed24();
    BOOST_TEST(!res2.ok());
    BOOST_TEST(tiny.offset() == 0u);
  }
}

BOOST_AUTO_TEST_CASE(trailing_bytes_are_reported) {
  const Bytes data = cachet::test::hex("0001 aa bb");
  ByteReader r(data);
  auto body = r.prefixed_bytes16();
  BOOST_TEST(body.ok());
  auto end = r.expect_empty();
  BOOST_TEST(!end.ok());
  BOOST_TEST((end.error().code() == ErrorCode::kTrailingBytes));
}

BOOST_AUTO_TEST_CASE(empty_input) {
  ByteReader r;
  BOOST_TEST(r.empty());
  BOOST_TEST(!r.u8().ok());
  BOOST_TEST(r.bytes(0).ok());
  BOOST_TEST(r.expect_empty().ok());
  auto p = r.prefixed8();
  BOOST_TEST(!p.ok());
}

// Every prefix of a well-formed nested structure fails cleanly at some read,
// and no read ever returns bytes outside the input.
BOOST_AUTO_TEST_CASE(every_truncation_of_nested_structure_fails) {
  const Bytes full = cachet::test::hex("000a 03 010203 0004 aabbccdd 0000ff");
  auto parse = [](ByteReader r) -> bool {
    auto outer = r.prefixed16();
    if (!outer) return false;
    auto a = outer->prefixed_bytes8();
    if (!a) return false;
    auto b = outer->prefixed_bytes16();
    if (!b) return false;
    if (!outer->expect_empty()) return false;
    auto c = r.u24();
    if (!c) return false;
    return r.expect_empty().ok();
  };
  BOOST_TEST(parse(ByteReader(full)));
  for (size_t n = 0; n < full.size(); ++n) {
    BOOST_TEST(!parse(ByteReader(cachet::ByteSpan(full).first(n))), "prefix of length " << n);
  }
  Bytes longer = full;
  longer.push_back(0);
  BOOST_TEST(!parse(ByteReader(longer)));
}

// load_be/store_be (base/bytes.hpp), which the readers and writers use: every
// width 1..8, at every alignment, against a byte-at-a-time reference; a store
// touches exactly its Width bytes.
template <size_t Width>
void check_big_endian_width() {
  uint8_t buf[24];
  for (size_t offset = 0; offset < 8; ++offset) {
    for (uint64_t seed : {0x0123456789abcdefull, 0xfedcba9876543210ull, 0x8000000000000001ull, ~0ull}) {
      for (size_t i = 0; i < sizeof buf; ++i) buf[i] = static_cast<uint8_t>(0xa5 ^ i);
      const uint64_t mask = Width == 8 ? ~0ull : (uint64_t{1} << (8 * Width)) - 1;
      const uint64_t v = seed & mask;
      cachet::store_be<Width>(buf + offset, seed);  // bits above Width bytes are dropped
      uint64_t reference = 0;
      for (size_t i = 0; i < Width; ++i) reference = reference << 8 | buf[offset + i];
      BOOST_TEST(reference == v, "width " << Width << " offset " << offset);
      BOOST_TEST(cachet::load_be<Width>(buf + offset) == v, "width " << Width << " offset " << offset);
      for (size_t i = 0; i < sizeof buf; ++i) {
        if (i < offset || i >= offset + Width) BOOST_TEST(buf[i] == static_cast<uint8_t>(0xa5 ^ i));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(load_and_store_every_width) {
  check_big_endian_width<1>();
  check_big_endian_width<2>();
  check_big_endian_width<3>();
  check_big_endian_width<4>();
  check_big_endian_width<5>();
  check_big_endian_width<6>();
  check_big_endian_width<7>();
  check_big_endian_width<8>();
}

BOOST_AUTO_TEST_SUITE_END()
