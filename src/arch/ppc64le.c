/*
 * arch/ppc64le.c - the Linux page tables of 64-bit Book3S POWER (POWER8,
 * POWER9 and later) in little-endian kernels: the radix MMU's tables, and
 * the tables Linux keeps beside the hash MMU's hashed page table.
 *
 * Facts are from arch/powerpc/include/asm/book3s/64/pgtable.h, radix.h,
 * radix-4k.h, radix-64k.h, hash.h, hash-4k.h, hash-64k.h and
 * arch/powerpc/mm/ptdump/ of the versions named at each rule (read in the
 * v5.10, v6.1, v6.12 and v7.2 sources; they agree unless said), and the
 * Power ISA v3.0B (Book III, "Radix Tree Translation").
 *
 * Entries are big-endian whatever the kernel's byte order: Book3S-64
 * kernels use pgtable-be-types.h (asm/page.h), the radix hardware's format;
 * the kernel's other data is little-endian here.  An entry is a leaf when
 * _PAGE_PTE is set, at any level; a pointer holds the next table's real
 * address (and, on radix, its size in the low 5 bits).  Kernel addresses are
 * 0xc000... (quadrant 3); the tables index the bits below: 52 of them, 46
 * for the hash MMU with 4K pages.
 *
 * Under the hash MMU the linear map (and vmemmap) is bolted into the hashed
 * page table, which a pseries guest does not even hold (the hypervisor
 * does): Linux's tables map only vmalloc and I/O, and so does this map.
 */
#include "config.h"
#include "arch/arch.h"

#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- entry bits (book3s/64/pgtable.h, v6.12) ---- */

#define P_EXEC		UINT64_C(0x1)
#define P_WRITE		UINT64_C(0x2)
#define P_READ		UINT64_C(0x4)
#define P_PRIV		UINT64_C(0x8)	/* kernel access only */
#define P_SAO		UINT64_C(0x10)	/* strong access order */
#define P_NONIDEM	UINT64_C(0x20)	/* non-idempotent (I/O) */
#define P_TOLERANT	UINT64_C(0x30)	/* cache-inhibited, tolerant */
#define P_MEMTYPE	UINT64_C(0x30)
#define P_RSV1		UINT64_C(0x40)	/* hash: H_PAGE_BUSY */
#define P_DIRTY		UINT64_C(0x80)
#define P_ACCESSED	UINT64_C(0x100)
#define P_SW3		UINT64_C(0x200)	/* soft dirty */
#define P_SW2		UINT64_C(0x400)	/* special */
#define P_SW1		UINT64_C(0x800)	/* devmap */
#define P_RPN0		UINT64_C(0x1000)	/* hash 64K: H_PAGE_COMBO */
#define P_RPN1		UINT64_C(0x2000)	/* hash 64K: H_PAGE_4K_PFN */
#define P_RPN41		(UINT64_C(1) << 53)
#define P_RPN42		(UINT64_C(1) << 54)
#define P_RPN43		(UINT64_C(1) << 55)	/* hash 64K: H_PAGE_HASHPTE */
#define P_PKEY0		(UINT64_C(1) << 56)	/* hash 4K: H_PAGE_F_SECOND */
#define P_PKEY4		(UINT64_C(1) << 60)	/* hash 4K: H_PAGE_HASHPTE */
#define P_SW0		(UINT64_C(1) << 61)	/* _PAGE_INVALID */
#define P_PTE		(UINT64_C(1) << 62)	/* a leaf */
#define P_PRESENT	(UINT64_C(1) << 63)
#define P_PA_MAX	53			/* _PAGE_PA_MAX */
/* Bits to mask out of a pointer (PMD/PUD/P4D_MASKED_BITS). */
#define P_TABLE_MASKED	UINT64_C(0xc0000000000000ff)

#define PAGE_OFFSET	UINT64_C(0xc000000000000000)
#define SZ_64K		(UINT64_C(1) << 16)
#define SZ_32M		(UINT64_C(1) << 25)
#define SZ_2G		(UINT64_C(1) << 31)

/* MMU_FTR_TYPE_RADIX (asm/mmu.h) in cpu_spec.mmu_features */
#define MMU_FTR_TYPE_RADIX	UINT32_C(0x40)

