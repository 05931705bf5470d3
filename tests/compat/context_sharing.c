/* Many SSLs of one SSL_CTX, and SSL_CTX changes while SSLs exist, written
 * only against OpenSSL's API: DTLS 1.2 clients and servers in one process
 * over memory BIOs, several handshakes interleaved step by step. Built
 * against the system's OpenSSL 3.0 and against Cachet, the two outputs must
 * be identical (tests/compat/context_sharing.sh): what each handshake
 * negotiated after which change, and that every callback was given the SSL
 * whose call was running. Phases are marked on stderr, where Cachet's shim
 * run with CACHET_COMPAT_DEBUG=contexts reports each cachet::Context it
 * builds; the script checks one was built per configuration, not per SSL.
 *
 * Usage: context_sharing PKI_DIR   (tests/pki)
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <string.h>

#define AES128 "ECDHE-ECDSA-AES128-GCM-SHA256"
#define AES256 "ECDHE-ECDSA-AES256-GCM-SHA384"
#define MAX_PAIRS 8

static char cert_path[512], key_path[512], ca_path[512];

/* The SSL whose SSL_do_handshake is running, and what the callbacks saw. */
static SSL* driving = NULL;
static int callback_calls = 0, callback_mismatches = 0;

static void saw(const SSL* ssl) {
  ++callback_calls;
  if (ssl != driving) ++callback_mismatches;
}

