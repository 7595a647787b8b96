# fuzz/: libFuzzer harnesses (included from the top Makefile.am).
#
# `make check` runs fuzz/run-regressions: every file of fuzz/regressions/
# through the harnesses' LLVMFuzzerTestOneInput(), built with the normal
# compiler and flags (so under --enable-asan/--enable-ubsan too), no
# libFuzzer needed.
#
# `make fuzz` builds the libFuzzer binaries fuzz/fuzz-dump, fuzz/fuzz-tables,
# fuzz/fuzz-vmcoreinfo, fuzz/fuzz-opts with clang (FUZZ_CC, default clang)
# and the seed corpora in fuzz/seeds/ (made from tests/synth/*.pt).  It is
# never part of `all` or `check`.
# See fuzz/README.md.

check_PROGRAMS += fuzz/run-regressions-dump fuzz/run-regressions-tables \
	fuzz/run-regressions-vmcoreinfo fuzz/run-regressions-opts
fuzz_run_regressions_dump_SOURCES = fuzz/dump.c fuzz/common.h \
	fuzz/regress-main.c
fuzz_run_regressions_dump_LDADD = src/libvmmap-core.la
fuzz_run_regressions_tables_SOURCES = fuzz/tables.c fuzz/common.h \
	fuzz/regress-main.c
fuzz_run_regressions_tables_LDADD = src/libvmmap-core.la
fuzz_run_regressions_vmcoreinfo_SOURCES = fuzz/vmcoreinfo.c fuzz/common.h \
	fuzz/regress-main.c
fuzz_run_regressions_vmcoreinfo_LDADD = src/libvmmap-core.la
fuzz_run_regressions_opts_SOURCES = fuzz/opts.c fuzz/common.h \
	fuzz/regress-main.c
fuzz_run_regressions_opts_LDADD = src/libvmmap-core.la

TESTS += fuzz/run-regressions
EXTRA_DIST += fuzz/run-regressions fuzz/README.md fuzz/mkseeds.py \
	fuzz/regressions fuzz/dump.dict fuzz/tables.dict \
	fuzz/vmcoreinfo.dict fuzz/opts.dict

FUZZ_CC = clang
FUZZ_SAN = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
	-I$(top_srcdir)/src -I$(top_builddir) -D_GNU_SOURCE \
	$(KDUMPFILE_CFLAGS) $(LIBELF_CFLAGS) $(ZLIB_CFLAGS) $(ZSTD_CFLAGS) \
	$(JSONC_CFLAGS) $(LIBBPF_CFLAGS) $(LIBDW_CFLAGS) -pthread
FUZZ_LIBS = $(KDUMPFILE_LIBS) $(LIBELF_LIBS) $(ZLIB_LIBS) $(ZSTD_LIBS) \
	$(LZO_LIBS) $(SNAPPY_LIBS) $(JSONC_LIBS) $(LIBBPF_LIBS) $(LIBDW_LIBS)
FUZZ_LIBSRC = $(filter %.c,$(src_libvmmap_core_la_SOURCES))

# The walker's hot files (FUZZ_HOT) are built without -fsanitize-coverage's
# trace-cmp: a callback on every comparison of every table entry took most
# of an execution, and what those comparisons decide the fuzzer learns
# from the edges anyway.  Everything else keeps it (the parsers want it).
FUZZ_HOT = src/core/walk.c src/core/mem.c
FUZZ_HOT_OBJS = fuzz/hot-walk.o fuzz/hot-mem.o
FUZZ_DEPS = $(top_srcdir)/fuzz/common.h \
	$(addprefix $(top_srcdir)/,$(FUZZ_LIBSRC)) \
	$(addprefix $(top_srcdir)/,$(filter %.h,$(src_libvmmap_core_la_SOURCES))) config.h

fuzz/hot-%.o: $(top_srcdir)/src/core/%.c $(FUZZ_DEPS)
	@$(MKDIR_P) fuzz
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -fno-sanitize-coverage=trace-cmp \
		-c -o $@ $<

FUZZ_HARNESSES = fuzz/fuzz-dump fuzz/fuzz-tables fuzz/fuzz-vmcoreinfo \
	fuzz/fuzz-opts

$(FUZZ_HARNESSES): fuzz/fuzz-%: $(top_srcdir)/fuzz/%.c $(FUZZ_DEPS) \
		$(FUZZ_HOT_OBJS)
	@$(MKDIR_P) fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(top_srcdir)/fuzz/$*.c \
		$(addprefix $(top_srcdir)/,$(filter-out $(FUZZ_HOT),$(FUZZ_LIBSRC))) \
		$(FUZZ_HOT_OBJS) $(FUZZ_LIBS)

fuzz/seeds/.stamp: $(top_srcdir)/fuzz/mkseeds.py $(SYNTH_TESTS)
	@$(MKDIR_P) fuzz/seeds
	$(AM_V_GEN)python3 $(top_srcdir)/fuzz/mkseeds.py \
		$(top_srcdir)/tests/synth fuzz/seeds && touch $@

fuzz: $(FUZZ_HARNESSES) fuzz/seeds/.stamp
.PHONY: fuzz

clean-local: clean-fuzz
clean-fuzz:
	-rm -rf $(FUZZ_HARNESSES) $(FUZZ_HOT_OBJS) fuzz/seeds
.PHONY: clean-fuzz
