// cachet run / cachet doctor — using Cachet's OpenSSL 3.0 ABI shim (libssl.so.3
// and libcrypto.so.3 in a directory of their own, issue 8) with existing programs.
//
//   cachet run [--shim DIR] -- PROGRAM [ARGS...]
//       runs PROGRAM unchanged with the shim directory first on LD_LIBRARY_PATH.
//   cachet doctor [--shim DIR] [--json] PROGRAM_OR_LIBRARY...
//       lists the OpenSSL symbols a binary imports and whether the shim exports
//       each (at the version the binary asks for), read from the ELF files
//       themselves (tools/elf.cpp).
#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "elf.hpp"

#ifndef CACHET_SHIM_DIR
#define CACHET_SHIM_DIR "/usr/local/lib/cachet/openssl"
#endif

namespace {

namespace fs = std::filesystem;

constexpr const char* kLibssl = "libssl.so.3";
constexpr const char* kLibcrypto = "libcrypto.so.3";
constexpr const char* kShimVersion = "OPENSSL_3.0.0";

// `cachet run` exit statuses of its own (as env(1) and timeout(1) use them):
// 125 when cachet itself fails, 127 when the program cannot be executed.
constexpr int kRunFailed = 125;
constexpr int kCannotExecute = 127;
// `cachet doctor`: 0 all provided, 1 some missing, 2 errors.
constexpr int kDoctorMissing = 1;
constexpr int kDoctorError = 2;

const char* kRunHelp =
    "usage: cachet run [--shim DIR] -- PROGRAM [ARGS...]\n"
    "  Runs PROGRAM unchanged on Cachet's OpenSSL 3.0 ABI shim: the shim's directory\n"
    "  (which holds libssl.so.3 and libcrypto.so.3) goes first on LD_LIBRARY_PATH.\n"
    "  The exit status is PROGRAM's; 127 when it cannot be executed, 125 when cachet\n"
    "  itself fails (no shim found, bad options).\n"
    "  --shim DIR           the shim directory. Otherwise: $CACHET_SHIM_DIR; the build\n"
    "                       tree's compat/.libs next to this cachet; " CACHET_SHIM_DIR "\n";

const char* kDoctorHelp =
    "usage: cachet doctor [--shim DIR] [--json] PROGRAM_OR_LIBRARY...\n"
    "  Lists the OpenSSL symbols each ELF file imports (from libssl.so.3 and\n"
    "  libcrypto.so.3) and whether Cachet's shim exports each at the version asked for:\n"
    "    provided  SSL_new@OPENSSL_3.0.0 (libssl)\n"
    "    MISSING   SSL_foo@OPENSSL_3.0.0 (libssl)\n"
    "    N of M OpenSSL symbols provided\n"
    "  A name without a slash that is not a file here is looked up on PATH.\n"
    "  Exit status: 0 all provided, 1 some missing, 2 errors (not ELF, unreadable, no shim).\n"
    "  --shim DIR           the shim directory (as for cachet run)\n"
    "  --json               print one JSON object instead\n";

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string absolute_path(const std::string& dir) {
  std::error_code ec;
  const fs::path p = fs::absolute(dir, ec);
  return ec ? dir : p.string();
}

// The directory of the running executable (the real binary, tools/.libs/ under
// libtool's wrapper), or empty.
std::string exe_dir() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  return fs::path(std::string(buf, static_cast<size_t>(n))).parent_path().string();
}

struct ShimSearch {
  std::optional<std::string> dir;
  std::vector<std::string> looked;  // "DIR (how it was chosen)"

  std::string error() const {
    std::string text = "no OpenSSL shim found: libssl.so.3 is not in ";
    for (size_t i = 0; i < looked.size(); ++i) text += (i ? ", " : "") + looked[i];
    return text + " (build compat/, or name the shim's directory with --shim DIR or CACHET_SHIM_DIR)";
  }
};

