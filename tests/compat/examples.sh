#!/usr/bin/env bash
# The OpenSSL-API examples examples/dtls_echo_server.c and dtls_echo_client.c
# (DTLSv1_listen with cookies, one connected socket per client, poll() with
# DTLS timers, DTLS-SRTP and its exporter) built three ways — against the
# system's OpenSSL 3.0, relinked against Cachet's libssl/libcrypto, and
# against Cachet's headers — then run: pairs on each library with several
# clients (some at once), the OpenSSL builds on Cachet through
# LD_LIBRARY_PATH (drop-in, with /proc/PID/maps showing that no real OpenSSL
# is loaded), against the openssl and gnutls command-line peers both ways,
# and with a client that must reject the server's certificate.
# Everything stays on 127.0.0.1 and every wait is bounded.
set -u
top=${CACHET_TOP_SRCDIR:?}
build=${CACHET_TOP_BUILDDIR:?}
shim=$build/compat/.libs
shim_real=$(cd "$shim" && pwd -P)
pki=$top/tests/pki/p256
work=$(mktemp -d)
started=()  # PIDs of the `timeout` wrappers this script started
cleanup() {
  local p
  for p in "${started[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "${CACHET_KEEP_WORK:-}" ] && echo "# kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
for tool in gcc openssl gnutls-cli gnutls-serv ss; do
  command -v "$tool" >/dev/null || { echo "missing $tool (scripts/deps installs it)"; exit 99; }
done
failures=0
result() {  # result NAME STATUS [file to show on failure]
  if [ "$2" -eq 0 ]; then echo "CASE PASS: $1"; else
    echo "CASE FAIL: $1"; failures=$((failures + 1)); [ -n "${3:-}" ] && head -60 "$3"; fi
}
CFLAGS="-std=gnu11 -Wall -Wextra -Werror"
SRTP_LABEL=EXTRACTOR-dtls_srtp

# --- a. builds -----------------------------------------------------------
build_all() {  # build_all FLAVOUR COMPILER-ARGS...
  local flavour=$1 p rc=0; shift
  for p in server client; do
    gcc ${CACHET_SAN_CFLAGS-} $CFLAGS -o "$work/$flavour-$p" "$top/examples/dtls_echo_$p.c" "$@" >>"$work/$flavour.build.log" 2>&1 || rc=1
  done
  return $rc
}
: >"$work/real.build.log"; : >"$work/relinked.build.log"; : >"$work/cachet.build.log"
build_all real -lssl -lcrypto
result "examples/build-against-openssl-3.0-headers-and-libraries" $? "$work/real.build.log"
build_all relinked -L"$shim" -lssl -lcrypto -Wl,-rpath,"$shim:$build/.libs"
result "examples/build-against-openssl-headers-relinked-against-cachet" $? "$work/relinked.build.log"
build_all cachet -I"$top/compat/include" -L"$shim" -lssl -lcrypto -Wl,-rpath,"$shim:$build/.libs"
result "examples/build-against-cachet-headers-warning-free" $? "$work/cachet.build.log"

# Every symbol the OpenSSL-built programs import from libssl.so.3 and
# libcrypto.so.3 is exported by Cachet at OPENSSL_3.0.0.
objdump -T "$work/real-server" "$work/real-client" | awk '/\*UND\*/ && /OPENSSL_3\.0\.0/ {print $NF}' |
  sort -u >"$work/imports"
{ objdump -T "$shim/libssl.so.3"; objdump -T "$shim/libcrypto.so.3"; } |
  awk '!/\*UND\*/ && /OPENSSL_3\.0\.0/ {print $NF}' | sort -u >"$work/exports"
comm -23 "$work/imports" "$work/exports" >"$work/missing"
result "examples/every-import-exported-at-OPENSSL_3.0.0 ($(wc -l <"$work/imports") symbols)" \
  $([ -s "$work/imports" ] && [ ! -s "$work/missing" ]; echo $?) "$work/missing"

# --- helpers ---------------------------------------------------------------
# start NAME CMD...: runs CMD (bounded by timeout) in the background with
# output in $work/NAME.out and .err; sets $pid to the program's own PID and
# $tpid to the timeout wrapper's.
start() {
  local name=$1; shift
  timeout 30 "$@" >"$work/$name.out" 2>"$work/$name.err" &
  tpid=$!
  started+=("$tpid")
  pid=$(child_of "$tpid")
}
# child_of PID: the PID of its (first) child process, once there is one.
child_of() {
  local i c rest
  for i in $(seq 100); do
    c=""
    read -r c rest <"/proc/$1/task/$1/children" 2>/dev/null
    [ -n "$c" ] && { echo "$c"; return; }
    sleep 0.01
  done
}
# wait_line FILE REGEX: until FILE has a line matching REGEX (at most 5 s).
wait_line() {
  local i
  for i in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  return 1
}
# start_server NAME [ENV...] -- BINARY ARGS: an example server on a free port; sets $port.
start_server() {
  local name=$1; shift
  start "$name" "$@" -p 0
  port=""
  wait_line "$work/$name.out" '^listening on ' &&
    port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/$name.out")
  [ -n "$port" ]
}
# A UDP port nothing listens on, for the command-line servers.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    ss -Hlun "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
  done
}
wait_udp_listener() {  # wait_udp_listener PORT (at most 5 s)
  local i
  for i in $(seq 100); do ss -Hlun "sport = :$1" | grep -q . && return 0; sleep 0.05; done
  return 1
}
# maps_on_cachet PID: the process has Cachet's libssl.so.3 and libcrypto.so.3
# mapped and nothing from a system libssl/libcrypto.
maps_on_cachet() {
  local maps=$work/maps.$1
  cp "/proc/$1/maps" "$maps" 2>/dev/null && grep -q . "$maps" || return 1
  grep -q " $shim_real/libssl\.so\.3" "$maps" && grep -q " $shim_real/libcrypto\.so\.3" "$maps" &&
    ! grep -E ' /(usr/)?lib[^ ]*/lib(ssl|crypto)\.so' "$maps"
}
# maps_on_openssl PID: the control really runs on the system's OpenSSL.
maps_on_openssl() {
  grep -Eq ' /(usr/)?lib[^ ]*/libssl\.so\.3' "/proc/$1/maps" 2>/dev/null &&
    ! grep -q "$shim_real" "/proc/$1/maps"
}
field() {  # field NAME LINE: the value of NAME=... in LINE
  sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"
}
# check_clients SERVER-NAME CLIENT-NAME...: every client echoed all its
# messages and exited 0; the server printed, for that client's address, the
# same version, cipher, SRTP profile and exporter; the profile is
# SRTP_AES128_CM_SHA1_80 and the exporter 60 bytes. (Builtins only: forks are
# slow on a busy machine.)
check_clients() {
  local server=$1 c l line sline echoed status local_addr; shift
  local -a slines clines
  mapfile -t slines <"$work/$server.out"
  for c in "$@"; do
    read -r status <"$work/$c.rc"
    [ "$status" = 0 ] || { echo "$c: exit status $status"; cat "$work/$c.err"; return 1; }
    mapfile -t clines <"$work/$c.out"
    line="" echoed=""
    for l in "${clines[@]}"; do
      case $l in "handshake "*) line=$l ;; "echoed "*) echoed=$l ;; esac
    done
    [[ $echoed =~ ^echoed\ ([0-9]+)\ of\ ([0-9]+)\ messages$ && ${BASH_REMATCH[1]} = "${BASH_REMATCH[2]}" ]] ||
      { echo "$c: echo incomplete: $echoed"; return 1; }
    [[ $line =~ \ local=([^ ]+)\  ]] || { echo "$c: no handshake line"; return 1; }
    local_addr=${BASH_REMATCH[1]} sline=""
    for l in "${slines[@]}"; do [[ $l == "handshake client="*" peer=$local_addr "* ]] && sline=$l; done
    [ -n "$sline" ] || { echo "$c: server has no handshake line for $local_addr"; return 1; }
    [ "${line#* version=}" = "${sline#* version=}" ] ||
      { echo "$c: the sides differ:"; echo "  client: $line"; echo "  server: $sline"; return 1; }
    [[ $line =~ \ srtp=SRTP_AES128_CM_SHA1_80\  ]] || { echo "$c: SRTP profile: $line"; return 1; }
    [[ $line =~ \ keymat=[0-9A-F]{120}$ ]] || { echo "$c: exporter not 60 bytes: $line"; return 1; }
    echo "$c: version=${line#* version=} (same on both sides)"
  done
}
# run_pair LABEL SERVER-BINARY CLIENT-BINARY MAPS-CHECK [ENV...]: a server for
# four clients: three at once (each pausing between messages, so they
# overlap) and one after them. Writes $work/LABEL.check.
run_pair() {
  local label=$1 server=$2 client=$3 maps=$4 rc=0 i; shift 4
  local envs=("$@")
  {
    start_server "$label-server" env "${envs[@]}" "$server" -c "$pki/server-chain.pem" -k "$pki/server.key" -n 4 ||
      { echo "server did not start"; cat "$work/$label-server.err"; return 1; }
    local spid=$pid
    $maps "$spid" || { echo "server maps:"; cat "$work/maps.$spid" 2>/dev/null || cat "/proc/$spid/maps"; rc=1; }
    local cpids=()
    for i in 1 2 3; do
      timeout 20 env "${envs[@]}" "$client" -p "$port" -C "$pki/root.pem" -N server.example -n 4 -d 250 \
        >"$work/$label-c$i.out" 2>"$work/$label-c$i.err" &
      cpids+=($!)
    done
    # While the clients run (each for 750 ms after its handshake): their maps too.
    local cp
    cp=$(child_of "${cpids[0]}")
    wait_line "$work/$label-c1.out" '^handshake ' || true
    if [ -n "$cp" ] && grep -q . "/proc/$cp/maps" 2>/dev/null; then
      $maps "$cp" || { echo "client maps wrong:"; grep -E 'lib(ssl|crypto)' "/proc/$cp/maps"; rc=1; }
    else
      echo "client gone before its maps were read"; rc=1
    fi
    for i in 1 2 3; do wait "${cpids[i - 1]}"; echo $? >"$work/$label-c$i.rc"; done
    (timeout 20 env "${envs[@]}" "$client" -p "$port" -C "$pki/root.pem" -N 127.0.0.1 -n 2 \
      >"$work/$label-c4.out" 2>"$work/$label-c4.err"; echo $? >"$work/$label-c4.rc")
    wait "$tpid"; local src=$?
    [ $src -eq 0 ] || { echo "server exit status $src"; cat "$work/$label-server.err"; rc=1; }
    grep -q '^served 4 clients, 0 failed' "$work/$label-server.out" || { echo "server did not serve 4 clients"; rc=1; }
    # Concurrency: two or more handshakes before the first client left.
    [ "$(sed '/^closed /q' "$work/$label-server.out" | grep -c '^handshake ')" -ge 2 ] ||
      { echo "clients were not served concurrently"; rc=1; }
    check_clients "$label-server" "$label-c1" "$label-c2" "$label-c3" "$label-c4" || rc=1
    echo "--- server output"; cat "$work/$label-server.out"
    return $rc
  } >"$work/$label.check" 2>&1
}

