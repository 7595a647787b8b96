/* mem.c - the one way into memory: physical reads and a table cache. */
#include "config.h"
#include "core/core.h"

#include <endian.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define REC_PAGE UINT64_C(4096)

/* The first run that ends at or after @addr (n if none). */
static size_t record_find(const struct mem_record *r, vmmap_addr_t addr)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->v[mid].end < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Add the pages holding [first, last] to the record, merging runs that
 * touch.  Reads come mostly in address order or repeat: both cheap. */
static vmmap_status record_add(struct vmmap_ctx *ctx, vmmap_addr_t first,
			       vmmap_addr_t last)
{
	struct mem_record *r = ctx->record;
	vmmap_addr_t start = first & ~(REC_PAGE - 1);
	vmmap_addr_t end = (last | (REC_PAGE - 1)) + 1;	/* 0: the top */
	size_t i, j;

	if (!end)
		end = VMMAP_ADDR_MAX & ~(REC_PAGE - 1);
	i = record_find(r, start);
	if (i < r->n && r->v[i].start <= start && r->v[i].end >= end)
		return VMMAP_OK;	/* already there */
	/* runs i..j-1 touch or overlap [start, end) */
	for (j = i; j < r->n && r->v[j].start <= end; j++) {
		if (r->v[j].start < start)
			start = r->v[j].start;
		if (r->v[j].end > end)
			end = r->v[j].end;
	}
	if (j == i) {
		if (r->n == r->cap) {
			size_t cap = r->cap ? 2 * r->cap : 256;
			struct mem_run *nv = realloc(r->v, cap * sizeof(*nv));

			if (!nv)
				return set_nomem(ctx);
			r->v = nv;
			r->cap = cap;
		}
		memmove(&r->v[i + 1], &r->v[i], (r->n - i) * sizeof(*r->v));
		r->n++;
	} else if (j > i + 1) {
		memmove(&r->v[i + 1], &r->v[j], (r->n - j) * sizeof(*r->v));
		r->n -= j - i - 1;
	}
	r->v[i].start = start;
	r->v[i].end = end;
	return VMMAP_OK;
}

void mem_record_free(struct vmmap_ctx *ctx)
{
	if (ctx->record)
		free(ctx->record->v);
	free(ctx->record);
	ctx->record = NULL;
}

vmmap_status mem_read_phys(struct vmmap_ctx *ctx, vmmap_addr_t paddr,
			   void *buf, size_t len)
{
	vmmap_status st;

	if (!ctx->mem_ops)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "no memory source (no dump opened)");
	if (len && paddr + (len - 1) < paddr)
		return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
				       "physical 0x%" PRIx64 "+%zu wraps around",
				       paddr, len);
	st = ctx->mem_ops->read_phys(ctx, ctx->mem_data, paddr, buf, len);
	if (!st && ctx->record && len && !ctx->record_paused)
		st = record_add(ctx, paddr, paddr + (len - 1));
	return st;
}

void mem_prefetch(struct vmmap_ctx *ctx, const vmmap_addr_t *paddr, size_t n,
		  size_t len)
{
	if (ctx->mem_ops && ctx->mem_ops->prefetch && n)
		ctx->mem_ops->prefetch(ctx->mem_data, paddr, n, len);
}

bool mem_phys_end(const struct vmmap_ctx *ctx, vmmap_addr_t *end_ret)
{
	return ctx->mem_ops && ctx->mem_ops->phys_end &&
	       ctx->mem_ops->phys_end(ctx->mem_data, end_ret);
}

vmmap_addr_t mem_next_data(const struct vmmap_ctx *ctx, vmmap_addr_t addr)
{
	if (!ctx->mem_ops || !ctx->mem_ops->next_data)
		return addr;
	return ctx->mem_ops->next_data(ctx->mem_data, addr);
}

void mem_cache_clear(struct vmmap_ctx *ctx)
{
	size_t i;

	for (i = 0; i < PCACHE_SLOTS; i++) {
		free(ctx->pcache[i].data);
		free(ctx->pcache[i].why);
		memset(&ctx->pcache[i], 0, sizeof(ctx->pcache[i]));
	}
}

/*
 * Tables are read whole and kept in a small LRU cache: the walker visits
 * each table once, but vtop, the layout probes and repeated walks come back
 * to the upper levels all the time.  Failed reads are cached too, so a
 * missing table costs one read of the source.
 */
vmmap_status mem_read_table(struct vmmap_ctx *ctx, vmmap_addr_t paddr,
			    size_t size, const uint8_t **data_ret)
{
	struct pcache_ent *e, *victim = &ctx->pcache[0];
	size_t i;

	for (i = 0; i < PCACHE_SLOTS; i++) {
		e = &ctx->pcache[i];
		if (e->data && e->addr == paddr && e->size == size) {
			e->age = ++ctx->pcache_clock;
			*data_ret = e->data;
			if (!e->status)
				return VMMAP_OK;
			if (e->why)	/* the failure, said again */
				return vmmap_set_error(ctx, e->status, "%s",
						       e->why);
			if (ctx->quiet)
				return e->status;
			victim = e;	/* read again for the reason */
			break;
		}
		if (!e->data || e->age < victim->age)
			victim = e;
		if (!e->data)
			break;
	}
	e = victim;
	if (e->size != size) {
		uint8_t *nd = realloc(e->data, size);

		if (!nd)
			return set_nomem(ctx);
		e->data = nd;
		e->size = size;
	}
	e->addr = paddr;
	e->age = ++ctx->pcache_clock;
	free(e->why);
	e->why = NULL;
	{
		/* the read's own message, for the cache */
		char *before = ctx->errmsg;

		unsigned paused = ctx->record_paused, mute = ctx->mute;

		/* a table is always noted: the cache keeps it from being
		 * read (and noted) again later */
		ctx->errmsg = NULL;
		ctx->record_paused = 0;
		ctx->mute = 0;		/* the cache keeps why, muted or not */
		e->status = mem_read_phys(ctx, paddr, e->data, size);
		ctx->mute = mute;
		ctx->record_paused = paused;
		if (e->status && ctx->errmsg)
			e->why = strdup(ctx->errmsg);
		vmmap_clear_error(ctx);
		ctx->errmsg = before;
		if (e->status && e->why)
			vmmap_set_error(ctx, e->status, "%s", e->why);
	}
	ctx->stat_tables_read++;
	*data_ret = e->data;
	return e->status;
}

