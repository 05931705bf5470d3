// AEAD ciphers (nettle): AES-GCM, AES-CCM, AES-CCM-8, ChaCha20-Poly1305.
//
// Seal and open work in place over caller buffers and never allocate; the
// keyed state is allocated once when the Aead is created and wiped when it is
// destroyed. Open never releases unauthenticated plaintext: on failure the
// buffer is zeroed.
#pragma once

#include <cachet/error.hpp>

#include <cstdint>
#include <memory>

#include "base/bytes.hpp"

namespace cachet::crypto {

// The AEADs DTLS 1.2/1.3 cipher suites use.
enum class AeadAlgorithm : uint8_t {
  kAes128Gcm,
  kAes256Gcm,
  kChaCha20Poly1305,
  kAes128Ccm,
  kAes128Ccm8,
  kAes256Ccm,
  kAes256Ccm8,
};

// The construction underneath an AeadAlgorithm.
enum class AeadMode : uint8_t { kGcm, kCcm, kChaCha20Poly1305 };

struct AeadParams {
  AeadMode mode;
  size_t key_size;
  size_t nonce_size;  // the 12-byte TLS nonce (RFC 5116 N_MIN = N_MAX = 12 for these suites)
  size_t tag_size;
};

AeadParams aead_params(AeadAlgorithm alg) noexcept;

class Aead {
 public:
  // A DTLS suite's AEAD; the key must be exactly aead_params(alg).key_size.
  static Result<Aead> create(AeadAlgorithm alg, ByteSpan key);
  // The general construction (known-answer tests use it): AES keys of 16, 24
  // or 32 bytes; GCM tags of 4..16 bytes and any non-empty nonce; CCM tags of
  // 4..16 even bytes and nonces of 7..13 bytes; ChaCha20-Poly1305 with a
  // 32-byte key, 16-byte tag and 12-byte nonce only.
  static Result<Aead> create_raw(AeadMode mode, ByteSpan key, size_t tag_size);

  Aead(Aead&&) noexcept;
  Aead& operator=(Aead&&) noexcept;
  ~Aead();

  AeadMode mode() const noexcept;
  size_t tag_size() const noexcept;

  // in_out: plaintext in, ciphertext out (same length). tag.size() must equal
  // tag_size(). kBadNonce when the nonce length is not allowed for the mode.
  [[nodiscard]] Result<void> seal(ByteSpan nonce, ByteSpan aad, MutableByteSpan in_out,
                                  MutableByteSpan tag) const noexcept;
  // in_out: ciphertext in, plaintext out. kAuthenticationFailed (buffer
  // zeroed) when the tag does not verify; the tag is compared in constant time.
  [[nodiscard]] Result<void> open(ByteSpan nonce, ByteSpan aad, MutableByteSpan in_out,
                                  ByteSpan tag) const noexcept;

  struct Impl;

 private:
  explicit Aead(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cachet::crypto
