// DTLS 1.2 handshake message bodies: one struct per message, parsed from and
// serialized to the body that follows the 12-byte DTLS handshake header.
//
// parse() checks every vector length against the RFC's bounds and rejects
// trailing bytes; all its errors map to an alert through alert_for() (in
// handshake/types.hpp): decode_error for malformed input, illegal_parameter
// for a well-formed but forbidden value (kOutOfRange).
//
// serialize() returns kInvalidArgument when a field is outside the bounds the
// wire allows (the message would not parse back). Writing errors (capacity,
// a prefix overflow) stay in the writer's sticky state, which the caller
// checks once; encode() does both for a standalone buffer. On an error, what
// was written is unspecified.
//
// Fields are plain values, so a parsed message outlives its buffer. Open
// registries (cipher suites, groups, signature schemes) are carried as their
// uint16 code points: unknown values must survive parsing.
#pragma once

#include <array>
#include <vector>

#include "base/byte_reader.hpp"
#include "base/byte_writer.hpp"
#include "base/bytes.hpp"
#include "handshake/extensions.hpp"
#include "handshake/types.hpp"
#include "record/types.hpp"

namespace cachet::handshake {

// RFC 5246 §7.4.1.2: Random is 32 bytes (gmt_unix_time and random_bytes).
using HelloRandom = std::array<uint8_t, kRandomSize>;
using record::ProtocolVersion;

// RFC 5246 §7.4.2: ASN.1Cert certificate_list<0..2^24-1>, ASN.1Cert<1..2^24-1>.
inline constexpr size_t kMaxCertificateListSize = (size_t{1} << 24) - 1;
inline constexpr size_t kMaxCertificateSize = kMaxCertificateListSize - 3;
// Chains longer than this are refused as decode_error: no real chain comes
// close, and each entry costs an allocation.
inline constexpr size_t kMaxCertificateChainLength = 64;

// RFC 6347 §4.2.1, RFC 5246 §7.4.1.2.
struct ClientHello {
  ProtocolVersion client_version = ProtocolVersion::kDtls12;
  HelloRandom random{};
  Bytes session_id;                      // <0..32>
  Bytes cookie;                          // <0..2^8-1>
  std::vector<uint16_t> cipher_suites;   // <2..2^16-2> bytes
  std::vector<uint8_t> compression_methods{kNullCompression};  // <1..2^8-1>, contains null
  HelloExtensions extensions;

  [[nodiscard]] static Result<ClientHello> parse(ByteSpan body);
  [[nodiscard]] Result<void> serialize(ByteWriter& w) const;
  bool operator==(const ClientHello&) const = default;
};

// RFC 6347 §4.2.1.
struct HelloVerifyRequest {
  ProtocolVersion server_version = ProtocolVersion::kDtls10;  // RFC 6347 §4.2.1: SHOULD be 1.0
  Bytes cookie;                                               // <0..2^8-1>

  [[nodiscard]] static Result<HelloVerifyRequest> parse(ByteSpan body);
  [[nodiscard]] Result<void> serialize(ByteWriter& w) const;
  bool operator==(const HelloVerifyRequest&) const = default;
};

// RFC 5246 §7.4.1.3.
struct ServerHello {
  ProtocolVersion server_version = ProtocolVersion::kDtls12;
  HelloRandom random{};
  Bytes session_id;  // <0..32>
  uint16_t cipher_suite = 0;
  uint8_t compression_method = kNullCompression;  // must be null
  HelloExtensions extensions;

  [[nodiscard]] static Result<ServerHello> parse(ByteSpan body);
  [[nodiscard]] Result<void> serialize(ByteWriter& w) const;
  bool operator==(const ServerHello&) const = default;
};

// RFC 5246 §7.4.2 (X.509 chain) and RFC 7250 §3 (raw public key). The
// negotiated certificate type selects the form.
struct CertificateMsg {
  CertificateType type = CertificateType::kX509;
  std::vector<Bytes> certificate_list;  // kX509: sender's certificate first
  Bytes subject_public_key_info;        // kRawPublicKey: <1..2^24-1>

