#!/usr/bin/env bash
# `cachet proxy` on 127.0.0.1: DTLS handshakes and data through its seeded
# impairments (loss, MTU, blackouts), with the cachet client and openssl
# s_client against the cachet server, and the statistics line the proxy prints
# on SIGINT.
# Each case prints "CASE PASS: name" or "CASE FAIL: name".
set -u
top=${CACHET_TOP_SRCDIR:?}
build=${CACHET_TOP_BUILDDIR:?}
CACHET=$build/tools/cachet
PKI=$top/tests/pki
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
. "$top/tests/interop/cli_lib.sh"

for tool in openssl ss; do
  command -v "$tool" >/dev/null || { echo "missing $tool (scripts/deps installs it)"; exit 99; }
done

failures=0
result() {  # result NAME CONDITION_STATUS [details file...]
  local name=$1 status=$2; shift 2
  if [ "$status" -eq 0 ]; then echo "CASE PASS: $name"; else
    echo "CASE FAIL: $name"; failures=$((failures + 1))
    local f; for f in "$@"; do echo "    | == $(basename "$f")"; sed 's/^/    | /' "$f" | tail -12; done
  fi
}

SERVER_CERT=(--cert "$PKI/p256/server-chain.pem" --key "$PKI/p256/server.key")
CLIENT_TRUST=(--ca "$PKI/p256/root.pem" --servername server.example)

start_proxy() {  # start_proxy NAME LISTEN_PORT TO_PORT ARGS...; stderr in $WORK/NAME.proxy
  local name=$1 listen=$2 to=$3; shift 3
  timeout 50 "$CACHET" proxy --listen 127.0.0.1:"$listen" --to 127.0.0.1:"$to" --duration 45 "$@" \
    2>"$WORK/$name.proxy" &
  PROXY_PID=$!
  wait_udp "$listen"
}

stop_proxy() {  # SIGINT, then the proxy's exit status in PROXY_RC
  kill -INT "$PROXY_PID" 2>/dev/null
  wait "$PROXY_PID"; PROXY_RC=$?
}

# A line every 0.5 s until one comes back echoed into OUTFILE: application
# data is not retransmitted, so under loss one line is not enough.
feed() {  # feed OUTFILE TAG
  local i
  for i in $(seq 30); do
    echo "ping $2 $i" || return
    sleep 0.5
    grep -q "ping $2" "$1" 2>/dev/null && break
  done
  sleep 0.3
}

stat_of() {  # stat_of NAME FIELD: a number from the proxy's stats line
  sed -n "s/.*stats.* $2=\([0-9]*\).*/\1/p" "$WORK/$1.proxy" | tail -1
}

# --- 1. cachet client -> proxy (20% loss) -> cachet server --------------------------
sport=$(next_port); pport=$(next_port)
start_cachet_server loss "$sport" "${SERVER_CERT[@]}"
start_proxy loss "$pport" "$sport" --loss 0.2 --seed 7
t0=$SECONDS
feed "$WORK/loss.client" loss | timeout 25 "$CACHET" client 127.0.0.1:"$pport" "${CLIENT_TRUST[@]}" --timeout 20 \
  >"$WORK/loss.client" 2>&1
rc=$?
stop_proxy
stop_server
[ $rc -eq 0 ] && grep -q "ping loss" "$WORK/loss.client"
result "proxy/cachet-loss-20" $? "$WORK/loss.client" "$WORK/loss.proxy" "$WORK/loss.server"
echo "    (case 1: $((SECONDS - t0)) s)"

# --- 4. the stats line of case 1 ------------------------------------------------------
lost=$(stat_of loss lost)
[ $PROXY_RC -eq 0 ] && [ -n "$lost" ] && [ "$lost" -gt 0 ] && [ "$(stat_of loss to_clients)" -gt 0 ]
result "proxy/stats-report-loss" $? "$WORK/loss.proxy"

# --- 2. openssl s_client -> proxy (20% loss) -> cachet server -----------------------
sport=$(next_port); pport=$(next_port)
start_cachet_server openssl "$sport" "${SERVER_CERT[@]}"
start_proxy openssl "$pport" "$sport" --loss 20% --seed 7
t0=$SECONDS
feed "$WORK/openssl.client" openssl | timeout 20 openssl s_client -dtls1_2 -connect 127.0.0.1:"$pport" \
  -CAfile "$PKI/p256/root.pem" -verify_return_error -verify_hostname server.example >"$WORK/openssl.client" 2>&1
