#include "base/byte_reader.hpp"

namespace cachet {

Error ByteReader::truncated(const char* what) noexcept { return Error(ErrorCode::kTruncated, what); }

Result<uint64_t> ByteReader::big_endian(size_t width) noexcept {
  if (remaining() < width) return truncated("integer runs past the end");
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += width;
  return v;
}

Result<void> ByteReader::copy_to(MutableByteSpan out) noexcept {
  auto b = bytes(out.size());
  if (!b) return b.error();
  for (size_t i = 0; i < out.size(); ++i) out[i] = (*b)[i];
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
