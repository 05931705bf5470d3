// cachet — UDP endpoint helpers shared by the command line (tools/cachet.cpp)
// and the impairment proxy (tools/proxy.cpp). Nothing here prints or exits:
// each caller words its own errors.
#pragma once

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cachet::net {

// A socket address (IPv4 or IPv6) and its length.
struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;

  const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&addr); }

  // "127.0.0.1:4433" or "[::1]:4433".
  std::string text() const {
    char host[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
      const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
      inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
      return std::string(host) + ":" + std::to_string(ntohs(a->sin_port));
    }
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(a->sin6_port));
  }

  // The raw address bytes: what a Connection/Listener gets as the peer's
  // address (any stable byte form will do), and a map key that needs no
  // formatting.
  std::vector<uint8_t> bytes() const {
    const auto* p = reinterpret_cast<const uint8_t*>(&addr);
    return std::vector<uint8_t>(p, p + len);
  }
  std::string key() const { return std::string(reinterpret_cast<const char*>(&addr), len); }

  // The inverse of bytes(); nothing when the bytes cannot be a socket address.
  static std::optional<Endpoint> from_bytes(std::span<const uint8_t> b) {
    if (b.size() < sizeof(sa_family_t) || b.size() > sizeof(sockaddr_storage)) return std::nullopt;
    Endpoint e;
    std::memcpy(&e.addr, b.data(), b.size());
    e.len = static_cast<socklen_t>(b.size());
    if (e.addr.ss_family == AF_INET && e.len == sizeof(sockaddr_in)) return e;
    if (e.addr.ss_family == AF_INET6 && e.len == sizeof(sockaddr_in6)) return e;
    return std::nullopt;
  }
};

enum class ResolveStatus { kOk, kNotHostPort, kUnresolvable };

// "HOST:PORT" (HOST may be "[v6]" or empty) to an Endpoint for a UDP socket.
inline ResolveStatus resolve(const std::string& hostport, Endpoint& out) {
  const size_t colon = hostport.rfind(':');
  if (colon == std::string::npos) return ResolveStatus::kNotHostPort;
  std::string host = hostport.substr(0, colon);
  const std::string port = hostport.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_family = AF_UNSPEC;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr) {
    return ResolveStatus::kUnresolvable;
  }
  out = Endpoint{};
  std::memcpy(&out.addr, res->ai_addr, res->ai_addrlen);
  out.len = static_cast<socklen_t>(res->ai_addrlen);
  freeaddrinfo(res);
  return ResolveStatus::kOk;
}

// A close-on-exec UDP socket, or -1 (errno set).
inline int udp_socket(int family) { return ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0); }

}  // namespace cachet::net
