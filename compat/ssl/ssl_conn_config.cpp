// libssl functions that complete the surface programs link against: the
// callback_ctrl entry points (the msg callback), TLS 1.3 suite lists, the
// session ID context, certificates and keys from DER, per-SSL certificate,
// key and depth setters (kept in the SSL's own settings,
// cachet_compat::own_settings), and get0 accessors.
#include <cstring>

#include "ssl_local.hpp"

using cachet_compat::ssl_error;

namespace {

// RFC 8446 §B.4: the TLS 1.3 suites OpenSSL's ciphersuites lists may name.
bool is_tls13_suite(std::string_view name) {
  for (const char* s : {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                        "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"}) {
    if (name == s) return true;
  }
  return false;
}

// OpenSSL's SSL_CTX_set_ciphersuites: a colon-separated list of TLS 1.3
// suite names; an unknown name fails the whole call, an empty list is valid.
int check_ciphersuites(const char* list) {
  if (list == nullptr) return 0;
  std::string_view rest(list);
  while (!rest.empty()) {
    const size_t colon = rest.find(':');
    const std::string_view name = rest.substr(0, colon);
    if (!name.empty() && !is_tls13_suite(name)) {
      ssl_error(SSL_R_NO_CIPHER_MATCH, "not a TLS 1.3 cipher suite name");
      return 0;
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return 1;
}

using MsgCallback = void (*)(int, int, int, const void*, size_t, SSL*, void*);

}  // namespace

extern "C" {

int ERR_load_SSL_strings(void) { return 1; }  // the strings are always there

long SSL_CTX_callback_ctrl(SSL_CTX* ctx, int cmd, void (*fp)(void)) {
  if (cmd == SSL_CTRL_SET_MSG_CALLBACK) {
    ctx->msg_callback = reinterpret_cast<MsgCallback>(fp);
    cachet_compat::changed(ctx);
    return 1;
  }
  ssl_error(SSL_R_UNSUPPORTED_PROTOCOL, "this SSL_CTX_callback_ctrl command is not supported by Cachet");
  return 0;
}

long SSL_callback_ctrl(SSL* s, int cmd, void (*fp)(void)) {
  if (cmd == SSL_CTRL_SET_MSG_CALLBACK) {
    s->msg_callback = reinterpret_cast<MsgCallback>(fp);
    return 1;
  }
  ssl_error(SSL_R_UNSUPPORTED_PROTOCOL, "this SSL_callback_ctrl command is not supported by Cachet");
  return 0;
}

void SSL_set_msg_callback(SSL* s, void (*cb)(int, int, int, const void*, size_t, SSL*, void*)) {
  s->msg_callback = cb;
}

// DTLS 1.3 is not offered through the shim yet, so a valid list changes
// nothing on the wire; an invalid one fails as in OpenSSL.
int SSL_CTX_set_ciphersuites(SSL_CTX* ctx, const char* list) {
  (void)ctx;
  return check_ciphersuites(list);
}
int SSL_set_ciphersuites(SSL* s, const char* list) {
  (void)s;
  return check_ciphersuites(list);
}

int SSL_CTX_set_session_id_context(SSL_CTX* ctx, const unsigned char* sid_ctx, unsigned int len) {
  if (len > SSL_MAX_SID_CTX_LENGTH || (len > 0 && sid_ctx == nullptr)) {
    ssl_error(SSL_R_BAD_VALUE, "session ID context longer than 32 bytes");
    return 0;
  }
  ctx->session_id_context.assign(reinterpret_cast<const char*>(sid_ctx), len);
  cachet_compat::changed(ctx);
  return 1;
}

int SSL_CTX_use_certificate_ASN1(SSL_CTX* ctx, int len, const unsigned char* d) {
  const unsigned char* p = d;
  X509* x = d != nullptr && len > 0 ? d2i_X509(nullptr, &p, len) : nullptr;
  if (x == nullptr) {
    ssl_error(SSL_R_BAD_VALUE, "not a DER certificate");
    return 0;
  }
  const int ok = SSL_CTX_use_certificate(ctx, x);
  X509_free(x);
  return ok;
}

int SSL_CTX_use_PrivateKey_ASN1(int type, SSL_CTX* ctx, const unsigned char* d, long len) {
  const unsigned char* p = d;
  EVP_PKEY* key = d != nullptr && len > 0 ? d2i_PrivateKey(type, nullptr, &p, len) : nullptr;
  if (key == nullptr) {
    ssl_error(SSL_R_BAD_VALUE, "not a DER private key of that type");
    return 0;
  }
  const int ok = SSL_CTX_use_PrivateKey(ctx, key);
  EVP_PKEY_free(key);
  return ok;
}

int SSL_use_certificate(SSL* s, X509* x) {
  SSL_CTX* own = cachet_compat::own_settings(s);
  return own != nullptr ? SSL_CTX_use_certificate(own, x) : 0;
}
int SSL_use_certificate_file(SSL* s, const char* file, int type) {
  SSL_CTX* own = cachet_compat::own_settings(s);
  return own != nullptr ? SSL_CTX_use_certificate_file(own, file, type) : 0;
}
int SSL_use_PrivateKey(SSL* s, EVP_PKEY* key) {
  SSL_CTX* own = cachet_compat::own_settings(s);
  return own != nullptr ? SSL_CTX_use_PrivateKey(own, key) : 0;
}
int SSL_use_PrivateKey_file(SSL* s, const char* file, int type) {
  SSL_CTX* own = cachet_compat::own_settings(s);
  return own != nullptr ? SSL_CTX_use_PrivateKey_file(own, file, type) : 0;
}
void SSL_set_verify_depth(SSL* s, int depth) {
  if (SSL_CTX* own = cachet_compat::own_settings(s)) SSL_CTX_set_verify_depth(own, depth);
}

X509* SSL_get0_peer_certificate(const SSL* s) {
  // get0: the SSL keeps the object; it is remade when the peer changes.
  auto* self = const_cast<SSL*>(s);
  X509* now = SSL_get1_peer_certificate(s);
  X509_free(self->peer_certificate);
  self->peer_certificate = now;
  return now;
}

SSL_SESSION* SSL_get_session(const SSL* s) {
  auto* self = const_cast<SSL*>(s);
  if (!s->conn || !s->conn->is_established()) return s->session;
  SSL_SESSION* now = SSL_get1_session(self);
  if (now == nullptr) return s->session;
  SSL_SESSION_free(self->current_session);
  self->current_session = now;
  return now;
}

int SSL_get_rfd(const SSL* s) {
  int fd = -1;
  if (s->rbio == nullptr || BIO_get_fd(s->rbio, &fd) <= 0) return -1;
  return fd;
}
int SSL_get_wfd(const SSL* s) {
  int fd = -1;
  if (s->wbio == nullptr || BIO_get_fd(s->wbio, &fd) <= 0) return -1;
  return fd;
}

int SSL_get_servername_type(const SSL* s) {
  return SSL_get_servername(s, TLSEXT_NAMETYPE_host_name) != nullptr ? TLSEXT_NAMETYPE_host_name : -1;
}

}  // extern "C"
