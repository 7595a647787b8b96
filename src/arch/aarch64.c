/*
 * arch/aarch64.c - AArch64 (VMSAv8-64) stage-1 tables of TTBR1 and the
 * arm64 kernel's layout.
 *
 * Descriptor formats are the Arm ARM's (DDI 0487, D8 "The AArch64 Virtual
 * Memory System Architecture") as the kernel names them in
 * arch/arm64/include/asm/pgtable-hwdef.h.  Layout facts are from
 * Documentation/arm64/memory.rst (the seed 002_ba45c798e18c61f3.txt, which
 * describes v5.4-v5.10) and the arch/arm64/include/asm/memory.h and
 * pgtable.h of the kernel versions named next to each rule.
 */
#include "config.h"
#include "arch/arch.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- descriptor bits (pgtable-hwdef.h) ---- */

#define A_VALID		(UINT64_C(1) << 0)
#define A_TABLE		(UINT64_C(1) << 1)	/* table, or page at level 3 */
#define A_ATTRINDX	(UINT64_C(7) << 2)
#define A_NS		(UINT64_C(1) << 5)
#define A_USER		(UINT64_C(1) << 6)	/* AP[1] */
#define A_RDONLY	(UINT64_C(1) << 7)	/* AP[2] */
#define A_SH		(UINT64_C(3) << 8)
#define A_SH_INNER	(UINT64_C(3) << 8)
#define A_AF		(UINT64_C(1) << 10)
#define A_NG		(UINT64_C(1) << 11)
#define A_GP		(UINT64_C(1) << 50)	/* FEAT_BTI guarded page */
#define A_DBM		(UINT64_C(1) << 51)
#define A_CONT		(UINT64_C(1) << 52)
#define A_PXN		(UINT64_C(1) << 53)
#define A_UXN		(UINT64_C(1) << 54)
/* Table descriptors: hierarchical attributes. */
#define T_PXN		(UINT64_C(1) << 59)
#define T_UXN		(UINT64_C(1) << 60)
#define T_AP_NOUSER	(UINT64_C(1) << 61)	/* APTable[0] */
#define T_AP_RDONLY	(UINT64_C(1) << 62)	/* APTable[1] */
#define T_ALL		(T_PXN | T_UXN | T_AP_NOUSER | T_AP_RDONLY)

/*
 * The attributes we keep: the bits the kernel's ptdump shows
 * (arch/arm64/mm/ptdump.c pte_bits[]), so that our ranges break where its
 * lines do.  Software bits (dirty, special, ...) are left out.
 */
#define A_KEEP (A_VALID | A_TABLE | A_ATTRINDX | A_USER | A_RDONLY | A_SH | \
		A_AF | A_NG | A_GP | A_CONT | A_PXN | A_UXN)

/*
 * The memory type the AttrIndx means under the kernel's MAIR_EL1, kept in
 * bits 44-47 of our prot (address bits, never attributes), so that one flag
 * table names the type whatever the kernel's index order.
 */
#define MT_SHIFT	44
#define MT_FIELD	(UINT64_C(0xf) << MT_SHIFT)
enum a64_mt {
	MT_UNKNOWN = 0,
	MT_NORMAL = 1,
	MT_NORMAL_TAGGED,
	MT_NORMAL_NC,
	MT_NORMAL_WT,
	MT_DEVICE_nGnRnE,
	MT_DEVICE_nGnRE,
	MT_DEVICE_GRE,
};
#define MT(t)		((uint64_t)(t) << MT_SHIFT)

/* The kernel's MT_* indices (arch/arm64/include/asm/memory.h). */
struct mair_layout {
	const char *since;
	unsigned char type[8];
};

/* v3.x-v5.9: device types first, MT_NORMAL 4. */
static const struct mair_layout mair_v1 = {
	"v4.x",
	{ MT_DEVICE_nGnRnE, MT_DEVICE_nGnRE, MT_DEVICE_GRE, MT_NORMAL_NC,
	  MT_NORMAL, MT_NORMAL_WT, MT_NORMAL_TAGGED, MT_UNKNOWN },
};
/* v5.10 (the MTE series, which needed MT_NORMAL at index 0 so that
 * vm_get_page_prot() can OR in MT_NORMAL_TAGGED) - v5.15. */
static const struct mair_layout mair_v2 = {
	"v5.10",
	{ MT_NORMAL, MT_NORMAL_TAGGED, MT_NORMAL_NC, MT_NORMAL_WT,
	  MT_DEVICE_nGnRnE, MT_DEVICE_nGnRE, MT_DEVICE_GRE, MT_UNKNOWN },
};
/* v5.16+: the unused Normal-WT and Device-GRE types removed. */
static const struct mair_layout mair_v3 = {
	"v5.16",
	{ MT_NORMAL, MT_NORMAL_TAGGED, MT_NORMAL_NC, MT_DEVICE_nGnRnE,
	  MT_DEVICE_nGnRE, MT_UNKNOWN, MT_UNKNOWN, MT_UNKNOWN },
};

#define SZ_2M	(UINT64_C(1) << 21)
#define SZ_8M	(UINT64_C(1) << 23)
#define SZ_16M	(UINT64_C(1) << 24)
#define SZ_32M	(UINT64_C(1) << 25)
#define SZ_64K	(UINT64_C(1) << 16)
#define SZ_64M	(UINT64_C(1) << 26)
#define SZ_128M	(UINT64_C(1) << 27)
#define SZ_256M	(UINT64_C(1) << 28)
#define SZ_1G	(UINT64_C(1) << 30)
#define SZ_2G	(UINT64_C(1) << 31)
/* STRUCT_PAGE_MAX_SHIFT: struct page is at most 64 bytes. */
#define STRUCT_PAGE_SHIFT 6

#define KV(a, b) ((a) << 8 | (b))

struct a64_layout {
	unsigned page_shift;
	unsigned va_bits;	/* CONFIG_ARM64_VA_BITS */
	unsigned va_min;	/* VA_BITS_MIN */
	unsigned va_actual;	/* 64 - TCR_EL1.T1SZ */
	unsigned cfg_levels;	/* CONFIG_PGTABLE_LEVELS */
	unsigned kver;		/* KV(major, minor), 0 if unknown */
	bool lpa2;		/* FEAT_LPA2 descriptors (TCR_EL1.DS) */
	bool pa52_64k;		/* 64K with 52-bit PA (FEAT_LPA) */
	uint64_t sh_tcr;	/* SH1 in descriptor position, with LPA2 */
	const struct mair_layout *mair;

	uint64_t phys_offset, kimage_voffset, kaslr;
	/* where each came from: vmcoreinfo, given, walk or default */
	const char *src_phys, *src_voff, *src_kaslr;
	uint64_t page_offset, page_end;
	uint64_t kasan_start, kasan_end;
	uint64_t bpf_start, bpf_end;
	uint64_t modules, modules_end;
	uint64_t vmalloc, vmalloc_end;
	uint64_t fixaddr_top;
	uint64_t pci_io, pci_io_end;
	uint64_t vmemmap, vmemmap_end;
	uint64_t vmemmap_used;	/* struct page of _PAGE_OFFSET(va_actual) */
	uint64_t kimage_vaddr;
	bool have_kasan, have_bpf;
};

/* ---- entries ---- */

/* The output-address bits of a descriptor. */
/* The bits of an entry that hold the output address in place (what
 * a64_addr() takes as it is; the rest of it comes from other bits). */
static uint64_t a64_addr_bits(const struct a64_layout *l)
{
	if (l->page_shift == 16)
		return UINT64_C(0x0000ffffffff0000);
	if (l->lpa2)
		return UINT64_C(0x0003ffffffffffff) &
		       ~((UINT64_C(1) << l->page_shift) - 1);
	return UINT64_C(0x0000ffffffffffff) &
	       ~((UINT64_C(1) << l->page_shift) - 1);
}

