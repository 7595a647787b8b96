/*
 * picture.c - the map as a picture: --format=svg, and --format=html (the
 * same SVG in one self-contained page with a detail panel and an address
 * search; inline CSS and script, nothing fetched).
 *
 * The drawing is the one the kernel's layout documents make by hand
 * (../shared/seeds/000_* for s390x, 002_* for arm64, 004_* for arm32): one
 * box per region of the layout, stacked in address order from the top of the
 * page down, each labelled with its name, start, end and size, the start
 * address also on the box's upper edge.  A box's height grows with the log
 * of the region's size, so a 4 KiB page and a 64 TiB direct map both show.
 * A box with nothing mapped grows half as fast (the seeds draw unused gaps
 * small) and is no taller than the tallest box with something in it, or the
 * 16 EiB beyond an arm kernel's 4 GiB would dwarf the rest: a cut across its
 * edges marks that.
 *
 * Inside a box, a narrow lane shows where in the region something is
 * mapped, to scale; the wide lane magnifies the span from the first mapped
 * address to the last, with its biggest empty stretches cut out (zoom_make()
 * says which), and draws the ranges there as bands, a pixel row at least
 * each.  The ranges of one class (mapped: page size and permissions; or
 * unreadable, invalid, replica) that meet in the same rows are one band,
 * runs of rows with the same classes are merged, and rows with several
 * classes are shared out between them side by side: 65,000 ranges become a
 * few hundred bands.  A band's title (the tooltip) lists the exact bounds of
 * each of its ranges, except those the table format would summarise (a
 * region's max_lines: the ESPfix stacks) unless --all.  A band's colour is
 * its page size; two narrow lanes at its right say what the kernel may do
 * there (read-only, writable, executable, or writable and executable in the
 * warning colour) and whether user mode may reach it.
 *
 * The data comes through the public API: regions, parameters, warnings,
 * vmmap_walk() without holes, vmmap_range_perms() and vmmap_flag_names().
 */
#include "config.h"
#include "output/output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- geometry (pixels) and colours ---- */

#define PIC_WIDTH	1180
#define ADDR_X		150	/* right end of the address labels */
#define BOX_X		160
#define BOX_W		360
/* Lanes of a box, left to right: where in the region something is mapped
 * (POS), the callout from there to the magnified lane (ZOOM), which has the
 * bands, and the permission lanes of the bands (K, U). */
#define POS_X		(BOX_X + 1)
#define POS_W		26
#define CALL_W		28
#define ZOOM_X		(POS_X + POS_W + CALL_W)
#define LANE_K_W	12
#define LANE_U_W	6
#define LANE_GAP	2
#define ZOOM_W		(BOX_X + BOX_W - 1 - ZOOM_X - LANE_K_W - LANE_U_W - \
			 2 * LANE_GAP)
#define TEXT_X		(BOX_X + BOX_W + 14)
#define BOX_HMIN	48	/* three lines of text */
#define STACK_TARGET	2600	/* total height the doublings share */
#define KSTEP_MIN	3.0	/* pixels per doubling of size */
#define KSTEP_MAX	8.0
#define LINE		15

#define PERM_W	1u	/* the kernel may write */
#define PERM_X	2u	/* the kernel may execute */
#define PERM_U	4u	/* user mode may read, write or execute */

/* Page sizes, in the order they appear sorted ascending: Tableau 10 without
 * its red, which is the W+X warning's. */
static const char *const ps_colour[] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1",
	"#76b7b2", "#edc948", "#9c755f", "#ff9da7",
};
#define NPS_COLOURS ARRAY_SIZE(ps_colour)
#define MAX_PSIZES 16

/* The ranges a picture holds.  The corpus's biggest maps have 75,000 even
 * with --raw; --raw on KASAN's early shadow has billions (one per entry
 * aliasing the same page), which no picture can list. */
#define PIC_MAX_RANGES	(1u << 20)

static const char pic_style[] =
"text{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;font-size:12px;"
"fill:#222}\n"
".mono{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;"
"font-size:11px}\n"
".addr{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;"
"font-size:11px;fill:#555;text-anchor:end}\n"
".name{font-weight:bold;font-size:13px}\n"
".h1{font-weight:bold;font-size:17px}\n"
".dim{fill:#6a6a6a}\n"
".id{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;"
"font-size:11px;font-weight:normal;fill:#8a8a8a}\n"
".warn{fill:#c81e1e;font-weight:bold}\n"
"rect{shape-rendering:crispEdges}\n"
".box{fill:#fff;stroke:#4a4a4a;stroke-width:1}\n"
".hole>.box{fill:url(#hatch)}\n"
".brk{stroke:#4a4a4a;stroke-width:1.2;fill:#fff}\n"
".k0{fill:#d4d4d4}.k1{fill:#8c8c8c}.k2{fill:#333}.k3{fill:#d62728}\n"
".u{fill:#e6a800}\n"
".unr{fill:url(#cross)}.inv{fill:#000}.rep{fill:#c5b0d5}\n"
".wx{stroke:#d62728;stroke-width:2}\n"
".tick{stroke:#4a4a4a;stroke-width:1}\n"
".zbg{fill:#efefef}.call{fill:#dcdcdc}.pos{fill:#555}\n"
".cut rect{fill:#fff}.cut path{fill:none;stroke:#888;stroke-width:1}\n";

/* ---- what the walk gave ---- */

struct pic_class {
	enum vmmap_range_kind kind;
	uint64_t page_size;	/* MAPPED only */
	unsigned perm;		/* PERM_*, MAPPED only */
	unsigned psi;		/* index of page_size in pic.psizes */
};

struct pic_range {
	struct vmmap_range r;
	unsigned cls;
	bool listed;		/* its bounds are printed (max_lines) */
};

struct pic_box {
	const struct vmmap_region *reg;
	vmmap_addr_t start, last;	/* the region clipped to the span */
	size_t first, end;		/* its ranges: [first, end) */
	vmmap_addr_t zfirst, zlast;	/* what the magnified lane shows */
	int y, h;
	unsigned rows;			/* pixel rows for bands: h - 1 */
	bool capped;			/* drawn shorter than its size says */
};

struct pic {
	struct vmmap_ctx *ctx;
	const struct vmmap_opts *o;
	FILE *out;
	struct pic_range *ranges;
	size_t n, cap;
	struct pic_class *classes;
	size_t ncls, capcls;
	unsigned last_cls;		/* the class found last: most often next */
	uint64_t psizes[MAX_PSIZES];
	unsigned npsizes;
	struct pic_box *boxes;
	size_t nboxes;
	int legend_h, height;
};

/* ---- text ---- */

/* Length of the valid UTF-8 sequence at @s (1-4), or 0. */
static unsigned utf8_len(const unsigned char *s)
{
	unsigned n, i;
	uint32_t c;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	c = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong, surrogates, beyond U+10FFFF, XML's U+FFFE/U+FFFF */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff ||
	    c == 0xfffe || c == 0xffff)
		return 0;
	return n;
}

/* @s as XML character data or attribute value: entities for the markup
 * characters, '?' for what XML 1.0 cannot hold (control characters, bytes
 * that are not UTF-8: a dump's file name may have anything). */
