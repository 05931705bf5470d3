// stdio file BIOs (BIO_s_file, BIO_new_file, BIO_new_fp, and the
// BIO_read_filename family of ctrls), as OpenSSL 3.0: failures to open put
// a system error ("calling fopen(name, mode)") and a BIO error on the queue.
#include "crypto_local.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

using namespace cachet_compat;

namespace {

FILE* file_of(BIO* b) { return static_cast<FILE*>(b->ptr); }

// The system error behind a failed stdio call, with what was being done.
void raise_sys(int err, const char* what, const char* name = nullptr, const char* mode = nullptr,
               const char* func = __builtin_FUNCTION(), int line = __builtin_LINE()) {
  ERR_new();
  ERR_set_debug(__FILE__, line, func);
  if (name != nullptr) {
    ERR_set_error(ERR_LIB_SYS, err, "calling %s(%s, %s)", what, name, mode);
  } else {
    ERR_set_error(ERR_LIB_SYS, err, "calling %s()", what);
  }
}

int file_create(BIO* b) {
  b->init = 0;  // until a FILE is attached
  b->num = 0;
  b->ptr = nullptr;
  return 1;
}

void close_file(BIO* b) {
  if (b->shutdown != 0 && b->init != 0 && b->ptr != nullptr) fclose(file_of(b));
  b->ptr = nullptr;
  b->flags = 0;
  b->init = 0;
}

int file_destroy(BIO* b) {
  close_file(b);
  return 1;
}

int file_read(BIO* b, char* out, int outl) {
  if (b->init == 0 || out == nullptr || outl <= 0) return 0;
  const size_t n = fread(out, 1, static_cast<size_t>(outl), file_of(b));
  if (n == 0 && ferror(file_of(b)) != 0) {
    raise_sys(errno, "fread");
    raise_error(ERR_LIB_BIO, ERR_R_SYS_LIB);
    return -1;
  }
  return static_cast<int>(n);
}

// All or nothing, as one fwrite item.
int file_write(BIO* b, const char* in, int inl) {
  if (b->init == 0 || in == nullptr || inl <= 0) return 0;
  return fwrite(in, static_cast<size_t>(inl), 1, file_of(b)) == 1 ? inl : 0;
}

int file_gets(BIO* b, char* buf, int size) {
  if (size <= 0) return 0;
  buf[0] = '\0';
  if (fgets(buf, size, file_of(b)) == nullptr) return 0;
  return static_cast<int>(std::strlen(buf));
}

int file_puts(BIO* b, const char* str) { return file_write(b, str, static_cast<int>(std::strlen(str))); }

// BIO_FP_* flags to an fopen mode ("" when they make no sense).
const char* fopen_mode(long flags) {
  if ((flags & BIO_FP_APPEND) != 0) return (flags & BIO_FP_READ) != 0 ? "a+" : "a";
  if ((flags & BIO_FP_READ) != 0 && (flags & BIO_FP_WRITE) != 0) return "r+";
  if ((flags & BIO_FP_WRITE) != 0) return "w";
  if ((flags & BIO_FP_READ) != 0) return "r";
  return "";
}

long open_file(BIO* b, long flags, const char* name) {
  close_file(b);
  b->shutdown = static_cast<int>(flags & BIO_CLOSE);
  const char* mode = fopen_mode(flags);
  if (*mode == '\0') {
    raise_error(ERR_LIB_BIO, kBioReasonBadFopenMode);
    return 0;
  }
  FILE* fp = fopen(name, mode);
  if (fp == nullptr) {
    raise_sys(errno, "fopen", name, mode);
    raise_error(ERR_LIB_BIO, ERR_R_SYS_LIB);
    return 0;
  }
  b->ptr = fp;
  b->init = 1;
  return 1;
}

long flush_file(BIO* b) {
  if (b->init == 0 || fflush(file_of(b)) != EOF) return 1;
  raise_sys(errno, "fflush");
  raise_error(ERR_LIB_BIO, ERR_R_SYS_LIB);
  return 0;
}

// Ctrls that need an open FILE answer 0 without one.
bool needs_file(int cmd) {
  return cmd == BIO_CTRL_RESET || cmd == BIO_C_FILE_SEEK || cmd == BIO_CTRL_EOF || cmd == BIO_C_FILE_TELL ||
         cmd == BIO_CTRL_INFO;
}

long file_ctrl(BIO* b, int cmd, long larg, void* parg) {
  if (needs_file(cmd) && file_of(b) == nullptr) return 0;
  switch (cmd) {
    case BIO_CTRL_RESET:
      return fseek(file_of(b), 0, SEEK_SET);
    case BIO_C_FILE_SEEK:
      return fseek(file_of(b), larg, SEEK_SET);
    case BIO_CTRL_EOF:
      return feof(file_of(b));
    case BIO_C_FILE_TELL:
    case BIO_CTRL_INFO:
      return ftell(file_of(b));
    case BIO_C_SET_FILE_PTR:
      close_file(b);
      b->shutdown = static_cast<int>(larg & BIO_CLOSE);
      b->ptr = parg;
      b->init = 1;
      return 1;
    case BIO_C_GET_FILE_PTR:
      if (parg != nullptr) *static_cast<FILE**>(parg) = file_of(b);
      return 1;
    case BIO_C_SET_FILENAME:
      if (parg == nullptr) return 0;
      return open_file(b, larg, static_cast<const char*>(parg));
    case BIO_CTRL_GET_CLOSE:
      return b->shutdown;
    case BIO_CTRL_SET_CLOSE:
      b->shutdown = static_cast<int>(larg);
      return 1;
    case BIO_CTRL_FLUSH:
      return flush_file(b);
    case BIO_CTRL_DUP:
      return 1;
    default:  // PENDING, WPENDING, PUSH, POP
      return 0;
  }
}

}  // namespace

extern "C" {

const BIO_METHOD* BIO_s_file(void) {
  static const BIO_METHOD method = make_method(BIO_TYPE_FILE, "FILE pointer", file_write, file_read, file_puts,
                                               file_gets, file_ctrl, file_create, file_destroy);
  return &method;
}

BIO* BIO_new_file(const char* filename, const char* mode) {
  if (filename == nullptr || mode == nullptr) {
    raise_error(ERR_LIB_BIO, ERR_R_PASSED_NULL_PARAMETER);
    return nullptr;
  }
  FILE* fp = fopen(filename, mode);
  if (fp == nullptr) {
    const int err = errno;
    raise_sys(err, "fopen", filename, mode);
    raise_error(ERR_LIB_BIO, err == ENOENT || err == ENXIO ? kBioReasonNoSuchFile : ERR_R_SYS_LIB);
    return nullptr;
  }
  BIO* b = BIO_new(BIO_s_file());
  if (b == nullptr) {
    fclose(fp);
    return nullptr;
  }
  (void)BIO_set_fp(b, fp, BIO_CLOSE);
  return b;
}

BIO* BIO_new_fp(FILE* stream, int close_flag) {
  BIO* b = BIO_new(BIO_s_file());
  if (b != nullptr) (void)BIO_set_fp(b, stream, close_flag);
  return b;
}

}  // extern "C"
