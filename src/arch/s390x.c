/*
 * arch/s390x.c - IBM Z DAT tables and the s390x kernel layout.
 *
 * DAT facts are from the z/Architecture Principles of Operation
 * (SA22-7832, chapter 3 "Dynamic Address Translation") and the bit names
 * of arch/s390/include/asm/pgtable.h (v6.1); layout facts from the seed
 * (../shared/seeds/000_c80acb895a528cd4.txt, Documentation/arch/s390/mm.rst
 * "Virtual memory layout", v6.10+) and the v6.1 sources named at each rule.
 *
 * Tables: region-first, -second, -third and segment tables have 2048
 * entries (16 KiB), page tables 256 (2 KiB, two to a page).  The kernel's
 * ASCE names the top table; a top region-third table (Linux's 3-level
 * layout, 4 TiB) is the usual case for small machines.
 */
#include "config.h"
#include "arch/arch.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Entry bits (pgtable.h v6.1: _REGION_ENTRY_*, _SEGMENT_ENTRY_*, _PAGE_*).
 * IBM numbers bits from the left: bit 55 is 0x100, bit 53 0x400. */
#define S_NX		UINT64_C(0x100)	/* IEP, bit 55 (facility 130) */
#define S_P		UINT64_C(0x200)	/* DAT protection, bit 54 */
#define S_FC		UINT64_C(0x400)	/* large: STE/RTTE format control */
#define S_PTE_I		UINT64_C(0x400)	/* page-table entry invalid, bit 53 */
#define S_PTE_ZERO	UINT64_C(0x800)	/* PTE bit 52 must be zero */
#define S_I		UINT64_C(0x020)	/* region/segment entry invalid */
#define S_TT		UINT64_C(0x00c)	/* table type of region/segment entries */
#define S_TF_SHIFT	6		/* region entry table offset (0xc0) */
#define S_TL		UINT64_C(0x003)	/* region entry table length */
#define S_PTE_ORIGIN	(~UINT64_C(0xfff))
#define S_PT_ORIGIN	(~UINT64_C(0x7ff))	/* page table: 2 KiB aligned */
#define S_CRST_ORIGIN	(~UINT64_C(0xfff))
#define S_SEG_LARGE	(~UINT64_C(0xfffff))	/* 1 MiB frame (EDAT-1) */
#define S_R3_LARGE	(~UINT64_C(0x7fffffff))	/* 2 GiB frame (EDAT-2) */

/* DAT table types: the TT value of a table's entries and of the ASCE's
 * designation type (DT).  The page table has none. */
enum { DT_SEGMENT = 0, DT_REGION3 = 1, DT_REGION2 = 2, DT_REGION1 = 3 };

#define SZ_1M	(UINT64_C(1) << 20)
#define SZ_2G	(UINT64_C(1) << 31)
#define LOWCORE_SIZE	UINT64_C(0x2000)	/* sizeof(struct lowcore) */

struct s390_layout {
	int top;			/* DT of the root table */
	uint64_t identity_base;
	uint64_t kaslr, kaslr_phys;
	bool new_va;			/* IDENTITYBASE/KERNELOFFPHYS given */
	uint64_t stext, end;		/* kernel image [stext, end) */
	uint64_t vmemmap, vmemmap_size, ident_map_size;
	uint64_t vmalloc, vmalloc_end, modules, modules_end;
	uint64_t abs_lowcore, memcpy_real;
	uint64_t amode31, amode31_end;
	uint64_t nr_cpus;
	uint64_t high_memory;
};

/* ---- entries ---- */

static void decode_s390x(const struct vmmap_ctx *ctx, int level,
			 uint64_t raw, struct pte *out)
{
	int type = ctx->fmt.nlevels - 2 - level;	/* -1: page table */

	out->prot = raw & (S_P | S_NX);
	if (type < 0) {
		if (raw & S_PTE_I) {
			out->type = PTE_NONE;
			return;
		}
		/* PoO: a one in bit 52 is a translation-specification
		 * exception (Linux's _PAGE_LARGE never reaches a table). */
		out->type = raw & S_PTE_ZERO ? PTE_INVALID : PTE_LEAF;
		out->addr = raw & S_PTE_ORIGIN;
		out->addr_bits = S_PTE_ORIGIN;
		return;
	}
	/* Not present whatever else it says: the I bit ends translation. */
	if (raw & S_I) {
		out->type = PTE_NONE;
		return;
	}
	/* The TT bits must name the table the entry is in, else a
	 * translation-specification exception. */
	if ((int)((raw & S_TT) >> 2) != type) {
		out->type = PTE_INVALID;
		return;
	}
	if (type == DT_SEGMENT) {
		if (raw & S_FC) {
			out->type = PTE_LEAF;
			out->addr = raw & S_SEG_LARGE;
			out->addr_bits = S_SEG_LARGE;
		} else {
			out->type = PTE_TABLE;
			out->addr = raw & S_PT_ORIGIN;
			out->prot &= ~S_NX;
		}
		return;
	}
	if (raw & S_FC) {
		/* Only region-third entries have a format control (EDAT-2). */
		out->type = type == DT_REGION3 ? PTE_LEAF : PTE_INVALID;
		out->addr = raw & S_R3_LARGE;
		out->addr_bits = S_R3_LARGE;
		return;
	}
	out->type = PTE_TABLE;
	out->addr = raw & S_CRST_ORIGIN;
	out->prot &= ~S_NX;
	/* TF/TL: which 512-entry quarters of the next table exist. */
	out->first = ((raw >> S_TF_SHIFT) & 3) * 512;
	out->count = ((raw & S_TL) + 1) * 512 - out->first;
	if ((raw & S_TL) < ((raw >> S_TF_SHIFT) & 3))
		out->type = PTE_INVALID;
}

/* DAT protection in any table entry on the path protects what is below
 * (PoO: region entries with EDAT-1, segment entries always); IEP exists
 * only in the entries that map. */
static uint64_t inherit_s390x(uint64_t eff, int level, uint64_t raw)
{
	(void)level;
	return eff | (raw & S_P);
}

static uint64_t effective_s390x(uint64_t prot, uint64_t eff)
{
	return prot | (eff & S_P);
}

static const struct flagname flags_s390x[] = {
	{ S_P, 0, "RW" },
	{ S_P, S_P, "RO" },
	{ S_NX, 0, "X" },
	{ S_NX, S_NX, "NX" },
	{ 0, 0, NULL },
};

