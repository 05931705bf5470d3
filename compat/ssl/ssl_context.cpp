// The cachet::Context an SSL starts with: built from its SSL_CTX's settings
// (and the SSL's own) once, then shared by every SSL that starts while those
// settings stay as they were (compat/README.md, "One Context per
// configuration"). The Context's callbacks find their SSL through
// cachet_compat::current_ssl(), never through a pointer captured in it.
#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ssl_local.hpp"

using cachet_compat::ssl_error;

namespace {

using Key = cachet_compat::ContextCache::Key;

constexpr size_t kDefaultMtu = 1400;

std::atomic<uint64_t> g_generation{0};
thread_local SSL* t_current = nullptr;

// CACHET_COMPAT_DEBUG=contexts: one line on stderr per Context built
// (tests/compat/context_sharing.sh counts them).
bool trace_contexts() {
  static const bool on = [] {
    const char* v = std::getenv("CACHET_COMPAT_DEBUG");
    return v != nullptr && std::strstr(v, "contexts") != nullptr;
  }();
  return on;
}
std::atomic<unsigned long> g_contexts_built{0};

// What the verifier asks of peer certificates beyond the engine's own
// checks (the name SSL_set1_host wants, whether the top certificate is
// self-issued), remembered per Context: the answers depend on the
// certificate alone, so the SSLs of a Context that meet the same peer parse
// its certificates once, not per handshake. Bounded, oldest out first.
class CertificateFacts {
 public:
  static constexpr size_t kMaxEntries = 16;

  // Whether `der` carries `host` (a DNS name, or an IP address literal).
  bool carries(const std::vector<uint8_t>& der, const std::string& host, bool is_ip) {
    return ask(der, (is_ip ? "ip " : "dns ") + host, [&](const cachet::Certificate& c) {
      return is_ip ? c.check_ip(host) : c.check_host(host);
    });
  }
  bool self_issued(const std::vector<uint8_t>& der) {
    return ask(der, "self-issued", [](const cachet::Certificate& c) { return c.issuer() == c.subject(); });
  }

 private:
  struct Entry {
    std::vector<uint8_t> der;
    std::string question;
    bool answer;
  };

  // An unparsable certificate answers false.
  template <typename Answer>
  bool ask(const std::vector<uint8_t>& der, std::string question, Answer answer) {
    {
      std::lock_guard<std::mutex> guard(lock_);
      for (const Entry& e : entries_) {
        if (e.question == question && e.der == der) return e.answer;
      }
    }
    auto certificate = cachet::Certificate::from_der(der);
    const bool yes = certificate && answer(*certificate);
    std::lock_guard<std::mutex> guard(lock_);
    if (entries_.size() == kMaxEntries) entries_.erase(entries_.begin());
    entries_.push_back({der, std::move(question), yes});
    return yes;
  }

  std::mutex lock_;
  std::vector<Entry> entries_;
};

// SSL_set1_host, checked once the chain verifies, as X509_verify_cert does:
// the leaf must carry the DNS name, or the IP address when `host` is an
// address literal (X509_check_host / X509_check_ip_asc).
void check_host(const std::string& host, CertificateFacts& facts, cachet::ContextBuilder::PeerChain& peer) {
  unsigned char raw[sizeof(in6_addr)];
  const bool is_ip = inet_pton(AF_INET, host.c_str(), raw) == 1 || inet_pton(AF_INET6, host.c_str(), raw) == 1;
  const bool match = !peer.chain.empty() && facts.carries(peer.chain.front(), host, is_ip);
  if (!match) {
    peer.x509_error = is_ip ? X509_V_ERR_IP_ADDRESS_MISMATCH : X509_V_ERR_HOSTNAME_MISMATCH;
    peer.error_depth = 0;
  }
}

// SSL_CTX_set_verify_depth: depth d allows the peer's certificate, at most d
// CA certificates above it and a trust anchor — a built chain of d + 2. The
// chain built is the one the peer sent, plus its anchor unless the last
// certificate sent is self-issued.
void check_depth(int depth, CertificateFacts& facts, cachet::ContextBuilder::PeerChain& peer) {
  if (peer.chain.empty()) return;
  size_t built = peer.chain.size();
  if (!facts.self_issued(peer.chain.back())) ++built;
  if (built > static_cast<size_t>(depth) + 2) {
    peer.x509_error = X509_V_ERR_CERT_CHAIN_TOO_LONG;
    // Reported on a certificate the peer sent, so a verify callback sees it.
    peer.error_depth = std::min(depth + 1, static_cast<int>(peer.chain.size()) - 1);
  }
}

// The program's verify callback, called as OpenSSL calls it: for each
// certificate, the top first, with the error at the depth it belongs to.
// Returns its last answer; it may have changed the error (kept in `peer`).
int run_verify_callback(SSL* s, cachet::ContextBuilder::PeerChain& peer) {
  int ok = peer.x509_error == 0 ? 1 : 0;
  X509_STORE_CTX* store = X509_STORE_CTX_new();
  STACK_OF(X509)* chain = sk_X509_new_null();
  for (const auto& der : peer.chain) {
    const unsigned char* p = der.data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    if (x != nullptr) sk_X509_push(chain, x);
  }
  X509_STORE_CTX_init(store, s->ctx->cert_store, sk_X509_value(chain, 0), chain);
  X509_STORE_CTX_set_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx(), s);
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
  return ok;
}

