// Shared by the three parts of the DTLS 1.2 handshake (handshake12.cpp,
// handshake12_client.cpp, handshake12_server.cpp); not used elsewhere.
#pragma once

#include <algorithm>

#include "base/byte_writer.hpp"
#include "handshake/handshake12.hpp"
#include "handshake/key_schedule12.hpp"

namespace cachet::handshake {

using record::ContentType;
using record::Epoch;

namespace h12 {

inline bool contains(const std::vector<uint16_t>& list, uint16_t v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

inline bool suite_needs_certificate(const CipherSuite& s) { return s.authentication != Authentication::kPsk; }

inline bool key_fits_suite(const crypto::SigningKey& key, const CipherSuite& s) {
  if (s.authentication == Authentication::kEcdsa) {
    return key.type() == crypto::KeyType::kEcP256 || key.type() == crypto::KeyType::kEcP384 ||
           key.type() == crypto::KeyType::kEd25519;
  }
  if (s.authentication == Authentication::kRsa) return key.type() == crypto::KeyType::kRsa;
  return true;
}

inline bool verifying_key_fits_suite(const crypto::VerifyingKey& key, const CipherSuite& s) {
  if (s.authentication == Authentication::kEcdsa) {
    return key.type() == crypto::KeyType::kEcP256 || key.type() == crypto::KeyType::kEcP384 ||
           key.type() == crypto::KeyType::kEd25519;
  }
  if (s.authentication == Authentication::kRsa) return key.type() == crypto::KeyType::kRsa;
  return false;
}

inline bool certificate_curve_acceptable(const crypto::SigningKey& key, const std::optional<std::vector<uint16_t>>& groups) {
  if (!groups) return true;
  if (key.type() == crypto::KeyType::kEcP256) return contains(*groups, static_cast<uint16_t>(crypto::NamedGroup::kSecp256r1));
  if (key.type() == crypto::KeyType::kEcP384) return contains(*groups, static_cast<uint16_t>(crypto::NamedGroup::kSecp384r1));
  return true;
}

// RFC 8422 §5.4: the signed data of a ServerKeyExchange.
inline Result<Bytes> server_params_to_sign(const HelloRandom& client_random, const HelloRandom& server_random,
                                    const ServerKeyExchange& ske) {
  ByteWriter w;
  w.bytes(client_random);
  w.bytes(server_random);
  CACHET_TRY(ske.write_ecdh_params(w));
  return w.take();
}

}  // namespace h12

template <typename M>
Result<void> Handshake12::queue_message(Epoch epoch, HandshakeType type, const M& message) {
  auto body = encode(message);
  if (!body) return fail(AlertDescription::kInternalError, "cannot encode a handshake message");
  const uint16_t seq = transport_.add_message(epoch, type, *body);
  w_->transcript.add(type, seq, *body);
  return ok();
}

}  // namespace cachet::handshake
