// A certificate as `openssl x509 -text -noout` (X509_print_ex) lays it out:
// the same headings, indentation, number and time formats, hex dumps and
// extension renderings for the common extensions. Extensions this file does
// not decode are shown as OpenSSL shows undecodable ones (the raw value).
#pragma once

#include <cachet/pki.hpp>

#include <cstdint>
#include <string>

#include "base/bytes.hpp"
#include "pki/x509_fields.hpp"
#include "pki/x509_name.hpp"

namespace cachet::pki {

struct CertificateTextInput {
  const CertificateFields* fields = nullptr;
  const X509Name* issuer = nullptr;
  const X509Name* subject = nullptr;
  int64_t not_before = 0;  // Unix seconds
  int64_t not_after = 0;
};

std::string certificate_text(const CertificateTextInput& input, const NamePrintOptions& names);

// ASN1_TIME_print's form: "Jan  1 00:00:00 2025 GMT".
std::string openssl_time(int64_t unix_seconds);

// Bits of a SubjectPublicKeyInfo's key as EVP_PKEY_get_bits reports them
// (RSA modulus bits, curve order bits, 253 for Ed25519); 0 when unknown.
int spki_bits(ByteSpan spki);

}  // namespace cachet::pki
