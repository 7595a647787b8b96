/*
 * vtopmany - vmmap_vtop_many() gives what vmmap_vtop() gives, address by
 * address, failures included, on a real dump: a small batch before any
 * large one (one by one), a large batch (which indexes the map) and small
 * ones after it (through the index), in random order, addresses inside
 * every mapped range, at the edges of every range of any kind (holes,
 * unreadable tables, invalid entries), and anywhere.  Then the same in
 * PID 1's address space where the dump has its tasks, and in the
 * kernel's again: the index must follow the map it was made from.
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

/* Every check on the map the context has now: @what says which. */
static size_t check(struct vmmap_ctx *ctx, size_t n, const char *what)
{
	struct list l = { 0 }, all = { 0 };
	uint64_t s = 0x2545f4914f6cdd1dULL;
	size_t i, bad = 0, small;
	char label[128];

	if (vmmap_walk(ctx, 0, VMMAP_ADDR_MAX, 0, edges, &l)) {
		fprintf(stderr, "vtopmany: %s\n", vmmap_errmsg(ctx));
		return 1;
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
			return 1;
	}
	for (i = all.n; i > 1; i--) {	/* shuffled */
		size_t j = rnd(&s) % i;
		vmmap_addr_t t = all.v[i - 1];

		all.v[i - 1] = all.v[j];
		all.v[j] = t;
	}
	small = all.n < 1000 ? all.n : 1000;
	snprintf(label, sizeof(label), "%s: a small batch, no index", what);
	bad += compare(ctx, all.v, small, label);
	snprintf(label, sizeof(label), "%s: one batch", what);
	bad += compare(ctx, all.v, all.n, label);
	snprintf(label, sizeof(label), "%s: a small batch, indexed", what);
	bad += compare(ctx, all.v + all.n - small, small, label);
	{
		/* Only the addresses between the map's first and last range:
		 * dense where the map is. */
		vmmap_addr_t span[2] = { VMMAP_ADDR_MAX, 0 }, lo, hi;
		size_t k = 0;

		if (vmmap_walk(ctx, 0, VMMAP_ADDR_MAX, VMMAP_WALK_NOHOLES,
			       mapped_span, span)) {
			fprintf(stderr, "vtopmany: %s\n", vmmap_errmsg(ctx));
			return bad + 1;
		}
		lo = span[0];
		hi = span[1];
		for (i = 0; i < all.n; i++)
			if (all.v[i] >= lo && all.v[i] <= hi)
				all.v[k++] = all.v[i];
		snprintf(label, sizeof(label),
			 "%s: one batch within the map's span", what);
		bad += compare(ctx, all.v, k, label);
	}
	free(l.v);
	free(all.v);
	return bad;
}

int main(int argc, char **argv)
{
	struct vmmap_ctx *ctx = vmmap_new();
	size_t n = argc > 2 ? strtoull(argv[2], NULL, 0) : 100000, bad;

	if (argc < 2) {
		fprintf(stderr, "usage: vtopmany DUMP [N]\n");
		return 2;
	}
	if (!ctx || vmmap_open_dump(ctx, argv[1]) || vmmap_load(ctx)) {
		fprintf(stderr, "vtopmany: %s\n", vmmap_errmsg(ctx));
		return 2;
	}
	bad = check(ctx, n, "kernel");
	/* a user address space, where the dump has what it takes */
	if (vmmap_select_pid(ctx, 1) == VMMAP_OK) {
		bad += check(ctx, n / 4, "PID 1");
		if (vmmap_select_mm(ctx, 0)) {
			fprintf(stderr, "vtopmany: %s\n", vmmap_errmsg(ctx));
			return 2;
		}
		bad += check(ctx, n / 4, "kernel again");
	} else {
		printf("no PID 1 address space: %s\n", vmmap_errmsg(ctx));
	}
	vmmap_free(ctx);
	return bad ? 1 : 0;
}
