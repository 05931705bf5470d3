// The rest of libssl's surface: errors, init, per-SSL setters that mirror
// the SSL_CTX ones, read/write variants, and small helpers.
#include <cstring>

#include "ssl_local.hpp"

using cachet_compat::ssl_error;

void cachet_compat::ssl_error(int reason, const char* what, const char* file, int line) {
  ERR_new();
  ERR_set_debug(file, line, nullptr);
  ERR_set_error(ERR_LIB_SSL, reason, "%s", what);
}

extern "C" {

int OPENSSL_init_ssl(uint64_t opts, const OPENSSL_INIT_SETTINGS* settings) {
  return OPENSSL_init_crypto(opts, settings);
}

int SSL_get_ex_data_X509_STORE_CTX_idx(void) {
  // One index, made once, where the verify callback finds its SSL.
  static const int idx = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_X509_STORE_CTX, 0, nullptr, nullptr, nullptr, nullptr);
  return idx;
}

int SSL_set_fd(SSL* s, int fd) {
  BIO* bio = BIO_new_dgram(fd, BIO_NOCLOSE);
  if (bio == nullptr) return 0;
  SSL_set_bio(s, bio, bio);
  return 1;
}

int SSL_get_fd(const SSL* s) {
  int fd = -1;
  if (s->rbio == nullptr || BIO_get_fd(s->rbio, &fd) <= 0) return -1;
  return fd;
}

// The DNS name (or IP address literal) the peer's certificate must carry,
// checked after the chain (compat/ssl/ssl_conn.cpp); NULL clears it. Unlike
// SSL_set_tlsext_host_name, it sends nothing.
int SSL_set1_host(SSL* s, const char* hostname) {
  s->verify_host = hostname != nullptr ? hostname : "";
  return 1;
}

int SSL_clear(SSL* s) {
  s->conn.reset();
  s->unsent.reset();
  s->app_ready = false;
  std::vector<uint8_t>().swap(s->app_record);
  s->shutdown = 0;
  s->rwstate = SSL_NOTHING;
  s->last_error = SSL_ERROR_NONE;
  s->verify_result = X509_V_OK;
  s->info_done_reported = false;
  s->failure_reported = false;
  s->listener.reset();
  s->listened_hello.clear();
  return 1;
}

SSL_CTX* SSL_set_SSL_CTX(SSL* s, SSL_CTX* ctx) {
  if (ctx == nullptr || ctx == s->ctx) return s->ctx;
  SSL_CTX_up_ref(ctx);
  SSL_CTX_free(s->ctx);
  s->ctx = ctx;
  return ctx;
}

// Per-SSL settings go to the SSL's own settings (cachet_compat::own_settings),
// leaving its SSL_CTX and the other SSLs made from it alone.
int SSL_set_cipher_list(SSL* s, const char* list) {
  SSL_CTX* own = cachet_compat::own_settings(s);
  return own != nullptr ? SSL_CTX_set_cipher_list(own, list) : 0;
}

int SSL_set_tlsext_use_srtp(SSL* s, const char* profiles) {
  SSL_CTX* own = cachet_compat::own_settings(s);
  return own != nullptr ? SSL_CTX_set_tlsext_use_srtp(own, profiles) : 1;
}

int SSL_set_alpn_protos(SSL* s, const unsigned char* protos, unsigned int len) {
  SSL_CTX* own = cachet_compat::own_settings(s);
  return own != nullptr ? SSL_CTX_set_alpn_protos(own, protos, len) : 1;
}

int SSL_select_next_proto(unsigned char** out, unsigned char* outlen, const unsigned char* server, unsigned int server_len,
                          const unsigned char* client, unsigned int client_len) {
  // The first server protocol the client also lists; otherwise the
  // client's first (OPENSSL_NPN_NO_OVERLAP).
  for (unsigned i = 0; i < server_len;) {
    const unsigned n = server[i];
    if (i + 1 + n > server_len) break;
    for (unsigned j = 0; j < client_len;) {
      const unsigned m = client[j];
      if (j + 1 + m > client_len) break;
      if (m == n && std::memcmp(server + i + 1, client + j + 1, n) == 0) {
        *out = const_cast<unsigned char*>(server + i + 1);
        *outlen = static_cast<unsigned char>(n);
        return OPENSSL_NPN_NEGOTIATED;
      }
      j += 1 + m;
    }
    i += 1 + n;
  }
  if (client_len > 0 && client[0] + 1u <= client_len) {
    *out = const_cast<unsigned char*>(client + 1);
    *outlen = client[0];
  } else {
    *out = nullptr;
    *outlen = 0;
  }
  return OPENSSL_NPN_NO_OVERLAP;
}