// The shim directory: --shim; $CACHET_SHIM_DIR; the build tree's compat/.libs
// (when it holds libssl.so.3); the configured install directory. Names given
// by the user are taken as they are (and must hold libssl.so.3); the guessed
// ones are skipped when empty.
ShimSearch find_shim(const std::optional<std::string>& option) {
  ShimSearch s;
  auto take = [&](const std::string& dir, const std::string& how) {
    s.looked.push_back(dir + " (" + how + ")");
    if (is_file(dir + "/" + kLibssl)) s.dir = absolute_path(dir);
  };
  if (option) {
    take(*option, "--shim");
    return s;
  }
  if (const char* env = std::getenv("CACHET_SHIM_DIR"); env != nullptr && *env != '\0') {
    take(env, "CACHET_SHIM_DIR");
    return s;
  }
  if (const std::string exe = exe_dir(); !exe.empty()) {
    for (const char* up : {"/../compat/.libs", "/../../compat/.libs"}) {
      take(fs::path(exe + up).lexically_normal().string(), "build tree");
      if (s.dir) return s;
    }
  }
  take(CACHET_SHIM_DIR, "installed");
  return s;
}

// --- cachet run ---------------------------------------------------------------------

}  // namespace

int run_on_shim(int argc, char** argv) {
  std::optional<std::string> shim;
  int i = 0;
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "--help" || a == "-h") {
      std::fputs(kRunHelp, stdout);
      return 0;
    }
    if (a == "--shim") {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "cachet run: --shim needs a directory (see --help)\n");
        return kRunFailed;
      }
      shim = argv[++i];
    } else if (a.rfind("--shim=", 0) == 0) {
      shim = a.substr(7);
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "cachet run: unknown option %s (put -- before the program; see --help)\n", a.c_str());
      return kRunFailed;
    } else {
      break;  // the program
    }
  }
  if (i >= argc) {
    std::fprintf(stderr, "cachet run: no program given (usage: cachet run [--shim DIR] -- PROGRAM [ARGS...])\n");
    return kRunFailed;
  }
  const ShimSearch found = find_shim(shim);
  if (!found.dir) {
    std::fprintf(stderr, "cachet run: %s\n", found.error().c_str());
    return kRunFailed;
  }
  std::string path = *found.dir;
  if (const char* old = std::getenv("LD_LIBRARY_PATH"); old != nullptr && *old != '\0') path += std::string(":") + old;
  if (::setenv("LD_LIBRARY_PATH", path.c_str(), 1) != 0) {
    std::fprintf(stderr, "cachet run: cannot set LD_LIBRARY_PATH: %s\n", std::strerror(errno));
    return kRunFailed;
  }
  std::fflush(nullptr);
  ::execvp(argv[i], argv + i);  // argv[argc] is null, as main's is
  const int err = errno;
  std::fprintf(stderr, "cachet run: cannot execute %s: %s\n", argv[i], std::strerror(err));
  return kCannotExecute;
}

// --- cachet doctor ------------------------------------------------------------------

namespace {

// What one library exports: name -> the versions it is defined at.
struct ExportTable {
  std::string path;
  bool present = false;
  struct Export {
    std::string version;
    bool hidden = false;  // name@VER rather than the default name@@VER
  };
  std::map<std::string, std::vector<Export>> symbols;
  std::set<std::string> versions;  // version nodes defined

  bool exports(const std::string& name, const std::string& version, bool default_only) const {
    const auto it = symbols.find(name);
    if (it == symbols.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const Export& e) { return e.version == version && !(default_only && e.hidden); });
  }
  bool has(const std::string& name) const { return symbols.count(name) != 0; }
};

// Reads a library's exported dynamic symbols. A file that does not exist
// gives an empty table (present = false); one that cannot be read, an error.
std::optional<std::string> load_exports(const std::string& path, ExportTable& table) {
  table = ExportTable{};
  table.path = path;
  if (!is_file(path)) return std::nullopt;
  const cachet::elf::Result r = cachet::elf::read_file(path);
  if (!r.ok()) return path + ": " + r.error;
  table.present = true;
  for (const auto& v : r.info->version_definitions) table.versions.insert(v);
  for (const auto& s : r.info->symbols) {
    if (!s.defined || s.name.empty()) continue;
    if (s.bind != STB_GLOBAL && s.bind != STB_WEAK && s.bind != STB_GNU_UNIQUE) continue;
    if (s.visibility != STV_DEFAULT && s.visibility != STV_PROTECTED) continue;
    table.symbols[s.name].push_back({s.version, s.hidden});
  }
  return std::nullopt;
}

