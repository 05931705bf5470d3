// The texts behind ERR_lib_error_string and ERR_reason_error_string: library
// names, the reasons shared by all libraries (ERR_R_*), the BIO library's
// reasons, and every SSL_R_* of <openssl/sslerr.h>. An SSL reason's text is
// its name in lower case with spaces ("CERTIFICATE_VERIFY_FAILED" →
// "certificate verify failed"), which is also how OpenSSL words them.
#include "crypto_local.hpp"

#include <openssl/sslerr.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>

namespace {

struct Text {
  int code;
  const char* text;
};

constexpr Text kLibraries[] = {
    {ERR_LIB_NONE, "unknown library"},
    {ERR_LIB_SYS, "system library"},
    {ERR_LIB_BN, "bignum routines"},
    {ERR_LIB_RSA, "rsa routines"},
    {ERR_LIB_DH, "Diffie-Hellman routines"},
    {ERR_LIB_EVP, "digital envelope routines"},
    {ERR_LIB_BUF, "memory buffer routines"},
    {ERR_LIB_OBJ, "object identifier routines"},
    {ERR_LIB_PEM, "PEM routines"},
    {ERR_LIB_DSA, "dsa routines"},
    {ERR_LIB_X509, "x509 certificate routines"},
    {ERR_LIB_ASN1, "asn1 encoding routines"},
    {ERR_LIB_CONF, "configuration file routines"},
    {ERR_LIB_CRYPTO, "common libcrypto routines"},
    {ERR_LIB_EC, "elliptic curve routines"},
    {ERR_LIB_SSL, "SSL routines"},
    {ERR_LIB_BIO, "BIO routines"},
    {ERR_LIB_PKCS7, "PKCS7 routines"},
    {ERR_LIB_X509V3, "X509 V3 routines"},
    {ERR_LIB_PKCS12, "PKCS12 routines"},
    {ERR_LIB_RAND, "random number generator"},
    {ERR_LIB_DSO, "DSO support routines"},
    {ERR_LIB_ENGINE, "engine routines"},
    {ERR_LIB_OCSP, "OCSP routines"},
    {ERR_LIB_UI, "UI routines"},
    {ERR_LIB_ECDSA, "ECDSA routines"},
    {ERR_LIB_ECDH, "ECDH routines"},
    {ERR_LIB_OSSL_STORE, "STORE routines"},
    {ERR_LIB_FIPS, "FIPS routines"},
    {ERR_LIB_CMS, "CMS routines"},
    {ERR_LIB_TS, "time stamp routines"},
    {ERR_LIB_HMAC, "HMAC routines"},
    {ERR_LIB_CT, "CT routines"},
    {ERR_LIB_ASYNC, "ASYNC routines"},
    {ERR_LIB_KDF, "KDF routines"},
    {ERR_LIB_SM2, "SM2 routines"},
    {ERR_LIB_ESS, "ESS routines"},
    {ERR_LIB_CRMF, "CRMF routines"},
    {ERR_LIB_PROV, "Provider routines"},
    {ERR_LIB_CMP, "CMP routines"},
    {ERR_LIB_OSSL_ENCODER, "ENCODER routines"},
    {ERR_LIB_OSSL_DECODER, "DECODER routines"},
    {ERR_LIB_HTTP, "HTTP routines"},
};

// Keyed by the whole reason, flag bits included.
constexpr Text kCommonReasons[] = {
    {ERR_R_FATAL, "fatal"},
    {ERR_R_SYS_LIB, "system lib"},
    {ERR_R_BN_LIB, "BN lib"},
    {ERR_R_RSA_LIB, "RSA lib"},
    {ERR_R_DH_LIB, "DH lib"},
    {ERR_R_EVP_LIB, "EVP lib"},
    {ERR_R_BUF_LIB, "BUF lib"},
    {ERR_R_OBJ_LIB, "OBJ lib"},
    {ERR_R_PEM_LIB, "PEM lib"},
    {ERR_R_DSA_LIB, "DSA lib"},
    {ERR_R_X509_LIB, "X509 lib"},
    {ERR_R_ASN1_LIB, "ASN1 lib"},
    {ERR_R_CRYPTO_LIB, "CRYPTO lib"},
    {ERR_R_EC_LIB, "EC lib"},
    {ERR_R_BIO_LIB, "BIO lib"},
    {ERR_R_PKCS7_LIB, "PKCS7 lib"},
    {ERR_R_X509V3_LIB, "X509V3 lib"},
    {ERR_R_ENGINE_LIB, "ENGINE lib"},
    {ERR_R_UI_LIB, "UI lib"},
    {ERR_R_ECDSA_LIB, "ECDSA lib"},
    {ERR_R_OSSL_STORE_LIB, "OSSL_STORE lib"},
    {ERR_R_OSSL_DECODER_LIB, "OSSL_DECODER lib"},
    {ERR_R_MALLOC_FAILURE, "malloc failure"},
    {ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED, "called a function you should not call"},
    {ERR_R_PASSED_NULL_PARAMETER, "passed a null parameter"},
    {ERR_R_INTERNAL_ERROR, "internal error"},
    {ERR_R_DISABLED, "called a function that was disabled at compile-time"},
    {ERR_R_INIT_FAIL, "init fail"},
    {ERR_R_PASSED_INVALID_ARGUMENT, "passed invalid argument"},
    {ERR_R_OPERATION_FAIL, "operation fail"},
    {ERR_R_INVALID_PROVIDER_FUNCTIONS, "invalid provider functions"},
    {ERR_R_INTERRUPTED_OR_CANCELLED, "interrupted or cancelled"},
    {ERR_R_NESTED_ASN1_ERROR, "nested asn1 error"},
    {ERR_R_MISSING_ASN1_EOS, "missing asn1 eos"},
    {ERR_R_UNSUPPORTED, "unsupported"},
    {ERR_R_FETCH_FAILED, "fetch failed"},
    {ERR_R_INVALID_PROPERTY_DEFINITION, "invalid property definition"},
    {ERR_R_UNABLE_TO_GET_READ_LOCK, "unable to get read lock"},
    {ERR_R_UNABLE_TO_GET_WRITE_LOCK, "unable to get write lock"},
};

// The BIO reasons (OpenSSL 3.0's numbering and wording); the ones this
// library raises are named in crypto_local.hpp.
constexpr Text kBioReasons[] = {
    {100, "accept error"},
    {cachet_compat::kBioReasonBadFopenMode, "bad fopen mode"},
    {cachet_compat::kBioReasonLengthTooLong, "length too long"},
    {103, "connect error"},
    {104, "transfer error"},
    {105, "transfer timeout"},
    {107, "gethostbyname addr is not af inet"},
    {110, "nbio connect error"},
    {113, "no port defined"},
    {117, "unable to bind socket"},
    {118, "unable to create socket"},
    {119, "unable to listen socket"},
    {cachet_compat::kBioReasonUninitialized, "uninitialized"},
    {cachet_compat::kBioReasonUnsupportedMethod, "unsupported method"},
    {122, "WSAStartup"},
    {cachet_compat::kBioReasonInUse, "in use"},
    {cachet_compat::kBioReasonBrokenPipe, "broken pipe"},
    {cachet_compat::kBioReasonInvalidArgument, "invalid argument"},
    {cachet_compat::kBioReasonWriteToReadOnlyBio, "write to read only BIO"},
    {cachet_compat::kBioReasonNoSuchFile, "no such file"},
    {129, "ambiguous host or service"},
    {130, "malformed host or service"},
    {131, "unsupported protocol family"},
    {132, "getsockname error"},
    {133, "getsockname truncated address"},
    {134, "getting socktype"},
    {135, "invalid socket"},
    {136, "listen v6 only"},
    {137, "unable to keepalive"},
    {138, "unable to nodelay"},
    {139, "unable to reuseaddr"},
    {140, "unknown info type"},
    {141, "addrinfo addr is not af inet"},
    {142, "lookup returned nothing"},
    {143, "no accept addr or service specified"},
    {144, "no hostname or service specified"},
    {145, "unavailable ip family"},
    {146, "unsupported ip family"},
    {147, "connect timeout"},
};

struct Name {
  int code;
  const char* name;
};

#define R(n) {SSL_R_##n, #n},
#define CACHET_SSL_REASONS \
    R(APP_DATA_IN_HANDSHAKE) R(NO_SUITABLE_KEY_SHARE) R(BAD_DH_VALUE) R(BAD_CHANGE_CIPHER_SPEC) \
    R(INCONSISTENT_EXTMS) R(BAD_HELLO_REQUEST) R(BAD_DATA_RETURNED_BY_CALLBACK) R(BAD_DECOMPRESSION) \
    R(BAD_KEY_SHARE) R(CANNOT_CHANGE_CIPHER) R(BAD_EXTENSION) R(BAD_DIGEST_LENGTH) \
    R(MISSING_SIGALGS_EXTENSION) R(INVALID_CONFIGURATION_NAME) R(BAD_PSK_IDENTITY) R(BAD_PACKET_LENGTH) \
    R(BAD_PROTOCOL_VERSION_NUMBER) R(SSL_COMMAND_SECTION_EMPTY) R(NO_SUITABLE_SIGNATURE_ALGORITHM) \
    R(BAD_RSA_ENCRYPT) R(INVALID_KEY_UPDATE_TYPE) R(STILL_IN_INIT) R(BAD_KEY_UPDATE) R(BAD_SIGNATURE) \
    R(BAD_SSL_FILETYPE) R(SSL_COMMAND_SECTION_NOT_FOUND) R(SSL_SECTION_EMPTY) R(BAD_WRITE_RETRY) \
    R(BIO_NOT_SET) R(BLOCK_CIPHER_PAD_IS_WRONG) R(BN_LIB) R(CA_DN_LENGTH_MISMATCH) R(TOO_MANY_KEY_UPDATES) \
    R(CCS_RECEIVED_EARLY) R(CERTIFICATE_VERIFY_FAILED) R(CERT_LENGTH_MISMATCH) R(SSL_SECTION_NOT_FOUND) \
    R(CIPHER_CODE_WRONG_LENGTH) R(UNKNOWN_COMMAND) R(COMPRESSED_LENGTH_TOO_LONG) R(COMPRESSION_FAILURE) \
    R(COMPRESSION_LIBRARY_ERROR) R(CONNECTION_TYPE_NOT_SET) R(DATA_BETWEEN_CCS_AND_FINISHED) \
    R(DATA_LENGTH_TOO_LONG) R(DECRYPTION_FAILED) R(DH_PUBLIC_VALUE_LENGTH_IS_WRONG) R(DIGEST_CHECK_FAILED) \
    R(ENCRYPTED_LENGTH_TOO_LONG) R(ERROR_IN_RECEIVED_CIPHER_LIST) R(EXCESSIVE_MESSAGE_SIZE) \
    R(EXTRA_DATA_IN_MESSAGE) R(GOT_A_FIN_BEFORE_A_CCS) R(HTTPS_PROXY_REQUEST) R(HTTP_REQUEST) \
    R(TLS_INVALID_ECPOINTFORMAT_LIST) R(AT_LEAST_TLS_1_2_NEEDED_IN_SUITEB_MODE) R(LENGTH_MISMATCH) \
    R(LENGTH_TOO_SHORT) R(LIBRARY_HAS_NO_CIPHERS) R(ILLEGAL_POINT_COMPRESSION) R(EXT_LENGTH_MISMATCH) \
    R(TOO_MUCH_EARLY_DATA) R(MISSING_DSA_SIGNING_CERT) R(VERSION_TOO_HIGH) R(CONTEXT_NOT_DANE_ENABLED) \
    R(MISSING_RSA_CERTIFICATE) R(MISSING_RSA_ENCRYPTING_CERT) R(MISSING_RSA_SIGNING_CERT) \
    R(MISSING_TMP_DH_KEY) R(DANE_ALREADY_ENABLED) R(DANE_CANNOT_OVERRIDE_MTYPE_FULL) R(INVALID_MAX_EARLY_DATA) \
    R(DANE_NOT_ENABLED) R(NO_CERTIFICATES_RETURNED) R(NO_CERTIFICATE_ASSIGNED) R(UNEXPECTED_END_OF_EARLY_DATA) \
    R(NO_CERTIFICATE_SET) R(DANE_TLSA_BAD_CERTIFICATE) R(NO_CIPHERS_AVAILABLE) R(NOT_ON_RECORD_BOUNDARY) \
    R(NO_CIPHERS_SPECIFIED) R(DANE_TLSA_BAD_CERTIFICATE_USAGE) R(NO_CIPHER_MATCH) R(BAD_CIPHER) \
    R(NO_COMPRESSION_SPECIFIED) R(NO_METHOD_SPECIFIED) R(DANE_TLSA_BAD_DATA_LENGTH) R(NO_PRIVATE_KEY_ASSIGNED) \
    R(NO_PROTOCOLS_AVAILABLE) R(DANE_TLSA_BAD_DIGEST_LENGTH) R(NO_SHARED_CIPHER) R(EXCEEDS_MAX_FRAGMENT_SIZE) \
    R(NULL_SSL_CTX) R(NULL_SSL_METHOD_PASSED) R(OLD_SESSION_CIPHER_NOT_RETURNED) R(PACKET_LENGTH_TOO_LONG) \
    R(PEER_DID_NOT_RETURN_A_CERTIFICATE) R(DANE_TLSA_BAD_MATCHING_TYPE) R(DANE_TLSA_BAD_PUBLIC_KEY) \
    R(DANE_TLSA_BAD_SELECTOR) R(DANE_TLSA_NULL_DATA) R(ERROR_SETTING_TLSA_BASE_DOMAIN) R(INVALID_ALERT) \
    R(CUSTOM_EXT_HANDLER_ALREADY_INSTALLED) R(PROTOCOL_IS_SHUTDOWN) R(SCT_VERIFICATION_FAILED) \
    R(MISSING_SUPPORTED_GROUPS_EXTENSION) R(SSL_SESSION_VERSION_MISMATCH) R(READ_BIO_NOT_SET) \
    R(INVALID_CT_VALIDATION_TYPE) R(RECORD_LENGTH_MISMATCH) R(NO_CHANGE_FOLLOWING_HRR) \
    R(REQUIRED_CIPHER_MISSING) R(NO_VALID_SCTS) R(UNSOLICITED_EXTENSION) R(CIPHERSUITE_DIGEST_HAS_CHANGED) \
    R(BAD_PSK) R(SIGNATURE_FOR_NON_SIGNING_CERTIFICATE) R(MISSING_SIGNING_CERT) \
    R(INCONSISTENT_EARLY_DATA_ALPN) R(PSK_IDENTITY_NOT_FOUND) R(PSK_NO_CLIENT_CB) R(PSK_NO_SERVER_CB) \
    R(CLIENTHELLO_TLSEXT) R(PARSE_TLSEXT) R(SSL_CTX_HAS_NO_DEFAULT_SSL_VERSION) R(SSL_HANDSHAKE_FAILURE) \
    R(SSL_LIBRARY_HAS_NO_CIPHERS) R(INCONSISTENT_EARLY_DATA_SNI) R(SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH) \
    R(BAD_EARLY_DATA) R(CALLBACK_FAILED) R(NO_APPLICATION_PROTOCOL) R(BAD_HANDSHAKE_STATE) R(OVERFLOW_ERROR) \
    R(INVALID_CERTIFICATE_OR_ALG) R(UNABLE_TO_FIND_PUBLIC_KEY_PARAMETERS) R(BAD_PACKET) \
    R(INSUFFICIENT_SECURITY) R(UNABLE_TO_LOAD_SSL3_MD5_ROUTINES) R(UNABLE_TO_LOAD_SSL3_SHA1_ROUTINES) \
    R(UNEXPECTED_MESSAGE) R(UNEXPECTED_RECORD) R(UNKNOWN_ALERT_TYPE) R(UNKNOWN_CERTIFICATE_TYPE) \
    R(UNKNOWN_CIPHER_RETURNED) R(UNKNOWN_CIPHER_TYPE) R(UNKNOWN_KEY_EXCHANGE_TYPE) R(UNKNOWN_PKEY_TYPE) \
    R(UNKNOWN_PROTOCOL) R(BINDER_DOES_NOT_VERIFY) R(UNKNOWN_SSL_VERSION) R(UNKNOWN_STATE) R(MISSING_FATAL) \
    R(UNSUPPORTED_COMPRESSION_ALGORITHM) R(UNSUPPORTED_PROTOCOL) R(UNSUPPORTED_SSL_VERSION) \
    R(INVALID_CCS_MESSAGE) R(WRONG_CIPHER_RETURNED) R(UNEXPECTED_CCS_MESSAGE) R(BAD_HRR_VERSION) \
    R(WRONG_SIGNATURE_LENGTH) R(WRONG_SIGNATURE_SIZE) R(WRONG_SSL_VERSION) R(WRONG_VERSION_NUMBER) R(X509_LIB) \
    R(X509_VERIFICATION_SETUP_PROBLEMS) R(PATH_TOO_LONG) R(BAD_LENGTH) \
    R(ATTEMPT_TO_REUSE_SESSION_IN_DIFFERENT_CONTEXT) R(SSL_SESSION_ID_CONTEXT_TOO_LONG) R(LIBRARY_BUG) \
    R(SERVERHELLO_TLSEXT) R(UNINITIALIZED) R(SESSION_ID_CONTEXT_UNINITIALIZED) \
    R(POST_HANDSHAKE_AUTH_ENCODING_ERR) R(EXTENSION_NOT_RECEIVED) R(INVALID_COMMAND) \
    R(DECRYPTION_FAILED_OR_BAD_RECORD_MAC) R(INVALID_CONTEXT) R(INVALID_CONFIG) R(NOT_SERVER) \
    R(REQUEST_PENDING) R(REQUEST_SENT) R(NO_COOKIE_CALLBACK_SET) R(PRIVATE_KEY_MISMATCH) \
    R(NOT_REPLACING_CERTIFICATE) R(MISSING_PARAMETERS) R(APPLICATION_DATA_AFTER_CLOSE_NOTIFY) \
    R(BAD_LEGACY_VERSION) R(MIXED_HANDSHAKE_AND_NON_HANDSHAKE_DATA) R(UNEXPECTED_EOF_WHILE_READING) \
    R(NO_SUITABLE_GROUPS) R(COPY_PARAMETERS_FAILED) R(NO_SUITABLE_DIGEST_ALGORITHM) R(RECORD_TOO_SMALL) \
    R(CANNOT_GET_GROUP_NAME) R(SSL3_SESSION_ID_TOO_LONG) R(SSL_SESSION_ID_CALLBACK_FAILED) \
    R(SSL_SESSION_ID_CONFLICT) R(SSL_SESSION_ID_HAS_BAD_LENGTH) R(BAD_ECC_CERT) R(OCSP_CALLBACK_FAILURE) \
    R(BAD_ECPOINT) R(COMPRESSION_ID_NOT_WITHIN_PRIVATE_RANGE) R(COOKIE_MISMATCH) R(DUPLICATE_COMPRESSION_ID) \
    R(MISSING_PSK_KEX_MODES_EXTENSION) R(MISSING_TMP_ECDH_KEY) R(READ_TIMEOUT_EXPIRED) \
    R(UNABLE_TO_FIND_ECDH_PARAMETERS) R(UNSUPPORTED_ELLIPTIC_CURVE) R(ECC_CERT_NOT_FOR_SIGNING) \
    R(SSL3_EXT_INVALID_SERVERNAME) R(SSL3_EXT_INVALID_SERVERNAME_TYPE) R(NO_REQUIRED_DIGEST) \
    R(INVALID_TICKET_KEYS_LENGTH) R(INVALID_STATUS_RESPONSE) R(UNSUPPORTED_STATUS_TYPE) \
    R(NO_GOST_CERTIFICATE_SENT_BY_PEER) R(NO_CLIENT_CERT_METHOD) R(BAD_HANDSHAKE_LENGTH) \
    R(LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED) R(DTLS_MESSAGE_TOO_BIG) R(RENEGOTIATE_EXT_TOO_LONG) \
    R(RENEGOTIATION_ENCODING_ERR) R(RENEGOTIATION_MISMATCH) R(UNSAFE_LEGACY_RENEGOTIATION_DISABLED) \
    R(NO_RENEGOTIATION) R(INCONSISTENT_COMPRESSION) R(INVALID_COMPRESSION_ALGORITHM) \
    R(REQUIRED_COMPRESSION_ALGORITHM_MISSING) R(COMPRESSION_DISABLED) \
    R(OLD_SESSION_COMPRESSION_ALGORITHM_NOT_RETURNED) R(SCSV_RECEIVED_WHEN_RENEGOTIATING) R(BAD_SRP_A_LENGTH) \
    R(BAD_SRTP_MKI_VALUE) R(BAD_SRTP_PROTECTION_PROFILE_LIST) R(EMPTY_SRTP_PROTECTION_PROFILE_LIST) \
    R(INVALID_SRP_USERNAME) R(MISSING_SRP_PARAM) R(NO_SRTP_PROFILES) R(SIGNATURE_ALGORITHMS_ERROR) \
    R(SRP_A_CALC) R(SRTP_COULD_NOT_ALLOCATE_PROFILES) R(SRTP_PROTECTION_PROFILE_LIST_TOO_LONG) \
    R(SRTP_UNKNOWN_PROTECTION_PROFILE) R(TLS_ILLEGAL_EXPORTER_LABEL) R(UNKNOWN_DIGEST) \
    R(USE_SRTP_NOT_NEGOTIATED) R(WRONG_SIGNATURE_TYPE) R(BAD_SRP_PARAMETERS) R(SSL_NEGATIVE_LENGTH) \
    R(INAPPROPRIATE_FALLBACK) R(ECDH_REQUIRED_FOR_SUITEB_MODE) R(NO_SHARED_SIGNATURE_ALGORITHMS) \
    R(CERT_CB_ERROR) R(WRONG_CURVE) R(ILLEGAL_SUITEB_DIGEST) R(MISSING_ECDSA_SIGNING_CERT) \
    R(WRONG_CERTIFICATE_TYPE) R(BAD_VALUE) R(INVALID_NULL_CMD_NAME) R(UNKNOWN_CMD_NAME) \
    R(INVALID_SERVERINFO_DATA) R(NO_PEM_EXTENSIONS) R(BAD_DATA) R(PEM_NAME_BAD_PREFIX) R(PEM_NAME_TOO_SHORT) \
    R(DH_KEY_TOO_SMALL) R(VERSION_TOO_LOW) R(CA_KEY_TOO_SMALL) R(CA_MD_TOO_WEAK) R(EE_KEY_TOO_SMALL) \
    R(COOKIE_GEN_CALLBACK_FAILURE) R(FRAGMENTED_CLIENT_HELLO) R(INVALID_SEQUENCE_NUMBER) \
    R(NO_VERIFY_COOKIE_CALLBACK) R(LENGTH_TOO_LONG) R(FAILED_TO_INIT_ASYNC) R(PIPELINE_FAILURE) \
    R(SHUTDOWN_WHILE_IN_INIT) R(SSL_SESSION_ID_TOO_LONG) R(TOO_MANY_WARN_ALERTS) R(NO_SHARED_GROUPS) \
    R(BAD_RECORD_TYPE) R(INVALID_SESSION_ID) R(SSLV3_ALERT_UNEXPECTED_MESSAGE) R(SSLV3_ALERT_BAD_RECORD_MAC) \
    R(TLSV1_ALERT_DECRYPTION_FAILED) R(TLSV1_ALERT_RECORD_OVERFLOW) R(SSLV3_ALERT_DECOMPRESSION_FAILURE) \
    R(SSLV3_ALERT_HANDSHAKE_FAILURE) R(SSLV3_ALERT_NO_CERTIFICATE) R(SSLV3_ALERT_BAD_CERTIFICATE) \
    R(SSLV3_ALERT_UNSUPPORTED_CERTIFICATE) R(SSLV3_ALERT_CERTIFICATE_REVOKED) \
    R(SSLV3_ALERT_CERTIFICATE_EXPIRED) R(SSLV3_ALERT_CERTIFICATE_UNKNOWN) R(SSLV3_ALERT_ILLEGAL_PARAMETER) \
    R(TLSV1_ALERT_UNKNOWN_CA) R(TLSV1_ALERT_ACCESS_DENIED) R(TLSV1_ALERT_DECODE_ERROR) \
    R(TLSV1_ALERT_DECRYPT_ERROR) R(TLSV1_ALERT_EXPORT_RESTRICTION) R(TLSV1_ALERT_PROTOCOL_VERSION) \
    R(TLSV1_ALERT_INSUFFICIENT_SECURITY) R(TLSV1_ALERT_INTERNAL_ERROR) R(TLSV1_ALERT_INAPPROPRIATE_FALLBACK) \
    R(TLSV1_ALERT_USER_CANCELLED) R(TLSV1_ALERT_NO_RENEGOTIATION) R(TLSV13_ALERT_MISSING_EXTENSION) \
    R(TLSV1_UNSUPPORTED_EXTENSION) R(TLSV1_CERTIFICATE_UNOBTAINABLE) R(TLSV1_UNRECOGNIZED_NAME) \
    R(TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE) R(TLSV1_BAD_CERTIFICATE_HASH_VALUE) \
    R(TLSV1_ALERT_UNKNOWN_PSK_IDENTITY) R(TLSV13_ALERT_CERTIFICATE_REQUIRED) \
    R(TLSV1_ALERT_NO_APPLICATION_PROTOCOL)

constexpr Name kSslReasonNames[] = {CACHET_SSL_REASONS};
#undef R

// Where the spelled-out name reads badly.
constexpr Text kSslReasonOverrides[] = {
    {SSL_R_AT_LEAST_TLS_1_2_NEEDED_IN_SUITEB_MODE, "(D)TLS 1.2 or later needed in Suite B mode"},
    {SSL_R_ILLEGAL_SUITEB_DIGEST, "illegal Suite B digest"},
};

std::string spelled_out(const char* name) {
  std::string s(name);
  for (char& c : s) c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const std::map<int, std::string>& ssl_reasons() {
  static const std::map<int, std::string> table = [] {
    std::map<int, std::string> t;
    for (const Name& n : kSslReasonNames) t.emplace(n.code, spelled_out(n.name));
    for (const Text& o : kSslReasonOverrides) t[o.code] = o.text;
    return t;
  }();
  return table;
}

template <size_t N>
const char* find(const Text (&table)[N], int code) {
  const auto it = std::find_if(std::begin(table), std::end(table), [code](const Text& t) { return t.code == code; });
  return it == std::end(table) ? nullptr : it->text;
}

}  // namespace

const char* cachet_compat::library_text(int lib) { return find(kLibraries, lib); }

const char* cachet_compat::library_reason_text(int lib, int reason) {
  if (lib == ERR_LIB_BIO) return find(kBioReasons, reason);
  if (lib == ERR_LIB_SSL) {
    const auto& table = ssl_reasons();
    const auto it = table.find(reason);
    return it == table.end() ? nullptr : it->second.c_str();
  }
  return nullptr;
}

const char* cachet_compat::common_reason_text(int reason) { return find(kCommonReasons, reason); }
