// Truncates and corrupts real ELF files at many offsets and checks that the
// reader behind `cachet doctor` (tools/elf.cpp) returns an error, never crashes
// and never reads outside the image (run it under -fsanitize=address,undefined
// to prove the last part; every mutated image lives in a buffer of exactly its
// own size so a stray read is caught).
//
//   elf_fuzz [FILE...]      (default: this program's own binary)
//   ELF_FUZZ_ROUNDS=N       random-damage rounds per file (default 3000; 600 for large files)
//
// Prints one "CASE PASS:/CASE FAIL: ..." line per file and kind of mutation;
// exits 1 if any case failed.
#include <elf.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "elf.hpp"

namespace {

using cachet::elf::Result;

int failures = 0;

void report(bool ok, const std::string& name, const std::string& detail) {
  // The detail goes on a line of its own: case names stay the same from run to run.
  std::printf("CASE %s: %s\n", ok ? "PASS" : "FAIL", name.c_str());
  if (!detail.empty()) std::printf("    %s\n", detail.c_str());
  if (!ok) ++failures;
}

// A deterministic generator (xorshift64*), so failures reproduce.
struct Rng {
  uint64_t state = 0x9e3779b97f4a7c15ULL;
  uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dULL;
  }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
};

std::vector<uint8_t> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The layout of a known-good file, read here independently of the reader under
// test: the header, the section header table, and the sections the reader
// walks (the dynamic symbol and string tables, versions, .dynamic).
struct Layout {
  uint64_t shoff = 0, shnum = 0;
  std::vector<std::pair<uint64_t, uint64_t>> sections;  // (offset, size) of the walked ones
  std::vector<uint64_t> boundaries;                     // offsets where something starts or ends
  uint64_t needed_end = 0;                              // the file must reach this for a full read
};

Layout layout_of(const std::vector<uint8_t>& b) {
  Layout l;
  Elf64_Ehdr eh;
  std::memcpy(&eh, b.data(), sizeof eh);
  l.shoff = eh.e_shoff;
  l.shnum = eh.e_shnum;
  l.boundaries = {0, 4, 5, 6, 16, sizeof(Elf64_Ehdr), l.shoff, l.shoff + l.shnum * sizeof(Elf64_Shdr)};
  l.needed_end = l.shoff + l.shnum * sizeof(Elf64_Shdr);
  std::vector<Elf64_Shdr> sh(l.shnum);
  std::memcpy(sh.data(), b.data() + l.shoff, l.shnum * sizeof(Elf64_Shdr));
  std::set<uint32_t> walked;
  for (uint32_t i = 0; i < l.shnum; ++i) {
    const uint32_t t = sh[i].sh_type;
    if (t == SHT_DYNSYM || t == SHT_GNU_versym || t == SHT_GNU_verneed || t == SHT_GNU_verdef || t == SHT_DYNAMIC) {
      walked.insert(i);
      walked.insert(sh[i].sh_link);
    }
  }
  for (const uint32_t i : walked) {
    if (i >= l.shnum) continue;
    l.sections.emplace_back(sh[i].sh_offset, sh[i].sh_size);
    l.boundaries.push_back(sh[i].sh_offset);
    l.boundaries.push_back(sh[i].sh_offset + sh[i].sh_size);
    l.needed_end = std::max(l.needed_end, sh[i].sh_offset + sh[i].sh_size);
  }
  return l;
}

// Parses a copy of `bytes` that sits in a buffer of exactly its size.
Result parse_exact(const uint8_t* data, size_t size) {
  std::vector<uint8_t> copy(data, data + size);
  return cachet::elf::parse(copy);
}

