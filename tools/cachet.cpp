// cachet — the command line: a DTLS 1.2 client and server on UDP sockets,
// written only against the public API (include/cachet/).
//
//   cachet server --listen 127.0.0.1:4433 --cert server.pem --key server.key --echo
//   cachet client 127.0.0.1:4433 --ca ca.pem --servername localhost
#include <cachet/cachet.hpp>
#include <cachet/info.hpp>
#include <cachet/session.hpp>

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "net.hpp"

namespace {

using namespace cachet;
using net::Endpoint;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "cachet: %s\n", message.c_str());
  std::exit(1);
}

// --- options ------------------------------------------------------------------

struct Options {
  std::string target;  // client: HOST:PORT; server: --listen
  std::string ca, servername, cert, key, psk_identity, psk_hex, ciphers, groups, srtp, alpn, export_spec;
  bool insecure = false, verify_client = false, no_cookie = false, json = false, echo = false, echo_lines = false;
  size_t mtu = 1400;
  double timeout_s = 10;
  double wait_s = 1.0;
  // Resumption.
  unsigned resume = 0;  // client: reconnections after the first
  std::string sess_in, sess_out;
  bool no_tickets = false, no_session_cache = false;
  // Server: exit once this many associations have ended (0: never).
  unsigned naccept = 0;
  // RFC 9146 connection IDs, and the client's simulated NAT rebinding.
  std::optional<size_t> cid;
  std::optional<size_t> rebind_after;
  // RFC 7250 raw public keys.
  bool rpk = false;
  std::string pin;
  // RFC 8449.
  std::optional<uint16_t> record_size_limit;
};

const char* kClientHelp =
    "usage: cachet client HOST:PORT [options]\n"
    "  Sends stdin line by line over DTLS 1.2 and prints what arrives.\n"
    "  --ca FILE            trust anchors (PEM) for verifying the server\n"
    "  --servername NAME    SNI and the name the certificate must carry\n"
    "  --insecure           accept any server certificate\n"
    "  --cert FILE --key F  client certificate chain and key\n"
    "  --psk-identity ID --psk HEX   pre-shared key\n"
    "  --ciphers LIST       e.g. ECDHE-ECDSA-AES128-GCM-SHA256:PSK-AES128-GCM-SHA256\n"
    "  --groups LIST        e.g. X25519:P-256\n"
    "  --srtp LIST          e.g. SRTP_AES128_CM_SHA1_80\n"
    "  --alpn LIST          comma-separated protocols\n"
    "  --mtu N              path MTU (default 1400)\n"
    "  --export LABEL:LEN   print RFC 5705 keying material\n"
    "  --json               one JSON object with the negotiated parameters on stdout's last line\n"
    "                       (one per connection with --resume)\n"
    "  --timeout S          handshake timeout (default 10)\n"
    "  --wait S             time to wait for replies after stdin ends (default 1)\n"
    " Resumption:\n"
    "  --resume N           after the first connection, reconnect N more times from fresh\n"
    "                       sockets, each offering the latest session; stdin is read to its\n"
    "                       end first and its lines are sent on every connection; prints\n"
    "                       \"connection K: resumed=yes|no\" on stdout for each\n"
    "  --sess-out FILE      save the session to FILE after the handshake\n"
    "  --sess-in FILE       offer the session saved in FILE\n"
    "  --no-tickets         do not ask for session tickets (resume by session ID only)\n"
    " Connection IDs (RFC 9146):\n"
    "  --cid LEN            offer connection IDs, asking for a LEN-byte one (0..20) on\n"
    "                       the server's records; prints \"cid: OURS/PEERS\" (hex, - if empty)\n"
    "                       or \"cid: none\"\n"
    "  --rebind-after N     (testing) after N lines, close the socket and continue the same\n"
    "                       DTLS connection from a new one (a new source port), as a NAT\n"
    "                       rebinding would; takes effect before line N+1 is sent\n"
    " Raw public keys (RFC 7250):\n"
    "  --rpk                authenticate with the raw public key of --key (--cert optional)\n"
    "  --pin FILE           accept only the server key in FILE (PEM PUBLIC KEY or\n"
    "                       CERTIFICATE), as a raw public key or in a certificate; without\n"
    "                       --ca a pinned certificate key needs no chain\n"
    " Record size limit (RFC 8449):\n"
    "  --record-size-limit N   advertise N (64..16384) as the largest record we accept\n";

