// Handshake vocabulary: message types, extension types, alert codes.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cachet/error.hpp>

namespace cachet::handshake {

// RFC 5246 §7.4, RFC 6347 §4.3.2 (hello_verify_request), RFC 5077 (new_session_ticket).
enum class HandshakeType : uint8_t {
  kHelloRequest = 0,
  kClientHello = 1,
  kServerHello = 2,
  kHelloVerifyRequest = 3,
  kNewSessionTicket = 4,
  kEndOfEarlyData = 5,
  kEncryptedExtensions = 8,
  kRequestConnectionId = 9,
  kNewConnectionId = 10,
  kCertificate = 11,
  kServerKeyExchange = 12,
  kCertificateRequest = 13,
  kServerHelloDone = 14,
  kCertificateVerify = 15,
  kClientKeyExchange = 16,
  kFinished = 20,
  kKeyUpdate = 24,
  kMessageHash = 254,
};

// TLS ExtensionType code points (IANA registry).
enum class ExtensionType : uint16_t {
  kServerName = 0,
  kMaxFragmentLength = 1,
  kStatusRequest = 5,
  kSupportedGroups = 10,
  kEcPointFormats = 11,
  kSignatureAlgorithms = 13,
  kUseSrtp = 14,
  kHeartbeat = 15,
  kAlpn = 16,
  kClientCertificateType = 19,
  kServerCertificateType = 20,
  kPadding = 21,
  kEncryptThenMac = 22,
  kExtendedMasterSecret = 23,
  kRecordSizeLimit = 28,
  kSessionTicket = 35,
  kPreSharedKey = 41,
  kEarlyData = 42,
  kSupportedVersions = 43,
  kCookie = 44,
  kPskKeyExchangeModes = 45,
  kCertificateAuthorities = 47,
  kSignatureAlgorithmsCert = 50,
  kKeyShare = 51,
  kConnectionId = 54,  // RFC 9146 (53 was the draft code point; not supported)
  kRenegotiationInfo = 0xff01,
};

// RFC 5246 §7.2, RFC 8446 §6, RFC 7301 (no_application_protocol).
enum class AlertLevel : uint8_t { kWarning = 1, kFatal = 2 };
enum class AlertDescription : uint8_t {
  kCloseNotify = 0,
  kUnexpectedMessage = 10,
  kBadRecordMac = 20,
  kRecordOverflow = 22,
  kHandshakeFailure = 40,
  kBadCertificate = 42,
  kUnsupportedCertificate = 43,
  kCertificateRevoked = 44,
  kCertificateExpired = 45,
  kCertificateUnknown = 46,
  kIllegalParameter = 47,
  kUnknownCa = 48,
  kAccessDenied = 49,
  kDecodeError = 50,
  kDecryptError = 51,
  kProtocolVersion = 70,
  kInsufficientSecurity = 71,
  kInternalError = 80,
  kInappropriateFallback = 86,
  kUserCanceled = 90,
  kNoRenegotiation = 100,
  kMissingExtension = 109,
  kUnsupportedExtension = 110,
  kUnrecognizedName = 112,
  kUnknownPskIdentity = 115,
  kCertificateRequired = 116,
  kNoApplicationProtocol = 120,
};

// RFC 5246 §7.4.9 (verify_data_length 12 for every suite we implement).
inline constexpr size_t kFinishedSize = 12;
// RFC 5246 §7.4.1.2.
inline constexpr size_t kRandomSize = 32;
inline constexpr size_t kMaxSessionIdSize = 32;
// RFC 6347 §4.2.1: cookies are at most 255 bytes (1.2).
inline constexpr size_t kMaxCookieSize = 255;


// RFC 7250 §3 / IANA TLS Certificate Types (1 = OpenPGP is not supported).
enum class CertificateType : uint8_t { kX509 = 0, kRawPublicKey = 2 };

// The key exchange of the negotiated suite: the ServerKeyExchange and
// ClientKeyExchange bodies depend on it (RFC 8422 §5.4/§5.7, RFC 4279 §2,
// RFC 5489 §2).
enum class KeyExchangeKind : uint8_t { kEcdhe, kPsk, kEcdhePsk };

// RFC 8422 §5.4: ECCurveType; only named_curve is allowed.
inline constexpr uint8_t kNamedCurveType = 3;
// RFC 5246 §7.4.1.2: CompressionMethod.null.
inline constexpr uint8_t kNullCompression = 0;

// The alert a peer's malformed message earns. Parsing errors (truncation,
// trailing bytes, lengths out of their RFC bounds, duplicates) are
// decode_error; a well-formed field with a forbidden value (kOutOfRange, e.g.
// no null compression, record_size_limit < 64) is illegal_parameter;
// kUnsupported is handshake_failure; anything else is internal_error.
constexpr AlertDescription alert_for(const Error& error) noexcept {
  switch (error.code()) {
    case ErrorCode::kTruncated:
    case ErrorCode::kTrailingBytes:
    case ErrorCode::kLengthTooLarge:
    case ErrorCode::kDecodeError:
      return AlertDescription::kDecodeError;
    case ErrorCode::kOutOfRange:
      return AlertDescription::kIllegalParameter;
    case ErrorCode::kUnsupported:
      return AlertDescription::kHandshakeFailure;
    default:
      return AlertDescription::kInternalError;
  }
}

}  // namespace cachet::handshake