# --- b, c. the examples against each other ----------------------------------
run_pair control "$work/real-server" "$work/real-client" maps_on_openssl
result "examples/openssl-server-and-clients-on-openssl-3.0 (control: 4 clients, 3 at once, same SRTP keys)" $? \
  "$work/control.check"
run_pair relinked "$work/relinked-server" "$work/relinked-client" maps_on_cachet
result "examples/relinked-server-and-clients-on-cachet (4 clients, 3 at once, same SRTP keys, maps show only Cachet)" $? \
  "$work/relinked.check"
run_pair cachet-headers "$work/cachet-server" "$work/cachet-client" maps_on_cachet
result "examples/cachet-header-builds-on-cachet (4 clients, 3 at once, same SRTP keys)" $? "$work/cachet-headers.check"
run_pair dropin "$work/real-server" "$work/real-client" maps_on_cachet LD_LIBRARY_PATH="$shim"
result "examples/drop-in-openssl-builds-on-cachet (LD_LIBRARY_PATH; 4 clients, 3 at once, same SRTP keys, no real OpenSSL mapped)" $? \
  "$work/dropin.check"

# --- d. exporter against OpenSSL in the same role, and the CLI peers -------
# One server, one client: prints the check log; returns the client's status.
one_client() {  # one_client LABEL SERVER-BINARY CLIENT-BINARY [CLIENT-ARGS...]
  local label=$1 server=$2 client=$3 rc=0; shift 3
  {
    start_server "$label-server" "$server" -c "$pki/server-chain.pem" -k "$pki/server.key" -n 1 ||
      { echo "server did not start"; return 1; }
    (timeout 15 "$client" -p "$port" -N server.example "$@" >"$work/$label-c.out" 2>"$work/$label-c.err"
      echo $? >"$work/$label-c.rc")
    wait "$tpid"; local src=$?
    echo "server exit status $src"
    cat "$work/$label-server.out" "$work/$label-server.err"
    return $src
  } >"$work/$label.check" 2>&1
}
one_client cachet-client-openssl-server "$work/real-server" "$work/relinked-client" -C "$pki/root.pem" &&
  check_clients cachet-client-openssl-server-server cachet-client-openssl-server-c >>"$work/cachet-client-openssl-server.check" 2>&1
