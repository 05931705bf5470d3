#include "pki/builder.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>

#include "pki/der.hpp"
#include "pki/x509_fields.hpp"

namespace cachet::pki {

namespace {

constexpr uint8_t kVersionTag = 0xa0;     // [0] EXPLICIT
constexpr uint8_t kExtensionsTag = 0xa3;  // [3] EXPLICIT

// The AlgorithmIdentifier OpenSSL writes for a key type and digest: RSA with
// a NULL parameter (RFC 4055 §5), ECDSA and Ed25519 with none (RFC 5758
// §3.2, RFC 8410 §3).
Result<Bytes> signature_algorithm(crypto::KeyType type, Digest digest) {
  const char* oid = nullptr;
  bool null_parameters = false;
  switch (type) {
    case crypto::KeyType::kRsa:
      null_parameters = true;
      switch (digest) {
        case Digest::kSha1: oid = "1.2.840.113549.1.1.5"; break;
        case Digest::kSha224: oid = "1.2.840.113549.1.1.14"; break;
        case Digest::kSha256: oid = "1.2.840.113549.1.1.11"; break;
        case Digest::kSha384: oid = "1.2.840.113549.1.1.12"; break;
        case Digest::kSha512: oid = "1.2.840.113549.1.1.13"; break;
        default: break;
      }
      break;
    case crypto::KeyType::kEcP256:
    case crypto::KeyType::kEcP384:
      switch (digest) {
        case Digest::kSha1: oid = "1.2.840.10045.4.1"; break;
        case Digest::kSha224: oid = "1.2.840.10045.4.3.1"; break;
        case Digest::kSha256: oid = "1.2.840.10045.4.3.2"; break;
        case Digest::kSha384: oid = "1.2.840.10045.4.3.3"; break;
        case Digest::kSha512: oid = "1.2.840.10045.4.3.4"; break;
        default: break;
      }
      break;
    case crypto::KeyType::kEd25519:
      if (digest == Digest::kNone) oid = "1.3.101.112";
      break;
  }
  if (oid == nullptr) return Error(ErrorCode::kInvalidArgument, "pki: hash not usable with this key type");
  CACHET_ASSIGN_OR_RETURN(Bytes oid_content, der::oid_from_string(oid));
  Bytes body = der::encode(der::kOid, oid_content);
  if (null_parameters) der::append(body, der::kNull, {});
  return der::encode(der::kSequence, body);
}

// RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 (and
// before 1950).
Result<Bytes> encode_time(int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  if (gmtime_r(&t, &tm) == nullptr) return Error(ErrorCode::kOutOfRange, "pki: time out of range");
  const int year = tm.tm_year + 1900;
  if (year < 0 || year > 9999) return Error(ErrorCode::kOutOfRange, "pki: time out of range");
  char text[32];
  const bool utc = year >= 1950 && year <= 2049;
  if (utc) {
    std::snprintf(text, sizeof(text), "%02d%02d%02d%02d%02d%02dZ", year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec);
  } else {
    std::snprintf(text, sizeof(text), "%04d%02d%02d%02d%02d%02dZ", year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec);
  }
  return der::encode(utc ? der::kUtcTime : der::kGeneralizedTime, as_bytes(text));
}

Result<Bytes> encode_extensions(const std::vector<CertificateTemplate::Extension>& extensions) {
  std::set<std::string> seen;
  Bytes list;
  for (const auto& ext : extensions) {
    // RFC 5280 §4.2: at most one instance of a particular extension.
    if (!seen.insert(ext.oid).second) return Error(ErrorCode::kInvalidArgument, "pki: duplicate extension");
    CACHET_ASSIGN_OR_RETURN(Bytes oid, der::oid_from_string(ext.oid));
    Bytes body = der::encode(der::kOid, oid);
    static constexpr uint8_t kTrue[] = {0xff};
    if (ext.critical) der::append(body, der::kBoolean, kTrue);  // DEFAULT FALSE is omitted (DER)
    der::append(body, der::kOctetString, ext.value);
    der::append(list, der::kSequence, body);
  }
  return der::encode(kExtensionsTag, der::encode(der::kSequence, list));
}

Result<Bytes> encode_tbs(const CertificateTemplate& t, ByteSpan algorithm) {
  if (t.version < 0 || t.version > 2) return Error(ErrorCode::kInvalidArgument, "pki: version must be 0, 1 or 2");
  if (!t.extensions.empty() && t.version != 2) {
    return Error(ErrorCode::kInvalidArgument, "pki: extensions need an X.509 v3 certificate (version 2)");
  }
  size_t skip = 0;
  while (skip < t.serial.size() && t.serial[skip] == 0) ++skip;
  if (t.serial.size() - skip > kMaxSerialOctets) return Error(ErrorCode::kInvalidArgument, "pki: serial too long");
  if (t.spki.empty()) return Error(ErrorCode::kInvalidArgument, "pki: no public key set");
  CACHET_TRY(parse_spki(t.spki));

  Bytes body;
  if (t.version != 0) {  // DEFAULT v1 is omitted (DER)
    const uint8_t v[] = {static_cast<uint8_t>(t.version)};
    der::append(body, kVersionTag, der::encode(der::kInteger, v));
  }
  const Bytes serial = der::encode_unsigned(t.serial);
  body.insert(body.end(), serial.begin(), serial.end());
  body.insert(body.end(), algorithm.begin(), algorithm.end());
  body.insert(body.end(), t.issuer.begin(), t.issuer.end());
  CACHET_ASSIGN_OR_RETURN(Bytes not_before, encode_time(t.not_before));
  CACHET_ASSIGN_OR_RETURN(Bytes not_after, encode_time(t.not_after));
  not_before.insert(not_before.end(), not_after.begin(), not_after.end());
  der::append(body, der::kSequence, not_before);
  body.insert(body.end(), t.subject.begin(), t.subject.end());
  body.insert(body.end(), t.spki.begin(), t.spki.end());
  if (!t.extensions.empty()) {
    CACHET_ASSIGN_OR_RETURN(Bytes extensions, encode_extensions(t.extensions));
    body.insert(body.end(), extensions.begin(), extensions.end());
  }
  return der::encode(der::kSequence, body);
}

}  // namespace

Bytes basic_constraints_value(bool ca, int path_len) {
  Bytes body;
  static constexpr uint8_t kTrue[] = {0xff};
  if (ca) der::append(body, der::kBoolean, kTrue);  // cA DEFAULT FALSE
  if (path_len >= 0) {
    const uint8_t n[] = {static_cast<uint8_t>(path_len >> 24), static_cast<uint8_t>(path_len >> 16),
                         static_cast<uint8_t>(path_len >> 8), static_cast<uint8_t>(path_len)};
    const Bytes integer = der::encode_unsigned(n);
    body.insert(body.end(), integer.begin(), integer.end());
  }
  return der::encode(der::kSequence, body);
}

Result<Certificate> sign_certificate(const CertificateTemplate& t, const PrivateKey& issuer_key, Digest digest) {
  if (digest == Digest::kNone && issuer_key.type() != crypto::KeyType::kEd25519) digest = Digest::kSha256;
  CACHET_ASSIGN_OR_RETURN(Bytes algorithm, signature_algorithm(issuer_key.type(), digest));
  // Names must be single DER Names; parsing them catches a bad caller early.
  for (const Bytes* name : {&t.issuer, &t.subject}) {
    ByteReader r(*name);
    CACHET_TRY(der::read(r, der::kSequence));
    CACHET_TRY(r.expect_empty());
  }
  CACHET_ASSIGN_OR_RETURN(Bytes tbs, encode_tbs(t, algorithm));
  CACHET_ASSIGN_OR_RETURN(Bytes signature, sign_data(issuer_key, digest, tbs));
  Bytes bits(signature.size() + 1, 0);  // a leading 0: no unused bits
  std::copy(signature.begin(), signature.end(), bits.begin() + 1);
  Bytes body = std::move(tbs);
  body.insert(body.end(), algorithm.begin(), algorithm.end());
  der::append(body, der::kBitString, bits);
  return Certificate::from_der(der::encode(der::kSequence, body));
}

}  // namespace cachet::pki
