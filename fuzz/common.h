/*
 * common.h - what the fuzz harnesses share: a bounded walk and a few vtops.
 * Each harness defines LLVMFuzzerTestOneInput(); run-regressions.c and
 * libFuzzer both call it.
 */
#ifndef VMMAP_FUZZ_COMMON_H
#define VMMAP_FUZZ_COMMON_H

#include "vmmap.h"

#include <stddef.h>
#include <stdint.h>

/* Ranges one walk may report before the harness stops it. */
#define FUZZ_MAX_RANGES 10000
/* Runs one walk may handle (struct vmmap_ctx.max_runs): what keeps an
 * input's work small.  Every seed loads and walks within it. */
#ifndef FUZZ_MAX_RUNS
#define FUZZ_MAX_RUNS 3000
#endif

struct fuzz_walk {
	uint64_t n;
	vmmap_addr_t addrs[8];	/* a few mapped addresses to vtop later */
	size_t naddrs;
};

static inline vmmap_status fuzz_range(void *arg, const struct vmmap_range *r)
{
	struct fuzz_walk *w = arg;

	/* Touch what a front end would. */
	if (r->start > r->last || (r->region && !r->region->id))
		__builtin_trap();
	if (r->kind == VMMAP_RANGE_MAPPED && w->naddrs < 8)
		w->addrs[w->naddrs++] = r->start + (r->last - r->start) / 2;
	return ++w->n >= FUZZ_MAX_RANGES ? VMMAP_ERR_STOP : VMMAP_OK;
}

/* After vmmap_load() succeeded: walk (bounded), vtop what it found and
 * @extra, read a little through the tables. */
static inline void fuzz_exercise(struct vmmap_ctx *ctx, unsigned flags,
				 const vmmap_addr_t *extra, size_t nextra)
{
	struct fuzz_walk w = { 0 };
	struct vmmap_vtop t;
	const char *names[64];
	struct vmmap_range r = { 0 };
	uint8_t buf[64];
	size_t i;

	vmmap_walk(ctx, 0, VMMAP_ADDR_MAX, flags, fuzz_range, &w);
	vmmap_clear_error(ctx);
	for (i = 0; i < w.naddrs; i++) {
		if (vmmap_vtop(ctx, w.addrs[i], &t) == VMMAP_OK &&
		    (t.nlevels < 1 || t.nlevels > VMMAP_MAX_LEVELS))
			__builtin_trap();
		vmmap_clear_error(ctx);
	}
	for (i = 0; i < nextra; i++) {
		vmmap_vtop(ctx, extra[i], &t);
		vmmap_clear_error(ctx);
		vmmap_read_virt(ctx, extra[i], buf, sizeof(buf));
		vmmap_clear_error(ctx);
		vmmap_region_of(ctx, extra[i]);
	}
	if (w.naddrs) {
		vmmap_read_virt(ctx, w.addrs[0], buf, sizeof(buf));
		vmmap_clear_error(ctx);
		r.kind = VMMAP_RANGE_MAPPED;
		r.prot = r.eff = ~UINT64_C(0);
		vmmap_flag_names(ctx, &r, names, 64);
	}
	for (i = 0; i < vmmap_param_count(ctx); i++)
		(void)vmmap_param_get(ctx, i)->name;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
