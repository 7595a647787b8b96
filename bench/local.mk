# Benchmarks: `make bench` (not part of `make check`; see bench/README.md).
EXTRA_PROGRAMS = bench/ptfloor bench/bigmap bench/xlat
bench_bigmap_SOURCES = bench/bigmap.c
bench_bigmap_LDADD = src/libvmmap-core.la
bench_ptfloor_SOURCES = bench/ptfloor.c
bench_ptfloor_CFLAGS = $(AM_CFLAGS) $(KDUMPFILE_CFLAGS)
bench_ptfloor_LDADD = src/libvmmap-core.la $(KDUMPFILE_LIBS)
bench_xlat_SOURCES = bench/xlat.c
bench_xlat_CFLAGS = $(AM_CFLAGS) $(KDUMPFILE_CFLAGS)
bench_xlat_LDADD = src/libvmmap-core.la $(KDUMPFILE_LIBS) -laddrxlat
CLEANFILES += bench/ptfloor bench/bigmap bench/xlat
EXTRA_DIST += bench/run bench/README.md

bench: bench/ptfloor$(EXEEXT) bench/bigmap$(EXEEXT) cli/vmmap-dump$(EXEEXT)
	$(srcdir)/bench/run $(abs_top_builddir) $(abs_top_srcdir)/testdata/vmcores
	for g in 1 16 64; do bench/bigmap $$g; done
.PHONY: bench
