/*
 * format.c - the outputs every front end shares: the table, the kernel's
 * ptdump format, JSON (a documented contract: doc/json.md), the layout, the
 * traced vtop and the statistics.  Everything is written to a FILE * of the
 * caller's (stdout, crash's fp, a memory stream for GDB).
 */
#include "config.h"
#include "output/output.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JSON_SCHEMA 1

/* A write to @out failed (stdio sets the error, errno says why): stop the
 * walk there, rather than walk on into a full disk or a closed pipe. */
vmmap_status out_status(struct vmmap_ctx *ctx, FILE *out)
{
	int e = errno;

	if (!ferror(out))
		return VMMAP_OK;
	return vmmap_set_error(ctx, VMMAP_ERR_IO, "writing the output: %s",
			       e ? strerror(e) : "error");
}

void fmt_size(uint64_t bytes, char *buf, size_t size)
{
	static const char units[] = "BKMGTPE";
	const char *u = units;

	while (bytes && !(bytes & 1023) && u[1]) {
		bytes >>= 10;
		u++;
	}
	snprintf(buf, size, "%" PRIu64 "%c", bytes, *u);
}

/* Size for people: exact when a unit divides it ("2M", "1428K"), else to
 * one decimal of the largest unit ("~12.8P"). */
void fmt_hsize(uint64_t bytes, char *buf, size_t size)
{
	static const char units[] = "BKMGTPE";
	unsigned u = 0;
	double v = (double)bytes;

	fmt_size(bytes, buf, size);
	if (strlen(buf) <= 6)
		return;
	while (v >= 1024 && u + 1 < sizeof(units) - 1) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, "~%.1f%c", v, units[u]);
}

void flags_str(const struct vmmap_ctx *ctx, const struct vmmap_range *r,
	       char *buf, size_t size)
{
	const char *names[32];
	size_t n = vmmap_flag_names(ctx, r, names, ARRAY_SIZE(names)), i;
	size_t off = 0;

	buf[0] = 0;
	for (i = 0; i < n && off < size; i++) {
		if (!strcmp(names[i], "present"))
			continue;
		off += snprintf(buf + off, size - off, "%s%s", off ? " " : "",
				names[i]);
	}
}

static const char *kind_name(enum vmmap_range_kind k)
{
	switch (k) {
	case VMMAP_RANGE_HOLE: return "hole";
	case VMMAP_RANGE_MAPPED: return "mapped";
	case VMMAP_RANGE_UNREADABLE: return "unreadable";
	case VMMAP_RANGE_INVALID: return "invalid";
	case VMMAP_RANGE_REPLICA: return "replica";
	}
	return "?";
}

static const char *level_name(const struct vmmap_ctx *ctx, int level)
{
	if (level >= 0 && level < ctx->fmt.nlevels)
		return ctx->fmt.lv[level].name;
	return "-";
}

/* What a range is, in words, when it is not a mapping. */
void unmapped_str(const struct vmmap_range *r, char *buf, size_t size)
{
	switch (r->kind) {
	case VMMAP_RANGE_UNREADABLE:
		snprintf(buf, size, "unreadable: table at 0x%" PRIx64 " %s",
			 r->phys, r->err == VMMAP_ERR_NODATA
			 ? "is not in the dump (filtered out or beyond RAM)"
			 : "could not be read");
		break;
	case VMMAP_RANGE_INVALID:
		snprintf(buf, size, "invalid entry 0x%016" PRIx64, r->entry);
		break;
	case VMMAP_RANGE_REPLICA:
		snprintf(buf, size, "the tables that map 0x%016" PRIx64 " again "
			 "(table at 0x%" PRIx64 ", %s%" PRIu64 " ranges a copy; "
			 "--all prints them)", r->replica_of, r->phys,
			 r->replica_ranges == UINT64_MAX ? "over " : "",
			 r->replica_ranges == UINT64_MAX ? (uint64_t)1024
							 : r->replica_ranges);
		break;
	default:
		snprintf(buf, size, "-");
	}
}

/* ---- the walk a printing command asks for ---- */

struct span {
	vmmap_addr_t first, last;
};

static vmmap_status selected_span(struct vmmap_ctx *ctx,
				  const struct vmmap_opts *o, struct span *s)
{
	s->first = 0;
	/* a user space: its user part (and what its own tables add) */
	s->last = space_last(ctx);
	if (o->have_range) {
		s->first = o->range_first;
		s->last = o->range_last;
	}
	if (o->region) {
		const struct vmmap_region *r = NULL;
		size_t i;

		for (i = 0; i < ctx->nregions; i++) {
			if (!strcmp(ctx->regions[i].id, o->region) ||
			    !strcmp(ctx->regions[i].name, o->region)) {
				r = &ctx->regions[i];
				break;
			}
		}
		if (!r) {
			char list[512];
			size_t off = 0;

			list[0] = 0;
			for (i = 0; i < ctx->nregions && off < sizeof(list); i++)
				if (!ctx->regions[i].hole &&
				    !strstr(list, ctx->regions[i].id))
					off += snprintf(list + off,
							sizeof(list) - off,
							" %s", ctx->regions[i].id);
			return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				"no region '%s' in this layout (regions:%s)",
				o->region, list);
		}
		if (r->start > s->first)
			s->first = r->start;
		if (r->last < s->last)
			s->last = r->last;
		if (s->first > s->last)
			return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				"region '%s' is outside the range", o->region);
	}
	return VMMAP_OK;
}

vmmap_status fmt_span(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		      vmmap_addr_t *first_ret, vmmap_addr_t *last_ret)
{
	struct span s;
	vmmap_status st = selected_span(ctx, o, &s);

	*first_ret = s.first;
	*last_ret = s.last;
	return st;
}

