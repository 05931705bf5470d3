// src/session: SessionState's binary form and its bounds, the Session handle,
// the server's SessionCache and the RFC 5077 TicketKeys.
#include <boost/test/unit_test.hpp>

#include <cachet/session.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "base/byte_writer.hpp"
#include "base/hex.hpp"
#include "session/session_state.hpp"
#include "test_util.hpp"

using cachet::Bytes;
using cachet::ByteSpan;
using cachet::ErrorCode;
using cachet::Session;
using cachet::SessionCache;
using cachet::TicketKeys;
using cachet::session::SessionState;

namespace {

Bytes filled(size_t n, uint8_t v) { return Bytes(n, v); }

// Every field set to something other than its default.
SessionState full_state() {
  SessionState s;
  s.version = 0xfefd;
  s.cipher_suite = 0xc02b;
  s.master_secret = cachet::SecretBytes(filled(cachet::session::kMasterSecretSize, 0x4d));
  s.master_secret.mutable_span()[0] = 0x01;
  s.master_secret.mutable_span()[47] = 0xfe;
  s.extended_master_secret = true;
  s.peer_certificate_type = cachet::session::kCertificateTypeX509;
  s.peer_certificates = {cachet::test::hex("3082010a0102"), cachet::test::hex("308203"), filled(300, 0xc3)};
  s.psk_identity = cachet::test::hex("636c69656e742d31");
  s.client_authenticated = true;
  s.server_name = "resume.example.com";
  s.created_unix = 1700000000;
  s.lifetime_seconds = 3600;
  s.session_id = filled(32, 0x51);
  s.session_id[31] = 0x07;
  s.ticket = filled(180, 0x7e);
  return s;
}

void check_equal(const SessionState& a, const SessionState& b) {
  BOOST_TEST(a.version == b.version);
  BOOST_TEST(a.cipher_suite == b.cipher_suite);
  BOOST_TEST(cachet::to_hex(a.master_secret.span()) == cachet::to_hex(b.master_secret.span()));
  BOOST_TEST(a.extended_master_secret == b.extended_master_secret);
  BOOST_TEST(a.peer_certificate_type == b.peer_certificate_type);
  BOOST_TEST_REQUIRE(a.peer_certificates.size() == b.peer_certificates.size());
  for (size_t i = 0; i < a.peer_certificates.size(); ++i) {
    BOOST_TEST(cachet::to_hex(a.peer_certificates[i]) == cachet::to_hex(b.peer_certificates[i]));
  }
  BOOST_TEST(cachet::to_hex(a.psk_identity) == cachet::to_hex(b.psk_identity));
  BOOST_TEST(a.client_authenticated == b.client_authenticated);
  BOOST_TEST(a.server_name == b.server_name);
  BOOST_TEST(a.created_unix == b.created_unix);
  BOOST_TEST(a.lifetime_seconds == b.lifetime_seconds);
  BOOST_TEST(cachet::to_hex(a.session_id) == cachet::to_hex(b.session_id));
  BOOST_TEST(cachet::to_hex(a.ticket) == cachet::to_hex(b.ticket));
}

// The version-1 layout written independently of serialize() and without its
// bounds checks, so a test can build encodings serialize() refuses to make.
Bytes encode_unchecked(const SessionState& s, uint8_t format = 1, uint8_t flags_override = 0) {
  cachet::ByteWriter w;
  w.u8(format);
  w.u16(s.version);
  w.u16(s.cipher_suite);
  uint8_t flags = (s.extended_master_secret ? 1 : 0) | (s.client_authenticated ? 2 : 0);
  w.u8(static_cast<uint8_t>(flags | flags_override));
  w.u8(s.peer_certificate_type);
  w.prefixed_bytes(1, s.master_secret.span());
  auto list = w.begin_prefix(3);
  for (const Bytes& cert : s.peer_certificates) w.prefixed_bytes(2, cert);
  w.end_prefix(list);
  w.prefixed_bytes(2, s.psk_identity);
  w.prefixed_bytes(2, cachet::as_bytes(s.server_name));
  w.u64(static_cast<uint64_t>(s.created_unix));
  w.u32(s.lifetime_seconds);
  w.prefixed_bytes(1, s.session_id);
  w.prefixed_bytes(3, s.ticket);
  auto out = w.take();
  BOOST_TEST_REQUIRE(out.ok());
  return std::move(out).value();
}

// parse() of the unchecked encoding of `s` fails, and serialize() refuses `s`.
void check_rejected(const SessionState& s) {
  auto parsed = SessionState::parse(encode_unchecked(s));
  BOOST_TEST(!parsed.ok());
  BOOST_TEST(s.serialize().empty());
}

// The unchecked encoding of `s` parses back, and matches serialize().
void check_accepted(const SessionState& s) {
  const Bytes encoded = encode_unchecked(s);
  auto parsed = SessionState::parse(encoded);
  BOOST_TEST_REQUIRE(parsed.ok());
  check_equal(*parsed, s);
  BOOST_TEST(cachet::to_hex(s.serialize()) == cachet::to_hex(encoded));
}

std::shared_ptr<const SessionState> cache_state(int64_t created, uint32_t lifetime, uint16_t suite = 0xc02f) {
  SessionState s = full_state();
  s.created_unix = created;
  s.lifetime_seconds = lifetime;
  s.cipher_suite = suite;
  return std::make_shared<const SessionState>(std::move(s));
}

Bytes id_of(uint8_t n, size_t size = 32) { return filled(size, n); }

}  // namespace