static uint64_t a64_addr(const struct a64_layout *l, uint64_t raw)
{
	uint64_t addr;

	if (l->page_shift == 16) {
		/* 64K: OA[47:16]; FEAT_LPA puts OA[51:48] in bits [15:12]. */
		addr = raw & UINT64_C(0x0000ffffffff0000);
		return addr | ((raw >> 12) & 0xf) << 48;
	}
	if (l->lpa2) {
		/* FEAT_LPA2: OA[49:PS] in place, OA[51:50] in bits [9:8]. */
		addr = raw & (UINT64_C(0x0003ffffffffffff) &
			      ~((UINT64_C(1) << l->page_shift) - 1));
		return addr | ((raw >> 8) & 3) << 50;
	}
	return raw & (UINT64_C(0x0000ffffffffffff) &
		      ~((UINT64_C(1) << l->page_shift) - 1));
}

/* Arm ARM level (-1..3) of our level @level. */
static int arm_level(const struct vmmap_ctx *ctx, int level)
{
	return 3 - (ctx->fmt.nlevels - 1 - level);
}

/* Block descriptors the architecture allows (Arm ARM D8.3.1). */
static bool block_ok(const struct a64_layout *l, int alevel)
{
	switch (alevel) {
	case 2:
		return true;
	case 1:
		return l->page_shift == 12 || l->lpa2 ||
		       (l->page_shift == 16 && l->pa52_64k);
	case 0:
		return l->page_shift == 12 && l->lpa2;
	}
	return false;
}

static uint64_t a64_prot(const struct a64_layout *l, uint64_t raw)
{
	uint64_t p = raw & A_KEEP;
	unsigned idx = (raw & A_ATTRINDX) >> 2;

	if (l->lpa2)
		p = (p & ~A_SH) | l->sh_tcr;
	return p | MT(l->mair->type[idx]);
}

static void decode_aarch64(const struct vmmap_ctx *ctx, int level,
			   uint64_t raw, struct pte *out)
{
	const struct a64_layout *l = ctx->archdata;
	int alevel = arm_level(ctx, level);

	out->prot = 0;
	out->addr = 0;
	if (!(raw & A_VALID)) {
		out->type = PTE_NONE;
		return;
	}
	out->addr = a64_addr(l, raw);
	if (alevel == 3) {
		/* bit 1 clear at level 3 is reserved, not a block */
		out->type = raw & A_TABLE ? PTE_LEAF : PTE_INVALID;
		out->prot = a64_prot(l, raw);
		out->addr_bits = a64_addr_bits(l);
		return;
	}
	if (raw & A_TABLE) {
		out->type = PTE_TABLE;
		return;
	}
	if (!block_ok(l, alevel)) {
		out->type = PTE_INVALID;
		return;
	}
	out->type = PTE_LEAF;
	out->prot = a64_prot(l, raw);
	out->addr &= ~(((uint64_t)1 << ctx->fmt.lv[level].shift) - 1);
	out->addr_bits = a64_addr_bits(l) &
			 ~(((uint64_t)1 << ctx->fmt.lv[level].shift) - 1);
}

/* Hierarchical attributes: a table's restrictions hold for all below. */
static uint64_t inherit_aarch64(uint64_t eff, int level, uint64_t raw)
{
	(void)level;
	return eff | (raw & T_ALL);
}

static uint64_t effective_aarch64(uint64_t prot, uint64_t eff)
{
	if (eff & T_PXN)
		prot |= A_PXN;
	if (eff & T_UXN)
		prot |= A_UXN;
	if (eff & T_AP_NOUSER)
		prot &= ~A_USER;
	if (eff & T_AP_RDONLY)
		prot |= A_RDONLY;
	return prot;
}

static const struct flagname flags_aarch64[] = {
	{ A_VALID, A_VALID, "valid" },
	{ A_TABLE, 0, "BLK" },
	{ A_RDONLY, 0, "RW" },
	{ A_RDONLY, A_RDONLY, "ro" },
	{ A_USER, A_USER, "USR" },
	{ A_PXN, A_PXN, "PXN" },
	{ A_UXN, A_UXN, "UXN" },
	{ A_AF, A_AF, "AF" },
	{ A_SH, A_SH_INNER, "SH=inner" },
	{ A_SH, UINT64_C(2) << 8, "SH=outer" },
	{ A_SH, 0, "SH=none" },
	{ A_NG, A_NG, "nG" },
	{ A_CONT, A_CONT, "CONT" },
	{ A_GP, A_GP, "GP" },
	{ MT_FIELD, MT(MT_NORMAL), "NORMAL" },
	{ MT_FIELD, MT(MT_NORMAL_TAGGED), "NORMAL_TAGGED" },
	{ MT_FIELD, MT(MT_NORMAL_NC), "NORMAL_NC" },
	{ MT_FIELD, MT(MT_NORMAL_WT), "NORMAL_WT" },
	{ MT_FIELD, MT(MT_DEVICE_nGnRnE), "DEVICE_nGnRnE" },
	{ MT_FIELD, MT(MT_DEVICE_nGnRE), "DEVICE_nGnRE" },
	{ MT_FIELD, MT(MT_DEVICE_GRE), "DEVICE_GRE" },
	{ MT_FIELD, MT(MT_UNKNOWN), "MT_UNKNOWN" },
	{ 0, 0, NULL },
};

/*
 * The kernel's /sys/kernel/debug/kernel_page_tables line tail: the level
 * name and pte_bits[] of arch/arm64/mm/ptdump.c (v5.4+), set or clear words.
 * Levels are numbered pgd p4d pud pmd pte; a folded top level's holes are
 * reported one level down (mm/ptdump.c), and with 3 or 2 levels the kernel
 * calls the pud or pmd level "PGD".
 */
static void ptdump_prot_aarch64(const struct vmmap_ctx *ctx,
				const struct vmmap_range *r, char *buf,
				size_t size)
{
	const struct a64_layout *l = ctx->archdata;
	static const struct {
		uint64_t mask, val;
		const char *set, *clear;
	} bits[] = {
		{ A_VALID, A_VALID, " ", "F" },
		{ A_USER, A_USER, "USR", "   " },
		{ A_RDONLY, A_RDONLY, "ro", "RW" },
		{ A_PXN, A_PXN, "NX", "x " },
		{ A_SH, A_SH_INNER, "SHD", "   " },
		{ A_AF, A_AF, "AF", "  " },
		{ A_NG, A_NG, "NG", "  " },
		{ A_CONT, A_CONT, "CON", "   " },
		{ A_TABLE, A_TABLE, "   ", "BLK" },
		{ A_UXN, A_UXN, "UXN", "   " },
		{ A_GP, A_GP, "GP", "  " },
		{ MT_FIELD, MT(MT_DEVICE_nGnRnE), "DEVICE/nGnRnE", NULL },
		{ MT_FIELD, MT(MT_DEVICE_nGnRE), "DEVICE/nGnRE", NULL },
		{ MT_FIELD, MT(MT_DEVICE_GRE), "DEVICE/GRE", NULL },
		{ MT_FIELD, MT(MT_NORMAL_NC), "MEM/NORMAL-NC", NULL },
		{ MT_FIELD, MT(MT_NORMAL), "MEM/NORMAL", NULL },
		{ MT_FIELD, MT(MT_NORMAL_WT), "MEM/NORMAL-WT", NULL },
		{ MT_FIELD, MT(MT_NORMAL_TAGGED), "MEM/NORMAL-TAGGED", NULL },
	};
	const char *names[5] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
	/* The generic walker's depth (mm/ptdump.c, mm/pagewalk.c): pgd 0 ..
	 * pte 4, a level folded at build time reported at the depth above
	 * it (real_depth()), so the top table of a 4- or 3-level
	 * configuration is depth 0; a level folded at run time (LPA2 kernels
	 * on 48 bits) keeps its depth. */
	int klevel = r->level == 0 && (int)l->cfg_levels == ctx->fmt.nlevels
		     ? 0 : r->level + (5 - ctx->fmt.nlevels);
	uint64_t pr = r->kind == VMMAP_RANGE_MAPPED ? r->prot : 0;
	size_t n, i;

	if (l->cfg_levels <= 3)
		names[2] = "PGD";
	if (l->cfg_levels <= 2)
		names[3] = "PGD";
	if (klevel < 0 || klevel > 4)
		klevel = 4;
	n = (size_t)snprintf(buf, size, "%s", names[klevel]);
	if (!pr)
		return;
	for (i = 0; i < ARRAY_SIZE(bits) && n < size; i++) {
		const char *s = (pr & bits[i].mask) == bits[i].val
				? bits[i].set : bits[i].clear;

		if (s)
			n += (size_t)snprintf(buf + n, size - n, " %s", s);
	}
}