struct ppc_layout {
	bool radix;
	unsigned page_shift;		/* 12 or 16 */
	uint32_t kver;
	const char *src_mmu, *src_ps;
	uint64_t keep;			/* the bits ptdump shows */
	uint64_t hashpte, busy_mask;	/* H_PAGE_HASHPTE of the page size */
	uint64_t kern_virt_start, map_size;
	uint64_t vmalloc, vmalloc_end;
	uint64_t io, io_end, isa_end, phb_end, ioremap_end;
	uint64_t vmemmap, vmemmap_end;
	uint64_t h_vmemmap;		/* ptdump's "vmemmap start" */
	uint64_t stext, end;		/* the kernel image, 0 if unknown */
	const char *src_vmalloc, *src_end;
};

/* ---- entries ---- */

static uint64_t rpn_mask(const struct ppc_layout *l)
{
	return ((UINT64_C(1) << P_PA_MAX) - 1) &
	       ~((UINT64_C(1) << l->page_shift) - 1);
}

static void decode_ppc64le(const struct vmmap_ctx *ctx, int level,
			   uint64_t raw, struct pte *out)
{
	const struct ppc_layout *l = ctx->archdata;
	unsigned shift = ctx->fmt.lv[level].shift;
	bool last = level == ctx->fmt.nlevels - 1;

	out->prot = 0;
	out->addr = 0;
	if (!(raw & P_PRESENT)) {
		out->type = PTE_NONE;
		return;
	}
	if (!(raw & P_PTE)) {
		/* every PTE-level entry the kernel makes has _PAGE_PTE
		 * (pte_mkpte()); radix faults on a pointer there */
		out->type = last ? PTE_INVALID : PTE_TABLE;
		out->addr = raw & ~P_TABLE_MASKED;
		return;
	}
	out->addr = raw & rpn_mask(l);
	if (out->addr & ((UINT64_C(1) << shift) - 1)) {
		/* a leaf above the last level maps an aligned block */
		out->type = PTE_INVALID;
		return;
	}
	out->type = PTE_LEAF;
	out->prot = raw & l->keep;
	/* the real address sits in place: the walker's fast path */
	out->addr_bits = rpn_mask(l) & ~((UINT64_C(1) << shift) - 1);
}

static uint64_t inherit_ppc64le(uint64_t eff, int level, uint64_t raw)
{
	(void)level;
	(void)raw;
	return eff;
}

static uint64_t effective_ppc64le(uint64_t prot, uint64_t eff)
{
	(void)eff;
	return prot;
}

static const struct flagname flags_ppc64le[] = {
	{ P_PRESENT, P_PRESENT, "present" },
	{ P_PRIV, 0, "user" },
	{ P_READ, P_READ, "R" },
	{ P_WRITE, P_WRITE, "W" },
	{ P_EXEC, P_EXEC, "X" },
	{ P_DIRTY, P_DIRTY, "dirty" },
	{ P_ACCESSED, P_ACCESSED, "accessed" },
	{ P_MEMTYPE, 0, "MEM" },
	{ P_MEMTYPE, P_SAO, "SAO" },
	{ P_MEMTYPE, P_NONIDEM, "non-idempotent" },
	{ P_MEMTYPE, P_TOLERANT, "tolerant" },
	{ P_SW2, P_SW2, "special" },
	{ P_SW0, P_SW0, "invalid" },
	{ 0, 0, NULL },
};

/*
 * The flag columns of /sys/kernel/debug/kernel_page_tables (flag_array[]
 * of arch/powerpc/mm/ptdump/book3s64.c, v6.1-v7.2, dump_flag_info()): "  "
 * and the set or clear word, nothing where the clear word is NULL; the
 * 4K kernels' f_gix is a value, always printed.
 */
