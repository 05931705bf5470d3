// A GnuTLS 3.7 DTLS 1.2 endpoint driven datagram by datagram.
//
// The session is non-blocking; its push/pull functions work on datagram
// queues, so one push is one outgoing datagram and one pull returns one
// incoming datagram (or EAGAIN). Server cookies use GnuTLS's stateless
// "prestate" flow: ClientHellos are checked with gnutls_dtls_cookie_verify
// before the session sees anything, answered with gnutls_dtls_cookie_send,
// and the verified one starts the session after gnutls_dtls_prestate_set.
#include <gnutls/dtls.h>
#include <gnutls/gnutls.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <deque>

#include "interop/endpoint.hpp"

namespace cachet::interop {
namespace {

constexpr unsigned kTotalTimeoutMs = 60'000;

// OpenSSL suite names and the GnuTLS priority tokens that select them.
struct SuiteTokens {
  const char* openssl;
  const char* kx;
  const char* cipher;
  const char* mac;
};
constexpr std::array kSuites{
    SuiteTokens{"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA", "AES-128-GCM", "AEAD"},
    SuiteTokens{"ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA", "AES-256-GCM", "AEAD"},
    SuiteTokens{"ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-ECDSA", "CHACHA20-POLY1305", "AEAD"},
    SuiteTokens{"ECDHE-ECDSA-AES128-CCM", "ECDHE-ECDSA", "AES-128-CCM", "AEAD"},
    SuiteTokens{"ECDHE-ECDSA-AES256-CCM", "ECDHE-ECDSA", "AES-256-CCM", "AEAD"},
    SuiteTokens{"ECDHE-ECDSA-AES128-CCM8", "ECDHE-ECDSA", "AES-128-CCM-8", "AEAD"},
    SuiteTokens{"ECDHE-ECDSA-AES256-CCM8", "ECDHE-ECDSA", "AES-256-CCM-8", "AEAD"},
    SuiteTokens{"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA", "AES-128-GCM", "AEAD"},
    SuiteTokens{"ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA", "AES-256-GCM", "AEAD"},
    SuiteTokens{"ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-RSA", "CHACHA20-POLY1305", "AEAD"},
    SuiteTokens{"PSK-AES128-GCM-SHA256", "PSK", "AES-128-GCM", "AEAD"},
    SuiteTokens{"PSK-AES256-GCM-SHA384", "PSK", "AES-256-GCM", "AEAD"},
    SuiteTokens{"PSK-AES128-CCM", "PSK", "AES-128-CCM", "AEAD"},
    SuiteTokens{"PSK-AES128-CCM8", "PSK", "AES-128-CCM-8", "AEAD"},
    SuiteTokens{"PSK-CHACHA20-POLY1305", "PSK", "CHACHA20-POLY1305", "AEAD"},
    SuiteTokens{"ECDHE-PSK-CHACHA20-POLY1305", "ECDHE-PSK", "CHACHA20-POLY1305", "AEAD"},
};

struct GroupToken {
  const char* name;
  const char* token;
};
constexpr std::array kGroups{
    GroupToken{"P-256", "GROUP-SECP256R1"}, GroupToken{"P-384", "GROUP-SECP384R1"},
    GroupToken{"P-521", "GROUP-SECP521R1"}, GroupToken{"X25519", "GROUP-X25519"},
    GroupToken{"X448", "GROUP-X448"},
};

// RFC 5764 §4.1.2 profiles under their OpenSSL names (GnuTLS 3.7 has no
// RFC 7714 AEAD profiles).
struct SrtpName {
  const char* openssl;
  gnutls_srtp_profile_t profile;
};
constexpr std::array kSrtpProfiles{
    SrtpName{"SRTP_AES128_CM_SHA1_80", GNUTLS_SRTP_AES128_CM_HMAC_SHA1_80},
    SrtpName{"SRTP_AES128_CM_SHA1_32", GNUTLS_SRTP_AES128_CM_HMAC_SHA1_32},
    SrtpName{"SRTP_NULL_SHA1_80", GNUTLS_SRTP_NULL_HMAC_SHA1_80},
    SrtpName{"SRTP_NULL_SHA1_32", GNUTLS_SRTP_NULL_HMAC_SHA1_32},
};

// The same bytes stand for "the client's address" in every cookie.
constexpr char kPeerName[] = "netsim peer";

// The priority string for an OpenSSL-style suite and group list; empty when
// a name is not in the tables.
std::string priority_string(const EndpointConfig& config) {
  std::string p;
  if (config.cipher.empty()) {
    p = "NORMAL:-VERS-ALL:+VERS-DTLS1.2";
    if (!config.psk.empty()) p += ":+ECDHE-PSK:+PSK";
  } else {
    const auto* suite = std::find_if(kSuites.begin(), kSuites.end(),
                                     [&](const SuiteTokens& s) { return config.cipher == s.openssl; });
    if (suite == kSuites.end()) return "";
    p = std::string("NONE:+VERS-DTLS1.2:+") + suite->kx + ":+" + suite->cipher + ":+" + suite->mac +
        ":+SIGN-ALL:+COMP-NULL:+CTYPE-X509";
    if (config.groups.empty()) p += ":+GROUP-ALL";
  }
  if (!config.groups.empty()) {
    p += ":-GROUP-ALL";
    for (const auto& g : config.groups) {
      const auto* group =
          std::find_if(kGroups.begin(), kGroups.end(), [&](const GroupToken& t) { return g == t.name; });
      if (group == kGroups.end()) return "";
      p += std::string(":+") + group->token;
    }
  }
  return p;
}

class GnutlsEndpoint final : public Endpoint {
 public:
  explicit GnutlsEndpoint(const EndpointConfig& config) : config_(config) {
    const int r = setup();
    if (r < 0) {
      fail("setup: " + setup_step_ + ": " + gnutls_strerror(r));
      return;
    }
    if (!config_.is_server) drive();  // sends the ClientHello
  }

