#!/usr/bin/env python3
"""Generate headers_compile.c: a translation unit that includes every
compat/include/openssl header and uses every function, inline helper and
macro they define, so that compiling it (as C99 and as C++20, warnings as
errors) proves the headers are self-consistent and usable.

    python3 compat/tests/gen_headers_compile.py > compat/tests/headers_compile.c

A macro whose arguments cannot be chosen by the rules below makes the
generator fail: add a rule or an override rather than skipping it.
"""
import sys

import hdrscan

# Typed stand-ins the macro arguments are drawn from (declared in the test).
VARIABLES = '''\
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    BIO *bio = NULL, *bio2 = NULL;
    X509 *x509 = NULL;
    X509_NAME *name = NULL;
    X509_STORE_CTX *store_ctx = NULL;
    STACK_OF(X509) *chain = NULL, *chain_out = NULL;
    EVP_PKEY *pkey = NULL;
    EVP_MD_CTX *mdctx = NULL;
    ASN1_OBJECT *obj = NULL;
    BIGNUM *bn = NULL;
    RSA *rsa = NULL;
    EC_KEY *eckey = NULL;
    DH *dh = NULL;
    FILE *fp = NULL;
    char *memdata = NULL;
    char path[] = "/dev/null";
    void *ptr = NULL;
    int fd = -1, nid = 0, groups[2] = {0, 0};
    struct timeval tv;
    struct sockaddr_storage peer;
'''

# Arguments by parameter name, optionally refined by the macro's prefix.
BY_PARAM = {
    'ctx': 'ctx', 'dummy': None, 's': 'ssl', 'ssl': 'ssl', 'a': None,
    'b': 'bio', 'b1': 'bio', 'b2': 'bio2',
    'x509': 'x509', 'sk': 'chain', 'px509': '&chain_out',
    'pk': '&pkey', 'pn': '&nid', 'np': '&nid',
    'glist': 'groups', 'glistlen': '2', 'str': '"P-256:X25519"',
    'peer': '&peer', 'pp': '&memdata', 'fpp': '&fp', 'fp': 'stdout',
    'fd': 'fd', 'size': '0', 'v': '0', 'op': 'SSL_MODE_AUTO_RETRY',
    'm': '1', 'version': 'DTLS1_2_VERSION', 'mtu': '1200', 'onoff': '1',
    't': '100', 'arg': 'ptr', 'cb': 'servername_cb', 'dh': 'dh',
    'ecdh': 'eckey', 'l': '0', 'p': 'NULL', 'newf': 'NULL', 'dupf': 'NULL',
    'freef': 'NULL', 'f': '0', 'r': 'ERR_R_INTERNAL_ERROR',
    'lib': 'ERR_LIB_SSL', 'func': '0', 'reason': 'ERR_R_INTERNAL_ERROR',
    'file': 'OPENSSL_FILE', 'line': 'OPENSSL_LINE', 'errcode': '0UL',
    'pkey': 'pkey', 'eckey': 'eckey', 'rsa': 'rsa', 'curve': '"P-256"',
    'bits': '2048', 'addr': 'ptr', 'num': '16', 'n': '1', 'maj': '3',
    'min': '0', 'x': 'cachet_word', 'func_': 'NULL',
}

