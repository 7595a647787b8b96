/*
 * ptfloor - how long vmmap takes to map a dump, next to the floor: the time
 * to merely read and decompress the page-table pages it visits through
 * libkdumpfile, with nothing else.
 *
 * usage: ptfloor DUMP [REPEAT]
 * Prints, for the median of REPEAT runs (default 5), in milliseconds of
 * CPU time:
 *   map    open + load + walk + format the whole table map to /dev/null
 *   reads  the part of "map" spent inside the dump reader (libkdumpfile:
 *          page tables, the kernel's symbol table, a few variables)
 *   floor  open the dump with libkdumpfile + read each page-table page
 *          vmmap visits, once, and nothing else
 * and their ratio.  The dump must be one libkdumpfile reads (not the
 * flattened format).
 */
#include "config.h"
#include "core/core.h"

#include <fcntl.h>
#include <inttypes.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct rec {
	const struct vmmap_mem_ops *ops;
	void *data;
	uint64_t *addr;
	size_t *len;
	size_t n, cap;
};

static struct rec rec;
static bool recording;
static double read_ms;

static double now_ms(void);

static vmmap_status rec_read(struct vmmap_ctx *ctx, void *data,
			     vmmap_addr_t pa, void *buf, size_t len)
{
	if (rec.n == rec.cap) {
		rec.cap = rec.cap ? 2 * rec.cap : 1024;
		rec.addr = realloc(rec.addr, rec.cap * sizeof(*rec.addr));
		rec.len = realloc(rec.len, rec.cap * sizeof(*rec.len));
		if (!rec.addr || !rec.len)
			abort();
	}
	double t0 = now_ms();
	vmmap_status st;

	/* the walker reads whole tables: a power of two from 1 KiB (arm's
	 * second level) to 64 KiB, aligned to its size */
	if (recording && len >= 1024 && len <= 65536 && !(len & (len - 1)) &&
	    !(pa & (len - 1))) {
		rec.addr[rec.n] = pa;
		rec.len[rec.n++] = len;
	}
	st = rec.ops->read_phys(ctx, rec.data, pa, buf, len);
	read_ms += now_ms() - t0;
	return st;
}

/* What the source says of its memory, passed through. */
static bool rec_phys_end(void *data, vmmap_addr_t *end_ret)
{
	return rec.ops->phys_end && rec.ops->phys_end(rec.data, end_ret);
}

static vmmap_addr_t rec_next_data(void *data, vmmap_addr_t addr)
{
	return rec.ops->next_data ? rec.ops->next_data(rec.data, addr) : addr;
}

static const struct vmmap_mem_ops rec_ops = {
	.read_phys = rec_read,
	.phys_end = rec_phys_end,
	.next_data = rec_next_data,
};

static double wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	struct timespec ts;

	/* CPU time: the machine may be shared, and the wall would measure
	 * the neighbours (reading a file in the page cache is CPU too) */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One full map: open, load, walk, format to /dev/null; @reads_ret is the
 * time spent inside the dump reader.  @own: the source's own memory
 * operations (its decompression on a second core included; no reads
 * timed), else through the recorder, one core. */
static double map_once(const char *path, double *reads_ret, bool own,
		       double *wall_ret)
{
	struct vmmap_ctx *ctx = vmmap_new();
	struct vmmap_opts o;
	FILE *null = fopen("/dev/null", "w");
	double t0 = now_ms(), w0 = wall_ms(), t;

	memset(&o, 0, sizeof(o));
	read_ms = 0;
	if (vmmap_open_dump(ctx, path)) {
		fprintf(stderr, "ptfloor: %s\n", vmmap_errmsg(ctx));
		exit(1);
	}
	rec.ops = ctx->mem_ops;
	rec.data = ctx->mem_data;
	if (!own)
		ctx->mem_ops = &rec_ops;
	if (vmmap_load(ctx) || vmmap_run(ctx, &o, null)) {
		fprintf(stderr, "ptfloor: %s\n", vmmap_errmsg(ctx));
		exit(1);
	}
	t = now_ms() - t0;
	*wall_ret = wall_ms() - w0;
	ctx->mem_ops = rec.ops;
	fclose(null);
	vmmap_free(ctx);
	*reads_ret = read_ms;
	return t;
}

