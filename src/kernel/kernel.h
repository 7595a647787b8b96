/*
 * kernel/kernel.h - the kernel room: what the kernel's own data structures
 * say about its memory.  Not installed.
 *
 * The rooms, bottom up (doc/design.md): core, arch, source, kernel (this),
 * output.  The kernel room reads kernel memory through the walked tables
 * (virt_read()), learns structure layouts from the kernel's types (the BTF
 * blob in its image, or a vmlinux's BTF or DWARF: types.c) and symbol
 * addresses from what was given, the dump's kallsyms or VMCOREINFO
 * (ksym.c), and builds from them:
 *
 *   vmalloc.c  the vmap areas (vmap_area list or vmap nodes, vm_struct)
 *   modules.c  the loaded modules and their sections, their symbols
 *   tasks.c    every task (PID, comm, stack, mm), per-CPU idle tasks
 *   objects.c  the labels of the kernel map (vmmap_objects())
 *   slab.c     the slab pages of the memory map, by cache (vmmap_slabs())
 *   kfence.c   the KFENCE pool's place and size (objects.c, slab.c)
 *   mm.c       user address spaces: VMAs (maple tree or list), the
 *              mm's tables walked as an address space of their own
 *
 * Nothing here knows an architecture: what differs (a user space's table
 * shape) is asked of the descriptor.  Every rule about a kernel structure
 * cites the kernel version it holds for.
 */
#ifndef VMMAP_KERNEL_H
#define VMMAP_KERNEL_H

#include "source/source.h"

/* ---- types (types.c) ------------------------------------------------- */

/* Where a member lies: its offset and size in bytes; an array's element
 * count and size (else nelem 0). */
struct kmember {
	uint64_t off, size;
	uint64_t nelem, elem_size;
};

/*
 * @type's member @path ("list", "busy.head", "context.asce"), anonymous
 * structs and unions looked through.  @type is a struct or union tag.
 * VMMAP_ERR_NOINFO with a message naming the type or member missing (and
 * the kernel's types at all when it has none).
 */
vmmap_status kt_member(struct vmmap_ctx *ctx, const char *type,
		       const char *path, struct kmember *m);
/* The same, false without a message when the member does not exist. */
bool kt_has(struct vmmap_ctx *ctx, const char *type, const char *path);
vmmap_status kt_size(struct vmmap_ctx *ctx, const char *type,
		     uint64_t *size_ret);
/* The value of enumerator @name of enum @type ("module_state"). */
vmmap_status kt_enum(struct vmmap_ctx *ctx, const char *type,
		     const char *name, int64_t *value_ret);
/* Where the types come from ("the dump's BTF (4.2 MiB at 0x...)"). */
const char *kt_source(struct vmmap_ctx *ctx);
/* Load them now: VMMAP_OK, or why there are none. */
vmmap_status kt_load(struct vmmap_ctx *ctx);

/* A set of members resolved at once: fields[i] = "type.member"; out[i]
 * filled; optional ones (a leading '?') get size 0 when missing. */
vmmap_status kt_members(struct vmmap_ctx *ctx, const char *const *fields,
			size_t n, struct kmember *out);

/* ---- reading kernel memory (kread.c) --------------------------------- */

unsigned kr_ptr_size(const struct vmmap_ctx *ctx);
/* Is @addr in a region of the kernel's layout with this @id; its end. */
bool kr_region_last(const struct vmmap_ctx *ctx, vmmap_addr_t addr,
		    const char *id, vmmap_addr_t *last_ret);
/* The kernel's PAGE_SIZE: what its last-level entries map. */
uint64_t kr_page_size(const struct vmmap_ctx *ctx);
vmmap_status kr_read(struct vmmap_ctx *ctx, vmmap_addr_t addr, void *buf,
		     size_t len);
/* An unsigned integer of @size bytes (1, 2, 4, 8) in the kernel's order. */
vmmap_status kr_uint(struct vmmap_ctx *ctx, vmmap_addr_t addr, unsigned size,
		     uint64_t *v);
vmmap_status kr_ptr(struct vmmap_ctx *ctx, vmmap_addr_t addr, uint64_t *v);
/* A member of @m at @obj (its size: 1-8 bytes). */
vmmap_status kr_member(struct vmmap_ctx *ctx, vmmap_addr_t obj,
		       const struct kmember *m, uint64_t *v);
/* From a buffer holding the object read: no error possible. */
uint64_t kr_get(const struct vmmap_ctx *ctx, const uint8_t *obj,
		const struct kmember *m);
