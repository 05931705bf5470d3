// PeerChainCache — certificate chains this Context has already validated.
//
// A client that connects to the same server again is sent the same chain.
// Validating it (parsing each certificate, building the path to an anchor,
// one signature verification per certificate) cost more than the rest of
// the client's handshake together. The outcome depends only on the chain's
// bytes, the Context's trust anchors (immutable), the purpose, the host name
// and the time, so a successful validation is remembered under a SHA-256 of
// everything but the time, with the window in which every certificate of
// the verified path is valid (RFC 5280 §4.1.2.5); outside it the chain is
// validated again. The handshake's own signature (ServerKeyExchange,
// CertificateVerify) is verified every time, with the remembered leaf key.
// Failures are never remembered. Bounded: kDefaultEntries, least recently
// used out first; thread-safe, as the Context is shared.
#pragma once

#include <array>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <cachet/context.hpp>

#include "base/bytes.hpp"
#include "crypto/signature.hpp"

namespace cachet {

class PeerChainCache {
 public:
  static constexpr size_t kDefaultEntries = ContextBuilder::kDefaultPeerChainCache;
  using Key = std::array<uint8_t, 32>;

  struct Entry {
    std::shared_ptr<const crypto::VerifyingKey> leaf_key;
    int depth = 0;           // of the verified path's anchor (what VerifyResult::path.size() - 1 gave)
    int64_t valid_from = 0;  // latest notBefore on the path
    int64_t valid_until = 0; // earliest notAfter on the path (exclusive)
    // The chain itself, which the connections that presented it share
    // (Connection::peer_certificates()) rather than each keeping a copy.
    std::shared_ptr<const std::vector<Bytes>> chain;
  };

  explicit PeerChainCache(size_t capacity = kDefaultEntries) : capacity_(capacity) {}

  // The entry for `key` if it exists and `unix_seconds` is inside its window.
  std::optional<Entry> find(const Key& key, int64_t unix_seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    Entry& e = it->second->second;
    if (unix_seconds < e.valid_from || unix_seconds >= e.valid_until) {
      order_.erase(it->second);
      index_.erase(it);
      return std::nullopt;
    }
    order_.splice(order_.begin(), order_, it->second);  // most recently used
    ++hits_;
    return e;
  }

  void put(const Key& key, Entry entry) {
    if (capacity_ == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
      it->second->second = std::move(entry);
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    if (index_.size() >= capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(key, std::move(entry));
    index_.emplace(key, order_.begin());
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return index_.size();
  }
  size_t capacity() const noexcept { return capacity_; }
  uint64_t hits() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return hits_;
  }

 private:
  struct KeyHash {
    size_t operator()(const Key& k) const noexcept {
      size_t h = 0;
      for (size_t i = 0; i < sizeof h; ++i) h = (h << 8) | k[i];  // already a SHA-256: any bytes will do
      return h;
    }
  };
  using Order = std::list<std::pair<Key, Entry>>;

  mutable std::mutex mutex_;
  size_t capacity_;
  uint64_t hits_ = 0;
  Order order_;
  std::unordered_map<Key, Order::iterator, KeyHash> index_;
};

}  // namespace cachet
