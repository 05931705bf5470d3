#include "base/byte_writer.hpp"

#include <algorithm>
#include <cstring>

namespace cachet {

uint8_t* ByteWriter::grow_slow(size_t n) noexcept {
  if (error_.code() != ErrorCode::kOk) return nullptr;
  if (n > max_size_ - size_) {
    fail(Error(ErrorCode::kBufferTooSmall, "write exceeds the buffer"));
    return nullptr;
  }
  if (is_fixed_) {  // unreachable: room_ covers the whole span up to max_size_
    fail(Error(ErrorCode::kBufferTooSmall, "write exceeds the buffer"));
    return nullptr;
  }
  try {
    // Geometric from 256 bytes, so that a typical message costs one
    // allocation, not the eight of a vector growing from empty.
    const size_t length = std::min(max_size_, std::max({size_ + n, 2 * owned_.size(), size_t{256}}));
    owned_.resize(length);
  } catch (...) {
    fail(Error(ErrorCode::kBufferTooSmall, "allocation failed"));
    return nullptr;
  }
  base_ = owned_.data();
  room_ = owned_.size() - size_;
  uint8_t* out = base_ + size_;
  size_ += n;
  room_ -= n;
  return out;
}

ByteWriter::Prefix ByteWriter::begin_prefix(size_t width) noexcept {
  Prefix p{size_, width};
  if (width < 1 || width > 4) {
    fail(Error(ErrorCode::kInvalidArgument, "length prefix width must be 1..4"));
    return p;
  }
  uint8_t* out = grow(width);  // patched by end_prefix()
  if (out != nullptr) std::memset(out, 0, width);
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
  for (size_t i = 0; i < p.width; ++i) {
    base_[p.offset + i] = static_cast<uint8_t>(len >> (8 * (p.width - 1 - i)));
  }
}

void ByteWriter::prefixed_bytes(size_t width, ByteSpan data) noexcept {
  Prefix p = begin_prefix(width);
  bytes(data);
  end_prefix(p);
}

Result<void> ByteWriter::status_slow() const noexcept {
  if (error_.code() != ErrorCode::kOk) return error_;
  if (open_prefixes_ != 0) return Error(ErrorCode::kInternal, "length prefix left open");
  return ok();
}

Result<Bytes> ByteWriter::take() {
  CACHET_TRY(status());
  if (is_fixed_) return Bytes(base_, base_ + size_);
  owned_.resize(size_);
  Bytes out = std::move(owned_);
  owned_ = Bytes();
  base_ = nullptr;
  size_ = room_ = 0;
  return out;
}

}  // namespace cachet
