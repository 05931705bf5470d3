// Seed inputs for every fuzz target from recorded test transcripts: the
// datagrams CACHET_RECORD_DATAGRAMS=DIR makes tests/netsim/netsim.cpp write
// (the netsim unit tests, the interop harness against OpenSSL and GnuTLS,
// `cachet proxy`). scripts/fuzz-corpus runs it and merges the result into
// fuzz/corpus/ (fuzz/README.md, "Seeds from test transcripts").
//
// Usage: corpus_from_transcripts OUT_DIR RECORDING_DIR...
//
// A recording file is named <pid>-<network>-<n>-<from>to<to>.dgram; an
// association is (pid, network, address pair), its datagrams in order n.
// What goes where the first ClientHello went is the client's; a new
// ClientHello random starts a new handshake. For each handshake this
// writes, in each target's own input format:
//   record_open         every datagram (config byte: the negotiated AEAD, and
//                       CID on when it carries tls12_cid records, rewritten
//                       to the target's CID; split byte: the leading epoch-0
//                       records when they fit)
//   reassembler         each side's epoch-0 handshake fragments, in order
//   handshake_messages  each whole epoch-0 message behind its parser's
//                       selector, and the hello extension blocks
//   pki_load            the certificates of Certificate messages (DER, PEM,
//                       chain PEM; SPKI for raw public keys)
//   shim_api            one side's datagrams fed to the shim in the other role
//   dtls12_client       the server's datagrams; dtls12_server the client's:
//                       once as recorded, and once repaired for the fuzzer-mode
//                       engine (below)
//
// This program links the fuzzer-mode engine and runs each repaired role seed
// through the role harness while it builds it, to learn what the victim
// chose (its CID, its cookie, its suite). Real records of epoch 1 do not
// decrypt under the null cipher, so the repair rewrites them in null-cipher
// form: a handshake record becomes a Finished (any verify_data passes), an
// alert a close_notify, application data stays the ciphertext bytes as
// plaintext; CIDs become the victim's; a ClientHello's cookie becomes the
// victim's and its supported_groups lead with the recorded key share's
// group; a PSK ClientKeyExchange gets the harness's identity; a Certificate
// becomes the test PKI's chain (tests/pki/p256), so that validation passes
// as signatures are not checked. Seeds are de-duplicated by shape (record
// and message types and sizes), not content: two runs of one test differ
// only in random bytes.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "dtls12_role.hpp"
#include "fuzz_keys.hpp"
#include "handshake/cipher_suites.hpp"
#include "handshake/handshake_header.hpp"
#include "handshake/messages.hpp"
#include "pki/certificate.hpp"
#include "record/header.hpp"
#include "record/protection.hpp"

namespace fs = std::filesystem;
using namespace cachet;
using handshake::HandshakeType;
using record::ContentType;

namespace {

// --- recordings --------------------------------------------------------------

struct Address {
  uint32_t host = 0;
  unsigned port = 0;
  friend auto operator<=>(const Address&, const Address&) = default;
};

struct Captured {
  unsigned network = 0, n = 0;
  long pid = 0;
  Address from, to;
  Bytes bytes;
};

std::optional<Captured> read_capture(const fs::path& path) {
  Captured c;
  char tail = 0;
  const std::string name = path.filename().string();
  if (std::sscanf(name.c_str(), "%ld-%u-%u-%x.%uto%x.%u.dgra%c", &c.pid, &c.network, &c.n, &c.from.host, &c.from.port,
                  &c.to.host, &c.to.port, &tail) != 8 ||
      tail != 'm') {
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  c.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return c;
}

using AssociationKey = std::tuple<long, unsigned, Address, Address>;

// An association is the pair of addresses, except where a sender never
// receives: `cachet proxy` sends both directions from {client id, 0}, to
// {id, 1} towards the server and {id, 2} towards the client.
std::map<AssociationKey, std::vector<Captured>> read_associations(const std::vector<fs::path>& dirs, size_t& files) {
  std::vector<Captured> all;
  std::set<std::tuple<long, unsigned, Address>> receivers;
  for (const fs::path& dir : dirs) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      auto c = read_capture(entry.path());
      if (!c) continue;
      receivers.emplace(c->pid, c->network, c->to);
      all.push_back(std::move(*c));
    }
  }
  files = all.size();
  std::map<AssociationKey, std::vector<Captured>> out;
  for (Captured& c : all) {
    const bool proxy = !receivers.contains({c.pid, c.network, c.from});
    AssociationKey key{c.pid, c.network, proxy ? c.from : std::min(c.from, c.to),
                       proxy ? c.from : std::max(c.from, c.to)};
    out[key].push_back(std::move(c));
  }
  for (auto& [key, list] : out) {
    std::sort(list.begin(), list.end(), [](const Captured& a, const Captured& b) { return a.n < b.n; });
  }
  return out;
}

