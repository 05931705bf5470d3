// Handshake message codecs: round trips, exact encodings, every length bound,
// and messages captured from OpenSSL 3.0 (`openssl s_client -dtls1_2` against
// `openssl s_server -dtls1_2 -listen` on 127.0.0.1, through a UDP relay).
//
// With CACHET_CODEC_SEED_DIR set, every round trip also writes its encoding
// (selector byte first) there: that is how fuzz/corpus/handshake_messages/
// was made.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>

#include "base/hex.hpp"
#include "handshake/messages.hpp"
#include "test_util.hpp"

using namespace cachet;
using namespace cachet::handshake;

namespace {

// The selector byte of fuzz/handshake_messages.cpp.
enum Selector : uint8_t {
  kSelClientHello = 0,
  kSelHelloVerifyRequest = 1,
  kSelServerHello = 2,
  kSelCertificateX509 = 3,
  kSelCertificateRaw = 4,
  kSelSkeEcdhe = 5,
  kSelSkePsk = 6,
  kSelSkeEcdhePsk = 7,
  kSelCertificateRequest = 8,
  kSelServerHelloDone = 9,
  kSelCertificateVerify = 10,
  kSelCkeEcdhe = 11,
  kSelCkePsk = 12,
  kSelCkeEcdhePsk = 13,
  kSelFinished = 14,
  kSelNewSessionTicket = 15,
};

void write_seed(uint8_t selector, const std::string& name, ByteSpan body) {
  const char* dir = std::getenv("CACHET_CODEC_SEED_DIR");
  // Huge seeds (the at-maximum cases) would only slow the fuzzer down.
  if (dir == nullptr || body.size() > 4096) return;
  std::ofstream out(std::string(dir) + "/" + name, std::ios::binary);
  out.put(static_cast<char>(selector));
  out.write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
}

template <typename M>
Result<Bytes> reencode(const Result<M>& m) {
  if (!m) return m.error();
  return encode(*m);
}

// Parses `body` as the selected message and re-encodes it.
Result<Bytes> parse_any(Selector sel, ByteSpan body) {
  switch (sel) {
    case kSelClientHello: return reencode(ClientHello::parse(body));
    case kSelHelloVerifyRequest: return reencode(HelloVerifyRequest::parse(body));
    case kSelServerHello: return reencode(ServerHello::parse(body));
    case kSelCertificateX509: return reencode(CertificateMsg::parse(body, CertificateType::kX509));
    case kSelCertificateRaw: return reencode(CertificateMsg::parse(body, CertificateType::kRawPublicKey));
    case kSelSkeEcdhe: return reencode(ServerKeyExchange::parse(body, KeyExchangeKind::kEcdhe));
    case kSelSkePsk: return reencode(ServerKeyExchange::parse(body, KeyExchangeKind::kPsk));
    case kSelSkeEcdhePsk: return reencode(ServerKeyExchange::parse(body, KeyExchangeKind::kEcdhePsk));
    case kSelCertificateRequest: return reencode(CertificateRequest::parse(body));
    case kSelServerHelloDone: return reencode(ServerHelloDone::parse(body));
    case kSelCertificateVerify: return reencode(CertificateVerify::parse(body));
    case kSelCkeEcdhe: return reencode(ClientKeyExchange::parse(body, KeyExchangeKind::kEcdhe));
    case kSelCkePsk: return reencode(ClientKeyExchange::parse(body, KeyExchangeKind::kPsk));
    case kSelCkeEcdhePsk: return reencode(ClientKeyExchange::parse(body, KeyExchangeKind::kEcdhePsk));
    case kSelFinished: return reencode(Finished::parse(body));
    case kSelNewSessionTicket: return reencode(NewSessionTicket::parse(body));
  }
  return Error(ErrorCode::kInternal, "selector");
}

template <typename M>
void forget_received_types(M& m) {
  if constexpr (requires { m.extensions; }) {
    constexpr HelloKind kind =
        std::is_same_v<M, ClientHello> ? HelloKind::kClientHello : HelloKind::kServerHello;
    BOOST_TEST(m.extensions.received_types == present_types(m.extensions, kind));
    m.extensions.received_types.clear();
  }
}

// build → serialize → parse → equal → serialize → identical bytes. Returns
// the encoding.
template <typename M, typename... Context>
Bytes check_round_trip(const M& m, Selector sel, const std::string& seed_name, Context... context) {
  auto first = encode(m);
  BOOST_TEST_REQUIRE(first.ok(), "encode failed: " << first.error().what());
  auto parsed = M::parse(*first, context...);
  BOOST_TEST_REQUIRE(parsed.ok(), "parse failed: " << parsed.error().what());
  M copy = *parsed;
  forget_received_types(copy);
  BOOST_TEST((copy == m));
  auto second = encode(*parsed);
  BOOST_TEST_REQUIRE(second.ok());
  BOOST_TEST(to_hex(*second) == to_hex(*first));
  write_seed(sel, seed_name, *first);
  return *first;
}

HelloRandom sample_random(uint8_t base) {
  HelloRandom r;
  for (size_t i = 0; i < r.size(); ++i) r[i] = static_cast<uint8_t>(base + i);
  return r;
}

ClientHello full_client_hello() {
  ClientHello m;
  m.random = sample_random(0);
  m.session_id = Bytes(32, 0x11);
  m.cookie = Bytes(20, 0x22);
  m.cipher_suites = {0xc02b, 0xc0ac, 0xc0ae, 0xcca8, 0x00ff};
  m.compression_methods = {1, 0};
  HelloExtensions& e = m.extensions;
  e.server_name = "dtls.example";
  e.supported_groups = std::vector<uint16_t>{0x001d, 0x0017, 0x0018};
  e.ec_point_formats = std::vector<uint8_t>{0};
  e.signature_algorithms = std::vector<uint16_t>{0x0403, 0x0804, 0x0401};
  e.use_srtp = UseSrtp{{0x0001, 0x0007}, {}};
  e.alpn = std::vector<std::string>{"coap", "h2"};
  e.client_certificate_types = std::vector<uint8_t>{2, 0};
  e.server_certificate_types = std::vector<uint8_t>{2};
  e.extended_master_secret = true;
  e.record_size_limit = 1400;
  e.session_ticket = Bytes{};
  e.connection_id = Bytes{};
  e.renegotiation_info = Bytes{};
  return m;
}

ServerHello full_server_hello() {
  ServerHello m;
  m.random = sample_random(0x80);
  m.session_id = Bytes(32, 0x33);
  m.cipher_suite = 0xc02b;
  HelloExtensions& e = m.extensions;
  e.server_name = "";
  e.ec_point_formats = std::vector<uint8_t>{0};
  e.use_srtp = UseSrtp{{0x0007}, test::hex("a1a2")};
  e.alpn = std::vector<std::string>{"coap"};
  e.client_certificate_types = std::vector<uint8_t>{0};
  e.server_certificate_types = std::vector<uint8_t>{2};
  e.extended_master_secret = true;
  e.record_size_limit = 512;
  e.session_ticket = Bytes{};
  e.connection_id = test::hex("c1d2e3f4");
  e.renegotiation_info = Bytes{};
  return m;
}

// Captured bodies (handshake header removed).
constexpr std::string_view kOpensslClientHello =
    "fefd438b5156877aed69db6bb53f22edc757016d7d4047367d4b7a4d284f1b19c21c00000038c02cc030009fcca9cca8"
    "ccaac02bc02f009ec024c028006bc023c0270067c00ac0140039c009c0130033009d009c003d003c0035002f00ff0100"
    "008100000010000e00000b6578616d706c652e636f6d000b000403000102000a000c000a001d0017001e001900180023"
    "00000010000e000c02683208687474702f312e31000e000500020001000016000000170000000d002a00280403050306"
    "03080708080809080a080b080408050806040105010601030303010302040205020602";
constexpr std::string_view kOpensslHelloVerifyRequest =
    "feff1465cd4d9adbfa6a8b10c357fb0dce567bee1d1445";
constexpr std::string_view kOpensslClientHelloWithCookie =
    "fefd438b5156877aed69db6bb53f22edc757016d7d4047367d4b7a4d284f1b19c21c001465cd4d9adbfa6a8b10c357fb"
    "0dce567bee1d14450038c02cc030009fcca9cca8ccaac02bc02f009ec024c028006bc023c0270067c00ac0140039c009"
    "c0130033009d009c003d003c0035002f00ff0100008100000010000e00000b6578616d706c652e636f6d000b00040300"
    "0102000a000c000a001d0017001e00190018002300000010000e000c02683208687474702f312e31000e000500020001"
    "000016000000170000000d002a0028040305030603080708080809080a080b0804080508060401050106010303030103"
    "02040205020602";
constexpr std::string_view kOpensslServerHello =
    "fefdf1cf6101b3ca4d621ba10e1bab190ffcd311ea9e7cac64f8a6dfa2b9d808323300c02c000027ff01000100000b00"
    "040300010200230000001000050003026832000e0005000200010000170000";
constexpr std::string_view kOpensslCertificate =
    "0001840001813082017d30820123a00302010202144b984e2e3cdf92b9e36f4e05302d3f4fb2abb601300a06082a8648"
    "ce3d04030230143112301006035504030c096c6f63616c686f7374301e170d3236313132363037323735345a170d3236"
    "313232363037323735345a30143112301006035504030c096c6f63616c686f73743059301306072a8648ce3d02010608"
    "2a8648ce3d030107034200046484920acb6470658acb1035ee3d7cbf0f8824d0fbd1eaeb62838624708c46fb21d49d4d"
    "bebc21f110d22562a8008ce07a60ef0254b4af22ed1d4893f660d42ea3533051301d0603551d0e041604147577db2b5c"
    "ebaf245e144428d4ca73a8ea209078301f0603551d230418301680147577db2b5cebaf245e144428d4ca73a8ea209078"
    "300f0603551d130101ff040530030101ff300a06082a8648ce3d0403020348003045022100d7c3c362dd16ebfa024a78"
    "ab079c13fd8fcd642d52a2498fe54e8fcc47e0975f02204c7211e25b44796320bebd6984536e46b96028011648039faf"
    "f33add5bb7c81c";
constexpr std::string_view kOpensslEcdheServerKeyExchange =
    "03001d20226faf2c09a318115e3508b2765a3ff0ef64fbbd45294afaa464c2a26c240423040300483046022100c706ea"
    "9c56559f09a1b14af89e107b805c70cf274a8a6544e13faffa78f11f2d022100b4a39a0a867b0223efc4165029c2293f"
    "06cd3b4dd6cab0ea5a03abb3708a83c9";
constexpr std::string_view kOpensslCertificateRequest =
    "030102400028040305030603080708080809080a080b0804080508060401050106010303030103020402050206020000";
constexpr std::string_view kOpensslEcdheClientKeyExchange =
    "20380a3b101519db6affd5d634f679b4cbad3e888bf4f96b7f21e5858b27694400";
constexpr std::string_view kOpensslCertificateVerify =
    "0403004830460221009c57709f81a9fae5888b2f297470d0be3a342dc955f9696c987e9b80e1ee4742022100b1dd4531"
    "70735225683ca8c43d6f808971ba375a40042fa598031c3a662f2323";
constexpr std::string_view kOpensslNewSessionTicket =
    "00001c2002409544c2528254e2f700e6536cd68f94ebcc43521d00fdcd601247450c4734504fff41dededd0bd1b48336"
    "b7ae29db2fc32606b870c3ecc12dd367911713d687152dc7c4aaad6480868d76f02cb9c15d9e8695080d2030557a48bf"
    "3d05e0476d253f269d2c810ef2be57bb83f39697b18ccac5c7948e240aaa544a806e27aaddaf7b3a3f155581664ad0ef"
    "0e0cab0f3baf262f2bdaf49828319fa6d2b4136d835c563a43e6260d2e3dfa764e9f213eecf38bf9d2cf7550691c73ad"
    "402c2dda3a5dc573b4617bb56a4327d42a724509d45f2127c9c569554105f13a9a1d03766ac0eadec2275edf86128386"
    "1d697d6e4155b3a6db9b63c164e36c00b6e4cd49956c77cb9e9a65f3fbc1376955d3e0ee70a1e639cfc84a1d6586b86b"
    "27e8eeeb5461f4843b1234613f371c7e90f7be8821b434483fce32d85bd1264ea1e675f5a95e410493fe3244bd7308eb"
    "ae296ff4b87599cc6c9f6178cd9a0d4faf842dde3286e3a7e193aaf3ed1c15aed24067e288673bcbaeb05ad79adf8514"
    "351c62e75bc97f486ada4edb76118ed709d9326aa3df40ce156ecc548cc3feb739d59b827f77f62a581238f82951256c"
    "a66b9c29fda0824beed3e7911eec223f4872eeea01e66d7ba22f4f2deff0a5de9876de638aee9841b66da934a7a1dd8a"
    "925533a16089a758f3f4c7d49cfe7bface8c825a304de8fb6c912a7cec45cd61fadd3a247cc21a9352cae4d904b38f38"
    "6c2655c84d400e28be870f9f81ae96f5b53a2754466510bb85747b4e192d55d695968d3967714702ea02e5f756298f34"
    "94c26698e653";
constexpr std::string_view kOpensslEcdhePskServerKeyExchange =
    "00066d7968696e7403001d209c58c4a10300fe8345c366550863f34828eb79a66972d2cddd40d88bc0892f50";
constexpr std::string_view kOpensslEcdhePskClientKeyExchange =
    "0007636c69656e74312073f819569d88e8ef0ea0d794efe1b3b0b8ded9624e623683fd94dc7bf674543e";
constexpr std::string_view kOpensslPskServerKeyExchange =
    "00066d7968696e74";
constexpr std::string_view kOpensslPskClientKeyExchange =
    "0007636c69656e7431";

}  // namespace

