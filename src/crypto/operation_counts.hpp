// Counts of public-key operations done by this thread, so tests can prove
// what a handshake costs (an abbreviated handshake does none, RFC 5246 §7.3)
// and benchmarks can report it. Thread-local: no synchronisation cost.
#pragma once

#include <cstdint>

namespace cachet::crypto {

struct PublicKeyOperationCounts {
  uint64_t signs = 0;
  uint64_t verifies = 0;
  uint64_t key_generations = 0;
  uint64_t key_agreements = 0;
  uint64_t chain_verifications = 0;  // X.509 chains checked (signatures inside GnuTLS)

  uint64_t total() const noexcept { return signs + verifies + key_generations + key_agreements + chain_verifications; }
};

// This thread's counts since it started (never reset; take differences).
PublicKeyOperationCounts& public_key_operations() noexcept;

}  // namespace cachet::crypto
