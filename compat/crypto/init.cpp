// Library plumbing: initialisation, version queries (OpenSSL 3.0.19's
// numbers, so version checks pass; the text says Cachet is underneath),
// the allocator hooks, constant-time compare and wiping, and ex_data index
// allocation.
#include "crypto_local.hpp"

#include <cachet/version.hpp>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

using namespace cachet_compat;

namespace {

std::atomic<bool> stopped{false};

// ---- allocator hooks (CRYPTO_set_mem_functions) ---------------------------

std::atomic<CRYPTO_malloc_fn> malloc_hook{nullptr};
std::atomic<CRYPTO_realloc_fn> realloc_hook{nullptr};
std::atomic<CRYPTO_free_fn> free_hook{nullptr};
// Replacing the allocator is refused once anything has been allocated, so
// no block is ever freed by a different allocator than made it.
std::atomic<bool> allocator_replaceable{true};

// ---- ex_data indexes ---------------------------------------------------------

struct ExIndex {
  long argl;
  void* argp;
  CRYPTO_EX_new* new_func;
  CRYPTO_EX_dup* dup_func;
  CRYPTO_EX_free* free_func;
};

std::mutex ex_mutex;
std::vector<ExIndex> ex_indexes[CRYPTO_EX_INDEX__COUNT];

#ifndef CACHET_COMPAT_OPENSSLDIR
#define CACHET_COMPAT_OPENSSLDIR "/usr/lib/ssl"  // where Debian keeps certs/, as programs expect
#endif

const char* platform() {
#if defined(__x86_64__)
  return "platform: linux-x86_64";
#elif defined(__aarch64__)
  return "platform: linux-aarch64";
#else
  return "platform: linux";
#endif
}

}  // namespace

