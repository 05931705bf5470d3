// UdpSocket: batched UDP I/O with sendmmsg/recvmmsg and UDP GSO/GRO.
//
// References: udp(7) (UDP_SEGMENT, UDP_GRO), sendmmsg(2), recvmmsg(2),
// cmsg(3), the uapi header linux/udp.h, and the kernel's
// Documentation/networking/segmentation-offloads.rst ("UDP GSO"). The engine
// never calls this file (DESIGN.md, src/io).
#include <cachet/udp.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>  // UDP_SEGMENT, UDP_GRO (as in linux/udp.h)
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#ifndef SOL_UDP
#define SOL_UDP IPPROTO_UDP
#endif

namespace cachet {

namespace {

// The kernel's UDP_MAX_SEGMENTS (include/linux/udp.h, not exported to
// userspace): a GSO send of more segments fails with EINVAL. 64 is the
// value since Linux 4.18; later kernels may allow more, never fewer.
constexpr size_t kMaxGsoSegments = 64;
// One GSO message is one IP packet before segmentation: its UDP payload is
// at most 65535 - 20 (IPv4 header) - 8 (UDP header) bytes. IPv6 would allow
// 20 more; one limit for both keeps v4-mapped destinations right.
constexpr size_t kMaxGsoBytes = 65535 - 20 - 8;
// Room for the UDP_GRO cmsg (an int) on receive, the UDP_SEGMENT cmsg (a
// uint16_t) on send, and a few more the application may have enabled on
// the descriptor (a truncated control area is detected: MSG_CTRUNC).
constexpr size_t kControlSize = 128;
constexpr size_t kMaxBatch = 1024;  // UIO_MAXIOV: the most iovecs one message may carry

static_assert(sizeof(sockaddr_in6) == SocketAddress::kMaxSize);
static_assert(CMSG_SPACE(sizeof(uint16_t)) <= kControlSize && CMSG_SPACE(sizeof(int)) <= kControlSize);

struct alignas(cmsghdr) ControlSlot {
  unsigned char bytes[kControlSize];
};

ErrorCode code_for_errno(int err) {
  switch (err) {
    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
    case ENOPROTOOPT:
    case EOPNOTSUPP:
      return ErrorCode::kUnsupported;
    case EINVAL:
    case EBADF:
    case ENOTSOCK:
    case EDESTADDRREQ:
      return ErrorCode::kInvalidArgument;
    case EMSGSIZE:
      return ErrorCode::kLengthTooLarge;
    default:
      return ErrorCode::kInternal;
  }
}

// An Error naming the errno. strerrorname_np (glibc >= 2.32) returns a
// static string, as Error requires.
Error system_error(int err) {
  const char* name = strerrorname_np(err);
  return Error(code_for_errno(err), name != nullptr ? name : "system call failed");
}

sa_family_t family_of(const uint8_t* storage) {
  sa_family_t f;
  std::memcpy(&f, storage, sizeof f);
  return f;
}

}  // namespace

// --- SocketAddress ---------------------------------------------------------------

Result<SocketAddress> SocketAddress::parse(std::string_view ip, uint16_t port) {
  char text[INET6_ADDRSTRLEN + 1];
  if (ip.size() >= sizeof text) return Error(ErrorCode::kInvalidArgument, "not a numeric IP address");
  std::memcpy(text, ip.data(), ip.size());
  text[ip.size()] = '\0';
  SocketAddress a;
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET, text, &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    std::memcpy(a.storage_, &v4, sizeof v4);
    a.size_ = sizeof v4;
    return a;
  }
  if (inet_pton(AF_INET6, text, &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port);
    std::memcpy(a.storage_, &v6, sizeof v6);
    a.size_ = sizeof v6;
    return a;
  }
  return Error(ErrorCode::kInvalidArgument, "not a numeric IP address");
}

SocketAddress SocketAddress::ipv4_loopback(uint16_t port) noexcept {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(port);
  v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  SocketAddress a;
  std::memcpy(a.storage_, &v4, sizeof v4);
  a.size_ = sizeof v4;
  return a;
}

SocketAddress SocketAddress::ipv6_loopback(uint16_t port) noexcept {
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(port);
  v6.sin6_addr = in6addr_loopback;
  SocketAddress a;
  std::memcpy(a.storage_, &v6, sizeof v6);
  a.size_ = sizeof v6;
  return a;
}