BOOST_AUTO_TEST_SUITE(messages)

// --- Round trips. ---

BOOST_AUTO_TEST_CASE(client_hello_round_trip) {
  check_round_trip(full_client_hello(), kSelClientHello, "client_hello_full");
  ClientHello minimal;
  minimal.random = sample_random(7);
  minimal.cipher_suites = {0xc0ac};
  const Bytes wire = check_round_trip(minimal, kSelClientHello, "client_hello_minimal");
  // RFC 6347 §4.2.1: version, random, session_id, cookie, suites, compression.
  BOOST_TEST(to_hex(wire) == "fefd" + to_hex(minimal.random) + "00" "00" "0002c0ac" "0100");
}

BOOST_AUTO_TEST_CASE(hello_verify_request_round_trip) {
  HelloVerifyRequest m;
  m.cookie = test::hex("0102030405");
  BOOST_TEST(to_hex(check_round_trip(m, kSelHelloVerifyRequest, "hello_verify_request")) == "feff050102030405");
  m.cookie = Bytes(kMaxCookieSize, 0xcc);
  check_round_trip(m, kSelHelloVerifyRequest, "hello_verify_request_max");
}

BOOST_AUTO_TEST_CASE(server_hello_round_trip) {
  check_round_trip(full_server_hello(), kSelServerHello, "server_hello_full");
  ServerHello minimal;
  minimal.random = sample_random(9);
  minimal.cipher_suite = 0xc02b;
  const Bytes wire = check_round_trip(minimal, kSelServerHello, "server_hello_minimal");
  BOOST_TEST(to_hex(wire) == "fefd" + to_hex(minimal.random) + "00" "c02b" "00");
}

