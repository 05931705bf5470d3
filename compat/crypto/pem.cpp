// PEM_read/write_* (BIO and FILE*) and the d2i_*_bio readers for keys.
#include "pki_local.hpp"

#include <cstdio>
#include <cstring>
#include <functional>

using namespace cachet_compat;

namespace {

constexpr int kPassphraseBufferSize = 1024;  // OpenSSL's PEM_BUFSIZE
constexpr size_t kMaxPemBlock = 1 << 20;

using LineReader = std::function<bool(std::string&)>;

LineReader bio_lines(BIO* bio) {
  return [bio](std::string& line) {
    line.clear();
    char buf[256];
    while (true) {
      const int n = BIO_gets(bio, buf, sizeof buf);
      if (n <= 0) return !line.empty();
      line.append(buf, static_cast<size_t>(n));
      if (line.back() == '\n' || line.size() > kMaxPemBlock) return true;
    }
  };
}

LineReader file_lines(FILE* fp) {
  return [fp](std::string& line) {
    line.clear();
    char buf[256];
    while (std::fgets(buf, sizeof buf, fp) != nullptr) {
      line += buf;
      if (line.back() == '\n' || line.size() > kMaxPemBlock) return true;
    }
    return !line.empty();
  };
}

std::string trim_eol(const std::string& line) {
  size_t end = line.size();
  while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r' || line[end - 1] == ' ')) --end;
  return line.substr(0, end);
}

// The next PEM block whose label is one of `labels`, as text; other blocks are
// skipped (as OpenSSL does). `label` receives the one found.
std::optional<std::string> read_block(const LineReader& read_line, std::initializer_list<const char*> labels,
                                      std::string* label) {
  std::string line;
  while (read_line(line)) {
    const std::string l = trim_eol(line);
    if (l.rfind("-----BEGIN ", 0) != 0 || l.size() < 16 || l.compare(l.size() - 5, 5, "-----") != 0) continue;
    const std::string found = l.substr(11, l.size() - 16);
    bool wanted = false;
    for (const char* want : labels) wanted = wanted || found == want;
    if (!wanted) continue;
    std::string block = l + "\n";
    const std::string end = "-----END " + found + "-----";
    while (read_line(line)) {
      const std::string t = trim_eol(line);
      block += t + "\n";
      if (t == end) {
        if (label != nullptr) *label = found;
        return block;
      }
      if (block.size() > kMaxPemBlock) break;
    }
    PKI_RAISE(ERR_LIB_PEM, 102 /* PEM_R_BAD_END_LINE */, "PEM block without its END line");
    return std::nullopt;
  }
  PKI_RAISE(ERR_LIB_PEM, kPemReasonNoStartLine, "no start line");
  return std::nullopt;
}

X509* read_x509(const LineReader& read_line, X509** x) {
  const auto block = read_block(read_line, {"CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"}, nullptr);
  if (!block) return nullptr;
  auto cert = cachet::Certificate::from_pem(*block);
  if (!cert) {
    PKI_RAISE_ERROR(ERR_LIB_PEM, cert.error());
    return nullptr;
  }
  if (x != nullptr && *x != nullptr) {
    (*x)->cert = *cert;
    x509_load_fields(*x);
    return *x;
  }
  X509* out = x509_from_certificate(*cert);
  if (x != nullptr) *x = out;
  return out;
}

// The passphrase for an encrypted key: the callback's, or `u` as a string
// when there is no callback (OpenSSL's default); no terminal prompt.
std::optional<std::string> passphrase(pem_password_cb* cb, void* u) {
  if (cb == nullptr) {
    if (u == nullptr) {
      PKI_RAISE(ERR_LIB_PEM, kPemReasonBadPasswordRead,
                "encrypted key needs a passphrase callback (terminal prompts are unsupported)");
      return std::nullopt;
    }
    return std::string(static_cast<const char*>(u));
  }
  std::string buf(kPassphraseBufferSize, '\0');
  const int n = cb(buf.data(), kPassphraseBufferSize, 0, u);
  if (n <= 0 || n > kPassphraseBufferSize) {
    std::fill(buf.begin(), buf.end(), '\0');
    PKI_RAISE(ERR_LIB_PEM, kPemReasonBadPasswordRead, "bad password read");
    return std::nullopt;
  }
  std::string pass(buf.data(), static_cast<size_t>(n));
  std::fill(buf.begin(), buf.end(), '\0');
  return pass;
}

void replace_key(EVP_PKEY* pkey, const cachet::PrivateKey* priv, const cachet::PublicKey* pub) {
  RSA_free(pkey->rsa);
  EC_KEY_free(pkey->ec);
  pkey->rsa = nullptr;
  pkey->ec = nullptr;
  pkey->priv.reset();
  pkey->pub.reset();
  if (priv != nullptr) pkey->priv = *priv;
  if (pub != nullptr) pkey->pub = *pub;
}

EVP_PKEY* output_key(EVP_PKEY** x, const cachet::PrivateKey* priv, const cachet::PublicKey* pub) {
  EVP_PKEY* pkey = x != nullptr && *x != nullptr ? *x : EVP_PKEY_new();
  if (pkey == nullptr) return nullptr;
  replace_key(pkey, priv, pub);
  if (x != nullptr) *x = pkey;
  return pkey;
}

EVP_PKEY* read_private_key(const LineReader& read_line, EVP_PKEY** x, pem_password_cb* cb, void* u) {
  std::string label;
  auto block = read_block(read_line, {"PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"},
                          &label);
  if (!block) return nullptr;
  std::string pass;
  if (label == "ENCRYPTED PRIVATE KEY" || block->find("Proc-Type: 4,ENCRYPTED") != std::string::npos) {
    auto got = passphrase(cb, u);
    if (!got) return nullptr;
    pass = std::move(*got);
  }
  auto key = cachet::PrivateKey::from_pem(*block, pass);
  std::fill(pass.begin(), pass.end(), '\0');
  std::fill(block->begin(), block->end(), '\0');
  if (!key) {
    PKI_RAISE_ERROR(ERR_LIB_PEM, key.error());
    return nullptr;
  }
  return output_key(x, &*key, nullptr);
}

bool write_all(BIO* out, const std::string& text) {
  if (out == nullptr) {
    PKI_RAISE(ERR_LIB_PEM, ERR_R_PASSED_NULL_PARAMETER, "no BIO");
    return false;
  }
  if (BIO_write(out, text.data(), static_cast<int>(text.size())) != static_cast<int>(text.size())) {
    PKI_RAISE(ERR_LIB_PEM, ERR_R_BIO_LIB, "write failed");
    return false;
  }
  return true;
}

}  // namespace

