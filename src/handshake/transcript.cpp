#include "handshake/transcript.hpp"

#include "base/byte_writer.hpp"
#include "handshake/handshake_header.hpp"

namespace cachet::handshake {

void Transcript::add(HandshakeType type, uint16_t message_seq, ByteSpan body) {
  uint8_t header[kHandshakeHeaderSize];
  ByteWriter w{MutableByteSpan(header)};
  const auto len = static_cast<uint32_t>(body.size());
  write_fragment_header(w, FragmentHeader{type, len, message_seq, 0, len});
  all_.insert(all_.end(), header, header + kHandshakeHeaderSize);
  all_.insert(all_.end(), body.begin(), body.end());
  if (hash_) {
    hash_->update(ByteSpan(header, kHandshakeHeaderSize));
    hash_->update(body);
  }
}

void Transcript::set_hash(crypto::HashAlgorithm alg) {
  hash_.emplace(alg);
  hash_->update(all_);
}

void Transcript::reset() {
  all_.clear();
  hash_.reset();
}

Bytes Transcript::current_hash() const { return hash_ ? hash_->peek() : Bytes{}; }

void Transcript::release() noexcept {
  all_.clear();
  all_.shrink_to_fit();
  hash_.reset();
}

}  // namespace cachet::handshake
