#include "pki/x509_text.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "pki/oid_names.hpp"

namespace cachet::pki {

namespace {

constexpr std::string_view kOidSubjectKeyId = "2.5.29.14";
constexpr std::string_view kOidKeyUsage = "2.5.29.15";
constexpr std::string_view kOidSubjectAltName = "2.5.29.17";
constexpr std::string_view kOidIssuerAltName = "2.5.29.18";
constexpr std::string_view kOidBasicConstraints = "2.5.29.19";
constexpr std::string_view kOidAuthorityKeyId = "2.5.29.35";
constexpr std::string_view kOidExtKeyUsage = "2.5.29.37";

std::string spaces(size_t n) { return std::string(n, ' '); }

std::string hex_colon_upper(ByteSpan bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out.push_back(':');
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0x0f]);
  }
  return out;
}

// Lower-case "xx:" rows of `per_line` bytes, each row indented and ended
// with a newline; every byte but the last is followed by ':'.
std::string hex_rows(ByteSpan bytes, size_t indent, size_t per_line) {
  std::string out;
  char buf[4];
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i % per_line == 0) {
      if (i > 0) out.push_back('\n');
      out += spaces(indent);
    }
    std::snprintf(buf, sizeof(buf), "%02x", bytes[i]);
    out += buf;
    if (i + 1 != bytes.size()) out.push_back(':');
  }
  out.push_back('\n');
  return out;
}

// A big-endian magnitude as a printed number: decimal with hex when it fits a
// long, else rows of hex (with a 00 in front when the top bit is set).
bool fits_long(ByteSpan magnitude, uint64_t& value) {
  if (magnitude.size() > 8) return false;
  value = 0;
  for (uint8_t b : magnitude) value = (value << 8) | b;
  return value <= static_cast<uint64_t>(INT64_MAX);
}

std::string openssl_name(const X509Name& name, const NamePrintOptions& o, size_t indent) {
  return name.print(o, static_cast<int>(indent));
}

// ---------------------------------------------------------------------------
// Extensions.

std::string ascii_or_dots(ByteSpan value) {
  std::string out;
  for (uint8_t c : value) {
    out.push_back((c > '~' || (c < ' ' && c != '\n' && c != '\r')) ? '.' : static_cast<char>(c));
  }
  return out;
}

Result<std::string> basic_constraints_text(ByteSpan value) {
  ByteReader top(value);
  CACHET_ASSIGN_OR_RETURN(der::Element seq, der::read(top, der::kSequence));
  CACHET_TRY(top.expect_empty());
  ByteReader r(seq.content);
  der::Element ca, path;
  CACHET_ASSIGN_OR_RETURN(bool has_ca, der::read_optional(r, der::kBoolean, ca));
  CACHET_ASSIGN_OR_RETURN(bool has_path, der::read_optional(r, der::kInteger, path));
  CACHET_TRY(r.expect_empty());
  std::string out = (has_ca && ca.content.size() == 1 && ca.content[0] != 0) ? "CA:TRUE" : "CA:FALSE";
  if (has_path) {
    uint64_t n = 0;
    const Bytes magnitude = integer_magnitude(path.content);
    if (fits_long(magnitude, n)) out += ", pathlen:" + std::to_string(n);
  }
  return out;
}

Result<std::string> key_usage_text(ByteSpan value) {
  static constexpr const char* kNames[] = {"Digital Signature", "Non Repudiation", "Key Encipherment",
                                           "Data Encipherment", "Key Agreement",   "Certificate Sign",
                                           "CRL Sign",          "Encipher Only",   "Decipher Only"};
  ByteReader top(value);
  CACHET_ASSIGN_OR_RETURN(der::Element bits, der::read(top, der::kBitString));
  CACHET_TRY(top.expect_empty());
  if (bits.content.empty()) return Error(ErrorCode::kDecodeError, "pki: bad keyUsage");
  std::string out;
  for (size_t i = 0; i < 9; ++i) {
    const size_t byte = 1 + i / 8;
    if (byte >= bits.content.size() || (bits.content[byte] & (0x80 >> (i % 8))) == 0) continue;
    if (!out.empty()) out += ", ";
    out += kNames[i];
  }
  return out;
}

