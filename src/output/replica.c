/*
 * replica.c - what a REPLICA range maps, for the outputs that must count
 * or search every copy (--stats, --check, --ptov) without walking every
 * copy (VMMAP_WALK_ALL), which hostile tables make endless.
 *
 * A REPLICA range is a copy of a subtree the walk printed earlier: its
 * entries point to the same table (same level, same inherited
 * permissions), so every address x of it maps what the first copy maps
 * at replica_of + (x mod the copy's span).  The ranges of a walk are kept
 * (in address order, as delivered) and a replica is resolved into the
 * ranges of its source, recursively: a source may hold replicas itself.
 */
#include "config.h"
#include "output/output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Ranges kept: beyond, a replica whose source is not kept is an error. */
#define REP_MAX_RECS (UINT64_C(1) << 21)
/* Nesting of replicas within the sources of replicas. */
#define REP_MAX_DEPTH 8
/* Source ranges rep_resolve() may hand out in all (the copies are many
 * only in hostile tables: real kernels' shared tables are printed). */
#define REP_BUDGET (UINT64_C(1) << 19)

void rep_init(struct rep *rp, struct vmmap_ctx *ctx)
{
	memset(rp, 0, sizeof(*rp));
	rp->ctx = ctx;
	rp->budget = REP_BUDGET;
}

void rep_free(struct rep *rp)
{
	free(rp->recs);
	memset(rp, 0, sizeof(*rp));
}

vmmap_status rep_add(struct rep *rp, const struct vmmap_range *r)
{
	if (r->kind == VMMAP_RANGE_HOLE || r->kind == VMMAP_RANGE_INVALID)
		return VMMAP_OK;
	if (rp->full)
		return VMMAP_OK;
	if (rp->n == REP_MAX_RECS) {
		rp->full = true;
		rp->kept_last = rp->recs[rp->n - 1].last;
		return VMMAP_OK;
	}
	if (rp->n == rp->cap) {
		size_t cap = rp->cap ? 2 * rp->cap : 1024;
		struct vmmap_range *nr = realloc(rp->recs, cap * sizeof(*nr));

		if (!nr)
			return set_nomem(rp->ctx);
		rp->recs = nr;
		rp->cap = cap;
	}
	rp->recs[rp->n++] = *r;
	return VMMAP_OK;
}

/* The span of one copy of a REPLICA range's table: what one entry of the
 * level that points to it covers. */
uint64_t rep_copy_span(const struct vmmap_ctx *ctx,
		       const struct vmmap_range *r)
{
	return (uint64_t)1 << ctx->fmt.lv[r->level].shift;
}

