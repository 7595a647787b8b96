/*
 * batch.c - many translations at once (vmmap_vtop_many()).
 *
 * One walk of the map builds an index of its ranges, kept in the context
 * until the map changes (a load, an address space entered or left); each
 * address is then one lookup, in the caller's order, with no sort.  The
 * index is a radix tree over the address's bits: a hash of the 512 GiB
 * block (bits 39 and up: a 57-bit space has 2^18 of them, a 32-bit one),
 * then tables of 512 slots for its GiBs and their 2 MiB blocks.  A slot
 * says "one range covers this whole block", "none does", "a table below",
 * or, for a 2 MiB block where ranges begin or end, the list of the ranges
 * there: up to 16 are counted, more have a table of their 4 KiB pages.
 * Memory: a table for each block holding a range's end, so O(ranges),
 * whatever the size of the ranges.  Lookups go by groups, their cache
 * misses fetched ahead together.
 *
 * What the walk cannot answer exactly as vmmap_vtop() would (an
 * unreadable table, an invalid entry, the summarised copies of a shared
 * table) is translated one by one: the answers are vmmap_vtop()'s,
 * failures included.
 */
#include "config.h"
#include "core/core.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PUBLIC __attribute__((visibility("default")))

/* Without an index, below this many addresses one vtop each is cheaper
 * than the walk that builds one. */
#define BATCH_MIN 16384

/* The radix levels: 512 GiB (hashed), 1 GiB, 2 MiB. */
#define TOP_SHIFT 39
#define FAN_BITS 9
#define FAN (1u << FAN_BITS)
static const unsigned shift_of[] = { TOP_SHIFT, 30, 21 };
#define NLEVELS 3

/* A slot: a range's number, a table's, a list's, or none. */
#define SLOT_NONE UINT32_MAX
#define TAG_SHIFT 30
#define TAG_RANGE 0u
#define TAG_TABLE 1u
#define TAG_LIST 2u
#define SLOT_MAX ((UINT32_C(1) << TAG_SHIFT) - 1)
#define SLOT(tag, n) ((uint32_t)(tag) << TAG_SHIFT | (uint32_t)(n))
#define TAG(s) ((s) >> TAG_SHIFT)
#define NUM(s) ((s) & SLOT_MAX)

/* Beyond this many 512 GiB blocks (a hostile table's error ranges over
 * a whole 57-bit half), addresses are translated one by one. */
#define TOP_MAX (UINT32_C(1) << 20)

/* What ranges share: their answers but for the address. */
struct cls {
	uint64_t page_size, prot, eff;
	unsigned what;		/* INFO_* */
};
#define INFO_MAPPED 0
#define INFO_ALIAS 1		/* every page maps one physical page */
#define INFO_ASK 2		/* vmmap_vtop()'s own answer */

/* A range of the map as the batch needs it: an address's physical
 * address is base + address (MAPPED; base = phys - start, modulo 2^64)
 * or base + its offset in the page (ALIAS).  Half a cache line. */
struct info {
	uint64_t base;
	vmmap_addr_t last;
	uint32_t cls;
	uint32_t pad[3];
};

/* The ranges touching a 2 MiB block: first to end - 1.  Up to SHORT of
 * them are counted (those starting at or below the address); more have a
 * table of their 4 KiB pages in sub[], each the number (after first) of
 * the last range starting at or below the page, with SUB_EXACT where that
 * range starts at or below the page and no other starts within it: the
 * range of every address of the page, if any. */
struct list {
	uint32_t first, end, sub;
};
#define SHORT 16
#define SUB_SHIFT 12
#define SUB_FAN (1u << (21 - SUB_SHIFT))
#define SUB_EXACT 0x8000u

struct top {
	uint64_t key;		/* the 512 GiB block's number + 1; 0 free */
	uint32_t slot;
};

struct batch_index {
	struct info *info;
	struct cls *cls;
	uint32_t ncls, capcls;
	uint32_t *clsh;		/* hash of the classes, capacity clsmask + 1 */
	uint32_t clsmask;
	vmmap_addr_t *start;	/* each range's, for the searches */
	uint32_t ninfo, capinfo, capstart;
	uint32_t *tab;		/* FAN slots a table */
	uint32_t ntab, captab;
	struct list *list;
	uint32_t nlist, caplist;
	uint16_t *sub;		/* SUB_FAN entries a long list */
	uint32_t nsub;
	struct top *top;
	uint32_t ntop, topmask;	/* capacity topmask + 1, a power of 2 */
	bool huge;		/* too many blocks: one by one */
	vmmap_addr_t prev_last;	/* of the last range added */
	bool any;
	struct vmmap_ctx *ctx;
};

