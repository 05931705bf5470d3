// Cachet — UdpSocket: an optional batching UDP socket for applications.
//
// The engine is sans-I/O (connection.hpp) and never calls this. It is a
// convenience for applications on Linux that want to move many DTLS
// datagrams per system call:
//
//   send_batch     runs of equal-sized datagrams (the last of a run may be
//                  shorter) go out as one UDP GSO message each (UDP_SEGMENT,
//                  udp(7), Linux >= 4.18), everything else as plain messages,
//                  all in one sendmmsg(2) call where possible;
//   receive_batch  recvmmsg(2) into caller-owned storage, with UDP GRO
//                  (UDP_GRO, udp(7), Linux >= 5.0): a buffer the kernel
//                  coalesced is split again into the original datagrams.
//
// Both offloads are used only when the kernel accepts them; a kernel that
// rejects a GSO send at run time turns GSO off for good and the datagrams go
// out with sendmmsg. A UdpSocket preallocates everything it hands the kernel
// when it is opened: sending and receiving allocate nothing.
#pragma once

#include <cachet/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cachet {

// An IPv4 or IPv6 address and port: the bytes of a sockaddr_in or
// sockaddr_in6, kept opaque so this header needs no system headers. bytes()
// is a stable byte form, usable as Connection::server()'s peer_address and
// handle_datagram()'s `from`.
class CACHET_EXPORT SocketAddress {
 public:
  static constexpr size_t kMaxSize = 28;  // sizeof(sockaddr_in6)

  SocketAddress() noexcept = default;  // empty(): no address
  // A numeric address ("127.0.0.1", "::1"); no name lookup.
  static Result<SocketAddress> parse(std::string_view ip, uint16_t port);
  static SocketAddress ipv4_loopback(uint16_t port) noexcept;
  static SocketAddress ipv6_loopback(uint16_t port) noexcept;
  // From the bytes of a sockaddr_in or sockaddr_in6 (as bytes() gives them).
  static Result<SocketAddress> from_bytes(std::span<const uint8_t> sockaddr_bytes);

  bool empty() const noexcept { return size_ == 0; }
  bool is_ipv4() const noexcept;
  bool is_ipv6() const noexcept;
  uint16_t port() const noexcept;
  // "127.0.0.1:4433", "[::1]:4433"; "" when empty.
  std::string to_string() const;
  std::span<const uint8_t> bytes() const noexcept { return {storage_, size_}; }

  friend bool operator==(const SocketAddress& a, const SocketAddress& b) noexcept {
    return a.bytes().size() == b.bytes().size() &&
           std::equal(a.bytes().begin(), a.bytes().end(), b.bytes().begin());
  }

 private:
  friend class UdpSocket;
  alignas(8) uint8_t storage_[kMaxSize] = {};
  uint8_t size_ = 0;
};

struct UdpOptions {
  bool non_blocking = true;
  bool gso = true;         // send with UDP_SEGMENT when the kernel offers it
  bool gro = true;         // receive with UDP_GRO when the kernel offers it
  size_t max_batch = 64;   // datagrams per system call: sizes the preallocated arrays
  int receive_buffer = 0;  // SO_RCVBUF in bytes; 0 keeps the system default
  int send_buffer = 0;     // SO_SNDBUF in bytes; 0 keeps the system default
};

// What a UdpSocket has done, for tests and diagnostics.
struct UdpSocketStats {
  uint64_t send_calls = 0;          // sendmmsg calls
  uint64_t gso_messages = 0;        // messages sent with UDP_SEGMENT (each carrying >= 2 datagrams)
  uint64_t datagrams_sent = 0;
  uint64_t receive_calls = 0;       // recvmmsg calls
  uint64_t gro_buffers = 0;         // received buffers the kernel had coalesced (split again)
  uint64_t datagrams_received = 0;  // after splitting, errors included
};

// Caller-owned storage for UdpSocket::receive_batch, reused across calls:
// `slots` receive buffers of `slot_size` bytes. One slot takes one datagram,
// or with GRO a run of datagrams the kernel coalesced (up to 64 KiB), so a
// GRO socket wants 64 KiB slots; without GRO, slots of the largest expected
// datagram and more of them. A datagram larger than its slot is reported
// as a kTruncated error.
class CACHET_EXPORT UdpReceiveBatch {
 public:
  static constexpr size_t kMaxSlotSize = 65536;

