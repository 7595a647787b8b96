/*
 * space.c - address spaces other than the kernel's.
 *
 * A user address space is walked by the same walker with the same
 * architecture descriptor as the kernel's: only the root (and where the
 * architecture says so, the shape of the tables) differs, and its
 * "regions" are its VMAs.  Entering one swaps the format, the regions and
 * the markers the walker, vtop and the formats use; the kernel's are kept
 * aside, and kernel-virtual reads (kernel objects, while a user space is
 * entered) still translate through the kernel's tables.
 */
#include "config.h"
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

static void swap_out(struct vmmap_ctx *ctx, struct space *s)
{
	s->fmt = ctx->fmt;
	s->regions = ctx->regions;
	s->nregions = ctx->nregions;
	s->capregions = ctx->capregions;
	s->markers = ctx->markers;
	s->nmarkers = ctx->nmarkers;
	s->capmarkers = ctx->capmarkers;
	s->markers_done = ctx->markers_done;
}

static void swap_in(struct vmmap_ctx *ctx, const struct space *s)
{
	ctx->fmt = s->fmt;
	ctx->regions = s->regions;
	ctx->nregions = s->nregions;
	ctx->capregions = s->capregions;
	ctx->markers = s->markers;
	ctx->nmarkers = s->nmarkers;
	ctx->capmarkers = s->capmarkers;
	ctx->markers_done = s->markers_done;
}

vmmap_status space_enter(struct vmmap_ctx *ctx, const struct pgfmt *f,
			 struct vmmap_region *regions, size_t nregions,
			 vmmap_addr_t last, vmmap_addr_t user_last)
{
	struct space *k;

	space_leave(ctx);
	k = calloc(1, sizeof(*k));
	if (!k) {
		free(regions);
		return set_nomem(ctx);
	}
	swap_out(ctx, k);
	k->last = last;		/* of the space entered */
	k->user_last = user_last;
	ctx->kspace = k;
	ctx->fmt = *f;
	ctx->regions = regions;
	ctx->nregions = ctx->capregions = nregions;
	/* no markers: the kernel's ptdump has none for user tables */
	ctx->markers = NULL;
	ctx->nmarkers = ctx->capmarkers = 0;
	ctx->markers_done = true;
	/* The memo is keyed by table and level, which mean other things
	 * where the shape differs (s390x ASCE types). */
	memo_free(ctx);
	return VMMAP_OK;
}

void space_leave(struct vmmap_ctx *ctx)
{
	struct space *k = ctx->kspace;

	batch_free(ctx);	/* the map changes, or is loaded again */
	if (!k)
		return;
	free(ctx->regions);
	free(ctx->markers);
	swap_in(ctx, k);
	free(k);
	ctx->kspace = NULL;
	memo_free(ctx);
}

vmmap_addr_t space_last(const struct vmmap_ctx *ctx)
{
	return ctx->kspace ? ctx->kspace->last : VMMAP_ADDR_MAX;
}

vmmap_addr_t space_user_last(const struct vmmap_ctx *ctx)
{
	return ctx->kspace ? ctx->kspace->user_last : VMMAP_ADDR_MAX;
}

const struct pgfmt *kernel_fmt(const struct vmmap_ctx *ctx)
{
	return ctx->kspace ? &ctx->kspace->fmt : &ctx->fmt;
}
