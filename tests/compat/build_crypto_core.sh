#!/usr/bin/env bash
# tests/compat/build_crypto_core.sh — builds libcrypto's core (BIO, ERR, RAND,
# init/memory, stacks: compat/crypto/) into a libcrypto.so.3 exporting the
# names of compat/symbols/libcrypto.txt at OPENSSL_3.0.0, links the C test
# programs tests/compat/crypto_*.c against it and runs them.
#
# Until mk/compat.am builds libcrypto this script is how those tests run:
#
#   1. the library builds warning-free (-Wall -Wextra -Werror) and exports
#      exactly libcrypto.txt names, each at OPENSSL_3.0.0, among them every
#      core function (the list minus the X509/EVP/PEM/BN/ASN1/RSA/EC/OBJ
#      ones built elsewhere);
#   2. every test program prints only "CASE PASS" lines and exits 0;
#   3. the programs marked "diff" below are also built against the system's
#      OpenSSL 3.0 (its headers and libcrypto) and must print exactly the
#      same lines there (leaving out lines marked "[varies]" and cases marked
#      "[differs from OpenSSL ...]"): the expectations are OpenSSL's;
#   4. steps 1-2 again with -fsanitize=address,undefined (the diff programs'
#      output still compared with OpenSSL's).
#
# Usage: build_crypto_core.sh [--no-sanitize] [--keep]
#   --keep keeps the build directory (its path is printed);
#   CRYPTO_CORE_TESTS="crypto_err:diff ..." runs only those programs.
# Exit status: 0 all passed, 1 something failed, 77 skipped (no compiler).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
sanitize=1
keep=0
for arg in "$@"; do
  case $arg in
    --no-sanitize) sanitize=0 ;;
    --keep) keep=1 ;;
    *) echo "usage: $0 [--no-sanitize] [--keep]" >&2; exit 2 ;;
  esac
done

command -v g++ > /dev/null && command -v gcc > /dev/null || { echo "SKIP: no gcc/g++"; exit 77; }

build=$(mktemp -d "${TMPDIR:-/tmp}/cachet-crypto-core.XXXXXX")
if [ "$keep" = 1 ]; then echo "build directory: $build"; else trap 'rm -rf "$build"' EXIT; fi

core_sources="bio_lib bio_mem bio_dgram bio_pair bio_file bio_sock bio_addr err err_strings rand init stack"
# name:how — "diff" programs must print the same with real OpenSSL.
tests="crypto_mem_bio:diff crypto_bio_pair:diff crypto_bio_method:diff crypto_err:diff crypto_bio_addr:diff
crypto_misc:diff crypto_dgram:diff crypto_version:solo"
tests=${CRYPTO_CORE_TESTS:-$tests}  # e.g. CRYPTO_CORE_TESTS="crypto_err:diff" to run one
# Functions of libcrypto.txt that belong to the other libcrypto sources.
not_core='^(ASN1_|BN_|EC_KEY_|EVP_|OBJ_|PEM_|RSA_|X509_|d2i_|i2d_)'

failed=0
case_line() {  # case_line PASS|FAIL NAME
  echo "CASE $1: $2"
  [ "$1" = PASS ] || failed=1
}

# ---- generated inputs ----------------------------------------------------
mkdir -p "$build/gen"
{
  echo "OPENSSL_3.0.0 {"
  echo "  global:"
  sed -e '/^[[:space:]]*$/d' -e 's/^/    /' -e 's/$/;/' "$top/compat/symbols/libcrypto.txt"
  echo "  local: *;"
  echo "};"
} > "$build/gen/libcrypto.map"
# cachet::version() comes from libcachet in the real build; here its one
# source file is compiled with the version from configure.ac.
version=$(sed -n 's/^AC_INIT(\[cachet\], *\[\([^]]*\)\].*/\1/p' "$top/configure.ac")
printf '#define PACKAGE_VERSION "%s"\n' "${version:-unknown}" > "$build/gen/config.h"
grep -Ev "$not_core" "$top/compat/symbols/libcrypto.txt" | sed '/^[[:space:]]*$/d' | sort > "$build/gen/core.txt"