static void xml_puts(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned n;

		switch (*p) {
		case '<': fputs("&lt;", out); p++; continue;
		case '>': fputs("&gt;", out); p++; continue;
		case '&': fputs("&amp;", out); p++; continue;
		case '"': fputs("&quot;", out); p++; continue;
		case '\'': fputs("&#39;", out); p++; continue;
		}
		if (*p < 0x20 && *p != '\n' && *p != '\t') {
			fputc('?', out);
			p++;
		} else if (*p < 0x80) {
			fputc(*p++, out);
		} else if ((n = utf8_len(p))) {
			fwrite(p, 1, n, out);
			p += n;
		} else {
			fputc('?', out);
			p++;
		}
	}
}

/* A span's size, which may be the whole 2^64. */
static void span_size(vmmap_addr_t start, vmmap_addr_t last, char *buf,
		      size_t size)
{
	if (start == 0 && last == VMMAP_ADDR_MAX)
		snprintf(buf, size, "16E");
	else
		fmt_hsize(last - start + 1, buf, size);
}

static const char *perm_words(unsigned perm)
{
	switch (perm & (PERM_W | PERM_X)) {
	case 0: return "read-only";
	case PERM_W: return "writable";
	case PERM_X: return "executable";
	}
	return "writable and executable (W+X)";
}

static void class_words(const struct pic_class *c, char *buf, size_t size)
{
	char ps[16];

	switch (c->kind) {
	case VMMAP_RANGE_MAPPED:
		fmt_size(c->page_size, ps, sizeof(ps));
		snprintf(buf, size, "%s pages, %s%s", ps, perm_words(c->perm),
			 c->perm & PERM_U ? ", user-accessible" : "");
		return;
	case VMMAP_RANGE_UNREADABLE:
		snprintf(buf, size, "unreadable: page tables not in the dump");
		return;
	case VMMAP_RANGE_INVALID:
		snprintf(buf, size, "invalid page-table entries");
		return;
	case VMMAP_RANGE_REPLICA:
		snprintf(buf, size, "tables that map an earlier range again");
		return;
	case VMMAP_RANGE_HOLE:
		break;
	}
	snprintf(buf, size, "?");
}

/* ---- collecting ---- */

static bool same_class(const struct pic_class *a, const struct pic_class *b)
{
	return a->kind == b->kind && a->page_size == b->page_size &&
	       a->perm == b->perm;
}

static vmmap_status pic_class_of(struct pic *p, const struct vmmap_range *r,
				 unsigned *cls_ret)
{
	struct pic_class c = { r->kind, 0, 0, 0 };
	size_t i;

	if (r->kind == VMMAP_RANGE_MAPPED) {
		struct vmmap_perms pm;

		vmmap_range_perms(p->ctx, r, &pm);
		c.page_size = r->page_size;
		c.perm = (pm.kernel_write ? PERM_W : 0) |
			 (pm.kernel_exec ? PERM_X : 0) |
			 (pm.user_read || pm.user_write || pm.user_exec
			  ? PERM_U : 0);
	}
	if (p->ncls && same_class(&p->classes[p->last_cls], &c)) {
		*cls_ret = p->last_cls;
		return VMMAP_OK;
	}
	for (i = 0; i < p->ncls; i++)
		if (same_class(&p->classes[i], &c)) {
			*cls_ret = p->last_cls = (unsigned)i;
			return VMMAP_OK;
		}
	if (p->ncls == p->capcls) {
		size_t cap = p->capcls ? 2 * p->capcls : 16;
		struct pic_class *nc = realloc(p->classes, cap * sizeof(*nc));

		if (!nc)
			return set_nomem(p->ctx);
		p->classes = nc;
		p->capcls = cap;
	}
	p->classes[p->ncls] = c;
	*cls_ret = p->last_cls = (unsigned)p->ncls++;
	return VMMAP_OK;
}

static vmmap_status pic_collect(void *arg, const struct vmmap_range *r)
{
	struct pic *p = arg;
	struct pic_range *pr;
	vmmap_status st;

	if (r->kind == VMMAP_RANGE_HOLE)
		return VMMAP_OK;
	if (p->n == PIC_MAX_RANGES)
		return vmmap_set_error(p->ctx, VMMAP_ERR_LIMIT,
			"a picture holds at most %u ranges, and this map has "
			"more (from 0x%" PRIx64 "): draw less of it (--region, "
			"--range) or merge (no --raw)", PIC_MAX_RANGES,
			r->start);
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024;
		struct pic_range *nr = realloc(p->ranges, cap * sizeof(*nr));

		if (!nr)
			return set_nomem(p->ctx);
		p->ranges = nr;
		p->cap = cap;
	}
	pr = &p->ranges[p->n];
	pr->r = *r;
	pr->listed = true;
	st = pic_class_of(p, r, &pr->cls);
	if (st)
		return st;
	p->n++;
	return VMMAP_OK;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The page sizes, sorted, and each class's index among them: colours are
 * given out from the smallest page size up. */
static void pic_page_sizes(struct pic *p)
{
	size_t i;
	unsigned k;

	for (i = 0; i < p->ncls; i++) {
		const struct pic_class *c = &p->classes[i];

		if (c->kind != VMMAP_RANGE_MAPPED)
			continue;
		for (k = 0; k < p->npsizes && p->psizes[k] != c->page_size; k++)
			;
		if (k == p->npsizes && k < MAX_PSIZES)
			p->psizes[p->npsizes++] = c->page_size;
	}
	qsort(p->psizes, p->npsizes, sizeof(p->psizes[0]), u64_cmp);
	for (i = 0; i < p->ncls; i++) {
		struct pic_class *c = &p->classes[i];

		for (k = 0; k + 1 < p->npsizes && p->psizes[k] != c->page_size;
		     k++)
			;
		c->psi = k;
	}
}

/* One box per region of the layout that meets [first, last], clipped. */
static vmmap_status pic_boxes(struct pic *p, vmmap_addr_t first,
			      vmmap_addr_t last)
{
	size_t nreg = vmmap_region_count(p->ctx), i;

	p->boxes = calloc(nreg ? nreg : 1, sizeof(*p->boxes));
	if (!p->boxes)
		return set_nomem(p->ctx);
	for (i = 0; i < nreg; i++) {
		const struct vmmap_region *reg = vmmap_region_get(p->ctx, i);
		struct pic_box *b = &p->boxes[p->nboxes];

		if (reg->last < first || reg->start > last)
			continue;
		b->reg = reg;
		b->start = reg->start > first ? reg->start : first;
		b->last = reg->last < last ? reg->last : last;
		p->nboxes++;
	}
	return VMMAP_OK;
}

/* Each range to its box (both are in address order), and which ranges'
 * bounds are printed: the first max_lines of a region, as the table
 * format prints them, unless --all. */
static void pic_assign(struct pic *p)
{
	size_t i = 0, k;

	for (k = 0; k < p->nboxes; k++) {
		struct pic_box *b = &p->boxes[k];
		unsigned max = p->o->all ? 0 : b->reg->max_lines;

		b->first = i;
		while (i < p->n && p->ranges[i].r.start <= b->last) {
			p->ranges[i].listed = !max || i - b->first < max;
			i++;
		}
		b->end = i;
		if (b->end > b->first) {
			b->zfirst = p->ranges[b->first].r.start;
			b->zlast = p->ranges[b->end - 1].r.last;
		}
	}
}

