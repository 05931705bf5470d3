// SSL: life cycle, BIOs, and the loop that drives a cachet::Connection
// through them (compat/README.md, "How the SSL object drives the engine").
#include <arpa/inet.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "ssl_local.hpp"

using cachet_compat::ssl_error;

namespace {

using cachet::Instant;

constexpr size_t kMaxDatagram = 65536;

long to_long(size_t n) { return static_cast<long>(n); }

}  // namespace

// The effective context of an SSL: built from its SSL_CTX when the
// connection starts (OpenSSL reads the context's settings at that moment too).
namespace {

// SSL_set1_host, checked once the chain verifies, as X509_verify_cert does:
// the leaf must carry the DNS name, or the IP address when `host` is an
// address literal (X509_check_host / X509_check_ip_asc).
void check_host(const std::string& host, cachet::ContextBuilder::PeerChain& peer) {
  unsigned char raw[sizeof(in6_addr)];
  const bool is_ip = inet_pton(AF_INET, host.c_str(), raw) == 1 || inet_pton(AF_INET6, host.c_str(), raw) == 1;
  bool match = false;
  if (!peer.chain.empty()) {
    auto leaf = cachet::Certificate::from_der(peer.chain.front());
    match = leaf && (is_ip ? leaf->check_ip(host) : leaf->check_host(host));
  }
  if (!match) {
    peer.x509_error = is_ip ? X509_V_ERR_IP_ADDRESS_MISMATCH : X509_V_ERR_HOSTNAME_MISMATCH;
    peer.error_depth = 0;
  }
}

// SSL_CTX_set_verify_depth: depth d allows the peer's certificate, at most d
// CA certificates above it and a trust anchor — a built chain of d + 2. The
// chain built is the one the peer sent, plus its anchor unless the last
// certificate sent is self-issued.
void check_depth(int depth, cachet::ContextBuilder::PeerChain& peer) {
  if (peer.chain.empty()) return;
  size_t built = peer.chain.size();
  auto top = cachet::Certificate::from_der(peer.chain.back());
  if (!top || !(top->issuer() == top->subject())) ++built;
  if (built > static_cast<size_t>(depth) + 2) {
    peer.x509_error = X509_V_ERR_CERT_CHAIN_TOO_LONG;
    // Reported on a certificate the peer sent, so a verify callback sees it.
    peer.error_depth = std::min(depth + 1, static_cast<int>(peer.chain.size()) - 1);
  }
}

}  // namespace

SSL_CTX* cachet_compat::own_settings(SSL* s) {
  if (s->own == nullptr) {
    s->own = SSL_CTX_new(s->ctx->method);
    if (s->own == nullptr) {
      ssl_error(ERR_R_MALLOC_FAILURE, "no memory for the SSL's own settings");
      return nullptr;
    }
    s->own->passwd_cb = s->ctx->passwd_cb;
    s->own->passwd_userdata = s->ctx->passwd_userdata;
  }
  return s->own;
}

