/*
 * core/core.h - the core room of libvmmap: what every other room builds on.
 * Not installed.
 *
 * The rooms, bottom up (doc/design.md): core (this: the context, errors,
 * key/values, the memory cache, the walker, layout regions, VMCOREINFO,
 * symbols and the dump's kallsyms, the loader), arch (one descriptor per
 * architecture and the one registry: arch/arch.h), source (the dump
 * readers: source/source.h), output (formatters and options:
 * output/output.h).  A room includes its own header and those of the
 * rooms below it, never one above; tools/depgraph checks it on the
 * objects.  The one exception is the loader (core/load.c), which asks the
 * architecture registry for a descriptor.
 *
 * The walker (walk.c) owns the recursion over page tables; an architecture
 * (arch/ *.c) is one const struct vmmap_arch, defined here because the
 * walker and the loader call it: a page-table shape set at load time, an
 * entry decoder, and the layout rules.  Memory comes only through mem.c,
 * which reads whole table pages through the context's memory source and
 * caches them.
 */
#ifndef VMMAP_CORE_H
#define VMMAP_CORE_H

#include "vmmap.h"

#include <endian.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- key/value store (kv.c) --------------------------------------------- */

struct kv {
	char *key;
	char *val;
};

/* Entries in the order they were first set, plus a hash index of them, so
 * that setting and getting cost the same however many keys a (hostile)
 * VMCOREINFO or a vmlinux's symbol table brings. */
struct kvlist {
	struct kv *v;
	size_t n, cap;
	uint32_t *index;	/* open addressing: entry + 1, 0 = empty */
	size_t nbuckets;	/* a power of two, > 2 * n */
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
	/* the upper bits are those of va_base: one fixed window (ppc64's
	 * kernel quadrant 0xc000..., whose tables index the bits below) */
	VA_BASE,
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
	bool big_endian;	/* the entries' byte order */
	/* The kernel's own data (variables, kallsyms, notes; an extract's
	 * ELF) is in the other byte order than its entries: ppc64le, whose
	 * Book3S-64 tables are big-endian whatever the kernel's order
	 * (arch/powerpc/include/asm/pgtable-be-types.h).  pg_data_be(). */
	bool data_order_differs;
	enum va_ext ext;
	vmmap_addr_t va_base;	/* VA_BASE: the bits above va_bits */
	vmmap_addr_t root;	/* physical address of the root table */
};

/* The @n-byte unsigned integer at @p, in the byte order @be says. */
static inline uint64_t get_uint(const uint8_t *p, unsigned n, bool be)
{
	uint64_t v = 0;
	unsigned i;

	if (be)
		for (i = 0; i < n; i++)
			v = v << 8 | p[i];
	else
		for (i = n; i-- > 0;)
			v = v << 8 | p[i];
	return v;
}

/* Is the kernel's data (not its entries) big-endian? */
static inline bool pg_data_be(const struct pgfmt *f)
{
	return f->big_endian != f->data_order_differs;
}

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
	/* PTE_LEAF (optional): the bits of the raw entry that hold addr in
	 * place, every other bit of the entry being the same for the next
	 * page's entry: the walker then takes an entry one page on in these
	 * bits and equal in the rest as the next page of the same run
	 * without decoding it.  0: decode every entry. */
	uint64_t addr_bits;
};

/* A finding of a check (VMMAP_CHECK_*) in a region the kernel expects
 * it in, and why. */
struct check_exempt {
	unsigned check;
	const char *region;
	const char *why;
};

/* One attribute for flag names: set when (bits & mask) == val. */
struct flagname {
	uint64_t mask, val;
	const char *name;
};

/*
 * An architecture: one const instance per file of src/arch/, listed in the
 * registry (arch/registry.c).  The first group of fields says how a dump
 * names the architecture and what the architecture's code reads; the
 * registry derives detection and the front ends' key and symbol lists from
 * them, so nothing outside src/arch/ names an architecture.
 */
