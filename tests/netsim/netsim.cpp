#include "netsim/netsim.hpp"

namespace cachet::netsim {

void Network::schedule(Datagram d, Instant at) {
  d.deliver_at = at;
  queue_.push(Entry{at, order_++, std::move(d)});
}

void Network::send(Address from, Address to, Bytes bytes, Instant now) {
  ++stats_.sent;
  const Impairments& imp = impairments_;
  for (const auto& [start, end] : imp.blackouts) {
    if (now >= start && now < end) {
      ++stats_.blacked_out;
      return;
    }
  }
  if (imp.mtu != 0 && bytes.size() > imp.mtu) {
    ++stats_.too_big;
    return;
  }
  if (chance(imp.loss)) {
    ++stats_.lost;
    return;
  }
  if (chance(imp.corrupt) && !bytes.empty()) {
    const uint64_t bit = random_.uniform(bytes.size() * 8);
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    ++stats_.corrupted;
  }
  auto delay_once = [&]() {
    Duration d = imp.delay;
    if (imp.jitter.count() > 0) d += Duration(static_cast<int64_t>(random_.uniform(static_cast<uint64_t>(imp.jitter.count()))));
    if (chance(imp.reorder)) {
      ++stats_.reordered;
      d += imp.reorder_delay;
    }
    return now + d;
  };
  const bool dup = chance(imp.duplicate);
  if (dup) {
    ++stats_.duplicated;
    schedule(Datagram{from, to, bytes, {}}, delay_once());
  }
  schedule(Datagram{from, to, std::move(bytes), {}}, delay_once());
}

std::optional<Instant> Network::next_delivery() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.top().at;
}

std::vector<Datagram> Network::deliver(Instant now) {
  std::vector<Datagram> out;
  while (!queue_.empty() && queue_.top().at <= now) {
    out.push_back(queue_.top().datagram);
    queue_.pop();
    ++stats_.delivered;
  }
  return out;
}

}  // namespace cachet::netsim
