// Fuzz target: a whole DTLS 1.2 server (Connection over the fuzzer-mode
// engine) handling attacker datagrams as the client's: ClientHello with and
// without the cookie exchange, the client's key exchange, certificate,
// CertificateVerify and Finished flights, resumption by ticket, application
// data, alerts, timers. The harness and the input format are in
// fuzz/dtls12_role.hpp.
#include <cstddef>
#include <cstdint>

#include "dtls12_role.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)cachet::fuzz::run_input(cachet::Role::kServer, data, size);
  return 0;
}
