#include "base/byte_writer.hpp"

#include <algorithm>
#include <cstring>

namespace cachet {

uint8_t* ByteWriter::grow(size_t n) noexcept {
  if (error_.code() != ErrorCode::kOk) return nullptr;
  if (n > max_size_ - size_) {
    fail(Error(ErrorCode::kBufferTooSmall, "write exceeds the buffer"));
    return nullptr;
  }
  uint8_t* out;
  if (is_fixed_) {
    out = fixed_.data() + size_;
  } else {
    try {
      // Messages are written a few bytes at a time: reserve geometrically
      // from 256 bytes so that a typical one costs one allocation, not the
      // eight of a vector growing from empty.
      if (size_ + n > owned_.capacity()) {
        owned_.reserve(std::min(max_size_, std::max({size_ + n, 2 * owned_.capacity(), size_t{256}})));
      }
      owned_.resize(size_ + n);
    } catch (...) {
      fail(Error(ErrorCode::kBufferTooSmall, "allocation failed"));
      return nullptr;
    }
    out = owned_.data() + size_;
  }
  size_ += n;
  return out;
}

void ByteWriter::big_endian(uint64_t v, size_t width) noexcept {
  uint8_t* out = grow(width);
  if (out == nullptr) return;
  for (size_t i = 0; i < width; ++i) out[i] = static_cast<uint8_t>(v >> (8 * (width - 1 - i)));
}

void ByteWriter::u24(uint32_t v) noexcept {
  if (v > 0xffffff) return fail(Error(ErrorCode::kOutOfRange, "value does not fit 24 bits"));
  big_endian(v, 3);
}

void ByteWriter::u48(uint64_t v) noexcept {
  if (v > 0xffffffffffffULL) return fail(Error(ErrorCode::kOutOfRange, "value does not fit 48 bits"));
  big_endian(v, 6);
}

void ByteWriter::bytes(ByteSpan data) noexcept {
  if (data.empty()) return;
  uint8_t* out = grow(data.size());
  if (out != nullptr) std::memmove(out, data.data(), data.size());
}

MutableByteSpan ByteWriter::reserve(size_t n) noexcept {
  uint8_t* out = grow(n);
  if (out == nullptr) return {};
  return {out, n};
}

ByteWriter::Prefix ByteWriter::begin_prefix(size_t width) noexcept {
  Prefix p{size_, width};
  if (width < 1 || width > 4) {
    fail(Error(ErrorCode::kInvalidArgument, "length prefix width must be 1..4"));
    return p;
  }
  big_endian(0, width);
  ++open_prefixes_;
  return p;
}

void ByteWriter::end_prefix(Prefix p) noexcept {
  if (error_.code() != ErrorCode::kOk) return;
  if (open_prefixes_ == 0 || p.offset + p.width > size_) {
    return fail(Error(ErrorCode::kInternal, "end_prefix without begin_prefix"));
  }
  --open_prefixes_;
  const uint64_t len = size_ - p.offset - p.width;
  if (p.width < 8 && len >> (8 * p.width) != 0) {
    return fail(Error(ErrorCode::kLengthTooLarge, "length does not fit its prefix"));
  }
  uint8_t* base = is_fixed_ ? fixed_.data() : owned_.data();
  for (size_t i = 0; i < p.width; ++i) {
    base[p.offset + i] = static_cast<uint8_t>(len >> (8 * (p.width - 1 - i)));
  }
}

void ByteWriter::prefixed_bytes(size_t width, ByteSpan data) noexcept {
  Prefix p = begin_prefix(width);
  bytes(data);
  end_prefix(p);
}

ByteSpan ByteWriter::written() const noexcept {
  if (is_fixed_) return fixed_.first(size_);
  return ByteSpan(owned_.data(), size_);
}

Result<void> ByteWriter::status() const noexcept {
  if (error_.code() != ErrorCode::kOk) return error_;
  if (open_prefixes_ != 0) return Error(ErrorCode::kInternal, "length prefix left open");
  return ok();
}

Result<Bytes> ByteWriter::take() {
  CACHET_TRY(status());
  if (is_fixed_) return Bytes(fixed_.begin(), fixed_.begin() + static_cast<ptrdiff_t>(size_));
  Bytes out = std::move(owned_);
  owned_.clear();
  size_ = 0;
  return out;
}

}  // namespace cachet
