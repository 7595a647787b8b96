/*
 * mm.c - user address spaces: an mm_struct's VMAs and its page tables.
 *
 * The VMAs:
 *   up to v6.0: the list mm->mmap, linked by vm_area_struct.vm_next;
 *   v6.1+: the maple tree mm->mm_mt ("mm: start tracking VMAs with maple
 *     tree", the list removed in the same release).  Its nodes
 *     (include/linux/maple_tree.h, lib/maple_tree.c, v6.1 to v7.2): an
 *     entry that is a node has its low two bits 2 and is above 4096; the
 *     node is at the entry with its low 8 bits cleared, its type (enum
 *     maple_type) in bits 3-6.  Leaves (maple_leaf_64) and internal
 *     range nodes (maple_range_64) hold pivots and slots; allocation
 *     nodes (maple_arange_64) also gaps and their data end in meta.end.
 *     ma_data_end() says how many slots hold data.
 * Each VMA is named as /proc/PID/maps names it (fs/proc/task_mmu.c):
 * the file's path, else vm_ops->name() (special_mapping_name(): the
 * vm_special_mapping's name, "[vdso]"), else [heap], [stack] (the main
 * thread's), [anon:NAME] (CONFIG_ANON_VMA_NAME).
 *
 * The tables: mm->pgd, walked from its physical address with the kernel's
 * own architecture descriptor (its user_space() says what differs), and
 * the VMAs as the space's regions.
 */
#include "config.h"
#include "kernel/kernel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUBLIC __attribute__((visibility("default")))

/* include/linux/mm.h, v5.10 to v7.2 */
#define VM_READ		0x1
#define VM_WRITE	0x2
#define VM_EXEC		0x4
#define VM_MAYSHARE	0x80

#define MAX_VMAS (1u << 20)
#define MAX_NODES (1u << 20)
#define MAX_PATH_DEPTH 256

enum {
	F_PGD, F_MT, F_MMAP, F_START_BRK, F_BRK, F_START_STACK, F_MAP_COUNT,
	F_ROOT,
	F_START, F_END, F_NEXT, F_FLAGS, F_PGOFF, F_FILE, F_OPS, F_PRIV,
	F_ANON_NAME,
	F_F_PATH, F_F_INODE, F_P_MNT, F_P_DENTRY, F_D_NAME, F_D_PARENT,
	F_D_HASH, F_I_INO, F_I_SB, F_S_DEV, F_MNT, F_MNT_PARENT, F_MNT_MP,
	F_MNT_ROOT, F_OPS_NAME, F_SPECIAL_NAME, F_ANON_NAME_NAME,
	F_R64_PIVOT, F_R64_SLOT, F_R64_META, F_A64_PIVOT, F_A64_SLOT,
	F_A64_META, F_META_END,
	NF
};

static const char *const fields[NF] = {
	[F_PGD] = "mm_struct.pgd",
	[F_MT] = "?mm_struct.mm_mt",			/* v6.1+ */
	[F_MMAP] = "?mm_struct.mmap",			/* up to v6.0 */
	[F_START_BRK] = "mm_struct.start_brk",
	[F_BRK] = "mm_struct.brk",
	[F_START_STACK] = "mm_struct.start_stack",
	[F_MAP_COUNT] = "mm_struct.map_count",
	[F_ROOT] = "?maple_tree.ma_root",
	[F_START] = "vm_area_struct.vm_start",
	[F_END] = "vm_area_struct.vm_end",
	[F_NEXT] = "?vm_area_struct.vm_next",		/* up to v6.0 */
	[F_FLAGS] = "vm_area_struct.vm_flags",
	[F_PGOFF] = "vm_area_struct.vm_pgoff",
	[F_FILE] = "vm_area_struct.vm_file",
	[F_OPS] = "vm_area_struct.vm_ops",
	[F_PRIV] = "vm_area_struct.vm_private_data",
	[F_ANON_NAME] = "?vm_area_struct.anon_name",	/* v5.17+ */
	[F_F_PATH] = "file.f_path",
	[F_F_INODE] = "file.f_inode",
	[F_P_MNT] = "path.mnt",
	[F_P_DENTRY] = "path.dentry",
	[F_D_NAME] = "dentry.d_name.name",
	[F_D_PARENT] = "dentry.d_parent",
	[F_D_HASH] = "dentry.d_hash.pprev",
	[F_I_INO] = "inode.i_ino",
	[F_I_SB] = "inode.i_sb",
	[F_S_DEV] = "super_block.s_dev",
	[F_MNT] = "mount.mnt",
	[F_MNT_PARENT] = "mount.mnt_parent",
	[F_MNT_MP] = "mount.mnt_mountpoint",
	[F_MNT_ROOT] = "vfsmount.mnt_root",
	[F_OPS_NAME] = "vm_operations_struct.name",
	[F_SPECIAL_NAME] = "vm_special_mapping.name",
	[F_ANON_NAME_NAME] = "?anon_vma_name.name",
	[F_R64_PIVOT] = "?maple_range_64.pivot",
	[F_R64_SLOT] = "?maple_range_64.slot",
	[F_R64_META] = "?maple_range_64.meta",
	[F_A64_PIVOT] = "?maple_arange_64.pivot",
	[F_A64_SLOT] = "?maple_arange_64.slot",
	[F_A64_META] = "?maple_arange_64.meta",
	[F_META_END] = "?maple_metadata.end",
};

