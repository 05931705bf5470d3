# Shared helpers for the command-line interop tests and scripts/demo.
# Needs: CACHET (path to the cachet binary), PKI (tests/pki), WORK (temp dir).

next_port() {  # a UDP port on 127.0.0.1 no socket uses (bound or connected: -a)
  local p
  while :; do
    p=$(( 20000 + RANDOM % 30000 ))
    ss -Huan "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}

wait_udp() {  # wait_udp PORT: until something listens (max 5 s)
  local i
  for i in $(seq 50); do
    ss -Hlun "sport = :$1" | grep -q . && return 0
    sleep 0.1
  done
  return 1
}

# cachet server in the background; its stderr goes to $WORK/$name.server
start_cachet_server() {  # start_cachet_server NAME PORT ARGS...
  local name=$1 port=$2; shift 2
  timeout 30 "$CACHET" server --listen 127.0.0.1:"$port" --once --echo "$@" \
    >"$WORK/$name.server.out" 2>"$WORK/$name.server" &
  SERVER_PID=$!
  wait_udp "$port"
}

start_openssl_server() {  # start_openssl_server NAME PORT ARGS...
  local name=$1 port=$2; shift 2
  rm -f "$WORK/$name.fifo"; mkfifo "$WORK/$name.fifo"
  exec 7<>"$WORK/$name.fifo"
  echo "hello from s_server" >&7
  timeout 30 openssl s_server -dtls1_2 -accept 127.0.0.1:"$port" -naccept 1 "$@" <&7 \
    >"$WORK/$name.server" 2>&1 &
  SERVER_PID=$!
  wait_udp "$port"
}

start_gnutls_server() {  # start_gnutls_server NAME PORT ARGS...
  local name=$1 port=$2; shift 2
  timeout 30 gnutls-serv --udp -p "$port" --echo "$@" </dev/null >"$WORK/$name.server" 2>&1 &
  SERVER_PID=$!
  wait_udp "$port"
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  exec 7>&- 2>/dev/null
  true
}
