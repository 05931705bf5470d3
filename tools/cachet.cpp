// cachet — the command line: a DTLS 1.2 client and server on UDP sockets,
// written only against the public API (include/cachet/).
//
//   cachet server --listen 127.0.0.1:4433 --cert server.pem --key server.key --echo
//   cachet client 127.0.0.1:4433 --ca ca.pem --servername localhost
#include <cachet/cachet.hpp>
#include <cachet/info.hpp>

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace cachet;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "cachet: %s\n", message.c_str());
  std::exit(1);
}

// --- options ------------------------------------------------------------------

struct Options {
  std::string target;  // client: HOST:PORT; server: --listen
  std::string ca, servername, cert, key, psk_identity, psk_hex, ciphers, groups, srtp, alpn, export_spec;
  bool insecure = false, verify_client = false, no_cookie = false, json = false, echo = false, once = false;
  size_t mtu = 1400;
  double timeout_s = 10;
  double wait_s = 1.0;
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
    "  --timeout S          handshake timeout (default 10)\n"
    "  --wait S             time to wait for replies after stdin ends (default 1)\n";

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
    "  --echo               echo application data back\n"
    "  --once               exit when the first association ends\n";

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
    else if (a == "--once" && server) o.once = true;
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
  if (!o.cert.empty() || !o.key.empty()) {
    if (o.cert.empty() || o.key.empty()) die("--cert and --key go together");
    b.certificate_file(o.cert).private_key_file(o.key);
  }
  if (!o.ca.empty()) b.ca_file(o.ca);
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
  if (server) {
    if (o.verify_client) b.client_auth(ClientAuth::kRequire);
    if (o.no_cookie) b.cookie_exchange(false);
  } else if (o.insecure) {
    b.verify_peer(false);
  } else if (o.ca.empty() && o.psk_hex.empty()) {
    b.system_trust();
  }
  auto ctx = b.build();
  if (!ctx) die(std::string("configuration: ") + ctx.error().what() + " (" +
                std::string(error_code_name(ctx.error().code())) + ")");
  return std::move(ctx).value();
}

// --- sockets --------------------------------------------------------------------

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string text() const {
    char host[INET6_ADDRSTRLEN] = {};
    uint16_t port = 0;
    if (addr.ss_family == AF_INET) {
      auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
      inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
      port = ntohs(a->sin_port);
      return std::string(host) + ":" + std::to_string(port);
    }
    auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
    port = ntohs(a->sin6_port);
    return "[" + std::string(host) + "]:" + std::to_string(port);
  }
  std::vector<uint8_t> bytes() const {
    const auto* p = reinterpret_cast<const uint8_t*>(&addr);
    return std::vector<uint8_t>(p, p + len);
  }
};

Endpoint resolve(const std::string& hostport) {
  const size_t colon = hostport.rfind(':');
  if (colon == std::string::npos) die("address must be HOST:PORT: " + hostport);
  std::string host = hostport.substr(0, colon);
  const std::string port = hostport.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_family = AF_UNSPEC;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr) {
    die("cannot resolve " + hostport);
  }
  Endpoint e;
  std::memcpy(&e.addr, res->ai_addr, res->ai_addrlen);
  e.len = static_cast<socklen_t>(res->ai_addrlen);
  freeaddrinfo(res);
  return e;
}

int udp_socket(int family) {
  const int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die(std::string("socket: ") + std::strerror(errno));
  return fd;
}

Instant now() { return Instant::now(); }

std::span<const uint8_t> as_bytes_view(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

int poll_timeout_ms(std::optional<Instant> deadline, int cap_ms) {
  if (!deadline) return cap_ms;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - now()).count();
  if (ms < 0) return 0;
  return static_cast<int>(std::min<long long>(ms + 1, cap_ms));
}

// --- reporting --------------------------------------------------------------------

std::string hex(const std::vector<uint8_t>& b) {
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
  std::vector<std::pair<std::string, std::string>> fields;
  void add(const std::string& k, const std::string& v) { fields.emplace_back(k, v); }
  void print(bool json, FILE* human, const std::string& prefix = "") const {
    if (json) {
      std::string s = "{";
      for (size_t i = 0; i < fields.size(); ++i) {
        s += (i ? "," : "") + std::string("\"") + fields[i].first + "\":\"" + json_escape(fields[i].second) + "\"";
      }
      s += "}";
      std::printf("%s\n", s.c_str());
      std::fflush(stdout);
    } else {
      for (const auto& [k, v] : fields) std::fprintf(human, "%s%s: %s\n", prefix.c_str(), k.c_str(), v.c_str());
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
  if (!c.peer_certificates().empty()) {
    auto summary = describe_certificate(c.peer_certificates().front());
    if (summary) {
      r.add("peer_subject", summary->subject);
      r.add("peer_sha256", summary->sha256_fingerprint);
    }
  }
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
  return r;
}

std::string failure_text(const Connection& c) {
  std::string s = c.error().what();
  if (c.alert_sent()) s += " (sent alert " + std::to_string(*c.alert_sent()) + ")";
  if (c.alert_received()) s += " (received alert " + std::to_string(*c.alert_received()) + ")";
  return s;
}

// --- client -----------------------------------------------------------------------

int run_client(const Options& o) {
  auto ctx = build_context(o, false);
  const Endpoint server = resolve(o.target);
  const int fd = udp_socket(server.addr.ss_family);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&server.addr), server.len) != 0) {
    die(std::string("connect: ") + std::strerror(errno));
  }
  std::string name = o.servername;
  if (name.empty()) {
    name = o.target.substr(0, o.target.rfind(':'));
    in_addr v4{};
    if (inet_pton(AF_INET, name.c_str(), &v4) == 1 || name.find(':') != std::string::npos) name.clear();
  }
  auto conn_r = Connection::client(ctx, name);
  if (!conn_r) die(conn_r.error().what());
  Connection& conn = **conn_r;
  const Instant deadline = now() + std::chrono::milliseconds(static_cast<long>(o.timeout_s * 1000));
  if (!conn.start(now())) die(std::string("start: ") + failure_text(conn));

  bool reported = false, stdin_open = true;
  std::optional<Instant> stop_at;
  std::string line_buffer;
  std::vector<uint8_t> buf(65536);
  for (;;) {
    while (auto d = conn.poll_transmit()) (void)send(fd, d->data(), d->size(), 0);
    if (conn.state() == ConnectionState::kFailed) {
      std::fprintf(stderr, "cachet: handshake failed: %s\n", failure_text(conn).c_str());
      return 1;
    }
    if (conn.state() == ConnectionState::kClosed) break;
    if (conn.is_established() && !reported) {
      reported = true;
      if (!o.json) describe(conn, o).print(false, stderr);
    }
    while (auto data = conn.read()) {
      std::fwrite(data->data(), 1, data->size(), stdout);
      std::fflush(stdout);
    }
    if (!conn.is_established() && now() >= deadline) {
      std::fprintf(stderr, "cachet: handshake timed out after %.1f s\n", o.timeout_s);
      return 1;
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
          if (!conn.write(as_bytes_view(line))) die("write failed");
        }
      }
    }
    const auto t = conn.next_timeout();
    if (t && *t <= now()) conn.handle_timeout(now());
  }
  if (!line_buffer.empty()) (void)conn.write(as_bytes_view(line_buffer));
  conn.close();
  while (auto d = conn.poll_transmit()) (void)send(fd, d->data(), d->size(), 0);
  if (o.json) describe(conn, o).print(true, stderr);
  close(fd);
  return 0;
}