/* A NUL-terminated string of at most @size - 1 bytes (cut there). */
vmmap_status kr_str(struct vmmap_ctx *ctx, vmmap_addr_t addr, char *buf,
		    size_t size);

/* ---- symbols (ksym.c) ------------------------------------------------ */

/* A symbol's address: given (vmlinux, System.map, a debugger), the dump's
 * kallsyms, VMCOREINFO. */
bool ks_addr(struct vmmap_ctx *ctx, const char *name, uint64_t *addr_ret);
/* The same, VMMAP_ERR_NOINFO with a message that names the symbol and
 * says what the dump lacks (kallsyms without data symbols, ...). */
vmmap_status ks_need(struct vmmap_ctx *ctx, const char *name,
		     uint64_t *addr_ret);
/* The core kernel's symbol holding @addr (kallsyms' reading of it), its
 * offset and size; false if the address is not the core kernel's. */
bool ks_core_symbol(struct vmmap_ctx *ctx, uint64_t addr,
		    const char **name_ret, uint64_t *off_ret,
		    uint64_t *size_ret);
/* Does the dump's kallsyms list data symbols too (CONFIG_KALLSYMS_ALL)?
 * Then a symbol it lacks is not in the kernel. */
bool ks_complete(struct vmmap_ctx *ctx);
/* The name of the symbol at exactly @addr (NULL if none). */
const char *ks_name_at(struct vmmap_ctx *ctx, uint64_t addr);

/* ---- the KFENCE pool (kfence.c) ----------------------------------- */

/* Its address and size in bytes; size 0: the kernel has none. */
vmmap_status kkfence_pool(struct vmmap_ctx *ctx, vmmap_addr_t *pool_ret,
			  uint64_t *size_ret);

/* ---- what the kernel room keeps in the context ----------------------- */

struct types;
struct gsym;
struct seg;

/* One vmap area, as /proc/vmallocinfo prints it (vmalloc.c). */
struct karea {
	vmmap_addr_t vmap_area;
	vmmap_addr_t va_start, va_end;	/* the vmap_area (end exclusive) */
	vmmap_addr_t vm;		/* its vm_struct, 0: none */
	vmmap_addr_t addr, size;	/* vm->addr, vm->size */
	uint64_t flags, nr_pages, phys;
	vmmap_addr_t caller, pages;
	unsigned page_order;
	bool unpurged;			/* lazily freed, not yet purged */
	bool map_ram;			/* vm_map_ram (no vm_struct) */
	bool skip;			/* not printed by vmallocinfo */
};

struct kmodule {
	char name[64];
	vmmap_addr_t mod;		/* struct module */
	vmmap_addr_t addr;		/* as /proc/modules prints it */
	uint64_t size;			/* the same */
	int64_t state;
	struct {
		vmmap_addr_t base;
		uint64_t size;
		const char *name;	/* ".text", ".rodata", ... */
	} sec[12];
	unsigned nsec;
	/* its symbols (mod->kallsyms), read when first needed */
	vmmap_addr_t symtab, strtab;
	uint64_t num_symtab;
	/* /proc/modules' reference count and users (CONFIG_MODULE_UNLOAD) */
	int64_t refcnt;
	bool refcnt_known;
	char deps[256];			/* "vfat,", "[permanent],", "-" */
	char flags[72];			/* "(OE)", "" without taints */
};

struct ktask {
	vmmap_addr_t task, mm, stack;
	uint64_t stack_size;
	int64_t pid, tgid;
	char comm[17];
	bool kthread;
	int idle_cpu;			/* a CPU's idle task, else -1 */
};

/* Pages of slabs of one cache, contiguous in pfns (slab.c). */
struct kslab_run {
	uint64_t pfn, npages;
	size_t cache;			/* index in kern.slab_caches */
};

struct kern {
	struct types *types;
	void (*types_free)(struct types *t);
	vmmap_status types_st;
	char *types_err;

	/* the given symbols, by address (for %pS without kallsyms) */
	struct gsym *gsyms;
	size_t ngsyms;
	bool gsyms_done;
	bool ksyms_data, ksyms_data_known;	/* kallsyms has data symbols */

	struct karea *areas;
	size_t nareas;
	bool areas_done;
	vmmap_status areas_st;
	char *areas_err;
	unsigned numa;			/* 0: no NUMA; else nodes online */
	int numa_node;			/* the one node online */

