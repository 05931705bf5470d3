#include "crypto/key_exchange.hpp"
#include "crypto/operation_counts.hpp"

#include <nettle/curve25519.h>
#include <nettle/curve448.h>
#include <nettle/ecc.h>

#include "crypto/bignum.hpp"

namespace cachet::crypto {

PublicKeyOperationCounts& public_key_operations() noexcept {
  thread_local PublicKeyOperationCounts counts;
  return counts;
}

bool is_supported_group(uint16_t code) noexcept {
  switch (static_cast<NamedGroup>(code)) {
    case NamedGroup::kSecp256r1:
    case NamedGroup::kSecp384r1:
    case NamedGroup::kX25519:
    case NamedGroup::kX448:
      return true;
  }
  return false;
}

size_t public_key_size(NamedGroup group) noexcept {
  switch (group) {
    case NamedGroup::kSecp256r1: return 65;
    case NamedGroup::kSecp384r1: return 97;
    case NamedGroup::kX25519: return CURVE25519_SIZE;
    case NamedGroup::kX448: return CURVE448_SIZE;
  }
  return 0;
}

size_t shared_secret_size(NamedGroup group) noexcept {
  switch (group) {
    case NamedGroup::kSecp256r1: return 32;
    case NamedGroup::kSecp384r1: return 48;
    case NamedGroup::kX25519: return CURVE25519_SIZE;
    case NamedGroup::kX448: return CURVE448_SIZE;
  }
  return 0;
}

namespace {

bool is_xdh(NamedGroup group) noexcept {
  return group == NamedGroup::kX25519 || group == NamedGroup::kX448;
}

// RFC 7748 §5: X25519(k, u) / X448(k, u); nettle clamps the scalar (and, for
// X25519, masks the top bit of u) as the RFC requires.
void xdh(NamedGroup group, uint8_t* out, const uint8_t* scalar, const uint8_t* u) noexcept {
  if (group == NamedGroup::kX25519) {
    curve25519_mul(out, scalar, u);
  } else {
    curve448_mul(out, scalar, u);
  }
}

void xdh_base(NamedGroup group, uint8_t* out, const uint8_t* scalar) noexcept {
  if (group == NamedGroup::kX25519) {
    curve25519_mul_g(out, scalar);
  } else {
    curve448_mul_g(out, scalar);
  }
}

Result<Bytes> ec_public_from_scalar(const EcGroup& ec, const EcScalar& scalar) {
  EcPoint pub(ec);
  ecc_point_mul_g(pub.get(), scalar.get());
  Bytes encoded = export_ec_point(ec, pub);
  if (encoded.empty()) return Error(ErrorCode::kInternal, "EC public key export failed");
  return encoded;
}

}  // namespace

Result<KeyShare> KeyShare::generate(NamedGroup group, Random& random) {
  ++public_key_operations().key_generations;
  if (is_xdh(group)) {
    // RFC 7748 §6.1/§6.2: the private key is 32/56 random bytes.
    SecretBytes scalar(public_key_size(group));
    CACHET_TRY(random.fill(scalar.mutable_span()));
    return from_private(group, scalar);
  }
  const EcGroup* ec = ec_group(group);
  if (ec == nullptr) return Error(ErrorCode::kUnsupported, "unsupported key exchange group");
  NettleRandom adapter(random);
  EcScalar scalar(*ec);
  // Uniform in [1, n-1] by rejection sampling.
  ecc_scalar_random(scalar.get(), adapter.context(), NettleRandom::function());
  CACHET_TRY(adapter.status());
  CACHET_ASSIGN_OR_RETURN(Bytes pub, ec_public_from_scalar(*ec, scalar));
  return KeyShare(group, export_ec_scalar(*ec, scalar), std::move(pub));
}

Result<KeyShare> KeyShare::from_private(NamedGroup group, ByteSpan private_key) {
  if (is_xdh(group)) {
    const size_t size = public_key_size(group);
    if (private_key.size() != size) {
      return Error(ErrorCode::kInvalidPrivateKey, "X25519/X448 private key has a wrong length");
    }
    Bytes pub(size);
    xdh_base(group, pub.data(), private_key.data());
    return KeyShare(group, SecretBytes(private_key), std::move(pub));
  }
  const EcGroup* ec = ec_group(group);
  if (ec == nullptr) return Error(ErrorCode::kUnsupported, "unsupported key exchange group");
  EcScalar scalar(*ec);
  CACHET_ASSIGN_OR_RETURN(SecretBytes padded, import_ec_scalar(*ec, private_key, scalar));
  CACHET_ASSIGN_OR_RETURN(Bytes pub, ec_public_from_scalar(*ec, scalar));
  return KeyShare(group, std::move(padded), std::move(pub));
}

Result<SecretBytes> KeyShare::derive(ByteSpan peer_public) const {
  ++public_key_operations().key_agreements;
  if (is_xdh(group_)) {
    const size_t size = public_key_size(group_);
    if (peer_public.size() != size) {
      return Error(ErrorCode::kInvalidPublicKey, "X25519/X448 public key has a wrong length");
    }
    SecretBytes shared(size);
    xdh(group_, shared.data(), private_key_.data(), peer_public.data());
    // RFC 7748 §6.1/§6.2: an all-zero output (a low-order point) must be
    // refused; the check is constant-time in the secret.
    if (is_zero(shared)) {
      return Error(ErrorCode::kInvalidPublicKey, "X25519/X448 shared secret is all zero");
    }
    return shared;
  }
  const EcGroup* ec = ec_group(group_);
  if (ec == nullptr) return Error(ErrorCode::kUnsupported, "unsupported key exchange group");
  EcPoint peer(*ec);
  CACHET_TRY(import_ec_point(*ec, peer_public, peer));
  EcScalar scalar(*ec);
  CACHET_TRY(import_ec_scalar(*ec, private_key_, scalar));
  EcPoint product(*ec);
  // The curves have cofactor 1 and the scalar is in [1, n-1], so the product
  // of a valid point is never infinity.
  ecc_point_mul(product.get(), scalar.get(), peer.get());
  // RFC 8422 §5.10: the premaster secret is the X coordinate, padded with
  // leading zeros to the field size.
  SecretBytes shared = ec_point_x(*ec, product);
  if (shared.empty()) return Error(ErrorCode::kInternal, "ECDH export failed");
  return shared;
}

}  // namespace cachet::crypto
