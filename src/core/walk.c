/*
 * walk.c - the one page-table walker, the merger and vtop.
 *
 * The walker visits every entry of every reachable table, in address order,
 * and turns each into a run: a leaf, a hole, an unreadable table or an
 * invalid entry.  Runs flow up through one small buffer per level, merging
 * on the way, to the output, which splits them at region boundaries and
 * clips them to what the caller asked for.
 *
 * Shared subtrees are memoised: when a table has been walked once and its
 * whole content came to a few runs, the next entry pointing to the same
 * table (same level, same inherited permissions) replays those runs instead
 * of walking again.  That is what keeps KASAN's early shadow (every entry of
 * a 16 TiB range pointing to one page through the same tables) and hostile
 * self-referencing tables linear in the number of distinct tables.
 *
 * The output is kept bounded too: entries that point to a table this walk
 * has already walked from another entry are walked again (and printed)
 * until the copies of that table have come to REPLICA_BUDGET ranges; the
 * copies after that are reported as one REPLICA range each (merged when
 * they follow each other) naming the first copy, unless VMMAP_WALK_ALL.
 * A hostile root whose 512 entries all point to the kernel's subtree
 * prints its map a few times, not 512 times; what real kernels share
 * (ESPfix: 131,000 ranges in all; KASAN's early shadow: a few merged) is
 * printed in full.
 */
#include "config.h"
#include "core/core.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PUBLIC __attribute__((visibility("default")))

/* A run: the unit that flows from the walker to the output. */
struct run {
	vmmap_addr_t start, last;
	enum vmmap_range_kind kind;
	vmmap_addr_t phys;
	uint64_t page_size;
	uint64_t prot, eff;
	uint64_t entry;
	int level;
	bool alias;
	vmmap_status err;
	vmmap_addr_t replica_of;	/* REPLICA */
	uint64_t replica_ranges;
};

/* A table whose content comes to at most this many runs is memoised: a
 * last-level table of any content (512 entries: at most 512 runs), and
 * sparse upper ones.  ESPfix's shared PTE page needs 65. */
#define MEMO_RUNS 1024
/* A cache, not a map: a slot holds the last table that hashed to it.  Real
 * kernels share a handful of tables (KASAN's early shadow, ESPfix). */
#define MEMO_SLOTS 1024
/* Runs kept for all memoised tables (grown as needed); when full the
 * memo starts afresh. */
#define MEMO_POOL (64 * 1024)

struct memo_ent {
	vmmap_addr_t table;	/* physical address */
	uint64_t eff;
	int level;
	int nruns;
	uint32_t off;		/* first run in the pool */
};

/* Which slots of a cache of 1024 (the memo, the tables a walk has seen)
 * hold something: clearing these 128 bytes empties it, so that its
 * 32-48 KiB of slots are never cleared (a context and a walk that see a
 * few tables pay for a few). */
#define SLOT_WORDS (1024 / 64)

static bool slot_used(const uint64_t *used, size_t i)
{
	return used[i / 64] >> (i % 64) & 1;
}

static void slot_take(uint64_t *used, size_t i)
{
	used[i / 64] |= UINT64_C(1) << (i % 64);
}

struct walk_scratch;

struct memo {
	unsigned mode;		/* the walk flags that shape the runs */
	size_t used, cap;
	struct run *pool;	/* start/last relative to the table */
	/* the last walk's buffers, for the next walk */
	struct walk_scratch *spare;
	uint64_t taken[SLOT_WORDS];
	struct memo_ent ent[MEMO_SLOTS];	/* last: not cleared */
};

/* Ranges the copies of one table may come to before the next copies are
 * summarised: twice ESPfix's (65 ranges a PTE page, 2048 copies); KASAN's
 * early shadow with --raw (512 ranges a PTE page, millions of copies)
 * reaches it, rightly. */
#define REPLICA_BUDGET (UINT64_C(1) << 18)
/* The same for the copies of all tables together: a walk prints at most
 * this many ranges of copies in full, however many distinct tables are
 * shared (64 hostile fan-outs would otherwise print 2^18 ranges each). */
#define REPLICA_BUDGET_WALK (UINT64_C(1) << 19)
#define SEEN_SLOTS 1024

/* Tables this walk has walked: where first, and what they came to. */
struct seen_ent {
	vmmap_addr_t table, base;
	uint64_t eff;
	uint64_t nruns;		/* of one copy */
	uint64_t copies_runs;	/* of the copies walked again so far */
	int level;
};

/* A slot holds the first table that hashed to it. */
struct seen_tab {
	uint64_t taken[SLOT_WORDS];
	struct seen_ent ent[SEEN_SLOTS];
};

/* Per-level collector: the runs of the table being walked at that level
 * (allocated when the walk first reaches the level, grown as needed up to
 * MEMO_RUNS: most tables come to a few runs). */
struct runbuf {
	int n, cap;
	bool spill;		/* too many runs: pass them up as they come */
	struct run *runs;
};

#define RUNBUF_FIRST 32

/*
 * A walk's buffers, kept in the context from one walk to the next
 * (struct memo.spare; a walk inside a walk makes its own): the loader's
 * probes, vtop-sized walks and the walks of many small contexts
 * (fuzzing) would otherwise spend more time allocating, clearing and
 * freeing them than walking.
 */
struct walk_scratch {
	struct runbuf buf[VMMAP_MAX_LEVELS];
	uint8_t *tbl[VMMAP_MAX_LEVELS];	/* the table being walked, copied */
	size_t tblsize[VMMAP_MAX_LEVELS];
	struct seen_tab *seen;		/* NULL until a table is noted */
};

