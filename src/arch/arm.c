/*
 * arch/arm.c - 32-bit ARM: the VMSAv7 short-descriptor format (2 levels)
 * and the Large Physical Address Extension's long descriptors (3 levels),
 * and the arm kernel's layout.
 *
 * Descriptor formats are the Arm ARM's (DDI 0406C, B3.5 "Short-descriptor
 * translation table format" and B3.6 "Long-descriptor translation table
 * format") as the kernel names them in arch/arm/include/asm/
 * pgtable-2level-hwdef.h and pgtable-3level-hwdef.h (v6.1).  We walk the
 * hardware entries: with short descriptors Linux keeps its own "Linux PTE"
 * shadow in the same page as the hardware tables (pgtable-2level.h), and
 * the L1 entries point at the hardware halves.
 *
 * Layout facts are from the seed 004_7dd1832a4cf5a205.txt ("ARM32 Linux
 * kernel virtual address space": VMSPLIT_3G/2G/1G, lowmem, vmalloc,
 * fixmap/pkmap, modules, user space) and, for the exact bounds, v6.1's
 * Documentation/arm/memory.rst and the headers named next to each constant.
 */
#include "config.h"
#include "arch/arch.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SZ_1M	(UINT64_C(1) << 20)
#define SZ_2M	(UINT64_C(1) << 21)
#define SZ_8M	(UINT64_C(1) << 23)
#define SZ_16M	(UINT64_C(1) << 24)
#define SZ_64K	(UINT64_C(1) << 16)

/*
 * Our prot: one normalised form for both descriptor formats, so that one
 * flag table and one ptdump table serve them.  The hardware positions
 * differ between sections, supersections, small and large pages.
 */
#define P_VALID		(UINT64_C(1) << 0)
#define P_XN		(UINT64_C(1) << 1)	/* XN / LPAE XN (UXN) */
#define P_PXN		(UINT64_C(1) << 2)
#define P_RO		(UINT64_C(1) << 3)	/* APX / LPAE AP[2] */
#define P_USER		(UINT64_C(1) << 4)	/* AP[1] */
#define P_AP0		(UINT64_C(1) << 5)	/* short AP[0]: access allowed */
#define P_SHD		(UINT64_C(1) << 6)	/* short S, LPAE SH inner */
#define P_OSH		(UINT64_C(1) << 7)	/* LPAE SH outer */
#define P_NG		(UINT64_C(1) << 8)
#define P_AF		(UINT64_C(1) << 9)	/* LPAE access flag */
#define P_NS		(UINT64_C(1) << 10)
#define P_CONT		(UINT64_C(1) << 11)	/* LPAE contiguous hint */
#define P_LPAE		(UINT64_C(1) << 12)	/* long-descriptor entry */
#define P_MT_SHIFT	16			/* memory-type index, 3 bits */
#define P_MT		(UINT64_C(7) << P_MT_SHIFT)
#define P_DOM_SHIFT	20			/* short: domain, 4 bits */
#define P_DOM		(UINT64_C(15) << P_DOM_SHIFT)
#define P_ALL		(UINT64_C(0xffffff))
/* eff only: an LPAE table's APTable[0] (no unprivileged access below). */
#define E_NOUSER	(UINT64_C(1) << 31)

#define MT(i)		((uint64_t)(i) << P_MT_SHIFT)

/* ---- the layout ---- */

/* CONFIG_PAGE_OFFSET for VMSPLIT_1G, 2G, 3G_OPT, 3G (arch/arm/Kconfig,
 * v6.1; the seed's three splits plus the 3G/1G "optimised" one). */
static const uint64_t page_offsets[] = {
	0x40000000, 0x80000000, 0xb0000000, 0xc0000000,
};

/* Fixed addresses (v6.1): VMALLOC_END (asm/pgtable.h), FDT_FIXED_BASE
 * (asm/memory.h), FIXADDR_START/END (asm/fixmap.h), PCI_IO_VIRT_BASE
 * (asm/io.h), the vector and stubs pages (CONFIG_VECTORS_BASE). */
#define VMALLOC_END_ARM		UINT64_C(0xff800000)
#define VMALLOC_OFFSET		SZ_8M		/* asm/pgtable.h */
#define FDT_FIXED_BASE		UINT64_C(0xff800000)
#define GUARD_BASE		UINT64_C(0xffc00000)
#define FIXADDR_START		UINT64_C(0xffc80000)
#define FIXADDR_END		UINT64_C(0xfff00000)
#define PCI_IO_VIRT_BASE	UINT64_C(0xfee00000)
#define PCI_IO_SIZE		SZ_2M
#define VECTORS_BASE		UINT64_C(0xffff0000)

struct arm_layout {
	bool lpae;
	uint64_t page_offset, phys_offset;
	uint64_t high_memory;
	uint64_t vmalloc_start;
	uint64_t modules, modules_end;
	uint64_t text, end;
	bool have_text, have_end, highmem;
	const char *po_src, *phys_src, *hm_src;
};

/* ---- entries ---- */

/* Short descriptors: TEX[0]:C:B, which with TEX remap (SCTLR.TRE, set by
 * every v7 kernel: proc-v7-2level.S) index PRRR/NMRR exactly as the LPAE
 * AttrIndx indexes MAIR (proc-v7-3level.S): both are the low three bits of
 * the kernel's L_PTE_MT_* value (pgtable-2level.h, pgtable-3level.h). */
static uint64_t short_mt(uint32_t tex, uint32_t c, uint32_t b)
{
	return MT((tex & 1) << 2 | c << 1 | b);
}

