/*
 * kread.c - reading the kernel's variables and structures through its own
 * page tables, in its byte order and pointer size (the dump's, never the
 * host's), and the kernel room's data in the context.
 */
#include "config.h"
#include "kernel/kernel.h"

#include <stdlib.h>
#include <string.h>

unsigned kr_ptr_size(const struct vmmap_ctx *ctx)
{
	unsigned p = kernel_fmt(ctx)->ptr_size;

	return p ? p : 8;
}

uint64_t kr_page_size(const struct vmmap_ctx *ctx)
{
	const struct pgfmt *f = kernel_fmt(ctx);

	return f->nlevels ? (uint64_t)1 << f->lv[f->nlevels - 1].shift : 4096;
}

bool kr_region_last(const struct vmmap_ctx *ctx, vmmap_addr_t addr,
		    const char *id, vmmap_addr_t *last_ret)
{
	const struct vmmap_region *r = ctx->kspace ? ctx->kspace->regions
						   : ctx->regions;
	size_t i, n = ctx->kspace ? ctx->kspace->nregions : ctx->nregions;

	for (i = 0; i < n; i++)
		if (addr >= r[i].start && addr <= r[i].last) {
			*last_ret = r[i].last;
			return !strcmp(r[i].id, id);
		}
	return false;
}

vmmap_status kr_read(struct vmmap_ctx *ctx, vmmap_addr_t addr, void *buf,
		     size_t len)
{
	return virt_read(ctx, addr, buf, len);
}

vmmap_status kr_uint(struct vmmap_ctx *ctx, vmmap_addr_t addr, unsigned size,
		     uint64_t *v)
{
	uint8_t b[8];
	vmmap_status st;

	if (size == 0 || size > 8)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "reading a %u-byte integer", size);
	st = virt_read(ctx, addr, b, size);
	if (st)
		return st;
	*v = get_uint(b, size, pg_data_be(kernel_fmt(ctx)));
	return VMMAP_OK;
}

vmmap_status kr_ptr(struct vmmap_ctx *ctx, vmmap_addr_t addr, uint64_t *v)
{
	return kr_uint(ctx, addr, kr_ptr_size(ctx), v);
}

vmmap_status kr_member(struct vmmap_ctx *ctx, vmmap_addr_t obj,
		       const struct kmember *m, uint64_t *v)
{
	return kr_uint(ctx, obj + m->off, m->size, v);
}

uint64_t kr_get(const struct vmmap_ctx *ctx, const uint8_t *obj,
		const struct kmember *m)
{
	if (!m->size || m->size > 8)
		return 0;
	return get_uint(obj + m->off, (unsigned)m->size,
		     pg_data_be(kernel_fmt(ctx)));
}

vmmap_status kr_str(struct vmmap_ctx *ctx, vmmap_addr_t addr, char *buf,
		    size_t size)
{
	size_t have = 0;

	if (!size)
		return VMMAP_OK;
	/* page by page: a short string at a page's end must not need the
	 * next page */
	while (have + 1 < size) {
		size_t chunk = 4096 - ((addr + have) & 4095), i;
		vmmap_status st;

		if (chunk > size - 1 - have)
			chunk = size - 1 - have;
		st = virt_read(ctx, addr + have, buf + have, chunk);
		if (st)
			return st;
		for (i = 0; i < chunk; i++)
			if (!buf[have + i]) {
				return VMMAP_OK;
			}
		have += chunk;
	}
	buf[have] = 0;
	return VMMAP_OK;
}

/* ---- the kernel room's data ---- */

/* Everything but the types is plain data; the types free themselves
 * (types.c sets types_free), so this file calls no other of the room. */
void kern_free(struct vmmap_ctx *ctx)
{
	struct kern *k = ctx->kern;
	size_t i;

	if (!k)
		return;
	if (k->types_free)
		k->types_free(k->types);
	free(k->types_err);
	free(k->gsyms);
	free(k->areas);
	free(k->areas_err);
	free(k->mods);
	free(k->mods_err);
	free(k->tasks);
	free(k->tasks_err);
	for (i = 0; i < k->nstrs; i++)
		free(k->strs[i]);
	free(k->strs);
	for (i = 0; i < k->nobj_notes; i++)
		free(k->obj_notes[i]);
	free(k->obj_notes);
	free(k->objs);
	free(k->segs);
	free(k->objs_err);
	free(k->pub_mods);
	free(k->pub_tasks);
	for (i = 0; i < k->nslab_caches; i++)
		free((char *)k->slab_caches[i].name);
	free(k->slab_caches);
	free(k->slab_runs);
	free(k->slabs_err);
	free(k->vmas);
	free(k->vma_names);
	free(k->sel_names);
	free(k->img);
	free(k);
	ctx->kern = NULL;
}

struct kern *kern_of(struct vmmap_ctx *ctx)
{
	if (!ctx->kern) {
		ctx->kern = calloc(1, sizeof(struct kern));
		if (ctx->kern)
			ctx->kern_free = kern_free;
	}
	return ctx->kern;
}

vmmap_status kern_fail_again(struct vmmap_ctx *ctx, vmmap_status st,
			     const char *msg)
{
	return vmmap_set_error(ctx, st, "%s", msg ? msg : "");
}

vmmap_status kern_keep_fail(struct vmmap_ctx *ctx, vmmap_status st,
			    char **msg_ret)
{
	free(*msg_ret);
	*msg_ret = strdup(vmmap_errmsg(ctx));
	return st;
}
