# plugins/crash: automake fragment included by the top Makefile.am (paths from the top)
#
# vmmap.so, the crash extension: "extend vmmap.so" in crash adds the vmmap
# command.  One self-contained module: the library's code is linked in.

if ENABLE_CRASH

# Where crash finds "extend vmmap.so": configure's --with-crash-extdir.
crashextdir = $(CRASH_EXTDIR)

# crash's defs.h describes the machine crash was built for, selected by
# -D<TARGET> as crash's own extensions/Makefile does; the extension runs
# inside the host's crash, so the host CPU names it (crash's configure.c
# maps uname's machine the same way).
CRASH_TARGET = $(strip \
	$(if $(filter x86_64,$(host_cpu)),X86_64, \
	$(if $(filter i386 i486 i586 i686,$(host_cpu)),X86, \
	$(if $(filter aarch64,$(host_cpu)),ARM64, \
	$(if $(filter arm%,$(host_cpu)),ARM, \
	$(if $(filter s390x,$(host_cpu)),S390X, \
	$(if $(filter s390,$(host_cpu)),S390, \
	$(if $(filter powerpc64 powerpc64le ppc64 ppc64le,$(host_cpu)),PPC64, \
	$(if $(filter powerpc ppc,$(host_cpu)),PPC, \
	$(if $(filter mips64%,$(host_cpu)),MIPS64, \
	$(if $(filter mips%,$(host_cpu)),MIPS, \
	$(if $(filter sparc64,$(host_cpu)),SPARC64, \
	$(if $(filter riscv64,$(host_cpu)),RISCV64, \
	$(if $(filter alpha%,$(host_cpu)),ALPHA, \
	$(if $(filter ia64,$(host_cpu)),IA64, \
	UNKNOWN_CRASH_TARGET)))))))))))))))
# The newest GDB_x_y defs.h knows is the gdb that crash embeds (crash's
# extensions/Makefile passes it as GDB_FLAGS); it only shapes gdb enums.
CRASH_GDB_FLAG = $(shell sed -n 's/.*defined(\(GDB_[0-9_]*\)).*/\1/p' \
	$(CRASH_INCLUDE)/defs.h 2>/dev/null | sort -u -V | tail -n 1)

crashext_LTLIBRARIES = plugins/crash/vmmap.la
plugins_crash_vmmap_la_SOURCES = plugins/crash/vmmap-crash.c
# defs.h is crash's, not ours: -isystem keeps our warnings on our code.
plugins_crash_vmmap_la_CPPFLAGS = $(AM_CPPFLAGS) -isystem $(CRASH_INCLUDE) \
	-D$(CRASH_TARGET) $(if $(CRASH_GDB_FLAG),-D$(CRASH_GDB_FLAG))
plugins_crash_vmmap_la_CFLAGS = $(AM_CFLAGS)
plugins_crash_vmmap_la_LDFLAGS = -module -avoid-version -shared -rdynamic
plugins_crash_vmmap_la_LIBADD = src/libvmmap-core.la

# crash loads vmmap.so; libtool's vmmap.la is of no use there.
install-data-hook: install-data-hook-crash
install-data-hook-crash:
	rm -f '$(DESTDIR)$(crashextdir)/vmmap.la'
uninstall-hook: uninstall-hook-crash
uninstall-hook-crash:
	rm -f '$(DESTDIR)$(crashextdir)/vmmap.so'


# Tests: the extension inside the real crash, on the corpus's dumps.
CRASH_TESTS = \
	tests/crash/x86_64-6.1-4l-kaslr.sh \
	tests/crash/x86_64-6.1-5l.sh
TESTS += $(CRASH_TESTS)

endif ENABLE_CRASH

EXTRA_DIST += plugins/crash/vmmap-crash.c tests/crash/run-crash-test \
	tests/crash/x86_64-6.1-4l-kaslr.sh tests/crash/x86_64-6.1-5l.sh
