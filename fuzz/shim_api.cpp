// Fuzz target: the OpenSSL 3.0 API of the compat/ shim (libssl.so.3 and
// libcrypto.so.3), driven as a program drives it: an SSL under test (client
// or server, DTLS_method) and a well-behaved peer SSL, both over memory BIOs,
// with the fuzzer in the middle. The input chooses the configuration and
// then a sequence of operations: API calls on the SSL under test in any
// order (SSL_do_handshake, SSL_read, SSL_write, SSL_pending, SSL_get_error,
// DTLSv1_handle_timeout, SSL_shutdown, ctrl and info queries), datagrams
// relayed from the peer (as sent, mutated, or dropped), datagrams of its own,
// and the libcrypto parsers on fuzzer bytes (PEM_read_bio_X509, d2i_X509,
// PEM_read_bio_PrivateKey). Everything is freed each run.
//
// Input: byte 0 configuration flags, byte 1 option selectors, then
// operations (one byte each; some take a length and bytes after them).
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <sys/time.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

struct Input {
  const uint8_t* p;
  size_t left;
  bool empty() const { return left == 0; }
  uint8_t byte() {
    if (left == 0) return 0;
    --left;
    return *p++;
  }
  // A length-prefixed chunk (two bytes, big-endian, capped at what is left).
  std::vector<uint8_t> chunk() {
    size_t n = static_cast<size_t>(byte()) << 8;
    n |= byte();
    if (n > left) n = left;
    std::vector<uint8_t> out(p, p + n);
    p += n;
    left -= n;
    return out;
  }
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The test PKI (tests/pki/p256), read once.
struct Pki {
  std::string chain, key, root;
  Pki() {
    const std::string dir = std::string(CACHET_FUZZ_CORPUS_DIR) + "/../../tests/pki/p256/";
    chain = read_text(dir + "server-chain.pem");
    key = read_text(dir + "server.key");
    root = read_text(dir + "root.pem");
  }
};
const Pki& pki() {
  static const Pki p;
  return p;
}

bool use_pem(SSL_CTX* ctx, const std::string& chain, const std::string& key) {
  BIO* b = BIO_new_mem_buf(chain.data(), static_cast<int>(chain.size()));
  X509* leaf = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  bool ok = leaf != nullptr && SSL_CTX_use_certificate(ctx, leaf) == 1;
  X509_free(leaf);
  while (ok) {  // the rest of the chain
    X509* ca = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
    if (ca == nullptr) break;
    if (SSL_CTX_add_extra_chain_cert(ctx, ca) != 1) X509_free(ca);
  }
  BIO_free(b);
  ERR_clear_error();
  b = BIO_new_mem_buf(key.data(), static_cast<int>(key.size()));
  EVP_PKEY* pk = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
  ok = ok && pk != nullptr && SSL_CTX_use_PrivateKey(ctx, pk) == 1;
  EVP_PKEY_free(pk);
  BIO_free(b);
  return ok;
}

int alpn_select(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned inlen, void*) {
  static const unsigned char kOurs[] = {4, 'w', 'e', 'b', 'r', 2, 'h', '2'};
  unsigned char* sel = nullptr;
  if (SSL_select_next_proto(&sel, outlen, kOurs, sizeof kOurs, in, inlen) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = sel;
  return SSL_TLSEXT_ERR_OK;
}

constexpr const char* kCiphers[] = {
    nullptr,
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES128-CCM8",
    "HIGH:!aNULL",
    "DEFAULT:@SECLEVEL=0",
    "NOT-A-CIPHER",
    "",
};
constexpr const char* kSrtp[] = {
    nullptr, "SRTP_AES128_CM_SHA1_80", "SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32:SRTP_AEAD_AES_128_GCM",
    "SRTP_AEAD_AES_256_GCM", "SRTP_BOGUS", "SRTP_AES128_CM_SHA1_32::",
};
constexpr unsigned char kAlpn[] = {4, 'w', 'e', 'b', 'r', 2, 'h', '2', 3, 'f', 'o', 'o'};

SSL_CTX* make_ctx(bool server, uint8_t flags, uint8_t opts) {
  SSL_CTX* ctx = SSL_CTX_new(server ? DTLS_server_method() : DTLS_client_method());
  if (ctx == nullptr) return nullptr;
  if (server && !use_pem(ctx, pki().chain, pki().key)) {
    SSL_CTX_free(ctx);
    return nullptr;
  }
  if (!server) {
    BIO* b = BIO_new_mem_buf(pki().root.data(), static_cast<int>(pki().root.size()));
    X509* root = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
    if (root != nullptr) X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), root);
    X509_free(root);
    BIO_free(b);
  }
  if (const char* c = kCiphers[opts & 7]) (void)SSL_CTX_set_cipher_list(ctx, c);
  if (const char* p = kSrtp[(opts >> 3) % 6]) (void)SSL_CTX_set_tlsext_use_srtp(ctx, p);
  if ((flags & 0x04) != 0) {
    if (server) {
      SSL_CTX_set_alpn_select_cb(ctx, alpn_select, nullptr);
    } else {
      (void)SSL_CTX_set_alpn_protos(ctx, kAlpn, sizeof kAlpn);
    }
  }
  if ((flags & 0x08) != 0) SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | (server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), nullptr);
  if ((flags & 0x10) != 0) SSL_CTX_set_read_ahead(ctx, 1);
  if ((flags & 0x20) != 0) SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  ERR_clear_error();
  return ctx;
}

