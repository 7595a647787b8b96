/*
 * batch.c - many translations at once (vmmap_vtop_many()).
 *
 * A few addresses are translated one by one.  Many are sorted (a radix
 * sort of the addresses' pages with their places) and met by one walk of
 * the map in address order, so that a batch costs a walk and a sort, not
 * a walk of the tables per address.  What the walk cannot answer exactly
 * as vmmap_vtop() would (an unreadable table, an invalid entry, the
 * summarised copies of a shared table) is translated one by one: the
 * answers are vmmap_vtop()'s, failures included.
 */
#include "config.h"
#include "core/core.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PUBLIC __attribute__((visibility("default")))

/* Below this many addresses, one vtop each is cheaper than a walk. */
#define BATCH_MIN 16384

/* Ranges are made of whole pages of at least 4 KiB: addresses need no
 * order within one. */
#define ORDER_SHIFT 12
#define PAGE_LOW ((UINT64_C(1) << ORDER_SHIFT) - 1)
#define DIGIT 10
#define NPASS_MAX ((64 + DIGIT - 1) / DIGIT)

/* The digit @p of @k above bit @base, for the passes of the sorts. */
static inline unsigned digit(uint64_t k, unsigned base, unsigned p)
{
	return (unsigned)(k >> (base + p * DIGIT)) & ((1u << DIGIT) - 1);
}

/*
 * LSD radix sort of the @n records *@a of type T by the @bits bits of
 * KEY(record) above bit @base, DIGIT at a time, with the histograms of
 * every pass already in @count; a pass whose digit all share is skipped.
 * Sequential reads, bucketed writes: no random access into a large
 * array.  Leaves the result in *@a, *@tmp the other buffer.
 */
#define RADIX_SORT(T, a, tmp, n, KEY, base, bits, count)		\
	do {								\
		unsigned np_ = ((bits) + DIGIT - 1) / DIGIT, p_;	\
		size_t i_;						\
									\
		for (p_ = 0; p_ < np_; p_++) {				\
			size_t sum_ = 0, d_, *c_ = (count) +		\
				((size_t)p_ << DIGIT);			\
			T *t_;						\
									\
			if (c_[digit(KEY((*(a))[0]), (base), p_)] == (n)) \
				continue;				\
			for (d_ = 0; d_ < (1u << DIGIT); d_++) {	\
				size_t v_ = c_[d_];			\
									\
				c_[d_] = sum_;				\
				sum_ += v_;				\
			}						\
			for (i_ = 0; i_ < (n); i_++)			\
				(*(tmp))[c_[digit(KEY((*(a))[i_]),	\
						  (base), p_)]++] =	\
					(*(a))[i_];			\
			t_ = *(a);					\
			*(a) = *(tmp);					\
			*(tmp) = t_;					\
		}							\
	} while (0)

/* A wide batch's record: the address and its place. */
struct q {
	vmmap_addr_t va;
	size_t idx;
};

#define Q_KEY(r) ((r).va)
#define U_KEY(r) (r)

/*
 * The sorted addresses, met by the walk in address order.  Where the
 * page numbers' varying bits and the places fit one 64-bit word (kbits +
 * ibits <= 64: a batch of up to 2^22 addresses anywhere in a 57-bit half
 * of the address space, say), a record is that word: the page's varying
 * bits above the place, so the sort moves 8 bytes an address; else a
 * struct q.
 *
 * Each answer is a word too, in the sorted order: the range's number (in
 * info) or one of the ANS_ values above the place.  The answers are then
 * sorted back by their places' bits above LOCAL_BITS only, so that the
 * last pass, which writes each answer to its place in the caller's array,
 * writes within 2^LOCAL_BITS places at a time (kilobytes, in the cache),
 * not at random over all of it.
 */
#define LOCAL_BITS 11
#define ANS_NOTMAPPED UINT32_MAX
#define ANS_ASK (UINT32_MAX - 1)	/* vmmap_vtop()'s own answer */
#define A_KEY(r) ((r) & UINT32_MAX)

struct info {
	vmmap_addr_t start, phys;
	uint64_t page_size, prot, eff;
	bool alias;
};

struct meet {
	struct vmmap_ctx *ctx;
	const uint64_t *key;		/* packed records, or */
	const struct q *q;		/* wide ones */
	unsigned ibits;			/* packed: the place's bits */
	vmmap_addr_t hi;		/* packed: the bits all share */
	size_t n, k;
	uint64_t *ans;
	size_t *count;			/* the answers' histograms */
	unsigned np;			/* their passes */
	struct info *info;
	uint32_t ninfo, capinfo;
};

