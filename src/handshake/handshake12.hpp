// The DTLS 1.2 handshake (RFC 6347 with RFC 5246, 8422, 4279, 5489, 7627,
// 5746, 5764, 7301, 6066): one explicit state machine per role, one handler
// per state. Each state accepts exactly the messages the RFC allows there;
// anything else is a fatal unexpected_message.
//
// The handshake drives the record layer (epochs) and the handshake transport
// (flights, retransmission); the Connection owns all three and routes records.
#pragma once

#include <cachet/error.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/random.hpp"
#include "base/secure.hpp"
#include "crypto/hmac.hpp"
#include "crypto/key_exchange.hpp"
#include "crypto/signature.hpp"
#include "handshake/cipher_suites.hpp"
#include "handshake/cookie.hpp"
#include "handshake/messages.hpp"
#include "handshake/transcript.hpp"
#include "handshake/transport.hpp"
#include "record/record_layer.hpp"
#include "session/session_state.hpp"

namespace cachet {
class SessionCache;
class TicketKeys;
}  // namespace cachet

namespace cachet::handshake {

// What the handshake needs to know that is the same for every connection of
// a Context: built once per Context and shared (copying it per connection
// cost allocations and ~1 KB of heap each, the server's chain included).
struct HandshakePolicy {
  bool is_server = false;
  std::vector<uint16_t> cipher_suites;  // preference order
  std::vector<crypto::NamedGroup> groups;
  std::vector<crypto::SignatureScheme> signature_schemes;

  // Our certificate chain (DER, leaf first) and its key: the server's for
  // ECDHE-ECDSA/RSA, the client's for client authentication.
  std::vector<Bytes> certificate_chain;
  std::shared_ptr<const crypto::SigningKey> signing_key;
  bool request_client_certificate = false;
  bool require_client_certificate = false;

  // PSK (RFC 4279): the client's identity and key; the server's hint and lookup.
  Bytes psk_identity;
  std::shared_ptr<const SecretBytes> psk;
  Bytes psk_identity_hint;
  std::function<std::optional<SecretBytes>(ByteSpan identity)> psk_lookup;
  // Client: identity and key chosen from the server's hint (overrides psk).
  std::function<std::optional<std::pair<Bytes, SecretBytes>>(ByteSpan hint)> psk_client;

  bool require_extended_master_secret = true;
  std::vector<uint16_t> srtp_profiles;
  std::vector<std::string> alpn;
  // Server: the application picks from the client's ALPN list (overrides alpn).
  std::function<std::optional<std::string>(const std::vector<std::string>& offered)> alpn_select;

  // Resumption (RFC 5246 §7.3, RFC 5077). Client: whether to ask for a
  // ticket. Server: where sessions are kept.
  bool session_tickets = true;
  std::shared_ptr<SessionCache> session_cache;
  std::shared_ptr<TicketKeys> ticket_keys;
  std::function<int64_t()> unix_time;  // wall clock for session lifetimes


  // Raw public keys (RFC 7250): present our key's SubjectPublicKeyInfo
  // instead of a certificate, and/or accept one from the peer.
  bool present_raw_public_key = false;
  Bytes raw_public_key;  // our SPKI (DER)
  bool accept_x509 = true;
  std::function<Result<std::shared_ptr<const crypto::VerifyingKey>>(ByteSpan spki, AlertDescription& alert)> verify_peer_raw_key;

  // RFC 8449: what we advertise (nullopt: no extension).
  std::optional<uint16_t> record_size_limit;
};

// One connection's handshake: the shared policy and what is its own.
struct HandshakeConfig {
  std::shared_ptr<const HandshakePolicy> policy;
  // Verifies the peer's chain and returns the leaf key, or an error (the
  // alert is chosen from it: bad_certificate unless the callback sets one).
  // May set `shared` to a list equal to `chain` that others hold already
  // (the Context's PeerChainCache), for the connection to keep instead.
  std::function<Result<std::shared_ptr<const crypto::VerifyingKey>>(
      const std::vector<Bytes>& chain, AlertDescription& alert, std::shared_ptr<const std::vector<Bytes>>& shared)>
      verify_peer_chain;
  std::string server_name;  // client: SNI sent
  // Server: HelloVerifyRequest exchange when no Listener did it already.
  CookieGenerator* cookies = nullptr;
  Bytes peer_address;  // server: what the cookie binds to
  // Client: the session to offer (RFC 5246 §7.3, RFC 5077).
  std::shared_ptr<const session::SessionState> resume_session;
  // Connection IDs (RFC 9146): the CID we want the peer to put on records
  // it sends us (empty: we need none but will send the peer's). nullopt:
  // the extension is not used.
  std::optional<Bytes> connection_id;
};

struct NegotiatedParameters {
  const CipherSuite* suite = nullptr;
  std::optional<crypto::NamedGroup> group;
  std::optional<crypto::SignatureScheme> signature_scheme;  // server's ServerKeyExchange
  bool extended_master_secret = false;
  std::optional<uint16_t> srtp_profile;
  Bytes srtp_mki;
  std::string alpn;
  std::string server_name;  // SNI (server: received; client: sent)
  session::PeerCertificates peer_certificates;
  Bytes psk_identity;
  HelloRandom client_random{};
  HelloRandom server_random{};
  SecretBytes master_secret;
  bool client_authenticated = false;