const char* kServerHelp =
    "usage: cachet server --listen ADDR:PORT [options]\n"
    "  Serves DTLS 1.2 clients; prints (or echoes) what arrives.\n"
    "  --cert FILE --key FILE        certificate chain and key\n"
    "  --ca FILE --verify-client     require client certificates from this CA\n"
    "  --psk-identity ID --psk HEX   accept this pre-shared key\n"
    "  --ciphers LIST --groups LIST --srtp LIST --alpn LIST --mtu N\n"
    "  --no-cookie          no HelloVerifyRequest exchange\n"
    "  --export LABEL:LEN   log RFC 5705 keying material per association\n"
    "  --json               one JSON object per association event\n"
    "  --echo               echo application data back (as it arrives, split into records\n"
    "                       no larger than the client accepts)\n"
    "  --echo-lines         echo each complete line back at once, whatever records it\n"
    "                       arrived in (so a line can come back in fewer, larger records)\n"
    "  --once               exit when the first association ends\n"
    "  --naccept N          exit when N associations have ended\n"
    " Resumption (both on by default):\n"
    "  --no-tickets         issue and accept no session tickets\n"
    "  --no-session-cache   keep no sessions for resumption by session ID\n"
    " Connection IDs (RFC 9146):\n"
    "  --cid LEN            accept connection IDs, asking for a LEN-byte one (0..20) on the\n"
    "                       client's records; datagrams are routed to associations by it, so\n"
    "                       a client whose address changes keeps its association (logged as\n"
    "                       \"peer address changed: OLD -> NEW\")\n"
    " Raw public keys (RFC 7250):\n"
    "  --rpk                authenticate with the raw public key of --key (--cert optional:\n"
    "                       clients without raw public keys then get the certificate)\n"
    "  --pin FILE           require a client key (raw, or in a certificate) equal to the\n"
    "                       one in FILE (PEM PUBLIC KEY or CERTIFICATE)\n"
    " Record size limit (RFC 8449):\n"
    "  --record-size-limit N   advertise N (64..16384) as the largest record we accept\n";

unsigned long parse_count(const std::string& option, const std::string& text, unsigned long max) {
  char* end = nullptr;
  errno = 0;
  const unsigned long v = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || text[0] == '-' || end != text.c_str() + text.size() || errno != 0 || v > max) {
    die(option + " wants an integer in 0.." + std::to_string(max) + ", not '" + text + "'");
  }
  return v;
}

Options parse_options(int argc, char** argv, bool server) {
  Options o;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die("option " + a + " needs a value (see --help)");
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      std::fputs(server ? kServerHelp : kClientHelp, stdout);
      std::exit(0);
    } else if (a == "--listen" && server) o.target = value();
    else if (a == "--ca") o.ca = value();
    else if (a == "--servername" && !server) o.servername = value();
    else if (a == "--insecure" && !server) o.insecure = true;
    else if (a == "--cert") o.cert = value();
    else if (a == "--key") o.key = value();
    else if (a == "--psk-identity") o.psk_identity = value();
    else if (a == "--psk") o.psk_hex = value();
    else if (a == "--ciphers") o.ciphers = value();
    else if (a == "--groups") o.groups = value();
    else if (a == "--srtp") o.srtp = value();
    else if (a == "--alpn") o.alpn = value();
    else if (a == "--mtu") o.mtu = std::stoul(value());
    else if (a == "--export") o.export_spec = value();
    else if (a == "--json") o.json = true;
    else if (a == "--timeout" && !server) o.timeout_s = std::stod(value());
    else if (a == "--wait" && !server) o.wait_s = std::stod(value());
    else if (a == "--verify-client" && server) o.verify_client = true;
    else if (a == "--no-cookie" && server) o.no_cookie = true;
    else if (a == "--echo" && server) o.echo = true;
    else if (a == "--echo-lines" && server) o.echo = o.echo_lines = true;
    else if (a == "--once" && server) o.naccept = 1;
    else if (a == "--naccept" && server) o.naccept = static_cast<unsigned>(parse_count(a, value(), 1000000));
    else if (a == "--resume" && !server) o.resume = static_cast<unsigned>(parse_count(a, value(), 1000));
    else if (a == "--sess-in" && !server) o.sess_in = value();
    else if (a == "--sess-out" && !server) o.sess_out = value();
    else if (a == "--no-tickets") o.no_tickets = true;
    else if (a == "--no-session-cache" && server) o.no_session_cache = true;
    else if (a == "--cid") o.cid = parse_count(a, value(), 20);
    else if (a == "--rebind-after" && !server) o.rebind_after = parse_count(a, value(), 1000000);
    else if (a == "--rpk") o.rpk = true;
    else if (a == "--pin") o.pin = value();
    else if (a == "--record-size-limit") {
      const auto v = parse_count(a, value(), 16384);
      if (v < 64) die("--record-size-limit wants 64..16384");
      o.record_size_limit = static_cast<uint16_t>(v);
    }
    else if (!server && o.target.empty() && !a.empty() && a[0] != '-') o.target = a;
    else die("unknown option " + a + " (see --help)");
  }
  if (o.target.empty()) die(server ? "--listen ADDR:PORT is required" : "HOST:PORT is required");
  return o;
}

