// Record protection: every AEAD suite with and without CID, tampering, nonce
// uniqueness, and byte-exact agreement with OpenSSL's independent AEAD.
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>

#include <cstring>
#include <set>

#include "base/hex.hpp"
#include "record_test_util.hpp"
#include "test_util.hpp"

using namespace cachet;
using namespace cachet::record;
using crypto::AeadAlgorithm;

namespace {

RecordHeader make_header(ContentType type, uint16_t epoch, uint64_t seq, ByteSpan cid = {}) {
  RecordHeader h;
  h.type = type;
  h.version = 0xfefd;
  h.epoch = Epoch(epoch);
  h.sequence = SequenceNumber(seq);
  h.cid = cid;
  return h;
}

// Parses a sealed record back (as the receiver would) and opens it.
Result<OpenedRecord> reparse_and_open(const RecordProtection& p, MutableByteSpan record, size_t cid_len) {
  ByteReader r(record);
  ParseResult parsed = parse_record(r, cid_len);
  if (parsed.status != ParseStatus::kOk) return Error(ErrorCode::kDecodeError, "reparse");
  MutableByteSpan fragment = record.subspan(parsed.record.header_bytes.size(), parsed.record.fragment.size());
  return p.open(parsed.record.header, fragment);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(record_protection)

BOOST_AUTO_TEST_CASE(round_trip_every_aead_with_and_without_cid) {
  const Bytes cid = test::hex("0102030405060708");
  for (AeadAlgorithm alg : test::kAllAeads) {
    auto sender = test::make_protection(alg, 1);
    auto receiver = test::make_protection(alg, 1);
    for (bool with_cid : {false, true}) {
      for (size_t len : {0u, 1u, 100u, 1200u, 16384u}) {
        Bytes payload(len);
        for (size_t i = 0; i < len; ++i) payload[i] = static_cast<uint8_t>(i * 7);
        Bytes out(len + 64);
        auto h = make_header(ContentType::kApplicationData, 1, 42 + len, with_cid ? ByteSpan(cid) : ByteSpan());
        auto n = sender.seal(h, payload, out);
        BOOST_TEST_REQUIRE(n.ok());
        BOOST_TEST(*n == header_size(with_cid ? cid.size() : 0) + len + sender.expansion(with_cid));
        auto opened = reparse_and_open(receiver, MutableByteSpan(out).first(*n), with_cid ? cid.size() : 0);
        BOOST_TEST_REQUIRE(opened.ok(), "alg " << int(alg) << " cid " << with_cid << " len " << len);
        BOOST_TEST((opened->type == ContentType::kApplicationData));
        BOOST_TEST((Bytes(opened->plaintext.begin(), opened->plaintext.end()) == payload));
      }
    }
  }
}

// release_expanded_key drops the keyed state; sealing and opening rebuild it
// from the raw key and produce exactly what a never-released pair produces.
BOOST_AUTO_TEST_CASE(released_keys_rebuild_to_identical_output) {
  for (AeadAlgorithm alg : test::kAllAeads) {
    auto kept = test::make_protection(alg, 3);
    auto released = test::make_protection(alg, 3);
    BOOST_TEST(released.key_expanded());
    Bytes payload(1200);
    for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 13);
    for (uint64_t seq = 1; seq <= 3; ++seq) {
      released.release_expanded_key();
      BOOST_TEST(!released.key_expanded());
      Bytes a(1300), b(1300);
      const auto h = make_header(ContentType::kApplicationData, 1, seq);
      auto na = kept.seal(h, payload, a);
      auto nb = released.seal(h, payload, b);
      BOOST_TEST_REQUIRE((na.ok() && nb.ok()));
      BOOST_TEST(released.key_expanded());
      BOOST_TEST((a == b), "alg " << int(alg) << " seq " << seq);
      released.release_expanded_key();
      auto opened = reparse_and_open(released, MutableByteSpan(a).first(*na), 0);
      BOOST_TEST_REQUIRE(opened.ok());
      BOOST_TEST((Bytes(opened->plaintext.begin(), opened->plaintext.end()) == payload));
      // A forged tag still fails after a rebuild.
      released.release_expanded_key();
      b[*nb - 1] ^= 1;
      BOOST_TEST(!reparse_and_open(released, MutableByteSpan(b).first(*nb), 0).ok());
    }
  }
}

// Flipping any single bit of a sealed record (header or body) makes it fail.
BOOST_AUTO_TEST_CASE(any_bit_flip_is_rejected) {
  const Bytes cid = test::hex("aabb");
  for (AeadAlgorithm alg : {AeadAlgorithm::kAes128Gcm, AeadAlgorithm::kChaCha20Poly1305, AeadAlgorithm::kAes128Ccm8}) {
    for (bool with_cid : {false, true}) {
      auto p = test::make_protection(alg, 2);
      const Bytes payload = test::hex("48656c6c6f");
      Bytes rec(128);
      auto n = p.seal(make_header(ContentType::kApplicationData, 1, 9, with_cid ? ByteSpan(cid) : ByteSpan()), payload, rec);
      BOOST_TEST_REQUIRE(n.ok());
      rec.resize(*n);
      size_t rejected = 0;
      for (size_t i = 0; i < rec.size() * 8; ++i) {
        Bytes bad = rec;
        bad[i / 8] ^= static_cast<uint8_t>(1 << (i % 8));
        auto opened = reparse_and_open(p, bad, with_cid ? cid.size() : 0);
        if (!opened.ok()) ++rejected;
        else if (Bytes(opened->plaintext.begin(), opened->plaintext.end()) == payload &&
                 opened->type == ContentType::kApplicationData)
          BOOST_ERROR("bit " << i << " flipped and the record still opened as the original");
        else
          BOOST_ERROR("bit " << i << " flipped and the record opened differently");
      }
      BOOST_TEST(rejected == rec.size() * 8);
    }
  }
}

// 100k records in one epoch: the nonce never repeats, and for the
// explicit-nonce suites the explicit nonce is epoch || sequence.
BOOST_AUTO_TEST_CASE(nonces_are_unique_and_explicit_nonce_is_epoch_and_seq) {
  for (AeadAlgorithm alg : {AeadAlgorithm::kAes128Gcm, AeadAlgorithm::kAes128Ccm8, AeadAlgorithm::kChaCha20Poly1305}) {
    RecordLayer layer;
    BOOST_TEST_REQUIRE(layer.install_write_epoch(Epoch(1), test::make_protection(alg, 3)).ok());
    const test::KeyMaterial km = test::make_keys(alg, 3);
    std::set<Bytes> nonces;
    Bytes out(64);
    const uint8_t payload[1] = {0};
    for (uint64_t i = 0; i < 100000; ++i) {
      auto n = layer.seal(Epoch(1), ContentType::kApplicationData, payload, out);
      BOOST_TEST_REQUIRE(n.ok());
      const uint64_t seq = uint64_t{out[5]} << 40 | uint64_t{out[6]} << 32 | uint64_t{out[7]} << 24 |
                           uint64_t{out[8]} << 16 | uint64_t{out[9]} << 8 | out[10];
      BOOST_TEST_REQUIRE(seq == i);
      Bytes nonce(12);
      if (explicit_nonce_size(alg) == 8) {
        // Bytes 13..20 of the record are the explicit nonce: epoch || seq.
        BOOST_TEST_REQUIRE(std::memcmp(out.data() + 13, out.data() + 3, 8) == 0);
        std::memcpy(nonce.data(), km.iv.data(), 4);
        std::memcpy(nonce.data() + 4, out.data() + 13, 8);
      } else {
        nonce = km.iv;
        for (int k = 0; k < 8; ++k) nonce[4 + k] ^= out[3 + k];
      }
      nonces.insert(nonce);
    }
    BOOST_TEST(nonces.size() == 100000u);
  }
}

// -- OpenSSL cross-check -----------------------------------------------------

namespace {

const EVP_CIPHER* openssl_cipher(AeadAlgorithm alg) {
  switch (alg) {
    case AeadAlgorithm::kAes128Gcm: return EVP_aes_128_gcm();
    case AeadAlgorithm::kAes256Gcm: return EVP_aes_256_gcm();
    case AeadAlgorithm::kChaCha20Poly1305: return EVP_chacha20_poly1305();
    case AeadAlgorithm::kAes128Ccm: case AeadAlgorithm::kAes128Ccm8: return EVP_aes_128_ccm();
    case AeadAlgorithm::kAes256Ccm: case AeadAlgorithm::kAes256Ccm8: return EVP_aes_256_ccm();
  }
  return nullptr;
}

// Independent construction from the RFC text (nonce, additional data, inner
// plaintext) sealed with OpenSSL's EVP AEADs. Returns the whole record.
Bytes openssl_seal(AeadAlgorithm alg, const test::KeyMaterial& km, uint16_t epoch, uint64_t seq,
                   ContentType type, ByteSpan cid, ByteSpan payload, size_t padding = 0) {
  const bool ccm = crypto::aead_params(alg).mode == crypto::AeadMode::kCcm;
  const bool chacha = alg == AeadAlgorithm::kChaCha20Poly1305;
  const size_t tag_len = crypto::aead_params(alg).tag_size;
  Bytes seq64 = {static_cast<uint8_t>(epoch >> 8), static_cast<uint8_t>(epoch)};
  for (int i = 5; i >= 0; --i) seq64.push_back(static_cast<uint8_t>(seq >> (8 * i)));
  Bytes nonce = km.iv;
  if (chacha) {
    for (int i = 0; i < 8; ++i) nonce[4 + i] ^= seq64[i];  // RFC 7905 §2
  } else {
    nonce.insert(nonce.end(), seq64.begin(), seq64.end());  // RFC 5288 §3: salt || epoch || seq
  }
  Bytes plaintext(payload.begin(), payload.end());
  if (!cid.empty()) {
    plaintext.push_back(static_cast<uint8_t>(type));
    plaintext.insert(plaintext.end(), padding, 0);
  }
  const uint16_t len = static_cast<uint16_t>(plaintext.size());
  Bytes aad;
  if (cid.empty()) {
    aad = seq64;
    aad.push_back(static_cast<uint8_t>(type));
    aad.insert(aad.end(), {0xfe, 0xfd, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)});
  } else {
    aad.assign(8, 0xff);
    aad.insert(aad.end(), {25, static_cast<uint8_t>(cid.size()), 25, 0xfe, 0xfd});
    aad.insert(aad.end(), seq64.begin(), seq64.end());
    aad.insert(aad.end(), cid.begin(), cid.end());
    aad.insert(aad.end(), {static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)});
  }
  Bytes ct(plaintext.size() + 1);
  uint8_t tag[16];
  uint8_t dummy[1] = {0};
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int outl = 0;
  EVP_EncryptInit_ex(ctx, openssl_cipher(alg), nullptr, nullptr, nullptr);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, nullptr);
  if (ccm) EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_len), nullptr);
  EVP_EncryptInit_ex(ctx, nullptr, nullptr, km.key.data(), nonce.data());
  if (ccm) EVP_EncryptUpdate(ctx, nullptr, &outl, nullptr, static_cast<int>(plaintext.size()));
  EVP_EncryptUpdate(ctx, nullptr, &outl, aad.data(), static_cast<int>(aad.size()));
  EVP_EncryptUpdate(ctx, ct.data(), &outl, plaintext.empty() ? dummy : plaintext.data(),
                    static_cast<int>(plaintext.size()));
  EVP_EncryptFinal_ex(ctx, ct.data() + plaintext.size(), &outl);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_len), tag);
  EVP_CIPHER_CTX_free(ctx);
  ct.resize(plaintext.size());

  const size_t explicit_len = chacha ? 0 : 8;
  const uint16_t frag_len = static_cast<uint16_t>(explicit_len + ct.size() + tag_len);
  Bytes rec = {static_cast<uint8_t>(cid.empty() ? static_cast<uint8_t>(type) : 25), 0xfe, 0xfd};
  rec.insert(rec.end(), seq64.begin(), seq64.end());
  rec.insert(rec.end(), cid.begin(), cid.end());
  rec.insert(rec.end(), {static_cast<uint8_t>(frag_len >> 8), static_cast<uint8_t>(frag_len)});
  if (!chacha) rec.insert(rec.end(), seq64.begin(), seq64.end());
  rec.insert(rec.end(), ct.begin(), ct.end());
  rec.insert(rec.end(), tag, tag + tag_len);
  return rec;
}

}  // namespace

