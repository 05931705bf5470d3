#include <cachet/connection.hpp>

#include <algorithm>
#include <deque>
#include <utility>

#include "base/random.hpp"
#include "base/clock.hpp"
#include "crypto/hash.hpp"
#include "connection/limits.hpp"
#include "connection/buffer_ring.hpp"
#include "connection/context_impl.hpp"
#include "handshake/handshake12.hpp"
#include "handshake/key_schedule12.hpp"
#include "pki/certificate.hpp"
#include "pki/raw_public_key.hpp"
#include "pki/verify.hpp"
#include "session/session_state.hpp"
#include "record/record_layer.hpp"

namespace cachet {

using handshake::AlertDescription;
using record::ContentType;

using limits::kMaxQueuedDatagrams;
using limits::kMaxQueuedRecords;

struct Connection::Impl : record::RecordSink {
  std::shared_ptr<const Context> context;
  const Context::Impl& cfg;
  record::RecordLayer records;
  handshake::HandshakeTransport transport;
  std::unique_ptr<handshake::CookieGenerator> cookies;
  std::unique_ptr<handshake::Handshake12> hs;
  Random& random = SystemRandom::instance();

  ConnectionState state = ConnectionState::kHandshaking;
  Error error{ErrorCode::kOk};
  std::optional<uint8_t> alert_sent;
  std::optional<uint8_t> alert_received;
  BufferRing outgoing{kMaxQueuedDatagrams};
  BufferRing incoming{kMaxQueuedRecords};
  std::vector<Bytes> scratch;  // datagrams produced while handling input
  bool recycle_buffers = false;  // set by the first write/read of application data
  Instant now{};
  std::optional<Instant> started;
  ConnectionStats stats;
  // RFC 9146 §6 address tracking.
  Bytes peer_address;
  ByteSpan datagram_from;  // source of the datagram being processed
  std::optional<std::pair<uint16_t, uint64_t>> newest_record;  // (epoch, seq) of the newest authenticated record
  bool address_changed = false;
  size_t max_plaintext = record::kMaxPlaintextSize;  // RFC 8449 peer limit applied

  Impl(std::shared_ptr<const Context> ctx)
      : context(std::move(ctx)),
        cfg(context->impl()),
        transport(retransmit_policy(cfg), cfg.mtu) {
    transport.set_mtu_backoff(cfg.mtu_backoff);
  }

  // RFC 9147 §5.8.2: 1 s initial timer, or 400 ms for DTLS-SRTP, unless the
  // application chose one.
  static handshake::RetransmitPolicy retransmit_policy(const Context::Impl& cfg) {
    handshake::RetransmitPolicy p = cfg.retransmit;
    if (!cfg.retransmit_configured && !cfg.srtp_profiles.empty()) p.initial_timeout = std::chrono::milliseconds(400);
    return p;
  }

  // The peer's key in the context's RttCache; empty: not remembered.
  std::string rtt_key() const {
    if (!peer_address.empty()) return "a:" + std::string(peer_address.begin(), peer_address.end());
    if (cfg.role == Role::kClient && !peer_host.empty()) return "n:" + peer_host;
    return {};
  }
  // A previous connection's RTT for this peer starts the timer at 1.5 × it.
  void recall_rtt() {
    if (!cfg.rtt_cache) return;
    const std::string key = rtt_key();
    if (key.empty()) return;
    if (auto rtt = cfg.rtt_cache->get(key)) {
      transport.timer().on_rtt_sample(*rtt);
      transport.timer().reset();
      remembered_rtt = rtt;
    }
  }
  // A new measurement is remembered for the next connection.
  void remember_rtt() {
    auto rtt = transport.timer().rtt();
    if (!rtt || rtt == remembered_rtt || !cfg.rtt_cache) return;
    const std::string key = rtt_key();
    if (key.empty()) return;
    cfg.rtt_cache->put(key, *rtt);
    remembered_rtt = rtt;
  }
  std::optional<Duration> remembered_rtt;

  handshake::HandshakeConfig handshake_config(bool is_server, std::string_view server_name, ByteSpan address);
  Result<std::shared_ptr<const crypto::VerifyingKey>> verify_peer_chain(const std::vector<Bytes>& chain, AlertDescription& alert,
                                                                       std::shared_ptr<const std::vector<Bytes>>& shared);
  std::string peer_host;   // the name the server's certificate must carry
  Connection::MessageObserver observer;  // set_message_observer
  long verify_result = 0;  // X509_V_OK or the X509_V_ERR_* code the chain got

  void flush_scratch() {
    for (Bytes& d : scratch) {
      ++stats.datagrams_sent;
      std::swap(outgoing.push(), d);
    }
    scratch.clear();
  }