std::vector<uint8_t> parse_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) die("--psk: odd number of hex digits");
  std::vector<uint8_t> out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    char* end = nullptr;
    const std::string byte = hex.substr(i, 2);
    const long v = std::strtol(byte.c_str(), &end, 16);
    if (end != byte.c_str() + 2) die("--psk: not hexadecimal");
    out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::shared_ptr<const Context> build_context(const Options& o, bool server) {
  ContextBuilder b(server ? Role::kServer : Role::kClient);
  if (!o.ciphers.empty()) b.cipher_suites(o.ciphers);
  if (!o.groups.empty()) b.groups(o.groups);
  if (o.rpk) {
    if (o.key.empty()) die("--rpk needs --key");
    b.raw_public_key(true);
    if (!o.cert.empty()) b.certificate_file(o.cert);
    b.private_key_file(o.key);
  } else if (!o.cert.empty() || !o.key.empty()) {
    if (o.cert.empty() || o.key.empty()) die("--cert and --key go together (or --key with --rpk)");
    b.certificate_file(o.cert).private_key_file(o.key);
  }
  if (!o.ca.empty()) b.ca_file(o.ca);
  if (!o.pin.empty()) b.pin_public_key_file(o.pin);
  if (!o.psk_hex.empty()) {
    const auto key = parse_hex(o.psk_hex);
    if (server) {
      const std::string identity = o.psk_identity;
      b.psk_lookup([identity, key](std::string_view id) -> std::optional<std::vector<uint8_t>> {
        if (identity.empty() || id == identity) return key;
        return std::nullopt;
      });
    } else {
      b.psk(o.psk_identity, key);
    }
  }
  if (!o.srtp.empty()) b.srtp_profiles(o.srtp);
  if (!o.alpn.empty()) b.alpn(split(o.alpn, ','));
  b.mtu(o.mtu);
  if (o.no_tickets) b.session_tickets(false);
  if (o.cid) b.connection_id(*o.cid);
  if (o.record_size_limit) b.record_size_limit(*o.record_size_limit);
  if (server) {
    if (o.verify_client || !o.pin.empty()) b.client_auth(ClientAuth::kRequire);
    if (o.no_cookie) b.cookie_exchange(false);
    if (o.no_session_cache) b.session_cache(nullptr);
  } else if (o.insecure) {
    b.verify_peer(false);
  } else if (o.ca.empty() && o.psk_hex.empty() && o.pin.empty()) {
    b.system_trust();
  }
  auto ctx = b.build();
  if (!ctx) die(std::string("configuration: ") + ctx.error().what() + " (" +
                std::string(error_code_name(ctx.error().code())) + ")");
  return std::move(ctx).value();
}

// --- sockets --------------------------------------------------------------------

Endpoint resolve(const std::string& hostport) {
  Endpoint e;
  switch (net::resolve(hostport, e)) {
    case net::ResolveStatus::kOk: break;
    case net::ResolveStatus::kNotHostPort: die("address must be HOST:PORT: " + hostport);
    case net::ResolveStatus::kUnresolvable: die("cannot resolve " + hostport);
  }
  return e;
}

int udp_socket(int family) {
  const int fd = net::udp_socket(family);
  if (fd < 0) die(std::string("socket: ") + std::strerror(errno));
  return fd;
}

