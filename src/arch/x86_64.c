/*
 * arch/x86_64.c - x86_64 4- and 5-level paging and the kernel's layout.
 *
 * Layout facts are from Documentation/x86/x86_64/mm.rst (the seed
 * 001_5aff51e6e4b27d50.txt: "Complete virtual memory map with 4-level/5-level
 * page tables") and the v6.1 headers named next to each constant.
 */
#include "config.h"
#include "arch/arch.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Entry bits, arch/x86/include/asm/pgtable_types.h (v6.1). */
#define X_P	(UINT64_C(1) << 0)
#define X_RW	(UINT64_C(1) << 1)
#define X_USR	(UINT64_C(1) << 2)
#define X_PWT	(UINT64_C(1) << 3)
#define X_PCD	(UINT64_C(1) << 4)
#define X_A	(UINT64_C(1) << 5)
#define X_D	(UINT64_C(1) << 6)
#define X_PSE	(UINT64_C(1) << 7)	/* PAT on a 4K pte */
#define X_GLB	(UINT64_C(1) << 8)
#define X_PAT_LARGE (UINT64_C(1) << 12)	/* PAT on a 2M/1G leaf */
#define X_NX	(UINT64_C(1) << 63)
/* __PHYSICAL_MASK_SHIFT is 52: address bits 12..51. */
#define X_ADDR_MASK UINT64_C(0x000ffffffffff000)
/* PTE_FLAGS_MASK: what is not the address. */
#define X_FLAGS_MASK (~X_ADDR_MASK)
/*
 * In our prot the PAT bit is always reported as bit 12 (X_PAT_LARGE), for a
 * 4K pte too, so that the flag has one name; X_PSE then means "huge leaf".
 */
#define X_PAT X_PAT_LARGE

/* Fixed addresses (arch/x86/include/asm/page_64_types.h, pgtable_64_types.h). */
#define START_KERNEL_MAP	UINT64_C(0xffffffff80000000)
#define MODULES_END		UINT64_C(0xffffffffff000000)
#define FIXADDR_TOP_END		UINT64_C(0xffffffffff7fffff)
#define VSYSCALL_ADDR		UINT64_C(0xffffffffff600000)
#define CPU_ENTRY_AREA_BASE	UINT64_C(0xfffffe0000000000)
#define ESPFIX_BASE		UINT64_C(0xffffff0000000000)
#define EFI_VA_END		UINT64_C(0xffffffef00000000)
#define EFI_VA_LAST		UINT64_C(0xfffffffeffffffff)
#define KASAN_SHADOW_END	UINT64_C(0xfffffc0000000000)
#define TB			(UINT64_C(1) << 40)
#define MB			(UINT64_C(1) << 20)
#define GB			(UINT64_C(1) << 30)
#define PUD_SIZE		GB

struct x86_layout {
	int levels;
	uint64_t sme_mask;
	uint64_t phys_base, kaslr;
	uint64_t image_size;
	uint64_t page_offset, vmalloc, vmemmap;
	bool have_page_offset, have_vmalloc, have_vmemmap;
	uint32_t kver;		/* KVER(), 0 if unknown */
	bool legacy;		/* before v2.6.27: mode4_legacy */
};

/* Per-mode constants: the seed's two tables. */
struct x86_mode {
	vmmap_addr_t user_last;
	vmmap_addr_t guard, guard_last;
	vmmap_addr_t ldt, ldt_last;
	vmmap_addr_t page_offset;	/* __PAGE_OFFSET_BASE_L4/L5 */
	uint64_t direct_size;
	vmmap_addr_t vmalloc;		/* __VMALLOC_BASE_L4/L5 */
	uint64_t vmalloc_size;
	vmmap_addr_t vmemmap;		/* __VMEMMAP_BASE_L4/L5 */
	uint64_t vmemmap_size;
	vmmap_addr_t kasan;		/* KASAN_SHADOW_START, generic KASAN */
};

static const struct x86_mode mode4 = {
	.user_last = UINT64_C(0x00007fffffffffff),
	.guard = UINT64_C(0xffff800000000000),
	.guard_last = UINT64_C(0xffff87ffffffffff),
	.ldt = UINT64_C(0xffff880000000000),
	.ldt_last = UINT64_C(0xffff887fffffffff),
	.page_offset = UINT64_C(0xffff888000000000),
	.direct_size = 64 * TB,
	.vmalloc = UINT64_C(0xffffc90000000000),
	.vmalloc_size = 32 * TB,
	.vmemmap = UINT64_C(0xffffea0000000000),
	.vmemmap_size = 1 * TB,
	.kasan = UINT64_C(0xffffec0000000000),
};

static const struct x86_mode mode5 = {
	.user_last = UINT64_C(0x00ffffffffffffff),
	.guard = UINT64_C(0xff00000000000000),
	.guard_last = UINT64_C(0xff0fffffffffffff),
	.ldt = UINT64_C(0xff10000000000000),
	.ldt_last = UINT64_C(0xff10ffffffffffff),
	.page_offset = UINT64_C(0xff11000000000000),
	.direct_size = 32 * 1024 * TB,
	.vmalloc = UINT64_C(0xffa0000000000000),
	.vmalloc_size = 12800 * TB,
	.vmemmap = UINT64_C(0xffd4000000000000),
	.vmemmap_size = 512 * TB,
	.kasan = UINT64_C(0xffdf000000000000),
};

/*
 * Before v2.6.27, which moved __PAGE_OFFSET to 0xffff880000000000 to
 * leave the guard hole to hypervisors (Documentation/x86_64/mm.txt of
 * v2.6.27), the 4-level layout of that file in v2.6.24-v2.6.26:
 *   ffff800000000000 - ffff80ffffffffff guard hole
 *   ffff810000000000 - ffffc0ffffffffff direct mapping of all phys. memory
 *   ffffc20000000000 - ffffe1ffffffffff vmalloc/ioremap space
 *   ffffe20000000000 - ffffe2ffffffffff virtual memory map (1TB)
 * No LDT remap, cpu_entry_area, ESPfix, EFI or KASAN ranges yet.
 */
