// The public PKI API (include/cachet/pki.hpp), cross-checked against the
// `openssl` command line: names, serials, dates, fingerprints and the full
// `-text` dump of the committed test PKI; keys generated here and read back
// by `openssl pkey`; certificates built here and checked by `openssl verify`.
#include <cachet/pki.hpp>

#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "shell_util.hpp"

using namespace cachet;

namespace {

// --- helpers ----------------------------------------------------------------

std::string pki_path(const std::string& relative) { return std::string(CACHET_TEST_DATA_DIR) + "/pki/" + relative; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  const std::string s = read_file(path);
  return std::vector<uint8_t>(s.begin(), s.end());
}

using test::CommandResult;
using test::run_command;
using test::shell_quote;

// The value of "key=..." on its own line of openssl's output.
std::string field(const std::string& output, const std::string& key) {
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  }
  return "<" + key + " missing>";
}

// A private temporary directory, removed with the object.
class TempDir {
 public:
  TempDir() {
    char dir[] = "/tmp/cachet-pki-api-XXXXXX";
    if (mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = dir;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& name, std::string_view data) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
    return path;
  }
  std::string write(const std::string& name, std::span<const uint8_t> data) const {
    return write(name, std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

std::string hex_upper(std::span<const uint8_t> bytes, const char* separator = "") {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out += separator;
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0x0f]);
  }
  return out;
}

// "Jan  1 00:00:00 2025 GMT" as Unix seconds.
int64_t parse_openssl_date(const std::string& text) {
  struct tm tm {};
  if (strptime(text.c_str(), "%b %d %H:%M:%S %Y GMT", &tm) == nullptr) return -1;
  return static_cast<int64_t>(timegm(&tm));
}

Certificate load_certificate(const std::string& relative) {
  auto c = Certificate::from_pem(read_file(pki_path(relative)));
  if (!c) throw std::runtime_error("cannot load " + relative + ": " + c.error().what());
  return std::move(c).value();
}

PrivateKey load_key(const std::string& relative, std::string_view passphrase = {}) {
  auto k = PrivateKey::from_pem(read_file(pki_path(relative)), passphrase);
  if (!k) throw std::runtime_error("cannot load " + relative + ": " + k.error().what());
  return std::move(k).value();
}

Name make_name(std::initializer_list<std::pair<const char*, const char*>> entries) {
  Name name;
  for (const auto& [field_name, value] : entries) {
    if (!name.add(field_name, value)) throw std::runtime_error(std::string("cannot add ") + field_name);
  }
  return name;
}

const char* const kHierarchies[] = {"p256", "p384", "rsa2048", "ed25519"};
const char* const kRoles[] = {"root", "int", "server", "client"};

struct KeyCase {
  KeyType type;
  int bits;
  const char* openssl_text;  // what `openssl pkey -text` names it
  const char* signature;     // `openssl x509 -text` name of a SHA-256 (or pure) signature
  const char* hash;          // for sign()
};

const KeyCase kKeyCases[] = {
    {KeyType::kEcP256, 256, "Private-Key: (256 bit)", "ecdsa-with-SHA256", "SHA256"},
    {KeyType::kEcP384, 384, "Private-Key: (384 bit)", "ecdsa-with-SHA256", "SHA256"},
    {KeyType::kEd25519, 253, "ED25519 Private-Key:", "ED25519", ""},
    {KeyType::kRsa, 2048, "Private-Key: (2048 bit", "sha256WithRSAEncryption", "SHA256"},
};

// Generated keys, made once (RSA generation is slow). A deque keeps the
// references handed out valid as keys are added.
const PrivateKey& generated_key(KeyType type) {
  static std::deque<std::pair<KeyType, PrivateKey>> keys;
  for (const auto& [t, k] : keys) {
    if (t == type) return k;
  }
  auto k = PrivateKey::generate(type);
  if (!k) throw std::runtime_error(std::string("key generation failed: ") + k.error().what());
  keys.emplace_back(type, std::move(k).value());
  return keys.back().second;
}

Result<Certificate> self_signed(const PrivateKey& key, const Name& name, const char* hash,
                                std::span<const uint8_t> serial = {}) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  return CertificateBuilder()
      .set_version(2)
      .set_serial(serial)
      .set_not_before(now - 60)
      .set_not_after(now + 365 * 86400)
      .set_subject(name)
      .set_issuer(name)
      .set_public_key(key.public_key())
      .sign(key, hash);
}

}  // namespace

// ===========================================================================
BOOST_AUTO_TEST_SUITE(pki_api_certificates)

