// BIO: life cycle, chains, the generic read/write/ctrl entry points that
// dispatch to a method, and BIO_METHOD construction (BIO_meth_*). Return
// values, retry flags and errors follow OpenSSL 3.0 (checked against the
// real library by tests/compat/).
#include "crypto_local.hpp"

#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>
#include <vector>

using namespace cachet_compat;

namespace {

void raise_bio(int reason, const char* func = __builtin_FUNCTION(), const char* file = __builtin_FILE(),
               int line = __builtin_LINE()) {
  raise_error(ERR_LIB_BIO, reason, func, file, line);
}

// Adapters for methods built with the old int-sized callbacks.
int bread_conv(BIO* b, char* data, size_t len, size_t* readbytes) {
  if (len > INT_MAX) len = INT_MAX;
  const int ret = b->method->bread_old(b, data, static_cast<int>(len));
  if (ret <= 0) {
    *readbytes = 0;
    return ret;
  }
  *readbytes = static_cast<size_t>(ret);
  return 1;
}

int bwrite_conv(BIO* b, const char* data, size_t len, size_t* written) {
  if (len > INT_MAX) len = INT_MAX;
  const int ret = b->method->bwrite_old(b, data, static_cast<int>(len));
  if (ret <= 0) {
    *written = 0;
    return ret;
  }
  *written = static_cast<size_t>(ret);
  return 1;
}

int read_intern(BIO* b, void* data, size_t len, size_t* readbytes) {
  if (b == nullptr) {
    raise_bio(ERR_R_PASSED_NULL_PARAMETER, "BIO_read");
    return -1;
  }
  if (b->method == nullptr || b->method->bread == nullptr) {
    raise_bio(kBioReasonUnsupportedMethod, "BIO_read");
    return -2;
  }
  if (b->init == 0) {
    raise_bio(kBioReasonUninitialized, "BIO_read");
    return -1;
  }
  const int ret = b->method->bread(b, static_cast<char*>(data), len, readbytes);
  if (ret > 0) {
    if (*readbytes > len) {  // a method claiming more than it was given
      raise_bio(ERR_R_INTERNAL_ERROR, "BIO_read");
      return -1;
    }
    b->num_read += *readbytes;
  }
  return ret;
}

// A null BIO is not an error here: nothing is written.
int write_intern(BIO* b, const void* data, size_t len, size_t* written) {
  *written = 0;
  if (b == nullptr) return 0;
  if (b->method == nullptr || b->method->bwrite == nullptr) {
    raise_bio(kBioReasonUnsupportedMethod, "BIO_write");
    return -2;
  }
  if (b->init == 0) {
    raise_bio(kBioReasonUninitialized, "BIO_write");
    return -1;
  }
  size_t done = 0;
  const int ret = b->method->bwrite(b, static_cast<const char*>(data), len, &done);
  if (ret > 0) b->num_write += done;
  *written = done;
  return ret;
}

}  // namespace

BIO_METHOD cachet_compat::make_method(int type, const char* name, int (*write)(BIO*, const char*, int),
                                      int (*read)(BIO*, char*, int), int (*puts)(BIO*, const char*),
                                      int (*gets)(BIO*, char*, int), long (*ctrl)(BIO*, int, long, void*),
                                      int (*create)(BIO*), int (*destroy)(BIO*)) {
  BIO_METHOD m;
  m.type = type;
  m.name = name;
  m.bwrite_old = write;
  m.bwrite = write != nullptr ? bwrite_conv : nullptr;
  m.bread_old = read;
  m.bread = read != nullptr ? bread_conv : nullptr;
  m.bputs = puts;
  m.bgets = gets;
  m.ctrl = ctrl;
  m.create = create;
  m.destroy = destroy;
  return m;
}

