#!/usr/bin/env bash
# `cachet doctor` and `cachet run` against a fake OpenSSL shim built here: a
# libssl.so.3 exporting SSL_new and SSL_free at OPENSSL_3.0.0 (and SSL_CTX_new
# at another version node), and a libcrypto.so.3 exporting BIO_new, both tiny C
# libraries with linker version scripts, as the real shim will be built.
# Then tests/tools/elf_fuzz truncates and corrupts those files and real ones.
# Each case prints "CASE PASS: name" or "CASE FAIL: name".
set -u
top=${CACHET_TOP_SRCDIR:?}
build=${CACHET_TOP_BUILDDIR:?}
CACHET=$build/tools/cachet
FUZZ=$build/tests/tools/elf_fuzz
CC=${CC:-cc}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SHIM=$WORK/shim
mkdir -p "$SHIM" "$WORK/plain"

for tool in "$CC" openssl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (scripts/deps installs it)"; exit 99; }
done
OPENSSL_BIN=$(command -v openssl)

failures=0
result() {  # result NAME CONDITION_STATUS [details file...]
  local name=$1 status=$2; shift 2
  if [ "$status" -eq 0 ]; then echo "CASE PASS: $name"; else
    echo "CASE FAIL: $name"; failures=$((failures + 1))
    local f; for f in "$@"; do echo "    | == $(basename "$f")"; sed 's/^/    | /' "$f" | tail -12; done
  fi
}

# --- the fake shim -------------------------------------------------------------------
cat >"$WORK/ssl.c" <<'EOF'
void *SSL_new(void *ctx) { (void)ctx; return (void *)0x5ca1ab1e; }
void SSL_free(void *ssl) { (void)ssl; }
void *SSL_CTX_new(const void *method) { (void)method; return 0; }
void SSL_CTX_free(void *ctx) { (void)ctx; }
int cachet_test_not_openssl(void) { return 7; }
EOF
cat >"$WORK/crypto.c" <<'EOF'
void *BIO_new(const void *type) { (void)type; return (void *)0xb10; }
EOF
# The shim: SSL_new/SSL_free/BIO_new at OPENSSL_3.0.0; SSL_CTX_new only at a
# version node no OpenSSL program asks for.
cat >"$WORK/ssl.map" <<'EOF'
OPENSSL_3.0.0 { global: SSL_new; SSL_free; local: *; };
CACHET_TEST_OTHER { global: SSL_CTX_new; } OPENSSL_3.0.0;
EOF
cat >"$WORK/crypto.map" <<'EOF'
OPENSSL_3.0.0 { global: BIO_new; local: *; };
EOF
"$CC" -shared -fPIC -o "$SHIM/libssl.so.3" -Wl,-soname,libssl.so.3 -Wl,--version-script="$WORK/ssl.map" "$WORK/ssl.c" \
  >"$WORK/cc.log" 2>&1 &&
"$CC" -shared -fPIC -o "$SHIM/libcrypto.so.3" -Wl,-soname,libcrypto.so.3 -Wl,--version-script="$WORK/crypto.map" \
  "$WORK/crypto.c" >>"$WORK/cc.log" 2>&1
result "fake shim builds" $? "$WORK/cc.log"
# The same libraries without versions (what a program linked against an
# unversioned build sees: unversioned imports).
"$CC" -shared -fPIC -o "$WORK/plain/libssl.so.3" -Wl,-soname,libssl.so.3 "$WORK/ssl.c" >>"$WORK/cc.log" 2>&1
"$CC" -shared -fPIC -o "$WORK/plain/libcrypto.so.3" -Wl,-soname,libcrypto.so.3 "$WORK/crypto.c" >>"$WORK/cc.log" 2>&1

# A program using only what the shim provides.
cat >"$WORK/prog.c" <<'EOF'
#include <stdio.h>
void *SSL_new(void *ctx);
void SSL_free(void *ssl);
void *BIO_new(const void *type);
int main(void) {
  void *ssl = SSL_new(0);
  printf("%s\n", ssl == (void *)0x5ca1ab1e && BIO_new(0) == (void *)0xb10 ? "fake shim in use" : "real openssl?");
  SSL_free(ssl);
  return 0;
}
EOF
# One with unversioned imports: three the shim has, SSL_CTX_new (the shim
# has it only at another version), SSL_CTX_free (the shim lacks it; it is
# known as OpenSSL's from the system's libssl.so.3) and a name OpenSSL does
# not export (not listed at all).
cat >"$WORK/plainprog.c" <<'EOF'
void *SSL_new(void *ctx);
void SSL_free(void *ssl);
void *BIO_new(const void *type);
void *SSL_CTX_new(const void *method);
void SSL_CTX_free(void *ctx);
int cachet_test_not_openssl(void);
int main(void) {
  void *ctx = SSL_CTX_new(0);
  SSL_free(SSL_new(ctx));
  SSL_CTX_free(ctx);
  return BIO_new(0) != 0 && cachet_test_not_openssl() == 7 ? 0 : 1;
}
EOF
"$CC" -o "$WORK/prog" "$WORK/prog.c" -L"$SHIM" -l:libssl.so.3 -l:libcrypto.so.3 >>"$WORK/cc.log" 2>&1 &&
"$CC" -o "$WORK/plainprog" "$WORK/plainprog.c" -L"$WORK/plain" -l:libssl.so.3 -l:libcrypto.so.3 >>"$WORK/cc.log" 2>&1
result "test programs build" $? "$WORK/cc.log"

