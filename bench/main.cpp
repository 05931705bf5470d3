// cachet-bench — Cachet (native and through its OpenSSL shim), OpenSSL 3.0
// and GnuTLS 3.7 measured on identical work in one run. See bench/README.md.
//
// This file is both programs:
//  - cachet-bench (the driver): measures the in-process stacks (Cachet,
//    OpenSSL, GnuTLS) and the crypto floor, runs cachet-bench-shim as a
//    subprocess for the "cachet-shim" column, runs the loss test through
//    `cachet proxy`, and prints the table (or --json);
//  - cachet-bench-shim (CACHET_BENCH_SHIM): the same OpenSSL-API adapter
//    linked against Cachet's libssl/libcrypto, which only answers the
//    driver's `worker`, `loss-server` and `loss-client` subcommands (two
//    copies of libssl cannot live in one process).
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench.hpp"
#include "workloads.hpp"
#ifndef CACHET_BENCH_SHIM
#include "floor.hpp"
#endif

#ifndef CACHET_BENCH_SRCDIR
#define CACHET_BENCH_SRCDIR "."
#endif
#ifndef CACHET_BENCH_BUILDDIR
#define CACHET_BENCH_BUILDDIR "."
#endif

namespace bench {
namespace {

// --- rows ------------------------------------------------------------------------

enum class Kind { kHandshake, kThroughput, kUdp, kHeapIdle, kHeapPeak, kWireBytes, kWireDatagrams, kLossMedian, kLossP95, kLossDatagrams };
// The handshake floors count the nettle operations a handshake cannot avoid:
// server keygen + derive + sign; client keygen + derive + the
// ServerKeyExchange verify, plus one verify per chain certificate (2 here)
// in the *Fresh kinds, where the client validates the chain again.
enum class FloorKind {
  kNone,
  kP256Both,
  kP256BothFresh,
  kP256Server,
  kX25519Both,
  kX25519BothFresh,
  kX25519Server,
  kAes128,
  kAes256,
  kChacha
};

struct RowDef {
  std::string id, title, unit;
  Kind kind;
  Config config;
  bool server_only = false;
  bool higher_better = true;
  FloorKind floor = FloorKind::kNone;
  std::string section;
};

std::vector<RowDef> row_defs() {
  std::vector<RowDef> rows;
  std::string section;
  auto add = [&](RowDef r) {
    r.section = section;
    rows.push_back(std::move(r));
  };
  auto hs = [&](const std::string& id, const std::string& title, Config c, FloorKind both, FloorKind server) {
    add({id, title + ", both ends", "hs/s", Kind::kHandshake, c, false, true, both});
    add({id + ".server", title + ", server's CPU only", "hs/s", Kind::kHandshake, c, true, true, server});
  };
  section = "handshakes per CPU-second, in memory (full: ECDHE-ECDSA, P-256 certificate chain, AES-128-GCM)";
  Config p256;
  Config x25519;
  x25519.group = "X25519:P-256";
  Config p256c = p256, x25519c = x25519;
  p256c.cookies = x25519c.cookies = true;
  hs("hs.p256", "full, P-256", p256, FloorKind::kP256Both, FloorKind::kP256Server);
  hs("hs.p256.cookie", "full, P-256, cookie exchange", p256c, FloorKind::kP256Both, FloorKind::kP256Server);
  hs("hs.x25519", "full, X25519", x25519, FloorKind::kX25519Both, FloorKind::kX25519Server);
  hs("hs.x25519.cookie", "full, X25519, cookie exchange", x25519c, FloorKind::kX25519Both, FloorKind::kX25519Server);
  // The same with Cachet's chain cache off: every chain validated again.
  Config p256f = p256, x25519f = x25519;
  p256f.chain_cache = x25519f.chain_cache = false;
  add({"hs.p256.fresh", "full, P-256, chain validated every time, both ends", "hs/s", Kind::kHandshake, p256f, false,
       true, FloorKind::kP256BothFresh});
  add({"hs.x25519.fresh", "full, X25519, chain validated every time, both ends", "hs/s", Kind::kHandshake, x25519f,
       false, true, FloorKind::kX25519BothFresh});
  Config rid;
  rid.resume = Config::Resume::kSessionId;
  Config rticket;
  rticket.resume = Config::Resume::kTicket;
  Config psk;
  psk.auth = Config::Auth::kPsk;
  psk.suite = "PSK-AES128-GCM-SHA256";
  hs("resume.id", "resumed by session ID", rid, FloorKind::kNone, FloorKind::kNone);
  hs("resume.ticket", "resumed by ticket", rticket, FloorKind::kNone, FloorKind::kNone);
  hs("psk", "PSK-AES128-GCM-SHA256", psk, FloorKind::kNone, FloorKind::kNone);
  struct Suite {
    const char* id;
    const char* name;
    const char* title;
    FloorKind floor;
  };
  const Suite suites[] = {
      {"aes128gcm", "ECDHE-ECDSA-AES128-GCM-SHA256", "AES-128-GCM", FloorKind::kAes128},
      {"aes256gcm", "ECDHE-ECDSA-AES256-GCM-SHA384", "AES-256-GCM", FloorKind::kAes256},
      {"chacha20", "ECDHE-ECDSA-CHACHA20-POLY1305", "ChaCha20-Poly1305", FloorKind::kChacha},
  };
  section = "record throughput, 1200-byte payloads written and read, both ends, per CPU-second";
  for (const auto& s : suites) {
    Config c;
    c.suite = s.name;
    add({std::string("tput.") + s.id, std::string(s.title) + ", in memory", "MB/s", Kind::kThroughput, c, false, true,
         s.floor});
  }
  for (const auto& s : suites) {
    Config c;
    c.suite = s.name;
    add({std::string("udp.") + s.id, std::string(s.title) + ", UDP 127.0.0.1", "MB/s", Kind::kUdp, c, false, true,
         s.floor});
  }
  section = "heap per endpoint (full P-256 handshake, no session cache)";
  Config heap;
  heap.session_cache = false;
  add({"heap.idle", "established and idle", "KB", Kind::kHeapIdle, heap, false, false});
  add({"heap.peak", "peak during the handshake", "KB", Kind::kHeapPeak, heap, false, false});
  section = "on the wire, per handshake (both directions, UDP payload)";
  struct Wire {
    const char* id;
    const char* title;
    Config c;
  };
  const Wire wires[] = {{"full", "full, P-256", p256},
                        {"cookie", "full, P-256, cookie exchange", p256c},
                        {"x25519", "full, X25519", x25519},
                        {"resume", "resumed by session ID", rid},
                        {"psk", "PSK", psk}};
  for (const auto& w : wires) {
    add({std::string("wire.") + w.id + ".bytes", std::string(w.title) + ", bytes", "B", Kind::kWireBytes, w.c,
         false, false});
    add({std::string("wire.") + w.id + ".datagrams", std::string(w.title) + ", datagrams", "dgrams",
         Kind::kWireDatagrams, w.c, false, false});
  }
  section = "time to connect through `cachet proxy`, 10% loss, 20 ms one-way delay (full P-256, cookies), real time";
  add({"loss.median", "median", "ms", Kind::kLossMedian, p256c, false, false});
  add({"loss.p95", "95th percentile", "ms", Kind::kLossP95, p256c, false, false});
  add({"loss.datagrams", "datagrams sent per handshake, both ends (the proxy's count)", "dgrams", Kind::kLossDatagrams,
       p256c, false, false});
  return rows;
}

// --- options ---------------------------------------------------------------------

struct Options {
  bool json = false;
  bool quick = false;
  int reps = 5;
  double time = 0.25;  // CPU seconds per timed sample
  int heap_pairs = 100;
  int peak_pairs = 32;
  int loss_count = 100;
  int loss_parallel = 4;
  double loss_give_up = 60;
  std::vector<std::string> rows;  // prefixes; empty = all
  std::string pki = std::string(CACHET_BENCH_SRCDIR) + "/tests/pki";
  std::string cachet = std::string(CACHET_BENCH_BUILDDIR) + "/tools/cachet";
  std::string shim = std::string(CACHET_BENCH_BUILDDIR) + "/bench/cachet-bench-shim";
  bool no_shim = false;
  std::string stacks;  // comma list restricting the columns
};

const char* kHelp =
    "usage: cachet-bench [options]\n"
    "  Measures Cachet (native API and through its OpenSSL shim), OpenSSL 3.0 and\n"
    "  GnuTLS 3.7 on identical DTLS 1.2 work in one run; see bench/README.md.\n"
    "  --quick           a smoke run (~20 s): 2 repetitions, short samples, 6 lossy handshakes\n"
    "  --json            machine-readable output on stdout\n"
    "  --rows LIST       only rows whose id starts with one of LIST (comma-separated),\n"
    "                    e.g. --rows hs.p256,tput,heap (see --list)\n"
    "  --stacks LIST     only these columns (cachet,cachet-shim,openssl,gnutls)\n"
    "  --list            print the row ids and exit\n"
    "  --reps N          repetitions (default 5)\n"
    "  --time S          CPU seconds per timed sample (default 0.25)\n"
    "  --heap-pairs N    established pairs for heap.idle (default 100)\n"
    "  --loss-count N    handshakes per stack in the loss test (default 100)\n"
    "  --loss-parallel N concurrent handshakes per stack in the loss test (default 4)\n"
    "  --no-shim         skip the cachet-shim column\n"
    "  --pki DIR         the test PKI (default: the source tree's tests/pki)\n"
    "  --cachet PATH     the cachet command (for `cachet proxy`)\n"
    "  --shim PATH       the cachet-bench-shim program\n";

[[noreturn]] void usage_error(const std::string& m) {
  std::fprintf(stderr, "cachet-bench: %s (see --help)\n", m.c_str());
  std::exit(2);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

bool selected(const Options& o, const std::string& id) {
  if (o.rows.empty()) return true;
  for (const auto& p : o.rows)
    if (id.compare(0, p.size(), p) == 0) return true;
  return false;
}

Options parse(int argc, char** argv, int first) {
  Options o;
  bool reps_set = false, time_set = false, loss_set = false, heap_set = false;
  for (int i = first; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(a + " needs a value");
      return argv[++i];
    };
    auto number = [&]() -> double {
      const std::string v = value();
      char* end = nullptr;
      const double d = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !(d > 0)) usage_error(a + " wants a positive number");
      return d;
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kHelp, stdout);
      std::exit(0);
    } else if (a == "--json") o.json = true;
    else if (a == "--quick") o.quick = true;
    else if (a == "--rows") o.rows = split(value(), ',');
    else if (a == "--stacks") o.stacks = value();
    else if (a == "--reps") o.reps = static_cast<int>(number()), reps_set = true;
    else if (a == "--time") o.time = number(), time_set = true;
    else if (a == "--heap-pairs") o.heap_pairs = static_cast<int>(number()), heap_set = true;
    else if (a == "--peak-pairs") o.peak_pairs = static_cast<int>(number());
    else if (a == "--loss-count") o.loss_count = static_cast<int>(number()), loss_set = true;
    else if (a == "--loss-parallel") o.loss_parallel = static_cast<int>(number());
    else if (a == "--no-shim") o.no_shim = true;
    else if (a == "--pki") o.pki = value();
    else if (a == "--cachet") o.cachet = value();
    else if (a == "--shim") o.shim = value();
    else if (a == "--list") {
      for (const auto& r : row_defs()) std::printf("%-24s %s\n", r.id.c_str(), r.title.c_str());
      std::exit(0);
    } else usage_error("unknown option " + a);
  }
  if (o.quick) {
    if (!reps_set) o.reps = 2;
    if (!time_set) o.time = 0.03;
    if (!heap_set) o.heap_pairs = 16, o.peak_pairs = 8;
    if (!loss_set) o.loss_count = 6, o.loss_parallel = 6;
  }
  return o;
}

