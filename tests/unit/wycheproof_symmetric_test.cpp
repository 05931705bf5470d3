// Wycheproof vectors for the symmetric primitives: AES-GCM, AES-CCM,
// ChaCha20-Poly1305, HMAC-SHA-256/384 and HKDF-SHA-256/384. The AES-GCM cases
// of the DTLS suites' shape also run through Aead::create on both backends.
//
// Every "valid" case must be accepted and every "invalid" one rejected;
// "acceptable" cases may go either way.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <iostream>
#include <sstream>
#include <string>

#include "base/secure.hpp"
#include "crypto/aead.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/hmac.hpp"
#include "test_util.hpp"

using cachet::Bytes;
using cachet::ByteSpan;
using cachet::crypto::Aead;
using cachet::crypto::AeadAlgorithm;
using cachet::crypto::AeadBackend;
using cachet::crypto::AeadMode;
using cachet::crypto::HashAlgorithm;
using cachet::test::hex;
using nlohmann::json;

namespace {

struct Tally {
  size_t checked = 0;
  size_t valid_accepted = 0;
  size_t invalid_rejected = 0;
  size_t acceptable = 0;

  // Records one case; returns false when the outcome contradicts the expectation.
  bool record(const std::string& result, bool accepted) {
    ++checked;
    if (result == "acceptable") {
      ++acceptable;
      return true;
    }
    if (result == "valid") {
      if (accepted) ++valid_accepted;
      return accepted;
    }
    if (result == "invalid") {
      if (!accepted) ++invalid_rejected;
      return !accepted;
    }
    return false;  // unknown result label
  }

  void report(const std::string& file, const json& doc) const {
    std::ostringstream line;
    line << file << ": " << checked << " cases checked (" << valid_accepted << " valid accepted, "
         << invalid_rejected << " invalid rejected, " << acceptable << " acceptable)";
    std::cout << line.str() << std::endl;
    BOOST_TEST_MESSAGE(line.str());
    BOOST_TEST(checked == doc.at("numberOfTests").get<size_t>());
  }

