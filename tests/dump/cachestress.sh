#!/bin/sh
# cachestress.sh - issue 15, R1: the read pattern that corrupts
# libkdumpfile 0.5.1-0.5.4's page cache (1,024+ pages read, then one
# filtered-out page, then re-reads), on the corpus's filtered kdump file.
#  * vmmap's own route (auto:) must read every page back unchanged;
#  * libkdumpfile's route (kdf:) must too, unless the libkdumpfile we are
#    built with is one vmmap knows to be broken (then it bypasses it, and
#    the failure or crash seen here shows the bypass is needed).
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
CACHESTRESS=${CACHESTRESS:-./tests/dump/cachestress}
dump=$top/testdata/vmcores/x86_64-6.1-4l-kaslr/vmcore
if [ ! -f "$dump" ] || [ ! -x "$CACHESTRESS" ]; then
	echo "SKIP: no $dump or $CACHESTRESS" >&2
	exit 77
fi
fail=0
for n in 1024 3000; do
	echo "+ cachestress --pages $n auto:$dump"
	"$CACHESTRESS" --pages $n "auto:$dump" || { echo "FAIL: vmmap's route"; fail=1; }
	echo "+ cachestress --pages $n kdf:$dump"
	"$CACHESTRESS" --pages $n "kdf:$dump" 2>&1
	rc=$?
	case $rc in
	0) echo "ok: libkdumpfile's cache survives" ;;
	3) echo "ok: libkdumpfile's cache breaks, and vmmap bypasses it for kdump files" ;;
	*) if [ $rc -gt 128 ]; then
		echo "libkdumpfile crashed (signal $((rc - 128)))"
	   fi
	   # Failure or crash: only acceptable if vmmap bypasses this version.
	   if "$CACHESTRESS" --bypassed 2>/dev/null; then
		echo "ok: failure in libkdumpfile, which vmmap bypasses"
	   else
		echo "FAIL: libkdumpfile's route fails (rc $rc) and vmmap does not bypass it"
		fail=1
	   fi ;;
	esac
done
exit $fail
