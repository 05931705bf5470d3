// Negative tests of the DTLS 1.2 handshake: one per DTLS-Fuzzer bug pattern
// that applies to DTLS 1.2 (Fiterau-Brostean et al., "Analysis of DTLS
// Implementations Using Protocol State Fuzzing", USENIX Security 2020), plus
// the legal flights of every DTLS 1.2 handshake shape (full, client
// authentication, PSK, ECDHE-PSK, resumed by session ID and by ticket) as
// data and every one-message deviation from them (STYLE §11).
//
// Two attackers:
//   * TamperLink: a man in the middle between a real Cachet client and a real
//     Cachet server. It sees every record, and can drop, duplicate or replace
//     it. It has no keys: epoch-0 plaintext can be forged freely, epoch-1
//     records can only be dropped, duplicated or moved.
//   * ScriptedClient: a hand-driven client against a real Cachet server. It
//     owns its ephemeral key, so it knows every key of the association and can
//     send a correctly keyed Finished, application data or alerts in any
//     order. Its deviations are therefore real attacks (a valid Finished after
//     a missing CertificateVerify is exactly pion's CVE-2022-29222), not noise.
//
// Each case asserts that the victim never reaches kEstablished on the
// attacker's terms, and which of the two outcomes the RFCs allow it gets: the
// fatal alert they name, or a silent drop (the victim goes on handshaking,
// retransmits, and eventually gives up without an alert).
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "base/random.hpp"
#include "connection_test_util.hpp"
#include "crypto/key_exchange.hpp"
#include "handshake/handshake_header.hpp"
#include "handshake/key_schedule12.hpp"
#include "handshake/messages.hpp"
#include "handshake/transcript.hpp"
#include "handshake/transport.hpp"
#include "pki/certificate.hpp"
#include "pki/private_key.hpp"
#include "record/header.hpp"
#include "record/record_layer.hpp"

using namespace cachet;
using namespace std::chrono_literals;
namespace hs = cachet::handshake;
namespace rec = cachet::record;

namespace {

// Alert descriptions (RFC 5246 §7.2).
constexpr uint8_t kCloseNotify = 0;
constexpr uint8_t kUnexpectedMessage = 10;
constexpr uint8_t kHandshakeFailure = 40;
constexpr uint8_t kInternalError = 80;
constexpr uint8_t kNoRenegotiation = 100;

constexpr std::string_view kSuite = "ECDHE-ECDSA-AES128-GCM-SHA256";
constexpr uint16_t kSuiteCode = 0xc02b;
constexpr uint16_t kEcdsaP256Sha256 = 0x0403;

const std::vector<uint8_t> kPsk(16, 0x5a);

std::shared_ptr<const Context> require(Result<std::shared_ptr<const Context>> ctx) {
  BOOST_REQUIRE_MESSAGE(ctx.ok(), ctx.error().what());
  return std::move(ctx).value();
}

std::shared_ptr<const Context> cert_server(ClientAuth auth, bool cookies = true) {
  ContextBuilder b(Role::kServer);
  b.certificate_file(test::pki("p256/server-chain.pem")).private_key_file(test::pki("p256/server.key")).cipher_suites(kSuite);
  b.cookie_exchange(cookies);
  if (auth != ClientAuth::kNone) b.client_auth(auth).ca_file(test::pki("p256/root.pem"));
  return require(b.build());
}

std::shared_ptr<const Context> cert_client(bool with_cert) {
  ContextBuilder b(Role::kClient);
  b.ca_file(test::pki("p256/root.pem")).cipher_suites(kSuite);
  if (with_cert) b.certificate_file(test::pki("p256/client-chain.pem")).private_key_file(test::pki("p256/client.key"));
  return require(b.build());
}

std::shared_ptr<const Context> psk_client() {
  return require(ContextBuilder(Role::kClient).cipher_suites("PSK-AES128-GCM-SHA256").psk("client1", kPsk).build());
}

std::shared_ptr<const Context> psk_server() {
  return require(ContextBuilder(Role::kServer)
                     .cipher_suites("PSK-AES128-GCM-SHA256")
                     .psk_lookup([](std::string_view) -> std::optional<std::vector<uint8_t>> { return kPsk; }, "hint")
                     .build());
}

Bytes file_bytes(const std::string& path) {
  auto b = pki::read_pki_file(path);
  BOOST_REQUIRE_MESSAGE(b.ok(), path);
  return std::move(b).value();
}

std::vector<Bytes> chain_der(const std::string& path) {
  const Bytes pem = file_bytes(path);
  auto chain = pki::CertificateChain::from_pem(std::string_view(reinterpret_cast<const char*>(pem.data()), pem.size()));
  BOOST_REQUIRE(chain.ok());
  std::vector<Bytes> out;
  for (const auto& c : chain->certificates()) out.push_back(c.der());
  return out;
}

template <typename M>
Bytes encoded(const M& m) {
  auto b = hs::encode(m);
  BOOST_REQUIRE(b.ok());
  return std::move(b).value();
}

// One whole (unfragmented) handshake message as a record payload.
Bytes handshake_payload(hs::HandshakeType type, uint16_t message_seq, ByteSpan body) {
  ByteWriter w;
  const auto len = static_cast<uint32_t>(body.size());
  hs::write_fragment_header(w, hs::FragmentHeader{type, len, message_seq, 0, len});
  w.bytes(body);
  auto b = w.take();
  BOOST_REQUIRE(b.ok());
  return std::move(b).value();
}

// An epoch-0 plaintext record, as anyone on the path can forge one.
Bytes plaintext_record(rec::ContentType type, uint64_t record_seq, ByteSpan payload) {
  ByteWriter w;
  rec::RecordHeader h;
  h.type = type;
  h.version = static_cast<uint16_t>(rec::ProtocolVersion::kDtls12);
  h.epoch = rec::Epoch(0);
  h.sequence = rec::SequenceNumber(record_seq);
  h.length = static_cast<uint16_t>(payload.size());
  rec::write_header(w, h);
  w.bytes(payload);
  auto b = w.take();
  BOOST_REQUIRE(b.ok());
  return std::move(b).value();
}

bool not_established(const Connection& victim) { return victim.state() != ConnectionState::kEstablished; }

// A well-formed ClientHello with nothing in it worth negotiating.
hs::ClientHello minimal_hello() {
  hs::ClientHello ch;
  ch.cipher_suites = {kSuiteCode};
  ch.extensions.extended_master_secret = true;
  return ch;
}

// --------------------------------------------------------------------------
// ScriptedClient

// A hand-driven DTLS 1.2 client (ECDHE-ECDSA-AES128-GCM-SHA256 over P-256
// with extended master secret) talking straight to a real Cachet server, one
// record per datagram, no network in between. Each step sends exactly one
// thing; the test decides the order.
class ScriptedClient : public rec::RecordSink {
 public:
  explicit ScriptedClient(std::shared_ptr<const Context> server_context) : random_(42) {
    const uint8_t addr[6] = {192, 0, 2, 1, 0x9c, 0x41};
    auto s = Connection::server(std::move(server_context), addr);
    BOOST_REQUIRE(s.ok());
    server = std::move(s).value();
    BOOST_REQUIRE(server->start(now).ok());
  }

  std::unique_ptr<Connection> server;
  Instant now{};
  // What the server sent us, decrypted where we have the keys.
  std::vector<hs::HandshakeMessage> messages;
  std::vector<std::pair<uint8_t, uint8_t>> alerts;  // (level, description)
  std::vector<Bytes> data;
  size_t server_ccs = 0;
  bool certificate_requested = false;

  // ClientHello (and the cookie round trip) up to the server's ServerHelloDone.
  void hello() {
    hs::ClientHello& ch = hello_;
    BOOST_REQUIRE(random_.fill(ch.random).ok());
    ch.cipher_suites = {kSuiteCode, 0x00ff};
    ch.extensions.supported_groups = std::vector<uint16_t>{23};
    ch.extensions.ec_point_formats = std::vector<uint8_t>{0};
    ch.extensions.signature_algorithms = std::vector<uint16_t>{kEcdsaP256Sha256};
    ch.extensions.extended_master_secret = true;
    send_handshake(hs::HandshakeType::kClientHello, encoded(ch));
    if (auto hvr = take(hs::HandshakeType::kHelloVerifyRequest)) {
      // RFC 6347 §4.2.6: neither the first ClientHello nor the
      // HelloVerifyRequest is part of the transcript.
      auto parsed = hs::HelloVerifyRequest::parse(hvr->body);
      BOOST_REQUIRE(parsed.ok());
      transcript_.reset();
      ch.cookie = parsed->cookie;
      send_handshake(hs::HandshakeType::kClientHello, encoded(ch));
    }
    auto sh = take(hs::HandshakeType::kServerHello);
    BOOST_REQUIRE_MESSAGE(sh.has_value(), "no ServerHello");
    auto parsed_sh = hs::ServerHello::parse(sh->body);
    BOOST_REQUIRE(parsed_sh.ok());
    server_random_ = parsed_sh->random;
    transcript_.set_hash(crypto::HashAlgorithm::kSha256);
    transcript_.add(sh->type, sh->message_seq, sh->body);
    for (;;) {
      BOOST_REQUIRE_MESSAGE(!messages.empty(), "server flight incomplete");
      hs::HandshakeMessage m = messages.front();
      messages.erase(messages.begin());
      transcript_.add(m.type, m.message_seq, m.body);
      if (m.type == hs::HandshakeType::kServerKeyExchange) {
        auto ske = hs::ServerKeyExchange::parse(m.body, hs::KeyExchangeKind::kEcdhe);
        BOOST_REQUIRE(ske.ok());
        server_share_ = ske->public_key;
      }
      if (m.type == hs::HandshakeType::kCertificateRequest) certificate_requested = true;
      if (m.type == hs::HandshakeType::kServerHelloDone) break;
    }
  }

