#!/usr/bin/env bash
# Interop on 127.0.0.1 between the cachet command line and the real peers'
# command-line tools: openssl s_client/s_server (OpenSSL 3.0) and
# gnutls-cli/gnutls-serv (GnuTLS 3.7), both directions, per suite family,
# with cookies, client auth, SRTP key export, ALPN, SNI and a small MTU.
# Each case prints "CASE PASS: name" or "CASE FAIL: name" (the test driver
# counts them one by one).
set -u
top=${CACHET_TOP_SRCDIR:?}
build=${CACHET_TOP_BUILDDIR:?}
CACHET=$build/tools/cachet
PKI=$top/tests/pki
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
. "$top/tests/interop/cli_lib.sh"

for tool in openssl gnutls-cli gnutls-serv ss; do
  command -v "$tool" >/dev/null || { echo "missing $tool (scripts/deps installs it)"; exit 99; }
done

failures=0
result() {  # result NAME CONDITION_STATUS [details file]
  if [ "$2" -eq 0 ]; then echo "CASE PASS: $1"; else
    echo "CASE FAIL: $1"; failures=$((failures + 1))
    [ -n "${3:-}" ] && sed 's/^/    | /' "$3" | tail -15
  fi
}

PSK_HEX=000102030405060708090a0b0c0d0e0f

# For cases named group-*: the group Cachet reports must be that group.
group_ok() {  # group_ok NAME LOGFILE
  local want
  case ${1,,} in
    group-x25519|x25519-group) want=x25519 ;;
    group-p-256|group-p256|p256-group) want=secp256r1 ;;
    group-p-384|group-p384|p384-group) want=secp384r1 ;;
    *) return 0 ;;
  esac
  grep -q "group: $want" "$2"
}

# --- openssl s_client -> cachet server ------------------------------------------
openssl_client_case() {  # NAME KEYDIR SUITE [extra server args] -- [extra client args]
  local name=$1 dir=$2 suite=$3; shift 3
  local sargs=() cargs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  cargs=("$@")
  local port; port=$(next_port)
  local cert=(--cert "$PKI/$dir/server-chain.pem" --key "$PKI/$dir/server.key")
  [ "$dir" = psk ] && cert=()
  start_cachet_server "$name" "$port" "${cert[@]}" --ciphers "$suite" "${sargs[@]}"
  (echo "ping $name"; sleep 1) | timeout 15 openssl s_client -dtls1_2 -connect 127.0.0.1:"$port" \
      -cipher "$suite" "${cargs[@]}" >"$WORK/$name.client" 2>&1
  wait "$SERVER_PID" 2>/dev/null
  grep -q "ping $name" "$WORK/$name.client" && grep -q "suite: $suite" "$WORK/$name.server" && group_ok "$name" "$WORK/$name.server"
  result "openssl-client/$name" $? "$WORK/$name.server"
}

verify_args=(-verify_return_error -verify_hostname server.example)
openssl_client_case ecdsa-aes128gcm p256 ECDHE-ECDSA-AES128-GCM-SHA256 -- -CAfile "$PKI/p256/root.pem" "${verify_args[@]}"
openssl_client_case ecdsa-aes256gcm p384 ECDHE-ECDSA-AES256-GCM-SHA384 -- -CAfile "$PKI/p384/root.pem" "${verify_args[@]}"
openssl_client_case ecdsa-chacha p256 ECDHE-ECDSA-CHACHA20-POLY1305 -- -CAfile "$PKI/p256/root.pem" "${verify_args[@]}"
openssl_client_case ecdsa-ccm p256 ECDHE-ECDSA-AES128-CCM -- -CAfile "$PKI/p256/root.pem"
openssl_client_case ecdsa-ccm8 p256 ECDHE-ECDSA-AES128-CCM8 -- -CAfile "$PKI/p256/root.pem"
openssl_client_case rsa-aes128gcm rsa2048 ECDHE-RSA-AES128-GCM-SHA256 -- -CAfile "$PKI/rsa2048/root.pem" "${verify_args[@]}"
openssl_client_case rsa-chacha rsa2048 ECDHE-RSA-CHACHA20-POLY1305 -- -CAfile "$PKI/rsa2048/root.pem"
# In DTLS 1.2 the client's groups also name the curves it accepts in the
# server's ECDSA certificate (RFC 8422 §5.1.1): P-256 rides along.
# (The server picks by its own preference, so it is given the group first.)
for g in X25519:P-256 P-256 P-384:P-256; do
  openssl_client_case "group-${g%%:*}" p256 ECDHE-ECDSA-AES128-GCM-SHA256 --groups "$g" -- -CAfile "$PKI/p256/root.pem" -groups "$g"