Result<SocketAddress> SocketAddress::from_bytes(std::span<const uint8_t> sockaddr_bytes) {
  SocketAddress a;
  if (sockaddr_bytes.size() < sizeof(sa_family_t)) return Error(ErrorCode::kInvalidArgument, "not a socket address");
  const sa_family_t f = family_of(sockaddr_bytes.data());
  const size_t want = f == AF_INET ? sizeof(sockaddr_in) : f == AF_INET6 ? sizeof(sockaddr_in6) : 0;
  if (want == 0 || sockaddr_bytes.size() != want) return Error(ErrorCode::kInvalidArgument, "not an IPv4 or IPv6 socket address");
  std::memcpy(a.storage_, sockaddr_bytes.data(), want);
  a.size_ = static_cast<uint8_t>(want);
  return a;
}

bool SocketAddress::is_ipv4() const noexcept { return size_ == sizeof(sockaddr_in) && family_of(storage_) == AF_INET; }
bool SocketAddress::is_ipv6() const noexcept { return size_ == sizeof(sockaddr_in6) && family_of(storage_) == AF_INET6; }

uint16_t SocketAddress::port() const noexcept {
  if (is_ipv4()) {
    sockaddr_in v4;
    std::memcpy(&v4, storage_, sizeof v4);
    return ntohs(v4.sin_port);
  }
  if (is_ipv6()) {
    sockaddr_in6 v6;
    std::memcpy(&v6, storage_, sizeof v6);
    return ntohs(v6.sin6_port);
  }
  return 0;
}

std::string SocketAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (is_ipv4()) {
    sockaddr_in v4;
    std::memcpy(&v4, storage_, sizeof v4);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(port());
  }
  if (is_ipv6()) {
    sockaddr_in6 v6;
    std::memcpy(&v6, storage_, sizeof v6);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(port());
  }
  return {};
}

// --- UdpReceiveBatch -------------------------------------------------------------

UdpReceiveBatch::UdpReceiveBatch(size_t slots, size_t slot_size)
    : slots_(std::clamp<size_t>(slots, 1, kMaxBatch)), slot_size_(std::clamp<size_t>(slot_size, 1, kMaxSlotSize)) {
  storage_.resize(slots_ * slot_size_);
  // Room for a full GRO buffer per slot: the kernel coalesces at most
  // UDP_GRO_CNT_MAX (64) datagrams from a device, and a local GSO sender at
  // most UDP_MAX_SEGMENTS.
  datagrams_.reserve(slots_ * kMaxGsoSegments);
}

// --- UdpSocket -------------------------------------------------------------------

struct UdpSocket::Impl {
  int fd = -1;
  bool gso = false;
  bool gro = false;
  size_t max_batch = 0;
  UdpSocketStats stats;
  // Preallocated for the system calls; index i is message i of a call.
  std::vector<mmsghdr> messages;
  std::vector<iovec> iovecs;
  std::vector<ControlSlot> control;
  std::vector<sockaddr_in6> names;
  std::vector<uint32_t> run_lengths;  // datagrams carried by each sent message

  ~Impl() {
    if (fd >= 0) ::close(fd);
  }

  Result<void> configure(const UdpOptions& options) {
    max_batch = std::clamp<size_t>(options.max_batch, 1, kMaxBatch);
    messages.resize(max_batch);
    iovecs.resize(max_batch);
    control.resize(max_batch);
    names.resize(max_batch);
    run_lengths.resize(max_batch);
    const int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return system_error(errno);
    const int wanted = options.non_blocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted != flags && fcntl(fd, F_SETFL, wanted) != 0) return system_error(errno);
    if (options.receive_buffer > 0 &&
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer, sizeof options.receive_buffer) != 0)
      return system_error(errno);
    if (options.send_buffer > 0 &&
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &options.send_buffer, sizeof options.send_buffer) != 0)
      return system_error(errno);
    // udp(7): UDP_SEGMENT is readable on kernels that can segment; its
    // value (0 here) is the socket-wide default we never set: every GSO
    // message carries its own size in a cmsg.
    int value = 0;
    socklen_t length = sizeof value;
    gso = options.gso && getsockopt(fd, SOL_UDP, UDP_SEGMENT, &value, &length) == 0;
    // udp(7): with UDP_GRO set the kernel may hand one recvmsg a buffer of
    // several datagrams and says their size in a UDP_GRO cmsg. Cleared
    // explicitly when not wanted (an adopted descriptor may have it set).
    const int gro_on = options.gro ? 1 : 0;
    gro = setsockopt(fd, SOL_UDP, UDP_GRO, &gro_on, sizeof gro_on) == 0 && options.gro;
    return ok();
  }
};