// The Context for settings `ctx` (overridden by `own` where it sets
// something) and what the SSL decides alone (`key`). Nothing here refers to
// an SSL: the callbacks ask current_ssl() for theirs.
std::shared_ptr<const cachet::Context> build_context(const SSL_CTX* ctx, const SSL_CTX* own, const Key& key) {
  // What the SSL was given alone wins over its SSL_CTX (as OpenSSL keeps
  // per-SSL copies).
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

  const bool server = key.role == 2;
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
    b.alpn_selector([](const std::vector<std::string>& offered) -> std::optional<std::string> {
      SSL* s = cachet_compat::current_ssl();
      if (s == nullptr || s->ctx->alpn_select == nullptr) return std::nullopt;
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
  b.mtu(key.mtu);
  // The shim falls back to the BIO's fallback MTU as OpenSSL does
  // (ssl_conn.cpp timeout_now), not by the engine's own ladder.
  b.mtu_backoff(false);
  if (key.timer_us > 0) b.retransmit_timeout(std::chrono::microseconds(key.timer_us));
  b.session_cache(ctx->session_cache).ticket_keys(ctx->ticket_keys);
  if ((ctx->options & SSL_OP_NO_TICKET) != 0) b.session_tickets(false);
  if ((ctx->session_cache_mode & SSL_SESS_CACHE_SERVER) == 0) b.session_cache(nullptr);
  if ((ctx->options & SSL_OP_COOKIE_EXCHANGE) == 0 && server) b.cookie_exchange(false);

  // PSK callbacks (RFC 4279).
  if (!server && psk_client != nullptr) {
    b.psk_client([psk_client](std::string_view hint) -> std::optional<std::pair<std::string, std::vector<uint8_t>>> {
      SSL* s = cachet_compat::current_ssl();
      if (s == nullptr) return std::nullopt;
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
        [psk_server](std::string_view identity) -> std::optional<std::vector<uint8_t>> {
          SSL* s = cachet_compat::current_ssl();
          if (s == nullptr) return std::nullopt;
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
  const int mode = key.verify_mode;
  if (server && (mode & SSL_VERIFY_PEER) != 0) {
    b.client_auth((mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT) != 0 ? cachet::ClientAuth::kRequire
                                                                 : cachet::ClientAuth::kRequest);
  }
  const int max_depth = own != nullptr && own->verify_depth >= 0 ? own->verify_depth : ctx->verify_depth;
  auto facts = std::make_shared<CertificateFacts>();
  b.certificate_verifier([mode, max_depth, facts](cachet::ContextBuilder::PeerChain& peer) {
    SSL* s = cachet_compat::current_ssl();
    if (s == nullptr) return false;
    if (peer.x509_error == 0 && max_depth >= 0) check_depth(max_depth, *facts, peer);
    if (peer.x509_error == 0 && !s->verify_host.empty()) check_host(s->verify_host, *facts, peer);
    const int ok = s->verify_callback != nullptr ? run_verify_callback(s, peer) : (peer.x509_error == 0 ? 1 : 0);
    s->verify_result = peer.x509_error;
    if ((mode & SSL_VERIFY_PEER) == 0) return true;  // client: VERIFY_NONE accepts
    return ok != 0;
  });
  auto built = b.build();
  if (!built) {
    ssl_error(SSL_R_BAD_VALUE, built.error().what());
    return nullptr;
  }
  const unsigned long n = ++g_contexts_built;
  if (trace_contexts()) std::fprintf(stderr, "cachet-compat: Context %lu built (%s)\n", n, server ? "server" : "client");
  return std::move(built).value();
}

}  // namespace

uint64_t cachet_compat::next_generation() noexcept { return ++g_generation; }

SSL* cachet_compat::current_ssl() noexcept { return t_current; }

cachet_compat::CurrentSsl::CurrentSsl(SSL* s) noexcept : previous_(t_current) { t_current = s; }
cachet_compat::CurrentSsl::~CurrentSsl() { t_current = previous_; }

std::shared_ptr<const cachet::Context> cachet_compat::context_for(SSL* s) {
  const SSL_CTX* ctx = s->ctx;
  SSL_CTX* own = s->own;
  Key key;
  key.ctx_generation = ctx->generation.load(std::memory_order_relaxed);
  key.own_generation = own != nullptr ? own->generation.load(std::memory_order_relaxed) : 0;
  key.role = s->role;
  key.verify_mode = s->verify_mode;
  key.mtu = s->mtu != 0 ? s->mtu : kDefaultMtu;
  // DTLS_set_timer_cb: OpenSSL asks the callback for the first timeout with
  // 0 (microseconds), each time a handshake starts; the engine then doubles
  // it on each retransmission.
  key.timer_us = s->timer_cb != nullptr ? s->timer_cb(s, 0) : 0;

  // An SSL with settings of its own keeps its Contexts there.
  ContextCache& cache = own != nullptr ? own->contexts : s->ctx->contexts;
  std::lock_guard<std::mutex> guard(cache.lock);
  // Generations only grow: an entry built from older settings never
  // matches again.
  std::erase_if(cache.entries, [&](const ContextCache::Entry& e) {
    return e.key.ctx_generation != key.ctx_generation || e.key.own_generation != key.own_generation;
  });
  for (const auto& e : cache.entries) {
    if (e.key == key) return e.context;
  }
  auto context = build_context(ctx, own, key);
  if (!context) return nullptr;
  if (cache.entries.size() == ContextCache::kMaxEntries) cache.entries.erase(cache.entries.begin());
  cache.entries.push_back({key, context});
  return context;
}
