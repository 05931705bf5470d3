// Heap bytes in use, for tests that check memory is released: glibc's
// allocated chunk bytes, or AddressSanitizer's allocator count in a
// --enable-sanitizers build (ASan replaces malloc, and mallinfo2 then sees
// nothing).
#pragma once

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

namespace cachet::test {

inline long long heap_in_use() {
#if defined(__SANITIZE_ADDRESS__)
  return static_cast<long long>(__sanitizer_get_current_allocated_bytes());
#else
  const struct mallinfo2 m = mallinfo2();
  return static_cast<long long>(m.uordblks + m.hblkhd);
#endif
}

}  // namespace cachet::test
