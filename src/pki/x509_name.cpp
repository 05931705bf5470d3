#include "pki/x509_name.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "pki/der.hpp"
#include "pki/oid_names.hpp"

namespace cachet::pki {

namespace {

// ---------------------------------------------------------------------------
// Characters and string types.

// How a string type stores its characters, as OpenSSL reads them.
enum class Width : uint8_t { kOneByte, kTwoBytes, kFourBytes, kUtf8, kUnknown };

Width width_of(uint8_t tag) noexcept {
  switch (tag) {
    case der::kUtf8String: return Width::kUtf8;
    case der::kNumericString:
    case der::kPrintableString:
    case der::kT61String:  // read as Latin-1, as OpenSSL does
    case der::kIa5String:
    case der::kUtcTime:
    case der::kGeneralizedTime:
    case der::kVisibleString: return Width::kOneByte;
    case der::kUniversalString: return Width::kFourBytes;
    case der::kBmpString: return Width::kTwoBytes;
    default: return Width::kUnknown;
  }
}

// Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool decode_utf8(ByteSpan in, std::vector<uint32_t>& out) {
  for (size_t i = 0; i < in.size();) {
    const uint8_t b = in[i];
    size_t n = 0;
    uint32_t c = 0, min = 0;
    if (b < 0x80) { n = 1; c = b; }
    else if ((b & 0xe0) == 0xc0) { n = 2; c = b & 0x1f; min = 0x80; }
    else if ((b & 0xf0) == 0xe0) { n = 3; c = b & 0x0f; min = 0x800; }
    else if ((b & 0xf8) == 0xf0) { n = 4; c = b & 0x07; min = 0x10000; }
    else return false;
    if (i + n > in.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((in[i + k] & 0xc0) != 0x80) return false;
      c = (c << 6) | (in[i + k] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return false;
    out.push_back(c);
    i += n;
  }
  return true;
}

void append_utf8(uint32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
  }
}

// The characters of a value of a known width; false when malformed.
bool decode(ByteSpan value, Width width, std::vector<uint32_t>& out) {
  switch (width) {
    case Width::kOneByte:
      out.assign(value.begin(), value.end());
      return true;
    case Width::kTwoBytes:
      if (value.size() % 2 != 0) return false;
      for (size_t i = 0; i < value.size(); i += 2) out.push_back(uint32_t{value[i]} << 8 | value[i + 1]);
      return true;
    case Width::kFourBytes:
      if (value.size() % 4 != 0) return false;
      for (size_t i = 0; i < value.size(); i += 4) {
        out.push_back(uint32_t{value[i]} << 24 | uint32_t{value[i + 1]} << 16 | uint32_t{value[i + 2]} << 8 |
                      value[i + 3]);
      }
      return true;
    case Width::kUtf8: return decode_utf8(value, out);
    case Width::kUnknown: return false;
  }
  return false;
}

bool is_printable_string_char(uint32_t c) noexcept {
  // X.680 §41.4 PrintableString.
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::strchr(" '()+,-./:=?", static_cast<int>(c)) != nullptr;
}

constexpr char kHexUpper[] = "0123456789ABCDEF";

void append_hex_byte(uint8_t b, std::string& out) {
  out.push_back(kHexUpper[b >> 4]);
  out.push_back(kHexUpper[b & 0x0f]);
}

// ---------------------------------------------------------------------------
// X509_NAME_print_ex value escaping.

// Escape classes (our own bit values).
enum : uint16_t {
  kEsc2253 = 1 << 0,    // , + " \ < > ;
  kEscFirst = 1 << 1,   // ' ' and '#' as the first character
  kEscLast = 1 << 2,    // ' ' as the last character
  kEscCtrl = 1 << 3,    // 0x00-0x1f, 0x7f
  kEscMsb = 1 << 4,     // bytes above 0x7f
  kEsc2254 = 1 << 5,    // NUL ( ) * backslash
  kEscQuote = 1 << 6,   // quote the value instead of backslash-escaping
};

uint16_t char_class(uint8_t c) noexcept {
  uint16_t k = 0;
  if (c != 0 && std::strchr(",+\"\\<>;", c) != nullptr) k |= kEsc2253;
  if (c == ' ' || c == '#') k |= kEscFirst;
  if (c == ' ') k |= kEscLast;
  if (c < 0x20 || c == 0x7f) k |= kEscCtrl;
  if (c == 0 || c == '(' || c == ')' || c == '*' || c == '\\') k |= kEsc2254;
  return k;
}

void escape_char(uint32_t c, uint16_t flags, bool& quotes, std::string& out) {
  char buf[16];
  if (c > 0xffff) {
    std::snprintf(buf, sizeof(buf), "\\W%08X", static_cast<unsigned>(c));
    out += buf;
    return;
  }
  if (c > 0xff) {
    std::snprintf(buf, sizeof(buf), "\\U%04X", static_cast<unsigned>(c));
    out += buf;
    return;
  }
  const uint8_t ch = static_cast<uint8_t>(c);
  const uint16_t hit = ch > 0x7f ? (flags & kEscMsb) : (char_class(ch) & flags);
  if (hit & (kEsc2253 | kEscFirst | kEscLast)) {
    // Quoting protects the other specials; '"' and '\' are escaped even
    // inside quotes (and do not on their own ask for them).
    if ((flags & kEscQuote) && ch != '"' && ch != '\\') {
      quotes = true;
    } else {
      out.push_back('\\');
    }
    out.push_back(static_cast<char>(ch));
    return;
  }
  if (hit & (kEscCtrl | kEscMsb | kEsc2254)) {
    out.push_back('\\');
    append_hex_byte(ch, out);
    return;
  }
  const uint16_t any_escaping = kEsc2253 | kEscCtrl | kEscMsb | kEsc2254 | kEscQuote;
  if (ch == '\\' && (flags & any_escaping)) {
    out += "\\\\";
    return;
  }
  out.push_back(static_cast<char>(ch));
}

std::string_view tag_name(uint8_t tag) noexcept {
  switch (tag) {
    case der::kUtf8String: return "UTF8STRING";
    case der::kNumericString: return "NUMERICSTRING";
    case der::kPrintableString: return "PRINTABLESTRING";
    case der::kT61String: return "T61STRING";
    case der::kIa5String: return "IA5STRING";
    case der::kUtcTime: return "UTCTIME";
    case der::kGeneralizedTime: return "GENERALIZEDTIME";
    case der::kVisibleString: return "VISIBLESTRING";
    case der::kUniversalString: return "UNIVERSALSTRING";
    case der::kBmpString: return "BMPSTRING";
    case der::kOctetString: return "OCTET STRING";
    case der::kSequence: return "SEQUENCE";
    case der::kSet: return "SET";
    default: return "(unknown)";
  }
}

void dump_value(const NameAva& ava, bool as_der, std::string& out) {
  out.push_back('#');
  const Bytes encoded = as_der ? der::encode(ava.tag, ava.value) : ava.value;
  for (uint8_t b : encoded) append_hex_byte(b, out);
}

// One value as X509_NAME_print_ex's string printer lays it out.
std::string print_value(const NameAva& ava, const NamePrintOptions& o, bool dump_field) {
  std::string out;
  if (o.show_type) {
    out += tag_name(ava.tag);
    out.push_back(':');
  }
  Width width = Width::kUnknown;
  if (o.dump_all || dump_field) {
    width = Width::kUnknown;
  } else if (o.ignore_type) {
    width = Width::kOneByte;
  } else {
    width = width_of(ava.tag);
    if (width == Width::kUnknown && !o.dump_unknown_types) width = Width::kOneByte;
  }
  if (width == Width::kUnknown) {
    dump_value(ava, o.dump_der, out);
    return out;
  }
  // Converting UTF-8 to UTF-8 is a no-op: OpenSSL reads it byte by byte.
  bool to_utf8 = false;
  if (o.utf8_convert) {
    if (width == Width::kUtf8) width = Width::kOneByte;
    else to_utf8 = true;
  }
  std::vector<uint32_t> chars;
  if (!decode(ava.value, width, chars)) {
    dump_value(ava, true, out);  // OpenSSL fails here; a dump is the honest fallback
    return out;
  }
  uint16_t flags = 0;
  if (o.escape_rfc2253) flags |= kEsc2253;
  if (o.escape_rfc2254) flags |= kEsc2254;
  if (o.escape_control) flags |= kEscCtrl;
  if (o.escape_msb) flags |= kEscMsb;
  if (o.quote_instead_of_escape) flags |= kEscQuote;
  bool quotes = false;
  std::string body;
  for (size_t i = 0; i < chars.size(); ++i) {
    // RFC 4514 §2.4: a leading ' ' or '#' and a trailing ' ' are escaped.
    // (As in OpenSSL, a one-character value counts only as "last".)
    uint16_t position = 0;
    if (o.escape_rfc2253) {
      if (i == 0) position = kEscFirst;
      if (i + 1 == chars.size()) position = kEscLast;
    }
    if (to_utf8) {
      std::string encoded;
      append_utf8(chars[i], encoded);
      for (char b : encoded) escape_char(static_cast<uint8_t>(b), flags | position, quotes, body);
    } else {
      escape_char(chars[i], flags | position, quotes, body);
    }
  }
  if (quotes) out.push_back('"');
  out += body;
  if (quotes) out.push_back('"');
  return out;
}

// X509_NAME_print's legacy form, derived from the oneline text: a '/' that
// starts "X=" or "XY=" (upper case) becomes ", ".
std::string legacy_from_oneline(const std::string& oneline) {
  if (oneline.empty()) return {};
  std::string out;
  const char* s = oneline.c_str() + 1;
  const char* start = s;
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  for (;; ++s) {
    const bool boundary =
        *s == '\0' || (*s == '/' && upper(s[1]) && (s[2] == '=' || (upper(s[2]) && s[3] == '=')));
    if (boundary) {
      out.append(start, s);
      if (*s == '\0') break;
      out += ", ";
      start = s + 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Canonical form (X509_NAME_cmp).

bool is_space(uint8_t c) noexcept { return c == ' ' || (c >= '\t' && c <= '\r'); }

Bytes canonical_value(const NameAva& ava) {
  switch (ava.tag) {
    case der::kUtf8String: case der::kBmpString: case der::kUniversalString: case der::kPrintableString:
    case der::kT61String: case der::kIa5String: case der::kVisibleString: break;
    default: return der::encode(ava.tag, ava.value);
  }
  std::vector<uint32_t> chars;
  if (!decode(ava.value, width_of(ava.tag), chars)) return der::encode(ava.tag, ava.value);
  std::string utf8;
  for (uint32_t c : chars) append_utf8(c, utf8);
  size_t begin = 0, end = utf8.size();
  while (begin < end && is_space(static_cast<uint8_t>(utf8[begin]))) ++begin;
  while (end > begin && is_space(static_cast<uint8_t>(utf8[end - 1]))) --end;
  Bytes folded;
  for (size_t i = begin; i < end;) {
    const uint8_t c = static_cast<uint8_t>(utf8[i]);
    if (c >= 0x80) {
      folded.push_back(c);
      ++i;
    } else if (is_space(c)) {
      folded.push_back(' ');
      while (i < end && is_space(static_cast<uint8_t>(utf8[i]))) ++i;
    } else {
      folded.push_back(static_cast<uint8_t>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
      ++i;
    }
  }
  return der::encode(der::kUtf8String, folded);
}

// X.690 §11.6: SET OF components in ascending order of their encodings.
bool der_less(const Bytes& a, const Bytes& b) {
  const size_t n = std::min(a.size(), b.size());
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  return c != 0 ? c < 0 : a.size() < b.size();
}

Result<Bytes> encode_ava(const NameAva& ava, bool canonical) {
  CACHET_ASSIGN_OR_RETURN(Bytes oid, der::oid_from_string(ava.oid));
  Bytes body = der::encode(der::kOid, oid);
  const Bytes value = canonical ? canonical_value(ava) : der::encode(ava.tag, ava.value);
  body.insert(body.end(), value.begin(), value.end());
  return der::encode(der::kSequence, body);
}

// The RDN SETs, concatenated.
Result<Bytes> encode_rdns(const std::vector<NameAva>& avas, bool canonical) {
  Bytes out;
  for (size_t i = 0; i < avas.size();) {
    std::vector<Bytes> members;
    size_t j = i;
    for (; j < avas.size() && avas[j].set == avas[i].set; ++j) {
      CACHET_ASSIGN_OR_RETURN(Bytes member, encode_ava(avas[j], canonical));
      members.push_back(std::move(member));
    }
    std::sort(members.begin(), members.end(), der_less);
    Bytes set_body;
    for (const Bytes& m : members) set_body.insert(set_body.end(), m.begin(), m.end());
    der::append(out, der::kSet, set_body);
    i = j;
  }
  return out;
}

// Keeps RDN indices contiguous from 0 after an edit.
void renumber(std::vector<NameAva>& avas) {
  int next = -1, last_seen = 0;
  for (size_t i = 0; i < avas.size(); ++i) {
    if (i == 0 || avas[i].set != last_seen) ++next;
    last_seen = avas[i].set;
    avas[i].set = next;
  }
}

}  // namespace

// ---------------------------------------------------------------------------

X509Name::X509Name() : der_{der::kSequence, 0x00} {}

Result<X509Name> X509Name::from_der(ByteSpan der_bytes) {
  ByteReader outer(der_bytes);
  CACHET_ASSIGN_OR_RETURN(der::Element name, der::read(outer, der::kSequence));
  CACHET_TRY(outer.expect_empty());
  X509Name out;
  ByteReader rdns(name.content);
  for (int index = 0; !rdns.empty(); ++index) {
    CACHET_ASSIGN_OR_RETURN(der::Element rdn, der::read(rdns, der::kSet));
    ByteReader members(rdn.content);
    while (!members.empty()) {
      if (out.avas_.size() >= kMaxNameEntries) return Error(ErrorCode::kLengthTooLarge, "pki: too many name entries");
      CACHET_ASSIGN_OR_RETURN(der::Element atv, der::read(members, der::kSequence));
      ByteReader fields(atv.content);
      CACHET_ASSIGN_OR_RETURN(der::Element oid, der::read(fields, der::kOid));
      CACHET_ASSIGN_OR_RETURN(der::Element value, der::read(fields));
      CACHET_TRY(fields.expect_empty());
      NameAva ava;
      CACHET_ASSIGN_OR_RETURN(ava.oid, der::oid_to_string(oid.content));
      ava.tag = value.tag;
      ava.value.assign(value.content.begin(), value.content.end());
      ava.set = index;
      out.avas_.push_back(std::move(ava));
    }
  }
  out.der_.assign(name.encoded.begin(), name.encoded.end());
  return out;
}

Result<std::string> resolve_attribute(std::string_view field) {
  if (const AttributeInfo* info = attribute_by_name(field)) return std::string(info->oid);
  if (der::oid_from_string(field).ok()) return std::string(field);
  return Error(ErrorCode::kInvalidArgument, "pki: unknown name attribute");
}

Result<void> X509Name::add_utf8(std::string_view field, std::string_view value, int loc, int set) {
  CACHET_ASSIGN_OR_RETURN(std::string oid, resolve_attribute(field));
  std::vector<uint32_t> chars;
  if (!decode_utf8(as_bytes(value), chars)) return Error(ErrorCode::kInvalidArgument, "pki: name value is not UTF-8");
  const AttributeInfo* info = attribute_by_oid(oid);
  const StringRule rule = info != nullptr ? info->rule : StringRule::kUtf8;
  const int64_t count = static_cast<int64_t>(chars.size());
  if (info != nullptr && info->min_chars >= 0 && count < info->min_chars) {
    return Error(ErrorCode::kInvalidArgument, "pki: name value too short for the attribute");
  }
  if (info != nullptr && info->max_chars >= 0 && count > info->max_chars) {
    return Error(ErrorCode::kInvalidArgument, "pki: name value too long for the attribute");
  }
  NameAva ava;
  ava.oid = std::move(oid);
  auto all = [&chars](auto predicate) { return std::all_of(chars.begin(), chars.end(), predicate); };
  switch (rule) {
    case StringRule::kUtf8:
      ava.tag = der::kUtf8String;
      ava.value.assign(value.begin(), value.end());
      break;
    case StringRule::kPrintable:
      if (!all(is_printable_string_char)) return Error(ErrorCode::kInvalidArgument, "pki: value not a PrintableString");
      ava.tag = der::kPrintableString;
      ava.value.assign(value.begin(), value.end());
      break;
    case StringRule::kIa5:
      if (!all([](uint32_t c) { return c < 0x80; })) return Error(ErrorCode::kInvalidArgument, "pki: value not IA5");
      ava.tag = der::kIa5String;
      ava.value.assign(value.begin(), value.end());
      break;
    case StringRule::kNumeric:
      if (!all([](uint32_t c) { return c == ' ' || (c >= '0' && c <= '9'); })) {
        return Error(ErrorCode::kInvalidArgument, "pki: value not a NumericString");
      }
      ava.tag = der::kNumericString;
      ava.value.assign(value.begin(), value.end());
      break;
    case StringRule::kBmp:
      if (!all([](uint32_t c) { return c <= 0xffff; })) return Error(ErrorCode::kInvalidArgument, "pki: value not BMP");
      ava.tag = der::kBmpString;
      for (uint32_t c : chars) {
        ava.value.push_back(static_cast<uint8_t>(c >> 8));
        ava.value.push_back(static_cast<uint8_t>(c));
      }
      break;
  }
  return insert(std::move(ava), loc, set);
}

Result<void> X509Name::add_raw(std::string_view field, uint8_t tag, ByteSpan value, int loc, int set) {
  CACHET_ASSIGN_OR_RETURN(std::string oid, resolve_attribute(field));
  // Constructed or high-tag-number values are not strings.
  if ((tag & 0x20) != 0 || (tag & 0x1f) == 0x1f) return Error(ErrorCode::kInvalidArgument, "pki: not a string tag");
  NameAva ava;
  ava.oid = std::move(oid);
  ava.tag = tag;
  ava.value.assign(value.begin(), value.end());
  return insert(std::move(ava), loc, set);
}

Result<void> X509Name::insert(NameAva ava, int loc, int set) {
  if (avas_.size() >= kMaxNameEntries) return Error(ErrorCode::kLengthTooLarge, "pki: too many name entries");
  if (ava.value.size() > kMaxNameValueSize) return Error(ErrorCode::kLengthTooLarge, "pki: name value too large");
  if (set < -1 || set > 1) return Error(ErrorCode::kInvalidArgument, "pki: set must be -1, 0 or 1");
  // X509_NAME_add_entry's placement rules.
  const int n = static_cast<int>(avas_.size());
  if (loc < 0 || loc > n) loc = n;
  bool new_rdn = set == 0;
  int index = 0;
  if (set == -1) {
    if (loc == 0) {
      new_rdn = true;
    } else {
      index = avas_[static_cast<size_t>(loc - 1)].set;
    }
  } else if (loc >= n) {
    index = loc == 0 ? 0 : avas_[static_cast<size_t>(loc - 1)].set + 1;
  } else {
    index = avas_[static_cast<size_t>(loc)].set;
  }
  ava.set = index;
  std::vector<NameAva> edited = avas_;
  edited.insert(edited.begin() + loc, std::move(ava));
  if (new_rdn) {
    for (size_t i = static_cast<size_t>(loc) + 1; i < edited.size(); ++i) ++edited[i].set;
  }
  return commit(std::move(edited));
}

Result<void> X509Name::remove(size_t index) {
  if (index >= avas_.size()) return Error(ErrorCode::kOutOfRange, "pki: no such name entry");
  std::vector<NameAva> edited = avas_;
  edited.erase(edited.begin() + static_cast<std::ptrdiff_t>(index));
  return commit(std::move(edited));
}

Result<void> X509Name::commit(std::vector<NameAva> avas) {
  renumber(avas);
  CACHET_ASSIGN_OR_RETURN(Bytes rdns, encode_rdns(avas, false));
  avas_ = std::move(avas);
  der_ = der::encode(der::kSequence, rdns);
  return ok();
}

std::string X509Name::one_line() const {
  std::string out;
  for (size_t i = 0; i < avas_.size(); ++i) {
    const NameAva& ava = avas_[i];
    // '+' joins the members of a multi-valued RDN, '/' starts the next RDN.
    out.push_back(i > 0 && avas_[i - 1].set == ava.set ? '+' : '/');
    out += attribute_short_name(ava.oid);
    out.push_back('=');
    // A GeneralString whose length is a multiple of 4 and whose first three
    // bytes of every group are zero is printed as the fourth bytes only
    // (OpenSSL's heuristic for UCS-4 mislabelled as GeneralString).
    bool keep[4] = {true, true, true, true};
    constexpr uint8_t kGeneralString = 0x1b;
    if (ava.tag == kGeneralString && ava.value.size() % 4 == 0 && !ava.value.empty()) {
      bool nonzero[4] = {false, false, false, false};
      for (size_t j = 0; j < ava.value.size(); ++j) nonzero[j & 3] |= ava.value[j] != 0;
      if (!(nonzero[0] || nonzero[1] || nonzero[2])) keep[0] = keep[1] = keep[2] = false;
    }
    for (size_t j = 0; j < ava.value.size(); ++j) {
      if (!keep[j & 3]) continue;
      const uint8_t c = ava.value[j];
      if (c < ' ' || c > '~') {
        out += "\\x";
        append_hex_byte(c, out);
      } else {
        if (c == '/' || c == '+') out.push_back('\\');
        out.push_back(static_cast<char>(c));
      }
    }
  }
  return out;
}

std::string X509Name::print(const NamePrintOptions& o, int indent) const {
  if (o.legacy) return legacy_from_oneline(one_line());
  std::string_view sep_rdn = ", ", sep_multi = " + ";
  switch (o.separator) {
    case NamePrintOptions::Separator::kComma: sep_rdn = ","; sep_multi = "+"; break;
    case NamePrintOptions::Separator::kCommaSpace: break;
    case NamePrintOptions::Separator::kSemicolonSpace: sep_rdn = "; "; break;
    case NamePrintOptions::Separator::kMultiline: sep_rdn = "\n"; break;
  }
  if (indent < 0) indent = 0;
  std::string out(static_cast<size_t>(indent), ' ');
  const size_t line_indent = o.separator == NamePrintOptions::Separator::kMultiline ? static_cast<size_t>(indent) : 0;
  const std::string_view sep_eq = o.spaces_around_equals ? " = " : "=";
  const size_t n = avas_.size();
  for (size_t k = 0; k < n; ++k) {
    const NameAva& ava = avas_[o.reverse ? n - 1 - k : k];
    if (k > 0) {
      const NameAva& prev = avas_[o.reverse ? n - k : k - 1];
      if (prev.set == ava.set) {
        out += sep_multi;
      } else {
        out += sep_rdn;
        out.append(line_indent, ' ');
      }
    }
    const AttributeInfo* info = attribute_by_oid(ava.oid);
    if (o.field_names != NamePrintOptions::FieldNames::kNone) {
      std::string_view field = ava.oid;
      size_t width = 0;
      if (info != nullptr && o.field_names == NamePrintOptions::FieldNames::kShort) {
        field = info->short_name;
        width = 10;
      } else if (info != nullptr && o.field_names == NamePrintOptions::FieldNames::kLong) {
        field = info->long_name;
        width = 25;
      }
      out += field;
      if (o.align_field_names && field.size() < width) out.append(width - field.size(), ' ');
      out += sep_eq;
    }
    out += print_value(ava, o, o.dump_unknown_fields && info == nullptr);
  }
  return out;
}

Bytes X509Name::canonical() const {
  if (avas_.empty()) return {};
  auto rdns = encode_rdns(avas_, true);
  return rdns.ok() ? std::move(rdns).value() : Bytes();
}

std::string ava_utf8(const NameAva& ava) {
  std::vector<uint32_t> chars;
  if (!decode(ava.value, width_of(ava.tag), chars)) return std::string(ava.value.begin(), ava.value.end());
  std::string out;
  for (uint32_t c : chars) append_utf8(c, out);
  return out;
}

}  // namespace cachet::pki
