#include "pki/oid_names.hpp"

namespace cachet::pki {

namespace {

constexpr int32_t kUbName = 32768;  // X.520 ub-name

// Name attributes OpenSSL knows, with the string rules of its default table.
constexpr AttributeInfo kAttributes[] = {
    {"2.5.4.3", "CN", "commonName", StringRule::kUtf8, 1, 64},
    {"2.5.4.4", "SN", "surname", StringRule::kUtf8, 1, kUbName},
    {"2.5.4.5", "serialNumber", "serialNumber", StringRule::kPrintable, 1, 64},
    {"2.5.4.6", "C", "countryName", StringRule::kPrintable, 2, 2},
    {"2.5.4.7", "L", "localityName", StringRule::kUtf8, 1, 128},
    {"2.5.4.8", "ST", "stateOrProvinceName", StringRule::kUtf8, 1, 128},
    {"2.5.4.9", "street", "streetAddress", StringRule::kUtf8, -1, -1},
    {"2.5.4.10", "O", "organizationName", StringRule::kUtf8, 1, 64},
    {"2.5.4.11", "OU", "organizationalUnitName", StringRule::kUtf8, 1, 64},
    {"2.5.4.12", "title", "title", StringRule::kUtf8, -1, -1},
    {"2.5.4.13", "description", "description", StringRule::kUtf8, -1, -1},
    {"2.5.4.14", "searchGuide", "searchGuide", StringRule::kUtf8, -1, -1},
    {"2.5.4.15", "businessCategory", "businessCategory", StringRule::kUtf8, -1, -1},
    {"2.5.4.16", "postalAddress", "postalAddress", StringRule::kUtf8, -1, -1},
    {"2.5.4.17", "postalCode", "postalCode", StringRule::kUtf8, -1, -1},
    {"2.5.4.18", "postOfficeBox", "postOfficeBox", StringRule::kUtf8, -1, -1},
    {"2.5.4.19", "physicalDeliveryOfficeName", "physicalDeliveryOfficeName", StringRule::kUtf8, -1, -1},
    {"2.5.4.20", "telephoneNumber", "telephoneNumber", StringRule::kUtf8, -1, -1},
    {"2.5.4.21", "telexNumber", "telexNumber", StringRule::kUtf8, -1, -1},
    {"2.5.4.22", "teletexTerminalIdentifier", "teletexTerminalIdentifier", StringRule::kUtf8, -1, -1},
    {"2.5.4.23", "facsimileTelephoneNumber", "facsimileTelephoneNumber", StringRule::kUtf8, -1, -1},
    {"2.5.4.24", "x121Address", "x121Address", StringRule::kUtf8, -1, -1},
    {"2.5.4.25", "internationaliSDNNumber", "internationaliSDNNumber", StringRule::kUtf8, -1, -1},
    {"2.5.4.26", "registeredAddress", "registeredAddress", StringRule::kUtf8, -1, -1},
    {"2.5.4.27", "destinationIndicator", "destinationIndicator", StringRule::kUtf8, -1, -1},
    {"2.5.4.28", "preferredDeliveryMethod", "preferredDeliveryMethod", StringRule::kUtf8, -1, -1},
    {"2.5.4.29", "presentationAddress", "presentationAddress", StringRule::kUtf8, -1, -1},
    {"2.5.4.30", "supportedApplicationContext", "supportedApplicationContext", StringRule::kUtf8, -1, -1},
    {"2.5.4.31", "member", "member", StringRule::kUtf8, -1, -1},
    {"2.5.4.32", "owner", "owner", StringRule::kUtf8, -1, -1},
    {"2.5.4.33", "roleOccupant", "roleOccupant", StringRule::kUtf8, -1, -1},
    {"2.5.4.34", "seeAlso", "seeAlso", StringRule::kUtf8, -1, -1},
    {"2.5.4.35", "userPassword", "userPassword", StringRule::kUtf8, -1, -1},
    {"2.5.4.36", "userCertificate", "userCertificate", StringRule::kUtf8, -1, -1},
    {"2.5.4.37", "cACertificate", "cACertificate", StringRule::kUtf8, -1, -1},
    {"2.5.4.38", "authorityRevocationList", "authorityRevocationList", StringRule::kUtf8, -1, -1},
    {"2.5.4.39", "certificateRevocationList", "certificateRevocationList", StringRule::kUtf8, -1, -1},
    {"2.5.4.40", "crossCertificatePair", "crossCertificatePair", StringRule::kUtf8, -1, -1},
    {"2.5.4.41", "name", "name", StringRule::kUtf8, 1, kUbName},
    {"2.5.4.42", "GN", "givenName", StringRule::kUtf8, 1, kUbName},
    {"2.5.4.43", "initials", "initials", StringRule::kUtf8, 1, kUbName},
    {"2.5.4.44", "generationQualifier", "generationQualifier", StringRule::kUtf8, -1, -1},
    {"2.5.4.45", "x500UniqueIdentifier", "x500UniqueIdentifier", StringRule::kUtf8, -1, -1},
    {"2.5.4.46", "dnQualifier", "dnQualifier", StringRule::kPrintable, -1, -1},
    {"2.5.4.47", "enhancedSearchGuide", "enhancedSearchGuide", StringRule::kUtf8, -1, -1},
    {"2.5.4.48", "protocolInformation", "protocolInformation", StringRule::kUtf8, -1, -1},
    {"2.5.4.49", "distinguishedName", "distinguishedName", StringRule::kUtf8, -1, -1},
    {"2.5.4.50", "uniqueMember", "uniqueMember", StringRule::kUtf8, -1, -1},
    {"2.5.4.51", "houseIdentifier", "houseIdentifier", StringRule::kUtf8, -1, -1},
    {"2.5.4.52", "supportedAlgorithms", "supportedAlgorithms", StringRule::kUtf8, -1, -1},
    {"2.5.4.53", "deltaRevocationList", "deltaRevocationList", StringRule::kUtf8, -1, -1},
    {"2.5.4.54", "dmdName", "dmdName", StringRule::kUtf8, -1, -1},
    {"2.5.4.65", "pseudonym", "pseudonym", StringRule::kUtf8, -1, -1},
    {"2.5.4.72", "role", "role", StringRule::kUtf8, -1, -1},
    {"2.5.4.97", "organizationIdentifier", "organizationIdentifier", StringRule::kUtf8, -1, -1},
    {"2.5.4.98", "c3", "countryCode3c", StringRule::kPrintable, 3, 3},
    {"2.5.4.99", "n3", "countryCode3n", StringRule::kNumeric, 3, 3},
    {"2.5.4.100", "dnsName", "dnsName", StringRule::kUtf8, 0, -1},
    {"1.2.840.113549.1.9.1", "emailAddress", "emailAddress", StringRule::kIa5, 1, 128},
    {"1.2.840.113549.1.9.2", "unstructuredName", "unstructuredName", StringRule::kUtf8, 1, -1},
    {"1.2.840.113549.1.9.8", "unstructuredAddress", "unstructuredAddress", StringRule::kUtf8, 1, -1},
    {"1.2.840.113549.1.9.20", "friendlyName", "friendlyName", StringRule::kBmp, -1, -1},
    {"0.9.2342.19200300.100.1.1", "UID", "userId", StringRule::kUtf8, -1, -1},
    {"0.9.2342.19200300.100.1.3", "mail", "rfc822Mailbox", StringRule::kUtf8, -1, -1},
    {"0.9.2342.19200300.100.1.25", "DC", "domainComponent", StringRule::kIa5, 1, -1},
    {"1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL", "jurisdictionLocalityName", StringRule::kUtf8, -1, -1},
    {"1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST", "jurisdictionStateOrProvinceName", StringRule::kUtf8, -1, -1},
    {"1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC", "jurisdictionCountryName", StringRule::kPrintable, 2, 2},
};

struct OidName {
  std::string_view oid;
  std::string_view name;
};

constexpr OidName kAlgorithms[] = {
    {"1.2.840.113549.1.1.1", "rsaEncryption"},
    {"1.2.840.113549.1.1.4", "md5WithRSAEncryption"},
    {"1.2.840.113549.1.1.5", "sha1WithRSAEncryption"},
    {"1.2.840.113549.1.1.10", "rsassaPss"},
    {"1.2.840.113549.1.1.11", "sha256WithRSAEncryption"},
    {"1.2.840.113549.1.1.12", "sha384WithRSAEncryption"},
    {"1.2.840.113549.1.1.13", "sha512WithRSAEncryption"},
    {"1.2.840.113549.1.1.14", "sha224WithRSAEncryption"},
    {"1.2.840.10045.2.1", "id-ecPublicKey"},
    {"1.2.840.10045.4.1", "ecdsa-with-SHA1"},
    {"1.2.840.10045.4.3.1", "ecdsa-with-SHA224"},
    {"1.2.840.10045.4.3.2", "ecdsa-with-SHA256"},
    {"1.2.840.10045.4.3.3", "ecdsa-with-SHA384"},
    {"1.2.840.10045.4.3.4", "ecdsa-with-SHA512"},
    {"1.3.101.110", "X25519"},
    {"1.3.101.111", "X448"},
    {"1.3.101.112", "ED25519"},
    {"1.3.101.113", "ED448"},
    {"1.2.840.10040.4.1", "dsaEncryption"},
    {"1.2.840.10040.4.3", "dsaWithSHA1"},
    {"2.16.840.1.101.3.4.3.2", "dsa_with_SHA256"},
};

struct CurveName {
  std::string_view oid;
  std::string_view name;
  std::string_view nist;
};

constexpr CurveName kCurves[] = {
    {"1.2.840.10045.3.1.7", "prime256v1", "P-256"},
    {"1.3.132.0.34", "secp384r1", "P-384"},
    {"1.3.132.0.35", "secp521r1", "P-521"},
    {"1.3.132.0.33", "secp224r1", "P-224"},
    {"1.3.132.0.10", "secp256k1", ""},
    {"1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1", ""},
    {"1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1", ""},
    {"1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1", ""},
};

constexpr OidName kExtensions[] = {
    {"2.5.29.14", "X509v3 Subject Key Identifier"},
    {"2.5.29.15", "X509v3 Key Usage"},
    {"2.5.29.16", "X509v3 Private Key Usage Period"},
    {"2.5.29.17", "X509v3 Subject Alternative Name"},
    {"2.5.29.18", "X509v3 Issuer Alternative Name"},
    {"2.5.29.19", "X509v3 Basic Constraints"},
    {"2.5.29.30", "X509v3 Name Constraints"},
    {"2.5.29.31", "X509v3 CRL Distribution Points"},
    {"2.5.29.32", "X509v3 Certificate Policies"},
    {"2.5.29.33", "X509v3 Policy Mappings"},
    {"2.5.29.35", "X509v3 Authority Key Identifier"},
    {"2.5.29.36", "X509v3 Policy Constraints"},
    {"2.5.29.37", "X509v3 Extended Key Usage"},
    {"2.5.29.46", "X509v3 Freshest CRL"},
    {"2.5.29.54", "X509v3 Inhibit Any Policy"},
    {"1.3.6.1.5.5.7.1.1", "Authority Information Access"},
    {"1.3.6.1.5.5.7.1.11", "Subject Information Access"},
    {"1.3.6.1.5.5.7.1.24", "TLS Feature"},
    {"1.3.6.1.4.1.11129.2.4.2", "CT Precertificate SCTs"},
    {"1.3.6.1.4.1.11129.2.4.3", "CT Precertificate Poison"},
    {"2.16.840.1.113730.1.1", "Netscape Cert Type"},
    {"2.16.840.1.113730.1.13", "Netscape Comment"},
};

constexpr OidName kKeyPurposes[] = {
    {"1.3.6.1.5.5.7.3.1", "TLS Web Server Authentication"},
    {"1.3.6.1.5.5.7.3.2", "TLS Web Client Authentication"},
    {"1.3.6.1.5.5.7.3.3", "Code Signing"},
    {"1.3.6.1.5.5.7.3.4", "E-mail Protection"},
    {"1.3.6.1.5.5.7.3.5", "IPSec End System"},
    {"1.3.6.1.5.5.7.3.6", "IPSec Tunnel"},
    {"1.3.6.1.5.5.7.3.7", "IPSec User"},
    {"1.3.6.1.5.5.7.3.8", "Time Stamping"},
    {"1.3.6.1.5.5.7.3.9", "OCSP Signing"},
    {"1.3.6.1.5.5.7.3.17", "ipsec Internet Key Exchange"},
    {"2.5.29.37.0", "Any Extended Key Usage"},
};

template <typename Table>
std::string lookup(const Table& table, std::string_view oid) {
  for (const auto& entry : table) {
    if (entry.oid == oid) return std::string(entry.name);
  }
  return std::string(oid);
}

}  // namespace

const AttributeInfo* attribute_by_oid(std::string_view oid) noexcept {
  for (const auto& a : kAttributes) {
    if (a.oid == oid) return &a;
  }
  return nullptr;
}

const AttributeInfo* attribute_by_name(std::string_view name) noexcept {
  for (const auto& a : kAttributes) {
    if (a.short_name == name || a.long_name == name || a.oid == name) return &a;
  }
  return nullptr;
}

std::string attribute_short_name(std::string_view oid) {
  const AttributeInfo* a = attribute_by_oid(oid);
  return std::string(a != nullptr ? a->short_name : oid);
}

std::string attribute_long_name(std::string_view oid) {
  const AttributeInfo* a = attribute_by_oid(oid);
  return std::string(a != nullptr ? a->long_name : oid);
}

std::string algorithm_name(std::string_view oid) { return lookup(kAlgorithms, oid); }
std::string curve_name(std::string_view oid) { return lookup(kCurves, oid); }
std::string extension_name(std::string_view oid) { return lookup(kExtensions, oid); }
std::string key_purpose_name(std::string_view oid) { return lookup(kKeyPurposes, oid); }

std::string_view curve_nist_name(std::string_view oid) noexcept {
  for (const auto& c : kCurves) {
    if (c.oid == oid) return c.nist;
  }
  return {};
}

}  // namespace cachet::pki