# ---- one build + run ------------------------------------------------------
run_variant() {  # run_variant LABEL EXTRA_FLAGS...
  local label=$1; shift
  local dir="$build/$label"
  local flags=("$@")
  mkdir -p "$dir"
  local srcs=()
  for s in $core_sources; do srcs+=("$top/compat/crypto/$s.cpp"); done

  if g++ -std=c++20 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Wshadow -Wformat=2 -Werror \
       "${flags[@]}" -I"$top/compat/include" -I"$top/include" -I"$build/gen" \
       "${srcs[@]}" "$top/src/connection/version.cpp" \
       -Wl,-soname,libcrypto.so.3 -Wl,--version-script="$build/gen/libcrypto.map" -Wl,--no-undefined \
       -o "$dir/libcrypto.so.3" > "$dir/build.log" 2>&1; then
    case_line PASS "[$label] libcrypto.so.3 builds warning-free"
  else
    case_line FAIL "[$label] libcrypto.so.3 builds warning-free"
    sed 's/^/    /' "$dir/build.log" | head -40
    return
  fi

  # Exports: only listed names, all at OPENSSL_3.0.0, every core name present.
  readelf --dyn-syms -W "$dir/libcrypto.so.3" | awk '$7 != "UND" && $5 == "GLOBAL" && $4 == "FUNC" {print $8}' \
    | sort > "$dir/exports.txt"
  local bad_version unlisted missing
  bad_version=$(grep -v '@@OPENSSL_3\.0\.0$' "$dir/exports.txt")
  sed 's/@@OPENSSL_3\.0\.0$//' "$dir/exports.txt" | sort > "$dir/names.txt"
  unlisted=$(comm -23 "$dir/names.txt" <(sort "$top/compat/symbols/libcrypto.txt"))
  missing=$(comm -13 "$dir/names.txt" "$build/gen/core.txt")
  if [ -z "$bad_version$unlisted$missing" ]; then
    case_line PASS "[$label] exports the $(wc -l < "$build/gen/core.txt") core functions of libcrypto.txt at OPENSSL_3.0.0, nothing else"
  else
    case_line FAIL "[$label] exports the core functions of libcrypto.txt at OPENSSL_3.0.0, nothing else"
    [ -n "$bad_version" ] && echo "    not at OPENSSL_3.0.0: $bad_version"
    [ -n "$unlisted" ] && echo "    not in libcrypto.txt: $unlisted"
    [ -n "$missing" ] && echo "    missing: $missing"
  fi

  local entry name how
  for entry in $tests; do
    name=${entry%%:*}
    how=${entry##*:}
    run_test "$label" "$dir" "$name" "$how" "${flags[@]}"
  done
}

# Output minus timings and the cases where Cachet deliberately differs.
comparable() {
  sed -e '/\[varies\]/d' -e '/^-- .*\[differs from OpenSSL/,/^CASE .*\[differs from OpenSSL/d'
}

run_test() {  # run_test LABEL DIR NAME HOW FLAGS...
  local label=$1 dir=$2 name=$3 how=$4; shift 4
  local flags=("$@")
  local src="$top/tests/compat/$name.c"
  local exe="$dir/$name"
  if ! gcc ${CACHET_SAN_CFLAGS-} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -pthread "${flags[@]}" -I"$top/compat/include" -I"$here" \
         -DEXPECT_CACHET_VERSION="\"$version\"" "$src" -L"$dir" -l:libcrypto.so.3 -Wl,-rpath,"$dir" -o "$exe" > "$exe.log" 2>&1; then
    case_line FAIL "[$label] $name compiles against compat/include"
    sed 's/^/    /' "$exe.log" | head -30
    return
  fi
  ldd "$exe" > "$exe.ldd" 2>&1
  if ! grep -qF "$dir/libcrypto.so.3" "$exe.ldd"; then
    case_line FAIL "[$label] $name runs on the library just built"
    return
  fi
  (cd "$dir" && timeout 120 "$exe") > "$exe.out" 2>&1
  local rc=$?
  grep -E '^CASE (PASS|FAIL): ' "$exe.out" | sed "s/^CASE \(PASS\|FAIL\): /CASE \1: [$label] $name: /"
  grep -q '^CASE FAIL' "$exe.out" && failed=1
  if [ $rc -ne 0 ] || ! grep -q '^CASE PASS' "$exe.out"; then
    case_line FAIL "[$label] $name exits 0 (status $rc)"
    grep -v '^CASE \|^  \|^-- ' "$exe.out" | head -40 | sed 's/^/    /'
    grep '^  check failed' "$exe.out" | head -20 | sed 's/^/    /'
  else
    grep '^  check failed' "$exe.out" | head -20 | sed 's/^/    /'
  fi
  [ "$how" = diff ] || return

  local real="$build/real/$name"
  if [ ! -f "$real.out" ]; then
    mkdir -p "$build/real"
    local extra=()
    [ "$name" = crypto_err ] && extra=(-DWITH_REAL_LIBSSL -lssl)
    if ! gcc ${CACHET_SAN_CFLAGS-} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -pthread -I"$here" "$src" "${extra[@]}" -lcrypto \
           -o "$real" > "$real.log" 2>&1; then
      case_line FAIL "[$label] $name builds against the system's OpenSSL"
      sed 's/^/    /' "$real.log" | head -20
      return
    fi
    (cd "$build/real" && timeout 120 "$real") > "$real.out" 2>&1
  fi
  if diff -u <(comparable < "$real.out") <(comparable < "$exe.out") > "$exe.diff"; then
    case_line PASS "[$label] $name prints the same as with OpenSSL 3.0 ($(grep -c '' "$exe.out") lines)"
  else
    case_line FAIL "[$label] $name prints the same as with OpenSSL 3.0"
    head -60 "$exe.diff" | sed 's/^/    /'
  fi
}

have_real=0
if [ -f /usr/include/openssl/ssl.h ] && echo 'int main(void){return 0;}' \
     | gcc ${CACHET_SAN_CFLAGS-} -x c - -lssl -lcrypto -o "$build/probe" > /dev/null 2>&1; then
  have_real=1
else
  echo "note: no system OpenSSL 3.0 (libssl-dev): the comparison steps are skipped"
  tests=$(echo "$tests" | sed 's/:diff/:solo/g')
fi

run_variant plain -O2
if [ "$sanitize" = 1 ]; then
  run_variant sanitize -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
fi

[ "$have_real" = 1 ] || echo "note: comparisons with OpenSSL were skipped"
if [ "$failed" = 0 ]; then echo "ALL PASSED"; else echo "FAILURES"; fi
exit "$failed"
