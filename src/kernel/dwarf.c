/*
 * dwarf.c - the kernel's types from a vmlinux's DWARF (libdw), for
 * kernels whose dump carries no BTF and whose vmlinux has none either.
 *
 * Named types are found among the top-level DIEs of the compile units,
 * indexed as the units are read: a lookup reads units until it finds its
 * name, so the common types (in the first units) cost little and a type
 * private to one file (mm/vmalloc.c's struct vmap_node) costs a pass.
 */
#include "config.h"
#include "kernel/dwarf.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct dent {
	const char *name;	/* in the DWARF's strings */
	int tag;
	Dwarf_Off off;
};

struct kdwarf {
	int fd;
	Dwarf *dw;
	Dwarf_Off next_cu;
	bool all_read;
	struct dent *v;		/* open addressing, nbuckets a power of 2 */
	size_t n, nbuckets;
	char path[256];
};

void kdwarf_free(struct kdwarf *d)
{
	if (!d)
		return;
	if (d->dw)
		dwarf_end(d->dw);
	if (d->fd >= 0)
		close(d->fd);
	free(d->v);
	free(d);
}

vmmap_status kdwarf_open(struct vmmap_ctx *ctx, const char *path,
			 struct kdwarf **ret)
{
	struct kdwarf *d = calloc(1, sizeof(*d));

	if (!d)
		return set_nomem(ctx);
	d->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0) {
		free(d);
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: cannot open",
				       path);
	}
	d->dw = dwarf_begin(d->fd, DWARF_C_READ);
	if (!d->dw) {
		kdwarf_free(d);
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "%s has no DWARF",
				       path);
	}
	snprintf(d->path, sizeof(d->path), "%s", path);
	*ret = d;
	return VMMAP_OK;
}

static uint64_t hash_name(const char *s, int tag)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)tag;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static bool index_add(struct kdwarf *d, const char *name, int tag,
		      Dwarf_Off off)
{
	size_t i;

	if (2 * (d->n + 1) > d->nbuckets) {
		size_t nb = d->nbuckets ? 2 * d->nbuckets : 4096, j;
		struct dent *nv = calloc(nb, sizeof(*nv));

		if (!nv)
			return false;
		for (j = 0; j < d->nbuckets; j++) {
			struct dent *e = &d->v[j];

			if (!e->name)
				continue;
			for (i = hash_name(e->name, e->tag) & (nb - 1); nv[i].name;
			     i = (i + 1) & (nb - 1))
				;
			nv[i] = *e;
		}
		free(d->v);
		d->v = nv;
		d->nbuckets = nb;
	}
	for (i = hash_name(name, tag) & (d->nbuckets - 1); d->v[i].name;
	     i = (i + 1) & (d->nbuckets - 1))
		if (d->v[i].tag == tag && !strcmp(d->v[i].name, name))
			return true;	/* the first definition stays */
	d->v[i].name = name;
	d->v[i].tag = tag;
	d->v[i].off = off;
	d->n++;
	return true;
}

static struct dent *index_get(struct kdwarf *d, const char *name, int tag)
{
	size_t i;

	if (!d->nbuckets)
		return NULL;
	for (i = hash_name(name, tag) & (d->nbuckets - 1); d->v[i].name;
	     i = (i + 1) & (d->nbuckets - 1))
		if (d->v[i].tag == tag && !strcmp(d->v[i].name, name))
			return &d->v[i];
	return NULL;
}

/* Index the named, complete types at the top of the next unit. */
static bool read_next_unit(struct kdwarf *d)
{
	Dwarf_Off off = d->next_cu, next;
	size_t hsize;
	Dwarf_Die cu, die;

	if (d->all_read ||
	    dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL)) {
		d->all_read = true;
		return false;
	}
	d->next_cu = next;
	if (!dwarf_offdie(d->dw, off + hsize, &cu) || dwarf_child(&cu, &die))
		return true;
	do {
		int tag = dwarf_tag(&die);
		const char *name;

		if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type &&
		    tag != DW_TAG_enumeration_type && tag != DW_TAG_typedef)
			continue;
		if (dwarf_hasattr(&die, DW_AT_declaration))
			continue;
		name = dwarf_diename(&die);
		if (name && !index_add(d, name, tag, dwarf_dieoffset(&die)))
			return false;
	} while (!dwarf_siblingof(&die, &die));
	return true;
}

static bool find_type(struct kdwarf *d, const char *name, const int *tags,
		      Dwarf_Die *out)
{
	for (;;) {
		const int *t;

		for (t = tags; *t; t++) {
			struct dent *e = index_get(d, name, *t);

			if (e && dwarf_offdie(d->dw, e->off, out))
				return true;
		}
		if (!read_next_unit(d))
			return false;
	}
}

static const int struct_tags[] = { DW_TAG_structure_type, DW_TAG_union_type,
				   DW_TAG_typedef, 0 };

