/*
 * vmmap.h - rebuild a Linux kernel's virtual memory map from a dump.
 *
 * libvmmap reads kernel memory through one small callback interface
 * (struct vmmap_mem_ops), finds the kernel page-table root, walks every
 * level and reports every range of the kernel's virtual address space:
 * mapped ranges with their physical address, page size and attributes,
 * and holes, each labelled with the region of the documented layout it
 * lies in.
 *
 * Typical use, with a dump file:
 *
 *	struct vmmap_ctx *ctx = vmmap_new();
 *	if (vmmap_open_dump(ctx, "vmcore") || vmmap_load(ctx)) {
 *		fprintf(stderr, "vmmap: %s\n", vmmap_errmsg(ctx));
 *		...
 *	}
 *	vmmap_walk(ctx, 0, VMMAP_ADDR_MAX, 0, print_range, NULL);
 *	vmmap_free(ctx);
 *
 * A front end with its own memory (crash, GDB, /proc/kcore) calls
 * vmmap_set_mem() instead of vmmap_open_dump(), then gives whatever it knows
 * with vmmap_set_vmcoreinfo(), vmmap_set_symbol(), vmmap_set_value() and
 * vmmap_set_reg() before vmmap_load().
 *
 * Conventions: every address is a 64-bit value whatever the host or target;
 * ranges are [start, last] with an inclusive last address, so the top of the
 * address space fits.  Functions that can fail return a vmmap_status and
 * leave a message in the context (vmmap_errmsg()).  The library never prints
 * except through the formatting functions, which write to a FILE * given by
 * the caller.  A context is not thread-safe; separate contexts are
 * independent.
 */
#ifndef VMMAP_H
#define VMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t vmmap_addr_t;
#define VMMAP_ADDR_MAX UINT64_MAX

/** Deepest paging hierarchy of any supported mode (arm64 LPA2 4K: 5). */
#define VMMAP_MAX_LEVELS 6

typedef enum vmmap_status {
	VMMAP_OK = 0,
	VMMAP_ERR_NOMEM,	/**< out of memory */
	VMMAP_ERR_ARG,		/**< bad argument or option from the caller */
	VMMAP_ERR_IO,		/**< the memory source failed to read */
	VMMAP_ERR_NODATA,	/**< memory not in the source (filtered out, beyond RAM) */
	VMMAP_ERR_FORMAT,	/**< not a dump, or a corrupt one */
	VMMAP_ERR_NOTSUP,	/**< unsupported architecture, mode or format */
	VMMAP_ERR_NOINFO,	/**< information needed for the layout is missing */
	VMMAP_ERR_INVALID,	/**< invalid page-table entry or inconsistent data */
	VMMAP_ERR_NOTMAPPED,	/**< address not mapped (vmmap_vtop()) */
	VMMAP_ERR_LIMIT,	/**< a safety bound was reached */
	VMMAP_ERR_STOP,		/**< a callback asked to stop the walk */
} vmmap_status;

struct vmmap_ctx;

/** Create a context; NULL when out of memory. */
struct vmmap_ctx *vmmap_new(void);
/** Free a context and release its memory source. NULL is allowed. */
void vmmap_free(struct vmmap_ctx *ctx);
/** The message of the last error set in @p ctx ("" if none). */
const char *vmmap_errmsg(const struct vmmap_ctx *ctx);
/** Human name of a status code. */
const char *vmmap_strstatus(vmmap_status status);

/**
 * Set the error of @p ctx and return @p status.  A message already set is
 * kept after the new one ("new: old"), so callers add context on the way out.
 * (vmmap_walk(), vmmap_vtop(), vmmap_vtop_many(), vmmap_read_virt() and
 * vmmap_run() start with no message: a call's error is its own.)
 * For memory adapters and front ends.
 */