BOOST_AUTO_TEST_SUITE(session_state)

BOOST_AUTO_TEST_CASE(round_trip_of_a_fully_populated_state) {
  const SessionState s = full_state();
  const Bytes encoded = s.serialize();
  BOOST_TEST_REQUIRE(!encoded.empty());
  BOOST_TEST(encoded[0] == 1);  // format version first
  auto parsed = SessionState::parse(encoded);
  BOOST_TEST_REQUIRE(parsed.ok());
  check_equal(*parsed, s);
  BOOST_TEST(cachet::to_hex(parsed->serialize()) == cachet::to_hex(encoded));

  // The raw public key type and a state with every optional field empty.
  SessionState rpk = full_state();
  rpk.peer_certificate_type = cachet::session::kCertificateTypeRawPublicKey;
  rpk.peer_certificates = {filled(91, 0x30)};
  rpk.psk_identity.clear();
  rpk.server_name.clear();
  rpk.session_id.clear();
  rpk.ticket.clear();
  rpk.extended_master_secret = false;
  rpk.client_authenticated = false;
  rpk.created_unix = -5;  // before 1970 still round-trips
  auto rpk_parsed = SessionState::parse(rpk.serialize());
  BOOST_TEST_REQUIRE(rpk_parsed.ok());
  check_equal(*rpk_parsed, rpk);
}

BOOST_AUTO_TEST_CASE(serialize_is_deterministic_and_matches_the_documented_layout) {
  const SessionState s = full_state();
  const Bytes a = s.serialize();
  const Bytes b = s.serialize();
  const Bytes c = s.copy().serialize();
  BOOST_TEST(cachet::to_hex(a) == cachet::to_hex(b));
  BOOST_TEST(cachet::to_hex(a) == cachet::to_hex(c));
  BOOST_TEST(cachet::to_hex(a) == cachet::to_hex(encode_unchecked(s)));
}

BOOST_AUTO_TEST_CASE(copy_is_deep) {
  const SessionState s = full_state();
  SessionState c = s.copy();
  check_equal(c, s);
  BOOST_TEST(c.master_secret.data() != s.master_secret.data());
  c.master_secret.mutable_span()[0] ^= 0xff;
  BOOST_TEST(s.master_secret.span()[0] == 0x01);
}

BOOST_AUTO_TEST_CASE(every_proper_prefix_is_rejected) {
  const Bytes encoded = full_state().serialize();
  BOOST_TEST_REQUIRE(!encoded.empty());
  for (size_t n = 0; n < encoded.size(); ++n) {
    auto parsed = SessionState::parse(ByteSpan(encoded).first(n));
    BOOST_TEST(!parsed.ok(), "prefix of " << n << " bytes parsed");
  }
}

BOOST_AUTO_TEST_CASE(trailing_byte_is_rejected) {
  Bytes encoded = full_state().serialize();
  encoded.push_back(0);
  auto parsed = SessionState::parse(encoded);
  BOOST_TEST_REQUIRE(!parsed.ok());
  BOOST_TEST((parsed.error().code() == ErrorCode::kTrailingBytes));
}

BOOST_AUTO_TEST_CASE(unknown_format_version_is_rejected) {
  const SessionState s = full_state();
  for (int format : {0, 2, 0x80, 0xff}) {
    auto parsed = SessionState::parse(encode_unchecked(s, static_cast<uint8_t>(format)));
    BOOST_TEST_REQUIRE(!parsed.ok());
    BOOST_TEST((parsed.error().code() == ErrorCode::kUnsupported));
  }
  BOOST_TEST(SessionState::parse(encode_unchecked(s, 1)).ok());
}

BOOST_AUTO_TEST_CASE(unknown_flags_are_rejected) {
  const SessionState s = full_state();
  for (int flag : {0x04, 0x80}) {
    BOOST_TEST(!SessionState::parse(encode_unchecked(s, 1, static_cast<uint8_t>(flag))).ok());
  }
}

BOOST_AUTO_TEST_CASE(master_secret_must_be_exactly_48_bytes) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{47}, size_t{49}, size_t{255}}) {
    SessionState s = full_state();
    s.master_secret = cachet::SecretBytes(filled(size, 0x11));
    check_rejected(s);
  }
  check_accepted(full_state());
}