void batch_free(struct vmmap_ctx *ctx)
{
	struct batch_index *x = ctx->batch;

	if (!x)
		return;
	free(x->info);
	free(x->cls);
	free(x->clsh);
	free(x->start);
	free(x->tab);
	free(x->list);
	free(x->sub);
	free(x->top);
	free(x);
	ctx->batch = NULL;
}

/* Memory for the index's large arrays: in huge pages where the kernel
 * gives them on request (transparent_hugepage "madvise"), so that random
 * lookups over megabytes do not miss the TLB each time; else aligned on
 * cache lines. */
static void *index_mem(size_t size)
{
	const size_t huge = (size_t)2 << 20;
	void *p = NULL;

	if (size < huge / 2)
		return posix_memalign(&p, 64, size) ? NULL : p;
	if (posix_memalign(&p, huge, (size + huge - 1) & ~(huge - 1)))
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, (size + huge - 1) & ~(huge - 1), MADV_HUGEPAGE);
#endif
	return p;
}

/* The array *@p of *@cap elements of @size bytes, grown to hold @need
 * (doubling), in index_mem(). */
static bool grow(void **p, uint32_t *cap, uint32_t need, size_t size)
{
	uint64_t c = *cap ? *cap : 64;
	void *np;

	if (need <= *cap)
		return true;
	while (c < need)
		c *= 2;
	if (c > SLOT_MAX + UINT64_C(1))
		c = SLOT_MAX + UINT64_C(1);
	if (c < need || !(np = index_mem((size_t)c * size)))
		return false;
	if (*cap)
		memcpy(np, *p, (size_t)*cap * size);
	free(*p);
	*p = np;
	*cap = (uint32_t)c;
	return true;
}

static inline uint64_t top_hash(uint64_t key)
{
	return key * UINT64_C(0x9e3779b97f4a7c15) >> 32;
}

/* The slot of the 512 GiB block @blk, made when @make. */
static uint32_t *top_slot(struct batch_index *x, uint64_t blk, bool make)
{
	uint64_t key = blk + 1, i;

	for (i = top_hash(key) & x->topmask;; i = (i + 1) & x->topmask) {
		if (x->top[i].key == key)
			return &x->top[i].slot;
		if (!x->top[i].key)
			break;
	}
	if (!make)
		return NULL;
	x->top[i].key = key;
	x->top[i].slot = SLOT_NONE;
	x->ntop++;
	return &x->top[i].slot;
}

static bool top_grow(struct batch_index *x)
{
	uint32_t cap = x->top ? 2 * (x->topmask + 1) : 64, i;
	struct top *old = x->top, *nt;
	uint32_t oldcap = old ? x->topmask + 1 : 0;

	nt = calloc(cap, sizeof(*nt));
	if (!nt)
		return false;
	x->top = nt;
	x->topmask = cap - 1;
	x->ntop = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			*top_slot(x, old[i].key - 1, true) = old[i].slot;
	free(old);
	return true;
}

/* Where a slot is: in the top hash (which does not move while ranges
 * are placed) or in the tables (which may). */
struct sref {
	uint32_t *top;
	size_t tab;
};

static inline uint32_t *slot_at(struct batch_index *x, struct sref r)
{
	return r.top ? r.top : &x->tab[r.tab];
}

