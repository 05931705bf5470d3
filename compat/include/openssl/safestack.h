/*
 * Cachet OpenSSL-compatible headers: typed stacks.
 *
 * STACK_OF(T) names the distinct struct type "struct stack_st_T", as in
 * OpenSSL, so C++ code that forward-declares those tags keeps working.  For
 * each element type the helpers sk_T_num, sk_T_value, sk_T_new_null,
 * sk_T_push, sk_T_free and sk_T_pop_free are inline wrappers around the
 * generic OPENSSL_sk_* functions; nothing else about stacks is provided.
 */
#ifndef OPENSSL_SAFESTACK_H
#define OPENSSL_SAFESTACK_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <openssl/macros.h>
#include <openssl/stack.h>
#include <openssl/e_os2.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_SAFESTACK_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define STACK_OF(type) struct stack_st_##type

/*
 * CACHET_SK_HELPERS(name, elem, plain): declare STACK_OF(name) holding
 * pointers to "elem" (possibly const-qualified); "plain" is the unqualified
 * type that a pop_free callback receives.
 */
#define CACHET_SK_HELPERS(name, elem, plain)                                  \
    STACK_OF(name);                                                           \
    typedef int (*sk_##name##_compfunc)(const plain *const *a,                \
                                        const plain *const *b);               \
    typedef void (*sk_##name##_freefunc)(plain *a);                           \
    typedef plain *(*sk_##name##_copyfunc)(const plain *a);                   \
    static ossl_unused ossl_inline int                                        \
    sk_##name##_num(const STACK_OF(name) *sk)                                 \
    {                                                                         \
        return OPENSSL_sk_num((const OPENSSL_STACK *)sk);                     \
    }                                                                         \
    static ossl_unused ossl_inline elem *                                     \
    sk_##name##_value(const STACK_OF(name) *sk, int idx)                      \
    {                                                                         \
        return (elem *)OPENSSL_sk_value((const OPENSSL_STACK *)sk, idx);      \
    }                                                                         \
    static ossl_unused ossl_inline STACK_OF(name) *sk_##name##_new_null(void) \
    {                                                                         \
        return (STACK_OF(name) *)OPENSSL_sk_new_null();                       \
    }                                                                         \
    static ossl_unused ossl_inline int                                        \
    sk_##name##_push(STACK_OF(name) *sk, elem *ptr)                           \
    {                                                                         \
        return OPENSSL_sk_push((OPENSSL_STACK *)sk, (const void *)ptr);       \
    }                                                                         \
    static ossl_unused ossl_inline void sk_##name##_free(STACK_OF(name) *sk)  \
    {                                                                         \
        OPENSSL_sk_free((OPENSSL_STACK *)sk);                                 \
    }                                                                         \
    static ossl_unused ossl_inline void                                       \
    sk_##name##_pop_free(STACK_OF(name) *sk, sk_##name##_freefunc freefunc)   \
    {                                                                         \
        OPENSSL_sk_pop_free((OPENSSL_STACK *)sk,                              \
                            (OPENSSL_sk_freefunc)(void (*)(void))freefunc);   \
    }

/* The public spellings programs use for their own element types. */
#define DEFINE_STACK_OF(t) CACHET_SK_HELPERS(t, t, t)
#define DEFINE_STACK_OF_CONST(t) CACHET_SK_HELPERS(t, const t, t)
#define DEFINE_SPECIAL_STACK_OF(t1, t2) CACHET_SK_HELPERS(t1, t2, t2)
#define DEFINE_SPECIAL_STACK_OF_CONST(t1, t2) CACHET_SK_HELPERS(t1, const t2, t2)

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_SAFESTACK_H */