/* ---- geometry ---- */

/* log2 of a box's size (up to 2^64), to 1/256: no libm for this. */
static double log2_size(const struct pic_box *b)
{
	uint64_t x = b->last - b->start + 1;
	double m, frac = 0, bit = 0.5;
	int e, i;

	if (!x)
		return 64;
	e = 63 - __builtin_clzll(x);
	m = (double)x / (double)((uint64_t)1 << e);
	for (i = 0; i < 8; i++, bit /= 2) {
		m *= m;
		if (m >= 2) {
			m /= 2;
			frac += bit;
		}
	}
	return e + frac;
}

#define LEGEND_PARAMS_Y	196	/* the first line of parameters */

static int pic_legend_height(const struct pic *p)
{
	size_t nparams = vmmap_param_count(p->ctx);

	return LEGEND_PARAMS_Y + (int)((nparams + 2) / 3) * LINE +
	       (int)vmmap_warning_count(p->ctx) * LINE + 10;
}

/*
 * Heights: BOX_HMIN plus a step per doubling of the size above the
 * smallest box's, the step chosen so the boxes share about STACK_TARGET
 * pixels (within KSTEP_MIN..KSTEP_MAX), half a step for a box with nothing
 * mapped; then no empty box taller than the tallest box with something in
 * it.
 */
static void pic_geometry(struct pic *p)
{
	double lmin = 64, sum = 0, step;
	int hmax_full = 0, y;
	size_t k;

	for (k = 0; k < p->nboxes; k++)
		if (log2_size(&p->boxes[k]) < lmin)
			lmin = log2_size(&p->boxes[k]);
	for (k = 0; k < p->nboxes; k++)
		sum += log2_size(&p->boxes[k]) - lmin;
	step = KSTEP_MAX;
	if (sum > 0)
		step = (STACK_TARGET - (double)p->nboxes * BOX_HMIN) / sum;
	if (step < KSTEP_MIN)
		step = KSTEP_MIN;
	if (step > KSTEP_MAX)
		step = KSTEP_MAX;
	for (k = 0; k < p->nboxes; k++) {
		struct pic_box *b = &p->boxes[k];
		bool empty = b->end == b->first;

		/* as the seeds draw an unused gap: small */
		b->h = BOX_HMIN + (int)((empty ? step / 2 : step) *
					(log2_size(b) - lmin) + 0.5);
		if (!empty && b->h > hmax_full)
			hmax_full = b->h;
	}
	p->legend_h = pic_legend_height(p);
	y = p->legend_h;
	for (k = 0; k < p->nboxes; k++) {
		struct pic_box *b = &p->boxes[k];

		if (hmax_full && b->end == b->first && b->h > hmax_full) {
			b->h = hmax_full;
			b->capped = true;
		}
		b->y = y;
		b->rows = (unsigned)b->h - 1;
		y += b->h;
	}
	p->height = y + 40;
}

/* The pixel row of @a when [first, last] is drawn on @rows rows. */
static unsigned row_in(vmmap_addr_t first, vmmap_addr_t last, unsigned rows,
		       vmmap_addr_t a)
{
	long double span = (long double)(last - first) + 1;
	long double r = (long double)(a - first) / span * rows;

	return r < rows ? (unsigned)r : rows - 1;
}

/* ---- the magnified lane ---- */

/*
 * The magnified lane draws the span from the box's first mapped address to
 * its last, linearly, except that the largest empty stretches are cut out
 * (a gap of BREAK_ROWS rows marks each): a stretch is cut while it would
 * take more than 1/GAP_SHARE of what remains, up to the breaks the rows
 * have room for.  vmalloc's allocations at both ends of a 12 PiB area, or
 * ioremaps far above the rest, so show as what they are.  Each remaining
 * segment gets one row, and of the others a share half in proportion to
 * its span and half to its number of ranges: a cluster of many small
 * allocations next to one big one still shows its detail.
 */
#define BREAK_ROWS	6
#define GAP_SHARE	8
#define MAX_BREAKS	16

struct seg {
	vmmap_addr_t first, last;	/* addresses drawn */
	size_t range;			/* its first range */
	unsigned row0, rows;
};

struct zoom {
	struct seg *segs;
	size_t n;
};

struct gap {
	uint64_t len;
	size_t range;		/* the range after it */
};

static int gap_cmp(const void *a, const void *b)
{
	const struct gap *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? 1 : -1;
	return x->range < y->range ? -1 : x->range > y->range;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Which gaps of box @b to cut: their ranges' indices, sorted, in @cut. */
static vmmap_status zoom_cuts(struct pic *p, const struct pic_box *b,
			      size_t *cut, size_t *ncut_ret)
{
	size_t ngaps = 0, ncut = 0, maxcut, i;
	long double remain = (long double)(b->zlast - b->zfirst) + 1;
	struct gap *gaps;

	*ncut_ret = 0;
	maxcut = (b->rows - 1) / (BREAK_ROWS + 2);
	if (maxcut > MAX_BREAKS)
		maxcut = MAX_BREAKS;
	if (!maxcut || b->end - b->first < 2)
		return VMMAP_OK;
	gaps = malloc((b->end - b->first) * sizeof(*gaps));
	if (!gaps)
		return set_nomem(p->ctx);
	for (i = b->first + 1; i < b->end; i++) {
		uint64_t len = p->ranges[i].r.start - p->ranges[i - 1].r.last - 1;

		if (len)
			gaps[ngaps++] = (struct gap){ len, i };
	}
	qsort(gaps, ngaps, sizeof(*gaps), gap_cmp);
	for (i = 0; i < ngaps && ncut < maxcut; i++) {
		if ((long double)gaps[i].len * GAP_SHARE < remain)
			break;
		remain -= gaps[i].len;
		cut[ncut++] = gaps[i].range;
	}
	free(gaps);
	qsort(cut, ncut, sizeof(*cut), size_cmp);
	*ncut_ret = ncut;
	return VMMAP_OK;
}

static vmmap_status zoom_make(struct pic *p, const struct pic_box *b,
			      struct zoom *z)
{
	size_t cut[MAX_BREAKS], ncut, k, big = 0;
	long double total = 0;
	unsigned free_rows, used = 0, row;
	vmmap_status st;

	memset(z, 0, sizeof(*z));
	if (b->end == b->first)
		return VMMAP_OK;
	st = zoom_cuts(p, b, cut, &ncut);
	if (st)
		return st;
	z->segs = calloc(ncut + 1, sizeof(*z->segs));
	if (!z->segs)
		return set_nomem(p->ctx);
	z->n = ncut + 1;
	for (k = 0; k < z->n; k++) {
		struct seg *g = &z->segs[k];
		size_t end = k < ncut ? cut[k] : b->end;

		g->range = k ? cut[k - 1] : b->first;
		g->first = p->ranges[g->range].r.start;
		g->last = p->ranges[end - 1].r.last;
		total += (long double)(g->last - g->first) + 1;
		if (g->last - g->first > z->segs[big].last - z->segs[big].first)
			big = k;
	}
	free_rows = b->rows - (unsigned)(ncut * BREAK_ROWS + z->n);
	for (k = 0; k < z->n; k++) {
		struct seg *g = &z->segs[k];
		size_t end = k + 1 < z->n ? z->segs[k + 1].range : b->end;
		long double span = ((long double)(g->last - g->first) + 1) /
				   total;
		long double count = (long double)(end - g->range) /
				    (long double)(b->end - b->first);

		g->rows = 1 + (unsigned)(free_rows * (span + count) / 2);
		used += g->rows;
	}
	/* what rounding down left goes to the widest segment */
	z->segs[big].rows += b->rows - (unsigned)(ncut * BREAK_ROWS) - used;
	for (k = 0, row = 0; k < z->n; k++) {
		z->segs[k].row0 = row;
		row += z->segs[k].rows + BREAK_ROWS;
	}
	return VMMAP_OK;
}

/* The row of @a in the magnified lane: the segment of range @i. */
static unsigned zoom_row(const struct zoom *z, size_t i, vmmap_addr_t a)
{
	size_t lo = 0, hi = z->n;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (z->segs[mid].range <= i)
			lo = mid;
		else
			hi = mid;
	}
	return z->segs[lo].row0 + row_in(z->segs[lo].first, z->segs[lo].last,
					 z->segs[lo].rows, a);
}

