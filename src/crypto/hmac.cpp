// HMAC (RFC 2104) built on crypto::Hash.
#include "crypto/hmac.hpp"

#include <algorithm>
#include <array>

#include "base/secure.hpp"

namespace cachet::crypto {

namespace {

constexpr size_t kMaxBlockSize = 128;
constexpr uint8_t kIpad = 0x36;
constexpr uint8_t kOpad = 0x5c;

}  // namespace

Hmac::Hmac(HashAlgorithm alg, ByteSpan key) noexcept : inner_(alg), outer_(alg), inner_start_(alg) {
  const size_t block = block_size(alg);
  // RFC 2104 §2: a key longer than the block is replaced by its hash; a
  // shorter one is padded with zeros to the block size.
  std::array<uint8_t, kMaxBlockSize> k0{};
  if (key.size() > block) {
    Hash h(alg);
    h.update(key);
    h.finish(k0);
  } else {
    std::copy(key.begin(), key.end(), k0.begin());
  }

  std::array<uint8_t, kMaxBlockSize> pad;
  for (size_t i = 0; i < block; ++i) pad[i] = k0[i] ^ kIpad;
  inner_start_.update(ByteSpan(pad.data(), block));
  for (size_t i = 0; i < block; ++i) pad[i] = k0[i] ^ kOpad;
  outer_.update(ByteSpan(pad.data(), block));
  inner_ = inner_start_;

  secure_wipe(k0.data(), k0.size());
  secure_wipe(pad.data(), pad.size());
}

// The Hash members wipe their own states.
Hmac::~Hmac() = default;

Hmac::Hmac(const Hmac&) noexcept = default;

void Hmac::finish(MutableByteSpan out) noexcept {
  if (out.size() < size()) return;  // contract violation; write nothing
  // RFC 2104 §2: H(K ^ opad, H(K ^ ipad, text)).
  std::array<uint8_t, kMaxDigestSize> inner_digest;
  inner_.finish(inner_digest);
  Hash outer = outer_;
  outer.update(ByteSpan(inner_digest.data(), size()));
  outer.finish(out);
  secure_wipe(inner_digest.data(), inner_digest.size());
  inner_ = inner_start_;
}

Bytes Hmac::finish() {
  Bytes out(size());
  finish(out);
  return out;
}

void hmac(HashAlgorithm alg, ByteSpan key, ByteSpan data, MutableByteSpan out) noexcept {
  Hmac mac(alg, key);
  mac.update(data);
  mac.finish(out);
}

Bytes hmac(HashAlgorithm alg, ByteSpan key, ByteSpan data) {
  Bytes out(digest_size(alg));
  hmac(alg, key, data, out);
  return out;
}

}  // namespace cachet::crypto
