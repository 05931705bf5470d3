// SSL_CTX: methods, life cycle, configuration setters, and the one place
// where the configuration becomes a cachet::Context.
#include <cstring>

#include "ssl_local.hpp"

using cachet_compat::changed;
using cachet_compat::ssl_error;

namespace {

constexpr ssl_method_st kDtlsAny{0, DTLS_ANY_VERSION};
constexpr ssl_method_st kDtlsClient{1, DTLS_ANY_VERSION};
constexpr ssl_method_st kDtlsServer{2, DTLS_ANY_VERSION};
constexpr ssl_method_st kDtls12Any{0, DTLS1_2_VERSION};
constexpr ssl_method_st kDtls12Client{1, DTLS1_2_VERSION};
constexpr ssl_method_st kDtls12Server{2, DTLS1_2_VERSION};

// PEM text of what a memory BIO holds after `write` filled it.
template <typename Write>
std::string to_pem(Write write) {
  BIO* mem = BIO_new(BIO_s_mem());
  if (mem == nullptr) return {};
  std::string out;
  if (write(mem) == 1) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(mem, &data);
    if (n > 0) out.assign(data, static_cast<size_t>(n));
  }
  BIO_free(mem);
  return out;
}

// OpenSSL cipher strings name suites and keywords ("HIGH:!aNULL",
// "DEFAULT"); Cachet takes names only. Names it knows are kept in order;
// keywords mean "the defaults"; exclusions of known names are honoured.
std::string cachet_cipher_list(const std::string& openssl_list) {
  const auto supported = cachet::supported_cipher_suite_names();
  std::vector<std::string> kept, excluded;
  size_t start = 0;
  while (start <= openssl_list.size()) {
    size_t end = openssl_list.find_first_of(":, ", start);
    if (end == std::string::npos) end = openssl_list.size();
    std::string item = openssl_list.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    const bool exclude = item[0] == '!' || item[0] == '-';
    if (exclude || item[0] == '+') item.erase(0, 1);
    const bool known = std::find(supported.begin(), supported.end(), item) != supported.end();
    if (!known) continue;
    (exclude ? excluded : kept).push_back(item);
  }
  std::string out;
  for (const auto& name : kept) {
    if (std::find(excluded.begin(), excluded.end(), name) != excluded.end()) continue;
    if (!out.empty()) out += ':';
    out += name;
  }
  return out;
}

}  // namespace

extern "C" {

const SSL_METHOD* DTLS_method(void) { return &kDtlsAny; }
const SSL_METHOD* DTLS_client_method(void) { return &kDtlsClient; }
const SSL_METHOD* DTLS_server_method(void) { return &kDtlsServer; }
const SSL_METHOD* DTLSv1_2_method(void) { return &kDtls12Any; }
const SSL_METHOD* DTLSv1_2_client_method(void) { return &kDtls12Client; }
const SSL_METHOD* DTLSv1_2_server_method(void) { return &kDtls12Server; }

SSL_CTX* SSL_CTX_new(const SSL_METHOD* method) {
  if (method == nullptr) {
    ssl_error(ERR_R_PASSED_NULL_PARAMETER, "SSL_CTX_new: no method");
    return nullptr;
  }
  auto* ctx = new (std::nothrow) ssl_ctx_st;
  if (ctx == nullptr) return nullptr;
  ctx->method = method;
  ctx->cert_store = X509_STORE_new();
  return ctx;
}

int SSL_CTX_up_ref(SSL_CTX* ctx) {
  ++ctx->references;
  return 1;
}

void SSL_CTX_free(SSL_CTX* ctx) {
  if (ctx == nullptr || --ctx->references > 0) return;
  X509_free(ctx->certificate);
  EVP_PKEY_free(ctx->private_key);
  X509_STORE_free(ctx->cert_store);
  delete ctx;
}

uint64_t SSL_CTX_set_options(SSL_CTX* ctx, uint64_t options) {
  changed(ctx);
  return ctx->options |= options;
}
uint64_t SSL_CTX_clear_options(SSL_CTX* ctx, uint64_t options) {
  changed(ctx);
  return ctx->options &= ~options;
}
uint64_t SSL_CTX_get_options(const SSL_CTX* ctx) { return ctx->options; }

int SSL_CTX_set_cipher_list(SSL_CTX* ctx, const char* list) {
  if (list == nullptr || cachet_cipher_list(list).empty()) {
    ssl_error(SSL_R_NO_CIPHER_MATCH, "no cipher suite of this list is supported by Cachet");
    return 0;
  }
  ctx->cipher_list = cachet_cipher_list(list);
  changed(ctx);
  return 1;
}

int SSL_CTX_use_certificate(SSL_CTX* ctx, X509* x509) {
  if (x509 == nullptr) {
    ssl_error(ERR_R_PASSED_NULL_PARAMETER, "no certificate");
    return 0;
  }
  std::string pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, x509); });
  if (pem.empty()) return 0;
  X509_up_ref(x509);
  X509_free(ctx->certificate);
  ctx->certificate = x509;
  ctx->certificate_chain_pem = std::move(pem);
  changed(ctx);
  return 1;
}

