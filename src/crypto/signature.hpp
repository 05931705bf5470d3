// Signatures (nettle/hogweed): ECDSA P-256/P-384 with DER signatures, Ed25519,
// RSA-PSS (rsae) and RSA PKCS#1 v1.5.
//
// Keys come in as raw components; src/pki turns certificates and key files
// into these. Every handshake signature is made and checked here.
#pragma once

#include <cachet/error.hpp>

#include <cstdint>
#include <memory>

#include "base/bytes.hpp"
#include "base/random.hpp"
#include "base/secure.hpp"
#include "crypto/hash.hpp"
#include "crypto/key_exchange.hpp"

namespace cachet::crypto {

// TLS SignatureScheme code points (RFC 8446 §4.2.3).
enum class SignatureScheme : uint16_t {
  kRsaPkcs1Sha1 = 0x0201,  // verify only
  kRsaPkcs1Sha256 = 0x0401,
  kRsaPkcs1Sha384 = 0x0501,
  kEcdsaSecp256r1Sha256 = 0x0403,
  kEcdsaSecp384r1Sha384 = 0x0503,
  kRsaPssRsaeSha256 = 0x0804,
  kRsaPssRsaeSha384 = 0x0805,
  kEd25519 = 0x0807,
};

enum class KeyType : uint8_t { kEcP256, kEcP384, kRsa, kEd25519 };

bool is_known_signature_scheme(uint16_t code) noexcept;
// The key type a scheme needs (ECDSA schemes also fix the curve).
KeyType key_type_for(SignatureScheme scheme) noexcept;

// Big-endian RSA private key components (PKCS#1 RSAPrivateKey fields).
struct RsaPrivateComponents {
  Bytes n, e, d, p, q, dp, dq, qinv;
};

class VerifyingKey {
 public:
  // P-256/P-384 public key as an uncompressed point (0x04 || X || Y).
  static Result<VerifyingKey> ec(NamedGroup curve, ByteSpan point);
  // RSA public key from big-endian modulus and exponent. Moduli below 1024
  // bits or over 8192 bits, even moduli and e < 3 are refused.
  static Result<VerifyingKey> rsa(ByteSpan modulus, ByteSpan exponent);
  static Result<VerifyingKey> ed25519(ByteSpan public_key);

  VerifyingKey(VerifyingKey&&) noexcept;
  VerifyingKey& operator=(VerifyingKey&&) noexcept;
  ~VerifyingKey();

  KeyType type() const noexcept;
  // Bits of the RSA modulus or of the curve order.
  size_t bits() const noexcept;
  bool supports(SignatureScheme scheme) const noexcept;

  // Hashes `message` per the scheme and verifies. ECDSA signatures are strict
  // DER (no BER, no leading garbage, r and s in [1, n-1]); RSA signatures must
  // be exactly the modulus length. Failure is kInvalidSignature.
  [[nodiscard]] Result<void> verify(SignatureScheme scheme, ByteSpan message,
                                    ByteSpan signature) const;

  struct Impl;

 private:
  explicit VerifyingKey(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

class SigningKey {
 public:
  // P-256/P-384 private scalar, big-endian, in [1, n-1].
  static Result<SigningKey> ec(NamedGroup curve, ByteSpan scalar);
  static Result<SigningKey> rsa(const RsaPrivateComponents& components);
  // The 32-byte Ed25519 private key (seed).
  static Result<SigningKey> ed25519(ByteSpan seed);
  // Fresh key: P-256, P-384, Ed25519, or RSA of rsa_bits (2048..4096).
  static Result<SigningKey> generate(KeyType type, Random& random, size_t rsa_bits = 2048);

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  KeyType type() const noexcept;
  bool supports(SignatureScheme scheme) const noexcept;
  // The matching public key (to compare with a certificate's).
  VerifyingKey verifying_key() const;

  // Signs `message` per the scheme. ECDSA uses deterministic nonces (RFC 6979)
  // and returns DER; RSA-PSS uses a salt of the hash length drawn from
  // `random`; PKCS#1 v1.5 with SHA-1 is refused (kUnsupported).
  Result<Bytes> sign(SignatureScheme scheme, ByteSpan message, Random& random) const;

  // Raw components, for src/pki to build key files and certificates.
  // EC: the big-endian scalar padded to the field size; Ed25519: the seed.
  const SecretBytes& private_bytes() const noexcept;
  // RSA only (empty components otherwise).
  RsaPrivateComponents rsa_components() const;

  struct Impl;

 private:
  explicit SigningKey(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cachet::crypto
