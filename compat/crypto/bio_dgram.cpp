// Datagram BIOs (BIO_s_datagram, BIO_new_dgram) over a UDP socket, with
// OpenSSL 3.0's behaviour: reads record the sender as the peer (unless
// connected), writes go to the peer; a deadline set with
// BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT bounds each blocking read through
// SO_RCVTIMEO, and a read that times out sets the retry flag and makes
// BIO_CTRL_DGRAM_GET_RECV_TIMER_EXP report the expiry once.
#include "crypto_local.hpp"

#include <netinet/ip.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

using namespace cachet_compat;

namespace {

constexpr long kUdpHeader = 8;
constexpr long kIpv4Header = 20;
constexpr long kIpv6Header = 40;
constexpr long kMinIpv4Mtu = 576;   // RFC 791: every host accepts this
constexpr long kMinIpv6Mtu = 1280;  // RFC 8200 §5

struct Dgram {
  BIO_ADDR peer{};
  bool connected = false;
  bool peek = false;
  unsigned int mtu = 0;
  timeval next_timeout{};    // absolute (gettimeofday) deadline; zero: none
  timeval socket_timeout{};  // SO_RCVTIMEO saved around a bounded read
  int last_errno = 0;        // errno of the last retryable failure (or EMSGSIZE)
};

Dgram* state(BIO* b) { return static_cast<Dgram*>(b->ptr); }

bool is_set(const timeval& t) { return t.tv_sec != 0 || t.tv_usec != 0; }

bool should_retry(long ret) { return (ret == 0 || ret == -1) && BIO_dgram_non_fatal_error(errno) != 0; }

bool v4_mapped(const BIO_ADDR& a) { return IN6_IS_ADDR_V4MAPPED(&a.s_in6.sin6_addr) != 0; }

// IP + UDP header bytes in front of each datagram to the peer.
long mtu_overhead(const Dgram& d) {
  if (d.peer.sa.sa_family == AF_INET6 && !v4_mapped(d.peer)) return kIpv6Header + kUdpHeader;
  return kIpv4Header + kUdpHeader;
}

long fallback_mtu(const Dgram& d) {
  const bool v6 = d.peer.sa.sa_family == AF_INET6 && !v4_mapped(d.peer);
  return (v6 ? kMinIpv6Mtu : kMinIpv4Mtu) - mtu_overhead(d);
}

// Before a read: shorten SO_RCVTIMEO to the time left before the deadline
// (1 µs when it has passed: a zero timeout would mean "wait forever").
void bound_receive_timeout(BIO* b) {
  Dgram* d = state(b);
  if (!is_set(d->next_timeout)) return;
  socklen_t len = sizeof d->socket_timeout;
  if (getsockopt(b->num, SOL_SOCKET, SO_RCVTIMEO, &d->socket_timeout, &len) < 0) return;
  timeval now{};
  gettimeofday(&now, nullptr);
  timeval left{};
  timersub(&d->next_timeout, &now, &left);
  if (left.tv_sec < 0 || (left.tv_sec == 0 && left.tv_usec <= 0)) left = timeval{0, 1};
  const timeval& cur = d->socket_timeout;
  if (!is_set(cur) || timercmp(&cur, &left, >=)) {
    (void)setsockopt(b->num, SOL_SOCKET, SO_RCVTIMEO, &left, sizeof left);
  }
}

void restore_receive_timeout(BIO* b) {
  Dgram* d = state(b);
  if (!is_set(d->next_timeout)) return;
  (void)setsockopt(b->num, SOL_SOCKET, SO_RCVTIMEO, &d->socket_timeout, sizeof d->socket_timeout);
}

int dgram_create(BIO* b) {
  Dgram* d = new (std::nothrow) Dgram;
  if (d == nullptr) return 0;
  b->ptr = d;
  return 1;  // init stays 0 until BIO_set_fd
}

void close_socket(BIO* b) {
  if (b->shutdown != 0 && b->init != 0) close(b->num);
  b->init = 0;
  b->flags = 0;
}

int dgram_destroy(BIO* b) {
  close_socket(b);
  delete state(b);
  b->ptr = nullptr;
  return 1;
}

int dgram_read(BIO* b, char* out, int outl) {
  if (out == nullptr) return 0;
  Dgram* d = state(b);
  BIO_ADDR from{};
  socklen_t fromlen = sizeof from;
  errno = 0;
  bound_receive_timeout(b);
  const ssize_t ret = recvfrom(b->num, out, static_cast<size_t>(outl), d->peek ? MSG_PEEK : 0, &from.sa, &fromlen);
  const int saved = errno;
  if (!d->connected && ret >= 0) (void)BIO_ctrl(b, BIO_CTRL_DGRAM_SET_PEER, 0, &from);
  BIO_clear_retry_flags(b);
  errno = saved;
  if (ret < 0 && should_retry(ret)) {
    BIO_set_retry_read(b);
    d->last_errno = saved;
  }
  restore_receive_timeout(b);
  errno = saved;
  return static_cast<int>(ret);
}

// EMSGSIZE is kept too, for BIO_CTRL_DGRAM_MTU_EXCEEDED.
int dgram_write(BIO* b, const char* in, int inl) {
  Dgram* d = state(b);
  errno = 0;
  const ssize_t ret = d->connected
                          ? write(b->num, in, static_cast<size_t>(inl))
                          : sendto(b->num, in, static_cast<size_t>(inl), 0, &d->peer.sa, bio_addr_sockaddr_size(&d->peer));
  const int saved = errno;
  BIO_clear_retry_flags(b);
  if (ret <= 0 && should_retry(ret)) {
    BIO_set_retry_write(b);
    d->last_errno = saved;
  } else if (ret < 0 && saved == EMSGSIZE) {
    d->last_errno = EMSGSIZE;
  }
  errno = saved;
  return static_cast<int>(ret);
}

int dgram_puts(BIO* b, const char* str) { return dgram_write(b, str, static_cast<int>(std::strlen(str))); }

int socket_family(int fd) {
  BIO_ADDR local{};
  socklen_t len = sizeof local;
  if (getsockname(fd, &local.sa, &len) < 0) return -1;
  return local.sa.sa_family;
}

// The path MTU the kernel knows for a connected socket, less IP and UDP
// headers; 0 when it cannot tell.
long query_mtu(BIO* b) {
  const int family = socket_family(b->num);
  int level = 0, option = 0;
  long overhead = 0;
  if (family == AF_INET) {
    level = IPPROTO_IP, option = IP_MTU, overhead = kIpv4Header + kUdpHeader;
  } else if (family == AF_INET6) {
    level = IPPROTO_IPV6, option = IPV6_MTU, overhead = kIpv6Header + kUdpHeader;
  } else {
    return 0;
  }
  int mtu = 0;
  socklen_t len = sizeof mtu;
  if (getsockopt(b->num, level, option, &mtu, &len) < 0 || mtu < 0) return 0;
  state(b)->mtu = static_cast<unsigned int>(mtu - overhead);
  return static_cast<long>(state(b)->mtu);
}

// Sets the DF bit on everything sent (Linux: path MTU discovery "do").
long mtu_discover(BIO* b) {
  const int family = socket_family(b->num);
  if (family < 0) return 0;
  if (family == AF_INET) {
    const int v = IP_PMTUDISC_DO;
    return setsockopt(b->num, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof v);
  }
  if (family == AF_INET6) {
    const int v = IPV6_PMTUDISC_DO;
    return setsockopt(b->num, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v, sizeof v);
  }
  return -1;
}

// Don't fragment (on) or let the kernel fragment (off), for the peer's family.
long set_dont_frag(BIO* b, long on) {
  switch (state(b)->peer.sa.sa_family) {
    case AF_INET: {
      const int v = on != 0 ? IP_PMTUDISC_PROBE : IP_PMTUDISC_DONT;
      return setsockopt(b->num, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof v);
    }
    case AF_INET6: {
      const int v = on != 0 ? 1 : 0;
      return setsockopt(b->num, IPPROTO_IPV6, IPV6_DONTFRAG, &v, sizeof v);
    }
    default:
      return -1;
  }
}

long set_timeout(BIO* b, int option, const void* tv) {
  return setsockopt(b->num, SOL_SOCKET, option, tv, sizeof(timeval)) < 0 ? -1 : 1;
}

long get_timeout(BIO* b, int option, void* tv) {
  socklen_t len = sizeof(timeval);
  if (getsockopt(b->num, SOL_SOCKET, option, tv, &len) < 0) return -1;
  return static_cast<long>(len);
}

// Copies the peer's sockaddr (at most larg bytes when larg is given).
long get_peer(Dgram* d, long larg, void* parg) {
  long size = static_cast<long>(bio_addr_sockaddr_size(&d->peer));
  if (larg > 0 && larg < size) size = larg;
  std::memcpy(parg, &d->peer, static_cast<size_t>(size));
  return size;
}

// Reports (and forgets) the last failure being errno `which`.
long take_errno(Dgram* d, int which) {
  if (d->last_errno != which) return 0;
  d->last_errno = 0;
  return 1;
}

long fd_ctrl(BIO* b, int cmd, long larg, void* parg) {
  if (cmd == BIO_C_SET_FD) {
    close_socket(b);
    b->num = *static_cast<int*>(parg);
    b->shutdown = static_cast<int>(larg);
    b->init = 1;
    return 1;
  }
  // BIO_C_GET_FD
  if (b->init == 0) return -1;
  if (parg != nullptr) *static_cast<int*>(parg) = b->num;
  return b->num;
}

long dgram_ctrl(BIO* b, int cmd, long larg, void* parg) {
  Dgram* d = state(b);
  switch (cmd) {
    case BIO_C_SET_FD:
    case BIO_C_GET_FD:
      return fd_ctrl(b, cmd, larg, parg);
    case BIO_CTRL_GET_CLOSE:
      return b->shutdown;
    case BIO_CTRL_SET_CLOSE:
      b->shutdown = static_cast<int>(larg);
      return 1;
    case BIO_CTRL_DUP:
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_DGRAM_CONNECT:  // remembers the address; does not connect
    case BIO_CTRL_DGRAM_SET_PEER:
      (void)bio_addr_make(&d->peer, static_cast<const sockaddr*>(parg));
      return 1;
    case BIO_CTRL_DGRAM_SET_CONNECTED:
      d->connected = parg != nullptr;
      if (parg != nullptr) {
        (void)bio_addr_make(&d->peer, static_cast<const sockaddr*>(parg));
      } else {
        std::memset(&d->peer, 0, sizeof d->peer);
      }
      return 1;
    case BIO_CTRL_DGRAM_GET_PEER:
      return get_peer(d, larg, parg);
    case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
      std::memcpy(&d->next_timeout, parg, sizeof d->next_timeout);
      return 1;
    case BIO_CTRL_DGRAM_SET_RECV_TIMEOUT:
      return set_timeout(b, SO_RCVTIMEO, parg);
    case BIO_CTRL_DGRAM_GET_RECV_TIMEOUT:
      return get_timeout(b, SO_RCVTIMEO, parg);
    case BIO_CTRL_DGRAM_SET_SEND_TIMEOUT:
      return set_timeout(b, SO_SNDTIMEO, parg);
    case BIO_CTRL_DGRAM_GET_SEND_TIMEOUT:
      return get_timeout(b, SO_SNDTIMEO, parg);
    case BIO_CTRL_DGRAM_GET_RECV_TIMER_EXP:
    case BIO_CTRL_DGRAM_GET_SEND_TIMER_EXP:
      return take_errno(d, EAGAIN);  // EWOULDBLOCK is the same on Linux
    case BIO_CTRL_DGRAM_MTU_EXCEEDED:
      return take_errno(d, EMSGSIZE);
    case BIO_CTRL_DGRAM_MTU_DISCOVER:
      return mtu_discover(b);
    case BIO_CTRL_DGRAM_QUERY_MTU:
      return query_mtu(b);
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
      return fallback_mtu(*d);
    case BIO_CTRL_DGRAM_GET_MTU:
      return d->mtu;
    case BIO_CTRL_DGRAM_SET_MTU:
      d->mtu = static_cast<unsigned int>(larg);
      return larg;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
      return mtu_overhead(*d);
    case BIO_CTRL_DGRAM_SET_DONT_FRAG:
      return set_dont_frag(b, larg);
    case BIO_CTRL_DGRAM_SET_PEEK_MODE:
      d->peek = larg != 0;
      return 1;
    default:  // RESET, INFO, EOF, PENDING, WPENDING, ...
      return 0;
  }
}

}  // namespace

extern "C" {

const BIO_METHOD* BIO_s_datagram(void) {
  static const BIO_METHOD method = make_method(BIO_TYPE_DGRAM, "datagram socket", dgram_write, dgram_read,
                                               dgram_puts, nullptr, dgram_ctrl, dgram_create, dgram_destroy);
  return &method;
}

BIO* BIO_new_dgram(int fd, int close_flag) {
  BIO* b = BIO_new(BIO_s_datagram());
  if (b != nullptr) (void)BIO_set_fd(b, fd, close_flag);
  return b;
}

// The errno values after which a datagram read or write may be retried.
int BIO_dgram_non_fatal_error(int err) {
  switch (err) {
    case EINTR:
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EPROTO:
    case EINPROGRESS:
    case EALREADY:
      return 1;
    default:
      return 0;
  }
}

}  // extern "C"
