/* The ctrl commands a program's own BIO receives from libssl, phase by
 * phase, written only against OpenSSL's API. Built against OpenSSL 3.0 and
 * against Cachet's shim (relinked, and the OpenSSL build run drop-in),
 * tests/compat/bio_ctrl_parity.sh diffs the outputs (lines starting "#" may
 * differ).
 *
 * A DTLS client and server each use a custom BIO_METHOD carrying datagrams
 * over an in-memory queue. It logs every ctrl command with the phase the
 * program is in (SSL_set_bio, each SSL_do_handshake call, SSL_write,
 * SSL_read, SSL_pending, DTLSv1_get_timeout/DTLSv1_handle_timeout,
 * SSL_shutdown, SSL_free), answers QUERY_MTU (1200), GET_FALLBACK_MTU
 * (1000) and GET_MTU_OVERHEAD (28) with fixed values, and refuses reads and
 * writes at chosen points: with BIO_set_retry_read/write (the call must
 * report SSL_ERROR_WANT_READ/WRITE and a repeated call must finish the job)
 * or for good (SSL_ERROR_SYSCALL).
 *
 * What OpenSSL 3.0 sends (found by running this program on it):
 *  - QUERY_MTU once, after GET_MTU_OVERHEAD, when the first flight is
 *    about to go out: a client in its first SSL_do_handshake, a server in
 *    the call that reads the first ClientHello (not in an earlier call that
 *    finds nothing to read).
 *  - Before a flight (first or retransmitted): SET_NEXT_TIMEOUT with the
 *    retransmission deadline, GET_MTU_OVERHEAD, WPENDING; after its
 *    datagrams: FLUSH. The peer's next flight stops the timer:
 *    SET_NEXT_TIMEOUT with a zero time (then the deadline again if we send
 *    a flight in return).
 *  - Application data (SSL_write): the datagram, no FLUSH. Alerts
 *    (SSL_shutdown): the datagram and FLUSH. SSL_read, SSL_pending and
 *    DTLSv1_get_timeout: no ctrl.
 *  - GET_FALLBACK_MTU from the third unanswered retransmission on (not
 *    exercised here: it needs seconds of timeouts; a DTLS_set_timer_cb
 *    would shorten them and the shim does not run timer callbacks yet).
 *
 * Normalised in the comparison, deliberately:
 *  - BIO_CTRL_GET_KTLS_SEND/RECV (73, 76) are not shown: OpenSSL probes
 *    for kernel TLS offload, which does not exist for DTLS.
 *  - BIO_CTRL_PUSH/POP (6, 7) are not shown: OpenSSL pushes its own
 *    buffering BIO onto the program's BIO during a handshake and the
 *    notification reaches the program's BIO; the shim has no such BIO.
 *  - Within one phase the commands are a set, not a sequence: OpenSSL
 *    works message by message (GET_MTU_OVERHEAD and SET_NEXT_TIMEOUT once
 *    per handshake message of a flight) where the shim works flight by
 *    flight. Two orderings that matter to a program's BIO are checked
 *    instead: FLUSH comes after the last write of a phase, and the
 *    deadline (SET_NEXT_TIMEOUT) is set before the first write of a flight.
 *  - SET_NEXT_TIMEOUT is shown as SET_NEXT_TIMEOUT(stop) for a zero time
 *    and SET_NEXT_TIMEOUT(deadline) otherwise (the times differ).
 *  - MTU_EXCEEDED: OpenSSL asks for it only when a write fails inside its
 *    per-message writer, which its buffering BIO hides during a handshake
 *    (a failed flush of a flight does not ask). Cachet asks once after each
 *    write the BIO fails for good (the BIO, like OpenSSL's datagram BIO,
 *    reports each EMSGSIZE once), then QUERY_MTU (and GET_FALLBACK_MTU if
 *    that is too small) again. Those commands are left out of the phase
 *    with the failed write and counted on a "#" line.
 *
 * Usage: bio_ctrl_parity PKI_DIR   (tests/pki)
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define QUEUE 64
#define MAX_DGRAM 4096
#define LOG 512

struct event {
  char side;
  int cmd; /* -1: a write, -2: a read */
  int zero_time;
};

