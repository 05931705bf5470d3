// AEAD ciphers: AES-GCM, AES-CCM, AES-CCM-8, ChaCha20-Poly1305.
//
// Seal and open work over caller buffers, in place or not, and never allocate; the
// keyed state is allocated once when the Aead is created and wiped when it is
// destroyed. Open never releases unauthenticated plaintext: on failure the
// buffer is zeroed. seal() and open() may be called on one Aead from several
// threads at once (TicketKeys does).
//
// Backends. The DTLS suites' AES-GCM (create() with kAes128Gcm/kAes256Gcm)
// runs on GnuTLS's AEAD API (gnutls_aead_cipher_encrypt/decrypt when the
// tag follows the text, as in a record; *v2, in place, otherwise); everything else runs on nettle: create_raw() (known-answer tests
// with odd tag and nonce sizes), AES-CCM and ChaCha20-Poly1305. Why GnuTLS
// for AES-GCM (issue #9; bench machine, GnuTLS 3.7.9, nettle 3.8.1): its
// x86-64 AES-GCM (AES-NI, PCLMUL/AVX GHASH) seals a 1200-byte record at least
// 1.7x as fast as nettle's (tput.aes128gcm went from ~0.7 to ~1.0 GB/s), and
// a key costs 847 bytes of heap where nettle's costs 4384, a 4 KB GHASH table
// included (aead_test's heap_per_key). What it costs: a GnuTLS handle keeps
// per-message state, so that backend takes a mutex around each call (the
// nettle one keeps that state on the stack; AeadSharing::kOneThread, as the
// record layer asks for, skips the lock), and it accepts only 12-byte nonces (GnuTLS's AES-GCM rejects
// others; the suites use 12). AeadBackend picks a backend explicitly, so
// tests can run the two side by side; kAuto falls back to nettle if GnuTLS
// refuses the key (a system crypto policy, say).
#pragma once

#include <cachet/error.hpp>

#include <cstdint>
#include <memory>

#include "base/bytes.hpp"

namespace cachet::crypto {

// The AEADs DTLS 1.2/1.3 cipher suites use.
enum class AeadAlgorithm : uint8_t {
  kAes128Gcm,
  kAes256Gcm,
  kChaCha20Poly1305,
  kAes128Ccm,
  kAes128Ccm8,
  kAes256Ccm,
  kAes256Ccm8,
};

// The construction underneath an AeadAlgorithm.
enum class AeadMode : uint8_t { kGcm, kCcm, kChaCha20Poly1305 };

// The library an Aead runs on (see the header comment). kGnuTls is offered
// for AES-GCM only.
enum class AeadBackend : uint8_t { kAuto, kNettle, kGnuTls };

// Whether seal()/open() may run on one Aead from several threads at once
// (TicketKeys shares its key). Only the GnuTLS backend pays for it (a mutex
// per call); a record layer's keys belong to one connection: kOneThread.
enum class AeadSharing : uint8_t { kShared, kOneThread };

struct AeadParams {
  AeadMode mode;
  size_t key_size;
  size_t nonce_size;  // the 12-byte TLS nonce (RFC 5116 N_MIN = N_MAX = 12 for these suites)
  size_t tag_size;
};

AeadParams aead_params(AeadAlgorithm alg) noexcept;

class Aead {
 public:
  // A DTLS suite's AEAD; the key must be exactly aead_params(alg).key_size.
  // kUnsupported when `backend` is kGnuTls for a non-GCM algorithm, or GnuTLS
  // refuses the key.
  static Result<Aead> create(AeadAlgorithm alg, ByteSpan key,
                             AeadBackend backend = AeadBackend::kAuto,
                             AeadSharing sharing = AeadSharing::kShared);
  // The general construction (known-answer tests use it), always on nettle:
  // AES keys of 16, 24 or 32 bytes; GCM tags of 4..16 bytes and any non-empty
  // nonce; CCM tags of 4..16 even bytes and nonces of 7..13 bytes;
  // ChaCha20-Poly1305 with a 32-byte key, 16-byte tag and 12-byte nonce only.
  static Result<Aead> create_raw(AeadMode mode, ByteSpan key, size_t tag_size);

  Aead(Aead&&) noexcept;
  Aead& operator=(Aead&&) noexcept;
  ~Aead();

  AeadMode mode() const noexcept;
  size_t tag_size() const noexcept;
  // kNettle or kGnuTls: the backend this Aead actually runs on.
  AeadBackend backend() const noexcept;

  // in_out: plaintext in, ciphertext out (same length). tag.size() must equal
  // tag_size(). kBadNonce when the nonce length is not allowed for the mode
  // (for the GnuTLS backend: anything but 12 bytes).
  [[nodiscard]] Result<void> seal(ByteSpan nonce, ByteSpan aad, MutableByteSpan in_out,
                                  MutableByteSpan tag) const noexcept;
  // in_out: ciphertext in, plaintext out. kAuthenticationFailed (buffer
  // zeroed) when the tag does not verify; the tag is compared in constant time.
  [[nodiscard]] Result<void> open(ByteSpan nonce, ByteSpan aad, MutableByteSpan in_out,
                                  ByteSpan tag) const noexcept;

  // Out of place: `plaintext` sealed into `ciphertext` (same length; the same
  // buffer, which is the in-place call, or one not overlapping it, else
  // kInvalidArgument). The record layer seals a payload straight into the
  // record this way, and opens a record straight into a receive buffer.
  [[nodiscard]] Result<void> seal(ByteSpan nonce, ByteSpan aad, ByteSpan plaintext, MutableByteSpan ciphertext,
                                  MutableByteSpan tag) const noexcept;
  // `ciphertext` opened into `plaintext` (same rules); on failure
  // `plaintext` is zeroed and `ciphertext` left as it was.
  [[nodiscard]] Result<void> open(ByteSpan nonce, ByteSpan aad, ByteSpan ciphertext, ByteSpan tag,
                                  MutableByteSpan plaintext) const noexcept;

  struct Impl;

 private:
  explicit Aead(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cachet::crypto
