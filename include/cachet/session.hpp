// Cachet — DTLS 1.2 session resumption (RFC 5246 §7.3, RFC 5077, RFC 7627 §5.3).
//
// Client side: a completed Connection hands out a Session; pass it to the
// next Connection::client() to resume. A Session can be serialized to bytes
// and parsed back (e.g. to keep it across process restarts); the bytes hold
// the master secret, so store them like a private key.
//
// Server side: a SessionCache (resumption by session ID) and TicketKeys
// (resumption by RFC 5077 tickets), both bounded, thread-safe, and shareable
// between any number of contexts and threads.
#pragma once

#include <cachet/error.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace cachet {

namespace session {
struct SessionState;  // src/session/session_state.hpp
}

// An immutable, resumable session. Copies share one state.
class CACHET_EXPORT Session {
 public:
  Session() = default;
  explicit Session(std::shared_ptr<const session::SessionState> state) : state_(std::move(state)) {}

  // False for a default-constructed Session.
  bool valid() const noexcept { return state_ != nullptr; }
  explicit operator bool() const noexcept { return valid(); }

  // The session ID (may be empty when the session is resumed by ticket only).
  std::span<const uint8_t> id() const noexcept;
  bool has_ticket() const noexcept;
  uint16_t cipher_suite() const noexcept;
  bool extended_master_secret() const noexcept;
  std::string_view server_name() const noexcept;
  // Wall-clock creation time and lifetime; expired(now) is true past it.
  int64_t created_unix() const noexcept;
  uint32_t lifetime_seconds() const noexcept;
  bool expired(int64_t unix_now) const noexcept;

  // A versioned binary form; parse() rejects anything malformed or of an
  // unknown version with an error (never a partial Session).
  std::vector<uint8_t> serialize() const;
  static Result<Session> parse(std::span<const uint8_t> bytes);

  // The engine's view (not part of the stable API).
  const session::SessionState* state() const noexcept { return state_.get(); }
  const std::shared_ptr<const session::SessionState>& shared_state() const noexcept { return state_; }

 private:
  std::shared_ptr<const session::SessionState> state_;
};

// Server: sessions by ID, least recently used evicted at capacity, expired
// entries never returned. Thread-safe.
class CACHET_EXPORT SessionCache {
 public:
  static constexpr size_t kDefaultCapacity = 20000;
  static constexpr std::chrono::seconds kDefaultLifetime{7200};

  explicit SessionCache(size_t capacity = kDefaultCapacity, std::chrono::seconds lifetime = kDefaultLifetime);
  ~SessionCache();
  SessionCache(const SessionCache&) = delete;
  SessionCache& operator=(const SessionCache&) = delete;

  size_t size() const;
  size_t capacity() const noexcept;
  std::chrono::seconds lifetime() const noexcept;
  void clear();

  struct Stats {
    uint64_t hits = 0, misses = 0, evictions = 0, expired = 0;
  };
  Stats stats() const;

  // Used by the engine. `id` is 1..32 bytes (RFC 5246 §7.4.1.2).
  void insert(std::span<const uint8_t> id, std::shared_ptr<const session::SessionState> state, int64_t unix_now);
  std::shared_ptr<const session::SessionState> find(std::span<const uint8_t> id, int64_t unix_now);
  void remove(std::span<const uint8_t> id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Server: the keys that seal session tickets (RFC 5077 §4). A ticket is
// key_name(16) || nonce(12) || AES-256-GCM(state) || tag(16), the key name
// as additional data. A new key is made every `rotation`; tickets under the
// previous key are still accepted for one more period (and renewed), older
// ones are refused. Tickets older than `lifetime` are refused. Thread-safe.
class CACHET_EXPORT TicketKeys {
 public:
  static constexpr std::chrono::seconds kDefaultRotation{12 * 3600};
  static constexpr std::chrono::seconds kDefaultLifetime{7200};

  explicit TicketKeys(std::chrono::seconds rotation = kDefaultRotation,
                      std::chrono::seconds lifetime = kDefaultLifetime);
  ~TicketKeys();
  TicketKeys(const TicketKeys&) = delete;
  TicketKeys& operator=(const TicketKeys&) = delete;

  std::chrono::seconds lifetime() const noexcept;
  // Makes a new current key now (the old one becomes the previous key).
  void rotate(int64_t unix_now);

  // Used by the engine.
  Result<std::vector<uint8_t>> seal(const session::SessionState& state, int64_t unix_now);
  struct Opened {
    std::shared_ptr<const session::SessionState> state;
    bool renew = false;  // sealed under the previous key: issue a fresh ticket
  };
  std::optional<Opened> open(std::span<const uint8_t> ticket, int64_t unix_now);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cachet
