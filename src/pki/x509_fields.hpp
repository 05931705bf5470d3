// The fields of a DER certificate, located by our own DER reader (GnuTLS has
// already accepted the certificate; this gives the raw pieces OpenSSL's view
// needs: the TBS bytes, version, serial octets, algorithm identifiers,
// extensions, the signature).
#pragma once

#include <cachet/error.hpp>

#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "pki/der.hpp"

namespace cachet::pki {

struct AlgorithmIdentifier {
  std::string oid;     // dotted
  ByteSpan parameters; // encoded parameters element, empty when absent
  ByteSpan encoded;    // the whole AlgorithmIdentifier
};

struct ExtensionField {
  std::string oid;
  bool critical = false;
  ByteSpan value;  // extnValue content (the DER of the extension's value)
};

// Spans point into the DER the fields were parsed from.
struct CertificateFields {
  ByteSpan tbs;        // the encoded TBSCertificate (what is signed)
  int version = 0;     // 0-based
  ByteSpan serial;     // INTEGER content octets (two's complement)
  AlgorithmIdentifier tbs_signature;
  ByteSpan issuer;     // encoded Name
  der::Element not_before, not_after;
  ByteSpan subject;    // encoded Name
  ByteSpan spki;       // encoded SubjectPublicKeyInfo
  std::vector<ExtensionField> extensions;
  AlgorithmIdentifier signature_algorithm;
  ByteSpan signature;  // BIT STRING content after the unused-bits octet
};

Result<CertificateFields> parse_certificate_fields(ByteSpan der);

struct SpkiFields {
  AlgorithmIdentifier algorithm;
  ByteSpan key;  // subjectPublicKey BIT STRING content after the unused-bits octet
};

Result<SpkiFields> parse_spki(ByteSpan spki);

// OpenSSL's ASN1_INTEGER view of INTEGER content octets: the magnitude,
// big-endian and minimal ({0} for zero), and the sign.
Bytes integer_magnitude(ByteSpan content, bool* negative = nullptr);

}  // namespace cachet::pki