struct vw {
	struct vmmap_ctx *ctx;
	struct kmember f[NF];
	vmmap_addr_t mm;
	vmmap_addr_t *vmas;
	size_t n, cap, nodes;
	int64_t leaf, range, arange;	/* enum maple_type */
};

static vmmap_status add_vma(struct vw *w, vmmap_addr_t vma)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		vmmap_addr_t *nv = realloc(w->vmas, cap * sizeof(*nv));

		if (!nv)
			return set_nomem(w->ctx);
		w->vmas = nv;
		w->cap = cap;
	}
	if (w->n >= MAX_VMAS)
		return vmmap_set_error(w->ctx, VMMAP_ERR_LIMIT,
				       "more than %u VMAs", MAX_VMAS);
	w->vmas[w->n++] = vma;
	return VMMAP_OK;
}

/* lib/maple_tree.c xa_is_node(), mte_node_type(), mte_to_node() */
static bool mt_is_node(uint64_t e)
{
	return (e & 3) == 2 && e > 4096;
}

static vmmap_status walk_node(struct vw *w, uint64_t enode, uint64_t min,
			      uint64_t max, int depth)
{
	struct vmmap_ctx *ctx = w->ctx;
	const struct kmember *f = w->f;
	int64_t type = (int64_t)((enode >> 3) & 0xf);
	vmmap_addr_t node = enode & ~(uint64_t)0xff;
	const struct kmember *piv, *slot, *meta;
	uint8_t buf[512];
	uint64_t npiv, nslot, end, i, prev;
	unsigned ptr = kr_ptr_size(ctx);
	bool leaf;
	vmmap_status st;

	if (depth > 16 || ++w->nodes > MAX_NODES)
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID, "the maple tree "
				       "of mm 0x%" PRIx64 " is too deep or "
				       "too large at node 0x%" PRIx64, w->mm,
				       node);
	if (type == w->arange) {
		piv = &f[F_A64_PIVOT];
		slot = &f[F_A64_SLOT];
		meta = &f[F_A64_META];
	} else if (type == w->range || type == w->leaf) {
		piv = &f[F_R64_PIVOT];
		slot = &f[F_R64_SLOT];
		meta = &f[F_R64_META];
	} else {
		return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP, "maple node "
				       "0x%" PRIx64 " of mm 0x%" PRIx64 " has "
				       "type %" PRId64, node, w->mm, type);
	}
	leaf = type == w->leaf;
	npiv = piv->nelem;
	nslot = slot->nelem;
	if (!npiv || !nslot || slot->off + nslot * ptr > sizeof(buf) ||
	    meta->off + f[F_META_END].off >= sizeof(buf))
		return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP,
				       "unexpected maple node layout");
	st = kr_read(ctx, node, buf, slot->off + nslot * ptr >
		     meta->off + f[F_META_END].off + 1 ? slot->off + nslot * ptr
		     : meta->off + f[F_META_END].off + 1);
	if (st)
		return vmmap_set_error(ctx, st, "maple node 0x%" PRIx64, node);