/*
 * The prot column of arch/s390/mm/dump_pagetables.c (v6.1 print_prot()):
 * the generic ptdump's level names as s390 spells them, ASCE for the pgd
 * (region-first) level, then "RO"/"RW" and "X"/"NX", or "I" for what is
 * not mapped.
 */
static void ptdump_prot_s390x(const struct vmmap_ctx *ctx,
			      const struct vmmap_range *r, char *buf,
			      size_t size)
{
	static const char *const names[] = { "ASCE", "PGD", "PUD", "PMD",
					     "PTE" };
	int klevel = r->level + (5 - ctx->fmt.nlevels);
	uint64_t pr = r->kind == VMMAP_RANGE_MAPPED ? r->eff : 0;

	if (klevel < 0 || klevel > 4)
		klevel = 4;
	if (r->kind != VMMAP_RANGE_MAPPED) {
		snprintf(buf, size, "%s I", names[klevel]);
		return;
	}
	snprintf(buf, size, "%s %s %s", names[klevel],
		 pr & S_P ? "RO" : "RW", pr & S_NX ? "NX" : "X");
}

/* ---- shape and root ---- */

static void set_shape(struct pgfmt *f, int top)
{
	static const char *const names[] = { "segment", "region3", "region2",
					     "region1" };
	int i;

	f->nlevels = top + 2;
	f->pte_size = 8;
	f->ptr_size = 8;
	f->big_endian = true;
	f->ext = VA_ZERO;
	for (i = 0; i <= top; i++) {
		int t = top - i;

		/* RFX, RSX, RTX, SX: 11 bits each above bit 20 */
		f->lv[i].shift = (uint8_t)(20 + 11 * t);
		f->lv[i].bits = 11;
		f->lv[i].leaf_ok = t <= DT_REGION3;
		snprintf(f->lv[i].name, sizeof(f->lv[i].name), "%s",
			 names[t]);
	}
	/* PX: 8 bits of 4 KiB pages */
	f->lv[i].shift = 12;
	f->lv[i].bits = 8;
	f->lv[i].leaf_ok = true;
	snprintf(f->lv[i].name, sizeof(f->lv[i].name), "page");
}

/*
 * Without the ASCE, the root table says its own type: every entry Linux
 * writes in a region or segment table carries the TT of that table, the
 * empty ones too (_REGION3_ENTRY_EMPTY = TT_R3 | I, pgtable.h).  The most
 * common TT of the entries that are not all zero wins.
 */
static int root_type_from_table(struct vmmap_ctx *ctx, vmmap_addr_t root,
				bool *ok_ret)
{
	const uint8_t *data;
	struct pgfmt f = { 0 };
	unsigned count[4] = { 0 }, i;
	int best = DT_REGION3;

	set_shape(&f, DT_REGION1);
	*ok_ret = false;
	if (mem_read_table(ctx, root, 2048 * 8, &data))
		return best;
	for (i = 0; i < 2048; i++) {
		uint64_t e = mem_get_pte(&f, data, i);

		if (e)
			count[(e & S_TT) >> 2] += (e & S_I) ? 1 : 4096;
	}
	for (i = 0; i < 4; i++)
		if (count[i] > count[best])
			best = (int)i;
	*ok_ret = count[best] > 0;
	return best;
}

/* ---- layout ---- */

