// cachet proxy — a UDP impairment proxy for testing any DTLS peer.
//
//   cachet proxy --listen 127.0.0.1:5000 --to 127.0.0.1:4433 --loss 0.2 --seed 7
//
// Clients send to --listen; each client (by source address) gets its own
// upstream socket towards --to, so replies find their way back. Both
// directions pass through one seeded netsim::Network, so a seed replays the
// same drop/duplicate/reorder decisions for the same sequence of datagrams.
#include <cachet/time.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "net.hpp"
#include "netsim/netsim.hpp"

int run_proxy(int argc, char** argv);

namespace {

using namespace cachet;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "cachet proxy: %s\n", message.c_str());
  std::exit(1);
}

// A cap on what a flood of spoofed source addresses can make us hold.
constexpr size_t kMaxClients = 1024;
constexpr Duration kClientIdleTimeout = std::chrono::seconds(60);
constexpr int kMaxReadsPerWakeup = 64;  // per socket, so one busy peer cannot starve the rest
constexpr size_t kMaxDatagram = 65536;

// --- options ------------------------------------------------------------------

struct ProxyOptions {
  std::string listen, to;
  netsim::Impairments impairments;
  uint64_t seed = 1;
  bool json = false;
  bool log_sizes = false;
  std::optional<double> duration_s;
  // --blackout PERIOD:LENGTH; period zero: none.
  Duration blackout_period{0}, blackout_length{0};
};

const char* kProxyHelp =
    "usage: cachet proxy --listen ADDR:PORT --to ADDR:PORT [options]\n"
    "  Relays UDP datagrams both ways through seeded impairments.\n"
    "  --loss P        drop probability (0..1, or a percentage such as 20%)\n"
    "  --dup P         duplicate probability\n"
    "  --reorder P     probability a datagram is held back 50 ms\n"
    "  --corrupt P     probability one bit is flipped\n"
    "  --delay MS      one-way delay in milliseconds\n"
    "  --jitter MS     extra uniform delay in [0, MS)\n"
    "  --mtu N         drop datagrams larger than N bytes\n"
    "  --blackout PERIOD_MS:LENGTH_MS\n"
    "                  periodic outage: time is cut into PERIOD ms periods from the\n"
    "                  proxy's start, and everything received (either way) in the\n"
    "                  first LENGTH ms of each period is lost, so the first outage\n"
    "                  begins at start (0 < LENGTH < PERIOD; counted as blacked_out)\n"
    "  --seed N        seed of the impairment draws (default 1)\n"
    "  --duration S    stop after S seconds (default: until SIGINT/SIGTERM)\n"
    "  --json          print the final statistics as JSON\n"
    "  --log-sizes     log each datagram forwarded: \"to_server|to_client SIZE type T\"\n"
    "                  (T: the first record's content type) on stderr\n"
    "  Statistics go to stderr on exit.\n";

double parse_number(const std::string& option, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(v) || v < 0) {
    die(option + " wants a non-negative number, not '" + text + "'");
  }
  return v;
}

double parse_probability(const std::string& option, std::string text) {
  const bool percent = !text.empty() && text.back() == '%';
  if (percent) text.pop_back();
  const double v = parse_number(option, text) / (percent ? 100.0 : 1.0);
  if (v > 1) die(option + " wants a probability in 0..1 (or 0%..100%), not '" + text + (percent ? "%'" : "'"));
  return v;
}

uint64_t parse_unsigned(const std::string& option, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || text[0] == '-' || end != text.c_str() + text.size() || errno != 0) {
    die(option + " wants a non-negative integer, not '" + text + "'");
  }
  return v;
}

Duration parse_millis(const std::string& option, const std::string& text) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(parse_number(option, text)));
}