  void observe(bool sent, ContentType type, ByteSpan message) const {
    if (observer) observer(sent, static_cast<uint8_t>(type), message);
  }

  void send_alert(handshake::AlertLevel level, AlertDescription desc) {
    const uint8_t payload[2] = {static_cast<uint8_t>(level), static_cast<uint8_t>(desc)};
    observe(true, ContentType::kAlert, payload);
    Bytes out(64 + records.overhead(records.write_epoch()));
    auto n = records.seal(records.write_epoch(), ContentType::kAlert, payload, out);
    if (!n) return;
    out.resize(*n);
    scratch.push_back(std::move(out));
    if (level == handshake::AlertLevel::kFatal || desc == AlertDescription::kCloseNotify) {
      alert_sent = static_cast<uint8_t>(desc);
    }
  }

  void fail(Error e, std::optional<AlertDescription> alert) {
    if (state == ConnectionState::kFailed || state == ConnectionState::kClosed) return;
    error = e;
    if (alert) send_alert(handshake::AlertLevel::kFatal, *alert);
    state = ConnectionState::kFailed;
    forget_session();
    release_handshake();
  }

  // RFC 5246 §7.2: a connection ended by a fatal alert (sent or received)
  // leaves no resumable session; the server's cache entry goes. (A ticket
  // cannot be recalled; the ID can.)
  void forget_session() {
    if (cfg.role != Role::kServer || !cfg.session_cache || !hs) return;
    const Bytes& id = hs->negotiated().session_id;
    if (!id.empty()) cfg.session_cache->remove(id);
  }

  void release_handshake() {
    transport.release(false);
    if (hs) hs->release();
  }

  void check_handshake(Result<void> r) {
    if (r.ok()) {
      if (hs->complete() && state == ConnectionState::kHandshaking) {
        state = ConnectionState::kEstablished;
        if (started) stats.handshake_time = now - *started;
        on_established();
      }
      if (hs->take_renegotiation_refused()) {
        send_alert(handshake::AlertLevel::kWarning, AlertDescription::kNoRenegotiation);
      }
      return;
    }
    if (hs->failed()) {
      fail(r.error(), hs->failure_alert());
    } else {
      fail(r.error(), AlertDescription::kInternalError);
    }
  }

  void on_established() {
    const auto& p = hs->negotiated();
    // RFC 8449 §4: no protected record to the peer over its limit, none
    // accepted over ours.
    if (p.peer_record_size_limit) {
      const size_t inner = records.send_cid().empty() ? 0 : 1;
      max_plaintext = std::min<size_t>(record::kMaxPlaintextSize, *p.peer_record_size_limit - inner);
    }
    if (p.peer_record_size_limit && p.own_record_size_limit) {
      records.set_receive_plaintext_limit(*p.own_record_size_limit);
    }
    const bool keep_final_flight = hs->sent_final_flight();
    hs->release();
    // Whoever sent the handshake's last flight keeps it to answer a
    // retransmission of the peer's (RFC 6347 §4.2.4); the other side needs
    // nothing any more.
    transport.release(keep_final_flight);
    // That flight spans epochs 0 and 1: its sender keeps epoch 0's writer.
    if (!keep_final_flight) records.release_previous_write_epoch();
    // The flight is sealed already: an established, idle connection holds
    // raw keys only until application data (or a retransmission) needs them.
    records.release_expanded_keys();
  }

  // RFC 9146 §6: move to a new peer address only for an authenticated
  // record newer than every one before it.
  void track_address(const record::Record& r) {
    if (r.epoch.value == 0) return;  // epoch 0 is not authenticated
    const std::pair<uint16_t, uint64_t> key{r.epoch.value, r.sequence.value()};
    if (newest_record && key <= *newest_record) return;
    newest_record = key;
    if (!r.had_cid || datagram_from.empty() || peer_address.empty()) return;
    if (ByteSpan(peer_address).size() == datagram_from.size() &&
        std::equal(datagram_from.begin(), datagram_from.end(), peer_address.begin())) {
      return;
    }
    peer_address.assign(datagram_from.begin(), datagram_from.end());
    address_changed = true;
    ++stats.peer_address_changes;
  }

  void on_alert(const record::Record& r) {
    if (r.payload.size() != 2) return fail(Error(ErrorCode::kDecodeError, "malformed alert"), AlertDescription::kDecodeError);
    observe(false, ContentType::kAlert, r.payload);
    const auto level = static_cast<handshake::AlertLevel>(r.payload[0]);
    const auto desc = static_cast<AlertDescription>(r.payload[1]);
    if (desc == AlertDescription::kCloseNotify) {
      alert_received = r.payload[1];
      if (state == ConnectionState::kEstablished || state == ConnectionState::kHandshaking) {
        state = ConnectionState::kClosed;
        error = Error(ErrorCode::kOk);
      }
      return;
    }
    if (level == handshake::AlertLevel::kFatal) {
      alert_received = r.payload[1];
      error = Error(ErrorCode::kWrongState, "peer sent a fatal alert");
      state = ConnectionState::kFailed;
      forget_session();
      release_handshake();
    }
    // Warnings (e.g. no_renegotiation) are noted and ignored.
  }

