/*
 * synth - run the walker on page tables written as text.
 *
 * Input (one directive a line, '#' comments):
 *   arch NAME                 the architecture
 *   vmcoreinfo KEY=VALUE      a VMCOREINFO line
 *   reg NAME VALUE            a CPU register (cr3, ...)
 *   entry-size 4|8            bytes per entry (default 8)
 *   big-endian                entries are big-endian
 *   table PADDR [SIZE]        a physical table (default 4096 bytes, zeroed)
 *     INDEX VALUE             an entry of the current table
 *     INDEX-INDEX VALUE [+STEP]  a run of entries, VALUE growing by STEP
 *   hole PADDR SIZE           physical memory the source does not have
 *   walk [FIRST LAST]         print every range (merged), holes excluded
 *   walk-raw [FIRST LAST]     the same, unmerged
 *   vtop ADDR                 print the translation of ADDR
 *   param NAME                print a layout parameter
 *   symbol NAME ADDR          a kernel symbol's address
 * Output goes to stdout, one line per range, in a form meant to be written
 * by hand in the .expect file:
 *   START-LAST kind phys=P page=SIZE level=N [FLAGS] region
 */
#include "config.h"
#include "vmmap.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ptab {
	uint64_t addr;
	size_t size;
	unsigned char *data;
};

struct mem {
	struct ptab *t;
	size_t n;
	unsigned esize;
	bool be;
	uint64_t hole_start[16], hole_size[16];
	size_t nholes;
};

static vmmap_status mem_read(struct vmmap_ctx *ctx, void *data, uint64_t pa,
			     void *buf, size_t len)
{
	struct mem *m = data;
	size_t i;

	for (i = 0; i < m->nholes; i++)
		if (pa < m->hole_start[i] + m->hole_size[i] &&
		    pa + len > m->hole_start[i])
			return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
					       "0x%" PRIx64 " filtered", pa);
	for (i = 0; i < m->n; i++) {
		if (pa >= m->t[i].addr &&
		    pa + len <= m->t[i].addr + m->t[i].size) {
			memcpy(buf, m->t[i].data + (pa - m->t[i].addr), len);
			return VMMAP_OK;
		}
	}
	/* Memory we were not told about reads as zeros, as RAM would. */
	memset(buf, 0, len);
	return VMMAP_OK;
}

static const struct vmmap_mem_ops ops = { .read_phys = mem_read };

static void put(struct mem *m, struct ptab *t, size_t idx, uint64_t v)
{
	size_t off = idx * m->esize, i;

	if (off + m->esize > t->size) {
		fprintf(stderr, "synth: index %zu beyond the table\n", idx);
		exit(2);
	}
	for (i = 0; i < m->esize; i++) {
		size_t b = m->be ? m->esize - 1 - i : i;

		t->data[off + b] = (unsigned char)(v >> (8 * i));
	}
}

static const char *kind_name(enum vmmap_range_kind k)
{
	static const char *const n[] = { "hole", "mapped", "unreadable",
					 "invalid" };
	return n[k];
}

static vmmap_status print_range(void *arg, const struct vmmap_range *r)
{
	struct vmmap_ctx *ctx = arg;
	const char *names[32];
	size_t n, i;

	printf("0x%016" PRIx64 "-0x%016" PRIx64 " %s", r->start, r->last,
	       kind_name(r->kind));
	if (r->kind == VMMAP_RANGE_MAPPED)
		printf(" phys=0x%" PRIx64 " page=0x%" PRIx64, r->phys,
		       r->page_size);
	if (r->kind == VMMAP_RANGE_UNREADABLE)
		printf(" table=0x%" PRIx64, r->phys);
	if (r->kind == VMMAP_RANGE_INVALID)
		printf(" entry=0x%" PRIx64, r->entry);
	printf(" level=%d [", r->level);
	n = vmmap_flag_names(ctx, r, names, 32);
	for (i = 0; i < n; i++)
		printf("%s%s", i ? " " : "", names[i]);
	printf("]%s %s\n", r->alias ? " alias" : "",
	       r->region ? r->region->id : "-");
	return VMMAP_OK;
}

static bool loaded(struct vmmap_ctx *ctx, bool *done)
{
	size_t i;

	if (*done)
		return true;
	if (vmmap_load(ctx)) {
		printf("load error: %s\n", vmmap_errmsg(ctx));
		return false;
	}
	for (i = 0; i < vmmap_warning_count(ctx); i++)
		printf("warning: %s\n", vmmap_warning_get(ctx, i));
	*done = true;
	return true;
}