/* ---- layout ---- */

static unsigned parse_kver(const char *rel)
{
	unsigned a, b;

	if (rel && sscanf(rel, "%u.%u", &a, &b) == 2 && a < 256 && b < 256)
		return KV(a, b);
	return 0;
}

/* ARM64_HW_PGTABLE_LEVELS(va_bits) of pgtable-hwdef.h. */
static unsigned hw_levels(unsigned va, unsigned ps)
{
	return (va - 4) / (ps - 3);
}

static uint64_t neg_pow2(unsigned bits)
{
	return bits >= 64 ? 0 : -(UINT64_C(1) << bits);
}

/* Probe: is anything mapped in [first, last]? */
static vmmap_status any_mapped(void *arg, const struct vmmap_range *r)
{
	if (r->kind != VMMAP_RANGE_MAPPED)
		return VMMAP_OK;
	*(bool *)arg = true;
	return VMMAP_ERR_STOP;
}

static bool range_mapped(struct vmmap_ctx *ctx, uint64_t first, uint64_t last)
{
	bool found = false;

	if (walk_internal(ctx, first, last,
			  VMMAP_WALK_NOHOLES | VMMAP_WALK_NOSPLIT,
			  any_mapped, &found))
		vmmap_clear_error(ctx);
	return found;
}

/*
 * KASAN's shadow is not in VMCOREINFO; the page tables show it: every
 * KASAN kernel maps its whole shadow (at least to the early shadow page).
 * Generic KASAN shadows 1/8 of the kernel VA space, software tags 1/16;
 * both end at the same address (KASAN_SHADOW_END).
 */
static void find_kasan(struct vmmap_ctx *ctx, struct a64_layout *l,
		       uint64_t end, unsigned va)
{
	uint64_t gen = end - (UINT64_C(1) << (va - 3));
	uint64_t sw = end - (UINT64_C(1) << (va - 4));

	if (!range_mapped(ctx, sw, end - 1))
		return;
	l->have_kasan = true;
	l->kasan_end = end;
	l->kasan_start = range_mapped(ctx, gen, sw - 1) ? gen : sw;
}

static uint64_t vmemmap_size(const struct a64_layout *l, uint64_t lin_start,
			     uint64_t lin_end)
{
	return (lin_end - lin_start) >> (l->page_shift - STRUCT_PAGE_SHIFT);
}

/* PUD_SIZE, or the folded equivalent (PGDIR_SIZE). */
static uint64_t pud_size(const struct vmmap_ctx *ctx,
			 const struct a64_layout *l)
{
	unsigned s = l->page_shift + 2 * (l->page_shift - 3);

	if (s > ctx->fmt.lv[0].shift)
		s = ctx->fmt.lv[0].shift;
	return UINT64_C(1) << s;
}

/*
 * The part of vmemmap that can hold struct pages: the kernel's ptdump
 * starts it at virt_to_page(_PAGE_OFFSET(vabits_actual)) (v6.9, with the
 * LPA2 series).  Since v6.9 VMALLOC_END reaches into the nominal vmemmap
 * range below that (pgtable.h VMEMMAP_UNUSED_NPAGES), so vmalloc, not
 * vmemmap, owns those addresses.  Before v6.9 the whole range is vmemmap.
 */
static void vmemmap_in_use(struct a64_layout *l, unsigned kv)
{
	l->vmemmap_used = l->vmemmap;
	if (kv >= KV(6, 9) && l->va_actual < l->va_bits)
		l->vmemmap_used += ((l->page_offset - neg_pow2(l->va_bits)) >>
				    l->page_shift) << STRUCT_PAGE_SHIFT;
}

/*
 * The rules of each kernel generation.  VMCOREINFO's own values (v5.18+,
 * commit 2369f171d5c5 "arm64: crash_core: Export MODULES, VMALLOC, and
 * VMEMMAP ranges") replace the computed ones afterwards.
 */
static void layout_rules(struct vmmap_ctx *ctx, struct a64_layout *l)
{
	unsigned V = l->va_bits, Vmin = l->va_min, ps = l->page_shift;
	unsigned kv = l->kver ? l->kver : KV(6, 1);
	uint64_t modsize = SZ_128M, vms;

	if (kv < KV(5, 4)) {
		/* v4.6-v5.3 (memory.h): linear map in the upper half,
		 * KASAN, BPF (v5.0+), modules, vmalloc in the lower. */
		uint64_t va_start = neg_pow2(V);

		l->page_offset = neg_pow2(V - 1);
		l->page_end = 0;	/* to the top */
		vms = UINT64_C(1) << (V - ps - 1 + STRUCT_PAGE_SHIFT);
		find_kasan(ctx, l, va_start + (UINT64_C(1) << (V - 3)), V);
		if (l->have_kasan) {
			/* the shadow starts at VA_START */
			l->kasan_start = va_start;
		}
		l->bpf_start = l->have_kasan ? l->kasan_end : va_start;
		l->have_bpf = kv >= KV(5, 0);	/* commit 91fc957c9b1d */
		l->bpf_end = l->bpf_start + (l->have_bpf ? SZ_128M : 0);
		l->modules = l->bpf_end;
		l->vmemmap = l->page_offset - vms;
		l->vmemmap_end = l->page_offset;
		l->pci_io_end = l->vmemmap - SZ_2M;
		l->pci_io = l->pci_io_end - SZ_16M;
		l->fixaddr_top = l->pci_io - SZ_2M;
		l->vmalloc_end = l->page_offset - pud_size(ctx, l) - vms -
				 SZ_64K;
	} else if (kv < KV(5, 11)) {
		/* v5.4-v5.10: commit 14c127c957c1 "arm64: mm: Flip kernel VA
		 * space"; the seed's tables.  KASAN_SHADOW_END is
		 * _PAGE_END(VA_BITS_MIN) + the shadow of a VA_BITS_MIN space;
		 * without KASAN the BPF region starts at PAGE_END. */
		l->page_offset = neg_pow2(V);
		/* PAGE_END is _PAGE_END(vabits_actual) here (v5.4-v5.10
		 * memory.h): a 52-bit kernel on a 48-bit CPU has the 47-bit
		 * linear map [_PAGE_OFFSET(48), _PAGE_END(48)). */
		l->page_end = neg_pow2(l->va_actual - 1);
		/* The shadow in force is that of the VA space in force: with
		 * VA_BITS=52 at 48 bits only its top 1/8 (1/16) of 2^48 is
		 * addressable, above PAGE_END; sized by VA_BITS it would
		 * take in the linear map. */
		find_kasan(ctx, l, neg_pow2(Vmin - 1) +
			   (UINT64_C(1) << (Vmin - 3)), l->va_actual);
		vms = vmemmap_size(l, l->page_offset, neg_pow2(Vmin - 1));
		l->have_bpf = true;
		l->bpf_start = l->have_kasan ? l->kasan_end : l->page_end;
		l->bpf_end = l->bpf_start + SZ_128M;
		l->modules = l->bpf_end;
		l->vmemmap = -vms - SZ_2M;
		l->vmemmap_end = l->vmemmap + vms;
		l->pci_io_end = l->vmemmap - SZ_2M;
		l->pci_io = l->pci_io_end - SZ_16M;
		l->fixaddr_top = l->pci_io - SZ_2M;
		l->vmalloc_end = -pud_size(ctx, l) - vms - SZ_64K;
	} else {
		/* v5.11+: commit f4693c2716b3 "arm64: mm: extend linear
		 * region for 52-bit VA configurations": the linear map has
		 * the whole lower half, KASAN's shadow at its top. */
		l->page_offset = neg_pow2(V);
		l->page_end = neg_pow2(Vmin - 1);
		find_kasan(ctx, l, l->page_end, l->va_actual);
		vms = vmemmap_size(l, l->page_offset, l->page_end);
		/* BPF JIT region until v5.13, commit b89ddf4cca43
		 * "arm64/bpf: Remove 128MB limit for BPF JIT programs" */
		l->have_bpf = kv < KV(5, 13);
		l->bpf_start = l->page_end;
		l->bpf_end = l->bpf_start + (l->have_bpf ? SZ_128M : 0);
		l->modules = l->bpf_end;
		/* v6.5, commit 3e35d303ab7d "arm64: module: rework module VA
		 * range selection": 2 GiB of modules */
		if (kv >= KV(6, 5))
			modsize = SZ_2G;
		if (kv < KV(6, 9)) {
			/* v5.11, commit 9ad7c6d5e75b "arm64: mm: tidy up top
			 * of kernel VA space" */
			l->vmemmap = neg_pow2(V - (ps - STRUCT_PAGE_SHIFT));
			l->vmemmap_end = l->vmemmap + vms;
			l->pci_io_end = l->vmemmap - SZ_8M;
			l->pci_io = l->pci_io_end - SZ_16M;
			l->fixaddr_top = l->vmemmap - SZ_32M;
			l->vmalloc_end = l->vmemmap - SZ_256M;
		} else {
			/* v6.9: commits 031e011d8b22 "arm64: mm: Move fixmap
			 * region above vmemmap region" and "arm64: mm: Move
			 * PCI I/O emulation region above the vmemmap
			 * region"; VMALLOC_END in pgtable.h. */
			l->vmemmap_end = -SZ_1G;
			l->vmemmap = l->vmemmap_end - vms;
			l->pci_io = l->vmemmap_end + SZ_8M;
			l->pci_io_end = l->pci_io + SZ_16M;
			l->fixaddr_top = -SZ_8M;
			l->vmalloc_end = l->vmemmap - SZ_8M;
			if (V != Vmin)
				l->vmalloc_end += ((neg_pow2(l->va_actual) -
						    l->page_offset) >> ps)
						  << STRUCT_PAGE_SHIFT;
		}
	}
	l->modules_end = l->modules + modsize;
	/* KIMAGE_VADDR is MODULES_END (v4.6+, memory.h) */
	l->vmalloc = l->modules_end;
	/* With a 52-bit kernel running at fewer bits (48, or 47 with 16K
	 * since v6.9) the linear map in force starts at
	 * _PAGE_OFFSET(vabits_actual).  v5.4-v5.10 offset physvirt_offset
	 * for it; since v5.11 (commit 7bc1a0f9e176 "arm64: mm: use single
	 * quantity to represent the PA to VA translation")
	 * arm64_memblock_init() lowers memstart_addr by _PAGE_OFFSET(
	 * vabits_actual) - _PAGE_OFFSET(52) instead, so that
	 * __phys_to_virt(pa) = (pa - PHYS_OFFSET) | PAGE_OFFSET still holds
	 * with the compile-time PAGE_OFFSET (on the aarch64-16k dump
	 * PHYS_OFFSET is 0xfff0800040000000 for RAM at 0x40000000). */
	if (l->va_actual < V && kv >= KV(5, 4))
		l->page_offset = neg_pow2(l->va_actual);
}