/* ---- the objects (--objects) ---- */

/* The notes of the objects that could not be read, as warnings. */
void objects_notes_as_warnings(struct vmmap_ctx *ctx)
{
	size_t i, n = vmmap_object_note_count(ctx);
	struct kern *k = ctx->kern;

	if (!k || k->notes_warned)
		return;
	for (i = 0; i < n; i++)
		add_warning(ctx, "objects: %s", vmmap_object_note(ctx, i));
	k->notes_warned = true;
}

/*
 * Cut @r where the object labelling it changes and hand each piece to
 * @fn with its object (NULL: none).  A mapped range's physical address
 * moves along with the piece (unless every page maps one page).
 */
vmmap_status objects_split(struct vmmap_ctx *ctx, const struct vmmap_range *r,
			   vmmap_status (*fn)(void *arg,
					      const struct vmmap_range *r,
					      const struct vmmap_object *obj),
			   void *arg)
{
	struct vmmap_range piece = *r;
	vmmap_status st = VMMAP_OK;

	if (r->kind == VMMAP_RANGE_REPLICA)
		return fn(arg, r, NULL);
	while (!st) {
		vmmap_addr_t seg_last;
		const struct vmmap_object *obj =
			kobject_at(ctx, piece.start, &seg_last);
		struct vmmap_range one = piece;

		if (seg_last < one.last)
			one.last = seg_last;
		st = fn(arg, &one, obj);
		if (one.last == piece.last)
			break;
		if (piece.kind == VMMAP_RANGE_MAPPED && !piece.alias)
			piece.phys += one.last + 1 - piece.start;
		piece.start = one.last + 1;
	}
	return st;
}

/* ---- table ---- */

struct table_state {
	struct vmmap_ctx *ctx;
	FILE *out;
	const struct vmmap_region *region;
	bool all;
	unsigned long lines, skipped;
	bool objects;		/* --objects: a column of labels */
};

static void table_skipped(struct table_state *t)
{
	if (t->skipped)
		fprintf(t->out, "... %lu more ranges of this region skipped "
			"(--all prints them) ...\n", t->skipped);
	t->skipped = 0;
}

/* One line; with --objects the label of @obj ends it. */
static vmmap_status table_line(void *arg, const struct vmmap_range *r,
			       const struct vmmap_object *obj)
{
	struct table_state *t = arg;
	char size[16], psize[16], flags[256], what[128], label[512];

	if (r->region != t->region) {
		table_skipped(t);
		t->lines = 0;
		t->region = r->region;
		if (r->region)
			fprintf(t->out, "---[ %s: 0x%016" PRIx64 "-0x%016"
				PRIx64 " ]---\n", r->region->name,
				r->region->start, r->region->last);
	}
	if (!t->all && r->region && r->region->max_lines &&
	    t->lines++ >= r->region->max_lines) {
		t->skipped++;
		return VMMAP_OK;
	}
	label[0] = 0;
	if (t->objects)
		snprintf(label, sizeof(label), "  %s", obj ? obj->name : "-");
	fmt_hsize(r->last - r->start + 1, size, sizeof(size));
	if (r->kind != VMMAP_RANGE_MAPPED) {
		unmapped_str(r, what, sizeof(what));
		fprintf(t->out, "0x%016" PRIx64 "-0x%016" PRIx64 " %7s %5s %-18s %"
			"*s%s\n", r->start, r->last, size, "", "",
			t->objects ? -28 : 0,
			r->kind == VMMAP_RANGE_HOLE ? "hole" : what, label);
		return out_status(t->ctx, t->out);
	}
	fmt_size(r->page_size, psize, sizeof(psize));
	flags_str(t->ctx, r, flags, sizeof(flags));
	if (r->alias)
		strncat(flags, " alias", sizeof(flags) - strlen(flags) - 1);
	fprintf(t->out, "0x%016" PRIx64 "-0x%016" PRIx64 " %7s %5s 0x%016" PRIx64
		" %*s%s\n", r->start, r->last, size, psize, r->phys,
		t->objects ? -28 : 0, flags, label);
	return out_status(t->ctx, t->out);
}

static vmmap_status table_range(void *arg, const struct vmmap_range *r)
{
	struct table_state *t = arg;

	if (t->objects)
		return objects_split(t->ctx, r, table_line, t);
	return table_line(t, r, NULL);
}

static void table_header(FILE *out, bool objects)
{
	fprintf(out, "%-18s %-18s %7s %5s %-18s %*s%s\n", "START",
		" END (incl.)", "SIZE", "PAGE", "PHYS", objects ? -28 : 0,
		"FLAGS", objects ? "  OBJECT" : "");
}

/* ---- ptdump ---- */

/*
 * The kernel's /sys/kernel/debug/page_tables/kernel: a line per run of
 * entries with the same raw attributes and level, "---[ marker ]---" lines
 * where a marker is crossed, the end address exclusive (the last line ends
 * at 0 after the top of the space).  The x86 kernel does not walk the
 * non-canonical and guard holes, so neither do we.
 */
struct pt_state {
	struct vmmap_ctx *ctx;
	FILE *out;
	bool started;
	vmmap_addr_t start;
	struct vmmap_range cur;
	size_t marker;		/* index of the current marker */
	bool all;
	unsigned long lines;	/* lines since the marker */
	bool fresh;		/* the line before was a summary */
	bool part;		/* --range/--region: a part of the kernel's */
};

