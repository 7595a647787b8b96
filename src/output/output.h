/*
 * output/output.h - the output room: the formats every front end prints
 * (format.c), the picture (picture.c) and the options they share (cmd.c).
 * Not installed.
 */
#ifndef VMMAP_OUTPUT_H
#define VMMAP_OUTPUT_H

#include "source/source.h"

/* The addresses --region and --range select, all of them by default. */
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

/* analysis.c: --check and --ptov. */
vmmap_status fmt_check(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		       FILE *out);
vmmap_status fmt_ptov(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		      FILE *out);
/* --check's LIST (NULL or empty: every check) into VMMAP_CHECK_* bits. */
vmmap_status parse_checks(struct vmmap_ctx *ctx, const char *list,
			  unsigned *checks_ret);
/* --ptov's LIST checked (the queries are parsed again when run). */
vmmap_status check_ptov(struct vmmap_ctx *ctx, const char *list);

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