/* The access bits shared by sections and pages. */
static uint64_t short_ap(uint32_t apx, uint32_t ap)
{
	return (apx ? P_RO : 0) | (ap & 2 ? P_USER : 0) | (ap & 1 ? P_AP0 : 0);
}

/* Level 1 (pgtable-2level-hwdef.h PMD_*): bits[1:0] 00 fault, 01 table,
 * 1x section or supersection with bit 0 PXN (v7 with the PXN extension,
 * which every LPAE-capable core has). */
static void decode_short_l1(uint32_t raw, struct pte *out)
{
	uint32_t type = raw & 3;

	if (type == 0) {
		out->type = PTE_NONE;
		return;
	}
	if (type == 1) {
		out->type = PTE_TABLE;
		out->addr = raw & 0xfffffc00;
		return;
	}
	out->type = PTE_LEAF;
	out->prot = P_VALID | (raw & 1 ? P_PXN : 0) |
		    (raw >> 4 & 1 ? P_XN : 0) |
		    short_ap(raw >> 15 & 1, raw >> 10 & 3) |
		    short_mt(raw >> 12 & 7, raw >> 3 & 1, raw >> 2 & 1) |
		    (raw >> 16 & 1 ? P_SHD : 0) | (raw >> 17 & 1 ? P_NG : 0) |
		    (raw >> 19 & 1 ? P_NS : 0);
	if (raw & (1u << 18)) {
		/* Supersection: PA[31:24], PA[35:32] in bits [23:20], PA[39:36]
		 * in bits [8:5]; domain 0; repeated in 16 entries. */
		out->addr = (raw & 0xff000000) |
			    (uint64_t)(raw >> 20 & 0xf) << 32 |
			    (uint64_t)(raw >> 5 & 0xf) << 36;
		out->page_size = SZ_16M;
		return;
	}
	out->addr = raw & 0xfff00000;
	out->prot |= (uint64_t)(raw >> 5 & 0xf) << P_DOM_SHIFT;
}

/* Level 2 (PTE_*): 00 fault, 01 large page (64K, repeated in 16 entries),
 * 1x small page with bit 0 XN. */
static void decode_short_l2(uint32_t raw, struct pte *out)
{
	uint32_t type = raw & 3;
	uint64_t common = P_VALID | short_ap(raw >> 9 & 1, raw >> 4 & 3) |
			  (raw >> 10 & 1 ? P_SHD : 0) |
			  (raw >> 11 & 1 ? P_NG : 0);

	if (type == 0) {
		out->type = PTE_NONE;
		return;
	}
	out->type = PTE_LEAF;
	if (type == 1) {
		out->addr = raw & 0xffff0000;
		out->page_size = SZ_64K;
		out->prot = common | (raw >> 15 & 1 ? P_XN : 0) |
			    short_mt(raw >> 12 & 7, raw >> 3 & 1, raw >> 2 & 1);
		return;
	}
	out->addr = raw & 0xfffff000;
	out->prot = common | (raw & 1 ? P_XN : 0) |
		    short_mt(raw >> 6 & 7, raw >> 3 & 1, raw >> 2 & 1);
}

/* Long descriptors (pgtable-3level-hwdef.h): bit 0 valid; bit 1 table
 * (levels 1-2) or page (level 3, where 01 is reserved); output address
 * bits [39:12]; AttrIndx [4:2], NS 5, AP[2:1] [7:6], SH [9:8], AF 10,
 * nG 11, contiguous 52, PXN 53, XN 54. */
static void decode_lpae(const struct vmmap_ctx *ctx, int level, uint64_t raw,
			struct pte *out)
{
	uint64_t addr = raw & UINT64_C(0xfffffff000);
	unsigned sh = raw >> 8 & 3;

	if (!(raw & 1)) {
		out->type = PTE_NONE;
		return;
	}
	if (level < 2 && (raw & 2)) {
		out->type = PTE_TABLE;
		out->addr = addr;
		return;
	}
	if (level == 2 && !(raw & 2)) {
		out->type = PTE_INVALID;
		return;
	}
	out->type = PTE_LEAF;
	out->addr = addr & ~((UINT64_C(1) << ctx->fmt.lv[level].shift) - 1);
	out->prot = P_VALID | P_LPAE | MT(raw >> 2 & 7) |
		    (raw >> 5 & 1 ? P_NS : 0) | (raw >> 6 & 1 ? P_USER : 0) |
		    (raw >> 7 & 1 ? P_RO : 0) | (sh == 3 ? P_SHD : 0) |
		    (sh == 2 ? P_OSH : 0) | (raw >> 10 & 1 ? P_AF : 0) |
		    (raw >> 11 & 1 ? P_NG : 0) | (raw >> 52 & 1 ? P_CONT : 0) |
		    (raw >> 53 & 1 ? P_PXN : 0) | (raw >> 54 & 1 ? P_XN : 0);
}

static void decode_arm(const struct vmmap_ctx *ctx, int level, uint64_t raw,
		       struct pte *out)
{
	const struct arm_layout *l = ctx->archdata;

	out->prot = 0;
	out->addr = 0;
	if (l->lpae)
		decode_lpae(ctx, level, raw, out);
	else if (level == 0)
		decode_short_l1((uint32_t)raw, out);
	else
		decode_short_l2((uint32_t)raw, out);
}

/*
 * What a table entry imposes below it.  Short: the L1 table entry's domain
 * [8:5], PXN (bit 2) and NS (bit 3) hold for its small and large pages.
 * LPAE (this function sees only LPAE tables with bit 1 set; short tables
 * have bits[1:0] = 01): APTable [62:61], XNTable 60, PXNTable 59.  The two
 * cases are told apart by the entry's type bits.
 */