// --- wire helpers ------------------------------------------------------------

// The records of a datagram, as far as they parse.
std::vector<record::RawRecord> records_of(ByteSpan datagram, size_t cid_size) {
  std::vector<record::RawRecord> out;
  ByteReader r(datagram);
  for (;;) {
    auto p = record::parse_record(r, cid_size);
    if (p.status != record::ParseStatus::kOk) break;
    out.push_back(p.record);
  }
  return out;
}

std::vector<handshake::Fragment> fragments_of(ByteSpan record_body) {
  std::vector<handshake::Fragment> out;
  ByteReader r(record_body);
  while (!r.empty()) {
    auto f = handshake::read_fragment(r);
    if (!f) break;
    out.push_back(*f);
  }
  return out;
}

bool is_plain_handshake(const record::RecordHeader& h) {
  return h.type == ContentType::kHandshake && h.epoch.value == 0;
}

bool is_whole(const handshake::Fragment& f) {
  return f.header.fragment_offset == 0 && f.header.fragment_length == f.header.length;
}

void append(Bytes& out, ByteSpan bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }

Bytes record_bytes(const record::RawRecord& rec) {
  Bytes out(rec.header_bytes.begin(), rec.header_bytes.end());
  append(out, rec.fragment);
  return out;
}

Bytes make_record(record::RecordHeader h, ByteSpan cid, ByteSpan fragment) {
  h.cid = cid;
  h.type = cid.empty() ? (h.type == ContentType::kTls12Cid ? ContentType::kApplicationData : h.type)
                       : ContentType::kTls12Cid;
  h.length = static_cast<uint16_t>(fragment.size());
  ByteWriter w;
  record::write_header(w, h);
  w.bytes(fragment);
  auto out = w.take();
  return out ? std::move(*out) : Bytes{};
}

Bytes make_fragment(HandshakeType type, uint16_t seq, ByteSpan body) {
  ByteWriter w;
  handshake::write_fragment_header(w, handshake::FragmentHeader{type, static_cast<uint32_t>(body.size()), seq, 0,
                                                                static_cast<uint32_t>(body.size())});
  w.bytes(body);
  auto out = w.take();
  return out ? std::move(*out) : Bytes{};
}

// ClientHello: the random (bytes 2..34 of the body) tells handshakes apart.
std::optional<Bytes> client_hello_random(ByteSpan datagram) {
  for (const auto& rec : records_of(datagram, 0)) {
    if (!is_plain_handshake(rec.header)) continue;
    for (const auto& f : fragments_of(rec.fragment)) {
      if (f.header.type == HandshakeType::kClientHello && f.header.fragment_offset == 0 && f.body.size() >= 34) {
        return Bytes(f.body.begin() + 2, f.body.begin() + 34);
      }
    }
  }
  return std::nullopt;
}

// The raw extensions block of a hello body (what follows the fixed fields).
std::optional<Bytes> hello_extensions_block(ByteSpan body, bool client) {
  ByteReader r(body);
  if (!r.skip(34) || !r.prefixed_bytes8()) return std::nullopt;
  if (client) {
    if (!r.prefixed_bytes8() || !r.prefixed_bytes16() || !r.prefixed_bytes8()) return std::nullopt;
  } else if (!r.skip(3)) {
    return std::nullopt;
  }
  if (r.empty()) return std::nullopt;
  ByteSpan rest = r.rest();
  return Bytes(rest.begin(), rest.end());
}

// --- one handshake -----------------------------------------------------------

struct Wire {
  bool from_client;
  Bytes bytes;
};

struct Message {
  bool from_client;
  HandshakeType type;
  Bytes body;
};

struct Handshake {
  std::vector<Wire> datagrams;
  std::vector<Message> messages;  // whole epoch-0 messages, once per (side, message_seq)
  Bytes client_random;
  std::optional<handshake::ClientHello> client_hello;
  std::optional<handshake::ServerHello> server_hello;
  bool hello_verify = false, certificate_request = false;

  // RFC 9146 §3: a record carries the CID its receiver asked for in its hello.
  size_t cid_size_to(bool to_client) const {
    const auto* hello = to_client ? (client_hello ? &client_hello->extensions : nullptr)
                                  : (server_hello ? &server_hello->extensions : nullptr);
    return hello != nullptr && hello->connection_id ? hello->connection_id->size() : 0;
  }
  const handshake::CipherSuite* suite() const {
    return server_hello ? handshake::find_cipher_suite(server_hello->cipher_suite) : nullptr;
  }
  bool psk() const { return suite() != nullptr && suite()->key_exchange != handshake::KeyExchangeKind::kEcdhe; }
  handshake::CertificateType certificate_type(bool of_client) const {
    if (!server_hello) return handshake::CertificateType::kX509;
    const auto& types = of_client ? server_hello->extensions.client_certificate_types
                                  : server_hello->extensions.server_certificate_types;
    return types && !types->empty() ? static_cast<handshake::CertificateType>(types->front())
                                    : handshake::CertificateType::kX509;
  }
};

