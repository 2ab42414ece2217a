#!/usr/bin/env bash
# Build js/dist/wasmtls-h2.wasm (nghttp2 for wasmtls/fetch): fetch the nghttp2 source package,
# configure wasm/h2 with emcmake into build/wasm-h2, build. Incremental.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/fetch-nghttp2.sh
if [ -d /usr/share/nodejs ]; then export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}; fi
if [ ! -f build/wasm-h2/CMakeCache.txt ] || [ ! -f build/wasm-h2/Makefile ]; then
	echo "build: configure h2 wasm (build/wasm-h2)"
	emcmake cmake -S wasm/h2 -B build/wasm-h2 -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
echo "build: h2 wasm"
cmake --build build/wasm-h2 -j"${WT_JOBS:-2}"
echo "build: js/dist/wasmtls-h2.wasm ($(stat -c %s js/dist/wasmtls-h2.wasm) bytes)"
