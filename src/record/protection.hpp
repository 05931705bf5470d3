// DTLS 1.2 AEAD record protection (one epoch, one direction).
//
// Nonces:
//   AES-GCM, AES-CCM(-8): salt(4) || nonce_explicit(8), the explicit part sent
//     in the record and set to epoch || sequence (RFC 5288 §3, RFC 6655 §3,
//     RFC 6347 §4.1.2.1), so it is unique per key without any state.
//   ChaCha20-Poly1305: fixed_iv(12) XOR (0^32 || epoch || sequence)
//     (RFC 7905 §2, with the DTLS 64-bit sequence of RFC 6347 §4.1).
// Additional data:
//   plain records: epoch || seq || type || version || plaintext length
//     (RFC 5246 §6.2.3.3 with RFC 6347 §4.1.2.1);
//   tls12_cid records: 8 x 0xff || 25 || cid_length || 25 || version || epoch
//     || seq || cid || length of DTLSInnerPlaintext (RFC 9146 §5.2), and the
//     plaintext is the DTLSInnerPlaintext content || real_type || zeros.
#pragma once

#include <cachet/error.hpp>

#include <optional>

#include "base/bytes.hpp"
#include "base/secure.hpp"
#include "crypto/aead.hpp"
#include "record/header.hpp"

namespace cachet::record {

// Length of the fixed (implicit) IV from the key block (RFC 5246 §6.3).
size_t fixed_iv_size(crypto::AeadAlgorithm alg) noexcept;
// Length of the explicit nonce carried in each record.
size_t explicit_nonce_size(crypto::AeadAlgorithm alg) noexcept;

struct OpenedRecord {
  ContentType type;           // the real content type
  MutableByteSpan plaintext;  // a view into the decrypted fragment
};

class RecordProtection {
 public:
  static Result<RecordProtection> create(crypto::AeadAlgorithm alg, ByteSpan key, ByteSpan fixed_iv);

  crypto::AeadAlgorithm algorithm() const noexcept { return alg_; }
  // Bytes a payload grows by: explicit nonce + tag, plus the real_type byte of
  // a DTLSInnerPlaintext when the record carries a CID.
  size_t expansion(bool with_cid) const noexcept {
    return size_t{explicit_nonce_size_} + tag_size_ + (with_cid ? 1 : 0);
  }
  // The plaintext length of a record without a CID whose fragment is
  // `fragment_size` bytes (0 when it is too short to hold nonce and tag).
  size_t plaintext_size(size_t fragment_size) const noexcept {
    const size_t expansion = size_t{explicit_nonce_size_} + tag_size_;
    return fragment_size > expansion ? fragment_size - expansion : 0;
  }

  // Writes header and protected fragment into `out` (the payload is read
  // where it lies and may be anywhere, `out` included). `header` gives type (the
  // real type; the outer type becomes tls12_cid when header.cid is
  // non-empty), version, epoch, sequence and cid; its length is computed.
  // Returns the record size. kBufferTooSmall when `out` is too small,
  // kLengthTooLarge for a payload over 2^14.
  Result<size_t> seal(const RecordHeader& header, ByteSpan payload, MutableByteSpan out) const noexcept;

  // Decrypts `fragment` (the record body) of a record with `header`, as
  // parsed: into `destination` when it is given, has room for the
  // plaintext, does not overlap the fragment and the record is not
  // tls12_cid (whose type is inside); otherwise in place (the fragment is
  // modified). The plaintext view says which. Fails with kDecodeError (too
  // short, empty inner plaintext), kAuthenticationFailed (nothing released:
  // the plaintext bytes are zeroed), or kLengthTooLarge (plaintext > 2^14).
  Result<OpenedRecord> open(const RecordHeader& header, MutableByteSpan fragment,
                            MutableByteSpan destination = {}) const noexcept;

  // Idle memory (issue #9): drops the expanded key state (for AES-GCM on
  // GnuTLS about 850 bytes per key, for nettle's GCM 4.4 KB) and keeps only
  // the raw key; the next seal() or open() expands it again (about a
  // microsecond, one allocation). A connection releases it once its
  // handshake is done and whenever the application asks.
  void release_expanded_key() noexcept { aead_.reset(); }
  bool key_expanded() const noexcept { return aead_.has_value(); }

 private:
  RecordProtection(crypto::AeadAlgorithm alg, crypto::Aead aead, ByteSpan key, ByteSpan fixed_iv) noexcept;
  // The expanded AEAD, rebuilt from key_ after release_expanded_key().
  Result<const crypto::Aead*> expanded() const noexcept {
    if (aead_) [[likely]] return &*aead_;
    return expand();
  }
  Result<const crypto::Aead*> expand() const noexcept;
  size_t nonce(const RecordHeader& header, uint8_t out[12]) const noexcept;
  static size_t additional_data(const RecordHeader& header, size_t plaintext_len, uint8_t* out) noexcept;

  // Mutable: seal/open are const and expand the key on demand. A
  // RecordProtection belongs to one connection (one thread at a time).
  mutable std::optional<crypto::Aead> aead_;
  uint8_t key_[32];
  uint8_t fixed_iv_[12];
  // Small fields packed last: a RecordLayer holds four of these.
  crypto::AeadAlgorithm alg_;
  uint8_t key_size_;
  uint8_t fixed_iv_size_;
  uint8_t explicit_nonce_size_;
  uint8_t tag_size_;

 public:
  ~RecordProtection() {
    secure_wipe(key_, sizeof key_);
    secure_wipe(fixed_iv_, sizeof fixed_iv_);
  }
  RecordProtection(RecordProtection&&) noexcept = default;
  RecordProtection& operator=(RecordProtection&&) noexcept = default;
};

}  // namespace cachet::record
