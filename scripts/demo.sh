#!/usr/bin/env bash
# npm run demo — build wasmtls, make a private CA, start a local TLS 1.3 server
# (openssl s_server -www) on loopback, check it once with the CLI, then serve
# the browser demo page: websockify (fixed target: the TLS server), a Wisp
# server (allow-list: only the demo's servers) and a read-only static server.
# Prints the page URL and runs until Ctrl-C.
#
# The static server mounts the demo's work directory at /demo/: the page
# reads /demo/config.json (host, port, proxy URLs, the private CA's PEM and the
# troubleshooting scenarios), so its defaults work out of the box.
#
# Troubleshooting scenarios: one more loopback server per failure cause (a
# certificate not yet valid, an expired one, a root the page does not trust, a
# TLS 1.0-only server, a CBC-only TLS 1.2 server, a revoked certificate with a
# stapled OCSP response, a hostname mismatch, a server that never answers), on
# eight consecutive ports from WASMTLS_DEMO_SCENARIO_PORT, reachable through
# the Wisp server (its allow-list names them). config.json lists them; the page
# offers them in a picker next to the working server (the default).
#
# Environment: WASMTLS_DEMO_PORT (TLS, 8443), WASMTLS_DEMO_WS_PORT (websockify,
# 8080), WASMTLS_DEMO_WISP_PORT (8081), WASMTLS_DEMO_HTTP_PORT (page, 8000),
# WASMTLS_DEMO_SCENARIO_PORT (first scenario port, 8444: ports 8444-8451),
# WASMTLS_DEMO_ONCE=1 (stop after the CLI check and one page fetch: for CI),
# WASMTLS_DEMO_NO_BUILD=1 (skip scripts/build.sh: js/dist must be built).
# Without WASMTLS_DEMO_ONCE it runs until Ctrl-C or SIGTERM, then stops every
# server it started.
set -euo pipefail
cd "$(dirname "$0")/.."

# only what the demo needs: no sanitizer/fuzz build (set WT_NO_ASAN=0 to build it anyway);
# WASMTLS_DEMO_NO_BUILD=1 uses the existing build (tests/node/demo-scenarios.test.mjs: the suite built it)
if [ "${WASMTLS_DEMO_NO_BUILD:-}" != 1 ]; then
	WT_NO_ASAN=${WT_NO_ASAN:-1} bash scripts/build.sh
fi

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
rm -f "$work/server.csr" "$work/ext.cnf"

# The scenarios' certificates. `openssl ca` sets any validity window
# (-startdate/-enddate; `openssl x509 -req` has only -days in OpenSSL 3.0) and
# keeps the index that `openssl ocsp` answers from.
sc=$work/scenarios
mkdir -p "$sc/db"
: >"$sc/db/index.txt"
echo 1000 >"$sc/db/serial"
printf '%s\n' '[ ca ]' 'default_ca = demo' '[ demo ]' "database = $sc/db/index.txt" "new_certs_dir = $sc/db" \
	"serial = $sc/db/serial" 'default_md = sha256' 'policy = any' 'unique_subject = no' 'email_in_dn = no' \
	'[ any ]' 'commonName = supplied' >"$sc/ca.cnf"
leaf() {   # name CN SAN issuer-cert issuer-key openssl-ca-validity-arguments…
	local name=$1 cn=$2 san=$3 icert=$4 ikey=$5
	shift 5
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=$cn" -keyout "$sc/$name.key" -out "$sc/$name.csr" 2>/dev/null
	printf 'basicConstraints=critical,CA:FALSE\nsubjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >"$sc/$name.ext"
	openssl ca -batch -notext -config "$sc/ca.cnf" -cert "$icert" -keyfile "$ikey" -in "$sc/$name.csr" \
		-extfile "$sc/$name.ext" -out "$sc/$name.pem" "$@" 2>/dev/null
	rm -f "$sc/$name.csr" "$sc/$name.ext"
}
here='DNS:localhost,IP:127.0.0.1'
leaf future localhost "$here" "$work/ca.pem" "$work/ca.key" -startdate 20991201000000Z -enddate 21000101000000Z
leaf expired localhost "$here" "$work/ca.pem" "$work/ca.key" -startdate 20200101000000Z -enddate 20200201000000Z
leaf revoked localhost "$here" "$work/ca.pem" "$work/ca.key" -days 2
leaf elsewhere wrong.wasmtls.test 'DNS:wrong.wasmtls.test' "$work/ca.pem" "$work/ca.key" -days 2
# A root the page was never given (an out-of-date CA store); the server sends it in its chain.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj "/CN=wasmtls demo retired root" -keyout "$sc/oldroot.key" -out "$sc/oldroot.pem" 2>/dev/null
leaf untrusted localhost "$here" "$sc/oldroot.pem" "$sc/oldroot.key" -days 2
# Revoked in the CA's index; the CA signs an OCSP response saying so, the server staples it.
openssl ca -config "$sc/ca.cnf" -cert "$work/ca.pem" -keyfile "$work/ca.key" -revoke "$sc/revoked.pem" \
	-crl_reason keyCompromise 2>/dev/null
