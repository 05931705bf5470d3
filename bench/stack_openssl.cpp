// The OpenSSL-API stack. Built twice from this one file:
//  - in cachet-bench, against the system's OpenSSL 3.0 headers and libraries
//    ("openssl");
//  - in cachet-bench-shim, with CACHET_BENCH_SHIM defined, against Cachet's
//    compat/include headers and compat/libssl.la + libcrypto.la
//    ("cachet-shim": Cachet as an OpenSSL program sees it).
// So it calls only functions the shim exports (compat/symbols/*.txt).
//
// The SSL talks to a custom BIO over two datagram queues: each BIO_write is
// one datagram out, each BIO_read one datagram in (a memory BIO would merge
// the records of a flight into a byte stream).
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <sys/time.h>

#include <algorithm>
#include <cstring>

#include "bench.hpp"

namespace bench {
namespace {

constexpr char kServerName[] = "server.example";
constexpr long kLinkMtu = 1400;
constexpr unsigned char kCookieSecret[] = "cachet-bench cookie secret";
constexpr unsigned char kPeerName[] = "127.0.0.1:4660";

unsigned char g_scratch[1 << 16];  // SSL_read's destination (shared: not per endpoint)

std::string error_queue() {
  std::string out;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    if (!out.empty()) out += "; ";
    out += text;
  }
  return out;
}

class OsslEndpoint;

int bio_write(BIO* bio, const char* data, int length);
int bio_read(BIO* bio, char* buffer, int size);

long bio_ctrl(BIO*, int cmd, long, void* parg) {
  switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_DGRAM_GET_PEER:
      if (parg != nullptr) BIO_ADDR_clear(static_cast<BIO_ADDR*>(parg));
      return 0;
    default: return 0;  // QUERY_MTU, MTU_OVERHEAD, ...: unknown / none
  }
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

int bio_destroy(BIO* bio) {
  BIO_set_data(bio, nullptr);
  return 1;
}

BIO_METHOD* bio_method() {
  static BIO_METHOD* m = [] {
    BIO_METHOD* method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "cachet-bench datagram queue");
    BIO_meth_set_write(method, bio_write);
    BIO_meth_set_read(method, bio_read);
    BIO_meth_set_ctrl(method, bio_ctrl);
    BIO_meth_set_create(method, bio_create);
    BIO_meth_set_destroy(method, bio_destroy);
    return method;
  }();
  return m;
}