struct endpoint {
  char side;
  unsigned char dgram[QUEUE][MAX_DGRAM];
  int len[QUEUE];
  int head, count;
  struct endpoint* peer;
  int refuse_writes;  /* with BIO_set_retry_write */
  int fail_writes;    /* for good, reporting MTU_EXCEEDED once */
  int mtu_exceeded;
  int drop_writes;    /* the network loses them */
};

static struct event events[LOG];
static int nevents;
static int mtu_exceeded_asked;

static void record(char side, int cmd, int zero_time) {
  if (nevents < LOG) {
    events[nevents].side = side;
    events[nevents].cmd = cmd;
    events[nevents].zero_time = zero_time;
    ++nevents;
  }
}

static long q_ctrl(BIO* b, int cmd, long larg, void* parg) {
  struct endpoint* e = BIO_get_data(b);
  long ret = 0;
  (void)larg;
  if (e == NULL) return 0;
  switch (cmd) {
    case BIO_CTRL_FLUSH: ret = 1; break;
    case BIO_CTRL_PENDING: ret = e->count > 0 ? e->len[e->head] : 0; break;
    case BIO_CTRL_WPENDING: ret = 0; break;
    case BIO_CTRL_DGRAM_QUERY_MTU: ret = 1200; break;
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU: ret = 1000; break;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD: ret = 28; break;
    case BIO_CTRL_DGRAM_SET_MTU: ret = larg; break;
    case BIO_CTRL_DGRAM_MTU_EXCEEDED:
      ret = e->mtu_exceeded;
      e->mtu_exceeded = 0;
      break;
    case BIO_CTRL_DGRAM_SET_PEER: ret = 1; break;
    default: break;
  }
  int zero = 0;
  if (cmd == BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT && parg != NULL) {
    const struct timeval* tv = parg;
    zero = tv->tv_sec == 0 && tv->tv_usec == 0;
  }
  record(e->side, cmd, zero);
  return ret;
}

static int q_write(BIO* b, const char* data, int len) {
  struct endpoint* e = BIO_get_data(b);
  BIO_clear_retry_flags(b);
  if (e->refuse_writes > 0) {
    --e->refuse_writes;
    BIO_set_retry_write(b);
    return -1;
  }
  if (e->fail_writes > 0) {
    --e->fail_writes;
    e->mtu_exceeded = 1;
    return -1;
  }
  record(e->side, -1, 0);
  if (e->drop_writes > 0) {
    --e->drop_writes;
    return len;
  }
  struct endpoint* to = e->peer;
  if (to->count < QUEUE && len <= MAX_DGRAM) {
    const int slot = (to->head + to->count) % QUEUE;
    memcpy(to->dgram[slot], data, (size_t)len);
    to->len[slot] = len;
    ++to->count;
  }
  return len;
}

static int q_read(BIO* b, char* out, int outl) {
  struct endpoint* e = BIO_get_data(b);
  BIO_clear_retry_flags(b);
  if (e->count == 0) {
    BIO_set_retry_read(b);
    return -1;
  }
  int n = e->len[e->head];
  if (n > outl) n = outl;
  memcpy(out, e->dgram[e->head], (size_t)n);
  e->head = (e->head + 1) % QUEUE;
  --e->count;
  record(e->side, -2, 0);
  return n;
}

static int q_create(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}
static int q_destroy(BIO* b) {
  BIO_set_data(b, NULL);
  return 1;
}

