/*
 * analysis.c - questions about the map as a whole: the checks (--check)
 * and every virtual address of a physical page (--ptov).
 *
 * Both take the merged map once (one walk, holes left out) and work on
 * that: a batch of physical addresses costs one walk, not one each.
 */
#include "config.h"
#include "output/output.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define PUBLIC __attribute__((visibility("default")))

#define JSON_SCHEMA 1
/* Findings printed one by one; beyond, counted. */
#define MAX_FINDINGS 10000

struct maplist {
	struct vmmap_range *v;
	size_t n, cap;
	struct rep rep;
	const struct vmmap_region *region;	/* of the replica resolved */
};

static vmmap_status append(struct maplist *l, const struct vmmap_range *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 4096;
		struct vmmap_range *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv)
			return VMMAP_ERR_NOMEM;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = *r;
	return VMMAP_OK;
}

/* A mapped range of a replica's source, as the replica shows it. */
static vmmap_status collect_copy(void *arg, const struct vmmap_range *r,
				 vmmap_addr_t a, vmmap_addr_t b,
				 vmmap_addr_t at)
{
	struct maplist *l = arg;
	struct vmmap_range c = *r;

	if (r->kind != VMMAP_RANGE_MAPPED)
		return VMMAP_OK;
	c.start = at;
	c.last = at + (b - a);
	if (!r->alias)
		c.phys = r->phys + (a - r->start);
	c.region = l->region;
	return append(l, &c);
}

static vmmap_status collect(void *arg, const struct vmmap_range *r)
{
	struct maplist *l = arg;
	vmmap_status st = VMMAP_OK;

	if (r->kind == VMMAP_RANGE_MAPPED) {
		st = append(l, r);
	} else if (r->kind == VMMAP_RANGE_REPLICA) {
		/* the copies the walk summarised: what their first copy
		 * maps, at their addresses (bounded: hostile tables only) */
		l->region = r->region;
		st = rep_resolve(&l->rep, r, collect_copy, l);
	}
	return st ? st : rep_add(&l->rep, r);
}

/* The mapped ranges of the whole map, merged, split at regions; the
 * copies of shared tables resolved. */
static vmmap_status mapped_ranges(struct vmmap_ctx *ctx, struct maplist *l)
{
	vmmap_status st;

	memset(l, 0, sizeof(*l));
	rep_init(&l->rep, ctx);
	st = vmmap_walk(ctx, 0, VMMAP_ADDR_MAX, VMMAP_WALK_NOHOLES, collect,
			l);
	rep_free(&l->rep);
	if (st == VMMAP_ERR_NOMEM)
		return vmmap_set_error(ctx, st, "out of memory");
	return st;
}

/* The bytes of physical memory a mapped range covers: [first, last]. */
static void phys_span(const struct vmmap_range *r, uint64_t *first,
		      uint64_t *last)
{
	*first = r->phys;
	*last = r->alias ? r->phys + (r->page_size - 1)
			 : r->phys + (r->last - r->start);
}

static void flags_text(const struct vmmap_ctx *ctx,
		       const struct vmmap_range *r, char *buf, size_t size,
		       bool json)
{
	const char *names[32];
	size_t n = vmmap_flag_names(ctx, r, names, 32), i, off = 0;

	buf[0] = 0;
	for (i = 0; i < n && off < size; i++) {
		if (!json && !strcmp(names[i], "present"))
			continue;
		off += (size_t)snprintf(buf + off, size - off,
					json ? "%s\"%s\"" : "%s%s",
					off ? (json ? ", " : " ") : "",
					names[i]);
	}
}

/* ---- --check ------------------------------------------------------------ */

static const char *const check_names[] = { "wx", "wx-alias", "user",
					   "novma", "vma-perm" };
#define NCHECKS 5