/* ---- bands ---- */

/* What one class has in one pixel row: its ranges from first to last
 * (indices into pic.ranges; ranges of other classes may lie between). */
struct cell {
	unsigned cls;
	size_t first, last;
};

struct row {
	struct cell *cells;
	unsigned n, cap;
};

static vmmap_status row_add(struct pic *p, struct row *row, unsigned cls,
			    size_t i)
{
	unsigned k;

	for (k = 0; k < row->n; k++)
		if (row->cells[k].cls == cls) {
			row->cells[k].last = i;
			return VMMAP_OK;
		}
	if (row->n == row->cap) {
		unsigned cap = row->cap ? 2 * row->cap : 2;
		struct cell *nc = realloc(row->cells, cap * sizeof(*nc));

		if (!nc)
			return set_nomem(p->ctx);
		row->cells = nc;
		row->cap = cap;
	}
	/* kept sorted by class, so rows compare cell by cell */
	for (k = row->n; k > 0 && row->cells[k - 1].cls > cls; k--)
		row->cells[k] = row->cells[k - 1];
	row->cells[k] = (struct cell){ cls, i, i };
	row->n++;
	return VMMAP_OK;
}

static bool rows_alike(const struct row *a, const struct row *b)
{
	unsigned k;

	if (a->n != b->n)
		return false;
	for (k = 0; k < a->n; k++)
		if (a->cells[k].cls != b->cells[k].cls)
			return false;
	return true;
}

static void range_line(struct pic *p, const struct pic_range *pr)
{
	const struct vmmap_range *r = &pr->r;
	char size[16], what[192];

	fmt_hsize(r->last - r->start + 1, size, sizeof(size));
	fprintf(p->out, "\n0x%016" PRIx64 "-0x%016" PRIx64 " %s ", r->start,
		r->last, size);
	if (r->kind == VMMAP_RANGE_MAPPED) {
		flags_str(p->ctx, r, what, sizeof(what));
		fprintf(p->out, "%s 0x%" PRIx64 " ",
			r->alias ? "every page at" : "phys", r->phys);
	} else {
		unmapped_str(r, what, sizeof(what));
	}
	xml_puts(p->out, what);
}

/* The title of a band: its class, then each range's bounds. */
static void band_title(struct pic *p, unsigned cls, size_t first,
		       size_t last)
{
	char words[128], size[16];
	uint64_t bytes = 0, count = 0, unlisted = 0;
	size_t i;

	for (i = first; i <= last; i++)
		if (p->ranges[i].cls == cls) {
			bytes += p->ranges[i].r.last - p->ranges[i].r.start + 1;
			count++;
		}
	class_words(&p->classes[cls], words, sizeof(words));
	fmt_hsize(bytes, size, sizeof(size));
	fprintf(p->out, "<title>%s: %" PRIu64 " range%s, %s", words, count,
		count == 1 ? "" : "s", size);
	for (i = first; i <= last; i++) {
		if (p->ranges[i].cls != cls)
			continue;
		if (p->ranges[i].listed)
			range_line(p, &p->ranges[i]);
		else
			unlisted++;
	}
	if (unlisted)
		fprintf(p->out, "\n... %" PRIu64 " more range%s of this region "
			"not listed (--all lists them)", unlisted,
			unlisted == 1 ? "" : "s");
	fputs("</title>", p->out);
}

/* One band: rows [r0, r1] of box @b, column @col of @ncol. */
static void band(struct pic *p, const struct pic_box *b, unsigned cls,
		 size_t first, size_t last, unsigned r0, unsigned r1,
		 unsigned col, unsigned ncol)
{
	const struct pic_class *c = &p->classes[cls];
	int y = b->y + 1 + (int)r0, h = (int)(r1 - r0 + 1);
	double pw = (double)ZOOM_W / ncol, kw = (double)LANE_K_W / ncol;
	double uw = (double)LANE_U_W / ncol;
	double px = ZOOM_X + col * pw;
	double kx = ZOOM_X + ZOOM_W + LANE_GAP + col * kw;
	double ux = ZOOM_X + ZOOM_W + LANE_GAP + LANE_K_W + LANE_GAP +
		    col * uw;

	fprintf(p->out, "<g class=\"band\" data-first=\"0x%" PRIx64 "\" "
		"data-last=\"0x%" PRIx64 "\">", p->ranges[first].r.start,
		p->ranges[last].r.last);
	band_title(p, cls, first, last);
	if (c->kind == VMMAP_RANGE_MAPPED) {
		bool wx = (c->perm & (PERM_W | PERM_X)) == (PERM_W | PERM_X);

		fprintf(p->out, "<rect class=\"p%u%s\" x=\"%.1f\" y=\"%d\" "
			"width=\"%.1f\" height=\"%d\"/>",
			c->psi % (unsigned)NPS_COLOURS, wx ? " wx" : "", px, y,
			pw, h);
		fprintf(p->out, "<rect class=\"k%u\" x=\"%.1f\" y=\"%d\" "
			"width=\"%.1f\" height=\"%d\"/>",
			c->perm & (PERM_W | PERM_X), kx, y, kw, h);
		if (c->perm & PERM_U)
			fprintf(p->out, "<rect class=\"u\" x=\"%.1f\" y=\"%d\" "
				"width=\"%.1f\" height=\"%d\"/>", ux, y, uw, h);
	} else {
		fprintf(p->out, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" "
			"width=\"%.1f\" height=\"%d\"/>",
			c->kind == VMMAP_RANGE_UNREADABLE ? "unr" :
			c->kind == VMMAP_RANGE_INVALID ? "inv" : "rep",
			px, y, pw, h);
	}
	fputs("</g>\n", p->out);
}

/* The mark of an empty stretch cut out of the magnified lane between
 * segments @g and @h. */
