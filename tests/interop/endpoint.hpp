// Sans-I/O DTLS 1.2 endpoints for interop tests: a real OpenSSL or GnuTLS
// association driven datagram by datagram, so a test can put netsim between
// two of them (and, later, between one of them and a Cachet Connection, which
// implements the same interface).
//
// Time is REAL time: both libraries read the system clock for their
// retransmission timers, so a driver must sleep until next_timeout() rather
// than advance a virtual clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "cachet/error.hpp"
#include "netsim/netsim.hpp"

namespace cachet::interop {

struct EndpointConfig {
  bool is_server = false;
  // OpenSSL cipher-list syntax, one suite, e.g. "ECDHE-ECDSA-AES128-GCM-SHA256".
  // Empty: the library default. GnuTLS translates it to a priority string.
  std::string cipher;
  std::vector<std::string> groups;           // "P-256", "P-384", "X25519"
  std::string cert_file, key_file, ca_file;  // PEM paths
  // Server: request and require a client certificate. Client: verify the
  // server against ca_file (and server_name, when set).
  bool verify_peer = false;
  std::string server_name;  // client: SNI (and hostname check when verify_peer)
  std::string psk_identity;  // PSK, both roles (server: the expected identity)
  Bytes psk;
  std::vector<std::string> srtp_profiles;  // "SRTP_AES128_CM_SHA1_80", ...
  std::vector<std::string> alpn;
  bool cookie_exchange = true;  // server: HelloVerifyRequest
  size_t mtu = 1400;
  std::chrono::milliseconds initial_timeout{50};
};

class Endpoint {  // one DTLS association, sans-I/O, real time
 public:
  virtual ~Endpoint() = default;
  virtual void handle_datagram(ByteSpan datagram) = 0;
  virtual std::optional<Bytes> poll_transmit() = 0;  // next datagram to send
  virtual std::optional<std::chrono::steady_clock::time_point> next_timeout() const = 0;
  virtual void handle_timeout() = 0;  // call when next_timeout() has passed
  virtual bool established() const = 0;
  virtual bool failed() const = 0;
  virtual std::string error() const = 0;
  virtual Result<void> write(ByteSpan data) = 0;
  virtual std::optional<Bytes> read() = 0;
  virtual Result<Bytes> export_keying_material(std::string_view label, size_t length) = 0;
  virtual std::string srtp_profile() const = 0;  // "" when none
  virtual std::string alpn() const = 0;          // "" when none
  virtual std::string cipher_name() const = 0;   // OpenSSL-style name of the negotiated suite
  virtual void close() = 0;                      // send close_notify
};

std::unique_ptr<Endpoint> make_openssl_endpoint(const EndpointConfig& config);
std::unique_ptr<Endpoint> make_gnutls_endpoint(const EndpointConfig& config);
// cachet::Connection (a Listener first, on the server side).
std::unique_ptr<Endpoint> make_cachet_endpoint(const EndpointConfig& config);

struct RunResult {
  bool completed = false;
  std::chrono::milliseconds elapsed{0};
  size_t datagrams = 0;  // handed to the network by either side
  std::string error;
};

// Drives a client and a server over `net` in real time until both are
// established (or `limit` passes), then optionally exchanges one
// application-data message each way and checks that it arrives intact.
RunResult run_handshake(Endpoint& client, Endpoint& server, netsim::Network& net,
                        std::chrono::milliseconds limit, bool exchange_data = true);

}  // namespace cachet::interop
