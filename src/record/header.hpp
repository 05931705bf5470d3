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
// where it was; the caller drops the rest of the datagram.
ParseResult parse_record(ByteReader& datagram, size_t receive_cid_size) noexcept;

// Header size for a record carrying `cid_size` bytes of CID (0: plain header).
constexpr size_t header_size(size_t cid_size) noexcept {
  return kDtls12HeaderSize + cid_size;
}

// Writes a header; `cid` non-empty writes the tls12_cid form (and `type` must
// then be kTls12Cid).
void write_header(ByteWriter& out, const RecordHeader& header) noexcept;

}  // namespace cachet::record
