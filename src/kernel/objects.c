/*
 * objects.c - the labels of the kernel map: which kernel object owns each
 * part of the address space.
 *
 * From the kernel's own structures: its vmap areas (vmalloc.c: caller,
 * pages, ioremap's physical address), the modules' sections (modules.c),
 * the tasks' stacks (tasks.c), the stacks cached for reuse after a task
 * exited (kernel/fork.c cached_stacks, a per-CPU array of vm_struct
 * pointers, v4.9 to v7.2), the per-CPU areas (mm/percpu.c: CPU n's unit
 * is pcpu_unit_size bytes at __per_cpu_start + __per_cpu_offset[n]) and
 * the KFENCE pool (mm/kfence/core.c __kfence_pool), the JITed BPF
 * programs, trampolines and dispatchers (kernel/bpf/core.c bpf_kallsyms:
 * /proc/kallsyms' [bpf] symbols, inside their bpf_prog_pack area where
 * there is one), and when asked
 * (vmmap_label_slabs()) the slab pages of the direct map, by cache
 * (slab.c).  Objects nest (a
 * module's text inside the vmalloc area module_alloc() made for it, a
 * stack inside its vmap area); an address is labelled with the smallest
 * object that holds it.
 */
#include "config.h"
#include "kernel/kernel.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUBLIC __attribute__((visibility("default")))

/* include/linux/vmalloc.h (v5.10 to v7.2) */
#define VM_IOREMAP	0x1
#define VM_ALLOC	0x2
#define VM_MAP		0x4

/* A piece of the address space with one label: objs[obj]. */
struct seg {
	vmmap_addr_t start, last;
	size_t obj;
};

struct objset {
	struct vmmap_object *v;
	size_t n, cap;
	struct seg *segs;
	size_t nsegs;
};

/* A string the objects keep until the context is loaded again. */
static const char *keep(struct vmmap_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *keep(struct vmmap_ctx *ctx, const char *fmt, ...)
{
	struct kern *k = ctx->kern;
	char **nv, *s;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return NULL;
	nv = realloc(k->strs, (k->nstrs + 1) * sizeof(*nv));
	if (!nv) {
		free(s);
		return NULL;
	}
	k->strs = nv;
	k->strs[k->nstrs++] = s;
	return s;
}

static void note(struct vmmap_ctx *ctx, const char *what)
{
	struct kern *k = ctx->kern;
	char **nv, *s;

	if (asprintf(&s, "%s: %s", what, vmmap_errmsg(ctx)) >= 0) {
		nv = realloc(k->obj_notes, (k->nobj_notes + 1) * sizeof(*nv));
		if (nv) {
			k->obj_notes = nv;
			k->obj_notes[k->nobj_notes++] = s;
		} else {
			free(s);
		}
	}
	vmmap_clear_error(ctx);
}

static struct vmmap_object *add(struct vmmap_ctx *ctx, struct objset *o,
				vmmap_addr_t start, uint64_t size,
				const char *kind)
{
	struct vmmap_object *x;

	if (!size || start + (size - 1) < start)
		return NULL;
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 256;
		struct vmmap_object *nv = realloc(o->v, cap * sizeof(*nv));

		if (!nv) {
			set_nomem(ctx);
			return NULL;
		}
		o->v = nv;
		o->cap = cap;
	}
	x = &o->v[o->n++];
	memset(x, 0, sizeof(*x));
	x->start = start;
	x->last = start + (size - 1);
	x->kind = kind;
	x->pid = -1;
	return x;
}

static vmmap_status add_areas(struct vmmap_ctx *ctx, struct objset *o)
{
	const struct karea *a;
	size_t n, i;
	vmmap_status st = kvmalloc_areas(ctx, &a, &n);

	if (st)
		return st;
	for (i = 0; i < n; i++) {
		struct vmmap_object *x;
		char sym[256];
		const char *kind = a[i].unpurged ? "unpurged"
				   : a[i].map_ram ? "vm_map_ram"
				   : a[i].flags & VM_IOREMAP ? "ioremap"
				   : a[i].flags & VM_ALLOC ? "vmalloc"
				   : "vmap";

		x = add(ctx, o, a[i].addr, a[i].size, kind);
		if (!x)
			return ctx->errmsg ? VMMAP_ERR_NOMEM : VMMAP_OK;
		x->addr = a[i].vm ? a[i].vm : a[i].vmap_area;
		x->pages = a[i].nr_pages;
		x->phys = a[i].phys;
		if (a[i].caller) {
			ks_symbolize(ctx, a[i].caller, sym, sizeof(sym));
			x->caller = keep(ctx, "%s", sym);
		}
		if (a[i].unpurged)
			x->name = "unpurged vm_area (freed, not yet purged)";
		else if (a[i].map_ram)
			x->name = "vm_map_ram";
		else if (a[i].flags & VM_IOREMAP)
			x->name = keep(ctx, "ioremap 0x%" PRIx64 " %s", a[i].phys,
				       x->caller ? x->caller : "");
		else
			x->name = keep(ctx, "%s %s", kind,
				       x->caller ? x->caller : "");
	}
	return VMMAP_OK;
}

