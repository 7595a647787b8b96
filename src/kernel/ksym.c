/*
 * ksym.c - kernel symbols for the kernel room: addresses by name from what
 * was given (a vmlinux, System.map, a debugger), the dump's own kallsyms
 * (VMCOREINFO v6.0+: core/kallsyms.c) or VMCOREINFO's SYMBOL() lines; and
 * addresses turned into names as the kernel's %pS prints them.
 */
#include "config.h"
#include "kernel/kernel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A given symbol, by address. */
struct gsym {
	uint64_t addr;
	const char *name;	/* the key in ctx->symbols */
};

bool ks_addr(struct vmmap_ctx *ctx, const char *name, uint64_t *addr_ret)
{
	const struct ksym_table *t;
	const struct ksym *s;

	if (lookup_given_symbol(ctx, name, addr_ret))
		return true;
	if (!kallsyms_table(ctx, &t) && (s = kallsyms_by_name(t, name))) {
		*addr_ret = s->addr;
		return true;
	}
	vmmap_clear_error(ctx);
	return lookup_symbol(ctx, name, addr_ret);
}

/* Does the dump's kallsyms list data symbols (CONFIG_KALLSYMS_ALL)?
 * init_task (init/init_task.c, every version) is data: kallsyms lists it
 * only with CONFIG_KALLSYMS_ALL, which then lists every symbol.  (A
 * kallsyms without it may still have a few data-typed symbols: arm64's
 * v6.1 lists some, so their types tell nothing.) */
static bool kallsyms_all(const struct ksym_table *t)
{
	return kallsyms_by_name(t, "init_task") != NULL;
}

vmmap_status ks_need(struct vmmap_ctx *ctx, const char *name,
		     uint64_t *addr_ret)
{
	const struct ksym_table *t;
	const char *why;
	vmmap_status st;

	if (ks_addr(ctx, name, addr_ret))
		return VMMAP_OK;
	st = kallsyms_table(ctx, &t);
	vmmap_clear_error(ctx);
	if (ctx->symbols.n)
		why = "the symbols given do not have it either";
	else if (st == VMMAP_ERR_NOINFO)
		why = "VMCOREINFO does not name it and locates no kallsyms "
		      "(kernels before v6.0); give --vmlinux (a vmlinux or "
		      "System.map of this kernel)";
	else if (st)
		why = "the dump's kallsyms could not be decoded; give --vmlinux "
		      "(a vmlinux or System.map of this kernel)";
	else if (!kallsyms_all(t))
		why = "the dump's kallsyms lists text symbols only (the kernel "
		      "is built without CONFIG_KALLSYMS_ALL) and VMCOREINFO "
		      "does not name it; give --vmlinux (a vmlinux or "
		      "System.map of this kernel)";
	else
		why = "neither the dump's kallsyms nor VMCOREINFO has it";
	return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			       "no address for the kernel symbol '%s': %s",
			       name, why);
}

/* ---- the given symbols, by address ---- */

static int gsym_cmp(const void *a, const void *b)
{
	const struct gsym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Symbols a System.map lists that kallsyms leaves out
 * (scripts/kallsyms.c: absolute, local labels, section markers). */
static bool gsym_wanted(const char *name)
{
	return name[0] != '$' && strncmp(name, ".L", 2) &&
	       strncmp(name, "__crc_", 6) && strncmp(name, "__key.", 6);
}

static vmmap_status gsyms_build(struct vmmap_ctx *ctx, struct kern *k)
{
	size_t i, n = 0;

	if (k->gsyms_done)
		return VMMAP_OK;
	k->gsyms = malloc((ctx->symbols.n ? ctx->symbols.n : 1) *
			  sizeof(*k->gsyms));
	if (!k->gsyms)
		return set_nomem(ctx);
	for (i = 0; i < ctx->symbols.n; i++) {
		const struct kv *e = &ctx->symbols.v[i];
		uint64_t a;

		if (!gsym_wanted(e->key) ||
		    !lookup_given_symbol(ctx, e->key, &a))
			continue;
		k->gsyms[n].addr = a;
		k->gsyms[n].name = e->key;
		n++;
	}
	qsort(k->gsyms, n, sizeof(*k->gsyms), gsym_cmp);
	k->ngsyms = n;
	k->gsyms_done = true;
	return VMMAP_OK;
}

/* Index of the last entry at or below @addr in a sorted address array of
 * @n entries read by @at; -1 if none. */
#define LAST_AT_OR_BELOW(n, at, addr, ret) do {				\
	size_t lo_ = 0, hi_ = (n);					\
	while (lo_ < hi_) {						\
		size_t mid_ = lo_ + (hi_ - lo_) / 2;			\
		if (at(mid_) <= (addr))					\
			lo_ = mid_ + 1;					\
		else							\
			hi_ = mid_;					\
	}								\
	(ret) = (int64_t)lo_ - 1;					\
} while (0)

