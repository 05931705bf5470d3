// Raw public keys (RFC 7250): a SubjectPublicKeyInfo is the whole
// credential, accepted when it equals a pinned key or a callback says so.
#pragma once

#include <cachet/error.hpp>

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "crypto/hash.hpp"
#include "crypto/signature.hpp"
#include "pki/certificate.hpp"
#include "pki/private_key.hpp"

namespace cachet::pki {

class RawPublicKey {
 public:
  // A DER SubjectPublicKeyInfo (RFC 7250 §3); stored in GnuTLS's canonical
  // encoding so equal keys compare equal.
  static Result<RawPublicKey> from_spki_der(ByteSpan spki);
  // A "-----BEGIN PUBLIC KEY-----" PEM block (RFC 7468 §13).
  static Result<RawPublicKey> from_pem(std::string_view pem);
  static RawPublicKey from_certificate(const Certificate& certificate);
  static RawPublicKey from_private_key(const PrivateKey& key);

  const Bytes& spki() const noexcept { return spki_; }
  std::optional<crypto::KeyType> key_type() const noexcept { return key_type_; }
  Result<crypto::VerifyingKey> verifying_key() const;
  // Hash over the SPKI DER (SHA-256 is the usual pin).
  Bytes fingerprint(crypto::HashAlgorithm algorithm) const;

  friend bool operator==(const RawPublicKey& a, const RawPublicKey& b) { return a.spki_ == b.spki_; }

 private:
  RawPublicKey(Bytes spki, std::optional<crypto::KeyType> type) : spki_(std::move(spki)), key_type_(type) {}
  Bytes spki_;
  std::optional<crypto::KeyType> key_type_;
};

// Which raw public keys a peer may present.
class RawKeyPolicy {
 public:
  using Callback = std::function<bool(const RawPublicKey&)>;

  void pin(const RawPublicKey& key) { pinned_.push_back(key.spki()); }
  // Pins by SHA-256 of the SPKI DER (e.g. from configuration).
  void pin_sha256(ByteSpan digest) { pinned_sha256_.emplace_back(digest.begin(), digest.end()); }
  // Consulted when no pin matches.
  void set_callback(Callback callback) { callback_ = std::move(callback); }

  [[nodiscard]] bool accepts(const RawPublicKey& key) const;

 private:
  std::vector<Bytes> pinned_;
  std::vector<Bytes> pinned_sha256_;
  Callback callback_;
};

}  // namespace cachet::pki