Result<std::string> ext_key_usage_text(ByteSpan value) {
  ByteReader top(value);
  CACHET_ASSIGN_OR_RETURN(der::Element seq, der::read(top, der::kSequence));
  CACHET_TRY(top.expect_empty());
  ByteReader r(seq.content);
  std::string out;
  while (!r.empty()) {
    CACHET_ASSIGN_OR_RETURN(der::Element oid, der::read(r, der::kOid));
    CACHET_ASSIGN_OR_RETURN(std::string dotted, der::oid_to_string(oid.content));
    if (!out.empty()) out += ", ";
    out += key_purpose_name(dotted);
  }
  return out;
}

std::string ip_text(ByteSpan ip) {
  char buf[64];
  if (ip.size() == 4) {
    std::snprintf(buf, sizeof(buf), "%d.%d.%d.%d", ip[0], ip[1], ip[2], ip[3]);
    return buf;
  }
  if (ip.size() == 16) {
    std::string out;
    for (size_t i = 0; i < 16; i += 2) {
      if (i > 0) out.push_back(':');
      std::snprintf(buf, sizeof(buf), "%X", static_cast<unsigned>(ip[i] << 8 | ip[i + 1]));
      out += buf;
    }
    return out;
  }
  return "<invalid>";
}

// GeneralNames (RFC 5280 §4.2.1.6) as OpenSSL's i2v_GENERAL_NAMES lists them.
Result<std::vector<std::string>> general_names(ByteSpan content) {
  std::vector<std::string> out;
  ByteReader r(content);
  while (!r.empty()) {
    CACHET_ASSIGN_OR_RETURN(der::Element name, der::read(r));
    const std::string text(name.content.begin(), name.content.end());
    switch (name.tag) {
      case 0xa0: out.push_back("othername:<unsupported>"); break;
      case 0x81: out.push_back("email:" + text); break;
      case 0x82: out.push_back("DNS:" + text); break;
      case 0xa3: out.push_back("X400Name:<unsupported>"); break;
      case 0xa4: {
        CACHET_ASSIGN_OR_RETURN(X509Name dir, X509Name::from_der(name.content));
        out.push_back("DirName:" + dir.one_line());
        break;
      }
      case 0xa5: out.push_back("EdiPartyName:<unsupported>"); break;
      case 0x86: out.push_back("URI:" + text); break;
      case 0x87: out.push_back("IP Address:" + ip_text(name.content)); break;
      case 0x88: {
        CACHET_ASSIGN_OR_RETURN(std::string oid, der::oid_to_string(name.content));
        out.push_back("Registered ID:" + oid);
        break;
      }
      default: return Error(ErrorCode::kDecodeError, "pki: unknown GeneralName");
    }
  }
  return out;
}

Result<std::string> alt_name_text(ByteSpan value) {
  ByteReader top(value);
  CACHET_ASSIGN_OR_RETURN(der::Element seq, der::read(top, der::kSequence));
  CACHET_TRY(top.expect_empty());
  CACHET_ASSIGN_OR_RETURN(std::vector<std::string> names, general_names(seq.content));
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

Result<std::string> subject_key_id_text(ByteSpan value) {
  ByteReader top(value);
  CACHET_ASSIGN_OR_RETURN(der::Element id, der::read(top, der::kOctetString));
  CACHET_TRY(top.expect_empty());
  return hex_colon_upper(id.content);
}

// Multi-line: one value per line, each at `indent`.
Result<std::string> authority_key_id_text(ByteSpan value, size_t indent) {
  ByteReader top(value);
  CACHET_ASSIGN_OR_RETURN(der::Element seq, der::read(top, der::kSequence));
  CACHET_TRY(top.expect_empty());
  ByteReader r(seq.content);
  der::Element key_id, issuer, serial;
  CACHET_ASSIGN_OR_RETURN(bool has_key_id, der::read_optional(r, 0x80, key_id));
  CACHET_ASSIGN_OR_RETURN(bool has_issuer, der::read_optional(r, 0xa1, issuer));
  CACHET_ASSIGN_OR_RETURN(bool has_serial, der::read_optional(r, 0x82, serial));
  CACHET_TRY(r.expect_empty());
  std::vector<std::string> lines;
  if (has_key_id) lines.push_back(std::string(has_issuer || has_serial ? "keyid:" : "") + hex_colon_upper(key_id.content));
  if (has_issuer) {
    CACHET_ASSIGN_OR_RETURN(std::vector<std::string> names, general_names(issuer.content));
    lines.insert(lines.end(), names.begin(), names.end());
  }
  if (has_serial) lines.push_back("serial:" + hex_colon_upper(serial.content));
  if (lines.empty()) return spaces(indent) + "<EMPTY>\n";
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out.push_back('\n');
    out += spaces(indent) + lines[i];
  }
  return out;
}

