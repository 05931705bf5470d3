#!/usr/bin/env bash
# tests/compat/bio_ctrl_parity.c (the ctrl commands a program's own BIO
# receives, phase by phase, and the SSL_get_error results around retry
# flags) three ways — on the system's OpenSSL 3.0, relinked against Cachet's
# libssl/libcrypto, and the OpenSSL build run unchanged with Cachet's
# directory on LD_LIBRARY_PATH (drop-in) — and the normalised logs compared
# line by line (lines starting "#" may differ; the normalisation is
# documented at the top of the .c file).
CACHET_SHOW_LINES=60
. "$(dirname "$0")/lib.sh"
src=$top/tests/compat/bio_ctrl_parity.c
gcc ${CACHET_SAN_CFLAGS-} -std=gnu11 -Wall -Wextra -Werror -o "$work/real" "$src" -lssl -lcrypto >"$work/real.log" 2>&1
result "bio-ctrl-parity/builds-against-openssl-3.0" $? "$work/real.log"
gcc ${CACHET_SAN_CFLAGS-} -std=gnu11 -Wall -Wextra -Werror -I"$top/compat/include" -o "$work/relinked" "$src" -L"$shim" -lssl -lcrypto \
  -Wl,-rpath,"$shim:$build/.libs" >"$work/relinked.log" 2>&1
result "bio-ctrl-parity/builds-against-cachet-headers-and-libraries" $? "$work/relinked.log"

timeout 60 "$work/real" "$top/tests/pki" >"$work/real.all" 2>&1
grep -v '^#' "$work/real.all" >"$work/real.out"
result "bio-ctrl-parity/runs-on-openssl-3.0" $([ "$(tail -1 "$work/real.out")" = end ]; echo $?) "$work/real.all"

timeout 60 "$work/relinked" "$top/tests/pki" >"$work/relinked.all" 2>&1
grep -v '^#' "$work/relinked.all" >"$work/relinked.out"
diff -u "$work/real.out" "$work/relinked.out" >"$work/relinked.diff"
result "bio-ctrl-parity/relinked-same-ctrls-as-openssl ($(grep -c '^  [CS]:' "$work/real.out") phase logs)" $? "$work/relinked.diff"

LD_LIBRARY_PATH=$shim timeout 60 "$work/real" "$top/tests/pki" >"$work/dropin.all" 2>&1
grep -v '^#' "$work/dropin.all" >"$work/dropin.out"
diff -u "$work/real.out" "$work/dropin.out" >"$work/dropin.diff"
result "bio-ctrl-parity/drop-in-same-ctrls-as-openssl" $? "$work/dropin.diff"

# Cachet asks MTU_EXCEEDED exactly once after the write the BIO failed for
# good (the .c file says why OpenSSL does not, there).
grep -qx '# MTU_EXCEEDED asked: 1' "$work/relinked.all"
result "bio-ctrl-parity/cachet-asks-mtu-exceeded-once-after-a-failed-write" $? "$work/relinked.all"
[ $failures -eq 0 ]
