// Cachet — Listener: the server side before an association exists.
//
// A server socket receives datagrams from peers it has no Connection for.
// The Listener answers a ClientHello without a valid cookie with a
// HelloVerifyRequest (RFC 6347 §4.2.1) and keeps nothing about that peer;
// only a ClientHello carrying a valid cookie makes a Connection. So a flood
// of spoofed ClientHellos costs no memory, and what goes back is never
// larger than what came in.
#pragma once

#include <cachet/connection.hpp>
#include <cachet/context.hpp>
#include <cachet/error.hpp>
#include <cachet/time.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace cachet {

class CACHET_EXPORT Listener {
 public:
  static Result<std::unique_ptr<Listener>> create(std::shared_ptr<const Context> context);
  ~Listener();

  enum class Verdict : uint8_t {
    kDrop,    // not a ClientHello we can use: ignore it
    kReply,   // send `reply` (a HelloVerifyRequest) back; nothing is kept
    kAccept,  // a ClientHello with a valid cookie (or cookies are off): call accept()
  };
  struct Outcome {
    Verdict verdict = Verdict::kDrop;
    std::vector<uint8_t> reply;
  };

  // Stateless check of a datagram from a peer without a Connection.
  Outcome check(std::span<const uint8_t> datagram, std::span<const uint8_t> peer_address, Instant now);
  // Makes the server Connection for a datagram check() accepted, and feeds
  // the datagram to it (its reply is then in poll_transmit()).
  Result<std::unique_ptr<Connection>> accept(std::span<uint8_t> datagram, std::span<const uint8_t> peer_address,
                                             Instant now);

  uint64_t hello_verify_requests_sent() const noexcept;

  // Application-made cookies (what OpenSSL's SSL_CTX_set_cookie_generate_cb
  // and _verify_cb offer): `generate` returns the cookie for a peer (1..255
  // bytes; nullopt drops the ClientHello), `verify` says whether a cookie is
  // one it made. Without them the Listener's own HMAC cookies are used
  // (bound to the address and the ClientHello, RFC 6347 §4.2.1, keys rotated).
  using CookieGenerate = std::function<std::optional<std::vector<uint8_t>>(std::span<const uint8_t> peer_address)>;
  using CookieVerify = std::function<bool(std::span<const uint8_t> peer_address, std::span<const uint8_t> cookie)>;
  void set_cookie_callbacks(CookieGenerate generate, CookieVerify verify);

  // --- routing (RFC 9146 §6) -------------------------------------------------
  // The Listener can keep the table that says which association a datagram
  // belongs to: by the connection ID on its first record when it carries
  // one of ours (so a peer whose address changed still reaches its
  // association), otherwise by source address. Associations are the
  // caller's (any 64-bit handle); the table holds at most max_associations().
  using AssociationId = uint64_t;
  static constexpr size_t kDefaultMaxAssociations = 65536;
  void set_max_associations(size_t max) noexcept;
  size_t max_associations() const noexcept;
  size_t associations() const noexcept;
  // Registers (or refreshes, after the connection's peer address or CID
  // changed) the routes to `id`. kOutOfRange when the table is full.
  Result<void> bind(AssociationId id, const Connection& connection);
  void unbind(AssociationId id);
  std::optional<AssociationId> route(std::span<const uint8_t> datagram, std::span<const uint8_t> peer_address) const;

  struct Impl;

 private:
  explicit Listener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cachet
