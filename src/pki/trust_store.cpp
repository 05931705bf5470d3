#include "pki/trust_store.hpp"

#include <algorithm>
#include <mutex>

#include "pki/trust_store_impl.hpp"

namespace cachet::pki {

Result<Certificate> TrustStore::Impl::parsed_anchor(ByteSpan der) const {
  // Under the lock; nullptr when not remembered.
  auto find = [this, der]() -> const Certificate* {
    for (const Certificate& c : parsed) {
      if (std::equal(c.der().begin(), c.der().end(), der.begin(), der.end())) return &c;
    }
    return nullptr;
  };
  {
    const std::lock_guard<std::mutex> lock(parsed_mutex);
    if (const Certificate* c = find()) return *c;
  }
  // Parsed outside the lock (other threads keep verifying meanwhile).
  CACHET_ASSIGN_OR_RETURN(Certificate cert, Certificate::from_der(der));
  const std::lock_guard<std::mutex> lock(parsed_mutex);
  if (find() == nullptr) {  // another thread may have added it meanwhile
    if (parsed.size() == kParsedAnchors) parsed.pop_back();
    parsed.insert(parsed.begin(), cert);
  }
  return cert;
}

TrustStore::TrustStore(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;
TrustStore::~TrustStore() = default;

Result<TrustStore> TrustStore::create() {
  auto impl = std::make_unique<Impl>();
  if (int rc = gnutls_x509_trust_list_init(&impl->list, 0); rc < 0) {
    return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: gnutls_x509_trust_list_init failed");
  }
  return TrustStore(std::move(impl));
}

Result<size_t> TrustStore::add_certificate(const Certificate& certificate) {
  CACHET_ASSIGN_OR_RETURN(detail::CrtPtr crt, detail::import_crt_der(certificate.der()));
  gnutls_x509_crt_t raw = crt.release();  // the list owns it from here on
  const int rc = gnutls_x509_trust_list_add_cas(impl_->list, &raw, 1, GNUTLS_TL_NO_DUPLICATES);
  if (rc < 0) return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: cannot add trust anchor");
  impl_->anchors += static_cast<size_t>(rc);
  return static_cast<size_t>(rc);
}

Result<size_t> TrustStore::add_ca_file(const std::string& path) {
  int rc = gnutls_x509_trust_list_add_trust_file(impl_->list, path.c_str(), nullptr, GNUTLS_X509_FMT_PEM,
                                                 GNUTLS_TL_NO_DUPLICATES, 0);
  if (rc <= 0) {
    // Not PEM (or no certificate in it): perhaps one DER certificate.
    const int der = gnutls_x509_trust_list_add_trust_file(impl_->list, path.c_str(), nullptr, GNUTLS_X509_FMT_DER,
                                                          GNUTLS_TL_NO_DUPLICATES, 0);
    if (der > 0 || rc == 0) rc = der;
  }
  if (rc == GNUTLS_E_FILE_ERROR) return Error(ErrorCode::kInvalidArgument, "pki: cannot read CA file");
  if (rc < 0) return detail::gnutls_error(rc, ErrorCode::kDecodeError, "pki: CA file does not parse");
  if (rc == 0) return Error(ErrorCode::kDecodeError, "pki: no certificate in CA file");
  impl_->anchors += static_cast<size_t>(rc);
  return static_cast<size_t>(rc);
}

Result<size_t> TrustStore::add_ca_directory(const std::string& path) {
  const int rc = gnutls_x509_trust_list_add_trust_dir(impl_->list, path.c_str(), nullptr, GNUTLS_X509_FMT_PEM,
                                                      GNUTLS_TL_NO_DUPLICATES, 0);
  if (rc < 0) return detail::gnutls_error(rc, ErrorCode::kInvalidArgument, "pki: cannot read CA directory");
  impl_->anchors += static_cast<size_t>(rc);
  return static_cast<size_t>(rc);
}

Result<size_t> TrustStore::add_system_default() {
  const int rc = gnutls_x509_trust_list_add_system_trust(impl_->list, GNUTLS_TL_NO_DUPLICATES, 0);
  if (rc < 0) return detail::gnutls_error(rc, ErrorCode::kUnsupported, "pki: no system trust store");
  impl_->anchors += static_cast<size_t>(rc);
  return static_cast<size_t>(rc);
}

Result<size_t> TrustStore::add_crl_file(const std::string& path) {
  CACHET_ASSIGN_OR_RETURN(Bytes data, read_pki_file(path));
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  const auto format = text.find("-----BEGIN") != std::string_view::npos ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER;
  gnutls_x509_crl_t* crls = nullptr;
  unsigned count = 0;
  const gnutls_datum_t datum = detail::as_datum(data);
  int rc = gnutls_x509_crl_list_import2(&crls, &count, &datum, format, 0);
  if (rc < 0) return detail::gnutls_error(rc, ErrorCode::kDecodeError, "pki: CRL file does not parse");
  // The list takes over the CRLs; the array is ours.
  rc = gnutls_x509_trust_list_add_crls(impl_->list, crls, count, 0, 0);
  gnutls_free(crls);
  if (rc < 0) return detail::gnutls_error(rc, ErrorCode::kInternal, "pki: cannot add CRLs");
  impl_->crls += static_cast<size_t>(rc);
  return static_cast<size_t>(rc);
}

size_t TrustStore::size() const noexcept { return impl_->anchors; }
size_t TrustStore::crl_count() const noexcept { return impl_->crls; }

}  // namespace cachet::pki
