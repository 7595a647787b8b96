/*
 * diff.c - the differences between two maps (--diff=OTHER).
 *
 * Each side becomes a list of segments: what is mapped (or unreadable, or
 * invalid), keyed by the region it lies in and its offset from that
 * region's anchor, with its page size, attributes and physical address.
 * The anchor is the region's start, except for the kernel image ("kernel"),
 * whose first mapped address moves with the KASLR offset inside a region
 * that does not (x86_64's __START_KERNEL_map): two boots of one kernel
 * line up.  A region is known by its id and which of the regions with that
 * id it is ("vmalloc", then "vmalloc#1" after the PCI I/O window of arm).
 *
 * OTHER is a dump (loaded with the defaults), a map saved with
 * --format=json, or a ptdump text (/sys/kernel/debug/page_tables/kernel,
 * or vmmap's --format=ptdump).  A ptdump text says no layout: it is taken
 * as this dump's, and compared with this dump's own ptdump rendering, line
 * attributes against line attributes, present ranges only.
 *
 * Physical addresses: compared everywhere when both maps are of one boot
 * (the layout values both give are equal); across boots only where a
 * region maps linearly on both sides (the direct map, the kernel image),
 * relative to its own start, since what the page allocator chose elsewhere
 * differs from boot to boot by nature.  A region whose content the kernel
 * places at random at each boot (struct vmmap_region.per_boot: ESPfix)
 * is compared across boots by its content: the bytes mapped with each
 * page size and set of attributes.
 */
#include "config.h"
#include "output/output.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PUBLIC __attribute__((visibility("default")))
#define JSON_SCHEMA 1

/* Differences printed one by one; beyond, counted. */
#define MAX_SHOWN 100000

struct rkey {			/* a region as both sides name it */
	char *key;		/* "vmalloc", "vmalloc#1" */
	vmmap_addr_t start, last, anchor;
	bool have_mapped;	/* anchor set from the first mapped address */
	bool linear;		/* every segment: phys - offset the same */
	bool linear_set;
	uint64_t lin;		/* that constant */
	unsigned max_lines;	/* differences shown (0: all), as the table */
	bool per_boot;		/* placed at random at each boot */
};

struct seg {
	size_t reg;		/* into the side's regions */
	uint64_t off, off_last;	/* from the region's anchor */
	vmmap_addr_t start;	/* the address of off */
	uint64_t phys;		/* of off; UINT64_MAX: none */
	uint64_t page_size;
	bool alias;
	char *flags;		/* "present RW GLB NX", "unreadable", ... */
};

struct side {
	const char *name;
	struct rkey *regs;
	size_t nregs;
	struct seg *v;
	size_t n, cap;
	/* layout values, to tell one boot from two */
	char **pnames;
	uint64_t *pvals;
	size_t np;
	bool ptdump;		/* attributes are a ptdump line's text */
};

static void side_free(struct side *s)
{
	size_t i;

	for (i = 0; i < s->nregs; i++)
		free(s->regs[i].key);
	for (i = 0; i < s->n; i++)
		free(s->v[i].flags);
	for (i = 0; i < s->np; i++)
		free(s->pnames[i]);
	free(s->regs);
	free(s->v);
	free(s->pnames);
	free(s->pvals);
	memset(s, 0, sizeof(*s));
}

static vmmap_status side_param(struct vmmap_ctx *ctx, struct side *s,
			       const char *name, uint64_t v)
{
	char **nn = realloc(s->pnames, (s->np + 1) * sizeof(*nn));
	uint64_t *nv;

	if (!nn)
		return set_nomem(ctx);
	s->pnames = nn;
	nv = realloc(s->pvals, (s->np + 1) * sizeof(*nv));
	if (!nv)
		return set_nomem(ctx);
	s->pvals = nv;
	s->pnames[s->np] = strdup(name);
	if (!s->pnames[s->np])
		return set_nomem(ctx);
	s->pvals[s->np++] = v;
	return VMMAP_OK;
}

/* Regions in address order; keys numbered by id. */
static vmmap_status side_region(struct vmmap_ctx *ctx, struct side *s,
				const char *id, vmmap_addr_t start,
				vmmap_addr_t last)
{
	struct rkey *nr = realloc(s->regs, (s->nregs + 1) * sizeof(*nr));
	unsigned k = 0;
	size_t i;
	char buf[96];

	if (!nr)
		return set_nomem(ctx);
	s->regs = nr;
	for (i = 0; i < s->nregs; i++) {
		const char *h = strchr(s->regs[i].key, '#');
		size_t len = h ? (size_t)(h - s->regs[i].key)
			       : strlen(s->regs[i].key);

		if (len == strlen(id) && !strncmp(s->regs[i].key, id, len))
			k++;
	}
	if (k)
		snprintf(buf, sizeof(buf), "%s#%u", id, k);
	else
		snprintf(buf, sizeof(buf), "%s", id);
	nr = &s->regs[s->nregs];
	memset(nr, 0, sizeof(*nr));
	nr->key = strdup(buf);
	if (!nr->key)
		return set_nomem(ctx);
	nr->start = start;
	nr->last = last;
	nr->anchor = start;
	s->nregs++;
	return VMMAP_OK;
}

