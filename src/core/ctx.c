/* ctx.c - the context: errors, what callers know, memory source. */
#include "config.h"
#include "internal.h"

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

	if (ctx)
		/* 2^30 ranges: a 4 TiB direct map in 4 KiB pages with
		 * every page different; a bound on time for hostile tables. */
		ctx->max_ranges = UINT64_C(1) << 30;
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
	release_mem(ctx);
	mem_cache_clear(ctx);
	memo_free(ctx);
	kv_free(&ctx->vmcoreinfo);
	kv_free(&ctx->symbols);
	kv_free(&ctx->values);
	kv_free(&ctx->regs);
	for (i = 0; i < ctx->nwarnings; i++)
		free(ctx->warnings[i]);
	free(ctx->warnings);
	free(ctx->params);
	free(ctx->regions);
	free(ctx->markers);
	free(ctx->archdata);
	free(ctx->arch_hint);
	free(ctx->release_hint);
	free(ctx->errmsg);
	free(ctx);
}

PUBLIC const char *vmmap_errmsg(const struct vmmap_ctx *ctx)
{
	return ctx && ctx->errmsg ? ctx->errmsg : "";
}

PUBLIC const char *vmmap_strstatus(vmmap_status status)
{
	static const char *const names[] = {
		[VMMAP_OK] = "success",
		[VMMAP_ERR_NOMEM] = "out of memory",
		[VMMAP_ERR_ARG] = "invalid argument",
		[VMMAP_ERR_IO] = "read error",
		[VMMAP_ERR_NODATA] = "not in the dump",
		[VMMAP_ERR_FORMAT] = "bad dump format",
		[VMMAP_ERR_NOTSUP] = "not supported",
		[VMMAP_ERR_NOINFO] = "missing information",
		[VMMAP_ERR_INVALID] = "invalid page-table data",
		[VMMAP_ERR_NOTMAPPED] = "not mapped",
		[VMMAP_ERR_LIMIT] = "limit reached",
		[VMMAP_ERR_STOP] = "stopped",
	};

	if ((unsigned)status < ARRAY_SIZE(names) && names[status])
		return names[status];
	return "unknown error";
}

vmmap_status set_errorv(struct vmmap_ctx *ctx, vmmap_status status,
			const char *fmt, va_list ap)
{
	char *msg, *joined;

	if (vasprintf(&msg, fmt, ap) < 0)
		return status;
	if (ctx->errmsg && *ctx->errmsg) {
		if (asprintf(&joined, "%s: %s", msg, ctx->errmsg) < 0) {
			free(msg);
			return status;
		}
		free(msg);
		msg = joined;
	}
	free(ctx->errmsg);
	ctx->errmsg = msg;
	return status;
}

PUBLIC vmmap_status vmmap_set_error(struct vmmap_ctx *ctx, vmmap_status status,
				    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_errorv(ctx, status, fmt, ap);
	va_end(ap);
	return status;
}

PUBLIC void vmmap_clear_error(struct vmmap_ctx *ctx)
{
	free(ctx->errmsg);
	ctx->errmsg = NULL;
}

vmmap_status set_nomem(struct vmmap_ctx *ctx)
{
	return vmmap_set_error(ctx, VMMAP_ERR_NOMEM, "out of memory");
}

void add_warning(struct vmmap_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *msg, **nw;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	nw = realloc(ctx->warnings, (ctx->nwarnings + 1) * sizeof(*nw));
	if (!nw) {
		free(msg);
		return;
	}
	ctx->warnings = nw;
	ctx->warnings[ctx->nwarnings++] = msg;
}

PUBLIC size_t vmmap_warning_count(const struct vmmap_ctx *ctx)
{
	return ctx->nwarnings;
}

PUBLIC const char *vmmap_warning_get(const struct vmmap_ctx *ctx, size_t i)
{
	return i < ctx->nwarnings ? ctx->warnings[i] : NULL;
}

/* ---- key/value lists ---- */

vmmap_status kv_set(struct vmmap_ctx *ctx, struct kvlist *l, const char *key,
		    size_t keylen, const char *val, size_t vallen)
{
	char *k, *v;
	size_t i;

	v = strndup(val, vallen);
	if (!v)
		return set_nomem(ctx);
	for (i = 0; i < l->n; i++) {
		if (strlen(l->v[i].key) == keylen &&
		    !memcmp(l->v[i].key, key, keylen)) {
			free(l->v[i].val);
			l->v[i].val = v;
			return VMMAP_OK;
		}
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		struct kv *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv) {
			free(v);
			return set_nomem(ctx);
		}
		l->v = nv;
		l->cap = cap;
	}
	k = strndup(key, keylen);
	if (!k) {
		free(v);
		return set_nomem(ctx);
	}
	l->v[l->n].key = k;
	l->v[l->n].val = v;
	l->n++;
	return VMMAP_OK;
}

const char *kv_get(const struct kvlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].key, key))
			return l->v[i].val;
	return NULL;
}

void kv_free(struct kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].val);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
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

PUBLIC vmmap_status vmmap_load_symbols(struct vmmap_ctx *ctx, const char *path)
{
	return symbols_load(ctx, path);
}

/* ---- architectures ---- */

static const struct vmmap_arch *const arches[] = {
	&vmmap_arch_x86_64,
	&vmmap_arch_aarch64,
	&vmmap_arch_s390x,
	&vmmap_arch_arm,
};

const struct vmmap_arch *arch_by_name(const char *name)
{
	size_t i, j;

	if (!name)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(arches); i++) {
		if (!strcmp(arches[i]->name, name))
			return arches[i];
		for (j = 0; arches[i]->aliases && arches[i]->aliases[j]; j++)
			if (!strcmp(arches[i]->aliases[j], name))
				return arches[i];
	}
	return NULL;
}

const struct vmmap_arch *arch_by_elf_machine(unsigned machine)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(arches); i++)
		if (arches[i]->elf_machine == machine)
			return arches[i];
	return NULL;
}

PUBLIC vmmap_status vmmap_find_vmcoreinfo(struct vmmap_ctx *ctx,
					  vmmap_addr_t first, vmmap_addr_t end)
{
	if (!first && !end)
		return dump_find_vmcoreinfo(ctx);
	return dump_find_vmcoreinfo_range(ctx, first, end);
}

PUBLIC vmmap_status vmmap_symbol_lookup(const struct vmmap_ctx *ctx,
					const char *name, vmmap_addr_t *addr_ret)
{
	return lookup_symbol(ctx, name, addr_ret) ? VMMAP_OK
						  : VMMAP_ERR_NOINFO;
}
