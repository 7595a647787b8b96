/*
 * bigmap - the walker on a machine larger than any dump in the corpus:
 * page tables generated on the fly by a memory source, for a direct map of
 * GIB gigabytes in 4 KiB pages (the worst case: what DEBUG_PAGEALLOC or a
 * fragmented direct map gives), its attributes changing every 2 MiB so that
 * merging leaves one range per last-level table.
 *
 * usage: bigmap GIB [--raw] [--progress]
 * Prints the leaves, the ranges, the time of a fresh context's load (the
 * layout probe walks the direct map too) plus the whole table output to
 * /dev/null, then of a second walk of the same context (which the memo of
 * shared subtrees may shortcut), and the peak RSS.
 */
#include "config.h"
#include "vmmap.h"

#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define ROOT	UINT64_C(0x1000)
#define PUD	UINT64_C(0x2000)
#define PMDS	UINT64_C(0x100000)	/* one per GiB */
/* the puds: PUD and the 7 pages above it (4 TiB) */
#define PTES	UINT64_C(0x40000000)	/* one per 2 MiB */
#define TBL	UINT64_C(0x63)		/* P RW A D */

static uint64_t gib;

static uint64_t entry(uint64_t table, unsigned i)
{
	if (table == ROOT)	/* 0xffff888000000000: a pud per 512 GiB */
		return i >= 273 && (uint64_t)(i - 273) * 512 < gib
		       ? (PUD + (i - 273) * 4096) | TBL : 0;
	if (table >= PUD && table < PUD + 8 * 4096) {
		uint64_t g = (table - PUD) / 4096 * 512 + i;

		return g < gib ? (PMDS + g * 4096) | TBL : 0;
	}
	if (table >= PMDS && table < PTES) {
		uint64_t g = (table - PMDS) / 4096;

		return (PTES + (g * 512 + i) * 4096) | TBL;
	}
	{
		uint64_t t = (table - PTES) / 4096;	/* which 2 MiB */
		uint64_t pa = (t << 21) | ((uint64_t)i << 12);

		/* RW NX, GLB on every other 2 MiB: one range a table */
		return pa | 0x63 | (t & 1 ? 0x100 : 0) | (UINT64_C(1) << 63);
	}
}

static vmmap_status gen_read(struct vmmap_ctx *ctx, void *data, uint64_t pa,
			     void *buf, size_t len)
{
	uint64_t *e = buf;
	size_t i;

	if (len != 4096 || (pa & 4095))
		return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
				       "0x%" PRIx64 " is not a table", pa);
	for (i = 0; i < 512; i++)
		e[i] = htole64(entry(pa, i));
	return VMMAP_OK;
}

/* The machine's memory ends where its direct map does, as a dump says. */
static bool gen_phys_end(void *data, vmmap_addr_t *end_ret)
{
	(void)data;
	*end_ret = gib << 30;
	return true;
}

static const struct vmmap_mem_ops gen_ops = { .read_phys = gen_read,
					      .phys_end = gen_phys_end };

static const char vmci[] =
	"OSRELEASE=bench\nPAGESIZE=4096\nSYMBOL(init_top_pgt)=ffffffff80001000\n"
	"NUMBER(phys_base)=0\nNUMBER(pgtable_l5_enabled)=0\nKERNELOFFSET=0\n";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static vmmap_status count(void *arg, const struct vmmap_range *r)
{
	(*(uint64_t *)arg)++;
	return VMMAP_OK;
}

int main(int argc, char **argv)
{
	struct vmmap_ctx *ctx = vmmap_new();
	struct vmmap_opts o;
	struct rusage ru;
	FILE *null = fopen("/dev/null", "w");
	uint64_t ranges = 0;
	double t0, t1, t2;

	if (argc < 2 || !(gib = strtoull(argv[1], NULL, 0)) || gib > 4096) {
		fprintf(stderr, "usage: bigmap GIB(1-4096) [--raw]\n");
		return 2;
	}
	memset(&o, 0, sizeof(o));
	o.raw = argc > 2 && !strcmp(argv[2], "--raw");
	if (argc > 2 && !strcmp(argv[argc - 1], "--progress"))
		vmmap_set_progress(ctx, vmmap_progress_stderr, "bigmap");
	t0 = now();
	if (vmmap_set_mem(ctx, &gen_ops, NULL) ||
	    vmmap_set_vmcoreinfo(ctx, vmci, sizeof(vmci) - 1) ||
	    vmmap_load(ctx)) {
		fprintf(stderr, "bigmap: %s\n", vmmap_errmsg(ctx));
		return 1;
	}
	if (vmmap_run(ctx, &o, null)) {
		fprintf(stderr, "bigmap: %s\n", vmmap_errmsg(ctx));
		return 1;
	}
	t1 = now();
	vmmap_walk(ctx, 0, VMMAP_ADDR_MAX, VMMAP_WALK_NOHOLES |
		   (o.raw ? VMMAP_WALK_RAW : 0), count, &ranges);
	t2 = now();
	getrusage(RUSAGE_SELF, &ru);
	printf("%" PRIu64 " GiB in 4K pages: %" PRIu64 " leaves, %" PRIu64
	       " ranges%s; load + full table output %.2f s (%.0f M leaves/s); "
	       "a second walk %.2f s; peak RSS %ld MiB\n", gib, gib << 18,
	       ranges, o.raw ? " (raw)" : "", t1 - t0,
	       (gib << 18) / (t1 - t0) / 1e6, t2 - t1, ru.ru_maxrss / 1024);
	vmmap_free(ctx);
	fclose(null);
	return 0;
}
