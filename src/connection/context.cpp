#include "connection/context_impl.hpp"

#include <algorithm>

#include "handshake/cipher_suites.hpp"
#include "pki/certificate.hpp"
#include "pki/raw_public_key.hpp"

namespace cachet {

namespace {

std::vector<std::string_view> split(std::string_view list, char sep = ':') {
  std::vector<std::string_view> out;
  while (!list.empty()) {
    const size_t pos = list.find(sep);
    std::string_view item = list.substr(0, pos);
    if (!item.empty()) out.push_back(item);
    if (pos == std::string_view::npos) break;
    list.remove_prefix(pos + 1);
  }
  return out;
}

std::optional<crypto::NamedGroup> group_by_name(std::string_view n) {
  if (n == "X25519" || n == "x25519") return crypto::NamedGroup::kX25519;
  if (n == "X448" || n == "x448") return crypto::NamedGroup::kX448;
  if (n == "P-256" || n == "secp256r1" || n == "prime256v1") return crypto::NamedGroup::kSecp256r1;
  if (n == "P-384" || n == "secp384r1") return crypto::NamedGroup::kSecp384r1;
  return std::nullopt;
}

struct SrtpName {
  uint16_t code;
  std::string_view name;
};
// RFC 5764 §4.1.2 and RFC 7714 §14.2.
constexpr SrtpName kSrtpProfiles[] = {
    {0x0001, "SRTP_AES128_CM_SHA1_80"},
    {0x0002, "SRTP_AES128_CM_SHA1_32"},
    {0x0007, "SRTP_AEAD_AES_128_GCM"},
    {0x0008, "SRTP_AEAD_AES_256_GCM"},
};

}  // namespace

std::string_view srtp_profile_name(uint16_t profile) noexcept {
  for (const auto& p : kSrtpProfiles) {
    if (p.code == profile) return p.name;
  }
  return "";
}

std::vector<std::string> supported_cipher_suite_names() {
  std::vector<std::string> out;
  for (const auto& s : handshake::supported_cipher_suites()) out.emplace_back(s.openssl_name);
  return out;
}

struct ContextBuilder::State {
  Context::Impl impl;
  bool suites_set = false;
  bool verify_set = false;
  std::optional<pki::CertificateChain> chain;
  std::optional<pki::PrivateKey> key;
  std::optional<pki::TrustStore> trust;
  std::optional<Error> error;
  bool session_cache_set = false;
  bool ticket_keys_set = false;
  std::vector<pki::RawPublicKey> pins;
  std::function<bool(std::span<const uint8_t>)> raw_key_verifier;