static uint64_t inherit_arm(uint64_t eff, int level, uint64_t raw)
{
	(void)level;
	if ((raw & 3) == 1)	/* a short-descriptor page table */
		return eff | (uint64_t)(raw >> 5 & 0xf) << P_DOM_SHIFT |
		       (raw >> 2 & 1 ? P_PXN : 0) | (raw >> 3 & 1 ? P_NS : 0);
	return eff | (raw >> 62 & 1 ? P_RO : 0) |
	       (raw >> 61 & 1 ? E_NOUSER : 0) | (raw >> 60 & 1 ? P_XN : 0) |
	       (raw >> 59 & 1 ? P_PXN : 0);
}

static uint64_t effective_arm(uint64_t prot, uint64_t eff)
{
	prot |= eff & P_ALL;
	if (eff & E_NOUSER)
		prot &= ~P_USER;
	return prot;
}

/* Memory types by index: the names of arch/arm/mm/dump.c's pte_bits[]
 * for the L_PTE_MT_* value with that index (v6.1).  Index 4 is
 * L_PTE_MT_DEV_SHARED (DEV_NONSHARED differs only in a bit the hardware
 * does not get); 6 is MINICACHE, which no v7 kernel uses. */
static const struct flagname flags_arm[] = {
	{ P_VALID, P_VALID, "valid" },
	{ P_RO | P_AP0 | P_LPAE, P_AP0, "RW" },
	{ P_RO | P_LPAE, P_LPAE, "RW" },
	{ P_RO, P_RO, "ro" },
	{ P_RO | P_AP0 | P_USER | P_LPAE, 0, "noaccess" },
	{ P_USER, P_USER, "USR" },
	{ P_XN, P_XN, "XN" },
	{ P_PXN, P_PXN, "PXN" },
	{ P_SHD, P_SHD, "SHD" },
	{ P_OSH, P_OSH, "SH=outer" },
	{ P_AF, P_AF, "AF" },
	{ P_NG, P_NG, "nG" },
	{ P_NS, P_NS, "NS" },
	{ P_CONT, P_CONT, "CONT" },
	{ P_MT, MT(0), "SO/UNCACHED" },
	{ P_MT, MT(1), "MEM/BUFFERABLE/WC" },
	{ P_MT, MT(2), "MEM/CACHED/WT" },
	{ P_MT, MT(3), "MEM/CACHED/WBRA" },
	{ P_MT, MT(4), "DEV/SHARED" },
	{ P_MT, MT(5), "MT5" },
	{ P_MT, MT(6), "MEM/MINICACHE" },
	{ P_MT, MT(7), "MEM/CACHED/WBWA" },
	{ P_DOM | P_LPAE, 0u << P_DOM_SHIFT, "KERNEL" },
	{ P_DOM | P_LPAE, 1u << P_DOM_SHIFT, "USER" },
	{ P_DOM | P_LPAE, 2u << P_DOM_SHIFT, "IO" },
	{ P_DOM | P_LPAE, 3u << P_DOM_SHIFT, "VECTORS" },
	{ 0, 0, NULL },
};

/*
 * The line tail of /sys/kernel/debug/kernel_page_tables (arch/arm/mm/
 * dump.c, v6.1): section_bits[] for sections and blocks, pte_bits[] for
 * pages, then with short descriptors the domain name (DOMAIN_KERNEL 0,
 * USER 1, IO 2, VECTORS 3: asm/domain.h).  The kernel reads Linux's bits;
 * we read the hardware's, which say the same for kernel mappings (ro is
 * APX / AP[2], which set_pte_ext() derives from L_PTE_RDONLY).
 */
static void ptdump_prot_arm(const struct vmmap_ctx *ctx,
			    const struct vmmap_range *r, char *buf, size_t size)
{
	static const char *const mt[] = {
		"SO/UNCACHED", "MEM/BUFFERABLE/WC", "MEM/CACHED/WT",
		"MEM/CACHED/WBRA", "DEV/SHARED", NULL, "MEM/MINICACHE",
		"MEM/CACHED/WBWA",
	};
	/* section_bits[]'s four AP words (v6+), by APX:AP[1]:AP[0] */
	static const char *const sect_ap[8] = {
		[1] = "    RW", [2] = "USR ro", [3] = "USR RW", [5] = "    ro",
	};
	/* get_domain_name(): short descriptors only */
	static const char *const dom[] = { "KERNEL ", "USER   ", "IO     ",
					   "VECTORS" };
	const struct arm_layout *l = ctx->archdata;
	uint64_t pr = r->kind == VMMAP_RANGE_MAPPED ? r->eff : 0;
	bool page = r->level == ctx->fmt.nlevels - 1;
	unsigned ap = (pr & P_RO ? 4 : 0) | (pr & P_USER ? 2 : 0) |
		      (pr & P_AP0 ? 1 : 0);
	unsigned d = (unsigned)(pr >> P_DOM_SHIFT & 0xf);
	const char *m = mt[pr >> P_MT_SHIFT & 7];
	size_t n;

	buf[0] = 0;
	if (!pr)
		return;
	/* pg_level[].name: "PTE"; the pmd level is "PMD" with LPAE's
	 * three levels, "PGD" with two (CONFIG_PGTABLE_LEVELS) */
	n = (size_t)snprintf(buf, size, "%s", page ? "PTE"
					     : l->lpae ? "PMD" : "PGD");
	if (!l->lpae && n < size)
		n += (size_t)snprintf(buf + n, size - n, " %s",
				      d < 4 ? dom[d] : "unknown");
	/* then dump_prot(): " %s" of each bit's set or clear word */
	if (n >= size)
		return;
	if (page)
		n += (size_t)snprintf(buf + n, size - n, " %s %s",
				      pr & P_USER ? "USR" : "   ",
				      pr & P_RO ? "ro" : "RW");
	else if (l->lpae)
		n += (size_t)snprintf(buf + n, size - n, "%s %s",
				      pr & P_USER ? " USR" : "",
				      pr & P_RO ? "ro" : "RW");
	else if (sect_ap[ap])
		n += (size_t)snprintf(buf + n, size - n, " %s", sect_ap[ap]);
	if (n < size)
		n += (size_t)snprintf(buf + n, size - n, " %s %s",
				      pr & P_XN ? "NX" : "x ",
				      pr & P_SHD ? "SHD" : "   ");
	if (page && m && n < size)
		n += (size_t)snprintf(buf + n, size - n, " %s", m);
	/* LPAE's L_PTE_MT_DEV_WC and _DEV_CACHED are the same AttrIndx as
	 * BUFFERABLE and WRITEBACK (pgtable-3level.h): both names match */
	if (page && l->lpae && n < size && (pr >> P_MT_SHIFT & 7) == 1)
		n += (size_t)snprintf(buf + n, size - n, " DEV/WC");
	if (page && l->lpae && n < size && (pr >> P_MT_SHIFT & 7) == 3)
		snprintf(buf + n, size - n, " DEV/CACHED");
}