std::shared_ptr<const cachet::Context> cachet_compat::build_context(SSL* s) {
  SSL_CTX* ctx = s->ctx;
  // What this SSL was given alone wins over its SSL_CTX (as OpenSSL keeps
  // per-SSL copies).
  const SSL_CTX* own = s->own;
  auto pick = [&](auto member) -> decltype(auto) {
    return own != nullptr && !(own->*member).empty() ? own->*member : ctx->*member;
  };
  const std::string& cipher_list = pick(&ssl_ctx_st::cipher_list);
  const std::string& srtp_profiles = pick(&ssl_ctx_st::srtp_profiles);
  const std::vector<std::string>& alpn = pick(&ssl_ctx_st::alpn);
  const std::string& psk_identity_hint = pick(&ssl_ctx_st::psk_identity_hint);
  const bool own_key = own != nullptr && !own->private_key_pem.empty();
  const bool own_certificate = own != nullptr && !own->certificate_chain_pem.empty();
  const std::string& certificate_chain_pem = own_certificate ? own->certificate_chain_pem : ctx->certificate_chain_pem;
  const std::string& private_key_pem = own_key ? own->private_key_pem : ctx->private_key_pem;
  const SSL_psk_client_cb_func psk_client =
      own != nullptr && own->psk_client != nullptr ? own->psk_client : ctx->psk_client;
  const SSL_psk_server_cb_func psk_server =
      own != nullptr && own->psk_server != nullptr ? own->psk_server : ctx->psk_server;

  const bool server = s->role == 2;
  cachet::ContextBuilder b(server ? cachet::Role::kServer : cachet::Role::kClient);
  if (!cipher_list.empty()) b.cipher_suites(cipher_list);
  if (!ctx->groups.empty()) b.groups(ctx->groups);
  if (!certificate_chain_pem.empty()) b.certificate_chain_pem(certificate_chain_pem);
  if (!private_key_pem.empty()) b.private_key_pem(private_key_pem);
  if (!ctx->ca_pem.empty()) b.ca_pem(ctx->ca_pem);
  if (ctx->system_trust) b.system_trust();
  if (!srtp_profiles.empty()) b.srtp_profiles(srtp_profiles);
  if (!server && !alpn.empty()) b.alpn(alpn);
  if (server && ctx->alpn_select != nullptr) {
    b.alpn_selector([s](const std::vector<std::string>& offered) -> std::optional<std::string> {
      std::vector<unsigned char> wire;
      for (const auto& p : offered) {
        wire.push_back(static_cast<unsigned char>(p.size()));
        wire.insert(wire.end(), p.begin(), p.end());
      }
      const unsigned char* out = nullptr;
      unsigned char out_len = 0;
      const int rc = s->ctx->alpn_select(s, &out, &out_len, wire.data(), static_cast<unsigned>(wire.size()),
                                         s->ctx->alpn_select_arg);
      if (rc != SSL_TLSEXT_ERR_OK || out == nullptr) return std::nullopt;
      return std::string(reinterpret_cast<const char*>(out), out_len);
    });
  }
  b.mtu(s->mtu != 0 ? s->mtu : 1400);
  // DTLS_set_timer_cb: OpenSSL asks the callback for the first timeout with
  // 0 (microseconds); the engine then doubles it on each retransmission.
  if (s->timer_cb != nullptr) {
    const unsigned us = s->timer_cb(s, 0);
    if (us > 0) b.retransmit_timeout(std::chrono::microseconds(us));
  }
  b.session_cache(ctx->session_cache).ticket_keys(ctx->ticket_keys);
  if ((ctx->options & SSL_OP_NO_TICKET) != 0) b.session_tickets(false);
  if ((ctx->session_cache_mode & SSL_SESS_CACHE_SERVER) == 0) b.session_cache(nullptr);
  if ((ctx->options & SSL_OP_COOKIE_EXCHANGE) == 0 && server) b.cookie_exchange(false);

  // PSK callbacks (RFC 4279).
  if (!server && psk_client != nullptr) {
    b.psk_client([s, psk_client](std::string_view hint) -> std::optional<std::pair<std::string, std::vector<uint8_t>>> {
      char identity[PSK_MAX_IDENTITY_LEN + 1] = {};
      unsigned char psk[PSK_MAX_PSK_LEN];
      const std::string h(hint);
      const unsigned n = psk_client(s, h.empty() ? nullptr : h.c_str(), identity, sizeof identity - 1, psk, sizeof psk);
      if (n == 0 || n > sizeof psk) return std::nullopt;
      std::pair<std::string, std::vector<uint8_t>> out{identity, std::vector<uint8_t>(psk, psk + n)};
      OPENSSL_cleanse(psk, sizeof psk);
      return out;
    });
  }
  if (server && psk_server != nullptr) {
    b.psk_lookup(
        [s, psk_server](std::string_view identity) -> std::optional<std::vector<uint8_t>> {
          unsigned char psk[PSK_MAX_PSK_LEN];
          const std::string id(identity);
          const unsigned n = psk_server(s, id.c_str(), psk, sizeof psk);
          if (n == 0 || n > sizeof psk) return std::nullopt;
          std::vector<uint8_t> out(psk, psk + n);
          OPENSSL_cleanse(psk, sizeof psk);
          return out;
        },
        psk_identity_hint);
  }

  // Verification (OpenSSL semantics): the built-in result goes to the
  // program's callback, whose answer decides; without a callback, the mode
  // decides. Client: SSL_VERIFY_NONE accepts anything (the result is still
  // recorded). Server: SSL_VERIFY_PEER asks for a certificate,
  // FAIL_IF_NO_PEER_CERT requires one.
  const int mode = s->verify_mode;
  if (server) {
    if ((mode & SSL_VERIFY_PEER) != 0) {
      b.client_auth((mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT) != 0 ? cachet::ClientAuth::kRequire
                                                                   : cachet::ClientAuth::kRequest);
    }
  }
  const int max_depth = own != nullptr && own->verify_depth >= 0 ? own->verify_depth : ctx->verify_depth;
  b.certificate_verifier([s, mode, max_depth](cachet::ContextBuilder::PeerChain& peer) {
    if (peer.x509_error == 0 && max_depth >= 0) check_depth(max_depth, peer);
    if (peer.x509_error == 0 && !s->verify_host.empty()) check_host(s->verify_host, peer);
    int ok = peer.x509_error == 0 ? 1 : 0;
    if (s->verify_callback != nullptr) {
      X509_STORE_CTX* store = X509_STORE_CTX_new();
      STACK_OF(X509)* chain = sk_X509_new_null();
      for (const auto& der : peer.chain) {
        const unsigned char* p = der.data();
        X509* x = d2i_X509(nullptr, &p, to_long(der.size()));
        if (x != nullptr) sk_X509_push(chain, x);
      }
      X509_STORE_CTX_init(store, s->ctx->cert_store, sk_X509_value(chain, 0), chain);
      X509_STORE_CTX_set_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx(), s);
      // OpenSSL calls the callback for each certificate, the top first.
      for (int depth = sk_X509_num(chain) - 1; depth >= 0; --depth) {
        X509_STORE_CTX_set_current_cert(store, sk_X509_value(chain, depth));
        X509_STORE_CTX_set_error_depth(store, depth);
        const bool at_fault = peer.x509_error != 0 && depth == peer.error_depth;
        X509_STORE_CTX_set_error(store, at_fault ? static_cast<int>(peer.x509_error) : X509_V_OK);
        ok = s->verify_callback(at_fault ? 0 : 1, store);
        if (at_fault && ok != 0) peer.x509_error = X509_STORE_CTX_get_error(store);
        if (ok == 0) break;
      }
      X509_STORE_CTX_free(store);
      sk_X509_pop_free(chain, X509_free);
    }
    s->verify_result = peer.x509_error;
    if ((mode & SSL_VERIFY_PEER) == 0) return true;  // client: VERIFY_NONE accepts
    return ok != 0;
  });
  auto built = b.build();
  if (!built) {
    ssl_error(SSL_R_BAD_VALUE, built.error().what());
    return nullptr;
  }
  return std::move(built).value();
}