static void ptdump_prot_ppc64le(const struct vmmap_ctx *ctx,
				const struct vmmap_range *r, char *buf,
				size_t size)
{
	const struct ppc_layout *l = ctx->archdata;
	const struct {
		uint64_t mask, val;
		const char *set, *clear;
		bool on;
	} f[] = {
		{ P_PRIV, 0, "user", "    ", true },
		{ P_READ, P_READ, "r", " ", true },
		{ P_WRITE, P_WRITE, "w", " ", true },
		{ P_EXEC, P_EXEC, " X ", "   ", true },
		{ P_PTE, P_PTE, "pte", "   ", true },
		{ P_PRESENT, P_PRESENT, "valid", "     ", true },
		{ P_PRESENT | P_SW0, 0, "       ", "present", true },
		{ l->hashpte, l->hashpte, "hpte", "    ", true },
		{ P_DIRTY, P_DIRTY, "dirty", "     ", true },
		{ P_ACCESSED, P_ACCESSED, "accessed", "        ", true },
		{ P_NONIDEM, P_NONIDEM, "non-idempotent", "              ",
		  true },
		{ P_TOLERANT, P_TOLERANT, "tolerant", "        ", true },
		{ P_RSV1, P_RSV1, "busy", NULL, true },
		{ P_RPN0, P_RPN0, "combo", NULL, l->page_shift == 16 },
		{ P_RPN1, P_RPN1, "4K_pfn", NULL, l->page_shift == 16 },
		{ 0, 0, "f_gix", NULL, l->page_shift == 12 },	/* a value */
		{ P_PKEY0, P_PKEY0, "f_second", NULL, l->page_shift == 12 },
		{ P_SW2, P_SW2, "special", NULL, true },
	};
	uint64_t p = r->kind == VMMAP_RANGE_MAPPED ? r->prot : 0;
	size_t n = 0, i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(f) && n < size; i++) {
		const char *s;

		if (!f[i].on)
			continue;
		if (!strcmp(f[i].set, "f_gix")) {
			n += (size_t)snprintf(buf + n, size - n, "  f_gix:%" PRIx64,
					      (p >> P_PA_MAX) & 7);
			continue;
		}
		s = (p & f[i].mask) == f[i].val ? f[i].set : f[i].clear;
		if (s)
			n += (size_t)snprintf(buf + n, size - n, "  %s", s);
	}
}

/* ---- what the dump says ---- */

/* The kernel's data in the linear map (__pa(x) = x - PAGE_OFFSET, not
 * through the tables, which under hash do not map it), little-endian. */
static bool read_lm(struct vmmap_ctx *ctx, uint64_t va, void *buf, size_t len)
{
	if (va < PAGE_OFFSET || va - PAGE_OFFSET > (UINT64_C(1) << 52))
		return false;
	if (mem_read_phys(ctx, va - PAGE_OFFSET, buf, len)) {
		vmmap_clear_error(ctx);
		return false;
	}
	return true;
}

/* cur_cpu_spec->mmu_features (VMCOREINFO SYMBOL(cur_cpu_spec) and
 * OFFSET(cpu_spec.mmu_features), v6.x with NUMBER(RADIX_MMU)). */
static bool mmu_features(struct vmmap_ctx *ctx, uint32_t *ret)
{
	uint64_t sym, off, ptr;
	uint32_t v;

	if (!lookup_symbol(ctx, "cur_cpu_spec", &sym) ||
	    !vmci_number(ctx, "OFFSET(cpu_spec.mmu_features)", &off) ||
	    !read_lm(ctx, sym, &ptr, 8))
		return false;
	ptr = le64toh(ptr);
	if (!read_lm(ctx, ptr + off, &v, 4))
		return false;
	*ret = le32toh(v);
	return true;
}

static void set_shape(struct pgfmt *f, const struct ppc_layout *l)
{
	static const char *const names[] = { "pgd", "pud", "pmd", "pte" };
	/* index bits, pgd first (radix-4k.h, radix-64k.h, hash-4k.h,
	 * hash-64k.h; v4.x-v7.2) */
	static const uint8_t radix4k[] = { 13, 9, 9, 9 };
	static const uint8_t radix64k[] = { 13, 9, 9, 5 };
	static const uint8_t hash4k[] = { 9, 9, 7, 9 };
	static const uint8_t hash64k[] = { 8, 10, 10, 8 };
	const uint8_t *bits = l->radix ? (l->page_shift == 12 ? radix4k
							     : radix64k)
				       : (l->page_shift == 12 ? hash4k : hash64k);
	unsigned shift = l->page_shift;
	int i;

	memset(f, 0, sizeof(*f));
	f->nlevels = 4;
	f->pte_size = 8;
	f->ptr_size = 8;
	f->big_endian = true;
	f->data_order_differs = true;
	f->ext = VA_BASE;
	f->va_base = PAGE_OFFSET;
	for (i = 3; i >= 0; i--) {
		f->lv[i].shift = (uint8_t)shift;
		f->lv[i].bits = bits[i];
		f->lv[i].leaf_ok = i > 0;
		snprintf(f->lv[i].name, sizeof(f->lv[i].name), "%s", names[i]);
		shift += bits[i];
	}
}