	struct kmodule *mods;
	size_t nmods;
	bool mods_done;
	vmmap_status mods_st;
	char *mods_err;

	struct ktask *tasks;
	size_t ntasks;
	bool tasks_done;
	vmmap_status tasks_st;
	char *tasks_err;

	struct vmmap_object *objs;
	size_t nobjs;
	struct seg *segs;		/* the space, labelled */
	size_t nsegs;
	char **strs;			/* the objects' strings */
	size_t nstrs;
	bool objs_done;
	vmmap_status objs_st;
	char *objs_err;
	struct vmmap_module *pub_mods;
	struct vmmap_task *pub_tasks;
	bool slab_objects;		/* label slab pages (vmmap_label_slabs) */
	char **obj_notes;		/* what could not be labelled, why */
	size_t nobj_notes;
	bool notes_warned;

	struct vmmap_slab_cache *slab_caches;	/* by name */
	size_t nslab_caches;
	struct kslab_run *slab_runs;	/* with runs: by pfn */
	size_t nslab_runs;
	bool slabs_done, slabs_runs;
	vmmap_status slabs_st;
	char *slabs_err;

	struct vmmap_vma *vmas;		/* of the mm last asked */
	size_t nvmas;
	vmmap_addr_t vmas_mm;
	char *vma_names;
	vmmap_addr_t sel_mm;		/* the space entered */
	char *sel_names;		/* its regions' names */
	struct kspan *img;		/* the kernel image's physical pages */
	size_t nimg;
	bool img_done;
	uint64_t zero_va, zero_pa;	/* empty_zero_page, 0: not known */
};

struct kspan {
	uint64_t first, last;
};

struct kern *kern_of(struct vmmap_ctx *ctx);
/* A cached failure said again: the status and its message. */
vmmap_status kern_fail_again(struct vmmap_ctx *ctx, vmmap_status st,
			     const char *msg);
/* Keep @st's message in *@msg_ret (for kern_fail_again()). */
vmmap_status kern_keep_fail(struct vmmap_ctx *ctx, vmmap_status st,
			    char **msg_ret);

/* vmalloc.c */
vmmap_status kvmalloc_areas(struct vmmap_ctx *ctx, const struct karea **ret,
			    size_t *n_ret);
/* The /proc/vmallocinfo line of @a (no newline). */
void kvmalloc_line(struct vmmap_ctx *ctx, const struct karea *a, char *buf,
		   size_t size);

/* modules.c */
vmmap_status kmodules(struct vmmap_ctx *ctx, const struct kmodule **ret,
		      size_t *n_ret);
/* @addr as the kernel's %pS prints it: "name+0xoff/0xsize", with
 * " [module]" for a module's; "0x..." when no symbol holds it. */
void ks_symbolize(struct vmmap_ctx *ctx, uint64_t addr, char *buf,
		  size_t size);

/* tasks.c */
vmmap_status ktasks(struct vmmap_ctx *ctx, const struct ktask **ret,
		    size_t *n_ret);
/* Each CPU's __per_cpu_offset[] (of the possible ones: possible[i]);
 * both arrays are the caller's to free. */
vmmap_status kpercpu_offsets(struct vmmap_ctx *ctx, uint64_t **offs_ret,
			     bool **possible_ret, size_t *n_ret);

/* objects.c */
vmmap_status kobjects(struct vmmap_ctx *ctx);
/* The object labelling @a (NULL: none) and the last address of the piece
 * with that label. */
const struct vmmap_object *kobject_at(struct vmmap_ctx *ctx, vmmap_addr_t a,
				      vmmap_addr_t *seg_last);

/* slab.c: the slab caches' pages, and with @runs where they are */
vmmap_status kslabs(struct vmmap_ctx *ctx, bool runs);

/* mm.c */
vmmap_status kmm_vmas(struct vmmap_ctx *ctx, vmmap_addr_t mm,
		      const struct vmmap_vma **ret, size_t *n_ret);
/* Does physical [first, last] hold pages the kernel image's mapping maps
 * (known once a user space was selected)? */
bool kmm_kernel_image_phys(struct vmmap_ctx *ctx, uint64_t first,
			   uint64_t last);
/* Is physical [first, last] in the kernel's shared zero page? */
bool kmm_zero_page(struct vmmap_ctx *ctx, uint64_t first, uint64_t last);

/* Free the kernel room's data (the context's kern_free). */
void kern_free(struct vmmap_ctx *ctx);

#endif /* VMMAP_KERNEL_H */