namespace {

void info(SSL* s, int where, int ret) {
  auto* cb = s->info_callback != nullptr ? s->info_callback : s->ctx->info_callback;
  if (cb != nullptr) cb(s, where, ret);
}

void tell_timer(SSL* s, bool after_datagram);

// OpenSSL asks a datagram BIO for the path MTU (the overhead first) unless
// told not to, once, when it is about to send its first flight: a client
// when it starts, a server when the first datagram arrives.
void query_mtu(SSL* s) {
  if (s->mtu_queried) return;
  s->mtu_queried = true;
  if (s->mtu != 0 || (s->options & SSL_OP_NO_QUERY_MTU) != 0) return;
  const long overhead = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_GET_MTU_OVERHEAD, 0, nullptr);
  const long mtu = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_QUERY_MTU, 0, nullptr);
  if (mtu <= overhead || mtu - overhead < 256) return;
  if (s->conn && !s->conn->set_mtu(static_cast<size_t>(mtu - overhead))) return;
  s->mtu = static_cast<size_t>(mtu - overhead);
  s->link_mtu = mtu;
}

// Starts the connection (once): the role must be known by now.
bool start(SSL* s) {
  if (s->conn) return true;
  if (s->role == 0) {
    ssl_error(SSL_R_CONNECTION_TYPE_NOT_SET, "call SSL_set_connect_state or SSL_set_accept_state first");
    return false;
  }
  if (s->rbio == nullptr || s->wbio == nullptr) {
    ssl_error(SSL_R_BIO_NOT_SET, "no BIO: call SSL_set_bio");
    return false;
  }
  // A client asks for the MTU before its first flight; a server when the
  // first datagram arrives (query_mtu).
  if (s->role == 1) query_mtu(s);
  s->context = cachet_compat::build_context(s);
  if (!s->context) return false;
  info(s, SSL_CB_HANDSHAKE_START, 1);
  const Instant now = Instant::now();
  if (s->role == 1) {
    cachet::Session offered = s->session != nullptr ? s->session->session : cachet::Session();
    auto c = cachet::Connection::client(s->context, s->host_name, offered);
    if (!c) {
      ssl_error(SSL_R_BAD_VALUE, c.error().what());
      return false;
    }
    s->conn = std::move(c).value();
  } else {
    auto c = cachet::Connection::server(s->context, s->peer_address);
    if (!c) {
      ssl_error(SSL_R_BAD_VALUE, c.error().what());
      return false;
    }
    s->conn = std::move(c).value();
  }
  if (s->msg_callback != nullptr) {
    // OpenSSL's msg callback: (write_p, version, content_type, buf, len, ssl, arg).
    s->conn->set_message_observer([s](bool sent, uint8_t type, std::span<const uint8_t> m) {
      if (s->msg_callback != nullptr) {
        s->msg_callback(sent ? 1 : 0, DTLS1_2_VERSION, type, m.data(), m.size(), s, s->msg_callback_arg);
      }
    });
  }
  if (!s->conn->start(now)) {
    ssl_error(SSL_R_BAD_VALUE, "the handshake could not start");
    return false;
  }
  const bool listened = !s->listened_hello.empty();
  if (listened) {
    query_mtu(s);
    s->conn->handle_datagram(s->listened_hello, now);
    s->listened_hello.clear();
  }
  tell_timer(s, listened);
  return true;
}

