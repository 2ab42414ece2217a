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

# shellcheck source=lib/deb-src.sh
. scripts/lib/deb-src.sh

verify() {
	echo "$SHA256  $CACHE/$ORIG" | sha256sum -c --status
}

mkdir -p "$CACHE"
if [ -f "$CACHE/$ORIG" ] && verify; then
	echo "fetch-bearssl: using cached $ORIG"
else
	rm -f "$CACHE/$ORIG"
	ensure_deb_src fetch-bearssl
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