/* ---- the layout ---- */

static void set_shape(struct pgfmt *f, bool lpae)
{
	memset(f->lv, 0, sizeof(f->lv));
	f->ptr_size = 4;
	f->big_endian = false;
	f->ext = VA_ZERO;
	if (lpae) {
		/* TTBCR.T0SZ = 0: a 4-entry first level of 1 GiB entries,
		 * then 512 x 2 MiB and 512 x 4 KiB (pgtable-3level.h). */
		f->nlevels = 3;
		f->pte_size = 8;
		f->lv[0] = (struct pg_level){ 30, 2, "pgd", true };
		f->lv[1] = (struct pg_level){ 21, 9, "pmd", true };
		f->lv[2] = (struct pg_level){ 12, 9, "pte", true };
		return;
	}
	/* 4096 x 1 MiB, then 256 x 4 KiB (pgtable-2level-hwdef.h); the
	 * kernel's 2 MiB "pmd" pairs two hardware L1 entries. */
	f->nlevels = 2;
	f->pte_size = 4;
	f->lv[0] = (struct pg_level){ 20, 12, "pgd", true };
	f->lv[1] = (struct pg_level){ 12, 8, "pte", true };
}

static bool read_u32(struct vmmap_ctx *ctx, uint64_t va, uint64_t *ret)
{
	uint8_t b[4];

	if (virt_read(ctx, va, b, 4)) {
		vmmap_clear_error(ctx);
		return false;
	}
	*ret = (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 |
	       (uint64_t)b[3] << 24;
	return true;
}

/*
 * Is @phys_offset the one?  The kernel maps lowmem linearly from
 * PAGE_OFFSET (map_lowmem(), arch/arm/mm/mmu.c), so with swapper_pg_dir at
 * that offset, PAGE_OFFSET and the megabyte above it must translate to
 * PHYS_OFFSET and on.
 */
/*
 * Can the root entry of @va map it (a table or a section)?  Read alone, so
 * that the search below does not read a whole 16 KiB candidate pgd for
 * each of its 2048 steps (32 MiB, most of it zeros or not in the dump)
 * only to find the one entry empty.  A failed read says nothing: the
 * translation reads the table and tells.
 */
static uint64_t root_entry_pa(const struct vmmap_ctx *ctx, uint64_t va)
{
	const struct pgfmt *f = &ctx->fmt;
	unsigned idx = (va >> f->lv[0].shift) & ((1u << f->lv[0].bits) - 1);

	return f->root + (uint64_t)idx * f->pte_size;
}

static bool root_entry_may_map(struct vmmap_ctx *ctx, uint64_t va)
{
	const struct pgfmt *f = &ctx->fmt;
	uint8_t buf[8];
	struct pte pte = { 0 };

	if (mem_read_phys(ctx, root_entry_pa(ctx, va), buf, f->pte_size)) {
		vmmap_clear_error(ctx);
		return true;
	}
	decode_arm(ctx, 0, mem_get_pte(f, buf, 0), &pte);
	return pte.type == PTE_TABLE || pte.type == PTE_LEAF;
}

static void set_root(struct vmmap_ctx *ctx, uint64_t swapper,
		     uint64_t page_offset, uint64_t phys_offset)
{
	ctx->fmt.root = (swapper - page_offset + phys_offset) &
			~(uint64_t)(pg_table_size(&ctx->fmt, 0) - 1);
}

static bool phys_offset_fits(struct vmmap_ctx *ctx, uint64_t swapper,
			     uint64_t page_offset, uint64_t phys_offset)
{
	struct vmmap_vtop t;
	int i;

	/* rounded down to the table's alignment: a misaligned root is the
	 * loader's sanity check to report, not a reason to find nothing */
	set_root(ctx, swapper, page_offset, phys_offset);
	if (!root_entry_may_map(ctx, page_offset))
		return false;
	for (i = 0; i < 2; i++) {
		vmmap_status st;

		ctx->mute++;	/* the message is dropped: not formatted */
		st = vtop_internal(ctx, page_offset + i * SZ_1M, &t);
		ctx->mute--;
		if (st) {
			vmmap_clear_error(ctx);
			return false;
		}
		if (t.paddr != phys_offset + i * SZ_1M)
			return false;
	}
	return true;
}

/*
 * PHYS_OFFSET: neither VMCOREINFO (arm's arch_crash_save_vmcoreinfo() in
 * arch/kernel/machine_kexec.c only says CONFIG_ARM_LPAE) nor the ELF
 * header carries it.  With CONFIG_ARM_PATCH_PHYS_VIRT it is 2 MiB aligned
 * (head.S __fixup_pv_table, v5.11+; 16 MiB before), so try each 2 MiB
 * step below 4 GiB for the one under which swapper_pg_dir maps PAGE_OFFSET
 * to itself.  The kernel's own __pv_phys_pfn_offset checks it later.
 */
static vmmap_status find_phys_offset(struct vmmap_ctx *ctx,
				     struct arm_layout *l, uint64_t swapper)
{
	uint64_t v, p, found = 0;
	unsigned nfound = 0;

	if (lookup_value(ctx, "phys_offset", &v) ||
	    vmci_number(ctx, "NUMBER(PHYS_OFFSET)", &v)) {
		l->phys_offset = v;
		l->phys_src = kv_get(&ctx->vmcoreinfo, "NUMBER(PHYS_OFFSET)")
			      ? "vmcoreinfo" : "given";
		return VMMAP_OK;
	}
	/* 32-bit physical addresses (LPAE's 40 bits put RAM below 4 GiB
	 * too: PHYS_OFFSET is a u32 in head.S); a swapper_pg_dir 4 GiB or
	 * more above PAGE_OFFSET is no arm kernel's, and the bound below
	 * would wrap: at most 2048 steps. */
	if (swapper < l->page_offset ||
	    swapper - l->page_offset >= UINT64_C(1) << 32)
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
			"swapper_pg_dir 0x%" PRIx64 " is not within 4 GiB "
			"above PAGE_OFFSET 0x%" PRIx64, swapper,
			l->page_offset);
	ctx->quiet++;	/* most candidates fail to read: no messages */
	for (p = 0; p < (UINT64_C(1) << 32) - (swapper - l->page_offset);
	     p += SZ_2M) {
		uint64_t ea, next;

		/* A root entry the source does not hold maps nothing: on to
		 * the first candidate whose entry it holds. */
		set_root(ctx, swapper, l->page_offset, p);
		ea = root_entry_pa(ctx, l->page_offset);
		next = mem_next_data(ctx, ea);
		if (next != ea) {
			if (next < ea || next - ea >= UINT64_C(1) << 32)
				break;
			p += (next - ea + SZ_2M - 1) / SZ_2M * SZ_2M - SZ_2M;
			continue;
		}
		if (!phys_offset_fits(ctx, swapper, l->page_offset, p))
			continue;
		if (!nfound++)
			found = p;
	}
	ctx->quiet--;
	if (!nfound)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"no PHYS_OFFSET under which swapper_pg_dir (0x%" PRIx64
			") maps PAGE_OFFSET 0x%" PRIx64 " linearly: give "
			"phys_offset", swapper, l->page_offset);
	if (nfound > 1)
		add_warning(ctx, "%u PHYS_OFFSETs fit the page tables; taking "
			    "the lowest, 0x%" PRIx64, nfound, found);
	l->phys_offset = found;
	l->phys_src = "walk";
	return VMMAP_OK;
}