/* Radix or hash with no word from the kernel: a radix pointer holds the
 * next table's size (NLS, its low 5 bits: RADIX_PUD_INDEX_SIZE, 9, in a
 * pgd entry, radix.h RADIX_PGD_VAL_BITS); hash pointers hold none
 * (HASH_PGD_VAL_BITS). */
static int mmu_from_tables(struct vmmap_ctx *ctx, uint64_t root)
{
	const uint8_t *data;
	size_t i, radix = 0, hash = 0;
	/* the largest pgd: radix, 2^13 entries */
	size_t n = (size_t)1 << 13;

	if (mem_read_table(ctx, root, n * 8, &data)) {
		vmmap_clear_error(ctx);
		return -1;
	}
	for (i = 0; i < n; i++) {
		uint64_t e = be64toh(((const uint64_t *)(const void *)data)[i]);

		if (!(e & P_PRESENT) || (e & P_PTE))
			continue;
		if ((e & 0x1f) == 9)
			radix++;
		else if (!(e & 0x1f))
			hash++;
	}
	if (radix && !hash)
		return 1;
	if (hash && !radix)
		return 0;
	return -1;
}

/* @tables: may the pointers of the pgd at @root tell, when nothing
 * else does. */
static vmmap_status mmu_and_pages(struct vmmap_ctx *ctx, struct ppc_layout *l,
				  uint64_t root, bool tables)
{
	uint64_t v;
	uint32_t mf;
	int t;

	l->page_shift = 16;
	l->src_ps = "default";
	if (vmci_number(ctx, "PAGESIZE", &v)) {
		if (v != 4096 && v != 65536)
			return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP,
				"PAGESIZE=%" PRIu64 " is not a Book3S-64 base "
				"page size (4K, 64K)", v);
		l->page_shift = v == 4096 ? 12 : 16;
		l->src_ps = "vmcoreinfo";
	} else {
		add_warning(ctx, "no PAGESIZE in VMCOREINFO: assuming 64K "
			    "(the distributions' ppc64le kernels)");
	}
	/* NUMBER(RADIX_MMU) (early_radix_enabled(), v6.x) */
	if (vmci_number(ctx, "NUMBER(RADIX_MMU)", &v)) {
		l->radix = v != 0;
		l->src_mmu = "vmcoreinfo";
		return VMMAP_OK;
	}
	if (mmu_features(ctx, &mf)) {
		l->radix = mf & MMU_FTR_TYPE_RADIX;
		l->src_mmu = "variable";
		return VMMAP_OK;
	}
	t = tables ? mmu_from_tables(ctx, root) : -1;
	if (t < 0)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"radix or hash MMU: VMCOREINFO has no NUMBER(RADIX_MMU) "
			"(before v6.x) and the pointers of swapper_pg_dir at "
			"physical 0x%" PRIx64 " say neither", root);
	l->radix = t;
	l->src_mmu = "walk";
	add_warning(ctx, "no NUMBER(RADIX_MMU) in VMCOREINFO: %s MMU guessed "
		    "from swapper_pg_dir's pointers (%s)", t ? "radix" : "hash",
		    t ? "they hold the next table's size" : "they hold no size");
	return VMMAP_OK;
}

/* ---- layout ---- */

/*
 * radix.h (RADIX_KERN_VIRT_START 0xc008000000000000, RADIX_KERN_MAP_SIZE
 * 2^49 "to pick the same value as hash") and hash-64k.h (the same), or
 * hash-4k.h (H_KERN_VIRT_START 0xc0003d0000000000, 1 TiB each: the 4K
 * hash tables reach 64 TiB only); v5.10-v7.2: vmalloc, I/O, vmemmap, one
 * map size each.  The I/O part (pgtable.h): 64K of ISA I/O, PHB I/O up to
 * 2 GiB, then ioremap up to FIXADDR_SIZE (32 MiB) below its end, where the
 * fixmap is.
 */