/* Through typedefs and qualifiers; a declaration to its definition. */
static bool peel(struct kdwarf *d, Dwarf_Die *die)
{
	static const int tags[2][2] = { { DW_TAG_structure_type, 0 },
					{ DW_TAG_union_type, 0 } };

	if (dwarf_peel_type(die, die))
		return false;
	if (dwarf_hasattr(die, DW_AT_declaration) && dwarf_diename(die)) {
		const char *name = dwarf_diename(die);
		int tag = dwarf_tag(die);

		return find_type(d, name, tags[tag == DW_TAG_union_type], die);
	}
	return true;
}

static bool type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) &&
	       dwarf_formref_die(&a, out);
}

static bool member_offset(Dwarf_Die *m, uint64_t *off)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	*off = 0;
	if (!dwarf_attr(m, DW_AT_data_member_location, &a))
		return true;	/* a union's member */
	if (dwarf_formudata(&a, &w))
		return false;	/* an expression: not in the kernel's */
	*off = w;
	return true;
}

static bool dw_member(struct kdwarf *d, Dwarf_Die *type, const char *name,
		      size_t len, uint64_t *off, Dwarf_Die *mtype, int depth)
{
	Dwarf_Die t = *type, m;

	if (depth > 8 || !peel(d, &t) || dwarf_child(&t, &m))
		return false;
	do {
		const char *mn;
		uint64_t o, sub;
		Dwarf_Die mt;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		if (!member_offset(&m, &o) || !type_of(&m, &mt))
			continue;
		if (dwarf_hasattr(&m, DW_AT_bit_size))
			continue;
		mn = dwarf_diename(&m);
		if (!mn) {
			if (dw_member(d, &mt, name, len, &sub, mtype,
				      depth + 1)) {
				*off = o + sub;
				return true;
			}
			continue;
		}
		if (strlen(mn) == len && !memcmp(mn, name, len)) {
			*off = o;
			*mtype = mt;
			return true;
		}
	} while (!dwarf_siblingof(&m, &m));
	return false;
}

static uint64_t die_size(struct kdwarf *d, Dwarf_Die *die)
{
	Dwarf_Die t = *die;
	Dwarf_Word w;

	if (!peel(d, &t))
		return 0;
	return dwarf_aggregate_size(&t, &w) ? 0 : w;
}

vmmap_status kdwarf_member(struct vmmap_ctx *ctx, struct kdwarf *d,
			   const char *type, const char *path,
			   struct kmember *m)
{
	Dwarf_Die cur;
	const char *p = path;
	uint64_t total = 0;

	if (!find_type(d, type, struct_tags, &cur))
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "the DWARF of %s "
				       "has no struct %s", d->path, type);
	while (*p) {
		size_t len = strcspn(p, ".");
		uint64_t o;

		if (!dw_member(d, &cur, p, len, &o, &cur, 0))
			return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
				"the kernel's struct %s has no member %s "
				"(types from the DWARF of %s)", type, path,
				d->path);
		total += o;
		p += len;
		if (*p == '.')
			p++;
	}
	memset(m, 0, sizeof(*m));
	m->off = total;
	m->size = die_size(d, &cur);
	{
		Dwarf_Die t = cur, sub, et;

		if (peel(d, &t) && dwarf_tag(&t) == DW_TAG_array_type &&
		    !dwarf_child(&t, &sub) && type_of(&t, &et)) {
			Dwarf_Attribute a;
			Dwarf_Word w;

			m->elem_size = die_size(d, &et);
			if (dwarf_attr(&sub, DW_AT_count, &a) &&
			    !dwarf_formudata(&a, &w))
				m->nelem = w;
			else if (dwarf_attr(&sub, DW_AT_upper_bound, &a) &&
				 !dwarf_formudata(&a, &w))
				m->nelem = w + 1;
		}
	}
	return VMMAP_OK;
}

vmmap_status kdwarf_size(struct vmmap_ctx *ctx, struct kdwarf *d,
			 const char *type, uint64_t *size_ret)
{
	Dwarf_Die die;

	if (!find_type(d, type, struct_tags, &die) ||
	    !(*size_ret = die_size(d, &die)))
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "the DWARF of %s "
				       "has no struct %s", d->path, type);
	return VMMAP_OK;
}

vmmap_status kdwarf_enum(struct vmmap_ctx *ctx, struct kdwarf *d,
			 const char *type, const char *name,
			 int64_t *value_ret)
{
	static const int tags[] = { DW_TAG_enumeration_type, 0 };
	Dwarf_Die die, e;

	if (find_type(d, type, tags, &die) && !dwarf_child(&die, &e)) {
		do {
			Dwarf_Attribute a;
			Dwarf_Sword v;
			const char *n = dwarf_diename(&e);

			if (dwarf_tag(&e) == DW_TAG_enumerator && n &&
			    !strcmp(n, name) &&
			    dwarf_attr(&e, DW_AT_const_value, &a) &&
			    !dwarf_formsdata(&a, &v)) {
				*value_ret = v;
				return VMMAP_OK;
			}
		} while (!dwarf_siblingof(&e, &e));
	}
	return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "the DWARF of %s has no "
			       "enum %s value %s", d->path, type, name);
}
