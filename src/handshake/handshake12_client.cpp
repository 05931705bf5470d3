// The client side of the DTLS 1.2 handshake (see handshake12.hpp).
#include "handshake/handshake12_internal.hpp"

namespace cachet::handshake {

using namespace h12;

// --------------------------------------------------------------------------
// Client

Result<void> Handshake12::start(Instant now, std::vector<Bytes>& out) {
  if (config_.is_server || state_ != HandshakeState::kClientStart) {
    return Error(ErrorCode::kWrongState, "start() is for a new client");
  }
  ClientHello& ch = w_->client_hello;
  if (!random_.fill(ch.random)) return fail(AlertDescription::kInternalError, "no randomness");
  params_.client_random = ch.random;
  ch.cipher_suites.reserve(config_.cipher_suites.size() + 1);
  ch.cipher_suites.assign(config_.cipher_suites.begin(), config_.cipher_suites.end());
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
    groups.reserve(config_.groups.size());
    for (auto g : config_.groups) groups.push_back(static_cast<uint16_t>(g));
    ext.supported_groups = std::move(groups);
    ext.ec_point_formats = std::vector<uint8_t>{0};  // uncompressed (RFC 8422 §5.1.2)
  }
  std::vector<uint16_t> schemes;
  schemes.reserve(config_.signature_schemes.size());
  for (auto s : config_.signature_schemes) schemes.push_back(static_cast<uint16_t>(s));
  if (!schemes.empty()) ext.signature_algorithms = std::move(schemes);
  ext.extended_master_secret = true;
  if (!conn_.server_name.empty()) ext.server_name = conn_.server_name;
  if (!config_.srtp_profiles.empty()) ext.use_srtp = UseSrtp{config_.srtp_profiles, {}};
  if (!config_.alpn.empty()) ext.alpn = config_.alpn;
  params_.server_name = conn_.server_name;
  // RFC 9146 §3: the CID we want on the records the server sends us.
  if (conn_.connection_id) ext.connection_id = *conn_.connection_id;
  // RFC 8449 §4.
  if (config_.record_size_limit) ext.record_size_limit = *config_.record_size_limit;
  // RFC 7250 §4.1: the types we can send (only asked for with a key to
  // present) and the types we can process from the server.
  if (config_.present_raw_public_key && config_.signing_key) {
    ext.client_certificate_types = std::vector<uint8_t>{static_cast<uint8_t>(CertificateType::kRawPublicKey)};
  }
  if (config_.verify_peer_raw_key) {
    std::vector<uint8_t> types{static_cast<uint8_t>(CertificateType::kRawPublicKey)};
    if (config_.accept_x509) types.push_back(static_cast<uint8_t>(CertificateType::kX509));
    ext.server_certificate_types = types;
  }
  CACHET_TRY(client_offer_session(ch));
  return client_send_hello(now, out);
}

// RFC 5246 §7.4.1.2 / RFC 5077 §3.1: offer the session to resume, by its
// ticket (with a fresh session ID, RFC 5077 §3.4, so the echo tells us the
// ticket was accepted) or by its ID; otherwise ask for a ticket.
Result<void> Handshake12::client_offer_session(ClientHello& ch) {
  const session::SessionState* s = conn_.resume_session.get();
  const bool usable = s != nullptr && !s->expired(unix_now()) && s->version == 0xfefd &&
                      contains(config_.cipher_suites, s->cipher_suite) &&
                      (s->extended_master_secret || !config_.require_extended_master_secret) &&
                      s->server_name == conn_.server_name && s->master_secret.size() == session::kMasterSecretSize;
  if (usable && !s->ticket.empty() && config_.session_tickets) {
    ch.extensions.session_ticket = s->ticket;
    ch.session_id.resize(32);
    if (!random_.fill(ch.session_id)) return fail(AlertDescription::kInternalError, "no randomness");
    return ok();
  }
  if (usable && !s->session_id.empty()) ch.session_id = s->session_id;
  if (config_.session_tickets) ch.extensions.session_ticket = Bytes{};
  return ok();
}