/* PAGE_OFFSET: given, else the split below swapper_pg_dir, which head.S
 * puts just below the kernel's text at PAGE_OFFSET + TEXT_OFFSET. */
static vmmap_status find_page_offset(struct vmmap_ctx *ctx,
				     struct arm_layout *l, uint64_t swapper)
{
	size_t i;

	if (lookup_value(ctx, "page_offset", &l->page_offset)) {
		l->po_src = "given";
		return VMMAP_OK;
	}
	for (i = ARRAY_SIZE(page_offsets); i-- > 0;) {
		if (swapper >= page_offsets[i]) {
			l->page_offset = page_offsets[i];
			l->po_src = "derived";
			return VMMAP_OK;
		}
	}
	return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
		"swapper_pg_dir 0x%" PRIx64 " is below every PAGE_OFFSET",
		swapper);
}

/* The kernel's variables and symbols: given symbols, else kallsyms. */
enum { K_TEXT, K_END, K_HIGH, K_PVPFN, K_PKMAP, K_N };

static void find_symbols(struct vmmap_ctx *ctx, uint64_t *addr, bool *have)
{
	static const char *const names[] = { "_text", "_end", "high_memory",
		"__pv_phys_pfn_offset", "pkmap_page_table", NULL };
	uint64_t ka[K_N];
	bool kh[K_N], all = true;
	vmmap_status st;
	int i;

	for (i = 0; i < K_N; i++) {
		have[i] = lookup_symbol(ctx, names[i], &addr[i]);
		all &= have[i];
	}
	if (all)
		return;
	st = kallsyms_lookup(ctx, names, ka, kh);
	if (!st) {
		for (i = 0; i < K_N; i++) {
			if (!have[i] && kh[i]) {
				addr[i] = ka[i];
				have[i] = true;
			}
		}
	} else if (st != VMMAP_ERR_NOINFO) {
		add_warning(ctx, "kernel symbols from the dump: %s",
			    vmmap_errmsg(ctx));
	}
	vmmap_clear_error(ctx);
}

struct lin_probe {
	uint64_t offset;	/* va - pa of the direct map */
	uint64_t end;		/* end of the last linear mapping seen */
	uint64_t other;		/* first other mapping above it, or 0 */
};

/* Linear mappings from PAGE_OFFSET up, across holes (banks of RAM), until
 * the first mapping that is not linear (vmalloc, ioremap). */
