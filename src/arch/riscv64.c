/*
 * arch/riscv64.c - RISC-V Sv39, Sv48 and Sv57 tables and the riscv64
 * kernel's layout.
 *
 * Entry formats are the RISC-V privileged architecture's ("Supervisor-Level
 * ISA", sections Sv39/Sv48/Sv57, and the Svnapot and Svpbmt extensions) as
 * the kernel names them in arch/riscv/include/asm/pgtable-bits.h and
 * pgtable-64.h.  Layout facts are from Documentation/arch/riscv/
 * vm-layout.rst (v6.12: "RISC-V Linux Kernel SV39/SV48/SV57"; its labels
 * name our regions) and arch/riscv/include/asm/pgtable.h, page.h and
 * arch/riscv/mm/init.c of the versions named at each rule (read in the
 * v6.1, v6.12 and v7.2 sources; they agree unless said).
 *
 * All three modes have 4 KiB tables of 512 8-byte entries; a leaf may sit
 * at any level (4K, 2M, 1G, 512G, 256T pages); addresses are sign-extended
 * from the top bit of the mode.  The kernel picks the mode at boot (the
 * no4lvl/no5lvl command line, what the CPU takes, v5.17+ set_satp_mode()),
 * so it comes from the dump: satp, VMCOREINFO's VA_BITS, or the tables.
 */
#include "config.h"
#include "arch/arch.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- entry bits (pgtable-bits.h, pgtable-64.h v6.12) ---- */

#define R_V		(UINT64_C(1) << 0)
#define R_R		(UINT64_C(1) << 1)
#define R_W		(UINT64_C(1) << 2)
#define R_X		(UINT64_C(1) << 3)
#define R_U		(UINT64_C(1) << 4)
#define R_G		(UINT64_C(1) << 5)
#define R_A		(UINT64_C(1) << 6)
#define R_D		(UINT64_C(1) << 7)
#define R_RSW		(UINT64_C(3) << 8)	/* for software */
#define R_PPN_SHIFT	10
#define R_PPN_MASK	((UINT64_C(1) << 44) - 1)	/* bits 53:10 */
#define R_RSVD		(UINT64_C(0x7f) << 54)	/* must be zero */
#define R_PBMT		(UINT64_C(3) << 61)	/* Svpbmt memory type */
#define R_PBMT_NC	(UINT64_C(1) << 61)
#define R_PBMT_IO	(UINT64_C(2) << 61)
#define R_N		(UINT64_C(1) << 63)	/* Svnapot */
#define R_LEAF		(R_R | R_W | R_X)

/* What a leaf keeps: every bit the kernel's ptdump shows (pte_bits[] of
 * arch/riscv/mm/ptdump.c, v6.12), so that ranges break where its lines
 * do. */
#define R_KEEP (R_V | R_R | R_W | R_X | R_U | R_G | R_A | R_D | R_RSW | \
		R_PBMT | R_N)

/* satp (privileged spec, "Supervisor Address Translation and Protection
 * Register"): MODE [63:60], PPN [43:0]. */
#define SATP_MODE_SHIFT	60
#define SATP_PPN_MASK	((UINT64_C(1) << 44) - 1)
#define SATP_SV39	8
#define SATP_SV48	9
#define SATP_SV57	10

#define SZ_2M	(UINT64_C(1) << 21)
#define SZ_16M	(UINT64_C(1) << 24)
#define SZ_1G	(UINT64_C(1) << 30)
#define SZ_2G	(UINT64_C(1) << 31)
#define SZ_64K	(UINT64_C(1) << 16)

/* KERNEL_LINK_ADDR (pgtable.h, 64-bit since v5.13 "riscv: Move kernel
 * mapping outside of linear mapping"): the last 2 GiB. */
#define KERNEL_LINK_ADDR	(UINT64_C(0) - SZ_2G)
/* STRUCT_PAGE_MAX_SHIFT: struct page is at most 64 bytes. */
#define STRUCT_PAGE_SHIFT	6

struct rv_layout {
	unsigned va_bits;		/* 39, 48, 57 */
	uint32_t kver;			/* KVER(), 0 unknown */
	const char *src_mode, *src_root;
	uint64_t voff;			/* va_kernel_pa_offset */
	const char *src_voff;
	uint64_t phys_ram_base;
	const char *src_ram;
	uint64_t kaslr;
	const char *src_kaslr;
	uint64_t kernel_virt, kernel_end;	/* [_start, _end) */
	const char *src_kvirt;
	uint64_t page_offset, linear_end;
	uint64_t vmalloc, vmalloc_end;
	uint64_t vmemmap, vmemmap_end;
	uint64_t pci_io, pci_io_end;
	uint64_t fixmap, fixaddr_top;
	uint64_t modules, modules_end;
	uint64_t kasan_start, kasan_end;
	bool have_kasan;
	/* where the layout values came from, in set_params() order */
	const char *src[7];
};

/* ---- entries ---- */

static uint64_t rv_addr(uint64_t raw)
{
	return ((raw >> R_PPN_SHIFT) & R_PPN_MASK) << 12;
}