static void layout_rules(struct ppc_layout *l)
{
	if (!l->radix && l->page_shift == 12) {
		l->kern_virt_start = UINT64_C(0xc0003d0000000000);
		l->map_size = UINT64_C(1) << 40;
	} else {
		l->kern_virt_start = UINT64_C(0xc008000000000000);
		l->map_size = UINT64_C(1) << 49;
	}
	l->vmalloc = l->kern_virt_start;
	l->vmalloc_end = l->vmalloc + l->map_size;
	l->io = l->vmalloc_end;
	l->io_end = l->io + l->map_size;
	l->isa_end = l->io + SZ_64K;
	l->phb_end = l->io + SZ_2G;
	l->ioremap_end = l->io_end - SZ_32M;
	l->vmemmap = l->io_end;
	l->vmemmap_end = l->vmemmap + l->map_size;
	/* ptdump's "vmemmap start" is H_VMEMMAP_START, the hash layout's of
	 * the page size, also under radix (populate_markers()) */
	l->h_vmemmap = l->page_shift == 12 ? UINT64_C(0xc0003f0000000000)
					    : UINT64_C(0xc00c000000000000);
}

static void image_known(struct vmmap_ctx *ctx, struct ppc_layout *l)
{
	static const char *const names[] = { "_end", NULL };
	uint64_t v, found[1];
	bool have[1] = { false };

	if (lookup_symbol(ctx, "_stext", &v))
		l->stext = v;
	if (lookup_symbol(ctx, "_end", &v)) {
		l->end = v;
		l->src_end = "symbol";
		return;
	}
	/* the dump's kallsyms (v6.0+) reads through the tables: radix only */
	if (l->radix && l->stext &&
	    kallsyms_lookup(ctx, names, found, have) == VMMAP_OK && have[0]) {
		l->end = found[0];
		l->src_end = "kallsyms";
	}
	vmmap_clear_error(ctx);
}

static vmmap_status add_regions(struct vmmap_ctx *ctx,
				const struct ppc_layout *l)
{
	uint64_t top = PAGE_OFFSET | ((UINT64_C(1) << pg_va_bits(&ctx->fmt)) - 1);
	const struct {
		uint64_t start, last;
		const char *id, *name;
		bool on;
	} regs[] = {
		/* TASK_SIZE_USER64 (task_size_64.h): 4 PiB with 64K pages,
		 * 64 TiB with 4K */
		{ 0, (l->page_shift == 16 ? UINT64_C(1) << 52
					   : UINT64_C(1) << 46) - 1,
		  "user", "user", true },
		{ top + 1, VMMAP_ADDR_MAX, "beyond",
		  "beyond the kernel's tables", top != VMMAP_ADDR_MAX },
		{ PAGE_OFFSET, l->kern_virt_start - 1, "linear",
		  l->radix ? "kernel linear map"
			   : "kernel linear map (hash table only)", true },
		{ l->vmalloc, l->vmalloc_end - 1, "vmalloc", "vmalloc", true },
		{ l->io, l->isa_end - 1, "isa_io", "ISA I/O", true },
		{ l->isa_end, l->phb_end - 1, "phb_io", "PHB I/O", true },
		{ l->phb_end, l->ioremap_end - 1, "ioremap", "I/O remap", true },
		{ l->ioremap_end, l->io_end - 1, "fixmap", "fixmap", true },
		{ l->vmemmap, l->vmemmap_end - 1, "vmemmap",
		  l->radix ? "vmemmap" : "vmemmap (hash table only)", true },
		{ l->stext, l->end - 1, "kernel", "kernel image",
		  l->stext && l->end > l->stext },
	};
	vmmap_status st = VMMAP_OK;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs) && !st; i++)
		if (regs[i].on)
			st = region_add(ctx, regs[i].start, regs[i].last,
					regs[i].id, regs[i].name);
	return st ? st : regions_finish(ctx);
}

/* address_markers[] of arch/powerpc/mm/ptdump/ptdump.c (v6.1-v7.2, 64-bit
 * Book3S: no modules region, no KASAN here).  The walk covers
 * [PAGE_OFFSET, PAGE_OFFSET + PGDIR_SIZE * PTRS_PER_PGD) under radix,
 * from KERN_VIRT_START under hash (ptdump_init()). */
