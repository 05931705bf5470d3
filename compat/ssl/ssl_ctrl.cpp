// SSL_ctrl / SSL_CTX_ctrl with OpenSSL's command numbers, the DTLS timer
// functions, and DTLSv1_listen over cachet::Listener.
#include <arpa/inet.h>
#include <sys/time.h>

#include <chrono>
#include <cstring>

#include "ssl_local.hpp"

using cachet_compat::ssl_error;

namespace {

using cachet::Instant;

int version_ok(long v) { return v == 0 || v == DTLS1_2_VERSION || v == DTLS1_VERSION ? 1 : 0; }

// Commands that mean the same for an SSL_CTX and an SSL; nullopt when the
// command is not one of them.
template <typename T>
std::optional<long> common_ctrl(T* obj, int cmd, long larg, void* parg) {
  switch (cmd) {
    case SSL_CTRL_MODE: return obj->mode |= larg;
    case SSL_CTRL_CLEAR_MODE: return obj->mode &= ~larg;
    default: return std::nullopt;
  }
  (void)parg;
}

// Whether an SSL_CTX_ctrl command stores something in the SSL_CTX (which
// then needs a new Context for the SSLs starting after): every command of
// SSL_CTX_ctrl that sets a member is listed here. SSL_CTX_get_mode is
// SSL_CTRL_MODE with 0.
bool changes_settings(int cmd, long larg) {
  switch (cmd) {
    case SSL_CTRL_MODE:
    case SSL_CTRL_CLEAR_MODE: return larg != 0;
    case SSL_CTRL_SET_READ_AHEAD:
    case SSL_CTRL_SET_SESS_CACHE_MODE:
    case SSL_CTRL_SET_MIN_PROTO_VERSION:
    case SSL_CTRL_SET_MAX_PROTO_VERSION:
    case SSL_CTRL_SET_GROUPS_LIST:
    case SSL_CTRL_SET_MSG_CALLBACK_ARG:
    case SSL_CTRL_EXTRA_CHAIN_CERT:
    case SSL_CTRL_CHAIN_CERT: return true;
    default: return false;  // queries, and commands that store nothing
  }
}

}  // namespace

