#include "crypto/bignum.hpp"

#include <nettle/ecc-curve.h>

#include <algorithm>

namespace cachet::crypto {

// ---------------------------------------------------------------------------
// mpz_t helpers.

void wipe_limbs(mp_limb_t* limbs, size_t count) noexcept {
  secure_wipe(limbs, count * sizeof(mp_limb_t));
}

void wipe_mpz(mpz_t z) noexcept {
  // The whole allocation, not just the used limbs: a value that shrank leaves
  // its old high limbs behind.
  if (z->_mp_d != nullptr && z->_mp_alloc > 0) {
    wipe_limbs(z->_mp_d, static_cast<size_t>(z->_mp_alloc));
  }
  z->_mp_size = 0;
}

void mpz_set_bytes(mpz_t z, ByteSpan big_endian) noexcept {
  if (big_endian.empty()) {
    mpz_set_ui(z, 0);
    return;
  }
  nettle_mpz_set_str_256_u(z, big_endian.size(), big_endian.data());
}

bool mpz_export_fixed(mpz_srcptr z, MutableByteSpan out) noexcept {
  if (mpz_sgn(z) < 0 || nettle_mpz_sizeinbase_256_u(z) > out.size()) {
    secure_wipe(out);
    return false;
  }
  if (mpz_sgn(z) == 0) {
    std::fill(out.begin(), out.end(), uint8_t{0});
    return true;
  }
  nettle_mpz_get_str_256(out.size(), out.data(), z);
  return true;
}

Bytes mpz_to_bytes(mpz_srcptr z) {
  Bytes out(std::max<size_t>(1, nettle_mpz_sizeinbase_256_u(z)));
  if (!mpz_export_fixed(z, out)) return {};
  return out;
}

Mpz::Mpz(ByteSpan big_endian) noexcept {
  mpz_init(value_);
  set_bytes(big_endian);
}

Mpz::~Mpz() {
  wipe_mpz(value_);
  mpz_clear(value_);
}

void Mpz::set_bytes(ByteSpan big_endian) noexcept { mpz_set_bytes(value_, big_endian); }

size_t Mpz::byte_size() const noexcept {
  return mpz_sgn(value_) == 0 ? 0 : nettle_mpz_sizeinbase_256_u(value_);
}

size_t Mpz::bit_size() const noexcept { return mpz_sgn(value_) == 0 ? 0 : mpz_sizeinbase(value_, 2); }

bool Mpz::export_fixed(MutableByteSpan out) const noexcept { return mpz_export_fixed(value_, out); }

Bytes Mpz::to_bytes() const { return mpz_to_bytes(value_); }

// ---------------------------------------------------------------------------
// Limb arrays (hogweed's low-level interfaces).

bool bytes_to_limbs(ByteSpan big_endian, std::span<mp_limb_t> out) noexcept {
  constexpr size_t kLimbBytes = sizeof(mp_limb_t);
  std::fill(out.begin(), out.end(), mp_limb_t{0});
  uint8_t overflow = 0;
  const size_t n = big_endian.size();
  for (size_t j = 0; j < n; ++j) {
    const uint8_t byte = big_endian[n - 1 - j];
    const size_t limb = j / kLimbBytes;
    if (limb >= out.size()) {
      overflow |= byte;
      continue;
    }
    out[limb] |= static_cast<mp_limb_t>(byte) << (8 * (j % kLimbBytes));
  }
  return overflow == 0;
}

void limbs_to_bytes(std::span<const mp_limb_t> limbs, MutableByteSpan out) noexcept {
  constexpr size_t kLimbBytes = sizeof(mp_limb_t);
  const size_t n = out.size();
  for (size_t j = 0; j < n; ++j) {
    const size_t limb = j / kLimbBytes;
    out[n - 1 - j] =
        limb < limbs.size() ? static_cast<uint8_t>(limbs[limb] >> (8 * (j % kLimbBytes))) : 0;
  }
}

bool less_than(ByteSpan a, ByteSpan b) noexcept {
  // Subtract b from a byte by byte from the least significant end; the final
  // borrow says a < b. No data-dependent branches.
  unsigned borrow = 0;
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned x = a[a.size() - 1 - i];
    const unsigned y = b[b.size() - 1 - i];
    borrow = ((x - y - borrow) >> 8) & 1u;
  }
  return borrow != 0;
}

bool is_zero(ByteSpan a) noexcept {
  uint8_t acc = 0;
  for (uint8_t b : a) acc |= b;
  volatile uint8_t sink = acc;
  return sink == 0;
}

// ---------------------------------------------------------------------------
// Randomness adapter.

Result<void> NettleRandom::status() const noexcept {
  if (failed_) return Error(ErrorCode::kRandomFailure, "random source failed");
  return ok();
}

void NettleRandom::callback(void* ctx, size_t length, uint8_t* dst) {
  auto* self = static_cast<NettleRandom*>(ctx);
  MutableByteSpan out(dst, length);
  if (!self->failed_ && self->random_.fill(out).ok()) return;
  self->failed_ = true;
  // Not random and not meant to be: see the class comment. A counter through
  // the splitmix64 finaliser, so that loops waiting for a valid value end.
  for (size_t i = 0; i < length; ++i) {
    if (i % 8 == 0) ++self->filler_;
    uint64_t z = self->filler_ * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    out[i] = static_cast<uint8_t>(z >> (8 * (i % 8)));
  }
}

