// The GnuTLS 3.7 stack: a non-blocking DTLS session whose push/pull
// functions work on datagram queues (one push = one datagram out, one pull =
// one datagram in or EAGAIN). Credentials, priorities, the cookie key, the
// ticket key and the session-ID cache live in the Setup and are shared by
// every session, as a server would share them.
//
// Cookies use GnuTLS's stateless prestate flow: before the session sees
// anything, ClientHellos are checked with gnutls_dtls_cookie_verify and
// answered with gnutls_dtls_cookie_send; the verified one starts the
// session after gnutls_dtls_prestate_set.
#include <gnutls/dtls.h>
#include <gnutls/gnutls.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <string>

#include "bench.hpp"

namespace bench {
namespace {

constexpr char kServerName[] = "server.example";
constexpr char kPeerName[] = "127.0.0.1:4660";
constexpr unsigned kMtu = 1400;

unsigned char g_scratch[1 << 16];

struct SessionDb {
  std::map<std::string, std::string> entries;
};

class GnutlsSetup;

class GnutlsEndpoint final : public Endpoint {
 public:
  GnutlsEndpoint(GnutlsSetup& setup, bool client);
  ~GnutlsEndpoint() override {
    if (session_ != nullptr) gnutls_deinit(session_);
  }

  void start() override {
    if (client_) step();
  }
  void receive(Datagram& d) override;
  bool transmit(Datagram& out) override { return out_.pop(out); }
  std::optional<Clock::time_point> deadline() override {
    if (established_ || failed_ || !started_) return std::nullopt;
    return deadline_;
  }
  void handle_timeout() override {
    if (!established_ && !failed_ && started_) step();
  }
  bool established() const override { return established_; }
  bool failed() const override { return failed_; }
  std::string error() const override { return error_; }
  bool write(const uint8_t* data, size_t n) override {
    const ssize_t r = gnutls_record_send(session_, data, n);
    if (r != static_cast<ssize_t>(n)) {
      fail("gnutls_record_send", static_cast<int>(r));
      return false;
    }
    return true;
  }
  size_t read() override {
    if (!established_ || failed_) return 0;
    for (;;) {
      const ssize_t r = gnutls_record_recv(session_, g_scratch, sizeof g_scratch);
      if (r > 0) return static_cast<size_t>(r);
      if (r == 0 || r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) return 0;
      if (gnutls_error_is_fatal(static_cast<int>(r))) {
        fail("gnutls_record_recv", static_cast<int>(r));
        return 0;
      }
    }
  }
  bool resumed() const override { return gnutls_session_is_resumed(session_) != 0; }
  void compact() override {
    in_.compact();
    out_.compact();
  }
  gnutls_session_t session() { return session_; }

  static ssize_t push(gnutls_transport_ptr_t p, const void* data, size_t size) {
    static_cast<GnutlsEndpoint*>(p)->out_.push(static_cast<const uint8_t*>(data), size);
    return static_cast<ssize_t>(size);
  }
  static ssize_t pull(gnutls_transport_ptr_t p, void* buffer, size_t size) {
    auto* e = static_cast<GnutlsEndpoint*>(p);
    if (e->in_.empty()) {
      gnutls_transport_set_errno(e->session_, EAGAIN);
      return -1;
    }
    static Datagram d;
    e->in_.pop(d);
    const size_t n = std::min(d.size(), size);
    std::memcpy(buffer, d.data(), n);
    return static_cast<ssize_t>(n);
  }
  static int pull_timeout(gnutls_transport_ptr_t p, unsigned int) {
    return static_cast<GnutlsEndpoint*>(p)->in_.empty() ? 0 : 1;
  }

 private:
  void step() {
    started_ = true;
    const int r = gnutls_handshake(session_);
    if (r == GNUTLS_E_SUCCESS) {
      established_ = true;
      return;
    }
    if (gnutls_error_is_fatal(r)) {
      fail("gnutls_handshake", r);
      return;
    }
    deadline_ = Clock::now() + std::chrono::milliseconds(gnutls_dtls_get_timeout(session_));
  }
  void fail(const char* what, int r) {
    if (!failed_) error_ = std::string(what) + ": " + gnutls_strerror(r);
    failed_ = true;
  }

  GnutlsSetup& setup_;
  bool client_;
  gnutls_session_t session_ = nullptr;
  DatagramQueue in_, out_;
  Clock::time_point deadline_{};
  bool awaiting_cookie_ = false;
  bool started_ = false;
  bool established_ = false;
  bool failed_ = false;
  std::string error_;
};

class GnutlsSetup final : public Setup {
 public:
  Config config;
  gnutls_certificate_credentials_t server_certs = nullptr;
  gnutls_certificate_credentials_t client_certs = nullptr;
  gnutls_psk_client_credentials_t psk_client = nullptr;
  gnutls_psk_server_credentials_t psk_server = nullptr;
  gnutls_priority_t priority = nullptr;
  gnutls_datum_t cookie_key{};
  gnutls_datum_t ticket_key{};
  SessionDb db;
  std::string session_data;

