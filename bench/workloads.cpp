// cachet-bench — every measurement, written once against bench::Stack.
#include "workloads.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <deque>
#include <set>

namespace bench {
namespace {

constexpr size_t kPayload = 1200;
constexpr int kBatch = 16;  // records written before the reader runs

// Runs the CPU clock only around the server's calls when asked to.
class ServerTimer {
 public:
  explicit ServerTimer(bool on) : on_(on) {}
  template <typename F>
  auto operator()(F&& f) {
    if (!on_) return f();
    const double t0 = thread_cpu_seconds();
    struct Add {
      double t0;
      double* total;
      ~Add() { *total += thread_cpu_seconds() - t0; }
    } add{t0, &total};
    return f();
  }
  double total = 0;

 private:
  bool on_;
};

// One handshake between c and s with datagrams handed over directly.
bool handshake(Endpoint& c, Endpoint& s, std::string& error, ServerTimer* timer = nullptr, WireCount* wire = nullptr) {
  ServerTimer none(false);
  ServerTimer& t = timer != nullptr ? *timer : none;
  Datagram buf;
  c.start();
  for (int round = 0; round < 64; ++round) {
    bool moved = false;
    // A wakeup (one clock read for Cachet) per burst of datagrams received.
    for (bool woke = false; c.transmit(buf);) {
      if (wire != nullptr) wire->bytes += static_cast<double>(buf.size()), wire->datagrams += 1;
      t([&] {
        if (!woke) s.wakeup();
        s.receive(buf);
      });
      woke = moved = true;
    }
    for (bool woke = false; t([&] { return s.transmit(buf); });) {
      if (wire != nullptr) wire->bytes += static_cast<double>(buf.size()), wire->datagrams += 1;
      if (!woke) c.wakeup();
      c.receive(buf);
      woke = moved = true;
    }
    if (c.failed() || s.failed()) {
      error = c.failed() ? "client: " + c.error() : "server: " + s.error();
      return false;
    }
    if (!moved) {
      if (c.established() && s.established()) return true;
      error = "handshake stalled (client " + std::string(c.established() ? "established" : "handshaking") +
              ", server " + (s.established() ? "established" : "handshaking") + ")";
      return false;
    }
  }
  error = "handshake did not finish in 64 rounds";
  return false;
}

struct Pair {
  std::unique_ptr<Endpoint> c, s;
};

bool make_pair(Setup& setup, Pair& p, std::string& error, ServerTimer* timer = nullptr) {
  ServerTimer none(false);
  ServerTimer& t = timer != nullptr ? *timer : none;
  p.s = t([&] { return setup.server(); });
  p.c = setup.client();
  if (!p.c || !p.s) {
    error = "could not create the endpoints";
    return false;
  }
  return true;
}

// A full pair, established; for resumption configurations the setup first
// remembers a session from one full handshake.
std::unique_ptr<Setup> prepared(Stack& stack, const Config& config, std::string& error) {
  auto setup = stack.setup(config, error);
  if (!setup) return nullptr;
  if (config.resume != Config::Resume::kNone) {
    Pair p;
    if (!make_pair(*setup, p, error) || !handshake(*p.c, *p.s, error)) return nullptr;
    if (!setup->remember(*p.c)) {
      error = "no session to resume";
      return nullptr;
    }
  }
  return setup;
}

// --- UDP helpers ---------------------------------------------------------------

int udp_socket() {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

int local_port(int fd) {
  sockaddr_in a{};
  socklen_t n = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  return ntohs(a.sin_port);
}

bool connect_to(int fd, int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  return connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
}

// Sends what `e` has to send on the connected socket `fd`.
void flush(Endpoint& e, int fd, Datagram& buf) {
  while (e.transmit(buf)) {
    if (send(fd, buf.data(), buf.size(), 0) < 0 && errno != EAGAIN && errno != ECONNREFUSED) break;
  }
}

// Feeds every datagram waiting on `fd` to `e`; the number received.
int drain(Endpoint& e, int fd, Datagram& buf) {
  int n = 0;
  for (;;) {
    buf.resize(65536);
    const ssize_t r = recv(fd, buf.data(), buf.size(), 0);
    if (r < 0) return n;
    buf.resize(static_cast<size_t>(r));
    e.receive(buf);
    ++n;
  }
}

void wait_readable(int fd1, int fd2, int timeout_ms) {
  pollfd p[2] = {{fd1, POLLIN, 0}, {fd2, POLLIN, 0}};
  poll(p, fd2 >= 0 ? 2 : 1, timeout_ms);
}

struct UdpPair {
  int cfd = -1, sfd = -1;
  ~UdpPair() {
    if (cfd >= 0) close(cfd);
    if (sfd >= 0) close(sfd);
  }
  bool open() {
    cfd = udp_socket();
    sfd = udp_socket();
    return cfd >= 0 && sfd >= 0 && connect_to(cfd, local_port(sfd)) && connect_to(sfd, local_port(cfd));
  }
};

// One end of a udp.* row: the harness moves its datagrams with send() and
// recv() one at a time, unless the stack does its own batched I/O
// (Endpoint::udp_batch_io: only Cachet, through cachet::UdpSocket).
struct UdpEnd {
  Endpoint& e;
  int fd;
  UdpBatchIo* io;
  void flush(Datagram& buf) {
    if (io != nullptr) io->flush();
    else bench::flush(e, fd, buf);
  }
  int drain(Datagram& buf) { return io != nullptr ? io->drain() : bench::drain(e, fd, buf); }
};

bool udp_handshake(UdpEnd c, UdpEnd s, std::string& error) {
  Datagram buf;
  c.e.start();
  const auto give_up = Clock::now() + std::chrono::seconds(10);
  while (!(c.e.established() && s.e.established())) {
    c.flush(buf);
    s.flush(buf);
    wait_readable(c.fd, s.fd, 5);
    s.drain(buf);
    c.drain(buf);
    const auto now = Clock::now();
    for (Endpoint* e : {&c.e, &s.e}) {
      const auto d = e->deadline();
      if (d && *d <= now) e->handle_timeout();
    }
    if (c.e.failed() || s.e.failed()) {
      error = c.e.failed() ? "client: " + c.e.error() : "server: " + s.e.error();
      return false;
    }
    if (now > give_up) {
      error = "UDP handshake timed out";
      return false;
    }
  }
  c.flush(buf);
  s.flush(buf);
  return true;
}

}  // namespace

Sample handshake_rate(Stack& stack, const Config& config, bool server_only, double budget) {
  std::string error;
  auto setup = prepared(stack, config, error);
  if (!setup) return Sample::fail(error);
  const bool resuming = config.resume != Config::Resume::kNone;
  // Warm-up (caches, lazy initialisation), untimed.
  for (int i = 0; i < 2; ++i) {
    Pair p;
    if (!make_pair(*setup, p, error) || !handshake(*p.c, *p.s, error)) return Sample::fail(error);
    if (resuming && !p.c->resumed()) return Sample::fail("the session was not resumed");
  }
  ServerTimer timer(server_only);
  long count = 0;
  int batch = 1;
  const double start = process_cpu_seconds();
  double now = start;
  while (now - start < budget) {
    for (int i = 0; i < batch; ++i) {
      Pair p;
      if (!make_pair(*setup, p, error, &timer) || !handshake(*p.c, *p.s, error, &timer))
        return Sample::fail(error);
      if (resuming && !p.c->resumed()) return Sample::fail("the session was not resumed");
      p.c.reset();
      timer([&] { p.s.reset(); });
      ++count;
    }
    now = process_cpu_seconds();
    // Read the clock about every 10 ms of work.
    const double per = (now - start) / static_cast<double>(count);
    batch = std::clamp(static_cast<int>(0.01 / std::max(per, 1e-7)), 1, 1000);
  }
  const double cpu = server_only ? timer.total : now - start;
  return Sample::of(static_cast<double>(count) / cpu);
}

Sample throughput(Stack& stack, const Config& config, double budget, bool udp) {
  std::string error;
  auto setup = stack.setup(config, error);
  if (!setup) return Sample::fail(error);
  Pair p;
  if (!make_pair(*setup, p, error)) return Sample::fail(error);
  UdpPair u;
  UdpBatchIo* cio = nullptr;  // the stack's own batched UDP I/O, if it has one
  UdpBatchIo* sio = nullptr;
  if (udp) {
    if (!u.open()) return Sample::fail(std::string("UDP sockets: ") + std::strerror(errno));
    cio = p.c->udp_batch_io(u.cfd);
    sio = p.s->udp_batch_io(u.sfd);
    if (cio != nullptr || sio != nullptr) {
      static std::set<std::string> told;  // once per stack and process
      if (told.insert(stack.name()).second)
        std::fprintf(stderr, "cachet-bench: udp rows, %s: %s\n", stack.name().c_str(),
                     (cio != nullptr ? cio : sio)->describe().c_str());
    }
    UdpEnd c{*p.c, u.cfd, cio}, s{*p.s, u.sfd, sio};
    if (!udp_handshake(c, s, error)) return Sample::fail(error);
    Datagram junk;
    c.drain(junk);
  } else if (!handshake(*p.c, *p.s, error)) {
    return Sample::fail(error);
  }
  std::vector<uint8_t> payload(kPayload);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 131 + 7);
  Datagram buf;
  double bytes = 0;
  long lost = 0;
  bool warm = false;
  double start = process_cpu_seconds();
  double now = start;
  // Rounds between clock reads: reading the process CPU clock is a system
  // call (~1-2 us on a VM), which would otherwise be ~10% of a 16-record
  // round of the fastest stack; as handshake_rate, read it every ~10 ms.
  long rounds = 0;
  int per_read = 1;
  while (!warm || now - start < budget) {
    for (int r = 0; r < per_read; ++r) {
      if (cio != nullptr) {
        // Sealed and sent as one batch by the stack's own helper.
        if (!cio->write_batch(payload.data(), payload.size(), kBatch)) return Sample::fail("write: " + p.c->error());
      } else {
        for (int i = 0; i < kBatch; ++i)
          if (!p.c->write(payload.data(), payload.size())) return Sample::fail("write: " + p.c->error());
      }
      int got = 0;
      if (!udp) {
        while (p.c->transmit(buf)) p.s->receive(buf);
        while (size_t n = p.s->read()) {
          bytes += static_cast<double>(n);
          ++got;
        }
      } else {
        if (cio == nullptr) flush(*p.c, u.cfd, buf);
        UdpEnd s{*p.s, u.sfd, sio};
        // The datagrams are in the server socket's queue already (loopback
        // delivers within send()); wait briefly only if some are not.
        for (int tries = 0; got < kBatch && tries < 20; ++tries) {
          if (s.drain(buf) == 0) wait_readable(u.sfd, -1, 5);
          while (size_t n = p.s->read()) {
            bytes += static_cast<double>(n);
            ++got;
          }
        }
        lost += kBatch - got;
      }
      if (p.s->failed()) return Sample::fail("server: " + p.s->error());
      if (!udp && got != kBatch) return Sample::fail("records lost in memory (" + std::to_string(got) + " read)");
    }
    now = process_cpu_seconds();
    if (!warm) {  // the first batch warms caches; start the clock after it
      warm = true;
      bytes = 0;
      lost = 0;
      start = now = process_cpu_seconds();
      continue;
    }
    rounds += per_read;
    const double per = (now - start) / static_cast<double>(rounds);
    per_read = std::clamp(static_cast<int>(0.01 / std::max(per, 1e-7)), 1, 1000);
  }
  if (udp && lost * 10 > static_cast<long>(bytes / kPayload)) return Sample::fail("more than 10% of datagrams lost");
  return Sample::of(bytes / 1e6 / (now - start));
}

Sample heap_idle(Stack& stack, const Config& config, int pairs) {
  std::string error;
  auto setup = stack.setup(config, error);
  if (!setup) return Sample::fail(error);
  {
    Pair warm;
    if (!make_pair(*setup, warm, error) || !handshake(*warm.c, *warm.s, error)) return Sample::fail(error);
  }
  std::vector<Pair> all(static_cast<size_t>(pairs));
  const long long before = heap::in_use();
  for (auto& p : all) {
    if (!make_pair(*setup, p, error) || !handshake(*p.c, *p.s, error)) return Sample::fail(error);
    p.c->compact();
    p.s->compact();
  }
  const long long after = heap::in_use();
  // The adapter objects are the harness's, not the library's.
  long long adapters = 0;
  for (auto& p : all)
    adapters += static_cast<long long>(malloc_usable_size(p.c.get()) + malloc_usable_size(p.s.get()));
  return Sample::of(static_cast<double>(after - before - adapters) / (2.0 * pairs));
}

Sample heap_peak(Stack& stack, const Config& config, int pairs) {
  std::string error;
  auto setup = stack.setup(config, error);
  if (!setup) return Sample::fail(error);
  {
    Pair warm;
    if (!make_pair(*setup, warm, error) || !handshake(*warm.c, *warm.s, error)) return Sample::fail(error);
  }
  std::vector<Pair> all(static_cast<size_t>(pairs));
  Datagram buf;
  buf.reserve(65536);
  DatagramQueue::set_pooling(false);
  heap::reset();
  heap::track(true);
  bool ok = true;
  for (auto& p : all)
    if (!make_pair(*setup, p, error)) ok = false;
  if (ok) {
    for (auto& p : all) p.c->start();
    // Every pair moves one step at a time, so all are mid-handshake at once;
    // a flight waits in its sender's queue until the peer's turn.
    for (int round = 0; round < 64 && ok; ++round) {
      bool moved = false, done = true;
      for (auto& p : all)
        while (p.c->transmit(buf)) p.s->receive(buf), moved = true;
      for (auto& p : all)
        while (p.s->transmit(buf)) p.c->receive(buf), moved = true;
      for (auto& p : all) {
        if (p.c->failed() || p.s->failed()) {
          error = p.c->failed() ? "client: " + p.c->error() : "server: " + p.s->error();
          ok = false;
          break;
        }
        done = done && p.c->established() && p.s->established();
      }
      if (done || !moved) break;
    }
  }
  long long adapters = 0;
  for (auto& p : all)
    adapters += static_cast<long long>(malloc_usable_size(p.c.get()) + malloc_usable_size(p.s.get()));
  const long long peak = heap::peak() - adapters;
  heap::track(false);
  DatagramQueue::set_pooling(true);
  if (!ok) return Sample::fail(error);
  return Sample::of(static_cast<double>(peak) / (2.0 * pairs));
}

bool wire_count(Stack& stack, const Config& config, WireCount& out, std::string& error) {
  auto setup = prepared(stack, config, error);
  if (!setup) return false;
  Pair p;
  WireCount w;
  if (!make_pair(*setup, p, error) || !handshake(*p.c, *p.s, error, nullptr, &w)) return false;
  if (config.resume != Config::Resume::kNone && !p.c->resumed()) {
    error = "the session was not resumed";
    return false;
  }
  out = w;
  return true;
}

// --- the loss test endpoints -------------------------------------------------------

int loss_server(Stack& stack, const Config& config) {
  std::string error;
  auto setup = stack.setup(config, error);
  if (!setup) {
    std::printf("F %s\n", error.c_str());
    return 1;
  }
  const int fd = udp_socket();
  if (fd < 0) return 1;
  std::printf("PORT %d\n", local_port(fd));
  std::fflush(stdout);
  struct Peer {
    std::unique_ptr<Endpoint> e;
    sockaddr_in addr;
  };
  std::map<std::string, Peer> peers;
  std::deque<std::string> order;
  Datagram buf;
  auto send_all = [&](Peer& p) {
    while (p.e->transmit(buf))
      sendto(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&p.addr), sizeof p.addr);
  };
  for (;;) {
    int timeout_ms = 100;
    const auto now = Clock::now();
    for (auto& [k, p] : peers) {
      const auto d = p.e->deadline();
      if (d) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*d - now).count();
        timeout_ms = std::clamp(static_cast<int>(ms) + 1, 0, timeout_ms);
      }
    }
    pollfd pfd{fd, POLLIN, 0};
    poll(&pfd, 1, timeout_ms);
    for (;;) {
      sockaddr_in from{};
      socklen_t n = sizeof from;
      buf.resize(65536);
      const ssize_t r = recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &n);
      if (r < 0) break;
      buf.resize(static_cast<size_t>(r));
      const std::string key(reinterpret_cast<const char*>(&from), sizeof from);
      auto it = peers.find(key);
      if (it == peers.end()) {
        Peer p{setup->server(), from};
        if (!p.e) continue;
        it = peers.emplace(key, std::move(p)).first;
        order.push_back(key);
        if (order.size() > 256) {
          peers.erase(order.front());
          order.pop_front();
        }
      }
      Peer& p = it->second;
      p.e->receive(buf);
      // Once established, reading lets the library answer a retransmitted
      // final flight of the client (its Finished) by resending its own.
      if (p.e->established())
        while (p.e->read() > 0) {
        }
      send_all(p);
    }
    const auto later = Clock::now();
    for (auto& [k, p] : peers) {
      const auto d = p.e->deadline();
      if (d && *d <= later) {
        p.e->handle_timeout();
        send_all(p);
      }
    }
  }
}