class OsslEndpoint final : public Endpoint {
 public:
  OsslEndpoint(SSL_CTX* ctx, bool client, bool certificates) : client_(client) {
    ssl_ = SSL_new(ctx);
    if (ssl_ == nullptr) {
      fail("SSL_new");
      return;
    }
    BIO* bio = BIO_new(bio_method());
    BIO_set_data(bio, this);
    SSL_set_bio(ssl_, bio, bio);
    SSL_set_options(ssl_, SSL_OP_NO_QUERY_MTU);
    DTLS_set_link_mtu(ssl_, kLinkMtu);
    if (client) {
      SSL_set_connect_state(ssl_);
      SSL_set_tlsext_host_name(ssl_, kServerName);
      if (certificates) SSL_set1_host(ssl_, kServerName);
    } else {
      SSL_set_accept_state(ssl_);
    }
  }
  ~OsslEndpoint() override {
    if (ssl_ == nullptr) return;
    // As after a clean close: SSL_free of an established SSL that was never
    // shut down would remove its session from the caches (not resumable).
    if (established_) SSL_set_shutdown(ssl_, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(ssl_);
  }

  SSL* ssl() { return ssl_; }
  DatagramQueue in, out;

  void start() override {
    if (client_) step();
  }
  void receive(Datagram& d) override {
    in.push_swap(d);
    if (!established_ && !failed_) step();
  }
  bool transmit(Datagram& d) override { return out.pop(d); }
  std::optional<Clock::time_point> deadline() override {
    if (established_ || failed_) return std::nullopt;
    timeval tv{};
    if (DTLSv1_get_timeout(ssl_, &tv) != 1) return std::nullopt;
    return Clock::now() + std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
  }
  void handle_timeout() override {
    if (established_ || failed_) return;
    if (DTLSv1_handle_timeout(ssl_) < 0) fail("DTLSv1_handle_timeout");
    step();
  }
  bool established() const override { return established_; }
  bool failed() const override { return failed_; }
  std::string error() const override { return error_; }
  bool write(const uint8_t* data, size_t n) override {
    const int r = SSL_write(ssl_, data, static_cast<int>(n));
    if (r != static_cast<int>(n)) {
      fail("SSL_write");
      return false;
    }
    return true;
  }
  size_t read() override {
    const int r = SSL_read(ssl_, g_scratch, sizeof g_scratch);
    if (r > 0) return static_cast<size_t>(r);
    const int e = SSL_get_error(ssl_, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) fail("SSL_read");
    return 0;
  }
  bool resumed() const override { return SSL_session_reused(ssl_) == 1; }
  void compact() override {
    in.compact();
    out.compact();
  }

 private:
  void step() {
    const int r = SSL_do_handshake(ssl_);
    if (r == 1) {
      established_ = true;
      return;
    }
    const int e = SSL_get_error(ssl_, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) fail("SSL_do_handshake");
  }
  void fail(const char* what) {
    if (!failed_) error_ = std::string(what) + ": " + error_queue();
    failed_ = true;
  }

  SSL* ssl_ = nullptr;
  bool client_;
  bool established_ = false;
  bool failed_ = false;
  std::string error_;
};

int bio_write(BIO* bio, const char* data, int length) {
  auto* e = static_cast<OsslEndpoint*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (e == nullptr || length < 0) return -1;
  e->out.push(reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(length));
  return length;
}

int bio_read(BIO* bio, char* buffer, int size) {
  auto* e = static_cast<OsslEndpoint*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (e == nullptr || e->in.empty()) {
    BIO_set_retry_read(bio);
    return -1;
  }
  static Datagram d;
  e->in.pop(d);
  const size_t n = std::min(d.size(), static_cast<size_t>(std::max(size, 0)));
  std::memcpy(buffer, d.data(), n);
  return static_cast<int>(n);
}

void cookie_of(unsigned char out[32]) {
  unsigned char input[sizeof kCookieSecret + sizeof kPeerName];
  std::memcpy(input, kCookieSecret, sizeof kCookieSecret);
  std::memcpy(input + sizeof kCookieSecret, kPeerName, sizeof kPeerName);
  unsigned int n = 0;
  EVP_Digest(input, sizeof input, out, &n, EVP_sha256(), nullptr);
}

int generate_cookie(SSL*, unsigned char* cookie, unsigned int* length) {
  unsigned char md[32];
  cookie_of(md);
  std::memcpy(cookie, md, 16);
  *length = 16;
  return 1;
}

int verify_cookie(SSL*, const unsigned char* cookie, unsigned int length) {
  unsigned char md[32];
  cookie_of(md);
  return length == 16 && CRYPTO_memcmp(cookie, md, 16) == 0 ? 1 : 0;
}

unsigned int psk_client(SSL*, const char*, char* identity, unsigned int max_identity, unsigned char* psk,
                        unsigned int max_psk) {
  if (sizeof kPskIdentity > max_identity || sizeof kPskKey > max_psk) return 0;
  std::memcpy(identity, kPskIdentity, sizeof kPskIdentity);
  std::memcpy(psk, kPskKey, sizeof kPskKey);
  return sizeof kPskKey;
}

unsigned int psk_server(SSL*, const char* identity, unsigned char* psk, unsigned int max_psk) {
  if (identity == nullptr || std::strcmp(identity, kPskIdentity) != 0 || sizeof kPskKey > max_psk) return 0;
  std::memcpy(psk, kPskKey, sizeof kPskKey);
  return sizeof kPskKey;
}

class OsslSetup final : public Setup {
 public:
  SSL_CTX* cctx = nullptr;
  SSL_CTX* sctx = nullptr;
  SSL_SESSION* session = nullptr;
  bool certificates = true;
  ~OsslSetup() override {
    if (session != nullptr) SSL_SESSION_free(session);
    if (cctx != nullptr) SSL_CTX_free(cctx);
    if (sctx != nullptr) SSL_CTX_free(sctx);
  }
  std::unique_ptr<Endpoint> client() override {
    auto e = std::make_unique<OsslEndpoint>(cctx, true, certificates);
    if (e->ssl() == nullptr) return nullptr;
    if (session != nullptr) SSL_set_session(e->ssl(), session);
    return e;
  }
  std::unique_ptr<Endpoint> server() override {
    auto e = std::make_unique<OsslEndpoint>(sctx, false, certificates);
    if (e->ssl() == nullptr) return nullptr;
    return e;
  }
  bool remember(Endpoint& client) override {
    SSL_SESSION* s = SSL_get1_session(static_cast<OsslEndpoint&>(client).ssl());
    if (s == nullptr) return false;
    if (session != nullptr) SSL_SESSION_free(session);
    session = s;
    return true;
  }
};

class OsslStack final : public Stack {
 public:
#ifdef CACHET_BENCH_SHIM
  std::string name() const override { return "cachet-shim"; }
#else
  std::string name() const override { return "openssl"; }
#endif
  std::string version() const override { return OpenSSL_version(OPENSSL_VERSION); }

