#!/usr/bin/env bash
# Build everything: native (build/native: lib, tests, tools) and wasm
# (build/wasm -> js/dist/wasmtls.wasm). Incremental. WT_SKIP_SETUP=1 skips setup.
# Extra cmake args: WT_CMAKE_ARGS (both builds), WT_NATIVE_CMAKE_ARGS, WT_WASM_CMAKE_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${WT_SKIP_SETUP:-0}" != 1 ]; then
	bash scripts/setup.sh
fi

# Debian's emcc needs acorn & co from the system node modules.
if [ -d /usr/share/nodejs ]; then
	export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
fi
JOBS=${WT_JOBS:-2}

# Build, hiding the ~300 per-file lines for BearSSL itself (errors still show).
# Also hides clang's note that '+sse2' is no wasm feature (the SIMD build's ChaCha20, see cmake/wasm.cmake).
build() { cmake --build "$1" -j"$JOBS" 2>&1 | sed -u -e '/Building C object CMakeFiles\/bearssl\.dir\//d' -e "/'+sse2' is not a recognized feature/d"; }

# A build dir counts as configured once generation finished.
configured() { [ -f "$1/CMakeCache.txt" ] && { [ -f "$1/Makefile" ] || [ -f "$1/build.ninja" ]; }; }

# shellcheck disable=SC2086
if ! configured build/native || [ -n "${WT_CMAKE_ARGS:-}${WT_NATIVE_CMAKE_ARGS:-}" ]; then
	echo "build: configure native (build/native)"
	cmake -S . -B build/native -DCMAKE_BUILD_TYPE=RelWithDebInfo ${WT_CMAKE_ARGS:-} ${WT_NATIVE_CMAKE_ARGS:-} >/dev/null
fi
echo "build: native"
build build/native

# Sanitizer + fuzz build (clang, ASan+UBSan, libFuzzer targets): build/asan.
# WT_NO_ASAN=1 skips it.
if [ "${WT_NO_ASAN:-0}" != 1 ]; then
	if ! configured build/asan; then
		echo "build: configure asan (build/asan, clang, -fsanitize=address,undefined, fuzz targets)"
		CC=clang cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWT_SANITIZE=ON -DWT_FUZZ=ON >/dev/null
	fi
	echo "build: asan"
	build build/asan
fi

# A wasm build: DIR, the .wasm it writes, a label, extra cmake args.
wasm_build() {
	local dir=$1 out=$2 label=$3
	shift 3
	# shellcheck disable=SC2086
	if ! configured "$dir" || [ -n "${WT_CMAKE_ARGS:-}${WT_WASM_CMAKE_ARGS:-}" ]; then
		echo "build: configure $label ($dir)"
		emcmake cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" ${WT_CMAKE_ARGS:-} ${WT_WASM_CMAKE_ARGS:-} >/dev/null
	fi
	echo "build: $label"
	build "$dir"
	echo "build: $out ($(stat -c %s "$out") bytes)"
}

wasm_build build/wasm js/dist/wasmtls.wasm wasm
# The SIMD variant, loaded where the runtime has wasm SIMD. WT_NO_SIMD=1 skips
# it (the loaders then use the plain build).
if [ "${WT_NO_SIMD:-0}" != 1 ]; then
	wasm_build build/wasm-simd js/dist/wasmtls-simd.wasm "wasm SIMD variant" -DWT_WASM_SIMD=ON
fi

# The HTTP/2 wasm of wasmtls/fetch (nghttp2): js/dist/wasmtls-h2.wasm. WT_NO_H2=1 skips it.
[ "${WT_NO_H2:-0}" = 1 ] || bash wasm/h2/build.sh

# The default trust store behind `wasmtls/roots` (Debian's Mozilla roots).
node scripts/make-roots.mjs

# The bundled, minified browser build js/dist/wasmtls.browser.min.js (`wasmtls/browser.min.js`):
# esbuild (a devDependency). WT_NO_BUNDLE=1 skips it (e.g. without node_modules).
[ "${WT_NO_BUNDLE:-0}" = 1 ] || node scripts/bundle-browser.mjs
# The Node build js/dist/node/ (the package's `node` conditions: one file per entry and the core
# they share, for cold start; scripts/bundle-node.mjs).
[ "${WT_NO_BUNDLE:-0}" = 1 ] || node scripts/bundle-node.mjs
