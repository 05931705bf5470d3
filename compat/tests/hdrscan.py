"""Scan Cachet's OpenSSL-compatible headers (compat/include/openssl).

Shared by the generators and checkers in this directory.  Everything is
derived from the headers themselves, so a new declaration or macro is picked
up (and must be covered) automatically.
"""
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
INCLUDE = os.path.normpath(os.path.join(HERE, '..', 'include'))
OPENSSL_DIR = os.path.join(INCLUDE, 'openssl')


def headers():
    """Header file names, sorted."""
    return sorted(h for h in os.listdir(OPENSSL_DIR) if h.endswith('.h'))


def include_lines(names):
    return ''.join('#include <openssl/%s>\n' % h for h in names)


def _joined_source(path):
    return open(path).read().replace('\\\n', ' ')


def macros():
    """{name: None for object-like, [params] for function-like}."""
    out = {}
    for h in headers():
        text = _joined_source(os.path.join(OPENSSL_DIR, h))
        for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+(\w+)(\(([^)]*)\))?', text, re.M):
            name = m.group(1)
            if m.group(2) is None:
                out.setdefault(name, None)
            else:
                out[name] = [a.strip() for a in m.group(3).split(',') if a.strip()]
    return out


def _our_preprocessed_text(extra_flags=()):
    src = '#define OPENSSL_SUPPRESS_DEPRECATED\n' + include_lines(headers())
    res = subprocess.run(['gcc', '-E', '-I', INCLUDE, *extra_flags, '-x', 'c', '-'],
                         input=src, capture_output=True, text=True, check=True)
    keep, cur = [], None
    for line in res.stdout.splitlines():
        m = re.match(r'# \d+ "([^"]+)"', line)
        if m:
            cur = m.group(1)
            continue
        if cur and os.path.normpath(cur).startswith(OPENSSL_DIR + os.sep):
            keep.append(line)
    return ' '.join(keep)


def _statements():
    text = _our_preprocessed_text()
    text = re.sub(r'__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)', '', text)
    return text


def declarations():
    """[(name, declaration text)] of the extern functions, in header order."""
    text = re.sub(r'\{[^{}]*\}', ';', _statements())
    out, seen = [], set()
    for stmt in text.split(';'):
        st = ' '.join(stmt.split())
        if not st or st.startswith('typedef') or st.startswith('static'):
            continue
        m = re.match(r'(?:extern\s+)?[\w\s\*]+?\b(\w+)\s*\((.*)\)$', st, re.S)
        if m and m.group(1) not in seen:
            seen.add(m.group(1))
            out.append((m.group(1), st + ';'))
    return out


def inline_functions():
    """Names of the static inline helpers (typed stacks, ERR_GET_*)."""
    names = []
    for m in re.finditer(r'static\s+(?:inline\s+)?[\w\s\*]*?\b(\w+)\s*\([^;{}]*\)\s*\{',
                         _statements()):
        if m.group(1) not in names:
            names.append(m.group(1))
    return names


def defined_macros(flags=()):
    """Macro names defined after including every header with these flags."""
    src = include_lines(headers())
    res = subprocess.run(['gcc', '-dM', '-E', '-I', INCLUDE, *flags, '-x', 'c', '-'],
                         input=src, capture_output=True, text=True, check=True)
    return set(re.findall(r'^#define (\w+)', res.stdout, re.M))


def macro_bodies(flags=()):
    src = include_lines(headers())
    res = subprocess.run(['gcc', '-dM', '-E', '-I', INCLUDE, *flags, '-x', 'c', '-'],
                         input=src, capture_output=True, text=True, check=True)
    out = {}
    for line in res.stdout.splitlines():
        m = re.match(r'#define (\w+)(\([^)]*\))? ?(.*)$', line)
        if m:
            out[m.group(1)] = m.group(3)
    return out
