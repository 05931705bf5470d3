// Trust anchors (and CRLs) for chain verification, held in a GnuTLS trust
// list. Configure it once, then share it: verification only reads it.
#pragma once

#include <cachet/error.hpp>

#include <memory>
#include <string>

#include "pki/certificate.hpp"

namespace cachet::pki {

class TrustStore {
 public:
  static Result<TrustStore> create();
  TrustStore(TrustStore&&) noexcept;
  TrustStore& operator=(TrustStore&&) noexcept;
  ~TrustStore();

  // Each returns how many trust anchors (or CRLs) were added; duplicates are
  // dropped.
  Result<size_t> add_certificate(const Certificate& certificate);
  // A file of PEM certificates (one or many) or a single DER certificate.
  Result<size_t> add_ca_file(const std::string& path);
  // Every certificate file in a directory (e.g. /etc/ssl/certs).
  Result<size_t> add_ca_directory(const std::string& path);
  // The system's default store (what GnuTLS was configured with).
  Result<size_t> add_system_default();
  // A file of PEM or DER CRLs. Like the CA files, CRLs are local configuration
  // and are taken as given: their signatures are not checked against the chain.
  Result<size_t> add_crl_file(const std::string& path);

  size_t size() const noexcept;
  size_t crl_count() const noexcept;

  struct Impl;
  const Impl& impl() const noexcept { return *impl_; }

 private:
  explicit TrustStore(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cachet::pki