  // Application data is decrypted into the receive queue's spare slot, when
  // it has one, instead of in the datagram and then copied: the plaintext is
  // written once. The slot joins the queue only once the record has
  // authenticated and been accepted (on_record).
  MutableByteSpan plaintext_buffer(ContentType type, size_t size) override {
    if (type != ContentType::kApplicationData || state != ConnectionState::kEstablished) return {};
    Bytes* slot = incoming.spare(size);
    if (slot == nullptr) return {};
    return MutableByteSpan(*slot);
  }

  void on_record(const record::Record& r) override {
    if (state == ConnectionState::kFailed) return;
    if (state == ConnectionState::kClosed && r.type != ContentType::kAlert) return;
    track_address(r);
    switch (r.type) {
      case ContentType::kAlert:
        return on_alert(r);
      case ContentType::kHandshake:
      case ContentType::kChangeCipherSpec:
        if (!hs) return;
        if (state == ConnectionState::kEstablished && r.type == ContentType::kChangeCipherSpec) return;
        if (r.type == ContentType::kChangeCipherSpec) observe(false, r.type, r.payload);
        return check_handshake(hs->on_record(r, now, scratch));
      case ContentType::kApplicationData:
        // RFC 6347 §4.1: data before the handshake completes (or before
        // Finished) is dropped, never delivered.
        if (state != ConnectionState::kEstablished) {
          ++stats.records_dropped;
          return;
        }
        if (r.in_sink_buffer) {
          // Decrypted straight into the queue's spare slot (plaintext_buffer).
          incoming.commit_spare(r.payload.size());
        } else {
          bool dropped = false;
          incoming.push(&dropped).assign(r.payload.begin(), r.payload.end());
          if (dropped) ++stats.records_dropped;
        }
        return;
      default:
        ++stats.records_dropped;  // heartbeat, ACK, ...: not for DTLS 1.2
        return;
    }
  }
};

namespace {

// The PeerChainCache key: SHA-256 over the purpose, the host name and the
// chain, each length-prefixed so no two inputs share an encoding.
PeerChainCache::Key chain_cache_key(const std::vector<Bytes>& chain, bool is_server, std::string_view host) {
  crypto::Hash h(crypto::HashAlgorithm::kSha256);
  auto put_length = [&h](size_t n) {
    const uint8_t b[4] = {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8),
                          static_cast<uint8_t>(n)};
    h.update(b);
  };
  const uint8_t purpose = is_server ? 1 : 0;
  h.update(ByteSpan(&purpose, 1));
  put_length(host.size());
  h.update(as_bytes(host));
  put_length(chain.size());
  for (const Bytes& der : chain) {
    put_length(der.size());
    h.update(der);
  }
  PeerChainCache::Key key{};
  h.finish(key);
  return key;
}

}  // namespace