// A UDP socket connected to `server` (so only its datagrams arrive).
int connected_socket(const Endpoint& server) {
  const int fd = udp_socket(server.addr.ss_family);
  if (connect(fd, server.sa(), server.len) != 0) die(std::string("connect: ") + std::strerror(errno));
  return fd;
}

std::string local_address(int fd) {
  Endpoint e;
  e.len = sizeof e.addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&e.addr), &e.len) != 0) return "?";
  return e.text();
}

Instant now() { return Instant::now(); }

std::span<const uint8_t> as_bytes_view(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Writes `data` in as many records as it takes: one record carries at most
// max_write_size() bytes (the MTU, and the peer's record_size_limit).
Result<void> write_all(Connection& c, std::span<const uint8_t> data) {
  while (!data.empty()) {
    const size_t room = c.max_write_size();
    if (room == 0) return Error(ErrorCode::kLengthTooLarge, "no room for application data in a record");
    const size_t n = std::min(room, data.size());
    if (auto r = c.write(data.first(n)); !r) return r;
    data = data.subspan(n);
  }
  return {};
}

int poll_timeout_ms(std::optional<Instant> deadline, int cap_ms) {
  if (!deadline) return cap_ms;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - now()).count();
  if (ms < 0) return 0;
  return static_cast<int>(std::min<long long>(ms + 1, cap_ms));
}

// --- reporting --------------------------------------------------------------------

std::string hex(std::span<const uint8_t> b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    s.push_back(d[x >> 4]);
    s.push_back(d[x & 15]);
  }
  return s;
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out.push_back(c);
  }
  return out;
}

struct Report {
  struct Field {
    std::string key, value;
    bool boolean = false;  // JSON true/false; "yes"/"no" for people
    std::string label;     // the human form's name when it is not the key
  };
  std::vector<Field> fields;
  void add(const std::string& k, const std::string& v) { fields.push_back({k, v}); }
  void add_bool(const std::string& k, bool v, const std::string& label = {}) {
    fields.push_back({k, v ? "yes" : "no", true, label});
  }
  void prepend(const std::string& k, const std::string& v) { fields.insert(fields.begin(), Field{k, v}); }
  void print(bool json, FILE* human, const std::string& prefix = "") const {
    if (json) {
      std::string s = "{";
      for (size_t i = 0; i < fields.size(); ++i) {
        const Field& f = fields[i];
        s += (i ? "," : "") + std::string("\"") + f.key + "\":";
        if (f.boolean) s += f.value == "yes" ? "true" : "false";
        else s += "\"" + json_escape(f.value) + "\"";
      }
      s += "}";
      std::printf("%s\n", s.c_str());
      std::fflush(stdout);
    } else {
      for (const auto& f : fields) {
        std::fprintf(human, "%s%s: %s\n", prefix.c_str(), (f.label.empty() ? f.key : f.label).c_str(), f.value.c_str());
      }
      std::fflush(human);
    }
  }
};