struct vmmap_arch {
	const char *name;
	/* Names this architecture is also known by (NULL-terminated): the
	 * kernel's uname -m, Debian's, QEMU's ELF_MACHINE_UNAME. */
	const char *const *aliases;
	/* A uname -m that starts with this names it too ("armv6l"). */
	const char *uname_prefix;
	/* ELF e_machine and class (32 or 64) of its dumps. */
	unsigned elf_machine, elf_bits;
	/* Not 0: only dumps whose memory has this byte order (ELFDATA2LSB
	 * 1, ELFDATA2MSB 2) are this architecture's; the other order of the
	 * same machine is another one (ppc64le and ppc64 share EM_PPC64).
	 * The order is the one the kernel's VMCOREINFO note was found in
	 * memory, else the ELF header's. */
	unsigned elf_data;
	/* VMCOREINFO keys only this architecture's kernels write
	 * (arch_crash_save_vmcoreinfo()); "A+B": both must be there. */
	const char *const *vmcoreinfo_marks;
	/* QEMU's kdump header names no machine ("Unknown") for some targets:
	 * those with this pointer size and (if not 0) block size. */
	unsigned qemu_unnamed_bits;
	uint32_t qemu_unnamed_block_size;
	/* The VMCOREINFO keys and the kernel symbols init() may read: the
	 * front ends that look them up one at a time ask for these
	 * (vmmap_vmcoreinfo_keys(), vmmap_symbol_names()). */
	const char *const *vmcoreinfo_keys;
	const char *const *symbols;
	/* Optional: where this architecture's kernel keeps the physical
	 * address of its VMCOREINFO note, for dumps without the note. */
	bool (*vmcoreinfo_note)(struct vmmap_ctx *ctx, vmmap_addr_t *paddr_ret);
	/* The newest kernel (KVER()) this architecture's layout rules were
	 * checked against (the corpus: testdata/matrix); a newer kernel's
	 * values that come from a rule get a warning that names them. */
	uint32_t rules_checked;
	/* Optional, after init(): the physical address the layout puts the
	 * kernel image's virtual address @va at (__pa_symbol()); false if
	 * @va is not in the image's mapping.  The loader checks the tables
	 * map _stext there. */
	bool (*kimage_pa)(const struct vmmap_ctx *ctx, vmmap_addr_t va,
			  vmmap_addr_t *pa_ret);
	/* Optional, after init(): false when the tables walked do not map
	 * the kernel image at all (ppc64's hash MMU: the linear map, which
	 * holds the image, is bolted in the hash table, not in Linux's
	 * tables); the loader then does not look for _stext in them, and
	 * root_sane() checks the tables another way. */
	bool (*image_mapped)(const struct vmmap_ctx *ctx);
	/* Optional, after init(): false, with the reason in @why, when the
	 * root table @data cannot be the kernel's under this layout (ppc64's
	 * hash MMU: an entry where Linux's tables hold nothing).  The loader
	 * then refuses the root as it does one that maps nothing. */
	bool (*root_sane)(const struct vmmap_ctx *ctx, const uint8_t *data,
			  char *why, size_t size);
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
	/* What a mapped range's effective bits allow (the checks). */
	void (*perms)(const struct vmmap_range *r, struct vmmap_perms *p);
	/* Findings the kernel itself expects, by check and region id,
	 * reported with the reason (NULL-terminated by check). */
	const struct check_exempt *exempt;
	/* --check=wx also reports kernel mappings user mode may execute
	 * (arm64's DEBUG_WX: note_prot_uxn()). */
	bool wx_user_exec;
	/* Optional: add the ptdump markers that cost a search (the
	 * kernel's configuration); called once, before ptdump output. */
	vmmap_status (*ptdump_markers)(struct vmmap_ctx *ctx);
	/* The prot column of the kernel's own ptdump for @r. */
	void (*ptdump_prot)(const struct vmmap_ctx *ctx,
			    const struct vmmap_range *r, char *buf,
			    size_t size);
	/* User address spaces (optional).  The members of struct mm_struct
	 * user_space() needs ("context.asce"), NULL-terminated; the kernel
	 * room reads them (through the kernel's types) and passes their
	 * values in @mm_vals, in order.  user_space() turns an mm's root
	 * table (mm->pgd at physical @pgd) into the format its tables are
	 * walked with: @f starts as the kernel's; it sets the root and what
	 * else differs, @last_ret to the last address the space is walked
	 * to (its user part, or further where the user copy of the tables
	 * holds more: x86's PTI).  NULL: the kernel's format with the root
	 * changed, up to the end of the layout's "user" region. */
	const char *const *user_mm_fields;
	vmmap_status (*user_space)(struct vmmap_ctx *ctx, vmmap_addr_t pgd,
				   const uint64_t *mm_vals, struct pgfmt *f,
				   vmmap_addr_t *last_ret);
};

