/*
 * batch.c - many translations at once (vmmap_vtop_many()).
 *
 * A few addresses are translated one by one.  Many are sorted (a radix
 * sort of the addresses with their positions) and met by one walk of the
 * map in address order, so that a batch costs a walk and a sort, not a
 * walk of the tables per address.  What the walk cannot answer exactly
 * as vmmap_vtop() would (an unreadable table, an invalid entry, the
 * summarised copies of a shared table) is translated one by one: the
 * answers are vmmap_vtop()'s, failures included.
 */
#include "config.h"
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

#define PUBLIC __attribute__((visibility("default")))

/* Below this many addresses, one vtop each is cheaper than a walk. */
#define BATCH_MIN 16384

struct q {
	vmmap_addr_t va;
	size_t idx;
};

/* Ranges are made of whole pages of at least 4 KiB: addresses need no
 * order within one. */
#define ORDER_SHIFT 12
#define DIGIT 10
#define NPASS_MAX ((64 + DIGIT - 1) / DIGIT)

/* An answer, in the order of the sorted addresses: where it goes (idx),
 * and what: a mapped range's number and the physical address, or none. */
struct ans {
	uint32_t idx;
	uint32_t range;		/* into meet.info, or one of these: */
#define ANS_NOTMAPPED UINT32_MAX
#define ANS_ASK (UINT32_MAX - 1)	/* vmmap_vtop()'s own answer */
	vmmap_addr_t paddr;
};

struct info {
	uint64_t page_size, prot, eff;
};

/* The digit @p of @k, for the passes of the sorts. */
static inline unsigned digit(uint64_t k, unsigned p)
{
	return (unsigned)(k >> (p * DIGIT)) & ((1u << DIGIT) - 1);
}

/* LSD radix sort of @n records of type T by the key KEY(record) >> SHIFT,
 * over its @bits low bits, DIGIT at a time, the histograms of every pass
 * counted in one read.  Sequential reads, bucketed writes: no random
 * access into a large array.  Leaves the result in *a. */
#define RADIX_SORT(T, a, tmp, n, KEY, bits, count)			\
	do {								\
		unsigned np_ = ((bits) + DIGIT - 1) / DIGIT, p_;	\
		size_t i_;						\
									\
		memset((count), 0, sizeof(size_t) * NPASS_MAX *		\
		       (1u << DIGIT));					\
		for (i_ = 0; i_ < (n); i_++)				\
			for (p_ = 0; p_ < np_; p_++)			\
				(count)[p_ << DIGIT |			\
					digit(KEY((*(a))[i_]), p_)]++;	\
		for (p_ = 0; p_ < np_; p_++) {				\
			size_t sum_ = 0, d_, *c_ = (count) + (p_ << DIGIT); \
			T *t_;						\
									\
			for (d_ = 0; d_ < (1u << DIGIT); d_++) {	\
				size_t v_ = c_[d_];			\
									\
				c_[d_] = sum_;				\
				sum_ += v_;				\
			}						\
			for (i_ = 0; i_ < (n); i_++)			\
				(*(tmp))[c_[digit(KEY((*(a))[i_]), p_)]++] = \
					(*(a))[i_];			\
			t_ = *(a);					\
			*(a) = *(tmp);					\
			*(tmp) = t_;					\
		}							\
	} while (0)

#define A_KEY(r) ((uint64_t)(r).idx)

struct meet {
	struct vmmap_ctx *ctx;
	const struct q *q;
	size_t n, k;
	struct ans *ans;
	struct info *info;
	uint32_t ninfo, capinfo;
	bool again;		/* some need a vtop of their own */
};