struct walker {
	struct vmmap_ctx *ctx;
	const struct pgfmt *f;
	vmmap_addr_t first, last;
	unsigned flags;
	vmmap_range_fn *fn;
	void *arg;
	struct walk_scratch *k;
	struct run pending;
	bool have_pending;
	uint64_t nranges, nruns;
	uint64_t visits;
	vmmap_status st;
	/* up[l]: runs other than holes passed up out of the tables at level
	 * l so far (what a subtree "came to", after merging within it; holes
	 * are not counted: --raw makes one of every empty entry, and
	 * ESPfix's shared tables are mostly empty) */
	uint64_t up[VMMAP_MAX_LEVELS];
	uint64_t copies_runs;	/* of all copies walked again so far */
	/* progress: the root's entries in use, those done, where below */
	unsigned root_total, root_done, pos1, n1;
	uint64_t mapped;
	double t0, t_report;
	bool reported;
};

static double clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(struct walker *w, vmmap_addr_t at, bool done)
{
	struct vmmap_progress p;
	double now = clock_now();

	if (!done && now - w->t_report < 0.1)
		return;
	if (done && !w->reported)
		return;
	w->t_report = now;
	w->reported = true;
	memset(&p, 0, sizeof(p));
	p.seconds = now - w->t0;
	p.tables = w->visits;
	p.mapped = w->mapped;
	p.at = at;
	p.done = done;
	if (w->root_total)
		p.fraction = (w->root_done + (w->n1 ? (double)w->pos1 / w->n1
						     : 0)) / w->root_total;
	if (p.fraction > 1)
		p.fraction = 1;
	w->ctx->progress_fn(w->ctx->progress_arg, &p);
}

PUBLIC void vmmap_set_progress(struct vmmap_ctx *ctx, vmmap_progress_fn *fn,
			       void *arg)
{
	ctx->progress_fn = fn;
	ctx->progress_arg = arg;
}

/* Bound on tables walked (memo hits do not count), against hostile tables
 * whose distinct subtrees multiply: 2^24 tables of 4 KiB are 64 GiB of
 * page tables, which map 32 TiB in 4 KiB pages -- beyond any real
 * machine's kernel tables -- and take minutes, not hours, to reach. */
#define MAX_VISITS (UINT64_C(1) << 24)

static void scratch_free(struct walk_scratch *k)
{
	int l;

	if (!k)
		return;
	for (l = 0; l < VMMAP_MAX_LEVELS; l++) {
		free(k->tbl[l]);
		free(k->buf[l].runs);
	}
	free(k->seen);
	free(k);
}

/* The buffers for a walk: the last walk's, or new ones. */
static struct walk_scratch *scratch_get(struct vmmap_ctx *ctx)
{
	struct walk_scratch *k = ctx->memo->spare;

	if (!k)
		return calloc(1, sizeof(*k));
	ctx->memo->spare = NULL;
	if (k->seen)
		memset(k->seen->taken, 0, sizeof(k->seen->taken));
	return k;
}

static void scratch_put(struct vmmap_ctx *ctx, struct walk_scratch *k)
{
	if (ctx->memo && !ctx->memo->spare)
		ctx->memo->spare = k;
	else
		scratch_free(k);
}

void memo_free(struct vmmap_ctx *ctx)
{
	if (ctx->memo) {
		free(ctx->memo->pool);
		scratch_free(ctx->memo->spare);
	}
	free(ctx->memo);
	ctx->memo = NULL;
}

static uint64_t table_hash(vmmap_addr_t table, int level, uint64_t eff)
{
	uint64_t h = (table >> 9) ^ (table >> 21) ^ (uint64_t)level * 0x9e37 ^
		     eff * 0x100000001b3ULL;

	return h ^ (h >> 17);
}

static struct memo_ent *memo_slot(struct memo *m, vmmap_addr_t table,
				  int level, uint64_t eff)
{
	return &m->ent[table_hash(table, level, eff) % MEMO_SLOTS];
}

/* The memo's runs of (@table, @level, @eff) in slot @me, if it has them. */
static bool memo_has(const struct memo *m, const struct memo_ent *me,
		     vmmap_addr_t table, int level, uint64_t eff)
{
	return slot_used(m->taken, (size_t)(me - m->ent)) &&
	       me->level == level && me->table == table && me->eff == eff;
}

/* The slot of (@table, @level, @eff) in this walk's table; NULL when the
 * walk has noted nothing yet and @make is false, or out of memory (then
 * copies are only not summarised). */
static struct seen_ent *seen_slot(struct walker *w, vmmap_addr_t table,
				  int level, uint64_t eff, bool make)
{
	struct walk_scratch *k = w->k;

	if (!k->seen) {
		if (!make)
			return NULL;
		k->seen = malloc(sizeof(*k->seen));
		if (!k->seen)
			return NULL;
		memset(k->seen->taken, 0, sizeof(k->seen->taken));
	}
	return &k->seen->ent[table_hash(table, level, eff) % SEEN_SLOTS];
}

/* Note the first copy of a subtree; a slot keeps the first table in it. */
static void seen_note(struct walker *w, vmmap_addr_t table, int level,
		      uint64_t eff, vmmap_addr_t base, uint64_t nruns)
{
	struct seen_ent *se = seen_slot(w, table, level, eff, true);
	size_t i;

	if (!se)
		return;
	i = (size_t)(se - w->k->seen->ent);
	if (slot_used(w->k->seen->taken, i))
		return;
	slot_take(w->k->seen->taken, i);
	se->table = table;
	se->level = level;
	se->eff = eff;
	se->base = base;
	se->nruns = nruns;
	se->copies_runs = 0;
}

/* A copy of a subtree already walked at another address, after its
 * copies have printed enough: summarise it?  Else count it. */
static const struct seen_ent *seen_replica(struct walker *w,
					   vmmap_addr_t table, int level,
					   uint64_t eff, vmmap_addr_t base)
{
	struct seen_ent *se = seen_slot(w, table, level, eff, false);

	if (w->flags & VMMAP_WALK_ALL || !se ||
	    !slot_used(w->k->seen->taken, (size_t)(se - w->k->seen->ent)))
		return NULL;
	if (se->level != level || se->table != table || se->eff != eff ||
	    se->base == base)
		return NULL;
	if (se->copies_runs < REPLICA_BUDGET &&
	    w->copies_runs < REPLICA_BUDGET_WALK) {
		uint64_t n = se->nruns < REPLICA_BUDGET ? se->nruns
							: REPLICA_BUDGET;

		se->copies_runs += n;
		w->copies_runs += n;
		return NULL;
	}
	return se;
}