result "examples/cachet-client-and-openssl-server-export-the-same-srtp-keys" $? "$work/cachet-client-openssl-server.check"
one_client openssl-client-cachet-server "$work/relinked-server" "$work/real-client" -C "$pki/root.pem" &&
  check_clients openssl-client-cachet-server-server openssl-client-cachet-server-c >>"$work/openssl-client-cachet-server.check" 2>&1
result "examples/openssl-client-and-cachet-server-export-the-same-srtp-keys" $? "$work/openssl-client-cachet-server.check"

# Cachet server <-> openssl s_client, which prints its exporter.
s_client_case() {
  {
    start_server sc-server "$work/relinked-server" -c "$pki/server-chain.pem" -k "$pki/server.key" -n 1 ||
      { echo "server did not start"; return 1; }
    (echo "hello from s_client"; sleep 1) | timeout 15 openssl s_client -dtls1_2 -connect "127.0.0.1:$port" \
      -CAfile "$pki/root.pem" -verify_return_error -verify_hostname server.example \
      -use_srtp SRTP_AES128_CM_SHA1_80 -keymatexport $SRTP_LABEL -keymatexportlen 60 >"$work/sc.out" 2>&1
    echo "s_client exit status $?"
    wait "$tpid"; echo "server exit status $?"
    cat "$work/sc-server.out"
    local line km peer_km
    line=$(grep '^handshake ' "$work/sc-server.out")
    km=$(field keymat "$line")
    peer_km=$(sed -n 's/^ *Keying material: *\([0-9A-F]*\)$/\1/p' "$work/sc.out")
    echo "server keymat $km"; echo "s_client keymat $peer_km"
    [ -n "$km" ] && [ "$km" = "$peer_km" ] || { echo "exporters differ"; cat "$work/sc.out"; return 1; }
    grep -q '^SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80' "$work/sc.out" &&
      [ "$(field srtp "$line")" = SRTP_AES128_CM_SHA1_80 ] || { echo "SRTP profile differs"; return 1; }
    grep -q '^hello from s_client' "$work/sc.out" || { echo "no echo"; return 1; }
    grep -q '^closed client=1 .* messages=1 clean' "$work/sc-server.out" || { echo "not closed cleanly"; return 1; }
  } >"$work/sc.check" 2>&1
}
s_client_case
result "examples/cachet-server-and-openssl-s_client (echo, SRTP profile, exporter equals s_client's)" $? "$work/sc.check"