/* VMCOREINFO's values where the kernel gives them (v5.18+). */
static void layout_vmcoreinfo(struct vmmap_ctx *ctx, struct a64_layout *l,
			      const char **src)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "NUMBER(MODULES_VADDR)", offsetof(struct a64_layout, modules) },
		{ "NUMBER(MODULES_END)",
		  offsetof(struct a64_layout, modules_end) },
		{ "NUMBER(VMALLOC_START)", offsetof(struct a64_layout, vmalloc) },
		{ "NUMBER(VMALLOC_END)",
		  offsetof(struct a64_layout, vmalloc_end) },
		{ "NUMBER(VMEMMAP_START)", offsetof(struct a64_layout, vmemmap) },
		{ "NUMBER(VMEMMAP_END)",
		  offsetof(struct a64_layout, vmemmap_end) },
	};
	size_t i;
	uint64_t v;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		uint64_t *p = (uint64_t *)((char *)l + keys[i].off);

		src[i] = "rule";
		if (!vmci_number(ctx, keys[i].key, &v))
			continue;
		if (v != *p)
			add_warning(ctx, "%s=0x%" PRIx64 " differs from the "
				    "v%u.%u rule's 0x%" PRIx64 "; VMCOREINFO "
				    "wins", keys[i].key, v, l->kver >> 8,
				    l->kver & 0xff, *p);
		*p = v;
		src[i] = "vmcoreinfo";
	}
	/* VMALLOC_START was dropped from VMCOREINFO again; it is
	 * MODULES_END (pgtable.h, v4.6+). */
	if (strcmp(src[2], "vmcoreinfo") && !strcmp(src[1], "vmcoreinfo"))
		l->vmalloc = l->modules_end;
}

/* The kernel image: the mapped run at kimage_vaddr linear with
 * kimage_voffset (_text.._end, mapped segment by segment; v5.x+
 * free_initmem() unmaps the init segments, a hole of a few MiB). */
#define IMAGE_GAP SZ_64M
struct image_probe {
	uint64_t voff, end;
	bool done;
};

static vmmap_status image_range(void *arg, const struct vmmap_range *r)
{
	struct image_probe *p = arg;

	if (r->kind != VMMAP_RANGE_MAPPED)
		return VMMAP_OK;
	if (r->start - r->phys != p->voff ||
	    (p->end && r->start > p->end + IMAGE_GAP))
		return VMMAP_ERR_STOP;
	p->end = r->last;
	return VMMAP_OK;
}

static uint64_t image_end(struct vmmap_ctx *ctx, const struct a64_layout *l)
{
	struct image_probe p = { l->kimage_voffset, 0, false };
	uint64_t sym;

	if (lookup_symbol(ctx, "_end", &sym) && sym > l->kimage_vaddr)
		return sym - 1;
	if (walk_internal(ctx, l->kimage_vaddr, l->kimage_vaddr + SZ_1G - 1,
			  VMMAP_WALK_NOHOLES | VMMAP_WALK_NOSPLIT,
			  image_range, &p))
		vmmap_clear_error(ctx);
	return p.end;
}

static vmmap_status add_regions(struct vmmap_ctx *ctx, struct a64_layout *l)
{
	uint64_t user_last = (UINT64_C(1) << l->va_actual) - 1;
	uint64_t kstart = neg_pow2(l->va_actual);
	uint64_t fix_start = l->kver >= KV(6, 9) ? l->pci_io_end
						 : l->vmalloc_end;
	uint64_t kend;
	vmmap_status st = VMMAP_OK;
	size_t i;
	/* The seed's names; later entries paint over earlier ones. */
	const struct {
		uint64_t start, end;	/* end exclusive, 0 = top */
		const char *id, *name;
		bool on;
	} regs[] = {
		{ 0, user_last + 1, "user", "user", true },
		{ user_last + 1, kstart, "noncanonical",
		  "non-canonical hole", true },
		/* What the kernel half leaves between its regions the seed
		 * calls [guard region]. */
		{ kstart, 0, "guard_region", "guard region", true },
		{ l->page_offset, l->page_end, "linear",
		  "kernel logical memory map", true },
		{ l->kasan_start, l->kasan_end, "kasan",
		  "kasan shadow region", l->have_kasan },
		{ l->bpf_start, l->bpf_end, "bpf", "bpf jit region",
		  l->have_bpf },
		{ l->modules, l->modules_end, "modules", "modules", true },
		{ l->vmalloc, l->vmalloc_end, "vmalloc", "vmalloc", true },
		{ fix_start, l->fixaddr_top, "fixmap", "fixed mappings", true },
		{ l->pci_io, l->pci_io_end, "pci_io", "PCI I/O space", true },
		{ l->vmemmap_used, l->vmemmap_end, "vmemmap", "vmemmap",
		  true },
	};

	for (i = 0; i < ARRAY_SIZE(regs) && !st; i++)
		if (regs[i].on)
			st = region_add(ctx, regs[i].start, regs[i].end - 1,
					regs[i].id, regs[i].name);
	if (st)
		return st;
	kend = image_end(ctx, l);
	if (kend > l->kimage_vaddr)
		st = region_add(ctx, l->kimage_vaddr, kend, "kernel",
				"kernel image");
	if (!st)
		st = regions_finish(ctx);
	return st;
}

