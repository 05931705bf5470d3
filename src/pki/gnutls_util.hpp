// Internal to src/pki: owning GnuTLS handles, datum helpers, GnuTLS error
// codes as Cachet errors, and public keys handed to src/crypto. Never
// included outside src/pki (the only folder that sees GnuTLS).
#pragma once

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <cachet/error.hpp>

#include <memory>
#include <optional>
#include <type_traits>

#include "base/bytes.hpp"
#include "base/secure.hpp"
#include "crypto/signature.hpp"

namespace cachet::pki::detail {

template <typename Handle, void (*Deinit)(Handle)>
struct Deleter {
  void operator()(Handle h) const noexcept { Deinit(h); }
};
template <typename Handle, void (*Deinit)(Handle)>
using Owned = std::unique_ptr<std::remove_pointer_t<Handle>, Deleter<Handle, Deinit>>;

using CrtPtr = Owned<gnutls_x509_crt_t, gnutls_x509_crt_deinit>;
using CrlPtr = Owned<gnutls_x509_crl_t, gnutls_x509_crl_deinit>;
using X509KeyPtr = Owned<gnutls_x509_privkey_t, gnutls_x509_privkey_deinit>;
using PrivkeyPtr = Owned<gnutls_privkey_t, gnutls_privkey_deinit>;
using PubkeyPtr = Owned<gnutls_pubkey_t, gnutls_pubkey_deinit>;

// A buffer GnuTLS allocated for us; freed (and wiped first when it may hold a
// secret) when it goes out of scope.
class Datum {
 public:
  explicit Datum(bool secret = false) noexcept : secret_(secret) {}
  Datum(const Datum&) = delete;
  Datum& operator=(const Datum&) = delete;
  ~Datum();

  gnutls_datum_t* get() noexcept { return &datum_; }
  ByteSpan span() const noexcept { return {datum_.data, datum_.size}; }
  Bytes bytes() const { return Bytes(span().begin(), span().end()); }
  std::string str() const { return std::string(reinterpret_cast<const char*>(datum_.data), datum_.size); }

 private:
  gnutls_datum_t datum_{nullptr, 0};
  bool secret_;
};

// A read-only view as a gnutls_datum_t (GnuTLS never writes through it).
inline gnutls_datum_t as_datum(ByteSpan bytes) noexcept {
  return {const_cast<unsigned char*>(bytes.data()), static_cast<unsigned>(bytes.size())};
}

// A GnuTLS error code as a Cachet error: decoding failures become
// kDecodeError, unsupported algorithms kUnsupported, a failed decryption
// kAuthenticationFailed; anything else takes `fallback`.
Error gnutls_error(int code, ErrorCode fallback, const char* what) noexcept;

Result<CrtPtr> new_crt();
Result<CrtPtr> import_crt_der(ByteSpan der);
Result<X509KeyPtr> new_x509_key();
Result<PubkeyPtr> new_pubkey();
Result<PrivkeyPtr> new_privkey();

// The DER SubjectPublicKeyInfo of a public key, as GnuTLS encodes it.
Result<Bytes> export_spki(gnutls_pubkey_t key);
// The key type src/crypto can use for this key, if any.
std::optional<crypto::KeyType> key_type_of(gnutls_pubkey_t key) noexcept;
// The public key as a src/crypto verifier (EC P-256/P-384, RSA, Ed25519).
Result<crypto::VerifyingKey> verifying_key_of(gnutls_pubkey_t key);
// Parses a DER SubjectPublicKeyInfo.
Result<PubkeyPtr> import_spki(ByteSpan spki);

// `value` (big-endian, no leading zeros) left-padded with zeros to `size`.
Result<Bytes> left_pad(ByteSpan value, size_t size);

}  // namespace cachet::pki::detail
