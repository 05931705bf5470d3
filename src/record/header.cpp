#include "record/header.hpp"

namespace cachet::record {

bool is_known_content_type(uint8_t v) noexcept {
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

ParseResult parse_record(ByteReader& datagram, size_t receive_cid_size) noexcept {
  ParseResult result{ParseStatus::kMalformed, {}};
  if (datagram.empty()) {
    result.status = ParseStatus::kEnd;
    return result;
  }
  // Parse from a copy so that a failure leaves `datagram` untouched.
  ByteReader r = datagram;
  const size_t start = r.offset();
  const ByteSpan all = r.peek_rest();

  auto type = r.u8();
  auto version = r.u16();
  auto epoch = r.u16();
  auto seq = r.u48();
  if (!type || !version || !epoch || !seq) return result;
  RecordHeader& h = result.record.header;
  h.type = static_cast<ContentType>(*type);
  h.version = *version;
  h.epoch = Epoch(*epoch);
  h.sequence = SequenceNumber(*seq);
  if (h.type == ContentType::kTls12Cid) {
    // RFC 9146 §4: the CID length is not on the wire; only the length we
    // asked for delimits it. Without a negotiated CID we cannot parse on.
    if (receive_cid_size == 0) return result;
    auto cid = r.bytes(receive_cid_size);
    if (!cid) return result;
    h.cid = *cid;
  }
  auto length = r.u16();
  if (!length) return result;
  h.length = *length;
  if (h.length > kMaxCiphertextSize) return result;
  auto fragment = r.bytes(h.length);
  if (!fragment) return result;

  const size_t header_len = r.offset() - start - h.length;
  result.record.header_bytes = all.first(header_len);
  result.record.fragment = *fragment;
  result.status = ParseStatus::kOk;
  datagram = r;
  return result;
}

void write_header(ByteWriter& out, const RecordHeader& h) noexcept {
  out.u8(static_cast<uint8_t>(h.type));
  out.u16(h.version);
  out.u16(h.epoch.value);
  out.u48(h.sequence.value());
  out.bytes(h.cid);
  out.u16(h.length);
}

}  // namespace cachet::record