static vmmap_status lin_range(void *arg, const struct vmmap_range *r)
{
	struct lin_probe *p = arg;

	if (r->kind != VMMAP_RANGE_MAPPED)
		return VMMAP_OK;
	if (r->start - r->phys != p->offset) {
		p->other = r->start;
		return VMMAP_ERR_STOP;
	}
	p->end = r->last + 1;
	return VMMAP_OK;
}

/*
 * high_memory: the kernel's variable where the dump's symbols locate it,
 * else from the page tables, by the kernel's own rule (arch/arm/mm/mmu.c,
 * v4.12+ adjust_lowmem_bounds(), sanity_check_meminfo() before):
 * high_memory = __va(arm_lowmem_limit - 1) + 1, where arm_lowmem_limit is
 * the highest end of the memblock regions below the vmalloc limit (capped
 * by it), and map_lowmem() maps exactly those regions up to
 * arm_lowmem_limit, over the same iteration.  So the end of the last linear
 * mapping above PAGE_OFFSET is high_memory, banks with holes between them
 * included.  Debian's kernels (no CONFIG_KALLSYMS_ALL) need this rule.
 * Checked against the vmalloc area, which starts at VMALLOC_START =
 * ALIGN(high_memory + 8 MiB, 8 MiB) (asm/pgtable.h): a mapping between
 * high_memory and it means the rule does not hold for this kernel.
 */
static vmmap_status find_high_memory(struct vmmap_ctx *ctx,
				     struct arm_layout *l, const uint64_t *addr,
				     const bool *have)
{
	struct lin_probe p;
	vmmap_status st;
	uint64_t v, vstart;

	if (lookup_value(ctx, "high_memory", &v)) {
		l->high_memory = v;
		l->hm_src = "given";
		return VMMAP_OK;
	}
	if (have[K_HIGH] && read_u32(ctx, addr[K_HIGH], &v) &&
	    v > l->page_offset && v <= VMALLOC_END_ARM) {
		l->high_memory = v;
		l->hm_src = "kernel";
		return VMMAP_OK;
	}
	p.offset = l->page_offset - l->phys_offset;
	p.end = l->page_offset;
	p.other = 0;
	st = walk_internal(ctx, l->page_offset, VMALLOC_END_ARM - 1,
			   VMMAP_WALK_NOHOLES | VMMAP_WALK_NOSPLIT,
			   lin_range, &p);
	if (st && st != VMMAP_ERR_STOP)
		return vmmap_set_error(ctx, st, "finding the end of lowmem");
	vmmap_clear_error(ctx);
	l->high_memory = p.end;
	l->hm_src = "walk";
	vstart = (p.end + VMALLOC_OFFSET) & ~(uint64_t)(VMALLOC_OFFSET - 1);
	if (p.other && p.other < vstart)
		add_warning(ctx, "high_memory: the linear map ends at 0x%" PRIx64
			    " but 0x%" PRIx64 " is mapped below the vmalloc "
			    "area that would start at 0x%" PRIx64 "; taking "
			    "the end of the linear map (give --vmlinux for "
			    "the kernel's own)", p.end, p.other, vstart);
	return VMMAP_OK;
}

/* Check what we derived against the kernel's own p2v offset
 * (__pv_phys_pfn_offset, arch/arm/kernel/head.S, CONFIG_ARM_PATCH_PHYS_VIRT). */
static void check_pv(struct vmmap_ctx *ctx, struct arm_layout *l,
		     const uint64_t *addr, const bool *have)
{
	uint64_t pfn;

	if (!have[K_PVPFN] || !read_u32(ctx, addr[K_PVPFN], &pfn))
		return;
	if (pfn << 12 == l->phys_offset)
		return;
	add_warning(ctx, "PHYS_OFFSET: the kernel's __pv_phys_pfn_offset says "
		    "0x%" PRIx64 ", %s found 0x%" PRIx64 "; taking the "
		    "kernel's", pfn << 12, l->phys_src, l->phys_offset);
	ctx->fmt.root += (pfn << 12) - l->phys_offset;
	l->phys_offset = pfn << 12;
	l->phys_src = "kernel";
}

static bool pkmap_table_present(struct vmmap_ctx *ctx, uint64_t va)
{
	struct vmmap_vtop t;

	ctx->mute++;		/* the message is dropped: not formatted */
	if (vtop_internal(ctx, va, &t))
		vmmap_clear_error(ctx);
	ctx->mute--;
	return t.nlevels == ctx->fmt.nlevels;
}

static vmmap_status add_regions(struct vmmap_ctx *ctx,
				const struct arm_layout *l)
{
	uint64_t po = l->page_offset;
	const struct {
		uint64_t start, end;	/* end exclusive */
		const char *id, *name;
	} regs[] = {
		{ 0, l->modules, "user", "user space (TASK_SIZE)" },
		{ l->modules, l->modules_end, "modules",
		  "kernel modules (MODULES_VADDR)" },
		{ l->highmem ? po - SZ_2M : po, po, "pkmap",
		  "permanent kernel mappings, pkmap (PKMAP_BASE)" },
		{ po, l->high_memory, "lowmem",
		  "lowmem: direct-mapped RAM (PAGE_OFFSET)" },
		{ l->vmalloc_start, VMALLOC_END_ARM, "vmalloc",
		  "vmalloc() / ioremap() space (VMALLOC_START)" },
		{ PCI_IO_VIRT_BASE, PCI_IO_VIRT_BASE + PCI_IO_SIZE, "pci_io",
		  "PCI I/O space, inside vmalloc (PCI_IO_VIRT_BASE)" },
		{ FDT_FIXED_BASE, GUARD_BASE, "dtb",
		  "fixed read-only mapping of the device tree" },
		{ GUARD_BASE, FIXADDR_START, "guard", "guard region" },
		{ FIXADDR_START, FIXADDR_END, "fixmap",
		  "fixmap (FIXADDR_START)" },
		{ VECTORS_BASE, VECTORS_BASE + 0x2000, "vectors",
		  "CPU vector page and stubs" },
	};
	vmmap_status st;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		if (regs[i].start >= regs[i].end)
			continue;
		st = region_add(ctx, regs[i].start, regs[i].end - 1, regs[i].id,
				regs[i].name);
		if (st)
			return st;
	}
	if (l->have_text && l->have_end && l->text >= po &&
	    l->end > l->text && l->end <= l->high_memory) {
		st = region_add(ctx, l->text, l->end - 1, "kernel",
				"kernel image (_text.._end), in lowmem");
		if (st)
			return st;
	}
	return regions_finish(ctx);
}

