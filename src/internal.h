/*
 * internal.h - what the pieces of libvmmap share; not installed.
 *
 * The walker (walk.c) owns the recursion over page tables; an architecture
 * (arch/ *.c) is one const struct vmmap_arch: a page-table shape set at load
 * time, an entry decoder, and the layout rules.  Memory comes only through
 * mem.c, which reads whole table pages through the context's memory source
 * and caches them.
 */
#ifndef VMMAP_INTERNAL_H
#define VMMAP_INTERNAL_H

#include "vmmap.h"

#include <stdarg.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- small key/value store ------------------------------------------ */

struct kv {
	char *key;
	char *val;
};

struct kvlist {
	struct kv *v;
	size_t n, cap;
};

vmmap_status kv_set(struct vmmap_ctx *ctx, struct kvlist *l, const char *key,
		    size_t keylen, const char *val, size_t vallen);
const char *kv_get(const struct kvlist *l, const char *key);
void kv_free(struct kvlist *l);

/* ---- page-table shape ---------------------------------------------- */

enum va_ext {
	VA_ZERO,	/* addresses above va_bits are zero (s390x, arm32) */
	VA_SIGN,	/* sign-extended from bit va_bits-1 (x86_64) */
	VA_ONES,	/* all upper bits set: a TTBR1 half (aarch64 kernel) */
};

struct pg_level {
	uint8_t shift;		/* log2 of the bytes one entry maps */
	uint8_t bits;		/* index bits at this level */
	char name[8];		/* "pgd", "pud", ... */
	bool leaf_ok;		/* leaf (block/huge) entries allowed here */
};

struct pgfmt {
	int nlevels;
	struct pg_level lv[VMMAP_MAX_LEVELS];	/* 0 = root */
	uint8_t pte_size;	/* 4 or 8 */
	uint8_t ptr_size;	/* the kernel's unsigned long: 4 or 8 */
	bool big_endian;
	enum va_ext ext;
	vmmap_addr_t root;	/* physical address of the root table */
};

static inline unsigned pg_va_bits(const struct pgfmt *f)
{
	return f->lv[0].shift + f->lv[0].bits;
}

static inline size_t pg_table_size(const struct pgfmt *f, int level)
{
	return (size_t)f->pte_size << f->lv[level].bits;
}

/* A decoded entry. */
enum pte_type {
	PTE_NONE,	/* not present: a hole */
	PTE_TABLE,	/* points to the next level's table at addr */
	PTE_LEAF,	/* maps a page/block at addr */
	PTE_INVALID,	/* present but malformed */
};

struct pte {
	enum pte_type type;
	vmmap_addr_t addr;
	uint64_t prot;		/* arch attribute bits */
	/* A leaf whose page is larger than its entry's span, the entry being
	 * one of several repeating it (arm's 16 MiB supersections, 64 KiB
	 * large pages): the page's size, with addr its base.  0: the page is
	 * the entry's span. */
	uint64_t page_size;
	/* PTE_TABLE: only the entries [first, first + count) of the next
	 * table exist, the others are not present (s390x region-table
	 * offset and length, TF/TL).  count 0: all of them. */
	unsigned first, count;
};

/* One attribute for flag names: set when (bits & mask) == val. */
struct flagname {
	uint64_t mask, val;
	const char *name;
};

struct vmmap_arch {
	const char *name;
	/* Names this architecture is also known by (NULL-terminated). */
	const char *const *aliases;
	/* ELF e_machine of its dumps. */
	unsigned elf_machine;
	/* Resolve paging mode, root and layout; fills ctx->fmt, params and
	 * regions.  May walk (vmmap_walk with ctx->loading set). */
	vmmap_status (*init)(struct vmmap_ctx *ctx);
	/* Decode the raw entry @raw found at @level. */
	void (*decode)(const struct vmmap_ctx *ctx, int level, uint64_t raw,
		       struct pte *out);
	/* Effective permission bits below a table entry @raw at @level,
	 * given those above it; the root starts from eff_init. */
	uint64_t (*inherit)(uint64_t eff, int level, uint64_t raw);
	uint64_t eff_init;
	/* Apply effective permissions @eff to leaf bits @prot. */
	uint64_t (*effective)(uint64_t prot, uint64_t eff);
	/* Attribute bits that must be equal for two ranges to merge. */
	uint64_t merge_mask;
	/* Attribute names for JSON and the table, in print order. */
	const struct flagname *flags;
	/* Optional: add the ptdump markers that cost a search (the
	 * kernel's configuration); called once, before ptdump output. */
	vmmap_status (*ptdump_markers)(struct vmmap_ctx *ctx);
	/* The prot column of the kernel's own ptdump for @r. */
	void (*ptdump_prot)(const struct vmmap_ctx *ctx,
			    const struct vmmap_range *r, char *buf,
			    size_t size);
};

