#include "record/replay_window.hpp"

namespace cachet::record {

ReplayWindow::ReplayWindow(size_t size) noexcept {
  if (size < 64) size = 64;
  if (size > kMaxSize) size = kMaxSize;
  size_ = static_cast<uint16_t>((size + 63) / 64 * 64);
  if (size_ > 64) large_ = std::make_unique<uint64_t[]>(size_ / 64);  // zeroed
}

void ReplayWindow::clear() noexcept {
  uint64_t* w = words();
  for (size_t i = 0; i < size_ / 64; ++i) w[i] = 0;
}

void ReplayWindow::reset() noexcept {
  any_ = false;
  highest_ = 0;
  clear();
}

ReplayWindow::Verdict ReplayWindow::check(SequenceNumber seq) const noexcept {
  const uint64_t s = seq.value();
  if (!any_ || s > highest_) return Verdict::kFresh;
  const uint64_t offset = highest_ - s;
  // RFC 6347 §4.1.2.6: left of the window is rejected.
  if (offset >= size_) return Verdict::kTooOld;
  return bit(offset) ? Verdict::kDuplicate : Verdict::kFresh;
}

void ReplayWindow::shift(uint64_t by) noexcept {
  if (by >= size_) {
    clear();
    return;
  }
  uint64_t* bits = words();
  const size_t word_shift = static_cast<size_t>(by / 64);
  const unsigned bit_shift = static_cast<unsigned>(by % 64);
  for (size_t i = size_ / 64; i-- > 0;) {
    uint64_t v = 0;
    if (i >= word_shift) {
      v = bits[i - word_shift] << bit_shift;
      if (bit_shift != 0 && i > word_shift) v |= bits[i - word_shift - 1] >> (64 - bit_shift);
    }
    bits[i] = v;
  }
}

void ReplayWindow::mark(SequenceNumber seq) noexcept {
  const uint64_t s = seq.value();
  if (!any_) {
    any_ = true;
    highest_ = s;
    clear();
    words()[0] = 1;
    return;
  }
  if (s > highest_) {
    if (!large_ && s - highest_ < 64) {  // the default window, in order: one shift
      small_ = small_ << (s - highest_) | 1;
      highest_ = s;
      return;
    }
    shift(s - highest_);
    highest_ = s;
    words()[0] |= 1;
    return;
  }
  const uint64_t offset = highest_ - s;
  if (offset < size_) words()[offset / 64] |= uint64_t{1} << (offset % 64);
}

}  // namespace cachet::record