  ~GnutlsEndpoint() override {
    if (session_) gnutls_deinit(session_);
    if (certificates_) gnutls_certificate_free_credentials(certificates_);
    if (psk_client_) gnutls_psk_free_client_credentials(psk_client_);
    if (psk_server_) gnutls_psk_free_server_credentials(psk_server_);
    gnutls_free(cookie_key_.data);
  }

  void handle_datagram(ByteSpan datagram) override {
    if (failed_) return;
    if (awaiting_cookie_) {
      answer_before_session(datagram);
      return;
    }
    in_.emplace_back(datagram.begin(), datagram.end());
    drive();
  }

  std::optional<Bytes> poll_transmit() override {
    if (out_.empty()) return std::nullopt;
    Bytes datagram = std::move(out_.front());
    out_.pop_front();
    return datagram;
  }

  std::optional<std::chrono::steady_clock::time_point> next_timeout() const override {
    if (failed_ || established_) return std::nullopt;
    return deadline_;
  }

  void handle_timeout() override {
    if (failed_ || established_ || !handshake_started_) return;
    drive();  // a non-blocking gnutls_handshake retransmits when its timer has run out
  }

  bool established() const override { return established_; }
  bool failed() const override { return failed_; }
  std::string error() const override { return error_; }

  Result<void> write(ByteSpan data) override {
    if (!established_ || failed_) return Error(ErrorCode::kWrongState, "gnutls endpoint: not established");
    const ssize_t n = gnutls_record_send(session_, data.data(), data.size());
    if (n < 0 || static_cast<size_t>(n) != data.size()) {
      fail(std::string("gnutls_record_send: ") + gnutls_strerror(static_cast<int>(n)));
      return Error(ErrorCode::kInternal, "gnutls endpoint: gnutls_record_send failed");
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
    if (!established_) return Error(ErrorCode::kWrongState, "gnutls endpoint: not established");
    Bytes out(length);
    if (gnutls_prf_rfc5705(session_, label.size(), label.data(), 0, nullptr, out.size(),
                           reinterpret_cast<char*>(out.data())) < 0)
      return Error(ErrorCode::kInternal, "gnutls endpoint: gnutls_prf_rfc5705 failed");
    return out;
  }

  std::string srtp_profile() const override {
    gnutls_srtp_profile_t profile;
    if (!established_ || gnutls_srtp_get_selected_profile(session_, &profile) < 0) return "";
    for (const auto& p : kSrtpProfiles)
      if (p.profile == profile) return p.openssl;
    return gnutls_srtp_get_profile_name(profile);
  }

  std::string alpn() const override {
    gnutls_datum_t selected{};
    if (!established_ || gnutls_alpn_get_selected_protocol(session_, &selected) < 0) return "";
    return std::string(reinterpret_cast<const char*>(selected.data), selected.size);
  }

  std::string cipher_name() const override {
    if (!established_) return "";
    const std::string kx = gnutls_kx_get_name(gnutls_kx_get(session_));
    const std::string cipher = gnutls_cipher_get_name(gnutls_cipher_get(session_));
    const std::string mac = gnutls_mac_get_name(gnutls_mac_get(session_));
    for (const auto& s : kSuites)
      if (kx == s.kx && cipher == s.cipher && mac == s.mac) return s.openssl;
    const char* iana = gnutls_ciphersuite_get(session_);  // not in the table: the IANA name
    return iana ? iana : kx + "-" + cipher + "-" + mac;
  }

  void close() override {
    if (failed_ || !established_) return;
    gnutls_bye(session_, GNUTLS_SHUT_WR);
  }

 private:
  static GnutlsEndpoint* self(gnutls_transport_ptr_t p) { return static_cast<GnutlsEndpoint*>(p); }

  static ssize_t push(gnutls_transport_ptr_t p, const void* data, size_t size) {
    const auto* bytes = static_cast<const uint8_t*>(data);
    self(p)->out_.emplace_back(bytes, bytes + size);
    return static_cast<ssize_t>(size);
  }

  static ssize_t pull(gnutls_transport_ptr_t p, void* buffer, size_t size) {
    GnutlsEndpoint* e = self(p);
    if (e->in_.empty()) {
      gnutls_transport_set_errno(e->session_, EAGAIN);
      return -1;
    }
    Bytes datagram = std::move(e->in_.front());
    e->in_.pop_front();
    const size_t n = std::min(datagram.size(), size);  // truncated like a UDP read
    std::memcpy(buffer, datagram.data(), n);
    return static_cast<ssize_t>(n);
  }

  // Non-blocking: data is either queued now or not.
  static int pull_timeout(gnutls_transport_ptr_t p, unsigned int) { return self(p)->in_.empty() ? 0 : 1; }

  static int server_psk(gnutls_session_t session, const char* identity, gnutls_datum_t* key) {
    const auto* e = static_cast<const GnutlsEndpoint*>(gnutls_session_get_ptr(session));
    if (identity == nullptr || e->config_.psk_identity != identity) return -1;
    key->data = static_cast<unsigned char*>(gnutls_malloc(e->config_.psk.size()));
    if (key->data == nullptr) return -1;
    std::memcpy(key->data, e->config_.psk.data(), e->config_.psk.size());
    key->size = static_cast<unsigned>(e->config_.psk.size());
    return 0;
  }

  int check(const char* step, int r) {
    if (r < 0) setup_step_ = step;
    return r;
  }

  int setup() {
    const unsigned flags = (config_.is_server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_DATAGRAM | GNUTLS_NONBLOCK;
    int r;
    if ((r = check("gnutls_init", gnutls_init(&session_, flags))) < 0) return r;
    gnutls_session_set_ptr(session_, this);
    gnutls_transport_set_ptr(session_, this);
    gnutls_transport_set_push_function(session_, push);
    gnutls_transport_set_pull_function(session_, pull);
    gnutls_transport_set_pull_timeout_function(session_, pull_timeout);
    gnutls_dtls_set_mtu(session_, static_cast<unsigned>(config_.mtu));
    gnutls_dtls_set_timeouts(session_, static_cast<unsigned>(config_.initial_timeout.count()), kTotalTimeoutMs);

    const std::string priority = priority_string(config_);
    if (priority.empty()) {
      setup_step_ = "no priority string for cipher '" + config_.cipher + "'";
      return GNUTLS_E_INVALID_REQUEST;
    }
    const char* error_position = nullptr;
    if ((r = check("priority", gnutls_priority_set_direct(session_, priority.c_str(), &error_position))) < 0) {
      setup_step_ += std::string(" at '") + (error_position ? error_position : "") + "'";
      return r;
    }
    if ((r = setup_certificates()) < 0) return r;
    if ((r = setup_psk()) < 0) return r;
    if ((r = setup_extensions()) < 0) return r;
    if (config_.is_server && config_.cookie_exchange) {
      if ((r = check("cookie key", gnutls_key_generate(&cookie_key_, GNUTLS_COOKIE_KEY_SIZE))) < 0) return r;
      awaiting_cookie_ = true;
    }
    return 0;
  }

  int setup_certificates() {
    const bool wanted = !config_.cert_file.empty() || !config_.ca_file.empty();
    if (!wanted) return 0;
    int r;
    if ((r = check("certificate credentials", gnutls_certificate_allocate_credentials(&certificates_))) < 0) return r;
    if (!config_.cert_file.empty() &&
        (r = check("certificate", gnutls_certificate_set_x509_key_file(certificates_, config_.cert_file.c_str(),
                                                                       config_.key_file.c_str(),
                                                                       GNUTLS_X509_FMT_PEM))) < 0)
      return r;
    if (!config_.ca_file.empty() &&
        (r = check("ca file", gnutls_certificate_set_x509_trust_file(certificates_, config_.ca_file.c_str(),
                                                                     GNUTLS_X509_FMT_PEM))) < 0)
      return r;
    if ((r = check("set certificate credentials",
                   gnutls_credentials_set(session_, GNUTLS_CRD_CERTIFICATE, certificates_))) < 0)
      return r;
    if (config_.verify_peer) {
      if (config_.is_server) {
        gnutls_certificate_server_set_request(session_, GNUTLS_CERT_REQUIRE);
        gnutls_session_set_verify_cert(session_, nullptr, 0);
      } else {
        gnutls_session_set_verify_cert(session_, config_.server_name.empty() ? nullptr : config_.server_name.c_str(),
                                       0);
      }
    }
    return 0;
  }

  int setup_psk() {
    if (config_.psk.empty()) return 0;
    int r;
    if (config_.is_server) {
      if ((r = check("psk credentials", gnutls_psk_allocate_server_credentials(&psk_server_))) < 0) return r;
      gnutls_psk_set_server_credentials_function(psk_server_, server_psk);
      return check("set psk credentials", gnutls_credentials_set(session_, GNUTLS_CRD_PSK, psk_server_));
    }
    if ((r = check("psk credentials", gnutls_psk_allocate_client_credentials(&psk_client_))) < 0) return r;
    gnutls_datum_t key{const_cast<unsigned char*>(config_.psk.data()), static_cast<unsigned>(config_.psk.size())};
    if ((r = check("psk key", gnutls_psk_set_client_credentials(psk_client_, config_.psk_identity.c_str(), &key,
                                                                 GNUTLS_PSK_KEY_RAW))) < 0)
      return r;
    return check("set psk credentials", gnutls_credentials_set(session_, GNUTLS_CRD_PSK, psk_client_));
  }

  int setup_extensions() {
    int r;
    if (!config_.is_server && !config_.server_name.empty() &&
        (r = check("sni", gnutls_server_name_set(session_, GNUTLS_NAME_DNS, config_.server_name.data(),
                                                 config_.server_name.size()))) < 0)
      return r;
    for (const auto& name : config_.srtp_profiles) {
      const auto* p = std::find_if(kSrtpProfiles.begin(), kSrtpProfiles.end(),
                                   [&](const SrtpName& s) { return name == s.openssl; });
      if (p == kSrtpProfiles.end()) {
        setup_step_ = "unknown SRTP profile " + name;
        return GNUTLS_E_INVALID_REQUEST;
      }
      if ((r = check("srtp", gnutls_srtp_set_profile(session_, p->profile))) < 0) return r;
    }
    if (!config_.alpn.empty()) {
      std::vector<gnutls_datum_t> protocols;
      for (const auto& a : config_.alpn)
        protocols.push_back({reinterpret_cast<unsigned char*>(const_cast<char*>(a.data())),
                             static_cast<unsigned>(a.size())});
      // RFC 7301 §3.2: the server picks, in its own order of preference.
      const unsigned flags = config_.is_server ? GNUTLS_ALPN_SERVER_PRECEDENCE : 0;
      if ((r = check("alpn", gnutls_alpn_set_protocols(session_, protocols.data(),
                                                       static_cast<unsigned>(protocols.size()), flags))) < 0)
        return r;
    }
    return 0;
  }

  // RFC 6347 §4.2.1: until a ClientHello carries a valid cookie, the server
  // keeps no state and answers each ClientHello with a HelloVerifyRequest.
  void answer_before_session(ByteSpan datagram) {
    gnutls_dtls_prestate_st prestate;
    std::memset(&prestate, 0, sizeof prestate);
    auto* client = const_cast<char*>(kPeerName);
    const int r = gnutls_dtls_cookie_verify(&cookie_key_, client, sizeof kPeerName,
                                            const_cast<uint8_t*>(datagram.data()), datagram.size(), &prestate);
    if (r == GNUTLS_E_BAD_COOKIE) {
      gnutls_dtls_cookie_send(&cookie_key_, client, sizeof kPeerName, &prestate, this, push);
      return;
    }
    if (r < 0) return;  // not a ClientHello: dropped, as from an unknown address
    gnutls_dtls_prestate_set(session_, &prestate);
    awaiting_cookie_ = false;
    in_.emplace_back(datagram.begin(), datagram.end());
    drive();
  }

  void drive() {
    if (!established_) {
      handshake_started_ = true;
      int r = gnutls_handshake(session_);
      // As in read_records: go on while queued datagrams are being consumed.
      for (size_t queued = in_.size(); r == GNUTLS_E_AGAIN && !in_.empty() && in_.size() < queued;) {
        queued = in_.size();
        r = gnutls_handshake(session_);
      }
      if (r == GNUTLS_E_SUCCESS) {
        established_ = true;
      } else if (gnutls_error_is_fatal(r)) {
        fail_with_alert("handshake", r);
        return;
      }
      // Fixed here rather than recomputed on every next_timeout() call, so
      // the deadline does not slide forward while the driver looks at it.
      // gnutls_dtls_get_timeout rounds down to a millisecond: a call that
      // lands early only returns GNUTLS_E_AGAIN and re-arms the deadline.
      deadline_.reset();
      if (!established_)
        deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(gnutls_dtls_get_timeout(session_));
    }
    if (established_) read_records();
  }

  void read_records() {
    uint8_t buffer[1 << 15];
    size_t queued = in_.size() + 1;
    for (;;) {
      const ssize_t n = gnutls_record_recv(session_, buffer, sizeof buffer);
      if (n > 0) {
        received_.emplace_back(buffer, buffer + n);
        continue;
      }
      // GNUTLS_E_AGAIN also follows a discarded record (a duplicate, say)
      // while datagrams are still queued: read on until the queue is empty,
      // or the rest would wait for the next datagram to arrive.
      if ((n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) && !in_.empty() && in_.size() < queued) {
        queued = in_.size();
        continue;
      }
      if (n == 0 || n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) return;  // 0: close_notify
      if (gnutls_error_is_fatal(static_cast<int>(n))) {
        fail_with_alert("read", static_cast<int>(n));
        return;
      }
      // Non-fatal (a warning alert, a dropped record): keep reading.
    }
  }

  void fail_with_alert(const char* what, int r) {
    std::string message = std::string(what) + ": " + gnutls_strerror(r);
    if (r == GNUTLS_E_FATAL_ALERT_RECEIVED || r == GNUTLS_E_WARNING_ALERT_RECEIVED)
    {
      const char* alert = gnutls_alert_get_name(gnutls_alert_get(session_));
      message += std::string(" (") + (alert ? alert : "unknown alert") + ")";
    }
    fail(message);
  }

  void fail(std::string message) {
    if (!failed_) error_ = "gnutls " + std::string(config_.is_server ? "server" : "client") + ": " + message;
    failed_ = true;
  }

  EndpointConfig config_;
  gnutls_session_t session_ = nullptr;
  gnutls_certificate_credentials_t certificates_ = nullptr;
  gnutls_psk_client_credentials_t psk_client_ = nullptr;
  gnutls_psk_server_credentials_t psk_server_ = nullptr;
  gnutls_datum_t cookie_key_{};
  std::deque<Bytes> in_;
  std::deque<Bytes> out_;
  std::deque<Bytes> received_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  bool awaiting_cookie_ = false;
  bool handshake_started_ = false;
  bool established_ = false;
  bool failed_ = false;
  std::string error_;
  std::string setup_step_;
};

}  // namespace

std::unique_ptr<Endpoint> make_gnutls_endpoint(const EndpointConfig& config) {
  return std::make_unique<GnutlsEndpoint>(config);
}

}  // namespace cachet::interop