static vmmap_status add_modules(struct vmmap_ctx *ctx, struct objset *o)
{
	const struct kmodule *m;
	size_t n, i;
	unsigned s;
	vmmap_status st = kmodules(ctx, &m, &n);

	if (st)
		return st;
	for (i = 0; i < n; i++)
		for (s = 0; s < m[i].nsec; s++) {
			struct vmmap_object *x = add(ctx, o, m[i].sec[s].base,
						     m[i].sec[s].size, "module");

			if (!x)
				continue;
			x->module = m[i].name;
			x->section = m[i].sec[s].name;
			x->addr = m[i].mod;
			x->name = keep(ctx, "module %s %s", m[i].name,
				       m[i].sec[s].name);
		}
	return VMMAP_OK;
}

static vmmap_status add_stacks(struct vmmap_ctx *ctx, struct objset *o)
{
	const struct ktask *t;
	size_t n, i;
	vmmap_status st = ktasks(ctx, &t, &n);

	if (st)
		return st;
	for (i = 0; i < n; i++) {
		struct vmmap_object *x;

		if (!t[i].stack || !t[i].stack_size)
			continue;
		x = add(ctx, o, t[i].stack, t[i].stack_size, "stack");
		if (!x)
			continue;
		x->pid = t[i].pid;
		x->addr = t[i].task;
		x->name = keep(ctx, "stack PID %" PRId64 " (%s)", t[i].pid,
			       t[i].comm);
	}
	return VMMAP_OK;
}

/* The per-CPU stacks kept for the next fork (kernel/fork.c). */
static vmmap_status add_cached_stacks(struct vmmap_ctx *ctx, struct objset *o)
{
	struct kmember addr, size;
	vmmap_addr_t sym;
	uint64_t *offs;
	bool *poss;
	size_t n, i, j;
	vmmap_status st;

	if ((st = ks_need(ctx, "cached_stacks", &sym)) ||
	    (st = kt_member(ctx, "vm_struct", "addr", &addr)) ||
	    (st = kt_member(ctx, "vm_struct", "size", &size)) ||
	    (st = kpercpu_offsets(ctx, &offs, &poss, &n)))
		return st;
	for (i = 0; i < n && !st; i++) {
		/* NR_CACHED_STACKS is 2 (v4.9 to v7.2) */
		for (j = 0; poss[i] && j < 2 && !st; j++) {
			vmmap_addr_t vm, a;
			uint64_t sz;
			struct vmmap_object *x;

			st = kr_ptr(ctx, sym + offs[i] + j * kr_ptr_size(ctx),
				    &vm);
			if (st || !vm)
				continue;
			if ((st = kr_member(ctx, vm, &addr, &a)) ||
			    (st = kr_member(ctx, vm, &size, &sz)))
				break;
			/* the stack is the area less its guard page */
			x = add(ctx, o, a, sz > 4096 ? sz - kr_page_size(ctx)
				: sz, "stack");
			if (x) {
				x->addr = vm;
				x->name = keep(ctx, "stack cached for reuse "
					       "(CPU %zu)", i);
			}
		}
	}
	free(offs);
	free(poss);
	return st;
}

static vmmap_status add_percpu(struct vmmap_ctx *ctx, struct objset *o)
{
	vmmap_addr_t start, usize_at;
	uint64_t usize, *offs;
	bool *poss;
	size_t n, i;
	vmmap_status st;

	if ((st = ks_need(ctx, "__per_cpu_start", &start)) ||
	    (st = ks_need(ctx, "pcpu_unit_size", &usize_at)) ||
	    (st = kr_uint(ctx, usize_at, 4, &usize)) ||
	    (st = kpercpu_offsets(ctx, &offs, &poss, &n)))
		return st;
	for (i = 0; i < n; i++) {
		struct vmmap_object *x;

		if (!poss[i])
			continue;
		x = add(ctx, o, start + offs[i], usize, "percpu");
		if (x)
			x->name = keep(ctx, "per-CPU area CPU %zu", i);
	}
	free(offs);
	free(poss);
	return VMMAP_OK;
}