/* The edges of every range, and around them. */
struct edges {
	vmmap_addr_t *v;
	size_t n, cap;
};

static vmmap_status add_edges(void *arg, const struct vmmap_range *r)
{
	struct edges *e = arg;
	const vmmap_addr_t a[] = { r->start - 1, r->start, r->start + 1,
				   r->start + (r->last - r->start) / 2,
				   r->last - 1, r->last, r->last + 1 };
	size_t i;

	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		if (e->n == e->cap) {
			size_t cap = e->cap ? 2 * e->cap : 1024;
			vmmap_addr_t *nv = realloc(e->v, cap * sizeof(*nv));

			if (!nv)
				return VMMAP_ERR_NOMEM;
			e->v = nv;
			e->cap = cap;
		}
		e->v[e->n++] = a[i];
	}
	return VMMAP_OK;
}

/*
 * vmmap_vtop_many() answers as vmmap_vtop() does at the edges of every
 * range of the tables (holes, unreadable tables, invalid entries, blocks
 * of every level), in a batch large enough to be indexed.  Silent when
 * they agree: the .expect files need no line for it.  Returns the number
 * of addresses that differ.
 */
static size_t check_batch(struct vmmap_ctx *ctx)
{
	struct edges e = { 0 };
	struct vmmap_xlat *x = NULL;
	size_t n, i, bad = 0;

	if (vmmap_walk(ctx, 0, VMMAP_ADDR_MAX, 0, add_edges, &e) || !e.n) {
		free(e.v);
		vmmap_clear_error(ctx);
		return 0;	/* the walk's own output says why */
	}
	n = e.n < 20000 ? 20000 : e.n;	/* above the batch's threshold */
	x = calloc(n, sizeof(*x));
	if (x && n > e.n) {
		vmmap_addr_t *nv = realloc(e.v, n * sizeof(*nv));

		if (nv)
			for (e.v = nv, i = e.n; i < n; i++)
				e.v[i] = e.v[i % e.n];
		else
			n = 0;
	}
	if (!x || !n || vmmap_vtop_many(ctx, e.v, n, x)) {
		printf("vtop_many: %s\n", x && n ? vmmap_errmsg(ctx)
						  : "out of memory");
		free(x);
		free(e.v);
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct vmmap_vtop t;
		vmmap_status st = vmmap_vtop(ctx, e.v[i], &t);

		if (st != x[i].status ||
		    (!st && (t.paddr != x[i].paddr ||
			     t.page_size != x[i].page_size ||
			     t.prot != x[i].prot || t.eff != x[i].eff))) {
			if (bad++ < 5)
				printf("vtop_many 0x%" PRIx64 ": %s 0x%"
				       PRIx64 ", vtop: %s 0x%" PRIx64 "\n",
				       e.v[i], vmmap_strstatus(x[i].status),
				       x[i].paddr, vmmap_strstatus(st),
				       t.paddr);
		}
	}
	vmmap_clear_error(ctx);
	free(x);
	free(e.v);
	return bad;
}