/* arch/arm64/mm/ptdump.c address_markers[] of the version. */
static vmmap_status add_markers(struct vmmap_ctx *ctx,
				const struct a64_layout *l)
{
	uint64_t fix_start = l->kver >= KV(6, 9) ? l->pci_io_end
						 : l->vmalloc_end;
	const struct {
		uint64_t addr;
		const char *name;
		bool on;
	} mk[] = {
		{ l->page_offset, "Linear Mapping start", l->page_end != 0 },
		{ l->page_end, "Linear Mapping end", l->page_end != 0 },
		{ l->kasan_start, "Kasan shadow start", l->have_kasan },
		{ l->kasan_end, "Kasan shadow end", l->have_kasan },
		{ l->bpf_start, "BPF start", l->have_bpf },
		{ l->bpf_end, "BPF end", l->have_bpf },
		{ l->modules, "Modules start", true },
		{ l->modules_end, "Modules end", true },
		{ l->vmalloc, "vmalloc() area", true },
		{ l->vmalloc_end, "vmalloc() end", true },
		{ l->fixaddr_top, "Fixmap end", true },
		{ l->pci_io, "PCI I/O start", true },
		{ l->pci_io_end, "PCI I/O end", true },
		{ l->vmemmap_used, "vmemmap start", true },
		{ l->vmemmap_end, "vmemmap end", true },
		{ l->page_offset, "Linear Mapping", l->page_end == 0 },
	};
	vmmap_status st = VMMAP_OK;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mk) && !st; i++)
		if (mk[i].on)
			st = marker_add(ctx, mk[i].addr, mk[i].name);
	/* The kernel's "Fixmap start" is FIXADDR_TOT_START (FIXADDR_START
	 * before v6.9), FIXADDR_TOP less the fixmap's slots, whose number
	 * depends on the configuration (enum fixed_addresses, asm/fixmap.h)
	 * and is in no dump: ours is the lowest it can be, the end of what
	 * lies below (PCI I/O since v6.9, vmalloc before), and soft, so
	 * that it ends no line there and takes no place of the markers
	 * crossed with it.  With 64K pages one PMD entry (512 MiB) holds
	 * PCI I/O and the gap to the fixmap (aarch64-6.12-64k-ptdump): the
	 * kernel prints "PCI I/O start" and "PCI I/O end" at the entry
	 * after it, its two markers per note_page(), and splits the line
	 * at its own fixmap marker further up. */
	if (!st)
		st = marker_add_soft(ctx, fix_start, "Fixmap start");
	return st;
}

static vmmap_status set_params(struct vmmap_ctx *ctx,
			       const struct a64_layout *l, const char *src_va,
			       const char *src_root, const char **src)
{
	uint64_t tcr;
	const struct {
		const char *name;
		uint64_t val;
		const char *src;
		bool on;
	} p[] = {
		{ "page_size", UINT64_C(1) << l->page_shift,
		  kv_get(&ctx->vmcoreinfo, "PAGESIZE") ? "vmcoreinfo"
		  : lookup_reg(ctx, "tcr_el1", &tcr) ? "register" : "default",
		  true },
		{ "va_bits", l->va_actual, src_va, true },
		{ "va_bits_config", l->va_bits,
		  kv_get(&ctx->vmcoreinfo, "NUMBER(VA_BITS)") ? "vmcoreinfo"
							      : "derived", true },
		{ "pgtable_levels", (uint64_t)ctx->fmt.nlevels, "derived",
		  true },
		{ "lpa2", l->lpa2,
		  l->page_shift != 16 && lookup_reg(ctx, "tcr_el1", &tcr)
		  ? "register" : "derived", true },
		{ "phys_offset", l->phys_offset, l->src_phys, true },
		{ "kimage_voffset", l->kimage_voffset, l->src_voff, true },
		{ "kaslr_offset", l->kaslr, l->src_kaslr, true },
		{ "kimage_vaddr", l->kimage_vaddr, "derived", true },
		{ "root", ctx->fmt.root, src_root, true },
		{ "page_offset", l->page_offset, "rule", true },
		{ "page_end", l->page_end, "rule", l->page_end != 0 },
		{ "kasan_shadow_start", l->kasan_start, "walk", l->have_kasan },
		{ "kasan_shadow_end", l->kasan_end, "rule", l->have_kasan },
		{ "bpf_jit_start", l->bpf_start, "rule", l->have_bpf },
		{ "bpf_jit_end", l->bpf_end, "rule", l->have_bpf },
		{ "modules_vaddr", l->modules, src[0], true },
		{ "modules_end", l->modules_end, src[1], true },
		{ "vmalloc_start", l->vmalloc, src[2], true },
		{ "vmalloc_end", l->vmalloc_end, src[3], true },
		{ "fixaddr_top", l->fixaddr_top, "rule", true },
		{ "pci_io_start", l->pci_io, "rule", true },
		{ "pci_io_end", l->pci_io_end, "rule", true },
		{ "vmemmap_start", l->vmemmap, src[4], true },
		{ "vmemmap_end", l->vmemmap_end, src[5], true },
		{ "vmemmap_used_start", l->vmemmap_used, "rule",
		  l->vmemmap_used != l->vmemmap },
	};
	vmmap_status st = VMMAP_OK;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(p) && !st; i++)
		if (p[i].on)
			st = param_set(ctx, p[i].name, p[i].val, p[i].src);
	return st;
}

static void set_shape(struct pgfmt *f, const struct a64_layout *l)
{
	static const char *const n5[] = { "pgd", "p4d", "pud", "pmd", "pte" };
	static const char *const n4[] = { "pgd", "pud", "pmd", "pte" };
	static const char *const n3[] = { "pgd", "pmd", "pte" };
	static const char *const n2[] = { "pgd", "pte" };
	static const char *const *const names[] = { NULL, NULL, n2, n3, n4,
						    n5 };
	unsigned ps = l->page_shift, va = l->va_actual;
	int n = (int)hw_levels(va, ps), i;

	f->nlevels = n;
	f->pte_size = 8;
	f->big_endian = false;
	f->ext = VA_ONES;
	for (i = 0; i < n; i++) {
		int fb = n - 1 - i;

		f->lv[i].shift = (uint8_t)(ps + (ps - 3) * fb);
		f->lv[i].bits = (uint8_t)(i ? ps - 3 : va - f->lv[i].shift);
		f->lv[i].leaf_ok = fb <= 2;
		snprintf(f->lv[i].name, sizeof(f->lv[i].name), "%s",
			 names[n][i]);
	}
}

/*
 * VA_BITS_MIN of memory.h: the fewest VA bits a kernel built for VA_BITS
 * may run at.  v5.4 (the 52-bit kernel VA series): 48 for VA_BITS=52
 * (64K only until v6.8).  v6.9 (commit 352b0395b505 "arm64: Enable 52-bit virtual addressing for 4k and 16k
 * granule configs"): 47 with 16K pages, whose 48-bit fallback would need a
 * fourth level for one bit; 4K and 64K stay at 48.
 */
static unsigned va_bits_min(unsigned va_bits, unsigned page_shift)
{
	if (va_bits <= 48)
		return va_bits;
	return page_shift == 14 ? 47 : 48;
}

