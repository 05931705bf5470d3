// Minimal DER reading and writing for the X.509 structures src/pki formats
// and builds itself (names, certificate fields, TBSCertificate). Reading goes
// through ByteReader; definite lengths only, single-byte tags only.
#pragma once

#include <cachet/error.hpp>

#include <string>
#include <string_view>

#include "base/byte_reader.hpp"
#include "base/bytes.hpp"

namespace cachet::pki::der {

// Universal tags used here.
inline constexpr uint8_t kBoolean = 0x01;
inline constexpr uint8_t kInteger = 0x02;
inline constexpr uint8_t kBitString = 0x03;
inline constexpr uint8_t kOctetString = 0x04;
inline constexpr uint8_t kNull = 0x05;
inline constexpr uint8_t kOid = 0x06;
inline constexpr uint8_t kUtf8String = 0x0c;
inline constexpr uint8_t kNumericString = 0x12;
inline constexpr uint8_t kPrintableString = 0x13;
inline constexpr uint8_t kT61String = 0x14;
inline constexpr uint8_t kIa5String = 0x16;
inline constexpr uint8_t kUtcTime = 0x17;
inline constexpr uint8_t kGeneralizedTime = 0x18;
inline constexpr uint8_t kVisibleString = 0x1a;
inline constexpr uint8_t kUniversalString = 0x1c;
inline constexpr uint8_t kBmpString = 0x1e;
inline constexpr uint8_t kSequence = 0x30;
inline constexpr uint8_t kSet = 0x31;

// Nesting is bounded by the structures we read; this caps a hostile input.
inline constexpr size_t kMaxLength = 1 << 24;

struct Element {
  uint8_t tag = 0;
  ByteSpan content;  // the value octets
  ByteSpan encoded;  // tag, length and value
};

// The next element, whatever its tag.
Result<Element> read(ByteReader& reader) noexcept;
// The next element, which must carry `tag` (kDecodeError otherwise).
Result<Element> read(ByteReader& reader, uint8_t tag) noexcept;
// The next element if it carries `tag`; nothing is consumed otherwise.
Result<bool> read_optional(ByteReader& reader, uint8_t tag, Element& out) noexcept;

// Dotted text of an OBJECT IDENTIFIER's content octets ("2.5.4.3").
Result<std::string> oid_to_string(ByteSpan content);
// Content octets of a dotted OID; kInvalidArgument for malformed text.
Result<Bytes> oid_from_string(std::string_view dotted);

// Tag, minimal length and content.
Bytes encode(uint8_t tag, ByteSpan content);
// Appends an element to `out`.
void append(Bytes& out, uint8_t tag, ByteSpan content);
// A non-negative INTEGER from a big-endian magnitude (leading zeros dropped,
// a 0x00 added when the top bit is set; an empty magnitude is zero).
Bytes encode_unsigned(ByteSpan magnitude);

}  // namespace cachet::pki::der
