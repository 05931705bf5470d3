// The TLS 1.2 key schedule as DTLS 1.2 uses it (RFC 6347 §4.2.6 defers to
// RFC 5246): premaster secrets for ECDHE, PSK and ECDHE-PSK, the master
// secret (plain or extended, RFC 7627), the key block, Finished, and the
// RFC 5705 exporter.
#pragma once

#include <cachet/error.hpp>

#include <string_view>

#include "base/bytes.hpp"
#include "base/secure.hpp"
#include "crypto/aead.hpp"
#include "crypto/hash.hpp"
#include "crypto/hmac.hpp"

namespace cachet::handshake {

inline constexpr size_t kMasterSecretSize = 48;

// RFC 4279 §2: premaster = uint16(N) || N zero bytes || uint16(N) || psk.
SecretBytes psk_premaster_secret(ByteSpan psk);
// RFC 5489 §2: premaster = uint16(len(Z)) || Z || uint16(len(psk)) || psk.
SecretBytes ecdhe_psk_premaster_secret(ByteSpan ecdh_shared, ByteSpan psk);

// RFC 5246 §8.1: PRF(pre_master, "master secret", client_random + server_random).
Result<SecretBytes> master_secret(crypto::HashAlgorithm prf, ByteSpan premaster, ByteSpan client_random,
                                  ByteSpan server_random);
// RFC 7627 §4: PRF(pre_master, "extended master secret", session_hash), the
// session hash being the transcript hash through ClientKeyExchange.
Result<SecretBytes> extended_master_secret(crypto::HashAlgorithm prf, ByteSpan premaster, ByteSpan session_hash);

// The AEAD keys of one direction (RFC 5246 §6.3; AEAD suites have no MAC key).
struct DirectionKeys {
  SecretBytes key;
  SecretBytes iv;  // fixed_iv: 4 bytes (GCM/CCM salt) or 12 (ChaCha20)
};
struct KeyBlock {
  DirectionKeys client_write;
  DirectionKeys server_write;
};

// RFC 5246 §6.3: the key block's size for an AEAD suite and where each part
// lies in it: client_write_key, server_write_key, client_write_IV,
// server_write_IV.
struct KeyBlockLayout {
  size_t key_len;
  size_t iv_len;
  size_t size() const noexcept { return 2 * key_len + 2 * iv_len; }
  ByteSpan client_key(ByteSpan block) const noexcept { return block.subspan(0, key_len); }
  ByteSpan server_key(ByteSpan block) const noexcept { return block.subspan(key_len, key_len); }
  ByteSpan client_iv(ByteSpan block) const noexcept { return block.subspan(2 * key_len, iv_len); }
  ByteSpan server_iv(ByteSpan block) const noexcept { return block.subspan(2 * key_len + iv_len, iv_len); }
};
KeyBlockLayout key_block_layout(crypto::AeadAlgorithm aead) noexcept;
// The largest key block of any suite (AES-256 or ChaCha20 keys, 12-byte IVs).
inline constexpr size_t kMaxKeyBlockSize = 2 * 32 + 2 * 12;

// The key block into `out` (key_block_layout(aead).size() bytes; the caller
// wipes it). The handshake derives into a stack buffer: no allocation.
Result<void> derive_key_block_into(crypto::Hmac& master_mac, crypto::AeadAlgorithm aead, ByteSpan client_random,
                                   ByteSpan server_random, MutableByteSpan out);

// RFC 5246 §6.3: key_block = PRF(master, "key expansion", server_random + client_random),
// partitioned as client_write_key, server_write_key, client_write_IV, server_write_IV.
Result<KeyBlock> derive_key_block(crypto::HashAlgorithm prf, crypto::AeadAlgorithm aead, ByteSpan master,
                                  ByteSpan client_random, ByteSpan server_random);
// The same two with an HMAC keyed by the master secret (crypto/prf.hpp).
Result<KeyBlock> derive_key_block(crypto::Hmac& master_mac, crypto::AeadAlgorithm aead, ByteSpan client_random,
                                  ByteSpan server_random);
Result<Bytes> finished_verify_data(crypto::Hmac& master_mac, bool from_client, ByteSpan transcript_hash);

// RFC 5246 §7.4.9: verify_data = PRF(master, label, Hash(handshake_messages))[0..11],
// label "client finished" or "server finished".
Result<Bytes> finished_verify_data(crypto::HashAlgorithm prf, ByteSpan master, bool from_client,
                                   ByteSpan transcript_hash);

// RFC 5705 §4: PRF(master, label, client_random + server_random [+ uint16(len) + context]).
// Labels reserved by TLS itself are refused (kInvalidArgument).
Result<SecretBytes> export_keying_material(crypto::HashAlgorithm prf, ByteSpan master, ByteSpan client_random,
                                           ByteSpan server_random, std::string_view label,
                                           const ByteSpan* context, size_t length);

}  // namespace cachet::handshake
