// AEADs over nettle: AES-GCM (NIST SP 800-38D), AES-CCM (RFC 3610, NIST SP
// 800-38C) and ChaCha20-Poly1305 (RFC 8439).
#include "crypto/aead.hpp"

#include <nettle/aes.h>
#include <nettle/ccm.h>
#include <nettle/chacha-poly1305.h>
#include <nettle/gcm.h>

#include <array>
#include <new>

#include "base/secure.hpp"

namespace cachet::crypto {

namespace {

// nettle_cipher_func adapters with the exact signature nettle expects, so no
// function-pointer casts are needed.
void aes128_block(const void* ctx, size_t length, uint8_t* dst, const uint8_t* src) {
  aes128_encrypt(static_cast<const aes128_ctx*>(ctx), length, dst, src);
}
void aes192_block(const void* ctx, size_t length, uint8_t* dst, const uint8_t* src) {
  aes192_encrypt(static_cast<const aes192_ctx*>(ctx), length, dst, src);
}
void aes256_block(const void* ctx, size_t length, uint8_t* dst, const uint8_t* src) {
  aes256_encrypt(static_cast<const aes256_ctx*>(ctx), length, dst, src);
}

constexpr size_t kMaxTagSize = 16;

}  // namespace

AeadParams aead_params(AeadAlgorithm alg) noexcept {
  // RFC 5116 §5 / RFC 6655 §3 / RFC 7905 §2: 12-byte nonces; CCM_8 has an 8-byte tag.
  switch (alg) {
    case AeadAlgorithm::kAes128Gcm: return {AeadMode::kGcm, 16, 12, 16};
    case AeadAlgorithm::kAes256Gcm: return {AeadMode::kGcm, 32, 12, 16};
    case AeadAlgorithm::kChaCha20Poly1305: return {AeadMode::kChaCha20Poly1305, 32, 12, 16};
    case AeadAlgorithm::kAes128Ccm: return {AeadMode::kCcm, 16, 12, 16};
    case AeadAlgorithm::kAes128Ccm8: return {AeadMode::kCcm, 16, 12, 8};
    case AeadAlgorithm::kAes256Ccm: return {AeadMode::kCcm, 32, 12, 16};
    case AeadAlgorithm::kAes256Ccm8: return {AeadMode::kCcm, 32, 12, 8};
  }
  return {AeadMode::kGcm, 0, 0, 0};
}

struct Aead::Impl {
  AeadMode mode;
  size_t tag_size;
  nettle_cipher_func* block = nullptr;  // AES modes only
  union {
    aes128_ctx aes128;
    aes192_ctx aes192;
    aes256_ctx aes256;
    chacha_poly1305_ctx chacha;  // keyed; copied per message
  } cipher;
  gcm_key gcm;  // the GHASH subkey table (GCM only)