done
openssl_client_case psk-aes128gcm psk PSK-AES128-GCM-SHA256 --psk-identity client1 --psk $PSK_HEX -- -psk_identity client1 -psk $PSK_HEX
openssl_client_case psk-ccm8 psk PSK-AES128-CCM8 --psk-identity client1 --psk $PSK_HEX -- -psk_identity client1 -psk $PSK_HEX
openssl_client_case psk-chacha psk PSK-CHACHA20-POLY1305 --psk-identity client1 --psk $PSK_HEX -- -psk_identity client1 -psk $PSK_HEX
openssl_client_case ecdhe-psk-chacha psk ECDHE-PSK-CHACHA20-POLY1305 --psk-identity client1 --psk $PSK_HEX -- -psk_identity client1 -psk $PSK_HEX
openssl_client_case client-auth p256 ECDHE-ECDSA-AES128-GCM-SHA256 --ca "$PKI/p256/root.pem" --verify-client -- \
  -CAfile "$PKI/p256/root.pem" -cert "$PKI/p256/client.pem" -cert_chain "$PKI/p256/int.pem" -key "$PKI/p256/client.key"
openssl_client_case mtu-576 p256 ECDHE-ECDSA-AES128-GCM-SHA256 --mtu 576 -- -CAfile "$PKI/p256/root.pem" -mtu 576
openssl_client_case alpn-sni p256 ECDHE-ECDSA-AES128-GCM-SHA256 --alpn h2,webrtc -- -CAfile "$PKI/p256/root.pem" -alpn webrtc -servername server.example

# Refusals: a client offering only CBC suites gets handshake_failure (40); a
# DTLS 1.0-only client gets protocol_version (70). Both fail with a clear
# local error on our side.
refusal_case() {  # NAME EXPECTED_ALERT OPENSSL_ARGS...
  local name=$1 alert=$2; shift 2
  local port; port=$(next_port)
  start_cachet_server "$name" "$port" --cert "$PKI/p256/server-chain.pem" --key "$PKI/p256/server.key"
  (echo ping; sleep 1) | timeout 15 openssl s_client -connect 127.0.0.1:"$port" "$@" >"$WORK/$name.client" 2>&1
  local client_rc=$?
  wait "$SERVER_PID" 2>/dev/null
  [ $client_rc -ne 0 ] && grep -q "event: failed" "$WORK/$name.server" && grep -q "sent alert $alert" "$WORK/$name.server"
  result "openssl-client/$name" $? "$WORK/$name.server"
}
refusal_case cbc-only-refused 40 -dtls1_2 -cipher AES128-SHA:AES256-SHA -CAfile "$PKI/p256/root.pem"
refusal_case dtls10-refused 70 -dtls1 -cipher 'DEFAULT:@SECLEVEL=0' -CAfile "$PKI/p256/root.pem"

# SRTP and the exporter: the profile and the 60 bytes of EXTRACTOR-dtls_srtp
# keying material must be identical on both sides.
port=$(next_port)
start_cachet_server srtp "$port" --cert "$PKI/p256/server-chain.pem" --key "$PKI/p256/server.key" \
  --srtp SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80 --export EXTRACTOR-dtls_srtp:60
(echo ping; sleep 1) | timeout 15 openssl s_client -dtls1_2 -connect 127.0.0.1:"$port" -CAfile "$PKI/p256/root.pem" \
  -use_srtp SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM -keymatexport EXTRACTOR-dtls_srtp -keymatexportlen 60 \
  >"$WORK/srtp.client" 2>&1
wait "$SERVER_PID" 2>/dev/null
theirs=$(sed -n 's/^ *Keying material: *//p' "$WORK/srtp.client" | tr 'A-F' 'a-f')
ours=$(sed -n 's/.*keying_material: //p' "$WORK/srtp.server")
profile_ok=1; grep -q "SRTP Extension negotiated, profile=SRTP_AEAD_AES_128_GCM" "$WORK/srtp.client" && grep -q "srtp_profile: SRTP_AEAD_AES_128_GCM" "$WORK/srtp.server" && profile_ok=0
[ -n "$ours" ] && [ "$ours" = "$theirs" ] && [ $profile_ok -eq 0 ]
result "openssl-client/srtp-export-equal" $? "$WORK/srtp.client"