// What a flush sends, which decides the ctrl commands around the writes
// (as OpenSSL 3.0 issues them, tests/compat/bio_ctrl_parity.c): a handshake
// flight (a new one, or a retransmission) is announced with
// GET_MTU_OVERHEAD and WPENDING before its first datagram; flights and
// alerts end with FLUSH; application data is written without a FLUSH.
enum class Sending { kFlight, kRecords, kApplicationData };

Sending engine_output(const SSL* s) { return s->info_done_reported ? Sending::kRecords : Sending::kFlight; }

// The payload MTU again from the link MTU the BIO reported, when its
// overhead changes.
void apply_overhead(SSL* s) {
  const long overhead = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_GET_MTU_OVERHEAD, 0, nullptr);
  if (s->link_mtu == 0 || overhead < 0 || s->link_mtu - overhead < 256) return;
  const auto mtu = static_cast<size_t>(s->link_mtu - overhead);
  if (mtu != s->mtu && s->conn->set_mtu(mtu)) s->mtu = mtu;
}

// A write that failed for good: if the BIO says the datagram exceeded the
// path MTU (asked once per failure; a datagram BIO reports each EMSGSIZE
// once), the MTU is queried again and used for what is sent next.
void mtu_exceeded(SSL* s) {
  if ((s->options & SSL_OP_NO_QUERY_MTU) != 0) return;
  if (BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_MTU_EXCEEDED, 0, nullptr) <= 0) return;
  const long overhead = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_GET_MTU_OVERHEAD, 0, nullptr);
  long mtu = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_QUERY_MTU, 0, nullptr);
  if (mtu <= overhead || mtu - overhead < 256) mtu = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_GET_FALLBACK_MTU, 0, nullptr);
  if (mtu <= overhead || mtu - overhead < 256) return;
  if (s->conn->set_mtu(static_cast<size_t>(mtu - overhead))) {
    s->mtu = static_cast<size_t>(mtu - overhead);
    s->link_mtu = mtu;
  }
}

// Sends what the engine has queued. False when the BIO cannot take it now
// (the datagram is kept) or failed.
bool flush(SSL* s, Sending what) {
  bool wrote = false;
  bool first = true;
  for (;;) {
    if (!s->unsent) {
      auto d = s->conn->poll_transmit();
      if (!d) break;
      if (first && what == Sending::kFlight) {
        apply_overhead(s);
        (void)BIO_ctrl(s->wbio, BIO_CTRL_WPENDING, 0, nullptr);
      }
      s->unsent = std::move(*d);
    }
    first = false;
    const int n = BIO_write(s->wbio, s->unsent->data(), static_cast<int>(s->unsent->size()));
    if (n <= 0) {
      s->rwstate = SSL_WRITING;
      if (!BIO_should_retry(s->wbio)) mtu_exceeded(s);
      return false;
    }
    s->unsent.reset();
    wrote = true;
  }
  if (wrote && what != Sending::kApplicationData) (void)BIO_flush(s->wbio);
  return true;
}

