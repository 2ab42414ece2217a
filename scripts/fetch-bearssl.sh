#!/usr/bin/env bash
# Fetch BearSSL 0.6 source (Debian source package), verify it, unpack it to
# .deps/bearssl-0.6 (gitignored). Idempotent: does nothing if already there.
set -euo pipefail
cd "$(dirname "$0")/.."

ORIG=bearssl_0.6+dfsg.1.orig.tar.xz
SHA256=102a625bd8f6155260867a50c508df8d8c3f796985dd744df1a68e5cd1a79004
DEST=.deps/bearssl-0.6
CACHE=.deps/cache

if [ -f "$DEST/inc/bearssl.h" ]; then
	echo "fetch-bearssl: $DEST present"
	exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null; then SUDO="sudo"; fi
fi

have_deb_src() {
	grep -rqsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' \
		/etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

# Add deb-src entries mirroring the existing deb ones.
ensure_deb_src() {
	have_deb_src && return 0
	echo "fetch-bearssl: adding deb-src entries"
	local tmp
	tmp=$(mktemp)
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		sed -E 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$tmp"
		$SUDO install -m 644 "$tmp" /etc/apt/sources.list.d/wasmtls-src.sources
	elif [ -f /etc/apt/sources.list ]; then
		sed -nE 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list >"$tmp"
		$SUDO install -m 644 "$tmp" /etc/apt/sources.list.d/wasmtls-src.list
	else
		rm -f "$tmp"
		echo "fetch-bearssl: no apt sources found to derive deb-src from" >&2
		exit 1
	fi
	rm -f "$tmp"
	$SUDO apt-get update -qq
}

verify() {
	echo "$SHA256  $CACHE/$ORIG" | sha256sum -c --status
}

mkdir -p "$CACHE"
if [ -f "$CACHE/$ORIG" ] && verify; then
	echo "fetch-bearssl: using cached $ORIG"
else
	rm -f "$CACHE/$ORIG"
	ensure_deb_src
	echo "fetch-bearssl: downloading bearssl source package"
	# The index may be missing even with deb-src configured: update once and retry.
	if ! (cd "$CACHE" && apt-get source --download-only -qq bearssl 2>/dev/null); then
		$SUDO apt-get update -qq
		(cd "$CACHE" && apt-get source --download-only -qq bearssl)
	fi
	[ -f "$CACHE/$ORIG" ] || { echo "fetch-bearssl: $ORIG not downloaded" >&2; exit 1; }
	if ! verify; then
		echo "fetch-bearssl: SHA-256 MISMATCH for $ORIG" >&2
		echo "  expected $SHA256" >&2
		echo "  got      $(sha256sum "$CACHE/$ORIG" | cut -d' ' -f1)" >&2
		rm -f "$CACHE/$ORIG"
		exit 1
	fi
fi

# Unpack next to the destination, then move into place (no half-unpacked tree).
tmp=$(mktemp -d .deps/unpack.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$CACHE/$ORIG" -C "$tmp"
[ -f "$tmp/bearssl-0.6/inc/bearssl.h" ] || { echo "fetch-bearssl: unexpected tarball layout" >&2; exit 1; }
rm -rf "$DEST"
mv "$tmp/bearssl-0.6" "$DEST"
echo "fetch-bearssl: unpacked to $DEST"