UdpSocket::UdpSocket(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
UdpSocket::UdpSocket(UdpSocket&& other) noexcept = default;
UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept = default;
UdpSocket::~UdpSocket() = default;

Result<UdpSocket> UdpSocket::open(Family family, const UdpOptions& options) {
  const int domain = family == Family::kIpv4 ? AF_INET : AF_INET6;
  const int fd = ::socket(domain, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) return system_error(errno);
  auto impl = std::make_unique<Impl>();
  impl->fd = fd;
  CACHET_TRY(impl->configure(options));
  return UdpSocket(std::move(impl));
}

Result<UdpSocket> UdpSocket::open_bound(const SocketAddress& local, const UdpOptions& options) {
  if (!local.is_ipv4() && !local.is_ipv6()) return Error(ErrorCode::kInvalidArgument, "no address to bind");
  CACHET_ASSIGN_OR_RETURN(UdpSocket s, open(local.is_ipv4() ? Family::kIpv4 : Family::kIpv6, options));
  CACHET_TRY(s.bind(local));
  return s;
}

Result<UdpSocket> UdpSocket::adopt(int fd, const UdpOptions& options) {
  if (fd < 0) return Error(ErrorCode::kInvalidArgument, "no descriptor");
  auto impl = std::make_unique<Impl>();
  impl->fd = fd;  // closed by ~Impl on every path from here
  int type = 0, domain = 0;
  socklen_t n = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &n) != 0) return system_error(errno);
  n = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &n) != 0) return system_error(errno);
  if (type != SOCK_DGRAM || (domain != AF_INET && domain != AF_INET6))
    return Error(ErrorCode::kInvalidArgument, "not an IPv4 or IPv6 datagram socket");
  CACHET_TRY(impl->configure(options));
  return UdpSocket(std::move(impl));
}

Result<void> UdpSocket::bind(const SocketAddress& local) {
  if (!impl_) return Error(ErrorCode::kWrongState, "moved-from UdpSocket");
  if (local.empty()) return Error(ErrorCode::kInvalidArgument, "no address to bind");
  if (::bind(impl_->fd, reinterpret_cast<const sockaddr*>(local.storage_), local.size_) != 0)
    return system_error(errno);
  return ok();
}

Result<void> UdpSocket::connect(const SocketAddress& remote) {
  if (!impl_) return Error(ErrorCode::kWrongState, "moved-from UdpSocket");
  if (remote.empty()) return Error(ErrorCode::kInvalidArgument, "no address to connect to");
  if (::connect(impl_->fd, reinterpret_cast<const sockaddr*>(remote.storage_), remote.size_) != 0)
    return system_error(errno);
  return ok();
}

Result<SocketAddress> UdpSocket::local_address() const {
  if (!impl_) return Error(ErrorCode::kWrongState, "moved-from UdpSocket");
  sockaddr_in6 name{};
  socklen_t n = sizeof name;
  if (getsockname(impl_->fd, reinterpret_cast<sockaddr*>(&name), &n) != 0) return system_error(errno);
  return SocketAddress::from_bytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&name), n));
}

int UdpSocket::fd() const noexcept { return impl_ ? impl_->fd : -1; }

UdpSocket::Offload UdpSocket::offload() const noexcept {
  if (!impl_) return {};
  return Offload{impl_->gso, impl_->gro};
}

UdpSocketStats UdpSocket::stats() const noexcept { return impl_ ? impl_->stats : UdpSocketStats{}; }

