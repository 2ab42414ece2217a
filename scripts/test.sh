#!/usr/bin/env bash
# `npm test`: build, run the C tests (ctest) and the Node tests, then print
# "N passed, M failed". Exits non-zero if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp "${TMPDIR:-/tmp}/wasmtls-test.XXXXXX")
trap 'rm -f "$log"' EXIT
passed=0
failed=0
status=0

summary() { echo "$passed passed, $failed failed"; }

if ! bash scripts/build.sh; then
	echo "test: build FAILED"
	failed=1
	summary
	exit 1
fi

# C tests. ctest prints "X% tests passed, F tests failed out of T".
echo "test: ctest"
set +e
ctest --test-dir build/native --output-on-failure 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
line=$(grep -E 'tests failed out of [0-9]+' "$log" | tail -n1 || true)
if [ -n "$line" ]; then
	f=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$line")
	t=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/' <<<"$line")
	passed=$((passed + t - f))
	failed=$((failed + f))
fi
if [ "$rc" != 0 ]; then
	status=1
	[ -n "$line" ] || failed=$((failed + 1))   # ctest itself broke
fi

# The same C tests under ASan+UBSan, then each fuzz target for a bounded time
# from its committed corpus (WT_FUZZ_SECONDS per target: 30 in CI, 12 otherwise).
if [ "${CI:-}" = true ]; then FUZZ_DEFAULT=30; else FUZZ_DEFAULT=12; fi
if [ "${WT_NO_ASAN:-0}" != 1 ]; then
	echo "test: ctest under ASan+UBSan (build/asan)"
	set +e
	ctest --test-dir build/asan --output-on-failure 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
	line=$(grep -E 'tests failed out of [0-9]+' "$log" | tail -n1 || true)
	if [ -n "$line" ]; then
		f=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$line")
		t=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/' <<<"$line")
		passed=$((passed + t - f))
		failed=$((failed + f))
	fi
	if [ "$rc" != 0 ]; then
		status=1
		[ -n "$line" ] || failed=$((failed + 1))
	fi
	echo "test: fuzz targets, ${WT_FUZZ_SECONDS:-$FUZZ_DEFAULT}s each"
	for src in tests/fuzz/fuzz_*.c; do
		t=$(basename "$src" .c)
		if bash scripts/fuzz.sh "${WT_FUZZ_SECONDS:-$FUZZ_DEFAULT}" "$t"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			status=1
		fi
	done
fi

# Node tests (node 20 does not expand globs: pass the directory).
if compgen -G 'tests/node/*.test.*js' >/dev/null || compgen -G 'tests/node/**/*.test.*js' >/dev/null; then
	echo "test: node --test tests/node/"
	set +e
	node --test --test-reporter=spec tests/node/ 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
	p=$(grep -aE '^(ℹ|#) pass [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+$' || true)
	f=$(grep -aE '^(ℹ|#) fail [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+$' || true)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" != 0 ]; then
		status=1
		[ -n "$f" ] && [ "$f" != 0 ] || failed=$((failed + 1))   # runner itself broke
	fi
else
	echo "test: no Node tests in tests/node yet, skipped"
fi

summary
exit "$status"