  ~GnutlsSetup() override {
    if (server_certs) gnutls_certificate_free_credentials(server_certs);
    if (client_certs) gnutls_certificate_free_credentials(client_certs);
    if (psk_client) gnutls_psk_free_client_credentials(psk_client);
    if (psk_server) gnutls_psk_free_server_credentials(psk_server);
    if (priority) gnutls_priority_deinit(priority);
    gnutls_free(cookie_key.data);
    gnutls_free(ticket_key.data);
  }
  std::unique_ptr<Endpoint> client() override {
    auto e = std::make_unique<GnutlsEndpoint>(*this, true);
    if (e->failed()) return nullptr;
    return e;
  }
  std::unique_ptr<Endpoint> server() override {
    auto e = std::make_unique<GnutlsEndpoint>(*this, false);
    if (e->failed()) return nullptr;
    return e;
  }
  bool remember(Endpoint& client) override {
    gnutls_datum_t d{};
    if (gnutls_session_get_data2(static_cast<GnutlsEndpoint&>(client).session(), &d) < 0) return false;
    session_data.assign(reinterpret_cast<const char*>(d.data), d.size);
    gnutls_free(d.data);
    return true;
  }

  static int db_store(void* p, gnutls_datum_t key, gnutls_datum_t data) {
    static_cast<GnutlsSetup*>(p)->db.entries[std::string(reinterpret_cast<char*>(key.data), key.size)] =
        std::string(reinterpret_cast<char*>(data.data), data.size);
    return 0;
  }
  static gnutls_datum_t db_retrieve(void* p, gnutls_datum_t key) {
    gnutls_datum_t out{};
    auto& entries = static_cast<GnutlsSetup*>(p)->db.entries;
    const auto it = entries.find(std::string(reinterpret_cast<char*>(key.data), key.size));
    if (it == entries.end()) return out;
    out.data = static_cast<unsigned char*>(gnutls_malloc(it->second.size()));
    if (out.data == nullptr) return out;
    std::memcpy(out.data, it->second.data(), it->second.size());
    out.size = static_cast<unsigned>(it->second.size());
    return out;
  }
  static int db_remove(void* p, gnutls_datum_t key) {
    static_cast<GnutlsSetup*>(p)->db.entries.erase(std::string(reinterpret_cast<char*>(key.data), key.size));
    return 0;
  }
  static int server_psk(gnutls_session_t, const char* identity, gnutls_datum_t* key) {
    if (identity == nullptr || std::strcmp(identity, kPskIdentity) != 0) return -1;
    key->data = static_cast<unsigned char*>(gnutls_malloc(sizeof kPskKey));
    if (key->data == nullptr) return -1;
    std::memcpy(key->data, kPskKey, sizeof kPskKey);
    key->size = sizeof kPskKey;
    return 0;
  }
};

GnutlsEndpoint::GnutlsEndpoint(GnutlsSetup& setup, bool client) : setup_(setup), client_(client) {
  const Config& c = setup.config;
  unsigned flags = (client ? GNUTLS_CLIENT : GNUTLS_SERVER) | GNUTLS_DATAGRAM | GNUTLS_NONBLOCK;
  if (c.resume != Config::Resume::kTicket) flags |= GNUTLS_NO_TICKETS;
  int r = gnutls_init(&session_, flags);
  if (r < 0) {
    session_ = nullptr;
    fail("gnutls_init", r);
    return;
  }
  gnutls_transport_set_ptr(session_, this);
  gnutls_transport_set_push_function(session_, push);
  gnutls_transport_set_pull_function(session_, pull);
  gnutls_transport_set_pull_timeout_function(session_, pull_timeout);
  gnutls_dtls_set_mtu(session_, kMtu);
  if ((r = gnutls_priority_set(session_, setup.priority)) < 0) { fail("gnutls_priority_set", r); return; }
  if (c.auth == Config::Auth::kPsk) {
    r = client ? gnutls_credentials_set(session_, GNUTLS_CRD_PSK, setup.psk_client)
               : gnutls_credentials_set(session_, GNUTLS_CRD_PSK, setup.psk_server);
    if (r < 0) { fail("gnutls_credentials_set", r); return; }
  } else {
    r = gnutls_credentials_set(session_, GNUTLS_CRD_CERTIFICATE, client ? setup.client_certs : setup.server_certs);
    if (r < 0) { fail("gnutls_credentials_set", r); return; }
  }
  if (client) {
    gnutls_server_name_set(session_, GNUTLS_NAME_DNS, kServerName, sizeof kServerName - 1);
    if (c.auth == Config::Auth::kCertificate) gnutls_session_set_verify_cert(session_, kServerName, 0);
    if (!setup.session_data.empty()) {
      r = gnutls_session_set_data(session_, setup.session_data.data(), setup.session_data.size());
      if (r < 0) { fail("gnutls_session_set_data", r); return; }
    }
  } else {
    if (c.resume == Config::Resume::kTicket) {
      if ((r = gnutls_session_ticket_enable_server(session_, &setup.ticket_key)) < 0)
        { fail("gnutls_session_ticket_enable_server", r); return; }
    } else if (c.session_cache) {
      gnutls_db_set_ptr(session_, &setup);
      gnutls_db_set_store_function(session_, GnutlsSetup::db_store);
      gnutls_db_set_retrieve_function(session_, GnutlsSetup::db_retrieve);
      gnutls_db_set_remove_function(session_, GnutlsSetup::db_remove);
    }
    awaiting_cookie_ = c.cookies;
  }
}

void GnutlsEndpoint::receive(Datagram& d) {
  if (failed_) return;
  if (awaiting_cookie_) {
    gnutls_dtls_prestate_st prestate;
    std::memset(&prestate, 0, sizeof prestate);
    auto* client = const_cast<char*>(kPeerName);
    const int r = gnutls_dtls_cookie_verify(&setup_.cookie_key, client, sizeof kPeerName, d.data(), d.size(), &prestate);
    if (r < 0) {
      if (r == GNUTLS_E_BAD_COOKIE)
        gnutls_dtls_cookie_send(&setup_.cookie_key, client, sizeof kPeerName, &prestate, this, push);
      return;
    }
    gnutls_dtls_prestate_set(session_, &prestate);
    awaiting_cookie_ = false;
  }
  in_.push_swap(d);
  if (!established_) step();
}

class GnutlsStack final : public Stack {
 public:
  std::string name() const override { return "gnutls"; }
  std::string version() const override { return std::string("GnuTLS ") + gnutls_check_version(nullptr); }

