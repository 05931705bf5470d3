// Handshake message reassembly (RFC 6347 §4.2.3), keyed by message_seq.
//
// Rules (STYLE.md §8), all checked before a single byte is copied:
//   * a fragment lies within its message (offset + length <= msg_len);
//   * every fragment of one message_seq has the same (msg_type, msg_len)
//     (GnuTLS CVE-2026-33846 matched by type only);
//   * overlapping fragments agree byte for byte;
//   * only messages within a window ahead of the next expected one are held;
//   * memory is proportional to the bytes actually received (no buffer of
//     msg_len is allocated up front), capped per message and in total.
// A fragment that breaks a rule is rejected and changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.hpp"
#include "handshake/handshake_header.hpp"

namespace cachet::handshake {

struct HandshakeMessage {
  HandshakeType type;
  uint16_t message_seq;
  Bytes body;
};

class Reassembler {
 public:
  // Largest handshake message accepted (a certificate chain is the largest).
  static constexpr size_t kDefaultMaxMessageSize = 32 * 1024;
  // Bytes held across all pending messages, including per-range overhead.
  static constexpr size_t kDefaultMaxBufferedBytes = 48 * 1024;
  // Messages accepted ahead of the next expected one (next .. next + 7).
  static constexpr uint16_t kWindow = 8;
  // Disjoint byte ranges one message may be split into while incomplete.
  static constexpr size_t kMaxRangesPerMessage = 64;
  // Bookkeeping bytes charged per held range, so that many tiny fragments
  // cannot hide behind a small byte count.
  static constexpr size_t kRangeOverhead = 48;
  // Conflicting fragments tolerated for one incomplete message before it is
  // dropped and started over. In plaintext epochs a corrupted (or spoofed)
  // first fragment would otherwise poison its message_seq for the rest of
  // the handshake; the peer's retransmissions then rebuild it.
  static constexpr unsigned kMaxConflicts = 3;

  enum class Outcome : uint8_t {
    kAccepted,      // stored (or already held: a duplicate fragment)
    kOld,           // message_seq already delivered: the peer is retransmitting
    kBeyondWindow,  // too far ahead; dropped
    kInconsistent,  // type/length differs for this seq, or overlap bytes disagree
    kTooLarge,      // msg_len over the message cap
    kOverCap,       // would exceed the total byte or range cap
    kMalformed,     // fragment outside its message, or body size mismatch
  };

  explicit Reassembler(size_t max_message_size = kDefaultMaxMessageSize,
                       size_t max_buffered_bytes = kDefaultMaxBufferedBytes) noexcept
      : max_message_size_(max_message_size), max_buffered_bytes_(max_buffered_bytes) {}

  Outcome add_fragment(const FragmentHeader& header, ByteSpan body);
  // The next message in order, once complete.
  std::optional<HandshakeMessage> next_message();

  uint16_t next_seq() const noexcept { return next_seq_; }
  // Server side after a stateless cookie exchange: the next ClientHello may
  // carry message_seq 1 (RFC 6347 §4.2.2).
  void set_next_seq(uint16_t seq) noexcept;
  // A server that has answered with a HelloVerifyRequest keeps no state
  // (RFC 6347 §4.2.1): the next ClientHello may be a retransmission of the
  // first (message_seq 0) or the one with the cookie (1). The next fragment's
  // message_seq becomes the expected one.
  void float_next_seq() noexcept;
  size_t buffered_bytes() const noexcept { return buffered_; }
  size_t pending_messages() const noexcept { return pending_.size(); }
  // Drops everything held and frees the memory (end of handshake).
  void release() noexcept;

 private:
  struct Range {
    uint32_t offset;
    Bytes data;
  };
  struct Pending {
    uint16_t seq;
    HandshakeType type;
    uint32_t length;
    std::vector<Range> ranges;  // sorted, disjoint, non-adjacent
    unsigned conflicts = 0;
    bool complete() const noexcept {
      return length == 0 || (ranges.size() == 1 && ranges[0].offset == 0 && ranges[0].data.size() == length);
    }
  };

  Pending* find(uint16_t seq) noexcept;
  Outcome conflict(Pending& p);
  static size_t charge(const Pending& p) noexcept;

  size_t max_message_size_;
  size_t max_buffered_bytes_;
  uint16_t next_seq_ = 0;
  bool floating_ = false;
  size_t buffered_ = 0;
  std::vector<Pending> pending_;
};

}  // namespace cachet::handshake