// "PERIOD_MS:LENGTH_MS", both positive, LENGTH < PERIOD.
void parse_blackout(const std::string& option, const std::string& text, ProxyOptions& o) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos) die(option + " wants PERIOD_MS:LENGTH_MS, not '" + text + "'");
  o.blackout_period = parse_millis(option, text.substr(0, colon));
  o.blackout_length = parse_millis(option, text.substr(colon + 1));
  if (o.blackout_period.count() <= 0 || o.blackout_length.count() <= 0)
    die(option + " wants a positive PERIOD_MS and LENGTH_MS, not '" + text + "'");
  if (o.blackout_length >= o.blackout_period)
    die(option + " wants LENGTH_MS shorter than PERIOD_MS (else the link is always down), not '" + text + "'");
}

ProxyOptions parse_proxy_options(int argc, char** argv) {
  ProxyOptions o;
  netsim::Impairments& imp = o.impairments;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die("option " + a + " needs a value (see --help)");
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kProxyHelp, stdout);
      std::exit(0);
    } else if (a == "--listen") o.listen = value();
    else if (a == "--to") o.to = value();
    else if (a == "--loss") imp.loss = parse_probability(a, value());
    else if (a == "--dup") imp.duplicate = parse_probability(a, value());
    else if (a == "--reorder") imp.reorder = parse_probability(a, value());
    else if (a == "--corrupt") imp.corrupt = parse_probability(a, value());
    else if (a == "--delay") imp.delay = parse_millis(a, value());
    else if (a == "--jitter") imp.jitter = parse_millis(a, value());
    else if (a == "--mtu") {
      imp.mtu = parse_unsigned(a, value());
      if (imp.mtu == 0) die("--mtu wants a positive size");
    }
    else if (a == "--blackout") parse_blackout(a, value(), o);
    else if (a == "--seed") o.seed = parse_unsigned(a, value());
    else if (a == "--duration") o.duration_s = parse_number(a, value());
    else if (a == "--json") o.json = true;
    else if (a == "--log-sizes") o.log_sizes = true;
    else die("unknown option " + a + " (see --help)");
  }
  if (o.listen.empty()) die("--listen ADDR:PORT is required");
  if (o.to.empty()) die("--to ADDR:PORT is required");
  return o;
}

// --- sockets --------------------------------------------------------------------

using net::Endpoint;

Endpoint resolve(const std::string& option, const std::string& hostport) {
  Endpoint e;
  switch (net::resolve(hostport, e)) {
    case net::ResolveStatus::kOk: break;
    case net::ResolveStatus::kNotHostPort: die(option + " must be ADDR:PORT, not '" + hostport + "'");
    case net::ResolveStatus::kUnresolvable: die("cannot resolve " + option + " " + hostport);
  }
  return e;
}

int udp_socket(int family) {
  const int fd = net::udp_socket(family);
  if (fd < 0) die(std::string("socket: ") + std::strerror(errno));
  return fd;
}

volatile sig_atomic_t g_stop = 0;

void on_signal(int) { g_stop = 1; }

void install_signal_handlers() {
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: poll() returns EINTR and the loop sees g_stop
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// --- the proxy --------------------------------------------------------------------

// In netsim, a datagram is addressed to {client id, direction}. Ids are never
// reused, so a datagram still in flight for an expired client is dropped
// instead of reaching a newcomer on the same slot.
constexpr uint16_t kToServer = 1;
constexpr uint16_t kToClient = 2;

struct Client {
  Endpoint address;
  int upstream_fd = -1;  // connected to --to
  Instant last_active;
};

struct ProxyStats {
  uint64_t from_clients = 0, to_server = 0, from_server = 0, to_clients = 0, refused = 0, unroutable = 0;
};

class Proxy {
 public:
  explicit Proxy(const ProxyOptions& o)
      : options_(o), upstream_(resolve("--to", o.to)), network_(o.seed, o.impairments), buffer_(kMaxDatagram) {}

  void open();
  void run();
  void report() const;

 private:
  std::vector<pollfd> poll_set(std::vector<uint32_t>& ids) const;
  int poll_timeout(std::optional<Instant> stop_at) const;
  void read_clients();
  void read_server(uint32_t id);
  std::optional<uint32_t> client_for(const Endpoint& peer, Instant now);
  void impair(uint32_t id, uint16_t direction, ssize_t length, Instant now);
  void schedule_blackout(Instant now);
  void forward_due();
  void expire_idle(Instant now);

  ProxyOptions options_;
  Endpoint upstream_;
  int listen_fd_ = -1;
  netsim::Network network_;
  std::map<std::string, uint32_t> ids_by_address_;
  std::map<uint32_t, Client> clients_;
  uint32_t next_id_ = 1;
  ProxyStats stats_;
  std::vector<uint8_t> buffer_;
  Instant started_;                  // listening since: --blackout periods count from here
  int64_t blackout_scheduled_ = -1;   // the period whose outage netsim holds
};

void Proxy::open() {
  const Endpoint local = resolve("--listen", options_.listen);
  listen_fd_ = udp_socket(local.addr.ss_family);
  const int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(listen_fd_, local.sa(), local.len) != 0) {
    die("bind " + options_.listen + ": " + std::strerror(errno));
  }
  std::fprintf(stderr, "cachet proxy: listening on %s, forwarding to %s (seed %llu)\n", options_.listen.c_str(),
               options_.to.c_str(), static_cast<unsigned long long>(options_.seed));
  started_ = Instant::now();
}