/* The markers of arch/arm/mm/dump.c, without CONFIG_KASAN.  At
 * 0xff800000: "vmalloc() End" (VMALLOC_END) in v5.10, "FDT Area"
 * (FDT_FIXED_BASE, the device tree's fixed mapping) in v6.1 to v7.2; the
 * two sources the corpus was built from bound the change, taken at v5.11;
 * a kernel that does not say its version gets the newer name. */
static vmmap_status add_markers(struct vmmap_ctx *ctx,
				const struct arm_layout *l)
{
	uint32_t kver = kernel_version(ctx);
	const struct {
		vmmap_addr_t addr;
		const char *name;
	} mk[] = {
		{ l->modules, "Modules" },
		{ l->page_offset, "Kernel Mapping" },
		{ l->vmalloc_start, "vmalloc() Area" },
		{ VMALLOC_END_ARM, kver && kver < KVER(5, 11, 0)
				   ? "vmalloc() End" : "FDT Area" },
		{ FIXADDR_START, "Fixmap Area" },
		{ VECTORS_BASE, "Vectors" },
		{ VECTORS_BASE + 0x2000, "Vectors End" },
	};
	vmmap_status st;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mk); i++) {
		st = marker_add(ctx, mk[i].addr, mk[i].name);
		if (st)
			return st;
	}
	/* note_page() prints only what has attributes (current_prot); the
	 * walk covers every entry, the gap below the fixmap too */
	ctx->ptdump.skip_empty = true;
	ctx->ptdump.walk_guard = true;
	return VMMAP_OK;
}

static vmmap_status set_params(struct vmmap_ctx *ctx,
			       const struct arm_layout *l, const char *fmt_src)
{
	const struct {
		const char *name;
		uint64_t val;
		const char *src;
		bool on;
	} p[] = {
		{ "lpae", l->lpae, fmt_src, true },
		{ "pgtable_levels", (uint64_t)ctx->fmt.nlevels, fmt_src, true },
		{ "root", ctx->fmt.root, "derived", true },
		{ "page_offset", l->page_offset, l->po_src, true },
		{ "phys_offset", l->phys_offset, l->phys_src, true },
		{ "high_memory", l->high_memory, l->hm_src, true },
		{ "task_size", l->modules, "derived", true },
		{ "modules_vaddr", l->modules, "derived", true },
		{ "modules_end", l->modules_end, "derived", true },
		{ "pkmap_base", l->page_offset - SZ_2M, "derived", l->highmem },
		{ "vmalloc_start", l->vmalloc_start, "derived", true },
		{ "vmalloc_end", VMALLOC_END_ARM, "default", true },
		{ "fixaddr_start", FIXADDR_START, "default", true },
		{ "fixaddr_end", FIXADDR_END, "default", true },
		{ "vectors_base", VECTORS_BASE, "default", true },
		{ "kernel_start", l->text, "symbol", l->have_text },
		{ "kernel_end", l->end, "symbol", l->have_end },
	};
	vmmap_status st;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		if (!p[i].on)
			continue;
		st = param_set(ctx, p[i].name, p[i].val, p[i].src);
		if (st)
			return st;
	}
	return VMMAP_OK;
}

/* Short or long descriptors: VMCOREINFO's CONFIG_ARM_LPAE=y (arm's
 * arch_crash_save_vmcoreinfo()), given as a value, else short. */
static const char *choose_format(struct vmmap_ctx *ctx, bool *lpae)
{
	const char *v = kv_get(&ctx->vmcoreinfo, "CONFIG_ARM_LPAE");
	uint64_t given;

	if (lookup_value(ctx, "lpae", &given)) {
		*lpae = given != 0;
		return "given";
	}
	*lpae = v && !strcmp(v, "y");
	return kv_get(&ctx->vmcoreinfo, "OSRELEASE") ? "vmcoreinfo"
						     : "default";
}