vmmap_status parse_checks(struct vmmap_ctx *ctx, const char *list,
			  unsigned *checks_ret)
{
	char buf[128], *tok, *save = NULL;

	if (!list || !*list) {
		/* all of them: a user space's too (fmt_check() runs those
		 * of the space it is in) */
		*checks_ret = VMMAP_CHECK_ALL | VMMAP_CHECK_USER_ALL;
		return VMMAP_OK;
	}
	if (strlen(list) >= sizeof(buf))
		return vmmap_set_error(ctx, VMMAP_ERR_ARG, "bad check list");
	strcpy(buf, list);
	*checks_ret = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned i;

		for (i = 0; i < NCHECKS && strcmp(tok, check_names[i]); i++)
			;
		if (i == NCHECKS)
			return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				"unknown check '%s' (wx, wx-alias, user; with "
				"--pid/--mm also novma, vma-perm)", tok);
		*checks_ret |= 1u << i;
	}
	return VMMAP_OK;
}

struct findings {
	struct vmmap_ctx *ctx;
	FILE *out;
	bool json;
	uint64_t n, exempt;
};

static const char *exempt_why(const struct vmmap_ctx *ctx, unsigned check,
			      const struct vmmap_range *r)
{
	const struct check_exempt *e;

	for (e = ctx->arch->exempt; e && e->check; e++)
		if (e->check == check && r->region &&
		    !strcmp(e->region, r->region->id))
			return e->why;
	return NULL;
}

static const char *check_name(unsigned check)
{
	return check == VMMAP_CHECK_WX ? "wx"
	       : check == VMMAP_CHECK_WX_ALIAS ? "wx-alias"
	       : check == VMMAP_CHECK_NOVMA ? "novma"
	       : check == VMMAP_CHECK_VMAPERM ? "vma-perm" : "user";
}

static void finding_why(struct findings *f, unsigned check,
			const struct vmmap_range *r,
			const struct vmmap_range *other, uint64_t pfirst,
			uint64_t plast, const char *what, const char *why);

/* One finding: @r, and for wx-alias the writable @other and the physical
 * bytes [pfirst, plast] they share. */
static void finding(struct findings *f, unsigned check,
		    const struct vmmap_range *r, const struct vmmap_range *other,
		    uint64_t pfirst, uint64_t plast, const char *what)
{
	finding_why(f, check, r, other, pfirst, plast, what,
		    exempt_why(f->ctx, check, r));
}

/* The same, @why (NULL: none) the reason the kernel expects it. */
static void finding_why(struct findings *f, unsigned check,
			const struct vmmap_range *r,
			const struct vmmap_range *other, uint64_t pfirst,
			uint64_t plast, const char *what, const char *why)
{
	char flags[256], size[16];
	uint64_t n = f->n + f->exempt;

	if (why)
		f->exempt++;
	else
		f->n++;
	if (n >= MAX_FINDINGS)
		return;
	if (f->json) {
		flags_text(f->ctx, r, flags, sizeof(flags), true);
		fprintf(f->out, "%s\n    {\"check\": \"%s\", \"start\": \"0x%"
			PRIx64 "\", \"end\": \"0x%" PRIx64 "\", \"phys\": \"0x%"
			PRIx64 "\", \"page_size\": %" PRIu64 ", \"flags\": [%s], "
			"\"region\": ", n ? "," : "", check_name(check),
			r->start, r->last, r->phys, r->page_size, flags);
		json_str(f->out, r->region ? r->region->id : "");
		if (other) {
			flags_text(f->ctx, other, flags, sizeof(flags), true);
			fprintf(f->out, ", \"writable_at\": {\"start\": \"0x%"
				PRIx64 "\", \"end\": \"0x%" PRIx64 "\", "
				"\"flags\": [%s], \"region\": ", other->start,
				other->last, flags);
			json_str(f->out, other->region ? other->region->id
						       : "");
			fprintf(f->out, "}, \"shared_phys\": [\"0x%" PRIx64
				"\", \"0x%" PRIx64 "\"]", pfirst, plast);
		}
		fprintf(f->out, ", \"what\": ");
		json_str(f->out, what);
		if (why) {
			fprintf(f->out, ", \"expected\": ");
			json_str(f->out, why);
		}
		fputc('}', f->out);
		return;
	}
	flags_text(f->ctx, r, flags, sizeof(flags), false);
	fmt_size(r->last - r->start + 1, size, sizeof(size));
	fprintf(f->out, "%-8s 0x%016" PRIx64 "-0x%016" PRIx64 " %7s phys 0x%"
		PRIx64 " %s [%s] %s%s%s%s\n", check_name(check), r->start,
		r->last, size, r->phys, r->region ? r->region->id : "-", flags,
		what, why ? " (expected: " : "", why ? why : "",
		why ? ")" : "");
	if (other) {
		flags_text(f->ctx, other, flags, sizeof(flags), false);
		fprintf(f->out, "         writable at 0x%016" PRIx64 "-0x%016"
			PRIx64 " %s [%s], physical 0x%" PRIx64 "-0x%" PRIx64
			" shared\n", other->start, other->last,
			other->region ? other->region->id : "-", flags, pfirst,
			plast);
	}
}