  // Certificate with the client's chain (the attacker may hold a victim's
  // certificate — it is public — but never its private key).
  void certificate(bool with_chain = true) {
    hs::CertificateMsg cert;
    if (with_chain) cert.certificate_list = chain_der(test::pki("p256/client-chain.pem"));
    send_handshake(hs::HandshakeType::kCertificate, encoded(cert));
  }

  // ClientKeyExchange; derives every key (RFC 7627 §4 session hash).
  void key_exchange() {
    auto share = crypto::KeyShare::generate(crypto::NamedGroup::kSecp256r1, random_);
    BOOST_REQUIRE(share.ok());
    auto z = share->derive(server_share_);
    BOOST_REQUIRE(z.ok());
    hs::ClientKeyExchange cke;
    cke.public_key.assign(share->public_key().begin(), share->public_key().end());
    send_handshake(hs::HandshakeType::kClientKeyExchange, encoded(cke));
    auto master = hs::extended_master_secret(crypto::HashAlgorithm::kSha256, z->span(), transcript_.current_hash());
    BOOST_REQUIRE(master.ok());
    master_ = std::move(master).value();
    auto kb = hs::derive_key_block(crypto::HashAlgorithm::kSha256, crypto::AeadAlgorithm::kAes128Gcm, master_.span(),
                                   hello_.random, server_random_);
    BOOST_REQUIRE(kb.ok());
    auto write = rec::RecordProtection::create(crypto::AeadAlgorithm::kAes128Gcm, kb->client_write.key.span(),
                                               kb->client_write.iv.span());
    auto read = rec::RecordProtection::create(crypto::AeadAlgorithm::kAes128Gcm, kb->server_write.key.span(),
                                              kb->server_write.iv.span());
    BOOST_REQUIRE((write.ok() && read.ok()));
    BOOST_REQUIRE(records_.install_write_epoch(rec::Epoch(1), std::move(write).value()).ok());
    pending_read_.emplace(std::move(read).value());
  }

  // CertificateVerify signed with the genuine client key.
  void certificate_verify() {
    const Bytes pem = file_bytes(test::pki("p256/client.key"));
    auto key = pki::PrivateKey::load(pem);
    BOOST_REQUIRE(key.ok());
    auto sig = key->signing_key().sign(crypto::SignatureScheme::kEcdsaSecp256r1Sha256, transcript_.messages(), random_);
    BOOST_REQUIRE(sig.ok());
    send_handshake(hs::HandshakeType::kCertificateVerify,
                   encoded(hs::CertificateVerify{kEcdsaP256Sha256, std::move(sig).value()}));
  }

  void change_cipher_spec() {
    const uint8_t one[1] = {1};
    send_record(rec::Epoch(0), rec::ContentType::kChangeCipherSpec, one);
  }

  // A correct Finished over the transcript so far, at `epoch`.
  void finished(rec::Epoch epoch = rec::Epoch(1)) {
    auto verify = hs::finished_verify_data(crypto::HashAlgorithm::kSha256, master_.span(), true,
                                           transcript_.current_hash());
    BOOST_REQUIRE(verify.ok());
    hs::Finished fin;
    std::copy(verify->begin(), verify->end(), fin.verify_data.begin());
    send_handshake(hs::HandshakeType::kFinished, encoded(fin), epoch);
  }

  // The legal final flight for a server that asked for a certificate (or not).
  void final_flight() {
    if (certificate_requested) certificate();
    key_exchange();
    if (certificate_requested) certificate_verify();
    change_cipher_spec();
    finished();
  }

  void app_data(std::string_view text, rec::Epoch epoch = rec::Epoch(1)) {
    send_record(epoch, rec::ContentType::kApplicationData, as_bytes(text));
  }
  void alert(uint8_t level, uint8_t description) {
    const uint8_t payload[2] = {level, description};
    send_record(records_.write_epoch(), rec::ContentType::kAlert, payload);
  }

  // Any handshake message at the next message_seq (added to the transcript).
  void send_handshake(hs::HandshakeType type, ByteSpan body, rec::Epoch epoch = rec::Epoch(0)) {
    const uint16_t seq = next_seq_++;
    transcript_.add(type, seq, body);
    last_epoch_ = epoch;
    last_payload_ = handshake_payload(type, seq, body);
    send_record(epoch, rec::ContentType::kHandshake, last_payload_);
  }
  // The last handshake message again, in a new record (a retransmission).
  void resend_last() { send_record(last_epoch_, rec::ContentType::kHandshake, Bytes(last_payload_)); }

  void send_record(rec::Epoch epoch, rec::ContentType type, ByteSpan payload) {
    Bytes out(payload.size() + records_.overhead(epoch));
    auto n = records_.seal(epoch, type, payload, out);
    BOOST_REQUIRE(n.ok());
    out.resize(*n);
    deliver(std::move(out));
  }

  void deliver(Bytes datagram) {
    server->handle_datagram(datagram, now);
    collect();
  }

  // Lets virtual time run (the server's retransmission timer) for `span`.
  void wait(Duration span) {
    const Instant end = now + span;
    while (auto t = server->next_timeout()) {
      if (*t > end) break;
      now = std::max(now, *t);
      server->handle_timeout(now);
      collect();
    }
    now = std::max(now, end);
  }

  // The server's Finished, checked against the transcript (our own proof
  // that the scripted handshake is genuine when nothing deviates).
  bool server_finished_verifies() {
    auto fin = take(hs::HandshakeType::kFinished);
    if (!fin) return false;
    auto expected = hs::finished_verify_data(crypto::HashAlgorithm::kSha256, master_.span(), false,
                                             transcript_.current_hash());
    return expected.ok() && *expected == fin->body;
  }

  std::optional<hs::HandshakeMessage> take(hs::HandshakeType type) {
    for (auto it = messages.begin(); it != messages.end(); ++it) {
      if (it->type != type) continue;
      hs::HandshakeMessage m = std::move(*it);
      messages.erase(it);
      return m;
    }
    return std::nullopt;
  }

  uint16_t next_seq() const { return next_seq_; }
  void set_next_seq(uint16_t seq) { next_seq_ = seq; }

  void on_record(const rec::Record& r) override {
    switch (r.type) {
      case rec::ContentType::kHandshake:
        transport_.on_handshake_record(r.payload);
        while (auto m = transport_.next_message()) messages.push_back(std::move(*m));
        break;
      case rec::ContentType::kChangeCipherSpec:
        ++server_ccs;
        ccs_pending_ = true;
        break;
      case rec::ContentType::kAlert:
        if (r.payload.size() == 2) alerts.emplace_back(r.payload[0], r.payload[1]);
        break;
      case rec::ContentType::kApplicationData:
        data.emplace_back(r.payload.begin(), r.payload.end());
        break;
      default:
        break;
    }
  }

 private:
  void collect() {
    while (auto d = server->poll_transmit()) {
      records_.process_datagram(*d, now, *this);
      if (ccs_pending_ && pending_read_) {
        ccs_pending_ = false;
        BOOST_REQUIRE(records_.install_read_epoch(rec::Epoch(1), std::move(*pending_read_), now, *this).ok());
        pending_read_.reset();
      }
    }
  }