BOOST_AUTO_TEST_CASE(certificate_round_trip) {
  CertificateMsg chain;
  chain.certificate_list = {Bytes(300, 0x30), Bytes(1, 0x31), Bytes(70, 0x32)};
  check_round_trip(chain, kSelCertificateX509, "certificate_chain", CertificateType::kX509);
  CertificateMsg empty;  // RFC 5246 §7.4.6: a client with no certificate sends an empty list
  BOOST_TEST(to_hex(check_round_trip(empty, kSelCertificateX509, "certificate_empty", CertificateType::kX509)) ==
             "000000");
  CertificateMsg one;
  one.certificate_list = {test::hex("3003020101")};
  BOOST_TEST(to_hex(check_round_trip(one, kSelCertificateX509, "certificate_one", CertificateType::kX509)) ==
             "000008" "000005" "3003020101");
}

BOOST_AUTO_TEST_CASE(raw_public_key_certificate_round_trip) {
  CertificateMsg raw;
  raw.type = CertificateType::kRawPublicKey;
  raw.subject_public_key_info =
      test::hex("3059301306072a8648ce3d020106082a8648ce3d03010703420004" + std::string(128, '4'));
  const Bytes wire = check_round_trip(raw, kSelCertificateRaw, "certificate_raw_key", CertificateType::kRawPublicKey);
  // RFC 7250 §3: a single ASN.1_subjectPublicKeyInfo<1..2^24-1>, no list.
  BOOST_TEST(to_hex(Bytes(wire.begin(), wire.begin() + 3)) == "00005b");
}

BOOST_AUTO_TEST_CASE(server_key_exchange_round_trip) {
  ServerKeyExchange ecdhe;
  ecdhe.named_group = 0x001d;
  ecdhe.public_key = Bytes(32, 0x55);
  ecdhe.signature_scheme = 0x0403;
  ecdhe.signature = Bytes(71, 0x66);
  check_round_trip(ecdhe, kSelSkeEcdhe, "ske_ecdhe", KeyExchangeKind::kEcdhe);
  ByteWriter params;
  BOOST_TEST_REQUIRE(ecdhe.write_ecdh_params(params).ok());
  auto p = params.take();
  BOOST_TEST_REQUIRE(p.ok());
  BOOST_TEST(to_hex(*p) == "03001d20" + to_hex(Bytes(32, 0x55)));

  ServerKeyExchange psk;
  psk.kind = KeyExchangeKind::kPsk;
  psk.psk_identity_hint = test::hex("6869");
  BOOST_TEST(to_hex(check_round_trip(psk, kSelSkePsk, "ske_psk", KeyExchangeKind::kPsk)) == "00026869");
  psk.psk_identity_hint.clear();
  BOOST_TEST(to_hex(check_round_trip(psk, kSelSkePsk, "ske_psk_empty", KeyExchangeKind::kPsk)) == "0000");

  ServerKeyExchange ecdhe_psk;
  ecdhe_psk.kind = KeyExchangeKind::kEcdhePsk;
  ecdhe_psk.psk_identity_hint = test::hex("6869");
  ecdhe_psk.named_group = 0x0017;
  ecdhe_psk.public_key = Bytes(65, 0x04);
  check_round_trip(ecdhe_psk, kSelSkeEcdhePsk, "ske_ecdhe_psk", KeyExchangeKind::kEcdhePsk);
}

BOOST_AUTO_TEST_CASE(certificate_request_round_trip) {
  CertificateRequest m;
  m.certificate_types = {64, 1};
  m.signature_algorithms = {0x0403, 0x0804};
  m.certificate_authorities = {Bytes(40, 0x30), Bytes(1, 0x31)};
  check_round_trip(m, kSelCertificateRequest, "certificate_request");
  m.certificate_authorities.clear();
  BOOST_TEST(to_hex(check_round_trip(m, kSelCertificateRequest, "certificate_request_no_ca")) ==
             "024001" "000404030804" "0000");
}

BOOST_AUTO_TEST_CASE(server_hello_done_round_trip) {
  BOOST_TEST(check_round_trip(ServerHelloDone{}, kSelServerHelloDone, "server_hello_done").empty());
}