Report describe(const Connection& c, const Options& o) {
  Report r;
  r.add("version", "DTLS 1.2");
  r.add("suite", std::string(c.cipher_suite_name()));
  if (c.group()) r.add("group", std::string(group_name(*c.group())));
  if (c.signature_scheme()) r.add("signature_scheme", std::string(signature_scheme_name(*c.signature_scheme())));
  r.add("extended_master_secret", c.extended_master_secret() ? "yes" : "no");
  r.add_bool("resumed", c.resumed());
  if (c.srtp_profile()) {
    r.add("srtp_profile", std::string(srtp_profile_name(*c.srtp_profile())));
    if (auto keys = c.srtp_keys()) {
      r.add("srtp_client_key", hex(keys->client_key) + " salt " + hex(keys->client_salt));
      r.add("srtp_server_key", hex(keys->server_key) + " salt " + hex(keys->server_salt));
    }
  }
  if (!c.alpn().empty()) r.add("alpn", std::string(c.alpn()));
  if (!c.server_name().empty()) r.add("server_name", std::string(c.server_name()));
  if (!c.psk_identity().empty()) r.add("psk_identity", std::string(c.psk_identity()));
  if (!c.peer_certificates().empty() && !c.peer_uses_raw_public_key()) {
    auto summary = describe_certificate(c.peer_certificates().front());
    if (summary) {
      r.add("peer_subject", summary->subject);
      r.add("peer_sha256", summary->sha256_fingerprint);
    }
  }
  if (o.rpk || !o.pin.empty() || c.peer_uses_raw_public_key()) {
    r.add_bool("peer_raw_public_key", c.peer_uses_raw_public_key(), "peer raw public key");
  }
  if (c.connection_id_negotiated()) {
    // Ours (on the records we receive) / the peer's (on the records we send).
    auto part = [](std::span<const uint8_t> id) { return id.empty() ? std::string("-") : hex(id); };
    r.add("cid", part(c.connection_id()) + "/" + part(c.peer_connection_id()));
  } else if (o.cid) {
    r.add("cid", "none");
  }
  if (c.peer_record_size_limit()) r.add("peer_record_size_limit", std::to_string(*c.peer_record_size_limit()));
  if (!o.export_spec.empty()) {
    const size_t colon = o.export_spec.rfind(':');
    if (colon == std::string::npos) die("--export wants LABEL:LEN");
    auto km = c.export_keying_material(o.export_spec.substr(0, colon), std::stoul(o.export_spec.substr(colon + 1)));
    r.add("export_label", o.export_spec.substr(0, colon));
    r.add("keying_material", km ? hex(*km) : std::string("error: ") + km.error().what());
  }
  const auto stats = c.stats();
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", std::chrono::duration<double, std::milli>(stats.handshake_time).count());
  r.add("handshake_ms", ms);
  r.add("retransmissions", std::to_string(stats.retransmissions));
  r.add("records_dropped", std::to_string(stats.records_dropped));
  return r;
}

std::string failure_text(const Connection& c) {
  std::string s = c.error().what();
  if (c.alert_sent()) s += " (sent alert " + std::to_string(*c.alert_sent()) + ")";
  if (c.alert_received()) s += " (received alert " + std::to_string(*c.alert_received()) + ")";
  return s;
}

// --- client -----------------------------------------------------------------------

// What the client sends: lines read from stdin as they come, or (with
// --resume, where every connection sends the same) all of stdin read first.
struct ClientInput {
  bool streaming = true;
  std::vector<std::string> lines;  // pre-read lines (the last may lack its newline)
};

ClientInput read_all_stdin() {
  ClientInput in;
  in.streaming = false;
  std::string all;
  char buf[4096];
  for (;;) {
    const ssize_t r = read(0, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    all.append(buf, static_cast<size_t>(r));
  }
  size_t start = 0;
  while (start < all.size()) {
    const size_t nl = all.find('\n', start);
    const size_t end = nl == std::string::npos ? all.size() : nl + 1;
    in.lines.push_back(all.substr(start, end - start));
    start = end;
  }
  return in;
}

Session read_session_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) die("--sess-in: cannot read " + path);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto s = Session::parse(bytes);
  if (!s) die("--sess-in " + path + ": " + s.error().what());
  return std::move(s).value();
}

void write_session_file(const std::string& path, const Session& s) {
  if (!s.valid()) {
    std::fprintf(stderr, "cachet: --sess-out: the server offered no resumable session; %s not written\n",
                 path.c_str());
    return;
  }
  const auto bytes = s.serialize();
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) die("--sess-out: cannot write " + path);
}

struct ClientResult {
  int status = 0;
  Session session;  // the session to offer next (may be invalid)
};