extern "C" {

// ---- initialisation -----------------------------------------------------------

// Everything is ready at load time; after OPENSSL_cleanup nothing may start
// again, as in OpenSSL.
int OPENSSL_init_crypto(uint64_t, const OPENSSL_INIT_SETTINGS*) { return stopped.load() ? 0 : 1; }

void OPENSSL_cleanup(void) {
  if (stopped.exchange(true)) return;
  ERR_clear_error();
}

// ---- versions -------------------------------------------------------------------

unsigned int OPENSSL_version_major(void) { return OPENSSL_VERSION_MAJOR; }
unsigned int OPENSSL_version_minor(void) { return OPENSSL_VERSION_MINOR; }
unsigned int OPENSSL_version_patch(void) { return OPENSSL_VERSION_PATCH; }
unsigned long OpenSSL_version_num(void) { return OPENSSL_VERSION_NUMBER; }

const char* OpenSSL_version(int type) {
  static const std::string text = std::string("OpenSSL ") + OPENSSL_VERSION_STR + " compatible (Cachet " +
                                  std::string(cachet::version()) + ")";
  switch (type) {
    case OPENSSL_VERSION:
      return text.c_str();
    case OPENSSL_VERSION_STRING:
      return OPENSSL_VERSION_STR;
    case OPENSSL_FULL_VERSION_STRING:
      return OPENSSL_FULL_VERSION_STR;
    case OPENSSL_CFLAGS:
      return "compiler: information not available";
    case OPENSSL_BUILT_ON:
      return "built on: date not available";
    case OPENSSL_PLATFORM:
      return platform();
    case OPENSSL_DIR:
      return "OPENSSLDIR: \"" CACHET_COMPAT_OPENSSLDIR "\"";
    case OPENSSL_ENGINES_DIR:
      return "ENGINESDIR: \"\"";  // no engines
    case OPENSSL_MODULES_DIR:
      return "MODULESDIR: \"\"";  // no providers
    case OPENSSL_CPU_INFO:
      return "CPUINFO: not available";
    default:
      return "not available";
  }
}

// ---- memory ---------------------------------------------------------------------

void* CRYPTO_malloc(size_t num, const char* file, int line) {
  if (CRYPTO_malloc_fn hook = malloc_hook.load()) return hook(num, file, line);
  if (num == 0) return nullptr;
  allocator_replaceable.store(false);
  return std::malloc(num);
}

void* CRYPTO_zalloc(size_t num, const char* file, int line) {
  void* p = CRYPTO_malloc(num, file, line);
  if (p != nullptr) std::memset(p, 0, num);
  return p;
}

void* CRYPTO_realloc(void* addr, size_t num, const char* file, int line) {
  if (CRYPTO_realloc_fn hook = realloc_hook.load()) return hook(addr, num, file, line);
  if (addr == nullptr) return CRYPTO_malloc(num, file, line);
  if (num == 0) {
    CRYPTO_free(addr, file, line);
    return nullptr;
  }
  return std::realloc(addr, num);
}

void CRYPTO_free(void* ptr, const char* file, int line) {
  if (CRYPTO_free_fn hook = free_hook.load()) return hook(ptr, file, line);
  std::free(ptr);
}

char* CRYPTO_strdup(const char* str, const char* file, int line) {
  if (str == nullptr) return nullptr;
  const size_t n = std::strlen(str) + 1;
  char* out = static_cast<char*>(CRYPTO_malloc(n, file, line));
  if (out != nullptr) std::memcpy(out, str, n);
  return out;
}

char* CRYPTO_strndup(const char* str, size_t s, const char* file, int line) {
  if (str == nullptr) return nullptr;
  const size_t n = strnlen(str, s);
  char* out = static_cast<char*>(CRYPTO_malloc(n + 1, file, line));
  if (out == nullptr) return nullptr;
  std::memcpy(out, str, n);
  out[n] = '\0';
  return out;
}

int CRYPTO_set_mem_functions(CRYPTO_malloc_fn malloc_fn, CRYPTO_realloc_fn realloc_fn, CRYPTO_free_fn free_fn) {
  if (!allocator_replaceable.load()) return 0;
  if (malloc_fn != nullptr) malloc_hook.store(malloc_fn);
  if (realloc_fn != nullptr) realloc_hook.store(realloc_fn);
  if (free_fn != nullptr) free_hook.store(free_fn);
  return 1;
}

// 0 when equal, 1 otherwise; the time taken depends only on len.
int CRYPTO_memcmp(const void* in_a, const void* in_b, size_t len) {
  const unsigned char* a = static_cast<const unsigned char*>(in_a);
  const unsigned char* b = static_cast<const unsigned char*>(in_b);
  unsigned char diff = 0;
  for (size_t i = 0; i < len; ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    __asm__ volatile("" : "+r"(diff));  // no early exit once a difference is known
  }
  return diff != 0;
}

// explicit_bzero: a store the compiler may not drop as dead.
void OPENSSL_cleanse(void* ptr, size_t len) {
  if (ptr != nullptr && len != 0) explicit_bzero(ptr, len);
}

// ---- ex_data ------------------------------------------------------------------------

// Index 0 of each class is reserved for the X_get_app_data/X_set_app_data
// macros, so the first index handed out is 1.
int CRYPTO_get_ex_new_index(int class_index, long argl, void* argp, CRYPTO_EX_new* new_func,
                            CRYPTO_EX_dup* dup_func, CRYPTO_EX_free* free_func) {
  if (class_index < 0 || class_index >= CRYPTO_EX_INDEX__COUNT) {
    raise_error(ERR_LIB_CRYPTO, ERR_R_PASSED_INVALID_ARGUMENT);
    return -1;
  }
  std::lock_guard<std::mutex> lock(ex_mutex);
  std::vector<ExIndex>& indexes = ex_indexes[class_index];
  if (indexes.empty()) indexes.push_back(ExIndex{0, nullptr, nullptr, nullptr, nullptr});
  indexes.push_back(ExIndex{argl, argp, new_func, dup_func, free_func});
  return static_cast<int>(indexes.size() - 1);
}

}  // extern "C"
