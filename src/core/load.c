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

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUBLIC __attribute__((visibility("default")))

static void reset_results(struct vmmap_ctx *ctx)
{
	size_t i;

	/* what was learnt from the kernel's memory goes with the layout */
	space_leave(ctx);
	if (ctx->kern_free)
		ctx->kern_free(ctx);
	ctx->kern = NULL;
	ctx->kern_free = NULL;
	kallsyms_table_free(ctx->ksyms);
	ctx->ksyms = NULL;
	ctx->ksyms_status = VMMAP_OK;
	free(ctx->ksyms_err);
	ctx->ksyms_err = NULL;

	for (i = 0; i < ctx->nwarnings; i++)
		free(ctx->warnings[i]);
	ctx->nwarnings = 0;
	ctx->nparams = 0;
	ctx->nregions = 0;
	markers_free(ctx);
	ctx->markers_done = false;
	/* x86's note_page() (arch/x86/mm/dump_pagetables.c): one marker an
	 * entry */
	memset(&ctx->ptdump, 0, sizeof(ctx->ptdump));
	ctx->ptdump.sep = "   ";
	ctx->ptdump.per_entry = 1;
	free(ctx->archdata);
	ctx->archdata = NULL;
	memset(&ctx->fmt, 0, sizeof(ctx->fmt));
	ctx->loaded = false;
	ctx->arch = NULL;
}

/* The map is not printed as if it were good when it is not: the error,
 * or with --force a warning that says so first. */
static vmmap_status insane(struct vmmap_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static vmmap_status insane(struct vmmap_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return set_nomem(ctx);
	if (ctx->force) {
		add_warning_first(ctx, "THE MAP IS WRONG (--force): %s", msg);
		free(msg);
		return VMMAP_OK;
	}
	vmmap_set_error(ctx, VMMAP_ERR_INVALID, "%s (the root or the layout "
			"is wrong; --force prints the map anyway)", msg);
	free(msg);
	return VMMAP_ERR_INVALID;
}

/*
 * Whatever the architecture: the root is a table where a table can be
 * (aligned to its size) and is in the dump, and the tables map the
 * kernel's own text where the layout says the image is.  A root off by a
 * few bytes (a wrong SYMBOL(swapper_pg_dir)) or a wrong phys_base walks
 * real-looking tables into a wrong map; this is where it is caught.
 */
static vmmap_status sanity(struct vmmap_ctx *ctx)
{
	const struct pgfmt *f = &ctx->fmt;
	size_t size = pg_table_size(f, 0);
	const uint8_t *data;
	struct vmmap_vtop t;
	vmmap_addr_t stext, pa;
	vmmap_status st;

	if (size && f->root % size)
		return insane(ctx, "the page-table root 0x%" PRIx64 " is not "
			      "aligned to its table's size (0x%zx)", f->root,
			      size);
	st = mem_read_table(ctx, f->root, size, &data);
	if (st == VMMAP_ERR_NOMEM)
		return st;
	if (st) {
		char *why = strdup(vmmap_errmsg(ctx));

		vmmap_clear_error(ctx);
		st = insane(ctx, "the page-table root 0x%" PRIx64 " cannot be "
			    "read: %s", f->root, why ? why : "");
		free(why);
		return st;
	}
	{
		unsigned i, n = 1u << f->lv[0].bits, present = 0;

		for (i = 0; i < n; i++) {
			struct pte pte;

			memset(&pte, 0, sizeof(pte));
			ctx->arch->decode(ctx, 0, mem_get_pte(f, data, i), &pte);
			present += pte.type == PTE_TABLE ||
				   pte.type == PTE_LEAF;
		}
		if (!present)
			return insane(ctx, "the page-table root 0x%" PRIx64
				      " has no valid entry: it maps nothing",
				      f->root);
	}
	if (ctx->arch->root_sane) {
		char why[256];

		if (!ctx->arch->root_sane(ctx, data, why, sizeof(why)))
			return insane(ctx, "the page-table root 0x%" PRIx64
				      " %s", f->root, why);
	}
	if (!lookup_symbol(ctx, "_stext", &stext) ||
	    (ctx->arch->image_mapped && !ctx->arch->image_mapped(ctx)))
		return VMMAP_OK;
	st = vtop_internal(ctx, stext, &t);
	if (st == VMMAP_ERR_NOMEM)
		return st;
	if (st) {
		vmmap_clear_error(ctx);
		return insane(ctx, "the kernel's own text (_stext 0x%" PRIx64
			      ") is not mapped by the page tables at 0x%"
			      PRIx64, stext, f->root);
	}
	if (ctx->arch->kimage_pa && ctx->arch->kimage_pa(ctx, stext, &pa) &&
	    t.paddr != pa)
		return insane(ctx, "the page tables at 0x%" PRIx64 " map the "
			      "kernel's own text (_stext 0x%" PRIx64 ") at "
			      "physical 0x%" PRIx64 ", the layout puts it at "
			      "0x%" PRIx64, f->root, stext, t.paddr, pa);
	return VMMAP_OK;
}

/* A kernel newer than the rules were checked against: say which values
 * come from those rules or from documented defaults. */
static void newer_than_rules(struct vmmap_ctx *ctx)
{
	uint32_t kv = kernel_version(ctx), known = ctx->arch->rules_checked;
	char names[512];
	size_t i, off = 0;

	if (!kv || !known || kv <= known)
		return;
	names[0] = '\0';
	for (i = 0; i < ctx->nparams && off < sizeof(names); i++)
		if (!strcmp(ctx->params[i].source, "rule") ||
		    !strcmp(ctx->params[i].source, "default"))
			off += snprintf(names + off, sizeof(names) - off, "%s%s",
					off ? ", " : "", ctx->params[i].name);
	if (!off)
		return;
	add_warning(ctx, "kernel %u.%u is newer than %u.%u, the newest the "
		    "layout rules were checked against; taken from rules or "
		    "defaults, which it may have changed: %s", kv >> 16,
		    (kv >> 8) & 255, known >> 16, (known >> 8) & 255, names);
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
	if (!st)
		st = sanity(ctx);
	if (!st)
		newer_than_rules(ctx);
	if (st) {
		st = vmmap_set_error(ctx, st, "%s layout", arch->name);
		ctx->arch = NULL;
		return st;
	}
	ctx->loaded = true;
	return VMMAP_OK;
}
