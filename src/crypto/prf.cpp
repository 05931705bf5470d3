// The TLS 1.2 PRF (RFC 5246 §5).
#include "crypto/prf.hpp"

#include <algorithm>
#include <array>

#include "base/secure.hpp"
#include "crypto/hmac.hpp"

namespace cachet::crypto {

namespace {

void update_seed(Hmac& mac, std::string_view label, ByteSpan seed_a, ByteSpan seed_b) noexcept {
  mac.update(as_bytes(label));
  mac.update(seed_a);
  mac.update(seed_b);
}

}  // namespace

Result<void> tls12_prf(HashAlgorithm alg, ByteSpan secret, std::string_view label,
                       ByteSpan seed_a, ByteSpan seed_b, MutableByteSpan out) {
  Hmac mac(alg, secret);
  return tls12_prf(mac, label, seed_a, seed_b, out);
}

Result<void> tls12_prf(Hmac& mac, std::string_view label, ByteSpan seed_a, ByteSpan seed_b, MutableByteSpan out) {
  // RFC 5246 §5: TLS 1.2 suites use P_SHA256 (or the suite's stronger hash);
  // the TLS 1.0/1.1 MD5/SHA-1 PRF is not supported. Every PRF run comes
  // through here, so this is the one place that refuses it.
  if (mac.algorithm() == HashAlgorithm::kSha1) return Error(ErrorCode::kUnsupported, "TLS 1.2 PRF with SHA-1");
  // RFC 5246 §5: PRF(secret, label, seed) = P_<hash>(secret, label + seed), where
  //   A(0) = seed, A(i) = HMAC(secret, A(i-1)),
  //   P_hash = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...
  // Each finish() returns `mac` to its keyed state.
  const size_t len = mac.size();
  std::array<uint8_t, kMaxDigestSize> a;
  std::array<uint8_t, kMaxDigestSize> block;

  update_seed(mac, label, seed_a, seed_b);
  mac.finish(a);  // A(1)

  size_t done = 0;
  while (done < out.size()) {
    mac.update(ByteSpan(a.data(), len));
    update_seed(mac, label, seed_a, seed_b);
    mac.finish(block);
    const size_t n = std::min(len, out.size() - done);
    std::copy_n(block.begin(), n, out.begin() + static_cast<ptrdiff_t>(done));
    done += n;
    if (done < out.size()) {
      mac.update(ByteSpan(a.data(), len));
      mac.finish(a);  // A(i+1)
    }
  }

  secure_wipe(a.data(), a.size());
  secure_wipe(block.data(), block.size());
  return ok();
}

}  // namespace cachet::crypto
