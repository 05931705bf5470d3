// The role targets' harness: one whole DTLS 1.2 Connection (client or
// server) driven by attacker datagrams, shared by fuzz/dtls12_client.cpp,
// fuzz/dtls12_server.cpp and their seed generator fuzz/gen_role_seeds.cpp.
//
// Built only against the fuzzer-mode engine (libcachet_fuzzer_mode.la,
// compiled with CACHET_UNSAFE_FUZZER_MODE): SystemRandom is a seeded stream
// reset per input, record protection is a null cipher (plaintext and a zero
// tag), and signatures and Finished verify_data are not checked, so the
// fuzzer can forge every flight. The clock is fixed: `now` moves only when
// the input fires a timer, and the wall clock is kUnixTime.
//
// Input:
//   byte 0         configuration bits (ClientConfig / ServerConfig below)
//   [client with kResume: u16 length + a serialized Session to offer]
//   then chunks    u16 big-endian length + that many bytes: one datagram
//                  from the peer (cut short at the end of the input); the
//                  length 0xffff alone: time jumps to the next timer, which fires.
// The client sends its ClientHello before the first chunk (the real first
// flight); the server answers whatever the chunks say. Once established the
// victim sends one application record and reads whatever arrives; at the end
// of the input it reports what it negotiated and closes.
#pragma once

#if !defined(CACHET_UNSAFE_FUZZER_MODE)
#error "the role targets need the fuzzer-mode engine (libcachet_fuzzer_mode.la)"
#endif

#include <cachet/cachet.hpp>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/random.hpp"

namespace cachet::fuzz {

inline constexpr int64_t kUnixTime = 1767225600;           // 2026-01-01, as tests/pki assumes
inline constexpr uint64_t kRandomSeed = 0xcac4e7d71501;     // SystemRandom at the start of every input
inline constexpr uint64_t kTicketKeySeed = 0x7469636b6574;  // the servers' shared ticket keys
inline constexpr uint16_t kTimeoutTag = 0xffff;
inline constexpr uint8_t kPeerAddress[6] = {127, 0, 0, 1, 0x9c, 0x40};
inline constexpr char kServerName[] = "server.example";
inline constexpr char kPskIdentity[] = "fuzz-client";
inline constexpr uint8_t kPsk[16] = {0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
                                     0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b};
// Datagrams handled per input: every chunk costs at least two bytes, so this
// only bites on inputs of timer tags; it keeps a run short.
inline constexpr size_t kMaxEvents = 256;

// Byte 0 of a dtls12_client input.
enum ClientConfig : uint8_t {
  kResume = 0x01,          // the first chunk is a Session to offer
  kClientCid = 0x02,       // connection_id(4)
  kClientPsk = 0x04,       // a PSK as well as certificate suites
  kClientAlpnSrtp = 0x08,  // ALPN and DTLS-SRTP offered
  kClientRsl = 0x10,       // record_size_limit(256)
  kClientCert = 0x20,      // a client certificate for CertificateRequest
  kClientSmallMtu = 0x40,  // mtu(300): our flights fragment
  kClientNoTickets = 0x80,
};

// Byte 0 of a dtls12_server input.
enum ServerConfig : uint8_t {
  kCookies = 0x01,         // HelloVerifyRequest exchange (off: ClientHello answered at once)
  kServerCid = 0x02,       // connection_id(4)
  kServerPsk = 0x04,       // a PSK lookup and identity hint as well as the certificate
  kServerAlpnSrtp = 0x08,  // ALPN and DTLS-SRTP accepted
  kServerRsl = 0x10,       // record_size_limit(256)
  kClientAuth = 0x20,      // client_auth(kRequire) against the test root
  kServerSmallMtu = 0x40,  // mtu(300): our flights fragment
  kServerNoTickets = 0x80,
};

// --- the test PKI (tests/pki/p256) -------------------------------------------
// Looked for in $CACHET_FUZZ_PKI, then in cachet_pki/ beside the executable
// (an OSS-Fuzz $OUT), then in the source tree this was built from.
struct Pki {
  std::string server_chain, server_key, client_chain, client_key, root;
  bool ok = false;

