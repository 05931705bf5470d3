#!/usr/bin/env bash
# GStreamer's DTLS-SRTP elements (Debian's gstreamer1.0-plugins-bad, unchanged)
# on Cachet's libssl.so.3/libcrypto.so.3 through the dynamic loader alone.
#
# Two gst-launch-1.0 processes on 127.0.0.1, each with a dtlssrtpenc and a
# dtlssrtpdec sharing one connection-id (one DTLS association per process
# pair): the client side (is-client=true) and the server side exchange the
# DTLS handshake, derive SRTP keys from it (RFC 5764 §4.2) and send A-law RTP
# both ways as SRTP (AES_CM_128_HMAC_SHA1_80). Each decoder's fakesink must
# receive 50 RTP packets of 1036 bytes: srtpdec drops any packet whose
# authentication tag does not verify, so a packet there proves both ends
# derived the same keys. Run three ways — both on Cachet, server on Cachet with
# the client on the system's OpenSSL 3.0, and the reverse — and, while they
# run, /proc/PID/maps proves which libssl each process mapped.
# Also: every symbol libgstdtls.so imports from libssl/libcrypto is exported by
# Cachet at OPENSSL_3.0.0.
set -u
top=${CACHET_TOP_SRCDIR:?}
build=${CACHET_TOP_BUILDDIR:?}
shim=$(cd "$build/compat/.libs" && pwd)
work=$(mktemp -d)
pids=()
declare -A pid_of
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
failures=0
result() {  # result NAME STATUS [file to show on failure]
  if [ "$2" -eq 0 ]; then echo "CASE PASS: $1"; else
    echo "CASE FAIL: $1"; failures=$((failures + 1)); [ -n "${3:-}" ] && tail -40 "$3"; fi
}
# Keep GStreamer's registry inside the test (a fresh scan, nothing shared).
export GST_REGISTRY_1_0=$work/registry.bin XDG_CACHE_HOME=$work/cache

plugin=$(find /usr/lib /lib -name libgstdtls.so -path '*gstreamer-1.0*' 2>/dev/null | head -1)
{ [ -n "$plugin" ] && command -v gst-launch-1.0 && gst-inspect-1.0 dtlssrtpenc && gst-inspect-1.0 dtlssrtpdec; } \
  >"$work/inspect.log" 2>&1
result "compat-gstreamer/dtlssrtpenc-and-dtlssrtpdec-present (${plugin:-no libgstdtls.so})" $? "$work/inspect.log"
[ -n "$plugin" ] || exit 1

# Every libssl/libcrypto import of the plugin is exported at OPENSSL_3.0.0.
objdump -T "$plugin" | awk '/\*UND\*/ && /OPENSSL_3\.0\.0/ {print $NF}' | sort -u >"$work/imports"
{ objdump -T "$shim/libssl.so.3"; objdump -T "$shim/libcrypto.so.3"; } |
  awk '!/\*UND\*/ && /OPENSSL_3\.0\.0/ {print $NF}' | sort -u >"$work/exports"
comm -23 "$work/imports" "$work/exports" >"$work/missing"
result "compat-gstreamer/every-libgstdtls-import-exported-at-OPENSSL_3.0.0 ($(wc -l <"$work/imports") symbols)" \
  $([ -s "$work/imports" ] && [ ! -s "$work/missing" ]; echo $?) "$work/missing"

free_port() {  # a UDP port nobody is bound to
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    ss -Hlun "sport = :$p" | grep -q . || ss -Hlun "sport = :$((p + 1))" | grep -q . || { echo "$p"; return; }
  done
}