# --- cachet client -> openssl s_server -listen (stateless cookie path) -----------------
cachet_client_vs_openssl() {  # NAME KEYDIR SUITE [server args] -- [client args]
  local name=$1 dir=$2 suite=$3; shift 3
  local sargs=() cargs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  cargs=("$@")
  local port; port=$(next_port)
  local cert=(-cert "$PKI/$dir/server.pem" -cert_chain "$PKI/$dir/int.pem" -key "$PKI/$dir/server.key")
  [ "$dir" = psk ] && cert=(-nocert)
  start_openssl_server "$name" "$port" -listen "${cert[@]}" -cipher "$suite" "${sargs[@]}"
  (echo "ping $name"; sleep 1) | timeout 15 "$CACHET" client 127.0.0.1:"$port" --ciphers "$suite" "${cargs[@]}" \
      >"$WORK/$name.client" 2>&1
  local rc=$?
  stop_server
  [ $rc -eq 0 ] && grep -q "hello from s_server" "$WORK/$name.client" && grep -q "ping $name" "$WORK/$name.server" \
    && grep -q "suite: $suite" "$WORK/$name.client" && group_ok "$name" "$WORK/$name.client"
  result "cachet-client-vs-openssl/$name" $? "$WORK/$name.client"
}
cachet_client_vs_openssl ecdsa-aes128gcm p256 ECDHE-ECDSA-AES128-GCM-SHA256 -- --ca "$PKI/p256/root.pem" --servername server.example
cachet_client_vs_openssl ecdsa-chacha p256 ECDHE-ECDSA-CHACHA20-POLY1305 -- --ca "$PKI/p256/root.pem" --servername server.example
cachet_client_vs_openssl ecdsa-ccm8 p256 ECDHE-ECDSA-AES128-CCM8 -- --ca "$PKI/p256/root.pem" --servername server.example
cachet_client_vs_openssl rsa-aes256gcm rsa2048 ECDHE-RSA-AES256-GCM-SHA384 -- --ca "$PKI/rsa2048/root.pem" --servername server.example
cachet_client_vs_openssl psk psk PSK-AES128-GCM-SHA256 -psk_identity client1 -psk $PSK_HEX -- --psk-identity client1 --psk $PSK_HEX
cachet_client_vs_openssl client-auth p256 ECDHE-ECDSA-AES128-GCM-SHA256 -Verify 1 -CAfile "$PKI/p256/root.pem" -- \
  --ca "$PKI/p256/root.pem" --servername server.example --cert "$PKI/p256/client-chain.pem" --key "$PKI/p256/client.key"
cachet_client_vs_openssl group-x25519 p256 ECDHE-ECDSA-AES128-GCM-SHA256 -groups X25519:P-256 -- --ca "$PKI/p256/root.pem" --servername server.example --groups X25519:P-256
cachet_client_vs_openssl group-p256 p256 ECDHE-ECDSA-AES128-GCM-SHA256 -groups P-256 -- --ca "$PKI/p256/root.pem" --servername server.example --groups P-256
cachet_client_vs_openssl group-p384 p256 ECDHE-ECDSA-AES128-GCM-SHA256 -groups P-384:P-256 -- --ca "$PKI/p256/root.pem" --servername server.example --groups P-384:P-256
cachet_client_vs_openssl alpn p256 ECDHE-ECDSA-AES128-GCM-SHA256 -alpn webrtc -- --ca "$PKI/p256/root.pem" --servername server.example --alpn h2,webrtc
cachet_client_vs_openssl ecdhe-psk psk ECDHE-PSK-CHACHA20-POLY1305 -psk_identity client1 -psk $PSK_HEX -- --psk-identity client1 --psk $PSK_HEX
cachet_client_vs_openssl mtu-576 p256 ECDHE-ECDSA-AES128-GCM-SHA256 -mtu 576 -- --ca "$PKI/p256/root.pem" --servername server.example --mtu 576