  DeterministicRandom random_;
  rec::RecordLayer records_;
  hs::HandshakeTransport transport_;
  hs::Transcript transcript_;
  hs::ClientHello hello_;
  hs::HelloRandom server_random_{};
  Bytes server_share_;
  SecretBytes master_;
  std::optional<rec::RecordProtection> pending_read_;
  bool ccs_pending_ = false;
  uint16_t next_seq_ = 0;
  rec::Epoch last_epoch_;
  Bytes last_payload_;
};

// The silent-drop outcome: still handshaking (or timed out without an alert),
// nothing sent as a fatal alert.
void check_silent_drop(const Connection& victim) {
  BOOST_TEST((victim.state() == ConnectionState::kHandshaking || victim.state() == ConnectionState::kFailed));
  BOOST_TEST(!victim.alert_sent().has_value());
}

void check_fatal(const Connection& victim, uint8_t alert) {
  BOOST_TEST((victim.state() == ConnectionState::kFailed));
  BOOST_TEST(victim.alert_sent().value_or(255) == alert);
}

// --------------------------------------------------------------------------
// TamperLink

enum class Dir : uint8_t { kClientToServer, kServerToClient };

// One record of a datagram as the man in the middle sees it.
struct WireRecord {
  rec::ContentType type = rec::ContentType::kInvalid;
  rec::Epoch epoch;
  uint64_t seq = 0;
  // Epoch-0 handshake records: the fragment's message.
  std::optional<hs::HandshakeType> msg_type;
  uint16_t msg_seq = 0;
  bool whole_message = false;
  Bytes body;   // the (whole) message body, when whole_message
  Bytes bytes;  // the record as sent
};

std::vector<WireRecord> split(ByteSpan datagram) {
  std::vector<WireRecord> out;
  ByteReader r(datagram);
  for (;;) {
    auto p = rec::parse_record(r, 0);
    if (p.status != rec::ParseStatus::kOk) break;
    WireRecord w;
    w.type = p.record.header.type;
    w.epoch = p.record.header.epoch;
    w.seq = p.record.header.sequence.value();
    w.bytes.assign(p.record.header_bytes.begin(), p.record.header_bytes.end());
    w.bytes.insert(w.bytes.end(), p.record.fragment.begin(), p.record.fragment.end());
    if (w.type == rec::ContentType::kHandshake && w.epoch.value == 0) {
      ByteReader fr(p.record.fragment);
      if (auto f = hs::read_fragment(fr)) {
        w.msg_type = f->header.type;
        w.msg_seq = f->header.message_seq;
        w.whole_message = f->header.fragment_offset == 0 && f->header.fragment_length == f->header.length;
        if (w.whole_message) w.body.assign(f->body.begin(), f->body.end());
      }
    }
    out.push_back(std::move(w));
  }
  return out;
}

// The hook sees the records of every datagram (with a counter of pump()
// calls: everything one flight transmission produces goes out in one call)
// and may edit the list; an empty list sends nothing.
using Hook = std::function<void(Dir, int pump, std::vector<WireRecord>&)>;

struct TamperLink {
  test::Link link;
  Hook hook;
  int pumps = 0;

  TamperLink(std::shared_ptr<const Context> client_ctx, std::shared_ptr<const Context> server_ctx, Hook h = {},
             const Session& session = {})
      : link(std::move(client_ctx), std::move(server_ctx), 1, {}, "server.example", session), hook(std::move(h)) {}

  Connection& client() { return *link.client; }
  Connection& server() { return *link.server; }

  void pump(Connection& from, Dir dir) {
    ++pumps;
    const auto src = dir == Dir::kClientToServer ? link.client_addr : link.server_addr;
    const auto dst = dir == Dir::kClientToServer ? link.server_addr : link.client_addr;
    while (auto d = from.poll_transmit()) {
      if (!hook) {
        link.net.send(src, dst, std::move(*d), link.now);
        continue;
      }
      auto records = split(*d);
      hook(dir, pumps, records);
      Bytes out;
      for (const auto& r : records) out.insert(out.end(), r.bytes.begin(), r.bytes.end());
      if (!out.empty()) link.net.send(src, dst, std::move(out), link.now);
    }
  }

  // Test::Link::handshake with the hook on the path. Also stops when one
  // side fails (after letting its alert through).
  bool handshake(Duration limit = 5min) {
    if (!link.client->start(link.now)) return false;
    return run(limit);
  }

  bool run(Duration limit) {
    const Instant end = link.now + limit;
    for (;;) {
      pump(*link.client, Dir::kClientToServer);
      pump(*link.server, Dir::kServerToClient);
      if (link.client->is_established() && link.server->is_established()) return true;
      std::optional<Instant> next = link.net.next_delivery();
      for (auto t : {link.client->next_timeout(), link.server->next_timeout()}) {
        if (t && (!next || *t < *next)) next = t;
      }
      if (!next || *next > end) return false;
      link.now = std::max(link.now, *next);
      for (auto& d : link.net.deliver(link.now)) {
        (d.to == link.server_addr ? *link.server : *link.client).handle_datagram(d.bytes, link.now);
      }
      for (Connection* c : {link.client.get(), link.server.get()}) {
        if (c->next_timeout() && *c->next_timeout() <= link.now) c->handle_timeout(link.now);
      }
    }
  }

