// Memory BIOs (BIO_s_mem, BIO_new_mem_buf) with OpenSSL 3.0's semantics:
// reading an empty writable BIO returns the "EOF return" value (-1 by
// default, with the retry-read flag set); a read-only BIO returns 0 at its
// end, refuses writes, and BIO_reset rewinds it.
#include "crypto_local.hpp"

#include <cstring>
#include <new>

using namespace cachet_compat;

namespace {

// The bytes of a mem BIO. A writable one owns `data`; bytes before `off`
// have been read and are dropped when the BIO is next written to (or its
// data is asked for). A read-only one points at the caller's buffer.
struct MemBuffer {
  char* data = nullptr;
  size_t cap = 0;
  size_t len = 0;  // bytes held, read or not
  size_t off = 0;  // first unread byte
  size_t pending() const { return len - off; }
};

MemBuffer* state(BIO* b) { return static_cast<MemBuffer*>(b->ptr); }
bool read_only(const BIO* b) { return (b->flags & BIO_FLAGS_MEM_RDONLY) != 0; }

void release(MemBuffer* m) {
  if (m->data == nullptr) return;
  OPENSSL_cleanse(m->data, m->cap);
  OPENSSL_free(m->data);
  m->data = nullptr;
  m->cap = m->len = m->off = 0;
}

// Moves the unread bytes to the front.
void compact(MemBuffer* m) {
  if (m->off == 0) return;
  std::memmove(m->data, m->data + m->off, m->pending());
  m->len -= m->off;
  OPENSSL_cleanse(m->data + m->len, m->off);
  m->off = 0;
}

// Grows without leaving copies of the old contents behind.
bool reserve(MemBuffer* m, size_t want) {
  if (want <= m->cap) return true;
  size_t cap = m->cap < 64 ? 64 : m->cap;
  while (cap < want) cap = cap > SIZE_MAX / 2 ? want : cap * 2;
  char* bigger = static_cast<char*>(OPENSSL_malloc(cap));
  if (bigger == nullptr) return false;
  if (m->len != 0) std::memcpy(bigger, m->data, m->len);
  if (m->data != nullptr) {
    OPENSSL_cleanse(m->data, m->cap);
    OPENSSL_free(m->data);
  }
  m->data = bigger;
  m->cap = cap;
  return true;
}

int mem_create(BIO* b) {
  MemBuffer* m = new (std::nothrow) MemBuffer;
  if (m == nullptr) return 0;
  b->ptr = m;
  b->init = 1;
  b->num = -1;  // an empty BIO asks the reader to retry
  return 1;
}

// With BIO_NOCLOSE the bytes outlive the BIO, as OpenSSL's BUF_MEM does (a
// pointer from BIO_get_mem_data stays valid).
int mem_destroy(BIO* b) {
  MemBuffer* m = state(b);
  if (m == nullptr) return 0;
  if (b->shutdown != 0 && b->init != 0 && !read_only(b)) release(m);
  delete m;
  b->ptr = nullptr;
  return 1;
}

int mem_write(BIO* b, const char* in, int inl) {
  if (in == nullptr) {
    raise_error(ERR_LIB_BIO, ERR_R_PASSED_NULL_PARAMETER);
    return -1;
  }
  if (read_only(b)) {
    raise_error(ERR_LIB_BIO, kBioReasonWriteToReadOnlyBio);
    return -1;
  }
  BIO_clear_retry_flags(b);
  if (inl <= 0) return 0;
  MemBuffer* m = state(b);
  compact(m);
  if (!reserve(m, m->len + static_cast<size_t>(inl))) {
    raise_error(ERR_LIB_BIO, ERR_R_MALLOC_FAILURE);
    return -1;
  }
  std::memcpy(m->data + m->len, in, static_cast<size_t>(inl));
  m->len += static_cast<size_t>(inl);
  return inl;
}

int mem_read(BIO* b, char* out, int outl) {
  BIO_clear_retry_flags(b);
  MemBuffer* m = state(b);
  const size_t pending = m->pending();
  const int n = outl >= 0 && static_cast<size_t>(outl) > pending ? static_cast<int>(pending) : outl;
  if (out != nullptr && n > 0) {
    std::memcpy(out, m->data + m->off, static_cast<size_t>(n));
    m->off += static_cast<size_t>(n);
    return n;
  }
  if (pending != 0) return n;
  if (b->num != 0) BIO_set_retry_read(b);
  return b->num;
}

// One line, '\n' included, at most size - 1 bytes; 0 when empty.
int mem_gets(BIO* b, char* buf, int size) {
  BIO_clear_retry_flags(b);
  MemBuffer* m = state(b);
  size_t j = m->pending();
  if (size <= 0 || j == 0 || size == 1) {
    if (size > 0) *buf = '\0';
    return 0;
  }
  if (static_cast<size_t>(size - 1) < j) j = static_cast<size_t>(size - 1);
  const char* p = m->data + m->off;
  const void* nl = std::memchr(p, '\n', j);
  const size_t want = nl == nullptr ? j : static_cast<size_t>(static_cast<const char*>(nl) - p) + 1;
  const int got = mem_read(b, buf, static_cast<int>(want));
  if (got > 0) buf[got] = '\0';
  return got;
}

int mem_puts(BIO* b, const char* str) { return mem_write(b, str, static_cast<int>(std::strlen(str))); }

long mem_reset(BIO* b) {
  MemBuffer* m = state(b);
  if (read_only(b) || (b->flags & BIO_FLAGS_NONCLEAR_RST) != 0) {
    m->off = 0;  // rewind over everything held
  } else if (m->data != nullptr) {
    OPENSSL_cleanse(m->data, m->cap);
    m->len = m->off = 0;
  }
  return 1;
}

long mem_ctrl(BIO* b, int cmd, long larg, void* parg) {
  MemBuffer* m = state(b);
  switch (cmd) {
    case BIO_CTRL_RESET:
      return mem_reset(b);
    case BIO_CTRL_EOF:
      return m->pending() == 0;
    case BIO_C_SET_BUF_MEM_EOF_RETURN:
      b->num = static_cast<int>(larg);
      return 1;
    case BIO_CTRL_INFO:
      if (parg != nullptr) {
        if (!read_only(b)) compact(m);
        *static_cast<char**>(parg) = m->data == nullptr ? nullptr : m->data + m->off;
      }
      return static_cast<long>(m->pending());
    case BIO_CTRL_GET_CLOSE:
      return b->shutdown;
    case BIO_CTRL_SET_CLOSE:
      b->shutdown = static_cast<int>(larg);
      return 1;
    case BIO_CTRL_PENDING:
      return static_cast<long>(m->pending());
    case BIO_CTRL_DUP:
    case BIO_CTRL_FLUSH:
      return 1;
    default:  // WPENDING, PUSH, POP, BUF_MEM ctrls (no BUF_MEM in the shim)
      return 0;
  }
}

}  // namespace

extern "C" {

const BIO_METHOD* BIO_s_mem(void) {
  static const BIO_METHOD method = make_method(BIO_TYPE_MEM, "memory buffer", mem_write, mem_read, mem_puts,
                                               mem_gets, mem_ctrl, mem_create, mem_destroy);
  return &method;
}

// Reads the caller's bytes in place: the buffer must outlive the BIO.
BIO* BIO_new_mem_buf(const void* buf, int len) {
  if (buf == nullptr) {
    raise_error(ERR_LIB_BIO, ERR_R_PASSED_NULL_PARAMETER);
    return nullptr;
  }
  BIO* b = BIO_new(BIO_s_mem());
  if (b == nullptr) return nullptr;
  MemBuffer* m = state(b);
  const size_t size = len < 0 ? std::strlen(static_cast<const char*>(buf)) : static_cast<size_t>(len);
  m->data = const_cast<char*>(static_cast<const char*>(buf));  // never written: BIO_FLAGS_MEM_RDONLY
  m->cap = m->len = size;
  b->flags |= BIO_FLAGS_MEM_RDONLY;
  b->num = 0;  // static data: retrying cannot help
  return b;
}

}  // extern "C"