  std::unique_ptr<Setup> setup(const Config& config, std::string& error) override {
    auto s = std::make_unique<OsslSetup>();
    s->cctx = SSL_CTX_new(DTLS_client_method());
    s->sctx = SSL_CTX_new(DTLS_server_method());
    if (s->cctx == nullptr || s->sctx == nullptr) {
      error = "SSL_CTX_new: " + error_queue();
      return nullptr;
    }
    const bool tickets = config.resume == Config::Resume::kTicket;
    for (SSL_CTX* ctx : {s->cctx, s->sctx}) {
      SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
      SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION);
      if (SSL_CTX_set_cipher_list(ctx, config.suite.c_str()) != 1) {
        error = "cipher list " + config.suite + ": " + error_queue();
        return nullptr;
      }
      if (!tickets) SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    }
    static const unsigned char kSidContext[] = "cachet-bench";
    SSL_CTX_set_session_id_context(s->sctx, kSidContext, sizeof kSidContext - 1);
    SSL_CTX_set_session_cache_mode(s->sctx, (tickets || !config.session_cache) ? SSL_SESS_CACHE_OFF
                                                                               : SSL_SESS_CACHE_SERVER);
    if (config.cookies) {
      SSL_CTX_set_options(s->sctx, SSL_OP_COOKIE_EXCHANGE);
      SSL_CTX_set_cookie_generate_cb(s->sctx, generate_cookie);
      SSL_CTX_set_cookie_verify_cb(s->sctx, verify_cookie);
    }
    if (config.auth == Config::Auth::kPsk) {
      s->certificates = false;
      SSL_CTX_set_psk_client_callback(s->cctx, psk_client);
      SSL_CTX_set_psk_server_callback(s->sctx, psk_server);
      return s;
    }
    for (SSL_CTX* ctx : {s->cctx, s->sctx}) {
      if (SSL_CTX_set1_groups_list(ctx, config.group.c_str()) != 1) {
        error = "groups " + config.group + ": " + error_queue();
        return nullptr;
      }
    }
    const std::string pki = config.pki_dir + "/p256/";
    if (SSL_CTX_use_certificate_chain_file(s->sctx, (pki + "server-chain.pem").c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(s->sctx, (pki + "server.key").c_str(), SSL_FILETYPE_PEM) != 1) {
      error = "server certificate/key: " + error_queue();
      return nullptr;
    }
    if (SSL_CTX_load_verify_locations(s->cctx, (pki + "root.pem").c_str(), nullptr) != 1) {
      error = "CA file: " + error_queue();
      return nullptr;
    }
    SSL_CTX_set_verify(s->cctx, SSL_VERIFY_PEER, nullptr);
    return s;
  }
};

}  // namespace

std::unique_ptr<Stack> make_openssl_stack() { return std::make_unique<OsslStack>(); }

}  // namespace bench
