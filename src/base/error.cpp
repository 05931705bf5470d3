#include <cachet/error.hpp>

namespace cachet {

std::string_view error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kBufferTooSmall: return "buffer too small";
    case ErrorCode::kOutOfRange: return "out of range";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kInternal: return "internal error";
    case ErrorCode::kWrongState: return "wrong state";
    case ErrorCode::kTruncated: return "truncated";
    case ErrorCode::kTrailingBytes: return "trailing bytes";
    case ErrorCode::kLengthTooLarge: return "length too large";
    case ErrorCode::kDecodeError: return "decode error";
    case ErrorCode::kBadKey: return "bad key";
    case ErrorCode::kBadNonce: return "bad nonce";
    case ErrorCode::kAuthenticationFailed: return "authentication failed";
    case ErrorCode::kInvalidPublicKey: return "invalid public key";
    case ErrorCode::kInvalidSignature: return "invalid signature";
    case ErrorCode::kInvalidPrivateKey: return "invalid private key";
    case ErrorCode::kRandomFailure: return "random source failed";
    case ErrorCode::kSequenceExhausted: return "sequence numbers exhausted";
  }
  return "unknown error";
}

}  // namespace cachet