stop_proxy
stop_server
grep -q "ping openssl" "$WORK/openssl.client"
result "proxy/openssl-client-loss-20" $? "$WORK/openssl.client" "$WORK/openssl.proxy" "$WORK/openssl.server"
echo "    (case 2: $((SECONDS - t0)) s)"

# --- 3. MTU: a 1400-byte flight cannot pass --mtu 300; 576 on every hop can ---------
sport=$(next_port); pport=$(next_port)
start_cachet_server mtu300 "$sport" "${SERVER_CERT[@]}"
start_proxy mtu300 "$pport" "$sport" --mtu 300
t0=$SECONDS
timeout 15 "$CACHET" client 127.0.0.1:"$pport" "${CLIENT_TRUST[@]}" --timeout 4 </dev/null >"$WORK/mtu300.client" 2>&1
rc=$?
elapsed=$((SECONDS - t0))
stop_proxy
stop_server
[ $rc -ne 0 ] && [ $elapsed -le 6 ] && grep -q "timed out" "$WORK/mtu300.client" && [ "$(stat_of mtu300 too_big)" -gt 0 ]
result "proxy/mtu-300-drops-handshake" $? "$WORK/mtu300.client" "$WORK/mtu300.proxy"

sport=$(next_port); pport=$(next_port)
start_cachet_server mtu576 "$sport" "${SERVER_CERT[@]}" --mtu 576
start_proxy mtu576 "$pport" "$sport" --mtu 576
feed "$WORK/mtu576.client" mtu576 | timeout 15 "$CACHET" client 127.0.0.1:"$pport" "${CLIENT_TRUST[@]}" --mtu 576 \
  --timeout 10 >"$WORK/mtu576.client" 2>&1
rc=$?
stop_proxy
stop_server
[ $rc -eq 0 ] && grep -q "ping mtu576" "$WORK/mtu576.client" && [ "$(stat_of mtu576 too_big)" -eq 0 ]
result "proxy/mtu-576-completes" $? "$WORK/mtu576.client" "$WORK/mtu576.proxy"
echo "    (case 3: $((SECONDS - t0)) s)"

# --- 5. periodic blackouts: dark for the first 800 ms of every 1300 ms -----------------
# The client starts inside the first outage (it begins when the proxy starts
# listening), so its first ClientHello is lost; its 1 s retransmission lands in
# the light, and pings lost to later outages are sent again by feed.
sport=$(next_port); pport=$(next_port)
start_cachet_server blackout "$sport" "${SERVER_CERT[@]}"
start_proxy blackout "$pport" "$sport" --blackout 1300:800 --seed 5
t0=$SECONDS
feed "$WORK/blackout.client" blackout | timeout 25 "$CACHET" client 127.0.0.1:"$pport" "${CLIENT_TRUST[@]}" \
  --timeout 20 >"$WORK/blackout.client" 2>&1
rc=$?
stop_proxy
stop_server
dark=$(stat_of blackout blacked_out)
[ $rc -eq 0 ] && grep -q "ping blackout" "$WORK/blackout.client" && [ -n "$dark" ] && [ "$dark" -gt 0 ]
result "proxy/blackout-drops-and-completes" $? "$WORK/blackout.client" "$WORK/blackout.proxy" "$WORK/blackout.server"
echo "    (case 5: $((SECONDS - t0)) s, blacked_out=$dark)"

# --blackout LENGTH must be shorter than PERIOD, both positive.
bad=0
for arg in 500:500 0:100 100:0 500 x:1; do
  "$CACHET" proxy --listen 127.0.0.1:0 --to 127.0.0.1:9 --blackout "$arg" --duration 1 2>"$WORK/badarg.proxy"
  [ $? -eq 1 ] && grep -q -- "--blackout wants" "$WORK/badarg.proxy" || { bad=1; echo "    --blackout $arg accepted"; }
done
result "proxy/blackout-argument-checked" $bad "$WORK/badarg.proxy"

echo "proxy test: $failures failed"
[ $failures -eq 0 ]