/* Range @id covers [@s, @l] of the block of slot @r at level @lv. */
static bool place(struct batch_index *x, struct sref r, unsigned lv,
		  vmmap_addr_t s, vmmap_addr_t l, uint32_t id)
{
	const vmmap_addr_t bsize = UINT64_C(1) << shift_of[lv];
	const vmmap_addr_t bstart = s & ~(bsize - 1);
	uint32_t slot = *slot_at(x, r), t, c, c0, c1;
	unsigned csh;

	if (s == bstart && l - s == bsize - 1 && slot == SLOT_NONE) {
		*slot_at(x, r) = SLOT(TAG_RANGE, id);
		return true;
	}
	if (lv == NLEVELS - 1) {
		if (slot != SLOT_NONE) {	/* ranges come in order */
			x->list[NUM(slot)].end = id + 1;
			return true;
		}
		if (!grow((void **)&x->list, &x->caplist, x->nlist + 1,
			  sizeof(*x->list)))
			return false;
		x->list[x->nlist].first = id;
		x->list[x->nlist].end = id + 1;
		x->list[x->nlist].sub = SLOT_NONE;
		*slot_at(x, r) = SLOT(TAG_LIST, x->nlist++);
		return true;
	}
	if (slot == SLOT_NONE) {
		if (x->ntab >= SLOT_MAX / FAN ||
		    !grow((void **)&x->tab, &x->captab, (x->ntab + 1) * FAN,
			  sizeof(*x->tab)))
			return false;
		memset(x->tab + (size_t)x->ntab * FAN, 0xff,
		       FAN * sizeof(*x->tab));
		slot = SLOT(TAG_TABLE, x->ntab++);
		*slot_at(x, r) = slot;
	}
	t = NUM(slot);
	csh = shift_of[lv + 1];
	c0 = (uint32_t)(s >> csh) & (FAN - 1);
	c1 = (uint32_t)(l >> csh) & (FAN - 1);
	for (c = c0; c <= c1; c++) {
		vmmap_addr_t cs = bstart + ((vmmap_addr_t)c << csh);
		vmmap_addr_t cl = cs + ((UINT64_C(1) << csh) - 1);
		struct sref cr = { NULL, (size_t)t * FAN + c };

		if (!place(x, cr, lv + 1, s > cs ? s : cs, l < cl ? l : cl,
			   id))
			return false;
	}
	return true;
}

static inline uint32_t cls_hash(const struct cls *c)
{
	uint64_t h = c->page_size * UINT64_C(0x9e3779b97f4a7c15) ^
		     c->prot * UINT64_C(0xc2b2ae3d27d4eb4f) ^
		     c->eff * UINT64_C(0x165667b19e3779f9) ^ c->what;

	return (uint32_t)(h ^ h >> 29);
}

/* The number of the class @c, added if new; SLOT_NONE out of memory. */
static uint32_t cls_of(struct batch_index *x, const struct cls *c)
{
	uint32_t i;

	if (2 * (x->ncls + 1) > x->clsmask + 1) {
		uint32_t cap = x->clsh ? 2 * (x->clsmask + 1) : 64, k;
		uint32_t *nh = malloc(cap * sizeof(*nh));

		if (!nh || !grow((void **)&x->cls, &x->capcls, cap / 2,
				 sizeof(*x->cls))) {
			free(nh);
			return SLOT_NONE;
		}
		memset(nh, 0xff, cap * sizeof(*nh));
		for (k = 0; k < x->ncls; k++) {
			for (i = cls_hash(&x->cls[k]) & (cap - 1);
			     nh[i] != SLOT_NONE; i = (i + 1) & (cap - 1))
				;
			nh[i] = k;
		}
		free(x->clsh);
		x->clsh = nh;
		x->clsmask = cap - 1;
	}
	for (i = cls_hash(c) & x->clsmask; x->clsh[i] != SLOT_NONE;
	     i = (i + 1) & x->clsmask) {
		const struct cls *o = &x->cls[x->clsh[i]];

		if (o->page_size == c->page_size && o->prot == c->prot &&
		    o->eff == c->eff && o->what == c->what)
			return x->clsh[i];
	}
	x->cls[x->ncls] = *c;
	x->clsh[i] = x->ncls;
	return x->ncls++;
}

/* A range of the walk: its number, and its place in the tree.  Holes
 * need neither: where no range is, the address is not mapped. */
