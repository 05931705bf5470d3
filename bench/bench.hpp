// cachet-bench — the pieces every stack adapter and the driver share.
//
// A stack (Cachet native, OpenSSL, GnuTLS, Cachet through the OpenSSL shim)
// is seen through one interface: a Setup made from a Config holds the
// contexts (certificates, keys, caches) and makes client and server
// Endpoints; an Endpoint is driven datagram by datagram (sans-I/O), so the
// same workload code (workloads.cpp) measures every stack on identical work.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bench {

using Datagram = std::vector<uint8_t>;
using Clock = std::chrono::steady_clock;

// What a workload asks a stack to configure.
struct Config {
  enum class Auth { kCertificate, kPsk };
  enum class Resume { kNone, kSessionId, kTicket };
  Auth auth = Auth::kCertificate;
  std::string suite = "ECDHE-ECDSA-AES128-GCM-SHA256";  // OpenSSL name
  // The key exchange groups in preference order: "P-256", or "X25519:P-256"
  // (P-256 stays listed: in TLS 1.2 the client's groups also say which ECDSA
  // curves it accepts, and the server's certificate is P-256).
  std::string group = "P-256";
  bool cookies = false;                                 // server HelloVerifyRequest
  Resume resume = Resume::kNone;
  bool session_cache = true;  // server keeps sessions by ID (off for the heap rows)
  // Cachet's client remembers chains it validated (ContextBuilder::
  // peer_chain_cache); the *.fresh rows turn that off. OpenSSL and GnuTLS
  // have no such cache and validate every time either way.
  bool chain_cache = true;
  std::string pki_dir;        // tests/pki
};

// The PSK both ends use in the PSK rows.
inline constexpr char kPskIdentity[] = "bench-client";
inline constexpr uint8_t kPskKey[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                        0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

// Batched UDP I/O that a stack does itself on the connected socket of a
// udp.* row, in place of the harness's send()/recv() of one datagram at a
// time. Only the Cachet stack has one (cachet::UdpSocket: sendmmsg with UDP
// GSO, recvmmsg with UDP GRO); every other stack keeps the harness's path.
class UdpBatchIo {
 public:
  virtual ~UdpBatchIo() = default;
  // What it uses, as detected (e.g. "cachet::UdpSocket, GSO on, GRO on").
  virtual std::string describe() const = 0;
  // Sends everything the endpoint has to send (transmit()). False: error.
  virtual bool flush() = 0;
  // Writes `count` application records of `n` bytes from `data` and sends
  // them (after anything already queued). False: error.
  virtual bool write_batch(const uint8_t* data, size_t n, int count) = 0;
  // Hands every datagram waiting on the socket to the endpoint: how many.
  virtual int drain() = 0;
};

// One DTLS endpoint. Datagrams go in with receive() and come out with
// transmit(); nothing here touches a socket.
class Endpoint {
 public:
  virtual ~Endpoint() = default;
  // Client: produce the ClientHello. Server: nothing.
  virtual void start() = 0;
  // An event loop's wakeup, before a burst of receive() calls: Cachet takes
  // the time as an argument and reads the clock here, once per wakeup, as an
  // application's loop would; OpenSSL and GnuTLS read their clocks inside
  // their own calls, so for them this does nothing.
  virtual void wakeup() {}
  // One datagram from the peer; `d` may be modified or swapped with another
  // buffer (its contents afterwards are unspecified).
  virtual void receive(Datagram& d) = 0;
  // The next datagram to send, into `out` (whose old contents are dropped).
  virtual bool transmit(Datagram& out) = 0;
  // When handle_timeout() should be called (real time; only used over UDP).
  virtual std::optional<Clock::time_point> deadline() = 0;
  virtual void handle_timeout() = 0;
  virtual bool established() const = 0;
  virtual bool failed() const = 0;
  virtual std::string error() const = 0;
  // One application record of `n` bytes.
  virtual bool write(const uint8_t* data, size_t n) = 0;
  // One application record received: its length, or 0 when none is ready.
  virtual size_t read() = 0;
  virtual bool resumed() const = 0;
  // Frees what the harness (not the library) holds: queued datagrams and
  // buffer pools. Called before heap is measured.
  virtual void compact() {}
  // The stack's own batched I/O on the connected UDP socket `fd` (it keeps
  // a duplicate of the descriptor), or nullptr: the harness does the I/O.
  virtual UdpBatchIo* udp_batch_io(int fd) {
    (void)fd;
    return nullptr;
  }
};

class Setup {
 public:
  virtual ~Setup() = default;
  // A new client (offering the remembered session when there is one).
  virtual std::unique_ptr<Endpoint> client() = 0;
  virtual std::unique_ptr<Endpoint> server() = 0;
  // Keep the session an established client got, for later clients.
  virtual bool remember(Endpoint& client) = 0;
};

class Stack {
 public:
  virtual ~Stack() = default;
  virtual std::string name() const = 0;      // "cachet", "openssl", "gnutls", "cachet-shim"
  virtual std::string version() const = 0;   // for the report header
  // nullptr and `error` set when the stack cannot do this configuration.
  virtual std::unique_ptr<Setup> setup(const Config& config, std::string& error) = 0;
};

std::unique_ptr<Stack> make_cachet_stack();
std::unique_ptr<Stack> make_openssl_stack();  // real OpenSSL, or the shim in cachet-bench-shim
std::unique_ptr<Stack> make_gnutls_stack();

// --- a pooled datagram queue (so the harness itself allocates nothing in the
// steady state of a throughput loop) ----------------------------------------
class DatagramQueue {
 public:
  bool empty() const { return head_ == items_.size(); }
  void push(const uint8_t* p, size_t n) {
    Datagram d = take_spare();
    d.assign(p, p + n);
    items_.push_back(std::move(d));
  }
  void push_swap(Datagram& d) {
    Datagram spare = take_spare();
    items_.push_back(std::move(d));
    d = std::move(spare);
  }
  bool pop(Datagram& out) {
    if (empty()) return false;
    std::swap(out, items_[head_]);
    give_spare(std::move(items_[head_]));
    ++head_;
    if (head_ == items_.size()) {
      items_.clear();
      head_ = 0;
    }
    return true;
  }
  const Datagram& front() const { return items_[head_]; }
  void compact() {
    std::vector<Datagram>().swap(spares_);
    if (empty()) std::vector<Datagram>().swap(items_);
  }
  static void set_pooling(bool on) { pooling_ = on; }

 private:
  Datagram take_spare() {
    if (spares_.empty()) return Datagram();
    Datagram d = std::move(spares_.back());
    spares_.pop_back();
    return d;
  }
  void give_spare(Datagram&& d) {
    if (pooling_ && spares_.size() < 64 && d.capacity() != 0) spares_.push_back(std::move(d));
    else Datagram().swap(d);
  }
  std::vector<Datagram> items_;
  std::vector<Datagram> spares_;
  size_t head_ = 0;
  static inline bool pooling_ = true;
};

// --- CPU time ---------------------------------------------------------------
double process_cpu_seconds();
double thread_cpu_seconds();

// --- heap accounting (alloc_hook.cpp) ----------------------------------------
// A malloc interposer: when tracking is on, live bytes (malloc_usable_size)
// and their peak are counted from the moment tracking was reset.
namespace heap {
void track(bool on);
void reset();
long long live();
long long peak();
// mallinfo2's bytes in use (arena + mmapped).
long long in_use();
}  // namespace heap

}  // namespace bench
