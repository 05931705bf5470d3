// cachet — the ELF reader behind `cachet doctor` (see tools/elf.hpp).
//
// Everything the file says (offsets, sizes, counts, links, string indexes,
// chain pointers) is untrusted: each is checked against the image before the
// bytes are touched, with arithmetic that cannot overflow, and every loop is
// bounded by the size of the section it walks. A violation throws Malformed
// internally, which parse() turns into an error text.
#include "elf.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <type_traits>

namespace cachet::elf {
namespace {

struct Malformed {
  std::string what;
};

[[noreturn]] void malformed(std::string what) { throw Malformed{std::move(what)}; }

std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// A checked range of the image: [offset, offset + size).
struct Range {
  uint64_t offset = 0;
  uint64_t size = 0;
};

class Image {
 public:
  explicit Image(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  uint64_t size() const { return bytes_.size(); }

  bool contains(uint64_t offset, uint64_t length) const {
    return offset <= bytes_.size() && length <= bytes_.size() - offset;
  }

  // A range of the image, or Malformed naming `what`.
  Range range(uint64_t offset, uint64_t length, const std::string& what) const {
    if (!contains(offset, length)) {
      malformed("truncated or corrupt: " + what + " (offset " + hex(offset) + ", size " + hex(length) +
                ") lies outside the file (size " + hex(size()) + ")");
    }
    return Range{offset, length};
  }

  // A struct at `relative` bytes into `within`, entirely inside it.
  template <class T>
  T read(const Range& within, uint64_t relative, const char* what) const {
    static_assert(std::is_trivially_copyable_v<T>);
    if (relative > within.size || sizeof(T) > within.size - relative) {
      malformed(std::string("truncated or corrupt: ") + what + " at " + hex(within.offset) + "+" + hex(relative) +
                " runs past the end of its section");
    }
    T out;
    std::memcpy(&out, bytes_.data() + within.offset + relative, sizeof(T));
    return out;
  }

  // A NUL-terminated string at `index` in the string table `table`.
  std::string string(const Range& table, uint64_t index, const char* what) const {
    if (index >= table.size) {
      malformed(std::string("corrupt: ") + what + " name index " + hex(index) + " is outside its string table (size " +
                hex(table.size) + ")");
    }
    const auto* begin = reinterpret_cast<const char*>(bytes_.data() + table.offset + index);
    const size_t room = static_cast<size_t>(table.size - index);
    const void* nul = std::memchr(begin, '\0', room);
    if (nul == nullptr) malformed(std::string("corrupt: ") + what + " name is not terminated inside its string table");
    return std::string(begin, static_cast<const char*>(nul));
  }

 private:
  std::span<const uint8_t> bytes_;
};

struct VersionName {
  std::string name;
  std::string file;   // verneed: the file required from; verdef: empty
  bool base = false;  // verdef with VER_FLG_BASE: the file's own name, not a version node
};

class Parser {
 public:
  explicit Parser(std::span<const uint8_t> bytes) : image_(bytes) {}