// Tells the read BIO the engine's retransmission deadline when it changes
// (so a blocking datagram BIO returns from a read when a retransmission is
// due), as OpenSSL does: the deadline when a timer starts or restarts, and
// a zero time when it stops. A datagram that moved the handshake on stops
// the timer first (OpenSSL stops it on the peer's next flight and starts it
// again for ours).
void tell_timer(SSL* s, bool after_datagram) {
  const auto t = s->conn->next_timeout();
  const bool running = t.has_value();
  if (running == s->timer_told && (!running || *t == s->told_deadline)) return;
  if (after_datagram) s->timeouts_unanswered = 0;
  timeval tv{};
  if (after_datagram || !running) (void)BIO_ctrl(s->rbio, BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT, 0, &tv);
  s->timer_told = running;
  if (!running) return;
  s->told_deadline = *t;
  const auto wall = std::chrono::system_clock::now() + (t->since_origin - Instant::now().since_origin);
  const auto us = std::chrono::ceil<std::chrono::microseconds>(wall.time_since_epoch()).count();
  tv.tv_sec = static_cast<time_t>(us / 1000000);
  tv.tv_usec = static_cast<suseconds_t>(us % 1000000);
  (void)BIO_ctrl(s->rbio, BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT, 0, &tv);
}

// A retransmission deadline passed: from the third unanswered timeout on,
// OpenSSL asks the BIO for its fallback MTU and uses it when smaller.
void timeout_now(SSL* s, Instant now) {
  if (++s->timeouts_unanswered > 2 && (s->options & SSL_OP_NO_QUERY_MTU) == 0 && !s->info_done_reported) {
    const long mtu = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_GET_FALLBACK_MTU, 0, nullptr);
    const long overhead = s->link_mtu != 0 ? s->link_mtu - static_cast<long>(s->mtu) : 0;
    if (mtu > overhead && mtu - overhead >= 256 && static_cast<size_t>(mtu - overhead) < s->mtu &&
        s->conn->set_mtu(static_cast<size_t>(mtu - overhead))) {
      s->mtu = static_cast<size_t>(mtu - overhead);
      s->link_mtu = mtu;
    }
  }
  s->conn->handle_timeout(now);
  tell_timer(s, false);
}

void collect_application_data(SSL* s) {
  while (auto d = s->conn->read()) s->app_data.push_back(std::move(*d));
}

enum class Step { kProgress, kWantRead, kWantWrite, kFailed };

// One turn: send, then take in one datagram (or fire a due timer).
Step turn(SSL* s) {
  if (!flush(s, engine_output(s))) return BIO_should_retry(s->wbio) ? Step::kWantWrite : Step::kFailed;
  const Instant now = Instant::now();
  if (auto t = s->conn->next_timeout(); t && *t <= now) {
    timeout_now(s, now);
    return Step::kProgress;
  }
  std::vector<uint8_t> buf(kMaxDatagram);
  const int n = BIO_read(s->rbio, buf.data(), static_cast<int>(buf.size()));
  if (n <= 0) {
    // A blocking datagram BIO returns when the deadline it was told passes:
    // the retransmission is due now (the clock decides, as in OpenSSL).
    const Instant after = Instant::now();
    if (auto t = s->conn->next_timeout(); t && *t <= after) {
      timeout_now(s, after);
      return Step::kProgress;
    }
    s->rwstate = SSL_READING;
    return BIO_should_retry(s->rbio) ? Step::kWantRead : Step::kFailed;
  }
  buf.resize(static_cast<size_t>(n));
  query_mtu(s);
  s->conn->handle_datagram(buf, Instant::now());
  tell_timer(s, true);
  collect_application_data(s);
  return Step::kProgress;
}

}  // namespace

int cachet_compat::handle_timeout(SSL* s) {
  if (!s->conn) return 0;
  auto t = s->conn->next_timeout();
  const Instant now = Instant::now();
  if (!t || *t > now) return 0;
  timeout_now(s, now);
  (void)flush(s, engine_output(s));  // a refused datagram goes out on the next call
  if (s->conn->state() == cachet::ConnectionState::kFailed) {
    ssl_error(SSL_R_READ_TIMEOUT_EXPIRED, "handshake timed out");
    return -1;
  }
  return 1;
}

namespace {

// The failure as OpenSSL reports it: an ERR entry with the alert, once;
// later calls on the dead SSL return -1 with nothing new on the queue (and a
// received fatal alert counts as a received shutdown, as in OpenSSL).
int report_failure(SSL* s) {
  if (s->conn->alert_received()) s->shutdown |= SSL_RECEIVED_SHUTDOWN;
  if (s->failure_reported) {
    s->last_error = SSL_ERROR_SYSCALL;
    return -1;
  }
  s->failure_reported = true;
  const auto e = s->conn->error();
  if (auto a = s->conn->alert_received()) {
    ssl_error(SSL_AD_REASON_OFFSET + *a, "the peer sent a fatal alert");
    info(s, SSL_CB_READ_ALERT, 2 << 8 | *a);
  } else {
    // A certificate alert we sent after the peer's chain failed to verify is
    // OpenSSL's SSL_R_CERTIFICATE_VERIFY_FAILED (SSL_get_verify_result says why).
    const auto sent = s->conn->alert_sent();
    const bool bad_certificate = sent && ((*sent >= SSL_AD_BAD_CERTIFICATE && *sent <= SSL_AD_CERTIFICATE_UNKNOWN) ||
                                          *sent == SSL_AD_UNKNOWN_CA);
    if (bad_certificate && s->verify_result != X509_V_OK) {
      ssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED, e.what());
    } else {
      ssl_error(SSL_R_BAD_VALUE, e.what());
    }
    if (sent) info(s, SSL_CB_WRITE_ALERT, 2 << 8 | *sent);
  }
  s->last_error = SSL_ERROR_SSL;
  return -1;
}

