#!/usr/bin/env bash
# npm run demo — build wasmtls, make a private CA, start a local TLS 1.3 server
# (openssl s_server -www) on loopback, check it once with the CLI, then serve
# the browser demo page: websockify (fixed target: the TLS server), a Wisp
# server (allow-list: only the TLS server) and a read-only static server.
# Prints the page URL and runs until Ctrl-C.
#
# The static server mounts the demo's work directory at /demo/: the page
# reads /demo/config.json (host, port, proxy URLs and the private CA's PEM),
# so its defaults work out of the box.
#
# Environment: WASMTLS_DEMO_PORT (TLS, 8443), WASMTLS_DEMO_WS_PORT (websockify,
# 8080), WASMTLS_DEMO_WISP_PORT (8081), WASMTLS_DEMO_HTTP_PORT (page, 8000),
# WASMTLS_DEMO_ONCE=1 (stop after the CLI check and one page fetch: for CI).
set -euo pipefail
cd "$(dirname "$0")/.."

# only what the demo needs: no sanitizer/fuzz build (set WT_NO_ASAN=0 to build it anyway)
WT_NO_ASAN=${WT_NO_ASAN:-1} bash scripts/build.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/wasmtls-demo.XXXXXX")
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() {
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "demo: nothing listens on 127.0.0.1:$1 ($2)" >&2
	return 1
}

# A private CA and a server certificate for localhost / 127.0.0.1.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj "/CN=wasmtls demo CA" -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj "/CN=localhost" -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$work/ext.cnf"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
	-days 2 -extfile "$work/ext.cnf" -out "$work/server.pem" 2>/dev/null
rm -f "$work/ca.key" "$work/server.csr" "$work/ext.cnf"

port=${WASMTLS_DEMO_PORT:-8443}
ws_port=${WASMTLS_DEMO_WS_PORT:-8080}
wisp_port=${WASMTLS_DEMO_WISP_PORT:-8081}
http_port=${WASMTLS_DEMO_HTTP_PORT:-8000}

openssl s_server -quiet -accept "127.0.0.1:$port" -cert "$work/server.pem" -key "$work/server.key" \
	-tls1_3 -www >"$work/server.log" 2>&1 &
pids+=($!)
wait_port "$port" "openssl s_server"

echo "== openssl s_server (TLS 1.3) on 127.0.0.1:$port with a private CA"
echo "== wasmtls connect 127.0.0.1:$port --servername localhost --ca ca.pem"
printf 'GET / HTTP/1.0\r\n\r\n' |
	node js/cli.js connect "127.0.0.1:$port" --servername localhost --ca "$work/ca.pem" | head -n 12

# The browser part: a proxy with a fixed target, a Wisp server with an allow-list, the page.
websockify "127.0.0.1:$ws_port" "127.0.0.1:$port" >"$work/websockify.log" 2>&1 &
pids+=($!)
wisp_url=""
if [ -d node_modules/@mercuryworkshop/wisp-js ]; then
	node scripts/wisp-server.mjs --port "$wisp_port" --allow "127.0.0.1:$port" --allow "localhost:$port" >"$work/wisp.log" 2>&1 &
	pids+=($!)
	wisp_url="ws://127.0.0.1:$wisp_port/"
fi
node -e '
const [ca, port, ws, wisp] = process.argv.slice(1);
const pem = require("fs").readFileSync(ca, "utf8");
console.log(JSON.stringify({ host: "localhost", port: Number(port), serverName: "localhost",
  proxy: ws, wispProxy: wisp || undefined, kind: "websocket", ca: pem }, null, 2));
' "$work/ca.pem" "$port" "ws://127.0.0.1:$ws_port/" "$wisp_url" >"$work/config.json"
mkdir -p "$work/www" && mv "$work/config.json" "$work/ca.pem" "$work/www/"
node scripts/static-server.mjs --port "$http_port" --mount "/demo/=$work/www" >"$work/static.log" 2>&1 &
pids+=($!)
wait_port "$ws_port" websockify
[ -z "$wisp_url" ] || wait_port "$wisp_port" "wisp server"
wait_port "$http_port" "static server"

page="http://127.0.0.1:$http_port/examples/browser/"
echo
echo "== websockify ws://127.0.0.1:$ws_port/ → 127.0.0.1:$port (fixed target)"
[ -z "$wisp_url" ] || echo "== Wisp server $wisp_url (allow-list: 127.0.0.1:$port, localhost:$port)"
echo "== demo page: $page"
if [ "${WASMTLS_DEMO_ONCE:-}" = 1 ]; then
	node -e 'fetch(process.argv[1]).then(async (r) => { if (!r.ok) process.exit(1); const c = await (await fetch(process.argv[2])).json(); console.log("demo: page ok, config for", c.host + ":" + c.port); })' \
		"$page" "http://127.0.0.1:$http_port/demo/config.json"
	exit 0
fi
echo "   (Ctrl-C stops everything)"
wait
