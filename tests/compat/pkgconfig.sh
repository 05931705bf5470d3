#!/usr/bin/env bash
# The installed pkg-config files (libssl.pc, libcrypto.pc, openssl.pc in the
# shim's directory): an autoconf project that finds OpenSSL the usual way —
# PKG_CHECK_MODULES([OPENSSL], [openssl >= 3.0]) — configured with
# PKG_CONFIG_PATH=<shim dir> builds tests/compat/dtls_scenarios.c against
# Cachet's installed headers and libraries, runs through the rpath the .pc
# files give (no LD_LIBRARY_PATH), maps no real OpenSSL, and prints what the
# same program built against the system's OpenSSL 3.0 prints.
# Run by `make installcheck` (and so by distcheck) after `make install`.
# Env: CACHET_TOP_SRCDIR, CACHET_SHIM_PC_DIR (the installed shim directory).
set -u
top=${CACHET_TOP_SRCDIR:?}
pcdir=${CACHET_SHIM_PC_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
result() {  # result NAME STATUS [file to show on failure]
  if [ "$2" -eq 0 ]; then echo "CASE PASS: $1"; else
    echo "CASE FAIL: $1"; failures=$((failures + 1)); [ -n "${3:-}" ] && head -40 "$3"; fi
}

for pc in libssl libcrypto openssl; do
  [ -f "$pcdir/$pc.pc" ] || { echo "missing $pcdir/$pc.pc"; failures=$((failures + 1)); }
done
result "compat-pkgconfig/installed-libssl-libcrypto-openssl.pc" $failures

mkdir -p "$work/proj" && cd "$work/proj" || exit 1
cp "$top/tests/compat/dtls_scenarios.c" .
cat > configure.ac <<'AC'
AC_INIT([dtls-scenarios], [1.0])
AC_PROG_CC
PKG_PROG_PKG_CONFIG
PKG_CHECK_MODULES([OPENSSL], [openssl >= 3.0.0])
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
AC
cat > Makefile.in <<'MK'
CC = @CC@
CFLAGS = @CFLAGS@ -std=gnu11 -Wall -Wextra -Werror @OPENSSL_CFLAGS@
LIBS = @OPENSSL_LIBS@
dtls_scenarios: dtls_scenarios.c
	$(CC) $(CFLAGS) -o $@ dtls_scenarios.c $(LIBS)
MK
autoreconf -i >"$work/autoreconf.log" 2>&1
result "compat-pkgconfig/autoreconf-of-a-PKG_CHECK_MODULES-project" $? "$work/autoreconf.log"

PKG_CONFIG_PATH=$pcdir ./configure >"$work/configure.log" 2>&1 && grep -q "^OPENSSL_LIBS=.*$pcdir" config.log
result "compat-pkgconfig/configure-finds-cachet (PKG_CONFIG_PATH=$pcdir)" $? "$work/configure.log"

make >"$work/make.log" 2>&1
result "compat-pkgconfig/builds-warning-free-against-installed-headers" $? "$work/make.log"

# The headers used were Cachet's installed ones, not /usr/include/openssl.
hdr=$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=includedir openssl)
echo '#include <openssl/ssl.h>' | cc -E $(PKG_CONFIG_PATH=$pcdir pkg-config --cflags openssl) - 2>&1 |
  grep -o '"[^"]*openssl/ssl\.h"' | sort -u >"$work/ssl_h"
[ "$(cat "$work/ssl_h")" = "\"$hdr/openssl/ssl.h\"" ]
result "compat-pkgconfig/uses-cachet-headers ($hdr)" $? "$work/ssl_h"

ldd ./dtls_scenarios >"$work/ldd" 2>&1
grep -q "libssl.so.3 => $pcdir/libssl.so.3" "$work/ldd" && grep -q "libcrypto.so.3 => $pcdir/libcrypto.so.3" "$work/ldd" &&
  ! grep -q "/usr/lib.*lib\(ssl\|crypto\)\.so" "$work/ldd"
result "compat-pkgconfig/rpath-maps-cachet-only" $? "$work/ldd"

gcc ${CACHET_SAN_CFLAGS-} -std=gnu11 -o "$work/real" dtls_scenarios.c -lssl -lcrypto >"$work/real.log" 2>&1 &&
  "$work/real" "$top/tests/pki" 2>&1 | grep -v '^#' >"$work/real.out"
timeout 60 ./dtls_scenarios "$top/tests/pki" 2>&1 | grep -v '^#' >"$work/cachet.out"
[ "$(tail -1 "$work/cachet.out")" = end ] && diff -u "$work/real.out" "$work/cachet.out" >"$work/diff"
result "compat-pkgconfig/runs-same-as-openssl-3.0 ($(wc -l <"$work/cachet.out") lines)" $? "$work/diff"
[ $failures -eq 0 ]