int SSL_CTX_use_certificate_file(SSL_CTX* ctx, const char* file, int type) {
  X509* x509 = nullptr;
  BIO* in = BIO_new_file(file, type == SSL_FILETYPE_PEM ? "r" : "rb");
  if (in != nullptr) {
    x509 = type == SSL_FILETYPE_PEM ? PEM_read_bio_X509(in, nullptr, ctx->passwd_cb, ctx->passwd_userdata)
                                    : d2i_X509_bio(in, nullptr);
  }
  BIO_free(in);
  if (x509 == nullptr) {
    ssl_error(SSL_R_BAD_VALUE, "cannot read the certificate file");
    return 0;
  }
  const int ok = SSL_CTX_use_certificate(ctx, x509);
  X509_free(x509);
  return ok;
}

int SSL_CTX_use_certificate_chain_file(SSL_CTX* ctx, const char* file) {
  BIO* in = BIO_new_file(file, "r");
  if (in == nullptr) {
    ssl_error(SSL_R_BAD_VALUE, "cannot open the certificate chain file");
    return 0;
  }
  std::string chain;
  X509* leaf = nullptr;
  while (X509* x = PEM_read_bio_X509(in, nullptr, ctx->passwd_cb, ctx->passwd_userdata)) {
    chain += to_pem([&](BIO* b) { return PEM_write_bio_X509(b, x); });
    if (leaf == nullptr) {
      leaf = x;
    } else {
      X509_free(x);
    }
  }
  BIO_free(in);
  ERR_clear_error();  // the read that ended the loop
  if (leaf == nullptr) {
    ssl_error(SSL_R_BAD_VALUE, "no certificate in the chain file");
    return 0;
  }
  X509_free(ctx->certificate);
  ctx->certificate = leaf;
  ctx->certificate_chain_pem = std::move(chain);
  changed(ctx);
  return 1;
}

