#!/usr/bin/env bash
# Fetch nghttp2 1.52.0 source (Debian source package), verify it, unpack it to
# .deps/nghttp2-1.52.0 (gitignored), for the HTTP/2 wasm (wasm/h2). Idempotent: does nothing if already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# The upstream tarball and Debian's patches (CONTINUATION flood, rapid reset, CVE-2026-27135),
# applied by dpkg-source from the .dsc.
ORIG=nghttp2_1.52.0.orig.tar.gz
DEBIAN=nghttp2_1.52.0-1+deb12u3.debian.tar.xz
DSC=nghttp2_1.52.0-1+deb12u3.dsc
SHA256=6b71561a9950b4a90fa36aa3160763f1437f3730d7a12434e416aa3f4ab145e0
DEBIAN_SHA256=57aee32be437d31753cb36e6a518a48693f129cb884c17b0dcf323426331001d
DSC_SHA256=d4fcb364e461616ef63cb0653a71f08a9ae23703d497745e90160ed7d1eda393
DEST=.deps/nghttp2-1.52.0
CACHE=.deps/cache

if [ -f "$DEST/lib/nghttp2_session.c" ]; then
	echo "fetch-nghttp2: $DEST present"
	exit 0
fi

# shellcheck source=lib/deb-src.sh
. scripts/lib/deb-src.sh

verify() {
	printf '%s  %s\n' "$SHA256" "$CACHE/$ORIG" "$DEBIAN_SHA256" "$CACHE/$DEBIAN" "$DSC_SHA256" "$CACHE/$DSC" |
		sha256sum -c --status 2>/dev/null
}

mkdir -p "$CACHE"
if [ -f "$CACHE/$ORIG" ] && [ -f "$CACHE/$DEBIAN" ] && [ -f "$CACHE/$DSC" ] && verify; then
	echo "fetch-nghttp2: using cached $ORIG"
else
	rm -f "$CACHE/$ORIG" "$CACHE/$DEBIAN" "$CACHE/$DSC"
	ensure_deb_src fetch-nghttp2
	echo "fetch-nghttp2: downloading nghttp2 source package"
	# The index may be missing even with deb-src configured: update once and retry.
	if ! (cd "$CACHE" && apt-get source --download-only -qq nghttp2 2>/dev/null); then
		$SUDO apt-get update -qq
		(cd "$CACHE" && apt-get source --download-only -qq nghttp2)
	fi
	[ -f "$CACHE/$ORIG" ] || { echo "fetch-nghttp2: $ORIG not downloaded" >&2; exit 1; }
	if ! verify; then
		echo "fetch-nghttp2: SHA-256 MISMATCH for the nghttp2 source package" >&2
		sha256sum "$CACHE/$ORIG" "$CACHE/$DEBIAN" "$CACHE/$DSC" >&2 || true
		rm -f "$CACHE/$ORIG" "$CACHE/$DEBIAN" "$CACHE/$DSC"
		exit 1
	fi
fi

# Unpack next to the destination, then move into place (no half-unpacked tree).
tmp=$(mktemp -d .deps/unpack.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# Checksums verified above; --no-check skips only the (unavailable) signature check.
dpkg-source --no-check -x "$CACHE/$DSC" "$tmp/nghttp2-1.52.0" >/dev/null
[ -f "$tmp/nghttp2-1.52.0/lib/nghttp2_session.c" ] || { echo "fetch-nghttp2: unexpected source layout" >&2; exit 1; }
rm -rf "$DEST"
mv "$tmp/nghttp2-1.52.0" "$DEST"
echo "fetch-nghttp2: unpacked to $DEST"
