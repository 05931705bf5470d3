// DTLS 1.3 record-number encryption masks (RFC 9147 §4.2.3).
#pragma once

#include <cachet/error.hpp>

#include <memory>

#include "base/bytes.hpp"
#include "crypto/aead.hpp"

namespace cachet::crypto {

class RecordNumberMask {
 public:
  // The mask cipher follows the record AEAD: AES-ECB with the AEAD's key size
  // for AES-GCM/CCM suites, ChaCha20 for ChaCha20-Poly1305. sn_key must have
  // the AEAD's key size.
  static Result<RecordNumberMask> create(AeadAlgorithm alg, ByteSpan sn_key);

  RecordNumberMask(RecordNumberMask&&) noexcept;
  RecordNumberMask& operator=(RecordNumberMask&&) noexcept;
  ~RecordNumberMask();

  // sample: the first 16 bytes of the record ciphertext (kTruncated when
  // shorter). Writes mask.size() (<= 16) bytes of mask:
  //   AES:      Mask = AES-ECB(sn_key, sample)
  //   ChaCha20: Mask = ChaCha20(sn_key, counter = sample[0..3] little-endian,
  //                             nonce = sample[4..15]) applied to zeros
  [[nodiscard]] Result<void> compute(ByteSpan sample, MutableByteSpan mask) const noexcept;

  struct Impl;

 private:
  explicit RecordNumberMask(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cachet::crypto
