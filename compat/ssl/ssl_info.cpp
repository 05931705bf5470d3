// What a program asks about an SSL: cipher, version, SRTP profile, ALPN,
// server name, sessions, the peer's certificates, state and alert strings.
#include <cstring>

#include "ssl_local.hpp"

using cachet_compat::ssl_error;

struct ssl_cipher_st {
  const char* openssl_name;
  const char* standard_name;
  uint32_t id;  // 0x0300 0000 | IANA code, as OpenSSL numbers them
  int bits;
};

namespace {

// RFC 5764 §4.1.2 and RFC 7714 §14.2: what SSL_get_selected_srtp_profile hands out.
SRTP_PROTECTION_PROFILE kSrtpProfiles[] = {
    {"SRTP_AES128_CM_SHA1_80", SRTP_AES128_CM_SHA1_80},
    {"SRTP_AES128_CM_SHA1_32", SRTP_AES128_CM_SHA1_32},
    {"SRTP_AEAD_AES_128_GCM", SRTP_AEAD_AES_128_GCM},
    {"SRTP_AEAD_AES_256_GCM", SRTP_AEAD_AES_256_GCM},
};

// One SSL_CIPHER per suite Cachet speaks, built once.
const ssl_cipher_st* cipher_for(uint16_t code, std::string_view name) {
  static std::map<uint16_t, ssl_cipher_st> table;
  static std::vector<std::string> names;
  auto it = table.find(code);
  if (it != table.end()) return &it->second;
  names.emplace_back(name);
  const bool aes256 = name.find("AES256") != std::string_view::npos || name.find("CHACHA20") != std::string_view::npos;
  auto& c = table[code];
  c.openssl_name = names.back().c_str();
  c.standard_name = c.openssl_name;
  c.id = 0x03000000u | code;
  c.bits = aes256 ? 256 : 128;
  return &c;
}

}  // namespace

