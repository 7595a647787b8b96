#!/bin/sh
# readcmp.sh - every physical page of each corpus dump reads the same
# through every route:
#   vmcore.flat (our flattened reader)  ==  makedumpfile -R of it read by
#       libkdumpfile  ==  the same rebuilt file read by our own reader
#   vmcore (makedumpfile -d 31) holds a subset of vmcore.flat's pages
#   mkkdump rewrites (none/zlib/lzo/snappy/zstd, big-endian, 32-bit headers,
#       flattened with scrambled and overwritten records) read the same
#   ELF dumps (one per ELF class and byte order libkdumpfile reads): our
#       ELF reader, which serves them, against libkdumpfile
# Temporary files go to a temporary directory; the corpus is only read.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
READCMP=${READCMP:-./tests/dump/readcmp}
MKKDUMP=${MKKDUMP:-./tests/dump/mkkdump}

flats=$(ls "$top"/testdata/vmcores/*/vmcore.flat 2>/dev/null)
if [ -z "$flats" ] || ! command -v makedumpfile >/dev/null || [ ! -x "$READCMP" ]; then
	echo "SKIP: no testdata/vmcores/*/vmcore.flat, makedumpfile or $READCMP" >&2
	exit 77
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
run() {
	echo "+ readcmp $*"
	"$READCMP" --quiet "$@" || fail=1
}
for flat in $flats; do
	dir=$(dirname "$flat")
	echo "== $dir"
	rm -f "$tmp"/*
	makedumpfile -R "$tmp/rebuilt" <"$flat" >/dev/null 2>&1 || { echo "FAIL: makedumpfile -R"; fail=1; continue; }
	# A 64 KiB-block file (QEMU arm64) libkdumpfile 0.5.1 misreads
	# (and crashes on): compare the ELF-less routes only.
	bs=$(od -An -t u4 -j 428 -N 4 "$tmp/rebuilt" | tr -d ' ')
	if [ "$bs" = 4096 ]; then
		run "$flat" "kdf:$tmp/rebuilt"
		run "own:$tmp/rebuilt" "kdf:$tmp/rebuilt"
	else
		run "$flat" "own:$tmp/rebuilt"
	fi
	[ -f "$dir/vmcore" ] && run --subset "$flat" "$dir/vmcore"
	if [ -x "$MKKDUMP" ] && [ "$bs" = 4096 ]; then
		for c in none zlib lzo snappy zstd; do
			"$MKKDUMP" --comp $c "$tmp/rebuilt" "$tmp/$c" || { fail=1; continue; }
			run "own:$tmp/$c" "$flat"
			"$MKKDUMP" --comp $c --be "$tmp/rebuilt" "$tmp/$c.be" &&
				run "own:$tmp/$c.be" "$flat"
			"$MKKDUMP" --comp $c --flat --shuffle "$tmp/rebuilt" "$tmp/$c.flat" &&
				run "$tmp/$c.flat" "$flat"
			rm -f "$tmp/$c" "$tmp/$c.be" "$tmp/$c.flat"
		done
		# 32-bit headers (QEMU's packed layout of arm guests), both
		# byte orders, through both readers.
		for v in "--32" "--32 --be" "--32 --flat --shuffle"; do
			"$MKKDUMP" --comp zlib $v "$tmp/rebuilt" "$tmp/v32" || { fail=1; continue; }
			run "$tmp/v32" "$flat"
			case $v in *flat*) ;; *) run "own:$tmp/v32" "$flat";; esac
			rm -f "$tmp/v32"
		done
	fi
done

# ELF files are read by our reader (libelf + pread); libkdumpfile is the
# second opinion.  libkdumpfile 0.5.1 also "reads" the page just below
# each PT_LOAD that starts after a gap (bytes from before the segment's
# file offset), which no segment holds: those pages, and only those, may
# differ.
for name in x86_64-6.1-5l aarch64-6.1-va48-4k arm-6.1-lpae; do
	xz=$top/testdata/vmcores/$name/vmcore.xz
	[ -f "$xz" ] || continue
	echo "== $name (ELF): our reader against libkdumpfile"
	rm -f "$tmp"/*
	xz -dc "$xz" >"$tmp/elf" || { echo "FAIL: xz -d $xz"; fail=1; continue; }
	starts=$(readelf -lW "$tmp/elf" | awk '$1 == "LOAD" { print $4 }')
	# in ascending order, and scattered (our reader's block of the file
	# read last, and the reads that bypass it, both)
	for order in "" --scatter; do
	"$READCMP" $order "elf:$tmp/elf" "kdf:$tmp/elf" >"$tmp/out" 2>&1
	echo "+ readcmp $order elf: kdf:"
	cat "$tmp/out"
	/usr/bin/python3 - "$tmp/out" $starts <<'PY' || fail=1
import re, sys
out = open(sys.argv[1]).read()
starts = {int(s, 16) for s in sys.argv[2:]}
m = re.search(r'^(\d+) pages equal, \d+ not in either, \d+ filtered out of B only, (\d+) differ$', out, re.M)
if not m or int(m.group(1)) == 0:
    sys.exit('FAIL: no summary, or no page read alike')
lines = re.findall(r'^0x([0-9a-f]+): (.*)$', out, re.M)
ok = True
for a, what in lines:
    a = int(a, 16)
    if not (what.startswith('A not in the dump') and what.endswith('B success')
            and a + 0x1000 in starts):
        print('FAIL: 0x%x: %s' % (a, what))
        ok = False
if int(m.group(2)) != len(lines) or int(m.group(2)) > 10:
    print('FAIL: %s pages differ, %d shown' % (m.group(2), len(lines)))
    ok = False
print('%s: %s pages alike; %d differ, each the page below a PT_LOAD (libkdumpfile)'
      % ('ok' if ok else 'FAIL', m.group(1), len(lines)))
sys.exit(0 if ok else 1)
PY
	done
done
exit $fail
