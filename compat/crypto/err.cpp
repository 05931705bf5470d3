// The per-thread error queue (ERR_*), as OpenSSL 3.0 keeps it: a ring of
// 16 slots of which 15 hold errors (the oldest is dropped), each with the
// raising file, line and function and an optional formatted data string;
// and the texts and line formats of ERR_error_string_n and
// ERR_print_errors*, which programs and their logs rely on.
#include "crypto_local.hpp"

#include <pthread.h>

#include <array>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

using namespace cachet_compat;

// The data argument is a printf format (the header does not say so).
extern "C" void ERR_set_error(int lib, int reason, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

#ifdef __GLIBC__
// glibc's POSIX strerror_r (C++ sees the GNU one under <cstring>).
extern "C" int __xpg_strerror_r(int errnum, char* buf, size_t buflen);
#endif

namespace {

constexpr size_t kSlots = 16;          // ERR_NUM_ERRORS
constexpr size_t kMaxData = 1024;      // ERR_MAX_DATA_SIZE: longer data is dropped
constexpr size_t kPrintLine = 4096;    // one ERR_print_errors* line
constexpr size_t kStaticString = 256;  // ERR_error_string's own buffer

struct Slot {
  unsigned long code = 0;
  const char* file = nullptr;
  int line = -1;
  const char* func = nullptr;
  std::string data;
  // A slot that once held data keeps its buffer (ERR_TXT_MALLOCED) after
  // the data is cleared; OpenSSL reports that flag, so this does too.
  bool data_buffer = false;
  bool data_set = false;  // ERR_TXT_STRING

  void clear_data() {
    data.clear();
    data_set = false;
  }
  void clear() {
    code = 0;
    file = nullptr;
    line = -1;
    func = nullptr;
    clear_data();
  }
  int flags() const { return (data_buffer ? ERR_TXT_MALLOCED : 0) | (data_set ? ERR_TXT_STRING : 0); }
};

// Empty when top == bottom; the oldest error is at bottom + 1.
struct Queue {
  std::array<Slot, kSlots> slots;
  size_t top = 0;
  size_t bottom = 0;
};

thread_local Queue queue;

enum class Take { kPop, kPeekFirst, kPeekLast };

unsigned long take(Take how, const char** file, int* line, const char** func, const char** data, int* flags) {
  Queue& q = queue;
  if (q.top == q.bottom) return 0;
  const size_t i = how == Take::kPeekLast ? q.top : (q.bottom + 1) % kSlots;
  Slot& s = q.slots[i];
  const unsigned long code = s.code;
  if (how == Take::kPop) {
    q.bottom = i;
    s.code = 0;
  }
  if (file != nullptr) *file = s.file != nullptr ? s.file : "";
  if (line != nullptr) *line = s.line;
  if (func != nullptr) *func = s.func != nullptr ? s.func : "";
  if (flags != nullptr) *flags = s.flags();
  if (data == nullptr) {
    if (how == Take::kPop) s.clear_data();
  } else if (s.data_buffer) {
    *data = s.data.c_str();  // valid until the slot is reused
  } else {
    *data = "";
    if (flags != nullptr) *flags = 0;
  }
  return code;
}

// The text of a system error's errno, false when the C library knows none.
bool system_error_text(int err, char* buf, size_t len) {
#ifdef __GLIBC__
  return __xpg_strerror_r(err, buf, len) == 0;  // the POSIX strerror_r (0 on success)
#else
  return strerror_r(err, buf, len) == 0;
#endif
}

// "error:CODE:LIBRARY:FUNCTION:REASON", or "err:CODE:LIB:0:REASON" in hex
// when that does not fit with room to spare.
void describe(unsigned long e, const char* func, char* buf, size_t len) {
  if (len == 0) return;
  const unsigned long lib = static_cast<unsigned long>(ERR_GET_LIB(e));
  const unsigned long reason = static_cast<unsigned long>(ERR_GET_REASON(e));
  char lib_buf[64];
  const char* ls = ERR_lib_error_string(e);
  if (ls == nullptr) {
    std::snprintf(lib_buf, sizeof lib_buf, "lib(%lu)", lib);
    ls = lib_buf;
  }
  char reason_buf[256];
  const char* rs = nullptr;
  if (ERR_SYSTEM_ERROR(e)) {
    if (system_error_text(static_cast<int>(reason), reason_buf, sizeof reason_buf)) rs = reason_buf;
  } else {
    rs = ERR_reason_error_string(e);
  }
  if (rs == nullptr) {
    std::snprintf(reason_buf, sizeof reason_buf, "reason(%lu)", reason);
    rs = reason_buf;
  }
  std::snprintf(buf, len, "error:%08lX:%s:%s:%s", e, ls, func, rs);
  if (std::strlen(buf) == len - 1) std::snprintf(buf, len, "err:%lx:%lx:%lx:%lx", e, lib, 0UL, reason);
}

// The thread's id as the hex of its pthread_t's bytes, as OpenSSL prints it.
std::string thread_tag() {
  const pthread_t self = pthread_self();
  unsigned char bytes[sizeof self];
  std::memcpy(bytes, &self, sizeof self);
  std::string tag;
  char two[3];
  for (unsigned char c : bytes) {
    std::snprintf(two, sizeof two, "%02X", c);
    tag += two;
  }
  return tag;
}

// ERR_set_error's data, dropped (empty) when it would not fit.
__attribute__((format(printf, 2, 0))) void format_data(Slot& s, const char* fmt, va_list args) {
  char text[kMaxData];
  const int n = std::vsnprintf(text, sizeof text, fmt, args);
  if (n > 0 && static_cast<size_t>(n) < sizeof text) s.data = text;
  s.data_buffer = true;
  s.data_set = true;
}

int print_to_file(const char* str, size_t len, void* fp) {
  return static_cast<int>(std::fwrite(str, 1, len, static_cast<FILE*>(fp)));
}

int print_to_bio(const char* str, size_t len, void* bio) {
  return BIO_write(static_cast<BIO*>(bio), str, static_cast<int>(len));
}

}  // namespace

extern "C" {

// ---- raising ------------------------------------------------------------------

void ERR_new(void) {
  Queue& q = queue;
  q.top = (q.top + 1) % kSlots;
  if (q.top == q.bottom) q.bottom = (q.bottom + 1) % kSlots;  // full: drop the oldest
  q.slots[q.top].clear();
}

// file and func are kept as pointers: they are meant to be literals.
void ERR_set_debug(const char* file, int line, const char* func) {
  Slot& s = queue.slots[queue.top];
  s.file = file;
  s.line = line;
  s.func = func;
}

void ERR_set_error(int lib, int reason, const char* fmt, ...) {
  Slot& s = queue.slots[queue.top];
  s.clear_data();
  s.code = lib == ERR_LIB_SYS ? static_cast<unsigned long>(ERR_SYSTEM_FLAG | static_cast<unsigned int>(reason))
                              : ERR_PACK(lib, 0, reason);
  if (fmt == nullptr) return;
  va_list args;
  va_start(args, fmt);
  format_data(s, fmt, args);
  va_end(args);
}

// ---- reading the queue -----------------------------------------------------------

unsigned long ERR_get_error(void) { return take(Take::kPop, nullptr, nullptr, nullptr, nullptr, nullptr); }

unsigned long ERR_get_error_all(const char** file, int* line, const char** func, const char** data, int* flags) {
  return take(Take::kPop, file, line, func, data, flags);
}

unsigned long ERR_get_error_line_data(const char** file, int* line, const char** data, int* flags) {
  return take(Take::kPop, file, line, nullptr, data, flags);
}

unsigned long ERR_peek_error(void) { return take(Take::kPeekFirst, nullptr, nullptr, nullptr, nullptr, nullptr); }

unsigned long ERR_peek_error_line(const char** file, int* line) {
  return take(Take::kPeekFirst, file, line, nullptr, nullptr, nullptr);
}

unsigned long ERR_peek_last_error(void) { return take(Take::kPeekLast, nullptr, nullptr, nullptr, nullptr, nullptr); }

void ERR_clear_error(void) {
  Queue& q = queue;
  for (Slot& s : q.slots) s.clear();
  q.top = q.bottom = 0;
}

// ---- describing codes ---------------------------------------------------------------

void ERR_error_string_n(unsigned long e, char* buf, size_t len) { describe(e, "", buf, len); }

// Not thread-safe without a buffer (OpenSSL's static one, too).
char* ERR_error_string(unsigned long e, char* buf) {
  static char own[kStaticString];
  char* out = buf != nullptr ? buf : own;
  ERR_error_string_n(e, out, kStaticString);
  return out;
}

const char* ERR_lib_error_string(unsigned long e) { return library_text(ERR_GET_LIB(e)); }

// NULL for system errors (ERR_error_string_n spells those out with strerror).
const char* ERR_reason_error_string(unsigned long e) {
  if (ERR_SYSTEM_ERROR(e)) return nullptr;
  const int lib = ERR_GET_LIB(e);
  const int reason = ERR_GET_REASON(e);
  if (reason == 0) return library_text(lib);
  const char* text = library_reason_text(lib, reason);
  return text != nullptr ? text : common_reason_text(reason);
}

// Function codes are gone in 3.0.
const char* ERR_func_error_string(unsigned long) { return nullptr; }

// TID:error:CODE:LIBRARY:FUNCTION:REASON:FILE:LINE:DATA, oldest first,
// draining the queue; stops early when cb returns <= 0.
void ERR_print_errors_cb(int (*cb)(const char* str, size_t len, void* u), void* u) {
  const std::string tag = thread_tag();
  const char *file = nullptr, *func = nullptr, *data = nullptr;
  int line = 0, flags = 0;
  while (unsigned long e = ERR_get_error_all(&file, &line, &func, &data, &flags)) {
    if ((flags & ERR_TXT_STRING) == 0) data = "";
    char buf[kPrintLine];
    std::snprintf(buf, sizeof buf, "%s:", tag.c_str());
    size_t used = std::strlen(buf);
    describe(e, func, buf + used, sizeof buf - used);
    used += std::strlen(buf + used);
    std::snprintf(buf + used, sizeof buf - used, ":%s:%d:%s\n", file, line, data);
    if (cb(buf, std::strlen(buf), u) <= 0) break;
  }
}

void ERR_print_errors_fp(FILE* fp) { ERR_print_errors_cb(print_to_file, fp); }

void ERR_print_errors(BIO* bp) { ERR_print_errors_cb(print_to_bio, bp); }

// Strings are always loaded.
int ERR_load_BIO_strings(void) { return 1; }

}  // extern "C"
