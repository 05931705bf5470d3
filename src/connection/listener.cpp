#include <cachet/listener.hpp>

#include <atomic>
#include <string>
#include <unordered_map>

#include "base/byte_reader.hpp"
#include "base/byte_writer.hpp"
#include "base/random.hpp"
#include "connection/context_impl.hpp"
#include "handshake/cookie.hpp"
#include "handshake/handshake_header.hpp"
#include "handshake/messages.hpp"
#include "record/header.hpp"

namespace cachet {

using namespace handshake;

struct Listener::Impl {
  std::shared_ptr<const Context> context;
  CookieGenerator cookies{SystemRandom::instance()};
  uint64_t hello_verify_requests = 0;
  CookieGenerate generate;
  CookieVerify verify;

  bool cookie_ok(ByteSpan peer, const ClientHello& hello, Instant now) {
    if (verify) return !hello.cookie.empty() && verify(peer, hello.cookie);
    return cookies.verify(peer, hello, now);
  }
  std::optional<Bytes> make_cookie(ByteSpan peer, const ClientHello& hello, Instant now) {
    if (!generate) return cookies.make(peer, hello, now);
    auto c = generate(peer);
    // RFC 6347 §4.2.1: opaque cookie<0..2^8-1>; an empty one would be no cookie.
    if (!c || c->empty() || c->size() > 255) return std::nullopt;
    return Bytes(c->begin(), c->end());
  }

  // Routing tables: keys are byte strings (address, CID).
  struct Routes {
    std::string address;
    std::string cid;
  };
  size_t max_associations = kDefaultMaxAssociations;
  std::unordered_map<AssociationId, Routes> associations;
  std::unordered_map<std::string, AssociationId> by_address;
  std::unordered_map<std::string, AssociationId> by_cid;

