// cachet — a small, defensive ELF reader for `cachet doctor` (tools/run_doctor.cpp):
// the dynamic symbol table of an executable or shared library, each symbol's
// version (from .gnu.version with .gnu.version_r for imports and .gnu.version_d
// for exports), and the DT_NEEDED / DT_SONAME entries of .dynamic.
//
// Only 64-bit little-endian ELF for x86-64 and AArch64 is read; anything else
// is refused with an error. Every offset, size and count taken from the file
// is checked against the file's size before use, so a truncated or corrupted
// file yields an error (never a crash, never a read outside the image).
// Struct layouts come from <elf.h> only.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cachet::elf {

struct Symbol {
  std::string name;
  bool defined = false;        // st_shndx != SHN_UNDEF
  unsigned char bind = 0;      // STB_*
  unsigned char type = 0;      // STT_*
  unsigned char visibility = 0;  // STV_*
  // An undefined symbol: the version it requires and the file that requirement
  // names (vn_file, e.g. "libssl.so.3"); both empty when unversioned.
  // A defined symbol: the version node it is defined at (empty when it has no
  // version or only the file's base version), `version_file` empty.
  std::string version;
  std::string version_file;
  // The symbol's .gnu.version entry has the hidden bit (a defined symbol that
  // is `name@VER`, not the default `name@@VER`).
  bool hidden = false;

  bool operator==(const Symbol&) const = default;
};

struct DynamicInfo {
  uint16_t machine = 0;  // EM_X86_64 or EM_AARCH64
  uint16_t type = 0;     // ET_EXEC or ET_DYN
  // False for a file without a dynamic symbol table (a static executable);
  // everything below is then empty.
  bool has_dynsym = false;
  std::string soname;
  std::vector<std::string> needed;  // DT_NEEDED, in order
  std::vector<Symbol> symbols;      // .dynsym without its null entry 0
  // The version nodes the file defines (.gnu.version_d), without the base one.
  std::vector<std::string> version_definitions;
  // The version nodes the file requires (.gnu.version_r): file and version.
  struct Need {
    std::string file, version;
    bool weak = false;  // VER_FLG_WEAK
    bool operator==(const Need&) const = default;
  };
  std::vector<Need> version_needs;

  bool operator==(const DynamicInfo&) const = default;
};

// Either the information or an error text ("not an ELF file", "truncated ...").
struct Result {
  std::optional<DynamicInfo> info;
  std::string error;
  bool ok() const { return info.has_value(); }
};

// Reads an in-memory image. Never reads outside `image`.
Result parse(std::span<const uint8_t> image);

// Reads and parses a file (a regular file; at most 1 GiB).
Result read_file(const std::string& path);

}  // namespace cachet::elf
