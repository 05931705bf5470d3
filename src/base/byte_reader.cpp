#include "base/byte_reader.hpp"

namespace cachet {

Result<uint64_t> ByteReader::big_endian(size_t width) noexcept {
  if (remaining() < width) return Error(ErrorCode::kTruncated, "integer runs past the end");
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += width;
  return v;
}

Result<uint8_t> ByteReader::u8() noexcept {
  if (remaining() < 1) return Error(ErrorCode::kTruncated, "u8 runs past the end");
  return data_[pos_++];
}

Result<uint16_t> ByteReader::u16() noexcept {
  auto v = big_endian(2);
  if (!v) return v.error();
  return static_cast<uint16_t>(*v);
}

Result<uint32_t> ByteReader::u24() noexcept {
  auto v = big_endian(3);
  if (!v) return v.error();
  return static_cast<uint32_t>(*v);
}

Result<uint32_t> ByteReader::u32() noexcept {
  auto v = big_endian(4);
  if (!v) return v.error();
  return static_cast<uint32_t>(*v);
}

Result<uint64_t> ByteReader::u48() noexcept { return big_endian(6); }
Result<uint64_t> ByteReader::u64() noexcept { return big_endian(8); }

Result<ByteSpan> ByteReader::bytes(size_t n) noexcept {
  if (remaining() < n) return Error(ErrorCode::kTruncated, "byte string runs past the end");
  ByteSpan out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

Result<void> ByteReader::copy_to(MutableByteSpan out) noexcept {
  auto b = bytes(out.size());
  if (!b) return b.error();
  for (size_t i = 0; i < out.size(); ++i) out[i] = (*b)[i];
  return ok();
}

Result<void> ByteReader::skip(size_t n) noexcept {
  auto b = bytes(n);
  if (!b) return b.error();
  return ok();
}

ByteSpan ByteReader::rest() noexcept {
  ByteSpan out = data_.subspan(pos_);
  pos_ = data_.size();
  return out;
}

Result<ByteSpan> ByteReader::prefixed_bytes(size_t width) noexcept {
  const size_t start = pos_;
  auto len = big_endian(width);
  if (!len) return len.error();
  if (remaining() < *len) {
    pos_ = start;  // a failed read does not advance, prefix included
    return Error(ErrorCode::kTruncated, "length prefix runs past the end");
  }
  ByteSpan out = data_.subspan(pos_, static_cast<size_t>(*len));
  pos_ += static_cast<size_t>(*len);
  return out;
}

Result<ByteReader> ByteReader::prefixed(size_t width) noexcept {
  auto body = prefixed_bytes(width);
  if (!body) return body.error();
  return ByteReader(*body);
}

Result<void> ByteReader::expect_empty() const noexcept {
  if (!empty()) return Error(ErrorCode::kTrailingBytes, "trailing bytes");
  return ok();
}

}  // namespace cachet