BOOST_AUTO_TEST_CASE(session_id_over_32_bytes_is_rejected) {
  SessionState s = full_state();
  s.session_id = filled(33, 0x22);
  check_rejected(s);
  s.session_id = filled(255, 0x22);
  check_rejected(s);
  s.session_id = filled(32, 0x22);
  check_accepted(s);
  s.session_id.clear();
  check_accepted(s);
}

BOOST_AUTO_TEST_CASE(too_many_peer_certificates_are_rejected) {
  SessionState s = full_state();
  s.peer_certificates = std::vector<Bytes>(cachet::session::kMaxPeerCertificates + 1, filled(10, 0x30));
  check_rejected(s);
  s.peer_certificates = std::vector<Bytes>(cachet::session::kMaxPeerCertificates, filled(10, 0x30));
  check_accepted(s);
}

BOOST_AUTO_TEST_CASE(oversized_peer_certificate_is_rejected) {
  SessionState s = full_state();
  std::vector<Bytes> certificates = s.peer_certificates;
  certificates[1] = filled(cachet::session::kMaxPeerCertificateSize + 1, 0x30);
  s.peer_certificates = certificates;
  check_rejected(s);
  certificates[1] = filled(cachet::session::kMaxPeerCertificateSize, 0x30);
  s.peer_certificates = certificates;
  check_accepted(s);
}

BOOST_AUTO_TEST_CASE(names_over_the_limit_are_rejected) {
  SessionState s = full_state();
  s.server_name.assign(cachet::session::kMaxNameSize + 1, 'a');
  check_rejected(s);
  s.server_name.assign(cachet::session::kMaxNameSize, 'a');
  check_accepted(s);
  s.psk_identity = filled(cachet::session::kMaxNameSize + 1, 'i');
  check_rejected(s);
  s.psk_identity = filled(cachet::session::kMaxNameSize, 'i');
  check_accepted(s);
}

BOOST_AUTO_TEST_CASE(oversized_ticket_is_rejected) {
  SessionState s = full_state();
  s.ticket = filled(cachet::session::kMaxTicketSize + 1, 0x7e);
  check_rejected(s);
  s.ticket = filled(cachet::session::kMaxTicketSize, 0x7e);
  check_accepted(s);
}

BOOST_AUTO_TEST_CASE(peer_certificate_type_must_be_x509_or_raw_public_key) {
  SessionState s = full_state();
  for (int type : {1, 3, 0x80, 0xff}) {
    s.peer_certificate_type = static_cast<uint8_t>(type);
    check_rejected(s);
  }
  for (uint8_t type : {cachet::session::kCertificateTypeX509, cachet::session::kCertificateTypeRawPublicKey}) {
    s.peer_certificate_type = type;
    check_accepted(s);
  }
}