// The peer's chain: pins (RFC 7250 keys also accepted in certificates), the
// built-in path validation (or its remembered outcome), then the
// application's verifier, which has the last word (OpenSSL's verify callback
// semantics).
Result<std::shared_ptr<const crypto::VerifyingKey>> Connection::Impl::verify_peer_chain(
    const std::vector<Bytes>& chain, AlertDescription& alert, std::shared_ptr<const std::vector<Bytes>>& shared) {
  const bool is_server = cfg.role == Role::kServer;
  const auto& pins = cfg.raw_key_policy;
  const bool verify = is_server ? cfg.client_auth != ClientAuth::kNone : cfg.verify_peer;
  const bool validate = cfg.certificate_verifier ? true : verify && (cfg.trust || !pins);
  struct WallClock final : Clock {
    const std::function<int64_t()>* unix_time;
    Instant now() const override { return Instant::now(); }
    int64_t unix_seconds() const override { return *unix_time ? (*unix_time)() : SystemClock().unix_seconds(); }
  } clock;
  clock.unix_time = &cfg.unix_time;

  // A chain validated before needs neither parsing nor validating again.
  PeerChainCache* cache = validate && cfg.trust && !pins ? cfg.peer_chains.cache.get() : nullptr;
  PeerChainCache::Key cache_key{};
  int64_t unix_now = 0;
  if (cache != nullptr && cache->capacity() > 0) {
    cache_key = chain_cache_key(chain, is_server, is_server ? std::string_view() : std::string_view(peer_host));
    unix_now = clock.unix_seconds();
    if (auto hit = cache->find(cache_key, unix_now)) {
      verify_result = 0;
      if (cfg.certificate_verifier) {
        ContextBuilder::PeerChain peer{chain, verify_result, hit->depth};
        const bool accept = cfg.certificate_verifier(peer);
        verify_result = peer.x509_error;
        if (!accept) {
          alert = AlertDescription::kBadCertificate;
          return Error(ErrorCode::kInvalidSignature, "peer certificate chain does not verify");
        }
      }
      // The remembered copy of the chain is kept instead of this one (the
      // key is a hash of it; the bytes are compared all the same).
      if (hit->chain && *hit->chain == chain) shared = hit->chain;
      return hit->leaf_key;
    }
  } else {
    cache = nullptr;
  }

  std::vector<ByteSpan> ders(chain.begin(), chain.end());
  auto parsed = pki::CertificateChain::from_der_list(ders);
  if (!parsed) {
    alert = AlertDescription::kBadCertificate;
    verify_result = 7;  // X509_V_ERR_CERT_SIGNATURE_FAILURE: unparseable
    return parsed.error();
  }
  if (pins && !pins->accepts(pki::RawPublicKey::from_certificate(parsed->leaf()))) {
    alert = AlertDescription::kBadCertificate;
    return Error(ErrorCode::kInvalidSignature, "peer certificate key is not pinned");
  }
  pki::VerifyResult result;
  result.status = pki::VerifyStatus::kOk;
  if (validate) {
    pki::VerifyOptions options;
    options.purpose = is_server ? pki::Purpose::kClientAuth : pki::Purpose::kServerAuth;
    if (!is_server) options.host_name = peer_host;
    static const std::shared_ptr<const pki::TrustStore> kNoAnchors = [] {
      auto t = pki::TrustStore::create();
      return t ? std::make_shared<const pki::TrustStore>(std::move(t).value()) : nullptr;
    }();
    const pki::TrustStore* anchors = cfg.trust ? cfg.trust.get() : kNoAnchors.get();
    if (anchors != nullptr) result = pki::verify_chain(*parsed, *anchors, options, clock);
  }
  verify_result = result.ok() ? 0 : pki::x509_verify_error(result.status);
  const int depth = result.depth < 0 ? 0 : result.depth;
  bool accept = result.ok();
  if (cfg.certificate_verifier) {
    ContextBuilder::PeerChain peer{chain, verify_result, depth};
    accept = cfg.certificate_verifier(peer);
    verify_result = peer.x509_error;
  } else if (!verify || (pins && !cfg.trust)) {
    accept = true;  // not verifying, or pinned without anchors
  }
  if (!accept) {
    alert = result.ok() ? AlertDescription::kBadCertificate : static_cast<AlertDescription>(pki::alert_for(result.status));
    return Error(ErrorCode::kInvalidSignature, "peer certificate chain does not verify");
  }
  CACHET_ASSIGN_OR_RETURN(auto key, parsed->leaf().verifying_key());
  auto shared_key = std::make_shared<const crypto::VerifyingKey>(std::move(key));
  if (cache != nullptr && result.ok() && !result.path.empty()) {
    PeerChainCache::Entry e;
    e.leaf_key = shared_key;
    e.chain = std::make_shared<const std::vector<Bytes>>(chain);
    shared = e.chain;
    e.depth = depth;
    e.valid_from = INT64_MIN;
    e.valid_until = INT64_MAX;
    for (const auto& c : result.path) {
      e.valid_from = std::max(e.valid_from, c.not_before());
      e.valid_until = std::min(e.valid_until, c.not_after());
    }
    if (e.valid_from <= unix_now && unix_now < e.valid_until) cache->put(cache_key, std::move(e));
  }
  return shared_key;
}

