// RAND: the kernel's CSPRNG (getrandom(2)) for every request. It needs no
// seeding, so RAND_seed/RAND_add take nothing in and RAND_poll/RAND_status
// always report a seeded generator.
#include "crypto_local.hpp"

#include <sys/random.h>

#include <cerrno>

using namespace cachet_compat;

namespace {

// Blocks only until the kernel's pool is first initialised (at boot).
int fill(unsigned char* buf, int num) {
  if (num < 0) return 0;
  size_t done = 0;
  const size_t want = static_cast<size_t>(num);
  while (done < want) {
    const ssize_t n = getrandom(buf + done, want - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      ERR_new();
      ERR_set_debug(__FILE__, __LINE__, __func__);
      ERR_set_error(ERR_LIB_SYS, errno, "calling getrandom()");
      raise_error(ERR_LIB_RAND, ERR_R_SYS_LIB);
      return 0;
    }
    done += static_cast<size_t>(n);
  }
  return 1;
}

}  // namespace

extern "C" {

int RAND_bytes(unsigned char* buf, int num) { return fill(buf, num); }

int RAND_priv_bytes(unsigned char* buf, int num) { return fill(buf, num); }

int RAND_pseudo_bytes(unsigned char* buf, int num) { return fill(buf, num); }

void RAND_seed(const void*, int) {}

void RAND_add(const void*, int, double) {}

int RAND_poll(void) { return 1; }

int RAND_status(void) { return 1; }

}  // extern "C"
