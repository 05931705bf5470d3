#!/usr/bin/env bash
# The OpenSSL-API program tests/compat/dtls_scenarios.c (a DTLS client and
# server over memory BIOs: want-read, want-write, clean close, fatal alert,
# timeout, SRTP and exporter) three ways — built and run on the system's
# OpenSSL 3.0, relinked against Cachet's libssl/libcrypto, and the OpenSSL
# build run unchanged with Cachet's directory on LD_LIBRARY_PATH (drop-in) —
# and the outputs compared line by line (lines starting "#" may differ).
. "$(dirname "$0")/lib.sh"
src=$top/tests/compat/dtls_scenarios.c
gcc ${CACHET_SAN_CFLAGS-} -std=gnu11 -Wall -Wextra -Werror -o "$work/real" "$src" -lssl -lcrypto >"$work/real.log" 2>&1
result "compat-scenarios/builds-against-openssl-3.0" $? "$work/real.log"
gcc ${CACHET_SAN_CFLAGS-} -std=gnu11 -Wall -Wextra -Werror -I"$top/compat/include" -o "$work/relinked" "$src" -L"$shim" -lssl -lcrypto \
  -Wl,-rpath,"$shim:$build/.libs" >"$work/relinked.log" 2>&1
result "compat-scenarios/builds-against-cachet-headers-and-libraries" $? "$work/relinked.log"

"$work/real" "$top/tests/pki" 2>&1 | grep -v '^#' >"$work/real.out"
result "compat-scenarios/runs-on-openssl-3.0" $([ "$(tail -1 "$work/real.out")" = end ]; echo $?) "$work/real.out"

ldd "$work/relinked" >"$work/relinked.ldd"
grep -q "libssl.so.3 => $shim/libssl.so.3" "$work/relinked.ldd" && grep -q "libcrypto.so.3 => $shim/libcrypto.so.3" "$work/relinked.ldd"
result "compat-scenarios/relinked-maps-cachet-only" $? "$work/relinked.ldd"
timeout 60 "$work/relinked" "$top/tests/pki" 2>&1 | grep -v '^#' >"$work/relinked.out"
diff -u "$work/real.out" "$work/relinked.out" >"$work/relinked.diff"
result "compat-scenarios/relinked-same-results-as-openssl ($(wc -l <"$work/real.out") lines)" $? "$work/relinked.diff"

LD_LIBRARY_PATH=$shim ldd "$work/real" >"$work/dropin.ldd"
grep -q "libssl.so.3 => $shim/libssl.so.3" "$work/dropin.ldd" && grep -q "libcrypto.so.3 => $shim/libcrypto.so.3" "$work/dropin.ldd" &&
  ! grep -q "/usr/lib.*lib\(ssl\|crypto\)\.so" "$work/dropin.ldd"
result "compat-scenarios/drop-in-maps-no-real-openssl" $? "$work/dropin.ldd"
LD_LIBRARY_PATH=$shim timeout 60 "$work/real" "$top/tests/pki" 2>&1 | grep -v '^#' >"$work/dropin.out"
diff -u "$work/real.out" "$work/dropin.out" >"$work/dropin.diff"
result "compat-scenarios/drop-in-same-results-as-openssl" $? "$work/dropin.diff"

# Every symbol the program imports is exported at OPENSSL_3.0.0.
objdump -T "$work/real" | awk '/OPENSSL_3\.0\.0/ && /\*UND\*/ {print $NF}' | sort -u >"$work/imports"
{ objdump -T "$shim/libssl.so.3"; objdump -T "$shim/libcrypto.so.3"; } |
  awk '/OPENSSL_3\.0\.0/ && !/\*UND\*/ {print $NF}' | sort -u >"$work/exports"
comm -23 "$work/imports" "$work/exports" >"$work/missing"
result "compat-scenarios/every-import-exported-at-OPENSSL_3.0.0 ($(wc -l <"$work/imports") symbols)" \
  $([ -s "$work/imports" ] && [ ! -s "$work/missing" ]; echo $?) "$work/missing"
[ $failures -eq 0 ]
