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
    Bytes& slot = append(dropped);
    slot.clear();
    return slot;
  }

  // As push(), but the slot holds `size` bytes for the caller to overwrite:
  // what its storage held before stays (only growth is zeroed), so a record
  // sealed into it is not preceded by a memset of its whole length.
  Bytes& push_for_overwrite(size_t size, bool* dropped = nullptr) {
    Bytes& slot = append(dropped);
    if (slot.size() != size) slot.resize(size);  // steady traffic: same size, no call
    return slot;
  }

  // The slot the next push() fills, when it is free storage (not the oldest
  // entry of a full ring, and no growth needed), with at least `size` bytes
  // (old contents kept) for the caller to write into before commit_spare();
  // nullptr otherwise. Until commit_spare() the ring is unchanged, so a
  // caller that writes into the spare and then abandons it loses nothing
  // queued (the connection decrypts into it before the record is known
  // authentic).
  Bytes* spare(size_t size) {
    if (count_ == max_ || count_ == slots_.size()) return nullptr;
    Bytes& slot = slots_[index(count_)];
    if (slot.size() < size) slot.resize(size);
    return &slot;
  }
  // Makes the spare slot, its first `size` bytes written by the caller, the
  // newest entry.
  void commit_spare(size_t size) noexcept {
    Bytes& slot = slots_[index(count_)];
    if (slot.size() != size) slot.resize(size);  // never grows: size <= what spare() gave
    ++count_;
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
  // Slot positions wrap by a compare, not `%`: a division on every record
  // cost more than the rest of the ring's work (perf, session 9).
  size_t next(size_t i) const noexcept { return i + 1 == slots_.size() ? 0 : i + 1; }
  // The slot `offset` places after head_ (offset <= slots_.size()).
  size_t index(size_t offset) const noexcept {
    const size_t i = head_ + offset;
    return i >= slots_.size() ? i - slots_.size() : i;
  }

  // A new newest entry, its storage as the slot last held it.
  Bytes& append(bool* dropped) {
    if (dropped != nullptr) *dropped = false;
    if (count_ == max_) {
      head_ = next(head_);
      --count_;
      if (dropped != nullptr) *dropped = true;
    } else if (count_ == slots_.size()) {
      grow();
    }
    Bytes& slot = slots_[index(count_)];
    ++count_;
    return slot;
  }

  // Doubles the slot array (capped at max_), unrolling the ring to start at 0.
  void grow() {
    const size_t capacity = slots_.empty() ? 2 : std::min(max_, slots_.size() * 2);
    std::vector<Bytes> bigger;
    bigger.reserve(capacity);
    for (size_t i = 0; i < slots_.size(); ++i) bigger.push_back(std::move(slots_[index(i)]));
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