static vmmap_status add_markers(struct vmmap_ctx *ctx,
				const struct ppc_layout *l)
{
	/* "vmemmap start" follows "I/O remap end" in the array; at a lower
	 * address (H_VMEMMAP_START of a 4K radix kernel) the while loop of
	 * note_page_update_state() prints it right after that one. */
	uint64_t vmemmap_mk = l->h_vmemmap > l->ioremap_end ? l->h_vmemmap
							   : l->ioremap_end;
	const struct {
		uint64_t addr;
		const char *name;
	} mk[] = {
		{ PAGE_OFFSET, "Start of kernel VM" },
		{ l->vmalloc, "vmalloc() Area" },
		{ l->vmalloc_end, "vmalloc() End" },
		{ l->io, "isa I/O start" },
		{ l->isa_end, "isa I/O end" },
		{ l->isa_end, "phb I/O start" },
		{ l->phb_end, "phb I/O end" },
		{ l->phb_end, "I/O remap start" },
		{ l->ioremap_end, "I/O remap end" },
		{ vmemmap_mk, "vmemmap start" },
	};
	vmmap_status st = VMMAP_OK;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mk) && !st; i++)
		st = marker_add(ctx, mk[i].addr, mk[i].name);
	/* note_page(): the first marker, then every marker crossed, at the
	 * first entry and at every line end; lines only with flags, with
	 * the start's real address and the last address. */
	ctx->ptdump.sep = " ";
	ctx->ptdump.start = l->radix ? PAGE_OFFSET : l->kern_virt_start;
	ctx->ptdump.first_extra = PT_ALL_MARKERS;
	ctx->ptdump.per_entry = PT_ALL_MARKERS;
	ctx->ptdump.pa = true;
	ctx->ptdump.end_incl = true;
	ctx->ptdump.skip_empty = true;
	return st;
}

static vmmap_status set_params(struct vmmap_ctx *ctx,
			       const struct ppc_layout *l,
			       const char *src_root)
{
	const struct {
		const char *name;
		uint64_t val;
		const char *src;
		bool on;
	} p[] = {
		{ "page_size", UINT64_C(1) << l->page_shift, l->src_ps, true },
		{ "radix", l->radix, l->src_mmu, true },
		{ "va_bits", pg_va_bits(&ctx->fmt), "derived", true },
		{ "pgtable_levels", (uint64_t)ctx->fmt.nlevels, "derived",
		  true },
		{ "root", ctx->fmt.root, src_root, true },
		{ "page_offset", PAGE_OFFSET, "rule", true },
		{ "kern_virt_start", l->kern_virt_start, "rule", true },
		{ "vmalloc_start", l->vmalloc, l->src_vmalloc, true },
		{ "vmalloc_end", l->vmalloc_end, "rule", true },
		{ "kern_io_start", l->io, "rule", true },
		{ "ioremap_base", l->phb_end, "rule", true },
		{ "ioremap_end", l->ioremap_end, "rule", true },
		{ "kern_io_end", l->io_end, "rule", true },
		{ "vmemmap_start", l->vmemmap, "rule", true },
		{ "vmemmap_end", l->vmemmap_end, "rule", true },
		{ "kernel_start", l->stext, "vmcoreinfo", l->stext != 0 },
		{ "kernel_end", l->end, l->src_end, l->end > l->stext },
	};
	vmmap_status st = VMMAP_OK;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(p) && !st; i++)
		if (p[i].on)
			st = param_set(ctx, p[i].name, p[i].val, p[i].src);
	return st;
}

/*
 * Radix: the kernel's root is also in entry 0 of the process table
 * (radix__early_init_mmu(): prtb0 = RTS | __pa(init_mm.pgd) |
 * RADIX_PGD_INDEX_SIZE; Power ISA v3.0B, "Process Table": RTS in bits
 * 61-62 and 5-7, the root's real address RPDB above bit 8, its size RPDS
 * below), big-endian like the tables, found through the pointer
 * process_tb when a symbol table gives it (VMCOREINFO does not).
 */
static bool prtb_root(struct vmmap_ctx *ctx, uint64_t *root_ret)
{
	uint64_t sym, ptr, e;

	if (!lookup_symbol(ctx, "process_tb", &sym) ||
	    !read_lm(ctx, sym, &ptr, 8) || !read_lm(ctx, le64toh(ptr), &e, 8))
		return false;
	e = be64toh(e);
	*root_ret = e & UINT64_C(0x0fffffffffffff00);
	return *root_ret != 0;
}

static vmmap_status root_from_prtb(struct vmmap_ctx *ctx,
				   struct ppc_layout *l, uint64_t *root_ret)
{
	vmmap_status st = mmu_and_pages(ctx, l, 0, false);

