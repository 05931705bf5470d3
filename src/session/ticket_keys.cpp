// TicketKeys: RFC 5077 §4 session tickets, in the recommended shape
//
//   key_name(16) || nonce(12) || AES-256-GCM(serialized state) || tag(16)
//
// with the key name as additional data. Keys and key names are random
// (SystemRandom); a nonce is random per ticket.
//
// Key lifecycle: a key seals for `rotation` seconds from its creation, then
// is only accepted (with renew = true) for one more period, then dropped.
// Keys are retired lazily, by the time passed to seal()/open(); a new key is
// made by the first seal() that finds no current one (open() never needs
// one, so it never needs randomness and cannot fail for lack of it).
#include <cachet/session.hpp>

#include <algorithm>
#include <array>
#include <limits>
#include <mutex>

#include "base/random.hpp"
#include "base/secure.hpp"
#include "crypto/aead.hpp"
#include "session/session_state.hpp"

namespace cachet {

namespace {

constexpr size_t kKeyNameSize = 16;  // RFC 5077 §4: key_name[16]
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;
constexpr size_t kTicketOverhead = kKeyNameSize + kNonceSize + kTagSize;
using session::kMaxTicketSize;
constexpr crypto::AeadAlgorithm kTicketAead = crypto::AeadAlgorithm::kAes256Gcm;
// NIST SP 800-38D §8.3: at most 2^32 random 96-bit nonces per GCM key; a key
// is retired well before that whatever the rotation period.
constexpr uint64_t kMaxSealsPerKey = uint64_t{1} << 31;

// `a + b` without signed overflow (clamped), for times a caller supplies.
int64_t saturating_add(int64_t a, int64_t b) noexcept {
  int64_t out;
  if (!__builtin_add_overflow(a, b, &out)) return out;
  return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

// unix_now - since >= period, with now before `since` never reaching it.
bool at_least_elapsed(int64_t since, int64_t unix_now, int64_t period) noexcept {
  if (unix_now < since) return false;
  return static_cast<uint64_t>(unix_now) - static_cast<uint64_t>(since) >= static_cast<uint64_t>(period);
}

// Wipes a buffer that held secrets when it goes out of scope.
struct WipeOnExit {
  Bytes& bytes;
  ~WipeOnExit() { secure_wipe(MutableByteSpan(bytes)); }
};

struct TicketKey {
  std::array<uint8_t, kKeyNameSize> name;
  crypto::Aead aead;  // holds the expanded key; wiped when destroyed
  int64_t created_unix;
};

Result<std::shared_ptr<const TicketKey>> make_key(int64_t unix_now) {
  std::array<uint8_t, kKeyNameSize> name;
  CACHET_TRY(SystemRandom::instance().fill(name));
  SecretBytes key(crypto::aead_params(kTicketAead).key_size);  // wiped on return
  CACHET_TRY(SystemRandom::instance().fill(key.mutable_span()));
  CACHET_ASSIGN_OR_RETURN(crypto::Aead aead, crypto::Aead::create(kTicketAead, key));
  return std::make_shared<const TicketKey>(TicketKey{name, std::move(aead), unix_now});
}

}  // namespace

struct TicketKeys::Impl {
  Impl(std::chrono::seconds r, std::chrono::seconds l)
      : rotation(std::max<int64_t>(r.count(), 1)), lifetime(std::max<int64_t>(l.count(), 0)) {}

  // Drops what `unix_now` has made too old: the current key stops sealing
  // after `rotation` and becomes the previous one, accepted until one more
  // period has passed. Caller holds the mutex.
  void retire(int64_t unix_now) {
    if (current && at_least_elapsed(current->created_unix, unix_now, rotation)) {
      previous = std::move(current);
      previous_until = saturating_add(previous->created_unix, saturating_add(rotation, rotation));
      current.reset();
    }
    if (previous && unix_now >= previous_until) previous.reset();
  }

  // Retires the current key early (explicit rotation, nonce budget spent):
  // it is accepted for one period from now.
  void demote_current(int64_t unix_now) {
    if (!current) return;
    previous = std::move(current);
    previous_until = saturating_add(unix_now, rotation);
    current.reset();
  }

  void install(std::shared_ptr<const TicketKey> key, int64_t unix_now) {
    demote_current(unix_now);
    current = std::move(key);
    current_seals = 0;
  }