/* The last address the ASCE translates (a region-first table: all). */
static uint64_t asce_last(const struct pgfmt *f)
{
	unsigned bits = pg_va_bits(f);

	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

static vmmap_status read_u64(struct vmmap_ctx *ctx, uint64_t vaddr,
			     uint64_t *ret)
{
	uint8_t b[8];
	vmmap_status st = virt_read(ctx, vaddr, b, 8);
	int i;

	if (st)
		return st;
	*ret = 0;
	for (i = 0; i < 8; i++)
		*ret = *ret << 8 | b[i];
	return VMMAP_OK;
}

/* The kernel's layout variables, set by the decompressor
 * (setup_kernel_memory_layout(), arch/s390/boot/startup.c, v5.15+) and
 * kept in .boot.preserved.data; found by name in the dump's kallsyms. */
enum {
	V_VMALLOC, V_VMALLOC_END, V_MODULES, V_MODULES_END, V_VMEMMAP,
	V_VMEMMAP_SIZE, V_IDENT, V_ABS_LC, V_MEMCPY, V_KASLR, NVARS,
};

static const char *const var_names[] = {
	"VMALLOC_START", "VMALLOC_END", "MODULES_VADDR", "MODULES_END",
	"vmemmap", "vmemmap_size", "ident_map_size", "__abs_lowcore",
	"__memcpy_real_area", "__kaslr_offset", "_stext",
	/* the image's end: the first of these the dump's kallsyms has (the
	 * linker's _end and __bss_stop are not there without
	 * CONFIG_KALLSYMS_ALL; _einittext and _edata are) */
	"_end", "__bss_stop", "_einittext", "_edata", NULL,
};

struct vars {
	uint64_t val[NVARS];
	bool have[NVARS];
	uint64_t stext, end;
	bool have_stext;
	const char *end_src;
};

static void read_vars(struct vmmap_ctx *ctx, struct vars *v)
{
	uint64_t addr[ARRAY_SIZE(var_names)];
	bool have[ARRAY_SIZE(var_names)];
	vmmap_status st;
	size_t i;

	memset(v, 0, sizeof(*v));
	/* VMCOREINFO's SYMBOL(vmemmap) is the variable's value
	 * (VMCOREINFO_SYMBOL_ARRAY(), kernel/vmcore_info.c), not where it is:
	 * only given symbols locate it. */
	for (i = 0; var_names[i]; i++)
		have[i] = i == V_VMEMMAP
			  ? lookup_given_symbol(ctx, var_names[i], &addr[i])
			  : lookup_symbol(ctx, var_names[i], &addr[i]);
	st = kallsyms_lookup(ctx, var_names, addr, have);
	if (st && st != VMMAP_ERR_NOINFO)
		add_warning(ctx, "kernel symbols from the dump: %s",
			    vmmap_errmsg(ctx));
	vmmap_clear_error(ctx);
	/* given symbols win over the dump's kallsyms */
	for (i = 0; var_names[i]; i++) {
		uint64_t a;

		if (i == V_VMEMMAP ? lookup_given_symbol(ctx, var_names[i], &a)
				   : lookup_symbol(ctx, var_names[i], &a)) {
			addr[i] = a;
			have[i] = true;
		}
	}
	for (i = 0; i < NVARS; i++) {
		if (have[i] && !read_u64(ctx, addr[i], &v->val[i]))
			v->have[i] = true;
		vmmap_clear_error(ctx);
	}
	/* v6.1 keeps ident_map_size in .boot.data, freed (and zeroed) after
	 * boot: a 0 there is no size */
	if (v->have[V_IDENT] && !v->val[V_IDENT])
		v->have[V_IDENT] = false;
	v->have_stext = have[NVARS];
	v->stext = addr[NVARS];
	v->end_src = "none";
	for (i = NVARS + 1; var_names[i]; i++) {
		if (have[i] && addr[i] > v->end) {
			v->end = addr[i];
			v->end_src = var_names[i];
		}
		if (have[i] && i == NVARS + 1)
			break;	/* _end itself */
	}
}

/*
 * The layout by the rules of v6.1's setup_kernel_memory_layout()
 * (arch/s390/boot/startup.c), for kernels whose kallsyms lacks the data
 * symbols (no CONFIG_KALLSYMS_ALL, as Debian's 6.1).  The absolute lowcore
 * (v6.0, commit 2154e0b3282d "s390/smp: rework absolute lowcore access")
 * and the memcpy_real page (v6.2 startup.c; in Debian's 6.1.176 too: its
 * MODULES_END is the guest's) sit at the top, below vmax, the ASCE limit
 * (no ultravisor storage limit, no KASAN assumed):
 *   __memcpy_real_area = vmax - MEMCPY_REAL_SIZE (one page)
 *   __abs_lowcore = round_down(that - NR_CPUS * sizeof(struct lowcore), 8K)
 *   MODULES_END = round_down(__abs_lowcore, 1M), MODULES_LEN = 2G
 *   VMALLOC_END = MODULES_VADDR; vmalloc_size = min(VMALLOC_DEFAULT_SIZE
 *     (512G - MODULES_LEN, pgtable.h), round_down(VMALLOC_END / 2, 2G))
 *   vmemmap = round_down(VMALLOC_START - SECTION_ALIGN_UP(VMALLOC_START /
 *     (PAGE_SIZE + sizeof(struct page))) * sizeof(struct page), rte_size)
 * A vmalloc= on the command line changes vmalloc_size: the walk checks
 * vmemmap, and a warning says when the two disagree.
 */
static bool layout_rule_v61(struct vmmap_ctx *ctx, struct s390_layout *l)
{
	uint64_t vmax, rte = UINT64_C(1) << ctx->fmt.lv[0].shift;
	uint64_t page_sz = 64, sect_bits = 28, phys_bits = 46, vsize, pages,
		 per_sect;

	/* v6.1 picks a region-second table at most (asce_limit
	 * _REGION1_SIZE): a region-first one is not its layout. */
	if (pg_va_bits(&ctx->fmt) >= 64) {
		add_warning(ctx, "a region-first table: the v6.1 layout rule "
			    "does not apply and the kernel's variables are not "
			    "known, so the regions are incomplete");
		return false;
	}
	vmax = UINT64_C(1) << pg_va_bits(&ctx->fmt);
	vmci_number(ctx, "SIZE(page)", &page_sz);
	vmci_number(ctx, "NUMBER(SECTION_SIZE_BITS)", &sect_bits);
	vmci_number(ctx, "NUMBER(MAX_PHYSMEM_BITS)", &phys_bits);
	if (!page_sz || sect_bits < 12 || sect_bits > 40 || phys_bits > 63)
		return false;
	per_sect = UINT64_C(1) << (sect_bits - 12);
	l->memcpy_real = vmax - 4096;
	l->abs_lowcore = (l->memcpy_real - l->nr_cpus * LOWCORE_SIZE) &
			 ~(LOWCORE_SIZE - 1);
	l->modules_end = l->abs_lowcore & ~(SZ_1M - 1);
	l->modules = l->modules_end - SZ_2G;
	l->vmalloc_end = l->modules;
	vsize = (l->vmalloc_end / 2) & ~(SZ_2G - 1);
	l->vmalloc = l->vmalloc_end - (vsize < (UINT64_C(512) << 30) - SZ_2G
				       ? vsize
				       : (UINT64_C(512) << 30) - SZ_2G);
	pages = l->vmalloc / (4096 + page_sz);
	pages = (pages + per_sect - 1) & ~(per_sect - 1);
	l->vmemmap = (l->vmalloc - pages * page_sz) & ~(rte - 1);
	if (l->vmemmap > UINT64_C(1) << phys_bits)
		l->vmemmap = UINT64_C(1) << phys_bits;
	return true;
}

/* vmemmap by the walk: the first page mapped above the memory's end. */
struct vmemmap_probe {
	uint64_t first;
	bool found;
};

static vmmap_status vmemmap_range(void *arg, const struct vmmap_range *r)
{
	struct vmemmap_probe *p = arg;

	if (r->kind != VMMAP_RANGE_MAPPED)
		return VMMAP_OK;
	p->first = r->start;
	p->found = true;
	return VMMAP_ERR_STOP;
}

static void check_vmemmap(struct vmmap_ctx *ctx, struct s390_layout *l,
			  uint64_t mem_end)
{
	struct vmemmap_probe p = { 0, false };
	uint64_t rte = UINT64_C(1) << ctx->fmt.lv[0].shift;

	if (!mem_end || mem_end >= l->vmalloc)
		return;
	if (walk_internal(ctx, (mem_end + rte - 1) & ~(rte - 1),
			  l->vmalloc - 1, VMMAP_WALK_NOHOLES |
			  VMMAP_WALK_NOSPLIT, vmemmap_range, &p))
		vmmap_clear_error(ctx);
	if (p.found && (p.first & ~(rte - 1)) != l->vmemmap)
		add_warning(ctx, "vmemmap: the v6.1 rule says 0x%" PRIx64
			    ", the page tables map struct pages from 0x%"
			    PRIx64 " (vmalloc= given?)", l->vmemmap, p.first);
}

struct param {
	const char *name;
	uint64_t val;
	const char *src;
	bool on;
};

static vmmap_status set_params(struct vmmap_ctx *ctx,
			       const struct param *extra, size_t nextra)
{
	vmmap_status st = VMMAP_OK;
	size_t i;

	for (i = 0; i < nextra && !st; i++)
		if (extra[i].on)
			st = param_set(ctx, extra[i].name, extra[i].val,
				       extra[i].src);
	return st;
}

static vmmap_status add_regions(struct vmmap_ctx *ctx,
				const struct s390_layout *l)
{
	uint64_t top = asce_last(&ctx->fmt);
	/* the seed: the struct page array runs up to the absolute lowcore */
	uint64_t vmemmap_end = l->abs_lowcore > l->vmemmap &&
			       l->abs_lowcore < l->vmalloc ? l->abs_lowcore
							   : l->vmalloc;
	/* the seed: the image starts at __kaslr_offset (its head is below
	 * _stext) in the identity-base layout; in v6.1's at _stext */
	uint64_t kstart = l->new_va && l->kaslr && l->kaslr < l->stext
			  ? l->kaslr : l->stext;
	uint64_t abs_size = l->nr_cpus * LOWCORE_SIZE;
	/* Later entries paint over earlier ones. */
	const struct {
		uint64_t start, end;	/* end exclusive, 0: none */
		const char *id, *name;
		bool on;
	} regs[] = {
		{ l->identity_base, l->vmemmap, "identity",
		  "identity mapping", l->vmemmap > l->identity_base },
		{ 0, LOWCORE_SIZE, "lowcore", "Low-address memory", true },
		{ l->amode31, l->amode31_end, "amode31", ".amode31 text/data",
		  l->amode31_end > l->amode31 },
		{ kstart, l->end, "kernel", "kernel text/data",
		  l->end > kstart },
		{ l->vmemmap, vmemmap_end, "vmemmap",
		  "virtually mapped memory map", vmemmap_end > l->vmemmap },
		{ l->abs_lowcore, l->abs_lowcore + abs_size, "abs_lowcore",
		  "Absolute Lowcore", l->abs_lowcore && abs_size },
		{ l->memcpy_real, l->memcpy_real + 4096, "memcpy_real",
		  "Real Memory Copy", l->memcpy_real != 0 },
		{ l->vmalloc, l->vmalloc_end, "vmalloc", "vmalloc area",
		  l->vmalloc_end > l->vmalloc },
		{ l->modules, l->modules_end, "modules", "modules area",
		  l->modules_end > l->modules },
	};
	vmmap_status st = VMMAP_OK;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs) && !st; i++) {
		if (!regs[i].on || regs[i].start > top)
			continue;
		st = region_add(ctx, regs[i].start,
				regs[i].end - 1 > top ? top : regs[i].end - 1,
				regs[i].id, regs[i].name);
	}
	if (!st)
		st = regions_finish(ctx);
	return st;
}

