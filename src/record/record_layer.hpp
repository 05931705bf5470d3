// The DTLS 1.2 record layer of one association: epochs in both directions,
// sequence numbers, anti-replay, CIDs, and the fixed processing order
//
//   parse header -> find epoch (or CID) -> replay check (read-only)
//   -> open (decrypt + verify) -> mark replay window -> hand up
//
// Nothing before a successful open changes any state; a record that fails any
// step is dropped silently and counted by reason (RFC 6347 §4.1.2.7). No
// alert is ever sent from here.
#pragma once

#include <cachet/error.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <vector>

#include "base/bytes.hpp"
#include "base/clock.hpp"
#include "record/header.hpp"
#include "record/protection.hpp"
#include "record/replay_window.hpp"
#include "record/types.hpp"

namespace cachet::record {

enum class DropReason : uint8_t {
  kMalformed,            // header truncated, length past the datagram end (rest of datagram dropped)
  kBadVersion,           // record version not DTLS 1.2 (or 1.0 on epoch 0)
  kUnknownContentType,
  kUnknownEpoch,         // neither current, lingering previous, nor next epoch
  kFutureEpochFull,      // next-epoch buffer at its cap
  kReplayed,             // already received
  kTooOld,               // left of the replay window
  kAuthentication,       // AEAD open failed
  kCidMismatch,          // tls12_cid record with another CID
  kMissingCid,           // protected record without the CID we negotiated
  kUnexpectedCid,        // tls12_cid record where none was negotiated / at epoch 0
  kPlaintextNotAllowed,  // epoch-0 application data; epoch-0 alert once keys are in use
  kBadInnerPlaintext,    // empty DTLSInnerPlaintext, or an inner type that may not be there
  kOversized,            // plaintext over 2^14, or over our record_size_limit (RFC 8449)
  kCount
};

std::string_view drop_reason_name(DropReason reason) noexcept;

struct RecordStats {
  uint64_t received = 0;  // records parsed (plus one per malformed datagram tail)
  uint64_t accepted = 0;  // records handed up
  uint64_t sent = 0;
  uint64_t buffered = 0;  // records held for the next epoch
  std::array<uint64_t, static_cast<size_t>(DropReason::kCount)> dropped{};

  uint64_t dropped_for(DropReason r) const noexcept { return dropped[static_cast<size_t>(r)]; }
  uint64_t total_dropped() const noexcept;
};

// An accepted record, handed to the sink. `payload` points into the datagram
// buffer passed to process_datagram, or into the sink's plaintext_buffer(),
// and is valid only during the callback.
struct Record {
  ContentType type;
  Epoch epoch;
  SequenceNumber sequence;
  bool had_cid;
  MutableByteSpan payload;
  // The payload is in the buffer the sink's plaintext_buffer() gave for it.
  bool in_sink_buffer = false;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void on_record(const Record& record) = 0;
  // Where a protected record of `type` may be decrypted to instead of in
  // place in the datagram: at least `size` bytes (the plaintext's length)
  // that stay valid until the on_record() call that follows (if the record
  // authenticates), not inside the datagram; empty (the default) for in
  // place. Asked only when the type is known before decryption (not for
  // tls12_cid records). A connection gives application data a receive-queue
  // buffer, so the plaintext is written once, where the application reads it.
  virtual MutableByteSpan plaintext_buffer(ContentType type, size_t size) {
    (void)type;
    (void)size;
    return {};
  }
};

// What the handshake's fragmenter needs from the record layer: how many bytes
// protection adds at an epoch, and sealing one record.
class RecordSealer {
 public:
  virtual ~RecordSealer() = default;
  virtual size_t overhead(Epoch epoch) const noexcept = 0;
  virtual Result<size_t> seal(Epoch epoch, ContentType type, ByteSpan payload, MutableByteSpan out) = 0;
};

struct RecordLayerConfig {
  size_t replay_window = ReplayWindow::kDefaultSize;
  // RFC 6347 §4.1: the previous epoch MAY be kept for up to the MSL (2 min)
  // to accept late and reordered records.
  Duration previous_epoch_linger = std::chrono::seconds(120);
};

class RecordLayer final : public RecordSealer {
 public:
  // Caps on what a peer can make us hold for an epoch we cannot read yet.
  static constexpr size_t kMaxFutureRecords = 8;
  static constexpr size_t kMaxFutureBytes = 8 * 1024;

  explicit RecordLayer(RecordLayerConfig config = {});

  // The CID the peer must put on records it sends us (RFC 9146: chosen by
  // us), and the CID we put on records we send. Empty: none. Apply from the
  // first protected epoch on.
  Result<void> set_receive_cid(ByteSpan cid);
  Result<void> set_send_cid(ByteSpan cid);
  ByteSpan receive_cid() const noexcept { return receive_cid_; }