static void zoom_break(struct pic *p, const struct pic_box *b,
		       const struct seg *g, const struct seg *h)
{
	int y = b->y + 1 + (int)(g->row0 + g->rows);
	char size[16];

	fmt_hsize(h->first - g->last - 1, size, sizeof(size));
	fprintf(p->out, "<g class=\"cut\"><title>nothing mapped: 0x%016" PRIx64
		"-0x%016" PRIx64 " (%s), cut out of the magnified lane</title>"
		"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
		"<path d=\"M%d,%.1f l6,-3 l6,6 l6,-6 l6,6 l6,-6 l6,3\"/></g>",
		g->last + 1, h->first - 1, size, ZOOM_X, y, ZOOM_W, BREAK_ROWS,
		ZOOM_X + ZOOM_W / 2 - 18, y + BREAK_ROWS / 2.0);
}

/* The lane that says where in the region the ranges lie (a mark per run
 * of rows with something in them, at the region's scale), the callouts
 * from the spans the segments take there to the magnified lane, and the
 * breaks where empty stretches are cut out of it. */
static void box_position(struct pic *p, const struct pic_box *b,
			 const struct zoom *z)
{
	unsigned run0 = 0, run1 = 0, r0 = 0, r1 = 0;
	int top = b->y + 1;
	size_t i, k;

	fprintf(p->out, "<rect class=\"zbg\" x=\"%d\" y=\"%d\" width=\"%d\" "
		"height=\"%u\"/><rect class=\"zbg\" x=\"%d\" y=\"%d\" "
		"width=\"%d\" height=\"%u\"/>\n", POS_X, top, POS_W, b->rows,
		ZOOM_X, top, ZOOM_W, b->rows);
	for (k = 0; k < z->n; k++) {
		const struct seg *g = &z->segs[k];

		r0 = row_in(b->start, b->last, b->rows, g->first);
		r1 = row_in(b->start, b->last, b->rows, g->last);
		fprintf(p->out, "<polygon class=\"call\" points=\"%d,%u %d,%u "
			"%d,%u %d,%u\"/>", POS_X + POS_W, top + r0, ZOOM_X,
			top + g->row0, ZOOM_X, top + g->row0 + g->rows,
			POS_X + POS_W, top + r1 + 1);
		if (k + 1 < z->n)
			zoom_break(p, b, g, &z->segs[k + 1]);
	}
	for (i = b->first; i <= b->end; i++) {
		if (i < b->end) {
			r0 = row_in(b->start, b->last, b->rows,
				    p->ranges[i].r.start);
			r1 = row_in(b->start, b->last, b->rows,
				    p->ranges[i].r.last);
			if (i > b->first && r0 <= run1 + 1) {
				if (r1 > run1)
					run1 = r1;
				continue;
			}
		}
		if (i > b->first)
			fprintf(p->out, "<rect class=\"pos\" x=\"%d\" y=\"%u\" "
				"width=\"%d\" height=\"%u\"/>", POS_X, top + run0,
				POS_W, run1 - run0 + 1);
		run0 = r0;
		run1 = r1;
	}
	fputc('\n', p->out);
}

/* The bands of box @b: each range marks the rows it covers in the
 * magnified lane; runs of rows with the same classes become one band per
 * class. */
static vmmap_status box_bands(struct pic *p, const struct pic_box *b,
			      const struct zoom *z)
{
	struct row *rows;
	vmmap_status st = VMMAP_OK;
	size_t i;
	unsigned j, j0, k;

	if (b->end == b->first || !b->rows)
		return VMMAP_OK;
	box_position(p, b, z);
	rows = calloc(b->rows, sizeof(*rows));
	if (!rows)
		return set_nomem(p->ctx);
	for (i = b->first; !st && i < b->end; i++) {
		unsigned r1 = zoom_row(z, i, p->ranges[i].r.last);

		for (j = zoom_row(z, i, p->ranges[i].r.start); !st && j <= r1;
		     j++)
			st = row_add(p, &rows[j], p->ranges[i].cls, i);
	}
	for (j0 = 0; !st && j0 < b->rows; j0 = j) {
		for (j = j0 + 1; j < b->rows && rows[j0].n &&
		     rows_alike(&rows[j0], &rows[j]); j++)
			;
		for (k = 0; k < rows[j0].n; k++) {
			size_t first = rows[j0].cells[k].first;
			size_t last = rows[j - 1].cells[k].last;

			band(p, b, rows[j0].cells[k].cls, first, last, j0,
			     j - 1, k, rows[j0].n);
		}
		st = out_status(p->ctx, p->out);
	}
	for (j = 0; j < b->rows; j++)
		free(rows[j].cells);
	free(rows);
	return st;
}

/* ---- boxes ---- */

struct box_sum {
	uint64_t mapped, other, nranges, nwx, user;
	uint64_t by_ps[MAX_PSIZES];
};

static void box_summary(const struct pic *p, const struct pic_box *b,
			struct box_sum *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = b->first; i < b->end; i++) {
		const struct pic_range *pr = &p->ranges[i];
		const struct pic_class *c = &p->classes[pr->cls];
		uint64_t len = pr->r.last - pr->r.start + 1;

		s->nranges++;
		if (c->kind != VMMAP_RANGE_MAPPED) {
			s->other += len;
			continue;
		}
		s->mapped += len;
		s->by_ps[c->psi] += len;
		if ((c->perm & (PERM_W | PERM_X)) == (PERM_W | PERM_X))
			s->nwx++;
		if (c->perm & PERM_U)
			s->user += len;
	}
}

/* "127.9M mapped in 70 ranges: 4K 20348K, 2M 108M" */
static void box_mapped_text(const struct pic *p, const struct box_sum *s)
{
	char b[16];
	unsigned k;
	bool first = true;

	if (!s->nranges) {
		fputs("nothing mapped", p->out);
		return;
	}
	fmt_hsize(s->mapped, b, sizeof(b));
	fprintf(p->out, "%s mapped in %" PRIu64 " range%s", s->mapped ? b : "0",
		s->nranges, s->nranges == 1 ? "" : "s");
	for (k = 0; k < p->npsizes; k++) {
		char ps[16];

		if (!s->by_ps[k])
			continue;
		fmt_size(p->psizes[k], ps, sizeof(ps));
		fmt_hsize(s->by_ps[k], b, sizeof(b));
		fprintf(p->out, "%s %s %s", first ? ":" : ",", ps, b);
		first = false;
	}
	if (s->other) {
		fmt_hsize(s->other, b, sizeof(b));
		fprintf(p->out, "; %s unreadable, invalid or replicated", b);
	}
	if (s->user) {
		fmt_hsize(s->user, b, sizeof(b));
		fprintf(p->out, "; %s user-accessible", b);
	}
}

static void zoom_cut_words(struct pic *p, const struct zoom *z)
{
	if (z->n > 1)
		fprintf(p->out, ", %zu empty stretch%s cut out", z->n - 1,
			z->n == 2 ? "" : "es");
}

