/*
 * vmalloc.c - the kernel's vmap areas, as /proc/vmallocinfo lists them.
 *
 * Where the busy areas are kept (mm/vmalloc.c):
 *   up to v6.8: the global vmap_area_list, sorted by address, linked by
 *     vmap_area.list (VMCOREINFO has SYMBOL(vmap_area_list) and
 *     OFFSET(vmap_area.list) for makedumpfile);
 *   v6.9+ (struct vmap_node, "mm: vmalloc: add a vmap_node"): an array
 *     vmap_nodes[nr_vmap_nodes], each with its busy list busy.head and
 *     its lazily freed list lazy.head, the global list gone.
 * The lazily freed ("unpurged") areas: v5.10 an llist vmap_purge_list
 * through vmap_area.purge_list; v5.13 to v6.8 the list purge_vmap_area_list
 * through vmap_area.list; v6.9+ each node's lazy.head.
 *
 * What s_show() / vmalloc_info_show() print for an area (v5.10 to v7.2):
 * "0x%pK-0x%pK %7ld" of vm->addr, vm->addr + vm->size, vm->size, then
 * " %pS" of vm->caller, " pages=%d", " phys=%pa", the flags ioremap,
 * sparse (VM_SPARSE, v6.9+), vmalloc, vmap, user, dma-coherent, " vpages"
 * when vm->pages is itself vmalloc'ed, and with CONFIG_NUMA " N<node>=<n>"
 * for the pages on each node.  An area without vm_struct prints
 * "vm_map_ram" (v6.3+: only when its flags say VMAP_RAM).  v6.9+ skips the
 * areas still VM_UNINITIALIZED; before, they print without node counts.
 */
#include "config.h"
#include "kernel/kernel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* include/linux/vmalloc.h, v5.10 to v7.2 (the values have not moved) */
#define VM_IOREMAP		0x00000001
#define VM_ALLOC		0x00000002
#define VM_MAP			0x00000004
#define VM_USERMAP		0x00000008
#define VM_DMA_COHERENT		0x00000010
#define VM_UNINITIALIZED	0x00000020
#define VM_SPARSE		0x00001000	/* v6.9+ */
/* mm/vmalloc.c, v6.3+: vmap_area.flags */
#define VMAP_RAM		0x1

/* Bound on a list's length against a corrupt (cyclic) one. */
#define MAX_AREAS (1u << 22)

enum {
	F_VA_START, F_VA_END, F_VA_LIST, F_VA_VM, F_VA_FLAGS, F_VA_PURGE,
	F_VM_ADDR, F_VM_SIZE, F_VM_FLAGS, F_VM_PAGES, F_VM_NR_PAGES,
	F_VM_PHYS, F_VM_CALLER, F_VM_ORDER, NF
};

static const char *const fields[NF] = {
	[F_VA_START] = "vmap_area.va_start",
	[F_VA_END] = "vmap_area.va_end",
	[F_VA_LIST] = "vmap_area.list",
	[F_VA_VM] = "vmap_area.vm",
	[F_VA_FLAGS] = "?vmap_area.flags",		/* v6.3+ */
	[F_VA_PURGE] = "?vmap_area.purge_list",		/* up to v5.12 */
	[F_VM_ADDR] = "vm_struct.addr",
	[F_VM_SIZE] = "vm_struct.size",
	[F_VM_FLAGS] = "vm_struct.flags",
	[F_VM_PAGES] = "vm_struct.pages",
	[F_VM_NR_PAGES] = "vm_struct.nr_pages",
	[F_VM_PHYS] = "vm_struct.phys_addr",
	[F_VM_CALLER] = "vm_struct.caller",
	/* CONFIG_HAVE_ARCH_HUGE_VMALLOC, v5.13+ */
	[F_VM_ORDER] = "?vm_struct.page_order",
};

struct walk {
	struct vmmap_ctx *ctx;
	struct kern *k;
	struct kmember f[NF];
	size_t cap;
};

static vmmap_status add_area(struct walk *w, const struct karea *a)
{
	struct kern *k = w->k;

	if (k->nareas == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 256;
		struct karea *nv = realloc(k->areas, cap * sizeof(*nv));

		if (!nv)
			return set_nomem(w->ctx);
		k->areas = nv;
		w->cap = cap;
	}
	k->areas[k->nareas++] = *a;
	return VMMAP_OK;
}

