// cachet::Connection behind the interop Endpoint interface, on real time, so
// that Cachet meets in-process OpenSSL and GnuTLS endpoints over netsim.
#include <cachet/cachet.hpp>

#include <fstream>

#include "interop/endpoint.hpp"

namespace cachet::interop {

namespace {

Instant real_now() { return Instant::now(); }

std::string join(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : std::string(1, sep)) + s;
  return out;
}

class CachetEndpoint final : public Endpoint {
 public:
  explicit CachetEndpoint(const EndpointConfig& c) : is_server_(c.is_server) {
    ContextBuilder b(c.is_server ? Role::kServer : Role::kClient);
    if (!c.cipher.empty()) b.cipher_suites(c.cipher);
    if (!c.groups.empty()) b.groups(join(c.groups, ':'));
    if (!c.cert_file.empty()) b.certificate_file(c.cert_file).private_key_file(c.key_file);
    if (!c.ca_file.empty()) b.ca_file(c.ca_file);
    if (c.is_server) {
      if (c.verify_peer) b.client_auth(ClientAuth::kRequire);
      b.cookie_exchange(c.cookie_exchange);
    } else {
      b.verify_peer(c.verify_peer);
    }
    if (!c.psk.empty()) {
      if (c.is_server) {
        const std::string id = c.psk_identity;
        const std::vector<uint8_t> key(c.psk.begin(), c.psk.end());
        b.psk_lookup([id, key](std::string_view got) -> std::optional<std::vector<uint8_t>> {
          if (got == id) return key;
          return std::nullopt;
        });
      } else {
        b.psk(c.psk_identity, c.psk);
      }
    }
    if (!c.srtp_profiles.empty()) b.srtp_profiles(join(c.srtp_profiles, ':'));
    if (!c.alpn.empty()) b.alpn(c.alpn);
    b.mtu(c.mtu);
    b.retransmit_timeout(std::chrono::duration_cast<Duration>(c.initial_timeout));
    auto ctx = b.build();
    if (!ctx) {
      error_ = std::string("context: ") + ctx.error().what();
      return;
    }
    if (c.is_server) {
      listener_ = std::move(Listener::create(*ctx)).value();
    } else {
      auto conn = Connection::client(*ctx, c.server_name);
      if (!conn) {
        error_ = conn.error().what();
        return;
      }
      connection_ = std::move(conn).value();
      if (!connection_->start(real_now())) error_ = connection_->error().what();
    }
  }

  void handle_datagram(ByteSpan datagram) override {
    Bytes copy(datagram.begin(), datagram.end());
    if (connection_) {
      connection_->handle_datagram(copy, real_now());
      return;
    }
    if (!listener_) return;
    static const uint8_t kPeer[6] = {127, 0, 0, 1, 0x30, 0x39};
    auto outcome = listener_->check(copy, kPeer, real_now());
    if (outcome.verdict == Listener::Verdict::kReply) {
      replies_.push_back(std::move(outcome.reply));
    } else if (outcome.verdict == Listener::Verdict::kAccept) {
      auto conn = listener_->accept(copy, kPeer, real_now());
      if (conn) connection_ = std::move(conn).value();
    }
  }
  std::optional<Bytes> poll_transmit() override {
    if (!replies_.empty()) {
      Bytes d = std::move(replies_.front());
      replies_.erase(replies_.begin());
      return d;
    }
    if (!connection_) return std::nullopt;
    return connection_->poll_transmit();
  }
  std::optional<std::chrono::steady_clock::time_point> next_timeout() const override {
    if (!connection_) return std::nullopt;
    auto t = connection_->next_timeout();
    if (!t) return std::nullopt;
    return std::chrono::steady_clock::time_point(std::chrono::duration_cast<std::chrono::steady_clock::duration>(t->since_origin));
  }
  void handle_timeout() override {
    if (connection_) connection_->handle_timeout(real_now());
  }
  bool established() const override { return connection_ && connection_->is_established(); }
  bool failed() const override {
    return !error_.empty() || (connection_ && connection_->state() == ConnectionState::kFailed);
  }
  std::string error() const override {
    if (!error_.empty()) return error_;
    return connection_ ? connection_->error().what() : "";
  }
  Result<void> write(ByteSpan data) override {
    if (!connection_) return Error(ErrorCode::kWrongState, "no connection");
    return connection_->write(data);
  }
  std::optional<Bytes> read() override { return connection_ ? connection_->read() : std::nullopt; }
  Result<Bytes> export_keying_material(std::string_view label, size_t length) override {
    if (!connection_) return Error(ErrorCode::kWrongState, "no connection");
    return connection_->export_keying_material(label, length);
  }
  std::string srtp_profile() const override {
    if (!connection_ || !connection_->srtp_profile()) return "";
    return std::string(srtp_profile_name(*connection_->srtp_profile()));
  }
  std::string alpn() const override { return connection_ ? std::string(connection_->alpn()) : ""; }
  std::string cipher_name() const override { return connection_ ? std::string(connection_->cipher_suite_name()) : ""; }
  void close() override {
    if (connection_) connection_->close();
  }

 private:
  bool is_server_;
  std::string error_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<Connection> connection_;
  std::vector<Bytes> replies_;
};

}  // namespace

std::unique_ptr<Endpoint> make_cachet_endpoint(const EndpointConfig& config) {
  return std::make_unique<CachetEndpoint>(config);
}

}  // namespace cachet::interop