  [[nodiscard]] static Result<CertificateMsg> parse(ByteSpan body, CertificateType type);
  [[nodiscard]] Result<void> serialize(ByteWriter& w) const;
  bool operator==(const CertificateMsg&) const = default;
};

// RFC 8422 §5.4 (ECDHE: params + signature), RFC 4279 §2 (PSK: hint),
// RFC 5489 §2 (ECDHE-PSK: hint + params, no signature).
struct ServerKeyExchange {
  KeyExchangeKind kind = KeyExchangeKind::kEcdhe;
  Bytes psk_identity_hint;        // kPsk, kEcdhePsk: <0..2^16-1>
  uint16_t named_group = 0;       // kEcdhe, kEcdhePsk
  Bytes public_key;               // kEcdhe, kEcdhePsk: ECPoint <1..2^8-1>
  uint16_t signature_scheme = 0;  // kEcdhe: SignatureAndHashAlgorithm
  Bytes signature;                // kEcdhe: <0..2^16-1>

  [[nodiscard]] static Result<ServerKeyExchange> parse(ByteSpan body, KeyExchangeKind kind);
  [[nodiscard]] Result<void> serialize(ByteWriter& w) const;
  // RFC 8422 §5.4: ServerECDHParams, the part of the signed data that follows
  // client_random and server_random.
  [[nodiscard]] Result<void> write_ecdh_params(ByteWriter& w) const;
  bool operator==(const ServerKeyExchange&) const = default;
};

// RFC 5246 §7.4.4.
struct CertificateRequest {
  std::vector<uint8_t> certificate_types;       // <1..2^8-1>
  std::vector<uint16_t> signature_algorithms;   // <2..2^16-2> bytes
  std::vector<Bytes> certificate_authorities;   // DistinguishedName<1..2^16-1>, list <0..2^16-1>

  [[nodiscard]] static Result<CertificateRequest> parse(ByteSpan body);
  [[nodiscard]] Result<void> serialize(ByteWriter& w) const;
  bool operator==(const CertificateRequest&) const = default;
};

// RFC 5246 §7.4.5: an empty body.
struct ServerHelloDone {
  [[nodiscard]] static Result<ServerHelloDone> parse(ByteSpan body);
  [[nodiscard]] Result<void> serialize(ByteWriter& w) const;
  bool operator==(const ServerHelloDone&) const = default;
};

// RFC 5246 §7.4.8 with §4.7 digitally-signed (TLS 1.2 form).
struct CertificateVerify {
  uint16_t signature_scheme = 0;
  Bytes signature;  // <0..2^16-1>

  [[nodiscard]] static Result<CertificateVerify> parse(ByteSpan body);
  [[nodiscard]] Result<void> serialize(ByteWriter& w) const;
  bool operator==(const CertificateVerify&) const = default;
};

// RFC 8422 §5.7 (ECDHE), RFC 4279 §2 (PSK), RFC 5489 §2 (ECDHE-PSK).
struct ClientKeyExchange {
  KeyExchangeKind kind = KeyExchangeKind::kEcdhe;
  Bytes psk_identity;  // kPsk, kEcdhePsk: <0..2^16-1>
  Bytes public_key;    // kEcdhe, kEcdhePsk: ECPoint <1..2^8-1>

  [[nodiscard]] static Result<ClientKeyExchange> parse(ByteSpan body, KeyExchangeKind kind);
  [[nodiscard]] Result<void> serialize(ByteWriter& w) const;
  bool operator==(const ClientKeyExchange&) const = default;
};

// RFC 5246 §7.4.9: verify_data[12] for every suite Cachet implements.
struct Finished {
  std::array<uint8_t, kFinishedSize> verify_data{};

  [[nodiscard]] static Result<Finished> parse(ByteSpan body);
  [[nodiscard]] Result<void> serialize(ByteWriter& w) const;
  bool operator==(const Finished&) const = default;
};

// RFC 5077 §3.3.
struct NewSessionTicket {
  uint32_t ticket_lifetime_hint = 0;  // seconds; 0 = unspecified
  Bytes ticket;                       // <0..2^16-1>; empty = no ticket after all

  [[nodiscard]] static Result<NewSessionTicket> parse(ByteSpan body);
  [[nodiscard]] Result<void> serialize(ByteWriter& w) const;
  bool operator==(const NewSessionTicket&) const = default;
};

// Serializes a message into a fresh buffer: validation and writer errors.
template <typename Message>
[[nodiscard]] Result<Bytes> encode(const Message& m) {
  ByteWriter w;
  CACHET_TRY(m.serialize(w));
  return w.take();
}

}  // namespace cachet::handshake
