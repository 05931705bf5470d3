// Cachet — Connection: one DTLS association, sans-I/O.
//
// Datagrams in (handle_datagram), datagrams out (poll_transmit), time in
// (`now`), and the next deadline out (next_timeout / handle_timeout). The
// Connection never touches a socket or a clock, so the caller decides the
// I/O model (blocking sockets, an event loop, an OpenSSL BIO, a test network).
#pragma once

#include <cachet/context.hpp>
#include <cachet/error.hpp>
#include <cachet/session.hpp>
#include <cachet/time.hpp>

#include <cstdint>
#include <memory>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cachet {

enum class ConnectionState : uint8_t { kHandshaking, kEstablished, kClosed, kFailed };

struct ConnectionStats {
  uint64_t datagrams_received = 0;
  uint64_t datagrams_sent = 0;
  uint64_t records_dropped = 0;
  uint64_t retransmissions = 0;
  uint64_t flights_sent = 0;           // handshake flights (first transmissions only)
  uint64_t peer_address_changes = 0;   // RFC 9146 §6 updates of peer_address()
  uint64_t mtu_reductions = 0;         // RFC 6347 §4.1.1.1 PMTU back-off steps
  Duration handshake_time{0};
};

class CACHET_EXPORT Connection {
 public:
  // A client for `server_name` (SNI and certificate name; may be empty).
  static Result<std::unique_ptr<Connection>> client(std::shared_ptr<const Context> context,
                                                    std::string_view server_name = {});
  // A client that offers to resume `session` (RFC 5246 §7.3, RFC 5077); the
  // server may decline, and a full handshake follows.
  static Result<std::unique_ptr<Connection>> client(std::shared_ptr<const Context> context,
                                                    std::string_view server_name, const Session& session);
  // A server for one peer; `peer_address` is any stable byte form of the
  // peer's address (it binds the cookie).
  static Result<std::unique_ptr<Connection>> server(std::shared_ptr<const Context> context,
                                                    std::span<const uint8_t> peer_address = {});
  ~Connection();

  // Client: sends the ClientHello. Server: nothing to do.
  Result<void> start(Instant now);
  // One received datagram. Decrypted in place: the buffer is modified.
  void handle_datagram(std::span<uint8_t> datagram, Instant now);
  // The same, from the address `from` (any stable byte form). With a
  // connection ID in use, a datagram from another address whose record
  // authenticates and is newer than any before moves peer_address() there
  // (RFC 9146 §6); nothing unauthenticated or replayed ever does.
  void handle_datagram(std::span<uint8_t> datagram, Instant now, std::span<const uint8_t> from);
  // The next datagram to send, if any.
  std::optional<std::vector<uint8_t>> poll_transmit();
  // The same into `out` (its old contents dropped): the buffers are swapped,
  // so a caller that hands the same vector back each time makes the send path
  // allocation-free once a burst's worth of buffers exists. False: nothing.
  bool poll_transmit(std::vector<uint8_t>& out);
  std::optional<Instant> next_timeout() const;
  void handle_timeout(Instant now);

  // Application data: one record per write (at most max_write_size() bytes).
  Result<void> write(std::span<const uint8_t> data);
  // One application record sealed straight into `out` as a complete datagram
  // (it does not pass through poll_transmit): the record's length, or
  // kBufferTooSmall when out has less than data.size() + record_overhead().
  // For packing many records into one buffer (UDP GSO). Datagrams already
  // queued for poll_transmit are not reordered behind it: drain those first.
  Result<size_t> seal_into(std::span<const uint8_t> data, std::span<uint8_t> out);
  // The bytes record protection adds to an application record now.
  size_t record_overhead() const noexcept;
  std::optional<std::vector<uint8_t>> read();
  // The next application record into `out` (buffers swapped, as for
  // poll_transmit). False: none waiting.
  bool read(std::vector<uint8_t>& out);
  size_t max_write_size() const noexcept;
  // Frees what an idle connection can rebuild on demand: the expanded record
  // keys (the raw key bytes stay, wiped on destruction) and spare record
  // buffers. A connection does this itself when its handshake completes;
  // call it for one that has gone quiet. The next record in each direction
  // rebuilds its key (about a microsecond and one allocation).
  void release_idle_memory() noexcept;
  // Sends close_notify.
  void close();

  ConnectionState state() const noexcept;
  // The handshake state machine's state ("client_wait_server_hello", ...,
  // "complete"), for diagnostics and OpenSSL's state strings.
  std::string_view handshake_state_name() const noexcept;
  bool is_established() const noexcept { return state() == ConnectionState::kEstablished; }
  // Why the connection failed (or ErrorCode::kOk).
  Error error() const noexcept;
  // Alert descriptions sent and received (fatal or close_notify), if any.
  std::optional<uint8_t> alert_sent() const noexcept;
  std::optional<uint8_t> alert_received() const noexcept;

