// Cachet — Context: the immutable configuration shared by connections.
//
//   auto ctx = cachet::ContextBuilder(cachet::Role::kServer)
//                  .certificate_file("server.pem").private_key_file("server.key")
//                  .cipher_suites("ECDHE-ECDSA-AES128-GCM-SHA256")
//                  .build();
//
// Setters never fail on their own: the first problem (an unknown suite name,
// an unreadable file, a key that does not match its certificate) is kept and
// reported by build(), so a configuration is checked in one place.
#pragma once

#include <cachet/error.hpp>
#include <cachet/session.hpp>
#include <cachet/time.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cachet {

enum class Role : uint8_t { kClient, kServer };
enum class ClientAuth : uint8_t { kNone, kRequest, kRequire };

class Context;

class CACHET_EXPORT ContextBuilder {
 public:
  explicit ContextBuilder(Role role);
  ~ContextBuilder();
  ContextBuilder(ContextBuilder&&) noexcept;
  ContextBuilder& operator=(ContextBuilder&&) noexcept;

  // Colon-separated OpenSSL or IANA names, in preference order, e.g.
  // "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305".
  ContextBuilder& cipher_suites(std::string_view list);
  // "X25519:P-256:P-384" (also secp256r1, prime256v1, secp384r1, X448).
  ContextBuilder& groups(std::string_view list);

  // Our certificate chain (PEM, leaf first) and private key (PEM or DER,
  // optionally encrypted).
  ContextBuilder& certificate_chain_pem(std::string_view pem);
  ContextBuilder& certificate_file(const std::string& path);
  ContextBuilder& private_key_pem(std::string_view pem, std::string_view passphrase = {});
  ContextBuilder& private_key_file(const std::string& path, std::string_view passphrase = {});

  // Trust anchors for verifying the peer.
  ContextBuilder& ca_file(const std::string& path);
  ContextBuilder& system_trust();
  // Trust anchors from memory (every CERTIFICATE block of a PEM text), and
  // from a directory of PEM files.
  ContextBuilder& ca_pem(std::string_view pem);
  ContextBuilder& ca_directory(const std::string& path);
  // Client: verify the server (default true when any certificate suite is
  // enabled); false accepts any certificate (--insecure).
  ContextBuilder& verify_peer(bool verify);
  // The final word on the peer's certificate chain (what OpenSSL's verify
  // callback has): called with the chain (DER, leaf first) and the built-in
  // verification's outcome — `x509_error` 0 (X509_V_OK) or an X509_V_ERR_*
  // code at `error_depth` (with no trust anchors configured, the error a
  // chain to nowhere gets) — and returns whether to accept. It may change
  // x509_error; what it leaves is Connection::verify_result().
  struct PeerChain {
    const std::vector<std::vector<uint8_t>>& chain;
    long x509_error;
    int error_depth;
  };
  using CertificateVerifier = std::function<bool(PeerChain& peer)>;
  ContextBuilder& certificate_verifier(CertificateVerifier verifier);
  // Server: ask for (and optionally require) a client certificate.
  ContextBuilder& client_auth(ClientAuth mode);

  // Client PSK (RFC 4279).
  ContextBuilder& psk(std::string_view identity, std::span<const uint8_t> key);
  // Server PSK: a lookup from identity to key, and an optional hint.
  using PskLookup = std::function<std::optional<std::vector<uint8_t>>(std::string_view identity)>;
  ContextBuilder& psk_lookup(PskLookup lookup, std::string_view identity_hint = {});
  // Client PSK chosen per server: called with the server's identity hint
  // (empty when none) during the handshake; returns identity and key, or
  // nullopt to fail the handshake. Overrides psk().
  using PskChooser = std::function<std::optional<std::pair<std::string, std::vector<uint8_t>>>(std::string_view hint)>;
  ContextBuilder& psk_client(PskChooser chooser);

  // DTLS-SRTP profiles (RFC 5764), e.g. "SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM".
  ContextBuilder& srtp_profiles(std::string_view list);
  // ALPN protocols in preference order.
  ContextBuilder& alpn(std::vector<std::string> protocols);
  // Server: choose the protocol from the client's list (in its order);
  // nullopt answers without ALPN. Overrides alpn() on the server.
  using AlpnSelector = std::function<std::optional<std::string>(const std::vector<std::string>& offered)>;
  ContextBuilder& alpn_selector(AlpnSelector selector);