static void memo_store(struct memo *m, struct memo_ent *me,
		       vmmap_addr_t table, int level, uint64_t eff,
		       const struct runbuf *b, vmmap_addr_t base)
{
	int i;

	/* Ranges that name another copy of this walk's say where that copy
	 * was: not a property of the table, not for another walk. */
	for (i = 0; i < b->n; i++)
		if (b->runs[i].kind == VMMAP_RANGE_REPLICA)
			return;
	if (m->used + b->n > MEMO_POOL) {
		/* Full: forget everything and start again. */
		memset(m->taken, 0, sizeof(m->taken));
		m->used = 0;
	}
	if (m->used + b->n > m->cap) {
		size_t cap = m->cap ? m->cap : 64;
		struct run *np;

		while (cap < m->used + b->n)
			cap *= 2;
		if (cap > MEMO_POOL)
			cap = MEMO_POOL;
		np = realloc(m->pool, cap * sizeof(*np));
		if (!np)
			return;	/* not memoised: only slower */
		m->pool = np;
		m->cap = cap;
	}
	slot_take(m->taken, (size_t)(me - m->ent));
	me->table = table;
	me->level = level;
	me->eff = eff;
	me->nruns = b->n;
	me->off = m->used;
	for (i = 0; i < b->n; i++) {
		struct run *r = &m->pool[m->used++];

		*r = b->runs[i];
		r->start -= base;
		r->last -= base;
	}
}

static bool run_is_single_page(const struct run *r)
{
	return r->page_size && r->last - r->start + 1 == r->page_size;
}

/* Can @b, which follows @a, extend it? */
static bool can_merge(const struct walker *w, const struct run *a,
		      const struct run *b)
{
	uint64_t mask = w->flags & WALK_EXACT ? ~UINT64_C(0)
					      : w->ctx->arch->merge_mask;

	if (w->flags & VMMAP_WALK_RAW) {
		if (a->kind == VMMAP_RANGE_REPLICA &&
		    b->kind == VMMAP_RANGE_REPLICA)
			return a->last + 1 == b->start && a->phys == b->phys &&
			       a->level == b->level;
		/* Only identical entries mapping one and the same page. */
		return (w->flags & VMMAP_WALK_ALIASES) &&
		       a->last + 1 == b->start &&
		       a->kind == VMMAP_RANGE_MAPPED &&
		       b->kind == VMMAP_RANGE_MAPPED && a->phys == b->phys &&
		       a->page_size == b->page_size && a->level == b->level &&
		       a->prot == b->prot && a->eff == b->eff &&
		       (a->alias || run_is_single_page(a)) &&
		       (b->alias || run_is_single_page(b));
	}
	if (a->last + 1 != b->start || a->kind != b->kind)
		return false;
	switch (a->kind) {
	case VMMAP_RANGE_HOLE:
		return true;
	case VMMAP_RANGE_UNREADABLE:
		return a->err == b->err && a->level == b->level;
	case VMMAP_RANGE_INVALID:
		return a->entry == b->entry && a->level == b->level;
	case VMMAP_RANGE_REPLICA:
		return a->phys == b->phys && a->level == b->level;
	case VMMAP_RANGE_MAPPED:
		break;
	}
	if (a->page_size != b->page_size || a->level != b->level ||
	    ((a->prot ^ b->prot) & mask) || ((a->eff ^ b->eff) & mask))
		return false;
	if (!a->alias && !b->alias &&
	    b->phys == a->phys + (a->last - a->start + 1))
		return true;
	return b->phys == a->phys && (a->alias || run_is_single_page(a)) &&
	       (b->alias || run_is_single_page(b));
}

static void merge_into(struct run *a, const struct run *b)
{
	if (a->kind == VMMAP_RANGE_MAPPED && b->phys == a->phys)
		a->alias = true;
	a->last = b->last;
}

/* ---- output: split at regions, clip, hand to the caller ---- */

static void deliver_piece(struct walker *w, const struct run *r,
			  vmmap_addr_t start, vmmap_addr_t last,
			  const struct vmmap_region *reg)
{
	struct vmmap_range out;

	if (w->st)
		return;
	if (r->kind == VMMAP_RANGE_HOLE && (w->flags & VMMAP_WALK_NOHOLES))
		return;
	if (r->kind == VMMAP_RANGE_MAPPED)
		w->mapped += last - start + 1;
	if (++w->nranges > w->ctx->max_ranges) {
		w->st = vmmap_set_error(w->ctx, VMMAP_ERR_LIMIT,
			"more than %" PRIu64 " ranges at 0x%" PRIx64
			": page tables too large or hostile", w->ctx->max_ranges,
			start);
		return;
	}
	memset(&out, 0, sizeof(out));
	out.start = start;
	out.last = last;
	out.kind = r->kind;
	out.phys = r->phys;
	if (r->kind == VMMAP_RANGE_MAPPED && !r->alias)
		out.phys += start - r->start;
	out.page_size = r->page_size;
	out.level = r->level;
	out.prot = r->prot;
	out.eff = r->eff;
	out.alias = r->alias;
	out.err = r->err;
	out.entry = r->entry;
	out.region = reg;
	out.replica_of = r->replica_of;
	out.replica_ranges = r->replica_ranges;
	w->st = w->fn(w->arg, &out);
}

static void deliver(struct walker *w, const struct run *r)
{
	vmmap_addr_t start = r->start, last = r->last;

	if (start < w->first)
		start = w->first;
	if (last > w->last)
		last = w->last;
	if (start > last)
		return;
	if (w->flags & VMMAP_WALK_NOSPLIT || !w->ctx->nregions) {
		deliver_piece(w, r, start, last,
			      w->ctx->nregions ? vmmap_region_of(w->ctx, start)
					       : NULL);
		return;
	}
	for (;;) {
		const struct vmmap_region *reg = vmmap_region_of(w->ctx, start);
		vmmap_addr_t end = reg && reg->last < last ? reg->last : last;

		deliver_piece(w, r, start, end, reg);
		if (end == last || w->st)
			return;
		start = end + 1;
	}
}