static void box_title(struct pic *p, const struct pic_box *b,
		      const struct box_sum *s, const struct zoom *z)
{
	char size[16];

	span_size(b->start, b->last, size, sizeof(size));
	fputs("<title>", p->out);
	xml_puts(p->out, b->reg->name);
	fputs(" [", p->out);
	xml_puts(p->out, b->reg->id);
	fprintf(p->out, "]\n0x%016" PRIx64 "-0x%016" PRIx64 " (%s)", b->start,
		b->last, size);
	if (b->start != b->reg->start || b->last != b->reg->last)
		fprintf(p->out, ", part of 0x%016" PRIx64 "-0x%016" PRIx64,
			b->reg->start, b->reg->last);
	fputc('\n', p->out);
	box_mapped_text(p, s);
	if (s->nwx)
		fprintf(p->out, "\n%" PRIu64 " range%s writable and executable",
			s->nwx, s->nwx == 1 ? "" : "s");
	if (s->nranges) {
		span_size(b->zfirst, b->zlast, size, sizeof(size));
		fprintf(p->out, "\nmagnified lane: 0x%016" PRIx64 "-0x%016"
			PRIx64 " (%s)", b->zfirst, b->zlast, size);
		zoom_cut_words(p, z);
	}
	fputs("</title>", p->out);
}

/* What the magnified lane shows. */
static void box_zoom_text(struct pic *p, const struct pic_box *b,
			  const struct zoom *z, int y)
{
	char size[16];

	span_size(b->zfirst, b->zlast, size, sizeof(size));
	fprintf(p->out, "<text class=\"dim\" x=\"%d\" y=\"%d\">magnified: "
		"<tspan class=\"mono\">0x%016" PRIx64 " - 0x%016" PRIx64
		"</tspan> (%s)", TEXT_X, y, b->zfirst, b->zlast, size);
	zoom_cut_words(p, z);
	fputs("</text>\n", p->out);
}

/* A break across the box's edges: drawn shorter than its size says. */
static void box_break(struct pic *p, const struct pic_box *b)
{
	int ym = b->y + b->h / 2;
	int xs[2] = { BOX_X, BOX_X + BOX_W };
	unsigned i;

	for (i = 0; i < 2; i++)
		fprintf(p->out, "<path class=\"brk\" d=\"M%d,%d l12,-6 v4 "
			"l-12,6 z\"/>", xs[i] - 6, ym + 1);
}

static vmmap_status pic_box(struct pic *p, const struct pic_box *b)
{
	struct box_sum s;
	struct zoom z;
	char size[16];
	int ty = b->y + 15;
	vmmap_status st;

	box_summary(p, b, &s);
	st = zoom_make(p, b, &z);
	if (st)
		return st;
	span_size(b->start, b->last, size, sizeof(size));
	fprintf(p->out, "<g class=\"region%s\" data-id=\"", b->reg->hole
		? " hole" : "");
	xml_puts(p->out, b->reg->id);
	fprintf(p->out, "\" data-start=\"0x%016" PRIx64 "\" data-end=\"0x%016"
		PRIx64 "\">", b->start, b->last);
	box_title(p, b, &s, &z);
	fprintf(p->out, "\n<rect class=\"box\" x=\"%.1f\" y=\"%.1f\" "
		"width=\"%d\" height=\"%d\"/>\n", BOX_X + 0.5, b->y + 0.5,
		BOX_W - 1, b->h);
	if (b->capped)
		box_break(p, b);
	fprintf(p->out, "<line class=\"tick\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
		"y2=\"%.1f\"/><text class=\"addr\" x=\"%d\" y=\"%d\">0x%016"
		PRIx64 "</text>\n", ADDR_X + 2, b->y + 0.5, BOX_X, b->y + 0.5,
		ADDR_X, b->y + 4, b->start);
	fprintf(p->out, "<text class=\"name\" x=\"%d\" y=\"%d\">", TEXT_X, ty);
	xml_puts(p->out, b->reg->name);
	fputs("<tspan class=\"id\">  ", p->out);	/* what --region takes */
	xml_puts(p->out, b->reg->id);
	fprintf(p->out, "</tspan></text>\n<text class=\"mono\" x=\"%d\" y=\"%d\">"
		"0x%016" PRIx64 " - 0x%016" PRIx64 "  %s</text>\n", TEXT_X,
		ty + 14, b->start, b->last, size);
	fprintf(p->out, "<text%s x=\"%d\" y=\"%d\">",
		s.nranges ? "" : " class=\"dim\"", TEXT_X, ty + 28);
	box_mapped_text(p, &s);
	if (s.nwx)
		fprintf(p->out, "<tspan class=\"warn\"> \xe2\x80\x94 %" PRIu64
			" W+X range%s</tspan>", s.nwx, s.nwx == 1 ? "" : "s");
	fputs("</text>\n", p->out);
	if (s.nranges && b->h >= BOX_HMIN + 14)
		box_zoom_text(p, b, &z, ty + 42);
	st = box_bands(p, b, &z);
	free(z.segs);
	if (st)
		return st;
	fputs("</g>\n", p->out);
	return out_status(p->ctx, p->out);
}

/* ---- the legend ---- */

static int swatch(struct pic *p, int x, int y, const char *cls,
		  const char *label)
{
	fprintf(p->out, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"14\" "
		"height=\"10\" stroke=\"#4a4a4a\" stroke-width=\"0.5\"/>"
		"<text x=\"%d\" y=\"%d\">", cls, x, y - 9, x + 18, y);
	xml_puts(p->out, label);
	fputs("</text>", p->out);
	return x + 18 + 7 * (int)strlen(label) + 14;
}

/* A line of the legend at (@x, @y); returns about where it ends. */
static int legend_text(struct pic *p, int x, int y, const char *cls,
		       const char *text)
{
	fprintf(p->out, "<text%s%s%s x=\"%d\" y=\"%d\">", *cls ? " class=\"" : "",
		cls, *cls ? "\"" : "", x, y);
	xml_puts(p->out, text);
	fputs("</text>\n", p->out);
	return x + 7 * (int)strlen(text);
}

static void pic_title(struct pic *p, uint64_t mapped)
{
	const char *rel = vmmap_vmcoreinfo_get(p->ctx, "OSRELEASE");
	const char *dump = p->o->dump, *slash;
	char b[16];

	slash = dump ? strrchr(dump, '/') : NULL;
	if (slash && slash[1])
		dump = slash + 1;
	fprintf(p->out, "<text class=\"h1\" x=\"16\" y=\"26\">Kernel virtual "
		"address space");
	if (dump) {
		fputs(" of ", p->out);
		xml_puts(p->out, dump);
	}
	fputs("</text>\n<text x=\"16\" y=\"46\">", p->out);
	xml_puts(p->out, vmmap_arch_name(p->ctx));
	if (rel) {
		fputs(", Linux ", p->out);
		xml_puts(p->out, rel);
	}
	fmt_hsize(mapped, b, sizeof(b));
	fprintf(p->out, ": %zu region%s, %s mapped in %zu ranges "
		"(vmmap %s)</text>\n", p->nboxes, p->nboxes == 1 ? "" : "s",
		mapped ? b : "0", p->n, PACKAGE_VERSION);
}