int run_handshake(SSL* s) {
  s->rwstate = SSL_NOTHING;
  s->last_error = SSL_ERROR_NONE;
  if (!start(s)) {
    s->last_error = SSL_ERROR_SSL;
    return -1;
  }
  for (;;) {
    if (s->conn->state() == cachet::ConnectionState::kFailed) {
      (void)flush(s, Sending::kRecords);  // the alert
      return report_failure(s);
    }
    if (s->conn->is_established()) {
      if (!flush(s, engine_output(s))) {
        s->last_error = BIO_should_retry(s->wbio) ? SSL_ERROR_WANT_WRITE : SSL_ERROR_SYSCALL;
        return -1;
      }
      if (!s->info_done_reported) {
        s->info_done_reported = true;
        info(s, SSL_CB_HANDSHAKE_DONE, 1);
        if (s->ctx->new_session_cb != nullptr && s->role == 1) {
          cachet::Session session = s->conn->session();
          if (session.valid()) {
            auto* sess = new ssl_session_st;
            sess->session = std::move(session);
            if (s->ctx->new_session_cb(s, sess) == 0) SSL_SESSION_free(sess);
          }
        }
      }
      return 1;
    }
    if (s->conn->state() == cachet::ConnectionState::kClosed) {
      s->last_error = SSL_ERROR_ZERO_RETURN;
      return 0;
    }
    switch (turn(s)) {
      case Step::kProgress: break;
      case Step::kWantRead: s->last_error = SSL_ERROR_WANT_READ; return -1;
      case Step::kWantWrite: s->last_error = SSL_ERROR_WANT_WRITE; return -1;
      case Step::kFailed: s->last_error = SSL_ERROR_SYSCALL; return -1;
    }
  }
}

}  // namespace

