// Cachet — time as the engine sees it. Nothing in Cachet reads a clock on its
// own: callers pass `now` (tests and fuzzers pass whatever they like).
#pragma once

#include <chrono>
#include <compare>

namespace cachet {

using Duration = std::chrono::nanoseconds;

// A point on a monotonic time line, in nanoseconds from an arbitrary origin.
struct Instant {
  Duration since_origin{0};

  friend constexpr bool operator==(Instant a, Instant b) = default;
  friend constexpr auto operator<=>(Instant a, Instant b) = default;
  friend constexpr Instant operator+(Instant a, Duration d) { return Instant{a.since_origin + d}; }
  friend constexpr Instant operator-(Instant a, Duration d) { return Instant{a.since_origin - d}; }
  friend constexpr Duration operator-(Instant a, Instant b) { return a.since_origin - b.since_origin; }

  // The monotonic clock (CLOCK_MONOTONIC) as an Instant.
  static Instant from(std::chrono::steady_clock::time_point t) noexcept {
    return Instant{std::chrono::duration_cast<Duration>(t.time_since_epoch())};
  }
  static Instant now() noexcept { return from(std::chrono::steady_clock::now()); }
};

}  // namespace cachet
