// DTLS 1.2 record headers: the 13-byte DTLSPlaintext/DTLSCiphertext header
// (RFC 6347 §4.1) and the RFC 9146 §4 CID-enhanced header (type tls12_cid).
//
// Parsing splits a datagram into records. It reads only through ByteReader,
// changes no state, and stops at the first record whose header or length does
// not fit what is left of the datagram (RFC 6347 §4.1.2.7: the rest of the
// datagram is dropped).
#pragma once

#include <cachet/error.hpp>

#include "base/byte_reader.hpp"
#include "base/byte_writer.hpp"
#include "base/bytes.hpp"
#include "record/types.hpp"

namespace cachet::record {

struct RecordHeader {
  ContentType type = ContentType::kInvalid;  // outer type (tls12_cid for CID records)
  uint16_t version = 0;
  Epoch epoch;
  SequenceNumber sequence;
  ByteSpan cid;         // empty unless type == kTls12Cid
  uint16_t length = 0;  // of the fragment
};

struct RawRecord {
  RecordHeader header;
  ByteSpan header_bytes;  // the header as received
  ByteSpan fragment;      // the protected (or plaintext) body
};

enum class ParseStatus : uint8_t {
  kOk,
  kEnd,        // nothing left in the datagram
  kMalformed,  // header truncated, length past the end, unknown CID length, oversized
};

struct ParseResult {
  ParseStatus status;
  RawRecord record;
};

// Reads the next record from `datagram`. `receive_cid_size` is the length of
// the CID this endpoint asked its peer to send (0 when none): a tls12_cid
// record can only be delimited with it. On kMalformed the reader is left
// where it was; the caller drops the rest of the datagram. Always inline: it
// runs for every record, and out of line (GCC did not inline it on its own)
// the copy of the caller's reader stalled on the stores that had just built
// it (perf, session 9).
[[gnu::always_inline]] inline ParseResult parse_record(ByteReader& datagram, size_t receive_cid_size) noexcept {
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
  if (h.length > kMaxCiphertextSize || r.remaining() < h.length) return result;
  // Taken from peek_rest() rather than through bytes()'s Result, whose two
  // words GCC stored apart and loaded as one (a store-forwarding stall).
  const size_t header_len = r.offset() - start;
  result.record.header_bytes = all.first(header_len);
  result.record.fragment = r.peek_rest().first(h.length);
  if (!r.skip(h.length)) return result;  // cannot fail: checked above
  result.status = ParseStatus::kOk;
  datagram = r;
  return result;
}

// Header size for a record carrying `cid_size` bytes of CID (0: plain header).
constexpr size_t header_size(size_t cid_size) noexcept {
  return kDtls12HeaderSize + cid_size;
}

// Writes a header of outer type `type` and fragment length `length`, with
// the version, epoch, sequence and CID of `h`; `h.cid` non-empty writes the
// tls12_cid form (and `type` must then be kTls12Cid). The record path passes
// type and length apart: a header assembled field by field and then copied
// whole stalled the copy's wide loads on the narrow stores (perf, session 9).
inline void write_header(ByteWriter& out, ContentType type, const RecordHeader& h, uint16_t length) noexcept {
  out.u8(static_cast<uint8_t>(type));
  out.u16(h.version);
  out.u16(h.epoch.value);
  out.u48(h.sequence.value());
  out.bytes(h.cid);
  out.u16(length);
}
inline void write_header(ByteWriter& out, const RecordHeader& h) noexcept { write_header(out, h.type, h, h.length); }

}  // namespace cachet::record