void fuzz_file(const std::string& path) {
  const std::string tag = "elf_fuzz " + path;
  const std::vector<uint8_t> original = slurp(path);
  const Result full = cachet::elf::parse(original);
  if (!full.ok()) {
    report(false, tag + ": reads the intact file", full.error);
    return;
  }
  report(true, tag + ": reads the intact file",
         std::to_string(full.info->symbols.size()) + " dynamic symbols, " + std::to_string(full.info->needed.size()) +
             " DT_NEEDED");
  const Layout l = layout_of(original);
  const size_t size = original.size();
  // Each parse of a large library reads thousands of symbols: fewer images
  // there, so that the whole run stays within seconds.
  const bool large = full.info->symbols.size() > 300;
  const uint64_t dense = large ? 512 : 4096, sparse = large ? 150 : 1000;
  int rounds = large ? 600 : 3000;
  if (const char* env = std::getenv("ELF_FUZZ_ROUNDS")) rounds = std::atoi(env);  // for a longer run by hand

  // 1. Truncation: every length up to 4 KiB and around every boundary, and
  // about 1500 more spread over the file. A prefix too short for the header or
  // the section header table must be an error; a prefix that parses must give
  // the intact file's answer (everything read was inside it).
  {
    std::set<uint64_t> lengths;
    for (uint64_t n = 0; n <= std::min<uint64_t>(size, 4096); ++n) lengths.insert(n);
    const uint64_t step = std::max<uint64_t>(1, size / 1500);
    for (uint64_t n = 0; n < size; n += step) lengths.insert(n);
    for (const uint64_t b : l.boundaries) {
      for (const int64_t d : {-2, -1, 0, 1, 2}) {
        const uint64_t n = b + static_cast<uint64_t>(d);
        if (n < size) lengths.insert(n);
      }
    }
    size_t tried = 0, errors = 0, wrong = 0;
    std::string first_wrong;
    for (const uint64_t n : lengths) {
      if (n >= size) continue;
      ++tried;
      const Result r = parse_exact(original.data(), n);
      if (!r.ok()) {
        ++errors;
        if (r.error.empty()) ++wrong, first_wrong = "empty error at length " + std::to_string(n);
        continue;
      }
      const bool must_fail = n < sizeof(Elf64_Ehdr) || n < l.shoff + l.shnum * sizeof(Elf64_Shdr) || n < l.needed_end;
      if (must_fail || !(*r.info == *full.info)) {
        if (wrong++ == 0) first_wrong = "length " + std::to_string(n) + " parsed" + (must_fail ? " but must fail" : " differently");
      }
    }
    report(wrong == 0, tag + ": truncations give errors",
           std::to_string(tried) + " lengths, " + std::to_string(errors) + " errors" +
               (first_wrong.empty() ? "" : "; " + first_wrong));
  }

  std::vector<uint8_t> work = original;
  size_t mutations = 0, errors = 0;
  auto attempt = [&]() {
    ++mutations;
    const Result r = cachet::elf::parse(work);
    if (!r.ok()) ++errors;
  };

  // 2. Every byte of the ELF header, the section header table and the walked
  // sections, set to a few telling values in turn.
  {
    mutations = errors = 0;
    std::vector<std::pair<uint64_t, uint64_t>> areas = {{0, sizeof(Elf64_Ehdr)},
                                                        {l.shoff, l.shnum * sizeof(Elf64_Shdr)}};
    for (const auto& s : l.sections) areas.emplace_back(s.first, s.second);
    for (const auto& [offset, length] : areas) {
      // Every byte of the first `dense` bytes of an area, then `sparse` more
      // spread over the rest (long symbol tables are alike all along).
      const uint64_t step = length <= dense ? 1 : std::max<uint64_t>(1, (length - dense) / sparse);
      for (uint64_t i = offset; i < offset + length && i < size; i += (i - offset < dense ? 1 : step)) {
        const uint8_t keep = work[i];
        const uint8_t values[] = {uint8_t{0x00}, uint8_t{0xff}, static_cast<uint8_t>(keep ^ 0x01), uint8_t{0x7f},
                                  uint8_t{0x80}, static_cast<uint8_t>(keep + 0x10)};
        for (size_t k = 0; k < (large ? 3 : std::size(values)); ++k) {
          const uint8_t v = values[k];
          if (v == keep) continue;
          work[i] = v;
          attempt();
        }
        work[i] = keep;
      }
    }
    report(true, tag + ": single-byte corruptions survive",
           std::to_string(mutations) + " images, " + std::to_string(errors) + " errors");
  }

  // 3. Every field of every section header and the ELF header's table
  // fields, set to extreme values (offsets and sizes past the end, wrapping
  // around, huge counts).
  {
    mutations = errors = 0;
    const uint64_t extremes[] = {0, 1, 2, 0x7f, 0xffff, 0x7fffffffULL, 0xffffffffULL, 0xfffffffffffffff0ULL,
                                 0xffffffffffffffffULL, 1ULL << 63, size - 1, size, size + 1, size / 2};
    auto poke = [&](uint64_t at, size_t width) {
      if (at + width > size) return;
      uint8_t keep[8];
      std::memcpy(keep, &work[at], width);
      for (const uint64_t v : extremes) {
        std::memcpy(&work[at], &v, width);  // little-endian host, like the file
        attempt();
      }
      std::memcpy(&work[at], keep, width);
    };
    poke(offsetof(Elf64_Ehdr, e_shoff), 8);
    poke(offsetof(Elf64_Ehdr, e_shnum), 2);
    poke(offsetof(Elf64_Ehdr, e_shentsize), 2);
    for (uint64_t i = 0; i < l.shnum; ++i) {
      const uint64_t base = l.shoff + i * sizeof(Elf64_Shdr);
      poke(base + offsetof(Elf64_Shdr, sh_type), 4);
      poke(base + offsetof(Elf64_Shdr, sh_offset), 8);
      poke(base + offsetof(Elf64_Shdr, sh_size), 8);
      poke(base + offsetof(Elf64_Shdr, sh_link), 4);
      poke(base + offsetof(Elf64_Shdr, sh_info), 4);
      poke(base + offsetof(Elf64_Shdr, sh_entsize), 8);
    }
    // Zero e_shnum with section 0's sh_size (the extended count) huge.
    poke(l.shoff + offsetof(Elf64_Shdr, sh_size), 8);
    report(true, tag + ": extreme header fields survive",
           std::to_string(mutations) + " images, " + std::to_string(errors) + " errors");
  }

  // 4. Random multi-byte damage, mostly in the areas the reader walks, also
  // at random lengths (damage plus truncation).
  {
    mutations = errors = 0;
    Rng rng;
    for (int round = 0; round < rounds; ++round) {
      std::vector<std::pair<uint64_t, uint8_t>> undo;
      const int writes = 1 + static_cast<int>(rng.below(8));
      for (int w = 0; w < writes; ++w) {
        uint64_t at;
        if (rng.below(4) == 0 || l.sections.empty()) {
          at = rng.below(size);
        } else if (rng.below(3) == 0) {
          at = l.shoff + rng.below(l.shnum * sizeof(Elf64_Shdr));
        } else {
          const auto& s = l.sections[rng.below(l.sections.size())];
          at = s.first + rng.below(std::max<uint64_t>(1, s.second));
        }
        if (at >= size) continue;
        undo.emplace_back(at, work[at]);
        work[at] = static_cast<uint8_t>(rng.next());
      }
      if (rng.below(8) == 0) {
        ++mutations;
        if (!parse_exact(work.data(), rng.below(size)).ok()) ++errors;
      } else {
        attempt();
      }
      for (auto it = undo.rbegin(); it != undo.rend(); ++it) work[it->first] = it->second;
    }
    report(true, tag + ": random corruptions survive",
           std::to_string(mutations) + " images, " + std::to_string(errors) + " errors");
  }

  report(work == original && cachet::elf::parse(work).ok(), tag + ": image restored and still reads", "");
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) files.emplace_back(argv[i]);
  if (files.empty()) files.emplace_back("/proc/self/exe");

  // Files that are not what the reader accepts: clean errors.
  {
    const char script[] = "#!/bin/sh\necho this is a shell script, not a program\n";
    const auto* not_elf = reinterpret_cast<const uint8_t*>(script);
    const Result a = cachet::elf::parse(std::span<const uint8_t>(not_elf, sizeof script - 1));
    report(!a.ok() && a.error.find("not an ELF file") != std::string::npos, "elf_fuzz: a script is not ELF", a.error);
    std::vector<uint8_t> elf32(sizeof(Elf64_Ehdr), 0);
    std::memcpy(elf32.data(), ELFMAG, SELFMAG);
    elf32[EI_CLASS] = ELFCLASS32;
    elf32[EI_DATA] = ELFDATA2LSB;
    elf32[EI_VERSION] = EV_CURRENT;
    const Result b = cachet::elf::parse(elf32);
    report(!b.ok() && b.error.find("32-bit") != std::string::npos, "elf_fuzz: 32-bit ELF is refused", b.error);
    elf32[EI_CLASS] = ELFCLASS64;
    elf32[EI_DATA] = ELFDATA2MSB;
    const Result c = cachet::elf::parse(elf32);
    report(!c.ok() && c.error.find("big-endian") != std::string::npos, "elf_fuzz: big-endian ELF is refused", c.error);
    const Result d = cachet::elf::parse(std::span<const uint8_t>());
    report(!d.ok(), "elf_fuzz: an empty file is refused", d.error);
  }

  for (const auto& f : files) fuzz_file(f);
  std::printf("%d failed\n", failures);
  return failures == 0 ? 0 : 1;
}