static size_t region_at(const struct side *s, vmmap_addr_t a)
{
	size_t lo = 0, hi = s->nregs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->regs[mid].last < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nregs && s->regs[lo].start <= a ? lo : (size_t)-1;
}

static bool is_image(const struct rkey *r)
{
	return !strcmp(r->key, "kernel");
}

/* A segment [start, last] (one region's part of it at a time). */
static vmmap_status side_add(struct vmmap_ctx *ctx, struct side *s,
			     vmmap_addr_t start, vmmap_addr_t last,
			     uint64_t phys, uint64_t page_size, bool alias,
			     const char *flags)
{
	while (1) {
		size_t ri = region_at(s, start);
		vmmap_addr_t end = last;
		struct seg *g;

		if (ri == (size_t)-1)
			return VMMAP_OK;	/* outside every region: none */
		if (s->regs[ri].last < end)
			end = s->regs[ri].last;
		if (s->n == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 1024;
			struct seg *nv = realloc(s->v, cap * sizeof(*nv));

			if (!nv)
				return set_nomem(ctx);
			s->v = nv;
			s->cap = cap;
		}
		g = &s->v[s->n];
		g->reg = ri;
		g->start = start;
		g->off = start;		/* made relative once anchors are known */
		g->off_last = end;
		g->phys = phys;
		g->page_size = page_size;
		g->alias = alias;
		g->flags = strdup(flags);
		if (!g->flags)
			return set_nomem(ctx);
		s->n++;
		if (end == last)
			return VMMAP_OK;
		if (phys != UINT64_MAX && !alias)
			phys += end + 1 - start;
		start = end + 1;
	}
}

/* Offsets from the anchors; whether each region maps linearly. */
static void side_finish(struct side *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct rkey *r = &s->regs[s->v[i].reg];

		if (is_image(r) && !r->have_mapped &&
		    s->v[i].phys != UINT64_MAX) {
			r->anchor = s->v[i].start;
			r->have_mapped = true;
		}
	}
	for (i = 0; i < s->n; i++) {
		struct seg *g = &s->v[i];
		struct rkey *r = &s->regs[g->reg];
		uint64_t lin;

		g->off = g->start - r->anchor;
		g->off_last = g->off_last - r->anchor;
		if (g->phys == UINT64_MAX || g->alias) {
			r->linear = false;
			r->linear_set = true;
			continue;
		}
		lin = g->phys - g->off;
		if (!r->linear_set) {
			r->linear = true;
			r->linear_set = true;
			r->lin = lin;
		} else if (r->linear && r->lin != lin) {
			r->linear = false;
		}
	}
}

/* ---- a side from a loaded context ---------------------------------------- */

struct ctx_walk {
	struct vmmap_ctx *ctx;
	struct side *s;
};

static vmmap_status ctx_range(void *arg, const struct vmmap_range *r)
{
	struct ctx_walk *w = arg;
	char flags[256];
	const char *names[32];
	size_t n, i, off = 0;

	switch (r->kind) {
	case VMMAP_RANGE_HOLE:
		return VMMAP_OK;
	case VMMAP_RANGE_UNREADABLE:
		return side_add(w->ctx, w->s, r->start, r->last, UINT64_MAX, 0,
				false, "(unreadable)");
	case VMMAP_RANGE_INVALID:
		snprintf(flags, sizeof(flags), "(invalid entry 0x%" PRIx64 ")",
			 r->entry);
		return side_add(w->ctx, w->s, r->start, r->last, UINT64_MAX, 0,
				false, flags);
	case VMMAP_RANGE_REPLICA:
		snprintf(flags, sizeof(flags), "(the tables at 0x%" PRIx64
			 " again)", r->phys);
		return side_add(w->ctx, w->s, r->start, r->last, UINT64_MAX, 0,
				false, flags);
	case VMMAP_RANGE_MAPPED:
		break;
	}
	n = vmmap_flag_names(w->ctx, r, names, 32);
	flags[0] = 0;
	for (i = 0; i < n && off < sizeof(flags); i++)
		off += (size_t)snprintf(flags + off, sizeof(flags) - off, "%s%s",
					i ? " " : "", names[i]);
	return side_add(w->ctx, w->s, r->start, r->last, r->phys, r->page_size,
			r->alias, flags);
}

static vmmap_status side_from_ctx(struct vmmap_ctx *ctx, struct side *s,
				  const char *name)
{
	struct ctx_walk w = { ctx, s };
	vmmap_status st = VMMAP_OK;
	size_t i;

	s->name = name;
	for (i = 0; !st && i < vmmap_region_count(ctx); i++) {
		const struct vmmap_region *r = vmmap_region_get(ctx, i);

		st = side_region(ctx, s, r->id, r->start, r->last);
		if (!st) {
			s->regs[s->nregs - 1].max_lines = r->max_lines;
			s->regs[s->nregs - 1].per_boot = r->per_boot;
		}
	}
	for (i = 0; !st && i < vmmap_param_count(ctx); i++) {
		const struct vmmap_param *p = vmmap_param_get(ctx, i);

		st = side_param(ctx, s, p->name, p->value);
	}
	if (!st)
		st = vmmap_walk(ctx, 0, VMMAP_ADDR_MAX, VMMAP_WALK_NOHOLES,
				ctx_range, &w);
	if (!st)
		side_finish(s);
	return st;
}

