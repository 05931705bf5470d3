#include "pki/der.hpp"

#include <algorithm>
#include <charconv>

namespace cachet::pki::der {

namespace {

Error decode_error(const char* what) { return Error(ErrorCode::kDecodeError, what); }

Result<size_t> read_length(ByteReader& reader) noexcept {
  CACHET_ASSIGN_OR_RETURN(uint8_t first, reader.u8());
  if (first < 0x80) return size_t{first};
  const size_t width = first & 0x7f;
  // X.690 §8.1.3.5: 0x80 is the indefinite form, which DER forbids.
  if (width == 0 || width > 3) return decode_error("der: unsupported length form");
  size_t length = 0;
  for (size_t i = 0; i < width; ++i) {
    CACHET_ASSIGN_OR_RETURN(uint8_t b, reader.u8());
    // X.690 §10.1: DER lengths are minimal (no leading zero octet).
    if (i == 0 && b == 0) return decode_error("der: non-minimal length");
    length = (length << 8) | b;
  }
  if (length < 0x80) return decode_error("der: non-minimal length");
  if (length > kMaxLength) return Error(ErrorCode::kLengthTooLarge, "der: element too long");
  return length;
}

}  // namespace

Result<Element> read(ByteReader& reader) noexcept {
  ByteReader attempt = reader;  // nothing is consumed on failure
  const ByteSpan start = attempt.peek_rest();
  CACHET_ASSIGN_OR_RETURN(uint8_t tag, attempt.u8());
  if ((tag & 0x1f) == 0x1f) return decode_error("der: multi-byte tags are not supported");
  CACHET_ASSIGN_OR_RETURN(size_t length, read_length(attempt));
  const size_t header = start.size() - attempt.remaining();
  CACHET_ASSIGN_OR_RETURN(ByteSpan content, attempt.bytes(length));
  reader = attempt;
  return Element{tag, content, start.first(header + length)};
}

Result<Element> read(ByteReader& reader, uint8_t tag) noexcept {
  ByteReader attempt = reader;
  CACHET_ASSIGN_OR_RETURN(Element element, read(attempt));
  if (element.tag != tag) return decode_error("der: unexpected tag");
  reader = attempt;
  return element;
}

Result<bool> read_optional(ByteReader& reader, uint8_t tag, Element& out) noexcept {
  if (reader.empty() || reader.peek_rest()[0] != tag) return false;
  CACHET_ASSIGN_OR_RETURN(out, read(reader, tag));
  return true;
}

Result<std::string> oid_to_string(ByteSpan content) {
  if (content.empty() || content.size() > 128) return decode_error("der: bad OBJECT IDENTIFIER length");
  std::string out;
  uint64_t value = 0;
  bool first = true;
  for (size_t i = 0; i < content.size(); ++i) {
    const uint8_t b = content[i];
    // X.690 §8.19.2: each subidentifier is minimal (no leading 0x80).
    if (value == 0 && b == 0x80) return decode_error("der: non-minimal OID subidentifier");
    // Arcs stay below 2^56, so oid_from_string can always re-encode them.
    if (value > (UINT64_MAX >> 15)) return decode_error("der: OID subidentifier too large");
    value = (value << 7) | (b & 0x7f);
    if (b & 0x80) {
      if (i + 1 == content.size()) return decode_error("der: truncated OID");
      continue;
    }
    if (first) {
      // §8.19.4: the first subidentifier packs the first two arcs.
      const uint64_t arc0 = value < 40 ? 0 : value < 80 ? 1 : 2;
      out = std::to_string(arc0) + "." + std::to_string(value - arc0 * 40);
      first = false;
    } else {
      out += "." + std::to_string(value);
    }
    value = 0;
  }
  return out;
}

Result<Bytes> oid_from_string(std::string_view dotted) {
  std::vector<uint64_t> arcs;
  while (true) {
    const size_t dot = dotted.find('.');
    const std::string_view part = dotted.substr(0, dot);
    uint64_t arc = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), arc);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() || arc > (UINT64_MAX >> 8)) {
      return Error(ErrorCode::kInvalidArgument, "der: malformed dotted OID");
    }
    arcs.push_back(arc);
    if (dot == std::string_view::npos) break;
    dotted.remove_prefix(dot + 1);
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40) || arcs.size() > 64) {
    return Error(ErrorCode::kInvalidArgument, "der: malformed dotted OID");
  }
  Bytes out;
  auto put = [&out](uint64_t v) {
    uint8_t groups[10];
    size_t n = 0;
    do {
      groups[n++] = static_cast<uint8_t>(v & 0x7f);
      v >>= 7;
    } while (v != 0);
    while (n > 1) out.push_back(static_cast<uint8_t>(groups[--n] | 0x80));
    out.push_back(groups[0]);
  };
  put(arcs[0] * 40 + arcs[1]);
  for (size_t i = 2; i < arcs.size(); ++i) put(arcs[i]);
  return out;
}

void append(Bytes& out, uint8_t tag, ByteSpan content) {
  out.push_back(tag);
  const size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
  } else {
    size_t width = 0;
    for (size_t v = n; v != 0; v >>= 8) ++width;
    out.push_back(static_cast<uint8_t>(0x80 | width));
    for (size_t i = width; i-- > 0;) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  }
  out.insert(out.end(), content.begin(), content.end());
}

Bytes encode(uint8_t tag, ByteSpan content) {
  Bytes out;
  out.reserve(content.size() + 6);
  append(out, tag, content);
  return out;
}

Bytes encode_unsigned(ByteSpan magnitude) {
  size_t skip = 0;
  while (skip < magnitude.size() && magnitude[skip] == 0) ++skip;
  const ByteSpan digits = magnitude.subspan(skip);
  const size_t lead = (digits.empty() || (digits[0] & 0x80) != 0) ? 1 : 0;
  Bytes content(lead + digits.size(), 0);
  std::copy(digits.begin(), digits.end(), content.begin() + static_cast<std::ptrdiff_t>(lead));
  return encode(kInteger, content);
}

}  // namespace cachet::pki::der