static void out_push(struct walker *w, const struct run *r)
{
	if (w->have_pending && can_merge(w, &w->pending, r)) {
		merge_into(&w->pending, r);
		return;
	}
	if (w->have_pending)
		deliver(w, &w->pending);
	w->pending = *r;
	w->have_pending = true;
}

static void out_flush(struct walker *w)
{
	if (w->have_pending)
		deliver(w, &w->pending);
	w->have_pending = false;
}

/* ---- run buffers ---- */

static void push(struct walker *w, int level, const struct run *r);

static uint64_t count_unholes(const struct runbuf *b)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < b->n; i++)
		n += b->runs[i].kind != VMMAP_RANGE_HOLE;
	return n;
}

/* A run leaving the table at @level for the level above. */
static void push_up(struct walker *w, int level, const struct run *r)
{
	w->up[level] += r->kind != VMMAP_RANGE_HOLE;
	push(w, level - 1, r);
}

static void buf_spill(struct walker *w, int level)
{
	struct runbuf *b = &w->k->buf[level];
	int i;

	b->spill = true;
	for (i = 0; i < b->n; i++)
		push_up(w, level, &b->runs[i]);
	b->n = 0;
}

/* Add @r to the collector of the table at @level (-1: the output). */
static void push(struct walker *w, int level, const struct run *r)
{
	struct runbuf *b;

	if (++w->nruns > w->ctx->max_runs) {
		if (!w->st)
			w->st = vmmap_set_error(w->ctx, VMMAP_ERR_LIMIT,
				"more than %" PRIu64 " runs in one walk",
				w->ctx->max_runs);
		return;
	}
	if (level < 0) {
		out_push(w, r);
		return;
	}
	/* Spilled collectors pass runs straight up: skip them. */
	while (level >= 0 && w->k->buf[level].spill)
		w->up[level--] += r->kind != VMMAP_RANGE_HOLE;
	if (level < 0) {
		out_push(w, r);
		return;
	}
	b = &w->k->buf[level];
	if (b->n && can_merge(w, &b->runs[b->n - 1], r)) {
		merge_into(&b->runs[b->n - 1], r);
		return;
	}
	if (b->n == MEMO_RUNS) {
		buf_spill(w, level);
		push_up(w, level, r);
		return;
	}
	if (b->n == b->cap) {
		int cap = 2 * b->cap < MEMO_RUNS ? 2 * b->cap : MEMO_RUNS;
		struct run *nr = realloc(b->runs, cap * sizeof(*nr));

		if (!nr) {
			w->st = set_nomem(w->ctx);
			return;
		}
		b->runs = nr;
		b->cap = cap;
	}
	b->runs[b->n++] = *r;
}

/* ---- the walk ---- */

static void walk_table(struct walker *w, int level, vmmap_addr_t table,
		       vmmap_addr_t base, uint64_t eff, unsigned first,
		       unsigned count);

static vmmap_addr_t entry_va(const struct pgfmt *f, int level,
			     vmmap_addr_t base, unsigned i)
{
	vmmap_addr_t va = base + ((vmmap_addr_t)i << f->lv[level].shift);

	return level ? va : va_canonical(f, va);
}

static vmmap_addr_t entry_span(const struct pgfmt *f, int level)
{
	return (vmmap_addr_t)1 << f->lv[level].shift;
}

/*
 * The root's entries that overlap [w->first, w->last] (@lo > @hi: none).
 * Their addresses grow with the index, the canonical gap of a
 * sign-extended space lying between two halves that are each in order: two
 * binary searches find them, where a walk of a small range (the layout's
 * probes, vtop-sized) would otherwise look at every root entry -- 8,192 of
 * them with 64 KiB pages.
 */