# --- cachet doctor -------------------------------------------------------------------
doctor() {  # doctor NAME ARGS...: stdout in $WORK/NAME.out, stderr in NAME.err, status in $RC
  local name=$1; shift
  "$CACHET" doctor "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  RC=$?
  echo "(exit status $RC)" >>"$WORK/$name.err"
}
# The summary must count the lines above it.
summary_adds_up() {  # summary_adds_up FILE
  local p m s
  p=$(grep -c '^provided  ' "$1")
  m=$(grep -c '^MISSING   ' "$1")
  s=$(tail -1 "$1")
  [ "$s" = "$p of $((p + m)) OpenSSL symbols provided" ]
}

# 1. The system's openssl binary: hundreds of imports, three provided.
doctor openssl --shim "$SHIM" "$OPENSSL_BIN"
total=$(grep -c '^\(provided\|MISSING\) ' "$WORK/openssl.out")
expected=$(objdump -T "$OPENSSL_BIN" 2>/dev/null | grep '\*UND\*' | grep -c '(OPENSSL_')
[ "$RC" -eq 1 ] &&
  grep -qx 'provided  SSL_new@OPENSSL_3.0.0 (libssl)' "$WORK/openssl.out" &&
  grep -qx 'provided  SSL_free@OPENSSL_3.0.0 (libssl)' "$WORK/openssl.out" &&
  grep -qx 'provided  BIO_new@OPENSSL_3.0.0 (libcrypto)' "$WORK/openssl.out" &&
  grep -qx 'MISSING   SSL_CTX_new@OPENSSL_3.0.0 (libssl)' "$WORK/openssl.out" &&
  grep -qx 'MISSING   EVP_sha256@OPENSSL_3.0.0 (libcrypto)' "$WORK/openssl.out" &&
  [ "$(grep -c '^provided  ' "$WORK/openssl.out")" -eq 3 ] &&
  [ "$total" -gt 200 ] && { [ -z "$expected" ] || [ "$total" -eq "$expected" ]; } &&
  summary_adds_up "$WORK/openssl.out"
result "doctor: system openssl: SSL_new provided, SSL_CTX_new missing, summary adds up, exit 1" $? \
  "$WORK/openssl.out" "$WORK/openssl.err"

# 2. The same, named on PATH.
doctor onpath --shim "$SHIM" openssl
[ "$RC" -eq 1 ] && cmp -s "$WORK/openssl.out" "$WORK/onpath.out"
result "doctor: a program named on PATH" $? "$WORK/onpath.out" "$WORK/onpath.err"

# 3. --json: one object whose counts agree with the text output.
doctor json --shim "$SHIM" --json "$OPENSSL_BIN"
[ "$RC" -eq 1 ] && python3 - "$WORK/json.out" "$total" <<'EOF' >"$WORK/json.check" 2>&1
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, "not one line"
o = json.loads(lines[0])
f = o["files"][0]
syms = {(s["name"], s["version"]): s for s in f["symbols"]}
assert syms[("SSL_new", "OPENSSL_3.0.0")]["provided"] is True
assert syms[("SSL_new", "OPENSSL_3.0.0")]["library"] == "libssl"
assert syms[("SSL_CTX_new", "OPENSSL_3.0.0")]["provided"] is False
assert f["total"] == len(f["symbols"]) == int(sys.argv[2]) == o["total"]
assert f["provided"] == sum(s["provided"] for s in f["symbols"]) == 3 == o["provided"]
assert o["status"] == 1
EOF
result "doctor --json: one object, counts agree" $? "$WORK/json.out" "$WORK/json.check"

# 4. A program that uses only what the shim provides.
doctor prog --shim "$SHIM" "$WORK/prog"
[ "$RC" -eq 0 ] &&
  [ "$(grep -c '^provided  ' "$WORK/prog.out")" -eq 3 ] &&
  ! grep -q '^MISSING' "$WORK/prog.out" &&
  grep -qx 'provided  BIO_new@OPENSSL_3.0.0 (libcrypto)' "$WORK/prog.out" &&
  [ "$(tail -1 "$WORK/prog.out")" = "3 of 3 OpenSSL symbols provided" ]