static const struct x86_mode mode4_legacy = {
	.user_last = UINT64_C(0x00007fffffffffff),
	.guard = UINT64_C(0xffff800000000000),
	.guard_last = UINT64_C(0xffff80ffffffffff),
	.ldt = 0,
	.ldt_last = 0,
	.page_offset = UINT64_C(0xffff810000000000),
	.direct_size = 64 * TB,
	.vmalloc = UINT64_C(0xffffc20000000000),
	.vmalloc_size = 32 * TB,
	.vmemmap = UINT64_C(0xffffe20000000000),
	.vmemmap_size = 1 * TB,
	.kasan = 0,
};

/* The kernel text mapping and the modules' start before v2.6.27. */
static uint64_t legacy_image(const struct x86_layout *l)
{
	return l->kver && l->kver < KVER(2, 6, 26) ? 40 * MB : l->image_size;
}

static uint64_t legacy_modules(const struct x86_layout *l)
{
	return l->kver && l->kver < KVER(2, 6, 26)
	       ? UINT64_C(0xffffffff88000000)
	       : START_KERNEL_MAP + l->image_size;
}

static const struct x86_mode *x86_mode(const struct x86_layout *l)
{
	if (l->legacy)
		return &mode4_legacy;
	return l->levels == 5 ? &mode5 : &mode4;
}

/* ---- entries ---- */

static void decode_x86_64(const struct vmmap_ctx *ctx, int level,
			  uint64_t raw, struct pte *out)
{
	const struct x86_layout *l = ctx->archdata;
	int from_bottom = ctx->fmt.nlevels - 1 - level;	/* 0 = pte */
	uint64_t addr = raw & X_ADDR_MASK & ~l->sme_mask;

	out->prot = raw & X_FLAGS_MASK;
	if (!(raw & X_P)) {
		out->type = PTE_NONE;
		return;
	}
	if (from_bottom == 0) {
		/* bit 7 of a 4K pte is PAT */
		out->prot &= ~X_PSE;
		if (raw & X_PSE)
			out->prot |= X_PAT;
		out->type = PTE_LEAF;
		out->addr = addr;
		out->addr_bits = X_ADDR_MASK & ~l->sme_mask;
		return;
	}
	if (raw & X_PSE) {
		if (from_bottom > 2) {
			/* PS is reserved in PML4/PML5 entries. */
			out->type = PTE_INVALID;
			return;
		}
		out->type = PTE_LEAF;
		out->prot |= raw & X_PAT_LARGE;
		out->addr_bits = X_ADDR_MASK & ~l->sme_mask &
				 ~(((uint64_t)1 << ctx->fmt.lv[level].shift) - 1);
		out->addr = raw & out->addr_bits;
		return;
	}
	out->type = PTE_TABLE;
	out->addr = addr;
}

/* What the kernel's ptdump calls effective_prot (arch/x86/mm/dump_pagetables.c). */
static uint64_t inherit_x86_64(uint64_t eff, int level, uint64_t raw)
{
	return (eff & raw & (X_USR | X_RW)) | ((eff | raw) & X_NX);
}

static uint64_t effective_x86_64(uint64_t prot, uint64_t eff)
{
	return (prot & ~(X_USR | X_RW | X_NX)) | inherit_x86_64(eff, 0, prot);
}

static const struct flagname flags_x86_64[] = {
	{ X_P, X_P, "present" },
	{ X_RW, X_RW, "RW" },
	{ X_USR, X_USR, "USR" },
	{ X_PWT, X_PWT, "PWT" },
	{ X_PCD, X_PCD, "PCD" },
	{ X_PSE, X_PSE, "PSE" },
	{ X_PAT, X_PAT, "PAT" },
	{ X_GLB, X_GLB, "GLB" },
	{ X_NX, X_NX, "NX" },
	{ 0, 0, NULL },
};

/*
 * The prot column of /sys/kernel/debug/page_tables/kernel (printk_prot()).
 * The kernel numbers levels as five (pgd p4d pud pmd pte) and, with the p4d
 * folded (4-level paging), reports the top level as depth 0, "pgd", and
 * the rest at their own depths (real_depth() in mm/pagewalk.c, v6.1):
 * checked against a 6.1 kernel's own output (corpus x86_64-6.1-ptdump).
 */
static void ptdump_prot_x86_64(const struct vmmap_ctx *ctx,
			       const struct vmmap_range *r, char *buf,
			       size_t size)
{
	static const char *const names[] = { "pgd", "p4d", "pud", "pmd", "pte" };
	int klevel = ctx->fmt.nlevels == 5 || r->level == 0 ? r->level
							     : r->level + 1;
	uint64_t pr = r->kind == VMMAP_RANGE_MAPPED ? r->prot : 0;

	if (!(pr & X_P)) {
		snprintf(buf, size, "%30s%s", "", names[klevel]);
		return;
	}
	snprintf(buf, size, "%s%s%s%s%s%s%s%s%s",
		 pr & X_USR ? "USR " : "    ",
		 pr & X_RW ? "RW " : "ro ",
		 pr & X_PWT ? "PWT " : "    ",
		 pr & X_PCD ? "PCD " : "    ",
		 klevel <= 3 && (pr & X_PSE) ? "PSE " : "    ",
		 pr & X_PAT ? "PAT " : "    ",
		 pr & X_GLB ? "GLB " : "    ",
		 pr & X_NX ? "NX " : "x  ",
		 names[klevel]);
}

/* ---- layout ---- */

static vmmap_status read_u64_kimage(struct vmmap_ctx *ctx,
				    const struct x86_layout *l,
				    uint64_t vaddr, uint64_t *ret)
{
	uint8_t b[8];
	vmmap_status st;
	int i;

	/* __pa_symbol(): the kernel image mapping is linear. */
	st = mem_read_phys(ctx, vaddr - START_KERNEL_MAP + l->phys_base, b, 8);
	if (st)
		return st;
	*ret = 0;
	for (i = 7; i >= 0; i--)
		*ret = *ret << 8 | b[i];
	return VMMAP_OK;
}

/* State of the probe that finds the randomised bases by walking. */
/* The direct map's first leaf maps physical memory below this. */
#define DIRECT_LOW (UINT64_C(16) << 20)

struct probe {
	const struct x86_mode *m;
	int state;
	bool stop_at_direct;	/* end the walk once the direct map is found */
	uint64_t page_offset, vmalloc, vmemmap;
};