  bool resumed = false;
  Bytes session_id;                    // as agreed in the ServerHello
  Bytes ticket;                        // client: the latest ticket received
  uint32_t ticket_lifetime_hint = 0;
  CertificateType server_certificate_type = CertificateType::kX509;
  CertificateType client_certificate_type = CertificateType::kX509;
  // RFC 9146: the CIDs in use (nullopt: not negotiated).
  std::optional<Bytes> receive_cid;
  std::optional<Bytes> send_cid;
  // RFC 8449: the limits in force once the handshake completes.
  std::optional<uint16_t> peer_record_size_limit;
  std::optional<uint16_t> own_record_size_limit;
};

enum class HandshakeState : uint8_t {
  // client
  kClientStart,
  kClientWaitServerHello,  // or HelloVerifyRequest
  kClientWaitCertificate,
  kClientWaitServerKeyExchange,
  kClientWaitCertificateRequestOrDone,
  kClientWaitServerHelloDone,
  kClientWaitNewSessionTicket,
  kClientWaitChangeCipherSpec,
  kClientWaitFinished,
  // server
  kServerWaitClientHello,
  kServerWaitClientCertificate,
  kServerWaitClientKeyExchange,
  kServerWaitCertificateVerify,
  kServerWaitChangeCipherSpec,
  kServerWaitFinished,
  // both
  kComplete,
  kFailed,
};

std::string_view handshake_state_name(HandshakeState state) noexcept;

class Handshake12 {
 public:
  // Limits on what a peer can make us do.
  static constexpr int kMaxHelloVerifyRequests = 4;

  Handshake12(HandshakeConfig config, record::RecordLayer& records, HandshakeTransport& transport,
              Random& random);

  // Client: sends the first ClientHello.
  Result<void> start(Instant now, std::vector<Bytes>& out);
  // A handshake or change_cipher_spec record handed up by the record layer.
  Result<void> on_record(const record::Record& record, Instant now, std::vector<Bytes>& out);

  HandshakeState state() const noexcept { return state_; }
  bool complete() const noexcept { return state_ == HandshakeState::kComplete; }
  bool failed() const noexcept { return state_ == HandshakeState::kFailed; }
  // The alert to send after a failure.
  AlertDescription failure_alert() const noexcept { return alert_; }
  const NegotiatedParameters& negotiated() const noexcept { return params_; }
  NegotiatedParameters& negotiated() noexcept { return params_; }
  // True once for each renegotiation attempt refused since the last call
  // (the Connection answers each with a no_renegotiation warning).
  bool take_renegotiation_refused() noexcept {
    const bool refused = renegotiation_refused_;
    renegotiation_refused_ = false;
    return refused;
  }
  uint64_t ignored_change_cipher_specs() const noexcept { return ignored_change_cipher_specs_; }
  // Whether our flight is the last of the handshake (and so is kept to
  // answer the peer's retransmissions): the server's in a full handshake,
  // the client's in an abbreviated one.
  bool sent_final_flight() const noexcept { return config_.is_server != params_.resumed; }
  // The session this handshake made or resumed (after completion), as a
  // client keeps it; null when it cannot be resumed.
  std::shared_ptr<const session::SessionState> session() const;

  // Frees what only the handshake needs (transcript, ephemeral keys).
  void release() noexcept;

 private:
  Result<void> drain_messages(record::Epoch epoch, Instant now, std::vector<Bytes>& out);
  Result<void> on_message(const HandshakeMessage& m, Instant now, std::vector<Bytes>& out);
  Result<void> on_change_cipher_spec(const record::Record& record, Instant now, std::vector<Bytes>& out);

  // client states
  Result<void> client_send_hello(Instant now, std::vector<Bytes>& out);
  Result<void> client_on_hello_verify_request(const HandshakeMessage& m, Instant now, std::vector<Bytes>& out);
  Result<void> client_on_server_hello(const HandshakeMessage& m);
  Result<void> client_on_certificate(const HandshakeMessage& m);
  Result<void> client_on_server_key_exchange(const HandshakeMessage& m);
  Result<void> client_on_certificate_request(const HandshakeMessage& m);
  Result<void> client_on_server_hello_done(const HandshakeMessage& m, Instant now, std::vector<Bytes>& out);
  Result<void> client_on_new_session_ticket(const HandshakeMessage& m);
  Result<void> client_resume(const ServerHello& sh);
  Result<void> on_finished(const HandshakeMessage& m, Instant now, std::vector<Bytes>& out);
  Result<void> client_offer_session(ClientHello& ch);
  Result<void> negotiate_extensions_client(const HelloExtensions& ext);