BOOST_AUTO_TEST_CASE(certificate_verify_round_trip) {
  CertificateVerify m;
  m.signature_scheme = 0x0804;
  m.signature = Bytes(256, 0x77);
  check_round_trip(m, kSelCertificateVerify, "certificate_verify");
  m.signature = test::hex("abcd");
  BOOST_TEST(to_hex(check_round_trip(m, kSelCertificateVerify, "certificate_verify_short")) == "08040002abcd");
}

BOOST_AUTO_TEST_CASE(client_key_exchange_round_trip) {
  ClientKeyExchange ecdhe;
  ecdhe.public_key = Bytes(65, 0x04);
  check_round_trip(ecdhe, kSelCkeEcdhe, "cke_ecdhe", KeyExchangeKind::kEcdhe);
  ClientKeyExchange psk;
  psk.kind = KeyExchangeKind::kPsk;
  psk.psk_identity = test::hex("4944");
  BOOST_TEST(to_hex(check_round_trip(psk, kSelCkePsk, "cke_psk", KeyExchangeKind::kPsk)) == "00024944");
  ClientKeyExchange ecdhe_psk;
  ecdhe_psk.kind = KeyExchangeKind::kEcdhePsk;
  ecdhe_psk.psk_identity = test::hex("4944");
  ecdhe_psk.public_key = test::hex("0102");
  BOOST_TEST(to_hex(check_round_trip(ecdhe_psk, kSelCkeEcdhePsk, "cke_ecdhe_psk", KeyExchangeKind::kEcdhePsk)) ==
             "00024944" "020102");
}

BOOST_AUTO_TEST_CASE(finished_round_trip) {
  Finished m;
  for (size_t i = 0; i < m.verify_data.size(); ++i) m.verify_data[i] = static_cast<uint8_t>(0xf0 + i);
  BOOST_TEST(to_hex(check_round_trip(m, kSelFinished, "finished")) == "f0f1f2f3f4f5f6f7f8f9fafb");
}

BOOST_AUTO_TEST_CASE(new_session_ticket_round_trip) {
  NewSessionTicket m;
  m.ticket_lifetime_hint = 7200;
  m.ticket = Bytes(100, 0x88);
  check_round_trip(m, kSelNewSessionTicket, "new_session_ticket");
  // RFC 5077 §3.3: a zero-length ticket is legal.
  NewSessionTicket empty;
  BOOST_TEST(to_hex(check_round_trip(empty, kSelNewSessionTicket, "new_session_ticket_empty")) == "000000000000");
}

// --- Lengths: every strict prefix and every one-byte extension of a valid
// encoding fails with decode_error (except where the prefix is itself a
// complete message: a hello without its extensions block). ---

struct Sample {
  const char* name;
  Selector sel;
  Bytes body;
  size_t complete_prefix;  // a prefix length that is itself valid (0: none)
};

std::vector<Sample> samples() {
  std::vector<Sample> out;
  auto add = [&](const char* name, Selector sel, Result<Bytes> body, size_t complete_prefix = 0) {
    BOOST_TEST_REQUIRE(body.ok(), name);
    out.push_back({name, sel, *body, complete_prefix});
  };
  const ClientHello ch = full_client_hello();
  ClientHello ch_no_ext = ch;
  ch_no_ext.extensions = {};
  add("ClientHello", kSelClientHello, encode(ch), encode(ch_no_ext)->size());
  const ServerHello sh = full_server_hello();
  ServerHello sh_no_ext = sh;
  sh_no_ext.extensions = {};
  add("ServerHello", kSelServerHello, encode(sh), encode(sh_no_ext)->size());
  add("HelloVerifyRequest", kSelHelloVerifyRequest, encode(HelloVerifyRequest{ProtocolVersion::kDtls10, Bytes(3, 1)}));
  CertificateMsg cert;
  cert.certificate_list = {Bytes(5, 0x30), Bytes(2, 0x31)};
  add("Certificate", kSelCertificateX509, encode(cert));
  CertificateMsg raw;
  raw.type = CertificateType::kRawPublicKey;
  raw.subject_public_key_info = Bytes(9, 0x30);
  add("Certificate raw", kSelCertificateRaw, encode(raw));
  ServerKeyExchange ske;
  ske.named_group = 23;
  ske.public_key = Bytes(3, 4);
  ske.signature_scheme = 0x0403;
  ske.signature = Bytes(4, 5);
  add("ServerKeyExchange ECDHE", kSelSkeEcdhe, encode(ske));
  ServerKeyExchange ske_psk;
  ske_psk.kind = KeyExchangeKind::kPsk;
  ske_psk.psk_identity_hint = Bytes(3, 'h');
  add("ServerKeyExchange PSK", kSelSkePsk, encode(ske_psk));
  ServerKeyExchange ske_ecdhe_psk = ske_psk;
  ske_ecdhe_psk.kind = KeyExchangeKind::kEcdhePsk;
  ske_ecdhe_psk.named_group = 29;
  ske_ecdhe_psk.public_key = Bytes(2, 9);
  add("ServerKeyExchange ECDHE-PSK", kSelSkeEcdhePsk, encode(ske_ecdhe_psk));
  CertificateRequest cr{{64}, {0x0403}, {Bytes(2, 0x30)}};
  add("CertificateRequest", kSelCertificateRequest, encode(cr));
  add("CertificateVerify", kSelCertificateVerify, encode(CertificateVerify{0x0403, Bytes(3, 1)}));
  ClientKeyExchange cke;
  cke.public_key = Bytes(3, 4);
  add("ClientKeyExchange ECDHE", kSelCkeEcdhe, encode(cke));
  ClientKeyExchange cke_psk;
  cke_psk.kind = KeyExchangeKind::kPsk;
  cke_psk.psk_identity = Bytes(2, 'i');
  add("ClientKeyExchange PSK", kSelCkePsk, encode(cke_psk));
  ClientKeyExchange cke_ecdhe_psk = cke_psk;
  cke_ecdhe_psk.kind = KeyExchangeKind::kEcdhePsk;
  cke_ecdhe_psk.public_key = Bytes(2, 4);
  add("ClientKeyExchange ECDHE-PSK", kSelCkeEcdhePsk, encode(cke_ecdhe_psk));
  add("Finished", kSelFinished, encode(Finished{}));
  add("NewSessionTicket", kSelNewSessionTicket, encode(NewSessionTicket{1, Bytes(3, 2)}));
  add("ServerHelloDone", kSelServerHelloDone, encode(ServerHelloDone{}));
  return out;
}