  // Delivers something straight to one side, bypassing the hook.
  void inject(Dir dir, Bytes datagram) {
    (dir == Dir::kClientToServer ? *link.server : *link.client).handle_datagram(datagram, link.now);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(negative)

// The control case: the scripted client, doing everything right, gets a
// verified server Finished and an established server. Without this the
// negative cases below could pass for the wrong reason.
BOOST_AUTO_TEST_CASE(scripted_client_completes_a_legal_handshake) {
  for (ClientAuth auth : {ClientAuth::kNone, ClientAuth::kRequest, ClientAuth::kRequire}) {
    for (bool cookies : {true, false}) {
      BOOST_TEST_CONTEXT("client_auth " << int(auth) << " cookies " << cookies) {
        ScriptedClient c(cert_server(auth, cookies));
        c.hello();
        BOOST_TEST(c.certificate_requested == (auth != ClientAuth::kNone));
        c.final_flight();
        BOOST_TEST(c.server->is_established());
        BOOST_TEST(c.server_finished_verifies());
        c.app_data("hello");
        auto got = c.server->read();
        BOOST_TEST_REQUIRE(got.has_value());
        BOOST_TEST(std::string(got->begin(), got->end()) == "hello");
      }
    }
  }
}

// DTLS-Fuzzer "Finished before ChangeCipherSpec".
// (a) A Finished in plaintext, where the CCS should be: RFC 6347 §4.1 and
//     RFC 5246 §7.4.9 — Finished is the first message under the new keys;
//     in the state waiting for the CCS any handshake message is an
//     unexpected_message.
// (b) A correctly keyed epoch-1 Finished, but no CCS ever: the server cannot
//     read epoch 1 before the CCS. In DTLS a Finished overtaking its CCS is
//     ordinary reordering (RFC 6347 §4.1: records of the next epoch MAY be
//     buffered), so the right outcome is a silent wait: never established.
BOOST_AUTO_TEST_CASE(finished_before_change_cipher_spec) {
  {
    ScriptedClient c(cert_server(ClientAuth::kNone));
    c.hello();
    c.key_exchange();
    c.finished(rec::Epoch(0));
    BOOST_TEST(not_established(*c.server));
    check_fatal(*c.server, kUnexpectedMessage);
  }
  {
    ScriptedClient c(cert_server(ClientAuth::kNone));
    c.hello();
    c.key_exchange();
    c.finished(rec::Epoch(1));
    BOOST_TEST((c.server->state() == ConnectionState::kHandshaking));
    c.wait(10min);
    BOOST_TEST(not_established(*c.server));
    check_silent_drop(*c.server);
    BOOST_TEST(c.server_ccs == 0u);  // the server never sent its own CCS/Finished
  }
}

// DTLS-Fuzzer "multiple ChangeCipherSpec" (and "CCS before keys"). A DTLS 1.2
// CCS has no message_seq; a duplicate is what a retransmitted flight looks
// like, so extra CCSs are dropped silently (RFC 6347 §4.1, §4.2.4). What
// matters is that only the CCS in its place (after ClientKeyExchange) counts:
// (a) a CCS before ClientKeyExchange must not be taken as "the" CCS — if it
//     were, the Finished below (sent with no later CCS) would be read;
// (b) several CCSs in the right place change nothing: the handshake
//     completes with the genuine keys and data flows.
BOOST_AUTO_TEST_CASE(multiple_change_cipher_spec) {
  {
    ScriptedClient c(cert_server(ClientAuth::kNone));
    c.hello();
    c.change_cipher_spec();  // before any key exists
    c.change_cipher_spec();
    BOOST_TEST((c.server->state() == ConnectionState::kHandshaking));
    c.key_exchange();
    c.finished(rec::Epoch(1));  // no CCS after the keys
    c.wait(10min);
    BOOST_TEST(not_established(*c.server));
    check_silent_drop(*c.server);
  }
  {
    ScriptedClient c(cert_server(ClientAuth::kNone));
    c.hello();
    c.key_exchange();
    c.change_cipher_spec();
    c.change_cipher_spec();
    c.change_cipher_spec();
    c.finished();
    c.change_cipher_spec();  // after the handshake: ignored too
    BOOST_TEST_REQUIRE(c.server->is_established());
    BOOST_TEST(c.server_finished_verifies());
    c.app_data("still in sync");
    auto got = c.server->read();
    BOOST_TEST_REQUIRE(got.has_value());
    BOOST_TEST(std::string(got->begin(), got->end()) == "still in sync");
    BOOST_TEST(!c.server->alert_sent().has_value());
  }
  {
    // The man-in-the-middle form: a forged plaintext CCS injected into a
    // real handshake, before the client's final flight. Dropped; the real
    // handshake completes on the real CCS.
    TamperLink t(cert_client(false), cert_server(ClientAuth::kNone));
    bool injected = false;
    t.hook = [&](Dir dir, int, std::vector<WireRecord>& records) {
      for (const auto& r : records) {
        if (!injected && dir == Dir::kServerToClient && r.msg_type == hs::HandshakeType::kServerHelloDone) {
          injected = true;
          const uint8_t one[1] = {1};
          t.inject(Dir::kClientToServer, plaintext_record(rec::ContentType::kChangeCipherSpec, 40, one));
        }
      }
    };
    BOOST_TEST(t.handshake());
    BOOST_TEST(injected);
  }
}

// DTLS-Fuzzer "application data before Finished". The public API refuses
// write() before the handshake completes, so a real client cannot do this;
// the scripted client can: it holds the epoch-1 keys after its CCS and sends
// a correctly protected application_data record before its Finished.
// RFC 5246 §7.4.9 / RFC 6347 §4.1: application data may only be exchanged
// after Finished; a DTLS receiver discards such a record (silent drop) — it
// must never be delivered, neither then nor after the handshake completes.
// Epoch-0 (plaintext) application data is never acceptable at all.
BOOST_AUTO_TEST_CASE(application_data_before_finished) {
  ScriptedClient c(cert_server(ClientAuth::kNone));
  c.hello();
  c.app_data("plaintext before keys", rec::Epoch(0));
  c.key_exchange();
  c.change_cipher_spec();
  c.app_data("protected before Finished");
  BOOST_TEST((c.server->state() == ConnectionState::kHandshaking));
  BOOST_TEST(!c.server->read().has_value());
  BOOST_TEST(!c.server->alert_sent().has_value());
  c.finished();
  BOOST_TEST_REQUIRE(c.server->is_established());
  c.app_data("plaintext after Finished", rec::Epoch(0));
  c.app_data("after Finished");
  auto got = c.server->read();
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST(std::string(got->begin(), got->end()) == "after Finished");
  BOOST_TEST(!c.server->read().has_value());  // the early and plaintext ones were never queued
}

// DTLS-Fuzzer "continue after a fatal alert / close_notify". RFC 5246 §7.2.1
// and §7.2.2: after close_notify or a fatal alert the connection is over: no
// further data is read, write() fails, and no handshake message is answered.
BOOST_AUTO_TEST_CASE(no_data_after_fatal_alert_or_close_notify) {
  struct Case { const char* name; uint8_t level; uint8_t description; ConnectionState expected; };
  for (Case k : {Case{"close_notify", 1, kCloseNotify, ConnectionState::kClosed},
                 Case{"fatal internal_error", 2, kInternalError, ConnectionState::kFailed},
                 Case{"fatal handshake_failure", 2, kHandshakeFailure, ConnectionState::kFailed}}) {
    BOOST_TEST_CONTEXT(k.name) {
      ScriptedClient c(cert_server(ClientAuth::kNone));
      c.hello();
      c.final_flight();
      BOOST_TEST_REQUIRE(c.server->is_established());
      c.app_data("before");
      BOOST_TEST(c.server->read().has_value());
      c.alert(k.level, k.description);
      BOOST_TEST((c.server->state() == k.expected));
      BOOST_TEST(c.server->alert_received().value_or(255) == k.description);
      c.app_data("after");
      BOOST_TEST(!c.server->read().has_value());
      BOOST_TEST(!c.server->write(as_bytes("reply")).ok());
      // A new ClientHello (epoch 1, renegotiation-style) draws nothing.
      const size_t alerts_before = c.alerts.size(), messages_before = c.messages.size();
      c.send_handshake(hs::HandshakeType::kClientHello, encoded(minimal_hello()), rec::Epoch(1));
      BOOST_TEST(c.alerts.size() == alerts_before);
      BOOST_TEST(c.messages.size() == messages_before);
    }
  }
  // After the victim itself sent a fatal alert (a Finished that does not
  // verify: decrypt_error), records keyed for the association are ignored.
  ScriptedClient c(cert_server(ClientAuth::kNone));
  c.hello();
  c.key_exchange();
  c.change_cipher_spec();
  c.send_handshake(hs::HandshakeType::kFinished, encoded(hs::Finished{}), rec::Epoch(1));
  check_fatal(*c.server, 51);
  c.finished();  // now a valid one (transcript differs, but must not matter)
  c.app_data("after the alert");
  BOOST_TEST(not_established(*c.server));
  BOOST_TEST(!c.server->read().has_value());
  BOOST_TEST(!c.server->write(as_bytes("reply")).ok());
}

// DTLS-Fuzzer "unexpected ClientHello mid-handshake". A ClientHello with the
// next message_seq while the server waits for the client's Certificate /
// ClientKeyExchange: RFC 5246 §7.4 (and §7.4.1.2: a ClientHello is only
// valid first, or as renegotiation after completion) — unexpected_message.
// A ClientHello with an old message_seq is a retransmission and only draws
// the server's flight again (RFC 6347 §4.2.4).
BOOST_AUTO_TEST_CASE(unexpected_client_hello_mid_handshake) {
  for (ClientAuth auth : {ClientAuth::kNone, ClientAuth::kRequire}) {
    BOOST_TEST_CONTEXT("client_auth " << int(auth)) {
      ScriptedClient c(cert_server(auth));
      c.hello();
      hs::ClientHello again;
      again.cipher_suites = {kSuiteCode};
      again.extensions.extended_master_secret = true;
      c.send_handshake(hs::HandshakeType::kClientHello, encoded(again));
      BOOST_TEST(not_established(*c.server));
      check_fatal(*c.server, kUnexpectedMessage);
    }
  }
  // After the ClientKeyExchange (waiting for the CCS).
  ScriptedClient c(cert_server(ClientAuth::kNone));
  c.hello();
  c.key_exchange();
  hs::ClientHello again;
  again.cipher_suites = {kSuiteCode};
  c.send_handshake(hs::HandshakeType::kClientHello, encoded(again));
  check_fatal(*c.server, kUnexpectedMessage);
}

// DTLS-Fuzzer "unrequested Certificate". RFC 5246 §7.4.6: the client sends a
// Certificate only after a CertificateRequest. Sent unasked, it arrives
// where the server waits for ClientKeyExchange: unexpected_message. The
// mirror image (a CertificateRequest the suite does not allow — PSK, RFC 4279
// §2 — forged into the server's flight by a man in the middle) is
// unexpected_message at the client.
BOOST_AUTO_TEST_CASE(unrequested_certificate) {
  {
    ScriptedClient c(cert_server(ClientAuth::kNone));
    c.hello();
    BOOST_TEST_REQUIRE(!c.certificate_requested);
    c.certificate();
    BOOST_TEST(not_established(*c.server));
    check_fatal(*c.server, kUnexpectedMessage);
  }
  {
    TamperLink t(psk_client(), psk_server());
    bool forged = false;
    t.hook = [&](Dir dir, int, std::vector<WireRecord>& records) {
      if (dir != Dir::kServerToClient || forged) return;
      for (size_t i = 0; i < records.size(); ++i) {
        if (records[i].msg_type != hs::HandshakeType::kServerHelloDone) continue;
        forged = true;
        hs::CertificateRequest cr;
        cr.certificate_types = {64};
        cr.signature_algorithms = {kEcdsaP256Sha256};
        WireRecord fake;
        fake.bytes = plaintext_record(rec::ContentType::kHandshake, records[i].seq,
                                      handshake_payload(hs::HandshakeType::kCertificateRequest, records[i].msg_seq,
                                                        encoded(cr)));
        WireRecord done;
        done.bytes = plaintext_record(rec::ContentType::kHandshake, records[i].seq + 1,
                                      handshake_payload(hs::HandshakeType::kServerHelloDone, records[i].msg_seq + 1, {}));
        records[i] = std::move(fake);
        records.insert(records.begin() + static_cast<std::ptrdiff_t>(i) + 1, std::move(done));
        return;
      }
    };
    BOOST_TEST(!t.handshake());
    BOOST_TEST(forged);
    BOOST_TEST(not_established(t.client()));
    check_fatal(t.client(), kUnexpectedMessage);
  }
}

// pion/dtls CVE-2022-29222: the server asked for a client certificate; the
// attacker sends somebody's (public) certificate, then ClientKeyExchange,
// ChangeCipherSpec and a perfectly valid Finished — but no CertificateVerify,
// since it lacks the private key. pion accepted this and authenticated the
// attacker as the certificate's owner.
// RFC 5246 §7.4.8: CertificateVerify follows a client certificate with
// signing capability; anything else there is an unexpected_message. The CCS
// arriving in its place is dropped by Cachet (a CCS cannot be ordered in
// DTLS 1.2, see multiple_change_cipher_spec), so the epoch-1 Finished is
// never read: silent drop. The same flight with a plaintext Finished (no CCS)
// reaches the handshake layer and must draw unexpected_message.
BOOST_AUTO_TEST_CASE(missing_certificate_verify_cve_2022_29222) {
  for (ClientAuth auth : {ClientAuth::kRequire, ClientAuth::kRequest}) {
    BOOST_TEST_CONTEXT("client_auth " << int(auth)) {
      {
        ScriptedClient c(cert_server(auth));
        c.hello();
        BOOST_TEST_REQUIRE(c.certificate_requested);
        c.certificate();
        c.key_exchange();
        c.change_cipher_spec();
        c.finished();
        BOOST_TEST(not_established(*c.server));
        BOOST_TEST(c.server_ccs == 0u);
        c.wait(10min);
        BOOST_TEST(not_established(*c.server));
                // Either outcome is correct per the RFC; Cachet's design gives the
        // silent one. Accept the alert too, but never anything else.
        if (c.server->alert_sent()) {
          BOOST_TEST(*c.server->alert_sent() == kUnexpectedMessage);
        } else {
          check_silent_drop(*c.server);
        }
      }
      {
        ScriptedClient c(cert_server(auth));
        c.hello();
        c.certificate();
        c.key_exchange();
        c.finished(rec::Epoch(0));
        check_fatal(*c.server, kUnexpectedMessage);
      }
    }
  }
}

// DTLS-Fuzzer "wrong-epoch Finished": a Finished (correct verify_data!) sent
// in plaintext at epoch 0 after the CCS. RFC 6347 §4.1 / RFC 5246 §7.1: after
// the CCS every record of the sender is protected with the new keys; an
// epoch-0 Finished is unexpected_message. The client side too: a man in the
// middle replaces the server's encrypted Finished by a plaintext one.
BOOST_AUTO_TEST_CASE(wrong_epoch_finished) {
  {
    ScriptedClient c(cert_server(ClientAuth::kNone));
    c.hello();
    c.key_exchange();
    c.change_cipher_spec();
    c.finished(rec::Epoch(0));
    BOOST_TEST(not_established(*c.server));
    check_fatal(*c.server, kUnexpectedMessage);
  }
  {
    TamperLink t(cert_client(false), cert_server(ClientAuth::kNone));
    int server_last_seq = -1;
    bool replaced = false;
    t.hook = [&](Dir dir, int, std::vector<WireRecord>& records) {
      if (dir != Dir::kServerToClient) return;
      for (auto& r : records) {
        if (r.msg_type) server_last_seq = std::max(server_last_seq, int(r.msg_seq));
        if (!replaced && r.type == rec::ContentType::kHandshake && r.epoch.value == 1) {
          replaced = true;
          r.bytes = plaintext_record(rec::ContentType::kHandshake, 1000,
                                     handshake_payload(hs::HandshakeType::kFinished,
                                                       static_cast<uint16_t>(server_last_seq + 1),
                                                       encoded(hs::Finished{})));
        }
      }
    };
    BOOST_TEST(!t.handshake());
    BOOST_TEST(replaced);
    BOOST_TEST(not_established(t.client()));
    check_fatal(t.client(), kUnexpectedMessage);
  }
}

// Wrong-epoch Finished, fragment form: a forged plaintext fragment of the
// Finished's message_seq (half the body, garbage) is injected after the CCS,
// then the genuine epoch-1 Finished arrives. RFC 6347 §4.1: the Finished is
// protected by the new epoch; plaintext bytes must never become part of it.
// The reassembler sees the genuine fragment disagree with the buffered one
// and drops it (RFC 6347 §4.2.3 leaves conflicts to the implementation); the
// genuine Finished is resent (as a retransmitting client would) and must
// complete the handshake without ever mixing in the forged bytes (which
// would fail as decrypt_error) and without an alert.
BOOST_AUTO_TEST_CASE(wrong_epoch_finished_fragment_is_never_mixed_in) {
  ScriptedClient c(cert_server(ClientAuth::kNone));
  c.hello();
  c.key_exchange();
  c.change_cipher_spec();
  const uint16_t fin_seq = c.next_seq();
  ByteWriter w;
  hs::write_fragment_header(w, hs::FragmentHeader{hs::HandshakeType::kFinished, hs::kFinishedSize, fin_seq, 0, 6});
  const uint8_t garbage[6] = {1, 2, 3, 4, 5, 6};
  w.bytes(garbage);
  auto payload = w.take();
  BOOST_TEST_REQUIRE(payload.ok());
  c.deliver(plaintext_record(rec::ContentType::kHandshake, 500, *payload));
  BOOST_TEST((c.server->state() == ConnectionState::kHandshaking));
  c.finished();
  int attempts = 1;
  for (; attempts < 10 && !c.server->is_established() && c.server->state() == ConnectionState::kHandshaking; ++attempts) {
    c.resend_last();  // the same genuine Finished, in a new epoch-1 record
  }
  BOOST_TEST_MESSAGE("genuine Finished copies needed: " << attempts);
  BOOST_TEST(!c.server->alert_sent().has_value());
  BOOST_TEST(c.server->is_established());
}

// DTLS-Fuzzer "handshake restart".
// (a) Mid-handshake, a fresh ClientHello at message_seq 0 (a restarted
//     client, or an attacker replaying one): for the server it is an old
//     message — a retransmission (RFC 6347 §4.2.4) — so it draws the server's
//     flight again, and must not restart or mix the two handshakes: the
//     original one still completes, with its own keys.
// (b) After completion, a ClientHello under the association's keys is a
//     renegotiation: Cachet refuses it (RFC 5746 §4.5 lets a server decline)
//     with a warning no_renegotiation (100) and the association goes on.
// (c) After completion, a plaintext ClientHello at message_seq 0 (RFC 6347
//     §4.2.8 restart): the existing association MUST NOT be destroyed by an
//     unauthenticated message; no second handshake completes.
BOOST_AUTO_TEST_CASE(handshake_restart) {
  {
    ScriptedClient c(cert_server(ClientAuth::kNone, false));
    c.hello();
    const uint16_t seq = c.next_seq();
    c.set_next_seq(0);
    hs::ClientHello restart;
    DeterministicRandom r(9);
    BOOST_TEST_REQUIRE(r.fill(restart.random).ok());
    restart.cipher_suites = {kSuiteCode, 0x00ff};
    restart.extensions.supported_groups = std::vector<uint16_t>{23};
    restart.extensions.signature_algorithms = std::vector<uint16_t>{kEcdsaP256Sha256};
    restart.extensions.extended_master_secret = true;
    c.now = c.now + 2s;  // past the retransmission hold-off
    // Not via send_handshake: a restarted client's hello is not part of our
    // transcript.
    c.send_record(rec::Epoch(0), rec::ContentType::kHandshake,
                  handshake_payload(hs::HandshakeType::kClientHello, 0, encoded(restart)));
    c.set_next_seq(seq);
    BOOST_TEST((c.server->state() == ConnectionState::kHandshaking));
    BOOST_TEST(!c.server->alert_sent().has_value());
    c.messages.clear();  // the resent server flight
    c.final_flight();
    BOOST_TEST(c.server->is_established());
    BOOST_TEST(c.server_finished_verifies());
  }
  {
    ScriptedClient c(cert_server(ClientAuth::kNone));
    c.hello();
    c.final_flight();
    BOOST_TEST_REQUIRE(c.server->is_established());
    hs::ClientHello reneg;
    reneg.cipher_suites = {kSuiteCode};
    reneg.extensions.extended_master_secret = true;
    c.send_handshake(hs::HandshakeType::kClientHello, encoded(reneg), rec::Epoch(1));
    BOOST_TEST(c.server->is_established());
    BOOST_TEST_REQUIRE(c.alerts.size() == 1u);
    BOOST_TEST(c.alerts[0].first == 1);  // warning
    BOOST_TEST(c.alerts[0].second == kNoRenegotiation);
    BOOST_TEST(!c.server->alert_sent().has_value());
    c.app_data("association survives");
    BOOST_TEST(c.server->read().has_value());
    // A second attempt is refused the same way, and nothing else happens.
    c.send_handshake(hs::HandshakeType::kClientHello, encoded(reneg), rec::Epoch(1));
    BOOST_TEST(c.alerts.size() == 2u);
    BOOST_TEST(c.server->is_established());
  }
  {
    ScriptedClient c(cert_server(ClientAuth::kNone));
    c.hello();
    c.final_flight();
    BOOST_TEST_REQUIRE(c.server->is_established());
    c.now = c.now + 5s;
    hs::ClientHello restart;
    restart.cipher_suites = {kSuiteCode};
    restart.extensions.extended_master_secret = true;
    c.send_record(rec::Epoch(0), rec::ContentType::kHandshake,
                  handshake_payload(hs::HandshakeType::kClientHello, 0, encoded(restart)));
    BOOST_TEST(c.server->is_established());
    BOOST_TEST(!c.server->alert_sent().has_value());
    c.app_data("association survives");
    BOOST_TEST(c.server->read().has_value());
  }
}

// STYLE §11: every legal DTLS 1.2 flight sequence Cachet speaks, as data —
// the full ECDHE handshake (server authenticated only), client
// authentication (with a certificate, and with the empty Certificate of a
// client that has none), PSK (with and without an identity hint), ECDHE-PSK,
// and the abbreviated handshake resuming by session ID and by ticket, each
// behind the cookie exchange. The untampered handshake of each shape must
// follow its table exactly; then a man in the middle (TamperLink) applies
// every one-message deviation to every legal message. The victim is the
// receiver of the message: the client for the server's, the server for the
// client's.
//   drop          -> completes; the loss is repaired by a retransmission
//                    (RFC 6347 §4.2.4).
//   duplicate     -> completes; the copy is a replay or an old message_seq
//                    (RFC 6347 §4.1.2.6, §4.2.2).
//   reorder       -> the message swapped with the record that follows it
//                    from the same sender: the next message of its flight,
//                    or — for the last message of a flight, after which the
//                    sender sends nothing new until the peer answers — the
//                    first record of the flight's retransmission. Completes:
//                    messages ahead are buffered by message_seq (RFC 6347
//                    §4.2.2), records of the next epoch may be (§4.1), and a
//                    CCS overtaking its flight is dropped and comes again
//                    with the retransmission (§4.2.4).
//   inject-state  -> a plaintext message of a type that is legal in another
//                    state, at this message's message_seq, in its place:
//                    never completes; the victim sends unexpected_message
//                    (RFC 5246 §7.4, §7.3 for the abbreviated handshake; for
//                    the Finished slot also RFC 6347 §4.1: wrong epoch).
//   inject-epoch  -> an epoch-0 record after the sender moved to epoch 1,
//                    with a fresh record sequence number as a forger would
//                    pick (Cachet keeps no replay window for plaintext; a
//                    receiver that did would not drop it either). For a
//                    plaintext message, a copy of it just before the
//                    sender's Finished: an old message_seq (§4.2.2); for the
//                    CCS, a copy after the Finished: a CCS out of place, which
//                    DTLS 1.2 cannot order (§4.1). Both are ignored: completes.
//                    For the Finished, a forged plaintext Finished at its
//                    message_seq ahead of the genuine one: a handshake
//                    message in an epoch it may not use (RFC 6347 §4.1, RFC
//                    5246 §7.4.9): unexpected_message.
// "Completes" means both sides established, no alert sent by either, the
// keys agreeing (the exporter) and, for the resumed shapes, the session
// resumed on both sides: never an association on the attacker's terms.
namespace {

enum class Sender : uint8_t { kClient, kServer };
enum class Kind : uint8_t { kHandshake, kChangeCipherSpec, kProtectedHandshake };
using T = hs::HandshakeType;

struct LegalMessage {
  const char* name;
  Kind kind;
  T type;     // kHandshake, kProtectedHandshake
  T foreign;  // legal in another state: the "inject-state" message
};

struct LegalFlight {
  Sender from;
  std::vector<LegalMessage> messages;
};

LegalMessage message(const char* name, T type, T foreign) { return {name, Kind::kHandshake, type, foreign}; }
LegalMessage change_cipher_spec(T foreign = T::kFinished) {
  return {"ChangeCipherSpec", Kind::kChangeCipherSpec, T::kHelloRequest, foreign};
}
LegalMessage finished(T foreign) { return {"Finished", Kind::kProtectedHandshake, T::kFinished, foreign}; }

// RFC 6347 §4.2.1: the cookie exchange opens every shape.
std::vector<LegalFlight> after_cookie_exchange(std::vector<LegalFlight> rest) {
  std::vector<LegalFlight> flights = {
      {Sender::kClient, {message("ClientHello", T::kClientHello, T::kFinished)}},
      {Sender::kServer, {message("HelloVerifyRequest", T::kHelloVerifyRequest, T::kServerHelloDone)}},
      {Sender::kClient, {message("ClientHello+cookie", T::kClientHello, T::kClientKeyExchange)}},
  };
  flights.insert(flights.end(), rest.begin(), rest.end());
  return flights;
}

// RFC 5246 §7.3, RFC 5077 §3.3: the server's last flight of a full handshake
// (a ticket for a client that asked for one).
LegalFlight server_final_flight() {
  return {Sender::kServer,
          {message("NewSessionTicket", T::kNewSessionTicket, T::kServerHelloDone), change_cipher_spec(),
           finished(T::kServerHelloDone)}};
}

struct HandshakeShape {
  const char* name;
  std::vector<LegalFlight> flights;
  std::shared_ptr<const Context> client, server;
  bool resumed = false;

  // A man in the middle between fresh endpoints of this shape; for the
  // resumed shapes an untampered full handshake first makes the session.
  std::unique_ptr<TamperLink> link() const {
    Session session;
    if (resumed) {
      test::Link full(client, server);
      BOOST_REQUIRE(full.handshake());
      session = full.client->session();
      BOOST_REQUIRE(session.valid());
    }
    return std::make_unique<TamperLink>(client, server, Hook{}, session);
  }

  size_t size() const {
    size_t n = 0;
    for (const auto& f : flights) n += f.messages.size();
    return n;
  }
};

std::shared_ptr<const Context> psk_server_with_hint(std::string_view cipher_suites, std::string_view hint) {
  return require(ContextBuilder(Role::kServer)
                     .cipher_suites(cipher_suites)
                     .psk_lookup([](std::string_view) -> std::optional<std::vector<uint8_t>> { return kPsk; }, hint)
                     .build());
}

std::shared_ptr<const Context> resuming_server(bool tickets, bool cache) {
  ContextBuilder b(Role::kServer);
  b.certificate_file(test::pki("p256/server-chain.pem")).private_key_file(test::pki("p256/server.key"));
  b.cipher_suites(kSuite).session_tickets(tickets);
  if (!cache) b.session_cache(nullptr);
  return require(b.build());
}

std::vector<HandshakeShape> handshake_shapes() {
  // The server's first flight with a certificate, and the client's answer.
  auto server_hello_flight = [](bool request_certificate, T ske_foreign) {
    LegalFlight f{Sender::kServer,
                  {message("ServerHello", T::kServerHello, T::kServerKeyExchange),
                   message("Certificate", T::kCertificate, T::kServerKeyExchange),  // skipping the certificate
                   message("ServerKeyExchange", T::kServerKeyExchange, ske_foreign)}};
    if (request_certificate) {
      f.messages.push_back(message("CertificateRequest", T::kCertificateRequest, T::kServerHello));
    }
    f.messages.push_back(message("ServerHelloDone", T::kServerHelloDone, T::kCertificate));
    return f;
  };
  // The abbreviated handshake (RFC 5246 §7.3): the server's CCS slot gets
  // what a full handshake (or an unannounced ticket) would have there.
  auto abbreviated = [](T server_ccs_foreign) {
    return after_cookie_exchange({
        {Sender::kServer,
         {message("ServerHello", T::kServerHello, T::kServerHelloDone), change_cipher_spec(server_ccs_foreign),
          finished(T::kServerHelloDone)}},
        {Sender::kClient, {change_cipher_spec(), finished(T::kCertificateVerify)}},
    });
  };
  // The PSK server flight (RFC 4279 §2), with or without the identity hint.
  auto psk_flight = [](bool hint, T ske_foreign) {
    LegalFlight f{Sender::kServer, {message("ServerHello", T::kServerHello, T::kServerKeyExchange)}};
    if (hint) f.messages.push_back(message("ServerKeyExchange", T::kServerKeyExchange, ske_foreign));
    // A CertificateRequest is never legal with PSK (RFC 4279 §2).
    const T shd_foreign = hint ? T::kCertificateRequest : T::kCertificate;
    f.messages.push_back(message("ServerHelloDone", T::kServerHelloDone, shd_foreign));
    return f;
  };
  const LegalFlight client_key_exchange_flight = {
      Sender::kClient,
      {message("ClientKeyExchange", T::kClientKeyExchange, T::kCertificate),  // an unrequested Certificate
       change_cipher_spec(), finished(T::kCertificateVerify)}};

  std::vector<HandshakeShape> shapes;
  // In the full shape the foreign ServerKeyExchange slot skips the key
  // exchange (a ServerHelloDone where the ECDHE parameters belong).
  shapes.push_back({"full",
                    after_cookie_exchange({server_hello_flight(false, T::kServerHelloDone), client_key_exchange_flight,
                                           server_final_flight()}),
                    cert_client(false), cert_server(ClientAuth::kNone)});
  shapes.push_back({"client-auth",
                    after_cookie_exchange({server_hello_flight(true, T::kCertificateRequest),
                                           {Sender::kClient,
                                            {message("Certificate", T::kCertificate, T::kClientHello),
                                             message("ClientKeyExchange", T::kClientKeyExchange, T::kCertificate),
                                             message("CertificateVerify", T::kCertificateVerify, T::kFinished),
                                             change_cipher_spec(), finished(T::kCertificateVerify)}},
                                           server_final_flight()}),
                    cert_client(true), cert_server(ClientAuth::kRequire)});
  // RFC 5246 §7.4.6: a client without a certificate answers a request with
  // an empty Certificate and sends no CertificateVerify.
  shapes.push_back({"client-auth-empty",
                    after_cookie_exchange({server_hello_flight(true, T::kCertificateRequest),
                                           {Sender::kClient,
                                            {message("Certificate (empty)", T::kCertificate, T::kClientHello),
                                             message("ClientKeyExchange", T::kClientKeyExchange, T::kCertificateVerify),
                                             change_cipher_spec(), finished(T::kCertificateVerify)}},
                                           server_final_flight()}),
                    cert_client(false), cert_server(ClientAuth::kRequest)});
  shapes.push_back({"psk",
                    after_cookie_exchange({psk_flight(true, T::kCertificate), client_key_exchange_flight,
                                           server_final_flight()}),
                    psk_client(), psk_server_with_hint("PSK-AES128-GCM-SHA256", "hint")});
  shapes.push_back({"psk-no-hint",
                    after_cookie_exchange({psk_flight(false, T::kCertificate), client_key_exchange_flight,
                                           server_final_flight()}),
                    psk_client(), psk_server_with_hint("PSK-AES128-GCM-SHA256", "")});
  // ECDHE-PSK (RFC 5489 §2): the ServerKeyExchange is mandatory, so a
  // ServerHelloDone in its place is as wrong as any other message.
  shapes.push_back({"ecdhe-psk",
                    after_cookie_exchange({psk_flight(true, T::kServerHelloDone), client_key_exchange_flight,
                                           server_final_flight()}),
                    require(ContextBuilder(Role::kClient)
                                .cipher_suites("ECDHE-PSK-AES128-GCM-SHA256")
                                .psk("client1", kPsk)
                                .build()),
                    psk_server_with_hint("ECDHE-PSK-AES128-GCM-SHA256", "hint")});
  shapes.push_back(
      {"resumed-id", abbreviated(T::kCertificate), cert_client(false), resuming_server(false, true), true});
  // RFC 5077 §3.2: a NewSessionTicket only after a ServerHello announcing it.
  shapes.push_back(
      {"resumed-ticket", abbreviated(T::kNewSessionTicket), cert_client(false), resuming_server(true, false), true});
  return shapes;
}

// A message as seen on the wire: who, what, and its message_seq (for the
// protected Finished and the CCS: the message_seq the Finished has).
struct WireLabel {
  Dir dir;
  Kind kind;
  hs::HandshakeType type;
  uint16_t msg_seq;
  auto operator<=>(const WireLabel&) const = default;
};

Kind kind_of(const WireRecord& r) {
  if (r.type == rec::ContentType::kChangeCipherSpec) return Kind::kChangeCipherSpec;
  return r.epoch.value == 0 ? Kind::kHandshake : Kind::kProtectedHandshake;
}

// Labels the records of one datagram (`last_seq` per direction carries the
// highest plaintext message_seq seen, to number the CCS/Finished slot).
std::optional<WireLabel> label_of(Dir dir, const WireRecord& r, std::map<Dir, int>& last_seq) {
  if (r.type == rec::ContentType::kHandshake && r.msg_type) {
    last_seq[dir] = std::max(last_seq[dir], int(r.msg_seq));
    return WireLabel{dir, Kind::kHandshake, *r.msg_type, r.msg_seq};
  }
  if (r.type == rec::ContentType::kChangeCipherSpec || r.type == rec::ContentType::kHandshake) {
    return WireLabel{dir, kind_of(r), T::kFinished, static_cast<uint16_t>(last_seq[dir] + 1)};
  }
  return std::nullopt;
}

using BodyPool = std::map<std::pair<Dir, T>, Bytes>;  // whole plaintext bodies seen in any shape

// The labels of the untampered handshake, in first-seen order.
std::vector<WireLabel> record_reference(const HandshakeShape& shape, BodyPool& bodies) {
  std::vector<WireLabel> labels;
  std::map<Dir, int> last_seq{{Dir::kClientToServer, -1}, {Dir::kServerToClient, -1}};
  std::set<WireLabel> seen;
  auto t = shape.link();
  t->hook = [&](Dir dir, int, std::vector<WireRecord>& records) {
    for (const auto& r : records) {
      auto l = label_of(dir, r, last_seq);
      if (!l) continue;
      if (seen.insert(*l).second) labels.push_back(*l);
      if (r.whole_message) bodies.emplace(std::make_pair(dir, *r.msg_type), r.body);
    }
  };
  BOOST_TEST_REQUIRE(t->handshake());
  BOOST_TEST_REQUIRE(t->client().resumed() == shape.resumed);
  BOOST_TEST_REQUIRE(t->server().resumed() == shape.resumed);
  return labels;
}

enum class Deviation : uint8_t { kDrop, kDuplicate, kReorder, kInjectState, kInjectEpoch };
constexpr Deviation kDeviations[] = {Deviation::kDrop, Deviation::kDuplicate, Deviation::kReorder,
                                     Deviation::kInjectState, Deviation::kInjectEpoch};
constexpr const char* kDeviationNames[] = {"drop", "duplicate", "reorder", "inject-state", "inject-epoch"};

// An epoch-0 record of `type` carrying `payload`, as the attacker forges it.
WireRecord forged(rec::ContentType type, uint64_t record_seq, ByteSpan payload) {
  WireRecord w;
  w.bytes = plaintext_record(type, record_seq, payload);
  return w;
}

// Applies `dev` to the first transmission of `target` (every fragment of
// it) and checks the outcome the RFCs allow.
void check_deviation(const HandshakeShape& shape, const WireLabel& target, const LegalMessage& spec, Deviation dev,
                     const BodyPool& bodies) {
  std::map<Dir, int> last_seq{{Dir::kClientToServer, -1}, {Dir::kServerToClient, -1}};
  uint64_t sender_record_seq = 0;  // the highest epoch-0 record sequence number of the target's sender
  int first_pump = -1;
  bool applied = false, replaced = false, released = false, injected = false;
  std::vector<WireRecord> held;    // reorder: the target, waiting for the sender's next record
  std::vector<WireRecord> copies;  // inject-epoch: the target as first sent
  // A fresh epoch-0 sequence number, close enough to the sender's that a
  // replay window (RFC 6347 §4.1.2.6) would still take its later records.
  auto fresh_seq = [&] { return sender_record_seq + 40 + copies.size(); };
  auto t = shape.link();
  t->hook = [&](Dir dir, int pump, std::vector<WireRecord>& records) {
    std::vector<WireRecord> out;
    for (auto& r : records) {
      if (dir == target.dir && r.epoch.value == 0) sender_record_seq = std::max(sender_record_seq, r.seq);
      const auto l = label_of(dir, r, last_seq);
      const bool hit = l && *l == target && (first_pump < 0 || first_pump == pump);
      if (hit) {
        first_pump = pump;
        applied = true;
      }
      switch (dev) {
        case Deviation::kDrop:
          if (!hit) out.push_back(std::move(r));
          break;
        case Deviation::kDuplicate:
          if (hit) out.push_back(r);
          out.push_back(std::move(r));
          break;
        case Deviation::kReorder:
          if (hit) {
            held.push_back(std::move(r));
            break;
          }
          out.push_back(std::move(r));
          if (!held.empty() && dir == target.dir) {
            for (auto& h : held) out.push_back(std::move(h));
            held.clear();
            released = true;
          }
          break;
        case Deviation::kInjectState: {
          if (!hit) {
            out.push_back(std::move(r));
            break;
          }
          if (replaced) break;  // one foreign message for all fragments
          replaced = true;
          const Dir other = dir == Dir::kClientToServer ? Dir::kServerToClient : Dir::kClientToServer;
          Bytes body;
          if (spec.foreign == T::kFinished) {
            body = Bytes(hs::kFinishedSize, 0);
          } else if (auto it = bodies.find({dir, spec.foreign}); it != bodies.end()) {
            body = it->second;
          } else if (auto it2 = bodies.find({other, spec.foreign}); it2 != bodies.end()) {
            body = it2->second;
          }
          out.push_back(forged(rec::ContentType::kHandshake, r.epoch.value == 0 ? r.seq : fresh_seq(),
                               handshake_payload(spec.foreign, target.msg_seq, body)));
          break;
        }
        case Deviation::kInjectEpoch: {
          if (hit && target.kind != Kind::kProtectedHandshake) copies.push_back(r);
          const bool senders_finished =
              !injected && dir == target.dir && l && l->kind == Kind::kProtectedHandshake;
          if (!senders_finished) {
            out.push_back(std::move(r));
            break;
          }
          injected = true;
          std::vector<WireRecord> extra;
          if (target.kind == Kind::kProtectedHandshake) {
            extra.push_back(forged(rec::ContentType::kHandshake, fresh_seq(),
                                   handshake_payload(T::kFinished, target.msg_seq, Bytes(hs::kFinishedSize, 0))));
          } else {
            for (size_t i = 0; i < copies.size(); ++i) {
              const ByteSpan payload = ByteSpan(copies[i].bytes).subspan(rec::kDtls12HeaderSize);
              extra.push_back(forged(copies[i].type, sender_record_seq + 40 + i, payload));
            }
          }
          if (target.kind == Kind::kChangeCipherSpec) out.push_back(std::move(r));
          for (auto& e : extra) out.push_back(std::move(e));
          if (target.kind != Kind::kChangeCipherSpec) out.push_back(std::move(r));
          break;
        }
      }
    }
    records = std::move(out);
  };
  const bool done = t->handshake();
  BOOST_TEST(applied);
  if (dev == Deviation::kReorder) BOOST_TEST(released);
  if (dev == Deviation::kInjectEpoch) BOOST_TEST(injected);
  Connection& victim = target.dir == Dir::kClientToServer ? t->server() : t->client();
  const bool must_fail = dev == Deviation::kInjectState ||
                         (dev == Deviation::kInjectEpoch && target.kind == Kind::kProtectedHandshake);
  if (must_fail) {
    BOOST_TEST(!done);
    BOOST_TEST(not_established(victim));
    check_fatal(victim, kUnexpectedMessage);
    return;
  }
  BOOST_TEST(done);
  BOOST_TEST(!t->client().alert_sent().has_value());
  BOOST_TEST(!t->server().alert_sent().has_value());
  if (!done) return;
  BOOST_TEST(t->client().resumed() == shape.resumed);
  BOOST_TEST(t->server().resumed() == shape.resumed);
  auto client_keys = t->client().export_keying_material("EXPORTER-deviation-table", 32);
  auto server_keys = t->server().export_keying_material("EXPORTER-deviation-table", 32);
  BOOST_TEST_REQUIRE((client_keys.ok() && server_keys.ok()));
  BOOST_TEST((*client_keys == *server_keys));
  // A drop is repaired by a retransmission, never by luck.
  if (dev == Deviation::kDrop) {
    BOOST_TEST(t->client().stats().retransmissions + t->server().stats().retransmissions > 0u);
  }
}

// What the tables below add up to; a table that silently shrinks fails.
constexpr size_t kMinimumDeviationsChecked = 475;

}  // namespace

BOOST_AUTO_TEST_CASE(every_one_message_deviation_of_every_legal_flight_sequence) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<HandshakeShape> shapes = handshake_shapes();
  // The legal paths, walked: each real handshake is exactly its table.
  BodyPool bodies;
  std::vector<std::vector<WireLabel>> references;
  for (const auto& shape : shapes) {
    BOOST_TEST_CONTEXT("shape " << shape.name) {
      references.push_back(record_reference(shape, bodies));
      const auto& labels = references.back();
      BOOST_TEST_REQUIRE(labels.size() == shape.size());
      size_t i = 0;
      for (const auto& f : shape.flights) {
        const Dir dir = f.from == Sender::kClient ? Dir::kClientToServer : Dir::kServerToClient;
        for (const auto& m : f.messages) {
          BOOST_TEST_CONTEXT("message " << i << " " << m.name) {
            BOOST_TEST((labels[i].dir == dir));
            BOOST_TEST((labels[i].kind == m.kind));
            if (m.kind == Kind::kHandshake) BOOST_TEST((labels[i].type == m.type));
          }
          ++i;
        }
      }
    }
  }

  size_t expected = 0, total = 0, client_victim = 0, server_victim = 0;
  std::ostringstream per_shape;
  for (size_t s = 0; s < shapes.size(); ++s) {
    const HandshakeShape& shape = shapes[s];
    size_t checked = 0, i = 0;
    for (const auto& f : shape.flights) {
      for (const auto& m : f.messages) {
        const WireLabel target = references[s][i++];
        for (Deviation dev : kDeviations) {
          BOOST_TEST_CONTEXT(shape.name << ": " << (target.dir == Dir::kClientToServer ? "client " : "server ")
                                        << m.name << ": " << kDeviationNames[int(dev)]) {
            check_deviation(shape, target, m, dev, bodies);
          }
          ++checked;
          ++(target.dir == Dir::kClientToServer ? server_victim : client_victim);
        }
      }
    }
    expected += shape.size() * std::size(kDeviations);
    total += checked;
    per_shape << (s == 0 ? "" : ", ") << shape.name << " " << checked;
  }
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::cout << "deviation table: " << per_shape.str() << " — total " << total << " checked (" << server_victim
            << " with the server as victim, " << client_victim << " with the client; " << ms << " ms)\n";
  BOOST_TEST(total == expected);
  BOOST_TEST(total >= kMinimumDeviationsChecked);
}

// RFC 6347 §4.2.4: in the FINISHED state, the sender of the last flight MUST
// answer a retransmission of the peer's last flight with its own last flight.
// Regression: HandshakeTransport::respond_to_peer_retransmission ignored a
// peer retransmission within initial_timeout / 2 (500 ms) of its own last
// send while the peer's RTT-adapted timer (RFC 9147 §5.8.2) fires after
// 100 ms, so a lost final flight cost three retransmissions and 700 ms
// instead of one and 100 ms.
BOOST_AUTO_TEST_CASE(lost_final_flight_is_answered_at_the_first_peer_retransmission) {
  for (bool resumed : {false, true}) {
    BOOST_TEST_CONTEXT((resumed ? "abbreviated: the client's Finished is lost"
                                : "full: the server's Finished is lost")) {
      auto client = cert_client(false);
      auto server = resuming_server(false, true);
      Session session;
      if (resumed) {
        test::Link full(client, server);
        BOOST_TEST_REQUIRE(full.handshake());
        session = full.client->session();
      }
      // The last flight's sender: the server after a full handshake, the
      // client after an abbreviated one (RFC 6347 §4.2.4).
      const Dir last = resumed ? Dir::kClientToServer : Dir::kServerToClient;
      bool dropped = false;
      TamperLink t(client, server, [&](Dir dir, int, std::vector<WireRecord>& records) {
        if (dir != last || dropped) return;
        std::erase_if(records, [&](const WireRecord& r) {
          const bool fin = r.type == rec::ContentType::kHandshake && r.epoch.value == 1;
          dropped = dropped || fin;
          return fin;
        });
      }, session);
      BOOST_TEST_REQUIRE(t.handshake());
      BOOST_TEST(dropped);
      BOOST_TEST(t.client().resumed() == resumed);
      Connection& waiting = resumed ? t.server() : t.client();
      Connection& finished = resumed ? t.client() : t.server();
      BOOST_TEST_MESSAGE("recovered after " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                                   t.link.now.since_origin).count()
                                            << " ms");
      // One timer-driven retransmission of the waiting side draws the last
      // flight again at once.
      BOOST_TEST(waiting.stats().retransmissions == 1u);
      BOOST_TEST(finished.stats().retransmissions == 1u);
    }
  }
}

// RFC 5246 §7.2 and §7.2.2: a session whose connection ended with a fatal
// alert MUST NOT be resumed; its session ID MUST be invalidated. After a
// resumed handshake the client ends with unexpected_message, the same ID
// gets a full handshake. (A ticket cannot be recalled by a stateless server.)
BOOST_AUTO_TEST_CASE(session_is_not_resumable_after_a_fatal_alert) {
  auto client = cert_client(false);
  auto server = resuming_server(false, true);
  test::Link full(client, server);
  BOOST_TEST_REQUIRE(full.handshake());
  const Session session = full.client->session();
  // A forged plaintext Certificate in the place of the server's CCS: the
  // client sends unexpected_message, the server receives it.
  bool forged = false;
  TamperLink t(client, server, [&](Dir dir, int, std::vector<WireRecord>& records) {
    if (dir != Dir::kServerToClient || forged) return;
    for (auto& r : records) {
      if (r.type != rec::ContentType::kChangeCipherSpec) continue;
      forged = true;
      r.bytes = plaintext_record(rec::ContentType::kHandshake, r.seq,
                                 handshake_payload(hs::HandshakeType::kCertificate, 2, {}));
    }
  }, session);
  BOOST_TEST(!t.handshake());
  BOOST_TEST_REQUIRE(forged);
  check_fatal(t.client(), kUnexpectedMessage);
  BOOST_TEST(t.server().alert_received().value_or(255) == kUnexpectedMessage);
  test::Link again(client, server, 3, {}, "server.example", session);
  BOOST_TEST_REQUIRE(again.handshake());
  BOOST_TEST(!again.server->resumed());
}

BOOST_AUTO_TEST_SUITE_END()