	if (st) {
		vmmap_clear_error(ctx);
		l->src_mmu = NULL;
	}
	if (l->src_mmu && l->radix && prtb_root(ctx, root_ret))
		return VMMAP_OK;
	return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
		"no page-table root: VMCOREINFO lacks SYMBOL(swapper_pg_dir)%s",
		l->src_mmu && l->radix ? " and no process_tb was given"
				       : "");
}

static vmmap_status init_ppc64le(struct vmmap_ctx *ctx)
{
	struct ppc_layout *l;
	uint64_t sym, v;
	vmmap_status st;
	const char *src_root = "vmcoreinfo";

	l = calloc(1, sizeof(*l));
	if (!l)
		return set_nomem(ctx);
	ctx->archdata = l;
	l->kver = kernel_version(ctx);
	/* The root: swapper_pg_dir (init_mm.pgd), in the linear map:
	 * __pa() is va - PAGE_OFFSET; under radix also entry 0 of the
	 * process table. */
	if (!lookup_symbol(ctx, "swapper_pg_dir", &sym)) {
		st = root_from_prtb(ctx, l, &v);
		if (st)
			return st;
		sym = v + PAGE_OFFSET;
		src_root = "process table";
	}
	if (sym < PAGE_OFFSET || sym - PAGE_OFFSET >= (UINT64_C(1) << 52))
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
			"SYMBOL(swapper_pg_dir)=0x%" PRIx64 " is not in the "
			"linear map (0xc000000000000000...)", sym);
	if (!l->src_mmu) {
		st = mmu_and_pages(ctx, l, sym - PAGE_OFFSET, true);
		if (st)
			return st;
	}
	set_shape(&ctx->fmt, l);
	ctx->fmt.root = sym - PAGE_OFFSET;
	if (l->radix && !strcmp(src_root, "vmcoreinfo") &&
	    prtb_root(ctx, &v) && v != ctx->fmt.root)
		add_warning(ctx, "process table entry 0 points to 0x%" PRIx64
			    ", swapper_pg_dir is at 0x%" PRIx64 ": the root is "
			    "swapper_pg_dir's", v, ctx->fmt.root);
	/* What ptdump shows (book3s64.c flag_array[]): the generic bits,
	 * and the hash bits of the page size. */
	l->hashpte = l->page_shift == 16 ? P_RPN43 : P_PKEY4;
	l->keep = P_PRESENT | P_PTE | P_SW0 | P_PRIV | P_READ | P_WRITE |
		  P_EXEC | P_MEMTYPE | P_DIRTY | P_ACCESSED | P_RSV1 | P_SW2 |
		  l->hashpte | (l->page_shift == 16 ? P_RPN0 | P_RPN1
				: P_RPN41 | P_RPN42 | P_RPN43 | P_PKEY0);
	layout_rules(l);
	l->src_vmalloc = "rule";
	/* NUMBER(VMALLOC_START), generic since v6.x */
	if (vmci_number(ctx, "NUMBER(VMALLOC_START)", &v)) {
		if (v != l->vmalloc)
			add_warning(ctx, "NUMBER(VMALLOC_START)=0x%" PRIx64
				    " differs from the %s rule's 0x%" PRIx64
				    "; the rule's layout is kept", v,
				    l->radix ? "radix" : "hash", l->vmalloc);
		else
			l->src_vmalloc = "vmcoreinfo";
	}
	image_known(ctx, l);
	st = set_params(ctx, l, src_root);
	if (!st)
		st = add_regions(ctx, l);
	if (!st)
		st = add_markers(ctx, l);
	return st;
}

/* __pa(): the image runs in the linear map (KERNELBASE is PAGE_OFFSET). */
static bool kimage_pa_ppc64le(const struct vmmap_ctx *ctx, vmmap_addr_t va,
			      vmmap_addr_t *pa_ret)
{
	(void)ctx;
	if (va < PAGE_OFFSET || va - PAGE_OFFSET >= (UINT64_C(1) << 52))
		return false;
	*pa_ret = va - PAGE_OFFSET;
	return true;
}

/* Under hash, Linux's tables do not map the image (see the top). */
static bool image_mapped_ppc64le(const struct vmmap_ctx *ctx)
{
	const struct ppc_layout *l = ctx->archdata;

	return l->radix;
}