  // server states
  Result<void> server_on_client_hello(const HandshakeMessage& m, Instant now, std::vector<Bytes>& out);
  Result<void> server_negotiate(const ClientHello& hello, const session::SessionState* resumed);
  Result<void> server_negotiate_suite(const ClientHello& hello);
  std::optional<CertificateType> server_certificate_type_for(const HelloExtensions& ext) const;
  Result<void> server_negotiate_client_certificate_type(const HelloExtensions& ext);
  Result<void> server_negotiate_record_extensions(const HelloExtensions& ext);
  Result<std::shared_ptr<const session::SessionState>> server_find_session(const ClientHello& hello);
  Result<void> server_send_flight(const ClientHello& hello, Instant now, std::vector<Bytes>& out);
  Result<void> server_send_resumed_flight(const ClientHello& hello, Instant now, std::vector<Bytes>& out);
  void server_fill_hello_extensions(const ClientHello& hello, HelloExtensions& ext);
  Result<void> server_queue_ticket();
  void server_store_session();
  Result<void> server_on_certificate(const HandshakeMessage& m);
  Result<void> server_on_client_key_exchange(const HandshakeMessage& m);
  Result<void> server_on_certificate_verify(const HandshakeMessage& m);

  // shared
  Result<void> derive_keys(ByteSpan premaster);
  Result<void> derive_key_block();
  Result<void> send_change_cipher_spec_and_finished(Instant now, bool final_flight, std::vector<Bytes>& out);
  Result<std::shared_ptr<const crypto::VerifyingKey>> verify_peer_credential(const HandshakeMessage& m, CertificateType type,
                                                      session::PeerCertificates& credential, bool& empty);
  session::SessionState make_session_state() const;
  int64_t unix_now() const;
  mutable std::optional<int64_t> unix_now_;
  Result<void> use_connection_ids(ByteSpan peer_cid);
  Result<void> use_record_size_limit(uint16_t peer_limit);
  Result<void> install_read_keys(Instant now);
  Result<void> install_write_keys();
  Result<Bytes> finished_data(bool from_client) const;
  std::optional<crypto::SignatureScheme> pick_signature_scheme(const std::vector<uint16_t>* peer_list) const;
  void add_to_transcript(const HandshakeMessage& m) { w_->transcript.add(m.type, m.message_seq, m.body); }
  template <typename M>
  Result<void> queue_message(record::Epoch epoch, HandshakeType type, const M& message);
  Error fail(AlertDescription alert, const char* why);
  record::Epoch epoch0() const { return record::Epoch(0); }

  HandshakeConfig conn_;
  const HandshakePolicy& config_;  // *conn_.policy
  record::RecordLayer& records_;
  HandshakeTransport& transport_;
  Random& random_;
  HandshakeState state_;
  AlertDescription alert_ = AlertDescription::kInternalError;
  NegotiatedParameters params_;

  // What only the handshake needs, freed by release() (an established
  // connection keeps params_ and nothing of this).
  struct Work {
    Transcript transcript;
    ClientHello client_hello;  // client: what we sent (resent with a cookie)
    int hello_verify_requests = 0;
    std::optional<crypto::KeyShare> key_share;
    ServerKeyExchange server_key_exchange;
    std::optional<CertificateRequest> certificate_request;
    std::optional<record::RecordProtection> pending_read;
    std::optional<record::RecordProtection> pending_write;
    SecretBytes psk;  // the key for this handshake (server: found for the identity; client: chosen)
    bool client_sent_certificate = false;
    bool expect_ticket = false;  // client: the ServerHello promised a NewSessionTicket
    bool issue_ticket = false;   // server: a NewSessionTicket goes in our next flight
    std::shared_ptr<const session::SessionState> resumed_from;  // server: the session resumed
    // HMAC keyed with params_.master_secret, set with the key block (every
    // master secret is followed by derive_key_block()); the Finished PRFs
    // reuse it. Wiped with the Work.
    std::optional<crypto::Hmac> master_mac;
  };
  std::unique_ptr<Work> w_ = std::make_unique<Work>();
  std::shared_ptr<const crypto::VerifyingKey> peer_key_;
  bool renegotiation_refused_ = false;
  uint64_t ignored_change_cipher_specs_ = 0;
};

}  // namespace cachet::handshake
