// Names for the object identifiers X.509 text output shows: the short and
// long names OpenSSL prints for name attributes, algorithms, curves,
// extensions and extended key usages (so the shim's output matches).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cachet::pki {

// How X509_NAME_add_entry_by_txt encodes a UTF-8 value for an attribute
// (OpenSSL's default string table with the "utf8only" mask).
enum class StringRule : uint8_t {
  kUtf8,       // DirectoryString: UTF8String
  kPrintable,  // PrintableString only (countryName, serialNumber, ...)
  kIa5,        // IA5String only (emailAddress, domainComponent)
  kNumeric,    // NumericString only
  kBmp,        // BMPString only
};

struct AttributeInfo {
  std::string_view oid;
  std::string_view short_name;
  std::string_view long_name;
  StringRule rule;
  int32_t min_chars;  // -1: no bound
  int32_t max_chars;
};

// Name attributes, by dotted OID or by OpenSSL short or long name
// (case-sensitive, as OBJ_txt2obj). nullptr when unknown.
const AttributeInfo* attribute_by_oid(std::string_view oid) noexcept;
const AttributeInfo* attribute_by_name(std::string_view name) noexcept;

// OpenSSL's short/long name for an attribute OID, or the OID itself.
std::string attribute_short_name(std::string_view oid);
std::string attribute_long_name(std::string_view oid);

// Signature and public key algorithms as `openssl x509 -text` prints them
// ("ecdsa-with-SHA256", "rsaEncryption", "ED25519"), else the dotted OID.
std::string algorithm_name(std::string_view oid);
// Named curves: OpenSSL's short name ("prime256v1") and NIST name ("P-256",
// empty when none).
std::string curve_name(std::string_view oid);
std::string_view curve_nist_name(std::string_view oid) noexcept;
// Certificate extensions ("X509v3 Basic Constraints"), else the dotted OID.
std::string extension_name(std::string_view oid);
// Extended key usages ("TLS Web Server Authentication"), else the dotted OID.
std::string key_purpose_name(std::string_view oid);

// Well-known OIDs.
inline constexpr std::string_view kOidRsaEncryption = "1.2.840.113549.1.1.1";
inline constexpr std::string_view kOidEcPublicKey = "1.2.840.10045.2.1";
inline constexpr std::string_view kOidEd25519 = "1.3.101.112";
inline constexpr std::string_view kOidP256 = "1.2.840.10045.3.1.7";
inline constexpr std::string_view kOidP384 = "1.3.132.0.34";

}  // namespace cachet::pki