static vmmap_status probe_range(void *arg, const struct vmmap_range *r)
{
	struct probe *p = arg;

	if (r->kind != VMMAP_RANGE_MAPPED)
		return VMMAP_OK;
	switch (p->state) {
	case 0:	/* the first leaf linear with a PUD-aligned base that maps
		 * the bottom of RAM is the direct map: init_memory_mapping()
		 * maps from physical 0 (arch/x86/mm/init.c; a process's LDT
		 * remap, below it, is not linear, and vmemmap's 2M pages
		 * map struct pages from anywhere) */
		if (((r->start - r->phys) & (PUD_SIZE - 1)) ||
		    r->phys >= DIRECT_LOW)
			return VMMAP_OK;
		p->page_offset = r->start - r->phys;
		p->state = 1;
		return p->stop_at_direct ? VMMAP_ERR_STOP : VMMAP_OK;
	case 1:	/* direct map until a leaf that is not linear with it */
		if (r->start - r->phys == p->page_offset)
			return VMMAP_OK;
		p->vmalloc = r->start & ~(PUD_SIZE - 1);
		p->state = 2;
		return VMMAP_OK;
	case 2:	/* vmemmap: the first leaf past the vmalloc area */
		if (r->start < p->vmalloc + p->m->vmalloc_size)
			return VMMAP_OK;
		p->vmemmap = r->start & ~(PUD_SIZE - 1);
		p->state = 3;
		return VMMAP_ERR_STOP;
	}
	return VMMAP_ERR_STOP;
}

/*
 * page_offset_base, vmalloc_base and vmemmap_base are randomised in PUD
 * steps with CONFIG_RANDOMIZE_MEMORY (arch/x86/mm/kaslr.c), in that order,
 * between __PAGE_OFFSET_BASE and CPU_ENTRY_AREA_BASE, and VMCOREINFO does
 * not carry them.  The kernel's own variables are the truth when we know
 * where they are; the walk recovers them otherwise, and checks them always.
 */
static vmmap_status resolve_bases(struct vmmap_ctx *ctx, struct x86_layout *l)
{
	static const struct {
		const char *name;
		size_t off;
		size_t have;
	} vars[] = {
		{ "page_offset_base", offsetof(struct x86_layout, page_offset),
		  offsetof(struct x86_layout, have_page_offset) },
		{ "vmalloc_base", offsetof(struct x86_layout, vmalloc),
		  offsetof(struct x86_layout, have_vmalloc) },
		{ "vmemmap_base", offsetof(struct x86_layout, vmemmap),
		  offsetof(struct x86_layout, have_vmemmap) },
	};
	const struct x86_mode *m = x86_mode(l);
	struct probe p = { .m = m };
	vmmap_status st;
	uint64_t walked[3], given, sym_addr[3] = { 0 };
	const char *src[3] = { "walk", "walk", "walk" };
	const char *sym_src[3] = { "symbol", "symbol", "symbol" };
	bool have_sym[3];
	size_t i;

	/* From the end of the guard hole: until v4.20 moved the LDT remap
	 * there ("x86/mm: Move LDT remap out of KASLR region on 5-level
	 * paging"), the direct map started at 0xffff880000000000
	 * (Documentation/x86/x86_64/mm.txt of v4.19). */
	p.stop_at_direct = true;
	st = walk_internal(ctx, m->guard_last + 1, CPU_ENTRY_AREA_BASE - 1,
			   VMMAP_WALK_NOHOLES | VMMAP_WALK_NOSPLIT,
			   probe_range, &p);
	if (st)
		return vmmap_set_error(ctx, st, "finding the direct map");
	p.stop_at_direct = false;
	if (p.state == 1) {
		/* The direct map maps RAM, which ends below the dump's
		 * memory end (init_memory_mapping() of memblock's ranges,
		 * arch/x86/mm/init.c), and vmalloc lies above it
		 * (arch/x86/mm/kaslr.c): go on from there, not through
		 * every page of the direct map (a walk of its own on a
		 * machine of terabytes).  Its leaves are skipped anyway. */
		uint64_t end = 0, from;

		if (!mem_phys_end(ctx, &end) || end > m->direct_size)
			end = 0;
		from = p.page_offset + ((end + PUD_SIZE - 1) & ~(PUD_SIZE - 1));
		if (from < p.page_offset + PUD_SIZE)
			from = p.page_offset + PUD_SIZE;
		st = walk_internal(ctx, from, CPU_ENTRY_AREA_BASE - 1,
				   VMMAP_WALK_NOHOLES | VMMAP_WALK_NOSPLIT,
				   probe_range, &p);
		if (st)
			return vmmap_set_error(ctx, st,
					       "finding the direct map");
	}
	/* A kernel that does not say its version, with no direct map where
	 * v2.6.27+ put it: the older layout, if its direct map is there. */
	if (!l->kver && !l->legacy && l->levels == 4 && p.state == 0) {
		struct probe q = { .m = &mode4_legacy };

		st = walk_internal(ctx, mode4_legacy.guard_last + 1,
				   mode4_legacy.guard_last + mode4_legacy.direct_size,
				   VMMAP_WALK_NOHOLES | VMMAP_WALK_NOSPLIT,
				   probe_range, &q);
		if (st)
			return vmmap_set_error(ctx, st, "finding the direct map");
		if (q.state >= 1 && q.page_offset == mode4_legacy.page_offset) {
			add_warning(ctx, "no kernel version in the dump: the "
				    "layout before v2.6.27 (direct map at "
				    "0x%" PRIx64 ") is assumed, as that is "
				    "where the direct map is", q.page_offset);
			l->legacy = true;
			m = &mode4_legacy;
			p = q;
			p.state = 0;
			st = walk_internal(ctx, m->guard_last + 1,
					   CPU_ENTRY_AREA_BASE - 1,
					   VMMAP_WALK_NOHOLES |
					   VMMAP_WALK_NOSPLIT, probe_range, &p);
			if (st)
				return vmmap_set_error(ctx, st,
						       "finding the direct map");
		}
	}
	walked[0] = p.state >= 1 ? p.page_offset : m->page_offset;
	walked[1] = p.state >= 2 ? p.vmalloc : m->vmalloc;
	walked[2] = p.state >= 3 ? p.vmemmap : m->vmemmap;
	for (i = 0; i < 3; i++)
		if ((int)i >= p.state)
			src[i] = "default";

	/* Where the variables are: given symbols, else the dump's kallsyms. */
	{
		static const char *const names[] = { "page_offset_base",
			"vmalloc_base", "vmemmap_base", NULL };

		for (i = 0; i < 3; i++)
			have_sym[i] = lookup_symbol(ctx, names[i], &sym_addr[i]);
		if (!have_sym[0] || !have_sym[1] || !have_sym[2]) {
			uint64_t ka[3];
			bool kh[3];

			st = kallsyms_lookup(ctx, names, ka, kh);
			if (!st) {
				for (i = 0; i < 3; i++) {
					if (!have_sym[i] && kh[i]) {
						sym_addr[i] = ka[i];
						have_sym[i] = true;
						sym_src[i] = "kallsyms";
					}
				}
			} else if (st != VMMAP_ERR_NOINFO) {
				/* there but unreadable: worth saying */
				add_warning(ctx, "kernel symbols from the dump: "
					    "%s", vmmap_errmsg(ctx));
			}
			vmmap_clear_error(ctx);
		}
	}

	for (i = 0; i < ARRAY_SIZE(vars); i++) {
		uint64_t *val = (uint64_t *)((char *)l + vars[i].off);
		bool *have = (bool *)((char *)l + vars[i].have);
		uint64_t var;

		*val = walked[i];
		if (have_sym[i] && !read_u64_kimage(ctx, l, sym_addr[i], &var)) {
			if (var != walked[i] && p.state > (int)i)
				add_warning(ctx, "%s: the kernel's variable says "
					    "0x%" PRIx64 ", the page tables "
					    "suggest 0x%" PRIx64, vars[i].name,
					    var, walked[i]);
			*val = var;
			src[i] = sym_src[i];
		}
		vmmap_clear_error(ctx);
		if (!strcmp(src[i], "default"))
			add_warning(ctx, "%s: not found in the page tables; the "
				    "documented default 0x%" PRIx64 " is assumed",
				    vars[i].name, *val);
		if (lookup_value(ctx, vars[i].name, &given) && given != *val)
			add_warning(ctx, "%s: given as 0x%" PRIx64 ", vmmap "
				    "found 0x%" PRIx64 " (%s)", vars[i].name,
				    given, *val, src[i]);
		*have = true;
		st = param_set(ctx, vars[i].name, *val, src[i]);
		if (st)
			return st;
	}
	if (l->page_offset & (PUD_SIZE - 1))
		add_warning(ctx, "page_offset_base 0x%" PRIx64 " is not "
			    "1 GiB aligned", l->page_offset);
	return VMMAP_OK;
}

