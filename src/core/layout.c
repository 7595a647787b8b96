/* layout.c - regions of the documented layout and ptdump markers. */
#include "config.h"
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

#define PUBLIC __attribute__((visibility("default")))

static const char hole_id[] = "hole", hole_name[] = "unused hole";

static vmmap_status reserve(struct vmmap_ctx *ctx, size_t n)
{
	struct vmmap_region *nr;
	size_t cap;

	if (n <= ctx->capregions)
		return VMMAP_OK;
	cap = ctx->capregions ? ctx->capregions : 16;
	while (cap < n)
		cap *= 2;
	nr = realloc(ctx->regions, cap * sizeof(*nr));
	if (!nr)
		return set_nomem(ctx);
	ctx->regions = nr;
	ctx->capregions = cap;
	return VMMAP_OK;
}

/*
 * Regions are kept as a sorted partition of the whole 64-bit space.  Adding
 * one paints it over what is there, so arch code states the documented
 * layout first and the parts found at run time (randomised bases) last.
 */
vmmap_status region_add(struct vmmap_ctx *ctx, vmmap_addr_t start,
			vmmap_addr_t last, const char *id, const char *name)
{
	struct vmmap_region *r, nr = { start, last, id, name, false, 0, false };
	size_t i, j;
	vmmap_status st;

	if (start > last)
		return VMMAP_OK;
	if (!ctx->nregions) {
		st = reserve(ctx, 1);
		if (st)
			return st;
		ctx->regions[0] = (struct vmmap_region){
			0, VMMAP_ADDR_MAX, hole_id, hole_name, true, 0, false };
		ctx->nregions = 1;
	}
	/* At most one segment is split in two, plus the new one. */
	st = reserve(ctx, ctx->nregions + 2);
	if (st)
		return st;
	for (i = 0; i < ctx->nregions; i++) {
		r = &ctx->regions[i];
		if (r->last < start || r->start > last)
			continue;
		if (r->start < start && r->last > last) {
			/* split: [r.start, start-1] nr [last+1, r.last] */
			memmove(r + 2, r, (ctx->nregions - i) * sizeof(*r));
			ctx->nregions += 2;
			r[0].last = start - 1;
			r[1] = nr;
			r[2].start = last + 1;
			return VMMAP_OK;
		}
		if (r->start < start) {
			r->last = start - 1;
			continue;
		}
		if (r->last > last) {
			r->start = last + 1;
			continue;
		}
		/* fully covered: remove */
		memmove(r, r + 1, (ctx->nregions - i - 1) * sizeof(*r));
		ctx->nregions--;
		i--;
	}
	for (j = 0; j < ctx->nregions && ctx->regions[j].start < start; j++)
		;
	memmove(&ctx->regions[j + 1], &ctx->regions[j],
		(ctx->nregions - j) * sizeof(*r));
	ctx->regions[j] = nr;
	ctx->nregions++;
	return VMMAP_OK;
}

void region_limit_lines(struct vmmap_ctx *ctx, const char *id, unsigned n)
{
	size_t i;

	for (i = 0; i < ctx->nregions; i++)
		if (!strcmp(ctx->regions[i].id, id))
			ctx->regions[i].max_lines = n;
}

void region_per_boot(struct vmmap_ctx *ctx, const char *id)
{
	size_t i;

	for (i = 0; i < ctx->nregions; i++)
		if (!strcmp(ctx->regions[i].id, id))
			ctx->regions[i].per_boot = true;
}

vmmap_status regions_finish(struct vmmap_ctx *ctx)
{
	size_t i, o = 0;
	unsigned bits = pg_va_bits(&ctx->fmt);
	vmmap_status st;

	if (!ctx->nregions) {
		st = region_add(ctx, 0, VMMAP_ADDR_MAX, hole_id, hole_name);
		if (st)
			return st;
	}
	/* A space narrower than 64 bits (arm's 32, s390x's ASCE limit):
	 * what lies above it is no address at all, not a hole of the layout. */
	if (ctx->fmt.ext == VA_ZERO && bits && bits < 64) {
		st = region_add(ctx, (vmmap_addr_t)1 << bits, VMMAP_ADDR_MAX,
				"beyond", "beyond the address space");
		if (st)
			return st;
	}
	for (i = 0; i < ctx->nregions; i++) {
		struct vmmap_region *r = &ctx->regions[i];

		r->hole = r->id == hole_id || !strcmp(r->id, hole_id);
		if (o && r->hole && ctx->regions[o - 1].hole) {
			ctx->regions[o - 1].last = r->last;
			continue;
		}
		ctx->regions[o++] = *r;
	}
	ctx->nregions = o;
	return VMMAP_OK;
}

PUBLIC size_t vmmap_region_count(const struct vmmap_ctx *ctx)
{
	return ctx->nregions;
}

PUBLIC const struct vmmap_region *vmmap_region_get(const struct vmmap_ctx *ctx,
						   size_t i)
{
	return i < ctx->nregions ? &ctx->regions[i] : NULL;
}

PUBLIC const struct vmmap_region *vmmap_region_of(const struct vmmap_ctx *ctx,
						  vmmap_addr_t addr)
{
	size_t lo = 0, hi = ctx->nregions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ctx->regions[mid].last < addr)
			lo = mid + 1;
		else if (ctx->regions[mid].start > addr)
			hi = mid;
		else
			return &ctx->regions[mid];
	}
	return NULL;
}

/* Insert a marker after those at or below @addr; its index in *@j. */
static vmmap_status marker_insert(struct vmmap_ctx *ctx, vmmap_addr_t addr,
				  const char *name, size_t *j_ret)
{
	size_t j;

	if (ctx->nmarkers == ctx->capmarkers) {
		size_t cap = ctx->capmarkers ? 2 * ctx->capmarkers : 16;
		struct marker *nm = realloc(ctx->markers, cap * sizeof(*nm));

		if (!nm)
			return set_nomem(ctx);
		ctx->markers = nm;
		ctx->capmarkers = cap;
	}
	for (j = ctx->nmarkers; j > 0 && ctx->markers[j - 1].addr > addr; j--)
		ctx->markers[j] = ctx->markers[j - 1];
	ctx->markers[j].addr = addr;
	ctx->markers[j].name = name;
	ctx->markers[j].owned = false;
	ctx->markers[j].soft = false;
	ctx->nmarkers++;
	*j_ret = j;
	return VMMAP_OK;
}

vmmap_status marker_add(struct vmmap_ctx *ctx, vmmap_addr_t addr,
			const char *name)
{
	size_t j;

	return marker_insert(ctx, addr, name, &j);
}

vmmap_status marker_add_soft(struct vmmap_ctx *ctx, vmmap_addr_t addr,
			     const char *name)
{
	size_t j;
	vmmap_status st = marker_insert(ctx, addr, name, &j);

	if (!st)
		ctx->markers[j].soft = true;
	return st;
}

vmmap_status marker_add_owned(struct vmmap_ctx *ctx, vmmap_addr_t addr,
			      char *name)
{
	vmmap_status st = marker_add(ctx, addr, name);
	size_t j;

	if (st) {
		free(name);
		return st;
	}
	for (j = 0; j < ctx->nmarkers; j++)
		if (ctx->markers[j].name == name)
			ctx->markers[j].owned = true;
	return VMMAP_OK;
}

void markers_free(struct vmmap_ctx *ctx)
{
	size_t j;

	for (j = 0; j < ctx->nmarkers; j++)
		if (ctx->markers[j].owned)
			free((char *)ctx->markers[j].name);
	ctx->nmarkers = 0;
}