  // Negotiated parameters (meaningful once established).
  uint16_t cipher_suite() const noexcept;
  std::string_view cipher_suite_name() const noexcept;
  std::optional<uint16_t> group() const noexcept;
  std::optional<uint16_t> signature_scheme() const noexcept;
  bool extended_master_secret() const noexcept;
  std::optional<uint16_t> srtp_profile() const noexcept;
  std::string_view alpn() const noexcept;
  std::string_view server_name() const noexcept;
  std::string_view psk_identity() const noexcept;
  const std::vector<std::vector<uint8_t>>& peer_certificates() const noexcept;
  // The peer chain's verification result: 0 (X509_V_OK) or an X509_V_ERR_*
  // code, as left by ContextBuilder::certificate_verifier when there is one.
  long verify_result() const noexcept;
  // RFC 5705 (e.g. "EXTRACTOR-dtls_srtp", 2 * (key + salt) bytes for SRTP).
  Result<std::vector<uint8_t>> export_keying_material(std::string_view label, size_t length,
                                                      std::optional<std::span<const uint8_t>> context = {}) const;

  // DTLS-SRTP keys (RFC 5764 §4.2): EXTRACTOR-dtls_srtp keying material
  // split as client_write_SRTP_master_key, server_write_SRTP_master_key,
  // client_write_SRTP_master_salt, server_write_SRTP_master_salt, with the
  // lengths of the negotiated profile (RFC 5764 §4.1.2, RFC 7714 §14.2).
  struct SrtpKeys {
    uint16_t profile = 0;
    std::vector<uint8_t> client_key, server_key, client_salt, server_salt;
  };
  Result<SrtpKeys> srtp_keys() const;

  // Resumption: whether this handshake resumed a session, and the session a
  // client can resume next time (invalid when the server offered none).
  bool resumed() const noexcept;
  Session session() const;

  // Connection IDs (RFC 9146), once negotiated: the CID the peer puts on
  // records to us, and the one we put on records to the peer.
  bool connection_id_negotiated() const noexcept;
  std::span<const uint8_t> connection_id() const noexcept;
  std::span<const uint8_t> peer_connection_id() const noexcept;

  // Where datagrams for this peer go; set by server() and by a validated
  // address change (see handle_datagram); a client may set it.
  std::span<const uint8_t> peer_address() const noexcept;
  void set_peer_address(std::span<const uint8_t> address);
  // True once for each change of peer_address() since the last call.
  bool take_peer_address_change() noexcept;

  // RFC 7250: the peer authenticated with a raw public key (peer_certificates()
  // then holds its SubjectPublicKeyInfo).
  bool peer_uses_raw_public_key() const noexcept;
  // RFC 8449: the peer's record_size_limit, when negotiated.
  std::optional<uint16_t> peer_record_size_limit() const noexcept;

  // The MTU in use: the configured one, or lower after PMTU back-off
  // (ContextBuilder::mtu_backoff). set_mtu() sets it and undoes any back-off.
  size_t mtu() const noexcept;
  Result<void> set_mtu(size_t mtu);
  void set_mtu_backoff(bool enabled) noexcept;
  ConnectionStats stats() const noexcept;

  // RFC 9147 §5.8.2 retransmission timing: the round trip measured on a
  // flight answered without retransmission (or remembered from an earlier
  // connection of the same Context to this peer), and the timeout the next
  // flight starts with: 1.5 × that RTT (at least 100 ms), else 1 s — 400 ms
  // when DTLS-SRTP is configured — unless ContextBuilder::retransmit_timeout
  // chose it.
  std::optional<Duration> measured_rtt() const noexcept;
  Duration retransmit_timeout() const noexcept;

  // Observes the protocol messages this connection sends and receives, as
  // OpenSSL's msg callback does, by record content type: each handshake
  // message (22) whole with its 12-byte DTLS header (fragment_offset 0,
  // fragment_length = length) when it joins a flight or is reassembled, our
  // ChangeCipherSpec (20, one byte) when queued and the peer's when it
  // arrives, and alerts (21, two bytes). Not shown: record headers and
  // application data. Called synchronously from start, handle_datagram,
  // handle_timeout and close; it must not call back into this connection.
  // Set it before start() to see the first flight.
  using MessageObserver = std::function<void(bool sent, uint8_t content_type, std::span<const uint8_t> message)>;
  void set_message_observer(MessageObserver observer);

  struct Impl;

 private:
  friend class Listener;
  // A server whose ClientHello's cookie a Listener has already checked.
  static Result<std::unique_ptr<Connection>> server_without_cookie(std::shared_ptr<const Context> context,
                                                                   std::span<const uint8_t> peer_address,
                                                                   uint64_t first_record_sequence);
  static Result<std::unique_ptr<Connection>> make_server(std::shared_ptr<const Context> context,
                                                         std::span<const uint8_t> peer_address, bool cookies);
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cachet