namespace {

// How many datagrams from `first` form one message: with GSO, a run of
// datagrams of the first one's size, the last of which may be shorter (the
// kernel cuts the payload every segment-size bytes: udp(7), UDP_SEGMENT),
// within the kernel's segment and size limits and the iovecs left;
// otherwise one.
template <typename Get>
size_t run_length(const Get& get, size_t first, size_t count, bool gso, size_t iovecs_left) {
  const size_t size = get(first).size();
  if (!gso || size == 0) return 1;
  size_t run = 1, total = size;
  while (first + run < count && run < kMaxGsoSegments && run < iovecs_left) {
    const size_t next = get(first + run).size();
    if (next == 0 || next > size || total + next > kMaxGsoBytes) break;
    total += next;
    ++run;
    if (next < size) break;
  }
  return run;
}

bool gso_refused(int err) {
  // udp(7), net/ipv4/udp.c udp_send_skb(): EINVAL (too many segments,
  // checksums off, and on older kernels a segment over the path MTU), EIO
  // (no checksum offload on the route, xfrm), ENOPROTOOPT (no UDP_SEGMENT).
  return err == EIO || err == EINVAL || err == ENOPROTOOPT;
}

// Fills s.messages/s.iovecs with datagrams from `first` on, as many as the
// preallocated arrays hold: one message per GSO run (or per datagram). The
// number of messages; s.run_lengths says how many datagrams each carries.
template <typename Get>
size_t lay_out(UdpSocket::Impl& s, const Get& get, size_t first, size_t count, size_t plain_until,
               std::span<const uint8_t> to) {
  size_t messages = 0, iovecs = 0, next = first;
  while (next < count && messages < s.max_batch && iovecs < s.max_batch) {
    const size_t run = run_length(get, next, count, s.gso && next >= plain_until, s.max_batch - iovecs);
    for (size_t k = 0; k < run; ++k) {
      const std::span<const uint8_t> d = get(next + k);
      s.iovecs[iovecs + k] = iovec{const_cast<uint8_t*>(d.data()), d.size()};
    }
    msghdr& h = s.messages[messages].msg_hdr;
    h = msghdr{};
    h.msg_name = to.empty() ? nullptr : const_cast<uint8_t*>(to.data());
    h.msg_namelen = static_cast<socklen_t>(to.size());
    h.msg_iov = &s.iovecs[iovecs];
    h.msg_iovlen = run;
    if (run > 1) {
      // udp(7): UDP_SEGMENT as a cmsg sets the segment size for this message
      // only; the kernel splits the payload into datagrams of that size.
      h.msg_control = s.control[messages].bytes;
      h.msg_controllen = CMSG_SPACE(sizeof(uint16_t));
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      c->cmsg_level = SOL_UDP;
      c->cmsg_type = UDP_SEGMENT;
      c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
      const uint16_t segment = static_cast<uint16_t>(get(next).size());
      std::memcpy(CMSG_DATA(c), &segment, sizeof segment);
    }
    s.run_lengths[messages] = static_cast<uint32_t>(run);
    ++messages;
    iovecs += run;
    next += run;
  }
  return messages;
}

template <typename Get>
Result<size_t> send_datagrams(UdpSocket::Impl& s, size_t count, const Get& get, std::span<const uint8_t> to) {
  size_t sent = 0;
  size_t plain_until = 0;  // datagrams before this index go without GSO (see EMSGSIZE below)
  while (sent < count) {
    const size_t messages = lay_out(s, get, sent, count, plain_until, to);
    const int r = sendmmsg(s.fd, s.messages.data(), static_cast<unsigned>(messages), 0);
    ++s.stats.send_calls;
    if (r < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      if (s.run_lengths[0] > 1 && err == EMSGSIZE) {
        // Recent kernels report a segment larger than the path MTU allows
        // as EMSGSIZE (older ones EINVAL, below): this run goes as single
        // datagrams, which the kernel may still fragment; GSO stays on.
        plain_until = sent + s.run_lengths[0];
        continue;
      }
      if (s.gso && s.run_lengths[0] > 1 && gso_refused(err)) {
        // The kernel took UDP_SEGMENT at open but refuses to segment here:
        // plain messages from now on (sendmmsg(2) keeps them batched).
        s.gso = false;
        continue;
      }
      if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS) break;
      if (sent > 0) break;  // the error comes back on the next call
      return system_error(err);
    }
    // sendmmsg(2): a short count means message r failed; the loop retries
    // from there and gets its error.
    for (size_t m = 0; m < static_cast<size_t>(r); ++m) {
      sent += s.run_lengths[m];
      if (s.run_lengths[m] > 1) ++s.stats.gso_messages;
    }
    if (r == 0) break;
  }
  s.stats.datagrams_sent += sent;
  return sent;
}

}  // namespace

Result<size_t> UdpSocket::send_batch(std::span<const std::span<const uint8_t>> datagrams, const SocketAddress* to) {
  if (!impl_) return Error(ErrorCode::kWrongState, "moved-from UdpSocket");
  const auto get = [&](size_t i) { return datagrams[i]; };
  return send_datagrams(*impl_, datagrams.size(), get, to != nullptr ? to->bytes() : std::span<const uint8_t>());
}

Result<size_t> UdpSocket::send_batch(std::span<const std::vector<uint8_t>> datagrams, const SocketAddress* to) {
  if (!impl_) return Error(ErrorCode::kWrongState, "moved-from UdpSocket");
  const auto get = [&](size_t i) { return std::span<const uint8_t>(datagrams[i]); };
  return send_datagrams(*impl_, datagrams.size(), get, to != nullptr ? to->bytes() : std::span<const uint8_t>());
}

