// Hash functions (nettle). SHA-256 and SHA-384 for the protocol; SHA-1 only for
// certificate fingerprints and verifying legacy rsa_pkcs1_sha1 signatures.
#pragma once

#include <cstdint>

#include "base/bytes.hpp"

namespace cachet::crypto {

enum class HashAlgorithm : uint8_t { kSha1, kSha256, kSha384 };

inline constexpr size_t kMaxDigestSize = 48;

constexpr size_t digest_size(HashAlgorithm alg) noexcept {
  switch (alg) {
    case HashAlgorithm::kSha1: return 20;
    case HashAlgorithm::kSha256: return 32;
    case HashAlgorithm::kSha384: return 48;
  }
  return 0;
}

// Block size in bytes (HMAC needs it).
constexpr size_t block_size(HashAlgorithm alg) noexcept {
  return alg == HashAlgorithm::kSha384 ? 128 : 64;
}

// An incremental hash. Copyable, so a handshake transcript can be forked; the
// state is held inline (no allocation).
class Hash {
 public:
  explicit Hash(HashAlgorithm alg) noexcept;
  ~Hash();
  Hash(const Hash&) noexcept;
  Hash& operator=(const Hash&) noexcept;

  HashAlgorithm algorithm() const noexcept { return alg_; }
  size_t size() const noexcept { return digest_size(alg_); }

  void update(ByteSpan data) noexcept;
  // Writes size() bytes (out.size() must be >= size()) and resets the state.
  void finish(MutableByteSpan out) noexcept;
  Bytes finish();
  // The digest of everything so far, leaving the state untouched.
  Bytes peek() const;

 private:
  void reset() noexcept;
  HashAlgorithm alg_;
  // Big enough for nettle's sha512_ctx (used for SHA-384), suitably aligned.
  alignas(16) uint8_t state_[224];
};

// One-shot digest.
Bytes hash(HashAlgorithm alg, ByteSpan data);

}  // namespace cachet::crypto