static void check_wx_user(struct findings *f, const struct maplist *l,
			  unsigned checks)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct vmmap_range *r = &l->v[i];
		struct vmmap_perms p;
		bool user_half = r->region && !strcmp(r->region->id, "user");

		vmmap_range_perms(f->ctx, r, &p);
		if ((checks & VMMAP_CHECK_WX) && p.kernel_write &&
		    p.kernel_exec)
			finding(f, VMMAP_CHECK_WX, r, NULL, 0, 0,
				"writable and executable");
		else if ((checks & VMMAP_CHECK_WX) &&
			 f->ctx->arch->wx_user_exec && !user_half &&
			 p.user_exec)
			finding(f, VMMAP_CHECK_WX, r, NULL, 0, 0,
				"executable from user mode (no UXN)");
		if ((checks & VMMAP_CHECK_USER) && !user_half &&
		    (p.user_read || p.user_write || p.user_exec)) {
			char what[64];

			snprintf(what, sizeof(what), "kernel memory user mode "
				 "may %s%s%s",
				 p.user_read ? "read" : "",
				 p.user_write ? (p.user_read ? "/write" : "write")
					      : "",
				 p.user_exec ? (p.user_read || p.user_write
						? "/execute" : "execute") : "");
			finding(f, VMMAP_CHECK_USER, r, NULL, 0, 0, what);
		}
	}
}

struct span {
	uint64_t first, last;
	size_t idx;	/* into the map list */
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* Comparisons the alias check may make before it says it stopped. */
#define ALIAS_BUDGET (UINT64_C(1) << 26)

/* Pages writable at one address and executable at another: each
 * executable range against the writable ones, sorted by physical start,
 * with the highest end so far, so that the search stops where nothing
 * before can reach it. */
static vmmap_status check_wx_alias(struct findings *f,
				   const struct maplist *l)
{
	struct span *w = calloc(l->n + 1, sizeof(*w));
	struct span *x = calloc(l->n + 1, sizeof(*x));
	uint64_t *maxlast = calloc(l->n + 1, sizeof(*maxlast));
	uint64_t budget = ALIAS_BUDGET;
	size_t nw = 0, nx = 0, i;
	vmmap_status st = VMMAP_OK;

	if (!w || !x || !maxlast) {
		st = vmmap_set_error(f->ctx, VMMAP_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < l->n; i++) {
		struct vmmap_perms p;
		struct span s;

		vmmap_range_perms(f->ctx, &l->v[i], &p);
		phys_span(&l->v[i], &s.first, &s.last);
		s.idx = i;
		if (p.kernel_write)
			w[nw++] = s;
		if (p.kernel_exec)
			x[nx++] = s;
	}
	qsort(w, nw, sizeof(*w), span_cmp);
	for (i = 0; i < nw; i++)
		maxlast[i] = i && maxlast[i - 1] > w[i].last ? maxlast[i - 1]
							     : w[i].last;
	for (i = 0; i < nx && budget; i++) {
		size_t lo = 0, hi = nw, j;

		/* hi: the first writable span starting after x[i] */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (w[mid].first <= x[i].last)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (j = hi; j-- > 0 && maxlast[j] >= x[i].first && budget;) {
			uint64_t a, b;

			budget--;
			if (w[j].last < x[i].first || w[j].idx == x[i].idx)
				continue;
			a = w[j].first > x[i].first ? w[j].first : x[i].first;
			b = w[j].last < x[i].last ? w[j].last : x[i].last;
			finding(f, VMMAP_CHECK_WX_ALIAS, &l->v[x[i].idx],
				&l->v[w[j].idx], a, b,
				"executable here, writable at another address");
		}
	}
	if (!budget)
		add_warning(f->ctx, "wx-alias: stopped after %" PRIu64
			    " comparisons: the findings are incomplete",
			    ALIAS_BUDGET);
out:
	free(w);
	free(x);
	free(maxlast);
	return st;
}

/* The closing lines: the count, and what the kernel expects. */
static void check_summary(const struct findings *f, FILE *out)
{
	if (f->json) {
		fprintf(out, "%s],\n  \"found\": %" PRIu64 ", \"expected\": %"
			PRIu64 "\n}\n", f->n + f->exempt ? "\n  " : "", f->n,
			f->exempt);
		return;
	}
	if (f->n + f->exempt > MAX_FINDINGS)
		fprintf(out, "... %" PRIu64 " more findings not shown\n",
			f->n + f->exempt - MAX_FINDINGS);
	fprintf(out, "%" PRIu64 " finding%s%s", f->n, f->n == 1 ? "" : "s",
		f->exempt ? "" : "\n");
	if (f->exempt)
		fprintf(out, ", %" PRIu64 " the kernel expects\n", f->exempt);
}

/* ---- the checks of a user address space ------------------------------ */

/* The VMA holding @a, NULL if none. */
static const struct vmmap_vma *vma_at(const struct vmmap_vma *v, size_t n,
				      vmmap_addr_t a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].last < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].start <= a ? &v[lo] : NULL;
}