/* ---- a side from a JSON map ------------------------------------------------ */

static bool json_hex(json_object *o, const char *key, uint64_t *ret)
{
	json_object *v;
	const char *s;
	char *end;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	errno = 0;
	*ret = strtoull(s, &end, 16);
	return !errno && end != s && !*end;
}

static vmmap_status side_from_json(struct vmmap_ctx *ctx, struct side *s,
				   const char *path, const char *text)
{
	json_tokener *tok = json_tokener_new();
	json_object *root, *regions, *ranges, *layout;
	vmmap_status st = VMMAP_OK;
	size_t i, n;

	if (!tok)
		return set_nomem(ctx);
	root = json_tokener_parse_ex(tok, text, (int)strlen(text));
	if (!root) {
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s: not JSON (%s "
				     "at byte %zu)", path,
				     json_tokener_error_desc(
					     json_tokener_get_error(tok)),
				     json_tokener_get_parse_end(tok));
		json_tokener_free(tok);
		return st;
	}
	json_tokener_free(tok);
	s->name = path;
	if (!json_object_object_get_ex(root, "regions", &regions) ||
	    !json_object_is_type(regions, json_type_array) ||
	    !json_object_object_get_ex(root, "ranges", &ranges) ||
	    !json_object_is_type(ranges, json_type_array)) {
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s: not a map "
				     "saved with --format=json (no \"regions\" "
				     "and \"ranges\")", path);
		goto out;
	}
	n = json_object_array_length(regions);
	for (i = 0; !st && i < n; i++) {
		json_object *r = json_object_array_get_idx(regions, i), *id;
		json_object *pb;
		uint64_t a, b;

		if (!json_object_object_get_ex(r, "id", &id) ||
		    !json_hex(r, "start", &a) || !json_hex(r, "end", &b) ||
		    (s->nregs && a <= s->regs[s->nregs - 1].last) || b < a)
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s: region "
					     "%zu is not one of a map", path, i);
		else
			st = side_region(ctx, s, json_object_get_string(id), a,
					 b);
		if (!st && json_object_object_get_ex(r, "per_boot", &pb))
			s->regs[s->nregs - 1].per_boot =
				json_object_get_boolean(pb);
	}
	if (!st && json_object_object_get_ex(root, "layout", &layout) &&
	    json_object_is_type(layout, json_type_object)) {
		json_object_object_foreach(layout, key, val) {
			uint64_t v;

			(void)val;
			if (!st && json_hex(layout, key, &v))
				st = side_param(ctx, s, key, v);
		}
	}
	n = json_object_array_length(ranges);
	for (i = 0; !st && i < n; i++) {
		json_object *r = json_object_array_get_idx(ranges, i);
		json_object *kind, *flags, *ps, *alias;
		uint64_t a, b, phys = UINT64_MAX, psize = 0;
		char buf[256];
		size_t off = 0, k;
		const char *kd;

		if (!json_object_object_get_ex(r, "kind", &kind) ||
		    !json_hex(r, "start", &a) || !json_hex(r, "end", &b) ||
		    b < a) {
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s: range "
					     "%zu has no kind, start or end",
					     path, i);
			break;
		}
		kd = json_object_get_string(kind);
		if (!strcmp(kd, "hole"))
			continue;
		buf[0] = 0;
		if (!strcmp(kd, "mapped")) {
			if (!json_hex(r, "phys", &phys)) {
				st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					"%s: mapped range %zu has no phys",
					path, i);
				break;
			}
			if (json_object_object_get_ex(r, "page_size", &ps))
				psize = (uint64_t)json_object_get_int64(ps);
			if (json_object_object_get_ex(r, "flags", &flags) &&
			    json_object_is_type(flags, json_type_array))
				for (k = 0; k < json_object_array_length(flags) &&
					    off < sizeof(buf); k++)
					off += (size_t)snprintf(buf + off,
						sizeof(buf) - off, "%s%s",
						k ? " " : "",
						json_object_get_string(
						json_object_array_get_idx(flags,
									  k)));
		} else if (!strcmp(kd, "unreadable")) {
			snprintf(buf, sizeof(buf), "(unreadable)");
		} else {
			snprintf(buf, sizeof(buf), "(%s)", kd);
		}
		st = side_add(ctx, s, a, b, phys, psize,
			      json_object_object_get_ex(r, "alias", &alias) &&
			      json_object_get_boolean(alias), buf);
	}
	if (!st)
		side_finish(s);
out:
	json_object_put(root);
	return st;
}

/* ---- a side from a ptdump text --------------------------------------------- */

/* The attributes of a ptdump line after its addresses: the size and
 * spacing dropped; "" when it says nothing is mapped (only the level's
 * name, or s390x's "I"). */