static void decode_riscv64(const struct vmmap_ctx *ctx, int level,
			   uint64_t raw, struct pte *out)
{
	unsigned shift = ctx->fmt.lv[level].shift;

	out->prot = 0;
	out->addr = 0;
	if (!(raw & R_V)) {
		out->type = PTE_NONE;
		return;
	}
	/* Bits 60:54 set, or PBMT 3 (reserved), fault (Svpbmt). */
	if ((raw & R_RSVD) || (raw & R_PBMT) == R_PBMT) {
		out->type = PTE_INVALID;
		return;
	}
	out->addr = rv_addr(raw);
	if (!(raw & R_LEAF)) {
		/* A pointer: N and PBMT are reserved there (Svnapot,
		 * Svpbmt: a page fault). */
		out->type = raw & (R_N | R_PBMT) ? PTE_INVALID : PTE_TABLE;
		return;
	}
	/* W without R is reserved. */
	if ((raw & (R_R | R_W)) == R_W) {
		out->type = PTE_INVALID;
		return;
	}
	if (raw & R_N) {
		/* Svnapot: only 4 KiB leaves with PPN[3:0] = 1000, a naturally
		 * aligned 64 KiB page, are defined. */
		if (shift != 12 || ((raw >> R_PPN_SHIFT) & 0xf) != 8) {
			out->type = PTE_INVALID;
			return;
		}
		out->addr &= ~(SZ_64K - 1);
		out->page_size = SZ_64K;
	} else if (out->addr & ((UINT64_C(1) << shift) - 1)) {
		/* a misaligned superpage faults */
		out->type = PTE_INVALID;
		return;
	}
	out->type = PTE_LEAF;
	out->prot = raw & R_KEEP;
	/* addr_bits stays 0: the PPN is not in place (bits 53:10 hold
	 * address bits 55:12), so the walker decodes every entry */
}

/* No hierarchical attributes: what a leaf says is what holds. */
static uint64_t inherit_riscv64(uint64_t eff, int level, uint64_t raw)
{
	(void)level;
	(void)raw;
	return eff;
}

static uint64_t effective_riscv64(uint64_t prot, uint64_t eff)
{
	(void)eff;
	return prot;
}

static const struct flagname flags_riscv64[] = {
	{ R_V, R_V, "V" },
	{ R_R, R_R, "R" },
	{ R_W, R_W, "W" },
	{ R_X, R_X, "X" },
	{ R_U, R_U, "U" },
	{ R_G, R_G, "G" },
	{ R_A, R_A, "A" },
	{ R_D, R_D, "D" },
	{ R_RSW, UINT64_C(1) << 8, "RSW=1" },
	{ R_RSW, UINT64_C(2) << 8, "RSW=2" },
	{ R_RSW, UINT64_C(3) << 8, "RSW=3" },
	{ R_PBMT, 0, "PMA" },
	{ R_PBMT, R_PBMT_NC, "NC" },
	{ R_PBMT, R_PBMT_IO, "IO" },
	{ R_N, R_N, "NAPOT" },
	{ 0, 0, NULL },
};

/*
 * The tail of a /sys/kernel/debug/kernel_page_tables line (dump_addr(),
 * dump_prot() of arch/riscv/mm/ptdump.c): the level name, then a column
 * per bit.  v6.12 and v7.2 print N, MT(NC|IO) and RSW(n) columns; v6.1
 * has no N or MT column and prints "RSW" only when both software bits are
 * set.  (The change lies between v6.1 and v6.12; kernels in between get
 * the v6.12 columns.)  Level names: the generic walker's depth, levels
 * folded at run time counting above the top (pgd 0 .. pte 4), named
 * "PGD" while folded (ptdump_init(): pg_level[1] is "P4D" only with
 * pgtable_l5_enabled, pg_level[2] "PUD" only with pgtable_l4_enabled).
 */
static void ptdump_prot_riscv64(const struct vmmap_ctx *ctx,
				const struct vmmap_range *r, char *buf,
				size_t size)
{
	const struct rv_layout *l = ctx->archdata;
	static const struct {
		uint64_t mask;
		const char *set, *clear;
	} bits[] = {
		{ R_D, "D", "." }, { R_A, "A", "." }, { R_G, "G", "." },
		{ R_U, "U", "." }, { R_X, "X", "." }, { R_W, "W", "." },
		{ R_R, "R", "." }, { R_V, "V", "." },
	};
	const char *names[5] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
	int depth = r->level + 5 - ctx->fmt.nlevels;
	uint64_t p = r->kind == VMMAP_RANGE_MAPPED ? r->prot : 0;
	bool v612 = !l->kver || l->kver >= KVER(6, 12, 0);
	size_t n, i;

	if (ctx->fmt.nlevels < 5)
		names[1] = "PGD";
	if (ctx->fmt.nlevels < 4)
		names[2] = "PGD";
	if (depth < 0 || depth > 4)
		depth = 4;
	n = (size_t)snprintf(buf, size, "%s", names[depth]);
	if (v612) {
		const char *mt = (p & R_PBMT) == R_PBMT_NC ? "MT(NC)"
				 : (p & R_PBMT) == R_PBMT_IO ? "MT(IO)"
				 : p & R_PBMT ? "MT(?" "?)" : "  ..  ";
		char rsw[8] = "  ..  ";

		if (p & R_RSW)
			snprintf(rsw, sizeof(rsw), "RSW(%u)",
				 (unsigned)((p & R_RSW) >> 8));
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
				      " %s %s %s", p & R_N ? "N" : ".", mt, rsw);
	} else {
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, " %s",
				      (p & R_RSW) == R_RSW ? "RSW" : "   ");
	}
	for (i = 0; i < ARRAY_SIZE(bits) && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, " %s",
				      p & bits[i].mask ? bits[i].set
						       : bits[i].clear);
}

