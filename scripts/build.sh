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

# shellcheck disable=SC2086
if ! configured build/wasm || [ -n "${WT_CMAKE_ARGS:-}${WT_WASM_CMAKE_ARGS:-}" ]; then
	echo "build: configure wasm (build/wasm)"
	emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release ${WT_CMAKE_ARGS:-} ${WT_WASM_CMAKE_ARGS:-} >/dev/null
fi
echo "build: wasm"
build build/wasm
echo "build: js/dist/wasmtls.wasm ($(stat -c %s js/dist/wasmtls.wasm) bytes)"

# The SIMD variant (js/dist/wasmtls-simd.wasm), loaded where the runtime has
# wasm SIMD. WT_NO_SIMD=1 skips it (the loaders then use the plain build).
if [ "${WT_NO_SIMD:-0}" != 1 ]; then
	# shellcheck disable=SC2086
	if ! configured build/wasm-simd || [ -n "${WT_CMAKE_ARGS:-}${WT_WASM_CMAKE_ARGS:-}" ]; then
		echo "build: configure wasm SIMD variant (build/wasm-simd)"
		emcmake cmake -S . -B build/wasm-simd -DCMAKE_BUILD_TYPE=Release -DWT_WASM_SIMD=ON ${WT_CMAKE_ARGS:-} ${WT_WASM_CMAKE_ARGS:-} >/dev/null
	fi
	echo "build: wasm SIMD variant"
	build build/wasm-simd
	echo "build: js/dist/wasmtls-simd.wasm ($(stat -c %s js/dist/wasmtls-simd.wasm) bytes)"
fi

# The default trust store behind `wasmtls/roots` (Debian's Mozilla roots).
node scripts/make-roots.mjs