std::optional<uint32_t> Proxy::client_for(const Endpoint& peer, Instant now) {
  const std::string key = peer.key();
  if (auto it = ids_by_address_.find(key); it != ids_by_address_.end()) return it->second;
  if (clients_.size() >= kMaxClients) expire_idle(now);
  if (clients_.size() >= kMaxClients) return std::nullopt;
  const int fd = udp_socket(upstream_.addr.ss_family);
  if (connect(fd, upstream_.sa(), upstream_.len) != 0) {
    std::fprintf(stderr, "cachet proxy: connect %s: %s\n", options_.to.c_str(), std::strerror(errno));
    close(fd);
    return std::nullopt;
  }
  const uint32_t id = next_id_++;
  clients_.emplace(id, Client{peer, fd, now});
  ids_by_address_.emplace(key, id);
  return id;
}

void Proxy::read_clients() {
  for (int n = 0; n < kMaxReadsPerWakeup; ++n) {
    Endpoint peer;
    peer.len = sizeof peer.addr;
    const ssize_t r = recvfrom(listen_fd_, buffer_.data(), buffer_.size(), MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&peer.addr), &peer.len);
    if (r < 0) return;
    ++stats_.from_clients;
    const Instant now = Instant::now();
    const auto id = client_for(peer, now);
    if (!id) {
      ++stats_.refused;
      continue;
    }
    clients_[*id].last_active = now;
    impair(*id, kToServer, r, now);
  }
}

void Proxy::read_server(uint32_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  for (int n = 0; n < kMaxReadsPerWakeup; ++n) {
    const ssize_t r = recv(it->second.upstream_fd, buffer_.data(), buffer_.size(), MSG_DONTWAIT);
    if (r < 0) return;  // includes ECONNREFUSED while nothing listens on --to
    ++stats_.from_server;
    const Instant now = Instant::now();
    it->second.last_active = now;
    impair(id, kToClient, r, now);
  }
}

// The datagram in buffer_ into the impairments, towards `direction`.
void Proxy::impair(uint32_t id, uint16_t direction, ssize_t length, Instant now) {
  schedule_blackout(now);
  network_.send({id, 0}, {id, direction}, Bytes(buffer_.begin(), buffer_.begin() + length), now);
}

// netsim drops what is sent inside its blackout intervals; a periodic outage
// is kept there as the one interval of the current period.
void Proxy::schedule_blackout(Instant now) {
  if (options_.blackout_period.count() == 0) return;
  const int64_t period = (now - started_) / options_.blackout_period;
  if (period == blackout_scheduled_) return;
  const Instant start = started_ + options_.blackout_period * period;
  netsim::Impairments imp = network_.impairments();
  imp.blackouts = {{start, start + options_.blackout_length}};
  network_.set_impairments(std::move(imp));
  blackout_scheduled_ = period;
}

