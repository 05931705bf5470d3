// SSL: life cycle, BIOs, and the loop that drives a cachet::Connection
// through them (compat/README.md, "How the SSL object drives the engine").
#include <arpa/inet.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "ssl_local.hpp"

using cachet_compat::ssl_error;

namespace {

using cachet::Instant;

constexpr size_t kMaxDatagram = 65536;

}  // namespace

SSL_CTX* cachet_compat::own_settings(SSL* s) {
  if (s->own == nullptr) {
    s->own = SSL_CTX_new(s->ctx->method);
    if (s->own == nullptr) {
      ssl_error(ERR_R_MALLOC_FAILURE, "no memory for the SSL's own settings");
      return nullptr;
    }
    s->own->passwd_cb = s->ctx->passwd_cb;
    s->own->passwd_userdata = s->ctx->passwd_userdata;
  }
  return s->own;
}

namespace {

struct LentBuffer {
  std::vector<uint8_t> buffer;
  bool busy = false;
};
thread_local LentBuffer t_buffers[3];  // one per DatagramBuffer::Use

}  // namespace

cachet_compat::DatagramBuffer::DatagramBuffer(Use use) noexcept : buffer_(&own_) {
  LentBuffer& b = t_buffers[static_cast<int>(use)];
  if (b.busy) return;
  b.busy = true;
  busy_ = &b.busy;
  buffer_ = &b.buffer;
}
cachet_compat::DatagramBuffer::~DatagramBuffer() {
  if (busy_ != nullptr) *busy_ = false;
}

namespace {

using cachet_compat::DatagramBuffer;

void info(SSL* s, int where, int ret) {
  auto* cb = s->info_callback != nullptr ? s->info_callback : s->ctx->info_callback;
  if (cb != nullptr) cb(s, where, ret);
}

void tell_timer(SSL* s, bool after_datagram);

// OpenSSL asks a datagram BIO for the path MTU (the overhead first) unless
// told not to, once, when it is about to send its first flight: a client
// when it starts, a server when the first datagram arrives.
void query_mtu(SSL* s) {
  if (s->mtu_queried) return;
  s->mtu_queried = true;
  if (s->mtu != 0 || (s->options & SSL_OP_NO_QUERY_MTU) != 0) return;
  const long overhead = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_GET_MTU_OVERHEAD, 0, nullptr);
  const long mtu = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_QUERY_MTU, 0, nullptr);
  if (mtu <= overhead || mtu - overhead < 256) return;
  if (s->conn && !s->conn->set_mtu(static_cast<size_t>(mtu - overhead))) return;
  s->mtu = static_cast<size_t>(mtu - overhead);
  s->link_mtu = mtu;
}

// Starts the connection (once): the role must be known by now.
bool start(SSL* s) {
  if (s->conn) return true;
  if (s->role == 0) {
    ssl_error(SSL_R_CONNECTION_TYPE_NOT_SET, "call SSL_set_connect_state or SSL_set_accept_state first");
    return false;
  }
  if (s->rbio == nullptr || s->wbio == nullptr) {
    ssl_error(SSL_R_BIO_NOT_SET, "no BIO: call SSL_set_bio");
    return false;
  }
  // A client asks for the MTU before its first flight; a server when the
  // first datagram arrives (query_mtu).
  if (s->role == 1) query_mtu(s);
  auto context = cachet_compat::context_for(s);  // the connection keeps it
  if (!context) return false;
  info(s, SSL_CB_HANDSHAKE_START, 1);
  const Instant now = Instant::now();
  if (s->role == 1) {
    cachet::Session offered = s->session != nullptr ? s->session->session : cachet::Session();
    auto c = cachet::Connection::client(std::move(context), s->host_name, offered);
    if (!c) {
      ssl_error(SSL_R_BAD_VALUE, c.error().what());
      return false;
    }
    s->conn = std::move(c).value();
  } else {
    auto c = cachet::Connection::server(std::move(context), s->peer_address);
    if (!c) {
      ssl_error(SSL_R_BAD_VALUE, c.error().what());
      return false;
    }
    s->conn = std::move(c).value();
  }
  if (s->msg_callback != nullptr) {
    // OpenSSL's msg callback: (write_p, version, content_type, buf, len, ssl, arg).
    s->conn->set_message_observer([](bool sent, uint8_t type, std::span<const uint8_t> m) {
      SSL* ssl = cachet_compat::current_ssl();
      if (ssl != nullptr && ssl->msg_callback != nullptr) {
        ssl->msg_callback(sent ? 1 : 0, DTLS1_2_VERSION, type, m.data(), m.size(), ssl, ssl->msg_callback_arg);
      }
    });
  }
  if (!s->conn->start(now)) {
    ssl_error(SSL_R_BAD_VALUE, "the handshake could not start");
    return false;
  }
  const bool listened = !s->listened_hello.empty();
  if (listened) {
    query_mtu(s);
    s->conn->handle_datagram(s->listened_hello, now);
    s->listened_hello.clear();
  }
  tell_timer(s, listened);
  return true;
}

