// Helpers for the src/pki tests: the committed test PKI (tests/pki, made by
// tests/pki/make-certs) and running the openssl command line.
#pragma once

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "base/clock.hpp"
#include "pki/certificate.hpp"
#include "pki/private_key.hpp"
#include "shell_util.hpp"
#include "test_util.hpp"

namespace cachet::pki {

// How Boost.Test prints these values in failure messages (found by ADL).
inline std::ostream& boost_test_print_type(std::ostream& os, const Certificate& c) {
  return os << "Certificate(" << c.subject().one_line() << ")";
}
inline std::ostream& boost_test_print_type(std::ostream& os, const DistinguishedName& n) {
  return os << "Name(" << n.one_line() << ")";
}

}  // namespace cachet::pki

namespace cachet::test {

// Every verification in the tests happens at 2026-01-01T00:00:00Z: inside the
// normal validity window (2025..2045), after the expired case, before the
// not-yet-valid one.
inline constexpr int64_t kPkiTime = 1767225600;
inline constexpr const char* kPkiPassphrase = "cachet-test";
inline constexpr const char* kKeyTypes[] = {"p256", "p384", "rsa2048", "ed25519"};

inline std::string pki_path(const std::string& relative) { return data_path("pki/" + relative); }

inline Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::string read_text(const std::string& path) {
  const Bytes b = read_bytes(path);
  return std::string(b.begin(), b.end());
}

inline pki::Certificate load_certificate(const std::string& relative) {
  auto r = pki::Certificate::load(read_bytes(pki_path(relative)));
  if (!r) throw std::runtime_error("cannot load certificate " + relative + ": " + r.error().what());
  return std::move(r).value();
}

inline pki::CertificateChain load_chain(const std::string& relative) {
  auto r = pki::CertificateChain::from_pem(read_text(pki_path(relative)));
  if (!r) throw std::runtime_error("cannot load chain " + relative + ": " + r.error().what());
  return std::move(r).value();
}

// A file in a private temporary directory, removed with the object.
class TempFile {
 public:
  explicit TempFile(const std::string& name) {
    char dir[] = "/tmp/cachet-pki-XXXXXX";
    if (mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = dir;
    path_ = dir_ + "/" + name;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }
  void write(ByteSpan data) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (!out) throw std::runtime_error("cannot write " + path_);
  }
  void write(std::string_view text) const { write(as_bytes(text)); }

 private:
  std::string dir_;
  std::string path_;
};

// A clock for verification at `unix_seconds`.
inline ManualClock clock_at(int64_t unix_seconds = kPkiTime) { return ManualClock(Instant{}, unix_seconds); }

}  // namespace cachet::test
