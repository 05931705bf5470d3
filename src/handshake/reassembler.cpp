#include "handshake/reassembler.hpp"

#include <algorithm>
#include <cstring>

namespace cachet::handshake {

Reassembler::Pending* Reassembler::find(uint16_t seq) noexcept {
  for (auto& p : pending_) {
    if (p.seq == seq) return &p;
  }
  return nullptr;
}

size_t Reassembler::charge(const Pending& p) noexcept {
  size_t n = 0;
  for (const auto& r : p.ranges) n += r.data.size() + kRangeOverhead;
  return n;
}

void Reassembler::set_next_seq(uint16_t seq) noexcept {
  next_seq_ = seq;
  std::erase_if(pending_, [&](const Pending& p) { return p.seq < seq || p.seq >= seq + kWindow; });
  buffered_ = 0;
  for (const auto& p : pending_) buffered_ += charge(p);
}

void Reassembler::float_next_seq() noexcept {
  release();
  floating_ = true;
}

void Reassembler::release() noexcept {
  pending_.clear();
  pending_.shrink_to_fit();
  buffered_ = 0;
}

Reassembler::Outcome Reassembler::add_fragment(const FragmentHeader& h, ByteSpan body) {
  // RFC 6347 §4.2.3: the fragment must lie within the message.
  if (body.size() != h.fragment_length || uint64_t{h.fragment_offset} + h.fragment_length > h.length) {
    return Outcome::kMalformed;
  }
  if (h.length > max_message_size_) return Outcome::kTooLarge;
  if (floating_) {
    floating_ = false;
    next_seq_ = h.message_seq;
  }
  if (h.message_seq < next_seq_) return Outcome::kOld;
  if (h.message_seq - next_seq_ >= kWindow) return Outcome::kBeyondWindow;

  Pending* existing = find(h.message_seq);
  if (existing != nullptr && (existing->type != h.type || existing->length != h.length)) {
    return conflict(*existing);
  }

  const uint32_t start = h.fragment_offset;
  const uint32_t end = h.fragment_offset + h.fragment_length;
  std::vector<Range> merged;
  size_t old_charge = 0;
  if (existing != nullptr) {
    old_charge = charge(*existing);
    // Overlapping bytes must agree; checked before anything changes.
    for (const Range& r : existing->ranges) {
      const uint32_t r_end = r.offset + static_cast<uint32_t>(r.data.size());
      const uint32_t lo = std::max(start, r.offset);
      const uint32_t hi = std::min(end, r_end);
      if (lo < hi && std::memcmp(r.data.data() + (lo - r.offset), body.data() + (lo - start), hi - lo) != 0) {
        return conflict(*existing);
      }
    }
    // Merge: keep ranges entirely before or after, fuse the rest with the new one.
    uint32_t fused_start = start, fused_end = end;
    for (const Range& r : existing->ranges) {
      const uint32_t r_end = r.offset + static_cast<uint32_t>(r.data.size());
      if (r_end < start || r.offset > end) continue;
      fused_start = std::min(fused_start, r.offset);
      fused_end = std::max(fused_end, r_end);
    }
    if (fused_start == start && fused_end == end && h.fragment_length == 0 && !existing->ranges.empty()) {
      return Outcome::kAccepted;  // empty fragment: nothing new
    }
    Range fused{fused_start, Bytes(fused_end - fused_start)};
    for (const Range& r : existing->ranges) {
      const uint32_t r_end = r.offset + static_cast<uint32_t>(r.data.size());
      if (r_end < start || r.offset > end) {
        merged.push_back(Range{r.offset, r.data});
      } else {
        std::memcpy(fused.data.data() + (r.offset - fused_start), r.data.data(), r.data.size());
      }
    }
    if (!body.empty()) std::memcpy(fused.data.data() + (start - fused_start), body.data(), body.size());
    if (!fused.data.empty()) merged.push_back(std::move(fused));
    std::sort(merged.begin(), merged.end(), [](const Range& a, const Range& b) { return a.offset < b.offset; });
  } else if (!body.empty()) {
    merged.push_back(Range{start, Bytes(body.begin(), body.end())});
  }

  if (merged.size() > kMaxRangesPerMessage) return Outcome::kOverCap;
  size_t new_charge = 0;
  for (const auto& r : merged) new_charge += r.data.size() + kRangeOverhead;
  if (buffered_ - old_charge + new_charge > max_buffered_bytes_) return Outcome::kOverCap;

  if (existing == nullptr) {
    pending_.push_back(Pending{h.message_seq, h.type, h.length, {}});
    existing = &pending_.back();
  }
  existing->ranges = std::move(merged);
  buffered_ = buffered_ - old_charge + new_charge;
  return Outcome::kAccepted;
}

Reassembler::Outcome Reassembler::conflict(Pending& p) {
  if (++p.conflicts >= kMaxConflicts) {
    const uint16_t seq = p.seq;
    std::erase_if(pending_, [seq](const Pending& q) { return q.seq == seq; });
    buffered_ = 0;
    for (const auto& q : pending_) buffered_ += charge(q);
  }
  return Outcome::kInconsistent;
}

std::optional<HandshakeMessage> Reassembler::next_message() {
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (it->seq != next_seq_ || !it->complete()) continue;
    HandshakeMessage m{it->type, it->seq, {}};
    if (!it->ranges.empty()) m.body = std::move(it->ranges[0].data);
    pending_.erase(it);
    buffered_ = 0;
    for (const auto& p : pending_) buffered_ += charge(p);
    ++next_seq_;
    return m;
  }
  return std::nullopt;
}

}  // namespace cachet::handshake