result "doctor: program using only SSL_new/SSL_free/BIO_new: 3 of 3, exit 0" $? "$WORK/prog.out" "$WORK/prog.err"

# 5. Unversioned imports: recognised through DT_NEEDED and the export lists;
# they must be at the shim's default version OPENSSL_3.0.0.
doctor plain --shim "$SHIM" "$WORK/plainprog"
[ "$RC" -eq 1 ] &&
  grep -qx 'provided  SSL_new (libssl, unversioned)' "$WORK/plain.out" &&
  grep -qx 'provided  BIO_new (libcrypto, unversioned)' "$WORK/plain.out" &&
  grep -qx 'MISSING   SSL_CTX_new (libssl, unversioned)' "$WORK/plain.out" &&
  grep -qx 'MISSING   SSL_CTX_free (libssl, unversioned)' "$WORK/plain.out" &&
  ! grep -q cachet_test_not_openssl "$WORK/plain.out" &&
  [ "$(tail -1 "$WORK/plain.out")" = "3 of 5 OpenSSL symbols provided" ]
result "doctor: unversioned imports, 3 of 5, non-OpenSSL names left out" $? "$WORK/plain.out" "$WORK/plain.err"

# 6. Errors: exit 2.
printf '#!/bin/sh\necho not a program\n' >"$WORK/script.sh"
doctor notelf --shim "$SHIM" "$WORK/script.sh"
[ "$RC" -eq 2 ] && grep -q 'not an ELF file' "$WORK/notelf.err"
result "doctor: a non-ELF file exits 2" $? "$WORK/notelf.out" "$WORK/notelf.err"

head -c 3000 "$WORK/prog" >"$WORK/truncated"
doctor truncated --shim "$SHIM" "$WORK/truncated"
[ "$RC" -eq 2 ] && grep -q 'truncated' "$WORK/truncated.err"
result "doctor: a truncated ELF file exits 2" $? "$WORK/truncated.out" "$WORK/truncated.err"

doctor missing --shim "$SHIM" "$WORK/no-such-file"
[ "$RC" -eq 2 ] && grep -q 'No such file' "$WORK/missing.err"
result "doctor: a missing file exits 2" $? "$WORK/missing.err"

doctor mixed --shim "$SHIM" "$WORK/prog" "$WORK/script.sh"
[ "$RC" -eq 2 ] && grep -q '^3 of 3 OpenSSL symbols provided' "$WORK/mixed.out"
result "doctor: an error among several files exits 2, the others still reported" $? "$WORK/mixed.out" \
  "$WORK/mixed.err"

doctor noshim --shim "$WORK/plain/nothing-here" "$WORK/prog"
[ "$RC" -eq 2 ] && grep -q "libssl.so.3 is not in $WORK/plain/nothing-here (--shim)" "$WORK/noshim.err"
result "doctor: no shim in --shim DIR exits 2 naming it" $? "$WORK/noshim.err"

CACHET_SHIM_DIR=$SHIM "$CACHET" doctor "$WORK/prog" >"$WORK/env.out" 2>&1
[ $? -eq 0 ] && [ "$(tail -1 "$WORK/env.out")" = "3 of 3 OpenSSL symbols provided" ]
result "doctor: the shim from CACHET_SHIM_DIR" $? "$WORK/env.out"

# --- cachet run ----------------------------------------------------------------------
LD_LIBRARY_PATH= "$CACHET" run --shim "$SHIM" -- /bin/sh -c 'echo $LD_LIBRARY_PATH' >"$WORK/run1.out" 2>&1
rc=$?; echo "(exit status $rc)" >>"$WORK/run1.out"
first=$(head -1 "$WORK/run1.out")
[ "$rc" -eq 0 ] && [ "${first%%:*}" = "$SHIM" ]
result "run: the shim directory comes first on LD_LIBRARY_PATH" $? "$WORK/run1.out"

LD_LIBRARY_PATH=/cachet/test/elsewhere "$CACHET" run --shim "$SHIM" -- /bin/sh -c 'echo $LD_LIBRARY_PATH' \
  >"$WORK/run2.out" 2>&1
case $(head -1 "$WORK/run2.out") in "$SHIM":*/cachet/test/elsewhere*) true ;; *) false ;; esac
result "run: an existing LD_LIBRARY_PATH is kept after the shim" $? "$WORK/run2.out"