static void pt_line(struct pt_state *s, vmmap_addr_t end)
{
	const struct ptdump_style *ps = &s->ctx->ptdump;
	char size[16], prot[128], pa[24] = "";
	int width = s->ctx->fmt.ptr_size == 4 ? 8 : 16;

	const struct vmmap_region *reg = vmmap_region_of(s->ctx, s->start);

	if (s->ctx->ptdump.skip_empty && s->cur.kind != VMMAP_RANGE_MAPPED)
		return;	/* arm's note_page(): if (st->current_prot) */
	if (!s->all && reg && reg->max_lines && s->lines++ >= reg->max_lines)
		return;
	fmt_size(end - s->start, size, sizeof(size));
	if (end == s->start)
		snprintf(size, sizeof(size), "%" PRIu64 "E",
			 (uint64_t)16);	/* the whole 64-bit space */
	s->ctx->arch->ptdump_prot(s->ctx, &s->cur, prot, sizeof(prot));
	if (ps->pa)
		snprintf(pa, sizeof(pa), " 0x%0*" PRIx64 " ", width,
			 s->cur.kind == VMMAP_RANGE_MAPPED ? s->cur.phys : 0);
	fprintf(s->out, "0x%0*" PRIx64 "-0x%0*" PRIx64 "%s%s%9.*s%s %s\n",
		width, s->start, width, ps->end_incl ? end - 1 : end, ps->sep,
		pa, (int)strlen(size) - 1, size, size + strlen(size) - 1,
		prot);
}

static void pt_next_marker(struct pt_state *s)
{
	const struct vmmap_region *reg = s->marker == (size_t)-1 ? NULL
		: vmmap_region_of(s->ctx, s->ctx->markers[s->marker].addr);

	if (!s->all && reg && reg->max_lines && s->lines > reg->max_lines) {
		unsigned long n = s->lines - reg->max_lines;

		fprintf(s->out, "... %lu entr%s skipped ... \n", n,
			n == 1 ? "y" : "ies");
	}
	s->lines = 0;
	s->marker++;
	fprintf(s->out, "---[ %s ]---\n", s->ctx->markers[s->marker].name);
}

/* The markers @addr has crossed, at most @max of them; soft ones (struct
 * marker) come free, in their place among the others. */
static void pt_markers(struct pt_state *s, vmmap_addr_t addr, unsigned max)
{
	unsigned n = 0;

	while (s->marker + 1 < s->ctx->nmarkers &&
	       addr >= s->ctx->markers[s->marker + 1].addr) {
		if (!s->ctx->markers[s->marker + 1].soft && n++ >= max)
			break;
		pt_next_marker(s);
	}
}

/* Has @addr crossed a marker that ends a line (past soft ones)? */
static bool pt_crossing(const struct pt_state *s, vmmap_addr_t addr)
{
	size_t m;

	for (m = s->marker + 1; m < s->ctx->nmarkers &&
	     addr >= s->ctx->markers[m].addr; m++)
		if (!s->ctx->markers[m].soft)
			return true;
	return false;
}

static bool pt_same(const struct vmmap_range *a, const struct vmmap_range *b)
{
	uint64_t pa = a->kind == VMMAP_RANGE_MAPPED ? a->prot : 0;
	uint64_t pb = b->kind == VMMAP_RANGE_MAPPED ? b->prot : 0;
	uint64_t ea = a->kind == VMMAP_RANGE_MAPPED ? a->eff : 0;
	uint64_t eb = b->kind == VMMAP_RANGE_MAPPED ? b->eff : 0;

	return pa == pb && ea == eb && a->level == b->level;
}

/* One entry (or a run the walker merged: identical entries aliasing one
 * page, as KASAN's early shadow) as the kernel's note_page() sees it. */
static vmmap_status pt_entry(struct pt_state *s, const struct vmmap_range *r)
{
	bool crossing;

	if (r->kind == VMMAP_RANGE_REPLICA && s->started) {
		/* not the kernel's format: hostile tables only */
		char what[160];

		pt_line(s, r->start);
		unmapped_str(r, what, sizeof(what));
		fprintf(s->out, "... 0x%016" PRIx64 "-0x%016" PRIx64 ": %s ...\n",
			r->start, r->last, what);
		s->fresh = true;
		return out_status(s->ctx, s->out);
	}
	if (s->fresh) {
		/* after a summary: a new line starts here */
		s->fresh = false;
		s->start = r->start;
		s->cur = *r;
		return VMMAP_OK;
	}
	if (!s->started && s->ctx->ptdump.zero_start && !s->part) {
		/* the kernel's state before its first call: a line from 0,
		 * at level 0, nothing mapped, the first marker not printed */
		s->started = true;
		s->start = 0;
		memset(&s->cur, 0, sizeof(s->cur));
		s->cur.kind = VMMAP_RANGE_HOLE;
		s->marker = 0;
	}
	if (!s->started) {
		/* note_page()'s first call: the first marker, whatever the
		 * address (and, as some architectures do, those it crossed) */
		s->started = true;
		s->start = r->start;
		s->cur = *r;
		s->marker = 0;
		if (s->ctx->ptdump.header)
			fprintf(s->out, "---[ %s ]---\n", s->ctx->ptdump.header);
		if (s->part && s->ctx->nmarkers) {
			/* a part: the kernel's output has no such thing; the
			 * marker the part starts under, then those it
			 * crosses, one at an entry */
			while (s->marker + 1 < s->ctx->nmarkers &&
			       s->ctx->markers[s->marker + 1].addr <= r->start)
				s->marker++;
			fprintf(s->out, "---[ %s ]---\n",
				s->ctx->markers[s->marker].name);
			return out_status(s->ctx, s->out);
		}
		if (s->ctx->nmarkers && !s->ctx->ptdump.header)
			fprintf(s->out, "---[ %s ]---\n",
				s->ctx->markers[0].name);
		else if (s->ctx->nmarkers)
			s->marker = (size_t)-1;	/* marker 0 is crossed too */
		pt_markers(s, r->start, s->ctx->ptdump.first_extra);
		return out_status(s->ctx, s->out);
	}
	/* As note_page() does it: a marker is noticed at the first entry at
	 * or past it, ends the line there, and is printed after it; so many
	 * markers an entry as the architecture's note_page() prints. */
	crossing = pt_crossing(s, r->start);
	if (pt_same(&s->cur, r) && !crossing)
		return VMMAP_OK;
	pt_line(s, r->start);
	/* (a line ended for other reasons prints the soft markers passed) */
	pt_markers(s, r->start, crossing ? s->ctx->ptdump.per_entry : 0);
	s->start = r->start;
	s->cur = *r;
	return out_status(s->ctx, s->out);
}