static vmmap_status add_range(void *arg, const struct vmmap_range *r)
{
	struct batch_index *x = arg;
	struct info *in;
	struct cls c;
	uint64_t b, b0 = r->start >> TOP_SHIFT, b1 = r->last >> TOP_SHIFT;
	uint32_t id;

	if (r->kind == VMMAP_RANGE_HOLE || x->huge)
		return VMMAP_OK;
	if ((x->any && r->start <= x->prev_last) || r->last < r->start)
		return vmmap_set_error(x->ctx, VMMAP_ERR_INVALID,
				       "vtop_many: the walk's ranges overlap "
				       "at 0x%" PRIx64, r->start);
	x->any = true;
	x->prev_last = r->last;
	if (x->ntop + (b1 - b0) + 1 > TOP_MAX || x->ninfo >= SLOT_MAX) {
		x->huge = true;
		return VMMAP_OK;
	}
	if (!grow((void **)&x->info, &x->capinfo, x->ninfo + 1,
		  sizeof(*x->info)) ||
	    !grow((void **)&x->start, &x->capstart, x->ninfo + 1,
		  sizeof(*x->start)))
		return set_nomem(x->ctx);
	id = x->ninfo++;
	in = &x->info[id];
	memset(&c, 0, sizeof(c));
	/* anything but a mapping: the walk's error is not vtop's message */
	c.what = r->kind != VMMAP_RANGE_MAPPED ? INFO_ASK
		 : r->alias ? INFO_ALIAS : INFO_MAPPED;
	if (c.what != INFO_ASK) {
		c.page_size = r->page_size;
		c.prot = r->prot;
		c.eff = r->eff;
	}
	memset(in, 0, sizeof(*in));
	in->base = c.what == INFO_MAPPED ? r->phys - r->start : r->phys;
	in->last = r->last;
	in->cls = cls_of(x, &c);
	if (in->cls == SLOT_NONE)
		return set_nomem(x->ctx);
	x->start[id] = r->start;
	for (b = b0; b <= b1; b++) {
		struct sref sr;

		if (2 * ((uint64_t)x->ntop + 1) > (uint64_t)x->topmask + 1 &&
		    !top_grow(x))
			return set_nomem(x->ctx);
		sr.top = top_slot(x, b, true);
		sr.tab = 0;
		if (!place(x, sr, 0, b == b0 ? r->start : b << TOP_SHIFT,
			   b == b1 ? r->last
				   : (b << TOP_SHIFT | ((UINT64_C(1) << TOP_SHIFT) - 1)),
			   id))
			return set_nomem(x->ctx);
	}
	return VMMAP_OK;
}

static void one(struct vmmap_ctx *ctx, vmmap_addr_t va, struct vmmap_xlat *x)
{
	struct vmmap_vtop t;

	memset(x, 0, sizeof(*x));
	ctx->quiet++;
	x->status = vtop_internal(ctx, va, &t);
	ctx->quiet--;
	if (!x->status) {
		x->paddr = t.paddr;
		x->page_size = t.page_size;
		x->prot = t.prot;
		x->eff = t.eff;
	}
}

/* The 4 KiB tables of the long lists, once they are complete. */
static bool index_long_lists(struct batch_index *x)
{
	uint32_t i, nlong = 0, k;

	for (i = 0; i < x->nlist; i++)
		nlong += x->list[i].end - x->list[i].first > SHORT &&
			 x->list[i].end - x->list[i].first <= SUB_EXACT;
	if (!nlong)
		return true;
	x->sub = index_mem((size_t)nlong * SUB_FAN * sizeof(*x->sub));
	if (!x->sub)
		return false;
	for (i = 0; i < x->nlist; i++) {
		struct list *l = &x->list[i];
		uint16_t *t;
		vmmap_addr_t blk, page;
		uint32_t id;

		if (l->end - l->first <= SHORT ||
		    l->end - l->first > SUB_EXACT)
			continue;
		l->sub = x->nsub++;
		t = x->sub + (size_t)l->sub * SUB_FAN;
		/* the block: where the list's second range starts (the
		 * first may start in an earlier one) */
		blk = x->start[l->first + 1] & ~((UINT64_C(1) << 21) - 1);
		for (id = l->first, k = 0; k < SUB_FAN; k++) {
			page = blk + ((vmmap_addr_t)k << SUB_SHIFT);
			while (id + 1 < l->end && x->start[id + 1] <= page)
				id++;
			t[k] = (uint16_t)(id - l->first);
			if (x->start[id] <= page &&
			    (id + 1 == l->end || x->start[id + 1] > page +
			     ((UINT64_C(1) << SUB_SHIFT) - 1)))
				t[k] |= SUB_EXACT;
		}
	}
	return true;
}

/* The index of the map as it is now, built by one walk. */
static vmmap_status index_map(struct vmmap_ctx *ctx)
{
	struct batch_index *x;
	vmmap_status st;

	x = calloc(1, sizeof(*x));
	if (!x)
		return set_nomem(ctx);
	x->ctx = ctx;
	ctx->batch = x;
	if (!top_grow(x)) {
		batch_free(ctx);
		return set_nomem(ctx);
	}
	st = walk_internal(ctx, 0, VMMAP_ADDR_MAX,
			   VMMAP_WALK_NOSPLIT | VMMAP_WALK_NOHOLES | WALK_EXACT,
			   add_range, x);
	x->ctx = NULL;
	if (!st && !index_long_lists(x))
		st = set_nomem(ctx);
	if (st)
		batch_free(ctx);
	return st;
}

/* The slot of @va in the top hash and the tables: a range, none, or a
 * list. */