/* The @k-th sorted address's page (its address, offset cleared) and
 * place. */
static inline vmmap_addr_t rec(const struct meet *m, size_t k, size_t *idx)
{
	if (m->key) {
		uint64_t r = m->key[k];

		*idx = (size_t)(r & ((UINT64_C(1) << m->ibits) - 1));
		return m->hi | (r >> m->ibits << ORDER_SHIFT);
	}
	*idx = m->q[k].idx;
	return m->q[k].va & ~PAGE_LOW;
}

static inline void answer(struct meet *m, size_t idx, uint32_t what)
{
	unsigned p;

	m->ans[m->k++] = (uint64_t)what << 32 | idx;
	for (p = 0; p < m->np; p++)
		m->count[p << DIGIT | digit(idx, LOCAL_BITS, p)]++;
}

static vmmap_status meet_range(void *arg, const struct vmmap_range *r)
{
	struct meet *m = arg;
	uint32_t id = ANS_ASK;
	size_t idx;
	vmmap_addr_t pg = 0;

	/* before the range: in no range, not mapped */
	while (m->k < m->n && (pg = rec(m, m->k, &idx)) < r->start)
		answer(m, idx, ANS_NOTMAPPED);
	if (m->k == m->n)
		return VMMAP_ERR_STOP;
	if (pg > r->last)
		return VMMAP_OK;
	if (r->kind == VMMAP_RANGE_MAPPED) {
		struct info *in;

		if (m->ninfo == m->capinfo) {
			uint32_t cap = m->capinfo ? 2 * m->capinfo : 1024;
			struct info *ni = cap < ANS_ASK
				? realloc(m->info, cap * sizeof(*ni)) : NULL;

			if (!ni)
				return set_nomem(m->ctx);
			m->info = ni;
			m->capinfo = cap;
		}
		in = &m->info[m->ninfo];
		in->start = r->start;
		in->phys = r->phys;
		in->page_size = r->page_size;
		in->prot = r->prot;
		in->eff = r->eff;
		in->alias = r->alias;
		id = m->ninfo++;
	} else if (r->kind == VMMAP_RANGE_HOLE) {
		id = ANS_NOTMAPPED;
	}
	/* else the walk's error is not vtop's message: ask vtop */
	while (m->k < m->n && rec(m, m->k, &idx) <= r->last)
		answer(m, idx, id);
	return m->k < m->n ? VMMAP_OK : VMMAP_ERR_STOP;
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

void batch_free(struct vmmap_ctx *ctx)
{
	free(ctx->batch_buf);
	ctx->batch_buf = NULL;
	ctx->batch_size = 0;
}

/* The buffers of a batch: kept in the context, so that the next batch
 * finds its memory already faulted in; in huge pages where the kernel
 * gives them on request (transparent_hugepage "madvise"), so that the
 * first batch is not a page fault every 4 KiB. */
static void *batch_mem(struct vmmap_ctx *ctx, size_t size)
{
	const size_t huge = (size_t)2 << 20;

	if (size > ctx->batch_size) {
		void *p = NULL;

		free(ctx->batch_buf);
		ctx->batch_buf = NULL;
		ctx->batch_size = 0;
		size = (size + huge - 1) & ~(huge - 1);
		if (posix_memalign(&p, huge, size))
			return NULL;
#ifdef MADV_HUGEPAGE
		(void)madvise(p, size, MADV_HUGEPAGE);
#endif
		ctx->batch_buf = p;
		ctx->batch_size = size;
	}
	return ctx->batch_buf;
}

static unsigned bits_of(uint64_t v)
{
	return v ? 64 - (unsigned)__builtin_clzll(v) : 0;
}

/* Up to 2^32 - 2 addresses of a batch at a time. */
static vmmap_status batch(struct vmmap_ctx *ctx, const vmmap_addr_t *va,
			  size_t n, struct vmmap_xlat *out)
{
	const size_t nc = (size_t)NPASS_MAX << DIGIT;
	vmmap_addr_t diff = 0;
	unsigned kbits, ibits, np, p;
	bool packed;
	size_t *count, i, rsize;
	uint64_t *ans, *atmp;
	char *mem;
	struct meet m;
	vmmap_status st;

	/* the bits where the pages differ: the passes to make */
	for (i = 1; i < n; i++)
		diff |= va[i] ^ va[0];
	kbits = bits_of(diff >> ORDER_SHIFT);
	ibits = bits_of((uint64_t)n - 1);
	packed = kbits + ibits <= 64;
	rsize = packed ? sizeof(uint64_t) : sizeof(struct q);
	np = (kbits + DIGIT - 1) / DIGIT;
	mem = batch_mem(ctx, 2 * n * rsize + nc * sizeof(size_t));
	if (!mem)
		return set_nomem(ctx);
	count = (size_t *)(mem + 2 * n * rsize);
	memset(count, 0, nc * sizeof(size_t));
	memset(&m, 0, sizeof(m));
	m.ctx = ctx;
	m.n = n;
	/* the records, and every pass's histogram, in one read */
	if (packed) {
		uint64_t *a = (uint64_t *)mem, *tmp = a + n;
		/* kbits <= 52 (page numbers), ibits <= 32 (a batch) */
		uint64_t kmask = (UINT64_C(1) << kbits) - 1;

		for (i = 0; i < n; i++) {
			uint64_t k = va[i] >> ORDER_SHIFT & kmask;

			a[i] = k << ibits | i;
			for (p = 0; p < np; p++)
				count[p << DIGIT | digit(k, 0, p)]++;
		}
		RADIX_SORT(uint64_t, &a, &tmp, n, U_KEY, ibits, kbits, count);
		m.key = a;
		m.ibits = ibits;
		m.hi = va[0] & ~(kmask << ORDER_SHIFT) & ~PAGE_LOW;
		ans = tmp;		/* the answers take the other half */
		atmp = a;		/* and then this one, once met */
	} else {
		struct q *a = (struct q *)mem, *tmp = a + n;

		for (i = 0; i < n; i++) {
			a[i].va = va[i];
			a[i].idx = i;
			for (p = 0; p < np; p++)
				count[p << DIGIT |
				      digit(va[i], ORDER_SHIFT, p)]++;
		}
		RADIX_SORT(struct q, &a, &tmp, n, Q_KEY, ORDER_SHIFT, kbits,
			   count);
		m.q = a;
		ans = (uint64_t *)tmp;
		atmp = ans + n;	/* a struct q is two answers */
	}
	m.ans = ans;
	m.count = count;
	m.np = ibits > LOCAL_BITS ? (ibits - LOCAL_BITS + DIGIT - 1) / DIGIT
				  : 0;
	memset(count, 0, nc * sizeof(size_t));
	st = walk_internal(ctx, 0, VMMAP_ADDR_MAX,
			   VMMAP_WALK_NOSPLIT | VMMAP_WALK_NOHOLES | WALK_EXACT,
			   meet_range, &m);
	if (st)
		goto out;
	while (m.k < n) {	/* beyond the last range */
		size_t idx;

		rec(&m, m.k, &idx);
		answer(&m, idx, ANS_NOTMAPPED);
	}
	/* back towards the caller's order: by the places' high bits */
	if (m.np)
		RADIX_SORT(uint64_t, &ans, &atmp, n, A_KEY, LOCAL_BITS,
			   ibits - LOCAL_BITS, count);
	for (i = 0; i < n; i++) {
		size_t idx = (size_t)(ans[i] & UINT32_MAX);
		uint32_t what = (uint32_t)(ans[i] >> 32);
		struct vmmap_xlat *x = &out[idx];

		if (what < ANS_ASK) {
			const struct info *in = &m.info[what];

			x->paddr = in->alias
				   ? in->phys + (va[idx] & (in->page_size - 1))
				   : in->phys + (va[idx] - in->start);
			x->page_size = in->page_size;
			x->prot = in->prot;
			x->eff = in->eff;
			x->status = VMMAP_OK;
		} else if (what == ANS_NOTMAPPED) {
			memset(x, 0, sizeof(*x));
			x->status = VMMAP_ERR_NOTMAPPED;
		} else {
			one(ctx, va[idx], x);
		}
	}
out:
	free(m.info);
	return st;
}

PUBLIC vmmap_status vmmap_vtop_many(struct vmmap_ctx *ctx,
				    const vmmap_addr_t *va, size_t n,
				    struct vmmap_xlat *out)
{
	vmmap_status st = VMMAP_OK;
	size_t i;

	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_vtop_many() before vmmap_load()");
	if (n < BATCH_MIN) {
		for (i = 0; i < n; i++)
			one(ctx, va[i], &out[i]);
		return VMMAP_OK;
	}
	for (i = 0; !st && i < n; i += UINT32_MAX - 2)
		st = batch(ctx, va + i, n - i < UINT32_MAX - 2
			   ? n - i : UINT32_MAX - 2, out + i);
	return st;
}