// The system's own libssl.so.3 / libcrypto.so.3 (for recognising unversioned
// imports): the usual library directories for the file's machine.
std::string system_library(uint16_t machine, const std::string& soname, const std::string& shim_dir) {
  std::vector<std::string> dirs;
  const char* triplet = machine == EM_AARCH64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  for (const char* root : {"/usr/lib/", "/lib/", "/usr/local/lib/"}) dirs.push_back(std::string(root) + triplet);
  for (const char* d : {"/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/local/lib64", "/usr/local/lib"}) dirs.push_back(d);
  for (const auto& d : dirs) {
    if (fs::path(d).lexically_normal() == fs::path(shim_dir).lexically_normal()) continue;
    if (is_file(d + "/" + soname)) return d + "/" + soname;
  }
  return {};
}

// PROGRAM_OR_LIBRARY as given: a path when it has a slash or names a file
// here, else the first regular file of that name on PATH.
std::string resolve(const std::string& arg) {
  if (arg.find('/') != std::string::npos || is_file(arg)) return arg;
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  for (;;) {
    const size_t colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + arg;
    if (is_file(candidate) && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return arg;  // not found: reading it reports the error
}

struct Import {
  std::string name;
  std::string version;  // empty: an unversioned import
  std::string library;  // "libssl" or "libcrypto"
  bool provided = false;
  std::string note;
};

struct FileReport {
  std::string arg, path, error;
  std::vector<Import> imports;
  std::vector<std::pair<std::string, std::string>> missing_versions;  // (file, version)
  size_t provided() const {
    return static_cast<size_t>(std::count_if(imports.begin(), imports.end(), [](const Import& i) { return i.provided; }));
  }
  bool all_good() const { return error.empty() && provided() == imports.size() && missing_versions.empty(); }
};

struct Shim {
  std::string dir;
  ExportTable ssl, crypto;
  // The system's libraries, loaded when an unversioned import needs them.
  bool system_loaded = false;
  ExportTable system_ssl, system_crypto;
  std::vector<std::string> warnings;

  const ExportTable& table(const std::string& library) const { return library == "libssl" ? ssl : crypto; }
  const ExportTable& other(const std::string& library) const { return library == "libssl" ? crypto : ssl; }

  void load_system(uint16_t machine) {
    if (system_loaded) return;
    system_loaded = true;
    for (auto [soname, table] : {std::pair{kLibssl, &system_ssl}, std::pair{kLibcrypto, &system_crypto}}) {
      const std::string path = system_library(machine, soname, dir);
      if (path.empty()) {
        warnings.push_back(std::string("no system ") + soname +
                           " found: unversioned imports are recognised by the shim's exports only");
        continue;
      }
      if (auto err = load_exports(path, *table)) warnings.push_back("cannot read the system's " + *err);
    }
  }
};

const char* library_of(const std::string& soname) {
  if (soname == kLibssl) return "libssl";
  if (soname == kLibcrypto) return "libcrypto";
  return nullptr;
}

FileReport examine(const std::string& arg, Shim& shim) {
  FileReport report;
  report.arg = arg;
  report.path = resolve(arg);
  const cachet::elf::Result r = cachet::elf::read_file(report.path);
  if (!r.ok()) {
    report.error = r.error;
    return report;
  }
  const cachet::elf::DynamicInfo& info = *r.info;
  const bool needs_openssl = std::any_of(info.needed.begin(), info.needed.end(), [](const std::string& n) {
    return library_of(fs::path(n).filename().string()) != nullptr;
  });

  for (const auto& s : info.symbols) {
    if (s.defined || s.name.empty() || s.bind == STB_LOCAL) continue;
    Import imp;
    imp.name = s.name;
    if (const char* lib = library_of(fs::path(s.version_file).filename().string())) {
      imp.library = lib;
      imp.version = s.version;
      imp.provided = shim.table(lib).exports(s.name, s.version, false);
      if (!imp.provided && shim.other(lib).exports(s.name, s.version, false)) {
        // The dynamic linker searches every loaded library for a versioned
        // symbol, so this works; but it is in the other library.
        imp.provided = true;
        imp.note = std::string("exported by the shim's ") + (imp.library == "libssl" ? kLibcrypto : kLibssl);
      }
    } else if (s.version.empty() && needs_openssl) {
      // Unversioned: an OpenSSL import if OpenSSL could export that name.
      shim.load_system(info.machine);
      if (shim.ssl.has(s.name) || shim.system_ssl.has(s.name)) {
        imp.library = "libssl";
      } else if (shim.crypto.has(s.name) || shim.system_crypto.has(s.name)) {
        imp.library = "libcrypto";
      } else {
        continue;
      }
      // An unversioned reference binds to the default (not hidden) version.
      imp.provided = shim.table(imp.library).exports(s.name, kShimVersion, true);
      if (!imp.provided && shim.other(imp.library).exports(s.name, kShimVersion, true)) {
        imp.provided = true;
        imp.note = std::string("exported by the shim's ") + (imp.library == "libssl" ? kLibcrypto : kLibssl);
      }
    } else {
      continue;
    }
    report.imports.push_back(std::move(imp));
  }
  std::sort(report.imports.begin(), report.imports.end(), [](const Import& a, const Import& b) {
    if (a.library != b.library) return a.library == "libssl";
    if (a.name != b.name) return a.name < b.name;
    return a.version < b.version;
  });

  // The dynamic linker refuses to start a program that requires a version
  // node (not marked weak) the library does not define.
  for (const auto& need : info.version_needs) {
    const char* lib = library_of(fs::path(need.file).filename().string());
    if (lib == nullptr || need.weak) continue;
    if (!shim.table(lib).versions.count(need.version)) report.missing_versions.emplace_back(need.file, need.version);
  }
  std::sort(report.missing_versions.begin(), report.missing_versions.end());
  return report;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;  // UTF-8 passes through
        }
    }
  }
  return out + "\"";
}