  static std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  bool load(const std::filesystem::path& dir) {
    server_chain = read(dir / "server-chain.pem");
    server_key = read(dir / "server.key");
    client_chain = read(dir / "client-chain.pem");
    client_key = read(dir / "client.key");
    root = read(dir / "root.pem");
    return !server_chain.empty() && !server_key.empty() && !client_chain.empty() && !client_key.empty() &&
           !root.empty();
  }
  Pki() {
    std::vector<std::filesystem::path> dirs;
    if (const char* env = std::getenv("CACHET_FUZZ_PKI")) dirs.emplace_back(env);
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) dirs.push_back(exe.parent_path() / "cachet_pki");
#if defined(CACHET_FUZZ_CORPUS_DIR)
    dirs.push_back(std::filesystem::path(CACHET_FUZZ_CORPUS_DIR) / ".." / ".." / "tests" / "pki" / "p256");
#endif
    for (const auto& d : dirs) {
      if (load(d)) {
        ok = true;
        return;
      }
    }
  }
};

inline const Pki& pki() {
  static const Pki p;
  if (!p.ok) {
    std::fprintf(stderr, "dtls12 fuzz: test PKI not found (set CACHET_FUZZ_PKI to tests/pki/p256)\n");
    std::abort();
  }
  return p;
}

// Swaps a stream into SystemRandom for a scope (a peer in the seed
// generator, the shared ticket keys), so that the victim's own stream stays
// exactly what it is when the target replays the input alone.
class RandomScope {
 public:
  explicit RandomScope(DeterministicRandom& stream) : stream_(stream) { std::swap(SystemRandom::fuzzer_stream(), stream_); }
  ~RandomScope() { std::swap(SystemRandom::fuzzer_stream(), stream_); }
  RandomScope(const RandomScope&) = delete;
  RandomScope& operator=(const RandomScope&) = delete;

 private:
  DeterministicRandom& stream_;
};

// One set of ticket keys for every server of the process, made from a fixed
// stream, so a ticket recorded in a seed opens when the seed is replayed.
inline std::shared_ptr<TicketKeys> shared_ticket_keys() {
  static const std::shared_ptr<TicketKeys> keys = [] {
    DeterministicRandom stream(kTicketKeySeed);
    RandomScope scope(stream);
    auto k = std::make_shared<TicketKeys>();
    k->rotate(kUnixTime);
    return k;
  }();
  return keys;
}

inline std::shared_ptr<const Context> must_build(ContextBuilder& b) {
  auto ctx = b.build();
  if (!ctx) {
    std::fprintf(stderr, "dtls12 fuzz: context: %s\n", ctx.error().what());
    std::abort();
  }
  return std::move(ctx).value();
}

inline std::shared_ptr<const Context> client_context(uint8_t config) {
  const Pki& p = pki();
  ContextBuilder b(Role::kClient);
  b.ca_pem(p.root).wall_clock([] { return kUnixTime; }).peer_chain_cache(0);
  if (config & kClientCid) b.connection_id(4);
  if (config & kClientPsk) b.psk(kPskIdentity, kPsk);
  if (config & kClientAlpnSrtp) b.alpn({"webrtc", "h2"}).srtp_profiles("SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM");
  if (config & kClientRsl) b.record_size_limit(256);
  if (config & kClientCert) b.certificate_chain_pem(p.client_chain).private_key_pem(p.client_key);
  if (config & kClientSmallMtu) b.mtu(300);
  if (config & kClientNoTickets) b.session_tickets(false);
  return must_build(b);
}

inline std::shared_ptr<const Context> server_context(uint8_t config) {
  const Pki& p = pki();
  ContextBuilder b(Role::kServer);
  b.certificate_chain_pem(p.server_chain).private_key_pem(p.server_key);
  b.wall_clock([] { return kUnixTime; }).peer_chain_cache(0).ticket_keys(shared_ticket_keys());
  b.cookie_exchange((config & kCookies) != 0);
  if (config & kServerCid) b.connection_id(4);
  if (config & kServerPsk) {
    b.psk_lookup(
        [](std::string_view identity) -> std::optional<std::vector<uint8_t>> {
          if (identity != kPskIdentity) return std::nullopt;
          return std::vector<uint8_t>(std::begin(kPsk), std::end(kPsk));
        },
        "fuzz-hint");
  }
  if (config & kServerAlpnSrtp) b.alpn({"h2", "webrtc"}).srtp_profiles("SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80");
  if (config & kServerRsl) b.record_size_limit(256);
  if (config & kClientAuth) b.client_auth(ClientAuth::kRequire).ca_pem(p.root);
  if (config & kServerSmallMtu) b.mtu(300);
  if (config & kServerNoTickets) b.session_tickets(false);
  return must_build(b);
}

// --- input -------------------------------------------------------------------

