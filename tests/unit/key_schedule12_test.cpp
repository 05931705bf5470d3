// The TLS 1.2 key schedule against OpenSSL: an in-process OpenSSL DTLS 1.2
// client and server shake hands over memory BIOs; from the master secret and
// randoms OpenSSL reports, Cachet's exporter must give OpenSSL's exported
// bytes, and Cachet's key block must open (and seal) the application-data
// records the two OpenSSL endpoints exchange.
#include <boost/test/unit_test.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <map>

#include "base/byte_reader.hpp"
#include "base/hex.hpp"
#include "handshake/cipher_suites.hpp"
#include "handshake/key_schedule12.hpp"
#include "record/header.hpp"
#include "record/protection.hpp"
#include "test_util.hpp"

using namespace cachet;
using namespace cachet::handshake;

namespace {

struct OpenSslPair {
  SSL_CTX* server_ctx = nullptr;
  SSL_CTX* client_ctx = nullptr;
  SSL* server = nullptr;
  SSL* client = nullptr;
  BIO* c2s = nullptr;  // client writes, server reads
  BIO* s2c = nullptr;

  explicit OpenSslPair(const char* cipher, bool psk) {
    server_ctx = SSL_CTX_new(DTLS_server_method());
    client_ctx = SSL_CTX_new(DTLS_client_method());
    for (SSL_CTX* ctx : {server_ctx, client_ctx}) {
      SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
      SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION);
      SSL_CTX_set_cipher_list(ctx, cipher);
      SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
    }
    if (psk) {
      SSL_CTX_set_psk_server_callback(server_ctx, [](SSL*, const char*, unsigned char* out, unsigned int max) -> unsigned {
        for (unsigned i = 0; i < 16 && i < max; ++i) out[i] = static_cast<unsigned char>(i);
        return 16;
      });
      SSL_CTX_set_psk_client_callback(client_ctx, [](SSL*, const char*, char* id, unsigned int max_id, unsigned char* out,
                                                     unsigned int max) -> unsigned {
        snprintf(id, max_id, "client1");
        for (unsigned i = 0; i < 16 && i < max; ++i) out[i] = static_cast<unsigned char>(i);
        return 16;
      });
    } else {
      EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      X509* cert = X509_new();
      ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
      X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
      X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
      X509_set_pubkey(cert, key);
      X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("test"), -1, -1, 0);
      X509_set_issuer_name(cert, X509_get_subject_name(cert));
      X509_sign(cert, key, EVP_sha256());
      SSL_CTX_use_certificate(server_ctx, cert);
      SSL_CTX_use_PrivateKey(server_ctx, key);
      X509_free(cert);
      EVP_PKEY_free(key);
    }
    server = SSL_new(server_ctx);
    client = SSL_new(client_ctx);
    c2s = BIO_new(BIO_s_mem());
    s2c = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(c2s, -1);
    BIO_set_mem_eof_return(s2c, -1);
    BIO_up_ref(c2s);
    BIO_up_ref(s2c);
    SSL_set_bio(client, s2c, c2s);
    SSL_set_bio(server, c2s, s2c);
    DTLS_set_link_mtu(client, 1500);
    DTLS_set_link_mtu(server, 1500);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
  }
  ~OpenSslPair() {
    SSL_free(client);
    SSL_free(server);
    SSL_CTX_free(client_ctx);
    SSL_CTX_free(server_ctx);
  }

  bool handshake() {
    for (int i = 0; i < 20; ++i) {
      int c = SSL_do_handshake(client);
      int s = SSL_do_handshake(server);
      if (c == 1 && s == 1) return true;
    }
    ERR_print_errors_fp(stderr);
    return false;
  }
  static Bytes drain(BIO* bio) {
    Bytes out(BIO_ctrl_pending(bio));
    if (!out.empty()) BIO_read(bio, out.data(), static_cast<int>(out.size()));
    return out;
  }
};