static vmmap_status pt_range(void *arg, const struct vmmap_range *r)
{
	struct pt_state *s = arg;
	struct vmmap_range piece = *r;
	vmmap_status st = VMMAP_OK;
	vmmap_addr_t walk_start = s->ctx->ptdump.start ? s->ctx->ptdump.start
				  : s->ctx->nmarkers ? s->ctx->markers[0].addr
						     : 0;

	/* A range of an unsplit walk may span regions and markers: cut it
	 * where the kernel's walk would see something new. */
	while (!st) {
		const struct vmmap_region *reg =
			vmmap_region_of(s->ctx, piece.start);
		vmmap_addr_t cut = piece.last;
		size_t m;

		/* The x86 kernel does not walk the non-canonical and guard
		 * holes: skip what lies in them. */
		if (reg && (!strcmp(reg->id, "noncanonical") ||
			    (!strcmp(reg->id, "guard") &&
			     !s->ctx->ptdump.walk_guard))) {
			if (reg->last >= piece.last)
				return VMMAP_OK;
			piece.start = reg->last + 1;
			continue;
		}
		if (reg && reg->last < cut &&
		    vmmap_region_of(s->ctx, reg->last + 1) &&
		    (!strcmp(vmmap_region_of(s->ctx, reg->last + 1)->id,
			     "noncanonical") ||
		     (!strcmp(vmmap_region_of(s->ctx, reg->last + 1)->id,
			      "guard") && !s->ctx->ptdump.walk_guard)))
			cut = reg->last;
		/* The kernel's walk starts at its first marker (arm64:
		 * PAGE_OFFSET, x86: 0) or where the architecture says
		 * (riscv: KERN_VIRT_START); what lies below is not in its
		 * output. */
		if (walk_start && piece.start < walk_start) {
			if (piece.last < walk_start)
				return VMMAP_OK;
			piece.start = walk_start;
			continue;
		}
		/* the next marker inside the piece: the kernel notices it
		 * at the first entry that starts at or past it, so the
		 * piece is cut there (a marker inside one large entry waits
		 * for the next entry) */
		for (m = s->started ? s->marker + 1 : 1;
		     m < s->ctx->nmarkers; m++) {
			vmmap_addr_t a = s->ctx->markers[m].addr;
			unsigned shift = s->ctx->fmt.lv[piece.level >= 0 ?
						       piece.level : 0].shift;
			vmmap_addr_t span = (vmmap_addr_t)1 << shift;
			vmmap_addr_t b = (a + (span - 1)) & ~(span - 1);

			if (s->ctx->markers[m].soft)
				continue;	/* ends no line */
			if (b < a)	/* rounded past the top */
				break;
			if (a > piece.start && b > piece.start && b <= cut) {
				cut = b - 1;
				break;
			}
			if (a > cut)
				break;
		}
		{
			struct vmmap_range e = piece;

			e.last = cut;
			if (e.kind == VMMAP_RANGE_MAPPED && !e.alias)
				e.phys = piece.phys;
			st = pt_entry(s, &e);
		}
		if (cut == piece.last)
			break;
		if (piece.kind == VMMAP_RANGE_MAPPED && !piece.alias)
			piece.phys += cut + 1 - piece.start;
		piece.start = cut + 1;
	}
	return st;
}

/* ---- JSON ---- */

void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", *s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

struct json_state {
	struct vmmap_ctx *ctx;
	FILE *out;
	bool first;
	bool objects;		/* --objects: an "object" field */
};

static vmmap_status json_line(void *arg, const struct vmmap_range *r,
			      const struct vmmap_object *obj)
{
	struct json_state *j = arg;
	const char *names[32];
	size_t n, i;

	fprintf(j->out, "%s\n    {\"start\": \"0x%" PRIx64 "\", \"end\": \"0x%"
		PRIx64 "\", \"kind\": \"%s\", ", j->first ? "" : ",",
		r->start, r->last, kind_name(r->kind));
	j->first = false;
	if (r->kind == VMMAP_RANGE_MAPPED)
		fprintf(j->out, "\"phys\": \"0x%" PRIx64 "\", ", r->phys);
	else
		fprintf(j->out, "\"phys\": null, ");
	fprintf(j->out, "\"page_size\": %" PRIu64 ", \"level\": ",
		r->kind == VMMAP_RANGE_MAPPED ? r->page_size : 0);
	json_str(j->out, level_name(j->ctx, r->level));
	fprintf(j->out, ", \"flags\": [");
	n = vmmap_flag_names(j->ctx, r, names, ARRAY_SIZE(names));
	for (i = 0; i < n; i++) {
		fprintf(j->out, "%s", i ? ", " : "");
		json_str(j->out, names[i]);
	}
	fprintf(j->out, "], \"region\": ");
	json_str(j->out, r->region ? r->region->id : "");
	if (r->alias)
		fprintf(j->out, ", \"alias\": true");
	if (r->kind == VMMAP_RANGE_UNREADABLE)
		fprintf(j->out, ", \"table\": \"0x%" PRIx64 "\", \"error\": \"%s\"",
			r->phys, r->err == VMMAP_ERR_NODATA ? "nodata" : "io");
	if (r->kind == VMMAP_RANGE_REPLICA)
		fprintf(j->out, ", \"table\": \"0x%" PRIx64 "\", \"of\": \"0x%"
			PRIx64 "\"", r->phys, r->replica_of);
	if (r->kind == VMMAP_RANGE_INVALID)
		fprintf(j->out, ", \"entry\": \"0x%" PRIx64 "\"", r->entry);
	if (j->objects) {
		fprintf(j->out, ", \"object\": ");
		if (obj)
			json_str(j->out, obj->name);
		else
			fprintf(j->out, "null");
	}
	fputc('}', j->out);
	return out_status(j->ctx, j->out);
}

