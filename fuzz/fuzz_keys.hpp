// Fixed keys shared by the fuzz targets and their seed generator, so seeds
// carry records that really open.
#pragma once

#include <cstdint>

#include "crypto/aead.hpp"
#include "record/protection.hpp"

namespace cachet::fuzz {

inline constexpr crypto::AeadAlgorithm kFuzzAeads[] = {
    crypto::AeadAlgorithm::kAes128Gcm,  crypto::AeadAlgorithm::kAes256Gcm,
    crypto::AeadAlgorithm::kChaCha20Poly1305, crypto::AeadAlgorithm::kAes128Ccm,
    crypto::AeadAlgorithm::kAes128Ccm8, crypto::AeadAlgorithm::kAes256Ccm,
    crypto::AeadAlgorithm::kAes256Ccm8,
};
inline constexpr uint8_t kFuzzCid[4] = {0xca, 0xfe, 0x00, 0x01};

// Key bytes 0x01, 0x02, ...; IV bytes 0xa0, 0xa1, ... (fixed, public: fuzzing only).
inline record::RecordProtection fuzz_protection(crypto::AeadAlgorithm alg) {
  uint8_t key[32], iv[12];
  for (int i = 0; i < 32; ++i) key[i] = static_cast<uint8_t>(i + 1);
  for (int i = 0; i < 12; ++i) iv[i] = static_cast<uint8_t>(0xa0 + i);
  auto p = record::RecordProtection::create(alg, ByteSpan(key, crypto::aead_params(alg).key_size),
                                            ByteSpan(iv, record::fixed_iv_size(alg)));
  if (!p) __builtin_trap();
  return std::move(p).value();
}

}  // namespace cachet::fuzz