BOOST_AUTO_TEST_CASE(expired_edges) {
  SessionState s = full_state();
  s.created_unix = 1000;
  s.lifetime_seconds = 100;
  BOOST_TEST(s.expired(999));  // before its creation: the clock went back
  BOOST_TEST(!s.expired(1000));
  BOOST_TEST(!s.expired(1099));
  BOOST_TEST(s.expired(1100));
  BOOST_TEST(s.expired(INT64_MAX));
  BOOST_TEST(s.expired(INT64_MIN));
  s.lifetime_seconds = 0;
  BOOST_TEST(s.expired(1000));
  // Extreme times (parse() accepts any) must not overflow.
  s.created_unix = INT64_MIN;
  s.lifetime_seconds = UINT32_MAX;
  BOOST_TEST(s.expired(INT64_MAX));
  BOOST_TEST(!s.expired(INT64_MIN + 1));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(session_handle)

BOOST_AUTO_TEST_CASE(default_session_is_invalid) {
  const Session s;
  BOOST_TEST(!s.valid());
  BOOST_TEST(!static_cast<bool>(s));
  BOOST_TEST(s.id().empty());
  BOOST_TEST(!s.has_ticket());
  BOOST_TEST(s.cipher_suite() == 0);
  BOOST_TEST(!s.extended_master_secret());
  BOOST_TEST(s.server_name().empty());
  BOOST_TEST(s.expired(0));
  BOOST_TEST(s.serialize().empty());
  BOOST_TEST(s.state() == nullptr);
}

BOOST_AUTO_TEST_CASE(accessors_reflect_the_state) {
  const Session s(std::make_shared<const SessionState>(full_state()));
  BOOST_TEST_REQUIRE(s.valid());
  BOOST_TEST(cachet::to_hex(s.id()) == cachet::to_hex(full_state().session_id));
  BOOST_TEST(s.has_ticket());
  BOOST_TEST(s.cipher_suite() == 0xc02b);
  BOOST_TEST(s.extended_master_secret());
  BOOST_TEST(s.server_name() == "resume.example.com");
  BOOST_TEST(s.created_unix() == 1700000000);
  BOOST_TEST(s.lifetime_seconds() == 3600u);
  const Session copy = s;  // copies share one state
  BOOST_TEST(copy.state() == s.state());

  SessionState bare = full_state();
  bare.ticket.clear();
  bare.session_id.clear();
  bare.extended_master_secret = false;
  const Session b(std::make_shared<const SessionState>(std::move(bare)));
  BOOST_TEST(!b.has_ticket());
  BOOST_TEST(b.id().empty());
  BOOST_TEST(!b.extended_master_secret());
}

BOOST_AUTO_TEST_CASE(parse_of_serialize_is_equal) {
  const Session s(std::make_shared<const SessionState>(full_state()));
  const std::vector<uint8_t> bytes = s.serialize();
  BOOST_TEST_REQUIRE(!bytes.empty());
  auto parsed = Session::parse(bytes);
  BOOST_TEST_REQUIRE(parsed.ok());
  BOOST_TEST_REQUIRE(parsed->valid());
  check_equal(*parsed->state(), *s.state());
  BOOST_TEST(cachet::to_hex(parsed->id()) == cachet::to_hex(s.id()));
  BOOST_TEST(parsed->server_name() == s.server_name());
  BOOST_TEST(parsed->cipher_suite() == s.cipher_suite());
  BOOST_TEST(parsed->created_unix() == s.created_unix());
  BOOST_TEST(parsed->lifetime_seconds() == s.lifetime_seconds());
  BOOST_TEST(cachet::to_hex(parsed->serialize()) == cachet::to_hex(bytes));
}

BOOST_AUTO_TEST_CASE(parse_rejects_bad_input) {
  const Session session(std::make_shared<const SessionState>(full_state()));
  const std::vector<uint8_t> bytes = session.serialize();
  BOOST_TEST(!Session::parse({}).ok());
  BOOST_TEST(!Session::parse(ByteSpan(bytes).first(bytes.size() - 1)).ok());
  Bytes longer = bytes;
  longer.push_back(0);
  BOOST_TEST(!Session::parse(longer).ok());
  Bytes wrong_version = bytes;
  wrong_version[0] = 2;
  BOOST_TEST(!Session::parse(wrong_version).ok());
  BOOST_TEST(!Session::parse(filled(200, 0xff)).ok());
}

BOOST_AUTO_TEST_CASE(session_expired_edges) {
  const Session s(cache_state(5000, 60));
  BOOST_TEST(s.expired(4999));
  BOOST_TEST(!s.expired(5000));
  BOOST_TEST(!s.expired(5059));
  BOOST_TEST(s.expired(5060));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(session_cache)

BOOST_AUTO_TEST_CASE(insert_and_find) {
  SessionCache cache(10, std::chrono::seconds(100));
  BOOST_TEST(cache.capacity() == 10u);
  BOOST_TEST(cache.lifetime().count() == 100);
  BOOST_TEST(cache.size() == 0u);
  auto state = cache_state(1000, 3600);
  cache.insert(id_of(1), state, 1000);
  BOOST_TEST(cache.size() == 1u);
  BOOST_TEST(cache.find(id_of(1), 1001) == state);
  BOOST_TEST(cache.find(id_of(2), 1001) == nullptr);
  BOOST_TEST(cache.find(id_of(1, 31), 1001) == nullptr);  // a prefix of the ID is another ID
}

BOOST_AUTO_TEST_CASE(lru_eviction_at_capacity_follows_use) {
  SessionCache cache(3, std::chrono::seconds(100));
  auto a = cache_state(1000, 3600), b = cache_state(1000, 3600), c = cache_state(1000, 3600);
  cache.insert(id_of('a'), a, 1000);
  cache.insert(id_of('b'), b, 1000);
  cache.insert(id_of('c'), c, 1000);
  // Touching `a` makes `b` the least recently used.
  BOOST_TEST(cache.find(id_of('a'), 1001) == a);
  cache.insert(id_of('d'), cache_state(1000, 3600), 1001);
  BOOST_TEST(cache.size() == 3u);
  BOOST_TEST(cache.find(id_of('b'), 1002) == nullptr);
  BOOST_TEST(cache.find(id_of('a'), 1002) == a);
  BOOST_TEST(cache.find(id_of('c'), 1002) == c);
  BOOST_TEST(cache.find(id_of('d'), 1002) != nullptr);
  // Now `a` is the least recently used.
  cache.insert(id_of('e'), cache_state(1000, 3600), 1003);
  BOOST_TEST(cache.find(id_of('a'), 1004) == nullptr);
  BOOST_TEST(cache.find(id_of('c'), 1004) == c);
  BOOST_TEST(cache.stats().evictions == 2u);
  BOOST_TEST(cache.size() == 3u);
}

BOOST_AUTO_TEST_CASE(expiry_by_cache_lifetime) {
  SessionCache cache(10, std::chrono::seconds(100));
  auto state = cache_state(1000, 100000);
  cache.insert(id_of(1), state, 1000);
  BOOST_TEST(cache.find(id_of(1), 999) == nullptr);  // before insertion: not returned, dropped
  BOOST_TEST(cache.size() == 0u);
  cache.insert(id_of(1), state, 1000);
  BOOST_TEST(cache.find(id_of(1), 1099) == state);
  BOOST_TEST(cache.size() == 1u);
  BOOST_TEST(cache.find(id_of(1), 1100) == nullptr);
  BOOST_TEST(cache.size() == 0u);  // removed on lookup
  BOOST_TEST(cache.stats().expired == 2u);
  BOOST_TEST(cache.find(id_of(1), 1099) == nullptr);  // gone for good
}

BOOST_AUTO_TEST_CASE(expiry_by_state_lifetime) {
  SessionCache cache(10, std::chrono::seconds(7200));
  auto state = cache_state(1000, 10);
  cache.insert(id_of(1), state, 1000);
  BOOST_TEST(cache.find(id_of(1), 1009) == state);
  BOOST_TEST(cache.find(id_of(1), 1010) == nullptr);
  BOOST_TEST(cache.size() == 0u);
}

BOOST_AUTO_TEST_CASE(remove_drops_one_entry) {
  SessionCache cache(10, std::chrono::seconds(100));
  cache.insert(id_of(1), cache_state(1000, 3600), 1000);
  cache.insert(id_of(2), cache_state(1000, 3600), 1000);
  cache.remove(id_of(1));
  cache.remove(id_of(9));  // absent: no-op
  cache.remove({});        // invalid: no-op
  BOOST_TEST(cache.size() == 1u);
  BOOST_TEST(cache.find(id_of(1), 1001) == nullptr);
  BOOST_TEST(cache.find(id_of(2), 1001) != nullptr);
}

BOOST_AUTO_TEST_CASE(clear_drops_everything) {
  SessionCache cache(10, std::chrono::seconds(100));
  for (uint8_t i = 1; i <= 5; ++i) cache.insert(id_of(i), cache_state(1000, 3600), 1000);
  BOOST_TEST(cache.size() == 5u);
  cache.clear();
  BOOST_TEST(cache.size() == 0u);
  for (uint8_t i = 1; i <= 5; ++i) BOOST_TEST(cache.find(id_of(i), 1001) == nullptr);
  cache.insert(id_of(1), cache_state(1000, 3600), 1000);  // still usable
  BOOST_TEST(cache.find(id_of(1), 1001) != nullptr);
}

BOOST_AUTO_TEST_CASE(stats_count_hits_misses_evictions_and_expiry) {
  SessionCache cache(2, std::chrono::seconds(100));
  BOOST_TEST(cache.stats().hits == 0u);
  cache.insert(id_of(1), cache_state(1000, 3600), 1000);
  cache.insert(id_of(2), cache_state(1000, 3600), 1000);
  BOOST_TEST(cache.find(id_of(1), 1001) != nullptr);  // hit
  BOOST_TEST(cache.find(id_of(1), 1002) != nullptr);  // hit
  BOOST_TEST(cache.find(id_of(3), 1002) == nullptr);  // miss
  cache.insert(id_of(3), cache_state(1000, 3600), 1003);  // evicts 2
  BOOST_TEST(cache.find(id_of(2), 1004) == nullptr);      // miss
  BOOST_TEST(cache.find(id_of(3), 2000) == nullptr);      // expired (and a miss)
  const SessionCache::Stats st = cache.stats();
  BOOST_TEST(st.hits == 2u);
  BOOST_TEST(st.misses == 3u);
  BOOST_TEST(st.evictions == 1u);
  BOOST_TEST(st.expired == 1u);
}

BOOST_AUTO_TEST_CASE(insert_replaces_an_existing_id) {
  SessionCache cache(2, std::chrono::seconds(100));
  auto first = cache_state(1000, 3600, 0x0001);
  auto second = cache_state(1050, 3600, 0x0002);
  cache.insert(id_of(1), first, 1000);
  cache.insert(id_of(2), cache_state(1000, 3600), 1000);
  cache.insert(id_of(1), second, 1050);
  BOOST_TEST(cache.size() == 2u);
  BOOST_TEST(cache.stats().evictions == 0u);
  // Replacing made ID 1 the most recently used: 2 is the one evicted.
  cache.insert(id_of(3), cache_state(1000, 3600), 1060);
  BOOST_TEST(cache.find(id_of(2), 1061) == nullptr);
  auto found = cache.find(id_of(1), 1120);  // lifetime restarts at the replacement
  BOOST_TEST_REQUIRE(found != nullptr);
  BOOST_TEST(found == second);
  BOOST_TEST(found->cipher_suite == 0x0002);
}

BOOST_AUTO_TEST_CASE(insert_ignores_ids_of_0_or_over_32_bytes) {
  SessionCache cache(10, std::chrono::seconds(100));
  cache.insert({}, cache_state(1000, 3600), 1000);
  cache.insert(id_of(1, 33), cache_state(1000, 3600), 1000);
  cache.insert(id_of(1, 255), cache_state(1000, 3600), 1000);
  cache.insert(id_of(2), nullptr, 1000);  // no state: ignored too
  BOOST_TEST(cache.size() == 0u);
  BOOST_TEST(cache.find(id_of(1, 33), 1001) == nullptr);
  cache.insert(id_of(1, 1), cache_state(1000, 3600), 1000);
  cache.insert(id_of(1, 32), cache_state(1000, 3600), 1000);
  BOOST_TEST(cache.size() == 2u);
  BOOST_TEST(cache.find(id_of(1, 1), 1001) != nullptr);
}

BOOST_AUTO_TEST_CASE(zero_capacity_stores_nothing) {
  SessionCache cache(0, std::chrono::seconds(100));
  cache.insert(id_of(1), cache_state(1000, 3600), 1000);
  BOOST_TEST(cache.size() == 0u);
  BOOST_TEST(cache.find(id_of(1), 1001) == nullptr);
}

// Four threads hammer overlapping IDs; run under the sanitizer build too.
BOOST_AUTO_TEST_CASE(concurrent_insert_and_find) {
  constexpr size_t kCapacity = 100;
  constexpr int kThreads = 4, kOps = 2000;
  SessionCache cache(kCapacity, std::chrono::seconds(100));
  std::vector<std::shared_ptr<const SessionState>> states;
  for (int i = 0; i < 8; ++i) states.push_back(cache_state(1000, 3600, static_cast<uint16_t>(i)));
  std::atomic<bool> over_capacity{false};
  std::atomic<uint64_t> hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kOps; ++i) {
        // IDs 0..249 shared by all threads, more than the cache holds.
        const uint16_t n = static_cast<uint16_t>((i * 7 + t * 13) % 250);
        Bytes id = id_of(static_cast<uint8_t>(n), 16);
        id[0] = static_cast<uint8_t>(n >> 8);
        const int64_t now = 1000 + i / 100;
        if ((i + t) % 3 == 0) {
          cache.remove(id);
        } else if ((i + t) % 2 == 0) {
          cache.insert(id, states[static_cast<size_t>(i % 8)], now);
        } else if (auto found = cache.find(id, now)) {
          if (found->lifetime_seconds == 3600) hits.fetch_add(1);
        }
        if (cache.size() > kCapacity) over_capacity = true;
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(!over_capacity.load());
  BOOST_TEST(cache.size() <= kCapacity);
  const SessionCache::Stats st = cache.stats();
  BOOST_TEST(st.hits == hits.load());
  BOOST_TEST(st.hits + st.misses > 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ticket_keys)

constexpr int64_t kT0 = 1700000000;
constexpr int64_t kRotation = 100;

SessionState ticket_state(int64_t created = kT0, uint32_t lifetime = 1000) {
  SessionState s = full_state();
  s.created_unix = created;
  s.lifetime_seconds = lifetime;
  return s;
}

Bytes seal_or_fail(TicketKeys& keys, const SessionState& s, int64_t now) {
  auto ticket = keys.seal(s, now);
  BOOST_TEST_REQUIRE(ticket.ok());
  return std::move(ticket).value();
}

BOOST_AUTO_TEST_CASE(seal_open_round_trip_preserves_every_field) {
  TicketKeys keys(std::chrono::seconds(kRotation), std::chrono::seconds(7200));
  BOOST_TEST(keys.lifetime().count() == 7200);
  const SessionState s = ticket_state(kT0, 1000);
  const Bytes ticket = seal_or_fail(keys, s, kT0);
  BOOST_TEST(ticket.size() <= cachet::session::kMaxTicketSize);
  BOOST_TEST(ticket.size() == 16 + 12 + s.serialize().size() + 16);
  auto opened = keys.open(ticket, kT0 + 1);
  BOOST_TEST_REQUIRE(opened.has_value());
  BOOST_TEST_REQUIRE(opened->state != nullptr);
  BOOST_TEST(!opened->renew);
  check_equal(*opened->state, s);
}

BOOST_AUTO_TEST_CASE(opened_lifetime_is_clamped_to_the_ticket_lifetime) {
  TicketKeys keys(std::chrono::seconds(kRotation), std::chrono::seconds(500));
  const Bytes ticket = seal_or_fail(keys, ticket_state(kT0, 100000), kT0);
  auto opened = keys.open(ticket, kT0 + 10);
  BOOST_TEST_REQUIRE(opened.has_value());
  BOOST_TEST(opened->state->lifetime_seconds == 500u);
  // A shorter lifetime of the state's own is kept, and enforced.
  const Bytes short_lived = seal_or_fail(keys, ticket_state(kT0, 20), kT0);
  auto opened_short = keys.open(short_lived, kT0 + 10);
  BOOST_TEST_REQUIRE(opened_short.has_value());
  BOOST_TEST(opened_short->state->lifetime_seconds == 20u);
  BOOST_TEST(!keys.open(short_lived, kT0 + 20).has_value());
}

BOOST_AUTO_TEST_CASE(flipping_any_byte_makes_open_fail) {
  TicketKeys keys(std::chrono::seconds(kRotation), std::chrono::seconds(7200));
  SessionState s = ticket_state();
  s.peer_certificates = {filled(20, 0x30)};
  s.ticket.clear();
  const Bytes ticket = seal_or_fail(keys, s, kT0);
  BOOST_TEST_REQUIRE(keys.open(ticket, kT0).has_value());
  for (size_t i = 0; i < ticket.size(); ++i) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      Bytes bad = ticket;
      bad[i] ^= mask;
      BOOST_TEST(!keys.open(bad, kT0).has_value(), "byte " << i << " ^ " << int(mask) << " opened");
    }
  }
}

BOOST_AUTO_TEST_CASE(short_and_empty_tickets_fail) {
  TicketKeys keys(std::chrono::seconds(kRotation), std::chrono::seconds(7200));
  const Bytes ticket = seal_or_fail(keys, ticket_state(), kT0);
  BOOST_TEST(!keys.open({}, kT0).has_value());
  for (size_t n = 0; n < ticket.size(); ++n) {
    BOOST_TEST(!keys.open(ByteSpan(ticket).first(n), kT0).has_value(), "prefix of " << n << " bytes opened");
  }
  // Exactly the overhead: a name, a nonce and a tag with nothing sealed.
  Bytes overhead_only(ticket.begin(), ticket.begin() + 28);
  overhead_only.insert(overhead_only.end(), ticket.end() - 16, ticket.end());
  BOOST_TEST(!keys.open(overhead_only, kT0).has_value());
  BOOST_TEST(!keys.open(filled(cachet::session::kMaxTicketSize + 1, 0), kT0).has_value());
  // Before anything is sealed there is no key at all.
  TicketKeys fresh;
  BOOST_TEST(!fresh.open(ticket, kT0).has_value());
}

BOOST_AUTO_TEST_CASE(unknown_key_name_fails) {
  TicketKeys keys(std::chrono::seconds(kRotation), std::chrono::seconds(7200));
  const Bytes ticket = seal_or_fail(keys, ticket_state(), kT0);
  Bytes renamed = ticket;
  for (size_t i = 0; i < 16; ++i) renamed[i] = static_cast<uint8_t>(i);
  BOOST_TEST(!keys.open(renamed, kT0).has_value());
  BOOST_TEST(keys.open(ticket, kT0).has_value());
}

BOOST_AUTO_TEST_CASE(lazy_rotation_renews_then_refuses) {
  TicketKeys keys(std::chrono::seconds(kRotation), std::chrono::seconds(7200));
  const Bytes ticket = seal_or_fail(keys, ticket_state(), kT0);
  auto fresh = keys.open(ticket, kT0 + kRotation - 1);
  BOOST_TEST_REQUIRE(fresh.has_value());
  BOOST_TEST(!fresh->renew);
  auto renewed = keys.open(ticket, kT0 + kRotation + 1);
  BOOST_TEST_REQUIRE(renewed.has_value());
  BOOST_TEST(renewed->renew);
  // A ticket sealed now is under a new key, and not to be renewed.
  const Bytes newer = seal_or_fail(keys, ticket_state(kT0 + kRotation + 1), kT0 + kRotation + 1);
  BOOST_TEST(cachet::to_hex(ByteSpan(newer).first(16)) != cachet::to_hex(ByteSpan(ticket).first(16)));
  auto opened_newer = keys.open(newer, kT0 + kRotation + 2);
  BOOST_TEST_REQUIRE(opened_newer.has_value());
  BOOST_TEST(!opened_newer->renew);
  BOOST_TEST(!keys.open(ticket, kT0 + 2 * kRotation + 1).has_value());
  BOOST_TEST(keys.open(newer, kT0 + 2 * kRotation + 1).has_value());

  // The same with nothing in between: two periods pass at once.
  TicketKeys idle(std::chrono::seconds(kRotation), std::chrono::seconds(7200));
  const Bytes idle_ticket = seal_or_fail(idle, ticket_state(), kT0);
  BOOST_TEST(!idle.open(idle_ticket, kT0 + 2 * kRotation + 1).has_value());
}

BOOST_AUTO_TEST_CASE(explicit_rotate) {
  TicketKeys keys(std::chrono::seconds(kRotation), std::chrono::seconds(7200));
  const Bytes ticket = seal_or_fail(keys, ticket_state(), kT0);
  keys.rotate(kT0 + 1);
  auto renewed = keys.open(ticket, kT0 + 2);
  BOOST_TEST_REQUIRE(renewed.has_value());
  BOOST_TEST(renewed->renew);
  const Bytes second = seal_or_fail(keys, ticket_state(), kT0 + 2);
  BOOST_TEST(cachet::to_hex(ByteSpan(second).first(16)) != cachet::to_hex(ByteSpan(ticket).first(16)));
  auto opened_second = keys.open(second, kT0 + 3);
  BOOST_TEST_REQUIRE(opened_second.has_value());
  BOOST_TEST(!opened_second->renew);
  keys.rotate(kT0 + 4);
  BOOST_TEST(!keys.open(ticket, kT0 + 5).has_value());
  BOOST_TEST(keys.open(second, kT0 + 5).has_value());
}

BOOST_AUTO_TEST_CASE(ticket_older_than_lifetime_fails) {
  TicketKeys keys(std::chrono::seconds(100000), std::chrono::seconds(300));
  const Bytes ticket = seal_or_fail(keys, ticket_state(kT0, 100000), kT0);
  BOOST_TEST(keys.open(ticket, kT0 + 299).has_value());
  BOOST_TEST(!keys.open(ticket, kT0 + 300).has_value());
  BOOST_TEST(!keys.open(ticket, kT0 + 5000).has_value());
  // A state made long before sealing ages from its creation, not the seal.
  const Bytes old = seal_or_fail(keys, ticket_state(kT0 - 300, 100000), kT0);
  BOOST_TEST(!keys.open(old, kT0).has_value());
}

BOOST_AUTO_TEST_CASE(created_in_the_future_fails) {
  TicketKeys keys(std::chrono::seconds(kRotation), std::chrono::seconds(7200));
  const Bytes ticket = seal_or_fail(keys, ticket_state(kT0 + 10), kT0);
  BOOST_TEST(!keys.open(ticket, kT0).has_value());
  BOOST_TEST(!keys.open(ticket, kT0 + 9).has_value());
  BOOST_TEST(keys.open(ticket, kT0 + 10).has_value());
}

BOOST_AUTO_TEST_CASE(instances_cannot_open_each_others_tickets) {
  TicketKeys a(std::chrono::seconds(kRotation), std::chrono::seconds(7200));
  TicketKeys b(std::chrono::seconds(kRotation), std::chrono::seconds(7200));
  const Bytes from_a = seal_or_fail(a, ticket_state(), kT0);
  const Bytes from_b = seal_or_fail(b, ticket_state(), kT0);
  BOOST_TEST(a.open(from_a, kT0).has_value());
  BOOST_TEST(b.open(from_b, kT0).has_value());
  BOOST_TEST(!a.open(from_b, kT0).has_value());
  BOOST_TEST(!b.open(from_a, kT0).has_value());
  // Even under a's key name, b's ciphertext does not authenticate.
  Bytes spliced = from_b;
  std::copy(from_a.begin(), from_a.begin() + 16, spliced.begin());
  BOOST_TEST(!a.open(spliced, kT0).has_value());
}

BOOST_AUTO_TEST_CASE(seal_is_not_deterministic) {
  TicketKeys keys(std::chrono::seconds(kRotation), std::chrono::seconds(7200));
  const SessionState s = ticket_state();
  const Bytes one = seal_or_fail(keys, s, kT0);
  const Bytes two = seal_or_fail(keys, s, kT0);
  BOOST_TEST(one.size() == two.size());
  BOOST_TEST(cachet::to_hex(one) != cachet::to_hex(two));
  // Same key, fresh nonce.
  BOOST_TEST(cachet::to_hex(ByteSpan(one).first(16)) == cachet::to_hex(ByteSpan(two).first(16)));
  BOOST_TEST(cachet::to_hex(ByteSpan(one).subspan(16, 12)) != cachet::to_hex(ByteSpan(two).subspan(16, 12)));
}

BOOST_AUTO_TEST_CASE(seal_refuses_an_unserializable_state) {
  TicketKeys keys(std::chrono::seconds(kRotation), std::chrono::seconds(7200));
  SessionState s = ticket_state();
  s.master_secret = cachet::SecretBytes(filled(10, 1));
  BOOST_TEST(!keys.seal(s, kT0).ok());
  // Too large to fit a NewSessionTicket once sealed.
  SessionState big = ticket_state();
  big.ticket = filled(cachet::session::kMaxTicketSize, 0x7e);
  BOOST_TEST(!keys.seal(big, kT0).ok());
}

BOOST_AUTO_TEST_CASE(concurrent_seal_and_open) {
  TicketKeys keys(std::chrono::seconds(kRotation), std::chrono::seconds(7200));
  const SessionState s = ticket_state();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        const int64_t now = kT0 + i;  // crosses one rotation
        auto ticket = keys.seal(s, now);
        if (!ticket.ok() || !keys.open(*ticket, now).has_value()) failures.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(failures.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