/* What the kernel was configured with, for the ptdump markers: lines
 * CONFIG_X=y given with the VMCOREINFO (no kernel writes these four, a
 * user may), else a symbol that exists only with the option, from given
 * symbols or the dump's kallsyms (v6.0+); without either, what
 * distribution kernels have, with a warning that says so. */
enum { CFG_EFI, CFG_KASAN, CFG_ESPFIX, CFG_LDT, CFG_N };

static void kernel_config(struct vmmap_ctx *ctx, bool cfg[CFG_N])
{
	static const char *const names[] = {
		"efi_mm",			/* CONFIG_EFI */
		"kasan_early_shadow_page",	/* CONFIG_KASAN */
		"init_espfix_ap",		/* CONFIG_X86_ESPFIX64 */
		"__x64_sys_modify_ldt",		/* CONFIG_MODIFY_LDT_SYSCALL */
		NULL,
	};
	static const char *const options[] = {
		"CONFIG_EFI", "CONFIG_KASAN", "CONFIG_X86_ESPFIX64",
		"CONFIG_MODIFY_LDT_SYSCALL",
	};
	uint64_t addr[CFG_N], a;
	bool have[CFG_N], any = false, given = false;
	int i;

	for (i = 0; i < CFG_N; i++) {
		const char *v = kv_get(&ctx->vmcoreinfo, options[i]);

		given |= v != NULL;
		cfg[i] = v && !strcmp(v, "y");
	}
	if (given)
		return;
	for (i = 0; i < CFG_N; i++) {
		have[i] = lookup_symbol(ctx, names[i], &a);
		any |= have[i];
	}
	if (!any && !kallsyms_lookup(ctx, names, addr, have))
		any = true;
	vmmap_clear_error(ctx);
	if (any) {
		memcpy(cfg, have, sizeof(have));
		return;
	}
	cfg[CFG_EFI] = cfg[CFG_ESPFIX] = cfg[CFG_LDT] = true;
	cfg[CFG_KASAN] = false;
	add_warning(ctx, "ptdump markers: the kernel's configuration is not "
		    "in the dump (no symbol table: kallsyms is in VMCOREINFO "
		    "since v6.0): CONFIG_EFI, CONFIG_X86_ESPFIX64 and "
		    "CONFIG_MODIFY_LDT_SYSCALL are taken as set and "
		    "CONFIG_KASAN as not, as distributions build them; a "
		    "System.map (--vmlinux) or CONFIG_X=y lines (--vmcoreinfo) "
		    "say otherwise");
}

