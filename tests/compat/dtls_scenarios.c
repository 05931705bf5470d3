/* A DTLS client and server in one process, written only against OpenSSL's
 * API, over memory BIOs. Built twice — against the system's OpenSSL 3.0 and
 * against Cachet's libssl/libcrypto — it prints one line per scenario step
 * ("step: ret=R error=E ...") and the two outputs must be identical
 * (tests/compat/scenarios.sh diffs them): the same SSL_get_error codes and
 * return values for want-read, want-write, a clean close, a fatal alert and
 * a timeout. Lines starting with "#" are facts that may differ (cipher).
 *
 * Usage: dtls_scenarios PKI_DIR   (tests/pki/p256)
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <sys/time.h>
#include <string.h>

static char cert_path[512], key_path[512], ca_path[512], other_ca_path[512];

static void step(const char* name, SSL* s, int ret) {
  printf("%s: ret=%d error=%d\n", name, ret, SSL_get_error(s, ret));
  ERR_clear_error();
}

/* Moves every byte the sender wrote to the receiver's read BIO. */
static int shuttle(BIO* from_wbio, BIO* to_rbio) {
  char buf[65536];
  int moved = 0;
  for (;;) {
    int n = BIO_read(from_wbio, buf, sizeof buf);
    if (n <= 0) break;
    BIO_write(to_rbio, buf, n);
    moved += n;
  }
  return moved;
}

static SSL_CTX* server_ctx(void) {
  SSL_CTX* ctx = SSL_CTX_new(DTLS_server_method());
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_path) != 1) return NULL;
  if (SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1) return NULL;
  if (SSL_CTX_check_private_key(ctx) != 1) return NULL;
  SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256");
  if (SSL_CTX_set_tlsext_use_srtp(ctx, "SRTP_AES128_CM_SHA1_80") != 0) return NULL;
  return ctx;
}

static SSL_CTX* client_ctx(const char* ca) {
  SSL_CTX* ctx = SSL_CTX_new(DTLS_client_method());
  if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) return NULL;
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  if (SSL_CTX_set_tlsext_use_srtp(ctx, "SRTP_AES128_CM_SHA1_80") != 0) return NULL;
  return ctx;
}

static int timer_cb_calls = 0;
static unsigned int timer_cb_first_arg = 1;
static unsigned int timer_cb(SSL* s, unsigned int previous_us) {
  (void)s;
  if (timer_cb_calls++ == 0) timer_cb_first_arg = previous_us;
  return previous_us == 0 ? 50000 : previous_us * 2;
}

struct pair {
  SSL *client, *server;
  BIO *c_in, *c_out, *s_in, *s_out;
};

