// Fuzz target: a whole DTLS 1.2 client (Connection over the fuzzer-mode
// engine) that sends its real ClientHello and then handles attacker
// datagrams as the server's: HelloVerifyRequest, every server flight, the
// abbreviated handshake of a resumption, application data, alerts, timers.
// The harness and the input format are in fuzz/dtls12_role.hpp.
#include <cstddef>
#include <cstdint>

#include "dtls12_role.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)cachet::fuzz::run_input(cachet::Role::kClient, data, size);
  return 0;
}