/* The first kept range that ends at or after @a. */
static size_t first_from(const struct rep *rp, vmmap_addr_t a)
{
	size_t lo = 0, hi = rp->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rp->recs[mid].last < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static vmmap_status resolve(struct rep *rp, vmmap_addr_t a, vmmap_addr_t b,
			    vmmap_addr_t to, int depth, rep_fn *fn,
			    void *arg);

/* The part [a, b] of the replica @r, seen at @to + (x - a). */
static vmmap_status resolve_replica(struct rep *rp,
				    const struct vmmap_range *r,
				    vmmap_addr_t a, vmmap_addr_t b,
				    vmmap_addr_t to, int depth, rep_fn *fn,
				    void *arg)
{
	uint64_t span = rep_copy_span(rp->ctx, r);
	vmmap_addr_t x = a;
	vmmap_status st = VMMAP_OK;

	if (depth >= REP_MAX_DEPTH)
		return vmmap_set_error(rp->ctx, VMMAP_ERR_LIMIT,
			"copies of page tables nested more than %d deep at "
			"0x%" PRIx64 ": tables too large or hostile",
			REP_MAX_DEPTH, a);
	while (!st) {
		vmmap_addr_t end = x | (span - 1);
		vmmap_addr_t src = r->replica_of + (x & (span - 1));

		if (end > b)
			end = b;
		st = resolve(rp, src, src + (end - x), to + (x - a), depth + 1,
			     fn, arg);
		if (end == b)
			break;
		x = end + 1;
	}
	return st;
}

/* Every kept range in [a, b] (replicas resolved), clipped, with the
 * address it is seen at (@to for @a). */
static vmmap_status resolve(struct rep *rp, vmmap_addr_t a, vmmap_addr_t b,
			    vmmap_addr_t to, int depth, rep_fn *fn, void *arg)
{
	size_t i;
	vmmap_status st = VMMAP_OK;

	if (rp->full && b > rp->kept_last)
		return vmmap_set_error(rp->ctx, VMMAP_ERR_LIMIT,
			"more than %" PRIu64 " ranges before the copy of "
			"0x%" PRIx64 ": tables too large or hostile",
			REP_MAX_RECS, a);
	for (i = first_from(rp, a); !st && i < rp->n &&
	     rp->recs[i].start <= b; i++) {
		const struct vmmap_range *r = &rp->recs[i];
		vmmap_addr_t ca = r->start > a ? r->start : a;
		vmmap_addr_t cb = r->last < b ? r->last : b;

		if (r->kind == VMMAP_RANGE_REPLICA) {
			st = resolve_replica(rp, r, ca, cb, to + (ca - a),
					     depth, fn, arg);
		} else if (!rp->budget) {
			st = vmmap_set_error(rp->ctx, VMMAP_ERR_LIMIT,
				"more than %" PRIu64 " ranges in the copies of "
				"shared page tables at 0x%" PRIx64 ": tables "
				"too large or hostile", REP_BUDGET, to);
		} else {
			rp->budget--;
			st = fn(arg, r, ca, cb, to + (ca - a));
		}
	}
	return st;
}

vmmap_status rep_resolve(struct rep *rp, const struct vmmap_range *r,
			 rep_fn *fn, void *arg)
{
	return resolve_replica(rp, r, r->start, r->last, r->start, 0, fn,
			       arg);
}

/* ---- sums: what the copies come to, for --stats ---- */

static void sums_add(struct rep_sums *acc, uint64_t page_size, uint64_t len,
		     uint64_t times)
{
	int i;

	for (i = 0; i < acc->n && acc->page_size[i] != page_size; i++)
		;
	if (i == acc->n) {
		if (acc->n == REP_SUMS_SIZES)
			i = REP_SUMS_SIZES - 1;	/* never: a few page sizes */
		else
			acc->page_size[acc->n++] = page_size;
	}
	acc->bytes[i] += len * times;
}

static void sums_merge(struct rep_sums *acc, const struct rep_sums *x,
		       uint64_t times)
{
	int i;

	for (i = 0; i < x->n; i++)
		sums_add(acc, x->page_size[i], x->bytes[i], times);
	acc->unreadable += x->unreadable * times;
}

static vmmap_status sum_range(struct rep *rp, vmmap_addr_t a, vmmap_addr_t b,
			      int depth, struct rep_sums *acc);

/* One whole copy of the source at @src (span @span), cached. */
static vmmap_status sum_copy(struct rep *rp, vmmap_addr_t src, uint64_t span,
			     int depth, struct rep_sums *out)
{
	struct rep_cache *c;
	vmmap_status st;
	int i;

	for (i = 0; i < REP_CACHE; i++) {
		c = &rp->cache[i];
		if (c->used && c->src == src && c->span == span) {
			*out = c->sums;
			return VMMAP_OK;
		}
	}
	memset(out, 0, sizeof(*out));
	st = sum_range(rp, src, src + (span - 1), depth, out);
	if (st)
		return st;
	c = &rp->cache[rp->next_cache++ % REP_CACHE];
	c->used = true;
	c->src = src;
	c->span = span;
	c->sums = *out;
	return VMMAP_OK;
}

static vmmap_status sum_replica(struct rep *rp, const struct vmmap_range *r,
				vmmap_addr_t a, vmmap_addr_t b, int depth,
				struct rep_sums *acc)
{
	uint64_t span = rep_copy_span(rp->ctx, r);
	vmmap_addr_t x = a;
	vmmap_status st = VMMAP_OK;

	if (depth >= REP_MAX_DEPTH)
		return vmmap_set_error(rp->ctx, VMMAP_ERR_LIMIT,
			"copies of page tables nested more than %d deep at "
			"0x%" PRIx64 ": tables too large or hostile",
			REP_MAX_DEPTH, a);
	while (!st) {
		vmmap_addr_t end = x | (span - 1);
		vmmap_addr_t src = r->replica_of + (x & (span - 1));

		if (end > b)
			end = b;
		if (!(x & (span - 1)) && end == (x | (span - 1))) {
			/* whole copies: one sum, times how many */
			struct rep_sums one;
			uint64_t n = (b - x + 1) / span;

			if (n == 0 || (x | (span - 1)) > b)
				n = 1;
			st = sum_copy(rp, src, span, depth + 1, &one);
			if (st)
				break;
			sums_merge(acc, &one, n);
			end = x + (n * span - 1);
		} else {
			st = sum_range(rp, src, src + (end - x), depth + 1,
				       acc);
		}
		if (st || end == b)
			break;
		x = end + 1;
	}
	return st;
}

static vmmap_status sum_range(struct rep *rp, vmmap_addr_t a, vmmap_addr_t b,
			      int depth, struct rep_sums *acc)
{
	size_t i;
	vmmap_status st = VMMAP_OK;

	if (rp->full && b > rp->kept_last)
		return vmmap_set_error(rp->ctx, VMMAP_ERR_LIMIT,
			"more than %" PRIu64 " ranges before the copy of "
			"0x%" PRIx64 ": tables too large or hostile",
			REP_MAX_RECS, a);
	for (i = first_from(rp, a); !st && i < rp->n &&
	     rp->recs[i].start <= b; i++) {
		const struct vmmap_range *r = &rp->recs[i];
		vmmap_addr_t ca = r->start > a ? r->start : a;
		vmmap_addr_t cb = r->last < b ? r->last : b;

		if (r->kind == VMMAP_RANGE_REPLICA)
			st = sum_replica(rp, r, ca, cb, depth, acc);
		else if (r->kind == VMMAP_RANGE_MAPPED)
			sums_add(acc, r->page_size, cb - ca + 1, 1);
		else
			acc->unreadable += cb - ca + 1;
	}
	return st;
}

vmmap_status rep_sum(struct rep *rp, const struct vmmap_range *r,
		     struct rep_sums *acc)
{
	memset(acc, 0, sizeof(*acc));
	return sum_replica(rp, r, r->start, r->last, 0, acc);
}