// --- server -----------------------------------------------------------------------

struct Association {
  Endpoint peer;
  std::unique_ptr<Connection> connection;
  bool reported = false;
};

constexpr size_t kMaxAssociations = 4096;

int run_server(const Options& o) {
  auto ctx = build_context(o, true);
  const Endpoint local = resolve(o.target);
  const int fd = udp_socket(local.addr.ss_family);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&local.addr), local.len) != 0) {
    die("bind " + o.target + ": " + std::strerror(errno));
  }
  auto listener_r = Listener::create(ctx);
  if (!listener_r) die(listener_r.error().what());
  Listener& listener = **listener_r;
  std::fprintf(stderr, "cachet: listening on %s\n", o.target.c_str());

  std::map<std::string, Association> associations;
  std::vector<uint8_t> buf(65536);
  auto flush = [&](Association& a) {
    while (auto d = a.connection->poll_transmit()) {
      (void)sendto(fd, d->data(), d->size(), 0, reinterpret_cast<const sockaddr*>(&a.peer.addr), a.peer.len);
    }
  };
  auto service = [&](Association& a) -> bool {  // false when the association is over
    Connection& c = *a.connection;
    if (c.is_established() && !a.reported) {
      a.reported = true;
      Report r = describe(c, o);
      r.fields.insert(r.fields.begin(), {"peer", a.peer.text()});
      r.fields.insert(r.fields.begin(), {"event", "established"});
      r.print(o.json, stderr, o.json ? "" : "[" + a.peer.text() + "] ");
    }
    while (auto data = c.read()) {
      if (o.echo) (void)c.write(*data);
      else {
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
      r.print(o.json, stderr, o.json ? "" : "[" + a.peer.text() + "] ");
      return false;
    }
    return true;
  };

  bool had_association = false;
  for (;;) {
    std::optional<Instant> wake;
    for (auto& [k, a] : associations) {
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
        const std::string key = peer.text();
        auto it = associations.find(key);
        if (it != associations.end()) {
          it->second.connection->handle_datagram(datagram, now());
        } else if (associations.size() < kMaxAssociations) {
          const auto peer_bytes = peer.bytes();
          auto outcome = listener.check(datagram, peer_bytes, now());
          if (outcome.verdict == Listener::Verdict::kReply) {
            (void)sendto(fd, outcome.reply.data(), outcome.reply.size(), 0,
                         reinterpret_cast<const sockaddr*>(&peer.addr), peer.len);
          } else if (outcome.verdict == Listener::Verdict::kAccept) {
            auto conn = listener.accept(datagram, peer_bytes, now());
            if (conn) {
              it = associations.emplace(key, Association{peer, std::move(conn).value(), false}).first;
              had_association = true;
            }
          }
        }
      }
    }
    for (auto it = associations.begin(); it != associations.end();) {
      auto t = it->second.connection->next_timeout();
      if (t && *t <= now()) it->second.connection->handle_timeout(now());
      if (!service(it->second)) {
        it = associations.erase(it);
        if (o.once && had_association) {
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

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::printf("usage: cachet COMMAND [options]\n"
                "  client HOST:PORT   DTLS 1.2 client (cachet client --help)\n"
                "  server --listen A  DTLS 1.2 server (cachet server --help)\n"
                "  proxy --listen A   UDP impairment proxy (cachet proxy --help)\n"
                "  version            print the library version\n");
    return argc < 2 ? 1 : 0;
  }
  const std::string cmd = argv[1];
  if (cmd == "client") return run_client(parse_options(argc - 2, argv + 2, false));
  if (cmd == "server") return run_server(parse_options(argc - 2, argv + 2, true));
  if (cmd == "proxy") return run_proxy(argc - 2, argv + 2);
  if (cmd == "version") {
    std::printf("cachet %s\n", std::string(cachet::version()).c_str());
    return 0;
  }
  die("unknown command " + cmd + " (try: cachet --help)");
}
