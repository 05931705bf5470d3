/* OpenSSL's message callback (SSL_CTX_set_msg_callback), written only
 * against OpenSSL's API: a DTLS 1.2 client and server in one process over
 * memory BIOs, each logging what its callback sees — direction, content
 * type and, for handshake messages, the message type with a check that the
 * buffer is the whole message with its 12-byte DTLS header — through a
 * handshake, one echoed record and a close. Built against the system's
 * OpenSSL 3.0 and against Cachet, the two logs must be identical
 * (tests/compat/msg_callback.sh). Record headers (content type 256) and
 * other pseudo content types are not logged: Cachet does not report them.
 *
 * Usage: msg_callback PKI_DIR   (tests/pki/p256)
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdio.h>
#include <string.h>

#define MAX_LOG 64
struct log {
  const char* who;
  int n;
  char lines[MAX_LOG][96];
};

static void on_message(int write_p, int version, int content_type, const void* buf, size_t len, SSL* ssl,
                       void* arg) {
  struct log* log = arg;
  const unsigned char* p = buf;
  (void)ssl;
  if (content_type != SSL3_RT_HANDSHAKE && content_type != SSL3_RT_CHANGE_CIPHER_SPEC &&
      content_type != SSL3_RT_ALERT) {
    return;
  }
  if (log->n >= MAX_LOG) return;
  char* line = log->lines[log->n++];
  const char* dir = write_p ? "sent" : "received";
  if (content_type == SSL3_RT_HANDSHAKE) {
    unsigned long length = 0, offset = 0, fragment = 0;
    if (len >= 12) {
      length = (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
      offset = (unsigned long)p[6] << 16 | (unsigned long)p[7] << 8 | p[8];
      fragment = (unsigned long)p[9] << 16 | (unsigned long)p[10] << 8 | p[11];
    }
    /* OpenSSL 3.0 shows its own ServerKeyExchange with fragment_offset and
     * fragment_length unset, so those two are checked on received messages only. */
    const int whole = len >= 12 && length == len - 12 && (write_p || (offset == 0 && fragment == length));
    snprintf(line, 96, "%s %s handshake type=%d %s version=0x%04x", log->who, dir, len > 0 ? p[0] : -1,
             whole ? "whole" : "NOT-WHOLE", (unsigned)version);
  } else if (content_type == SSL3_RT_ALERT) {
    snprintf(line, 96, "%s %s alert %d.%d", log->who, dir, len == 2 ? p[0] : -1, len == 2 ? p[1] : -1);
  } else {
    snprintf(line, 96, "%s %s change_cipher_spec len=%zu", log->who, dir, len);
  }
}

static void shuttle(BIO* from, BIO* to) {
  char buf[65536];
  int n;
  while ((n = BIO_read(from, buf, sizeof buf)) > 0) BIO_write(to, buf, n);
}

int main(int argc, char** argv) {
  char cert[512], key[512], ca[512];
  if (argc != 2) return 2;
  snprintf(cert, sizeof cert, "%s/server-chain.pem", argv[1]);
  snprintf(key, sizeof key, "%s/server.key", argv[1]);
  snprintf(ca, sizeof ca, "%s/root.pem", argv[1]);

  struct log clog = {"client", 0, {{0}}}, slog = {"server", 0, {{0}}};
  SSL_CTX* sctx = SSL_CTX_new(DTLS_server_method());
  SSL_CTX* cctx = SSL_CTX_new(DTLS_client_method());
  if (SSL_CTX_use_certificate_chain_file(sctx, cert) != 1 || SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_load_verify_locations(cctx, ca, NULL) != 1) {
    ERR_print_errors_fp(stderr);
    return 1;
  }
  SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
  SSL_CTX_set_cipher_list(cctx, "ECDHE-ECDSA-AES128-GCM-SHA256");
  SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_options(cctx, SSL_OP_NO_TICKET);
  /* The server's callback through the SSL_CTX; the client's on the SSL. */
  SSL_CTX_set_msg_callback(sctx, on_message);
  SSL_CTX_set_msg_callback_arg(sctx, &slog);

  SSL* client = SSL_new(cctx);
  SSL* server = SSL_new(sctx);
  SSL_set_msg_callback(client, on_message);
  SSL_set_msg_callback_arg(client, &clog);
  BIO *c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
  BIO *s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());
  SSL_set_bio(client, c_in, c_out);
  SSL_set_bio(server, s_in, s_out);
  SSL_set_connect_state(client);
  SSL_set_accept_state(server);
  SSL_set_tlsext_host_name(client, "server.example");

  int done = 0;
  for (int i = 0; i < 20 && done != 3; ++i) {
    if ((done & 1) == 0 && SSL_do_handshake(client) == 1) done |= 1;
    shuttle(c_out, s_in);
    if ((done & 2) == 0 && SSL_do_handshake(server) == 1) done |= 2;
    shuttle(s_out, c_in);
  }
  printf("handshake: %s\n", done == 3 ? "done" : "FAILED");
  char buf[64];
  SSL_write(client, "ping", 4);
  shuttle(c_out, s_in);
  int n = SSL_read(server, buf, sizeof buf);
  printf("server read %d\n", n);
  SSL_shutdown(client);
  shuttle(c_out, s_in);
  n = SSL_read(server, buf, sizeof buf);
  printf("server read after close: %d error=%d\n", n, SSL_get_error(server, n));
  for (int i = 0; i < clog.n; ++i) puts(clog.lines[i]);
  for (int i = 0; i < slog.n; ++i) puts(slog.lines[i]);
  SSL_free(client);
  SSL_free(server);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
  return done == 3 ? 0 : 1;
}
