/*
 * output/output.h - the output room: the formats every front end prints
 * (format.c) and the options they share (cmd.c).  Not installed.
 */
#ifndef VMMAP_OUTPUT_H
#define VMMAP_OUTPUT_H

#include "source/source.h"

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

#endif /* VMMAP_OUTPUT_H */