/* The vmap_area at @va (busy, or lazily freed). */
static vmmap_status read_area(struct walk *w, vmmap_addr_t va, bool lazy,
			      bool nodes)
{
	struct vmmap_ctx *ctx = w->ctx;
	const struct kmember *f = w->f;
	struct karea a;
	uint8_t vm[512];
	uint64_t vm_size = f[F_VM_CALLER].off + f[F_VM_CALLER].size;
	vmmap_status st;

	memset(&a, 0, sizeof(a));
	a.vmap_area = va;
	if ((st = kr_member(ctx, va, &f[F_VA_START], &a.va_start)) ||
	    (st = kr_member(ctx, va, &f[F_VA_END], &a.va_end)))
		return vmmap_set_error(ctx, st, "vmap_area at 0x%" PRIx64, va);
	if (lazy) {
		a.unpurged = true;
		a.addr = a.va_start;
		a.size = a.va_end - a.va_start;
		return add_area(w, &a);
	}
	if ((st = kr_member(ctx, va, &f[F_VA_VM], &a.vm)))
		return vmmap_set_error(ctx, st, "vmap_area at 0x%" PRIx64, va);
	if (!a.vm) {
		uint64_t flags = 0;

		a.map_ram = true;
		a.addr = a.va_start;
		a.size = a.va_end - a.va_start;
		a.vm = 0;
		if (f[F_VA_FLAGS].size &&
		    !kr_member(ctx, va, &f[F_VA_FLAGS], &flags) &&
		    !(flags & VMAP_RAM))
			a.skip = true;
		return add_area(w, &a);
	}
	if (f[F_VM_ORDER].size &&
	    f[F_VM_ORDER].off + f[F_VM_ORDER].size > vm_size)
		vm_size = f[F_VM_ORDER].off + f[F_VM_ORDER].size;
	if (vm_size > sizeof(vm))
		return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP,
				       "struct vm_struct is %" PRIu64 " bytes",
				       vm_size);
	st = kr_read(ctx, a.vm, vm, vm_size);
	if (st)
		return vmmap_set_error(ctx, st, "vm_struct at 0x%" PRIx64
				       " (of vmap_area 0x%" PRIx64 ")", a.vm,
				       va);
	a.addr = kr_get(ctx, vm, &f[F_VM_ADDR]);
	a.size = kr_get(ctx, vm, &f[F_VM_SIZE]);
	a.flags = kr_get(ctx, vm, &f[F_VM_FLAGS]);
	a.pages = kr_get(ctx, vm, &f[F_VM_PAGES]);
	a.nr_pages = kr_get(ctx, vm, &f[F_VM_NR_PAGES]);
	a.phys = kr_get(ctx, vm, &f[F_VM_PHYS]);
	a.caller = kr_get(ctx, vm, &f[F_VM_CALLER]);
	a.page_order = f[F_VM_ORDER].size ?
		       (unsigned)kr_get(ctx, vm, &f[F_VM_ORDER]) : 0;
	if (nodes && (a.flags & VM_UNINITIALIZED))
		a.skip = true;
	return add_area(w, &a);
}

/* The entries of the list headed at @head, linked through the member at
 * @link_off of each vmap_area. */
static vmmap_status read_list(struct walk *w, vmmap_addr_t head,
			      uint64_t link_off, bool lazy, bool nodes)
{
	vmmap_addr_t node;
	vmmap_status st;
	size_t n = 0;

	st = kr_ptr(w->ctx, head, &node);
	while (!st && node != head) {
		if (!node || ++n > MAX_AREAS)
			return vmmap_set_error(w->ctx, VMMAP_ERR_INVALID,
				"the vmap area list at 0x%" PRIx64 " is "
				"broken after %zu entries", head, n);
		st = read_area(w, node - link_off, lazy, nodes);
		if (!st)
			st = kr_ptr(w->ctx, node, &node);
	}
	return st;
}

/* v5.10's llist of lazily freed areas (first pointer, NULL-terminated). */
static vmmap_status read_llist(struct walk *w, vmmap_addr_t head,
			       uint64_t link_off)
{
	vmmap_addr_t node;
	vmmap_status st;
	size_t n = 0;

	st = kr_ptr(w->ctx, head, &node);
	while (!st && node) {
		if (++n > MAX_AREAS)
			return vmmap_set_error(w->ctx, VMMAP_ERR_INVALID,
				"the vmap purge list is too long");
		st = read_area(w, node - link_off, true, false);
		if (!st)
			st = kr_ptr(w->ctx, node, &node);
	}
	return st;
}

static void note(struct vmmap_ctx *ctx, const char *what)
{
	add_warning(ctx, "%s: %s", what, vmmap_errmsg(ctx));
	vmmap_clear_error(ctx);
}