// Acceptance: a record sealed by Cachet equals, byte for byte, the record an
// independent implementation (OpenSSL's EVP AEADs, fed the nonce and
// additional data built from the RFC text) produces — and vice versa — for
// the RFC 6347 and the RFC 9146 CID constructions.
BOOST_AUTO_TEST_CASE(every_aead_matches_openssl_both_ways) {
  const Bytes cid = test::hex("deadbeef");
  for (AeadAlgorithm alg : test::kAllAeads) {
    const test::KeyMaterial km = test::make_keys(alg, 4);
    auto p = RecordProtection::create(alg, km.key, km.iv);
    BOOST_TEST_REQUIRE(p.ok());
    for (bool with_cid : {false, true}) {
      for (size_t len : {0u, 17u, 1200u}) {
        Bytes payload(len, 0x5a);
        ByteSpan c = with_cid ? ByteSpan(cid) : ByteSpan();
        const uint64_t seq = 0x0000a1b2c3d4ull + len;
        Bytes ours(len + 64);
        auto n = p->seal(make_header(ContentType::kApplicationData, 3, seq, c), payload, ours);
        BOOST_TEST_REQUIRE(n.ok());
        ours.resize(*n);
        Bytes theirs = openssl_seal(alg, km, 3, seq, ContentType::kApplicationData, c, payload);
        BOOST_TEST(to_hex(ours) == to_hex(theirs), "alg " << int(alg) << " cid " << with_cid << " len " << len);
        // OpenSSL seals (with inner padding for CID records) -> Cachet opens.
        Bytes rec = openssl_seal(alg, km, 3, 77, ContentType::kHandshake, c, payload, with_cid ? 5 : 0);
        auto opened = reparse_and_open(*p, rec, c.size());
        BOOST_TEST_REQUIRE(opened.ok(), "alg " << int(alg) << " cid " << with_cid << " len " << len);
        BOOST_TEST((opened->type == ContentType::kHandshake));
        BOOST_TEST(opened->plaintext.size() == len);
      }
    }
  }
}