# Whole-argument-list overrides.
OVERRIDES = {
    'SSL_CTX_set1_groups_list': ['ctx', '"P-256:X25519"'],
    'SSL_CTX_set1_sigalgs_list': ['ctx', '"ECDSA+SHA256"'],
    'SSL_CTX_set1_client_sigalgs_list': ['ctx', '"ECDSA+SHA256"'],
    'SSL_set_tlsext_host_name': ['ssl', '"example.com"'],
    'SSL_CTX_set_ecdh_auto': ['ctx', '1'],
    'SSL_set_ecdh_auto': ['ssl', '1'],
    'BIO_get_fd': ['bio', '&fd'],
    'BIO_set_close': ['bio', 'BIO_NOCLOSE'],
    'BIO_set_fd': ['bio', 'fd', 'BIO_NOCLOSE'],
    'BIO_set_fp': ['bio', 'stdout', 'BIO_NOCLOSE'],
    'BIO_append_filename': ['bio', 'path'],
    'BIO_read_filename': ['bio', 'path'],
    'BIO_write_filename': ['bio', 'path'],
    'BIO_rw_filename': ['bio', 'path'],
    'BIO_get_write_buf_size': ['bio', '0'],
    'BIO_set_write_buf_size': ['bio', '4096'],
    'BN_num_bytes': ['bn'], 'BN_one': ['bn'],
    'DTLSv1_get_timeout': ['ssl', '&tv'],
    'ERR_PUT_error': ['ERR_LIB_SSL', '0', 'ERR_R_INTERNAL_ERROR', 'OPENSSL_FILE', 'OPENSSL_LINE'],
    'EVP_MD_CTX_destroy': ['mdctx'],
    'EVP_get_digestbynid': ['NID_sha256'],
    'EVP_get_digestbyobj': ['obj'],
    'X509_STORE_CTX_get_app_data': ['store_ctx'],
    'X509_STORE_CTX_set_app_data': ['store_ctx', 'ptr'],
    'X509_name_cmp': ['name', 'name'],
    'OPENSSL_strdup': ['"x"'],
    'OPENSSL_strndup': ['"x"', '1'],
    'CRYPTO_set_locking_callback': ['NULL'],
    'CRYPTO_set_add_lock_callback': ['NULL'],
    'CRYPTO_set_id_callback': ['NULL'],
    'CRYPTO_set_dynlock_create_callback': ['NULL'],
    'CRYPTO_set_dynlock_lock_callback': ['NULL'],
    'CRYPTO_set_dynlock_destroy_callback': ['NULL'],
}

# Macros that expand to statements rather than expressions.
STATEMENTS = {
    'CRYPTO_cleanup_all_ex_data', 'ERR_free_strings', 'EVP_cleanup', 'OBJ_cleanup',
    'RAND_cleanup', 'SSL_COMP_free_compression_methods', 'OPENSSL_malloc_init',
    'CRYPTO_set_locking_callback', 'CRYPTO_set_add_lock_callback',
    'CRYPTO_set_id_callback', 'CRYPTO_set_dynlock_create_callback',
    'CRYPTO_set_dynlock_lock_callback', 'CRYPTO_set_dynlock_destroy_callback',
}

# Function-like macros exercised at file scope (declarations) instead.
FILE_SCOPE = {
    'STACK_OF', 'CACHET_SK_HELPERS', 'DEFINE_STACK_OF', 'DEFINE_STACK_OF_CONST',
    'DEFINE_SPECIAL_STACK_OF', 'DEFINE_SPECIAL_STACK_OF_CONST',
    'OSSL_DEPRECATED', 'OSSL_DEPRECATED_FOR', 'OPENSSL_MSTR_HELPER',
}

# Object-like macros that are not values.
ATTRIBUTES = {
    'ossl_inline', 'ossl_unused', 'ossl_noreturn', '__owur', 'OPENSSL_EXPORT',
    'OPENSSL_EXTERN', 'NON_EMPTY_TRANSLATION_UNIT', 'ossl_ssize_t', 'ERR_raise_data',
}