// One DTLS connection from a fresh socket: handshake (offering `offer` if
// valid), send the input, wait for replies, close.
ClientResult run_client_connection(const std::shared_ptr<const Context>& ctx, const Options& o, const Endpoint& server,
                                   const std::string& name, const Session& offer, unsigned index,
                                   const ClientInput& input) {
  ClientResult result;
  int fd = connected_socket(server);
  auto conn_r = offer.valid() ? Connection::client(ctx, name, offer) : Connection::client(ctx, name);
  if (!conn_r) die(conn_r.error().what());
  Connection& conn = **conn_r;
  const Instant deadline = now() + std::chrono::milliseconds(static_cast<long>(o.timeout_s * 1000));
  if (!conn.start(now())) die(std::string("start: ") + failure_text(conn));

  bool reported = false, stdin_open = input.streaming;
  size_t next_line = 0, lines_sent = 0;
  bool rebound = false;
  std::optional<Instant> stop_at;
  std::string line_buffer;
  std::vector<uint8_t> buf(65536);

  // With resumption options, also whether the session to resume next has a ticket.
  const bool resumption = o.resume > 0 || !o.sess_in.empty() || !o.sess_out.empty();
  auto report = [&]() {
    Report r = describe(conn, o);
    if (resumption) {
      const Session s = conn.session();
      r.add_bool("session_ticket", s.valid() && s.has_ticket());
    }
    return r;
  };
  auto send_line = [&](const std::string& line) {
    if (o.rebind_after && !rebound && lines_sent == *o.rebind_after) {
      // A NAT rebinding: the old socket (and its port) is gone; the same
      // association continues from a new one.
      const std::string old_local = local_address(fd);
      close(fd);
      fd = connected_socket(server);
      rebound = true;
      std::fprintf(stderr, "cachet: rebound after %zu lines: %s -> %s\n", lines_sent, old_local.c_str(),
                   local_address(fd).c_str());
    }
    if (auto w = write_all(conn, as_bytes_view(line)); !w) die(std::string("write failed: ") + w.error().what());
    ++lines_sent;
    while (auto d = conn.poll_transmit()) (void)send(fd, d->data(), d->size(), 0);
  };

  for (;;) {
    while (auto d = conn.poll_transmit()) (void)send(fd, d->data(), d->size(), 0);
    if (conn.state() == ConnectionState::kFailed) {
      std::fprintf(stderr, "cachet: handshake failed: %s\n", failure_text(conn).c_str());
      close(fd);
      result.status = 1;
      return result;
    }
    if (conn.state() == ConnectionState::kClosed) break;
    if (conn.is_established() && !reported) {
      reported = true;
      if (o.resume > 0) {
        std::printf("connection %u: resumed=%s\n", index, conn.resumed() ? "yes" : "no");
        std::fflush(stdout);
      }
      if (!o.sess_out.empty()) write_session_file(o.sess_out, conn.session());
      if (!o.json) report().print(false, stderr);
    }
    while (auto data = conn.read()) {
      std::fwrite(data->data(), 1, data->size(), stdout);
      std::fflush(stdout);
    }
    if (conn.is_established() && !input.streaming && !stop_at) {
      while (next_line < input.lines.size()) send_line(input.lines[next_line++]);
      stop_at = now() + std::chrono::milliseconds(static_cast<long>(o.wait_s * 1000));
    }
    if (!conn.is_established() && now() >= deadline) {
      std::fprintf(stderr, "cachet: handshake timed out after %.1f s\n", o.timeout_s);
      close(fd);
      result.status = 1;
      return result;
    }
    if (stop_at && now() >= *stop_at) break;

    pollfd fds[2] = {{fd, POLLIN, 0}, {0, POLLIN, 0}};
    const nfds_t n = (conn.is_established() && stdin_open) ? 2 : 1;
    std::optional<Instant> wake = conn.next_timeout();
    if (stop_at && (!wake || *stop_at < *wake)) wake = stop_at;
    if (poll(fds, n, poll_timeout_ms(wake, 100)) < 0 && errno != EINTR) die("poll failed");
    if (fds[0].revents & POLLIN) {
      const ssize_t r = recv(fd, buf.data(), buf.size(), 0);
      if (r > 0) conn.handle_datagram(std::span<uint8_t>(buf.data(), static_cast<size_t>(r)), now());
    }
    if (n == 2 && (fds[1].revents & (POLLIN | POLLHUP))) {
      char in[4096];
      const ssize_t r = read(0, in, sizeof in);
      if (r <= 0) {
        stdin_open = false;
        stop_at = now() + std::chrono::milliseconds(static_cast<long>(o.wait_s * 1000));
      } else {
        line_buffer.append(in, static_cast<size_t>(r));
        size_t pos;
        while ((pos = line_buffer.find('\n')) != std::string::npos) {
          const std::string line = line_buffer.substr(0, pos + 1);
          line_buffer.erase(0, pos + 1);
          send_line(line);
        }
      }
    }
    const auto t = conn.next_timeout();
    if (t && *t <= now()) conn.handle_timeout(now());
  }
  if (!line_buffer.empty() && conn.is_established()) (void)write_all(conn, as_bytes_view(line_buffer));
  conn.close();
  while (auto d = conn.poll_transmit()) (void)send(fd, d->data(), d->size(), 0);
  if (o.json) {
    Report r = report();
    if (o.resume > 0) r.prepend("connection", std::to_string(index));
    r.print(true, stderr);
  }
  close(fd);
  result.session = conn.session();
  return result;
}