// Reassembles each side's epoch-0 messages (fragments may be split across
// records and datagrams, and retransmitted).
class MessageAssembler {
 public:
  void add(bool from_client, const handshake::Fragment& f, Handshake& hs) {
    auto& side = pending_[from_client];
    Pending& p = side[f.header.message_seq];
    if (p.done) return;
    if (p.body.empty() && p.have.empty()) {
      p.type = f.header.type;
      p.body.assign(f.header.length, 0);
      p.have.assign(f.header.length, false);
    }
    if (p.type != f.header.type || p.body.size() != f.header.length) return;
    for (uint32_t i = 0; i < f.header.fragment_length; ++i) {
      p.body[f.header.fragment_offset + i] = f.body[i];
      if (!p.have[f.header.fragment_offset + i]) {
        p.have[f.header.fragment_offset + i] = true;
        ++p.count;
      }
    }
    if (p.count != p.body.size()) return;
    p.done = true;
    on_message(Message{from_client, p.type, p.body}, hs);
  }

 private:
  struct Pending {
    HandshakeType type{};
    Bytes body;
    std::vector<bool> have;
    size_t count = 0;
    bool done = false;
  };

  static void on_message(Message m, Handshake& hs) {
    switch (m.type) {
      case HandshakeType::kClientHello:
        if (auto ch = handshake::ClientHello::parse(m.body); ch && !hs.client_hello) hs.client_hello = std::move(*ch);
        break;
      case HandshakeType::kServerHello:
        if (auto sh = handshake::ServerHello::parse(m.body); sh && !hs.server_hello) hs.server_hello = std::move(*sh);
        break;
      case HandshakeType::kHelloVerifyRequest: hs.hello_verify = true; break;
      case HandshakeType::kCertificateRequest: hs.certificate_request = true; break;
      default: break;
    }
    hs.messages.push_back(std::move(m));
  }

  std::map<uint16_t, Pending> pending_[2];
};

std::vector<Handshake> split_handshakes(const std::vector<Captured>& list) {
  // The direction of a datagram is where it goes: to where the first
  // ClientHello went, it is the client's.
  Address server = list.front().to;
  for (const Captured& c : list) {
    if (client_hello_random(c.bytes)) {
      server = c.to;
      break;
    }
  }
  std::vector<Handshake> out;
  MessageAssembler assembler;
  for (const Captured& c : list) {
    const bool from_client = c.to == server;
    if (from_client) {
      auto random = client_hello_random(c.bytes);
      if (random && !out.empty() && !out.back().client_random.empty() && *random != out.back().client_random) {
        out.emplace_back();
        assembler = MessageAssembler();
      }
      if (random && (out.empty() || out.back().client_random.empty())) {
        if (out.empty()) out.emplace_back();
        out.back().client_random = *random;
      }
    }
    if (out.empty()) out.emplace_back();
    Handshake& hs = out.back();
    hs.datagrams.push_back(Wire{from_client, c.bytes});
    for (const auto& rec : records_of(c.bytes, hs.cid_size_to(!from_client))) {
      if (!is_plain_handshake(rec.header)) continue;
      for (const auto& f : fragments_of(rec.fragment)) assembler.add(from_client, f, hs);
    }
  }
  return out;
}

// --- output ------------------------------------------------------------------

class Output {
 public:
  explicit Output(fs::path root) : root_(std::move(root)) {}

  // Writes `seed` for `target` unless a seed of the same shape was written.
  bool write(const std::string& target, const std::string& shape, const Bytes& seed) {
    if (seed.empty() || !shapes_[target].insert(shape).second) return false;
    uint64_t h = 0xcbf29ce484222325;  // FNV-1a, for a stable file name
    for (uint8_t b : seed) h = (h ^ b) * 0x100000001b3;
    char name[32];
    std::snprintf(name, sizeof name, "tr-%016llx", static_cast<unsigned long long>(h));
    const fs::path dir = root_ / target;
    fs::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(seed.data()), static_cast<std::streamsize>(seed.size()));
    ++counts_[target];
    return true;
  }
  const std::map<std::string, size_t>& counts() const { return counts_; }

 private:
  fs::path root_;
  std::map<std::string, std::set<std::string>> shapes_;
  std::map<std::string, size_t> counts_;
};

// A shape: the sizes and types that make two inputs equivalent for coverage.
std::string datagram_shape(ByteSpan datagram, size_t cid_size) {
  std::string s;
  for (const auto& rec : records_of(datagram, cid_size)) {
    s += std::to_string(static_cast<int>(rec.header.type)) + "/" + std::to_string(rec.header.epoch.value) + "/" +
         std::to_string(rec.header.length);
    if (is_plain_handshake(rec.header)) {
      for (const auto& f : fragments_of(rec.fragment)) {
        s += ":" + std::to_string(static_cast<int>(f.header.type)) + "." + std::to_string(f.header.fragment_offset) +
             "." + std::to_string(f.header.fragment_length) + "." + std::to_string(f.header.length);
      }
    }
    s += ",";
  }
  return s + "|" + std::to_string(datagram.size());
}