// What a flush sends, which decides the ctrl commands around the writes
// (as OpenSSL 3.0 issues them, tests/compat/bio_ctrl_parity.c): a handshake
// flight (a new one, or a retransmission) is announced with
// GET_MTU_OVERHEAD and WPENDING before its first datagram; flights and
// alerts end with FLUSH; application data is written without a FLUSH.
enum class Sending { kFlight, kRecords, kApplicationData };

Sending engine_output(const SSL* s) { return s->info_done_reported ? Sending::kRecords : Sending::kFlight; }

// The payload MTU again from the link MTU the BIO reported, when its
// overhead changes.
void apply_overhead(SSL* s) {
  const long overhead = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_GET_MTU_OVERHEAD, 0, nullptr);
  if (s->link_mtu == 0 || overhead < 0 || s->link_mtu - overhead < 256) return;
  const auto mtu = static_cast<size_t>(s->link_mtu - overhead);
  if (mtu != s->mtu && s->conn->set_mtu(mtu)) s->mtu = mtu;
}

// A write that failed for good: if the BIO says the datagram exceeded the
// path MTU (asked once per failure; a datagram BIO reports each EMSGSIZE
// once), the MTU is queried again and used for what is sent next.
void mtu_exceeded(SSL* s) {
  if ((s->options & SSL_OP_NO_QUERY_MTU) != 0) return;
  if (BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_MTU_EXCEEDED, 0, nullptr) <= 0) return;
  const long overhead = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_GET_MTU_OVERHEAD, 0, nullptr);
  long mtu = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_QUERY_MTU, 0, nullptr);
  if (mtu <= overhead || mtu - overhead < 256) mtu = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_GET_FALLBACK_MTU, 0, nullptr);
  if (mtu <= overhead || mtu - overhead < 256) return;
  if (s->conn->set_mtu(static_cast<size_t>(mtu - overhead))) {
    s->mtu = static_cast<size_t>(mtu - overhead);
    s->link_mtu = mtu;
  }
}

// Sends what the engine has queued. False when the BIO cannot take it now
// (the datagram is kept) or failed.
bool flush(SSL* s, Sending what) {
  bool wrote = false;
  bool first = true;
  DatagramBuffer tx(DatagramBuffer::Use::kTransmit);
  for (;;) {
    std::vector<uint8_t>* d = s->unsent ? &*s->unsent : nullptr;
    if (d == nullptr) {
      // Swapped out of the engine's queue, which keeps tx's old storage.
      if (!s->conn->poll_transmit(tx.get())) break;
      if (first && what == Sending::kFlight) {
        apply_overhead(s);
        (void)BIO_ctrl(s->wbio, BIO_CTRL_WPENDING, 0, nullptr);
      }
      d = &tx.get();
    }
    first = false;
    const int n = BIO_write(s->wbio, d->data(), static_cast<int>(d->size()));
    if (n <= 0) {
      if (!s->unsent) s->unsent = std::move(*d);  // the SSL keeps it for the next call
      s->rwstate = SSL_WRITING;
      if (!BIO_should_retry(s->wbio)) mtu_exceeded(s);
      return false;
    }
    s->unsent.reset();
    wrote = true;
  }
  if (wrote && what != Sending::kApplicationData) (void)BIO_flush(s->wbio);
  return true;
}

