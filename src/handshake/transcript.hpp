// The handshake transcript (RFC 5246 §7.4.9 with RFC 6347 §4.2.6): every
// handshake message as if it had been sent unfragmented — the 12-byte DTLS
// header with fragment_offset 0 and fragment_length = length — in order.
// The initial ClientHello and the HelloVerifyRequest are not included
// (RFC 6347 §4.2.6). The hash is only known once ServerHello picks the suite,
// so messages are buffered until then.
#pragma once

#include <optional>

#include "base/bytes.hpp"
#include "crypto/hash.hpp"
#include "handshake/types.hpp"

namespace cachet::handshake {

class Transcript {
 public:
  void add(HandshakeType type, uint16_t message_seq, ByteSpan body);
  // Picks the hash and absorbs what was buffered.
  void set_hash(crypto::HashAlgorithm alg);
  // Forgets everything (after a HelloVerifyRequest).
  void reset();
  // Hash of everything so far (set_hash must have been called).
  Bytes current_hash() const;
  // Every message so far, concatenated: what a TLS 1.2 CertificateVerify
  // signs (RFC 5246 §7.4.8), hashed with the signature's own hash.
  ByteSpan messages() const noexcept { return all_; }
  bool has_hash() const noexcept { return hash_.has_value(); }
  // Frees the buffers (end of handshake).
  void release() noexcept;

 private:
  Bytes all_;
  std::optional<crypto::Hash> hash_;
};

}  // namespace cachet::handshake
