#!/bin/sh
# badinput.sh - damaged dumps must give one clear error naming the file,
# never a crash, a hang or unbounded memory.
#
#   badinput.sh [DUMP...]     (default: the corpus's vmcore and vmcore.flat)
#
# Copies are made in a temporary directory; the dumps themselves are only
# read.  Needs READALL (the readall test program) and python3.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${top_srcdir:-$here/../..}
READALL=${READALL:-./tests/dump/readall}

if [ $# -eq 0 ]; then
	set -- $(ls "$top"/testdata/vmcores/*/vmcore "$top"/testdata/vmcores/*/vmcore.flat 2>/dev/null | head -2)
fi
if [ $# -eq 0 ] || ! command -v python3 >/dev/null || [ ! -x "$READALL" ]; then
	echo "SKIP: no dumps in testdata/vmcores, python3 or $READALL" >&2
	exit 77
fi

# AddressSanitizer reserves terabytes of address space for its shadow:
# under it, no address-space limit (its own checks bound the memory).
if [ -z "${BADINPUT_ULIMIT_V:-}" ] && grep -q __asan_init "$READALL" 2>/dev/null; then
	BADINPUT_ULIMIT_V=unlimited
fi

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
for dump in "$@"; do
	rm -f "$tmp"/*
	python3 "$here/corrupt.py" "$dump" "$tmp" >"$tmp/.cases" || exit 99
	while read -r name want; do
		# kdump-compressed cases: through libkdumpfile and through our reader.
		for how in "" own:; do
			[ "$how" = own: ] && case $name in kdump-*) ;; *) continue;; esac
			# 1 GiB of address space is plenty for any of these (set
			# BADINPUT_ULIMIT_V=unlimited for an ASan build).
			out=$( (ulimit -v ${BADINPUT_ULIMIT_V:-1048576}; timeout 120 "$READALL" "$how$tmp/$name") 2>&1)
			got=$?
			line=$(printf '%s\n' "$out" | head -1)
			if [ "$got" -ne "$want" ]; then
				echo "FAIL $how$name ($(basename "$dump")): exit $got, want $want: $line"
				fail=1
			elif ! printf '%s' "$line" | grep -q "$tmp/$name"; then
				echo "FAIL $how$name: message does not name the file: $line"
				fail=1
			else
				echo "ok   $how$name: $line"
			fi
		done
	done <"$tmp/.cases"
done
exit $fail