// Tells the read BIO the engine's retransmission deadline when it changes
// (so a blocking datagram BIO returns from a read when a retransmission is
// due), as OpenSSL does: the deadline when a timer starts or restarts, and
// a zero time when it stops. A datagram that moved the handshake on stops
// the timer first (OpenSSL stops it on the peer's next flight and starts it
// again for ours).
void tell_timer(SSL* s, bool after_datagram) {
  const auto t = s->conn->next_timeout();
  const bool running = t.has_value();
  if (running == s->timer_told && (!running || *t == s->told_deadline)) return;
  if (after_datagram) s->timeouts_unanswered = 0;
  timeval tv{};
  if (after_datagram || !running) (void)BIO_ctrl(s->rbio, BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT, 0, &tv);
  s->timer_told = running;
  if (!running) return;
  s->told_deadline = *t;
  const auto wall = std::chrono::system_clock::now() + (t->since_origin - Instant::now().since_origin);
  const auto us = std::chrono::ceil<std::chrono::microseconds>(wall.time_since_epoch()).count();
  tv.tv_sec = static_cast<time_t>(us / 1000000);
  tv.tv_usec = static_cast<suseconds_t>(us % 1000000);
  (void)BIO_ctrl(s->rbio, BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT, 0, &tv);
}

// A retransmission deadline passed: from the third unanswered timeout on,
// OpenSSL asks the BIO for its fallback MTU and uses it when smaller.
void timeout_now(SSL* s, Instant now) {
  if (++s->timeouts_unanswered > 2 && (s->options & SSL_OP_NO_QUERY_MTU) == 0 && !s->info_done_reported) {
    const long mtu = BIO_ctrl(s->wbio, BIO_CTRL_DGRAM_GET_FALLBACK_MTU, 0, nullptr);
    const long overhead = s->link_mtu != 0 ? s->link_mtu - static_cast<long>(s->mtu) : 0;
    if (mtu > overhead && mtu - overhead >= 256 && static_cast<size_t>(mtu - overhead) < s->mtu &&
        s->conn->set_mtu(static_cast<size_t>(mtu - overhead))) {
      s->mtu = static_cast<size_t>(mtu - overhead);
      s->link_mtu = mtu;
    }
  }
  s->conn->handle_timeout(now);
  tell_timer(s, false);
}

// Handles the retransmission deadline if it has passed (the clock is read
// only while a timer runs): true when it had.
bool fire_due_timer(SSL* s) {
  const auto t = s->conn->next_timeout();
  if (!t) return false;
  const Instant now = Instant::now();
  if (*t > now) return false;
  timeout_now(s, now);
  return true;
}

// The next application record, taken from the connection when the SSL has
// none waiting (the ones after it stay queued there, in order). Called after
// every datagram and every record returned, so a record the connection
// holds is always behind the one the SSL shows (SSL_pending, SSL_peek).
void take_application_record(SSL* s) {
  if (s->app_ready) return;
  DatagramBuffer spare(DatagramBuffer::Use::kRecord);
  if (!s->conn->read(spare.get())) return;  // the connection keeps spare's old storage
  s->app_record.swap(spare.get());
  s->app_ready = true;
}

// SSL_read returned the record: its storage becomes the thread's spare (the
// next record read from any connection reuses it) and the SSL keeps none.
void finish_application_record(SSL* s) {
  s->app_ready = false;
  {
    DatagramBuffer spare(DatagramBuffer::Use::kRecord);
    s->app_record.swap(spare.get());
  }
  std::vector<uint8_t>().swap(s->app_record);
  take_application_record(s);
}

enum class Step { kProgress, kWantRead, kWantWrite, kFailed };

