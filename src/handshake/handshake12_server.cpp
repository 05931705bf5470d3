// The server side of the DTLS 1.2 handshake (see handshake12.hpp).
#include <cachet/session.hpp>

#include "handshake/handshake12_internal.hpp"

namespace cachet::handshake {

using namespace h12;

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
  if (conn_.cookies != nullptr && !conn_.cookies->verify(conn_.peer_address, *ch, now)) {
    // RFC 6347 §4.2.1: answer with a HelloVerifyRequest and keep nothing but
    // the message counters. The HelloVerifyRequest is never retransmitted by
    // us: the client's retransmitted ClientHello draws a new one.
    HelloVerifyRequest hvr;
    hvr.cookie = conn_.cookies->make(conn_.peer_address, *ch, now);
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
  w_->transcript.reset();
  CACHET_ASSIGN_OR_RETURN(w_->resumed_from, server_find_session(*ch));
  CACHET_TRY(server_negotiate(*ch, w_->resumed_from.get()));
  params_.client_random = ch->random;
  w_->transcript.set_hash(params_.suite->prf_hash);
  add_to_transcript(m);
  transport_.set_next_send_seq(m.message_seq);
  if (w_->resumed_from) return server_send_resumed_flight(*ch, now, out);
  return server_send_flight(*ch, now, out);
}

// RFC 5077 §3.1 (a ticket first) and RFC 5246 §7.4.1.2 (the session ID): the
// session the client offers, if we still have it and may resume it.
Result<std::shared_ptr<const session::SessionState>> Handshake12::server_find_session(const ClientHello& ch) {
  const HelloExtensions& ext = ch.extensions;
  const int64_t now = unix_now();
  std::shared_ptr<const session::SessionState> st;
  bool by_ticket = false;
  bool renew = false;
  const bool offers_ticket = ext.session_ticket.has_value() && config_.session_tickets && config_.ticket_keys;
  if (offers_ticket && !ext.session_ticket->empty()) {
    if (auto opened = config_.ticket_keys->open(*ext.session_ticket, now)) {
      st = std::move(opened->state);
      by_ticket = true;
      renew = opened->renew;
    }
  }
  if (!st && !ch.session_id.empty() && config_.session_cache) {
    st = config_.session_cache->find(ch.session_id, now);
  }
  // RFC 5077 §3.2: a new ticket for every client that asks, except on a
  // ticket resumption whose ticket is still under the current key.
  w_->issue_ticket = offers_ticket;
  if (!st) return st;
  const bool suite_ok = contains(ch.cipher_suites, st->cipher_suite) &&
                        contains(config_.cipher_suites, st->cipher_suite) &&
                        find_cipher_suite(st->cipher_suite) != nullptr;
  const std::string sni = ext.server_name.value_or(std::string());
  // RFC 6066 §3: a session is resumed only under the name it was made for.
  if (st->version != 0xfefd || !suite_ok || st->expired(now) || st->server_name != sni ||
      st->master_secret.size() != session::kMasterSecretSize) {
    return std::shared_ptr<const session::SessionState>();
  }
  // A session made without client authentication does not satisfy a
  // server that now requires it (a shared cache or ticket keys may serve
  // several configurations).
  if (config_.require_client_certificate && !st->client_authenticated &&
      suite_needs_certificate(*find_cipher_suite(st->cipher_suite))) {
    return std::shared_ptr<const session::SessionState>();
  }
  // RFC 7627 §5.3: an EMS session offered without EMS is refused outright;
  // a session without EMS is not resumed (a full handshake follows).
  if (st->extended_master_secret && !ext.extended_master_secret) {
    return fail(AlertDescription::kHandshakeFailure, "resumption of an EMS session without EMS");
  }
  if (!st->extended_master_secret && (ext.extended_master_secret || config_.require_extended_master_secret)) {
    return std::shared_ptr<const session::SessionState>();
  }
  // Resumed by ticket: a new one only when its key is retiring.
  if (by_ticket && !renew) w_->issue_ticket = false;
  return st;
}

// RFC 8449 and RFC 9146: answered in every handshake, full or abbreviated.
Result<void> Handshake12::server_negotiate_record_extensions(const HelloExtensions& ext) {
  if (ext.connection_id && conn_.connection_id) CACHET_TRY(use_connection_ids(*ext.connection_id));
  // RFC 8449 §4: negotiated only when we answer with our own limit.
  if (ext.record_size_limit && config_.record_size_limit) CACHET_TRY(use_record_size_limit(*ext.record_size_limit));
  return ok();
}

// RFC 7250 §4.2: the first type in the client's order that we can present.
std::optional<CertificateType> Handshake12::server_certificate_type_for(const HelloExtensions& ext) const {
  const bool rpk = config_.present_raw_public_key && config_.signing_key && !config_.raw_public_key.empty();
  const bool x509 = !config_.certificate_chain.empty();
  if (!ext.server_certificate_types) {
    if (x509) return CertificateType::kX509;
    return std::nullopt;
  }
  for (uint8_t t : *ext.server_certificate_types) {
    if (t == static_cast<uint8_t>(CertificateType::kRawPublicKey) && rpk) return CertificateType::kRawPublicKey;
    if (t == static_cast<uint8_t>(CertificateType::kX509) && x509) return CertificateType::kX509;
  }
  return std::nullopt;
}

// RFC 7250 §4.2: the client's certificate type, when we ask for one.
Result<void> Handshake12::server_negotiate_client_certificate_type(const HelloExtensions& ext) {
  if (!ext.client_certificate_types) return ok();
  for (uint8_t t : *ext.client_certificate_types) {
    if (t == static_cast<uint8_t>(CertificateType::kRawPublicKey) && config_.verify_peer_raw_key) {
      params_.client_certificate_type = CertificateType::kRawPublicKey;
      return ok();
    }
    if (t == static_cast<uint8_t>(CertificateType::kX509) && config_.accept_x509) {
      params_.client_certificate_type = CertificateType::kX509;
      return ok();
    }
  }
  return fail(AlertDescription::kUnsupportedCertificate, "no client certificate type in common");
}

Result<void> Handshake12::server_negotiate(const ClientHello& ch, const session::SessionState* resumed) {
  const HelloExtensions& ext = ch.extensions;
  // RFC 7627 §5.3: a server that requires EMS refuses clients without it.
  params_.extended_master_secret = ext.extended_master_secret;
  if (!ext.extended_master_secret && config_.require_extended_master_secret) {
    return fail(AlertDescription::kHandshakeFailure, "client does not offer extended master secret");
  }
  if (ext.renegotiation_info && !ext.renegotiation_info->empty()) {
    return fail(AlertDescription::kHandshakeFailure, "non-empty renegotiation_info in an initial handshake");
  }
  CACHET_TRY(server_negotiate_record_extensions(ext));
  if (resumed != nullptr) {
    // RFC 5246 §7.4.1.3: the resumed session's suite (checked as offered).
    params_.suite = find_cipher_suite(resumed->cipher_suite);
  } else {
    CACHET_TRY(server_negotiate_suite(ch));
  }
  if (ext.use_srtp && !config_.srtp_profiles.empty()) {
    for (uint16_t p : config_.srtp_profiles) {
      if (contains(ext.use_srtp->profiles, p)) {
        params_.srtp_profile = p;
        params_.srtp_mki = ext.use_srtp->mki;
        break;
      }
    }
  }
  if (ext.alpn && config_.alpn_select) {
    // The application chooses (OpenSSL's ALPN select callback); nullopt
    // means no ALPN in the answer. RFC 7301 §3.2: only an offered protocol.
    auto chosen = config_.alpn_select(*ext.alpn);
    if (chosen) {
      if (std::find(ext.alpn->begin(), ext.alpn->end(), *chosen) == ext.alpn->end()) {
        return fail(AlertDescription::kNoApplicationProtocol, "ALPN choice not offered by the client");
      }
      params_.alpn = *chosen;
    }
  } else if (ext.alpn && !config_.alpn.empty()) {
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

// Server preference order among what the client offers and we can serve.
Result<void> Handshake12::server_negotiate_suite(const ClientHello& ch) {
  const HelloExtensions& ext = ch.extensions;
  // RFC 8422 §5.1.1: no supported_groups means any curve; we use our first.
  std::optional<crypto::NamedGroup> group;
  for (auto g : config_.groups) {
    if (!ext.supported_groups || contains(*ext.supported_groups, static_cast<uint16_t>(g))) {
      group = g;
      break;
    }
  }
  const auto server_type = server_certificate_type_for(ext);
  const std::vector<uint16_t>* peer_schemes = ext.signature_algorithms ? &*ext.signature_algorithms : nullptr;
  const auto scheme = pick_signature_scheme(peer_schemes);
  // Server preference order among what the client offers and we can serve.
  for (uint16_t code : config_.cipher_suites) {
    if (!contains(ch.cipher_suites, code)) continue;
    const CipherSuite* s = find_cipher_suite(code);
    if (s == nullptr) continue;
    if (s->key_exchange != KeyExchangeKind::kPsk && !group) continue;
    if (suite_needs_certificate(*s)) {
      if (!config_.signing_key || !server_type || !key_fits_suite(*config_.signing_key, *s)) continue;
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
  if (params_.suite == nullptr) {
    // RFC 7250 §4.2: no certificate type in common.
    if (ext.server_certificate_types && !server_type) {
      return fail(AlertDescription::kUnsupportedCertificate, "no server certificate type in common");
    }
    return fail(AlertDescription::kHandshakeFailure, "no cipher suite in common");
  }
  if (suite_needs_certificate(*params_.suite)) {
    params_.server_certificate_type = *server_type;
    if (config_.request_client_certificate) CACHET_TRY(server_negotiate_client_certificate_type(ext));
  }
  return ok();
}

void Handshake12::server_fill_hello_extensions(const ClientHello& ch, HelloExtensions& ext) {
  const CipherSuite& s = *params_.suite;
  const bool client_signals_ri = ch.extensions.renegotiation_info.has_value() ||
                                 contains(ch.cipher_suites, kEmptyRenegotiationInfoScsv);
  if (client_signals_ri) ext.renegotiation_info = Bytes{};  // RFC 5746 §3.6
  ext.extended_master_secret = params_.extended_master_secret;
  if (s.key_exchange != KeyExchangeKind::kPsk && ch.extensions.ec_point_formats && !params_.resumed) {
    ext.ec_point_formats = std::vector<uint8_t>{0};
  }
  if (params_.srtp_profile) ext.use_srtp = UseSrtp{{*params_.srtp_profile}, params_.srtp_mki};
  if (!params_.alpn.empty()) ext.alpn = std::vector<std::string>{params_.alpn};
  if (!params_.server_name.empty() && !params_.resumed) ext.server_name = std::string();  // RFC 6066 §3
  if (w_->issue_ticket) ext.session_ticket = Bytes{};  // RFC 5077 §3.2
  if (params_.receive_cid) ext.connection_id = *params_.receive_cid;  // RFC 9146 §3
  if (params_.own_record_size_limit) ext.record_size_limit = *params_.own_record_size_limit;
  if (!params_.resumed && suite_needs_certificate(s)) {
    // RFC 7250 §4.2: echo the types chosen from the client's lists.
    if (ch.extensions.server_certificate_types) {
      ext.server_certificate_types = std::vector<uint8_t>{static_cast<uint8_t>(params_.server_certificate_type)};
    }
    if (config_.request_client_certificate && ch.extensions.client_certificate_types) {
      ext.client_certificate_types = std::vector<uint8_t>{static_cast<uint8_t>(params_.client_certificate_type)};
    }
  }
}

// RFC 5246 §7.3 abbreviated handshake: ServerHello echoing the session ID,
// [NewSessionTicket], ChangeCipherSpec, Finished. The client's
// ChangeCipherSpec and Finished end the handshake.
Result<void> Handshake12::server_send_resumed_flight(const ClientHello& ch, Instant now, std::vector<Bytes>& out) {
  const session::SessionState& st = *w_->resumed_from;
  params_.resumed = true;
  params_.master_secret = st.master_secret.copy();
  params_.peer_certificates = st.peer_certificates;
  params_.client_certificate_type = static_cast<CertificateType>(st.peer_certificate_type);
  params_.psk_identity = st.psk_identity;
  params_.client_authenticated = st.client_authenticated;
  params_.session_id = ch.session_id;
  transport_.start_new_flight();
  ServerHello sh;
  if (!random_.fill(sh.random)) return fail(AlertDescription::kInternalError, "no randomness");
  params_.server_random = sh.random;
  sh.cipher_suite = params_.suite->code;
  sh.session_id = ch.session_id;
  server_fill_hello_extensions(ch, sh.extensions);
  CACHET_TRY(queue_message(epoch0(), HandshakeType::kServerHello, sh));
  CACHET_TRY(derive_key_block());
  if (w_->issue_ticket) CACHET_TRY(server_queue_ticket());
  CACHET_TRY(send_change_cipher_spec_and_finished(now, false, out));
  state_ = HandshakeState::kServerWaitChangeCipherSpec;
  return ok();
}

// RFC 5077 §3.3: the ticket, sealed under the current key. A renewed ticket
// keeps the session's birth time, so renewal never extends a session.
Result<void> Handshake12::server_queue_ticket() {
  session::SessionState st = make_session_state();
  st.session_id.clear();
  st.ticket.clear();
  if (w_->resumed_from) st.created_unix = w_->resumed_from->created_unix;
  st.lifetime_seconds = static_cast<uint32_t>(config_.ticket_keys->lifetime().count());
  auto sealed = config_.ticket_keys->seal(st, unix_now());
  NewSessionTicket nst;
  if (sealed) {
    nst.ticket_lifetime_hint = st.lifetime_seconds;
    nst.ticket = std::move(sealed).value();
  }
  // else RFC 5077 §3.3: the ServerHello promised a ticket, so an empty one
  // says "no ticket after all" (a session too large to seal, e.g. a long
  // client chain); the handshake goes on.
  return queue_message(epoch0(), HandshakeType::kNewSessionTicket, nst);
}

void Handshake12::server_store_session() {
  if (!config_.session_cache || params_.session_id.empty()) return;
  auto st = std::make_shared<session::SessionState>(make_session_state());
  st->lifetime_seconds = static_cast<uint32_t>(config_.session_cache->lifetime().count());
  st->ticket.clear();
  config_.session_cache->insert(params_.session_id, std::move(st), unix_now());
}

Result<void> Handshake12::server_send_flight(const ClientHello& ch, Instant now, std::vector<Bytes>& out) {
  const CipherSuite& s = *params_.suite;
  transport_.start_new_flight();
  ServerHello sh;
  if (!random_.fill(sh.random)) return fail(AlertDescription::kInternalError, "no randomness");
  params_.server_random = sh.random;
  sh.cipher_suite = s.code;
  if (config_.session_cache) {
    // RFC 5246 §7.4.1.3: a new session ID, to resume this session by.
    sh.session_id.resize(32);
    if (!random_.fill(sh.session_id)) return fail(AlertDescription::kInternalError, "no randomness");
    params_.session_id = sh.session_id;
  }
  server_fill_hello_extensions(ch, sh.extensions);
  CACHET_TRY(queue_message(epoch0(), HandshakeType::kServerHello, sh));

  if (suite_needs_certificate(s)) {
    CertificateMsg cert;
    cert.type = params_.server_certificate_type;
    if (cert.type == CertificateType::kRawPublicKey) {
      cert.subject_public_key_info = config_.raw_public_key;  // RFC 7250 §3
    } else {
      cert.certificate_list = config_.certificate_chain;
    }
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
      w_->key_share.emplace(std::move(share).value());
    }
    if (s.key_exchange == KeyExchangeKind::kEcdhe) {
      CACHET_ASSIGN_OR_RETURN(Bytes signed_data, server_params_to_sign(params_.client_random, params_.server_random, ske));
      auto sig = config_.signing_key->sign(*params_.signature_scheme, signed_data, random_);
      if (!sig) return fail(AlertDescription::kInternalError, "signing ServerKeyExchange failed");
      ske.signature_scheme = static_cast<uint16_t>(*params_.signature_scheme);
      ske.signature = std::move(sig).value();
    }
    w_->server_key_exchange = ske;
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
  session::PeerCertificates credential;
  bool empty = false;
  auto key = verify_peer_credential(m, params_.client_certificate_type, credential, empty);
  if (empty) {
    // RFC 5246 §7.4.6: an empty list means "no certificate".
    if (config_.require_client_certificate) {
      return fail(AlertDescription::kHandshakeFailure, "client certificate required");
    }
  } else {
    if (!key) return key.error();
    peer_key_ = std::move(key).value();
    params_.peer_certificates = std::move(credential);
    w_->client_sent_certificate = true;
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
    w_->psk = std::move(*key);
    params_.psk_identity = cke->psk_identity;
  }
  if (s.key_exchange != KeyExchangeKind::kPsk) {
    auto z = w_->key_share->derive(cke->public_key);
    if (!z) return fail(AlertDescription::kIllegalParameter, "client's key share is invalid");
    premaster = s.key_exchange == KeyExchangeKind::kEcdhe ? std::move(z).value() : ecdhe_psk_premaster_secret(*z, w_->psk);
  } else {
    premaster = psk_premaster_secret(w_->psk);
  }
  add_to_transcript(m);
  CACHET_TRY(derive_keys(premaster));
  w_->key_share.reset();
  state_ = w_->client_sent_certificate ? HandshakeState::kServerWaitCertificateVerify
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
#if !defined(CACHET_UNSAFE_FUZZER_MODE)  // fuzzer mode: any signature passes (fuzz/README.md)
  if (!peer_key_->verify(scheme, w_->transcript.messages(), cv->signature)) {
    return fail(AlertDescription::kDecryptError, "CertificateVerify does not verify");
  }
#endif
  add_to_transcript(m);
  params_.client_authenticated = true;
  state_ = HandshakeState::kServerWaitChangeCipherSpec;
  return ok();
}

}  // namespace cachet::handshake
