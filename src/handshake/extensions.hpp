// Hello extensions (ClientHello and ServerHello) of DTLS 1.2: parsing into a
// struct of optional fields and deterministic writing.
//
// Parsing checks every length against its RFC bounds, rejects duplicates
// (RFC 5246 §7.4.1.4) and skips unknown extensions while recording their types.
// Whether an extension is *allowed* in a ServerHello (offered by us, RFC 5246
// §7.4.1.4) is the caller's judgement: received_types lists what was present.
// Extensions with no ServerHello form (supported_groups, signature_algorithms)
// are skipped there like unknown ones, so their type is recorded but nothing
// is decoded.
//
// Writing emits the present extensions in ascending code point order. An
// empty extensions block is omitted (RFC 5246 §7.4.1.2: its absence is
// detected by no bytes following compression_methods); a parsed zero-length
// block is therefore equivalent to an absent one.
#pragma once

#include <cachet/error.hpp>

#include <optional>
#include <string>
#include <vector>

#include "base/byte_reader.hpp"
#include "base/byte_writer.hpp"
#include "base/bytes.hpp"
#include "handshake/types.hpp"

namespace cachet::handshake {

enum class HelloKind : uint8_t { kClientHello, kServerHello };

// RFC 8449 §4: a record_size_limit below 64 is illegal_parameter.
inline constexpr uint16_t kMinRecordSizeLimit = 64;
// RFC 5746 §3.2, RFC 9146 §3, RFC 5764 §4.1.1: opaque<0..2^8-1>.
inline constexpr size_t kMaxRenegotiationInfoSize = 255;
inline constexpr size_t kMaxConnectionIdSize = 255;
inline constexpr size_t kMaxSrtpMkiSize = 255;

// RFC 5764 §4.1.1: UseSRTPData.
struct UseSrtp {
  std::vector<uint16_t> profiles;  // SRTPProtectionProfile is uint8[2]
  Bytes mki;                       // srtp_mki<0..255>

  bool operator==(const UseSrtp&) const = default;
};

// One optional per known extension. Fields marked "ClientHello only" have no
// ServerHello form; writing them in a ServerHello is kInvalidArgument.
struct HelloExtensions {
  // RFC 6066 §3: the host_name entry. ServerHello: the empty string means the
  // (empty) acknowledgement was present.
  std::optional<std::string> server_name;
  // RFC 8422 §5.1.1 (ClientHello only).
  std::optional<std::vector<uint16_t>> supported_groups;
  // RFC 8422 §5.1.2.
  std::optional<std::vector<uint8_t>> ec_point_formats;
  // RFC 5246 §7.4.1.4.1 (ClientHello only).
  std::optional<std::vector<uint16_t>> signature_algorithms;
  // RFC 5764 §4.1.1. ServerHello: exactly one profile.
  std::optional<UseSrtp> use_srtp;
  // RFC 7301 §3.1. ServerHello: exactly one name.
  std::optional<std::vector<std::string>> alpn;
  // RFC 7250 §3. ClientHello: a list; ServerHello: exactly one entry.
  std::optional<std::vector<uint8_t>> client_certificate_types;
  std::optional<std::vector<uint8_t>> server_certificate_types;
  // RFC 7627 §5.1 (empty extension).
  bool extended_master_secret = false;
  // RFC 8449 §4 (>= kMinRecordSizeLimit).
  std::optional<uint16_t> record_size_limit;
  // RFC 5077 §3.2: ClientHello: the ticket (possibly empty); ServerHello: empty.
  std::optional<Bytes> session_ticket;
  // RFC 9146 §3 (code point 54).
  std::optional<Bytes> connection_id;
  // RFC 5746 §3.2: renegotiated_connection.
  std::optional<Bytes> renegotiation_info;

  // Filled by parse_extensions: every extension type present, known or not,
  // in wire order. Ignored by write_extensions.
  std::vector<uint16_t> received_types;

  bool received(ExtensionType type) const noexcept;
  bool operator==(const HelloExtensions&) const = default;
};

// Parses an optional extensions block: nothing left in `r` means no
// extensions. Otherwise the block must fill the rest of `r` exactly.
[[nodiscard]] Result<HelloExtensions> parse_extensions(ByteReader& r, HelloKind kind);

// Writes the block (nothing at all when no extension is present). Returns
// kInvalidArgument for a value the wire form cannot carry (an empty list that
// must be non-empty, a ClientHello-only extension in a ServerHello, ...);
// overflow of a length prefix is left in the writer's sticky error state.
[[nodiscard]] Result<void> write_extensions(ByteWriter& w, const HelloExtensions& ext, HelloKind kind);

// The types write_extensions emits for `ext`, in the order it emits them.
std::vector<uint16_t> present_types(const HelloExtensions& ext, HelloKind kind);

// Shared wire helpers for the handshake codecs (not part of the engine API).
namespace wire {

// opaque field<min..max> behind a width-byte prefix; a length outside the
// bounds is kDecodeError.
[[nodiscard]] Result<Bytes> read_opaque(ByteReader& r, size_t width, size_t min, size_t max);
// uint16 list<min_bytes..max_bytes> behind a width-byte prefix; odd lengths are
// kDecodeError.
[[nodiscard]] Result<std::vector<uint16_t>> read_u16_list(ByteReader& r, size_t width, size_t min_bytes,
                                                          size_t max_bytes);
// uint8 list<min..max> behind a 1-byte prefix.
[[nodiscard]] Result<std::vector<uint8_t>> read_u8_list(ByteReader& r, size_t min, size_t max);

// Writers: kInvalidArgument when the value is outside <min..max>.
[[nodiscard]] Result<void> write_opaque(ByteWriter& w, size_t width, size_t min, size_t max, ByteSpan data);
[[nodiscard]] Result<void> write_u16_list(ByteWriter& w, size_t width, size_t min_bytes, size_t max_bytes,
                                          const std::vector<uint16_t>& list);
[[nodiscard]] Result<void> write_u8_list(ByteWriter& w, size_t min, size_t max, const std::vector<uint8_t>& list);

// The largest value a width-byte length prefix can carry.
constexpr size_t max_for_width(size_t width) noexcept { return (size_t{1} << (8 * width)) - 1; }

}  // namespace wire

}  // namespace cachet::handshake
