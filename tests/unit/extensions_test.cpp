// Hello extension codecs: exact encodings, round trips, every length bound,
// duplicates, unknown extensions.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>

#include "base/hex.hpp"
#include "handshake/extensions.hpp"
#include "test_util.hpp"

using namespace cachet;
using namespace cachet::handshake;

namespace {

constexpr HelloKind kCh = HelloKind::kClientHello;
constexpr HelloKind kSh = HelloKind::kServerHello;

Result<HelloExtensions> parse_block(const Bytes& block, HelloKind kind) {
  ByteReader r(block);
  return parse_extensions(r, kind);
}

Result<Bytes> write_block(const HelloExtensions& ext, HelloKind kind) {
  ByteWriter w;
  CACHET_TRY(write_extensions(w, ext, kind));
  return w.take();
}

// With CACHET_CODEC_SEED_DIR set, round trips are written as seeds for
// fuzz/handshake_messages (selector 16: ClientHello block, 17: ServerHello).
void write_seed(HelloKind kind, ByteSpan block) {
  const char* dir = std::getenv("CACHET_CODEC_SEED_DIR");
  if (dir == nullptr) return;
  static int counter = 0;
  const std::string name = std::string(dir) + "/extensions_" + (kind == kCh ? "ch_" : "sh_") +
                           std::to_string(counter++);
  std::ofstream out(name, std::ios::binary);
  out.put(static_cast<char>(kind == kCh ? 16 : 17));
  out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(block.size()));
}

