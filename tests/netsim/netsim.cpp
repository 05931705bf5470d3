#include "netsim/netsim.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cachet::netsim {
namespace {

// CACHET_RECORD_DATAGRAMS=DIR: every datagram handed to Network::send (the
// netsim tests, the interop harness, `cachet proxy`) is written to DIR, one
// file per datagram, as sent (before loss, corruption or reordering), named
//   <pid>-<network>-<n>-<from>to<to>.dgram
// pid: the recording process; network: the Networks of that process in the
// order they first sent (4 digits); n: the order of the datagram on its
// Network (6 digits); from/to: the netsim addresses, host as 8 hex digits,
// "." and the port in decimal (0a000001.40000). An association is
// (pid, network, the pair of addresses). fuzz/corpus_from_transcripts reads
// these directories (fuzz/README.md).
class Recorder {
 public:
  // nullptr unless the variable is set: read once per process.
  static Recorder* instance() {
    static Recorder* const r = []() -> Recorder* {
      const char* dir = std::getenv("CACHET_RECORD_DATAGRAMS");
      if (dir == nullptr || *dir == '\0') return nullptr;
      std::error_code ec;
      std::filesystem::create_directories(dir, ec);
      if (ec) {
        std::fprintf(stderr, "netsim: CACHET_RECORD_DATAGRAMS=%s: %s (not recording)\n", dir, ec.message().c_str());
        return nullptr;
      }
      return new Recorder(dir);  // lives as long as the process
    }();
    return r;
  }

  // `fresh`: the network has sent nothing yet (a new Network, even one at
  // the address of a destroyed one, gets a new number).
  void record(const Network* net, bool fresh, Address from, Address to, ByteSpan bytes) {
    std::lock_guard lock(mu_);
    auto it = networks_.find(net);
    if (it == networks_.end() || fresh) it = networks_.insert_or_assign(net, Counters{next_network_++, 0}).first;
    char name[96];
    std::snprintf(name, sizeof name, "%ld-%04u-%06u-%08x.%uto%08x.%u.dgram", static_cast<long>(::getpid()),
                  it->second.network, it->second.sent++, from.host, from.port, to.host, to.port);
    const std::string path = dir_ + "/" + name;
    bool ok = false;
    if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
      ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
      ok = std::fclose(f) == 0 && ok;
    }
    if (!ok && !warned_) {
      warned_ = true;
      std::fprintf(stderr, "netsim: cannot write %s (recording is incomplete)\n", path.c_str());
    }
  }

 private:
  explicit Recorder(std::string dir) : dir_(std::move(dir)) {}
  struct Counters {
    unsigned network;
    unsigned sent;
  };
  std::string dir_;
  std::mutex mu_;
  std::unordered_map<const Network*, Counters> networks_;
  unsigned next_network_ = 0;
  bool warned_ = false;
};

}  // namespace

void Network::schedule(Datagram d, Instant at) {
  d.deliver_at = at;
  queue_.push(Entry{at, order_++, std::move(d)});
}

void Network::send(Address from, Address to, Bytes bytes, Instant now) {
  if (Recorder* recorder = Recorder::instance()) recorder->record(this, stats_.sent == 0, from, to, bytes);
  ++stats_.sent;
  const Impairments& imp = impairments_;
  for (const auto& [start, end] : imp.blackouts) {
    if (now >= start && now < end) {
      ++stats_.blacked_out;
      return;
    }
  }
  if (imp.mtu != 0 && bytes.size() > imp.mtu) {
    ++stats_.too_big;
    return;
  }
  if (chance(imp.loss)) {
    ++stats_.lost;
    return;
  }
  if (chance(imp.corrupt) && !bytes.empty()) {
    const uint64_t bit = random_.uniform(bytes.size() * 8);
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    ++stats_.corrupted;
  }
  auto delay_once = [&]() {
    Duration d = imp.delay;
    if (imp.jitter.count() > 0) d += Duration(static_cast<int64_t>(random_.uniform(static_cast<uint64_t>(imp.jitter.count()))));
    if (chance(imp.reorder)) {
      ++stats_.reordered;
      d += imp.reorder_delay;
    }
    return now + d;
  };
  const bool dup = chance(imp.duplicate);
  if (dup) {
    ++stats_.duplicated;
    schedule(Datagram{from, to, bytes, {}}, delay_once());
  }
  schedule(Datagram{from, to, std::move(bytes), {}}, delay_once());
}

std::optional<Instant> Network::next_delivery() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.top().at;
}

std::vector<Datagram> Network::deliver(Instant now) {
  std::vector<Datagram> out;
  while (!queue_.empty() && queue_.top().at <= now) {
    out.push_back(queue_.top().datagram);
    queue_.pop();
    ++stats_.delivered;
  }
  return out;
}

}  // namespace cachet::netsim