  std::unique_ptr<Setup> setup(const Config& config, std::string& error) override {
    auto s = std::make_unique<GnutlsSetup>();
    s->config = config;
    std::string cipher, kx;
    if (config.suite == "ECDHE-ECDSA-AES128-GCM-SHA256") cipher = "AES-128-GCM";
    else if (config.suite == "ECDHE-ECDSA-AES256-GCM-SHA384") cipher = "AES-256-GCM";
    else if (config.suite == "ECDHE-ECDSA-CHACHA20-POLY1305") cipher = "CHACHA20-POLY1305";
    else if (config.suite == "PSK-AES128-GCM-SHA256") cipher = "AES-128-GCM";
    else {
      error = "no GnuTLS priority for " + config.suite;
      return nullptr;
    }
    kx = config.auth == Config::Auth::kPsk ? "PSK" : "ECDHE-ECDSA";
    std::string prio = "NONE:+VERS-DTLS1.2:+" + kx + ":+" + cipher + ":+AEAD:+SIGN-ALL:+COMP-NULL:+CTYPE-X509";
    if (config.auth == Config::Auth::kCertificate)
      prio += config.group.rfind("X25519", 0) == 0 ? ":+GROUP-X25519:+GROUP-SECP256R1" : ":+GROUP-SECP256R1";
    else
      prio += ":+GROUP-ALL";
    const char* where = nullptr;
    int r = gnutls_priority_init(&s->priority, prio.c_str(), &where);
    if (r < 0) {
      error = "priority '" + prio + "': " + gnutls_strerror(r);
      return nullptr;
    }
    if ((r = gnutls_key_generate(&s->cookie_key, GNUTLS_COOKIE_KEY_SIZE)) < 0 ||
        (r = gnutls_session_ticket_key_generate(&s->ticket_key)) < 0) {
      error = std::string("key generation: ") + gnutls_strerror(r);
      return nullptr;
    }
    if (config.auth == Config::Auth::kPsk) {
      gnutls_psk_allocate_client_credentials(&s->psk_client);
      gnutls_psk_allocate_server_credentials(&s->psk_server);
      gnutls_datum_t key{const_cast<unsigned char*>(kPskKey), sizeof kPskKey};
      if ((r = gnutls_psk_set_client_credentials(s->psk_client, kPskIdentity, &key, GNUTLS_PSK_KEY_RAW)) < 0) {
        error = std::string("psk: ") + gnutls_strerror(r);
        return nullptr;
      }
      gnutls_psk_set_server_credentials_function(s->psk_server, GnutlsSetup::server_psk);
      return s;
    }
    const std::string pki = config.pki_dir + "/p256/";
    gnutls_certificate_allocate_credentials(&s->server_certs);
    gnutls_certificate_allocate_credentials(&s->client_certs);
    if ((r = gnutls_certificate_set_x509_key_file(s->server_certs, (pki + "server-chain.pem").c_str(),
                                                  (pki + "server.key").c_str(), GNUTLS_X509_FMT_PEM)) < 0) {
      error = std::string("server certificate: ") + gnutls_strerror(r);
      return nullptr;
    }
    if ((r = gnutls_certificate_set_x509_trust_file(s->client_certs, (pki + "root.pem").c_str(),
                                                    GNUTLS_X509_FMT_PEM)) < 0) {
      error = std::string("CA file: ") + gnutls_strerror(r);
      return nullptr;
    }
    return s;
  }
};

}  // namespace

std::unique_ptr<Stack> make_gnutls_stack() {
  gnutls_global_init();
  return std::make_unique<GnutlsStack>();
}

}  // namespace bench
