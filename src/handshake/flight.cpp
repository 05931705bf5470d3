#include "handshake/flight.hpp"

#include <algorithm>
#include <iterator>

#include "base/byte_writer.hpp"
#include "handshake/handshake_header.hpp"

namespace cachet::handshake {

namespace {

// Below this much room for a fragment body, start a new datagram instead of
// sending a sliver (unless the datagram is empty).
constexpr size_t kMinUsefulFragment = 64;

// Appends datagrams to `out` as records are added.
class DatagramPacker {
 public:
  DatagramPacker(size_t mtu, size_t max_record_payload, record::RecordSealer& sealer, std::vector<Bytes>& out)
      : mtu_(mtu), max_record_payload_(max_record_payload), sealer_(sealer), out_(out) {}

  // Room for the next record's payload: what the datagram has left, and no
  // more than one record may carry.
  size_t room(record::Epoch epoch) const noexcept {
    const size_t used = current_.size() + sealer_.overhead(epoch);
    return used >= mtu_ ? 0 : std::min(mtu_ - used, max_record_payload_);
  }
  bool empty() const noexcept { return current_.empty(); }

  Result<void> add(record::Epoch epoch, record::ContentType type, ByteSpan payload) {
    const size_t start = current_.size();
    current_.resize(start + payload.size() + sealer_.overhead(epoch));
    auto n = sealer_.seal(epoch, type, payload, MutableByteSpan(current_).subspan(start));
    if (!n) {
      current_.resize(start);
      return n.error();
    }
    current_.resize(start + *n);
    return ok();
  }

  void flush() {
    if (current_.empty()) return;
    out_.push_back(std::move(current_));
    current_ = Bytes();
  }

 private:
  size_t mtu_;
  size_t max_record_payload_;
  record::RecordSealer& sealer_;
  std::vector<Bytes>& out_;
  Bytes current_;
};

}  // namespace

// A flight has at most five entries (a full server flight: ServerHello,
// Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone); one
// allocation holds them, instead of the vector growing 1, 2, 4, 8.
constexpr size_t kFlightEntriesReserved = 5;

void Flight::add_handshake(record::Epoch epoch, HandshakeType type, uint16_t message_seq, Bytes body) {
  if (entries_.capacity() == 0) entries_.reserve(kFlightEntriesReserved);
  entries_.push_back(FlightEntry{record::ContentType::kHandshake, epoch, type, message_seq, std::move(body)});
}

void Flight::add_change_cipher_spec(record::Epoch epoch) {
  if (entries_.capacity() == 0) entries_.reserve(kFlightEntriesReserved);
  entries_.push_back(FlightEntry{record::ContentType::kChangeCipherSpec, epoch, HandshakeType::kHelloRequest, 0, Bytes{1}});
}

size_t Flight::body_bytes() const noexcept {
  size_t n = 0;
  for (const auto& e : entries_) n += e.body.size();
  return n;
}

void Flight::shrink_to_fit() noexcept {
  if (entries_.capacity() == entries_.size()) return;
  try {
    std::vector<FlightEntry>(std::make_move_iterator(entries_.begin()), std::make_move_iterator(entries_.end()))
        .swap(entries_);
  } catch (...) {
    // Out of memory: keep the larger vector; nothing is lost.
  }
}

void Flight::clear() noexcept {
  entries_.clear();
  entries_.shrink_to_fit();
}

Result<void> Flight::write(size_t mtu, record::RecordSealer& sealer, std::vector<Bytes>& out,
                           size_t max_record_payload) const {
  DatagramPacker packer(mtu, max_record_payload, sealer, out);
  for (const FlightEntry& e : entries_) {
    if (e.content == record::ContentType::kChangeCipherSpec) {
      if (packer.room(e.epoch) < e.body.size()) packer.flush();
      if (packer.room(e.epoch) < e.body.size()) return Error(ErrorCode::kInvalidArgument, "MTU too small");
      CACHET_TRY(packer.add(e.epoch, e.content, e.body));
      continue;
    }
    const size_t total = e.body.size();
    size_t offset = 0;
    // At least one fragment, even for an empty message (ServerHelloDone).
    bool sent_any = false;
    while (!sent_any || offset < total) {
      const size_t remaining = total - offset;
      size_t room = packer.room(e.epoch);
      room = room > kHandshakeHeaderSize ? room - kHandshakeHeaderSize : 0;
      const bool fits_header = packer.room(e.epoch) >= kHandshakeHeaderSize;
      if (!packer.empty() && (!fits_header || (remaining > 0 && (room == 0 || (room < remaining && room < kMinUsefulFragment))))) {
        packer.flush();
        continue;
      }
      if (!fits_header || (remaining > 0 && room == 0)) {
        return Error(ErrorCode::kInvalidArgument, "MTU too small for a handshake fragment");
      }
      // A record carries at most 2^14 bytes (RFC 6347 §4.1).
      const size_t frag = std::min({remaining, room, record::kMaxPlaintextSize - kHandshakeHeaderSize});
      ByteWriter w;
      write_fragment_header(w, FragmentHeader{e.type, static_cast<uint32_t>(total), e.message_seq,
                                              static_cast<uint32_t>(offset), static_cast<uint32_t>(frag)});
      w.bytes(ByteSpan(e.body).subspan(offset, frag));
      CACHET_ASSIGN_OR_RETURN(Bytes payload, w.take());
      CACHET_TRY(packer.add(e.epoch, e.content, payload));
      offset += frag;
      sent_any = true;
    }
  }
  packer.flush();
  return ok();
}

}  // namespace cachet::handshake