# side NAME LIBDIR IS_CLIENT LISTEN_PORT PEER_PORT MY_SSRC PEER_SSRC — one gst-launch-1.0 in the background.
side() {
  local name=$1 libdir=$2 client=$3 lport=$4 pport=$5 ssrc=$6 pssrc=$7
  local srtp="application/x-srtp,media=(string)audio,clock-rate=(int)8000,encoding-name=(string)PCMA,payload=(int)8,ssrc=(uint)$pssrc"
  local rtp="application/x-rtp,media=(string)audio,clock-rate=(int)8000,encoding-name=(string)PCMA,payload=(int)8,ssrc=(uint)$ssrc"
  # A sanitizer build's shim needs its runtime loaded first in this
  # uninstrumented program (GStreamer's own leaks are not ours to report).
  local san=()
  [ -n "$libdir" ] && [ -n "${CACHET_SAN_PRELOAD-}" ] &&
    san=(LD_PRELOAD="$CACHET_SAN_PRELOAD" ASAN_OPTIONS=detect_leaks=0)
  env ${libdir:+LD_LIBRARY_PATH=$libdir} "${san[@]}" gst-launch-1.0 -v \
    udpsrc address=127.0.0.1 port="$lport" ! "$srtp" ! dtlssrtpdec connection-id="$name" ! fakesink silent=false num-buffers=50 \
    dtlssrtpenc name=enc connection-id="$name" is-client="$client" ! udpsink host=127.0.0.1 port="$pport" sync=false async=false \
    audiotestsrc is-live=true num-buffers=400 ! audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay ! "$rtp" ! enc.rtp_sink_0 \
    >"$work/$name.log" 2>&1 &
  pids+=($!)
  pid_of[$name]=$!
}
received() { grep -c 'last-message = chain.*(1036 bytes' "$work/$1.log"; }
# maps_check NAME EXPECT(cachet|openssl)
maps_check() {
  local name=$1 expect=$2 pid
  pid=${pid_of[$name]}
  grep -oE '/[^ ]*lib(ssl|crypto)\.so[^ ]*' "/proc/$pid/maps" 2>/dev/null | sort -u >"$work/$name.maps"
  if [ "$expect" = cachet ]; then
    grep -qx "$shim/libssl.so.3.0.0" "$work/$name.maps" && grep -qx "$shim/libcrypto.so.3.0.0" "$work/$name.maps" &&
      ! grep -qv "^$shim/" "$work/$name.maps"
  else
    grep -q '^/usr/lib/.*/libssl.so.3$' "$work/$name.maps" && ! grep -q "^$shim/" "$work/$name.maps"
  fi
}

run_pair() {  # run_pair LABEL SERVER_STACK CLIENT_STACK
  local label=$1 sstack=$2 cstack=$3 sdir= cdir= p1 p2 deadline s c
  [ "$sstack" = cachet ] && sdir=$shim
  [ "$cstack" = cachet ] && cdir=$shim
  p1=$(free_port); p2=$((p1 + 1))
  side "srv_$label" "$sdir" false "$p1" "$p2" 222 111
  sleep 0.3
  side "cli_$label" "$cdir" true "$p2" "$p1" 111 222
  deadline=$((SECONDS + 30))
  while [ $SECONDS -lt $deadline ]; do
    s=$(received "srv_$label"); c=$(received "cli_$label")
    [ "$s" -ge 50 ] && [ "$c" -ge 50 ] && break
    sleep 0.2
  done
  maps_check "srv_$label" "$sstack"; local ms=$?
  maps_check "cli_$label" "$cstack"; local mc=$?
  kill "${pid_of[srv_$label]}" "${pid_of[cli_$label]}" 2>/dev/null
  wait "${pid_of[srv_$label]}" "${pid_of[cli_$label]}" 2>/dev/null
  cat "$work/srv_$label.maps" "$work/cli_$label.maps" >"$work/$label.maps"
  result "compat-gstreamer/$label: server on $sstack maps $sstack's libssl, client on $cstack maps $cstack's" \
    $([ $ms -eq 0 ] && [ $mc -eq 0 ]; echo $?) "$work/$label.maps"
  s=$(received "srv_$label"); c=$(received "cli_$label")
  tail -n 20 "$work/srv_$label.log" "$work/cli_$label.log" 2>/dev/null | grep -v last-message >"$work/$label.tail"
  result "compat-gstreamer/$label: DTLS-SRTP handshake, 50 SRTP-protected RTP packets decrypted each way (server $s, client $c)" \
    $([ "$s" -ge 50 ] && [ "$c" -ge 50 ]; echo $?) "$work/$label.tail"
}

run_pair cachet-both cachet cachet
run_pair cachet-server-openssl-client cachet openssl
run_pair openssl-server-cachet-client openssl cachet
[ $failures -eq 0 ]