extern "C" {

const SSL_CIPHER* SSL_get_current_cipher(const SSL* s) {
  if (!s->conn || s->conn->cipher_suite() == 0) return nullptr;
  static std::mutex lock;
  std::lock_guard<std::mutex> guard(lock);
  return cipher_for(s->conn->cipher_suite(), s->conn->cipher_suite_name());
}
const char* SSL_CIPHER_get_name(const SSL_CIPHER* c) { return c != nullptr ? c->openssl_name : "(NONE)"; }
const char* SSL_CIPHER_standard_name(const SSL_CIPHER* c) { return c != nullptr ? c->standard_name : nullptr; }
int SSL_CIPHER_get_bits(const SSL_CIPHER* c, int* alg_bits) {
  if (c == nullptr) return 0;
  if (alg_bits != nullptr) *alg_bits = c->bits;
  return c->bits;
}
const char* SSL_CIPHER_get_version(const SSL_CIPHER* c) { return c != nullptr ? "TLSv1.2" : "(NONE)"; }
uint32_t SSL_CIPHER_get_id(const SSL_CIPHER* c) { return c != nullptr ? c->id : 0; }

const char* SSL_get_version(const SSL* s) { return s->conn && s->conn->is_established() ? "DTLSv1.2" : "DTLSv1.2"; }
int SSL_version(const SSL* s) {
  (void)s;
  return DTLS1_2_VERSION;
}

SRTP_PROTECTION_PROFILE* SSL_get_selected_srtp_profile(SSL* s) {
  if (!s->conn) return nullptr;
  auto p = s->conn->srtp_profile();
  if (!p) return nullptr;
  for (auto& profile : kSrtpProfiles) {
    if (profile.id == *p) return &profile;
  }
  return nullptr;
}

void SSL_get0_alpn_selected(const SSL* s, const unsigned char** data, unsigned int* len) {
  *data = nullptr;
  *len = 0;
  if (!s->conn) return;
  const std::string_view p = s->conn->alpn();
  if (p.empty()) return;
  *data = reinterpret_cast<const unsigned char*>(p.data());
  *len = static_cast<unsigned>(p.size());
}

const char* SSL_get_servername(const SSL* s, const int type) {
  if (type != TLSEXT_NAMETYPE_host_name) return nullptr;
  if (s->role == 1) return s->host_name.empty() ? nullptr : s->host_name.c_str();
  if (!s->conn || s->conn->server_name().empty()) return nullptr;
  return s->conn->server_name().data();  // NUL-terminated: a std::string inside the engine
}

int SSL_session_reused(const SSL* s) { return s->conn && s->conn->resumed() ? 1 : 0; }

SSL_SESSION* SSL_get1_session(SSL* s) {
  if (!s->conn) return nullptr;
  cachet::Session session = s->conn->session();
  if (!session.valid()) return nullptr;
  auto* out = new (std::nothrow) ssl_session_st;
  if (out != nullptr) out->session = std::move(session);
  return out;
}

int SSL_set_session(SSL* s, SSL_SESSION* session) {
  if (session != nullptr) SSL_SESSION_up_ref(session);
  SSL_SESSION_free(s->session);
  s->session = session;
  return 1;
}

int SSL_SESSION_up_ref(SSL_SESSION* session) {
  ++session->references;
  return 1;
}
void SSL_SESSION_free(SSL_SESSION* session) {
  if (session == nullptr || --session->references > 0) return;
  delete session;
}

// Cachet's own serialized session (opaque to programs, as i2d's output is).
int i2d_SSL_SESSION(const SSL_SESSION* in, unsigned char** pp) {
  const std::vector<uint8_t> bytes = in->session.serialize();
  if (bytes.empty()) return 0;
  if (pp != nullptr) {
    if (*pp == nullptr) {
      *pp = static_cast<unsigned char*>(OPENSSL_malloc(bytes.size()));
      if (*pp == nullptr) return 0;
      std::memcpy(*pp, bytes.data(), bytes.size());
    } else {
      std::memcpy(*pp, bytes.data(), bytes.size());
      *pp += bytes.size();
    }
  }
  return static_cast<int>(bytes.size());
}

SSL_SESSION* d2i_SSL_SESSION(SSL_SESSION** a, const unsigned char** pp, long length) {
  if (pp == nullptr || *pp == nullptr || length <= 0) return nullptr;
  auto parsed = cachet::Session::parse(std::span<const uint8_t>(*pp, static_cast<size_t>(length)));
  if (!parsed) {
    ssl_error(SSL_R_BAD_VALUE, "not a Cachet session");
    return nullptr;
  }
  auto* out = new (std::nothrow) ssl_session_st;
  if (out == nullptr) return nullptr;
  out->session = std::move(parsed).value();
  *pp += length;
  if (a != nullptr) {
    SSL_SESSION_free(*a);
    *a = out;
  }
  return out;
}

X509* SSL_get1_peer_certificate(const SSL* s) {
  if (!s->conn || s->conn->peer_certificates().empty() || s->conn->peer_uses_raw_public_key()) return nullptr;
  const auto& der = s->conn->peer_certificates().front();
  const unsigned char* p = der.data();
  return d2i_X509(nullptr, &p, static_cast<long>(der.size()));
}

STACK_OF(X509)* SSL_get_peer_cert_chain(const SSL* s) {
  // get0 semantics: the stack belongs to the SSL. A server's chain omits the
  // client's leaf, as OpenSSL's does.
  static thread_local STACK_OF(X509)* last = nullptr;  // replaced on the next call on this thread
  if (!s->conn || s->conn->peer_certificates().empty() || s->conn->peer_uses_raw_public_key()) return nullptr;
  if (last != nullptr) sk_X509_pop_free(last, X509_free);
  last = sk_X509_new_null();
  const auto& chain = s->conn->peer_certificates();
  for (size_t i = s->role == 2 ? 1 : 0; i < chain.size(); ++i) {
    const unsigned char* p = chain[i].data();
    if (X509* x = d2i_X509(nullptr, &p, static_cast<long>(chain[i].size()))) sk_X509_push(last, x);
  }
  return last;
}

X509* SSL_get_certificate(const SSL* s) {
  return s->own != nullptr && s->own->certificate != nullptr ? s->own->certificate : s->ctx->certificate;
}
EVP_PKEY* SSL_get_privatekey(const SSL* s) {
  return s->own != nullptr && s->own->private_key != nullptr ? s->own->private_key : s->ctx->private_key;
}

OSSL_HANDSHAKE_STATE SSL_get_state(const SSL* s) {
  if (!s->conn) return TLS_ST_BEFORE;
  if (s->conn->is_established()) return TLS_ST_OK;
  const std::string_view st = s->conn->handshake_state_name();
  if (st == "client_wait_server_hello") return TLS_ST_CW_CLNT_HELLO;
  if (st == "client_wait_certificate") return TLS_ST_CR_SRVR_HELLO;
  if (st == "client_wait_server_key_exchange") return TLS_ST_CR_CERT;
  if (st == "client_wait_certificate_request_or_done") return TLS_ST_CR_KEY_EXCH;
  if (st == "client_wait_server_hello_done") return TLS_ST_CR_CERT_REQ;
  if (st == "client_wait_new_session_ticket" || st == "client_wait_change_cipher_spec") return TLS_ST_CW_FINISHED;
  if (st == "client_wait_finished") return TLS_ST_CR_CHANGE;
  if (st == "server_wait_client_hello") return TLS_ST_BEFORE;
  if (st == "server_wait_client_certificate") return TLS_ST_SW_SRVR_DONE;
  if (st == "server_wait_client_key_exchange") return TLS_ST_SW_SRVR_DONE;
  if (st == "server_wait_certificate_verify") return TLS_ST_SR_KEY_EXCH;
  if (st == "server_wait_change_cipher_spec") return TLS_ST_SR_KEY_EXCH;
  if (st == "server_wait_finished") return TLS_ST_SR_CHANGE;
  return TLS_ST_BEFORE;
}

const char* SSL_state_string_long(const SSL* s) {
  if (!s->conn) return "before SSL initialization";
  if (s->conn->state() == cachet::ConnectionState::kFailed) return "error";
  if (s->conn->is_established()) return "SSL negotiation finished successfully";
  return s->conn->handshake_state_name().data();
}
const char* SSL_state_string(const SSL* s) {
  if (!s->conn) return "PINIT";
  if (s->conn->is_established()) return "SSLOK";
  return "DTLS";
}

const char* SSL_alert_type_string_long(int value) {
  switch (value >> 8) {
    case 1: return "warning";
    case 2: return "fatal";
    default: return "unknown";
  }
}
const char* SSL_alert_type_string(int value) {
  switch (value >> 8) {
    case 1: return "W";
    case 2: return "F";
    default: return "U";
  }
}
const char* SSL_alert_desc_string_long(int value) {
  switch (value & 0xff) {
    case 0: return "close notify";
    case 10: return "unexpected_message";
    case 20: return "bad record mac";
    case 22: return "record overflow";
    case 40: return "handshake failure";
    case 42: return "bad certificate";
    case 43: return "unsupported certificate";
    case 44: return "certificate revoked";
    case 45: return "certificate expired";
    case 46: return "certificate unknown";
    case 47: return "illegal parameter";
    case 48: return "unknown CA";
    case 49: return "access denied";
    case 50: return "decode error";
    case 51: return "decrypt error";
    case 70: return "protocol version";
    case 71: return "insufficient security";
    case 80: return "internal error";
    case 90: return "user canceled";
    case 100: return "no renegotiation";
    case 110: return "unsupported extension";
    case 112: return "unrecognized name";
    case 115: return "unknown PSK identity";
    case 120: return "no application protocol";
    default: return "unknown";
  }
}
const char* SSL_alert_desc_string(int value) {
  switch (value & 0xff) {
    case 0: return "CN";
    case 10: return "UM";
    case 20: return "BM";
    case 40: return "HF";
    case 42: return "BC";
    case 47: return "IP";
    case 48: return "CA";
    case 50: return "DE";
    case 51: return "CY";
    case 80: return "IE";
    default: return "UK";
  }
}

}  // extern "C"
