// Cachet — errors as values.
//
// Every fallible operation in Cachet returns a Result<T>: either a value or an
// Error. Errors are never thrown inside the engine; the OpenSSL shim turns
// them into error-queue entries and return codes.
#pragma once

#include <cstdint>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

// The library is built with hidden visibility; only what carries this mark is
// exported from libcachet.so.
#define CACHET_EXPORT __attribute__((visibility("default")))

namespace cachet {

// What went wrong, in the caller's terms. Grouped by layer; the numeric values
// are not wire values and may change between releases.
enum class ErrorCode : uint16_t {
  kOk = 0,
  // Generic argument and state errors.
  kInvalidArgument,
  kBufferTooSmall,
  kOutOfRange,
  kUnsupported,
  kInternal,
  kWrongState,
  // Parsing (ByteReader and codecs).
  kTruncated,
  kTrailingBytes,
  kLengthTooLarge,
  kDecodeError,
  // Cryptography.
  kBadKey,
  kBadNonce,
  kAuthenticationFailed,
  kInvalidPublicKey,
  kInvalidSignature,
  kInvalidPrivateKey,
  kRandomFailure,
  // Record layer.
  kSequenceExhausted,
};

// A short, stable, human-readable name for an error code ("truncated", ...).
CACHET_EXPORT std::string_view error_code_name(ErrorCode code) noexcept;

// An error value: a code plus a static description of where it arose. The
// message is always a string literal (never formatted from peer data or
// secrets), so an Error is cheap to copy and safe to log.
class Error {
 public:
  constexpr Error() noexcept = default;
  constexpr explicit Error(ErrorCode code, const char* what = "") noexcept
      : code_(code), what_(what) {}

  constexpr ErrorCode code() const noexcept { return code_; }
  constexpr const char* what() const noexcept { return what_; }
  constexpr bool operator==(ErrorCode c) const noexcept { return code_ == c; }

 private:
  ErrorCode code_ = ErrorCode::kInternal;
  const char* what_ = "";
};

// Result<T>: a value or an Error. Must be inspected ([[nodiscard]]).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : has_value_(true) { new (&value_) T(value); }
  Result(T&& value) noexcept(std::is_nothrow_move_constructible_v<T>) : has_value_(true) {
    new (&value_) T(std::move(value));
  }
  Result(Error error) noexcept : has_value_(false), error_(error) {}

  Result(const Result& other) : has_value_(other.has_value_) {
    if (has_value_) new (&value_) T(other.value_); else error_ = other.error_;
  }
  Result(Result&& other) noexcept(std::is_nothrow_move_constructible_v<T>)
      : has_value_(other.has_value_) {
    if (has_value_) new (&value_) T(std::move(other.value_)); else error_ = other.error_;
  }
  Result& operator=(Result other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    this->~Result();
    new (this) Result(std::move(other));
    return *this;
  }
  ~Result() {
    if (has_value_) value_.~T();
  }

  bool ok() const noexcept { return has_value_; }
  explicit operator bool() const noexcept { return has_value_; }

  T& value() & noexcept { return value_; }
  const T& value() const& noexcept { return value_; }
  T&& value() && noexcept { return std::move(value_); }
  T* operator->() noexcept { return &value_; }
  const T* operator->() const noexcept { return &value_; }
  T& operator*() & noexcept { return value_; }
  const T& operator*() const& noexcept { return value_; }

  // Only meaningful when !ok().
  Error error() const noexcept { return has_value_ ? Error(ErrorCode::kOk) : error_; }

 private:
  bool has_value_;
  union {
    T value_;
    Error error_;
  };
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() noexcept : error_(ErrorCode::kOk) {}
  Result(Error error) noexcept : error_(error) {}

  bool ok() const noexcept { return error_.code() == ErrorCode::kOk; }
  explicit operator bool() const noexcept { return ok(); }
  Error error() const noexcept { return error_; }

 private:
  Error error_;
};

inline Result<void> ok() noexcept { return Result<void>(); }

}  // namespace cachet

// Propagate an error from an expression returning Result<...>.
#define CACHET_TRY(expr)                                 \
  do {                                                   \
    auto cachet_try_result_ = (expr);                    \
    if (!cachet_try_result_.ok()) return cachet_try_result_.error(); \
  } while (0)

// Evaluate a Result<T> expression, return its error, or move its value into `lhs`.
#define CACHET_CONCAT_INNER_(a, b) a##b
#define CACHET_CONCAT_(a, b) CACHET_CONCAT_INNER_(a, b)
#define CACHET_ASSIGN_OR_RETURN(lhs, expr) \
  CACHET_ASSIGN_OR_RETURN_IMPL_(CACHET_CONCAT_(cachet_result_, __LINE__), lhs, expr)
#define CACHET_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.error();                  \
  lhs = std::move(tmp).value()