/*
 * Under hash Linux's tables hold nothing of the linear map:
 * hash__create_section_mapping() bolts it into the hashed page table
 * (htab_bolt_mapping()), so swapper_pg_dir's entries below
 * KERN_VIRT_START stay 0 (v5.10-v7.2).  A root with anything there is
 * not swapper_pg_dir: the image check (_stext) cannot tell, as the image
 * is in the linear map.
 */
static bool root_sane_ppc64le(const struct vmmap_ctx *ctx,
			      const uint8_t *data, char *why, size_t size)
{
	const struct ppc_layout *l = ctx->archdata;
	const struct pgfmt *f = &ctx->fmt;
	unsigned i, n = 1u << f->lv[0].bits;

	if (l->radix)
		return true;
	for (i = 0; i < n; i++) {
		uint64_t va = PAGE_OFFSET + ((uint64_t)i << f->lv[0].shift);
		uint64_t e = mem_get_pte(f, data, i);

		if (va >= l->kern_virt_start)
			break;
		if (e) {
			snprintf(why, size, "has entry %u (0x%016" PRIx64 ", "
				 "for 0x%" PRIx64 ") in the linear map, which "
				 "the hash MMU's Linux tables leave empty", i,
				 e, va);
			return false;
		}
	}
	return true;
}

/* _PAGE_PRIVILEGED: kernel only; a user page is not the kernel's to
 * execute (KUEP) */
static void perms_ppc64le(const struct vmmap_range *r, struct vmmap_perms *p)
{
	bool user = !(r->eff & P_PRIV);

	p->kernel_write = r->eff & P_WRITE;
	p->kernel_exec = (r->eff & P_EXEC) && !user;
	p->user_read = user && (r->eff & P_READ);
	p->user_write = user && (r->eff & P_WRITE);
	p->user_exec = user && (r->eff & P_EXEC);
}

static const struct check_exempt exempt_ppc64le[] = {
	{ 0, NULL, NULL },
};

static const char *const aliases_ppc64le[] = { "ppc64el", "powerpc64le",
					       NULL };

/* arch/powerpc/kexec/vmcore_info.c (core.c before v6.9): NUMBER(RADIX_MMU)
 * and SYMBOL(cur_cpu_spec) are powerpc's own (v6.x);
 * SYMBOL(mmu_vmemmap_psize) since v4.x on 64-bit with vmemmap. */
static const char *const marks_ppc64le[] = {
	"NUMBER(RADIX_MMU)", "SYMBOL(mmu_vmemmap_psize)", NULL,
};

static const char *const keys_ppc64le[] = {
	"OSRELEASE", "PAGESIZE", "KERNELOFFSET", "NUMBER(RADIX_MMU)",
	"NUMBER(VMALLOC_START)", "SYMBOL(cur_cpu_spec)",
	"OFFSET(cpu_spec.mmu_features)", NULL,
};

static const char *const symbols_ppc64le[] = {
	"swapper_pg_dir", "cur_cpu_spec", "process_tb", NULL,
};

const struct vmmap_arch vmmap_arch_ppc64le = {
	.name = "ppc64le",
	.aliases = aliases_ppc64le,
	.elf_machine = 21,	/* EM_PPC64 */
	.elf_bits = 64,
	.elf_data = 1,		/* ELFDATA2LSB: big-endian ppc64 is another */
	.vmcoreinfo_marks = marks_ppc64le,
	.vmcoreinfo_keys = keys_ppc64le,
	.symbols = symbols_ppc64le,
	.rules_checked = KVER(7, 2, 255),	/* testdata/matrix */
	.kimage_pa = kimage_pa_ppc64le,
	.image_mapped = image_mapped_ppc64le,
	.root_sane = root_sane_ppc64le,
	.perms = perms_ppc64le,
	.exempt = exempt_ppc64le,
	.init = init_ppc64le,
	.decode = decode_ppc64le,
	.inherit = inherit_ppc64le,
	.eff_init = 0,
	.effective = effective_ppc64le,
	/* all the kept bits but the hash bookkeeping, which changes as the
	 * hash table is filled and says nothing of the mapping */
	.merge_mask = P_PRESENT | P_PTE | P_PRIV | P_READ | P_WRITE | P_EXEC |
		      P_MEMTYPE | P_DIRTY | P_ACCESSED | P_SW2 | P_SW0,
	.flags = flags_ppc64le,
	.ptdump_prot = ptdump_prot_ppc64le,
};