  const int64_t rotation;
  const int64_t lifetime;
  std::mutex mutex;
  std::shared_ptr<const TicketKey> current;
  std::shared_ptr<const TicketKey> previous;
  int64_t previous_until = 0;
  uint64_t current_seals = 0;
};

TicketKeys::TicketKeys(std::chrono::seconds rotation, std::chrono::seconds lifetime)
    : impl_(std::make_unique<Impl>(rotation, lifetime)) {}

TicketKeys::~TicketKeys() = default;

std::chrono::seconds TicketKeys::lifetime() const noexcept { return std::chrono::seconds(impl_->lifetime); }

void TicketKeys::rotate(int64_t unix_now) {
  auto key = make_key(unix_now);
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->retire(unix_now);
  // Without a new key (no randomness), retiring the current one still
  // honours the request: the next seal() tries again.
  if (key.ok()) {
    impl_->install(std::move(key).value(), unix_now);
  } else {
    impl_->demote_current(unix_now);
  }
}

Result<std::vector<uint8_t>> TicketKeys::seal(const session::SessionState& state, int64_t unix_now) {
  std::shared_ptr<const TicketKey> key;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->retire(unix_now);
    if (impl_->current_seals >= kMaxSealsPerKey) impl_->demote_current(unix_now);
    if (!impl_->current) {
      // Made under the lock so that racing seals agree on one new key.
      CACHET_ASSIGN_OR_RETURN(auto fresh, make_key(unix_now));
      impl_->install(std::move(fresh), unix_now);
    }
    key = impl_->current;
    ++impl_->current_seals;
  }

  // The plaintext holds the master secret: it is wiped whatever happens next.
  Bytes plaintext = state.serialize();
  const WipeOnExit wipe_plaintext{plaintext};
  if (plaintext.empty()) return Error(ErrorCode::kInvalidArgument, "session state cannot be serialized");
  if (plaintext.size() > kMaxTicketSize - kTicketOverhead) {
    return Error(ErrorCode::kLengthTooLarge, "session state too large for a ticket");
  }

  std::vector<uint8_t> ticket(kTicketOverhead + plaintext.size());
  const MutableByteSpan out(ticket);
  const MutableByteSpan name = out.first(kKeyNameSize);
  const MutableByteSpan nonce = out.subspan(kKeyNameSize, kNonceSize);
  const MutableByteSpan body = out.subspan(kKeyNameSize + kNonceSize, plaintext.size());
  const MutableByteSpan tag = out.last(kTagSize);
  std::copy(key->name.begin(), key->name.end(), name.begin());
  CACHET_TRY(SystemRandom::instance().fill(nonce));
  std::copy(plaintext.begin(), plaintext.end(), body.begin());
  if (auto sealed = key->aead.seal(nonce, name, body, tag); !sealed.ok()) {
    secure_wipe(out);
    return sealed.error();
  }
  return ticket;
}

std::optional<TicketKeys::Opened> TicketKeys::open(std::span<const uint8_t> ticket, int64_t unix_now) {
  if (ticket.size() <= kTicketOverhead || ticket.size() > kMaxTicketSize) return std::nullopt;
  const ByteSpan name = ticket.first(kKeyNameSize);
  const ByteSpan nonce = ticket.subspan(kKeyNameSize, kNonceSize);
  const ByteSpan body = ticket.subspan(kKeyNameSize + kNonceSize, ticket.size() - kTicketOverhead);
  const ByteSpan tag = ticket.last(kTagSize);

  std::shared_ptr<const TicketKey> key;
  bool renew = false;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->retire(unix_now);
    auto matches = [&](const std::shared_ptr<const TicketKey>& k) {
      return k && std::equal(k->name.begin(), k->name.end(), name.begin(), name.end());
    };
    if (matches(impl_->current)) {
      key = impl_->current;
    } else if (matches(impl_->previous)) {
      key = impl_->previous;
      renew = true;  // RFC 5077 §3.3: the server may issue a fresh ticket
    } else {
      return std::nullopt;
    }
  }

  SecretBytes plaintext(body);
  if (!key->aead.open(nonce, name, plaintext.mutable_span(), tag).ok()) return std::nullopt;
  auto parsed = session::SessionState::parse(plaintext.span());
  if (!parsed.ok()) return std::nullopt;
  session::SessionState& state = parsed.value();

  // The ticket's age is the state's: refused from `lifetime` on, and when it
  // claims to come from the future.
  if (state.created_unix > unix_now || at_least_elapsed(state.created_unix, unix_now, impl_->lifetime)) {
    return std::nullopt;
  }
  const uint64_t max_lifetime = std::min<uint64_t>(static_cast<uint64_t>(impl_->lifetime),
                                                   std::numeric_limits<uint32_t>::max());
  state.lifetime_seconds = static_cast<uint32_t>(std::min<uint64_t>(state.lifetime_seconds, max_lifetime));
  if (state.expired(unix_now)) return std::nullopt;

  return Opened{std::make_shared<const session::SessionState>(std::move(state)), renew};
}

}  // namespace cachet