// --- record_open -------------------------------------------------------------

size_t aead_index(const handshake::CipherSuite* suite) {
  for (size_t i = 0; suite != nullptr && i < std::size(fuzz::kFuzzAeads); ++i) {
    if (fuzz::kFuzzAeads[i] == suite->aead) return i;
  }
  return 0;
}

void record_open_seeds(const Handshake& hs, Output& out) {
  for (const Wire& d : hs.datagrams) {
    const auto records = records_of(d.bytes, hs.cid_size_to(!d.from_client));
    bool with_cid = false;
    Bytes body;
    size_t plain_prefix = 0;
    bool in_prefix = true;
    for (const auto& rec : records) {
      if (rec.header.type == ContentType::kTls12Cid) {
        with_cid = true;
        append(body, make_record(rec.header, fuzz::kFuzzCid, rec.fragment));  // the target's CID
      } else {
        append(body, record_bytes(rec));
      }
      if (rec.header.epoch.value != 0) in_prefix = false;
      if (in_prefix) plain_prefix = body.size();
    }
    if (records.empty()) body = d.bytes;  // not DTLS: the bytes as they were
    const uint8_t split = plain_prefix <= 255 ? static_cast<uint8_t>(plain_prefix) : 0;
    Bytes seed{static_cast<uint8_t>(aead_index(hs.suite()) << 1 | (with_cid ? 1 : 0)), split};
    append(seed, body);
    out.write("record_open",
              std::to_string(seed[0]) + "/" + std::to_string(split) + "/" +
                  datagram_shape(d.bytes, hs.cid_size_to(!d.from_client)),
              seed);
  }
}

// --- reassembler, handshake_messages, pki_load -------------------------------

void reassembler_seeds(const Handshake& hs, Output& out) {
  for (bool client : {true, false}) {
    Bytes seed;
    std::string shape;
    for (const Wire& d : hs.datagrams) {
      if (d.from_client != client) continue;
      for (const auto& rec : records_of(d.bytes, hs.cid_size_to(!client))) {
        if (!is_plain_handshake(rec.header)) continue;
        for (const auto& f : fragments_of(rec.fragment)) {
          seed.push_back(0);  // control byte: anything but 0xff
          ByteWriter h;
          handshake::write_fragment_header(h, f.header);
          append(seed, h.written());
          append(seed, f.body);
          shape += std::to_string(static_cast<int>(f.header.type)) + "." + std::to_string(f.header.message_seq) + "." +
                   std::to_string(f.header.fragment_offset) + "." + std::to_string(f.header.fragment_length) + "." +
                   std::to_string(f.header.length) + ",";
        }
      }
    }
    out.write("reassembler", shape, seed);
  }
}

std::vector<uint8_t> selectors_for(const Handshake& hs, const Message& m) {
  using handshake::KeyExchangeKind;
  const auto* suite = hs.suite();
  uint8_t kx = 0;  // the selector's offset for ECDHE, PSK, ECDHE_PSK
  if (suite != nullptr && suite->key_exchange == KeyExchangeKind::kPsk) kx = 1;
  if (suite != nullptr && suite->key_exchange == KeyExchangeKind::kEcdhePsk) kx = 2;
  switch (m.type) {
    case HandshakeType::kClientHello: return {0};
    case HandshakeType::kHelloVerifyRequest: return {1};
    case HandshakeType::kServerHello: return {2};
    case HandshakeType::kCertificate:
      return {static_cast<uint8_t>(hs.certificate_type(m.from_client) == handshake::CertificateType::kX509 ? 3 : 4)};
    case HandshakeType::kServerKeyExchange: return {static_cast<uint8_t>(5 + kx)};
    case HandshakeType::kCertificateRequest: return {8};
    case HandshakeType::kServerHelloDone: return {9};
    case HandshakeType::kCertificateVerify: return {10};
    case HandshakeType::kClientKeyExchange: return {static_cast<uint8_t>(11 + kx)};
    case HandshakeType::kFinished: return {14};
    case HandshakeType::kNewSessionTicket: return {15};
    default: return {};
  }
}