static vmmap_status add_kfence(struct vmmap_ctx *ctx, struct objset *o)
{
	vmmap_addr_t pool;
	uint64_t size;
	struct vmmap_object *x;
	vmmap_status st;

	if ((st = kkfence_pool(ctx, &pool, &size)) || !size)
		return st;
	x = add(ctx, o, pool, size, "kfence");
	if (x)
		x->name = "KFENCE pool";
	return VMMAP_OK;
}

/* Bound on the BPF symbols' list against a cyclic one. */
#define MAX_BPF_KSYMS (1u << 20)

/*
 * The kernel's own list of its BPF symbols, the ones /proc/kallsyms
 * prints with [bpf] (kernel/bpf/core.c, v5.8+, dba122fb5e4c "bpf: Add
 * bpf_ksym_add/del functions"): LIST_HEAD(bpf_kallsyms) of struct
 * bpf_ksym { start, end, name[KSYM_NAME_LEN], lnode, ... }, one for each
 * JITed program (its name "bpf_prog_<tag>_<name>", bpf_get_prog_name()),
 * trampoline and dispatcher; [start, end) is the JITed image, end
 * exclusive (bpf_prog_ksym_set_addr()).  The list is empty without
 * CONFIG_BPF_JIT's kallsyms (net.core.bpf_jit_kallsyms 0).
 */
static vmmap_status add_bpf(struct vmmap_ctx *ctx, struct objset *o)
{
	struct kmember start, end, name, lnode;
	vmmap_addr_t head, node;
	vmmap_status st;
	size_t n = 0;

	/* a complete kallsyms without it: no CONFIG_BPF_JIT (the list is
	 * in its #ifdef), no JITed programs (Debian's s390x, v7.2) */
	if (!ks_addr(ctx, "bpf_kallsyms", &head) && ks_complete(ctx))
		return VMMAP_OK;
	if ((st = ks_need(ctx, "bpf_kallsyms", &head)) ||
	    (st = kt_member(ctx, "bpf_ksym", "start", &start)) ||
	    (st = kt_member(ctx, "bpf_ksym", "end", &end)) ||
	    (st = kt_member(ctx, "bpf_ksym", "name", &name)) ||
	    (st = kt_member(ctx, "bpf_ksym", "lnode", &lnode)) ||
	    (st = kr_ptr(ctx, head, &node)))
		return st;
	while (node != head) {
		vmmap_addr_t ks = node - lnode.off;
		uint64_t a, b;
		char buf[512];
		struct vmmap_object *x;

		if (!node || ++n > MAX_BPF_KSYMS)
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID, "the "
				"bpf_kallsyms list at 0x%" PRIx64 " does not "
				"come back to its head", head);
		if ((st = kr_member(ctx, ks, &start, &a)) ||
		    (st = kr_member(ctx, ks, &end, &b)) ||
		    (st = kr_str(ctx, ks + name.off, buf,
				 name.size && name.size < sizeof(buf)
				 ? name.size : sizeof(buf))))
			return vmmap_set_error(ctx, st, "bpf_ksym at 0x%" PRIx64,
					       ks);
		if (b > a) {
			x = add(ctx, o, a, b - a, "bpf");
			if (!x && ctx->errmsg)
				return VMMAP_ERR_NOMEM;
			if (x) {
				x->addr = ks;
				x->name = keep(ctx, "%s", buf);
			}
		}
		if ((st = kr_ptr(ctx, node, &node)))
			return st;
	}
	return VMMAP_OK;
}

/* The ids of the regions that map all RAM linearly (the kernel's
 * __va(): page_address() of a lowmem page), in the architectures'
 * layouts (src/arch/). */
static const char *const linear_ids[] = { "directmap", "linear", "identity",
					  "lowmem" };

struct lin {
	vmmap_addr_t va, pa;
	uint64_t size;
};

struct lins {
	struct vmmap_ctx *ctx;
	struct lin *v;
	size_t n, cap;
};

static vmmap_status lin_range(void *arg, const struct vmmap_range *r)
{
	struct lins *l = arg;

	if (r->kind != VMMAP_RANGE_MAPPED || r->alias)
		return VMMAP_OK;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct lin *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv)
			return set_nomem(l->ctx);
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n].va = r->start;
	l->v[l->n].pa = r->phys;
	l->v[l->n].size = r->last - r->start + 1;
	l->n++;
	return VMMAP_OK;
}

