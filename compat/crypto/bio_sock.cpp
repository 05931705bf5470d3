// Stream-socket BIOs (BIO_s_socket, BIO_new_socket) and plain file
// descriptor BIOs (BIO_new_fd): read(2)/write(2) on a descriptor, with the
// retry flags set for the errno values OpenSSL treats as transient and
// BIO_FLAGS_IN_EOF set when the other end has closed.
#include "crypto_local.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

using namespace cachet_compat;

bool cachet_compat::sock_non_fatal_error(int err) {
  switch (err) {
    case ENOTCONN:
    case EINTR:
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EPROTO:
    case EINPROGRESS:
    case EALREADY:
      return true;
    default:
      return false;
  }
}

namespace {

bool should_retry(ssize_t ret) { return (ret == 0 || ret == -1) && sock_non_fatal_error(errno); }

int desc_create(BIO* b) {
  b->init = 0;  // until BIO_set_fd
  b->num = 0;
  b->flags = 0;
  return 1;
}

void close_desc(BIO* b) {
  if (b->shutdown != 0 && b->init != 0) close(b->num);
  b->init = 0;
  b->flags = 0;
}

int desc_destroy(BIO* b) {
  close_desc(b);
  return 1;
}

int desc_read(BIO* b, char* out, int outl) {
  if (out == nullptr) return 0;
  errno = 0;
  const ssize_t ret = read(b->num, out, static_cast<size_t>(outl));
  BIO_clear_retry_flags(b);
  if (ret <= 0) {
    if (should_retry(ret)) {
      BIO_set_retry_read(b);
    } else if (ret == 0) {
      b->flags |= BIO_FLAGS_IN_EOF;
    }
  }
  return static_cast<int>(ret);
}

int desc_write(BIO* b, const char* in, int inl) {
  errno = 0;
  const ssize_t ret = write(b->num, in, static_cast<size_t>(inl));
  BIO_clear_retry_flags(b);
  if (ret <= 0 && should_retry(ret)) BIO_set_retry_write(b);
  return static_cast<int>(ret);
}

int desc_puts(BIO* b, const char* str) { return desc_write(b, str, static_cast<int>(std::strlen(str))); }

// A byte at a time, so nothing past the line is consumed.
int fd_gets(BIO* b, char* buf, int size) {
  if (size <= 0) return 0;
  char* p = buf;
  char* const end = buf + size - 1;
  while (p < end && desc_read(b, p, 1) > 0) {
    if (*p++ == '\n') break;
  }
  *p = '\0';
  return static_cast<int>(p - buf);
}

// The ctrls socket and fd BIOs share; *handled says whether cmd was one.
long common_ctrl(BIO* b, int cmd, long larg, void* parg, bool* handled) {
  *handled = true;
  switch (cmd) {
    case BIO_C_SET_FD:
      close_desc(b);
      b->num = *static_cast<int*>(parg);
      b->shutdown = static_cast<int>(larg);
      b->init = 1;
      return 1;
    case BIO_C_GET_FD:
      if (b->init == 0) return -1;
      if (parg != nullptr) *static_cast<int*>(parg) = b->num;
      return b->num;
    case BIO_CTRL_GET_CLOSE:
      return b->shutdown;
    case BIO_CTRL_SET_CLOSE:
      b->shutdown = static_cast<int>(larg);
      return 1;
    case BIO_CTRL_DUP:
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_EOF:
      return (b->flags & BIO_FLAGS_IN_EOF) != 0;
    default:
      *handled = false;
      return 0;
  }
}

long sock_ctrl(BIO* b, int cmd, long larg, void* parg) {
  bool handled = false;
  const long ret = common_ctrl(b, cmd, larg, parg, &handled);
  return handled ? ret : 0;
}

// An fd BIO can also seek (BIO_reset, BIO_seek, BIO_tell).
long fd_ctrl(BIO* b, int cmd, long larg, void* parg) {
  bool handled = false;
  const long ret = common_ctrl(b, cmd, larg, parg, &handled);
  if (handled) return ret;
  switch (cmd) {
    case BIO_CTRL_RESET:
      return static_cast<long>(lseek(b->num, 0, SEEK_SET));
    case BIO_C_FILE_SEEK:
      return static_cast<long>(lseek(b->num, larg, SEEK_SET));
    case BIO_C_FILE_TELL:
    case BIO_CTRL_INFO:
      return static_cast<long>(lseek(b->num, 0, SEEK_CUR));
    default:
      return 0;
  }
}

const BIO_METHOD* fd_method() {
  static const BIO_METHOD method = make_method(BIO_TYPE_FD, "file descriptor", desc_write, desc_read, desc_puts,
                                               fd_gets, fd_ctrl, desc_create, desc_destroy);
  return &method;
}

}  // namespace

extern "C" {

const BIO_METHOD* BIO_s_socket(void) {
  static const BIO_METHOD method = make_method(BIO_TYPE_SOCKET, "socket", desc_write, desc_read, desc_puts,
                                               nullptr, sock_ctrl, desc_create, desc_destroy);
  return &method;
}

BIO* BIO_new_socket(int sock, int close_flag) {
  BIO* b = BIO_new(BIO_s_socket());
  if (b != nullptr) (void)BIO_set_fd(b, sock, close_flag);
  return b;
}

BIO* BIO_new_fd(int fd, int close_flag) {
  BIO* b = BIO_new(fd_method());
  if (b != nullptr) (void)BIO_set_fd(b, fd, close_flag);
  return b;
}

// The socket's pending error (SO_ERROR), or errno when that cannot be read.
int BIO_sock_error(int sock) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(sock, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
  return err;
}

}  // extern "C"
