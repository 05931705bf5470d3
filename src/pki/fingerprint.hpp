// Certificate fingerprints: a hash over the DER certificate, as OpenSSL's
// X509_digest and WebRTC's a=fingerprint (RFC 8122 §5) compute them.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "crypto/hash.hpp"
#include "pki/certificate.hpp"

namespace cachet::pki {

Bytes fingerprint(const Certificate& certificate, crypto::HashAlgorithm algorithm);
// Upper-case hex pairs joined by ':' ("AB:01:..."), the form `openssl x509
// -fingerprint` prints and RFC 8122 requires.
std::string fingerprint_hex(const Certificate& certificate, crypto::HashAlgorithm algorithm);
// The RFC 8122 hash function token: "sha-1", "sha-256", "sha-384".
std::string_view fingerprint_hash_name(crypto::HashAlgorithm algorithm) noexcept;
// An SDP attribute value: "sha-256 AB:01:...".
std::string sdp_fingerprint(const Certificate& certificate, crypto::HashAlgorithm algorithm);

}  // namespace cachet::pki
