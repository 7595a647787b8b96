/* ctx.c - the context: its life, what callers know, the memory source,
 * the layout parameters. */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The public header's declarations are exported; everything else is hidden
 * by -fvisibility=hidden. */
#define PUBLIC __attribute__((visibility("default")))

PUBLIC struct vmmap_ctx *vmmap_new(void)
{
	struct vmmap_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx) {
		/* 2^30 ranges: a 4 TiB direct map in 4 KiB pages with
		 * every page different; a bound on time for hostile tables. */
		ctx->max_ranges = UINT64_C(1) << 30;
		ctx->max_runs = UINT64_MAX;
	}
	return ctx;
}

static void release_mem(struct vmmap_ctx *ctx)
{
	if (ctx->mem_ops && ctx->mem_ops->release)
		ctx->mem_ops->release(ctx->mem_data);
	ctx->mem_ops = NULL;
	ctx->mem_data = NULL;
}

PUBLIC void vmmap_free(struct vmmap_ctx *ctx)
{
	size_t i;

	if (!ctx)
		return;
	space_leave(ctx);
	if (ctx->kern_free)
		ctx->kern_free(ctx);
	kallsyms_table_free(ctx->ksyms);
	free(ctx->ksyms_err);
	free(ctx->vmlinux);
	release_mem(ctx);
	mem_cache_clear(ctx);
	mem_record_free(ctx);
	memo_free(ctx);
	batch_free(ctx);
	kv_free(&ctx->vmcoreinfo);
	kv_free(&ctx->symbols);
	kv_free(&ctx->values);
	kv_free(&ctx->regs);
	for (i = 0; i < ctx->nwarnings; i++)
		free(ctx->warnings[i]);
	free(ctx->warnings);
	free(ctx->params);
	free(ctx->regions);
	markers_free(ctx);
	free(ctx->markers);
	free(ctx->archdata);
	free(ctx->arch_hint);
	free(ctx->release_hint);
	free(ctx->errmsg);
	free(ctx);
}

static vmmap_status kv_set_hex(struct vmmap_ctx *ctx, struct kvlist *l,
			       const char *name, uint64_t value)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIx64, value);

	if (!name || !*name)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG, "empty name");
	return kv_set(ctx, l, name, strlen(name), buf, (size_t)n);
}

static bool kv_get_hex(const struct kvlist *l, const char *name, uint64_t *ret)
{
	const char *s = kv_get(l, name);
	char *end;

	if (!s)
		return false;
	errno = 0;
	*ret = strtoull(s, &end, 16);
	return !errno && end != s;
}

/* ---- what callers know ---- */

PUBLIC vmmap_status vmmap_set_mem(struct vmmap_ctx *ctx,
				  const struct vmmap_mem_ops *ops, void *data)
{
	if (!ops || !ops->read_phys)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "memory source without read_phys");
	release_mem(ctx);
	mem_cache_clear(ctx);
	mem_record_free(ctx);
	memo_free(ctx);
	ctx->mem_ops = ops;
	ctx->mem_data = data;
	ctx->loaded = false;
	return VMMAP_OK;
}

PUBLIC vmmap_status vmmap_set_symbol(struct vmmap_ctx *ctx, const char *name,
				     vmmap_addr_t addr)
{
	return kv_set_hex(ctx, &ctx->symbols, name, addr);
}

PUBLIC vmmap_status vmmap_set_value(struct vmmap_ctx *ctx, const char *name,
				    uint64_t value)
{
	return kv_set_hex(ctx, &ctx->values, name, value);
}

PUBLIC vmmap_status vmmap_set_reg(struct vmmap_ctx *ctx, const char *name,
				  uint64_t value)
{
	return kv_set_hex(ctx, &ctx->regs, name, value);
}