Result<void> Handshake12::client_send_hello(Instant now, std::vector<Bytes>& out) {
  transport_.start_new_flight();
  CACHET_TRY(queue_message(epoch0(), HandshakeType::kClientHello, w_->client_hello));
  auto sent = transport_.send_flight(now, false, records_, out);
  if (!sent) return fail(AlertDescription::kInternalError, "cannot send ClientHello");
  state_ = HandshakeState::kClientWaitServerHello;
  return ok();
}

Result<void> Handshake12::client_on_hello_verify_request(const HandshakeMessage& m, Instant now,
                                                         std::vector<Bytes>& out) {
  auto hvr = HelloVerifyRequest::parse(m.body);
  if (!hvr) return fail(alert_for(hvr.error()), "malformed HelloVerifyRequest");
  if (++w_->hello_verify_requests > kMaxHelloVerifyRequests) {
    return fail(AlertDescription::kUnexpectedMessage, "too many HelloVerifyRequests");
  }
  // RFC 6347 §4.2.6: the first ClientHello and the HelloVerifyRequest are not
  // part of the transcript.
  w_->transcript.reset();
  w_->client_hello.cookie = hvr->cookie;
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
        (type == ExtensionType::kEcPointFormats && w_->client_hello.extensions.ec_point_formats) ||
        (type == ExtensionType::kServerName && w_->client_hello.extensions.server_name) ||
        (type == ExtensionType::kUseSrtp && w_->client_hello.extensions.use_srtp) ||
        (type == ExtensionType::kAlpn && w_->client_hello.extensions.alpn) ||
        (type == ExtensionType::kSessionTicket && w_->client_hello.extensions.session_ticket) ||
        (type == ExtensionType::kConnectionId && w_->client_hello.extensions.connection_id) ||
        (type == ExtensionType::kRecordSizeLimit && w_->client_hello.extensions.record_size_limit) ||
        (type == ExtensionType::kClientCertificateType && w_->client_hello.extensions.client_certificate_types) ||
        (type == ExtensionType::kServerCertificateType && w_->client_hello.extensions.server_certificate_types);
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
  CACHET_TRY(negotiate_extensions_client(ext));
  params_.suite = suite;
  params_.server_random = sh->random;
  params_.session_id = sh->session_id;
  // RFC 5077 §3.2: an empty SessionTicket extension promises a NewSessionTicket.
  w_->expect_ticket = ext.session_ticket.has_value();
  w_->transcript.set_hash(suite->prf_hash);
  add_to_transcript(m);
  // RFC 5246 §7.3: the server resumes by echoing the session ID we offered.
  if (!w_->client_hello.session_id.empty() && sh->session_id == w_->client_hello.session_id &&
      conn_.resume_session != nullptr) {
    return client_resume(*sh);
  }
  state_ = suite_needs_certificate(*suite) ? HandshakeState::kClientWaitCertificate
                                           : HandshakeState::kClientWaitServerKeyExchange;
  return ok();
}

// The ServerHello's answers to our CID, record size limit and certificate
// type offers.
Result<void> Handshake12::negotiate_extensions_client(const HelloExtensions& ext) {
  if (ext.connection_id) CACHET_TRY(use_connection_ids(*ext.connection_id));
  if (ext.record_size_limit) CACHET_TRY(use_record_size_limit(*ext.record_size_limit));
  // RFC 7250 §4.2: exactly one type, one we offered.
  if (ext.server_certificate_types) {
    const auto& t = *ext.server_certificate_types;
    const auto& offered = *w_->client_hello.extensions.server_certificate_types;
    if (t.size() != 1 || std::find(offered.begin(), offered.end(), t[0]) == offered.end()) {
      return fail(AlertDescription::kIllegalParameter, "server chose a certificate type we did not offer");
    }
    params_.server_certificate_type = static_cast<CertificateType>(t[0]);
  } else if (!config_.accept_x509) {
    return fail(AlertDescription::kUnsupportedCertificate, "server does not support raw public keys");
  }
  if (ext.client_certificate_types) {
    const auto& t = *ext.client_certificate_types;
    const auto& offered = *w_->client_hello.extensions.client_certificate_types;
    if (t.size() != 1 || std::find(offered.begin(), offered.end(), t[0]) == offered.end()) {
      return fail(AlertDescription::kIllegalParameter, "server chose a client certificate type we did not offer");
    }
    params_.client_certificate_type = static_cast<CertificateType>(t[0]);
  }
  return ok();
}