/* pt_dump_init() of v6.10+ (arch/s390/mm/dump_pagetables.c, v6.12,
 * v7.2): a start and an end marker per area, sorted by address; at one
 * address the ends before the starts, the larger area's start first and
 * its end last (ptdump_cmp()). */
struct area_mk {
	uint64_t start, end;
	const char *name;
};

static int area_cmp(const uint64_t a, bool a_start, uint64_t a_size,
		    const uint64_t b, bool b_start, uint64_t b_size)
{
	if (a != b)
		return a < b ? -1 : 1;
	if (a_start && b_start)
		return a_size > b_size ? -1 : a_size < b_size;
	if (!a_start && !b_start)
		return a_size > b_size ? 1 : -(a_size < b_size);
	return a_start ? 1 : -1;
}

static vmmap_status add_area_markers(struct vmmap_ctx *ctx,
				     const struct area_mk *a, size_t n)
{
	static const char *const suffix[2] = { "End", "Start" };
	struct { uint64_t addr, size; bool start; const char *name; } m[32];
	size_t k = 0, i, j;
	vmmap_status st = VMMAP_OK;

	for (i = 0; i < n && k + 2 <= ARRAY_SIZE(m); i++) {
		if (a[i].end <= a[i].start)
			continue;
		m[k].addr = a[i].start;
		m[k].size = a[i].end - a[i].start;
		m[k].start = true;
		m[k++].name = a[i].name;
		m[k].addr = a[i].end;
		m[k].size = a[i].end - a[i].start;
		m[k].start = false;
		m[k++].name = a[i].name;
	}
	for (i = 1; i < k; i++)		/* insertion sort: a few dozen */
		for (j = i; j > 0 && area_cmp(m[j - 1].addr, m[j - 1].start,
					      m[j - 1].size, m[j].addr,
					      m[j].start, m[j].size) > 0; j--) {
			__typeof__(m[0]) t = m[j];

			m[j] = m[j - 1];
			m[j - 1] = t;
		}
	for (i = 0; i < k && !st; i++) {
		char *name;

		if (asprintf(&name, "%s %s", m[i].name,
			     suffix[m[i].start]) < 0)
			return set_nomem(ctx);
		st = marker_add_owned(ctx, m[i].addr, name);
	}
	return st;
}

/* address_markers[] of arch/s390/mm/dump_pagetables.c (v6.1; the abs
 * lowcore and real-copy areas where the kernel has them); the sorted
 * pairs of v6.10+. */
