// Fuzz target: the DTLS 1.2 record layer's receive path (header parsing,
// epoch and CID lookup, replay window, AEAD open, inner plaintext) with fixed
// keys, plus sealing of what was accepted.
//
// Input: byte 0 selects the configuration (bit 0: CID in use; bits 1..3:
// AEAD); byte 1 splits the rest into two datagrams (the second is processed
// after an epoch change); the rest is datagram bytes.
#include <cstddef>
#include <cstdint>

#include "fuzz_keys.hpp"
#include "record/record_layer.hpp"

namespace {

class EchoSink : public cachet::record::RecordSink {
 public:
  explicit EchoSink(cachet::record::RecordLayer& layer) : layer_(layer) {}
  void on_record(const cachet::record::Record& r) override {
    uint8_t out[cachet::record::kMaxPlaintextSize + 512];
    (void)layer_.seal(layer_.write_epoch(), r.type, r.payload, out);
  }

 private:
  cachet::record::RecordLayer& layer_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cachet;
  if (size < 2) return 0;
  const bool with_cid = data[0] & 1;
  const auto alg = fuzz::kFuzzAeads[(data[0] >> 1 & 7) % std::size(fuzz::kFuzzAeads)];
  const size_t split = data[1];
  Bytes input(data + 2, data + size);

  record::RecordLayer layer;
  EchoSink sink(layer);
  if (with_cid) {
    (void)layer.set_receive_cid(fuzz::kFuzzCid);
    (void)layer.set_send_cid(fuzz::kFuzzCid);
  }
  Instant now{};
  const size_t first = split < input.size() ? split : input.size();
  // First datagram at epoch 0 (records for epoch 1 get buffered), then keys
  // arrive and the buffered ones are processed, then the second datagram.
  layer.process_datagram(MutableByteSpan(input).first(first), now, sink);
  (void)layer.install_write_epoch(record::Epoch(1), fuzz::fuzz_protection(alg));
  (void)layer.install_read_epoch(record::Epoch(1), fuzz::fuzz_protection(alg), now, sink);
  Bytes second(input.begin() + static_cast<ptrdiff_t>(first), input.end());
  Bytes again = second;
  layer.process_datagram(second, now, sink);
  layer.process_datagram(again, now, sink);  // replays must all be dropped
  return 0;
}