static vmmap_status layout_regions(struct vmmap_ctx *ctx,
				   const struct x86_layout *l)
{
	const struct x86_mode *m = x86_mode(l);
	uint64_t modules = START_KERNEL_MAP + l->image_size;
	uint64_t ktext_end = modules, modules_end = MODULES_END;
	uint64_t vsyscall_last = VSYSCALL_ADDR + 0xfff;
	uint64_t high_user = m->user_last + 1;
	bool modern = !l->legacy;

	/* Documentation/x86_64/mm.txt, v2.6.24-v2.6.25: a 40 MB kernel text
	 * mapping and modules from 0xffffffff88000000; v2.6.26: 512 MB, and
	 * modules from 0xffffffffa0000000; "vsyscalls" 8 MB from
	 * 0xffffffffff600000; no fixmap range of its own. */
	if (l->legacy) {
		modules_end = VSYSCALL_ADDR;
		vsyscall_last = VSYSCALL_ADDR + 8 * MB - 1;
		ktext_end = START_KERNEL_MAP + legacy_image(l);
		modules = legacy_modules(l);
	}
	const struct {
		vmmap_addr_t start, last;
		const char *id, *name;
		bool on;
	} regs[] = {
		{ 0, m->user_last, "user", "user-space virtual memory", true },
		{ high_user, va_canonical(&ctx->fmt, high_user) - 1,
		  "noncanonical",
		  "hole of non-canonical virtual memory addresses", true },
		{ m->guard, m->guard_last, "guard",
		  "guard hole, also reserved for hypervisor", true },
		{ m->ldt, m->ldt_last, "ldt", "LDT remap for PTI", modern },
		{ CPU_ENTRY_AREA_BASE, CPU_ENTRY_AREA_BASE + TB / 2 - 1,
		  "cpu_entry_area", "cpu_entry_area mapping", modern },
		{ ESPFIX_BASE, ESPFIX_BASE + TB / 2 - 1, "espfix",
		  "%esp fixup stacks", modern },
		{ EFI_VA_END, EFI_VA_LAST, "efi", "EFI region mapping space",
		  modern },
		{ START_KERNEL_MAP, ktext_end - 1, "kernel",
		  "kernel text mapping", true },
		{ modules, modules_end - 1, "modules", "module mapping space",
		  true },
		/* FIXADDR_START depends on the configuration; the seed puts
		 * it about 11 MiB below the top.  Without it, everything from
		 * MODULES_END to FIXADDR_TOP is called fixmap. */
		{ modules_end, FIXADDR_TOP_END, "fixmap",
		  "kernel-internal fixmap range", modern },
		{ VSYSCALL_ADDR, vsyscall_last, "vsyscall",
		  "legacy vsyscall ABI", true },
	};
	/* The randomised regions (arch/x86/mm/kaslr.c) stay in their order
	 * below CPU_ENTRY_AREA_BASE; each ends where the next one starts.
	 * Painted last, they win over the KASAN range they may overlap. */
	const struct {
		vmmap_addr_t start;
		uint64_t size;
		const char *id, *name;
	} rnd[] = {
		{ l->page_offset, m->direct_size, "directmap",
		  "direct mapping of all physical memory (page_offset_base)" },
		{ l->vmalloc, m->vmalloc_size, "vmalloc",
		  "vmalloc/ioremap space (vmalloc_base)" },
		{ l->vmemmap, m->vmemmap_size, "vmemmap",
		  "virtual memory map (vmemmap_base)" },
	};
	vmmap_status st;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		if (!regs[i].on)
			continue;
		st = region_add(ctx, regs[i].start, regs[i].last, regs[i].id,
				regs[i].name);
		if (st)
			return st;
	}
	/* KASAN turns the memory randomisation off (kaslr_memory_enabled(),
	 * arch/x86/mm/kaslr.c): with randomised bases there is no shadow,
	 * and the bases may lie where it would be. */
	if (modern && l->page_offset == m->page_offset &&
	    l->vmalloc == m->vmalloc && l->vmemmap == m->vmemmap) {
		st = region_add(ctx, m->kasan, KASAN_SHADOW_END - 1, "kasan",
				"KASAN shadow memory");
		if (st)
			return st;
	}
	for (i = 0; i < ARRAY_SIZE(rnd); i++) {
		vmmap_addr_t last = rnd[i].start + (rnd[i].size - 1);

		if (i + 1 < ARRAY_SIZE(rnd) && rnd[i + 1].start > rnd[i].start &&
		    last >= rnd[i + 1].start)
			last = rnd[i + 1].start - 1;
		if (last >= CPU_ENTRY_AREA_BASE)
			last = CPU_ENTRY_AREA_BASE - 1;
		st = region_add(ctx, rnd[i].start, last, rnd[i].id,
				rnd[i].name);
		if (st)
			return st;
	}
	st = regions_finish(ctx);
	if (st)
		return st;
	/* ESPFIX_START_NR's max_lines in arch/x86/mm/dump_pagetables.c */
	region_limit_lines(ctx, "espfix", 16);
	/* The ESPfix stacks' slots and pages are chosen at random at boot
	 * (init_espfix_random(), arch/x86/kernel/espfix_64.c, since v3.16);
	 * so is each CPU's entry area since v6.2 (97e3d26b5e5f "x86/mm:
	 * Randomize per-cpu entry area"; a kernel of unknown version is
	 * taken as newer). */
	region_per_boot(ctx, "espfix");
	if (!kernel_version(ctx) || kernel_version(ctx) >= KVER(6, 2, 0))
		region_per_boot(ctx, "cpu_entry_area");

	return VMMAP_OK;
}

static vmmap_status first_leaf(void *arg, const struct vmmap_range *r)
{
	if (r->kind != VMMAP_RANGE_MAPPED)
		return VMMAP_OK;
	*(struct vmmap_range *)arg = *r;
	return VMMAP_ERR_STOP;
}

/*
 * Without VMCOREINFO (a live guest through a debugger), find the kernel
 * image in its mapping: the first leaf at __START_KERNEL_map onwards maps
 * _text (head_64.S; cleanup_highmap() clears what is below it).  _text is
 * at __START_KERNEL_map + CONFIG_PHYSICAL_START (16 MiB by default) before
 * KASLR, unless a vmlinux said where.
 */
static vmmap_status image_from_walk(struct vmmap_ctx *ctx,
				    struct x86_layout *l)
{
	struct vmmap_range r = { 0 };
	uint64_t text = START_KERNEL_MAP + 0x1000000, sym;
	vmmap_status st;

	st = walk_internal(ctx, START_KERNEL_MAP, START_KERNEL_MAP + GB - 1,
			   VMMAP_WALK_NOHOLES | VMMAP_WALK_NOSPLIT,
			   first_leaf, &r);
	if (st)
		return vmmap_set_error(ctx, st, "finding the kernel image");
	if (r.kind != VMMAP_RANGE_MAPPED)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"nothing is mapped at __START_KERNEL_map: is CR3 a "
			"kernel page table?");
	if (lookup_symbol(ctx, "_text", &sym))
		text = sym;
	l->kaslr = r.start - text;
	l->phys_base = r.phys - (r.start - START_KERNEL_MAP);
	if (!kv_get(&ctx->vmcoreinfo, "KERNELOFFSET"))
		l->image_size = GB;
	add_warning(ctx, "no VMCOREINFO: KASLR offset 0x%" PRIx64 " and "
		    "phys_base 0x%" PRIx64 " taken from the kernel image "
		    "mapping", l->kaslr, l->phys_base);
	return VMMAP_OK;
}