  // RFC 7627: refuse peers without extended master secret (default true).
  ContextBuilder& require_extended_master_secret(bool require);
  // Server: HelloVerifyRequest cookie exchange (default true).
  ContextBuilder& cookie_exchange(bool enabled);
  // Path MTU for handshake datagrams (default 1400).
  ContextBuilder& mtu(size_t mtu);
  // RFC 6347 §4.1.1.1 PMTU back-off (default true): when a flight has gone
  // unanswered twice, its retransmissions step down to 1200- and then
  // 548-byte datagrams (fragmenting handshake messages), for the rest of the
  // handshake; Connection::mtu() then reports the lowered value.
  ContextBuilder& mtu_backoff(bool enabled);
  // How many validated peer certificate chains to remember (default 64; 0:
  // none). A chain seen again within every certificate's validity period is
  // not validated again; the handshake signature is always verified, and a
  // certificate_verifier still sees every chain.
  static constexpr size_t kDefaultPeerChainCache = 64;
  ContextBuilder& peer_chain_cache(size_t entries);
  // Retransmission timer: initial timeout (RFC 6347: 1 s) and budget.
  ContextBuilder& retransmit_timeout(Duration initial, unsigned max_retransmissions = 10);

  // --- resumption (RFC 5246 §7.3, RFC 5077) ----------------------------------
  // Session tickets: a client asks for them, a server issues and accepts
  // them (default true).
  ContextBuilder& session_tickets(bool enabled);
  // Server: where sessions resumable by ID are kept (default: a cache of
  // SessionCache::kDefaultCapacity owned by this context); share one between
  // contexts, or pass nullptr for no resumption by ID.
  ContextBuilder& session_cache(std::shared_ptr<SessionCache> cache);
  // Server: the ticket keys (default: keys owned by this context); share one
  // between contexts/servers that must accept each other's tickets.
  ContextBuilder& ticket_keys(std::shared_ptr<TicketKeys> keys);

  // --- connection IDs (RFC 9146) ---------------------------------------------
  // Offer (client) or accept (server) connection IDs; `length` (0..20) is the
  // size of the random CID we ask the peer to put on the records it sends us
  // (0: we need none, but we put the peer's on ours).
  ContextBuilder& connection_id(size_t length);

  // --- raw public keys (RFC 7250) --------------------------------------------
  // Present our private key's SubjectPublicKeyInfo instead of a certificate
  // (to peers that accept raw public keys; others still get the certificate
  // if one is configured).
  ContextBuilder& raw_public_key(bool present);
  // Accept a peer whose raw public key — or whose certificate's key — is this
  // one ("PUBLIC KEY" or "CERTIFICATE" PEM). Several may be pinned. Without
  // trust anchors, a pinned certificate key is accepted without chain checks.
  ContextBuilder& pin_public_key_pem(std::string_view pem);
  ContextBuilder& pin_public_key_file(const std::string& path);
  // Accept raw public keys this callback approves (DER SubjectPublicKeyInfo),
  // consulted when no pin matches.
  ContextBuilder& raw_public_key_verifier(std::function<bool(std::span<const uint8_t> spki)> verifier);

  // --- record size limit (RFC 8449) ------------------------------------------
  // Advertise the largest record plaintext we accept (64..16384, default
  // 16384: no limit, but the peer learns it may announce its own).
  ContextBuilder& record_size_limit(uint16_t limit);

  // Wall clock in Unix seconds, for session lifetimes and certificate
  // validity (default: the system's). Tests pass a fake one.
  ContextBuilder& wall_clock(std::function<int64_t()> unix_seconds);

  Result<std::shared_ptr<const Context>> build();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Immutable; share it between any number of connections and threads.
class CACHET_EXPORT Context {
 public:
  ~Context();
  Role role() const noexcept;

  struct Impl;
  const Impl& impl() const noexcept { return *impl_; }

 private:
  friend class ContextBuilder;
  explicit Context(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Names of what Cachet supports, for help texts and diagnostics.
CACHET_EXPORT std::vector<std::string> supported_cipher_suite_names();
CACHET_EXPORT std::string_view srtp_profile_name(uint16_t profile) noexcept;

}  // namespace cachet