std::string extension_text(const ExtensionField& ext, size_t indent) {
  Result<std::string> value = Error(ErrorCode::kUnsupported);
  if (ext.oid == kOidBasicConstraints) value = basic_constraints_text(ext.value);
  else if (ext.oid == kOidKeyUsage) value = key_usage_text(ext.value);
  else if (ext.oid == kOidExtKeyUsage) value = ext_key_usage_text(ext.value);
  else if (ext.oid == kOidSubjectAltName || ext.oid == kOidIssuerAltName) value = alt_name_text(ext.value);
  else if (ext.oid == kOidSubjectKeyId) value = subject_key_id_text(ext.value);
  else if (ext.oid == kOidAuthorityKeyId) {
    auto lines = authority_key_id_text(ext.value, indent);
    return lines.ok() ? std::move(lines).value() : spaces(indent) + ascii_or_dots(ext.value);
  }
  if (!value.ok()) return spaces(indent) + ascii_or_dots(ext.value);
  return spaces(indent) + value.value();
}

// ---------------------------------------------------------------------------
// Public keys.

Result<std::pair<Bytes, Bytes>> rsa_components(ByteSpan key) {
  ByteReader top(key);
  CACHET_ASSIGN_OR_RETURN(der::Element seq, der::read(top, der::kSequence));
  ByteReader r(seq.content);
  CACHET_ASSIGN_OR_RETURN(der::Element n, der::read(r, der::kInteger));
  CACHET_ASSIGN_OR_RETURN(der::Element e, der::read(r, der::kInteger));
  return std::make_pair(integer_magnitude(n.content), integer_magnitude(e.content));
}

size_t bit_length(ByteSpan magnitude) {
  for (size_t i = 0; i < magnitude.size(); ++i) {
    if (magnitude[i] == 0) continue;
    size_t bits = (magnitude.size() - i - 1) * 8;
    for (uint8_t b = magnitude[i]; b != 0; b >>= 1) ++bits;
    return bits;
  }
  return 0;
}

int curve_bits(std::string_view oid) {
  const std::string name = curve_name(oid);
  if (name == "prime256v1" || name == "secp256k1" || name == "brainpoolP256r1") return 256;
  if (name == "secp384r1" || name == "brainpoolP384r1") return 384;
  if (name == "secp521r1") return 521;
  if (name == "secp224r1") return 224;
  if (name == "brainpoolP512r1") return 512;
  return 0;
}

Result<std::string> curve_oid(const SpkiFields& spki) {
  ByteReader r(spki.algorithm.parameters);
  CACHET_ASSIGN_OR_RETURN(der::Element oid, der::read(r, der::kOid));
  return der::oid_to_string(oid.content);
}

// Magnitude rows as OpenSSL's print_labeled_bignum writes them.
std::string number_text(const std::string& label, ByteSpan magnitude, size_t indent) {
  uint64_t v = 0;
  char buf[64];
  if (fits_long(magnitude, v)) {
    std::snprintf(buf, sizeof(buf), " %" PRIu64 " (0x%" PRIx64 ")\n", v, v);
    return spaces(indent) + label + buf;
  }
  // A 0x00 in front when the top bit is set, as BN_bn2hex shows it.
  const size_t lead = (!magnitude.empty() && (magnitude[0] & 0x80) != 0) ? 1 : 0;
  Bytes padded(lead + magnitude.size(), 0);
  std::copy(magnitude.begin(), magnitude.end(), padded.begin() + static_cast<std::ptrdiff_t>(lead));
  return spaces(indent) + label + "\n" + hex_rows(padded, indent + 4, 15);
}

std::string public_key_text(ByteSpan spki_der, size_t indent) {
  auto spki = parse_spki(spki_der);
  if (!spki) return spaces(indent - 4) + "Unable to load Public Key\n";
  const std::string& alg = spki->algorithm.oid;
  char buf[64];
  if (alg == kOidRsaEncryption) {
    auto parts = rsa_components(spki->key);
    if (!parts) return spaces(indent - 4) + "Unable to load Public Key\n";
    std::snprintf(buf, sizeof(buf), "Public-Key: (%zu bit)\n", bit_length(parts->first));
    return spaces(indent) + buf + number_text("Modulus:", parts->first, indent) +
           number_text("Exponent:", parts->second, indent);
  }
  if (alg == kOidEcPublicKey) {
    auto curve = curve_oid(*spki);
    if (!curve) return spaces(indent - 4) + "Unable to load Public Key\n";
    std::string out;
    if (const int bits = curve_bits(*curve); bits > 0) {
      std::snprintf(buf, sizeof(buf), "Public-Key: (%d bit)\n", bits);
      out += spaces(indent) + buf;
    }
    out += spaces(indent) + "pub:\n" + hex_rows(spki->key, indent + 4, 15);
    out += spaces(indent) + "ASN1 OID: " + curve_name(*curve) + "\n";
    if (const std::string_view nist = curve_nist_name(*curve); !nist.empty()) {
      out += spaces(indent) + "NIST CURVE: " + std::string(nist) + "\n";
    }
    return out;
  }
  if (alg == kOidEd25519) {
    return spaces(indent) + "ED25519 Public-Key:\n" + spaces(indent) + "pub:\n" + hex_rows(spki->key, indent + 4, 15);
  }
  return spaces(indent - 4) + "Unable to load Public Key\n";
}