// Opens every application_data record in `wire` with `p`; returns the plaintexts.
std::vector<std::string> open_app_data(const record::RecordProtection& p, Bytes wire) {
  std::vector<std::string> out;
  ByteReader r(wire);
  for (;;) {
    const size_t start = r.offset();
    auto parsed = record::parse_record(r, 0);
    if (parsed.status != record::ParseStatus::kOk) break;
    if (parsed.record.header.type != record::ContentType::kApplicationData) continue;
    MutableByteSpan fragment = MutableByteSpan(wire).subspan(start + parsed.record.header_bytes.size(),
                                                             parsed.record.fragment.size());
    auto opened = p.open(parsed.record.header, fragment);
    if (opened) out.emplace_back(opened->plaintext.begin(), opened->plaintext.end());
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(key_schedule12)

BOOST_AUTO_TEST_CASE(psk_premaster_layouts) {
  const Bytes psk = test::hex("0a0b0c");
  // RFC 4279 §2: uint16 N, N zeros, uint16 N, psk.
  BOOST_TEST(to_hex(psk_premaster_secret(psk).span()) == "0003000000" "00030a0b0c");
  // RFC 5489 §2: uint16 len(Z), Z, uint16 len(psk), psk.
  BOOST_TEST(to_hex(ecdhe_psk_premaster_secret(test::hex("1122"), psk).span()) == "00021122" "00030a0b0c");
}

BOOST_AUTO_TEST_CASE(exporter_and_key_block_match_openssl) {
  const char* suites[] = {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                          "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-CCM8", "PSK-AES128-GCM-SHA256",
                          "ECDHE-PSK-CHACHA20-POLY1305"};
  for (const char* name : suites) {
    BOOST_TEST_CONTEXT(name) {
      const CipherSuite* suite = find_cipher_suite(std::string_view(name));
      BOOST_TEST_REQUIRE(suite != nullptr);
      OpenSslPair pair(name, suite->authentication == Authentication::kPsk);
      BOOST_TEST_REQUIRE(pair.handshake());
      BOOST_TEST(SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(pair.client)) == suite->code);

      uint8_t master[48], client_random[32], server_random[32];
      BOOST_TEST_REQUIRE(SSL_SESSION_get_master_key(SSL_get_session(pair.client), master, 48) == 48u);
      SSL_get_client_random(pair.client, client_random, 32);
      SSL_get_server_random(pair.client, server_random, 32);

      // RFC 5705 exporter, with and without context (DTLS-SRTP's label).
      for (bool with_context : {false, true}) {
        uint8_t theirs[60];
        const uint8_t ctx_bytes[3] = {1, 2, 3};
        BOOST_TEST_REQUIRE(SSL_export_keying_material(pair.client, theirs, 60, "EXTRACTOR-dtls_srtp", 19,
                                                      ctx_bytes, 3, with_context ? 1 : 0) == 1);
        ByteSpan ctx(ctx_bytes, 3);
        auto ours = export_keying_material(suite->prf_hash, ByteSpan(master, 48), ByteSpan(client_random, 32),
                                           ByteSpan(server_random, 32), "EXTRACTOR-dtls_srtp",
                                           with_context ? &ctx : nullptr, 60);
        BOOST_TEST_REQUIRE(ours.ok());
        BOOST_TEST(to_hex(ours->span()) == to_hex(ByteSpan(theirs, 60)));
      }

      // Key block: open what the OpenSSL client sends, seal what it reads.
      auto kb = derive_key_block(suite->prf_hash, suite->aead, ByteSpan(master, 48), ByteSpan(client_random, 32),
                                 ByteSpan(server_random, 32));
      BOOST_TEST_REQUIRE(kb.ok());
      (void)OpenSslPair::drain(pair.c2s);
      BOOST_TEST_REQUIRE(SSL_write(pair.client, "hello from openssl", 18) == 18);
      auto client_write = record::RecordProtection::create(suite->aead, kb->client_write.key, kb->client_write.iv);
      BOOST_TEST_REQUIRE(client_write.ok());
      auto opened = open_app_data(*client_write, OpenSslPair::drain(pair.c2s));
      BOOST_TEST_REQUIRE(opened.size() == 1u);
      BOOST_TEST(opened[0] == "hello from openssl");

      auto server_write = record::RecordProtection::create(suite->aead, kb->server_write.key, kb->server_write.iv);
      BOOST_TEST_REQUIRE(server_write.ok());
      record::RecordHeader h;
      h.type = record::ContentType::kApplicationData;
      h.version = 0xfefd;
      h.epoch = record::Epoch(1);
      h.sequence = record::SequenceNumber(1000);
      Bytes rec(200);
      auto n = server_write->seal(h, as_bytes("hello from cachet"), rec);
      BOOST_TEST_REQUIRE(n.ok());
      BIO_write(pair.s2c, rec.data(), static_cast<int>(*n));
      char buf[64] = {};
      BOOST_TEST_REQUIRE(SSL_read(pair.client, buf, sizeof buf) == 17);
      BOOST_TEST(std::string(buf) == "hello from cachet");
    }
  }
}

BOOST_AUTO_TEST_CASE(exporter_refuses_reserved_labels_and_bad_lengths) {
  const Bytes master(48, 1), r(32, 2);
  for (const char* label : {"client finished", "server finished", "master secret", "key expansion"}) {
    BOOST_TEST(!export_keying_material(crypto::HashAlgorithm::kSha256, master, r, r, label, nullptr, 16).ok());
  }
  BOOST_TEST(!export_keying_material(crypto::HashAlgorithm::kSha256, master, r, r, "x", nullptr, 0).ok());
  BOOST_TEST(export_keying_material(crypto::HashAlgorithm::kSha256, master, r, r, "x", nullptr, 1).ok());
}

BOOST_AUTO_TEST_CASE(cipher_suite_table) {
  BOOST_TEST(supported_cipher_suites().size() == 14u);
  BOOST_TEST(find_cipher_suite(uint16_t{0xc02b})->openssl_name == "ECDHE-ECDSA-AES128-GCM-SHA256");
  BOOST_TEST(find_cipher_suite("tls_psk_with_aes_128_ccm_8")->code == 0xc0a8);
  BOOST_TEST(find_cipher_suite(uint16_t{0x002f}) == nullptr);  // AES128-SHA (CBC): not supported
  BOOST_TEST(find_cipher_suite("AES128-SHA") == nullptr);
  // Every suite OpenSSL 3 knows has OpenSSL's name and code point; the only
  // ones it lacks are the RFC 8442 ECDHE-PSK AEAD suites.
  SSL_CTX* probe = SSL_CTX_new(DTLS_method());
  BOOST_TEST_REQUIRE(SSL_CTX_set_cipher_list(probe, "ALL:PSK:@SECLEVEL=0") == 1);
  std::map<uint16_t, std::string> openssl_names;
  STACK_OF(SSL_CIPHER)* list = SSL_CTX_get_ciphers(probe);
  for (int i = 0; i < sk_SSL_CIPHER_num(list); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(list, i);
    openssl_names[static_cast<uint16_t>(SSL_CIPHER_get_protocol_id(c))] = SSL_CIPHER_get_name(c);
  }
  SSL_CTX_free(probe);
  for (const auto& s : supported_cipher_suites()) {
    BOOST_TEST_CONTEXT(s.openssl_name) {
      auto it = openssl_names.find(s.code);
      if (it == openssl_names.end()) {
        BOOST_TEST((s.code == 0xd001 || s.code == 0xd003));
      } else {
        BOOST_TEST(it->second == s.openssl_name);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
