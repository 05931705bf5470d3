// The handshake transport of one association: incoming fragments through the
// Reassembler, the outgoing Flight, and the retransmission timer, with the
// RFC 6347 §4.2.4 rules that tie them together:
//   * a flight is resent when the timer fires (doubling, capped, bounded);
//   * it is also resent when the peer retransmits its previous flight (seen
//     as fragments of messages already delivered) — including the final
//     flight, which is kept after the handshake for exactly that;
//   * the peer's next flight acknowledges ours (start_new_flight()).
// Sans-I/O: datagrams go to a caller's vector, time comes in as `now`.
#pragma once

#include <cachet/error.hpp>

#include <functional>
#include <optional>
#include <vector>

#include "handshake/flight.hpp"
#include "handshake/reassembler.hpp"
#include "handshake/retransmit_timer.hpp"
#include "record/record_layer.hpp"

namespace cachet::handshake {

struct TransportStats {
  uint64_t flights_sent = 0;
  uint64_t retransmissions = 0;  // flights resent (timer or peer retransmission)
  uint64_t datagrams_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t fragments_received = 0;
  uint64_t fragments_dropped = 0;  // malformed, inconsistent, beyond window, over cap
  uint64_t old_fragments = 0;      // of already-delivered messages (peer retransmissions)
  uint64_t mtu_reductions = 0;     // PMTU back-off steps (RFC 6347 §4.1.1.1)
};

class HandshakeTransport {
 public:
  // Smallest MTU accepted (IPv4's minimum reassembly size, RFC 791).
  static constexpr size_t kMinMtu = 256;
  static constexpr size_t kDefaultMtu = 1400;
  static constexpr size_t kMaxMtu = 65535;
  // RFC 6347 §4.1.1.1: "If repeated retransmissions do not result in a
  // response, and the PMTU is unknown, subsequent retransmissions SHOULD back
  // off to a smaller record size, fragmenting the handshake message as
  // appropriate." After kBackoffAfterTransmissions unanswered transmissions of
  // a flight, each timer-driven retransmission steps the MTU down to the next
  // rung below the largest datagram the flight used: 1200 (an IPv6 path's
  // 1280 minimum less IPv6/UDP headers and room for a tunnel), then 548 (the
  // 576-byte IPv4 datagram every host accepts, RFC 791, less IPv4/UDP).
  static constexpr size_t kBackoffAfterTransmissions = 2;
  static constexpr size_t kFallbackMtus[] = {1200, 548};

  explicit HandshakeTransport(RetransmitPolicy policy = {}, size_t mtu = kDefaultMtu);

  // Sets the MTU (and undoes any back-off).
  Result<void> set_mtu(size_t mtu);
  // The MTU in use: the configured one, or lower after PMTU back-off.
  size_t mtu() const noexcept { return mtu_; }
  size_t configured_mtu() const noexcept { return configured_mtu_; }
  // PMTU back-off on unanswered retransmissions (default on).
  void set_mtu_backoff(bool enabled) noexcept { mtu_backoff_ = enabled; }
  // RFC 8449: keep every handshake record within the peer's record size
  // limit. The RFC exempts unprotected records, but some peers (GnuTLS 3.7)
  // drop larger ones, and smaller records are always allowed.
  void set_max_record_payload(size_t limit) noexcept { max_record_payload_ = limit; }

  // --- receiving ------------------------------------------------------------
  // A handshake record's payload (one or more fragments). Fragments that
  // break a rule are dropped and counted; the rest of a record whose header
  // cannot be read is dropped.
  void on_handshake_record(ByteSpan payload);
  // When the datagram being processed arrived: if it completes the peer's
  // answer to our flight, the time since that flight was sent is an RTT
  // sample (start_new_flight).
  void note_arrival(Instant now) noexcept { last_arrival_ = now; }
  std::optional<HandshakeMessage> next_message();
  Reassembler& reassembler() noexcept { return reassembler_; }

  // --- sending --------------------------------------------------------------
  // Starts building our next flight: the previous one is acknowledged by the
  // peer's progress, so it is dropped and the timer reset. A flight sent
  // once and answered gives the timer an RTT sample (RFC 9147 §5.8.2).
  void start_new_flight() noexcept;
  // Adds a message to the flight being built; returns its message_seq.
  uint16_t add_message(record::Epoch epoch, HandshakeType type, Bytes body);
  void add_change_cipher_spec(record::Epoch epoch);
  uint16_t next_send_seq() const noexcept { return send_seq_; }
  // RFC 6347 §4.2.2: a server answering statelessly mirrors the client's seq.
  void set_next_send_seq(uint16_t seq) noexcept { send_seq_ = seq; }
  // Sends the flight. A final flight arms no timer (RFC 6347 §4.2.4
  // FINISHED state) but stays ready to be resent on a peer retransmission.
  Result<void> send_flight(Instant now, bool final_flight, record::RecordSealer& sealer, std::vector<Bytes>& out);

  // --- observing ------------------------------------------------------------
  // Sees each handshake message whole as it joins a flight (sent) or leaves
  // the reassembler (received), with its 12-byte DTLS header (RFC 6347
  // §4.2.2, fragment_offset 0 and fragment_length = length), and each
  // ChangeCipherSpec we queue — what OpenSSL's msg callback shows. Points at
  // a function owned by the connection; null or empty: nothing is copied.
  using MessageObserver = std::function<void(bool sent, uint8_t content_type, ByteSpan message)>;
  void set_observer(const MessageObserver* observer) noexcept { observer_ = observer; }

  // --- timers ---------------------------------------------------------------
  std::optional<Instant> next_timeout() const noexcept { return timer_.deadline(); }
  // Resends the flight if its timer expired. kTimedOut-like error
  // (ErrorCode::kWrongState with "handshake timed out") once the
  // retransmission budget is spent.
  Result<void> handle_timeout(Instant now, record::RecordSealer& sealer, std::vector<Bytes>& out);
  // After processing a datagram: if it held a retransmission of the peer's
  // previous flight, resend ours (at most once per half initial timeout).
  Result<void> respond_to_peer_retransmission(Instant now, record::RecordSealer& sealer, std::vector<Bytes>& out);
  bool timed_out() const noexcept { return timed_out_; }

  // Frees the reassembler and, unless `keep_final_flight`, the flight.
  void release(bool keep_final_flight) noexcept;

  const TransportStats& stats() const noexcept { return stats_; }
  const RetransmitTimer& timer() const noexcept { return timer_; }
  RetransmitTimer& timer() noexcept { return timer_; }
  bool has_flight() const noexcept { return !flight_.empty(); }

 private:
  Result<void> transmit(Instant now, record::RecordSealer& sealer, std::vector<Bytes>& out);
  void back_off_mtu() noexcept;

  Reassembler reassembler_;
  Flight flight_;
  RetransmitTimer timer_;
  size_t max_record_payload_ = record::kMaxPlaintextSize;
  uint16_t mtu_;
  uint16_t configured_mtu_;
  uint16_t largest_datagram_ = 0;  // of the last transmission
  uint16_t send_seq_ = 0;
  bool mtu_backoff_ = true;
  bool flight_sent_ = false;
  bool peer_retransmitted_ = false;
  bool timed_out_ = false;
  std::optional<Instant> last_transmit_;
  std::optional<Instant> first_transmit_;  // of the current flight
  std::optional<Instant> last_arrival_;
  unsigned flight_transmissions_ = 0;
  TransportStats stats_;
  const MessageObserver* observer_ = nullptr;

  void observe(bool sent, HandshakeType type, uint16_t seq, ByteSpan body) const;
};

}  // namespace cachet::handshake
