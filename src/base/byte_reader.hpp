// ByteReader: the only way Cachet reads wire bytes.
//
// A bounded cursor over a span it does not own. Every read is bounds-checked
// and returns a Result; a failed read leaves the cursor where it was, so a
// caller can never observe a half-consumed field. Length-prefixed fields are
// read as sub-readers confined to the prefixed bytes: no read past a length
// prefix is possible through this API.
#pragma once

#include <cachet/error.hpp>

#include "base/bytes.hpp"

namespace cachet {

class ByteReader {
 public:
  constexpr ByteReader() noexcept = default;
  constexpr explicit ByteReader(ByteSpan data) noexcept : data_(data) {}

  size_t remaining() const noexcept { return data_.size() - pos_; }
  bool empty() const noexcept { return remaining() == 0; }
  size_t offset() const noexcept { return pos_; }
  // The unread bytes, without consuming them.
  ByteSpan peek_rest() const noexcept { return data_.subspan(pos_); }

  // The fixed-width reads are inline: the record layer runs them for every
  // record, and a call per field cost more than the read (perf, session 9).
  Result<uint8_t> u8() noexcept {
    if (remaining() < 1) return truncated("u8 runs past the end");
    return data_[pos_++];
  }
  Result<uint16_t> u16() noexcept { return read<uint16_t, 2>(); }
  Result<uint32_t> u24() noexcept { return read<uint32_t, 3>(); }
  Result<uint32_t> u32() noexcept { return read<uint32_t, 4>(); }
  Result<uint64_t> u48() noexcept { return read<uint64_t, 6>(); }
  Result<uint64_t> u64() noexcept { return read<uint64_t, 8>(); }

  // The next n bytes as a view into the underlying data.
  Result<ByteSpan> bytes(size_t n) noexcept {
    if (remaining() < n) return truncated("byte string runs past the end");
    const ByteSpan out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  Result<void> skip(size_t n) noexcept {
    if (remaining() < n) return truncated("byte string runs past the end");
    pos_ += n;
    return ok();
  }
  // Copies exactly out.size() bytes.
  Result<void> copy_to(MutableByteSpan out) noexcept;
  // Everything that is left (may be empty).
  ByteSpan rest() noexcept;

  // A 1-, 2- or 3-byte big-endian length followed by that many bytes; returns a
  // reader over exactly those bytes. Nothing is consumed on failure.
  Result<ByteReader> prefixed8() noexcept { return prefixed(1); }
  Result<ByteReader> prefixed16() noexcept { return prefixed(2); }
  Result<ByteReader> prefixed24() noexcept { return prefixed(3); }
  Result<ByteSpan> prefixed_bytes8() noexcept { return prefixed_bytes(1); }
  Result<ByteSpan> prefixed_bytes16() noexcept { return prefixed_bytes(2); }
  Result<ByteSpan> prefixed_bytes24() noexcept { return prefixed_bytes(3); }

  // "No trailing bytes": kTrailingBytes unless everything has been read.
  Result<void> expect_empty() const noexcept;

 private:
  // A big-endian unsigned integer of Width bytes.
  template <typename T, size_t Width>
  Result<T> read() noexcept {
    if (remaining() < Width) return truncated("integer runs past the end");
    const T v = static_cast<T>(load_be<Width>(data_.data() + pos_));
    pos_ += Width;
    return v;
  }
  Result<uint64_t> big_endian(size_t width) noexcept;
  // Out of line and cold: the error path stays out of the inlined reads.
  [[gnu::cold, gnu::noinline]] static Error truncated(const char* what) noexcept;
  Result<ByteReader> prefixed(size_t width) noexcept;
  Result<ByteSpan> prefixed_bytes(size_t width) noexcept;

  ByteSpan data_;
  size_t pos_ = 0;
};

}  // namespace cachet
