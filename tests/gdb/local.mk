# tests/gdb: the Python module and the GDB command (plugins/gdb), in a real
# `gdb -batch`.  Included from plugins/gdb/local.mk; each test skips (77)
# with its reason when gdb, the module, the corpus or QEMU is missing.
# live-x86_64 and live-aarch64 boot a corpus kernel under QEMU TCG (2-3
# minutes, 15 s); live-aarch64 wants gdb-multiarch.
GDB_TESTS = \
	tests/gdb/python-api \
	tests/gdb/python-objects \
	tests/gdb/dump \
	tests/gdb/live-x86_64 \
	tests/gdb/live-aarch64

TESTS += $(GDB_TESTS)
dist_check_SCRIPTS += $(GDB_TESTS)
EXTRA_DIST += tests/gdb/gdbtest.py
