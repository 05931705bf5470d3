// SessionCache: a bounded LRU of sessions by ID, one mutex around it.
//
// The list holds the entries, most recently used first; the map finds an
// entry's list node by ID. Every operation is O(1) apart from clear().
#include <cachet/session.hpp>

#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "session/session_state.hpp"

namespace cachet {

namespace {

std::string key_of(std::span<const uint8_t> id) { return std::string(id.begin(), id.end()); }

}  // namespace

struct SessionCache::Impl {
  struct Entry {
    std::string id;
    std::shared_ptr<const session::SessionState> state;
    int64_t inserted_unix;
  };

  Impl(size_t cap, std::chrono::seconds life) : capacity(cap), lifetime(life) {}

  // Past the cache's lifetime (counted from insertion), or past the state's
  // own. A time before the insertion counts as expired, as in SessionState.
  bool expired(const Entry& e, int64_t unix_now) const noexcept {
    if (unix_now < e.inserted_unix) return true;
    const uint64_t age = static_cast<uint64_t>(unix_now) - static_cast<uint64_t>(e.inserted_unix);
    const int64_t limit = lifetime.count();
    if (limit <= 0 || age >= static_cast<uint64_t>(limit)) return true;
    return e.state->expired(unix_now);
  }

  void erase(std::list<Entry>::iterator it) {
    index.erase(it->id);
    lru.erase(it);
  }

  const size_t capacity;
  const std::chrono::seconds lifetime;
  mutable std::mutex mutex;
  std::list<Entry> lru;
  std::unordered_map<std::string, std::list<Entry>::iterator> index;
  Stats stats;
};

SessionCache::SessionCache(size_t capacity, std::chrono::seconds lifetime)
    : impl_(std::make_unique<Impl>(capacity, lifetime)) {}

SessionCache::~SessionCache() = default;

size_t SessionCache::size() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->lru.size();
}

size_t SessionCache::capacity() const noexcept { return impl_->capacity; }

std::chrono::seconds SessionCache::lifetime() const noexcept { return impl_->lifetime; }

void SessionCache::clear() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->index.clear();
  impl_->lru.clear();
}

SessionCache::Stats SessionCache::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->stats;
}

void SessionCache::insert(std::span<const uint8_t> id, std::shared_ptr<const session::SessionState> state,
                          int64_t unix_now) {
  // RFC 5246 §7.4.1.2: a session ID is 1..32 bytes; an empty one means "not
  // resumable by ID".
  if (id.empty() || id.size() > session::kMaxSessionIdSize || !state) return;
  Impl& m = *impl_;
  if (m.capacity == 0) return;
  std::string key = key_of(id);
  std::lock_guard<std::mutex> lock(m.mutex);
  if (auto found = m.index.find(key); found != m.index.end()) {
    // Replacing: the new state, a fresh insertion time, most recently used.
    auto it = found->second;
    it->state = std::move(state);
    it->inserted_unix = unix_now;
    m.lru.splice(m.lru.begin(), m.lru, it);
    return;
  }
  while (m.lru.size() >= m.capacity) {
    m.erase(std::prev(m.lru.end()));
    ++m.stats.evictions;
  }
  m.lru.push_front(Impl::Entry{key, std::move(state), unix_now});
  m.index.emplace(std::move(key), m.lru.begin());
}

std::shared_ptr<const session::SessionState> SessionCache::find(std::span<const uint8_t> id,
                                                                int64_t unix_now) {
  Impl& m = *impl_;
  if (id.empty() || id.size() > session::kMaxSessionIdSize) {
    std::lock_guard<std::mutex> lock(m.mutex);
    ++m.stats.misses;
    return nullptr;
  }
  const std::string key = key_of(id);
  std::lock_guard<std::mutex> lock(m.mutex);
  auto found = m.index.find(key);
  if (found == m.index.end()) {
    ++m.stats.misses;
    return nullptr;
  }
  auto it = found->second;
  if (m.expired(*it, unix_now)) {
    m.erase(it);
    ++m.stats.expired;
    ++m.stats.misses;
    return nullptr;
  }
  m.lru.splice(m.lru.begin(), m.lru, it);
  ++m.stats.hits;
  return it->state;
}

void SessionCache::remove(std::span<const uint8_t> id) {
  if (id.empty() || id.size() > session::kMaxSessionIdSize) return;
  const std::string key = key_of(id);
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto found = impl_->index.find(key);
  if (found != impl_->index.end()) impl_->erase(found->second);
}

}  // namespace cachet