/* v6.9+: node by node, busy areas then (after all nodes) lazy ones. */
static vmmap_status read_nodes(struct walk *w)
{
	struct vmmap_ctx *ctx = w->ctx;
	struct kmember busy, lazy;
	uint64_t nodes, nr, size;
	vmmap_addr_t sym;
	vmmap_status st;
	uint64_t i;
	int pass;

	if ((st = kt_member(ctx, "vmap_node", "busy.head", &busy)) ||
	    (st = kt_member(ctx, "vmap_node", "lazy.head", &lazy)) ||
	    (st = kt_size(ctx, "vmap_node", &size)) ||
	    (st = ks_need(ctx, "vmap_nodes", &sym)) ||
	    (st = kr_ptr(ctx, sym, &nodes)) ||
	    (st = ks_need(ctx, "nr_vmap_nodes", &sym)) ||
	    (st = kr_uint(ctx, sym, 4, &nr)))
		return st;
	if (!nr || nr > 4096)
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				       "nr_vmap_nodes is %" PRIu64, nr);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nr && !st; i++) {
			vmmap_addr_t node = nodes + i * size;

			st = read_list(w, node + (pass ? lazy.off : busy.off),
				       w->f[F_VA_LIST].off, pass == 1, true);
		}
		if (st && pass == 1) {
			note(ctx, "vmallocinfo: the unpurged areas");
			st = VMMAP_OK;
		}
	}
	return st;
}

static vmmap_status read_global(struct walk *w)
{
	struct vmmap_ctx *ctx = w->ctx;
	vmmap_addr_t head;
	vmmap_status st;

	st = ks_need(ctx, "vmap_area_list", &head);
	if (!st)
		st = read_list(w, head, w->f[F_VA_LIST].off, false, false);
	if (st)
		return st;
	/* the lazily freed areas; a dump without them says so */
	if (ks_addr(ctx, "purge_vmap_area_list", &head))
		st = read_list(w, head, w->f[F_VA_LIST].off, true, false);
	else if (w->f[F_VA_PURGE].size && ks_addr(ctx, "vmap_purge_list",
						    &head))
		st = read_llist(w, head, w->f[F_VA_PURGE].off);
	else
		st = ks_need(ctx, w->f[F_VA_PURGE].size ? "vmap_purge_list"
			     : "purge_vmap_area_list", &head);
	if (st)
		note(ctx, "vmallocinfo: the unpurged areas (lazily freed, "
		     "listed last) are left out");
	return VMMAP_OK;
}

/* CONFIG_NUMA (struct pglist_data has min_unmapped_pages only then,
 * include/linux/mmzone.h v5.10 to v7.2), and the nodes online
 * (VMCOREINFO's node_online_map, every version). */
static void numa_nodes(struct vmmap_ctx *ctx, struct kern *k)
{
	vmmap_addr_t map;
	uint64_t size = 8, word, bits = 0, i;
	int node = -1;

	k->numa = 0;
	if (!kt_has(ctx, "pglist_data", "min_unmapped_pages"))
		return;
	k->numa = 2;	/* unknown: several */
	if (!ks_addr(ctx, "node_online_map", &map))
		return;
	if (vmci_number(ctx, "SIZE(nodemask_t)", &size) && size > 128)
		size = 128;
	for (i = 0; i < size; i += kr_ptr_size(ctx)) {
		if (kr_ptr(ctx, map + i, &word)) {
			vmmap_clear_error(ctx);
			return;
		}
		for (; word; word &= word - 1) {
			bits++;
			if (node < 0)
				node = (int)(i * 8 + __builtin_ctzll(word));
		}
	}
	if (bits == 1) {
		k->numa = 1;
		k->numa_node = node;
	}
}

vmmap_status kvmalloc_areas(struct vmmap_ctx *ctx, const struct karea **ret,
			    size_t *n_ret)
{
	struct kern *k = kern_of(ctx);
	struct walk w;
	vmmap_status st;

	if (!k)
		return set_nomem(ctx);
	if (k->areas_st)
		return kern_fail_again(ctx, k->areas_st, k->areas_err);
	if (!k->areas_done) {
		memset(&w, 0, sizeof(w));
		w.ctx = ctx;
		w.k = k;
		st = kt_members(ctx, fields, NF, w.f);
		if (!st)
			st = kt_has(ctx, "vmap_node", "busy.head")
			     ? read_nodes(&w) : read_global(&w);
		if (st) {
			free(k->areas);
			k->areas = NULL;
			k->nareas = 0;
			st = vmmap_set_error(ctx, st, "the vmap areas");
			k->areas_st = kern_keep_fail(ctx, st, &k->areas_err);
			return st;
		}
		numa_nodes(ctx, k);
		if (k->numa > 1)
			add_warning(ctx, "vmallocinfo: the pages per NUMA node "
				    "(N<node>=) are left out: several nodes "
				    "are online");
		k->areas_done = true;
	}
	*ret = k->areas;
	*n_ret = k->nareas;
	return VMMAP_OK;
}

