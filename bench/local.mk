# Benchmarks: `make bench` (not part of `make check`; see bench/README.md).
EXTRA_PROGRAMS = bench/ptfloor bench/bigmap bench/xlat bench/mkbig
bench_bigmap_SOURCES = bench/bigmap.c
bench_bigmap_LDADD = src/libvmmap-core.la
bench_ptfloor_SOURCES = bench/ptfloor.c
bench_ptfloor_CFLAGS = $(AM_CFLAGS) $(KDUMPFILE_CFLAGS)
bench_ptfloor_LDADD = src/libvmmap-core.la $(KDUMPFILE_LIBS)
bench_xlat_SOURCES = bench/xlat.c
bench_xlat_CFLAGS = $(AM_CFLAGS) $(KDUMPFILE_CFLAGS)
bench_xlat_LDADD = src/libvmmap-core.la $(KDUMPFILE_LIBS) -laddrxlat
bench_mkbig_SOURCES = bench/mkbig.c
bench_mkbig_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS) $(ZSTD_CFLAGS)
bench_mkbig_LDADD = $(ZLIB_LIBS) $(ZSTD_LIBS) $(LZO_LIBS) $(SNAPPY_LIBS)
CLEANFILES += bench/ptfloor bench/bigmap bench/xlat bench/mkbig
EXTRA_DIST += bench/run bench/README.md bench/big bench/pyscan.py

BIG ?= 1024
bench: bench/ptfloor$(EXEEXT) bench/bigmap$(EXEEXT) bench/xlat$(EXEEXT) \
		bench/mkbig$(EXEEXT) cli/vmmap-dump$(EXEEXT)
	$(srcdir)/bench/run $(abs_top_builddir) $(abs_top_srcdir)/testdata/vmcores
	for g in 1 64 1024 4096; do bench/bigmap $$g; done
	for d in $(abs_top_srcdir)/testdata/vmcores/x86_64-6.1-ptdump \
		 $(abs_top_srcdir)/testdata/vmcores/aarch64-6.1-va48-4k; do \
		xz -dc $$d/vmcore.xz > bench/xlat.dump && \
		bench/xlat bench/xlat.dump 4000000 | sed "s|bench/xlat.dump|$$d|"; \
	done; rm -f bench/xlat.dump
	$(srcdir)/bench/big $(abs_top_builddir) $(BIG)
.PHONY: bench
