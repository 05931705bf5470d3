// ByteWriter: the only way Cachet builds wire bytes.
//
// Two modes: growable (owns a Bytes, with a size cap) and fixed-capacity
// (writes into a caller's span and never allocates — the record path uses
// this). Errors are sticky: the first overflow or bad length puts the writer in
// an error state, later writes do nothing, and status()/take() report it, so a
// serializer writes its fields and checks once. Length prefixes are opened
// with begin_prefix() and patched by end_prefix(); a length that does not fit
// its prefix is an error, never a silent truncation.
#pragma once

#include <cachet/error.hpp>

#include <cstring>

#include "base/bytes.hpp"

namespace cachet {

class ByteWriter {
 public:
  // Growable buffers are capped so that no computed size can exhaust memory.
  static constexpr size_t kDefaultMaxSize = size_t{1} << 24;

  // A marker for an open length prefix; pass it back to end_prefix().
  struct Prefix {
    size_t offset;
    size_t width;
  };

  explicit ByteWriter(size_t max_size = kDefaultMaxSize) : max_size_(max_size) {}
  explicit ByteWriter(MutableByteSpan fixed) noexcept
      : base_(fixed.data()), room_(fixed.size()), is_fixed_(true), max_size_(fixed.size()) {}
  ByteWriter(const ByteWriter&) = delete;
  ByteWriter& operator=(const ByteWriter&) = delete;

  void u8(uint8_t v) noexcept { put<1>(v); }
  void u16(uint16_t v) noexcept { put<2>(v); }
  void u24(uint32_t v) noexcept {
    if (v > 0xffffff) return fail_cold(ErrorCode::kOutOfRange, "value does not fit 24 bits");
    put<3>(v);
  }
  void u32(uint32_t v) noexcept { put<4>(v); }
  void u48(uint64_t v) noexcept {
    if (v > 0xffffffffffffULL) return fail_cold(ErrorCode::kOutOfRange, "value does not fit 48 bits");
    put<6>(v);
  }
  void u64(uint64_t v) noexcept { put<8>(v); }
  void bytes(ByteSpan data) noexcept {
    if (data.empty()) return;
    uint8_t* out = grow(data.size());
    if (out != nullptr) std::memmove(out, data.data(), data.size());
  }
  // Reserves n bytes and returns them for the caller to fill (e.g. an AEAD
  // writing in place); empty on error.
  MutableByteSpan reserve(size_t n) noexcept {
    uint8_t* out = grow(n);
    if (out == nullptr) return {};
    return {out, n};
  }

  Prefix begin_prefix(size_t width) noexcept;
  void end_prefix(Prefix prefix) noexcept;
  // Writes `data` behind a `width`-byte length prefix.
  void prefixed_bytes(size_t width, ByteSpan data) noexcept;

  size_t size() const noexcept { return size_; }
  ByteSpan written() const noexcept { return ByteSpan(base_, size_); }
  // Error state, or kInternal when a prefix is still open.
  Result<void> status() const noexcept {
    if (error_.code() != ErrorCode::kOk || open_prefixes_ != 0) [[unlikely]] return status_slow();
    return ok();
  }
  // Growable mode: hands over the bytes (or the error).
  Result<Bytes> take();

 private:
  // Messages are written a few bytes at a time, so the common case (room
  // left, no error) is inline: a pointer bump.
  template <size_t Width>
  void put(uint64_t v) noexcept {
    uint8_t* out = grow(Width);
    if (out != nullptr) store_be<Width>(out, v);
  }
  uint8_t* grow(size_t n) noexcept {
    if (n > room_) return grow_slow(n);
    uint8_t* out = base_ + size_;
    size_ += n;
    room_ -= n;
    return out;
  }
  uint8_t* grow_slow(size_t n) noexcept;
  Result<void> status_slow() const noexcept;
  [[gnu::cold, gnu::noinline]] void fail_cold(ErrorCode code, const char* what) noexcept { fail(Error(code, what)); }
  void fail(Error e) noexcept {
    if (error_.code() == ErrorCode::kOk) error_ = e;
    room_ = 0;  // every later write takes the slow path, which refuses it
  }

  // Growable mode: owned_ is kept at its full allocated length (zeroed once
  // per growth, not per write); its first size_ bytes are the output.
  Bytes owned_;
  uint8_t* base_ = nullptr;  // fixed span or owned_.data()
  size_t room_ = 0;          // bytes writable at base_ + size_ without growing
  bool is_fixed_ = false;
  size_t max_size_;
  size_t size_ = 0;
  size_t open_prefixes_ = 0;
  Error error_{ErrorCode::kOk};
};

}  // namespace cachet
