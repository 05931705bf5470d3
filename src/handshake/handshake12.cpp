#include "handshake/handshake12_internal.hpp"

namespace cachet::handshake {

using namespace h12;

std::string_view handshake_state_name(HandshakeState s) noexcept {
  switch (s) {
    case HandshakeState::kClientStart: return "client_start";
    case HandshakeState::kClientWaitServerHello: return "client_wait_server_hello";
    case HandshakeState::kClientWaitCertificate: return "client_wait_certificate";
    case HandshakeState::kClientWaitServerKeyExchange: return "client_wait_server_key_exchange";
    case HandshakeState::kClientWaitCertificateRequestOrDone: return "client_wait_certificate_request_or_done";
    case HandshakeState::kClientWaitServerHelloDone: return "client_wait_server_hello_done";
    case HandshakeState::kClientWaitNewSessionTicket: return "client_wait_new_session_ticket";
    case HandshakeState::kClientWaitChangeCipherSpec: return "client_wait_change_cipher_spec";
    case HandshakeState::kClientWaitFinished: return "client_wait_finished";
    case HandshakeState::kServerWaitClientHello: return "server_wait_client_hello";
    case HandshakeState::kServerWaitClientCertificate: return "server_wait_client_certificate";
    case HandshakeState::kServerWaitClientKeyExchange: return "server_wait_client_key_exchange";
    case HandshakeState::kServerWaitCertificateVerify: return "server_wait_certificate_verify";
    case HandshakeState::kServerWaitChangeCipherSpec: return "server_wait_change_cipher_spec";
    case HandshakeState::kServerWaitFinished: return "server_wait_finished";
    case HandshakeState::kComplete: return "complete";
    case HandshakeState::kFailed: return "failed";
  }
  return "unknown";
}


Handshake12::Handshake12(HandshakeConfig config, record::RecordLayer& records, HandshakeTransport& transport,
                         Random& random)
    : conn_(std::move(config)),
      config_(*conn_.policy),
      records_(records),
      transport_(transport),
      random_(random),
      state_(config_.is_server ? HandshakeState::kServerWaitClientHello : HandshakeState::kClientStart) {
  // A server may meet its client at the ClientHello with the cookie
  // (message_seq 1) when a Listener did the cookie exchange statelessly.
  if (config_.is_server) transport_.reassembler().float_next_seq();
}

Error Handshake12::fail(AlertDescription alert, const char* why) {
  alert_ = alert;
  state_ = HandshakeState::kFailed;
  return Error(ErrorCode::kWrongState, why);
}
void Handshake12::release() noexcept {
  w_.reset();  // the transcript, ephemeral key, pending keys and PSK are wiped by their destructors
}

// --------------------------------------------------------------------------
// Dispatch

Result<void> Handshake12::on_record(const record::Record& r, Instant now, std::vector<Bytes>& out) {
  if (state_ == HandshakeState::kFailed) return Error(ErrorCode::kWrongState, "handshake already failed");
  if (!w_) {
    // Released: only a completed handshake still reads (renegotiation
    // attempts, which need none of the handshake's working state).
    if (state_ != HandshakeState::kComplete) return Error(ErrorCode::kWrongState, "handshake released");
    if (r.type == ContentType::kChangeCipherSpec) {
      ++ignored_change_cipher_specs_;
      return ok();
    }
  }
  if (r.type == ContentType::kChangeCipherSpec) return on_change_cipher_spec(r, now, out);
  transport_.note_arrival(now);
  transport_.on_handshake_record(r.payload);
  return drain_messages(r.epoch, now, out);
}

Result<void> Handshake12::drain_messages(Epoch epoch, Instant now, std::vector<Bytes>& out) {
  while (auto m = transport_.next_message()) {
    // RFC 6347 §4.1: Finished comes in the new epoch and nothing else of the
    // handshake may (wrong-epoch Finished, epoch-confused messages). The
    // epoch of the record that completed a message is what counts.
    const bool expect_protected = state_ == HandshakeState::kClientWaitFinished ||
                                  state_ == HandshakeState::kServerWaitFinished;
    if (state_ != HandshakeState::kComplete && expect_protected != (epoch.value != 0)) {
      return fail(AlertDescription::kUnexpectedMessage, "handshake message in the wrong epoch");
    }
    CACHET_TRY(on_message(*m, now, out));
  }
  return ok();
}

Result<void> Handshake12::on_message(const HandshakeMessage& m, Instant now, std::vector<Bytes>& out) {
  using S = HandshakeState;
  using T = HandshakeType;
  switch (state_) {
    case S::kClientWaitServerHello:
      if (m.type == T::kHelloVerifyRequest) return client_on_hello_verify_request(m, now, out);
      if (m.type == T::kServerHello) return client_on_server_hello(m);
      break;
    case S::kClientWaitCertificate:
      if (m.type == T::kCertificate) return client_on_certificate(m);
      break;
    case S::kClientWaitServerKeyExchange:
      if (m.type == T::kServerKeyExchange) return client_on_server_key_exchange(m);
      // RFC 4279 §2: the PSK ServerKeyExchange (hint) is optional.
      if (m.type == T::kServerHelloDone && params_.suite->key_exchange == KeyExchangeKind::kPsk) {
        return client_on_server_hello_done(m, now, out);
      }
      break;
    case S::kClientWaitCertificateRequestOrDone:
      if (m.type == T::kCertificateRequest) return client_on_certificate_request(m);
      if (m.type == T::kServerHelloDone) return client_on_server_hello_done(m, now, out);
      break;
    case S::kClientWaitServerHelloDone:
      if (m.type == T::kServerHelloDone) return client_on_server_hello_done(m, now, out);
      break;
    case S::kClientWaitNewSessionTicket:
      if (m.type == T::kNewSessionTicket) return client_on_new_session_ticket(m);
      break;
    case S::kServerWaitClientHello:
      if (m.type == T::kClientHello) return server_on_client_hello(m, now, out);
      break;
    case S::kServerWaitClientCertificate:
      if (m.type == T::kCertificate) return server_on_certificate(m);
      break;
    case S::kServerWaitClientKeyExchange:
      if (m.type == T::kClientKeyExchange) return server_on_client_key_exchange(m);
      break;
    case S::kServerWaitCertificateVerify:
      if (m.type == T::kCertificateVerify) return server_on_certificate_verify(m);
      break;
    case S::kClientWaitFinished:
    case S::kServerWaitFinished:
      if (m.type == T::kFinished) return on_finished(m, now, out);
      break;
    case S::kComplete:
      // RFC 5746 §4.5 / issue policy: renegotiation is refused. A new
      // ClientHello (server) or HelloRequest (client) gets a warning
      // no_renegotiation from the Connection and is otherwise ignored.
      if ((config_.is_server && m.type == T::kClientHello) || (!config_.is_server && m.type == T::kHelloRequest)) {
        renegotiation_refused_ = true;
        return ok();
      }
      break;
    case S::kClientStart:
    case S::kServerWaitChangeCipherSpec:
    case S::kClientWaitChangeCipherSpec:
    case S::kFailed:
      break;
  }
  return fail(AlertDescription::kUnexpectedMessage, "unexpected handshake message");
}

Result<void> Handshake12::on_change_cipher_spec(const record::Record& r, Instant now, std::vector<Bytes>& out) {
  // RFC 5246 §7.1: exactly one byte of value 1, sent at the old epoch.
  const bool well_formed = r.payload.size() == 1 && r.payload[0] == 1 && r.epoch.value == 0;
  if (well_formed &&
      (state_ == HandshakeState::kClientWaitChangeCipherSpec || state_ == HandshakeState::kServerWaitChangeCipherSpec)) {
    CACHET_TRY(install_read_keys(now));
    state_ = config_.is_server ? HandshakeState::kServerWaitFinished : HandshakeState::kClientWaitFinished;
    // A Finished that overtook the CCS was held by the record layer and has
    // just been handed to the reassembler: handle it now.
    return drain_messages(Epoch(1), now, out);
  }
  // A DTLS 1.2 CCS carries no message_seq, so it is not ordered with the
  // handshake messages (RFC 6347 §4.1): one that arrives before the messages
  // it follows was overtaken by reordering or loss, and one that arrives
  // again is part of a retransmitted flight. Both are dropped; the peer's
  // retransmission brings the flight again. Nothing is derived from an
  // unauthenticated CCS, so dropping is always safe: a "CCS before keys" or
  // "multiple CCS" injection changes nothing.
  ++ignored_change_cipher_specs_;
  return ok();
}

// --------------------------------------------------------------------------
// Shared key handling

Result<void> Handshake12::derive_keys(ByteSpan premaster) {
  const CipherSuite& s = *params_.suite;
  if (params_.extended_master_secret) {
    // RFC 7627 §4: session_hash covers the messages through ClientKeyExchange.
    const Bytes session_hash = w_->transcript.current_hash();
    CACHET_ASSIGN_OR_RETURN(params_.master_secret, extended_master_secret(s.prf_hash, premaster, session_hash));
  } else {
    CACHET_ASSIGN_OR_RETURN(params_.master_secret,
                            master_secret(s.prf_hash, premaster, params_.client_random, params_.server_random));
  }
  return derive_key_block();
}

// RFC 5246 §6.3: the key block from the master secret and this handshake's
// randoms (an abbreviated handshake reuses the master secret, RFC 5246 §7.3).
Result<void> Handshake12::derive_key_block() {
  const CipherSuite& s = *params_.suite;
  w_->master_mac.emplace(s.prf_hash, params_.master_secret);
  // Derived into the stack (wiped on every way out), not into five
  // SecretBytes: a resumed handshake is short enough for that to show.
  const KeyBlockLayout layout = key_block_layout(s.aead);
  struct WipedBlock {
    uint8_t bytes[kMaxKeyBlockSize];
    ~WipedBlock() { secure_wipe(bytes, sizeof bytes); }
  } block;
  if (layout.size() > sizeof block.bytes) return fail(AlertDescription::kInternalError, "key block too large");
  const MutableByteSpan kb(block.bytes, layout.size());
  CACHET_TRY(handshake::derive_key_block_into(*w_->master_mac, s.aead, params_.client_random, params_.server_random, kb));
  const bool server = config_.is_server;
  CACHET_ASSIGN_OR_RETURN(auto write, record::RecordProtection::create(
                                          s.aead, server ? layout.server_key(kb) : layout.client_key(kb),
                                          server ? layout.server_iv(kb) : layout.client_iv(kb)));
  CACHET_ASSIGN_OR_RETURN(auto read, record::RecordProtection::create(
                                         s.aead, server ? layout.client_key(kb) : layout.server_key(kb),
                                         server ? layout.client_iv(kb) : layout.server_iv(kb)));
  w_->pending_write.emplace(std::move(write));
  w_->pending_read.emplace(std::move(read));
  return ok();
}

Result<void> Handshake12::install_read_keys(Instant now) {
  if (!w_->pending_read) return fail(AlertDescription::kUnexpectedMessage, "ChangeCipherSpec before keys");
  struct Requeue : record::RecordSink {
    std::vector<record::Record> records;
    std::vector<Bytes> payloads;
    void on_record(const record::Record& r) override {
      payloads.emplace_back(r.payload.begin(), r.payload.end());
      records.push_back(r);
    }
  } early;
  // Records that arrived early for epoch 1 (a Finished overtaking the CCS)
  // are released now and go to the reassembler.
  auto installed = records_.install_read_epoch(Epoch(1), std::move(*w_->pending_read), now, early);
  w_->pending_read.reset();
  if (!installed) return fail(AlertDescription::kInternalError, "cannot install the read epoch");
  for (size_t i = 0; i < early.records.size(); ++i) {
    if (early.records[i].type == ContentType::kHandshake) transport_.on_handshake_record(early.payloads[i]);
  }
  return ok();
}

Result<void> Handshake12::install_write_keys() {
  if (!w_->pending_write) return fail(AlertDescription::kInternalError, "no write keys");
  auto installed = records_.install_write_epoch(Epoch(1), std::move(*w_->pending_write));
  w_->pending_write.reset();
  if (!installed) return fail(AlertDescription::kInternalError, "cannot install the write epoch");
  return ok();
}

Result<Bytes> Handshake12::finished_data(bool from_client) const {
  // derive_key_block() keys master_mac, and follows every master secret
  // (full or resumed), so a Finished always finds it.
  if (!w_->master_mac) return Error(ErrorCode::kInternal, "Finished computed before the key block");
  return finished_verify_data(*w_->master_mac, from_client, w_->transcript.current_hash());
}

std::optional<crypto::SignatureScheme> Handshake12::pick_signature_scheme(const std::vector<uint16_t>* peer) const {
  if (!config_.signing_key) return std::nullopt;
  for (crypto::SignatureScheme s : config_.signature_schemes) {
    if (!config_.signing_key->supports(s)) continue;
    if (s == crypto::SignatureScheme::kRsaPkcs1Sha1) continue;
    // RFC 5246 §7.4.1.4.1: without the extension the peer only promises SHA-1;
    // we do not sign with SHA-1, so SHA-256 schemes are assumed instead
    // (what every DTLS 1.2 peer supports in practice).
    if (peer == nullptr || contains(*peer, static_cast<uint16_t>(s))) return s;
  }
  return std::nullopt;
}

Result<void> Handshake12::on_finished(const HandshakeMessage& m, Instant now, std::vector<Bytes>& out) {
  auto fin = Finished::parse(m.body);
  if (!fin) return fail(alert_for(fin.error()), "malformed Finished");
  const bool peer_is_client = config_.is_server;
  CACHET_ASSIGN_OR_RETURN(Bytes expected, finished_data(peer_is_client));
  // RFC 5246 §7.4.9, compared in constant time.
#if !defined(CACHET_UNSAFE_FUZZER_MODE)  // fuzzer mode: any verify_data passes (fuzz/README.md)
  if (!constant_time_equal(expected, fin->verify_data)) {
    return fail(AlertDescription::kDecryptError, "Finished does not verify");
  }
#endif
  add_to_transcript(m);
  // The peer's flight acknowledged ours.
  transport_.start_new_flight();
  if (sent_final_flight()) {
    // The last flight is ours: the server's after a full handshake (RFC 5246
    // §7.3: [NewSessionTicket], ChangeCipherSpec, Finished), the client's
    // after an abbreviated one (ChangeCipherSpec, Finished).
    if (config_.is_server && w_->issue_ticket) CACHET_TRY(server_queue_ticket());
    CACHET_TRY(send_change_cipher_spec_and_finished(now, true, out));
  }
  if (config_.is_server && !params_.resumed) server_store_session();
  state_ = HandshakeState::kComplete;
  return ok();
}

// ChangeCipherSpec (epoch 0) then Finished (epoch 1), appended to the flight
// being built, which is then sent.
Result<void> Handshake12::send_change_cipher_spec_and_finished(Instant now, bool final_flight,
                                                               std::vector<Bytes>& out) {
  transport_.add_change_cipher_spec(epoch0());
  CACHET_TRY(install_write_keys());
  CACHET_ASSIGN_OR_RETURN(Bytes verify, finished_data(!config_.is_server));
  Finished ours;
  std::copy(verify.begin(), verify.end(), ours.verify_data.begin());
  CACHET_TRY(queue_message(Epoch(1), HandshakeType::kFinished, ours));
  auto sent = transport_.send_flight(now, final_flight, records_, out);
  if (!sent) return fail(AlertDescription::kInternalError, "cannot send a flight");
  return ok();
}

// The peer's Certificate message, of the negotiated type (RFC 7250 §3),
// checked by the configured verifier. `credential` gets the chain (X.509) or
// the one SubjectPublicKeyInfo (raw public key); `empty` is set for an empty
// X.509 list (the client's "no certificate", RFC 5246 §7.4.6).
Result<std::shared_ptr<const crypto::VerifyingKey>> Handshake12::verify_peer_credential(const HandshakeMessage& m, CertificateType type,
                                                                                 session::PeerCertificates& credential, bool& empty) {
  auto cert = CertificateMsg::parse(m.body, type);
  if (!cert) return fail(alert_for(cert.error()), "malformed Certificate");
  empty = false;
  AlertDescription alert = AlertDescription::kBadCertificate;
  if (type == CertificateType::kRawPublicKey) {
    if (!config_.verify_peer_raw_key) return fail(AlertDescription::kUnsupportedCertificate, "raw public keys not accepted");
    auto key = config_.verify_peer_raw_key(cert->subject_public_key_info, alert);
    if (!key) return fail(alert, "peer raw public key rejected");
    credential = std::vector<Bytes>{std::move(cert->subject_public_key_info)};
    return key;
  }
  if (cert->certificate_list.empty()) {
    empty = true;
    return Error(ErrorCode::kWrongState, "empty certificate list");
  }
  if (!conn_.verify_peer_chain) return fail(AlertDescription::kInternalError, "no way to verify certificates");
  std::shared_ptr<const std::vector<Bytes>> shared;
  auto key = conn_.verify_peer_chain(cert->certificate_list, alert, shared);
  if (!key) return fail(alert, "peer certificate rejected");
  credential = shared ? session::PeerCertificates(std::move(shared))
                      : session::PeerCertificates(std::move(cert->certificate_list));
  return key;
}

// RFC 9146 §3: both sides sent the extension; each puts the other's CID on
// the records it sends (from the first protected epoch on).
Result<void> Handshake12::use_connection_ids(ByteSpan peer_cid) {
  params_.receive_cid = *conn_.connection_id;
  params_.send_cid = Bytes(peer_cid.begin(), peer_cid.end());
  if (!records_.set_receive_cid(*params_.receive_cid) || !records_.set_send_cid(*params_.send_cid)) {
    return fail(AlertDescription::kInternalError, "cannot set connection IDs");
  }
  return ok();
}

// RFC 8449 §4: below 64 is illegal_parameter; above 2^14 is clamped (a
// server must not enforce the maximum on a client's value, and a DTLS 1.2
// record never carries more anyway).
Result<void> Handshake12::use_record_size_limit(uint16_t peer_limit) {
  if (peer_limit < kMinRecordSizeLimit) return fail(AlertDescription::kIllegalParameter, "record_size_limit below 64");
  params_.peer_record_size_limit = std::min<uint16_t>(peer_limit, 16384);
  params_.own_record_size_limit = config_.record_size_limit;
  transport_.set_max_record_payload(*params_.peer_record_size_limit);
  return ok();
}

// Read once per handshake: session lifetimes count in seconds, and each read
// of the wall clock may be a system call.
int64_t Handshake12::unix_now() const {
  if (unix_now_) return *unix_now_;
  if (config_.unix_time) {
    unix_now_ = config_.unix_time();
  } else {
    unix_now_ = static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
  }
  return *unix_now_;
}

// The resumable state of this session (RFC 5077 §4's list).
session::SessionState Handshake12::make_session_state() const {
  session::SessionState st;
  st.cipher_suite = params_.suite->code;
  st.master_secret = params_.master_secret.copy();
  st.extended_master_secret = params_.extended_master_secret;
  const CertificateType peer_type =
      config_.is_server ? params_.client_certificate_type : params_.server_certificate_type;
  st.peer_certificate_type = static_cast<uint8_t>(peer_type);
  st.peer_certificates = params_.peer_certificates;
  st.psk_identity = params_.psk_identity;
  st.client_authenticated = params_.client_authenticated;
  st.server_name = params_.server_name;
  st.created_unix = unix_now();
  st.lifetime_seconds = 7200;
  st.session_id = params_.session_id;
  st.ticket = params_.ticket;
  return st;
}

std::shared_ptr<const session::SessionState> Handshake12::session() const {
  if (state_ != HandshakeState::kComplete || params_.suite == nullptr) return nullptr;
  if (params_.session_id.empty() && params_.ticket.empty()) return nullptr;
  auto st = std::make_shared<session::SessionState>(make_session_state());
  const session::SessionState* original = conn_.resume_session.get();
  if (params_.resumed && original != nullptr) {
    // A resumed session keeps its birth time; a ticket renewed on the way
    // replaces the old one.
    st->created_unix = original->created_unix;
    st->lifetime_seconds = original->lifetime_seconds;
    if (params_.ticket.empty()) st->ticket = original->ticket;
  }
  if (!params_.resumed && params_.ticket_lifetime_hint != 0 && !params_.ticket.empty()) {
    st->lifetime_seconds = params_.ticket_lifetime_hint;  // RFC 5077 §3.3
  }
  return st;
}

}  // namespace cachet::handshake