/* A special mapping of the kernel's own pages for user mode: "[vdso]",
 * "[vvar]", arm's "[sigpage]"... (fs/proc/task_mmu.c prints the
 * vm_special_mapping's name); not [heap], [stack] or [anon:]. */
static bool special_mapping(const struct vmmap_vma *v)
{
	return v && v->name[0] == '[' && strcmp(v->name, "[heap]") &&
	       strcmp(v->name, "[stack]") && strncmp(v->name, "[anon:", 6);
}

static void check_user_space(struct findings *f, const struct maplist *l,
			     const struct vmmap_vma *v, size_t nv,
			     unsigned checks)
{
	struct vmmap_ctx *ctx = f->ctx;
	vmmap_addr_t last = space_user_last(ctx);
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct vmmap_range *r = &l->v[i];
		const struct vmmap_vma *vma = vma_at(v, nv, r->start);
		bool user_part = r->start <= last;
		struct vmmap_perms p;
		uint64_t pf, pl;

		vmmap_range_perms(ctx, r, &p);
		phys_span(r, &pf, &pl);
		if ((checks & VMMAP_CHECK_NOVMA) && user_part && !vma)
			finding(f, VMMAP_CHECK_NOVMA, r, NULL, 0, 0,
				"present, in no VMA");
		if ((checks & VMMAP_CHECK_WX) && p.user_write && p.user_exec)
			finding(f, VMMAP_CHECK_WX, r, NULL, 0, 0,
				"user mode may write and execute");
		if ((checks & VMMAP_CHECK_VMAPERM) && vma) {
			if (p.user_write && !(vma->flags & 0x2))
				finding(f, VMMAP_CHECK_VMAPERM, r, NULL, 0, 0,
					"writable, its VMA is not (no VM_WRITE)");
			if (p.user_exec && !(vma->flags & 0x4))
				finding(f, VMMAP_CHECK_VMAPERM, r, NULL, 0, 0,
					"executable, its VMA is not (no "
					"VM_EXEC)");
		}
		if (!(checks & VMMAP_CHECK_USER) ||
		    !(p.user_read || p.user_write || p.user_exec))
			continue;
		if (!user_part)
			finding(f, VMMAP_CHECK_USER, r, NULL, 0, 0,
				"kernel address user mode may reach");
		else if (kmm_kernel_image_phys(ctx, pf, pl))
			finding_why(f, VMMAP_CHECK_USER, r, NULL, 0, 0,
				"user mapping of the kernel image's memory",
				kmm_zero_page(ctx, pf, pl)
				? "the shared zero page, read-only"
				: special_mapping(vma)
				? "the kernel's special mapping for user mode"
				: NULL);
	}
}