extern const struct vmmap_arch vmmap_arch_x86_64;
extern const struct vmmap_arch vmmap_arch_aarch64;
extern const struct vmmap_arch vmmap_arch_s390x;
extern const struct vmmap_arch vmmap_arch_arm;

const struct vmmap_arch *arch_by_name(const char *name);
const struct vmmap_arch *arch_by_elf_machine(unsigned machine);

/* ---- the context ----------------------------------------------------- */

struct pcache_ent {
	vmmap_addr_t addr;	/* physical address of the cached table */
	size_t size;
	vmmap_status status;	/* status of the read */
	uint64_t age;
	uint8_t *data;
};

#define PCACHE_SLOTS 64

struct marker {
	vmmap_addr_t addr;
	const char *name;
};

struct memo;

struct vmmap_ctx {
	char *errmsg;

	const struct vmmap_mem_ops *mem_ops;
	void *mem_data;

	struct kvlist vmcoreinfo;
	struct kvlist symbols;	/* name -> hex address */
	struct kvlist values;	/* name -> hex value known by a front end */
	struct kvlist regs;	/* name -> hex value */
	char *arch_hint;	/* from the dump or the user */
	char *release_hint;	/* uname -r from the dump header */

	const struct vmmap_arch *arch;
	struct pgfmt fmt;
	bool loaded;

	struct vmmap_param *params;
	size_t nparams, capparams;
	char **warnings;
	size_t nwarnings;

	struct vmmap_region *regions;
	size_t nregions, capregions;
	struct marker *markers;	/* ptdump-format markers, sorted */
	size_t nmarkers, capmarkers;
	bool markers_done;	/* arch->ptdump_markers() ran */

	/* Arch-private data (layout values). */
	void *archdata;

	struct pcache_ent pcache[PCACHE_SLOTS];
	uint64_t pcache_clock;
	struct memo *memo;

	/* Statistics of the last walk. */
	uint64_t stat_tables_read, stat_memo_hits;
	/* Safety bound on emitted ranges per walk. */
	uint64_t max_ranges;
};

/* Errors that name where: "level %s table at 0x%llx". */
vmmap_status set_errorv(struct vmmap_ctx *ctx, vmmap_status status,
			const char *fmt, va_list ap);