static int on_verify(int ok, X509_STORE_CTX* store) {
  saw(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  return ok;
}

static int select_first(SSL* ssl, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                        unsigned int inlen, void* arg) {
  (void)arg;
  saw(ssl);
  if (inlen < 2 || in[0] + 1u > inlen) return SSL_TLSEXT_ERR_NOACK;
  *out = in + 1;
  *outlen = in[0];
  return SSL_TLSEXT_ERR_OK;
}

static int select_none(SSL* ssl, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                       unsigned int inlen, void* arg) {
  (void)out;
  (void)outlen;
  (void)in;
  (void)inlen;
  (void)arg;
  saw(ssl);
  return SSL_TLSEXT_ERR_NOACK;
}

static void on_message(int write_p, int version, int content_type, const void* buf, size_t len, SSL* ssl,
                       void* arg) {
  (void)write_p;
  (void)version;
  (void)content_type;
  (void)buf;
  (void)len;
  (void)arg;
  saw(ssl);
}

static void shuttle(BIO* from, BIO* to) {
  char buf[65536];
  int n;
  while ((n = BIO_read(from, buf, sizeof buf)) > 0) BIO_write(to, buf, n);
}

struct pair {
  SSL *client, *server;
  BIO *c_in, *c_out, *s_in, *s_out;
  int done;
};

static void make_pair(struct pair* p, SSL_CTX* cctx, SSL_CTX* sctx) {
  memset(p, 0, sizeof *p);
  p->client = SSL_new(cctx);
  p->server = SSL_new(sctx);
  p->c_in = BIO_new(BIO_s_mem());
  p->c_out = BIO_new(BIO_s_mem());
  p->s_in = BIO_new(BIO_s_mem());
  p->s_out = BIO_new(BIO_s_mem());
  SSL_set_bio(p->client, p->c_in, p->c_out);
  SSL_set_bio(p->server, p->s_in, p->s_out);
  SSL_set_connect_state(p->client);
  SSL_set_accept_state(p->server);
  SSL_set_tlsext_host_name(p->client, "server.example");
}

static int step(SSL* s) {
  SSL* outer = driving;
  driving = s;
  const int r = SSL_do_handshake(s);
  driving = outer;
  return r;
}

/* Drives the handshakes of n pairs in turn, one step of each per round, so
 * each one's callbacks run between the others'. */
static void handshake_all(struct pair* p, int n) {
  for (int round = 0; round < 20; ++round) {
    int pending = 0;
    for (int i = 0; i < n; ++i) {
      if (p[i].done) continue;
      const int c = step(p[i].client);
      shuttle(p[i].c_out, p[i].s_in);
      const int s = step(p[i].server);
      shuttle(p[i].s_out, p[i].c_in);
      p[i].done = c == 1 && s == 1;
      pending += !p[i].done;
    }
    if (pending == 0) break;
  }
  ERR_clear_error();
}

/* A verify callback that, the first time, runs another pair's whole
 * handshake before it answers (a callback driving other SSLs). */
static struct pair* nested = NULL;
static int on_verify_nesting(int ok, X509_STORE_CTX* store) {
  saw(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (nested != NULL) {
    struct pair* n = nested;
    nested = NULL;
    handshake_all(n, 1);
  }
  return ok;
}

static void report(const char* name, struct pair* p) {
  const unsigned char* alpn = NULL;
  unsigned int alpn_len = 0;
  SSL_get0_alpn_selected(p->client, &alpn, &alpn_len);
  const SSL_CIPHER* c = SSL_get_current_cipher(p->client);
  printf("%s: handshake %s, cipher %s, alpn %.*s, verify result %ld\n", name, p->done ? "done" : "failed",
         c != NULL ? SSL_CIPHER_get_name(c) : "none", alpn_len > 0 ? (int)alpn_len : 4,
         alpn_len > 0 ? (const char*)alpn : "none", SSL_get_verify_result(p->client));
}

static void free_pair(struct pair* p) {
  SSL_free(p->client);
  SSL_free(p->server);
}

static void phase(const char* name) {
  fflush(stdout);
  fprintf(stderr, "phase %s\n", name);
  fflush(stderr);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PKI_DIR\n", argv[0]);
    return 2;
  }
  snprintf(cert_path, sizeof cert_path, "%s/p256/server-chain.pem", argv[1]);
  snprintf(key_path, sizeof key_path, "%s/p256/server.key", argv[1]);
  snprintf(ca_path, sizeof ca_path, "%s/p256/root.pem", argv[1]);
  static const unsigned char alpn[] = "\x05proto\x05other";

  SSL_CTX* sctx = SSL_CTX_new(DTLS_server_method());
  SSL_CTX* cctx = SSL_CTX_new(DTLS_client_method());
  if (SSL_CTX_use_certificate_chain_file(sctx, cert_path) != 1 ||
      SSL_CTX_use_PrivateKey_file(sctx, key_path, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_set_cipher_list(sctx, AES128 ":" AES256) != 1 || SSL_CTX_load_verify_locations(cctx, ca_path, NULL) != 1 ||
      SSL_CTX_set_cipher_list(cctx, AES128 ":" AES256) != 1 ||
      SSL_CTX_set_alpn_protos(cctx, alpn, sizeof alpn - 1) != 0) {
    printf("setup failed\n");
    ERR_print_errors_fp(stdout);
    return 1;
  }
  SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, on_verify);
  SSL_CTX_set_alpn_select_cb(sctx, select_first, NULL);
  SSL_CTX_set_msg_callback(cctx, on_message);
  SSL_CTX_set_msg_callback(sctx, on_message);

  /* A. Eight pairs of one client SSL_CTX and one server SSL_CTX. */
  phase("A");
  struct pair p[MAX_PAIRS];
  for (int i = 0; i < MAX_PAIRS; ++i) make_pair(&p[i], cctx, sctx);
  handshake_all(p, MAX_PAIRS);
  for (int i = 0; i < MAX_PAIRS; ++i) {
    char name[32];
    snprintf(name, sizeof name, "A%d", i);
    report(name, &p[i]);
    free_pair(&p[i]);
  }

  /* B. The client's SSL_CTX changes while SSLs of it exist: one made
   *    before the change (not started yet), one after; both handshake with
   *    the new list, as in OpenSSL. (A handshake already under way is not
   *    tested: OpenSSL 3.0 then checks the ServerHello against the new list.) */
  phase("B");
  struct pair b[2];
  make_pair(&b[0], cctx, sctx);
  SSL_CTX_set_cipher_list(cctx, AES256);
  make_pair(&b[1], cctx, sctx);
  handshake_all(b, 2);
  report("B made before the change", &b[0]);
  report("B made after the change", &b[1]);
  for (int i = 0; i < 2; ++i) free_pair(&b[i]);

  /* C. One SSL with a cipher list of its own, one without. */
  phase("C");
  struct pair c[2];
  make_pair(&c[0], cctx, sctx);
  make_pair(&c[1], cctx, sctx);
  SSL_set_cipher_list(c[0].client, AES128);
  handshake_all(c, 2);
  report("C own cipher list", &c[0]);
  report("C the SSL_CTX's", &c[1]);
  for (int i = 0; i < 2; ++i) free_pair(&c[i]);

  /* D. The server's SSL_CTX changes: its ALPN callback declines. */
  phase("D");
  SSL_CTX_set_alpn_select_cb(sctx, select_none, NULL);
  struct pair d[2];
  for (int i = 0; i < 2; ++i) make_pair(&d[i], cctx, sctx);
  handshake_all(d, 2);
  report("D0", &d[0]);
  report("D1", &d[1]);
  for (int i = 0; i < 2; ++i) free_pair(&d[i]);

  /* E. Questions to the SSL_CTXs change nothing. */
  phase("E");
  (void)SSL_CTX_get_mode(cctx);
  (void)SSL_CTX_get_read_ahead(cctx);
  (void)SSL_CTX_get_session_cache_mode(sctx);
  (void)SSL_CTX_sess_number(sctx);
  (void)SSL_CTX_get_max_proto_version(sctx);
  (void)SSL_CTX_get_verify_mode(cctx);
  (void)SSL_CTX_get_options(cctx);
  (void)SSL_CTX_get_timeout(sctx);
  struct pair e[2];
  for (int i = 0; i < 2; ++i) make_pair(&e[i], cctx, sctx);
  handshake_all(e, 2);
  report("E0", &e[0]);
  report("E1", &e[1]);
  for (int i = 0; i < 2; ++i) free_pair(&e[i]);

  /* F. A callback of one SSL drives another SSL's handshake. */
  phase("F");
  SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, on_verify_nesting);
  struct pair f[2];
  for (int i = 0; i < 2; ++i) make_pair(&f[i], cctx, sctx);
  nested = &f[1];
  handshake_all(f, 1);
  report("F outer", &f[0]);
  report("F run from the outer's verify callback", &f[1]);
  for (int i = 0; i < 2; ++i) free_pair(&f[i]);

  /* G. SSL_set1_host on SSLs of one SSL_CTX meeting the same server
   *    certificate: its name, another name, its name again. */
  phase("G");
  static const char* const hosts[3] = {"server.example", "other.example", "server.example"};
  for (int i = 0; i < 3; ++i) {
    struct pair g;
    make_pair(&g, cctx, sctx);
    SSL_set1_host(g.client, hosts[i]);
    handshake_all(&g, 1);
    char name[64];
    snprintf(name, sizeof name, "G host %s", hosts[i]);
    report(name, &g);
    free_pair(&g);
  }

  /* H. SSL_CTX_set_verify_depth on the client's SSL_CTX: the server's chain
   *    (leaf, intermediate, then the root) is too long for 0, fits 1. */
  phase("H");
  for (int depth = 0; depth <= 1; ++depth) {
    SSL_CTX_set_verify_depth(cctx, depth);
    for (int i = 0; i < 2; ++i) {
      struct pair h;
      make_pair(&h, cctx, sctx);
      handshake_all(&h, 1);
      char name[64];
      snprintf(name, sizeof name, "H depth %d, SSL %d", depth, i);
      report(name, &h);
      free_pair(&h);
    }
  }
  phase("end");

  printf("callbacks were called: %d\n", callback_calls > 0);
  printf("callbacks given another SSL than the one running: %d\n", callback_mismatches);
  SSL_CTX_free(sctx);
  SSL_CTX_free(cctx);
  printf("end\n");
  return 0;
}
