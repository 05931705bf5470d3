// What a DTLS 1.2 session is once the handshake that made it is over: the
// state RFC 5246 §7.3 / RFC 5077 §4 say is kept for resumption.
#pragma once

#include <cachet/error.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "base/secure.hpp"

namespace cachet::session {

// RFC 7250 certificate types, as in the Certificate message.
inline constexpr uint8_t kCertificateTypeX509 = 0;
inline constexpr uint8_t kCertificateTypeRawPublicKey = 2;

// Bounds checked by parse(): what a well-formed state can hold.
inline constexpr size_t kMaxSessionIdSize = 32;       // RFC 5246 §7.4.1.2
inline constexpr size_t kMasterSecretSize = 48;       // RFC 5246 §8.1
inline constexpr size_t kMaxTicketSize = 65535;       // RFC 5077 §3.3: opaque<0..2^16-1>
inline constexpr size_t kMaxPeerCertificates = 16;
inline constexpr size_t kMaxPeerCertificateSize = 16384;
inline constexpr size_t kMaxNameSize = 255;

// The peer's certificate chain (DER, leaf first) or its one raw public key:
// immutable and shared. Every client of one Context that validated the same
// chain, and the sessions kept from them, hold one copy (issue #9 target 6:
// a server's two-certificate chain was ~1 KB of each idle client endpoint).
class PeerCertificates {
 public:
  using List = std::vector<Bytes>;
  PeerCertificates() = default;
  PeerCertificates(List certificates)  // NOLINT: implicit, as the vector it replaces
      : list_(certificates.empty() ? nullptr : std::make_shared<const List>(std::move(certificates))) {}
  PeerCertificates(std::initializer_list<Bytes> certificates) : PeerCertificates(List(certificates)) {}
  explicit PeerCertificates(std::shared_ptr<const List> shared) : list_(std::move(shared)) {
    if (list_ && list_->empty()) list_.reset();
  }

  const List& list() const noexcept { return list_ ? *list_ : empty_list(); }
  operator const List&() const noexcept { return list(); }  // NOLINT: reads as the vector
  bool empty() const noexcept { return list().empty(); }
  size_t size() const noexcept { return list().size(); }
  List::const_iterator begin() const noexcept { return list().begin(); }
  List::const_iterator end() const noexcept { return list().end(); }
  const Bytes& front() const noexcept { return list().front(); }
  const Bytes& operator[](size_t i) const noexcept { return list()[i]; }
  // The shared list itself (nullptr when empty), to hand on without a copy.
  const std::shared_ptr<const List>& shared() const noexcept { return list_; }

 private:
  static const List& empty_list() noexcept {
    static const List kEmpty;
    return kEmpty;
  }
  std::shared_ptr<const List> list_;
};

struct SessionState {
  uint16_t version = 0xfefd;  // DTLS 1.2
  uint16_t cipher_suite = 0;
  SecretBytes master_secret;  // kMasterSecretSize bytes
  bool extended_master_secret = false;
  // Who the peer was: its certificate chain (leaf first) or, for a raw
  // public key, one SubjectPublicKeyInfo; PSK suites: the identity.
  uint8_t peer_certificate_type = kCertificateTypeX509;
  PeerCertificates peer_certificates;
  Bytes psk_identity;
  bool client_authenticated = false;
  std::string server_name;  // SNI of the handshake that made the session
  int64_t created_unix = 0;
  uint32_t lifetime_seconds = 0;

  // Client only: how to ask for this session again.
  Bytes session_id;  // 0..32 bytes
  Bytes ticket;      // RFC 5077 ticket, empty when none

  // Expired before its creation time (clock stepped back) and from
  // created + lifetime on. The age is taken in unsigned arithmetic: parse()
  // accepts any int64 creation time, and the signed difference can overflow.
  bool expired(int64_t unix_now) const noexcept {
    return unix_now < created_unix ||
           static_cast<uint64_t>(unix_now) - static_cast<uint64_t>(created_unix) >= lifetime_seconds;
  }
  SessionState copy() const;

  // A versioned binary form (first byte: format version). parse() rejects
  // truncation, trailing bytes, unknown versions and out-of-bound fields.
  Bytes serialize() const;
  static Result<SessionState> parse(ByteSpan bytes);
};

}  // namespace cachet::session
