#!/usr/bin/env bash
# tests/compat/msg_callback.c (OpenSSL's msg callback, on the SSL_CTX and on
# the SSL) built against OpenSSL 3.0, relinked against Cachet, and run
# drop-in: the messages each side reports must be the same.
. "$(dirname "$0")/lib.sh"
src=$top/tests/compat/msg_callback.c
gcc ${CACHET_SAN_CFLAGS-} -std=gnu11 -Wall -Wextra -Werror -o "$work/real" "$src" -lssl -lcrypto >"$work/build.log" 2>&1 &&
  gcc ${CACHET_SAN_CFLAGS-} -std=gnu11 -Wall -Wextra -Werror -I"$top/compat/include" -o "$work/relinked" "$src" -L"$shim" -lssl -lcrypto \
    -Wl,-rpath,"$shim:$build/.libs" >>"$work/build.log" 2>&1
result "compat-msg-callback/builds-against-openssl-and-cachet" $? "$work/build.log"
timeout 30 "$work/real" "$top/tests/pki/p256" >"$work/real.out" 2>&1
result "compat-msg-callback/runs-on-openssl-3.0 ($(grep -c ' handshake ' "$work/real.out") handshake messages)" \
  $(grep -q '^handshake: done' "$work/real.out" && ! grep -q NOT-WHOLE "$work/real.out"; echo $?) "$work/real.out"
timeout 30 "$work/relinked" "$top/tests/pki/p256" >"$work/relinked.out" 2>&1
diff -u "$work/real.out" "$work/relinked.out" >"$work/relinked.diff"
result "compat-msg-callback/relinked-reports-what-openssl-reports" $? "$work/relinked.diff"
LD_LIBRARY_PATH=$shim timeout 30 "$work/real" "$top/tests/pki/p256" >"$work/dropin.out" 2>&1
diff -u "$work/real.out" "$work/dropin.out" >"$work/dropin.diff"
result "compat-msg-callback/drop-in-reports-what-openssl-reports" $? "$work/dropin.diff"
[ $failures -eq 0 ]
