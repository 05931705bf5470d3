#include "record/protection.hpp"

#include <algorithm>
#include <cstring>

#include "base/byte_writer.hpp"

namespace cachet::record {

using crypto::AeadAlgorithm;
using crypto::AeadMode;

namespace {
// The largest additional data: 8 + 1 + 1 + 1 + 2 + 2 + 6 + 255 + 2.
constexpr size_t kMaxAdditionalData = 23 + kMaxCidSize;
}  // namespace

size_t fixed_iv_size(AeadAlgorithm alg) noexcept {
  return crypto::aead_params(alg).mode == AeadMode::kChaCha20Poly1305 ? 12 : 4;
}

size_t explicit_nonce_size(AeadAlgorithm alg) noexcept {
  return crypto::aead_params(alg).mode == AeadMode::kChaCha20Poly1305 ? 0 : 8;
}

RecordProtection::RecordProtection(AeadAlgorithm alg, crypto::Aead aead, ByteSpan key, ByteSpan fixed_iv) noexcept
    : aead_(std::move(aead)),
      key_{},
      fixed_iv_{},
      alg_(alg),
      key_size_(static_cast<uint8_t>(key.size())),
      fixed_iv_size_(static_cast<uint8_t>(fixed_iv.size())),
      explicit_nonce_size_(static_cast<uint8_t>(explicit_nonce_size(alg))),
      tag_size_(static_cast<uint8_t>(crypto::aead_params(alg).tag_size)) {
  std::memcpy(key_, key.data(), key.size());
  std::memcpy(fixed_iv_, fixed_iv.data(), fixed_iv.size());
}

Result<RecordProtection> RecordProtection::create(AeadAlgorithm alg, ByteSpan key, ByteSpan fixed_iv) {
  if (fixed_iv.size() != fixed_iv_size(alg)) {
    return Error(ErrorCode::kInvalidArgument, "fixed IV has the wrong length for the AEAD");
  }
  if (key.size() > sizeof key_) return Error(ErrorCode::kBadKey, "AEAD key longer than 32 bytes");
  CACHET_ASSIGN_OR_RETURN(crypto::Aead aead,
                          crypto::Aead::create(alg, key, crypto::AeadBackend::kAuto, crypto::AeadSharing::kOneThread));
  return RecordProtection(alg, std::move(aead), key, fixed_iv);
}

Result<const crypto::Aead*> RecordProtection::expand() const noexcept {
  auto aead = crypto::Aead::create(alg_, ByteSpan(key_, key_size_), crypto::AeadBackend::kAuto,
                                   crypto::AeadSharing::kOneThread);
  if (!aead) return aead.error();
  aead_.emplace(std::move(aead).value());
  return &*aead_;
}

size_t RecordProtection::nonce(const RecordHeader& h, uint8_t out[12]) const noexcept {
  uint8_t seq64[8];  // epoch(2) || sequence(6)
  store_be<8>(seq64, uint64_t{h.epoch.value} << 48 | h.sequence.value());
  if (explicit_nonce_size_ == 0) {
    // RFC 7905 §2: the padded 64-bit sequence XORed into the 12-byte IV.
    std::memcpy(out, fixed_iv_, 12);
    for (int i = 0; i < 8; ++i) out[4 + i] ^= seq64[i];
  } else {
    // RFC 5288 §3 / RFC 6655 §3: salt || nonce_explicit (= epoch || seq).
    std::memcpy(out, fixed_iv_, 4);
    std::memcpy(out + 4, seq64, 8);
  }
  return 12;
}

size_t RecordProtection::additional_data(const RecordHeader& h, size_t plaintext_len, uint8_t* out) noexcept {
  if (h.cid.empty()) {
    // RFC 6347 §4.1.2.1 / RFC 5246 §6.2.3.3: epoch(2) || seq(6) || type ||
    // version(2) || length(2). Stored directly: this runs for every record.
    store_be<8>(out, uint64_t{h.epoch.value} << 48 | h.sequence.value());
    out[8] = static_cast<uint8_t>(h.type);
    store_be<2>(out + 9, h.version);
    store_be<2>(out + 11, plaintext_len);
    return 13;
  }
  // RFC 9146 §5.2. seal() and open() refuse a CID over kMaxCidSize bytes,
  // so the array has room.
  const size_t n = h.cid.size();
  store_be<8>(out, UINT64_MAX);  // seq_num_placeholder
  out[8] = static_cast<uint8_t>(ContentType::kTls12Cid);
  out[9] = static_cast<uint8_t>(n);
  out[10] = static_cast<uint8_t>(ContentType::kTls12Cid);
  store_be<2>(out + 11, h.version);
  store_be<8>(out + 13, uint64_t{h.epoch.value} << 48 | h.sequence.value());
  std::memcpy(out + 21, h.cid.data(), n);
  store_be<2>(out + 21 + n, plaintext_len);  // length_of_DTLSInnerPlaintext
  return 23 + n;
}

Result<size_t> RecordProtection::seal(const RecordHeader& in, ByteSpan payload,
                                      MutableByteSpan out) const noexcept {
  if (payload.size() > kMaxPlaintextSize) return Error(ErrorCode::kLengthTooLarge, "record payload over 2^14");
  if (in.cid.size() > kMaxCidSize) return Error(ErrorCode::kInvalidArgument, "CID too long");
  const bool with_cid = !in.cid.empty();
  const size_t inner_len = payload.size() + (with_cid ? 1 : 0);
  const size_t fragment_len = explicit_nonce_size_ + inner_len + tag_size_;
  const size_t total = header_size(in.cid.size()) + fragment_len;
  if (out.size() < total) return Error(ErrorCode::kBufferTooSmall, "record does not fit the output");

  ByteWriter w(out.first(total));
  write_header(w, with_cid ? ContentType::kTls12Cid : in.type, in, static_cast<uint16_t>(fragment_len));
  uint8_t nonce_bytes[12];
  nonce(in, nonce_bytes);
  if (explicit_nonce_size_ == 8) w.u64(load_be<8>(nonce_bytes + 4));  // no memmove call for 8 bytes
  else w.bytes(ByteSpan(nonce_bytes + 4, explicit_nonce_size_));
  MutableByteSpan body = w.reserve(inner_len);
  MutableByteSpan tag = w.reserve(tag_size_);
  CACHET_TRY(w.status());

  // The AEAD reads the payload where it lies and writes the ciphertext into
  // the record: the payload is not copied first. A tls12_cid record's inner
  // plaintext (payload || real_type), a payload partly overlapping the
  // record, and the fuzzer's null cipher are assembled in the record first
  // and sealed in place.
  ByteSpan plaintext = payload;
  const bool partial_overlap = partially_overlaps(payload, body);
#if defined(CACHET_UNSAFE_FUZZER_MODE)
  constexpr bool kNullCipher = true;
#else
  constexpr bool kNullCipher = false;
#endif
  if (with_cid || partial_overlap || kNullCipher) {
    if (!payload.empty()) std::memmove(body.data(), payload.data(), payload.size());
    if (with_cid) body[payload.size()] = static_cast<uint8_t>(in.type);  // DTLSInnerPlaintext.real_type
    plaintext = body;
  }

#if defined(CACHET_UNSAFE_FUZZER_MODE)
  // Fuzzer mode only: a null cipher (plaintext, all-zero tag of the real
  // size) so the fuzzer can forge protected records; see fuzz/README.md.
  (void)plaintext;
  std::fill(tag.begin(), tag.end(), uint8_t{0});
  return total;
#endif
  uint8_t ad[kMaxAdditionalData];
  const size_t ad_len = additional_data(in, inner_len, ad);  // the real type for plain records
  CACHET_ASSIGN_OR_RETURN(const crypto::Aead* aead, expanded());
  CACHET_TRY(aead->seal(ByteSpan(nonce_bytes, 12), ByteSpan(ad, ad_len), plaintext, body, tag));
  return total;
}

Result<OpenedRecord> RecordProtection::open(const RecordHeader& h, MutableByteSpan fragment,
                                            MutableByteSpan destination) const noexcept {
  if (fragment.size() < explicit_nonce_size_ + tag_size_) {
    return Error(ErrorCode::kDecodeError, "record shorter than nonce and tag");
  }
  if (h.cid.size() > kMaxCidSize) return Error(ErrorCode::kInvalidArgument, "CID too long");
  const bool with_cid = h.type == ContentType::kTls12Cid;
  uint8_t nonce_bytes[12];
  std::memcpy(nonce_bytes, fixed_iv_, fixed_iv_size_);
  if (explicit_nonce_size_ != 0) {
    // The explicit nonce is whatever the sender put there; the AEAD check
    // authenticates it (it is part of the nonce).
    std::memcpy(nonce_bytes + 4, fragment.data(), 8);
  } else {
    nonce(h, nonce_bytes);
  }
  MutableByteSpan body = fragment.subspan(explicit_nonce_size_, fragment.size() - explicit_nonce_size_ - tag_size_);
  ByteSpan tag = fragment.last(tag_size_);
  if (body.size() > kMaxPlaintextSize + (with_cid ? 256 : 0)) {
    return Error(ErrorCode::kLengthTooLarge, "plaintext over 2^14");
  }
  // Out of place into `destination` when it is given and has room (never for
  // tls12_cid, whose content type is only known once decrypted); else in
  // place in the fragment.
  const bool out_of_place = !with_cid && destination.size() >= body.size() && !body.empty();
  MutableByteSpan plaintext = out_of_place ? destination.first(body.size()) : body;
#if defined(CACHET_UNSAFE_FUZZER_MODE)
  (void)tag;  // fuzzer mode only: the null cipher of seal(); any tag opens
  if (out_of_place) std::memcpy(plaintext.data(), body.data(), body.size());
#else
  uint8_t ad[kMaxAdditionalData];
  const size_t ad_len = additional_data(h, body.size(), ad);
  CACHET_ASSIGN_OR_RETURN(const crypto::Aead* aead, expanded());
  CACHET_TRY(aead->open(ByteSpan(nonce_bytes, 12), ByteSpan(ad, ad_len), body, tag, plaintext));
#endif

  if (!with_cid) return OpenedRecord{h.type, plaintext};

  // RFC 9146 §4: strip the zero padding; the last non-zero byte is real_type.
  size_t end = body.size();
  while (end > 0 && body[end - 1] == 0) --end;
  if (end == 0) return Error(ErrorCode::kDecodeError, "DTLSInnerPlaintext without a content type");
  const auto real_type = static_cast<ContentType>(body[end - 1]);
  MutableByteSpan content = body.first(end - 1);
  if (content.size() > kMaxPlaintextSize) return Error(ErrorCode::kLengthTooLarge, "plaintext over 2^14");
  return OpenedRecord{real_type, content};
}

}  // namespace cachet::record