// One turn: send, then take in one datagram (or fire a due timer).
Step turn(SSL* s) {
  if (!flush(s, engine_output(s))) return BIO_should_retry(s->wbio) ? Step::kWantWrite : Step::kFailed;
  if (fire_due_timer(s)) return Step::kProgress;
  DatagramBuffer rx(DatagramBuffer::Use::kReceive);
  std::vector<uint8_t>& buf = rx.get();
  if (buf.size() < kMaxDatagram) buf.resize(kMaxDatagram);
  const int n = BIO_read(s->rbio, buf.data(), static_cast<int>(kMaxDatagram));
  if (n <= 0) {
    // A blocking datagram BIO returns when the deadline it was told passes:
    // the retransmission is due now (the clock decides, as in OpenSSL).
    if (fire_due_timer(s)) return Step::kProgress;
    s->rwstate = SSL_READING;
    return BIO_should_retry(s->rbio) ? Step::kWantRead : Step::kFailed;
  }
  query_mtu(s);
  s->conn->handle_datagram(std::span<uint8_t>(buf.data(), static_cast<size_t>(n)), Instant::now());
  tell_timer(s, true);
  take_application_record(s);
  return Step::kProgress;
}

}  // namespace

int cachet_compat::handle_timeout(SSL* s) {
  if (!s->conn) return 0;
  const cachet_compat::CurrentSsl current(s);
  auto t = s->conn->next_timeout();
  const Instant now = Instant::now();
  if (!t || *t > now) return 0;
  timeout_now(s, now);
  (void)flush(s, engine_output(s));  // a refused datagram goes out on the next call
  if (s->conn->state() == cachet::ConnectionState::kFailed) {
    ssl_error(SSL_R_READ_TIMEOUT_EXPIRED, "handshake timed out");
    return -1;
  }
  return 1;
}

namespace {

// The failure as OpenSSL reports it: an ERR entry with the alert, once;
// later calls on the dead SSL return -1 with nothing new on the queue (and a
// received fatal alert counts as a received shutdown, as in OpenSSL).
int report_failure(SSL* s) {
  if (s->conn->alert_received()) s->shutdown |= SSL_RECEIVED_SHUTDOWN;
  if (s->failure_reported) {
    s->last_error = SSL_ERROR_SYSCALL;
    return -1;
  }
  s->failure_reported = true;
  const auto e = s->conn->error();
  if (auto a = s->conn->alert_received()) {
    ssl_error(SSL_AD_REASON_OFFSET + *a, "the peer sent a fatal alert");
    info(s, SSL_CB_READ_ALERT, 2 << 8 | *a);
  } else {
    // A certificate alert we sent after the peer's chain failed to verify is
    // OpenSSL's SSL_R_CERTIFICATE_VERIFY_FAILED (SSL_get_verify_result says why).
    const auto sent = s->conn->alert_sent();
    const bool bad_certificate = sent && ((*sent >= SSL_AD_BAD_CERTIFICATE && *sent <= SSL_AD_CERTIFICATE_UNKNOWN) ||
                                          *sent == SSL_AD_UNKNOWN_CA);
    if (bad_certificate && s->verify_result != X509_V_OK) {
      ssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED, e.what());
    } else {
      ssl_error(SSL_R_BAD_VALUE, e.what());
    }
    if (sent) info(s, SSL_CB_WRITE_ALERT, 2 << 8 | *sent);
  }
  s->last_error = SSL_ERROR_SSL;
  return -1;
}