  DynamicInfo run() {
    read_header();
    read_section_headers();
    DynamicInfo info;
    info.machine = header_.e_machine;
    info.type = header_.e_type;

    const Elf64_Shdr* dynsym = first_of_type(SHT_DYNSYM);
    if (dynsym == nullptr) return info;  // static: no imports, no exports
    info.has_dynsym = true;

    if (dynsym->sh_entsize != sizeof(Elf64_Sym)) {
      malformed("corrupt: .dynsym entry size " + std::to_string(dynsym->sh_entsize) + " is not " +
                std::to_string(sizeof(Elf64_Sym)));
    }
    if (dynsym->sh_size % sizeof(Elf64_Sym) != 0) malformed("corrupt: .dynsym size is not a whole number of entries");
    const Range symtab = section_range(*dynsym, ".dynsym");
    const Range symstr = linked_strtab(*dynsym, ".dynsym");
    const uint64_t count = symtab.size / sizeof(Elf64_Sym);

    std::optional<Range> versym;
    if (const Elf64_Shdr* s = first_of_type(SHT_GNU_versym)) {
      if (s->sh_entsize != 0 && s->sh_entsize != sizeof(Elf64_Half)) malformed("corrupt: .gnu.version entry size");
      versym = section_range(*s, ".gnu.version");
      if (versym->size != count * sizeof(Elf64_Half)) {
        malformed("corrupt: .gnu.version has " + std::to_string(versym->size / sizeof(Elf64_Half)) +
                  " entries for " + std::to_string(count) + " dynamic symbols");
      }
    }

    std::map<uint16_t, VersionName> versions;
    if (const Elf64_Shdr* s = first_of_type(SHT_GNU_verneed)) read_verneed(*s, versions, info);
    if (const Elf64_Shdr* s = first_of_type(SHT_GNU_verdef)) read_verdef(*s, versions, info);
    if (const Elf64_Shdr* s = first_of_type(SHT_DYNAMIC)) read_dynamic(*s, info);

    info.symbols.reserve(count > 0 ? count - 1 : 0);
    for (uint64_t i = 1; i < count; ++i) {
      const auto sym = image_.read<Elf64_Sym>(symtab, i * sizeof(Elf64_Sym), ".dynsym entry");
      Symbol out;
      out.name = image_.string(symstr, sym.st_name, "dynamic symbol");
      out.defined = sym.st_shndx != SHN_UNDEF;
      out.bind = ELF64_ST_BIND(sym.st_info);
      out.type = ELF64_ST_TYPE(sym.st_info);
      out.visibility = ELF64_ST_VISIBILITY(sym.st_other);
      if (versym) {
        const auto v = image_.read<Elf64_Half>(*versym, i * sizeof(Elf64_Half), ".gnu.version entry");
        out.hidden = (v & 0x8000) != 0;
        const uint16_t index = static_cast<uint16_t>(v & 0x7fff);
        if (index != VER_NDX_LOCAL && index != VER_NDX_GLOBAL) {
          const auto it = versions.find(index);
          if (it == versions.end()) {
            malformed("corrupt: symbol " + out.name + " has version index " + std::to_string(index) +
                      ", which no version definition or requirement declares");
          }
          if (!it->second.base) {
            out.version = it->second.name;
            if (!out.defined) out.version_file = it->second.file;
          }
        }
      }
      info.symbols.push_back(std::move(out));
    }
    return info;
  }

 private:
  void read_header() {
    const Range whole{0, image_.size()};
    if (image_.size() < EI_NIDENT) malformed("not an ELF file (too short)");
    const auto ident = image_.read<std::array<unsigned char, EI_NIDENT>>(whole, 0, "ELF identification");
    if (ident[EI_MAG0] != ELFMAG0 || ident[EI_MAG1] != ELFMAG1 || ident[EI_MAG2] != ELFMAG2 ||
        ident[EI_MAG3] != ELFMAG3) {
      malformed("not an ELF file");
    }
    if (ident[EI_CLASS] != ELFCLASS64) {
      malformed(ident[EI_CLASS] == ELFCLASS32 ? "unsupported ELF file: 32-bit (only 64-bit ELF is read)"
                                              : "corrupt ELF file: unknown class " + std::to_string(ident[EI_CLASS]));
    }
    if (ident[EI_DATA] != ELFDATA2LSB) {
      malformed(ident[EI_DATA] == ELFDATA2MSB ? "unsupported ELF file: big-endian (only little-endian ELF is read)"
                                              : "corrupt ELF file: unknown data encoding " +
                                                    std::to_string(ident[EI_DATA]));
    }
    if (ident[EI_VERSION] != EV_CURRENT) malformed("corrupt ELF file: unknown ELF version");
    if constexpr (std::endian::native != std::endian::little) {
      malformed("unsupported: this reader runs on little-endian hosts only");
    }
    if (image_.size() < sizeof(Elf64_Ehdr)) malformed("truncated ELF file: the ELF header is incomplete");
    header_ = image_.read<Elf64_Ehdr>(whole, 0, "ELF header");
    if (header_.e_machine != EM_X86_64 && header_.e_machine != EM_AARCH64) {
      malformed("unsupported ELF machine " + std::to_string(header_.e_machine) + " (x86-64 and AArch64 are read)");
    }
    if (header_.e_type != ET_EXEC && header_.e_type != ET_DYN) {
      malformed("not an executable or shared library (ELF type " + std::to_string(header_.e_type) + ")");
    }
  }