extern "C" {

SSL* SSL_new(SSL_CTX* ctx) {
  if (ctx == nullptr) {
    ssl_error(ERR_R_PASSED_NULL_PARAMETER, "SSL_new: no SSL_CTX");
    return nullptr;
  }
  auto* s = new (std::nothrow) ssl_st;
  if (s == nullptr) return nullptr;
  SSL_CTX_up_ref(ctx);
  s->ctx = ctx;
  s->role = ctx->method->role;
  s->options = ctx->options;
  s->mode = ctx->mode;
  s->verify_mode = ctx->verify_mode;
  s->verify_callback = ctx->verify_callback;
  s->msg_callback = ctx->msg_callback;
  s->msg_callback_arg = ctx->msg_callback_arg;
  return s;
}

int SSL_up_ref(SSL* s) {
  ++s->references;
  return 1;
}

void SSL_free(SSL* s) {
  if (s == nullptr || --s->references > 0) return;
  if (s->wbio != s->rbio) BIO_free_all(s->wbio);
  BIO_free_all(s->rbio);
  SSL_SESSION_free(s->session);
  SSL_SESSION_free(s->current_session);
  X509_free(s->peer_certificate);
  SSL_CTX_free(s->own);
  SSL_CTX_free(s->ctx);
  delete s;
}

void SSL_set_bio(SSL* s, BIO* rbio, BIO* wbio) {
  // OpenSSL's ownership rules: the SSL takes one reference for each
  // distinct BIO passed (one for both when they are the same).
  if (s->rbio != rbio) {
    if (s->rbio != s->wbio) BIO_free_all(s->rbio);
    s->rbio = rbio;
  }
  if (s->wbio != wbio) {
    if (s->wbio != nullptr && s->wbio != rbio) BIO_free_all(s->wbio);
    s->wbio = wbio;
  }
}
void SSL_set0_rbio(SSL* s, BIO* rbio) {
  if (s->rbio != s->wbio) BIO_free_all(s->rbio);
  s->rbio = rbio;
}
void SSL_set0_wbio(SSL* s, BIO* wbio) {
  if (s->wbio != s->rbio) BIO_free_all(s->wbio);
  s->wbio = wbio;
}
BIO* SSL_get_rbio(const SSL* s) { return s->rbio; }
BIO* SSL_get_wbio(const SSL* s) { return s->wbio; }

void SSL_set_connect_state(SSL* s) { s->role = 1; }
void SSL_set_accept_state(SSL* s) { s->role = 2; }
int SSL_is_server(const SSL* s) { return s->role == 2 ? 1 : 0; }

int SSL_do_handshake(SSL* s) { return run_handshake(s); }
int SSL_connect(SSL* s) {
  if (s->role == 0) s->role = 1;
  return run_handshake(s);
}
int SSL_accept(SSL* s) {
  if (s->role == 0) s->role = 2;
  return run_handshake(s);
}

int SSL_read(SSL* s, void* buf, int num) {
  if (num < 0) {
    ssl_error(SSL_R_BAD_LENGTH, "negative length");
    return -1;
  }
  if (!s->conn || !s->conn->is_established()) {
    const int r = run_handshake(s);
    if (r <= 0) return r;
  }
  s->rwstate = SSL_NOTHING;
  while (s->app_data.empty()) {
    if (s->conn->state() == cachet::ConnectionState::kClosed) {
      s->shutdown |= SSL_RECEIVED_SHUTDOWN;
      s->last_error = SSL_ERROR_ZERO_RETURN;
      return 0;
    }
    if (s->conn->state() == cachet::ConnectionState::kFailed) return report_failure(s);
    switch (turn(s)) {
      case Step::kProgress: break;
      case Step::kWantRead: s->last_error = SSL_ERROR_WANT_READ; return -1;
      case Step::kWantWrite: s->last_error = SSL_ERROR_WANT_WRITE; return -1;
      case Step::kFailed: s->last_error = SSL_ERROR_SYSCALL; return -1;
    }
  }
  // Datagram semantics: one record per read; what does not fit is lost, as
  // with OpenSSL's DTLS (the rest of the record is discarded).
  std::vector<uint8_t> record = std::move(s->app_data.front());
  s->app_data.pop_front();
  const size_t n = std::min(record.size(), static_cast<size_t>(num));
  if (n > 0) std::memcpy(buf, record.data(), n);
  s->last_error = SSL_ERROR_NONE;
  return static_cast<int>(n);
}

int SSL_write(SSL* s, const void* buf, int num) {
  if (num < 0) {
    ssl_error(SSL_R_BAD_LENGTH, "negative length");
    return -1;
  }
  if (!s->conn || !s->conn->is_established()) {
    const int r = run_handshake(s);
    if (r <= 0) return r;
  }
  if (s->write_pending > 0) {
    // OpenSSL: the call repeated after SSL_ERROR_WANT_WRITE completes the
    // write the BIO refused (its record is already sealed).
    if (!flush(s, Sending::kApplicationData)) {
      s->last_error = BIO_should_retry(s->wbio) ? SSL_ERROR_WANT_WRITE : SSL_ERROR_SYSCALL;
      return -1;
    }
    const int done = s->write_pending;
    s->write_pending = 0;
    s->last_error = SSL_ERROR_NONE;
    return done;
  }
  if (!flush(s, engine_output(s))) {  // an earlier datagram first
    s->last_error = BIO_should_retry(s->wbio) ? SSL_ERROR_WANT_WRITE : SSL_ERROR_SYSCALL;
    return -1;
  }
  if (static_cast<size_t>(num) > s->conn->max_write_size()) {
    ssl_error(SSL_R_DATA_LENGTH_TOO_LONG, "more than one record (SSL_get_max_write... / DTLS_get_data_mtu) holds");
    s->last_error = SSL_ERROR_SSL;
    return -1;
  }
  if (!s->conn->write(std::span<const uint8_t>(static_cast<const uint8_t*>(buf), static_cast<size_t>(num)))) {
    ssl_error(SSL_R_PROTOCOL_IS_SHUTDOWN, "the connection cannot send");
    s->last_error = SSL_ERROR_SSL;
    return -1;
  }
  // The record is sealed and kept until the BIO takes it: a refusal the BIO
  // asks to retry is SSL_ERROR_WANT_WRITE, as in OpenSSL; other failures
  // count the data as written (a datagram service may lose it anyway).
  if (!flush(s, Sending::kApplicationData) && BIO_should_retry(s->wbio)) {
    s->write_pending = num;
    s->last_error = SSL_ERROR_WANT_WRITE;
    return -1;
  }
  s->last_error = SSL_ERROR_NONE;
  return num;
}

int SSL_pending(const SSL* s) {
  return s->app_data.empty() ? 0 : static_cast<int>(s->app_data.front().size());
}
int SSL_has_pending(const SSL* s) { return s->app_data.empty() ? 0 : 1; }

// OpenSSL's two-step close: the first call sends close_notify and returns 0
// (1 if the peer's had already arrived); a later call reads on until the
// peer's close_notify (1) or the BIO has nothing more (-1, WANT_READ).
int SSL_shutdown(SSL* s) {
  if (!s->conn) return 1;
  auto received = [s] {
    if (s->conn->alert_received() == std::optional<uint8_t>(0)) s->shutdown |= SSL_RECEIVED_SHUTDOWN;
    return (s->shutdown & SSL_RECEIVED_SHUTDOWN) != 0;
  };
  if ((s->shutdown & SSL_SENT_SHUTDOWN) == 0) {
    s->shutdown |= SSL_SENT_SHUTDOWN;
    if (s->quiet_shutdown.value_or(s->ctx->quiet_shutdown) == 0) {
      s->conn->close();
      (void)flush(s, Sending::kRecords);
    }
    return received() ? 1 : 0;
  }
  while (!received()) {
    switch (turn(s)) {
      case Step::kProgress: break;
      case Step::kWantRead: s->last_error = SSL_ERROR_WANT_READ; return -1;
      case Step::kWantWrite: s->last_error = SSL_ERROR_WANT_WRITE; return -1;
      case Step::kFailed: s->last_error = SSL_ERROR_SYSCALL; return -1;
    }
  }
  s->last_error = SSL_ERROR_NONE;
  return 1;
}
int SSL_get_shutdown(const SSL* s) { return s->shutdown; }
void SSL_set_shutdown(SSL* s, int mode) { s->shutdown = mode; }

int SSL_get_error(const SSL* s, int ret) {
  if (ret > 0) return SSL_ERROR_NONE;
  // OpenSSL: anything on the error queue makes it SSL_ERROR_SSL (or SYSCALL
  // for a system error).
  if (unsigned long e = ERR_peek_error(); e != 0) {
    return ERR_GET_LIB(e) == ERR_LIB_SYS ? SSL_ERROR_SYSCALL : SSL_ERROR_SSL;
  }
  switch (s->last_error) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
    case SSL_ERROR_ZERO_RETURN:
      return s->last_error;
    default:
      break;
  }
  if ((s->shutdown & SSL_RECEIVED_SHUTDOWN) != 0) return SSL_ERROR_ZERO_RETURN;
  return SSL_ERROR_SYSCALL;
}

