// The TLS 1.2 PRF (RFC 5246 §5): P_SHA256 or P_SHA384.
#pragma once

#include <cachet/error.hpp>

#include <string_view>

#include "base/bytes.hpp"
#include "crypto/hash.hpp"
#include "crypto/hmac.hpp"

namespace cachet::crypto {

// PRF(secret, label, seed_a + seed_b) filling all of `out`. The seed is given
// in two parts because TLS almost always concatenates two randoms. SHA-1 is
// refused (kUnsupported).
[[nodiscard]] Result<void> tls12_prf(HashAlgorithm alg, ByteSpan secret, std::string_view label,
                                     ByteSpan seed_a, ByteSpan seed_b, MutableByteSpan out);
// The same with an HMAC already keyed with the secret (left keyed): a
// handshake that runs the PRF several times under one master secret keys
// HMAC once (two hash compressions saved per run).
[[nodiscard]] Result<void> tls12_prf(Hmac& keyed, std::string_view label, ByteSpan seed_a, ByteSpan seed_b,
                                     MutableByteSpan out);

}  // namespace cachet::crypto