static vmmap_status add_markers(struct vmmap_ctx *ctx,
				const struct s390_layout *l, bool kfence,
				uint64_t kfence_pool)
{
	uint64_t abs_size = l->nr_cpus * LOWCORE_SIZE;
	const struct {
		uint64_t addr;
		const char *name;
		bool on;
	} mk[] = {
		{ 0, "Identity Mapping Start", true },
		{ l->stext, "Identity Mapping End", l->end > l->stext },
		{ l->amode31, "Amode31 Area Start", l->amode31_end != 0 },
		{ l->amode31_end, "Amode31 Area End", l->amode31_end != 0 },
		{ l->stext, "Kernel Image Start", l->end > l->stext },
		{ l->end, "Kernel Image End", l->end > l->stext },
		{ l->end, "Identity Mapping Start", l->end > l->stext },
		{ l->ident_map_size, "Identity Mapping End",
		  l->ident_map_size != 0 },
		{ l->vmemmap, "vmemmap Area Start", true },
		{ l->vmemmap + l->vmemmap_size, "vmemmap Area End",
		  l->vmemmap_size != 0 },
		{ l->vmalloc, "vmalloc Area Start", true },
		{ l->vmalloc_end, "vmalloc Area End", true },
		{ l->modules, "Modules Area Start", true },
		{ l->modules_end, "Modules Area End", true },
		{ l->abs_lowcore, "Lowcore Area Start", l->abs_lowcore != 0 },
		{ l->abs_lowcore + abs_size, "Lowcore Area End",
		  l->abs_lowcore != 0 },
		{ l->memcpy_real, "Real Memory Copy Area Start",
		  l->memcpy_real != 0 },
		{ l->memcpy_real + 4096, "Real Memory Copy Area End",
		  l->memcpy_real != 0 },
	};
	vmmap_status st = VMMAP_OK;
	size_t i;

	if (l->new_va) {
		/* the lowcore at 0 (get_lowcore(): LOWCORE_ALT_ADDRESS on a
		 * machine with relocated lowcores, which QEMU is not); the
		 * KFence pool is added with the search (ptdump_markers) */
		const struct area_mk a[] = {
			{ l->stext, l->end, "Kernel Image" },
			{ 0, LOWCORE_SIZE, "Lowcore" },
			{ l->identity_base, l->identity_base + l->ident_map_size,
			  "Identity Mapping" },
			{ l->amode31, l->amode31_end, "Amode31 Area" },
			{ l->modules, l->modules_end, "Modules Area" },
			{ l->abs_lowcore, l->abs_lowcore + abs_size,
			  "Lowcore Area" },
			{ l->memcpy_real, l->memcpy_real + 4096,
			  "Real Memory Copy Area" },
			{ l->vmemmap, l->vmemmap + l->vmemmap_size,
			  "vmemmap Area" },
			{ l->vmalloc, l->vmalloc_end, "vmalloc Area" },
			{ kfence_pool, kfence_pool + (255 + 1) * 2 *
				       UINT64_C(4096), "KFence Pool" },
		};

		return add_area_markers(ctx, a, ARRAY_SIZE(a) - !kfence);
	}
	for (i = 0; i < ARRAY_SIZE(mk) && !st; i++)
		if (mk[i].on)
			st = marker_add(ctx, mk[i].addr, mk[i].name);
	return st;
}

#define SZ_8K	UINT64_C(0x2000)

/*
 * The layout of kernels with an identity base (v6.10+, commit
 * 56b1069c40c7 "s390/boot: Rework deployment of the kernel image"; the
 * seed's table), where a variable is not in the dump's kallsyms, from
 * VMCOREINFO and the rules of setup_kernel_memory_layout()
 * (arch/s390/boot/startup.c, v6.10-v7.2):
 *   VMALLOC_START        NUMBER(VMALLOC_START) (kernel/vmcore_info.c)
 *   vmemmap              SYMBOL(vmemmap): the pointer's value
 *   MODULES_END          round_down(__kaslr_offset (KERNELOFFSET), 1 MiB)
 *   MODULES_VADDR        MODULES_END - MODULES_LEN (2 GiB); = VMALLOC_END
 *   __memcpy_real_area   round_down(VMALLOC_START - MEMCPY_REAL_SIZE, 4K)
 *   __abs_lowcore        round_down(__memcpy_real_area - NR_CPUS *
 *                        sizeof(struct lowcore), sizeof(struct lowcore))
 *                        (NR_CPUS: LENGTH(lowcore_ptr); lowcore 8 KiB)
 * KMSAN kernels move VMALLOC_END down (not a distribution's): the walk
 * checks vmalloc areas fall in the regions (tests).  A variable the
 * dump's kallsyms has wins, and must agree.
 */
static void layout_vmcoreinfo_v610(struct vmmap_ctx *ctx, struct s390_layout *l,
				   const struct vars *v, const char **src)
{
	uint64_t x, modules_end, vstart;
	size_t i;

	if (vmci_number(ctx, "NUMBER(VMALLOC_START)", &x) &&
	    !v->have[V_VMALLOC]) {
		l->vmalloc = x;
		src[V_VMALLOC] = "vmcoreinfo";
	}
	if (vmci_hex(ctx, "SYMBOL(vmemmap)", &x)) {
		if (v->have[V_VMEMMAP] && v->val[V_VMEMMAP] != x)
			add_warning(ctx, "vmemmap: VMCOREINFO says 0x%" PRIx64
				    ", the kernel's variable 0x%" PRIx64, x,
				    v->val[V_VMEMMAP]);
		if (!v->have[V_VMEMMAP]) {
			l->vmemmap = x;
			src[V_VMEMMAP] = "vmcoreinfo";
		}
	}
	modules_end = l->kaslr & ~(SZ_1M - 1);
	if (!v->have[V_MODULES_END] && l->kaslr) {
		l->modules_end = modules_end;
		src[V_MODULES_END] = "rule";
	}
	if (!v->have[V_MODULES] && strcmp(src[V_MODULES_END], "none")) {
		l->modules = l->modules_end - SZ_2G;
		src[V_MODULES] = "rule";
	}
	if (!v->have[V_VMALLOC_END] && strcmp(src[V_MODULES], "none")) {
		l->vmalloc_end = l->modules;
		src[V_VMALLOC_END] = "rule";
	}
	vstart = l->vmalloc;
	if (!v->have[V_MEMCPY] && strcmp(src[V_VMALLOC], "none")) {
		l->memcpy_real = (vstart - 4096) & ~UINT64_C(4095);
		src[V_MEMCPY] = "rule";
	}
	if (!v->have[V_ABS_LC] && strcmp(src[V_MEMCPY], "none") &&
	    l->nr_cpus) {
		l->abs_lowcore = (l->memcpy_real - l->nr_cpus * SZ_8K) &
				 ~(SZ_8K - 1);
		src[V_ABS_LC] = "rule";
	}
	/* the kernel's own variables, where kallsyms has them, against the
	 * rules */
	for (i = 0; i < 4; i++) {
		static const int vars[] = { V_MODULES_END, V_MODULES,
					    V_VMALLOC_END, V_MEMCPY };
		const uint64_t rule[] = { modules_end, modules_end - SZ_2G,
					  modules_end - SZ_2G,
					  (vstart - 4096) & ~UINT64_C(4095) };
		int k = vars[i];

		if (v->have[k] && l->kaslr && v->val[k] != rule[i])
			add_warning(ctx, "%s: the kernel's variable is 0x%"
				    PRIx64 ", the v6.10 rule gives 0x%" PRIx64
				    " (a newer layout?)", var_names[k],
				    v->val[k], rule[i]);
	}
}

