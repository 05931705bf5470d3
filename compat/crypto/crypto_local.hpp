// libcrypto's core (BIO, ERR, RAND, init/memory, stacks): the private
// definitions behind the opaque handles of <openssl/bio.h>, shared by the
// compat/crypto/bio_*.cpp files. See compat/README.md.
//
// Include this header first in every libcrypto source file: it brings in the
// OpenSSL-compatible headers with default visibility, so the functions they
// declare are exported from a library built with -fvisibility=hidden (the
// version script then narrows the exports to compat/symbols/libcrypto.txt).
#pragma once

// Internal errors name the C++ function that raised them (the headers fall
// back to "(unknown function)" outside C99).
#ifndef OPENSSL_FUNC
#define OPENSSL_FUNC __func__
#endif

#pragma GCC visibility push(default)
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/stack.h>
#pragma GCC visibility pop

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

// A method table: built-in ones are constants, programs' ones come from
// BIO_meth_new. The engine always calls the size_t forms; a method given the
// old int forms gets a converting wrapper (bread_conv/bwrite_conv), as in
// OpenSSL.
struct bio_method_st {
  int type = 0;
  std::string name;
  int (*bwrite)(BIO*, const char*, size_t, size_t*) = nullptr;
  int (*bwrite_old)(BIO*, const char*, int) = nullptr;
  int (*bread)(BIO*, char*, size_t, size_t*) = nullptr;
  int (*bread_old)(BIO*, char*, int) = nullptr;
  int (*bputs)(BIO*, const char*) = nullptr;
  int (*bgets)(BIO*, char*, int) = nullptr;
  long (*ctrl)(BIO*, int, long, void*) = nullptr;
  int (*create)(BIO*) = nullptr;
  int (*destroy)(BIO*) = nullptr;
  long (*callback_ctrl)(BIO*, int, BIO_info_cb*) = nullptr;
};

struct bio_st {
  const BIO_METHOD* method = nullptr;
  std::atomic<int> references{1};
  int flags = 0;         // BIO_FLAGS_*: retry state and per-type flags
  int retry_reason = 0;
  int init = 0;          // the method has what it needs to do I/O
  int shutdown = 1;      // BIO_CLOSE: free the underlying fd/FILE with the BIO
  int num = 0;           // fd for descriptor BIOs; EOF return value for mem BIOs
  void* ptr = nullptr;   // the method's state (BIO_set_data for custom methods)
  BIO* next_bio = nullptr;
  BIO* prev_bio = nullptr;
  uint64_t num_read = 0;
  uint64_t num_write = 0;
};

// OpenSSL's internal BIO_ADDR: a union led by struct sockaddr, so a pointer
// to one can be passed wherever a struct sockaddr is expected (and the
// BIO_CTRL_DGRAM_*_PEER ctrls take either). Only the sockaddr's own size is
// ever copied out, so programs may hand in a sockaddr_storage.
union bio_addr_st {
  struct sockaddr sa;
  struct sockaddr_in6 s_in6;
  struct sockaddr_in s_in;
  struct sockaddr_un s_un;
};

namespace cachet_compat {

// BIO library reason codes (OpenSSL 3.0's values; <openssl/bioerr.h> is not
// part of the shim's headers).
inline constexpr int kBioReasonBadFopenMode = 101;
inline constexpr int kBioReasonLengthTooLong = 102;
inline constexpr int kBioReasonUninitialized = 120;
inline constexpr int kBioReasonUnsupportedMethod = 121;
inline constexpr int kBioReasonInUse = 123;
inline constexpr int kBioReasonBrokenPipe = 124;
inline constexpr int kBioReasonInvalidArgument = 125;
inline constexpr int kBioReasonWriteToReadOnlyBio = 126;
inline constexpr int kBioReasonNoSuchFile = 128;

// Puts an error on the thread's queue, recording the caller's location (what
// ERR_raise does in C).
inline void raise_error(int lib, int reason, const char* func = __builtin_FUNCTION(),
                        const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  ERR_new();
  ERR_set_debug(file, line, func);
  ERR_set_error(lib, reason, nullptr);
}

// Error texts (err_strings.cpp): a library's name, a reason particular to a
// library, a reason shared by all (ERR_R_*); nullptr when unknown.
const char* library_text(int lib);
const char* library_reason_text(int lib, int reason);
const char* common_reason_text(int reason);

// A built-in method from OpenSSL-style int-sized callbacks (wrapped in the
// size_t converters, as BIO_meth_set_read/_write do for programs' methods).
BIO_METHOD make_method(int type, const char* name, int (*write)(BIO*, const char*, int),
                       int (*read)(BIO*, char*, int), int (*puts)(BIO*, const char*),
                       int (*gets)(BIO*, char*, int), long (*ctrl)(BIO*, int, long, void*),
                       int (*create)(BIO*), int (*destroy)(BIO*));

// Size of the sockaddr held by an address (the whole union when its family
// is unknown, as OpenSSL's BIO_ADDR_sockaddr_size).
socklen_t bio_addr_sockaddr_size(const BIO_ADDR* ap);
// Copies a sockaddr of a known family into ap; 0 (ap untouched) otherwise.
int bio_addr_make(BIO_ADDR* ap, const struct sockaddr* sa);

// Whether errno after a failed stream-socket or fd call means "try again"
// (BIO_dgram_non_fatal_error is the datagram flavour: no ENOTCONN there).
bool sock_non_fatal_error(int err);

}  // namespace cachet_compat
