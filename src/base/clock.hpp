// Time, injected. The engine never reads a clock itself: callers pass `now`,
// and components that need "the time" take a Clock.
#pragma once

#include <cachet/time.hpp>

#include <chrono>
#include <cstdint>

namespace cachet {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time for timers and RTT measurement.
  virtual Instant now() const = 0;
  // Wall-clock seconds since the Unix epoch, for certificate validity.
  virtual int64_t unix_seconds() const = 0;
};

// The real clocks (CLOCK_MONOTONIC and CLOCK_REALTIME).
class SystemClock final : public Clock {
 public:
  Instant now() const override;
  int64_t unix_seconds() const override;
};

// A clock that moves only when told to: for tests and fuzzing.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant start = {}, int64_t unix_start = 1767225600 /* 2026-01-01 */)
      : now_(start), unix_start_(unix_start) {}
  Instant now() const override { return now_; }
  int64_t unix_seconds() const override {
    return unix_start_ + std::chrono::duration_cast<std::chrono::seconds>(now_.since_origin).count();
  }
  void advance(Duration d) { now_ = now_ + d; }
  void set(Instant t) { now_ = t; }

 private:
  Instant now_;
  int64_t unix_start_;
};

}  // namespace cachet