/* The markers of the kernel's own ptdump (address_markers[] of
 * arch/x86/mm/dump_pagetables.c, v6.1), those of its configuration. */
static vmmap_status ptdump_markers_x86_64(struct vmmap_ctx *ctx)
{
	const struct x86_layout *l = ctx->archdata;
	const struct x86_mode *m = x86_mode(l);
	uint64_t modules = START_KERNEL_MAP + l->image_size;
	vmmap_status st;
	size_t i;
	{
		bool cfg[CFG_N];
		const struct {
			vmmap_addr_t addr;
			const char *name;
			bool on;
		} mk[] = {
			{ 0, "User Space", true },
			{ UINT64_C(1) << 63, "Kernel Space", true },
			{ m->ldt, "LDT remap", true },
			{ l->page_offset, "Low Kernel Mapping", true },
			{ l->vmalloc, "vmalloc() Area", true },
			{ l->vmemmap, "Vmemmap", true },
			{ m->kasan, "KASAN shadow", false },
			{ KASAN_SHADOW_END, "KASAN shadow end", false },
			{ CPU_ENTRY_AREA_BASE, "CPU entry Area", true },
			{ ESPFIX_BASE, "ESPfix Area", true },
			{ EFI_VA_END, "EFI Runtime Services", true },
			{ START_KERNEL_MAP, "High Kernel Mapping", true },
			{ modules, "Modules", true },
			{ MODULES_END, "End Modules", true },
		};

		kernel_config(ctx, cfg);
		for (i = 0; i < ARRAY_SIZE(mk); i++) {
			bool on = mk[i].on;

			if (i == 2)
				on = cfg[CFG_LDT];
			else if (i == 6 || i == 7)
				on = cfg[CFG_KASAN];
			else if (i == 9)
				on = cfg[CFG_ESPFIX];
			else if (i == 10)
				on = cfg[CFG_EFI];
			if (!on)
				continue;
			st = marker_add(ctx, mk[i].addr, mk[i].name);
			if (st)
				return st;
		}
	}
	/* No marker for FIXADDR_START: it depends on the configuration and
	 * neither VMCOREINFO nor a symbol gives it. */
	return VMMAP_OK;
}

/*
 * What x86_64 kernels can write in VMCOREINFO (arch/x86/kernel/
 * crash_core_64.c, v6.1; machine_kexec_64.c before v5.x):
 *  pgtable_l5_enabled  0 or 1 (%d of a bool)
 *  sme_mask            sme_me_mask: 0, or the one C-bit of AMD SME
 *                      (arch/x86/mm/mem_encrypt_identity.c: 1UL << cbit,
 *                      cbit from CPUID 0x8000001f, above bit 31)
 *  phys_base           a multiple of CONFIG_PHYSICAL_ALIGN, which Kconfig
 *                      keeps a multiple of 2 MiB on x86_64
 *  KERNELOFFSET        the KASLR offset: image moves in PHYSICAL_ALIGN
 *                      steps within KERNEL_IMAGE_SIZE (1 GiB)
 *  KERNEL_IMAGE_SIZE   512 MiB, or 1 GiB with RANDOMIZE_BASE
 *                      (page_64_types.h)
 */
static bool ok_bool(uint64_t v)
{
	return v <= 1;
}

static bool ok_sme_mask(uint64_t v)
{
	return !v || (!(v & (v - 1)) && v > UINT32_MAX && v < (UINT64_C(1) << 52));
}

static bool ok_2m_aligned(uint64_t v)
{
	return !(v & (2 * MB - 1));
}

static bool ok_kaslr(uint64_t v)
{
	return ok_2m_aligned(v) && v < GB;
}

static bool ok_image_size(uint64_t v)
{
	return v == 512 * MB || v == GB;
}

/*
 * phys_base when nothing says it: the kernel image maps init_top_pgt's own
 * page (head_64.S), so under the right base the tables at
 * init_top_pgt - __START_KERNEL_map + phys_base translate init_top_pgt to
 * that very address.  phys_base is a multiple of CONFIG_PHYSICAL_ALIGN
 * (2 MiB on x86_64): try each that puts the root inside the dump.
 */
static vmmap_status search_phys_base(struct vmmap_ctx *ctx,
				     struct x86_layout *l, uint64_t sym)
{
	struct pgfmt *f = &ctx->fmt;
	uint64_t off = sym - START_KERNEL_MAP, end, root, found = 0;
	uint64_t tsize = pg_table_size(f, 0);
	unsigned nfound = 0;

	if (!mem_phys_end(ctx, &end) || end > (UINT64_C(1) << 46))
		end = UINT64_C(1) << 46;	/* x86_64's MAX_PHYSMEM_BITS */
	ctx->quiet++;	/* most candidates fail: no messages */
	for (root = off & (2 * MB - 1); root < end; root += 2 * MB) {
		struct vmmap_vtop t;
		uint64_t next = mem_next_data(ctx, root);

		/* A root the source does not hold translates nothing: go on
		 * to the first candidate whose table may hold what it does
		 * (a sparse or hostile source would make millions). */
		if (next > root && next - root >= tsize) {
			if (next >= end)
				break;
			root += (next - tsize + 1 - root + 2 * MB - 1) /
				(2 * MB) * (2 * MB);
			if (root >= end)
				break;
		}
		f->root = root;
		if (vtop_internal(ctx, sym, &t) || t.paddr != root)
			continue;
		if (!nfound++)
			found = root;
	}
	ctx->quiet--;
	vmmap_clear_error(ctx);
	if (!nfound)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"no usable phys_base (VMCOREINFO's NUMBER(phys_base) "
			"is missing or rejected) and no 2 MiB-aligned base "
			"under which init_top_pgt (0x%" PRIx64 ") maps itself",
			sym);
	l->phys_base = found - off;
	f->root = found;
	add_warning(ctx, "phys_base: none usable in VMCOREINFO; 0x%" PRIx64
		    " guessed by a search, the %s 2 MiB-aligned base under "
		    "which init_top_pgt maps itself%s", l->phys_base,
		    nfound > 1 ? "lowest" : "only",
		    nfound > 1 ? " (others fit too)" : "");
	return VMMAP_OK;
}

