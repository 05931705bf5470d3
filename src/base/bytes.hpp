// Byte vocabulary shared by every layer.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cachet {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;
using MutableByteSpan = std::span<uint8_t>;

inline ByteSpan as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Big-endian integers of 1..8 bytes at a raw pointer, as one load or store
// and a byte swap: ByteReader and ByteWriter use these after their bounds
// checks, and the record layer's nonce and additional data (fixed-size
// arrays). GCC at -O2 kept the byte-at-a-time loops as loops (perf, session 9).
template <size_t Width>
inline uint64_t load_be(const uint8_t* in) noexcept {
  static_assert(Width >= 1 && Width <= 8);
  uint64_t raw = 0;
  std::memcpy(&raw, in, Width);
  if constexpr (std::endian::native == std::endian::little) raw = __builtin_bswap64(raw);
  return Width == 8 ? raw : raw >> (8 * (8 - Width));
}

template <size_t Width>
inline void store_be(uint8_t* out, uint64_t v) noexcept {
  static_assert(Width >= 1 && Width <= 8);
  uint64_t raw = Width == 8 ? v : v << (8 * (8 - Width));
  if constexpr (std::endian::native == std::endian::little) raw = __builtin_bswap64(raw);
  std::memcpy(out, &raw, Width);
}

}  // namespace cachet