/* ---- paging mode and root ---- */

static void set_shape(struct pgfmt *f, unsigned va_bits)
{
	static const char *const n5[] = { "pgd", "p4d", "pud", "pmd", "pte" };
	static const char *const n4[] = { "pgd", "pud", "pmd", "pte" };
	static const char *const n3[] = { "pgd", "pmd", "pte" };
	int n = (int)(va_bits - 12) / 9, i;
	const char *const *names = n == 5 ? n5 : n == 4 ? n4 : n3;

	memset(f, 0, sizeof(*f));
	f->nlevels = n;
	f->pte_size = 8;
	f->ptr_size = 8;
	f->big_endian = false;
	f->ext = VA_SIGN;
	for (i = 0; i < n; i++) {
		f->lv[i].shift = (uint8_t)(12 + 9 * (n - 1 - i));
		f->lv[i].bits = 9;
		f->lv[i].leaf_ok = true;
		snprintf(f->lv[i].name, sizeof(f->lv[i].name), "%s", names[i]);
	}
}

static unsigned va_of_satp_mode(uint64_t mode)
{
	return mode == SATP_SV39 ? 39 : mode == SATP_SV48 ? 48
	       : mode == SATP_SV57 ? 57 : 0;
}

/* PAGE_OFFSET of each mode: PAGE_OFFSET_L5 (CONFIG_PAGE_OFFSET, v6.0+),
 * PAGE_OFFSET_L4 (v5.17+) and PAGE_OFFSET_L3 (page.h), which moved from
 * 0xffffffd800000000 (v6.1) to 0xffffffd600000000 (v6.12; "riscv: Extend
 * sv39 linear mapping max size to 128G", posted 2024-06, v6.11 by date)
 * so that Sv39 maps 128 GiB like the other modes. */
static uint64_t page_offset_rule(unsigned va_bits, uint32_t kver)
{
	if (va_bits == 57)
		return UINT64_C(0xff60000000000000);
	if (va_bits == 48)
		return UINT64_C(0xffffaf8000000000);
	return kver && kver < KVER(6, 11, 0) ? UINT64_C(0xffffffd800000000)
					      : UINT64_C(0xffffffd600000000);
}

/* Does the table at @root, read in @va_bits mode, map @va at @pa? */
static bool maps_at(struct vmmap_ctx *ctx, unsigned va_bits,
		    vmmap_addr_t root, uint64_t va, uint64_t pa)
{
	struct pgfmt save = ctx->fmt;
	struct vmmap_vtop t;
	bool ok;

	set_shape(&ctx->fmt, va_bits);
	ctx->fmt.root = root;
	ctx->mute++;		/* the message is dropped: not formatted */
	ok = !vtop_internal(ctx, va, &t) && t.paddr == pa;
	ctx->mute--;
	vmmap_clear_error(ctx);
	ctx->fmt = save;
	return ok;
}

/* The mode in which swapper_pg_dir at @root maps its own address. */
static unsigned mode_from_tables(struct vmmap_ctx *ctx, vmmap_addr_t root,
				 uint64_t root_va)
{
	static const unsigned modes[] = { 57, 48, 39 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modes); i++)
		if (maps_at(ctx, modes[i], root, root_va, root))
			return modes[i];
	return 0;
}

/*
 * The paging mode, from what the dump says, most direct first: a live
 * CPU's satp, VMCOREINFO's NUMBER(satp) (the crashing CPU's, v7.x),
 * NUMBER(VA_BITS) (the mode in force: VA_BITS is pgtable_l5_enabled ?
 * 57 : pgtable_l4_enabled ? 48 : 39, pgtable.h; VMCOREINFO since v6.2,
 * commit 649d6b1019a2 "RISC-V: Add arch_crash_save_vmcoreinfo support"),
 * NUMBER(PAGE_OFFSET), which differs per mode.  0 if none says.
 */