static void pic_legend(struct pic *p)
{
	static const char *const kname[] = {
		"read-only", "writable", "executable", "writable+executable",
	};
	size_t np = vmmap_param_count(p->ctx), nw, i;
	bool kinds[VMMAP_RANGE_REPLICA + 1] = { false };
	uint64_t mapped = 0;
	int x, y;
	unsigned k;

	for (i = 0; i < p->n; i++) {
		kinds[p->ranges[i].r.kind] = true;
		if (p->ranges[i].r.kind == VMMAP_RANGE_MAPPED)
			mapped += p->ranges[i].r.last - p->ranges[i].r.start + 1;
	}
	pic_title(p, mapped);
	y = 70;
	x = legend_text(p, 16, y, "", "Bands, by page size:") + 8;
	for (k = 0; k < p->npsizes; k++) {
		char ps[16], cls[8];

		fmt_size(p->psizes[k], ps, sizeof(ps));
		snprintf(cls, sizeof(cls), "p%u", k % (unsigned)NPS_COLOURS);
		x = swatch(p, x, y, cls, ps);
	}
	if (!p->npsizes)
		x = swatch(p, x, y, "box", "nothing mapped");
	if (kinds[VMMAP_RANGE_UNREADABLE])
		x = swatch(p, x, y, "unr", "unreadable (tables not in the dump)");
	if (kinds[VMMAP_RANGE_INVALID])
		x = swatch(p, x, y, "inv", "invalid entries");
	if (kinds[VMMAP_RANGE_REPLICA])
		swatch(p, x, y, "rep", "replica");
	y += 20;
	x = legend_text(p, 16, y, "",
			"K lane, what the kernel may do there:") + 8;
	for (k = 0; k < 4; k++) {
		char cls[4];

		snprintf(cls, sizeof(cls), "k%u", k);
		x = swatch(p, x, y, cls, kname[k]);
	}
	x = legend_text(p, x + 10, y, "", "U lane:") + 8;
	swatch(p, x, y, "u", "user mode may reach it");
	y += 22;
	legend_text(p, 16, y, "dim", "Boxes: the regions of the layout in "
		"address order, taller by the log of their size (a box with "
		"nothing mapped grows half as fast,");
	y += LINE;
	legend_text(p, 16, y, "dim", "and no taller than the tallest with "
		"something in it: a cut across its edges marks that). In a "
		"box, the narrow left lane shows where");
	y += LINE;
	legend_text(p, 16, y, "dim", "something is mapped; the wide lane "
		"magnifies the span from the first mapped address to the last, "
		"big empty stretches cut out (zigzag).");
	y += LINE;
	legend_text(p, 16, y, "dim", "A range takes a pixel row at least; a "
		"band is the ranges of one page size and permission in the same "
		"rows (rows with several share the width);");
	y += LINE;
	legend_text(p, 16, y, "dim", "a band's tooltip lists the exact bounds "
		"of its ranges.");
	y = LEGEND_PARAMS_Y;
	for (i = 0; i < np; i++) {
		const struct vmmap_param *prm = vmmap_param_get(p->ctx, i);

		fprintf(p->out, "<text class=\"mono\" x=\"%d\" y=\"%d\">",
			16 + (int)(i % 3) * 385, y + (int)(i / 3) * LINE);
		xml_puts(p->out, prm->name);
		fprintf(p->out, " = 0x%" PRIx64 " <tspan class=\"dim\">(",
			prm->value);
		xml_puts(p->out, prm->source);
		fputs(")</tspan></text>\n", p->out);
	}
	y += (int)((np + 2) / 3) * LINE;
	nw = vmmap_warning_count(p->ctx);
	for (i = 0; i < nw; i++, y += LINE) {
		fprintf(p->out, "<text class=\"warn\" x=\"16\" y=\"%d\">warning: ",
			y);
		xml_puts(p->out, vmmap_warning_get(p->ctx, i));
		fputs("</text>\n", p->out);
	}
}

/* ---- the document ---- */

static void pic_defs(struct pic *p)
{
	fprintf(p->out, "<defs><pattern id=\"hatch\" width=\"8\" height=\"8\" "
		"patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
		"<rect width=\"8\" height=\"8\" fill=\"#f4f4f4\"/>"
		"<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#dadada\" "
		"stroke-width=\"3\"/></pattern>"
		"<pattern id=\"cross\" width=\"6\" height=\"6\" "
		"patternUnits=\"userSpaceOnUse\">"
		"<rect width=\"6\" height=\"6\" fill=\"#bbb\"/>"
		"<path d=\"M0,0 L6,6 M6,0 L0,6\" stroke=\"#555\" "
		"stroke-width=\"1\"/></pattern></defs>\n<style>\n%s",
		pic_style);
	for (size_t k = 0; k < NPS_COLOURS; k++)
		fprintf(p->out, ".p%zu{fill:%s}", k, ps_colour[k]);
	fputs("\n</style>\n", p->out);
}

static vmmap_status pic_svg(struct pic *p, bool standalone)
{
	vmmap_status st = VMMAP_OK;
	size_t k;

	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", p->out);
	fprintf(p->out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		"id=\"vmmap\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n"
		"<title>Kernel virtual address space (", PIC_WIDTH, p->height,
		PIC_WIDTH, p->height);
	xml_puts(p->out, vmmap_arch_name(p->ctx));
	fputs(")</title>\n", p->out);
	pic_defs(p);
	fprintf(p->out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
		"fill=\"#fff\"/>\n", PIC_WIDTH, p->height);
	pic_legend(p);
	for (k = 0; !st && k < p->nboxes; k++)
		st = pic_box(p, &p->boxes[k]);
	if (st)
		return st;
	if (p->nboxes) {
		const struct pic_box *b = &p->boxes[p->nboxes - 1];

		fprintf(p->out, "<line class=\"tick\" x1=\"%d\" y1=\"%.1f\" "
			"x2=\"%d\" y2=\"%.1f\"/><text class=\"addr\" x=\"%d\" "
			"y=\"%d\">0x%016" PRIx64 "</text>\n", ADDR_X + 2,
			b->y + b->h + 0.5, BOX_X, b->y + b->h + 0.5, ADDR_X,
			b->y + b->h + 4, b->last);
	}
	fputs("</svg>\n", p->out);
	return out_status(p->ctx, p->out);
}

/* The page around the SVG: a panel with the details of what the pointer is
 * on (a click keeps it), and a search for an address. */
static const char html_style[] =
"body{margin:0;display:flex;align-items:flex-start;background:#fff;"
"color:#222;font:13px 'DejaVu Sans',Verdana,Arial,sans-serif}\n"
"#pic{flex:0 0 auto;padding:4px}\n"
"#panel{flex:1 1 0;min-width:320px;position:sticky;top:0;height:100vh;"
"box-sizing:border-box;overflow:auto;padding:10px 14px;"
"border-left:1px solid #bbb;background:#fafafa}\n"
"#panel h2{font-size:15px;margin:4px 0 8px}\n"
"#panel h3{font-size:13px;margin:10px 0 4px}\n"
"#panel pre{font:11px 'DejaVu Sans Mono',Menlo,Consolas,monospace;"
"white-space:pre;margin:0}\n"
"#panel .hit{background:#ffe9a8}\n"
"#panel input{font:12px 'DejaVu Sans Mono',monospace;width:16em}\n"
"#vmmap .band:hover rect,#vmmap .band.sel rect{stroke:#000;"
"stroke-width:1}\n"
"#vmmap .region.sel>.box{stroke:#000;stroke-width:2.5}\n";

