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

# expect NAME WANT_RC REGEX -- ARGS: run vmmap-dump with a time bound
# (TMO seconds, default 30); the exit code must be WANT_RC and stderr's
# one line must match REGEX.
expect() {
	name=$1 want=$2 re=$3; shift 4
	timeout "${TMO:-30}" "$VMMAP" "$@" >"$tmp/out" 2>"$tmp/err"
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
# fuzz-dump's find: a PT_LOAD at the top of the 64-bit physical space made
# the VMCOREINFO scan wrap to 0 and go round again until its budget (21 s)
TMO=5 expect load-at-top-of-64-bit-space 1 "no VMCOREINFO in the dump" -- \
	"$top_srcdir/fuzz/regressions/dump/elf-load-at-top-of-64-bit-space-vmcoreinfo-scan-wraps"
# a compressed dump as shipped: the command that gives the dump back
head -c 65536 "$tmp/good" | xz -c >"$tmp/vmcore.xz"
expect xz-compressed 1 "vmcore.xz: compressed with xz, not a kernel dump: decompress it first \(xz -dk .*vmcore.xz\)" -- "$tmp/vmcore.xz"
head -c 65536 "$tmp/good" | gzip -c >"$tmp/vmcore.gz"
expect gzip-compressed 1 "vmcore.gz: compressed with gzip, not a kernel dump: decompress it first \(gzip -dk" -- "$tmp/vmcore.gz"
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

# riscv64 and ppc64le: damaged tables and layouts in copies of the matrix
# extracts (testdata/mkmatrix), one error line each
MATRIX="$top_srcdir/testdata/matrix"
# elfpatch FILE PHYS HEX: overwrite the bytes at a physical address of
# an ELF64 core (little-endian headers, as an extract has); HEX "zero:N":
# N zero bytes
elfpatch() {
	python3 - "$@" <<'PY'
import struct, sys
path, phys, data = sys.argv[1], int(sys.argv[2], 0), sys.argv[3]
data = bytes(int(data[5:])) if data.startswith('zero:') else bytes.fromhex(data)
with open(path, 'r+b') as f:
    h = f.read(64)
    phoff, = struct.unpack_from('<Q', h, 32)
    n, = struct.unpack_from('<H', h, 56)
    for i in range(n):
        f.seek(phoff + 56 * i)
        t, _, off, _, pa, fs, _, _ = struct.unpack('<IIQQQQQQ', f.read(56))
        if t == 1 and pa <= phys and phys + len(data) <= pa + fs:
            f.seek(off + phys - pa)
            f.write(data)
            sys.exit(0)
sys.exit('physical 0x%x not in %s' % (phys, path))
PY
}
layout() { "$VMMAP" --layout "$1" | sed -n "s/^$2  *0x\([0-9a-f]*\) .*/0x\1/p"; }
rv="$MATRIX/riscv64-6.12-sv57/vmcore.extract.xz"
if [ -f "$rv" ]; then
	xz -dc "$rv" >"$tmp/rv"
	root=$(layout "$tmp/rv" root)
	# the root table zeroed: it maps nothing
	cp "$tmp/rv" "$tmp/rv-zero"
	elfpatch "$tmp/rv-zero" "$root" zero:4096
	expect riscv64-root-zeroed 1 "riscv64 layout: the page-table root 0x[0-9a-f]+ has no valid entry" -- "$tmp/rv-zero"
	# every entry of the root a pointer with N set (reserved): invalid
	cp "$tmp/rv" "$tmp/rv-n"
	elfpatch "$tmp/rv-n" "$root" "$(python3 -c 'import sys; sys.stdout.write((bytes.fromhex("0100000000000080") * 512).hex())')"
	expect riscv64-root-reserved 1 "riscv64 layout: the page-table root 0x[0-9a-f]+ has no valid entry" -- "$tmp/rv-n"
	# va_kernel_pa_offset off by 1 MiB: a root that is no page table here
	xz -dc "$rv" | strings -n 8 | grep -E '^[A-Z_]+(\([A-Za-z_.]+\))?=' |
		grep -v 'va_kernel_pa_offset' >"$tmp/rv-vmci"
	echo 'NUMBER(va_kernel_pa_offset)=0xfffffffeffd00000' >>"$tmp/rv-vmci"
	expect riscv64-bad-voffset 1 "riscv64 layout: .*root 0x[0-9a-f]+" -- --vmcoreinfo "$tmp/rv-vmci" "$tmp/rv"
else
	echo "skip: no $rv (testdata/mkmatrix)"
fi
pp="$MATRIX/ppc64le-7.2-radix-64k/vmcore.extract.xz"
if [ -f "$pp" ]; then
	xz -dc "$pp" >"$tmp/pp"
	root=$(layout "$tmp/pp" root)
	cp "$tmp/pp" "$tmp/pp-zero"
	elfpatch "$tmp/pp-zero" "$root" zero:65536
	expect ppc64le-root-zeroed 1 "ppc64le layout: the page-table root 0x[0-9a-f]+ has no valid entry" -- "$tmp/pp-zero"
	# swapper_pg_dir 4 KiB off: the radix pgd is 64 KiB, aligned to it
	xz -dc "$pp" | strings -n 8 | grep -E '^[A-Z_]+(\([A-Za-z_.]+\))?=' |
		grep -v 'SYMBOL(swapper_pg_dir)' >"$tmp/pp-vmci"
	printf 'SYMBOL(swapper_pg_dir)=c%015x\n' $((root + 4096)) >>"$tmp/pp-vmci"
	expect ppc64le-root-misaligned 1 "ppc64le layout: the page-table root 0x[0-9a-f]+ is not aligned to its table's size \(0x10000\)" -- --vmcoreinfo "$tmp/pp-vmci" "$tmp/pp"
	# the same memory under a big-endian ELF header with its VMCOREINFO
	# note: a big-endian ppc64 kernel's dump, not walked as ppc64le
	python3 - "$tmp/pp" "$tmp/pp-be" <<'PY'
import struct, sys
src, dst = sys.argv[1], sys.argv[2]
b = bytearray(open(src, 'rb').read())
eh = struct.unpack_from('<HHIQQQIHHHHHH', b, 16)
b[5] = 2
struct.pack_into('>HHIQQQIHHHHHH', b, 16, *eh)
phoff, n = eh[4], eh[9]
for i in range(n):
    o = phoff + 56 * i
    ph = struct.unpack_from('<IIQQQQQQ', b, o)
    struct.pack_into('>IIQQQQQQ', b, o, *ph)
    if ph[0] == 4:          # PT_NOTE: the note headers too
        p, end = ph[2], ph[2] + ph[5]
        while p + 12 <= end:
            nsz, dsz, typ = struct.unpack_from('<III', b, p)
            struct.pack_into('>III', b, p, nsz, dsz, typ)
            p += 12 + (nsz + 3) // 4 * 4 + (dsz + 3) // 4 * 4
open(dst, 'wb').write(b)
PY
	expect ppc64-big-endian 1 "architecture 'ppc64' is not supported" -- "$tmp/pp-be"
else
	echo "skip: no $pp (testdata/mkmatrix)"
fi
ph="$MATRIX/ppc64le-7.2-hash-64k/vmcore.extract.xz"
if [ -f "$ph" ]; then
	# hash MMU: the kernel image is not in Linux's tables, so a wrong
	# root is told by an entry in the linear map, which they leave empty
	xz -dc "$ph" >"$tmp/ph"
	root=$(layout "$tmp/ph" root)
	cp "$tmp/ph" "$tmp/ph-linear"
	elfpatch "$tmp/ph-linear" "$root" 80000000010000c0
	expect ppc64le-hash-root-linear 1 "ppc64le layout: the page-table root 0x[0-9a-f]+ has entry 0 \(0x80000000010000c0, for 0xc000000000000000\) in the linear map" -- "$tmp/ph-linear"
else
	echo "skip: no $ph (testdata/mkmatrix)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