/* VA size, granule and descriptor format. */
static vmmap_status init_format(struct vmmap_ctx *ctx, struct a64_layout *l,
				const char **src_va)
{
	uint64_t v, tcr = 0;
	bool have_tcr = lookup_reg(ctx, "tcr_el1", &tcr), have_va;

	l->page_shift = 12;
	if (vmci_number(ctx, "PAGESIZE", &v)) {
		if (v != 4096 && v != 16384 && v != 65536)
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				"PAGESIZE=%" PRIu64 " is not an AArch64 "
				"granule", v);
		l->page_shift = v == 4096 ? 12 : v == 16384 ? 14 : 16;
	} else if (have_tcr) {
		/* TCR_EL1.TG1 [31:30]: 1 = 16K, 2 = 4K, 3 = 64K */
		unsigned tg1 = (tcr >> 30) & 3;

		l->page_shift = tg1 == 1 ? 14 : tg1 == 3 ? 16 : 12;
	} else {
		add_warning(ctx, "no PAGESIZE in VMCOREINFO: assuming 4K");
	}

	*src_va = "vmcoreinfo";
	have_va = vmci_number(ctx, "NUMBER(VA_BITS)", &v);
	if (!have_va) {
		v = 48;
		*src_va = "default";
	}
	l->va_bits = (unsigned)v;
	l->va_actual = l->va_bits;
	/* The VA size in force: TCR_EL1.T1SZ (VMCOREINFO since v5.9,
	 * commit bbdbc11804ff "arm64/crash_core: Export TCR_EL1.T1SZ in
	 * vmcoreinfo"); a VA_BITS=52 kernel runs at 48 bits on a CPU
	 * without LVA/LPA2. */
	if (have_tcr) {
		l->va_actual = 64 - (unsigned)((tcr >> 16) & 0x3f);
		*src_va = "register";
	} else if (vmci_number(ctx, "NUMBER(TCR_EL1_T1SZ)", &v) && v) {
		l->va_actual = 64 - (unsigned)v;
	}
	/* Without VA_BITS the kernel is taken to be built for the VA size
	 * in force (a 52-bit kernel at 48 bits looks like a 48-bit one). */
	if (!have_va)
		l->va_bits = l->va_actual;
	if (l->va_actual < 25 || l->va_actual > 52 ||
	    l->va_bits < l->va_actual || l->va_bits > 52)
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
			"VA size %u (VA_BITS %u) is not possible",
			l->va_actual, l->va_bits);
	/* At least two levels (a pgd of pte tables): fewer is no kernel's
	 * (VA_BITS 36 is the least with 16K pages, 42 with 64K) and has no
	 * names below (a fuzzer's VA_BITS=25 with 16K pages: one level). */
	if (hw_levels(l->va_actual, l->page_shift) < 2)
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
			"VA size %u is too small for %u KiB pages (one level "
			"of tables)", l->va_actual,
			(1u << l->page_shift) >> 10);
	l->va_min = va_bits_min(l->va_bits, l->page_shift);
	l->cfg_levels = hw_levels(l->va_bits, l->page_shift);

	/* FEAT_LPA2 descriptors (4K/16K, v6.9+): TCR_EL1.DS [59], or 52-bit
	 * VA in force, which the kernel enables only with LPA2. */
	if (l->page_shift != 16)
		l->lpa2 = have_tcr ? (tcr >> 59) & 1 : l->va_actual > 48;
	/* 64K with 52-bit PA: level-1 blocks become valid (FEAT_LPA) */
	l->pa52_64k = l->page_shift == 16 && l->va_bits == 52;
	/* With DS=1 shareability is TCR_EL1.SH1 [29:28]; the kernel sets
	 * inner shareable (TCR_SHARED in arch/arm64/mm/proc.S). */
	l->sh_tcr = have_tcr ? ((tcr >> 28) & 3) << 8 : A_SH_INNER;
	set_shape(&ctx->fmt, l);
	return VMMAP_OK;
}

/* The root: TTBR1_EL1 of a live CPU, else swapper_pg_dir by __pa_symbol
 * (kimage_voffset), never through a virtual read. */
static vmmap_status init_root(struct vmmap_ctx *ctx, struct a64_layout *l,
			      const char **src)
{
	struct pgfmt *f = &ctx->fmt;
	uint64_t ttbr, sym;

	if (lookup_reg(ctx, "ttbr1_el1", &ttbr)) {
		/* BADDR [47:1] (ASID above); with 52-bit PA, BADDR[51:48]
		 * sits in bits [5:2] and the table is 64-byte aligned. */
		f->root = ttbr & UINT64_C(0x0000fffffffffffe);
		if (l->lpa2 || l->pa52_64k)
			f->root = (f->root & ~UINT64_C(0x3f)) |
				  ((ttbr >> 2) & 0xf) << 48;
		*src = "register";
		return VMMAP_OK;
	}
	if (!lookup_symbol(ctx, "swapper_pg_dir", &sym))
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"no page-table root: VMCOREINFO lacks "
			"SYMBOL(swapper_pg_dir) and no ttbr1_el1 was given");
	f->root = sym - l->kimage_voffset;
	*src = "vmcoreinfo";
	/* A kernel built for more VA bits than in force with as many
	 * levels points TTBR1 at the top entries of its pgd
	 * (TTBR1_BADDR_4852_OFFSET, v5.4, commit e842dfb5a2d3 "arm64: mm:
	 * Offset TTBR1 to allow 52-bit PTRS_PER_PGD"); with fewer levels
	 * (4K, LPA2 kernels of v6.9+) the top level is folded and the pgd
	 * is the next level's table. */
	if (l->cfg_levels == (unsigned)f->nlevels &&
	    l->va_bits > l->va_actual) {
		unsigned cfg_top = l->va_bits - f->lv[0].shift;

		f->root += ((UINT64_C(1) << cfg_top) -
			    (UINT64_C(1) << f->lv[0].bits)) * 8;
	}
	return VMMAP_OK;
}

/* The first mapped range in [first, last], if any. */
static vmmap_status first_mapped(void *arg, const struct vmmap_range *r)
{
	if (r->kind != VMMAP_RANGE_MAPPED)
		return VMMAP_OK;
	*(struct vmmap_range *)arg = *r;
	return VMMAP_ERR_STOP;
}

static bool find_first(struct vmmap_ctx *ctx, uint64_t first, uint64_t last,
		       struct vmmap_range *r_ret)
{
	r_ret->kind = VMMAP_RANGE_HOLE;
	if (walk_internal(ctx, first, last,
			  VMMAP_WALK_NOHOLES | VMMAP_WALK_NOSPLIT,
			  first_mapped, r_ret))
		vmmap_clear_error(ctx);
	return r_ret->kind == VMMAP_RANGE_MAPPED;
}

/* Check the MAIR choice on the linear map: its first leaf is RAM. */
static void check_mair(struct vmmap_ctx *ctx, const struct a64_layout *l)
{
	struct vmmap_range r;
	uint64_t last = l->page_end ? l->page_end - 1 : VMMAP_ADDR_MAX;

	if (find_first(ctx, l->page_offset, last, &r) &&
	    (r.prot & MT_FIELD) != MT(MT_NORMAL) &&
	    (r.prot & MT_FIELD) != MT(MT_NORMAL_TAGGED))
		add_warning(ctx, "the linear map's first page is not Normal "
			    "memory under the %s MAIR layout: memory types "
			    "may be misnamed", l->mair->since);
}

/*
 * The kernel image from the root alone.  The root TTBR1_EL1 holds at EL1 is
 * swapper_pg_dir, which vmlinux.lds.S places in the image (after the BSS
 * before v4.19, in .rodata since v4.19's "arm64/mm: move swapper_pg_dir to
 * rodata section"), mapped at pa + kimage_voffset.  The image is mapped
 * segment by segment from _stext (map_kernel(), arch/arm64/mm/mmu.c,
 * v6.1), segments SEGMENT_ALIGN (64 KiB) apart, with free_initmem()'s hole
 * of a few MiB: walking back over the ranges with the same offset from the
 * root's reaches _stext, a few KiB (TEXT_OFFSET, gone in v5.8) or 64 KiB
 * above _text, which is 2 MiB aligned (MIN_KIMG_ALIGN, asm/boot.h; the
 * KASLR offset is a multiple of 2 MiB, arch/arm64/kernel/pi/kaslr_early.c
 * v6.1, kaslr.c before).
 */
struct root_probe {
	uint64_t root, voff, start, end;
	bool found;
};

static vmmap_status root_range(void *arg, const struct vmmap_range *r)
{
	struct root_probe *p = arg;
	uint64_t voff;

	if (r->kind != VMMAP_RANGE_MAPPED)
		return VMMAP_OK;
	voff = r->start - r->phys;
	if (!p->end || voff != p->voff || r->start - p->end > IMAGE_GAP) {
		p->voff = voff;
		p->start = r->start;
	}
	p->end = r->last;
	if (p->root >= r->phys && p->root - r->phys <= r->last - r->start) {
		p->found = true;
		return VMMAP_ERR_STOP;
	}
	return VMMAP_OK;
}