/* The kernel image's mapping: one linear run from __kaslr_offset, at
 * phys - virt = __kaslr_offset_phys - __kaslr_offset (the seed). */
struct image_probe {
	uint64_t offset, end;
};

static vmmap_status image_range(void *arg, const struct vmmap_range *r)
{
	struct image_probe *p = arg;

	if (r->kind != VMMAP_RANGE_MAPPED || r->start != p->end ||
	    r->phys - r->start != p->offset)
		return VMMAP_ERR_STOP;
	p->end = r->last + 1;
	return VMMAP_OK;
}

/* Without _end in kallsyms (no CONFIG_KALLSYMS_ALL): where that run ends,
 * 0 if nothing is mapped at __kaslr_offset. */
static int kimage_end_by_walk(struct vmmap_ctx *ctx, struct s390_layout *l)
{
	struct image_probe p = { l->kaslr_phys - l->kaslr, l->kaslr };
	vmmap_status st;

	st = walk_internal(ctx, l->kaslr, asce_last(&ctx->fmt),
			   VMMAP_WALK_NOHOLES | VMMAP_WALK_NOSPLIT, image_range,
			   &p);
	vmmap_clear_error(ctx);
	if ((st && st != VMMAP_ERR_STOP) || p.end == l->kaslr)
		return -1;
	l->end = p.end;
	return 0;
}

/*
 * Where the kernel image is, physically.  v6.1: __pa(x) == x
 * (arch/s390/include/asm/page.h), the image sits in the identity mapping
 * at its physical address, and KASLR moves both together.  Kernels with
 * their own kernel virtual range (the seed's layout) say IDENTITYBASE and
 * KERNELOFFPHYS in VMCOREINFO (arch_crash_save_vmcoreinfo(), mainline
 * arch/s390/kernel/vmcore_info.c), and phys == (kvirt - __kaslr_offset)
 * + __kaslr_offset_phys (the seed).
 */
static uint64_t kimage_pa(const struct s390_layout *l, uint64_t va)
{
	return l->new_va ? va - l->kaslr + l->kaslr_phys : va;
}

static vmmap_status init_root(struct vmmap_ctx *ctx, struct s390_layout *l,
			      const char **src)
{
	uint64_t asce, sym;
	bool ok;

	/* The kernel's ASCE: CR1 (primary) in v6.1 kernel mode, CR13
	 * (home) as well; "asce" names it directly. */
	if (lookup_reg(ctx, "asce", &asce) || lookup_reg(ctx, "cr13", &asce) ||
	    lookup_reg(ctx, "cr1", &asce)) {
		ctx->fmt.root = asce & S_CRST_ORIGIN;
		l->top = (int)((asce >> 2) & 3);
		*src = "register";
		return VMMAP_OK;
	}
	if (!lookup_symbol(ctx, "swapper_pg_dir", &sym))
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"no page-table root: VMCOREINFO lacks "
			"SYMBOL(swapper_pg_dir) and no ASCE was given");
	ctx->fmt.root = kimage_pa(l, sym);
	*src = "vmcoreinfo";
	l->top = root_type_from_table(ctx, ctx->fmt.root, &ok);
	if (!ok)
		add_warning(ctx, "swapper_pg_dir at 0x%" PRIx64 " says nothing "
			    "of its type: assuming a region-third table",
			    ctx->fmt.root);
	return VMMAP_OK;
}

