// Fuzz target: the src/pki loaders (certificate PEM/DER, chain PEM, private
// key PEM/DER with and without a passphrase, raw public key SPKI) and the
// accessors of whatever loads. Every input must fail cleanly or load.
//
// Input: byte 0 selects the loader (low 3 bits, see kLoaders below); the rest
// is the file content.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/random.hpp"
#include "pki/certificate.hpp"
#include "pki/fingerprint.hpp"
#include "pki/private_key.hpp"
#include "pki/raw_public_key.hpp"

namespace {

using namespace cachet;

constexpr std::string_view kPassphrase = "cachet-test";  // tests/pki/make-certs

void exercise(const pki::Certificate& cert) {
  (void)cert.subject().one_line();
  (void)cert.issuer().common_name();
  (void)pki::fingerprint(cert, crypto::HashAlgorithm::kSha256);
  (void)cert.verifying_key();
  (void)pki::RawPublicKey::from_spki_der(cert.subject_public_key_info());
  (void)cert.to_pem();
}

void exercise(const pki::PrivateKey& key) {
  DeterministicRandom random(1);
  crypto::SignatureScheme scheme = crypto::SignatureScheme::kEd25519;
  switch (key.type()) {
    case crypto::KeyType::kEcP256: scheme = crypto::SignatureScheme::kEcdsaSecp256r1Sha256; break;
    case crypto::KeyType::kEcP384: scheme = crypto::SignatureScheme::kEcdsaSecp384r1Sha384; break;
    case crypto::KeyType::kRsa: scheme = crypto::SignatureScheme::kRsaPkcs1Sha256; break;
    case crypto::KeyType::kEd25519: break;
  }
  static constexpr uint8_t kMessage[] = {'f', 'u', 'z', 'z'};
  (void)key.signing_key().sign(scheme, kMessage, random);
  (void)key.to_pem();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t selector = data[0] & 7;
  const ByteSpan body(data + 1, size - 1);
  const std::string_view text(reinterpret_cast<const char*>(body.data()), body.size());
  switch (selector) {
    case 0:
      if (auto c = pki::Certificate::from_pem(text)) exercise(*c);
      break;
    case 1:
      if (auto c = pki::Certificate::from_der(body)) exercise(*c);
      break;
    case 2:
      if (auto chain = pki::CertificateChain::from_pem(text)) {
        for (const auto& c : chain->certificates()) exercise(c);
      }
      break;
    case 3:
      if (auto k = pki::PrivateKey::from_pem(text)) exercise(*k);
      break;
    case 4:
      if (auto k = pki::PrivateKey::from_pem(text, kPassphrase)) exercise(*k);
      break;
    case 5:
      if (auto k = pki::PrivateKey::from_der(body)) exercise(*k);
      break;
    case 6:
      if (auto k = pki::PrivateKey::from_der(body, kPassphrase)) exercise(*k);
      break;
    case 7:
      if (auto r = pki::RawPublicKey::from_spki_der(body)) (void)r->verifying_key();
      break;
  }
  return 0;
}