# Cachet server <-> gnutls-cli, which prints its exporter.
gnutls_cli_case() {
  {
    start_server gc-server "$work/relinked-server" -c "$pki/server-chain.pem" -k "$pki/server.key" -n 1 ||
      { echo "server did not start"; return 1; }
    (echo "hello from gnutls-cli"; sleep 1) | timeout 15 gnutls-cli --udp -p "$port" --x509cafile "$pki/root.pem" \
      --srtp-profiles=SRTP_AES128_CM_HMAC_SHA1_80 --keymatexport=$SRTP_LABEL --keymatexportsize=60 \
      127.0.0.1 >"$work/gc.out" 2>&1
    echo "gnutls-cli exit status $?"
    wait "$tpid"; echo "server exit status $?"
    cat "$work/gc-server.out"
    local line km peer_km
    line=$(grep '^handshake ' "$work/gc-server.out")
    km=$(field keymat "$line")
    peer_km=$(sed -n 's/^- Key material: *\([0-9a-fA-F]*\)$/\1/p' "$work/gc.out" | tr a-f A-F)
    echo "server keymat $km"; echo "gnutls-cli keymat $peer_km"
    [ -n "$km" ] && [ "$km" = "$peer_km" ] || { echo "exporters differ"; cat "$work/gc.out"; return 1; }
    grep -q '^- SRTP profile: SRTP_AES128_CM_HMAC_SHA1_80' "$work/gc.out" &&
      [ "$(field srtp "$line")" = SRTP_AES128_CM_SHA1_80 ] || { echo "SRTP profile differs"; return 1; }
    grep -q '^hello from gnutls-cli' "$work/gc.out" || { echo "no echo"; return 1; }
    grep -q '^closed client=1 .* messages=1 clean' "$work/gc-server.out" || { echo "not closed cleanly"; return 1; }
  } >"$work/gc.check" 2>&1
}
gnutls_cli_case
result "examples/cachet-server-and-gnutls-cli (echo, SRTP profile, exporter equals gnutls-cli's)" $? "$work/gc.check"