static void root_span(const struct walker *w, unsigned n, unsigned *lo,
		      unsigned *hi)
{
	const struct pgfmt *f = w->f;
	vmmap_addr_t span = entry_span(f, 0);
	unsigned a = 0, b = n;

	/* the first entry whose last address is at or past w->first */
	while (a < b) {
		unsigned m = a + (b - a) / 2;

		if (entry_va(f, 0, 0, m) + (span - 1) < w->first)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	/* the first entry that starts past w->last; the one before it */
	b = n;
	while (a < b) {
		unsigned m = a + (b - a) / 2;

		if (entry_va(f, 0, 0, m) <= w->last)
			a = m + 1;
		else
			b = m;
	}
	if (a == *lo) {		/* none */
		*lo = 1;
		*hi = 0;
	} else {
		*hi = a - 1;
	}
}

/*
 * One entry: a table is walked; anything else becomes the run @r, with in
 * *@addr_bits the bits of @raw that hold a leaf's address in place (0: the
 * next entries cannot be told to continue it by their raw value).
 */
static bool entry_run(struct walker *w, int level, vmmap_addr_t va,
		      uint64_t raw, uint64_t eff, struct run *r,
		      uint64_t *addr_bits)
{
	const struct vmmap_arch *arch = w->ctx->arch;
	const struct pgfmt *f = w->f;
	struct pte pte;

	memset(&pte, 0, sizeof(pte));
	arch->decode(w->ctx, level, raw, &pte);
	memset(r, 0, sizeof(*r));
	*addr_bits = 0;
	r->start = va;
	r->last = va + (entry_span(f, level) - 1);
	r->level = level;
	r->page_size = entry_span(f, level);
	switch (pte.type) {
	case PTE_NONE:
		r->kind = VMMAP_RANGE_HOLE;
		break;
	case PTE_INVALID:
		r->kind = VMMAP_RANGE_INVALID;
		r->entry = raw;
		r->err = VMMAP_ERR_INVALID;
		break;
	case PTE_LEAF:
		r->kind = VMMAP_RANGE_MAPPED;
		r->phys = pte.addr;
		if (pte.page_size > r->page_size) {
			/* this entry's part of a larger repeated page */
			r->phys += va & (pte.page_size - 1);
			r->page_size = pte.page_size;
		} else {
			*addr_bits = pte.addr_bits;
		}
		r->prot = pte.prot;
		r->eff = arch->effective(pte.prot, eff);
		r->entry = raw;
		break;
	case PTE_TABLE:
		if (level + 1 >= f->nlevels) {
			r->kind = VMMAP_RANGE_INVALID;
			r->entry = raw;
			r->err = VMMAP_ERR_INVALID;
			break;
		}
		walk_table(w, level + 1, pte.addr, va,
			   arch->inherit(eff, level, raw), pte.first, pte.count);
		return false;
	}
	return true;
}

/* The last-level tables the entries [lo, hi] of this table point to, for
 * the source to prepare while the walk goes through them in order. */
static void prefetch_children(struct walker *w, int level, const uint8_t *data,
			      unsigned first, unsigned count, unsigned lo,
			      unsigned hi)
{
	vmmap_addr_t pa[512];
	unsigned i, n = 0;

	for (i = lo; i <= hi && n < 512; i++) {
		struct pte pte = { 0 };

		if (i < first || i - first >= count)
			continue;
		w->ctx->arch->decode(w->ctx, level,
				     mem_get_pte(w->f, data, i - first), &pte);
		if (pte.type == PTE_TABLE && !pte.count)
			pa[n++] = pte.addr;
	}
	mem_prefetch(w->ctx, pa, n, pg_table_size(w->f, level + 1));
}

/*
 * Entries [@i, @end] of the table @data that are the same as the one
 * before them, block by block: the first entry of the first block that
 * holds another (at most @end).  Most of a sparse table is runs of empty
 * entries, and 64 KiB pages make tables of 8,192 entries; memcmp() of a
 * block against itself one entry on beats decoding them one at a time.
 */
static unsigned skip_same(const uint8_t *data, size_t esize, unsigned i,
			  unsigned end)
{
	enum { BLOCK = 64 };

	while (end - i >= BLOCK &&
	       !memcmp(data + (size_t)(i - 1) * esize,
		       data + (size_t)i * esize, BLOCK * esize))
		i += BLOCK;
	return i;
}

/* A table whose entries outside [first, first + count) do not exist (a
 * length field in the entry above): the missing ones are holes, and only
 * the rest is read. */
static void walk_table(struct walker *w, int level, vmmap_addr_t table,
		       vmmap_addr_t base, uint64_t eff, unsigned first,
		       unsigned count)
{
	const struct pgfmt *f = w->f;
	size_t size = pg_table_size(f, level);
	unsigned n = 1u << f->lv[level].bits, i, lo = 0, hi = n - 1;
	bool part = count && (first || count < n);
	vmmap_addr_t span = entry_span(f, level);
	vmmap_addr_t tlast = base + ((vmmap_addr_t)(n - 1) << f->lv[level].shift)
			     + (span - 1);
	const uint8_t *data;
	struct memo_ent *me = NULL;
	struct runbuf *b = &w->k->buf[level];
	vmmap_status st;
	uint64_t up_before;
	bool whole = level > 0 && w->first <= base && tlast <= w->last &&
		     !part;
	/* the run being built, for the fast path (not with --raw, where
	 * every entry is a range of its own) */
	bool fast = !(w->flags & VMMAP_WALK_RAW), have_acc = false;
	struct run acc;
	uint64_t acc_raw = 0, acc_bits = 0, step = 0;

	if (w->st)
		return;
	if (part) {
		if (first >= n)
			first = n - 1;
		if (count > n - first)
			count = n - first;
		table += (vmmap_addr_t)first * f->pte_size;
		size = (size_t)count * f->pte_size;
	} else {
		first = 0;
		count = n;
	}
	if (whole) {
		const struct seen_ent *se = seen_replica(w, table, level, eff,
							 base);

		if (se) {
			struct run r = { 0 };

			r.kind = VMMAP_RANGE_REPLICA;
			r.start = base;
			r.last = tlast;
			r.phys = table;
			r.level = level - 1;
			r.replica_of = se->base;
			r.replica_ranges = se->nruns;
			push_up(w, level, &r);
			return;
		}
	}
	if (whole && w->ctx->memo) {
		me = memo_slot(w->ctx->memo, table, level, eff);
		if (memo_has(w->ctx->memo, me, table, level, eff)) {
			for (i = 0; i < (unsigned)me->nruns; i++) {
				struct run r = w->ctx->memo->pool[me->off + i];

				r.start += base;
				r.last += base;
				push_up(w, level, &r);
			}
			w->ctx->stat_memo_hits++;
			seen_note(w, table, level, eff, base, me->nruns);
			return;
		}
	}
	if (!b->runs) {
		b->runs = malloc(RUNBUF_FIRST * sizeof(*b->runs));
		if (!b->runs) {
			w->st = set_nomem(w->ctx);
			return;
		}
		b->cap = RUNBUF_FIRST;
	}
	if (w->ctx->progress_fn && !(w->visits & 255))
		progress(w, base, false);
	if (++w->visits > MAX_VISITS) {
		w->st = vmmap_set_error(w->ctx, VMMAP_ERR_LIMIT,
			"more than %" PRIu64 " page tables visited at %s "
			"table 0x%" PRIx64 ": tables too large or hostile",
			MAX_VISITS, f->lv[level].name, table);
		return;
	}

	/* An unreadable table is a range, its message dropped below: not
	 * formatted (a hostile table points its entries at one missing
	 * table, each a cache hit said again). */
	w->ctx->mute++;
	st = mem_read_table(w->ctx, table, size, &data);
	w->ctx->mute--;
	if (!st && w->k->tblsize[level] < pg_table_size(f, level)) {
		uint8_t *nt = realloc(w->k->tbl[level], pg_table_size(f, level));

		if (nt) {
			w->k->tbl[level] = nt;
			w->k->tblsize[level] = pg_table_size(f, level);
		} else {
			st = VMMAP_ERR_NOMEM;
		}
	}
	if (st) {
		struct run r;

		if (st == VMMAP_ERR_NOMEM) {
			w->st = set_nomem(w->ctx);
			return;
		}
		/* Reported as a range; the detail would only pile up. */
		vmmap_clear_error(w->ctx);
		memset(&r, 0, sizeof(r));
		r.kind = VMMAP_RANGE_UNREADABLE;
		r.start = level ? base : va_canonical(f, 0);
		r.last = tlast;
		r.phys = table;
		r.level = level;
		r.err = st;
		push_up(w, level, &r);
		return;
	}

	/* Our own copy: walking the children will reuse the cache. */
	memcpy(w->k->tbl[level], data, size);
	data = w->k->tbl[level];

	/* Clip the entries to the requested range. */
	if (level > 0) {
		if (w->first > base)
			lo = (w->first - base) >> f->lv[level].shift;
		if (w->last < tlast)
			hi = (w->last - base) >> f->lv[level].shift;
	} else {
		root_span(w, n, &lo, &hi);
	}
	if (level + 2 == f->nlevels && w->ctx->mem_ops->prefetch)
		prefetch_children(w, level, data, first, count, lo, hi);

	b->n = 0;
	b->spill = false;
	up_before = w->up[level];
	if (w->ctx->progress_fn && level == 0) {
		/* the root's entries in use: what the bar counts */
		for (i = lo; i <= hi; i++) {
			struct pte pte = { 0 };

			if (i >= first && i - first < count) {
				w->ctx->arch->decode(w->ctx, 0,
					mem_get_pte(f, data, i - first), &pte);
				w->root_total += pte.type != PTE_NONE;
			}
		}
	}
	if (level == 1)
		w->n1 = hi + 1;
	for (i = lo; i <= hi && !w->st; i++) {
		vmmap_addr_t va = entry_va(f, level, base, i);
		uint64_t raw, bits;

		if (level == 0) {
			if (va + (span - 1) < w->first || va > w->last)
				continue;
			/* The gap of non-canonical addresses is a hole. */
			if (f->ext == VA_SIGN && i == n / 2) {
				struct run gap = { 0 };

				if (have_acc)
					push(w, level, &acc);
				have_acc = false;
				gap.kind = VMMAP_RANGE_HOLE;
				gap.start = va_canonical(f, 0) +
					    ((vmmap_addr_t)1 << (pg_va_bits(f) - 1));
				gap.last = va - 1;
				push(w, level, &gap);
			}
		}
		if (i < first || i - first >= count) {
			struct run none = { 0 };

			if (have_acc)
				push(w, level, &acc);
			have_acc = false;
			none.kind = VMMAP_RANGE_HOLE;
			none.start = va;
			none.last = va + (span - 1);
			none.level = level;
			push(w, level, &none);
			continue;
		}
		raw = mem_get_pte(f, data, i - first);
		if (level == 1)
			w->pos1 = i;
		/* The fast path: an entry that continues the run being
		 * built (the same empty entry again; the next page of a
		 * leaf, its address one span on in place and every other
		 * bit the same) extends it without being decoded. */
		if (have_acc) {
			unsigned j = i, end = hi;

			/* the entries that go on with it, in one loop (below
			 * the root: the root has the canonical gap) */
			if (level > 0 && end > first + count - 1)
				end = first + count - 1;
			if (level == 0)
				end = i;
			if (!step && !acc_bits && end > j) {
				j = skip_same(data, f->pte_size, j - first,
					      end - first) + first;
				raw = mem_get_pte(f, data, j - first);
			}
			while (raw - acc_raw == step &&
			       !((raw ^ acc_raw) & ~acc_bits)) {
				acc_raw = raw;
				if (++j > end)
					break;
				raw = mem_get_pte(f, data, j - first);
			}
			if (j > i) {
				acc.last += (vmmap_addr_t)(j - i) * span;
				i = j - 1;
				continue;
			}
			push(w, level, &acc);
			have_acc = false;
		}
		if (!entry_run(w, level, va, raw, eff, &acc, &bits)) {
			if (level == 0) {	/* a root entry done */
				w->root_done++;
				w->pos1 = 0;
			}
			continue;	/* a table, walked */
		}
		if (level == 0 && acc.kind != VMMAP_RANGE_HOLE)
			w->root_done++;
		if (fast && acc.kind == VMMAP_RANGE_HOLE) {
			step = 0;
			acc_bits = 0;
		} else if (fast && acc.kind == VMMAP_RANGE_MAPPED && bits) {
			step = span;
			acc_bits = bits;
		} else {
			push(w, level, &acc);
			continue;
		}
		acc_raw = raw;
		have_acc = true;
	}
	if (have_acc && !w->st)
		push(w, level, &acc);
	if (w->st)
		return;

	if (whole)
		seen_note(w, table, level, eff, base,
			  w->up[level] - up_before + (b->spill ? 0
						       : count_unholes(b)));
	if (b->spill)
		return;
	if (whole && w->ctx->memo && me && b->n > 0)
		memo_store(w->ctx->memo, me, table, level, eff, b, base);
	/* Pass the collected runs up (pushing to the levels above never
	 * touches this level's collector). */
	for (i = 0; i < (unsigned)b->n; i++)
		push_up(w, level, &b->runs[i]);
	b->n = 0;
}

vmmap_addr_t va_canonical(const struct pgfmt *f, vmmap_addr_t va)
{
	unsigned bits = pg_va_bits(f);
	vmmap_addr_t high;

	if (bits >= 64)
		return va;
	high = ~(vmmap_addr_t)0 << bits;
	switch (f->ext) {
	case VA_SIGN:
		return (va & ((vmmap_addr_t)1 << (bits - 1))) ? va | high
							     : va & ~high;
	case VA_ONES:
		return va | high;
	case VA_BASE:
		return (va & ~high) | (f->va_base & high);
	case VA_ZERO:
		break;
	}
	return va & ~high;
}

void pg_space(const struct pgfmt *f, vmmap_addr_t *lo, vmmap_addr_t *hi)
{
	unsigned bits = pg_va_bits(f);
	vmmap_addr_t top = bits >= 64 ? VMMAP_ADDR_MAX
				      : ((vmmap_addr_t)1 << bits) - 1;

	*lo = 0;
	*hi = f->ext == VA_ZERO ? top : VMMAP_ADDR_MAX;
	if (f->ext == VA_ONES)
		*lo = ~top;
	if (f->ext == VA_BASE && top != VMMAP_ADDR_MAX) {
		*lo = f->va_base & ~top;
		*hi = *lo | top;
	}
}


static vmmap_status walk_one(struct vmmap_ctx *ctx, vmmap_addr_t first,
			     vmmap_addr_t last, unsigned flags,
			     vmmap_range_fn *fn, void *arg);

/*
 * A walk started from a walk's callback (an output that asks the map
 * something while it is printed) must not touch the memo the outer walk
 * holds entries of: it gets one of its own, freed when it ends.
 */
vmmap_status walk_internal(struct vmmap_ctx *ctx, vmmap_addr_t first,
			   vmmap_addr_t last, unsigned flags,
			   vmmap_range_fn *fn, void *arg)
{
	struct memo *outer = NULL;
	vmmap_status st;

	if (ctx->walk_depth && ctx->memo) {
		outer = ctx->memo;
		ctx->memo = NULL;
	}
	ctx->walk_depth++;
	st = walk_one(ctx, first, last, flags, fn, arg);
	ctx->walk_depth--;
	if (outer) {
		memo_free(ctx);
		ctx->memo = outer;
	}
	return st;
}

static vmmap_status walk_one(struct vmmap_ctx *ctx, vmmap_addr_t first,
			     vmmap_addr_t last, unsigned flags,
			     vmmap_range_fn *fn, void *arg)
{
	struct walker *w;
	vmmap_addr_t lo, hi;
	vmmap_status st;
	unsigned mode = flags & (VMMAP_WALK_RAW | VMMAP_WALK_ALIASES |
				 VMMAP_WALK_ALL | WALK_EXACT);

	if (first > last)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "empty range 0x%" PRIx64 "-0x%" PRIx64,
				       first, last);
	if (!ctx->memo || ctx->memo->mode != mode) {
		memo_free(ctx);
		/* not calloc(): the slots are empty by the bitmap */
		ctx->memo = malloc(sizeof(*ctx->memo));
		if (!ctx->memo)
			return set_nomem(ctx);
		memset(ctx->memo, 0, offsetof(struct memo, ent));
		ctx->memo->mode = mode;
	}
	w = calloc(1, sizeof(*w));
	if (w)
		w->k = scratch_get(ctx);
	if (!w || !w->k) {
		free(w);
		return set_nomem(ctx);
	}
	w->ctx = ctx;
	w->f = &ctx->fmt;
	w->first = first;
	w->last = last;
	w->flags = flags;
	w->fn = fn;
	w->arg = arg;
	if (ctx->progress_fn)
		w->t0 = w->t_report = clock_now();

	pg_space(w->f, &lo, &hi);
	if (lo > 0 && first < lo) {
		/* Below a TTBR1-style space: not described by these tables. */
		struct run r = { 0 };

		r.kind = VMMAP_RANGE_HOLE;
		r.start = 0;
		r.last = lo - 1;
		out_push(w, &r);
	}
	if (first <= hi && last >= lo) {
		/* Root unreadable is fatal: nothing sensible can follow. */
		const uint8_t *data;

		st = mem_read_table(ctx, w->f->root, pg_table_size(w->f, 0),
				    &data);
		if (st) {
			st = vmmap_set_error(ctx, st,
				"cannot read the root table (%s) at physical 0x%"
				PRIx64, w->f->lv[0].name, w->f->root);
			scratch_put(ctx, w->k);
			free(w);
			return st;
		}
		walk_table(w, 0, w->f->root, 0, ctx->arch->eff_init, 0, 0);
	}
	if (!w->st && hi < VMMAP_ADDR_MAX && last > hi) {
		struct run r = { 0 };

		r.kind = VMMAP_RANGE_HOLE;
		r.start = hi + 1;
		r.last = VMMAP_ADDR_MAX;
		out_push(w, &r);
	}
	if (!w->st)
		out_flush(w);
	if (ctx->progress_fn)
		progress(w, last, true);
	st = w->st;
	scratch_put(ctx, w->k);
	free(w);
	return st == VMMAP_ERR_STOP ? VMMAP_OK : st;
}