/* ---- the context ----------------------------------------------------- */

struct pcache_ent {
	vmmap_addr_t addr;	/* physical address of the cached table */
	size_t size;
	vmmap_status status;	/* status of the read */
	char *why;		/* its message when it failed (NULL: none) */
	uint64_t age;
	uint8_t *data;
};

#define PCACHE_SLOTS 64

struct marker {
	vmmap_addr_t addr;
	const char *name;
	bool owned;		/* name allocated: freed with the markers */
	/* Only a lower bound of where the kernel's marker is (a constant of
	 * its configuration that no dump holds, as arm64's FIXADDR_TOT_START):
	 * printed at the first line the walk ends at or past it, after the
	 * markers crossed there, but never ending a line itself nor counted
	 * in ptdump_style.per_entry / first_extra. */
	bool soft;
};

/* How an architecture's kernel prints /sys/kernel/debug/.../kernel_page_
 * tables (its note_page()): what the architecture's code sets before
 * the ptdump output (ptdump_markers()); the defaults are x86's. */
#define PT_ALL_MARKERS 0xffffu
struct ptdump_style {
	const char *sep;	/* between the address pair and the size */
	const char *header;	/* a line before everything, or NULL */
	unsigned first_extra;	/* markers already crossed printed with the
				 * first one (PT_ALL_MARKERS: all) */
	unsigned per_entry;	/* markers an entry may cross and print */
	/* Where the kernel's walk starts (0: at the first marker); the
	 * first marker is printed there whatever its address (riscv walks
	 * from KERN_VIRT_START, below "Fixmap start"). */
	vmmap_addr_t start;
	bool pa;		/* a physical-address column before the size
				 * (riscv, powerpc dump_addr()) */
	bool end_incl;		/* the end address printed is the last one
				 * (powerpc: addr - 1) */
	bool skip_empty;	/* no line for what maps nothing (arm, riscv,
				 * powerpc: only lines with flags) */
	bool zero_start;	/* the first line starts at 0, at level 0,
				 * with no marker before it (arm64 v5.4-
				 * v5.10: pg_state.level left 0) */
	bool walk_guard;	/* a "guard" region is walked too (x86's
				 * kernel skips its guard hole; arm's
				 * guard gap below the fixmap is walked) */
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
	/* The byte order the kernel's VMCOREINFO note was found in, in
	 * memory (vmci_scan()): 1 little-endian, 2 big-endian (ELFDATA2*),
	 * 0 not found there.  The memory's own order, which a dump's header
	 * may not say (QEMU 7.2 writes ppc64le dumps big-endian). */
	unsigned note_order;
	/* The dump is vmmap's extract of one: memory the vmmap that made it
	 * did not read is not in it (messages say so). */
	bool is_extract;

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
	struct ptdump_style ptdump;
	bool markers_done;	/* arch->ptdump_markers() ran */

	/* Arch-private data (layout values). */
	void *archdata;

	struct pcache_ent pcache[PCACHE_SLOTS];
	uint64_t pcache_clock;
	struct memo *memo;
	unsigned walk_depth;	/* walks under way (one inside another's
				 * callback gets a memo of its own) */
	/* vmmap_set_progress() */
	vmmap_progress_fn *progress_fn;
	void *progress_arg;
	/* vmmap_vtop_many()'s index of the map, until the map changes */
	struct batch_index *batch;

	/* Statistics of the last walk. */
	uint64_t stat_tables_read, stat_memo_hits;
	/* Safety bound on emitted ranges per walk. */
	uint64_t max_ranges;
	/* Bound on the runs a walk handles at any level (merged, collected,
	 * copies' runs again): its work.  Unbounded but for the fuzz
	 * harnesses, which keep an input's walk short with it. */
	uint64_t max_runs;