static vmmap_status init_s390x(struct vmmap_ctx *ctx)
{
	struct s390_layout *l;
	struct vars v;
	const char *src_root = "default";
	const char *src_kernel = "none", *src_var = "none", *src[NVARS];
	bool have_high = false;
	uint64_t x;
	vmmap_status st;

	l = calloc(1, sizeof(*l));
	if (!l)
		return set_nomem(ctx);
	ctx->archdata = l;

	if (vmci_number(ctx, "PAGESIZE", &x) && x != 4096)
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
			"PAGESIZE=%" PRIu64 ": s390x has 4 KiB pages", x);
	if (vmci_hex(ctx, "KERNELOFFSET", &x) ||
	    lookup_value(ctx, "kaslr_offset", &x))
		l->kaslr = x;
	if (vmci_hex(ctx, "KERNELOFFPHYS", &x)) {
		l->kaslr_phys = x;
		l->new_va = true;
	}
	if (vmci_hex(ctx, "IDENTITYBASE", &x)) {
		l->identity_base = x;
		l->new_va = true;
	}
	if (vmci_hex(ctx, "SAMODE31", &x) && vmci_hex(ctx, "EAMODE31",
							 &l->amode31_end))
		l->amode31 = x;
	l->nr_cpus = 0;
	if (vmci_number(ctx, "LENGTH(lowcore_ptr)", &x))
		l->nr_cpus = x;	/* NR_CPUS */

	set_shape(&ctx->fmt, DT_REGION3);
	st = init_root(ctx, l, &src_root);
	if (st)
		return st;
	set_shape(&ctx->fmt, l->top);

	read_vars(ctx, &v);
	if (!l->new_va && (!v.have[V_VMALLOC] || !v.have[V_MODULES_END] ||
			   !v.have[V_VMEMMAP])) {
		if (layout_rule_v61(ctx, l))
			src_var = "rule";
	}
	{
		uint64_t *dst[NVARS] = {
			&l->vmalloc, &l->vmalloc_end, &l->modules,
			&l->modules_end, &l->vmemmap, &l->vmemmap_size,
			&l->ident_map_size, &l->abs_lowcore, &l->memcpy_real,
			NULL,
		};
		int i;

		for (i = 0; i < NVARS; i++) {
			if (dst[i] && v.have[i])
				*dst[i] = v.val[i];
			src[i] = v.have[i] ? "kallsyms" : src_var;
		}
		/* the rule does not give these two */
		if (!v.have[V_IDENT])
			src[V_IDENT] = "none";
		if (!v.have[V_VMEMMAP_SIZE])
			src[V_VMEMMAP_SIZE] = "none";
	}
	if (l->new_va) {
		layout_vmcoreinfo_v610(ctx, l, &v, src);
		if (!strcmp(src[V_VMALLOC], "none") ||
		    !strcmp(src[V_MODULES_END], "none") ||
		    !strcmp(src[V_VMEMMAP], "none"))
			add_warning(ctx, "VMALLOC_START, MODULES_END or vmemmap "
				    "is neither in VMCOREINFO nor in the "
				    "kernel's kallsyms: regions incomplete");
	}
	if (v.have[V_KASLR] && v.val[V_KASLR] != l->kaslr &&
	    kv_get(&ctx->vmcoreinfo, "KERNELOFFSET"))
		add_warning(ctx, "__kaslr_offset is 0x%" PRIx64 ", VMCOREINFO "
			    "says 0x%" PRIx64, v.val[V_KASLR], l->kaslr);
	/* high_memory: the end of the identity-mapped memory (VMCOREINFO
	 * SYMBOL(high_memory), arch_crash_save_vmcoreinfo()) */
	if (lookup_symbol(ctx, "high_memory", &x) &&
	    !read_u64(ctx, x, &l->high_memory))
		have_high = true;
	vmmap_clear_error(ctx);
	/* v6.1: high_memory = __va(max_low_pfn * PAGE_SIZE), the identity
	 * map's end (arch/s390/mm/init.c); v6.10+ the same past the identity
	 * base, and since v6.15 __va(ident_map_size) (kernel/setup.c). */
	if (!v.have[V_IDENT] && have_high &&
	    l->high_memory > l->identity_base) {
		l->ident_map_size = l->high_memory - l->identity_base;
		src[V_IDENT] = "high_memory";
		v.have[V_IDENT] = true;
	}
	if (!v.have[V_VMEMMAP_SIZE] && v.have[V_IDENT] &&
	    (!strcmp(src_var, "rule") || l->new_va)) {
		/* SECTION_ALIGN_UP(ident_map_size / PAGE_SIZE) *
		 * sizeof(struct page), startup.c */
		uint64_t ps = 64, sb = 28, per;

		vmci_number(ctx, "SIZE(page)", &ps);
		vmci_number(ctx, "NUMBER(SECTION_SIZE_BITS)", &sb);
		if (sb >= 12 && sb < 40) {
			per = UINT64_C(1) << (sb - 12);
			l->vmemmap_size = ((l->ident_map_size / 4096 + per - 1)
					   & ~(per - 1)) * ps;
			src[V_VMEMMAP_SIZE] = "rule";
			v.have[V_VMEMMAP_SIZE] = true;
		}
	}
	if (!strcmp(src_var, "rule"))
		check_vmemmap(ctx, l, l->ident_map_size);
	if (v.have_stext)
		l->stext = v.stext;
	else if (lookup_symbol(ctx, "_stext", &x))
		l->stext = x;
	l->end = v.end;
	src_kernel = v.end_src;
	if (!l->end && l->new_va && l->kaslr && !kimage_end_by_walk(ctx, l))
		src_kernel = "walk";

	{
		const struct param p[] = {
			{ "page_size", 4096, "default", true },
			{ "pgtable_levels", (uint64_t)ctx->fmt.nlevels,
			  src_root[0] == 'r' ? "register" : "walk", true },
			{ "asce_limit", asce_last(&ctx->fmt) + 1, "derived",
			  pg_va_bits(&ctx->fmt) < 64 },
			{ "root", ctx->fmt.root, src_root, true },
			{ "kaslr_offset", l->kaslr,
			  kv_get(&ctx->vmcoreinfo, "KERNELOFFSET")
			  ? "vmcoreinfo" : "default", true },
			{ "kaslr_offset_phys", l->kaslr_phys, "vmcoreinfo",
			  l->new_va },
			{ "identity_base", l->identity_base,
			  l->new_va ? "vmcoreinfo" : "rule", true },
			{ "high_memory", l->high_memory, "vmcoreinfo",
			  have_high },
			{ "ident_map_size", l->ident_map_size, src[V_IDENT],
			  strcmp(src[V_IDENT], "none") },
			{ "kernel_start", l->stext, v.have_stext ? "kallsyms"
			  : "vmcoreinfo", l->stext != 0 },
			{ "kernel_end", l->end, src_kernel, l->end != 0 },
			{ "amode31_start", l->amode31, "vmcoreinfo",
			  l->amode31_end != 0 },
			{ "amode31_end", l->amode31_end, "vmcoreinfo",
			  l->amode31_end != 0 },
			{ "vmemmap", l->vmemmap, src[V_VMEMMAP],
			  strcmp(src[V_VMEMMAP], "none") },
			{ "vmemmap_size", l->vmemmap_size, src[V_VMEMMAP_SIZE],
			  strcmp(src[V_VMEMMAP_SIZE], "none") },
			{ "vmalloc_start", l->vmalloc, src[V_VMALLOC],
			  strcmp(src[V_VMALLOC], "none") },
			{ "vmalloc_end", l->vmalloc_end, src[V_VMALLOC_END],
			  strcmp(src[V_VMALLOC_END], "none") },
			{ "modules_vaddr", l->modules, src[V_MODULES],
			  strcmp(src[V_MODULES], "none") },
			{ "modules_end", l->modules_end, src[V_MODULES_END],
			  strcmp(src[V_MODULES_END], "none") },
			{ "abs_lowcore", l->abs_lowcore, src[V_ABS_LC],
			  strcmp(src[V_ABS_LC], "none") },
			{ "memcpy_real_area", l->memcpy_real, src[V_MEMCPY],
			  strcmp(src[V_MEMCPY], "none") },
		};

		st = set_params(ctx, p, ARRAY_SIZE(p));
	}
	if (!st)
		st = add_regions(ctx, l);
	if (!st)
		st = add_markers(ctx, l, false, 0);
	/* note_page() of arch/s390/mm/dump_pagetables.c prints every marker
	 * an entry crosses; v6.1 the first marker alone first, a line "Kernel
	 * Virtual Address Space" and all crossed since the sorted marker
	 * pairs of the identity-base layout */
	ctx->ptdump.sep = " ";
	ctx->ptdump.per_entry = PT_ALL_MARKERS;
	if (l->new_va) {
		ctx->ptdump.header = "Kernel Virtual Address Space";
		ctx->ptdump.first_extra = PT_ALL_MARKERS;
	}
	return st;
}

