#!/usr/bin/env bash
# npm run demo — the main job on an embedded default: build wasmtls, make a
# private CA, start a local TLS 1.3 server (openssl s_server) on loopback and
# open a verified TLS connection to it through the WASM build with the CLI,
# sending an HTTP request and printing the reply and the handshake summary.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/wasmtls-demo.XXXXXX")
server_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# A private CA and a server certificate for localhost / 127.0.0.1.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj "/CN=wasmtls demo CA" -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj "/CN=localhost" -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$work/ext.cnf"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
	-days 2 -extfile "$work/ext.cnf" -out "$work/server.pem" 2>/dev/null

port=${WASMTLS_DEMO_PORT:-8443}
openssl s_server -quiet -accept "127.0.0.1:$port" -cert "$work/server.pem" -key "$work/server.key" \
	-tls1_3 -www >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done

echo "== openssl s_server (TLS 1.3) on 127.0.0.1:$port with a private CA"
echo "== wasmtls connect 127.0.0.1:$port --servername localhost --ca ca.pem"
printf 'GET / HTTP/1.0\r\n\r\n' |
	node js/cli.js connect "127.0.0.1:$port" --servername localhost --ca "$work/ca.pem" | head -n 12
