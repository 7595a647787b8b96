# fuzz/: libFuzzer harnesses (included from the top Makefile.am).
#
# `make check` runs fuzz/run-regressions: every file of fuzz/regressions/
# through the harnesses' LLVMFuzzerTestOneInput(), built with the normal
# compiler and flags (so under --enable-asan/--enable-ubsan too), no
# libFuzzer needed.
#
# `make fuzz` builds the libFuzzer binaries fuzz/fuzz-dump, fuzz/fuzz-tables
# with clang (FUZZ_CC, default clang) and the seed corpora in fuzz/seeds/
# (made from tests/synth/*.pt).  It is never part of `all` or `check`.
# See fuzz/README.md.

check_PROGRAMS += fuzz/run-regressions-dump fuzz/run-regressions-tables
fuzz_run_regressions_dump_SOURCES = fuzz/dump.c fuzz/common.h \
	fuzz/regress-main.c
fuzz_run_regressions_dump_LDADD = src/libvmmap-core.la
fuzz_run_regressions_tables_SOURCES = fuzz/tables.c fuzz/common.h \
	fuzz/regress-main.c
fuzz_run_regressions_tables_LDADD = src/libvmmap-core.la

TESTS += fuzz/run-regressions
EXTRA_DIST += fuzz/run-regressions fuzz/README.md fuzz/mkseeds.py \
	fuzz/regressions

FUZZ_CC = clang
FUZZ_SAN = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
	-I$(top_srcdir)/src -I$(top_builddir) -D_GNU_SOURCE \
	$(KDUMPFILE_CFLAGS) $(LIBELF_CFLAGS) $(ZLIB_CFLAGS) $(ZSTD_CFLAGS) \
	$(JSONC_CFLAGS) -pthread
FUZZ_LIBS = $(KDUMPFILE_LIBS) $(LIBELF_LIBS) $(ZLIB_LIBS) $(ZSTD_LIBS) \
	$(LZO_LIBS) $(SNAPPY_LIBS) $(JSONC_LIBS)
FUZZ_LIBSRC = $(filter %.c,$(src_libvmmap_core_la_SOURCES))

fuzz/fuzz-dump fuzz/fuzz-tables: fuzz/fuzz-%: $(top_srcdir)/fuzz/%.c \
		$(top_srcdir)/fuzz/common.h \
		$(addprefix $(top_srcdir)/,$(FUZZ_LIBSRC)) \
		$(addprefix $(top_srcdir)/,$(filter %.h,$(src_libvmmap_core_la_SOURCES))) config.h
	@$(MKDIR_P) fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(top_srcdir)/fuzz/$*.c \
		$(addprefix $(top_srcdir)/,$(FUZZ_LIBSRC)) $(FUZZ_LIBS)

fuzz/seeds/.stamp: $(top_srcdir)/fuzz/mkseeds.py $(SYNTH_TESTS)
	@$(MKDIR_P) fuzz/seeds
	$(AM_V_GEN)python3 $(top_srcdir)/fuzz/mkseeds.py \
		$(top_srcdir)/tests/synth fuzz/seeds && touch $@

fuzz: fuzz/fuzz-dump fuzz/fuzz-tables fuzz/seeds/.stamp
.PHONY: fuzz

clean-local: clean-fuzz
clean-fuzz:
	-rm -rf fuzz/fuzz-dump fuzz/fuzz-tables fuzz/seeds
.PHONY: clean-fuzz