static void make_pair(struct pair* p, SSL_CTX* cctx, SSL_CTX* sctx) {
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

static void free_pair(struct pair* p) {
  SSL_free(p->client);
  SSL_free(p->server);
}

/* Runs both handshakes until each returns 1 or fails; at most 20 rounds. */
static int handshake(struct pair* p, int* cret, int* sret) {
  for (int round = 0; round < 20; ++round) {
    *cret = SSL_do_handshake(p->client);
    shuttle(p->c_out, p->s_in);
    *sret = SSL_do_handshake(p->server);
    shuttle(p->s_out, p->c_in);
    if (*cret == 1 && *sret == 1) return 1;
    if ((*cret <= 0 && SSL_get_error(p->client, *cret) == SSL_ERROR_SSL) ||
        (*sret <= 0 && SSL_get_error(p->server, *sret) == SSL_ERROR_SSL)) {
      return 0;
    }
  }
  return 0;
}

/* A BIO that refuses every write for now (a full socket buffer). */
static int refuse_write(BIO* b, const char* data, int len) {
  (void)data;
  (void)len;
  BIO_set_retry_write(b);
  return -1;
}
static long full_ctrl(BIO* b, int cmd, long larg, void* parg) {
  (void)b;
  (void)larg;
  (void)parg;
  return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}
static int full_create(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PKI_DIR\n", argv[0]);
    return 2;
  }
  snprintf(cert_path, sizeof cert_path, "%s/p256/server-chain.pem", argv[1]);
  snprintf(key_path, sizeof key_path, "%s/p256/server.key", argv[1]);
  snprintf(ca_path, sizeof ca_path, "%s/p256/root.pem", argv[1]);
  snprintf(other_ca_path, sizeof other_ca_path, "%s/rsa2048/root.pem", argv[1]);

  SSL_CTX* sctx = server_ctx();
  SSL_CTX* cctx = client_ctx(ca_path);
  SSL_CTX* wrong_ca = client_ctx(other_ca_path);
  if (sctx == NULL || cctx == NULL || wrong_ca == NULL) {
    printf("setup failed\n");
    ERR_print_errors_fp(stdout);
    return 1;
  }

  /* 1. want-read, the handshake, data, exporter, clean close. */
  struct pair p;
  make_pair(&p, cctx, sctx);
  step("server before any ClientHello", p.server, SSL_do_handshake(p.server));
  step("client sends ClientHello", p.client, SSL_do_handshake(p.client));
  struct timeval tv;
  printf("client timer running: %ld\n", DTLSv1_get_timeout(p.client, &tv));
  printf("client timer at most 1 s: %d\n", tv.tv_sec < 1 || (tv.tv_sec == 1 && tv.tv_usec == 0));
  shuttle(p.c_out, p.s_in);
  int cret = 0, sret = 0;
  int done = handshake(&p, &cret, &sret);
  printf("handshake completes: %d\n", done);
  step("client handshake", p.client, cret);
  step("server handshake", p.server, sret);
  printf("# cipher %s\n", SSL_CIPHER_get_name(SSL_get_current_cipher(p.client)));
  printf("verify result: %ld\n", SSL_get_verify_result(p.client));
  const SRTP_PROTECTION_PROFILE* profile = SSL_get_selected_srtp_profile(p.client);
  printf("srtp profile: %s %lu\n", profile ? profile->name : "none", profile ? profile->id : 0UL);
  unsigned char ck[60], sk[60];
  int ce = SSL_export_keying_material(p.client, ck, sizeof ck, "EXTRACTOR-dtls_srtp", 19, NULL, 0, 0);
  int se = SSL_export_keying_material(p.server, sk, sizeof sk, "EXTRACTOR-dtls_srtp", 19, NULL, 0, 0);
  printf("exporters agree: %d\n", ce == 1 && se == 1 && memcmp(ck, sk, sizeof ck) == 0);
  X509* peer = SSL_get1_peer_certificate(p.client);
  printf("client sees a server certificate: %d\n", peer != NULL);
  X509_free(peer);

  char buf[256];
  step("server read with nothing pending", p.server, SSL_read(p.server, buf, sizeof buf));
  step("client write", p.client, SSL_write(p.client, "hello", 5));
  shuttle(p.c_out, p.s_in);
  int n = SSL_read(p.server, buf, sizeof buf);
  step("server read", p.server, n);
  printf("server got: %.*s\n", n > 0 ? n : 0, buf);
  step("client shutdown (sends close_notify)", p.client, SSL_shutdown(p.client));
  shuttle(p.c_out, p.s_in);
  step("server read after close_notify", p.server, SSL_read(p.server, buf, sizeof buf));
  printf("server shutdown state: %d\n", SSL_get_shutdown(p.server));
  step("server shutdown (answers)", p.server, SSL_shutdown(p.server));
  shuttle(p.s_out, p.c_in);
  step("client shutdown (complete)", p.client, SSL_shutdown(p.client));
  free_pair(&p);

  /* 2. A fatal alert: the client does not trust the server's CA. */
  make_pair(&p, wrong_ca, sctx);
  done = handshake(&p, &cret, &sret);
  printf("untrusted handshake completes: %d\n", done);
  printf("client error is SSL_ERROR_SSL: %d\n", SSL_get_error(p.client, cret) == SSL_ERROR_SSL);
  printf("client verify result: %ld\n", SSL_get_verify_result(p.client));
  ERR_clear_error();
  shuttle(p.c_out, p.s_in);
  sret = SSL_do_handshake(p.server);
  step("server after the alert", p.server, sret);
  free_pair(&p);

  /* 3. want-write: the write BIO is full. */
  BIO_METHOD* full = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "full");
  BIO_meth_set_write(full, refuse_write);
  BIO_meth_set_ctrl(full, full_ctrl);
  BIO_meth_set_create(full, full_create);
  SSL* blocked = SSL_new(cctx);
  SSL_set_bio(blocked, BIO_new(BIO_s_mem()), BIO_new(full));
  SSL_set_connect_state(blocked);
  step("client with a full write BIO", blocked, SSL_do_handshake(blocked));
  printf("SSL_want is writing: %d\n", SSL_want(blocked) == SSL_WRITING);
  SSL_free(blocked);
  BIO_meth_free(full);

  /* 4. A timeout: the ClientHello goes unanswered; handling the timer
   *    before it expires does nothing. */
  make_pair(&p, cctx, sctx);
  SSL_do_handshake(p.client);
  BIO_reset(p.c_out);
  printf("timeout before expiry: %ld\n", DTLSv1_handle_timeout(p.client));
  free_pair(&p);

  /* 5. DTLS_set_timer_cb: asked for the first timeout with 0, and the
   *    timer then runs for what it answered (50 ms here, not 1 s). */
  make_pair(&p, cctx, sctx);
  DTLS_set_timer_cb(p.client, timer_cb);
  SSL_do_handshake(p.client);
  struct timeval left = {0, 0};
  printf("timer running with the callback's timeout: %ld\n", DTLSv1_get_timeout(p.client, &left));
  printf("timer callback first asked with 0: %d\n", timer_cb_calls > 0 && timer_cb_first_arg == 0);
  printf("timeout is the callback's 50 ms: %d\n", left.tv_sec == 0 && left.tv_usec > 10000 && left.tv_usec <= 50000);
  free_pair(&p);

  /* 6. Settings given to one SSL stay with it: two clients of one SSL_CTX
   *    with different SSL_set_cipher_list lists each get their own suite. */
  SSL_CTX* both = server_ctx();
  SSL_CTX_set_cipher_list(both, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384");
  struct pair a, b;
  make_pair(&a, cctx, both);
  make_pair(&b, cctx, both);
  SSL_set_cipher_list(a.client, "ECDHE-ECDSA-AES256-GCM-SHA384");
  SSL_set_cipher_list(b.client, "ECDHE-ECDSA-AES128-GCM-SHA256");

  const int a_ok = handshake(&a, &cret, &sret);
  const int b_ok = handshake(&b, &cret, &sret);
  printf("per-SSL cipher lists: first %s, second %s\n",
         a_ok ? SSL_CIPHER_get_name(SSL_get_current_cipher(a.client)) : "failed",
         b_ok ? SSL_CIPHER_get_name(SSL_get_current_cipher(b.client)) : "failed");
  free_pair(&a);
  free_pair(&b);
  SSL_CTX_free(both);

  /* 7. Verification depth: the server sends leaf + intermediate, so with the
   *    root the chain has 3 certificates: depth 0 is too short, 1 enough. */
  for (int depth = 0; depth <= 1; ++depth) {
    make_pair(&p, cctx, sctx);
    SSL_set_verify_depth(p.client, depth);
    const int ok = handshake(&p, &cret, &sret);
    printf("verify depth %d: handshake %s, verify result %ld\n", depth, ok ? "done" : "failed",
           SSL_get_verify_result(p.client));
    ERR_clear_error();
    free_pair(&p);
  }

  SSL_CTX_free(sctx);
  SSL_CTX_free(cctx);
  SSL_CTX_free(wrong_ca);
  printf("end\n");
  return 0;
}