// Moves the datagrams one memory BIO holds (one BIO_read each, as a memory
// BIO keeps writes apart only by the reader's buffer: we read all at once).
std::vector<uint8_t> take(BIO* from) {
  std::vector<uint8_t> out;
  unsigned char buf[4096];
  for (;;) {
    const int n = BIO_read(from, buf, sizeof buf);
    if (n <= 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  return out;
}

void put(BIO* to, const std::vector<uint8_t>& d) {
  if (!d.empty()) (void)BIO_write(to, d.data(), static_cast<int>(d.size()));
}

void queries(SSL* s, uint8_t which) {
  switch (which % 12) {
    case 0: (void)SSL_CIPHER_get_name(SSL_get_current_cipher(s)); break;
    case 1: {
      const SRTP_PROTECTION_PROFILE* p = SSL_get_selected_srtp_profile(s);
      if (p != nullptr) (void)std::strlen(p->name);
      break;
    }
    case 2: {
      const unsigned char* a = nullptr;
      unsigned int n = 0;
      SSL_get0_alpn_selected(s, &a, &n);
      if (a != nullptr && n > 0) (void)a[n - 1];
      break;
    }
    case 3: X509_free(SSL_get1_peer_certificate(s)); break;
    case 4: (void)SSL_get_verify_result(s); break;
    case 5: (void)(SSL_get_shutdown(s) + SSL_want(s) + SSL_in_init(s) + SSL_is_init_finished(s)); break;
    case 6: (void)DTLS_get_data_mtu(s); break;
    case 7: (void)SSL_get_version(s); (void)SSL_state_string_long(s); break;
    case 8: {
      unsigned char km[60];
      (void)SSL_export_keying_material(s, km, sizeof km, "EXTRACTOR-dtls_srtp", 19, nullptr, 0, 0);
      break;
    }
    case 9: {
      timeval tv{};
      (void)DTLSv1_get_timeout(s, &tv);
      break;
    }
    case 10: {
      SSL_SESSION* sess = SSL_get1_session(s);
      if (sess != nullptr) {
        unsigned char* der = nullptr;
        const int n = i2d_SSL_SESSION(sess, &der);
        if (n > 0) {
          const unsigned char* q = der;
          SSL_SESSION_free(d2i_SSL_SESSION(nullptr, &q, n));
        }
        OPENSSL_free(der);
      }
      SSL_SESSION_free(sess);
      break;
    }
    case 11: (void)SSL_session_reused(s); (void)SSL_get_servername(s, TLSEXT_NAMETYPE_host_name); break;
  }
}

void parse_crypto(uint8_t which, const std::vector<uint8_t>& bytes) {
  switch (which % 3) {
    case 0: {
      BIO* b = BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size()));
      X509* x = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
      if (x != nullptr) {
        unsigned char* der = nullptr;
        if (i2d_X509(x, &der) > 0) OPENSSL_free(der);
        (void)X509_get_subject_name(x);
      }
      X509_free(x);
      BIO_free(b);
      break;
    }
    case 1: {
      const unsigned char* q = bytes.data();
      X509* x = d2i_X509(nullptr, &q, static_cast<long>(bytes.size()));
      X509_free(x);
      break;
    }
    case 2: {
      BIO* b = BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size()));
      EVP_PKEY* k = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
      if (k != nullptr) (void)EVP_PKEY_get_bits(k);
      EVP_PKEY_free(k);
      BIO_free(b);
      break;
    }
  }
  ERR_clear_error();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  Input in{data, size};
  const uint8_t flags = in.byte();
  const uint8_t opts = in.byte();
  const bool server = (flags & 0x01) != 0;  // the role of the SSL under test

  SSL_CTX* ctx = make_ctx(server, flags, opts);
  SSL_CTX* peer_ctx = make_ctx(!server, flags, opts);
  if (ctx == nullptr || peer_ctx == nullptr) {
    SSL_CTX_free(ctx);
    SSL_CTX_free(peer_ctx);
    ERR_clear_error();
    return 0;
  }
  SSL* s = SSL_new(ctx);
  SSL* peer = SSL_new(peer_ctx);
  BIO* s_in = BIO_new(BIO_s_mem());
  BIO* s_out = BIO_new(BIO_s_mem());
  BIO* p_in = BIO_new(BIO_s_mem());
  BIO* p_out = BIO_new(BIO_s_mem());
  SSL_set_bio(s, s_in, s_out);
  SSL_set_bio(peer, p_in, p_out);
  if (server) {
    SSL_set_accept_state(s);
    SSL_set_connect_state(peer);
  } else {
    SSL_set_connect_state(s);
    SSL_set_accept_state(peer);
    (void)SSL_set_tlsext_host_name(s, "server.example");
  }
  if ((flags & 0x40) != 0) (void)SSL_set_mtu(s, 256 + (opts & 0xc0) * 4);
  if ((flags & 0x80) != 0) SSL_set_quiet_shutdown(s, 1);

  int last = 0;
  unsigned char buf[2048];
  for (int ops = 0; !in.empty() && ops < 256; ++ops) {
    const uint8_t op = in.byte();
    switch (op % 16) {
      case 0: last = SSL_do_handshake(s); break;
      case 1: last = SSL_read(s, buf, 1 + in.byte() * 8); break;
      case 2: {
        const size_t n = in.byte() * 4;
        std::memset(buf, 0x5a, n);
        last = SSL_write(s, buf, static_cast<int>(n));
        break;
      }
      case 3: (void)(SSL_pending(s) + SSL_has_pending(s)); break;
      case 4: (void)SSL_get_error(s, last); break;
      case 5: (void)DTLSv1_handle_timeout(s); break;
      case 6: last = SSL_shutdown(s); break;
      case 7: queries(s, in.byte()); break;
      case 8: {  // the peer runs and its datagrams reach the SSL under test
        (void)SSL_do_handshake(peer);
        put(s_in, take(p_out));
        break;
      }
      case 9: {  // the same, with one byte changed
        (void)SSL_do_handshake(peer);
        std::vector<uint8_t> d = take(p_out);
        const uint8_t at = in.byte();
        const uint8_t x = in.byte();
        if (!d.empty()) d[(static_cast<size_t>(at) * 7) % d.size()] ^= x | 1;
        put(s_in, d);
        break;
      }
      case 10: (void)SSL_do_handshake(peer); (void)take(p_out); break;  // lost
      case 11: put(p_in, take(s_out)); break;                            // ours reach the peer
      case 12: (void)take(s_out); break;                                 // ours are lost
      case 13: put(s_in, in.chunk()); break;                              // a datagram of the fuzzer's
      case 14: {  // the peer sends application data or closes
        const uint8_t what = in.byte();
        if ((what & 1) != 0) {
          (void)SSL_write(peer, "fuzz", 4);
        } else if ((what & 2) != 0) {
          (void)SSL_shutdown(peer);
        } else {
          (void)SSL_read(peer, buf, sizeof buf);
        }
        put(s_in, take(p_out));
        break;
      }
      case 15: {
        const uint8_t which = in.byte();
        parse_crypto(which, in.chunk());
        break;
      }
    }
    ERR_clear_error();
  }
  if (std::getenv("CACHET_SHIM_FUZZ_DEBUG") != nullptr) {  // for writing seeds
    std::fprintf(stderr, "established %d/%d shutdown %d/%d\n", SSL_is_init_finished(s), SSL_is_init_finished(peer),
                 SSL_get_shutdown(s), SSL_get_shutdown(peer));
  }
  SSL_free(s);
  SSL_free(peer);
  SSL_CTX_free(ctx);
  SSL_CTX_free(peer_ctx);
  ERR_clear_error();
  return 0;
}
