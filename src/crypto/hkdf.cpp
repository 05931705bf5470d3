// HKDF (RFC 5869) and HKDF-Expand-Label (RFC 8446 §7.1, RFC 9147 §5.9).
#include "crypto/hkdf.hpp"

#include <algorithm>
#include <array>

#include "crypto/hmac.hpp"

namespace cachet::crypto {

SecretBytes hkdf_extract(HashAlgorithm alg, ByteSpan salt, ByteSpan ikm) {
  // RFC 5869 §2.2: if the salt is not provided, it is HashLen zeros. As an
  // HMAC key, zeros of any length up to the block size are equivalent.
  static constexpr std::array<uint8_t, kMaxDigestSize> kZeroSalt{};
  if (salt.empty()) salt = ByteSpan(kZeroSalt.data(), digest_size(alg));
  SecretBytes prk(digest_size(alg));
  hmac(alg, salt, ikm, prk.mutable_span());
  return prk;
}

Result<void> hkdf_expand(HashAlgorithm alg, ByteSpan prk, ByteSpan info, MutableByteSpan out) {
  const size_t len = digest_size(alg);
  // RFC 5869 §2.3: L <= 255 * HashLen.
  if (out.size() > 255 * len) return Error(ErrorCode::kOutOfRange, "HKDF-Expand output too long");

  // T(0) = empty; T(i) = HMAC(PRK, T(i-1) | info | i); OKM = first L bytes of T(1) | T(2) | ...
  Hmac mac(alg, prk);
  std::array<uint8_t, kMaxDigestSize> t;
  size_t done = 0;
  for (uint8_t i = 1; done < out.size(); ++i) {
    if (i > 1) mac.update(ByteSpan(t.data(), len));
    mac.update(info);
    mac.update(ByteSpan(&i, 1));
    mac.finish(t);
    const size_t n = std::min(len, out.size() - done);
    std::copy_n(t.begin(), n, out.begin() + static_cast<ptrdiff_t>(done));
    done += n;
  }
  secure_wipe(t.data(), t.size());
  return ok();
}

Result<void> hkdf_expand_label(HashAlgorithm alg, ByteSpan secret, std::string_view prefix,
                               std::string_view label, ByteSpan context, MutableByteSpan out) {
  // RFC 8446 §7.1:
  //   struct {
  //     uint16 length = Length;
  //     opaque label<7..255> = "tls13 " + Label;   (RFC 9147 §5.9: "dtls13" + Label)
  //     opaque context<0..255> = Context;
  //   } HkdfLabel;
  const size_t full_label = prefix.size() + label.size();
  if (full_label > 255) return Error(ErrorCode::kOutOfRange, "HKDF label too long");
  if (context.size() > 255) return Error(ErrorCode::kOutOfRange, "HKDF context too long");
  if (out.size() > 0xffff) return Error(ErrorCode::kOutOfRange, "HKDF-Expand-Label length");

  std::array<uint8_t, 2 + 1 + 255 + 1 + 255> info;
  size_t pos = 0;
  info[pos++] = static_cast<uint8_t>(out.size() >> 8);
  info[pos++] = static_cast<uint8_t>(out.size());
  info[pos++] = static_cast<uint8_t>(full_label);
  pos = std::copy(prefix.begin(), prefix.end(), info.begin() + pos) - info.begin();
  pos = std::copy(label.begin(), label.end(), info.begin() + pos) - info.begin();
  info[pos++] = static_cast<uint8_t>(context.size());
  pos = std::copy(context.begin(), context.end(), info.begin() + pos) - info.begin();

  return hkdf_expand(alg, secret, ByteSpan(info.data(), pos), out);
}

}  // namespace cachet::crypto
