// The DTLS handshake header (RFC 6347 §4.2.2): every handshake message, and
// every fragment of one, carries its type, total length, message_seq and the
// fragment's offset and length.
#pragma once

#include <cachet/error.hpp>

#include "base/byte_reader.hpp"
#include "base/byte_writer.hpp"
#include "handshake/types.hpp"

namespace cachet::handshake {

inline constexpr size_t kHandshakeHeaderSize = 12;
// uint24 lengths.
inline constexpr uint32_t kMaxUint24 = 0xffffff;

struct FragmentHeader {
  HandshakeType type = HandshakeType::kHelloRequest;
  uint32_t length = 0;  // of the whole message body
  uint16_t message_seq = 0;
  uint32_t fragment_offset = 0;
  uint32_t fragment_length = 0;
};

struct Fragment {
  FragmentHeader header;
  ByteSpan body;  // fragment_length bytes
};

// Reads one fragment (header + body) from a handshake record. Fails without
// advancing when the header is truncated, the body runs past the record, or
// the fragment claims to extend past the message (offset + length > length).
Result<Fragment> read_fragment(ByteReader& record) noexcept;

void write_fragment_header(ByteWriter& out, const FragmentHeader& header) noexcept;

}  // namespace cachet::handshake