static vmmap_status init_arm(struct vmmap_ctx *ctx)
{
	struct arm_layout *l;
	uint64_t swapper, addr[K_N] = { 0 };
	bool have[K_N];
	const char *fmt_src;
	vmmap_status st;

	l = calloc(1, sizeof(*l));
	if (!l)
		return set_nomem(ctx);
	ctx->archdata = l;
	fmt_src = choose_format(ctx, &l->lpae);
	set_shape(&ctx->fmt, l->lpae);

	if (!lookup_symbol(ctx, "swapper_pg_dir", &swapper))
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"no page-table root: VMCOREINFO lacks "
			"SYMBOL(swapper_pg_dir) and no symbol was given");
	st = find_page_offset(ctx, l, swapper);
	if (!st)
		st = find_phys_offset(ctx, l, swapper);
	if (!st && !strcmp(fmt_src, "default") &&
	    !phys_offset_fits(ctx, swapper, l->page_offset, l->phys_offset)) {
		/* No VMCOREINFO to say which: try long descriptors. */
		l->lpae = true;
		set_shape(&ctx->fmt, true);
		st = find_phys_offset(ctx, l, swapper);
		fmt_src = "walk";
	}
	if (st)
		return st;
	/* The pgd is swapper_pg_dir itself in both formats (head.S puts it
	 * PG_DIR_SIZE below the kernel's text; LPAE's 4 entries are followed
	 * by its pmd pages). */
	ctx->fmt.root = swapper - l->page_offset + l->phys_offset;

	find_symbols(ctx, addr, have);
	check_pv(ctx, l, addr, have);
	st = find_high_memory(ctx, l, addr, have);
	if (st)
		return st;
	/* kallsyms without CONFIG_KALLSYMS_ALL (Debian's armmp) lacks _text
	 * and _end; VMCOREINFO always has _stext, a few pages above _text. */
	l->text = addr[K_TEXT];
	l->have_text = have[K_TEXT] ||
		       lookup_symbol(ctx, "_stext", &l->text);
	l->end = addr[K_END];
	l->have_end = have[K_END];
	/* VMALLOC_START (asm/pgtable.h, v6.1). */
	l->vmalloc_start = (l->high_memory + VMALLOC_OFFSET) &
			   ~(VMALLOC_OFFSET - 1);
	/* asm/memory.h (v6.1): MODULES_VADDR = PAGE_OFFSET - 16M (8M with
	 * CONFIG_THUMB2_KERNEL, which we cannot see and Debian does not set),
	 * TASK_SIZE the same; MODULES_END = PAGE_OFFSET - PMD_SIZE (2M in
	 * both formats) with CONFIG_HIGHMEM, where pkmap takes the rest. */
	l->modules = l->page_offset - SZ_16M;
	l->highmem = have[K_PKMAP] ||
		     pkmap_table_present(ctx, l->page_offset - SZ_2M);
	l->modules_end = l->highmem ? l->page_offset - SZ_2M : l->page_offset;

	st = set_params(ctx, l, fmt_src);
	if (!st)
		st = add_regions(ctx, l);
	if (!st)
		st = add_markers(ctx, l);
	return st;
}

/* __pa(): lowmem, the image included, is linear from PAGE_OFFSET to
 * PHYS_OFFSET (arch/arm/include/asm/memory.h). */
static bool kimage_pa_arm(const struct vmmap_ctx *ctx, vmmap_addr_t va,
			  vmmap_addr_t *pa_ret)
{
	const struct arm_layout *l = ctx->archdata;

	if (va < l->page_offset)
		return false;
	*pa_ret = va - l->page_offset + l->phys_offset;
	return true;
}

/* AP[0] (short: access), AP[1] (user), APX/AP[2] (read-only), XN, PXN,
 * effective; domains are taken as clients. */
static void perms_arm(const struct vmmap_range *r, struct vmmap_perms *p)
{
	bool access = (r->eff & P_LPAE) || (r->eff & P_AP0);

	p->kernel_write = access && !(r->eff & P_RO);
	p->kernel_exec = access && !(r->eff & (P_XN | P_PXN));
	p->user_read = access && (r->eff & P_USER);
	p->user_write = p->user_read && !(r->eff & P_RO);
	p->user_exec = p->user_read && !(r->eff & P_XN);
}

static const struct check_exempt exempt_arm[] = {
	{ VMMAP_CHECK_USER, "vectors",
	  "the vector page, user-readable by design (kuser helpers, "
	  "arch/arm/kernel/entry-armv.S)" },
	{ VMMAP_CHECK_WX_ALIAS, "vectors",
	  "the vector pages are written through their lowmem address "
	  "(early_trap_init(), arch/arm/kernel/traps.c), which stays "
	  "writable" },
	{ 0, NULL, NULL },
};

static const char *const aliases_arm[] = { "armv7l", "armhf", "arm32", "ARM",
					   NULL };

/* arch/arm/kernel/machine_kexec.c: CONFIG_ARM_LPAE=y, with LPAE only. */
static const char *const marks_arm[] = { "CONFIG_ARM_LPAE", NULL };

static const char *const keys_arm[] = {
	"OSRELEASE", "CONFIG_ARM_LPAE", "NUMBER(PHYS_OFFSET)",
	"SYMBOL(mem_map)", "SYMBOL(contig_page_data)", NULL,
};

static const char *const symbols_arm[] = {
	"_text", "_end", "high_memory", "__pv_phys_pfn_offset",
	"pkmap_page_table", NULL,
};

const struct vmmap_arch vmmap_arch_arm = {
	.name = "arm",
	.aliases = aliases_arm,
	.uname_prefix = "arm",
	.elf_machine = 40,	/* EM_ARM */
	.elf_bits = 32,
	.vmcoreinfo_marks = marks_arm,
	/* QEMU 7.2 names no machine in the kdump files of arm guests. */
	.qemu_unnamed_bits = 32,
	.vmcoreinfo_keys = keys_arm,
	.symbols = symbols_arm,
	.rules_checked = KVER(7, 2, 255),	/* testdata/matrix */
	.kimage_pa = kimage_pa_arm,
	.perms = perms_arm,
	.exempt = exempt_arm,
	.init = init_arm,
	.decode = decode_arm,
	.inherit = inherit_arm,
	.eff_init = 0,
	.effective = effective_arm,
	.merge_mask = P_ALL,
	.flags = flags_arm,
	.ptdump_prot = ptdump_prot_arm,
};