# openssl s_server <-> the drop-in client. s_server does not echo over DTLS
# and prints no exporter there (shared/INTEROP.md): the client only sends,
# s_server must print what it received, and the profile must be the one
# s_server allows; the exporter is compared with OpenSSL's own above.
s_server_case() {
  {
    local try p
    for try in 1 2 3; do
      p=$(free_port)
      mkfifo "$work/ss.in.$try"; exec 7<>"$work/ss.in.$try"
      timeout 20 openssl s_server -dtls1_2 -accept "127.0.0.1:$p" -cert "$pki/server.pem" -cert_chain "$pki/int.pem" \
        -key "$pki/server.key" -naccept 1 -use_srtp SRTP_AES128_CM_SHA1_80 -keymatexport $SRTP_LABEL \
        -keymatexportlen 60 <&7 >"$work/ss.out" 2>&1 &
      tpid=$!; started+=("$tpid")
      wait_udp_listener "$p" && break
      exec 7>&-; kill "$tpid" 2>/dev/null
    done
    (timeout 15 env LD_LIBRARY_PATH="$shim" "$work/real-client" -p "$p" -C "$pki/root.pem" -N server.example -x -n 0 \
      "first line to s_server" "second line to s_server" >"$work/ss-c.out" 2>"$work/ss-c.err"; echo $? >"$work/ss-c.rc")
    wait "$tpid"; echo "s_server exit status $?"; exec 7>&-
    cat "$work/ss-c.out" "$work/ss-c.err"
    [ "$(cat "$work/ss-c.rc")" = 0 ] || { echo "client failed"; cat "$work/ss.out"; return 1; }
    grep -q '^sent 2 of 2 messages' "$work/ss-c.out" || return 1
    [ "$(field srtp "$(grep '^handshake ' "$work/ss-c.out")")" = SRTP_AES128_CM_SHA1_80 ] || return 1
    [[ $(field keymat "$(grep '^handshake ' "$work/ss-c.out")") =~ ^[0-9A-F]{120}$ ]] || return 1
    grep -q 'first line to s_server' "$work/ss.out" && grep -q 'second line to s_server' "$work/ss.out" ||
      { echo "s_server did not receive the lines"; cat "$work/ss.out"; return 1; }
  } >"$work/ss.check" 2>&1
}
s_server_case
result "examples/drop-in-client-and-openssl-s_server (data delivered, SRTP_AES128_CM_SHA1_80, 60-byte exporter)" $? \
  "$work/ss.check"

