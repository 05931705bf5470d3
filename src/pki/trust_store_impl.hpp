// Internal to src/pki: the GnuTLS trust list behind a TrustStore.
#pragma once

#include "pki/gnutls_util.hpp"
#include "pki/trust_store.hpp"

namespace cachet::pki {

struct TrustStore::Impl {
  gnutls_x509_trust_list_t list = nullptr;
  size_t anchors = 0;
  size_t crls = 0;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  // Frees the list and every certificate and CRL it took over.
  ~Impl() {
    if (list != nullptr) gnutls_x509_trust_list_deinit(list, 1);
  }
};

}  // namespace cachet::pki
