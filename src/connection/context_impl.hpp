// The inside of a cachet::Context: resolved, validated configuration.
#pragma once

#include <cachet/context.hpp>

#include <memory>
#include <vector>

#include "base/secure.hpp"
#include "crypto/key_exchange.hpp"
#include "crypto/signature.hpp"
#include "handshake/retransmit_timer.hpp"
#include "pki/private_key.hpp"
#include "pki/trust_store.hpp"

namespace cachet {

struct Context::Impl {
  Role role = Role::kClient;
  std::vector<uint16_t> cipher_suites;
  std::vector<crypto::NamedGroup> groups;
  std::vector<crypto::SignatureScheme> signature_schemes;

  std::vector<Bytes> certificate_chain;  // DER, leaf first
  std::shared_ptr<const pki::PrivateKey> private_key;
  std::shared_ptr<const pki::TrustStore> trust;
  bool verify_peer = true;
  ClientAuth client_auth = ClientAuth::kNone;

  Bytes psk_identity;
  std::shared_ptr<const SecretBytes> psk;
  ContextBuilder::PskLookup psk_lookup;
  Bytes psk_identity_hint;

  std::vector<uint16_t> srtp_profiles;
  std::vector<std::string> alpn;
  bool require_extended_master_secret = true;
  bool cookie_exchange = true;
  size_t mtu = 1400;
  handshake::RetransmitPolicy retransmit;
};

}  // namespace cachet