/* The names of the first @n checks that @checks selects: a JSON list's
 * items, or words after a space each. */
static void check_list(FILE *out, bool json, unsigned checks, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (checks & (1u << i))
			fprintf(out, json ? "%s\"%s\"" : "%s%s",
				json ? (checks & ((1u << i) - 1) ? ", " : "")
				     : " ",
				check_names[i]);
}

static vmmap_status fmt_check_user(struct vmmap_ctx *ctx,
				   const struct vmmap_opts *o, FILE *out)
{
	struct findings f = { ctx, out, o->format == VMMAP_FMT_JSON, 0, 0 };
	const unsigned mine = VMMAP_CHECK_USER_ALL;
	const struct vmmap_vma *v;
	struct maplist l;
	vmmap_status st;
	size_t nv;
	unsigned checks = o->checks & mine;

	/* asked for by name, not as one of all */
	if ((o->checks & VMMAP_CHECK_WX_ALIAS) &&
	    o->checks != (VMMAP_CHECK_ALL | VMMAP_CHECK_USER_ALL))
		return vmmap_set_error(ctx, VMMAP_ERR_ARG, "wx-alias is a "
				       "check of the kernel's address space");
	ctx->findings = 0;
	st = kmm_vmas(ctx, vmmap_selected_mm(ctx), &v, &nv);
	if (!st)
		st = mapped_ranges(ctx, &l);
	if (st) {
		free(l.v);
		return st;
	}
	if (f.json) {
		fprintf(out, "{\"schema\": %d, \"arch\": \"%s\", \"mm\": "
			"\"0x%" PRIx64 "\", \"checks\": [", JSON_SCHEMA,
			ctx->arch->name, vmmap_selected_mm(ctx));
		check_list(out, true, checks, NCHECKS);
		fprintf(out, "],\n  \"findings\": [");
	} else {
		fprintf(out, "checks:");
		check_list(out, false, checks, NCHECKS);
		fprintf(out, " (mm 0x%" PRIx64 ": %zu VMAs, %zu mapped "
			"ranges)\n", vmmap_selected_mm(ctx), nv, l.n);
	}
	check_user_space(&f, &l, v, nv, checks);
	free(l.v);
	check_summary(&f, out);
	ctx->findings = f.n;
	return VMMAP_OK;
}

vmmap_status fmt_check(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		       FILE *out)
{
	struct findings f = { ctx, out, o->format == VMMAP_FMT_JSON, 0, 0 };
	struct maplist l;
	vmmap_status st;
	unsigned checks = o->checks & VMMAP_CHECK_ALL;

	if (vmmap_selected_mm(ctx))
		return fmt_check_user(ctx, o, out);
	if (!checks)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG, "novma and vma-perm "
				       "check a user address space (--pid, "
				       "--mm)");
	ctx->findings = 0;
	st = mapped_ranges(ctx, &l);
	if (st) {
		free(l.v);
		return st;
	}
	if (f.json) {
		fprintf(out, "{\"schema\": %d, \"arch\": \"%s\", \"checks\": [",
			JSON_SCHEMA, ctx->arch->name);
		check_list(out, true, checks, 3);
		fprintf(out, "],\n  \"findings\": [");
	} else {
		fprintf(out, "checks:");
		check_list(out, false, checks, 3);
		fprintf(out, " (%zu mapped ranges)\n", l.n);
	}
	check_wx_user(&f, &l, checks);
	if (checks & VMMAP_CHECK_WX_ALIAS)
		st = check_wx_alias(&f, &l);
	free(l.v);
	if (st)
		return st;
	check_summary(&f, out);
	ctx->findings = f.n;
	return VMMAP_OK;
}

PUBLIC uint64_t vmmap_findings(const struct vmmap_ctx *ctx)
{
	return ctx->findings;
}

/* ---- --ptov --------------------------------------------------------- */