static void ptdump_attrs(const char *rest, char *buf, size_t size)
{
	static const char *const levels[] = { "pte", "pmd", "pud", "p4d", "pgd",
					      "PTE", "PMD", "PUD", "P4D", "PGD",
					      "R1", "R2", "R3", "SGT", NULL };
	char tmp[512], *tok, *save = NULL;
	size_t off = 0;
	bool first = true, any = false, invalid = false;

	snprintf(tmp, sizeof(tmp), "%s", rest);
	buf[0] = 0;
	for (tok = strtok_r(tmp, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		size_t i;
		bool level = false;

		if (first) {	/* the size: "4K", "2M", "16E" */
			first = false;
			if (isdigit((unsigned char)tok[0]))
				continue;
		}
		for (i = 0; levels[i]; i++)
			if (!strcmp(tok, levels[i]))
				level = true;
		if (!strcmp(tok, "I"))
			invalid = true;
		else if (!level)
			any = true;
		if (off < size)
			off += (size_t)snprintf(buf + off, size - off, "%s%s",
						off ? " " : "", tok);
	}
	if (!any || invalid)
		buf[0] = 0;
}

static vmmap_status side_from_ptdump(struct vmmap_ctx *ctx, struct side *s,
				     const struct side *layout,
				     const char *name, const char *text)
{
	const char *p = text;
	vmmap_status st = VMMAP_OK;
	size_t i, lineno = 0;
	int width = 0;

	s->name = name;
	s->ptdump = true;
	for (i = 0; !st && i < layout->nregs; i++)
		st = side_region(ctx, s, "r", layout->regs[i].start,
				 layout->regs[i].last);
	/* the keys of the dump's side: same regions, same names */
	for (i = 0; !st && i < layout->nregs; i++) {
		free(s->regs[i].key);
		s->regs[i].key = strdup(layout->regs[i].key);
		if (!s->regs[i].key)
			st = set_nomem(ctx);
	}
	while (!st && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[512], attrs[512], *end;
		uint64_t a, b;

		lineno++;
		snprintf(line, sizeof(line), "%.*s", (int)(len < 511 ? len : 511),
			 p);
		p += len + (eol ? 1 : 0);
		if (strncmp(line, "0x", 2))
			continue;	/* markers, headers, summaries */
		errno = 0;
		a = strtoull(line, &end, 16);
		if (errno || *end != '-') {
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s:%zu: not "
					     "a ptdump line", name, lineno);
			break;
		}
		if (!width)
			width = (int)(end - line) - 2;
		b = strtoull(end + 1, &end, 16);
		if (errno) {
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s:%zu: not "
					     "a ptdump line", name, lineno);
			break;
		}
		/* the end is exclusive, 0 where it wrapped (the last line) */
		if (b == 0 && width == 8)
			b = UINT64_C(1) << 32;
		b -= 1;
		if (b < a)
			continue;
		ptdump_attrs(end, attrs, sizeof(attrs));
		if (attrs[0])
			st = side_add(ctx, s, a, b, UINT64_MAX, 0, false, attrs);
	}
	if (!st)
		side_finish(s);
	return st;
}

/* This dump's own ptdump text, to compare with one. */
static vmmap_status own_ptdump(struct vmmap_ctx *ctx, char **text_ret)
{
	struct vmmap_opts o;
	size_t len = 0;
	vmmap_status st;
	FILE *f;

	*text_ret = NULL;
	f = open_memstream(text_ret, &len);
	if (!f)
		return set_nomem(ctx);
	memset(&o, 0, sizeof(o));
	o.format = VMMAP_FMT_PTDUMP;	/* summarised as the kernel does */
	st = fmt_map(ctx, &o, f);
	fclose(f);
	return st;
}

/* ---- the comparison ------------------------------------------------------- */

struct pos {			/* a side's segments of one region, sorted */
	struct seg **v;
	size_t n, i;
};

enum phys_mode { PHYS_ALL, PHYS_LINEAR };

struct dstate {
	struct vmmap_ctx *ctx;
	FILE *out;
	bool json;
	enum phys_mode pm;
	bool all;		/* --all: no per-region limit */
	const struct side *a, *b;
	uint64_t added, removed, changed, shown;
	unsigned max_lines;	/* of the region being compared */
	uint64_t in_region, hidden;	/* its differences, those not shown */
	/* the difference being extended */
	bool open;
	char change;		/* '-', '+', '~' */
	const char *key;
	uint64_t off, off_last;
	const struct seg *sa, *sb;	/* where it started */
	uint64_t sa_off, sb_off;	/* their offsets where it started */
};

static uint64_t phys_at(const struct seg *g, uint64_t off)
{
	if (g->phys == UINT64_MAX)
		return UINT64_MAX;
	return g->alias ? g->phys : g->phys + (off - g->off);
}