BOOST_AUTO_TEST_CASE(every_truncation_rejected) {
  for (const Sample& s : samples()) {
    BOOST_TEST_CONTEXT(s.name) {
      BOOST_TEST_REQUIRE(parse_any(s.sel, s.body).ok());
      for (size_t n = 0; n < s.body.size(); ++n) {
        if (n == s.complete_prefix) continue;
        auto r = parse_any(s.sel, ByteSpan(s.body).first(n));
        BOOST_TEST_REQUIRE(!r.ok(), "prefix of " << n << " bytes parsed");
        BOOST_TEST((alert_for(r.error()) == AlertDescription::kDecodeError));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(trailing_bytes_rejected) {
  for (const Sample& s : samples()) {
    BOOST_TEST_CONTEXT(s.name) {
      for (uint8_t extra : {0x00, 0x01, 0xff}) {
        Bytes body = s.body;
        body.push_back(extra);
        auto r = parse_any(s.sel, body);
        BOOST_TEST_REQUIRE(!r.ok());
        BOOST_TEST((alert_for(r.error()) == AlertDescription::kDecodeError));
      }
    }
  }
}

// --- Each length field against its own bounds. Bodies are written out so
// that only the field under test is wrong. ---

struct BadBody {
  const char* what;
  Selector sel;
  std::string hex;
  AlertDescription alert;
};

constexpr auto kDecode = AlertDescription::kDecodeError;
constexpr auto kIllegal = AlertDescription::kIllegalParameter;

std::string rep(const char* byte, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += byte;
  return out;
}

const std::string kRandomHex = rep("ab", 32);

std::vector<BadBody> bad_bodies() {
  const std::string ch = "fefd" + kRandomHex;  // then session_id, cookie, suites, compression
  const std::string sh = "fefd" + kRandomHex;  // then session_id, suite, compression
  return {
      // ClientHello (RFC 6347 §4.2.1, RFC 5246 §7.4.1.2).
      {"CH: random short", kSelClientHello, "fefd" + rep("ab", 31), kDecode},
      {"CH: session_id 33", kSelClientHello, ch + "21" + rep("11", 33) + "00" "0002c02b" "0100", kDecode},
      {"CH: session_id runs past", kSelClientHello, ch + "05" + rep("11", 4), kDecode},
      {"CH: cookie runs past", kSelClientHello, ch + "00" "ff" + rep("22", 254), kDecode},
      {"CH: no cipher suites", kSelClientHello, ch + "00" "00" "0000" "0100", kDecode},
      {"CH: odd cipher suites", kSelClientHello, ch + "00" "00" "0003c02b00" "0100", kDecode},
      {"CH: cipher suites run past", kSelClientHello, ch + "00" "00" "0004c02b", kDecode},
      {"CH: no compression methods", kSelClientHello, ch + "00" "00" "0002c02b" "00", kDecode},
      {"CH: compression runs past", kSelClientHello, ch + "00" "00" "0002c02b" "0200", kDecode},
      {"CH: no null compression", kSelClientHello, ch + "00" "00" "0002c02b" "0101", kIllegal},
      {"CH: extensions block runs past", kSelClientHello, ch + "00" "00" "0002c02b" "0100" "0005" "00170000", kDecode},
      {"CH: trailing after extensions", kSelClientHello, ch + "00" "00" "0002c02b" "0100" "0004" "00170000" "00",
       kDecode},
      // HelloVerifyRequest (RFC 6347 §4.2.1).
      {"HVR: cookie runs past", kSelHelloVerifyRequest, "feff" "05" "01020304", kDecode},
      {"HVR: no cookie length", kSelHelloVerifyRequest, "feff", kDecode},
      {"HVR: trailing", kSelHelloVerifyRequest, "feff" "01" "01" "01", kDecode},
      // ServerHello (RFC 5246 §7.4.1.3).
      {"SH: session_id 33", kSelServerHello, sh + "21" + rep("11", 33) + "c02b" "00", kDecode},
      {"SH: session_id runs past", kSelServerHello, sh + "20" + rep("11", 31), kDecode},
      {"SH: compression not null", kSelServerHello, sh + "00" "c02b" "01", kIllegal},
      {"SH: extensions block runs past", kSelServerHello, sh + "00" "c02b" "00" "0006" "00170000", kDecode},
      {"SH: trailing after extensions", kSelServerHello, sh + "00" "c02b" "00" "0004" "00170000" "ff", kDecode},
      // Certificate (RFC 5246 §7.4.2, RFC 7250 §3).
      {"Certificate: list runs past", kSelCertificateX509, "000009" "000002" "3030", kDecode},
      {"Certificate: empty certificate", kSelCertificateX509, "000003" "000000", kDecode},
      {"Certificate: certificate runs past list", kSelCertificateX509, "000005" "000003" "3030", kDecode},
      {"Certificate: trailing after list", kSelCertificateX509, "000004" "000001" "30" "00", kDecode},
      {"Certificate: 65 certificates", kSelCertificateX509, "000104" + rep("00000130", 65), kDecode},
      {"Certificate raw: empty key", kSelCertificateRaw, "000000", kDecode},
      {"Certificate raw: runs past", kSelCertificateRaw, "000004" "303030", kDecode},
      {"Certificate raw: trailing", kSelCertificateRaw, "000001" "30" "30", kDecode},
      // ServerKeyExchange (RFC 8422 §5.4, RFC 4279 §2, RFC 5489 §2).
      {"SKE: explicit_prime curve", kSelSkeEcdhe, "01" "0017" "0104" "0403" "0000", kIllegal},
      {"SKE: empty point", kSelSkeEcdhe, "03" "0017" "00" "0403" "0000", kDecode},
      {"SKE: point runs past", kSelSkeEcdhe, "03" "0017" "0504" "0403" "0000", kDecode},
      {"SKE: no signature", kSelSkeEcdhe, "03" "0017" "0104", kDecode},
      {"SKE: signature runs past", kSelSkeEcdhe, "03" "0017" "0104" "0403" "0003" "0102", kDecode},
      {"SKE: trailing after signature", kSelSkeEcdhe, "03" "0017" "0104" "0403" "0001" "01" "00", kDecode},
      {"SKE PSK: hint runs past", kSelSkePsk, "0003" "6869", kDecode},
      {"SKE PSK: trailing", kSelSkePsk, "0002" "6869" "00", kDecode},
      {"SKE ECDHE-PSK: no params", kSelSkeEcdhePsk, "0002" "6869", kDecode},
      {"SKE ECDHE-PSK: empty point", kSelSkeEcdhePsk, "0002" "6869" "03" "001d" "00", kDecode},
      {"SKE ECDHE-PSK: signature present", kSelSkeEcdhePsk, "0000" "03" "001d" "0101" "0403" "0000", kDecode},
      // CertificateRequest (RFC 5246 §7.4.4).
      {"CR: no certificate types", kSelCertificateRequest, "00" "00020403" "0000", kDecode},
      {"CR: types run past", kSelCertificateRequest, "05" "4001", kDecode},
      {"CR: no signature algorithms", kSelCertificateRequest, "0140" "0000" "0000", kDecode},
      {"CR: odd signature algorithms", kSelCertificateRequest, "0140" "0003" "040305" "0000", kDecode},
      {"CR: empty distinguished name", kSelCertificateRequest, "0140" "00020403" "0002" "0000", kDecode},
      {"CR: name runs past list", kSelCertificateRequest, "0140" "00020403" "0003" "000530", kDecode},
      {"CR: CA list runs past", kSelCertificateRequest, "0140" "00020403" "0009" "000130", kDecode},
      {"CR: trailing", kSelCertificateRequest, "0140" "00020403" "0000" "00", kDecode},
      // ServerHelloDone (RFC 5246 §7.4.5).
      {"SHD: not empty", kSelServerHelloDone, "00", kDecode},
      // CertificateVerify (RFC 5246 §7.4.8).
      {"CV: scheme only", kSelCertificateVerify, "0403", kDecode},
      {"CV: signature runs past", kSelCertificateVerify, "0403" "0004" "010203", kDecode},
      {"CV: trailing", kSelCertificateVerify, "0403" "0001" "01" "02", kDecode},
      // ClientKeyExchange (RFC 8422 §5.7, RFC 4279 §2, RFC 5489 §2).
      {"CKE: empty point", kSelCkeEcdhe, "00", kDecode},
      {"CKE: point runs past", kSelCkeEcdhe, "41" + rep("04", 64), kDecode},
      {"CKE: trailing", kSelCkeEcdhe, "0104" "04", kDecode},
      {"CKE PSK: identity runs past", kSelCkePsk, "0005" "49", kDecode},
      {"CKE PSK: trailing", kSelCkePsk, "0001" "49" "49", kDecode},
      {"CKE ECDHE-PSK: no point", kSelCkeEcdhePsk, "0001" "49", kDecode},
      {"CKE ECDHE-PSK: empty point", kSelCkeEcdhePsk, "0001" "49" "00", kDecode},
      // Finished (RFC 5246 §7.4.9: 12 bytes).
      {"Finished: 11 bytes", kSelFinished, rep("01", 11), kDecode},
      {"Finished: 13 bytes", kSelFinished, rep("01", 13), kDecode},
      // NewSessionTicket (RFC 5077 §3.3).
      {"NST: lifetime short", kSelNewSessionTicket, "000000", kDecode},
      {"NST: ticket runs past", kSelNewSessionTicket, "00001c20" "0004" "aabbcc", kDecode},
      {"NST: trailing", kSelNewSessionTicket, "00001c20" "0001" "aa" "bb", kDecode},
  };
}

BOOST_AUTO_TEST_CASE(length_fields_out_of_bounds_rejected) {
  for (const BadBody& bad : bad_bodies()) {
    BOOST_TEST_CONTEXT(bad.what) {
      auto r = parse_any(bad.sel, test::hex(bad.hex));
      BOOST_TEST_REQUIRE(!r.ok());
      BOOST_TEST((alert_for(r.error()) == bad.alert), "got " << error_code_name(r.error().code()));
    }
  }
}

BOOST_AUTO_TEST_CASE(length_fields_at_their_maximum_accepted) {
  ClientHello ch;
  ch.session_id = Bytes(kMaxSessionIdSize, 1);
  ch.cookie = Bytes(kMaxCookieSize, 2);  // RFC 6347 §4.3.2: DTLS 1.2 cookie<0..2^8-1>
  ch.cipher_suites = std::vector<uint16_t>(0x7fff, 0xc02b);  // <2..2^16-2>
  ch.compression_methods = std::vector<uint8_t>(255, 0);
  check_round_trip(ch, kSelClientHello, "client_hello_max");
  CertificateRequest cr;
  cr.certificate_types = std::vector<uint8_t>(255, 64);
  cr.signature_algorithms = std::vector<uint16_t>(0x7fff, 0x0403);
  cr.certificate_authorities = {Bytes(0xfffd, 0x30)};  // one name filling the list
  BOOST_TEST_REQUIRE(encode(cr).ok());
  auto back = CertificateRequest::parse(*encode(cr));
  BOOST_TEST_REQUIRE(back.ok());
  BOOST_TEST((*back == cr));
  CertificateMsg chain;
  chain.certificate_list = std::vector<Bytes>(kMaxCertificateChainLength, Bytes(1, 0x30));
  BOOST_TEST_REQUIRE(CertificateMsg::parse(*encode(chain), CertificateType::kX509).ok());
}

BOOST_AUTO_TEST_CASE(writer_rejects_invalid_messages) {
  auto expect_invalid = [](const char* what, Result<Bytes> r) {
    BOOST_TEST_CONTEXT(what) {
      BOOST_TEST_REQUIRE(!r.ok());
      BOOST_TEST((r.error().code() == ErrorCode::kInvalidArgument || r.error().code() == ErrorCode::kLengthTooLarge));
    }
  };
  ClientHello ch = full_client_hello();
  ch.session_id = Bytes(33, 0);
  expect_invalid("CH session_id 33", encode(ch));
  ch = full_client_hello();
  ch.cookie = Bytes(256, 0);
  expect_invalid("CH cookie 256", encode(ch));
  ch = full_client_hello();
  ch.cipher_suites.clear();
  expect_invalid("CH no suites", encode(ch));
  ch = full_client_hello();
  ch.compression_methods = {1};
  expect_invalid("CH no null compression", encode(ch));
  ch = full_client_hello();
  ch.extensions.alpn = std::vector<std::string>{};
  expect_invalid("CH empty ALPN", encode(ch));
  ServerHello sh = full_server_hello();
  sh.compression_method = 1;
  expect_invalid("SH compression", encode(sh));
  sh = full_server_hello();
  sh.extensions.signature_algorithms = std::vector<uint16_t>{0x0403};
  expect_invalid("SH signature_algorithms", encode(sh));
  expect_invalid("HVR cookie 256", encode(HelloVerifyRequest{ProtocolVersion::kDtls10, Bytes(256, 0)}));
  CertificateMsg cert;
  cert.certificate_list = {Bytes{}};
  expect_invalid("empty certificate", encode(cert));
  cert.certificate_list = std::vector<Bytes>(kMaxCertificateChainLength + 1, Bytes(1, 0));
  expect_invalid("chain too long", encode(cert));
  CertificateMsg raw;
  raw.type = CertificateType::kRawPublicKey;
  expect_invalid("empty raw key", encode(raw));
  raw.subject_public_key_info = Bytes(1, 0);
  raw.certificate_list = {Bytes(1, 0)};
  expect_invalid("raw key with a list", encode(raw));
  ServerKeyExchange ske;
  expect_invalid("SKE empty point", encode(ske));
  ske.kind = KeyExchangeKind::kPsk;
  ske.signature = Bytes(1, 0);
  expect_invalid("SKE PSK with signature", encode(ske));
  ske = ServerKeyExchange{};
  ske.public_key = Bytes(256, 4);
  expect_invalid("SKE point 256", encode(ske));
  expect_invalid("CR no types", encode(CertificateRequest{{}, {0x0403}, {}}));
  expect_invalid("CR no algorithms", encode(CertificateRequest{{64}, {}, {}}));
  expect_invalid("CR empty name", encode(CertificateRequest{{64}, {0x0403}, {Bytes{}}}));
  expect_invalid("CV signature 2^16", encode(CertificateVerify{0x0403, Bytes(0x10000, 0)}));
  ClientKeyExchange cke;
  expect_invalid("CKE empty point", encode(cke));
  cke.kind = KeyExchangeKind::kPsk;
  cke.public_key = Bytes(1, 4);
  expect_invalid("CKE PSK with point", encode(cke));
  expect_invalid("NST ticket 2^16", encode(NewSessionTicket{0, Bytes(0x10000, 0)}));
}

// --- Real-world messages (OpenSSL 3.0.19 client and server, DTLS 1.2). ---

BOOST_AUTO_TEST_CASE(openssl_vectors_as_seeds) {
  // Not a check: with CACHET_CODEC_SEED_DIR set, the captured bodies join the
  // fuzz corpus.
  const std::pair<Selector, std::string_view> vectors[] = {
      {kSelClientHello, kOpensslClientHello},
      {kSelClientHello, kOpensslClientHelloWithCookie},
      {kSelHelloVerifyRequest, kOpensslHelloVerifyRequest},
      {kSelServerHello, kOpensslServerHello},
      {kSelCertificateX509, kOpensslCertificate},
      {kSelSkeEcdhe, kOpensslEcdheServerKeyExchange},
      {kSelSkePsk, kOpensslPskServerKeyExchange},
      {kSelSkeEcdhePsk, kOpensslEcdhePskServerKeyExchange},
      {kSelCertificateRequest, kOpensslCertificateRequest},
      {kSelCertificateVerify, kOpensslCertificateVerify},
      {kSelCkeEcdhe, kOpensslEcdheClientKeyExchange},
      {kSelCkePsk, kOpensslPskClientKeyExchange},
      {kSelCkeEcdhePsk, kOpensslEcdhePskClientKeyExchange},
      {kSelNewSessionTicket, kOpensslNewSessionTicket},
  };
  int i = 0;
  for (const auto& [sel, wire] : vectors) {
    const Bytes body = test::hex(wire);
    BOOST_TEST(parse_any(sel, body).ok());
    write_seed(sel, "openssl_" + std::to_string(i++), body);
  }
}

BOOST_AUTO_TEST_CASE(openssl_client_hello) {
  for (std::string_view wire : {kOpensslClientHello, kOpensslClientHelloWithCookie}) {
    auto ch = ClientHello::parse(test::hex(wire));
    BOOST_TEST_REQUIRE(ch.ok(), ch.error().what());
    BOOST_TEST((ch->client_version == ProtocolVersion::kDtls12));
    BOOST_TEST(to_hex(ch->random).substr(0, 8) == "438b5156");
    BOOST_TEST(ch->session_id.empty());
    BOOST_TEST(ch->cipher_suites.size() == 28u);
    BOOST_TEST(ch->cipher_suites.front() == 0xc02c);
    BOOST_TEST(ch->cipher_suites.back() == 0x00ff);  // RFC 5746 §3.3 SCSV
    BOOST_TEST((ch->compression_methods == std::vector<uint8_t>{0}));
    const HelloExtensions& e = ch->extensions;
    // server_name, ec_point_formats, supported_groups, session_ticket, ALPN,
    // use_srtp, encrypt_then_mac (unknown here), EMS, signature_algorithms.
    BOOST_TEST((e.received_types == std::vector<uint16_t>{0, 11, 10, 35, 16, 14, 22, 23, 13}));
    BOOST_TEST(*e.server_name == "example.com");
    BOOST_TEST((*e.ec_point_formats == std::vector<uint8_t>{0, 1, 2}));
    BOOST_TEST((*e.supported_groups == std::vector<uint16_t>{0x1d, 0x17, 0x1e, 0x19, 0x18}));
    BOOST_TEST(e.session_ticket->empty());
    BOOST_TEST((*e.alpn == std::vector<std::string>{"h2", "http/1.1"}));
    BOOST_TEST((e.use_srtp->profiles == std::vector<uint16_t>{0x0001}));
    BOOST_TEST(e.use_srtp->mki.empty());
    BOOST_TEST(e.extended_master_secret);
    BOOST_TEST(e.signature_algorithms->size() == 20u);
    BOOST_TEST(e.signature_algorithms->front() == 0x0403);
    BOOST_TEST(!e.renegotiation_info.has_value());  // the SCSV stands in for it
    // Our encoding drops encrypt_then_mac and reorders; it parses back equal.
    auto again = encode(*ch);
    BOOST_TEST_REQUIRE(again.ok());
    auto back = ClientHello::parse(*again);
    BOOST_TEST_REQUIRE(back.ok());
    ClientHello a = *ch, b = *back;
    a.extensions.received_types.clear();
    b.extensions.received_types.clear();
    BOOST_TEST((a == b));
  }
  auto with_cookie = ClientHello::parse(test::hex(kOpensslClientHelloWithCookie));
  BOOST_TEST_REQUIRE(with_cookie.ok());
  auto hvr = HelloVerifyRequest::parse(test::hex(kOpensslHelloVerifyRequest));
  BOOST_TEST_REQUIRE(hvr.ok());
  // RFC 6347 §4.2.1: the second ClientHello echoes the cookie.
  BOOST_TEST(to_hex(with_cookie->cookie) == "65cd4d9adbfa6a8b10c357fb0dce567bee1d1445");
  BOOST_TEST(to_hex(hvr->cookie) == to_hex(with_cookie->cookie));
  BOOST_TEST((hvr->server_version == ProtocolVersion::kDtls10));
  BOOST_TEST(to_hex(*encode(*hvr)) == kOpensslHelloVerifyRequest);
}

BOOST_AUTO_TEST_CASE(openssl_server_hello) {
  auto sh = ServerHello::parse(test::hex(kOpensslServerHello));
  BOOST_TEST_REQUIRE(sh.ok(), sh.error().what());
  BOOST_TEST((sh->server_version == ProtocolVersion::kDtls12));
  BOOST_TEST(sh->session_id.empty());
  BOOST_TEST(sh->cipher_suite == 0xc02c);  // ECDHE-ECDSA-AES256-GCM-SHA384
  const HelloExtensions& e = sh->extensions;
  BOOST_TEST((e.received_types == std::vector<uint16_t>{0xff01, 11, 35, 16, 14, 23}));
  BOOST_TEST(e.renegotiation_info->empty());
  BOOST_TEST((*e.ec_point_formats == std::vector<uint8_t>{0, 1, 2}));
  BOOST_TEST(e.session_ticket->empty());
  BOOST_TEST((*e.alpn == std::vector<std::string>{"h2"}));
  BOOST_TEST((e.use_srtp->profiles == std::vector<uint16_t>{1}));
  BOOST_TEST(e.extended_master_secret);
  // Same fields, our (ascending) extension order.
  auto again = encode(*sh);
  BOOST_TEST_REQUIRE(again.ok());
  BOOST_TEST(again->size() == test::hex(kOpensslServerHello).size());
}

BOOST_AUTO_TEST_CASE(openssl_server_flight) {
  auto cert = CertificateMsg::parse(test::hex(kOpensslCertificate), CertificateType::kX509);
  BOOST_TEST_REQUIRE(cert.ok());
  BOOST_TEST_REQUIRE(cert->certificate_list.size() == 1u);
  BOOST_TEST(cert->certificate_list[0].size() == 385u);
  BOOST_TEST(cert->certificate_list[0][0] == 0x30);  // DER SEQUENCE
  BOOST_TEST(to_hex(*encode(*cert)) == kOpensslCertificate);

  auto ske = ServerKeyExchange::parse(test::hex(kOpensslEcdheServerKeyExchange), KeyExchangeKind::kEcdhe);
  BOOST_TEST_REQUIRE(ske.ok());
  BOOST_TEST(ske->named_group == 0x001d);  // x25519
  BOOST_TEST(ske->public_key.size() == 32u);
  BOOST_TEST(ske->signature_scheme == 0x0403);  // ecdsa_secp256r1_sha256
  BOOST_TEST(ske->signature.size() == 72u);
  BOOST_TEST(to_hex(*encode(*ske)) == kOpensslEcdheServerKeyExchange);

  auto cr = CertificateRequest::parse(test::hex(kOpensslCertificateRequest));
  BOOST_TEST_REQUIRE(cr.ok());
  BOOST_TEST((cr->certificate_types == std::vector<uint8_t>{1, 2, 64}));  // rsa, dss, ecdsa
  BOOST_TEST(cr->signature_algorithms.size() == 20u);
  BOOST_TEST(cr->certificate_authorities.empty());
  BOOST_TEST(to_hex(*encode(*cr)) == kOpensslCertificateRequest);

  BOOST_TEST(ServerHelloDone::parse({}).ok());

  auto nst = NewSessionTicket::parse(test::hex(kOpensslNewSessionTicket));
  BOOST_TEST_REQUIRE(nst.ok());
  BOOST_TEST(nst->ticket_lifetime_hint == 7200u);
  BOOST_TEST(nst->ticket.size() == 576u);
  BOOST_TEST(to_hex(*encode(*nst)) == kOpensslNewSessionTicket);
}

BOOST_AUTO_TEST_CASE(openssl_client_flight) {
  auto cke = ClientKeyExchange::parse(test::hex(kOpensslEcdheClientKeyExchange), KeyExchangeKind::kEcdhe);
  BOOST_TEST_REQUIRE(cke.ok());
  BOOST_TEST(cke->public_key.size() == 32u);
  BOOST_TEST(to_hex(*encode(*cke)) == kOpensslEcdheClientKeyExchange);

  auto cv = CertificateVerify::parse(test::hex(kOpensslCertificateVerify));
  BOOST_TEST_REQUIRE(cv.ok());
  BOOST_TEST(cv->signature_scheme == 0x0403);
  BOOST_TEST(cv->signature.size() == 72u);
  BOOST_TEST(to_hex(*encode(*cv)) == kOpensslCertificateVerify);
}

BOOST_AUTO_TEST_CASE(openssl_psk_key_exchanges) {
  auto ske_psk = ServerKeyExchange::parse(test::hex(kOpensslPskServerKeyExchange), KeyExchangeKind::kPsk);
  BOOST_TEST_REQUIRE(ske_psk.ok());
  BOOST_TEST(std::string(ske_psk->psk_identity_hint.begin(), ske_psk->psk_identity_hint.end()) == "myhint");
  BOOST_TEST(to_hex(*encode(*ske_psk)) == kOpensslPskServerKeyExchange);

  auto cke_psk = ClientKeyExchange::parse(test::hex(kOpensslPskClientKeyExchange), KeyExchangeKind::kPsk);
  BOOST_TEST_REQUIRE(cke_psk.ok());
  BOOST_TEST(std::string(cke_psk->psk_identity.begin(), cke_psk->psk_identity.end()) == "client1");
  BOOST_TEST(to_hex(*encode(*cke_psk)) == kOpensslPskClientKeyExchange);

  auto ske = ServerKeyExchange::parse(test::hex(kOpensslEcdhePskServerKeyExchange), KeyExchangeKind::kEcdhePsk);
  BOOST_TEST_REQUIRE(ske.ok());
  BOOST_TEST(std::string(ske->psk_identity_hint.begin(), ske->psk_identity_hint.end()) == "myhint");
  BOOST_TEST(ske->named_group == 0x001d);
  BOOST_TEST(ske->public_key.size() == 32u);
  BOOST_TEST(ske->signature.empty());
  BOOST_TEST(to_hex(*encode(*ske)) == kOpensslEcdhePskServerKeyExchange);

  auto cke = ClientKeyExchange::parse(test::hex(kOpensslEcdhePskClientKeyExchange), KeyExchangeKind::kEcdhePsk);
  BOOST_TEST_REQUIRE(cke.ok());
  BOOST_TEST(std::string(cke->psk_identity.begin(), cke->psk_identity.end()) == "client1");
  BOOST_TEST(cke->public_key.size() == 32u);
  BOOST_TEST(to_hex(*encode(*cke)) == kOpensslEcdhePskClientKeyExchange);

  // The same bodies under the wrong kind do not parse.
  BOOST_TEST(!ServerKeyExchange::parse(test::hex(kOpensslEcdhePskServerKeyExchange), KeyExchangeKind::kEcdhe).ok());
  BOOST_TEST(!ClientKeyExchange::parse(test::hex(kOpensslPskClientKeyExchange), KeyExchangeKind::kEcdhePsk).ok());
}

BOOST_AUTO_TEST_SUITE_END()
