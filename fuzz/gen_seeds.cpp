// Writes the seed corpora of the fuzz targets from real sealed records (run by
// `make fuzz-seeds`; the output is committed under fuzz/corpus/).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <cachet/cachet.hpp>

#include <deque>
#include <map>

#include "fuzz_keys.hpp"
#include "handshake/handshake_header.hpp"
#include "handshake/types.hpp"
#include "record/header.hpp"
#include "record/record_layer.hpp"

namespace fs = std::filesystem;
using namespace cachet;

static void write_seed(const fs::path& dir, const std::string& name, const Bytes& bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

static Bytes seal_records(record::RecordLayer& layer, record::Epoch epoch, record::ContentType type, int count,
                          size_t payload_size) {
  Bytes datagram;
  for (int i = 0; i < count; ++i) {
    Bytes payload(payload_size, static_cast<uint8_t>(0x40 + i));
    Bytes out(payload_size + 128);
    auto n = layer.seal(epoch, type, payload, out);
    if (!n) __builtin_trap();
    datagram.insert(datagram.end(), out.begin(), out.begin() + static_cast<ptrdiff_t>(*n));
  }
  return datagram;
}

// --- handshake_messages seeds from real handshakes ---------------------------
// Every whole plaintext handshake message of a real exchange (full, resumed
// by ID and by ticket, with CIDs, raw public keys and record_size_limit),
// prefixed with the handshake_messages selector byte of its parser.

struct Exchange {
  std::vector<Bytes> client_to_server, server_to_client;
  std::unique_ptr<Connection> client, server;
};

static Exchange run_exchange(std::shared_ptr<const Context> cctx, std::shared_ptr<const Context> sctx,
                             const Session& session = {}) {
  Exchange x;
  x.client = std::move(Connection::client(std::move(cctx), "server.example", session)).value();
  const uint8_t addr[6] = {127, 0, 0, 1, 0x9c, 0x40};
  x.server = std::move(Connection::server(std::move(sctx), addr)).value();
  Instant now{};
  if (!x.client->start(now)) __builtin_trap();
  for (int round = 0; round < 20; ++round) {
    bool moved = false;
    while (auto d = x.client->poll_transmit()) {
      x.client_to_server.push_back(*d);
      x.server->handle_datagram(*d, now);
      moved = true;
    }
    while (auto d = x.server->poll_transmit()) {
      x.server_to_client.push_back(*d);
      x.client->handle_datagram(*d, now);
      moved = true;
    }
    if (!moved) break;
  }
  if (!x.client->is_established() || !x.server->is_established()) __builtin_trap();
  return x;
}

// The selector of fuzz/handshake_messages.cpp for a message type.
static std::optional<uint8_t> selector_for(handshake::HandshakeType t, bool raw_key) {
  using T = handshake::HandshakeType;
  switch (t) {
    case T::kClientHello: return 0;
    case T::kHelloVerifyRequest: return 1;
    case T::kServerHello: return 2;
    case T::kCertificate: return raw_key ? 4 : 3;
    case T::kServerKeyExchange: return 5;  // ECDHE
    case T::kCertificateRequest: return 8;
    case T::kServerHelloDone: return 9;
    case T::kClientKeyExchange: return 11;  // ECDHE
    case T::kCertificateVerify: return 10;
    case T::kNewSessionTicket: return 15;
    default: return std::nullopt;
  }
}

static int write_messages(const fs::path& dir, const std::string& prefix, const std::vector<Bytes>& datagrams,
                          bool raw_key) {
  int n = 0;
  for (const Bytes& d : datagrams) {
    ByteReader r(d);
    while (!r.empty()) {
      auto parsed = record::parse_record(r, 0);
      if (parsed.status != record::ParseStatus::kOk) break;
      const auto& h = parsed.record.header;
      if (h.type != record::ContentType::kHandshake || h.epoch.value != 0) continue;
      ByteReader body(parsed.record.fragment);
      while (!body.empty()) {
        auto f = handshake::read_fragment(body);
        if (!f) break;
        if (f->header.fragment_offset != 0 || f->header.fragment_length != f->header.length) continue;
        auto sel = selector_for(f->header.type, raw_key);
        if (!sel) continue;
        Bytes seed(1 + f->body.size());
        seed[0] = *sel;
        std::copy(f->body.begin(), f->body.end(), seed.begin() + 1);
        write_seed(dir, prefix + "-" + std::to_string(n++), seed);
      }
    }
  }
  return n;
}

static std::shared_ptr<const Context> must(Result<std::shared_ptr<const Context>> r) {
  if (!r) {
    std::fprintf(stderr, "gen_seeds: %s\n", r.error().what());
    std::exit(1);
  }
  return std::move(r).value();
}

static int handshake_seeds(const fs::path& root, const std::string& pki) {
  const fs::path dir = root / "handshake_messages";
  auto server = [&](ContextBuilder b) {
    b.certificate_file(pki + "/p256/server-chain.pem").private_key_file(pki + "/p256/server.key");
    return b;
  };
  auto client = [&] { return std::move(ContextBuilder(Role::kClient).ca_file(pki + "/p256/root.pem")); };
  int n = 0;
  // Full handshake then resumption by ticket, and by session ID only.
  for (bool tickets : {true, false}) {
    auto sctx = must(server(ContextBuilder(Role::kServer)).session_tickets(tickets).connection_id(8).record_size_limit(512).build());
    auto cctx = must(client().connection_id(4).record_size_limit(256).build());
    Exchange full = run_exchange(cctx, sctx);
    const std::string tag = tickets ? "ticket" : "session-id";
    n += write_messages(dir, "real-full-" + tag + "-c", full.client_to_server, false);
    n += write_messages(dir, "real-full-" + tag + "-s", full.server_to_client, false);
    Exchange resumed = run_exchange(cctx, sctx, full.client->session());
    if (!resumed.client->resumed()) __builtin_trap();
    n += write_messages(dir, "real-resumed-" + tag + "-c", resumed.client_to_server, false);
    n += write_messages(dir, "real-resumed-" + tag + "-s", resumed.server_to_client, false);
  }
  // Raw public keys both ways.
  {
    auto sctx = must(ContextBuilder(Role::kServer)
                         .private_key_file(pki + "/p256/server.key")
                         .raw_public_key(true)
                         .client_auth(ClientAuth::kRequire)
                         .pin_public_key_file(pki + "/p256/client.pub")
                         .build());
    auto cctx = must(ContextBuilder(Role::kClient)
                         .private_key_file(pki + "/p256/client.key")
                         .raw_public_key(true)
                         .pin_public_key_file(pki + "/p256/server.pub")
                         .build());
    Exchange x = run_exchange(cctx, sctx);
    n += write_messages(dir, "real-rpk-c", x.client_to_server, true);
    n += write_messages(dir, "real-rpk-s", x.server_to_client, true);
  }
  std::printf("wrote %d handshake message seeds to %s\n", n, dir.c_str());
  return n;
}

int main(int argc, char** argv) {
  const fs::path root = argc > 1 ? argv[1] : "fuzz/corpus";
  const std::string pki = argc > 2 ? argv[2] : "tests/pki";
  handshake_seeds(root, pki);
  const fs::path dir = root / "record_open";
  int n = 0;
  for (size_t a = 0; a < std::size(fuzz::kFuzzAeads); ++a) {
    for (int cid = 0; cid < 2; ++cid) {
      record::RecordLayer sender;
      if (cid) (void)sender.set_send_cid(fuzz::kFuzzCid);
      Bytes plain = seal_records(sender, record::Epoch(0), record::ContentType::kHandshake, 2, 20);
      (void)sender.install_write_epoch(record::Epoch(1), fuzz::fuzz_protection(fuzz::kFuzzAeads[a]));
      Bytes early = seal_records(sender, record::Epoch(1), record::ContentType::kHandshake, 1, 12);
      Bytes data = seal_records(sender, record::Epoch(1), record::ContentType::kApplicationData, 3, 30);
      Bytes alert = seal_records(sender, record::Epoch(1), record::ContentType::kAlert, 1, 2);
      // Layout: config byte, split byte, first datagram (epoch 0 + early epoch 1), second datagram.
      Bytes first = plain;
      first.insert(first.end(), early.begin(), early.end());
      Bytes seed = {static_cast<uint8_t>(a << 1 | static_cast<size_t>(cid)), static_cast<uint8_t>(first.size() > 255 ? 255 : first.size())};
      if (first.size() > 255) first.resize(255);
      seed.insert(seed.end(), first.begin(), first.end());
      seed.insert(seed.end(), data.begin(), data.end());
      seed.insert(seed.end(), alert.begin(), alert.end());
      write_seed(dir, "seed-" + std::to_string(n++), seed);
    }
  }
  std::printf("wrote %d seeds to %s\n", n, dir.c_str());
  return 0;
}
