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

// True when `a` and `b` share bytes without starting at the same address.
// The AEAD and the record layer take the same buffer (in place) or disjoint
// ones, never a partial overlap. Compared as integers: `<` between pointers
// into unrelated objects is unspecified.
inline bool partially_overlaps(ByteSpan a, ByteSpan b) noexcept {
  if (a.empty() || b.empty() || a.data() == b.data()) return false;
  const auto x = reinterpret_cast<uintptr_t>(a.data());
  const auto y = reinterpret_cast<uintptr_t>(b.data());
  return x < y + b.size() && y < x + a.size();
}

// Big-endian integers of 1..8 bytes at a raw pointer, as whole loads and
// stores of 1, 2, 4 or 8 bytes and byte swaps: ByteReader and ByteWriter use
// these after their bounds checks, and the record layer's nonce and
// additional data (fixed-size arrays). GCC at -O2 kept byte-at-a-time loops
// as loops, and a 6-byte memcpy into a uint64_t became two stores and one
// wider load, a store-forwarding stall (perf, session 9).
template <size_t Width>
inline uint64_t load_be(const uint8_t* in) noexcept {
  static_assert(Width >= 1 && Width <= 8);
  constexpr bool kSwap = std::endian::native == std::endian::little;
  if constexpr (Width == 1) {
    return in[0];
  } else if constexpr (Width == 2) {
    uint16_t v;
    std::memcpy(&v, in, 2);
    return kSwap ? __builtin_bswap16(v) : v;
  } else if constexpr (Width == 4) {
    uint32_t v;
    std::memcpy(&v, in, 4);
    return kSwap ? __builtin_bswap32(v) : v;
  } else if constexpr (Width == 8) {
    uint64_t v;
    std::memcpy(&v, in, 8);
    return kSwap ? __builtin_bswap64(v) : v;
  } else if constexpr (Width > 4) {
    return load_be<4>(in) << (8 * (Width - 4)) | load_be<Width - 4>(in + 4);
  } else {
    return load_be<2>(in) << 8 | load_be<1>(in + 2);
  }
}

template <size_t Width>
inline void store_be(uint8_t* out, uint64_t v) noexcept {
  static_assert(Width >= 1 && Width <= 8);
  constexpr bool kSwap = std::endian::native == std::endian::little;
  if constexpr (Width == 1) {
    out[0] = static_cast<uint8_t>(v);
  } else if constexpr (Width == 2) {
    const auto w = static_cast<uint16_t>(v);
    const uint16_t be = kSwap ? __builtin_bswap16(w) : w;
    std::memcpy(out, &be, 2);
  } else if constexpr (Width == 4) {
    const auto w = static_cast<uint32_t>(v);
    const uint32_t be = kSwap ? __builtin_bswap32(w) : w;
    std::memcpy(out, &be, 4);
  } else if constexpr (Width == 8) {
    const uint64_t be = kSwap ? __builtin_bswap64(v) : v;
    std::memcpy(out, &be, 8);
  } else if constexpr (Width > 4) {
    store_be<4>(out, v >> (8 * (Width - 4)));
    store_be<Width - 4>(out + 4, v);
  } else {
    store_be<2>(out, v >> 8);
    store_be<1>(out + 2, v);
  }
}

}  // namespace cachet