// --- measuring one row on one in-process stack -----------------------------------

Sample measure(const RowDef& row, Stack& stack, const Options& o) {
  Config c = row.config;
  c.pki_dir = o.pki;
  switch (row.kind) {
    case Kind::kHandshake: return handshake_rate(stack, c, row.server_only, o.time);
    case Kind::kThroughput: return throughput(stack, c, o.time, false);
    case Kind::kUdp: return throughput(stack, c, o.time, true);
    case Kind::kHeapIdle: {
      Sample s = heap_idle(stack, c, o.heap_pairs);
      s.value /= 1000.0;
      return s;
    }
    case Kind::kHeapPeak: {
      Sample s = heap_peak(stack, c, o.peak_pairs);
      s.value /= 1000.0;
      return s;
    }
    case Kind::kWireBytes:
    case Kind::kWireDatagrams: {
      WireCount w;
      std::string error;
      if (!wire_count(stack, c, w, error)) return Sample::fail(error);
      return Sample::of(row.kind == Kind::kWireBytes ? w.bytes : w.datagrams);
    }
    default: return Sample::fail("not measured in process");
  }
}

std::vector<std::unique_ptr<Stack>> in_process_stacks() {
  std::vector<std::unique_ptr<Stack>> s;
#ifdef CACHET_BENCH_SHIM
  s.push_back(make_openssl_stack());
#else
  s.push_back(make_cachet_stack());
  s.push_back(make_openssl_stack());
  s.push_back(make_gnutls_stack());
#endif
  return s;
}