PUBLIC vmmap_status vmmap_set_arch(struct vmmap_ctx *ctx, const char *name)
{
	char *s;

	/* Checked by vmmap_load(), so that a dump of an architecture this
	 * build lacks opens and then says so once, by name. */
	if (!name || !*name)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG, "empty architecture");
	s = strdup(name);
	if (!s)
		return set_nomem(ctx);
	free(ctx->arch_hint);
	ctx->arch_hint = s;
	ctx->loaded = false;
	return VMMAP_OK;
}

bool lookup_symbol(const struct vmmap_ctx *ctx, const char *name,
		   uint64_t *addr_ret)
{
	char key[128];

	if (kv_get_hex(&ctx->symbols, name, addr_ret))
		return true;
	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	return vmci_hex(ctx, key, addr_ret);
}

bool lookup_given_symbol(const struct vmmap_ctx *ctx, const char *name,
			 uint64_t *addr_ret)
{
	return kv_get_hex(&ctx->symbols, name, addr_ret);
}

bool lookup_value(const struct vmmap_ctx *ctx, const char *name,
		  uint64_t *value_ret)
{
	return kv_get_hex(&ctx->values, name, value_ret);
}

bool lookup_reg(const struct vmmap_ctx *ctx, const char *name,
		uint64_t *value_ret)
{
	return kv_get_hex(&ctx->regs, name, value_ret);
}

/* ---- layout parameters ---- */

vmmap_status param_set(struct vmmap_ctx *ctx, const char *name,
		       uint64_t value, const char *source)
{
	size_t i;

	for (i = 0; i < ctx->nparams; i++) {
		if (!strcmp(ctx->params[i].name, name)) {
			ctx->params[i].value = value;
			ctx->params[i].source = source;
			return VMMAP_OK;
		}
	}
	if (ctx->nparams == ctx->capparams) {
		size_t cap = ctx->capparams ? 2 * ctx->capparams : 16;
		struct vmmap_param *np =
			realloc(ctx->params, cap * sizeof(*np));

		if (!np)
			return set_nomem(ctx);
		ctx->params = np;
		ctx->capparams = cap;
	}
	/* Names are string literals of the arch code. */
	ctx->params[ctx->nparams].name = name;
	ctx->params[ctx->nparams].value = value;
	ctx->params[ctx->nparams].source = source;
	ctx->nparams++;
	return VMMAP_OK;
}

PUBLIC size_t vmmap_param_count(const struct vmmap_ctx *ctx)
{
	return ctx->nparams;
}

PUBLIC const struct vmmap_param *vmmap_param_get(const struct vmmap_ctx *ctx,
						 size_t i)
{
	return i < ctx->nparams ? &ctx->params[i] : NULL;
}

PUBLIC vmmap_status vmmap_param_lookup(const struct vmmap_ctx *ctx,
				       const char *name, uint64_t *value_ret)
{
	size_t i;

	for (i = 0; i < ctx->nparams; i++) {
		if (!strcmp(ctx->params[i].name, name)) {
			*value_ret = ctx->params[i].value;
			return VMMAP_OK;
		}
	}
	return VMMAP_ERR_NOINFO;
}

PUBLIC const char *vmmap_arch_name(const struct vmmap_ctx *ctx)
{
	return ctx->arch ? ctx->arch->name : NULL;
}


PUBLIC vmmap_status vmmap_symbol_lookup(const struct vmmap_ctx *ctx,
					const char *name, vmmap_addr_t *addr_ret)
{
	return lookup_symbol(ctx, name, addr_ret) ? VMMAP_OK
						  : VMMAP_ERR_NOINFO;
}

/*
 * From here on, note which physical memory is read from the source; the
 * caches are emptied so that what they hold is read (and noted) again.
 */
PUBLIC vmmap_status vmmap_record_reads(struct vmmap_ctx *ctx)
{
	mem_record_free(ctx);
	ctx->record = calloc(1, sizeof(*ctx->record));
	if (!ctx->record)
		return set_nomem(ctx);
	mem_cache_clear(ctx);
	memo_free(ctx);
	ctx->loaded = false;
	return VMMAP_OK;
}