// write → expected bytes → parse → equal (received_types = what was written)
// → write → identical bytes.
void check_round_trip(const HelloExtensions& ext, HelloKind kind, std::string_view expected_hex) {
  auto first = write_block(ext, kind);
  BOOST_TEST_REQUIRE(first.ok());
  BOOST_TEST(to_hex(*first) == to_hex(test::hex(expected_hex)));
  auto parsed = parse_block(*first, kind);
  BOOST_TEST_REQUIRE(parsed.ok(), "parse failed: " << parsed.error().what());
  BOOST_TEST(parsed->received_types == present_types(ext, kind));
  HelloExtensions without_types = *parsed;
  without_types.received_types.clear();
  BOOST_TEST((without_types == ext));
  auto second = write_block(*parsed, kind);
  BOOST_TEST_REQUIRE(second.ok());
  BOOST_TEST(to_hex(*second) == to_hex(*first));
  write_seed(kind, *first);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(extensions)

// --- Round trips with exact encodings, one per extension and hello form. ---

BOOST_AUTO_TEST_CASE(server_name_round_trip) {
  HelloExtensions ch;
  ch.server_name = "example.com";
  // RFC 6066 §3: list<2> { name_type 0, HostName<2> }.
  check_round_trip(ch, kCh, "0014 0000 0010 000e 00 000b 6578616d706c652e636f6d");
  HelloExtensions sh;
  sh.server_name = "";
  check_round_trip(sh, kSh, "0004 0000 0000");
}

BOOST_AUTO_TEST_CASE(supported_groups_round_trip) {
  HelloExtensions e;
  e.supported_groups = std::vector<uint16_t>{0x001d, 0x0017};
  check_round_trip(e, kCh, "000a 000a 0006 0004 001d 0017");
}

BOOST_AUTO_TEST_CASE(ec_point_formats_round_trip) {
  HelloExtensions e;
  e.ec_point_formats = std::vector<uint8_t>{0};
  check_round_trip(e, kCh, "0006 000b 0002 01 00");
  check_round_trip(e, kSh, "0006 000b 0002 01 00");
}

BOOST_AUTO_TEST_CASE(signature_algorithms_round_trip) {
  HelloExtensions e;
  e.signature_algorithms = std::vector<uint16_t>{0x0403, 0x0804};
  check_round_trip(e, kCh, "000a 000d 0006 0004 0403 0804");
}

BOOST_AUTO_TEST_CASE(use_srtp_round_trip) {
  HelloExtensions ch;
  ch.use_srtp = UseSrtp{{0x0001, 0x0007}, test::hex("aa")};
  check_round_trip(ch, kCh, "000c 000e 0008 0004 0001 0007 01 aa");
  HelloExtensions sh;
  sh.use_srtp = UseSrtp{{0x0001}, {}};
  check_round_trip(sh, kSh, "0009 000e 0005 0002 0001 00");
}

BOOST_AUTO_TEST_CASE(alpn_round_trip) {
  HelloExtensions ch;
  ch.alpn = std::vector<std::string>{"h2", "http/1.1"};
  check_round_trip(ch, kCh, "0012 0010 000e 000c 02 6832 08 687474702f312e31");
  HelloExtensions sh;
  sh.alpn = std::vector<std::string>{"h2"};
  check_round_trip(sh, kSh, "0009 0010 0005 0003 02 6832");
}

BOOST_AUTO_TEST_CASE(certificate_type_round_trip) {
  HelloExtensions ch;
  ch.client_certificate_types = std::vector<uint8_t>{2, 0};
  ch.server_certificate_types = std::vector<uint8_t>{2};
  check_round_trip(ch, kCh, "000d 0013 0003 02 0200 0014 0002 01 02");
  HelloExtensions sh;
  sh.client_certificate_types = std::vector<uint8_t>{0};
  sh.server_certificate_types = std::vector<uint8_t>{2};
  // RFC 7250 §3: a single CertificateType byte in the ServerHello.
  check_round_trip(sh, kSh, "000a 0013 0001 00 0014 0001 02");
}

BOOST_AUTO_TEST_CASE(extended_master_secret_round_trip) {
  HelloExtensions e;
  e.extended_master_secret = true;
  check_round_trip(e, kCh, "0004 0017 0000");
  check_round_trip(e, kSh, "0004 0017 0000");
}

BOOST_AUTO_TEST_CASE(record_size_limit_round_trip) {
  HelloExtensions e;
  e.record_size_limit = 16385;
  check_round_trip(e, kCh, "0006 001c 0002 4001");
  e.record_size_limit = kMinRecordSizeLimit;
  check_round_trip(e, kSh, "0006 001c 0002 0040");
}

BOOST_AUTO_TEST_CASE(session_ticket_round_trip) {
  HelloExtensions ch;
  ch.session_ticket = test::hex("aabbcc");
  check_round_trip(ch, kCh, "0007 0023 0003 aabbcc");
  ch.session_ticket = Bytes{};
  check_round_trip(ch, kCh, "0004 0023 0000");
  check_round_trip(ch, kSh, "0004 0023 0000");
}

BOOST_AUTO_TEST_CASE(connection_id_round_trip) {
  HelloExtensions e;
  e.connection_id = test::hex("010203");
  check_round_trip(e, kCh, "0008 0036 0004 03 010203");
  e.connection_id = Bytes{};  // RFC 9146 §3: empty = "send me none"
  check_round_trip(e, kSh, "0005 0036 0001 00");
}

BOOST_AUTO_TEST_CASE(renegotiation_info_round_trip) {
  HelloExtensions e;
  e.renegotiation_info = Bytes{};
  check_round_trip(e, kCh, "0005 ff01 0001 00");
  e.renegotiation_info = Bytes(24, 0x5a);  // RFC 5746 §3.5: client+server verify_data
  check_round_trip(e, kSh, "001d ff01 0019 18" + to_hex(Bytes(24, 0x5a)));
}

BOOST_AUTO_TEST_CASE(all_extensions_written_in_ascending_order) {
  HelloExtensions e;
  e.renegotiation_info = Bytes{};
  e.connection_id = test::hex("07");
  e.session_ticket = Bytes{};
  e.record_size_limit = 1024;
  e.extended_master_secret = true;
  e.server_certificate_types = std::vector<uint8_t>{2, 0};
  e.client_certificate_types = std::vector<uint8_t>{0};
  e.alpn = std::vector<std::string>{"coap"};
  e.use_srtp = UseSrtp{{0x0002}, {}};
  e.signature_algorithms = std::vector<uint16_t>{0x0403};
  e.ec_point_formats = std::vector<uint8_t>{0};
  e.supported_groups = std::vector<uint16_t>{0x0017};
  e.server_name = "a.example";
  const std::vector<uint16_t> order{0, 10, 11, 13, 14, 16, 19, 20, 23, 28, 35, 54, 0xff01};
  BOOST_TEST(present_types(e, kCh) == order);
  auto bytes = write_block(e, kCh);
  BOOST_TEST_REQUIRE(bytes.ok());
  auto parsed = parse_block(*bytes, kCh);
  BOOST_TEST_REQUIRE(parsed.ok());
  BOOST_TEST(parsed->received_types == order);
  HelloExtensions copy = *parsed;
  copy.received_types.clear();
  BOOST_TEST((copy == e));
  auto again = write_block(*parsed, kCh);
  BOOST_TEST_REQUIRE(again.ok());
  BOOST_TEST(to_hex(*again) == to_hex(*bytes));
}

// --- Absent and empty blocks. ---

BOOST_AUTO_TEST_CASE(absent_or_empty_block_means_no_extensions) {
  // RFC 5246 §7.4.1.2: extensions are detected by bytes after compression.
  ByteReader none;
  auto a = parse_extensions(none, kCh);
  BOOST_TEST_REQUIRE(a.ok());
  BOOST_TEST((*a == HelloExtensions{}));
  auto b = parse_block(test::hex("0000"), kSh);
  BOOST_TEST_REQUIRE(b.ok());
  BOOST_TEST((*b == HelloExtensions{}));
  // An empty block is omitted, not written as 00 00.
  auto w = write_block(HelloExtensions{}, kCh);
  BOOST_TEST_REQUIRE(w.ok());
  BOOST_TEST(w->empty());
}

// --- Unknown, duplicate and misplaced extensions. ---

BOOST_AUTO_TEST_CASE(unknown_extensions_skipped_with_types_recorded) {
  // GREASE 0xfafa, EMS, encrypt_then_mac (22), padding (21).
  auto e = parse_block(test::hex("0014 fafa 0002 0102  0017 0000  0016 0000  0015 0002 0000"), kCh);
  BOOST_TEST_REQUIRE(e.ok());
  BOOST_TEST(e->received_types == (std::vector<uint16_t>{0xfafa, 23, 22, 21}));
  BOOST_TEST(e->extended_master_secret);
  BOOST_TEST(e->received(ExtensionType::kPadding));
  BOOST_TEST(!e->received(ExtensionType::kAlpn));
  auto w = write_block(*e, kCh);
  BOOST_TEST_REQUIRE(w.ok());
  BOOST_TEST(to_hex(*w) == "000400170000");
}

BOOST_AUTO_TEST_CASE(duplicates_rejected) {
  // RFC 5246 §7.4.1.4: "There MUST NOT be more than one extension of the same type."
  for (const char* block : {"0008 0017 0000 0017 0000", "0008 fafa 0000 fafa 0000",
                            "000e 0017 0000 000b 0002 0100 0017 0000"}) {
    BOOST_TEST_CONTEXT(block) {
      auto e = parse_block(test::hex(block), kCh);
      BOOST_TEST_REQUIRE(!e.ok());
      BOOST_TEST((e.error().code() == ErrorCode::kDecodeError));
      BOOST_TEST((alert_for(e.error()) == AlertDescription::kDecodeError));
    }
  }
}

BOOST_AUTO_TEST_CASE(server_hello_client_only_extensions_recorded_not_decoded) {
  // supported_groups and signature_algorithms have no ServerHello form: the
  // caller sees them in received_types and decides (unsupported_extension).
  auto e = parse_block(test::hex("000e 000a 0004 0002 0017  000d 0002 0403"), kSh);
  BOOST_TEST_REQUIRE(e.ok());
  BOOST_TEST(e->received(ExtensionType::kSupportedGroups));
  BOOST_TEST(e->received(ExtensionType::kSignatureAlgorithms));
  BOOST_TEST(!e->supported_groups.has_value());
  BOOST_TEST(!e->signature_algorithms.has_value());
}

// --- Every length field: below its minimum, above its bounds (running past
// the data), trailing bytes inside the extension and after the block. ---

constexpr auto kDecode = AlertDescription::kDecodeError;
constexpr auto kIllegal = AlertDescription::kIllegalParameter;

// The block and the extension framing: raw blocks.
struct BadBlock {
  const char* what;
  const char* hex;
};

const BadBlock kBadFraming[] = {
    {"block runs past the data", "0005 0017 0000"},
    {"bytes after the block", "0004 0017 0000 ff"},
    {"extension data runs past the block", "0004 0017 0005"},
    {"partial extension header", "0003 0017 00"},
    {"one byte where a block length belongs", "00"},
};

BOOST_AUTO_TEST_CASE(malformed_framing_rejected) {
  for (const BadBlock& bad : kBadFraming) {
    BOOST_TEST_CONTEXT(bad.what) {
      auto e = parse_block(test::hex(bad.hex), kCh);
      BOOST_TEST_REQUIRE(!e.ok());
      BOOST_TEST((alert_for(e.error()) == kDecode), "got " << error_code_name(e.error().code()));
    }
  }
}

// One extension's data, framed correctly by the test so that the failure is
// the data's own.
struct BadExtension {
  const char* what;
  HelloKind kind;
  uint16_t type;
  const char* data_hex;
  AlertDescription alert;
};

const BadExtension kBadExtensions[] = {
    // server_name (RFC 6066 §3).
    {"server_name: empty list", kCh, 0x0000, "0000", kDecode},
    {"server_name: empty host_name", kCh, 0x0000, "0003 00 0000", kDecode},
    {"server_name: list runs past", kCh, 0x0000, "0005 0000", kDecode},
    {"server_name: host_name runs past list", kCh, 0x0000, "0003 00 0005", kDecode},
    {"server_name: trailing in extension", kCh, 0x0000, "0004 00 0001 61 ff", kDecode},
    {"server_name: two host_names", kCh, 0x0000, "0008 00 0001 61 00 0001 62", kDecode},
    {"server_name: NUL in host_name", kCh, 0x0000, "0004 00 0001 00", kIllegal},
    {"server_name: not empty in ServerHello", kSh, 0x0000, "00", kDecode},
    // supported_groups (RFC 8422 §5.1.1).
    {"supported_groups: empty", kCh, 0x000a, "0000", kDecode},
    {"supported_groups: odd length", kCh, 0x000a, "0003 001d00", kDecode},
    {"supported_groups: list runs past", kCh, 0x000a, "0004 001d", kDecode},
    {"supported_groups: trailing", kCh, 0x000a, "0002 001d ff", kDecode},
    // ec_point_formats (RFC 8422 §5.1.2).
    {"ec_point_formats: empty", kCh, 0x000b, "00", kDecode},
    {"ec_point_formats: list runs past", kSh, 0x000b, "02 00", kDecode},
    {"ec_point_formats: trailing", kCh, 0x000b, "01 00 ff", kDecode},
    // signature_algorithms (RFC 5246 §7.4.1.4.1).
    {"signature_algorithms: empty", kCh, 0x000d, "0000", kDecode},
    {"signature_algorithms: odd length", kCh, 0x000d, "0001 04", kDecode},
    {"signature_algorithms: list runs past", kCh, 0x000d, "0004 0403", kDecode},
    {"signature_algorithms: trailing", kCh, 0x000d, "0002 0403 ff", kDecode},
    // use_srtp (RFC 5764 §4.1.1).
    {"use_srtp: no profiles", kCh, 0x000e, "0000 00", kDecode},
    {"use_srtp: odd profiles", kCh, 0x000e, "0001 01 00", kDecode},
    {"use_srtp: MKI missing", kCh, 0x000e, "0002 0001", kDecode},
    {"use_srtp: MKI runs past", kCh, 0x000e, "0002 0001 01", kDecode},
    {"use_srtp: trailing", kCh, 0x000e, "0002 0001 00 ff", kDecode},
    {"use_srtp: two profiles in ServerHello", kSh, 0x000e, "0004 0001 0007 00", kDecode},
    // ALPN (RFC 7301 §3.1).
    {"alpn: empty list", kCh, 0x0010, "0000", kDecode},
    {"alpn: empty name", kCh, 0x0010, "0001 00", kDecode},
    {"alpn: name runs past list", kCh, 0x0010, "0002 05 61", kDecode},
    {"alpn: trailing", kCh, 0x0010, "0003 02 6832 ff", kDecode},
    {"alpn: two names in ServerHello", kSh, 0x0010, "0005 01 61 02 6832", kDecode},
    // client/server_certificate_type (RFC 7250 §3).
    {"client_certificate_type: empty list", kCh, 0x0013, "00", kDecode},
    {"client_certificate_type: list runs past", kCh, 0x0013, "02 00", kDecode},
    {"client_certificate_type: trailing", kCh, 0x0013, "01 02 ff", kDecode},
    {"server_certificate_type: empty in ServerHello", kSh, 0x0014, "", kDecode},
    {"server_certificate_type: two in ServerHello", kSh, 0x0014, "0200", kDecode},
    // extended_master_secret (RFC 7627 §5.1: empty).
    {"extended_master_secret: not empty", kCh, 0x0017, "00", kDecode},
    // record_size_limit (RFC 8449 §4).
    {"record_size_limit: 63", kCh, 0x001c, "003f", kIllegal},
    {"record_size_limit: short", kCh, 0x001c, "40", kDecode},
    {"record_size_limit: long", kSh, 0x001c, "400000", kDecode},
    // session_ticket (RFC 5077 §3.2: empty in ServerHello).
    {"session_ticket: not empty in ServerHello", kSh, 0x0023, "aa", kDecode},
    // connection_id (RFC 9146 §3).
    {"connection_id: missing length", kCh, 0x0036, "", kDecode},
    {"connection_id: cid runs past", kCh, 0x0036, "05", kDecode},
    {"connection_id: trailing", kSh, 0x0036, "00 ff", kDecode},
    // renegotiation_info (RFC 5746 §3.2).
    {"renegotiation_info: missing length", kSh, 0xff01, "", kDecode},
    {"renegotiation_info: runs past", kCh, 0xff01, "05", kDecode},
    {"renegotiation_info: trailing", kCh, 0xff01, "00 ff", kDecode},
};

BOOST_AUTO_TEST_CASE(malformed_extension_data_rejected) {
  for (const BadExtension& bad : kBadExtensions) {
    BOOST_TEST_CONTEXT(bad.what) {
      const Bytes data = test::hex(bad.data_hex);
      ByteWriter w;
      auto block = w.begin_prefix(2);
      w.u16(bad.type);
      w.prefixed_bytes(2, data);
      w.end_prefix(block);
      auto bytes = w.take();
      BOOST_TEST_REQUIRE(bytes.ok());
      auto e = parse_block(*bytes, bad.kind);
      BOOST_TEST_REQUIRE(!e.ok());
      BOOST_TEST((alert_for(e.error()) == bad.alert), "got " << error_code_name(e.error().code()));
    }
  }
}

BOOST_AUTO_TEST_CASE(every_truncation_of_a_full_block_rejected) {
  HelloExtensions e;
  e.server_name = "example.com";
  e.supported_groups = std::vector<uint16_t>{0x001d};
  e.alpn = std::vector<std::string>{"h2"};
  e.use_srtp = UseSrtp{{1}, test::hex("01")};
  e.connection_id = test::hex("0102");
  e.record_size_limit = 512;
  auto full = write_block(e, kCh);
  BOOST_TEST_REQUIRE(full.ok());
  for (size_t n = 1; n < full->size(); ++n) {
    auto r = parse_block(Bytes(full->begin(), full->begin() + static_cast<ptrdiff_t>(n)), kCh);
    BOOST_TEST_REQUIRE(!r.ok(), "prefix of " << n << " bytes parsed");
    BOOST_TEST((alert_for(r.error()) == AlertDescription::kDecodeError));
  }
}

// --- The writer refuses what the wire cannot carry. ---

BOOST_AUTO_TEST_CASE(writer_rejects_invalid_values) {
  struct Case {
    const char* what;
    HelloKind kind;
    HelloExtensions ext;
  };
  std::vector<Case> cases;
  auto add = [&](const char* what, HelloKind kind, auto set) {
    HelloExtensions e;
    set(e);
    cases.push_back({what, kind, e});
  };
  add("empty host_name", kCh, [](auto& e) { e.server_name = ""; });
  add("host_name in ServerHello", kSh, [](auto& e) { e.server_name = "x"; });
  add("empty supported_groups", kCh, [](auto& e) { e.supported_groups = std::vector<uint16_t>{}; });
  add("supported_groups in ServerHello", kSh, [](auto& e) { e.supported_groups = std::vector<uint16_t>{23}; });
  add("signature_algorithms in ServerHello", kSh,
      [](auto& e) { e.signature_algorithms = std::vector<uint16_t>{0x0403}; });
  add("empty ec_point_formats", kCh, [](auto& e) { e.ec_point_formats = std::vector<uint8_t>{}; });
  add("256 ec_point_formats", kCh, [](auto& e) { e.ec_point_formats = std::vector<uint8_t>(256, 0); });
  add("empty ALPN list", kCh, [](auto& e) { e.alpn = std::vector<std::string>{}; });
  add("empty ALPN name", kCh, [](auto& e) { e.alpn = std::vector<std::string>{""}; });
  add("256-byte ALPN name", kCh, [](auto& e) { e.alpn = std::vector<std::string>{std::string(256, 'a')}; });
  add("two ALPN names in ServerHello", kSh, [](auto& e) { e.alpn = std::vector<std::string>{"a", "b"}; });
  add("no SRTP profile", kCh, [](auto& e) { e.use_srtp = UseSrtp{}; });
  add("two SRTP profiles in ServerHello", kSh, [](auto& e) { e.use_srtp = UseSrtp{{1, 2}, {}}; });
  add("256-byte MKI", kCh, [](auto& e) { e.use_srtp = UseSrtp{{1}, Bytes(256, 0)}; });
  add("empty certificate types", kCh, [](auto& e) { e.client_certificate_types = std::vector<uint8_t>{}; });
  add("two certificate types in ServerHello", kSh,
      [](auto& e) { e.server_certificate_types = std::vector<uint8_t>{0, 2}; });
  add("record_size_limit 63", kCh, [](auto& e) { e.record_size_limit = 63; });
  add("ticket in ServerHello", kSh, [](auto& e) { e.session_ticket = Bytes{1}; });
  add("256-byte CID", kCh, [](auto& e) { e.connection_id = Bytes(256, 0); });
  add("256-byte renegotiation_info", kSh, [](auto& e) { e.renegotiation_info = Bytes(256, 0); });
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      ByteWriter w;
      auto r = write_extensions(w, c.ext, c.kind);
      BOOST_TEST((r.error().code() == ErrorCode::kInvalidArgument));
    }
  }
}