std::string display(const Import& i) {
  std::string text = i.name;
  text += i.version.empty() ? " (" + i.library + ", unversioned" : "@" + i.version + " (" + i.library;
  if (!i.note.empty()) text += "; " + i.note;
  return text + ")";
}

void print_text(const std::vector<FileReport>& reports) {
  size_t provided = 0, total = 0, files = 0;
  for (const auto& r : reports) {
    if (!r.error.empty()) continue;
    if (reports.size() > 1) std::printf("%s%s:\n", files++ ? "\n" : "", r.arg.c_str());
    for (const auto& i : r.imports) std::printf("%s%s\n", i.provided ? "provided  " : "MISSING   ", display(i).c_str());
    for (const auto& [file, version] : r.missing_versions) {
      std::printf("missing version %s: the shim's %s does not define it, so the dynamic linker will refuse to "
                  "load this file\n",
                  version.c_str(), file.c_str());
    }
    if (r.imports.empty()) std::printf("note: %s imports nothing from %s or %s\n", r.arg.c_str(), kLibssl, kLibcrypto);
    std::printf("%zu of %zu OpenSSL symbols provided\n", r.provided(), r.imports.size());
    provided += r.provided();
    total += r.imports.size();
  }
  if (files > 1) std::printf("\ntotal: %zu of %zu OpenSSL symbols provided in %zu files\n", provided, total, files);
}