static bool same_value(const struct dstate *d, const struct rkey *ra,
		       const struct rkey *rb, const struct seg *a,
		       const struct seg *b, uint64_t off)
{
	uint64_t pa, pb;

	if (strcmp(a->flags, b->flags) || a->page_size != b->page_size ||
	    a->alias != b->alias)
		return false;
	pa = phys_at(a, off);
	pb = phys_at(b, off);
	if (pa == UINT64_MAX || pb == UINT64_MAX)
		return pa == pb || d->a->ptdump;
	if (d->pm == PHYS_ALL)
		return pa == pb;
	/* across boots: relative to each side's linear start, where both
	 * map linearly; elsewhere the page allocator's choice */
	if (ra->linear && rb->linear)
		return pa - ra->lin == pb - rb->lin;
	return true;
}

static void json_flags(FILE *out, const char *flags)
{
	char tmp[512], *tok, *save = NULL;
	bool first = true;

	snprintf(tmp, sizeof(tmp), "%s", flags);
	fputc('[', out);
	for (tok = strtok_r(tmp, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		fprintf(out, "%s", first ? "" : ", ");
		json_str(out, tok);
		first = false;
	}
	fputc(']', out);
}

static void show_side(const struct dstate *d, const struct seg *g,
		      const struct rkey *r, uint64_t off, uint64_t off_last,
		      bool json)
{
	vmmap_addr_t va = r->anchor + off, vb = r->anchor + off_last;
	uint64_t ph = phys_at(g, off);
	char psize[16];

	if (json) {
		fprintf(d->out, "{\"start\": \"0x%" PRIx64 "\", \"end\": \"0x%"
			PRIx64 "\", ", va, vb);
		if (ph == UINT64_MAX)
			fprintf(d->out, "\"phys\": null, ");
		else
			fprintf(d->out, "\"phys\": \"0x%" PRIx64 "\", ", ph);
		fprintf(d->out, "\"page_size\": %" PRIu64 ", \"flags\": ",
			g->page_size);
		json_flags(d->out, g->flags);
		fputc('}', d->out);
		return;
	}
	fprintf(d->out, "0x%016" PRIx64 "-0x%016" PRIx64, va, vb);
	if (g->page_size) {
		fmt_size(g->page_size, psize, sizeof(psize));
		fprintf(d->out, " %5s", psize);
	}
	if (ph != UINT64_MAX)
		fprintf(d->out, " phys 0x%" PRIx64 "%s", ph,
			g->alias ? " (every page)" : "");
	fprintf(d->out, " [%s]", g->flags);
}

static void flush(struct dstate *d)
{
	const struct rkey *ra = NULL, *rb = NULL;
	char size[16];
	size_t i;

	if (!d->open)
		return;
	d->open = false;
	if (d->change == '-')
		d->removed++;
	else if (d->change == '+')
		d->added++;
	else
		d->changed++;
	if (!d->all && d->max_lines && d->in_region++ >= d->max_lines) {
		d->hidden++;	/* as the table format summarises them */
		return;
	}
	if (d->shown++ >= MAX_SHOWN)
		return;
	for (i = 0; i < d->a->nregs; i++)
		if (!strcmp(d->a->regs[i].key, d->key))
			ra = &d->a->regs[i];
	for (i = 0; i < d->b->nregs; i++)
		if (!strcmp(d->b->regs[i].key, d->key))
			rb = &d->b->regs[i];
	if (d->json) {
		fprintf(d->out, "%s\n    {\"change\": \"%s\", \"region\": ",
			d->shown > 1 ? "," : "",
			d->change == '-' ? "removed" : d->change == '+'
			? "added" : "changed");
		json_str(d->out, d->key);
		fprintf(d->out, ", \"offset\": \"0x%" PRIx64 "\", "
			"\"offset_end\": \"0x%" PRIx64 "\", \"a\": ", d->off,
			d->off_last);
		if (d->sa && ra)
			show_side(d, d->sa, ra, d->off, d->off_last, true);
		else
			fprintf(d->out, "null");
		fprintf(d->out, ", \"b\": ");
		if (d->sb && rb)
			show_side(d, d->sb, rb, d->off, d->off_last, true);
		else
			fprintf(d->out, "null");
		fputc('}', d->out);
		return;
	}
	fmt_size(d->off_last - d->off + 1, size, sizeof(size));
	fprintf(d->out, "%c %-8s %s+0x%" PRIx64 "-0x%" PRIx64 " %s\n",
		d->change, d->change == '-' ? "removed" : d->change == '+'
		? "added" : "changed", d->key, d->off, d->off_last, size);
	if (d->sa && ra) {
		fprintf(d->out, "    a: ");
		show_side(d, d->sa, ra, d->off, d->off_last, false);
		fputc('\n', d->out);
	}
	if (d->sb && rb) {
		fprintf(d->out, "    b: ");
		show_side(d, d->sb, rb, d->off, d->off_last, false);
		fputc('\n', d->out);
	}
}

/* One elementary piece [off, last] of region @key: A's segment @a and
 * B's @b there (NULL: nothing). */
static void piece(struct dstate *d, const char *key, const struct rkey *ra,
		  const struct rkey *rb, const struct seg *a,
		  const struct seg *b, uint64_t off, uint64_t last)
{
	char change;

	if (!a && !b)
		change = 0;
	else if (!b)
		change = '-';
	else if (!a)
		change = '+';
	else
		change = same_value(d, ra, rb, a, b, off) ? 0 : '~';
	/* one difference goes on while it is of the same kind, contiguous
	 * and the same attributes on both sides */
	if (d->open && change && change == d->change && d->key == key &&
	    d->off_last + 1 == off &&
	    (!a) == (!d->sa) && (!b) == (!d->sb) &&
	    (!a || (!strcmp(a->flags, d->sa->flags) &&
		    a->page_size == d->sa->page_size &&
		    phys_at(a, off) == phys_at(d->sa, off))) &&
	    (!b || (!strcmp(b->flags, d->sb->flags) &&
		    b->page_size == d->sb->page_size &&
		    phys_at(b, off) == phys_at(d->sb, off)))) {
		d->off_last = last;
		return;
	}
	flush(d);
	if (!change)
		return;
	d->open = true;
	d->change = change;
	d->key = key;
	d->off = off;
	d->off_last = last;
	d->sa = a;
	d->sb = b;
}

static int segp_cmp(const void *x, const void *y)
{
	const struct seg *a = *(const struct seg *const *)x;
	const struct seg *b = *(const struct seg *const *)y;

	return a->off < b->off ? -1 : a->off > b->off;
}

/* The segments of region @key, by offset (the anchor of the kernel
 * image may put what lies below it last). */
static vmmap_status collect_region(struct vmmap_ctx *ctx,
				   const struct side *s, const char *key,
				   struct pos *p)
{
	size_t i, n = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->regs[s->v[i].reg].key, key))
			n++;
	if (!n)
		return VMMAP_OK;
	p->v = malloc(n * sizeof(*p->v));
	if (!p->v)
		return set_nomem(ctx);
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->regs[s->v[i].reg].key, key))
			p->v[p->n++] = &s->v[i];
	qsort(p->v, p->n, sizeof(*p->v), segp_cmp);
	return VMMAP_OK;
}

