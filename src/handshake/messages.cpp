#include "handshake/messages.hpp"

#include <algorithm>

namespace cachet::handshake {

namespace {

using wire::read_opaque;
using wire::read_u16_list;
using wire::read_u8_list;
using wire::write_opaque;

constexpr size_t kMax8 = 0xff;
constexpr size_t kMax16 = 0xffff;
// RFC 5246 §7.4.1.2: CipherSuite cipher_suites<2..2^16-2>; §7.4.1.4.1:
// SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>.
constexpr size_t kMaxU16ListBytes = 0xfffe;

Error invalid(const char* what) { return Error(ErrorCode::kInvalidArgument, what); }

Result<ProtocolVersion> read_version(ByteReader& r) {
  CACHET_ASSIGN_OR_RETURN(uint16_t v, r.u16());
  return static_cast<ProtocolVersion>(v);
}

void write_version(ByteWriter& w, ProtocolVersion v) { w.u16(static_cast<uint16_t>(v)); }

// RFC 8422 §5.4: ECPoint { opaque point<1..2^8-1>; }.
Result<Bytes> read_ec_point(ByteReader& r) { return read_opaque(r, 1, 1, kMax8); }
Result<void> write_ec_point(ByteWriter& w, const Bytes& point) { return write_opaque(w, 1, 1, kMax8, point); }

// RFC 8422 §5.4: ServerECDHParams { ECParameters curve_params; ECPoint public; }
// where ECParameters is curve_type (only named_curve(3) is allowed: "the
// explicit_prime and explicit_char2 ... MUST NOT be used") and a NamedCurve.
Result<void> read_ecdh_params(ByteReader& r, ServerKeyExchange& m) {
  CACHET_ASSIGN_OR_RETURN(uint8_t curve_type, r.u8());
  if (curve_type != kNamedCurveType) return Error(ErrorCode::kOutOfRange, "ECCurveType is not named_curve");
  CACHET_ASSIGN_OR_RETURN(m.named_group, r.u16());
  CACHET_ASSIGN_OR_RETURN(m.public_key, read_ec_point(r));
  return ok();
}

// RFC 5246 §4.7: digitally-signed = SignatureAndHashAlgorithm algorithm;
// opaque signature<0..2^16-1>.
Result<void> read_digitally_signed(ByteReader& r, uint16_t& scheme, Bytes& signature) {
  CACHET_ASSIGN_OR_RETURN(scheme, r.u16());
  CACHET_ASSIGN_OR_RETURN(signature, read_opaque(r, 2, 0, kMax16));
  return ok();
}

Result<void> write_digitally_signed(ByteWriter& w, uint16_t scheme, const Bytes& signature) {
  w.u16(scheme);
  return write_opaque(w, 2, 0, kMax16, signature);
}

// RFC 5246 §7.4.1.2/§7.4.1.3: "a server MAY ... SessionID<0..32>".
Result<void> write_session_id(ByteWriter& w, const Bytes& session_id) {
  return write_opaque(w, 1, 0, kMaxSessionIdSize, session_id);
}

}  // namespace

// ---------------------------------------------------------------------------
// ClientHello: RFC 6347 §4.2.1 adds the cookie after the session_id.

Result<ClientHello> ClientHello::parse(ByteSpan body) {
  ByteReader r(body);
  ClientHello m;
  CACHET_ASSIGN_OR_RETURN(m.client_version, read_version(r));
  CACHET_TRY(r.copy_to(m.random));
  CACHET_ASSIGN_OR_RETURN(m.session_id, read_opaque(r, 1, 0, kMaxSessionIdSize));
  // RFC 6347 §4.3.2: opaque cookie<0..2^8-1> (DTLS 1.2).
  CACHET_ASSIGN_OR_RETURN(m.cookie, read_opaque(r, 1, 0, kMaxCookieSize));
  CACHET_ASSIGN_OR_RETURN(m.cipher_suites, read_u16_list(r, 2, 2, kMaxU16ListBytes));
  // RFC 5246 §7.4.1.2: compression_methods<1..2^8-1>; "this vector MUST
  // contain, and all implementations MUST support, CompressionMethod.null".
  CACHET_ASSIGN_OR_RETURN(m.compression_methods, read_u8_list(r, 1, kMax8));
  if (std::find(m.compression_methods.begin(), m.compression_methods.end(), kNullCompression) ==
      m.compression_methods.end()) {
    return Error(ErrorCode::kOutOfRange, "ClientHello without null compression");
  }
  CACHET_ASSIGN_OR_RETURN(m.extensions, parse_extensions(r, HelloKind::kClientHello));
  return m;
}

Result<void> ClientHello::serialize(ByteWriter& w) const {
  if (std::find(compression_methods.begin(), compression_methods.end(), kNullCompression) ==
      compression_methods.end()) {
    return invalid("ClientHello without null compression");
  }
  write_version(w, client_version);
  w.bytes(random);
  CACHET_TRY(write_session_id(w, session_id));
  CACHET_TRY(write_opaque(w, 1, 0, kMaxCookieSize, cookie));
  CACHET_TRY(wire::write_u16_list(w, 2, 2, kMaxU16ListBytes, cipher_suites));
  CACHET_TRY(wire::write_u8_list(w, 1, kMax8, compression_methods));
  return write_extensions(w, extensions, HelloKind::kClientHello);
}

// ---------------------------------------------------------------------------
// HelloVerifyRequest: RFC 6347 §4.2.1 { ProtocolVersion server_version;
// opaque cookie<0..2^8-1>; }.

Result<HelloVerifyRequest> HelloVerifyRequest::parse(ByteSpan body) {
  ByteReader r(body);
  HelloVerifyRequest m;
  CACHET_ASSIGN_OR_RETURN(m.server_version, read_version(r));
  CACHET_ASSIGN_OR_RETURN(m.cookie, read_opaque(r, 1, 0, kMaxCookieSize));
  CACHET_TRY(r.expect_empty());
  return m;
}

Result<void> HelloVerifyRequest::serialize(ByteWriter& w) const {
  write_version(w, server_version);
  return write_opaque(w, 1, 0, kMaxCookieSize, cookie);
}

// ---------------------------------------------------------------------------
// ServerHello: RFC 5246 §7.4.1.3.

Result<ServerHello> ServerHello::parse(ByteSpan body) {
  ByteReader r(body);
  ServerHello m;
  CACHET_ASSIGN_OR_RETURN(m.server_version, read_version(r));
  CACHET_TRY(r.copy_to(m.random));
  CACHET_ASSIGN_OR_RETURN(m.session_id, read_opaque(r, 1, 0, kMaxSessionIdSize));
  CACHET_ASSIGN_OR_RETURN(m.cipher_suite, r.u16());
  CACHET_ASSIGN_OR_RETURN(m.compression_method, r.u8());
  // RFC 5246 §7.4.1.2: null is the only method we offer, so anything else
  // was never offered (§7.4.1.3: "selected by the server from the list").
  if (m.compression_method != kNullCompression) {
    return Error(ErrorCode::kOutOfRange, "ServerHello compression is not null");
  }
  CACHET_ASSIGN_OR_RETURN(m.extensions, parse_extensions(r, HelloKind::kServerHello));
  return m;
}

Result<void> ServerHello::serialize(ByteWriter& w) const {
  if (compression_method != kNullCompression) return invalid("ServerHello compression is not null");
  write_version(w, server_version);
  w.bytes(random);
  CACHET_TRY(write_session_id(w, session_id));
  w.u16(cipher_suite);
  w.u8(compression_method);
  return write_extensions(w, extensions, HelloKind::kServerHello);
}

// ---------------------------------------------------------------------------
// Certificate.

Result<CertificateMsg> CertificateMsg::parse(ByteSpan body, CertificateType type) {
  ByteReader r(body);
  CertificateMsg m;
  m.type = type;
  switch (type) {
    case CertificateType::kRawPublicKey: {
      // RFC 7250 §3: opaque ASN.1_subjectPublicKeyInfo<1..2^24-1>.
      CACHET_ASSIGN_OR_RETURN(m.subject_public_key_info, read_opaque(r, 3, 1, kMaxCertificateListSize));
      break;
    }
    case CertificateType::kX509: {
      // RFC 5246 §7.4.2: ASN.1Cert certificate_list<0..2^24-1>;
      // opaque ASN.1Cert<1..2^24-1>.
      CACHET_ASSIGN_OR_RETURN(ByteReader list, r.prefixed24());
      while (!list.empty()) {
        if (m.certificate_list.size() == kMaxCertificateChainLength) {
          return Error(ErrorCode::kLengthTooLarge, "certificate chain too long");
        }
        CACHET_ASSIGN_OR_RETURN(Bytes cert, read_opaque(list, 3, 1, kMaxCertificateSize));
        m.certificate_list.push_back(std::move(cert));
      }
      break;
    }
    default: return Error(ErrorCode::kUnsupported, "certificate type");
  }
  CACHET_TRY(r.expect_empty());
  return m;
}

Result<void> CertificateMsg::serialize(ByteWriter& w) const {
  switch (type) {
    case CertificateType::kRawPublicKey:
      if (!certificate_list.empty()) return invalid("raw public key Certificate with an X.509 list");
      return write_opaque(w, 3, 1, kMaxCertificateListSize, subject_public_key_info);
    case CertificateType::kX509: {
      if (!subject_public_key_info.empty()) return invalid("X.509 Certificate with a raw public key");
      if (certificate_list.size() > kMaxCertificateChainLength) return invalid("certificate chain too long");
      auto list = w.begin_prefix(3);
      for (const Bytes& cert : certificate_list) CACHET_TRY(write_opaque(w, 3, 1, kMaxCertificateSize, cert));
      w.end_prefix(list);
      return ok();
    }
  }
  return invalid("certificate type");
}

// ---------------------------------------------------------------------------
// ServerKeyExchange.

Result<ServerKeyExchange> ServerKeyExchange::parse(ByteSpan body, KeyExchangeKind kind) {
  ByteReader r(body);
  ServerKeyExchange m;
  m.kind = kind;
  switch (kind) {
    case KeyExchangeKind::kEcdhe:
      // RFC 8422 §5.4: ServerECDHParams params; Signature signed_params.
      CACHET_TRY(read_ecdh_params(r, m));
      CACHET_TRY(read_digitally_signed(r, m.signature_scheme, m.signature));
      break;
    case KeyExchangeKind::kPsk: {
      // RFC 4279 §2: opaque psk_identity_hint<0..2^16-1>.
      CACHET_ASSIGN_OR_RETURN(m.psk_identity_hint, read_opaque(r, 2, 0, kMax16));
      break;
    }
    case KeyExchangeKind::kEcdhePsk: {
      // RFC 5489 §2: psk_identity_hint<0..2^16-1>; ServerECDHParams params
      // (unsigned: the PSK authenticates).
      CACHET_ASSIGN_OR_RETURN(m.psk_identity_hint, read_opaque(r, 2, 0, kMax16));
      CACHET_TRY(read_ecdh_params(r, m));
      break;
    }
    default: return Error(ErrorCode::kUnsupported, "key exchange kind");
  }
  CACHET_TRY(r.expect_empty());
  return m;
}

Result<void> ServerKeyExchange::write_ecdh_params(ByteWriter& w) const {
  w.u8(kNamedCurveType);
  w.u16(named_group);
  return write_ec_point(w, public_key);
}

Result<void> ServerKeyExchange::serialize(ByteWriter& w) const {
  const bool has_psk = kind == KeyExchangeKind::kPsk || kind == KeyExchangeKind::kEcdhePsk;
  const bool has_ecdh = kind == KeyExchangeKind::kEcdhe || kind == KeyExchangeKind::kEcdhePsk;
  if (!has_psk && !psk_identity_hint.empty()) return invalid("PSK identity hint without PSK");
  if (!has_ecdh && (named_group != 0 || !public_key.empty())) return invalid("ECDH params without ECDHE");
  if (kind != KeyExchangeKind::kEcdhe && (signature_scheme != 0 || !signature.empty())) {
    return invalid("signature in an unsigned ServerKeyExchange");
  }
  if (has_psk) CACHET_TRY(write_opaque(w, 2, 0, kMax16, psk_identity_hint));
  if (has_ecdh) CACHET_TRY(write_ecdh_params(w));
  if (kind == KeyExchangeKind::kEcdhe) CACHET_TRY(write_digitally_signed(w, signature_scheme, signature));
  return ok();
}

// ---------------------------------------------------------------------------
// CertificateRequest: RFC 5246 §7.4.4 { ClientCertificateType
// certificate_types<1..2^8-1>; SignatureAndHashAlgorithm
// supported_signature_algorithms<2..2^16-2> (§7.4.1.4.1; §7.4.4 prints the
// bound as <2^16-1>); DistinguishedName certificate_authorities<0..2^16-1>; }

Result<CertificateRequest> CertificateRequest::parse(ByteSpan body) {
  ByteReader r(body);
  CertificateRequest m;
  CACHET_ASSIGN_OR_RETURN(m.certificate_types, read_u8_list(r, 1, kMax8));
  CACHET_ASSIGN_OR_RETURN(m.signature_algorithms, read_u16_list(r, 2, 2, kMaxU16ListBytes));
  CACHET_ASSIGN_OR_RETURN(ByteReader cas, r.prefixed16());
  while (!cas.empty()) {
    // opaque DistinguishedName<1..2^16-1>.
    CACHET_ASSIGN_OR_RETURN(Bytes dn, read_opaque(cas, 2, 1, kMax16));
    m.certificate_authorities.push_back(std::move(dn));
  }
  CACHET_TRY(r.expect_empty());
  return m;
}

Result<void> CertificateRequest::serialize(ByteWriter& w) const {
  CACHET_TRY(wire::write_u8_list(w, 1, kMax8, certificate_types));
  CACHET_TRY(wire::write_u16_list(w, 2, 2, kMaxU16ListBytes, signature_algorithms));
  auto cas = w.begin_prefix(2);
  for (const Bytes& dn : certificate_authorities) CACHET_TRY(write_opaque(w, 2, 1, kMax16 - 2, dn));
  w.end_prefix(cas);
  return ok();
}

// ---------------------------------------------------------------------------
// ServerHelloDone: RFC 5246 §7.4.5 struct { } ServerHelloDone.

Result<ServerHelloDone> ServerHelloDone::parse(ByteSpan body) {
  CACHET_TRY(ByteReader(body).expect_empty());
  return ServerHelloDone{};
}

Result<void> ServerHelloDone::serialize(ByteWriter&) const { return ok(); }

// ---------------------------------------------------------------------------
// CertificateVerify: RFC 5246 §7.4.8 digitally-signed struct { ... }.

Result<CertificateVerify> CertificateVerify::parse(ByteSpan body) {
  ByteReader r(body);
  CertificateVerify m;
  CACHET_TRY(read_digitally_signed(r, m.signature_scheme, m.signature));
  CACHET_TRY(r.expect_empty());
  return m;
}

Result<void> CertificateVerify::serialize(ByteWriter& w) const {
  return write_digitally_signed(w, signature_scheme, signature);
}

// ---------------------------------------------------------------------------
// ClientKeyExchange.

Result<ClientKeyExchange> ClientKeyExchange::parse(ByteSpan body, KeyExchangeKind kind) {
  ByteReader r(body);
  ClientKeyExchange m;
  m.kind = kind;
  switch (kind) {
    case KeyExchangeKind::kEcdhe: {
      // RFC 8422 §5.7: ClientECDiffieHellmanPublic in its explicit form
      // ("The implicit encoding is deprecated").
      CACHET_ASSIGN_OR_RETURN(m.public_key, read_ec_point(r));
      break;
    }
    case KeyExchangeKind::kPsk: {
      // RFC 4279 §2: opaque psk_identity<0..2^16-1>.
      CACHET_ASSIGN_OR_RETURN(m.psk_identity, read_opaque(r, 2, 0, kMax16));
      break;
    }
    case KeyExchangeKind::kEcdhePsk: {
      // RFC 5489 §2: psk_identity<0..2^16-1>; ClientECDiffieHellmanPublic.
      CACHET_ASSIGN_OR_RETURN(m.psk_identity, read_opaque(r, 2, 0, kMax16));
      CACHET_ASSIGN_OR_RETURN(m.public_key, read_ec_point(r));
      break;
    }
    default: return Error(ErrorCode::kUnsupported, "key exchange kind");
  }
  CACHET_TRY(r.expect_empty());
  return m;
}

Result<void> ClientKeyExchange::serialize(ByteWriter& w) const {
  const bool has_psk = kind == KeyExchangeKind::kPsk || kind == KeyExchangeKind::kEcdhePsk;
  const bool has_ecdh = kind == KeyExchangeKind::kEcdhe || kind == KeyExchangeKind::kEcdhePsk;
  if (!has_psk && !psk_identity.empty()) return invalid("PSK identity without PSK");
  if (!has_ecdh && !public_key.empty()) return invalid("ECDH public key without ECDHE");
  if (has_psk) CACHET_TRY(write_opaque(w, 2, 0, kMax16, psk_identity));
  if (has_ecdh) CACHET_TRY(write_ec_point(w, public_key));
  return ok();
}

// ---------------------------------------------------------------------------
// Finished: RFC 5246 §7.4.9 opaque verify_data[verify_data_length].

Result<Finished> Finished::parse(ByteSpan body) {
  ByteReader r(body);
  Finished m;
  CACHET_TRY(r.copy_to(m.verify_data));
  CACHET_TRY(r.expect_empty());
  return m;
}

Result<void> Finished::serialize(ByteWriter& w) const {
  w.bytes(verify_data);
  return ok();
}

// ---------------------------------------------------------------------------
// NewSessionTicket: RFC 5077 §3.3 { uint32 ticket_lifetime_hint; opaque
// ticket<0..2^16-1>; }. A zero-length ticket is legal ("it sends a
// zero-length ticket in the NewSessionTicket handshake message").

Result<NewSessionTicket> NewSessionTicket::parse(ByteSpan body) {
  ByteReader r(body);
  NewSessionTicket m;
  CACHET_ASSIGN_OR_RETURN(m.ticket_lifetime_hint, r.u32());
  CACHET_ASSIGN_OR_RETURN(m.ticket, read_opaque(r, 2, 0, kMax16));
  CACHET_TRY(r.expect_empty());
  return m;
}

Result<void> NewSessionTicket::serialize(ByteWriter& w) const {
  w.u32(ticket_lifetime_hint);
  return write_opaque(w, 2, 0, kMax16, ticket);
}

}  // namespace cachet::handshake