int main(int argc, char **argv)
{
	struct vmmap_ctx *ctx = vmmap_new();
	struct mem m = { .esize = 8 };
	struct ptab *cur = NULL;
	char line[1024];
	FILE *f;
	bool done = false;
	size_t bad;
	int lineno = 0;

	if (argc != 2 || !(f = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: synth FILE\n");
		return 2;
	}
	vmmap_set_mem(ctx, &ops, &m);
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, '#'), w[64], a[256], b[64], c[64];
		uint64_t x, y, step;
		int n;

		lineno++;
		if (p)
			*p = 0;
		n = sscanf(line, "%63s %255s %63s %63s", w, a, b, c);
		if (n <= 0)
			continue;
		if (!strcmp(w, "arch")) {
			vmmap_set_arch(ctx, a);
		} else if (!strcmp(w, "vmcoreinfo")) {
			vmmap_set_vmcoreinfo(ctx, a, strlen(a));
		} else if (!strcmp(w, "reg")) {
			vmmap_set_reg(ctx, a, strtoull(b, NULL, 0));
		} else if (!strcmp(w, "symbol")) {
			vmmap_set_symbol(ctx, a, strtoull(b, NULL, 0));
		} else if (!strcmp(w, "entry-size")) {
			m.esize = atoi(a);
		} else if (!strcmp(w, "big-endian")) {
			m.be = true;
		} else if (!strcmp(w, "hole")) {
			m.hole_start[m.nholes] = strtoull(a, NULL, 0);
			m.hole_size[m.nholes++] = strtoull(b, NULL, 0);
		} else if (!strcmp(w, "table")) {
			m.t = realloc(m.t, (m.n + 1) * sizeof(*m.t));
			cur = &m.t[m.n++];
			cur->addr = strtoull(a, NULL, 0);
			cur->size = n >= 3 ? strtoull(b, NULL, 0) : 4096;
			cur->data = calloc(1, cur->size);
		} else if (w[0] >= '0' && w[0] <= '9') {
			char *dash = strchr(w, '-');

			if (!cur) {
				fprintf(stderr, "synth:%d: entry outside a "
					"table\n", lineno);
				return 2;
			}
			x = strtoull(w, NULL, 0);
			y = dash ? strtoull(dash + 1, NULL, 0) : x;
			step = n >= 3 && b[0] == '+' ? strtoull(b + 1, NULL, 0)
						       : 0;
			for (uint64_t i = x; i <= y; i++)
				put(&m, cur, i, strtoull(a, NULL, 0) +
				    (i - x) * step);
		} else if (!strcmp(w, "walk-aliases")) {
			/* the walk --format=ptdump does */
			if (!loaded(ctx, &done))
				continue;
			printf("%s:\n", w);
			if (vmmap_walk(ctx, 0, VMMAP_ADDR_MAX, VMMAP_WALK_RAW |
				       VMMAP_WALK_ALIASES | VMMAP_WALK_NOSPLIT,
				       print_range, ctx))
				printf("walk error: %s\n", vmmap_errmsg(ctx));
		} else if (!strcmp(w, "walk") || !strcmp(w, "walk-raw")) {
			uint64_t first = n >= 3 ? strtoull(a, NULL, 0) : 0;
			uint64_t last = n >= 3 ? strtoull(b, NULL, 0)
					       : VMMAP_ADDR_MAX;

			if (!loaded(ctx, &done))
				continue;
			printf("%s:\n", w);
			if (vmmap_walk(ctx, first, last, VMMAP_WALK_NOHOLES |
				       (w[4] ? VMMAP_WALK_RAW : 0),
				       print_range, ctx))
				printf("walk error: %s\n", vmmap_errmsg(ctx));
		} else if (!strcmp(w, "vtop")) {
			struct vmmap_vtop t;
			vmmap_status st;

			if (!loaded(ctx, &done))
				continue;
			st = vmmap_vtop(ctx, strtoull(a, NULL, 0), &t);
			if (st) {
				printf("vtop %s: %s\n", a, vmmap_errmsg(ctx));
				vmmap_clear_error(ctx);
			} else {
				printf("vtop %s: 0x%" PRIx64 " page=0x%" PRIx64
				       " levels=%d\n", a, t.paddr, t.page_size,
				       t.nlevels);
			}
		} else if (!strcmp(w, "run")) {
			/* run OPTIONS...: what vmmap-dump prints with them */
			char *args[32], *tok, *save = NULL, *rest;
			struct vmmap_opts o;
			int na = 0;

			if (!loaded(ctx, &done))
				continue;
			rest = strstr(line, "run") + 3;
			args[na++] = "vmmap";
			for (tok = strtok_r(rest, " \t\n", &save); tok && na < 31;
			     tok = strtok_r(NULL, " \t\n", &save))
				args[na++] = tok;
			args[na] = NULL;
			printf("run%s:\n", na > 1 ? "" : " (no options)");
			fflush(stdout);
			if (vmmap_parse_opts(ctx, na, args, &o) ||
			    vmmap_run(ctx, &o, stdout)) {
				fflush(stdout);
				printf("run error: %s\n", vmmap_errmsg(ctx));
				vmmap_clear_error(ctx);
			}
			fflush(stdout);
		} else if (!strcmp(w, "param")) {
			if (!loaded(ctx, &done))
				continue;
			if (vmmap_param_lookup(ctx, a, &x))
				printf("param %s: none\n", a);
			else
				printf("param %s: 0x%" PRIx64 "\n", a, x);
		} else {
			fprintf(stderr, "synth:%d: unknown directive '%s'\n",
				lineno, w);
			return 2;
		}
	}
	fclose(f);
	bad = done ? check_batch(ctx) : 0;
	vmmap_free(ctx);
	for (size_t i = 0; i < m.n; i++)
		free(m.t[i].data);
	free(m.t);
	return bad ? 1 : 0;
}