static vmmap_status diff_region(struct dstate *d, const char *key,
				const struct rkey *ra, const struct rkey *rb)
{
	struct pos pa, pb;
	vmmap_status st;
	uint64_t off = 0;
	bool done = false;

	st = collect_region(d->ctx, d->a, key, &pa);
	if (!st)
		st = collect_region(d->ctx, d->b, key, &pb);
	if (st) {
		free(pa.v);
		return st;
	}
	while (!done) {
		const struct seg *a, *b;
		uint64_t next = UINT64_MAX;

		while (pa.i < pa.n && pa.v[pa.i]->off_last < off)
			pa.i++;
		while (pb.i < pb.n && pb.v[pb.i]->off_last < off)
			pb.i++;
		if (pa.i == pa.n && pb.i == pb.n)
			break;
		a = pa.i < pa.n && pa.v[pa.i]->off <= off ? pa.v[pa.i] : NULL;
		b = pb.i < pb.n && pb.v[pb.i]->off <= off ? pb.v[pb.i] : NULL;
		/* the next boundary of either side */
		if (a)
			next = a->off_last;
		else if (pa.i < pa.n)
			next = pa.v[pa.i]->off - 1;
		if (b && b->off_last < next)
			next = b->off_last;
		else if (!b && pb.i < pb.n && pb.v[pb.i]->off - 1 < next)
			next = pb.v[pb.i]->off - 1;
		piece(d, key, ra, rb, a, b, off, next);
		if (next == UINT64_MAX)
			done = true;
		else
			off = next + 1;
	}
	free(pa.v);
	free(pb.v);
	return VMMAP_OK;
}

/* ---- a region placed at random at each boot: by content -------------- */

struct content {		/* bytes mapped alike on each side */
	uint64_t page_size;
	const char *flags;
	uint64_t bytes[2];
};

static vmmap_status content_add(struct vmmap_ctx *ctx, struct content **v,
				size_t *n, size_t *cap, const struct seg *g,
				int side)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*v)[i].page_size == g->page_size &&
		    !strcmp((*v)[i].flags, g->flags))
			break;
	if (i == *n) {
		if (*n == *cap) {
			size_t nc = *cap ? 2 * *cap : 8;
			struct content *nv = realloc(*v, nc * sizeof(**v));

			if (!nv)
				return set_nomem(ctx);
			*v = nv;
			*cap = nc;
		}
		(*v)[i].page_size = g->page_size;
		(*v)[i].flags = g->flags;
		(*v)[i].bytes[0] = (*v)[i].bytes[1] = 0;
		(*n)++;
	}
	(*v)[i].bytes[side] += g->off_last - g->off + 1;
	return VMMAP_OK;
}

static void content_side(const struct dstate *d, const struct content *c,
			 int side)
{
	char size[16];

	if (d->json) {
		fprintf(d->out, "{\"bytes\": %" PRIu64 ", \"page_size\": %"
			PRIu64 ", \"flags\": ", c->bytes[side], c->page_size);
		json_flags(d->out, c->flags);
		fputc('}', d->out);
		return;
	}
	fmt_size(c->bytes[side], size, sizeof(size));
	fmt_size(c->page_size, size + 8, sizeof(size) - 8);
	fprintf(d->out, "    %c: %s in %s pages [%s]\n", side ? 'b' : 'a',
		size, size + 8, c->flags);
}

