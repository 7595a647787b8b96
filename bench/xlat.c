/*
 * xlat - translation of many addresses, side by side in one run:
 * vmmap_vtop_many() (one walk into an index, then lookups), vmmap_vtop()
 * one address at a time, and libaddrxlat (addrxlat_fulladdr_conv(), what
 * libkdumpfile's users get) one at a time.  The answers of vmmap_vtop_many() are checked
 * to be vmmap_vtop()'s, failures included, for every address.
 *
 * usage: xlat DUMP [N]
 * N addresses (default 4,000,000), in random order: three quarters inside
 * the map's mapped ranges, the rest anywhere in the kernel's half.
 * Prints millions of translations per second of CPU time for each (the
 * machine may be shared: wall time would measure the neighbours).
 */
#include "config.h"
#include "vmmap.h"

#include <fcntl.h>
#include <inttypes.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);	/* CPU: the machine is shared */
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct ranges {
	vmmap_addr_t *start, *last;
	size_t n, cap;
};

static vmmap_status add(void *arg, const struct vmmap_range *r)
{
	struct ranges *rs = arg;

	if (r->kind != VMMAP_RANGE_MAPPED)
		return VMMAP_OK;
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 1024;
		rs->start = realloc(rs->start, rs->cap * sizeof(*rs->start));
		rs->last = realloc(rs->last, rs->cap * sizeof(*rs->last));
		if (!rs->start || !rs->last)
			return VMMAP_ERR_NOMEM;
	}
	rs->start[rs->n] = r->start;
	rs->last[rs->n++] = r->last;
	return VMMAP_OK;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* libaddrxlat's translations per second, and how many it mapped. */
static double addrxlat_rate(const char *path, const vmmap_addr_t *va,
			    size_t n, size_t *ok_ret)
{
	kdump_ctx_t *k = kdump_new();
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	size_t i, ok = 0;
	double t;
	int fd = open(path, O_RDONLY);

	if (!k || fd < 0 || kdump_open_fd(k, fd) != KDUMP_OK) {
		if (k)
			kdump_free(k);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	kdump_set_string_attr(k, "addrxlat.ostype", "linux");
	if (kdump_get_addrxlat(k, &axctx, &axsys) != KDUMP_OK) {
		kdump_free(k);
		close(fd);
		return -1;
	}
	t = now();
	for (i = 0; i < n; i++) {
		addrxlat_fulladdr_t fa = { va[i], ADDRXLAT_KVADDR };

		if (addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, axctx,
					   axsys) == ADDRXLAT_OK)
			ok++;
		addrxlat_ctx_clear_err(axctx);
	}
	t = now() - t;
	addrxlat_ctx_decref(axctx);
	addrxlat_sys_decref(axsys);
	kdump_free(k);
	close(fd);
	*ok_ret = ok;
	return n / t / 1e6;
}

int main(int argc, char **argv)
{
	struct vmmap_ctx *ctx = vmmap_new();
	struct ranges rs = { 0 };
	struct vmmap_xlat *out;
	vmmap_addr_t *va;
	size_t n = argc > 2 ? strtoull(argv[2], NULL, 0) : 4000000, i, bad = 0,
	       mapped = 0, one_n, ax_ok = 0;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	double t0, t_many, t_one, ax, t_rep[4];

	if (argc < 2 || !n) {
		fprintf(stderr, "usage: xlat DUMP [N]\n");
		return 2;
	}
	if (vmmap_open_dump(ctx, argv[1]) || vmmap_load(ctx) ||
	    vmmap_walk(ctx, 0, VMMAP_ADDR_MAX, VMMAP_WALK_NOHOLES, add, &rs)) {
		fprintf(stderr, "xlat: %s\n", vmmap_errmsg(ctx));
		return 1;
	}
	va = malloc(n * sizeof(*va));
	out = malloc(n * sizeof(*out));
	if (!va || !out || !rs.n)
		return 1;
	for (i = 0; i < n; i++) {
		if (rnd(&seed) % 4) {
			size_t k = rnd(&seed) % rs.n;

			va[i] = rs.start[k] + rnd(&seed) %
				(rs.last[k] - rs.start[k] + 1);
		} else {
			va[i] = rs.start[rs.n - 1] - rnd(&seed) %
				(UINT64_C(1) << 46);
		}
	}
	/* the answers' memory is the caller's: in use before the batch */
	memset(out, 0, n * sizeof(*out));
	for (i = 0; i < 4; i++) {
		t0 = now();
		if (vmmap_vtop_many(ctx, va, n, out)) {
			fprintf(stderr, "xlat: %s\n", vmmap_errmsg(ctx));
			return 1;
		}
		t_rep[i] = now() - t0;
	}
	t_many = t_rep[0];
	/* one by one: every address, checked against the batch */
	one_n = n;
	t0 = now();
	for (i = 0; i < one_n; i++) {
		struct vmmap_vtop t;
		vmmap_status st = vmmap_vtop(ctx, va[i], &t);

		if (st != out[i].status ||
		    (!st && (t.paddr != out[i].paddr ||
			     t.page_size != out[i].page_size)))
			bad++;
		mapped += !st;
	}
	t_one = now() - t0;
	ax = addrxlat_rate(argv[1], va, n, &ax_ok);
	printf("%s: %zu addresses (%zu mapped), random order\n", argv[1], n,
	       mapped);
	{
		/* the median of the calls after the first, whose buffers the
		 * context keeps */
		double a = t_rep[1], b = t_rep[2], c = t_rep[3];
		double med = a > b ? (b > c ? b : (a > c ? c : a))
				   : (a > c ? a : (b > c ? c : b));

		printf("  vmmap_vtop_many  %7.1f M/s (first call), %.1f M/s "
		       "(median of the next 3)\n", n / t_many / 1e6,
		       n / med / 1e6);
	}
	printf("  vmmap_vtop       %7.1f M/s (one at a time)\n",
	       one_n / t_one / 1e6);
	if (ax >= 0)
		printf("  libaddrxlat      %7.1f M/s (one at a time; %zu "
		       "mapped)\n", ax, ax_ok);
	else
		printf("  libaddrxlat      (cannot open this dump)\n");
	printf("  answers of vmmap_vtop_many differing from vmmap_vtop: %zu\n",
	       bad);
	vmmap_free(ctx);
	return bad ? 1 : 0;
}