struct pquery {
	uint64_t first, last;
};

static bool parse_u64(const char *s, uint64_t *ret)
{
	char *end;

	if (*s == '-' || *s == '+')
		return false;
	errno = 0;
	*ret = strtoull(s, &end, 0);
	return !errno && end != s && !*end;
}

static vmmap_status parse_ptov(struct vmmap_ctx *ctx, const char *list,
			       struct pquery **q_ret, size_t *n_ret)
{
	char *buf = strdup(list ? list : ""), *tok, *save = NULL;
	struct pquery *q = NULL;
	size_t n = 0;

	if (!buf)
		return set_nomem(ctx);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *sep = strpbrk(tok + 1, "-+");
		struct pquery one, *nq;
		char c = sep ? *sep : 0;

		if (sep)
			*sep = 0;
		if (!parse_u64(tok, &one.first) ||
		    (sep && !parse_u64(sep + 1, &one.last)))
			goto bad;
		if (!sep)
			one.last = one.first;
		else if (c == '+') {
			if (!one.last || one.first + (one.last - 1) < one.first)
				goto bad;
			one.last = one.first + (one.last - 1);
		}
		if (one.last < one.first)
			goto bad;
		nq = realloc(q, (n + 1) * sizeof(*q));
		if (!nq) {
			free(q);
			free(buf);
			return set_nomem(ctx);
		}
		q = nq;
		q[n++] = one;
	}
	free(buf);
	if (!n)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG, "--ptov needs a "
				       "physical address");
	*q_ret = q;
	*n_ret = n;
	return VMMAP_OK;
bad:
	free(q);
	free(buf);
	return vmmap_set_error(ctx, VMMAP_ERR_ARG, "bad physical address or "
			       "range in '%s' (want ADDR, A-B or A+SIZE, "
			       "comma-separated)", list);
}

vmmap_status check_ptov(struct vmmap_ctx *ctx, const char *list)
{
	struct pquery *q;
	size_t n;
	vmmap_status st = parse_ptov(ctx, list, &q, &n);

	if (!st)
		free(q);
	return st;
}

/* The reverse index: mapped ranges by physical start, with the highest
 * physical end up to each, so that a query looks at what can reach it. */
struct rindex {
	struct span *s;
	uint64_t *maxlast;
	size_t n;
};

static vmmap_status rindex_build(struct vmmap_ctx *ctx,
				 const struct maplist *l, struct rindex *ix)
{
	size_t i;

	ix->n = l->n;
	ix->s = calloc(l->n + 1, sizeof(*ix->s));
	ix->maxlast = calloc(l->n + 1, sizeof(*ix->maxlast));
	if (!ix->s || !ix->maxlast) {
		free(ix->s);
		free(ix->maxlast);
		return set_nomem(ctx);
	}
	for (i = 0; i < l->n; i++) {
		phys_span(&l->v[i], &ix->s[i].first, &ix->s[i].last);
		ix->s[i].idx = i;
	}
	qsort(ix->s, ix->n, sizeof(*ix->s), span_cmp);
	for (i = 0; i < ix->n; i++)
		ix->maxlast[i] = i && ix->maxlast[i - 1] > ix->s[i].last
				 ? ix->maxlast[i - 1] : ix->s[i].last;
	return VMMAP_OK;
}

static int idx_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* The map indexes of the ranges mapping any byte of [first, last], in
 * virtual address order. */
static vmmap_status rindex_find(struct vmmap_ctx *ctx, const struct rindex *ix,
				uint64_t first, uint64_t last, size_t **ret,
				size_t *n_ret)
{
	size_t lo = 0, hi = ix->n, j, n = 0, cap = 0;
	size_t *v = NULL;

	*ret = NULL;
	*n_ret = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->s[mid].first <= last)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (j = hi; j-- > 0 && ix->maxlast[j] >= first;) {
		if (ix->s[j].last < first)
			continue;
		if (n == cap) {
			size_t *nv;

			cap = cap ? 2 * cap : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return set_nomem(ctx);
			}
			v = nv;
		}
		v[n++] = ix->s[j].idx;
	}
	if (n)
		qsort(v, n, sizeof(*v), idx_cmp);
	*ret = v;
	*n_ret = n;
	return VMMAP_OK;
}

