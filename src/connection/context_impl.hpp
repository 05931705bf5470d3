// The inside of a cachet::Context: resolved, validated configuration.
#pragma once

#include <cachet/context.hpp>
#include <cachet/session.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "base/secure.hpp"
#include "connection/peer_chain_cache.hpp"
#include "connection/rtt_cache.hpp"
#include "crypto/key_exchange.hpp"
#include "crypto/signature.hpp"
#include "handshake/retransmit_timer.hpp"
#include "pki/private_key.hpp"
#include "pki/raw_public_key.hpp"
#include "pki/trust_store.hpp"

namespace cachet {

namespace handshake {
struct HandshakePolicy;
}

struct Context::Impl {
  Role role = Role::kClient;
  std::vector<uint16_t> cipher_suites;
  std::vector<crypto::NamedGroup> groups;
  std::vector<crypto::SignatureScheme> signature_schemes;

  std::vector<Bytes> certificate_chain;  // DER, leaf first
  std::shared_ptr<const pki::PrivateKey> private_key;
  std::shared_ptr<const pki::TrustStore> trust;
  bool verify_peer = true;
  ContextBuilder::CertificateVerifier certificate_verifier;
  ClientAuth client_auth = ClientAuth::kNone;

  Bytes psk_identity;
  std::shared_ptr<const SecretBytes> psk;
  ContextBuilder::PskLookup psk_lookup;
  ContextBuilder::PskChooser psk_client;
  ContextBuilder::AlpnSelector alpn_selector;
  Bytes psk_identity_hint;

  std::vector<uint16_t> srtp_profiles;
  std::vector<std::string> alpn;
  bool require_extended_master_secret = true;
  bool cookie_exchange = true;
  size_t mtu = 1400;
  bool mtu_backoff = true;
  handshake::RetransmitPolicy retransmit;
  bool retransmit_configured = false;  // retransmit_timeout() was called
  std::shared_ptr<RttCache> rtt_cache = std::make_shared<RttCache>();

  bool session_tickets = true;
  std::shared_ptr<SessionCache> session_cache;  // server
  std::shared_ptr<TicketKeys> ticket_keys;      // server
  std::optional<size_t> connection_id_length;   // RFC 9146
  bool present_raw_public_key = false;          // RFC 7250
  Bytes raw_public_key;                         // our SPKI, when presented
  std::shared_ptr<const pki::RawKeyPolicy> raw_key_policy;  // pins / callback; null: none
  std::optional<uint16_t> record_size_limit = uint16_t{16384};  // RFC 8449
  // Wall clock (Unix seconds) for session lifetimes; tests replace it.
  std::function<int64_t()> unix_time;

  // What every connection's handshake shares, built on first use
  // (connection.cpp: handshake_policy()).
  // A copy of an Impl (a builder's working copy) starts without one.
  struct PolicySlot {
    std::once_flag once;
    std::shared_ptr<const handshake::HandshakePolicy> policy;
    PolicySlot() = default;
    PolicySlot(const PolicySlot&) {}
    PolicySlot& operator=(const PolicySlot&) { return *this; }
  };
  mutable PolicySlot handshake_policy;

  // Chains validated before (peer_chain_cache.hpp); a copy of an Impl starts
  // with an empty one of the same capacity, as its anchors may differ.
  struct ChainCacheSlot {
    std::unique_ptr<PeerChainCache> cache = std::make_unique<PeerChainCache>();
    ChainCacheSlot() = default;
    ChainCacheSlot(const ChainCacheSlot& o) : cache(std::make_unique<PeerChainCache>(o.cache->capacity())) {}
    ChainCacheSlot& operator=(const ChainCacheSlot& o) {
      cache = std::make_unique<PeerChainCache>(o.cache->capacity());
      return *this;
    }
  };
  ChainCacheSlot peer_chains;
};

}  // namespace cachet