namespace {

// The UDP_GRO cmsg's segment size, 0 when the buffer was not coalesced.
int gro_segment_size(msghdr& h) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
      int size = 0;
      std::memcpy(&size, CMSG_DATA(c), sizeof size);
      return size;
    }
  }
  return 0;
}

// Points message i at slot i of the batch's storage, with room for the sender's address
// and the control data.
void prepare_receive(UdpSocket::Impl& s, uint8_t* storage, size_t slot_size, size_t slots) {
  for (size_t i = 0; i < slots; ++i) {
    s.iovecs[i] = iovec{storage + i * slot_size, slot_size};
    msghdr& h = s.messages[i].msg_hdr;
    h = msghdr{};
    h.msg_name = &s.names[i];
    h.msg_namelen = sizeof(sockaddr_in6);
    h.msg_iov = &s.iovecs[i];
    h.msg_iovlen = 1;
    h.msg_control = s.control[i].bytes;
    h.msg_controllen = kControlSize;
  }
}

// Appends what message i brought to `out`: one datagram, the datagrams of a
// GRO buffer, or one error.
void take_received(UdpSocket::Impl& s, size_t i, std::span<uint8_t> slot, std::vector<UdpReceiveBatch::Datagram>& out) {
  msghdr& h = s.messages[i].msg_hdr;
  UdpReceiveBatch::Datagram d;
  const size_t name_size = std::min<size_t>(h.msg_namelen, sizeof(sockaddr_in6));
  auto from = SocketAddress::from_bytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&s.names[i]), name_size));
  if (from) d.from = *from;
  d.data = slot;
  if ((h.msg_flags & MSG_TRUNC) != 0) {
    // recvmsg(2): the datagram (or GRO buffer) was larger than the slot;
    // the rest is gone.
    d.error = Error(ErrorCode::kTruncated, "datagram larger than the receive slot");
    out.push_back(d);
    return;
  }
  if (s.gro && (h.msg_flags & MSG_CTRUNC) != 0) {
    // Without the UDP_GRO cmsg the datagram boundaries are unknown.
    d.error = Error(ErrorCode::kInternal, "control data truncated: UDP_GRO segment size lost");
    out.push_back(d);
    return;
  }
  const int segment = s.gro ? gro_segment_size(h) : 0;
  if (segment <= 0 || slot.size() <= static_cast<size_t>(segment)) {
    out.push_back(d);
    return;
  }
  // udp(7) UDP_GRO: datagrams of `segment` bytes, the last possibly shorter.
  ++s.stats.gro_buffers;
  const size_t step = static_cast<size_t>(segment);
  for (size_t off = 0; off < slot.size(); off += step) {
    d.data = slot.subspan(off, std::min(step, slot.size() - off));
    out.push_back(d);
  }
}

}  // namespace

Result<size_t> UdpSocket::receive_batch(UdpReceiveBatch& batch) {
  if (!impl_) return Error(ErrorCode::kWrongState, "moved-from UdpSocket");
  Impl& s = *impl_;
  batch.datagrams_.clear();
  const size_t slots = std::min(batch.slots_, s.max_batch);
  prepare_receive(s, batch.storage_.data(), batch.slot_size_, slots);
  int r;
  do {
    // recvmmsg(2): MSG_WAITFORONE makes a blocking socket wait for the
    // first datagram only; a non-blocking one returns EAGAIN when empty.
    r = recvmmsg(s.fd, s.messages.data(), static_cast<unsigned>(slots), MSG_WAITFORONE, nullptr);
  } while (r < 0 && errno == EINTR);
  ++s.stats.receive_calls;
  if (r < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return size_t{0};
    return system_error(errno);
  }
  for (size_t i = 0; i < static_cast<size_t>(r); ++i) {
    const std::span<uint8_t> slot(batch.storage_.data() + i * batch.slot_size_, s.messages[i].msg_len);
    take_received(s, i, slot, batch.datagrams_);
  }
  s.stats.datagrams_received += batch.datagrams_.size();
  return batch.datagrams_.size();
}

namespace {

Result<bool> wait_for(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int r = poll(&p, 1, timeout_ms);
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return system_error(errno);
  }
}

}  // namespace

Result<bool> UdpSocket::wait_readable(int timeout_ms) const {
  if (!impl_) return Error(ErrorCode::kWrongState, "moved-from UdpSocket");
  return wait_for(impl_->fd, POLLIN, timeout_ms);
}

Result<bool> UdpSocket::wait_writable(int timeout_ms) const {
  if (!impl_) return Error(ErrorCode::kWrongState, "moved-from UdpSocket");
  return wait_for(impl_->fd, POLLOUT, timeout_ms);
}

}  // namespace cachet
