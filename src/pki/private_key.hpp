// Private keys: PEM or DER in PKCS#8 (plain or passphrase-encrypted), SEC1
// (EC) and PKCS#1 (RSA), read by GnuTLS and turned into src/crypto signers.
#pragma once

#include <cachet/error.hpp>

#include <memory>
#include <string_view>

#include "base/bytes.hpp"
#include "base/secure.hpp"
#include "crypto/signature.hpp"
#include "pki/certificate.hpp"

namespace cachet::pki {

class PrivateKey {
 public:
  // A PEM "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY" or
  // "RSA PRIVATE KEY" block. An encrypted key needs the passphrase; a wrong or
  // missing one is kAuthenticationFailed.
  static Result<PrivateKey> from_pem(std::string_view pem, std::string_view passphrase = {});
  // DER PKCS#8 (plain, or encrypted when a passphrase is given), SEC1 or PKCS#1.
  static Result<PrivateKey> from_der(ByteSpan der, std::string_view passphrase = {});
  // PEM when the input holds "-----BEGIN", DER otherwise.
  static Result<PrivateKey> load(ByteSpan data, std::string_view passphrase = {});
  // An existing src/crypto key (e.g. freshly generated).
  static Result<PrivateKey> from_signing_key(crypto::SigningKey key);

  crypto::KeyType type() const noexcept;
  const crypto::SigningKey& signing_key() const noexcept;
  // DER SubjectPublicKeyInfo of the matching public key (GnuTLS encoding,
  // directly comparable with Certificate::subject_public_key_info()).
  const Bytes& subject_public_key_info() const noexcept;
  // Unencrypted PKCS#8 DER and PEM, for writing the key out.
  const SecretBytes& pkcs8_der() const noexcept;
  SecretBytes to_pem() const;

  bool matches(const Certificate& certificate) const noexcept;
  // kBadKey "private key does not match the certificate" when it does not.
  [[nodiscard]] Result<void> check_matches(const Certificate& certificate) const;

  struct Data;

 private:
  friend struct PrivateKeyAccess;
  explicit PrivateKey(std::shared_ptr<const Data> data) noexcept : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;  // immutable, shared by copies
};

}  // namespace cachet::pki