std::string serial_text(ByteSpan content) {
  bool negative = false;
  const Bytes magnitude = integer_magnitude(content, &negative);
  uint64_t v = 0;
  char buf[80];
  if (fits_long(magnitude, v)) {
    const char* sign = negative ? "-" : "";
    std::snprintf(buf, sizeof(buf), " %s%" PRIu64 " (%s0x%" PRIx64 ")\n", sign, v, sign, v);
    return buf;
  }
  std::string out = "\n" + spaces(12) + (negative ? " (Negative)" : "");
  char hex[4];
  for (size_t i = 0; i < magnitude.size(); ++i) {
    std::snprintf(hex, sizeof(hex), "%02x", magnitude[i]);
    out += hex;
    out.push_back(i + 1 == magnitude.size() ? '\n' : ':');
  }
  return out;
}

}  // namespace

std::string openssl_time(int64_t unix_seconds) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  if (gmtime_r(&t, &tm) == nullptr) return "Bad time value";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s %2d %02d:%02d:%02d %d GMT", kMonths[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
  return buf;
}

int spki_bits(ByteSpan spki_der) {
  auto spki = parse_spki(spki_der);
  if (!spki) return 0;
  if (spki->algorithm.oid == kOidRsaEncryption) {
    auto parts = rsa_components(spki->key);
    return parts ? static_cast<int>(bit_length(parts->first)) : 0;
  }
  if (spki->algorithm.oid == kOidEcPublicKey) {
    auto curve = curve_oid(*spki);
    return curve ? curve_bits(*curve) : 0;
  }
  if (spki->algorithm.oid == kOidEd25519) return 253;  // OpenSSL's ED25519_BITS
  return 0;
}

std::string certificate_text(const CertificateTextInput& in, const NamePrintOptions& names) {
  const CertificateFields& f = *in.fields;
  const bool multiline = names.separator == NamePrintOptions::Separator::kMultiline && !names.legacy;
  const char name_gap = multiline ? '\n' : ' ';
  const size_t name_indent = multiline ? 12 : 0;
  char buf[64];
  std::string out = "Certificate:\n    Data:\n";
  std::snprintf(buf, sizeof(buf), "        Version: %d (0x%x)\n", f.version + 1, static_cast<unsigned>(f.version));
  out += buf;
  out += "        Serial Number:" + serial_text(f.serial);
  out += "        Signature Algorithm: " + algorithm_name(f.tbs_signature.oid) + "\n";
  out += std::string("        Issuer:") + name_gap + openssl_name(*in.issuer, names, name_indent) + "\n";
  out += "        Validity\n";
  out += "            Not Before: " + openssl_time(in.not_before) + "\n";
  out += "            Not After : " + openssl_time(in.not_after) + "\n";
  out += std::string("        Subject:") + name_gap + openssl_name(*in.subject, names, name_indent) + "\n";
  out += "        Subject Public Key Info:\n";
  auto spki = parse_spki(f.spki);
  out += "            Public Key Algorithm: " + (spki ? algorithm_name(spki->algorithm.oid) : std::string("UNDEF")) + "\n";
  out += public_key_text(f.spki, 16);
  if (!f.extensions.empty()) {
    out += "        X509v3 extensions:\n";
    for (const ExtensionField& ext : f.extensions) {
      out += "            " + extension_name(ext.oid) + ": " + (ext.critical ? "critical" : "") + "\n";
      out += extension_text(ext, 16) + "\n";
    }
  }
  out += "    Signature Algorithm: " + algorithm_name(f.signature_algorithm.oid) + "\n";
  out += "    Signature Value:\n" + hex_rows(f.signature, 8, 18);
  return out;
}

}  // namespace cachet::pki
