#include "record/record_layer.hpp"

#include <initializer_list>

#include "base/byte_reader.hpp"
#include "base/byte_writer.hpp"
#include "base/secure.hpp"

namespace cachet::record {

std::string_view drop_reason_name(DropReason reason) noexcept {
  switch (reason) {
    case DropReason::kMalformed: return "malformed";
    case DropReason::kBadVersion: return "bad_version";
    case DropReason::kUnknownContentType: return "unknown_content_type";
    case DropReason::kUnknownEpoch: return "unknown_epoch";
    case DropReason::kFutureEpochFull: return "future_epoch_full";
    case DropReason::kReplayed: return "replayed";
    case DropReason::kTooOld: return "too_old";
    case DropReason::kAuthentication: return "authentication";
    case DropReason::kCidMismatch: return "cid_mismatch";
    case DropReason::kMissingCid: return "missing_cid";
    case DropReason::kUnexpectedCid: return "unexpected_cid";
    case DropReason::kPlaintextNotAllowed: return "plaintext_not_allowed";
    case DropReason::kBadInnerPlaintext: return "bad_inner_plaintext";
    case DropReason::kOversized: return "oversized";
    case DropReason::kCount: break;
  }
  return "unknown";
}

uint64_t RecordStats::total_dropped() const noexcept {
  uint64_t n = 0;
  for (uint64_t d : dropped) n += d;
  return n;
}

RecordLayer::RecordLayer(RecordLayerConfig config)
    : config_(config),
      read_{Epoch(0), std::nullopt, ReplayWindow(config.replay_window)},
      write_{Epoch(0), std::nullopt, SequenceNumber(0)} {}

Result<void> RecordLayer::set_receive_cid(ByteSpan cid) {
  if (cid.size() > kMaxCidSize) return Error(ErrorCode::kInvalidArgument, "CID longer than 255 bytes");
  receive_cid_.assign(cid.begin(), cid.end());
  return ok();
}

Result<void> RecordLayer::set_send_cid(ByteSpan cid) {
  if (cid.size() > kMaxCidSize) return Error(ErrorCode::kInvalidArgument, "CID longer than 255 bytes");
  send_cid_.assign(cid.begin(), cid.end());
  return ok();
}

Result<void> RecordLayer::install_read_epoch(Epoch epoch, RecordProtection protection, Instant now,
                                             RecordSink& sink) {
  if (epoch.value != read_.epoch.value + 1) {
    return Error(ErrorCode::kWrongState, "read epochs must be installed in order");
  }
  previous_read_ = std::move(read_);
  previous_read_expiry_ = now + config_.previous_epoch_linger;
  read_ = ReadEpoch{epoch, std::move(protection), ReplayWindow(config_.replay_window)};

  // Process what arrived early for this epoch, in arrival order. Records of
  // any other epoch are simply gone (the buffer only ever holds current + 1).
  std::vector<Bytes> pending = std::move(future_);
  future_.clear();
  future_bytes_ = 0;
  for (Bytes& bytes : pending) {
    ByteReader reader(bytes);
    ParseResult parsed = parse_record(reader, receive_cid_.size());
    if (parsed.status == ParseStatus::kOk) {
      MutableByteSpan fragment = MutableByteSpan(bytes).last(parsed.record.fragment.size());
      process_record(parsed.record, fragment, now, sink);
    }
    secure_wipe(bytes);
  }
  return ok();
}

void RecordLayer::release_expanded_keys() noexcept {
  for (std::optional<RecordProtection>* p : {&read_.protection, &write_.protection}) {
    if (*p) (*p)->release_expanded_key();
  }
  if (previous_read_ && previous_read_->protection) previous_read_->protection->release_expanded_key();
  if (previous_write_ && previous_write_->protection) previous_write_->protection->release_expanded_key();
}

Result<void> RecordLayer::install_write_epoch(Epoch epoch, RecordProtection protection) {
  if (epoch.value != write_.epoch.value + 1) {
    return Error(ErrorCode::kWrongState, "write epochs must be installed in order");
  }
  previous_write_ = std::move(write_);
  write_ = WriteEpoch{epoch, std::move(protection), SequenceNumber(0)};
  return ok();
}

RecordLayer::ReadEpoch* RecordLayer::find_read_epoch(Epoch epoch, Instant now) noexcept {
  if (epoch == read_.epoch) return &read_;
  if (previous_read_ && now >= previous_read_expiry_) previous_read_.reset();
  if (previous_read_ && epoch == previous_read_->epoch) return &*previous_read_;
  return nullptr;
}

void RecordLayer::buffer_future(const RawRecord& raw) {
  const size_t size = raw.header_bytes.size() + raw.fragment.size();
  if (future_.size() >= kMaxFutureRecords || future_bytes_ + size > kMaxFutureBytes) {
    drop(DropReason::kFutureEpochFull);
    return;
  }
  Bytes copy(raw.header_bytes.begin(), raw.header_bytes.end());
  copy.insert(copy.end(), raw.fragment.begin(), raw.fragment.end());
  future_bytes_ += size;
  future_.push_back(std::move(copy));
  ++stats_.buffered;
}

void RecordLayer::process_datagram(MutableByteSpan datagram, Instant now, RecordSink& sink) {
  ByteReader reader(datagram);
  for (;;) {
    const size_t start = reader.offset();
    ParseResult parsed = parse_record(reader, receive_cid_.size());
    if (parsed.status == ParseStatus::kEnd) return;
    ++stats_.received;
    if (parsed.status == ParseStatus::kMalformed) {
      // RFC 6347 §4.1.2.7: what cannot be delimited cannot be trusted; the
      // rest of the datagram goes with it.
      drop(DropReason::kMalformed);
      return;
    }
    const size_t fragment_offset = start + parsed.record.header_bytes.size();
    MutableByteSpan fragment = datagram.subspan(fragment_offset, parsed.record.fragment.size());
    process_record(parsed.record, fragment, now, sink);
  }
}

void RecordLayer::process_record(const RawRecord& raw, MutableByteSpan fragment, Instant now, RecordSink& sink) {
  const RecordHeader& h = raw.header;
  const bool is_cid_record = h.type == ContentType::kTls12Cid;

  if (!is_known_content_type(static_cast<uint8_t>(h.type))) return drop(DropReason::kUnknownContentType);
  // RFC 6347 §4.1: DTLS 1.2 records; a ClientHello (epoch 0) may carry 1.0.
  if (h.version != static_cast<uint16_t>(ProtocolVersion::kDtls12) &&
      !(h.epoch.value == 0 && h.version == static_cast<uint16_t>(ProtocolVersion::kDtls10))) {
    return drop(DropReason::kBadVersion);
  }

  ReadEpoch* epoch = find_read_epoch(h.epoch, now);
  if (epoch == nullptr) {
    if (h.epoch.value == read_.epoch.value + 1 && h.epoch.value != 0) {
      buffer_future(raw);
      return;
    }
    return drop(DropReason::kUnknownEpoch);
  }

  if (!epoch->protection) {
    // Epoch 0: plaintext. RFC 9146 §4: CIDs are never on plaintext records.
    if (is_cid_record) return drop(DropReason::kUnexpectedCid);
    // Application data is never plaintext (pion CVE-2019-20786, wolfSSL
    // CVE-2020-24585), and once the peer has moved to protected records an
    // unauthenticated plaintext alert must not tear the association down
    // (RFC 9147 §4.5.2 states the same for DTLS 1.3).
    if (h.type == ContentType::kApplicationData) return drop(DropReason::kPlaintextNotAllowed);
    if (h.type == ContentType::kAlert && read_.protection) return drop(DropReason::kPlaintextNotAllowed);
    if (h.type == ContentType::kAck) return drop(DropReason::kUnknownContentType);
    // No replay window for plaintext: marking it on unauthenticated input
    // would let one forged record with a huge sequence number shut out the
    // real ones. The handshake layer drops duplicates by message_seq.
    ++stats_.accepted;
    return sink.on_record(Record{h.type, h.epoch, h.sequence, false, fragment});
  }

  // RFC 9146 §6: with a CID negotiated for this direction, protected records
  // must carry it; without one, they must not.
  if (!receive_cid_.empty()) {
    if (!is_cid_record) return drop(DropReason::kMissingCid);
    if (!constant_time_equal(h.cid, receive_cid_)) return drop(DropReason::kCidMismatch);
  } else if (is_cid_record) {
    return drop(DropReason::kUnexpectedCid);
  }

  switch (epoch->window.check(h.sequence)) {
    case ReplayWindow::Verdict::kFresh: break;
    case ReplayWindow::Verdict::kDuplicate: return drop(DropReason::kReplayed);
    case ReplayWindow::Verdict::kTooOld: return drop(DropReason::kTooOld);
  }

  const size_t plaintext_size = epoch->protection->plaintext_size(fragment.size());
  const MutableByteSpan destination =
      is_cid_record || plaintext_size == 0 ? MutableByteSpan() : sink.plaintext_buffer(h.type, plaintext_size);
  auto opened = epoch->protection->open(h, fragment, destination);
  if (!opened) {
    switch (opened.error().code()) {
      case ErrorCode::kAuthenticationFailed: return drop(DropReason::kAuthentication);
      case ErrorCode::kLengthTooLarge: return drop(DropReason::kOversized);
      case ErrorCode::kDecodeError:
        return drop(is_cid_record ? DropReason::kBadInnerPlaintext : DropReason::kMalformed);
      default: return drop(DropReason::kMalformed);
    }
  }
  // The plaintext's pointer and length as two scalars: copied as one
  // 16-byte span, they stalled on open()'s two separate stores of them
  // (store forwarding, perf session 9).
  uint8_t* const plaintext = opened->plaintext.data();
  const size_t opened_size = opened->plaintext.size();
  if (opened_size + (is_cid_record ? 1 : 0) > receive_plaintext_limit_) {
    return drop(DropReason::kOversized);
  }
  // Authenticated: only now may state change.
  epoch->window.mark(h.sequence);

  const ContentType inner = opened->type;
  if (is_cid_record && (inner == ContentType::kTls12Cid || !is_known_content_type(static_cast<uint8_t>(inner)))) {
    return drop(DropReason::kBadInnerPlaintext);
  }
  ++stats_.accepted;
  const bool in_sink_buffer = !destination.empty() && plaintext == destination.data();
  sink.on_record(Record{inner, h.epoch, h.sequence, is_cid_record, MutableByteSpan(plaintext, opened_size),
                        in_sink_buffer});
}

RecordLayer::WriteEpoch* RecordLayer::find_write_epoch(Epoch epoch) noexcept {
  if (epoch == write_.epoch) return &write_;
  if (previous_write_ && epoch == previous_write_->epoch) return &*previous_write_;
  return nullptr;
}

Result<void> RecordLayer::advance_write_sequence(SequenceNumber next) {
  if (write_.exhausted || next < write_.next) {
    return Error(ErrorCode::kInvalidArgument, "sequence numbers only move forward");
  }
  write_.next = next;
  return ok();
}

Result<size_t> RecordLayer::seal(Epoch epoch, ContentType type, ByteSpan payload, MutableByteSpan out) {
  WriteEpoch* w = find_write_epoch(epoch);
  if (w == nullptr) return Error(ErrorCode::kWrongState, "write epoch not available");
  if (w->exhausted) return Error(ErrorCode::kSequenceExhausted, "48-bit sequence space used up");
  if (payload.size() > kMaxPlaintextSize) return Error(ErrorCode::kLengthTooLarge, "record payload over 2^14");

  RecordHeader h;
  h.type = type;
  h.version = write_version_;
  h.epoch = w->epoch;
  h.sequence = w->next;
  // The sequence number is consumed before sealing, so even a failed seal
  // never lets a number be used twice.
  if (w->next.is_max()) w->exhausted = true; else w->next = SequenceNumber(w->next.value() + 1);

  if (!w->protection) {
    const size_t total = kDtls12HeaderSize + payload.size();
    if (out.size() < total) return Error(ErrorCode::kBufferTooSmall, "record does not fit the output");
    ByteWriter writer(out.first(total));
    write_header(writer, h.type, h, static_cast<uint16_t>(payload.size()));
    writer.bytes(payload);
    CACHET_TRY(writer.status());
    ++stats_.sent;
    return total;
  }
  h.cid = send_cid_;
  CACHET_ASSIGN_OR_RETURN(size_t total, w->protection->seal(h, payload, out));
  ++stats_.sent;
  return total;
}

}  // namespace cachet::record
