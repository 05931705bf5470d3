#!/usr/bin/env bash
# compat/tests/check_headers.sh — checks Cachet's OpenSSL-compatible headers.
#
#   1. the generated tests are up to date with the headers;
#   2. headers_compile.c (every header, function and macro) compiles warning-
#      free as C99 and as C++20, with gcc/g++ and, when present, clang, with
#      warnings enabled inside the headers too; program_compile.c (a DTLS
#      program in everyday OpenSSL 3.0 style) compiles warning-free against
#      these headers and against the system's OpenSSL headers;
#   3. constants_check.c prints the same "NAME TYPE VALUE" lines when built
#      against compat/include and against the system's OpenSSL 3.0 headers;
#   4. compare_with_openssl.py: prototypes, macro expansions, deprecation
#      guards and symbol lists agree with OpenSSL 3.0.
#
# Steps 3 and 4 need libssl-dev (OpenSSL 3.0) installed; without it they are
# reported as skipped.  Exit status: 0 pass, 1 fail.
set -uo pipefail
export PYTHONDONTWRITEBYTECODE=1

here=$(cd "$(dirname "$0")" && pwd)
inc=$here/../include
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

step() { printf '%-60s ' "$1"; }
ok() { echo ok; }
bad() { echo FAIL; failed=1; [ -s "$tmp/log" ] && sed 's/^/    /' "$tmp/log" | head -40; }

step "generated tests match the headers"
if python3 "$here/gen_headers_compile.py" > "$tmp/hc.c" 2> "$tmp/log" \
   && python3 "$here/gen_constants_check.py" > "$tmp/cc.c" 2>> "$tmp/log" \
   && cmp -s "$tmp/hc.c" "$here/headers_compile.c" && cmp -s "$tmp/cc.c" "$here/constants_check.c"; then
  ok
else
  echo "regenerate with gen_headers_compile.py / gen_constants_check.py" >> "$tmp/log"; bad
fi

compile() {  # compile LABEL COMMAND...
  step "headers_compile.c: $1"; shift
  if "$@" -Wall -Wextra -Werror -fsyntax-only -I "$inc" "$here/headers_compile.c" > "$tmp/log" 2>&1; then ok; else bad; fi
}
compile "gcc -std=c99 -pedantic" gcc -std=c99 -pedantic
compile "g++ -std=c++20" g++ -std=c++20 -x c++
if command -v clang > /dev/null; then
  compile "clang -std=c99 -pedantic" clang -std=c99 -pedantic
  compile "clang++ -std=c++20" clang++ -std=c++20 -x c++
fi

program() {  # program LABEL COMMAND...
  step "program_compile.c: $1"; shift
  if "$@" -Wall -Wextra -Werror -fsyntax-only "$here/program_compile.c" > "$tmp/log" 2>&1; then ok; else bad; fi
}
program "gcc -std=c11 -pedantic, cachet headers" gcc -std=c11 -pedantic -I "$inc"
program "g++ -std=c++20, cachet headers" g++ -std=c++20 -I "$inc" -x c++
if command -v clang > /dev/null; then
  program "clang -std=c11 -pedantic, cachet headers" clang -std=c11 -pedantic -I "$inc"
fi

if [ -f /usr/include/openssl/ssl.h ] && [ -f /usr/include/openssl/prov_ssl.h ]; then
  program "gcc -std=c11 -pedantic, OpenSSL 3.0 headers" gcc -std=c11 -pedantic
  program "g++ -std=c++20, OpenSSL 3.0 headers" g++ -std=c++20 -x c++
  step "constants_check.c: cachet output == OpenSSL 3.0 output"
  if gcc -std=c11 -Wall -Wextra -Werror -I "$inc" -o "$tmp/cc_cachet" "$here/constants_check.c" > "$tmp/log" 2>&1 \
     && gcc -std=c11 -Wall -Wextra -Werror -o "$tmp/cc_real" "$here/constants_check.c" >> "$tmp/log" 2>&1 \
     && "$tmp/cc_cachet" > "$tmp/cachet.txt" && "$tmp/cc_real" > "$tmp/real.txt" \
     && diff "$tmp/cachet.txt" "$tmp/real.txt" > "$tmp/log"; then
    echo "ok ($(wc -l < "$tmp/cachet.txt") lines)"
  else
    bad
  fi
  step "compare_with_openssl.py"
  if python3 "$here/compare_with_openssl.py" > "$tmp/log" 2>&1; then ok; else bad; fi
else
  step "comparison with OpenSSL 3.0 headers"; echo "skipped (libssl-dev not installed)"
fi

exit $failed
