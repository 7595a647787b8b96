/*
 * load.c - the loader: the architecture, then its init() for the paging
 * mode, the root and the layout.
 *
 * The one place where the core asks a room above it: the architecture
 * registry (arch/registry.c) turns a name into a descriptor.  Everything
 * else in the core calls the descriptor through struct vmmap_arch.
 */
#include "config.h"
#include "arch/arch.h"

#include <stdlib.h>
#include <string.h>

#define PUBLIC __attribute__((visibility("default")))

static void reset_results(struct vmmap_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nwarnings; i++)
		free(ctx->warnings[i]);
	ctx->nwarnings = 0;
	ctx->nparams = 0;
	ctx->nregions = 0;
	ctx->nmarkers = 0;
	ctx->markers_done = false;
	free(ctx->archdata);
	ctx->archdata = NULL;
	memset(&ctx->fmt, 0, sizeof(ctx->fmt));
	ctx->loaded = false;
	ctx->arch = NULL;
}

PUBLIC vmmap_status vmmap_load(struct vmmap_ctx *ctx)
{
	const char *name = ctx->arch_hint;
	const struct vmmap_arch *arch;
	vmmap_status st;

	reset_results(ctx);
	memo_free(ctx);
	if (!ctx->mem_ops)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "no memory source (no dump opened)");
	if (!name && arch_from_vmcoreinfo(ctx))
		name = arch_from_vmcoreinfo(ctx)->name;
	if (!name)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"cannot tell the architecture: the dump names none "
			"and VMCOREINFO is %s (give --arch)",
			ctx->vmcoreinfo.n ? "not conclusive" : "missing");
	arch = arch_by_name(name);
	if (!arch)
		return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP,
				       "architecture '%s' is not supported",
				       name);
	if (!ctx->vmcoreinfo.n && !ctx->regs.n)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"no VMCOREINFO in the dump (give --vmcoreinfo FILE)");
	ctx->arch = arch;
	st = arch->init(ctx);
	if (st) {
		st = vmmap_set_error(ctx, st, "%s layout", arch->name);
		ctx->arch = NULL;
		return st;
	}
	ctx->loaded = true;
	return VMMAP_OK;
}
