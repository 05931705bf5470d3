#include "base/random.hpp"

#include <errno.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <cstring>

#include "base/secure.hpp"

namespace cachet {

namespace {

struct Pool {
  size_t left;  // unserved bytes at the end of `bytes`; 0 after a fork
  uint8_t bytes[SystemRandom::kPoolSize];
};

// One page per thread holding its Pool (see SystemRandom).
class PoolPage {
 public:
  PoolPage() {
    const long page = sysconf(_SC_PAGESIZE);
    size_ = page > 0 && static_cast<size_t>(page) >= sizeof(Pool) ? static_cast<size_t>(page) : 0;
    if (size_ == 0) return;
    void* m = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return;
#ifdef MADV_WIPEONFORK
    if (madvise(m, size_, MADV_WIPEONFORK) == 0) {
      pool_ = static_cast<Pool*>(m);  // zero-filled: left == 0
      return;
    }
#endif
    munmap(m, size_);
  }
  ~PoolPage() {
    if (pool_ == nullptr) return;
    secure_wipe(pool_, sizeof(Pool));
    munmap(pool_, size_);
  }
  PoolPage(const PoolPage&) = delete;
  PoolPage& operator=(const PoolPage&) = delete;

  Pool* pool() const noexcept { return pool_; }

 private:
  Pool* pool_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

#if defined(CACHET_UNSAFE_FUZZER_MODE)
// Fuzzer mode: the seeded stream instead of the kernel (see random.hpp).
DeterministicRandom& SystemRandom::fuzzer_stream() {
  static DeterministicRandom stream(0);
  return stream;
}
Result<void> SystemRandom::fill(MutableByteSpan out) { return fuzzer_stream().fill(out); }
Result<void> SystemRandom::fill_direct(MutableByteSpan out) { return fuzzer_stream().fill(out); }
#else
Result<void> SystemRandom::fill(MutableByteSpan out) {
  if (out.size() > kPooledMax) return fill_direct(out);
  thread_local PoolPage page;
  Pool* pool = page.pool();
  if (pool == nullptr) return fill_direct(out);
  if (pool->left < out.size()) {
    secure_wipe(pool->bytes, sizeof pool->bytes);
    pool->left = 0;
    CACHET_TRY(fill_direct(MutableByteSpan(pool->bytes, sizeof pool->bytes)));
    pool->left = sizeof pool->bytes;
  }
  uint8_t* from = pool->bytes + (sizeof pool->bytes - pool->left);
  std::memcpy(out.data(), from, out.size());
  secure_wipe(from, out.size());
  pool->left -= out.size();
  return ok();
}

Result<void> SystemRandom::fill_direct(MutableByteSpan out) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error(ErrorCode::kRandomFailure, "getrandom failed");
    }
    done += static_cast<size_t>(n);
  }
  return ok();
}
#endif  // CACHET_UNSAFE_FUZZER_MODE

SystemRandom& SystemRandom::instance() {
  static SystemRandom random;
  return random;
}

namespace {
uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
}  // namespace

void DeterministicRandom::reseed(uint64_t seed) noexcept {
  for (auto& s : s_) s = splitmix64(seed);
}

uint64_t DeterministicRandom::next_u64() noexcept {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

uint64_t DeterministicRandom::uniform(uint64_t bound) noexcept {
  if (bound == 0) return 0;
  // Rejection sampling removes modulo bias.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t v;
  do v = next_u64(); while (v >= limit);
  return v % bound;
}

Result<void> DeterministicRandom::fill(MutableByteSpan out) {
  size_t i = 0;
  while (i < out.size()) {
    uint64_t v = next_u64();
    for (int k = 0; k < 8 && i < out.size(); ++k, ++i) out[i] = static_cast<uint8_t>(v >> (8 * k));
  }
  return ok();
}

}  // namespace cachet
