#!/usr/bin/env python3
"""Compare Cachet's OpenSSL-compatible headers with the system's OpenSSL 3.0
headers (libssl-dev), fact by fact:

  prototypes   every Cachet declaration is re-declared after including the
               real headers; the C compiler rejects any incompatible type.
  macros       every macro is expanded with placeholder arguments under both
               header sets; the token streams must agree (values compared
               numerically where the spelling differs).
  visibility   under several OPENSSL_API_COMPAT / OPENSSL_NO_DEPRECATED
               settings the same macros and functions must be visible.
  deprecation  the same functions must carry a deprecation attribute.
  symbols      compat/symbols/lib{ssl,crypto}.txt list exactly the declared
               functions, split as the real libraries export them.

Exit status 0 when everything agrees except the documented differences.
"""
import os
import re
import subprocess
import sys

import hdrscan

REAL_DIRS = ['/usr/include/openssl', '/usr/include/x86_64-linux-gnu/openssl']
REAL_LIBS = {'ssl': '/usr/lib/x86_64-linux-gnu/libssl.so.3',
             'crypto': '/usr/lib/x86_64-linux-gnu/libcrypto.so.3'}

# Deliberate differences (see configuration.h and ssl.h).
CACHET_ONLY_MACROS = {
    'OPENSSL_NO_ENGINE', 'OPENSSL_NO_DH', 'OPENSSL_NO_DSA', 'OPENSSL_NO_OCSP',
    'OPENSSL_NO_CT', 'OPENSSL_NO_COMP', 'OPENSSL_NO_SRP', 'OPENSSL_NO_NEXTPROTONEG',
    'OPENSSL_NO_DTLS1_METHOD',
}
SPELLING_ONLY = {
    'SSL_OP_BIT',   # Cachet parenthesises the argument: (uint64_t)(n)
}
# Cachet's typed-stack generators define only num/value/new_null/push/free/
# pop_free (the operations the exported OPENSSL_sk_* functions support).
REDUCED = {
    'DEFINE_STACK_OF', 'DEFINE_STACK_OF_CONST', 'DEFINE_SPECIAL_STACK_OF',
    'DEFINE_SPECIAL_STACK_OF_CONST',
}
INTERNAL = {'CACHET_SK_HELPERS'}

failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL:', msg)


def real_headers():
    return [h for h in hdrscan.headers()
            if any(os.path.exists(os.path.join(d, h)) for d in REAL_DIRS)]


def preprocess(src, ours, flags=()):
    inc = ['-I', hdrscan.INCLUDE] if ours else []
    res = subprocess.run(['gcc', '-E', '-P', '-std=c99', *inc, *flags, '-x', 'c', '-'],
                         input=src, capture_output=True, text=True)
    if res.returncode:
        sys.exit(res.stderr[:3000])
    return res.stdout


def check_prototypes():
    decls = hdrscan.declarations()
    prog = ('#define OPENSSL_SUPPRESS_DEPRECATED\n' + hdrscan.include_lines(real_headers())
            + '\n'.join(d for _, d in decls) + '\nint main(void) { return 0; }\n')
    res = subprocess.run(['gcc', '-std=c99', '-Wall', '-fsyntax-only', '-x', 'c', '-'],
                         input=prog, capture_output=True, text=True)
    if res.returncode:
        fail('prototypes differ from OpenSSL 3.0:\n' + res.stderr[:4000])
    print('prototypes: %d declarations compatible with OpenSSL 3.0' % len(decls))


def _number(text):
    if text is None:
        return None
    text = re.sub(r'0X', '0x', text)
    t = re.sub(r'(?<=[0-9a-fA-FxX])[uUlL]+\b', '', text)
    for cast in ('(int)', '(unsignedint)', '(uint64_t)', '(unsignedlong)'):
        t = t.replace(cast, '')
    try:
        return eval(t, {'__builtins__': {}})
    except Exception:
        return text


def check_macros():
    macros = {n: p for n, p in hdrscan.macros().items() if n not in INTERNAL}
    names = sorted(macros)
    lines = []
    for i, n in enumerate(names):
        p = macros[n]
        if p is None:
            lines.append('@@%d@@ %s' % (i, n))
        else:
            lines.append('@@%d@@ %s(%s)' % (i, n, ','.join('A%d_' % k for k in range(len(p)))))
    body = '@@@BEGIN@@@\n' + '\n'.join(lines) + '\n'

    def expand(ours):
        hs = hdrscan.headers() if ours else real_headers()
        out = preprocess('#define OPENSSL_SUPPRESS_DEPRECATED\n' + hdrscan.include_lines(hs) + body, ours)
        parts = re.split(r'@@(\d+)@@', out.split('@@@BEGIN@@@', 1)[1])
        return {names[int(parts[k])]: re.sub(r'\s+', '', parts[k + 1])
                for k in range(1, len(parts), 2)}

    mine, real = expand(True), expand(False)
    same = 0
    for n in names:
        a, b = mine.get(n), real.get(n)
        if a == b or _number(a) == _number(b) or (a and b and a.replace('0X', '0x') == b.replace('0X', '0x')):
            same += 1
            continue
        if n in CACHET_ONLY_MACROS or n in SPELLING_ONLY or n in REDUCED:
            continue
        fail('macro %s expands differently:\n  cachet: %s\n  real:   %s' % (n, a, b))
    print('macros: %d of %d expand identically to OpenSSL 3.0 (documented exceptions: %s)'
          % (same, len(names), ', '.join(sorted((CACHET_ONLY_MACROS | SPELLING_ONLY | REDUCED) & set(names)))))