// Hellos of one size can still differ in what they carry.
std::string hello_shape(const Message& m) {
  std::string s;
  if (m.type == HandshakeType::kClientHello) {
    if (auto ch = handshake::ClientHello::parse(m.body)) {
      s = "c" + std::to_string(ch->cookie.size()) + "s" + std::to_string(ch->session_id.size()) + "n" +
          std::to_string(ch->cipher_suites.size());
      for (uint16_t t : ch->extensions.received_types) s += "." + std::to_string(t);
    }
  } else if (m.type == HandshakeType::kServerHello) {
    if (auto sh = handshake::ServerHello::parse(m.body)) {
      s = "s" + std::to_string(sh->session_id.size());
      for (uint16_t t : sh->extensions.received_types) s += "." + std::to_string(t);
    }
  }
  return s;
}

void message_seeds(const Handshake& hs, Output& out) {
  for (const Message& m : hs.messages) {
    for (uint8_t sel : selectors_for(hs, m)) {
      Bytes seed{sel};
      append(seed, m.body);
      out.write("handshake_messages", std::to_string(sel) + "/" + std::to_string(m.body.size()) + hello_shape(m), seed);
    }
    if (m.type == HandshakeType::kClientHello || m.type == HandshakeType::kServerHello) {
      const bool client = m.type == HandshakeType::kClientHello;
      if (auto block = hello_extensions_block(m.body, client)) {
        Bytes seed{static_cast<uint8_t>(client ? 16 : 17)};
        append(seed, *block);
        out.write("handshake_messages", std::to_string(seed[0]) + "/" + std::to_string(block->size()) + hello_shape(m),
                  seed);
      }
    }
  }
}

std::string pem_of(ByteSpan der) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  for (size_t i = 0; i < der.size(); i += 3) {
    uint32_t v = static_cast<uint32_t>(der[i]) << 16;
    if (i + 1 < der.size()) v |= static_cast<uint32_t>(der[i + 1]) << 8;
    if (i + 2 < der.size()) v |= der[i + 2];
    b64 += kAlphabet[v >> 18 & 63];
    b64 += kAlphabet[v >> 12 & 63];
    b64 += i + 1 < der.size() ? kAlphabet[v >> 6 & 63] : '=';
    b64 += i + 2 < der.size() ? kAlphabet[v & 63] : '=';
  }
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  return pem + "-----END CERTIFICATE-----\n";
}

void pki_seeds(const Handshake& hs, Output& out) {
  auto write = [&](uint8_t selector, ByteSpan body) {
    Bytes seed{selector};
    append(seed, body);
    std::string shape(body.begin(), body.end());  // a certificate is its own shape
    out.write("pki_load", std::to_string(selector) + shape, seed);
  };
  for (const Message& m : hs.messages) {
    if (m.type != HandshakeType::kCertificate) continue;
    const auto type = hs.certificate_type(m.from_client);
    auto cert = handshake::CertificateMsg::parse(m.body, type);
    if (!cert) continue;
    if (type == handshake::CertificateType::kRawPublicKey) {
      write(7, cert->subject_public_key_info);
      continue;
    }
    std::string chain;
    for (const Bytes& der : cert->certificate_list) {
      write(1, der);
      const std::string pem = pem_of(der);
      write(0, as_bytes(pem));
      chain += pem;
    }
    if (cert->certificate_list.size() > 1) write(2, as_bytes(chain));
  }
}

// --- shim_api ----------------------------------------------------------------

// The shim in the role opposite to `peer_is_client`: handshake, then each of
// the peer's datagrams delivered (op 13) and the handshake driven (op 0).
void shim_seeds(const Handshake& hs, Output& out) {
  for (bool peer_is_client : {true, false}) {
    Bytes seed{static_cast<uint8_t>(peer_is_client ? 0x01 : 0x00), 0x00, 0x00};
    std::string shape = std::to_string(seed[0]);
    int ops = 1;
    for (const Wire& d : hs.datagrams) {
      if (d.from_client != peer_is_client || d.bytes.size() > 0xffff || ops + 2 > 255) continue;
      seed.push_back(13);
      fuzz::append_chunk(seed, d.bytes);
      seed.push_back(0);
      ops += 2;
      shape += "," + datagram_shape(d.bytes, hs.cid_size_to(!peer_is_client));
    }
    if (ops > 1) out.write("shim_api", shape, seed);
  }
}

// --- the role targets --------------------------------------------------------

uint8_t client_config(const Handshake& hs) {
  using namespace fuzz;
  const auto& e = hs.server_hello->extensions;
  uint8_t c = 0;
  if (e.connection_id) c |= kClientCid;
  if (hs.psk()) c |= kClientPsk;
  if (e.alpn || e.use_srtp) c |= kClientAlpnSrtp;
  if (e.record_size_limit) c |= kClientRsl;
  if (hs.certificate_request) c |= kClientCert;
  if (!e.session_ticket) c |= kClientNoTickets;
  return c;
}