#define PIVOT(i) kr_get(ctx, buf + piv->off + (i) * ptr, &(struct kmember){ .size = ptr })
#define SLOT(i) kr_get(ctx, buf + slot->off + (i) * ptr, &(struct kmember){ .size = ptr })
	/* ma_data_end(): the last slot in use */
	if (type == w->arange || !PIVOT(npiv - 1))
		end = buf[meta->off + f[F_META_END].off];
	else if (PIVOT(npiv - 1) == max)
		end = npiv - 1;
	else
		end = npiv;
	if (end >= nslot)
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID, "maple node "
				       "0x%" PRIx64 " ends at slot %" PRIu64,
				       node, end);
	prev = min;
	for (i = 0; i <= end && !st; i++) {
		uint64_t e = SLOT(i), p = i < npiv ? PIVOT(i) : max;

		if (p > max)
			p = max;
		if (leaf) {
			/* reserved entries (XA_ZERO_ENTRY) are internal */
			if (e && (e & 3) != 2)
				st = add_vma(w, e);
		} else if (mt_is_node(e)) {
			st = walk_node(w, e, prev, p, depth + 1);
		}
		prev = p + 1;
	}
#undef PIVOT
#undef SLOT
	return st;
}

static vmmap_status read_vma_list(struct vw *w)
{
	struct vmmap_ctx *ctx = w->ctx;
	const struct kmember *f = w->f;
	vmmap_addr_t v;
	vmmap_status st;

	if (f[F_MT].size) {
		uint64_t root;

		if ((st = kt_enum(ctx, "maple_type", "maple_leaf_64", &w->leaf)) ||
		    (st = kt_enum(ctx, "maple_type", "maple_range_64",
				  &w->range)) ||
		    (st = kt_enum(ctx, "maple_type", "maple_arange_64",
				  &w->arange)) ||
		    (st = kr_ptr(ctx, w->mm + f[F_MT].off + f[F_ROOT].off,
				 &root)))
			return st;
		if (!f[F_ROOT].size || !f[F_R64_PIVOT].size ||
		    !f[F_META_END].size)
			return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
				"the kernel's types lack the maple tree's");
		if (mt_is_node(root))
			return walk_node(w, root, 0, UINT64_MAX, 0);
		return root && (root & 3) != 2 ? add_vma(w, root) : VMMAP_OK;
	}
	if (!f[F_MMAP].size || !f[F_NEXT].size)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "struct mm_struct "
				       "has neither mm_mt (v6.1+) nor mmap");
	st = kr_member(ctx, w->mm, &f[F_MMAP], &v);
	while (!st && v) {
		st = add_vma(w, v);
		if (!st)
			st = kr_member(ctx, v, &f[F_NEXT], &v);
	}
	return st;
}

/* d_path() of a file's f_path, to the root of the mount tree. */
static vmmap_status file_path(struct vmmap_ctx *ctx, const struct kmember *f,
			      vmmap_addr_t file, char *buf, size_t size)
{
	vmmap_addr_t mnt, dentry, first;
	char tmp[4096];
	size_t pos = sizeof(tmp) - 1;
	vmmap_status st;
	int depth;

	tmp[pos] = 0;
	if ((st = kr_ptr(ctx, file + f[F_F_PATH].off + f[F_P_MNT].off, &mnt)) ||
	    (st = kr_ptr(ctx, file + f[F_F_PATH].off + f[F_P_DENTRY].off,
			 &dentry)))
		return st;
	first = dentry;
	for (depth = 0; depth < MAX_PATH_DEPTH; depth++) {
		vmmap_addr_t root, parent, name_at;
		char name[256];
		size_t len;

		if ((st = kr_ptr(ctx, mnt + f[F_MNT_ROOT].off, &root)))
			return st;
		if (dentry == root) {
			/* the mount's root: on to where it is mounted */
			vmmap_addr_t mount = mnt - f[F_MNT].off, pm;

			if ((st = kr_ptr(ctx, mount + f[F_MNT_PARENT].off, &pm)))
				return st;
			if (pm == mount)
				break;
			if ((st = kr_ptr(ctx, mount + f[F_MNT_MP].off,
					 &dentry)))
				return st;
			mnt = pm + f[F_MNT].off;
			continue;
		}
		if ((st = kr_ptr(ctx, dentry + f[F_D_PARENT].off, &parent)))
			return st;
		if (parent == dentry)
			break;
		if ((st = kr_ptr(ctx, dentry + f[F_D_NAME].off, &name_at)) ||
		    (st = kr_str(ctx, name_at, name, sizeof(name))))
			return st;
		len = strlen(name);
		if (len + 1 > pos)
			break;
		pos -= len;
		memcpy(tmp + pos, name, len);
		tmp[--pos] = '/';
		dentry = parent;
	}
	if (!tmp[pos])
		tmp[--pos] = '/';
	{
		/* d_unlinked(): unhashed and not a root */
		uint64_t pprev, parent;

		if (!kr_ptr(ctx, first + f[F_D_HASH].off, &pprev) && !pprev &&
		    !kr_ptr(ctx, first + f[F_D_PARENT].off, &parent) &&
		    parent != first)
			snprintf(buf, size, "%s (deleted)", tmp + pos);
		else
			snprintf(buf, size, "%s", tmp + pos);
		vmmap_clear_error(ctx);
	}
	return VMMAP_OK;
}

