// Untyped stacks (OPENSSL_sk_*), behind the sk_TYPE_* helpers of
// <openssl/safestack.h>: a growable array of pointers, NULL allowed.
#include "crypto_local.hpp"

#include <new>
#include <vector>

struct stack_st {
  std::vector<const void*> data;
};

extern "C" {

int OPENSSL_sk_num(const OPENSSL_STACK* st) { return st == nullptr ? -1 : static_cast<int>(st->data.size()); }

// NULL for a null stack or an index out of range.
void* OPENSSL_sk_value(const OPENSSL_STACK* st, int i) {
  if (st == nullptr || i < 0 || static_cast<size_t>(i) >= st->data.size()) return nullptr;
  return const_cast<void*>(st->data[static_cast<size_t>(i)]);
}

OPENSSL_STACK* OPENSSL_sk_new_null(void) {
  OPENSSL_STACK* st = new (std::nothrow) OPENSSL_STACK;
  if (st == nullptr) cachet_compat::raise_error(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
  return st;
}

// The new number of elements; -1 for a null stack, 0 when out of memory.
int OPENSSL_sk_push(OPENSSL_STACK* st, const void* data) {
  if (st == nullptr) return -1;
  try {
    st->data.push_back(data);
  } catch (const std::bad_alloc&) {
    cachet_compat::raise_error(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE);
    return 0;
  }
  return static_cast<int>(st->data.size());
}

// Frees the stack, not what it points to.
void OPENSSL_sk_free(OPENSSL_STACK* st) { delete st; }

// Calls func on every non-NULL element, then frees the stack.
void OPENSSL_sk_pop_free(OPENSSL_STACK* st, void (*func)(void*)) {
  if (st == nullptr) return;
  if (func != nullptr) {
    for (const void* p : st->data) {
      if (p != nullptr) func(const_cast<void*>(p));
    }
  }
  delete st;
}

}  // extern "C"
