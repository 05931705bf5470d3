// Secret handling: wiping, constant-time comparison, and a byte buffer that
// wipes itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "base/bytes.hpp"

namespace cachet {

// Overwrites `size` bytes at `data` with zeros; the compiler may not elide it.
void secure_wipe(void* data, size_t size) noexcept;
inline void secure_wipe(MutableByteSpan bytes) noexcept { secure_wipe(bytes.data(), bytes.size()); }

// True when a and b have the same length and contents. The time taken depends
// only on the lengths, never on the contents (for MACs, Finished, cookies, tags).
bool constant_time_equal(ByteSpan a, ByteSpan b) noexcept;

// Returns 0xff..ff when the condition byte is non-zero, 0 otherwise, branch-free.
inline uint8_t constant_time_mask(uint8_t nonzero) noexcept {
  unsigned v = nonzero;
  return static_cast<uint8_t>(0u - ((v | (0u - v)) >> 31 & 1u));
}

// A heap buffer for key material: wiped on destruction, on resize and on
// assignment. Not copyable by accident: copy() is explicit.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size) : bytes_(size) {}
  explicit SecretBytes(ByteSpan data) : bytes_(data.begin(), data.end()) {}
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      wipe();
      bytes_ = std::move(other.bytes_);
      other.bytes_.clear();
    }
    return *this;
  }
  ~SecretBytes() { wipe(); }

  SecretBytes copy() const { return SecretBytes(ByteSpan(bytes_)); }

  uint8_t* data() noexcept { return bytes_.data(); }
  const uint8_t* data() const noexcept { return bytes_.data(); }
  size_t size() const noexcept { return bytes_.size(); }
  bool empty() const noexcept { return bytes_.empty(); }
  ByteSpan span() const noexcept { return bytes_; }
  MutableByteSpan mutable_span() noexcept { return bytes_; }
  operator ByteSpan() const noexcept { return bytes_; }

  // Wipes the current contents before changing size, so no stale copy of a
  // secret stays behind in a freed buffer.
  void resize(size_t size);
  void wipe() noexcept {
    secure_wipe(bytes_.data(), bytes_.size());
    bytes_.clear();
    bytes_.shrink_to_fit();
  }

 private:
  Bytes bytes_;
};

}  // namespace cachet