  struct Datagram {
    std::span<uint8_t> data;  // in this batch's storage, valid until the next receive_batch
    SocketAddress from;
    Error error{ErrorCode::kOk};  // kTruncated: data holds only what fit
    bool ok() const noexcept { return error.code() == ErrorCode::kOk; }
  };

  explicit UdpReceiveBatch(size_t slots = 8, size_t slot_size = kMaxSlotSize);

  // The datagrams of the last receive_batch, in arrival order.
  size_t size() const noexcept { return datagrams_.size(); }
  bool empty() const noexcept { return datagrams_.empty(); }
  Datagram& operator[](size_t i) noexcept { return datagrams_[i]; }
  Datagram* begin() noexcept { return datagrams_.data(); }
  Datagram* end() noexcept { return datagrams_.data() + datagrams_.size(); }

  size_t slots() const noexcept { return slots_; }
  size_t slot_size() const noexcept { return slot_size_; }

 private:
  friend class UdpSocket;
  size_t slots_;
  size_t slot_size_;
  std::vector<uint8_t> storage_;
  std::vector<Datagram> datagrams_;  // capacity reserved for GRO splitting
};

// A UDP socket (IPv4 or IPv6) that owns its descriptor. Move-only; one
// thread at a time (the preallocated arrays are shared by all calls).
//
// Errors from the system come back as Error values whose what() names the
// errno ("ECONNREFUSED", ...): kUnsupported for a missing feature,
// kInvalidArgument for a rejected argument, kLengthTooLarge for EMSGSIZE,
// kInternal otherwise.
class CACHET_EXPORT UdpSocket {
 public:
  enum class Family : uint8_t { kIpv4, kIpv6 };
  struct Offload {
    bool gso = false;  // send_batch uses UDP_SEGMENT
    bool gro = false;  // receive_batch gets coalesced buffers (and splits them)
  };

  static Result<UdpSocket> open(Family family, const UdpOptions& options = {});
  // open() for the address's family, then bind().
  static Result<UdpSocket> open_bound(const SocketAddress& local, const UdpOptions& options = {});
  // Takes ownership of a UDP socket descriptor opened elsewhere (closed on
  // failure too); `options` are applied to it as by open().
  static Result<UdpSocket> adopt(int fd, const UdpOptions& options = {});

  UdpSocket(UdpSocket&& other) noexcept;
  UdpSocket& operator=(UdpSocket&& other) noexcept;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;
  ~UdpSocket();

  Result<void> bind(const SocketAddress& local);
  // Fixes the peer: send_batch(…, nullptr) goes there and only its datagrams
  // are received.
  Result<void> connect(const SocketAddress& remote);
  Result<SocketAddress> local_address() const;

  // The descriptor, for poll/epoll; -1 after a move.
  int fd() const noexcept;
  Offload offload() const noexcept;
  UdpSocketStats stats() const noexcept;

  // Sends `datagrams` in order to `to` (nullptr: the connected peer). Returns
  // how many went out: fewer than given when the socket cannot take more now
  // (non-blocking: EAGAIN, or ENOBUFS), and the rest should be sent again
  // later (wait_writable). An error is returned only when nothing was sent;
  // after a partial send the error comes back on the next call.
  Result<size_t> send_batch(std::span<const std::span<const uint8_t>> datagrams, const SocketAddress* to = nullptr);
  Result<size_t> send_batch(std::span<const std::vector<uint8_t>> datagrams, const SocketAddress* to = nullptr);

  // Receives what is waiting, up to batch.slots() kernel buffers (and at most
  // options.max_batch), into `batch`: the number of datagrams (0: nothing
  // waiting, EAGAIN). A blocking socket waits for the first one.
  Result<size_t> receive_batch(UdpReceiveBatch& batch);

  // poll(2) for readability / writability: false when `timeout_ms` passed
  // (-1: no limit).
  Result<bool> wait_readable(int timeout_ms) const;
  Result<bool> wait_writable(int timeout_ms) const;

  struct Impl;

 private:
  explicit UdpSocket(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cachet