/* v6.5+ vma_is_initial_heap() is strict where v6.1's test was not
 * (fs/proc/task_mmu.c show_map_vma(): vm_start <= brk, vm_end >=
 * start_brk). */
static bool strict_heap(const struct vmmap_ctx *ctx)
{
	return kernel_version(ctx) >= KVER(6, 5, 0);
}

static vmmap_status read_vma(struct vmmap_ctx *ctx, const struct kmember *f,
			     const uint8_t *mm, vmmap_addr_t v,
			     struct vmmap_vma *out, char *name, size_t nsize)
{
	uint64_t start, end, flags, pgoff, file, ops, brk, start_brk, stack;
	vmmap_status st;

	name[0] = 0;
	if ((st = kr_member(ctx, v, &f[F_START], &start)) ||
	    (st = kr_member(ctx, v, &f[F_END], &end)) ||
	    (st = kr_member(ctx, v, &f[F_FLAGS], &flags)) ||
	    (st = kr_member(ctx, v, &f[F_PGOFF], &pgoff)) ||
	    (st = kr_member(ctx, v, &f[F_FILE], &file)) ||
	    (st = kr_member(ctx, v, &f[F_OPS], &ops)))
		return vmmap_set_error(ctx, st, "vm_area_struct 0x%" PRIx64, v);
	if (end <= start)
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID, "vm_area_struct "
				       "0x%" PRIx64 " spans 0x%" PRIx64 "-0x%"
				       PRIx64, v, start, end);
	memset(out, 0, sizeof(*out));
	out->vma = v;
	out->start = start;
	out->last = end - 1;
	out->flags = flags;
	snprintf(out->perms, sizeof(out->perms), "%c%c%c%c",
		 flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		 flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p');
	if (file) {
		uint64_t inode, sb, dev;

		out->offset = pgoff * kr_page_size(ctx);
		if ((st = kr_member(ctx, file, &f[F_F_INODE], &inode)) ||
		    (st = kr_member(ctx, inode, &f[F_I_INO], &out->inode)) ||
		    (st = kr_member(ctx, inode, &f[F_I_SB], &sb)) ||
		    (st = kr_member(ctx, sb, &f[F_S_DEV], &dev)) ||
		    (st = file_path(ctx, f, file, name, nsize)))
			return vmmap_set_error(ctx, st, "the file of VMA 0x%"
					       PRIx64, v);
		/* include/linux/kdev_t.h: MINORBITS 20 */
		out->dev_major = (unsigned)(dev >> 20);
		out->dev_minor = (unsigned)(dev & 0xfffff);
		return VMMAP_OK;
	}
	if (ops) {
		uint64_t fn, priv, at;
		const char *sym;

		if ((st = kr_member(ctx, ops, &f[F_OPS_NAME], &fn)))
			return vmmap_set_error(ctx, st, "the vm_ops of VMA 0x%"
					       PRIx64, v);
		sym = fn ? ks_name_at(ctx, fn) : NULL;
		if (sym && !strcmp(sym, "special_mapping_name") &&
		    !kr_member(ctx, v, &f[F_PRIV], &priv) && priv &&
		    !kr_member(ctx, priv, &f[F_SPECIAL_NAME], &at) &&
		    !kr_str(ctx, at, name, nsize))
			return VMMAP_OK;
		vmmap_clear_error(ctx);
		if (fn) {
			snprintf(name, nsize, "[%s()]", sym ? sym : "vm_ops->name");
			return VMMAP_OK;
		}
	}
	brk = kr_get(ctx, mm, &f[F_BRK]);
	start_brk = kr_get(ctx, mm, &f[F_START_BRK]);
	stack = kr_get(ctx, mm, &f[F_START_STACK]);
	if (strict_heap(ctx) ? start < brk && end > start_brk
			     : start <= brk && end >= start_brk)
		snprintf(name, nsize, "[heap]");
	else if (start <= stack && end >= stack)
		snprintf(name, nsize, "[stack]");
	else if (f[F_ANON_NAME].size && f[F_ANON_NAME_NAME].size) {
		uint64_t an;

		if (!kr_member(ctx, v, &f[F_ANON_NAME], &an) && an) {
			char s[200];

			if (!kr_str(ctx, an + f[F_ANON_NAME_NAME].off, s,
				    sizeof(s)))
				snprintf(name, nsize, "[anon:%s]", s);
		}
		vmmap_clear_error(ctx);
	}
	return VMMAP_OK;
}