# --- GnuTLS ------------------------------------------------------------------------------
printf 'client1:%s\n' "$PSK_HEX" >"$WORK/psk.passwd"
cachet_client_vs_gnutls() {  # NAME KEYDIR PRIORITY [server args] -- [client args]
  local name=$1 dir=$2 prio=$3; shift 3
  local sargs=() cargs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  cargs=("$@")
  local port; port=$(next_port)
  local cert=(--x509certfile "$PKI/$dir/server-chain.pem" --x509keyfile "$PKI/$dir/server.key")
  [ "$dir" = psk ] && cert=()
  start_gnutls_server "$name" "$port" "${cert[@]}" --priority "$prio" "${sargs[@]}"
  (echo "ping $name"; sleep 1) | timeout 15 "$CACHET" client 127.0.0.1:"$port" "${cargs[@]}" >"$WORK/$name.client" 2>&1
  local rc=$?
  stop_server
  [ $rc -eq 0 ] && grep -q "^ping $name" "$WORK/$name.client" && group_ok "$name" "$WORK/$name.client"
  result "cachet-client-vs-gnutls-serv/$name" $? "$WORK/$name.client"
}
G12='NORMAL:-VERS-ALL:+VERS-DTLS1.2'
CA256=(--ca "$PKI/p256/root.pem" --servername server.example)
cachet_client_vs_gnutls ecdsa p256 NORMAL --disable-client-cert -- "${CA256[@]}"
cachet_client_vs_gnutls chacha p256 "$G12:-CIPHER-ALL:+CHACHA20-POLY1305" --disable-client-cert -- "${CA256[@]}"
cachet_client_vs_gnutls ccm8 p256 "$G12:-CIPHER-ALL:+AES-128-CCM-8" --disable-client-cert -- "${CA256[@]}"
cachet_client_vs_gnutls rsa-aes256gcm rsa2048 "$G12:-CIPHER-ALL:+AES-256-GCM" --disable-client-cert -- \
  --ca "$PKI/rsa2048/root.pem" --servername server.example
cachet_client_vs_gnutls group-x25519 p256 "$G12:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1" --disable-client-cert -- \
  "${CA256[@]}" --groups X25519:P-256
cachet_client_vs_gnutls group-p256 p256 "$G12:-GROUP-ALL:+GROUP-SECP256R1" --disable-client-cert -- \
  "${CA256[@]}" --groups P-256
cachet_client_vs_gnutls group-p384 p256 "$G12:-GROUP-ALL:+GROUP-SECP384R1:+GROUP-SECP256R1" --disable-client-cert -- \
  "${CA256[@]}" --groups P-384:P-256
cachet_client_vs_gnutls client-auth p256 NORMAL --require-client-cert --x509cafile "$PKI/p256/root.pem" -- \
  "${CA256[@]}" --cert "$PKI/p256/client-chain.pem" --key "$PKI/p256/client.key"
cachet_client_vs_gnutls psk psk "$G12:-KX-ALL:+PSK:+ECDHE-PSK" --pskpasswd "$WORK/psk.passwd" -- \
  --psk-identity client1 --psk $PSK_HEX --ciphers PSK-AES128-GCM-SHA256
cachet_client_vs_gnutls ecdhe-psk psk "$G12:-KX-ALL:+ECDHE-PSK" --pskpasswd "$WORK/psk.passwd" -- \
  --psk-identity client1 --psk $PSK_HEX --ciphers ECDHE-PSK-CHACHA20-POLY1305
cachet_client_vs_gnutls alpn p256 NORMAL --disable-client-cert --alpn webrtc -- "${CA256[@]}" --alpn webrtc
cachet_client_vs_gnutls mtu-576 p256 NORMAL --disable-client-cert --mtu 576 -- "${CA256[@]}" --mtu 576

gnutls_client_case() {  # NAME KEYDIR PRIORITY [server args...] [-- gnutls-cli args]
  local name=$1 dir=$2 prio=$3; shift 3
  local sargs=() cargs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  cargs=("$@")
  local port; port=$(next_port)
  start_cachet_server "$name" "$port" --cert "$PKI/$dir/server-chain.pem" --key "$PKI/$dir/server.key" "${sargs[@]}"
  (echo "ping $name"; sleep 1) | timeout 15 gnutls-cli --udp -p "$port" --x509cafile "$PKI/$dir/root.pem" \
      --sni-hostname server.example --verify-hostname server.example --priority "$prio" "${cargs[@]}" 127.0.0.1 \
      >"$WORK/$name.client" 2>&1
  wait "$SERVER_PID" 2>/dev/null
  grep -q "ping $name" "$WORK/$name.client" && grep -q "Handshake was completed" "$WORK/$name.client" \
    && group_ok "$name" "$WORK/$name.server"
  result "gnutls-cli/$name" $? "$WORK/$name.client"
}
gnutls_client_case default p256 NORMAL
gnutls_client_case client-auth p256 NORMAL --ca "$PKI/p256/root.pem" --verify-client -- \
  --x509certfile "$PKI/p256/client-chain.pem" --x509keyfile "$PKI/p256/client.key"