  // RFC 8449 §4: the record_size_limit we advertised. A protected record
  // whose plaintext (with the inner content type for tls12_cid) exceeds it
  // is discarded (the DTLS option) and counted as kOversized.
  void set_receive_plaintext_limit(size_t limit) noexcept { receive_plaintext_limit_ = limit; }
  ByteSpan send_cid() const noexcept { return send_cid_; }

  // Installs the next read epoch (must be current + 1). The current epoch
  // lingers as the previous one for config.previous_epoch_linger; records
  // buffered for the new epoch are then processed and handed to `sink`.
  Result<void> install_read_epoch(Epoch epoch, RecordProtection protection, Instant now, RecordSink& sink);
  // Installs the next write epoch (must be current + 1). The previous write
  // epoch is kept (retransmitting a flight can span two epochs) until
  // release_previous_write_epoch().
  Result<void> install_write_epoch(Epoch epoch, RecordProtection protection);
  void release_previous_write_epoch() noexcept { previous_write_.reset(); }
  // Every epoch's expanded key state dropped (RecordProtection::
  // release_expanded_key); the next record through an epoch rebuilds its own.
  void release_expanded_keys() noexcept;

  // Splits the datagram, processes each record in order and hands every
  // accepted one to `sink`. Decrypts in place (the buffer is modified).
  void process_datagram(MutableByteSpan datagram, Instant now, RecordSink& sink);

  // Seals one record with the current (or the retained previous) write epoch
  // and the next sequence number of that epoch, into `out`. Returns its size.
  // kSequenceExhausted once the epoch's last sequence number has been used;
  // kWrongState for an epoch that is not available.
  Result<size_t> seal(Epoch epoch, ContentType type, ByteSpan payload, MutableByteSpan out) override;

  // Moves the current write epoch's next sequence number forward (never
  // back, so no number is reused). RFC 6347 §4.2.1: a server answering a
  // ClientHello statelessly echoes its record sequence number.
  Result<void> advance_write_sequence(SequenceNumber next);

  // Record bytes added to a payload sent at `epoch` (header, CID, explicit
  // nonce, tag, inner type): what the fragmenter subtracts from the MTU.
  size_t overhead(Epoch epoch) const noexcept override;
  // The version written in record headers (RFC 6347 §4.1 allows a client's
  // first ClientHello to use DTLS 1.0's).
  void set_write_version(uint16_t version) noexcept { write_version_ = version; }

  Epoch read_epoch() const noexcept { return read_.epoch; }
  Epoch write_epoch() const noexcept { return write_.epoch; }
  // Next sequence number the write side will use at the current write epoch.
  SequenceNumber next_write_sequence() const noexcept { return write_.next; }
  const RecordStats& stats() const noexcept { return stats_; }
  size_t buffered_future_bytes() const noexcept { return future_bytes_; }

 private:
  struct ReadEpoch {
    Epoch epoch;
    std::optional<RecordProtection> protection;  // none: plaintext epoch 0
    ReplayWindow window;
  };
  struct WriteEpoch {
    Epoch epoch;
    std::optional<RecordProtection> protection;
    SequenceNumber next;
    bool exhausted = false;
  };

  void drop(DropReason reason) noexcept { ++stats_.dropped[static_cast<size_t>(reason)]; }
  void process_record(const RawRecord& raw, MutableByteSpan fragment, Instant now, RecordSink& sink);
  ReadEpoch* find_read_epoch(Epoch epoch, Instant now) noexcept;
  void buffer_future(const RawRecord& raw);
  WriteEpoch* find_write_epoch(Epoch epoch) noexcept;

  RecordLayerConfig config_;
  ReadEpoch read_;
  std::optional<ReadEpoch> previous_read_;
  Instant previous_read_expiry_;
  WriteEpoch write_;
  std::optional<WriteEpoch> previous_write_;
  Bytes receive_cid_;
  Bytes send_cid_;
  size_t receive_plaintext_limit_ = kMaxPlaintextSize + 1;
  uint16_t write_version_ = static_cast<uint16_t>(ProtocolVersion::kDtls12);
  // Whole records (header + fragment) for epoch read_.epoch + 1.
  std::vector<Bytes> future_;
  size_t future_bytes_ = 0;
  RecordStats stats_;
};

// Inline: Connection::write asks it for every record.
inline size_t RecordLayer::overhead(Epoch epoch) const noexcept {
  const WriteEpoch* w = epoch == write_.epoch ? &write_
                        : previous_write_ && previous_write_->epoch == epoch ? &*previous_write_
                                                                              : nullptr;
  if (w == nullptr || !w->protection) return kDtls12HeaderSize;
  const bool cid = !send_cid_.empty();
  return header_size(cid ? send_cid_.size() : 0) + w->protection->expansion(cid);
}

}  // namespace cachet::record