// RFC 9146 §4: a DTLSInnerPlaintext of only zeros has no content type.
BOOST_AUTO_TEST_CASE(all_zero_inner_plaintext_is_rejected) {
  const test::KeyMaterial km = test::make_keys(AeadAlgorithm::kAes128Gcm, 5);
  auto p = RecordProtection::create(AeadAlgorithm::kAes128Gcm, km.key, km.iv);
  BOOST_TEST_REQUIRE(p.ok());
  const Bytes cid = test::hex("01");
  Bytes rec = openssl_seal(AeadAlgorithm::kAes128Gcm, km, 1, 1, ContentType::kInvalid, cid, {}, 4);  // type 0 + zeros
  auto opened = reparse_and_open(*p, rec, 1);
  BOOST_TEST(!opened.ok());
  BOOST_TEST((opened.error().code() == ErrorCode::kDecodeError));
}

BOOST_AUTO_TEST_CASE(size_errors) {
  auto p = test::make_protection(AeadAlgorithm::kAes128Gcm, 6);
  Bytes big(kMaxPlaintextSize + 1);
  Bytes out(big.size() + 64);
  BOOST_TEST((p.seal(make_header(ContentType::kApplicationData, 1, 0), big, out).error().code() ==
              ErrorCode::kLengthTooLarge));
  Bytes small(20);
  BOOST_TEST((p.seal(make_header(ContentType::kApplicationData, 1, 0), ByteSpan(big).first(10), small)
                  .error().code() == ErrorCode::kBufferTooSmall));
  Bytes tiny(10);
  BOOST_TEST((p.open(make_header(ContentType::kApplicationData, 1, 0), tiny).error().code() == ErrorCode::kDecodeError));
  const test::KeyMaterial km = test::make_keys(AeadAlgorithm::kAes128Gcm, 6);
  BOOST_TEST(!RecordProtection::create(AeadAlgorithm::kAes128Gcm, km.key, ByteSpan(km.iv).first(3)).ok());
  BOOST_TEST(!RecordProtection::create(AeadAlgorithm::kAes128Gcm, ByteSpan(km.key).first(15), km.iv).ok());
}

BOOST_AUTO_TEST_SUITE_END()
