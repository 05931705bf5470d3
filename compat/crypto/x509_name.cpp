// X509_NAME over cachet::Name: building, comparing and printing names.
#include "pki_local.hpp"

#include <cstdio>
#include <cstring>

using namespace cachet_compat;

namespace {

// MBSTRING_ASC input is Latin-1: each byte one character.
std::string latin1_to_utf8(std::string_view in) {
  std::string out;
  for (unsigned char c : in) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

cachet::NamePrintOptions options_from_flags(unsigned long flags) {
  cachet::NamePrintOptions o;
  if (flags == XN_FLAG_COMPAT) return cachet::NamePrintOptions::legacy_form();
  switch (flags & XN_FLAG_SEP_MASK) {
    case XN_FLAG_SEP_COMMA_PLUS: o.separator = cachet::NamePrintOptions::Separator::kComma; break;
    case XN_FLAG_SEP_SPLUS_SPC: o.separator = cachet::NamePrintOptions::Separator::kSemicolonSpace; break;
    case XN_FLAG_SEP_MULTILINE: o.separator = cachet::NamePrintOptions::Separator::kMultiline; break;
    default: o.separator = cachet::NamePrintOptions::Separator::kCommaSpace; break;
  }
  switch (flags & XN_FLAG_FN_MASK) {
    case XN_FLAG_FN_LN: o.field_names = cachet::NamePrintOptions::FieldNames::kLong; break;
    case XN_FLAG_FN_OID: o.field_names = cachet::NamePrintOptions::FieldNames::kOid; break;
    case XN_FLAG_FN_NONE: o.field_names = cachet::NamePrintOptions::FieldNames::kNone; break;
    default: o.field_names = cachet::NamePrintOptions::FieldNames::kShort; break;
  }
  o.reverse = (flags & XN_FLAG_DN_REV) != 0;
  o.spaces_around_equals = (flags & XN_FLAG_SPC_EQ) != 0;
  o.align_field_names = (flags & XN_FLAG_FN_ALIGN) != 0;
  o.dump_unknown_fields = (flags & XN_FLAG_DUMP_UNKNOWN_FIELDS) != 0;
  o.escape_rfc2253 = (flags & ASN1_STRFLGS_ESC_2253) != 0;
  o.escape_rfc2254 = (flags & ASN1_STRFLGS_ESC_2254) != 0;
  o.escape_control = (flags & ASN1_STRFLGS_ESC_CTRL) != 0;
  o.escape_msb = (flags & ASN1_STRFLGS_ESC_MSB) != 0;
  o.quote_instead_of_escape = (flags & ASN1_STRFLGS_ESC_QUOTE) != 0;
  o.utf8_convert = (flags & ASN1_STRFLGS_UTF8_CONVERT) != 0;
  o.ignore_type = (flags & ASN1_STRFLGS_IGNORE_TYPE) != 0;
  o.show_type = (flags & ASN1_STRFLGS_SHOW_TYPE) != 0;
  o.dump_all = (flags & ASN1_STRFLGS_DUMP_ALL) != 0;
  o.dump_unknown_types = (flags & ASN1_STRFLGS_DUMP_UNKNOWN) != 0;
  o.dump_der = (flags & ASN1_STRFLGS_DUMP_DER) != 0;
  return o;
}

int add_entry(X509_NAME* name, const char* field, int type, const unsigned char* bytes, int len, int loc, int set) {
  if (name == nullptr || field == nullptr || (bytes == nullptr && len != 0)) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_NULL_PARAMETER, "no name, field or value");
    return 0;
  }
  const size_t n = len < 0 ? std::strlen(reinterpret_cast<const char*>(bytes)) : static_cast<size_t>(len);
  const std::string_view value(reinterpret_cast<const char*>(bytes), n);
  cachet::Name edited = name->name;
  cachet::Result<void> added = cachet::Error(cachet::ErrorCode::kUnsupported);
  if (type == MBSTRING_UTF8) {
    added = edited.add(field, value, loc, set);
  } else if (type == MBSTRING_ASC) {
    added = edited.add(field, latin1_to_utf8(value), loc, set);
  } else if ((type & MBSTRING_FLAG) != 0) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_UNSUPPORTED, "BMP and Universal string input is unsupported (use MBSTRING_UTF8)");
    return 0;
  } else if (type > 0 && type < 31) {
    added = edited.add_raw(field, static_cast<uint8_t>(type),
                           std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes), n), loc, set);
  } else {
    PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_INVALID_ARGUMENT, "unknown string type");
    return 0;
  }
  if (!added) {
    PKI_RAISE_ERROR(ERR_LIB_X509, added.error());
    return 0;
  }
  name->name = std::move(edited);
  if (name->touched != nullptr) *name->touched = true;
  return 1;
}

}  // namespace