extern "C" {

X509* PEM_read_bio_X509(BIO* out, X509** x, pem_password_cb* cb, void* u) {
  (void)cb, (void)u;
  if (out == nullptr) return nullptr;
  return read_x509(bio_lines(out), x);
}

X509* PEM_read_X509(FILE* out, X509** x, pem_password_cb* cb, void* u) {
  (void)cb, (void)u;
  if (out == nullptr) return nullptr;
  return read_x509(file_lines(out), x);
}

int PEM_write_bio_X509(BIO* out, const X509* x) {
  const cachet::Certificate* c = x509_certificate(x, __func__);
  return c != nullptr && write_all(out, c->to_pem()) ? 1 : 0;
}

int PEM_write_X509(FILE* out, const X509* x) {
  const cachet::Certificate* c = x509_certificate(x, __func__);
  if (c == nullptr || out == nullptr) return 0;
  const std::string pem = c->to_pem();
  return std::fwrite(pem.data(), 1, pem.size(), out) == pem.size() ? 1 : 0;
}

EVP_PKEY* PEM_read_bio_PrivateKey(BIO* out, EVP_PKEY** x, pem_password_cb* cb, void* u) {
  if (out == nullptr) return nullptr;
  return read_private_key(bio_lines(out), x, cb, u);
}

EVP_PKEY* PEM_read_PrivateKey(FILE* out, EVP_PKEY** x, pem_password_cb* cb, void* u) {
  if (out == nullptr) return nullptr;
  return read_private_key(file_lines(out), x, cb, u);
}

int PEM_write_bio_PrivateKey(BIO* out, const EVP_PKEY* x, const EVP_CIPHER* enc, const unsigned char* kstr, int klen,
                             pem_password_cb* cb, void* u) {
  (void)kstr, (void)klen, (void)cb, (void)u;
  const cachet::PrivateKey* key = pkey_private(x);
  if (key == nullptr) {
    PKI_RAISE(ERR_LIB_PEM, ERR_R_PASSED_INVALID_ARGUMENT, "no private key");
    return 0;
  }
  if (enc != nullptr) {
    PKI_RAISE(ERR_LIB_PEM, ERR_R_UNSUPPORTED, "encrypted private key output is unsupported (cipher must be NULL)");
    return 0;
  }
  std::string pem = key->to_pem();
  const bool ok = write_all(out, pem);
  std::fill(pem.begin(), pem.end(), '\0');
  return ok ? 1 : 0;
}

EVP_PKEY* PEM_read_bio_PUBKEY(BIO* out, EVP_PKEY** x, pem_password_cb* cb, void* u) {
  (void)cb, (void)u;
  if (out == nullptr) return nullptr;
  const auto block = read_block(bio_lines(out), {"PUBLIC KEY"}, nullptr);
  if (!block) return nullptr;
  auto key = cachet::PublicKey::from_pem(*block);
  if (!key) {
    PKI_RAISE_ERROR(ERR_LIB_PEM, key.error());
    return nullptr;
  }
  return output_key(x, nullptr, &*key);
}

int PEM_write_bio_PUBKEY(BIO* out, const EVP_PKEY* x) {
  const auto pub = pkey_public(x);
  if (!pub) {
    PKI_RAISE(ERR_LIB_PEM, ERR_R_PASSED_INVALID_ARGUMENT, "no key");
    return 0;
  }
  return write_all(out, pub->to_pem()) ? 1 : 0;
}

EVP_PKEY* d2i_PrivateKey_bio(BIO* bp, EVP_PKEY** a) {
  auto der = read_der_from_bio(bp);
  if (!der) {
    PKI_RAISE(ERR_LIB_ASN1, ERR_R_PASSED_INVALID_ARGUMENT, "no DER private key in the BIO");
    return nullptr;
  }
  auto key = cachet::PrivateKey::from_der(*der);
  std::fill(der->begin(), der->end(), 0);
  if (!key) {
    PKI_RAISE_ERROR(ERR_LIB_ASN1, key.error());
    return nullptr;
  }
  return output_key(a, &*key, nullptr);
}

}  // extern "C"
