/*
 * Cachet OpenSSL-compatible headers: untyped stacks.
 *
 * Only the six generic operations DTLS programs reach through the typed
 * sk_TYPE_* helpers are exported; see safestack.h.
 */
#ifndef OPENSSL_STACK_H
#define OPENSSL_STACK_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/macros.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_STACK_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct stack_st OPENSSL_STACK; /* opaque; use STACK_OF(type) */

typedef int (*OPENSSL_sk_compfunc)(const void *, const void *);
typedef void (*OPENSSL_sk_freefunc)(void *);
typedef void *(*OPENSSL_sk_copyfunc)(const void *);

int OPENSSL_sk_num(const OPENSSL_STACK *st);
void *OPENSSL_sk_value(const OPENSSL_STACK *st, int i);
OPENSSL_STACK *OPENSSL_sk_new_null(void);
int OPENSSL_sk_push(OPENSSL_STACK *st, const void *data);
void OPENSSL_sk_free(OPENSSL_STACK *st);
void OPENSSL_sk_pop_free(OPENSSL_STACK *st, void (*func)(void *));

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_STACK_H */
