// The Cachet stack through its native C++ API (include/cachet/).
#include <cachet/cachet.hpp>
#include <cachet/udp.hpp>

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "bench.hpp"

namespace bench {
namespace {

constexpr char kServerName[] = "server.example";
constexpr uint8_t kPeerAddress[] = {127, 0, 0, 1, 0x12, 0x34};

// The udp.* rows' I/O for this stack (bench/README.md, "udp.*"): a
// cachet::UdpSocket on a duplicate of the harness's connected socket.
// Records are sealed with Connection::seal_into straight into one buffer and
// sent with one sendmmsg (one UDP GSO message per run of equal-sized
// datagrams, when the kernel offers GSO); received with recvmmsg (UDP GRO
// buffers split again) and decrypted in place in the receive buffer.
class CachetUdpIo final : public UdpBatchIo {
 public:
  static std::unique_ptr<CachetUdpIo> make(cachet::Connection& conn, int fd) {
    const int copy = dup(fd);
    if (copy < 0) return nullptr;
    // CACHET_BENCH_UDP_OFFLOAD=off: batching only (sendmmsg/recvmmsg), to
    // see what GSO/GRO add.
    cachet::UdpOptions options;
    const char* offload = std::getenv("CACHET_BENCH_UDP_OFFLOAD");
    options.gso = options.gro = offload == nullptr || std::strcmp(offload, "off") != 0;
    auto sock = cachet::UdpSocket::adopt(copy, options);  // closes `copy` on failure
    if (!sock) return nullptr;
    return std::unique_ptr<CachetUdpIo>(new CachetUdpIo(conn, std::move(sock).value()));
  }
  std::string describe() const override {
    const auto o = sock_.offload();
    return std::string("cachet::UdpSocket (sendmmsg/recvmmsg), GSO ") + (o.gso ? "on" : "off") + ", GRO " +
           (o.gro ? "on" : "off");
  }
  bool flush() override {
    size_t n = 0;
    for (;;) {
      if (n == out_.size()) out_.emplace_back();
      if (!conn_.poll_transmit(out_[n])) break;
      ++n;
    }
    return send(std::span<const std::vector<uint8_t>>(out_.data(), n));
  }
  bool write_batch(const uint8_t* data, size_t n, int count) override {
    if (!flush()) return false;  // seal_into must not overtake queued datagrams
    const size_t room = n + conn_.record_overhead();
    if (packed_.size() < room * static_cast<size_t>(count)) packed_.resize(room * static_cast<size_t>(count));
    spans_.clear();
    size_t off = 0;
    for (int i = 0; i < count; ++i) {
      auto len = conn_.seal_into(std::span<const uint8_t>(data, n), std::span<uint8_t>(packed_).subspan(off));
      if (!len) return false;
      spans_.emplace_back(packed_.data() + off, *len);
      off += *len;
    }
    return send(std::span<const std::span<const uint8_t>>(spans_));
  }
  int drain() override {
    int total = 0;
    for (;;) {
      auto r = sock_.receive_batch(batch_);
      if (!r || *r == 0) return total;
      const cachet::Instant now = cachet::Instant::now();
      for (auto& d : batch_)
        if (d.ok()) conn_.handle_datagram(d.data, now);
      total += static_cast<int>(*r);
    }
  }

 private:
  CachetUdpIo(cachet::Connection& conn, cachet::UdpSocket sock)
      : conn_(conn),
        sock_(std::move(sock)),
        // GRO: 64 KiB slots (one may hold a whole batch); else one datagram each.
        batch_(sock_.offload().gro ? cachet::UdpReceiveBatch(4) : cachet::UdpReceiveBatch(32, 2048)) {}

  // As the harness's send() loop: a full socket (EAGAIN) drops the rest
  // after a short wait, as a plain non-blocking sender would.
  template <typename T>
  bool send(std::span<const T> datagrams) {
    size_t done = 0;
    for (int tries = 0; done < datagrams.size() && tries < 3; ++tries) {
      auto r = sock_.send_batch(datagrams.subspan(done));
      if (!r) return false;
      done += *r;
      if (done < datagrams.size()) (void)sock_.wait_writable(5);
    }
    return true;
  }

  cachet::Connection& conn_;
  cachet::UdpSocket sock_;
  cachet::UdpReceiveBatch batch_;
  std::vector<std::vector<uint8_t>> out_;     // poll_transmit buffers, reused
  std::vector<uint8_t> packed_;               // sealed records, back to back
  std::vector<std::span<const uint8_t>> spans_;
};

class CachetEndpoint final : public Endpoint {
 public:
  explicit CachetEndpoint(std::unique_ptr<cachet::Connection> c, bool client) : conn_(std::move(c)), client_(client) {}

