// BIO pairs (BIO_new_bio_pair): two BIOs joined back to back. Each owns a
// ring buffer that its writes fill and its peer's reads drain; a full buffer
// makes writes retry, an empty one makes reads retry (and records how much
// the reader wanted, BIO_get_read_request) until the writer shuts down.
#include "crypto_local.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <vector>

using namespace cachet_compat;

namespace {

constexpr size_t kDefaultBufferSize = 17 * 1024;

struct PairEnd {
  BIO* peer = nullptr;
  bool closed = false;           // BIO_shutdown_wr: no more writes
  size_t size = kDefaultBufferSize;
  std::vector<char> ring;        // allocated when the pair is made
  size_t offset = 0;             // first unread byte in ring
  size_t len = 0;                // bytes waiting for the peer
  size_t request = 0;            // how much the peer last failed to read
};

PairEnd* end_of(BIO* b) { return static_cast<PairEnd*>(b->ptr); }

int pair_create(BIO* b) {
  PairEnd* e = new (std::nothrow) PairEnd;
  if (e == nullptr) return 0;
  b->ptr = e;
  b->init = 0;  // usable once paired
  return 1;
}

void unpair(BIO* b) {
  PairEnd* e = end_of(b);
  if (e->peer == nullptr) return;
  BIO* const peer = e->peer;
  PairEnd* p = end_of(peer);
  p->peer = nullptr;
  p->len = p->offset = 0;
  peer->init = 0;
  e->peer = nullptr;
  e->len = e->offset = 0;
  b->init = 0;
}

int pair_destroy(BIO* b) {
  PairEnd* e = end_of(b);
  if (e == nullptr) return 0;
  unpair(b);
  delete e;
  b->ptr = nullptr;
  return 1;
}

int pair_read(BIO* b, char* out, int outl) {
  BIO_clear_retry_flags(b);
  if (b->init == 0) return 0;
  PairEnd* p = end_of(end_of(b)->peer);
  p->request = 0;
  if (out == nullptr || outl <= 0 || p->ring.empty()) return 0;
  if (p->len == 0) {
    if (p->closed) return 0;  // the writer is done and everything was read
    BIO_set_retry_read(b);
    p->request = std::min(static_cast<size_t>(outl), p->size);
    return -1;
  }
  const size_t n = std::min(static_cast<size_t>(outl), p->len);
  const size_t first = std::min(n, p->size - p->offset);
  std::memcpy(out, p->ring.data() + p->offset, first);
  std::memcpy(out + first, p->ring.data(), n - first);
  p->offset = (p->offset + n) % p->size;
  p->len -= n;
  if (p->len == 0) p->offset = 0;
  return static_cast<int>(n);
}

int pair_write(BIO* b, const char* in, int inl) {
  BIO_clear_retry_flags(b);
  if (b->init == 0 || in == nullptr || inl <= 0) return 0;
  PairEnd* e = end_of(b);
  e->request = 0;
  if (e->closed) {
    raise_error(ERR_LIB_BIO, kBioReasonBrokenPipe);
    return -1;
  }
  if (e->len == e->size) {
    BIO_set_retry_write(b);
    return -1;
  }
  const size_t n = std::min(static_cast<size_t>(inl), e->size - e->len);
  const size_t start = (e->offset + e->len) % e->size;
  const size_t first = std::min(n, e->size - start);
  std::memcpy(e->ring.data() + start, in, first);
  std::memcpy(e->ring.data(), in + first, n - first);
  e->len += n;
  return static_cast<int>(n);
}

int pair_puts(BIO* b, const char* str) { return pair_write(b, str, static_cast<int>(std::strlen(str))); }

long make_pair(BIO* b1, BIO* b2);

long set_buffer_size(BIO* b, long size) {
  PairEnd* e = end_of(b);
  if (e->peer != nullptr) {
    raise_error(ERR_LIB_BIO, kBioReasonInUse);
    return 0;
  }
  if (size <= 0) {
    raise_error(ERR_LIB_BIO, kBioReasonInvalidArgument);
    return 0;
  }
  if (e->size != static_cast<size_t>(size)) {
    e->size = static_cast<size_t>(size);
    e->ring.clear();
    e->ring.shrink_to_fit();
  }
  return 1;
}

long pair_ctrl(BIO* b, int cmd, long larg, void* parg) {
  PairEnd* e = end_of(b);
  PairEnd* peer = e->peer == nullptr ? nullptr : end_of(e->peer);
  switch (cmd) {
    case BIO_C_SET_WRITE_BUF_SIZE:
      return set_buffer_size(b, larg);
    case BIO_C_GET_WRITE_BUF_SIZE:
      return static_cast<long>(e->size);
    case BIO_C_MAKE_BIO_PAIR:
      return make_pair(b, static_cast<BIO*>(parg));
    case BIO_C_DESTROY_BIO_PAIR:
      unpair(b);
      return 1;
    case BIO_C_GET_WRITE_GUARANTEE:  // what a write can take right now
      return peer == nullptr || e->closed ? 0 : static_cast<long>(e->size - e->len);
    case BIO_C_GET_READ_REQUEST:
      return static_cast<long>(e->request);
    case BIO_C_RESET_READ_REQUEST:
      e->request = 0;
      return 1;
    case BIO_C_SHUTDOWN_WR:
      e->closed = true;
      return 1;
    case BIO_CTRL_RESET:
      e->len = e->offset = 0;
      return 0;
    case BIO_CTRL_GET_CLOSE:
      return b->shutdown;
    case BIO_CTRL_SET_CLOSE:
      b->shutdown = static_cast<int>(larg);
      return 1;
    case BIO_CTRL_PENDING:  // readable here: what the peer wrote
      return peer == nullptr ? 0 : static_cast<long>(peer->len);
    case BIO_CTRL_WPENDING:  // written here, not yet read by the peer
      return e->ring.empty() ? 0 : static_cast<long>(e->len);
    case BIO_CTRL_DUP:
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_EOF:
      return peer == nullptr || (peer->len == 0 && peer->closed);
    default:
      return 0;
  }
}

const BIO_METHOD* pair_method() {
  static const BIO_METHOD method = make_method(BIO_TYPE_BIO, "BIO pair", pair_write, pair_read, pair_puts,
                                               nullptr, pair_ctrl, pair_create, pair_destroy);
  return &method;
}

long make_pair(BIO* b1, BIO* b2) {
  if (b2 == nullptr || b2->method != pair_method() || b1 == b2) {
    raise_error(ERR_LIB_BIO, kBioReasonInvalidArgument);
    return 0;
  }
  PairEnd* e1 = end_of(b1);
  PairEnd* e2 = end_of(b2);
  if (e1->peer != nullptr || e2->peer != nullptr) {
    raise_error(ERR_LIB_BIO, kBioReasonInUse);
    return 0;
  }
  for (PairEnd* e : {e1, e2}) {
    if (e->ring.empty()) {
      e->ring.assign(e->size, 0);
      e->len = e->offset = 0;
    }
    e->closed = false;
    e->request = 0;
  }
  e1->peer = b2;
  e2->peer = b1;
  b1->init = 1;
  b2->init = 1;
  return 1;
}

}  // namespace

extern "C" {

// Sizes of 0 keep the default (17 KiB).
int BIO_new_bio_pair(BIO** bio1, size_t writebuf1, BIO** bio2, size_t writebuf2) {
  BIO* b1 = BIO_new(pair_method());
  BIO* b2 = b1 == nullptr ? nullptr : BIO_new(pair_method());
  bool ok = b1 != nullptr && b2 != nullptr;
  if (ok && writebuf1 != 0) ok = BIO_set_write_buf_size(b1, static_cast<long>(writebuf1)) == 1;
  if (ok && writebuf2 != 0) ok = BIO_set_write_buf_size(b2, static_cast<long>(writebuf2)) == 1;
  if (ok) ok = BIO_make_bio_pair(b1, b2) == 1;
  if (!ok) {
    BIO_free(b1);
    BIO_free(b2);
    b1 = b2 = nullptr;
  }
  *bio1 = b1;
  *bio2 = b2;
  return ok ? 1 : 0;
}

}  // extern "C"
