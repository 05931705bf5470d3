// DTLS 1.3 record-number encryption (RFC 9147 §4.2.3).
#include "crypto/record_mask.hpp"

#include <nettle/aes.h>
#include <nettle/chacha.h>

#include <algorithm>
#include <array>
#include <new>

#include "base/secure.hpp"

namespace cachet::crypto {

namespace {
constexpr size_t kSampleSize = 16;
}  // namespace

struct RecordNumberMask::Impl {
  enum class Cipher : uint8_t { kAes128, kAes256, kChaCha20 } kind;
  union {
    aes128_ctx aes128;
    aes256_ctx aes256;
    chacha_ctx chacha;  // keyed; nonce and counter set per sample on a copy
  } ctx;

  explicit Impl(Cipher k) noexcept : kind(k) {}
  ~Impl() { secure_wipe(&ctx, sizeof(ctx)); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
};

Result<RecordNumberMask> RecordNumberMask::create(AeadAlgorithm alg, ByteSpan sn_key) {
  const AeadParams params = aead_params(alg);
  if (params.key_size == 0) return Error(ErrorCode::kInvalidArgument, "unknown AEAD algorithm");
  if (sn_key.size() != params.key_size) return Error(ErrorCode::kBadKey, "sn_key size");

  Impl::Cipher kind;
  if (params.mode == AeadMode::kChaCha20Poly1305) {
    kind = Impl::Cipher::kChaCha20;
  } else if (params.key_size == 16) {
    kind = Impl::Cipher::kAes128;
  } else if (params.key_size == 32) {
    kind = Impl::Cipher::kAes256;
  } else {
    return Error(ErrorCode::kUnsupported, "record number mask cipher");
  }

  std::unique_ptr<Impl> impl(new (std::nothrow) Impl(kind));
  if (!impl) return Error(ErrorCode::kInternal, "out of memory");
  switch (kind) {
    case Impl::Cipher::kAes128: aes128_set_encrypt_key(&impl->ctx.aes128, sn_key.data()); break;
    case Impl::Cipher::kAes256: aes256_set_encrypt_key(&impl->ctx.aes256, sn_key.data()); break;
    case Impl::Cipher::kChaCha20: chacha_set_key(&impl->ctx.chacha, sn_key.data()); break;
  }
  return RecordNumberMask(std::move(impl));
}

RecordNumberMask::RecordNumberMask(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
RecordNumberMask::RecordNumberMask(RecordNumberMask&&) noexcept = default;
RecordNumberMask& RecordNumberMask::operator=(RecordNumberMask&&) noexcept = default;
RecordNumberMask::~RecordNumberMask() = default;

Result<void> RecordNumberMask::compute(ByteSpan sample, MutableByteSpan mask) const noexcept {
  if (!impl_) return Error(ErrorCode::kWrongState, "mask moved from");
  if (sample.size() < kSampleSize) return Error(ErrorCode::kTruncated, "record sample too short");
  if (mask.size() > kSampleSize) return Error(ErrorCode::kInvalidArgument, "mask longer than 16");

  std::array<uint8_t, kSampleSize> block{};
  switch (impl_->kind) {
    // RFC 9147 §4.2.3: Mask = AES-ECB(sn_key, Ciphertext[0..15]).
    case Impl::Cipher::kAes128:
      aes128_encrypt(&impl_->ctx.aes128, kSampleSize, block.data(), sample.data());
      break;
    case Impl::Cipher::kAes256:
      aes256_encrypt(&impl_->ctx.aes256, kSampleSize, block.data(), sample.data());
      break;
    // RFC 9147 §4.2.3: Mask = ChaCha20(sn_key, Ciphertext[0..3], Ciphertext[4..15]),
    // the first four bytes being the (little-endian) block counter.
    case Impl::Cipher::kChaCha20: {
      chacha_ctx ctx = impl_->ctx.chacha;
      chacha_set_nonce96(&ctx, sample.subspan(4).data());
      chacha_set_counter32(&ctx, sample.data());
      chacha_crypt32(&ctx, kSampleSize, block.data(), block.data());
      secure_wipe(&ctx, sizeof(ctx));
      break;
    }
  }
  std::copy_n(block.begin(), mask.size(), mask.begin());
  secure_wipe(block.data(), block.size());
  return ok();
}

}  // namespace cachet::crypto