static vmmap_status json_range(void *arg, const struct vmmap_range *r)
{
	struct json_state *j = arg;

	if (j->objects)
		return objects_split(j->ctx, r, json_line, j);
	return json_line(j, r, NULL);
}

static void json_layout(struct vmmap_ctx *ctx, FILE *out)
{
	size_t i;

	fprintf(out, "  \"layout\": {");
	for (i = 0; i < ctx->nparams; i++) {
		fprintf(out, "%s\n    ", i ? "," : "");
		json_str(out, ctx->params[i].name);
		fprintf(out, ": \"0x%" PRIx64 "\"", ctx->params[i].value);
	}
	fprintf(out, "\n  },\n  \"layout_sources\": {");
	for (i = 0; i < ctx->nparams; i++) {
		fprintf(out, "%s\n    ", i ? "," : "");
		json_str(out, ctx->params[i].name);
		fprintf(out, ": ");
		json_str(out, ctx->params[i].source);
	}
	fprintf(out, "\n  },\n  \"warnings\": [");
	for (i = 0; i < ctx->nwarnings; i++) {
		fprintf(out, "%s\n    ", i ? "," : "");
		json_str(out, ctx->warnings[i]);
	}
	fprintf(out, "%s],\n  \"regions\": [", ctx->nwarnings ? "\n  " : "");
	for (i = 0; i < ctx->nregions; i++) {
		const struct vmmap_region *r = &ctx->regions[i];

		fprintf(out, "%s\n    {\"id\": ", i ? "," : "");
		json_str(out, r->id);
		fprintf(out, ", \"name\": ");
		json_str(out, r->name);
		fprintf(out, ", \"start\": \"0x%" PRIx64 "\", \"end\": \"0x%"
			PRIx64 "\"%s}", r->start, r->last,
			r->per_boot ? ", \"per_boot\": true" : "");
	}
	fprintf(out, "\n  ]");
}

static void json_head(struct vmmap_ctx *ctx, FILE *out)
{
	fprintf(out, "{\n  \"schema\": %d,\n  \"arch\": ", JSON_SCHEMA);
	json_str(out, ctx->arch->name);
	fprintf(out, ",\n");
}

/* ---- entry points ---- */

vmmap_status fmt_map(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		     FILE *out)
{
	struct span s;
	vmmap_status st;
	unsigned flags = (o->raw ? VMMAP_WALK_RAW : 0) |
			 (o->no_holes ? VMMAP_WALK_NOHOLES : 0) |
			 (o->all ? VMMAP_WALK_ALL : 0);
	/* the objects label the kernel's space; a user space's regions are
	 * its VMAs already */
	bool objects = o->objects && !vmmap_selected_mm(ctx);

	st = selected_span(ctx, o, &s);
	if (st)
		return st;
	/* labels where the kernel's structures can be read; else the
	 * region-only map, with a warning that says why */
	if (objects && vmmap_objects(ctx, &(const struct vmmap_object *){0},
				     &(size_t){0})) {
		add_warning(ctx, "--objects: no labels: %s", vmmap_errmsg(ctx));
		vmmap_clear_error(ctx);
		objects = false;
	}
	if (objects)
		objects_notes_as_warnings(ctx);
	switch (o->format) {
	case VMMAP_FMT_TABLE: {
		struct table_state t = { ctx, out, NULL, o->all, 0, 0,
					 objects };

		table_header(out, objects);
		st = vmmap_walk(ctx, s.first, s.last, flags, table_range, &t);
		table_skipped(&t);
		return st ? st : out_status(ctx, out);
	}
	case VMMAP_FMT_PTDUMP: {
		struct pt_state p = { .ctx = ctx, .out = out, .all = o->all,
				      .part = o->have_range || o->region };

		if (ctx->arch->ptdump_markers && !ctx->markers_done) {
			st = ctx->arch->ptdump_markers(ctx);
			if (st)
				return st;
			ctx->markers_done = true;
		}

		/* The kernel walks what its tables translate: up to the ASCE
		 * limit on s390x, 4 GiB on arm, the end of ppc64's kernel
		 * window; the last line ends there (at 0 for a 32-bit
		 * unsigned long, as its printf does). */
		{
			vmmap_addr_t lo, top;

			pg_space(&ctx->fmt, &lo, &top);
			if (s.last > top)
				s.last = top;
			if (s.first > s.last)
				return VMMAP_OK;
		}
		/* entry by entry, as the kernel's walker calls note_page() */
		st = vmmap_walk(ctx, s.first, s.last,
				VMMAP_WALK_RAW | VMMAP_WALK_ALIASES |
				VMMAP_WALK_NOSPLIT |
				(o->all ? VMMAP_WALK_ALL : 0), pt_range, &p);
		if (!st && p.started) {
			vmmap_addr_t end = ctx->fmt.ptr_size == 4
					   ? (s.last + 1) & UINT32_MAX
					   : s.last + 1;

			/* the final flush, note_page(end, -1): a line, and the
			 * markers it crosses (none when the end wrapped to 0) */
			pt_line(&p, end);
			if (end)
				pt_markers(&p, end, ctx->ptdump.per_entry);
		}
		return st ? st : out_status(ctx, out);
	}
	case VMMAP_FMT_JSON: {
		struct json_state j = { ctx, out, true, objects };

		json_head(ctx, out);
		json_layout(ctx, out);
		fprintf(out, ",\n  \"ranges\": [");
		st = vmmap_walk(ctx, s.first, s.last, flags, json_range, &j);
		fprintf(out, "\n  ]\n}\n");
		return st ? st : out_status(ctx, out);
	}
	case VMMAP_FMT_SVG:	/* vmmap_run() draws these (picture.c) */
	case VMMAP_FMT_HTML:
		break;
	}
	return vmmap_set_error(ctx, VMMAP_ERR_ARG, "unknown format");
}