static const char* name(int cmd, int zero) {
  switch (cmd) {
    case BIO_CTRL_FLUSH: return "FLUSH";
    case BIO_CTRL_PENDING: return "PENDING";
    case BIO_CTRL_WPENDING: return "WPENDING";
    case BIO_CTRL_RESET: return "RESET";
    case BIO_CTRL_EOF: return "EOF";
    case BIO_CTRL_INFO: return "INFO";
    case BIO_CTRL_GET_CLOSE: return "GET_CLOSE";
    case BIO_CTRL_SET_CLOSE: return "SET_CLOSE";
    case BIO_CTRL_DGRAM_QUERY_MTU: return "QUERY_MTU";
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU: return "GET_FALLBACK_MTU";
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD: return "GET_MTU_OVERHEAD";
    case BIO_CTRL_DGRAM_MTU_EXCEEDED: return "MTU_EXCEEDED";
    case BIO_CTRL_DGRAM_SET_MTU: return "SET_MTU";
    case BIO_CTRL_DGRAM_GET_MTU: return "GET_MTU";
    case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT: return zero ? "SET_NEXT_TIMEOUT(stop)" : "SET_NEXT_TIMEOUT(deadline)";
    case BIO_CTRL_DGRAM_GET_PEER: return "GET_PEER";
    case BIO_CTRL_DGRAM_SET_PEER: return "SET_PEER";
    case BIO_CTRL_DGRAM_GET_RECV_TIMER_EXP: return "GET_RECV_TIMER_EXP";
    case BIO_CTRL_DGRAM_GET_SEND_TIMER_EXP: return "GET_SEND_TIMER_EXP";
    case BIO_CTRL_DGRAM_SET_PEEK_MODE: return "SET_PEEK_MODE";
    default: return NULL;
  }
}

static int ignored(int cmd) {
  return cmd == BIO_CTRL_GET_KTLS_SEND || cmd == BIO_CTRL_GET_KTLS_RECV || cmd == BIO_CTRL_PUSH ||
         cmd == BIO_CTRL_POP;
}

/* Prints the phase's normalised log and starts a new one. `failed_write`:
 * the phase in which a write failed for good (MTU_EXCEEDED and the
 * re-query are left out, and counted). */
static void phase_end(const char* phase, const char* result, int failed_write) {
  printf("%s: %s\n", phase, result);
  printf("# raw:");
  for (int i = 0; i < nevents; ++i) {
    const struct event* ev = &events[i];
    if (ev->cmd == -1) {
      printf(" %c:write", ev->side);
    } else if (ev->cmd == -2) {
      printf(" %c:read", ev->side);
    } else {
      const char* n = name(ev->cmd, ev->zero_time);
      if (n != NULL) {
        printf(" %c:%s", ev->side, n);
      } else {
        printf(" %c:ctrl%d", ev->side, ev->cmd);
      }
    }
  }
  printf("\n");
  for (int side = 0; side < 2; ++side) {
    const char who = side == 0 ? 'C' : 'S';
    /* the set, in a fixed order: by command number, the two timer forms apart */
    int seen[128][2];
    memset(seen, 0, sizeof seen);
    int any = 0, last_write = -1, last_flush = -1, first_write = -1, first_deadline = -1, after_failure = 0;
    for (int i = 0; i < nevents; ++i) {
      const struct event* ev = &events[i];
      if (ev->side != who) continue;
      if (ev->cmd == -1) {
        last_write = i;
        if (first_write < 0) first_write = i;
        continue;
      }
      if (ev->cmd < 0 || ignored(ev->cmd)) continue;
      if (failed_write && ev->cmd == BIO_CTRL_DGRAM_MTU_EXCEEDED) {
        ++mtu_exceeded_asked;
        after_failure = 1;
        continue;
      }
      if (after_failure && (ev->cmd == BIO_CTRL_DGRAM_QUERY_MTU || ev->cmd == BIO_CTRL_DGRAM_GET_FALLBACK_MTU ||
                            ev->cmd == BIO_CTRL_DGRAM_GET_MTU_OVERHEAD)) {
        continue;
      }
      after_failure = 0;
      if (ev->cmd == BIO_CTRL_FLUSH) last_flush = i;
      if (ev->cmd == BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT && !ev->zero_time && first_deadline < 0) first_deadline = i;
      if (ev->cmd < 128) {
        seen[ev->cmd][ev->zero_time ? 1 : 0] = 1;
        any = 1;
      }
    }
    if (!any && last_write < 0) continue;
    printf("  %c:", who);
    for (int cmd = 0; cmd < 128; ++cmd) {
      for (int z = 1; z >= 0; --z) {
        if (!seen[cmd][z]) continue;
        const char* n = name(cmd, z);
        if (n != NULL) {
          printf(" %s", n);
        } else {
          printf(" ctrl%d", cmd);
        }
      }
    }
    if (last_write >= 0) {
      printf(" | writes, %s", last_flush > last_write ? "flushed after" : "not flushed after");
      if (first_deadline >= 0) printf(", deadline %s them", first_deadline < first_write ? "before" : "after");
    }
    printf("\n");
  }
  nevents = 0;
}