  Impl(AeadMode m, size_t t) noexcept : mode(m), tag_size(t) {}
  ~Impl() {
    secure_wipe(&cipher, sizeof(cipher));
    secure_wipe(&gcm, sizeof(gcm));
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  const void* aes() const noexcept { return &cipher; }

  Result<void> check_nonce(size_t nonce_size, size_t msg_size) const noexcept;
  Result<void> seal(ByteSpan nonce, ByteSpan aad, MutableByteSpan in_out,
                    MutableByteSpan tag) const noexcept;
  // Decrypts in place and writes the full computed tag to `computed`.
  void decrypt(ByteSpan nonce, ByteSpan aad, MutableByteSpan in_out,
               MutableByteSpan computed) const noexcept;
};

Result<void> Aead::Impl::check_nonce(size_t nonce_size, size_t msg_size) const noexcept {
  switch (mode) {
    case AeadMode::kGcm:
      // NIST SP 800-38D §5.2.1.1: any IV length >= 1 bit (12 bytes is the fast path).
      if (nonce_size == 0) return Error(ErrorCode::kBadNonce, "GCM nonce is empty");
      return ok();
    case AeadMode::kCcm:
      // RFC 3610 §2: nonce of 15 - L bytes, 2 <= L <= 8; the message length
      // must fit in L bytes.
      if (nonce_size < 7 || nonce_size > 13) return Error(ErrorCode::kBadNonce, "CCM nonce size");
      if (msg_size > CCM_MAX_MSG_SIZE(nonce_size))
        return Error(ErrorCode::kInvalidArgument, "CCM message too long for the nonce size");
      return ok();
    case AeadMode::kChaCha20Poly1305:
      // RFC 8439 §2.8: a 96-bit nonce.
      if (nonce_size != CHACHA_POLY1305_NONCE_SIZE)
        return Error(ErrorCode::kBadNonce, "ChaCha20-Poly1305 nonce size");
      return ok();
  }
  return Error(ErrorCode::kInternal);
}

Result<void> Aead::Impl::seal(ByteSpan nonce, ByteSpan aad, MutableByteSpan in_out,
                              MutableByteSpan tag) const noexcept {
  uint8_t* data = in_out.data();
  const size_t n = in_out.size();
  switch (mode) {
    case AeadMode::kGcm: {
      gcm_ctx ctx;
      gcm_set_iv(&ctx, &gcm, nonce.size(), nonce.data());
      gcm_update(&ctx, &gcm, aad.size(), aad.data());
      gcm_encrypt(&ctx, &gcm, aes(), block, n, data, data);
      // NIST SP 800-38D §7.1: the tag is the leftmost t bits.
      gcm_digest(&ctx, &gcm, aes(), block, tag_size, tag.data());
      secure_wipe(&ctx, sizeof(ctx));
      return ok();
    }
    case AeadMode::kCcm: {
      ccm_ctx ctx;
      ccm_set_nonce(&ctx, aes(), block, nonce.size(), nonce.data(), aad.size(), n, tag_size);
      ccm_update(&ctx, aes(), block, aad.size(), aad.data());
      ccm_encrypt(&ctx, aes(), block, n, data, data);
      ccm_digest(&ctx, aes(), block, tag_size, tag.data());
      secure_wipe(&ctx, sizeof(ctx));
      return ok();
    }
    case AeadMode::kChaCha20Poly1305: {
      chacha_poly1305_ctx ctx = cipher.chacha;
      // RFC 8439 §2.8: the Poly1305 key is derived from block 0 under this nonce.
      chacha_poly1305_set_nonce(&ctx, nonce.data());
      chacha_poly1305_update(&ctx, aad.size(), aad.data());
      chacha_poly1305_encrypt(&ctx, n, data, data);
      chacha_poly1305_digest(&ctx, tag_size, tag.data());
      secure_wipe(&ctx, sizeof(ctx));
      return ok();
    }
  }
  return Error(ErrorCode::kInternal);
}

void Aead::Impl::decrypt(ByteSpan nonce, ByteSpan aad, MutableByteSpan in_out,
                         MutableByteSpan computed) const noexcept {
  uint8_t* data = in_out.data();
  const size_t n = in_out.size();
  switch (mode) {
    case AeadMode::kGcm: {
      gcm_ctx ctx;
      gcm_set_iv(&ctx, &gcm, nonce.size(), nonce.data());
      gcm_update(&ctx, &gcm, aad.size(), aad.data());
      gcm_decrypt(&ctx, &gcm, aes(), block, n, data, data);
      gcm_digest(&ctx, &gcm, aes(), block, tag_size, computed.data());
      secure_wipe(&ctx, sizeof(ctx));
      return;
    }
    case AeadMode::kCcm: {
      ccm_ctx ctx;
      ccm_set_nonce(&ctx, aes(), block, nonce.size(), nonce.data(), aad.size(), n, tag_size);
      ccm_update(&ctx, aes(), block, aad.size(), aad.data());
      ccm_decrypt(&ctx, aes(), block, n, data, data);
      ccm_digest(&ctx, aes(), block, tag_size, computed.data());
      secure_wipe(&ctx, sizeof(ctx));
      return;
    }
    case AeadMode::kChaCha20Poly1305: {
      chacha_poly1305_ctx ctx = cipher.chacha;
      chacha_poly1305_set_nonce(&ctx, nonce.data());
      chacha_poly1305_update(&ctx, aad.size(), aad.data());
      chacha_poly1305_decrypt(&ctx, n, data, data);
      chacha_poly1305_digest(&ctx, tag_size, computed.data());
      secure_wipe(&ctx, sizeof(ctx));
      return;
    }
  }
}

Result<Aead> Aead::create(AeadAlgorithm alg, ByteSpan key) {
  const AeadParams params = aead_params(alg);
  if (params.key_size == 0) return Error(ErrorCode::kInvalidArgument, "unknown AEAD algorithm");
  if (key.size() != params.key_size) return Error(ErrorCode::kBadKey, "AEAD key size");
  return create_raw(params.mode, key, params.tag_size);
}

Result<Aead> Aead::create_raw(AeadMode mode, ByteSpan key, size_t tag_size) {
  switch (mode) {
    case AeadMode::kGcm:
      if (tag_size < 4 || tag_size > GCM_DIGEST_SIZE)
        return Error(ErrorCode::kInvalidArgument, "GCM tag size");
      break;
    case AeadMode::kCcm:
      // RFC 3610 §2: M in {4, 6, 8, 10, 12, 14, 16}.
      if (tag_size < 4 || tag_size > CCM_DIGEST_SIZE || tag_size % 2 != 0)
        return Error(ErrorCode::kInvalidArgument, "CCM tag size");
      break;
    case AeadMode::kChaCha20Poly1305:
      if (key.size() != CHACHA_POLY1305_KEY_SIZE)
        return Error(ErrorCode::kBadKey, "ChaCha20-Poly1305 key size");
      if (tag_size != CHACHA_POLY1305_DIGEST_SIZE)
        return Error(ErrorCode::kInvalidArgument, "ChaCha20-Poly1305 tag size");
      break;
    default:
      return Error(ErrorCode::kInvalidArgument, "unknown AEAD mode");
  }
  if (mode != AeadMode::kChaCha20Poly1305 && key.size() != 16 && key.size() != 24 &&
      key.size() != 32)
    return Error(ErrorCode::kBadKey, "AES key size");

  std::unique_ptr<Impl> impl(new (std::nothrow) Impl(mode, tag_size));
  if (!impl) return Error(ErrorCode::kInternal, "out of memory");

  if (mode == AeadMode::kChaCha20Poly1305) {
    chacha_poly1305_set_key(&impl->cipher.chacha, key.data());
  } else if (key.size() == 16) {
    aes128_set_encrypt_key(&impl->cipher.aes128, key.data());
    impl->block = aes128_block;
  } else if (key.size() == 24) {
    aes192_set_encrypt_key(&impl->cipher.aes192, key.data());
    impl->block = aes192_block;
  } else {
    aes256_set_encrypt_key(&impl->cipher.aes256, key.data());
    impl->block = aes256_block;
  }
  // NIST SP 800-38D §6.4: H = E(K, 0^128), expanded into nettle's table.
  if (mode == AeadMode::kGcm) gcm_set_key(&impl->gcm, impl->aes(), impl->block);
  return Aead(std::move(impl));
}

Aead::Aead(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Aead::Aead(Aead&&) noexcept = default;
Aead& Aead::operator=(Aead&&) noexcept = default;
Aead::~Aead() = default;

AeadMode Aead::mode() const noexcept { return impl_->mode; }
size_t Aead::tag_size() const noexcept { return impl_->tag_size; }

Result<void> Aead::seal(ByteSpan nonce, ByteSpan aad, MutableByteSpan in_out,
                        MutableByteSpan tag) const noexcept {
  if (!impl_) return Error(ErrorCode::kWrongState, "AEAD moved from");
  if (tag.size() != impl_->tag_size) return Error(ErrorCode::kInvalidArgument, "AEAD tag size");
  CACHET_TRY(impl_->check_nonce(nonce.size(), in_out.size()));
  return impl_->seal(nonce, aad, in_out, tag);
}

Result<void> Aead::open(ByteSpan nonce, ByteSpan aad, MutableByteSpan in_out,
                        ByteSpan tag) const noexcept {
  if (!impl_) return Error(ErrorCode::kWrongState, "AEAD moved from");
  if (tag.size() != impl_->tag_size) return Error(ErrorCode::kInvalidArgument, "AEAD tag size");
  CACHET_TRY(impl_->check_nonce(nonce.size(), in_out.size()));

  std::array<uint8_t, kMaxTagSize> computed;
  impl_->decrypt(nonce, aad, in_out, computed);
  const bool good = constant_time_equal(ByteSpan(computed.data(), impl_->tag_size), tag);
  secure_wipe(computed.data(), computed.size());
  if (!good) {
    // RFC 5116 §2.2: no plaintext is released when authentication fails.
    secure_wipe(in_out);
    return Error(ErrorCode::kAuthenticationFailed, "AEAD tag mismatch");
  }
  return ok();
}

}  // namespace cachet::crypto