vmmap_status fmt_layout(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
			FILE *out)
{
	size_t i;

	if (o->format == VMMAP_FMT_JSON) {
		json_head(ctx, out);
		json_layout(ctx, out);
		fprintf(out, "\n}\n");
		return VMMAP_OK;
	}
	fprintf(out, "arch: %s\n", ctx->arch->name);
	for (i = 0; i < ctx->nparams; i++)
		fprintf(out, "%-20s 0x%016" PRIx64 "  (%s)\n",
			ctx->params[i].name, ctx->params[i].value,
			ctx->params[i].source);
	fprintf(out, "\nregions:\n");
	for (i = 0; i < ctx->nregions; i++) {
		const struct vmmap_region *r = &ctx->regions[i];
		char size[16];

		fmt_hsize(r->last - r->start + 1, size, sizeof(size));
		if (r->start == 0 && r->last == VMMAP_ADDR_MAX)
			snprintf(size, sizeof(size), "16E");
		fprintf(out, "  0x%016" PRIx64 "-0x%016" PRIx64 " %7s  %s\n",
			r->start, r->last, size, r->name);
	}
	for (i = 0; i < ctx->nwarnings; i++)
		fprintf(out, "%swarning: %s\n", i ? "" : "\n",
			ctx->warnings[i]);
	return VMMAP_OK;
}

/* --vtop=- or --vtop=@FILE: the addresses, one a line (hex with 0x, or
 * decimal; blank lines and '#' comments skipped). */
static vmmap_status read_addrs(struct vmmap_ctx *ctx, const char *spec,
			       vmmap_addr_t **va_ret, size_t *n_ret)
{
	FILE *f = stdin;
	char *line = NULL;
	size_t cap = 0, n = 0, lineno = 0, lcap = 0;
	vmmap_addr_t *va = NULL;
	vmmap_status st = VMMAP_OK;
	ssize_t len;

	if (spec[0] == '@') {
		int fd;

		st = file_open_regular(ctx, spec + 1, "a list of addresses",
				       &fd, NULL);
		if (st)
			return st;
		f = fdopen(fd, "r");
		if (!f) {
			close(fd);
			return set_nomem(ctx);
		}
	}
	while ((len = getline(&line, &lcap, f)) >= 0) {
		char *p = line, *end;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n' || *p == '#')
			continue;
		if (n == cap) {
			size_t nc = cap ? 2 * cap : 65536;
			vmmap_addr_t *nv = realloc(va, nc * sizeof(*nv));

			if (!nv) {
				st = set_nomem(ctx);
				break;
			}
			va = nv;
			cap = nc;
		}
		errno = 0;
		va[n] = strtoull(p, &end, 0);
		while (*end == ' ' || *end == '\t' || *end == '\n' ||
		       *end == '\r')
			end++;
		if (errno || end == p || *end || *p == '-' || *p == '+') {
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s line %zu: "
				"not an address", spec[0] == '@' ? spec + 1
				: "standard input", lineno);
			break;
		}
		n++;
	}
	if (!st && ferror(f))
		st = vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", spec[0] == '@'
				     ? spec + 1 : "standard input",
				     strerror(errno));
	free(line);
	if (f != stdin)
		fclose(f);
	if (st) {
		free(va);
		return st;
	}
	*va_ret = va;
	*n_ret = n;
	return VMMAP_OK;
}

vmmap_status fmt_vtop_many(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
			   FILE *out)
{
	bool json = o->format == VMMAP_FMT_JSON;
	struct vmmap_xlat *x = NULL;
	vmmap_addr_t *va = NULL;
	vmmap_status st;
	size_t n = 0, i;

	st = read_addrs(ctx, o->vtop_list, &va, &n);
	if (st)
		return st;
	x = malloc((n ? n : 1) * sizeof(*x));
	if (!x) {
		free(va);
		return set_nomem(ctx);
	}
	st = vmmap_vtop_many(ctx, va, n, x);
	if (!st) {
		if (json)
			fprintf(out, "{\"schema\": %d, \"translations\": [",
				JSON_SCHEMA);
		for (i = 0; i < n; i++) {
			const char *why = x[i].status == VMMAP_ERR_NOTMAPPED
					  ? "not mapped"
					  : vmmap_strstatus(x[i].status);

			if (json && !x[i].status)
				fprintf(out, "%s\n  {\"vaddr\": \"0x%" PRIx64
					"\", \"paddr\": \"0x%" PRIx64 "\", "
					"\"page_size\": %" PRIu64 "}",
					i ? "," : "", va[i], x[i].paddr,
					x[i].page_size);
			else if (json)
				fprintf(out, "%s\n  {\"vaddr\": \"0x%" PRIx64
					"\", \"paddr\": null, \"error\": \"%s\"}",
					i ? "," : "", va[i], why);
			else if (!x[i].status)
				fprintf(out, "0x%016" PRIx64 " 0x%" PRIx64 " %"
					PRIu64 "\n", va[i], x[i].paddr,
					x[i].page_size);
			else
				fprintf(out, "0x%016" PRIx64 " - %s\n", va[i],
					why);
		}
		if (json)
			fprintf(out, "%s]}\n", n ? "\n" : "");
		st = out_status(ctx, out);
	}
	free(va);
	free(x);
	return st;
}