vmmap_status set_nomem(struct vmmap_ctx *ctx);
void add_warning(struct vmmap_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Layout parameters and regions. */
vmmap_status param_set(struct vmmap_ctx *ctx, const char *name,
		       uint64_t value, const char *source);
vmmap_status region_add(struct vmmap_ctx *ctx, vmmap_addr_t start,
			vmmap_addr_t last, const char *id, const char *name);
/* Sort regions, fill gaps with unused holes; later-added regions win
 * where two overlap. */
vmmap_status regions_finish(struct vmmap_ctx *ctx);
/* After regions_finish(): cap the summarised formats' lines of @id. */
void region_limit_lines(struct vmmap_ctx *ctx, const char *id, unsigned n);
vmmap_status marker_add(struct vmmap_ctx *ctx, vmmap_addr_t addr,
			const char *name);

/* VMCOREINFO helpers: "SYMBOL(x)", "NUMBER(x)", "OFFSET(a.b)", plain keys. */
bool vmci_number(const struct vmmap_ctx *ctx, const char *key,
		 uint64_t *value_ret);	/* decimal or 0x hex, signed ok */
bool vmci_hex(const struct vmmap_ctx *ctx, const char *key,
	      uint64_t *value_ret);	/* hex without 0x (SYMBOL, KERNELOFFSET) */
/* A symbol's address from any source: user symbols, then VMCOREINFO. */
bool lookup_symbol(const struct vmmap_ctx *ctx, const char *name,
		   uint64_t *addr_ret);
bool lookup_value(const struct vmmap_ctx *ctx, const char *name,
		  uint64_t *value_ret);
bool lookup_reg(const struct vmmap_ctx *ctx, const char *name,
		uint64_t *value_ret);

/* Physical reads.  read_table returns a cached whole table. */
vmmap_status mem_read_phys(struct vmmap_ctx *ctx, vmmap_addr_t paddr,
			   void *buf, size_t len);
vmmap_status mem_read_table(struct vmmap_ctx *ctx, vmmap_addr_t paddr,
			    size_t size, const uint8_t **data_ret);
void mem_cache_clear(struct vmmap_ctx *ctx);
uint64_t mem_get_pte(const struct pgfmt *f, const uint8_t *table,
		     unsigned index);

/* The walker (walk.c); the layout code walks while loading. */
vmmap_status walk_internal(struct vmmap_ctx *ctx, vmmap_addr_t first,
			   vmmap_addr_t last, unsigned flags,
			   vmmap_range_fn *fn, void *arg);
vmmap_status vtop_internal(struct vmmap_ctx *ctx, vmmap_addr_t vaddr,
			   struct vmmap_vtop *ret);
void memo_free(struct vmmap_ctx *ctx);
/* Kernel-virtual read through the tables (the root must be set). */
vmmap_status virt_read(struct vmmap_ctx *ctx, vmmap_addr_t vaddr, void *buf,
		       size_t len);

/* Kernel symbols from the dump's own kallsyms (v6.0+ VMCOREINFO): the
 * addresses of the NULL-terminated @wanted names, have[i] set for those
 * found.  Needs the root set (reads through the tables). */
vmmap_status kallsyms_lookup(struct vmmap_ctx *ctx, const char *const *wanted,
			     uint64_t *found, bool *have);

/* Canonical address from an index path value. */
vmmap_addr_t va_canonical(const struct pgfmt *f, vmmap_addr_t va);

/* Dump readers (dump.c, diskdump.c).  They read @fd read-only through a
 * duplicate of it; the caller keeps (and closes) @fd. */
vmmap_status diskdump_open(struct vmmap_ctx *ctx, int fd, const char *path);
vmmap_status kdumpfile_open(struct vmmap_ctx *ctx, int fd, const char *path);
/* Does the libkdumpfile we are built with corrupt its page cache on a
 * failed read (0.5.1-0.5.4)?  Then kdump files bypass it. */
bool dump_kdf_cache_bug(void);
/* ELF vmcores without libkdumpfile (used when it fails on a sound file). */
vmmap_status elf_open(struct vmmap_ctx *ctx, int fd, const char *path);
/* The running kernel through /proc/kcore (kcore.c); @path NULL: the
 * default.  kcore_is_kcore(): does @path name a kcore, not a dump file? */
vmmap_status kcore_open(struct vmmap_ctx *ctx, const char *path);
bool kcore_is_kcore(const char *path);

/* What a dump's own headers say about the machine it comes from. */
struct dump_hints {
	char machine[66];	/* utsname.machine, "" if none */
	char release[66];	/* utsname.release, "" if none */
	unsigned elf_machine;	/* ELF e_machine, 0 if not ELF */
	bool elf_shdrs;		/* ELF with section headers */
	bool elf_shdrs_bad;	/* ELF whose section headers are not in it */
	unsigned ptr_bits;	/* 32 or 64, 0 if unknown */
	bool big_endian;
	uint32_t block_size;	/* kdump-compressed: the unit of its PFNs */
	uint64_t phys_end;	/* end of the physical memory it holds */
};

/* Check a kdump-compressed file (header, bitmaps, page descriptors fit
 * the file) without opening it as the memory source. */
vmmap_status diskdump_probe(struct vmmap_ctx *ctx, int fd, const char *path,
			    struct dump_hints *hints_ret);
/* End of the physical memory of a source opened by the dump readers
 * (false for other sources); diskdump_phys_end(): diskdump_open()'s only. */
bool dump_phys_end(const struct vmmap_ctx *ctx, uint64_t *end_ret);
bool diskdump_phys_end(const struct vmmap_ctx *ctx, uint64_t *end_ret);
/* The end of every open: VMCOREINFO from memory if the file had none
 * (dump_find_vmcoreinfo()), then the architecture and release from @h and
 * VMCOREINFO, unless already set. */
vmmap_status dump_finish(struct vmmap_ctx *ctx, const struct dump_hints *h);
/*
 * Find the kernel's own VMCOREINFO ELF note in physical memory (for dumps
 * and live sources without one) and give it to vmmap_set_vmcoreinfo().
 * Scans whole pages up to the memory's end (or 4 GiB for other sources),
 * stops at the first valid note; VMMAP_ERR_NOINFO if none.
 */
vmmap_status dump_find_vmcoreinfo(struct vmmap_ctx *ctx);
vmmap_status dump_find_vmcoreinfo_range(struct vmmap_ctx *ctx,
					uint64_t first, uint64_t end);

/* Symbol files. */
vmmap_status symbols_load(struct vmmap_ctx *ctx, const char *path);

/* Output. */
vmmap_status fmt_map(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		     FILE *out);
vmmap_status fmt_layout(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
			FILE *out);
vmmap_status fmt_vtop(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		      FILE *out);
vmmap_status fmt_stats(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		       FILE *out);

/* Size as the kernel's ptdump prints it: "    4K", "  512G". */
void fmt_size(uint64_t bytes, char *buf, size_t size);

#endif /* VMMAP_INTERNAL_H */
