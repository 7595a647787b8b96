#!/bin/sh
# vtopmany.sh - vmmap_vtop_many() answers as vmmap_vtop() does, address by
# address, on every corpus dump (the kdump files: unreadable tables of
# filtered pages too) and matrix extract.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
VTOPMANY=${VTOPMANY:-./tests/dump/vtopmany}
[ -x "$VTOPMANY" ] || { echo "SKIP: no $VTOPMANY"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for d in "$top"/testdata/vmcores/* "$top"/testdata/matrix/*; do
	[ -f "$d/MANIFEST" ] || continue
	for f in "$d"/vmcore "$d"/vmcore.xz "$d"/vmcore.extract.xz; do
		[ -f "$f" ] || continue
		case $f in
		*.xz) xz -dc "$f" > "$tmp/dump" || exit 99; dump=$tmp/dump ;;
		*) dump=$f ;;
		esac
		echo "+ $f"
		"$VTOPMANY" "$dump" 100000 || fail=1
		n=$((n + 1))
		break
	done
done
[ $n -gt 0 ] || { echo "SKIP: no corpus"; exit 77; }
exit $fail