/* See kallsyms_all(). */
bool ks_complete(struct vmmap_ctx *ctx)
{
	const struct ksym_table *t;

	if (kallsyms_table(ctx, &t)) {
		vmmap_clear_error(ctx);
		return false;
	}
	return kallsyms_all(t);
}

/* a <= addr < b, where both symbols are known */
static bool within(struct vmmap_ctx *ctx, uint64_t addr, const char *a,
		   const char *b)
{
	uint64_t x, y;

	return ks_addr(ctx, a, &x) && ks_addr(ctx, b, &y) && x <= addr &&
	       addr < y;
}

/* kernel/kallsyms.c is_ksym_addr() (v5.10 to v7.2): the whole image
 * [_stext, _end] with CONFIG_KALLSYMS_ALL, else its text and init text;
 * any other address (a module's) is not the core kernel's. */
static bool is_ksym_addr(struct vmmap_ctx *ctx, uint64_t addr)
{
	const struct ksym_table *t;
	struct kern *k = kern_of(ctx);
	uint64_t stext, end;

	if (!kallsyms_table(ctx, &t)) {
		if (!k->ksyms_data_known) {
			k->ksyms_data = kallsyms_all(t);
			k->ksyms_data_known = true;
		}
		if (!k->ksyms_data)
			return within(ctx, addr, "_stext", "_etext") ||
			       within(ctx, addr, "_sinittext", "_einittext");
	}
	vmmap_clear_error(ctx);
	if (!ks_addr(ctx, "_stext", &stext) || addr < stext)
		return false;
	return !ks_addr(ctx, "_end", &end) || addr <= end;
}

/*
 * The kernel's own reading (kernel/kallsyms.c, get_symbol_pos(), v5.10 to
 * v7.2): the symbol is the first of those at the greatest address not
 * above @addr (the table is sorted by address, aliases in table order);
 * its size reaches to the next greater address, or to the end of the
 * section: _einittext, _end (CONFIG_KALLSYMS_ALL) or _etext.
 */
bool ks_core_symbol(struct vmmap_ctx *ctx, uint64_t addr,
		    const char **name_ret, uint64_t *off_ret,
		    uint64_t *size_ret)
{
	const struct ksym_table *t;
	struct kern *k = kern_of(ctx);
	uint64_t start, end = 0;
	int64_t i;
	size_t j;

	if (!is_ksym_addr(ctx, addr))
		return false;
	if (!kallsyms_table(ctx, &t)) {
#define KADDR(x) (t->v[x].addr)
		LAST_AT_OR_BELOW(t->n, KADDR, addr, i);
		if (i < 0)
			return false;
		start = t->v[i].addr;
		while (i > 0 && t->v[i - 1].addr == start)
			i--;
		for (j = i + 1; j < t->n; j++)
			if (t->v[j].addr > start) {
				end = t->v[j].addr;
				break;
			}
		*name_ret = t->names + t->v[i].name;
#undef KADDR
	} else {
		vmmap_clear_error(ctx);
		if (!k || gsyms_build(ctx, k) || !k->ngsyms)
			return false;
#define GADDR(x) (k->gsyms[x].addr)
		LAST_AT_OR_BELOW(k->ngsyms, GADDR, addr, i);
		if (i < 0)
			return false;
		start = k->gsyms[i].addr;
		while (i > 0 && k->gsyms[i - 1].addr == start)
			i--;
		for (j = i + 1; j < k->ngsyms; j++)
			if (k->gsyms[j].addr > start) {
				end = k->gsyms[j].addr;
				break;
			}
		*name_ret = k->gsyms[i].name;
#undef GADDR
	}
	if (!end && !(ks_addr(ctx, "_end", &end) && end > start))
		end = start + 1;
	*off_ret = addr - start;
	*size_ret = end - start;
	return true;
}

const char *ks_name_at(struct vmmap_ctx *ctx, uint64_t addr)
{
	const char *name;
	uint64_t off, sz;

	if (ks_core_symbol(ctx, addr, &name, &off, &sz) && !off)
		return name;
	return NULL;
}

