// Writes the seed corpora of the role targets (fuzz/dtls12_client,
// fuzz/dtls12_server) from real handshakes in fuzzer mode: the victim is the
// target's own harness (fuzz/dtls12_role.hpp), the peer a second Connection
// whose SystemRandom stream is swapped in around each of its calls, so the
// victim draws exactly what it draws when the target replays the seed alone.
// Each seed is checked by replaying it (the victim must get established).
// Run by `make fuzz-seeds`; the output is committed under fuzz/corpus/.
//
// Usage: gen_role_seeds [CORPUS_ROOT]   (default fuzz/corpus)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "dtls12_role.hpp"

namespace fs = std::filesystem;
using namespace cachet;
using namespace cachet::fuzz;

namespace {

void write_seed(const fs::path& dir, const std::string& name, const std::vector<uint8_t>& bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

struct Options {
  Session victim_offer;                // victim client: the session it offers
  Session peer_offer;                  // peer client: the session it offers
  bool timeout_first = false;          // a timer fires before the first peer datagram
  bool timeout_after_first = false;    // ... and after it
};

struct Recorded {
  std::vector<uint8_t> seed;
  Session victim_session, peer_session;
  int datagrams = 0;
  bool resumed = false;
  std::string suite;
};

// One exchange between the victim (role, config) and a peer made from
// `peer_ctx`; the seed holds the peer's datagrams as the target reads them.
Recorded record(Role role, uint8_t config, const std::shared_ptr<const Context>& peer_ctx, const Options& opt) {
  static DeterministicRandom peer_stream(0x70656572);
  Recorded r;
  r.seed.push_back(config);
  if (role == Role::kClient && (config & kResume)) append_chunk(r.seed, opt.victim_offer.serialize());

  std::vector<std::vector<uint8_t>> to_peer;
  Victim victim(role, config, opt.victim_offer, &to_peer);
  if (!victim.ok()) std::abort();
  const Instant now{std::chrono::seconds(1000)};
  std::unique_ptr<Connection> peer;
  {
    RandomScope scope(peer_stream);
    peer = role == Role::kClient ? std::move(Connection::server(peer_ctx, kPeerAddress)).value()
                                 : std::move(Connection::client(peer_ctx, kServerName, opt.peer_offer)).value();
    if (role == Role::kServer && !peer->start(now)) std::abort();
  }
  victim.start();
  if (opt.timeout_first) {
    append_timeout(r.seed);
    victim.on_timeout();
  }
  bool replied = false;
  int delivered = 0;
  for (int round = 0; round < 40; ++round) {
    std::vector<std::vector<uint8_t>> to_victim;
    {
      RandomScope scope(peer_stream);
      for (auto& d : to_peer) peer->handle_datagram(d, now);
      to_peer.clear();
      std::vector<uint8_t> data;
      bool got = false;
      while (peer->read(data)) got = true;
      if (got && !replied && peer->is_established()) {
        static constexpr uint8_t kPong[] = {'p', 'o', 'n', 'g'};
        (void)peer->write(kPong);
        peer->close();
        replied = true;
      }
      std::vector<uint8_t> d;
      while (peer->poll_transmit(d)) to_victim.push_back(d);
    }
    if (to_victim.empty()) break;
    for (auto& d : to_victim) {
      append_chunk(r.seed, d);
      victim.on_datagram(d);
      if (++delivered == 1 && opt.timeout_after_first) {
        append_timeout(r.seed);
        victim.on_timeout();
      }
    }
  }
  r.datagrams = delivered;
  r.resumed = victim.conn().resumed();
  r.suite = victim.conn().cipher_suite_name();
  r.victim_session = victim.conn().session();
  r.peer_session = peer->session();
  victim.finish();
  return r;
}

std::shared_ptr<const Context> build(ContextBuilder& b) {
  static DeterministicRandom stream(0x637478);
  RandomScope scope(stream);
  return must_build(b);
}

// Peers: a server for the client target, a client for the server target.
std::shared_ptr<const Context> peer_server(bool cookies, bool cid_alpn_rsl, bool client_auth, bool psk_only) {
  const Pki& p = pki();
  ContextBuilder b(Role::kServer);
  if (!psk_only) b.certificate_chain_pem(p.server_chain).private_key_pem(p.server_key);
  b.wall_clock([] { return kUnixTime; }).cookie_exchange(cookies);
  if (cid_alpn_rsl) {
    b.connection_id(4).alpn({"webrtc"}).srtp_profiles("SRTP_AES128_CM_SHA1_80").record_size_limit(512);
  }
  if (client_auth) b.client_auth(ClientAuth::kRequire).ca_pem(p.root);
  if (psk_only) {
    b.psk_lookup([](std::string_view) { return std::optional<std::vector<uint8_t>>(std::vector<uint8_t>(std::begin(kPsk), std::end(kPsk))); },
                 "fuzz-hint");
  }
  return build(b);
}

std::shared_ptr<const Context> peer_client(bool cid_alpn_rsl, bool client_cert, bool psk_only) {
  const Pki& p = pki();
  ContextBuilder b(Role::kClient);
  b.wall_clock([] { return kUnixTime; });
  if (psk_only) {
    b.psk(kPskIdentity, kPsk).cipher_suites("ECDHE-PSK-AES128-GCM-SHA256:PSK-AES128-CCM8");
  } else {
    b.ca_pem(p.root);
  }
  if (cid_alpn_rsl) b.connection_id(4).alpn({"h2"}).srtp_profiles("SRTP_AEAD_AES_128_GCM").record_size_limit(300);
  if (client_cert) b.certificate_chain_pem(p.client_chain).private_key_pem(p.client_key);
  return build(b);
}

int write_checked(const fs::path& dir, Role role, const std::string& name, const Recorded& r) {
  if (!run_input(role, r.seed.data(), r.seed.size())) {
    std::fprintf(stderr, "gen_role_seeds: %s/%s does not get the victim established on replay\n",
                 dir.filename().c_str(), name.c_str());
    std::exit(1);
  }
  write_seed(dir, name, r.seed);
  std::printf("  %s/%s: %zu bytes, %d peer datagrams, %s%s\n", dir.filename().c_str(), name.c_str(), r.seed.size(),
              r.datagrams, r.suite.c_str(), r.resumed ? ", resumed" : "");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path root = argc > 1 ? argv[1] : "fuzz/corpus";
  int n = 0;
  {
    const fs::path dir = root / "dtls12_client";
    const Role role = Role::kClient;
    auto server = peer_server(true, false, false, false);
    Recorded full = record(role, 0, server, {});
    n += write_checked(dir, role, "full-hvr", full);
    n += write_checked(dir, role, "resumed",
                       record(role, kResume, server, {.victim_offer = full.victim_session}));
    n += write_checked(dir, role, "cid-alpn-srtp-rsl",
                       record(role, kClientCid | kClientAlpnSrtp | kClientRsl, peer_server(false, true, false, false), {}));
    n += write_checked(dir, role, "client-auth", record(role, kClientCert, peer_server(false, false, true, false), {}));
    n += write_checked(dir, role, "psk", record(role, kClientPsk, peer_server(false, false, false, true), {}));
    n += write_checked(dir, role, "small-mtu-retransmit",
                       record(role, kClientSmallMtu, server, {.timeout_first = true}));
  }
  {
    const fs::path dir = root / "dtls12_server";
    const Role role = Role::kServer;
    auto client = peer_client(false, false, false);
    Recorded full = record(role, kCookies, client, {});
    n += write_checked(dir, role, "full-cookie", full);
    n += write_checked(dir, role, "resumed-ticket", record(role, kCookies, client, {.peer_offer = full.peer_session}));
    n += write_checked(dir, role, "cid-alpn-srtp-rsl",
                       record(role, kServerCid | kServerAlpnSrtp | kServerRsl, peer_client(true, false, false), {}));
    n += write_checked(dir, role, "client-auth",
                       record(role, kClientAuth | kCookies, peer_client(false, true, false), {}));
    n += write_checked(dir, role, "psk", record(role, kServerPsk, peer_client(false, false, true), {}));
    n += write_checked(dir, role, "small-mtu-retransmit",
                       record(role, kServerSmallMtu, client, {.timeout_after_first = true}));
  }
  std::printf("wrote %d role seeds under %s\n", n, root.c_str());
  return 0;
}