vmmap_status vmmap_set_error(struct vmmap_ctx *ctx, vmmap_status status,
			     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/** Forget the error message. */
void vmmap_clear_error(struct vmmap_ctx *ctx);

/* ---- Memory interface ----------------------------------------------- */

struct vmmap_mem_ops {
	/**
	 * Read @p len bytes of physical memory at @p paddr.  Return VMMAP_OK,
	 * VMMAP_ERR_NODATA when the source does not hold that memory (filtered
	 * out of the dump, beyond RAM), or VMMAP_ERR_IO.  A detail may be set
	 * with vmmap_set_error(ctx, ...).  Required.
	 */
	vmmap_status (*read_phys)(struct vmmap_ctx *ctx, void *data,
				  vmmap_addr_t paddr, void *buf, size_t len);
	/**
	 * Optional: read kernel-virtual memory by the source's own means
	 * (a debugger's memory, /proc/kcore).  The library only uses it when
	 * it has no translation of its own yet.
	 */
	vmmap_status (*read_virt)(struct vmmap_ctx *ctx, void *data,
				  vmmap_addr_t vaddr, void *buf, size_t len);
	/** Optional: called once from vmmap_free() or when replaced. */
	void (*release)(void *data);
	/**
	 * Optional: the end (exclusive) of the physical memory the source
	 * holds, in @p end_ret; false when it cannot say.  Bounds the scan for
	 * a VMCOREINFO note and the searches of the layout code.
	 */
	bool (*phys_end)(void *data, vmmap_addr_t *end_ret);
	/**
	 * Optional: the first physical address >= @p paddr whose bytes the
	 * source holds (@p paddr itself if it holds that one), VMMAP_ADDR_MAX
	 * if none: lets scans skip what a dump does not have.
	 */
	vmmap_addr_t (*next_data)(void *data, vmmap_addr_t paddr);
	/**
	 * Optional: the walk will soon read these @p n tables of @p len
	 * bytes each, in this order (the children of the table it just
	 * read): a source may prepare them meanwhile (decompress on another
	 * core).  A hint: reads come as ever, and may not come at all.
	 */
	void (*prefetch)(void *data, const vmmap_addr_t *paddr, size_t n,
			 size_t len);
};

/** Use @p ops / @p data as the memory source (replacing any earlier one). */
vmmap_status vmmap_set_mem(struct vmmap_ctx *ctx,
			   const struct vmmap_mem_ops *ops, void *data);

/**
 * Open a dump file read-only and use it as the memory source: ELF vmcores,
 * kdump-compressed files (also makedumpfile's flattened format as QEMU's
 * dump-guest-memory writes it), through libkdumpfile where it can.
 * Takes VMCOREINFO and the architecture from the file when it has them.
 */
vmmap_status vmmap_open_dump(struct vmmap_ctx *ctx, const char *path);

/**
 * Read the running kernel through /proc/kcore (@p path NULL: the default),
 * read-only; VMCOREINFO from its note or /sys/kernel/vmcoreinfo.  Needs
 * root (CAP_SYS_RAWIO); the error says what blocks it (no CONFIG_PROC_KCORE,
 * a container's mask, lockdown).  vmmap_open_dump() comes here too when
 * given a kcore.  A live walk is not atomic: tables can change under it.
 */
vmmap_status vmmap_open_kcore(struct vmmap_ctx *ctx, const char *path);

/* ---- What the caller knows ------------------------------------------ */

/** Parse VMCOREINFO text ("KEY=value" lines); later calls add to it. */
vmmap_status vmmap_set_vmcoreinfo(struct vmmap_ctx *ctx,
				  const char *text, size_t len);
/** Target architecture: "x86_64", "aarch64", "s390x", "arm" (or aliases). */
vmmap_status vmmap_set_arch(struct vmmap_ctx *ctx, const char *name);
/** Address of a kernel symbol (from a vmlinux, System.map, a debugger). */
vmmap_status vmmap_set_symbol(struct vmmap_ctx *ctx, const char *name,
			      vmmap_addr_t addr);
/**
 * A layout value another tool already knows ("page_offset_base",
 * "vmalloc_base", "phys_base", "kaslr_offset", ...).  Used as a cross-check:
 * a disagreement with vmmap's own result becomes a warning.
 */
vmmap_status vmmap_set_value(struct vmmap_ctx *ctx, const char *name,
			     uint64_t value);
/** A CPU register of a live target ("cr3", "cr4", "ttbr1_el1", "tcr_el1"). */
vmmap_status vmmap_set_reg(struct vmmap_ctx *ctx, const char *name,
			   uint64_t value);
/** Read symbols from a vmlinux (ELF .symtab) or a System.map text file.
 * A vmlinux's types (BTF or DWARF) also serve kernels whose dump has no
 * BTF (see vmmap_objects()). */
vmmap_status vmmap_load_symbols(struct vmmap_ctx *ctx, const char *path);
/** Only the types of a vmlinux (its BTF, else its DWARF), for kernels
 * whose dump has no BTF; its symbols are not read. */
vmmap_status vmmap_load_types(struct vmmap_ctx *ctx, const char *path);

/**
 * The VMCOREINFO keys the library may use, NULL-terminated: for front ends
 * that can only look keys up one at a time (crash's pc->read_vmcoreinfo).
 */
const char *const *vmmap_vmcoreinfo_keys(void);

/**
 * The kernel symbols the library may look up, NULL-terminated: front ends
 * that know symbols (crash, GDB with a vmlinux) give these with
 * vmmap_set_symbol() rather than every symbol they have.
 */
const char *const *vmmap_symbol_names(void);

/**
 * Find the kernel's own VMCOREINFO ELF note in physical memory
 * [@p first, @p end) (0, 0: the whole of the source's memory, or its first
 * 4 GiB) and use it, for sources that carry none (a live guest, a dump of a
 * kernel without QEMU's fw_cfg).  VMMAP_ERR_NOINFO if there is none.
 */
vmmap_status vmmap_find_vmcoreinfo(struct vmmap_ctx *ctx, vmmap_addr_t first,
				   vmmap_addr_t end);

/**
 * A kernel symbol's runtime address, from what was given (symbols, a
 * vmlinux or System.map with the KASLR offset applied) or VMCOREINFO.
 */
vmmap_status vmmap_symbol_lookup(const struct vmmap_ctx *ctx, const char *name,
				 vmmap_addr_t *addr_ret);

/** Look up what was given: a VMCOREINFO key ("SYMBOL(init_top_pgt)"). */
const char *vmmap_vmcoreinfo_get(const struct vmmap_ctx *ctx, const char *key);

/**
 * Resolve the architecture, paging mode, page-table root and layout.
 * Must succeed before vmmap_walk() and vmmap_vtop().
 */
vmmap_status vmmap_load(struct vmmap_ctx *ctx);

/* ---- Results -------------------------------------------------------- */

/** Architecture name of the loaded context ("x86_64", ...). */
const char *vmmap_arch_name(const struct vmmap_ctx *ctx);

/** One layout parameter, e.g. { "page_offset_base", 0xffff..., "walk" }. */
struct vmmap_param {
	const char *name;
	uint64_t value;
	/** Where the value came from: "vmcoreinfo", "walk", "symbol",
	 * "register", "default", "derived", "user". */
	const char *source;
};
size_t vmmap_param_count(const struct vmmap_ctx *ctx);
const struct vmmap_param *vmmap_param_get(const struct vmmap_ctx *ctx,
					  size_t i);
/** VMMAP_OK and the value, or VMMAP_ERR_NOINFO. */
vmmap_status vmmap_param_lookup(const struct vmmap_ctx *ctx, const char *name,
				uint64_t *value_ret);

/** Warnings found while loading (disagreements, guesses). */
size_t vmmap_warning_count(const struct vmmap_ctx *ctx);
const char *vmmap_warning_get(const struct vmmap_ctx *ctx, size_t i);

/** A region of the kernel's documented layout. */
struct vmmap_region {
	vmmap_addr_t start, last;
	const char *id;		/**< short id for selection: "directmap" */
	const char *name;	/**< label: "direct map" */
	bool hole;		/**< an unused hole of the layout */
	/** The table and ptdump formats print at most this many lines of
	 * the region unless asked for all (0: no limit).  The kernel's ptdump
	 * does this for the ESPfix stacks, which repeat a few pages
	 * thousands of times. */
	unsigned max_lines;
	/** Where things lie inside the region is chosen at random at each
	 * boot (x86_64's ESPfix stacks, its per-CPU entry areas since v6.2):
	 * two boots are compared by the region's content, not offset by
	 * offset (--diff). */
	bool per_boot;
};
size_t vmmap_region_count(const struct vmmap_ctx *ctx);
const struct vmmap_region *vmmap_region_get(const struct vmmap_ctx *ctx,
					    size_t i);
/** The region containing @p addr (never NULL after vmmap_load()). */
const struct vmmap_region *vmmap_region_of(const struct vmmap_ctx *ctx,
					   vmmap_addr_t addr);

enum vmmap_range_kind {
	VMMAP_RANGE_HOLE,	/**< not mapped */
	VMMAP_RANGE_MAPPED,	/**< mapped by leaf entries */
	VMMAP_RANGE_UNREADABLE,	/**< a table that maps it is not in the dump */
	VMMAP_RANGE_INVALID,	/**< an invalid entry maps it */
	/** The same tables as an earlier range map it again (entries that
	 * point to a table already walked elsewhere, whose content came to
	 * many ranges): summarised unless VMMAP_WALK_ALL.  @c phys is the
	 * table's physical address, @c replica_of the start of the first
	 * range it mapped, @c replica_ranges the ranges one copy holds. */
	VMMAP_RANGE_REPLICA,
};

struct vmmap_range {
	vmmap_addr_t start, last;	/**< inclusive */
	enum vmmap_range_kind kind;
	/** MAPPED: physical address of @c start.  UNREADABLE: physical
	 * address of the table that could not be read.  INVALID: 0. */
	vmmap_addr_t phys;
	uint64_t page_size;	/**< bytes mapped by one leaf entry */
	int level;		/**< level of the leaf/hole entry, 0 = root */
	/** Arch attribute bits of the leaf entries as stored. */
	uint64_t prot;
	/** The same bits, with permissions made effective across levels. */
	uint64_t eff;
	/** Every page maps one and the same physical page. */
	bool alias;
	/** UNREADABLE: why (VMMAP_ERR_NODATA for filtered, VMMAP_ERR_IO);
	 * INVALID: the raw entry is in @c entry. */
	vmmap_status err;
	uint64_t entry;
	const struct vmmap_region *region;
	/** REPLICA: see VMMAP_RANGE_REPLICA. */
	vmmap_addr_t replica_of;
	uint64_t replica_ranges;
};

/** Flags for vmmap_walk(). */
#define VMMAP_WALK_RAW		0x1	/**< do not merge leaves */
#define VMMAP_WALK_NOHOLES	0x2	/**< do not report holes */
#define VMMAP_WALK_NOSPLIT	0x4	/**< do not split at region bounds */
/** With VMMAP_WALK_RAW: still merge identical entries that map one and the
 * same page (KASAN's early shadow, which the kernel's ptdump also prints as
 * one line per run of such entries). */
#define VMMAP_WALK_ALIASES	0x8
/** Walk every copy of a shared subtree in full: no VMMAP_RANGE_REPLICA.
 * Real kernels share only small subtrees (KASAN's early shadow, ESPfix),
 * which are never summarised; hostile tables that point hundreds of
 * entries at one big subtree would otherwise print millions of lines. */
#define VMMAP_WALK_ALL		0x10

/** Where a long walk is (for a progress bar). */
struct vmmap_progress {
	double fraction;	/**< 0..1: of the tables' top-level entries in
				     use, weighted by the level below */
	double seconds;		/**< since the walk began */
	uint64_t tables;	/**< page tables walked so far */
	uint64_t mapped;	/**< bytes of address space mapped so far */
	vmmap_addr_t at;	/**< the address the walk is at */
	bool done;		/**< the walk ended (clear the bar) */
};
typedef void vmmap_progress_fn(void *arg, const struct vmmap_progress *p);

/**
 * Have @p fn called during every walk about ten times a second (and once
 * with done set at its end, if it was called before); NULL: never.
 * vmmap_progress_stderr() draws a bar on a terminal.
 */
void vmmap_set_progress(struct vmmap_ctx *ctx, vmmap_progress_fn *fn,
			void *arg);
/** A progress bar on standard error, after a walk's first second, when
 * standard error is a terminal; @p arg is the program's name (or NULL). */
void vmmap_progress_stderr(void *arg, const struct vmmap_progress *p);

/** Return VMMAP_OK to go on; anything else stops the walk and is returned. */
typedef vmmap_status vmmap_range_fn(void *arg, const struct vmmap_range *r);

/**
 * Report every range overlapping [@p first, @p last] in address order,
 * clipped to it.  Ranges of the same kind, page size and attributes whose
 * physical addresses continue (or all alias one page) are merged, and split
 * where a region of the layout ends, unless @p flags say otherwise.
 * Unreadable or invalid tables are reported as ranges, not errors; the
 * return value is an error only when nothing sensible can go on.
 */
vmmap_status vmmap_walk(struct vmmap_ctx *ctx, vmmap_addr_t first,
			vmmap_addr_t last, unsigned flags,
			vmmap_range_fn *fn, void *arg);

/** One level of a translation. */
struct vmmap_vtop_level {
	const char *name;	/**< "pgd", "pud", ... */
	vmmap_addr_t table;	/**< physical address of the table */
	unsigned index;
	vmmap_addr_t entry_addr;
	uint64_t entry;
};

struct vmmap_vtop {
	vmmap_addr_t vaddr, paddr;
	uint64_t page_size;
	uint64_t prot, eff;
	int nlevels;		/**< levels visited, the last one the leaf */
	struct vmmap_vtop_level levels[VMMAP_MAX_LEVELS];
};

/**
 * Translate one virtual address, recording every level.  VMMAP_ERR_NOTMAPPED
 * (levels filled up to the empty entry) when not mapped.
 */
vmmap_status vmmap_vtop(struct vmmap_ctx *ctx, vmmap_addr_t vaddr,
			struct vmmap_vtop *ret);

/** One answer of vmmap_vtop_many(). */
struct vmmap_xlat {
	vmmap_addr_t paddr;	/**< when status is VMMAP_OK */
	uint64_t page_size;
	uint64_t prot, eff;	/**< attribute bits, as in vmmap_vtop */
	vmmap_status status;	/**< what vmmap_vtop() returns for it */
};

/**
 * Translate @p n addresses: @p out[i] is what vmmap_vtop() gives for
 * @p va[i], failures included (VMMAP_ERR_NOTMAPPED, NODATA, ...), with no
 * error message set for them.  The first batch of many addresses indexes
 * the map with one walk, kept in @p ctx until the map changes (a load,
 * vmmap_select_pid()/vmmap_select_mm()); each address is then one lookup,
 * in any order.  Returns an error only when the batch could not be done.
 */
vmmap_status vmmap_vtop_many(struct vmmap_ctx *ctx, const vmmap_addr_t *va,
			     size_t n, struct vmmap_xlat *out);

/** Read kernel-virtual memory through the walked tables. */
vmmap_status vmmap_read_virt(struct vmmap_ctx *ctx, vmmap_addr_t vaddr,
			     void *buf, size_t len);

/** What a mapped range allows, from its effective permissions. */
struct vmmap_perms {
	bool kernel_write;	/**< the kernel may write it */
	bool kernel_exec;	/**< the kernel may execute it */
	bool user_read;		/**< user mode may read it */
	bool user_write;	/**< user mode may write it */
	bool user_exec;		/**< user mode may execute it */
};

/** The permissions of a MAPPED range @p r (all false for others). */
void vmmap_range_perms(const struct vmmap_ctx *ctx, const struct vmmap_range *r,
		       struct vmmap_perms *perms);

/**
 * Names of the attributes set in @p r (effective permissions), e.g.
 * "present" "RW" "GLB" "NX"; returns how many were stored (at most @p max).
 */
size_t vmmap_flag_names(const struct vmmap_ctx *ctx,
			const struct vmmap_range *r, const char **names,
			size_t max);

/* ---- Extracts -------------------------------------------------------- */

/**
 * From now on, note which physical memory the library reads from the
 * memory source (the caches are emptied, so nothing read before counts),
 * for vmmap_write_extract().  The context must be loaded again.
 */
vmmap_status vmmap_record_reads(struct vmmap_ctx *ctx);

/**
 * Write an extract of the dump to @p path (created, never overwritten: the
 * file must not exist): an ELF core file of the loaded context's
 * architecture holding only the physical memory read since
 * vmmap_record_reads() (every page-table page of the walks done, the pages
 * of the kernel variables and symbol tables decoded), the VMCOREINFO in use,
 * and a "VMMAP" note saying it is an extract (of which file, the memory's
 * end, the architecture, release, registers and symbols given).  Opened
 * with vmmap_open_dump(), it gives the same map as the dump did.  The
 * number of bytes of memory written goes to @p bytes_ret if not NULL.
 */
vmmap_status vmmap_write_extract(struct vmmap_ctx *ctx, const char *path,
				 const char *source_name, uint64_t *bytes_ret);

/* ---- Checks of the whole map ---------------------------------------- */

/** The checks of vmmap_opts.checks (--check=LIST). */
#define VMMAP_CHECK_WX		0x1	/**< writable and executable */
#define VMMAP_CHECK_WX_ALIAS	0x2	/**< a page writable at one address and
					     executable at another */
#define VMMAP_CHECK_USER	0x4	/**< kernel memory user mode reaches */
#define VMMAP_CHECK_ALL		0x7
/** In a user address space (vmmap_select_mm()): wx is a page user mode
 * may write and execute, user a user page mapping kernel memory (above
 * the user part, or the kernel image's physical pages outside the
 * kernel's own special mappings), and: */
#define VMMAP_CHECK_NOVMA	0x8	/**< present pages outside any VMA */
#define VMMAP_CHECK_VMAPERM	0x10	/**< pages allowing more than their VMA */
#define VMMAP_CHECK_USER_ALL	0x1d

/** Findings of the last vmmap_run() with checks, or differences of the
 * last one with --diff (0: clean, the same). */
uint64_t vmmap_findings(const struct vmmap_ctx *ctx);

/* ---- What the kernel's own data structures say ---------------------- */

/*
 * The kernel's types come from its BTF (CONFIG_DEBUG_INFO_BTF: the blob in
 * its image, found through __start_BTF or by its header) or, for kernels
 * without, from the vmlinux given with vmmap_load_symbols() (its BTF or
 * DWARF); symbols from what was given, the dump's kallsyms (VMCOREINFO
 * v6.0+) and VMCOREINFO.  Each call below says in its error which type,
 * member or symbol the dump lacks.  Results are kept in the context until
 * it is loaded again.
 */

/** Where the kernel's types come from ("the dump's BTF ..."), or NULL and
 * the reason in vmmap_errmsg(). */
const char *vmmap_types_source(struct vmmap_ctx *ctx);

/** Offset and size (bytes) of member @p path ("list", "busy.head") of
 * struct or union @p type, from the kernel's types. */
vmmap_status vmmap_type_member(struct vmmap_ctx *ctx, const char *type,
			       const char *path, uint64_t *offset_ret,
			       uint64_t *size_ret);

/** @p addr as the kernel's "%pS" prints it ("kernel_clone+0xbf/0x430",
 * "fw_cfg_sysfs_probe+0x28c/0x8e4 [qemu_fw_cfg]", or "0x..."). */
vmmap_status vmmap_symbolize(struct vmmap_ctx *ctx, vmmap_addr_t addr,
			     char *buf, size_t size);

/** A kernel object that owns part of the kernel's address space. */
struct vmmap_object {
	vmmap_addr_t start, last;	/**< inclusive */
	/** "vmalloc", "ioremap", "vmap", "vm_map_ram", "unpurged" (vmap
	 * areas), "module", "stack", "percpu", "kfence", "bpf" (a JITed
	 * program, trampoline or dispatcher), "slab" (with
	 * vmmap_label_slabs()) */
	const char *kind;
	/** The label: "module loop .text", "stack PID 1 (sh)",
	 * "vmalloc kernel_clone+0xbf/0x430" */
	const char *name;
	/** vmap areas: the caller ("%pS"), NULL if none */
	const char *caller;
	/** ioremap and slab: the physical address, else 0 */
	vmmap_addr_t phys;
	uint64_t pages;		/**< vmap areas: pages allocated; slab: pages */
	int64_t pid;		/**< stacks: the task's PID, else -1 */
	const char *module;	/**< modules: the name, else NULL */
	const char *section;	/**< modules: ".text", ... */
	/** The kernel structure it comes from: vm_struct (vmap_area when
	 * there is none), struct module, task_struct, kmem_cache, bpf_ksym;
	 * 0 if none. */
	vmmap_addr_t addr;
};

/**
 * The kernel's objects, sorted by start (an object may lie inside another:
 * a module's sections in its vmalloc area, a task's stack in its).  What
 * could not be read (a symbol or type the dump lacks) leaves those objects
 * out; vmmap_object_notes() says which and why.  VMMAP_ERR_NOINFO when
 * nothing could be read (no types).
 */
vmmap_status vmmap_objects(struct vmmap_ctx *ctx,
			   const struct vmmap_object **objs_ret,
			   size_t *n_ret);
/** The innermost object holding @p addr, or NULL (after vmmap_objects()). */
const struct vmmap_object *vmmap_object_of(struct vmmap_ctx *ctx,
					   vmmap_addr_t addr);
/**
 * Also label the slab pages of the direct map (kind "slab", name "slab
 * CACHE"), one object per run of pages of one cache: reads every struct
 * page (vmmap_slabs()).  Before vmmap_objects(); off by default.
 */
vmmap_status vmmap_label_slabs(struct vmmap_ctx *ctx, bool on);

/** A slab cache and its slabs, as /proc/slabinfo lists it. */
struct vmmap_slab_cache {
	const char *name;
	vmmap_addr_t cache;		/**< its struct kmem_cache */
	uint64_t slabs;			/**< slabs found in the memory map */
	uint64_t pages;			/**< their pages */
	uint64_t objsize;		/**< kmem_cache.size */
	/** SLUB's kmem_cache.oo: 1 << order, objects (0: unknown) */
	unsigned pages_per_slab, objs_per_slab;
};

/**
 * The slab caches that own pages, by name: every struct page of the
 * memory map is read (64 bytes a page), so this costs time in proportion
 * to the dump's memory.  VMMAP_ERR_NOINFO naming what the kernel lacks
 * (VMCOREINFO's PG_slab or PAGE_SLAB_MAPCOUNT_VALUE, its memory sections,
 * a type).
 */
vmmap_status vmmap_slabs(struct vmmap_ctx *ctx,
			 const struct vmmap_slab_cache **caches_ret,
			 size_t *n_ret);

/** Why some objects are missing: one line each. */
size_t vmmap_object_note_count(struct vmmap_ctx *ctx);
const char *vmmap_object_note(struct vmmap_ctx *ctx, size_t i);

/** Print the kernel's /proc/vmallocinfo, from its vmap areas. */
vmmap_status vmmap_vmallocinfo(struct vmmap_ctx *ctx, FILE *out);

/** A loaded module, as /proc/modules shows it. */
struct vmmap_module {
	const char *name;
	vmmap_addr_t addr;	/**< its text (/proc/modules' address) */
	uint64_t size;		/**< /proc/modules' size */
	const char *state;	/**< "Live", "Loading", "Unloading" */
	vmmap_addr_t module;	/**< the struct module */
	/** /proc/modules' reference count (CONFIG_MODULE_UNLOAD), and
	 * whether it could be read (else /proc/modules prints "-") */
	int64_t refcnt;
	bool refcnt_known;
	/** the modules using it as /proc/modules lists them ("vfat,",
	 * "[permanent],"), "-" for none or unknown */
	const char *deps;
	/** its taint flags as /proc/modules prints them after the address
	 * ("(OE)", "(E-)" when unloading), "" for none */
	const char *flags;
};
vmmap_status vmmap_modules(struct vmmap_ctx *ctx,
			   const struct vmmap_module **mods_ret,
			   size_t *n_ret);

/** A task (every thread of every process, and each CPU's idle task). */
struct vmmap_task {
	int64_t pid, tgid;
	char comm[17];
	vmmap_addr_t task;	/**< the task_struct */
	vmmap_addr_t mm;	/**< its mm_struct, 0 for kernel threads */
	vmmap_addr_t stack;	/**< task_struct.stack */
	uint64_t stack_size;	/**< THREAD_SIZE */
	bool kthread;
	int idle_cpu;		/**< the CPU whose idle task it is, else -1 */
};
vmmap_status vmmap_tasks(struct vmmap_ctx *ctx,
			 const struct vmmap_task **tasks_ret, size_t *n_ret);

/** A VMA of a user address space, as /proc/PID/maps shows it. */
struct vmmap_vma {
	vmmap_addr_t start, last;	/**< inclusive (maps: last + 1) */
	uint64_t flags;			/**< vm_flags */
	char perms[5];			/**< "r-xp" */
	uint64_t offset;		/**< vm_pgoff << PAGE_SHIFT */
	unsigned dev_major, dev_minor;
	uint64_t inode;
	/** the file's path, "[heap]", "[stack]", "[vdso]", ... or "" */
	const char *name;
	vmmap_addr_t vma;		/**< the vm_area_struct */
};

/** The VMAs of the mm_struct at @p mm, in address order. */
vmmap_status vmmap_vmas(struct vmmap_ctx *ctx, vmmap_addr_t mm,
			const struct vmmap_vma **vmas_ret, size_t *n_ret);

/**
 * Make the user address space of the mm_struct at @p mm the one that
 * vmmap_walk(), vmmap_vtop(), the regions and vmmap_run() work on: its
 * page tables (mm->pgd, walked with the kernel's descriptor), its regions
 * the VMAs (id "vma", the maps line as name) and the gaps between them
 * (id "novma").  @p mm 0: back to the kernel's.  Kernel objects are still
 * read through the kernel's tables.
 */
vmmap_status vmmap_select_mm(struct vmmap_ctx *ctx, vmmap_addr_t mm);
/** The same for the task with PID @p pid (its mm_struct). */
vmmap_status vmmap_select_pid(struct vmmap_ctx *ctx, int64_t pid);
/** The mm_struct selected, 0 for the kernel's address space. */
vmmap_addr_t vmmap_selected_mm(const struct vmmap_ctx *ctx);

/* ---- Commands shared by every front end ------------------------------ */

enum vmmap_format {
	VMMAP_FMT_TABLE,
	VMMAP_FMT_PTDUMP,
	VMMAP_FMT_JSON,
	VMMAP_FMT_SVG,		/**< the map drawn: one box per region */
	VMMAP_FMT_HTML,		/**< the SVG in a page with a detail panel */
};

/** Options common to vmmap-dump, the crash command and the GDB command. */
struct vmmap_opts {
	enum vmmap_format format;
	bool layout;		/**< --layout: parameters only */
	bool stats;		/**< --stats */
	bool raw;		/**< --raw: do not merge */
	bool no_holes;		/**< --no-holes */
	bool all;		/**< --all: no per-region line limit */
	const char *region;	/**< --region ID */
	bool have_range;
	vmmap_addr_t range_first, range_last;	/**< --range A-B */
	bool have_vtop;
	vmmap_addr_t vtop_addr;	/**< --vtop ADDR */
	/** --vtop=- (standard input) or --vtop=@FILE: many addresses, one
	 * per line, translated in one batch (vmmap_vtop_many()) */
	const char *vtop_list;
	const char *vmcoreinfo;	/**< --vmcoreinfo FILE */
	const char *symbols;	/**< --vmlinux / --symbols FILE */
	const char *arch;	/**< --arch NAME */
	const char *dump;	/**< positional: the dump file */
	const char *extract;	/**< --extract FILE: write an extract */
	bool force;		/**< --force: print a map that fails its
				     sanity checks, with a warning */
	unsigned checks;	/**< --check[=LIST]: VMMAP_CHECK_* */
	const char *ptov;	/**< --ptov=LIST: physical addresses/ranges */
	const char *diff;	/**< --diff=OTHER: a dump, JSON map or ptdump
				     text to compare with */
	bool quiet;		/**< --quiet: no progress bar */
	/** --objects: label each range with the kernel object it lies in
	 * (a column of the table, "object" in JSON); --objects=list: the
	 * objects themselves */
	bool objects;
	bool objects_list;
	bool slabs_label;	/**< --objects=slabs, list,slabs */
	bool vmallocinfo;	/**< --vmallocinfo */
	bool modules;		/**< --modules: as /proc/modules */
	bool tasks;		/**< --tasks: every task */
	/** --slabs: the slab caches' pages, as /proc/slabinfo; with
	 * --objects or --objects=list (--objects=slabs, list,slabs): the
	 * direct map's slab pages labelled too */
	bool slabs;
	/** --pid=N / --mm=ADDR: that user address space instead */
	bool have_pid;
	int64_t pid;
	vmmap_addr_t mm;
	bool all_tasks;		/**< --all-tasks: every user address space */
	bool help;
};

/**
 * Parse options (argv[0] is the command name) into @p opts.  On a usage
 * error, returns VMMAP_ERR_ARG with the message in @p ctx.
 */
vmmap_status vmmap_parse_opts(struct vmmap_ctx *ctx, int argc, char **argv,
			      struct vmmap_opts *opts);
/** The usage text of the options, for --help / crash's help. */
void vmmap_print_usage(FILE *fp, const char *prog);

/** Apply --vmcoreinfo/--symbols/--arch of @p opts to @p ctx. */
vmmap_status vmmap_apply_opts(struct vmmap_ctx *ctx,
			      const struct vmmap_opts *opts);
/** Print what @p opts ask for from a loaded context. */
vmmap_status vmmap_run(struct vmmap_ctx *ctx, const struct vmmap_opts *opts,
		       FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* VMMAP_H */
