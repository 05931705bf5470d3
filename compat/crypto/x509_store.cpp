// X509_STORE (trusted certificates) and X509_STORE_CTX (the view a verify
// callback gets: current certificate, depth, error, chain, ex_data).
#include "pki_local.hpp"

#include <fstream>
#include <sstream>

using namespace cachet_compat;

namespace {

void free_x509(void* x) { X509_free(static_cast<X509*>(x)); }

}  // namespace

extern "C" {

X509_STORE* X509_STORE_new(void) { return new (std::nothrow) x509_store_st(); }

void X509_STORE_free(X509_STORE* v) {
  if (v == nullptr || v->refs.fetch_sub(1) != 1) return;
  for (X509* x : v->certs) X509_free(x);
  delete v;
}

int X509_STORE_add_cert(X509_STORE* ctx, X509* x) {
  const cachet::Certificate* c = x509_certificate(x, __func__);
  if (ctx == nullptr || c == nullptr) return 0;
  for (X509* have : ctx->certs)
    if (have->cert && *have->cert == *c) return 1;  // already there: OpenSSL ignores duplicates
  X509_up_ref(x);
  ctx->certs.push_back(x);
  return 1;
}

int X509_STORE_load_locations(X509_STORE* ctx, const char* file, const char* dir) {
  if (ctx == nullptr || (file == nullptr && dir == nullptr)) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER, "no file or directory");
    return 0;
  }
  if (dir != nullptr) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_UNSUPPORTED, "CA directories are unsupported (use a CA file)");
    return 0;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_SYS_LIB, "cannot open the CA file");
    return 0;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto certs = cachet::Certificate::load_pem_chain(text.str());
  if (!certs) {
    PKI_RAISE_ERROR(ERR_LIB_X509, certs.error());
    return 0;
  }
  for (const cachet::Certificate& c : *certs) {
    X509* x = x509_from_certificate(c);
    if (x == nullptr) return 0;
    const int ok = X509_STORE_add_cert(ctx, x);
    X509_free(x);
    if (ok != 1) return 0;
  }
  return 1;
}

X509_STORE_CTX* X509_STORE_CTX_new(void) { return new (std::nothrow) x509_store_ctx_st(); }

void X509_STORE_CTX_free(X509_STORE_CTX* ctx) { delete ctx; }

int X509_STORE_CTX_init(X509_STORE_CTX* ctx, X509_STORE* trust_store, X509* target, STACK_OF(X509)* untrusted) {
  if (ctx == nullptr) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER, "no context");
    return 0;
  }
  ctx->store = trust_store;
  ctx->cert = target;
  ctx->untrusted = untrusted;
  ctx->current = target;
  ctx->error = X509_V_OK;
  ctx->error_depth = 0;
  ctx->ex_data.clear();
  return 1;
}

int X509_STORE_CTX_set_ex_data(X509_STORE_CTX* ctx, int idx, void* data) {
  if (ctx == nullptr || idx < 0) return 0;
  ctx->ex_data[idx] = data;
  return 1;
}

void* X509_STORE_CTX_get_ex_data(const X509_STORE_CTX* ctx, int idx) {
  if (ctx == nullptr) return nullptr;
  const auto it = ctx->ex_data.find(idx);
  return it == ctx->ex_data.end() ? nullptr : it->second;
}

void X509_STORE_CTX_set_current_cert(X509_STORE_CTX* ctx, X509* x) {
  if (ctx != nullptr) ctx->current = x;
}

X509* X509_STORE_CTX_get_current_cert(const X509_STORE_CTX* ctx) { return ctx == nullptr ? nullptr : ctx->current; }

X509* X509_STORE_CTX_get0_cert(const X509_STORE_CTX* ctx) { return ctx == nullptr ? nullptr : ctx->cert; }

void X509_STORE_CTX_set_error_depth(X509_STORE_CTX* ctx, int depth) {
  if (ctx != nullptr) ctx->error_depth = depth;
}

int X509_STORE_CTX_get_error_depth(const X509_STORE_CTX* ctx) { return ctx == nullptr ? 0 : ctx->error_depth; }

void X509_STORE_CTX_set_error(X509_STORE_CTX* ctx, int s) {
  if (ctx != nullptr) ctx->error = s;
}

int X509_STORE_CTX_get_error(const X509_STORE_CTX* ctx) { return ctx == nullptr ? X509_V_OK : ctx->error; }

// The chain as the verifier saw it: the target, then the untrusted
// certificates that followed it; each element a new reference.
STACK_OF(X509)* X509_STORE_CTX_get1_chain(const X509_STORE_CTX* ctx) {
  if (ctx == nullptr || ctx->cert == nullptr) return nullptr;
  auto* chain = reinterpret_cast<STACK_OF(X509)*>(OPENSSL_sk_new_null());
  if (chain == nullptr) return nullptr;
  auto push = [&](X509* x) {
    if (OPENSSL_sk_push(reinterpret_cast<OPENSSL_STACK*>(chain), x) <= 0) return false;
    X509_up_ref(x);
    return true;
  };
  bool ok = push(ctx->cert);
  const int n = ctx->untrusted == nullptr ? 0 : OPENSSL_sk_num(reinterpret_cast<const OPENSSL_STACK*>(ctx->untrusted));
  for (int i = 0; ok && i < n; ++i) {
    auto* x = static_cast<X509*>(OPENSSL_sk_value(reinterpret_cast<const OPENSSL_STACK*>(ctx->untrusted), i));
    if (x != nullptr && x != ctx->cert) ok = push(x);
  }
  if (!ok) {
    OPENSSL_sk_pop_free(reinterpret_cast<OPENSSL_STACK*>(chain), free_x509);
    return nullptr;
  }
  return chain;
}

}  // extern "C"
