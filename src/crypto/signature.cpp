#include "crypto/signature.hpp"
#include "crypto/operation_counts.hpp"

#include <nettle/dsa.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <nettle/eddsa.h>
#include <nettle/rsa.h>

#include <algorithm>
#include <initializer_list>
#include <vector>

#include "base/byte_reader.hpp"
#include "crypto/bignum.hpp"
#include "crypto/hmac.hpp"

namespace cachet::crypto {

bool is_known_signature_scheme(uint16_t code) noexcept {
  switch (static_cast<SignatureScheme>(code)) {
    case SignatureScheme::kRsaPkcs1Sha1:
    case SignatureScheme::kRsaPkcs1Sha256:
    case SignatureScheme::kRsaPkcs1Sha384:
    case SignatureScheme::kEcdsaSecp256r1Sha256:
    case SignatureScheme::kEcdsaSecp384r1Sha384:
    case SignatureScheme::kRsaPssRsaeSha256:
    case SignatureScheme::kRsaPssRsaeSha384:
    case SignatureScheme::kEd25519:
      return true;
  }
  return false;
}

KeyType key_type_for(SignatureScheme scheme) noexcept {
  switch (scheme) {
    case SignatureScheme::kEcdsaSecp256r1Sha256: return KeyType::kEcP256;
    case SignatureScheme::kEcdsaSecp384r1Sha384: return KeyType::kEcP384;
    case SignatureScheme::kEd25519: return KeyType::kEd25519;
    case SignatureScheme::kRsaPkcs1Sha1:
    case SignatureScheme::kRsaPkcs1Sha256:
    case SignatureScheme::kRsaPkcs1Sha384:
    case SignatureScheme::kRsaPssRsaeSha256:
    case SignatureScheme::kRsaPssRsaeSha384:
      return KeyType::kRsa;
  }
  return KeyType::kRsa;
}

namespace {

constexpr size_t kEd25519OrderBits = 253;
constexpr size_t kMinRsaBits = 1024;
constexpr size_t kMaxRsaBits = 8192;
constexpr size_t kMinGeneratedRsaBits = 2048;
constexpr size_t kMaxGeneratedRsaBits = 4096;

Error bad_signature() noexcept { return Error(ErrorCode::kInvalidSignature, "signature check failed"); }

HashAlgorithm hash_for(SignatureScheme scheme) noexcept {
  switch (scheme) {
    case SignatureScheme::kRsaPkcs1Sha1: return HashAlgorithm::kSha1;
    case SignatureScheme::kRsaPkcs1Sha384:
    case SignatureScheme::kEcdsaSecp384r1Sha384:
    case SignatureScheme::kRsaPssRsaeSha384:
      return HashAlgorithm::kSha384;
    default: return HashAlgorithm::kSha256;
  }
}

bool is_pss(SignatureScheme scheme) noexcept {
  return scheme == SignatureScheme::kRsaPssRsaeSha256 || scheme == SignatureScheme::kRsaPssRsaeSha384;
}

bool key_supports(KeyType type, SignatureScheme scheme) noexcept {
  return is_known_signature_scheme(static_cast<uint16_t>(scheme)) && key_type_for(scheme) == type;
}

NamedGroup curve_of(KeyType type) noexcept {
  return type == KeyType::kEcP384 ? NamedGroup::kSecp384r1 : NamedGroup::kSecp256r1;
}

// ---------------------------------------------------------------------------
// Strict DER for ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
// (RFC 3279 §2.2.3, RFC 8422 §5.4). X.690 §10.1: definite, minimal lengths;
// §8.3.2: minimal two's-complement integers.

Result<size_t> read_der_length(ByteReader& reader) {
  CACHET_ASSIGN_OR_RETURN(uint8_t first, reader.u8());
  if (first < 0x80) return static_cast<size_t>(first);
  // Long form; 0x80 (indefinite) and more than two length bytes are refused.
  const size_t count = first & 0x7f;
  if (count == 0 || count > 2) return bad_signature();
  size_t length = 0;
  for (size_t i = 0; i < count; ++i) {
    CACHET_ASSIGN_OR_RETURN(uint8_t b, reader.u8());
    if (i == 0 && b == 0) return bad_signature();  // leading zero: not minimal
    length = (length << 8) | b;
  }
  if (length < 0x80) return bad_signature();  // short form was required
  return length;
}

Result<ByteReader> read_der_element(ByteReader& reader, uint8_t tag) {
  CACHET_ASSIGN_OR_RETURN(uint8_t found, reader.u8());
  if (found != tag) return bad_signature();
  CACHET_ASSIGN_OR_RETURN(size_t length, read_der_length(reader));
  CACHET_ASSIGN_OR_RETURN(ByteSpan content, reader.bytes(length));
  return ByteReader(content);
}

// A positive INTEGER in [1, n-1], returned padded to the field size.
Result<Bytes> read_der_scalar(ByteReader& reader, const EcGroup& ec) {
  CACHET_ASSIGN_OR_RETURN(ByteReader element, read_der_element(reader, 0x02));
  ByteSpan content = element.rest();
  if (content.empty() || (content[0] & 0x80) != 0) return bad_signature();  // empty or negative
  if (content[0] == 0x00) {
    // A leading zero is only allowed to clear the sign bit of the next byte.
    if (content.size() < 2 || (content[1] & 0x80) == 0) return bad_signature();
    content = content.subspan(1);
  }
  if (content.size() > ec.field_size) return bad_signature();
  Bytes value(ec.field_size);
  std::copy(content.begin(), content.end(), value.begin() + (ec.field_size - content.size()));
  if (is_zero(value) || !less_than(value, ec.order)) return bad_signature();
  return value;
}

struct EcdsaSignature {
  Bytes r, s;  // field-size big-endian
};

Result<EcdsaSignature> parse_der_signature(ByteSpan der, const EcGroup& ec) {
  ByteReader outer(der);
  CACHET_ASSIGN_OR_RETURN(ByteReader seq, read_der_element(outer, 0x30));
  if (!outer.empty()) return bad_signature();  // trailing bytes after the SEQUENCE
  CACHET_ASSIGN_OR_RETURN(Bytes r, read_der_scalar(seq, ec));
  CACHET_ASSIGN_OR_RETURN(Bytes s, read_der_scalar(seq, ec));
  if (!seq.empty()) return bad_signature();
  return EcdsaSignature{std::move(r), std::move(s)};
}

void write_der_length(Bytes& out, size_t length) {
  if (length >= 0x80) out.push_back(0x81);  // at most 2 + 2 * 50 bytes here
  out.push_back(static_cast<uint8_t>(length));
}

void write_der_integer(Bytes& out, ByteSpan value) {
  size_t skip = 0;
  while (skip + 1 < value.size() && value[skip] == 0) ++skip;
  ByteSpan digits = value.subspan(skip);
  const bool pad = (digits[0] & 0x80) != 0;
  out.push_back(0x02);
  write_der_length(out, digits.size() + (pad ? 1 : 0));
  if (pad) out.push_back(0x00);
  out.insert(out.end(), digits.begin(), digits.end());
}

Bytes encode_der_signature(ByteSpan r, ByteSpan s) {
  Bytes body;
  write_der_integer(body, r);
  write_der_integer(body, s);
  Bytes out;
  out.push_back(0x30);
  write_der_length(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// ---------------------------------------------------------------------------
// RFC 6979 §3.2: deterministic ECDSA nonces from HMAC-DRBG. Both curves have
// qlen a multiple of 8 (256, 384), so bits2int is "the leftmost rlen bytes".

class Rfc6979Nonce {
 public:
  // x: the private key as rlen bytes (int2octets); h1: H(m).
  Rfc6979Nonce(HashAlgorithm alg, const EcGroup& ec, ByteSpan x, ByteSpan h1)
      : alg_(alg), ec_(ec), k_(digest_size(alg)), v_(digest_size(alg)) {
    SecretBytes h1_octets = bits2octets(h1);
    std::fill(v_.data(), v_.data() + v_.size(), uint8_t{0x01});  // step b
    std::fill(k_.data(), k_.data() + k_.size(), uint8_t{0x00});  // step c
    const uint8_t zero = 0x00, one = 0x01;
    mac_into(k_, {v_, ByteSpan(&zero, 1), x, h1_octets});  // step d
    mac_into(v_, {v_});                                     // step e
    mac_into(k_, {v_, ByteSpan(&one, 1), x, h1_octets});   // step f
    mac_into(v_, {v_});                                     // step g
  }

  // Step h: the next candidate k in [1, n-1], rlen bytes.
  void next(MutableByteSpan k) {
    if (!first_) reseed();
    first_ = false;
    for (;;) {
      size_t filled = 0;
      SecretBytes candidate(ec_.field_size);
      while (filled < ec_.field_size) {
        mac_into(v_, {v_});
        const size_t take = std::min(v_.size(), ec_.field_size - filled);
        std::copy(v_.data(), v_.data() + take, candidate.data() + filled);
        filled += take;
      }
      if (!is_zero(candidate) && less_than(candidate, ec_.order)) {
        std::copy(candidate.data(), candidate.data() + candidate.size(), k.begin());
        return;
      }
      reseed();
    }
  }

 private:
  // K = HMAC_K(V || 0x00); V = HMAC_K(V)
  void reseed() {
    const uint8_t zero = 0x00;
    mac_into(k_, {v_, ByteSpan(&zero, 1)});
    mac_into(v_, {v_});
  }

  // target = HMAC_K(parts...), computed before target is overwritten (the
  // parts may include target itself).
  void mac_into(SecretBytes& target, std::initializer_list<ByteSpan> parts) {
    Hmac mac(alg_, k_);
    for (ByteSpan part : parts) mac.update(part);
    uint8_t out[kMaxDigestSize];
    mac.finish(MutableByteSpan(out, sizeof(out)));
    std::copy(out, out + target.size(), target.data());
    secure_wipe(out, sizeof(out));
  }

  // RFC 6979 §2.3.4: bits2int(h1) reduced mod q, as rlen bytes.
  SecretBytes bits2octets(ByteSpan h1) const {
    const size_t rlen = ec_.field_size;
    SecretBytes z(rlen);
    if (h1.size() >= rlen) {
      std::copy(h1.begin(), h1.begin() + rlen, z.data());
    } else {
      std::copy(h1.begin(), h1.end(), z.data() + (rlen - h1.size()));
    }
    // z < 2^qlen < 2q, so one conditional subtraction reduces it.
    if (!less_than(z, ec_.order)) {
      unsigned borrow = 0;
      for (size_t i = rlen; i-- > 0;) {
        const unsigned d = static_cast<unsigned>(z.data()[i]) - ec_.order[i] - borrow;
        z.data()[i] = static_cast<uint8_t>(d);
        borrow = (d >> 8) & 1u;
      }
    }
    return z;
  }

  HashAlgorithm alg_;
  const EcGroup& ec_;
  SecretBytes k_;
  SecretBytes v_;
  bool first_ = true;
};

// ---------------------------------------------------------------------------
// RSA.

// RFC 8017 §9.2 note 1: DER of DigestInfo up to (not including) the digest.
constexpr uint8_t kSha1DigestInfo[] = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
                                       0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
constexpr uint8_t kSha256DigestInfo[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                         0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
constexpr uint8_t kSha384DigestInfo[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                         0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};

Bytes digest_info(HashAlgorithm alg, ByteSpan digest) {
  ByteSpan prefix;
  switch (alg) {
    case HashAlgorithm::kSha1: prefix = kSha1DigestInfo; break;
    case HashAlgorithm::kSha256: prefix = kSha256DigestInfo; break;
    case HashAlgorithm::kSha384: prefix = kSha384DigestInfo; break;
  }
  Bytes out(prefix.begin(), prefix.end());
  out.insert(out.end(), digest.begin(), digest.end());
  return out;
}

struct RsaPublicKey {
  RsaPublicKey() noexcept { rsa_public_key_init(&key); }
  ~RsaPublicKey() { rsa_public_key_clear(&key); }
  RsaPublicKey(const RsaPublicKey&) = delete;
  RsaPublicKey& operator=(const RsaPublicKey&) = delete;
  struct rsa_public_key key;
};

struct RsaPrivateKey {
  RsaPrivateKey() noexcept { rsa_private_key_init(&key); }
  ~RsaPrivateKey() {
    wipe_mpz(key.d);
    wipe_mpz(key.p);
    wipe_mpz(key.q);
    wipe_mpz(key.a);
    wipe_mpz(key.b);
    wipe_mpz(key.c);
    rsa_private_key_clear(&key);
  }
  RsaPrivateKey(const RsaPrivateKey&) = delete;
  RsaPrivateKey& operator=(const RsaPrivateKey&) = delete;
  struct rsa_private_key key;
};

// RFC 8017 §3.1 plus local policy: 1024..8192-bit odd modulus, odd e in
// [3, n-1].
Result<void> check_rsa_public(struct rsa_public_key& key) {
  const size_t bits = mpz_sgn(key.n) > 0 ? mpz_sizeinbase(key.n, 2) : 0;
  if (bits < kMinRsaBits || bits > kMaxRsaBits) return Error(ErrorCode::kBadKey, "RSA modulus size refused");
  if (mpz_even_p(key.n)) return Error(ErrorCode::kBadKey, "RSA modulus is even");
  if (mpz_cmp_ui(key.e, 3) < 0 || mpz_even_p(key.e) || mpz_cmp(key.e, key.n) >= 0) {
    return Error(ErrorCode::kBadKey, "RSA public exponent refused");
  }
  if (rsa_public_key_prepare(&key) != 1) return Error(ErrorCode::kBadKey, "RSA public key refused");
  return ok();
}

// The private components must describe the same key as (n, e): n = p q,
// dp = d mod (p-1), dq = d mod (q-1), e dp = 1 mod (p-1), e dq = 1 mod (q-1),
// qinv q = 1 mod p (RFC 8017 §3.2).
Result<void> check_rsa_private(const struct rsa_public_key& pub, struct rsa_private_key& key) {
  const Error bad(ErrorCode::kBadKey, "inconsistent RSA private key");
  if (mpz_cmp_ui(key.p, 2) <= 0 || mpz_cmp_ui(key.q, 2) <= 0 || mpz_sgn(key.d) <= 0) return bad;
  Mpz t, m;
  mpz_mul(t.get(), key.p, key.q);
  if (mpz_cmp(t.get(), pub.n) != 0) return bad;
  for (int i = 0; i < 2; ++i) {
    mpz_srcptr prime = i == 0 ? key.p : key.q;
    mpz_srcptr exp = i == 0 ? key.a : key.b;
    mpz_sub_ui(m.get(), prime, 1);
    if (mpz_sgn(exp) <= 0 || mpz_cmp(exp, m.get()) >= 0) return bad;
    mpz_mod(t.get(), key.d, m.get());
    if (mpz_cmp(t.get(), exp) != 0) return bad;
    mpz_mul(t.get(), pub.e, exp);
    mpz_mod(t.get(), t.get(), m.get());
    if (mpz_cmp_ui(t.get(), 1) != 0) return bad;
  }
  if (mpz_sgn(key.c) <= 0 || mpz_cmp(key.c, key.p) >= 0) return bad;
  mpz_mul(t.get(), key.c, key.q);
  mpz_mod(t.get(), t.get(), key.p);
  if (mpz_cmp_ui(t.get(), 1) != 0) return bad;
  if (rsa_private_key_prepare(&key) != 1 || key.size != pub.size) return bad;
  return ok();
}

// nettle's ecdsa_verify adds u1 G and u2 Q with a formula that does not
// handle u1 G == u2 Q, so it refuses valid signatures that hit that case
// (Wycheproof "point duplication during verification"). When nettle says no,
// this checks exactly that case (SEC 1 §4.1.4 steps 4-7), doubling in affine
// coordinates. Verification handles no secrets, so plain GMP is fine here.
bool ecdsa_doubling_case(const EcGroup& ec, const EcPoint& q, ByteSpan digest,
                         const EcdsaSignature& sig) {
  Mpz n(ec.order), p(ec.prime), r(sig.r), s(sig.s);
  // SEC 1 §4.1.4 step 3: e is the leftmost qlen bits of the hash.
  Mpz e(digest.first(std::min(digest.size(), ec.field_size)));
  Mpz w, u1, u2;
  if (mpz_invert(w.get(), s.get(), n.get()) == 0) return false;
  mpz_mul(u1.get(), e.get(), w.get());
  mpz_mod(u1.get(), u1.get(), n.get());
  mpz_mul(u2.get(), r.get(), w.get());
  mpz_mod(u2.get(), u2.get(), n.get());
  EcScalar k1(ec), k2(ec);
  if (ecc_scalar_set(k1.get(), u1.get()) != 1 || ecc_scalar_set(k2.get(), u2.get()) != 1) return false;
  EcPoint p1(ec), p2(ec);
  ecc_point_mul_g(p1.get(), k1.get());
  ecc_point_mul(p2.get(), k2.get(), q.get());
  Mpz x1, y1, x2, y2;
  ecc_point_get(p1.get(), x1.get(), y1.get());
  ecc_point_get(p2.get(), x2.get(), y2.get());
  if (mpz_cmp(x1.get(), x2.get()) != 0 || mpz_cmp(y1.get(), y2.get()) != 0) return false;
  // R = 2 P1 on y^2 = x^3 - 3x + b: lambda = (3 x^2 - 3) / (2 y), x_R = lambda^2 - 2 x.
  Mpz num, den, lambda, xr;
  mpz_mul(num.get(), x1.get(), x1.get());
  mpz_sub_ui(num.get(), num.get(), 1);
  mpz_mul_ui(num.get(), num.get(), 3);
  mpz_mul_ui(den.get(), y1.get(), 2);
  if (mpz_invert(den.get(), den.get(), p.get()) == 0) return false;  // y = 0: R is infinity
  mpz_mul(lambda.get(), num.get(), den.get());
  mpz_mod(lambda.get(), lambda.get(), p.get());
  mpz_mul(xr.get(), lambda.get(), lambda.get());
  mpz_submul_ui(xr.get(), x1.get(), 2);
  mpz_mod(xr.get(), xr.get(), p.get());
  // Step 7: v = x_R mod n must equal r.
  mpz_mod(xr.get(), xr.get(), n.get());
  return mpz_cmp(xr.get(), r.get()) == 0;
}

}  // namespace

// ---------------------------------------------------------------------------
// VerifyingKey.

struct VerifyingKey::Impl {
  KeyType type = KeyType::kRsa;
  const EcGroup* ec = nullptr;
  std::unique_ptr<EcPoint> point;
  RsaPublicKey rsa;
  Bytes ed25519;

  Result<void> verify_ecdsa(SignatureScheme scheme, ByteSpan message, ByteSpan signature) const;
  Result<void> verify_rsa(SignatureScheme scheme, ByteSpan message, ByteSpan signature) const;
};

VerifyingKey::VerifyingKey(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
VerifyingKey::VerifyingKey(VerifyingKey&&) noexcept = default;
VerifyingKey& VerifyingKey::operator=(VerifyingKey&&) noexcept = default;
VerifyingKey::~VerifyingKey() = default;

Result<VerifyingKey> VerifyingKey::ec(NamedGroup curve, ByteSpan point) {
  const EcGroup* ec = ec_group(curve);
  if (ec == nullptr) return Error(ErrorCode::kUnsupported, "ECDSA curve not supported");
  auto impl = std::make_unique<Impl>();
  impl->type = curve == NamedGroup::kSecp384r1 ? KeyType::kEcP384 : KeyType::kEcP256;
  impl->ec = ec;
  impl->point = std::make_unique<EcPoint>(*ec);
  CACHET_TRY(import_ec_point(*ec, point, *impl->point));
  return VerifyingKey(std::move(impl));
}

Result<VerifyingKey> VerifyingKey::rsa(ByteSpan modulus, ByteSpan exponent) {
  auto impl = std::make_unique<Impl>();
  impl->type = KeyType::kRsa;
  mpz_set_bytes(impl->rsa.key.n, modulus);
  mpz_set_bytes(impl->rsa.key.e, exponent);
  CACHET_TRY(check_rsa_public(impl->rsa.key));
  return VerifyingKey(std::move(impl));
}

Result<VerifyingKey> VerifyingKey::ed25519(ByteSpan public_key) {
  if (public_key.size() != ED25519_KEY_SIZE) {
    return Error(ErrorCode::kInvalidPublicKey, "Ed25519 public key has a wrong length");
  }
  auto impl = std::make_unique<Impl>();
  impl->type = KeyType::kEd25519;
  impl->ed25519.assign(public_key.begin(), public_key.end());
  return VerifyingKey(std::move(impl));
}

KeyType VerifyingKey::type() const noexcept { return impl_->type; }

size_t VerifyingKey::bits() const noexcept {
  switch (impl_->type) {
    case KeyType::kEcP256:
    case KeyType::kEcP384: return impl_->ec->order_bits;
    case KeyType::kEd25519: return kEd25519OrderBits;
    case KeyType::kRsa: return mpz_sizeinbase(impl_->rsa.key.n, 2);
  }
  return 0;
}

bool VerifyingKey::supports(SignatureScheme scheme) const noexcept {
  return key_supports(impl_->type, scheme);
}

Result<void> VerifyingKey::Impl::verify_ecdsa(SignatureScheme scheme, ByteSpan message,
                                              ByteSpan signature) const {
  CACHET_ASSIGN_OR_RETURN(EcdsaSignature sig, parse_der_signature(signature, *ec));
  const Bytes digest = hash(hash_for(scheme), message);
  struct dsa_signature nettle_sig;
  dsa_signature_init(&nettle_sig);
  mpz_set_bytes(nettle_sig.r, sig.r);
  mpz_set_bytes(nettle_sig.s, sig.s);
  const int valid = ecdsa_verify(point->get(), digest.size(), digest.data(), &nettle_sig);
  dsa_signature_clear(&nettle_sig);
  if (valid == 1 || ecdsa_doubling_case(*ec, *point, digest, sig)) return ok();
  return bad_signature();
}

Result<void> VerifyingKey::Impl::verify_rsa(SignatureScheme scheme, ByteSpan message,
                                            ByteSpan signature) const {
  // RFC 8017 §8.1.2 / §8.2.2 step 1: the signature is exactly k octets.
  if (signature.size() != rsa.key.size) return bad_signature();
  Mpz s(signature);
  const HashAlgorithm alg = hash_for(scheme);
  const Bytes digest = hash(alg, message);
  int valid = 0;
  if (is_pss(scheme)) {
    // RFC 8446 §4.2.3: MGF1 with the same hash, salt as long as the digest.
    valid = alg == HashAlgorithm::kSha256
                ? rsa_pss_sha256_verify_digest(&rsa.key, digest.size(), digest.data(), s.get())
                : rsa_pss_sha384_verify_digest(&rsa.key, digest.size(), digest.data(), s.get());
  } else {
    const Bytes info = digest_info(alg, digest);
    valid = rsa_pkcs1_verify(&rsa.key, info.size(), info.data(), s.get());
  }
  return valid == 1 ? ok() : Result<void>(bad_signature());
}

Result<void> VerifyingKey::verify(SignatureScheme scheme, ByteSpan message, ByteSpan signature) const {
  ++public_key_operations().verifies;
  if (!supports(scheme)) return Error(ErrorCode::kInvalidSignature, "signature scheme does not fit the key");
  switch (impl_->type) {
    case KeyType::kEcP256:
    case KeyType::kEcP384:
      return impl_->verify_ecdsa(scheme, message, signature);
    case KeyType::kRsa:
      return impl_->verify_rsa(scheme, message, signature);
    case KeyType::kEd25519:
      // RFC 8032 §5.1.7.
      if (signature.size() != ED25519_SIGNATURE_SIZE) return bad_signature();
      if (ed25519_sha512_verify(impl_->ed25519.data(), message.size(), message.data(),
                                signature.data()) != 1) {
        return bad_signature();
      }
      return ok();
  }
  return bad_signature();
}

// ---------------------------------------------------------------------------
// SigningKey.

struct SigningKey::Impl {
  KeyType type = KeyType::kRsa;
  const EcGroup* ec = nullptr;
  std::unique_ptr<EcScalar> scalar;
  Bytes public_key;            // EC point (0x04 || X || Y) or Ed25519 public key
  SecretBytes private_bytes;   // EC scalar (field size) or Ed25519 seed
  RsaPublicKey rsa_public;
  RsaPrivateKey rsa_private;

  Result<Bytes> sign_ecdsa(SignatureScheme scheme, ByteSpan message) const;
  Result<Bytes> sign_rsa(SignatureScheme scheme, ByteSpan message, Random& random) const;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

namespace {

// Completes an EC Impl whose scalar is set: public point and padded scalar.
void finish_ec_key(SigningKey::Impl& impl) {
  EcPoint pub(*impl.ec);
  ecc_point_mul_g(pub.get(), impl.scalar->get());
  impl.public_key = export_ec_point(*impl.ec, pub);
  impl.private_bytes = export_ec_scalar(*impl.ec, *impl.scalar);
}

}  // namespace

Result<SigningKey> SigningKey::ec(NamedGroup curve, ByteSpan scalar) {
  const EcGroup* ec = ec_group(curve);
  if (ec == nullptr) return Error(ErrorCode::kUnsupported, "ECDSA curve not supported");
  auto impl = std::make_unique<Impl>();
  impl->type = curve == NamedGroup::kSecp384r1 ? KeyType::kEcP384 : KeyType::kEcP256;
  impl->ec = ec;
  impl->scalar = std::make_unique<EcScalar>(*ec);
  CACHET_TRY(import_ec_scalar(*ec, scalar, *impl->scalar));
  finish_ec_key(*impl);
  return SigningKey(std::move(impl));
}

Result<SigningKey> SigningKey::rsa(const RsaPrivateComponents& c) {
  auto impl = std::make_unique<Impl>();
  impl->type = KeyType::kRsa;
  mpz_set_bytes(impl->rsa_public.key.n, c.n);
  mpz_set_bytes(impl->rsa_public.key.e, c.e);
  CACHET_TRY(check_rsa_public(impl->rsa_public.key));
  struct rsa_private_key& key = impl->rsa_private.key;
  mpz_set_bytes(key.d, c.d);
  mpz_set_bytes(key.p, c.p);
  mpz_set_bytes(key.q, c.q);
  mpz_set_bytes(key.a, c.dp);
  mpz_set_bytes(key.b, c.dq);
  mpz_set_bytes(key.c, c.qinv);
  CACHET_TRY(check_rsa_private(impl->rsa_public.key, key));
  return SigningKey(std::move(impl));
}

Result<SigningKey> SigningKey::ed25519(ByteSpan seed) {
  if (seed.size() != ED25519_KEY_SIZE) {
    return Error(ErrorCode::kInvalidPrivateKey, "Ed25519 private key has a wrong length");
  }
  auto impl = std::make_unique<Impl>();
  impl->type = KeyType::kEd25519;
  impl->private_bytes = SecretBytes(seed);
  impl->public_key.resize(ED25519_KEY_SIZE);
  // RFC 8032 §5.1.5.
  ed25519_sha512_public_key(impl->public_key.data(), seed.data());
  return SigningKey(std::move(impl));
}

Result<SigningKey> SigningKey::generate(KeyType type, Random& random, size_t rsa_bits) {
  switch (type) {
    case KeyType::kEcP256:
    case KeyType::kEcP384: {
      const EcGroup* ec = ec_group(curve_of(type));
      auto impl = std::make_unique<Impl>();
      impl->type = type;
      impl->ec = ec;
      impl->scalar = std::make_unique<EcScalar>(*ec);
      NettleRandom adapter(random);
      ecc_scalar_random(impl->scalar->get(), adapter.context(), NettleRandom::function());
      CACHET_TRY(adapter.status());
      finish_ec_key(*impl);
      return SigningKey(std::move(impl));
    }
    case KeyType::kEd25519: {
      // RFC 8032 §5.1.5: the private key is 32 random bytes.
      SecretBytes seed(ED25519_KEY_SIZE);
      CACHET_TRY(random.fill(seed.mutable_span()));
      return ed25519(seed);
    }
    case KeyType::kRsa: {
      if (rsa_bits < kMinGeneratedRsaBits || rsa_bits > kMaxGeneratedRsaBits) {
        return Error(ErrorCode::kInvalidArgument, "RSA key size out of range");
      }
      auto impl = std::make_unique<Impl>();
      impl->type = KeyType::kRsa;
      mpz_set_ui(impl->rsa_public.key.e, 65537);
      NettleRandom adapter(random);
      const int generated =
          rsa_generate_keypair(&impl->rsa_public.key, &impl->rsa_private.key, adapter.context(),
                               NettleRandom::function(), nullptr, nullptr,
                               static_cast<unsigned>(rsa_bits), 0);
      CACHET_TRY(adapter.status());
      if (generated != 1) return Error(ErrorCode::kInternal, "RSA key generation failed");
      return SigningKey(std::move(impl));
    }
  }
  return Error(ErrorCode::kUnsupported, "unknown key type");
}

KeyType SigningKey::type() const noexcept { return impl_->type; }

bool SigningKey::supports(SignatureScheme scheme) const noexcept {
  // RFC 8446 §4.2.3: rsa_pkcs1_sha1 is legacy; Cachet only verifies it.
  return scheme != SignatureScheme::kRsaPkcs1Sha1 && key_supports(impl_->type, scheme);
}

VerifyingKey SigningKey::verifying_key() const {
  // The stored public material passed the same checks when the key was
  // made, so the factories cannot fail here.
  switch (impl_->type) {
    case KeyType::kEcP256:
    case KeyType::kEcP384:
      return std::move(VerifyingKey::ec(impl_->ec->group, impl_->public_key)).value();
    case KeyType::kEd25519:
      return std::move(VerifyingKey::ed25519(impl_->public_key)).value();
    case KeyType::kRsa:
      break;
  }
  const Bytes n = mpz_to_bytes(impl_->rsa_public.key.n);
  const Bytes e = mpz_to_bytes(impl_->rsa_public.key.e);
  return std::move(VerifyingKey::rsa(n, e)).value();
}

Result<Bytes> SigningKey::Impl::sign_ecdsa(SignatureScheme scheme, ByteSpan message) const {
  const HashAlgorithm alg = hash_for(scheme);
  const Bytes digest = hash(alg, message);
  const size_t limbs = static_cast<size_t>(ecc_size(ec->curve));
  std::vector<mp_limb_t> k_limbs(limbs), r_limbs(limbs), s_limbs(limbs);
  std::vector<mp_limb_t> scratch(static_cast<size_t>(ecc_ecdsa_sign_itch(ec->curve)));
  SecretBytes k(ec->field_size);
  Bytes r(ec->field_size), s(ec->field_size);
  Rfc6979Nonce nonces(alg, *ec, private_bytes, digest);
  for (;;) {
    nonces.next(k.mutable_span());
    if (!bytes_to_limbs(k, k_limbs)) break;  // cannot happen: k has field_size bytes
    ecc_ecdsa_sign(ec->curve, scalar->get()->p, k_limbs.data(), digest.size(), digest.data(),
                   r_limbs.data(), s_limbs.data(), scratch.data());
    limbs_to_bytes(r_limbs, r);
    limbs_to_bytes(s_limbs, s);
    // RFC 6979 §3.4: on r = 0 or s = 0, continue with the next k.
    if (!is_zero(r) && !is_zero(s)) break;
  }
  wipe_limbs(k_limbs.data(), k_limbs.size());
  wipe_limbs(scratch.data(), scratch.size());
  if (is_zero(r) || is_zero(s)) return Error(ErrorCode::kInternal, "ECDSA signing failed");
  return encode_der_signature(r, s);
}

Result<Bytes> SigningKey::Impl::sign_rsa(SignatureScheme scheme, ByteSpan message,
                                         Random& random) const {
  const HashAlgorithm alg = hash_for(scheme);
  const Bytes digest = hash(alg, message);
  NettleRandom adapter(random);  // blinding
  Mpz s;
  int signed_ok = 0;
  if (is_pss(scheme)) {
    // RFC 8446 §4.2.3: salt length equal to the digest length.
    Bytes salt(digest.size());
    CACHET_TRY(random.fill(salt));
    signed_ok = alg == HashAlgorithm::kSha256
                    ? rsa_pss_sha256_sign_digest_tr(&rsa_public.key, &rsa_private.key,
                                                    adapter.context(), NettleRandom::function(),
                                                    salt.size(), salt.data(), digest.data(), s.get())
                    : rsa_pss_sha384_sign_digest_tr(&rsa_public.key, &rsa_private.key,
                                                    adapter.context(), NettleRandom::function(),
                                                    salt.size(), salt.data(), digest.data(), s.get());
  } else {
    const Bytes info = digest_info(alg, digest);
    signed_ok = rsa_pkcs1_sign_tr(&rsa_public.key, &rsa_private.key, adapter.context(),
                                  NettleRandom::function(), info.size(), info.data(), s.get());
  }
  CACHET_TRY(adapter.status());
  if (signed_ok != 1) return Error(ErrorCode::kInternal, "RSA signing failed");
  // RFC 8017 §8.1.1 / §8.2.1: I2OSP to exactly k octets.
  Bytes out(rsa_public.key.size);
  if (!s.export_fixed(out)) return Error(ErrorCode::kInternal, "RSA signature export failed");
  return out;
}

Result<Bytes> SigningKey::sign(SignatureScheme scheme, ByteSpan message, Random& random) const {
  ++public_key_operations().signs;
  if (scheme == SignatureScheme::kRsaPkcs1Sha1) {
    return Error(ErrorCode::kUnsupported, "rsa_pkcs1_sha1 signing is not supported");
  }
  if (!supports(scheme)) return Error(ErrorCode::kInvalidArgument, "signature scheme does not fit the key");
  switch (impl_->type) {
    case KeyType::kEcP256:
    case KeyType::kEcP384:
      return impl_->sign_ecdsa(scheme, message);
    case KeyType::kRsa:
      return impl_->sign_rsa(scheme, message, random);
    case KeyType::kEd25519: {
      // RFC 8032 §5.1.6.
      Bytes sig(ED25519_SIGNATURE_SIZE);
      ed25519_sha512_sign(impl_->public_key.data(), impl_->private_bytes.data(), message.size(),
                          message.data(), sig.data());
      return sig;
    }
  }
  return Error(ErrorCode::kUnsupported, "unknown key type");
}

const SecretBytes& SigningKey::private_bytes() const noexcept { return impl_->private_bytes; }

RsaPrivateComponents SigningKey::rsa_components() const {
  RsaPrivateComponents c;
  if (impl_->type != KeyType::kRsa) return c;
  const struct rsa_private_key& key = impl_->rsa_private.key;
  c.n = mpz_to_bytes(impl_->rsa_public.key.n);
  c.e = mpz_to_bytes(impl_->rsa_public.key.e);
  c.d = mpz_to_bytes(key.d);
  c.p = mpz_to_bytes(key.p);
  c.q = mpz_to_bytes(key.q);
  c.dp = mpz_to_bytes(key.a);
  c.dq = mpz_to_bytes(key.b);
  c.qinv = mpz_to_bytes(key.c);
  return c;
}

}  // namespace cachet::crypto