  explicit Impl(std::shared_ptr<const Context> ctx) : context(std::move(ctx)) {}
};

Listener::Listener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Listener::~Listener() = default;

Result<std::unique_ptr<Listener>> Listener::create(std::shared_ptr<const Context> context) {
  if (!context || context->role() != Role::kServer) {
    return Error(ErrorCode::kInvalidArgument, "a Listener needs a server context");
  }
  return std::unique_ptr<Listener>(new Listener(std::make_unique<Impl>(std::move(context))));
}

uint64_t Listener::hello_verify_requests_sent() const noexcept { return impl_->hello_verify_requests; }

void Listener::set_cookie_callbacks(CookieGenerate generate, CookieVerify verify) {
  impl_->generate = std::move(generate);
  impl_->verify = std::move(verify);
}

namespace {

std::string key_of(std::span<const uint8_t> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

void Listener::set_max_associations(size_t max) noexcept { impl_->max_associations = max; }
size_t Listener::max_associations() const noexcept { return impl_->max_associations; }
size_t Listener::associations() const noexcept { return impl_->associations.size(); }

Result<void> Listener::bind(AssociationId id, const Connection& connection) {
  Impl& l = *impl_;
  auto it = l.associations.find(id);
  if (it == l.associations.end()) {
    if (l.associations.size() >= l.max_associations) {
      return Error(ErrorCode::kOutOfRange, "listener association table is full");
    }
    it = l.associations.emplace(id, Impl::Routes{}).first;
  }
  Impl::Routes& routes = it->second;
  const std::string address = key_of(connection.peer_address());
  const std::string cid = connection.connection_id_negotiated() ? key_of(connection.connection_id()) : std::string();
  if (routes.address != address) {
    auto old = l.by_address.find(routes.address);
    if (old != l.by_address.end() && old->second == id) l.by_address.erase(old);
    routes.address = address;
  }
  if (!address.empty()) l.by_address[address] = id;
  if (routes.cid != cid) {
    auto old = l.by_cid.find(routes.cid);
    if (old != l.by_cid.end() && old->second == id) l.by_cid.erase(old);
    routes.cid = cid;
  }
  if (!cid.empty()) l.by_cid[cid] = id;
  return ok();
}

void Listener::unbind(AssociationId id) {
  Impl& l = *impl_;
  auto it = l.associations.find(id);
  if (it == l.associations.end()) return;
  auto a = l.by_address.find(it->second.address);
  if (a != l.by_address.end() && a->second == id) l.by_address.erase(a);
  auto c = l.by_cid.find(it->second.cid);
  if (c != l.by_cid.end() && c->second == id) l.by_cid.erase(c);
  l.associations.erase(it);
}

std::optional<Listener::AssociationId> Listener::route(std::span<const uint8_t> datagram,
                                                       std::span<const uint8_t> peer_address) const {
  const Impl& l = *impl_;
  const auto& cfg = l.context->impl();
  // RFC 9146 §4: a tls12_cid record names its association by the CID (of
  // the length we chose) that follows the sequence number. The route is
  // only a hint: the Connection authenticates the record before it counts.
  if (cfg.connection_id_length && *cfg.connection_id_length > 0) {
    ByteReader r(datagram);
    auto parsed = record::parse_record(r, *cfg.connection_id_length);
    if (parsed.status == record::ParseStatus::kOk && parsed.record.header.type == record::ContentType::kTls12Cid) {
      auto it = l.by_cid.find(key_of(parsed.record.header.cid));
      if (it != l.by_cid.end()) return it->second;
    }
  }
  auto it = l.by_address.find(key_of(peer_address));
  if (it != l.by_address.end()) return it->second;
  return std::nullopt;
}

namespace {

// The first record of the datagram as an unfragmented ClientHello at epoch 0,
// or nothing. A ClientHello with a cookie fits one datagram (RFC 6347
// §4.2.1 makes the server's reply depend only on it); a fragmented one is
// not accepted statelessly.
struct ParsedHello {
  record::RecordHeader record;
  ClientHello hello;
};

std::optional<ParsedHello> parse_client_hello(ByteSpan datagram) {
  ByteReader r(datagram);
  auto parsed = record::parse_record(r, 0);
  if (parsed.status != record::ParseStatus::kOk) return std::nullopt;
  const auto& h = parsed.record.header;
  if (h.type != record::ContentType::kHandshake || h.epoch.value != 0) return std::nullopt;
  ByteReader body(parsed.record.fragment);
  auto fragment = read_fragment(body);
  if (!fragment) return std::nullopt;
  const auto& fh = fragment->header;
  if (fh.type != HandshakeType::kClientHello || fh.fragment_offset != 0 || fh.fragment_length != fh.length) {
    return std::nullopt;
  }
  auto hello = ClientHello::parse(fragment->body);
  if (!hello) return std::nullopt;
  return ParsedHello{h, std::move(hello).value()};
}

}  // namespace

Listener::Outcome Listener::check(std::span<const uint8_t> datagram, std::span<const uint8_t> peer_address,
                                  Instant now) {
  Outcome out;
  auto parsed = parse_client_hello(datagram);
  if (!parsed) return out;
  const Context::Impl& cfg = impl_->context->impl();
  if (!cfg.cookie_exchange || impl_->cookie_ok(peer_address, parsed->hello, now)) {
    out.verdict = Verdict::kAccept;
    return out;
  }
  // RFC 6347 §4.2.1: HelloVerifyRequest with the record sequence number of
  // the ClientHello, message_seq of the ClientHello, and version DTLS 1.0.
  HelloVerifyRequest hvr;
  auto cookie = impl_->make_cookie(peer_address, parsed->hello, now);
  if (!cookie) return out;
  hvr.cookie = std::move(*cookie);
  auto body = encode(hvr);
  if (!body) return out;
  ByteWriter w;
  w.u8(static_cast<uint8_t>(record::ContentType::kHandshake));
  w.u16(static_cast<uint16_t>(record::ProtocolVersion::kDtls10));
  w.u16(0);
  w.u48(parsed->record.sequence.value());
  w.u16(static_cast<uint16_t>(kHandshakeHeaderSize + body->size()));
  const auto len = static_cast<uint32_t>(body->size());
  // The ClientHello's message_seq (0 for a first ClientHello).
  ByteReader r(datagram);
  auto rec = record::parse_record(r, 0);
  ByteReader frag(rec.record.fragment);
  const uint16_t seq = read_fragment(frag)->header.message_seq;
  write_fragment_header(w, FragmentHeader{HandshakeType::kHelloVerifyRequest, len, seq, 0, len});
  w.bytes(*body);
  auto reply = w.take();
  if (!reply) return out;
  out.verdict = Verdict::kReply;
  out.reply = std::move(reply).value();
  ++impl_->hello_verify_requests;
  return out;
}

Result<std::unique_ptr<Connection>> Listener::accept(std::span<uint8_t> datagram, std::span<const uint8_t> peer_address,
                                                     Instant now) {
  // RFC 6347 §4.2.1: the HelloVerifyRequest took the first ClientHello's
  // record sequence number; the reply to this ClientHello starts at its own,
  // so the client never sees a sequence number twice at epoch 0.
  auto parsed = parse_client_hello(datagram);
  if (!parsed) return Error(ErrorCode::kInvalidArgument, "not an acceptable ClientHello");
  CACHET_ASSIGN_OR_RETURN(auto connection, Connection::server_without_cookie(impl_->context, peer_address,
                                                                           parsed->record.sequence.value()));
  CACHET_TRY(connection->start(now));
  connection->handle_datagram(datagram, now);
  return connection;
}

}  // namespace cachet