int loss_client(Stack& stack, const Config& config, int port, int count, int parallel, double give_up_s) {
  std::string error;
  auto setup = stack.setup(config, error);
  if (!setup) {
    std::printf("F setup: %s\n", error.c_str());
    return 1;
  }
  struct Attempt {
    int fd;
    std::unique_ptr<Endpoint> e;
    Clock::time_point start;
  };
  std::vector<Attempt> active;
  // Finished attempts' sockets stay open until the run ends: closed, the
  // kernel could give a later client the same port, and `cachet proxy` (which
  // knows clients by address) would hand its ClientHello to the server's
  // established connection of the earlier one, never to complete (seen as
  // one "gave up after 60 s" in 100, in any column).
  std::vector<int> spent;
  int started = 0, finished = 0;
  Datagram buf;
  while (finished < count) {
    while (static_cast<int>(active.size()) < parallel && started < count) {
      Attempt a{udp_socket(), setup->client(), Clock::now()};
      ++started;
      if (a.fd < 0 || !a.e || !connect_to(a.fd, port)) {
        std::printf("F could not start a client\n");
        ++finished;
        if (a.fd >= 0) close(a.fd);
        continue;
      }
      a.e->start();
      flush(*a.e, a.fd, buf);
      active.push_back(std::move(a));
    }
    std::vector<pollfd> fds;
    int timeout_ms = 50;
    const auto now = Clock::now();
    for (auto& a : active) {
      fds.push_back({a.fd, POLLIN, 0});
      const auto d = a.e->deadline();
      if (d) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*d - now).count();
        timeout_ms = std::clamp(static_cast<int>(ms) + 1, 0, timeout_ms);
      }
    }
    poll(fds.data(), fds.size(), timeout_ms);
    for (size_t i = 0; i < active.size();) {
      Attempt& a = active[i];
      drain(*a.e, a.fd, buf);
      const auto d = a.e->deadline();
      if (d && *d <= Clock::now()) a.e->handle_timeout();
      flush(*a.e, a.fd, buf);
      const double elapsed = std::chrono::duration<double>(Clock::now() - a.start).count();
      bool done = true;
      if (a.e->established()) std::printf("T %.3f\n", elapsed * 1000.0);
      else if (a.e->failed()) std::printf("F %s\n", a.e->error().c_str());
      else if (elapsed > give_up_s) std::printf("F gave up after %.0f s\n", give_up_s);
      else done = false;
      if (done) {
        std::fflush(stdout);
        spent.push_back(a.fd);
        active.erase(active.begin() + static_cast<long>(i));
        ++finished;
      } else {
        ++i;
      }
    }
  }
  for (int fd : spent) close(fd);
  return 0;
}

}  // namespace bench
