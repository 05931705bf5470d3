// A flight: the messages one side sends before waiting for the other
// (RFC 6347 §4.2.4), and the fragmenter that cuts it into records and
// datagrams that fit the path MTU.
#pragma once

#include <cachet/error.hpp>

#include <vector>

#include "base/bytes.hpp"
#include "handshake/types.hpp"
#include "record/record_layer.hpp"

namespace cachet::handshake {

struct FlightEntry {
  record::ContentType content;  // kHandshake or kChangeCipherSpec
  record::Epoch epoch;
  HandshakeType type;  // handshake only
  uint16_t message_seq;
  Bytes body;
};

class Flight {
 public:
  void add_handshake(record::Epoch epoch, HandshakeType type, uint16_t message_seq, Bytes body);
  // RFC 5246 §7.1: a ChangeCipherSpec record, sent at the old epoch.
  void add_change_cipher_spec(record::Epoch epoch);

  bool empty() const noexcept { return entries_.empty(); }
  const std::vector<FlightEntry>& entries() const noexcept { return entries_; }
  size_t body_bytes() const noexcept;
  void clear() noexcept;
  // Gives back the entries reserved beyond those in use (best effort).
  void shrink_to_fit() noexcept;

  // Cuts the whole flight into records (fresh record sequence numbers each
  // time: RFC 6347 §4.2.4 retransmits messages, never records) and packs them
  // into datagrams of at most `mtu` bytes, appended to `out`. Several small
  // messages share a datagram; a message larger than the room left is
  // fragmented (RFC 6347 §4.2.3). kInvalidArgument when the MTU cannot hold
  // even one byte of handshake body after record and handshake headers.
  // No record carries more than `max_record_payload` bytes (the peer's
  // record_size_limit, RFC 8449, when it announced one).
  Result<void> write(size_t mtu, record::RecordSealer& sealer, std::vector<Bytes>& out,
                     size_t max_record_payload = record::kMaxPlaintextSize) const;

 private:
  std::vector<FlightEntry> entries_;
};

}  // namespace cachet::handshake