gnutls_client_case alpn p256 NORMAL --alpn webrtc -- --alpn webrtc
gnutls_client_case mtu-576 p256 NORMAL --mtu 576 -- --mtu 576
gnutls_client_case aes128gcm p256 'NORMAL:-VERS-ALL:+VERS-DTLS1.2:-CIPHER-ALL:+AES-128-GCM'
gnutls_client_case chacha p256 'NORMAL:-VERS-ALL:+VERS-DTLS1.2:-CIPHER-ALL:+CHACHA20-POLY1305'
gnutls_client_case ccm8 p256 'NORMAL:-VERS-ALL:+VERS-DTLS1.2:-CIPHER-ALL:+AES-128-CCM-8'
gnutls_client_case rsa rsa2048 'NORMAL:-VERS-ALL:+VERS-DTLS1.2:-CIPHER-ALL:+AES-256-GCM'
gnutls_client_case x25519-group p256 'NORMAL:-VERS-ALL:+VERS-DTLS1.2:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1'
gnutls_client_case p256-group p256 'NORMAL:-VERS-ALL:+VERS-DTLS1.2:-GROUP-ALL:+GROUP-SECP256R1'
gnutls_client_case p384-group p256 'NORMAL:-VERS-ALL:+VERS-DTLS1.2:-GROUP-ALL:+GROUP-SECP384R1:+GROUP-SECP256R1' --groups P-384

# gnutls-cli with a PSK, and gnutls-cli's exported keying material against
# the Cachet server's (SRTP profile and 60 bytes of EXTRACTOR-dtls_srtp).
port=$(next_port)
start_cachet_server gnutls-psk "$port" --psk-identity client1 --psk $PSK_HEX --ciphers PSK-AES128-GCM-SHA256
(echo "ping gnutls-psk"; sleep 1) | timeout 15 gnutls-cli --udp -p "$port" --pskusername client1 --pskkey $PSK_HEX \
  --priority "$G12:-KX-ALL:+PSK" 127.0.0.1 >"$WORK/gnutls-psk.client" 2>&1
wait "$SERVER_PID" 2>/dev/null
grep -q "ping gnutls-psk" "$WORK/gnutls-psk.client" && grep -q "psk_identity: client1" "$WORK/gnutls-psk.server"
result "gnutls-cli/psk" $? "$WORK/gnutls-psk.client"

port=$(next_port)
start_cachet_server gnutls-srtp "$port" --cert "$PKI/p256/server-chain.pem" --key "$PKI/p256/server.key" \
  --srtp SRTP_AES128_CM_SHA1_80 --export EXTRACTOR-dtls_srtp:60
(echo ping; sleep 1) | timeout 15 gnutls-cli --udp -p "$port" --x509cafile "$PKI/p256/root.pem" \
  --sni-hostname server.example --verify-hostname server.example --srtp-profiles SRTP_AES128_CM_HMAC_SHA1_80 \
  --keymatexport EXTRACTOR-dtls_srtp --keymatexportsize 60 127.0.0.1 >"$WORK/gnutls-srtp.client" 2>&1
wait "$SERVER_PID" 2>/dev/null
theirs=$(grep -i -A1 "Key material" "$WORK/gnutls-srtp.client" | tr -d ' \n' | sed 's/.*[Kk]ey[a-z]*material:*//' | tr 'A-F' 'a-f' | grep -o '[0-9a-f]\{120\}' | head -1)
ours=$(sed -n 's/.*keying_material: //p' "$WORK/gnutls-srtp.server")
[ -n "$ours" ] && [ "$ours" = "$theirs" ] && grep -q "srtp_profile: SRTP_AES128_CM_SHA1_80" "$WORK/gnutls-srtp.server"
result "gnutls-cli/srtp-export-equal" $? "$WORK/gnutls-srtp.client"

echo "cli interop: $failures failed"
[ $failures -eq 0 ]
