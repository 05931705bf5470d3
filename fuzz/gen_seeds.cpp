// Writes the seed corpora of the fuzz targets from real sealed records (run by
// `make fuzz-seeds`; the output is committed under fuzz/corpus/).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_keys.hpp"
#include "record/record_layer.hpp"

namespace fs = std::filesystem;
using namespace cachet;

static void write_seed(const fs::path& dir, const std::string& name, const Bytes& bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

static Bytes seal_records(record::RecordLayer& layer, record::Epoch epoch, record::ContentType type, int count,
                          size_t payload_size) {
  Bytes datagram;
  for (int i = 0; i < count; ++i) {
    Bytes payload(payload_size, static_cast<uint8_t>(0x40 + i));
    Bytes out(payload_size + 128);
    auto n = layer.seal(epoch, type, payload, out);
    if (!n) __builtin_trap();
    datagram.insert(datagram.end(), out.begin(), out.begin() + static_cast<ptrdiff_t>(*n));
  }
  return datagram;
}

int main(int argc, char** argv) {
  const fs::path root = argc > 1 ? argv[1] : "fuzz/corpus";
  const fs::path dir = root / "record_open";
  int n = 0;
  for (size_t a = 0; a < std::size(fuzz::kFuzzAeads); ++a) {
    for (int cid = 0; cid < 2; ++cid) {
      record::RecordLayer sender;
      if (cid) (void)sender.set_send_cid(fuzz::kFuzzCid);
      Bytes plain = seal_records(sender, record::Epoch(0), record::ContentType::kHandshake, 2, 20);
      (void)sender.install_write_epoch(record::Epoch(1), fuzz::fuzz_protection(fuzz::kFuzzAeads[a]));
      Bytes early = seal_records(sender, record::Epoch(1), record::ContentType::kHandshake, 1, 12);
      Bytes data = seal_records(sender, record::Epoch(1), record::ContentType::kApplicationData, 3, 30);
      Bytes alert = seal_records(sender, record::Epoch(1), record::ContentType::kAlert, 1, 2);
      // Layout: config byte, split byte, first datagram (epoch 0 + early epoch 1), second datagram.
      Bytes first = plain;
      first.insert(first.end(), early.begin(), early.end());
      Bytes seed = {static_cast<uint8_t>(a << 1 | static_cast<size_t>(cid)), static_cast<uint8_t>(first.size() > 255 ? 255 : first.size())};
      if (first.size() > 255) first.resize(255);
      seed.insert(seed.end(), first.begin(), first.end());
      seed.insert(seed.end(), data.begin(), data.end());
      seed.insert(seed.end(), alert.begin(), alert.end());
      write_seed(dir, "seed-" + std::to_string(n++), seed);
    }
  }
  std::printf("wrote %d seeds to %s\n", n, dir.c_str());
  return 0;
}
