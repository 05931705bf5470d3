// HKDF (RFC 5869) and HKDF-Expand-Label (RFC 8446 §7.1, RFC 9147 §5.9).
#pragma once

#include <cachet/error.hpp>

#include <string_view>

#include "base/bytes.hpp"
#include "base/secure.hpp"
#include "crypto/hash.hpp"

namespace cachet::crypto {

// The label prefixes. RFC 9147 §5.9: DTLS 1.3 uses "dtls13" where TLS 1.3
// uses "tls13 " (note: no trailing space in the DTLS one). Mixing them up is a
// known interop bug, so the prefix is always an explicit argument.
inline constexpr std::string_view kTls13LabelPrefix = "tls13 ";
inline constexpr std::string_view kDtls13LabelPrefix = "dtls13";

// PRK = HMAC-Hash(salt, IKM); an empty salt means HashLen zero bytes.
SecretBytes hkdf_extract(HashAlgorithm alg, ByteSpan salt, ByteSpan ikm);

// Fills `out` (at most 255 * HashLen bytes, else kOutOfRange).
[[nodiscard]] Result<void> hkdf_expand(HashAlgorithm alg, ByteSpan prk, ByteSpan info,
                                       MutableByteSpan out);

// HKDF-Expand(Secret, HkdfLabel, Length) with
//   struct { uint16 length; opaque label<7..255> = prefix + Label; opaque context<0..255>; }
// kOutOfRange when prefix+label or context exceed 255 bytes or out exceeds 65535.
[[nodiscard]] Result<void> hkdf_expand_label(HashAlgorithm alg, ByteSpan secret,
                                             std::string_view prefix, std::string_view label,
                                             ByteSpan context, MutableByteSpan out);

}  // namespace cachet::crypto
