#!/bin/sh
# install.sh - what `make install` puts where, and that it works from there:
#  * the Python module's directory (configure's vmmap_pyexecdir) is one the
#    system's python3 searches, when the prefix is /usr/local or /usr;
#  * after `make install DESTDIR=TMP`: libvmmap, vmmap.h, libvmmap.pc,
#    vmmap-dump and the module are in place, and the installed module and
#    CLI read a corpus dump;
#  * `pip install ./plugins/gdb` (setup.py, pkg-config) builds the module
#    against the installed library, in a venv, and it reads the dump too.
# Everything goes to a temporary directory; nothing is installed on the host.
set -u
top=$(cd "${top_srcdir:-$(dirname "$0")/../..}" && pwd)
build=${top_builddir:-.}
dump=$top/testdata/vmcores/x86_64-6.1-4l-kaslr/vmcore.flat
py=/usr/bin/python3
[ -x $py ] || py=python3
if ! grep -q '^vmmap_pyexecdir = ' "$build/Makefile" 2>/dev/null; then
	echo "SKIP: the GDB/Python module is not configured" >&2
	exit 77
fi
var() { sed -n "s|^$1 = ||p" "$build/Makefile" | head -1; }
prefix=$(var prefix)
exec_prefix=$(var exec_prefix | sed "s|\${prefix}|$prefix|")
libdir=$(var libdir | sed "s|\${exec_prefix}|$exec_prefix|; s|\${prefix}|$prefix|")
pydir=$(var vmmap_pyexecdir | sed "s|\${prefix}|$prefix|")
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

case $prefix in
/usr/local|/usr)
	if $py -c "import sys; sys.exit(0 if '$pydir' in sys.path else 1)"; then
		ok "module directory $pydir is on $py's sys.path"
	else
		bad "module directory $pydir is not on $py's sys.path: $($py -c 'import sys; print(sys.path)')"
	fi ;;
*)	echo "note: prefix $prefix: PYTHONPATH must name $pydir" ;;
esac

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
if ! make -s -C "$build" install DESTDIR="$tmp/root" >"$tmp/install.log" 2>&1; then
	bad "make install DESTDIR: $(tail -5 "$tmp/install.log")"
	exit 1
fi
root=$tmp/root
for f in "$libdir/libvmmap.so" "$prefix/include/vmmap.h" \
	 "$libdir/pkgconfig/libvmmap.pc" "$exec_prefix/bin/vmmap-dump" \
	 "$pydir/vmmap.so"; do
	[ -e "$root$f" ] && ok "installed $f" || bad "not installed: $f"
done
[ -f "$dump" ] || { echo "SKIP: no corpus dump for the run checks" >&2; exit $fail; }

want=$(LD_LIBRARY_PATH=$root$libdir "$root$exec_prefix/bin/vmmap-dump" --layout "$dump") ||
	bad "installed vmmap-dump --layout"
got=$(LD_LIBRARY_PATH=$root$libdir PYTHONPATH=$root$pydir $py -c "
import vmmap, sys
c = vmmap.open(sys.argv[1])
print(c.run(['--layout']), end='')" "$dump" 2>&1)
[ "$got" = "$want" ] && ok "installed module: --layout equals vmmap-dump's" ||
	bad "installed module: $(printf '%s' "$got" | tail -3)"

# pip, against the installed library, found by pkg-config.
if ! $py -c 'import venv, ensurepip' 2>/dev/null; then
	echo "note: no python3-venv here: pip build not tried"
	exit $fail
fi
cp -r "$top/plugins/gdb" "$tmp/src" && chmod -R u+w "$tmp/src"
$py -m venv "$tmp/venv" >"$tmp/venv.log" 2>&1 || { bad "python3 -m venv: $(tail -3 "$tmp/venv.log")"; exit 1; }
if PKG_CONFIG_PATH=$root$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root \
   "$tmp/venv/bin/pip" install -q --no-build-isolation --no-index "$tmp/src" \
   >"$tmp/pip.log" 2>&1; then
	ok "pip install ./plugins/gdb (pkg-config libvmmap)"
	got=$(cd "$tmp" && "$tmp/venv/bin/python" -c "
import vmmap, sys
c = vmmap.open(sys.argv[1])
print(c.run(['--layout']), end='')" "$dump" 2>&1)
	[ "$got" = "$want" ] && ok "pip-built module: --layout equals vmmap-dump's" ||
		bad "pip-built module: $(printf '%s' "$got" | tail -3)"
else
	bad "pip install: $(tail -5 "$tmp/pip.log")"
fi
exit $fail