uint8_t server_config(const Handshake& hs) {
  using namespace fuzz;
  const auto& e = hs.server_hello->extensions;
  uint8_t c = 0;
  if (hs.hello_verify) c |= kCookies;
  if (e.connection_id && hs.client_hello->extensions.connection_id) c |= kServerCid;
  if (hs.psk()) c |= kServerPsk;
  if (e.alpn || e.use_srtp) c |= kServerAlpnSrtp;
  if (e.record_size_limit) c |= kServerRsl;
  if (hs.certificate_request) c |= kClientAuth;
  if (!e.session_ticket) c |= kServerNoTickets;
  return c;
}

// The first whole message of `type` among datagrams the victim sent.
std::optional<Bytes> sent_message(const std::vector<std::vector<uint8_t>>& sent, HandshakeType type) {
  for (const auto& d : sent) {
    for (const auto& rec : records_of(d, 0)) {
      if (!is_plain_handshake(rec.header)) continue;
      for (const auto& f : fragments_of(rec.fragment)) {
        if (f.header.type == type && is_whole(f)) return Bytes(f.body.begin(), f.body.end());
      }
    }
  }
  return std::nullopt;
}

std::vector<Bytes> test_chain_der(const std::string& pem) {
  std::vector<Bytes> out;
  if (auto chain = pki::CertificateChain::from_pem(pem)) {
    for (const auto& c : chain->certificates()) out.push_back(c.der());
  }
  return out;
}

// Rewrites one peer datagram so that the fuzzer-mode victim takes it as the
// real peer's (see the top of this file).
class Repair {
 public:
  Repair(size_t transcript_cid_size, std::vector<Bytes> chain)
      : transcript_cid_size_(transcript_cid_size), chain_(std::move(chain)) {}

  Bytes victim_cid;                               // records to the victim carry this
  std::optional<Bytes> cookie;                    // the victim server's HelloVerifyRequest cookie
  std::optional<uint16_t> group;                  // the transcript's ECDHE group: offer only it
  bool psk_identity = false;                      // ClientKeyExchange: the harness's PSK identity
  const handshake::CipherSuite* suite = nullptr;  // the victim's record protection

  Bytes operator()(ByteSpan datagram) {
    Bytes out;
    for (const auto& rec : records_of(datagram, transcript_cid_size_)) {
      if (is_plain_handshake(rec.header)) {
        append(out, plain_handshake(rec));
      } else if (rec.header.epoch.value != 0 && suite != nullptr) {
        append(out, protected_record(rec));
      } else {
        append(out, record_bytes(rec));
      }
    }
    return out;
  }

 private:
  Bytes plain_handshake(const record::RawRecord& rec) {
    Bytes body;
    for (const auto& f : fragments_of(rec.fragment)) {
      next_seq_ = std::max<uint16_t>(next_seq_, static_cast<uint16_t>(f.header.message_seq + 1));
      if (f.header.type == HandshakeType::kClientHello && is_whole(f)) {
        append(body, make_fragment(f.header.type, f.header.message_seq, client_hello(f.body)));
      } else if (f.header.type == HandshakeType::kClientKeyExchange && is_whole(f) && psk_identity) {
        append(body, make_fragment(f.header.type, f.header.message_seq, with_psk_identity(f.body)));
      } else if (f.header.type == HandshakeType::kCertificate && is_whole(f) && !chain_.empty() &&
                 handshake::CertificateMsg::parse(f.body, handshake::CertificateType::kX509)) {
        handshake::CertificateMsg m;
        m.certificate_list = chain_;
        auto encoded = handshake::encode(m);
        append(body, make_fragment(f.header.type, f.header.message_seq,
                                   encoded ? *encoded : Bytes(f.body.begin(), f.body.end())));
      } else {
        ByteWriter h;
        handshake::write_fragment_header(h, f.header);
        append(body, h.written());
        append(body, f.body);
      }
    }
    return make_record(rec.header, {}, body);
  }