	/* Load even when the map fails its sanity checks (--force). */
	bool force;
	/* Findings of the last run with checks. */
	uint64_t findings;
	/* Errors are not formatted (a scan that expects most reads to fail
	 * and discards why): vmmap_set_error() only returns the status. */
	unsigned quiet;
	/* The caller drops the message of what it calls (the walker, whose
	 * unreadable table is a range; a probe that clears it): as quiet,
	 * but the table cache still learns why a read failed, so that a
	 * later caller who wants the reason gets the same message and the
	 * same reads as without it.  "out of memory" is still said: the
	 * callers stop on it and say it again on top. */
	unsigned mute;

	/* The physical memory read from the source since recording began
	 * (vmmap_record_reads()), for an extract; NULL: not recording. */
	struct mem_record *record;
	/* Reads of data (not tables) are not noted while this is set: a
	 * search whose misses an extract need not hold (the BTF header's,
	 * which finds the same blob in an extract without them). */
	unsigned record_paused;

	/* The dump's kallsyms decoded (kallsyms_table()), or why not. */
	struct ksym_table *ksyms;
	vmmap_status ksyms_status;
	char *ksyms_err;
	/* The vmlinux given (vmmap_load_symbols() of an ELF file): its
	 * types serve kernels whose dump has none. */
	char *vmlinux;

	/* What the kernel room (src/kernel) keeps: types, objects, tasks;
	 * dropped with kern_free (a room above cannot be called by name
	 * from here) when the context is loaded again or freed. */
	void *kern;
	void (*kern_free)(struct vmmap_ctx *ctx);

	/* The address space walks and vtop translate (space.c): the
	 * kernel's (the loaded fmt and regions) unless a user address space
	 * was entered; kspace keeps the kernel's meanwhile. */
	struct space *kspace;
};

/*
 * An address space other than the kernel's: a user address space (an
 * mm_struct's tables).  space_enter() makes @f and @regions the ones the
 * walker, vtop and the formats use, keeping the kernel's; kernel-virtual
 * reads (virt_read()) still go through the kernel's tables.  @regions is
 * taken over (freed by space_leave()).  @last: the last address the space
 * is walked to by default (its user part, or all of it where its tables
 * are the user's alone: x86_64's PTI copy); @user_last: the last address
 * of its user part, where its VMAs are.
 */
struct space {
	struct pgfmt fmt;
	struct vmmap_region *regions;
	size_t nregions, capregions;
	struct marker *markers;
	size_t nmarkers, capmarkers;
	bool markers_done;
	vmmap_addr_t last, user_last;
};
vmmap_status space_enter(struct vmmap_ctx *ctx, const struct pgfmt *f,
			 struct vmmap_region *regions, size_t nregions,
			 vmmap_addr_t last, vmmap_addr_t user_last);
void space_leave(struct vmmap_ctx *ctx);
/* In a user space: the last address walked by default; else
 * VMMAP_ADDR_MAX. */
vmmap_addr_t space_last(const struct vmmap_ctx *ctx);
/* In a user space: the last address of its user part; else
 * VMMAP_ADDR_MAX. */
vmmap_addr_t space_user_last(const struct vmmap_ctx *ctx);
/* The kernel's page-table format (whatever space is entered). */
const struct pgfmt *kernel_fmt(const struct vmmap_ctx *ctx);


/* Errors that name where: "level %s table at 0x%llx". */
vmmap_status set_errorv(struct vmmap_ctx *ctx, vmmap_status status,
			const char *fmt, va_list ap);