void Proxy::forward_due() {
  for (const netsim::Datagram& d : network_.deliver(Instant::now())) {
    auto it = clients_.find(d.to.host);
    if (it == clients_.end()) {
      ++stats_.unroutable;
      continue;
    }
    const Client& c = it->second;
    if (options_.log_sizes) {
      std::fprintf(stderr, "%s %zu type %u\n", d.to.port == kToServer ? "to_server" : "to_client", d.bytes.size(),
                   d.bytes.empty() ? 0u : static_cast<unsigned>(d.bytes[0]));
    }
    if (d.to.port == kToServer) {
      (void)send(c.upstream_fd, d.bytes.data(), d.bytes.size(), 0);
      ++stats_.to_server;
    } else {
      (void)sendto(listen_fd_, d.bytes.data(), d.bytes.size(), 0, c.address.sa(), c.address.len);
      ++stats_.to_clients;
    }
  }
}

void Proxy::expire_idle(Instant now) {
  for (auto it = clients_.begin(); it != clients_.end();) {
    if (now - it->second.last_active < kClientIdleTimeout) {
      ++it;
      continue;
    }
    close(it->second.upstream_fd);
    ids_by_address_.erase(it->second.address.key());
    it = clients_.erase(it);
  }
}

std::vector<pollfd> Proxy::poll_set(std::vector<uint32_t>& ids) const {
  std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
  ids.clear();
  for (const auto& [id, c] : clients_) {
    fds.push_back({c.upstream_fd, POLLIN, 0});
    ids.push_back(id);
  }
  return fds;
}

int Proxy::poll_timeout(std::optional<Instant> stop_at) const {
  std::optional<Instant> wake = network_.next_delivery();
  if (stop_at && (!wake || *stop_at < *wake)) wake = stop_at;
  constexpr int kIdleSweepMs = 1000;
  if (!wake) return kIdleSweepMs;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*wake - Instant::now()).count();
  if (ms < 0) return 0;
  return static_cast<int>(std::min<long long>(ms + 1, kIdleSweepMs));
}

void Proxy::run() {
  std::optional<Instant> stop_at;
  if (options_.duration_s) {
    stop_at = Instant::now() + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(*options_.duration_s));
  }
  std::vector<uint32_t> ids;
  while (!g_stop && !(stop_at && Instant::now() >= *stop_at)) {
    std::vector<pollfd> fds = poll_set(ids);
    if (poll(fds.data(), fds.size(), poll_timeout(stop_at)) < 0 && errno != EINTR) die("poll failed");
    if (fds[0].revents & POLLIN) read_clients();
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents & (POLLIN | POLLERR)) read_server(ids[i - 1]);
    }
    forward_due();
    expire_idle(Instant::now());
  }
}

void Proxy::report() const {
  const netsim::NetworkStats& n = network_.stats();
  const std::vector<std::pair<const char*, uint64_t>> fields = {
      {"clients", next_id_ - 1},        {"from_clients", stats_.from_clients}, {"to_server", stats_.to_server},
      {"from_server", stats_.from_server}, {"to_clients", stats_.to_clients}, {"lost", n.lost},
      {"duplicated", n.duplicated},      {"reordered", n.reordered},          {"corrupted", n.corrupted},
      {"too_big", n.too_big},            {"blacked_out", n.blacked_out},      {"refused", stats_.refused},
      {"unroutable", stats_.unroutable},
  };
  std::string line = options_.json ? "{" : "cachet proxy: stats";
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string v = std::to_string(fields[i].second);
    if (options_.json) line += (i ? ",\"" : "\"") + std::string(fields[i].first) + "\":" + v;
    else line += " " + std::string(fields[i].first) + "=" + v;
  }
  if (options_.json) line += "}";
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace

int run_proxy(int argc, char** argv) {
  const ProxyOptions options = parse_proxy_options(argc, argv);
  Proxy proxy(options);
  install_signal_handlers();
  proxy.open();
  proxy.run();
  proxy.report();
  return 0;
}