BOOST_AUTO_TEST_CASE(test_pki_names_serials_dates_fingerprints_match_openssl) {
  for (const char* dir : kHierarchies) {
    for (const char* role : kRoles) {
      const std::string file = std::string(dir) + "/" + role + ".pem";
      BOOST_TEST_CONTEXT(file) {
        const Certificate cert = load_certificate(file);
        const std::string path = shell_quote(pki_path(file));
        const CommandResult out =
            run_command("openssl x509 -noout -subject -issuer -serial -dates -fingerprint -sha1 -in " + path);
        BOOST_REQUIRE_EQUAL(out.exit_code, 0);
        BOOST_TEST(cert.subject().print() == field(out.output, "subject"));
        BOOST_TEST(cert.issuer().print() == field(out.output, "issuer"));
        BOOST_TEST(hex_upper(cert.serial_number()) == field(out.output, "serial"));
        BOOST_TEST(!cert.serial_negative());
        BOOST_TEST(cert.not_before_unix() == parse_openssl_date(field(out.output, "notBefore")));
        BOOST_TEST(cert.not_after_unix() == parse_openssl_date(field(out.output, "notAfter")));
        BOOST_TEST(hex_upper(*cert.fingerprint("SHA1"), ":") == field(out.output, "sha1 Fingerprint"));

        const CommandResult sha256 = run_command("openssl x509 -noout -fingerprint -sha256 -in " + path);
        BOOST_TEST(hex_upper(*cert.fingerprint("sha-256"), ":") == field(sha256.output, "sha256 Fingerprint"));
        const CommandResult sha384 = run_command("openssl x509 -noout -fingerprint -sha384 -in " + path);
        BOOST_TEST(hex_upper(*cert.fingerprint("SHA384"), ":") == field(sha384.output, "sha384 Fingerprint"));
        const CommandResult sha512 = run_command("openssl x509 -noout -fingerprint -sha512 -in " + path);
        BOOST_TEST(hex_upper(*cert.fingerprint("SHA512"), ":") == field(sha512.output, "sha512 Fingerprint"));

        const CommandResult rfc = run_command("openssl x509 -noout -subject -issuer -nameopt RFC2253 -in " + path);
        BOOST_TEST(cert.subject().rfc2253() == field(rfc.output, "subject"));
        BOOST_TEST(cert.issuer().rfc2253() == field(rfc.output, "issuer"));
        // The command line's "compat" name option prints X509_NAME_oneline.
        const CommandResult compat = run_command("openssl x509 -noout -subject -issuer -nameopt compat -in " + path);
        BOOST_TEST(cert.subject().one_line() == field(compat.output, "subject"));
        BOOST_TEST(cert.issuer().one_line() == field(compat.output, "issuer"));
        // X509_NAME_print (XN_FLAG_COMPAT) is only reachable through the library.
        BOOST_TEST(cert.subject().print(NamePrintOptions::legacy_form()).rfind("O=Cachet Test, CN=", 0) == 0u);

        const CommandResult hashes = run_command("openssl x509 -noout -subject_hash -issuer_hash -in " + path);
        char expected[32];
        std::snprintf(expected, sizeof(expected), "%08x\n%08x\n", cert.subject().hash(), cert.issuer().hash());
        BOOST_TEST(hashes.output == expected);

        BOOST_TEST(cert.version() == 2);
        BOOST_TEST(cert.subject().one_line().rfind("/O=Cachet Test/CN=", 0) == 0u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(text_dump_matches_openssl_x509_text) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(pki_path(""))) {
    if (entry.path().extension() == ".pem" && entry.path().filename().string().find("pkcs8") == std::string::npos &&
        entry.path().filename().string().find("sec1") == std::string::npos &&
        entry.path().filename().string().find("pkcs1") == std::string::npos) {
      files.push_back(entry.path().string());
    }
  }
  BOOST_REQUIRE_GE(files.size(), 30u);
  for (const std::string& file : files) {
    BOOST_TEST_CONTEXT(file) {
      auto cert = Certificate::from_pem(read_file(file));
      BOOST_REQUIRE(cert.ok());
      const CommandResult out = run_command("openssl x509 -noout -text -in " + shell_quote(file));
      BOOST_REQUIRE_EQUAL(out.exit_code, 0);
      BOOST_TEST(cert->text() == out.output);
    }
  }
  // Names laid out one per line (X509_print_ex with XN_FLAG_MULTILINE).
  const std::string server = pki_path("rsa2048/server.pem");
  const CommandResult multiline = run_command("openssl x509 -noout -text -nameopt multiline -in " + shell_quote(server));
  BOOST_TEST(load_certificate("rsa2048/server.pem").text(NamePrintOptions::multiline()) == multiline.output);
}

BOOST_AUTO_TEST_CASE(der_pem_and_chains_round_trip) {
  for (const char* dir : kHierarchies) {
    BOOST_TEST_CONTEXT(dir) {
      const std::string base = std::string(dir) + "/server";
      const Certificate from_pem = load_certificate(base + ".pem");
      auto from_der = Certificate::from_der(read_bytes(pki_path(base + ".der")));
      BOOST_REQUIRE(from_der.ok());
      BOOST_TEST((*from_der == from_pem));
      BOOST_TEST(from_pem.to_pem() == read_file(pki_path(base + ".pem")));

      auto chain = Certificate::load_pem_chain(read_file(pki_path(base + "-chain.pem")));
      BOOST_REQUIRE(chain.ok());
      BOOST_REQUIRE_EQUAL(chain->size(), 2u);
      BOOST_TEST(((*chain)[0] == from_pem));
      BOOST_TEST(((*chain)[1] == load_certificate(std::string(dir) + "/int.pem")));
      BOOST_TEST(((*chain)[0].issuer() == (*chain)[1].subject()));
      BOOST_TEST((*chain)[0].issuer().compare((*chain)[1].subject()) == 0);

      auto name = Name::from_der(from_pem.subject().der());
      BOOST_REQUIRE(name.ok());
      BOOST_TEST((*name == from_pem.subject()));
    }
  }
}

BOOST_AUTO_TEST_CASE(public_keys_match_openssl) {
  const struct {
    const char* dir;
    KeyType type;
    int bits;
  } cases[] = {{"p256", KeyType::kEcP256, 256},
               {"p384", KeyType::kEcP384, 384},
               {"rsa2048", KeyType::kRsa, 2048},
               {"ed25519", KeyType::kEd25519, 253}};
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.dir) {
      const std::string file = std::string(c.dir) + "/server.pem";
      const Certificate cert = load_certificate(file);
      auto key = cert.public_key();
      BOOST_REQUIRE(key.ok());
      BOOST_TEST((key->type() == c.type));
      BOOST_TEST(key->bits() == c.bits);
      const CommandResult pub = run_command("openssl x509 -noout -pubkey -in " + shell_quote(pki_path(file)));
      BOOST_TEST(key->to_pem() == pub.output);
      auto reparsed = PublicKey::from_pem(pub.output);
      BOOST_REQUIRE(reparsed.ok());
      BOOST_TEST((*reparsed == *key));
      BOOST_TEST((cert.spki_der() == key->spki_der()));
      BOOST_TEST(cert.signature_algorithm() ==
                 (c.type == KeyType::kEd25519 ? "ED25519"
                  : c.type == KeyType::kRsa   ? "sha256WithRSAEncryption"
                                              : "ecdsa-with-SHA256"));
    }
  }
  BOOST_TEST(load_certificate("rsa2048/server.pem").public_key()->security_bits() == 112);
  BOOST_TEST(load_certificate("p384/server.pem").public_key()->security_bits() == 192);
}

BOOST_AUTO_TEST_CASE(signatures_verify_under_the_issuer_key_only) {
  for (const char* dir : kHierarchies) {
    BOOST_TEST_CONTEXT(dir) {
      const std::string d(dir);
      const Certificate root = load_certificate(d + "/root.pem");
      const Certificate intermediate = load_certificate(d + "/int.pem");
      const Certificate server = load_certificate(d + "/server.pem");
      BOOST_TEST(server.verify_signature(*intermediate.public_key()).ok());
      BOOST_TEST(intermediate.verify_signature(*root.public_key()).ok());
      BOOST_TEST(root.verify_signature(*root.public_key()).ok());
      const auto wrong = server.verify_signature(*root.public_key());
      BOOST_TEST(!wrong.ok());
      BOOST_TEST((wrong.error().code() == ErrorCode::kInvalidSignature));
      BOOST_TEST(root.is_ca());
      BOOST_TEST(intermediate.is_ca());
      BOOST_TEST(!server.is_ca());
      BOOST_TEST(root.is_self_issued());
      BOOST_TEST(!server.is_self_issued());
    }
  }
  // The committed certificate whose signature has a flipped bit.
  auto tampered = Certificate::load_pem_chain(read_file(pki_path("cases/bad-signature.pem")));
  BOOST_REQUIRE(tampered.ok());
  const Certificate intermediate = load_certificate("p256/int.pem");
  BOOST_TEST(!tampered->front().verify_signature(*intermediate.public_key()).ok());
  // A key of another type is a failure, not a crash.
  BOOST_TEST(!load_certificate("p256/server.pem").verify_signature(*load_certificate("rsa2048/int.pem").public_key()).ok());
}

BOOST_AUTO_TEST_CASE(host_and_ip_checks_agree_with_openssl) {
  const std::string file = pki_path("p256/server.pem");
  const Certificate cert = load_certificate("p256/server.pem");
  for (const char* host : {"server.example", "www.server.example", "other.example", "example", "client.example",
                           "SERVER.Example", "server.example.", "*.server.example", "x.www.server.example",
                           "127.0.0.1", "::1"}) {
    BOOST_TEST_CONTEXT(host) {
      const CommandResult out = run_command(std::string("openssl x509 -noout -checkhost ") + host + " -in " + shell_quote(file));
      const bool openssl_matches = out.output.find("does match") != std::string::npos;
      BOOST_TEST(cert.check_host(host) == openssl_matches);
    }
  }
  for (const char* ip : {"127.0.0.1", "::1", "10.0.0.1", "::2"}) {
    BOOST_TEST_CONTEXT(ip) {
      const CommandResult out = run_command(std::string("openssl x509 -noout -checkip ") + ip + " -in " + shell_quote(file));
      const bool openssl_matches = out.output.find("does match") != std::string::npos;
      BOOST_TEST(cert.check_ip(ip) == openssl_matches);
    }
  }
  BOOST_TEST(!cert.check_ip("not an address"));
  BOOST_TEST(!cert.check_host(""));
  const auto names = cert.dns_names();
  BOOST_TEST(names.size() == 2u);

  // Without subjectAltName the CN is the name, as in OpenSSL.
  TempDir dir;
  const Name cn_only = make_name({{"CN", "cn-only.example"}});
  auto built = self_signed(generated_key(KeyType::kEcP256), cn_only, "SHA256");
  BOOST_REQUIRE(built.ok());
  const std::string built_file = shell_quote(dir.write("cn.pem", built->to_pem()));
  for (const char* host : {"cn-only.example", "other.example"}) {
    BOOST_TEST_CONTEXT(host) {
      const CommandResult out = run_command(std::string("openssl x509 -noout -checkhost ") + host + " -in " + built_file);
      BOOST_TEST(built->check_host(host) == (out.output.find("does match") != std::string::npos));
    }
  }
  BOOST_TEST(built->check_host("cn-only.example"));
}

BOOST_AUTO_TEST_SUITE_END()

// ===========================================================================
BOOST_AUTO_TEST_SUITE(pki_api_keys)

BOOST_AUTO_TEST_CASE(generated_keys_round_trip_through_openssl_pkey) {
  TempDir dir;
  for (const KeyCase& k : kKeyCases) {
    BOOST_TEST_CONTEXT(key_type_name(k.type)) {
      const PrivateKey& key = generated_key(k.type);
      BOOST_TEST((key.type() == k.type));
      BOOST_TEST(key.bits() == k.bits);
      BOOST_TEST(key.public_key().bits() == k.bits);

      const std::string pem = key.to_pem();
      BOOST_TEST(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0u);
      const std::string key_file = dir.write("key.pem", pem);
      const CommandResult text = run_command("openssl pkey -noout -text -in " + shell_quote(key_file));
      BOOST_TEST(text.exit_code == 0);
      BOOST_TEST(text.output.find(k.openssl_text) != std::string::npos);
      const CommandResult pub = run_command("openssl pkey -pubout -in " + shell_quote(key_file));
      BOOST_TEST(pub.exit_code == 0);
      BOOST_TEST(pub.output == key.public_key().to_pem());
      // OpenSSL's own PKCS#8 of the key reads back as the same key.
      const CommandResult rewritten = run_command("openssl pkey -in " + shell_quote(key_file));
      auto reread = PrivateKey::from_pem(rewritten.output);
      BOOST_REQUIRE(reread.ok());
      BOOST_TEST(reread->matches(key.public_key()));

      auto from_der = PrivateKey::from_der(key.to_der());
      BOOST_REQUIRE(from_der.ok());
      BOOST_TEST((from_der->public_key() == key.public_key()));
      auto from_pem = PrivateKey::from_pem(pem);
      BOOST_REQUIRE(from_pem.ok());
      BOOST_TEST(from_pem->to_pem() == pem);

      // Encrypted PKCS#8, both ways.
      auto encrypted = key.to_encrypted_pem("s3cret pass");
      BOOST_REQUIRE(encrypted.ok());
      BOOST_TEST(encrypted->rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 0) == 0u);
      const std::string enc_file = dir.write("enc.pem", *encrypted);
      const CommandResult dec = run_command("openssl pkey -pubout -passin 'pass:s3cret pass' -in " + shell_quote(enc_file));
      BOOST_TEST(dec.output == key.public_key().to_pem());
      auto decrypted = PrivateKey::from_pem(*encrypted, "s3cret pass");
      BOOST_REQUIRE(decrypted.ok());
      BOOST_TEST(decrypted->matches(key.public_key()));
      auto wrong = PrivateKey::from_pem(*encrypted, "wrong");
      BOOST_TEST(!wrong.ok());
      BOOST_TEST((wrong.error().code() == ErrorCode::kAuthenticationFailed));
      BOOST_TEST(!PrivateKey::from_pem(*encrypted).ok());
      const CommandResult openssl_enc = run_command("openssl pkey -aes256 -passout pass:abc -in " + shell_quote(key_file));
      auto from_openssl = PrivateKey::from_pem(openssl_enc.output, "abc");
      BOOST_REQUIRE(from_openssl.ok());
      BOOST_TEST(from_openssl->matches(key.public_key()));

      // Traditional forms.
      auto traditional = key.to_traditional_pem();
      if (k.type == KeyType::kEd25519) {
        BOOST_TEST(!traditional.ok());
        BOOST_TEST((traditional.error().code() == ErrorCode::kUnsupported));
      } else {
        BOOST_REQUIRE(traditional.ok());
        const char* header =
            k.type == KeyType::kRsa ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----";
        BOOST_TEST(traditional->find(header) != std::string::npos);
        const std::string trad_file = dir.write("trad.pem", *traditional);
        BOOST_TEST(run_command("openssl pkey -pubout -in " + shell_quote(trad_file)).output == key.public_key().to_pem());
        auto back = PrivateKey::from_pem(*traditional);
        BOOST_REQUIRE(back.ok());
        BOOST_TEST((back->public_key() == key.public_key()));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(committed_keys_load_in_every_encoding_and_match_their_certificates) {
  for (const char* dir : kHierarchies) {
    BOOST_TEST_CONTEXT(dir) {
      const std::string d(dir);
      const Certificate server = load_certificate(d + "/server.pem");
      const Certificate client = load_certificate(d + "/client.pem");
      const PrivateKey key = load_key(d + "/server.key");
      BOOST_TEST(key.matches(server));
      BOOST_TEST(!key.matches(client));
      BOOST_TEST((key.public_key() == *server.public_key()));
      BOOST_TEST(load_key(d + "/server.pkcs8-enc.pem", "cachet-test").matches(server));
      auto der = PrivateKey::from_der(read_bytes(pki_path(d + "/server.pkcs8.der")));
      BOOST_REQUIRE(der.ok());
      BOOST_TEST(der->matches(server));
      auto enc_der = PrivateKey::from_der(read_bytes(pki_path(d + "/server.pkcs8-enc.der")), "cachet-test");
      BOOST_REQUIRE(enc_der.ok());
      BOOST_TEST(enc_der->matches(server));
      if (d == "p256" || d == "p384") BOOST_TEST(load_key(d + "/server.sec1.pem").matches(server));
      if (d == "rsa2048") BOOST_TEST(load_key(d + "/server.pkcs1.pem").matches(server));
    }
  }
}

BOOST_AUTO_TEST_CASE(signatures_cross_verify_with_openssl) {
  TempDir dir;
  static constexpr std::string_view kMessage = "cachet public pki api";
  const std::span<const uint8_t> message(reinterpret_cast<const uint8_t*>(kMessage.data()), kMessage.size());
  const std::string data_file = dir.write("data", kMessage);
  for (const KeyCase& k : kKeyCases) {
    BOOST_TEST_CONTEXT(key_type_name(k.type)) {
      const PrivateKey& key = generated_key(k.type);
      const std::string pub_file = dir.write("pub.pem", key.public_key().to_pem());
      const std::string key_file = dir.write("key.pem", key.to_pem());
      const std::vector<std::string> hashes =
          k.type == KeyType::kEd25519 ? std::vector<std::string>{""}
                                      : std::vector<std::string>{"SHA256", "SHA384", "SHA512"};
      for (const std::string& hash : hashes) {
        BOOST_TEST_CONTEXT("hash " << hash) {
          auto signature = key.sign(hash, message);
          BOOST_REQUIRE(signature.ok());
          BOOST_TEST(key.public_key().verify(hash, message, *signature).ok());
          const std::string sig_file = dir.write("sig", *signature);
          std::string lower = hash;
          for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          const std::string verify =
              hash.empty() ? "openssl pkeyutl -verify -pubin -inkey " + shell_quote(pub_file) + " -rawin -in " +
                                 shell_quote(data_file) + " -sigfile " + shell_quote(sig_file)
                           : "openssl dgst -" + lower + " -verify " + shell_quote(pub_file) + " -signature " +
                                 shell_quote(sig_file) + " " + shell_quote(data_file);
          const CommandResult ours = run_command(verify);
          BOOST_TEST(ours.exit_code == 0, ours.output);

          // And OpenSSL's signature verifies here.
          const std::string theirs_file = dir.path("theirs");
          const std::string sign =
              hash.empty() ? "openssl pkeyutl -sign -inkey " + shell_quote(key_file) + " -rawin -in " + shell_quote(data_file) +
                                 " -out " + shell_quote(theirs_file)
                           : "openssl dgst -" + lower + " -sign " + shell_quote(key_file) + " -out " + shell_quote(theirs_file) +
                                 " " + shell_quote(data_file);
          BOOST_REQUIRE_EQUAL(run_command(sign).exit_code, 0);
          BOOST_TEST(key.public_key().verify(hash, message, read_bytes(theirs_file)).ok());

          std::vector<uint8_t> tampered = *signature;
          tampered[tampered.size() / 2] ^= 0x01;
          const auto bad = key.public_key().verify(hash, message, tampered);
          BOOST_TEST(!bad.ok());
          BOOST_TEST((bad.error().code() == ErrorCode::kInvalidSignature));
        }
      }
      // The hash must fit the key type.
      BOOST_TEST(!key.sign(k.type == KeyType::kEd25519 ? "SHA256" : "", message).ok());
      BOOST_TEST(!key.sign("MD4", message).ok());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ===========================================================================
BOOST_AUTO_TEST_SUITE(pki_api_builder)

BOOST_AUTO_TEST_CASE(self_signed_certificates_verify_with_openssl) {
  TempDir dir;
  // GStreamer's DTLS certificate: v3, serial 0, C=SE, CN=OpenWebRTC, no extensions.
  const Name name = make_name({{"C", "SE"}, {"CN", "OpenWebRTC"}});
  for (const KeyCase& k : kKeyCases) {
    BOOST_TEST_CONTEXT(key_type_name(k.type)) {
      const PrivateKey& key = generated_key(k.type);
      const std::vector<uint8_t> zero = {0};
      auto cert = self_signed(key, name, k.hash, zero);
      BOOST_REQUIRE(cert.ok());
      BOOST_TEST(cert->version() == 2);
      BOOST_TEST(cert->serial_number() == zero);
      BOOST_TEST((cert->subject() == name));
      BOOST_TEST((cert->issuer() == name));
      BOOST_TEST(cert->is_self_issued());
      BOOST_TEST(key.matches(*cert));
      BOOST_TEST(cert->verify_signature(key.public_key()).ok());
      BOOST_TEST(cert->signature_algorithm() == k.signature);

      const std::string file = dir.write("self.pem", cert->to_pem());
      const CommandResult verify = run_command("openssl verify -CAfile " + shell_quote(file) + " " + shell_quote(file));
      BOOST_TEST(verify.output == file + ": OK\n");
      const CommandResult fields = run_command("openssl x509 -noout -subject -issuer -serial -in " + shell_quote(file));
      BOOST_TEST(field(fields.output, "subject") == "C = SE, CN = OpenWebRTC");
      BOOST_TEST(field(fields.output, "issuer") == "C = SE, CN = OpenWebRTC");
      BOOST_TEST(field(fields.output, "serial") == "00");
      BOOST_TEST(cert->text() == run_command("openssl x509 -noout -text -in " + shell_quote(file)).output);
      BOOST_TEST(cert->subject().one_line() == "/C=SE/CN=OpenWebRTC");
    }
  }
}

BOOST_AUTO_TEST_CASE(issued_certificates_verify_against_their_ca_only) {
  TempDir dir;
  const PrivateKey& ca_key = generated_key(KeyType::kEcP384);
  const PrivateKey& leaf_key = generated_key(KeyType::kEcP256);
  const Name ca_name = make_name({{"O", "Cachet"}, {"CN", "Builder CA"}});
  const Name leaf_name = make_name({{"CN", "leaf.example"}});
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  const std::vector<uint8_t> ca_serial = {0x0a, 0xbc, 0xde};
  auto ca = CertificateBuilder()
                .set_serial(ca_serial)
                .set_not_before(now - 60)
                .set_not_after(now + 86400)
                .set_subject(ca_name)
                .set_issuer(ca_name)
                .set_public_key(ca_key.public_key())
                .add_basic_constraints(true, 0)
                .sign(ca_key, "SHA384");
  BOOST_REQUIRE(ca.ok());
  BOOST_TEST(ca->is_ca());
  const std::vector<uint8_t> leaf_serial = {0x80, 0x01};  // top bit set: encoded with a 0x00 in front
  auto leaf = CertificateBuilder()
                  .set_serial(leaf_serial)
                  .set_not_before(now - 60)
                  .set_not_after(now + 86400)
                  .set_subject(leaf_name)
                  .set_issuer(ca->subject())
                  .set_public_key(leaf_key.public_key())
                  .add_basic_constraints(false)
                  .sign(ca_key, "SHA256");
  BOOST_REQUIRE(leaf.ok());
  BOOST_TEST(leaf->serial_number() == leaf_serial);
  BOOST_TEST(leaf->verify_signature(ca_key.public_key()).ok());
  // Signed by the CA key, so the leaf's own key does not verify it.
  const auto wrong = leaf->verify_signature(leaf_key.public_key());
  BOOST_TEST(!wrong.ok());
  BOOST_TEST((wrong.error().code() == ErrorCode::kInvalidSignature));
  BOOST_TEST(!leaf_key.matches(*ca));
  BOOST_TEST(leaf_key.matches(*leaf));

  const std::string ca_file = dir.write("ca.pem", ca->to_pem());
  const std::string leaf_file = dir.write("leaf.pem", leaf->to_pem());
  BOOST_TEST(run_command("openssl verify -CAfile " + shell_quote(ca_file) + " " + shell_quote(leaf_file)).output == leaf_file + ": OK\n");
  // The same leaf against an unrelated CA fails in OpenSSL too.
  const std::string other_file = dir.write("other.pem", load_certificate("p256/root.pem").to_pem());
  BOOST_TEST(run_command("openssl verify -CAfile " + shell_quote(other_file) + " " + shell_quote(leaf_file)).exit_code != 0);
  const CommandResult fields = run_command("openssl x509 -noout -serial -in " + shell_quote(leaf_file));
  BOOST_TEST(field(fields.output, "serial") == "8001");
  BOOST_TEST(leaf->text() == run_command("openssl x509 -noout -text -in " + shell_quote(leaf_file)).output);
  BOOST_TEST(ca->text() == run_command("openssl x509 -noout -text -in " + shell_quote(ca_file)).output);
}

BOOST_AUTO_TEST_CASE(versions_hashes_and_validity_encodings) {
  TempDir dir;
  const PrivateKey& rsa = generated_key(KeyType::kRsa);
  const PrivateKey& p256 = generated_key(KeyType::kEcP256);
  const Name name = make_name({{"CN", "v1"}});
  // X.509 v1: no version field.
  auto v1 = CertificateBuilder()
                .set_version(0)
                .set_not_before(0)
                .set_not_after(2524608000)  // 2050-01-01: GeneralizedTime
                .set_subject(name)
                .set_issuer(name)
                .set_public_key(rsa.public_key())
                .sign(rsa, "SHA512");
  BOOST_REQUIRE(v1.ok());
  BOOST_TEST(v1->version() == 0);
  BOOST_TEST(v1->not_before_unix() == 0);
  BOOST_TEST(v1->not_after_unix() == 2524608000);
  BOOST_TEST(v1->signature_algorithm() == "sha512WithRSAEncryption");
  const std::string v1_file = dir.write("v1.pem", v1->to_pem());
  const CommandResult text = run_command("openssl x509 -noout -text -in " + shell_quote(v1_file));
  BOOST_TEST(text.output.find("Version: 1 (0x0)") != std::string::npos);
  BOOST_TEST(text.output.find("Not After : Jan  1 00:00:00 2050 GMT") != std::string::npos);
  BOOST_TEST(v1->text() == text.output);
  BOOST_TEST(run_command("openssl verify -no_check_time -CAfile " + shell_quote(v1_file) + " " + shell_quote(v1_file)).exit_code == 0);

  for (const char* hash : {"SHA384", "SHA512", "sha-256"}) {
    BOOST_TEST_CONTEXT(hash) {
      auto cert = self_signed(p256, name, hash);
      BOOST_REQUIRE(cert.ok());
      const std::string file = dir.write("c.pem", cert->to_pem());
      BOOST_TEST(run_command("openssl verify -CAfile " + shell_quote(file) + " " + shell_quote(file)).exit_code == 0);
      BOOST_TEST(cert->text() == run_command("openssl x509 -noout -text -in " + shell_quote(file)).output);
    }
  }
  // A long serial prints as hex rows.
  const std::vector<uint8_t> serial(20, 0x7f);
  auto long_serial = self_signed(p256, name, "SHA256", serial);
  BOOST_REQUIRE(long_serial.ok());
  const std::string file = dir.write("serial.pem", long_serial->to_pem());
  BOOST_TEST(long_serial->text() == run_command("openssl x509 -noout -text -in " + shell_quote(file)).output);
  BOOST_TEST(field(run_command("openssl x509 -noout -serial -in " + shell_quote(file)).output, "serial") == hex_upper(serial));
}

BOOST_AUTO_TEST_CASE(builder_refuses_bad_requests) {
  const PrivateKey& p256 = generated_key(KeyType::kEcP256);
  const PrivateKey& ed = generated_key(KeyType::kEd25519);
  const Name name = make_name({{"CN", "x"}});
  CertificateBuilder base;
  base.set_subject(name).set_issuer(name).set_not_before(0).set_not_after(86400);

  BOOST_TEST(!CertificateBuilder(base).sign(p256, "SHA256").ok());  // no public key
  base.set_public_key(p256.public_key());
  BOOST_TEST(CertificateBuilder(base).sign(p256, "SHA256").ok());
  BOOST_TEST(CertificateBuilder(base).sign(p256, "").ok());  // defaults to SHA-256
  BOOST_TEST(!CertificateBuilder(base).set_version(3).sign(p256, "SHA256").ok());
  BOOST_TEST(!CertificateBuilder(base).set_version(-1).sign(p256, "SHA256").ok());
  BOOST_TEST(!CertificateBuilder(base).set_version(0).add_basic_constraints(false).sign(p256, "SHA256").ok());
  BOOST_TEST(!CertificateBuilder(base).sign(p256, "MD5").ok());
  BOOST_TEST(!CertificateBuilder(base).sign(p256, "WHIRLPOOL").ok());
  BOOST_TEST(!CertificateBuilder(base).sign(ed, "SHA256").ok());  // Ed25519 takes no hash
  BOOST_TEST(CertificateBuilder(base).sign(ed, "").ok());
  const std::vector<uint8_t> long_serial(21, 0x01);
  BOOST_TEST(!CertificateBuilder(base).set_serial(long_serial).sign(p256, "SHA256").ok());
  const std::vector<uint8_t> value = {0x05, 0x00};
  BOOST_TEST(!CertificateBuilder(base).add_extension("not.an.oid", false, value).sign(p256, "SHA256").ok());
  BOOST_TEST(!CertificateBuilder(base).add_basic_constraints(true).add_basic_constraints(false).sign(p256, "SHA256").ok());
  auto with_ext = CertificateBuilder(base).add_extension("1.2.3.4.5", false, value).sign(p256, "SHA256");
  BOOST_REQUIRE(with_ext.ok());
  BOOST_TEST(with_ext->text().find("            1.2.3.4.5: \n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// ===========================================================================
BOOST_AUTO_TEST_SUITE(pki_api_names)

BOOST_AUTO_TEST_CASE(escaping_and_layouts_match_openssl) {
  TempDir dir;
  const PrivateKey& key = generated_key(KeyType::kEcP256);
  Name name;
  BOOST_REQUIRE(name.add("C", "DE").ok());
  BOOST_REQUIRE(name.add("ST", "Bayern").ok());
  BOOST_REQUIRE(name.add("L", "M/\xc3\xbcnchen").ok());             // '/' and UTF-8
  BOOST_REQUIRE(name.add("O", "A, B+C \"q\" <x>;y\\z").ok());       // RFC 4514 specials
  BOOST_REQUIRE(name.add("OU", " lead#").ok());                      // leading space
  BOOST_REQUIRE(name.add("OU", "trail ").ok());                      // trailing space
  BOOST_REQUIRE(name.add("CN", "#hash").ok());                       // leading '#'
  BOOST_REQUIRE(name.add("1.2.3.4", "unknown oid", -1, -1).ok());    // multi-valued, unknown OID
  BOOST_REQUIRE(name.add("emailAddress", "a@b.c").ok());
  BOOST_REQUIRE(name.add("description", "tab\there\x7f").ok());      // control characters
  BOOST_REQUIRE(name.add("title", "\xe2\x82\xac \xf0\x9f\x94\x92").ok());  // BMP and astral
  BOOST_REQUIRE(name.add("GN", "#").ok());                           // a lone '#' is not escaped
  const uint8_t bmp[] = {0x00, 'B', 0x00, 'M', 0x20, 0xac};
  BOOST_REQUIRE(name.add_raw("SN", 0x1e, bmp).ok());                 // BMPString
  const uint8_t t61[] = {'T', 0xe9, 'l'};
  BOOST_REQUIRE(name.add_raw("initials", 0x14, t61).ok());           // T61String read as Latin-1

  auto cert = self_signed(key, name, "SHA256");
  BOOST_REQUIRE(cert.ok());
  BOOST_TEST((cert->subject() == name));
  const std::string file = shell_quote(dir.write("names.pem", cert->to_pem()));
  const CommandResult oneline = run_command("openssl x509 -noout -subject -nameopt oneline -in " + file);
  BOOST_TEST(cert->subject().print() == field(oneline.output, "subject"));
  const CommandResult rfc2253 = run_command("openssl x509 -noout -subject -nameopt RFC2253 -in " + file);
  BOOST_TEST(cert->subject().rfc2253() == field(rfc2253.output, "subject"));
  const CommandResult compat = run_command("openssl x509 -noout -subject -nameopt compat -in " + file);
  BOOST_TEST(cert->subject().one_line() == field(compat.output, "subject"));
  const CommandResult multiline = run_command("openssl x509 -noout -subject -nameopt multiline -in " + file);
  BOOST_TEST("subject=\n" + cert->subject().print(NamePrintOptions::multiline(), 4) + "\n" == multiline.output);
  BOOST_TEST(cert->text() == run_command("openssl x509 -noout -text -in " + file).output);
  char hash[16];
  std::snprintf(hash, sizeof(hash), "%08x\n", cert->subject().hash());
  BOOST_TEST(run_command("openssl x509 -noout -subject_hash -in " + file).output == hash);
  // X509_NAME_oneline and X509_NAME_print, as OpenSSL 3.0's library writes
  // them for this name (the command line cannot show the second).
  BOOST_TEST(cert->subject().one_line() ==
             "/C=DE/ST=Bayern/L=M\\/\\xC3\\xBCnchen/O=A, B\\+C \"q\" <x>;y\\z/OU= lead#/OU=trail /CN=#hash"
             "+1.2.3.4=unknown oid/emailAddress=a@b.c/description=tab\\x09here\\x7F"
             "/title=\\xE2\\x82\\xAC \\xF0\\x9F\\x94\\x92/GN=#/SN=\\x00B\\x00M \\xAC/initials=T\\xE9l");
  BOOST_TEST(cert->subject().print(NamePrintOptions::legacy_form()) ==
             "C=DE, ST=Bayern, L=M\\/\\xC3\\xBCnchen, O=A, B\\+C \"q\" <x>;y\\z, OU= lead#, OU=trail , CN=#hash"
             "+1.2.3.4=unknown oid/emailAddress=a@b.c/description=tab\\x09here\\x7F"
             "/title=\\xE2\\x82\\xAC \\xF0\\x9F\\x94\\x92, GN=#, SN=\\x00B\\x00M \\xAC/initials=T\\xE9l");

  const auto& entries = cert->subject().entries();
  BOOST_REQUIRE_EQUAL(entries.size(), 14u);
  BOOST_TEST(entries[0].short_name == "C");
  BOOST_TEST(entries[0].long_name == "countryName");
  BOOST_TEST(entries[0].asn1_tag == 0x13);  // PrintableString, as OpenSSL chooses for C
  BOOST_TEST(entries[2].value == "M/\xc3\xbcnchen");
  BOOST_TEST(entries[2].asn1_tag == 0x0c);
  BOOST_TEST(entries[6].set == entries[7].set);  // CN + 1.2.3.4
  BOOST_TEST(entries[7].short_name == "1.2.3.4");
  BOOST_TEST(entries[8].asn1_tag == 0x16);  // IA5String for emailAddress
  BOOST_TEST(entries[12].value == "BM\xe2\x82\xac");
  BOOST_TEST(entries[13].value == "T\xc3\xa9l");
  BOOST_TEST(cert->subject().find("commonName").value_or("") == "#hash");
  BOOST_TEST(!cert->subject().find("street").has_value());
}

BOOST_AUTO_TEST_CASE(print_options_match_openssl_nameopt_flags) {
  TempDir dir;
  const PrivateKey& key = generated_key(KeyType::kEcP256);
  Name name;
  BOOST_REQUIRE(name.add("C", "DE").ok());
  BOOST_REQUIRE(name.add("L", "M\xc3\xbcnchen \xe2\x82\xac").ok());
  BOOST_REQUIRE(name.add("O", " A, B \"q\" (x)*\\").ok());
  BOOST_REQUIRE(name.add("CN", "#host").ok());
  BOOST_REQUIRE(name.add("1.2.3.4", "unknown", -1, -1).ok());
  const uint8_t bmp[] = {0x00, 'B', 0x00, 0xfc};
  BOOST_REQUIRE(name.add_raw("SN", 0x1e, bmp).ok());
  BOOST_REQUIRE(name.add("description", "ctl\x01").ok());
  auto cert = self_signed(key, name, "SHA256");
  BOOST_REQUIRE(cert.ok());
  const std::string file = shell_quote(dir.write("opts.pem", cert->to_pem()));

  using O = NamePrintOptions;
  auto with = [](O o, auto&& edit) {
    edit(o);
    return o;
  };
  const struct {
    const char* nameopt;
    O options;
  } cases[] = {
      {"oneline,-esc_msb", with(O::oneline(), [](O& o) { o.escape_msb = false; })},
      {"RFC2253,-esc_msb", with(O::rfc2253(), [](O& o) { o.escape_msb = false; })},
      {"oneline,sep_semi_plus_space,lname,align",
       with(O::oneline(), [](O& o) {
         o.separator = O::Separator::kSemicolonSpace;
         o.field_names = O::FieldNames::kLong;
         o.align_field_names = true;
       })},
      {"oneline,oid,dn_rev,-space_eq",
       with(O::oneline(), [](O& o) {
         o.field_names = O::FieldNames::kOid;
         o.reverse = true;
         o.spaces_around_equals = false;
       })},
      {"oneline,nofname,sep_comma_plus",
       with(O::oneline(), [](O& o) {
         o.field_names = O::FieldNames::kNone;
         o.separator = O::Separator::kComma;
       })},
      {"RFC2253,show_type", with(O::rfc2253(), [](O& o) { o.show_type = true; })},
      {"oneline,dump_all", with(O::oneline(), [](O& o) { o.dump_all = true; })},
      {"oneline,dump_all,-dump_der", with(O::oneline(), [](O& o) {
         o.dump_all = true;
         o.dump_der = false;
       })},
      {"oneline,ignore_type", with(O::oneline(), [](O& o) { o.ignore_type = true; })},
      {"oneline,esc_2254", with(O::oneline(), [](O& o) { o.escape_rfc2254 = true; })},
      {"oneline,-use_quote,-esc_ctrl", with(O::oneline(), [](O& o) {
         o.quote_instead_of_escape = false;
         o.escape_control = false;
       })},
      {"RFC2253,-dump_unknown", with(O::rfc2253(), [](O& o) { o.dump_unknown_fields = false; })},
      {"oneline,dump_unknown", with(O::oneline(), [](O& o) { o.dump_unknown_fields = true; })},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.nameopt) {
      const CommandResult out = run_command(std::string("openssl x509 -noout -subject -nameopt ") + c.nameopt + " -in " + file);
      BOOST_REQUIRE_EQUAL(out.exit_code, 0);
      BOOST_TEST(cert->subject().print(c.options) == field(out.output, "subject"));
    }
  }
  // Without UTF-8 conversion: code points above 0xff as \UXXXX, Latin-1 bytes raw.
  const CommandResult multiline = run_command("openssl x509 -noout -subject -nameopt multiline,-esc_msb -in " + file);
  BOOST_TEST("subject=\n" + cert->subject().print(with(O::multiline(), [](O& o) { o.escape_msb = false; }), 4) +
                 "\n" ==
             multiline.output);
}

BOOST_AUTO_TEST_CASE(every_known_attribute_has_openssls_names) {
  TempDir dir;
  const PrivateKey& key = generated_key(KeyType::kEcP256);
  const char* const fields[] = {
      "CN", "SN", "serialNumber", "C", "L", "ST", "street", "O", "OU", "title", "description", "searchGuide",
      "businessCategory", "postalAddress", "postalCode", "postOfficeBox", "physicalDeliveryOfficeName",
      "telephoneNumber", "telexNumber", "teletexTerminalIdentifier", "facsimileTelephoneNumber", "x121Address",
      "internationaliSDNNumber", "registeredAddress", "destinationIndicator", "preferredDeliveryMethod",
      "presentationAddress", "supportedApplicationContext", "member", "owner", "roleOccupant", "seeAlso",
      "userPassword", "userCertificate", "cACertificate", "authorityRevocationList", "certificateRevocationList",
      "crossCertificatePair", "name", "GN", "initials", "generationQualifier", "x500UniqueIdentifier",
      "dnQualifier", "enhancedSearchGuide", "protocolInformation", "distinguishedName", "uniqueMember",
      "houseIdentifier", "supportedAlgorithms", "deltaRevocationList", "dmdName", "pseudonym", "role",
      "organizationIdentifier", "c3", "n3", "dnsName", "emailAddress", "unstructuredName",
      "unstructuredAddress", "UID", "mail", "DC", "jurisdictionL", "jurisdictionST", "jurisdictionC"};
  Name name;
  for (const char* f : fields) {
    const std::string field_name(f);
    const char* value = (field_name == "C" || field_name == "jurisdictionC") ? "SE"
                        : field_name == "c3"                                 ? "SWE"
                        : field_name == "n3"                                 ? "752"
                                                                             : "value";
    BOOST_REQUIRE_MESSAGE(name.add(f, value).ok(), f);
  }
  auto cert = self_signed(key, name, "SHA256");
  BOOST_REQUIRE(cert.ok());
  const std::string file = shell_quote(dir.write("all.pem", cert->to_pem()));
  BOOST_TEST(cert->subject().print() == field(run_command("openssl x509 -noout -subject -in " + file).output, "subject"));
  BOOST_TEST("subject=\n" + cert->subject().print(NamePrintOptions::multiline(), 4) + "\n" ==
             run_command("openssl x509 -noout -subject -nameopt multiline -in " + file).output);
  BOOST_TEST(cert->subject().one_line() ==
             field(run_command("openssl x509 -noout -subject -nameopt compat -in " + file).output, "subject"));
  // String types OpenSSL would pick: PrintableString, NumericString, IA5String.
  const auto& entries = cert->subject().entries();
  for (const NameEntry& e : entries) {
    BOOST_TEST_CONTEXT(e.short_name) {
      const uint8_t expected = (e.short_name == "C" || e.short_name == "serialNumber" || e.short_name == "dnQualifier" ||
                                e.short_name == "c3" || e.short_name == "jurisdictionC")
                                   ? 0x13
                               : e.short_name == "n3"                                   ? 0x12
                               : (e.short_name == "emailAddress" || e.short_name == "DC") ? 0x16
                                                                                         : 0x0c;
      BOOST_TEST(e.asn1_tag == expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(editing_follows_x509_name_add_entry_rules) {
  Name name;
  BOOST_TEST(name.empty());
  BOOST_TEST(name.one_line().empty());
  BOOST_TEST(name.print().empty());
  BOOST_REQUIRE(name.add("O", "Org").ok());
  BOOST_REQUIRE(name.add("CN", "name").ok());
  BOOST_REQUIRE(name.add("C", "US", 0).ok());  // at the front
  BOOST_TEST(name.one_line() == "/C=US/O=Org/CN=name");
  BOOST_TEST(name.rfc2253() == "CN=name,O=Org,C=US");
  BOOST_TEST(name.print() == "C = US, O = Org, CN = name");
  BOOST_REQUIRE(name.add("OU", "Unit", 2, -1).ok());  // joins O's RDN
  BOOST_TEST(name.print() == "C = US, O = Org + OU = Unit, CN = name");
  BOOST_TEST(name.rfc2253() == "CN=name,OU=Unit+O=Org,C=US");
  BOOST_REQUIRE(name.add("L", "City", 1, 1).ok());  // joins the RDN at position 1
  BOOST_TEST(name.print() == "C = US, L = City + O = Org + OU = Unit, CN = name");
  BOOST_TEST(name.one_line() == "/C=US/L=City+O=Org+OU=Unit/CN=name");

  const Name before = name;  // copies do not see later edits
  BOOST_REQUIRE(name.remove(0).ok());
  BOOST_TEST(name.print() == "L = City + O = Org + OU = Unit, CN = name");
  BOOST_TEST(before.print() == "C = US, L = City + O = Org + OU = Unit, CN = name");
  BOOST_TEST(!name.remove(10).ok());
  BOOST_TEST(name.entries()[0].set == 0);
  BOOST_TEST(name.entries()[3].set == 1);

  // Round trip through DER keeps the structure; a multi-valued RDN comes
  // back in DER SET OF order (X.690 §11.6), as OpenSSL re-reads it.
  auto parsed = Name::from_der(name.der());
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST((*parsed == name));
  BOOST_TEST(parsed->print() == "O = Org + L = City + OU = Unit, CN = name");
  BOOST_TEST(parsed->compare(name) == 0);

  // Refusals, as OpenSSL's string table makes them.
  Name bad;
  BOOST_TEST(!bad.add("C", "USA").ok());                  // exactly two characters
  BOOST_TEST(!bad.add("C", "\xc3\x9c" "S").ok());          // not a PrintableString
  BOOST_TEST(!bad.add("CN", std::string(65, 'x')).ok());  // ub-common-name
  BOOST_TEST(bad.add("CN", std::string(64, 'x')).ok());
  BOOST_TEST(!bad.add("CN", "").ok());
  BOOST_TEST(!bad.add("emailAddress", "\xc3\xa9@x").ok());  // IA5 only
  BOOST_TEST(!bad.add("NoSuchField", "x").ok());
  BOOST_TEST(!bad.add("CN", "\xff\xfe").ok());  // not UTF-8
  BOOST_TEST(!bad.add("CN", "x", 0, 2).ok());
  BOOST_TEST(!bad.add_raw("CN", 0x30, std::span<const uint8_t>()).ok());
  BOOST_TEST(bad.size() == 1u);
}

BOOST_AUTO_TEST_CASE(comparison_is_canonical_like_x509_name_cmp) {
  const Name a = make_name({{"O", "Cachet  Test"}, {"CN", "Server.Example "}});
  const Name b = make_name({{"O", "cachet test"}, {"CN", "server.example"}});
  const Name c = make_name({{"O", "cachet test"}, {"CN", "other"}});
  BOOST_TEST(!(a == b));  // different DER
  BOOST_TEST(a.compare(b) == 0);
  BOOST_TEST(a.hash() == b.hash());
  BOOST_TEST(a.compare(c) != 0);
  BOOST_TEST(a.compare(c) == -c.compare(a));
  BOOST_TEST(Name().compare(Name()) == 0);
  BOOST_TEST(Name().compare(a) < 0);
  // A PrintableString and a UTF8String with the same text are the same name.
  Name printable;
  const std::string text = "Same Text";
  BOOST_REQUIRE(printable.add_raw("CN", 0x13, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size())).ok());
  const Name utf8 = make_name({{"CN", "same text"}});
  BOOST_TEST(printable.compare(utf8) == 0);
  // The test PKI's hash, from `openssl x509 -subject_hash` (X509_NAME_hash).
  BOOST_TEST(load_certificate("p256/server.pem").subject().hash() == 0x5c8ed67au);
}

BOOST_AUTO_TEST_SUITE_END()

// ===========================================================================
BOOST_AUTO_TEST_SUITE(pki_api_bad_input)

BOOST_AUTO_TEST_CASE(malformed_certificates_are_errors) {
  const std::vector<uint8_t> der = read_bytes(pki_path("p256/server.der"));
  BOOST_TEST(!Certificate::from_der({}).ok());
  for (size_t n = 0; n < der.size(); n += (n < 64 ? 1 : 37)) {
    BOOST_TEST_CONTEXT("truncated to " << n) {
      BOOST_TEST(!Certificate::from_der(std::span(der.data(), n)).ok());
    }
  }
  std::vector<uint8_t> trailing = der;
  trailing.push_back(0);
  BOOST_TEST(!Certificate::from_der(trailing).ok());
  // Single-byte corruptions: an error or a certificate, never a crash; every
  // accessor works on whatever loads.
  size_t loaded = 0;
  for (size_t i = 0; i < der.size(); i += 3) {
    std::vector<uint8_t> flipped = der;
    flipped[i] ^= 0x5a;
    auto cert = Certificate::from_der(flipped);
    if (!cert) continue;
    ++loaded;
    (void)cert->text();
    (void)cert->subject().one_line();
    (void)cert->verify_signature(*load_certificate("p256/int.pem").public_key());
  }
  BOOST_TEST_MESSAGE(loaded << " corrupted certificates still parsed");

  BOOST_TEST(!Certificate::from_pem("").ok());
  BOOST_TEST(!Certificate::from_pem("garbage").ok());
  BOOST_TEST(!Certificate::from_pem("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n").ok());
  std::string pem = read_file(pki_path("p256/server.pem"));
  pem.erase(pem.size() / 2, 40);
  BOOST_TEST(!Certificate::from_pem(pem).ok());
  BOOST_TEST(!Certificate::load_pem_chain("").ok());
  BOOST_TEST(!Certificate::load_pem_chain(read_file(pki_path("p256/server.key"))).ok());
  BOOST_TEST(!load_certificate("p256/server.pem").fingerprint("MD4").ok());
  BOOST_TEST(load_certificate("p256/server.pem").fingerprint("MD5")->size() == 16u);
}

BOOST_AUTO_TEST_CASE(malformed_keys_and_names_are_errors) {
  BOOST_TEST(!PrivateKey::from_pem("").ok());
  BOOST_TEST(!PrivateKey::from_pem("garbage").ok());
  BOOST_TEST(!PrivateKey::from_pem(read_file(pki_path("p256/server.pem"))).ok());
  const std::vector<uint8_t> der = read_bytes(pki_path("p256/server.pkcs8.der"));
  for (size_t n = 0; n < der.size(); ++n) {
    BOOST_TEST_CONTEXT("truncated to " << n) {
      BOOST_TEST(!PrivateKey::from_der(std::span(der.data(), n)).ok());
    }
  }
  const std::string encrypted = read_file(pki_path("p256/server.pkcs8-enc.pem"));
  auto wrong = PrivateKey::from_pem(encrypted, "wrong passphrase");
  BOOST_TEST(!wrong.ok());
  BOOST_TEST((wrong.error().code() == ErrorCode::kAuthenticationFailed));
  BOOST_TEST(!PrivateKey::from_pem(encrypted).ok());
  BOOST_TEST(!PrivateKey::generate(KeyType::kRsa, 512).ok());
  BOOST_TEST(!generated_key(KeyType::kEcP256).to_encrypted_pem("").ok());

  BOOST_TEST(!PublicKey::from_pem("garbage").ok());
  BOOST_TEST(!PublicKey::from_spki_der({}).ok());
  const auto spki = load_certificate("p256/server.pem").spki_der();
  for (size_t n = 0; n < spki.size(); ++n) {
    BOOST_TEST(!PublicKey::from_spki_der(std::span(spki.data(), n)).ok());
  }

  const auto name = load_certificate("p256/server.pem").subject().der();
  BOOST_TEST(!Name::from_der({}).ok());
  for (size_t n = 0; n < name.size(); ++n) {
    BOOST_TEST(!Name::from_der(std::span(name.data(), n)).ok());
  }
  const std::vector<uint8_t> indefinite = {0x30, 0x80, 0x00, 0x00};
  BOOST_TEST(!Name::from_der(indefinite).ok());
  const std::vector<uint8_t> not_a_name = {0x30, 0x03, 0x31, 0x01, 0x05};
  BOOST_TEST(!Name::from_der(not_a_name).ok());
  const std::vector<uint8_t> empty_name = {0x30, 0x00};
  auto empty = Name::from_der(empty_name);
  BOOST_REQUIRE(empty.ok());
  BOOST_TEST((*empty == Name()));
}

BOOST_AUTO_TEST_SUITE_END()