  // A ClientHello rewritten in place (so unknown extensions stay): the
  // victim's cookie where the transcript has one (a retransmitted first
  // ClientHello must still draw a HelloVerifyRequest), and supported_groups
  // led by the group the transcript's server chose, so that the recorded
  // key share is on the victim's curve. Every copy changes alike, so the
  // cookie (made over the first) still verifies.
  Bytes client_hello(ByteSpan ch) const {
    const Bytes unchanged(ch.begin(), ch.end());
    ByteReader r(ch);
    if (!r.skip(34) || !r.prefixed_bytes8()) return unchanged;
    const size_t cookie_at = r.offset();
    auto old_cookie = r.prefixed_bytes8();
    const size_t after_cookie = r.offset();
    if (!old_cookie || !r.prefixed_bytes16() || !r.prefixed_bytes8()) return unchanged;
    const size_t extensions_at = r.offset();
    Bytes out(ch.begin(), ch.begin() + static_cast<ptrdiff_t>(cookie_at));
    if (cookie && !old_cookie->empty()) {
      out.push_back(static_cast<uint8_t>(cookie->size()));
      append(out, *cookie);
    } else {
      append(out, ch.subspan(cookie_at, after_cookie - cookie_at));
    }
    append(out, ch.subspan(after_cookie, extensions_at - after_cookie));
    auto block = r.prefixed16();
    if (!block || !r.empty()) {
      append(out, ch.subspan(extensions_at));
      return out;
    }
    Bytes extensions;
    while (!block->empty()) {
      auto type = block->u16();
      auto data = block->prefixed_bytes16();
      if (!type || !data) return unchanged;
      ByteWriter w;
      w.u16(*type);
      if (*type == static_cast<uint16_t>(handshake::ExtensionType::kSupportedGroups) && group) {
        // RFC 8422 §5.1.1: the list also admits the curve of the test PKI's
        // ECDSA certificate (P-256), after the chosen group.
        const auto p256 = static_cast<uint16_t>(crypto::NamedGroup::kSecp256r1);
        const bool both = *group != p256;
        w.u16(both ? 6 : 4);
        w.u16(both ? 4 : 2);
        w.u16(*group);
        if (both) w.u16(p256);
      } else {
        w.prefixed_bytes(2, *data);
      }
      append(extensions, w.written());
    }
    out.push_back(static_cast<uint8_t>(extensions.size() >> 8));
    out.push_back(static_cast<uint8_t>(extensions.size()));
    append(out, extensions);
    return out;
  }

  // A PSK or ECDHE_PSK ClientKeyExchange with the harness's identity (the
  // key itself does not matter: no Finished is checked).
  Bytes with_psk_identity(ByteSpan cke) const {
    ByteReader r(cke);
    if (!r.prefixed_bytes16()) return Bytes(cke.begin(), cke.end());
    ByteWriter w;
    w.prefixed_bytes(2, as_bytes(fuzz::kPskIdentity));
    w.bytes(r.rest());
    return Bytes(w.written().begin(), w.written().end());
  }

  Bytes protected_record(const record::RawRecord& rec) {
    const size_t nonce = record::explicit_nonce_size(suite->aead);
    const size_t tag = crypto::aead_params(suite->aead).tag_size;
    if (rec.fragment.size() < nonce + tag) return record_bytes(rec);
    const ByteSpan sealed = rec.fragment.subspan(nonce, rec.fragment.size() - nonce - tag);
    ContentType type = rec.header.type;
    if (type == ContentType::kTls12Cid) {  // the real type is sealed: the first is the Finished
      type = protected_seen_ ? ContentType::kApplicationData : ContentType::kHandshake;
    }
    protected_seen_ = true;
    Bytes content;
    if (type == ContentType::kHandshake) {
      // A Finished: header, then verify_data (any passes in fuzzer mode).
      Bytes verify(12, 0x5a);
      std::copy_n(sealed.begin(), std::min<size_t>(12, sealed.size()), verify.begin());
      content = make_fragment(HandshakeType::kFinished, next_seq_, verify);
    } else if (type == ContentType::kAlert) {
      content = {1, 0};  // close_notify, what a transcript ends with
    } else {
      content.assign(sealed.begin(), sealed.end());
    }
    Bytes fragment(rec.fragment.begin(), rec.fragment.begin() + static_cast<ptrdiff_t>(nonce));
    append(fragment, content);
    record::RecordHeader h = rec.header;
    if (!victim_cid.empty()) {
      fragment.push_back(static_cast<uint8_t>(type));  // DTLSInnerPlaintext real_type
    } else {
      h.type = type;
    }
    fragment.resize(fragment.size() + tag, 0);
    return make_record(h, victim_cid, fragment);
  }

  size_t transcript_cid_size_;
  std::vector<Bytes> chain_;
  uint16_t next_seq_ = 0;
  bool protected_seen_ = false;
};

// CACHET_TRANSCRIPT_DEBUG=1: why each repaired role seed stops short of
// established; =2: also each datagram in and out (as record shapes).
int debug_level() {
  static const int level = [] {
    const char* v = std::getenv("CACHET_TRANSCRIPT_DEBUG");
    return v == nullptr ? 0 : std::atoi(v);
  }();
  return level;
}