static int vma_cmp(const void *a, const void *b)
{
	const struct vmmap_vma *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

vmmap_status kmm_vmas(struct vmmap_ctx *ctx, vmmap_addr_t mm,
		      const struct vmmap_vma **ret, size_t *n_ret)
{
	struct kern *k = kern_of(ctx);
	struct vw w;
	uint8_t mmbuf[4096];
	uint64_t mmsize, count;
	char *names = NULL;
	size_t nlen = 0, i;
	vmmap_status st;

	if (!k)
		return set_nomem(ctx);
	if (k->vmas && k->vmas_mm == mm) {
		*ret = k->vmas;
		*n_ret = k->nvmas;
		return VMMAP_OK;
	}
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.mm = mm;
	if ((st = kt_members(ctx, fields, NF, w.f)) ||
	    (st = kt_size(ctx, "mm_struct", &mmsize)))
		return st;
	if (mmsize > sizeof(mmbuf))
		mmsize = sizeof(mmbuf);
	if ((st = kr_read(ctx, mm, mmbuf, mmsize)))
		return vmmap_set_error(ctx, st, "mm_struct 0x%" PRIx64, mm);
	count = kr_get(ctx, mmbuf, &w.f[F_MAP_COUNT]);
	st = read_vma_list(&w);
	if (st) {
		free(w.vmas);
		return vmmap_set_error(ctx, st, "the VMAs of mm 0x%" PRIx64, mm);
	}
	free(k->vmas);
	free(k->vma_names);
	k->vmas = calloc(w.n ? w.n : 1, sizeof(*k->vmas));
	k->vma_names = NULL;
	k->nvmas = 0;
	if (!k->vmas) {
		free(w.vmas);
		return set_nomem(ctx);
	}
	for (i = 0; i < w.n && !st; i++) {
		char name[4200];
		size_t len;
		char *nn;

		st = read_vma(ctx, w.f, mmbuf, w.vmas[i], &k->vmas[i], name,
			      sizeof(name));
		if (st)
			break;
		len = strlen(name) + 1;
		nn = realloc(names, nlen + len);
		if (!nn) {
			st = set_nomem(ctx);
			break;
		}
		names = nn;
		memcpy(names + nlen, name, len);
		/* an offset until the block stops moving */
		k->vmas[i].name = (const char *)(uintptr_t)nlen;
		nlen += len;
	}
	free(w.vmas);
	if (st) {
		free(names);
		free(k->vmas);
		k->vmas = NULL;
		return vmmap_set_error(ctx, st, "the VMAs of mm 0x%" PRIx64, mm);
	}
	for (i = 0; i < w.n; i++)
		k->vmas[i].name = names + (uintptr_t)k->vmas[i].name;
	qsort(k->vmas, w.n, sizeof(*k->vmas), vma_cmp);
	k->nvmas = w.n;
	k->vma_names = names;
	k->vmas_mm = mm;
	if (count != w.n)
		add_warning(ctx, "mm 0x%" PRIx64 ": map_count says %" PRIu64
			    " VMAs, its %s has %zu", mm, count,
			    w.f[F_MT].size ? "maple tree" : "list", w.n);
	*ret = k->vmas;
	*n_ret = k->nvmas;
	return VMMAP_OK;
}

PUBLIC vmmap_status vmmap_vmas(struct vmmap_ctx *ctx, vmmap_addr_t mm,
			       const struct vmmap_vma **vmas_ret, size_t *n_ret)
{
	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_vmas() before vmmap_load()");
	return kmm_vmas(ctx, mm, vmas_ret, n_ret);
}

/* ---- the address space of an mm ---- */

static const struct vmmap_region *kernel_region(struct vmmap_ctx *ctx,
						const char *id)
{
	size_t i;

	for (i = 0; i < ctx->nregions; i++)
		if (!strcmp(ctx->regions[i].id, id))
			return &ctx->regions[i];
	return NULL;
}

/* The maps line of @v after its addresses, as the region's name. */
static int vma_label(const struct vmmap_vma *v, char *buf, size_t size)
{
	return snprintf(buf, size, "%s %08" PRIx64 " %02x:%02x %" PRIu64 "%s%s",
			v->perms, v->offset, v->dev_major, v->dev_minor,
			v->inode, *v->name ? " " : "", v->name);
}

/* The regions of the space: the VMAs and the gaps between them up to
 * @last, the end of its user part, the kernel's regions above (what the
 * tables share with it, or, in x86_64's PTI user copy, what that copy
 * keeps of the kernel's for entering it). */
static vmmap_status space_regions(struct vmmap_ctx *ctx, struct kern *k,
				  const struct vmmap_vma *v, size_t n,
				  vmmap_addr_t last,
				  struct vmmap_region **regs_ret,
				  size_t *n_ret)
{
	size_t cap = 2 * n + 2 + ctx->nregions, nr = 0, i, nlen = 0;
	struct vmmap_region *r = calloc(cap, sizeof(*r));
	vmmap_addr_t at = 0;
	char *names;

	for (i = 0; i < n; i++)
		nlen += (size_t)vma_label(&v[i], NULL, 0) + 1;
	names = malloc(nlen + 1);
	if (!r || !names) {
		free(r);
		free(names);
		return set_nomem(ctx);
	}
	free(k->sel_names);
	k->sel_names = names;
	for (i = 0; i < n && v[i].start <= last; i++) {
		if (v[i].start > at || (i == 0 && v[i].start > 0)) {
			r[nr].start = at;
			r[nr].last = v[i].start - 1;
			r[nr].id = "novma";
			r[nr].name = "no VMA";
			r[nr].hole = true;
			nr++;
		}
		r[nr].start = v[i].start;
		r[nr].last = v[i].last < last ? v[i].last : last;
		r[nr].id = "vma";
		r[nr].name = names;
		names += vma_label(&v[i], names, nlen + 1) + 1;
		nr++;
		at = v[i].last + 1;
		if (!at)
			break;
	}
	if (at && at <= last) {
		r[nr].start = at;
		r[nr].last = last;
		r[nr].id = "novma";
		r[nr].name = "no VMA";
		r[nr].hole = true;
		nr++;
	}
	for (i = 0; i < ctx->nregions && last != VMMAP_ADDR_MAX; i++) {
		const struct vmmap_region *kr = &ctx->regions[i];

		if (kr->last <= last)
			continue;
		r[nr] = *kr;
		if (r[nr].start <= last)
			r[nr].start = last + 1;
		nr++;
	}
	*regs_ret = r;
	*n_ret = nr;
	return VMMAP_OK;
}

/* ---- the kernel image's physical pages ---- */

static int span_cmp(const void *a, const void *b)
{
	const struct kspan *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* Freed parts inside the sections: x86's unused part of .bss..decrypted
 * (arch/x86/kernel/vmlinux.lds.S BSS_DECRYPTED, v5.0+; freed by
 * mem_encrypt_free_decrypted_mem(), up to 2 MiB of the bss). */
static vmmap_status cut_freed(struct vmmap_ctx *ctx, struct kern *k)
{
	uint64_t a, b, pa, pb;
	size_t i;

	if (!ks_addr(ctx, "__start_bss_decrypted_unused", &a) ||
	    !ks_addr(ctx, "__end_bss_decrypted", &b) || b <= a ||
	    kernel_vtop_pa(ctx, a, &pa) || kernel_vtop_pa(ctx, b - 1, &pb)) {
		vmmap_clear_error(ctx);
		return VMMAP_OK;
	}
	for (i = 0; i < k->nimg; i++) {
		struct kspan *x = &k->img[i];

		if (pa <= x->first || pb >= x->last || pa > x->last ||
		    pb < x->first) {
			/* at an end, or not inside: trim */
			if (pa <= x->first && pb >= x->first)
				x->first = pb + 1 <= x->last ? pb + 1 : x->last;
			else if (pa <= x->last && pb >= x->last)
				x->last = pa - 1 >= x->first ? pa - 1 : x->first;
			continue;
		}
		/* in the middle: split */
		{
			struct kspan *nv = realloc(k->img, (k->nimg + 1) *
						   sizeof(*nv));

			if (!nv)
				return set_nomem(ctx);
			k->img = nv;
			x = &k->img[i];
			memmove(x + 2, x + 1, (k->nimg - i - 1) * sizeof(*x));
			x[1].first = pb + 1;
			x[1].last = x->last;
			x->last = pa - 1;
			k->nimg++;
			i++;
		}
	}
	return VMMAP_OK;
}

/*
 * The kernel image's pages that stay the kernel's after boot: its text,
 * read-only data, data and bss (include/asm-generic/sections.h, v5.10 to
 * v7.2), each linear in physical memory.  Not its init sections nor the
 * padding between sections: those are freed to the page allocator
 * (free_initmem(); x86's mark_rodata_ro() frees the gaps) and may be
 * anyone's, a process's too.  The sections whose symbols the dump does
 * not name (kallsyms without data symbols: the text only) are left out.
 */
static vmmap_status image_spans(struct vmmap_ctx *ctx, struct kern *k)
{
	static const char *const sec[][3] = {
		{ "_text", "_stext", "_etext" },
		{ "__start_rodata", NULL, "__end_rodata" },
		{ "_sdata", NULL, "_edata" },
		{ "__bss_start", NULL, "__bss_stop" },
	};
	struct kspan *v;
	size_t i, n = 0;

	if (k->img_done)
		return VMMAP_OK;
	v = calloc(ARRAY_SIZE(sec), sizeof(*v));
	if (!v)
		return set_nomem(ctx);
	for (i = 0; i < ARRAY_SIZE(sec); i++) {
		uint64_t a, b, pa, pb;

		if ((!ks_addr(ctx, sec[i][0], &a) &&
		     !(sec[i][1] && ks_addr(ctx, sec[i][1], &a))) ||
		    !ks_addr(ctx, sec[i][2], &b) || b <= a ||
		    kernel_vtop_pa(ctx, a, &pa) ||
		    kernel_vtop_pa(ctx, b - 1, &pb) || pb < pa) {
			vmmap_clear_error(ctx);
			continue;
		}
		v[n].first = pa;
		v[n].last = pb;
		n++;
	}
	qsort(v, n, sizeof(*v), span_cmp);
	k->img = v;
	k->nimg = n;
	k->img_done = true;
	/* the zero page user mode reads anonymous memory through before it
	 * writes it (mm/memory.c do_anonymous_page(), my_zero_pfn()): the
	 * image's empty_zero_page on x86 and arm64 */
	if (!ks_addr(ctx, "empty_zero_page", &k->zero_va) ||
	    kernel_vtop_pa(ctx, k->zero_va, &k->zero_pa))
		k->zero_va = 0;
	vmmap_clear_error(ctx);
	return cut_freed(ctx, k);
}

bool kmm_zero_page(struct vmmap_ctx *ctx, uint64_t first, uint64_t last)
{
	struct kern *k = ctx->kern;
	uint64_t size = kr_page_size(ctx);

	return k && k->zero_va && first >= k->zero_pa &&
	       last <= k->zero_pa + (size - 1);
}

bool kmm_kernel_image_phys(struct vmmap_ctx *ctx, uint64_t first,
			   uint64_t last)
{
	struct kern *k = ctx->kern;
	size_t lo = 0, hi;

	if (!k || !k->img_done)
		return false;
	hi = k->nimg;
	while (lo < hi) {	/* the first span ending at or after first */
		size_t mid = lo + (hi - lo) / 2;

		if (k->img[mid].last < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->nimg && k->img[lo].first <= last;
}

static vmmap_status select_mm(struct vmmap_ctx *ctx, vmmap_addr_t mm)
{
	const struct vmmap_arch *arch = ctx->arch;
	const struct vmmap_vma *v;
	struct kern *k = kern_of(ctx);
	struct vmmap_region *regs = NULL;
	struct kmember pgdm;
	const struct vmmap_region *u;
	struct vmmap_vtop t;
	struct pgfmt f;
	uint64_t pgd, vals[8] = { 0 };
	vmmap_addr_t last, ulast;
	size_t n, nr = 0, i;
	vmmap_status st;

	space_leave(ctx);
	if (!k)
		return set_nomem(ctx);
	k->sel_mm = 0;
	if (!mm)
		return VMMAP_OK;
	if ((st = kt_member(ctx, "mm_struct", "pgd", &pgdm)) ||
	    (st = kr_member(ctx, mm, &pgdm, &pgd)))
		return vmmap_set_error(ctx, st, "mm_struct 0x%" PRIx64, mm);
	for (i = 0; arch->user_mm_fields && arch->user_mm_fields[i] &&
		    i < ARRAY_SIZE(vals); i++) {
		struct kmember m;

		if ((st = kt_member(ctx, "mm_struct", arch->user_mm_fields[i],
				    &m)) ||
		    (st = kr_member(ctx, mm, &m, &vals[i])))
			return vmmap_set_error(ctx, st, "mm_struct 0x%" PRIx64,
					       mm);
	}
	st = vtop_internal(ctx, pgd, &t);
	if (st)
		return vmmap_set_error(ctx, st, "the page-table root (pgd "
				       "0x%" PRIx64 ") of mm 0x%" PRIx64, pgd,
				       mm);
	f = ctx->fmt;
	f.root = t.paddr;
	u = kernel_region(ctx, "user");
	if (arch->user_space) {
		st = arch->user_space(ctx, t.paddr, vals, &f, &last);
		if (st)
			return vmmap_set_error(ctx, st, "mm 0x%" PRIx64, mm);
	} else {
		if (!u)
			return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP,
				"%s: the layout has no user region",
				arch->name);
		last = u->last;
	}
	/* A space walked whole (x86_64's PTI user copy: @last the top of
	 * the address space) has VMAs only in the kernel's user region;
	 * above it are the kernel's own mappings the copy keeps for entering
	 * the kernel (arch/x86/mm/pti.c, v4.15 to v7.2: the entry text,
	 * cpu_entry_area, ESPfix stacks, each CPU's TSS), which are in no
	 * VMA by design. */
	ulast = u && u->last < last ? u->last : last;
	if ((st = kmm_vmas(ctx, mm, &v, &n)) ||
	    (st = image_spans(ctx, k)) ||
	    (st = space_regions(ctx, k, v, n, ulast, &regs, &nr)))
		return st;
	st = space_enter(ctx, &f, regs, nr, last, ulast);
	if (!st)
		k->sel_mm = mm;
	return st;
}

PUBLIC vmmap_status vmmap_select_mm(struct vmmap_ctx *ctx, vmmap_addr_t mm)
{
	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_select_mm() before vmmap_load()");
	return select_mm(ctx, mm);
}

PUBLIC vmmap_status vmmap_select_pid(struct vmmap_ctx *ctx, int64_t pid)
{
	const struct ktask *t;
	vmmap_status st;
	size_t n, i;

	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_select_pid() before vmmap_load()");
	space_leave(ctx);
	st = ktasks(ctx, &t, &n);
	if (st)
		return st;
	for (i = 0; i < n; i++) {
		if (t[i].pid != pid)
			continue;
		if (!t[i].mm)
			return vmmap_set_error(ctx, VMMAP_ERR_ARG, "PID %" PRId64
				" (%s) is a kernel thread: it has no user "
				"address space", pid, t[i].comm);
		return select_mm(ctx, t[i].mm);
	}
	return vmmap_set_error(ctx, VMMAP_ERR_ARG, "no task with PID %" PRId64
			       " in the dump", pid);
}

PUBLIC vmmap_addr_t vmmap_selected_mm(const struct vmmap_ctx *ctx)
{
	const struct kern *k = ctx->kern;

	return ctx->kspace && k ? k->sel_mm : 0;
}
