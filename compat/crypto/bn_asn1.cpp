// BIGNUM and ASN1_INTEGER/TIME/STRING, plus the shared DER/ERR helpers of
// the PKI subset.
#include "pki_local.hpp"

#include <cstdio>
#include <cstring>
#include <ctime>

namespace cachet_compat {

void raise(int lib, int reason, const char* file, int line, const char* func, const char* what) {
  ERR_new();
  ERR_set_debug(file, line, func);
  ERR_set_error(lib, reason, "%s", what);
}

void raise_error(int lib, const cachet::Error& error, const char* file, int line, const char* func) {
  int reason = ERR_R_INTERNAL_ERROR;
  switch (error.code()) {
    case cachet::ErrorCode::kUnsupported: reason = ERR_R_UNSUPPORTED; break;
    case cachet::ErrorCode::kInvalidArgument:
    case cachet::ErrorCode::kOutOfRange: reason = ERR_R_PASSED_INVALID_ARGUMENT; break;
    default: reason = lib == ERR_LIB_PEM ? ERR_R_ASN1_LIB : ERR_R_INTERNAL_ERROR; break;
  }
  if (error.code() == cachet::ErrorCode::kAuthenticationFailed && lib == ERR_LIB_PEM) reason = 101;  // PEM_R_BAD_DECRYPT
  ERR_new();
  ERR_set_debug(file, line, func);
  const std::string_view name = cachet::error_code_name(error.code());
  ERR_set_error(lib, reason, "%.*s: %s", static_cast<int>(name.size()), name.data(), error.what());
}

int i2d_output(std::span<const uint8_t> bytes, unsigned char** out) {
  const int n = static_cast<int>(bytes.size());
  if (out == nullptr) return n;
  if (*out == nullptr) {
    auto* buf = static_cast<unsigned char*>(OPENSSL_malloc(bytes.size() == 0 ? 1 : bytes.size()));
    if (buf == nullptr) {
      PKI_RAISE(ERR_LIB_ASN1, ERR_R_MALLOC_FAILURE, "out of memory");
      return -1;
    }
    std::memcpy(buf, bytes.data(), bytes.size());
    *out = buf;
    return n;
  }
  std::memcpy(*out, bytes.data(), bytes.size());
  *out += n;
  return n;
}

size_t der_tlv_length(const unsigned char* in, size_t avail) {
  if (in == nullptr || avail < 2) return 0;
  const size_t first = in[1];
  size_t header = 2, length = 0;
  if (first < 0x80) {
    length = first;
  } else {
    const size_t octets = first & 0x7f;
    if (octets == 0 || octets > 4 || avail < 2 + octets) return 0;
    for (size_t i = 0; i < octets; ++i) length = (length << 8) | in[2 + i];
    header += octets;
  }
  if (length > avail - header) return 0;
  return header + length;
}

std::optional<std::vector<uint8_t>> read_der_from_bio(BIO* bio) {
  std::vector<uint8_t> der(2);
  if (bio == nullptr || BIO_read(bio, der.data(), 2) != 2) return std::nullopt;
  size_t length = der[1];
  if (der[1] >= 0x80) {
    const size_t octets = der[1] & 0x7f;
    if (octets == 0 || octets > 4) return std::nullopt;
    der.resize(2 + octets);
    if (BIO_read(bio, der.data() + 2, static_cast<int>(octets)) != static_cast<int>(octets)) return std::nullopt;
    length = 0;
    for (size_t i = 0; i < octets; ++i) length = (length << 8) | der[2 + i];
  }
  if (length > (1u << 24)) return std::nullopt;
  const size_t header = der.size();
  der.resize(header + length);
  size_t got = 0;
  while (got < length) {
    const int n = BIO_read(bio, der.data() + header + got, static_cast<int>(length - got));
    if (n <= 0) return std::nullopt;
    got += static_cast<size_t>(n);
  }
  return der;
}

std::vector<uint8_t> base64_decode(std::string_view text) {
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  return out;
}

void asn1_integer_from_magnitude(ASN1_INTEGER* a, std::span<const uint8_t> magnitude, bool negative) {
  size_t skip = 0;
  while (skip < magnitude.size() && magnitude[skip] == 0) ++skip;
  a->data.assign(magnitude.begin() + static_cast<std::ptrdiff_t>(skip), magnitude.end());
  a->type = negative && !a->data.empty() ? kV_ASN1_NEG_INTEGER : V_ASN1_INTEGER;
  a->touch();
}

void asn1_time_from_unix(ASN1_TIME* t, int64_t unix_seconds) {
  const time_t secs = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[32];
  const int year = tm.tm_year + 1900;
  if (year >= 1950 && year < 2050) {
    std::snprintf(buf, sizeof buf, "%02d%02d%02d%02d%02d%02dZ", year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec);
    t->type = V_ASN1_UTCTIME;
  } else {
    std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02dZ", year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec);
    t->type = V_ASN1_GENERALIZEDTIME;
  }
  t->data.assign(buf, buf + std::strlen(buf));
  t->touch();
}

namespace {

bool time_to_tm(const ASN1_TIME* t, struct tm* out) {
  if (t == nullptr) return false;
  const std::string s(t->data.begin(), t->data.end());
  const size_t year_digits = t->type == V_ASN1_UTCTIME ? 2 : 4;
  if (s.size() != year_digits + 11 || s.back() != 'Z') return false;
  for (size_t i = 0; i + 1 < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  auto num = [&](size_t pos, size_t n) { return std::stoi(s.substr(pos, n)); };
  struct tm tm {};
  int year = num(0, year_digits);
  if (year_digits == 2) year += year < 50 ? 2000 : 1900;
  tm.tm_year = year - 1900;
  tm.tm_mon = num(year_digits, 2) - 1;
  tm.tm_mday = num(year_digits + 2, 2);
  tm.tm_hour = num(year_digits + 4, 2);
  tm.tm_min = num(year_digits + 6, 2);
  tm.tm_sec = num(year_digits + 8, 2);
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    return false;
  // Normalise and fill in the weekday and day of the year.
  const time_t secs = timegm(&tm);
  gmtime_r(&secs, out);
  return true;
}

}  // namespace

std::optional<int64_t> asn1_time_to_unix(const ASN1_TIME* t) {
  struct tm tm {};
  if (!time_to_tm(t, &tm)) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace cachet_compat

using namespace cachet_compat;

namespace {

void trim(std::vector<uint8_t>& v) {
  size_t skip = 0;
  while (skip < v.size() && v[skip] == 0) ++skip;
  v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(skip));
}

int fill_random(BIGNUM* rnd, int bits, int top, int bottom) {
  if (rnd == nullptr || bits < 0 || (bits == 0 && (top != BN_RAND_TOP_ANY || bottom != BN_RAND_BOTTOM_ANY)) ||
      (bits == 1 && top > 0)) {
    PKI_RAISE(ERR_LIB_BN, ERR_R_PASSED_INVALID_ARGUMENT, "bad bit count");
    return 0;
  }
  if (bits == 0) {
    rnd->magnitude.clear();
    rnd->negative = false;
    return 1;
  }
  const int bytes = (bits + 7) / 8;
  std::vector<uint8_t> buf(static_cast<size_t>(bytes));
  if (RAND_bytes(buf.data(), bytes) != 1) {
    PKI_RAISE(ERR_LIB_BN, ERR_R_RAND_LIB, "no randomness");
    return 0;
  }
  const int bit = (bits - 1) % 8;  // the top bit's position in buf[0]
  buf[0] &= static_cast<uint8_t>((1u << (bit + 1)) - 1);
  if (top >= BN_RAND_TOP_ONE) {
    buf[0] |= static_cast<uint8_t>(1u << bit);
    if (top == BN_RAND_TOP_TWO) {
      if (bit > 0) buf[0] |= static_cast<uint8_t>(1u << (bit - 1));
      else buf[1] |= 0x80;
    }
  }
  if (bottom == BN_RAND_BOTTOM_ODD) buf.back() |= 1;
  trim(buf);
  rnd->magnitude = std::move(buf);
  rnd->negative = false;
  return 1;
}

}  // namespace

extern "C" {

BIGNUM* BN_new(void) { return new (std::nothrow) bignum_st(); }

void BN_free(BIGNUM* a) { delete a; }

int BN_set_word(BIGNUM* a, unsigned long w) {
  if (a == nullptr) return 0;
  a->magnitude.clear();
  for (int shift = static_cast<int>(sizeof w * 8) - 8; shift >= 0; shift -= 8)
    a->magnitude.push_back(static_cast<uint8_t>(w >> shift));
  trim(a->magnitude);
  a->negative = false;
  return 1;
}

int BN_num_bits(const BIGNUM* a) {
  if (a == nullptr || a->magnitude.empty()) return 0;
  int bits = static_cast<int>(a->magnitude.size() - 1) * 8;
  for (uint8_t top = a->magnitude[0]; top != 0; top >>= 1) ++bits;
  return bits;
}

int BN_rand(BIGNUM* rnd, int bits, int top, int bottom) { return fill_random(rnd, bits, top, bottom); }

int BN_pseudo_rand(BIGNUM* rnd, int bits, int top, int bottom) { return fill_random(rnd, bits, top, bottom); }

BIGNUM* BN_bin2bn(const unsigned char* s, int len, BIGNUM* ret) {
  if (len < 0 || (s == nullptr && len > 0)) return nullptr;
  BIGNUM* bn = ret != nullptr ? ret : BN_new();
  if (bn == nullptr) return nullptr;
  bn->magnitude.assign(s, s + len);
  trim(bn->magnitude);
  bn->negative = false;
  return bn;
}

int BN_bn2bin(const BIGNUM* a, unsigned char* to) {
  if (a == nullptr) return 0;
  if (to != nullptr && !a->magnitude.empty()) std::memcpy(to, a->magnitude.data(), a->magnitude.size());
  return static_cast<int>(a->magnitude.size());
}

char* BN_bn2hex(const BIGNUM* a) {
  if (a == nullptr) return nullptr;
  std::string hex = a->negative ? "-" : "";
  if (a->magnitude.empty()) hex += "0";
  static const char kDigits[] = "0123456789ABCDEF";
  for (uint8_t b : a->magnitude) {
    hex += kDigits[b >> 4];
    hex += kDigits[b & 15];
  }
  char* out = static_cast<char*>(OPENSSL_malloc(hex.size() + 1));
  if (out == nullptr) return nullptr;
  std::memcpy(out, hex.c_str(), hex.size() + 1);
  return out;
}

int ASN1_STRING_length(const ASN1_STRING* x) { return x == nullptr ? 0 : static_cast<int>(x->data.size()); }

const unsigned char* ASN1_STRING_get0_data(const ASN1_STRING* x) {
  return x == nullptr ? nullptr : x->data.data();
}

ASN1_INTEGER* ASN1_INTEGER_new(void) {
  auto* a = new (std::nothrow) asn1_string_st();
  if (a != nullptr) a->type = V_ASN1_INTEGER;
  return a;
}

void ASN1_INTEGER_free(ASN1_INTEGER* a) { delete a; }

int ASN1_INTEGER_set(ASN1_INTEGER* a, long v) {
  if (a == nullptr) return 0;
  const bool negative = v < 0;
  unsigned long mag = negative ? 0UL - static_cast<unsigned long>(v) : static_cast<unsigned long>(v);
  std::vector<uint8_t> bytes;
  for (int shift = static_cast<int>(sizeof mag * 8) - 8; shift >= 0; shift -= 8)
    bytes.push_back(static_cast<uint8_t>(mag >> shift));
  asn1_integer_from_magnitude(a, bytes, negative);
  return 1;
}

long ASN1_INTEGER_get(const ASN1_INTEGER* a) {
  if (a == nullptr) return 0;
  if (a->data.size() > sizeof(long)) return -1;
  unsigned long v = 0;
  for (uint8_t b : a->data) v = (v << 8) | b;
  if (v > static_cast<unsigned long>(LONG_MAX)) return -1;
  return a->type == kV_ASN1_NEG_INTEGER ? -static_cast<long>(v) : static_cast<long>(v);
}

ASN1_INTEGER* BN_to_ASN1_INTEGER(const BIGNUM* bn, ASN1_INTEGER* ai) {
  if (bn == nullptr) return nullptr;
  ASN1_INTEGER* a = ai != nullptr ? ai : ASN1_INTEGER_new();
  if (a == nullptr) return nullptr;
  asn1_integer_from_magnitude(a, bn->magnitude, bn->negative);
  return a;
}

BIGNUM* ASN1_INTEGER_to_BN(const ASN1_INTEGER* ai, BIGNUM* bn) {
  if (ai == nullptr) return nullptr;
  BIGNUM* out = bn != nullptr ? bn : BN_new();
  if (out == nullptr) return nullptr;
  out->magnitude = ai->data;
  trim(out->magnitude);
  out->negative = ai->type == kV_ASN1_NEG_INTEGER && !out->magnitude.empty();
  return out;
}

int ASN1_TIME_to_tm(const ASN1_TIME* s, struct tm* tm) {
  if (tm == nullptr) return 0;
  if (s == nullptr) {
    const time_t now = std::time(nullptr);
    return gmtime_r(&now, tm) != nullptr ? 1 : 0;
  }
  const auto secs = asn1_time_to_unix(s);
  if (!secs) {
    PKI_RAISE(ERR_LIB_ASN1, ERR_R_PASSED_INVALID_ARGUMENT, "malformed time");
    return 0;
  }
  const time_t t = static_cast<time_t>(*secs);
  return gmtime_r(&t, tm) != nullptr ? 1 : 0;
}

int ASN1_TIME_print(BIO* bp, const ASN1_TIME* tm) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm t {};
  const auto secs = asn1_time_to_unix(tm);
  if (bp == nullptr || !secs) {
    if (bp != nullptr) BIO_write(bp, "Bad time value", 14);
    return 0;
  }
  const time_t v = static_cast<time_t>(*secs);
  gmtime_r(&v, &t);
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%s %2d %02d:%02d:%02d %d GMT", kMonths[t.tm_mon], t.tm_mday,
                              t.tm_hour, t.tm_min, t.tm_sec, t.tm_year + 1900);
  return BIO_write(bp, buf, n) == n ? 1 : 0;
}

}  // extern "C"