/* Record the page-table reads of one full map, deduplicated. */
static void record(const char *path)
{
	double dummy;
	size_t i, j, out = 0;

	recording = true;
	map_once(path, &dummy, false, &dummy);
	recording = false;
	/* keep the first read of each page (a hash of the pages seen) */
	{
		size_t cap = 1;
		uint64_t *seen;

		while (cap < 2 * rec.n + 2)
			cap *= 2;
		seen = calloc(cap, sizeof(*seen));
		if (!seen)
			abort();
		for (i = 0; i < rec.n; i++) {
			uint64_t key = rec.addr[i] + 1;

			for (j = (key * 0x9e3779b97f4a7c15ULL) & (cap - 1);
			     seen[j] && seen[j] != key; j = (j + 1) & (cap - 1))
				;
			if (seen[j])
				continue;
			seen[j] = key;
			rec.addr[out] = rec.addr[i];
			rec.len[out++] = rec.len[i];
		}
		free(seen);
	}
	rec.n = out;
}

static double floor_once(const char *path, double *wall_ret)
{
	double t0 = now_ms(), w0 = wall_ms(), t;
	kdump_ctx_t *k = kdump_new();
	int fd = open(path, O_RDONLY);
	static char *buf;
	static size_t bufsize;
	size_t i;

	if (fd < 0 || !k || kdump_open_fd(k, fd) != KDUMP_OK) {
		fprintf(stderr, "ptfloor: libkdumpfile cannot open %s\n", path);
		exit(1);
	}
	for (i = 0; i < rec.n; i++) {
		size_t len = rec.len[i];

		if (len > bufsize) {
			buf = realloc(buf, len);
			if (!buf)
				abort();
			bufsize = len;
		}
		if (kdump_read(k, KDUMP_MACHPHYSADDR, rec.addr[i], buf,
			       &len) != KDUMP_OK) {
			fprintf(stderr, "ptfloor: libkdumpfile cannot read "
				"0x%" PRIx64 ": %s\n", rec.addr[i],
				kdump_get_err(k));
			exit(1);
		}
	}
	t = now_ms() - t0;
	*wall_ret = wall_ms() - w0;
	kdump_free(k);
	close(fd);
	return t;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 5, i;
	double *m, *f, *r, *mw, *fw, *m2, *m2w;

	if (argc < 2 || n < 1) {
		fprintf(stderr, "usage: ptfloor DUMP [REPEAT]\n");
		return 2;
	}
	m = calloc(n, sizeof(*m));
	f = calloc(n, sizeof(*f));
	r = calloc(n, sizeof(*r));
	mw = calloc(n, sizeof(*mw));
	fw = calloc(n, sizeof(*fw));
	m2 = calloc(n, sizeof(*m2));
	m2w = calloc(n, sizeof(*m2w));
	record(argv[1]);
	for (i = 0; i < n; i++) {
		double dummy;

		m[i] = map_once(argv[1], &r[i], false, &mw[i]);
		m2[i] = map_once(argv[1], &dummy, true, &m2w[i]);
		f[i] = floor_once(argv[1], &fw[i]);
	}
	qsort(m, n, sizeof(*m), cmp_double);
	qsort(f, n, sizeof(*f), cmp_double);
	qsort(r, n, sizeof(*r), cmp_double);
	qsort(mw, n, sizeof(*mw), cmp_double);
	qsort(fw, n, sizeof(*fw), cmp_double);
	qsort(m2, n, sizeof(*m2), cmp_double);
	qsort(m2w, n, sizeof(*m2w), cmp_double);
	printf("%s: %zu page tables; map %.1f ms CPU (reads %.1f ms), floor "
	       "%.1f ms CPU, map/floor %.2f; wall: map %.1f ms, with the "
	       "source's second core %.1f ms (CPU %.1f ms), floor %.1f ms "
	       "(medians of %d)\n", argv[1], rec.n, m[n / 2], r[n / 2],
	       f[n / 2], m[n / 2] / f[n / 2], mw[n / 2], m2w[n / 2],
	       m2[n / 2], fw[n / 2], n);
	free(m);
	free(f);
	free(r);
	free(mw);
	free(fw);
	free(m2);
	free(m2w);
	return 0;
}
