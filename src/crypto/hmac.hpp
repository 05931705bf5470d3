// HMAC (RFC 2104) over the hashes of hash.hpp.
#pragma once

#include "base/bytes.hpp"
#include "crypto/hash.hpp"

namespace cachet::crypto {

class Hmac {
 public:
  Hmac(HashAlgorithm alg, ByteSpan key) noexcept;
  ~Hmac();  // wipes the keyed state
  Hmac(const Hmac&) noexcept;
  Hmac& operator=(const Hmac&) = delete;

  size_t size() const noexcept { return inner_.size(); }
  HashAlgorithm algorithm() const noexcept { return inner_.algorithm(); }
  void update(ByteSpan data) noexcept { inner_.update(data); }
  // Writes size() bytes to out (out.size() >= size()); the object may then be
  // reused for a new message under the same key.
  void finish(MutableByteSpan out) noexcept;
  Bytes finish();

 private:
  Hash inner_;
  Hash outer_;
  Hash inner_start_;  // keyed states, kept so finish() can restart
};

// One-shot HMAC; out.size() must be >= digest_size(alg).
void hmac(HashAlgorithm alg, ByteSpan key, ByteSpan data, MutableByteSpan out) noexcept;
Bytes hmac(HashAlgorithm alg, ByteSpan key, ByteSpan data);

}  // namespace cachet::crypto