// A role seed: the peer's datagrams, repaired or not, run through the victim
// as they are appended. True when a new seed was written and it got the
// victim established.
bool role_seed(const Handshake& hs, bool victim_is_client, bool repair, Output& out) {
  const std::string target = victim_is_client ? "dtls12_client" : "dtls12_server";
  const uint8_t config = victim_is_client ? client_config(hs) : server_config(hs);
  const fuzz::Pki& p = fuzz::pki();
  Repair fix(hs.cid_size_to(victim_is_client), test_chain_der(victim_is_client ? p.server_chain : p.client_chain));
  if (!victim_is_client) {
    fix.psk_identity = hs.psk();
    for (const Message& m : hs.messages) {
      if (m.type != HandshakeType::kServerKeyExchange || hs.suite() == nullptr) continue;
      // RFC 8422 §5.4: ECParameters = curve_type(3), named_curve; behind
      // the identity hint for ECDHE_PSK (RFC 5489 §2).
      ByteReader r(m.body);
      if (hs.suite()->key_exchange == handshake::KeyExchangeKind::kEcdhePsk && !r.prefixed_bytes16()) continue;
      auto curve_type = r.u8();
      auto named_curve = r.u16();
      if (curve_type && *curve_type == handshake::kNamedCurveType && named_curve) fix.group = *named_curve;
    }
  }
  std::vector<std::vector<uint8_t>> sent;
  fuzz::Victim victim(victim_is_client ? Role::kClient : Role::kServer, config, Session{}, &sent);
  if (!victim.ok()) return false;
  victim.start();
  Bytes seed{config};
  std::string shape = std::to_string(config) + (repair ? "r" : "");
  bool established = false;
  size_t events = 0, printed = 0;
  for (const Wire& d : hs.datagrams) {
    if (d.from_client == victim_is_client) continue;
    if (++events > fuzz::kMaxEvents) break;
    if (repair) {
      // What the victim has said so far decides the rewrites.
      if (victim_is_client) {
        fix.suite = hs.suite();
        if (auto ch = sent_message(sent, HandshakeType::kClientHello)) {
          if (auto parsed = handshake::ClientHello::parse(*ch); parsed && parsed->extensions.connection_id) {
            fix.victim_cid = *parsed->extensions.connection_id;
          }
        }
      } else {
        if (auto hvr = sent_message(sent, HandshakeType::kHelloVerifyRequest)) {
          if (auto parsed = handshake::HelloVerifyRequest::parse(*hvr)) fix.cookie = parsed->cookie;
        }
        if (auto sh = sent_message(sent, HandshakeType::kServerHello)) {
          if (auto parsed = handshake::ServerHello::parse(*sh)) {
            fix.suite = handshake::find_cipher_suite(parsed->cipher_suite);
            if (parsed->extensions.connection_id) fix.victim_cid = *parsed->extensions.connection_id;
          }
        }
      }
    }
    Bytes datagram = repair ? fix(d.bytes) : d.bytes;
    if (datagram.empty() || datagram.size() >= fuzz::kTimeoutTag) continue;
    fuzz::append_chunk(seed, datagram);
    shape += "," + datagram_shape(datagram, repair ? fix.victim_cid.size() : hs.cid_size_to(victim_is_client));
    victim.on_datagram(datagram);
    if (debug_level() > 1 && repair) {
      std::fprintf(stderr, "  %s in: %s -> state %d %s\n", target.c_str(),
                   datagram_shape(datagram, fix.victim_cid.size()).c_str(), static_cast<int>(victim.conn().state()),
                   victim.conn().error().what());
      for (; printed < sent.size(); ++printed) {
        std::fprintf(stderr, "      out: %s\n", datagram_shape(sent[printed], 0).c_str());
      }
    }
    established |= victim.conn().is_established();
  }
  if (debug_level() > 0 && repair && !established && events > 0) {
    // Why a repaired seed stops: the victim's error and alert.
    std::fprintf(stderr, "%s config %02x: %s (alert sent %d)\n", target.c_str(), config, victim.conn().error().what(),
                 victim.conn().alert_sent().value_or(-1));
  }
  victim.finish();
  return events > 0 && out.write(target, shape, seed) && established;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUT_DIR RECORDING_DIR...\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> dirs(argv + 2, argv + argc);
  size_t files = 0;
  std::map<AssociationKey, std::vector<Captured>> associations;
  try {
    associations = read_associations(dirs, files);
  } catch (const fs::filesystem_error& e) {
    std::fprintf(stderr, "corpus_from_transcripts: %s\n", e.what());
    return 1;
  }
  Output out{fs::path(argv[1])};
  size_t handshakes = 0, established[2] = {0, 0};
  for (const auto& [key, list] : associations) {
    for (const Handshake& hs : split_handshakes(list)) {
      ++handshakes;
      record_open_seeds(hs, out);
      reassembler_seeds(hs, out);
      message_seeds(hs, out);
      pki_seeds(hs, out);
      shim_seeds(hs, out);
      if (!hs.client_hello || !hs.server_hello) continue;
      for (bool victim_is_client : {true, false}) {
        (void)role_seed(hs, victim_is_client, false, out);
        if (role_seed(hs, victim_is_client, true, out)) ++established[victim_is_client ? 0 : 1];
      }
    }
  }
  std::printf("%zu datagrams, %zu associations, %zu handshakes\n", files, associations.size(), handshakes);
  for (const auto& [target, n] : out.counts()) std::printf("  %-20s %zu seeds\n", target.c_str(), n);
  std::printf("  repaired role seeds that establish the victim: dtls12_client %zu, dtls12_server %zu\n", established[0],
              established[1]);
  return 0;
}