// RFC 5246 §7.3 abbreviated handshake: the server resumed our session. Same
// suite (RFC 5246 §7.4.1.3), the RFC 7627 §5.3 EMS rules, keys from the old
// master secret and the new randoms; no certificate, no key exchange.
Result<void> Handshake12::client_resume(const ServerHello& sh) {
  const session::SessionState& s = *conn_.resume_session;
  if (sh.cipher_suite != s.cipher_suite) {
    return fail(AlertDescription::kIllegalParameter, "resumed session with another cipher suite");
  }
  if (s.extended_master_secret != params_.extended_master_secret) {
    // RFC 7627 §5.3: either way round, the client aborts.
    return fail(AlertDescription::kHandshakeFailure, "extended master secret differs from the resumed session");
  }
  params_.resumed = true;
  params_.master_secret = s.master_secret.copy();
  params_.peer_certificates = s.peer_certificates;
  params_.server_certificate_type = static_cast<CertificateType>(s.peer_certificate_type);
  params_.psk_identity = s.psk_identity;
  params_.client_authenticated = s.client_authenticated;
  CACHET_TRY(derive_key_block());
  // The server's flight acknowledged our ClientHello.
  transport_.start_new_flight();
  state_ = w_->expect_ticket ? HandshakeState::kClientWaitNewSessionTicket : HandshakeState::kClientWaitChangeCipherSpec;
  return ok();
}

// RFC 5077 §3.3: the ticket comes before the server's ChangeCipherSpec.
Result<void> Handshake12::client_on_new_session_ticket(const HandshakeMessage& m) {
  auto nst = NewSessionTicket::parse(m.body);
  if (!nst) return fail(alert_for(nst.error()), "malformed NewSessionTicket");
  // RFC 5077 §3.3: an empty ticket means none was issued after all.
  if (!nst->ticket.empty()) {
    params_.ticket = std::move(nst->ticket);
    params_.ticket_lifetime_hint = nst->ticket_lifetime_hint;
  }
  add_to_transcript(m);
  state_ = HandshakeState::kClientWaitChangeCipherSpec;
  return ok();
}

Result<void> Handshake12::client_on_certificate(const HandshakeMessage& m) {
  session::PeerCertificates credential;
  bool empty = false;
  auto key = verify_peer_credential(m, params_.server_certificate_type, credential, empty);
  if (empty) return fail(AlertDescription::kDecodeError, "server sent no certificate");
  if (!key) return key.error();
  if (!verifying_key_fits_suite(**key, *params_.suite)) {
    return fail(AlertDescription::kUnsupportedCertificate, "certificate key does not fit the suite");
  }
  peer_key_ = std::move(key).value();
  params_.peer_certificates = std::move(credential);
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
#if !defined(CACHET_UNSAFE_FUZZER_MODE)  // fuzzer mode: any signature passes (fuzz/README.md)
    if (!peer_key_->verify(scheme, signed_data, ske->signature)) {
      return fail(AlertDescription::kDecryptError, "ServerKeyExchange signature does not verify");
    }
#endif
    params_.signature_scheme = scheme;
  }
  w_->server_key_exchange = std::move(ske).value();
  add_to_transcript(m);
  state_ = suite_needs_certificate(s) ? HandshakeState::kClientWaitCertificateRequestOrDone
                                      : HandshakeState::kClientWaitServerHelloDone;
  return ok();
}