int run_handshake(SSL* s) {
  const cachet_compat::CurrentSsl current(s);
  s->rwstate = SSL_NOTHING;
  s->last_error = SSL_ERROR_NONE;
  if (!start(s)) {
    s->last_error = SSL_ERROR_SSL;
    return -1;
  }
  for (;;) {
    if (s->conn->state() == cachet::ConnectionState::kFailed) {
      (void)flush(s, Sending::kRecords);  // the alert
      return report_failure(s);
    }
    if (s->conn->is_established()) {
      if (!flush(s, engine_output(s))) {
        s->last_error = BIO_should_retry(s->wbio) ? SSL_ERROR_WANT_WRITE : SSL_ERROR_SYSCALL;
        return -1;
      }
      if (!s->info_done_reported) {
        s->info_done_reported = true;
        info(s, SSL_CB_HANDSHAKE_DONE, 1);
        if (s->ctx->new_session_cb != nullptr && s->role == 1) {
          cachet::Session session = s->conn->session();
          if (session.valid()) {
            auto* sess = new ssl_session_st;
            sess->session = std::move(session);
            if (s->ctx->new_session_cb(s, sess) == 0) SSL_SESSION_free(sess);
          }
        }
      }
      return 1;
    }
    if (s->conn->state() == cachet::ConnectionState::kClosed) {
      s->last_error = SSL_ERROR_ZERO_RETURN;
      return 0;
    }
    switch (turn(s)) {
      case Step::kProgress: break;
      case Step::kWantRead: s->last_error = SSL_ERROR_WANT_READ; return -1;
      case Step::kWantWrite: s->last_error = SSL_ERROR_WANT_WRITE; return -1;
      case Step::kFailed: s->last_error = SSL_ERROR_SYSCALL; return -1;
    }
  }
}

}  // namespace

