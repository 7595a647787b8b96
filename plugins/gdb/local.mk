# plugins/gdb: automake fragment included by the top Makefile.am (paths from
# the top).  The Python module "vmmap" (libvmmap for Python and GDB) and the
# GDB script that defines the `vmmap` command on top of it.

if ENABLE_GDB
# A libtool module: .libs/vmmap.so in the build tree, vmmap.so once
# installed; CPython imports a plain ".so" as well as $(PYEXT_SUFFIX).
vmmap_pyexec_LTLIBRARIES = plugins/gdb/vmmap.la
plugins_gdb_vmmap_la_SOURCES = plugins/gdb/vmmapmodule.c
plugins_gdb_vmmap_la_CFLAGS = $(AM_CFLAGS) $(PYTHON_CFLAGS)
plugins_gdb_vmmap_la_LIBADD = src/libvmmap-core.la
plugins_gdb_vmmap_la_LDFLAGS = -module -avoid-version -shared \
	-export-symbols-regex '^PyInit_vmmap$$'

# The script users `source` (or load from ~/.gdbinit): it knows where the
# module is installed, and looks next to itself first (the build tree).
vmmapgdbdir = $(pkgdatadir)
vmmapgdb_DATA = plugins/gdb/vmmap-gdb.py
endif

plugins/gdb/vmmap-gdb.py: $(srcdir)/plugins/gdb/vmmap-gdb.py.in Makefile
	$(AM_V_GEN)$(MKDIR_P) plugins/gdb && \
	sed -e 's|@vmmap_pyexecdir[@]|$(vmmap_pyexecdir)|g' \
	    -e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g' \
	    $(srcdir)/plugins/gdb/vmmap-gdb.py.in > $@.tmp && mv $@.tmp $@

# Python wants vmmap.so only: drop libtool's .la, and remove the module by
# name on uninstall (libtool's own uninstall needs the .la).
if ENABLE_GDB
install-exec-hook: install-exec-hook-gdb
install-exec-hook-gdb:
	rm -f $(DESTDIR)$(vmmap_pyexecdir)/vmmap.la
uninstall-hook: uninstall-hook-gdb
uninstall-hook-gdb:
	rm -f $(DESTDIR)$(vmmap_pyexecdir)/vmmap.so
endif

CLEANFILES += plugins/gdb/vmmap-gdb.py
EXTRA_DIST += plugins/gdb/vmmap-gdb.py.in plugins/gdb/README.md plugins/gdb/setup.py

include $(srcdir)/tests/gdb/local.mk

# make install puts the module where python3 finds it; pip builds it too.
if ENABLE_GDB
TESTS += tests/install/install.sh
endif
EXTRA_DIST += tests/install/install.sh
