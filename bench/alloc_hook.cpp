// A malloc interposer for the heap rows, plus the CPU clocks.
//
// The program's own malloc/free/... are defined here and forward to glibc's
// (__libc_malloc and friends), so every allocation of every library in the
// process (libcachet, libssl, libgnutls, nettle, the C++ runtime) passes
// through. Counting is off by default (one predictable branch); when on,
// live bytes (malloc_usable_size) and their peak are kept. Only the heap
// rows turn it on, and they run single-threaded. Under AddressSanitizer
// (--enable-sanitizers) ASan owns malloc, so its allocation hooks count
// instead (the figures then describe ASan's allocator, not glibc's).
#include <malloc.h>
#include <cstddef>
#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer's allocator interface (declared here: GCC ships the
// runtime without <sanitizer/allocator_interface.h>).
extern "C" {
size_t __sanitizer_get_current_allocated_bytes(void);
size_t __sanitizer_get_allocated_size(const volatile void* p);
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, size_t),
                                              void (*free_hook)(const volatile void*));
}
#endif
#include <time.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "bench.hpp"

#if !defined(__SANITIZE_ADDRESS__)
extern "C" {
void* __libc_malloc(size_t);
void __libc_free(void*);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
void* __libc_valloc(size_t);
void* __libc_pvalloc(size_t);
}

#endif

namespace {

std::atomic<bool> g_on{false};
std::atomic<long long> g_live{0};
std::atomic<long long> g_peak{0};

inline size_t usable_size(const void* p) {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_allocated_size(p);
#else
  return malloc_usable_size(const_cast<void*>(p));
#endif
}

inline void added(const void* p) {
  if (p == nullptr || !g_on.load(std::memory_order_relaxed)) return;
  const auto size = static_cast<long long>(usable_size(p));
  const long long now = g_live.fetch_add(size, std::memory_order_relaxed) + size;
  long long peak = g_peak.load(std::memory_order_relaxed);
  while (now > peak && !g_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

inline void removed(const void* p) {
  if (p == nullptr || !g_on.load(std::memory_order_relaxed)) return;
  g_live.fetch_sub(static_cast<long long>(usable_size(p)), std::memory_order_relaxed);
}

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer owns malloc: its hooks see every allocation instead.
void on_malloc(const volatile void* p, size_t) { added(const_cast<const void*>(p)); }
void on_free(const volatile void* p) { removed(const_cast<const void*>(p)); }
const int g_hooks_installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
#endif

}  // namespace

#if !defined(__SANITIZE_ADDRESS__)
extern "C" {

void* malloc(size_t n) {
  void* p = __libc_malloc(n);
  added(p);
  return p;
}

void free(void* p) {
  removed(p);
  __libc_free(p);
}

void* calloc(size_t a, size_t b) {
  void* p = __libc_calloc(a, b);
  added(p);
  return p;
}

void* realloc(void* old, size_t n) {
  if (old == nullptr) return malloc(n);
  if (n == 0) {
    free(old);
    return nullptr;
  }
  const size_t before = g_on.load(std::memory_order_relaxed) ? malloc_usable_size(old) : 0;
  void* p = __libc_realloc(old, n);
  if (p != nullptr && g_on.load(std::memory_order_relaxed)) {
    g_live.fetch_sub(static_cast<long long>(before), std::memory_order_relaxed);
    added(p);
  }
  return p;
}

void* memalign(size_t alignment, size_t n) {
  void* p = __libc_memalign(alignment, n);
  added(p);
  return p;
}

void* aligned_alloc(size_t alignment, size_t n) { return memalign(alignment, n); }

int posix_memalign(void** out, size_t alignment, size_t n) {
  if (alignment < sizeof(void*) || (alignment & (alignment - 1)) != 0) return EINVAL;
  void* p = memalign(alignment, n);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

void* valloc(size_t n) {
  void* p = __libc_valloc(n);
  added(p);
  return p;
}

void* pvalloc(size_t n) {
  void* p = __libc_pvalloc(n);
  added(p);
  return p;
}

}  // extern "C"
#endif  // !__SANITIZE_ADDRESS__

namespace bench {

double process_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

namespace heap {
void track(bool on) { g_on.store(on, std::memory_order_relaxed); }
void reset() {
  g_live.store(0, std::memory_order_relaxed);
  g_peak.store(0, std::memory_order_relaxed);
}
long long live() { return g_live.load(std::memory_order_relaxed); }
long long peak() { return g_peak.load(std::memory_order_relaxed); }
long long in_use() {
#if defined(__SANITIZE_ADDRESS__)
  return static_cast<long long>(__sanitizer_get_current_allocated_bytes());
#else
  const struct mallinfo2 m = mallinfo2();
  return static_cast<long long>(m.uordblks + m.hblkhd);
#endif
}
}  // namespace heap

}  // namespace bench