static int lin_cmp(const void *a, const void *b)
{
	const struct lin *x = a, *y = b;

	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

/* The linear map's mapped ranges, by physical address. */
static vmmap_status linear_map(struct vmmap_ctx *ctx, struct lins *l)
{
	const struct vmmap_region *r = ctx->kspace ? ctx->kspace->regions
						   : ctx->regions;
	size_t n = ctx->kspace ? ctx->kspace->nregions : ctx->nregions, i, j;
	vmmap_status st = VMMAP_OK;

	memset(l, 0, sizeof(*l));
	l->ctx = ctx;
	for (i = 0; i < n && !st; i++)
		for (j = 0; j < ARRAY_SIZE(linear_ids); j++)
			if (!strcmp(r[i].id, linear_ids[j]) && !r[i].hole) {
				st = walk_internal(ctx, r[i].start, r[i].last,
						   VMMAP_WALK_NOHOLES,
						   lin_range, l);
				break;
			}
	if (!st && !l->n)
		st = vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "the layout has "
				     "no linear map of RAM, or it maps nothing");
	if (st) {
		free(l->v);
		return st;
	}
	qsort(l->v, l->n, sizeof(*l->v), lin_cmp);
	return VMMAP_OK;
}

/* The slab pages, where the linear map maps them: an object per run of
 * one cache's pages. */
static vmmap_status add_slabs(struct vmmap_ctx *ctx, struct objset *o)
{
	struct kern *k = ctx->kern;
	uint64_t ps = kr_page_size(ctx);
	const char **names;
	struct lins l;
	size_t i, lo;
	vmmap_status st;

	if (!k->slab_objects)
		return VMMAP_OK;
	if ((st = kslabs(ctx, true)) || (st = linear_map(ctx, &l)))
		return st;
	names = calloc(k->nslab_caches + 1, sizeof(*names));
	if (!names) {
		free(l.v);
		return set_nomem(ctx);
	}
	for (i = 0, lo = 0; i < k->nslab_runs && !st; i++) {
		const struct kslab_run *r = &k->slab_runs[i];
		uint64_t pa = r->pfn * ps, end = pa + r->npages * ps;
		size_t j;

		/* runs and ranges both by physical address */
		while (lo < l.n && l.v[lo].pa + l.v[lo].size <= pa)
			lo++;
		for (j = lo; j < l.n && l.v[j].pa < end; j++) {
			uint64_t a = pa > l.v[j].pa ? pa : l.v[j].pa;
			uint64_t b = end < l.v[j].pa + l.v[j].size ? end
				     : l.v[j].pa + l.v[j].size;
			struct vmmap_object *x;

			if (!names[r->cache])
				names[r->cache] = keep(ctx, "slab %s",
					k->slab_caches[r->cache].name);
			x = add(ctx, o, l.v[j].va + (a - l.v[j].pa), b - a,
				"slab");
			if (!x) {
				st = ctx->errmsg ? VMMAP_ERR_NOMEM : VMMAP_OK;
				break;
			}
			x->name = names[r->cache];
			x->addr = k->slab_caches[r->cache].cache;
			x->phys = a;
			x->pages = (b - a) / ps;
		}
	}
	free(names);
	free(l.v);
	return st;
}