namespace {

// The Context's handshake policy, built once (thread-safe: Contexts are
// shared across threads).
std::shared_ptr<const handshake::HandshakePolicy> handshake_policy(const Context::Impl& cfg) {
  std::call_once(cfg.handshake_policy.once, [&cfg] {
    auto p = std::make_shared<handshake::HandshakePolicy>();
    const bool is_server = cfg.role == Role::kServer;
    p->is_server = is_server;
    p->cipher_suites = cfg.cipher_suites;
    p->groups = cfg.groups;
    p->signature_schemes = cfg.signature_schemes;
    p->certificate_chain = cfg.certificate_chain;
    if (cfg.private_key) {
      p->signing_key = std::shared_ptr<const crypto::SigningKey>(cfg.private_key, &cfg.private_key->signing_key());
    }
    p->request_client_certificate = is_server && cfg.client_auth != ClientAuth::kNone;
    p->require_client_certificate = is_server && cfg.client_auth == ClientAuth::kRequire;
    p->psk_identity = cfg.psk_identity;
    p->psk = cfg.psk;
    p->psk_identity_hint = cfg.psk_identity_hint;
    if (cfg.psk_lookup) {
      auto lookup = cfg.psk_lookup;
      p->psk_lookup = [lookup](ByteSpan identity) -> std::optional<SecretBytes> {
        auto key = lookup(std::string_view(reinterpret_cast<const char*>(identity.data()), identity.size()));
        if (!key || key->empty()) return std::nullopt;
        SecretBytes out{ByteSpan(*key)};
        secure_wipe(*key);
        return out;
      };
    }
    if (cfg.psk_client) {
      p->psk_client = [chooser = cfg.psk_client](ByteSpan hint) -> std::optional<std::pair<Bytes, SecretBytes>> {
        auto chosen = chooser(std::string_view(reinterpret_cast<const char*>(hint.data()), hint.size()));
        if (!chosen) return std::nullopt;
        std::pair<Bytes, SecretBytes> out{Bytes(chosen->first.begin(), chosen->first.end()),
                                          SecretBytes(ByteSpan(chosen->second))};
        secure_wipe(chosen->second);
        return out;
      };
    }
    if (cfg.alpn_selector) p->alpn_select = cfg.alpn_selector;
    p->require_extended_master_secret = cfg.require_extended_master_secret;
    p->srtp_profiles = cfg.srtp_profiles;
    p->alpn = cfg.alpn;
    p->session_tickets = cfg.session_tickets;
    p->session_cache = cfg.session_cache;
    p->ticket_keys = cfg.ticket_keys;
    p->unix_time = cfg.unix_time;
    p->present_raw_public_key = cfg.present_raw_public_key;
    p->raw_public_key = cfg.raw_public_key;
    if (cfg.raw_key_policy) {
      p->verify_peer_raw_key = [pins = cfg.raw_key_policy](ByteSpan spki,
                                                           AlertDescription& alert) -> Result<std::shared_ptr<const crypto::VerifyingKey>> {
        auto key = pki::RawPublicKey::from_spki_der(spki);
        if (!key) {
          alert = AlertDescription::kBadCertificate;
          return key.error();
        }
        if (!pins->accepts(*key)) {
          alert = AlertDescription::kBadCertificate;
          return Error(ErrorCode::kInvalidSignature, "peer raw public key not accepted");
        }
        CACHET_ASSIGN_OR_RETURN(auto vk, key->verifying_key());
        return std::make_shared<const crypto::VerifyingKey>(std::move(vk));
      };
    }
    p->record_size_limit = cfg.record_size_limit;
    cfg.handshake_policy.policy = std::move(p);
  });
  return cfg.handshake_policy.policy;
}

}  // namespace

handshake::HandshakeConfig Connection::Impl::handshake_config(bool is_server, std::string_view server_name,
                                                              ByteSpan address) {
  handshake::HandshakeConfig hc;
  hc.policy = handshake_policy(cfg);
  peer_host = std::string(server_name);
  hc.verify_peer_chain = [this](const std::vector<Bytes>& chain, AlertDescription& alert,
                                std::shared_ptr<const std::vector<Bytes>>& shared) {
    return verify_peer_chain(chain, alert, shared);
  };
  hc.server_name = std::string(server_name);
  if (is_server) hc.peer_address.assign(address.begin(), address.end());
  if (cfg.connection_id_length) {
    Bytes cid(*cfg.connection_id_length);
    if (!cid.empty() && !random.fill(cid)) cid.clear();
    hc.connection_id = std::move(cid);
  }
  return hc;
}

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

Result<std::unique_ptr<Connection>> Connection::client(std::shared_ptr<const Context> context,
                                                       std::string_view server_name) {
  return client(std::move(context), server_name, Session());
}

