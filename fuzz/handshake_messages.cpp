// Fuzz target: every DTLS 1.2 handshake message parser and the hello
// extension parser (src/handshake/messages.cpp, extensions.cpp).
//
// Input: byte 0 selects the parser and its context (below, modulo the count);
// the rest is a message body without the 12-byte handshake header.
// Property: whatever parses re-serializes, the serialization parses back to
// an equal message, and serializing that gives the same bytes. A parse
// failure must map to a protocol alert, never to internal_error.
#include <cstddef>
#include <cstdint>

#include "handshake/messages.hpp"

namespace {

using namespace cachet;
using namespace cachet::handshake;

// An extensions block on its own, with the same interface as a message.
template <HelloKind kKind>
struct ExtensionsBlock {
  HelloExtensions extensions;

  static Result<ExtensionsBlock> parse(ByteSpan body) {
    ByteReader r(body);
    CACHET_ASSIGN_OR_RETURN(HelloExtensions e, parse_extensions(r, kKind));
    return ExtensionsBlock{std::move(e)};
  }
  Result<void> serialize(ByteWriter& w) const { return write_extensions(w, extensions, kKind); }
  bool operator==(const ExtensionsBlock&) const = default;
};

// Unknown extensions are skipped, so the decoded fields (not the list of
// types seen) are what must survive a round trip.
template <typename M>
M without_received_types(M m) {
  if constexpr (requires { m.extensions; }) m.extensions.received_types.clear();
  return m;
}

template <typename M, typename Parse>
void round_trip(ByteSpan input, Parse parse) {
  Result<M> first = parse(input);
  if (!first) {
    if (alert_for(first.error()) == AlertDescription::kInternalError) __builtin_trap();
    return;
  }
  Result<Bytes> bytes = encode(*first);
  if (!bytes) __builtin_trap();
  Result<M> second = parse(*bytes);
  if (!second) __builtin_trap();
  if (!(without_received_types(*first) == without_received_types(*second))) __builtin_trap();
  Result<Bytes> again = encode(*second);
  if (!again || *again != *bytes) __builtin_trap();
}

template <typename M, typename... Context>
void run(ByteSpan input, Context... context) {
  round_trip<M>(input, [&](ByteSpan body) { return M::parse(body, context...); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const ByteSpan body(data + 1, size - 1);
  constexpr uint8_t kSelectors = 18;
  switch (data[0] % kSelectors) {
    case 0: run<ClientHello>(body); break;
    case 1: run<HelloVerifyRequest>(body); break;
    case 2: run<ServerHello>(body); break;
    case 3: run<CertificateMsg>(body, CertificateType::kX509); break;
    case 4: run<CertificateMsg>(body, CertificateType::kRawPublicKey); break;
    case 5: run<ServerKeyExchange>(body, KeyExchangeKind::kEcdhe); break;
    case 6: run<ServerKeyExchange>(body, KeyExchangeKind::kPsk); break;
    case 7: run<ServerKeyExchange>(body, KeyExchangeKind::kEcdhePsk); break;
    case 8: run<CertificateRequest>(body); break;
    case 9: run<ServerHelloDone>(body); break;
    case 10: run<CertificateVerify>(body); break;
    case 11: run<ClientKeyExchange>(body, KeyExchangeKind::kEcdhe); break;
    case 12: run<ClientKeyExchange>(body, KeyExchangeKind::kPsk); break;
    case 13: run<ClientKeyExchange>(body, KeyExchangeKind::kEcdhePsk); break;
    case 14: run<Finished>(body); break;
    case 15: run<NewSessionTicket>(body); break;
    case 16: run<ExtensionsBlock<HelloKind::kClientHello>>(body); break;
    case 17: run<ExtensionsBlock<HelloKind::kServerHello>>(body); break;
  }
  return 0;
}