static void step(const char* phase, SSL* s, int ret, int failed_write) {
  char result[64];
  snprintf(result, sizeof result, "ret=%d error=%d", ret, SSL_get_error(s, ret));
  ERR_clear_error();
  phase_end(phase, result, failed_write);
}

static BIO_METHOD* method;
static char cert_path[512], key_path[512], ca_path[512];

static SSL_CTX* server_ctx(void) {
  SSL_CTX* ctx = SSL_CTX_new(DTLS_server_method());
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_path) != 1) return NULL;
  if (SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1) return NULL;
  SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256");
  return ctx;
}

static SSL_CTX* client_ctx(void) {
  SSL_CTX* ctx = SSL_CTX_new(DTLS_client_method());
  if (SSL_CTX_load_verify_locations(ctx, ca_path, NULL) != 1) return NULL;
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  return ctx;
}

struct pair {
  SSL *client, *server;
  struct endpoint c, s;
};

static void make_pair(struct pair* p, SSL_CTX* cctx, SSL_CTX* sctx) {
  memset(&p->c, 0, sizeof p->c);
  memset(&p->s, 0, sizeof p->s);
  p->c.side = 'C';
  p->s.side = 'S';
  p->c.peer = &p->s;
  p->s.peer = &p->c;
  p->client = SSL_new(cctx);
  p->server = SSL_new(sctx);
  BIO* cb = BIO_new(method);
  BIO* sb = BIO_new(method);
  BIO_set_data(cb, &p->c);
  BIO_set_data(sb, &p->s);
  SSL_set_bio(p->client, cb, cb);
  SSL_set_bio(p->server, sb, sb);
  SSL_set_connect_state(p->client);
  SSL_set_accept_state(p->server);
  phase_end("SSL_set_bio", "done", 0);
}

static void free_pair(struct pair* p) {
  SSL_free(p->client);
  SSL_free(p->server);
  phase_end("SSL_free", "done", 0);
}