FILE_SCOPE_TEXT = '''\
/* Typed stacks of a program's own element types. */
typedef struct cachet_item_st CACHET_ITEM;
typedef struct cachet_citem_st CACHET_CITEM;
DEFINE_STACK_OF(CACHET_ITEM)
DEFINE_STACK_OF_CONST(CACHET_CITEM)
DEFINE_SPECIAL_STACK_OF(CACHET_ALIAS, CACHET_ITEM)
DEFINE_SPECIAL_STACK_OF_CONST(CACHET_CALIAS, CACHET_CITEM)
static void free_item(CACHET_ITEM *it) { (void)it; }
static void free_citem(CACHET_CITEM *it) { (void)it; }

/* Struct tags C++ code forward-declares. */
struct ssl_st;
struct ssl_ctx_st;
struct bio_st;
struct x509_st;
struct evp_pkey_st;
struct stack_st_X509;
union bio_addr_st;

/* Declaration-level macros. */
OSSL_DEPRECATED(3.0) int cachet_probe_deprecated(void);
OSSL_DEPRECATED_FOR(3.0, "use something else") int cachet_probe_deprecated_for(void);
%(deprecatedin)s
OPENSSL_EXPORT int cachet_probe_export(void);
OPENSSL_EXTERN int cachet_probe_extern;
__owur int cachet_probe_owur(void);
ossl_noreturn void cachet_probe_noreturn(void);
static ossl_unused ossl_inline int cachet_probe_inline(void) { return 0; }
NON_EMPTY_TRANSLATION_UNIT

static int servername_cb(SSL *s, int *al, void *arg)
{
    (void)s; (void)al; (void)arg;
    return SSL_TLSEXT_ERR_OK;
}

static const char cachet_version_string[] = OPENSSL_MSTR(OPENSSL_VERSION_MAJOR);
static const char cachet_version_helper[] = OPENSSL_MSTR_HELPER(3);
'''


def macro_args(name, params):
    if name in OVERRIDES:
        return OVERRIDES[name]
    args = []
    for p in params:
        val = BY_PARAM.get(p)
        if val is None:
            if p in ('dummy', 'a'):
                if name.startswith('SSL_CTX_'):
                    val = 'ctx'
                elif name.startswith('SSL_') or name.startswith('DTLS'):
                    val = 'ssl'
                elif name.startswith('BIO_'):
                    val = 'bio'
            if val is None:
                sys.exit('gen_headers_compile: no argument rule for %s(%s)' % (name, p))
        args.append(val)
    return args