extern "C" {

long SSL_CTX_ctrl(SSL_CTX* ctx, int cmd, long larg, void* parg) {
  if (changes_settings(cmd, larg)) cachet_compat::changed(ctx);
  if (auto r = common_ctrl(ctx, cmd, larg, parg)) return *r;
  switch (cmd) {
    case SSL_CTRL_SET_READ_AHEAD: {
      const long old = ctx->read_ahead;
      ctx->read_ahead = static_cast<int>(larg);
      return old;
    }
    case SSL_CTRL_GET_READ_AHEAD: return ctx->read_ahead;
    case SSL_CTRL_SET_SESS_CACHE_MODE: {
      const long old = ctx->session_cache_mode;
      ctx->session_cache_mode = larg;
      return old;
    }
    case SSL_CTRL_GET_SESS_CACHE_MODE: return ctx->session_cache_mode;
    case SSL_CTRL_SET_SESS_CACHE_SIZE: return SSL_SESSION_CACHE_MAX_SIZE_DEFAULT;
    case SSL_CTRL_SESS_NUMBER: return static_cast<long>(ctx->session_cache->size());
    case SSL_CTRL_SET_MIN_PROTO_VERSION:
      ctx->min_version = static_cast<int>(larg);
      return version_ok(larg);
    case SSL_CTRL_SET_MAX_PROTO_VERSION:
      ctx->max_version = static_cast<int>(larg);
      return version_ok(larg);
    case SSL_CTRL_GET_MIN_PROTO_VERSION: return ctx->min_version;
    case SSL_CTRL_GET_MAX_PROTO_VERSION: return ctx->max_version;
    case SSL_CTRL_SET_GROUPS_LIST:
      if (parg == nullptr) return 0;
      ctx->groups = static_cast<const char*>(parg);
      return 1;
    case SSL_CTRL_SET_TMP_ECDH: return 1;   // the groups list decides
    case SSL_CTRL_SET_MSG_CALLBACK_ARG:
      ctx->msg_callback_arg = parg;
      return 1;
    case SSL_CTRL_EXTRA_CHAIN_CERT:
    case SSL_CTRL_CHAIN_CERT: {
      // Appends a CA certificate to the chain we send (takes ownership for
      // EXTRA_CHAIN_CERT and for CHAIN_CERT with larg 0, as OpenSSL).
      X509* x = static_cast<X509*>(parg);
      if (x == nullptr) return 0;
      BIO* mem = BIO_new(BIO_s_mem());
      if (mem != nullptr && PEM_write_bio_X509(mem, x) == 1) {
        char* data = nullptr;
        const long n = BIO_get_mem_data(mem, &data);
        ctx->certificate_chain_pem.append(data, static_cast<size_t>(n));
      }
      BIO_free(mem);
      if (cmd == SSL_CTRL_EXTRA_CHAIN_CERT || larg == 0) X509_free(x);
      return 1;
    }
    default:
      ssl_error(SSL_R_UNSUPPORTED_PROTOCOL, "SSL_CTX_ctrl: command not supported by Cachet");
      return 0;
  }
}

long SSL_ctrl(SSL* s, int cmd, long larg, void* parg) {
  if (auto r = common_ctrl(s, cmd, larg, parg)) return *r;
  switch (cmd) {
    case DTLS_CTRL_GET_TIMEOUT: {
      // OpenSSL: 1 and the time left when a timer runs, 0 otherwise.
      if (!s->conn) return 0;
      auto t = s->conn->next_timeout();
      if (!t) return 0;
      auto left = t->since_origin - Instant::now().since_origin;
      if (left.count() < 0) left = cachet::Duration(0);
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(left).count();
      auto* tv = static_cast<timeval*>(parg);
      tv->tv_sec = static_cast<time_t>(us / 1000000);
      tv->tv_usec = static_cast<suseconds_t>(us % 1000000);
      return 1;
    }
    case DTLS_CTRL_HANDLE_TIMEOUT: {
      // OpenSSL: 1 when a retransmission happened, 0 when nothing was due, -1 on failure.
      return cachet_compat::handle_timeout(s);
    }
    case SSL_CTRL_SET_MTU:
    case DTLS_CTRL_SET_LINK_MTU: {
      // SET_MTU is the payload MTU; SET_LINK_MTU includes the datagram
      // overhead the BIO reports.
      long mtu = larg;
      if (cmd == DTLS_CTRL_SET_LINK_MTU && s->wbio != nullptr) {
        mtu -= BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_GET_MTU_OVERHEAD, 0, nullptr);
      }
      if (mtu < 256) return 0;
      s->mtu = static_cast<size_t>(mtu);
      if (s->conn) (void)s->conn->set_mtu(s->mtu);
      return 1;
    }
    case DTLS_CTRL_GET_LINK_MIN_MTU: return 256;
    case SSL_CTRL_SET_TLSEXT_HOSTNAME:
      if (larg != TLSEXT_NAMETYPE_host_name) return 0;
      s->host_name = parg != nullptr ? static_cast<const char*>(parg) : "";
      return 1;
    case SSL_CTRL_SET_MSG_CALLBACK_ARG:
      s->msg_callback_arg = parg;
      return 1;
    case SSL_CTRL_SET_MIN_PROTO_VERSION:
    case SSL_CTRL_SET_MAX_PROTO_VERSION: return version_ok(larg);
    case SSL_CTRL_SET_GROUPS_LIST:
      if (parg == nullptr) return 0;
      s->ctx->groups = static_cast<const char*>(parg);
      cachet_compat::changed(s->ctx);
      return 1;
    case SSL_CTRL_SET_READ_AHEAD: return 1;
    case SSL_CTRL_GET_READ_AHEAD: return 1;
    default:
      ssl_error(SSL_R_UNSUPPORTED_PROTOCOL, "SSL_ctrl: command not supported by Cachet");
      return 0;
  }
}

uint64_t SSL_set_options(SSL* s, uint64_t options) { return s->options |= options; }
uint64_t SSL_clear_options(SSL* s, uint64_t options) { return s->options &= ~options; }
uint64_t SSL_get_options(const SSL* s) { return s->options; }

void DTLS_set_timer_cb(SSL* s, DTLS_timer_cb cb) { s->timer_cb = cb; }