static vmmap_status diff_content(struct dstate *d, const char *key)
{
	struct content *v = NULL;
	size_t n = 0, cap = 0, i;
	vmmap_status st = VMMAP_OK;
	const struct side *s[2] = { d->a, d->b };
	int k;

	for (k = 0; k < 2; k++)
		for (i = 0; !st && i < s[k]->n; i++)
			if (!strcmp(s[k]->regs[s[k]->v[i].reg].key, key))
				st = content_add(d->ctx, &v, &n, &cap,
						 &s[k]->v[i], k);
	for (i = 0; !st && i < n; i++) {
		const struct content *c = &v[i];
		char change = !c->bytes[1] ? '-' : !c->bytes[0] ? '+' : '~';

		if (c->bytes[0] == c->bytes[1])
			continue;
		if (change == '-')
			d->removed++;
		else if (change == '+')
			d->added++;
		else
			d->changed++;
		if (d->shown++ >= MAX_SHOWN)
			continue;
		if (d->json) {
			fprintf(d->out, "%s\n    {\"change\": \"%s\", "
				"\"region\": ", d->shown > 1 ? "," : "",
				change == '-' ? "removed" : change == '+'
				? "added" : "changed");
			json_str(d->out, key);
			fprintf(d->out, ", \"by_content\": true, \"a\": ");
			if (c->bytes[0])
				content_side(d, c, 0);
			else
				fprintf(d->out, "null");
			fprintf(d->out, ", \"b\": ");
			if (c->bytes[1])
				content_side(d, c, 1);
			else
				fprintf(d->out, "null");
			fputc('}', d->out);
			continue;
		}
		fprintf(d->out, "%c %-8s %s (placed at random at each boot: "
			"compared by content)\n", change, change == '-' ?
			"removed" : change == '+' ? "added" : "changed", key);
		if (c->bytes[0])
			content_side(d, c, 0);
		if (c->bytes[1])
			content_side(d, c, 1);
	}
	free(v);
	return st;
}

static void region_begin(struct dstate *d, unsigned max_lines)
{
	d->max_lines = max_lines;
	d->in_region = 0;
	d->hidden = 0;
}

static void region_end(struct dstate *d, const char *key)
{
	if (d->hidden && !d->json)
		fprintf(d->out, "... %" PRIu64 " more difference%s in %s "
			"(--all shows them)\n", d->hidden,
			d->hidden == 1 ? "" : "s", key);
}

/* Are both maps of one boot: do the layout values both give agree? */
static bool one_boot(const struct side *a, const struct side *b,
		     const char **which, uint64_t *va, uint64_t *vb)
{
	size_t i, j;

	for (i = 0; i < a->np; i++)
		for (j = 0; j < b->np; j++)
			if (!strcmp(a->pnames[i], b->pnames[j]) &&
			    a->pvals[i] != b->pvals[j]) {
				*which = a->pnames[i];
				*va = a->pvals[i];
				*vb = b->pvals[j];
				return false;
			}
	return true;
}

static vmmap_status read_text(struct vmmap_ctx *ctx, const char *path,
			      char **text_ret, bool *binary)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int fd;
	vmmap_status st;

	st = file_open_regular(ctx, path, "a map to compare with", &fd, NULL);
	if (st)
		return st;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return set_nomem(ctx);
	}
	*binary = false;
	for (;;) {
		if (cap - len < 65536 + 1) {
			char *nb;

			if (cap >= (UINT64_C(1) << 30)) {
				free(buf);
				fclose(f);
				return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					"%s: more than 1 GiB of text", path);
			}
			cap = cap ? 2 * cap : 1 << 20;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return set_nomem(ctx);
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		if (memchr(buf + len, 0, n) ||
		    (len == 0 && n >= 4 && !memcmp(buf, "\177ELF", 4)))
			*binary = true;
		len += n;
		if (*binary || !n)
			break;
	}
	fclose(f);
	buf[len] = 0;
	*text_ret = buf;
	return VMMAP_OK;
}

