// Fuzz target: handshake fragment reassembly. The input is a stream of DTLS
// handshake fragments (12-byte header + body, as on the wire), each preceded
// by one control byte; invariants are checked after every step and a
// violation traps:
//   * bytes held never exceed the cap;
//   * a delivered message has exactly its declared length, in message_seq
//     order, and equals the bytes of the fragments that built it.
#include <cstddef>
#include <cstdint>
#include <map>

#include "base/byte_reader.hpp"
#include "handshake/reassembler.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cachet;
  using namespace cachet::handshake;
  Reassembler r(8 * 1024, 12 * 1024);
  ByteReader in(ByteSpan(data, size));
  // A shadow copy of every accepted byte per (seq), to check delivered bodies.
  std::map<uint16_t, std::map<uint32_t, uint8_t>> shadow;
  uint16_t expected_seq = 0;
  while (!in.empty()) {
    auto control = in.u8();
    if (!control) break;
    if (*control == 0xff) {  // occasionally jump the expected sequence
      auto seq = in.u8();
      if (!seq) break;
      r.set_next_seq(*seq);
      expected_seq = *seq;
      // Mirror what the reassembler keeps: pending messages inside the new window.
      std::erase_if(shadow, [&](const auto& entry) {
        return entry.first < expected_seq || entry.first >= expected_seq + Reassembler::kWindow;
      });
      continue;
    }
    auto fragment = read_fragment(in);
    if (!fragment) break;
    const size_t held_before = r.buffered_bytes();
    auto outcome = r.add_fragment(fragment->header, fragment->body);
    if (outcome == Reassembler::Outcome::kAccepted) {
      auto& bytes = shadow[fragment->header.message_seq];
      for (uint32_t i = 0; i < fragment->header.fragment_length; ++i) {
        bytes[fragment->header.fragment_offset + i] = fragment->body[i];
      }
    } else if (outcome == Reassembler::Outcome::kInconsistent) {
      // After repeated conflicts the message is dropped (bytes freed).
      if (r.buffered_bytes() < held_before) shadow.erase(fragment->header.message_seq);
    }
    if (r.buffered_bytes() > 12 * 1024) __builtin_trap();
    while (auto m = r.next_message()) {
      if (m->message_seq != expected_seq) __builtin_trap();
      ++expected_seq;
      auto it = shadow.find(m->message_seq);
      if (it != shadow.end()) {
        if (it->second.size() != m->body.size() && !m->body.empty()) __builtin_trap();
        for (auto [off, byte] : it->second) {
          if (off >= m->body.size() || m->body[off] != byte) __builtin_trap();
        }
        shadow.erase(it);
      }
    }
  }
  return 0;
}