PUBLIC vmmap_status vmmap_walk(struct vmmap_ctx *ctx, vmmap_addr_t first,
			       vmmap_addr_t last, unsigned flags,
			       vmmap_range_fn *fn, void *arg)
{
	vmmap_clear_error(ctx);		/* a call's error is its own */
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_walk() before vmmap_load()");
	return walk_internal(ctx, first, last, flags, fn, arg);
}

/* ---- vtop ---- */

vmmap_status vtop_internal(struct vmmap_ctx *ctx, vmmap_addr_t vaddr,
			   struct vmmap_vtop *ret)
{
	const struct pgfmt *f = &ctx->fmt;
	const struct vmmap_arch *arch = ctx->arch;
	vmmap_addr_t table = f->root, lo, hi;
	uint64_t eff = arch->eff_init;
	unsigned first = 0, count = 0;
	int level;

	memset(ret, 0, sizeof(*ret));
	ret->vaddr = vaddr;
	pg_space(f, &lo, &hi);
	if (vaddr < lo || vaddr > hi || va_canonical(f, vaddr) != vaddr)
		return vmmap_set_error(ctx, VMMAP_ERR_NOTMAPPED,
			"0x%" PRIx64 " is outside the translated address space",
			vaddr);
	for (level = 0; level < f->nlevels; level++) {
		const struct pg_level *l = &f->lv[level];
		unsigned idx = (vaddr >> l->shift) & ((1u << l->bits) - 1);
		struct vmmap_vtop_level *out = &ret->levels[level];
		const uint8_t *data;
		struct pte pte = { 0 };
		vmmap_status st;
		uint64_t raw;

		out->name = l->name;
		out->table = table;
		out->index = idx;
		out->entry_addr = table + (vmmap_addr_t)idx * f->pte_size;
		ret->nlevels = level + 1;
		if (count && (idx < first || idx - first >= count))
			return vmmap_set_error(ctx, VMMAP_ERR_NOTMAPPED,
				"0x%" PRIx64 " is not mapped (%s index %u is "
				"outside the table's entries %u-%u)", vaddr,
				l->name, idx, first, first + count - 1);
		/* a table with a length field: only its entries are read */
		if (!count || count > (1u << l->bits) - first) {
			first = 0;
			count = 1u << l->bits;
		}
		st = mem_read_table(ctx, table + (vmmap_addr_t)first *
				    f->pte_size, (size_t)count * f->pte_size,
				    &data);
		if (st)
			return vmmap_set_error(ctx, st,
				"0x%" PRIx64 ": %s table at physical 0x%" PRIx64
				" is %s", vaddr, l->name, table,
				st == VMMAP_ERR_NODATA ? "not in the dump"
						       : "unreadable");
		raw = mem_get_pte(f, data, idx - first);
		out->entry = raw;
		memset(&pte, 0, sizeof(pte));
		arch->decode(ctx, level, raw, &pte);
		switch (pte.type) {
		case PTE_NONE:
			return vmmap_set_error(ctx, VMMAP_ERR_NOTMAPPED,
				"0x%" PRIx64 " is not mapped (%s entry %u is "
				"empty: 0x%" PRIx64 ")", vaddr, l->name, idx,
				raw);
		case PTE_INVALID:
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				"0x%" PRIx64 ": invalid %s entry %u: 0x%" PRIx64,
				vaddr, l->name, idx, raw);
		case PTE_LEAF:
			ret->page_size = (uint64_t)1 << l->shift;
			if (pte.page_size > ret->page_size)
				ret->page_size = pte.page_size;
			ret->paddr = pte.addr + (vaddr & (ret->page_size - 1));
			ret->prot = pte.prot;
			ret->eff = arch->effective(pte.prot, eff);
			return VMMAP_OK;
		case PTE_TABLE:
			eff = arch->inherit(eff, level, raw);
			table = pte.addr;
			first = pte.first;
			count = pte.count;
			break;
		}
	}
	return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
			       "0x%" PRIx64 ": table entry at the last level",
			       vaddr);
}

