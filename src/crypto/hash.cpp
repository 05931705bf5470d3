// SHA-1 / SHA-256 / SHA-384 over nettle, with the context held inline.
#include "crypto/hash.hpp"

#include <nettle/sha1.h>
#include <nettle/sha2.h>

#include <cstring>
#include <new>

#include "base/secure.hpp"

namespace cachet::crypto {

namespace {

// SHA-384 shares SHA-512's context (FIPS 180-4 §6.5: same compression function,
// different IV and truncation).
static_assert(sizeof(sha1_ctx) <= 224 && alignof(sha1_ctx) <= 16);
static_assert(sizeof(sha256_ctx) <= 224 && alignof(sha256_ctx) <= 16);
static_assert(sizeof(sha512_ctx) <= 224 && alignof(sha512_ctx) <= 16);

// Bytes of state_ the algorithm's context uses: only these are copied and
// wiped (a PRF run copies keyed HMAC states a few dozen times).
constexpr size_t ctx_size(HashAlgorithm alg) noexcept {
  switch (alg) {
    case HashAlgorithm::kSha1: return sizeof(sha1_ctx);
    case HashAlgorithm::kSha256: return sizeof(sha256_ctx);
    case HashAlgorithm::kSha384: return sizeof(sha512_ctx);
  }
  return 224;
}

template <typename Ctx>
Ctx* as_ctx(uint8_t* state) noexcept {
  return std::launder(reinterpret_cast<Ctx*>(state));
}

}  // namespace

Hash::Hash(HashAlgorithm alg) noexcept : alg_(alg) { reset(); }

Hash::~Hash() { secure_wipe(state_, ctx_size(alg_)); }

// The nettle contexts are plain C structs, so a byte copy is a faithful copy.
Hash::Hash(const Hash& other) noexcept : alg_(other.alg_) {
  std::memcpy(state_, other.state_, ctx_size(alg_));
}

Hash& Hash::operator=(const Hash& other) noexcept {
  if (this != &other) {
    // A larger old context leaves nothing behind the new one.
    if (ctx_size(alg_) > ctx_size(other.alg_)) secure_wipe(state_, ctx_size(alg_));
    alg_ = other.alg_;
    std::memcpy(state_, other.state_, ctx_size(alg_));
  }
  return *this;
}

void Hash::reset() noexcept {
  std::memset(state_, 0, ctx_size(alg_));
  switch (alg_) {
    case HashAlgorithm::kSha1: sha1_init(new (state_) sha1_ctx); return;
    case HashAlgorithm::kSha256: sha256_init(new (state_) sha256_ctx); return;
    case HashAlgorithm::kSha384: sha384_init(new (state_) sha512_ctx); return;
  }
}

void Hash::update(ByteSpan data) noexcept {
  if (data.empty()) return;
  switch (alg_) {
    case HashAlgorithm::kSha1:
      sha1_update(as_ctx<sha1_ctx>(state_), data.size(), data.data());
      return;
    case HashAlgorithm::kSha256:
      sha256_update(as_ctx<sha256_ctx>(state_), data.size(), data.data());
      return;
    case HashAlgorithm::kSha384:
      sha384_update(as_ctx<sha512_ctx>(state_), data.size(), data.data());
      return;
  }
}

void Hash::finish(MutableByteSpan out) noexcept {
  if (out.size() < size()) return;  // contract violation; write nothing
  // nettle's *_digest functions also re-initialise the context.
  switch (alg_) {
    case HashAlgorithm::kSha1:
      sha1_digest(as_ctx<sha1_ctx>(state_), size(), out.data());
      return;
    case HashAlgorithm::kSha256:
      sha256_digest(as_ctx<sha256_ctx>(state_), size(), out.data());
      return;
    case HashAlgorithm::kSha384:
      sha384_digest(as_ctx<sha512_ctx>(state_), size(), out.data());
      return;
  }
}

Bytes Hash::finish() {
  Bytes out(size());
  finish(out);
  return out;
}

Bytes Hash::peek() const {
  Hash copy(*this);
  return copy.finish();
}

Bytes hash(HashAlgorithm alg, ByteSpan data) {
  Hash h(alg);
  h.update(data);
  return h.finish();
}

}  // namespace cachet::crypto
