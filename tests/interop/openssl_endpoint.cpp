// An OpenSSL 3.0 DTLS 1.2 endpoint driven datagram by datagram.
//
// The SSL object talks to a custom BIO that keeps datagram boundaries: a
// BIO_s_mem would merge the records of a flight into one byte stream, and a
// reader could no longer tell where one datagram ends. Each BIO_write is one
// outgoing datagram; each BIO_read returns one queued incoming datagram.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <deque>

#include "interop/endpoint.hpp"

namespace cachet::interop {
namespace {

constexpr unsigned kMaxTimerUs = 60'000'000;  // RFC 6347 §4.2.4.1: back off to at most 60 s

// The queues behind one BIO: datagrams in from the network, out to it.
struct DatagramQueues {
  std::deque<Bytes> in;
  std::deque<Bytes> out;
};

int datagram_bio_write(BIO* bio, const char* data, int length) {
  auto* q = static_cast<DatagramQueues*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (length < 0) return -1;
  const auto* p = reinterpret_cast<const uint8_t*>(data);
  q->out.emplace_back(p, p + length);
  return length;
}

int datagram_bio_read(BIO* bio, char* buffer, int size) {
  auto* q = static_cast<DatagramQueues*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (q->in.empty()) {
    BIO_set_retry_read(bio);
    return -1;
  }
  Bytes datagram = std::move(q->in.front());
  q->in.pop_front();
  // Like a UDP socket: a datagram longer than the buffer is truncated.
  const size_t n = std::min(datagram.size(), static_cast<size_t>(std::max(size, 0)));
  std::memcpy(buffer, datagram.data(), n);
  return static_cast<int>(n);
}

long datagram_bio_ctrl(BIO* bio, int cmd, long /*larg*/, void* parg) {
  auto* q = static_cast<DatagramQueues*>(BIO_get_data(bio));
  if (q == nullptr) return 0;
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_PENDING:
      return q->in.empty() ? 0 : static_cast<long>(q->in.front().size());
    case BIO_CTRL_WPENDING:
      return 0;  // every write is already a whole datagram
    case BIO_CTRL_DGRAM_QUERY_MTU:
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
      return 0;  // unknown: the SSL uses the MTU it was given
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
      return 0;  // the configured MTU is the datagram size, headers excluded
    case BIO_CTRL_DGRAM_MTU_EXCEEDED:
      return 0;
    case BIO_CTRL_DGRAM_GET_PEER:
      // A fixed peer: one association per BIO.
      if (parg != nullptr) BIO_ADDR_clear(static_cast<BIO_ADDR*>(parg));
      return 0;
    case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
      return 0;  // timers are read with DTLSv1_get_timeout instead
    default:
      return 0;
  }
}

int datagram_bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

int datagram_bio_destroy(BIO* bio) {
  BIO_set_data(bio, nullptr);  // the queues belong to the endpoint
  return 1;
}

BIO_METHOD* datagram_bio_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "cachet interop datagram");
    BIO_meth_set_write(m, datagram_bio_write);
    BIO_meth_set_read(m, datagram_bio_read);
    BIO_meth_set_ctrl(m, datagram_bio_ctrl);
    BIO_meth_set_create(m, datagram_bio_create);
    BIO_meth_set_destroy(m, datagram_bio_destroy);
    return m;
  }();
  return method;
}

std::string drain_error_queue(std::string prefix) {
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    prefix += "; ";
    prefix += text;
  }
  return prefix;
}

