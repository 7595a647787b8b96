/*
 * output/output.h - the output room: the formats every front end prints
 * (format.c), the picture (picture.c) and the options they share (cmd.c).
 * Not installed.
 */
#ifndef VMMAP_OUTPUT_H
#define VMMAP_OUTPUT_H

#include "kernel/kernel.h"

/* The addresses --region and --range select, all of them by default. */
/* @s as a JSON string, quoted and escaped ("" for NULL). */
void json_str(FILE *out, const char *s);
vmmap_status fmt_span(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		      vmmap_addr_t *first_ret, vmmap_addr_t *last_ret);

vmmap_status fmt_map(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		     FILE *out);
vmmap_status fmt_layout(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
			FILE *out);
vmmap_status fmt_vtop(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		      FILE *out);
vmmap_status fmt_stats(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		       FILE *out);

/* --vtop=- / --vtop=@FILE: many translations (format.c). */
vmmap_status fmt_vtop_many(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
			   FILE *out);

/* analysis.c: --check and --ptov. */
vmmap_status fmt_check(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		       FILE *out);
vmmap_status fmt_ptov(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		      FILE *out);
/* diff.c: --diff. */
vmmap_status fmt_diff(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		      FILE *out);
/* --check's LIST (NULL or empty: every check) into VMMAP_CHECK_* bits. */
vmmap_status parse_checks(struct vmmap_ctx *ctx, const char *list,
			  unsigned *checks_ret);
/* --ptov's LIST checked (the queries are parsed again when run). */
vmmap_status check_ptov(struct vmmap_ctx *ctx, const char *list);

/* objects.c: the kernel's own structures printed. */
vmmap_status fmt_objects(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
			 FILE *out);
vmmap_status fmt_modules(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
			 FILE *out);
vmmap_status fmt_slabs(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		       FILE *out);
vmmap_status fmt_tasks(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		       FILE *out);
void objects_notes_as_warnings(struct vmmap_ctx *ctx);
/* @r cut where its label changes: @fn on each piece with its object. */
vmmap_status objects_split(struct vmmap_ctx *ctx, const struct vmmap_range *r,
			   vmmap_status (*fn)(void *arg,
					      const struct vmmap_range *r,
					      const struct vmmap_object *obj),
			   void *arg);

/* replica.c: the ranges of a walk kept, to resolve its REPLICA ranges
 * into what their first copies map. */
#define REP_SUMS_SIZES 8
struct rep_sums {		/* bytes by page size, and unreadable */
	uint64_t page_size[REP_SUMS_SIZES], bytes[REP_SUMS_SIZES];
	int n;
	uint64_t unreadable;
};
#define REP_CACHE 64
struct rep_cache {
	bool used;
	vmmap_addr_t src;
	uint64_t span;
	struct rep_sums sums;
};
struct rep {
	struct vmmap_ctx *ctx;
	struct vmmap_range *recs;
	size_t n, cap;
	bool full;		/* no more kept after kept_last */
	vmmap_addr_t kept_last;
	uint64_t budget;	/* source ranges rep_resolve() may still give */
	struct rep_cache cache[REP_CACHE];
	unsigned next_cache;
};
/* Called for each range @r of a replica's source, clipped to [a, b] (in
 * the source), which the replica shows at @at (for @a). */
typedef vmmap_status rep_fn(void *arg, const struct vmmap_range *r,
			    vmmap_addr_t a, vmmap_addr_t b, vmmap_addr_t at);
void rep_init(struct rep *rp, struct vmmap_ctx *ctx);
void rep_free(struct rep *rp);
/* Keep @r (called for every range of the walk, in order). */
vmmap_status rep_add(struct rep *rp, const struct vmmap_range *r);
/* What the REPLICA range @r maps: @fn on each range of its source. */
vmmap_status rep_resolve(struct rep *rp, const struct vmmap_range *r,
			 rep_fn *fn, void *arg);
/* What the REPLICA range @r maps, summed (whole copies counted once). */
vmmap_status rep_sum(struct rep *rp, const struct vmmap_range *r,
		     struct rep_sums *acc);
uint64_t rep_copy_span(const struct vmmap_ctx *ctx,
		       const struct vmmap_range *r);

/* Size as the kernel's ptdump prints it: "    4K", "  512G". */
void fmt_size(uint64_t bytes, char *buf, size_t size);
/* format.c's helpers that picture.c shares: sizes for people as --layout
 * prints them ("2M", "~12.8P"), a range's flags without "present", what an
 * unmapped range is in words, and the status of a failed write to @out. */
void fmt_hsize(uint64_t bytes, char *buf, size_t size);
void flags_str(const struct vmmap_ctx *ctx, const struct vmmap_range *r,
	       char *buf, size_t size);
void unmapped_str(const struct vmmap_range *r, char *buf, size_t size);
vmmap_status out_status(struct vmmap_ctx *ctx, FILE *out);

/* picture.c: --format=svg and html, the map drawn. */
vmmap_status fmt_picture(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
			 FILE *out);

#endif /* VMMAP_OUTPUT_H */