/* KIMAGE_VADDR is MODULES_END (v4.6+, memory.h) and the KASLR offset keeps
 * the image below VMALLOC_END: look there only, not at the root's alias in
 * the linear map. */
static bool find_image(struct vmmap_ctx *ctx, const struct a64_layout *l,
		       struct root_probe *p_ret)
{
	memset(p_ret, 0, sizeof(*p_ret));
	p_ret->root = ctx->fmt.root & ~((UINT64_C(1) << l->page_shift) - 1);
	if (l->vmalloc_end <= l->modules_end)
		return false;
	if (walk_internal(ctx, l->modules_end, l->vmalloc_end - 1,
			  VMMAP_WALK_NOHOLES | VMMAP_WALK_NOSPLIT,
			  root_range, p_ret))
		vmmap_clear_error(ctx);
	return p_ret->found;
}

/*
 * Without the kernel's version, the rule sets of layout_rules() that
 * differ, newest first, each under the newest version it covers.
 */
static const struct {
	unsigned kv;
	const char *span;
} rule_sets[] = {
	{ KV(6, 9), "v6.9+" },
	{ KV(6, 8), "v6.5-v6.8" },
	{ KV(6, 4), "v5.13-v6.4" },
	{ KV(5, 12), "v5.11-v5.12" },
	{ KV(5, 10), "v5.4-v5.10" },
	{ KV(5, 3), "v5.0-v5.3" },
	{ KV(4, 20), "v4.6-v4.20" },
};

/* Can the tables be those of a kernel under @t's rules? */
static bool rules_fit(struct vmmap_ctx *ctx, const struct a64_layout *t)
{
	uint64_t fix_start = t->kver >= KV(6, 9) ? t->pci_io_end
						 : t->vmalloc_end;
	struct root_probe p;

	/* 52-bit VA: with 64K pages since v5.4 (commit b6d00d47e81a "arm64:
	 * mm: Introduce 52-bit Kernel VAs"), with 4K/16K and LPA2 since v6.9
	 * (commit 352b0395b505). */
	if (t->va_bits > 48 && t->kver < KV(5, 4))
		return false;
	if ((t->lpa2 || (t->va_bits > 48 && t->page_shift != 16)) &&
	    t->kver < KV(6, 9))
		return false;
	/* The fixmap always holds something (the FDT, fixmap_remap_fdt()). */
	if (!range_mapped(ctx, fix_start, t->fixaddr_top - 1))
		return false;
	return find_image(ctx, t, &p);
}

/* vmalloc hands out the lowest free addresses (mm/vmalloc.c,
 * __alloc_vmap_area(), v5.2+; first fit from VMALLOC_START before) and the
 * kernel vmallocs while booting: a range begins right at VMALLOC_START. */
static bool vmalloc_starts(struct vmmap_ctx *ctx, const struct a64_layout *t)
{
	return range_mapped(ctx, t->vmalloc, t->vmalloc) &&
	       !range_mapped(ctx, t->vmalloc - 1, t->vmalloc - 1);
}

/*
 * The newest rule set whose VMALLOC_START is where the tables show vmalloc
 * begins, else the newest the tables fit at all (6.1 and 6.5 differ only
 * in where modules end and the image's KASLR base is).  Sets l->kver and
 * returns the span's name, or NULL when nothing fits.
 */
static const char *pick_rules(struct vmmap_ctx *ctx, struct a64_layout *l)
{
	struct a64_layout t;
	size_t i;
	int fit = -1;

	for (i = 0; i < ARRAY_SIZE(rule_sets); i++) {
		t = *l;
		t.kver = rule_sets[i].kv;
		layout_rules(ctx, &t);
		if (!rules_fit(ctx, &t))
			continue;
		if (fit < 0)
			fit = (int)i;
		if (vmalloc_starts(ctx, &t)) {
			fit = (int)i;
			break;
		}
	}
	if (fit < 0) {
		l->kver = KV(6, 1);
		return NULL;
	}
	l->kver = rule_sets[fit].kv;
	return rule_sets[fit].span;
}

static const struct mair_layout *mair_of(unsigned kver)
{
	return kver >= KV(5, 16) ? &mair_v3
	       : kver >= KV(5, 10) ? &mair_v2 : &mair_v1;
}

/* What VMCOREINFO gives, else the caller's values. */
static void offsets_known(struct vmmap_ctx *ctx, struct a64_layout *l)
{
	uint64_t v;

	l->src_voff = l->src_phys = l->src_kaslr = "default";
	if (vmci_number(ctx, "NUMBER(kimage_voffset)", &v))
		l->src_voff = "vmcoreinfo";
	else if (lookup_value(ctx, "kimage_voffset", &v))
		l->src_voff = "given";
	if (strcmp(l->src_voff, "default"))
		l->kimage_voffset = v;
	if (vmci_number(ctx, "NUMBER(PHYS_OFFSET)", &v))
		l->src_phys = "vmcoreinfo";
	else if (lookup_value(ctx, "memstart_addr", &v) ||
		 lookup_value(ctx, "phys_offset", &v))
		l->src_phys = "given";
	if (strcmp(l->src_phys, "default"))
		l->phys_offset = v;
	if (vmci_hex(ctx, "KERNELOFFSET", &v))
		l->src_kaslr = "vmcoreinfo";
	else if (lookup_value(ctx, "kaslr_offset", &v))
		l->src_kaslr = "given";
	if (strcmp(l->src_kaslr, "default"))
		l->kaslr = v;
}

/*
 * The offsets VMCOREINFO does not give, from the tables TTBR1_EL1 maps, as
 * image_from_walk() does for x86_64.  Appends what was found to @buf.
 */
static void offsets_from_walk(struct vmmap_ctx *ctx, struct a64_layout *l,
			      char *buf, size_t size)
{
	uint64_t last = l->page_end ? l->page_end - 1 : VMMAP_ADDR_MAX;
	struct vmmap_range r;
	struct root_probe p;
	size_t n = strlen(buf);
	const char *sep = "";

	/* __phys_to_virt(pa) is (pa - PHYS_OFFSET) | PAGE_OFFSET with the
	 * compile-time PAGE_OFFSET since v5.11 (commit 7bc1a0f9e176, see
	 * layout_rules()); before, pa - PHYS_OFFSET + the PAGE_OFFSET in
	 * force (physvirt_offset, v5.4-v5.10 arm64_memblock_init()). */
	if (!strcmp(l->src_phys, "default") &&
	    find_first(ctx, l->page_offset, last, &r)) {
		uint64_t base = l->kver >= KV(5, 11) ? neg_pow2(l->va_bits)
						     : l->page_offset;

		l->phys_offset = r.phys - (r.start - base);
		l->src_phys = "walk";
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
				      "PHYS_OFFSET 0x%" PRIx64,
				      l->phys_offset);
		sep = ", ";
	}
	if (strcmp(l->src_voff, "default") && strcmp(l->src_kaslr, "default"))
		return;
	if (!find_image(ctx, l, &p)) {
		snprintf(buf + n, n < size ? size - n : 0, "%sno kernel image "
			 "maps the root (is TTBR1_EL1 swapper_pg_dir?)", sep);
		return;
	}
	if (!strcmp(l->src_voff, "default")) {
		l->kimage_voffset = p.voff;
		l->src_voff = "walk";
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
				      "%skimage_voffset 0x%" PRIx64, sep,
				      l->kimage_voffset);
		sep = ", ";
	}
	if (!strcmp(l->src_kaslr, "default")) {
		l->kaslr = (p.start & ~(SZ_2M - 1)) - l->modules_end;
		l->src_kaslr = "walk";
		snprintf(buf + n, n < size ? size - n : 0,
			 "%sKASLR offset 0x%" PRIx64, sep, l->kaslr);
	}
}

/* One warning for all that was not given: the offsets found and, @span
 * non-empty, the rule set chosen (NULL: none fits). */
static void warn_derived(struct vmmap_ctx *ctx, const char *found,
			 const char *span)
{
	char rules[128] = "";

	if (!span)
		snprintf(rules, sizeof(rules), "kernel version unknown and no "
			 "rule set fits the page tables: using the v6.1 rules");
	else if (span[0])
		snprintf(rules, sizeof(rules), "kernel version unknown: using "
			 "the %s layout rules, the newest the page tables fit",
			 span);
	if (found[0])
		add_warning(ctx, "not in VMCOREINFO, from the page tables: "
			    "%s%s%s", found, rules[0] ? "; " : "", rules);
	else if (rules[0])
		add_warning(ctx, "%s", rules);
}

