# Tests: `make check`.  Each test is a script or program; exit 77 = skipped
# (said loudly in its log), as automake's parallel harness counts it.

check_PROGRAMS += tests/vmmap-synth
tests_vmmap_synth_SOURCES = tests/vmmap-synth.c
tests_vmmap_synth_LDADD = src/libvmmap-core.la

SYNTH_TESTS = \
	tests/synth/x86_64-synth-basic.pt \
	tests/synth/x86_64-synth-selfref.pt \
	tests/synth/x86_64-synth-kasan.pt tests/synth/x86_64-synth-checks.pt \
	tests/synth/x86_64-synth-cr3.pt \
	tests/synth/x86_64-synth-v4.pt \
	tests/synth/x86_64-2.6.24-legacy.pt tests/synth/x86_64-2.6-noversion.pt \
	tests/synth/aarch64-6.1-va48-4k.pt tests/synth/aarch64-6.1-checks.pt \
	tests/synth/aarch64-6.1-va48-4k-regs.pt \
	tests/synth/aarch64-6.1-va52on48-64k.pt \
	tests/synth/aarch64-6.1-va47-16k.pt \
	tests/synth/aarch64-6.9-va52-4k-lpa2.pt \
	tests/synth/aarch64-6.1-va39-4k.pt \
	tests/synth/aarch64-5.10-va42-64k.pt \
	tests/synth/aarch64-5.10-va52on48-64k.pt \
	tests/synth/aarch64-6.12-va36-16k.pt \
	tests/synth/aarch64-6.6-va48-16k.pt \
	tests/synth/aarch64-6.12-va52on47-16k.pt \
	tests/synth/aarch64-6.12-va52on47-16k-norange.pt \
	tests/synth/arm-6.1-2level.pt \
	tests/synth/arm-6.1-lpae.pt \
	tests/synth/arm-6.1-banks.pt tests/synth/arm-6.1-banks-odd.pt \
	tests/synth/s390x-6.1-r3-edat.pt \
	tests/synth/s390x-6.1-r2-tftl.pt \
	tests/synth/s390x-synth-r1.pt \
	tests/synth/s390x-synth-r1-invalid.pt \
	tests/synth/s390x-6.12-identity.pt \
	tests/synth/riscv64-6.12-sv39.pt \
	tests/synth/riscv64-6.1-sv48-search.pt \
	tests/synth/riscv64-7.2-sv57.pt \
	tests/synth/ppc64le-6.12-radix-64k.pt \
	tests/synth/ppc64le-6.12-radix-prtb.pt \
	tests/synth/ppc64le-6.1-hash-4k.pt

TEST_EXTENSIONS = .pt .sh
PT_LOG_COMPILER = $(srcdir)/tests/run-synth
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	export top_srcdir top_builddir; \
	READCMP=tests/dump/readcmp READALL=tests/dump/readall \
	MKKDUMP=tests/dump/mkkdump CACHESTRESS=tests/dump/cachestress \
	VTOPMANY=tests/dump/vtopmany; \
	export READCMP READALL MKKDUMP CACHESTRESS VTOPMANY;

TESTS += $(SYNTH_TESTS)
EXTRA_DIST += $(SYNTH_TESTS) $(SYNTH_TESTS:.pt=.expect) tests/run-synth

# Real dumps of real kernels (testdata/vmcores): vmmap against the guest's
# own truth and against crash and libaddrxlat.
check_PROGRAMS += tests/addrxlat-oracle
tests_addrxlat_oracle_SOURCES = testdata/addrxlat-oracle.c
# The oracle is libaddrxlat's, not our code: no sanitizers (libkdumpfile
# 0.5.1 leaks a small buffer on ELF files, which LeakSanitizer reports).
tests_addrxlat_oracle_CFLAGS = $(WARN_CFLAGS) $(KDUMPFILE_CFLAGS)
tests_addrxlat_oracle_LDFLAGS =
tests_addrxlat_oracle_LDADD = $(KDUMPFILE_LIBS) -laddrxlat

TRUTH_TESTS = tests/truth/check-x86_64 tests/truth/check-aarch64 \
	tests/truth/check-s390x \
	tests/truth/check-arm tests/truth/check-riscv64 \
	tests/truth/check-ppc64le tests/truth/check-drgn tests/truth/check-ptdump
TESTS += $(TRUTH_TESTS)
EXTRA_DIST += $(TRUTH_TESTS) tests/truth/common.py

# The kernel's objects (issue 12): --vmallocinfo, --modules, --tasks,
# --objects and --pid=1 of every corpus dump against the guest's
# vmallocinfo, modules and ps; a kernel without BTF says so.
TESTS += tests/objects/check-objects
EXTRA_DIST += tests/objects/check-objects

# The slab pages (issue 12): --slabs and --objects=slabs of every dump
# whose guest printed /proc/slabinfo, per cache against it.
TESTS += tests/objects/check-slabs
EXTRA_DIST += tests/objects/check-slabs

# The BPF programs (issue 12): the bpf objects against the guest's
# /proc/kallsyms [bpf] lines.
TESTS += tests/objects/check-bpf
EXTRA_DIST += tests/objects/check-bpf

# The KFENCE pool: the kfence object of every dump whose guest ran with
# KFENCE on, against its debugfs kfence/objects and __kfence_pool.
TESTS += tests/objects/check-kfence
EXTRA_DIST += tests/objects/check-kfence

# --extract: every corpus dump's extract maps exactly like the dump.
TESTS += tests/extract/check-extract
EXTRA_DIST += tests/extract/check-extract

# --check, --ptov and --diff on every corpus dump, against answers worked
# out from its map by brute force, vtop and the guest's truth.
TESTS += tests/analysis/check-analysis
EXTRA_DIST += tests/analysis/check-analysis

# The rooms of doc/design.md, checked on the objects (tools/depgraph).
TESTS += tests/layers.sh
EXTRA_DIST += tests/layers.sh

# Bad input: truncated, corrupt, foreign files; a root beyond RAM.
TESTS += tests/cli/bad-input.sh tests/cli/newer-kernel.sh
EXTRA_DIST += tests/cli/bad-input.sh tests/cli/newer-kernel.sh

# The corpus itself: every dump opens, says its architecture and release,
# has VMCOREINFO (or is listed as lacking it), and its truth files parse.
TESTS += tests/corpus/check-corpus
EXTRA_DIST += tests/corpus/check-corpus

include $(srcdir)/tests/dump/local.mk

# /proc/kcore: vmmap-dump inside a QEMU guest against a dump of it
TESTS += tests/kcore/live-x86_64
EXTRA_DIST += tests/kcore/live-x86_64

# Hostile and unlucky input (issue 15): damaged, foreign and hostile dumps,
# files that are not files, unwritable output; each case one error line,
# its exit status, bounded time and memory, the input unchanged.
TESTS += tests/hostile/run
EXTRA_DIST += tests/hostile/run tests/hostile/gen.py

# The picture (issue 16): --format=svg of every corpus dump is well-formed
# XML with a box per region and every range's bounds; headless Chromium
# renders --format=html and runs its script (skipped without Chromium).
TESTS += tests/picture/check-svg tests/picture/browser
EXTRA_DIST += tests/picture/check-svg tests/picture/browser