void print_json(const Shim& shim, const std::vector<FileReport>& reports, int status) {
  size_t provided = 0, total = 0;
  std::string out = "{\"shim\":" + json_string(shim.dir) + ",\"libssl\":" + json_string(shim.ssl.path) +
                    ",\"libcrypto\":" + json_string(shim.crypto.path) + ",\"version\":" + json_string(kShimVersion) +
                    ",\"files\":[";
  for (size_t f = 0; f < reports.size(); ++f) {
    const FileReport& r = reports[f];
    out += f ? "," : "";
    out += "{\"file\":" + json_string(r.arg) + ",\"path\":" + json_string(r.path);
    if (!r.error.empty()) {
      out += ",\"error\":" + json_string(r.error) + "}";
      continue;
    }
    out += ",\"provided\":" + std::to_string(r.provided()) + ",\"total\":" + std::to_string(r.imports.size());
    out += ",\"missing_versions\":[";
    for (size_t i = 0; i < r.missing_versions.size(); ++i) {
      out += (i ? "," : "") + std::string("{\"file\":") + json_string(r.missing_versions[i].first) +
             ",\"version\":" + json_string(r.missing_versions[i].second) + "}";
    }
    out += "],\"symbols\":[";
    for (size_t i = 0; i < r.imports.size(); ++i) {
      const Import& imp = r.imports[i];
      out += (i ? "," : "") + std::string("{\"name\":") + json_string(imp.name) +
             ",\"version\":" + (imp.version.empty() ? "null" : json_string(imp.version)) +
             ",\"library\":" + json_string(imp.library) + ",\"provided\":" + (imp.provided ? "true" : "false");
      if (!imp.note.empty()) out += ",\"note\":" + json_string(imp.note);
      out += "}";
    }
    out += "]}";
    provided += r.provided();
    total += r.imports.size();
  }
  out += "],\"provided\":" + std::to_string(provided) + ",\"total\":" + std::to_string(total) +
         ",\"status\":" + std::to_string(status) + "}";
  std::printf("%s\n", out.c_str());
}

}  // namespace

int run_doctor(int argc, char** argv) {
  std::optional<std::string> shim_option;
  bool json = false;
  std::vector<std::string> files;
  bool options_done = false;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (!options_done && a == "--") {
      options_done = true;
    } else if (!options_done && (a == "--help" || a == "-h")) {
      std::fputs(kDoctorHelp, stdout);
      return 0;
    } else if (!options_done && a == "--json") {
      json = true;
    } else if (!options_done && a == "--shim") {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "cachet doctor: --shim needs a directory (see --help)\n");
        return kDoctorError;
      }
      shim_option = argv[++i];
    } else if (!options_done && a.rfind("--shim=", 0) == 0) {
      shim_option = a.substr(7);
    } else if (!options_done && !a.empty() && a[0] == '-') {
      std::fprintf(stderr, "cachet doctor: unknown option %s (see --help)\n", a.c_str());
      return kDoctorError;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "cachet doctor: no program or library given (see --help)\n");
    return kDoctorError;
  }

  const ShimSearch found = find_shim(shim_option);
  if (!found.dir) {
    std::fprintf(stderr, "cachet doctor: %s\n", found.error().c_str());
    if (json) std::printf("{\"error\":%s,\"status\":%d}\n", json_string(found.error()).c_str(), kDoctorError);
    return kDoctorError;
  }
  Shim shim;
  shim.dir = *found.dir;
  for (auto [soname, table] : {std::pair{kLibssl, &shim.ssl}, std::pair{kLibcrypto, &shim.crypto}}) {
    const std::string path = shim.dir + "/" + soname;
    if (auto err = load_exports(path, *table)) {
      std::fprintf(stderr, "cachet doctor: cannot read the shim's %s\n", err->c_str());
      if (json) std::printf("{\"error\":%s,\"status\":%d}\n", json_string("cannot read " + *err).c_str(), kDoctorError);
      return kDoctorError;
    }
    if (!table->present) shim.warnings.push_back(std::string("the shim has no ") + soname + " (in " + shim.dir + ")");
  }

  std::vector<FileReport> reports;
  int status = 0;
  for (const auto& f : files) {
    reports.push_back(examine(f, shim));
    const FileReport& r = reports.back();
    if (!r.error.empty()) {
      std::fprintf(stderr, "cachet doctor: %s: %s\n", r.path.c_str(), r.error.c_str());
      status = kDoctorError;
    } else if (!r.all_good() && status == 0) {
      status = kDoctorMissing;
    }
  }
  for (const auto& w : shim.warnings) std::fprintf(stderr, "cachet doctor: warning: %s\n", w.c_str());
  if (json) {
    print_json(shim, reports, status);
  } else {
    print_text(reports);
  }
  return status;
}