PUBLIC vmmap_status vmmap_vtop(struct vmmap_ctx *ctx, vmmap_addr_t vaddr,
			       struct vmmap_vtop *ret)
{
	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_vtop() before vmmap_load()");
	return vtop_internal(ctx, vaddr, ret);
}

PUBLIC vmmap_status vmmap_read_virt(struct vmmap_ctx *ctx, vmmap_addr_t vaddr,
				    void *buf, size_t len)
{
	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_read_virt() before vmmap_load()");
	return virt_read(ctx, vaddr, buf, len);
}

static vmmap_status virt_read_here(struct vmmap_ctx *ctx, vmmap_addr_t vaddr,
				   void *buf, size_t len);

/* Through the kernel's tables, whatever space is entered (space.c): the
 * decoders read the format from the context. */
vmmap_status virt_read(struct vmmap_ctx *ctx, vmmap_addr_t vaddr, void *buf,
		       size_t len)
{
	struct pgfmt here;
	vmmap_status st;

	if (!ctx->kspace)
		return virt_read_here(ctx, vaddr, buf, len);
	here = ctx->fmt;
	ctx->fmt = ctx->kspace->fmt;
	st = virt_read_here(ctx, vaddr, buf, len);
	ctx->fmt = here;
	return st;
}

vmmap_status kernel_vtop_pa(struct vmmap_ctx *ctx, vmmap_addr_t vaddr,
			    vmmap_addr_t *paddr_ret)
{
	struct vmmap_vtop t;
	struct pgfmt here;
	vmmap_status st;

	if (!ctx->kspace) {
		st = vtop_internal(ctx, vaddr, &t);
	} else {
		here = ctx->fmt;
		ctx->fmt = ctx->kspace->fmt;
		st = vtop_internal(ctx, vaddr, &t);
		ctx->fmt = here;
	}
	if (!st)
		*paddr_ret = t.paddr;
	return st;
}

