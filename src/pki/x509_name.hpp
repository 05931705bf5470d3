// Distinguished names as OpenSSL's X509_NAME sees them: a flat list of
// attributes, each tagged with its RDN index, parsed from and encoded to DER
// here (GnuTLS offers no way to set a raw name), printed in OpenSSL's
// X509_NAME_oneline / X509_NAME_print_ex forms, and compared through
// OpenSSL's canonical encoding.
#pragma once

#include <cachet/error.hpp>
#include <cachet/pki.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"

namespace cachet::pki {

// Far above any real name; caps what a peer's certificate can make us hold.
inline constexpr size_t kMaxNameEntries = 256;
inline constexpr size_t kMaxNameValueSize = 64 * 1024;

struct NameAva {
  std::string oid;  // dotted
  uint8_t tag = 0;  // ASN.1 tag of the value
  Bytes value;      // content octets
  int set = 0;      // RDN index
};

class X509Name {
 public:
  X509Name();  // empty: SEQUENCE {}
  static Result<X509Name> from_der(ByteSpan der);

  const std::vector<NameAva>& avas() const noexcept { return avas_; }
  const Bytes& der() const noexcept { return der_; }

  // X509_NAME_add_entry_by_txt with a UTF-8 value (see cachet::Name::add).
  [[nodiscard]] Result<void> add_utf8(std::string_view field, std::string_view value, int loc, int set);
  [[nodiscard]] Result<void> add_raw(std::string_view field, uint8_t tag, ByteSpan value, int loc, int set);
  [[nodiscard]] Result<void> remove(size_t index);

  std::string one_line() const;
  std::string print(const NamePrintOptions& options, int indent) const;
  // OpenSSL's canonical encoding (X509_NAME_cmp, X509_NAME_hash_ex): the RDN
  // SETs with string values as lower-cased, whitespace-folded UTF8Strings.
  Bytes canonical() const;

 private:
  [[nodiscard]] Result<void> insert(NameAva ava, int loc, int set);
  // Renumbers RDNs, re-encodes, and only then replaces the entries.
  [[nodiscard]] Result<void> commit(std::vector<NameAva> avas);

  std::vector<NameAva> avas_;
  Bytes der_;
};

// The value as UTF-8 (strings decoded per their type; anything else as is).
std::string ava_utf8(const NameAva& ava);
// The dotted OID for "CN", "commonName" or "2.5.4.3"; kInvalidArgument else.
Result<std::string> resolve_attribute(std::string_view field);

}  // namespace cachet::pki
