#!/bin/sh
# newer-kernel.sh - a kernel newer than any the layout rules were checked
# against gets the map with a warning naming the values that came from
# rules (issue 9: "either the right answer or a warning naming the
# guess"); the same dump with its own version gets none.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
VMMAP="${top_builddir:-.}/cli/vmmap-dump"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
for d in aarch64-6.1-va48-4k s390x-6.1 arm-6.1-armmp; do
	xz=$top/testdata/vmcores/$d/vmcore.xz
	[ -f "$xz" ] || continue
	xz -dc "$xz" > "$tmp/vmcore" || exit 99
	"$VMMAP" --layout "$tmp/vmcore" >/dev/null 2>"$tmp/err0"
	printf 'OSRELEASE=99.1.0-future\n' > "$tmp/vmci"
	"$VMMAP" --vmcoreinfo="$tmp/vmci" --layout "$tmp/vmcore" >/dev/null 2>"$tmp/err1"
	rc=$?
	n=$((n + 1))
	if [ $rc -ne 0 ]; then
		echo "FAIL $d: exit $rc: $(head -1 "$tmp/err1")"; fail=1
	elif grep -q "newer than" "$tmp/err0"; then
		echo "FAIL $d: its own version warns: $(cat "$tmp/err0")"; fail=1
	elif ! grep -q "kernel 99.1 is newer than .*taken from rules or defaults" "$tmp/err1"; then
		echo "FAIL $d: no warning naming the rules: $(cat "$tmp/err1")"; fail=1
	else
		echo "ok   $d: $(grep 'newer than' "$tmp/err1")"
	fi
	rm -f "$tmp/vmcore"
done
[ $n -gt 0 ] || { echo "SKIP: no corpus dumps"; exit 77; }
exit $fail