Stack* find_stack(std::vector<std::unique_ptr<Stack>>& stacks, const std::string& name) {
  for (auto& s : stacks)
    if (s->name() == name) return s.get();
  return nullptr;
}

std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

// `worker`: every selected non-loss row, `reps` times, as lines
// "S ROW VALUE" / "E ROW MESSAGE" (after "V STACK VERSION").
int run_worker(const Options& o) {
  auto stacks = in_process_stacks();
  for (auto& s : stacks) std::printf("V %s %s\n", s->name().c_str(), one_line(s->version()).c_str());
  std::fflush(stdout);
  for (int rep = 0; rep < o.reps; ++rep) {
    for (const auto& row : row_defs()) {
      if (!selected(o, row.id) || row.kind == Kind::kLossMedian || row.kind == Kind::kLossP95 || row.kind == Kind::kLossDatagrams) continue;
      // The worker runs the shim, which cannot turn Cachet's chain cache off
      // (--rows hs.p256 also selects hs.p256.fresh by prefix).
      if (!row.config.chain_cache) continue;
      for (auto& s : stacks) {
        const Sample r = measure(row, *s, o);
        if (r.ok) std::printf("S %s %s %.6g\n", row.id.c_str(), s->name().c_str(), r.value);
        else std::printf("E %s %s %s\n", row.id.c_str(), s->name().c_str(), one_line(r.error).c_str());
        std::fflush(stdout);
      }
    }
  }
  return 0;
}

// loss-server / loss-client STACK ...
int run_loss_role(const std::string& role, int argc, char** argv) {
  // argv: role STACK PKI [PORT COUNT PARALLEL GIVEUP]
  if (argc < 4) usage_error(role + " wants STACK PKI ...");
  auto stacks = in_process_stacks();
  Stack* s = find_stack(stacks, argv[2]);
  if (s == nullptr) usage_error(std::string("no stack ") + argv[2] + " in this program");
  Config c = row_defs().back().config;  // the loss rows' configuration
  c.pki_dir = argv[3];
  if (role == "loss-server") return loss_server(*s, c);
  if (argc < 8) usage_error("loss-client wants STACK PKI PORT COUNT PARALLEL GIVEUP");
  return loss_client(*s, c, std::atoi(argv[4]), std::atoi(argv[5]), std::atoi(argv[6]), std::atof(argv[7]));
}

}  // namespace
}  // namespace bench