extern "C" {

SSL* SSL_new(SSL_CTX* ctx) {
  if (ctx == nullptr) {
    ssl_error(ERR_R_PASSED_NULL_PARAMETER, "SSL_new: no SSL_CTX");
    return nullptr;
  }
  auto* s = new (std::nothrow) ssl_st;
  if (s == nullptr) return nullptr;
  SSL_CTX_up_ref(ctx);
  s->ctx = ctx;
  s->role = ctx->method->role;
  s->options = ctx->options;
  s->mode = ctx->mode;
  s->verify_mode = ctx->verify_mode;
  s->verify_callback = ctx->verify_callback;
  s->msg_callback = ctx->msg_callback;
  s->msg_callback_arg = ctx->msg_callback_arg;
  return s;
}

int SSL_up_ref(SSL* s) {
  ++s->references;
  return 1;
}

void SSL_free(SSL* s) {
  if (s == nullptr || --s->references > 0) return;
  if (s->wbio != s->rbio) BIO_free_all(s->wbio);
  BIO_free_all(s->rbio);
  SSL_SESSION_free(s->session);
  SSL_SESSION_free(s->current_session);
  X509_free(s->peer_certificate);
  SSL_CTX_free(s->own);
  SSL_CTX_free(s->ctx);
  delete s;
}

void SSL_set_bio(SSL* s, BIO* rbio, BIO* wbio) {
  // OpenSSL's ownership rules: the SSL takes one reference for each
  // distinct BIO passed (one for both when they are the same).
  if (s->rbio != rbio) {
    if (s->rbio != s->wbio) BIO_free_all(s->rbio);
    s->rbio = rbio;
  }
  if (s->wbio != wbio) {
    if (s->wbio != nullptr && s->wbio != rbio) BIO_free_all(s->wbio);
    s->wbio = wbio;
  }
}
void SSL_set0_rbio(SSL* s, BIO* rbio) {
  if (s->rbio != s->wbio) BIO_free_all(s->rbio);
  s->rbio = rbio;
}
void SSL_set0_wbio(SSL* s, BIO* wbio) {
  if (s->wbio != s->rbio) BIO_free_all(s->wbio);
  s->wbio = wbio;
}
BIO* SSL_get_rbio(const SSL* s) { return s->rbio; }
BIO* SSL_get_wbio(const SSL* s) { return s->wbio; }

void SSL_set_connect_state(SSL* s) { s->role = 1; }
void SSL_set_accept_state(SSL* s) { s->role = 2; }
int SSL_is_server(const SSL* s) { return s->role == 2 ? 1 : 0; }

int SSL_do_handshake(SSL* s) { return run_handshake(s); }
int SSL_connect(SSL* s) {
  if (s->role == 0) s->role = 1;
  return run_handshake(s);
}
int SSL_accept(SSL* s) {
  if (s->role == 0) s->role = 2;
  return run_handshake(s);
}

int SSL_read(SSL* s, void* buf, int num) {
  if (num < 0) {
    ssl_error(SSL_R_BAD_LENGTH, "negative length");
    return -1;
  }
  const cachet_compat::CurrentSsl current(s);
  if (!s->conn || !s->conn->is_established()) {
    const int r = run_handshake(s);
    if (r <= 0) return r;
  }
  s->rwstate = SSL_NOTHING;
  take_application_record(s);
  while (!s->app_ready) {
    if (s->conn->state() == cachet::ConnectionState::kClosed) {
      s->shutdown |= SSL_RECEIVED_SHUTDOWN;
      s->last_error = SSL_ERROR_ZERO_RETURN;
      return 0;
    }
    if (s->conn->state() == cachet::ConnectionState::kFailed) return report_failure(s);
    switch (turn(s)) {
      case Step::kProgress: break;
      case Step::kWantRead: s->last_error = SSL_ERROR_WANT_READ; return -1;
      case Step::kWantWrite: s->last_error = SSL_ERROR_WANT_WRITE; return -1;
      case Step::kFailed: s->last_error = SSL_ERROR_SYSCALL; return -1;
    }
  }
  // Datagram semantics: one record per read; what does not fit is lost, as
  // with OpenSSL's DTLS (the rest of the record is discarded).
  const size_t n = std::min(s->app_record.size(), static_cast<size_t>(num));
  if (n > 0) std::memcpy(buf, s->app_record.data(), n);
  finish_application_record(s);
  s->last_error = SSL_ERROR_NONE;
  return static_cast<int>(n);
}

int SSL_write(SSL* s, const void* buf, int num) {
  if (num < 0) {
    ssl_error(SSL_R_BAD_LENGTH, "negative length");
    return -1;
  }
  const cachet_compat::CurrentSsl current(s);
  if (!s->conn || !s->conn->is_established()) {
    const int r = run_handshake(s);
    if (r <= 0) return r;
  }
  if (s->write_pending > 0) {
    // OpenSSL: the call repeated after SSL_ERROR_WANT_WRITE completes the
    // write the BIO refused (its record is already sealed).
    if (!flush(s, Sending::kApplicationData)) {
      s->last_error = BIO_should_retry(s->wbio) ? SSL_ERROR_WANT_WRITE : SSL_ERROR_SYSCALL;
      return -1;
    }
    const int done = s->write_pending;
    s->write_pending = 0;
    s->last_error = SSL_ERROR_NONE;
    return done;
  }
  if (!flush(s, engine_output(s))) {  // an earlier datagram first
    s->last_error = BIO_should_retry(s->wbio) ? SSL_ERROR_WANT_WRITE : SSL_ERROR_SYSCALL;
    return -1;
  }
  if (static_cast<size_t>(num) > s->conn->max_write_size()) {
    ssl_error(SSL_R_DATA_LENGTH_TOO_LONG, "more than one record (SSL_get_max_write... / DTLS_get_data_mtu) holds");
    s->last_error = SSL_ERROR_SSL;
    return -1;
  }
  if (!s->conn->write(std::span<const uint8_t>(static_cast<const uint8_t*>(buf), static_cast<size_t>(num)))) {
    ssl_error(SSL_R_PROTOCOL_IS_SHUTDOWN, "the connection cannot send");
    s->last_error = SSL_ERROR_SSL;
    return -1;
  }
  // The record is sealed and kept until the BIO takes it: a refusal the BIO
  // asks to retry is SSL_ERROR_WANT_WRITE, as in OpenSSL; other failures
  // count the data as written (a datagram service may lose it anyway).
  if (!flush(s, Sending::kApplicationData) && BIO_should_retry(s->wbio)) {
    s->write_pending = num;
    s->last_error = SSL_ERROR_WANT_WRITE;
    return -1;
  }
  s->last_error = SSL_ERROR_NONE;
  return num;
}

int SSL_pending(const SSL* s) { return s->app_ready ? static_cast<int>(s->app_record.size()) : 0; }
int SSL_has_pending(const SSL* s) { return s->app_ready ? 1 : 0; }

// OpenSSL's two-step close: the first call sends close_notify and returns 0
// (1 if the peer's had already arrived); a later call reads on until the
// peer's close_notify (1) or the BIO has nothing more (-1, WANT_READ).
int SSL_shutdown(SSL* s) {
  if (!s->conn) return 1;
  const cachet_compat::CurrentSsl current(s);
  auto received = [s] {
    if (s->conn->alert_received() == std::optional<uint8_t>(0)) s->shutdown |= SSL_RECEIVED_SHUTDOWN;
    return (s->shutdown & SSL_RECEIVED_SHUTDOWN) != 0;
  };
  if ((s->shutdown & SSL_SENT_SHUTDOWN) == 0) {
    s->shutdown |= SSL_SENT_SHUTDOWN;
    if (s->quiet_shutdown.value_or(s->ctx->quiet_shutdown) == 0) {
      s->conn->close();
      (void)flush(s, Sending::kRecords);
    }
    return received() ? 1 : 0;
  }
  while (!received()) {
    switch (turn(s)) {
      case Step::kProgress: break;
      case Step::kWantRead: s->last_error = SSL_ERROR_WANT_READ; return -1;
      case Step::kWantWrite: s->last_error = SSL_ERROR_WANT_WRITE; return -1;
      case Step::kFailed: s->last_error = SSL_ERROR_SYSCALL; return -1;
    }
  }
  s->last_error = SSL_ERROR_NONE;
  return 1;
}
int SSL_get_shutdown(const SSL* s) { return s->shutdown; }
void SSL_set_shutdown(SSL* s, int mode) { s->shutdown = mode; }

int SSL_get_error(const SSL* s, int ret) {
  if (ret > 0) return SSL_ERROR_NONE;
  // OpenSSL: anything on the error queue makes it SSL_ERROR_SSL (or SYSCALL
  // for a system error).
  if (unsigned long e = ERR_peek_error(); e != 0) {
    return ERR_GET_LIB(e) == ERR_LIB_SYS ? SSL_ERROR_SYSCALL : SSL_ERROR_SSL;
  }
  switch (s->last_error) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
    case SSL_ERROR_ZERO_RETURN:
      return s->last_error;
    default:
      break;
  }
  if ((s->shutdown & SSL_RECEIVED_SHUTDOWN) != 0) return SSL_ERROR_ZERO_RETURN;
  return SSL_ERROR_SYSCALL;
}