static inline uint32_t descend(const struct batch_index *x, vmmap_addr_t va)
{
	uint64_t key = (va >> TOP_SHIFT) + 1, i;
	uint32_t s = SLOT_NONE;
	unsigned lv;

	for (i = top_hash(key) & x->topmask; x->top[i].key;
	     i = (i + 1) & x->topmask)
		if (x->top[i].key == key) {
			s = x->top[i].slot;
			break;
		}
	for (lv = 1; TAG(s) == TAG_TABLE; lv++)
		s = x->tab[(size_t)NUM(s) * FAN +
			   ((uint32_t)(va >> shift_of[lv]) & (FAN - 1))];
	return s;
}

/* Where a long list's table has the page of @va. */
static inline const uint16_t *sub_of(const struct batch_index *x,
				     const struct list *l, vmmap_addr_t va)
{
	return x->sub + (size_t)l->sub * SUB_FAN +
	       ((uint32_t)(va >> SUB_SHIFT) & (SUB_FAN - 1));
}

/* The range of list @l holding @va, or SLOT_NONE. */
static inline uint32_t search(const struct batch_index *x,
			      const struct list *l, vmmap_addr_t va)
{
	uint32_t id, k;

	if (l->sub == SLOT_NONE) {
		/* the last range starting at or below va */
		for (id = l->first, k = l->first + 1; k < l->end; k++)
			id += x->start[k] <= va;
	} else {
		unsigned e = *sub_of(x, l, va);

		id = l->first + (e & ~SUB_EXACT);
		if (e & SUB_EXACT)
			return id;
		/* a range starting within the page, at or below va */
		while (id + 1 < l->end && x->start[id + 1] <= va)
			id++;
	}
	return x->start[id] <= va ? id : SLOT_NONE;
}

/*
 * A group of addresses goes through the lookup stage by stage: the
 * tables, the long lists' pages, the ranges' records.  The loads of one
 * stage are independent from address to address and fetched ahead, so
 * that the processor has the group's cache misses under way together,
 * not one after the other.
 */
#define GROUP 32

static void answer_group(struct vmmap_ctx *ctx, const struct batch_index *x,
			 const vmmap_addr_t *va, size_t n,
			 struct vmmap_xlat *out)
{
	uint32_t slot[GROUP];
	size_t j;

	for (j = 0; j < n; j++) {
		slot[j] = descend(x, va[j]);
		if (TAG(slot[j]) == TAG_LIST &&
		    x->list[NUM(slot[j])].sub != SLOT_NONE)
			__builtin_prefetch(sub_of(x, &x->list[NUM(slot[j])],
						  va[j]));
	}
	for (j = 0; j < n; j++) {
		if (TAG(slot[j]) == TAG_LIST)
			slot[j] = search(x, &x->list[NUM(slot[j])], va[j]);
		if (slot[j] != SLOT_NONE)
			__builtin_prefetch(&x->info[slot[j]]);
	}
	for (j = 0; j < n; j++) {
		struct vmmap_xlat *o = &out[j];
		const struct info *in;
		const struct cls *c;

		if (slot[j] == SLOT_NONE || va[j] > x->info[slot[j]].last) {
			memset(o, 0, sizeof(*o));
			o->status = VMMAP_ERR_NOTMAPPED;
			continue;
		}
		in = &x->info[slot[j]];
		c = &x->cls[in->cls];
		if (c->what == INFO_ASK) {
			one(ctx, va[j], o);
			continue;
		}
		o->paddr = in->base + (c->what == INFO_MAPPED ? va[j]
				       : va[j] & (c->page_size - 1));
		o->page_size = c->page_size;
		o->prot = c->prot;
		o->eff = c->eff;
		o->status = VMMAP_OK;
	}
}

PUBLIC vmmap_status vmmap_vtop_many(struct vmmap_ctx *ctx,
				    const vmmap_addr_t *va, size_t n,
				    struct vmmap_xlat *out)
{
	const struct batch_index *x;
	vmmap_status st;
	size_t i;

	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_vtop_many() before vmmap_load()");
	if (!ctx->batch && n >= BATCH_MIN) {
		st = index_map(ctx);
		if (st)
			return st;
	}
	x = ctx->batch;
	if (!x || x->huge) {
		for (i = 0; i < n; i++)
			one(ctx, va[i], &out[i]);
		return VMMAP_OK;
	}
	for (i = 0; i < n; i += GROUP)
		answer_group(ctx, x, va + i, n - i < GROUP ? n - i : GROUP,
			     out + i);
	return VMMAP_OK;
}