extern "C" {

// ---- life cycle and chains ----------------------------------------------

BIO* BIO_new(const BIO_METHOD* method) {
  if (method == nullptr) {
    raise_bio(ERR_R_PASSED_NULL_PARAMETER);
    return nullptr;
  }
  BIO* b = new (std::nothrow) BIO;
  if (b == nullptr) {
    raise_bio(ERR_R_MALLOC_FAILURE);
    return nullptr;
  }
  b->method = method;
  if (method->create == nullptr) {
    b->init = 1;  // nothing to set up: ready at once
  } else if (method->create(b) == 0) {
    raise_bio(ERR_R_INIT_FAIL);
    delete b;
    return nullptr;
  }
  return b;
}

int BIO_free(BIO* a) {
  if (a == nullptr) return 0;
  if (a->references.fetch_sub(1, std::memory_order_acq_rel) > 1) return 1;
  if (a->method != nullptr && a->method->destroy != nullptr) a->method->destroy(a);
  delete a;
  return 1;
}

void BIO_vfree(BIO* a) { (void)BIO_free(a); }

// Frees down the chain until a BIO that someone else still references.
void BIO_free_all(BIO* a) {
  while (a != nullptr) {
    BIO* const b = a;
    const int refs = b->references.load(std::memory_order_acquire);
    a = b->next_bio;
    (void)BIO_free(b);
    if (refs > 1) break;
  }
}

int BIO_up_ref(BIO* a) {
  if (a == nullptr) return 0;
  a->references.fetch_add(1, std::memory_order_relaxed);
  return 1;
}

BIO* BIO_push(BIO* b, BIO* append) {
  if (b == nullptr) return append;
  BIO* last = b;
  while (last->next_bio != nullptr) last = last->next_bio;
  last->next_bio = append;
  if (append != nullptr) append->prev_bio = last;
  (void)BIO_ctrl(b, BIO_CTRL_PUSH, 0, last);
  return b;
}

BIO* BIO_pop(BIO* b) {
  if (b == nullptr) return nullptr;
  BIO* const next = b->next_bio;
  (void)BIO_ctrl(b, BIO_CTRL_POP, 0, b);
  if (b->prev_bio != nullptr) b->prev_bio->next_bio = b->next_bio;
  if (b->next_bio != nullptr) b->next_bio->prev_bio = b->prev_bio;
  b->next_bio = nullptr;
  b->prev_bio = nullptr;
  return next;
}

BIO* BIO_next(BIO* b) { return b == nullptr ? nullptr : b->next_bio; }

// ---- data -----------------------------------------------------------------

int BIO_read(BIO* b, void* data, int dlen) {
  if (dlen < 0) return 0;
  size_t readbytes = 0;
  const int ret = read_intern(b, data, static_cast<size_t>(dlen), &readbytes);
  return ret > 0 ? static_cast<int>(readbytes) : ret;
}

int BIO_read_ex(BIO* b, void* data, size_t dlen, size_t* readbytes) {
  size_t ignored = 0;
  return read_intern(b, data, dlen, readbytes != nullptr ? readbytes : &ignored) > 0;
}

int BIO_write(BIO* b, const void* data, int dlen) {
  if (dlen <= 0) return 0;
  size_t written = 0;
  const int ret = write_intern(b, data, static_cast<size_t>(dlen), &written);
  return ret > 0 ? static_cast<int>(written) : ret;
}

// Writing nothing to a BIO succeeds, whatever the method says.
int BIO_write_ex(BIO* b, const void* data, size_t dlen, size_t* written) {
  size_t ignored = 0;
  return write_intern(b, data, dlen, written != nullptr ? written : &ignored) > 0 ||
         (b != nullptr && dlen == 0);
}

int BIO_puts(BIO* b, const char* buf) {
  if (b == nullptr) {
    raise_bio(ERR_R_PASSED_NULL_PARAMETER);
    return -1;
  }
  if (b->method == nullptr || b->method->bputs == nullptr) {
    raise_bio(kBioReasonUnsupportedMethod);
    return -2;
  }
  if (b->init == 0) {
    raise_bio(kBioReasonUninitialized);
    return -1;
  }
  const int ret = b->method->bputs(b, buf);
  if (ret > 0) b->num_write += static_cast<uint64_t>(ret);
  return ret;
}

int BIO_gets(BIO* b, char* buf, int size) {
  if (b == nullptr) {
    raise_bio(ERR_R_PASSED_NULL_PARAMETER);
    return -1;
  }
  if (b->method == nullptr || b->method->bgets == nullptr) {
    raise_bio(kBioReasonUnsupportedMethod);
    return -2;
  }
  if (size < 0) {
    raise_bio(kBioReasonInvalidArgument);
    return -1;
  }
  if (b->init == 0) {
    raise_bio(kBioReasonUninitialized);
    return -1;
  }
  const int ret = b->method->bgets(b, buf, size);
  if (ret > 0) b->num_read += static_cast<uint64_t>(ret);
  return ret;
}

int BIO_printf(BIO* bio, const char* format, ...) {
  char small[1024];
  va_list args;
  va_start(args, format);
  const int len = std::vsnprintf(small, sizeof small, format, args);
  va_end(args);
  if (len < 0) return -1;
  if (static_cast<size_t>(len) < sizeof small) return BIO_write(bio, small, len);
  std::vector<char> big(static_cast<size_t>(len) + 1);
  va_start(args, format);
  std::vsnprintf(big.data(), big.size(), format, args);
  va_end(args);
  return BIO_write(bio, big.data(), len);
}

// ---- control -------------------------------------------------------------

long BIO_ctrl(BIO* b, int cmd, long larg, void* parg) {
  if (b == nullptr) return -1;
  if (b->method == nullptr || b->method->ctrl == nullptr) {
    raise_bio(kBioReasonUnsupportedMethod);
    return -2;
  }
  return b->method->ctrl(b, cmd, larg, parg);
}

long BIO_callback_ctrl(BIO* b, int cmd, BIO_info_cb* fp) {
  if (b == nullptr) return -2;
  if (b->method == nullptr || b->method->callback_ctrl == nullptr || cmd != BIO_CTRL_SET_CALLBACK) {
    raise_bio(kBioReasonUnsupportedMethod);
    return -2;
  }
  return b->method->callback_ctrl(b, cmd, fp);
}

// The ctrl gets a pointer to a copy of iarg (BIO_set_fd passes the fd so).
long BIO_int_ctrl(BIO* bp, int cmd, long larg, int iarg) {
  int value = iarg;
  return BIO_ctrl(bp, cmd, larg, &value);
}

void* BIO_ptr_ctrl(BIO* bp, int cmd, long larg) {
  void* p = nullptr;
  if (BIO_ctrl(bp, cmd, larg, &p) <= 0) return nullptr;
  return p;
}

// Failures (negative answers) read as "nothing pending".
size_t BIO_ctrl_pending(BIO* b) {
  const long ret = BIO_ctrl(b, BIO_CTRL_PENDING, 0, nullptr);
  return ret < 0 ? 0 : static_cast<size_t>(ret);
}

size_t BIO_ctrl_wpending(BIO* b) {
  const long ret = BIO_ctrl(b, BIO_CTRL_WPENDING, 0, nullptr);
  return ret < 0 ? 0 : static_cast<size_t>(ret);
}

// ---- flags and state ------------------------------------------------------

void BIO_set_flags(BIO* b, int flags) {
  if (b != nullptr) b->flags |= flags;
}

int BIO_test_flags(const BIO* b, int flags) { return b == nullptr ? 0 : (b->flags & flags); }

void BIO_clear_flags(BIO* b, int flags) {
  if (b != nullptr) b->flags &= ~flags;
}

int BIO_get_retry_reason(BIO* bio) { return bio == nullptr ? 0 : bio->retry_reason; }

void BIO_set_retry_reason(BIO* bio, int reason) {
  if (bio != nullptr) bio->retry_reason = reason;
}

void BIO_set_data(BIO* a, void* ptr) {
  if (a != nullptr) a->ptr = ptr;
}

void* BIO_get_data(BIO* a) { return a == nullptr ? nullptr : a->ptr; }

void BIO_set_init(BIO* a, int init) {
  if (a != nullptr) a->init = init;
}

int BIO_get_init(BIO* a) { return a == nullptr ? 0 : a->init; }

void BIO_set_shutdown(BIO* a, int shut) {
  if (a != nullptr) a->shutdown = shut;
}

int BIO_get_shutdown(BIO* a) { return a == nullptr ? 0 : a->shutdown; }

// ---- custom methods ---------------------------------------------------------

// Type numbers for programs' methods: 129, 130, ... (after BIO_TYPE_START).
int BIO_get_new_index(void) {
  static std::atomic<int> last{BIO_TYPE_START};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

BIO_METHOD* BIO_meth_new(int type, const char* name) {
  BIO_METHOD* m = new (std::nothrow) BIO_METHOD;
  if (m == nullptr) {
    raise_bio(ERR_R_MALLOC_FAILURE);
    return nullptr;
  }
  m->type = type;
  if (name != nullptr) m->name = name;
  return m;
}

void BIO_meth_free(BIO_METHOD* biom) { delete biom; }

int BIO_meth_set_write(BIO_METHOD* biom, int (*write)(BIO*, const char*, int)) {
  if (biom == nullptr) return 0;
  biom->bwrite_old = write;
  biom->bwrite = bwrite_conv;
  return 1;
}

int BIO_meth_set_write_ex(BIO_METHOD* biom, int (*bwrite)(BIO*, const char*, size_t, size_t*)) {
  if (biom == nullptr) return 0;
  biom->bwrite_old = nullptr;
  biom->bwrite = bwrite;
  return 1;
}

int BIO_meth_set_read(BIO_METHOD* biom, int (*read)(BIO*, char*, int)) {
  if (biom == nullptr) return 0;
  biom->bread_old = read;
  biom->bread = bread_conv;
  return 1;
}

int BIO_meth_set_read_ex(BIO_METHOD* biom, int (*bread)(BIO*, char*, size_t, size_t*)) {
  if (biom == nullptr) return 0;
  biom->bread_old = nullptr;
  biom->bread = bread;
  return 1;
}

int BIO_meth_set_puts(BIO_METHOD* biom, int (*puts)(BIO*, const char*)) {
  if (biom == nullptr) return 0;
  biom->bputs = puts;
  return 1;
}

int BIO_meth_set_gets(BIO_METHOD* biom, int (*ossl_gets)(BIO*, char*, int)) {
  if (biom == nullptr) return 0;
  biom->bgets = ossl_gets;
  return 1;
}

int BIO_meth_set_ctrl(BIO_METHOD* biom, long (*ctrl)(BIO*, int, long, void*)) {
  if (biom == nullptr) return 0;
  biom->ctrl = ctrl;
  return 1;
}

int BIO_meth_set_create(BIO_METHOD* biom, int (*create)(BIO*)) {
  if (biom == nullptr) return 0;
  biom->create = create;
  return 1;
}

int BIO_meth_set_destroy(BIO_METHOD* biom, int (*destroy)(BIO*)) {
  if (biom == nullptr) return 0;
  biom->destroy = destroy;
  return 1;
}

int BIO_meth_set_callback_ctrl(BIO_METHOD* biom, long (*callback_ctrl)(BIO*, int, BIO_info_cb*)) {
  if (biom == nullptr) return 0;
  biom->callback_ctrl = callback_ctrl;
  return 1;
}

}  // extern "C"