// RFC 6347 §4.2.1 statelessly, as OpenSSL's DTLSv1_listen: reads datagrams
// from the read BIO; a ClientHello without a valid cookie is answered with a
// HelloVerifyRequest (cookie from the program's callback) to its sender and
// forgotten; the first one with a valid cookie makes the SSL a server for
// that peer (`client` gets its address) and returns 1. 0: nothing acceptable
// yet (a non-blocking BIO had no more data); -1: fatal.
int DTLSv1_listen(SSL* s, BIO_ADDR* client) {
  if (s->rbio == nullptr || s->wbio == nullptr) {
    ssl_error(SSL_R_BIO_NOT_SET, "DTLSv1_listen: no BIO");
    return -1;
  }
  s->role = 2;
  const cachet_compat::CurrentSsl current(s);
  if (!s->listener) {
    auto context = cachet_compat::context_for(s);  // the listener keeps it
    if (!context) return -1;
    auto l = cachet::Listener::create(std::move(context));
    if (!l) {
      ssl_error(SSL_R_BAD_VALUE, l.error().what());
      return -1;
    }
    s->listener = std::move(l).value();
    if (s->ctx->cookie_generate != nullptr && s->ctx->cookie_verify != nullptr) {
      // Called from inside check() below, for the current SSL.
      s->listener->set_cookie_callbacks(
          [](std::span<const uint8_t>) -> std::optional<std::vector<uint8_t>> {
            SSL* ssl = cachet_compat::current_ssl();
            if (ssl == nullptr || ssl->ctx->cookie_generate == nullptr) return std::nullopt;
            unsigned char cookie[DTLS1_COOKIE_LENGTH];
            unsigned int len = 0;
            if (ssl->ctx->cookie_generate(ssl, cookie, &len) == 0 || len == 0 || len > sizeof cookie) return std::nullopt;
            return std::vector<uint8_t>(cookie, cookie + len);
          },
          [](std::span<const uint8_t>, std::span<const uint8_t> cookie) {
            SSL* ssl = cachet_compat::current_ssl();
            if (ssl == nullptr || ssl->ctx->cookie_verify == nullptr) return false;
            return ssl->ctx->cookie_verify(ssl, cookie.data(), static_cast<unsigned>(cookie.size())) != 0;
          });
    }
  }
  cachet_compat::DatagramBuffer rx(cachet_compat::DatagramBuffer::Use::kReceive);
  std::vector<uint8_t>& buf = rx.get();
  if (buf.size() < 65536) buf.resize(65536);
  BIO_ADDR* peer = BIO_ADDR_new();
  for (;;) {
    const int n = BIO_read(s->rbio, buf.data(), static_cast<int>(buf.size()));
    if (n <= 0) {
      BIO_ADDR_free(peer);
      if (BIO_should_retry(s->rbio)) return 0;
      ssl_error(SSL_R_BAD_VALUE, "DTLSv1_listen: reading failed");
      return -1;
    }
    BIO_ADDR_clear(peer);
    (void)BIO_ctrl(s->rbio, BIO_CTRL_DGRAM_GET_PEER, 0, peer);
    // The address as bytes: family, raw address, port.
    std::vector<uint8_t> addr(2 + 16 + 2);
    size_t raw_len = 16;
    const int family = BIO_ADDR_family(peer);
    addr[0] = static_cast<uint8_t>(family >> 8);
    addr[1] = static_cast<uint8_t>(family);
    if (BIO_ADDR_rawaddress(peer, addr.data() + 2, &raw_len) != 1) raw_len = 0;
    const unsigned short port = BIO_ADDR_rawport(peer);
    addr.resize(2 + raw_len);
    addr.push_back(static_cast<uint8_t>(port >> 8));
    addr.push_back(static_cast<uint8_t>(port));

    std::span<uint8_t> datagram(buf.data(), static_cast<size_t>(n));
    auto outcome = s->listener->check(datagram, addr, Instant::now());
    if (outcome.verdict == cachet::Listener::Verdict::kReply) {
      (void)BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_SET_PEER, 0, peer);
      (void)BIO_write(s->wbio, outcome.reply.data(), static_cast<int>(outcome.reply.size()));
      (void)BIO_flush(s->wbio);
      continue;
    }
    if (outcome.verdict != cachet::Listener::Verdict::kAccept) continue;
    auto conn = s->listener->accept(datagram, addr, Instant::now());
    if (!conn) continue;
    s->conn = std::move(conn).value();
    s->peer_address = addr;
    (void)BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_SET_PEER, 0, peer);
    if (client != nullptr) {
      BIO_ADDR_rawmake(client, family, addr.data() + 2, raw_len, port);  // rawport is in network order already
    }
    BIO_ADDR_free(peer);
    s->listener.reset();
    return 1;
  }
}

size_t DTLS_get_data_mtu(const SSL* s) {
  if (!s->conn || !s->conn->is_established()) return 0;
  return s->conn->max_write_size();
}

}  // extern "C"
