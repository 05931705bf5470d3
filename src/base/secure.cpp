#include "base/secure.hpp"

#include <string.h>

namespace cachet {

void secure_wipe(void* data, size_t size) noexcept {
  if (data != nullptr && size != 0) explicit_bzero(data, size);
}

bool constant_time_equal(ByteSpan a, ByteSpan b) noexcept {
  if (a.size() != b.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= a[i] ^ b[i];
  // Keep the compiler from turning the accumulation into an early exit.
  volatile uint8_t sink = diff;
  return sink == 0;
}

void SecretBytes::resize(size_t size) {
  Bytes fresh(size);
  const size_t keep = size < bytes_.size() ? size : bytes_.size();
  for (size_t i = 0; i < keep; ++i) fresh[i] = bytes_[i];
  wipe();
  bytes_ = std::move(fresh);
}

}  // namespace cachet