static vmmap_status meet_range(void *arg, const struct vmmap_range *r)
{
	struct meet *m = arg;
	uint32_t id = ANS_ASK;

	/* before the range: in no range, not mapped */
	while (m->k < m->n && m->q[m->k].va < r->start) {
		m->ans[m->k].idx = (uint32_t)m->q[m->k].idx;
		m->ans[m->k++].range = ANS_NOTMAPPED;
	}
	if (m->k == m->n || m->q[m->k].va > r->last)
		return m->k < m->n ? VMMAP_OK : VMMAP_ERR_STOP;
	if (r->kind == VMMAP_RANGE_MAPPED) {
		if (m->ninfo == m->capinfo) {
			uint32_t cap = m->capinfo ? 2 * m->capinfo : 1024;
			struct info *ni = realloc(m->info, cap * sizeof(*ni));

			if (!ni)
				return set_nomem(m->ctx);
			m->info = ni;
			m->capinfo = cap;
		}
		m->info[m->ninfo].page_size = r->page_size;
		m->info[m->ninfo].prot = r->prot;
		m->info[m->ninfo].eff = r->eff;
		id = m->ninfo++;
	} else if (r->kind == VMMAP_RANGE_HOLE) {
		id = ANS_NOTMAPPED;
	} else {
		/* the walk's error is not vtop's message: ask vtop */
		m->again = true;
	}
	while (m->k < m->n && m->q[m->k].va <= r->last) {
		vmmap_addr_t va = m->q[m->k].va;
		struct ans *a = &m->ans[m->k];

		a->idx = (uint32_t)m->q[m->k++].idx;
		a->range = id;
		if (id < ANS_ASK)
			a->paddr = r->alias
				   ? r->phys + (va & (r->page_size - 1))
				   : r->phys + (va - r->start);
	}
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

/* The buffers of a batch of @n: kept in the context, so that the next
 * batch finds its memory already faulted in. */
static void *batch_mem(struct vmmap_ctx *ctx, size_t size)
{
	if (size > ctx->batch_size) {
		free(ctx->batch_buf);
		ctx->batch_buf = malloc(size);
		ctx->batch_size = ctx->batch_buf ? size : 0;
	}
	return ctx->batch_buf;
}

/* Up to 2^32 - 1 addresses of a batch at a time. */
static vmmap_status batch(struct vmmap_ctx *ctx, const vmmap_addr_t *va,
			  size_t n, struct vmmap_xlat *out)
{
	const size_t nc = (size_t)NPASS_MAX << DIGIT;
	char *mem = batch_mem(ctx, 2 * n * sizeof(struct q) +
				   nc * sizeof(size_t));
	struct q *a, *tmp;
	struct ans *ans, *atmp;
	size_t *count, i;
	vmmap_addr_t diff = 0;
	unsigned np = 0, p;
	struct meet m;
	vmmap_status st = VMMAP_OK;

	memset(&m, 0, sizeof(m));
	if (!mem)
		return set_nomem(ctx);
	a = (struct q *)mem;
	tmp = a + n;
	count = (size_t *)(tmp + n);
	/* the bits where the addresses differ: the passes to make */
	for (i = 1; i < n; i++)
		diff |= va[i] ^ va[0];
	diff >>= ORDER_SHIFT;
	if (diff)
		np = (64 - (unsigned)__builtin_clzll(diff) + DIGIT - 1) / DIGIT;
	/* the addresses with their places, and every pass's histogram */
	memset(count, 0, nc * sizeof(size_t));
	for (i = 0; i < n; i++) {
		vmmap_addr_t k = va[i] >> ORDER_SHIFT;

		a[i].va = va[i];
		a[i].idx = i;
		for (p = 0; p < np; p++)
			count[p << DIGIT | digit(k, p)]++;
	}
	for (p = 0; p < np; p++) {
		size_t sum = 0, d, *c = count + ((size_t)p << DIGIT);
		unsigned shift = ORDER_SHIFT + p * DIGIT;
		struct q *t;

		if (c[digit(a[0].va >> ORDER_SHIFT, p)] == n)
			continue;	/* a digit all share */
		for (d = 0; d < (1u << DIGIT); d++) {
			size_t v = c[d];

			c[d] = sum;
			sum += v;
		}
		for (i = 0; i < n; i++)
			tmp[c[(a[i].va >> shift) & ((1u << DIGIT) - 1)]++] =
				a[i];
		t = a;
		a = tmp;
		tmp = t;
	}
	m.ctx = ctx;
	m.q = a;
	m.n = n;
	/* the answers take the other half: a struct q is as large */
	m.ans = ans = (struct ans *)tmp;
	st = walk_internal(ctx, 0, VMMAP_ADDR_MAX,
			   VMMAP_WALK_NOSPLIT | VMMAP_WALK_NOHOLES | WALK_EXACT,
			   meet_range, &m);
	if (st)
		goto out;
	for (; m.k < n; m.k++) {
		ans[m.k].idx = (uint32_t)a[m.k].idx;
		ans[m.k].range = ANS_NOTMAPPED;
	}
	/* back in the caller's order, again by buckets */
	atmp = (struct ans *)a;
	if (n > 1)
		RADIX_SORT(struct ans, &ans, &atmp, n, A_KEY,
			   64 - (unsigned)__builtin_clzll((uint64_t)n - 1),
			   count);
	for (i = 0; i < n; i++) {
		struct vmmap_xlat *x = &out[i];
		const struct ans *r = &ans[i];

		if (r->range < ANS_ASK) {
			const struct info *in = &m.info[r->range];

			x->paddr = r->paddr;
			x->page_size = in->page_size;
			x->prot = in->prot;
			x->eff = in->eff;
			x->status = VMMAP_OK;
		} else if (r->range == ANS_NOTMAPPED) {
			memset(x, 0, sizeof(*x));
			x->status = VMMAP_ERR_NOTMAPPED;
		} else {
			one(ctx, va[i], x);
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
