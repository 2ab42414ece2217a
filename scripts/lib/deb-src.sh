# Sourced by scripts/fetch-*.sh: Debian source packages through apt, with deb-src entries
# added (mirroring the deb ones) when the machine has none. Defines SUDO, have_deb_src and
# ensure_deb_src LABEL (LABEL prefixes the messages).

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
	local label=$1 tmp
	have_deb_src && return 0
	echo "$label: adding deb-src entries"
	tmp=$(mktemp)
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		sed -E 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$tmp"
		$SUDO install -m 644 "$tmp" /etc/apt/sources.list.d/wasmtls-src.sources
	elif [ -f /etc/apt/sources.list ]; then
		sed -nE 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list >"$tmp"
		$SUDO install -m 644 "$tmp" /etc/apt/sources.list.d/wasmtls-src.list
	else
		rm -f "$tmp"
		echo "$label: no apt sources found to derive deb-src from" >&2
		exit 1
	fi
	rm -f "$tmp"
	$SUDO apt-get update -qq
}
