#!/usr/bin/env bash
# libcrypto of the shim, tested by OpenSSL-API C programs (tests/compat/
# crypto_*.c: BIO, ERR, RAND, stacks, versions; pki_*.c: X509, EVP, PEM, BN,
# ASN1, RSA/EC) linked against Cachet's compat/.libs/libcrypto.so.3. The
# "diff" programs must print exactly what they print on the system's OpenSSL
# 3.0; the pki programs must pass their cases on both.
set -u
top=${CACHET_TOP_SRCDIR:?}
build=${CACHET_TOP_BUILDDIR:?}
shim=$build/compat/.libs
here=$top/tests/compat
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
case_line() { echo "CASE $1: $2"; [ "$1" = PASS ] || failures=$((failures + 1)); }
version=$(sed -n 's/^AC_INIT(\[cachet\], *\[\([^]]*\)\].*/\1/p' "$top/configure.ac")
comparable() { sed -e '/\[varies\]/d' -e '/^-- .*\[differs from OpenSSL/,/^CASE .*\[differs from OpenSSL/d'; }

run() {  # run NAME HOW(diff|both|solo)
  local name=$1 how=$2 src=$here/$1.c
  mkdir -p "$work/cachet" "$work/real"
  if ! gcc ${CACHET_SAN_CFLAGS-} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-deprecated-declarations -pthread -I"$top/compat/include" \
      -I"$here" -DEXPECT_CACHET_VERSION="\"$version\"" "$src" -o "$work/cachet/$name" -L"$shim" -lcrypto \
      -Wl,-rpath,"$shim:$build/.libs" >"$work/$name.log" 2>&1; then
    case_line FAIL "compat-crypto/$name compiles against compat/include"; head -20 "$work/$name.log"; return
  fi
  (cd "$work/cachet" && PKI_DIR="$top/tests/pki" timeout 120 "./$name") >"$work/$name.cachet" 2>&1
  local rc=$?
  grep -E '^CASE (PASS|FAIL): ' "$work/$name.cachet" | sed "s#^CASE \(PASS\|FAIL\): #CASE \1: compat-crypto/$name/#"
  grep -q '^CASE FAIL' "$work/$name.cachet" && failures=$((failures + 1))
  if [ $rc -ne 0 ] || ! grep -q '^CASE PASS' "$work/$name.cachet"; then
    case_line FAIL "compat-crypto/$name exits 0 on Cachet (status $rc)"; grep -v '^CASE' "$work/$name.cachet" | head -20
  fi
  [ "$how" = solo ] && return
  local extra=()
  [ "$name" = crypto_err ] && extra=(-DWITH_REAL_LIBSSL -lssl)
  if ! gcc ${CACHET_SAN_CFLAGS-} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-deprecated-declarations -pthread -I"$here" "$src" \
      "${extra[@]}" -lcrypto -o "$work/real/$name" >"$work/$name.real.log" 2>&1; then
    case_line FAIL "compat-crypto/$name builds against OpenSSL 3.0"; head -20 "$work/$name.real.log"; return
  fi
  (cd "$work/real" && PKI_DIR="$top/tests/pki" timeout 120 "./$name") >"$work/$name.real" 2>&1
  if [ "$how" = diff ]; then
    if diff -u <(comparable <"$work/$name.real") <(comparable <"$work/$name.cachet") >"$work/$name.diff"; then
      case_line PASS "compat-crypto/$name prints the same as on OpenSSL 3.0 ($(grep -c '' "$work/$name.cachet") lines)"
    else
      case_line FAIL "compat-crypto/$name prints the same as on OpenSSL 3.0"; head -40 "$work/$name.diff"
    fi
  else
    local bad; bad=$(grep -c '^CASE FAIL' "$work/$name.real")
    [ "$bad" -eq 0 ] && grep -q '^CASE PASS' "$work/$name.real"
    if [ $? -eq 0 ]; then case_line PASS "compat-crypto/$name passes on OpenSSL 3.0 too"; else
      case_line FAIL "compat-crypto/$name passes on OpenSSL 3.0 too"; grep '^CASE FAIL' "$work/$name.real" | head; fi
  fi
}

for t in crypto_mem_bio crypto_bio_pair crypto_bio_method crypto_err crypto_bio_addr crypto_misc crypto_dgram; do run $t diff; done
run crypto_version solo
run pki_x509 both
run pki_store both
[ $failures -eq 0 ]