openssl ocsp -issuer "$work/ca.pem" -cert "$sc/revoked.pem" -no_nonce -reqout "$sc/revoked.req" 2>/dev/null
openssl ocsp -index "$sc/db/index.txt" -rsigner "$work/ca.pem" -rkey "$work/ca.key" -CA "$work/ca.pem" \
	-reqin "$sc/revoked.req" -respout "$sc/revoked.ocsp" -ndays 2 >/dev/null 2>&1
rm -f "$work/ca.key" "$sc/oldroot.key"

port=${WASMTLS_DEMO_PORT:-8443}
ws_port=${WASMTLS_DEMO_WS_PORT:-8080}
wisp_port=${WASMTLS_DEMO_WISP_PORT:-8081}
http_port=${WASMTLS_DEMO_HTTP_PORT:-8000}
sc_port=${WASMTLS_DEMO_SCENARIO_PORT:-8444}

openssl s_server -quiet -accept "127.0.0.1:$port" -cert "$work/server.pem" -key "$work/server.key" \
	-tls1_3 -www >"$work/server.log" 2>&1 &
pids+=($!)
wait_port "$port" "openssl s_server"

echo "== openssl s_server (TLS 1.3) on 127.0.0.1:$port with a private CA"
echo "== wasmtls connect 127.0.0.1:$port --servername localhost --ca ca.pem"
printf 'GET / HTTP/1.0\r\n\r\n' |
	node js/cli.js connect "127.0.0.1:$port" --servername localhost --ca "$work/ca.pem" | head -n 12

# The scenario servers (examples/browser/app.js describes them; config.json carries id and port).
scenario_ids=()
scenario_ports=()
s_scenario() {   # id port s_server-arguments…
	local id=$1 p=$2
	shift 2
	openssl s_server -quiet -accept "127.0.0.1:$p" "$@" -www >"$sc/$id.log" 2>&1 &
	pids+=($!)
	scenario_ids+=("$id")
	scenario_ports+=("$p")
}
s_scenario not-yet-valid $((sc_port + 0)) -tls1_3 -cert "$sc/future.pem" -key "$sc/future.key"
s_scenario expired $((sc_port + 1)) -tls1_3 -cert "$sc/expired.pem" -key "$sc/expired.key"
s_scenario untrusted-root $((sc_port + 2)) -tls1_3 -cert "$sc/untrusted.pem" -key "$sc/untrusted.key" -cert_chain "$sc/oldroot.pem"
# OpenSSL 3.0 allows TLS 1.0 only at security level 0
s_scenario tls10-only $((sc_port + 3)) -tls1 -cipher 'DEFAULT@SECLEVEL=0' -cert "$work/server.pem" -key "$work/server.key"
s_scenario cbc-only $((sc_port + 4)) -tls1_2 -cipher 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA' -cert "$work/server.pem" -key "$work/server.key"
s_scenario revoked $((sc_port + 5)) -tls1_3 -cert "$sc/revoked.pem" -key "$sc/revoked.key" -status_file "$sc/revoked.ocsp"
s_scenario wrong-host $((sc_port + 6)) -tls1_3 -cert "$sc/elsewhere.pem" -key "$sc/elsewhere.key"
# accepts, reads, never answers
node -e 'require("net").createServer((s) => { s.on("error", () => {}); s.resume(); }).listen(Number(process.argv[1]), "127.0.0.1");' \
	$((sc_port + 7)) >"$sc/silent.log" 2>&1 &
pids+=($!)
scenario_ids+=(silent)
scenario_ports+=($((sc_port + 7)))
for i in "${!scenario_ids[@]}"; do wait_port "${scenario_ports[$i]}" "scenario ${scenario_ids[$i]}"; done

# The browser part: a proxy with a fixed target, a Wisp server with an allow-list, the page.
websockify "127.0.0.1:$ws_port" "127.0.0.1:$port" >"$work/websockify.log" 2>&1 &
pids+=($!)
wisp_url=""
if [ -d node_modules/@mercuryworkshop/wisp-js ]; then
	allow=(--allow "127.0.0.1:$port" --allow "localhost:$port")
	for p in "${scenario_ports[@]}"; do allow+=(--allow "127.0.0.1:$p" --allow "localhost:$p"); done
	node scripts/wisp-server.mjs --port "$wisp_port" "${allow[@]}" >"$work/wisp.log" 2>&1 &
	pids+=($!)
	wisp_url="ws://127.0.0.1:$wisp_port/"
