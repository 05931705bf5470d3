// Shared fixtures for the record-layer tests.
#pragma once

#include <vector>

#include "base/random.hpp"
#include "crypto/aead.hpp"
#include "record/protection.hpp"
#include "record/record_layer.hpp"

namespace cachet::test {

inline constexpr crypto::AeadAlgorithm kAllAeads[] = {
    crypto::AeadAlgorithm::kAes128Gcm,  crypto::AeadAlgorithm::kAes256Gcm,
    crypto::AeadAlgorithm::kChaCha20Poly1305, crypto::AeadAlgorithm::kAes128Ccm,
    crypto::AeadAlgorithm::kAes128Ccm8, crypto::AeadAlgorithm::kAes256Ccm,
    crypto::AeadAlgorithm::kAes256Ccm8,
};

struct KeyMaterial {
  Bytes key;
  Bytes iv;
};

// Deterministic key material for an AEAD, distinct per (alg, label).
inline KeyMaterial make_keys(crypto::AeadAlgorithm alg, uint64_t label) {
  DeterministicRandom rnd(label * 131 + static_cast<uint64_t>(alg));
  KeyMaterial km{Bytes(crypto::aead_params(alg).key_size), Bytes(record::fixed_iv_size(alg))};
  (void)rnd.fill(km.key);
  (void)rnd.fill(km.iv);
  return km;
}

inline record::RecordProtection make_protection(crypto::AeadAlgorithm alg, uint64_t label) {
  KeyMaterial km = make_keys(alg, label);
  auto p = record::RecordProtection::create(alg, km.key, km.iv);
  if (!p) throw std::runtime_error("RecordProtection::create failed");
  return std::move(p).value();
}

struct CollectedRecord {
  record::ContentType type;
  uint16_t epoch;
  uint64_t sequence;
  bool had_cid;
  Bytes payload;
};

class CollectingSink : public record::RecordSink {
 public:
  void on_record(const record::Record& r) override {
    records.push_back({r.type, r.epoch.value, r.sequence.value(), r.had_cid,
                       Bytes(r.payload.begin(), r.payload.end())});
  }
  std::vector<CollectedRecord> records;
};

}  // namespace cachet::test
