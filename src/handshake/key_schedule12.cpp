#include "handshake/key_schedule12.hpp"

#include "base/byte_writer.hpp"
#include "crypto/prf.hpp"
#include "record/protection.hpp"

namespace cachet::handshake {

namespace {

SecretBytes two_part_premaster(ByteSpan other, ByteSpan psk) {
  SecretBytes out(2 + other.size() + 2 + psk.size());
  ByteWriter w(out.mutable_span());
  w.prefixed_bytes(2, other);
  w.prefixed_bytes(2, psk);
  return out;
}

}  // namespace

SecretBytes psk_premaster_secret(ByteSpan psk) {
  SecretBytes zeros(psk.size());  // already zero
  return two_part_premaster(zeros, psk);
}

SecretBytes ecdhe_psk_premaster_secret(ByteSpan ecdh_shared, ByteSpan psk) {
  return two_part_premaster(ecdh_shared, psk);
}

Result<SecretBytes> master_secret(crypto::HashAlgorithm prf, ByteSpan premaster, ByteSpan client_random,
                                  ByteSpan server_random) {
  SecretBytes out(kMasterSecretSize);
  CACHET_TRY(crypto::tls12_prf(prf, premaster, "master secret", client_random, server_random, out.mutable_span()));
  return out;
}

Result<SecretBytes> extended_master_secret(crypto::HashAlgorithm prf, ByteSpan premaster, ByteSpan session_hash) {
  SecretBytes out(kMasterSecretSize);
  CACHET_TRY(crypto::tls12_prf(prf, premaster, "extended master secret", session_hash, {}, out.mutable_span()));
  return out;
}

Result<KeyBlock> derive_key_block(crypto::HashAlgorithm prf, crypto::AeadAlgorithm aead, ByteSpan master,
                                  ByteSpan client_random, ByteSpan server_random) {
  crypto::Hmac mac(prf, master);
  return derive_key_block(mac, aead, client_random, server_random);
}

KeyBlockLayout key_block_layout(crypto::AeadAlgorithm aead) noexcept {
  return {crypto::aead_params(aead).key_size, record::fixed_iv_size(aead)};
}

Result<void> derive_key_block_into(crypto::Hmac& master_mac, crypto::AeadAlgorithm aead, ByteSpan client_random,
                                   ByteSpan server_random, MutableByteSpan out) {
  if (out.size() != key_block_layout(aead).size()) return Error(ErrorCode::kInternal, "key block buffer size");
  return crypto::tls12_prf(master_mac, "key expansion", server_random, client_random, out);
}

Result<KeyBlock> derive_key_block(crypto::Hmac& master_mac, crypto::AeadAlgorithm aead, ByteSpan client_random,
                                  ByteSpan server_random) {
  const KeyBlockLayout layout = key_block_layout(aead);
  SecretBytes block(layout.size());
  CACHET_TRY(derive_key_block_into(master_mac, aead, client_random, server_random, block.mutable_span()));
  const ByteSpan b = block.span();
  KeyBlock kb{{SecretBytes(layout.client_key(b)), SecretBytes(layout.client_iv(b))},
              {SecretBytes(layout.server_key(b)), SecretBytes(layout.server_iv(b))}};
  return kb;
}

Result<Bytes> finished_verify_data(crypto::HashAlgorithm prf, ByteSpan master, bool from_client,
                                   ByteSpan transcript_hash) {
  crypto::Hmac mac(prf, master);
  return finished_verify_data(mac, from_client, transcript_hash);
}

Result<Bytes> finished_verify_data(crypto::Hmac& master_mac, bool from_client, ByteSpan transcript_hash) {
  Bytes out(12);
  CACHET_TRY(crypto::tls12_prf(master_mac, from_client ? "client finished" : "server finished", transcript_hash, {},
                               out));
  return out;
}

Result<SecretBytes> export_keying_material(crypto::HashAlgorithm prf, ByteSpan master, ByteSpan client_random,
                                           ByteSpan server_random, std::string_view label,
                                           const ByteSpan* context, size_t length) {
  // RFC 5705 §4: labels the TLS PRF itself uses must not be exported.
  for (std::string_view reserved : {"client finished", "server finished", "master secret", "key expansion",
                                    "extended master secret"}) {
    if (label == reserved) return Error(ErrorCode::kInvalidArgument, "reserved exporter label");
  }
  if (length == 0 || length > 0xffff) return Error(ErrorCode::kInvalidArgument, "exporter length out of range");
  Bytes seed(client_random.begin(), client_random.end());
  seed.insert(seed.end(), server_random.begin(), server_random.end());
  if (context != nullptr) {
    if (context->size() > 0xffff) return Error(ErrorCode::kInvalidArgument, "exporter context too long");
    seed.push_back(static_cast<uint8_t>(context->size() >> 8));
    seed.push_back(static_cast<uint8_t>(context->size()));
    seed.insert(seed.end(), context->begin(), context->end());
  }
  SecretBytes out(length);
  CACHET_TRY(crypto::tls12_prf(prf, master, label, seed, {}, out.mutable_span()));
  return out;
}

}  // namespace cachet::handshake