int run_client(const Options& o) {
  auto ctx = build_context(o, false);
  const Endpoint server = resolve(o.target);
  std::string name = o.servername;
  if (name.empty()) {
    name = o.target.substr(0, o.target.rfind(':'));
    in_addr v4{};
    if (inet_pton(AF_INET, name.c_str(), &v4) == 1 || name.find(':') != std::string::npos) name.clear();
  }
  Session session;
  if (!o.sess_in.empty()) session = read_session_file(o.sess_in);
  const ClientInput input = o.resume > 0 ? read_all_stdin() : ClientInput{};
  for (unsigned k = 1; k <= o.resume + 1; ++k) {
    ClientResult r = run_client_connection(ctx, o, server, name, session, k, input);
    if (r.status != 0) return r.status;
    // Tickets are renewed: always offer the latest session.
    if (r.session.valid()) session = r.session;
  }
  return 0;
}

// --- server -----------------------------------------------------------------------

struct Association {
  Endpoint peer;
  std::unique_ptr<Connection> connection;
  bool reported = false;
  std::string partial_line;  // --echo-lines: what arrived since the last newline
};

constexpr size_t kMaxAssociations = 4096;

int run_server(const Options& o) {
  auto ctx = build_context(o, true);
  const Endpoint local = resolve(o.target);
  const int fd = udp_socket(local.addr.ss_family);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, local.sa(), local.len) != 0) die("bind " + o.target + ": " + std::strerror(errno));
  auto listener_r = Listener::create(ctx);
  if (!listener_r) die(listener_r.error().what());
  Listener& listener = **listener_r;
  listener.set_max_associations(kMaxAssociations);
  std::fprintf(stderr, "cachet: listening on %s\n", o.target.c_str());

  // Datagrams find their association through the Listener's routing table:
  // by connection ID when the record carries one of ours, else by address.
  std::map<Listener::AssociationId, Association> associations;
  Listener::AssociationId next_id = 1;
  std::vector<uint8_t> buf(65536);
  auto flush = [&](Association& a) {
    while (auto d = a.connection->poll_transmit()) {
      (void)sendto(fd, d->data(), d->size(), 0, a.peer.sa(), a.peer.len);
    }
  };
  auto log_event = [&](Report& r, const std::string& peer) {
    r.print(o.json, stderr, o.json ? "" : "[" + peer + "] ");
  };
  auto service = [&](Listener::AssociationId id, Association& a) -> bool {  // false when the association is over
    Connection& c = *a.connection;
    if (c.is_established() && !a.reported) {
      a.reported = true;
      (void)listener.bind(id, c);  // the connection ID is known now
      Report r = describe(c, o);
      r.prepend("peer", a.peer.text());
      r.prepend("event", "established");
      log_event(r, a.peer.text());
    }
    while (auto data = c.read()) {
      if (o.echo_lines) {
        a.partial_line.append(data->begin(), data->end());
        size_t nl;
        while ((nl = a.partial_line.find('\n')) != std::string::npos) {
          (void)write_all(c, as_bytes_view(a.partial_line.substr(0, nl + 1)));
          a.partial_line.erase(0, nl + 1);
        }
      } else if (o.echo) {
        (void)write_all(c, *data);
      } else {
        std::fwrite(data->data(), 1, data->size(), stdout);
        std::fflush(stdout);
      }
    }
    flush(a);
    if (c.state() == ConnectionState::kFailed || c.state() == ConnectionState::kClosed) {
      Report r;
      r.add("event", c.state() == ConnectionState::kClosed ? "closed" : "failed");
      r.add("peer", a.peer.text());
      if (c.state() == ConnectionState::kFailed) r.add("error", failure_text(c));
      r.add("records_dropped", std::to_string(c.stats().records_dropped));
      log_event(r, a.peer.text());
      return false;
    }
    return true;
  };
  auto peer_moved = [&](Listener::AssociationId id, Association& a) {
    const auto moved = Endpoint::from_bytes(a.connection->peer_address());
    if (!moved) return;
    const std::string old_text = a.peer.text();
    a.peer = *moved;
    (void)listener.bind(id, *a.connection);
    if (o.json) {
      Report r;
      r.add("event", "peer_address_changed");
      r.add("from", old_text);
      r.add("to", a.peer.text());
      r.print(true, stderr);
    } else {
      std::fprintf(stderr, "peer address changed: %s -> %s\n", old_text.c_str(), a.peer.text().c_str());
      std::fflush(stderr);
    }
  };

  unsigned ended = 0;
  for (;;) {
    std::optional<Instant> wake;
    for (auto& [id, a] : associations) {
      auto t = a.connection->next_timeout();
      if (t && (!wake || *t < *wake)) wake = t;
    }
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, poll_timeout_ms(wake, 1000)) < 0 && errno != EINTR) die("poll failed");
    if (pfd.revents & POLLIN) {
      Endpoint peer;
      peer.len = sizeof peer.addr;
      const ssize_t r = recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&peer.addr), &peer.len);
      if (r > 0) {
        std::span<uint8_t> datagram(buf.data(), static_cast<size_t>(r));
        const auto peer_bytes = peer.bytes();
        const auto routed = listener.route(datagram, peer_bytes);
        auto it = routed ? associations.find(*routed) : associations.end();
        if (it != associations.end()) {
          Connection& c = *it->second.connection;
          c.handle_datagram(datagram, now(), peer_bytes);
          if (c.take_peer_address_change()) peer_moved(it->first, it->second);
        } else if (associations.size() < kMaxAssociations) {
          auto outcome = listener.check(datagram, peer_bytes, now());
          if (outcome.verdict == Listener::Verdict::kReply) {
            (void)sendto(fd, outcome.reply.data(), outcome.reply.size(), 0, peer.sa(), peer.len);
          } else if (outcome.verdict == Listener::Verdict::kAccept) {
            auto conn = listener.accept(datagram, peer_bytes, now());
            if (conn) {
              const Listener::AssociationId id = next_id++;
              if (listener.bind(id, **conn)) {
                associations.emplace(id, Association{peer, std::move(conn).value(), false, {}});
              }
            }
          }
        }
      }
    }
    for (auto it = associations.begin(); it != associations.end();) {
      auto t = it->second.connection->next_timeout();
      if (t && *t <= now()) it->second.connection->handle_timeout(now());
      if (!service(it->first, it->second)) {
        listener.unbind(it->first);
        it = associations.erase(it);
        if (o.naccept > 0 && ++ended >= o.naccept) {
          close(fd);
          return 0;
        }
      } else {
        ++it;
      }
    }
  }
}

}  // namespace

