#!/usr/bin/env bash
# tests/compat/context_sharing.c (many SSLs of one SSL_CTX, the SSL_CTX
# changed while SSLs exist, callbacks of interleaved handshakes) built
# against OpenSSL 3.0 and relinked against Cachet: the outputs must be the
# same, and the shim must have built one cachet::Context per configuration
# (CACHET_COMPAT_DEBUG=contexts reports each on stderr), not one per SSL:
#   A  8 pairs, one client and one server SSL_CTX        2 (client, server)
#   B  the client's cipher list changed                  1 (client)
#   C  one SSL with its own cipher list                  1 (that SSL's)
#   D  the server's ALPN callback changed                1 (server)
#   E  only questions asked of the SSL_CTXs              0
#   F  the client's verify callback changed              1 (client)
#   G  SSL_set1_host on three SSLs                       0
#   H  the client's verify depth set twice               2 (client)
. "$(dirname "$0")/lib.sh"
src=$top/tests/compat/context_sharing.c
gcc ${CACHET_SAN_CFLAGS-} -std=gnu11 -Wall -Wextra -Werror -o "$work/real" "$src" -lssl -lcrypto >"$work/build.log" 2>&1 &&
  gcc ${CACHET_SAN_CFLAGS-} -std=gnu11 -Wall -Wextra -Werror -I"$top/compat/include" -o "$work/relinked" "$src" -L"$shim" -lssl -lcrypto \
    -Wl,-rpath,"$shim:$build/.libs" >>"$work/build.log" 2>&1
result "compat-context-sharing/builds-against-openssl-and-cachet" $? "$work/build.log"
timeout 30 "$work/real" "$top/tests/pki" 2>/dev/null | grep -v '^#' >"$work/real.out"
result "compat-context-sharing/runs-on-openssl-3.0" $([ "$(tail -1 "$work/real.out")" = end ]; echo $?) "$work/real.out"
CACHET_COMPAT_DEBUG=contexts timeout 30 "$work/relinked" "$top/tests/pki" 2>"$work/relinked.err" | grep -v '^#' \
  >"$work/relinked.out"
diff -u "$work/real.out" "$work/relinked.out" >"$work/relinked.diff"
result "compat-context-sharing/relinked-same-results-as-openssl ($(wc -l <"$work/real.out") lines)" $? "$work/relinked.diff"

# Contexts built in each phase, as "A=2 B=1 ...".
built=$(awk '/^phase / { if (p != "") printf "%s=%d ", p, n; p = $2; n = 0 } /^cachet-compat: Context .* built/ { ++n }' \
  "$work/relinked.err")
echo "# contexts built per phase: $built"
[ "$built" = "A=2 B=1 C=1 D=1 E=0 F=1 G=0 H=2 " ]
result "compat-context-sharing/one-context-per-configuration (16 SSLs of two SSL_CTXs: 2 Contexts)" $? "$work/relinked.err"
[ $failures -eq 0 ]