vmmap_status fmt_diff(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		      FILE *out)
{
	struct side a, b;
	struct vmmap_ctx *other = NULL;
	struct dstate d;
	char *text = NULL, *own = NULL;
	const char *which = NULL, *p;
	uint64_t va = 0, vb = 0;
	bool binary = false, same;
	vmmap_status st;
	size_t i, j;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&d, 0, sizeof(d));
	ctx->findings = 0;
	st = read_text(ctx, o->diff, &text, &binary);
	if (st)
		return st;
	st = side_from_ctx(ctx, &a, o->dump ? o->dump : "this map");
	for (p = text; !binary && (*p == ' ' || *p == '\n' || *p == '\t');
	     p++)
		;
	if (st) {
		/* nothing */
	} else if (binary) {
		/* a dump: loaded as vmmap-dump would load it alone */
		free(text);
		text = NULL;
		other = vmmap_new();
		if (!other)
			st = set_nomem(ctx);
		else if (vmmap_open_dump(other, o->diff) || vmmap_load(other))
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s",
					     vmmap_errmsg(other));
		else
			st = side_from_ctx(other, &b, o->diff);
		if (st && other && !*vmmap_errmsg(ctx))
			st = vmmap_set_error(ctx, st, "%s", vmmap_errmsg(other));
	} else if (*p == '{') {
		st = side_from_json(ctx, &b, o->diff, text);
	} else {
		/* a ptdump text: against this dump's own ptdump text */
		side_free(&a);
		st = own_ptdump(ctx, &own);
		if (!st) {
			struct side lay;

			memset(&lay, 0, sizeof(lay));
			st = side_from_ctx(ctx, &lay, "layout");
			if (!st)
				st = side_from_ptdump(ctx, &a, &lay,
						      o->dump ? o->dump
						      : "this map", own);
			if (!st)
				st = side_from_ptdump(ctx, &b, &lay, o->diff,
						      text);
			side_free(&lay);
		}
		if (!st && !b.n)
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s: neither "
				"a dump, a JSON map nor a ptdump text (no line "
				"\"0xSTART-0xEND ...\")", o->diff);
	}
	if (st)
		goto out;

	same = a.ptdump || one_boot(&a, &b, &which, &va, &vb);
	d.ctx = ctx;
	d.out = out;
	d.json = o->format == VMMAP_FMT_JSON;
	d.pm = same ? PHYS_ALL : PHYS_LINEAR;
	d.a = &a;
	d.b = &b;
	d.all = o->all || d.json;	/* JSON is for scripts: everything */
	if (d.json) {
		fprintf(out, "{\"schema\": %d, \"a\": ", JSON_SCHEMA);
		json_str(out, a.name);
		fprintf(out, ", \"b\": ");
		json_str(out, b.name);
		fprintf(out, ", \"compared\": \"%s\", \"same_boot\": %s, "
			"\"phys_compared\": \"%s\",\n  \"differences\": [",
			a.ptdump ? "ptdump" : "map", same ? "true" : "false",
			a.ptdump ? "none" : same ? "all" : "linear regions");
	} else {
		fprintf(out, "--- a: %s\n+++ b: %s\n", a.name, b.name);
		if (a.ptdump)
			fprintf(out, "(ptdump texts: present ranges and their "
				"attributes, at the dump's own addresses)\n");
		else if (same)
			fprintf(out, "(one boot: the layout values both give "
				"agree; physical addresses compared)\n");
		else
			fprintf(out, "(two boots: %s 0x%" PRIx64 " / 0x%" PRIx64
				"; addresses are region+offset, physical "
				"addresses compared only where a region maps "
				"linearly on both sides)\n", which, va, vb);
	}
	/* every region key of A, then B's that A lacks */
	for (i = 0; !st && i < a.nregs; i++) {
		const struct rkey *rb = NULL;

		for (j = 0; j < i && strcmp(a.regs[j].key, a.regs[i].key); j++)
			;
		if (j < i)
			continue;
		for (j = 0; j < b.nregs; j++)
			if (!strcmp(b.regs[j].key, a.regs[i].key))
				rb = &b.regs[j];
		region_begin(&d, a.regs[i].max_lines);
		if (!same && (a.regs[i].per_boot || (rb && rb->per_boot)))
			st = diff_content(&d, a.regs[i].key);
		else
			st = diff_region(&d, a.regs[i].key, &a.regs[i],
					 rb ? rb : &a.regs[i]);
		flush(&d);
		region_end(&d, a.regs[i].key);
	}
	for (i = 0; !st && i < b.nregs; i++) {
		for (j = 0; j < a.nregs && strcmp(a.regs[j].key, b.regs[i].key);
		     j++)
			;
		if (j < a.nregs)
			continue;
		region_begin(&d, b.regs[i].max_lines);
		if (!same && b.regs[i].per_boot)
			st = diff_content(&d, b.regs[i].key);
		else
			st = diff_region(&d, b.regs[i].key, &b.regs[i],
					 &b.regs[i]);
		flush(&d);
		region_end(&d, b.regs[i].key);
	}
	if (st)
		goto out;
	if (d.json) {
		fprintf(out, "%s],\n  \"added\": %" PRIu64 ", \"removed\": %"
			PRIu64 ", \"changed\": %" PRIu64 ", \"not_listed\": %"
			PRIu64 "\n}\n", d.shown ? "\n  " : "", d.added,
			d.removed, d.changed,
			d.shown > MAX_SHOWN ? d.shown - MAX_SHOWN : 0);
	} else {
		if (d.shown > MAX_SHOWN)
			fprintf(out, "... %" PRIu64 " more differences not "
				"shown\n", d.shown - MAX_SHOWN);
		fprintf(out, "%" PRIu64 " difference%s: %" PRIu64 " added, %"
			PRIu64 " removed, %" PRIu64 " changed\n",
			d.added + d.removed + d.changed,
			d.added + d.removed + d.changed == 1 ? "" : "s",
			d.added, d.removed, d.changed);
	}
	ctx->findings = d.added + d.removed + d.changed;
out:
	side_free(&a);
	side_free(&b);
	vmmap_free(other);
	free(text);
	free(own);
	return st;
}