  void read_section_headers() {
    if (header_.e_shoff == 0) malformed("unsupported ELF file: it has no section headers");
    if (header_.e_shentsize != sizeof(Elf64_Shdr)) {
      malformed("corrupt ELF file: section header size " + std::to_string(header_.e_shentsize));
    }
    uint64_t count = header_.e_shnum;
    if (count == 0) {
      // Extended numbering: the count is in section 0's sh_size.
      const Range first = image_.range(header_.e_shoff, sizeof(Elf64_Shdr), "section header 0");
      count = image_.read<Elf64_Shdr>(first, 0, "section header 0").sh_size;
      if (count == 0) malformed("unsupported ELF file: it has no section headers");
    }
    if (count > image_.size() / sizeof(Elf64_Shdr)) {
      malformed("truncated or corrupt: " + std::to_string(count) + " section headers cannot fit in the file");
    }
    const Range table = image_.range(header_.e_shoff, count * sizeof(Elf64_Shdr), "section header table");
    sections_.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      sections_.push_back(image_.read<Elf64_Shdr>(table, i * sizeof(Elf64_Shdr), "section header"));
    }
  }

  const Elf64_Shdr* first_of_type(uint32_t type) const {
    for (const auto& s : sections_) {
      if (s.sh_type == type) return &s;
    }
    return nullptr;
  }

  Range section_range(const Elf64_Shdr& s, const std::string& what) const {
    return image_.range(s.sh_offset, s.sh_size, what + " section");
  }

  Range linked_strtab(const Elf64_Shdr& s, const std::string& what) const {
    if (s.sh_link == 0 || s.sh_link >= sections_.size()) {
      malformed("corrupt: " + what + " links to section " + std::to_string(s.sh_link) + ", which does not exist");
    }
    const Elf64_Shdr& str = sections_[s.sh_link];
    if (str.sh_type != SHT_STRTAB) malformed("corrupt: " + what + " links to a section that is not a string table");
    return section_range(str, what + " string table");
  }

  void read_verneed(const Elf64_Shdr& s, std::map<uint16_t, VersionName>& versions, DynamicInfo& info) const {
    const Range sec = section_range(s, ".gnu.version_r");
    const Range strings = linked_strtab(s, ".gnu.version_r");
    // sh_info is the number of entries; each takes at least one Elf64_Verneed,
    // each requirement at least one Elf64_Vernaux, so the section's size
    // bounds both loops whatever the counts and chain pointers say.
    const uint64_t max_entries = sec.size / sizeof(Elf64_Verneed);
    const uint64_t max_aux = sec.size / sizeof(Elf64_Vernaux);
    const uint64_t entries = s.sh_info == 0 ? max_entries : s.sh_info;
    if (entries > max_entries) malformed("corrupt: .gnu.version_r claims more entries than fit in it");
    uint64_t pos = 0, aux_seen = 0;
    for (uint64_t i = 0; i < entries; ++i) {
      const auto vn = image_.read<Elf64_Verneed>(sec, pos, ".gnu.version_r entry");
      if (vn.vn_version != VER_NEED_CURRENT) malformed("corrupt: .gnu.version_r entry version " + std::to_string(vn.vn_version));
      const std::string file = image_.string(strings, vn.vn_file, "version requirement file");
      uint64_t apos = pos + vn.vn_aux;
      for (uint32_t j = 0; j < vn.vn_cnt; ++j) {
        if (++aux_seen > max_aux) malformed("corrupt: .gnu.version_r has more requirements than fit in it");
        const auto aux = image_.read<Elf64_Vernaux>(sec, apos, ".gnu.version_r requirement");
        VersionName v;
        v.name = image_.string(strings, aux.vna_name, "version requirement");
        v.file = file;
        info.version_needs.push_back({file, v.name, (aux.vna_flags & VER_FLG_WEAK) != 0});
        versions[static_cast<uint16_t>(aux.vna_other & 0x7fff)] = std::move(v);
        if (aux.vna_next == 0) break;
        apos += aux.vna_next;
      }
      if (vn.vn_next == 0) break;
      pos += vn.vn_next;
    }
  }

