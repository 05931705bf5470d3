// Randomness, injected. Production code uses SystemRandom (getrandom(2)); tests
// and fuzzing use DeterministicRandom so that every run can be replayed.
#pragma once

#include <cachet/error.hpp>

#include <cstdint>

#include "base/bytes.hpp"

namespace cachet {

class DeterministicRandom;

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` entirely or fails; never returns partially random output.
  [[nodiscard]] virtual Result<void> fill(MutableByteSpan out) = 0;
};

// The kernel CSPRNG through getrandom(2), retrying on EINTR and short reads.
// Requests of up to kPooledMax bytes are served from a per-thread pool of
// kPoolSize bytes read from the kernel in one call (a handshake asks for
// randomness several times; each getrandom is a system call). Every byte is
// served once and wiped when served; the pool lives in its own page marked
// MADV_WIPEONFORK, so a forked child finds it empty and never repeats its
// parent's bytes. Where the kernel cannot wipe on fork, nothing is pooled.
class SystemRandom final : public Random {
 public:
  static constexpr size_t kPoolSize = 512;
  static constexpr size_t kPooledMax = 64;
  Result<void> fill(MutableByteSpan out) override;
  // Straight from the kernel, never pooled.
  static Result<void> fill_direct(MutableByteSpan out);
  // A process-wide instance (stateless, thread-safe).
  static SystemRandom& instance();
#if defined(CACHET_UNSAFE_FUZZER_MODE)
  // Fuzzer mode only (never in libcachet): every SystemRandom byte comes from
  // this one seeded stream, which a fuzz harness reseeds per input so a run
  // replays exactly (BoringSSL's deterministic RAND_bytes in fuzzer mode).
  static DeterministicRandom& fuzzer_stream();
#endif
};

// NOT cryptographically secure: a seeded xoshiro256** stream for tests and
// fuzzers, identical on every platform for the same seed.
class DeterministicRandom final : public Random {
 public:
  explicit DeterministicRandom(uint64_t seed) { reseed(seed); }
  Result<void> fill(MutableByteSpan out) override;
  uint64_t next_u64() noexcept;
  // Uniform in [0, bound) for bound > 0 (tests use this to draw impairments).
  uint64_t uniform(uint64_t bound) noexcept;
  // A double in [0, 1).
  double unit() noexcept { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  void reseed(uint64_t seed) noexcept;

 private:
  uint64_t s_[4];
};

}  // namespace cachet