/* The KFence pool's markers of v6.10+ (CONFIG_KFENCE): __kfence_pool's
 * value, a data symbol found in the dump's kallsyms (Debian 13's 6.12 and
 * later are built with CONFIG_KALLSYMS_ALL); its size KFENCE_POOL_SIZE =
 * (CONFIG_KFENCE_NUM_OBJECTS + 1) * 2 pages with the default 255 objects
 * (include/linux/kfence.h; Debian's configuration).  A pool never
 * allocated (KFence off at boot: Debian's sample interval 0) is at 0, and
 * the kernel marks [0, KFENCE_POOL_SIZE) all the same.  Without the
 * symbol: no markers (a kernel without CONFIG_KFENCE). */
static vmmap_status ptdump_markers_s390x(struct vmmap_ctx *ctx)
{
	static const char *const names[] = { "__kfence_pool", NULL };
	const struct s390_layout *l = ctx->archdata;
	uint64_t addr[1], pool;
	bool have[1];

	if (!l->new_va)
		return VMMAP_OK;
	ctx->quiet++;
	if (kallsyms_lookup(ctx, names, addr, have) || !have[0] ||
	    read_u64(ctx, addr[0], &pool)) {
		ctx->quiet--;
		vmmap_clear_error(ctx);
		return VMMAP_OK;
	}
	ctx->quiet--;
	/* all of them again: the pool's sort among the others */
	markers_free(ctx);
	return add_markers(ctx, l, true, pool);
}

/* The kernel keeps its VMCOREINFO note's physical address in the lowcore
 * at 0xe0c (struct lowcore.vmcore_info, arch/s390/include/asm/lowcore.h:
 * "do not change", as kdump and the stand-alone dumpers read it). */
static bool vmcoreinfo_note_s390x(struct vmmap_ctx *ctx,
				  vmmap_addr_t *paddr_ret)
{
	uint8_t b[8];
	uint64_t v = 0;
	int i;

	if (mem_read_phys(ctx, 0xe0c, b, sizeof(b)) != VMMAP_OK) {
		vmmap_clear_error(ctx);
		return false;
	}
	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	*paddr_ret = v;
	return v != 0;
}

static bool kimage_pa_s390x(const struct vmmap_ctx *ctx, vmmap_addr_t va,
			    vmmap_addr_t *pa_ret)
{
	const struct s390_layout *l = ctx->archdata;

	if (l->new_va && va < l->kaslr)
		return false;
	*pa_ret = kimage_pa(l, va);
	return true;
}

/* DAT protection and IEP; user mode runs in another address space (its
 * own ASCE): nothing here is the user's. */
static void perms_s390x(const struct vmmap_range *r, struct vmmap_perms *p)
{
	p->kernel_write = !(r->eff & S_P);
	p->kernel_exec = !(r->eff & S_NX);
	p->user_read = p->user_write = p->user_exec = false;
}

static const struct check_exempt exempt_s390x[] = {
	{ VMMAP_CHECK_WX, "lowcore",
	  "the lowcore's lpswe instructions, executable when spectre "
	  "trampolines or no BEAR facility need them (note_prot_wx(), "
	  "arch/s390/mm/dump_pagetables.c)" },
	{ 0, NULL, NULL },
};

static const char *const aliases_s390x[] = { "s390", "S390X", NULL };

/* arch/s390/kernel/machine_kexec.c (crash_dump.c): SYMBOL(lowcore_ptr)
 * since v4.x, SAMODE31/EAMODE31 since v5.13, NUMBER(sdma) in older ones. */
static const char *const marks_s390x[] = {
	"SYMBOL(lowcore_ptr)", "NUMBER(sdma)", "SAMODE31", NULL,
};

static const char *const keys_s390x[] = {
	"KERNELOFFSET", "KERNELOFFPHYS", "IDENTITYBASE", "SAMODE31",
	"EAMODE31", "PAGESIZE", "LENGTH(lowcore_ptr)", "SIZE(page)",
	"NUMBER(MAX_PHYSMEM_BITS)", "NUMBER(SECTION_SIZE_BITS)",
	"NUMBER(sdma)", "NUMBER(edma)", "NUMBER(VMALLOC_START)",
	"SYMBOL(high_memory)", "SYMBOL(vmemmap)", NULL,
};

/* A user address space: its ASCE, mm->context.asce (arch/s390/include/
 * asm/mmu_context.h init_new_context(), v5.10 to v7.2: the physical origin
 * of mm->pgd, the designation type of its top table), walked to the end of
 * what that table translates (the mm's asce_limit). */
static const char *const user_mm_s390x[] = { "context.asce", NULL };

static vmmap_status user_space_s390x(struct vmmap_ctx *ctx, vmmap_addr_t pgd,
				     const uint64_t *mm_vals, struct pgfmt *f,
				     vmmap_addr_t *last_ret)
{
	uint64_t asce = mm_vals[0];

	if ((asce & S_CRST_ORIGIN) != pgd)
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID, "its ASCE "
				       "0x%" PRIx64 " is not its pgd's (0x%"
				       PRIx64 ")", asce, pgd);
	set_shape(f, (int)((asce >> 2) & 3));
	f->root = pgd;
	*last_ret = asce_last(f);
	return VMMAP_OK;
}

const struct vmmap_arch vmmap_arch_s390x = {
	.name = "s390x",
	.aliases = aliases_s390x,
	.elf_machine = 22,	/* EM_S390 */
	.elf_bits = 64,
	.vmcoreinfo_marks = marks_s390x,
	.vmcoreinfo_keys = keys_s390x,
	.symbols = var_names,
	.rules_checked = KVER(7, 2, 255),	/* testdata/matrix */
	.vmcoreinfo_note = vmcoreinfo_note_s390x,
	.kimage_pa = kimage_pa_s390x,
	.perms = perms_s390x,
	.exempt = exempt_s390x,
	.init = init_s390x,
	.decode = decode_s390x,
	.inherit = inherit_s390x,
	.eff_init = 0,
	.effective = effective_s390x,
	.merge_mask = S_P | S_NX,
	.flags = flags_s390x,
	.ptdump_prot = ptdump_prot_s390x,
	.user_mm_fields = user_mm_s390x,
	.user_space = user_space_s390x,
	.ptdump_markers = ptdump_markers_s390x,
};
