#include "handshake/extensions.hpp"

#include <algorithm>
#include <array>
#include <span>

namespace cachet::handshake {

namespace wire {

Result<Bytes> read_opaque(ByteReader& r, size_t width, size_t min, size_t max) {
  if (width < 1 || width > 3) return Error(ErrorCode::kInternal, "bad prefix width");
  CACHET_ASSIGN_OR_RETURN(ByteSpan data, width == 1   ? r.prefixed_bytes8()
                                         : width == 2 ? r.prefixed_bytes16()
                                                      : r.prefixed_bytes24());
  if (data.size() < min || data.size() > max) {
    return Error(ErrorCode::kDecodeError, "vector length outside its bounds");
  }
  return Bytes(data.begin(), data.end());
}

Result<std::vector<uint16_t>> read_u16_list(ByteReader& r, size_t width, size_t min_bytes, size_t max_bytes) {
  CACHET_ASSIGN_OR_RETURN(Bytes raw, read_opaque(r, width, min_bytes, max_bytes));
  if (raw.size() % 2 != 0) return Error(ErrorCode::kDecodeError, "odd length of a uint16 list");
  std::vector<uint16_t> out;
  out.reserve(raw.size() / 2);
  for (size_t i = 0; i < raw.size(); i += 2) out.push_back(static_cast<uint16_t>(raw[i] << 8 | raw[i + 1]));
  return out;
}

Result<std::vector<uint8_t>> read_u8_list(ByteReader& r, size_t min, size_t max) {
  return read_opaque(r, 1, min, max);
}

Result<void> write_opaque(ByteWriter& w, size_t width, size_t min, size_t max, ByteSpan data) {
  if (data.size() < min || data.size() > max || data.size() > max_for_width(width)) {
    return Error(ErrorCode::kInvalidArgument, "vector length outside its bounds");
  }
  w.prefixed_bytes(width, data);
  return ok();
}

Result<void> write_u16_list(ByteWriter& w, size_t width, size_t min_bytes, size_t max_bytes,
                            const std::vector<uint16_t>& list) {
  const size_t n = list.size() * 2;
  if (n < min_bytes || n > max_bytes || n > max_for_width(width)) {
    return Error(ErrorCode::kInvalidArgument, "uint16 list length outside its bounds");
  }
  auto p = w.begin_prefix(width);
  for (uint16_t v : list) w.u16(v);
  w.end_prefix(p);
  return ok();
}

Result<void> write_u8_list(ByteWriter& w, size_t min, size_t max, const std::vector<uint8_t>& list) {
  return write_opaque(w, 1, min, max, list);
}

}  // namespace wire

namespace {

using wire::read_opaque;
using wire::read_u16_list;
using wire::read_u8_list;

constexpr size_t kMax8 = 0xff;
constexpr size_t kMax16 = 0xffff;
// RFC 5246 §7.4.1.4.1 and RFC 8422 §5.1.1: uint16 lists <2..2^16-2>/<2..2^16-1>.
constexpr size_t kMaxU16ListBytes = 0xfffe;

Error decode_error(const char* what) { return Error(ErrorCode::kDecodeError, what); }
Error invalid(const char* what) { return Error(ErrorCode::kInvalidArgument, what); }

bool is_server(HelloKind kind) { return kind == HelloKind::kServerHello; }

// ---------------------------------------------------------------------------
// Parsers: each gets a reader over exactly the extension_data and must
// consume all of it (checked by the caller).

// RFC 6066 §3: ServerNameList server_name_list<1..2^16-1>; each ServerName is
// a name_type and, for host_name, HostName<1..2^16-1>. New name types also
// begin with a 16-bit length, so unknown ones are skipped. At most one name
// per type. The ServerHello form is empty.
Result<void> parse_server_name(ByteReader& r, HelloKind kind, HelloExtensions& out) {
  if (is_server(kind)) {
    out.server_name = std::string();
    return ok();
  }
  CACHET_ASSIGN_OR_RETURN(ByteReader list, r.prefixed16());
  if (list.empty()) return decode_error("empty server_name list");
  std::vector<uint8_t> seen;
  while (!list.empty()) {
    CACHET_ASSIGN_OR_RETURN(uint8_t type, list.u8());
    CACHET_ASSIGN_OR_RETURN(Bytes name, read_opaque(list, 2, 1, kMax16));
    if (std::find(seen.begin(), seen.end(), type) != seen.end()) {
      return decode_error("two server names of one type");
    }
    seen.push_back(type);
    if (type != 0) continue;  // host_name(0)
    // A NUL would let "a\0.evil" pass as "a" to C callers.
    if (std::find(name.begin(), name.end(), uint8_t{0}) != name.end()) {
      return Error(ErrorCode::kOutOfRange, "NUL in host_name");
    }
    out.server_name = std::string(name.begin(), name.end());
  }
  return ok();
}

// RFC 8422 §5.1.1: NamedGroup named_group_list<2..2^16-1> (ClientHello only).
Result<void> parse_supported_groups(ByteReader& r, HelloKind, HelloExtensions& out) {
  CACHET_ASSIGN_OR_RETURN(out.supported_groups, read_u16_list(r, 2, 2, kMaxU16ListBytes));
  return ok();
}

// RFC 8422 §5.1.2: ECPointFormat ec_point_format_list<1..2^8-1> (both hellos).
Result<void> parse_ec_point_formats(ByteReader& r, HelloKind, HelloExtensions& out) {
  CACHET_ASSIGN_OR_RETURN(out.ec_point_formats, read_u8_list(r, 1, kMax8));
  return ok();
}

// RFC 5246 §7.4.1.4.1: supported_signature_algorithms<2..2^16-2>.
Result<void> parse_signature_algorithms(ByteReader& r, HelloKind, HelloExtensions& out) {
  CACHET_ASSIGN_OR_RETURN(out.signature_algorithms, read_u16_list(r, 2, 2, kMaxU16ListBytes));
  return ok();
}

// RFC 5764 §4.1.1: SRTPProtectionProfiles<2..2^16-1> and srtp_mki<0..255>;
// the server's answer carries a single profile.
Result<void> parse_use_srtp(ByteReader& r, HelloKind kind, HelloExtensions& out) {
  UseSrtp srtp;
  CACHET_ASSIGN_OR_RETURN(srtp.profiles, read_u16_list(r, 2, 2, kMaxU16ListBytes));
  CACHET_ASSIGN_OR_RETURN(srtp.mki, read_opaque(r, 1, 0, kMaxSrtpMkiSize));
  if (is_server(kind) && srtp.profiles.size() != 1) return decode_error("use_srtp: server must pick one profile");
  out.use_srtp = std::move(srtp);
  return ok();
}

// RFC 7301 §3.1: ProtocolName protocol_name_list<2..2^16-1>, each
// ProtocolName<1..2^8-1>; the ServerHello list has exactly one name.
Result<void> parse_alpn(ByteReader& r, HelloKind kind, HelloExtensions& out) {
  CACHET_ASSIGN_OR_RETURN(ByteReader list, r.prefixed16());
  if (list.remaining() < 2) return decode_error("ALPN list too short");
  std::vector<std::string> names;
  while (!list.empty()) {
    CACHET_ASSIGN_OR_RETURN(Bytes name, read_opaque(list, 1, 1, kMax8));
    names.emplace_back(name.begin(), name.end());
  }
  if (is_server(kind) && names.size() != 1) return decode_error("ALPN: server must select one name");
  out.alpn = std::move(names);
  return ok();
}

// RFC 7250 §3: ClientHello: CertificateType list<1..2^8-1>; ServerHello: one
// CertificateType byte.
Result<void> parse_certificate_types(ByteReader& r, HelloKind kind, std::optional<std::vector<uint8_t>>& out) {
  if (is_server(kind)) {
    CACHET_ASSIGN_OR_RETURN(uint8_t type, r.u8());
    out = std::vector<uint8_t>{type};
    return ok();
  }
  CACHET_ASSIGN_OR_RETURN(out, read_u8_list(r, 1, kMax8));
  return ok();
}

// RFC 7627 §5.1: "The "extension_data" field of this extension is empty."
Result<void> parse_extended_master_secret(ByteReader&, HelloKind, HelloExtensions& out) {
  out.extended_master_secret = true;
  return ok();
}

// RFC 8449 §4: uint16 RecordSizeLimit; "An endpoint MUST treat receipt of a
// smaller value [than 64] as a fatal error and generate an illegal_parameter".
Result<void> parse_record_size_limit(ByteReader& r, HelloKind, HelloExtensions& out) {
  CACHET_ASSIGN_OR_RETURN(uint16_t limit, r.u16());
  if (limit < kMinRecordSizeLimit) return Error(ErrorCode::kOutOfRange, "record_size_limit below 64");
  out.record_size_limit = limit;
  return ok();
}

// RFC 5077 §3.2: the ClientHello extension data is the ticket itself (no
// length prefix, possibly empty); the ServerHello extension is empty.
Result<void> parse_session_ticket(ByteReader& r, HelloKind, HelloExtensions& out) {
  ByteSpan ticket = r.rest();
  out.session_ticket = Bytes(ticket.begin(), ticket.end());
  return ok();
}

// RFC 9146 §3: opaque cid<0..2^8-1> (both hellos).
Result<void> parse_connection_id(ByteReader& r, HelloKind, HelloExtensions& out) {
  CACHET_ASSIGN_OR_RETURN(out.connection_id, read_opaque(r, 1, 0, kMaxConnectionIdSize));
  return ok();
}

// RFC 5746 §3.2: opaque renegotiated_connection<0..255> (both hellos).
Result<void> parse_renegotiation_info(ByteReader& r, HelloKind, HelloExtensions& out) {
  CACHET_ASSIGN_OR_RETURN(out.renegotiation_info, read_opaque(r, 1, 0, kMaxRenegotiationInfoSize));
  return ok();
}

// Dispatches one extension. Unknown types, and known ones with no form in
// this hello, are skipped.
Result<void> parse_one(uint16_t type, ByteSpan data, HelloKind kind, HelloExtensions& out) {
  ByteReader r(data);
  const bool server = is_server(kind);
  switch (static_cast<ExtensionType>(type)) {
    case ExtensionType::kServerName:
      // RFC 6066 §3: the server's "extension_data" field SHALL be empty.
      if (server && !r.empty()) return decode_error("server_name in ServerHello is not empty");
      CACHET_TRY(parse_server_name(r, kind, out));
      break;
    case ExtensionType::kSupportedGroups:
      if (server) return ok();
      CACHET_TRY(parse_supported_groups(r, kind, out));
      break;
    case ExtensionType::kEcPointFormats: CACHET_TRY(parse_ec_point_formats(r, kind, out)); break;
    case ExtensionType::kSignatureAlgorithms:
      // RFC 5246 §7.4.1.4.1: "Servers MUST NOT send this extension."
      if (server) return ok();
      CACHET_TRY(parse_signature_algorithms(r, kind, out));
      break;
    case ExtensionType::kUseSrtp: CACHET_TRY(parse_use_srtp(r, kind, out)); break;
    case ExtensionType::kAlpn: CACHET_TRY(parse_alpn(r, kind, out)); break;
    case ExtensionType::kClientCertificateType:
      CACHET_TRY(parse_certificate_types(r, kind, out.client_certificate_types));
      break;
    case ExtensionType::kServerCertificateType:
      CACHET_TRY(parse_certificate_types(r, kind, out.server_certificate_types));
      break;
    case ExtensionType::kExtendedMasterSecret: CACHET_TRY(parse_extended_master_secret(r, kind, out)); break;
    case ExtensionType::kRecordSizeLimit: CACHET_TRY(parse_record_size_limit(r, kind, out)); break;
    case ExtensionType::kSessionTicket:
      if (server && !r.empty()) return decode_error("session_ticket in ServerHello is not empty");
      CACHET_TRY(parse_session_ticket(r, kind, out));
      break;
    case ExtensionType::kConnectionId: CACHET_TRY(parse_connection_id(r, kind, out)); break;
    case ExtensionType::kRenegotiationInfo: CACHET_TRY(parse_renegotiation_info(r, kind, out)); break;
    default: return ok();  // unknown: skipped, its type is recorded
  }
  if (!r.empty()) return Error(ErrorCode::kTrailingBytes, "trailing bytes in an extension");
  return ok();
}

struct RawExtension {
  uint16_t type;
  ByteSpan data;
};

// ---------------------------------------------------------------------------
// Writers: the extension body only (type and length are written around it).

Result<void> write_server_name(ByteWriter& w, const HelloExtensions& e, HelloKind kind) {
  if (is_server(kind)) {
    if (!e.server_name->empty()) return invalid("server_name in ServerHello must be empty");
    return ok();
  }
  const std::string& name = *e.server_name;
  if (name.find('\0') != std::string::npos) return invalid("NUL in host_name");
  auto list = w.begin_prefix(2);
  w.u8(0);  // host_name
  CACHET_TRY(wire::write_opaque(w, 2, 1, kMax16 - 3, as_bytes(name)));
  w.end_prefix(list);
  return ok();
}

Result<void> write_alpn(ByteWriter& w, const std::vector<std::string>& names, HelloKind kind) {
  if (names.empty()) return invalid("empty ALPN list");
  if (is_server(kind) && names.size() != 1) return invalid("ServerHello ALPN carries one name");
  auto list = w.begin_prefix(2);
  for (const std::string& name : names) CACHET_TRY(wire::write_opaque(w, 1, 1, kMax8, as_bytes(name)));
  w.end_prefix(list);
  return ok();
}

Result<void> write_use_srtp(ByteWriter& w, const UseSrtp& srtp, HelloKind kind) {
  if (is_server(kind) && srtp.profiles.size() != 1) return invalid("ServerHello use_srtp carries one profile");
  CACHET_TRY(wire::write_u16_list(w, 2, 2, kMaxU16ListBytes, srtp.profiles));
  return wire::write_opaque(w, 1, 0, kMaxSrtpMkiSize, srtp.mki);
}

Result<void> write_certificate_types(ByteWriter& w, const std::vector<uint8_t>& types, HelloKind kind) {
  if (is_server(kind)) {
    if (types.size() != 1) return invalid("ServerHello certificate type carries one entry");
    w.u8(types[0]);
    return ok();
  }
  return wire::write_u8_list(w, 1, kMax8, types);
}

Result<void> write_body(ByteWriter& w, ExtensionType type, const HelloExtensions& e, HelloKind kind) {
  switch (type) {
    case ExtensionType::kServerName: return write_server_name(w, e, kind);
    case ExtensionType::kSupportedGroups:
      return wire::write_u16_list(w, 2, 2, kMaxU16ListBytes, *e.supported_groups);
    case ExtensionType::kEcPointFormats: return wire::write_u8_list(w, 1, kMax8, *e.ec_point_formats);
    case ExtensionType::kSignatureAlgorithms:
      return wire::write_u16_list(w, 2, 2, kMaxU16ListBytes, *e.signature_algorithms);
    case ExtensionType::kUseSrtp: return write_use_srtp(w, *e.use_srtp, kind);
    case ExtensionType::kAlpn: return write_alpn(w, *e.alpn, kind);
    case ExtensionType::kClientCertificateType:
      return write_certificate_types(w, *e.client_certificate_types, kind);
    case ExtensionType::kServerCertificateType:
      return write_certificate_types(w, *e.server_certificate_types, kind);
    case ExtensionType::kExtendedMasterSecret: return ok();
    case ExtensionType::kRecordSizeLimit:
      if (*e.record_size_limit < kMinRecordSizeLimit) return invalid("record_size_limit below 64");
      w.u16(*e.record_size_limit);
      return ok();
    case ExtensionType::kSessionTicket:
      if (is_server(kind) && !e.session_ticket->empty()) return invalid("ServerHello session_ticket is empty");
      w.bytes(*e.session_ticket);
      return ok();
    case ExtensionType::kConnectionId: return wire::write_opaque(w, 1, 0, kMaxConnectionIdSize, *e.connection_id);
    case ExtensionType::kRenegotiationInfo:
      return wire::write_opaque(w, 1, 0, kMaxRenegotiationInfoSize, *e.renegotiation_info);
    default: return Error(ErrorCode::kInternal, "no writer for extension");
  }
}

// Known extensions in write order (ascending code point).
constexpr ExtensionType kWriteOrder[] = {
    ExtensionType::kServerName,           ExtensionType::kSupportedGroups,
    ExtensionType::kEcPointFormats,       ExtensionType::kSignatureAlgorithms,
    ExtensionType::kUseSrtp,              ExtensionType::kAlpn,
    ExtensionType::kClientCertificateType, ExtensionType::kServerCertificateType,
    ExtensionType::kExtendedMasterSecret, ExtensionType::kRecordSizeLimit,
    ExtensionType::kSessionTicket,        ExtensionType::kConnectionId,
    ExtensionType::kRenegotiationInfo,
};

bool is_present(const HelloExtensions& e, ExtensionType type) {
  switch (type) {
    case ExtensionType::kServerName: return e.server_name.has_value();
    case ExtensionType::kSupportedGroups: return e.supported_groups.has_value();
    case ExtensionType::kEcPointFormats: return e.ec_point_formats.has_value();
    case ExtensionType::kSignatureAlgorithms: return e.signature_algorithms.has_value();
    case ExtensionType::kUseSrtp: return e.use_srtp.has_value();
    case ExtensionType::kAlpn: return e.alpn.has_value();
    case ExtensionType::kClientCertificateType: return e.client_certificate_types.has_value();
    case ExtensionType::kServerCertificateType: return e.server_certificate_types.has_value();
    case ExtensionType::kExtendedMasterSecret: return e.extended_master_secret;
    case ExtensionType::kRecordSizeLimit: return e.record_size_limit.has_value();
    case ExtensionType::kSessionTicket: return e.session_ticket.has_value();
    case ExtensionType::kConnectionId: return e.connection_id.has_value();
    case ExtensionType::kRenegotiationInfo: return e.renegotiation_info.has_value();
    default: return false;
  }
}

bool client_hello_only(ExtensionType type) {
  return type == ExtensionType::kSupportedGroups || type == ExtensionType::kSignatureAlgorithms;
}

}  // namespace

bool HelloExtensions::received(ExtensionType type) const noexcept {
  return std::find(received_types.begin(), received_types.end(), static_cast<uint16_t>(type)) !=
         received_types.end();
}

// RFC 5246 §7.4.1.2/§7.4.1.4: Extension extensions<0..2^16-1>, each
// { ExtensionType extension_type; opaque extension_data<0..2^16-1>; }.
Result<HelloExtensions> parse_extensions(ByteReader& r, HelloKind kind) {
  HelloExtensions out;
  if (r.empty()) return out;
  CACHET_ASSIGN_OR_RETURN(ByteReader block, r.prefixed16());
  CACHET_TRY(r.expect_empty());
  // A first pass counts them, so that each list is allocated once.
  size_t count = 0;
  for (ByteReader scan = block; !scan.empty(); ++count) {
    if (auto t = scan.u16(); !t) return t.error();
    if (auto d = scan.prefixed_bytes16(); !d) return d.error();
  }
  std::vector<RawExtension> raw;
  raw.reserve(count);
  out.received_types.reserve(count);
  while (!block.empty()) {
    CACHET_ASSIGN_OR_RETURN(uint16_t type, block.u16());
    CACHET_ASSIGN_OR_RETURN(ByteSpan data, block.prefixed_bytes16());
    raw.push_back({type, data});
    out.received_types.push_back(type);
  }
  // RFC 5246 §7.4.1.4: "There MUST NOT be more than one extension of the
  // same type." Sorted copy (on the stack for a usual hello): linear-time
  // scans would be quadratic here.
  std::array<uint16_t, 32> small;
  std::vector<uint16_t> large;
  std::span<uint16_t> sorted;
  if (count <= small.size()) {
    std::copy(out.received_types.begin(), out.received_types.end(), small.begin());
    sorted = std::span<uint16_t>(small.data(), count);
  } else {
    large = out.received_types;
    sorted = large;
  }
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return decode_error("duplicate extension");
  }
  for (const RawExtension& ext : raw) CACHET_TRY(parse_one(ext.type, ext.data, kind, out));
  return out;
}

std::vector<uint16_t> present_types(const HelloExtensions& ext, HelloKind) {
  std::vector<uint16_t> out;
  out.reserve(std::size(kWriteOrder));
  for (ExtensionType type : kWriteOrder) {
    if (is_present(ext, type)) out.push_back(static_cast<uint16_t>(type));
  }
  return out;
}

Result<void> write_extensions(ByteWriter& w, const HelloExtensions& ext, HelloKind kind) {
  const std::vector<uint16_t> types = present_types(ext, kind);
  if (types.empty()) return ok();
  auto block = w.begin_prefix(2);
  for (uint16_t code : types) {
    const auto type = static_cast<ExtensionType>(code);
    if (is_server(kind) && client_hello_only(type)) return invalid("extension not allowed in ServerHello");
    w.u16(code);
    auto body = w.begin_prefix(2);
    CACHET_TRY(write_body(w, type, ext, kind));
    w.end_prefix(body);
  }
  w.end_prefix(block);
  return ok();
}

}  // namespace cachet::handshake
