#!/bin/sh
# Run tests/c/ct/ct_mlkem under valgrind memcheck with the secrets marked
# undefined (see ct_mlkem.c). Used by ctest (cmake/ct.cmake).
#
#   run.sh clean <program> <mode>...   pass iff valgrind reports no error
#                                      and every mode ran to its end
#   run.sh leak  <program> <mode> <message>
#                                      pass iff valgrind reports <message>
#                                      (the check catches the leaky variant)
# Exit 77 (ctest SKIP_RETURN_CODE) when valgrind is not installed.
# With WT_CT_WILL_FAIL=1 (a ctest WILL_FAIL case), `clean` fails only for a
# valgrind finding: any other problem (missing program, crash, wrong result)
# exits 0, so that the expected failure cannot come from something else.
expect=$1 prog=$2
shift 2
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not installed: skipped"; exit 77; }
other() {
	echo "FAIL: $1"
	[ "${WT_CT_WILL_FAIL:-0}" = 1 ] && { echo "(not a valgrind finding: reported as a pass so that WILL_FAIL fails)"; exit 0; }
	exit 1
}
[ -x "$prog" ] || other "no program $prog"
vg() {
	valgrind -q --error-exitcode=99 --track-origins=yes --leak-check=no "$prog" "$1" 2>&1
}
if [ "$expect" = clean ]; then
	for mode in "$@"; do
		out=$(vg "$mode"); rc=$?
		printf '%s\n' "$out"
		if [ $rc -eq 99 ]; then echo "FAIL: valgrind reports secret-dependent behaviour in $mode"; exit 1; fi
		if [ $rc -ne 0 ]; then other "$mode exited $rc"; fi
		case "$out" in *"ct: $mode ok"*) ;; *) other "$mode did not finish" ;; esac
	done
	echo "constant time: no secret-dependent branch or address in: $*"
	exit 0
fi
mode=$1 message=$2
out=$(vg "$mode"); rc=$?
printf '%s\n' "$out"
case "$out" in *"ct: $mode ok"*) ;; *) echo "FAIL: $mode did not finish"; exit 1 ;; esac
if [ $rc -eq 99 ] && printf '%s\n' "$out" | grep -qF "$message"; then
	echo "caught: valgrind reports \"$message\" in $mode"
	exit 0
fi
echo "FAIL: valgrind did not report \"$message\" in $mode (exit $rc)"
exit 1