static const char html_script[] =
"(function () {\n"
"'use strict';\n"
"var svg = document.getElementById('vmmap');\n"
"var info = document.getElementById('info');\n"
"var input = document.getElementById('addr');\n"
"var RANGE = /^0x([0-9a-f]+)-0x([0-9a-f]+)/;\n"
"var UNLISTED = /^\\.\\.\\. \\d+ more ranges? of this region not listed/m;\n"
"var pinned = null, shown = null;\n"
"\n"
"function big(s) { try { return BigInt(s); } catch (e) { return null; } }\n"
"function titleOf(el) {\n"
"  for (var c = el.firstElementChild; c; c = c.nextElementSibling)\n"
"    if (c.tagName.toLowerCase() === 'title') return c.textContent;\n"
"  return '';\n"
"}\n"
"function holds(line, a) {\n"
"  var m = RANGE.exec(line);\n"
"  return m !== null && big('0x' + m[1]) <= a && a <= big('0x' + m[2]);\n"
"}\n"
"function say(text) {\n"
"  var p = document.createElement('p');\n"
"  p.textContent = text;\n"
"  info.appendChild(p);\n"
"}\n"
"function block(head, text, addr) {\n"
"  var h = document.createElement('h3'), pre = document.createElement('pre');\n"
"  var lines = text.split('\\n');\n"
"  h.textContent = head === null ? lines.shift() : head;\n"
"  info.appendChild(h);\n"
"  lines.forEach(function (l) {\n"
"    var d = document.createElement('div');\n"
"    d.textContent = l;\n"
"    if (addr !== null && holds(l, addr)) d.className = 'hit';\n"
"    pre.appendChild(d);\n"
"  });\n"
"  info.appendChild(pre);\n"
"}\n"
"/* The details of a band or a region; @addr and @what: what a search found. */\n"
"function show(el, addr, what) {\n"
"  if (shown) shown.classList.remove('sel');\n"
"  shown = el;\n"
"  info.textContent = '';\n"
"  if (!el) { say('Point at a box or a band; a click keeps it.'); return; }\n"
"  el.classList.add('sel');\n"
"  var reg = el.classList.contains('region') ? el : el.closest('g.region');\n"
"  if (what) say(what);\n"
"  block(null, titleOf(reg), addr);\n"
"  if (el !== reg) block('Band', titleOf(el), addr);\n"
"}\n"
"function find(text) {\n"
"  var s = text.trim().toLowerCase().replace(/^0x/, '');\n"
"  var a = /^[0-9a-f]{1,16}$/.test(s) ? big('0x' + s) : null;\n"
"  var reg = null, band = null, listed = false;\n"
"  info.textContent = '';\n"
"  if (a === null) { say('\"' + text + '\" is not a hexadecimal address.'); return; }\n"
"  svg.querySelectorAll('g.region').forEach(function (r) {\n"
"    if (big(r.dataset.start) <= a && a <= big(r.dataset.end)) reg = r;\n"
"  });\n"
"  if (reg === null) { say('0x' + s + ' is outside the picture.'); return; }\n"
"  reg.querySelectorAll('g.band').forEach(function (b) {\n"
"    if (listed || big(b.dataset.first) > a || a > big(b.dataset.last)) return;\n"
"    var t = titleOf(b);\n"
"    if (t.split('\\n').some(function (l) { return holds(l, a); })) {\n"
"      band = b;\n"
"      listed = true;\n"
"    } else if (UNLISTED.test(t)) {\n"
"      band = b;\n"
"    }\n"
"  });\n"
"  pinned = band || reg;\n"
"  show(pinned, a, '0x' + a.toString(16) + ': ' + (listed ?\n"
"    'mapped, in the band below' : band ? 'within the band below, whose ' +\n"
"    'title leaves out some of its ranges (--all lists them)' : 'not mapped'));\n"
"  pinned.scrollIntoView({block: 'center'});\n"
"}\n"
"\n"
"svg.addEventListener('mouseover', function (e) {\n"
"  var el = e.target.closest('g.band, g.region');\n"
"  if (!pinned && el) show(el, null, null);\n"
"});\n"
"svg.addEventListener('click', function (e) {\n"
"  var el = e.target.closest('g.band, g.region');\n"
"  pinned = el && el !== pinned ? el : null;\n"
"  show(el, null, null);\n"
"});\n"
"document.getElementById('find').addEventListener('submit', function (e) {\n"
"  e.preventDefault();\n"
"  find(input.value);\n"
"});\n"
"show(null, null, null);\n"
"/* map.html#0xffffffff81000000 opens at that address */\n"
"if (location.hash.length > 1) {\n"
"  input.value = decodeURIComponent(location.hash.slice(1));\n"
"  find(input.value);\n"
"}\n"
"document.body.setAttribute('data-ready', '1');\n"
"})();\n";

static vmmap_status pic_html(struct pic *p)
{
	vmmap_status st;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "\n<title>", p->out);
	xml_puts(p->out, vmmap_arch_name(p->ctx));
	fputs(" kernel virtual address space", p->out);
	if (p->o->dump) {
		const char *slash = strrchr(p->o->dump, '/');

		fputs(": ", p->out);
		xml_puts(p->out, slash && slash[1] ? slash + 1 : p->o->dump);
	}
	fprintf(p->out, " (vmmap)</title>\n<style>\n%s</style>\n</head>\n"
		"<body>\n<div id=\"pic\">\n", html_style);
	st = pic_svg(p, false);
	if (st)
		return st;
	fprintf(p->out, "</div>\n<aside id=\"panel\"><h2>Details</h2>\n"
		"<form id=\"find\"><label>Address <input id=\"addr\" "
		"placeholder=\"0xffffffff81000000\" autocomplete=\"off\">"
		"</label> <button>Find</button></form>\n<div id=\"info\"></div>"
		"\n</aside>\n<script>\n%s</script>\n</body></html>\n",
		html_script);
	return out_status(p->ctx, p->out);
}

vmmap_status fmt_picture(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
			 FILE *out)
{
	struct pic p;
	vmmap_addr_t first, last;
	vmmap_status st;
	unsigned flags = VMMAP_WALK_NOHOLES | (o->raw ? VMMAP_WALK_RAW : 0) |
			 (o->all ? VMMAP_WALK_ALL : 0);

	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	p.o = o;
	p.out = out;
	st = fmt_span(ctx, o, &first, &last);
	if (!st)
		st = pic_boxes(&p, first, last);
	if (!st)
		st = vmmap_walk(ctx, first, last, flags, pic_collect, &p);
	if (!st) {
		pic_page_sizes(&p);
		pic_assign(&p);
		pic_geometry(&p);
		st = o->format == VMMAP_FMT_HTML ? pic_html(&p)
						 : pic_svg(&p, true);
	}
	free(p.ranges);
	free(p.classes);
	free(p.boxes);
	return st;
}