static vmmap_status init_x86_64(struct vmmap_ctx *ctx)
{
	struct x86_layout *l;
	struct pgfmt *f = &ctx->fmt;
	uint64_t v, sym, cr3;
	vmmap_status st;
	int i;
	bool from_cr3, have_l5, have_phys_base, have_kaslr, have_image_size;
	bool have_searched = false;

	l = calloc(1, sizeof(*l));
	if (!l)
		return set_nomem(ctx);
	ctx->archdata = l;

	l->kver = kernel_version(ctx);
	l->legacy = l->kver && l->kver < KVER(2, 6, 27);
	/* Paging mode: VMCOREINFO (v4.14+), else CR4.LA57 of a live CPU. */
	l->levels = 4;
	have_l5 = vmci_checked(ctx, "NUMBER(pgtable_l5_enabled)", false,
			       ok_bool, "0 or 1", &v);
	if (have_l5)
		l->levels = v ? 5 : 4;
	else if (lookup_reg(ctx, "cr4", &v))
		l->levels = (v >> 12) & 1 ? 5 : 4;

	if (vmci_checked(ctx, "NUMBER(sme_mask)", false, ok_sme_mask,
			 "one bit above 4 GiB (the memory-encryption C-bit)",
			 &v))
		l->sme_mask = v;
	have_phys_base = vmci_checked(ctx, "NUMBER(phys_base)", false,
				      ok_2m_aligned, "a multiple of 2 MiB "
				      "(CONFIG_PHYSICAL_ALIGN)", &v);
	if (have_phys_base)
		l->phys_base = v;
	else if (lookup_value(ctx, "phys_base", &v))
		l->phys_base = v;
	have_kaslr = vmci_checked(ctx, "KERNELOFFSET", true, ok_kaslr,
				  "a multiple of 2 MiB below 1 GiB "
				  "(CONFIG_PHYSICAL_ALIGN, KERNEL_IMAGE_SIZE)",
				  &v);
	if (have_kaslr)
		l->kaslr = v;
	else if (lookup_value(ctx, "kaslr_offset", &v))
		l->kaslr = v;
	/* KERNEL_IMAGE_SIZE: 1 GiB with CONFIG_RANDOMIZE_BASE, else 512 MiB
	 * (page_64_types.h); VMCOREINFO has it since v4.15. */
	l->image_size = 512 * (UINT64_C(1) << 20);
	have_image_size = vmci_checked(ctx, "NUMBER(KERNEL_IMAGE_SIZE)", false,
				       ok_image_size, "512 MiB or 1 GiB", &v);
	if (have_image_size)
		l->image_size = v;
	else if (have_kaslr)
		l->image_size = GB;

	f->nlevels = l->levels;
	f->pte_size = 8;
	f->ptr_size = 8;
	f->big_endian = false;
	f->ext = VA_SIGN;
	for (i = 0; i < l->levels; i++) {
		static const char *const n4[] = { "pgd", "pud", "pmd", "pte" };
		static const char *const n5[] = { "pgd", "p4d", "pud", "pmd",
						  "pte" };
		int fb = l->levels - 1 - i;

		f->lv[i].shift = 12 + 9 * fb;
		f->lv[i].bits = 9;
		f->lv[i].leaf_ok = fb <= 2;
		snprintf(f->lv[i].name, sizeof(f->lv[i].name), "%s",
			 l->levels == 5 ? n5[i] : n4[i]);
	}

	/* The root: CR3 of a live CPU, else init_top_pgt through the kernel
	 * image mapping (__pa_symbol), never through the tables themselves. */
	from_cr3 = lookup_reg(ctx, "cr3", &cr3);
	if (from_cr3) {
		f->root = cr3 & X_ADDR_MASK & ~l->sme_mask;
	} else if (lookup_symbol(ctx, "init_top_pgt", &sym) ||
		   /* its name before v4.13 ("x86/mm: Rename
		    * init_level4_pgt and early_level4_pgt") */
		   lookup_symbol(ctx, "init_level4_pgt", &sym) ||
		   lookup_symbol(ctx, "swapper_pg_dir", &sym)) {
		if (sym < START_KERNEL_MAP)
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				"init_top_pgt 0x%" PRIx64 " is not in the "
				"kernel image mapping", sym);
		f->root = sym - START_KERNEL_MAP + l->phys_base;
	} else {
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"no page-table root: VMCOREINFO lacks "
			"SYMBOL(init_top_pgt) and no CR3 was given");
	}

	/* No phys_base to trust (VMCOREINFO's missing or not one a kernel
	 * writes): search for it. */
	if (!from_cr3 && !have_phys_base && !lookup_value(ctx, "phys_base", &v)) {
		st = search_phys_base(ctx, l, sym);
		if (st)
			return st;
		have_searched = true;
	}

	/* A live CPU without VMCOREINFO: the image's place from its mapping. */
	if (from_cr3 && !have_phys_base) {
		st = image_from_walk(ctx, l);
		if (st)
			return st;
	}

	st = param_set(ctx, "pgtable_levels", l->levels,
		       have_l5 ? "vmcoreinfo" : from_cr3 ? "register"
		       : "default");
	if (!st)
		st = param_set(ctx, "kaslr_offset", l->kaslr,
			       have_kaslr ? "vmcoreinfo" : from_cr3 ? "walk"
			       : "default");
	if (!st)
		st = param_set(ctx, "phys_base", l->phys_base,
			       have_phys_base ? "vmcoreinfo"
			       : from_cr3 || have_searched ? "walk"
			       : "default");
	if (!st)
		st = param_set(ctx, "root", f->root,
			       from_cr3 ? "register" : "vmcoreinfo");
	if (!st)
		st = param_set(ctx, "kernel_image_size", l->image_size,
			       have_image_size ? "vmcoreinfo" : "default");
	if (!st)
		st = param_set(ctx, "start_kernel_map", START_KERNEL_MAP,
			       "default");
	if (!st)
		st = param_set(ctx, "modules_vaddr",
			       l->legacy ? legacy_modules(l)
					 : START_KERNEL_MAP + l->image_size,
			       l->legacy && l->kver < KVER(2, 6, 26)
			       ? "rule" : "derived");
	if (!st && l->sme_mask)
		st = param_set(ctx, "sme_mask", l->sme_mask, "vmcoreinfo");
	if (st)
		return st;
	if (lookup_value(ctx, "phys_base", &v) && v != l->phys_base)
		add_warning(ctx, "phys_base: given as 0x%" PRIx64
			    ", VMCOREINFO says 0x%" PRIx64, v, l->phys_base);
	if (lookup_value(ctx, "kaslr_offset", &v) && v != l->kaslr)
		add_warning(ctx, "kaslr_offset: given as 0x%" PRIx64
			    ", VMCOREINFO says 0x%" PRIx64, v, l->kaslr);

	st = resolve_bases(ctx, l);
	if (st)
		return st;
	return layout_regions(ctx, l);
}

