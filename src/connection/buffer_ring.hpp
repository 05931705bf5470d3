// BufferRing — a bounded FIFO of byte buffers that recycles their storage.
//
// A Connection queues datagrams to send and application records received in
// two of these. Taking an entry out swaps it with the caller's vector, so the
// slot inherits that vector's capacity and the next push reuses it: with a
// caller that hands its buffer back each time, the steady state allocates
// nothing (issue #9: zero allocations per record). std::deque would allocate
// a block every few hundred push/pop pairs.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "base/bytes.hpp"

namespace cachet {

class BufferRing {
 public:
  explicit BufferRing(size_t max_entries) : max_(max_entries) {}

  bool empty() const noexcept { return count_ == 0; }
  size_t size() const noexcept { return count_; }

  // The slot at the tail, emptied but keeping its capacity, for the caller to
  // fill. When the ring holds max_entries already, the oldest entry is
  // dropped to make room (datagram semantics) and `dropped` is set.
  Bytes& push(bool* dropped = nullptr) {
    if (dropped != nullptr) *dropped = false;
    if (count_ == max_) {
      head_ = next(head_);
      --count_;
      if (dropped != nullptr) *dropped = true;
    } else if (count_ == slots_.size()) {
      grow();
    }
    Bytes& slot = slots_[(head_ + count_) % slots_.size()];
    slot.clear();
    ++count_;
    return slot;
  }

  // Removes the newest entry (a push whose filling failed).
  void pop_back() noexcept {
    if (count_ > 0) --count_;
  }

  // The oldest entry swapped into `out`. With `recycle`, out's old storage
  // stays in the ring for the next push; without, it is freed, and an
  // emptied ring frees its slot array too (an idle connection holds nothing).
  void pop_into(Bytes& out, bool recycle = true) noexcept {
    std::swap(out, slots_[head_]);
    if (!recycle) Bytes().swap(slots_[head_]);
    head_ = next(head_);
    --count_;
    if (!recycle && count_ == 0) release();
  }

  // The oldest entry moved out (its slot left without storage).
  Bytes pop() {
    Bytes out = std::move(slots_[head_]);
    slots_[head_] = Bytes();
    head_ = next(head_);
    --count_;
    if (count_ == 0) release();
    return out;
  }

  // Frees every buffer, queued or spare.
  void release() noexcept {
    std::vector<Bytes>().swap(slots_);
    head_ = count_ = 0;
  }

 private:
  size_t next(size_t i) const noexcept { return (i + 1) % slots_.size(); }

  // Doubles the slot array (capped at max_), unrolling the ring to start at 0.
  void grow() {
    const size_t capacity = slots_.empty() ? 2 : std::min(max_, slots_.size() * 2);
    std::vector<Bytes> bigger;
    bigger.reserve(capacity);
    for (size_t i = 0; i < slots_.size(); ++i) bigger.push_back(std::move(slots_[(head_ + i) % slots_.size()]));
    bigger.resize(capacity);
    slots_.swap(bigger);
    head_ = 0;
  }

  std::vector<Bytes> slots_;
  size_t head_ = 0;
  size_t count_ = 0;
  size_t max_;
};

}  // namespace cachet