/* mm/vmalloc.c is_vmalloc_addr(): the layout's vmalloc region. */
static bool is_vmalloc_addr(struct vmmap_ctx *ctx, vmmap_addr_t a)
{
	const struct vmmap_region *r;
	size_t i, n = ctx->kspace ? ctx->kspace->nregions : ctx->nregions;

	for (i = 0; i < n; i++) {
		r = ctx->kspace ? &ctx->kspace->regions[i] : &ctx->regions[i];
		if (a >= r->start && a <= r->last)
			return !strcmp(r->id, "vmalloc");
	}
	return false;
}

void kvmalloc_line(struct vmmap_ctx *ctx, const struct karea *a, char *buf,
		   size_t size)
{
	static const struct { uint64_t flag; const char *name; } names[] = {
		{ VM_IOREMAP, " ioremap" }, { VM_SPARSE, " sparse" },
		{ VM_ALLOC, " vmalloc" }, { VM_MAP, " vmap" },
		{ VM_USERMAP, " user" }, { VM_DMA_COHERENT, " dma-coherent" },
	};
	struct kern *k = ctx->kern;
	int w = 2 * (int)kr_ptr_size(ctx);
	size_t off;
	unsigned i;

#define ADD(...) do {							\
		if (off < size)						\
			off += snprintf(buf + off, size - off, __VA_ARGS__); \
	} while (0)
	off = 0;
	if (a->unpurged || a->map_ram) {
		ADD("0x%0*" PRIx64 "-0x%0*" PRIx64 " %7" PRId64 " %s", w,
		    a->va_start, w, a->va_end,
		    (int64_t)(a->va_end - a->va_start),
		    a->unpurged ? "unpurged vm_area" : "vm_map_ram");
		return;
	}
	ADD("0x%0*" PRIx64 "-0x%0*" PRIx64 " %7" PRId64, w, a->addr, w,
	    a->addr + a->size, (int64_t)a->size);
	if (a->caller) {
		char sym[256];

		ks_symbolize(ctx, a->caller, sym, sizeof(sym));
		ADD(" %s", sym);
	}
	if (a->nr_pages)
		ADD(" pages=%" PRIu64, a->nr_pages);
	if (a->phys) {
		struct kmember m;
		int pw = !kt_member(ctx, "vm_struct", "phys_addr", &m) &&
			 m.size ? 2 * (int)m.size : 16;

		vmmap_clear_error(ctx);
		ADD(" phys=0x%0*" PRIx64, pw, a->phys);
	}
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (a->flags & names[i].flag)
			ADD("%s", names[i].name);
	if (a->pages && is_vmalloc_addr(ctx, a->pages))
		ADD(" vpages");
	/* show_numa_info(): not for an uninitialized area; the pages
	 * counted in steps of the area's page order */
	if (k && k->numa == 1 && a->nr_pages &&
	    !(a->flags & VM_UNINITIALIZED)) {
		uint64_t step = (uint64_t)1 << (a->page_order < 32
						 ? a->page_order : 0);
		uint64_t n = (a->nr_pages + step - 1) / step * step;

		ADD(" N%d=%" PRIu64, k->numa_node, n);
	}
#undef ADD
}

#define PUBLIC __attribute__((visibility("default")))

PUBLIC vmmap_status vmmap_vmallocinfo(struct vmmap_ctx *ctx, FILE *out)
{
	const struct karea *a;
	vmmap_status st;
	size_t n, i;

	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_vmallocinfo() before vmmap_load()");
	st = kvmalloc_areas(ctx, &a, &n);
	if (st)
		return st;
	for (i = 0; i < n; i++) {
		char line[512];

		if (a[i].skip)
			continue;
		kvmalloc_line(ctx, &a[i], line, sizeof(line));
		fprintf(out, "%s\n", line);
	}
	return ferror(out) ? vmmap_set_error(ctx, VMMAP_ERR_IO,
					     "writing the output") : VMMAP_OK;
}