vmmap_status fmt_vtop(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		      FILE *out)
{
	struct vmmap_vtop t;
	struct vmmap_range r;
	const struct vmmap_region *reg = vmmap_region_of(ctx, o->vtop_addr);
	vmmap_status st = vmmap_vtop(ctx, o->vtop_addr, &t);
	const char *names[32];
	size_t n, i;
	int l;

	if (st && st != VMMAP_ERR_NOTMAPPED)
		return st;
	memset(&r, 0, sizeof(r));
	r.kind = st ? VMMAP_RANGE_HOLE : VMMAP_RANGE_MAPPED;
	r.prot = t.prot;
	r.eff = t.eff;
	n = vmmap_flag_names(ctx, &r, names, ARRAY_SIZE(names));
	if (o->format == VMMAP_FMT_JSON) {
		fprintf(out, "{\"schema\": %d, \"vaddr\": \"0x%" PRIx64 "\", ",
			JSON_SCHEMA, t.vaddr);
		if (st)
			fprintf(out, "\"paddr\": null, \"page_size\": 0, ");
		else
			fprintf(out, "\"paddr\": \"0x%" PRIx64 "\", "
				"\"page_size\": %" PRIu64 ", ", t.paddr,
				t.page_size);
		fprintf(out, "\"region\": ");
		json_str(out, reg ? reg->id : "");
		fprintf(out, ", \"flags\": [");
		for (i = 0; i < n; i++) {
			fprintf(out, "%s", i ? ", " : "");
			json_str(out, names[i]);
		}
		fprintf(out, "], \"levels\": [");
		for (l = 0; l < t.nlevels; l++)
			fprintf(out, "%s{\"name\": \"%s\", \"table\": \"0x%" PRIx64
				"\", \"index\": %u, \"entry_addr\": \"0x%" PRIx64
				"\", \"entry\": \"0x%" PRIx64 "\"}",
				l ? ", " : "", t.levels[l].name,
				t.levels[l].table, t.levels[l].index,
				t.levels[l].entry_addr, t.levels[l].entry);
		fprintf(out, "]}\n");
		return st ? VMMAP_ERR_NOTMAPPED : VMMAP_OK;
	}
	fprintf(out, "%-18s  %-18s  %s\n", "VIRTUAL", "PHYSICAL", "PAGE");
	if (st) {
		fprintf(out, "0x%016" PRIx64 "  %-18s  -\n", t.vaddr,
			"(not mapped)");
	} else {
		char ps[16];

		fmt_size(t.page_size, ps, sizeof(ps));
		fprintf(out, "0x%016" PRIx64 "  0x%016" PRIx64 "  %s (%s)\n",
			t.vaddr, t.paddr, ps, t.levels[t.nlevels - 1].name);
	}
	for (l = 0; l < t.nlevels; l++)
		fprintf(out, "  %-4s table 0x%016" PRIx64 " [%3u] "
			"entry@0x%016" PRIx64 " = 0x%016" PRIx64 "\n",
			t.levels[l].name, t.levels[l].table, t.levels[l].index,
			t.levels[l].entry_addr, t.levels[l].entry);
	fprintf(out, "  region: %s\n", reg ? reg->name : "-");
	if (!st) {
		fprintf(out, "  flags:");
		for (i = 0; i < n; i++)
			fprintf(out, " %s", names[i]);
		fprintf(out, "\n");
	}
	if (st)
		vmmap_clear_error(ctx);
	return st ? VMMAP_ERR_NOTMAPPED : VMMAP_OK;
}

/* ---- stats ---- */

#define MAX_PSIZES 8

struct stat_row {
	const struct vmmap_region *region;
	uint64_t mapped;
	uint64_t by_size[MAX_PSIZES];
	uint64_t unreadable;
};

struct stat_state {
	struct vmmap_ctx *ctx;
	uint64_t psizes[MAX_PSIZES];
	int npsizes;
	struct stat_row *rows;
	size_t nrows;
	struct stat_row total;
	struct rep rep;		/* to count the copies REPLICA ranges stand for */
};

static int psize_index(struct stat_state *s, uint64_t ps)
{
	int i;

	for (i = 0; i < s->npsizes; i++)
		if (s->psizes[i] == ps)
			return i;
	if (s->npsizes == MAX_PSIZES)
		return MAX_PSIZES - 1;
	/* keep sorted ascending */
	for (i = s->npsizes; i > 0 && s->psizes[i - 1] > ps; i--)
		s->psizes[i] = s->psizes[i - 1];
	s->psizes[i] = ps;
	s->npsizes++;
	/* shift the counts of the rows and the total along */
	for (size_t r = 0; r <= s->nrows; r++) {
		struct stat_row *row = r < s->nrows ? &s->rows[r] : &s->total;

		memmove(&row->by_size[i + 1], &row->by_size[i],
			(MAX_PSIZES - i - 1) * sizeof(uint64_t));
		row->by_size[i] = 0;
	}
	return i;
}