#ifdef CACHET_BENCH_SHIM

int main(int argc, char** argv) {
  using namespace bench;
  signal(SIGPIPE, SIG_IGN);
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "worker") return run_worker(parse(argc, argv, 2));
  if (cmd == "loss-server" || cmd == "loss-client") return run_loss_role(cmd, argc, argv);
  std::fprintf(stderr,
               "cachet-bench-shim: the OpenSSL-API adapter on Cachet's libssl; run by cachet-bench, not by hand\n"
               "  (subcommands: worker OPTIONS, loss-server, loss-client)\n");
  return 2;
}

#else  // the driver

namespace bench {
namespace {

const std::vector<std::string> kColumns = {"cachet", "cachet-shim", "openssl", "gnutls"};

struct Cell {
  std::vector<double> samples;
  std::string error;
  bool fixed = false;  // median/min/max set directly (loss rows)
  double median = 0, min = 0, max = 0;
  int failures = 0;
  void finish() {
    if (fixed || samples.empty()) return;
    std::vector<double> v = samples;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    min = v.front();
    max = v.back();
  }
  bool has() const { return fixed || !samples.empty(); }
};

using Results = std::map<std::string, std::map<std::string, Cell>>;

// --- subprocesses ------------------------------------------------------------------

pid_t spawn(const std::vector<std::string>& args, int* out_fd, const std::string& err_file) {
  int p[2] = {-1, -1};
  if (out_fd != nullptr && pipe(p) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    if (out_fd != nullptr) {
      dup2(p[1], 1);
      close(p[0]);
      close(p[1]);
    }
    const int e = open(err_file.empty() ? "/dev/null" : err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (e >= 0) dup2(e, 2);
    std::vector<char*> v;
    for (const auto& a : args) v.push_back(const_cast<char*>(a.c_str()));
    v.push_back(nullptr);
    execv(v[0], v.data());
    _exit(127);
  }
  if (out_fd != nullptr) {
    close(p[1]);
    *out_fd = p[0];
  }
  return pid;
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

// Reads one line (blocking), for a server's "PORT n".
std::string read_line(int fd) {
  std::string line;
  char ch;
  while (read(fd, &ch, 1) == 1 && ch != '\n') line += ch;
  return line;
}

int free_udp_port() {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  close(fd);
  return ntohs(a.sin_port);
}

std::string self_exe() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

bool executable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

// The cachet-shim column: one worker run (one repetition of every row).
void run_shim_worker(const Options& o, const std::vector<std::string>& row_ids, Results& res, std::string& version) {
  if (row_ids.empty()) return;
  std::vector<std::string> args = {o.shim, "worker", "--reps", "1", "--time", std::to_string(o.time),
                                   "--heap-pairs", std::to_string(o.heap_pairs), "--peak-pairs",
                                   std::to_string(o.peak_pairs), "--pki", o.pki, "--rows"};
  std::string list;
  for (const auto& id : row_ids) list += (list.empty() ? "" : ",") + id;
  args.push_back(list);
  int fd = -1;
  char err_template[] = "/tmp/cachet-bench-shim.XXXXXX";
  const int efd = mkstemp(err_template);
  if (efd >= 0) close(efd);
  const pid_t pid = spawn(args, &fd, err_template);
  if (pid < 0) return;
  const std::string out = read_all(fd);
  int status = 0;
  waitpid(pid, &status, 0);
  std::set<std::string> seen;
  for (const auto& line : split(out, '\n')) {
    std::istringstream in(line);
    std::string tag, row, stack;
    in >> tag;
    if (tag == "V") {  // "V STACK VERSION..."
      in >> stack;
      std::getline(in >> std::ws, version);
      continue;
    }
    in >> row >> stack;
    if (tag == "S") {
      double v = 0;
      in >> v;
      res[row]["cachet-shim"].samples.push_back(v);
    } else if (tag == "E") {
      std::string msg;
      std::getline(in >> std::ws, msg);
      res[row]["cachet-shim"].error = msg;
    }
    seen.insert(row);
  }
  std::string why;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream e(err_template);
    std::string last, l;
    while (std::getline(e, l))
      if (!l.empty()) last = l;
    why = WIFSIGNALED(status) ? "cachet-bench-shim died of signal " + std::to_string(WTERMSIG(status))
                              : "cachet-bench-shim exited " + std::to_string(WEXITSTATUS(status));
    if (!last.empty()) why += ": " + last;
  }
  unlink(err_template);
  for (const auto& id : row_ids)
    if (!seen.count(id) && res[id]["cachet-shim"].error.empty())
      res[id]["cachet-shim"].error = why.empty() ? "no result" : why;
}

// --- the loss test -----------------------------------------------------------------

struct LossRun {
  std::string column, program, stack;
  pid_t server = -1, proxy = -1, client = -1;
  int client_fd = -1;
  std::string error;
  std::string proxy_log;
};

void run_loss(const Options& o, const std::vector<std::string>& columns, Results& res) {
  if (!executable(o.cachet)) {
    for (const auto& c : columns) {
      res["loss.median"][c].error = "no cachet command at " + o.cachet;
      res["loss.p95"][c].error = res["loss.median"][c].error;
      res["loss.datagrams"][c].error = res["loss.median"][c].error;
    }
    return;
  }
  const std::string me = self_exe();
  std::vector<LossRun> runs;
  for (const auto& c : columns) {
    LossRun r;
    r.column = c;
    r.program = c == "cachet-shim" ? o.shim : me;
    r.stack = c == "cachet-shim" ? "cachet-shim" : c;
    runs.push_back(r);
  }
  // Servers first (each prints its port), then a proxy in front of each.
  for (auto& r : runs) {
    int fd = -1;
    r.server = spawn({r.program, "loss-server", r.stack, o.pki}, &fd, "");
    const std::string line = r.server > 0 ? read_line(fd) : "";
    if (fd >= 0) close(fd);
    if (line.rfind("PORT ", 0) != 0) {
      r.error = "loss server did not start: " + line;
      continue;
    }
    const int proxy_port = free_udp_port();
    char log_template[] = "/tmp/cachet-bench-proxy.XXXXXX";
    const int lfd = mkstemp(log_template);
    if (lfd >= 0) close(lfd);
    r.proxy_log = log_template;
    r.proxy = spawn({o.cachet, "proxy", "--listen", "127.0.0.1:" + std::to_string(proxy_port), "--to",
                     "127.0.0.1:" + line.substr(5), "--loss", "0.1", "--delay", "20", "--seed", "9"},
                    nullptr, r.proxy_log);
    bool up = false;
    for (int i = 0; i < 300 && !up; ++i) {
      std::ifstream log(r.proxy_log);
      std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      up = text.find("listening") != std::string::npos;
      if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!up) {
      r.error = "cachet proxy did not start";
      continue;
    }
    r.client = spawn({r.program, "loss-client", r.stack, o.pki, std::to_string(proxy_port), std::to_string(o.loss_count),
                      std::to_string(o.loss_parallel), std::to_string(o.loss_give_up)},
                     &r.client_fd, "");
  }
  for (auto& r : runs) {
    std::vector<double> times;
    int failures = 0;
    std::string first_failure;
    if (r.client > 0) {
      for (const auto& line : split(read_all(r.client_fd), '\n')) {
        if (line.rfind("T ", 0) == 0) times.push_back(std::atof(line.c_str() + 2));
        else if (line.rfind("F ", 0) == 0) {
          ++failures;
          if (first_failure.empty()) first_failure = line.substr(2);
        }
      }
      waitpid(r.client, nullptr, 0);
    }
    for (pid_t p : {r.proxy, r.server})
      if (p > 0) {
        kill(p, SIGTERM);
        waitpid(p, nullptr, 0);
      }
    // The proxy's closing stats line: every datagram either end sent.
    double sent = -1;
    if (!r.proxy_log.empty()) {
      std::ifstream log(r.proxy_log);
      const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      auto field = [&text](const std::string& name) -> double {
        const size_t at = text.rfind(" " + name + "=");
        return at == std::string::npos ? -1 : std::atof(text.c_str() + at + name.size() + 2);
      };
      const double from_clients = field("from_clients"), from_server = field("from_server");
      if (from_clients >= 0 && from_server >= 0) sent = from_clients + from_server;
      unlink(r.proxy_log.c_str());
    }
    Cell& med = res["loss.median"][r.column];
    Cell& p95 = res["loss.p95"][r.column];
    Cell& dg = res["loss.datagrams"][r.column];
    const size_t attempts = times.size() + static_cast<size_t>(failures);
    if (sent >= 0 && attempts > 0) {
      dg.median = dg.min = dg.max = sent / static_cast<double>(attempts);
      dg.samples = {dg.median};
      dg.fixed = true;
    } else {
      dg.error = "no proxy stats";
    }
    if (times.empty()) {
      med.error = p95.error = !r.error.empty() ? r.error : "no handshake completed: " + first_failure;
      continue;
    }
    std::sort(times.begin(), times.end());
    const size_t n = times.size();
    med.samples = p95.samples = times;
    med.fixed = p95.fixed = true;
    med.failures = p95.failures = failures;
    med.median = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    // Nearest-rank p95, failures counted as slower than every success.
    const size_t total = n + static_cast<size_t>(failures);
    const size_t rank = static_cast<size_t>(std::ceil(0.95 * static_cast<double>(total)));
    p95.median = rank <= n ? times[rank - 1] : INFINITY;
    med.min = p95.min = times.front();
    med.max = p95.max = times.back();
    if (failures > 0) med.error = p95.error = std::to_string(failures) + " failed: " + first_failure;
  }
}

// --- floors --------------------------------------------------------------------------

double floor_for(FloorKind k, const std::map<std::string, double>& f) {
  auto get = [&](const char* id) {
    const auto it = f.find(id);
    return it == f.end() || it->second <= 0 ? NAN : it->second;
  };
  auto hs = [&](double sign, double verify, double kg, double dv, bool server, int verifies = 1) {
    const double t = 1 / sign + (server ? 0 : verifies / verify) + (server ? 1 : 2) / kg + (server ? 1 : 2) / dv;
    return 1 / t;
  };
  auto aead = [&](const char* seal, const char* open) { return 1 / (1 / get(seal) + 1 / get(open)); };
  const double sign = get("nettle.p256.sign"), verify = get("nettle.p256.verify");
  switch (k) {
    case FloorKind::kP256Both: return hs(sign, verify, get("nettle.p256.keygen"), get("nettle.p256.derive"), false);
    case FloorKind::kP256BothFresh:
      return hs(sign, verify, get("nettle.p256.keygen"), get("nettle.p256.derive"), false, 3);
    case FloorKind::kP256Server: return hs(sign, verify, get("nettle.p256.keygen"), get("nettle.p256.derive"), true);
    case FloorKind::kX25519Both:
      return hs(sign, verify, get("nettle.x25519.keygen"), get("nettle.x25519.derive"), false);
    case FloorKind::kX25519BothFresh:
      return hs(sign, verify, get("nettle.x25519.keygen"), get("nettle.x25519.derive"), false, 3);
    case FloorKind::kX25519Server:
      return hs(sign, verify, get("nettle.x25519.keygen"), get("nettle.x25519.derive"), true);
    // Cachet's AES-GCM runs on GnuTLS's AEAD (src/crypto/aead.cpp), whose
    // seal and open bound these rows; nettle's own GCM is slower.
    case FloorKind::kAes128: return aead("gnutls.aes128gcm.seal", "gnutls.aes128gcm.open");
    case FloorKind::kAes256: return aead("gnutls.aes256gcm.seal", "gnutls.aes256gcm.open");
    case FloorKind::kChacha: return aead("nettle.chacha20.seal", "nettle.chacha20.open");
    default: return NAN;
  }
}

// --- output ----------------------------------------------------------------------------

std::string fmt(double v) {
  if (std::isinf(v)) return "inf";
  if (std::isnan(v)) return "-";
  char buf[64];
  if (std::fabs(v) >= 100) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    std::string s = buf, out;
    const size_t digits = s.size() - (s[0] == '-' ? 1 : 0);
    for (size_t i = 0; i < s.size(); ++i) {
      out += s[i];
      const size_t left = s.size() - 1 - i;
      if (left > 0 && left % 3 == 0 && (s[0] != '-' || i > 0) && digits > 3) out += ',';
    }
    return out;
  }
  std::snprintf(buf, sizeof buf, std::fabs(v) >= 10 ? "%.1f" : "%.2f", v);
  return buf;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\', out += ch;
    else if (static_cast<unsigned char>(ch) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", ch);
      out += b;
    } else out += ch;
  }
  return out + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

double ratio(const Results& res, const std::string& row, const std::string& other) {
  const auto r = res.find(row);
  if (r == res.end()) return NAN;
  const auto a = r->second.find("cachet");
  const auto b = r->second.find(other);
  if (a == r->second.end() || b == r->second.end() || !a->second.has() || !b->second.has()) return NAN;
  if (b->second.median == 0) return NAN;
  return a->second.median / b->second.median;
}

struct Report {
  Options options;
  std::vector<std::string> columns;
  std::map<std::string, std::string> versions;
  std::vector<RowDef> rows;
  Results res;
  std::vector<FloorOp> floor_defs;
  std::map<std::string, std::vector<double>> floor_samples;
  std::map<std::string, double> floor_median;
  double wall_seconds = 0;
};

double median_of(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void print_table(const Report& r) {
  std::printf("cachet-bench: DTLS 1.2, both endpoints in one process unless noted; %d repetition%s, %.2f CPU s per "
              "sample; median [min..max]\n",
              r.options.reps, r.options.reps == 1 ? "" : "s", r.options.time);
  for (const auto& c : r.columns) {
    const auto it = r.versions.find(c);
    std::printf("  %-12s %s\n", c.c_str(), it == r.versions.end() ? "" : it->second.c_str());
  }
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> head = {"row", "", "unit"};
  std::string section;
  for (const auto& c : r.columns) head.push_back(c);
  head.insert(head.end(), {"C/OpenSSL", "C/GnuTLS", "floor", "C/floor"});
  table.push_back(head);
  std::vector<std::string> notes;
  for (const auto& row : r.rows) {
    const auto rit = r.res.find(row.id);
    if (row.section != section) {
      section = row.section;
      table.push_back({"# " + section});
    }
    std::vector<std::string> line = {row.id, row.title, row.unit};
    for (const auto& c : r.columns) {
      const Cell* cell = nullptr;
      if (rit != r.res.end()) {
        const auto cit = rit->second.find(c);
        if (cit != rit->second.end()) cell = &cit->second;
      }
      if (cell == nullptr || (!cell->has() && cell->error.empty())) line.push_back("n/a");
      else if (!cell->has()) {
        line.push_back("FAIL(" + std::to_string(notes.size() + 1) + ")");
        notes.push_back(c + " " + row.id + ": " + cell->error);
      } else {
        std::string s = fmt(cell->median) + " [" + fmt(cell->min) + ".." + fmt(cell->max) + "]";
        if (cell->failures > 0) {
          s += " (" + std::to_string(notes.size() + 1) + ")";
          notes.push_back(c + " " + row.id + ": " + cell->error);
        }
        line.push_back(s);
      }
    }
    const double ro = ratio(r.res, row.id, "openssl"), rg = ratio(r.res, row.id, "gnutls");
    auto ratio_text = [](double v) {
      if (std::isnan(v)) return std::string("-");
      char b[32];
      std::snprintf(b, sizeof b, "%.2f", v);
      return std::string(b);
    };
    line.push_back(ratio_text(ro));
    line.push_back(ratio_text(rg));
    const double fl = floor_for(row.floor, r.floor_median);
    line.push_back(fmt(fl));
    double pct = NAN;
    if (!std::isnan(fl) && rit != r.res.end()) {
      const auto cit = rit->second.find("cachet");
      if (cit != rit->second.end() && cit->second.has()) pct = 100 * cit->second.median / fl;
    }
    if (std::isnan(pct)) line.push_back("-");
    else {
      char b[32];
      std::snprintf(b, sizeof b, "%.0f%%", pct);
      line.push_back(b);
    }
    table.push_back(line);
  }
  std::vector<size_t> width(head.size(), 0);
  for (const auto& l : table)
    if (l.size() > 1)
      for (size_t i = 0; i < l.size(); ++i) width[i] = std::max(width[i], l[i].size());
  std::printf("\n");
  for (size_t k = 0; k < table.size(); ++k) {
    const auto& l = table[k];
    if (l.size() == 1) {  // a section heading
      std::printf("%s\n", l[0].c_str());
      continue;
    }
    std::string out;
    for (size_t i = 0; i < l.size(); ++i) {
      const std::string pad(width[i] - l[i].size(), ' ');
      out += i < 3 ? l[i] + pad : pad + l[i];
      if (i + 1 < l.size()) out += "  ";
    }
    std::printf("%s\n", out.c_str());
    if (k == 0) std::printf("%s\n", std::string(out.size(), '-').c_str());
  }
  for (size_t i = 0; i < notes.size(); ++i) std::printf("(%zu) %s\n", i + 1, notes[i].c_str());
  if (!r.floor_defs.empty()) {
    std::printf("\ncrypto floor (each operation alone, per CPU-second; median [min..max])\n");
    for (const auto& f : r.floor_defs) {
      const auto& v = r.floor_samples.at(f.id);
      std::printf("  %-44s %6s  %s [%s..%s]\n", f.title.c_str(), f.unit.c_str(), fmt(median_of(v)).c_str(),
                  fmt(*std::min_element(v.begin(), v.end())).c_str(), fmt(*std::max_element(v.begin(), v.end())).c_str());
    }
  }
  std::printf("\nC/OpenSSL, C/GnuTLS: Cachet's median over theirs (rates: >1 is faster; KB, B, ms: <1 is smaller).\n"
              "floor: the row's crypto-only bound (nettle; GnuTLS AEAD for AES-GCM; bench/README.md); C/floor: Cachet's share of it.\n"
              "wall time %.0f s\n",
              r.wall_seconds);
}

void print_json(const Report& r) {
  std::string j = "{\n  \"benchmark\": \"cachet-bench\",\n  \"format\": 1,\n";
  j += "  \"options\": {\"reps\": " + std::to_string(r.options.reps) + ", \"cpu_seconds_per_sample\": " +
       json_number(r.options.time) + ", \"quick\": " + (r.options.quick ? "true" : "false") +
       ", \"heap_pairs\": " + std::to_string(r.options.heap_pairs) + ", \"loss_handshakes\": " +
       std::to_string(r.options.loss_count) + "},\n";
  j += "  \"stacks\": {";
  for (size_t i = 0; i < r.columns.size(); ++i) {
    const auto it = r.versions.find(r.columns[i]);
    j += (i ? ", " : "") + json_string(r.columns[i]) + ": " + json_string(it == r.versions.end() ? "" : it->second);
  }
  j += "},\n  \"rows\": [\n";
  for (size_t k = 0; k < r.rows.size(); ++k) {
    const RowDef& row = r.rows[k];
    j += "    {\"id\": " + json_string(row.id) + ", \"section\": " + json_string(row.section) +
         ", \"title\": " + json_string(row.title) +
         ", \"unit\": " + json_string(row.unit) + ", \"higher_is_better\": " + (row.higher_better ? "true" : "false") +
         ",\n     \"results\": {";
    const auto rit = r.res.find(row.id);
    bool first = true;
    for (const auto& c : r.columns) {
      j += std::string(first ? "" : ",") + "\n       " + json_string(c) + ": ";
      first = false;
      const Cell* cell = nullptr;
      if (rit != r.res.end()) {
        const auto cit = rit->second.find(c);
        if (cit != rit->second.end()) cell = &cit->second;
      }
      if (cell == nullptr || !cell->has()) {
        j += "{\"error\": " + json_string(cell == nullptr || cell->error.empty() ? "not measured" : cell->error) + "}";
        continue;
      }
      j += "{\"median\": " + json_number(cell->median) + ", \"min\": " + json_number(cell->min) +
           ", \"max\": " + json_number(cell->max) + ", \"samples\": [";
      for (size_t i = 0; i < cell->samples.size(); ++i) j += (i ? ", " : "") + json_number(cell->samples[i]);
      j += "]";
      if (cell->failures > 0 || !cell->error.empty())
        j += ", \"failures\": " + std::to_string(cell->failures) + ", \"error\": " + json_string(cell->error);
      j += "}";
    }
    const double fl = floor_for(row.floor, r.floor_median);
    double pct = NAN;
    if (rit != r.res.end()) {
      const auto cit = rit->second.find("cachet");
      if (cit != rit->second.end() && cit->second.has()) pct = 100 * cit->second.median / fl;
    }
    j += "},\n     \"ratio_cachet_openssl\": " + json_number(ratio(r.res, row.id, "openssl")) +
         ", \"ratio_cachet_gnutls\": " + json_number(ratio(r.res, row.id, "gnutls")) +
         ", \"floor\": " + json_number(fl) + ", \"cachet_percent_of_floor\": " + json_number(pct) + "}" +
         (k + 1 < r.rows.size() ? "," : "") + "\n";
  }
  j += "  ],\n  \"floors\": [";
  for (size_t i = 0; i < r.floor_defs.size(); ++i) {
    const auto& f = r.floor_defs[i];
    const auto& v = r.floor_samples.at(f.id);
    j += std::string(i ? "," : "") + "\n    {\"id\": " + json_string(f.id) + ", \"title\": " + json_string(f.title) +
         ", \"unit\": " + json_string(f.unit) + ", \"median\": " + json_number(median_of(v)) +
         ", \"min\": " + json_number(*std::min_element(v.begin(), v.end())) +
         ", \"max\": " + json_number(*std::max_element(v.begin(), v.end())) + "}";
  }
  j += "\n  ],\n  \"wall_seconds\": " + json_number(r.wall_seconds) + "\n}\n";
  std::fputs(j.c_str(), stdout);
}

int run_driver(const Options& o) {
  const auto wall_start = Clock::now();
  Report r;
  r.options = o;
  auto stacks = in_process_stacks();
  const std::vector<std::string> wanted = o.stacks.empty() ? kColumns : split(o.stacks, ',');
  for (const auto& c : kColumns) {
    if (std::find(wanted.begin(), wanted.end(), c) == wanted.end()) continue;
    if (c == "cachet-shim" && o.no_shim) continue;
    r.columns.push_back(c);
  }
  for (auto& s : stacks) r.versions[s->name()] = s->version();
  bool shim = std::find(r.columns.begin(), r.columns.end(), "cachet-shim") != r.columns.end();
  if (shim && !executable(o.shim)) {
    std::fprintf(stderr, "cachet-bench: no %s (make bench builds it); the cachet-shim column is skipped\n",
                 o.shim.c_str());
    r.columns.erase(std::find(r.columns.begin(), r.columns.end(), "cachet-shim"));
    shim = false;
  }
  for (const auto& row : row_defs())
    if (selected(o, row.id)) r.rows.push_back(row);
  if (r.rows.empty()) usage_error("--rows selects no row (see --list)");
  std::vector<std::string> shim_rows;
  bool any_floor = false, any_loss = false;
  for (const auto& row : r.rows) {
    if (row.kind == Kind::kLossMedian || row.kind == Kind::kLossP95 || row.kind == Kind::kLossDatagrams) any_loss = true;
    // The shim has no switch for the chain cache (OpenSSL has no such
    // setting), so its .fresh cells would measure the cached path: n/a.
    else if (row.config.chain_cache) shim_rows.push_back(row.id);
    if (row.floor != FloorKind::kNone) any_floor = true;
  }
  const bool floors = any_floor || o.rows.empty();
  auto progress = [&](const std::string& what) { std::fprintf(stderr, "cachet-bench: %s\n", what.c_str()); };

  for (int rep = 0; rep < o.reps; ++rep) {
    progress("repetition " + std::to_string(rep + 1) + "/" + std::to_string(o.reps));
    if (floors) {
      for (const auto& f : measure_floors(std::max(0.02, o.time / 3))) {
        if (rep == 0) r.floor_defs.push_back(f);
        r.floor_samples[f.id].push_back(f.value);
      }
    }
    for (const auto& row : r.rows) {
      if (row.kind == Kind::kLossMedian || row.kind == Kind::kLossP95 || row.kind == Kind::kLossDatagrams) continue;
      for (auto& s : stacks) {
        if (std::find(r.columns.begin(), r.columns.end(), s->name()) == r.columns.end()) continue;
        const Sample smp = measure(row, *s, o);
        Cell& cell = r.res[row.id][s->name()];
        if (smp.ok) cell.samples.push_back(smp.value);
        else cell.error = smp.error;
      }
    }
    if (shim) {
      std::string version;
      run_shim_worker(o, shim_rows, r.res, version);
      if (!version.empty()) r.versions["cachet-shim"] = "Cachet through its OpenSSL shim: " + version;
    }
  }
  for (const auto& f : r.floor_defs) r.floor_median[f.id] = median_of(r.floor_samples[f.id]);
  if (any_loss) {
    progress("loss test: " + std::to_string(o.loss_count) + " handshakes per stack through cachet proxy");
    run_loss(o, r.columns, r.res);
  }
  for (auto& [id, cells] : r.res)
    for (auto& [c, cell] : cells) cell.finish();
  r.wall_seconds = std::chrono::duration<double>(Clock::now() - wall_start).count();
  if (o.json) print_json(r);
  else print_table(r);
  return 0;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  signal(SIGPIPE, SIG_IGN);
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "worker") return run_worker(parse(argc, argv, 2));
  if (cmd == "loss-server" || cmd == "loss-client") return run_loss_role(cmd, argc, argv);
  return run_driver(parse(argc, argv, 1));
}

#endif