void SSL_set_info_callback(SSL* s, void (*cb)(const SSL*, int, int)) { s->info_callback = cb; }
void SSL_set_psk_client_callback(SSL* s, SSL_psk_client_cb_func cb) {
  if (SSL_CTX* own = cachet_compat::own_settings(s)) SSL_CTX_set_psk_client_callback(own, cb);
}
void SSL_set_psk_server_callback(SSL* s, SSL_psk_server_cb_func cb) {
  if (SSL_CTX* own = cachet_compat::own_settings(s)) SSL_CTX_set_psk_server_callback(own, cb);
}
int SSL_use_psk_identity_hint(SSL* s, const char* hint) {
  SSL_CTX* own = cachet_compat::own_settings(s);
  return own != nullptr ? SSL_CTX_use_psk_identity_hint(own, hint) : 0;
}
const char* SSL_get_psk_identity_hint(const SSL* s) {
  const SSL_CTX* from = s->own != nullptr && !s->own->psk_identity_hint.empty() ? s->own : s->ctx;
  return from->psk_identity_hint.empty() ? nullptr : from->psk_identity_hint.c_str();
}
const char* SSL_get_psk_identity(const SSL* s) {
  if (!s->conn || s->conn->psk_identity().empty()) return nullptr;
  return s->conn->psk_identity().data();
}

void SSL_set_quiet_shutdown(SSL* s, int mode) { s->quiet_shutdown = mode; }
int SSL_get_quiet_shutdown(const SSL* s) { return s->quiet_shutdown.value_or(s->ctx->quiet_shutdown); }

int SSL_read_ex(SSL* s, void* buf, size_t num, size_t* readbytes) {
  const int n = SSL_read(s, buf, num > 0x7fffffff ? 0x7fffffff : static_cast<int>(num));
  if (n <= 0) return 0;
  if (readbytes != nullptr) *readbytes = static_cast<size_t>(n);
  return 1;
}

int SSL_write_ex(SSL* s, const void* buf, size_t num, size_t* written) {
  if (num > 0x7fffffff) return 0;
  const int n = SSL_write(s, buf, static_cast<int>(num));
  if (n <= 0) return 0;
  if (written != nullptr) *written = static_cast<size_t>(n);
  return 1;
}

int SSL_peek(SSL* s, void* buf, int num) {
  if (!s->app_ready) {
    ssl_error(SSL_R_UNSUPPORTED_PROTOCOL, "SSL_peek waits for nothing in Cachet: call SSL_read");
    return -1;
  }
  const auto& r = s->app_record;
  const size_t n = std::min(r.size(), static_cast<size_t>(num < 0 ? 0 : num));
  std::memcpy(buf, r.data(), n);
  return static_cast<int>(n);
}

int SSL_check_private_key(const SSL* s) {
  if (s->own == nullptr || (s->own->certificate == nullptr && s->own->private_key == nullptr)) {
    return SSL_CTX_check_private_key(s->ctx);
  }
  X509* certificate = s->own->certificate != nullptr ? s->own->certificate : s->ctx->certificate;
  EVP_PKEY* key = s->own->private_key != nullptr ? s->own->private_key : s->ctx->private_key;
  if (certificate == nullptr || key == nullptr) {
    ssl_error(SSL_R_NO_CERTIFICATE_ASSIGNED, "no certificate or no private key");
    return 0;
  }
  if (X509_check_private_key(certificate, key) != 1) {
    ssl_error(SSL_R_BAD_VALUE, "the private key does not match the certificate");
    return 0;
  }
  return 1;
}

}  // extern "C"