static unsigned mode_given(struct vmmap_ctx *ctx, struct rv_layout *l)
{
	uint64_t v;
	unsigned va = 0, other;

	if (lookup_reg(ctx, "satp", &v)) {
		va = va_of_satp_mode(v >> SATP_MODE_SHIFT);
		l->src_mode = "register";
		if (!va)
			add_warning(ctx, "satp 0x%" PRIx64 " names no Sv39/48/57 "
				    "mode: ignored", v);
	}
	if (!va && vmci_number(ctx, "NUMBER(satp)", &v) &&
	    (va = va_of_satp_mode(v >> SATP_MODE_SHIFT)))
		l->src_mode = "vmcoreinfo";
	if (vmci_number(ctx, "NUMBER(VA_BITS)", &v)) {
		other = v == 39 || v == 48 || v == 57 ? (unsigned)v : 0;
		if (!other)
			add_warning(ctx, "VMCOREINFO NUMBER(VA_BITS)=%" PRIu64
				    " is not 39, 48 or 57: ignored", v);
		else if (!va) {
			va = other;
			l->src_mode = "vmcoreinfo";
		} else if (other != va) {
			add_warning(ctx, "VMCOREINFO NUMBER(VA_BITS)=%u but satp "
				    "says Sv%u: satp wins", other, va);
		}
	}
	if (!va && vmci_number(ctx, "NUMBER(PAGE_OFFSET)", &v)) {
		static const unsigned modes[] = { 57, 48, 39 };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(modes) && !va; i++)
			if (v == page_offset_rule(modes[i], l->kver) ||
			    (modes[i] == 39 &&
			     v == page_offset_rule(39, KVER(6, 1, 0))))
				va = modes[i];
		if (va)
			l->src_mode = "vmcoreinfo";
	}
	return va;
}

/* __pa_symbol() offset: NUMBER(va_kernel_pa_offset) (v6.2+), a value
 * given, else a search: the kernel is loaded 2 MiB aligned (setup_vm():
 * BUG_ON(kernel_map.phys_addr % PMD_SIZE)), and swapper_pg_dir at its
 * place there maps its own address in one of the modes. */
static bool voff_known(struct vmmap_ctx *ctx, struct rv_layout *l)
{
	uint64_t v;

	if (vmci_number(ctx, "NUMBER(va_kernel_pa_offset)", &v))
		l->src_voff = "vmcoreinfo";
	else if (lookup_value(ctx, "va_kernel_pa_offset", &v))
		l->src_voff = "given";
	else
		return false;
	l->voff = v;
	return true;
}

/* The kernel's virtual base (kernel_map.virt_addr, 2 MiB aligned:
 * KERNEL_LINK_ADDR plus a multiple of PMD_SIZE, setup_vm() v6.6+ KASLR):
 * MODULES_END is PFN_ALIGN(_start), KERNELOFFSET (v7.x) the KASLR offset,
 * _stext lies in its first 2 MiB. */
static void kernel_virt_known(struct vmmap_ctx *ctx, struct rv_layout *l)
{
	uint64_t v;

	l->src_kaslr = "default";
	l->src_kvirt = "default";
	l->kernel_virt = KERNEL_LINK_ADDR;
	if (vmci_hex(ctx, "KERNELOFFSET", &v) ||
	    lookup_value(ctx, "kaslr_offset", &v)) {
		l->kaslr = v;
		l->src_kaslr = kv_get(&ctx->vmcoreinfo, "KERNELOFFSET")
			       ? "vmcoreinfo" : "given";
		l->kernel_virt = KERNEL_LINK_ADDR + v;
		l->src_kvirt = "derived";
	}
	if (vmci_number(ctx, "NUMBER(MODULES_END)", &v) &&
	    v >= KERNEL_LINK_ADDR) {
		l->kernel_virt = v;
		l->src_kvirt = "vmcoreinfo";
	} else if (!strcmp(l->src_kvirt, "default") &&
		   lookup_symbol(ctx, "_stext", &v) && v >= KERNEL_LINK_ADDR) {
		l->kernel_virt = v & ~(SZ_2M - 1);
		l->src_kvirt = "symbol";
	}
	if (strcmp(l->src_kaslr, "default"))
		return;
	l->kaslr = l->kernel_virt - KERNEL_LINK_ADDR;
	if (strcmp(l->src_kvirt, "default"))
		l->src_kaslr = "derived";
}

#define SEARCH_STEPS 1024	/* 2 GiB of 2 MiB steps */

static vmmap_status search_voff(struct vmmap_ctx *ctx, struct rv_layout *l,
				uint64_t sym, unsigned *va_ret)
{
	vmmap_addr_t base = mem_next_data(ctx, 0);
	unsigned i;

	if (base == VMMAP_ADDR_MAX)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
				       "no memory in the dump");
	base &= ~(SZ_2M - 1);
	for (i = 0; i < SEARCH_STEPS; i++) {
		uint64_t phys = base + i * SZ_2M;
		uint64_t root = sym - l->kernel_virt + phys;
		uint64_t next = mem_next_data(ctx, root);
		unsigned va;

		/* A root table (4 KiB in every mode) that the source does
		 * not hold maps nothing: no reads, as in x86_64's phys_base
		 * search (a sparse or hostile source makes most steps so). */
		if (next > root && next - root >= 4096)
			continue;
		va = *va_ret ? (maps_at(ctx, *va_ret, root, sym, root) ? *va_ret
								      : 0)
			     : mode_from_tables(ctx, root, sym);
		if (va) {
			l->voff = l->kernel_virt - phys;
			l->src_voff = "walk";
			*va_ret = va;
			add_warning(ctx, "no NUMBER(va_kernel_pa_offset) in "
				    "VMCOREINFO: the kernel image found at "
				    "physical 0x%" PRIx64 " (where "
				    "swapper_pg_dir maps itself), "
				    "va_kernel_pa_offset 0x%" PRIx64 "%s",
				    phys, l->voff,
				    strcmp(l->src_kvirt, "default") ? ""
				    : ", assuming no KASLR offset");
			return VMMAP_OK;
		}
	}
	return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
		"no va_kernel_pa_offset: VMCOREINFO lacks "
		"NUMBER(va_kernel_pa_offset) (before v6.2) and no 2 MiB-aligned "
		"place in the first 2 GiB of memory holds a swapper_pg_dir "
		"that maps itself");
}

