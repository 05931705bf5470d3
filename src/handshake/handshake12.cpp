#include "handshake/handshake12.hpp"

#include <algorithm>

#include "base/byte_writer.hpp"
#include "handshake/key_schedule12.hpp"

namespace cachet::handshake {

using record::ContentType;
using record::Epoch;

std::string_view handshake_state_name(HandshakeState s) noexcept {
  switch (s) {
    case HandshakeState::kClientStart: return "client_start";
    case HandshakeState::kClientWaitServerHello: return "client_wait_server_hello";
    case HandshakeState::kClientWaitCertificate: return "client_wait_certificate";
    case HandshakeState::kClientWaitServerKeyExchange: return "client_wait_server_key_exchange";
    case HandshakeState::kClientWaitCertificateRequestOrDone: return "client_wait_certificate_request_or_done";
    case HandshakeState::kClientWaitServerHelloDone: return "client_wait_server_hello_done";
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

namespace {

bool contains(const std::vector<uint16_t>& list, uint16_t v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool suite_needs_certificate(const CipherSuite& s) { return s.authentication != Authentication::kPsk; }

bool key_fits_suite(const crypto::SigningKey& key, const CipherSuite& s) {
  if (s.authentication == Authentication::kEcdsa) {
    return key.type() == crypto::KeyType::kEcP256 || key.type() == crypto::KeyType::kEcP384 ||
           key.type() == crypto::KeyType::kEd25519;
  }
  if (s.authentication == Authentication::kRsa) return key.type() == crypto::KeyType::kRsa;
  return true;
}

bool verifying_key_fits_suite(const crypto::VerifyingKey& key, const CipherSuite& s) {
  if (s.authentication == Authentication::kEcdsa) {
    return key.type() == crypto::KeyType::kEcP256 || key.type() == crypto::KeyType::kEcP384 ||
           key.type() == crypto::KeyType::kEd25519;
  }
  if (s.authentication == Authentication::kRsa) return key.type() == crypto::KeyType::kRsa;
  return false;
}

bool certificate_curve_acceptable(const crypto::SigningKey& key, const std::optional<std::vector<uint16_t>>& groups) {
  if (!groups) return true;
  if (key.type() == crypto::KeyType::kEcP256) return contains(*groups, static_cast<uint16_t>(crypto::NamedGroup::kSecp256r1));
  if (key.type() == crypto::KeyType::kEcP384) return contains(*groups, static_cast<uint16_t>(crypto::NamedGroup::kSecp384r1));
  return true;
}

// RFC 8422 §5.4: the signed data of a ServerKeyExchange.
Result<Bytes> server_params_to_sign(const HelloRandom& client_random, const HelloRandom& server_random,
                                    const ServerKeyExchange& ske) {
  ByteWriter w;
  w.bytes(client_random);
  w.bytes(server_random);
  CACHET_TRY(ske.write_ecdh_params(w));
  return w.take();
}

}  // namespace

Handshake12::Handshake12(HandshakeConfig config, record::RecordLayer& records, HandshakeTransport& transport,
                         Random& random)
    : config_(std::move(config)),
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

template <typename M>
Result<void> Handshake12::queue_message(Epoch epoch, HandshakeType type, const M& message) {
  auto body = encode(message);
  if (!body) return fail(AlertDescription::kInternalError, "cannot encode a handshake message");
  const uint16_t seq = transport_.add_message(epoch, type, *body);
  transcript_.add(type, seq, *body);
  return ok();
}

void Handshake12::release() noexcept {
  transcript_.release();
  key_share_.reset();
  pending_read_.reset();
  pending_write_.reset();
  psk_.wipe();
  client_hello_ = ClientHello{};
  server_key_exchange_ = ServerKeyExchange{};
}

// --------------------------------------------------------------------------
// Dispatch

Result<void> Handshake12::on_record(const record::Record& r, Instant now, std::vector<Bytes>& out) {
  if (state_ == HandshakeState::kFailed) return Error(ErrorCode::kWrongState, "handshake already failed");
  if (r.type == ContentType::kChangeCipherSpec) return on_change_cipher_spec(r, now, out);
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
    const Bytes session_hash = transcript_.current_hash();
    CACHET_ASSIGN_OR_RETURN(params_.master_secret, extended_master_secret(s.prf_hash, premaster, session_hash));
  } else {
    CACHET_ASSIGN_OR_RETURN(params_.master_secret,
                            master_secret(s.prf_hash, premaster, params_.client_random, params_.server_random));
  }
  CACHET_ASSIGN_OR_RETURN(KeyBlock kb, derive_key_block(s.prf_hash, s.aead, params_.master_secret,
                                                        params_.client_random, params_.server_random));
  DirectionKeys& mine = config_.is_server ? kb.server_write : kb.client_write;
  DirectionKeys& theirs = config_.is_server ? kb.client_write : kb.server_write;
  CACHET_ASSIGN_OR_RETURN(auto write, record::RecordProtection::create(s.aead, mine.key, mine.iv));
  CACHET_ASSIGN_OR_RETURN(auto read, record::RecordProtection::create(s.aead, theirs.key, theirs.iv));
  pending_write_.emplace(std::move(write));
  pending_read_.emplace(std::move(read));
  return ok();
}

Result<void> Handshake12::install_read_keys(Instant now) {
  if (!pending_read_) return fail(AlertDescription::kUnexpectedMessage, "ChangeCipherSpec before keys");
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
  auto installed = records_.install_read_epoch(Epoch(1), std::move(*pending_read_), now, early);
  pending_read_.reset();
  if (!installed) return fail(AlertDescription::kInternalError, "cannot install the read epoch");
  for (size_t i = 0; i < early.records.size(); ++i) {
    if (early.records[i].type == ContentType::kHandshake) transport_.on_handshake_record(early.payloads[i]);
  }
  return ok();
}

Result<void> Handshake12::install_write_keys() {
  if (!pending_write_) return fail(AlertDescription::kInternalError, "no write keys");
  auto installed = records_.install_write_epoch(Epoch(1), std::move(*pending_write_));
  pending_write_.reset();
  if (!installed) return fail(AlertDescription::kInternalError, "cannot install the write epoch");
  return ok();
}

Result<Bytes> Handshake12::finished_data(bool from_client) const {
  return finished_verify_data(params_.suite->prf_hash, params_.master_secret, from_client, transcript_.current_hash());
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
  if (!constant_time_equal(expected, fin->verify_data)) {
    return fail(AlertDescription::kDecryptError, "Finished does not verify");
  }
  add_to_transcript(m);
  if (config_.is_server) {
    // Our final flight: ChangeCipherSpec (epoch 0) and Finished (epoch 1).
    transport_.start_new_flight();
    transport_.add_change_cipher_spec(epoch0());
    CACHET_TRY(install_write_keys());
    CACHET_ASSIGN_OR_RETURN(Bytes verify, finished_data(false));
    Finished ours;
    std::copy(verify.begin(), verify.end(), ours.verify_data.begin());
    CACHET_TRY(queue_message(Epoch(1), HandshakeType::kFinished, ours));
    auto sent = transport_.send_flight(now, true, records_, out);
    if (!sent) return fail(AlertDescription::kInternalError, "cannot send the final flight");
  } else {
    // The server's final flight acknowledges ours.
    transport_.start_new_flight();
  }
  state_ = HandshakeState::kComplete;
  return ok();
}

// --------------------------------------------------------------------------
// Client

Result<void> Handshake12::start(Instant now, std::vector<Bytes>& out) {
  if (config_.is_server || state_ != HandshakeState::kClientStart) {
    return Error(ErrorCode::kWrongState, "start() is for a new client");
  }
  ClientHello& ch = client_hello_;
  if (!random_.fill(ch.random)) return fail(AlertDescription::kInternalError, "no randomness");
  params_.client_random = ch.random;
  ch.cipher_suites = config_.cipher_suites;
  // RFC 5746 §3.4: signal secure renegotiation support with the SCSV.
  ch.cipher_suites.push_back(kEmptyRenegotiationInfoScsv);
  HelloExtensions& ext = ch.extensions;
  bool any_ecdhe = false;
  for (uint16_t code : config_.cipher_suites) {
    const CipherSuite* s = find_cipher_suite(code);
    if (s != nullptr && s->key_exchange != KeyExchangeKind::kPsk) any_ecdhe = true;
  }
  if (any_ecdhe) {
    std::vector<uint16_t> groups;
    for (auto g : config_.groups) groups.push_back(static_cast<uint16_t>(g));
    ext.supported_groups = groups;
    ext.ec_point_formats = std::vector<uint8_t>{0};  // uncompressed (RFC 8422 §5.1.2)
  }
  std::vector<uint16_t> schemes;
  for (auto s : config_.signature_schemes) schemes.push_back(static_cast<uint16_t>(s));
  if (!schemes.empty()) ext.signature_algorithms = schemes;
  ext.extended_master_secret = true;
  if (!config_.server_name.empty()) ext.server_name = config_.server_name;
  if (!config_.srtp_profiles.empty()) ext.use_srtp = UseSrtp{config_.srtp_profiles, {}};
  if (!config_.alpn.empty()) ext.alpn = config_.alpn;
  params_.server_name = config_.server_name;
  return client_send_hello(now, out);
}

Result<void> Handshake12::client_send_hello(Instant now, std::vector<Bytes>& out) {
  transport_.start_new_flight();
  CACHET_TRY(queue_message(epoch0(), HandshakeType::kClientHello, client_hello_));
  auto sent = transport_.send_flight(now, false, records_, out);
  if (!sent) return fail(AlertDescription::kInternalError, "cannot send ClientHello");
  state_ = HandshakeState::kClientWaitServerHello;
  return ok();
}

Result<void> Handshake12::client_on_hello_verify_request(const HandshakeMessage& m, Instant now,
                                                         std::vector<Bytes>& out) {
  auto hvr = HelloVerifyRequest::parse(m.body);
  if (!hvr) return fail(alert_for(hvr.error()), "malformed HelloVerifyRequest");
  if (++hello_verify_requests_ > kMaxHelloVerifyRequests) {
    return fail(AlertDescription::kUnexpectedMessage, "too many HelloVerifyRequests");
  }
  // RFC 6347 §4.2.6: the first ClientHello and the HelloVerifyRequest are not
  // part of the transcript.
  transcript_.reset();
  client_hello_.cookie = hvr->cookie;
  return client_send_hello(now, out);
}

Result<void> Handshake12::client_on_server_hello(const HandshakeMessage& m) {
  auto sh = ServerHello::parse(m.body);
  if (!sh) return fail(alert_for(sh.error()), "malformed ServerHello");
  if (sh->server_version != record::ProtocolVersion::kDtls12) {
    return fail(AlertDescription::kProtocolVersion, "server did not select DTLS 1.2");
  }
  if (!contains(config_.cipher_suites, sh->cipher_suite)) {
    return fail(AlertDescription::kIllegalParameter, "server selected a suite we did not offer");
  }
  const CipherSuite* suite = find_cipher_suite(sh->cipher_suite);
  const HelloExtensions& ext = sh->extensions;
  // RFC 5246 §7.4.1.4: only extensions we offered may come back.
  for (uint16_t t : ext.received_types) {
    const auto type = static_cast<ExtensionType>(t);
    const bool offered =
        type == ExtensionType::kRenegotiationInfo || type == ExtensionType::kExtendedMasterSecret ||
        (type == ExtensionType::kEcPointFormats && client_hello_.extensions.ec_point_formats) ||
        (type == ExtensionType::kServerName && client_hello_.extensions.server_name) ||
        (type == ExtensionType::kUseSrtp && client_hello_.extensions.use_srtp) ||
        (type == ExtensionType::kAlpn && client_hello_.extensions.alpn) ||
        (type == ExtensionType::kSessionTicket && client_hello_.extensions.session_ticket);
    if (!offered) return fail(AlertDescription::kUnsupportedExtension, "ServerHello carries an unoffered extension");
  }
  // RFC 5746 §3.4: when present, renegotiated_connection must be empty.
  if (ext.renegotiation_info && !ext.renegotiation_info->empty()) {
    return fail(AlertDescription::kHandshakeFailure, "non-empty renegotiation_info in an initial handshake");
  }
  params_.extended_master_secret = ext.extended_master_secret;
  if (!params_.extended_master_secret && config_.require_extended_master_secret) {
    // RFC 7627 §5.2: a client that requires EMS aborts.
    return fail(AlertDescription::kHandshakeFailure, "server does not support extended master secret");
  }
  if (ext.use_srtp) {
    const uint16_t profile = ext.use_srtp->profiles.empty() ? 0 : ext.use_srtp->profiles[0];
    // RFC 5764 §4.1.3: the profile must be one we offered, and the MKI ours.
    if (!contains(config_.srtp_profiles, profile) || !ext.use_srtp->mki.empty()) {
      return fail(AlertDescription::kIllegalParameter, "server chose an SRTP profile we did not offer");
    }
    params_.srtp_profile = profile;
  }
  if (ext.alpn) {
    if (ext.alpn->size() != 1 || std::find(config_.alpn.begin(), config_.alpn.end(), (*ext.alpn)[0]) == config_.alpn.end()) {
      return fail(AlertDescription::kIllegalParameter, "server chose an ALPN protocol we did not offer");
    }
    params_.alpn = (*ext.alpn)[0];
  }
  params_.suite = suite;
  params_.server_random = sh->random;
  transcript_.set_hash(suite->prf_hash);
  add_to_transcript(m);
  state_ = suite_needs_certificate(*suite) ? HandshakeState::kClientWaitCertificate
                                           : HandshakeState::kClientWaitServerKeyExchange;
  return ok();
}

Result<void> Handshake12::client_on_certificate(const HandshakeMessage& m) {
  auto cert = CertificateMsg::parse(m.body, CertificateType::kX509);
  if (!cert) return fail(alert_for(cert.error()), "malformed Certificate");
  if (cert->certificate_list.empty()) return fail(AlertDescription::kDecodeError, "server sent no certificate");
  if (!config_.verify_peer_chain) return fail(AlertDescription::kInternalError, "no way to verify certificates");
  AlertDescription alert = AlertDescription::kBadCertificate;
  auto key = config_.verify_peer_chain(cert->certificate_list, alert);
  if (!key) return fail(alert, "server certificate rejected");
  if (!verifying_key_fits_suite(*key, *params_.suite)) {
    return fail(AlertDescription::kUnsupportedCertificate, "certificate key does not fit the suite");
  }
  peer_key_.emplace(std::move(key).value());
  params_.peer_certificates = std::move(cert->certificate_list);
  add_to_transcript(m);
  state_ = HandshakeState::kClientWaitServerKeyExchange;
  return ok();
}

Result<void> Handshake12::client_on_server_key_exchange(const HandshakeMessage& m) {
  const CipherSuite& s = *params_.suite;
  auto ske = ServerKeyExchange::parse(m.body, s.key_exchange);
  if (!ske) return fail(alert_for(ske.error()), "malformed ServerKeyExchange");
  if (s.key_exchange != KeyExchangeKind::kPsk) {
    const auto group = static_cast<crypto::NamedGroup>(ske->named_group);
    if (std::find(config_.groups.begin(), config_.groups.end(), group) == config_.groups.end()) {
      return fail(AlertDescription::kIllegalParameter, "server chose a group we did not offer");
    }
    params_.group = group;
  }
  if (s.key_exchange == KeyExchangeKind::kEcdhe) {
    // RFC 5246 §7.4.3 / RFC 8422 §5.4: the signature must use a scheme we
    // offered, fit the certificate's key, and verify.
    const auto scheme = static_cast<crypto::SignatureScheme>(ske->signature_scheme);
    bool offered = false;
    for (auto sc : config_.signature_schemes) offered |= sc == scheme;
    if (!offered || !peer_key_->supports(scheme)) {
      return fail(AlertDescription::kIllegalParameter, "ServerKeyExchange signature scheme not acceptable");
    }
    CACHET_ASSIGN_OR_RETURN(Bytes signed_data, server_params_to_sign(params_.client_random, params_.server_random, *ske));
    if (!peer_key_->verify(scheme, signed_data, ske->signature)) {
      return fail(AlertDescription::kDecryptError, "ServerKeyExchange signature does not verify");
    }
    params_.signature_scheme = scheme;
  }
  server_key_exchange_ = std::move(ske).value();
  add_to_transcript(m);
  state_ = suite_needs_certificate(s) ? HandshakeState::kClientWaitCertificateRequestOrDone
                                      : HandshakeState::kClientWaitServerHelloDone;
  return ok();
}

Result<void> Handshake12::client_on_certificate_request(const HandshakeMessage& m) {
  auto cr = CertificateRequest::parse(m.body);
  if (!cr) return fail(alert_for(cr.error()), "malformed CertificateRequest");
  certificate_request_ = std::move(cr).value();
  add_to_transcript(m);
  state_ = HandshakeState::kClientWaitServerHelloDone;
  return ok();
}

Result<void> Handshake12::client_on_server_hello_done(const HandshakeMessage& m, Instant now,
                                                      std::vector<Bytes>& out) {
  if (!ServerHelloDone::parse(m.body)) return fail(AlertDescription::kDecodeError, "malformed ServerHelloDone");
  add_to_transcript(m);
  const CipherSuite& s = *params_.suite;
  transport_.start_new_flight();  // the server's flight acknowledged ours

  // Client certificate (RFC 5246 §7.4.6): ours if we have one that fits,
  // otherwise an empty list.
  bool send_certificate_verify = false;
  crypto::SignatureScheme cv_scheme{};
  if (certificate_request_) {
    CertificateMsg cert;
    const auto picked = pick_signature_scheme(&certificate_request_->signature_algorithms);
    if (picked && !config_.certificate_chain.empty()) {
      cert.certificate_list = config_.certificate_chain;
      cv_scheme = *picked;
      send_certificate_verify = true;
    }
    CACHET_TRY(queue_message(epoch0(), HandshakeType::kCertificate, cert));
  }

  // Key exchange.
  ClientKeyExchange cke;
  cke.kind = s.key_exchange;
  SecretBytes premaster;
  if (s.key_exchange != KeyExchangeKind::kPsk) {
    auto share = crypto::KeyShare::generate(*params_.group, random_);
    if (!share) return fail(AlertDescription::kInternalError, "key generation failed");
    auto z = share->derive(server_key_exchange_.public_key);
    if (!z) return fail(AlertDescription::kIllegalParameter, "server's key share is invalid");
    cke.public_key.assign(share->public_key().begin(), share->public_key().end());
    premaster = s.key_exchange == KeyExchangeKind::kEcdhe ? std::move(z).value()
                                                         : ecdhe_psk_premaster_secret(*z, *config_.psk);
  }
  if (s.key_exchange != KeyExchangeKind::kEcdhe) {
    if (!config_.psk) return fail(AlertDescription::kInternalError, "no PSK configured");
    cke.psk_identity = config_.psk_identity;
    params_.psk_identity = config_.psk_identity;
    if (s.key_exchange == KeyExchangeKind::kPsk) premaster = psk_premaster_secret(*config_.psk);
  }
  CACHET_TRY(queue_message(epoch0(), HandshakeType::kClientKeyExchange, cke));
  CACHET_TRY(derive_keys(premaster));

  // RFC 5246 §7.4.8: CertificateVerify over all messages so far.
  if (send_certificate_verify) {
    auto sig = config_.signing_key->sign(cv_scheme, transcript_.messages(), random_);
    if (!sig) return fail(AlertDescription::kInternalError, "signing CertificateVerify failed");
    CertificateVerify cv{static_cast<uint16_t>(cv_scheme), std::move(sig).value()};
    CACHET_TRY(queue_message(epoch0(), HandshakeType::kCertificateVerify, cv));
    params_.client_authenticated = true;
  }

  transport_.add_change_cipher_spec(epoch0());
  CACHET_TRY(install_write_keys());
  CACHET_ASSIGN_OR_RETURN(Bytes verify, finished_data(true));
  Finished fin;
  std::copy(verify.begin(), verify.end(), fin.verify_data.begin());
  CACHET_TRY(queue_message(Epoch(1), HandshakeType::kFinished, fin));
  auto sent = transport_.send_flight(now, false, records_, out);
  if (!sent) return fail(AlertDescription::kInternalError, "cannot send the client's final flight");
  state_ = HandshakeState::kClientWaitChangeCipherSpec;
  return ok();
}

// --------------------------------------------------------------------------
// Server

Result<void> Handshake12::server_on_client_hello(const HandshakeMessage& m, Instant now, std::vector<Bytes>& out) {
  auto ch = ClientHello::parse(m.body);
  if (!ch) return fail(alert_for(ch.error()), "malformed ClientHello");
  // RFC 6347 §4.1: DTLS versions count down; 1.2 is 0xfefd. A client that
  // cannot do 1.2 (DTLS 1.0 only) is refused.
  if (static_cast<uint16_t>(ch->client_version) > static_cast<uint16_t>(record::ProtocolVersion::kDtls12)) {
    return fail(AlertDescription::kProtocolVersion, "client does not support DTLS 1.2");
  }
  if (config_.cookies != nullptr && !config_.cookies->verify(config_.peer_address, *ch, now)) {
    // RFC 6347 §4.2.1: answer with a HelloVerifyRequest and keep nothing but
    // the message counters. The HelloVerifyRequest is never retransmitted by
    // us: the client's retransmitted ClientHello draws a new one.
    HelloVerifyRequest hvr;
    hvr.cookie = config_.cookies->make(config_.peer_address, *ch, now);
    auto body = encode(hvr);
    if (!body) return fail(AlertDescription::kInternalError, "cannot encode HelloVerifyRequest");
    transport_.start_new_flight();
    transport_.set_next_send_seq(m.message_seq);
    transport_.add_message(epoch0(), HandshakeType::kHelloVerifyRequest, std::move(body).value());
    auto sent = transport_.send_flight(now, true, records_, out);
    if (!sent) return fail(AlertDescription::kInternalError, "cannot send HelloVerifyRequest");
    transport_.start_new_flight();
    // Stateless from here: a retransmitted first ClientHello draws a new
    // HelloVerifyRequest, the one with the cookie goes on.
    transport_.reassembler().float_next_seq();
    return ok();
  }
  transcript_.reset();
  CACHET_TRY(server_negotiate(*ch));
  params_.client_random = ch->random;
  transcript_.set_hash(params_.suite->prf_hash);
  add_to_transcript(m);
  transport_.set_next_send_seq(m.message_seq);
  return server_send_flight(*ch, now, out);
}

Result<void> Handshake12::server_negotiate(const ClientHello& ch) {
  const HelloExtensions& ext = ch.extensions;
  // RFC 7627 §5.3: a server that requires EMS refuses clients without it.
  params_.extended_master_secret = ext.extended_master_secret;
  if (!ext.extended_master_secret && config_.require_extended_master_secret) {
    return fail(AlertDescription::kHandshakeFailure, "client does not offer extended master secret");
  }
  if (ext.renegotiation_info && !ext.renegotiation_info->empty()) {
    return fail(AlertDescription::kHandshakeFailure, "non-empty renegotiation_info in an initial handshake");
  }
  // RFC 8422 §5.1.1: no supported_groups means any curve; we use our first.
  std::optional<crypto::NamedGroup> group;
  for (auto g : config_.groups) {
    if (!ext.supported_groups || contains(*ext.supported_groups, static_cast<uint16_t>(g))) {
      group = g;
      break;
    }
  }
  const std::vector<uint16_t>* peer_schemes = ext.signature_algorithms ? &*ext.signature_algorithms : nullptr;
  const auto scheme = pick_signature_scheme(peer_schemes);
  // Server preference order among what the client offers and we can serve.
  for (uint16_t code : config_.cipher_suites) {
    if (!contains(ch.cipher_suites, code)) continue;
    const CipherSuite* s = find_cipher_suite(code);
    if (s == nullptr) continue;
    if (s->key_exchange != KeyExchangeKind::kPsk && !group) continue;
    if (suite_needs_certificate(*s)) {
      if (!config_.signing_key || config_.certificate_chain.empty() || !key_fits_suite(*config_.signing_key, *s)) continue;
      // RFC 8422 §5.1.1: in TLS 1.2 the client's supported_groups also names
      // the curves it accepts in the server's ECDSA certificate.
      if (!certificate_curve_acceptable(*config_.signing_key, ext.supported_groups)) continue;
      if (!scheme) continue;  // nothing we can sign that the client accepts
      params_.signature_scheme = scheme;
    } else if (!config_.psk_lookup) {
      continue;
    }
    params_.suite = s;
    if (s->key_exchange != KeyExchangeKind::kPsk) params_.group = group;
    break;
  }
  if (params_.suite == nullptr) return fail(AlertDescription::kHandshakeFailure, "no cipher suite in common");
  if (ext.use_srtp && !config_.srtp_profiles.empty()) {
    for (uint16_t p : config_.srtp_profiles) {
      if (contains(ext.use_srtp->profiles, p)) {
        params_.srtp_profile = p;
        params_.srtp_mki = ext.use_srtp->mki;
        break;
      }
    }
  }
  if (ext.alpn && !config_.alpn.empty()) {
    for (const std::string& p : config_.alpn) {
      if (std::find(ext.alpn->begin(), ext.alpn->end(), p) != ext.alpn->end()) {
        params_.alpn = p;
        break;
      }
    }
    // RFC 7301 §3.2.
    if (params_.alpn.empty()) return fail(AlertDescription::kNoApplicationProtocol, "no ALPN protocol in common");
  }
  if (ext.server_name) params_.server_name = *ext.server_name;
  return ok();
}

Result<void> Handshake12::server_send_flight(const ClientHello& ch, Instant now, std::vector<Bytes>& out) {
  const CipherSuite& s = *params_.suite;
  transport_.start_new_flight();
  ServerHello sh;
  if (!random_.fill(sh.random)) return fail(AlertDescription::kInternalError, "no randomness");
  params_.server_random = sh.random;
  sh.cipher_suite = s.code;
  HelloExtensions& ext = sh.extensions;
  const bool client_signals_ri = ch.extensions.renegotiation_info.has_value() ||
                                 contains(ch.cipher_suites, kEmptyRenegotiationInfoScsv);
  if (client_signals_ri) ext.renegotiation_info = Bytes{};  // RFC 5746 §3.6
  ext.extended_master_secret = params_.extended_master_secret;
  if (s.key_exchange != KeyExchangeKind::kPsk && ch.extensions.ec_point_formats) {
    ext.ec_point_formats = std::vector<uint8_t>{0};
  }
  if (params_.srtp_profile) ext.use_srtp = UseSrtp{{*params_.srtp_profile}, params_.srtp_mki};
  if (!params_.alpn.empty()) ext.alpn = std::vector<std::string>{params_.alpn};
  if (!params_.server_name.empty()) ext.server_name = std::string();  // RFC 6066 §3: acknowledged
  CACHET_TRY(queue_message(epoch0(), HandshakeType::kServerHello, sh));

  if (suite_needs_certificate(s)) {
    CertificateMsg cert;
    cert.certificate_list = config_.certificate_chain;
    CACHET_TRY(queue_message(epoch0(), HandshakeType::kCertificate, cert));
  }
  if (s.key_exchange != KeyExchangeKind::kPsk || !config_.psk_identity_hint.empty()) {
    ServerKeyExchange ske;
    ske.kind = s.key_exchange;
    ske.psk_identity_hint = config_.psk_identity_hint;
    if (s.key_exchange != KeyExchangeKind::kPsk) {
      auto share = crypto::KeyShare::generate(*params_.group, random_);
      if (!share) return fail(AlertDescription::kInternalError, "key generation failed");
      ske.named_group = static_cast<uint16_t>(*params_.group);
      ske.public_key.assign(share->public_key().begin(), share->public_key().end());
      key_share_.emplace(std::move(share).value());
    }
    if (s.key_exchange == KeyExchangeKind::kEcdhe) {
      CACHET_ASSIGN_OR_RETURN(Bytes signed_data, server_params_to_sign(params_.client_random, params_.server_random, ske));
      auto sig = config_.signing_key->sign(*params_.signature_scheme, signed_data, random_);
      if (!sig) return fail(AlertDescription::kInternalError, "signing ServerKeyExchange failed");
      ske.signature_scheme = static_cast<uint16_t>(*params_.signature_scheme);
      ske.signature = std::move(sig).value();
    }
    server_key_exchange_ = ske;
    CACHET_TRY(queue_message(epoch0(), HandshakeType::kServerKeyExchange, ske));
  }
  const bool ask_certificate = config_.request_client_certificate && suite_needs_certificate(s);
  if (ask_certificate) {
    CertificateRequest cr;
    cr.certificate_types = {64 /* ecdsa_sign */, 1 /* rsa_sign */};  // RFC 8422 §5.5, RFC 5246 §7.4.4
    for (auto sc : config_.signature_schemes) {
      if (sc != crypto::SignatureScheme::kRsaPkcs1Sha1) cr.signature_algorithms.push_back(static_cast<uint16_t>(sc));
    }
    CACHET_TRY(queue_message(epoch0(), HandshakeType::kCertificateRequest, cr));
  }
  CACHET_TRY(queue_message(epoch0(), HandshakeType::kServerHelloDone, ServerHelloDone{}));
  auto sent = transport_.send_flight(now, false, records_, out);
  if (!sent) return fail(AlertDescription::kInternalError, "cannot send the server flight");
  state_ = ask_certificate ? HandshakeState::kServerWaitClientCertificate : HandshakeState::kServerWaitClientKeyExchange;
  return ok();
}

Result<void> Handshake12::server_on_certificate(const HandshakeMessage& m) {
  auto cert = CertificateMsg::parse(m.body, CertificateType::kX509);
  if (!cert) return fail(alert_for(cert.error()), "malformed client Certificate");
  if (cert->certificate_list.empty()) {
    // RFC 5246 §7.4.6: an empty list means "no certificate".
    if (config_.require_client_certificate) {
      return fail(AlertDescription::kHandshakeFailure, "client certificate required");
    }
  } else {
    if (!config_.verify_peer_chain) return fail(AlertDescription::kInternalError, "no way to verify certificates");
    AlertDescription alert = AlertDescription::kBadCertificate;
    auto key = config_.verify_peer_chain(cert->certificate_list, alert);
    if (!key) return fail(alert, "client certificate rejected");
    peer_key_.emplace(std::move(key).value());
    params_.peer_certificates = std::move(cert->certificate_list);
    client_sent_certificate_ = true;
  }
  add_to_transcript(m);
  state_ = HandshakeState::kServerWaitClientKeyExchange;
  return ok();
}

Result<void> Handshake12::server_on_client_key_exchange(const HandshakeMessage& m) {
  const CipherSuite& s = *params_.suite;
  auto cke = ClientKeyExchange::parse(m.body, s.key_exchange);
  if (!cke) return fail(alert_for(cke.error()), "malformed ClientKeyExchange");
  SecretBytes premaster;
  if (s.key_exchange != KeyExchangeKind::kEcdhe) {
    auto key = config_.psk_lookup ? config_.psk_lookup(cke->psk_identity) : std::nullopt;
    // RFC 4279 §2: unknown identity.
    if (!key) return fail(AlertDescription::kUnknownPskIdentity, "unknown PSK identity");
    psk_ = std::move(*key);
    params_.psk_identity = cke->psk_identity;
  }
  if (s.key_exchange != KeyExchangeKind::kPsk) {
    auto z = key_share_->derive(cke->public_key);
    if (!z) return fail(AlertDescription::kIllegalParameter, "client's key share is invalid");
    premaster = s.key_exchange == KeyExchangeKind::kEcdhe ? std::move(z).value() : ecdhe_psk_premaster_secret(*z, psk_);
  } else {
    premaster = psk_premaster_secret(psk_);
  }
  add_to_transcript(m);
  CACHET_TRY(derive_keys(premaster));
  key_share_.reset();
  state_ = client_sent_certificate_ ? HandshakeState::kServerWaitCertificateVerify
                                    : HandshakeState::kServerWaitChangeCipherSpec;
  return ok();
}

Result<void> Handshake12::server_on_certificate_verify(const HandshakeMessage& m) {
  auto cv = CertificateVerify::parse(m.body);
  if (!cv) return fail(alert_for(cv.error()), "malformed CertificateVerify");
  const auto scheme = static_cast<crypto::SignatureScheme>(cv->signature_scheme);
  bool offered = false;
  for (auto sc : config_.signature_schemes) offered |= sc == scheme && sc != crypto::SignatureScheme::kRsaPkcs1Sha1;
  if (!offered || !peer_key_->supports(scheme)) {
    return fail(AlertDescription::kIllegalParameter, "CertificateVerify scheme not acceptable");
  }
  // RFC 5246 §7.4.8: over every handshake message before this one.
  if (!peer_key_->verify(scheme, transcript_.messages(), cv->signature)) {
    return fail(AlertDescription::kDecryptError, "CertificateVerify does not verify");
  }
  add_to_transcript(m);
  params_.client_authenticated = true;
  state_ = HandshakeState::kServerWaitChangeCipherSpec;
  return ok();
}

}  // namespace cachet::handshake
