#include <boost/test/unit_test.hpp>

#include "base/hex.hpp"
#include "base/secure.hpp"
#include "test_util.hpp"

using cachet::Bytes;

BOOST_AUTO_TEST_SUITE(secure)

BOOST_AUTO_TEST_CASE(constant_time_equal_compares_length_and_contents) {
  const Bytes a = cachet::test::hex("00112233");
  Bytes b = a;
  BOOST_TEST(cachet::constant_time_equal(a, b));
  for (size_t i = 0; i < b.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes c = a;
      c[i] ^= static_cast<uint8_t>(1 << bit);
      BOOST_TEST(!cachet::constant_time_equal(a, c));
    }
  }
  BOOST_TEST(!cachet::constant_time_equal(a, cachet::ByteSpan(a).first(3)));
  BOOST_TEST(cachet::constant_time_equal({}, {}));
}

BOOST_AUTO_TEST_CASE(secure_wipe_zeroes) {
  uint8_t buf[16];
  for (auto& b : buf) b = 0xa5;
  cachet::secure_wipe(buf, sizeof buf);
  for (auto b : buf) BOOST_TEST(b == 0);
  cachet::secure_wipe(nullptr, 0);  // no-op
}

BOOST_AUTO_TEST_CASE(constant_time_mask) {
  BOOST_TEST(cachet::constant_time_mask(0) == 0);
  for (int v = 1; v < 256; ++v) BOOST_TEST(cachet::constant_time_mask(static_cast<uint8_t>(v)) == 0xff);
}

BOOST_AUTO_TEST_CASE(secret_bytes_move_and_resize) {
  cachet::SecretBytes s(cachet::test::hex("0102030405"));
  BOOST_TEST(s.size() == 5u);
  cachet::SecretBytes t = std::move(s);
  BOOST_TEST(s.empty());
  BOOST_TEST(t.size() == 5u);
  t.resize(3);
  BOOST_TEST(cachet::to_hex(t.span()) == "010203");
  t.resize(4);
  BOOST_TEST(cachet::to_hex(t.span()) == "01020300");
  cachet::SecretBytes u = t.copy();
  BOOST_TEST(cachet::to_hex(u.span()) == "01020300");
  t.wipe();
  BOOST_TEST(t.empty());
  BOOST_TEST(u.size() == 4u);
}

BOOST_AUTO_TEST_CASE(hex_round_trip_and_errors) {
  auto b = cachet::from_hex("00Ff7a");
  BOOST_TEST_REQUIRE(b.ok());
  BOOST_TEST(cachet::to_hex(*b) == "00ff7a");
  BOOST_TEST(!cachet::from_hex("abc").ok());
  BOOST_TEST(!cachet::from_hex("zz").ok());
  BOOST_TEST(cachet::from_hex("")->empty());
}

BOOST_AUTO_TEST_SUITE_END()