static vmmap_status init_mode_root(struct vmmap_ctx *ctx, struct rv_layout *l)
{
	uint64_t satp, sym;
	unsigned va = mode_given(ctx, l);
	vmmap_status st;

	kernel_virt_known(ctx, l);
	if (lookup_reg(ctx, "satp", &satp) && va) {
		/* A live CPU: its root (a process's pgd shares the kernel
		 * half of swapper_pg_dir, pgd_alloc()). */
		set_shape(&ctx->fmt, va);
		ctx->fmt.root = (satp & SATP_PPN_MASK) << 12;
		l->src_root = "register";
		l->va_bits = va;
		if (!voff_known(ctx, l))
			l->src_voff = "default";
		return VMMAP_OK;
	}
	if (!lookup_symbol(ctx, "swapper_pg_dir", &sym))
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"no page-table root: VMCOREINFO lacks "
			"SYMBOL(swapper_pg_dir) and no satp was given");
	if (!voff_known(ctx, l)) {
		bool had = va != 0;

		st = search_voff(ctx, l, sym, &va);
		if (st)
			return st;
		if (!had) {
			l->src_mode = "walk";
			add_warning(ctx, "no paging mode in VMCOREINFO (no "
				    "VA_BITS, no satp): Sv%u guessed, the mode "
				    "in which swapper_pg_dir maps itself", va);
		}
	}
	ctx->fmt.root = sym - l->voff;
	l->src_root = strcmp(l->src_voff, "walk") ? "vmcoreinfo" : "walk";
	if (!va) {
		va = mode_from_tables(ctx, ctx->fmt.root, sym);
		if (!va)
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				"no paging mode: VMCOREINFO has no VA_BITS and "
				"swapper_pg_dir at physical 0x%" PRIx64 " does "
				"not map itself in Sv57, Sv48 or Sv39",
				ctx->fmt.root);
		l->src_mode = "walk";
		add_warning(ctx, "no paging mode in VMCOREINFO (no VA_BITS, "
			    "no satp): Sv%u guessed, the mode in which "
			    "swapper_pg_dir maps itself", va);
	}
	l->va_bits = va;
	set_shape(&ctx->fmt, va);
	ctx->fmt.root = sym - l->voff;
	return VMMAP_OK;
}

/* ---- layout ---- */

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

/* The kernel image: mapped ranges from kernel_virt linear with voff,
 * until a gap of more than 2 MiB (the init sections freed leave none on
 * riscv: they stay mapped, rw). */
struct image_probe {
	uint64_t voff, end;
};

static vmmap_status image_range(void *arg, const struct vmmap_range *r)
{
	struct image_probe *p = arg;

	if (r->kind != VMMAP_RANGE_MAPPED)
		return VMMAP_OK;
	if (r->start - r->phys != p->voff ||
	    (p->end && r->start > p->end + SZ_2M))
		return VMMAP_ERR_STOP;
	p->end = r->last;
	return VMMAP_OK;
}

static uint64_t image_end(struct vmmap_ctx *ctx, const struct rv_layout *l)
{
	struct image_probe p = { l->voff, 0 };
	uint64_t v;

	if (lookup_symbol(ctx, "_end", &v) && v > l->kernel_virt)
		return (v + 0xfff) & ~UINT64_C(0xfff);
	/* MODULES_VADDR is PFN_ALIGN(_end) - 2 GiB (pgtable.h v5.13+) */
	if (vmci_number(ctx, "NUMBER(MODULES_VADDR)", &v) &&
	    v + SZ_2G > l->kernel_virt)
		return v + SZ_2G;
	if (walk_internal(ctx, l->kernel_virt, VMMAP_ADDR_MAX,
			  VMMAP_WALK_NOHOLES | VMMAP_WALK_NOSPLIT,
			  image_range, &p))
		vmmap_clear_error(ctx);
	return p.end ? p.end + 1 : l->kernel_virt;
}