fi
node -e '
const [ca, port, ws, wisp, ids, ports] = process.argv.slice(1);
const pem = require("fs").readFileSync(ca, "utf8");
const p = ports.split(",").map(Number);
// What each scenario shows and the error code wasmtls reports for it.
const about = {
  "not-yet-valid": ["Certificate not yet valid (the clock)", "the leaf is valid from 2099-12-01: as if the device clock were decades behind", "CERT_NOT_YET_VALID"],
  expired: ["Expired certificate (the clock)", "the leaf expired on 2020-02-01: an expired certificate, or a device clock far ahead", "CERT_EXPIRED"],
  "untrusted-root": ["Root the page does not trust (out-of-date CAs)", "the server sends its chain up to the root \"wasmtls demo retired root\", which is not among the CAs the page trusts", "UNKNOWN_CA"],
  "tls10-only": ["TLS 1.0-only server (no shared version)", "openssl s_server -tls1: it answers with TLS 1.0, wasmtls speaks TLS 1.2 and 1.3", "PROTOCOL_VERSION"],
  "cbc-only": ["CBC-only TLS 1.2 server (no shared cipher suite)", "openssl s_server -tls1_2 with only ECDHE-ECDSA AES-CBC suites; wasmtls offers AES-GCM and ChaCha20-Poly1305", "NO_SHARED_CIPHER"],
  revoked: ["Revoked certificate (stapled OCSP)", "the server staples an OCSP response, signed by the CA, saying its certificate is revoked", "CERT_REVOKED"],
  "wrong-host": ["Hostname mismatch", "the certificate names wrong.wasmtls.test, the page asks for localhost", "HOSTNAME_MISMATCH"],
  silent: ["Server that never answers (timeout)", "a TCP listener that accepts the connection and never sends a byte; the page waits 3 s", "HANDSHAKE_TIMEOUT"],
};
const scenarios = ids.split(",").map((id, i) => ({ id, name: about[id][0], host: "localhost", port: p[i], serverName: "localhost",
  shows: about[id][1], expect: about[id][2], ...(id === "silent" ? { timeoutMs: 3000 } : {}) }));
console.log(JSON.stringify({ host: "localhost", port: Number(port), serverName: "localhost",
  proxy: ws, wispProxy: wisp || undefined, kind: "websocket", ca: pem, scenarios: wisp ? scenarios : [] }, null, 2));
' "$work/ca.pem" "$port" "ws://127.0.0.1:$ws_port/" "$wisp_url" \
	"$(IFS=,; echo "${scenario_ids[*]}")" "$(IFS=,; echo "${scenario_ports[*]}")" >"$work/config.json"
mkdir -p "$work/www" && mv "$work/config.json" "$work/ca.pem" "$work/www/"
node scripts/static-server.mjs --port "$http_port" --mount "/demo/=$work/www" >"$work/static.log" 2>&1 &
pids+=($!)
wait_port "$ws_port" websockify
[ -z "$wisp_url" ] || wait_port "$wisp_port" "wisp server"
wait_port "$http_port" "static server"

page="http://127.0.0.1:$http_port/examples/browser/"
echo
echo "== websockify ws://127.0.0.1:$ws_port/ → 127.0.0.1:$port (fixed target)"
if [ -n "$wisp_url" ]; then
	echo "== Wisp server $wisp_url (allow-list: 127.0.0.1 and localhost, ports $port and ${scenario_ports[0]}-${scenario_ports[-1]})"
	echo "== troubleshooting scenarios (through the Wisp server; pick one on the page):"
	for i in "${!scenario_ids[@]}"; do echo "     ${scenario_ids[$i]}: 127.0.0.1:${scenario_ports[$i]}"; done
else
	echo "== no Wisp server (npm @mercuryworkshop/wisp-js missing): the page offers no troubleshooting scenarios"
fi
echo "== demo page: $page"
if [ "${WASMTLS_DEMO_ONCE:-}" = 1 ]; then
	node -e 'fetch(process.argv[1]).then(async (r) => { if (!r.ok) process.exit(1); const c = await (await fetch(process.argv[2])).json(); console.log("demo: page ok, config for", c.host + ":" + c.port + ",", c.scenarios.length, "scenarios"); })' \
		"$page" "http://127.0.0.1:$http_port/demo/config.json"
	exit 0
fi
echo "   (Ctrl-C stops everything)"
wait