vmmap_status set_nomem(struct vmmap_ctx *ctx);
void add_warning(struct vmmap_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same, before every warning already given (it matters most). */
void add_warning_first(struct vmmap_ctx *ctx, const char *fmt, ...)
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
/* After regions_finish(): what lies in region @id is placed at random at
 * each boot (struct vmmap_region.per_boot). */
void region_per_boot(struct vmmap_ctx *ctx, const char *id);
vmmap_status marker_add(struct vmmap_ctx *ctx, vmmap_addr_t addr,
			const char *name);
/* The same with a name from malloc(), which the context frees. */
vmmap_status marker_add_owned(struct vmmap_ctx *ctx, vmmap_addr_t addr,
			      char *name);
/* A marker whose address is only a lower bound (struct marker.soft). */
vmmap_status marker_add_soft(struct vmmap_ctx *ctx, vmmap_addr_t addr,
			     const char *name);
void markers_free(struct vmmap_ctx *ctx);

/* VMCOREINFO helpers: "SYMBOL(x)", "NUMBER(x)", "OFFSET(a.b)", plain keys. */
bool vmci_number(const struct vmmap_ctx *ctx, const char *key,
		 uint64_t *value_ret);	/* decimal or 0x hex, signed ok */
bool vmci_hex(const struct vmmap_ctx *ctx, const char *key,
	      uint64_t *value_ret);	/* hex without 0x (SYMBOL, KERNELOFFSET) */
/* A VMCOREINFO value checked against what the kernel can write there:
 * true and the value if it is there and @ok(value) (NULL: any number);
 * there but not a number, or not @want (a phrase: "a multiple of 2 MiB"):
 * a warning that names the key and says it is ignored, and false. */
bool vmci_checked(struct vmmap_ctx *ctx, const char *key, bool hex,
		  bool (*ok)(uint64_t), const char *want, uint64_t *value_ret);
/* A symbol's address from any source: user symbols, then VMCOREINFO. */
bool lookup_symbol(const struct vmmap_ctx *ctx, const char *name,
		   uint64_t *addr_ret);
/* Only a symbol given by the caller (vmlinux, System.map, a debugger),
 * not VMCOREINFO's SYMBOL(): for names whose VMCOREINFO line holds a
 * value, not an address (VMCOREINFO_SYMBOL_ARRAY() of a pointer). */
bool lookup_given_symbol(const struct vmmap_ctx *ctx, const char *name,
			 uint64_t *addr_ret);
bool lookup_value(const struct vmmap_ctx *ctx, const char *name,
		  uint64_t *value_ret);
bool lookup_reg(const struct vmmap_ctx *ctx, const char *name,
		uint64_t *value_ret);

/* Physical reads.  read_table returns a cached whole table. */
vmmap_status mem_read_phys(struct vmmap_ctx *ctx, vmmap_addr_t paddr,
			   void *buf, size_t len);
/* The memory source's extent, where it says (vmmap_mem_ops.phys_end);
 * false if it does not. */
bool mem_phys_end(const struct vmmap_ctx *ctx, vmmap_addr_t *end_ret);
/* The first address >= @addr the source holds bytes of (@addr itself when
 * it does not say; VMMAP_ADDR_MAX: none). */
vmmap_addr_t mem_next_data(const struct vmmap_ctx *ctx, vmmap_addr_t addr);
vmmap_status mem_read_table(struct vmmap_ctx *ctx, vmmap_addr_t paddr,
			    size_t size, const uint8_t **data_ret);
void mem_cache_clear(struct vmmap_ctx *ctx);

/* What was read, as sorted, disjoint, non-adjacent page-aligned runs
 * [start, end) of whole 4 KiB pages. */
struct mem_run {
	vmmap_addr_t start, end;
};

struct mem_record {
	struct mem_run *v;
	size_t n, cap;
};

void mem_record_free(struct vmmap_ctx *ctx);
/* Hint the source that these tables come next (vmmap_mem_ops.prefetch). */
void mem_prefetch(struct vmmap_ctx *ctx, const vmmap_addr_t *paddr, size_t n,
		  size_t len);

/* Entry @index of a table read into memory, in the host's order. */
static inline uint64_t mem_get_pte(const struct pgfmt *f, const uint8_t *t, unsigned index)
{
	const uint8_t *p = t + (size_t)index * f->pte_size;
	uint64_t v = 0;
	unsigned i;

	/* The common cases without a byte loop; the compiler makes these
	 * single loads with a byte swap where needed. */
	if (f->pte_size == 8) {
		memcpy(&v, p, 8);
		return f->big_endian ? be64toh(v) : le64toh(v);
	}
	if (f->pte_size == 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		return f->big_endian ? be32toh(w) : le32toh(w);
	}

	if (f->big_endian)
		for (i = 0; i < f->pte_size; i++)
			v = v << 8 | p[i];
	else
		for (i = f->pte_size; i-- > 0;)
			v = v << 8 | p[i];
	return v;
}

/* The walker (walk.c); the layout code walks while loading. */
/* Internal walk flag: merge only leaves whose prot and eff are equal in
 * every bit, not only in the descriptor's merge_mask, so that a range's
 * prot is each of its pages' (vmmap_vtop_many() answers as vmmap_vtop();
 * ppc64's hash bookkeeping bits differ page by page). */
#define WALK_EXACT	0x100
vmmap_status walk_internal(struct vmmap_ctx *ctx, vmmap_addr_t first,
			   vmmap_addr_t last, unsigned flags,
			   vmmap_range_fn *fn, void *arg);
vmmap_status vtop_internal(struct vmmap_ctx *ctx, vmmap_addr_t vaddr,
			   struct vmmap_vtop *ret);
void memo_free(struct vmmap_ctx *ctx);
void batch_free(struct vmmap_ctx *ctx);
/* Kernel-virtual read through the kernel's tables (the root must be set),
 * whatever address space is entered; the translation alone. */
vmmap_status virt_read(struct vmmap_ctx *ctx, vmmap_addr_t vaddr, void *buf,
		       size_t len);
vmmap_status kernel_vtop_pa(struct vmmap_ctx *ctx, vmmap_addr_t vaddr,
			    vmmap_addr_t *paddr_ret);

/* Kernel symbols from the dump's own kallsyms (v6.0+ VMCOREINFO): the
 * addresses of the NULL-terminated @wanted names, have[i] set for those
 * found.  Needs the root set (reads through the tables). */
vmmap_status kallsyms_lookup(struct vmmap_ctx *ctx, const char *const *wanted,
			     uint64_t *found, bool *have);

/* The whole of the dump's kallsyms, decoded once and kept in the context
 * (what labels need: any symbol by name, and by address for "%pS").  The
 * symbols are in the kernel's table order, which is by address. */
struct ksym {
	uint64_t addr;
	uint32_t name;		/* offset in names */
	char type;		/* nm's letter: 'T', 't', 'D', ... */
};

struct ksym_table {
	struct ksym *v;
	size_t n;
	char *names;
	uint32_t *by_name;	/* indices of v sorted by name */
};

/* NOINFO (said once, kept) when VMCOREINFO locates no kallsyms. */
vmmap_status kallsyms_table(struct vmmap_ctx *ctx,
			    const struct ksym_table **ret);
/* The first symbol of the table named @name, or NULL. */
const struct ksym *kallsyms_by_name(const struct ksym_table *t,
				    const char *name);
/* Inline: the context frees it, and kallsyms.c uses the context. */
static inline void kallsyms_table_free(struct ksym_table *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->names);
	free(t->by_name);
	free(t);
}