  // For a run over some of a file's groups: at least `expected` cases.
  void report_subset(const std::string& label, size_t expected) const {
    std::ostringstream line;
    line << label << ": " << checked << " cases checked (" << valid_accepted << " valid accepted, "
         << invalid_rejected << " invalid rejected, " << acceptable << " acceptable)";
    std::cout << line.str() << std::endl;
    BOOST_TEST_MESSAGE(line.str());
    BOOST_TEST(checked >= expected);
  }
};

// "aes_gcm_test.json tcId 12 (comment): expected valid, got rejected"
std::string describe(const std::string& file, const json& t, const std::string& result,
                     bool accepted) {
  std::ostringstream out;
  out << file << " tcId " << t.at("tcId").get<int>() << " (" << t.value("comment", std::string())
      << "): expected " << result << ", got " << (accepted ? "accepted" : "rejected");
  return out.str();
}

// Accepted when the AEAD can be built (make(key, tag_size) returns a
// Result<Aead>), opens ct||tag to msg, and seals msg back to the same ct||tag.
// A failed open must leave the buffer zeroed.
template <typename Make>
bool aead_accepts(const Make& make, const json& group, const json& t) {
  const Bytes key = hex(t.at("key").get<std::string>());
  const Bytes iv = hex(t.at("iv").get<std::string>());
  const Bytes aad = hex(t.at("aad").get<std::string>());
  const Bytes msg = hex(t.at("msg").get<std::string>());
  const Bytes ct = hex(t.at("ct").get<std::string>());
  const Bytes tag = hex(t.at("tag").get<std::string>());
  const size_t tag_size = group.at("tagSize").get<size_t>() / 8;

  auto aead = make(ByteSpan(key), tag_size);
  if (!aead.ok()) return false;

  Bytes buf = ct;
  const auto opened = aead->open(iv, aad, buf, tag);
  if (!opened.ok()) {
    if (opened.error().code() == cachet::ErrorCode::kAuthenticationFailed)
      BOOST_TEST(std::all_of(buf.begin(), buf.end(), [](uint8_t b) { return b == 0; }));
    return false;
  }
  if (buf != msg) return false;

  Bytes sealed = msg;
  Bytes sealed_tag(tag_size);
  if (!aead->seal(iv, aad, sealed, sealed_tag).ok()) return false;
  return sealed == ct && sealed_tag == tag;
}

void run_aead(const std::string& name, AeadMode mode) {
  const std::string file = "vectors/wycheproof/" + name;
  const json doc = cachet::test::load_json(file);
  Tally tally;
  for (const json& group : doc.at("testGroups")) {
    for (const json& t : group.at("tests")) {
      const std::string result = t.at("result").get<std::string>();
      const bool accepted = aead_accepts(
          [mode](ByteSpan key, size_t tag_size) { return Aead::create_raw(mode, key, tag_size); },
          group, t);
      BOOST_TEST(tally.record(result, accepted), describe(name, t, result, accepted));
    }
  }
  tally.report(name, doc);
}

// The aes_gcm_test.json groups a DTLS suite can meet (96-bit IV, 128-bit tag,
// AES-128 or AES-256: 133 cases) through Aead::create on one backend.
void run_aes_gcm_suites(AeadBackend backend, const std::string& label) {
  const std::string name = "aes_gcm_test.json";
  const json doc = cachet::test::load_json("vectors/wycheproof/" + name);
  Tally tally;
  for (const json& group : doc.at("testGroups")) {
    const size_t key_bits = group.at("keySize").get<size_t>();
    if (group.at("ivSize").get<size_t>() != 96 || group.at("tagSize").get<size_t>() != 128 ||
        (key_bits != 128 && key_bits != 256))
      continue;
    const AeadAlgorithm alg =
        key_bits == 128 ? AeadAlgorithm::kAes128Gcm : AeadAlgorithm::kAes256Gcm;
    for (const json& t : group.at("tests")) {
      const std::string result = t.at("result").get<std::string>();
      const bool accepted = aead_accepts(
          [alg, backend](ByteSpan key, size_t) {
            auto aead = Aead::create(alg, key, backend);
            if (aead.ok()) BOOST_TEST((aead->backend() == backend));
            return aead;
          },
          group, t);
      BOOST_TEST(tally.record(result, accepted), describe(name, t, result, accepted));
    }
  }
  tally.report_subset(label, 133);
}

// Accepted when the first tagSize/8 bytes of the HMAC equal the tag.
void run_hmac(const std::string& name, HashAlgorithm alg) {
  const std::string file = "vectors/wycheproof/" + name;
  const json doc = cachet::test::load_json(file);
  Tally tally;
  for (const json& group : doc.at("testGroups")) {
    const size_t tag_size = group.at("tagSize").get<size_t>() / 8;
    for (const json& t : group.at("tests")) {
      const std::string result = t.at("result").get<std::string>();
      const Bytes key = hex(t.at("key").get<std::string>());
      const Bytes msg = hex(t.at("msg").get<std::string>());
      const Bytes tag = hex(t.at("tag").get<std::string>());
      const Bytes mac = cachet::crypto::hmac(alg, key, msg);
      const bool accepted = tag_size <= mac.size() &&
                            cachet::constant_time_equal(ByteSpan(mac).first(tag_size), tag);
      BOOST_TEST(tally.record(result, accepted), describe(name, t, result, accepted));
    }
  }
  tally.report(name, doc);
}

// Accepted when extract+expand succeed and produce okm; the invalid cases ask
// for more than 255 * HashLen bytes, which must be an error.
void run_hkdf(const std::string& name, HashAlgorithm alg) {
  const std::string file = "vectors/wycheproof/" + name;
  const json doc = cachet::test::load_json(file);
  Tally tally;
  for (const json& group : doc.at("testGroups")) {
    for (const json& t : group.at("tests")) {
      const std::string result = t.at("result").get<std::string>();
      const Bytes ikm = hex(t.at("ikm").get<std::string>());
      const Bytes salt = hex(t.at("salt").get<std::string>());
      const Bytes info = hex(t.at("info").get<std::string>());
      const Bytes okm = hex(t.at("okm").get<std::string>());
      const cachet::SecretBytes prk = cachet::crypto::hkdf_extract(alg, salt, ikm);
      Bytes out(t.at("size").get<size_t>());
      const auto r = cachet::crypto::hkdf_expand(alg, prk, info, out);
      if (!r.ok()) BOOST_TEST((r.error().code() == cachet::ErrorCode::kOutOfRange));
      const bool accepted = r.ok() && out == okm;
      BOOST_TEST(tally.record(result, accepted), describe(name, t, result, accepted));
    }
  }
  tally.report(name, doc);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wycheproof_symmetric)

BOOST_AUTO_TEST_CASE(aes_gcm) { run_aead("aes_gcm_test.json", AeadMode::kGcm); }
BOOST_AUTO_TEST_CASE(aes_gcm_suites_gnutls) {
  run_aes_gcm_suites(AeadBackend::kGnuTls, "aes_gcm_test.json (suite shape, GnuTLS)");
}
BOOST_AUTO_TEST_CASE(aes_gcm_suites_nettle) {
  run_aes_gcm_suites(AeadBackend::kNettle, "aes_gcm_test.json (suite shape, nettle)");
}
BOOST_AUTO_TEST_CASE(aes_ccm) { run_aead("aes_ccm_test.json", AeadMode::kCcm); }
BOOST_AUTO_TEST_CASE(chacha20_poly1305) {
  run_aead("chacha20_poly1305_test.json", AeadMode::kChaCha20Poly1305);
}
BOOST_AUTO_TEST_CASE(hmac_sha256) { run_hmac("hmac_sha256_test.json", HashAlgorithm::kSha256); }
BOOST_AUTO_TEST_CASE(hmac_sha384) { run_hmac("hmac_sha384_test.json", HashAlgorithm::kSha384); }
BOOST_AUTO_TEST_CASE(hkdf_sha256) { run_hkdf("hkdf_sha256_test.json", HashAlgorithm::kSha256); }
BOOST_AUTO_TEST_CASE(hkdf_sha384) { run_hkdf("hkdf_sha384_test.json", HashAlgorithm::kSha384); }

BOOST_AUTO_TEST_SUITE_END()