static vmmap_status init_aarch64(struct vmmap_ctx *ctx)
{
	struct a64_layout *l;
	const char *src_va = "default", *src_root = "default", *src[6];
	const char *rel, *span = NULL;
	uint64_t v;
	vmmap_status st;
	bool live, guessed;
	char found[256] = "";

	l = calloc(1, sizeof(*l));
	if (!l)
		return set_nomem(ctx);
	ctx->archdata = l;

	rel = kv_get(&ctx->vmcoreinfo, "OSRELEASE");
	l->kver = parse_kver(rel ? rel : ctx->release_hint);
	guessed = !l->kver;
	/* the walks that choose the rules do not look at memory types */
	l->mair = mair_of(l->kver ? l->kver : KV(6, 1));

	st = init_format(ctx, l, &src_va);
	if (st)
		return st;

	live = lookup_reg(ctx, "ttbr1_el1", &v);
	offsets_known(ctx, l);
	if (!strcmp(l->src_voff, "default") && !live)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"no kimage_voffset: VMCOREINFO lacks "
			"NUMBER(kimage_voffset)");
	if (!strcmp(l->src_phys, "default") && !live)
		add_warning(ctx, "no PHYS_OFFSET (memstart_addr) known");

	st = init_root(ctx, l, &src_root);
	if (st)
		return st;

	if (guessed)
		span = pick_rules(ctx, l);
	l->mair = mair_of(l->kver);
	layout_rules(ctx, l);
	layout_vmcoreinfo(ctx, l, src);
	vmemmap_in_use(l, l->kver);
	if (live)
		offsets_from_walk(ctx, l, found, sizeof(found));
	warn_derived(ctx, found, guessed ? span : "");
	l->kimage_vaddr = l->modules_end + l->kaslr;
	if (vmci_number(ctx, "NUMBER(MODULES_END)", &v))
		l->kimage_vaddr = v + l->kaslr;

	st = set_params(ctx, l, src_va, src_root, src);
	if (!st)
		st = add_regions(ctx, l);
	if (!st)
		st = add_markers(ctx, l);
	/* note_page() of arch/arm64/mm/ptdump.c (v5.4+): a marker in the
	 * branch that prints a line and one after it, so up to two an
	 * entry, and one with the first */
	ctx->ptdump.first_extra = 1;
	ctx->ptdump.per_entry = 2;
	/* ptdump_walk() of v5.10 leaves pg_state.level 0 (the v6.1 one sets
	 * -1): the first line runs from 0 at level 0, the first marker
	 * unprinted.  Taken for v5.6 (the generic ptdump walker) to v5.10,
	 * the versions the corpus shows it for; where in v5.11-v6.1 it
	 * changed is not known here. */
	{
		uint32_t kver = kernel_version(ctx);

		ctx->ptdump.zero_start = kver >= KVER(5, 6, 0) &&
					 kver < KVER(5, 11, 0);
	}
	if (st)
		return st;
	check_mair(ctx, l);
	return VMMAP_OK;
}

/* __pa_symbol(): the image is mapped at pa + kimage_voffset
 * (arch/arm64/include/asm/memory.h, v4.6+). */
static bool kimage_pa_aarch64(const struct vmmap_ctx *ctx, vmmap_addr_t va,
			      vmmap_addr_t *pa_ret)
{
	const struct a64_layout *l = ctx->archdata;

	if (!l->kimage_voffset || va < l->kimage_voffset)
		return false;
	*pa_ret = va - l->kimage_voffset;
	return true;
}

/* AP[2:1], PXN, UXN, effective (APTable, PXNTable, UXNTable); EL0 may
 * fetch from a page without UXN whatever AP[1] says, which is why the
 * kernel's DEBUG_WX also reports kernel mappings without UXN
 * (note_prot_uxn(), arch/arm64/mm/ptdump.c). */
static void perms_aarch64(const struct vmmap_range *r, struct vmmap_perms *p)
{
	p->kernel_write = !(r->eff & A_RDONLY);
	p->kernel_exec = !(r->eff & A_PXN);
	p->user_read = r->eff & A_USER;
	p->user_write = (r->eff & A_USER) && !(r->eff & A_RDONLY);
	p->user_exec = !(r->eff & A_UXN);
}

static const char *const aliases_aarch64[] = { "arm64", "AArch64", NULL };

/* arch/arm64/kernel/crash_core.c (vmcore_info.c since v6.9):
 * NUMBER(VA_BITS) and NUMBER(kimage_voffset) since v4.12,
 * NUMBER(TCR_EL1_T1SZ) since v5.13; SYMBOL(swapper_pg_dir) is generic
 * (x86_64 and riscv64 write it too), so only with VA_BITS. */
static const char *const marks_aarch64[] = {
	"NUMBER(kimage_voffset)", "NUMBER(TCR_EL1_T1SZ)",
	"SYMBOL(swapper_pg_dir)+NUMBER(VA_BITS)", NULL,
};

static const char *const keys_aarch64[] = {
	"OSRELEASE", "PAGESIZE", "KERNELOFFSET", "KERNELPACMASK",
	"NUMBER(VA_BITS)", "NUMBER(kimage_voffset)", "NUMBER(PHYS_OFFSET)",
	"NUMBER(TCR_EL1_T1SZ)", "NUMBER(MODULES_VADDR)", "NUMBER(MODULES_END)",
	"NUMBER(VMALLOC_START)", "NUMBER(VMALLOC_END)",
	"NUMBER(VMEMMAP_START)", "NUMBER(VMEMMAP_END)", NULL,
};

static const char *const symbols_aarch64[] = {
	"swapper_pg_dir", "memstart_addr", "kimage_voffset", "vabits_actual",
	"kasan_early_shadow_page", NULL,
};

/* A user address space: mm->pgd is what TTBR0_EL1 points to, the same
 * granule and levels as the kernel's TTBR1 tables (the kernel sets
 * TCR_EL1.T0SZ from vabits_actual as it does T1SZ: cpu_set_default_tcr_t0sz(),
 * v5.10 to v7.2), its addresses the low ones. */
static vmmap_status user_space_aarch64(struct vmmap_ctx *ctx, vmmap_addr_t pgd,
				       const uint64_t *mm_vals, struct pgfmt *f,
				       vmmap_addr_t *last_ret)
{
	unsigned bits = pg_va_bits(f);

	(void)ctx;
	(void)mm_vals;
	f->root = pgd;
	f->ext = VA_ZERO;
	*last_ret = bits >= 64 ? VMMAP_ADDR_MAX
			       : ((vmmap_addr_t)1 << bits) - 1;
	return VMMAP_OK;
}

const struct vmmap_arch vmmap_arch_aarch64 = {
	.name = "aarch64",
	.aliases = aliases_aarch64,
	.elf_machine = 183,	/* EM_AARCH64 */
	.elf_bits = 64,
	.vmcoreinfo_marks = marks_aarch64,
	/* QEMU 7.2 names no machine in the kdump files of arm64 guests and
	 * writes them in 64 KiB blocks (target/arm/arch_dump.c). */
	.qemu_unnamed_bits = 64,
	.qemu_unnamed_block_size = 65536,
	.vmcoreinfo_keys = keys_aarch64,
	.symbols = symbols_aarch64,
	.rules_checked = KVER(7, 2, 255),	/* testdata/matrix */
	.kimage_pa = kimage_pa_aarch64,
	.perms = perms_aarch64,
	.wx_user_exec = true,	/* note_prot_uxn(), arch/arm64/mm/ptdump.c */
	.init = init_aarch64,
	.user_space = user_space_aarch64,
	.decode = decode_aarch64,
	.inherit = inherit_aarch64,
	.eff_init = 0,
	.effective = effective_aarch64,
	.merge_mask = A_KEEP | MT_FIELD,
	.flags = flags_aarch64,
	.ptdump_prot = ptdump_prot_aarch64,
};