  void start() override {
    if (client_ && !conn_->start(cachet::Instant::now()).ok()) started_failed_ = true;
  }
  void wakeup() override { wakeup_time_ = cachet::Instant::now(); }
  void receive(Datagram& d) override {
    conn_->handle_datagram(std::span<uint8_t>(d.data(), d.size()), wakeup_time_ ? *wakeup_time_ : cachet::Instant::now());
  }
  bool transmit(Datagram& out) override { return conn_->poll_transmit(out); }
  std::optional<Clock::time_point> deadline() override {
    const auto t = conn_->next_timeout();
    if (!t) return std::nullopt;
    return Clock::time_point(std::chrono::duration_cast<Clock::duration>(t->since_origin));
  }
  void handle_timeout() override { conn_->handle_timeout(cachet::Instant::now()); }
  bool established() const override { return conn_->is_established(); }
  bool failed() const override {
    return started_failed_ || conn_->state() == cachet::ConnectionState::kFailed ||
           conn_->state() == cachet::ConnectionState::kClosed;
  }
  std::string error() const override {
    const cachet::Error e = conn_->error();
    return std::string(cachet::error_code_name(e.code())) + ": " + e.what() + " (state " +
           std::string(conn_->handshake_state_name()) + ")";
  }
  bool write(const uint8_t* data, size_t n) override { return conn_->write(std::span<const uint8_t>(data, n)).ok(); }
  size_t read() override { return conn_->read(read_buf_) ? read_buf_.size() : 0; }
  bool resumed() const override { return conn_->resumed(); }
  void compact() override { std::vector<uint8_t>().swap(read_buf_); }
  UdpBatchIo* udp_batch_io(int fd) override {
    udp_io_ = CachetUdpIo::make(*conn_, fd);
    return udp_io_.get();
  }
  cachet::Session session() const { return conn_->session(); }

 private:
  std::unique_ptr<cachet::Connection> conn_;
  std::unique_ptr<CachetUdpIo> udp_io_;  // declared after conn_: destroyed before it
  bool client_;
  bool started_failed_ = false;
  std::optional<cachet::Instant> wakeup_time_;  // set by wakeup(); else each call reads the clock
  std::vector<uint8_t> read_buf_;
};

class CachetSetup final : public Setup {
 public:
  std::shared_ptr<const cachet::Context> client_ctx, server_ctx;
  cachet::Session session;

  std::unique_ptr<Endpoint> client() override {
    auto c = session.valid() ? cachet::Connection::client(client_ctx, kServerName, session)
                             : cachet::Connection::client(client_ctx, kServerName);
    if (!c) return nullptr;
    return std::make_unique<CachetEndpoint>(std::move(c).value(), true);
  }
  std::unique_ptr<Endpoint> server() override {
    auto s = cachet::Connection::server(server_ctx, std::span<const uint8_t>(kPeerAddress, sizeof kPeerAddress));
    if (!s) return nullptr;
    return std::make_unique<CachetEndpoint>(std::move(s).value(), false);
  }
  bool remember(Endpoint& client) override {
    session = static_cast<CachetEndpoint&>(client).session();
    return session.valid();
  }
};

class CachetStack final : public Stack {
 public:
  std::string name() const override { return "cachet"; }
  std::string version() const override { return "Cachet (native C++ API)"; }

  std::unique_ptr<Setup> setup(const Config& config, std::string& error) override {
    auto s = std::make_unique<CachetSetup>();
    const bool tickets = config.resume == Config::Resume::kTicket;
    cachet::ContextBuilder cb(cachet::Role::kClient);
    cachet::ContextBuilder sb(cachet::Role::kServer);
    cb.cipher_suites(config.suite).session_tickets(tickets);
    sb.cipher_suites(config.suite).session_tickets(tickets).cookie_exchange(config.cookies);
    if (config.resume == Config::Resume::kTicket || !config.session_cache) sb.session_cache(nullptr);
    if (config.auth == Config::Auth::kPsk) {
      cb.psk(kPskIdentity, std::span<const uint8_t>(kPskKey, sizeof kPskKey));
      sb.psk_lookup([](std::string_view identity) -> std::optional<std::vector<uint8_t>> {
        if (identity != kPskIdentity) return std::nullopt;
        return std::vector<uint8_t>(kPskKey, kPskKey + sizeof kPskKey);
      });
    } else {
      cb.groups(config.group).ca_file(config.pki_dir + "/p256/root.pem");
      cb.peer_chain_cache(config.chain_cache ? cachet::ContextBuilder::kDefaultPeerChainCache : 0);
      sb.groups(config.group)
          .certificate_file(config.pki_dir + "/p256/server-chain.pem")
          .private_key_file(config.pki_dir + "/p256/server.key");
    }
    auto c = cb.build();
    if (!c) {
      error = std::string("client context: ") + c.error().what();
      return nullptr;
    }
    auto sv = sb.build();
    if (!sv) {
      error = std::string("server context: ") + sv.error().what();
      return nullptr;
    }
    s->client_ctx = std::move(c).value();
    s->server_ctx = std::move(sv).value();
    return s;
  }
};

}  // namespace

std::unique_ptr<Stack> make_cachet_stack() { return std::make_unique<CachetStack>(); }

}  // namespace bench
