// Internal to src/pki: the GnuTLS trust list behind a TrustStore.
#pragma once

#include <algorithm>
#include <mutex>
#include <vector>

#include "pki/gnutls_util.hpp"
#include "pki/trust_store.hpp"

namespace cachet::pki {

struct TrustStore::Impl {
  gnutls_x509_trust_list_t list = nullptr;
  size_t anchors = 0;
  size_t crls = 0;

  // The anchor with this DER as a Certificate, parsed at its first use and
  // kept (up to kParsedAnchors; the oldest goes first): every verified path ends
  // in an anchor, and parsing it again per handshake cost as much as a
  // signature check (issue #9, hs.*.fresh). Verification runs on many
  // threads at once, hence the lock.
  static constexpr size_t kParsedAnchors = 16;
  Result<Certificate> parsed_anchor(ByteSpan der) const;
  mutable std::mutex parsed_mutex;
  mutable std::vector<Certificate> parsed;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  // Frees the list and every certificate and CRL it took over.
  ~Impl() {
    if (list != nullptr) gnutls_x509_trust_list_deinit(list, 1);
  }
};

}  // namespace cachet::pki