"$CACHET" run --shim "$SHIM" -- "$WORK/prog" >"$WORK/run3.out" 2>&1
[ $? -eq 0 ] && grep -qx 'fake shim in use' "$WORK/run3.out"
result "run: an unchanged program loads the shim's libraries" $? "$WORK/run3.out"

"$CACHET" run --shim "$SHIM" -- /bin/sh -c 'exit 7' >"$WORK/run4.out" 2>&1
rc=$?; echo "(exit status $rc)" >>"$WORK/run4.out"
[ "$rc" -eq 7 ]
result "run: the exit status is the program's" $? "$WORK/run4.out"

CACHET_SHIM_DIR=$SHIM "$CACHET" run -- /nonexistent >"$WORK/run5.out" 2>&1
rc=$?; echo "(exit status $rc)" >>"$WORK/run5.out"
[ "$rc" -eq 127 ] && grep -q 'cannot execute /nonexistent' "$WORK/run5.out"
result "run: a program that cannot be executed exits 127" $? "$WORK/run5.out"

CACHET_SHIM_DIR=$SHIM "$CACHET" run -- sh -c 'echo $LD_LIBRARY_PATH' >"$WORK/run6.out" 2>&1
rc=$?; echo "(exit status $rc)" >>"$WORK/run6.out"
first=$(head -1 "$WORK/run6.out")
[ "$rc" -eq 0 ] && [ "${first%%:*}" = "$SHIM" ]
result "run: CACHET_SHIM_DIR names the shim, the program is found on PATH" $? "$WORK/run6.out"

CACHET_SHIM_DIR=$WORK/plain/nothing-here "$CACHET" run -- /bin/true >"$WORK/run7.out" 2>&1
rc=$?; echo "(exit status $rc)" >>"$WORK/run7.out"
[ "$rc" -eq 125 ] && grep -q "libssl.so.3 is not in $WORK/plain/nothing-here (CACHET_SHIM_DIR)" "$WORK/run7.out"
result "run: no shim found exits 125 naming the places looked in" $? "$WORK/run7.out"

CACHET_SHIM_DIR=$WORK/plain/nothing-here "$CACHET" run --shim "$SHIM" -- /bin/true >"$WORK/run8.out" 2>&1
result "run: --shim wins over CACHET_SHIM_DIR" $? "$WORK/run8.out"

# --- the build tree's own shim (compat/.libs), found without being named --------------
if [ -f "$build/compat/.libs/libssl.so.3" ]; then
  built=$(cd "$build/compat/.libs" && pwd -P)
  env -u CACHET_SHIM_DIR "$CACHET" doctor --json "$WORK/prog" >"$WORK/tree.out" 2>&1
  rc=$?; echo "(exit status $rc)" >>"$WORK/tree.out"
  python3 - "$WORK/tree.out" "$built" <<'EOF' >"$WORK/tree.check" 2>&1
import json, os, sys
o = json.loads(open(sys.argv[1]).readline())
assert os.path.realpath(o["shim"]) == sys.argv[2], o["shim"]
EOF
  result "doctor: finds the build tree's compat/.libs by itself" $? "$WORK/tree.out" "$WORK/tree.check"
  env -u CACHET_SHIM_DIR "$CACHET" run -- /bin/sh -c 'echo $LD_LIBRARY_PATH' >"$WORK/tree-run.out" 2>&1
  first=$(head -1 "$WORK/tree-run.out")
  [ "$(cd "${first%%:*}" 2>/dev/null && pwd -P)" = "$built" ]
  result "run: finds the build tree's compat/.libs by itself" $? "$WORK/tree-run.out"
else
  echo "CASE SKIP: doctor: finds the build tree's compat/.libs by itself"
  echo "CASE SKIP: run: finds the build tree's compat/.libs by itself"
  echo "    (skipped: $build/compat/.libs/libssl.so.3 is not built)"
fi

# --- the ELF reader under damage -----------------------------------------------------
if [ -x "$FUZZ" ]; then
  "$FUZZ" "$SHIM/libssl.so.3" "$SHIM/libcrypto.so.3" "$WORK/prog" "$OPENSSL_BIN" >"$WORK/fuzz.out" 2>&1
  rc=$?
  grep '^CASE ' "$WORK/fuzz.out" | sed "s|$WORK/|\$WORK/|g"
  grep -q '^CASE FAIL' "$WORK/fuzz.out" && failures=$((failures + 1))
  [ "$rc" -eq 0 ] && grep -q '^0 failed$' "$WORK/fuzz.out"
  result "elf_fuzz: completes without a crash" $? "$WORK/fuzz.out"
else
  echo "CASE SKIP: elf_fuzz (not built: $FUZZ)"
fi

echo "$failures failed"
[ "$failures" -eq 0 ]
