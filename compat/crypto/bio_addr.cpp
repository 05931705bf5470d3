// BIO_ADDR: an IPv4, IPv6 or Unix-domain socket address (see the union in
// crypto_local.hpp). Ports and raw addresses are in network byte order.
#include "crypto_local.hpp"

#include <netdb.h>

#include <cstdio>
#include <cstring>
#include <new>

using namespace cachet_compat;

socklen_t cachet_compat::bio_addr_sockaddr_size(const BIO_ADDR* ap) {
  switch (ap->sa.sa_family) {
    case AF_INET:
      return sizeof(sockaddr_in);
    case AF_INET6:
      return sizeof(sockaddr_in6);
    case AF_UNIX:
      return sizeof(sockaddr_un);
    default:
      return sizeof(BIO_ADDR);
  }
}

int cachet_compat::bio_addr_make(BIO_ADDR* ap, const struct sockaddr* sa) {
  if (sa == nullptr) return 0;
  switch (sa->sa_family) {
    case AF_INET:
      std::memcpy(&ap->s_in, sa, sizeof(sockaddr_in));
      return 1;
    case AF_INET6:
      std::memcpy(&ap->s_in6, sa, sizeof(sockaddr_in6));
      return 1;
    case AF_UNIX:
      std::memcpy(&ap->s_un, sa, sizeof(sockaddr_un));
      return 1;
    default:
      return 0;
  }
}

namespace {

// The host and service of an address as getnameinfo(3) gives them (numeric
// or looked up); a Unix-domain address is "localhost" and its path.
bool name_info(const BIO_ADDR* ap, bool numeric, std::string* host, std::string* service) {
  if (ap->sa.sa_family == AF_UNIX) {
    if (host != nullptr) *host = "localhost";
    if (service != nullptr) *service = ap->s_un.sun_path;
    return true;
  }
  char h[NI_MAXHOST];
  char s[NI_MAXSERV];
  const int flags = numeric ? (NI_NUMERICHOST | NI_NUMERICSERV) : 0;
  const int rc = getnameinfo(&ap->sa, bio_addr_sockaddr_size(ap), h, sizeof h, s, sizeof s, flags);
  if (rc != 0) {
    ERR_new();
    ERR_set_debug(__FILE__, __LINE__, __func__);
    ERR_set_error(ERR_LIB_BIO, ERR_R_SYS_LIB, "%s", gai_strerror(rc));
    return false;
  }
  if (s[0] == '\0') std::snprintf(s, sizeof s, "%d", ntohs(BIO_ADDR_rawport(ap)));
  if (host != nullptr) *host = h;
  if (service != nullptr) *service = s;
  return true;
}

char* dup_for_caller(const std::string& s) {
  char* out = OPENSSL_strdup(s.c_str());
  if (out == nullptr) raise_error(ERR_LIB_BIO, ERR_R_MALLOC_FAILURE);
  return out;
}

}  // namespace

extern "C" {

BIO_ADDR* BIO_ADDR_new(void) {
  BIO_ADDR* ap = new (std::nothrow) BIO_ADDR;
  if (ap == nullptr) {
    raise_error(ERR_LIB_BIO, ERR_R_MALLOC_FAILURE);
    return nullptr;
  }
  BIO_ADDR_clear(ap);
  return ap;
}

void BIO_ADDR_free(BIO_ADDR* ap) { delete ap; }

void BIO_ADDR_clear(BIO_ADDR* ap) {
  if (ap == nullptr) return;
  std::memset(ap, 0, sizeof *ap);
  ap->sa.sa_family = AF_UNSPEC;
}

// For AF_UNIX, where/wherelen is the path (without its terminator).
int BIO_ADDR_rawmake(BIO_ADDR* ap, int family, const void* where, size_t wherelen, unsigned short port) {
  if (ap == nullptr || where == nullptr) return 0;
  if (family == AF_UNIX) {
    if (wherelen + 1 > sizeof ap->s_un.sun_path) return 0;
    std::memset(&ap->s_un, 0, sizeof ap->s_un);
    ap->s_un.sun_family = AF_UNIX;
    std::memcpy(ap->s_un.sun_path, where, wherelen);
    return 1;
  }
  if (family == AF_INET) {
    if (wherelen != sizeof(in_addr)) return 0;
    std::memset(&ap->s_in, 0, sizeof ap->s_in);
    ap->s_in.sin_family = AF_INET;
    ap->s_in.sin_port = port;
    std::memcpy(&ap->s_in.sin_addr, where, wherelen);
    return 1;
  }
  if (family == AF_INET6) {
    if (wherelen != sizeof(in6_addr)) return 0;
    std::memset(&ap->s_in6, 0, sizeof ap->s_in6);
    ap->s_in6.sin6_family = AF_INET6;
    ap->s_in6.sin6_port = port;
    std::memcpy(&ap->s_in6.sin6_addr, where, wherelen);
    return 1;
  }
  return 0;
}

int BIO_ADDR_family(const BIO_ADDR* ap) { return ap == nullptr ? AF_UNSPEC : ap->sa.sa_family; }

// Copies the address bytes to p (when given) and their length to *l.
int BIO_ADDR_rawaddress(const BIO_ADDR* ap, void* p, size_t* l) {
  if (ap == nullptr) return 0;
  const void* addr = nullptr;
  size_t len = 0;
  switch (ap->sa.sa_family) {
    case AF_INET:
      addr = &ap->s_in.sin_addr, len = sizeof ap->s_in.sin_addr;
      break;
    case AF_INET6:
      addr = &ap->s_in6.sin6_addr, len = sizeof ap->s_in6.sin6_addr;
      break;
    case AF_UNIX:
      addr = ap->s_un.sun_path, len = strnlen(ap->s_un.sun_path, sizeof ap->s_un.sun_path);
      break;
    default:
      return 0;
  }
  if (p != nullptr) std::memcpy(p, addr, len);
  if (l != nullptr) *l = len;
  return 1;
}

unsigned short BIO_ADDR_rawport(const BIO_ADDR* ap) {
  if (ap == nullptr) return 0;
  if (ap->sa.sa_family == AF_INET) return ap->s_in.sin_port;
  if (ap->sa.sa_family == AF_INET6) return ap->s_in6.sin6_port;
  return 0;
}

char* BIO_ADDR_hostname_string(const BIO_ADDR* ap, int numeric) {
  std::string host;
  if (ap == nullptr || !name_info(ap, numeric != 0, &host, nullptr)) return nullptr;
  return dup_for_caller(host);
}

char* BIO_ADDR_service_string(const BIO_ADDR* ap, int numeric) {
  std::string service;
  if (ap == nullptr || !name_info(ap, numeric != 0, nullptr, &service)) return nullptr;
  return dup_for_caller(service);
}

}  // extern "C"
