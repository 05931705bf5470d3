// GnuTLS-backed operations behind the public PKI API that src/pki's other
// classes do not cover: digests by name, signing and verifying with a named
// hash, a certificate's signature under a given issuer key, host and IP
// checks, and the other key encodings (traditional PEM, encrypted PKCS#8,
// PUBLIC KEY PEM). This header is GnuTLS-free; only key_ops.cpp sees GnuTLS.
#pragma once

#include <cachet/error.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "base/secure.hpp"
#include "pki/certificate.hpp"
#include "pki/private_key.hpp"

namespace cachet::pki {

enum class Digest : uint8_t { kNone, kMd5, kSha1, kSha224, kSha256, kSha384, kSha512 };

// "SHA256", "sha-256", "SHA-256", "sha256" ...; "" is kNone; nullopt when unknown.
std::optional<Digest> digest_by_name(std::string_view name) noexcept;
Result<Bytes> digest(Digest algorithm, ByteSpan data);

// ECDSA (DER) and RSA PKCS#1 v1.5 with `algorithm`; Ed25519 with kNone.
Result<Bytes> sign_data(const PrivateKey& key, Digest algorithm, ByteSpan data);
// kInvalidSignature when `signature` does not verify under the SPKI's key.
[[nodiscard]] Result<void> verify_data(ByteSpan spki, Digest algorithm, ByteSpan data, ByteSpan signature);
// X509_verify: the certificate's signature under `issuer_spki`.
[[nodiscard]] Result<void> verify_certificate_signature(ByteSpan certificate_der, ByteSpan issuer_spki);

// X509_check_host with default flags: dNSNames with wildcards, the CN when
// there are none; an address literal only matches a name spelling it.
bool check_host(const Certificate& certificate, std::string_view host);
bool check_ip(ByteSpan certificate_der, ByteSpan address);

// "RSA PRIVATE KEY" / "EC PRIVATE KEY"; kUnsupported for Ed25519.
Result<SecretBytes> traditional_pem(const PrivateKey& key);
Result<SecretBytes> encrypted_pkcs8_pem(const PrivateKey& key, std::string_view passphrase);
// "-----BEGIN PUBLIC KEY-----".
std::string spki_pem(ByteSpan spki);

}  // namespace cachet::pki