int SSL_want(const SSL* s) { return s->rwstate; }

int SSL_in_init(const SSL* s) { return s->conn && s->conn->is_established() ? 0 : 1; }
int SSL_in_before(const SSL* s) { return s->conn ? 0 : 1; }
int SSL_is_init_finished(const SSL* s) { return s->conn && s->conn->is_established() ? 1 : 0; }

long SSL_get_verify_result(const SSL* s) { return s->verify_result; }
void SSL_set_verify_result(SSL* s, long v) { s->verify_result = v; }
void SSL_set_verify(SSL* s, int mode, SSL_verify_cb cb) {
  s->verify_mode = mode;
  s->verify_callback = cb;
}

int SSL_set_ex_data(SSL* s, int idx, void* data) {
  s->ex_data.slots[idx] = data;
  return 1;
}
void* SSL_get_ex_data(const SSL* s, int idx) { return s->ex_data.get(idx); }
SSL_CTX* SSL_get_SSL_CTX(const SSL* s) { return s->ctx; }

int SSL_export_keying_material(SSL* s, unsigned char* out, size_t olen, const char* label, size_t llen,
                               const unsigned char* context, size_t contextlen, int use_context) {
  if (!s->conn || !s->conn->is_established()) {
    ssl_error(SSL_R_BAD_VALUE, "no established connection to export from");
    return 0;
  }
  std::optional<std::span<const uint8_t>> ctx;
  if (use_context != 0) ctx = std::span<const uint8_t>(context, contextlen);
  auto km = s->conn->export_keying_material(std::string_view(label, llen), olen, ctx);
  if (!km) {
    ssl_error(SSL_R_BAD_VALUE, km.error().what());
    return 0;
  }
  std::memcpy(out, km->data(), olen);
  OPENSSL_cleanse(km->data(), km->size());
  return 1;
}

}  // extern "C"