  void fail(Error e) {
    if (!error) error = e;
  }
  pki::TrustStore& trust_store() {
    if (!trust) {
      auto t = pki::TrustStore::create();
      if (!t) {
        fail(t.error());
        trust.emplace(pki::TrustStore::create().value());
      } else {
        trust.emplace(std::move(t).value());
      }
    }
    return *trust;
  }
};

ContextBuilder::ContextBuilder(Role role) : state_(std::make_unique<State>()) {
  state_->impl.role = role;
  state_->impl.groups = {crypto::NamedGroup::kX25519, crypto::NamedGroup::kSecp256r1, crypto::NamedGroup::kSecp384r1};
  state_->impl.signature_schemes = {
      crypto::SignatureScheme::kEcdsaSecp256r1Sha256, crypto::SignatureScheme::kEcdsaSecp384r1Sha384,
      crypto::SignatureScheme::kEd25519,              crypto::SignatureScheme::kRsaPssRsaeSha256,
      crypto::SignatureScheme::kRsaPssRsaeSha384,     crypto::SignatureScheme::kRsaPkcs1Sha256,
      crypto::SignatureScheme::kRsaPkcs1Sha384,
  };
}
ContextBuilder::~ContextBuilder() = default;
ContextBuilder::ContextBuilder(ContextBuilder&&) noexcept = default;
ContextBuilder& ContextBuilder::operator=(ContextBuilder&&) noexcept = default;

ContextBuilder& ContextBuilder::cipher_suites(std::string_view list) {
  state_->impl.cipher_suites.clear();
  state_->suites_set = true;
  for (std::string_view name : split(list)) {
    const handshake::CipherSuite* s = handshake::find_cipher_suite(name);
    if (s == nullptr) {
      state_->fail(Error(ErrorCode::kUnsupported, "unknown or unsupported cipher suite name"));
      continue;
    }
    state_->impl.cipher_suites.push_back(s->code);
  }
  if (state_->impl.cipher_suites.empty()) state_->fail(Error(ErrorCode::kInvalidArgument, "no usable cipher suite"));
  return *this;
}

ContextBuilder& ContextBuilder::groups(std::string_view list) {
  state_->impl.groups.clear();
  for (std::string_view name : split(list)) {
    auto g = group_by_name(name);
    if (!g) {
      state_->fail(Error(ErrorCode::kUnsupported, "unknown group name"));
      continue;
    }
    state_->impl.groups.push_back(*g);
  }
  if (state_->impl.groups.empty()) state_->fail(Error(ErrorCode::kInvalidArgument, "no usable group"));
  return *this;
}

ContextBuilder& ContextBuilder::certificate_chain_pem(std::string_view pem) {
  auto chain = pki::CertificateChain::from_pem(pem);
  if (!chain) state_->fail(chain.error()); else state_->chain.emplace(std::move(chain).value());
  return *this;
}

ContextBuilder& ContextBuilder::certificate_file(const std::string& path) {
  auto data = pki::read_pki_file(path);
  if (!data) {
    state_->fail(Error(ErrorCode::kInvalidArgument, "cannot read the certificate file"));
    return *this;
  }
  return certificate_chain_pem(std::string_view(reinterpret_cast<const char*>(data->data()), data->size()));
}

ContextBuilder& ContextBuilder::private_key_pem(std::string_view pem, std::string_view passphrase) {
  auto key = pki::PrivateKey::load(as_bytes(pem), passphrase);
  if (!key) state_->fail(key.error()); else state_->key.emplace(std::move(key).value());
  return *this;
}

ContextBuilder& ContextBuilder::private_key_file(const std::string& path, std::string_view passphrase) {
  auto data = pki::read_pki_file(path);
  if (!data) {
    state_->fail(Error(ErrorCode::kInvalidArgument, "cannot read the private key file"));
    return *this;
  }
  auto key = pki::PrivateKey::load(*data, passphrase);
  secure_wipe(*data);
  if (!key) state_->fail(key.error()); else state_->key.emplace(std::move(key).value());
  return *this;
}

ContextBuilder& ContextBuilder::ca_file(const std::string& path) {
  auto added = state_->trust_store().add_ca_file(path);
  if (!added) state_->fail(added.error());
  return *this;
}

ContextBuilder& ContextBuilder::ca_pem(std::string_view pem) {
  auto chain = pki::CertificateChain::from_pem(pem);
  if (!chain) {
    state_->fail(chain.error());
    return *this;
  }
  for (const auto& c : chain->certificates()) {
    auto added = state_->trust_store().add_certificate(c);
    if (!added) state_->fail(added.error());
  }
  return *this;
}

ContextBuilder& ContextBuilder::ca_directory(const std::string& path) {
  auto added = state_->trust_store().add_ca_directory(path);
  if (!added) state_->fail(added.error());
  return *this;
}

ContextBuilder& ContextBuilder::psk_client(PskChooser chooser) {
  state_->impl.psk_client = std::move(chooser);
  return *this;
}

ContextBuilder& ContextBuilder::alpn_selector(AlpnSelector selector) {
  state_->impl.alpn_selector = std::move(selector);
  return *this;
}

ContextBuilder& ContextBuilder::system_trust() {
  auto added = state_->trust_store().add_system_default();
  if (!added) state_->fail(added.error());
  return *this;
}

ContextBuilder& ContextBuilder::verify_peer(bool verify) {
  state_->impl.verify_peer = verify;
  state_->verify_set = true;
  return *this;
}

ContextBuilder& ContextBuilder::client_auth(ClientAuth mode) {
  state_->impl.client_auth = mode;
  return *this;
}

ContextBuilder& ContextBuilder::psk(std::string_view identity, std::span<const uint8_t> key) {
  if (identity.size() > 0xffff || key.empty() || key.size() > 0xffff) {
    state_->fail(Error(ErrorCode::kInvalidArgument, "PSK identity or key length out of range"));
    return *this;
  }
  state_->impl.psk_identity.assign(identity.begin(), identity.end());
  state_->impl.psk = std::make_shared<const SecretBytes>(ByteSpan(key));
  return *this;
}

ContextBuilder& ContextBuilder::psk_lookup(PskLookup lookup, std::string_view identity_hint) {
  state_->impl.psk_lookup = std::move(lookup);
  state_->impl.psk_identity_hint.assign(identity_hint.begin(), identity_hint.end());
  return *this;
}

ContextBuilder& ContextBuilder::srtp_profiles(std::string_view list) {
  state_->impl.srtp_profiles.clear();
  for (std::string_view name : split(list)) {
    bool found = false;
    for (const auto& p : kSrtpProfiles) {
      if (p.name == name) {
        state_->impl.srtp_profiles.push_back(p.code);
        found = true;
      }
    }
    if (!found) state_->fail(Error(ErrorCode::kUnsupported, "unknown SRTP profile name"));
  }
  return *this;
}

ContextBuilder& ContextBuilder::alpn(std::vector<std::string> protocols) {
  for (const auto& p : protocols) {
    if (p.empty() || p.size() > 255) state_->fail(Error(ErrorCode::kInvalidArgument, "ALPN protocol name length"));
  }
  state_->impl.alpn = std::move(protocols);
  return *this;
}

ContextBuilder& ContextBuilder::require_extended_master_secret(bool require) {
  state_->impl.require_extended_master_secret = require;
  return *this;
}

ContextBuilder& ContextBuilder::cookie_exchange(bool enabled) {
  state_->impl.cookie_exchange = enabled;
  return *this;
}

ContextBuilder& ContextBuilder::peer_chain_cache(size_t entries) {
  state_->impl.peer_chains.cache = std::make_unique<PeerChainCache>(entries);
  return *this;
}

ContextBuilder& ContextBuilder::mtu(size_t mtu) {
  if (mtu < 256 || mtu > 65535) state_->fail(Error(ErrorCode::kInvalidArgument, "MTU must be 256..65535"));
  state_->impl.mtu = mtu;
  return *this;
}

ContextBuilder& ContextBuilder::mtu_backoff(bool enabled) {
  state_->impl.mtu_backoff = enabled;
  return *this;
}

ContextBuilder& ContextBuilder::retransmit_timeout(Duration initial, unsigned max_retransmissions) {
  if (initial.count() <= 0) state_->fail(Error(ErrorCode::kInvalidArgument, "timeout must be positive"));
  state_->impl.retransmit.initial_timeout = initial;
  state_->impl.retransmit.max_retransmissions = max_retransmissions;
  state_->impl.retransmit_configured = true;
  return *this;
}

ContextBuilder& ContextBuilder::certificate_verifier(CertificateVerifier verifier) {
  state_->impl.certificate_verifier = std::move(verifier);
  return *this;
}

ContextBuilder& ContextBuilder::session_tickets(bool enabled) {
  state_->impl.session_tickets = enabled;
  return *this;
}

ContextBuilder& ContextBuilder::session_cache(std::shared_ptr<SessionCache> cache) {
  state_->impl.session_cache = std::move(cache);
  state_->session_cache_set = true;
  return *this;
}

ContextBuilder& ContextBuilder::ticket_keys(std::shared_ptr<TicketKeys> keys) {
  state_->impl.ticket_keys = std::move(keys);
  state_->ticket_keys_set = true;
  return *this;
}

ContextBuilder& ContextBuilder::connection_id(size_t length) {
  if (length > 20) {
    state_->fail(Error(ErrorCode::kInvalidArgument, "connection ID length over 20"));
    return *this;
  }
  state_->impl.connection_id_length = length;
  return *this;
}

ContextBuilder& ContextBuilder::raw_public_key(bool present) {
  state_->impl.present_raw_public_key = present;
  return *this;
}

ContextBuilder& ContextBuilder::pin_public_key_pem(std::string_view pem) {
  if (pem.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    auto cert = pki::Certificate::from_pem(pem);
    if (!cert) {
      state_->fail(cert.error());
      return *this;
    }
    state_->pins.push_back(pki::RawPublicKey::from_certificate(*cert));
    return *this;
  }
  auto key = pki::RawPublicKey::from_pem(pem);
  if (!key) {
    state_->fail(key.error());
    return *this;
  }
  state_->pins.push_back(std::move(key).value());
  return *this;
}

ContextBuilder& ContextBuilder::pin_public_key_file(const std::string& path) {
  auto data = pki::read_pki_file(path);
  if (!data) {
    state_->fail(data.error());
    return *this;
  }
  return pin_public_key_pem(std::string_view(reinterpret_cast<const char*>(data->data()), data->size()));
}

ContextBuilder& ContextBuilder::raw_public_key_verifier(std::function<bool(std::span<const uint8_t>)> verifier) {
  state_->raw_key_verifier = std::move(verifier);
  return *this;
}

ContextBuilder& ContextBuilder::record_size_limit(uint16_t limit) {
  // RFC 8449 §4: at least 64; at most 2^14 in DTLS 1.2.
  if (limit < 64 || limit > 16384) {
    state_->fail(Error(ErrorCode::kInvalidArgument, "record_size_limit must be 64..16384"));
    return *this;
  }
  state_->impl.record_size_limit = limit;
  return *this;
}

ContextBuilder& ContextBuilder::wall_clock(std::function<int64_t()> unix_seconds) {
  state_->impl.unix_time = std::move(unix_seconds);
  return *this;
}

Result<std::shared_ptr<const Context>> ContextBuilder::build() {
  State& st = *state_;
  if (st.error) return *st.error;
  Context::Impl impl = st.impl;
  if (st.chain) {
    if (!st.key) return Error(ErrorCode::kInvalidArgument, "a certificate needs its private key");
    CACHET_TRY(st.key->check_matches(st.chain->leaf()));
    for (const auto& c : st.chain->certificates()) impl.certificate_chain.emplace_back(c.der().begin(), c.der().end());
  } else if (st.key && !impl.present_raw_public_key) {
    return Error(ErrorCode::kInvalidArgument, "a private key needs its certificate (or raw_public_key(true))");
  }
  if (impl.present_raw_public_key) {
    if (!st.key) return Error(ErrorCode::kInvalidArgument, "raw_public_key(true) needs a private key");
    impl.raw_public_key = st.key->subject_public_key_info();
  }
  if (!st.pins.empty() || st.raw_key_verifier) {
    auto policy = std::make_shared<pki::RawKeyPolicy>();
    for (const auto& pin : st.pins) policy->pin(pin);
    if (st.raw_key_verifier) {
      auto verifier = st.raw_key_verifier;
      policy->set_callback([verifier](const pki::RawPublicKey& key) { return verifier(key.spki()); });
    }
    impl.raw_key_policy = std::move(policy);
  }
  if (impl.role == Role::kServer) {
    if (!st.session_cache_set) impl.session_cache = std::make_shared<SessionCache>();
    if (!st.ticket_keys_set) impl.ticket_keys = std::make_shared<TicketKeys>();
  }
  if (st.key) impl.private_key = std::make_shared<const pki::PrivateKey>(std::move(*st.key));
  if (st.trust) impl.trust = std::make_shared<const pki::TrustStore>(std::move(*st.trust));

  // Default suites: everything this configuration can actually use.
  if (!st.suites_set) {
    for (const auto& s : handshake::supported_cipher_suites()) {
      const bool psk_suite = s.authentication == handshake::Authentication::kPsk;
      const bool have_psk = impl.role == Role::kClient ? impl.psk != nullptr || static_cast<bool>(impl.psk_client)
                                                       : static_cast<bool>(impl.psk_lookup);
      if (psk_suite && !have_psk) continue;
      if (!psk_suite && impl.role == Role::kServer && !impl.private_key) continue;
      impl.cipher_suites.push_back(s.code);
    }
  }
  if (impl.cipher_suites.empty()) {
    return Error(ErrorCode::kInvalidArgument, "no cipher suite is usable: configure a certificate or a PSK");
  }
  bool any_certificate_suite = false;
  for (uint16_t code : impl.cipher_suites) {
    const auto* s = handshake::find_cipher_suite(code);
    if (s->authentication != handshake::Authentication::kPsk) any_certificate_suite = true;
  }
  if (impl.role == Role::kClient && any_certificate_suite && impl.verify_peer && !impl.trust && !impl.raw_key_policy &&
      !impl.certificate_verifier) {
    return Error(ErrorCode::kInvalidArgument,
                 "verifying the server needs trust anchors (ca_file/system_trust) or verify_peer(false)");
  }
  if (impl.role == Role::kServer && impl.client_auth != ClientAuth::kNone && !impl.trust && !impl.raw_key_policy &&
      !impl.certificate_verifier) {
    return Error(ErrorCode::kInvalidArgument, "client authentication needs trust anchors (ca_file)");
  }
  return std::shared_ptr<const Context>(new Context(std::make_unique<Context::Impl>(std::move(impl))));
}

Context::Context(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Context::~Context() = default;
Role Context::role() const noexcept { return impl_->role; }

}  // namespace cachet
