// Counting every allocation a test's thread makes.
//
// Include from exactly one source file of a test program: it replaces the
// global operator new/delete and, outside sanitizer builds (where the
// sanitizer owns malloc), interposes malloc/calloc/realloc, forwarding to
// glibc's __libc_* entry points. An allocation anywhere — Cachet,
// libstdc++, nettle, GnuTLS — is then counted while allocations_during()
// runs. CACHET_COUNT_MALLOC says whether malloc itself is counted.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

namespace cachet::test {

inline thread_local bool g_counting = false;
inline thread_local unsigned long g_allocations = 0;

inline void note_allocation() {
  if (g_counting) ++g_allocations;
}

// Allocations made by the current thread while `f` runs.
template <typename F>
unsigned long allocations_during(F&& f) {
  g_allocations = 0;
  g_counting = true;
  f();
  g_counting = false;
  return g_allocations;
}

}  // namespace cachet::test

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define CACHET_COUNT_MALLOC 1
extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void __libc_free(void*);
void* malloc(size_t n) {
  cachet::test::note_allocation();
  return __libc_malloc(n);
}
void* calloc(size_t n, size_t m) {
  cachet::test::note_allocation();
  return __libc_calloc(n, m);
}
void* realloc(void* p, size_t n) {
  cachet::test::note_allocation();
  return __libc_realloc(p, n);
}
}
namespace cachet::test {
inline void* raw_malloc(size_t n) { return __libc_malloc(n); }
inline void raw_free(void* p) { __libc_free(p); }
}  // namespace cachet::test
#else
namespace cachet::test {
inline void* raw_malloc(size_t n) { return std::malloc(n); }
// Not inlined: GCC would otherwise see memory from operator new reach free()
// and warn (-Wmismatched-new-delete), though here that is the pairing.
[[gnu::noinline]] inline void raw_free(void* p) { std::free(p); }
}  // namespace cachet::test
#endif

void* operator new(size_t n) {
  cachet::test::note_allocation();
  if (void* p = cachet::test::raw_malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  cachet::test::note_allocation();
  return cachet::test::raw_malloc(n == 0 ? 1 : n);
}
void* operator new[](size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept { cachet::test::raw_free(p); }
void operator delete[](void* p) noexcept { cachet::test::raw_free(p); }
void operator delete(void* p, size_t) noexcept { cachet::test::raw_free(p); }
void operator delete[](void* p, size_t) noexcept { cachet::test::raw_free(p); }
