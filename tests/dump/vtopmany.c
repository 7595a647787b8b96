/*
 * vtopmany - vmmap_vtop_many() gives what vmmap_vtop() gives, address by
 * address, failures included, on a real dump: a large batch (the sorted
 * walk) and a small one (one by one), in random order, addresses inside
 * every mapped range, at the edges of every range of any kind (holes,
 * unreadable tables, invalid entries), and anywhere.
 *
 * usage: vtopmany DUMP [N]    exit 0 same, 1 different, 2 usage/error
 */
#include "config.h"
#include "vmmap.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct list {
	vmmap_addr_t *v;
	size_t n, cap;
};

static int push(struct list *l, vmmap_addr_t a)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 4096;
		vmmap_addr_t *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = a;
	return 0;
}

static vmmap_status edges(void *arg, const struct vmmap_range *r)
{
	struct list *l = arg;

	if (push(l, r->start) || push(l, r->last) ||
	    push(l, r->start + (r->last - r->start) / 2))
		return VMMAP_ERR_NOMEM;
	return VMMAP_OK;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static size_t compare(struct vmmap_ctx *ctx, const vmmap_addr_t *va,
		      size_t n, const char *what)
{
	struct vmmap_xlat *x = calloc(n ? n : 1, sizeof(*x));
	size_t i, bad = 0, ok = 0;

	if (!x || vmmap_vtop_many(ctx, va, n, x)) {
		fprintf(stderr, "vtop_many (%s): %s\n", what,
			vmmap_errmsg(ctx));
		free(x);
		return n ? n : 1;
	}
	for (i = 0; i < n; i++) {
		struct vmmap_vtop t;
		vmmap_status st = vmmap_vtop(ctx, va[i], &t);

		if (st != x[i].status || (!st && (t.paddr != x[i].paddr ||
		    t.page_size != x[i].page_size || t.prot != x[i].prot ||
		    t.eff != x[i].eff))) {
			if (bad++ < 5)
				fprintf(stderr, "%s: 0x%016" PRIx64 ": vtop %s "
					"0x%" PRIx64 " (page 0x%" PRIx64
					" prot 0x%" PRIx64 " eff 0x%" PRIx64
					"), vtop_many %s 0x%" PRIx64
					" (page 0x%" PRIx64 " prot 0x%" PRIx64
					" eff 0x%" PRIx64 ")\n", what, va[i],
					vmmap_strstatus(st), t.paddr,
					(uint64_t)t.page_size,
					(uint64_t)t.prot, (uint64_t)t.eff,
					vmmap_strstatus(x[i].status),
					x[i].paddr, (uint64_t)x[i].page_size,
					(uint64_t)x[i].prot,
					(uint64_t)x[i].eff);
		}
		ok += !st;
	}
	printf("%s: %zu addresses (%zu mapped), %zu differ\n", what, n, ok,
	       bad);
	free(x);
	return bad;
}

/* The first and last address of the mapped ranges. */
static vmmap_status mapped_span(void *arg, const struct vmmap_range *r)
{
	vmmap_addr_t *span = arg;

	if (r->kind != VMMAP_RANGE_MAPPED)
		return VMMAP_OK;
	if (r->start < span[0])
		span[0] = r->start;
	if (r->last > span[1])
		span[1] = r->last;
	return VMMAP_OK;
}

int main(int argc, char **argv)
{
	struct vmmap_ctx *ctx = vmmap_new();
	struct list l = { 0 }, all = { 0 };
	size_t n = argc > 2 ? strtoull(argv[2], NULL, 0) : 100000, i, bad;
	uint64_t s = 0x2545f4914f6cdd1dULL;

	if (argc < 2) {
		fprintf(stderr, "usage: vtopmany DUMP [N]\n");
		return 2;
	}
	if (!ctx || vmmap_open_dump(ctx, argv[1]) || vmmap_load(ctx) ||
	    vmmap_walk(ctx, 0, VMMAP_ADDR_MAX, 0, edges, &l)) {
		fprintf(stderr, "vtopmany: %s\n", vmmap_errmsg(ctx));
		return 2;
	}
	for (i = 0; i < n + l.n; i++) {
		vmmap_addr_t a;

		if (i < l.n)
			a = l.v[i];
		else if (rnd(&s) % 2)
			a = l.v[rnd(&s) % l.n] + (rnd(&s) & 0xfffff) -
			    0x80000;
		else
			a = rnd(&s);
		if (push(&all, a))
			return 2;
	}
	for (i = all.n; i > 1; i--) {	/* shuffled */
		size_t j = rnd(&s) % i;
		vmmap_addr_t t = all.v[i - 1];

		all.v[i - 1] = all.v[j];
		all.v[j] = t;
	}
	bad = compare(ctx, all.v, all.n, "one batch");
	bad += compare(ctx, all.v, all.n < 1000 ? all.n : 1000, "a small batch");
	{
		/* Only the addresses between the map's first and last range:
		 * few varying bits, so that the batch sorts the narrow
		 * records (page bits and place in one word), where "anywhere"
		 * above makes it sort the wide ones. */
		vmmap_addr_t span[2] = { VMMAP_ADDR_MAX, 0 }, lo, hi;
		size_t k = 0;

		if (vmmap_walk(ctx, 0, VMMAP_ADDR_MAX, VMMAP_WALK_NOHOLES,
			       mapped_span, span)) {
			fprintf(stderr, "vtopmany: %s\n", vmmap_errmsg(ctx));
			return 2;
		}
		lo = span[0];
		hi = span[1];
		for (i = 0; i < all.n; i++)
			if (all.v[i] >= lo && all.v[i] <= hi)
				all.v[k++] = all.v[i];
		bad += compare(ctx, all.v, k, "one batch within the map's span");
	}
	free(l.v);
	free(all.v);
	vmmap_free(ctx);
	return bad ? 1 : 0;
}