static int obj_cmp(const void *a, const void *b)
{
	const struct vmmap_object *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* the larger first, so the inner ones follow their container */
	if (x->last != y->last)
		return x->last > y->last ? -1 : 1;
	return 0;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The pieces of the space, each with the smallest object holding it: a
 * sweep over the boundaries, with the objects that hold the current piece
 * (objects sorted by start; a piece never straddles a boundary, so an
 * object holds a piece whole or not at all). */
static vmmap_status flatten(struct vmmap_ctx *ctx, struct objset *o)
{
	uint64_t *b = malloc((2 * o->n + 1) * sizeof(*b));
	size_t *act = malloc((o->n + 1) * sizeof(*act));
	size_t nb = 0, nact = 0, next = 0, i, j;

	o->segs = malloc((2 * o->n + 1) * sizeof(*o->segs));
	if (!b || !act || !o->segs) {
		free(b);
		free(act);
		return set_nomem(ctx);
	}
	for (i = 0; i < o->n; i++) {
		b[nb++] = o->v[i].start;
		if (o->v[i].last != VMMAP_ADDR_MAX)
			b[nb++] = o->v[i].last + 1;
	}
	qsort(b, nb, sizeof(*b), u64_cmp);
	for (i = 0; i < nb; i++) {
		vmmap_addr_t s = b[i];
		size_t best = SIZE_MAX, keep_n = 0;

		if (i + 1 < nb && b[i + 1] == s)
			continue;
		while (next < o->n && o->v[next].start <= s)
			act[nact++] = next++;
		for (j = 0; j < nact; j++) {
			const struct vmmap_object *x = &o->v[act[j]];

			if (x->last < s)
				continue;	/* ended: dropped */
			act[keep_n++] = act[j];
			if (best == SIZE_MAX ||
			    x->last - x->start < o->v[best].last -
						 o->v[best].start)
				best = act[j];
		}
		nact = keep_n;
		if (best == SIZE_MAX)
			continue;
		o->segs[o->nsegs].start = s;
		o->segs[o->nsegs].last = i + 1 < nb ? b[i + 1] - 1
						    : VMMAP_ADDR_MAX;
		o->segs[o->nsegs].obj = best;
		o->nsegs++;
	}
	free(b);
	free(act);
	return VMMAP_OK;
}

static vmmap_status build(struct vmmap_ctx *ctx, struct kern *k)
{
	static const struct {
		const char *what;
		vmmap_status (*fn)(struct vmmap_ctx *, struct objset *);
	} parts[] = {
		{ "vmap areas", add_areas },
		{ "modules", add_modules },
		{ "task stacks", add_stacks },
		{ "cached task stacks", add_cached_stacks },
		{ "per-CPU areas", add_percpu },
		{ "the KFENCE pool", add_kfence },
		{ "BPF programs", add_bpf },
		{ "slab pages", add_slabs },
	};
	struct objset o;
	vmmap_status st;
	size_t i;

	memset(&o, 0, sizeof(o));
	/* without the kernel's types there is nothing to read */
	st = kt_load(ctx);
	if (st)
		return st;
	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		st = parts[i].fn(ctx, &o);
		if (st == VMMAP_ERR_NOMEM)
			break;
		if (st)
			note(ctx, parts[i].what);
		st = VMMAP_OK;
	}
	if (!st && o.n)
		qsort(o.v, o.n, sizeof(*o.v), obj_cmp);
	if (!st)
		st = flatten(ctx, &o);
	if (st) {
		free(o.v);
		free(o.segs);
		return st;
	}
	k->objs = o.v;
	k->nobjs = o.n;
	k->segs = o.segs;
	k->nsegs = o.nsegs;
	return VMMAP_OK;
}

vmmap_status kobjects(struct vmmap_ctx *ctx)
{
	struct kern *k = kern_of(ctx);
	vmmap_status st;

	if (!k)
		return set_nomem(ctx);
	if (k->objs_done)
		return k->objs_st ? kern_fail_again(ctx, k->objs_st,
						    k->objs_err) : VMMAP_OK;
	st = build(ctx, k);
	k->objs_done = true;
	if (st)
		k->objs_st = kern_keep_fail(ctx, st, &k->objs_err);
	return st;
}

const struct vmmap_object *kobject_at(struct vmmap_ctx *ctx, vmmap_addr_t a,
				      vmmap_addr_t *seg_last)
{
	struct kern *k = ctx->kern;
	size_t lo = 0, hi;

	if (!k || !k->segs)
		return NULL;
	hi = k->nsegs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->segs[mid].last < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < k->nsegs && k->segs[lo].start <= a) {
		if (seg_last)
			*seg_last = k->segs[lo].last;
		return &k->objs[k->segs[lo].obj];
	}
	/* not in an object: up to the next one */
	if (seg_last)
		*seg_last = lo < k->nsegs ? k->segs[lo].start - 1
					  : VMMAP_ADDR_MAX;
	return NULL;
}

PUBLIC vmmap_status vmmap_objects(struct vmmap_ctx *ctx,
				  const struct vmmap_object **objs_ret,
				  size_t *n_ret)
{
	vmmap_status st;

	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_objects() before vmmap_load()");
	st = kobjects(ctx);
	if (st)
		return st;
	*objs_ret = ((struct kern *)ctx->kern)->objs;
	*n_ret = ((struct kern *)ctx->kern)->nobjs;
	return VMMAP_OK;
}

PUBLIC const struct vmmap_object *vmmap_object_of(struct vmmap_ctx *ctx,
						  vmmap_addr_t addr)
{
	return kobject_at(ctx, addr, NULL);
}

PUBLIC size_t vmmap_object_note_count(struct vmmap_ctx *ctx)
{
	return ctx->kern ? ((struct kern *)ctx->kern)->nobj_notes : 0;
}

PUBLIC const char *vmmap_object_note(struct vmmap_ctx *ctx, size_t i)
{
	struct kern *k = ctx->kern;

	return k && i < k->nobj_notes ? k->obj_notes[i] : NULL;
}