# gnutls-serv --echo <-> the relinked client (echoes checked).
gnutls_serv_case() {
  {
    local try p
    for try in 1 2 3; do
      p=$(free_port)
      timeout 20 gnutls-serv --udp -p "$p" --x509certfile "$pki/server-chain.pem" --x509keyfile "$pki/server.key" \
        --echo --disable-client-cert --srtp-profiles=SRTP_AES128_CM_HMAC_SHA1_80 </dev/null >"$work/gs.out" 2>&1 &
      tpid=$!; started+=("$tpid")
      wait_udp_listener "$p" && break
      kill "$tpid" 2>/dev/null
    done
    (timeout 15 "$work/relinked-client" -p "$p" -C "$pki/root.pem" -N server.example -n 3 \
      >"$work/gs-c.out" 2>"$work/gs-c.err"; echo $? >"$work/gs-c.rc")
    kill "$tpid" 2>/dev/null; wait "$tpid"
    cat "$work/gs-c.out" "$work/gs-c.err"
    [ "$(cat "$work/gs-c.rc")" = 0 ] || { echo "client failed"; cat "$work/gs.out"; return 1; }
    grep -q '^echoed 3 of 3 messages' "$work/gs-c.out" || return 1
    [ "$(field srtp "$(grep '^handshake ' "$work/gs-c.out")")" = SRTP_AES128_CM_SHA1_80 ] || return 1
    [[ $(field keymat "$(grep '^handshake ' "$work/gs-c.out")") =~ ^[0-9A-F]{120}$ ]] || return 1
  } >"$work/gs.check" 2>&1
}
gnutls_serv_case
result "examples/relinked-client-and-gnutls-serv (3 echoes, SRTP_AES128_CM_SHA1_80, 60-byte exporter)" $? "$work/gs.check"

# --- e. a client that must reject the server --------------------------------
# Wrong CA, then the right CA with the wrong name: exit 1 and the same
# verify error on Cachet as on OpenSSL.
bad_clients() {  # bad_clients LABEL SERVER CLIENT [ENV...]
  local label=$1 server=$2 client=$3 rc=0; shift 3
  {
    start_server "$label-server" env "$@" "$server" -c "$pki/server-chain.pem" -k "$pki/server.key" -n 2 ||
      { echo "server did not start"; return 1; }
    timeout 15 env "$@" "$client" -p "$port" -C "$top/tests/pki/p384/root.pem" -N server.example -n 1 \
      >"$work/$label-ca.out" 2>"$work/$label-ca.err"
    echo "wrong CA: exit status $?"
    timeout 15 env "$@" "$client" -p "$port" -C "$pki/root.pem" -N other.example -n 1 \
      >"$work/$label-name.out" 2>"$work/$label-name.err"
    echo "wrong name: exit status $?"
    wait "$tpid"; echo "server exit status $?"
    grep -h '^verify error' "$work/$label-ca.err" "$work/$label-name.err"
    grep -q '^handshake ' "$work/$label-ca.out" "$work/$label-name.out" && { echo "a handshake completed"; rc=1; }
    cat "$work/$label-server.out"
    return $rc
  } >"$work/$label.check" 2>&1
}
bad_clients bad-openssl "$work/real-server" "$work/real-client"
grep -h '^verify error' "$work/bad-openssl-ca.err" "$work/bad-openssl-name.err" >"$work/bad-openssl.verify"
bad_clients bad-relinked "$work/relinked-server" "$work/relinked-client"
rc_relinked=$?
bad_clients bad-dropin "$work/real-server" "$work/real-client" LD_LIBRARY_PATH="$shim"
rc_dropin=$?
(
  echo "OpenSSL:"; cat "$work/bad-openssl.check"
  for label in bad-relinked bad-dropin; do
    echo "$label:"; cat "$work/$label.check"
    grep -h '^verify error' "$work/$label-ca.err" "$work/$label-name.err" | diff "$work/bad-openssl.verify" - || exit 1
    grep -q '^wrong CA: exit status 1$' "$work/$label.check" && grep -q '^wrong name: exit status 1$' "$work/$label.check" ||
      exit 1
  done
  grep -q '^verify error: unable to get local issuer certificate (20)' "$work/bad-openssl.verify" &&
    grep -q '^verify error: hostname mismatch (62)' "$work/bad-openssl.verify"
) >"$work/bad.check" 2>&1
status=$?
[ $rc_relinked -eq 0 ] && [ $rc_dropin -eq 0 ] || status=1
result "examples/client-rejects-wrong-ca-and-wrong-name-as-on-openssl (exit 1, same verify errors, relinked and drop-in)" \
  $status "$work/bad.check"

echo "# $failures failed, ${SECONDS} s"
[ $failures -eq 0 ]