static vmmap_status virt_read_here(struct vmmap_ctx *ctx, vmmap_addr_t vaddr,
				   void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		struct vmmap_vtop t;
		vmmap_status st = vtop_internal(ctx, vaddr, &t);
		size_t chunk;

		if (st)
			return st;
		chunk = t.page_size - (vaddr & (t.page_size - 1));
		if (chunk > len)
			chunk = len;
		st = mem_read_phys(ctx, t.paddr, p, chunk);
		if (st)
			return vmmap_set_error(ctx, st,
				"reading virtual 0x%" PRIx64 " (physical 0x%"
				PRIx64 ")", vaddr, t.paddr);
		p += chunk;
		vaddr += chunk;
		len -= chunk;
	}
	return VMMAP_OK;
}

PUBLIC size_t vmmap_flag_names(const struct vmmap_ctx *ctx,
			       const struct vmmap_range *r, const char **names,
			       size_t max)
{
	const struct flagname *fl;
	size_t n = 0;

	if (r->kind != VMMAP_RANGE_MAPPED || !ctx->arch)
		return 0;
	for (fl = ctx->arch->flags; fl && fl->name; fl++)
		if ((r->eff & fl->mask) == fl->val && n < max)
			names[n++] = fl->name;
	return n;
}

PUBLIC void vmmap_range_perms(const struct vmmap_ctx *ctx,
			      const struct vmmap_range *r,
			      struct vmmap_perms *perms)
{
	memset(perms, 0, sizeof(*perms));
	if (r->kind == VMMAP_RANGE_MAPPED && ctx->arch && ctx->arch->perms)
		ctx->arch->perms(r, perms);
}