/*
 * The rules of pgtable.h (v6.1-v7.2, unchanged there but for PAGE_OFFSET
 * of Sv39): KERN_VIRT_SIZE is a quarter of the entries of the top table
 * (2^(VA_BITS-2)); the linear map has that much from PAGE_OFFSET, vmalloc
 * half of it below PAGE_OFFSET, vmemmap below that (room for the struct
 * pages of half the VA space, VMEMMAP_SHIFT = VA_BITS - PAGE_SHIFT - 1 +
 * STRUCT_PAGE_MAX_SHIFT), then 16 MiB of PCI I/O and the fixmap
 * (PMD_SIZE + FIX_FDT_SIZE = 6 MiB).  Modules and BPF sit in the 2 GiB
 * below the image's end, up to its start (MODULES_VADDR = PFN_ALIGN(_end)
 * - 2G, MODULES_END = PFN_ALIGN(_start)).
 */
static void layout_rules(struct vmmap_ctx *ctx, struct rv_layout *l)
{
	unsigned V = l->va_bits;
	uint64_t kvs = UINT64_C(1) << (V - 2);
	uint64_t vms = UINT64_C(1) << (V - 12 - 1 + STRUCT_PAGE_SHIFT);
	uint64_t top = ctx->fmt.lv[0].shift;

	l->page_offset = page_offset_rule(V, l->kver);
	l->linear_end = l->page_offset + kvs;
	l->vmalloc_end = l->page_offset;
	l->vmalloc = l->page_offset - kvs / 2;
	l->vmemmap_end = l->vmalloc;
	l->vmemmap = l->vmalloc - vms;
	l->pci_io_end = l->vmemmap;
	l->pci_io = l->pci_io_end - SZ_16M;
	l->fixaddr_top = l->pci_io;
	l->fixmap = l->fixaddr_top - 3 * SZ_2M;
	l->modules_end = l->kernel_virt;
	l->modules = l->kernel_end - SZ_2G;
	/* KASAN (asm/kasan.h): the shadow of the upper half ends at
	 * MODULES_LOWEST_VADDR (KERNEL_LINK_ADDR - 2G), starting 1/8 of
	 * the half below, rounded down to PGDIR_SIZE; mapped when KASAN
	 * is built in (the early shadow covers all of it). */
	l->kasan_end = KERNEL_LINK_ADDR - SZ_2G;
	l->kasan_start = (l->kasan_end - (UINT64_C(1) << (V - 1 - 3))) &
			 ~((UINT64_C(1) << top) - 1);
	l->have_kasan = range_mapped(ctx, l->kasan_start, l->kasan_end - 1) &&
			(l->kasan_start >= l->linear_end ||
			 range_mapped(ctx, l->linear_end, l->kasan_end - 1));
}

/* VMCOREINFO's values where the kernel gives them (v6.2+). */
static void layout_vmcoreinfo(struct vmmap_ctx *ctx, struct rv_layout *l)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "NUMBER(PAGE_OFFSET)", offsetof(struct rv_layout, page_offset) },
		{ "NUMBER(MODULES_VADDR)", offsetof(struct rv_layout, modules) },
		{ "NUMBER(MODULES_END)",
		  offsetof(struct rv_layout, modules_end) },
		{ "NUMBER(VMALLOC_START)", offsetof(struct rv_layout, vmalloc) },
		{ "NUMBER(VMALLOC_END)",
		  offsetof(struct rv_layout, vmalloc_end) },
		{ "NUMBER(VMEMMAP_START)", offsetof(struct rv_layout, vmemmap) },
		{ "NUMBER(VMEMMAP_END)",
		  offsetof(struct rv_layout, vmemmap_end) },
	};
	size_t i;
	uint64_t v;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		uint64_t *p = (uint64_t *)((char *)l + keys[i].off);

		l->src[i] = "rule";
		if (!vmci_number(ctx, keys[i].key, &v))
			continue;
		if (v != *p)
			add_warning(ctx, "%s=0x%" PRIx64 " differs from the "
				    "rule's 0x%" PRIx64 "; VMCOREINFO wins",
				    keys[i].key, v, *p);
		*p = v;
		l->src[i] = "vmcoreinfo";
	}
	if (vmci_number(ctx, "NUMBER(KERNEL_LINK_ADDR)", &v) &&
	    v != KERNEL_LINK_ADDR)
		add_warning(ctx, "NUMBER(KERNEL_LINK_ADDR)=0x%" PRIx64 " is not "
			    "the 64-bit kernel's 0x%" PRIx64 " (an XIP or "
			    "other kernel?)", v, KERNEL_LINK_ADDR);
	l->src_ram = "default";
	if (vmci_number(ctx, "NUMBER(phys_ram_base)", &v)) {
		l->phys_ram_base = v;
		l->src_ram = "vmcoreinfo";
	}
}

/* Regions, in vm-layout.rst's words; later entries paint over earlier
 * ones. */