/* __pa_symbol(): the image mapping at __START_KERNEL_map is linear from
 * phys_base (arch/x86/include/asm/page_64.h). */
static bool kimage_pa_x86_64(const struct vmmap_ctx *ctx, vmmap_addr_t va,
			     vmmap_addr_t *pa_ret)
{
	const struct x86_layout *l = ctx->archdata;

	if (va < START_KERNEL_MAP || va - START_KERNEL_MAP >= l->image_size)
		return false;
	*pa_ret = va - START_KERNEL_MAP + l->phys_base;
	return true;
}

/* Effective RW, USR, NX as the kernel's ptdump_check_wx() reads them. */
static void perms_x86_64(const struct vmmap_range *r, struct vmmap_perms *p)
{
	p->kernel_write = r->eff & X_RW;
	p->kernel_exec = !(r->eff & X_NX);
	p->user_read = r->eff & X_USR;
	p->user_write = (r->eff & X_USR) && (r->eff & X_RW);
	p->user_exec = (r->eff & X_USR) && !(r->eff & X_NX);
}

static const struct check_exempt exempt_x86_64[] = {
	{ VMMAP_CHECK_USER, "vsyscall",
	  "the legacy vsyscall page, user-executable by design "
	  "(vsyscall=emulate; arch/x86/entry/vsyscall/vsyscall_64.c)" },
	{ 0, NULL, NULL },
};

static const char *const aliases_x86_64[] = { "x86-64", "amd64", "X86_64",
					      NULL };

/* arch/x86/kernel/crash_core_64.c (machine_kexec_64.c before v5.x):
 * SYMBOL(init_top_pgt) since v4.13, SYMBOL(init_level4_pgt) before it,
 * NUMBER(pgtable_l5_enabled) since v4.17. */
static const char *const marks_x86_64[] = {
	"SYMBOL(init_top_pgt)", "SYMBOL(init_level4_pgt)",
	"NUMBER(pgtable_l5_enabled)", NULL,
};

static const char *const keys_x86_64[] = {
	"KERNELOFFSET", "NUMBER(phys_base)", "NUMBER(pgtable_l5_enabled)",
	"NUMBER(KERNEL_IMAGE_SIZE)", "NUMBER(sme_mask)", NULL,
};

static const char *const symbols_x86_64[] = {
	"init_top_pgt", "init_level4_pgt", "page_offset_base", "vmalloc_base",
	"vmemmap_base", "phys_base", "efi_mm", "kasan_early_shadow_page",
	"init_espfix_ap", "__x64_sys_modify_ldt", NULL,
};

/*
 * A user address space: mm->pgd, the same shape as the kernel's, its
 * lower half the user's.  With page-table isolation (arch/x86/mm/pti.c,
 * v4.15+) the mm's PGD is two pages: the kernel's copy, whose user entries
 * the kernel marks NX (pti_set_user_pgtbl()), and 4 KiB above it the copy
 * user mode runs on (kernel_to_user_pgdp(): PTI_PGTABLE_SWITCH_BIT 12),
 * the same user entries without that NX and, in its upper half, the few
 * kernel mappings user mode needs (entry text, cpu_entry_area).  PTI is on
 * when every user entry of the first page is NX and repeated without NX
 * in the second: then the second is walked, all of it.
 */
static bool pti_copy(struct vmmap_ctx *ctx, vmmap_addr_t pgd)
{
	const struct pgfmt *f = &ctx->fmt;
	uint8_t kern[4096], user[4096];
	unsigned i, n = 1u << f->lv[0].bits, users = 0;

	if (mem_read_phys(ctx, pgd, kern, sizeof(kern)) ||
	    mem_read_phys(ctx, pgd + 4096, user, sizeof(user))) {
		vmmap_clear_error(ctx);
		return false;
	}
	for (i = 0; i < n / 2; i++) {
		uint64_t k = mem_get_pte(f, kern, i), u = mem_get_pte(f, user, i);

		if ((k & (X_P | X_USR)) != (X_P | X_USR))
			continue;
		if (!(k & X_NX) || u != (k & ~X_NX))
			return false;
		users++;
	}
	return users > 0;
}

static vmmap_status user_space_x86_64(struct vmmap_ctx *ctx, vmmap_addr_t pgd,
				      const uint64_t *mm_vals, struct pgfmt *f,
				      vmmap_addr_t *last_ret)
{
	(void)mm_vals;
	f->root = pgd;
	*last_ret = ((vmmap_addr_t)1 << (pg_va_bits(f) - 1)) - 1;
	if (pti_copy(ctx, pgd)) {
		f->root = pgd + 4096;
		*last_ret = VMMAP_ADDR_MAX;
	}
	return VMMAP_OK;
}

const struct vmmap_arch vmmap_arch_x86_64 = {
	.name = "x86_64",
	.aliases = aliases_x86_64,
	.elf_machine = 62,	/* EM_X86_64 */
	.elf_bits = 64,
	.vmcoreinfo_marks = marks_x86_64,
	.vmcoreinfo_keys = keys_x86_64,
	.symbols = symbols_x86_64,
	.rules_checked = KVER(7, 2, 255),	/* testdata/matrix */
	.kimage_pa = kimage_pa_x86_64,
	.perms = perms_x86_64,
	.exempt = exempt_x86_64,
	.init = init_x86_64,
	.decode = decode_x86_64,
	.inherit = inherit_x86_64,
	.eff_init = X_RW | X_USR,
	.effective = effective_x86_64,
	.merge_mask = X_P | X_RW | X_USR | X_PWT | X_PCD | X_PSE | X_GLB |
		      X_PAT | X_NX,
	.flags = flags_x86_64,
	.ptdump_prot = ptdump_prot_x86_64,
	.ptdump_markers = ptdump_markers_x86_64,
	.user_space = user_space_x86_64,
};