  void read_verdef(const Elf64_Shdr& s, std::map<uint16_t, VersionName>& versions, DynamicInfo& info) const {
    const Range sec = section_range(s, ".gnu.version_d");
    const Range strings = linked_strtab(s, ".gnu.version_d");
    const uint64_t max_entries = sec.size / sizeof(Elf64_Verdef);
    const uint64_t entries = s.sh_info == 0 ? max_entries : s.sh_info;
    if (entries > max_entries) malformed("corrupt: .gnu.version_d claims more entries than fit in it");
    uint64_t pos = 0;
    for (uint64_t i = 0; i < entries; ++i) {
      const auto vd = image_.read<Elf64_Verdef>(sec, pos, ".gnu.version_d entry");
      if (vd.vd_version != VER_DEF_CURRENT) malformed("corrupt: .gnu.version_d entry version " + std::to_string(vd.vd_version));
      if (vd.vd_cnt == 0) malformed("corrupt: .gnu.version_d entry without a name");
      // The first auxiliary entry names the version; later ones its parents.
      const auto aux = image_.read<Elf64_Verdaux>(sec, pos + vd.vd_aux, ".gnu.version_d name");
      VersionName v;
      v.name = image_.string(strings, aux.vda_name, "version definition");
      v.base = (vd.vd_flags & VER_FLG_BASE) != 0;
      if (!v.base) info.version_definitions.push_back(v.name);
      versions[static_cast<uint16_t>(vd.vd_ndx & 0x7fff)] = std::move(v);
      if (vd.vd_next == 0) break;
      pos += vd.vd_next;
    }
  }

  void read_dynamic(const Elf64_Shdr& s, DynamicInfo& info) const {
    if (s.sh_entsize != 0 && s.sh_entsize != sizeof(Elf64_Dyn)) malformed("corrupt: .dynamic entry size");
    const Range sec = section_range(s, ".dynamic");
    const Range strings = linked_strtab(s, ".dynamic");
    const uint64_t count = sec.size / sizeof(Elf64_Dyn);
    for (uint64_t i = 0; i < count; ++i) {
      const auto d = image_.read<Elf64_Dyn>(sec, i * sizeof(Elf64_Dyn), ".dynamic entry");
      if (d.d_tag == DT_NULL) break;
      if (d.d_tag == DT_NEEDED) info.needed.push_back(image_.string(strings, d.d_un.d_val, "DT_NEEDED"));
      if (d.d_tag == DT_SONAME) info.soname = image_.string(strings, d.d_un.d_val, "DT_SONAME");
    }
  }

  Image image_;
  Elf64_Ehdr header_{};
  std::vector<Elf64_Shdr> sections_;
};

}  // namespace

Result parse(std::span<const uint8_t> image) {
  Result r;
  try {
    r.info = Parser(image).run();
  } catch (const Malformed& m) {
    r.error = m.what;
  } catch (const std::bad_alloc&) {
    r.error = "out of memory while reading the ELF file";
  }
  return r;
}

Result read_file(const std::string& path) {
  Result r;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    r.error = std::strerror(errno);
    return r;
  }
  struct stat st {};
  std::vector<uint8_t> bytes;
  if (::fstat(fd, &st) != 0) {
    r.error = std::strerror(errno);
  } else if (S_ISDIR(st.st_mode)) {
    r.error = "is a directory";
  } else if (!S_ISREG(st.st_mode)) {
    r.error = "not a regular file";
  } else if (st.st_size > (off_t{1} << 30)) {
    r.error = "larger than 1 GiB";
  } else {
    bytes.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        r.error = std::strerror(errno);
        break;
      }
      if (n == 0) break;  // shrank while we read: parse what we have
      done += static_cast<size_t>(n);
    }
    bytes.resize(done);
  }
  ::close(fd);
  if (!r.error.empty()) return r;
  return parse(bytes);
}

}  // namespace cachet::elf