def main():
    macros = hdrscan.macros()
    defined = hdrscan.defined_macros(('-DOPENSSL_SUPPRESS_DEPRECATED',))
    bodies = hdrscan.macro_bodies(('-DOPENSSL_SUPPRESS_DEPRECATED',))
    decls = hdrscan.declarations()
    inlines = hdrscan.inline_functions()

    out = []
    w = out.append
    w('/*\n * GENERATED by compat/tests/gen_headers_compile.py -- do not edit.\n *\n'
      ' * Includes every Cachet OpenSSL-compatible header and uses every function,\n'
      ' * inline helper and macro they provide.  Compile-only test:\n'
      ' *   gcc -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only -I compat/include\n'
      ' *   g++ -std=c++20 -Wall -Wextra -Werror -fsyntax-only -I compat/include -x c++\n */\n')
    w('#define OPENSSL_SUPPRESS_DEPRECATED\n')
    w('#define CACHET_COMPAT_HEADER_WARNINGS  /* full warnings inside the headers too */\n')
    w('#include <stdio.h>\n#include <string.h>\n#include <sys/time.h>\n#include <sys/socket.h>\n')
    w(hdrscan.include_lines(hdrscan.headers()))
    w('\n')

    # Object-like macros that must be present but expand to nothing (guards,
    # feature switches) are checked with the preprocessor.
    empty = sorted(n for n, p in macros.items()
                   if p is None and n in defined and bodies.get(n, '') == ''
                   and n not in ATTRIBUTES)
    w('/* Guards and feature switches: defined, empty. */\n')
    for n in empty:
        w('#ifndef %s\n#error "%s missing"\n#endif\n' % (n, n))
    w('\n')

    dep = [n for n in sorted(macros) if n.startswith('OSSL_DEPRECATEDIN_') and macros[n] is None
           and n in defined]
    dep_for = [n for n in sorted(macros) if n.startswith('OSSL_DEPRECATEDIN_') and macros[n] is not None]
    lines = ['%s int cachet_probe_%s(void);' % (n, n.lower()) for n in dep]
    lines += ['%s("x") int cachet_probe_%s(void);' % (n, n.lower()) for n in dep_for]
    w(FILE_SCOPE_TEXT % {'deprecatedin': '\n'.join(lines)})
    w('\n')

    w('int main(void)\n{\n')
    w(VARIABLES)
    w('    memset(&tv, 0, sizeof(tv));\n    memset(&peer, 0, sizeof(peer));\n\n')

    w('    /* Every exported function, by address. */\n')
    for n, _ in decls:
        w('    (void)&%s;\n' % n)
    w('\n    /* Inline helpers. */\n')
    for n in inlines:
        w('    (void)&%s;\n' % n)
    w('    (void)&free_item;\n    (void)&free_citem;\n')
    w('    (void)cachet_version_string;\n    (void)cachet_version_helper;\n')

    w('\n    /* Object-like macros with a value (constants, aliases). */\n')
    for n in sorted(macros):
        if macros[n] is not None or n not in defined or n in ATTRIBUTES:
            continue
        if n in empty or n.startswith('OSSL_DEPRECATEDIN_'):
            continue
        target = bodies.get(n, '')
        if macros.get(target) is not None:
            continue   # alias of a function-like macro: called below
        w('    (void)(%s);\n' % n)

    w('\n    if (0) {\n')
    w('        ossl_ssize_t signed_size = 0;\n        (void)signed_size;\n')
    w('        ERR_raise_data(ERR_LIB_SSL, ERR_R_INTERNAL_ERROR, "%s", "detail");\n')
    w('        {\n            STACK_OF(CACHET_ITEM) *items = sk_CACHET_ITEM_new_null();\n'
      '            STACK_OF(CACHET_CITEM) *citems = sk_CACHET_CITEM_new_null();\n'
      '            (void)sk_CACHET_ITEM_push(items, (CACHET_ITEM *)NULL);\n'
      '            (void)sk_CACHET_ITEM_value(items, 0);\n'
      '            (void)sk_CACHET_CITEM_value(citems, 0);\n'
      '            sk_CACHET_ITEM_pop_free(items, free_item);\n'
      '            sk_CACHET_CITEM_pop_free(citems, free_citem);\n'
      '            (void)sk_CACHET_ALIAS_num((STACK_OF(CACHET_ALIAS) *)NULL);\n'
      '            (void)sk_CACHET_CALIAS_num((STACK_OF(CACHET_CALIAS) *)NULL);\n'
      '            sk_X509_pop_free(chain, X509_free);\n'
      '            (void)sk_SSL_CIPHER_value((STACK_OF(SSL_CIPHER) *)NULL, 0);\n'
      '            (void)sk_SRTP_PROTECTION_PROFILE_num((STACK_OF(SRTP_PROTECTION_PROFILE) *)NULL);\n'
      '        }\n')
    for n in sorted(macros):
        params = macros[n]
        target = n
        if params is None and n in defined and macros.get(bodies.get(n, '')) is not None:
            target = bodies[n]          # object-like alias of a function-like macro
            params = macros[target]
        if params is None or n in FILE_SCOPE or n not in defined:
            continue
        if n.startswith('OSSL_DEPRECATEDIN_'):
            continue
        call = '%s(%s)' % (n, ', '.join(macro_args(target, params)))
        if n in STATEMENTS:
            w('        %s;\n' % call)
        else:
            w('        (void)(%s);\n' % call)
    w('    }\n')
    w('    (void)ctx; (void)ssl; (void)bio; (void)bio2; (void)x509; (void)name;\n'
      '    (void)store_ctx; (void)chain; (void)chain_out; (void)pkey; (void)mdctx;\n'
      '    (void)obj; (void)bn; (void)rsa; (void)eckey; (void)dh; (void)fp;\n'
      '    (void)memdata; (void)path; (void)ptr; (void)fd; (void)nid; (void)groups;\n')
    w('    return 0;\n}\n')
    sys.stdout.write(''.join(out))


if __name__ == '__main__':
    main()
