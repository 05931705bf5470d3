// SessionState's versioned binary form. Format version 1, all integers big
// endian, fields in this fixed order (so the encoding is deterministic):
//
//   u8   format version (1)
//   u16  protocol version
//   u16  cipher suite
//   u8   flags: bit 0 extended_master_secret, bit 1 client_authenticated
//   u8   peer certificate type (0 X.509, 2 raw public key)
//   opaque master_secret<0..2^8-1>          exactly 48 bytes
//   opaque certificate_list<0..2^24-1>      of opaque certificate<0..2^16-1>
//   opaque psk_identity<0..2^16-1>
//   opaque server_name<0..2^16-1>
//   u64  created_unix (two's complement)
//   u32  lifetime_seconds
//   opaque session_id<0..2^8-1>
//   opaque ticket<0..2^24-1>
//
// Prefixes are wider than the bounds where that lets parse() see, and reject,
// an out-of-bound field instead of the format making it unrepresentable.
#include "session/session_state.hpp"

#include "base/byte_reader.hpp"
#include "base/byte_writer.hpp"

namespace cachet::session {

namespace {

constexpr uint8_t kFormatVersion = 1;
constexpr uint8_t kFlagExtendedMasterSecret = 0x01;
constexpr uint8_t kFlagClientAuthenticated = 0x02;
constexpr uint8_t kKnownFlags = kFlagExtendedMasterSecret | kFlagClientAuthenticated;

Error decode_error(const char* what) { return Error(ErrorCode::kDecodeError, what); }
Error too_large(const char* what) { return Error(ErrorCode::kLengthTooLarge, what); }

bool valid_certificate_type(uint8_t type) {
  return type == kCertificateTypeX509 || type == kCertificateTypeRawPublicKey;
}

// The bounds parse() enforces, for serialize() to refuse what parse() would.
Result<void> validate(const SessionState& s) {
  if (s.master_secret.size() != kMasterSecretSize) return decode_error("master secret is not 48 bytes");
  if (!valid_certificate_type(s.peer_certificate_type)) return decode_error("unknown peer certificate type");
  if (s.peer_certificates.size() > kMaxPeerCertificates) return too_large("too many peer certificates");
  for (const Bytes& cert : s.peer_certificates) {
    if (cert.size() > kMaxPeerCertificateSize) return too_large("peer certificate too large");
  }
  if (s.psk_identity.size() > kMaxNameSize) return too_large("PSK identity too long");
  if (s.server_name.size() > kMaxNameSize) return too_large("server name too long");
  if (s.session_id.size() > kMaxSessionIdSize) return too_large("session ID too long");
  if (s.ticket.size() > kMaxTicketSize) return too_large("ticket too large");
  return ok();
}

size_t encoded_size(const SessionState& s) {
  size_t n = 1 + 2 + 2 + 1 + 1;
  n += 1 + s.master_secret.size();
  n += 3;
  for (const Bytes& cert : s.peer_certificates) n += 2 + cert.size();
  n += 2 + s.psk_identity.size();
  n += 2 + s.server_name.size();
  n += 8 + 4;
  n += 1 + s.session_id.size();
  n += 3 + s.ticket.size();
  return n;
}

Bytes to_bytes(ByteSpan span) { return Bytes(span.begin(), span.end()); }

Result<void> parse_certificates(ByteReader& r, std::vector<Bytes>& out) {
  CACHET_ASSIGN_OR_RETURN(ByteReader list, r.prefixed24());
  while (!list.empty()) {
    if (out.size() == kMaxPeerCertificates) return too_large("too many peer certificates");
    CACHET_ASSIGN_OR_RETURN(ByteSpan cert, list.prefixed_bytes16());
    if (cert.size() > kMaxPeerCertificateSize) return too_large("peer certificate too large");
    out.push_back(to_bytes(cert));
  }
  return ok();
}

Result<void> parse_fields(ByteReader& r, SessionState& s) {
  CACHET_ASSIGN_OR_RETURN(const uint8_t format, r.u8());
  if (format != kFormatVersion) return Error(ErrorCode::kUnsupported, "unknown session format version");
  CACHET_ASSIGN_OR_RETURN(s.version, r.u16());
  CACHET_ASSIGN_OR_RETURN(s.cipher_suite, r.u16());
  CACHET_ASSIGN_OR_RETURN(const uint8_t flags, r.u8());
  if ((flags & ~kKnownFlags) != 0) return decode_error("unknown session flags");
  s.extended_master_secret = (flags & kFlagExtendedMasterSecret) != 0;
  s.client_authenticated = (flags & kFlagClientAuthenticated) != 0;
  CACHET_ASSIGN_OR_RETURN(s.peer_certificate_type, r.u8());
  if (!valid_certificate_type(s.peer_certificate_type)) return decode_error("unknown peer certificate type");

  CACHET_ASSIGN_OR_RETURN(ByteSpan master, r.prefixed_bytes8());
  if (master.size() != kMasterSecretSize) return decode_error("master secret is not 48 bytes");
  s.master_secret = SecretBytes(master);

  std::vector<Bytes> certificates;
  CACHET_TRY(parse_certificates(r, certificates));
  s.peer_certificates = std::move(certificates);
  CACHET_ASSIGN_OR_RETURN(ByteSpan psk_identity, r.prefixed_bytes16());
  if (psk_identity.size() > kMaxNameSize) return too_large("PSK identity too long");
  s.psk_identity = to_bytes(psk_identity);
  CACHET_ASSIGN_OR_RETURN(ByteSpan server_name, r.prefixed_bytes16());
  if (server_name.size() > kMaxNameSize) return too_large("server name too long");
  s.server_name.assign(server_name.begin(), server_name.end());

  CACHET_ASSIGN_OR_RETURN(const uint64_t created, r.u64());
  s.created_unix = static_cast<int64_t>(created);
  CACHET_ASSIGN_OR_RETURN(s.lifetime_seconds, r.u32());

  CACHET_ASSIGN_OR_RETURN(ByteSpan session_id, r.prefixed_bytes8());
  if (session_id.size() > kMaxSessionIdSize) return too_large("session ID too long");
  s.session_id = to_bytes(session_id);
  CACHET_ASSIGN_OR_RETURN(ByteSpan ticket, r.prefixed_bytes24());
  if (ticket.size() > kMaxTicketSize) return too_large("ticket too large");
  s.ticket = to_bytes(ticket);
  return r.expect_empty();
}

}  // namespace

SessionState SessionState::copy() const {
  SessionState out;
  out.version = version;
  out.cipher_suite = cipher_suite;
  out.master_secret = master_secret.copy();
  out.extended_master_secret = extended_master_secret;
  out.peer_certificate_type = peer_certificate_type;
  out.peer_certificates = peer_certificates;
  out.psk_identity = psk_identity;
  out.client_authenticated = client_authenticated;
  out.server_name = server_name;
  out.created_unix = created_unix;
  out.lifetime_seconds = lifetime_seconds;
  out.session_id = session_id;
  out.ticket = ticket;
  return out;
}

Bytes SessionState::serialize() const {
  if (!validate(*this).ok()) return {};
  // Written into a buffer of the exact final size: a growing buffer would
  // leave copies of the master secret behind in the blocks it frees.
  Bytes out(encoded_size(*this));
  ByteWriter w{MutableByteSpan(out)};
  w.u8(kFormatVersion);
  w.u16(version);
  w.u16(cipher_suite);
  uint8_t flags = 0;
  if (extended_master_secret) flags |= kFlagExtendedMasterSecret;
  if (client_authenticated) flags |= kFlagClientAuthenticated;
  w.u8(flags);
  w.u8(peer_certificate_type);
  w.prefixed_bytes(1, master_secret.span());
  const ByteWriter::Prefix list = w.begin_prefix(3);
  for (const Bytes& cert : peer_certificates) w.prefixed_bytes(2, cert);
  w.end_prefix(list);
  w.prefixed_bytes(2, psk_identity);
  w.prefixed_bytes(2, as_bytes(server_name));
  w.u64(static_cast<uint64_t>(created_unix));
  w.u32(lifetime_seconds);
  w.prefixed_bytes(1, session_id);
  w.prefixed_bytes(3, ticket);
  if (!w.status().ok() || w.size() != out.size()) {
    secure_wipe(MutableByteSpan(out));
    return {};
  }
  return out;
}

Result<SessionState> SessionState::parse(ByteSpan bytes) {
  // A failure part-way leaves `state` half filled; it is dropped (and its
  // master secret wiped) without ever being returned.
  SessionState state;
  ByteReader r(bytes);
  CACHET_TRY(parse_fields(r, state));
  CACHET_TRY(validate(state));
  return state;
}

}  // namespace cachet::session