/* Alternate SSL_do_handshake calls, each its own phase, until both finish. */
static int handshake(struct pair* p, const char* label, int fail_phase) {
  char phase[96];
  int cdone = 0, sdone = 0;
  for (int round = 0; round < 8 && !(cdone && sdone); ++round) {
    if (!cdone) {
      snprintf(phase, sizeof phase, "%s: client SSL_do_handshake #%d", label, round + 1);
      const int r = SSL_do_handshake(p->client);
      step(phase, p->client, r, fail_phase == round);
      cdone = r == 1;
    }
    if (!sdone) {
      snprintf(phase, sizeof phase, "%s: server SSL_do_handshake #%d", label, round + 1);
      const int r = SSL_do_handshake(p->server);
      step(phase, p->server, r, 0);
      sdone = r == 1;
    }
  }
  return cdone && sdone;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PKI_DIR\n", argv[0]);
    return 2;
  }
  snprintf(cert_path, sizeof cert_path, "%s/p256/server-chain.pem", argv[1]);
  snprintf(key_path, sizeof key_path, "%s/p256/server.key", argv[1]);
  snprintf(ca_path, sizeof ca_path, "%s/p256/root.pem", argv[1]);
  setvbuf(stdout, NULL, _IOLBF, 0);

  method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "queue");
  BIO_meth_set_write(method, q_write);
  BIO_meth_set_read(method, q_read);
  BIO_meth_set_ctrl(method, q_ctrl);
  BIO_meth_set_create(method, q_create);
  BIO_meth_set_destroy(method, q_destroy);
  SSL_CTX* sctx = server_ctx();
  SSL_CTX* cctx = client_ctx();
  if (sctx == NULL || cctx == NULL) {
    printf("setup failed\n");
    ERR_print_errors_fp(stdout);
    return 1;
  }
  char buf[256];
  struct timeval tv;
  struct pair p;

  /* 1. A handshake (the server called first, with nothing to read), data
   *    both ways, the queries, a clean close. */
  make_pair(&p, cctx, sctx);
  step("1: server SSL_do_handshake before any ClientHello", p.server, SSL_do_handshake(p.server), 0);
  printf("handshake completes: %d\n", handshake(&p, "1", -1));
  step("1: client SSL_write", p.client, SSL_write(p.client, "hello", 5), 0);
  printf("server SSL_pending: %d\n", SSL_pending(p.server));
  phase_end("1: server SSL_pending", "done", 0);
  step("1: server SSL_read", p.server, SSL_read(p.server, buf, sizeof buf), 0);
  step("1: server SSL_read with nothing pending", p.server, SSL_read(p.server, buf, sizeof buf), 0);
  step("1: server SSL_write", p.server, SSL_write(p.server, "world", 5), 0);
  step("1: client SSL_read", p.client, SSL_read(p.client, buf, sizeof buf), 0);
  printf("client timer after the handshake: %ld\n", DTLSv1_get_timeout(p.client, &tv));
  phase_end("1: client DTLSv1_get_timeout", "done", 0);
  printf("client DTLSv1_handle_timeout, nothing due: %ld\n", DTLSv1_handle_timeout(p.client));
  phase_end("1: client DTLSv1_handle_timeout", "done", 0);
  step("1: client SSL_shutdown (sends close_notify)", p.client, SSL_shutdown(p.client), 0);
  step("1: server SSL_read (close_notify)", p.server, SSL_read(p.server, buf, sizeof buf), 0);
  step("1: server SSL_shutdown (answers)", p.server, SSL_shutdown(p.server), 0);
  step("1: client SSL_shutdown (complete)", p.client, SSL_shutdown(p.client), 0);
  free_pair(&p);

  /* 2. Retry flags: the client's BIO refuses its first ClientHello write,
   *    then (after the handshake) an application data write. */
  make_pair(&p, cctx, sctx);
  p.c.refuse_writes = 1;
  step("2: client SSL_do_handshake, write refused (retry)", p.client, SSL_do_handshake(p.client), 0);
  printf("SSL_want is writing: %d\n", SSL_want(p.client) == SSL_WRITING);
  printf("handshake completes: %d\n", handshake(&p, "2", -1));
  p.c.refuse_writes = 1;
  step("2: client SSL_write, write refused (retry)", p.client, SSL_write(p.client, "hello", 5), 0);
  step("2: client SSL_write repeated", p.client, SSL_write(p.client, "hello", 5), 0);
  step("2: server SSL_read", p.server, SSL_read(p.server, buf, sizeof buf), 0);
  step("2: server SSL_read, nothing more (one record was sent)", p.server, SSL_read(p.server, buf, sizeof buf), 0);
  free_pair(&p);

  /* 3. A retransmission: the first ClientHello is lost; after the timer
   *    (1 s) DTLSv1_handle_timeout sends it again. */
  make_pair(&p, cctx, sctx);
  p.c.drop_writes = 1;
  step("3: client SSL_do_handshake, ClientHello lost", p.client, SSL_do_handshake(p.client), 0);
  printf("client timer running: %ld\n", DTLSv1_get_timeout(p.client, &tv));
  phase_end("3: client DTLSv1_get_timeout", "done", 0);
  usleep(1100000);
  printf("client DTLSv1_handle_timeout: %ld\n", DTLSv1_handle_timeout(p.client));
  phase_end("3: client DTLSv1_handle_timeout (due)", "done", 0);
  printf("handshake completes: %d\n", handshake(&p, "3", -1));
  free_pair(&p);

  /* 4. A write that fails for good (the BIO reports MTU_EXCEEDED once):
   *    the client's second flight; the repeated call sends it. */
  make_pair(&p, cctx, sctx);
  step("4: client SSL_do_handshake #0", p.client, SSL_do_handshake(p.client), 0);
  step("4: server SSL_do_handshake #0", p.server, SSL_do_handshake(p.server), 0);
  p.c.fail_writes = 1;
  printf("handshake completes: %d\n", handshake(&p, "4", 0));
  printf("# MTU_EXCEEDED asked: %d\n", mtu_exceeded_asked);
  free_pair(&p);

  SSL_CTX_free(sctx);
  SSL_CTX_free(cctx);
  BIO_meth_free(method);
  printf("end\n");
  return 0;
}
