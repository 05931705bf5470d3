#include "handshake/handshake_header.hpp"

namespace cachet::handshake {

Result<Fragment> read_fragment(ByteReader& record) noexcept {
  ByteReader r = record;
  auto type = r.u8();
  auto length = r.u24();
  auto seq = r.u16();
  auto offset = r.u24();
  auto frag_len = r.u24();
  if (!type || !length || !seq || !offset || !frag_len) {
    return Error(ErrorCode::kTruncated, "handshake header truncated");
  }
  // RFC 6347 §4.2.3: a fragment lies within its message. Checked before
  // anything looks at the body (OpenSSL CVE-2014-0195).
  if (uint64_t{*offset} + *frag_len > *length) {
    return Error(ErrorCode::kDecodeError, "fragment extends past the message");
  }
  auto body = r.bytes(*frag_len);
  if (!body) return Error(ErrorCode::kTruncated, "fragment body runs past the record");
  Fragment f;
  f.header = FragmentHeader{static_cast<HandshakeType>(*type), *length, *seq, *offset, *frag_len};
  f.body = *body;
  record = r;
  return f;
}

void write_fragment_header(ByteWriter& out, const FragmentHeader& h) noexcept {
  out.u8(static_cast<uint8_t>(h.type));
  out.u24(h.length);
  out.u16(h.message_seq);
  out.u24(h.fragment_offset);
  out.u24(h.fragment_length);
}

}  // namespace cachet::handshake
