// Record-layer vocabulary: content types, versions, epochs, sequence numbers.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>

using std::size_t;

namespace cachet::record {

// RFC 5246 §6.2.1, RFC 9146 §4 (tls12_cid), RFC 9147 §4 (ack).
enum class ContentType : uint8_t {
  kInvalid = 0,
  kChangeCipherSpec = 20,
  kAlert = 21,
  kHandshake = 22,
  kApplicationData = 23,
  kHeartbeat = 24,
  kTls12Cid = 25,
  kAck = 26,
};

constexpr bool is_known_content_type(uint8_t v) noexcept {
  switch (static_cast<ContentType>(v)) {
    case ContentType::kChangeCipherSpec:
    case ContentType::kAlert:
    case ContentType::kHandshake:
    case ContentType::kApplicationData:
    case ContentType::kHeartbeat:
    case ContentType::kTls12Cid:
    case ContentType::kAck:
      return true;
    default:
      return false;
  }
}

// ProtocolVersion on the wire (RFC 6347 §4.1: the one's complement encoding).
enum class ProtocolVersion : uint16_t {
  kDtls10 = 0xfeff,
  kDtls12 = 0xfefd,
  kDtls13 = 0xfefc,
};

// A 16-bit epoch (RFC 6347 §4.1).
struct Epoch {
  uint16_t value = 0;
  constexpr Epoch() = default;
  constexpr explicit Epoch(uint16_t v) : value(v) {}
  friend constexpr auto operator<=>(Epoch, Epoch) = default;
};

// A 48-bit record sequence number (RFC 6347 §4.1). It never wraps: the write
// side refuses to send once kMax is used (RFC 6347 §4.1: "MUST NOT" wrap).
class SequenceNumber {
 public:
  static constexpr uint64_t kMax = (uint64_t{1} << 48) - 1;

  constexpr SequenceNumber() = default;
  constexpr explicit SequenceNumber(uint64_t v) : value_(v & kMax) {}
  constexpr uint64_t value() const { return value_; }
  constexpr bool is_max() const { return value_ == kMax; }
  friend constexpr auto operator<=>(SequenceNumber, SequenceNumber) = default;

 private:
  uint64_t value_ = 0;
};

// Sizes (RFC 6347 §4.1, RFC 5246 §6.2).
inline constexpr size_t kDtls12HeaderSize = 13;
inline constexpr size_t kMaxPlaintextSize = 1 << 14;
// RFC 5246 §6.2.3: the ciphertext may be up to 2^14 + 2048 bytes.
inline constexpr size_t kMaxCiphertextSize = (1 << 14) + 2048;
// RFC 9146 §3: a CID is at most 255 bytes on the wire; Cachet negotiates at
// most 20 (what the issue tracker and peers use in practice) but parses any
// length it was configured with up to this cap.
inline constexpr size_t kMaxCidSize = 255;

}  // namespace cachet::record
