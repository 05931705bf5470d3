// libssl's objects: SSL_CTX (a mutable configuration, turned into an
// immutable cachet::Context when a connection starts, built once and shared
// until the configuration changes) and SSL (one cachet::Connection driven
// through the program's BIOs). See compat/README.md.
#pragma once

// The OpenSSL-compatible headers with default visibility: the functions they
// declare are what this library exports (it is built -fvisibility=hidden;
// the version script then keeps exactly compat/symbols/libssl.txt).
#pragma GCC visibility push(default)
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#pragma GCC visibility pop

#include <cachet/cachet.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct ssl_method_st {
  int role;  // 0: either (set later), 1: client, 2: server
  int version;
};

namespace cachet_compat {

// ex_data, as CRYPTO_get_ex_new_index numbers it.
struct ExData {
  std::map<int, void*> slots;
  void* get(int idx) const {
    auto it = slots.find(idx);
    return it == slots.end() ? nullptr : it->second;
  }
};

// Puts an error on the thread's queue: library SSL, the reason code, and a
// text saying what failed (ERR_set_error's formatted data).
void ssl_error(int reason, const char* what, const char* file = __builtin_FILE(), int line = __builtin_LINE());

// The cachet::Context for an SSL, from its SSL_CTX's settings (and its own)
// as they are now: the one already built for the same settings when there
// is one, else built and kept for the next SSL (null after putting the
// reason on the error queue).
std::shared_ptr<const cachet::Context> context_for(SSL* s);

// A fresh value for ssl_ctx_st::generation: unique across every SSL_CTX of
// the process, so a generation names one state of one configuration.
uint64_t next_generation() noexcept;

// Contexts built from one configuration (an SSL_CTX, or an SSL's own
// settings over its SSL_CTX), for the SSLs that start with it. An entry
// stays valid while the generations it was built from are current; what an
// SSL alone decides at start (role, verify mode, MTU, timer callback's
// first timeout) picks among the entries.
struct ContextCache {
  struct Key {
    uint64_t ctx_generation = 0;  // the SSL_CTX's
    uint64_t own_generation = 0;  // the SSL's own settings' (0: none)
    int role = 0;
    int verify_mode = 0;
    size_t mtu = 0;
    unsigned timer_us = 0;
    bool operator==(const Key&) const = default;
  };
  struct Entry {
    Key key;
    std::shared_ptr<const cachet::Context> context;
  };
  static constexpr size_t kMaxEntries = 4;
  std::mutex lock;  // SSLs of one SSL_CTX may start on several threads
  std::vector<Entry> entries;  // oldest first
};

// The SSL whose call into the engine is running on this thread, for the
// callbacks a shared Context holds (they are called synchronously from
// inside that call). Null outside such a call.
SSL* current_ssl() noexcept;

// A thread's buffer for one datagram or record on its way between a BIO and
// the engine, lent to one user at a time; a user nested inside another (a
// BIO or a callback that drives another SSL on the same thread) gets one of
// its own. The buffer keeps its storage, so moving datagrams allocates
// nothing once warm, and it costs one buffer per thread, none per SSL.
class DatagramBuffer {
 public:
  enum class Use { kReceive, kTransmit, kRecord };
  explicit DatagramBuffer(Use use) noexcept;
  ~DatagramBuffer();
  DatagramBuffer(const DatagramBuffer&) = delete;
  DatagramBuffer& operator=(const DatagramBuffer&) = delete;
  std::vector<uint8_t>& get() noexcept { return *buffer_; }

 private:
  bool* busy_ = nullptr;  // the thread's flag when its buffer is lent to us
  std::vector<uint8_t>* buffer_;
  std::vector<uint8_t> own_;
};

// Makes `s` the current SSL for its scope, restoring the previous one after
// (a callback may drive another SSL on the same thread).
class CurrentSsl {
 public:
  explicit CurrentSsl(SSL* s) noexcept;
  ~CurrentSsl();
  CurrentSsl(const CurrentSsl&) = delete;
  CurrentSsl& operator=(const CurrentSsl&) = delete;

 private:
  SSL* previous_;
};

// The settings an SSL was given alone (SSL_set_cipher_list,
// SSL_use_certificate, ...), held in an SSL_CTX of its own, made on first
// use; what it leaves unset comes from the SSL's SSL_CTX. Null on allocation
// failure (with an ERR entry).
SSL_CTX* own_settings(SSL* s);

// DTLSv1_handle_timeout's work: when the retransmission deadline has passed,
// resends the flight through the write BIO (1), 0 when nothing was due, -1
// when the handshake has now failed.
int handle_timeout(SSL* s);

}  // namespace cachet_compat

