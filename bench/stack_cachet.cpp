// The Cachet stack through its native C++ API (include/cachet/).
#include <cachet/cachet.hpp>

#include <cstring>

#include "bench.hpp"

namespace bench {
namespace {

constexpr char kServerName[] = "server.example";
constexpr uint8_t kPeerAddress[] = {127, 0, 0, 1, 0x12, 0x34};

class CachetEndpoint final : public Endpoint {
 public:
  explicit CachetEndpoint(std::unique_ptr<cachet::Connection> c, bool client) : conn_(std::move(c)), client_(client) {}

  void start() override {
    if (client_ && !conn_->start(cachet::Instant::now()).ok()) started_failed_ = true;
  }
  void receive(Datagram& d) override { conn_->handle_datagram(std::span<uint8_t>(d.data(), d.size()), cachet::Instant::now()); }
  bool transmit(Datagram& out) override {
    auto d = conn_->poll_transmit();
    if (!d) return false;
    out = std::move(*d);
    return true;
  }
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
  size_t read() override {
    auto r = conn_->read();
    return r ? r->size() : 0;
  }
  bool resumed() const override { return conn_->resumed(); }
  cachet::Session session() const { return conn_->session(); }

 private:
  std::unique_ptr<cachet::Connection> conn_;
  bool client_;
  bool started_failed_ = false;
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
