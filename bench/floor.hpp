// cachet-bench — the raw crypto floor (floor.cpp).
#pragma once

#include <string>
#include <vector>

namespace bench {

struct FloorOp {
  std::string id;     // "nettle.p256.sign", "gnutls.aes128gcm.seal", ...
  std::string title;
  std::string unit;   // "ops/s" or "MB/s"
  double value = 0;
};

// Every floor operation, each timed for `budget` CPU seconds.
std::vector<FloorOp> measure_floors(double budget);

}  // namespace bench