struct ssl_ctx_st {
  std::atomic<int> references{1};
  // Changed (cachet_compat::changed) by every setter of the configuration:
  // the Contexts built before are then not used for SSLs starting after.
  std::atomic<uint64_t> generation{cachet_compat::next_generation()};
  cachet_compat::ContextCache contexts;
  const SSL_METHOD* method = nullptr;
  uint64_t options = 0;
  long mode = 0;
  int verify_mode = SSL_VERIFY_NONE;
  int verify_depth = -1;
  SSL_verify_cb verify_callback = nullptr;
  std::string cipher_list;
  std::string groups;
  std::string srtp_profiles;
  std::vector<std::string> alpn;  // client protocols, from the wire format
  SSL_CTX_alpn_select_cb_func alpn_select = nullptr;
  void* alpn_select_arg = nullptr;
  std::string certificate_chain_pem;  // leaf first
  std::string private_key_pem;
  X509* certificate = nullptr;        // what SSL_CTX_get0_certificate returns
  EVP_PKEY* private_key = nullptr;
  std::string ca_pem;                 // trust anchors loaded so far
  bool system_trust = false;
  X509_STORE* cert_store = nullptr;   // SSL_CTX_get_cert_store's object
  SSL_psk_client_cb_func psk_client = nullptr;
  SSL_psk_server_cb_func psk_server = nullptr;
  std::string psk_identity_hint;
  int (*cookie_generate)(SSL*, unsigned char*, unsigned int*) = nullptr;
  int (*cookie_verify)(SSL*, const unsigned char*, unsigned int) = nullptr;
  void (*info_callback)(const SSL*, int, int) = nullptr;
  void (*msg_callback)(int, int, int, const void*, size_t, SSL*, void*) = nullptr;
  void* msg_callback_arg = nullptr;
  std::string session_id_context;     // SSL_CTX_set_session_id_context
  int (*new_session_cb)(SSL*, SSL_SESSION*) = nullptr;
  long session_cache_mode = SSL_SESS_CACHE_SERVER;
  long session_timeout = 7200;
  int min_version = 0, max_version = 0;
  int read_ahead = 0;
  int quiet_shutdown = 0;
  pem_password_cb* passwd_cb = nullptr;
  void* passwd_userdata = nullptr;
  cachet_compat::ExData ex_data;

  // Shared by every SSL of this context: resumption state survives
  // configuration changes.
  std::shared_ptr<cachet::SessionCache> session_cache = std::make_shared<cachet::SessionCache>();
  std::shared_ptr<cachet::TicketKeys> ticket_keys = std::make_shared<cachet::TicketKeys>();
};

namespace cachet_compat {

// A setter changed `ctx`'s configuration (see ssl_ctx_st::generation).
inline void changed(SSL_CTX* ctx) noexcept { ctx->generation.store(next_generation(), std::memory_order_relaxed); }

}  // namespace cachet_compat

struct ssl_session_st {
  std::atomic<int> references{1};
  cachet::Session session;
};

struct ssl_st {
  std::atomic<int> references{1};
  SSL_CTX* ctx = nullptr;
  int role = 0;  // 0 unset, 1 client, 2 server
  BIO* rbio = nullptr;
  BIO* wbio = nullptr;
  std::unique_ptr<cachet::Connection> conn;  // holds the shared cachet::Context it started with
  std::string host_name;               // SNI to send
  std::string verify_host;             // SSL_set1_host: the name or address the peer's certificate must carry
  SSL_SESSION* session = nullptr;      // to offer (client) / the current one
  std::optional<std::vector<uint8_t>> unsent;  // a datagram the write BIO refused for now
  // The next application record to return (SSL_read, SSL_pending, SSL_peek)
  // when app_ready; the ones after it wait in the connection. Without one,
  // app_record holds no storage (an idle SSL keeps no buffer).
  std::vector<uint8_t> app_record;
  bool app_ready = false;
  int rwstate = 0;                     // SSL_NOTHING / SSL_READING / SSL_WRITING
  int last_error = SSL_ERROR_NONE;
  int shutdown = 0;                    // SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN
  int verify_mode = SSL_VERIFY_NONE;
  SSL_verify_cb verify_callback = nullptr;
  long verify_result = X509_V_OK;
  uint64_t options = 0;
  long mode = 0;
  size_t mtu = 0;                      // 0: ask the BIO (unless SSL_OP_NO_QUERY_MTU)
  DTLS_timer_cb timer_cb = nullptr;
  bool handshake_started = false;
  bool info_done_reported = false;
  bool failure_reported = false;
  cachet_compat::ExData ex_data;
  // DTLSv1_listen: the accepted ClientHello, fed to the connection first.
  std::vector<uint8_t> listened_hello;
  std::vector<uint8_t> peer_address;
  std::unique_ptr<cachet::Listener> listener;
  // Callbacks of this SSL: the msg callback is copied from the SSL_CTX at
  // SSL_new (as OpenSSL does); the info callback, when unset, is the SSL_CTX's.
  void (*info_callback)(const SSL*, int, int) = nullptr;
  void (*msg_callback)(int, int, int, const void*, size_t, SSL*, void*) = nullptr;
  void* msg_callback_arg = nullptr;
  // Per-SSL settings (cachet_compat::own_settings); null: none.
  SSL_CTX* own = nullptr;
  std::optional<int> quiet_shutdown;
  // What the get0 accessors hand out, kept until the next call or SSL_free.
  X509* peer_certificate = nullptr;
  SSL_SESSION* current_session = nullptr;
  // What the program's BIO has been told, so the ctrl commands go out when
  // OpenSSL sends them (compat/README.md): the retransmission deadline last
  // sent with BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT, the link MTU its QUERY_MTU
  // answered (0: none used), and the timeouts since the peer last answered.
  bool timer_told = false;
  cachet::Instant told_deadline{};
  long link_mtu = 0;
  bool mtu_queried = false;
  int timeouts_unanswered = 0;
  int write_pending = 0;  // an SSL_write whose record waits in `unsent` (the BIO said retry)
};