int run_proxy(int argc, char** argv);  // tools/proxy.cpp
int run_on_shim(int argc, char** argv);  // tools/run_doctor.cpp
int run_doctor(int argc, char** argv);  // tools/run_doctor.cpp

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::printf("usage: cachet COMMAND [options]\n"
                "  client HOST:PORT   DTLS 1.2 client (cachet client --help)\n"
                "  server --listen A  DTLS 1.2 server (cachet server --help)\n"
                "  proxy --listen A   UDP impairment proxy (cachet proxy --help)\n"
                "  run -- PROGRAM     run an OpenSSL program unchanged on Cachet's shim (cachet run --help)\n"
                "  doctor PROGRAM     which OpenSSL symbols PROGRAM imports and whether Cachet's shim\n"
                "                     provides them (cachet doctor --help)\n"
                "  version            print the library version\n");
    return argc < 2 ? 1 : 0;
  }
  const std::string cmd = argv[1];
  if (cmd == "client") return run_client(parse_options(argc - 2, argv + 2, false));
  if (cmd == "server") return run_server(parse_options(argc - 2, argv + 2, true));
  if (cmd == "proxy") return run_proxy(argc - 2, argv + 2);
  if (cmd == "run") return run_on_shim(argc - 2, argv + 2);
  if (cmd == "doctor") return run_doctor(argc - 2, argv + 2);
  if (cmd == "version") {
    std::printf("cachet %s\n", std::string(cachet::version()).c_str());
    return 0;
  }
  die("unknown command " + cmd + " (try: cachet --help)");
}