Result<void> Handshake12::client_on_certificate_request(const HandshakeMessage& m) {
  auto cr = CertificateRequest::parse(m.body);
  if (!cr) return fail(alert_for(cr.error()), "malformed CertificateRequest");
  w_->certificate_request = std::move(cr).value();
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
  if (w_->certificate_request) {
    CertificateMsg cert;
    cert.type = params_.client_certificate_type;
    const auto picked = pick_signature_scheme(&w_->certificate_request->signature_algorithms);
    if (cert.type == CertificateType::kRawPublicKey) {
      // RFC 7250 §4.2: we offered a raw key and the server chose it.
      if (!picked) return fail(AlertDescription::kHandshakeFailure, "no signature scheme for our raw public key");
      cert.subject_public_key_info = config_.raw_public_key;
      cv_scheme = *picked;
      send_certificate_verify = true;
    } else if (picked && !config_.certificate_chain.empty()) {
      cert.certificate_list = config_.certificate_chain;
      cv_scheme = *picked;
      send_certificate_verify = true;
    }
    CACHET_TRY(queue_message(epoch0(), HandshakeType::kCertificate, cert));
  }

  // Key exchange. RFC 4279 §2: the PSK and its identity, chosen now that
  // the server's hint (if any) is known.
  Bytes psk_identity = config_.psk_identity;
  if (s.key_exchange != KeyExchangeKind::kEcdhe) {
    if (config_.psk_client) {
      auto chosen = config_.psk_client(w_->server_key_exchange.psk_identity_hint);
      if (!chosen || chosen->second.empty()) return fail(AlertDescription::kHandshakeFailure, "no PSK for this server");
      psk_identity = std::move(chosen->first);
      w_->psk = std::move(chosen->second);
    } else if (config_.psk) {
      w_->psk = config_.psk->copy();
    } else {
      return fail(AlertDescription::kInternalError, "no PSK configured");
    }
  }
  ClientKeyExchange cke;
  cke.kind = s.key_exchange;
  SecretBytes premaster;
  if (s.key_exchange != KeyExchangeKind::kPsk) {
    auto share = crypto::KeyShare::generate(*params_.group, random_);
    if (!share) return fail(AlertDescription::kInternalError, "key generation failed");
    auto z = share->derive(w_->server_key_exchange.public_key);
    if (!z) return fail(AlertDescription::kIllegalParameter, "server's key share is invalid");
    cke.public_key.assign(share->public_key().begin(), share->public_key().end());
    premaster = s.key_exchange == KeyExchangeKind::kEcdhe ? std::move(z).value() : ecdhe_psk_premaster_secret(*z, w_->psk);
  }
  if (s.key_exchange != KeyExchangeKind::kEcdhe) {
    cke.psk_identity = psk_identity;
    params_.psk_identity = psk_identity;
    if (s.key_exchange == KeyExchangeKind::kPsk) premaster = psk_premaster_secret(w_->psk);
  }
  w_->psk.wipe();
  CACHET_TRY(queue_message(epoch0(), HandshakeType::kClientKeyExchange, cke));
  CACHET_TRY(derive_keys(premaster));

  // RFC 5246 §7.4.8: CertificateVerify over all messages so far.
  if (send_certificate_verify) {
    auto sig = config_.signing_key->sign(cv_scheme, w_->transcript.messages(), random_);
    if (!sig) return fail(AlertDescription::kInternalError, "signing CertificateVerify failed");
    CertificateVerify cv{static_cast<uint16_t>(cv_scheme), std::move(sig).value()};
    CACHET_TRY(queue_message(epoch0(), HandshakeType::kCertificateVerify, cv));
    params_.client_authenticated = true;
  }

  CACHET_TRY(send_change_cipher_spec_and_finished(now, false, out));
  state_ = w_->expect_ticket ? HandshakeState::kClientWaitNewSessionTicket : HandshakeState::kClientWaitChangeCipherSpec;
  return ok();
}

}  // namespace cachet::handshake
