// cachet::UdpSocket (src/io/udp_socket.cpp) on the loopback interface:
// batches of mixed and equal sizes, the GSO and the plain sendmmsg paths, GRO
// splitting, truncation, EAGAIN, IPv6, the kernel refusing GSO, no
// allocations per call, and a Cachet client and server moving 10,000 records
// over two UdpSockets.
#define BOOST_TEST_MODULE cachet_udp
#include <boost/test/unit_test.hpp>

#include <cachet/cachet.hpp>
#include <cachet/udp.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "test_util.hpp"

// Counts operator new while a test asks (allocation-free steady state).
namespace {
bool g_counting = false;
unsigned long g_allocations = 0;
}  // namespace

namespace {
[[gnu::noinline]] void* raw_malloc(std::size_t n) { return std::malloc(n); }
[[gnu::noinline]] void raw_free(void* p) { std::free(p); }
}  // namespace

void* operator new(std::size_t n) {
  if (g_counting) ++g_allocations;
  if (void* p = raw_malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (g_counting) ++g_allocations;
  return raw_malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept { raw_free(p); }
void operator delete[](void* p) noexcept { raw_free(p); }
void operator delete(void* p, std::size_t) noexcept { raw_free(p); }
void operator delete[](void* p, std::size_t) noexcept { raw_free(p); }

using namespace cachet;

namespace cachet {
std::ostream& operator<<(std::ostream& o, ErrorCode c) { return o << error_code_name(c); }
}  // namespace cachet

namespace {

using Bytes = std::vector<uint8_t>;
using Family = UdpSocket::Family;

// Datagram i: its index in the first two bytes, then a pattern of i.
std::vector<Bytes> make_datagrams(const std::vector<size_t>& sizes) {
  std::vector<Bytes> out;
  for (size_t i = 0; i < sizes.size(); ++i) {
    Bytes d(sizes[i]);
    for (size_t j = 0; j < d.size(); ++j) d[j] = static_cast<uint8_t>(i * 31 + j * 7);
    if (d.size() >= 2) d[0] = static_cast<uint8_t>(i), d[1] = static_cast<uint8_t>(i >> 8);
    out.push_back(std::move(d));
  }
  return out;
}

UdpOptions options(bool gso, bool gro) {
  UdpOptions o;
  o.gso = gso;
  o.gro = gro;
  o.receive_buffer = 1 << 20;  // capped by net.core.rmem_max; batches below stay within the default anyway
  return o;
}

UdpSocket open_loopback(Family family, const UdpOptions& o) {
  const SocketAddress any = family == Family::kIpv4 ? SocketAddress::ipv4_loopback(0) : SocketAddress::ipv6_loopback(0);
  auto s = UdpSocket::open_bound(any, o);
  BOOST_REQUIRE_MESSAGE(s.ok(), "open_bound: " << s.error().what());
  return std::move(s).value();
}

void connect_pair(UdpSocket& a, UdpSocket& b) {
  auto la = a.local_address();
  auto lb = b.local_address();
  BOOST_REQUIRE(la.ok() && lb.ok());
  BOOST_REQUIRE(a.connect(*lb).ok());
  BOOST_REQUIRE(b.connect(*la).ok());
}

void send_all(UdpSocket& s, const std::vector<Bytes>& datagrams, const SocketAddress* to = nullptr) {
  size_t done = 0;
  while (done < datagrams.size()) {
    auto r = s.send_batch(std::span<const Bytes>(datagrams).subspan(done), to);
    BOOST_REQUIRE_MESSAGE(r.ok(), "send_batch: " << r.error().what());
    done += *r;
    if (done < datagrams.size()) BOOST_REQUIRE(s.wait_writable(1000).ok());
  }
}

struct Received {
  std::vector<Bytes> datagrams;  // the good ones, copied
  std::vector<ErrorCode> errors;  // per datagram, kOk for good ones
  std::vector<SocketAddress> from;
};

// Receives until `count` datagrams (good or not) are in, waiting up to 2 s
// for each batch.
Received receive(UdpSocket& s, UdpReceiveBatch& batch, size_t count) {
  Received got;
  while (got.errors.size() < count) {
    auto n = s.receive_batch(batch);
    BOOST_REQUIRE_MESSAGE(n.ok(), "receive_batch: " << n.error().what());
    if (*n == 0) {
      auto w = s.wait_readable(2000);
      BOOST_REQUIRE(w.ok());
      if (!*w) break;  // lost
      continue;
    }
    BOOST_REQUIRE_EQUAL(*n, batch.size());
    for (auto& d : batch) {
      got.errors.push_back(d.error.code());
      got.from.push_back(d.from);
      if (d.ok()) got.datagrams.emplace_back(d.data.begin(), d.data.end());
    }
  }
  return got;
}

UdpReceiveBatch batch_for(const UdpSocket& s) {
  // A GRO socket needs 64 KiB slots; otherwise many small ones.
  return s.offload().gro ? UdpReceiveBatch(4) : UdpReceiveBatch(64, 9216);
}

const std::vector<size_t> kMixed = {1200, 1200, 1200, 700, 1200, 1, 0, 1400, 1400, 1400, 1400, 1399, 1399, 9000,
                                    100,  100,  100,  100, 100,  50, 1200, 1200, 1200, 1200, 1200, 1200, 3, 2, 1};

// A precondition's verdict; a skip says why on stdout too (the test driver
// runs Boost at a log level that does not show precondition messages).
boost::test_tools::assertion_result skip_unless(bool ok, const std::string& why) {
  boost::test_tools::assertion_result r(ok);
  if (!ok) {
    std::cout << "SKIP (not a pass): " << why << std::endl;
    r.message() << why;
  }
  return r;
}

boost::test_tools::assertion_result kernel_offers_gso_and_gro(boost::unit_test::test_unit_id) {
  auto s = UdpSocket::open(Family::kIpv4);
  return skip_unless(s.ok() && s->offload().gso && s->offload().gro,
                     "this kernel offers no UDP GSO/GRO (udp(7): UDP_SEGMENT since Linux 4.18, UDP_GRO since 5.0)");
}

boost::test_tools::assertion_result ipv6_loopback_usable(boost::unit_test::test_unit_id) {
  auto s = UdpSocket::open_bound(SocketAddress::ipv6_loopback(0));
  return skip_unless(s.ok(), std::string("cannot bind a UDP socket to [::1] (") + (s.ok() ? "" : s.error().what()) +
                                 "): no IPv6 loopback here");
}

}  // namespace

BOOST_AUTO_TEST_CASE(offload_is_reported) {
  auto on = UdpSocket::open(Family::kIpv4);
  BOOST_REQUIRE(on.ok());
  BOOST_TEST_MESSAGE("this kernel: GSO " << (on->offload().gso ? "on" : "off") << ", GRO "
                                         << (on->offload().gro ? "on" : "off"));
  auto off = UdpSocket::open(Family::kIpv4, options(false, false));
  BOOST_REQUIRE(off.ok());
  BOOST_TEST(!off->offload().gso);
  BOOST_TEST(!off->offload().gro);
}

BOOST_AUTO_TEST_CASE(mixed_and_equal_sizes_arrive_complete_and_in_order) {
  const std::vector<size_t> equal(40, 1200);
  for (bool gso : {true, false}) {
    for (bool gro : {true, false}) {
      for (const auto* sizes : {&kMixed, &equal}) {
        BOOST_TEST_CONTEXT("gso " << gso << ", gro " << gro << ", " << (sizes == &kMixed ? "mixed" : "equal")) {
          UdpSocket a = open_loopback(Family::kIpv4, options(gso, false));
          UdpSocket b = open_loopback(Family::kIpv4, options(false, gro));
          connect_pair(a, b);
          UdpReceiveBatch batch = batch_for(b);
          const auto sent = make_datagrams(*sizes);
          send_all(a, sent);
          const Received got = receive(b, batch, sent.size());
          BOOST_TEST(got.errors == std::vector<ErrorCode>(sent.size(), ErrorCode::kOk), boost::test_tools::per_element());
          BOOST_TEST((got.datagrams == sent));
          BOOST_TEST(a.stats().datagrams_sent == sent.size());
          if (gso && a.offload().gso) BOOST_TEST(a.stats().gso_messages >= 1u);
          if (!gso) BOOST_TEST(a.stats().gso_messages == 0u);
          // One system call for the whole batch (at most 64 datagrams per call).
          BOOST_TEST(a.stats().send_calls == 1u);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(gso_runs_respect_the_kernel_limits) {
  UdpSocket a = open_loopback(Family::kIpv4, options(true, false));
  UdpSocket b = open_loopback(Family::kIpv4, options(false, true));
  connect_pair(a, b);
  if (!a.offload().gso) {
    BOOST_TEST_MESSAGE("GSO not offered: the plain path only");
  }
  // 130 equal datagrams: runs of at most 64 segments (64, 64, 2 — in three
  // calls, 64 iovecs each); 60 of 1200 bytes: at most 65507 bytes per
  // message (54 + 6).
  for (auto [count, size] : {std::pair<size_t, size_t>{130, 300}, {60, 1200}}) {
    BOOST_TEST_CONTEXT(count << " x " << size) {
      const auto before = a.stats();
      UdpReceiveBatch batch = batch_for(b);
      const auto sent = make_datagrams(std::vector<size_t>(count, size));
      send_all(a, sent);
      const Received got = receive(b, batch, sent.size());
      BOOST_TEST((got.datagrams == sent));
      if (a.offload().gso) {
        const auto after = a.stats();
        BOOST_TEST(after.gso_messages - before.gso_messages == (count == 130 ? 3u : 2u));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(gso_and_sendmmsg_paths_deliver_the_same) {
  UdpSocket with_gso = open_loopback(Family::kIpv4, options(true, false));
  UdpSocket plain = open_loopback(Family::kIpv4, options(false, false));
  UdpSocket b = open_loopback(Family::kIpv4, options(false, true));
  auto lb = b.local_address();
  BOOST_REQUIRE(lb.ok());
  const auto sent = make_datagrams(kMixed);
  UdpReceiveBatch batch = batch_for(b);
  send_all(with_gso, sent, &*lb);
  const Received first = receive(b, batch, sent.size());
  send_all(plain, sent, &*lb);
  const Received second = receive(b, batch, sent.size());
  BOOST_TEST((first.datagrams == sent));
  BOOST_TEST((second.datagrams == first.datagrams));
  BOOST_TEST(plain.stats().gso_messages == 0u);
  // Each from the right sender.
  BOOST_REQUIRE(first.from.size() == sent.size() && second.from.size() == sent.size());
  BOOST_TEST((first.from.front() == *with_gso.local_address()));
  BOOST_TEST((second.from.back() == *plain.local_address()));
}

BOOST_AUTO_TEST_CASE(gro_splits_coalesced_buffers_into_the_original_datagrams,
                     *boost::unit_test::precondition(kernel_offers_gso_and_gro)) {
  UdpSocket a = open_loopback(Family::kIpv4, options(true, false));
  UdpSocket b = open_loopback(Family::kIpv4, options(false, true));
  connect_pair(a, b);
  BOOST_REQUIRE(a.offload().gso && b.offload().gro);
  // Two runs (40 x 1000 with a short last one, then 20 x 77) and singles.
  std::vector<size_t> sizes(40, 1000);
  sizes.push_back(333);
  sizes.push_back(1500);
  sizes.insert(sizes.end(), 20, 77);
  const auto sent = make_datagrams(sizes);
  UdpReceiveBatch batch(4);
  send_all(a, sent);
  const Received got = receive(b, batch, sent.size());
  BOOST_TEST((got.datagrams == sent));
  // On loopback the GSO message reaches a GRO socket whole: the split was ours.
  BOOST_TEST(b.stats().gro_buffers >= 2u);
  BOOST_TEST(b.stats().datagrams_received == sent.size());
  BOOST_TEST(b.stats().receive_calls <= 3u);
}

BOOST_AUTO_TEST_CASE(truncation_is_an_error_of_that_datagram_only) {
  for (bool gro : {false, true}) {
    BOOST_TEST_CONTEXT("gro " << gro) {
      UdpSocket a = open_loopback(Family::kIpv4, options(false, false));
      UdpSocket b = open_loopback(Family::kIpv4, options(false, gro));
      connect_pair(a, b);
      UdpReceiveBatch batch(8, 512);
      const auto sent = make_datagrams({100, 1000, 200});
      send_all(a, sent);
      const Received got = receive(b, batch, sent.size());
      BOOST_TEST(got.errors == (std::vector<ErrorCode>{ErrorCode::kOk, ErrorCode::kTruncated, ErrorCode::kOk}),
                 boost::test_tools::per_element());
      BOOST_REQUIRE(got.datagrams.size() == 2u);
      BOOST_TEST((got.datagrams[0] == sent[0]));
      BOOST_TEST((got.datagrams[1] == sent[2]));
    }
  }
}

BOOST_AUTO_TEST_CASE(empty_socket_is_eagain_as_nothing) {
  UdpSocket b = open_loopback(Family::kIpv4, {});
  UdpReceiveBatch batch;
  auto n = b.receive_batch(batch);
  BOOST_REQUIRE(n.ok());
  BOOST_TEST(*n == 0u);
  BOOST_TEST(batch.empty());
  auto w = b.wait_readable(0);
  BOOST_REQUIRE(w.ok());
  BOOST_TEST(!*w);
}

BOOST_AUTO_TEST_CASE(ipv6_loopback_batches, *boost::unit_test::precondition(ipv6_loopback_usable)) {
  for (bool gso : {true, false}) {
    BOOST_TEST_CONTEXT("gso " << gso) {
      UdpSocket a = open_loopback(Family::kIpv6, options(gso, false));
      UdpSocket b = open_loopback(Family::kIpv6, options(false, gso));
      connect_pair(a, b);
      BOOST_TEST(a.local_address()->is_ipv6());
      BOOST_TEST(a.local_address()->to_string().rfind("[::1]:", 0) == 0u);
      UdpReceiveBatch batch = batch_for(b);
      const auto sent = make_datagrams(kMixed);
      send_all(a, sent);
      const Received got = receive(b, batch, sent.size());
      BOOST_TEST((got.datagrams == sent));
      if (gso && a.offload().gso) BOOST_TEST(a.stats().gso_messages >= 1u);
    }
  }
}

BOOST_AUTO_TEST_CASE(unconnected_socket_answers_the_source) {
  UdpSocket server = open_loopback(Family::kIpv4, options(true, true));
  UdpSocket client = open_loopback(Family::kIpv4, options(true, true));
  auto ls = server.local_address();
  BOOST_REQUIRE(ls.ok());
  BOOST_REQUIRE(client.connect(*ls).ok());
  UdpReceiveBatch sb = batch_for(server), cb = batch_for(client);
  const auto hello = make_datagrams({10, 10, 10});
  send_all(client, hello);
  const Received at_server = receive(server, sb, hello.size());
  BOOST_REQUIRE(at_server.from.size() == 3u);
  BOOST_TEST((at_server.from[0] == *client.local_address()));
  BOOST_TEST(at_server.from[0].port() == client.local_address()->port());
  const auto reply = make_datagrams(std::vector<size_t>(5, 800));
  send_all(server, reply, &at_server.from[0]);
  BOOST_TEST((receive(client, cb, reply.size()).datagrams == reply));
}

BOOST_AUTO_TEST_CASE(kernel_refusing_gso_falls_back_to_sendmmsg_for_good,
                     *boost::unit_test::precondition(kernel_offers_gso_and_gro)) {
  UdpSocket a = open_loopback(Family::kIpv4, options(true, false));
  UdpSocket b = open_loopback(Family::kIpv4, options(false, true));
  connect_pair(a, b);
  BOOST_REQUIRE(a.offload().gso);
  // udp_send_skb() refuses to segment without UDP checksums (EINVAL).
  const int one = 1;
  BOOST_REQUIRE(setsockopt(a.fd(), SOL_SOCKET, SO_NO_CHECK, &one, sizeof one) == 0);
  UdpReceiveBatch batch = batch_for(b);
  const auto sent = make_datagrams(std::vector<size_t>(20, 1000));
  send_all(a, sent);
  BOOST_TEST((receive(b, batch, sent.size()).datagrams == sent));
  BOOST_TEST(!a.offload().gso);
  BOOST_TEST(a.stats().gso_messages == 0u);
  send_all(a, sent);
  BOOST_TEST((receive(b, batch, sent.size()).datagrams == sent));
}

BOOST_AUTO_TEST_CASE(move_only_and_owns_the_descriptor) {
  UdpSocket a = open_loopback(Family::kIpv4, {});
  const int fd = a.fd();
  BOOST_REQUIRE(fd >= 0);
  BOOST_TEST((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
  UdpSocket b = std::move(a);
  BOOST_TEST(a.fd() == -1);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  BOOST_TEST(!a.send_batch(std::span<const Bytes>()).ok());
  BOOST_TEST(b.fd() == fd);
  { UdpSocket c = std::move(b); }
  BOOST_TEST(fcntl(fd, F_GETFD) == -1);
  BOOST_TEST(errno == EBADF);
}

BOOST_AUTO_TEST_CASE(adopt_takes_a_descriptor) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  BOOST_REQUIRE(fd >= 0);
  auto s = UdpSocket::adopt(fd);
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(s->fd() == fd);
  BOOST_TEST((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
  BOOST_TEST(s->bind(SocketAddress::ipv4_loopback(0)).ok());
  const int tcp = socket(AF_INET, SOCK_STREAM, 0);
  BOOST_REQUIRE(tcp >= 0);
  auto bad = UdpSocket::adopt(tcp);
  BOOST_TEST(!bad.ok());
  BOOST_TEST(fcntl(tcp, F_GETFD) == -1);  // closed on failure too
}

BOOST_AUTO_TEST_CASE(addresses_parse_and_print) {
  auto v4 = SocketAddress::parse("127.0.0.1", 4433);
  BOOST_REQUIRE(v4.ok());
  BOOST_TEST(v4->to_string() == "127.0.0.1:4433");
  BOOST_TEST((*v4 == SocketAddress::ipv4_loopback(4433)));
  auto v6 = SocketAddress::parse("::1", 443);
  BOOST_REQUIRE(v6.ok());
  BOOST_TEST(v6->to_string() == "[::1]:443");
  BOOST_TEST((*SocketAddress::from_bytes(v6->bytes()) == *v6));
  BOOST_TEST(!SocketAddress::parse("localhost", 1).ok());
  BOOST_TEST(!SocketAddress::from_bytes(std::vector<uint8_t>(3)).ok());
  BOOST_TEST(SocketAddress().empty());
}

BOOST_AUTO_TEST_CASE(steady_state_allocates_nothing) {
  for (bool offload : {true, false}) {
    BOOST_TEST_CONTEXT("gso/gro " << offload) {
      UdpSocket a = open_loopback(Family::kIpv4, options(offload, false));
      UdpSocket b = open_loopback(Family::kIpv4, options(false, offload));
      connect_pair(a, b);
      UdpReceiveBatch batch = batch_for(b);
      const auto sent = make_datagrams(std::vector<size_t>(16, 1237));
      std::vector<std::span<const uint8_t>> spans(sent.begin(), sent.end());
      size_t received = 0;
      auto round = [&] {
        auto n = a.send_batch(spans);
        BOOST_REQUIRE(n.ok() && *n == spans.size());
        for (size_t got = 0; got < spans.size();) {
          auto r = b.receive_batch(batch);
          BOOST_REQUIRE(r.ok());
          if (*r == 0) (void)b.wait_readable(1000);
          got += *r;
          received += *r;
        }
      };
      round();  // warm-up
      g_allocations = 0;
      g_counting = true;
      for (int i = 0; i < 200; ++i) round();
      g_counting = false;
      BOOST_TEST(g_allocations == 0u);
      BOOST_TEST(received == 201u * 16u);
    }
  }
}

// --- a Cachet client and server over two UdpSockets -------------------------------

namespace {

constexpr size_t kRecord = 1200;
constexpr size_t kRecords = 10000;
constexpr size_t kWindow = 32;  // records in flight: well inside a default receive buffer

std::shared_ptr<const Context> client_context() {
  auto c = ContextBuilder(Role::kClient)
               .cipher_suites("ECDHE-ECDSA-AES128-GCM-SHA256")
               .ca_file(test::data_path("pki/p256/root.pem"))
               .build();
  BOOST_REQUIRE_MESSAGE(c.ok(), c.error().what());
  return std::move(c).value();
}

std::shared_ptr<const Context> server_context() {
  auto s = ContextBuilder(Role::kServer)
               .cipher_suites("ECDHE-ECDSA-AES128-GCM-SHA256")
               .certificate_file(test::data_path("pki/p256/server-chain.pem"))
               .private_key_file(test::data_path("pki/p256/server.key"))
               .build();
  BOOST_REQUIRE_MESSAGE(s.ok(), s.error().what());
  return std::move(s).value();
}

struct Side {
  std::unique_ptr<Connection> conn;
  UdpSocket sock;
  UdpReceiveBatch batch;
  std::vector<Bytes> out;  // poll_transmit buffers, reused
  size_t out_used = 0;

  // Everything the connection has to send, in one send_batch (or more,
  // waiting when the socket is full).
  void flush() {
    out_used = 0;
    for (;;) {
      if (out_used == out.size()) out.emplace_back();
      if (!conn->poll_transmit(out[out_used])) break;
      ++out_used;
    }
    send_all_of(std::span<const Bytes>(out.data(), out_used));
  }
  void send_all_of(std::span<const Bytes> d) {
    size_t done = 0;
    while (done < d.size()) {
      auto r = sock.send_batch(d.subspan(done));
      BOOST_REQUIRE_MESSAGE(r.ok(), "send_batch: " << r.error().what());
      done += *r;
      if (done < d.size()) BOOST_REQUIRE(sock.wait_writable(1000).ok());
    }
  }
  // Hands what is waiting to the connection: the number of datagrams.
  size_t pump() {
    auto n = sock.receive_batch(batch);
    BOOST_REQUIRE_MESSAGE(n.ok(), "receive_batch: " << n.error().what());
    for (auto& d : batch) {
      BOOST_REQUIRE_MESSAGE(d.ok(), d.error.what());
      conn->handle_datagram(d.data, Instant::now(), d.from.bytes());
    }
    return *n;
  }
};

void fill_record(Bytes& r, size_t index) {
  for (size_t j = 0; j < r.size(); ++j) r[j] = static_cast<uint8_t>(index + j * 13);
  std::memcpy(r.data(), &index, sizeof index);
}

void dtls_over_udp(const UdpOptions& o) {
  UdpSocket cs = open_loopback(Family::kIpv4, o);
  UdpSocket ss = open_loopback(Family::kIpv4, o);
  connect_pair(cs, ss);
  BOOST_TEST_MESSAGE("client GSO " << cs.offload().gso << ", server GRO " << ss.offload().gro);
  auto c = Connection::client(client_context(), "server.example");
  auto s = Connection::server(server_context(), cs.local_address()->bytes());
  BOOST_REQUIRE(c.ok() && s.ok());
  UdpReceiveBatch client_batch = batch_for(cs), server_batch = batch_for(ss);
  Side client{std::move(c).value(), std::move(cs), std::move(client_batch), {}, 0};
  Side server{std::move(s).value(), std::move(ss), std::move(server_batch), {}, 0};

  // Handshake, real time.
  BOOST_REQUIRE(client.conn->start(Instant::now()).ok());
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(client.conn->is_established() && server.conn->is_established())) {
    client.flush();
    server.flush();
    pollfd p[2] = {{client.sock.fd(), POLLIN, 0}, {server.sock.fd(), POLLIN, 0}};
    poll(p, 2, 10);
    server.pump();
    client.pump();
    for (Side* side : {&client, &server}) {
      const auto t = side->conn->next_timeout();
      if (t && *t <= Instant::now()) side->conn->handle_timeout(Instant::now());
    }
    BOOST_REQUIRE(client.conn->state() != ConnectionState::kFailed);
    BOOST_REQUIRE(server.conn->state() != ConnectionState::kFailed);
    BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < give_up, "handshake over UDP timed out");
  }
  client.flush();  // anything left of the handshake (the client's last ACK or nothing)
  server.flush();
  while (client.pump() > 0 || server.pump() > 0) {
  }

  // 10,000 records in windows of kWindow: even windows through write() and
  // poll_transmit(), odd ones sealed with seal_into() into one buffer.
  Bytes record(kRecord), got;
  Bytes packed(kWindow * (kRecord + client.conn->record_overhead()));
  std::vector<std::span<const uint8_t>> spans;
  size_t next_write = 0, next_read = 0, windows = 0;
  while (next_read < kRecords) {
    const size_t n = std::min(kWindow, kRecords - next_write);
    if (windows++ % 2 == 0) {
      for (size_t i = 0; i < n; ++i) {
        fill_record(record, next_write++);
        BOOST_REQUIRE(client.conn->write(record).ok());
      }
      client.flush();
    } else {
      client.flush();  // nothing queued may be overtaken
      spans.clear();
      size_t off = 0;
      for (size_t i = 0; i < n; ++i) {
        fill_record(record, next_write++);
        auto len = client.conn->seal_into(record, std::span<uint8_t>(packed).subspan(off));
        BOOST_REQUIRE_MESSAGE(len.ok(), len.error().what());
        spans.emplace_back(packed.data() + off, *len);
        off += *len;
      }
      size_t done = 0;
      while (done < spans.size()) {
        auto r = client.sock.send_batch(std::span<const std::span<const uint8_t>>(spans).subspan(done));
        BOOST_REQUIRE_MESSAGE(r.ok(), r.error().what());
        done += *r;
        if (done < spans.size()) BOOST_REQUIRE(client.sock.wait_writable(1000).ok());
      }
    }
    // Back-pressure: the server reads the whole window before the next one;
    // an empty receive queue means waiting (poll), a silent 2 s means loss.
    while (next_read < next_write) {
      if (server.pump() == 0) {
        auto w = server.sock.wait_readable(2000);
        BOOST_REQUIRE(w.ok());
        BOOST_REQUIRE_MESSAGE(*w, "records lost: " << next_read << " of " << next_write << " read");
      }
      while (server.conn->read(got)) {
        fill_record(record, next_read);
        BOOST_REQUIRE_MESSAGE(got == record, "record " << next_read << " out of order or corrupted");
        ++next_read;
      }
    }
  }
  BOOST_TEST(next_read == kRecords);
  BOOST_TEST(server.conn->stats().records_dropped == 0u);
  BOOST_TEST(client.sock.stats().datagrams_sent >= kRecords);
  if (client.sock.offload().gso) BOOST_TEST(client.sock.stats().gso_messages > 0u);
  if (server.sock.offload().gro && client.sock.offload().gso) BOOST_TEST(server.sock.stats().gro_buffers > 0u);
  BOOST_TEST_MESSAGE("client send calls " << client.sock.stats().send_calls << ", GSO messages "
                                          << client.sock.stats().gso_messages << "; server receive calls "
                                          << server.sock.stats().receive_calls << ", GRO buffers "
                                          << server.sock.stats().gro_buffers);
}

}  // namespace

BOOST_AUTO_TEST_CASE(dtls_moves_10000_records_over_udp_sockets_with_gso_gro) { dtls_over_udp(options(true, true)); }

BOOST_AUTO_TEST_CASE(dtls_moves_10000_records_over_udp_sockets_with_sendmmsg_only) {
  dtls_over_udp(options(false, false));
}
