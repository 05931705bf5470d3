#include "pki/x509_fields.hpp"

namespace cachet::pki {

namespace {

constexpr uint8_t kVersionTag = 0xa0;     // [0] EXPLICIT
constexpr uint8_t kIssuerUidTag = 0x81;   // [1] IMPLICIT
constexpr uint8_t kSubjectUidTag = 0x82;  // [2] IMPLICIT
constexpr uint8_t kExtensionsTag = 0xa3;  // [3] EXPLICIT
constexpr size_t kMaxExtensions = 64;

Result<AlgorithmIdentifier> read_algorithm(ByteReader& reader) {
  CACHET_ASSIGN_OR_RETURN(der::Element seq, der::read(reader, der::kSequence));
  ByteReader fields(seq.content);
  CACHET_ASSIGN_OR_RETURN(der::Element oid, der::read(fields, der::kOid));
  AlgorithmIdentifier out;
  CACHET_ASSIGN_OR_RETURN(out.oid, der::oid_to_string(oid.content));
  if (!fields.empty()) {
    CACHET_ASSIGN_OR_RETURN(der::Element params, der::read(fields));
    out.parameters = params.encoded;
  }
  CACHET_TRY(fields.expect_empty());
  out.encoded = seq.encoded;
  return out;
}

Result<ByteSpan> read_bit_string(ByteReader& reader) {
  CACHET_ASSIGN_OR_RETURN(der::Element bits, der::read(reader, der::kBitString));
  if (bits.content.empty()) return Error(ErrorCode::kDecodeError, "pki: empty BIT STRING");
  return bits.content.subspan(1);
}

Result<der::Element> read_time(ByteReader& reader) {
  CACHET_ASSIGN_OR_RETURN(der::Element t, der::read(reader));
  if (t.tag != der::kUtcTime && t.tag != der::kGeneralizedTime) {
    return Error(ErrorCode::kDecodeError, "pki: validity is not a Time");
  }
  return t;
}

Result<void> read_extensions(ByteSpan content, std::vector<ExtensionField>& out) {
  ByteReader outer(content);
  CACHET_ASSIGN_OR_RETURN(der::Element list, der::read(outer, der::kSequence));
  CACHET_TRY(outer.expect_empty());
  ByteReader items(list.content);
  while (!items.empty()) {
    if (out.size() >= kMaxExtensions) return Error(ErrorCode::kLengthTooLarge, "pki: too many extensions");
    CACHET_ASSIGN_OR_RETURN(der::Element ext, der::read(items, der::kSequence));
    ByteReader fields(ext.content);
    CACHET_ASSIGN_OR_RETURN(der::Element oid, der::read(fields, der::kOid));
    ExtensionField field;
    CACHET_ASSIGN_OR_RETURN(field.oid, der::oid_to_string(oid.content));
    der::Element critical;
    CACHET_ASSIGN_OR_RETURN(bool has_critical, der::read_optional(fields, der::kBoolean, critical));
    if (has_critical) field.critical = critical.content.size() == 1 && critical.content[0] != 0;
    CACHET_ASSIGN_OR_RETURN(der::Element value, der::read(fields, der::kOctetString));
    CACHET_TRY(fields.expect_empty());
    field.value = value.content;
    out.push_back(std::move(field));
  }
  return ok();
}

}  // namespace

Result<CertificateFields> parse_certificate_fields(ByteSpan der_bytes) {
  CertificateFields f;
  ByteReader top(der_bytes);
  CACHET_ASSIGN_OR_RETURN(der::Element certificate, der::read(top, der::kSequence));
  CACHET_TRY(top.expect_empty());
  ByteReader parts(certificate.content);
  CACHET_ASSIGN_OR_RETURN(der::Element tbs, der::read(parts, der::kSequence));
  f.tbs = tbs.encoded;
  CACHET_ASSIGN_OR_RETURN(f.signature_algorithm, read_algorithm(parts));
  CACHET_ASSIGN_OR_RETURN(f.signature, read_bit_string(parts));
  CACHET_TRY(parts.expect_empty());

  ByteReader r(tbs.content);
  der::Element version;
  CACHET_ASSIGN_OR_RETURN(bool has_version, der::read_optional(r, kVersionTag, version));
  if (has_version) {
    ByteReader v(version.content);
    CACHET_ASSIGN_OR_RETURN(der::Element number, der::read(v, der::kInteger));
    if (number.content.size() != 1 || number.content[0] > 2) {
      return Error(ErrorCode::kDecodeError, "pki: unsupported certificate version");
    }
    f.version = number.content[0];
  }
  CACHET_ASSIGN_OR_RETURN(der::Element serial, der::read(r, der::kInteger));
  if (serial.content.empty()) return Error(ErrorCode::kDecodeError, "pki: empty serial number");
  f.serial = serial.content;
  CACHET_ASSIGN_OR_RETURN(f.tbs_signature, read_algorithm(r));
  CACHET_ASSIGN_OR_RETURN(der::Element issuer, der::read(r, der::kSequence));
  f.issuer = issuer.encoded;
  CACHET_ASSIGN_OR_RETURN(der::Element validity, der::read(r, der::kSequence));
  ByteReader times(validity.content);
  CACHET_ASSIGN_OR_RETURN(f.not_before, read_time(times));
  CACHET_ASSIGN_OR_RETURN(f.not_after, read_time(times));
  CACHET_TRY(times.expect_empty());
  CACHET_ASSIGN_OR_RETURN(der::Element subject, der::read(r, der::kSequence));
  f.subject = subject.encoded;
  CACHET_ASSIGN_OR_RETURN(der::Element spki, der::read(r, der::kSequence));
  f.spki = spki.encoded;
  der::Element skipped, extensions;
  CACHET_ASSIGN_OR_RETURN(bool has_issuer_uid, der::read_optional(r, kIssuerUidTag, skipped));
  CACHET_ASSIGN_OR_RETURN(bool has_subject_uid, der::read_optional(r, kSubjectUidTag, skipped));
  (void)has_issuer_uid;
  (void)has_subject_uid;
  CACHET_ASSIGN_OR_RETURN(bool has_extensions, der::read_optional(r, kExtensionsTag, extensions));
  if (has_extensions) CACHET_TRY(read_extensions(extensions.content, f.extensions));
  CACHET_TRY(r.expect_empty());
  return f;
}

Result<SpkiFields> parse_spki(ByteSpan spki) {
  ByteReader top(spki);
  CACHET_ASSIGN_OR_RETURN(der::Element seq, der::read(top, der::kSequence));
  CACHET_TRY(top.expect_empty());
  ByteReader fields(seq.content);
  SpkiFields out;
  CACHET_ASSIGN_OR_RETURN(out.algorithm, read_algorithm(fields));
  CACHET_ASSIGN_OR_RETURN(out.key, read_bit_string(fields));
  CACHET_TRY(fields.expect_empty());
  return out;
}

Bytes integer_magnitude(ByteSpan content, bool* negative) {
  const bool neg = !content.empty() && (content[0] & 0x80) != 0;
  if (negative != nullptr) *negative = neg;
  Bytes magnitude(content.begin(), content.end());
  if (neg) {
    // Two's complement: invert and add one.
    for (uint8_t& b : magnitude) b = static_cast<uint8_t>(~b);
    for (size_t i = magnitude.size(); i-- > 0;) {
      if (++magnitude[i] != 0) break;
    }
  }
  size_t skip = 0;
  while (skip + 1 < magnitude.size() && magnitude[skip] == 0) ++skip;
  magnitude.erase(magnitude.begin(), magnitude.begin() + static_cast<std::ptrdiff_t>(skip));
  if (magnitude.empty()) magnitude.push_back(0);
  return magnitude;
}

}  // namespace cachet::pki