Result<std::unique_ptr<Connection>> Connection::client(std::shared_ptr<const Context> context,
                                                       std::string_view server_name, const Session& session) {
  if (!context) return Error(ErrorCode::kInvalidArgument, "no context");
  if (context->role() != Role::kClient) return Error(ErrorCode::kInvalidArgument, "context is not a client context");
  auto impl = std::make_unique<Impl>(std::move(context));
  auto hc = impl->handshake_config(false, server_name, {});
  hc.resume_session = session.shared_state();
  impl->hs = std::make_unique<handshake::Handshake12>(std::move(hc), impl->records, impl->transport, impl->random);
  return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

Result<std::unique_ptr<Connection>> Connection::server(std::shared_ptr<const Context> context,
                                                       std::span<const uint8_t> peer_address) {
  return make_server(std::move(context), peer_address, true);
}

Result<std::unique_ptr<Connection>> Connection::server_without_cookie(std::shared_ptr<const Context> context,
                                                                      std::span<const uint8_t> peer_address,
                                                                      uint64_t first_record_sequence) {
  CACHET_ASSIGN_OR_RETURN(auto connection, make_server(std::move(context), peer_address, false));
  CACHET_TRY(connection->impl_->records.advance_write_sequence(record::SequenceNumber(first_record_sequence)));
  return connection;
}

Result<std::unique_ptr<Connection>> Connection::make_server(std::shared_ptr<const Context> context,
                                                            std::span<const uint8_t> peer_address, bool cookies) {
  if (!context) return Error(ErrorCode::kInvalidArgument, "no context");
  if (context->role() != Role::kServer) return Error(ErrorCode::kInvalidArgument, "context is not a server context");
  auto impl = std::make_unique<Impl>(std::move(context));
  impl->peer_address.assign(peer_address.begin(), peer_address.end());
  auto hc = impl->handshake_config(true, {}, peer_address);
  if (cookies && impl->cfg.cookie_exchange) {
    impl->cookies = std::make_unique<handshake::CookieGenerator>(impl->random);
    hc.cookies = impl->cookies.get();
  }
  impl->hs = std::make_unique<handshake::Handshake12>(std::move(hc), impl->records, impl->transport, impl->random);
  return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

Result<void> Connection::start(Instant now) {
  Impl& c = *impl_;
  c.now = now;
  c.started = now;
  c.recall_rtt();
  if (c.cfg.role == Role::kServer) return ok();
  auto r = c.hs->start(now, c.scratch);
  c.check_handshake(r);
  c.flush_scratch();
  return r;
}

void Connection::handle_datagram(std::span<uint8_t> datagram, Instant now) { handle_datagram(datagram, now, {}); }

void Connection::handle_datagram(std::span<uint8_t> datagram, Instant now, std::span<const uint8_t> from) {
  Impl& c = *impl_;
  // After our close_notify, only the peer's (answering) alert still counts.
  if (c.state == ConnectionState::kFailed || (c.state == ConnectionState::kClosed && c.alert_received)) return;
  c.now = now;
  if (!c.started) c.started = now;
  ++c.stats.datagrams_received;
  c.datagram_from = from;
  c.records.process_datagram(datagram, now, c);
  c.datagram_from = {};
  if (c.hs && c.state != ConnectionState::kFailed) {
    // RFC 6347 §4.2.4: a retransmitted peer flight draws our last flight again.
    if (!c.transport.respond_to_peer_retransmission(now, c.records, c.scratch)) {
      c.fail(Error(ErrorCode::kInternal, "retransmission failed"), AlertDescription::kInternalError);
    }
    c.remember_rtt();
  }
  c.flush_scratch();
}

std::optional<std::vector<uint8_t>> Connection::poll_transmit() {
  Impl& c = *impl_;
  if (c.outgoing.empty()) return std::nullopt;
  return c.outgoing.pop();
}

bool Connection::poll_transmit(std::vector<uint8_t>& out) {
  Impl& c = *impl_;
  if (c.outgoing.empty()) return false;
  // Buffers are kept for reuse once the application sends data; a
  // connection that only handshook keeps none.
  c.outgoing.pop_into(out, c.recycle_buffers);
  return true;
}

std::optional<Instant> Connection::next_timeout() const {
  const Impl& c = *impl_;
  if (c.state != ConnectionState::kHandshaking) return std::nullopt;
  return c.transport.next_timeout();
}

void Connection::handle_timeout(Instant now) {
  Impl& c = *impl_;
  if (c.state != ConnectionState::kHandshaking) return;
  c.now = now;
  const uint64_t before = c.transport.stats().retransmissions;
  auto r = c.transport.handle_timeout(now, c.records, c.scratch);
  c.stats.retransmissions += c.transport.stats().retransmissions - before;
  if (!r) c.fail(Error(ErrorCode::kWrongState, "handshake timed out"), std::nullopt);
  c.flush_scratch();
}

size_t Connection::max_write_size() const noexcept {
  const Impl& c = *impl_;
  const size_t overhead = c.records.overhead(c.records.write_epoch());
  const size_t room = c.transport.mtu() > overhead ? c.transport.mtu() - overhead : 0;
  return std::min(room, c.max_plaintext);
}

Result<void> Connection::write(std::span<const uint8_t> data) {
  Impl& c = *impl_;
  if (c.state != ConnectionState::kEstablished) return Error(ErrorCode::kWrongState, "not established");
  if (data.size() > c.max_plaintext) {
    return Error(ErrorCode::kLengthTooLarge, "larger than a record may carry (2^14, or the peer's record_size_limit)");
  }
  c.recycle_buffers = true;
  Bytes& out = c.outgoing.push_for_overwrite(data.size() + c.records.overhead(c.records.write_epoch()));
  auto n = c.records.seal(c.records.write_epoch(), ContentType::kApplicationData, data, out);
  if (!n) {
    c.outgoing.pop_back();
    return n.error();
  }
  if (out.size() != *n) out.resize(*n);
  ++c.stats.datagrams_sent;
  return ok();
}

Result<size_t> Connection::seal_into(std::span<const uint8_t> data, std::span<uint8_t> out) {
  Impl& c = *impl_;
  if (c.state != ConnectionState::kEstablished) return Error(ErrorCode::kWrongState, "not established");
  if (data.size() > c.max_plaintext) {
    return Error(ErrorCode::kLengthTooLarge, "larger than a record may carry (2^14, or the peer's record_size_limit)");
  }
  if (out.size() < data.size() + c.records.overhead(c.records.write_epoch())) {
    return Error(ErrorCode::kBufferTooSmall, "out has less room than the record needs");
  }
  CACHET_ASSIGN_OR_RETURN(size_t n, c.records.seal(c.records.write_epoch(), ContentType::kApplicationData, data, out));
  ++c.stats.datagrams_sent;
  return n;
}

size_t Connection::record_overhead() const noexcept { return impl_->records.overhead(impl_->records.write_epoch()); }

std::optional<std::vector<uint8_t>> Connection::read() {
  Impl& c = *impl_;
  if (c.incoming.empty()) return std::nullopt;
  return c.incoming.pop();
}

bool Connection::read(std::vector<uint8_t>& out) {
  Impl& c = *impl_;
  if (c.incoming.empty()) return false;
  c.recycle_buffers = true;
  c.incoming.pop_into(out);
  return true;
}

void Connection::release_idle_memory() noexcept {
  Impl& c = *impl_;
  c.records.release_expanded_keys();
  if (c.outgoing.empty()) c.outgoing.release();
  if (c.incoming.empty()) c.incoming.release();
  c.recycle_buffers = false;  // until data flows again
}

void Connection::close() {
  Impl& c = *impl_;
  // Closed by the peer's close_notify: ours still answers it (once).
  if (c.state == ConnectionState::kFailed || c.alert_sent) return;
  c.send_alert(handshake::AlertLevel::kWarning, AlertDescription::kCloseNotify);
  c.state = ConnectionState::kClosed;
  c.release_handshake();
  c.flush_scratch();
}

ConnectionState Connection::state() const noexcept { return impl_->state; }
Error Connection::error() const noexcept { return impl_->error; }
std::optional<uint8_t> Connection::alert_sent() const noexcept { return impl_->alert_sent; }
std::optional<uint8_t> Connection::alert_received() const noexcept { return impl_->alert_received; }

uint16_t Connection::cipher_suite() const noexcept {
  const auto* s = impl_->hs->negotiated().suite;
  return s ? s->code : 0;
}
std::string_view Connection::cipher_suite_name() const noexcept {
  const auto* s = impl_->hs->negotiated().suite;
  return s ? s->openssl_name : std::string_view();
}
std::optional<uint16_t> Connection::group() const noexcept {
  auto g = impl_->hs->negotiated().group;
  if (!g) return std::nullopt;
  return static_cast<uint16_t>(*g);
}
std::optional<uint16_t> Connection::signature_scheme() const noexcept {
  auto s = impl_->hs->negotiated().signature_scheme;
  if (!s) return std::nullopt;
  return static_cast<uint16_t>(*s);
}
bool Connection::extended_master_secret() const noexcept { return impl_->hs->negotiated().extended_master_secret; }
std::optional<uint16_t> Connection::srtp_profile() const noexcept { return impl_->hs->negotiated().srtp_profile; }
std::string_view Connection::alpn() const noexcept { return impl_->hs->negotiated().alpn; }
std::string_view Connection::server_name() const noexcept { return impl_->hs->negotiated().server_name; }
std::string_view Connection::psk_identity() const noexcept {
  const Bytes& id = impl_->hs->negotiated().psk_identity;
  return std::string_view(reinterpret_cast<const char*>(id.data()), id.size());
}
const std::vector<std::vector<uint8_t>>& Connection::peer_certificates() const noexcept {
  return impl_->hs->negotiated().peer_certificates;
}

Result<std::vector<uint8_t>> Connection::export_keying_material(std::string_view label, size_t length,
                                                                std::optional<std::span<const uint8_t>> context) const {
  const Impl& c = *impl_;
  if (c.state != ConnectionState::kEstablished) return Error(ErrorCode::kWrongState, "not established");
  const auto& p = c.hs->negotiated();
  ByteSpan ctx_span;
  if (context) ctx_span = *context;
  CACHET_ASSIGN_OR_RETURN(SecretBytes out,
                          handshake::export_keying_material(p.suite->prf_hash, p.master_secret, p.client_random,
                                                            p.server_random, label, context ? &ctx_span : nullptr,
                                                            length));
  return std::vector<uint8_t>(out.span().begin(), out.span().end());
}

Result<Connection::SrtpKeys> Connection::srtp_keys() const {
  const auto profile = srtp_profile();
  if (!profile) return Error(ErrorCode::kWrongState, "no SRTP profile was negotiated");
  size_t key_len = 0, salt_len = 0;
  switch (*profile) {
    case 0x0001: case 0x0002: key_len = 16; salt_len = 14; break;  // AES128_CM_HMAC_SHA1_80/32
    case 0x0007: key_len = 16; salt_len = 12; break;                 // AEAD_AES_128_GCM
    case 0x0008: key_len = 32; salt_len = 12; break;                 // AEAD_AES_256_GCM
    default: return Error(ErrorCode::kUnsupported, "unknown SRTP profile");
  }
  CACHET_ASSIGN_OR_RETURN(auto km, export_keying_material("EXTRACTOR-dtls_srtp", 2 * (key_len + salt_len)));
  SrtpKeys keys;
  keys.profile = *profile;
  auto take = [&](size_t offset, size_t len) {
    return std::vector<uint8_t>(km.begin() + static_cast<ptrdiff_t>(offset),
                                km.begin() + static_cast<ptrdiff_t>(offset + len));
  };
  keys.client_key = take(0, key_len);
  keys.server_key = take(key_len, key_len);
  keys.client_salt = take(2 * key_len, salt_len);
  keys.server_salt = take(2 * key_len + salt_len, salt_len);
  secure_wipe(km);
  return keys;
}

long Connection::verify_result() const noexcept { return impl_->verify_result; }
std::string_view Connection::handshake_state_name() const noexcept {
  return handshake::handshake_state_name(impl_->hs->state());
}

bool Connection::resumed() const noexcept { return impl_->hs->negotiated().resumed; }

Session Connection::session() const {
  const Impl& c = *impl_;
  if (c.state != ConnectionState::kEstablished && c.state != ConnectionState::kClosed) return Session();
  return Session(c.hs->session());
}

bool Connection::connection_id_negotiated() const noexcept { return impl_->hs->negotiated().receive_cid.has_value(); }
std::span<const uint8_t> Connection::connection_id() const noexcept { return impl_->records.receive_cid(); }
std::span<const uint8_t> Connection::peer_connection_id() const noexcept { return impl_->records.send_cid(); }
std::span<const uint8_t> Connection::peer_address() const noexcept { return impl_->peer_address; }
void Connection::set_peer_address(std::span<const uint8_t> address) {
  impl_->peer_address.assign(address.begin(), address.end());
}
std::optional<Duration> Connection::measured_rtt() const noexcept { return impl_->transport.timer().rtt(); }
Duration Connection::retransmit_timeout() const noexcept { return impl_->transport.timer().current_timeout(); }

void Connection::set_message_observer(MessageObserver observer) {
  impl_->observer = std::move(observer);
  impl_->transport.set_observer(impl_->observer ? &impl_->observer : nullptr);
}
bool Connection::take_peer_address_change() noexcept { return std::exchange(impl_->address_changed, false); }
bool Connection::peer_uses_raw_public_key() const noexcept {
  const auto& p = impl_->hs->negotiated();
  const auto type = impl_->cfg.role == Role::kServer ? p.client_certificate_type : p.server_certificate_type;
  return type == handshake::CertificateType::kRawPublicKey && !p.peer_certificates.empty();
}
std::optional<uint16_t> Connection::peer_record_size_limit() const noexcept {
  return impl_->hs->negotiated().peer_record_size_limit;
}

size_t Connection::mtu() const noexcept { return impl_->transport.mtu(); }
Result<void> Connection::set_mtu(size_t mtu) { return impl_->transport.set_mtu(mtu); }
void Connection::set_mtu_backoff(bool enabled) noexcept { impl_->transport.set_mtu_backoff(enabled); }

ConnectionStats Connection::stats() const noexcept {
  ConnectionStats s = impl_->stats;
  s.records_dropped += impl_->records.stats().total_dropped();
  s.retransmissions = impl_->transport.stats().retransmissions;
  s.flights_sent = impl_->transport.stats().flights_sent;
  s.mtu_reductions = impl_->transport.stats().mtu_reductions;
  return s;
}

}  // namespace cachet