int SSL_CTX_use_PrivateKey(SSL_CTX* ctx, EVP_PKEY* key) {
  if (key == nullptr) {
    ssl_error(ERR_R_PASSED_NULL_PARAMETER, "no private key");
    return 0;
  }
  std::string pem =
      to_pem([&](BIO* b) { return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
  if (pem.empty()) return 0;
  EVP_PKEY_up_ref(key);
  EVP_PKEY_free(ctx->private_key);
  ctx->private_key = key;
  ctx->private_key_pem = std::move(pem);
  changed(ctx);
  return 1;
}

int SSL_CTX_use_PrivateKey_file(SSL_CTX* ctx, const char* file, int type) {
  BIO* in = BIO_new_file(file, type == SSL_FILETYPE_PEM ? "r" : "rb");
  EVP_PKEY* key = nullptr;
  if (in != nullptr) {
    key = type == SSL_FILETYPE_PEM ? PEM_read_bio_PrivateKey(in, nullptr, ctx->passwd_cb, ctx->passwd_userdata)
                                   : d2i_PrivateKey_bio(in, nullptr);
  }
  BIO_free(in);
  if (key == nullptr) {
    ssl_error(SSL_R_BAD_VALUE, "cannot read the private key file");
    return 0;
  }
  const int ok = SSL_CTX_use_PrivateKey(ctx, key);
  EVP_PKEY_free(key);
  return ok;
}

int SSL_CTX_check_private_key(const SSL_CTX* ctx) {
  if (ctx->certificate == nullptr || ctx->private_key == nullptr) {
    ssl_error(SSL_R_NO_CERTIFICATE_ASSIGNED, "no certificate or no private key");
    return 0;
  }
  if (X509_check_private_key(ctx->certificate, ctx->private_key) != 1) {
    ssl_error(SSL_R_BAD_VALUE, "the private key does not match the certificate");
    return 0;
  }
  return 1;
}

int SSL_CTX_load_verify_locations(SSL_CTX* ctx, const char* file, const char* path) {
  if (file == nullptr && path == nullptr) return 0;
  if (file != nullptr) {
    BIO* in = BIO_new_file(file, "r");
    if (in == nullptr) {
      ssl_error(SSL_R_BAD_VALUE, "cannot open the CA file");
      return 0;
    }
    int count = 0;
    changed(ctx);
    while (X509* x = PEM_read_bio_X509(in, nullptr, nullptr, nullptr)) {
      ctx->ca_pem += to_pem([&](BIO* b) { return PEM_write_bio_X509(b, x); });
      X509_STORE_add_cert(ctx->cert_store, x);
      X509_free(x);
      ++count;
    }
    BIO_free(in);
    ERR_clear_error();
    if (count == 0) {
      ssl_error(SSL_R_BAD_VALUE, "no certificate in the CA file");
      return 0;
    }
  }
  if (path != nullptr) {
    ssl_error(SSL_R_UNSUPPORTED_PROTOCOL, "CA directories (hashed) are not supported; use a CA file");
    return 0;
  }
  return 1;
}

int SSL_CTX_set_default_verify_paths(SSL_CTX* ctx) {
  ctx->system_trust = true;
  changed(ctx);
  return 1;
}

X509_STORE* SSL_CTX_get_cert_store(const SSL_CTX* ctx) { return ctx->cert_store; }
X509* SSL_CTX_get0_certificate(const SSL_CTX* ctx) { return ctx->certificate; }
EVP_PKEY* SSL_CTX_get0_privatekey(const SSL_CTX* ctx) { return ctx->private_key; }

void SSL_CTX_set_verify(SSL_CTX* ctx, int mode, SSL_verify_cb callback) {
  ctx->verify_mode = mode;
  ctx->verify_callback = callback;
  changed(ctx);
}
void SSL_CTX_set_verify_depth(SSL_CTX* ctx, int depth) {
  ctx->verify_depth = depth;
  changed(ctx);
}
int SSL_CTX_get_verify_mode(const SSL_CTX* ctx) { return ctx->verify_mode; }

void SSL_CTX_set_psk_client_callback(SSL_CTX* ctx, SSL_psk_client_cb_func cb) {
  ctx->psk_client = cb;
  changed(ctx);
}
void SSL_CTX_set_psk_server_callback(SSL_CTX* ctx, SSL_psk_server_cb_func cb) {
  ctx->psk_server = cb;
  changed(ctx);
}
int SSL_CTX_use_psk_identity_hint(SSL_CTX* ctx, const char* hint) {
  ctx->psk_identity_hint = hint != nullptr ? hint : "";
  changed(ctx);
  return 1;
}

int SSL_CTX_set_tlsext_use_srtp(SSL_CTX* ctx, const char* profiles) {
  // Note the inverted convention: 0 is success.
  if (profiles == nullptr) return 1;
  ctx->srtp_profiles = profiles;
  changed(ctx);
  return 0;
}

int SSL_CTX_set_alpn_protos(SSL_CTX* ctx, const unsigned char* protos, unsigned int len) {
  // Wire format: length-prefixed names. Note the inverted convention: 0 is success.
  std::vector<std::string> names;
  for (unsigned i = 0; i < len;) {
    const unsigned n = protos[i];
    if (n == 0 || i + 1 + n > len) return 1;
    names.emplace_back(reinterpret_cast<const char*>(protos) + i + 1, n);
    i += 1 + n;
  }
  ctx->alpn = std::move(names);
  changed(ctx);
  return 0;
}

void SSL_CTX_set_alpn_select_cb(SSL_CTX* ctx, SSL_CTX_alpn_select_cb_func cb, void* arg) {
  ctx->alpn_select = cb;
  ctx->alpn_select_arg = arg;
  changed(ctx);
}

void SSL_CTX_set_cookie_generate_cb(SSL_CTX* ctx, int (*cb)(SSL*, unsigned char*, unsigned int*)) {
  ctx->cookie_generate = cb;
  changed(ctx);
}
void SSL_CTX_set_cookie_verify_cb(SSL_CTX* ctx, int (*cb)(SSL*, const unsigned char*, unsigned int)) {
  ctx->cookie_verify = cb;
  changed(ctx);
}
void SSL_CTX_set_info_callback(SSL_CTX* ctx, void (*cb)(const SSL*, int, int)) {
  ctx->info_callback = cb;
  changed(ctx);
}
void SSL_CTX_set_msg_callback(SSL_CTX* ctx, void (*cb)(int, int, int, const void*, size_t, SSL*, void*)) {
  ctx->msg_callback = cb;
  changed(ctx);
}
void SSL_CTX_sess_set_new_cb(SSL_CTX* ctx, int (*cb)(SSL*, SSL_SESSION*)) {
  ctx->new_session_cb = cb;
  changed(ctx);
}
void SSL_CTX_set_quiet_shutdown(SSL_CTX* ctx, int mode) {
  ctx->quiet_shutdown = mode;
  changed(ctx);
}
void SSL_CTX_set_default_passwd_cb(SSL_CTX* ctx, pem_password_cb* cb) {
  ctx->passwd_cb = cb;
  changed(ctx);
}
void SSL_CTX_set_default_passwd_cb_userdata(SSL_CTX* ctx, void* u) {
  ctx->passwd_userdata = u;
  changed(ctx);
}
long SSL_CTX_set_timeout(SSL_CTX* ctx, long t) {
  const long old = ctx->session_timeout;
  ctx->session_timeout = t;
  changed(ctx);
  return old;
}
long SSL_CTX_get_timeout(const SSL_CTX* ctx) { return ctx->session_timeout; }
// The program's own data, not configuration: no new Context.
int SSL_CTX_set_ex_data(SSL_CTX* ctx, int idx, void* data) {
  ctx->ex_data.slots[idx] = data;
  return 1;
}
void* SSL_CTX_get_ex_data(const SSL_CTX* ctx, int idx) { return ctx->ex_data.get(idx); }

}  // extern "C"