extern "C" {

X509_NAME* X509_NAME_new(void) { return new (std::nothrow) X509_name_st(); }

void X509_NAME_free(X509_NAME* a) { delete a; }

int X509_NAME_entry_count(const X509_NAME* name) {
  return name == nullptr ? 0 : static_cast<int>(name->name.size());
}

int X509_NAME_cmp(const X509_NAME* a, const X509_NAME* b) {
  if (a == nullptr || b == nullptr) return a == nullptr ? (b == nullptr ? 0 : -1) : 1;
  return a->name.compare(b->name);
}

int X509_NAME_add_entry_by_txt(X509_NAME* name, const char* field, int type, const unsigned char* bytes, int len,
                               int loc, int set) {
  return add_entry(name, field, type, bytes, len, loc, set);
}

int X509_NAME_add_entry_by_NID(X509_NAME* name, int nid, int type, const unsigned char* bytes, int len, int loc,
                               int set) {
  const ObjectInfo* info = object_by_nid(nid);
  if (info == nullptr || nid == NID_undef) {
    PKI_RAISE(ERR_LIB_X509, ERR_R_PASSED_INVALID_ARGUMENT, "unknown NID");
    return 0;
  }
  return add_entry(name, info->oid, type, bytes, len, loc, set);
}

int X509_NAME_get_text_by_NID(const X509_NAME* name, int nid, char* buf, int len) {
  const ObjectInfo* info = object_by_nid(nid);
  if (name == nullptr || info == nullptr) return -1;
  for (const cachet::NameEntry& e : name->name.entries()) {
    if (e.oid != info->oid) continue;
    const std::string& v = e.value;
    if (buf == nullptr) return static_cast<int>(v.size());
    if (len <= 0) return -1;
    const size_t n = std::min(v.size(), static_cast<size_t>(len - 1));
    std::memcpy(buf, v.data(), n);
    buf[n] = '\0';
    return static_cast<int>(n);
  }
  return -1;
}

char* X509_NAME_oneline(const X509_NAME* a, char* buf, int size) {
  const std::string text = a == nullptr ? std::string("NO X509_NAME") : a->name.one_line();
  if (buf == nullptr) {
    char* out = static_cast<char*>(OPENSSL_malloc(text.size() + 1));
    if (out == nullptr) {
      PKI_RAISE(ERR_LIB_X509, ERR_R_MALLOC_FAILURE, "out of memory");
      return nullptr;
    }
    std::memcpy(out, text.c_str(), text.size() + 1);
    return out;
  }
  if (size <= 0) return nullptr;
  const size_t n = std::min(text.size(), static_cast<size_t>(size - 1));
  std::memcpy(buf, text.data(), n);
  buf[n] = '\0';
  return buf;
}

int X509_NAME_print_ex(BIO* out, const X509_NAME* nm, int indent, unsigned long flags) {
  if (out == nullptr || nm == nullptr) return flags == XN_FLAG_COMPAT ? 0 : -1;
  const std::string text = nm->name.print(options_from_flags(flags), indent < 0 ? 0 : indent);
  if (!text.empty() && BIO_write(out, text.data(), static_cast<int>(text.size())) != static_cast<int>(text.size()))
    return flags == XN_FLAG_COMPAT ? 0 : -1;
  return flags == XN_FLAG_COMPAT ? 1 : static_cast<int>(text.size());
}

int X509_NAME_print_ex_fp(FILE* fp, const X509_NAME* nm, int indent, unsigned long flags) {
  if (fp == nullptr || nm == nullptr) return flags == XN_FLAG_COMPAT ? 0 : -1;
  const std::string text = nm->name.print(options_from_flags(flags), indent < 0 ? 0 : indent);
  if (std::fwrite(text.data(), 1, text.size(), fp) != text.size()) return flags == XN_FLAG_COMPAT ? 0 : -1;
  return flags == XN_FLAG_COMPAT ? 1 : static_cast<int>(text.size());
}

}  // extern "C"