// ---------------------------------------------------------------------------
// NIST curves.

namespace {

// SEC 2 §2.4.2 / §2.5.1 (FIPS 186-4 D.1.2.3, D.1.2.4): field primes p and
// group orders n.
constexpr uint8_t kP256Prime[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr uint8_t kP384Prime[48] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff};
constexpr uint8_t kP256Order[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};
constexpr uint8_t kP384Order[48] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
    0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73};

}  // namespace

const EcGroup* ec_group(NamedGroup group) noexcept {
  static const EcGroup kP256{NamedGroup::kSecp256r1, nettle_get_secp_256r1(), 32,
                             ByteSpan(kP256Prime), ByteSpan(kP256Order), 256};
  static const EcGroup kP384{NamedGroup::kSecp384r1, nettle_get_secp_384r1(), 48,
                             ByteSpan(kP384Prime), ByteSpan(kP384Order), 384};
  switch (group) {
    case NamedGroup::kSecp256r1: return &kP256;
    case NamedGroup::kSecp384r1: return &kP384;
    default: return nullptr;
  }
}

// hogweed allocates q.size limbs for a scalar; for P-256/P-384 that equals
// ecc_size() (p.size), which is what the public API exposes.
EcScalar::EcScalar(const EcGroup& group) noexcept
    : limbs_(static_cast<size_t>(ecc_size(group.curve))) {
  ecc_scalar_init(&scalar_, group.curve);
}

EcScalar::~EcScalar() {
  wipe_limbs(scalar_.p, limbs_);
  ecc_scalar_clear(&scalar_);
}

EcPoint::EcPoint(const EcGroup& group) noexcept { ecc_point_init(&point_, group.curve); }

EcPoint::~EcPoint() { ecc_point_clear(&point_); }

Result<void> import_ec_point(const EcGroup& group, ByteSpan wire, EcPoint& out) {
  const size_t n = group.field_size;
  // RFC 8422 §5.4.1: uncompressed only; compressed forms (0x02/0x03) and the
  // one-byte infinity encoding are refused by the length and prefix checks.
  if (wire.size() != 1 + 2 * n || wire[0] != 0x04) {
    return Error(ErrorCode::kInvalidPublicKey, "EC point is not uncompressed or has a wrong length");
  }
  Mpz x(wire.subspan(1, n));
  Mpz y(wire.subspan(1 + n, n));
  // ecc_point_set refuses coordinates >= p and points off the curve; (0, 0)
  // (how infinity would be written affinely) is not on either curve.
  if (ecc_point_set(out.get(), x.get(), y.get()) != 1) {
    return Error(ErrorCode::kInvalidPublicKey, "EC point not on the curve");
  }
  return ok();
}

Bytes export_ec_point(const EcGroup& group, const EcPoint& point) {
  const size_t n = group.field_size;
  Mpz x, y;
  ecc_point_get(point.get(), x.get(), y.get());
  Bytes out(1 + 2 * n);
  out[0] = 0x04;
  if (!x.export_fixed(MutableByteSpan(out).subspan(1, n)) ||
      !y.export_fixed(MutableByteSpan(out).subspan(1 + n, n))) {
    return {};
  }
  return out;
}

SecretBytes ec_point_x(const EcGroup& group, const EcPoint& point) {
  Mpz x, y;
  ecc_point_get(point.get(), x.get(), y.get());
  SecretBytes out(group.field_size);
  if (!x.export_fixed(out.mutable_span())) return SecretBytes();
  return out;
}

Result<SecretBytes> import_ec_scalar(const EcGroup& group, ByteSpan big_endian, EcScalar& out) {
  const Error out_of_range(ErrorCode::kInvalidPrivateKey, "EC private key out of range");
  const size_t n = group.field_size;
  SecretBytes padded(n);
  if (big_endian.size() > n) {
    // Leading zero bytes carry no value; anything else does not fit. Checked
    // without branching on where the first non-zero byte is.
    if (!is_zero(big_endian.first(big_endian.size() - n))) return out_of_range;
    big_endian = big_endian.last(n);
  }
  std::copy(big_endian.begin(), big_endian.end(), padded.data() + (n - big_endian.size()));
  // SEC 1 §3.2.1: the private key is in [1, n-1].
  if (is_zero(padded) || !less_than(padded, group.order)) return out_of_range;
  Mpz z(padded);
  if (ecc_scalar_set(out.get(), z.get()) != 1) return out_of_range;
  return padded;
}

SecretBytes export_ec_scalar(const EcGroup& group, const EcScalar& scalar) {
  SecretBytes out(group.field_size);
  limbs_to_bytes(std::span<const mp_limb_t>(scalar.get()->p, static_cast<size_t>(ecc_size(group.curve))),
                 out.mutable_span());
  return out;
}

}  // namespace cachet::crypto