int SSL_want(const SSL* s) { return s->rwstate; }

int SSL_in_init(const SSL* s) { return s->conn && s->conn->is_established() ? 0 : 1; }
int SSL_in_before(const SSL* s) { return s->conn ? 0 : 1; }
int SSL_is_init_finished(const SSL* s) { return s->conn && s->conn->is_established() ? 1 : 0; }

long SSL_get_verify_result(const SSL* s) { return s->verify_result; }
void SSL_set_verify_result(SSL* s, long v) { s->verify_result = v; }
void SSL_set_verify(SSL* s, int mode, SSL_verify_cb cb) {
  s->verify_mode = mode;
  s->verify_callback = cb;
}

int SSL_set_ex_data(SSL* s, int idx, void* data) {
  s->ex_data.slots[idx] = data;
  return 1;
}
void* SSL_get_ex_data(const SSL* s, int idx) { return s->ex_data.get(idx); }
SSL_CTX* SSL_get_SSL_CTX(const SSL* s) { return s->ctx; }

int SSL_export_keying_material(SSL* s, unsigned char* out, size_t olen, const char* label, size_t llen,
                               const unsigned char* context, size_t contextlen, int use_context) {
  if (!s->conn || !s->conn->is_established()) {
    ssl_error(SSL_R_BAD_VALUE, "no established connection to export from");
    return 0;
  }
  std::optional<std::span<const uint8_t>> ctx;
  if (use_context != 0) ctx = std::span<const uint8_t>(context, contextlen);
  auto km = s->conn->export_keying_material(std::string_view(label, llen), olen, ctx);
  if (!km) {
    ssl_error(SSL_R_BAD_VALUE, km.error().what());
    return 0;
  }
  std::memcpy(out, km->data(), olen);
  OPENSSL_cleanse(km->data(), km->size());
  return 1;
}

}  // extern "C"
