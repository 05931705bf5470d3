// Internal helpers over GMP and hogweed's EC types: RAII wrappers that wipe
// what they held, big-endian import/export, EC point and scalar codecs, and a
// nettle_random_func adapter over cachet::Random. Only src/crypto includes this.
#pragma once

#include <cachet/error.hpp>

#include <nettle/bignum.h>
#include <nettle/ecc.h>

#include <cstdint>
#include <span>

#include "base/bytes.hpp"
#include "base/random.hpp"
#include "base/secure.hpp"
#include "crypto/key_exchange.hpp"

namespace cachet::crypto {

// Overwrites every allocated limb of `z` and sets it to zero (it stays
// initialised). GMP may have freed older buffers during arithmetic; those
// cannot be reached from here.
void wipe_mpz(mpz_t z) noexcept;
void wipe_limbs(mp_limb_t* limbs, size_t count) noexcept;

// An mpz_t that is wiped and cleared on destruction.
class Mpz {
 public:
  Mpz() noexcept { mpz_init(value_); }
  explicit Mpz(ByteSpan big_endian) noexcept;
  ~Mpz();
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;

  mpz_ptr get() noexcept { return value_; }
  mpz_srcptr get() const noexcept { return value_; }

  // Unsigned big-endian import (leading zeros allowed; empty means zero).
  void set_bytes(ByteSpan big_endian) noexcept;
  // Bytes needed for the minimal unsigned encoding (0 for zero).
  size_t byte_size() const noexcept;
  size_t bit_size() const noexcept;
  // Exactly out.size() bytes, left-padded with zeros; false (and out zeroed)
  // when the value is negative or does not fit.
  [[nodiscard]] bool export_fixed(MutableByteSpan out) const noexcept;
  // The minimal unsigned encoding (one 0x00 byte for zero).
  Bytes to_bytes() const;

 private:
  mpz_t value_;
};

void mpz_set_bytes(mpz_t z, ByteSpan big_endian) noexcept;
[[nodiscard]] bool mpz_export_fixed(mpz_srcptr z, MutableByteSpan out) noexcept;
Bytes mpz_to_bytes(mpz_srcptr z);

// Big-endian bytes to little-endian limbs (`out` fully written; false when
// the value does not fit) and back (exactly out.size() bytes).
[[nodiscard]] bool bytes_to_limbs(ByteSpan big_endian, std::span<mp_limb_t> out) noexcept;
void limbs_to_bytes(std::span<const mp_limb_t> limbs, MutableByteSpan out) noexcept;

// Constant-time comparison of two equal-length big-endian numbers: true when
// a < b.
bool less_than(ByteSpan a, ByteSpan b) noexcept;
bool is_zero(ByteSpan a) noexcept;

// Adapts cachet::Random to nettle's callback. A failure of Random::fill is
// recorded; the operation that used the adapter must then call status() and
// fail. (After a failure the callback still fills its buffer, from a fixed
// non-secret stream, only so that nettle's rejection-sampling loops end;
// whatever is computed from it is discarded.)
class NettleRandom {
 public:
  explicit NettleRandom(Random& random) noexcept : random_(random) {}
  NettleRandom(const NettleRandom&) = delete;
  NettleRandom& operator=(const NettleRandom&) = delete;

  void* context() noexcept { return this; }
  static nettle_random_func* function() noexcept { return &callback; }
  bool failed() const noexcept { return failed_; }
  [[nodiscard]] Result<void> status() const noexcept;

 private:
  static void callback(void* ctx, size_t length, uint8_t* dst);
  Random& random_;
  bool failed_ = false;
  uint64_t filler_ = 0;
};

// Parameters of the NIST curves used here.
struct EcGroup {
  NamedGroup group;
  const struct ecc_curve* curve;
  size_t field_size;  // bytes of p (and of n: both curves have |n| = |p|)
  ByteSpan prime;     // p, big-endian, field_size bytes
  ByteSpan order;     // n, big-endian, field_size bytes
  unsigned order_bits;
};

// nullptr for X25519/X448.
const EcGroup* ec_group(NamedGroup group) noexcept;

// An ecc_scalar whose limbs are wiped on destruction.
class EcScalar {
 public:
  explicit EcScalar(const EcGroup& group) noexcept;
  ~EcScalar();
  EcScalar(const EcScalar&) = delete;
  EcScalar& operator=(const EcScalar&) = delete;
  struct ecc_scalar* get() noexcept { return &scalar_; }
  const struct ecc_scalar* get() const noexcept { return &scalar_; }

 private:
  struct ecc_scalar scalar_;
  size_t limbs_;
};

class EcPoint {
 public:
  explicit EcPoint(const EcGroup& group) noexcept;
  ~EcPoint();
  EcPoint(const EcPoint&) = delete;
  EcPoint& operator=(const EcPoint&) = delete;
  struct ecc_point* get() noexcept { return &point_; }
  const struct ecc_point* get() const noexcept { return &point_; }

 private:
  struct ecc_point point_;
};

// RFC 8422 §5.4.1: only the uncompressed form 0x04 || X || Y, each coordinate
// exactly field_size bytes and < p, and the point on the curve (infinity has
// no such encoding). Failure is kInvalidPublicKey.
[[nodiscard]] Result<void> import_ec_point(const EcGroup& group, ByteSpan wire, EcPoint& out);
Bytes export_ec_point(const EcGroup& group, const EcPoint& point);
// The affine X coordinate padded to the field size (RFC 8422 §5.10).
SecretBytes ec_point_x(const EcGroup& group, const EcPoint& point);

// A big-endian scalar (leading zero bytes allowed) in [1, n-1]; returns it
// padded to field_size. Failure is kInvalidPrivateKey.
[[nodiscard]] Result<SecretBytes> import_ec_scalar(const EcGroup& group, ByteSpan big_endian,
                                                   EcScalar& out);
// The scalar as field_size big-endian bytes.
SecretBytes export_ec_scalar(const EcGroup& group, const EcScalar& scalar);

}  // namespace cachet::crypto
