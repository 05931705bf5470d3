#include "handshake/transport.hpp"

#include <algorithm>

#include "base/byte_reader.hpp"
#include "base/byte_writer.hpp"
#include "handshake/handshake_header.hpp"

namespace cachet::handshake {

HandshakeTransport::HandshakeTransport(RetransmitPolicy policy, size_t mtu)
    : timer_(policy),
      mtu_(static_cast<uint16_t>(std::clamp(mtu, kMinMtu, kMaxMtu))),
      configured_mtu_(mtu_) {}

Result<void> HandshakeTransport::set_mtu(size_t mtu) {
  if (mtu < kMinMtu) return Error(ErrorCode::kInvalidArgument, "MTU below 256 bytes");
  if (mtu > kMaxMtu) return Error(ErrorCode::kInvalidArgument, "MTU above 65535 bytes");
  // Takes effect on the next (re)transmission.
  mtu_ = configured_mtu_ = static_cast<uint16_t>(mtu);
  return ok();
}

void HandshakeTransport::back_off_mtu() noexcept {
  if (!mtu_backoff_ || flight_transmissions_ < kBackoffAfterTransmissions) return;
  for (const size_t rung : kFallbackMtus) {
    if (rung < largest_datagram_ && rung < mtu_) {
      mtu_ = static_cast<uint16_t>(std::max(rung, kMinMtu));
      ++stats_.mtu_reductions;
      return;
    }
  }
}

void HandshakeTransport::on_handshake_record(ByteSpan payload) {
  ByteReader r(payload);
  while (!r.empty()) {
    auto fragment = read_fragment(r);
    if (!fragment) {
      ++stats_.fragments_dropped;
      return;
    }
    ++stats_.fragments_received;
    switch (reassembler_.add_fragment(fragment->header, fragment->body)) {
      case Reassembler::Outcome::kAccepted:
        break;
      case Reassembler::Outcome::kOld:
        ++stats_.old_fragments;
        peer_retransmitted_ = true;
        break;
      default:
        ++stats_.fragments_dropped;
        break;
    }
  }
}

void HandshakeTransport::start_new_flight() noexcept {
  // Karn's rule: only a flight transmitted exactly once gives a sample.
  if (flight_sent_ && flight_transmissions_ == 1 && first_transmit_ && last_arrival_ &&
      *last_arrival_ >= *first_transmit_) {
    timer_.on_rtt_sample(*last_arrival_ - *first_transmit_);
  }
  flight_transmissions_ = 0;
  first_transmit_.reset();
  flight_.clear();
  flight_sent_ = false;
  timer_.stop();
  timer_.reset();
  peer_retransmitted_ = false;
}

std::optional<HandshakeMessage> HandshakeTransport::next_message() {
  auto m = reassembler_.next_message();
  if (m) observe(false, m->type, m->message_seq, m->body);
  return m;
}

void HandshakeTransport::observe(bool sent, HandshakeType type, uint16_t seq, ByteSpan body) const {
  if (observer_ == nullptr || !*observer_) return;
  Bytes whole(kHandshakeHeaderSize + body.size());
  ByteWriter w{MutableByteSpan(whole.data(), kHandshakeHeaderSize)};
  const auto len = static_cast<uint32_t>(body.size());
  write_fragment_header(w, FragmentHeader{type, len, seq, 0, len});
  std::copy(body.begin(), body.end(), whole.begin() + kHandshakeHeaderSize);
  (*observer_)(sent, static_cast<uint8_t>(record::ContentType::kHandshake), whole);
}

uint16_t HandshakeTransport::add_message(record::Epoch epoch, HandshakeType type, Bytes body) {
  const uint16_t seq = send_seq_++;
  observe(true, type, seq, body);
  flight_.add_handshake(epoch, type, seq, std::move(body));
  return seq;
}

void HandshakeTransport::add_change_cipher_spec(record::Epoch epoch) {
  if (observer_ != nullptr && *observer_) {
    const uint8_t ccs[1] = {1};
    (*observer_)(true, static_cast<uint8_t>(record::ContentType::kChangeCipherSpec), ccs);
  }
  flight_.add_change_cipher_spec(epoch);
}

Result<void> HandshakeTransport::transmit(Instant now, record::RecordSealer& sealer, std::vector<Bytes>& out) {
  const size_t before = out.size();
  CACHET_TRY(flight_.write(mtu_, sealer, out, max_record_payload_));
  largest_datagram_ = 0;
  for (size_t i = before; i < out.size(); ++i) {
    ++stats_.datagrams_sent;
    stats_.bytes_sent += out[i].size();
    largest_datagram_ = std::max(largest_datagram_, static_cast<uint16_t>(std::min(out[i].size(), kMaxMtu)));
  }
  last_transmit_ = now;
  ++flight_transmissions_;
  return ok();
}

Result<void> HandshakeTransport::send_flight(Instant now, bool final_flight, record::RecordSealer& sealer,
                                             std::vector<Bytes>& out) {
  if (flight_.empty()) return Error(ErrorCode::kWrongState, "no flight to send");
  CACHET_TRY(transmit(now, sealer, out));
  ++stats_.flights_sent;
  if (!flight_sent_) first_transmit_ = now;
  flight_sent_ = true;
  peer_retransmitted_ = false;
  if (final_flight) timer_.stop(); else timer_.start(now);
  return ok();
}

Result<void> HandshakeTransport::handle_timeout(Instant now, record::RecordSealer& sealer, std::vector<Bytes>& out) {
  if (!timer_.expired(now)) return ok();
  if (!timer_.back_off(now)) {
    timed_out_ = true;
    return Error(ErrorCode::kWrongState, "handshake timed out");
  }
  ++stats_.retransmissions;
  back_off_mtu();
  return transmit(now, sealer, out);
}

Result<void> HandshakeTransport::respond_to_peer_retransmission(Instant now, record::RecordSealer& sealer,
                                                                std::vector<Bytes>& out) {
  if (!peer_retransmitted_) return ok();
  peer_retransmitted_ = false;
  if (!flight_sent_ || flight_.empty()) return ok();
  // A hold-off against answering every datagram of one retransmitted peer
  // flight: half our timer, no longer than half the initial one, so a peer
  // whose timer adapted to the RTT (RFC 9147 §5.8.2) is answered at once.
  const Duration hold_off = std::min<Duration>(timer_.policy().initial_timeout, timer_.current_timeout()) / 2;
  if (last_transmit_ && now - *last_transmit_ < hold_off) return ok();
  ++stats_.retransmissions;
  CACHET_TRY(transmit(now, sealer, out));
  // RFC 6347 §4.2.4: back to WAITING with the timer running (if it was).
  if (timer_.armed()) timer_.start(now);
  return ok();
}

void HandshakeTransport::release(bool keep_final_flight) noexcept {
  reassembler_.release();
  if (!keep_final_flight) {
    flight_.clear();
    flight_sent_ = false;
  } else {
    flight_.shrink_to_fit();  // kept for the connection's life: no spare entries
  }
  timer_.stop();
}

}  // namespace cachet::handshake