/* One row per region id: a region split by another (s390x's identity
 * mapping around the kernel image) is counted once. */
static bool same_region(const struct vmmap_region *a,
			const struct vmmap_region *b)
{
	if (a == b)
		return true;
	return a && b && !strcmp(a->id, b->id);
}

static struct stat_row *stat_row_of(struct stat_state *s,
				    const struct vmmap_region *region)
{
	struct stat_row *nr;
	size_t i;

	for (i = 0; i < s->nrows; i++)
		if (same_region(s->rows[i].region, region))
			return &s->rows[i];
	nr = realloc(s->rows, (s->nrows + 1) * sizeof(*nr));
	if (!nr)
		return NULL;
	s->rows = nr;
	nr = &s->rows[s->nrows++];
	memset(nr, 0, sizeof(*nr));
	nr->region = region;
	return nr;
}

/* Count [a, b] of @r (a mapped or unreadable range) in @region's row. */
static vmmap_status stat_count(struct stat_state *s,
			       const struct vmmap_region *region,
			       const struct vmmap_range *r, vmmap_addr_t a,
			       vmmap_addr_t b)
{
	uint64_t len = b - a + 1;
	struct stat_row *row;
	int k = 0;

	if (r->kind == VMMAP_RANGE_MAPPED)
		k = psize_index(s, r->page_size);	/* may move rows' counts */
	row = stat_row_of(s, region);
	if (!row)
		return set_nomem(s->ctx);
	if (r->kind != VMMAP_RANGE_MAPPED) {
		row->unreadable += len;
		s->total.unreadable += len;
		return VMMAP_OK;
	}
	row->mapped += len;
	row->by_size[k] += len;
	s->total.mapped += len;
	s->total.by_size[k] += len;
	return VMMAP_OK;
}

static vmmap_status stat_range(void *arg, const struct vmmap_range *r)
{
	struct stat_state *s = arg;
	vmmap_status st;

	if (r->kind == VMMAP_RANGE_HOLE)
		return VMMAP_OK;
	if (r->kind == VMMAP_RANGE_REPLICA) {
		/* what the first copy maps, counted again here */
		struct rep_sums sum;
		struct vmmap_range one = *r;
		int i;

		st = rep_sum(&s->rep, r, &sum);
		one.kind = VMMAP_RANGE_MAPPED;
		for (i = 0; !st && i < sum.n; i++) {
			if (!sum.bytes[i])
				continue;
			one.page_size = sum.page_size[i];
			st = stat_count(s, r->region, &one, 0,
					sum.bytes[i] - 1);
		}
		one.kind = VMMAP_RANGE_UNREADABLE;
		if (!st && sum.unreadable)
			st = stat_count(s, r->region, &one, 0,
					sum.unreadable - 1);
	} else {
		st = stat_count(s, r->region, r, r->start, r->last);
	}
	return st ? st : rep_add(&s->rep, r);
}

vmmap_status fmt_stats(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		       FILE *out)
{
	struct stat_state s;
	struct span sp;
	vmmap_status st;
	size_t i;
	int k;

	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	st = selected_span(ctx, o, &sp);
	if (st)
		return st;
	rep_init(&s.rep, ctx);
	st = vmmap_walk(ctx, sp.first, sp.last, VMMAP_WALK_NOHOLES, stat_range,
			&s);
	rep_free(&s.rep);
	if (st) {
		free(s.rows);
		return st;
	}
	if (o->format == VMMAP_FMT_JSON) {
		json_head(ctx, out);
		fprintf(out, "  \"stats\": [");
		for (i = 0; i <= s.nrows; i++) {
			struct stat_row *row = i < s.nrows ? &s.rows[i] : &s.total;

			fprintf(out, "%s\n    {\"region\": ", i ? "," : "");
			json_str(out, i < s.nrows ? (row->region ? row->region->id
						     : "") : "total");
			fprintf(out, ", \"mapped\": %" PRIu64 ", \"unreadable\": %"
				PRIu64 ", \"by_page_size\": {", row->mapped,
				row->unreadable);
			for (k = 0; k < s.npsizes; k++)
				fprintf(out, "%s\"%" PRIu64 "\": %" PRIu64,
					k ? ", " : "", s.psizes[k],
					row->by_size[k]);
			fprintf(out, "}}");
		}
		fprintf(out, "\n  ]\n}\n");
		free(s.rows);
		return VMMAP_OK;
	}
	fprintf(out, "%-16s %10s", "REGION", "MAPPED");
	for (k = 0; k < s.npsizes; k++) {
		char ps[16];

		fmt_size(s.psizes[k], ps, sizeof(ps));
		fprintf(out, " %10s", ps);
	}
	fprintf(out, " %10s  %s\n", "UNREADABLE", "");
	for (i = 0; i <= s.nrows; i++) {
		struct stat_row *row = i < s.nrows ? &s.rows[i] : &s.total;
		char b[16];

		fmt_hsize(row->mapped, b, sizeof(b));
		fprintf(out, "%-16s %10s", i < s.nrows ? (row->region ?
			row->region->id : "-") : "total", row->mapped ? b : "0");
		for (k = 0; k < s.npsizes; k++) {
			fmt_hsize(row->by_size[k], b, sizeof(b));
			fprintf(out, " %10s", row->by_size[k] ? b : "0");
		}
		fmt_hsize(row->unreadable, b, sizeof(b));
		fprintf(out, " %10s  %s\n", row->unreadable ? b : "0",
			i < s.nrows && row->region ? row->region->name : "");
	}
	free(s.rows);
	return VMMAP_OK;
}