static void ptov_one(struct vmmap_ctx *ctx, const struct vmmap_range *r,
		     const struct pquery *q, FILE *out, bool json, bool first)
{
	uint64_t pf, pl, a, b, va, vb;
	char flags[256], size[16], psize[16];

	phys_span(r, &pf, &pl);
	a = pf > q->first ? pf : q->first;
	b = pl < q->last ? pl : q->last;
	if (r->alias) {	/* every page maps the same: the whole range */
		va = r->start;
		vb = r->last;
	} else {
		va = r->start + (a - r->phys);
		vb = r->start + (b - r->phys);
	}
	flags_text(ctx, r, flags, sizeof(flags), json);
	if (json) {
		fprintf(out, "%s\n    {\"vaddr\": \"0x%" PRIx64 "\", "
			"\"vaddr_end\": \"0x%" PRIx64 "\", \"paddr\": \"0x%"
			PRIx64 "\", \"paddr_end\": \"0x%" PRIx64 "\", "
			"\"page_size\": %" PRIu64 ", \"every_page\": %s, "
			"\"flags\": [%s], \"region\": ", first ? "" : ",", va,
			vb, a, b, r->page_size, r->alias ? "true" : "false",
			flags);
		json_str(out, r->region ? r->region->id : "");
		fputc('}', out);
		return;
	}
	fmt_size(vb - va + 1, size, sizeof(size));
	fmt_size(r->page_size, psize, sizeof(psize));
	fprintf(out, "0x%016" PRIx64 "-0x%016" PRIx64 " 0x%016" PRIx64
		"-0x%016" PRIx64 " %7s %5s %-14s %s%s\n", a, b, va, vb, size,
		psize, r->region ? r->region->id : "-", flags,
		r->alias ? " (every page maps it)" : "");
}

vmmap_status fmt_ptov(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		      FILE *out)
{
	bool json = o->format == VMMAP_FMT_JSON;
	struct pquery *q;
	struct maplist l;
	struct rindex ix = { NULL, NULL, 0 };
	size_t nq, k;
	vmmap_status st;

	st = parse_ptov(ctx, o->ptov, &q, &nq);
	if (st)
		return st;
	st = mapped_ranges(ctx, &l);
	if (!st)
		st = rindex_build(ctx, &l, &ix);
	if (st)
		goto out;
	if (json)
		fprintf(out, "{\"schema\": %d, \"arch\": \"%s\"%s", JSON_SCHEMA,
			ctx->arch->name, nq > 1 ? ", \"queries\": [" : "");
	else
		fprintf(out, "%-37s %-37s %7s %5s %-14s %s\n", "PHYSICAL",
			"VIRTUAL", "SIZE", "PAGE", "REGION", "FLAGS");
	for (k = 0; k < nq; k++) {
		size_t *hit, nhit, i;

		st = rindex_find(ctx, &ix, q[k].first, q[k].last, &hit, &nhit);
		if (st)
			goto out;
		if (json)
			fprintf(out, "%s\"paddr\": \"0x%" PRIx64 "\", "
				"\"paddr_end\": \"0x%" PRIx64 "\", "
				"\"aliases\": [", nq > 1 ? (k ? ",\n  {" :
				"\n  {") : ",\n  ", q[k].first, q[k].last);
		for (i = 0; i < nhit; i++)
			ptov_one(ctx, &l.v[hit[i]], &q[k], out, json, !i);
		if (json)
			fprintf(out, "%s]%s", nhit ? "\n  " : "",
				nq > 1 ? "}" : "");
		else if (!nhit)
			fprintf(out, "0x%016" PRIx64 "-0x%016" PRIx64
				" (not mapped anywhere in the kernel's "
				"address space)\n", q[k].first, q[k].last);
		free(hit);
	}
	if (json)
		fprintf(out, "%s\n}\n", nq > 1 ? "]" : "");
out:
	free(ix.s);
	free(ix.maxlast);
	free(l.v);
	free(q);
	return st;
}
