/*
 * Cachet OpenSSL-compatible headers: library initialisation, memory,
 * version queries and ex_data indexes.
 */
#ifndef OPENSSL_CRYPTO_H
#define OPENSSL_CRYPTO_H

/* Installed-header behaviour: see configuration.h. */
#if defined(__GNUC__) && !defined(CACHET_COMPAT_HEADER_WARNINGS)
# pragma GCC system_header
#endif

#include <stdlib.h>
#include <stdio.h>
#include <time.h>
#include <openssl/macros.h>
#include <openssl/e_os2.h>
#include <openssl/safestack.h>
#include <openssl/opensslv.h>
#include <openssl/types.h>
#include <openssl/opensslconf.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
# define HEADER_CRYPTO_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- memory ------------------------------------------------------------ */
/* The file/line arguments are accepted for compatibility and ignored. */
void *CRYPTO_malloc(size_t num, const char *file, int line);
void *CRYPTO_zalloc(size_t num, const char *file, int line);
void *CRYPTO_realloc(void *addr, size_t num, const char *file, int line);
void CRYPTO_free(void *ptr, const char *file, int line);
char *CRYPTO_strdup(const char *str, const char *file, int line);
char *CRYPTO_strndup(const char *str, size_t s, const char *file, int line);

#define OPENSSL_malloc(num) CRYPTO_malloc(num, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_zalloc(num) CRYPTO_zalloc(num, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_realloc(addr, num) \
    CRYPTO_realloc(addr, num, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_free(addr) CRYPTO_free(addr, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_strdup(str) CRYPTO_strdup(str, OPENSSL_FILE, OPENSSL_LINE)
#define OPENSSL_strndup(str, n) \
    CRYPTO_strndup(str, n, OPENSSL_FILE, OPENSSL_LINE)

/* Nothing to set up any more. */
#define OPENSSL_malloc_init() while (0) continue

typedef void *(*CRYPTO_malloc_fn)(size_t num, const char *file, int line);
typedef void *(*CRYPTO_realloc_fn)(void *addr, size_t num, const char *file,
                                   int line);
typedef void (*CRYPTO_free_fn)(void *addr, const char *file, int line);
int CRYPTO_set_mem_functions(CRYPTO_malloc_fn malloc_fn,
                             CRYPTO_realloc_fn realloc_fn,
                             CRYPTO_free_fn free_fn);

/* Constant-time comparison (0 when equal) and secure wiping. */
int CRYPTO_memcmp(const void *in_a, const void *in_b, size_t len);
void OPENSSL_cleanse(void *ptr, size_t len);

/* ---- versions ---------------------------------------------------------- */
unsigned int OPENSSL_version_major(void);
unsigned int OPENSSL_version_minor(void);
unsigned int OPENSSL_version_patch(void);
unsigned long OpenSSL_version_num(void);
const char *OpenSSL_version(int type);

/* Selectors for OpenSSL_version(). */
#define OPENSSL_VERSION              0
#define OPENSSL_CFLAGS               1
#define OPENSSL_BUILT_ON             2
#define OPENSSL_PLATFORM             3
#define OPENSSL_DIR                  4
#define OPENSSL_ENGINES_DIR          5
#define OPENSSL_VERSION_STRING       6
#define OPENSSL_FULL_VERSION_STRING  7
#define OPENSSL_MODULES_DIR          8
#define OPENSSL_CPU_INFO             9

#ifndef OPENSSL_NO_DEPRECATED_1_1_0
/* Pre-1.1 spellings. */
# define SSLeay OpenSSL_version_num
# define SSLeay_version OpenSSL_version
# define SSLEAY_VERSION_NUMBER OPENSSL_VERSION_NUMBER
# define SSLEAY_VERSION OPENSSL_VERSION
# define SSLEAY_CFLAGS OPENSSL_CFLAGS
# define SSLEAY_BUILT_ON OPENSSL_BUILT_ON
# define SSLEAY_PLATFORM OPENSSL_PLATFORM
# define SSLEAY_DIR OPENSSL_DIR
#endif

/* ---- ex_data ----------------------------------------------------------- */
/* Object classes for CRYPTO_get_ex_new_index(). */
#define CRYPTO_EX_INDEX_SSL             0
#define CRYPTO_EX_INDEX_SSL_CTX         1
#define CRYPTO_EX_INDEX_SSL_SESSION     2
#define CRYPTO_EX_INDEX_X509            3
#define CRYPTO_EX_INDEX_X509_STORE      4
#define CRYPTO_EX_INDEX_X509_STORE_CTX  5
#define CRYPTO_EX_INDEX_DH              6
#define CRYPTO_EX_INDEX_DSA             7
#define CRYPTO_EX_INDEX_EC_KEY          8
#define CRYPTO_EX_INDEX_RSA             9
#define CRYPTO_EX_INDEX_ENGINE          10
#define CRYPTO_EX_INDEX_UI              11
#define CRYPTO_EX_INDEX_BIO             12
#define CRYPTO_EX_INDEX_APP             13
#define CRYPTO_EX_INDEX_UI_METHOD       14
#define CRYPTO_EX_INDEX_RAND_DRBG       15
#define CRYPTO_EX_INDEX_DRBG            CRYPTO_EX_INDEX_RAND_DRBG
#define CRYPTO_EX_INDEX_OSSL_LIB_CTX    16
#define CRYPTO_EX_INDEX_EVP_PKEY        17
#define CRYPTO_EX_INDEX__COUNT          18

/* Per-index hooks run when a parent object is created, copied or freed. */
typedef void CRYPTO_EX_new(void *parent, void *ptr, CRYPTO_EX_DATA *ad,
                           int idx, long argl, void *argp);
typedef void CRYPTO_EX_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad,
                            int idx, long argl, void *argp);
typedef int CRYPTO_EX_dup(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from,
                          void **from_d, int idx, long argl, void *argp);

int CRYPTO_get_ex_new_index(int class_index, long argl, void *argp,
                            CRYPTO_EX_new *new_func, CRYPTO_EX_dup *dup_func,
                            CRYPTO_EX_free *free_func);

/* ---- initialisation ---------------------------------------------------- */
/* Option bits for OPENSSL_init_crypto() (and OPENSSL_init_ssl()). */
#define OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS  0x00000001L
#define OPENSSL_INIT_LOAD_CRYPTO_STRINGS     0x00000002L
#define OPENSSL_INIT_ADD_ALL_CIPHERS         0x00000004L
#define OPENSSL_INIT_ADD_ALL_DIGESTS         0x00000008L
#define OPENSSL_INIT_NO_ADD_ALL_CIPHERS      0x00000010L
#define OPENSSL_INIT_NO_ADD_ALL_DIGESTS      0x00000020L
#define OPENSSL_INIT_LOAD_CONFIG             0x00000040L
#define OPENSSL_INIT_NO_LOAD_CONFIG          0x00000080L
#define OPENSSL_INIT_ASYNC                   0x00000100L
#define OPENSSL_INIT_ENGINE_RDRAND           0x00000200L
#define OPENSSL_INIT_ENGINE_DYNAMIC          0x00000400L
#define OPENSSL_INIT_ENGINE_OPENSSL          0x00000800L
#define OPENSSL_INIT_ENGINE_CRYPTODEV        0x00001000L
#define OPENSSL_INIT_ENGINE_CAPI             0x00002000L
#define OPENSSL_INIT_ENGINE_PADLOCK          0x00004000L
#define OPENSSL_INIT_ENGINE_AFALG            0x00008000L
#define OPENSSL_INIT_ATFORK                  0x00020000L
#define OPENSSL_INIT_NO_ATEXIT               0x00080000L
#define OPENSSL_INIT_ENGINE_ALL_BUILTIN                                   \
    (OPENSSL_INIT_ENGINE_RDRAND | OPENSSL_INIT_ENGINE_DYNAMIC             \
     | OPENSSL_INIT_ENGINE_CRYPTODEV | OPENSSL_INIT_ENGINE_CAPI           \
     | OPENSSL_INIT_ENGINE_PADLOCK)

int OPENSSL_init_crypto(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings);
void OPENSSL_cleanup(void);

/* ---- pre-1.1 threading and cleanup hooks, now no-ops ------------------- */
#ifndef OPENSSL_NO_DEPRECATED_1_1_0
# define CRYPTO_cleanup_all_ex_data() while (0) continue
# define CRYPTO_num_locks() (1)
# define CRYPTO_set_locking_callback(func)
# define CRYPTO_get_locking_callback() (NULL)
# define CRYPTO_set_add_lock_callback(func)
# define CRYPTO_get_add_lock_callback() (NULL)
# define CRYPTO_LOCK   1
# define CRYPTO_UNLOCK 2
# define CRYPTO_READ   4
# define CRYPTO_WRITE  8
# ifndef OPENSSL_NO_DEPRECATED_1_0_0
#  define CRYPTO_set_id_callback(func)
#  define CRYPTO_get_id_callback() (NULL)
#  define CRYPTO_thread_id() (0UL)
# endif
# define CRYPTO_set_dynlock_create_callback(dyn_create_function)
# define CRYPTO_set_dynlock_lock_callback(dyn_lock_function)
# define CRYPTO_set_dynlock_destroy_callback(dyn_destroy_function)
# define CRYPTO_get_dynlock_create_callback() (NULL)
# define CRYPTO_get_dynlock_lock_callback() (NULL)
# define CRYPTO_get_dynlock_destroy_callback() (NULL)
#endif

#ifdef __cplusplus
}
#endif

#endif /* OPENSSL_CRYPTO_H */