struct Reader {
  const uint8_t* p;
  size_t left;
  bool empty() const { return left == 0; }
  uint16_t u16() {
    uint16_t v = 0;
    for (int i = 0; i < 2 && left > 0; ++i, --left) v = static_cast<uint16_t>(v << 8 | *p++);
    return v;
  }
  std::vector<uint8_t> bytes(size_t n) {
    if (n > left) n = left;
    std::vector<uint8_t> out(p, p + n);
    p += n;
    left -= n;
    return out;
  }
};

// Appends one chunk to a seed.
inline void append_chunk(std::vector<uint8_t>& seed, const std::vector<uint8_t>& bytes) {
  seed.push_back(static_cast<uint8_t>(bytes.size() >> 8));
  seed.push_back(static_cast<uint8_t>(bytes.size()));
  seed.insert(seed.end(), bytes.begin(), bytes.end());
}
inline void append_timeout(std::vector<uint8_t>& seed) {
  seed.push_back(kTimeoutTag >> 8);
  seed.push_back(kTimeoutTag & 0xff);
}

// --- the victim --------------------------------------------------------------

// A Connection with the harness's fixed behaviour around it. `sent`, when
// given, collects every datagram the victim sends (the seed generator
// delivers them to its peer).
class Victim {
 public:
  static constexpr uint8_t kPing[] = {'p', 'i', 'n', 'g'};

  // Reseeds SystemRandom: call first for each input.
  Victim(Role role, uint8_t config, const Session& session, std::vector<std::vector<uint8_t>>* sent)
      : sent_(sent) {
    SystemRandom::fuzzer_stream().reseed(kRandomSeed);
    if (role == Role::kClient) {
      auto c = Connection::client(client_context(config), kServerName, session);
      if (c) conn_ = std::move(c).value();
    } else {
      auto c = Connection::server(server_context(config), kPeerAddress);
      if (c) conn_ = std::move(c).value();
    }
  }

  bool ok() const { return conn_ != nullptr; }
  Connection& conn() { return *conn_; }

  void start() {
    (void)conn_->start(now_);
    after_event();
  }

  void on_datagram(std::vector<uint8_t> datagram) {
    conn_->handle_datagram(datagram, now_);
    after_event();
  }

  void on_timeout() {
    auto t = conn_->next_timeout();
    if (!t) return;
    if (*t > now_) now_ = *t;
    conn_->handle_timeout(now_);
    after_event();
  }

  // End of input: what a program would ask of an established connection,
  // then close_notify.
  void finish() {
    if (conn_->is_established()) {
      (void)conn_->cipher_suite_name();
      (void)conn_->alpn();
      (void)conn_->srtp_keys();
      (void)conn_->export_keying_material("EXPERIMENTAL-cachet-fuzz", 32);
      (void)conn_->session().serialize();
      (void)conn_->peer_certificates();
      (void)conn_->peer_connection_id();
      (void)conn_->max_write_size();
    }
    conn_->close();
    drain();
  }

 private:
  void drain() {
    std::vector<uint8_t> d;
    while (conn_->poll_transmit(d)) {
      if (sent_ != nullptr) sent_->push_back(d);
    }
  }
  void after_event() {
    drain();
    if (!conn_->is_established()) return;
    if (!wrote_) {
      wrote_ = true;
      (void)conn_->write(kPing);
      drain();
    }
    std::vector<uint8_t> r;
    while (conn_->read(r)) {
    }
  }

  std::unique_ptr<Connection> conn_;
  std::vector<std::vector<uint8_t>>* sent_;
  Instant now_{std::chrono::seconds(1000)};
  bool wrote_ = false;
};

// Runs one input against a victim of `role`; true when the victim was
// established at some point (the seed generator checks its seeds do that).
inline bool run_input(Role role, const uint8_t* data, size_t size) {
  if (size < 1) return false;
  Reader in{data + 1, size - 1};
  const uint8_t config = data[0];
  Session session;
  if (role == Role::kClient && (config & kResume)) {
    auto bytes = in.bytes(in.u16());
    if (auto s = Session::parse(bytes)) session = std::move(s).value();
  }
  Victim victim(role, config, session, nullptr);
  if (!victim.ok()) return false;
  victim.start();
  bool established = false;
  for (size_t events = 0; !in.empty() && events < kMaxEvents; ++events) {
    const uint16_t len = in.u16();
    if (len == kTimeoutTag) {
      victim.on_timeout();
    } else {
      victim.on_datagram(in.bytes(len));
    }
    established |= victim.conn().is_established();
  }
  victim.finish();
  return established;
}

}  // namespace cachet::fuzz