def check_visibility():
    macros = sorted(n for n in hdrscan.macros() if n not in INTERNAL)
    funcs = [n for n, _ in hdrscan.declarations()]
    probe = '@@@BEGIN@@@\n' + ''.join('#ifdef %s\nM %d\n#endif\n' % (m, i) for i, m in enumerate(macros))

    def visible(flags, ours):
        hs = hdrscan.headers() if ours else real_headers()
        out = preprocess(hdrscan.include_lines(hs) + probe, ours, flags)
        head, tail = out.split('@@@BEGIN@@@', 1)
        ms = {macros[int(i)] for i in re.findall(r'^M (\d+)$', tail, re.M)}
        text = re.sub(r'\{[^{}]*\}', ';', re.sub(r'\s+', ' ', head))
        wanted = set(funcs)
        fs, dep = set(), set()
        for stmt in text.split(';'):
            plain = re.sub(r'__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)', '', stmt)
            m = re.match(r'\s*(?:extern\s+)?[\w\s\*]+?\b(\w+)\s*\(', plain)
            if m and m.group(1) in wanted and not plain.strip().startswith(('typedef', 'static')):
                fs.add(m.group(1))
                if 'deprecated' in stmt:
                    dep.add(m.group(1))
        return ms, fs, dep

    for flags in ([], ['-DOPENSSL_API_COMPAT=30000', '-DOPENSSL_NO_DEPRECATED'],
                  ['-DOPENSSL_API_COMPAT=10101', '-DOPENSSL_NO_DEPRECATED'],
                  ['-DOPENSSL_API_COMPAT=0x10100000L', '-DOPENSSL_NO_DEPRECATED'],
                  ['-DOPENSSL_API_COMPAT=0x10002000L']):
        m1, f1, d1 = visible(flags, True)
        m2, f2, d2 = visible(flags, False)
        label = ' '.join(flags) or 'default'
        extra = (m1 - m2) - CACHET_ONLY_MACROS
        if extra or (m2 - m1) & set(macros):
            fail('[%s] macro visibility differs: cachet-only %s, real-only %s'
                 % (label, sorted(extra), sorted((m2 - m1) & set(macros))))
        if f1 != f2:
            fail('[%s] function visibility differs: cachet-only %s, real-only %s'
                 % (label, sorted(f1 - f2), sorted(f2 - f1)))
        if d1 != d2:
            fail('[%s] deprecation attributes differ: cachet-only %s, real-only %s'
                 % (label, sorted(d1 - d2), sorted(d2 - d1)))
        print('visibility [%s]: %d macros, %d functions (%d marked deprecated) as in OpenSSL 3.0'
              % (label, len(m1), len(f1), len(d1)))


def exported(lib):
    out = subprocess.run(['objdump', '-T', REAL_LIBS[lib]], capture_output=True, text=True,
                         check=True).stdout
    return {l.split()[-1] for l in out.splitlines()
            if ' DF ' in l and 'OPENSSL_3' in l and '*UND*' not in l}


def check_symbols():
    funcs = {n for n, _ in hdrscan.declarations()}
    here = os.path.dirname(os.path.abspath(__file__))
    lists = {}
    for lib in ('ssl', 'crypto'):
        path = os.path.join(here, '..', 'symbols', 'lib%s.txt' % lib)
        names = [l.strip() for l in open(path) if l.strip()]
        if names != sorted(names, key=lambda s: s.encode()):
            fail('%s is not sorted (C locale)' % path)
        lists[lib] = set(names)
        wrong = lists[lib] - exported(lib)
        if wrong:
            fail('lib%s.txt lists names OpenSSL 3.0 lib%s does not export: %s'
                 % (lib, lib, sorted(wrong)))
    both = lists['ssl'] | lists['crypto']
    if both != funcs:
        fail('symbol lists and declarations differ: undeclared %s, unlisted %s'
             % (sorted(both - funcs), sorted(funcs - both)))
    print('symbols: libssl %d + libcrypto %d = %d declared functions'
          % (len(lists['ssl']), len(lists['crypto']), len(funcs)))


def main():
    check_prototypes()
    check_macros()
    check_visibility()
    check_symbols()
    if failures:
        print('%d check(s) failed' % len(failures))
        return 1
    print('all comparisons with OpenSSL 3.0 passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