BOOST_AUTO_TEST_CASE(block_overflow_left_in_writer) {
  // Each extension is valid, the block is not: 2^16 bytes do not fit.
  HelloExtensions e;
  e.supported_groups = std::vector<uint16_t>(0x7ff0, 0x0017);
  e.signature_algorithms = std::vector<uint16_t>(0x10, 0x0403);
  ByteWriter w;
  BOOST_TEST(write_extensions(w, e, kCh).ok());
  BOOST_TEST((w.status().error().code() == ErrorCode::kLengthTooLarge));
}

BOOST_AUTO_TEST_CASE(alert_mapping) {
  BOOST_TEST((alert_for(Error(ErrorCode::kTruncated)) == AlertDescription::kDecodeError));
  BOOST_TEST((alert_for(Error(ErrorCode::kTrailingBytes)) == AlertDescription::kDecodeError));
  BOOST_TEST((alert_for(Error(ErrorCode::kLengthTooLarge)) == AlertDescription::kDecodeError));
  BOOST_TEST((alert_for(Error(ErrorCode::kDecodeError)) == AlertDescription::kDecodeError));
  BOOST_TEST((alert_for(Error(ErrorCode::kOutOfRange)) == AlertDescription::kIllegalParameter));
  BOOST_TEST((alert_for(Error(ErrorCode::kUnsupported)) == AlertDescription::kHandshakeFailure));
  BOOST_TEST((alert_for(Error(ErrorCode::kInternal)) == AlertDescription::kInternalError));
}

BOOST_AUTO_TEST_SUITE_END()