/*
 * The kernel's own VMCOREINFO ELF note in physical memory [@first, @end),
 * for sources without one: the first valid note found is given to
 * vmmap_set_vmcoreinfo().  @note_at, if not VMMAP_ADDR_MAX, is where the
 * architecture says the note is: tried first.  VMMAP_ERR_NOINFO if none.
 */
vmmap_status vmci_scan(struct vmmap_ctx *ctx, vmmap_addr_t first,
		       vmmap_addr_t end, vmmap_addr_t note_at);
/* The same over the whole of the source's memory (its phys_end, else the
 * first 4 GiB). */
vmmap_status vmci_scan_all(struct vmmap_ctx *ctx, vmmap_addr_t note_at);
/* The keys the core reads itself (NULL-terminated). */
extern const char *const vmci_core_keys[];
extern const char *const core_symbol_names[];
extern const char *const kernel_symbol_names[];
extern const char *const kernel_vmcoreinfo_keys[];

/* Open a file the user named, read-only: a regular file, or one error
 * line saying what it is instead ("a FIFO", "a directory"); a FIFO never
 * blocks the open.  @what: what the file should be ("a kernel dump"). */
vmmap_status file_open_regular(struct vmmap_ctx *ctx, const char *path,
			       const char *what, int *fd_ret,
			       uint64_t *size_ret);

/* The kernel's version, KERNEL_VERSION(a, b, c) = a << 16 | b << 8 | c,
 * from VMCOREINFO's OSRELEASE or the dump's uname; 0 if neither says. */
#define KVER(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (c))
uint32_t kernel_version(const struct vmmap_ctx *ctx);

/* Canonical address from an index path value. */
vmmap_addr_t va_canonical(const struct pgfmt *f, vmmap_addr_t va);
/* The part of the 64-bit space the tables translate: [lo, hi]. */
void pg_space(const struct pgfmt *f, vmmap_addr_t *lo, vmmap_addr_t *hi);

#endif /* VMMAP_CORE_H */
