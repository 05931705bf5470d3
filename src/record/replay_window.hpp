// Anti-replay window (RFC 6347 §4.1.2.6).
//
// check() is read-only and may be called on unauthenticated records; mark() is
// called only after a record has been authenticated. Keeping them apart is
// what stops a forged record with a huge sequence number from sliding the
// window (OpenSSL CVE-2016-2181).
#pragma once

#include <cstdint>
#include <memory>

#include "record/types.hpp"

namespace cachet::record {

class ReplayWindow {
 public:
  static constexpr size_t kDefaultSize = 64;
  static constexpr size_t kMaxSize = 1024;

  enum class Verdict : uint8_t { kFresh, kDuplicate, kTooOld };

  // size is clamped to [kDefaultSize/2 .. kMaxSize] and rounded up to 64.
  explicit ReplayWindow(size_t size = kDefaultSize) noexcept;

  size_t size() const noexcept { return size_; }
  Verdict check(SequenceNumber seq) const noexcept;
  void mark(SequenceNumber seq) noexcept;
  // Highest sequence number marked so far (meaningful once any is marked).
  bool empty() const noexcept { return !any_; }
  SequenceNumber highest() const noexcept { return SequenceNumber(highest_); }
  void reset() noexcept;

 private:
  uint64_t* words() noexcept { return large_ ? large_.get() : &small_; }
  const uint64_t* words() const noexcept { return large_ ? large_.get() : &small_; }
  bool bit(uint64_t offset) const noexcept { return words()[offset / 64] >> (offset % 64) & 1; }
  void clear() noexcept;
  void shift(uint64_t by) noexcept;

  uint16_t size_;  // <= kMaxSize; packed with any_ (two windows per connection)
  bool any_ = false;
  uint64_t highest_ = 0;
  // Bit i set: highest_ - i has been received. The default 64-bit window
  // lives inline (an idle connection has two); larger ones on the heap.
  uint64_t small_ = 0;
  std::unique_ptr<uint64_t[]> large_;
};

}  // namespace cachet::record