std::string join(const std::vector<std::string>& items, char separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// RFC 7301 §3.1: ProtocolNameList, each name prefixed by its one-byte length.
Bytes alpn_wire(const std::vector<std::string>& protocols) {
  Bytes wire;
  for (const auto& p : protocols) {
    wire.push_back(static_cast<uint8_t>(p.size()));
    wire.insert(wire.end(), p.begin(), p.end());
  }
  return wire;
}

// The cookie secret is fixed: one server, one client address, tests only.
constexpr uint8_t kCookieSecret[] = "cachet interop cookie secret v1";
constexpr uint8_t kPeerName[] = "netsim peer";

int generate_cookie(SSL*, unsigned char* cookie, unsigned int* length) {
  return HMAC(EVP_sha256(), kCookieSecret, sizeof kCookieSecret, kPeerName, sizeof kPeerName, cookie, length) !=
         nullptr;
}

int verify_cookie(SSL* ssl, const unsigned char* cookie, unsigned int length) {
  unsigned char expected[EVP_MAX_MD_SIZE];
  unsigned int expected_length = 0;
  if (!generate_cookie(ssl, expected, &expected_length)) return 0;
  return length == expected_length && CRYPTO_memcmp(cookie, expected, length) == 0;
}

class OpenSslEndpoint final : public Endpoint {
 public:
  explicit OpenSslEndpoint(const EndpointConfig& config) : config_(config) {
    ERR_clear_error();
    if (!configure_context() || !configure_session()) {
      fail(drain_error_queue("setup: " + setup_step_));
      return;
    }
    if (!config_.is_server) drive();  // sends the ClientHello
  }

  ~OpenSslEndpoint() override {
    SSL_free(ssl_);  // also frees the BIO
    SSL_CTX_free(ctx_);
  }

  void handle_datagram(ByteSpan datagram) override {
    if (failed_) return;
    queues_.in.emplace_back(datagram.begin(), datagram.end());
    drive();
  }

  std::optional<Bytes> poll_transmit() override {
    if (queues_.out.empty()) return std::nullopt;
    Bytes datagram = std::move(queues_.out.front());
    queues_.out.pop_front();
    return datagram;
  }

  std::optional<std::chrono::steady_clock::time_point> next_timeout() const override {
    if (failed_ || ssl_ == nullptr) return std::nullopt;
    timeval remaining{};
    if (DTLSv1_get_timeout(ssl_, &remaining) != 1) return std::nullopt;
    return std::chrono::steady_clock::now() + std::chrono::seconds(remaining.tv_sec) +
           std::chrono::microseconds(remaining.tv_usec);
  }

  void handle_timeout() override {
    if (failed_) return;
    ERR_clear_error();
    if (DTLSv1_handle_timeout(ssl_) < 0) {
      fail(drain_error_queue("retransmission timeout"));
      return;
    }
    drive();
  }

  bool established() const override { return established_; }
  bool failed() const override { return failed_; }
  std::string error() const override { return error_; }

  Result<void> write(ByteSpan data) override {
    if (!established_ || failed_) return Error(ErrorCode::kWrongState, "openssl endpoint: not established");
    ERR_clear_error();
    const int n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
    if (n <= 0 || static_cast<size_t>(n) != data.size()) {
      fail(drain_error_queue("SSL_write"));
      return Error(ErrorCode::kInternal, "openssl endpoint: SSL_write failed");
    }
    return ok();
  }

  std::optional<Bytes> read() override {
    if (received_.empty()) return std::nullopt;
    Bytes message = std::move(received_.front());
    received_.pop_front();
    return message;
  }

  Result<Bytes> export_keying_material(std::string_view label, size_t length) override {
    if (!established_) return Error(ErrorCode::kWrongState, "openssl endpoint: not established");
    Bytes out(length);
    ERR_clear_error();
    if (SSL_export_keying_material(ssl_, out.data(), out.size(), label.data(), label.size(), nullptr, 0, 0) != 1) {
      ERR_clear_error();
      return Error(ErrorCode::kInternal, "openssl endpoint: SSL_export_keying_material failed");
    }
    return out;
  }

  std::string srtp_profile() const override {
    const SRTP_PROTECTION_PROFILE* profile = ssl_ ? SSL_get_selected_srtp_profile(ssl_) : nullptr;
    return profile ? profile->name : "";
  }

  std::string alpn() const override {
    const unsigned char* data = nullptr;
    unsigned int length = 0;
    if (ssl_) SSL_get0_alpn_selected(ssl_, &data, &length);
    return data ? std::string(reinterpret_cast<const char*>(data), length) : "";
  }

  std::string cipher_name() const override {
    const SSL_CIPHER* cipher = ssl_ ? SSL_get_current_cipher(ssl_) : nullptr;
    return cipher ? SSL_CIPHER_get_name(cipher) : "";
  }

  void close() override {
    if (failed_ || !established_) return;
    ERR_clear_error();
    SSL_shutdown(ssl_);
    ERR_clear_error();
  }

 private:
  static OpenSslEndpoint* self(SSL* ssl) { return static_cast<OpenSslEndpoint*>(SSL_get_app_data(ssl)); }

  bool step(const char* name, bool succeeded) {
    setup_step_ = name;
    return succeeded;
  }

  bool configure_context() {
    ctx_ = SSL_CTX_new(DTLS_method());
    if (!step("SSL_CTX_new", ctx_ != nullptr)) return false;
    if (!step("versions", SSL_CTX_set_min_proto_version(ctx_, DTLS1_2_VERSION) == 1 &&
                              SSL_CTX_set_max_proto_version(ctx_, DTLS1_2_VERSION) == 1))
      return false;
    if (!config_.cipher.empty() && !step("cipher", SSL_CTX_set_cipher_list(ctx_, config_.cipher.c_str()) == 1))
      return false;
    if (!config_.groups.empty() &&
        !step("groups", SSL_CTX_set1_groups_list(ctx_, join(config_.groups, ':').c_str()) == 1))
      return false;
    if (!config_.cert_file.empty() &&
        !step("certificate", SSL_CTX_use_certificate_chain_file(ctx_, config_.cert_file.c_str()) == 1))
      return false;
    if (!config_.key_file.empty() &&
        !step("private key", SSL_CTX_use_PrivateKey_file(ctx_, config_.key_file.c_str(), SSL_FILETYPE_PEM) == 1))
      return false;
    if (!config_.ca_file.empty() &&
        !step("ca file", SSL_CTX_load_verify_locations(ctx_, config_.ca_file.c_str(), nullptr) == 1))
      return false;
    // SSL_CTX_set_tlsext_use_srtp returns 0 on success.
    if (!config_.srtp_profiles.empty() &&
        !step("srtp", SSL_CTX_set_tlsext_use_srtp(ctx_, join(config_.srtp_profiles, ':').c_str()) == 0))
      return false;
    if (config_.is_server) return configure_server_context();
    return configure_client_context();
  }

  bool configure_server_context() {
    if (config_.cookie_exchange) {
      SSL_CTX_set_options(ctx_, SSL_OP_COOKIE_EXCHANGE);
      SSL_CTX_set_cookie_generate_cb(ctx_, generate_cookie);
      SSL_CTX_set_cookie_verify_cb(ctx_, verify_cookie);
    }
    if (config_.verify_peer) SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    if (!config_.psk.empty()) SSL_CTX_set_psk_server_callback(ctx_, server_psk);
    if (!config_.alpn.empty()) {
      alpn_wire_ = alpn_wire(config_.alpn);
      SSL_CTX_set_alpn_select_cb(ctx_, select_alpn, this);
    }
    return true;
  }

  bool configure_client_context() {
    if (config_.verify_peer) SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    if (!config_.psk.empty()) SSL_CTX_set_psk_client_callback(ctx_, client_psk);
    return true;
  }

  bool configure_session() {
    ssl_ = SSL_new(ctx_);
    if (!step("SSL_new", ssl_ != nullptr)) return false;
    SSL_set_app_data(ssl_, this);
    BIO* bio = BIO_new(datagram_bio_method());
    if (!step("BIO_new", bio != nullptr)) return false;
    BIO_set_data(bio, &queues_);
    SSL_set_bio(ssl_, bio, bio);  // one BIO for both directions: SSL takes one reference
    // The MTU is set, never probed: there is no socket to ask.
    SSL_set_options(ssl_, SSL_OP_NO_QUERY_MTU);
    if (!step("mtu", DTLS_set_link_mtu(ssl_, static_cast<long>(config_.mtu)) == 1)) return false;
    DTLS_set_timer_cb(ssl_, timer_callback);
    if (config_.is_server) {
      SSL_set_accept_state(ssl_);
      return true;
    }
    SSL_set_connect_state(ssl_);
    if (!config_.server_name.empty()) {
      if (!step("sni", SSL_set_tlsext_host_name(ssl_, config_.server_name.c_str()) == 1)) return false;
      if (config_.verify_peer && !step("hostname", SSL_set1_host(ssl_, config_.server_name.c_str()) == 1))
        return false;
    }
    if (!config_.alpn.empty()) {
      const Bytes wire = alpn_wire(config_.alpn);
      // SSL_set_alpn_protos returns 0 on success.
      if (!step("alpn", SSL_set_alpn_protos(ssl_, wire.data(), static_cast<unsigned>(wire.size())) == 0))
        return false;
    }
    return true;
  }

  // OpenSSL calls this with 0 to arm the first timer and with the previous
  // value after each expiry.
  static unsigned int timer_callback(SSL* ssl, unsigned int previous_us) {
    if (previous_us == 0) {
      const auto initial = std::chrono::duration_cast<std::chrono::microseconds>(self(ssl)->config_.initial_timeout);
      return static_cast<unsigned>(std::max<int64_t>(initial.count(), 1000));
    }
    return std::min(previous_us * 2, kMaxTimerUs);
  }

  static unsigned int client_psk(SSL* ssl, const char*, char* identity, unsigned int max_identity_length,
                                 unsigned char* psk, unsigned int max_psk_length) {
    const EndpointConfig& c = self(ssl)->config_;
    if (c.psk_identity.size() + 1 > max_identity_length || c.psk.size() > max_psk_length) return 0;
    std::memcpy(identity, c.psk_identity.c_str(), c.psk_identity.size() + 1);
    std::memcpy(psk, c.psk.data(), c.psk.size());
    return static_cast<unsigned>(c.psk.size());
  }

  static unsigned int server_psk(SSL* ssl, const char* identity, unsigned char* psk, unsigned int max_psk_length) {
    const EndpointConfig& c = self(ssl)->config_;
    if (identity == nullptr || c.psk_identity != identity || c.psk.size() > max_psk_length) return 0;
    std::memcpy(psk, c.psk.data(), c.psk.size());
    return static_cast<unsigned>(c.psk.size());
  }

  static int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in,
                         unsigned int in_length, void* arg) {
    auto* endpoint = static_cast<OpenSslEndpoint*>(arg);
    unsigned char* selected = nullptr;
    // Server preference order, as RFC 7301 §3.2 lets the server choose.
    if (SSL_select_next_proto(&selected, out_length, endpoint->alpn_wire_.data(),
                              static_cast<unsigned>(endpoint->alpn_wire_.size()), in,
                              in_length) != OPENSSL_NPN_NEGOTIATED)
      return SSL_TLSEXT_ERR_ALERT_FATAL;  // RFC 7301 §3.2: no_application_protocol
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }

  // Runs the handshake, then reads every application record that arrived.
  void drive() {
    ERR_clear_error();
    if (!established_) {
      const int r = SSL_do_handshake(ssl_);
      if (r == 1) {
        established_ = true;
      } else if (!check_would_block(r, "handshake")) {
        return;
      }
    }
    if (established_) read_records();
  }

  void read_records() {
    uint8_t buffer[1 << 15];
    for (;;) {
      const int n = SSL_read(ssl_, buffer, sizeof buffer);
      if (n > 0) {
        received_.emplace_back(buffer, buffer + n);
        continue;
      }
      if (SSL_get_error(ssl_, n) == SSL_ERROR_ZERO_RETURN) return;  // close_notify
      check_would_block(n, "read");
      return;
    }
  }

  // True when the call only needs more input; records a failure otherwise.
  bool check_would_block(int r, const char* what) {
    const int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return true;
    fail(drain_error_queue(std::string(what) + " failed (SSL_get_error " + std::to_string(e) + ")"));
    return false;
  }

  void fail(std::string message) {
    if (!failed_) error_ = "openssl " + std::string(config_.is_server ? "server" : "client") + ": " + message;
    failed_ = true;
  }

  EndpointConfig config_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  DatagramQueues queues_;
  std::deque<Bytes> received_;
  Bytes alpn_wire_;
  bool established_ = false;
  bool failed_ = false;
  std::string error_;
  std::string setup_step_;
};

}  // namespace

std::unique_ptr<Endpoint> make_openssl_endpoint(const EndpointConfig& config) {
  return std::make_unique<OpenSslEndpoint>(config);
}

}  // namespace cachet::interop