static vmmap_status add_regions(struct vmmap_ctx *ctx,
				const struct rv_layout *l)
{
	uint64_t half = UINT64_C(1) << (l->va_bits - 1);
	const struct {
		uint64_t start, end;	/* end exclusive, 0 = top */
		const char *id, *name;
		bool on;
	} regs[] = {
		{ 0, half, "user", "user-space virtual memory", true },
		{ half, -half, "noncanonical", "non-canonical", true },
		{ l->fixmap, l->fixaddr_top, "fixmap", "fixmap", true },
		{ l->pci_io, l->pci_io_end, "pci_io", "PCI io", true },
		{ l->vmemmap, l->vmemmap_end, "vmemmap", "vmemmap", true },
		{ l->vmalloc, l->vmalloc_end, "vmalloc",
		  "vmalloc/ioremap space", true },
		{ l->page_offset, l->linear_end, "linear",
		  "direct mapping of all physical memory", true },
		{ l->kasan_start, l->kasan_end, "kasan", "kasan",
		  l->have_kasan },
		{ l->modules, l->modules_end, "modules", "modules, BPF",
		  l->modules < l->modules_end },
		{ l->kernel_virt, 0, "kernel", "kernel", true },
	};
	vmmap_status st = VMMAP_OK;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs) && !st; i++)
		if (regs[i].on)
			st = region_add(ctx, regs[i].start, regs[i].end - 1,
					regs[i].id, regs[i].name);
	return st ? st : regions_finish(ctx);
}

/* address_markers[] of arch/riscv/mm/ptdump.c (v6.1-v7.2); the walk
 * starts at KERN_VIRT_START, the kernel half (-(BIT(VA_BITS)) +
 * TASK_SIZE). */
static vmmap_status add_markers(struct vmmap_ctx *ctx,
				const struct rv_layout *l)
{
	const struct {
		uint64_t addr;
		const char *name;
		bool on;
	} mk[] = {
		{ l->fixmap, "Fixmap start", true },
		{ l->fixaddr_top, "Fixmap end", true },
		{ l->pci_io, "PCI I/O start", true },
		{ l->pci_io_end, "PCI I/O end", true },
		{ l->vmemmap, "vmemmap start", true },
		{ l->vmemmap_end, "vmemmap end", true },
		{ l->vmalloc, "vmalloc() area", true },
		{ l->vmalloc_end, "vmalloc() end", true },
		{ l->page_offset, "Linear mapping", true },
		{ l->kasan_start, "Kasan shadow start", l->have_kasan },
		{ l->kasan_end, "Kasan shadow end", l->have_kasan },
		{ l->modules, "Modules/BPF mapping", true },
		{ l->kernel_virt, "Kernel mapping", true },
	};
	vmmap_status st = VMMAP_OK;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mk) && !st; i++)
		if (mk[i].on)
			st = marker_add(ctx, mk[i].addr, mk[i].name);
	/* note_page(): the first marker at the first entry, then at a line
	 * end every marker crossed (a while loop); lines only where there
	 * are bits, with the start's physical address. */
	ctx->ptdump.start = -(UINT64_C(1) << (l->va_bits - 1));
	ctx->ptdump.first_extra = 0;
	ctx->ptdump.per_entry = PT_ALL_MARKERS;
	ctx->ptdump.pa = true;
	ctx->ptdump.skip_empty = true;
	return st;
}

static vmmap_status set_params(struct vmmap_ctx *ctx,
			       const struct rv_layout *l)
{
	const struct {
		const char *name;
		uint64_t val;
		const char *src;
		bool on;
	} p[] = {
		{ "va_bits", l->va_bits, l->src_mode, true },
		{ "pgtable_levels", (uint64_t)ctx->fmt.nlevels, "derived",
		  true },
		{ "root", ctx->fmt.root, l->src_root, true },
		{ "phys_ram_base", l->phys_ram_base, l->src_ram,
		  strcmp(l->src_ram, "default") != 0 },
		{ "va_kernel_pa_offset", l->voff, l->src_voff, true },
		{ "kaslr_offset", l->kaslr, l->src_kaslr, true },
		{ "kernel_virt_addr", l->kernel_virt, l->src_kvirt, true },
		{ "kernel_end", l->kernel_end, "derived", true },
		{ "page_offset", l->page_offset, l->src[0], true },
		{ "linear_end", l->linear_end, "rule", true },
		{ "modules_vaddr", l->modules, l->src[1], true },
		{ "modules_end", l->modules_end, l->src[2], true },
		{ "vmalloc_start", l->vmalloc, l->src[3], true },
		{ "vmalloc_end", l->vmalloc_end, l->src[4], true },
		{ "vmemmap_start", l->vmemmap, l->src[5], true },
		{ "vmemmap_end", l->vmemmap_end, l->src[6], true },
		{ "pci_io_start", l->pci_io, "rule", true },
		{ "pci_io_end", l->pci_io_end, "rule", true },
		{ "fixaddr_start", l->fixmap, "rule", true },
		{ "fixaddr_top", l->fixaddr_top, "rule", true },
		{ "kasan_shadow_start", l->kasan_start, "rule", l->have_kasan },
		{ "kasan_shadow_end", l->kasan_end, "rule", l->have_kasan },
	};
	vmmap_status st = VMMAP_OK;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(p) && !st; i++)
		if (p[i].on)
			st = param_set(ctx, p[i].name, p[i].val, p[i].src);
	return st;
}

static vmmap_status init_riscv64(struct vmmap_ctx *ctx)
{
	struct rv_layout *l;
	uint64_t v;
	vmmap_status st;

	l = calloc(1, sizeof(*l));
	if (!l)
		return set_nomem(ctx);
	ctx->archdata = l;
	l->kver = kernel_version(ctx);
	l->src_mode = l->src_root = "default";
	if (vmci_number(ctx, "PAGESIZE", &v) && v != 4096)
		return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP,
			"PAGESIZE=%" PRIu64 ": riscv64 kernels have 4 KiB pages",
			v);
	if (l->kver && l->kver < KVER(5, 13, 0))
		add_warning(ctx, "kernel %u.%u maps itself inside the linear "
			    "map (before v5.13): the layout rules here are "
			    "those of v5.13+", l->kver >> 16,
			    (l->kver >> 8) & 255);
	st = init_mode_root(ctx, l);
	if (st)
		return st;
	/* image_end() and the rules walk with the shape set */
	l->kernel_end = image_end(ctx, l);
	layout_rules(ctx, l);
	layout_vmcoreinfo(ctx, l);
	if (l->modules_end != l->kernel_virt)
		add_warning(ctx, "MODULES_END 0x%" PRIx64 " is not the kernel's "
			    "start 0x%" PRIx64, l->modules_end, l->kernel_virt);
	st = set_params(ctx, l);
	if (!st)
		st = add_regions(ctx, l);
	if (!st)
		st = add_markers(ctx, l);
	return st;
}

/* __pa_symbol(): kernel_mapping_va_to_pa(), va - va_kernel_pa_offset
 * (page.h v5.13+, non-XIP). */
static bool kimage_pa_riscv64(const struct vmmap_ctx *ctx, vmmap_addr_t va,
			      vmmap_addr_t *pa_ret)
{
	const struct rv_layout *l = ctx->archdata;

	if (!strcmp(l->src_voff, "default") || va < l->kernel_virt)
		return false;
	*pa_ret = va - l->voff;
	return true;
}

/* R/W/X/U: the supervisor never executes a U page, reads and writes one
 * only with SUM (taken as set: the kernel's uaccess windows). */
static void perms_riscv64(const struct vmmap_range *r, struct vmmap_perms *p)
{
	bool user = r->eff & R_U;

	p->kernel_write = r->eff & R_W;
	p->kernel_exec = (r->eff & R_X) && !user;
	p->user_read = user && (r->eff & (R_R | R_X));
	p->user_write = user && (r->eff & R_W);
	p->user_exec = user && (r->eff & R_X);
}

static const struct check_exempt exempt_riscv64[] = {
	{ 0, NULL, NULL },
};

static const char *const aliases_riscv64[] = { "RISCV64", NULL };

/* arch/riscv/kernel/crash_core.c (vmcore_info.c since v6.9), v6.2+:
 * NUMBER(phys_ram_base), NUMBER(va_kernel_pa_offset),
 * NUMBER(KERNEL_LINK_ADDR) are riscv's own.  (VA_BITS with
 * swapper_pg_dir is arm64's mark too; riscv comes first in the
 * registry.) */
static const char *const marks_riscv64[] = {
	"NUMBER(phys_ram_base)", "NUMBER(va_kernel_pa_offset)",
	"NUMBER(KERNEL_LINK_ADDR)", NULL,
};

static const char *const keys_riscv64[] = {
	"OSRELEASE", "PAGESIZE", "KERNELOFFSET", "NUMBER(VA_BITS)",
	"NUMBER(satp)", "NUMBER(phys_ram_base)", "NUMBER(PAGE_OFFSET)",
	"NUMBER(VMALLOC_START)", "NUMBER(VMALLOC_END)",
	"NUMBER(VMEMMAP_START)", "NUMBER(VMEMMAP_END)",
	"NUMBER(MODULES_VADDR)", "NUMBER(MODULES_END)",
	"NUMBER(KERNEL_LINK_ADDR)", "NUMBER(va_kernel_pa_offset)", NULL,
};

static const char *const symbols_riscv64[] = {
	"swapper_pg_dir", "_start", "_end", "kasan_early_shadow_page", NULL,
};

const struct vmmap_arch vmmap_arch_riscv64 = {
	.name = "riscv64",
	.aliases = aliases_riscv64,
	.elf_machine = 243,	/* EM_RISCV */
	.elf_bits = 64,
	.vmcoreinfo_marks = marks_riscv64,
	.vmcoreinfo_keys = keys_riscv64,
	.symbols = symbols_riscv64,
	.rules_checked = KVER(7, 2, 255),	/* testdata/matrix */
	.kimage_pa = kimage_pa_riscv64,
	.perms = perms_riscv64,
	.exempt = exempt_riscv64,
	.init = init_riscv64,
	.decode = decode_riscv64,
	.inherit = inherit_riscv64,
	.eff_init = 0,
	.effective = effective_riscv64,
	.merge_mask = R_KEEP,
	.flags = flags_riscv64,
	.ptdump_prot = ptdump_prot_riscv64,
};
